/* svfs-device.c: a device node (from the spec or discovered on the host)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "svfs-spec-private.h"
#include "svfs-device.h"

/**
 * SvfsDevice:
 *
 * A device node the container gets: an entry of the spec's
 * `linux.devices` (kind `spec`) or a device discovered on the host, such
 * as an NVIDIA GPU (`nvidia-gpu`) or a TPU (`tpu`).
 *
 * Since: 1.0
 */
struct _SvfsDevice
{
  GObject  parent_instance;

  char    *kind;
  char    *path;
  char    *device_type;
  gint64   major;
  gint64   minor;
  guint32  mode;
  guint32  uid;
  guint32  gid;
  char    *pci_address;
  char    *vendor;
  char    *device_id;
  char    *model;
  char    *uuid;
};

enum {
  PROP_0,
  PROP_KIND,
  PROP_PATH,
  PROP_DEVICE_TYPE,
  PROP_MAJOR,
  PROP_MINOR,
  PROP_MODE,
  PROP_UID,
  PROP_GID,
  PROP_PCI_ADDRESS,
  PROP_VENDOR,
  PROP_DEVICE_ID,
  PROP_MODEL,
  PROP_UUID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SvfsDevice, svfs_device, G_TYPE_OBJECT)

static void
svfs_device_finalize (GObject *object)
{
  SvfsDevice *self = SVFS_DEVICE (object);

  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->device_type, g_free);
  g_clear_pointer (&self->pci_address, g_free);
  g_clear_pointer (&self->vendor, g_free);
  g_clear_pointer (&self->device_id, g_free);
  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->uuid, g_free);

  G_OBJECT_CLASS (svfs_device_parent_class)->finalize (object);
}

static void
svfs_device_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SvfsDevice *self = SVFS_DEVICE (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_DEVICE_TYPE:
      g_value_set_string (value, self->device_type);
      break;
    case PROP_MAJOR:
      g_value_set_int64 (value, self->major);
      break;
    case PROP_MINOR:
      g_value_set_int64 (value, self->minor);
      break;
    case PROP_MODE:
      g_value_set_uint (value, self->mode);
      break;
    case PROP_UID:
      g_value_set_uint (value, self->uid);
      break;
    case PROP_GID:
      g_value_set_uint (value, self->gid);
      break;
    case PROP_PCI_ADDRESS:
      g_value_set_string (value, self->pci_address);
      break;
    case PROP_VENDOR:
      g_value_set_string (value, self->vendor);
      break;
    case PROP_DEVICE_ID:
      g_value_set_string (value, self->device_id);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
replace_string (char       **field,
                const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static void
svfs_device_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SvfsDevice *self = SVFS_DEVICE (object);

  switch (prop_id)
    {
    case PROP_KIND:
      replace_string (&self->kind, g_value_get_string (value) ?: "spec");
      break;
    case PROP_PATH:
      replace_string (&self->path, g_value_get_string (value) ?: "");
      break;
    case PROP_DEVICE_TYPE:
      replace_string (&self->device_type, g_value_get_string (value) ?: "c");
      break;
    case PROP_MAJOR:
      self->major = g_value_get_int64 (value);
      break;
    case PROP_MINOR:
      self->minor = g_value_get_int64 (value);
      break;
    case PROP_MODE:
      svfs_device_set_mode (self, g_value_get_uint (value));
      break;
    case PROP_UID:
      svfs_device_set_uid (self, g_value_get_uint (value));
      break;
    case PROP_GID:
      svfs_device_set_gid (self, g_value_get_uint (value));
      break;
    case PROP_PCI_ADDRESS:
      replace_string (&self->pci_address, g_value_get_string (value));
      break;
    case PROP_VENDOR:
      replace_string (&self->vendor, g_value_get_string (value));
      break;
    case PROP_DEVICE_ID:
      replace_string (&self->device_id, g_value_get_string (value));
      break;
    case PROP_MODEL:
      replace_string (&self->model, g_value_get_string (value));
      break;
    case PROP_UUID:
      replace_string (&self->uuid, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
svfs_device_class_init (SvfsDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = svfs_device_finalize;
  object_class->get_property = svfs_device_get_property;
  object_class->set_property = svfs_device_set_property;

  /**
   * SvfsDevice:kind:
   *
   * Where the device comes from: `spec` for an entry of `linux.devices`,
   * else the kind of discovered device (`nvidia-gpu`, `nvidia-control`,
   * `nvidia-uvm`, `tpu`, `vfio-control`, …).
   *
   * Since: 1.0
   */
  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL,
                         "spec",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDevice:path:
   *
   * The path of the node inside the container, such as `/dev/fuse`.
   *
   * Since: 1.0
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDevice:device-type:
   *
   * The node type as the OCI spec spells it: `c` (character), `b`
   * (block), `u` (unbuffered character) or `p` (FIFO).
   *
   * Since: 1.0
   */
  properties[PROP_DEVICE_TYPE] =
    g_param_spec_string ("device-type", NULL, NULL,
                         "c",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDevice:major:
   *
   * The major device number (0 for a FIFO).
   *
   * Since: 1.0
   */
  properties[PROP_MAJOR] =
    g_param_spec_int64 ("major", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDevice:minor:
   *
   * The minor device number (0 for a FIFO).
   *
   * Since: 1.0
   */
  properties[PROP_MINOR] =
    g_param_spec_int64 ("minor", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDevice:mode:
   *
   * The permission bits of the node (the spec's `fileMode`); 0666 unless
   * set.
   *
   * Since: 1.0
   */
  properties[PROP_MODE] =
    g_param_spec_uint ("mode", NULL, NULL,
                       0, 07777, 0666,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDevice:uid:
   *
   * The owner of the node inside the container.
   *
   * Since: 1.0
   */
  properties[PROP_UID] =
    g_param_spec_uint ("uid", NULL, NULL,
                       0, G_MAXUINT32, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDevice:gid:
   *
   * The group of the node inside the container.
   *
   * Since: 1.0
   */
  properties[PROP_GID] =
    g_param_spec_uint ("gid", NULL, NULL,
                       0, G_MAXUINT32, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDevice:pci-address:
   *
   * The PCI address of a discovered device (`0000:04:00.0`), or %NULL.
   *
   * Since: 1.0
   */
  properties[PROP_PCI_ADDRESS] =
    g_param_spec_string ("pci-address", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDevice:vendor:
   *
   * The PCI vendor id of a discovered device (`0x10de`), or %NULL.
   *
   * Since: 1.0
   */
  properties[PROP_VENDOR] =
    g_param_spec_string ("vendor", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDevice:device-id:
   *
   * The PCI device id of a discovered device (`0x2330`), or %NULL.
   *
   * Since: 1.0
   */
  properties[PROP_DEVICE_ID] =
    g_param_spec_string ("device-id", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDevice:model:
   *
   * The model of a discovered device (a TPU's `v4`, …), or %NULL.
   *
   * Since: 1.0
   */
  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDevice:uuid:
   *
   * The unique id of a discovered device, such as an NVIDIA GPU's
   * `GPU-…` UUID from the driver's procfs, or %NULL.
   *
   * Since: 1.0
   */
  properties[PROP_UUID] =
    g_param_spec_string ("uuid", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
svfs_device_init (SvfsDevice *self)
{
  self->mode = 0666;
}

/**
 * svfs_device_new:
 * @kind: (nullable): the device kind, %NULL for `spec`
 * @path: the path of the node inside the container
 * @type: the node type: `c`, `b`, `u` or `p`
 * @major: the major device number
 * @minor: the minor device number
 *
 * Creates a device with mode 0666 owned by 0:0. Discovered devices set
 * the other properties (#SvfsDevice:pci-address, …) with g_object_new().
 *
 * Returns: (transfer full): a new #SvfsDevice
 *
 * Since: 1.0
 */
SvfsDevice *
svfs_device_new (const char *kind,
                 const char *path,
                 const char *type,
                 gint64      major,
                 gint64      minor)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (type != NULL, NULL);

  return g_object_new (SVFS_TYPE_DEVICE,
                       "kind", kind,
                       "path", path,
                       "device-type", type,
                       "major", major,
                       "minor", minor,
                       NULL);
}

SvfsDevice *
svfs_device_new_from_spec_json (JsonObject *object)
{
  const char *type = svfs_json_get_string_member (object, "type", "c");
  gboolean fifo = g_str_equal (type, "p");

  return g_object_new (SVFS_TYPE_DEVICE,
                       "kind", "spec",
                       "path", svfs_json_get_string_member (object, "path", ""),
                       "device-type", type,
                       "major", fifo ? 0 : svfs_json_get_int_member (object, "major", 0),
                       "minor", fifo ? 0 : svfs_json_get_int_member (object, "minor", 0),
                       "mode", (guint) (svfs_json_get_int_member (object, "fileMode", 0666) & 07777),
                       "uid", (guint) svfs_json_get_int_member (object, "uid", 0),
                       "gid", (guint) svfs_json_get_int_member (object, "gid", 0),
                       NULL);
}

/**
 * svfs_device_get_kind:
 * @self: a #SvfsDevice
 *
 * Gets where the device comes from, see #SvfsDevice:kind.
 *
 * Returns: (transfer none): the kind, such as `spec` or `nvidia-gpu`
 *
 * Since: 1.0
 */
const char *
svfs_device_get_kind (SvfsDevice *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE (self), NULL);

  return self->kind;
}

/**
 * svfs_device_get_path:
 * @self: a #SvfsDevice
 *
 * Gets the path of the node inside the container.
 *
 * Returns: (transfer none): the path
 *
 * Since: 1.0
 */
const char *
svfs_device_get_path (SvfsDevice *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE (self), NULL);

  return self->path;
}

/**
 * svfs_device_get_device_type:
 * @self: a #SvfsDevice
 *
 * Gets the node type: `c`, `b`, `u` or `p`.
 *
 * Returns: (transfer none): the type
 *
 * Since: 1.0
 */
const char *
svfs_device_get_device_type (SvfsDevice *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE (self), NULL);

  return self->device_type;
}

/**
 * svfs_device_get_major:
 * @self: a #SvfsDevice
 *
 * Gets the major device number.
 *
 * Returns: the major number
 *
 * Since: 1.0
 */
gint64
svfs_device_get_major (SvfsDevice *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE (self), 0);

  return self->major;
}

/**
 * svfs_device_get_minor:
 * @self: a #SvfsDevice
 *
 * Gets the minor device number.
 *
 * Returns: the minor number
 *
 * Since: 1.0
 */
gint64
svfs_device_get_minor (SvfsDevice *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE (self), 0);

  return self->minor;
}

/**
 * svfs_device_get_mode:
 * @self: a #SvfsDevice
 *
 * Gets the permission bits of the node.
 *
 * Returns: the mode, at most 07777
 *
 * Since: 1.0
 */
guint32
svfs_device_get_mode (SvfsDevice *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE (self), 0);

  return self->mode;
}

/**
 * svfs_device_set_mode:
 * @self: a #SvfsDevice
 * @mode: permission bits, at most 07777
 *
 * Sets the permission bits of the node.
 *
 * Since: 1.0
 */
void
svfs_device_set_mode (SvfsDevice *self,
                      guint32     mode)
{
  g_return_if_fail (SVFS_IS_DEVICE (self));
  g_return_if_fail (mode <= 07777);

  if (self->mode == mode)
    return;
  self->mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

/**
 * svfs_device_get_uid:
 * @self: a #SvfsDevice
 *
 * Gets the owner of the node.
 *
 * Returns: the uid
 *
 * Since: 1.0
 */
guint32
svfs_device_get_uid (SvfsDevice *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE (self), 0);

  return self->uid;
}

/**
 * svfs_device_set_uid:
 * @self: a #SvfsDevice
 * @uid: the owner
 *
 * Sets the owner of the node.
 *
 * Since: 1.0
 */
void
svfs_device_set_uid (SvfsDevice *self,
                     guint32     uid)
{
  g_return_if_fail (SVFS_IS_DEVICE (self));

  if (self->uid == uid)
    return;
  self->uid = uid;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UID]);
}

/**
 * svfs_device_get_gid:
 * @self: a #SvfsDevice
 *
 * Gets the group of the node.
 *
 * Returns: the gid
 *
 * Since: 1.0
 */
guint32
svfs_device_get_gid (SvfsDevice *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE (self), 0);

  return self->gid;
}

/**
 * svfs_device_set_gid:
 * @self: a #SvfsDevice
 * @gid: the group
 *
 * Sets the group of the node.
 *
 * Since: 1.0
 */
void
svfs_device_set_gid (SvfsDevice *self,
                     guint32     gid)
{
  g_return_if_fail (SVFS_IS_DEVICE (self));

  if (self->gid == gid)
    return;
  self->gid = gid;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GID]);
}

/**
 * svfs_device_get_pci_address:
 * @self: a #SvfsDevice
 *
 * Gets the PCI address of a discovered device.
 *
 * Returns: (transfer none) (nullable): the address, or %NULL
 *
 * Since: 1.0
 */
const char *
svfs_device_get_pci_address (SvfsDevice *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE (self), NULL);

  return self->pci_address;
}

/**
 * svfs_device_get_vendor:
 * @self: a #SvfsDevice
 *
 * Gets the PCI vendor id of a discovered device.
 *
 * Returns: (transfer none) (nullable): the vendor id, or %NULL
 *
 * Since: 1.0
 */
const char *
svfs_device_get_vendor (SvfsDevice *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE (self), NULL);

  return self->vendor;
}

/**
 * svfs_device_get_device_id:
 * @self: a #SvfsDevice
 *
 * Gets the PCI device id of a discovered device.
 *
 * Returns: (transfer none) (nullable): the device id, or %NULL
 *
 * Since: 1.0
 */
const char *
svfs_device_get_device_id (SvfsDevice *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE (self), NULL);

  return self->device_id;
}

/**
 * svfs_device_get_model:
 * @self: a #SvfsDevice
 *
 * Gets the model of a discovered device.
 *
 * Returns: (transfer none) (nullable): the model, or %NULL
 *
 * Since: 1.0
 */
const char *
svfs_device_get_model (SvfsDevice *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE (self), NULL);

  return self->model;
}

/**
 * svfs_device_get_uuid:
 * @self: a #SvfsDevice
 *
 * Gets the unique id of a discovered device, see #SvfsDevice:uuid.
 *
 * Returns: (transfer none) (nullable): the UUID, or %NULL
 *
 * Since: 1.0
 */
const char *
svfs_device_get_uuid (SvfsDevice *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE (self), NULL);

  return self->uuid;
}

/**
 * svfs_device_to_json:
 * @self: a #SvfsDevice
 *
 * Describes the device as a JSON object with exactly the members `path`,
 * `type`, `major`, `minor`, `mode`, `uid` and `gid`: an entry of the plan
 * JSON's `devices`. [func@Svfs.DeviceRegistry.devices_to_json] describes
 * discovered devices for `sandboxvfs devices` instead.
 *
 * Returns: (transfer full): a JSON object node
 *
 * Since: 1.0
 */
JsonNode *
svfs_device_to_json (SvfsDevice *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (SVFS_IS_DEVICE (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, self->path);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, self->device_type);
  json_builder_set_member_name (builder, "major");
  json_builder_add_int_value (builder, self->major);
  json_builder_set_member_name (builder, "minor");
  json_builder_add_int_value (builder, self->minor);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_int_value (builder, self->mode);
  json_builder_set_member_name (builder, "uid");
  json_builder_add_int_value (builder, self->uid);
  json_builder_set_member_name (builder, "gid");
  json_builder_add_int_value (builder, self->gid);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
