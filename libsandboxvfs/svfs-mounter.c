/* svfs-mounter.c: compiles a spec and a config into a mount plan
 *
 * The compiler is pure: it reads the spec, the config and (for the auto-/tmp
 * decision) the rootfs, and writes nothing.  The semantics are gVisor's
 * runsc container filesystem setup with the decisions recorded in
 * shared/design/ARCHITECTURE.md and doc/gvisor-compat.md.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "svfs-device.h"
#include "svfs-device-registry-private.h"
#include "svfs-enums.h"
#include "svfs-error.h"
#include "svfs-filesystem-type.h"
#include "svfs-mount-hints-private.h"
#include "svfs-mount-plan-private.h"
#include "svfs-mounter.h"
#include "svfs-path-private.h"
#include "svfs-spec-mount.h"

/**
 * SvfsMounter:
 *
 * Turns an [class@Svfs.Spec] and an [class@Svfs.Config] into an
 * [class@Svfs.MountPlan]: which mounts the container gets, in which order,
 * with which data, flags, overlays and devices.
 *
 * Compiling has no side effects. It follows the container filesystem
 * setup of gVisor's runsc: mandatory `/proc`, `/sys`, `/dev` and
 * `/dev/pts`; cleaned destinations sorted stably by length so parents come
 * first; bind conversion; cgroup de-duplication; per-type option handling;
 * overlays from `overlay2`; an automatic tmpfs at `/tmp`; pod mount hints.
 *
 * ```python
 * plan = Svfs.Mounter.new(spec, config).compile()
 * for m in plan:
 *     print(m.props.destination, m.props.fs_type)
 * ```
 *
 * Since: 1.0
 */

struct _SvfsMounter
{
  GObject     parent_instance;

  SvfsSpec   *spec;
  SvfsConfig *config;
  int         n_source_fds;
  SvfsDeviceRegistry *device_registry;
  gint64      owner_uid;   /* -1: none */
  gint64      owner_gid;
};

G_DEFINE_FINAL_TYPE (SvfsMounter, svfs_mounter, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SPEC,
  PROP_CONFIG,
  PROP_N_SOURCE_FDS,
  PROP_DEVICE_REGISTRY,
  PROP_OWNER_UID,
  PROP_OWNER_GID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
svfs_mounter_dispose (GObject *object)
{
  SvfsMounter *self = SVFS_MOUNTER (object);

  g_clear_object (&self->spec);
  g_clear_object (&self->config);
  g_clear_object (&self->device_registry);

  G_OBJECT_CLASS (svfs_mounter_parent_class)->dispose (object);
}

static void
svfs_mounter_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SvfsMounter *self = SVFS_MOUNTER (object);

  switch (prop_id)
    {
    case PROP_SPEC:
      g_value_set_object (value, self->spec);
      break;
    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;
    case PROP_N_SOURCE_FDS:
      g_value_set_int (value, self->n_source_fds);
      break;
    case PROP_DEVICE_REGISTRY:
      g_value_set_object (value, self->device_registry);
      break;
    case PROP_OWNER_UID:
      g_value_set_int64 (value, self->owner_uid);
      break;
    case PROP_OWNER_GID:
      g_value_set_int64 (value, self->owner_gid);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
svfs_mounter_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SvfsMounter *self = SVFS_MOUNTER (object);

  switch (prop_id)
    {
    case PROP_SPEC:
      self->spec = g_value_dup_object (value);
      break;
    case PROP_CONFIG:
      self->config = g_value_dup_object (value);
      break;
    case PROP_N_SOURCE_FDS:
      svfs_mounter_set_n_source_fds (self, g_value_get_int (value));
      break;
    case PROP_DEVICE_REGISTRY:
      svfs_mounter_set_device_registry (self, g_value_get_object (value));
      break;
    case PROP_OWNER_UID:
      if (self->owner_uid != g_value_get_int64 (value))
        {
          self->owner_uid = g_value_get_int64 (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_OWNER_GID:
      if (self->owner_gid != g_value_get_int64 (value))
        {
          self->owner_gid = g_value_get_int64 (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
svfs_mounter_constructed (GObject *object)
{
  SvfsMounter *self = SVFS_MOUNTER (object);

  G_OBJECT_CLASS (svfs_mounter_parent_class)->constructed (object);

  if (self->config == NULL)
    self->config = svfs_config_new ();
}

static void
svfs_mounter_class_init (SvfsMounterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = svfs_mounter_dispose;
  object_class->constructed = svfs_mounter_constructed;
  object_class->get_property = svfs_mounter_get_property;
  object_class->set_property = svfs_mounter_set_property;

  /**
   * SvfsMounter:spec:
   *
   * The spec to compile.
   *
   * Since: 1.0
   */
  properties[PROP_SPEC] =
    g_param_spec_object ("spec", NULL, NULL, SVFS_TYPE_SPEC,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * SvfsMounter:config:
   *
   * The runtime configuration; a default one when none is given.
   *
   * Since: 1.0
   */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, SVFS_TYPE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * SvfsMounter:n-source-fds:
   *
   * How many source file descriptors the caller provides (the rootfs, then
   * one per bind mount source in spec order), or -1 when sources are paths.
   * When set, compiling checks the count.
   *
   * Since: 1.0
   */
  properties[PROP_N_SOURCE_FDS] =
    g_param_spec_int ("n-source-fds", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * SvfsMounter:device-registry:
   *
   * Where host devices are read when the plan needs them (`nvproxy`,
   * `tpuproxy`, CDI annotations); %NULL means the host's `/sys`, `/dev`,
   * `/proc` and CDI directories.
   *
   * Since: 1.0
   */
  properties[PROP_DEVICE_REGISTRY] =
    g_param_spec_object ("device-registry", NULL, NULL, SVFS_TYPE_DEVICE_REGISTRY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * SvfsMounter:owner-uid:
   *
   * The user (in the caller's user namespace) that owns the namespaces
   * [method@Svfs.Mounter.apply] builds, or -1 for none; see
   * [method@Svfs.Mounter.set_owner].
   *
   * Since: 1.0
   */
  properties[PROP_OWNER_UID] =
    g_param_spec_int64 ("owner-uid", NULL, NULL, -1, G_MAXUINT32 - 1, -1,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * SvfsMounter:owner-gid:
   *
   * The group mapped to 0 in the owner's user namespace, or -1 for none;
   * see [method@Svfs.Mounter.set_owner].
   *
   * Since: 1.0
   */
  properties[PROP_OWNER_GID] =
    g_param_spec_int64 ("owner-gid", NULL, NULL, -1, G_MAXUINT32 - 1, -1,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
svfs_mounter_init (SvfsMounter *self)
{
  self->n_source_fds = -1;
  self->owner_uid = -1;
  self->owner_gid = -1;
}

/**
 * svfs_mounter_new:
 * @spec: the spec
 * @config: (nullable): the runtime configuration, or %NULL for defaults
 *
 * Creates a mounter for @spec and @config.
 *
 * Returns: (transfer full): a new mounter
 *
 * Since: 1.0
 */
SvfsMounter *
svfs_mounter_new (SvfsSpec   *spec,
                  SvfsConfig *config)
{
  g_return_val_if_fail (SVFS_IS_SPEC (spec), NULL);
  g_return_val_if_fail (config == NULL || SVFS_IS_CONFIG (config), NULL);

  return g_object_new (SVFS_TYPE_MOUNTER, "spec", spec, "config", config, NULL);
}

/**
 * svfs_mounter_get_spec:
 * @self: a mounter
 *
 * Gets the spec the mounter compiles.
 *
 * Returns: (transfer none): the spec
 *
 * Since: 1.0
 */
SvfsSpec *
svfs_mounter_get_spec (SvfsMounter *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNTER (self), NULL);
  return self->spec;
}

/**
 * svfs_mounter_get_config:
 * @self: a mounter
 *
 * Gets the runtime configuration the mounter compiles with.
 *
 * Returns: (transfer none): the runtime configuration
 *
 * Since: 1.0
 */
SvfsConfig *
svfs_mounter_get_config (SvfsMounter *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNTER (self), NULL);
  return self->config;
}

/**
 * svfs_mounter_get_n_source_fds:
 * @self: a mounter
 *
 * Gets how many source file descriptors the caller provides: the rootfs
 * first, then one per bind mount source in spec order. -1 means sources are
 * paths, not fds.
 *
 * Returns: the number of source fds the caller provides, or -1
 *
 * Since: 1.0
 */
int
svfs_mounter_get_n_source_fds (SvfsMounter *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNTER (self), -1);
  return self->n_source_fds;
}

/**
 * svfs_mounter_set_n_source_fds:
 * @self: a mounter
 * @n_source_fds: the number of source fds, or -1 when sources are paths
 *
 * Says how many source file descriptors will be given: the rootfs first,
 * then one per bind mount with a source, in spec order. Compiling fails
 * with %SVFS_ERROR_SOURCE_FDS when the spec needs another number.
 *
 * Since: 1.0
 */
void
svfs_mounter_set_n_source_fds (SvfsMounter *self,
                               int          n_source_fds)
{
  g_return_if_fail (SVFS_IS_MOUNTER (self));
  g_return_if_fail (n_source_fds >= -1);

  if (self->n_source_fds == n_source_fds)
    return;
  self->n_source_fds = n_source_fds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SOURCE_FDS]);
}

/* ---------------------------------------------------------------------- */
/* The compiler                                                            */

typedef enum {
  OPT_FLAG_SET,
  OPT_FLAG_CLEAR,
  OPT_ATIME_MODE,
  OPT_ATIME,
  OPT_PROPAGATION,
  OPT_BIND,
  OPT_RBIND,
  OPT_TMPCOPYUP,
  OPT_NO_EFFECT,
} OptionKind;

typedef struct {
  const char     *name;
  OptionKind      kind;
  SvfsMountFlags  flag;
  SvfsPropagation propagation;
} GenericOption;

/* mount(8) / OCI runtime-spec generic options.  The last one wins. */
static const GenericOption generic_options[] = {
  { "ro", OPT_FLAG_SET, SVFS_MOUNT_FLAGS_RDONLY },
  { "rw", OPT_FLAG_CLEAR, SVFS_MOUNT_FLAGS_RDONLY },
  { "nosuid", OPT_FLAG_SET, SVFS_MOUNT_FLAGS_NOSUID },
  { "suid", OPT_FLAG_CLEAR, SVFS_MOUNT_FLAGS_NOSUID },
  { "nodev", OPT_FLAG_SET, SVFS_MOUNT_FLAGS_NODEV },
  { "dev", OPT_FLAG_CLEAR, SVFS_MOUNT_FLAGS_NODEV },
  { "noexec", OPT_FLAG_SET, SVFS_MOUNT_FLAGS_NOEXEC },
  { "exec", OPT_FLAG_CLEAR, SVFS_MOUNT_FLAGS_NOEXEC },
  { "nodiratime", OPT_FLAG_SET, SVFS_MOUNT_FLAGS_NODIRATIME },
  { "diratime", OPT_FLAG_CLEAR, SVFS_MOUNT_FLAGS_NODIRATIME },
  { "noatime", OPT_ATIME_MODE, SVFS_MOUNT_FLAGS_NOATIME },
  { "relatime", OPT_ATIME_MODE, SVFS_MOUNT_FLAGS_RELATIME },
  { "strictatime", OPT_ATIME_MODE, SVFS_MOUNT_FLAGS_STRICTATIME },
  { "atime", OPT_ATIME, 0 },
  { "private", OPT_PROPAGATION, 0, SVFS_PROPAGATION_PRIVATE },
  { "rprivate", OPT_PROPAGATION, 0, SVFS_PROPAGATION_RPRIVATE },
  { "slave", OPT_PROPAGATION, 0, SVFS_PROPAGATION_SLAVE },
  { "rslave", OPT_PROPAGATION, 0, SVFS_PROPAGATION_RSLAVE },
  { "shared", OPT_PROPAGATION, 0, SVFS_PROPAGATION_SHARED },
  { "rshared", OPT_PROPAGATION, 0, SVFS_PROPAGATION_RSHARED },
  { "unbindable", OPT_PROPAGATION, 0, SVFS_PROPAGATION_UNBINDABLE },
  { "runbindable", OPT_PROPAGATION, 0, SVFS_PROPAGATION_RUNBINDABLE },
  { "bind", OPT_BIND },
  { "rbind", OPT_RBIND },
  { "tmpcopyup", OPT_TMPCOPYUP },
  /* Known to mount(8) and the OCI option table, no effect on the plan. */
  { "defaults", OPT_NO_EFFECT },
  { "async", OPT_NO_EFFECT },
  { "sync", OPT_NO_EFFECT },
  { "dirsync", OPT_NO_EFFECT },
  { "iversion", OPT_NO_EFFECT },
  { "noiversion", OPT_NO_EFFECT },
  { "mand", OPT_NO_EFFECT },
  { "nomand", OPT_NO_EFFECT },
  { "silent", OPT_NO_EFFECT },
  { "loud", OPT_NO_EFFECT },
  { "acl", OPT_NO_EFFECT },
  { "noacl", OPT_NO_EFFECT },
  { "norelatime", OPT_NO_EFFECT },
  { "nostrictatime", OPT_NO_EFFECT },
  { "remount", OPT_NO_EFFECT },
  { "lazytime", OPT_NO_EFFECT },
  { "nolazytime", OPT_NO_EFFECT },
};

#define ATIME_MODES (SVFS_MOUNT_FLAGS_NOATIME | SVFS_MOUNT_FLAGS_RELATIME | SVFS_MOUNT_FLAGS_STRICTATIME)

static const GenericOption *
lookup_generic_option (const char *option)
{
  static GHashTable *table;

  if (g_once_init_enter (&table))
    {
      GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < G_N_ELEMENTS (generic_options); i++)
        g_hash_table_insert (t, (gpointer) generic_options[i].name, (gpointer) &generic_options[i]);
      g_once_init_leave (&table, t);
    }
  return g_hash_table_lookup (table, option);
}

/* What a compilation reads from the mounter besides its spec.
 * compile_async() takes owned copies when it starts (its worker runs while
 * the caller may change the config, the bundle dir, the registry or the
 * fd count); the synchronous compile borrows them. */
typedef struct {
  SvfsConfig         *config;
  char               *bundle_dir;
  SvfsDeviceRegistry *device_registry;   /* nullable */
  int                 n_source_fds;
} CompileInput;

static CompileInput *
compile_input_new (SvfsMounter *self)
{
  CompileInput *input = g_new0 (CompileInput, 1);

  input->config = svfs_config_copy (self->config);
  input->bundle_dir = g_strdup (svfs_spec_get_bundle_dir (self->spec));
  if (self->device_registry != NULL)
    input->device_registry = g_object_ref (self->device_registry);
  input->n_source_fds = self->n_source_fds;
  return input;
}

static void
compile_input_free (CompileInput *input)
{
  g_clear_object (&input->config);
  g_clear_pointer (&input->bundle_dir, g_free);
  g_clear_object (&input->device_registry);
  g_free (input);
}

/* The state of one compilation. */
typedef struct {
  SvfsMounter        *mounter;
  SvfsMountPlan      *plan;
  SvfsPodMountHints  *hints;
  GHashTable         *hint_options; /* hint name → Options of its master, parsed once */
  GHashTable         *fs_types;     /* name → SvfsFilesystemType (owned) */
  SvfsConfig         *config;
  const char         *bundle_dir;
  SvfsDeviceRegistry *device_registry;
  guint               next_fd;
} Compiler;

static void
unref_nullable (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
compiler_clear (Compiler *c)
{
  g_clear_object (&c->plan);
  g_clear_pointer (&c->hints, svfs_pod_mount_hints_free);
  g_clear_pointer (&c->hint_options, g_hash_table_unref);
  g_clear_pointer (&c->fs_types, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Compiler, compiler_clear)

static void
warn (Compiler   *c,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
warn (Compiler   *c,
      const char *format,
      ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  /* Keep the array NULL-terminated for svfs_mount_plan_get_warnings(). */
  c->plan->warnings->pdata[c->plan->warnings->len - 1] = text;
  g_ptr_array_add (c->plan->warnings, NULL);
}

static SvfsFilesystemType *
lookup_fs_type (Compiler   *c,
                const char *name)
{
  SvfsFilesystemType *type;

  if (g_hash_table_lookup_extended (c->fs_types, name, NULL, (gpointer *) &type))
    return type;

  type = svfs_filesystem_type_lookup (name);
  g_hash_table_insert (c->fs_types, g_strdup (name), type);
  return type;
}

/* What one list of options (a spec mount's, or a pod hint's) amounts to. */
typedef struct {
  SvfsMountFlags   flags;
  SvfsPropagation  propagation;
  GString         *data;
  gboolean         bind;
  gboolean         recursive;
  gboolean         tmpcopyup;
} Options;

static void
options_clear (Options *o)
{
  if (o->data != NULL)
    g_string_free (o->data, TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static void
options_free (gpointer o)
{
  options_clear (o);
  g_free (o);
}

static gboolean
has_two_equals (const char *option)
{
  const char *eq = strchr (option, '=');
  return eq != NULL && strchr (eq + 1, '=') != NULL;
}

/* The options runsc passes from a bind mount to its gofer (reference
 * §1.7; `dcache` from HEAD).  Here the host kernel mounts the source
 * itself, so they mean nothing, but a spec written for runsc may carry
 * them: they are not unknown options. */
static gboolean
is_gofer_option (SvfsFilesystemType *type,
                 const char         *key)
{
  static const char * const gofer_keys[] = {
    "overlayfs_stale_read", "disable_file_handle_sharing", "dcache", NULL
  };

  return strcmp (svfs_filesystem_type_get_name (type), "bind") == 0 &&
         g_strv_contains (gofer_keys, key);
}

/* Sorts @options into flags, propagation and filesystem data for @type.
 * @where prefixes error messages ("mounts[3] \"/data\""), @dest is used in
 * warnings; @options_path names the list in errors ("options" or the hint
 * annotation). */
static gboolean
parse_options (Compiler            *c,
               const char * const  *options,
               SvfsFilesystemType  *type,
               const char          *where,
               const char          *dest,
               const char          *options_path,
               Options             *out,
               GError             **error)
{
  out->data = g_string_new (NULL);

  for (guint j = 0; options != NULL && options[j] != NULL; j++)
    {
      const char *option = options[j];
      const GenericOption *generic;
      g_autofree char *key = NULL;
      const char *value = NULL;
      const char *eq;

      if (has_two_equals (option))
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION,
                       "%s: %s[%u]: invalid option \"%s\"", where, options_path, j, option);
          return FALSE;
        }

      generic = lookup_generic_option (option);
      if (generic != NULL)
        {
          switch (generic->kind)
            {
            case OPT_FLAG_SET:
              out->flags |= generic->flag;
              break;
            case OPT_FLAG_CLEAR:
              out->flags &= ~generic->flag;
              break;
            case OPT_ATIME_MODE:
              out->flags = (out->flags & ~ATIME_MODES) | generic->flag;
              break;
            case OPT_ATIME:
              out->flags &= ~SVFS_MOUNT_FLAGS_NOATIME;
              break;
            case OPT_PROPAGATION:
              out->propagation = generic->propagation;
              break;
            case OPT_BIND:
              out->bind = TRUE;
              out->recursive = FALSE;
              break;
            case OPT_RBIND:
              out->bind = TRUE;
              out->recursive = TRUE;
              break;
            case OPT_TMPCOPYUP:
              out->tmpcopyup = TRUE;
              break;
            case OPT_NO_EFFECT:
            default:
              break;
            }
          continue;
        }

      eq = strchr (option, '=');
      if (eq != NULL)
        {
          key = g_strndup (option, (gsize) (eq - option));
          value = eq + 1;
        }
      else
        {
          key = g_strdup (option);
        }

      if (type != NULL && svfs_filesystem_type_is_data_key (type, key))
        {
          g_autoptr(GError) local_error = NULL;

          if (!svfs_filesystem_type_validate_data (type, key, value, &local_error))
            {
              g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION,
                           "%s: %s[%u]: %s", where, options_path, j, local_error->message);
              return FALSE;
            }
          if (out->data->len > 0)
            g_string_append_c (out->data, ',');
          g_string_append (out->data, option);
          continue;
        }

      if (type != NULL && is_gofer_option (type, key))
        {
          warn (c, "ignoring gVisor gofer option \"%s\" on %s: there is no gofer", option, dest);
          continue;
        }

      if (type != NULL && svfs_filesystem_type_get_strict_options (type))
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION,
                       "%s: %s[%u]: unknown mount option \"%s\"", where, options_path, j, option);
          return FALSE;
        }

      warn (c, "ignoring unknown mount option \"%s\" on %s", option, dest);
    }

  return TRUE;
}

static char *
absolute_source (Compiler   *c,
                 const char *source)
{
  g_autofree char *joined = NULL;

  if (source[0] == '/')
    return svfs_path_clean (source);
  joined = g_build_filename (c->bundle_dir, source, NULL);
  return svfs_path_clean (joined);
}

static void
add_skipped (Compiler    *c,
             const char  *destination,
             const char  *fs_type,
             int          spec_index,
             const char  *reason)
{
  g_autoptr(SvfsPlannedMount) m = svfs_planned_mount_new ();

  m->destination = g_strdup (destination);
  m->fs_type = g_strdup (fs_type);
  m->spec_index = spec_index;
  m->skip_reason = g_strdup (reason);
  g_list_store_append (c->plan->skipped, m);
}

/* The options of @hint's master filesystem, parsed the first time a view
 * of it needs them (one warning per hint, not per view); @where names the
 * mount that asked, for errors. */
static const Options *
hint_master_options (Compiler            *c,
                     const SvfsMountHint *hint,
                     SvfsFilesystemType  *fs_type,
                     const char          *where,
                     GError             **error)
{
  g_autofree char *hint_path = NULL;
  g_autofree char *hint_name = NULL;
  Options *master;

  if (c->hint_options == NULL)
    c->hint_options = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, options_free);
  master = g_hash_table_lookup (c->hint_options, hint->name);
  if (master != NULL)
    return master;

  hint_path = g_strdup_printf ("annotations[\"%s%s.options\"]", SVFS_MOUNT_HINT_PREFIX, hint->name);
  hint_name = g_strdup_printf ("pod mount hint \"%s\"", hint->name);
  master = g_new0 (Options, 1);
  if (!parse_options (c, (const char * const *) hint->options, fs_type, where,
                      hint_name, hint_path, master, error))
    {
      options_free (master);
      return NULL;
    }
  if (master->tmpcopyup)
    warn (c, "ignoring mount option \"tmpcopyup\" on %s: a shared mount cannot copy up", hint_name);
  g_hash_table_insert (c->hint_options, hint->name, master);
  return master;
}

/* Pod mount hint compatibility (gVisor §14.8 step 4): a view of a shared
 * mount may not be less restrictive than the master. */
static gboolean
check_shared_compat (const char          *where,
                     const SvfsMountHint *hint,
                     SvfsMountFlags       master,
                     SvfsMountFlags       replica,
                     GError             **error)
{
  static const struct {
    SvfsMountFlags flag;
    const char *what;
    const char *master_is;
  } rules[] = {
    { SVFS_MOUNT_FLAGS_RDONLY, "read-write", "read-only" },
    { SVFS_MOUNT_FLAGS_NOEXEC, "exec enabled", "noexec" },
    { SVFS_MOUNT_FLAGS_NOATIME, "atime enabled", "noatime" },
    { SVFS_MOUNT_FLAGS_NOSUID, "suid enabled", "nosuid" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      if ((master & rules[i].flag) && !(replica & rules[i].flag))
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                       "%s: cannot mount %s shared mount because master is %s "
                       "(pod mount hint \"%s\")",
                       where, rules[i].what, rules[i].master_is, hint->name);
          return FALSE;
        }
    }
  return TRUE;
}

/* The size limit of an overlay's upper layer (overlay2's `,size=`, a
 * rootfs hint's `size=`): a memory upper is a tmpfs of that size; an
 * on-disk upper (self, dir=) is a directory, which has none. */
static char *
overlay_size (Compiler          *c,
              SvfsOverlayMedium  medium,
              const char        *size,
              const char        *where)
{
  if (size == NULL || medium == SVFS_OVERLAY_MEDIUM_NONE)
    return NULL;
  if (medium == SVFS_OVERLAY_MEDIUM_SELF || medium == SVFS_OVERLAY_MEDIUM_DIR)
    {
      warn (c, "ignoring overlay size=%s on %s: an overlay on disk (%s) has no size limit",
            size, where, svfs_overlay_medium_to_string (medium));
      return NULL;
    }
  return g_strdup (size);
}

static gboolean
compile_root (Compiler  *c,
              GError   **error)
{
  SvfsSpec *spec = c->mounter->spec;
  SvfsConfig *config = c->config;
  SvfsMountPlan *plan = c->plan;
  g_autoptr(SvfsRootfsHint) hint = NULL;
  g_autoptr(GError) local_error = NULL;
  SvfsOverlayMedium medium = SVFS_OVERLAY_MEDIUM_NONE;
  const char *dir = NULL;
  const char *size = NULL;

  /* No hint is not an error: only local_error tells them apart, whether
   * or not the caller wants the error. */
  hint = svfs_rootfs_hint_new_from_annotations (svfs_spec_get_annotations (spec), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (svfs_config_get_overlay_root (config))
    {
      medium = svfs_config_get_overlay_medium (config);
      dir = svfs_config_get_overlay_dir (config);
      size = svfs_config_get_overlay_size (config);
    }

  if (hint != NULL)
    {
      plan->root_type = g_strdup (hint->type);
      plan->root_source = svfs_path_clean (hint->source);
      if (hint->has_overlay)
        {
          medium = hint->medium;
          dir = hint->overlay_dir;
        }
      if (hint->size != NULL)
        size = hint->size;
    }
  else
    {
      plan->root_type = g_strdup ("bind");
      /* As svfs_spec_dup_resolved_root_path(), against the bundle dir
       * this compilation started with. */
      plan->root_source = g_canonicalize_filename (svfs_spec_get_root_path (spec),
                                                   c->bundle_dir);
      if (plan->root_source == NULL)
        {
          g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC, "root.path: missing");
          return FALSE;
        }
    }

  plan->root_readonly = svfs_spec_get_root_readonly (spec);
  /* A read-only root gets no writable layer (gVisor §4.3). */
  if (plan->root_readonly)
    medium = SVFS_OVERLAY_MEDIUM_NONE;

  plan->root_overlay_medium = medium;
  if (medium == SVFS_OVERLAY_MEDIUM_DIR)
    plan->root_overlay_dir = g_strdup (dir);
  plan->root_overlay_size = overlay_size (c, medium, size, "the root");

  /* The rootfs always takes the first source fd. */
  c->next_fd = 1;
  return TRUE;
}

typedef struct {
  gboolean proc, sys, dev, devpts;
  /* The spec index of the first mount at /sys/fs/cgroup, or -1. */
  int      cgroup_root;
} Presence;

static gboolean
has_bind_option (const char * const *options)
{
  for (guint j = 0; options != NULL && options[j] != NULL; j++)
    if (strcmp (options[j], "bind") == 0 || strcmp (options[j], "rbind") == 0)
      return TRUE;
  return FALSE;
}

/* The type of a spec mount, as gVisor's compiler decides it (§5.2, §5.3),
 * before pod mount hints: "" when it has none.  @dest is cleaned. */
static const char *
compiled_type (SvfsSpecMount *spec_mount,
               const char    *dest)
{
  const char *spec_type = svfs_spec_mount_get_fs_type (spec_mount);

  if (spec_type == NULL)
    spec_type = "";
  if (strcmp (spec_type, "bind") == 0 ||
      has_bind_option (svfs_spec_mount_get_options (spec_mount)))
    return "bind";
  if (strcmp (dest, "/dev") == 0)
    return "dev";
  if (strcmp (dest, "/dev/pts") == 0)
    return "devpts";
  if (strcmp (spec_type, "none") == 0)
    return "sysfs";
  return spec_type;
}

/* Whether the cgroup de-duplication drops spec mount @index: when
 * something is mounted at /sys/fs/cgroup, every other cgroup mount goes,
 * wherever it is in the spec (the first mount at /sys/fs/cgroup stays). */
static gboolean
is_superseded_cgroup (const Presence *presence,
                      guint           index,
                      const char     *type)
{
  return strcmp (type, "cgroup") == 0 &&
         presence->cgroup_root >= 0 && (guint) presence->cgroup_root != index;
}

static gboolean
compile_mount (Compiler       *c,
               SvfsSpecMount  *spec_mount,
               guint           index,
               const Presence *presence,
               GPtrArray      *out,
               GError        **error)
{
  const char *raw_dest = svfs_spec_mount_get_destination (spec_mount);
  const char *spec_source = svfs_spec_mount_get_source (spec_mount);
  const char * const *options = svfs_spec_mount_get_options (spec_mount);
  g_autofree char *dest = svfs_path_clean (raw_dest);
  g_autofree char *where = g_strdup_printf ("mounts[%u] \"%s\"", index, raw_dest);
  g_autofree char *abs_source = NULL;
  g_auto(Options) opts = { 0 };
  g_autoptr(SvfsPlannedMount) m = NULL;
  const SvfsMountHint *hint = NULL;
  SvfsFilesystemType *fs_type;
  const char *type = compiled_type (spec_mount, dest);

  if (spec_source == NULL)
    spec_source = "";

  if (type[0] == '\0')
    {
      add_skipped (c, dest, "", (int) index, "no filesystem type");
      return TRUE;
    }

  if (is_superseded_cgroup (presence, index, type))
    {
      add_skipped (c, dest, type, (int) index, "superseded by the mount at /sys/fs/cgroup");
      return TRUE;
    }

  if (spec_source[0] != '\0')
    {
      abs_source = absolute_source (c, spec_source);
      hint = svfs_pod_mount_hints_find_by_source (c->hints, abs_source);
      if (hint == NULL)
        hint = svfs_pod_mount_hints_find_by_source (c->hints, spec_source);
    }

  if (hint != NULL && svfs_mount_hint_should_share (hint))
    type = hint->type;

  fs_type = lookup_fs_type (c, type);
  if (fs_type == NULL)
    {
      add_skipped (c, dest, type, (int) index, "unknown filesystem type");
      return TRUE;
    }

  if (!parse_options (c, options, fs_type, where, dest, "options", &opts, error))
    return FALSE;

  m = svfs_planned_mount_new ();
  m->destination = g_steal_pointer (&dest);
  m->fs_type = g_strdup (type);
  m->spec_index = (int) index;
  m->flags = opts.flags;
  m->propagation = opts.propagation;

  if (hint != NULL && svfs_mount_hint_should_share (hint))
    {
      /* The filesystem is the master's: its data comes from the hint; the
       * view keeps the spec mount's own flags. */
      const Options *master = hint_master_options (c, hint, fs_type, where, error);

      if (master == NULL)
        return FALSE;
      if (!check_shared_compat (where, hint, master->flags, opts.flags, error))
        return FALSE;
      if (opts.tmpcopyup)
        warn (c, "ignoring mount option \"tmpcopyup\" on %s: a shared mount cannot copy up", m->destination);
      m->shared = g_strdup (hint->name);
      m->source = g_strdup (hint->source);
      m->data = g_strdup (master->data->str);
      g_ptr_array_add (out, g_steal_pointer (&m));
      return TRUE;
    }

  m->data = g_string_free (g_steal_pointer (&opts.data), FALSE);

  if (strcmp (type, "bind") == 0)
    {
      SvfsConfig *config = c->config;

      if (abs_source == NULL)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                       "%s: bind mount without a source", where);
          return FALSE;
        }
      m->source = g_steal_pointer (&abs_source);
      m->recursive = opts.recursive;
      m->source_fd_index = (int) c->next_fd++;

      /* overlay2=all:… puts an overlay on writable bind mounts. */
      if (svfs_config_get_overlay_submounts (config) &&
          !(m->flags & SVFS_MOUNT_FLAGS_RDONLY))
        {
          m->overlay_medium = svfs_config_get_overlay_medium (config);
          if (m->overlay_medium == SVFS_OVERLAY_MEDIUM_DIR)
            m->overlay_dir = g_strdup (svfs_config_get_overlay_dir (config));
          m->overlay_size = overlay_size (c, m->overlay_medium, svfs_config_get_overlay_size (config),
                                          m->destination);
        }
    }
  else if (strcmp (type, "erofs") == 0)
    {
      if (abs_source == NULL)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                       "%s: erofs mount without an image source", where);
          return FALSE;
        }
      m->source = g_steal_pointer (&abs_source);
    }
  else
    {
      m->source = g_strdup (spec_source[0] != '\0' ? spec_source : type);
    }

  if (opts.tmpcopyup)
    {
      if (strcmp (type, "tmpfs") == 0)
        m->tmpcopyup = TRUE;
      else
        warn (c, "ignoring mount option \"tmpcopyup\" on %s: only a tmpfs can copy up", m->destination);
    }

  g_ptr_array_add (out, g_steal_pointer (&m));
  return TRUE;
}

static SvfsPlannedMount *
mandatory_mount (const char     *destination,
                 const char     *type,
                 const char     *data,
                 SvfsMountFlags  flags)
{
  SvfsPlannedMount *m = svfs_planned_mount_new ();

  m->destination = g_strdup (destination);
  m->fs_type = g_strdup (type);
  m->source = g_strdup (type);
  m->data = g_strdup (data);
  m->flags = flags;
  return m;
}

/* Stable counting sort by destination length: parents (strictly shorter)
 * come first and equal lengths keep their order.  Linear time. */
static GPtrArray *
sort_by_destination_length (GPtrArray *mounts)
{
  g_autofree gsize *lengths = g_new (gsize, mounts->len + 1);
  g_autofree guint *starts = NULL;
  GPtrArray *sorted;
  gsize max_len = 0;

  for (guint i = 0; i < mounts->len; i++)
    {
      SvfsPlannedMount *m = g_ptr_array_index (mounts, i);
      lengths[i] = strlen (m->destination);
      max_len = MAX (max_len, lengths[i]);
    }

  starts = g_new0 (guint, max_len + 2);
  for (guint i = 0; i < mounts->len; i++)
    starts[lengths[i] + 1]++;
  for (gsize l = 1; l <= max_len + 1; l++)
    starts[l] += starts[l - 1];

  sorted = g_ptr_array_new_full (mounts->len, g_object_unref);
  g_ptr_array_set_size (sorted, mounts->len);
  for (guint i = 0; i < mounts->len; i++)
    sorted->pdata[starts[lengths[i]]++] = g_object_ref (g_ptr_array_index (mounts, i));

  return sorted;
}

static void
plan_auto_tmp (Compiler  *c,
               GPtrArray *mounts)
{
  SvfsMountPlan *plan = c->plan;
  SvfsPlannedMount *tmp;
  guint n_skipped = g_list_model_get_n_items (G_LIST_MODEL (plan->skipped));

  /* Never hide what the spec puts at or below /tmp. */
  for (guint i = 0; i < mounts->len; i++)
    if (svfs_path_has_prefix (((SvfsPlannedMount *) g_ptr_array_index (mounts, i))->destination, "/tmp"))
      return;
  for (guint i = 0; i < n_skipped; i++)
    {
      g_autoptr(SvfsPlannedMount) m = g_list_model_get_item (G_LIST_MODEL (plan->skipped), i);
      if (svfs_path_has_prefix (m->destination, "/tmp"))
        return;
    }

  /* Never hide existing files: look at the rootfs when it is readable now;
   * applying the plan checks again against the real root. */
  if (strcmp (plan->root_type, "bind") == 0)
    {
      switch (svfs_path_probe_dir_in_root (plan->root_source, "/tmp"))
        {
        case SVFS_ROOT_DIR_NOT_EMPTY:
        case SVFS_ROOT_DIR_NOT_A_DIRECTORY:
          return;
        case SVFS_ROOT_DIR_MISSING:
        case SVFS_ROOT_DIR_EMPTY:
        case SVFS_ROOT_DIR_UNREADABLE:
        default:
          break;
        }
    }

  tmp = mandatory_mount ("/tmp", "tmpfs", "mode=1777",
                         SVFS_MOUNT_FLAGS_NODEV | SVFS_MOUNT_FLAGS_NOSUID);
  tmp->source = (g_free (tmp->source), g_strdup ("tmpfs"));
  g_ptr_array_add (mounts, tmp);
}

static gboolean
plan_devices (Compiler  *c,
              GError   **error)
{
  g_autoptr(GPtrArray) host_warnings = g_ptr_array_new_with_free_func (g_free);
  GListModel *devices = svfs_spec_get_devices (c->mounter->spec);
  guint n = g_list_model_get_n_items (devices);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsDevice) d = g_list_model_get_item (devices, i);
      g_autoptr(SvfsDevice) copy = svfs_device_new (svfs_device_get_kind (d),
                                                    svfs_device_get_path (d),
                                                    svfs_device_get_device_type (d),
                                                    svfs_device_get_major (d),
                                                    svfs_device_get_minor (d));
      svfs_device_set_mode (copy, svfs_device_get_mode (d));
      svfs_device_set_uid (copy, svfs_device_get_uid (d));
      svfs_device_set_gid (copy, svfs_device_get_gid (d));
      g_list_store_append (c->plan->devices, copy);
    }

  /* Then the GPU/TPU/CDI nodes: svfs-device-registry.c. */
  if (!svfs_device_registry_plan_devices (c->device_registry, c->mounter->spec,
                                          c->config, c->plan->devices,
                                          host_warnings, error))
    return FALSE;
  for (guint i = 0; i < host_warnings->len; i++)
    warn (c, "%s", (char *) g_ptr_array_index (host_warnings, i));
  return TRUE;
}

static gboolean
check_has_spec (SvfsMounter  *self,
                GError      **error)
{
  if (self->spec != NULL)
    return TRUE;
  g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                       "the mounter has no spec");
  return FALSE;
}

static SvfsMountPlan *
compile (SvfsMounter         *self,
         const CompileInput  *input,
         GError             **error)
{
  g_auto(Compiler) c = { 0 };
  g_autoptr(GPtrArray) compiled = NULL;
  g_autoptr(GPtrArray) mandatory = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  GListModel *spec_mounts;
  Presence presence = { 0 };
  guint n;

  if (!svfs_config_validate (input->config, error))
    return NULL;

  c.mounter = self;
  c.plan = svfs_mount_plan_new ();
  c.config = input->config;
  c.bundle_dir = input->bundle_dir;
  c.device_registry = input->device_registry;
  c.fs_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      unref_nullable);

  c.hints = svfs_pod_mount_hints_new_from_annotations (svfs_spec_get_annotations (self->spec),
                                                       warnings, error);
  if (c.hints == NULL)
    return NULL;
  for (guint i = 0; i < warnings->len; i++)
    warn (&c, "%s", (char *) g_ptr_array_index (warnings, i));

  if (!compile_root (&c, error))
    return NULL;

  spec_mounts = svfs_spec_get_mounts (self->spec);
  n = g_list_model_get_n_items (spec_mounts);

  /* Whether anything sits at /sys/fs/cgroup, whatever the position; then
   * which mandatory mounts the spec provides, not counting the cgroup
   * mounts that the first makes go. */
  presence.cgroup_root = -1;
  for (guint i = 0; i < n && presence.cgroup_root < 0; i++)
    {
      g_autoptr(SvfsSpecMount) sm = g_list_model_get_item (spec_mounts, i);
      g_autofree char *dest = svfs_path_clean (svfs_spec_mount_get_destination (sm));

      if (strcmp (dest, "/sys/fs/cgroup") == 0)
        presence.cgroup_root = (int) i;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsSpecMount) sm = g_list_model_get_item (spec_mounts, i);
      g_autofree char *dest = svfs_path_clean (svfs_spec_mount_get_destination (sm));

      if (is_superseded_cgroup (&presence, i, compiled_type (sm, dest)))
        continue;
      presence.proc |= strcmp (dest, "/proc") == 0;
      presence.sys |= strcmp (dest, "/sys") == 0;
      presence.dev |= strcmp (dest, "/dev") == 0;
      presence.devpts |= strcmp (dest, "/dev/pts") == 0;
    }

  compiled = g_ptr_array_new_full (n + 5, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsSpecMount) sm = g_list_model_get_item (spec_mounts, i);

      if (!compile_mount (&c, sm, i, &presence, compiled, error))
        return NULL;
    }

  /* Source fds are dispensed before sorting: rootfs, then bind sources in
   * spec order. */
  c.plan->n_source_fds = c.next_fd;
  if (input->n_source_fds >= 0 && (guint) input->n_source_fds != c.next_fd)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS,
                   "expected %u source fds (1 for the rootfs and %u for bind mount sources), got %d",
                   c.next_fd, c.next_fd - 1, input->n_source_fds);
      return NULL;
    }

  mandatory = g_ptr_array_new_with_free_func (g_object_unref);
  if (!presence.proc)
    g_ptr_array_add (mandatory, mandatory_mount ("/proc", "proc", "",
                                                 SVFS_MOUNT_FLAGS_NODEV | SVFS_MOUNT_FLAGS_NOEXEC |
                                                 SVFS_MOUNT_FLAGS_NOSUID));
  if (!presence.sys)
    g_ptr_array_add (mandatory, mandatory_mount ("/sys", "sysfs", "",
                                                 SVFS_MOUNT_FLAGS_NODEV | SVFS_MOUNT_FLAGS_NOEXEC |
                                                 SVFS_MOUNT_FLAGS_NOSUID | SVFS_MOUNT_FLAGS_RDONLY));
  if (!presence.dev)
    g_ptr_array_add (mandatory, mandatory_mount ("/dev", "dev", "mode=755,size=65536k",
                                                 SVFS_MOUNT_FLAGS_NOSUID | SVFS_MOUNT_FLAGS_STRICTATIME));
  if (!presence.devpts)
    g_ptr_array_add (mandatory, mandatory_mount ("/dev/pts", "devpts",
                                                 "newinstance,ptmxmode=0666,mode=0620",
                                                 SVFS_MOUNT_FLAGS_NOEXEC | SVFS_MOUNT_FLAGS_NOSUID));
  g_ptr_array_extend_and_steal (mandatory, g_steal_pointer (&compiled));
  all = g_steal_pointer (&mandatory);

  g_ptr_array_unref (c.plan->mounts);
  c.plan->mounts = sort_by_destination_length (all);
  plan_auto_tmp (&c, c.plan->mounts);
  if (!plan_devices (&c, error))
    return NULL;

  return g_steal_pointer (&c.plan);
}

/**
 * svfs_mounter_compile:
 * @self: a mounter
 * @error: return location for an error
 *
 * Compiles the spec and the config into a mount plan. Nothing is mounted
 * or written; the rootfs may be read to decide whether `/tmp` gets a tmpfs.
 *
 * Errors: %SVFS_ERROR_INVALID_CONFIG for a bad combination of settings,
 * %SVFS_ERROR_INVALID_OPTION for a bad mount option or filesystem data,
 * %SVFS_ERROR_INVALID_SPEC for a mounter without a spec, bad hints, bind
 * mounts without a source or incompatible shared mounts,
 * %SVFS_ERROR_SOURCE_FDS when
 * [property@Svfs.Mounter:n-source-fds] does not match. Messages name the
 * mount (`mounts[4] "/data"`). Nothing is returned on error.
 *
 * Returns: (transfer full): the plan, or %NULL on error
 *
 * Since: 1.0
 */
SvfsMountPlan *
svfs_mounter_compile (SvfsMounter  *self,
                      GError      **error)
{
  CompileInput input;

  g_return_val_if_fail (SVFS_IS_MOUNTER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_has_spec (self, error))
    return NULL;

  /* In the caller's thread nothing changes under us: borrow, no copies. */
  input = (CompileInput) {
    .config = self->config,
    .bundle_dir = (char *) svfs_spec_get_bundle_dir (self->spec),
    .device_registry = self->device_registry,
    .n_source_fds = self->n_source_fds,
  };
  return compile (self, &input, error);
}

static void
compile_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  SvfsMountPlan *plan = compile (SVFS_MOUNTER (source_object), task_data, &error);

  if (plan == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, plan, g_object_unref);
}

/**
 * svfs_mounter_compile_async:
 * @self: a mounter
 * @cancellable: (nullable): a cancellable
 * @callback: called when the plan is ready
 * @user_data: data for @callback
 *
 * Compiles the plan in a worker thread; see [method@Svfs.Mounter.compile].
 *
 * Since: 1.0
 */
void
svfs_mounter_compile_async (SvfsMounter         *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (SVFS_IS_MOUNTER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, svfs_mounter_compile_async);

  if (!check_has_spec (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The worker reads its own copies, not what the caller may change. */
  g_task_set_task_data (task, compile_input_new (self),
                        (GDestroyNotify) compile_input_free);
  g_task_run_in_thread (task, compile_thread);
}

/**
 * svfs_mounter_compile_finish:
 * @self: a mounter
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Finishes [method@Svfs.Mounter.compile_async].
 *
 * Returns: (transfer full): the plan, or %NULL on error
 *
 * Since: 1.0
 */
SvfsMountPlan *
svfs_mounter_compile_finish (SvfsMounter   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SVFS_IS_MOUNTER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == svfs_mounter_compile_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * svfs_mounter_get_device_registry:
 * @self: a mounter
 *
 * Gets the registry host devices are read from, see
 * [property@Svfs.Mounter:device-registry].
 *
 * Returns: (transfer none) (nullable): the registry, or %NULL for the host's
 *
 * Since: 1.0
 */
SvfsDeviceRegistry *
svfs_mounter_get_device_registry (SvfsMounter *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNTER (self), NULL);

  return self->device_registry;
}

/**
 * svfs_mounter_set_device_registry:
 * @self: a mounter
 * @registry: (nullable): a registry, or %NULL for the host's
 *
 * Sets where the compiler reads host devices (GPUs and TPUs for `nvproxy`
 * and `tpuproxy`, CDI specs), for example a registry whose roots point at
 * a saved sysfs tree.
 *
 * Since: 1.0
 */
void
svfs_mounter_set_device_registry (SvfsMounter        *self,
                                  SvfsDeviceRegistry *registry)
{
  g_return_if_fail (SVFS_IS_MOUNTER (self));
  g_return_if_fail (registry == NULL || SVFS_IS_DEVICE_REGISTRY (registry));

  if (g_set_object (&self->device_registry, registry))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE_REGISTRY]);
}

/**
 * svfs_mounter_set_owner:
 * @self: a mounter
 * @uid: the owner's user id
 * @gid: the owner's group id
 *
 * Makes [method@Svfs.Mounter.apply] build the namespaces for another user,
 * as a privileged service does for an unprivileged client: the view is
 * built as root, then moved into a new user namespace owned by @uid that
 * maps @uid and @gid (and nothing else) to 0, with a copy of the mount
 * namespace that belongs to it. The owner can then `setns()` into the user
 * namespace and the mount namespace
 * ([method@Svfs.MountNamespace.dup_user_ns_fd],
 * [method@Svfs.MountNamespace.dup_mount_ns_fd]) and is root there, but
 * every mount is locked as the kernel locks mounts it hands to a less
 * privileged user namespace: none can be unmounted to reveal what it
 * covers, and their read-only, `nosuid`, `nodev`, `noexec` and access-time
 * flags cannot be changed.
 *
 * As for an unprivileged caller, every mount is `nosuid` and `nodev`
 * (except `/dev` and devpts), device nodes are binds of the host's nodes (keeping
 * their owner and mode), and proc, sysfs and mqueue are the host's
 * instances when the spec shares those namespaces. Sources given as fds
 * are cloned by fd, never reopened by path. Processes started with
 * [method@Svfs.MountNamespace.spawn] join the user namespace, so the
 * spec's `process.user` should be 0 (the owner) there; they run without
 * supplementary groups. The PID, IPC, UTS, network and cgroup namespaces
 * stay owned by the user namespace of the process that applies the plan:
 * the owner gets no capability over them.
 *
 * Only root in the initial user namespace can apply a plan for an owner;
 * otherwise applying fails with %SVFS_ERROR_PERMISSION_DENIED. Set
 * [property@Svfs.Mounter:owner-uid] to -1 to build for the caller again.
 *
 * Since: 1.0
 */
void
svfs_mounter_set_owner (SvfsMounter *self,
                        guint        uid,
                        guint        gid)
{
  g_return_if_fail (SVFS_IS_MOUNTER (self));
  g_return_if_fail (uid != G_MAXUINT32 && gid != G_MAXUINT32);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->owner_uid != (gint64) uid)
    {
      self->owner_uid = uid;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OWNER_UID]);
    }
  if (self->owner_gid != (gint64) gid)
    {
      self->owner_gid = gid;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OWNER_GID]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * svfs_mounter_get_owner:
 * @self: a mounter
 * @uid: (out) (optional): the owner's user id
 * @gid: (out) (optional): the owner's group id
 *
 * Gets the owner set with [method@Svfs.Mounter.set_owner].
 *
 * Returns: %TRUE when both [property@Svfs.Mounter:owner-uid] and
 *   [property@Svfs.Mounter:owner-gid] are set
 *
 * Since: 1.0
 */
gboolean
svfs_mounter_get_owner (SvfsMounter *self,
                        guint       *uid,
                        guint       *gid)
{
  g_return_val_if_fail (SVFS_IS_MOUNTER (self), FALSE);

  if (self->owner_uid < 0 || self->owner_gid < 0)
    return FALSE;
  if (uid != NULL)
    *uid = (guint) self->owner_uid;
  if (gid != NULL)
    *gid = (guint) self->owner_gid;
  return TRUE;
}
