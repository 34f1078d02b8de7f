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

/* "/proc/self/fd/N" into @buf (no snprintf in the child). */
static const char *
fd_path (char *buf,
         size_t size,
         int   fd)
{
  static const char prefix[] = "/proc/self/fd/";
  char digits[16];
  size_t n = 0, len = sizeof prefix - 1;

  do
    digits[n++] = (char) ('0' + fd % 10);
  while ((fd /= 10) > 0 && n < sizeof digits);
  if (len + n + 1 > size)
    return NULL;
  memcpy (buf, prefix, len);
  while (n > 0)
    buf[len++] = digits[--n];
  buf[len] = '\0';
  return buf;
}

static int
write_proc_file (const char *path,
                 const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  ssize_t len = (ssize_t) strlen (text);
  ssize_t n;

  if (fd < 0)
    return -1;
  n = write (fd, text, (size_t) len);
  close (fd);
  return n == len ? 0 : -1;
}

/* "0 <id> 1" */
static void
id_map (char         *buf,
        unsigned long id)
{
  char digits[24];
  size_t n = 0, len = 2;

  do
    digits[n++] = (char) ('0' + id % 10);
  while ((id /= 10) > 0);
  buf[0] = '0';
  buf[1] = ' ';
  while (n > 0)
    buf[len++] = digits[--n];
  memcpy (buf + len, " 1", 3);
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

  /* The common case, an existing directory, costs one call: O_DIRECTORY
   * is the type check.  Anything else takes the long way, which names
   * what is wrong. */
  if (want_dir)
    {
      fd = svfs_open_in_root (root_fd, dest, O_PATH | O_DIRECTORY);
      if (fd >= 0)
        return fd;
    }
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
              bool            bind_nodes,
              int             op,
              SvfsExecResult *r)
{
  for (size_t i = 0; i < SVFS_N_DEV_NODES; i++)
    {
      if (bind_nodes)
        {
          /* No mknod in a user namespace: an empty file, the host's node
           * is bound onto it once /dev is attached. */
          int f = openat (dev_fd, svfs_dev_nodes[i].name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
          if (f < 0)
            return fail (r, op, SVFS_ERROR_DEVICE, "creating a /dev node", errno, svfs_dev_nodes[i].name);
          close (f);
        }
      else if (mknodat (dev_fd, svfs_dev_nodes[i].name, S_IFCHR | 0666,
                        makedev (svfs_dev_nodes[i].major, svfs_dev_nodes[i].minor)) < 0)
        return fail (r, op, SVFS_ERROR_DEVICE, "creating a /dev node", errno, svfs_dev_nodes[i].name);
    }
  for (size_t i = 0; i < sizeof dev_links / sizeof dev_links[0]; i++)
    if (symlinkat (dev_links[i].target, dev_fd, dev_links[i].name) < 0)
      return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "creating a /dev link", errno, dev_links[i].name);
  if (mkdirat (dev_fd, "pts", 0755) < 0)
    return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "creating /dev/pts", errno, "pts");
  if (mkdirat (dev_fd, "shm", 01777) < 0)
    return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "creating /dev/shm", errno, "shm");
  return 0;
}

/* In a user namespace (@userns) owners it does not map cannot be given:
 * they stay the caller's (root inside). */
static int
copy_chown (int fd, const char *name, uid_t uid, gid_t gid, int flags, bool userns)
{
  int rc = name != NULL ? fchownat (fd, name, uid, gid, flags) : fchown (fd, uid, gid);

  if (rc < 0 && userns && (errno == EINVAL || errno == EPERM))
    return 0;
  return rc;
}

/* Copies @size bytes from @src to @dst; 0, or the errno (EIO when @src
 * ends early). */
static int
copy_data (int   dst,
           int   src,
           off_t size)
{
  for (off_t left = size; left > 0;)
    {
      ssize_t w = sendfile (dst, src, NULL, (size_t) (left > 0x40000000 ? 0x40000000 : left));

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return w < 0 ? errno : EIO;
      left -= w;
    }
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
           bool            userns,
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
              rc = copy_tree (s, d, depth + 1, op, userns, r);
              if (rc == 0 && (copy_chown (d, NULL, st.st_uid, st.st_gid, 0, userns) < 0 || fchmod (d, st.st_mode & 07777) < 0))
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
              int rc = 0, err;

              if (s < 0 || d < 0)
                rc = fail (r, op, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: open", errno, name);
              else if ((err = copy_data (d, s, st.st_size)) != 0)
                rc = fail (r, op, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: copying", err, name);
              if (rc == 0 && (copy_chown (d, NULL, st.st_uid, st.st_gid, 0, userns) < 0 || fchmod (d, st.st_mode & 07777) < 0))
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
                  copy_chown (dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW, userns) < 0)
                return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "tmpcopyup: symlink", errno, name);
            }
          else
            {
              if (mknodat (dst, name, st.st_mode, st.st_rdev) < 0 ||
                  copy_chown (dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW, userns) < 0 ||
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
  unsigned               forced;      /* MOUNT_ATTR_NOSUID | NODEV in a user namespace */
  char                   path[PATH_MAX];
} Exec;

/* The mount fd of an op's source: the parent's clone, or the host path
 * the child opened and cloned before staging. */
static int
source_tree (Exec         *e,
             const SvfsOp *op)
{
  if (op->source_fd >= 0)
    return op->source_fd;
  if (op->host_source >= 0)
    return e->prog->host_fds[op->host_source];
  return -1;
}

/* mount_setattr that keeps the source's access-time mode when the kernel
 * locks it (a bind of a host mount in a user namespace): the mount
 * keeps the host's flags, which the table read back shows. */
static int
set_attr_keep_locked (Exec              *e,
                      int                m,
                      unsigned           flags,
                      struct mount_attr *attr,
                      int                op)
{
  int rc = mount_setattr (m, "", flags, attr, sizeof *attr);

  if (rc < 0 && errno == EPERM && e->prog->userns && (attr->attr_clr & MOUNT_ATTR__ATIME))
    {
      struct mount_attr keep = *attr;

      keep.attr_clr &= ~(unsigned long long) MOUNT_ATTR__ATIME;
      keep.attr_set &= ~(unsigned long long) MOUNT_ATTR__ATIME;
      rc = mount_setattr (m, "", flags, &keep, sizeof keep);
      if (rc == 0 && op >= 0)
        e->r->op_state[op] = SVFS_OP_STATE_DONE_KEPT_ATIME;
    }
  return rc;
}

/* The name of op @i's scratch entry on the staging tmpfs: "<i><c>". */
static const char *
scratch_name (char *buf,
              int   i,
              char  c)
{
  char digits[16];
  size_t n = 0, len = 0;

  do
    digits[n++] = (char) ('0' + i % 10);
  while ((i /= 10) > 0);
  while (n > 0)
    buf[len++] = digits[--n];
  buf[len++] = c;
  buf[len] = '\0';
  return buf;
}

/* Creates a whiteout for @rel (relative to the root) in the memory
 * overlay's @upper directory, so that the entry in the lower is invisible.
 * Parents are created in the upper with the lower's owner and mode. */
static int
whiteout_in_upper (int             upper,
                   int             lower,
                   const char     *rel,
                   int             op,
                   SvfsExecResult *r)
{
  char buf[PATH_MAX];
  char *p, *slash;
  int dir, ldir;

  if (copy_str (buf, sizeof buf, rel) + 1 >= sizeof buf)
    return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "hiding an overlay upper directory", ENAMETOOLONG, rel);
  dir = fcntl (upper, F_DUPFD_CLOEXEC, 3);
  ldir = fcntl (lower, F_DUPFD_CLOEXEC, 3);
  p = buf;
  while (*p == '/')
    p++;
  while ((slash = strchr (p, '/')) != NULL)
    {
      struct stat st;
      int next, lnext;

      *slash = '\0';
      if (ldir >= 0 && fstatat (ldir, p, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode))
        {
          if (mkdirat (dir, p, st.st_mode & 07777) == 0)
            fchownat (dir, p, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
        }
      else
        mkdirat (dir, p, 0755);
      next = openat (dir, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      lnext = ldir >= 0 ? openat (ldir, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
      close (dir);
      if (ldir >= 0)
        close (ldir);
      if (next < 0)
        {
          if (lnext >= 0)
            close (lnext);
          return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "hiding an overlay upper directory", errno, rel);
        }
      dir = next;
      ldir = lnext;
      p = slash + 1;
    }
  if (ldir >= 0)
    close (ldir);
  if (mknodat (dir, p, S_IFCHR | 0, makedev (0, 0)) < 0 && errno != EEXIST)
    {
      int err = errno;
      close (dir);
      return fail (r, op, SVFS_ERROR_MOUNT_FAILED, "hiding an overlay upper directory", err, rel);
    }
  close (dir);
  return 0;
}

/* An overlay with @lower (a detached mount, made read-only here) as its
 * only lower layer (gVisor §11): upper and work on the staging tmpfs
 * (memory) or in host directories (disk).  Returns the detached overlay
 * mount. */
static int
make_overlay (Exec         *e,
              int           i,
              int           lower,
              unsigned      attr)
{
  const SvfsOp *op = &e->prog->ops[i];
  SvfsExecResult *r = e->r;
  struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
  SvfsDataItem items[4];
  char lname[16], tname[16] = "", uname[40] = "", wname[40] = "";
  char lpath[PATH_MAX], upath[PATH_MAX], wpath[PATH_MAX];
  unsigned n = 0;
  struct stat st;
  int m;

  if (fstat (lower, &st) < 0)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "checking the overlay lower", errno, "");
  if (!S_ISDIR (st.st_mode))
    return fail (r, i, SVFS_ERROR_UNSUPPORTED, "an overlay needs a directory as its lower layer", ENOTDIR, op->dest);
  if (mount_setattr (lower, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof ro) < 0)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "making the overlay lower read-only", errno, "");

  scratch_name (lname, i, 'l');
  if (mkdirat (e->staging_fd, lname, 0700) < 0)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "preparing the overlay layers", errno, "");
  if (move_mount (lower, "", e->staging_fd, lname, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "attaching the overlay lower", errno, "");
  if (join_path (lpath, sizeof lpath, e->prog->staging_dir, lname) < 0)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "preparing the overlay layers", ENAMETOOLONG, "");

  if (op->overlay == SVFS_OVERLAY_DISK)
    {
      if (fd_path (upath, sizeof upath, e->prog->host_fds[op->upper_host]) == NULL ||
          fd_path (wpath, sizeof wpath, e->prog->host_fds[op->work_host]) == NULL)
        return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "preparing the overlay layers", ENAMETOOLONG, "");
    }
  else
    {
      char *u = uname, *w = wname;

      /* With a size limit, upper and work go on a tmpfs of their own of
       * that size, attached in the staging directory. */
      if (op->overlay_size != NULL)
        {
          SvfsDataItem size[] = { { "size", op->overlay_size }, { "mode", "0700" } };
          int t = make_fs ("tmpfs", "sandboxvfs", size, 2, 0, i, r);
          int rc;

          if (t < 0)
            return -1;
          scratch_name (tname, i, 't');
          rc = mkdirat (e->staging_fd, tname, 0700);
          if (rc == 0)
            rc = move_mount (t, "", e->staging_fd, tname, MOVE_MOUNT_F_EMPTY_PATH);
          close (t);
          if (rc < 0)
            return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "preparing the overlay layers", errno, "");
          u = uname + copy_str (uname, sizeof uname, tname);
          *u++ = '/';
          w = wname + copy_str (wname, sizeof wname, tname);
          *w++ = '/';
        }
      scratch_name (u, i, 'u');
      scratch_name (w, i, 'w');
      /* The upper root takes the lower root's owner and mode; an owner
       * the user namespace does not map stays the caller's (for an owner:
       * the owner's, as it would be in a user namespace of its own). */
      if (mkdirat (e->staging_fd, uname, st.st_mode & 07777) < 0 ||
          mkdirat (e->staging_fd, wname, 0700) < 0 ||
          (fchownat (e->staging_fd, uname, e->prog->owner ? e->prog->outer_uid : st.st_uid,
                     e->prog->owner ? e->prog->outer_gid : st.st_gid, 0) < 0 && !e->prog->userns) ||
          fchmodat (e->staging_fd, uname, st.st_mode & 07777, 0) < 0)
        return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "preparing the overlay layers", errno, "");
      if (join_path (upath, sizeof upath, e->prog->staging_dir, uname) < 0 ||
          join_path (wpath, sizeof wpath, e->prog->staging_dir, wname) < 0)
        return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "preparing the overlay layers", ENAMETOOLONG, "");
    }

  /* Entries of the lower to hide (on-disk uppers next to their source):
   * whiteouts in the upper, made before the overlay is mounted. */
  for (unsigned h = 0; op->hide != NULL && op->hide[h] != NULL; h++)
    {
      int ufd = op->overlay == SVFS_OVERLAY_DISK
                ? openat (e->prog->host_fds[op->upper_host], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                : openat (e->staging_fd, uname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      int lfd = openat (e->staging_fd, lname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      int rc = ufd < 0 ? fail (r, i, SVFS_ERROR_MOUNT_FAILED, "preparing the overlay layers", errno, "")
                       : whiteout_in_upper (ufd, lfd, op->hide[h], i, r);
      if (ufd >= 0)
        close (ufd);
      if (lfd >= 0)
        close (lfd);
      if (rc < 0)
        return -1;
    }

  items[n++] = (SvfsDataItem) { "lowerdir", lpath };
  items[n++] = (SvfsDataItem) { "upperdir", upath };
  items[n++] = (SvfsDataItem) { "workdir", wpath };
  /* In a user namespace overlayfs keeps its metadata in user.* xattrs. */
  if (e->prog->userns)
    items[n++] = (SvfsDataItem) { "userxattr", NULL };

  m = make_fs ("overlay", "overlay", items, n, attr, i, r);
  if (m < 0)
    return -1;
  return m;
}

/* A bind of a regular file under an overlay: overlayfs needs a directory,
 * so the file is copied into the staging tmpfs and that copy is bound
 * (gVisor §11.2 step 5: the content is copied into the upper). */
static int
copy_file_mount (Exec *e,
                 int   i,
                 int   src_tree)
{
  SvfsExecResult *r = e->r;
  char name[16], proc[64];
  struct stat st;
  int src, dst, m;
  int rc = 0, err;

  scratch_name (name, i, 'f');
  if (fd_path (proc, sizeof proc, src_tree) == NULL)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "copying the file", ENAMETOOLONG, "");
  src = open (proc, O_RDONLY | O_CLOEXEC);
  if (src < 0 || fstat (src, &st) < 0)
    {
      err = errno;
      if (src >= 0)
        close (src);
      return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "copying the file", err, "");
    }
  dst = openat (e->staging_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 07777);
  if (dst < 0)
    rc = fail (r, i, SVFS_ERROR_MOUNT_FAILED, "copying the file", errno, "");
  if (rc == 0 && (err = copy_data (dst, src, st.st_size)) != 0)
    rc = fail (r, i, SVFS_ERROR_MOUNT_FAILED, "copying the file", err, "");
  if (rc == 0 && fchown (dst, st.st_uid, st.st_gid) < 0 && !e->prog->userns)
    rc = fail (r, i, SVFS_ERROR_MOUNT_FAILED, "copying the file", errno, "");
  close (src);
  if (dst >= 0)
    close (dst);
  if (rc < 0)
    return -1;
  m = open_tree (e->staging_fd, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (m < 0)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "binding the copied file", errno, "");
  return m;
}

static int
do_root (Exec *e,
         int   i)
{
  const SvfsOp *op = &e->prog->ops[i];
  SvfsExecResult *r = e->r;
  struct stat st;
  int tree, m;

  if (op->fs_type != NULL)
    {
      /* An image (erofs, opened before staging): a new filesystem,
       * read-only by nature. */
      char image[64];

      tree = make_fs (op->fs_type, fd_path (image, sizeof image, e->prog->host_fds[op->host_source]),
                      op->data, op->n_data, MOUNT_ATTR_RDONLY | e->forced, i, r);
      if (tree < 0)
        return -1;
    }
  else
    {
      /* A detached clone: made by the parent (root) or by this child from
       * the host path (user namespace). */
      tree = source_tree (e, op);
      if (tree < 0 || fstat (tree, &st) < 0)
        return fail (r, i, SVFS_ERROR_SOURCE_FDS, "checking the root source", errno, "");
      if (!S_ISDIR (st.st_mode))
        return fail (r, i, SVFS_ERROR_SOURCE_FDS, "checking the root source", ENOTDIR, "");
    }
  /* A clone of a shared host mount joins its peer group: make it private
   * before anything is mounted under it. */
  if (set_propagation (tree, MS_PRIVATE, true) < 0)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "making the root private", errno, "");

  if (op->overlay == SVFS_OVERLAY_NONE)
    {
      if (e->forced != 0)
        {
          struct mount_attr attr = { .attr_set = e->forced };
          if (mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
            return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "setting the root's flags", errno, "");
        }
      if (move_mount (tree, "", e->staging_fd, "root", MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "attaching the root", errno, "");
      return 0;
    }

  /* Overlay (gVisor §11): memory (upper and work on the private staging
   * tmpfs) or disk (upper and work in a per-container host directory). */
  m = make_overlay (e, i, tree, e->forced);
  if (m < 0)
    return -1;
  if (move_mount (m, "", e->staging_fd, "root", MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "attaching the root overlay", errno, "");
  close (m);
  return 0;
}

/* In a user namespace /dev's nodes are binds of the host's (opened and
 * checked before staging: host_paths[host_source + k] is svfs_dev_nodes[k]). */
static int
bind_dev_nodes (Exec *e,
                int   i,
                int   dev_fd)
{
  const SvfsOp *op = &e->prog->ops[i];

  for (size_t k = 0; k < SVFS_N_DEV_NODES; k++)
    {
      int node = e->prog->host_fds[op->host_source + (int) k];
      int target = openat (dev_fd, svfs_dev_nodes[k].name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID, .propagation = MS_PRIVATE };
      int rc;

      if (target < 0)
        return fail (e->r, i, SVFS_ERROR_DEVICE, "binding a /dev node", errno, svfs_dev_nodes[k].name);
      rc = mount_setattr (node, "", AT_EMPTY_PATH, &attr, sizeof attr);
      if (rc == 0)
        rc = move_mount (node, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
      close (target);
      if (rc < 0)
        return fail (e->r, i, SVFS_ERROR_DEVICE, "binding a /dev node", errno, svfs_dev_nodes[k].name);
    }
  return 0;
}

/* For an owner, a new tmpfs belongs to it (root in its user namespace),
 * as one made in a user namespace of its own would, unless the spec
 * gives uid= or gid=. */
static int
own_tmpfs (Exec *e,
           int   i,
           int   m)
{
  const SvfsOp *op = &e->prog->ops[i];
  uid_t uid = e->prog->outer_uid;
  gid_t gid = e->prog->outer_gid;

  for (unsigned k = 0; k < op->n_data; k++)
    {
      if (strcmp (op->data[k].key, "uid") == 0)
        uid = (uid_t) -1;
      else if (strcmp (op->data[k].key, "gid") == 0)
        gid = (gid_t) -1;
    }
  if (fchownat (m, "", uid, gid, AT_EMPTY_PATH) < 0)
    return fail (e->r, i, SVFS_ERROR_MOUNT_FAILED, "giving the tmpfs to its owner", errno, op->dest);
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
  bool is_overlay = false;
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
      int src = source_tree (e, op);

      if (src < 0 || fstat (src, &st) < 0)
        return fail (r, i, SVFS_ERROR_SOURCE_FDS, "checking the bind source", errno, "");
      want_dir = S_ISDIR (st.st_mode);
      /* A detached clone; attached only once. */
      if (!want_dir && op->overlay != SVFS_OVERLAY_NONE)
        m = copy_file_mount (e, i, src);
      else
        m = fcntl (src, F_DUPFD_CLOEXEC, 3);
      if (m < 0)
        return r->stage != NULL ? -1 : fail (r, i, SVFS_ERROR_MOUNT_FAILED, "cloning the bind source", errno, "");
    }
  else
    {
      /* /dev holds only the nodes we put there and a devpts instance only
       * the container's own ptys: both keep their devices usable. */
      gboolean own_devices = op->kind == SVFS_OP_DEV ||
                             (op->kind == SVFS_OP_FS && strcmp (op->fs_type, "devpts") == 0);
      unsigned forced = own_devices ? (e->forced & ~(unsigned) MOUNT_ATTR_NODEV) : e->forced;
      const char *source = op->source;
      char image[64];

      /* An image (erofs) opened before staging: its path through the fd. */
      if (op->kind == SVFS_OP_FS && op->host_source >= 0)
        source = fd_path (image, sizeof image, e->prog->host_fds[op->host_source]);
      m = make_fs (op->fs_type, source, op->data, op->n_data, op->attr | forced, i, r);
      if (m < 0)
        return -1;
      if (e->prog->owner && strcmp (op->fs_type, "tmpfs") == 0 && own_tmpfs (e, i, m) < 0)
        return -1;
      if (op->kind == SVFS_OP_DEV && populate_dev (m, e->prog->userns || e->prog->owner, i, r) < 0)
        return -1;
    }

  if (is_clone && op->overlay != SVFS_OVERLAY_NONE && want_dir)
    {
      /* The bind (or the read-only mount that needs synthetic mount
       * points) becomes the lower of an overlay. */
      int o = make_overlay (e, i, m, op->attr | e->forced);
      close (m);
      if (o < 0)
        return -1;
      m = o;
      is_overlay = true;
    }
  else if (is_clone)
    {
      struct mount_attr attr = {
        .attr_set = op->attr | e->forced | (op->rdonly ? MOUNT_ATTR_RDONLY : 0),
        .attr_clr = op->set_atime ? MOUNT_ATTR__ATIME : 0,
        .propagation = MS_PRIVATE,
      };
      if (set_attr_keep_locked (e, m, AT_EMPTY_PATH | (op->recursive ? AT_RECURSIVE : 0), &attr, i) < 0)
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
      rc = copy_tree (covered, m, 0, i, e->prog->userns, r);
      close (covered);
      if (rc < 0)
        return -1;
    }

  if (move_mount (m, "", dest, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "move_mount onto the mount point", errno, op->dest);
  close (dest);

  /* A new filesystem is born private, and a clone was made private with
   * its flags: one syscall less per mount in the common case. */
  if (!(op->propagation == MS_PRIVATE &&
        (!op->propagation_recursive || (is_clone && !is_overlay && op->recursive))) &&
      set_propagation (m, op->propagation, op->propagation_recursive) < 0)
    return fail (r, i, SVFS_ERROR_MOUNT_FAILED, "setting the propagation", errno, op->dest);

  if (op->kind == SVFS_OP_DEV && (e->prog->userns || e->prog->owner) && bind_dev_nodes (e, i, m) < 0)
    return -1;

  /* Keep the fd when the read-only flag comes at the end or other views
   * clone this filesystem. */
  if (op->keep_fd || ((!is_clone || is_overlay) && op->rdonly))
    e->prog->mount_fds[i] = m;
  else
    close (m);
  if (r->op_state[i] == SVFS_OP_STATE_PENDING)
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
      struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | e->forced, .propagation = MS_PRIVATE };

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

  if (op->host_source >= 0)
    {
      /* No mknod in a user namespace: an empty file with the host's node
       * (opened and checked before staging) bound onto it.  The node
       * keeps the host's owner and mode. */
      int node = e->prog->host_fds[op->host_source];
      struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID, .propagation = MS_PRIVATE };
      int f = openat (parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      int target, rc;

      if (f < 0)
        {
          int err = errno;
          close (parent);
          if (err == EEXIST)
            {
              r->op_state[i] = SVFS_OP_STATE_SKIPPED;
              return 0;
            }
          return fail (r, i, SVFS_ERROR_DEVICE, "creating the device's mount point", err, op->dest);
        }
      close (f);
      target = openat (parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      close (parent);
      rc = target < 0 ? -1 : mount_setattr (node, "", AT_EMPTY_PATH, &attr, sizeof attr);
      if (rc == 0)
        rc = move_mount (node, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
      if (rc < 0)
        {
          int err = errno;
          if (target >= 0)
            close (target);
          return fail (r, i, SVFS_ERROR_DEVICE, "binding the host's device node", err, op->dest);
        }
      close (target);
      r->op_state[i] = SVFS_OP_STATE_DONE;
      return 0;
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

/* Opens (and clones) the host objects the program names, in this
 * process's own copy of the caller's mount namespace, before the staging
 * tmpfs can cover any of them; see SvfsHostPath. */
static int
open_host_paths (Exec *e)
{
  const SvfsExecProgram *prog = e->prog;
  SvfsExecResult *r = e->r;

  for (unsigned k = 0; k < prog->n_host_paths; k++)
    prog->host_fds[k] = -1;

  for (unsigned k = 0; k < prog->n_host_paths; k++)
    {
      const SvfsHostPath *h = &prog->host_paths[k];
      struct open_how how = {
        .flags = O_PATH | O_CLOEXEC,
        .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
      };
      struct stat st, want;
      int fd = svfs_sys_openat2 (AT_FDCWD, h->path, &how);

      if (fd < 0)
        return fail (r, h->op, errno == ENOENT ? SVFS_ERROR_NOT_FOUND : SVFS_ERROR_MOUNT_FAILED,
                     "opening the source in the new mount namespace", errno, h->path);
      if (fstat (fd, &st) < 0)
        {
          close (fd);
          return fail (r, h->op, SVFS_ERROR_MOUNT_FAILED, "checking the source", errno, h->path);
        }
      if (h->check_fd >= 0 &&
          (fstat (h->check_fd, &want) < 0 || st.st_dev != want.st_dev || st.st_ino != want.st_ino))
        {
          close (fd);
          return fail (r, h->op, SVFS_ERROR_PERMISSION_DENIED,
                       "the source at this path is not the one opened before (it was replaced)", ESTALE, h->path);
        }
      if (h->want_dir && !S_ISDIR (st.st_mode))
        {
          close (fd);
          return fail (r, h->op, SVFS_ERROR_MOUNT_FAILED, "checking the source", ENOTDIR, h->path);
        }
      if (h->want_type != 0 && ((st.st_mode & S_IFMT) != h->want_type || st.st_rdev != h->want_rdev))
        {
          close (fd);
          return fail (r, h->op, SVFS_ERROR_DEVICE,
                       "the host's node is not that device (no mknod in a user namespace: device nodes are binds of the host's)",
                       ENODEV, h->path);
        }
      if (h->clone)
        {
          int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;
          int t = open_tree (fd, "", flags | (h->recursive ? AT_RECURSIVE : 0));

          /* In a user namespace a mount with locked submounts can only be
           * cloned with them (else they would reveal what they cover). */
          if (t < 0 && errno == EINVAL && !h->recursive && prog->userns)
            {
              t = open_tree (fd, "", flags | AT_RECURSIVE);
              if (t >= 0 && h->op >= 0)
                r->op_state[h->op] = SVFS_OP_STATE_DONE_RECURSIVE;
            }
          close (fd);
          if (t < 0)
            return fail (r, h->op, SVFS_ERROR_MOUNT_FAILED, "cloning the source", errno, h->path);
          fd = t;
        }
      prog->host_fds[k] = fd;
    }
  return 0;
}

/* A new user namespace maps the caller (and only the caller) to root. */
static int
write_id_maps (Exec *e)
{
  char map[64];

  if (write_proc_file ("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
    return fail (e->r, -1, SVFS_ERROR_PERMISSION_DENIED, "denying setgroups in the user namespace", errno, "");
  id_map (map, e->prog->outer_uid);
  if (write_proc_file ("/proc/self/uid_map", map) < 0)
    return fail (e->r, -1, SVFS_ERROR_PERMISSION_DENIED, "writing the user namespace's uid_map", errno, map);
  id_map (map, e->prog->outer_gid);
  if (write_proc_file ("/proc/self/gid_map", map) < 0)
    return fail (e->r, -1, SVFS_ERROR_PERMISSION_DENIED, "writing the user namespace's gid_map", errno, map);
  return 0;
}

/* SvfsExecProgram.parent_maps: root writes the spec's maps (a child
 * cannot write more than its own id).  Raw syscalls: no threads here. */
static int
wait_for_parent_maps (Exec *e)
{
  const SvfsExecProgram *prog = e->prog;
  char byte = 'U';
  ssize_t n;

  while (write (prog->sync_fd, &byte, 1) < 0 && errno == EINTR)
    ;
  do
    n = read (prog->control_fd, &byte, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1)
    return fail (e->r, -1, SVFS_ERROR_MOUNT_FAILED, "waiting for the spec's id maps", n < 0 ? errno : EPIPE, "");
  /* Root's supplementary groups (gid 0) stay behind: setgroups is allowed. */
  if (syscall (SYS_setgroups, 0, NULL) < 0)
    return fail (e->r, -1, SVFS_ERROR_MOUNT_FAILED, "dropping supplementary groups", errno, "");
  /* The holder is a copy of the caller's memory: the namespace's root
   * (the same ids once it takes them) must not ptrace or read it. */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return fail (e->r, -1, SVFS_ERROR_MOUNT_FAILED, "making the holder non-dumpable", errno, "");
  return 0;
}

/* SvfsExecProgram.owner, once the view is built: the holder keeps only its
 * two pipes, takes the owner's ids and unshares a user namespace (owned by
 * the owner) with a copy of the mount namespace.  The kernel locks every
 * mount of a copy made for a less privileged user namespace (MNT_LOCKED,
 * and the read-only, nosuid, nodev, noexec and atime flags), so the owner,
 * root there, can neither unmount one to see what it covers nor change
 * its flags.  The holder stays non-dumpable: the owner cannot ptrace it or
 * read its memory (a copy of the service's).  So it cannot write its own
 * id maps either (its /proc files are root's): it asks the parent with
 * 'U' on sync_fd and waits for one byte on the control pipe. */
static int
become_owner (Exec *e)
{
  const SvfsExecProgram *prog = e->prog;
  SvfsExecResult *r = e->r;
  char byte = 'U';
  ssize_t n;

  svfs_close_fds_except (0, prog->sync_fd, prog->control_fd);
  e->root_fd = e->devnull_fd = -1;

  /* Raw syscalls: glibc's would signal threads this process does not have. */
  if (syscall (SYS_setgroups, 0, NULL) < 0 ||
      syscall (SYS_setresgid, prog->outer_gid, prog->outer_gid, prog->outer_gid) < 0 ||
      syscall (SYS_setresuid, prog->outer_uid, prog->outer_uid, prog->outer_uid) < 0)
    return fail (r, -1, SVFS_ERROR_PERMISSION_DENIED, "taking the owner's ids", errno, "");
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return fail (r, -1, SVFS_ERROR_PERMISSION_DENIED, "making the holder non-dumpable", errno, "");
  if (unshare (CLONE_NEWUSER | CLONE_NEWNS) < 0)
    return fail (r, -1, SVFS_ERROR_PERMISSION_DENIED, "creating the owner's user namespace", errno, "");

  while (write (prog->sync_fd, &byte, 1) < 0 && errno == EINTR)
    ;
  do
    n = read (prog->control_fd, &byte, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1)
    return fail (r, -1, SVFS_ERROR_PERMISSION_DENIED, "waiting for the owner's id maps", n < 0 ? errno : EPIPE, "");
  if (getuid () != 0 || getgid () != 0)
    return fail (r, -1, SVFS_ERROR_PERMISSION_DENIED, "checking the owner's id maps", EPERM, "");
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

/* SvfsExecProgram.holder_exe_fd: the set-up process shares the caller's
 * memory (the caller sleeps until it execs) and now becomes the holder
 * program, so that what holds an ordinary user's namespaces, and can be
 * ptraced by the namespace's root, has none of the caller's memory.  The
 * control pipe becomes fd 0 (kept across exec); sync_fd gets the ready
 * byte first.  Returns only on failure. */
static int
exec_holder (Exec *e)
{
  const SvfsExecProgram *prog = e->prog;
  char *const argv[] = { (char *) "sandboxvfs-holder", NULL };
  char *const envp[] = { NULL };
  const char one = 'R';
  int exe = fcntl (prog->holder_exe_fd, F_DUPFD_CLOEXEC, 3);
  int sync = fcntl (prog->sync_fd, F_DUPFD_CLOEXEC, 3);

  if (exe < 0 || sync < 0 || dup2 (prog->control_fd, 0) < 0 || fcntl (0, F_SETFD, 0) < 0)
    return fail (e->r, -1, SVFS_ERROR_MOUNT_FAILED, "handing the control pipe to the holder program", errno, "");
  svfs_close_fds_except (1, exe, sync);

  while (write (sync, &one, 1) < 0 && errno == EINTR)
    ;
  syscall (SYS_execveat, exe, "", argv, envp, AT_EMPTY_PATH);
  return fail (e->r, -1, SVFS_ERROR_MOUNT_FAILED, "starting the holder program", errno, "");
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

  if (prog->userns)
    {
      e.forced = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
      if (prog->parent_maps ? wait_for_parent_maps (&e) < 0 : write_id_maps (&e) < 0)
        return -1;
    }
  else if (prog->owner)
    e.forced = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;

  /* Room for one fd per mount in large plans. */
  if (getrlimit (RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max)
    {
      nofile.rlim_cur = nofile.rlim_max;
      setrlimit (RLIMIT_NOFILE, &nofile);
    }

  /* Nothing done here may propagate back to the host. */
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return fail (r, -1, prog->userns && errno == EPERM ? SVFS_ERROR_PERMISSION_DENIED : SVFS_ERROR_MOUNT_FAILED,
                 "making the mount namespace private", errno, "/");

  if (open_host_paths (&e) < 0)
    return -1;
  /* The spec's user namespace: from here on as its root (where mapped),
   * so that what is created (tmpfs roots, overlay uppers) is root's inside. */
  if (prog->parent_maps &&
      ((prog->take_root_gid && syscall (SYS_setresgid, 0, 0, 0) < 0) ||
       (prog->take_root_uid && syscall (SYS_setresuid, 0, 0, 0) < 0)))
    return fail (r, -1, SVFS_ERROR_MOUNT_FAILED, "taking the ids of root in the user namespace", errno, "");
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

      if (prog->mount_fds[i] < 0 || !op->rdonly ||
          ((op->kind == SVFS_OP_BIND || op->master_op >= 0) && op->overlay == SVFS_OVERLAY_NONE))
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

  if (prog->owner && become_owner (&e) < 0)
    return -1;

  /* Ready.  From here on this process only holds the namespaces: it keeps
   * the control fd, reaps orphans when it is PID 1 and leaves when the
   * owner closes the control fd or goes away.  Everything it needs is
   * set up before the parent knows: a holder that shares the caller's
   * memory must then touch nothing of the caller's, not @prog and not
   * even the thread-local state of the thread that cloned it (that
   * thread may be gone), so it makes only raw system calls, with every
   * signal blocked (no EINTR, no handler). */
  {
    struct sigaction sa = { .sa_handler = SIG_IGN };
    const int control = prog->control_fd, sync = prog->sync_fd;
    const bool hide = prog->hide_when_read;
    sigset_t all;
    char byte;

    sigaction (SIGCHLD, &sa, NULL);
    sigfillset (&all);
    sigprocmask (SIG_BLOCK, &all, NULL);
    if (prog->holder_exe_fd >= 0)
      return exec_holder (&e);
    svfs_close_fds_except (0, sync, control);

    syscall (SYS_write, sync, &one, 1);
    if (hide &&
        (syscall (SYS_read, control, &byte, 1) != 1 || syscall (SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 ||
         syscall (SYS_write, sync, &one, 1) != 1))
      syscall (SYS_exit_group, 1);
    syscall (SYS_close, sync);
    while (syscall (SYS_read, control, &byte, 1) > 0)
      ;
    syscall (SYS_exit_group, 0);
    for (;;)
      ;
  }
}
