/* svfs-mounter-apply.c: makes a mount plan real in Linux namespaces
 *
 * Layer rule 2 (ARCHITECTURE.md): apply is the only place that touches the
 * kernel, and it does so in a child.  The caller may have threads, where
 * unshare(CLONE_NEWUSER) fails and unshare(CLONE_NEWNS) would move one
 * thread only; so this file turns the plan into a flat program of
 * operations (linux/svfs-linux-private.h), opens every source as an fd,
 * and clone()s a child into new namespaces that runs the program with
 * plain syscalls, pivots into the new root and stays as the namespace
 * holder.  The caller's own namespaces never change.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <linux/magic.h>
#include <linux/sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "linux/svfs-linux-private.h"
#include "svfs-device.h"
#include "svfs-error.h"
#include "svfs-mount-namespace-private.h"
#include "svfs-mount-plan-private.h"
#include "svfs-mounter.h"
#include "svfs-path-private.h"

#ifndef ANON_INODE_FS_MAGIC
# define ANON_INODE_FS_MAGIC 0x09041934
#endif

typedef struct {
  SvfsMounter   *mounter;
  SvfsMountPlan *plan;
  GUnixFDList   *fd_list;
  GArray        *ops;        /* SvfsOp */
  GPtrArray     *labels;     /* char *, one per op, for messages */
  GPtrArray     *owned;      /* strings and data arrays the ops point to */
  GArray        *fds;        /* int, opened here, closed at the end */
  GPtrArray     *warnings;
  int            clone_flags;
  const char    *hostname;
  gboolean       root_rdonly;
} Builder;

static void
builder_clear (Builder *b)
{
  for (guint i = 0; b->fds != NULL && i < b->fds->len; i++)
    close (g_array_index (b->fds, int, i));
  g_clear_pointer (&b->fds, g_array_unref);
  g_clear_pointer (&b->ops, g_array_unref);
  g_clear_pointer (&b->labels, g_ptr_array_unref);
  g_clear_pointer (&b->owned, g_ptr_array_unref);
  g_clear_pointer (&b->warnings, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Builder, builder_clear)

static const char *
own (Builder *b,
     char    *s)
{
  g_ptr_array_add (b->owned, s);
  return s;
}

static SvfsOp *
add_op (Builder    *b,
        SvfsOpKind  kind,
        char       *label)
{
  SvfsOp op = { .kind = kind, .source_fd = -1, .master_op = -1, .propagation = MS_PRIVATE };

  g_array_append_val (b->ops, op);
  g_ptr_array_add (b->labels, label);
  return &g_array_index (b->ops, SvfsOp, b->ops->len - 1);
}

static char *
mount_label (SvfsPlannedMount *m)
{
  if (m->spec_index >= 0)
    return g_strdup_printf ("mounts[%d] \"%s\"", m->spec_index, m->destination);
  return g_strdup_printf ("mount \"%s\" (%s)", m->destination, m->fs_type);
}

static void
split_data (Builder    *b,
            const char *data,
            SvfsOp     *op)
{
  g_auto(GStrv) items = NULL;
  SvfsDataItem *out;
  guint n = 0;

  if (data == NULL || data[0] == '\0')
    return;
  items = g_strsplit (data, ",", -1);
  out = g_new0 (SvfsDataItem, g_strv_length (items) + 1);
  g_ptr_array_add (b->owned, out);
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *eq;

      if (items[i][0] == '\0')
        continue;
      eq = strchr (items[i], '=');
      if (eq != NULL)
        {
          out[n].key = own (b, g_strndup (items[i], (gsize) (eq - items[i])));
          out[n].value = own (b, g_strdup (eq + 1));
        }
      else
        out[n].key = own (b, g_strdup (items[i]));
      n++;
    }
  op->data = out;
  op->n_data = n;
}

static void
set_flags (SvfsOp         *op,
           SvfsMountFlags  flags)
{
  op->attr = 0;
  if (flags & SVFS_MOUNT_FLAGS_NOSUID)
    op->attr |= MOUNT_ATTR_NOSUID;
  if (flags & SVFS_MOUNT_FLAGS_NODEV)
    op->attr |= MOUNT_ATTR_NODEV;
  if (flags & SVFS_MOUNT_FLAGS_NOEXEC)
    op->attr |= MOUNT_ATTR_NOEXEC;
  if (flags & SVFS_MOUNT_FLAGS_NODIRATIME)
    op->attr |= MOUNT_ATTR_NODIRATIME;
  op->set_atime = TRUE;
  if (flags & SVFS_MOUNT_FLAGS_NOATIME)
    op->attr |= MOUNT_ATTR_NOATIME;
  else if (flags & SVFS_MOUNT_FLAGS_STRICTATIME)
    op->attr |= MOUNT_ATTR_STRICTATIME;
  else if (flags & SVFS_MOUNT_FLAGS_RELATIME)
    op->attr |= MOUNT_ATTR_RELATIME;
  else
    op->set_atime = FALSE;
  op->rdonly = (flags & SVFS_MOUNT_FLAGS_RDONLY) != 0;
}

static void
set_propagation (SvfsOp          *op,
                 SvfsPropagation  propagation,
                 gboolean         recursive_default)
{
  switch (propagation)
    {
    case SVFS_PROPAGATION_PRIVATE:
      op->propagation = MS_PRIVATE;
      break;
    case SVFS_PROPAGATION_RPRIVATE:
      op->propagation = MS_PRIVATE;
      op->propagation_recursive = TRUE;
      break;
    case SVFS_PROPAGATION_SLAVE:
      op->propagation = MS_SLAVE;
      break;
    case SVFS_PROPAGATION_RSLAVE:
      op->propagation = MS_SLAVE;
      op->propagation_recursive = TRUE;
      break;
    case SVFS_PROPAGATION_SHARED:
      op->propagation = MS_SHARED;
      break;
    case SVFS_PROPAGATION_RSHARED:
      op->propagation = MS_SHARED;
      op->propagation_recursive = TRUE;
      break;
    case SVFS_PROPAGATION_UNBINDABLE:
      op->propagation = MS_UNBINDABLE;
      break;
    case SVFS_PROPAGATION_RUNBINDABLE:
      op->propagation = MS_UNBINDABLE;
      op->propagation_recursive = TRUE;
      break;
    case SVFS_PROPAGATION_DEFAULT:
    default:
      /* Everything private (ARCHITECTURE.md, "Making it real"). */
      op->propagation = MS_PRIVATE;
      op->propagation_recursive = recursive_default;
      break;
    }
}

/* An fd that names a filesystem object (O_PATH or not), not a socket,
 * pipe or anonymous inode created without a path. */
static gboolean
check_source_fd (int          fd,
                 gboolean     need_dir,
                 const char  *label,
                 GError     **error)
{
  struct statfs sfs;
  struct stat st;

  if (fstat (fd, &st) < 0 || fstatfs (fd, &sfs) < 0)
    {
      int err = errno;
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS, "%s: bad source fd %d: %s",
                   label, fd, g_strerror (err));
      return FALSE;
    }
  if (sfs.f_type == SOCKFS_MAGIC || sfs.f_type == PIPEFS_MAGIC || sfs.f_type == ANON_INODE_FS_MAGIC)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS,
                   "%s: source fd %d is a socket, pipe or anonymous inode, not a file or directory",
                   label, fd);
      return FALSE;
    }
  if (need_dir && !S_ISDIR (st.st_mode))
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS, "%s: source fd %d is not a directory",
                   label, fd);
      return FALSE;
    }
  return TRUE;
}

/* The source of the root or of a bind mount: fd @index of the list when
 * one was given (a duplicate), else the path opened O_PATH. */
static int
open_source (Builder     *b,
             int          index,
             const char  *path,
             gboolean     need_dir,
             const char  *label,
             GError     **error)
{
  int fd;

  if (b->fd_list != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      fd = g_unix_fd_list_get (b->fd_list, index, &local_error);
      if (fd < 0)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS, "%s: source fd %d: %s",
                       label, index, local_error->message);
          return -1;
        }
      g_array_append_val (b->fds, fd);
      if (!check_source_fd (fd, need_dir, label, error))
        return -1;
      return fd;
    }

  fd = open (path, O_PATH | O_CLOEXEC | (need_dir ? O_DIRECTORY : 0));
  if (fd < 0)
    {
      int err = errno;
      g_set_error (error, SVFS_ERROR, err == ENOENT ? SVFS_ERROR_NOT_FOUND : SVFS_ERROR_MOUNT_FAILED,
                   "%s: cannot open source \"%s\": %s", label, path, g_strerror (err));
      return -1;
    }
  g_array_append_val (b->fds, fd);
  return fd;
}

/* A detached copy of the mount tree at @fd.  The kernel lets open_tree()
 * clone only mounts of the caller's own mount namespace, and the sources
 * live in this one, so the clone is made here; the child attaches it in
 * the new namespace.  A clone that is never attached goes when its fd is
 * closed. */
static int
clone_source (Builder     *b,
              int          fd,
              gboolean     recursive,
              const char  *label,
              GError     **error)
{
  int tree = open_tree (fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                (recursive ? AT_RECURSIVE : 0));

  if (tree < 0)
    {
      int err = errno;
      g_set_error (error, SVFS_ERROR, err == EPERM ? SVFS_ERROR_PERMISSION_DENIED : SVFS_ERROR_MOUNT_FAILED,
                   "%s: cannot clone the source: %s", label, g_strerror (err));
      return -1;
    }
  g_array_append_val (b->fds, tree);
  return tree;
}

static gboolean
build_root (Builder  *b,
            GError  **error)
{
  SvfsMountPlan *plan = b->plan;
  g_autofree char *label = g_strdup_printf ("root \"%s\"", plan->root_source);
  SvfsOp *op;
  int fd;

  if (g_strcmp0 (plan->root_type, "bind") != 0)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                   "%s: a root of type \"%s\" is not supported yet", label, plan->root_type);
      return FALSE;
    }
  if (plan->root_overlay_medium != SVFS_OVERLAY_MEDIUM_NONE &&
      plan->root_overlay_medium != SVFS_OVERLAY_MEDIUM_MEMORY)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                   "%s: overlay2 medium \"%s\" is not supported yet; use root:memory or none",
                   label, svfs_overlay_medium_to_string (plan->root_overlay_medium));
      return FALSE;
    }

  fd = open_source (b, 0, plan->root_source, TRUE, label, error);
  if (fd < 0)
    return FALSE;
  fd = clone_source (b, fd, TRUE, label, error);
  if (fd < 0)
    return FALSE;

  op = add_op (b, SVFS_OP_ROOT, g_steal_pointer (&label));
  op->dest = "/";
  op->source_fd = fd;
  /* A read-only root gets a memory overlay too, made read-only after the
   * set-up: missing mount points are then created in memory, never on the
   * host (gVisor's synthetic mount points). */
  op->overlay_memory = plan->root_overlay_medium == SVFS_OVERLAY_MEDIUM_MEMORY || plan->root_readonly;
  b->root_rdonly = plan->root_readonly;
  return TRUE;
}

static gboolean
build_mount (Builder          *b,
             SvfsPlannedMount *m,
             GHashTable       *masters,
             GError          **error)
{
  g_autofree char *label = mount_label (m);
  const char *type = m->fs_type;
  SvfsOpKind kind;
  const char *kernel_type = NULL;
  int source_fd = -1;
  SvfsOp *op;

  if (m->overlay_medium != SVFS_OVERLAY_MEDIUM_NONE)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                   "%s: overlays on bind mounts (overlay2=all:…) are not supported yet", label);
      return FALSE;
    }

  if (strcmp (type, "bind") == 0)
    kind = SVFS_OP_BIND;
  else if (strcmp (type, "dev") == 0)
    {
      kind = SVFS_OP_DEV;
      kernel_type = "tmpfs";
    }
  else if (strcmp (type, "tmpfs") == 0 || strcmp (type, "devpts") == 0 || strcmp (type, "proc") == 0 ||
           strcmp (type, "sysfs") == 0 || strcmp (type, "mqueue") == 0)
    {
      kind = SVFS_OP_FS;
      kernel_type = type;
    }
  else
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                   "%s: mounting a filesystem of type \"%s\" is not supported yet", label, type);
      return FALSE;
    }

  if (kind == SVFS_OP_BIND && m->shared == NULL)
    {
      if (m->source_fd_index < 0)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC, "%s: bind mount without a source", label);
          return FALSE;
        }
      source_fd = open_source (b, m->source_fd_index, m->source, FALSE, label, error);
      if (source_fd < 0)
        return FALSE;
      source_fd = clone_source (b, source_fd, m->recursive, label, error);
      if (source_fd < 0)
        return FALSE;
    }

  op = add_op (b, kind, g_steal_pointer (&label));
  op->dest = m->destination;
  op->fs_type = kernel_type;
  op->source = m->source;
  op->source_fd = source_fd;
  op->recursive = m->recursive;
  op->tmpcopyup = m->tmpcopyup;
  op->auto_tmp = m->spec_index < 0 && strcmp (m->destination, "/tmp") == 0 && strcmp (type, "tmpfs") == 0;
  set_flags (op, m->flags);
  set_propagation (op, m->propagation, kind == SVFS_OP_BIND && m->recursive);
  if (kind != SVFS_OP_BIND)
    split_data (b, m->data, op);

  if (m->shared != NULL)
    {
      gpointer master;

      if (g_hash_table_lookup_extended (masters, m->shared, NULL, &master))
        {
          op->master_op = GPOINTER_TO_INT (master);
          g_array_index (b->ops, SvfsOp, op->master_op).keep_fd = TRUE;
        }
      else
        g_hash_table_insert (masters, m->shared, GINT_TO_POINTER ((int) b->ops->len - 1));
    }
  return TRUE;
}

static void
build_paths (Builder            *b,
             const char * const *paths,
             SvfsOpKind          kind,
             const char         *what)
{
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      SvfsOp *op;

      if (paths[i][0] != '/')
        continue;
      op = add_op (b, kind, g_strdup_printf ("linux.%s[%u] \"%s\"", what, i, paths[i]));
      op->dest = own (b, svfs_path_clean (paths[i]));
    }
}

static void
build_devices (Builder *b)
{
  GListModel *devices = G_LIST_MODEL (b->plan->devices);

  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(SvfsDevice) d = g_list_model_get_item (devices, i);
      const char *type = svfs_device_get_device_type (d);
      mode_t fmt = S_IFCHR;
      SvfsOp *op;

      if (g_strcmp0 (type, "b") == 0)
        fmt = S_IFBLK;
      else if (g_strcmp0 (type, "p") == 0)
        fmt = S_IFIFO;
      op = add_op (b, SVFS_OP_DEVICE, g_strdup_printf ("device \"%s\"", svfs_device_get_path (d)));
      op->dest = own (b, svfs_path_clean (svfs_device_get_path (d)));
      op->mode = fmt | (svfs_device_get_mode (d) & 0777);
      op->rdev = fmt == S_IFIFO ? 0 : makedev ((unsigned) svfs_device_get_major (d),
                                               (unsigned) svfs_device_get_minor (d));
      op->uid = svfs_device_get_uid (d);
      op->gid = svfs_device_get_gid (d);
    }
}

static gboolean
build_namespaces (Builder  *b,
                  GError  **error)
{
  SvfsSpec *spec = svfs_mounter_get_spec (b->mounter);
  static const struct {
    const char *name;
    int         flag;
  } kinds[] = {
    { "mount", CLONE_NEWNS },
    { "pid", CLONE_NEWPID },
    { "ipc", CLONE_NEWIPC },
    { "uts", CLONE_NEWUTS },
    { "network", CLONE_NEWNET },
    { "cgroup", CLONE_NEWCGROUP },
  };

  b->clone_flags = CLONE_NEWNS;
  if (spec == NULL)
    return TRUE;

  if (svfs_spec_has_namespace (spec, "user"))
    {
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                           "linux.namespaces: a user namespace is not supported yet");
      return FALSE;
    }
  if (svfs_spec_has_namespace (spec, "time"))
    {
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                           "linux.namespaces: a time namespace is not supported yet");
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      const char *path;

      if (!svfs_spec_has_namespace (spec, kinds[i].name))
        continue;
      path = svfs_spec_get_namespace_path (spec, kinds[i].name);
      if (path != NULL)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                       "linux.namespaces: joining the existing %s namespace \"%s\" is not supported yet",
                       kinds[i].name, path);
          return FALSE;
        }
      b->clone_flags |= kinds[i].flag;
    }
  if ((b->clone_flags & CLONE_NEWUTS) && svfs_spec_get_hostname (spec) != NULL)
    b->hostname = svfs_spec_get_hostname (spec);
  return TRUE;
}

static const char *
pick_staging_dir (void)
{
  static const char * const candidates[] = { "/tmp", "/run", "/mnt", "/var/tmp" };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      struct stat st;
      if (lstat (candidates[i], &st) == 0 && S_ISDIR (st.st_mode))
        return candidates[i];
    }
  return NULL;
}

static void
set_exec_error (GError               **error,
                Builder               *b,
                const SvfsExecResult  *r,
                int                    wait_status)
{
  const char *label;

  if (r->stage == NULL)
    {
      if (WIFSIGNALED (wait_status))
        g_set_error (error, SVFS_ERROR, SVFS_ERROR_MOUNT_FAILED,
                     "the set-up process was killed by signal %d", WTERMSIG (wait_status));
      else
        g_set_error (error, SVFS_ERROR, SVFS_ERROR_MOUNT_FAILED,
                     "the set-up process failed (status %d)", WEXITSTATUS (wait_status));
      return;
    }

  label = r->failed_op >= 0 && (guint) r->failed_op < b->labels->len
          ? g_ptr_array_index (b->labels, r->failed_op) : "mount namespace";
  if (r->detail[0] != '\0')
    g_set_error (error, SVFS_ERROR, r->error_code, "%s: %s: %s (%s)",
                 label, r->stage, g_strerror (r->sys_errno), r->detail);
  else
    g_set_error (error, SVFS_ERROR, r->error_code, "%s: %s: %s",
                 label, r->stage, g_strerror (r->sys_errno));
}

static SvfsMountNamespace *
apply (SvfsMounter    *self,
       SvfsMountPlan  *plan_in,
       GUnixFDList    *fd_list,
       GCancellable   *cancellable,
       GError        **error)
{
  g_auto(Builder) b = { 0 };
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autoptr(GHashTable) masters = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree int *mount_fds = NULL;
  SvfsExecProgram prog = { 0 };
  SvfsExecResult *result;
  size_t result_size;
  int sync_pipe[2] = { -1, -1 }, control_pipe[2] = { -1, -1 };
  int pidfd = -1;
  long pid;
  char byte;
  ssize_t n;
  struct clone_args args = { 0 };

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (geteuid () != 0)
    {
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                           "applying a plan needs root for now: unprivileged callers (user namespaces) "
                           "are not supported yet; the system D-Bus service can apply it for you");
      return NULL;
    }

  plan = plan_in != NULL ? g_object_ref (plan_in) : svfs_mounter_compile (self, error);
  if (plan == NULL)
    return NULL;

  if (fd_list != NULL && (guint) g_unix_fd_list_get_length (fd_list) != plan->n_source_fds)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS,
                   "expected %u source fds (1 for the rootfs and %u for bind mount sources), got %d",
                   plan->n_source_fds, plan->n_source_fds - 1, g_unix_fd_list_get_length (fd_list));
      return NULL;
    }

  b.mounter = self;
  b.plan = plan;
  b.fd_list = fd_list;
  b.ops = g_array_new (FALSE, TRUE, sizeof (SvfsOp));
  b.labels = g_ptr_array_new_with_free_func (g_free);
  b.owned = g_ptr_array_new_with_free_func (g_free);
  b.fds = g_array_new (FALSE, FALSE, sizeof (int));
  b.warnings = g_ptr_array_new_with_free_func (g_free);

  if (!build_namespaces (&b, error) || !build_root (&b, error))
    return NULL;
  for (guint i = 0; i < plan->mounts->len; i++)
    if (!build_mount (&b, g_ptr_array_index (plan->mounts, i), masters, error))
      return NULL;
  if (svfs_mounter_get_spec (self) != NULL)
    {
      build_paths (&b, svfs_spec_get_readonly_paths (svfs_mounter_get_spec (self)),
                   SVFS_OP_READONLY, "readonlyPaths");
      build_paths (&b, svfs_spec_get_masked_paths (svfs_mounter_get_spec (self)),
                   SVFS_OP_MASK, "maskedPaths");
    }
  build_devices (&b);

  prog.staging_dir = pick_staging_dir ();
  if (prog.staging_dir == NULL)
    {
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_MOUNT_FAILED,
                           "no directory to stage the new root on (tried /tmp, /run, /mnt, /var/tmp)");
      return NULL;
    }

  mount_fds = g_new (int, b.ops->len + 1);
  prog.ops = (const SvfsOp *) b.ops->data;
  prog.n_ops = b.ops->len;
  prog.mount_fds = mount_fds;
  prog.hostname = b.hostname;
  prog.root_rdonly = b.root_rdonly;

  result_size = sizeof (SvfsExecResult) + b.ops->len;
  result = mmap (NULL, result_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (result == MAP_FAILED)
    {
      int err = errno;
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_LIMIT_EXCEEDED, "cannot map the result area: %s",
                   g_strerror (err));
      return NULL;
    }
  result->failed_op = -1;

  if (pipe2 (sync_pipe, O_CLOEXEC) < 0 || pipe2 (control_pipe, O_CLOEXEC) < 0)
    {
      int err = errno;
      for (guint i = 0; i < 2; i++)
        {
          if (sync_pipe[i] >= 0)
            close (sync_pipe[i]);
        }
      munmap (result, result_size);
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_LIMIT_EXCEEDED, "cannot create a pipe: %s", g_strerror (err));
      return NULL;
    }
  prog.sync_fd = sync_pipe[1];
  prog.control_fd = control_pipe[0];

  /* clone3 with a pidfd: the holder can be signalled and reaped without
   * any pid-reuse race.  No new stack: the child continues like fork(). */
  args.flags = (guint64) b.clone_flags | CLONE_PIDFD;
  args.pidfd = (guint64) (guintptr) &pidfd;
  args.exit_signal = SIGCHLD;
  pid = syscall (SYS_clone3, &args, sizeof args);
  if (pid < 0 && errno == ENOSYS)
    {
      pid = syscall (SYS_clone, (unsigned long) b.clone_flags | SIGCHLD, NULL, NULL, NULL, 0);
      if (pid > 0)
        pidfd = pidfd_open ((pid_t) pid, 0);
    }
  if (pid == 0)
    {
      close (sync_pipe[0]);
      close (control_pipe[1]);
      svfs_linux_exec_run (&prog, result);
      _exit (1);
    }

  close (sync_pipe[1]);
  close (control_pipe[0]);

  if (pid < 0)
    {
      int err = errno;
      close (sync_pipe[0]);
      close (control_pipe[1]);
      munmap (result, result_size);
      g_set_error (error, SVFS_ERROR, err == EPERM ? SVFS_ERROR_PERMISSION_DENIED : SVFS_ERROR_MOUNT_FAILED,
                   "cannot create the namespaces: %s", g_strerror (err));
      return NULL;
    }

  do
    n = read (sync_pipe[0], &byte, 1);
  while (n < 0 && errno == EINTR);
  close (sync_pipe[0]);

  if (n != 1)
    {
      /* The child failed (and exited): its mount namespace, and every
       * mount in it, went with it. */
      siginfo_t info = { 0 };
      int status = 0;

      if (pidfd >= 0)
        {
          while (waitid (P_PIDFD, (id_t) pidfd, &info, WEXITED) < 0 && errno == EINTR)
            ;
          status = info.si_code == CLD_EXITED ? (info.si_status & 0xff) << 8 : info.si_status & 0x7f;
          close (pidfd);
        }
      else
        while (waitpid ((pid_t) pid, &status, 0) < 0 && errno == EINTR)
          ;
      close (control_pipe[1]);
      set_exec_error (error, &b, result, status);
      munmap (result, result_size);
      return NULL;
    }

  for (guint i = 0; i < b.ops->len; i++)
    {
      const SvfsOp *op = &g_array_index (b.ops, SvfsOp, i);
      if (op->auto_tmp && result->op_state[i] == SVFS_OP_STATE_SKIPPED)
        g_ptr_array_add (b.warnings,
                         g_strdup ("no tmpfs at /tmp: /tmp in the root is not empty or not a directory"));
    }
  munmap (result, result_size);

  return svfs_mount_namespace_new_for_holder (plan, svfs_mounter_get_spec (self), (GPid) pid, pidfd,
                                              control_pipe[1], b.clone_flags, b.warnings, error);
}

/**
 * svfs_mounter_apply:
 * @self: a mounter
 * @plan: (nullable): a plan compiled by @self, or %NULL to compile one
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * Makes @plan real: builds its mount tree in a new mount namespace (and
 * the PID, IPC, UTS, network and cgroup namespaces the spec asks for) and
 * pivots into it. Sources are opened by path; see
 * [method@Svfs.Mounter.apply_with_fds] to pass them as descriptors.
 *
 * The work happens in a child process, so the caller may have threads and
 * its own namespaces never change. Every destination is resolved inside
 * the new root (`openat2` with `RESOLVE_IN_ROOT`) and mounted by fd; a
 * symlink in the rootfs cannot send a mount out of it. With the default
 * `overlay2=root:memory`, writes to the root land in memory.
 *
 * Realised: the root (bind of `root.path`, with or without the memory
 * overlay; read-only), bind mounts, tmpfs (with `tmpcopyup`), proc, sysfs,
 * dev, devpts, mqueue, pod-hint shared mounts, the automatic `/tmp`
 * (checked again against the real root), device nodes, `readonlyPaths`
 * and `maskedPaths`. Other filesystem types, other overlay media, user
 * and time namespaces and joining existing namespaces fail with
 * %SVFS_ERROR_UNSUPPORTED naming the mount. Applying needs root for now.
 *
 * On failure nothing is left behind: no mount, namespace, process or fd.
 * Errors name the mount (`mounts[3] "/data": …`): %SVFS_ERROR_NOT_FOUND
 * for a missing source, %SVFS_ERROR_MOUNT_FAILED when the kernel refuses,
 * %SVFS_ERROR_DEVICE for device nodes, %SVFS_ERROR_UNSUPPORTED.
 *
 * Returns: (transfer full): the namespace, or %NULL on error
 *
 * Since: 1.0
 */
SvfsMountNamespace *
svfs_mounter_apply (SvfsMounter   *self,
                    SvfsMountPlan *plan,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_return_val_if_fail (SVFS_IS_MOUNTER (self), NULL);
  g_return_val_if_fail (plan == NULL || SVFS_IS_MOUNT_PLAN (plan), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return apply (self, plan, NULL, cancellable, error);
}

/**
 * svfs_mounter_apply_with_fds:
 * @self: a mounter
 * @plan: (nullable): a plan compiled by @self, or %NULL to compile one
 * @source_fds: (nullable): the sources as descriptors: the rootfs
 *   directory first, then one per bind mount source in spec order (see
 *   [method@Svfs.PlannedMount.get_source_fd_index]); %NULL to open the
 *   sources by path
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * Like [method@Svfs.Mounter.apply], with the sources given as file
 * descriptors (`O_PATH` or ordinary), as the D-Bus service receives them;
 * the spec's source paths are then only labels. A count that does not
 * match the plan, or a descriptor of the wrong kind (a socket, or a
 * non-directory for the rootfs), is %SVFS_ERROR_SOURCE_FDS. The list keeps
 * its descriptors.
 *
 * Returns: (transfer full): the namespace, or %NULL on error
 *
 * Since: 1.0
 */
SvfsMountNamespace *
svfs_mounter_apply_with_fds (SvfsMounter   *self,
                             SvfsMountPlan *plan,
                             GUnixFDList   *source_fds,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_return_val_if_fail (SVFS_IS_MOUNTER (self), NULL);
  g_return_val_if_fail (plan == NULL || SVFS_IS_MOUNT_PLAN (plan), NULL);
  g_return_val_if_fail (source_fds == NULL || G_IS_UNIX_FD_LIST (source_fds), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return apply (self, plan, source_fds, cancellable, error);
}

typedef struct {
  SvfsMountPlan *plan;
  GUnixFDList   *fds;
} ApplyData;

static void
apply_data_free (ApplyData *data)
{
  g_clear_object (&data->plan);
  g_clear_object (&data->fds);
  g_free (data);
}

static void
apply_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ApplyData *data = task_data;
  GError *error = NULL;
  SvfsMountNamespace *ns = apply (SVFS_MOUNTER (source_object), data->plan, data->fds, cancellable, &error);

  if (ns == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ns, g_object_unref);
}

/**
 * svfs_mounter_apply_async:
 * @self: a mounter
 * @plan: (nullable): a plan compiled by @self, or %NULL to compile one
 * @source_fds: (nullable): the sources as descriptors, as for
 *   [method@Svfs.Mounter.apply_with_fds], or %NULL
 * @cancellable: (nullable): a cancellable
 * @callback: called when the namespace is ready
 * @user_data: data for @callback
 *
 * Applies the plan in a worker thread; see [method@Svfs.Mounter.apply].
 *
 * Since: 1.0
 */
void
svfs_mounter_apply_async (SvfsMounter         *self,
                          SvfsMountPlan       *plan,
                          GUnixFDList         *source_fds,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ApplyData *data;

  g_return_if_fail (SVFS_IS_MOUNTER (self));
  g_return_if_fail (plan == NULL || SVFS_IS_MOUNT_PLAN (plan));
  g_return_if_fail (source_fds == NULL || G_IS_UNIX_FD_LIST (source_fds));

  data = g_new0 (ApplyData, 1);
  data->plan = plan != NULL ? g_object_ref (plan) : NULL;
  data->fds = source_fds != NULL ? g_object_ref (source_fds) : NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, svfs_mounter_apply_async);
  g_task_set_task_data (task, data, (GDestroyNotify) apply_data_free);
  g_task_run_in_thread (task, apply_thread);
}

/**
 * svfs_mounter_apply_finish:
 * @self: a mounter
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Finishes [method@Svfs.Mounter.apply_async].
 *
 * Returns: (transfer full): the namespace, or %NULL on error
 *
 * Since: 1.0
 */
SvfsMountNamespace *
svfs_mounter_apply_finish (SvfsMounter   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SVFS_IS_MOUNTER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == svfs_mounter_apply_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
