/* svfs-spec.c: an OCI runtime-spec config.json
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "svfs-json-private.h"
#include "svfs-spec-private.h"
#include "svfs-path-private.h"
#include "svfs-device.h"
#include "svfs-error.h"
#include "svfs-spec.h"
#include "svfs-spec-mount.h"

/**
 * SvfsSpec:
 *
 * An OCI runtime spec (`config.json`), parsed with json-glib and checked
 * against the rules libsandboxvfs relies on.
 *
 * A spec is immutable once created, apart from its
 * [property@Svfs.Spec:bundle-dir]. Unknown members are kept, so
 * [method@Svfs.Spec.to_json] gives back everything that was read.
 *
 * ```python
 * spec = Svfs.Spec.new_from_file("bundle/config.json")
 * for m in spec.get_mounts():
 *     print(m.props.destination, m.props.fs_type)
 * ```
 *
 * Since: 1.0
 */
struct _SvfsSpec
{
  GObject      parent_instance;

  JsonNode    *root;
  char        *bundle_dir;

  /* Caches built once from the validated, sealed tree. */
  GListStore  *mounts;
  GListStore  *devices;
  GHashTable  *annotations;
  char       **process_args;
  char       **process_env;
  char       **masked_paths;
  char       **readonly_paths;
  GHashTable  *hook_paths;        /* stage → GStrv */
};

enum {
  PROP_0,
  PROP_BUNDLE_DIR,
  PROP_OCI_VERSION,
  PROP_HOSTNAME,
  PROP_ROOT_PATH,
  PROP_ROOT_READONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const hook_stages[] = {
  "prestart", "createRuntime", "createContainer", "startContainer",
  "poststart", "poststop", NULL,
};

static const char * const empty_strv[] = { NULL };

G_DEFINE_FINAL_TYPE (SvfsSpec, svfs_spec, G_TYPE_OBJECT)

static void
svfs_spec_finalize (GObject *object)
{
  SvfsSpec *self = SVFS_SPEC (object);

  g_clear_pointer (&self->root, json_node_unref);
  g_clear_pointer (&self->bundle_dir, g_free);
  g_clear_object (&self->mounts);
  g_clear_object (&self->devices);
  g_clear_pointer (&self->annotations, g_hash_table_unref);
  g_clear_pointer (&self->process_args, g_strfreev);
  g_clear_pointer (&self->process_env, g_strfreev);
  g_clear_pointer (&self->masked_paths, g_strfreev);
  g_clear_pointer (&self->readonly_paths, g_strfreev);
  g_clear_pointer (&self->hook_paths, g_hash_table_unref);

  G_OBJECT_CLASS (svfs_spec_parent_class)->finalize (object);
}

static void
svfs_spec_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SvfsSpec *self = SVFS_SPEC (object);

  switch (prop_id)
    {
    case PROP_BUNDLE_DIR:
      g_value_set_string (value, svfs_spec_get_bundle_dir (self));
      break;
    case PROP_OCI_VERSION:
      g_value_set_string (value, svfs_spec_get_oci_version (self));
      break;
    case PROP_HOSTNAME:
      g_value_set_string (value, svfs_spec_get_hostname (self));
      break;
    case PROP_ROOT_PATH:
      g_value_set_string (value, svfs_spec_get_root_path (self));
      break;
    case PROP_ROOT_READONLY:
      g_value_set_boolean (value, svfs_spec_get_root_readonly (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
svfs_spec_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  SvfsSpec *self = SVFS_SPEC (object);

  switch (prop_id)
    {
    case PROP_BUNDLE_DIR:
      svfs_spec_set_bundle_dir (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
svfs_spec_class_init (SvfsSpecClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = svfs_spec_finalize;
  object_class->get_property = svfs_spec_get_property;
  object_class->set_property = svfs_spec_set_property;

  /**
   * SvfsSpec:bundle-dir:
   *
   * The absolute directory a relative `root.path` or mount source
   * resolves against: the directory holding the file for
   * [ctor@Svfs.Spec.new_from_file], else the current directory at the
   * time the spec was created. Setting %NULL restores the current
   * directory; a relative directory is made absolute.
   *
   * Since: 1.0
   */
  properties[PROP_BUNDLE_DIR] =
    g_param_spec_string ("bundle-dir", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * SvfsSpec:oci-version:
   *
   * The spec's `ociVersion`.
   *
   * Since: 1.0
   */
  properties[PROP_OCI_VERSION] =
    g_param_spec_string ("oci-version", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * SvfsSpec:hostname:
   *
   * The spec's `hostname`, or %NULL when it has none.
   *
   * Since: 1.0
   */
  properties[PROP_HOSTNAME] =
    g_param_spec_string ("hostname", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * SvfsSpec:root-path:
   *
   * The spec's `root.path`, as written (see
   * [method@Svfs.Spec.dup_resolved_root_path]).
   *
   * Since: 1.0
   */
  properties[PROP_ROOT_PATH] =
    g_param_spec_string ("root-path", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * SvfsSpec:root-readonly:
   *
   * The spec's `root.readonly`; %FALSE when absent.
   *
   * Since: 1.0
   */
  properties[PROP_ROOT_READONLY] =
    g_param_spec_boolean ("root-readonly", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
svfs_spec_init (SvfsSpec *self)
{
  self->bundle_dir = g_get_current_dir ();
}

/* -- loading -------------------------------------------------------- */

static JsonObject *
spec_object (SvfsSpec *self)
{
  return json_node_get_object (self->root);
}

static JsonObject *
spec_member_object (SvfsSpec   *self,
                    const char *name)
{
  return svfs_json_get_object_member (spec_object (self), name);
}

/* Builds the caches from a validated tree; takes a reference to @root. */
static void
svfs_spec_load (SvfsSpec *self,
                JsonNode *root)
{
  JsonObject *process, *linux_, *hooks, *annotations;
  JsonArray *array;
  guint n;

  self->root = json_node_ref (root);
  json_node_seal (self->root);

  self->mounts = g_list_store_new (SVFS_TYPE_SPEC_MOUNT);
  array = svfs_json_get_array_member (spec_object (self), "mounts");
  n = array != NULL ? json_array_get_length (array) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsSpecMount) mount =
        svfs_spec_mount_new_from_json (json_array_get_object_element (array, i), i);

      g_list_store_append (self->mounts, mount);
    }

  linux_ = spec_member_object (self, "linux");
  self->devices = g_list_store_new (SVFS_TYPE_DEVICE);
  array = svfs_json_get_array_member (linux_, "devices");
  n = array != NULL ? json_array_get_length (array) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsDevice) device =
        svfs_device_new_from_spec_json (json_array_get_object_element (array, i));

      g_list_store_append (self->devices, device);
    }
  self->masked_paths =
    svfs_json_array_dup_strv (svfs_json_get_array_member (linux_, "maskedPaths"));
  self->readonly_paths =
    svfs_json_array_dup_strv (svfs_json_get_array_member (linux_, "readonlyPaths"));

  process = spec_member_object (self, "process");
  self->process_args =
    svfs_json_array_dup_strv (svfs_json_get_array_member (process, "args"));
  self->process_env =
    svfs_json_array_dup_strv (svfs_json_get_array_member (process, "env"));

  self->annotations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  annotations = spec_member_object (self, "annotations");
  if (annotations != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (annotations);

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *value = svfs_json_get_string_member (annotations, l->data, NULL);

          if (value != NULL)
            g_hash_table_insert (self->annotations, g_strdup (l->data), g_strdup (value));
        }
    }

  self->hook_paths = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify) g_strfreev);
  hooks = spec_member_object (self, "hooks");
  for (guint s = 0; hook_stages[s] != NULL; s++)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      array = svfs_json_get_array_member (hooks, hook_stages[s]);
      n = array != NULL ? json_array_get_length (array) : 0;
      for (guint i = 0; i < n; i++)
        {
          JsonObject *hook = json_array_get_object_element (array, i);

          g_strv_builder_add (builder, svfs_json_get_string_member (hook, "path", ""));
        }
      g_hash_table_insert (self->hook_paths, (gpointer) hook_stages[s],
                           g_strv_builder_end (builder));
    }
}

/* @origin: what the problems are prefixed with, one "<origin>: " per
 * line (the file's display name), or NULL for data. */
static SvfsSpec *
svfs_spec_new_from_bytes_internal (const char  *data,
                                   gsize        length,
                                   const char  *origin,
                                   GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) local_error = NULL;
  SvfsSpec *self;

  root = svfs_spec_parse_json_data (data, length, &local_error);
  if (root == NULL)
    {
      if (origin != NULL)
        g_prefix_error (&local_error, "%s: ", origin);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  problems = svfs_spec_check_node (root);
  if (problems->len > 0)
    {
      g_autoptr(GString) message = g_string_new (NULL);

      for (guint i = 0; i < problems->len; i++)
        {
          if (i > 0)
            g_string_append_c (message, '\n');
          if (origin != NULL)
            g_string_append_printf (message, "%s: ", origin);
          g_string_append (message, g_ptr_array_index (problems, i));
        }
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC, message->str);
      return NULL;
    }

  self = g_object_new (SVFS_TYPE_SPEC, NULL);
  svfs_spec_load (self, root);
  return self;
}

/**
 * svfs_spec_new_from_data:
 * @data: the JSON text of a `config.json`
 * @length: the length of @data in bytes, or -1 if it is NUL-terminated
 *
 * Parses and validates a spec. Its [property@Svfs.Spec:bundle-dir] is the
 * current directory.
 *
 * The spec must be at most %SVFS_SPEC_MAX_SIZE bytes of UTF-8 JSON
 * nested at most %SVFS_SPEC_MAX_DEPTH levels deep, whose numbers are JSON
 * numbers (no `0755`, `0x10` or `.5`, which json-glib alone would take)
 * that fit a 64-bit integer or a double. When it breaks a rule,
 * the error message holds one line per problem, as
 * svfs_spec_check_data() gives them.
 *
 * Returns: (transfer full): a new #SvfsSpec, or %NULL with @error set
 *   (%SVFS_ERROR_INVALID_SPEC)
 *
 * Since: 1.0
 */
SvfsSpec *
svfs_spec_new_from_data (const char  *data,
                         gssize       length,
                         GError     **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return svfs_spec_new_from_bytes_internal (data,
                                            length < 0 ? strlen (data) : (gsize) length,
                                            NULL, error);
}

/**
 * svfs_spec_new_from_file:
 * @path: (type filename): the path of a `config.json`
 *
 * Reads, parses and validates a spec file, like
 * svfs_spec_new_from_data(). The [property@Svfs.Spec:bundle-dir] is the
 * directory holding @path (the current directory when @path is a pipe,
 * as for a spec read from standard input).
 *
 * @path must be a regular file or a pipe (a FIFO, or `<(cmd)` in a
 * shell, read to its end; a FIFO nobody writes to reads as empty, without
 * waiting): a directory or a device is refused without reading, and so is
 * a file over %SVFS_SPEC_MAX_SIZE bytes.
 *
 * A missing file is %SVFS_ERROR_NOT_FOUND; any other problem reading or
 * checking it is %SVFS_ERROR_INVALID_SPEC. Every line of the message
 * starts with @path, then says what svfs_spec_new_from_data() would, as
 * in `/b/config.json: line 3, column 5: unexpected character ','` or
 * `/b/config.json: mounts[2].destination: must be an absolute path`.
 *
 * Returns: (transfer full): a new #SvfsSpec, or %NULL with @error set
 *
 * Since: 1.0
 */
SvfsSpec *
svfs_spec_new_from_file (const char  *path,
                         GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  gsize length = 0;
  SvfsSpec *self;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  contents = svfs_read_file_bounded (path, SVFS_SPEC_MAX_SIZE, TRUE, SVFS_ERROR_INVALID_SPEC,
                                     &length, error);
  if (contents == NULL)
    return NULL;

  name = g_filename_display_name (path);
  self = svfs_spec_new_from_bytes_internal (contents, length, name, error);
  if (self == NULL)
    return NULL;

  g_free (self->bundle_dir);
  self->bundle_dir = svfs_spec_dir_of_path (path);
  return self;
}

/**
 * svfs_spec_check_data:
 * @data: the JSON text of a `config.json`
 * @length: the length of @data in bytes, or -1 if it is NUL-terminated
 *
 * Validates a spec without keeping it and lists every problem found, one
 * line each, in document order: `<json-path>: <message>`, such as
 * `mounts[2].destination: must be an absolute path`. Text that is not
 * JSON, too large or too deep gives a single line such as
 * `line 3, column 5: unexpected character ','`.
 *
 * Returns: (transfer full) (array zero-terminated=1): the problems; an
 *   empty vector when the spec is valid
 *
 * Since: 1.0
 */
char **
svfs_spec_check_data (const char *data,
                      gssize      length)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  root = svfs_spec_parse_json_data (data,
                                    length < 0 ? strlen (data) : (gsize) length,
                                    &error);
  if (root == NULL)
    {
      char **result = g_new0 (char *, 2);

      result[0] = g_strdup (error->message);
      return result;
    }

  problems = svfs_spec_check_node (root);
  g_ptr_array_add (problems, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&problems), FALSE);
}

/* -- accessors ------------------------------------------------------ */

/**
 * svfs_spec_to_json:
 * @self: a #SvfsSpec
 * @pretty: whether to indent the output
 * @length: (out) (optional): return location for the length in bytes
 *
 * Writes the spec back as JSON. Every member that was read, known or
 * not, is written, in the order it was read.
 *
 * Returns: (transfer full): the JSON text
 *
 * Since: 1.0
 */
char *
svfs_spec_to_json (SvfsSpec *self,
                   gboolean  pretty,
                   gsize    *length)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  return svfs_json_to_data (self->root, pretty, length);
}

/**
 * svfs_spec_get_json:
 * @self: a #SvfsSpec
 *
 * Gets the parsed spec. The tree is sealed: it must not be changed.
 *
 * Returns: (transfer none): the root node, a JSON object
 *
 * Since: 1.0
 */
JsonNode *
svfs_spec_get_json (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  return self->root;
}

/**
 * svfs_spec_get_bundle_dir:
 * @self: a #SvfsSpec
 *
 * Gets the directory relative paths in the spec resolve against.
 *
 * Returns: (transfer none) (type filename): an absolute directory
 *
 * Since: 1.0
 */
const char *
svfs_spec_get_bundle_dir (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  return self->bundle_dir;
}

/**
 * svfs_spec_set_bundle_dir:
 * @self: a #SvfsSpec
 * @bundle_dir: (nullable) (type filename): a directory, or %NULL for the
 *   current directory
 *
 * Sets the directory relative paths in the spec resolve against. A
 * relative @bundle_dir is taken relative to the current directory; the
 * result is canonicalised lexically.
 *
 * Since: 1.0
 */
void
svfs_spec_set_bundle_dir (SvfsSpec   *self,
                          const char *bundle_dir)
{
  g_autofree char *dir = NULL;

  g_return_if_fail (SVFS_IS_SPEC (self));

  if (bundle_dir == NULL)
    dir = g_get_current_dir ();
  else
    dir = g_canonicalize_filename (bundle_dir, NULL);

  if (g_strcmp0 (dir, self->bundle_dir) == 0)
    return;

  g_free (self->bundle_dir);
  self->bundle_dir = g_steal_pointer (&dir);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUNDLE_DIR]);
}

/**
 * svfs_spec_get_oci_version:
 * @self: a #SvfsSpec
 *
 * Gets the spec's `ociVersion`.
 *
 * Returns: (transfer none): the version, such as `1.0.2-dev`
 *
 * Since: 1.0
 */
const char *
svfs_spec_get_oci_version (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  return svfs_json_get_string_member (spec_object (self), "ociVersion", "");
}

/**
 * svfs_spec_get_hostname:
 * @self: a #SvfsSpec
 *
 * Gets the spec's `hostname`.
 *
 * Returns: (transfer none) (nullable): the hostname, or %NULL when absent
 *
 * Since: 1.0
 */
const char *
svfs_spec_get_hostname (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  return svfs_json_get_string_member (spec_object (self), "hostname", NULL);
}

/**
 * svfs_spec_get_root_path:
 * @self: a #SvfsSpec
 *
 * Gets the spec's `root.path` as written: absolute, or relative to the
 * bundle directory.
 *
 * Returns: (transfer none) (type filename): the root path
 *
 * Since: 1.0
 */
const char *
svfs_spec_get_root_path (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  return svfs_json_get_string_member (spec_member_object (self, "root"), "path", "");
}

/**
 * svfs_spec_dup_resolved_root_path:
 * @self: a #SvfsSpec
 *
 * Resolves `root.path` against the [property@Svfs.Spec:bundle-dir] and
 * cleans it lexically (`.`, `..` and repeated slashes; symlinks are not
 * followed).
 *
 * Returns: (transfer full) (type filename): the absolute root path
 *
 * Since: 1.0
 */
char *
svfs_spec_dup_resolved_root_path (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  return g_canonicalize_filename (svfs_spec_get_root_path (self), self->bundle_dir);
}

/**
 * svfs_spec_get_root_readonly:
 * @self: a #SvfsSpec
 *
 * Gets the spec's `root.readonly`.
 *
 * Returns: %TRUE if the root must be read-only in the container
 *
 * Since: 1.0
 */
gboolean
svfs_spec_get_root_readonly (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), FALSE);

  return svfs_json_get_bool_member (spec_member_object (self, "root"), "readonly", FALSE);
}

/**
 * svfs_spec_get_mounts:
 * @self: a #SvfsSpec
 *
 * Gets the spec's `mounts`, in spec order.
 *
 * Returns: (transfer none): a list model of #SvfsSpecMount
 *
 * Since: 1.0
 */
GListModel *
svfs_spec_get_mounts (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  return G_LIST_MODEL (self->mounts);
}

/**
 * svfs_spec_get_devices:
 * @self: a #SvfsSpec
 *
 * Gets the spec's `linux.devices`, in spec order, as devices of kind
 * `spec`.
 *
 * Returns: (transfer none): a list model of #SvfsDevice
 *
 * Since: 1.0
 */
GListModel *
svfs_spec_get_devices (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  return G_LIST_MODEL (self->devices);
}

/**
 * svfs_spec_get_annotations:
 * @self: a #SvfsSpec
 *
 * Gets the spec's `annotations`.
 *
 * Returns: (transfer none) (element-type utf8 utf8): the annotations;
 *   an empty table when there are none
 *
 * Since: 1.0
 */
GHashTable *
svfs_spec_get_annotations (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  return self->annotations;
}

/**
 * svfs_spec_lookup_annotation:
 * @self: a #SvfsSpec
 * @key: an annotation key
 *
 * Looks up one annotation.
 *
 * Returns: (transfer none) (nullable): its value, or %NULL when absent
 *
 * Since: 1.0
 */
const char *
svfs_spec_lookup_annotation (SvfsSpec   *self,
                             const char *key)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return g_hash_table_lookup (self->annotations, key);
}

/**
 * svfs_spec_get_process_args:
 * @self: a #SvfsSpec
 *
 * Gets `process.args`.
 *
 * Returns: (transfer none) (array zero-terminated=1): the arguments; an
 *   empty vector when the spec has no process
 *
 * Since: 1.0
 */
const char * const *
svfs_spec_get_process_args (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  return (const char * const *) self->process_args;
}

/**
 * svfs_spec_get_process_env:
 * @self: a #SvfsSpec
 *
 * Gets `process.env`, entries of the form `KEY=VALUE`.
 *
 * Returns: (transfer none) (array zero-terminated=1): the environment;
 *   an empty vector when absent
 *
 * Since: 1.0
 */
const char * const *
svfs_spec_get_process_env (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  return (const char * const *) self->process_env;
}

/**
 * svfs_spec_get_process_cwd:
 * @self: a #SvfsSpec
 *
 * Gets `process.cwd`.
 *
 * Returns: (transfer none) (nullable): the absolute working directory,
 *   or %NULL when the spec has no process
 *
 * Since: 1.0
 */
const char *
svfs_spec_get_process_cwd (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  return svfs_json_get_string_member (spec_member_object (self, "process"), "cwd", NULL);
}

static JsonObject *
process_user (SvfsSpec *self)
{
  return svfs_json_get_object_member (spec_member_object (self, "process"), "user");
}

/**
 * svfs_spec_get_process_uid:
 * @self: a #SvfsSpec
 *
 * Gets `process.user.uid`.
 *
 * Returns: the uid; 0 when absent
 *
 * Since: 1.0
 */
guint32
svfs_spec_get_process_uid (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), 0);

  return (guint32) svfs_json_get_int_member (process_user (self), "uid", 0);
}

/**
 * svfs_spec_get_process_gid:
 * @self: a #SvfsSpec
 *
 * Gets `process.user.gid`.
 *
 * Returns: the gid; 0 when absent
 *
 * Since: 1.0
 */
guint32
svfs_spec_get_process_gid (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), 0);

  return (guint32) svfs_json_get_int_member (process_user (self), "gid", 0);
}

guint32
svfs_spec_get_process_umask (SvfsSpec *self)
{
  return (guint32) svfs_json_get_int_member (process_user (self), "umask", 022) & 0777;
}

GArray *
svfs_spec_dup_process_additional_gids (SvfsSpec *self)
{
  JsonArray *gids = svfs_json_get_array_member (process_user (self), "additionalGids");
  guint n = gids != NULL ? json_array_get_length (gids) : 0;
  GArray *out = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);

  for (guint i = 0; i < n; i++)
    {
      guint32 gid = (guint32) json_array_get_int_element (gids, i);
      g_array_append_val (out, gid);
    }
  return out;
}

/**
 * svfs_spec_get_process_terminal:
 * @self: a #SvfsSpec
 *
 * Gets `process.terminal`.
 *
 * Returns: %TRUE if the process wants a terminal
 *
 * Since: 1.0
 */
gboolean
svfs_spec_get_process_terminal (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), FALSE);

  return svfs_json_get_bool_member (spec_member_object (self, "process"), "terminal", FALSE);
}

/**
 * svfs_spec_get_masked_paths:
 * @self: a #SvfsSpec
 *
 * Gets `linux.maskedPaths`.
 *
 * Returns: (transfer none) (array zero-terminated=1): the paths; an
 *   empty vector when absent
 *
 * Since: 1.0
 */
const char * const *
svfs_spec_get_masked_paths (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  return (const char * const *) self->masked_paths;
}

/**
 * svfs_spec_get_readonly_paths:
 * @self: a #SvfsSpec
 *
 * Gets `linux.readonlyPaths`.
 *
 * Returns: (transfer none) (array zero-terminated=1): the paths; an
 *   empty vector when absent
 *
 * Since: 1.0
 */
const char * const *
svfs_spec_get_readonly_paths (SvfsSpec *self)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  return (const char * const *) self->readonly_paths;
}

/**
 * svfs_spec_get_rootfs_propagation:
 * @self: a #SvfsSpec
 *
 * Gets `linux.rootfsPropagation`.
 *
 * Returns: (transfer none) (nullable): `private`, `rprivate`, `slave` or
 *   `rslave`, or %NULL when absent (or empty, which runc reads as unset)
 *
 * Since: 1.0
 */
const char *
svfs_spec_get_rootfs_propagation (SvfsSpec *self)
{
  const char *value;

  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);

  value = svfs_json_get_string_member (spec_member_object (self, "linux"), "rootfsPropagation", NULL);
  return value != NULL && value[0] != '\0' ? value : NULL;
}

static JsonObject *
find_namespace (SvfsSpec   *self,
                const char *type)
{
  JsonArray *array =
    svfs_json_get_array_member (spec_member_object (self, "linux"), "namespaces");
  guint n = array != NULL ? json_array_get_length (array) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *ns = json_array_get_object_element (array, i);

      if (g_strcmp0 (svfs_json_get_string_member (ns, "type", NULL), type) == 0)
        return ns;
    }

  return NULL;
}

/**
 * svfs_spec_has_namespace:
 * @self: a #SvfsSpec
 * @type: a namespace type: `pid`, `network`, `mount`, `ipc`, `uts`,
 *   `user`, `cgroup` or `time`
 *
 * Checks whether `linux.namespaces` lists @type (to be created, or joined
 * when it has a path).
 *
 * Returns: %TRUE if the spec asks for the namespace
 *
 * Since: 1.0
 */
gboolean
svfs_spec_has_namespace (SvfsSpec   *self,
                         const char *type)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), FALSE);
  g_return_val_if_fail (type != NULL, FALSE);

  return find_namespace (self, type) != NULL;
}

/**
 * svfs_spec_get_namespace_path:
 * @self: a #SvfsSpec
 * @type: a namespace type, as for svfs_spec_has_namespace()
 *
 * Gets the `path` of the namespace of @type to join.
 *
 * Returns: (transfer none) (nullable) (type filename): the path, or %NULL
 *   when the namespace is absent or is to be created
 *
 * Since: 1.0
 */
const char *
svfs_spec_get_namespace_path (SvfsSpec   *self,
                              const char *type)
{
  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);
  g_return_val_if_fail (type != NULL, NULL);

  return svfs_json_get_string_member (find_namespace (self, type), "path", NULL);
}

/**
 * svfs_spec_get_hook_paths:
 * @self: a #SvfsSpec
 * @stage: a hook stage: `prestart`, `createRuntime`, `createContainer`,
 *   `startContainer`, `poststart` or `poststop`
 *
 * Gets the `path` of each hook of @stage, in spec order.
 *
 * Returns: (transfer none) (array zero-terminated=1): the paths; an empty
 *   vector when the stage has no hooks or is not a known stage
 *
 * Since: 1.0
 */
const char * const *
svfs_spec_get_hook_paths (SvfsSpec   *self,
                          const char *stage)
{
  const char * const *paths;

  g_return_val_if_fail (SVFS_IS_SPEC (self), NULL);
  g_return_val_if_fail (stage != NULL, NULL);

  paths = g_hash_table_lookup (self->hook_paths, stage);
  return paths != NULL ? paths : empty_strv;
}
