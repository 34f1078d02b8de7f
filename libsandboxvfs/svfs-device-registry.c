/* svfs-device-registry.c: device drivers and host GPU/TPU discovery
 *
 * sysfs, /dev and /proc are read below configurable roots, and only with
 * open/openat/opendir/readdir/readlink/stat (through GLib): umockdev's
 * preload redirects those, but not the glob, scandir, nftw and fts calls
 * of libc or the openat2 syscall, which would silently read the real machine
 * (shared/design/ARCHITECTURE.md rule 4; tests/test-device-registry.c
 * checks the sources for them).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "svfs-device-driver-private.h"
#include "svfs-device-registry.h"
#include "svfs-device-registry-private.h"
#include "svfs-error.h"
#include "svfs-path-private.h"
#include "svfs-spec-private.h"
#include "svfs-yaml-private.h"

/**
 * SvfsDeviceRegistry:
 *
 * The device drivers of a sandbox and the accelerators of the host.
 *
 * [method@Svfs.DeviceRegistry.enumerate] lists the NVIDIA GPUs and the
 * Google TPUs of the host as [class@Svfs.Device]s, read from sysfs,
 * `/proc` and `/dev` below the registry's roots, so a caller can point it
 * at a saved or simulated tree (for example a umockdev testbed):
 *
 * - an NVIDIA GPU is a PCI device of vendor `0x10de` with a display
 *   class (VGA `0x0300xx` or 3D `0x0302xx`); NVSwitch bridges, audio
 *   functions and other vendors' graphics are ignored. Its node is
 *   `/dev/nvidiaN` at the `nvidia` major of `/proc/devices` (195), where N
 *   is the `Device Minor` of `/proc/driver/nvidia/gpus/<pci>/information`,
 *   or, without that file, the GPU's position in PCI address order. The
 *   same file gives the model and the `GPU-…` UUID. With at least one GPU
 *   come `/dev/nvidiactl` (195, 255), `/dev/nvidia-uvm` and
 *   `/dev/nvidia-uvm-tools` (the `nvidia-uvm` major of `/proc/devices`,
 *   minors 0 and 1), `/dev/nvidia-modeset` (195, 254) when the host has
 *   it, and the `/dev/nvidia-caps/nvidia-capN` nodes that exist;
 * - a TPU is a PCI device of vendor `0x1ae0` with an `accel/accelN` or
 *   `vfio-dev/vfioN` child or bound to `vfio-pci`. Device ids `0x005e`
 *   (v4) and `0x0056` (v4lite) are `/dev/accelN` at (121, N); `0x0063`
 *   (v5e), `0x0062` (v5p), `0x006f`/`0x006e` (v6e) and `0x0075`/`0x0076`
 *   (7x) are the host's `/dev/vfio/<IOMMU group>` node, plus
 *   `/dev/vfio/vfio` (10, 196). Like gVisor, the id is parsed after
 *   removing every `0x`; unlike the gVisor of 2024, PCI addresses may hold
 *   hex digits and any domain.
 *
 * A problem with one device (an unreadable or malformed `device` file, an
 * unsupported TPU id, a missing node) leaves that device out and becomes
 * a warning, so one bad device does not hide the others; an unreadable
 * sysfs root is an error. When a plan is compiled with `tpuproxy` on, a
 * TPU problem is an error (`unsupported TPU device with ID: 0x…`).
 *
 * ```python
 * registry = Svfs.DeviceRegistry(sysfs_root=tree + "/sys")
 * devices, warnings = registry.enumerate(None)
 * for d in devices:
 *     print(d.props.kind, d.props.path, d.props.major, d.props.minor)
 * ```
 *
 * The registry also names the container device interface (CDI) spec
 * directories (`/etc/cdi`, `/var/run/cdi`) whose JSON and YAML specs
 * (`*.json`, `*.yaml`, `*.yml`) the mount compiler reads for devices named
 * in `cdi.k8s.io/` annotations.
 *
 * Since: 1.0
 */
struct _SvfsDeviceRegistry
{
  GObject  parent_instance;

  char    *sysfs_root;
  char    *dev_root;
  char    *proc_root;
  char   **cdi_spec_dirs;
};

enum {
  PROP_0,
  PROP_SYSFS_ROOT,
  PROP_DEV_ROOT,
  PROP_PROC_ROOT,
  PROP_CDI_SPEC_DIRS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SvfsDeviceRegistry, svfs_device_registry, G_TYPE_OBJECT)

#define NVIDIA_VENDOR 0x10de
#define GOOGLE_VENDOR 0x1ae0
#define NVIDIA_MAJOR 195
#define NVIDIA_CTL_MINOR 255
#define NVIDIA_MODESET_MINOR 254
#define ACCEL_MAJOR 121
#define MISC_MAJOR 10
#define VFIO_CONTROL_MINOR 196
#define CDI_VERSION "0.5.0"

static const char * const default_cdi_spec_dirs[] = { "/etc/cdi", "/var/run/cdi", NULL };

static void
svfs_device_registry_finalize (GObject *object)
{
  SvfsDeviceRegistry *self = SVFS_DEVICE_REGISTRY (object);

  g_clear_pointer (&self->sysfs_root, g_free);
  g_clear_pointer (&self->dev_root, g_free);
  g_clear_pointer (&self->proc_root, g_free);
  g_clear_pointer (&self->cdi_spec_dirs, g_strfreev);

  G_OBJECT_CLASS (svfs_device_registry_parent_class)->finalize (object);
}

static void
svfs_device_registry_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SvfsDeviceRegistry *self = SVFS_DEVICE_REGISTRY (object);

  switch (prop_id)
    {
    case PROP_SYSFS_ROOT:
      g_value_set_string (value, self->sysfs_root);
      break;
    case PROP_DEV_ROOT:
      g_value_set_string (value, self->dev_root);
      break;
    case PROP_PROC_ROOT:
      g_value_set_string (value, self->proc_root);
      break;
    case PROP_CDI_SPEC_DIRS:
      g_value_set_boxed (value, self->cdi_spec_dirs);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* A root without trailing slashes ("/" stays "/"), or @fallback. */
static char *
normalize_root (const char *root,
                const char *fallback)
{
  gsize len;

  if (root == NULL || *root == '\0')
    return g_strdup (fallback);

  len = strlen (root);
  while (len > 1 && root[len - 1] == '/')
    len--;
  return g_strndup (root, len);
}

static void
svfs_device_registry_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SvfsDeviceRegistry *self = SVFS_DEVICE_REGISTRY (object);
  const char * const *dirs;

  switch (prop_id)
    {
    case PROP_SYSFS_ROOT:
      g_free (self->sysfs_root);
      self->sysfs_root = normalize_root (g_value_get_string (value), "/sys");
      break;
    case PROP_DEV_ROOT:
      g_free (self->dev_root);
      self->dev_root = normalize_root (g_value_get_string (value), "/dev");
      break;
    case PROP_PROC_ROOT:
      g_free (self->proc_root);
      self->proc_root = normalize_root (g_value_get_string (value), "/proc");
      break;
    case PROP_CDI_SPEC_DIRS:
      dirs = g_value_get_boxed (value);
      g_strfreev (self->cdi_spec_dirs);
      self->cdi_spec_dirs = g_strdupv ((char **) (dirs != NULL ? dirs : default_cdi_spec_dirs));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
svfs_device_registry_class_init (SvfsDeviceRegistryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = svfs_device_registry_finalize;
  object_class->get_property = svfs_device_registry_get_property;
  object_class->set_property = svfs_device_registry_set_property;

  /**
   * SvfsDeviceRegistry:sysfs-root:
   *
   * The directory read as the host's `/sys`; %NULL or empty means `/sys`.
   *
   * Since: 1.0
   */
  properties[PROP_SYSFS_ROOT] =
    g_param_spec_string ("sysfs-root", NULL, NULL, "/sys",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDeviceRegistry:dev-root:
   *
   * The directory read as the host's `/dev`; %NULL or empty means `/dev`.
   * Paths of the devices found are always the container's (`/dev/…`).
   *
   * Since: 1.0
   */
  properties[PROP_DEV_ROOT] =
    g_param_spec_string ("dev-root", NULL, NULL, "/dev",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDeviceRegistry:proc-root:
   *
   * The directory read as the host's `/proc` (`devices`,
   * `driver/nvidia/gpus`); %NULL or empty means `/proc`.
   *
   * Since: 1.0
   */
  properties[PROP_PROC_ROOT] =
    g_param_spec_string ("proc-root", NULL, NULL, "/proc",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * SvfsDeviceRegistry:cdi-spec-dirs:
   *
   * The directories holding container device interface specs, lowest
   * priority first; %NULL means `/etc/cdi` then `/var/run/cdi`.
   *
   * Since: 1.0
   */
  properties[PROP_CDI_SPEC_DIRS] =
    g_param_spec_boxed ("cdi-spec-dirs", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
svfs_device_registry_init (SvfsDeviceRegistry *self)
{
}

/**
 * svfs_device_registry_new:
 *
 * Creates a registry that reads the host's `/sys`, `/dev` and `/proc`.
 *
 * Returns: (transfer full): a new #SvfsDeviceRegistry
 *
 * Since: 1.0
 */
SvfsDeviceRegistry *
svfs_device_registry_new (void)
{
  return g_object_new (SVFS_TYPE_DEVICE_REGISTRY, NULL);
}

/**
 * svfs_device_registry_new_for_roots:
 * @sysfs_root: (nullable): the directory read as `/sys`, or %NULL
 * @dev_root: (nullable): the directory read as `/dev`, or %NULL
 * @proc_root: (nullable): the directory read as `/proc`, or %NULL
 *
 * Creates a registry that reads a saved or simulated tree.
 *
 * Returns: (transfer full): a new #SvfsDeviceRegistry
 *
 * Since: 1.0
 */
SvfsDeviceRegistry *
svfs_device_registry_new_for_roots (const char *sysfs_root,
                                    const char *dev_root,
                                    const char *proc_root)
{
  return g_object_new (SVFS_TYPE_DEVICE_REGISTRY,
                       "sysfs-root", sysfs_root,
                       "dev-root", dev_root,
                       "proc-root", proc_root,
                       NULL);
}

/**
 * svfs_device_registry_get_sysfs_root:
 * @self: a #SvfsDeviceRegistry
 *
 * Gets the directory read as `/sys`.
 *
 * Returns: (transfer none): the sysfs root
 *
 * Since: 1.0
 */
const char *
svfs_device_registry_get_sysfs_root (SvfsDeviceRegistry *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE_REGISTRY (self), NULL);

  return self->sysfs_root;
}

/**
 * svfs_device_registry_get_dev_root:
 * @self: a #SvfsDeviceRegistry
 *
 * Gets the directory read as `/dev`.
 *
 * Returns: (transfer none): the /dev root
 *
 * Since: 1.0
 */
const char *
svfs_device_registry_get_dev_root (SvfsDeviceRegistry *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE_REGISTRY (self), NULL);

  return self->dev_root;
}

/**
 * svfs_device_registry_get_proc_root:
 * @self: a #SvfsDeviceRegistry
 *
 * Gets the directory read as `/proc`.
 *
 * Returns: (transfer none): the /proc root
 *
 * Since: 1.0
 */
const char *
svfs_device_registry_get_proc_root (SvfsDeviceRegistry *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE_REGISTRY (self), NULL);

  return self->proc_root;
}

/**
 * svfs_device_registry_get_cdi_spec_dirs:
 * @self: a #SvfsDeviceRegistry
 *
 * Gets the CDI spec directories, lowest priority first.
 *
 * Returns: (transfer none) (array zero-terminated=1): the directories
 *
 * Since: 1.0
 */
const char * const *
svfs_device_registry_get_cdi_spec_dirs (SvfsDeviceRegistry *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE_REGISTRY (self), NULL);

  return (const char * const *) self->cdi_spec_dirs;
}

/**
 * svfs_device_registry_list_drivers:
 * @self: a #SvfsDeviceRegistry
 *
 * Lists the built-in device drivers in gVisor's registration order:
 * `memory`, `tty`, `tun`, `fuse`, `nvidia`, `tpu`, each with the
 * condition under which a sandbox registers it and its fixed nodes.
 *
 * Returns: (transfer full): a #GListModel of [class@Svfs.DeviceDriver]
 *
 * Since: 1.0
 */
GListModel *
svfs_device_registry_list_drivers (SvfsDeviceRegistry *self)
{
  g_return_val_if_fail (SVFS_IS_DEVICE_REGISTRY (self), NULL);

  return svfs_device_driver_list_builtin ();
}

/* ---------------------------------------------------------------------- */
/* Reading the host                                                        */

typedef struct {
  GPtrArray  *gpus;           /* SvfsDevice nvidia-gpu, PCI order */
  GPtrArray  *nvidia_common;  /* nvidiactl, uvm, uvm-tools, modeset, caps */
  GPtrArray  *tpus;           /* SvfsDevice tpu, PCI order */
  GPtrArray  *warnings;       /* char *, all of them */
  GPtrArray  *gpu_warnings;   /* char *, those about NVIDIA devices */
  GPtrArray  *tpu_warnings;   /* char *, those about TPUs */
  char       *tpu_problem;    /* the first TPU problem: fatal with tpuproxy */
  GHashTable *char_majors;    /* name → major, from /proc/devices */
  gboolean    has_vfio_tpu;
  gint64      nvidia_major;
  gint64      uvm_major;      /* -1 when unknown */
} Scan;

static void
scan_clear (Scan *scan)
{
  g_clear_pointer (&scan->gpus, g_ptr_array_unref);
  g_clear_pointer (&scan->nvidia_common, g_ptr_array_unref);
  g_clear_pointer (&scan->tpus, g_ptr_array_unref);
  g_clear_pointer (&scan->warnings, g_ptr_array_unref);
  g_clear_pointer (&scan->gpu_warnings, g_ptr_array_unref);
  g_clear_pointer (&scan->tpu_warnings, g_ptr_array_unref);
  g_clear_pointer (&scan->tpu_problem, g_free);
  g_clear_pointer (&scan->char_majors, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Scan, scan_clear)

static void
scan_init (Scan *scan)
{
  scan->gpus = g_ptr_array_new_with_free_func (g_object_unref);
  scan->nvidia_common = g_ptr_array_new_with_free_func (g_object_unref);
  scan->tpus = g_ptr_array_new_with_free_func (g_object_unref);
  scan->warnings = g_ptr_array_new_with_free_func (g_free);
  scan->gpu_warnings = g_ptr_array_new_with_free_func (g_free);
  scan->tpu_warnings = g_ptr_array_new_with_free_func (g_free);
  scan->char_majors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  scan->nvidia_major = NVIDIA_MAJOR;
  scan->uvm_major = -1;
}

typedef enum {
  WARN_GPU,
  WARN_TPU,        /* informational */
  WARN_TPU_FATAL,  /* a TPU left out: an error when tpuproxy is on */
} WarnKind;

static void
scan_warn (Scan       *scan,
           WarnKind    kind,
           const char *format,
           ...) G_GNUC_PRINTF (3, 4);

static void
scan_warn (Scan       *scan,
           WarnKind    kind,
           const char *format,
           ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  if (kind == WARN_TPU_FATAL && scan->tpu_problem == NULL)
    scan->tpu_problem = g_strdup (text);
  g_ptr_array_add (kind == WARN_GPU ? scan->gpu_warnings : scan->tpu_warnings, g_strdup (text));
  g_ptr_array_add (scan->warnings, text);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static int
compare_u64 (gconstpointer a,
             gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

/* The names in @path, sorted; NULL with @error when it cannot be opened. */
static GPtrArray *
list_dir (const char  *path,
          GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, error);
  GPtrArray *names;
  const char *name;

  if (dir == NULL)
    return NULL;

  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  return names;
}

/* The text of a sysfs/procfs file, with surrounding blanks removed. */
static char *
read_text (const char  *path,
           GError     **error)
{
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  return g_strstrip (contents);
}

/* "0x10de" (or "10de") as a number; FALSE unless all of it is hex. */
static gboolean
parse_hex (const char *text,
           guint64    *out)
{
  if (g_str_has_prefix (text, "0x"))
    text += 2;
  return g_ascii_string_to_unsigned (text, 16, 0, G_MAXUINT64, out, NULL);
}

static gboolean
read_hex_attr (const char  *dir,
               const char  *name,
               guint64     *out)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = read_text (path, NULL);

  return text != NULL && parse_hex (text, out);
}

/* Digits only, as a number below 2^32 (gVisor's strconv.ParseUint(s, 10, 32)). */
static gboolean
parse_decimal_u32 (const char *text,
                   guint64    *out)
{
  if (*text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, out, NULL);
}

/* A PCI address: domain (4 or more hex digits), bus, device, function. */
static gboolean
is_pci_address (const char *name)
{
  return g_regex_match_simple ("^[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]$",
                               name, 0, 0);
}

/* The last component of a symlink's target, or NULL. */
static char *
read_link_basename (const char *dir,
                    const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *target = g_file_read_link (path, NULL);

  return target != NULL ? g_path_get_basename (target) : NULL;
}

/* /proc/devices, section "Character devices:". */
static void
read_char_majors (SvfsDeviceRegistry *self,
                  Scan               *scan)
{
  g_autofree char *path = g_build_filename (self->proc_root, "devices", NULL);
  g_autofree char *text = read_text (path, NULL);
  g_auto(GStrv) lines = NULL;
  gboolean in_char = FALSE;

  if (text == NULL)
    return;

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      guint64 major;

      g_strstrip (lines[i]);
      if (g_str_equal (lines[i], "Character devices:"))
        {
          in_char = TRUE;
          continue;
        }
      if (g_str_has_suffix (lines[i], ":"))
        {
          in_char = FALSE;
          continue;
        }
      if (!in_char)
        continue;
      fields = g_strsplit_set (lines[i], " \t", 2);
      if (fields[0] == NULL || fields[1] == NULL || !parse_decimal_u32 (fields[0], &major))
        continue;
      g_hash_table_insert (scan->char_majors, g_strdup (g_strstrip (fields[1])),
                           GINT_TO_POINTER ((int) major));
    }
}

static gint64
char_major (Scan       *scan,
            const char *name)
{
  gpointer value;

  if (g_hash_table_lookup_extended (scan->char_majors, name, NULL, &value))
    return GPOINTER_TO_INT (value);
  return -1;
}

/* "Key: value" lines of /proc/driver/nvidia/gpus/<pci>/information. */
static GHashTable *
read_nvidia_information (SvfsDeviceRegistry *self,
                         const char         *pci)
{
  g_autofree char *path = g_build_filename (self->proc_root, "driver", "nvidia", "gpus",
                                            pci, "information", NULL);
  g_autofree char *text = read_text (path, NULL);
  g_auto(GStrv) lines = NULL;
  GHashTable *info;

  if (text == NULL)
    {
      /* The driver names the directory in lower case; be lenient. */
      g_autofree char *lower = g_ascii_strdown (pci, -1);
      g_free (path);
      path = g_build_filename (self->proc_root, "driver", "nvidia", "gpus",
                               lower, "information", NULL);
      text = read_text (path, NULL);
      if (text == NULL)
        return NULL;
    }

  info = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');

      if (colon == NULL)
        continue;
      *colon = '\0';
      g_hash_table_insert (info, g_strdup (g_strstrip (lines[i])),
                           g_strdup (g_strstrip (colon + 1)));
    }
  return info;
}

static gboolean
is_display_class (guint64 pci_class)
{
  guint64 base_sub = pci_class >> 8;

  return base_sub == 0x0300 || base_sub == 0x0302;
}

static void
scan_nvidia_gpu (SvfsDeviceRegistry *self,
                 Scan               *scan,
                 const char         *dev_dir,
                 const char         *pci,
                 guint               position)
{
  g_autoptr(GHashTable) info = read_nvidia_information (self, pci);
  g_autofree char *device_path = g_build_filename (dev_dir, "device", NULL);
  g_autofree char *device_text = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *node = NULL;
  g_autoptr(GError) error = NULL;
  const char *minor_text = info != NULL ? g_hash_table_lookup (info, "Device Minor") : NULL;
  guint64 minor = position;
  guint64 id;

  device_text = read_text (device_path, &error);
  if (device_text == NULL)
    {
      scan_warn (scan, WARN_GPU, "%s: reading PCI device ID: %s", pci, error->message);
      return;
    }
  if (!parse_hex (device_text, &id) || id > 0xffff)
    {
      scan_warn (scan, WARN_GPU, "%s: parsing PCI device ID: \"%s\" is not a hexadecimal number",
                 pci, device_text);
      return;
    }
  if (minor_text != NULL && !parse_decimal_u32 (minor_text, &minor))
    {
      scan_warn (scan, WARN_GPU, "%s: invalid \"Device Minor\" \"%s\" in the NVIDIA driver's information",
                 pci, minor_text);
      return;
    }

  device_id = g_strdup_printf ("0x%04" G_GINT64_MODIFIER "x", id);
  node = g_strdup_printf ("/dev/nvidia%" G_GUINT64_FORMAT, minor);
  g_ptr_array_add (scan->gpus,
                   g_object_new (SVFS_TYPE_DEVICE,
                                 "kind", "nvidia-gpu",
                                 "path", node,
                                 "device-type", "c",
                                 "major", scan->nvidia_major,
                                 "minor", (gint64) minor,
                                 "pci-address", pci,
                                 "vendor", "0x10de",
                                 "device-id", device_id,
                                 "model", info != NULL ? g_hash_table_lookup (info, "Model") : NULL,
                                 "uuid", info != NULL ? g_hash_table_lookup (info, "GPU UUID") : NULL,
                                 NULL));
}

static SvfsDevice *
fixed_device (const char *kind,
              const char *path,
              gint64      major,
              gint64      minor)
{
  return svfs_device_new (kind, path, "c", major, minor);
}

static void
scan_nvidia_common (SvfsDeviceRegistry *self,
                    Scan               *scan)
{
  g_autofree char *modeset = g_build_filename (self->dev_root, "nvidia-modeset", NULL);
  g_autofree char *caps_dir = g_build_filename (self->dev_root, "nvidia-caps", NULL);
  g_autoptr(GPtrArray) caps = NULL;
  gint64 caps_major = char_major (scan, "nvidia-caps");

  g_ptr_array_add (scan->nvidia_common,
                   fixed_device ("nvidia-control", "/dev/nvidiactl", scan->nvidia_major, NVIDIA_CTL_MINOR));
  if (scan->uvm_major >= 0)
    {
      g_ptr_array_add (scan->nvidia_common,
                       fixed_device ("nvidia-uvm", "/dev/nvidia-uvm", scan->uvm_major, 0));
      g_ptr_array_add (scan->nvidia_common,
                       fixed_device ("nvidia-uvm-tools", "/dev/nvidia-uvm-tools", scan->uvm_major, 1));
    }
  else
    {
      scan_warn (scan, WARN_GPU,
                 "nvidia-uvm is not in %s/devices (is the nvidia-uvm module loaded?): "
                 "/dev/nvidia-uvm is left out", self->proc_root);
    }
  if (g_file_test (modeset, G_FILE_TEST_EXISTS))
    g_ptr_array_add (scan->nvidia_common,
                     fixed_device ("nvidia-modeset", "/dev/nvidia-modeset", scan->nvidia_major,
                                   NVIDIA_MODESET_MINOR));

  if (caps_major < 0 || (caps = list_dir (caps_dir, NULL)) == NULL)
    return;
  for (guint i = 0; i < caps->len; i++)
    {
      const char *name = g_ptr_array_index (caps, i);
      g_autofree char *path = NULL;
      guint64 n;

      if (!g_str_has_prefix (name, "nvidia-cap") || !parse_decimal_u32 (name + strlen ("nvidia-cap"), &n))
        continue;
      path = g_strdup_printf ("/dev/nvidia-caps/%s", name);
      g_ptr_array_add (scan->nvidia_common, fixed_device ("nvidia-caps", path, caps_major, n));
    }
}

typedef enum {
  TPU_ACCEL,
  TPU_VFIO,
} TpuNode;

typedef struct {
  guint64     id;
  const char *model;
  TpuNode     node;
} TpuModel;

/* gVisor §1.5: v4 and v4lite are accel devices, the later ones VFIO. */
static const TpuModel tpu_models[] = {
  { 0x005e, "v4", TPU_ACCEL },
  { 0x0056, "v4lite", TPU_ACCEL },
  { 0x0063, "v5e", TPU_VFIO },
  { 0x0062, "v5p", TPU_VFIO },
  { 0x006f, "v6e", TPU_VFIO },
  { 0x006e, "v6e-pf", TPU_VFIO },
  { 0x0075, "7x", TPU_VFIO },
  { 0x0076, "7x-pf", TPU_VFIO },
};

/* Numbers N of the children "<prefix>N" of @dir/@sub, in order; other
 * names are reported. */
static GArray *
list_numbered (Scan       *scan,
               const char *pci,
               const char *dev_dir,
               const char *sub,
               const char *prefix)
{
  g_autofree char *path = g_build_filename (dev_dir, sub, NULL);
  g_autoptr(GPtrArray) names = list_dir (path, NULL);
  GArray *numbers = g_array_new (FALSE, FALSE, sizeof (guint64));

  for (guint i = 0; names != NULL && i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      guint64 n;

      if (g_str_has_prefix (name, prefix) && parse_decimal_u32 (name + strlen (prefix), &n))
        g_array_append_val (numbers, n);
      else
        scan_warn (scan, WARN_TPU, "%s: ignoring \"%s/%s\": not %sN with a decimal N",
                   pci, sub, name, prefix);
    }
  return numbers;
}

/* The IOMMU group of a PCI device: its iommu_group link, else a search of
 * /sys/kernel/iommu_groups/<group>/devices/<pci>. */
static char *
find_iommu_group (SvfsDeviceRegistry *self,
                  const char         *dev_dir,
                  const char         *pci)
{
  g_autofree char *groups_dir = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  char *group = read_link_basename (dev_dir, "iommu_group");

  if (group != NULL)
    return group;

  groups_dir = g_build_filename (self->sysfs_root, "kernel", "iommu_groups", NULL);
  groups = list_dir (groups_dir, NULL);
  for (guint i = 0; groups != NULL && i < groups->len; i++)
    {
      const char *name = g_ptr_array_index (groups, i);
      g_autofree char *member = g_build_filename (groups_dir, name, "devices", pci, NULL);

      if (g_file_test (member, G_FILE_TEST_EXISTS))
        return g_strdup (name);
    }
  return NULL;
}

/* The numbers of the host's /dev/vfio/<group>: sysfs's class/vfio/<group>/dev,
 * else a stat of the node below the dev root. */
static gboolean
find_vfio_group_node (SvfsDeviceRegistry *self,
                      const char         *group,
                      gint64             *major,
                      gint64             *minor)
{
  g_autofree char *dev_attr = g_build_filename (self->sysfs_root, "class", "vfio", group, "dev", NULL);
  g_autofree char *text = read_text (dev_attr, NULL);
  g_autofree char *node = g_build_filename (self->dev_root, "vfio", group, NULL);
  struct stat st;

  if (text != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (text, ":", -1);
      guint64 ma, mi;

      if (g_strv_length (parts) == 2 && parse_decimal_u32 (parts[0], &ma) &&
          parse_decimal_u32 (parts[1], &mi))
        {
          *major = ma;
          *minor = mi;
          return TRUE;
        }
    }

  if (stat (node, &st) == 0 && S_ISCHR (st.st_mode))
    {
      *major = major (st.st_rdev);
      *minor = minor (st.st_rdev);
      return TRUE;
    }
  return FALSE;
}

static SvfsDevice *
tpu_device (const char     *path,
            gint64          major,
            gint64          minor,
            const char     *pci,
            const char     *device_id,
            const TpuModel *model)
{
  return g_object_new (SVFS_TYPE_DEVICE,
                       "kind", "tpu",
                       "path", path,
                       "device-type", "c",
                       "major", major,
                       "minor", minor,
                       "pci-address", pci,
                       "vendor", "0x1ae0",
                       "device-id", device_id,
                       "model", model->model,
                       NULL);
}

static void
scan_tpu (SvfsDeviceRegistry *self,
          Scan               *scan,
          const char         *dev_dir,
          const char         *pci)
{
  g_autoptr(GArray) accels = list_numbered (scan, pci, dev_dir, "accel", "accel");
  g_autoptr(GArray) vfios = list_numbered (scan, pci, dev_dir, "vfio-dev", "vfio");
  g_autofree char *driver = read_link_basename (dev_dir, "driver");
  g_autofree char *device_path = NULL;
  g_autofree char *device_text = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *device_id = NULL;
  g_autoptr(GError) error = NULL;
  const TpuModel *model = NULL;
  guint64 id;

  /* Other Google functions (gVNIC, NVMe) have neither node. */
  if (accels->len == 0 && vfios->len == 0 && g_strcmp0 (driver, "vfio-pci") != 0)
    return;

  /* gVisor: remove every "0x", trim, parse as hex; so "0X005E" and an
   * empty file are errors. */
  device_path = g_build_filename (dev_dir, "device", NULL);
  device_text = read_text (device_path, &error);
  if (device_text == NULL)
    {
      scan_warn (scan, WARN_TPU_FATAL, "%s: reading PCI device ID: %s", pci, error->message);
      return;
    }
  {
    g_auto(GStrv) parts = g_strsplit (device_text, "0x", -1);
    stripped = g_strstrip (g_strjoinv ("", parts));
  }
  if (!g_ascii_string_to_unsigned (stripped, 16, 0, G_MAXUINT64, &id, NULL))
    {
      scan_warn (scan, WARN_TPU_FATAL, "%s: parsing PCI device ID: \"%s\" is not a hexadecimal number",
                 pci, device_text);
      return;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (tpu_models); i++)
    if (tpu_models[i].id == id)
      model = &tpu_models[i];

  /* gVisor's message first; the padded id and the address for people. */
  if (model == NULL)
    {
      scan_warn (scan, WARN_TPU_FATAL, "unsupported TPU device with ID: 0x%" G_GINT64_MODIFIER "x "
                 "(PCI %s, device 0x%04" G_GINT64_MODIFIER "x)", id, pci, id);
      return;
    }

  device_id = g_strdup_printf ("0x%04" G_GINT64_MODIFIER "x", id);

  if (model->node == TPU_ACCEL)
    {
      if (accels->len == 0)
        {
          scan_warn (scan, WARN_TPU_FATAL, "%s: TPU %s has no accel/accelN device (is its driver bound?)",
                     pci, model->model);
          return;
        }
      for (guint i = 0; i < accels->len; i++)
        {
          guint64 n = g_array_index (accels, guint64, i);
          g_autofree char *path = g_strdup_printf ("/dev/accel%" G_GUINT64_FORMAT, n);

          g_ptr_array_add (scan->tpus, tpu_device (path, ACCEL_MAJOR, n, pci, device_id, model));
        }
    }
  else
    {
      g_autofree char *group = find_iommu_group (self, dev_dir, pci);
      g_autofree char *path = NULL;
      gint64 major, minor;
      guint64 n;

      if (group == NULL || !parse_decimal_u32 (group, &n))
        {
          scan_warn (scan, WARN_TPU_FATAL, "%s: TPU %s has no IOMMU group (is it bound to vfio-pci?)",
                     pci, model->model);
          return;
        }
      if (!find_vfio_group_node (self, group, &major, &minor))
        {
          scan_warn (scan, WARN_TPU_FATAL, "%s: TPU %s: no device number for /dev/vfio/%s "
                     "(neither %s/class/vfio/%s/dev nor a node in %s/vfio)",
                     pci, model->model, group, self->sysfs_root, group, self->dev_root);
          return;
        }
      path = g_strdup_printf ("/dev/vfio/%s", group);
      g_ptr_array_add (scan->tpus, tpu_device (path, major, minor, pci, device_id, model));
      scan->has_vfio_tpu = TRUE;
    }
}

static gboolean
scan_host (SvfsDeviceRegistry  *self,
           Scan                *scan,
           GCancellable        *cancellable,
           GError             **error)
{
  g_autofree char *pci_dir = g_build_filename (self->sysfs_root, "bus", "pci", "devices", NULL);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) root = NULL;
  guint gpu_position = 0;

  scan_init (scan);

  root = g_dir_open (self->sysfs_root, 0, &local_error);
  if (root == NULL)
    {
      g_set_error (error, SVFS_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                     ? SVFS_ERROR_NOT_FOUND : SVFS_ERROR_DEVICE,
                   "cannot read the sysfs root: %s", local_error->message);
      return FALSE;
    }

  read_char_majors (self, scan);
  if (char_major (scan, "nvidia-frontend") >= 0)
    scan->nvidia_major = char_major (scan, "nvidia-frontend");
  else if (char_major (scan, "nvidia") >= 0)
    scan->nvidia_major = char_major (scan, "nvidia");
  scan->uvm_major = char_major (scan, "nvidia-uvm");

  /* A host (or a container) without PCI has no bus/pci: no devices. */
  names = list_dir (pci_dir, &local_error);
  if (names == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE,
                   "enumerating PCI devices: %s", local_error->message);
      return FALSE;
    }

  for (guint i = 0; i < names->len; i++)
    {
      const char *pci = g_ptr_array_index (names, i);
      g_autofree char *dev_dir = g_build_filename (pci_dir, pci, NULL);
      guint64 vendor, pci_class;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!is_pci_address (pci) || !read_hex_attr (dev_dir, "vendor", &vendor))
        continue;

      if (vendor == NVIDIA_VENDOR && read_hex_attr (dev_dir, "class", &pci_class) &&
          is_display_class (pci_class))
        scan_nvidia_gpu (self, scan, dev_dir, pci, gpu_position++);
      else if (vendor == GOOGLE_VENDOR)
        scan_tpu (self, scan, dev_dir, pci);
    }

  if (scan->gpus->len > 0)
    scan_nvidia_common (self, scan);

  return TRUE;
}

static GListModel *
scan_to_model (Scan *scan)
{
  GListStore *store = g_list_store_new (SVFS_TYPE_DEVICE);

  for (guint i = 0; i < scan->gpus->len; i++)
    g_list_store_append (store, g_ptr_array_index (scan->gpus, i));
  for (guint i = 0; i < scan->nvidia_common->len; i++)
    g_list_store_append (store, g_ptr_array_index (scan->nvidia_common, i));
  for (guint i = 0; i < scan->tpus->len; i++)
    g_list_store_append (store, g_ptr_array_index (scan->tpus, i));
  if (scan->has_vfio_tpu)
    {
      g_autoptr(SvfsDevice) control = fixed_device ("vfio-control", "/dev/vfio/vfio",
                                                    MISC_MAJOR, VFIO_CONTROL_MINOR);
      g_list_store_append (store, control);
    }
  return G_LIST_MODEL (store);
}

static char **
steal_warnings (Scan *scan)
{
  g_ptr_array_add (scan->warnings, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&scan->warnings), FALSE);
}

/**
 * svfs_device_registry_enumerate:
 * @self: a #SvfsDeviceRegistry
 * @warnings: (out) (optional) (transfer full) (array zero-terminated=1):
 *   return location for the problems that left a device out, such as
 *   `unsupported TPU device with ID: 0x…`
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * Lists the NVIDIA GPUs and the TPUs of the host, read below the
 * registry's roots: the GPUs in PCI address order, then the NVIDIA control
 * nodes, then the TPUs and `/dev/vfio/vfio`. Devices whose sysfs entries
 * are unreadable or malformed are left out and reported in @warnings.
 *
 * Errors: %SVFS_ERROR_NOT_FOUND when the sysfs root does not exist,
 * %SVFS_ERROR_DEVICE when it or the PCI device list cannot be read,
 * %G_IO_ERROR_CANCELLED.
 *
 * Returns: (transfer full): a #GListModel of [class@Svfs.Device], or
 *   %NULL on error
 *
 * Since: 1.0
 */
GListModel *
svfs_device_registry_enumerate (SvfsDeviceRegistry   *self,
                                char               ***warnings,
                                GCancellable         *cancellable,
                                GError              **error)
{
  g_auto(Scan) scan = { 0 };
  GListModel *model;

  g_return_val_if_fail (SVFS_IS_DEVICE_REGISTRY (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!scan_host (self, &scan, cancellable, error))
    return NULL;

  model = scan_to_model (&scan);
  if (warnings != NULL)
    *warnings = steal_warnings (&scan);
  return model;
}

typedef struct {
  GListModel  *devices;
  char       **warnings;
} EnumerateResult;

static void
enumerate_result_free (EnumerateResult *result)
{
  g_clear_object (&result->devices);
  g_clear_pointer (&result->warnings, g_strfreev);
  g_free (result);
}

static void
enumerate_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  EnumerateResult *result = g_new0 (EnumerateResult, 1);
  GError *error = NULL;

  result->devices = svfs_device_registry_enumerate (source_object, &result->warnings,
                                                    cancellable, &error);
  if (result->devices == NULL)
    {
      enumerate_result_free (result);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, result, (GDestroyNotify) enumerate_result_free);
}

/**
 * svfs_device_registry_enumerate_async:
 * @self: a #SvfsDeviceRegistry
 * @cancellable: (nullable): a cancellable
 * @callback: called when the list is ready
 * @user_data: data for @callback
 *
 * Lists the host's devices in a worker thread; see
 * [method@Svfs.DeviceRegistry.enumerate].
 *
 * Since: 1.0
 */
void
svfs_device_registry_enumerate_async (SvfsDeviceRegistry  *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SVFS_IS_DEVICE_REGISTRY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, svfs_device_registry_enumerate_async);
  g_task_run_in_thread (task, enumerate_thread);
}

/**
 * svfs_device_registry_enumerate_finish:
 * @self: a #SvfsDeviceRegistry
 * @result: the result given to the callback
 * @warnings: (out) (optional) (transfer full) (array zero-terminated=1):
 *   return location for the problems that left a device out
 * @error: return location for an error
 *
 * Finishes [method@Svfs.DeviceRegistry.enumerate_async].
 *
 * Returns: (transfer full): a #GListModel of [class@Svfs.Device], or
 *   %NULL on error
 *
 * Since: 1.0
 */
GListModel *
svfs_device_registry_enumerate_finish (SvfsDeviceRegistry   *self,
                                       GAsyncResult         *result,
                                       char               ***warnings,
                                       GError              **error)
{
  EnumerateResult *r;
  GListModel *devices;

  g_return_val_if_fail (SVFS_IS_DEVICE_REGISTRY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        svfs_device_registry_enumerate_async, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return NULL;

  devices = g_steal_pointer (&r->devices);
  if (warnings != NULL)
    *warnings = g_steal_pointer (&r->warnings);
  enumerate_result_free (r);
  return devices;
}

static void
add_optional_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* One entry of the devices JSON of CONTRACT.md §3: kind, path, major and
 * minor, then pci, vendor, device, model and uuid when they are known. */
static JsonNode *
device_listing_json (SvfsDevice *device)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, svfs_device_get_kind (device));
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, svfs_device_get_path (device));
  json_builder_set_member_name (builder, "major");
  json_builder_add_int_value (builder, svfs_device_get_major (device));
  json_builder_set_member_name (builder, "minor");
  json_builder_add_int_value (builder, svfs_device_get_minor (device));
  add_optional_string (builder, "pci", svfs_device_get_pci_address (device));
  add_optional_string (builder, "vendor", svfs_device_get_vendor (device));
  add_optional_string (builder, "device", svfs_device_get_device_id (device));
  add_optional_string (builder, "model", svfs_device_get_model (device));
  add_optional_string (builder, "uuid", svfs_device_get_uuid (device));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * svfs_device_registry_devices_to_json:
 * @devices: a #GListModel of [class@Svfs.Device]
 * @warnings: (nullable) (array zero-terminated=1): warnings, or %NULL
 *
 * Describes devices as the JSON document of `sandboxvfs devices --format
 * json`: `{"devices": […], "warnings": […]}`. Each device has `kind`,
 * `path`, `major` and `minor`, then `pci`, `vendor`, `device`, `model` and
 * `uuid` when they are known; `warnings` is only present when there are
 * some.
 *
 * Returns: (transfer full): a JSON object node
 *
 * Since: 1.0
 */
JsonNode *
svfs_device_registry_devices_to_json (GListModel         *devices,
                                      const char * const *warnings)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (devices), NULL);

  n = g_list_model_get_n_items (devices);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "devices");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsDevice) device = g_list_model_get_item (devices, i);

      json_builder_add_value (builder, device_listing_json (device));
    }
  json_builder_end_array (builder);
  if (warnings != NULL && warnings[0] != NULL)
    {
      json_builder_set_member_name (builder, "warnings");
      json_builder_begin_array (builder);
      for (guint i = 0; warnings[i] != NULL; i++)
        json_builder_add_string_value (builder, warnings[i]);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* ---------------------------------------------------------------------- */
/* CDI output                                                              */

static void
add_cdi_device_node (JsonBuilder *builder,
                     SvfsDevice  *device)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, svfs_device_get_path (device));
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, svfs_device_get_device_type (device));
  json_builder_set_member_name (builder, "major");
  json_builder_add_int_value (builder, svfs_device_get_major (device));
  json_builder_set_member_name (builder, "minor");
  json_builder_add_int_value (builder, svfs_device_get_minor (device));
  json_builder_set_member_name (builder, "fileMode");
  json_builder_add_int_value (builder, svfs_device_get_mode (device));
  json_builder_set_member_name (builder, "permissions");
  json_builder_add_string_value (builder, "rw");
  json_builder_end_object (builder);
}

static void
add_cdi_device (JsonBuilder *builder,
                const char  *name,
                GPtrArray   *nodes)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "containerEdits");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "deviceNodes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < nodes->len; i++)
    add_cdi_device_node (builder, g_ptr_array_index (nodes, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

/**
 * svfs_device_registry_devices_to_cdi:
 * @devices: a #GListModel of [class@Svfs.Device], as
 *   [method@Svfs.DeviceRegistry.enumerate] gives them
 * @kind: `nvidia.com/gpu` or `google.com/tpu`
 *
 * Describes the devices of one kind as a Container Device Interface spec
 * (`cdiVersion` 0.5.0) that containerd, podman and CRI-O read from
 * `/etc/cdi` or `/var/run/cdi`. Each GPU (TPU) is a CDI device named by
 * its position (`0`, `1`, …); a GPU with a UUID is also named by it; `all`
 * names all of them. The common nodes (`/dev/nvidiactl`, `/dev/nvidia-uvm`,
 * …, or `/dev/vfio/vfio`) are the spec's top-level `containerEdits`.
 * Device nodes carry `path`, `type`, `major`, `minor`, `fileMode` and
 * `permissions`.
 *
 * Returns: (transfer full): a JSON object node
 *
 * Since: 1.0
 */
JsonNode *
svfs_device_registry_devices_to_cdi (GListModel *devices,
                                     const char *kind)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) main_nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) common_nodes = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean nvidia;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (devices), NULL);
  g_return_val_if_fail (g_strcmp0 (kind, "nvidia.com/gpu") == 0 ||
                        g_strcmp0 (kind, "google.com/tpu") == 0, NULL);

  nvidia = g_str_equal (kind, "nvidia.com/gpu");
  n = g_list_model_get_n_items (devices);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsDevice) d = g_list_model_get_item (devices, i);
      const char *k = svfs_device_get_kind (d);

      if (nvidia ? g_str_equal (k, "nvidia-gpu") : g_str_equal (k, "tpu"))
        g_ptr_array_add (main_nodes, g_steal_pointer (&d));
      else if (nvidia ? g_str_has_prefix (k, "nvidia-") : g_str_equal (k, "vfio-control"))
        g_ptr_array_add (common_nodes, g_steal_pointer (&d));
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cdiVersion");
  json_builder_add_string_value (builder, CDI_VERSION);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind);
  json_builder_set_member_name (builder, "devices");
  json_builder_begin_array (builder);
  for (guint i = 0; i < main_nodes->len; i++)
    {
      SvfsDevice *d = g_ptr_array_index (main_nodes, i);
      g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func (g_object_unref);
      g_autofree char *name = g_strdup_printf ("%u", i);

      g_ptr_array_add (one, g_object_ref (d));
      add_cdi_device (builder, name, one);
      if (svfs_device_get_uuid (d) != NULL)
        add_cdi_device (builder, svfs_device_get_uuid (d), one);
    }
  if (main_nodes->len > 0)
    add_cdi_device (builder, "all", main_nodes);
  json_builder_end_array (builder);
  if (common_nodes->len > 0 && main_nodes->len > 0)
    {
      json_builder_set_member_name (builder, "containerEdits");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "deviceNodes");
      json_builder_begin_array (builder);
      for (guint i = 0; i < common_nodes->len; i++)
        add_cdi_device_node (builder, g_ptr_array_index (common_nodes, i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* ---------------------------------------------------------------------- */
/* The mount compiler's part                                               */

/* Go's strconv.ParseBool; -1 when the text is none of its words. */
static int
parse_go_bool (const char *text)
{
  static const char * const true_words[] = { "1", "t", "T", "TRUE", "true", "True", NULL };
  static const char * const false_words[] = { "0", "f", "F", "FALSE", "false", "False", NULL };

  if (g_strv_contains (true_words, text))
    return 1;
  if (g_strv_contains (false_words, text))
    return 0;
  return -1;
}

/* gVisor: an unparsable annotation logs a warning and counts as false. */
static gboolean
annotation_enabled (SvfsSpec   *spec,
                    const char *key,
                    GPtrArray  *warnings)
{
  const char *value = svfs_spec_lookup_annotation (spec, key);
  int b;

  if (value == NULL)
    return FALSE;
  b = parse_go_bool (value);
  if (b < 0)
    {
      g_ptr_array_add (warnings,
                       g_strdup_printf ("annotation %s: invalid boolean value \"%s\"; treated as false",
                                        key, value));
      return FALSE;
    }
  return b == 1;
}

/* gVisor §18.4: the last definition wins, and an entry without "=" makes
 * the lookup empty. */
static char *
lookup_visible_devices (SvfsSpec *spec)
{
  const char * const *env = svfs_spec_get_process_env (spec);
  const char *value = NULL;
  gsize len;

  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      if (strchr (env[i], '=') == NULL)
        return g_strdup ("");
      if (g_str_has_prefix (env[i], "NVIDIA_VISIBLE_DEVICES="))
        value = env[i] + strlen ("NVIDIA_VISIBLE_DEVICES=");
    }
  if (value == NULL)
    return g_strdup ("");

  /* A trailing "void" after a real value is ignored (gVisor with CDI). */
  len = strlen (value);
  if (len > 5 && g_str_has_suffix (value, ",void"))
    len -= 5;
  return g_strndup (value, len);
}

static gboolean
has_nvidia_hook (SvfsSpec *spec)
{
  const char * const *paths = svfs_spec_get_hook_paths (spec, "prestart");

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    if (g_str_has_suffix (paths[i], "/nvidia-container-runtime-hook"))
      return TRUE;
  return FALSE;
}

/* gVisor §18.4's host listing: /dev/nvidia<digits>, as GPUs without PCI
 * data; used when sysfs shows no NVIDIA GPU. */
static GPtrArray *
list_dev_nvidia_nodes (SvfsDeviceRegistry  *self,
                       gint64               nvidia_major,
                       GError             **error)
{
  g_autoptr(GPtrArray) names = list_dir (self->dev_root, NULL);
  g_autoptr(GArray) minors = g_array_new (FALSE, FALSE, sizeof (guint64));
  GPtrArray *gpus = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; names != NULL && i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      const char *digits = name + strlen ("nvidia");
      guint64 n;

      if (!g_str_has_prefix (name, "nvidia") || *digits == '\0')
        continue;
      if (strspn (digits, "0123456789") != strlen (digits))
        continue;
      if (!parse_decimal_u32 (digits, &n))
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE,
                       "invalid nvidia device name \"%s\": number out of range", name);
          g_ptr_array_unref (gpus);
          return NULL;
        }
      if (n > 247)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE,
                       "invalid nvidia regular minor device number %" G_GUINT64_FORMAT, n);
          g_ptr_array_unref (gpus);
          return NULL;
        }
      g_array_append_val (minors, n);
    }

  g_array_sort (minors, (GCompareFunc) compare_u64);
  for (guint i = 0; i < minors->len; i++)
    {
      guint64 n = g_array_index (minors, guint64, i);
      g_autofree char *path = g_strdup_printf ("/dev/nvidia%" G_GUINT64_FORMAT, n);

      if (i > 0 && g_array_index (minors, guint64, i - 1) == n)
        continue;   /* nvidia7 and nvidia007 */
      g_ptr_array_add (gpus, fixed_device ("nvidia-gpu", path, nvidia_major, n));
    }
  return gpus;
}

/* NVIDIA_VISIBLE_DEVICES: `all`, `none`, or a comma-separated list of
 * indices (positions in PCI address order, as NVML numbers GPUs) and
 * `GPU-…` UUIDs (from the driver's procfs). */
static GPtrArray *
select_gpus (GPtrArray   *host_gpus,
             const char  *visible,
             GError     **error)
{
  g_autoptr(GPtrArray) selected = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) items = NULL;

  if (g_str_equal (visible, "all"))
    {
      for (guint i = 0; i < host_gpus->len; i++)
        g_ptr_array_add (selected, g_object_ref (g_ptr_array_index (host_gpus, i)));
      return g_steal_pointer (&selected);
    }
  if (g_str_equal (visible, "none"))
    return g_steal_pointer (&selected);

  items = g_strsplit (visible, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = g_strstrip (items[i]);
      SvfsDevice *found = NULL;
      guint64 index;

      if (*item == '\0')
        continue;
      if (parse_decimal_u32 (item, &index))
        {
          if (index < host_gpus->len)
            found = g_ptr_array_index (host_gpus, index);
        }
      else if (g_str_has_prefix (item, "MIG-"))
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                       "NVIDIA_VISIBLE_DEVICES: MIG devices are not supported (\"%s\")", item);
          return NULL;
        }
      else
        {
          for (guint j = 0; j < host_gpus->len && found == NULL; j++)
            {
              SvfsDevice *gpu = g_ptr_array_index (host_gpus, j);

              if (svfs_device_get_uuid (gpu) != NULL &&
                  g_ascii_strcasecmp (svfs_device_get_uuid (gpu), item) == 0)
                found = gpu;
            }
        }

      if (found == NULL)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE,
                       "NVIDIA_VISIBLE_DEVICES: unknown GPU \"%s\" (this host has %u NVIDIA GPU%s; "
                       "use all, none, an index or a GPU-… UUID)",
                       item, host_gpus->len, host_gpus->len == 1 ? "" : "s");
          return NULL;
        }
      if (!g_ptr_array_find (selected, found, NULL))
        g_ptr_array_add (selected, g_object_ref (found));
    }
  return g_steal_pointer (&selected);
}

static gboolean
store_has_path (GListStore *devices,
                const char *path)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (devices));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsDevice) d = g_list_model_get_item (G_LIST_MODEL (devices), i);

      if (g_str_equal (svfs_device_get_path (d), path))
        return TRUE;
    }
  return FALSE;
}

/* What the spec lists comes first and wins (gVisor leaves an existing node
 * alone). */
static void
append_unique (GListStore *devices,
               SvfsDevice *device)
{
  if (!store_has_path (devices, svfs_device_get_path (device)))
    g_list_store_append (devices, device);
}

static SvfsDevice *
copy_with_major (SvfsDevice *d,
                 gint64      major)
{
  SvfsDevice *copy = svfs_device_new (svfs_device_get_kind (d), svfs_device_get_path (d),
                                      svfs_device_get_device_type (d), major,
                                      svfs_device_get_minor (d));

  svfs_device_set_mode (copy, svfs_device_get_mode (d));
  svfs_device_set_uid (copy, svfs_device_get_uid (d));
  svfs_device_set_gid (copy, svfs_device_get_gid (d));
  return copy;
}

/* gVisor §18.1: /dev/nvidia-uvm (and, as later gVisor, the nodes below
 * /dev/nvidia-caps/) get the major the host uses. */
static void
rewrite_nvidia_majors (GListStore *devices,
                       Scan       *scan)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (devices));
  gint64 caps_major = char_major (scan, "nvidia-caps");

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsDevice) d = g_list_model_get_item (G_LIST_MODEL (devices), i);
      const char *path = svfs_device_get_path (d);
      gint64 major = -1;

      if (g_str_equal (path, "/dev/nvidia-uvm"))
        major = scan->uvm_major;
      else if (g_str_has_prefix (path, "/dev/nvidia-caps/"))
        major = caps_major;

      if (major >= 0 && major != svfs_device_get_major (d))
        {
          g_autoptr(SvfsDevice) copy = copy_with_major (d, major);
          g_list_store_splice (devices, i, 1, (gpointer *) &copy, 1);
        }
    }
}

static gboolean
plan_nvidia_hook (SvfsDeviceRegistry  *self,
                  SvfsSpec            *spec,
                  Scan                *scan,
                  GListStore          *devices,
                  GPtrArray           *warnings,
                  GError             **error)
{
  g_autofree char *visible = NULL;
  g_autoptr(GPtrArray) host_gpus = NULL;
  g_autoptr(GPtrArray) selected = NULL;
  g_autoptr(SvfsDevice) ctl = NULL;

  /* gVisor §18.4: the legacy hook, a process, and GPUs requested. */
  if (!has_nvidia_hook (spec) || svfs_spec_get_process_cwd (spec) == NULL)
    return TRUE;
  visible = lookup_visible_devices (spec);
  if (*visible == '\0' || g_str_equal (visible, "void"))
    return TRUE;

  if (scan->gpus->len > 0)
    host_gpus = g_ptr_array_ref (scan->gpus);
  else if ((host_gpus = list_dev_nvidia_nodes (self, scan->nvidia_major, error)) == NULL)
    return FALSE;

  selected = select_gpus (host_gpus, visible, error);
  if (selected == NULL)
    return FALSE;

  ctl = fixed_device ("nvidia-control", "/dev/nvidiactl", scan->nvidia_major, NVIDIA_CTL_MINOR);
  append_unique (devices, ctl);
  if (scan->uvm_major >= 0)
    {
      g_autoptr(SvfsDevice) uvm = fixed_device ("nvidia-uvm", "/dev/nvidia-uvm", scan->uvm_major, 0);
      append_unique (devices, uvm);
    }
  else
    {
      g_ptr_array_add (warnings,
                       g_strdup_printf ("nvproxy: nvidia-uvm is not in %s/devices: "
                                        "/dev/nvidia-uvm is left out", self->proc_root));
    }
  for (guint i = 0; i < selected->len; i++)
    append_unique (devices, g_ptr_array_index (selected, i));

  return TRUE;
}

/* CDI ------------------------------------------------------------------ */

typedef struct {
  JsonNode   *spec;       /* the file's root object */
  JsonObject *device;     /* the entry of devices[] */
  guint       index;      /* its index there */
  char       *file;
} CdiEntry;

static void
cdi_entry_free (CdiEntry *entry)
{
  json_node_unref (entry->spec);
  g_free (entry->file);
  g_free (entry);
}

/* "vendor.com/class=name". */
static gboolean
is_qualified_cdi_name (const char *text)
{
  return g_regex_match_simple ("^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*="
                               "[A-Za-z0-9][A-Za-z0-9_.:-]*$", text, 0, 0);
}

/* The device names of every cdi.k8s.io/ annotation, annotations sorted
 * by key, each value split at commas, without duplicates. */
static GPtrArray *
collect_cdi_requests (SvfsSpec  *spec,
                      GError   **error)
{
  GHashTable *annotations = svfs_spec_get_annotations (spec);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  if (annotations == NULL)
    return g_steal_pointer (&names);

  g_hash_table_iter_init (&iter, annotations);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_prefix (key, "cdi.k8s.io/"))
      g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strings);

  for (guint i = 0; i < keys->len; i++)
    {
      const char *k = g_ptr_array_index (keys, i);
      g_auto(GStrv) items = g_strsplit (g_hash_table_lookup (annotations, k), ",", -1);

      for (guint j = 0; items[j] != NULL; j++)
        {
          const char *item = g_strstrip (items[j]);

          if (*item == '\0')
            continue;
          if (!is_qualified_cdi_name (item))
            {
              g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                           "annotations[\"%s\"]: invalid CDI device name \"%s\" "
                           "(expected vendor.com/class=name)", k, item);
              return NULL;
            }
          if (!g_ptr_array_find_with_equal_func (names, item, g_str_equal, NULL))
            g_ptr_array_add (names, g_strdup (item));
        }
    }
  return g_steal_pointer (&names);
}

/* The members of a CDI spec whose values (or elements, for sequences and
 * mappings) the schema types as strings: in a YAML spec a plain scalar
 * there stays text as written ("name: 0" is device "0"), as the Go
 * loader's conversion gives. Numbers (major, minor, fileMode, uid, gid,
 * timeout, additionalGids) are resolved by YAML's rules. */
static const char * const cdi_string_keys[] = {
  "cdiVersion", "kind", "name", "annotations", "env", "path", "hostPath",
  "type", "permissions", "containerPath", "options", "hookName", "args",
  "hostInterfaceName", "closID", "l3CacheSchema", "memBwSchema", "schemata",
  NULL
};

/* Every device of every *.json, *.yaml and *.yml spec, by qualified name;
 * later files (by name, then by directory) take precedence. Both formats
 * become the same JSON tree: JSON through the spec parser's checks, YAML
 * through svfs-yaml.c; a file that cannot be read (not a regular file of
 * at most 16 MiB, the limit of OCI specs) or parsed is a warning naming
 * the file (and the line), and the others are still read. */
static GHashTable *
load_cdi_specs (SvfsDeviceRegistry *self,
                GPtrArray          *warnings)
{
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) cdi_entry_free);

  for (guint d = 0; self->cdi_spec_dirs[d] != NULL; d++)
    {
      g_autoptr(GPtrArray) files = list_dir (self->cdi_spec_dirs[d], NULL);

      for (guint f = 0; files != NULL && f < files->len; f++)
        {
          const char *name = g_ptr_array_index (files, f);
          g_autofree char *path = g_build_filename (self->cdi_spec_dirs[d], name, NULL);
          gboolean yaml = g_str_has_suffix (name, ".yaml") || g_str_has_suffix (name, ".yml");
          g_autoptr(GError) error = NULL;
          g_autofree char *contents = NULL;
          g_autoptr(JsonNode) tree = NULL;
          gsize length = 0;
          JsonObject *root;
          const char *kind;
          JsonArray *devices;

          if (!yaml && !g_str_has_suffix (name, ".json"))
            continue;

          contents = svfs_read_file_bounded (path, SVFS_SPEC_MAX_SIZE, FALSE, SVFS_ERROR_DEVICE,
                                                  &length, &error);
          if (contents != NULL)
            {
              tree = yaml ? svfs_yaml_parse_data (contents, length, cdi_string_keys, &error)
                          : svfs_spec_parse_json_data (contents, length, &error);
              if (tree == NULL)
                {
                  g_autofree char *display = g_filename_display_name (path);

                  g_prefix_error (&error, "%s: ", display);
                }
            }
          if (tree == NULL)
            {
              /* The message starts with the file's name. */
              g_ptr_array_add (warnings, g_strdup_printf ("ignoring CDI spec %s", error->message));
              continue;
            }
          root = JSON_NODE_HOLDS_OBJECT (tree) ? json_node_get_object (tree) : NULL;
          kind = root != NULL ? svfs_json_get_string_member (root, "kind", NULL) : NULL;
          devices = root != NULL ? svfs_json_get_array_member (root, "devices") : NULL;
          if (kind == NULL || devices == NULL)
            {
              g_ptr_array_add (warnings,
                               g_strdup_printf ("ignoring CDI spec %s: no \"kind\" or no \"devices\"", path));
              continue;
            }

          for (guint i = 0; i < json_array_get_length (devices); i++)
            {
              JsonNode *node = json_array_get_element (devices, i);
              JsonObject *device = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
              const char *dname = device != NULL ? svfs_json_get_string_member (device, "name", NULL) : NULL;
              CdiEntry *entry;

              if (dname == NULL)
                continue;
              entry = g_new0 (CdiEntry, 1);
              entry->spec = json_node_ref (tree);
              entry->device = device;
              entry->index = i;
              entry->file = g_strdup (path);
              g_hash_table_replace (index, g_strdup_printf ("%s=%s", kind, dname), entry);
            }
        }
    }
  return index;
}

/* Whether @object has the member @name with a value (not null). */
static gboolean
has_value (JsonObject *object,
           const char *name)
{
  return svfs_json_get_member_of_type (object, name, JSON_NODE_VALUE) != NULL;
}

/* A deviceNodes entry, checked by svfs_cdi_check_container_edits(), as a
 * planned device. A missing type or number is taken from the host node
 * (below the dev root for /dev paths). */
static SvfsDevice *
cdi_node_to_device (SvfsDeviceRegistry  *self,
                    JsonObject          *object,
                    const char          *where,
                    GError             **error)
{
  const char *path = svfs_json_get_string_member (object, "path", NULL);
  const char *host_path = svfs_json_get_string_member (object, "hostPath", path);
  const char *type = svfs_json_get_string_member (object, "type", NULL);
  gboolean has_numbers = has_value (object, "major") && has_value (object, "minor");
  gint64 major = 0, minor = 0;
  SvfsDevice *device;

  if (type != NULL && *type == '\0')
    type = NULL;
  if (type == NULL || (!has_numbers && g_strcmp0 (type, "p") != 0))
    {
      g_autofree char *host = g_str_has_prefix (host_path, "/dev/")
        ? g_build_filename (self->dev_root, host_path + strlen ("/dev/"), NULL)
        : g_strdup (host_path);
      struct stat st;

      if (stat (host, &st) != 0)
        {
          int saved_errno = errno;
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE,
                       "%s: cannot find the host device %s for %s: %s",
                       where, host, path, g_strerror (saved_errno));
          return NULL;
        }
      if (type == NULL)
        type = S_ISBLK (st.st_mode) ? "b" : S_ISCHR (st.st_mode) ? "c" : S_ISFIFO (st.st_mode) ? "p" : NULL;
      if (type == NULL)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE,
                       "%s: the host file %s for %s is not a device", where, host, path);
          return NULL;
        }
      major = major (st.st_rdev);
      minor = minor (st.st_rdev);
    }
  if (has_numbers)
    {
      major = svfs_json_get_int_member (object, "major", 0);
      minor = svfs_json_get_int_member (object, "minor", 0);
    }
  if (g_str_equal (type, "p"))
    major = minor = 0;

  device = svfs_device_new ("cdi", path, type, major, minor);
  svfs_device_set_mode (device, (guint32) (svfs_json_get_int_member (object, "fileMode", 0666) & 0777));
  svfs_device_set_uid (device, (guint32) svfs_json_get_int_member (object, "uid", 0));
  svfs_device_set_gid (device, (guint32) svfs_json_get_int_member (object, "gid", 0));
  return device;
}

/* The deviceNodes of @edits_owner's containerEdits; @json_path is where
 * @edits_owner is in its file ("devices[2]", or "" for the spec itself).
 * A node the CDI schema does not allow fails with the file (in @where)
 * and the JSON path of each bad field. */
static gboolean
append_cdi_nodes (SvfsDeviceRegistry  *self,
                  JsonObject          *edits_owner,
                  const char          *json_path,
                  const char          *where,
                  GListStore          *devices,
                  GError             **error)
{
  g_autoptr(GPtrArray) problems = svfs_cdi_check_container_edits (edits_owner, json_path);
  JsonObject *edits;
  JsonArray *nodes;

  if (problems->len > 0)
    {
      g_autofree char *joined = NULL;

      g_ptr_array_add (problems, NULL);
      joined = g_strjoinv ("; ", (char **) problems->pdata);
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE, "%s: %s", where, joined);
      return FALSE;
    }

  edits = svfs_json_get_object_member (edits_owner, "containerEdits");
  nodes = svfs_json_get_array_member (edits, "deviceNodes");
  for (guint i = 0; nodes != NULL && i < json_array_get_length (nodes); i++)
    {
      g_autoptr(SvfsDevice) device = cdi_node_to_device (self, json_array_get_object_element (nodes, i),
                                                         where, error);
      if (device == NULL)
        return FALSE;
      append_unique (devices, device);
    }
  return TRUE;
}

static gboolean
plan_cdi (SvfsDeviceRegistry  *self,
          GPtrArray           *requests,
          GListStore          *devices,
          GPtrArray           *warnings,
          GError             **error)
{
  g_autoptr(GHashTable) index = load_cdi_specs (self, warnings);
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  g_autoptr(GPtrArray) specs_done = g_ptr_array_new ();

  for (guint i = 0; i < requests->len; i++)
    if (!g_hash_table_contains (index, g_ptr_array_index (requests, i)))
      g_ptr_array_add (missing, g_ptr_array_index (requests, i));

  if (missing->len > 0)
    {
      g_autofree char *dirs = g_strjoinv (", ", self->cdi_spec_dirs);
      g_autofree char *names = NULL;

      g_ptr_array_add (missing, NULL);
      names = g_strjoinv (", ", (char **) missing->pdata);
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE,
                   "unresolvable CDI devices %s (searched the JSON and YAML specs in %s)",
                   names, dirs);
      return FALSE;
    }

  for (guint i = 0; i < requests->len; i++)
    {
      const char *name = g_ptr_array_index (requests, i);
      CdiEntry *entry = g_hash_table_lookup (index, name);
      JsonObject *spec_object = json_node_get_object (entry->spec);
      g_autofree char *where = g_strdup_printf ("CDI device %s (%s)", name, entry->file);
      g_autofree char *json_path = g_strdup_printf ("devices[%u]", entry->index);

      if (!append_cdi_nodes (self, entry->device, json_path, where, devices, error))
        return FALSE;
      /* The spec-wide edits apply once if any of its devices is asked for. */
      if (!g_ptr_array_find (specs_done, spec_object, NULL))
        {
          g_ptr_array_add (specs_done, spec_object);
          if (!append_cdi_nodes (self, spec_object, "", where, devices, error))
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
svfs_device_registry_plan_devices (SvfsDeviceRegistry  *registry,
                                   SvfsSpec            *spec,
                                   SvfsConfig          *config,
                                   GListStore          *devices,
                                   GPtrArray           *warnings,
                                   GError             **error)
{
  g_autoptr(SvfsDeviceRegistry) owned = NULL;
  g_autoptr(GPtrArray) cdi = NULL;
  g_auto(Scan) scan = { 0 };
  gboolean nvproxy, tpuproxy;

  g_return_val_if_fail (registry == NULL || SVFS_IS_DEVICE_REGISTRY (registry), FALSE);

  nvproxy = annotation_enabled (spec, "dev.gvisor.internal.nvproxy", warnings) ||
            svfs_config_get_nvproxy (config);
  tpuproxy = annotation_enabled (spec, "dev.gvisor.internal.tpuproxy", warnings) ||
             svfs_config_get_tpuproxy (config);
  cdi = collect_cdi_requests (spec, error);
  if (cdi == NULL)
    return FALSE;

  if (!nvproxy && !tpuproxy && cdi->len == 0)
    return TRUE;
  if (registry == NULL)
    registry = owned = svfs_device_registry_new ();

  if (nvproxy || tpuproxy)
    {
      if (!scan_host (registry, &scan, NULL, error))
        return FALSE;
    }

  if (nvproxy)
    {
      rewrite_nvidia_majors (devices, &scan);
      if (!plan_nvidia_hook (registry, spec, &scan, devices, warnings, error))
        return FALSE;
      for (guint i = 0; i < scan.gpu_warnings->len; i++)
        g_ptr_array_add (warnings, g_strdup (g_ptr_array_index (scan.gpu_warnings, i)));
    }

  if (tpuproxy)
    {
      if (scan.tpu_problem != NULL)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE,
                       "registering TPU driver: %s", scan.tpu_problem);
          return FALSE;
        }
      for (guint i = 0; i < scan.tpus->len; i++)
        append_unique (devices, g_ptr_array_index (scan.tpus, i));
      if (scan.has_vfio_tpu)
        {
          g_autoptr(SvfsDevice) control = fixed_device ("vfio-control", "/dev/vfio/vfio",
                                                        MISC_MAJOR, VFIO_CONTROL_MINOR);
          append_unique (devices, control);
        }
      for (guint i = 0; i < scan.tpu_warnings->len; i++)
        g_ptr_array_add (warnings, g_strdup (g_ptr_array_index (scan.tpu_warnings, i)));
    }

  if (cdi->len > 0 && !plan_cdi (registry, cdi, devices, warnings, error))
    return FALSE;

  return TRUE;
}
