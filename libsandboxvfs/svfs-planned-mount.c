/* svfs-planned-mount.c: one mount of a compiled plan
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "svfs-enums.h"
#include "svfs-planned-mount-private.h"

/**
 * SvfsPlannedMount:
 *
 * One mount of an [class@Svfs.MountPlan]: where it goes, what it is, with
 * which filesystem data and flags. Planned mounts are immutable; the
 * compiler makes them.
 *
 * Since: 1.0
 */

G_DEFINE_FINAL_TYPE (SvfsPlannedMount, svfs_planned_mount, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DESTINATION,
  PROP_FS_TYPE,
  PROP_SOURCE,
  PROP_DATA,
  PROP_FLAGS,
  PROP_READONLY,
  PROP_RECURSIVE,
  PROP_PROPAGATION,
  PROP_OVERLAY_MEDIUM,
  PROP_OVERLAY_DIR,
  PROP_SHARED,
  PROP_TMPCOPYUP,
  PROP_SPEC_INDEX,
  PROP_SOURCE_FD_INDEX,
  PROP_SKIP_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Alphabetical, the order the plan JSON lists flags in. */
static const struct {
  SvfsMountFlags flag;
  const char *name;
} flag_names[] = {
  { SVFS_MOUNT_FLAGS_NOATIME, "noatime" },
  { SVFS_MOUNT_FLAGS_NODEV, "nodev" },
  { SVFS_MOUNT_FLAGS_NODIRATIME, "nodiratime" },
  { SVFS_MOUNT_FLAGS_NOEXEC, "noexec" },
  { SVFS_MOUNT_FLAGS_NOSUID, "nosuid" },
  { SVFS_MOUNT_FLAGS_RELATIME, "relatime" },
  { SVFS_MOUNT_FLAGS_RDONLY, "ro" },
  { SVFS_MOUNT_FLAGS_STRICTATIME, "strictatime" },
};

void
svfs_mount_flags_append_strings (SvfsMountFlags  flags,
                                 GPtrArray      *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (flags & flag_names[i].flag)
      g_ptr_array_add (out, (gpointer) flag_names[i].name);
}

const char *
svfs_overlay_medium_to_string (SvfsOverlayMedium medium)
{
  switch (medium)
    {
    case SVFS_OVERLAY_MEDIUM_MEMORY:
      return "memory";
    case SVFS_OVERLAY_MEDIUM_SELF:
      return "self";
    case SVFS_OVERLAY_MEDIUM_ANON:
      return "anon";
    case SVFS_OVERLAY_MEDIUM_DIR:
      return "dir";
    case SVFS_OVERLAY_MEDIUM_NONE:
    default:
      return NULL;
    }
}

const char *
svfs_propagation_to_string (SvfsPropagation propagation)
{
  static const char *names[] = {
    [SVFS_PROPAGATION_DEFAULT] = NULL,
    [SVFS_PROPAGATION_PRIVATE] = "private",
    [SVFS_PROPAGATION_RPRIVATE] = "rprivate",
    [SVFS_PROPAGATION_SLAVE] = "slave",
    [SVFS_PROPAGATION_RSLAVE] = "rslave",
    [SVFS_PROPAGATION_SHARED] = "shared",
    [SVFS_PROPAGATION_RSHARED] = "rshared",
    [SVFS_PROPAGATION_UNBINDABLE] = "unbindable",
    [SVFS_PROPAGATION_RUNBINDABLE] = "runbindable",
  };

  if ((guint) propagation >= G_N_ELEMENTS (names))
    return NULL;
  return names[propagation];
}

SvfsPlannedMount *
svfs_planned_mount_new (void)
{
  return g_object_new (SVFS_TYPE_PLANNED_MOUNT, NULL);
}

static void
svfs_planned_mount_finalize (GObject *object)
{
  SvfsPlannedMount *self = SVFS_PLANNED_MOUNT (object);

  g_free (self->destination);
  g_free (self->fs_type);
  g_free (self->source);
  g_free (self->data);
  g_free (self->overlay_dir);
  g_free (self->overlay_size);
  g_free (self->shared);
  g_free (self->skip_reason);

  G_OBJECT_CLASS (svfs_planned_mount_parent_class)->finalize (object);
}

static void
svfs_planned_mount_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SvfsPlannedMount *self = SVFS_PLANNED_MOUNT (object);

  switch (prop_id)
    {
    case PROP_DESTINATION:
      g_value_set_string (value, self->destination);
      break;
    case PROP_FS_TYPE:
      g_value_set_string (value, self->fs_type);
      break;
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_DATA:
      g_value_set_string (value, svfs_planned_mount_get_data (self));
      break;
    case PROP_FLAGS:
      g_value_set_flags (value, self->flags);
      break;
    case PROP_READONLY:
      g_value_set_boolean (value, svfs_planned_mount_get_readonly (self));
      break;
    case PROP_RECURSIVE:
      g_value_set_boolean (value, self->recursive);
      break;
    case PROP_PROPAGATION:
      g_value_set_enum (value, self->propagation);
      break;
    case PROP_OVERLAY_MEDIUM:
      g_value_set_enum (value, self->overlay_medium);
      break;
    case PROP_OVERLAY_DIR:
      g_value_set_string (value, self->overlay_dir);
      break;
    case PROP_SHARED:
      g_value_set_string (value, self->shared);
      break;
    case PROP_TMPCOPYUP:
      g_value_set_boolean (value, self->tmpcopyup);
      break;
    case PROP_SPEC_INDEX:
      g_value_set_int (value, self->spec_index);
      break;
    case PROP_SOURCE_FD_INDEX:
      g_value_set_int (value, self->source_fd_index);
      break;
    case PROP_SKIP_REASON:
      g_value_set_string (value, self->skip_reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
svfs_planned_mount_class_init (SvfsPlannedMountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = svfs_planned_mount_finalize;
  object_class->get_property = svfs_planned_mount_get_property;

  /**
   * SvfsPlannedMount:destination:
   *
   * The cleaned absolute path inside the container.
   *
   * Since: 1.0
   */
  properties[PROP_DESTINATION] = g_param_spec_string ("destination", NULL, NULL, NULL, ro);
  /**
   * SvfsPlannedMount:fs-type:
   *
   * The filesystem type: `bind`, `tmpfs`, `proc`, `sysfs`, `dev`, `devpts`,
   * `mqueue`, `cgroup`, `cgroup2`, `erofs` or a registered custom type.
   *
   * Since: 1.0
   */
  properties[PROP_FS_TYPE] = g_param_spec_string ("fs-type", NULL, NULL, NULL, ro);
  /**
   * SvfsPlannedMount:source:
   *
   * The source: an absolute host path for bind mounts and erofs images,
   * otherwise the spec's label (`proc`, `tmpfs`, …).
   *
   * Since: 1.0
   */
  properties[PROP_SOURCE] = g_param_spec_string ("source", NULL, NULL, NULL, ro);
  /**
   * SvfsPlannedMount:data:
   *
   * The filesystem data string, options in spec order joined by `,`.
   *
   * Since: 1.0
   */
  properties[PROP_DATA] = g_param_spec_string ("data", NULL, NULL, "", ro);
  /**
   * SvfsPlannedMount:flags:
   *
   * The generic mount flags in force.
   *
   * Since: 1.0
   */
  properties[PROP_FLAGS] = g_param_spec_flags ("flags", NULL, NULL, SVFS_TYPE_MOUNT_FLAGS,
                                               SVFS_MOUNT_FLAGS_NONE, ro);
  /**
   * SvfsPlannedMount:readonly:
   *
   * Whether the mount is read-only.
   *
   * Since: 1.0
   */
  properties[PROP_READONLY] = g_param_spec_boolean ("readonly", NULL, NULL, FALSE, ro);
  /**
   * SvfsPlannedMount:recursive:
   *
   * Whether a bind mount takes the mounts below its source (`rbind`).
   *
   * Since: 1.0
   */
  properties[PROP_RECURSIVE] = g_param_spec_boolean ("recursive", NULL, NULL, FALSE, ro);
  /**
   * SvfsPlannedMount:propagation:
   *
   * The propagation the spec asks for.
   *
   * Since: 1.0
   */
  properties[PROP_PROPAGATION] = g_param_spec_enum ("propagation", NULL, NULL, SVFS_TYPE_PROPAGATION,
                                                    SVFS_PROPAGATION_DEFAULT, ro);
  /**
   * SvfsPlannedMount:overlay-medium:
   *
   * Where the writable layer of an overlay on this mount lives, or
   * %SVFS_OVERLAY_MEDIUM_NONE for no overlay.
   *
   * Since: 1.0
   */
  properties[PROP_OVERLAY_MEDIUM] = g_param_spec_enum ("overlay-medium", NULL, NULL,
                                                       SVFS_TYPE_OVERLAY_MEDIUM,
                                                       SVFS_OVERLAY_MEDIUM_NONE, ro);
  /**
   * SvfsPlannedMount:overlay-dir:
   *
   * The host directory of a `dir=` overlay medium, or %NULL.
   *
   * Since: 1.0
   */
  properties[PROP_OVERLAY_DIR] = g_param_spec_string ("overlay-dir", NULL, NULL, NULL, ro);
  /**
   * SvfsPlannedMount:shared:
   *
   * The pod mount hint name when this is a shared (pod) mount, else %NULL.
   *
   * Since: 1.0
   */
  properties[PROP_SHARED] = g_param_spec_string ("shared", NULL, NULL, NULL, ro);
  /**
   * SvfsPlannedMount:tmpcopyup:
   *
   * Whether a tmpfs starts with a copy of the directory it covers.
   *
   * Since: 1.0
   */
  properties[PROP_TMPCOPYUP] = g_param_spec_boolean ("tmpcopyup", NULL, NULL, FALSE, ro);
  /**
   * SvfsPlannedMount:spec-index:
   *
   * The index of the spec mount this comes from, or -1 for a mount the
   * compiler added (mandatory mounts, auto-/tmp).
   *
   * Since: 1.0
   */
  properties[PROP_SPEC_INDEX] = g_param_spec_int ("spec-index", NULL, NULL, -1, G_MAXINT, -1, ro);
  /**
   * SvfsPlannedMount:source-fd-index:
   *
   * The index of the source file descriptor this mount takes (0 is the
   * rootfs, bind sources follow in spec order), or -1.
   *
   * Since: 1.0
   */
  properties[PROP_SOURCE_FD_INDEX] = g_param_spec_int ("source-fd-index", NULL, NULL,
                                                       -1, G_MAXINT, -1, ro);
  /**
   * SvfsPlannedMount:skip-reason:
   *
   * Why the compiler skipped this spec mount, or %NULL for a planned one.
   *
   * Since: 1.0
   */
  properties[PROP_SKIP_REASON] = g_param_spec_string ("skip-reason", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
svfs_planned_mount_init (SvfsPlannedMount *self)
{
  self->spec_index = -1;
  self->source_fd_index = -1;
}

/**
 * svfs_planned_mount_get_destination:
 * @self: a planned mount
 *
 * Gets where the mount goes in the container: the cleaned absolute path.
 *
 * Returns: (transfer none): the cleaned destination
 *
 * Since: 1.0
 */
const char *
svfs_planned_mount_get_destination (SvfsPlannedMount *self)
{
  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), NULL);
  return self->destination;
}

/**
 * svfs_planned_mount_get_fs_type:
 * @self: a planned mount
 *
 * Gets the filesystem type of the mount (`bind`, `tmpfs`, `proc`, …).
 *
 * Returns: (transfer none): the filesystem type
 *
 * Since: 1.0
 */
const char *
svfs_planned_mount_get_fs_type (SvfsPlannedMount *self)
{
  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), NULL);
  return self->fs_type;
}

/**
 * svfs_planned_mount_get_source:
 * @self: a planned mount
 *
 * Gets the source of the mount: an absolute host path for a bind mount,
 * the spec's source string otherwise.
 *
 * Returns: (transfer none): the source
 *
 * Since: 1.0
 */
const char *
svfs_planned_mount_get_source (SvfsPlannedMount *self)
{
  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), NULL);
  return self->source;
}

/**
 * svfs_planned_mount_get_data:
 * @self: a planned mount
 *
 * Gets the filesystem data string: the data options in spec order,
 * joined by `,`.
 *
 * Returns: (transfer none): the filesystem data, `""` when there is none
 *
 * Since: 1.0
 */
const char *
svfs_planned_mount_get_data (SvfsPlannedMount *self)
{
  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), NULL);
  return self->data != NULL ? self->data : "";
}

/**
 * svfs_planned_mount_get_flags:
 * @self: a planned mount
 *
 * Gets the generic mount flags (`ro`, `nosuid`, …) in force for the mount.
 *
 * Returns: the generic mount flags in force
 *
 * Since: 1.0
 */
SvfsMountFlags
svfs_planned_mount_get_flags (SvfsPlannedMount *self)
{
  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), 0);
  return self->flags;
}

/**
 * svfs_planned_mount_dup_flags_string:
 * @self: a planned mount
 *
 * Gives the flags as the plan JSON lists them, joined by `,`, e.g.
 * `nodev,noexec,nosuid,ro`.
 *
 * Returns: (transfer full): the flags, `""` when none is set
 *
 * Since: 1.0
 */
char *
svfs_planned_mount_dup_flags_string (SvfsPlannedMount *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), NULL);

  svfs_mount_flags_append_strings (self->flags, names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

/**
 * svfs_planned_mount_get_readonly:
 * @self: a planned mount
 *
 * Gets whether the mount is read-only.
 *
 * Returns: whether the mount is read-only
 *
 * Since: 1.0
 */
gboolean
svfs_planned_mount_get_readonly (SvfsPlannedMount *self)
{
  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), FALSE);
  return (self->flags & SVFS_MOUNT_FLAGS_RDONLY) != 0;
}

/**
 * svfs_planned_mount_get_recursive:
 * @self: a planned mount
 *
 * Gets whether a bind mount takes the submounts of its source too.
 *
 * Returns: whether a bind mount is recursive (`rbind`)
 *
 * Since: 1.0
 */
gboolean
svfs_planned_mount_get_recursive (SvfsPlannedMount *self)
{
  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), FALSE);
  return self->recursive;
}

/**
 * svfs_planned_mount_get_propagation:
 * @self: a planned mount
 *
 * Gets the mount propagation the spec asks for.
 *
 * Returns: the propagation the spec asks for
 *
 * Since: 1.0
 */
SvfsPropagation
svfs_planned_mount_get_propagation (SvfsPlannedMount *self)
{
  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), SVFS_PROPAGATION_DEFAULT);
  return self->propagation;
}

/**
 * svfs_planned_mount_get_overlay_medium:
 * @self: a planned mount
 *
 * Gets where the overlay on the mount keeps its upper layer.
 *
 * Returns: the overlay medium, %SVFS_OVERLAY_MEDIUM_NONE without overlay
 *
 * Since: 1.0
 */
SvfsOverlayMedium
svfs_planned_mount_get_overlay_medium (SvfsPlannedMount *self)
{
  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), SVFS_OVERLAY_MEDIUM_NONE);
  return self->overlay_medium;
}

/**
 * svfs_planned_mount_get_overlay_dir:
 * @self: a planned mount
 *
 * Gets the host directory of a `dir=/abs` overlay.
 *
 * Returns: (transfer none) (nullable): the directory of a `dir=` overlay
 *
 * Since: 1.0
 */
const char *
svfs_planned_mount_get_overlay_dir (SvfsPlannedMount *self)
{
  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), NULL);
  return self->overlay_dir;
}

/**
 * svfs_planned_mount_get_shared:
 * @self: a planned mount
 *
 * Gets the name of the pod mount hint that makes this a shared mount.
 *
 * Returns: (transfer none) (nullable): the pod mount hint name of a shared
 *   mount
 *
 * Since: 1.0
 */
const char *
svfs_planned_mount_get_shared (SvfsPlannedMount *self)
{
  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), NULL);
  return self->shared;
}

/**
 * svfs_planned_mount_get_tmpcopyup:
 * @self: a planned mount
 *
 * Gets whether a tmpfs is filled with a copy of the directory it covers
 * (`tmpcopyup`).
 *
 * Returns: whether the tmpfs starts with a copy of what it covers
 *
 * Since: 1.0
 */
gboolean
svfs_planned_mount_get_tmpcopyup (SvfsPlannedMount *self)
{
  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), FALSE);
  return self->tmpcopyup;
}

/**
 * svfs_planned_mount_get_spec_index:
 * @self: a planned mount
 *
 * Gets the position of the mount in the spec's `mounts` array.
 *
 * Returns: the index in the spec's `mounts`, or -1 for an added mount
 *
 * Since: 1.0
 */
int
svfs_planned_mount_get_spec_index (SvfsPlannedMount *self)
{
  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), -1);
  return self->spec_index;
}

/**
 * svfs_planned_mount_get_source_fd_index:
 * @self: a planned mount
 *
 * Gets which source file descriptor the mount takes when sources are
 * given as fds.
 *
 * Returns: the index of the source fd this mount takes, or -1
 *
 * Since: 1.0
 */
int
svfs_planned_mount_get_source_fd_index (SvfsPlannedMount *self)
{
  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), -1);
  return self->source_fd_index;
}

/**
 * svfs_planned_mount_get_skip_reason:
 * @self: a planned mount
 *
 * Gets why the compiler skipped the mount.
 *
 * Returns: (transfer none) (nullable): why the mount was skipped, %NULL for
 *   a planned one
 *
 * Since: 1.0
 */
const char *
svfs_planned_mount_get_skip_reason (SvfsPlannedMount *self)
{
  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), NULL);
  return self->skip_reason;
}

void
svfs_planned_mount_add_overlay_json (JsonBuilder       *builder,
                                     SvfsOverlayMedium  medium,
                                     const char        *dir,
                                     const char        *size)
{
  g_autofree char *text = svfs_overlay_to_text (medium, dir, NULL);

  json_builder_set_member_name (builder, "overlay");
  if (text == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "medium");
  json_builder_add_string_value (builder, text);
  if (size != NULL)
    {
      json_builder_set_member_name (builder, "size");
      json_builder_add_string_value (builder, size);
    }
  json_builder_end_object (builder);
}

char *
svfs_overlay_to_text (SvfsOverlayMedium  medium,
                      const char        *dir,
                      const char        *size)
{
  const char *name = svfs_overlay_medium_to_string (medium);

  if (name == NULL)
    return NULL;
  return g_strdup_printf ("%s%s%s%s%s", name, medium == SVFS_OVERLAY_MEDIUM_DIR ? "=" : "",
                          medium == SVFS_OVERLAY_MEDIUM_DIR && dir != NULL ? dir : "",
                          size != NULL ? ",size=" : "", size != NULL ? size : "");
}

/**
 * svfs_planned_mount_to_json:
 * @self: a planned mount
 *
 * Gives the mount as an entry of the plan JSON's `mounts` array
 * (`destination`, `type`, `source`, `data`, `flags`, `overlay`, `shared`,
 * and `tmpcopyup` when set), or, for a skipped mount, as an entry of
 * `skipped` (`destination`, `type`, `reason`).
 *
 * Returns: (transfer full): a JSON object node
 *
 * Since: 1.0
 */
JsonNode *
svfs_planned_mount_to_json (SvfsPlannedMount *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) flags = g_ptr_array_new ();

  g_return_val_if_fail (SVFS_IS_PLANNED_MOUNT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "destination");
  json_builder_add_string_value (builder, self->destination);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, self->fs_type);

  if (self->skip_reason != NULL)
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, self->skip_reason);
      json_builder_end_object (builder);
      return json_builder_get_root (builder);
    }

  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, self->source != NULL ? self->source : "");
  json_builder_set_member_name (builder, "data");
  json_builder_add_string_value (builder, svfs_planned_mount_get_data (self));
  json_builder_set_member_name (builder, "flags");
  json_builder_begin_array (builder);
  svfs_mount_flags_append_strings (self->flags, flags);
  for (guint i = 0; i < flags->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (flags, i));
  json_builder_end_array (builder);
  svfs_planned_mount_add_overlay_json (builder, self->overlay_medium, self->overlay_dir, self->overlay_size);
  json_builder_set_member_name (builder, "shared");
  if (self->shared != NULL)
    json_builder_add_string_value (builder, self->shared);
  else
    json_builder_add_null_value (builder);
  if (self->tmpcopyup)
    {
      json_builder_set_member_name (builder, "tmpcopyup");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
