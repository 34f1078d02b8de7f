/* svfs-device-driver.c: a built-in device driver and when it is registered
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "svfs-device.h"
#include "svfs-device-driver.h"
#include "svfs-device-driver-private.h"
#include "svfs-enums.h"

/**
 * SvfsDeviceDriver:
 *
 * One of the device drivers a sandbox registers, in gVisor's order
 * (memory devices, tty, tun, fuse, nvidia, tpu): its name, the condition
 * under which it is registered ([flags@Svfs.DeviceDriverFlags]) and the
 * device nodes with fixed numbers it provides. Get them from
 * [method@Svfs.DeviceRegistry.list_drivers].
 *
 * ```python
 * for d in Svfs.DeviceRegistry.new().list_drivers():
 *     print(d.props.name, d.props.flags, [n.props.path for n in d.props.devices])
 * ```
 *
 * Since: 1.0
 */
struct _SvfsDeviceDriver
{
  GObject                parent_instance;

  char                  *name;
  char                  *description;
  SvfsDeviceDriverFlags  flags;
  GListStore            *devices;
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_FLAGS,
  PROP_DEVICES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SvfsDeviceDriver, svfs_device_driver, G_TYPE_OBJECT)

static void
svfs_device_driver_finalize (GObject *object)
{
  SvfsDeviceDriver *self = SVFS_DEVICE_DRIVER (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_object (&self->devices);

  G_OBJECT_CLASS (svfs_device_driver_parent_class)->finalize (object);
}

static void
svfs_device_driver_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SvfsDeviceDriver *self = SVFS_DEVICE_DRIVER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_FLAGS:
      g_value_set_flags (value, self->flags);
      break;
    case PROP_DEVICES:
      g_value_set_object (value, self->devices);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
svfs_device_driver_class_init (SvfsDeviceDriverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = svfs_device_driver_finalize;
  object_class->get_property = svfs_device_driver_get_property;

  /**
   * SvfsDeviceDriver:name:
   *
   * The driver's name: `memory`, `tty`, `tun`, `fuse`, `nvidia` or `tpu`.
   *
   * Since: 1.0
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDeviceDriver:description:
   *
   * A one-line description for people.
   *
   * Since: 1.0
   */
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDeviceDriver:flags:
   *
   * When the driver is registered.
   *
   * Since: 1.0
   */
  properties[PROP_FLAGS] =
    g_param_spec_flags ("flags", NULL, NULL,
                        SVFS_TYPE_DEVICE_DRIVER_FLAGS,
                        SVFS_DEVICE_DRIVER_FLAGS_NONE,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDeviceDriver:devices:
   *
   * The device nodes with fixed numbers the driver provides, a
   * #GListModel of [class@Svfs.Device].
   *
   * Since: 1.0
   */
  properties[PROP_DEVICES] =
    g_param_spec_object ("devices", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
svfs_device_driver_init (SvfsDeviceDriver *self)
{
  self->devices = g_list_store_new (SVFS_TYPE_DEVICE);
}

typedef struct {
  const char *kind;
  const char *path;
  guint       major;
  guint       minor;
} FixedNode;

static SvfsDeviceDriver *
driver_new (const char            *name,
            const char            *description,
            SvfsDeviceDriverFlags  flags,
            const FixedNode       *nodes,
            gsize                  n_nodes)
{
  SvfsDeviceDriver *self = g_object_new (SVFS_TYPE_DEVICE_DRIVER, NULL);

  self->name = g_strdup (name);
  self->description = g_strdup (description);
  self->flags = flags;
  for (gsize i = 0; i < n_nodes; i++)
    {
      g_autoptr(SvfsDevice) d = svfs_device_new (nodes[i].kind, nodes[i].path, "c",
                                                 nodes[i].major, nodes[i].minor);
      g_list_store_append (self->devices, d);
    }

  return self;
}

GListModel *
svfs_device_driver_list_builtin (void)
{
  /* gVisor §17.2, in registration order. */
  static const FixedNode memory[] = {
    { "memory", "/dev/null", 1, 3 },
    { "memory", "/dev/zero", 1, 5 },
    { "memory", "/dev/full", 1, 7 },
    { "memory", "/dev/random", 1, 8 },
    { "memory", "/dev/urandom", 1, 9 },
  };
  static const FixedNode tty[] = { { "tty", "/dev/tty", 5, 0 } };
  static const FixedNode tun[] = { { "tun", "/dev/net/tun", 10, 200 } };
  static const FixedNode fuse[] = { { "fuse", "/dev/fuse", 10, 229 } };
  static const FixedNode nvidia[] = { { "nvidia-control", "/dev/nvidiactl", 195, 255 } };
  static const FixedNode tpu[] = { { "vfio-control", "/dev/vfio/vfio", 10, 196 } };
  GListStore *store = g_list_store_new (SVFS_TYPE_DEVICE_DRIVER);
  SvfsDeviceDriver *drivers[] = {
    driver_new ("memory", "null, zero, full, random and urandom (group \"mem\")",
                SVFS_DEVICE_DRIVER_FLAGS_NONE, memory, G_N_ELEMENTS (memory)),
    driver_new ("tty", "the controlling terminal",
                SVFS_DEVICE_DRIVER_FLAGS_NONE, tty, G_N_ELEMENTS (tty)),
    driver_new ("tun", "TUN/TAP network devices",
                SVFS_DEVICE_DRIVER_FLAGS_NEEDS_NETSTACK, tun, G_N_ELEMENTS (tun)),
    driver_new ("fuse", "filesystems in user space",
                SVFS_DEVICE_DRIVER_FLAGS_NONE, fuse, G_N_ELEMENTS (fuse)),
    driver_new ("nvidia", "NVIDIA GPUs: nvidiaN, nvidiactl, nvidia-uvm, nvidia-modeset, nvidia-caps",
                SVFS_DEVICE_DRIVER_FLAGS_NEEDS_NVPROXY | SVFS_DEVICE_DRIVER_FLAGS_HOST_DISCOVERY,
                nvidia, G_N_ELEMENTS (nvidia)),
    driver_new ("tpu", "Google TPUs: accelN (v4, v4lite) and VFIO groups (v5e, v5p, v6e, 7x)",
                SVFS_DEVICE_DRIVER_FLAGS_NEEDS_TPUPROXY | SVFS_DEVICE_DRIVER_FLAGS_HOST_DISCOVERY,
                tpu, G_N_ELEMENTS (tpu)),
  };

  for (gsize i = 0; i < G_N_ELEMENTS (drivers); i++)
    {
      g_list_store_append (store, drivers[i]);
      g_object_unref (drivers[i]);
    }

  return G_LIST_MODEL (store);
}

/**
 * svfs_device_driver_get_name:
 * @self: a #SvfsDeviceDriver
 *
 * Gets the driver's name, see #SvfsDeviceDriver:name.
 *
 * Returns: (transfer none): the name
 *
 * Since: 1.0
 */
const char *
svfs_device_driver_get_name (SvfsDeviceDriver *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE_DRIVER (self), NULL);

  return self->name;
}

/**
 * svfs_device_driver_get_description:
 * @self: a #SvfsDeviceDriver
 *
 * Gets a one-line description of the driver.
 *
 * Returns: (transfer none): the description
 *
 * Since: 1.0
 */
const char *
svfs_device_driver_get_description (SvfsDeviceDriver *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE_DRIVER (self), NULL);

  return self->description;
}

/**
 * svfs_device_driver_get_flags:
 * @self: a #SvfsDeviceDriver
 *
 * Gets when the driver is registered.
 *
 * Returns: the flags
 *
 * Since: 1.0
 */
SvfsDeviceDriverFlags
svfs_device_driver_get_flags (SvfsDeviceDriver *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE_DRIVER (self), SVFS_DEVICE_DRIVER_FLAGS_NONE);

  return self->flags;
}

/**
 * svfs_device_driver_get_devices:
 * @self: a #SvfsDeviceDriver
 *
 * Gets the device nodes with fixed numbers the driver provides. Nodes
 * found on the host (GPUs, TPUs) are not in it: see
 * [method@Svfs.DeviceRegistry.enumerate].
 *
 * Returns: (transfer none): a #GListModel of [class@Svfs.Device]
 *
 * Since: 1.0
 */
GListModel *
svfs_device_driver_get_devices (SvfsDeviceDriver *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE_DRIVER (self), NULL);

  return G_LIST_MODEL (self->devices);
}
