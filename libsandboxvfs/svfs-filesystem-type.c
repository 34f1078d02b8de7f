/* svfs-filesystem-type.c: a filesystem type the mount compiler knows
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "svfs-error.h"
#include "svfs-filesystem-type.h"
#include "svfs-filesystem-type-private.h"

/**
 * SvfsFilesystemType:
 *
 * A filesystem type that the mount compiler knows: its name, whether an
 * application inside the container may mount it or see it listed, and which
 * mount options are data for the filesystem (such as tmpfs `size=64m`)
 * rather than generic mount flags (such as `nosuid`).
 *
 * Types live in a process-wide registry. It starts with the built-in types
 * `bind`, `cgroup`, `cgroup2`, `dev`, `devpts`, `erofs`, `mqueue`,
 * `overlay`, `proc`, `sysfs` and `tmpfs`; a mount whose type is not
 * registered is skipped by the compiler. Further types are added with
 * [method@Svfs.FilesystemType.register], and may be implemented in C, Python
 * or JavaScript by subclassing and overriding
 * [vfunc@Svfs.FilesystemType.validate_data]:
 *
 * ```python
 * class MyFs(Svfs.FilesystemType):
 *     def do_validate_data(self, key, value):
 *         if key == "foo" and value not in ("a", "b"):
 *             raise GLib.Error(f'foo "{value}": expected a or b',
 *                              "svfs-error-quark", Svfs.Error.INVALID_OPTION)
 *         return True
 *
 * Svfs.FilesystemType.register(MyFs(name="myfs", data_keys=["foo"]))
 * ```
 *
 * All properties are construct-only, so a type never changes once it is
 * made and may be used from any thread.
 *
 * Since: 1.0
 */

typedef struct
{
  char     *name;
  char    **data_keys;
  gboolean  allow_user_mount;
  gboolean  allow_user_list;
  gboolean  strict_options;
} SvfsFilesystemTypePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (SvfsFilesystemType, svfs_filesystem_type, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_ALLOW_USER_MOUNT,
  PROP_ALLOW_USER_LIST,
  PROP_DATA_KEYS,
  PROP_STRICT_OPTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The registry: name → SvfsFilesystemType (a strong reference). Created,
 * with the built-in types, on first use; never freed. */
static GMutex registry_lock;
static GHashTable *registry;

static void
svfs_filesystem_type_finalize (GObject *object)
{
  SvfsFilesystemType *self = SVFS_FILESYSTEM_TYPE (object);
  SvfsFilesystemTypePrivate *priv = svfs_filesystem_type_get_instance_private (self);

  g_clear_pointer (&priv->name, g_free);
  g_clear_pointer (&priv->data_keys, g_strfreev);

  G_OBJECT_CLASS (svfs_filesystem_type_parent_class)->finalize (object);
}

static void
svfs_filesystem_type_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SvfsFilesystemType *self = SVFS_FILESYSTEM_TYPE (object);
  SvfsFilesystemTypePrivate *priv = svfs_filesystem_type_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, priv->name);
      break;

    case PROP_ALLOW_USER_MOUNT:
      g_value_set_boolean (value, priv->allow_user_mount);
      break;

    case PROP_ALLOW_USER_LIST:
      g_value_set_boolean (value, priv->allow_user_list);
      break;

    case PROP_DATA_KEYS:
      g_value_set_boxed (value, priv->data_keys);
      break;

    case PROP_STRICT_OPTIONS:
      g_value_set_boolean (value, priv->strict_options);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
svfs_filesystem_type_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SvfsFilesystemType *self = SVFS_FILESYSTEM_TYPE (object);
  SvfsFilesystemTypePrivate *priv = svfs_filesystem_type_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      g_free (priv->name);
      priv->name = g_value_dup_string (value);
      break;

    case PROP_ALLOW_USER_MOUNT:
      priv->allow_user_mount = g_value_get_boolean (value);
      break;

    case PROP_ALLOW_USER_LIST:
      priv->allow_user_list = g_value_get_boolean (value);
      break;

    case PROP_DATA_KEYS:
      {
        const char * const *keys = g_value_get_boxed (value);
        static const char * const no_keys[] = { NULL };

        g_strfreev (priv->data_keys);
        /* Never NULL, so the getter can hand out an empty list. */
        priv->data_keys = g_strdupv ((char **) (keys != NULL ? keys : no_keys));
      }
      break;

    case PROP_STRICT_OPTIONS:
      priv->strict_options = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
svfs_filesystem_type_real_is_data_key (SvfsFilesystemType *self,
                                       const char         *key)
{
  SvfsFilesystemTypePrivate *priv = svfs_filesystem_type_get_instance_private (self);

  /* Exact and case-sensitive, as the kernel compares mount option names:
   * `Size=1m` is not tmpfs data. */
  return g_strv_contains ((const char * const *) priv->data_keys, key);
}

static gboolean
svfs_filesystem_type_real_validate_data (SvfsFilesystemType  *self,
                                         const char          *key,
                                         const char          *value,
                                         GError             **error)
{
  return TRUE;
}

static void
svfs_filesystem_type_class_init (SvfsFilesystemTypeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = svfs_filesystem_type_finalize;
  object_class->get_property = svfs_filesystem_type_get_property;
  object_class->set_property = svfs_filesystem_type_set_property;

  klass->is_data_key = svfs_filesystem_type_real_is_data_key;
  klass->validate_data = svfs_filesystem_type_real_validate_data;

  /**
   * SvfsFilesystemType:name: (getter get_name)
   *
   * The filesystem type's name, as a mount's `type` in the OCI runtime spec
   * and the plan name it (`tmpfs`, `proc`, …). It is also the key of the
   * registry.
   *
   * Since: 1.0
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * SvfsFilesystemType:allow-user-mount: (getter get_allow_user_mount)
   *
   * Whether an application inside the container may mount a filesystem of
   * this type itself with mount(2). Mounts made from the spec are always
   * allowed.
   *
   * Since: 1.0
   */
  properties[PROP_ALLOW_USER_MOUNT] =
    g_param_spec_boolean ("allow-user-mount", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS);

  /**
   * SvfsFilesystemType:allow-user-list: (getter get_allow_user_list)
   *
   * Whether the type is listed to applications inside the container, as in
   * `/proc/filesystems`.
   *
   * Since: 1.0
   */
  properties[PROP_ALLOW_USER_LIST] =
    g_param_spec_boolean ("allow-user-list", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS);

  /**
   * SvfsFilesystemType:data-keys: (getter get_data_keys)
   *
   * The mount option keys (the text before `=`, or a whole bare option)
   * that are data for this filesystem rather than generic mount options,
   * for example `mode`, `size`, `uid`, `gid` for tmpfs. Keys compare
   * exactly and case-sensitively. An empty list when the type takes no
   * data.
   *
   * Since: 1.0
   */
  properties[PROP_DATA_KEYS] =
    g_param_spec_boxed ("data-keys", NULL, NULL,
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS);

  /**
   * SvfsFilesystemType:strict-options: (getter get_strict_options)
   *
   * Whether a mount option that is neither a known mount flag nor a data
   * key is an error, rather than a warning in the plan. %TRUE for `bind`.
   *
   * Since: 1.0
   */
  properties[PROP_STRICT_OPTIONS] =
    g_param_spec_boolean ("strict-options", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
svfs_filesystem_type_init (SvfsFilesystemType *self)
{
  SvfsFilesystemTypePrivate *priv = svfs_filesystem_type_get_instance_private (self);

  priv->data_keys = g_new0 (char *, 1);
}

/**
 * svfs_filesystem_type_get_name:
 * @self: a #SvfsFilesystemType
 *
 * Gets the name of the filesystem type.
 *
 * Returns: (nullable): the name, or %NULL when none was given at
 *   construction (such a type cannot be registered)
 *
 * Since: 1.0
 */
const char *
svfs_filesystem_type_get_name (SvfsFilesystemType *self)
{
  SvfsFilesystemTypePrivate *priv;

  g_return_val_if_fail (SVFS_IS_FILESYSTEM_TYPE (self), NULL);

  priv = svfs_filesystem_type_get_instance_private (self);
  return priv->name;
}

/**
 * svfs_filesystem_type_get_allow_user_mount:
 * @self: a #SvfsFilesystemType
 *
 * Gets whether an application in the container may mount this type itself.
 *
 * Returns: the value of [property@Svfs.FilesystemType:allow-user-mount]
 *
 * Since: 1.0
 */
gboolean
svfs_filesystem_type_get_allow_user_mount (SvfsFilesystemType *self)
{
  SvfsFilesystemTypePrivate *priv;

  g_return_val_if_fail (SVFS_IS_FILESYSTEM_TYPE (self), FALSE);

  priv = svfs_filesystem_type_get_instance_private (self);
  return priv->allow_user_mount;
}

/**
 * svfs_filesystem_type_get_allow_user_list:
 * @self: a #SvfsFilesystemType
 *
 * Gets whether this type is listed to applications in the container.
 *
 * Returns: the value of [property@Svfs.FilesystemType:allow-user-list]
 *
 * Since: 1.0
 */
gboolean
svfs_filesystem_type_get_allow_user_list (SvfsFilesystemType *self)
{
  SvfsFilesystemTypePrivate *priv;

  g_return_val_if_fail (SVFS_IS_FILESYSTEM_TYPE (self), FALSE);

  priv = svfs_filesystem_type_get_instance_private (self);
  return priv->allow_user_list;
}

/**
 * svfs_filesystem_type_get_data_keys:
 * @self: a #SvfsFilesystemType
 *
 * Gets the option keys that are filesystem data for this type.
 *
 * Returns: (transfer none) (array zero-terminated=1): the keys; empty, never
 *   %NULL, when the type takes no data
 *
 * Since: 1.0
 */
const char * const *
svfs_filesystem_type_get_data_keys (SvfsFilesystemType *self)
{
  SvfsFilesystemTypePrivate *priv;

  g_return_val_if_fail (SVFS_IS_FILESYSTEM_TYPE (self), NULL);

  priv = svfs_filesystem_type_get_instance_private (self);
  return (const char * const *) priv->data_keys;
}

/**
 * svfs_filesystem_type_get_strict_options:
 * @self: a #SvfsFilesystemType
 *
 * Gets whether unknown mount options are errors for this type.
 *
 * Returns: the value of [property@Svfs.FilesystemType:strict-options]
 *
 * Since: 1.0
 */
gboolean
svfs_filesystem_type_get_strict_options (SvfsFilesystemType *self)
{
  SvfsFilesystemTypePrivate *priv;

  g_return_val_if_fail (SVFS_IS_FILESYSTEM_TYPE (self), FALSE);

  priv = svfs_filesystem_type_get_instance_private (self);
  return priv->strict_options;
}

/**
 * SvfsFilesystemTypeClass::is_data_key:
 * @self: a #SvfsFilesystemType
 * @key: an option key: the text before the first `=`, or a whole bare
 *   option
 *
 * Decides whether @key is filesystem data. The default implementation
 * looks @key up in [property@Svfs.FilesystemType:data-keys].
 *
 * Returns: %TRUE when @key is filesystem data
 *
 * Since: 1.0
 */

/**
 * svfs_filesystem_type_is_data_key:
 * @self: a #SvfsFilesystemType
 * @key: an option key: the text before the first `=`, or a whole bare
 *   option
 *
 * Tells whether the mount option key @key is data for this filesystem
 * (handed to the filesystem and checked with
 * [method@Svfs.FilesystemType.validate_data]) rather than a generic mount
 * option.
 *
 * Returns: %TRUE when @key is filesystem data
 *
 * Since: 1.0
 */
gboolean
svfs_filesystem_type_is_data_key (SvfsFilesystemType *self,
                                  const char         *key)
{
  g_return_val_if_fail (SVFS_IS_FILESYSTEM_TYPE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return SVFS_FILESYSTEM_TYPE_GET_CLASS (self)->is_data_key (self, key);
}

/**
 * SvfsFilesystemTypeClass::validate_data:
 * @self: a #SvfsFilesystemType
 * @key: a data option key
 * @value: (nullable): the text after the first `=`, or %NULL for a bare key
 * @error: return location for a #GError
 *
 * Checks one data option. An implementation that rejects the value should
 * set @error to %SVFS_ERROR_INVALID_OPTION with a message that names @key
 * and @value and says what is expected, without naming the mount. The
 * default implementation accepts everything.
 *
 * Returns: %TRUE when the value is acceptable
 *
 * Since: 1.0
 */

/**
 * svfs_filesystem_type_validate_data:
 * @self: a #SvfsFilesystemType
 * @key: a data option key (see [method@Svfs.FilesystemType.is_data_key])
 * @value: (nullable): the text after the first `=`, or %NULL for a bare key
 *   such as devpts `newinstance`
 * @error: return location for a #GError
 *
 * Checks the value of one filesystem data option, for example that tmpfs
 * `size` is `64m` rather than `64q`.
 *
 * An error is always set when this returns %FALSE: when an implementation of
 * [vfunc@Svfs.FilesystemType.validate_data] rejects the value without
 * saying why, the error is %SVFS_ERROR_INVALID_OPTION with the message
 * `invalid value for <key>`.
 *
 * Returns: %TRUE when the value is acceptable
 *
 * Since: 1.0
 */
gboolean
svfs_filesystem_type_validate_data (SvfsFilesystemType  *self,
                                    const char          *key,
                                    const char          *value,
                                    GError             **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SVFS_IS_FILESYSTEM_TYPE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A local error, so we can tell whether the implementation set one even
   * when the caller passes no error location. */
  if (SVFS_FILESYSTEM_TYPE_GET_CLASS (self)->validate_data (self, key, value, &local_error))
    {
      /* An implementation that accepts but sets an error is confused; the
       * return value wins. */
      if (local_error != NULL)
        g_debug ("filesystem type \"%s\" accepted %s but set an error: %s",
                 svfs_filesystem_type_get_name (self), key, local_error->message);
      return TRUE;
    }

  if (local_error == NULL)
    local_error = g_error_new (SVFS_ERROR, SVFS_ERROR_INVALID_OPTION,
                               "invalid value for %s", key);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Called with registry_lock held. */
static GHashTable *
get_registry_locked (void)
{
  if (registry == NULL)
    {
      g_autoptr(GPtrArray) builtins = svfs_builtin_filesystem_types_new ();

      registry = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
      for (guint i = 0; i < builtins->len; i++)
        {
          SvfsFilesystemType *type = g_ptr_array_index (builtins, i);
          const char *name = svfs_filesystem_type_get_name (type);

          g_assert (name != NULL && !g_hash_table_contains (registry, name));
          /* The key is the type's own name, which lives as long as the
           * value does. */
          g_hash_table_insert (registry, (gpointer) name, g_object_ref (type));
        }
    }

  return registry;
}

/**
 * svfs_filesystem_type_register:
 * @type: the filesystem type to add
 * @error: return location for a #GError
 *
 * Adds @type to the process-wide registry, so that the mount compiler
 * accepts mounts of that type. The registry keeps a reference to @type.
 *
 * Fails with %SVFS_ERROR_UNSUPPORTED when @type has no name or a type of
 * that name is already registered; replace a type by unregistering the old
 * one first.
 *
 * This function is thread-safe.
 *
 * Returns: %TRUE when @type was registered
 *
 * Since: 1.0
 */
gboolean
svfs_filesystem_type_register (SvfsFilesystemType  *type,
                               GError             **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  GHashTable *table;
  const char *name;

  g_return_val_if_fail (SVFS_IS_FILESYSTEM_TYPE (type), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = svfs_filesystem_type_get_name (type);
  if (name == NULL || *name == '\0')
    {
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                           "a filesystem type needs a non-empty name to be registered");
      return FALSE;
    }

  locker = g_mutex_locker_new (&registry_lock);
  table = get_registry_locked ();

  if (g_hash_table_contains (table, name))
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                   "filesystem type \"%s\" is already registered", name);
      return FALSE;
    }

  g_hash_table_insert (table, (gpointer) name, g_object_ref (type));
  return TRUE;
}

/**
 * svfs_filesystem_type_unregister:
 * @name: the name of a registered filesystem type
 *
 * Removes the filesystem type called @name from the process-wide registry.
 * Built-in types may be removed too; the compiler then skips mounts of
 * that type as unknown. Objects obtained earlier with
 * [func@Svfs.FilesystemType.lookup] stay valid.
 *
 * This function is thread-safe.
 *
 * Returns: %TRUE when a type was removed, %FALSE when none had that name
 *
 * Since: 1.0
 */
gboolean
svfs_filesystem_type_unregister (const char *name)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (name != NULL, FALSE);

  locker = g_mutex_locker_new (&registry_lock);
  return g_hash_table_remove (get_registry_locked (), name);
}

/**
 * svfs_filesystem_type_lookup:
 * @name: a filesystem type name, such as `tmpfs`
 *
 * Finds a registered filesystem type by its exact, case-sensitive name.
 *
 * This function is thread-safe.
 *
 * Returns: (transfer full) (nullable): a new reference to the type, or
 *   %NULL when no type of that name is registered
 *
 * Since: 1.0
 */
SvfsFilesystemType *
svfs_filesystem_type_lookup (const char *name)
{
  g_autoptr(GMutexLocker) locker = NULL;
  SvfsFilesystemType *type;

  g_return_val_if_fail (name != NULL, NULL);

  locker = g_mutex_locker_new (&registry_lock);
  type = g_hash_table_lookup (get_registry_locked (), name);
  return type != NULL ? g_object_ref (type) : NULL;
}

static int
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  SvfsFilesystemType *type_a = *(SvfsFilesystemType * const *) a;
  SvfsFilesystemType *type_b = *(SvfsFilesystemType * const *) b;

  return strcmp (svfs_filesystem_type_get_name (type_a),
                 svfs_filesystem_type_get_name (type_b));
}

/**
 * svfs_filesystem_type_list_registered:
 *
 * Lists the registered filesystem types, sorted bytewise by name. The list
 * is a snapshot: later registrations do not change it.
 *
 * This function is thread-safe.
 *
 * Returns: (transfer full): a new list model of [class@Svfs.FilesystemType]
 *
 * Since: 1.0
 */
GListModel *
svfs_filesystem_type_list_registered (void)
{
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func (g_object_unref);
  GListStore *store = g_list_store_new (SVFS_TYPE_FILESYSTEM_TYPE);

  {
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&registry_lock);
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, get_registry_locked ());
    while (g_hash_table_iter_next (&iter, NULL, &value))
      g_ptr_array_add (types, g_object_ref (value));
  }

  g_ptr_array_sort (types, compare_by_name);
  g_list_store_splice (store, 0, 0, types->pdata, types->len);

  return G_LIST_MODEL (store);
}
