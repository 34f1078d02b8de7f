/* svfs-mount-namespace.c: a mount plan made real in Linux namespaces
 *
 * The namespaces are held by a small process (the holder) that built the
 * mount tree and pivoted into it; see svfs-mounter-apply.c and
 * linux/svfs-linux-exec.c.  This object owns the holder (through a pidfd
 * and a control pipe whose closing makes it exit), the namespace fds and
 * the processes spawned inside.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <dirent.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <glib-unix.h>

#include "linux/svfs-linux-private.h"
#include "svfs-device.h"
#include "svfs-enums.h"
#include "svfs-error.h"
#include "svfs-mount-namespace-private.h"
#include "svfs-path-private.h"
#include "svfs-mount-plan-private.h"
#include "svfs-spec-private.h"

/**
 * SvfsMountNamespace:
 *
 * A mount plan made real: a Linux mount namespace (with the PID, IPC, UTS,
 * network and cgroup namespaces the spec asks for) whose root is the
 * container's root, created by [method@Svfs.Mounter.apply].
 *
 * The calling process's own namespaces never change: the namespaces are
 * built and held by a child process. The object gives the mount table as
 * the kernel reports it ([method@Svfs.MountNamespace.get_mounts],
 * [method@Svfs.MountNamespace.to_json], in the schema of the plan so the
 * two can be compared), file descriptors of the namespaces, and starts
 * processes inside ([method@Svfs.MountNamespace.spawn]).
 *
 * [method@Svfs.MountNamespace.close] (or dropping the last reference)
 * kills what runs inside and removes the namespaces; nothing stays behind
 * on the host.
 *
 * ```python
 * ns = Svfs.Mounter.new(spec, None).apply(None, None)
 * pid = ns.spawn(["/bin/sh", "-c", "echo hi > /tmp/x"], None, "/")
 * ok, status = ns.wait(pid)
 * ns.close()
 * ```
 *
 * Since: 1.0
 */

typedef struct {
  GPid     pid;
  int      pidfd;
  int      status;    /* when reaped by close () */
  gboolean reaped;
  gboolean waiting;   /* a wait is in progress */
} Process;

struct _SvfsMountNamespace
{
  GObject         parent_instance;

  GMutex          lock;
  SvfsMountPlan  *plan;
  SvfsSpec       *spec;
  char           *mountinfo;    /* the holder's mountinfo, read right after the build */
  GOnce           table_once;   /* parses it into mounts and root on first use */
  GListStore     *mounts;       /* SvfsPlannedMount, read back */
  SvfsPlannedMount *root;       /* the "/" entry, read back */
  GListStore     *devices;      /* SvfsDevice, read back */
  GPtrArray      *warnings;     /* NULL-terminated */
  GArray         *processes;    /* Process */

  GPid            pid;
  int             pidfd;
  int             control_fd;
  int             mnt_ns_fd;
  int             user_ns_fd;
  int             join_fds[8];
  int             join_types[8];
  guint           n_join;
  int             clone_flags;  /* CLONE_NEW* | SVFS_HOLDER_OWNER_USERNS */
  void           *holder_stack; /* the holder's, when it shares our memory: given back once it is reaped */
  gboolean        userns;       /* in a user namespace of its own */
  gboolean        owner_userns; /* … made for an owner after the others: drop groups, join it late */
  GPtrArray      *cleanup_dirs; /* host directories removed on close (disk overlay uppers) */
  gboolean        closed;
};

G_DEFINE_FINAL_TYPE (SvfsMountNamespace, svfs_mount_namespace, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PLAN,
  PROP_PID,
  PROP_MOUNTS,
  PROP_CLOSED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    {
      close (*fd);
      *fd = -1;
    }
}

static int
wait_status_from_siginfo (const siginfo_t *info)
{
  switch (info->si_code)
    {
    case CLD_EXITED:
      return (info->si_status & 0xff) << 8;
    case CLD_KILLED:
      return info->si_status & 0x7f;
    case CLD_DUMPED:
      return (info->si_status & 0x7f) | 0x80;
    default:
      return 0;
    }
}

int
svfs_reap_pidfd (int  pidfd,
                 int  options,
                 int *wait_status)
{
  siginfo_t info = { 0 };
  int rc;

  do
    rc = waitid (P_PIDFD, (id_t) pidfd, &info, WEXITED | options);
  while (rc < 0 && errno == EINTR);
  if (rc < 0)
    return -1;
  if (info.si_pid == 0)
    {
      errno = EAGAIN;
      return -1;
    }
  if (wait_status != NULL)
    *wait_status = wait_status_from_siginfo (&info);
  return 0;
}

static void *cached_holder_stack;

void *
svfs_holder_stack_get (void)
{
  void *stack = g_atomic_pointer_exchange (&cached_holder_stack, NULL);

  if (stack != NULL)
    return stack;
  stack = mmap (NULL, SVFS_HOLDER_STACK_SIZE, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
  if (stack == MAP_FAILED)
    return NULL;
  if (mprotect (stack, 4096, PROT_NONE) < 0)
    {
      munmap (stack, SVFS_HOLDER_STACK_SIZE);
      return NULL;
    }
  return stack;
}

void
svfs_holder_stack_put (void *stack)
{
  if (stack != NULL && !g_atomic_pointer_compare_and_exchange (&cached_holder_stack, NULL, stack))
    munmap (stack, SVFS_HOLDER_STACK_SIZE);
}

static void
close_locked (SvfsMountNamespace *self)
{
  /* The spawned processes first, killed and reaped: they are our children
   * but live in the holder's PID namespace, and the holder, its PID 1,
   * cannot finish dying while they are unreaped zombies. */
  for (guint i = 0; i < self->processes->len; i++)
    {
      Process *p = &g_array_index (self->processes, Process, i);
      if (!p->reaped && p->pidfd >= 0)
        pidfd_send_signal (p->pidfd, SIGKILL, NULL, 0);
    }
  for (guint i = 0; i < self->processes->len; i++)
    {
      Process *p = &g_array_index (self->processes, Process, i);

      if (!p->reaped && p->pidfd >= 0)
        svfs_reap_pidfd (p->pidfd, 0, &p->status);
      p->reaped = TRUE;
      /* An async wait still polls the pidfd; it closes it and returns
       * the status kept here. */
      if (!p->waiting)
        close_fd (&p->pidfd);
    }
  close_fd (&self->control_fd);
  if (self->pidfd >= 0)
    {
      pidfd_send_signal (self->pidfd, SIGKILL, NULL, 0);
      svfs_reap_pidfd (self->pidfd, 0, NULL);
      close_fd (&self->pidfd);
    }
  if (self->holder_stack != NULL)
    {
      svfs_holder_stack_put (self->holder_stack);
      self->holder_stack = NULL;
    }
  for (guint i = 0; i < self->n_join; i++)
    close_fd (&self->join_fds[i]);
  self->n_join = 0;
  self->mnt_ns_fd = -1;   /* one of join_fds */
  close_fd (&self->user_ns_fd);
  /* The holder is gone, and with it the overlays: their on-disk upper
   * directories go too. */
  for (guint i = 0; self->cleanup_dirs != NULL && i < self->cleanup_dirs->len; i++)
    svfs_remove_tree (g_ptr_array_index (self->cleanup_dirs, i));
  g_clear_pointer (&self->cleanup_dirs, g_ptr_array_unref);
  self->closed = TRUE;
}

static void
svfs_mount_namespace_finalize (GObject *object)
{
  SvfsMountNamespace *self = SVFS_MOUNT_NAMESPACE (object);

  if (!self->closed)
    close_locked (self);
  g_clear_object (&self->plan);
  g_clear_object (&self->spec);
  g_free (self->mountinfo);
  g_clear_object (&self->mounts);
  g_clear_object (&self->root);
  g_clear_object (&self->devices);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->processes, g_array_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (svfs_mount_namespace_parent_class)->finalize (object);
}

static void
svfs_mount_namespace_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SvfsMountNamespace *self = SVFS_MOUNT_NAMESPACE (object);

  switch (prop_id)
    {
    case PROP_PLAN:
      g_value_set_object (value, self->plan);
      break;
    case PROP_PID:
      g_value_set_int (value, self->pid);
      break;
    case PROP_MOUNTS:
      g_value_set_object (value, svfs_mount_namespace_get_mounts (self));
      break;
    case PROP_CLOSED:
      g_value_set_boolean (value, svfs_mount_namespace_is_closed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
svfs_mount_namespace_class_init (SvfsMountNamespaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = svfs_mount_namespace_finalize;
  object_class->get_property = svfs_mount_namespace_get_property;

  /**
   * SvfsMountNamespace:plan:
   *
   * The plan that was applied.
   *
   * Since: 1.0
   */
  properties[PROP_PLAN] =
    g_param_spec_object ("plan", NULL, NULL, SVFS_TYPE_MOUNT_PLAN,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * SvfsMountNamespace:pid:
   *
   * The process that holds the namespaces (PID 1 of the new PID namespace
   * when there is one), as seen from the caller; 0 once closed.
   *
   * Since: 1.0
   */
  properties[PROP_PID] =
    g_param_spec_int ("pid", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * SvfsMountNamespace:mounts:
   *
   * The mount table read back from the kernel after apply, as
   * [class@Svfs.PlannedMount]s below the root.
   *
   * Since: 1.0
   */
  properties[PROP_MOUNTS] =
    g_param_spec_object ("mounts", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * SvfsMountNamespace:closed:
   *
   * Whether [method@Svfs.MountNamespace.close] was called.
   *
   * Since: 1.0
   */
  properties[PROP_CLOSED] =
    g_param_spec_boolean ("closed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
svfs_mount_namespace_init (SvfsMountNamespace *self)
{
  g_mutex_init (&self->lock);
  self->table_once = (GOnce) G_ONCE_INIT;
  self->mounts = g_list_store_new (SVFS_TYPE_PLANNED_MOUNT);
  self->devices = g_list_store_new (SVFS_TYPE_DEVICE);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->warnings, NULL);
  self->processes = g_array_new (FALSE, FALSE, sizeof (Process));
  self->pidfd = -1;
  self->control_fd = -1;
  self->mnt_ns_fd = -1;
  self->user_ns_fd = -1;
}

static void
add_warning (SvfsMountNamespace *self,
             char               *warning)
{
  self->warnings->pdata[self->warnings->len - 1] = warning;
  g_ptr_array_add (self->warnings, NULL);
}

/* Removes @fd's directory entry @name and everything below it without
 * following symlinks (the container wrote there: it may hold symlinks to
 * anything); directories it cannot enter are made accessible first (an
 * overlay's work directory is mode 000). */
static void
remove_at (int         dir_fd,
           const char *name,
           int         depth)
{
  struct stat st;
  int fd;
  DIR *dir;
  struct dirent *de;

  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return;
  if (!S_ISDIR (st.st_mode) || depth > 256)
    {
      unlinkat (dir_fd, name, 0);
      return;
    }
  fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == EACCES && fchmodat (dir_fd, name, 0700, 0) == 0)
    fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0 && (dir = fdopendir (fd)) != NULL)
    {
      if ((st.st_mode & 0700) != 0700)
        fchmod (fd, 0700);
      while ((de = readdir (dir)) != NULL)
        if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
          remove_at (dirfd (dir), de->d_name, depth + 1);
      closedir (dir);
    }
  else if (fd >= 0)
    close (fd);
  unlinkat (dir_fd, name, AT_REMOVEDIR);
}

void
svfs_remove_tree (const char *path)
{
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  int fd = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return;
  remove_at (fd, base, 0);
  close (fd);
}

void
svfs_mount_namespace_take_cleanup_dirs (SvfsMountNamespace *self,
                                        GPtrArray          *dirs)
{
  g_clear_pointer (&self->cleanup_dirs, g_ptr_array_unref);
  self->cleanup_dirs = dirs;
}

/* --- reading the mount table back ---------------------------------------- */

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *
unescape_mountinfo (const char *s)
{
  GString *out = g_string_sized_new (strlen (s));

  for (const char *p = s; *p != '\0'; p++)
    {
      if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
          p[3] >= '0' && p[3] <= '7')
        {
          g_string_append_c (out, (char) (((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0')));
          p += 3;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static SvfsMountFlags
flags_from_options (const char *options)
{
  g_auto(GStrv) opts = g_strsplit (options, ",", -1);
  SvfsMountFlags flags = SVFS_MOUNT_FLAGS_STRICTATIME;

  for (guint i = 0; opts[i] != NULL; i++)
    {
      if (strcmp (opts[i], "ro") == 0)
        flags |= SVFS_MOUNT_FLAGS_RDONLY;
      else if (strcmp (opts[i], "nosuid") == 0)
        flags |= SVFS_MOUNT_FLAGS_NOSUID;
      else if (strcmp (opts[i], "nodev") == 0)
        flags |= SVFS_MOUNT_FLAGS_NODEV;
      else if (strcmp (opts[i], "noexec") == 0)
        flags |= SVFS_MOUNT_FLAGS_NOEXEC;
      else if (strcmp (opts[i], "nodiratime") == 0)
        flags |= SVFS_MOUNT_FLAGS_NODIRATIME;
      else if (strcmp (opts[i], "noatime") == 0)
        flags = (flags & ~SVFS_MOUNT_FLAGS_STRICTATIME) | SVFS_MOUNT_FLAGS_NOATIME;
      else if (strcmp (opts[i], "relatime") == 0)
        flags = (flags & ~SVFS_MOUNT_FLAGS_STRICTATIME) | SVFS_MOUNT_FLAGS_RELATIME;
    }
  return flags;
}

/* destination → the last planned mount there (the one on top). */
static GHashTable *
index_planned (SvfsMountPlan *plan)
{
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < plan->mounts->len; i++)
    {
      SvfsPlannedMount *m = g_ptr_array_index (plan->mounts, i);
      g_hash_table_insert (index, m->destination, m);
    }
  return index;
}

/* One mountinfo line:
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * The type is the plan's word where the kernel's is a realisation of it
 * (a bind is a bind whatever the filesystem; `dev` is a tmpfs); the kernel's
 * otherwise. */
static SvfsPlannedMount *
parse_mountinfo_line (GHashTable *planned_index,
                      const char *line)
{
  g_auto(GStrv) fields = g_strsplit (line, " ", -1);
  g_autoptr(SvfsPlannedMount) m = NULL;
  g_autofree char *fs_root = NULL;
  SvfsPlannedMount *planned;
  const char *kernel_type, *source, *super;
  guint n = g_strv_length (fields);
  guint sep = 0;

  for (guint i = 6; i < n; i++)
    if (strcmp (fields[i], "-") == 0)
      {
        sep = i;
        break;
      }
  if (n < 7 || sep == 0 || sep + 3 > n)
    return NULL;

  kernel_type = fields[sep + 1];
  source = fields[sep + 2];
  super = sep + 3 < n ? fields[sep + 3] : "";

  m = svfs_planned_mount_new ();
  m->destination = unescape_mountinfo (fields[4]);
  fs_root = unescape_mountinfo (fields[3]);
  m->flags = flags_from_options (fields[5]);
  m->propagation = SVFS_PROPAGATION_PRIVATE;
  for (guint i = 6; i < sep; i++)
    {
      if (g_str_has_prefix (fields[i], "shared:"))
        m->propagation = SVFS_PROPAGATION_SHARED;
      else if (g_str_has_prefix (fields[i], "master:") && m->propagation != SVFS_PROPAGATION_SHARED)
        m->propagation = SVFS_PROPAGATION_SLAVE;
      else if (strcmp (fields[i], "unbindable") == 0)
        m->propagation = SVFS_PROPAGATION_UNBINDABLE;
    }

  /* Super options without the leading rw/ro, which the flags carry. */
  if (g_str_has_prefix (super, "rw,") || g_str_has_prefix (super, "ro,"))
    m->data = unescape_mountinfo (super + 3);
  else if (strcmp (super, "rw") == 0 || strcmp (super, "ro") == 0)
    m->data = g_strdup ("");
  else
    m->data = unescape_mountinfo (super);

  planned = g_hash_table_lookup (planned_index, m->destination);
  if (planned != NULL && strcmp (planned->fs_type, "bind") == 0)
    {
      m->fs_type = g_strdup ("bind");
      m->source = g_steal_pointer (&fs_root);
      m->recursive = planned->recursive;
    }
  else if (planned != NULL && strcmp (planned->fs_type, "dev") == 0 && strcmp (kernel_type, "tmpfs") == 0)
    {
      m->fs_type = g_strdup ("dev");
      m->source = unescape_mountinfo (source);
    }
  else if (planned != NULL && strcmp (planned->fs_type, "erofs") == 0 && strcmp (kernel_type, "erofs") == 0)
    {
      /* The image was mounted through an fd (/proc/self/fd/N). */
      m->fs_type = g_strdup (kernel_type);
      m->source = g_strdup (planned->source);
    }
  else
    {
      m->fs_type = g_strdup (kernel_type);
      m->source = unescape_mountinfo (source);
    }
  if (planned != NULL)
    {
      m->spec_index = planned->spec_index;
      m->shared = g_strdup (planned->shared);
      m->tmpcopyup = planned->tmpcopyup;
    }
  else
    m->spec_index = -1;

  return g_steal_pointer (&m);
}

/* Parses the mountinfo text taken right after the build.  Only what
 * asks for the table pays for it: `sandboxvfs run` never does.  A line
 * the kernel wrote in a form we do not know is left out with a warning;
 * the root falls back to the plan's. */
static gpointer
parse_mount_table (gpointer data)
{
  SvfsMountNamespace *self = data;
  g_autoptr(GHashTable) planned_index = index_planned (self->plan);
  g_auto(GStrv) lines = g_strsplit (self->mountinfo != NULL ? self->mountinfo : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(SvfsPlannedMount) m = NULL;

      if (lines[i][0] == '\0')
        continue;
      m = parse_mountinfo_line (planned_index, lines[i]);
      if (m == NULL)
        {
          g_warning ("mountinfo of the holder %d, line %u: cannot parse “%s”", (int) self->pid, i + 1, lines[i]);
          continue;
        }
      if (strcmp (m->destination, "/") == 0)
        {
          /* The root as the plan names it: a bind (of root.path), with the
           * memory overlay when the kernel shows one. */
          if (strcmp (m->fs_type, "overlay") == 0)
            m->overlay_medium = SVFS_OVERLAY_MEDIUM_MEMORY;
          g_free (m->fs_type);
          m->fs_type = g_strdup (self->plan->root_type);
          g_free (m->source);
          m->source = g_strdup (self->plan->root_source);
          g_set_object (&self->root, m);
        }
      else
        g_list_store_append (self->mounts, m);
    }

  if (self->root == NULL)
    {
      self->root = svfs_planned_mount_new ();
      self->root->destination = g_strdup ("/");
      self->root->fs_type = g_strdup (self->plan->root_type);
      self->root->source = g_strdup (self->plan->root_source);
      self->root->spec_index = -1;
    }
  g_clear_pointer (&self->mountinfo, g_free);
  return self;
}

static void
ensure_mount_table (SvfsMountNamespace *self)
{
  g_once (&self->table_once, parse_mount_table, self);
}

static void
read_devices (SvfsMountNamespace *self)
{
  g_autofree char *root_path = g_strdup_printf ("/proc/%d/root", (int) self->pid);
  GListModel *planned = G_LIST_MODEL (self->plan->devices);
  int root_fd;

  if (g_list_model_get_n_items (planned) == 0)
    return;
  root_fd = open (root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (planned); i++)
    {
      g_autoptr(SvfsDevice) d = g_list_model_get_item (planned, i);
      g_autoptr(SvfsDevice) found = NULL;
      const char *type = NULL;
      struct stat st;
      int fd = svfs_open_in_root (root_fd, svfs_device_get_path (d), O_PATH | O_NOFOLLOW);

      if (fd < 0 || fstat (fd, &st) < 0)
        {
          if (fd >= 0)
            close (fd);
          add_warning (self, g_strdup_printf ("device %s is missing", svfs_device_get_path (d)));
          continue;
        }
      close (fd);
      if (S_ISCHR (st.st_mode))
        type = "c";
      else if (S_ISBLK (st.st_mode))
        type = "b";
      else if (S_ISFIFO (st.st_mode))
        type = "p";
      else
        {
          add_warning (self, g_strdup_printf ("device %s is not a device node", svfs_device_get_path (d)));
          continue;
        }
      found = svfs_device_new (svfs_device_get_kind (d), svfs_device_get_path (d), type,
                               S_ISFIFO (st.st_mode) ? 0 : major (st.st_rdev),
                               S_ISFIFO (st.st_mode) ? 0 : minor (st.st_rdev));
      svfs_device_set_mode (found, st.st_mode & 0777);
      svfs_device_set_uid (found, st.st_uid);
      svfs_device_set_gid (found, st.st_gid);
      g_list_store_append (self->devices, found);
    }
  close (root_fd);
}

/* The pidfd ioctls that give a process's namespaces (Linux 6.11). */
#define SVFS_PIDFD_NS_IOCTL(n) _IO (0xFF, n)

static const struct {
  int         type;
  const char *name;
  unsigned    pidfd_nr;
} ns_names[] = {
  /* The user namespace first: it gives the capabilities to join the rest. */
  { CLONE_NEWUSER, "user", 9 },
  { CLONE_NEWPID, "pid", 5 },
  { CLONE_NEWIPC, "ipc", 2 },
  { CLONE_NEWUTS, "uts", 10 },
  { CLONE_NEWNET, "net", 4 },
  { CLONE_NEWCGROUP, "cgroup", 1 },
  /* The mount namespace last: it changes the root. */
  { CLONE_NEWNS, "mnt", 3 },
};

/* Namespace @k of ns_names of the holder: through its pidfd where the
 * kernel can (no path lookup, no pid to reuse), else /proc/<pid>/ns. */
static int
open_ns (GPid         pid,
         int          pidfd,
         guint        k,
         GError     **error)
{
  g_autofree char *path = NULL;
  int fd = -1;

  if (pidfd >= 0)
    {
      fd = ioctl (pidfd, SVFS_PIDFD_NS_IOCTL (ns_names[k].pidfd_nr), 0);
      if (fd >= 0 || (errno != ENOTTY && errno != EINVAL && errno != EOPNOTSUPP))
        {
          if (fd < 0)
            {
              int err = errno;
              g_set_error (error, SVFS_ERROR, SVFS_ERROR_MOUNT_FAILED,
                           "cannot get the %s namespace of the holder %d: %s", ns_names[k].name, (int) pid,
                           g_strerror (err));
            }
          return fd;
        }
    }
  path = g_strdup_printf ("/proc/%d/ns/%s", (int) pid, ns_names[k].name);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int err = errno;
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_MOUNT_FAILED,
                   "cannot open %s: %s", path, g_strerror (err));
    }
  return fd;
}

static gboolean
open_holder_namespaces (SvfsMountNamespace  *self,
                        int                  pidfd,
                        GError             **error)
{
  for (guint k = 0; k < G_N_ELEMENTS (ns_names); k++)
    {
      /* An owner's user namespace (SVFS_HOLDER_OWNER_USERNS) owns only
       * the mount namespace: root joins the others first, then the user
       * namespace, then the mount namespace (order 1…5, 0, 6). */
      guint last = G_N_ELEMENTS (ns_names) - 1;
      guint i = !self->owner_userns ? k : k + 1 < last ? k + 1 : k + 1 == last ? 0 : k;
      int fd;

      if (!(self->clone_flags & ns_names[i].type))
        continue;
      fd = open_ns (self->pid, pidfd, i, error);
      if (fd < 0)
        return FALSE;
      self->join_fds[self->n_join] = fd;
      self->join_types[self->n_join] = ns_names[i].type;
      self->n_join++;
      if (ns_names[i].type == CLONE_NEWNS)
        self->mnt_ns_fd = fd;
    }
  self->user_ns_fd = open_ns (self->pid, pidfd, 0, error);
  return self->user_ns_fd >= 0;
}

SvfsMountNamespace *
svfs_mount_namespace_new_for_holder (SvfsMountPlan  *plan,
                                     SvfsSpec       *spec,
                                     GPid            pid,
                                     int             pidfd,
                                     int             clone_flags,
                                     GError        **error)
{
  g_autoptr(SvfsMountNamespace) self = g_object_new (SVFS_TYPE_MOUNT_NAMESPACE, NULL);
  const char * const *plan_warnings = svfs_mount_plan_get_warnings (plan);

  self->plan = g_object_ref (plan);
  self->spec = spec != NULL ? g_object_ref (spec) : NULL;
  self->pid = pid;
  self->clone_flags = clone_flags;
  self->userns = (clone_flags & CLONE_NEWUSER) != 0;
  self->owner_userns = (clone_flags & SVFS_HOLDER_OWNER_USERNS) != 0;

  for (guint i = 0; plan_warnings != NULL && plan_warnings[i] != NULL; i++)
    add_warning (self, g_strdup (plan_warnings[i]));

  /* The namespaces exist from the clone on (an owner's user and mount
   * namespaces only once the holder made them, when it is ready). */
  if (!self->owner_userns && !open_holder_namespaces (self, pidfd, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
svfs_mount_namespace_holder_ready (SvfsMountNamespace  *self,
                                   int                  pidfd,
                                   int                  control_fd,
                                   void                *stack,
                                   GPtrArray           *warnings,
                                   GError             **error)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/mountinfo", (int) self->pid);

  self->pidfd = pidfd;
  self->control_fd = control_fd;
  self->holder_stack = stack;
  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    add_warning (self, g_strdup (g_ptr_array_index (warnings, i)));

  if (self->owner_userns && !open_holder_namespaces (self, pidfd, error))
    return FALSE;

  /* The table as the kernel has it now, before anything else can run in
   * the namespace; parsed when first asked for. */
  self->mountinfo = svfs_read_proc_file (path, error);
  if (self->mountinfo == NULL)
    return FALSE;
  read_devices (self);
  return TRUE;
}

/* --- accessors -------------------------------------------------------- */

/**
 * svfs_mount_namespace_get_plan:
 * @self: a mount namespace
 *
 * Gets the plan that was applied.
 *
 * Returns: (transfer none): the plan
 *
 * Since: 1.0
 */
SvfsMountPlan *
svfs_mount_namespace_get_plan (SvfsMountNamespace *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_NAMESPACE (self), NULL);
  return self->plan;
}

/**
 * svfs_mount_namespace_get_mounts:
 * @self: a mount namespace
 *
 * Gets the mount table below the root as the kernel reported it right
 * after the namespace was built (`/proc/<pid>/mountinfo` of the holder,
 * paths relative to the new root), in mount order.
 *
 * Each item carries the destination, the flags in force (`ro`, `nosuid`,
 * `nodev`, `noexec` and the access-time mode), the propagation, and as
 * data the filesystem's own options. The type is the plan's word where
 * the kernel's filesystem realises it (`bind` for a planned bind, `dev`
 * for the tmpfs at a planned `dev`), otherwise the kernel's filesystem
 * type; the source of a bind is the path inside the source filesystem.
 * Mounts the plan does not list (masked paths, for instance) appear too.
 *
 * Returns: (transfer none): a list model of [class@Svfs.PlannedMount]
 *
 * Since: 1.0
 */
GListModel *
svfs_mount_namespace_get_mounts (SvfsMountNamespace *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_NAMESPACE (self), NULL);
  ensure_mount_table (self);
  return G_LIST_MODEL (self->mounts);
}

/**
 * svfs_mount_namespace_get_warnings:
 * @self: a mount namespace
 *
 * Gets the plan's warnings followed by what applying it found, such as an
 * automatic `/tmp` left out because the rootfs `/tmp` was not empty.
 *
 * Returns: (transfer none) (array zero-terminated=1): the warnings
 *
 * Since: 1.0
 */
const char * const *
svfs_mount_namespace_get_warnings (SvfsMountNamespace *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_NAMESPACE (self), NULL);
  return (const char * const *) self->warnings->pdata;
}

/**
 * svfs_mount_namespace_to_json_node:
 * @self: a mount namespace
 *
 * Gives the mount table read back from the kernel in the schema of the
 * plan JSON (`root`, `mounts`, `skipped`, `devices`, `warnings`), so that
 * the plan and what was built can be compared with a plain diff. `devices`
 * lists the planned device nodes as found in the namespace.
 *
 * Returns: (transfer full): a JSON object node
 *
 * Since: 1.0
 */
JsonNode *
svfs_mount_namespace_to_json_node (SvfsMountNamespace *self)
{
  SvfsPlanJsonRoot root;

  g_return_val_if_fail (SVFS_IS_MOUNT_NAMESPACE (self), NULL);

  ensure_mount_table (self);
  root = (SvfsPlanJsonRoot) {
    .type = self->root->fs_type,
    .source = self->root->source,
    .readonly = (self->root->flags & SVFS_MOUNT_FLAGS_RDONLY) != 0,
    .overlay_medium = self->root->overlay_medium,
  };
  return svfs_plan_json_node_new (&root, G_LIST_MODEL (self->mounts),
                                  svfs_mount_plan_get_skipped (self->plan),
                                  G_LIST_MODEL (self->devices),
                                  (const char * const *) self->warnings->pdata);
}

/**
 * svfs_mount_namespace_to_json:
 * @self: a mount namespace
 *
 * Gives [method@Svfs.MountNamespace.to_json_node] as pretty-printed JSON
 * text, formatted like `sandboxvfs plan --format json`.
 *
 * Returns: (transfer full): the JSON text
 *
 * Since: 1.0
 */
char *
svfs_mount_namespace_to_json (SvfsMountNamespace *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (SVFS_IS_MOUNT_NAMESPACE (self), NULL);

  node = svfs_mount_namespace_to_json_node (self);
  return svfs_json_node_to_pretty_string (node);
}

/**
 * svfs_mount_namespace_get_pid:
 * @self: a mount namespace
 *
 * Gets the process that holds the namespaces, as seen from the caller's
 * PID namespace. It is PID 1 of the container's PID namespace when the
 * spec asks for one.
 *
 * Returns: the pid, or 0 once closed
 *
 * Since: 1.0
 */
GPid
svfs_mount_namespace_get_pid (SvfsMountNamespace *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_NAMESPACE (self), 0);
  return self->closed ? 0 : self->pid;
}

/**
 * svfs_mount_namespace_get_mount_ns_fd:
 * @self: a mount namespace
 *
 * Gets a file descriptor of the mount namespace (`/proc/<pid>/ns/mnt`),
 * owned by @self. After `setns()` into it, `/` is the container's root.
 *
 * Returns: the file descriptor, or -1 once closed
 *
 * Since: 1.0
 */
int
svfs_mount_namespace_get_mount_ns_fd (SvfsMountNamespace *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_NAMESPACE (self), -1);
  return self->mnt_ns_fd;
}

/**
 * svfs_mount_namespace_get_user_ns_fd:
 * @self: a mount namespace
 *
 * Gets a file descriptor of the user namespace that owns the mount
 * namespace, owned by @self. When no user namespace was created (the
 * caller is root) this is the user namespace the caller runs in; for a
 * namespace built for an owner ([method@Svfs.Mounter.set_owner]) it is the
 * owner's, which the owner can `setns()` into before the mount namespace.
 *
 * Returns: the file descriptor, or -1 once closed
 *
 * Since: 1.0
 */
int
svfs_mount_namespace_get_user_ns_fd (SvfsMountNamespace *self)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_NAMESPACE (self), -1);
  return self->user_ns_fd;
}

static int
dup_fd (SvfsMountNamespace  *self,
        int                  fd,
        GError             **error)
{
  int copy;

  g_mutex_lock (&self->lock);
  if (self->closed || fd < 0)
    {
      g_mutex_unlock (&self->lock);
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_NOT_FOUND, "the mount namespace is closed");
      return -1;
    }
  copy = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  g_mutex_unlock (&self->lock);
  if (copy < 0)
    {
      int err = errno;
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_LIMIT_EXCEEDED, "cannot duplicate a namespace fd: %s",
                   g_strerror (err));
    }
  return copy;
}

/**
 * svfs_mount_namespace_dup_mount_ns_fd:
 * @self: a mount namespace
 * @error: return location for an error
 *
 * Duplicates the mount namespace fd; see
 * [method@Svfs.MountNamespace.get_mount_ns_fd]. The caller owns the new
 * descriptor (close-on-exec) and may pass it on, e.g. over D-Bus.
 *
 * Returns: a new file descriptor, or -1 on error
 *
 * Since: 1.0
 */
int
svfs_mount_namespace_dup_mount_ns_fd (SvfsMountNamespace  *self,
                                      GError             **error)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_NAMESPACE (self), -1);
  return dup_fd (self, self->mnt_ns_fd, error);
}

/**
 * svfs_mount_namespace_dup_user_ns_fd:
 * @self: a mount namespace
 * @error: return location for an error
 *
 * Duplicates the user namespace fd; see
 * [method@Svfs.MountNamespace.get_user_ns_fd].
 *
 * Returns: a new file descriptor, or -1 on error
 *
 * Since: 1.0
 */
int
svfs_mount_namespace_dup_user_ns_fd (SvfsMountNamespace  *self,
                                     GError             **error)
{
  g_return_val_if_fail (SVFS_IS_MOUNT_NAMESPACE (self), -1);
  return dup_fd (self, self->user_ns_fd, error);
}

/* --- processes -------------------------------------------------------- */

static int
spawn_error_code (int err)
{
  switch (err)
    {
    case ENOENT:
    case ENOTDIR:
      return SVFS_ERROR_NOT_FOUND;
    case EACCES:
    case EPERM:
      return SVFS_ERROR_PERMISSION_DENIED;
    case E2BIG:
    case EMFILE:
    case ENFILE:
    case EAGAIN:
    case ENOMEM:
      return SVFS_ERROR_LIMIT_EXCEEDED;
    default:
      return SVFS_ERROR_UNSUPPORTED;
    }
}

/* Two stacks for the children of a spawn that share our address space,
 * each below a guard page.  NULL (a plain fork then) when it cannot be
 * mapped, or under AddressSanitizer, which cannot follow a child running
 * instrumented code on a stack it does not know. */
#define SPAWN_STACK_SIZE (64 * 1024)

typedef char SpawnStacks;

#if defined(__SANITIZE_ADDRESS__)
# define SVFS_SPAWN_SHARED_VM 0
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define SVFS_SPAWN_SHARED_VM 0
# endif
#endif
#ifndef SVFS_SPAWN_SHARED_VM
# define SVFS_SPAWN_SHARED_VM 1
#endif

static SpawnStacks *
spawn_stacks_new (void)
{
  char *base;

  if (!SVFS_SPAWN_SHARED_VM)
    return NULL;
  base = mmap (NULL, 2 * SPAWN_STACK_SIZE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED)
    return NULL;
  if (mprotect (base, 4096, PROT_NONE) < 0 ||
      mprotect (base + SPAWN_STACK_SIZE, 4096, PROT_NONE) < 0)
    {
      munmap (base, 2 * SPAWN_STACK_SIZE);
      return NULL;
    }
  return base;
}

static void
spawn_stacks_free (SpawnStacks *stacks)
{
  munmap (stacks, 2 * SPAWN_STACK_SIZE);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpawnStacks, spawn_stacks_free)

/**
 * svfs_mount_namespace_spawn:
 * @self: a mount namespace
 * @argv: (array zero-terminated=1) (element-type filename) (nullable): the
 *   program and its arguments, or %NULL for the spec's `process.args`
 * @envp: (array zero-terminated=1) (element-type filename) (nullable): the
 *   environment, or %NULL for the spec's `process.env`
 * @cwd: (type filename) (nullable): the working directory inside the
 *   container, or %NULL for the spec's `process.cwd`
 * @error: return location for an error
 *
 * Starts a process inside the namespaces, with the spec's user and group,
 * supplementary groups and umask (`process.user`: `uid`, `gid`,
 * `additionalGids`, `umask`, 022 when absent), standard input, output and
 * error inherited from the caller and every other descriptor closed. In a
 * user namespace made for an ordinary user or an owner there can be no
 * supplementary groups: `additionalGids` are then ignored, with a warning
 * from apply. The program is looked up in
 * the `PATH` of @envp when it contains no `/`.
 *
 * The process ends when the caller does, as the holder does: with a PID
 * namespace of its own the holder is its init and takes it along; without
 * one it gets SIGKILL when its parent ends, when spawn is called from the
 * main thread (it is a child of the calling thread, and another thread may
 * end long before the caller).
 *
 * The process is a child of the calling process: wait for it with
 * [method@Svfs.MountNamespace.wait] or
 * [method@Svfs.MountNamespace.wait_async] (or waitpid()). Closing the
 * namespace kills it.
 *
 * Returns: the pid of the process (in the caller's PID namespace), or 0
 *   on error
 *
 * Since: 1.0
 */
static gboolean
has_join_type (SvfsMountNamespace *self,
               int                 type)
{
  for (guint i = 0; i < self->n_join; i++)
    if (self->join_types[i] == type)
      return TRUE;
  return FALSE;
}

GPid
svfs_mount_namespace_spawn (SvfsMountNamespace  *self,
                            const char * const  *argv,
                            const char * const  *envp,
                            const char          *cwd,
                            GError             **error)
{
  return svfs_mount_namespace_spawn_with_fds (self, argv, envp, cwd, NULL, 0, error);
}

/**
 * svfs_mount_namespace_spawn_with_fds:
 * @self: a mount namespace
 * @argv: (array zero-terminated=1) (element-type filename) (nullable): the
 *   program and its arguments, or %NULL for the spec's `process.args`
 * @envp: (array zero-terminated=1) (element-type filename) (nullable): the
 *   environment, or %NULL for the spec's `process.env`
 * @cwd: (type filename) (nullable): the working directory inside the
 *   container, or %NULL for the spec's `process.cwd`
 * @fds: (array length=n_fds) (nullable): the descriptors the process
 *   gets: `fds[i]` becomes its descriptor `i`, -1 leaves `i` closed
 * @n_fds: the length of @fds (at most 256); 0 inherits 0, 1 and 2
 * @error: return location for an error
 *
 * Like [method@Svfs.MountNamespace.spawn], with the process's file
 * descriptors given explicitly. The caller keeps ownership of @fds.
 *
 * Returns: the pid of the process, or 0 on error
 *
 * Since: 1.0
 */
GPid
svfs_mount_namespace_spawn_with_fds (SvfsMountNamespace  *self,
                                     const char * const  *argv,
                                     const char * const  *envp,
                                     const char          *cwd,
                                     const int           *fds,
                                     guint                n_fds,
                                     GError             **error)
{
  static const char * const empty_env[] = { NULL };
  SvfsSpawnProgram prog = { 0 };
  SvfsSpawnReport rep;
  int report[2];
  long intermediate;
  g_autoptr(SpawnStacks) stacks = NULL;
  sigset_t all_signals, old_mask;
  gboolean shared_intermediate;
  g_autoptr(GArray) groups = NULL;
  GPid child = 0;
  int failure_errno = 0;
  const char *failure_stage = NULL;
  Process proc;

  g_return_val_if_fail (SVFS_IS_MOUNT_NAMESPACE (self), 0);
  g_return_val_if_fail (fds != NULL || n_fds == 0, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (argv == NULL && self->spec != NULL)
    argv = svfs_spec_get_process_args (self->spec);
  if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0')
    {
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                           "no program to run: give argv or set process.args in the spec");
      return 0;
    }
  if (envp == NULL && self->spec != NULL)
    envp = svfs_spec_get_process_env (self->spec);
  if (envp == NULL)
    envp = empty_env;
  if (cwd == NULL && self->spec != NULL)
    cwd = svfs_spec_get_process_cwd (self->spec);
  if (cwd == NULL || cwd[0] == '\0')
    cwd = "/";
  if (n_fds > 256)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_LIMIT_EXCEEDED,
                   "too many file descriptors for the process: %u (at most 256)", n_fds);
      return 0;
    }

  prog.argv = argv;
  prog.envp = envp;
  prog.cwd = cwd;
  prog.uid = self->spec != NULL ? svfs_spec_get_process_uid (self->spec) : 0;
  prog.gid = self->spec != NULL ? svfs_spec_get_process_gid (self->spec) : 0;
  G_STATIC_ASSERT (sizeof (gid_t) == sizeof (guint32));
  prog.umask = self->spec != NULL ? svfs_spec_get_process_umask (self->spec) : 022;
  if (self->spec != NULL)
    groups = svfs_spec_dup_process_additional_gids (self->spec);
  prog.groups = groups != NULL ? (const gid_t *) groups->data : NULL;
  prog.n_groups = groups != NULL ? groups->len : 0;
  prog.child_fds = fds;
  prog.n_child_fds = n_fds;
  for (guint i = 0; i < G_N_ELEMENTS (prog.ns_fds); i++)
    prog.ns_fds[i] = -1;

  if (pipe2 (report, O_CLOEXEC) < 0)
    {
      int err = errno;
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_LIMIT_EXCEEDED, "cannot create a pipe: %s", g_strerror (err));
      return 0;
    }
  prog.report_fd = report[1];

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      close (report[0]);
      close (report[1]);
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_NOT_FOUND, "the mount namespace is closed");
      return 0;
    }
  for (guint i = 0; i < self->n_join; i++)
    {
      prog.ns_fds[i] = self->join_fds[i];
      prog.ns_types[i] = self->join_types[i];
    }
  prog.userns = self->userns;
  prog.drop_groups = self->owner_userns;
  /* Without a PID namespace of its own nothing ends the process with the
   * caller (the holder, which does end, is not its init): it asks for
   * SIGKILL when its parent ends, which is safe only when that parent is
   * the main thread (the process is a child of the calling thread). */
  if (!has_join_type (self, CLONE_NEWPID) && syscall (SYS_gettid) == getpid ())
    prog.die_with_caller = getpid ();

  /* Copying this process's address space twice (the intermediate, then
   * the process) is most of what a spawn costs.  The intermediate shares
   * it (CLONE_VM | CLONE_VFORK, on a stack of its own) unless it joins a
   * user namespace, which setns() refuses to a process sharing its mm;
   * the process shares the intermediate's unless its ids change while it
   * would still share ours (a change of euid/egid resets the dumpable flag
   * of the mm it runs on).  Every signal is blocked meanwhile: no handler
   * of ours may run in a child, on every path. */
  stacks = spawn_stacks_new ();
  shared_intermediate = stacks != NULL && !prog.userns && !prog.drop_groups;
  if (stacks != NULL && (!shared_intermediate || (prog.uid == geteuid () && prog.gid == getegid ())))
    prog.process_stack = stacks + 2 * SPAWN_STACK_SIZE;
  sigfillset (&all_signals);
  pthread_sigmask (SIG_SETMASK, &all_signals, &old_mask);
  if (shared_intermediate)
    intermediate = clone (svfs_linux_spawn_run_shared_vm, stacks + SPAWN_STACK_SIZE,
                          CLONE_VM | CLONE_VFORK | SIGCHLD, &prog);
  else
    {
      /* A fork without atfork handlers: the child only makes syscalls. */
      intermediate = syscall (SYS_clone, (unsigned long) SIGCHLD, NULL, NULL, NULL, 0);
      if (intermediate == 0)
        {
          close (report[0]);
          svfs_linux_spawn_run (&prog);
        }
    }
  pthread_sigmask (SIG_SETMASK, &old_mask, NULL);
  g_mutex_unlock (&self->lock);
  close (report[1]);

  if (intermediate < 0)
    {
      int err = errno;
      close (report[0]);
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_LIMIT_EXCEEDED, "cannot fork: %s", g_strerror (err));
      return 0;
    }

  for (;;)
    {
      ssize_t n = read (report[0], &rep, sizeof rep);

      if (n < 0 && errno == EINTR)
        continue;
      if (n != (ssize_t) sizeof rep)
        break;
      if (rep.type == SVFS_SPAWN_REPORT_PID)
        child = rep.pid;
      else if (failure_stage == NULL)
        {
          failure_errno = rep.sys_errno;
          failure_stage = rep.stage;
        }
    }
  close (report[0]);
  while (waitpid ((pid_t) intermediate, NULL, 0) < 0 && errno == EINTR)
    ;

  if (failure_stage != NULL || child <= 0)
    {
      if (child > 0)
        while (waitpid (child, NULL, 0) < 0 && errno == EINTR)
          ;
      if (failure_stage == NULL)
        failure_stage = "starting the process";
      g_set_error (error, SVFS_ERROR, spawn_error_code (failure_errno), "%s: %s: %s",
                   argv[0], failure_stage, g_strerror (failure_errno));
      return 0;
    }

  proc.pid = child;
  proc.pidfd = pidfd_open (child, 0);
  proc.reaped = FALSE;
  proc.waiting = FALSE;
  g_mutex_lock (&self->lock);
  g_array_append_val (self->processes, proc);
  g_mutex_unlock (&self->lock);

  return child;
}

static Process *
find_process_locked (SvfsMountNamespace *self,
                     GPid                pid)
{
  for (guint i = 0; i < self->processes->len; i++)
    {
      Process *p = &g_array_index (self->processes, Process, i);
      if (p->pid == pid && !p->reaped)
        return p;
    }
  return NULL;
}

/**
 * svfs_mount_namespace_wait:
 * @self: a mount namespace
 * @pid: a process started with [method@Svfs.MountNamespace.spawn]
 * @wait_status: (out) (optional): the wait status, as waitpid() gives it
 * @error: return location for an error
 *
 * Blocks until the process @pid ends and reaps it.
 *
 * Returns: %TRUE on success, %FALSE when @pid is not a running process of
 *   this namespace
 *
 * Since: 1.0
 */
gboolean
svfs_mount_namespace_wait (SvfsMountNamespace  *self,
                           GPid                 pid,
                           int                 *wait_status,
                           GError             **error)
{
  Process *p;
  int pidfd, status = 0, rc, err;

  g_return_val_if_fail (SVFS_IS_MOUNT_NAMESPACE (self), FALSE);

  g_mutex_lock (&self->lock);
  p = find_process_locked (self, pid);
  if (p == NULL || p->waiting)
    {
      g_mutex_unlock (&self->lock);
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_NOT_FOUND,
                   "process %d was not spawned in this namespace or is already waited for", (int) pid);
      return FALSE;
    }
  p->waiting = TRUE;
  pidfd = p->pidfd;
  g_mutex_unlock (&self->lock);

  rc = pidfd >= 0 ? svfs_reap_pidfd (pidfd, 0, &status) : -1;
  err = errno;
  if (pidfd < 0)
    {
      do
        rc = waitpid (pid, &status, 0);
      while (rc < 0 && errno == EINTR);
      err = errno;
      rc = rc < 0 ? -1 : 0;
    }

  g_mutex_lock (&self->lock);
  p = NULL;
  for (guint i = 0; i < self->processes->len; i++)
    if (g_array_index (self->processes, Process, i).pid == pid &&
        g_array_index (self->processes, Process, i).waiting)
      p = &g_array_index (self->processes, Process, i);
  if (p != NULL)
    {
      if (rc < 0 && p->reaped)
        {
          /* close () reaped it meanwhile */
          status = p->status;
          rc = 0;
        }
      p->waiting = FALSE;
      p->reaped = TRUE;
      close_fd (&p->pidfd);
    }
  g_mutex_unlock (&self->lock);

  if (rc < 0)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_NOT_FOUND, "cannot wait for process %d: %s",
                   (int) pid, g_strerror (err));
      return FALSE;
    }
  if (wait_status != NULL)
    *wait_status = status;
  return TRUE;
}

typedef struct {
  SvfsMountNamespace *self;
  GPid                pid;
  int                 pidfd;
  GSource            *exit_source;
  GSource            *cancel_source;
} WaitData;

static void
wait_data_free (WaitData *data)
{
  if (data->exit_source != NULL)
    {
      g_source_destroy (data->exit_source);
      g_source_unref (data->exit_source);
    }
  if (data->cancel_source != NULL)
    {
      g_source_destroy (data->cancel_source);
      g_source_unref (data->cancel_source);
    }
  g_free (data);
}

/* Marks the process reaped (or no longer waited for) and returns the task's result. */
static void
wait_complete (GTask    *task,
               gboolean  exited)
{
  WaitData *data = g_task_get_task_data (task);
  SvfsMountNamespace *self = data->self;
  int status = 0;
  int rc = -1, err = 0;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->processes->len; i++)
    {
      Process *p = &g_array_index (self->processes, Process, i);

      if (p->pid != data->pid || !p->waiting)
        continue;
      p->waiting = FALSE;
      if (p->reaped)
        {
          /* close () reaped it */
          status = p->status;
          rc = 0;
          close_fd (&p->pidfd);
        }
      else if (exited)
        {
          rc = svfs_reap_pidfd (p->pidfd, 0, &status);
          err = errno;
          p->reaped = TRUE;
          close_fd (&p->pidfd);
        }
      break;
    }
  g_mutex_unlock (&self->lock);

  if (!exited && rc < 0)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "waiting for process %d was cancelled",
                             (int) data->pid);
  else if (rc < 0)
    g_task_return_new_error (task, SVFS_ERROR, SVFS_ERROR_NOT_FOUND, "cannot wait for process %d: %s",
                             (int) data->pid, g_strerror (err));
  else
    g_task_return_int (task, status);
}

static gboolean
on_process_exit (int           fd,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  wait_complete (G_TASK (user_data), TRUE);
  return G_SOURCE_REMOVE;
}

static gboolean
on_wait_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  wait_complete (G_TASK (user_data), FALSE);
  return G_SOURCE_REMOVE;
}

/**
 * svfs_mount_namespace_wait_async:
 * @self: a mount namespace
 * @pid: a process started with [method@Svfs.MountNamespace.spawn]
 * @cancellable: (nullable): a cancellable
 * @callback: called when the process has ended
 * @user_data: data for @callback
 *
 * Waits for the process @pid without blocking, in the thread-default main
 * context (the process's pidfd becomes readable when it ends).
 *
 * Since: 1.0
 */
void
svfs_mount_namespace_wait_async (SvfsMountNamespace  *self,
                                 GPid                 pid,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WaitData *data;
  Process *p;

  g_return_if_fail (SVFS_IS_MOUNT_NAMESPACE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, svfs_mount_namespace_wait_async);

  g_mutex_lock (&self->lock);
  p = find_process_locked (self, pid);
  if (p == NULL || p->waiting || p->pidfd < 0)
    {
      g_mutex_unlock (&self->lock);
      g_task_return_new_error (task, SVFS_ERROR, SVFS_ERROR_NOT_FOUND,
                               "process %d was not spawned in this namespace or is already waited for",
                               (int) pid);
      return;
    }
  p->waiting = TRUE;
  data = g_new0 (WaitData, 1);
  data->self = self;
  data->pid = pid;
  data->pidfd = p->pidfd;
  g_mutex_unlock (&self->lock);

  g_task_set_task_data (task, data, (GDestroyNotify) wait_data_free);

  data->exit_source = g_unix_fd_source_new (data->pidfd, G_IO_IN);
  g_task_attach_source (task, data->exit_source, G_SOURCE_FUNC (on_process_exit));
  if (cancellable != NULL)
    {
      data->cancel_source = g_cancellable_source_new (cancellable);
      g_task_attach_source (task, data->cancel_source, G_SOURCE_FUNC (on_wait_cancelled));
    }
}

/**
 * svfs_mount_namespace_wait_finish:
 * @self: a mount namespace
 * @result: the result given to the callback
 * @wait_status: (out) (optional): the wait status, as waitpid() gives it
 * @error: return location for an error
 *
 * Finishes [method@Svfs.MountNamespace.wait_async].
 *
 * Returns: %TRUE when the process was reaped
 *
 * Since: 1.0
 */
gboolean
svfs_mount_namespace_wait_finish (SvfsMountNamespace  *self,
                                  GAsyncResult        *result,
                                  int                 *wait_status,
                                  GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize status;

  g_return_val_if_fail (SVFS_IS_MOUNT_NAMESPACE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  status = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (wait_status != NULL)
    *wait_status = (int) status;
  return TRUE;
}

/**
 * svfs_mount_namespace_close:
 * @self: a mount namespace
 *
 * Tears the namespace down: kills the processes spawned in it and the
 * holder process, reaps them (except those an async wait still watches,
 * which it reaps), and closes the namespace fds. The mounts go with the
 * last process in the namespace. Closing twice does nothing.
 *
 * Since: 1.0
 */
void
svfs_mount_namespace_close (SvfsMountNamespace *self)
{
  gboolean notify;

  g_return_if_fail (SVFS_IS_MOUNT_NAMESPACE (self));

  g_mutex_lock (&self->lock);
  notify = !self->closed;
  if (!self->closed)
    close_locked (self);
  g_mutex_unlock (&self->lock);

  if (notify)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSED]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PID]);
    }
}

/**
 * svfs_mount_namespace_is_closed:
 * @self: a mount namespace
 *
 * Checks whether [method@Svfs.MountNamespace.close] was called.
 *
 * Returns: %TRUE once closed
 *
 * Since: 1.0
 */
gboolean
svfs_mount_namespace_is_closed (SvfsMountNamespace *self)
{
  gboolean closed;

  g_return_val_if_fail (SVFS_IS_MOUNT_NAMESPACE (self), TRUE);

  g_mutex_lock (&self->lock);
  closed = self->closed;
  g_mutex_unlock (&self->lock);
  return closed;
}
