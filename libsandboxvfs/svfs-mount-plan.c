/* svfs-mount-plan.c: the compiled mount plan of a container
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "svfs-json-private.h"
#include "svfs-device.h"
#include "svfs-mount-plan-private.h"

/**
 * SvfsMountPlan:
 *
 * The mounts a container gets, in the order the kernel will see them, with
 * the root, the device nodes to create, the spec mounts that were skipped
 * and the compiler's warnings. A plan is a [iface@Gio.ListModel] of
 * [class@Svfs.PlannedMount]; it is made by [method@Svfs.Mounter.compile]
 * and never changes afterwards.
 *
 * Since: 1.0
 */

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SvfsMountPlan, svfs_mount_plan, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_ROOT_TYPE,
  PROP_ROOT_SOURCE,
  PROP_ROOT_READONLY,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return SVFS_TYPE_PLANNED_MOUNT;
}

static guint
get_n_items (GListModel *model)
{
  return SVFS_MOUNT_PLAN (model)->mounts->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  SvfsMountPlan *self = SVFS_MOUNT_PLAN (model);

  if (position >= self->mounts->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->mounts, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

SvfsMountPlan *
svfs_mount_plan_new (void)
{
  return g_object_new (SVFS_TYPE_MOUNT_PLAN, NULL);
}

static void
svfs_mount_plan_finalize (GObject *object)
{
  SvfsMountPlan *self = SVFS_MOUNT_PLAN (object);

  g_ptr_array_unref (self->mounts);
  g_object_unref (self->skipped);
  g_object_unref (self->devices);
  g_ptr_array_unref (self->warnings);
  g_free (self->root_type);
  g_free (self->root_source);
  g_free (self->root_overlay_dir);
  g_free (self->root_overlay_size);

  G_OBJECT_CLASS (svfs_mount_plan_parent_class)->finalize (object);
}

static void
svfs_mount_plan_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SvfsMountPlan *self = SVFS_MOUNT_PLAN (object);

  switch (prop_id)
    {
    case PROP_ROOT_TYPE:
      g_value_set_string (value, self->root_type);
      break;
    case PROP_ROOT_SOURCE:
      g_value_set_string (value, self->root_source);
      break;
    case PROP_ROOT_READONLY:
      g_value_set_boolean (value, self->root_readonly);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->mounts->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
svfs_mount_plan_class_init (SvfsMountPlanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = svfs_mount_plan_finalize;
  object_class->get_property = svfs_mount_plan_get_property;

  /**
   * SvfsMountPlan:root-type:
   *
   * How the root is made: `bind` (a directory) or `erofs` (an image).
   *
   * Since: 1.0
   */
  properties[PROP_ROOT_TYPE] = g_param_spec_string ("root-type", NULL, NULL, NULL, ro);
  /**
   * SvfsMountPlan:root-source:
   *
   * The absolute host path of the root directory or image.
   *
   * Since: 1.0
   */
  properties[PROP_ROOT_SOURCE] = g_param_spec_string ("root-source", NULL, NULL, NULL, ro);
  /**
   * SvfsMountPlan:root-readonly:
   *
   * Whether the root is read-only.
   *
   * Since: 1.0
   */
  properties[PROP_ROOT_READONLY] = g_param_spec_boolean ("root-readonly", NULL, NULL, FALSE, ro);
  /**
   * SvfsMountPlan:n-items:
   *
   * The number of planned mounts.
   *
   * Since: 1.0
   */
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
svfs_mount_plan_init (SvfsMountPlan *self)
{
  self->mounts = g_ptr_array_new_with_free_func (g_object_unref);
  self->skipped = g_list_store_new (SVFS_TYPE_PLANNED_MOUNT);
  self->devices = g_list_store_new (SVFS_TYPE_DEVICE);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->warnings, NULL);
}

/**
 * svfs_mount_plan_get_root_type:
 * @self: a plan
 *
 * Gets how the root is mounted: a bind mount of a directory or an erofs
 * image.
 *
 * Returns: (transfer none): `bind` or `erofs`
 *
 * Since: 1.0
 */
const char *
svfs_mount_plan_get_root_type (SvfsMountPlan *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_PLAN (self), NULL);
  return self->root_type;
}

/**
 * svfs_mount_plan_get_root_source:
 * @self: a plan
 *
 * Gets the root directory or image, resolved against the bundle.
 *
 * Returns: (transfer none): the absolute path of the root directory or image
 *
 * Since: 1.0
 */
const char *
svfs_mount_plan_get_root_source (SvfsMountPlan *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_PLAN (self), NULL);
  return self->root_source;
}

/**
 * svfs_mount_plan_get_root_readonly:
 * @self: a plan
 *
 * Gets whether the root is mounted read-only (`root.readonly` in the spec).
 *
 * Returns: whether the root is read-only
 *
 * Since: 1.0
 */
gboolean
svfs_mount_plan_get_root_readonly (SvfsMountPlan *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_PLAN (self), FALSE);
  return self->root_readonly;
}

/**
 * svfs_mount_plan_get_root_overlay_medium:
 * @self: a plan
 *
 * Gets where the overlay on the root keeps its upper layer, as the
 * `overlay2` setting decides.
 *
 * Returns: the medium of the overlay on the root, or
 *   %SVFS_OVERLAY_MEDIUM_NONE
 *
 * Since: 1.0
 */
SvfsOverlayMedium
svfs_mount_plan_get_root_overlay_medium (SvfsMountPlan *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_PLAN (self), SVFS_OVERLAY_MEDIUM_NONE);
  return self->root_overlay_medium;
}

/**
 * svfs_mount_plan_get_root_overlay_dir:
 * @self: a plan
 *
 * Gets the host directory of a `dir=/abs` root overlay.
 *
 * Returns: (transfer none) (nullable): the directory of a `dir=` root overlay
 *
 * Since: 1.0
 */
const char *
svfs_mount_plan_get_root_overlay_dir (SvfsMountPlan *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_PLAN (self), NULL);
  return self->root_overlay_dir;
}

/**
 * svfs_mount_plan_get_skipped:
 * @self: a plan
 *
 * The spec mounts the compiler left out (unknown filesystem types,
 * superseded cgroup mounts), each with a
 * [property@Svfs.PlannedMount:skip-reason].
 *
 * Returns: (transfer none): a list of [class@Svfs.PlannedMount]
 *
 * Since: 1.0
 */
GListModel *
svfs_mount_plan_get_skipped (SvfsMountPlan *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_PLAN (self), NULL);
  return G_LIST_MODEL (self->skipped);
}

/**
 * svfs_mount_plan_get_devices:
 * @self: a plan
 *
 * The device nodes to create: the spec's `linux.devices`, then enabled
 * GPU and TPU nodes.
 *
 * Returns: (transfer none): a list of [class@Svfs.Device]
 *
 * Since: 1.0
 */
GListModel *
svfs_mount_plan_get_devices (SvfsMountPlan *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_PLAN (self), NULL);
  return G_LIST_MODEL (self->devices);
}

/**
 * svfs_mount_plan_get_warnings:
 * @self: a plan
 *
 * Gets the warnings the compiler gave, in the order it gave them.
 *
 * Returns: (transfer none) (array zero-terminated=1): the compiler's
 *   warnings, e.g. about ignored mount options
 *
 * Since: 1.0
 */
const char * const *
svfs_mount_plan_get_warnings (SvfsMountPlan *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_PLAN (self), NULL);
  return (const char * const *) self->warnings->pdata;
}

/**
 * svfs_mount_plan_get_n_source_fds:
 * @self: a plan
 *
 * The number of source file descriptors applying the plan takes when the
 * sources are given as descriptors: one for the rootfs, then one per bind
 * mount with a source.
 *
 * Returns: the number of source fds
 *
 * Since: 1.0
 */
guint
svfs_mount_plan_get_n_source_fds (SvfsMountPlan *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_PLAN (self), 0);
  return self->n_source_fds;
}

static void
add_model_array (JsonBuilder *builder,
                 const char  *name,
                 GListModel  *model,
                 JsonNode  *(*to_json) (gpointer item))
{
  guint n = g_list_model_get_n_items (model);

  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      json_builder_add_value (builder, to_json (item));
    }
  json_builder_end_array (builder);
}

JsonNode *
svfs_plan_json_node_new (const SvfsPlanJsonRoot *root,
                         GListModel             *mounts,
                         GListModel             *skipped,
                         GListModel             *devices,
                         const char * const     *warnings)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "root");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, root->type);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, root->source);
  json_builder_set_member_name (builder, "readonly");
  json_builder_add_boolean_value (builder, root->readonly);
  svfs_planned_mount_add_overlay_json (builder, root->overlay_medium, root->overlay_dir, root->overlay_size);
  json_builder_end_object (builder);

  add_model_array (builder, "mounts", mounts,
                   (JsonNode *(*) (gpointer)) svfs_planned_mount_to_json);
  add_model_array (builder, "skipped", skipped,
                   (JsonNode *(*) (gpointer)) svfs_planned_mount_to_json);
  add_model_array (builder, "devices", devices,
                   (JsonNode *(*) (gpointer)) svfs_device_to_json);

  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    json_builder_add_string_value (builder, warnings[i]);
  json_builder_end_array (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
svfs_json_node_to_pretty_string (JsonNode *node)
{
  return svfs_json_to_data (node, TRUE, NULL);
}

/**
 * svfs_mount_plan_to_json_node:
 * @self: a plan
 *
 * Gives the plan in the JSON schema of `sandboxvfs plan --format json`.
 *
 * Returns: (transfer full): a JSON object node
 *
 * Since: 1.0
 */
JsonNode *
svfs_mount_plan_to_json_node (SvfsMountPlan *self)
{
  SvfsPlanJsonRoot root;

  g_return_val_if_fail (SVFS_IS_MOUNT_PLAN (self), NULL);

  root = (SvfsPlanJsonRoot) {
    .type = self->root_type,
    .source = self->root_source,
    .readonly = self->root_readonly,
    .overlay_medium = self->root_overlay_medium,
    .overlay_dir = self->root_overlay_dir,
    .overlay_size = self->root_overlay_size,
  };
  return svfs_plan_json_node_new (&root, G_LIST_MODEL (self), G_LIST_MODEL (self->skipped),
                                  G_LIST_MODEL (self->devices),
                                  (const char * const *) self->warnings->pdata);
}

/**
 * svfs_mount_plan_to_json:
 * @self: a plan
 *
 * Gives the plan as pretty-printed JSON in the schema of
 * `sandboxvfs plan --format json`.
 *
 * Returns: (transfer full): the JSON text
 *
 * Since: 1.0
 */
char *
svfs_mount_plan_to_json (SvfsMountPlan *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (SVFS_IS_MOUNT_PLAN (self), NULL);

  node = svfs_mount_plan_to_json_node (self);
  return svfs_json_node_to_pretty_string (node);
}

static char *
root_extra (SvfsMountPlan *self)
{
  g_autofree char *overlay = svfs_overlay_to_text (self->root_overlay_medium, self->root_overlay_dir,
                                                   self->root_overlay_size);

  return overlay != NULL ? g_strconcat ("overlay=", overlay, NULL) : g_strdup ("");
}

static char *
mount_extra (SvfsPlannedMount *m)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *overlay = svfs_overlay_to_text (m->overlay_medium, m->overlay_dir, m->overlay_size);

  if (overlay != NULL)
    g_string_append_printf (s, "overlay=%s", overlay);
  if (m->shared != NULL)
    g_string_append_printf (s, "%sshared=%s", s->len ? " " : "", m->shared);
  if (m->tmpcopyup)
    g_string_append_printf (s, "%stmpcopyup", s->len ? " " : "");
  if (m->recursive)
    g_string_append_printf (s, "%srbind", s->len ? " " : "");
  if (m->propagation != SVFS_PROPAGATION_DEFAULT)
    g_string_append_printf (s, "%s%s", s->len ? " " : "", svfs_propagation_to_string (m->propagation));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

typedef struct {
  char *cells[6];
} Row;

static void
row_clear (Row *row)
{
  for (guint i = 0; i < G_N_ELEMENTS (row->cells); i++)
    g_free (row->cells[i]);
}

static void
render_rows (GString *out,
             GArray  *rows)
{
  gsize widths[G_N_ELEMENTS (((Row *) NULL)->cells)] = { 0 };
  const guint n_cols = G_N_ELEMENTS (widths);

  for (guint r = 0; r < rows->len; r++)
    for (guint c = 0; c < n_cols; c++)
      widths[c] = MAX (widths[c], (gsize) g_utf8_strlen (g_array_index (rows, Row, r).cells[c], -1));

  for (guint r = 0; r < rows->len; r++)
    {
      Row *row = &g_array_index (rows, Row, r);
      gsize line_start = out->len;

      for (guint c = 0; c < n_cols; c++)
        {
          g_string_append (out, row->cells[c]);
          if (c + 1 < n_cols)
            for (gsize pad = (gsize) g_utf8_strlen (row->cells[c], -1); pad < widths[c] + 2; pad++)
              g_string_append_c (out, ' ');
        }
      /* No trailing blanks when the last columns are empty. */
      while (out->len > line_start && out->str[out->len - 1] == ' ')
        g_string_truncate (out, out->len - 1);
      g_string_append_c (out, '\n');
    }
}

static void
append_row (GArray     *rows,
            const char *a,
            const char *b,
            const char *c,
            const char *d,
            const char *e,
            const char *f)
{
  Row row = { { g_strdup (a), g_strdup (b), g_strdup (c), g_strdup (d), g_strdup (e), g_strdup (f) } };

  for (guint i = 0; i < G_N_ELEMENTS (row.cells); i++)
    if (row.cells[i] == NULL || row.cells[i][0] == '\0')
      {
        g_free (row.cells[i]);
        row.cells[i] = g_strdup ("-");
      }
  g_array_append_val (rows, row);
}

static void
append_footer (SvfsMountPlan *self,
               GString       *out)
{
  guint n_skipped = g_list_model_get_n_items (G_LIST_MODEL (self->skipped));
  guint n_devices = g_list_model_get_n_items (G_LIST_MODEL (self->devices));

  for (guint i = 0; i < n_devices; i++)
    {
      g_autoptr(SvfsDevice) d = g_list_model_get_item (G_LIST_MODEL (self->devices), i);
      g_string_append_printf (out, "device   %s %s %" G_GINT64_FORMAT ":%" G_GINT64_FORMAT " mode %04o\n",
                              svfs_device_get_path (d), svfs_device_get_device_type (d),
                              svfs_device_get_major (d), svfs_device_get_minor (d),
                              svfs_device_get_mode (d));
    }
  for (guint i = 0; i < n_skipped; i++)
    {
      g_autoptr(SvfsPlannedMount) m = g_list_model_get_item (G_LIST_MODEL (self->skipped), i);
      g_string_append_printf (out, "skipped  %s (%s): %s\n", m->destination, m->fs_type, m->skip_reason);
    }
  for (guint i = 0; i + 1 < self->warnings->len; i++)
    g_string_append_printf (out, "warning  %s\n", (char *) g_ptr_array_index (self->warnings, i));
}

/**
 * svfs_mount_plan_to_table:
 * @self: a plan
 *
 * Gives the plan as an aligned table for people: the root, then one line
 * per mount in mount order (destination, type, source, data, flags and
 * overlay/shared/tmpcopyup notes), then devices, skipped mounts and
 * warnings.
 *
 * Returns: (transfer full): the table text
 *
 * Since: 1.0
 */
char *
svfs_mount_plan_to_table (SvfsMountPlan *self)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *extra = NULL;

  g_return_val_if_fail (SVFS_IS_MOUNT_PLAN (self), NULL);

  g_array_set_clear_func (rows, (GDestroyNotify) row_clear);
  append_row (rows, "DESTINATION", "TYPE", "SOURCE", "DATA", "FLAGS", "NOTES");
  extra = root_extra (self);
  append_row (rows, "/", self->root_type, self->root_source, "",
              self->root_readonly ? "ro" : "", extra);
  for (guint i = 0; i < self->mounts->len; i++)
    {
      SvfsPlannedMount *m = g_ptr_array_index (self->mounts, i);
      g_autofree char *flags = svfs_planned_mount_dup_flags_string (m);
      g_autofree char *notes = mount_extra (m);

      append_row (rows, m->destination, m->fs_type, m->source, m->data, flags, notes);
    }
  render_rows (out, rows);
  append_footer (self, out);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

typedef struct {
  int   node;        /* next node to draw at this depth, -1 when done */
  gsize guides_len;  /* length of the guide string above this depth */
} Level;

/**
 * svfs_mount_plan_to_tree:
 * @self: a plan
 *
 * Gives the plan as a tree like findmnt(8) draws one: each mount under the
 * mount it lands in, children in mount order, followed by the type,
 * source, data and flags.
 *
 * Returns: (transfer full): the tree text
 *
 * Since: 1.0
 */
char *
svfs_mount_plan_to_tree (SvfsMountPlan *self)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree int *parent = NULL;
  g_autofree int *first_child = NULL;
  g_autofree int *next_sibling = NULL;
  g_autofree int *last_added = NULL;
  g_autoptr(GArray) stack = NULL;
  g_autoptr(GString) guides = NULL;
  g_autoptr(GHashTable) latest = NULL;
  g_autofree char *extra = NULL;
  guint n;

  g_return_val_if_fail (SVFS_IS_MOUNT_PLAN (self), NULL);

  n = self->mounts->len;
  parent = g_new (int, n);

  /* A mount lands in the most recently mounted mount that is an ancestor
   * of its destination, or on an earlier mount at the same destination
   * (index -1 is the root).  @latest maps a destination to the last mount
   * made there so far, so this is linear in mounts × depth. */
  latest = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      SvfsPlannedMount *m = g_ptr_array_index (self->mounts, i);
      g_autofree char *path = g_strdup (m->destination);

      parent[i] = -1;
      for (;;)
        {
          gpointer found;
          char *slash;

          if (g_hash_table_lookup_extended (latest, path, NULL, &found))
            {
              parent[i] = GPOINTER_TO_INT (found);
              break;
            }
          slash = strrchr (path, '/');
          if (slash == NULL || slash == path)
            break;
          *slash = '\0';
        }
      g_hash_table_insert (latest, m->destination, GINT_TO_POINTER (i));
    }

  /* Children in mount order; drawn depth first like findmnt(8). */
  first_child = g_new (int, n + 1);
  next_sibling = g_new (int, n);
  last_added = g_new (int, n + 1);
  for (guint i = 0; i <= n; i++)
    first_child[i] = last_added[i] = -1;
  for (guint i = 0; i < n; i++)
    {
      int p = parent[i] + 1;

      next_sibling[i] = -1;
      if (last_added[p] < 0)
        first_child[p] = (int) i;
      else
        next_sibling[last_added[p]] = (int) i;
      last_added[p] = (int) i;
    }

  g_array_set_clear_func (rows, (GDestroyNotify) row_clear);
  append_row (rows, "TARGET", "TYPE", "SOURCE", "DATA", "FLAGS", "NOTES");
  extra = root_extra (self);
  append_row (rows, "/", self->root_type, self->root_source, "",
              self->root_readonly ? "ro" : "", extra);

  /* @stack holds the next node to draw at each depth; @guides the guide
   * string of the levels above it. */
  stack = g_array_new (FALSE, FALSE, sizeof (Level));
  guides = g_string_new (NULL);
  if (first_child[0] >= 0)
    {
      Level top = { first_child[0], 0 };
      g_array_append_val (stack, top);
    }
  while (stack->len > 0)
    {
      Level *level = &g_array_index (stack, Level, stack->len - 1);
      int i = level->node;
      SvfsPlannedMount *m;
      g_autofree char *flags = NULL;
      g_autofree char *notes = NULL;
      g_autofree char *label = NULL;
      gboolean last;

      if (i < 0)
        {
          /* This level is done: drop it and its guide. */
          g_string_truncate (guides, level->guides_len);
          g_array_set_size (stack, stack->len - 1);
          continue;
        }

      m = g_ptr_array_index (self->mounts, i);
      last = next_sibling[i] < 0;
      flags = svfs_planned_mount_dup_flags_string (m);
      notes = mount_extra (m);
      label = g_strconcat (guides->str, last ? "└─" : "├─", m->destination, NULL);
      append_row (rows, label, m->fs_type, m->source, m->data, flags, notes);

      level->node = next_sibling[i];
      if (first_child[i + 1] >= 0)
        {
          Level child = { first_child[i + 1], guides->len };

          g_string_append (guides, last ? "  " : "│ ");
          g_array_append_val (stack, child);
        }
    }

  render_rows (out, rows);
  append_footer (self, out);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
