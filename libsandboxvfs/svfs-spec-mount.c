/* svfs-spec-mount.c: one entry of a spec's "mounts" array
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "svfs-spec-private.h"
#include "svfs-spec-mount.h"

/**
 * SvfsSpecMount:
 *
 * One entry of the `mounts` array of an OCI runtime spec, as written in
 * the spec: the destination is not cleaned and the type is not yet
 * interpreted (that is the mounter's job).
 *
 * Since: 1.0
 */
struct _SvfsSpecMount
{
  GObject   parent_instance;

  guint     index;
  char     *destination;
  char     *fs_type;
  char     *source;
  char    **options;
};

enum {
  PROP_0,
  PROP_INDEX,
  PROP_DESTINATION,
  PROP_FS_TYPE,
  PROP_SOURCE,
  PROP_OPTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SvfsSpecMount, svfs_spec_mount, G_TYPE_OBJECT)

static void
svfs_spec_mount_finalize (GObject *object)
{
  SvfsSpecMount *self = SVFS_SPEC_MOUNT (object);

  g_clear_pointer (&self->destination, g_free);
  g_clear_pointer (&self->fs_type, g_free);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->options, g_strfreev);

  G_OBJECT_CLASS (svfs_spec_mount_parent_class)->finalize (object);
}

static void
svfs_spec_mount_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SvfsSpecMount *self = SVFS_SPEC_MOUNT (object);

  switch (prop_id)
    {
    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;
    case PROP_DESTINATION:
      g_value_set_string (value, self->destination);
      break;
    case PROP_FS_TYPE:
      g_value_set_string (value, self->fs_type);
      break;
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_OPTIONS:
      g_value_set_boxed (value, self->options);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
svfs_spec_mount_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SvfsSpecMount *self = SVFS_SPEC_MOUNT (object);

  /* All construct-only: NULL strings become "" so readers never check. */
  switch (prop_id)
    {
    case PROP_INDEX:
      self->index = g_value_get_uint (value);
      break;
    case PROP_DESTINATION:
      g_free (self->destination);
      self->destination = g_strdup (g_value_get_string (value) ?: "");
      break;
    case PROP_FS_TYPE:
      g_free (self->fs_type);
      self->fs_type = g_strdup (g_value_get_string (value) ?: "");
      break;
    case PROP_SOURCE:
      g_free (self->source);
      self->source = g_strdup (g_value_get_string (value) ?: "");
      break;
    case PROP_OPTIONS:
      {
        const char * const *options = g_value_get_boxed (value);

        g_strfreev (self->options);
        self->options = options != NULL ? g_strdupv ((char **) options)
                                        : g_new0 (char *, 1);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
svfs_spec_mount_class_init (SvfsSpecMountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = svfs_spec_mount_finalize;
  object_class->get_property = svfs_spec_mount_get_property;
  object_class->set_property = svfs_spec_mount_set_property;

  /**
   * SvfsSpecMount:index:
   *
   * The position of this mount in the spec's `mounts` array.
   *
   * Since: 1.0
   */
  properties[PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_STATIC_STRINGS);

  /**
   * SvfsSpecMount:destination:
   *
   * The mount's `destination`, as written in the spec (not cleaned).
   *
   * Since: 1.0
   */
  properties[PROP_DESTINATION] =
    g_param_spec_string ("destination", NULL, NULL,
                         "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * SvfsSpecMount:fs-type:
   *
   * The mount's `type`, or the empty string when the spec has none.
   *
   * Since: 1.0
   */
  properties[PROP_FS_TYPE] =
    g_param_spec_string ("fs-type", NULL, NULL,
                         "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * SvfsSpecMount:source:
   *
   * The mount's `source`, or the empty string when the spec has none.
   *
   * Since: 1.0
   */
  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL,
                         "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * SvfsSpecMount:options:
   *
   * The mount's `options`, in spec order; an empty vector when it has none.
   *
   * Since: 1.0
   */
  properties[PROP_OPTIONS] =
    g_param_spec_boxed ("options", NULL, NULL,
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
svfs_spec_mount_init (SvfsSpecMount *self)
{
}

/**
 * svfs_spec_mount_new:
 * @destination: where the mount goes in the container
 * @fs_type: (nullable): the filesystem type, or %NULL for none
 * @source: (nullable): the mount source, or %NULL for none
 * @options: (nullable) (array zero-terminated=1): the mount options, or %NULL
 *
 * Creates a spec mount by hand, as if it were the first entry of a spec's
 * `mounts` array.
 *
 * Returns: (transfer full): a new #SvfsSpecMount
 *
 * Since: 1.0
 */
SvfsSpecMount *
svfs_spec_mount_new (const char         *destination,
                     const char         *fs_type,
                     const char         *source,
                     const char * const *options)
{
  g_return_val_if_fail (destination != NULL, NULL);

  return g_object_new (SVFS_TYPE_SPEC_MOUNT,
                       "destination", destination,
                       "fs-type", fs_type,
                       "source", source,
                       "options", options,
                       NULL);
}

SvfsSpecMount *
svfs_spec_mount_new_from_json (JsonObject *object,
                               guint       index)
{
  g_auto(GStrv) options =
    svfs_json_array_dup_strv (svfs_json_get_array_member (object, "options"));

  return g_object_new (SVFS_TYPE_SPEC_MOUNT,
                       "index", index,
                       "destination", svfs_json_get_string_member (object, "destination", ""),
                       "fs-type", svfs_json_get_string_member (object, "type", ""),
                       "source", svfs_json_get_string_member (object, "source", ""),
                       "options", options,
                       NULL);
}

/**
 * svfs_spec_mount_get_index:
 * @self: a #SvfsSpecMount
 *
 * Gets the position of this mount in the spec's `mounts` array.
 *
 * Returns: the index, from 0
 *
 * Since: 1.0
 */
guint
svfs_spec_mount_get_index (SvfsSpecMount *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC_MOUNT (self), 0);

  return self->index;
}

/**
 * svfs_spec_mount_get_destination:
 * @self: a #SvfsSpecMount
 *
 * Gets the destination as written in the spec.
 *
 * Returns: (transfer none): the destination
 *
 * Since: 1.0
 */
const char *
svfs_spec_mount_get_destination (SvfsSpecMount *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC_MOUNT (self), NULL);

  return self->destination;
}

/**
 * svfs_spec_mount_get_fs_type:
 * @self: a #SvfsSpecMount
 *
 * Gets the spec's `type` for this mount.
 *
 * Returns: (transfer none): the type, or the empty string when absent
 *
 * Since: 1.0
 */
const char *
svfs_spec_mount_get_fs_type (SvfsSpecMount *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC_MOUNT (self), NULL);

  return self->fs_type;
}

/**
 * svfs_spec_mount_get_source:
 * @self: a #SvfsSpecMount
 *
 * Gets the spec's `source` for this mount, as written (a relative source
 * is not resolved).
 *
 * Returns: (transfer none): the source, or the empty string when absent
 *
 * Since: 1.0
 */
const char *
svfs_spec_mount_get_source (SvfsSpecMount *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC_MOUNT (self), NULL);

  return self->source;
}

/**
 * svfs_spec_mount_get_options:
 * @self: a #SvfsSpecMount
 *
 * Gets the mount options in spec order.
 *
 * Returns: (transfer none) (array zero-terminated=1): the options; an
 *   empty vector when there are none
 *
 * Since: 1.0
 */
const char * const *
svfs_spec_mount_get_options (SvfsSpecMount *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC_MOUNT (self), NULL);

  return (const char * const *) self->options;
}

/**
 * svfs_spec_mount_has_option:
 * @self: a #SvfsSpecMount
 * @option: an option, such as `rbind`
 *
 * Checks whether @option is one of the mount's options (an exact match).
 *
 * Returns: %TRUE if the mount has @option
 *
 * Since: 1.0
 */
gboolean
svfs_spec_mount_has_option (SvfsSpecMount *self,
                            const char    *option)
{
  g_return_val_if_fail (SVFS_IS_SPEC_MOUNT (self), FALSE);
  g_return_val_if_fail (option != NULL, FALSE);

  return g_strv_contains ((const char * const *) self->options, option);
}
