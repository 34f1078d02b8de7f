/* svfs-linux-exec.c: builds a mount tree in a fresh mount namespace
 *
 * This runs in the child that clone() created with CLONE_NEWNS (and the
 * other namespaces the spec asks for).  It may only make plain syscalls:
 * the caller that forked it may have had threads, so GLib, malloc, stdio
 * and anything that takes a lock are off limits (see the header).
 *
 * The order follows gVisor's container set-up (reference §9–§13, §16, §18):
 * root, submounts in plan order with read-only deferred for new
 * filesystems, auto-/tmp checked against the real root, readonly and
 * masked paths, pivot_root, the read-only window closed in reverse order,
 * then device nodes.
 *
 * Every destination is resolved inside the new root with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) and mounted onto the
 * resolved fd with move_mount(), so a symlink in the rootfs can never send
 * a mount out of the root.  Missing mount points are created one component
 * at a time relative to an in-root directory fd, never by path.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <limits.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/sysmacros.h>

#include <glib.h>

#include "svfs-error.h"
#include "svfs-linux-private.h"

/* --- small string helpers (no libc formatting in the child) ----------- */

static size_t
copy_str (char       *dst,
          size_t      size,
          const char *src)
{
  size_t n = 0;

  if (size == 0)
    return 0;
  while (src != NULL && src[n] != '\0' && n + 1 < size)
    {
      dst[n] = src[n];
      n++;
    }
  dst[n] = '\0';
  return n;
}

/* @dst = @a "/" @b; returns -1 when it does not fit. */
static int
join_path (char       *dst,
           size_t      size,
           const char *a,
           const char *b)
{
  size_t la = strlen (a), lb = strlen (b);

  if (la + 1 + lb + 1 > size)
    return -1;
  memcpy (dst, a, la);
  dst[la] = '/';
  memcpy (dst + la + 1, b, lb + 1);
  return 0;
}

static int
fail (SvfsExecResult *r,
      int             op,
      int             code,
      const char     *stage,
      int             err,
      const char     *detail)
{
  r->failed_op = op;
  r->error_code = code;
  r->stage = stage;
  r->sys_errno = err;
  copy_str (r->detail, sizeof r->detail, detail);
  return -1;
}

/* The kernel explains fsconfig() and fsmount() failures in the fs
 * context's log ("e tmpfs: Bad value for 'uid'"); keep the last error. */
static void
read_fs_log (int             fs_fd,
             SvfsExecResult *r)
{
  char line[SVFS_EXEC_MESSAGE_MAX];

  for (int i = 0; i < 16; i++)
    {
      ssize_t n = read (fs_fd, line, sizeof line - 1);

      if (n <= 0)
        break;
      while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\0'))
        n--;
      line[n] = '\0';
      if (n > 2 && line[1] == ' ' && (line[0] == 'e' || r->detail[0] == '\0'))
        copy_str (r->detail, sizeof r->detail, line + 2);
    }
}

static int
set_propagation (int           mount_fd,
                 unsigned long propagation,
                 bool          recursive)
{
  struct mount_attr attr = { .propagation = propagation };

  return mount_setattr (mount_fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0),
                        &attr, sizeof attr);
}

/* Whether the directory open at @dir_fd (O_RDONLY) has entries other than
 * "." and "..": 1 yes, 0 no, -1 error. */
static int
dir_has_entries (int dir_fd)
{
  char buf[2048] __attribute__ ((aligned (8)));

  for (;;)
    {
      long n = syscall (SYS_getdents64, dir_fd, buf, sizeof buf);

      if (n < 0)
        return -1;
      if (n == 0)
        return 0;
      for (long off = 0; off < n;)
        {
          const char *name = buf + off + 19;   /* d_ino 8, d_off 8, d_reclen 2, d_type 1 */
          unsigned short reclen;

          memcpy (&reclen, buf + off + 16, sizeof reclen);
          if (!(name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))))
            return 1;
          off += reclen;
        }
    }
}

/* --- mount points ---------------------------------------------------- */

static int
check_mount_point_type (int             fd,
                        bool            want_dir,
                        const char     *dest,
                        int             op,
                        SvfsExecResult *r)
{
  struct stat st;

  if (fstat (fd, &st) < 0)
    return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "checking the mount point", errno, dest);
  if (want_dir && !S_ISDIR (st.st_mode))
    return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "mount point is not a directory", ENOTDIR, dest);
  if (!want_dir && S_ISDIR (st.st_mode))
    return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "mount point is a directory, the source is not", EISDIR, dest);
  return 0;
}

/* Opens @dest inside @root_fd as an O_PATH fd, creating what is missing:
 * directories 0755, the last component a directory or (for a file source)
 * an empty file 0644 (gVisor §16.2).  Each component is created with
 * mkdirat() in the in-root fd of its parent and reopened with
 * RESOLVE_NO_SYMLINKS, so a concurrent swap cannot redirect it. */
static int
open_mount_point (int             root_fd,
                  const char     *dest,
                  bool            want_dir,
                  int             op,
                  SvfsExecResult *r)
{
  char buf[PATH_MAX];
  char *p;
  int cur = -1;
  int fd;

  fd = svfs_open_in_root (root_fd, dest, O_PATH);
  if (fd >= 0)
    {
      if (check_mount_point_type (fd, want_dir, dest, op, r) < 0)
        {
          close (fd);
          return -1;
        }
      return fd;
    }
  if (errno != ENOENT)
    return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "resolving the mount point", errno, dest);

  if (copy_str (buf, sizeof buf, dest) + 1 >= sizeof buf)
    return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "resolving the mount point", ENAMETOOLONG, dest);

  p = buf;
  while (*p == '/')
    p++;
  while (*p != '\0')
    {
      char *slash = strchr (p, '/');
      bool last = slash == NULL;
      int next;

      if (!last)
        *slash = '\0';

      next = svfs_open_in_root (root_fd, buf, O_PATH);
      if (next < 0 && errno == ENOENT)
        {
          int parent = cur >= 0 ? cur : root_fd;
          struct open_how how = {
            .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
            .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
          };
          struct stat st;

          /* Something is there but does not resolve: a dangling or
           * looping symlink.  Refuse rather than guess where it points. */
          if (fstatat (parent, p, &st, AT_SYMLINK_NOFOLLOW) == 0)
            {
              if (cur >= 0)
                close (cur);
              return fail (r, op, SVFS_ERROR_MOUNT_FAILED,
                           "a component of the mount point is a dangling symlink", ENOENT, buf);
            }

          if (last && !want_dir)
            {
              int f = openat (parent, p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
              if (f >= 0)
                close (f);
              else if (errno != EEXIST)
                {
                  if (cur >= 0)
                    close (cur);
                  return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "creating the mount point", errno, buf);
                }
            }
          else if (mkdirat (parent, p, 0755) < 0 && errno != EEXIST)
            {
              if (cur >= 0)
                close (cur);
              return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "creating the mount point", errno, buf);
            }
          next = svfs_sys_openat2 (parent, p, &how);
        }
      if (next < 0)
        {
          int err = errno;
          if (cur >= 0)
            close (cur);
          return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "resolving the mount point", err, buf);
        }
      if (cur >= 0)
        close (cur);
      cur = next;
      if (last)
        break;

      {
        struct stat st;
        if (fstat (cur, &st) < 0 || !S_ISDIR (st.st_mode))
          {
            close (cur);
            return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "a component of the mount point is not a directory",
                         ENOTDIR, buf);
          }
      }
      *slash = '/';
      p = slash + 1;
      while (*p == '/')
        p++;
    }

  if (cur < 0)
    cur = openat (root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (check_mount_point_type (cur, want_dir, dest, op, r) < 0)
    {
      close (cur);
      return -1;
    }
  return cur;
}

/* --- building filesystems --------------------------------------------- */

/* fsopen + fsconfig + fsmount.  @attr are MOUNT_ATTR_* flags. */
static int
make_fs (const char         *fs_type,
         const char         *source,
         const SvfsDataItem *data,
         unsigned            n_data,
         unsigned            attr,
         int                 op,
         SvfsExecResult     *r)
{
  int fs = fsopen (fs_type, FSOPEN_CLOEXEC);
  int m;

  if (fs < 0)
    return fail (r, op, errno == ENODEV ? SVFS_ERROR_UNSUPPORTED : SVFS_ERROR_MOUNT_FAILED,
                 "fsopen", errno, fs_type);

  if (source != NULL && source[0] != '\0' &&
      fsconfig (fs, FSCONFIG_SET_STRING, "source", source, 0) < 0)
    {
      fail (r, op, SVFS_ERROR_MOUNT_FAILED, "fsconfig", errno, "source");
      read_fs_log (fs, r);
      close (fs);
      return -1;
    }

  for (unsigned i = 0; i < n_data; i++)
    {
      int rc;

      if (data[i].value == NULL)
        rc = fsconfig (fs, FSCONFIG_SET_FLAG, data[i].key, NULL, 0);
      else
        rc = fsconfig (fs, FSCONFIG_SET_STRING, data[i].key, data[i].value, 0);
      if (rc < 0)
        {
          int err = errno;
          fail (r, op, SVFS_ERROR_MOUNT_FAILED, "fsconfig", err, data[i].key);
          read_fs_log (fs, r);
          close (fs);
          return -1;
        }
    }

  if (fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    {
      fail (r, op, SVFS_ERROR_MOUNT_FAILED, "creating the filesystem", errno, "");
      read_fs_log (fs, r);
      close (fs);
      return -1;
    }

  m = fsmount (fs, FSMOUNT_CLOEXEC, attr);
  if (m < 0)
    {
      fail (r, op, SVFS_ERROR_MOUNT_FAILED, "fsmount", errno, "");
      read_fs_log (fs, r);
      close (fs);
      return -1;
    }
  close (fs);
  return m;
}

static const struct {
  const char *name;
  unsigned    major, minor;
} dev_nodes[] = {
  { "null", 1, 3 },
  { "zero", 1, 5 },
  { "full", 1, 7 },
  { "random", 1, 8 },
  { "urandom", 1, 9 },
  { "tty", 5, 0 },
};

static const struct {
  const char *name;
  const char *target;
} dev_links[] = {
  { "fd", "/proc/self/fd" },
  { "stdin", "/proc/self/fd/0" },
  { "stdout", "/proc/self/fd/1" },
  { "stderr", "/proc/self/fd/2" },
  { "ptmx", "pts/ptmx" },
};

/* Fills a fresh, still detached tmpfs as /dev. */
static int
populate_dev (int             dev_fd,
              int             op,
              SvfsExecResult *r)
{
  for (size_t i = 0; i < sizeof dev_nodes / sizeof dev_nodes[0]; i++)
    if (mknodat (dev_fd, dev_nodes[i].name, S_IFCHR | 0666,
                 makedev (dev_nodes[i].major, dev_nodes[i].minor)) < 0)
      return fail (r, op, SVFS_ERROR_DEVICE, "creating a /dev node", errno, dev_nodes[i].name);
  for (size_t i = 0; i < sizeof dev_links / sizeof dev_links[0]; i++)
    if (symlinkat (dev_links[i].target, dev_fd, dev_links[i].name) < 0)
      return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "creating a /dev link", errno, dev_links[i].name);
  if (mkdirat (dev_fd, "pts", 0755) < 0)
    return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "creating /dev/pts", errno, "pts");
  if (mkdirat (dev_fd, "shm", 01777) < 0)
    return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "creating /dev/shm", errno, "shm");
  return 0;
}

/* Copies the content of @src (an O_RDONLY directory) into @dst, keeping
 * owners and modes; names are opened with O_NOFOLLOW relative to their
 * parent fd, so nothing outside @src is read.  For tmpcopyup. */
static int
copy_tree (int             src,
           int             dst,
           int             depth,
           int             op,
           SvfsExecResult *r)
{
  char buf[2048] __attribute__ ((aligned (8)));

  if (depth > 64)
    return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: directory tree too deep", ELOOP, "");

  for (;;)
    {
      long n = syscall (SYS_getdents64, src, buf, sizeof buf);

      if (n < 0)
        return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: reading a directory", errno, "");
      if (n == 0)
        return 0;

      for (long off = 0; off < n;)
        {
          const char *name = buf + off + 19;
          unsigned short reclen;
          struct stat st;

          memcpy (&reclen, buf + off + 16, sizeof reclen);
          off += reclen;
          if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
            continue;
          if (fstatat (src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: stat", errno, name);

          if (S_ISDIR (st.st_mode))
            {
              int s, d, rc;

              if (mkdirat (dst, name, 0700) < 0)
                return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: mkdir", errno, name);
              s = openat (src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
              d = openat (dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
              if (s < 0 || d < 0)
                {
                  int err = errno;
                  if (s >= 0)
                    close (s);
                  if (d >= 0)
                    close (d);
                  return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: open", err, name);
                }
              rc = copy_tree (s, d, depth + 1, op, r);
              if (rc == 0 && (fchown (d, st.st_uid, st.st_gid) < 0 || fchmod (d, st.st_mode & 07777) < 0))
                rc = fail (r, op, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: chown/chmod", errno, name);
              close (s);
              close (d);
              if (rc < 0)
                return -1;
            }
          else if (S_ISREG (st.st_mode))
            {
              int s = openat (src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
              int d = s < 0 ? -1 : openat (dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
              off_t left = st.st_size;
              int rc = 0;

              if (s < 0 || d < 0)
                rc = fail (r, op, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: open", errno, name);
              while (rc == 0 && left > 0)
                {
                  ssize_t w = sendfile (d, s, NULL, (size_t) (left > 0x40000000 ? 0x40000000 : left));
                  if (w < 0 && errno == EINTR)
                    continue;
                  if (w < 0)
                    rc = fail (r, op, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: copying", errno, name);
                  if (w <= 0)
                    break;
                  left -= w;
                }
              if (rc == 0 && (fchown (d, st.st_uid, st.st_gid) < 0 || fchmod (d, st.st_mode & 07777) < 0))
                rc = fail (r, op, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: chown/chmod", errno, name);
              if (s >= 0)
                close (s);
              if (d >= 0)
                close (d);
              if (rc < 0)
                return -1;
            }
          else if (S_ISLNK (st.st_mode))
            {
              char target[PATH_MAX];
              ssize_t len = readlinkat (src, name, target, sizeof target - 1);

              if (len < 0)
                return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: readlink", errno, name);
              target[len] = '\0';
              if (symlinkat (target, dst, name) < 0 ||
                  fchownat (dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: symlink", errno, name);
            }
          else
            {
              if (mknodat (dst, name, st.st_mode, st.st_rdev) < 0 ||
                  fchownat (dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
                  fchmodat (dst, name, st.st_mode & 07777, 0) < 0)
                return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: mknod", errno, name);
            }
        }
    }
}

/* --- operations ------------------------------------------------------- */

typedef struct {
  const SvfsExecProgram *prog;
  SvfsExecResult        *r;
  int                    staging_fd;
  int                    root_fd;
  int                    devnull_fd;
  char                   path[PATH_MAX];
} Exec;

static int
do_root (Exec *e,
         int   i)
{
  const SvfsOp *op = &e->prog->ops[i];
  SvfsExecResult *r = e->r;
  struct stat st;
  int tree, m;

  if (fstat (op->source_fd, &st) < 0)
    return fail (r, i, SVFS_ERROR_SOURCE_FDS, "checking the root source", errno, "");
  if (!S_ISDIR (st.st_mode))
    return fail (r, i, SVFS_ERROR_SOURCE_FDS, "checking the root source", ENOTDIR, "");

  /* source_fd is a detached clone the parent made (open_tree only clones
   * mounts of the caller's own namespace). */
  tree = op->source_fd;
  /* A clone of a shared host mount joins its peer group: make it private
   * before anything is mounted under it. */
  if (set_propagation (tree, MS_PRIVATE, true) < 0)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "making the root private", errno, "");

  if (!op->overlay_memory)
    {
      if (move_mount (tree, "", e->staging_fd, "root", MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "attaching the root", errno, "");
      return 0;
    }

  /* Memory overlay (gVisor §11): the lower read-only, upper and work on
   * the private staging tmpfs; the upper root takes the lower root's
   * owner and mode. */
  {
    struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
    SvfsDataItem items[3];
    char lower[PATH_MAX], upper[PATH_MAX], work[PATH_MAX];

    if (mkdirat (e->staging_fd, "lower", 0700) < 0 ||
        mkdirat (e->staging_fd, "upper", st.st_mode & 07777) < 0 ||
        mkdirat (e->staging_fd, "work", 0700) < 0 ||
        fchownat (e->staging_fd, "upper", st.st_uid, st.st_gid, 0) < 0 ||
        fchmodat (e->staging_fd, "upper", st.st_mode & 07777, 0) < 0)
      return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "preparing the overlay layers", errno, "");
    if (mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof ro) < 0)
      return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "making the overlay lower read-only", errno, "");
    if (move_mount (tree, "", e->staging_fd, "lower", MOVE_MOUNT_F_EMPTY_PATH) < 0)
      return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "attaching the overlay lower", errno, "");

    if (join_path (lower, sizeof lower, e->prog->staging_dir, "lower") < 0 ||
        join_path (upper, sizeof upper, e->prog->staging_dir, "upper") < 0 ||
        join_path (work, sizeof work, e->prog->staging_dir, "work") < 0)
      return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "preparing the overlay layers", ENAMETOOLONG, "");
    items[0] = (SvfsDataItem) { "lowerdir", lower };
    items[1] = (SvfsDataItem) { "upperdir", upper };
    items[2] = (SvfsDataItem) { "workdir", work };

    m = make_fs ("overlay", "overlay", items, 3, 0, i, r);
    if (m < 0)
      return -1;
    if (move_mount (m, "", e->staging_fd, "root", MOVE_MOUNT_F_EMPTY_PATH) < 0)
      return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "attaching the root overlay", errno, "");
    close (m);
  }
  return 0;
}

/* A submount: a new filesystem, a /dev tmpfs, a bind, or a view of a
 * shared filesystem. */
static int
do_mount (Exec *e,
          int   i)
{
  const SvfsOp *op = &e->prog->ops[i];
  SvfsExecResult *r = e->r;
  bool want_dir = true;
  bool is_clone = op->kind == SVFS_OP_BIND || op->master_op >= 0;
  int m, dest;

  if (op->auto_tmp)
    {
      /* gVisor §12.2, against the real root: a non-empty /tmp or one that
       * is not a directory keeps its content visible. */
      int fd = svfs_open_in_root (e->root_fd, op->dest, O_RDONLY | O_DIRECTORY);

      if (fd < 0 && errno == ENOTDIR)
        {
          r->op_state[i] = SVFS_OP_STATE_SKIPPED;
          return 0;
        }
      if (fd < 0 && errno != ENOENT)
        return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "opening /tmp inside the container", errno, op->dest);
      if (fd >= 0)
        {
          int has = dir_has_entries (fd);
          close (fd);
          if (has < 0)
            return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "listing /tmp inside the container", errno, op->dest);
          if (has > 0)
            {
              r->op_state[i] = SVFS_OP_STATE_SKIPPED;
              return 0;
            }
        }
    }

  if (op->master_op >= 0)
    {
      m = open_tree (e->prog->mount_fds[op->master_op], "",
                     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
      if (m < 0)
        return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "cloning the shared filesystem", errno, "");
    }
  else if (op->kind == SVFS_OP_BIND)
    {
      struct stat st;

      if (fstat (op->source_fd, &st) < 0)
        return fail (r, i, SVFS_ERROR_SOURCE_FDS, "checking the bind source", errno, "");
      want_dir = S_ISDIR (st.st_mode);
      /* A detached clone made by the parent; attached only once. */
      m = fcntl (op->source_fd, F_DUPFD_CLOEXEC, 3);
      if (m < 0)
        return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "cloning the bind source", errno, "");
    }
  else
    {
      m = make_fs (op->fs_type, op->source, op->data, op->n_data, op->attr, i, r);
      if (m < 0)
        return -1;
      if (op->kind == SVFS_OP_DEV && populate_dev (m, i, r) < 0)
        return -1;
    }

  if (is_clone)
    {
      struct mount_attr attr = {
        .attr_set = op->attr | (op->rdonly ? MOUNT_ATTR_RDONLY : 0),
        .attr_clr = op->set_atime ? MOUNT_ATTR__ATIME : 0,
        .propagation = MS_PRIVATE,
      };
      if (mount_setattr (m, "", AT_EMPTY_PATH | (op->recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
        return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "setting the mount flags", errno, "");
    }

  dest = open_mount_point (e->root_fd, op->dest, want_dir, i, r);
  if (dest < 0)
    return -1;

  if (op->tmpcopyup)
    {
      int covered = openat (dest, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      int rc;

      if (covered < 0)
        return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: opening the covered directory", errno, op->dest);
      rc = copy_tree (covered, m, 0, i, r);
      close (covered);
      if (rc < 0)
        return -1;
    }

  if (move_mount (m, "", dest, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "move_mount onto the mount point", errno, op->dest);
  close (dest);

  if (set_propagation (m, op->propagation, op->propagation_recursive) < 0)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "setting the propagation", errno, op->dest);

  /* Keep the fd when the read-only flag comes at the end or other views
   * clone this filesystem. */
  if (op->keep_fd || (!is_clone && op->rdonly))
    e->prog->mount_fds[i] = m;
  else
    close (m);
  r->op_state[i] = SVFS_OP_STATE_DONE;
  return 0;
}

static int
do_mask_or_readonly (Exec *e,
                     int   i)
{
  const SvfsOp *op = &e->prog->ops[i];
  SvfsExecResult *r = e->r;
  struct stat st;
  int fd, m;

  fd = svfs_open_in_root (e->root_fd, op->dest, O_PATH);
  if (fd < 0 && errno == ENOENT)
    {
      r->op_state[i] = SVFS_OP_STATE_SKIPPED;
      return 0;
    }
  if (fd < 0 || fstat (fd, &st) < 0)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "resolving the path", errno, op->dest);

  if (op->kind == SVFS_OP_READONLY)
    {
      struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY, .propagation = MS_PRIVATE };

      m = open_tree (fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
      if (m < 0 || mount_setattr (m, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
        return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "making a read-only bind", errno, op->dest);
    }
  else if (S_ISDIR (st.st_mode))
    {
      m = make_fs ("tmpfs", "tmpfs", NULL, 0,
                   MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, i, r);
      if (m < 0)
        return -1;
    }
  else
    {
      struct mount_attr attr = { .propagation = MS_PRIVATE };

      /* runc CVE-2025-31133: only a real char 1:3 may mask a file. */
      if (e->devnull_fd < 0)
        {
          struct stat nst;

          e->devnull_fd = svfs_open_in_root (e->root_fd, "/dev/null", O_PATH);
          if (e->devnull_fd < 0 || fstat (e->devnull_fd, &nst) < 0)
            return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "opening /dev/null to mask a file", errno, op->dest);
          if (!S_ISCHR (nst.st_mode) || nst.st_rdev != makedev (1, 3))
            return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "/dev/null is not the null device", EPERM, op->dest);
        }
      m = open_tree (e->devnull_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
      if (m < 0 || mount_setattr (m, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
        return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "cloning /dev/null", errno, op->dest);
    }

  if (move_mount (m, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "move_mount onto the path", errno, op->dest);
  close (m);
  close (fd);
  r->op_state[i] = SVFS_OP_STATE_DONE;
  return 0;
}

/* gVisor §18.1: parents created 0755; an existing node is left alone and
 * keeps its owner. */
static int
do_device (Exec *e,
           int   i)
{
  const SvfsOp *op = &e->prog->ops[i];
  SvfsExecResult *r = e->r;
  char *slash;
  const char *name;
  int parent;

  if (copy_str (e->path, sizeof e->path, op->dest) + 1 >= sizeof e->path)
    return fail (r, i, SVFS_ERROR_DEVICE, "creating the device", ENAMETOOLONG, op->dest);
  slash = strrchr (e->path, '/');
  if (slash == NULL || slash[1] == '\0')
    return fail (r, i, SVFS_ERROR_DEVICE, "creating the device", EINVAL, op->dest);
  name = slash + 1;
  if (slash == e->path)
    parent = openat (e->root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  else
    {
      *slash = '\0';
      parent = open_mount_point (e->root_fd, e->path, true, i, r);
      if (parent < 0)
        {
          r->error_code = SVFS_ERROR_DEVICE;
          r->stage = "creating the device's parent directory";
          return -1;
        }
    }

  if (mknodat (parent, name, op->mode, op->rdev) < 0)
    {
      int err = errno;
      close (parent);
      if (err == EEXIST)
        {
          r->op_state[i] = SVFS_OP_STATE_SKIPPED;
          return 0;
        }
      return fail (r, i, SVFS_ERROR_DEVICE, "creating the device", err, op->dest);
    }
  if (fchownat (parent, name, op->uid, op->gid, AT_SYMLINK_NOFOLLOW) < 0)
    {
      int err = errno;
      close (parent);
      return fail (r, i, SVFS_ERROR_DEVICE, "setting the device owner", err, op->dest);
    }
  close (parent);
  r->op_state[i] = SVFS_OP_STATE_DONE;
  return 0;
}

static int
make_staging (Exec *e)
{
  SvfsExecResult *r = e->r;
  static const SvfsDataItem mode = { "mode", "0700" };
  int m;

  m = make_fs ("tmpfs", "sandboxvfs", &mode, 1, 0, -1, r);
  if (m < 0)
    return -1;
  if (set_propagation (m, MS_PRIVATE, false) < 0)
    return fail (r, -1, SVFS_ERROR_MOUNT_FAILED, "making the staging tmpfs private", errno, "");
  if (move_mount (m, "", AT_FDCWD, e->prog->staging_dir, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return fail (r, -1, SVFS_ERROR_MOUNT_FAILED, "attaching the staging tmpfs", errno, e->prog->staging_dir);
  if (mkdirat (m, "root", 0755) < 0)
    return fail (r, -1, SVFS_ERROR_MOUNT_FAILED, "creating the new root", errno, "");
  e->staging_fd = m;
  return 0;
}

int
svfs_linux_exec_run (const SvfsExecProgram *prog,
                     SvfsExecResult        *r)
{
  Exec e = { .prog = prog, .r = r, .staging_fd = -1, .root_fd = -1, .devnull_fd = -1 };
  struct rlimit nofile;
  char one = 'R';

  r->failed_op = -1;
  umask (0);

  /* Room for one fd per mount in large plans. */
  if (getrlimit (RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max)
    {
      nofile.rlim_cur = nofile.rlim_max;
      setrlimit (RLIMIT_NOFILE, &nofile);
    }

  /* Nothing done here may propagate back to the host. */
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return fail (r, -1, SVFS_ERROR_MOUNT_FAILED, "making the mount namespace private", errno, "/");

  if (make_staging (&e) < 0)
    return -1;

  for (unsigned i = 0; i < prog->n_ops; i++)
    prog->mount_fds[i] = -1;

  for (unsigned i = 0; i < prog->n_ops; i++)
    {
      const SvfsOp *op = &prog->ops[i];
      int rc = 0;

      switch (op->kind)
        {
        case SVFS_OP_ROOT:
          rc = do_root (&e, (int) i);
          if (rc == 0)
            {
              e.root_fd = openat (e.staging_fd, "root", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
              if (e.root_fd < 0)
                rc = fail (r, (int) i, SVFS_ERROR_MOUNT_FAILED, "opening the new root", errno, "");
              else
                r->op_state[i] = SVFS_OP_STATE_DONE;
            }
          break;
        case SVFS_OP_FS:
        case SVFS_OP_DEV:
        case SVFS_OP_BIND:
          rc = do_mount (&e, (int) i);
          break;
        case SVFS_OP_MASK:
        case SVFS_OP_READONLY:
          rc = do_mask_or_readonly (&e, (int) i);
          break;
        case SVFS_OP_DEVICE:
        default:
          break;
        }
      if (rc < 0)
        return -1;
    }

  if (e.root_fd < 0)
    return fail (r, -1, SVFS_ERROR_MOUNT_FAILED, "the plan has no root", EINVAL, "");

  /* Into the new root; the old one (with the staging tmpfs) goes. */
  if (fchdir (e.root_fd) < 0)
    return fail (r, -1, SVFS_ERROR_MOUNT_FAILED, "entering the new root", errno, "");
  if (svfs_sys_pivot_root (".", ".") < 0)
    return fail (r, -1, SVFS_ERROR_MOUNT_FAILED, "pivot_root", errno, "");
  if (umount2 (".", MNT_DETACH) < 0)
    return fail (r, -1, SVFS_ERROR_MOUNT_FAILED, "detaching the old root", errno, "");
  if (chdir ("/") < 0)
    return fail (r, -1, SVFS_ERROR_MOUNT_FAILED, "entering the new root", errno, "");
  close (e.staging_fd);
  e.staging_fd = -1;

  /* Close the read-only window (gVisor §13), last mount first. */
  for (unsigned i = prog->n_ops; i-- > 0;)
    {
      const SvfsOp *op = &prog->ops[i];
      struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };

      if (prog->mount_fds[i] < 0 || !op->rdonly || op->kind == SVFS_OP_BIND || op->master_op >= 0)
        continue;
      if (mount_setattr (prog->mount_fds[i], "", AT_EMPTY_PATH, &ro, sizeof ro) < 0)
        return fail (r, (int) i, SVFS_ERROR_MOUNT_FAILED, "making the mount read-only", errno, op->dest);
    }
  if (prog->root_rdonly)
    {
      struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };

      if (mount_setattr (e.root_fd, "", AT_EMPTY_PATH, &ro, sizeof ro) < 0)
        return fail (r, -1, SVFS_ERROR_MOUNT_FAILED, "making the root read-only", errno, "/");
    }

  for (unsigned i = 0; i < prog->n_ops; i++)
    if (prog->ops[i].kind == SVFS_OP_DEVICE && do_device (&e, (int) i) < 0)
      return -1;

  if (prog->hostname != NULL && sethostname (prog->hostname, strlen (prog->hostname)) < 0)
    return fail (r, -1, SVFS_ERROR_MOUNT_FAILED, "setting the hostname", errno, prog->hostname);

  /* Ready.  From here on this process only holds the namespaces: it keeps
   * the control fd, reaps orphans when it is PID 1 and leaves when the
   * owner closes the control fd or goes away. */
  while (write (prog->sync_fd, &one, 1) < 0 && errno == EINTR)
    ;

  {
    struct sigaction sa = { .sa_handler = SIG_IGN };
    int control = prog->control_fd;
    char byte;

    sigaction (SIGCHLD, &sa, NULL);
    if (control > 0)
      close_range (0, (unsigned) control - 1, 0);
    close_range ((unsigned) control + 1, ~0U, 0);
    for (;;)
      {
        ssize_t n = read (control, &byte, 1);
        if (n == 0 || (n < 0 && errno != EINTR))
          _exit (0);
      }
  }
}
