/* svfs-config.c: runtime configuration with runsc's flag names
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "svfs-config.h"
#include "svfs-enums.h"
#include "svfs-error.h"
#include "svfs-mount-hints-private.h"

/**
 * SvfsConfig:
 *
 * The runtime knobs that shape a container's filesystem view, with the
 * names and value syntax of gVisor's `runsc` flags.
 *
 * Every key is a read-only [class@GObject.Object] property of the same name
 * (`overlay2`, `file-access`, `directfs`, …). Values are changed only with
 * [method@Svfs.Config.set], which checks the value the way `runsc` checks
 * its flag and fails with %SVFS_ERROR_INVALID_CONFIG; a property emits
 * [signal@GObject.Object::notify] when its value changes. Checks that
 * involve several keys are made by [method@Svfs.Config.validate].
 *
 * ```python
 * config = Svfs.Config.new()
 * config.set("overlay2", "all:dir=/var/tmp")
 * config.set("directfs", "false")
 * config.validate()
 * ```
 *
 * One deliberate difference from `runsc`: the default of `overlay2` is
 * `root:memory` (the host rootfs is never written), not `root:self`.
 *
 * Since: 1.0
 */

/* An overlay2 value: which mounts get an overlay and where its upper
 * layer lives. `none` is root = submounts = FALSE. */
typedef struct {
  gboolean           root;
  gboolean           submounts;
  SvfsOverlayMedium  medium;
  char              *dir;
  char              *size;
} Overlay2;

struct _SvfsConfig
{
  GObject         parent_instance;

  Overlay2        overlay2;
  /* Whether overlay2 was given with svfs_config_set(), as opposed to being
   * our default; only then can it clash with the deprecated `overlay`. */
  gboolean        overlay2_explicit;
  gboolean        overlay;

  SvfsFileAccess  file_access;
  SvfsFileAccess  file_access_mounts;
  SvfsHostFifo    host_fifo;
  gboolean        directfs;
  gboolean        nvproxy;
  gboolean        tpuproxy;

  char           *product_name;
  char           *sandbox_id;
  char           *container_id;
  char           *container_name;
};

G_DEFINE_FINAL_TYPE (SvfsConfig, svfs_config, G_TYPE_OBJECT)

/* Property ids double as key ids; every key is a property. */
enum {
  PROP_0,
  PROP_CONTAINER_ID,
  PROP_CONTAINER_NAME,
  PROP_DIRECTFS,
  PROP_FILE_ACCESS,
  PROP_FILE_ACCESS_MOUNTS,
  PROP_HOST_FIFO,
  PROP_NVPROXY,
  PROP_OVERLAY,
  PROP_OVERLAY2,
  PROP_PRODUCT_NAME,
  PROP_SANDBOX_ID,
  PROP_TPUPROXY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Sorted bytewise; same order as the property ids above. */
static const char * const config_keys[] = {
  "container-id",
  "container-name",
  "directfs",
  "file-access",
  "file-access-mounts",
  "host-fifo",
  "nvproxy",
  "overlay",
  "overlay2",
  "product-name",
  "sandbox-id",
  "tpuproxy",
  NULL
};

G_STATIC_ASSERT (G_N_ELEMENTS (config_keys) == N_PROPS);

/* What the deprecated `overlay=true` stands for. */
static const Overlay2 overlay2_all_memory = {
  TRUE, TRUE, SVFS_OVERLAY_MEDIUM_MEMORY, NULL, NULL
};

static void
overlay2_clear (Overlay2 *o)
{
  g_clear_pointer (&o->dir, g_free);
  g_clear_pointer (&o->size, g_free);
}

static void
overlay2_copy (Overlay2       *dest,
               const Overlay2 *src)
{
  dest->root = src->root;
  dest->submounts = src->submounts;
  dest->medium = src->medium;
  dest->dir = g_strdup (src->dir);
  dest->size = g_strdup (src->size);
}

static gboolean
overlay2_enabled (const Overlay2 *o)
{
  return (o->root || o->submounts) && o->medium != SVFS_OVERLAY_MEDIUM_NONE;
}

static char *
overlay2_to_string (const Overlay2 *o)
{
  GString *str;

  if (!o->root && !o->submounts)
    return g_strdup ("none");

  str = g_string_new (o->submounts ? "all:" : "root:");
  switch (o->medium)
    {
    case SVFS_OVERLAY_MEDIUM_NONE:
      break;
    case SVFS_OVERLAY_MEDIUM_MEMORY:
      g_string_append (str, "memory");
      break;
    case SVFS_OVERLAY_MEDIUM_SELF:
      g_string_append (str, "self");
      break;
    case SVFS_OVERLAY_MEDIUM_ANON:
      /* Not reachable from the flag syntax; spelled for completeness. */
      g_string_append (str, "anon");
      break;
    case SVFS_OVERLAY_MEDIUM_DIR:
      g_string_append_printf (str, "dir=%s", o->dir);
      break;
    default:
      g_assert_not_reached ();
    }
  if (o->size != NULL)
    g_string_append_printf (str, ",size=%s", o->size);

  return g_string_free (str, FALSE);
}

/* The overlay in force: the deprecated `overlay=true` means all:memory
 * unless overlay2 was explicitly set to an enabled overlay, which is the
 * conflict svfs_config_validate() reports. */
static const Overlay2 *
svfs_config_effective_overlay (SvfsConfig *self)
{
  if (self->overlay &&
      !(self->overlay2_explicit && overlay2_enabled (&self->overlay2)))
    return &overlay2_all_memory;

  return &self->overlay2;
}

static gboolean
overlay2_parse (const char  *value,
                Overlay2    *out,
                GError     **error)
{
  g_auto(GStrv) comma_parts = NULL;
  g_auto(GStrv) colon_parts = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *size = NULL;
  SvfsOverlayMedium medium;
  gboolean submounts;

  memset (out, 0, sizeof *out);

  if (g_str_equal (value, "none"))
    return TRUE;

  /* The optional size suffix is split off first, as runsc does. */
  comma_parts = g_strsplit (value, ",", -1);
  if (comma_parts[0] == NULL)
    {
      /* g_strsplit() gives no parts at all for "". */
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                   "overlay2: expected format is --overlay2={mount}:{medium}, got %s",
                   value);
      return FALSE;
    }
  if (g_strv_length (comma_parts) > 2 ||
      (comma_parts[1] != NULL && !g_str_has_prefix (comma_parts[1], "size=")))
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                   "overlay2: expected format is --overlay2={mount}:{medium}[,size={size}], got %s",
                   value);
      return FALSE;
    }
  if (comma_parts[1] != NULL)
    {
      const char *size_text = comma_parts[1] + strlen ("size=");

      if (!svfs_overlay_size_is_valid (size_text))
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                       "overlay2: invalid size \"%s\": expected a number with "
                       "an optional k, m, g or t suffix, or a percentage from 1 to 100",
                       size_text);
          return FALSE;
        }
      size = g_strdup (size_text);
    }

  colon_parts = g_strsplit (comma_parts[0], ":", -1);
  if (g_strv_length (colon_parts) != 2)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                   "overlay2: expected format is --overlay2={mount}:{medium}, got %s",
                   value);
      return FALSE;
    }

  if (g_str_equal (colon_parts[0], "root"))
    submounts = FALSE;
  else if (g_str_equal (colon_parts[0], "all"))
    submounts = TRUE;
  else
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                   "overlay2: unexpected mount specifier for --overlay2: %s",
                   colon_parts[0]);
      return FALSE;
    }

  if (!svfs_overlay_medium_parse (colon_parts[1], &medium, &dir, &local_error))
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                   "overlay2: %s", local_error->message);
      return FALSE;
    }

  out->root = TRUE;
  out->submounts = submounts;
  out->medium = medium;
  out->dir = g_steal_pointer (&dir);
  out->size = g_steal_pointer (&size);

  return TRUE;
}

/* Go's strconv.ParseBool, which runsc's boolean flags use. */
static gboolean
parse_bool (const char  *key,
            const char  *value,
            gboolean    *out,
            GError     **error)
{
  static const char * const true_words[] = { "1", "t", "T", "TRUE", "true", "True", NULL };
  static const char * const false_words[] = { "0", "f", "F", "FALSE", "false", "False", NULL };

  if (g_strv_contains (true_words, value))
    {
      *out = TRUE;
      return TRUE;
    }
  if (g_strv_contains (false_words, value))
    {
      *out = FALSE;
      return TRUE;
    }

  g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
               "%s: invalid boolean value \"%s\" (expected one of 1, t, T, "
               "TRUE, true, True, 0, f, F, FALSE, false, False)",
               key, value);
  return FALSE;
}

static gboolean
parse_file_access (const char      *key,
                   const char      *value,
                   SvfsFileAccess  *out,
                   GError         **error)
{
  if (g_str_equal (value, "exclusive"))
    *out = SVFS_FILE_ACCESS_EXCLUSIVE;
  else if (g_str_equal (value, "shared"))
    *out = SVFS_FILE_ACCESS_SHARED;
  else
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                   "%s: invalid file access type \"%s\" (expected exclusive or shared)",
                   key, value);
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_host_fifo (const char    *key,
                 const char    *value,
                 SvfsHostFifo  *out,
                 GError       **error)
{
  if (g_str_equal (value, "none") || value[0] == '\0')
    *out = SVFS_HOST_FIFO_NONE;
  else if (g_str_equal (value, "open"))
    *out = SVFS_HOST_FIFO_OPEN;
  else
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                   "%s: invalid host fifo type \"%s\" (expected none or open)",
                   key, value);
      return FALSE;
    }

  return TRUE;
}

static const char *
file_access_to_string (SvfsFileAccess access)
{
  return access == SVFS_FILE_ACCESS_SHARED ? "shared" : "exclusive";
}

static const char *
bool_to_string (gboolean value)
{
  return value ? "true" : "false";
}

/* Returns the property id of @key, or PROP_0. */
static guint
key_to_prop (const char *key)
{
  for (guint i = 0; config_keys[i] != NULL; i++)
    {
      if (g_str_equal (key, config_keys[i]))
        return i + 1;
    }

  return PROP_0;
}

static void
set_unknown_key_error (const char  *key,
                       GError     **error)
{
  g_autofree char *valid = g_strjoinv (", ", (char **) config_keys);

  g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
               "unknown configuration key \"%s\" (valid keys: %s)",
               key, valid);
}

static void
svfs_config_finalize (GObject *object)
{
  SvfsConfig *self = (SvfsConfig *) object;

  overlay2_clear (&self->overlay2);
  g_clear_pointer (&self->product_name, g_free);
  g_clear_pointer (&self->sandbox_id, g_free);
  g_clear_pointer (&self->container_id, g_free);
  g_clear_pointer (&self->container_name, g_free);

  G_OBJECT_CLASS (svfs_config_parent_class)->finalize (object);
}

static void
svfs_config_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SvfsConfig *self = SVFS_CONFIG (object);

  switch (prop_id)
    {
    case PROP_CONTAINER_ID:
      g_value_set_string (value, self->container_id);
      break;
    case PROP_CONTAINER_NAME:
      g_value_set_string (value, self->container_name);
      break;
    case PROP_DIRECTFS:
      g_value_set_boolean (value, self->directfs);
      break;
    case PROP_FILE_ACCESS:
      g_value_set_enum (value, self->file_access);
      break;
    case PROP_FILE_ACCESS_MOUNTS:
      g_value_set_enum (value, self->file_access_mounts);
      break;
    case PROP_HOST_FIFO:
      g_value_set_enum (value, self->host_fifo);
      break;
    case PROP_NVPROXY:
      g_value_set_boolean (value, self->nvproxy);
      break;
    case PROP_OVERLAY:
      g_value_set_boolean (value, self->overlay);
      break;
    case PROP_OVERLAY2:
      g_value_take_string (value, overlay2_to_string (&self->overlay2));
      break;
    case PROP_PRODUCT_NAME:
      g_value_set_string (value, self->product_name);
      break;
    case PROP_SANDBOX_ID:
      g_value_set_string (value, self->sandbox_id);
      break;
    case PROP_TPUPROXY:
      g_value_set_boolean (value, self->tpuproxy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
svfs_config_class_init (SvfsConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = svfs_config_finalize;
  object_class->get_property = svfs_config_get_property;

  /**
   * SvfsConfig:container-id:
   *
   * The container's id (runsc's `container-id`). Empty by default.
   *
   * Since: 1.0
   */
  properties[PROP_CONTAINER_ID] =
    g_param_spec_string ("container-id", NULL, NULL, "", flags);

  /**
   * SvfsConfig:container-name:
   *
   * The container's name, as Kubernetes gives it in the
   * `io.kubernetes.cri.container-name` annotation. Empty by default.
   *
   * Since: 1.0
   */
  properties[PROP_CONTAINER_NAME] =
    g_param_spec_string ("container-name", NULL, NULL, "", flags);

  /**
   * SvfsConfig:directfs:
   *
   * Whether host files are accessed directly (runsc's `directfs`).
   * %TRUE by default.
   *
   * Since: 1.0
   */
  properties[PROP_DIRECTFS] =
    g_param_spec_boolean ("directfs", NULL, NULL, TRUE, flags);

  /**
   * SvfsConfig:file-access:
   *
   * How the root filesystem is accessed (`exclusive` or `shared`).
   * %SVFS_FILE_ACCESS_EXCLUSIVE by default.
   *
   * Since: 1.0
   */
  properties[PROP_FILE_ACCESS] =
    g_param_spec_enum ("file-access", NULL, NULL,
                       SVFS_TYPE_FILE_ACCESS, SVFS_FILE_ACCESS_EXCLUSIVE, flags);

  /**
   * SvfsConfig:file-access-mounts:
   *
   * How bind mounts other than the root are accessed (`shared` or
   * `exclusive`). %SVFS_FILE_ACCESS_SHARED by default.
   *
   * Since: 1.0
   */
  properties[PROP_FILE_ACCESS_MOUNTS] =
    g_param_spec_enum ("file-access-mounts", NULL, NULL,
                       SVFS_TYPE_FILE_ACCESS, SVFS_FILE_ACCESS_SHARED, flags);

  /**
   * SvfsConfig:host-fifo:
   *
   * Whether named pipes on the host may be opened (`none` or `open`).
   * %SVFS_HOST_FIFO_NONE by default.
   *
   * Since: 1.0
   */
  properties[PROP_HOST_FIFO] =
    g_param_spec_enum ("host-fifo", NULL, NULL,
                       SVFS_TYPE_HOST_FIFO, SVFS_HOST_FIFO_NONE, flags);

  /**
   * SvfsConfig:nvproxy:
   *
   * Whether NVIDIA GPUs are passed through (runsc's `nvproxy`).
   * %FALSE by default.
   *
   * Since: 1.0
   */
  properties[PROP_NVPROXY] =
    g_param_spec_boolean ("nvproxy", NULL, NULL, FALSE, flags);

  /**
   * SvfsConfig:overlay:
   *
   * runsc's deprecated `overlay` flag: %TRUE stands for `overlay2=all:memory`.
   * It may not be combined with an enabled `overlay2` that was set
   * explicitly (see [method@Svfs.Config.validate]). %FALSE by default.
   *
   * Since: 1.0
   */
  properties[PROP_OVERLAY] =
    g_param_spec_boolean ("overlay", NULL, NULL, FALSE, flags);

  /**
   * SvfsConfig:overlay2:
   *
   * The `overlay2` value in its canonical form: `none`, or
   * `root:<medium>` / `all:<medium>` with the medium `memory`, `self`,
   * `dir=/abs` or empty, optionally followed by `,size=<size>`.
   * `root:memory` by default.
   *
   * This is the value as set; the overlay actually in force, which also
   * depends on [property@Svfs.Config:overlay], is given by
   * [method@Svfs.Config.get_overlay_medium] and the other overlay getters.
   *
   * Since: 1.0
   */
  properties[PROP_OVERLAY2] =
    g_param_spec_string ("overlay2", NULL, NULL, "root:memory", flags);

  /**
   * SvfsConfig:product-name:
   *
   * The product name shown in the container's sysfs
   * (`/sys/devices/virtual/dmi/id/product_name`). Empty by default.
   *
   * Since: 1.0
   */
  properties[PROP_PRODUCT_NAME] =
    g_param_spec_string ("product-name", NULL, NULL, "", flags);

  /**
   * SvfsConfig:sandbox-id:
   *
   * The sandbox's id (runsc's `sandbox-id`). Empty by default.
   *
   * Since: 1.0
   */
  properties[PROP_SANDBOX_ID] =
    g_param_spec_string ("sandbox-id", NULL, NULL, "", flags);

  /**
   * SvfsConfig:tpuproxy:
   *
   * Whether TPUs are passed through (runsc's `tpuproxy`).
   * %FALSE by default.
   *
   * Since: 1.0
   */
  properties[PROP_TPUPROXY] =
    g_param_spec_boolean ("tpuproxy", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
svfs_config_init (SvfsConfig *self)
{
  /* Our default, unlike runsc's root:self: never write to the host. */
  self->overlay2.root = TRUE;
  self->overlay2.medium = SVFS_OVERLAY_MEDIUM_MEMORY;

  self->file_access = SVFS_FILE_ACCESS_EXCLUSIVE;
  self->file_access_mounts = SVFS_FILE_ACCESS_SHARED;
  self->host_fifo = SVFS_HOST_FIFO_NONE;
  self->directfs = TRUE;

  self->product_name = g_strdup ("");
  self->sandbox_id = g_strdup ("");
  self->container_id = g_strdup ("");
  self->container_name = g_strdup ("");
}

/**
 * svfs_config_new:
 *
 * Creates a configuration with every key at its default.
 *
 * Returns: (transfer full): a new #SvfsConfig
 *
 * Since: 1.0
 */
SvfsConfig *
svfs_config_new (void)
{
  return g_object_new (SVFS_TYPE_CONFIG, NULL);
}

/**
 * svfs_config_copy:
 * @self: a #SvfsConfig
 *
 * Makes an independent copy of @self: changing one afterwards does not
 * change the other.
 *
 * Returns: (transfer full): a new #SvfsConfig with the same values
 *
 * Since: 1.0
 */
SvfsConfig *
svfs_config_copy (SvfsConfig *self)
{
  SvfsConfig *copy;

  g_return_val_if_fail (SVFS_IS_CONFIG (self), NULL);

  copy = svfs_config_new ();

  overlay2_clear (&copy->overlay2);
  overlay2_copy (&copy->overlay2, &self->overlay2);
  copy->overlay2_explicit = self->overlay2_explicit;
  copy->overlay = self->overlay;
  copy->file_access = self->file_access;
  copy->file_access_mounts = self->file_access_mounts;
  copy->host_fifo = self->host_fifo;
  copy->directfs = self->directfs;
  copy->nvproxy = self->nvproxy;
  copy->tpuproxy = self->tpuproxy;
  g_free (copy->product_name);
  copy->product_name = g_strdup (self->product_name);
  g_free (copy->sandbox_id);
  copy->sandbox_id = g_strdup (self->sandbox_id);
  g_free (copy->container_id);
  copy->container_id = g_strdup (self->container_id);
  g_free (copy->container_name);
  copy->container_name = g_strdup (self->container_name);

  return copy;
}

static void
set_boolean (SvfsConfig *self,
             gboolean   *field,
             gboolean    value,
             guint       prop_id)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_string (SvfsConfig  *self,
            char       **field,
            const char  *value,
            guint        prop_id)
{
  /* g_set_str() is GLib 2.76. */
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_file_access (SvfsConfig     *self,
                 SvfsFileAccess *field,
                 SvfsFileAccess  value,
                 guint           prop_id)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/**
 * svfs_config_set:
 * @self: a #SvfsConfig
 * @key: a configuration key, one of [func@Svfs.Config.list_keys]
 * @value: the value, in the syntax of the `runsc` flag of the same name
 * @error: return location for a #GError
 *
 * Sets @key to @value after checking @value on its own, with `runsc`'s
 * syntax:
 *
 * - `overlay2`: `none`, or `root:<medium>` / `all:<medium>`, where
 *   `<medium>` is `memory`, `self`, `dir=/absolute/dir` or empty (no
 *   overlay), optionally followed by `,size=<size>` for the size of the
 *   in-memory upper layer (`64m`, `1G`, `50%`). Setting it replaces the
 *   previous value entirely.
 * - `file-access`, `file-access-mounts`: `exclusive` or `shared`.
 * - `host-fifo`: `none` (or empty) or `open`.
 * - `directfs`, `nvproxy`, `tpuproxy`, `overlay`: a boolean as Go's
 *   `strconv.ParseBool` reads it (`1`, `t`, `T`, `TRUE`, `true`, `True`,
 *   `0`, `f`, `F`, `FALSE`, `false`, `False`).
 * - `product-name`, `sandbox-id`, `container-id`, `container-name`: any
 *   text.
 *
 * A bad value or an unknown key fails with %SVFS_ERROR_INVALID_CONFIG and
 * a message that starts with the key (`overlay2: unexpected medium: x`);
 * @self is then unchanged. Combinations of keys are checked by
 * [method@Svfs.Config.validate].
 *
 * Returns: %TRUE if @key was set
 *
 * Since: 1.0
 */
gboolean
svfs_config_set (SvfsConfig  *self,
                 const char  *key,
                 const char  *value,
                 GError     **error)
{
  guint prop_id;
  gboolean b;
  SvfsFileAccess access;
  SvfsHostFifo fifo;

  g_return_val_if_fail (SVFS_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  prop_id = key_to_prop (key);
  if (prop_id == PROP_0)
    {
      set_unknown_key_error (key, error);
      return FALSE;
    }

  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                   "%s: value is not valid UTF-8", key);
      return FALSE;
    }

  switch (prop_id)
    {
    case PROP_CONTAINER_ID:
      set_string (self, &self->container_id, value, prop_id);
      break;

    case PROP_CONTAINER_NAME:
      set_string (self, &self->container_name, value, prop_id);
      break;

    case PROP_PRODUCT_NAME:
      set_string (self, &self->product_name, value, prop_id);
      break;

    case PROP_SANDBOX_ID:
      set_string (self, &self->sandbox_id, value, prop_id);
      break;

    case PROP_DIRECTFS:
      if (!parse_bool (key, value, &b, error))
        return FALSE;
      set_boolean (self, &self->directfs, b, prop_id);
      break;

    case PROP_NVPROXY:
      if (!parse_bool (key, value, &b, error))
        return FALSE;
      set_boolean (self, &self->nvproxy, b, prop_id);
      break;

    case PROP_OVERLAY:
      if (!parse_bool (key, value, &b, error))
        return FALSE;
      set_boolean (self, &self->overlay, b, prop_id);
      break;

    case PROP_TPUPROXY:
      if (!parse_bool (key, value, &b, error))
        return FALSE;
      set_boolean (self, &self->tpuproxy, b, prop_id);
      break;

    case PROP_FILE_ACCESS:
      if (!parse_file_access (key, value, &access, error))
        return FALSE;
      set_file_access (self, &self->file_access, access, prop_id);
      break;

    case PROP_FILE_ACCESS_MOUNTS:
      if (!parse_file_access (key, value, &access, error))
        return FALSE;
      set_file_access (self, &self->file_access_mounts, access, prop_id);
      break;

    case PROP_HOST_FIFO:
      if (!parse_host_fifo (key, value, &fifo, error))
        return FALSE;
      if (self->host_fifo != fifo)
        {
          self->host_fifo = fifo;
          g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
        }
      break;

    case PROP_OVERLAY2:
      {
        Overlay2 parsed;
        g_autofree char *before = NULL;
        g_autofree char *after = NULL;

        if (!overlay2_parse (value, &parsed, error))
          return FALSE;

        /* Unlike runsc, the new value replaces the old one entirely:
         * `root:…` after `all:…` really turns the sub-mount overlay off. */
        before = overlay2_to_string (&self->overlay2);
        overlay2_clear (&self->overlay2);
        self->overlay2 = parsed;
        self->overlay2_explicit = TRUE;
        after = overlay2_to_string (&self->overlay2);
        if (!g_str_equal (before, after))
          g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  return TRUE;
}

/**
 * svfs_config_dup_value:
 * @self: a #SvfsConfig
 * @key: a configuration key, one of [func@Svfs.Config.list_keys]
 * @error: return location for a #GError
 *
 * Gives the value of @key in its canonical form: `none`, `root:memory` or
 * `all:dir=/x` for `overlay2`, `true` or `false` for booleans, `exclusive`
 * or `shared` for the file access modes, `none` or `open` for `host-fifo`,
 * the text itself for the others. Setting @key to this value again does
 * not change @self.
 *
 * An unknown key fails with %SVFS_ERROR_INVALID_CONFIG.
 *
 * Returns: (transfer full): the value of @key
 *
 * Since: 1.0
 */
char *
svfs_config_dup_value (SvfsConfig  *self,
                       const char  *key,
                       GError     **error)
{
  guint prop_id;

  g_return_val_if_fail (SVFS_IS_CONFIG (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  prop_id = key_to_prop (key);
  switch (prop_id)
    {
    case PROP_CONTAINER_ID:
      return g_strdup (self->container_id);
    case PROP_CONTAINER_NAME:
      return g_strdup (self->container_name);
    case PROP_DIRECTFS:
      return g_strdup (bool_to_string (self->directfs));
    case PROP_FILE_ACCESS:
      return g_strdup (file_access_to_string (self->file_access));
    case PROP_FILE_ACCESS_MOUNTS:
      return g_strdup (file_access_to_string (self->file_access_mounts));
    case PROP_HOST_FIFO:
      return g_strdup (self->host_fifo == SVFS_HOST_FIFO_OPEN ? "open" : "none");
    case PROP_NVPROXY:
      return g_strdup (bool_to_string (self->nvproxy));
    case PROP_OVERLAY:
      return g_strdup (bool_to_string (self->overlay));
    case PROP_OVERLAY2:
      return overlay2_to_string (&self->overlay2);
    case PROP_PRODUCT_NAME:
      return g_strdup (self->product_name);
    case PROP_SANDBOX_ID:
      return g_strdup (self->sandbox_id);
    case PROP_TPUPROXY:
      return g_strdup (bool_to_string (self->tpuproxy));
    default:
      set_unknown_key_error (key, error);
      return NULL;
    }
}

/**
 * svfs_config_list_keys:
 *
 * Lists the keys [method@Svfs.Config.set] accepts, sorted bytewise.
 * Besides the keys of the contract this includes `overlay`, runsc's
 * deprecated boolean.
 *
 * Returns: (array zero-terminated=1) (transfer none): the keys
 *
 * Since: 1.0
 */
const char * const *
svfs_config_list_keys (void)
{
  return config_keys;
}

/**
 * svfs_config_validate:
 * @self: a #SvfsConfig
 * @error: return location for a #GError
 *
 * Checks the combinations of keys that `runsc` refuses, failing with
 * %SVFS_ERROR_INVALID_CONFIG:
 *
 * - `overlay=true` together with an enabled `overlay2` that was set
 *   explicitly: "overlay flag has been replaced with overlay2 flag". The
 *   default `overlay2` does not count, so `overlay=true` alone means
 *   `all:memory`; so does `overlay=true` with `overlay2=none`.
 * - `file-access=shared` with any overlay enabled (including the default
 *   `root:memory`): "overlay flag is incompatible with shared file access
 *   for rootfs". Set `overlay2` to `none` to use shared file access.
 *
 * Returns: %TRUE if the combination is valid
 *
 * Since: 1.0
 */
gboolean
svfs_config_validate (SvfsConfig  *self,
                      GError     **error)
{
  g_return_val_if_fail (SVFS_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->overlay && self->overlay2_explicit &&
      overlay2_enabled (&self->overlay2))
    {
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                           "overlay flag has been replaced with overlay2 flag");
      return FALSE;
    }

  if (self->file_access == SVFS_FILE_ACCESS_SHARED &&
      overlay2_enabled (svfs_config_effective_overlay (self)))
    {
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                           "overlay flag is incompatible with shared file access for rootfs");
      return FALSE;
    }

  return TRUE;
}

/**
 * svfs_config_get_overlay_medium:
 * @self: a #SvfsConfig
 *
 * Gives the medium of the overlay in force: the one of `overlay2`, or
 * %SVFS_OVERLAY_MEDIUM_MEMORY when the deprecated `overlay` flag is on and
 * `overlay2` was not explicitly set to an enabled overlay.
 * %SVFS_OVERLAY_MEDIUM_NONE means no overlay at all.
 *
 * Returns: the overlay medium
 *
 * Since: 1.0
 */
SvfsOverlayMedium
svfs_config_get_overlay_medium (SvfsConfig *self)
{
  const Overlay2 *o;

  g_return_val_if_fail (SVFS_IS_CONFIG (self), SVFS_OVERLAY_MEDIUM_NONE);

  o = svfs_config_effective_overlay (self);
  return overlay2_enabled (o) ? o->medium : SVFS_OVERLAY_MEDIUM_NONE;
}

/**
 * svfs_config_get_overlay_root:
 * @self: a #SvfsConfig
 *
 * Whether the root filesystem gets an overlay (`root:<medium>` or
 * `all:<medium>` with a non-empty medium).
 *
 * Returns: %TRUE if the rootfs is overlaid
 *
 * Since: 1.0
 */
gboolean
svfs_config_get_overlay_root (SvfsConfig *self)
{
  const Overlay2 *o;

  g_return_val_if_fail (SVFS_IS_CONFIG (self), FALSE);

  o = svfs_config_effective_overlay (self);
  return o->root && overlay2_enabled (o);
}

/**
 * svfs_config_get_overlay_submounts:
 * @self: a #SvfsConfig
 *
 * Whether bind mounts other than the root get an overlay too
 * (`all:<medium>` with a non-empty medium, or the deprecated `overlay`).
 *
 * Returns: %TRUE if sub-mounts are overlaid
 *
 * Since: 1.0
 */
gboolean
svfs_config_get_overlay_submounts (SvfsConfig *self)
{
  const Overlay2 *o;

  g_return_val_if_fail (SVFS_IS_CONFIG (self), FALSE);

  o = svfs_config_effective_overlay (self);
  return o->submounts && overlay2_enabled (o);
}

/**
 * svfs_config_get_overlay_dir:
 * @self: a #SvfsConfig
 *
 * Gives the directory of a `dir=` overlay medium.
 *
 * Returns: (nullable): the absolute directory holding the upper layers,
 *   or %NULL when the medium is not %SVFS_OVERLAY_MEDIUM_DIR
 *
 * Since: 1.0
 */
const char *
svfs_config_get_overlay_dir (SvfsConfig *self)
{
  const Overlay2 *o;

  g_return_val_if_fail (SVFS_IS_CONFIG (self), NULL);

  o = svfs_config_effective_overlay (self);
  return o->medium == SVFS_OVERLAY_MEDIUM_DIR ? o->dir : NULL;
}

/**
 * svfs_config_get_overlay_size:
 * @self: a #SvfsConfig
 *
 * Gives the size limit of the overlays' in-memory upper layers, from the
 * `,size=` suffix of `overlay2`, as written there (`64m`, `50%`). Each
 * memory upper is then a tmpfs of its own of that size; on-disk uppers
 * (`self`, `dir=`) have none, and the plan warns that it is ignored.
 *
 * Returns: (nullable): the size, or %NULL when none was given or no
 *   overlay is enabled
 *
 * Since: 1.0
 */
const char *
svfs_config_get_overlay_size (SvfsConfig *self)
{
  const Overlay2 *o;

  g_return_val_if_fail (SVFS_IS_CONFIG (self), NULL);

  o = svfs_config_effective_overlay (self);
  return overlay2_enabled (o) ? o->size : NULL;
}

/**
 * svfs_config_get_file_access:
 * @self: a #SvfsConfig
 *
 * Gives the value of [property@Svfs.Config:file-access].
 *
 * Returns: how the root filesystem is accessed
 *
 * Since: 1.0
 */
SvfsFileAccess
svfs_config_get_file_access (SvfsConfig *self)
{
  g_return_val_if_fail (SVFS_IS_CONFIG (self), SVFS_FILE_ACCESS_EXCLUSIVE);

  return self->file_access;
}

/**
 * svfs_config_get_file_access_mounts:
 * @self: a #SvfsConfig
 *
 * Gives the value of [property@Svfs.Config:file-access-mounts].
 *
 * Returns: how bind mounts other than the root are accessed
 *
 * Since: 1.0
 */
SvfsFileAccess
svfs_config_get_file_access_mounts (SvfsConfig *self)
{
  g_return_val_if_fail (SVFS_IS_CONFIG (self), SVFS_FILE_ACCESS_SHARED);

  return self->file_access_mounts;
}

/**
 * svfs_config_get_host_fifo:
 * @self: a #SvfsConfig
 *
 * Gives the value of [property@Svfs.Config:host-fifo].
 *
 * Returns: whether host named pipes may be opened
 *
 * Since: 1.0
 */
SvfsHostFifo
svfs_config_get_host_fifo (SvfsConfig *self)
{
  g_return_val_if_fail (SVFS_IS_CONFIG (self), SVFS_HOST_FIFO_NONE);

  return self->host_fifo;
}

/**
 * svfs_config_get_directfs:
 * @self: a #SvfsConfig
 *
 * Gives the value of [property@Svfs.Config:directfs].
 *
 * Returns: whether directfs is on
 *
 * Since: 1.0
 */
gboolean
svfs_config_get_directfs (SvfsConfig *self)
{
  g_return_val_if_fail (SVFS_IS_CONFIG (self), TRUE);

  return self->directfs;
}

/**
 * svfs_config_get_nvproxy:
 * @self: a #SvfsConfig
 *
 * Gives the value of [property@Svfs.Config:nvproxy].
 *
 * Returns: whether NVIDIA GPUs are passed through
 *
 * Since: 1.0
 */
gboolean
svfs_config_get_nvproxy (SvfsConfig *self)
{
  g_return_val_if_fail (SVFS_IS_CONFIG (self), FALSE);

  return self->nvproxy;
}

/**
 * svfs_config_get_tpuproxy:
 * @self: a #SvfsConfig
 *
 * Gives the value of [property@Svfs.Config:tpuproxy].
 *
 * Returns: whether TPUs are passed through
 *
 * Since: 1.0
 */
gboolean
svfs_config_get_tpuproxy (SvfsConfig *self)
{
  g_return_val_if_fail (SVFS_IS_CONFIG (self), FALSE);

  return self->tpuproxy;
}

/**
 * svfs_config_get_product_name:
 * @self: a #SvfsConfig
 *
 * Gives the value of [property@Svfs.Config:product-name].
 *
 * Returns: (transfer none): the product name, possibly empty
 *
 * Since: 1.0
 */
const char *
svfs_config_get_product_name (SvfsConfig *self)
{
  g_return_val_if_fail (SVFS_IS_CONFIG (self), NULL);

  return self->product_name;
}

/**
 * svfs_config_get_sandbox_id:
 * @self: a #SvfsConfig
 *
 * Gives the value of [property@Svfs.Config:sandbox-id].
 *
 * Returns: (transfer none): the sandbox id, possibly empty
 *
 * Since: 1.0
 */
const char *
svfs_config_get_sandbox_id (SvfsConfig *self)
{
  g_return_val_if_fail (SVFS_IS_CONFIG (self), NULL);

  return self->sandbox_id;
}

/**
 * svfs_config_get_container_id:
 * @self: a #SvfsConfig
 *
 * Gives the value of [property@Svfs.Config:container-id].
 *
 * Returns: (transfer none): the container id, possibly empty
 *
 * Since: 1.0
 */
const char *
svfs_config_get_container_id (SvfsConfig *self)
{
  g_return_val_if_fail (SVFS_IS_CONFIG (self), NULL);

  return self->container_id;
}

/**
 * svfs_config_get_container_name:
 * @self: a #SvfsConfig
 *
 * Gives the value of [property@Svfs.Config:container-name].
 *
 * Returns: (transfer none): the container name, possibly empty
 *
 * Since: 1.0
 */
const char *
svfs_config_get_container_name (SvfsConfig *self)
{
  g_return_val_if_fail (SVFS_IS_CONFIG (self), NULL);

  return self->container_name;
}
