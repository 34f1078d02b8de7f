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
#include <linux/openat2.h>

#include "linux/svfs-linux-private.h"
#include "svfs-device.h"
#include "svfs-error.h"
#include "svfs-mount-namespace-private.h"
#include "svfs-mount-plan-private.h"
#include "svfs-mounter.h"
#include "svfs-path-private.h"
#include "svfs-spec-private.h"

#include <glib/gstdio.h>

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
  gboolean       userns;      /* not root in the initial user namespace: a user namespace of our own */
  gboolean       owner;       /* root building for another user (SvfsMounter:owner-uid): binds of the host's
                               * nodes and instances, as in a user namespace, but sources cloned here */
  guint          owner_uid;
  guint          owner_gid;
  gboolean       spec_userns; /* root creating the spec's user namespace: the parent writes its maps */
  char          *uid_map;     /* … the maps to write, one "inside outside count" line each */
  char          *gid_map;
  gboolean       root_uid_mapped; /* … whether uid / gid 0 inside are mapped (the builder takes them) */
  gboolean       root_gid_mapped;
  GArray        *host_paths;  /* SvfsHostPath, opened by the child before staging */
  GPtrArray     *cleanup;     /* char *: on-disk overlay directories we created */
  GPtrArray     *trees;       /* Tree: host directories visible in the container */
  GPtrArray     *uppers;      /* char *: on-disk self uppers to hide */
  GPtrArray     *probe;       /* per op: a GINT fd to look below a bind's source, or -1 */
} Builder;

typedef struct {
  int   fd;     /* the source (owned by the builder's fds) */
  char *host;   /* its canonical host path, looked up only when there are self uppers */
  char *dest;   /* where it shows in the container */
  int   op;
} Tree;

static void
tree_free (Tree *t)
{
  g_free (t->host);
  g_free (t->dest);
  g_free (t);
}

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
  g_clear_pointer (&b->host_paths, g_array_unref);
  /* Still owned here: the set-up failed, the directories go. */
  for (guint i = 0; b->cleanup != NULL && i < b->cleanup->len; i++)
    svfs_remove_tree (g_ptr_array_index (b->cleanup, i));
  g_clear_pointer (&b->cleanup, g_ptr_array_unref);
  g_clear_pointer (&b->trees, g_ptr_array_unref);
  g_clear_pointer (&b->uppers, g_ptr_array_unref);
  g_clear_pointer (&b->probe, g_ptr_array_unref);
  g_clear_pointer (&b->uid_map, g_free);
  g_clear_pointer (&b->gid_map, g_free);
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
  SvfsOp op = { .kind = kind, .source_fd = -1, .master_op = -1, .propagation = MS_PRIVATE,
                .host_source = -1, .upper_host = -1, .work_host = -1 };

  g_array_append_val (b->ops, op);
  g_ptr_array_add (b->labels, label);
  g_ptr_array_add (b->probe, GINT_TO_POINTER (-1));
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
  /* The kernel's propagation type of each spec option; the r- forms apply
   * to the whole tree. */
  static const struct {
    unsigned long type;
    gboolean      recursive;
  } kinds[] = {
    [SVFS_PROPAGATION_PRIVATE]     = { MS_PRIVATE, FALSE },
    [SVFS_PROPAGATION_RPRIVATE]    = { MS_PRIVATE, TRUE },
    [SVFS_PROPAGATION_SLAVE]       = { MS_SLAVE, FALSE },
    [SVFS_PROPAGATION_RSLAVE]      = { MS_SLAVE, TRUE },
    [SVFS_PROPAGATION_SHARED]      = { MS_SHARED, FALSE },
    [SVFS_PROPAGATION_RSHARED]     = { MS_SHARED, TRUE },
    [SVFS_PROPAGATION_UNBINDABLE]  = { MS_UNBINDABLE, FALSE },
    [SVFS_PROPAGATION_RUNBINDABLE] = { MS_UNBINDABLE, TRUE },
  };

  if (propagation == SVFS_PROPAGATION_DEFAULT || (guint) propagation >= G_N_ELEMENTS (kinds))
    {
      /* Everything private (ARCHITECTURE.md, "Making it real"). */
      op->propagation = MS_PRIVATE;
      op->propagation_recursive = recursive_default;
      return;
    }
  op->propagation = kinds[propagation].type;
  op->propagation_recursive = kinds[propagation].recursive;
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

/* The path of the object behind @fd, as this process sees it; the child
 * reopens it in its own copy of the mount namespace and checks that it
 * is the same inode.  NULL when the object has no reachable path. */
static char *
canonical_path (int fd)
{
  g_autofree char *link = g_strdup_printf ("/proc/self/fd/%d", fd);
  g_autofree char *target = g_file_read_link (link, NULL);

  if (target == NULL || target[0] != '/' || g_str_has_suffix (target, " (deleted)"))
    return NULL;
  return g_steal_pointer (&target);
}

static int
add_host_path (Builder     *b,
               int          op,
               const char  *path,
               int          check_fd,
               gboolean     clone,
               gboolean     recursive)
{
  SvfsHostPath h = { .op = op, .path = path, .check_fd = check_fd, .clone = clone, .recursive = recursive };

  g_array_append_val (b->host_paths, h);
  return (int) b->host_paths->len - 1;
}

/* A source for op @op (about to be added): as root a detached clone made
 * here; in a user namespace the canonical path, cloned by the child and
 * checked against @fd.  Sets op->source_fd or op->host_source. */
static gboolean
set_source (Builder     *b,
            SvfsOp      *op,
            int          fd,
            gboolean     recursive,
            const char  *label,
            GError     **error)
{
  int op_index = (int) b->ops->len - 1;

  if (!b->userns)
    {
      op->source_fd = clone_source (b, fd, recursive, label, error);
      if (op->source_fd < 0)
        return FALSE;
      g_ptr_array_index (b->probe, op_index) = GINT_TO_POINTER (op->source_fd);
    }
  else
    {
      char *path = canonical_path (fd);

      if (path == NULL)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS,
                       "%s: the source has no path this process can reach, which a user namespace needs "
                       "(the kernel clones only mounts of the caller's own mount namespace)", label);
          return FALSE;
        }
      own (b, path);
      op->host_source = add_host_path (b, op_index, path, fd, TRUE, recursive);
      g_ptr_array_index (b->probe, op_index) = GINT_TO_POINTER (fd);
    }
  return TRUE;
}

/* Records a source as visible in the container at @dest, so that self
 * uppers inside it can be hidden (see hide_self_uppers()). */
static void
add_tree (Builder    *b,
          int         fd,
          const char *dest)
{
  Tree *t = g_new0 (Tree, 1);

  t->fd = fd;
  t->dest = g_strdup (dest);
  t->op = (int) b->ops->len - 1;
  g_ptr_array_add (b->trees, t);
}

/* Whether @map (a uid_map / gid_map text as build_id_map() writes it, one
 * "inside outside count" line each) maps @inside; if so, to *@outside. */
static gboolean
map_id (const char *map,
        guint64     inside,
        guint64    *outside)
{
  for (const char *line = map; line != NULL && *line != '\0';)
    {
      char *end;
      guint64 first = g_ascii_strtoull (line, &end, 10);
      guint64 host = g_ascii_strtoull (end, &end, 10);
      guint64 count = g_ascii_strtoull (end, &end, 10);

      if (inside >= first && inside - first < count)
        {
          *outside = host + (inside - first);
          return TRUE;
        }
      line = strchr (end, '\n');
      if (line != NULL)
        line++;
    }
  return FALSE;
}

/* On-disk overlay media (gVisor §4.3): `dir=/abs` puts the upper in a
 * fresh per-container directory in /abs; `self` in a hidden sibling of
 * the source, `.sandboxvfs-upper.<name>.<random>`.  Both are removed when
 * the namespace is closed (or the set-up fails).  The upper root takes
 * the lower root's mode (and owner, as root: also when root creates the
 * spec's user namespace).  There the overlay is made by the namespace's
 * root, so the work directory is its (else the kernel mounts the overlay
 * read-only: it cannot create its work files). */
static gboolean
set_disk_overlay (Builder           *b,
                  SvfsOp            *op,
                  SvfsOverlayMedium  medium,
                  const char        *dir,
                  int                source_fd,
                  const char        *label,
                  GError           **error)
{
  g_autofree char *templ = NULL;
  g_autofree char *upper = NULL;
  g_autofree char *work = NULL;
  int op_index = (int) b->ops->len - 1;
  guint64 root_uid = G_MAXUINT32, root_gid = G_MAXUINT32;   /* (uid_t) -1: unchanged */
  struct stat st;
  char *made;
  int ufd, wfd;

  if (fstat (source_fd, &st) < 0)
    {
      int err = errno;
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_MOUNT_FAILED, "%s: checking the source: %s", label,
                   g_strerror (err));
      return FALSE;
    }
  if (!S_ISDIR (st.st_mode))
    {
      /* gVisor: self on a non-directory degrades to memory. */
      op->overlay = SVFS_OVERLAY_MEMORY;
      return TRUE;
    }

  if (medium == SVFS_OVERLAY_MEDIUM_DIR)
    {
      if (dir == NULL || !g_path_is_absolute (dir) || !g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                       "%s: overlay2 flag should specify an existing directory (\"%s\")", label,
                       dir != NULL ? dir : "");
          return FALSE;
        }
      templ = g_build_filename (dir, "sandboxvfs-upper-XXXXXX", NULL);
    }
  else
    {
      g_autofree char *source = canonical_path (source_fd);
      g_autofree char *parent = NULL;
      g_autofree char *base = NULL;
      g_autofree char *name = NULL;

      if (source == NULL || strcmp (source, "/") == 0)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                       "%s: overlay2 medium \"self\" needs a source directory with a parent on disk", label);
          return FALSE;
        }
      parent = g_path_get_dirname (source);
      base = g_path_get_basename (source);
      name = g_strdup_printf (".sandboxvfs-upper.%s.XXXXXX", base);
      templ = g_build_filename (parent, name, NULL);
    }

  if (b->spec_userns)
    {
      /* Who makes the overlay there: root inside, where it is mapped. */
      map_id (b->uid_map, 0, &root_uid);
      map_id (b->gid_map, 0, &root_gid);
    }
  made = g_mkdtemp_full (templ, 0700);
  if (made == NULL)
    {
      int err = errno;
      g_set_error (error, SVFS_ERROR, err == EACCES || err == EPERM ? SVFS_ERROR_PERMISSION_DENIED
                                                                     : SVFS_ERROR_MOUNT_FAILED,
                   "%s: cannot create the overlay upper directory \"%s\": %s", label, templ, g_strerror (err));
      return FALSE;
    }
  g_ptr_array_add (b->cleanup, g_strdup (made));
  if (medium == SVFS_OVERLAY_MEDIUM_SELF)
    g_ptr_array_add (b->uppers, g_strdup (made));

  upper = g_build_filename (made, "upper", NULL);
  work = g_build_filename (made, "work", NULL);
  if (g_mkdir (upper, st.st_mode & 07777) < 0 || g_mkdir (work, 0700) < 0 ||
      chmod (upper, st.st_mode & 07777) < 0 ||
      ((!b->userns || b->spec_userns) && chown (upper, st.st_uid, st.st_gid) < 0) ||
      (b->spec_userns && chown (work, (uid_t) root_uid, (gid_t) root_gid) < 0))
    {
      int err = errno;
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_MOUNT_FAILED, "%s: cannot prepare \"%s\": %s", label, made,
                   g_strerror (err));
      return FALSE;
    }
  ufd = open (upper, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  wfd = open (work, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (ufd >= 0)
    g_array_append_val (b->fds, ufd);
  if (wfd >= 0)
    g_array_append_val (b->fds, wfd);
  if (ufd < 0 || wfd < 0)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_MOUNT_FAILED, "%s: cannot open \"%s\"", label, made);
      return FALSE;
    }
  op->overlay = SVFS_OVERLAY_DISK;
  op->upper_host = add_host_path (b, op_index, own (b, g_strdup (upper)), ufd, FALSE, FALSE);
  op->work_host = add_host_path (b, op_index, own (b, g_strdup (work)), wfd, FALSE, FALSE);
  g_array_index (b->host_paths, SvfsHostPath, op->upper_host).want_dir = TRUE;
  g_array_index (b->host_paths, SvfsHostPath, op->work_host).want_dir = TRUE;
  return TRUE;
}

/* @size: the size= of a memory upper's own tmpfs, or NULL (the upper is
 * then on the staging tmpfs, with no limit of its own). */
static gboolean
set_overlay (Builder           *b,
             SvfsOp            *op,
             SvfsOverlayMedium  medium,
             const char        *dir,
             const char        *size,
             int                source_fd,
             const char        *label,
             GError           **error)
{
  switch (medium)
    {
    case SVFS_OVERLAY_MEDIUM_NONE:
      op->overlay = SVFS_OVERLAY_NONE;
      return TRUE;
    case SVFS_OVERLAY_MEDIUM_MEMORY:
    case SVFS_OVERLAY_MEDIUM_ANON:
      /* anon: gVisor's anonymous disk-backed file; memory here. */
      op->overlay = SVFS_OVERLAY_MEMORY;
      op->overlay_size = size;
      return TRUE;
    case SVFS_OVERLAY_MEDIUM_SELF:
    case SVFS_OVERLAY_MEDIUM_DIR:
    default:
      return set_disk_overlay (b, op, medium, dir, source_fd, label, error);
    }
}

/* erofs images are mounted only outside a user namespace. */
static gboolean
erofs_possible (Builder     *b,
                const char  *label,
                GError     **error)
{
  if (!b->userns)
    return TRUE;
  g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
               "%s: an erofs image needs root: the kernel does not mount erofs in a user namespace "
               "(the system D-Bus service, sandboxvfsd --system, can apply this plan)", label);
  return FALSE;
}

static gboolean
build_root (Builder  *b,
            GError  **error)
{
  SvfsMountPlan *plan = b->plan;
  g_autofree char *label = g_strdup_printf ("root \"%s\"", plan->root_source);
  SvfsOverlayMedium medium = plan->root_overlay_medium;
  gboolean erofs = g_strcmp0 (plan->root_type, "erofs") == 0;
  SvfsOp *op;
  int fd;

  if (!erofs && g_strcmp0 (plan->root_type, "bind") != 0)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                   "%s: a root of type \"%s\" is not supported", label, plan->root_type);
      return FALSE;
    }
  if (erofs && !erofs_possible (b, label, error))
    return FALSE;

  fd = open_source (b, 0, plan->root_source, !erofs, label, error);
  if (fd < 0)
    return FALSE;

  op = add_op (b, SVFS_OP_ROOT, g_strdup (label));
  op->dest = "/";
  if (erofs)
    {
      char *path = canonical_path (fd);

      if (path == NULL)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS, "%s: the image has no reachable path", label);
          return FALSE;
        }
      op->fs_type = "erofs";
      op->host_source = add_host_path (b, 0, own (b, path), fd, FALSE, FALSE);
    }
  else
    {
      if (!set_source (b, op, fd, TRUE, label, error))
        return FALSE;
      add_tree (b, fd, "/");
    }
  /* A read-only root whose mount points are missing gets a memory overlay,
   * made read-only after the set-up, so that they are created in memory,
   * never on the host (gVisor's synthetic mount points): see
   * plan_synthetic_mount_points (). */
  if (erofs && medium != SVFS_OVERLAY_MEDIUM_NONE && medium != SVFS_OVERLAY_MEDIUM_MEMORY &&
      medium != SVFS_OVERLAY_MEDIUM_ANON)
    medium = SVFS_OVERLAY_MEDIUM_MEMORY;   /* no "next to the source" for an image */
  op = &g_array_index (b->ops, SvfsOp, b->ops->len - 1);
  if (!set_overlay (b, op, medium, plan->root_overlay_dir, plan->root_overlay_size, fd, label, error))
    return FALSE;
  b->root_rdonly = plan->root_readonly;
  return TRUE;
}

/* A new proc, sysfs or mqueue needs a PID, network or IPC namespace owned
 * by the user namespace; without one (the spec shares the host's), a user
 * namespace gets the host's instance bound instead, as bubblewrap does. */
static const char *
host_instance (Builder    *b,
               const char *type,
               gboolean   *force_ro)
{
  *force_ro = FALSE;
  if (!b->userns && !b->owner)
    return NULL;
  if (strcmp (type, "proc") == 0 && !(b->clone_flags & CLONE_NEWPID))
    return "/proc";
  if (strcmp (type, "sysfs") == 0 && !(b->clone_flags & CLONE_NEWNET))
    {
      *force_ro = TRUE;
      return "/sys";
    }
  if (strcmp (type, "mqueue") == 0 && !(b->clone_flags & CLONE_NEWIPC))
    return "/dev/mqueue";
  return NULL;
}

#ifndef CGROUP2_SUPER_MAGIC
# define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* cgroup and cgroup2 from the host's layout: on a cgroup2 host (or for a
 * cgroup2 mount where the host has a cgroup2 hierarchy) a new cgroup2 in
 * a cgroup namespace; without a cgroup namespace, or for v1 hierarchies,
 * read-only binds of the host's (runc CVE-2023-25809: never writable). */
static gboolean
plan_cgroup (Builder      *b,
             const char   *type,
             const char   *label,
             const char  **kernel_type,
             const char  **host_path,
             GError      **error)
{
  struct statfs sfs;
  const char *v2 = NULL;

  if (statfs ("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    v2 = "/sys/fs/cgroup";
  else if (statfs ("/sys/fs/cgroup/unified", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    v2 = "/sys/fs/cgroup/unified";

  *kernel_type = NULL;
  *host_path = NULL;
  if (strcmp (type, "cgroup2") == 0 || (v2 != NULL && strcmp (v2, "/sys/fs/cgroup") == 0))
    {
      if (v2 == NULL)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                       "%s: the host has no cgroup2 hierarchy to show", label);
          return FALSE;
        }
      if (b->clone_flags & CLONE_NEWCGROUP)
        *kernel_type = "cgroup2";
      else
        *host_path = v2;
      return TRUE;
    }
  if (statfs ("/sys/fs/cgroup", &sfs) < 0)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED, "%s: the host has no /sys/fs/cgroup", label);
      return FALSE;
    }
  *host_path = "/sys/fs/cgroup";
  return TRUE;
}

/* devpts uid=/gid= name ids of the user namespace it is made in; the
 * kernel refuses ids that namespace does not map.  An ordinary user's
 * maps only the caller, to 0; the spec's (made by root) maps what
 * linux.uidMappings and linux.gidMappings say.  Other ids are dropped,
 * with a warning. */
static void
filter_userns_data (Builder    *b,
                    SvfsOp     *op)
{
  SvfsDataItem *items = (SvfsDataItem *) op->data;
  unsigned n = 0;

  for (unsigned i = 0; i < op->n_data; i++)
    {
      gboolean gid = strcmp (items[i].key, "gid") == 0;
      const char *why = NULL;
      guint64 id, outside;

      if ((gid || strcmp (items[i].key, "uid") == 0) && items[i].value != NULL)
        {
          if (!b->spec_userns)
            why = strcmp (items[i].value, "0") != 0 ? "the user namespace maps only id 0" : NULL;
          /* Not a number: left for the kernel's error, which names it. */
          else if (g_ascii_string_to_unsigned (items[i].value, 10, 0, G_MAXUINT32, &id, NULL) &&
                   !map_id (gid ? b->gid_map : b->uid_map, id, &outside))
            why = gid ? "linux.gidMappings do not map it" : "linux.uidMappings do not map it";
        }
      if (why != NULL)
        {
          g_ptr_array_add (b->warnings, g_strdup_printf ("%s: dropped %s=%s: %s", op->dest, items[i].key,
                                                         items[i].value, why));
          continue;
        }
      items[n++] = items[i];
    }
  op->n_data = n;
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
  const char *host_path = NULL;
  gboolean force_ro = FALSE;
  int source_fd = -1;
  SvfsOp *op;

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
      host_path = host_instance (b, type, &force_ro);
      if (host_path != NULL)
        kind = SVFS_OP_BIND;
    }
  else if (strcmp (type, "cgroup") == 0 || strcmp (type, "cgroup2") == 0)
    {
      if (!plan_cgroup (b, type, label, &kernel_type, &host_path, error))
        return FALSE;
      kind = host_path != NULL ? SVFS_OP_BIND : SVFS_OP_FS;
      force_ro = host_path != NULL;
    }
  else if (strcmp (type, "erofs") == 0)
    {
      if (!erofs_possible (b, label, error))
        return FALSE;
      kind = SVFS_OP_FS;
      kernel_type = "erofs";
    }
  else
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                   "%s: mounting a filesystem of type \"%s\" is not supported", label, type);
      return FALSE;
    }

  if (kind == SVFS_OP_BIND && m->shared == NULL && host_path == NULL)
    {
      if (m->source_fd_index < 0)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC, "%s: bind mount without a source", label);
          return FALSE;
        }
      source_fd = open_source (b, m->source_fd_index, m->source, FALSE, label, error);
      if (source_fd < 0)
        return FALSE;
    }

  op = add_op (b, kind, g_strdup (label));
  op->dest = m->destination;
  op->fs_type = kernel_type;
  op->source = m->source;
  op->recursive = m->recursive || host_path != NULL;
  op->tmpcopyup = m->tmpcopyup;
  op->auto_tmp = m->spec_index < 0 && strcmp (m->destination, "/tmp") == 0 && strcmp (type, "tmpfs") == 0;
  set_flags (op, m->flags);
  if (force_ro)
    op->rdonly = TRUE;
  set_propagation (op, m->propagation, kind == SVFS_OP_BIND && op->recursive);
  if (kind != SVFS_OP_BIND)
    split_data (b, m->data, op);
  if (kind == SVFS_OP_FS && b->userns && strcmp (kernel_type, "devpts") == 0)
    filter_userns_data (b, op);

  if (host_path != NULL)
    op->host_source = add_host_path (b, (int) b->ops->len - 1, host_path, -1, TRUE, TRUE);
  else if (kind == SVFS_OP_DEV && (b->userns || b->owner))
    {
      /* The host's nodes, bound onto empty files (no mknod in a user
       * namespace), in the order of the child's list. */
      for (guint i = 0; i < SVFS_N_DEV_NODES; i++)
        {
          const char *path = own (b, g_strconcat ("/dev/", svfs_dev_nodes[i].name, NULL));
          int h = add_host_path (b, (int) b->ops->len - 1, path, -1, TRUE, FALSE);
          SvfsHostPath *hp = &g_array_index (b->host_paths, SvfsHostPath, h);

          hp->want_type = S_IFCHR;
          hp->want_rdev = makedev (svfs_dev_nodes[i].major, svfs_dev_nodes[i].minor);
          if (i == 0)
            op->host_source = h;
        }
    }
  else if (source_fd >= 0)
    {
      if (!set_source (b, op, source_fd, m->recursive, label, error))
        return FALSE;
      add_tree (b, source_fd, m->destination);
      op = &g_array_index (b->ops, SvfsOp, b->ops->len - 1);
      if (!set_overlay (b, op, m->overlay_medium, m->overlay_dir, m->overlay_size, source_fd, label, error))
        return FALSE;
    }
  else if (kind == SVFS_OP_FS && strcmp (kernel_type, "erofs") == 0)
    {
      int fd = open (m->source, O_PATH | O_CLOEXEC);
      char *path;

      if (fd < 0)
        {
          int err = errno;
          g_set_error (error, SVFS_ERROR, err == ENOENT ? SVFS_ERROR_NOT_FOUND : SVFS_ERROR_MOUNT_FAILED,
                       "%s: cannot open the image \"%s\": %s", label, m->source, g_strerror (err));
          return FALSE;
        }
      g_array_append_val (b->fds, fd);
      path = canonical_path (fd);
      if (path == NULL)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS, "%s: the image has no reachable path", label);
          return FALSE;
        }
      op->host_source = add_host_path (b, (int) b->ops->len - 1, own (b, path), fd, FALSE, FALSE);
      op->rdonly = TRUE;
    }
  else if (m->overlay_medium != SVFS_OVERLAY_MEDIUM_NONE && m->shared == NULL)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                   "%s: an overlay on a mount of type \"%s\" is not supported", label, type);
      return FALSE;
    }

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

static gboolean
is_below (const char *parent,
          const char *path)
{
  gsize len = strlen (parent);

  if (strcmp (parent, "/") == 0)
    return path[0] == '/' && path[1] != '\0';
  return strncmp (path, parent, len) == 0 && path[len] == '/';
}

/* Whether op @j's mount point lies in the mount of an op between @i's
 * and @j's destinations (then @i's source does not hold it). */
static gboolean
inside_other_mount (Builder *b,
                    guint    i,
                    guint    j)
{
  const char *outer = g_array_index (b->ops, SvfsOp, i).dest;
  const char *inner = g_array_index (b->ops, SvfsOp, j).dest;

  for (guint k = i + 1; k < j; k++)
    {
      const SvfsOp *m = &g_array_index (b->ops, SvfsOp, k);

      if (m->dest != NULL && m->kind != SVFS_OP_DEVICE && is_below (outer, m->dest) && is_below (m->dest, inner))
        return TRUE;
    }
  return FALSE;
}

/* gVisor §13: a read-only mount still gets the mount points of later
 * mounts below it.  A read-only bind whose source lacks one gets a memory
 * overlay (made read-only at the end): the mount point is created in
 * memory, never on the host.  New filesystems are simply made read-only
 * at the end. */
static void
plan_synthetic_mount_points (Builder *b)
{
  for (guint i = 0; i < b->ops->len; i++)
    {
      SvfsOp *op = &g_array_index (b->ops, SvfsOp, i);
      int probe = GPOINTER_TO_INT (g_ptr_array_index (b->probe, i));
      gsize len;

      /* A read-only erofs root has no probe: it always gets the overlay. */
      if (op->kind == SVFS_OP_ROOT && b->root_rdonly && op->overlay == SVFS_OVERLAY_NONE && probe < 0)
        {
          op->overlay = SVFS_OVERLAY_MEMORY;
          continue;
        }

      gboolean ro = op->kind == SVFS_OP_ROOT ? b->root_rdonly : op->rdonly;

      if ((op->kind != SVFS_OP_BIND && op->kind != SVFS_OP_ROOT) || !ro || op->overlay != SVFS_OVERLAY_NONE ||
          op->master_op >= 0 || probe < 0)
        continue;
      len = strlen (op->dest);
      for (guint j = i + 1; j < b->ops->len; j++)
        {
          const SvfsOp *later = &g_array_index (b->ops, SvfsOp, j);
          struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
          const char *rel;
          int fd;

          if (later->dest == NULL)
            continue;
          if (strcmp (op->dest, "/") == 0)
            rel = later->dest + 1;
          else if (strncmp (later->dest, op->dest, len) == 0 && later->dest[len] == '/')
            rel = later->dest + len + 1;
          else
            continue;
          if (inside_other_mount (b, i, j))
            continue;
          fd = svfs_sys_openat2 (probe, rel, &how);
          if (fd >= 0)
            {
              close (fd);
              continue;
            }
          op->overlay = SVFS_OVERLAY_MEMORY;
          break;
        }
    }
}

/* A `self` upper lives next to its source; when that place is itself
 * inside a tree the container sees (a bind source inside the rootfs), it
 * is hidden there: a whiteout in the root overlay's upper, else an empty
 * read-only tmpfs over it. */
static void
hide_self_uppers (Builder *b)
{
  GPtrArray *root_hide;

  if (b->uppers->len == 0)
    return;
  /* Where the directory sources are on the host. */
  for (guint t = 0; t < b->trees->len; t++)
    {
      Tree *tree = g_ptr_array_index (b->trees, t);
      struct stat st;

      if (fstat (tree->fd, &st) == 0 && S_ISDIR (st.st_mode))
        tree->host = canonical_path (tree->fd);
    }

  root_hide = g_ptr_array_new ();
  for (guint u = 0; u < b->uppers->len; u++)
    {
      const char *upper = g_ptr_array_index (b->uppers, u);

      for (guint t = 0; t < b->trees->len; t++)
        {
          Tree *tree = g_ptr_array_index (b->trees, t);
          gsize len = tree->host != NULL ? strlen (tree->host) : 0;
          const char *rel;
          SvfsOp *op;

          if (tree->host == NULL)
            continue;
          if (strcmp (tree->host, "/") == 0)
            rel = upper + 1;
          else if (strncmp (upper, tree->host, len) == 0 && upper[len] == '/')
            rel = upper + len + 1;
          else
            continue;

          op = &g_array_index (b->ops, SvfsOp, tree->op);
          if (op->kind == SVFS_OP_ROOT && op->overlay != SVFS_OVERLAY_NONE)
            g_ptr_array_add (root_hide, (char *) own (b, g_strdup (rel)));
          else
            {
              SvfsOp *mask = add_op (b, SVFS_OP_MASK, g_strdup_printf ("overlay upper \"%s\"", upper));
              mask->dest = own (b, strcmp (tree->dest, "/") == 0 ? g_strconcat ("/", rel, NULL)
                                                                  : g_build_filename (tree->dest, rel, NULL));
            }
        }
    }
  if (root_hide->len > 0)
    {
      g_ptr_array_add (root_hide, NULL);
      /* The array is owned; its strings are owned separately. */
      g_array_index (b->ops, SvfsOp, 0).hide = (const char * const *) root_hide->pdata;
      g_ptr_array_add (b->owned, g_ptr_array_free (root_hide, FALSE));
      return;
    }
  g_ptr_array_free (root_hide, TRUE);
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
      if ((b->userns || b->owner) && fmt != S_IFIFO)
        {
          /* No mknod in a user namespace: the host's node at the same
           * path, bound; it must be that device. */
          int h = add_host_path (b, (int) b->ops->len - 1, op->dest, -1, TRUE, FALSE);
          SvfsHostPath *hp = &g_array_index (b->host_paths, SvfsHostPath, h);

          hp->want_type = fmt;
          hp->want_rdev = op->rdev;
          op->host_source = h;
        }
    }
}

/* linux.uidMappings / gidMappings as the text of a uid_map / gid_map:
 * at least one mapping, none empty, none past 2^32 - 1, no two overlapping
 * inside or outside, and at most the kernel's 340 lines. */
static char *
build_id_map (SvfsSpec    *spec,
              const char  *name,
              gboolean    *root_mapped,
              GError     **error)
{
  JsonObject *linux_ = svfs_json_get_object_member (json_node_get_object (svfs_spec_get_json (spec)), "linux");
  JsonArray *array = svfs_json_get_array_member (linux_, name);
  guint n = array != NULL ? json_array_get_length (array) : 0;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree gint64 *ranges = g_new0 (gint64, 3 * (n + 1));

  *root_mapped = FALSE;
  if (n == 0)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                   "linux.%s: a user namespace created as root needs at least one mapping", name);
      return NULL;
    }
  if (n > 340)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                   "linux.%s: %u mappings, the kernel takes at most 340", name, n);
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonObject *m = json_array_get_object_element (array, i);
      gint64 inside = svfs_json_get_int_member (m, "containerID", -1);
      gint64 outside = svfs_json_get_int_member (m, "hostID", -1);
      gint64 size = svfs_json_get_int_member (m, "size", -1);

      if (inside < 0 || outside < 0 || size < 0)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                       "linux.%s[%u]: containerID, hostID and size are required", name, i);
          return NULL;
        }
      if (size == 0)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                       "linux.%s[%u]: the mapping is empty (size 0)", name, i);
          return NULL;
        }
      if (inside + size > G_MAXUINT32 || outside + size > G_MAXUINT32)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                       "linux.%s[%u]: the mapping goes past id 4294967294", name, i);
          return NULL;
        }
      for (guint k = 0; k < i; k++)
        {
          gint64 ki = ranges[3 * k], ko = ranges[3 * k + 1], ks = ranges[3 * k + 2];
          const char *which = inside < ki + ks && ki < inside + size ? "containerID"
                              : outside < ko + ks && ko < outside + size ? "hostID" : NULL;

          if (which != NULL)
            {
              g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                           "linux.%s[%u]: overlaps linux.%s[%u] (%s ranges)", name, i, name, k, which);
              return NULL;
            }
        }
      ranges[3 * i] = inside;
      ranges[3 * i + 1] = outside;
      ranges[3 * i + 2] = size;
      if (inside == 0)
        *root_mapped = TRUE;
      g_string_append_printf (text, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                              inside, outside, size);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
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

  b->clone_flags = CLONE_NEWNS | (b->userns ? CLONE_NEWUSER : 0);
  if (spec == NULL)
    return TRUE;

  /* An unprivileged caller always gets a user namespace (mapping it to
   * root), and so does an owner (made once the view is built); root keeps
   * the initial one (mknod, no locked mounts) unless the spec asks for a
   * user namespace: then, as runc does, the child is cloned into it, root
   * writes the spec's maps and the view is built inside it as for an
   * unprivileged caller (binds of the host's device nodes, nosuid/nodev). */
  if (svfs_spec_has_namespace (spec, "user") && !b->userns && !b->owner)
    {
      const char *path = svfs_spec_get_namespace_path (spec, "user");

      if (path != NULL)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                       "linux.namespaces: joining the existing user namespace \"%s\" is not supported yet",
                       path);
          return FALSE;
        }
      b->uid_map = build_id_map (spec, "uidMappings", &b->root_uid_mapped, error);
      if (b->uid_map == NULL)
        return FALSE;
      b->gid_map = build_id_map (spec, "gidMappings", &b->root_gid_mapped, error);
      if (b->gid_map == NULL)
        return FALSE;
      b->userns = TRUE;
      b->spec_userns = TRUE;
      b->clone_flags |= CLONE_NEWUSER;
    }
  else if (b->userns || b->owner)
    {
      g_autoptr(GArray) groups = svfs_spec_dup_process_additional_gids (spec);
      JsonObject *linux_ = svfs_json_get_object_member (json_node_get_object (svfs_spec_get_json (spec)), "linux");
      JsonArray *uids = svfs_json_get_array_member (linux_, "uidMappings");
      JsonArray *gids = svfs_json_get_array_member (linux_, "gidMappings");

      if ((uids != NULL && json_array_get_length (uids) > 0) || (gids != NULL && json_array_get_length (gids) > 0))
        g_ptr_array_add (b->warnings,
                         g_strdup_printf ("linux.uidMappings and linux.gidMappings are ignored: %s "
                                          "(uid %u, gid %u) to root",
                                          b->owner ? "the owner's user namespace maps only the owner"
                                                   : "an ordinary user's user namespace maps only the caller",
                                          b->owner ? b->owner_uid : (guint) geteuid (),
                                          b->owner ? b->owner_gid : (guint) getegid ()));
      if (groups->len > 0)
        g_ptr_array_add (b->warnings,
                         g_strdup_printf ("process.user.additionalGids are ignored: %s",
                                          b->owner ? "the owner's user namespace cannot have supplementary groups"
                                                   : "an ordinary user's user namespace cannot have supplementary groups"));
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

/* Root in the initial user namespace: no user namespace of our own. */
static gboolean
is_privileged (void)
{
  g_autofree char *map = NULL;

  if (geteuid () != 0)
    return FALSE;
  map = svfs_read_proc_file ("/proc/self/uid_map", NULL);
  if (map == NULL)
    return TRUE;
  /* The initial namespace maps the whole range. */
  return strstr (map, "4294967295") != NULL;
}

static char *
read_sysctl (const char *path)
{
  char *value = NULL;

  if (!g_file_get_contents (path, &value, NULL, NULL))
    return NULL;
  return g_strstrip (value);
}

/* Why unprivileged user namespaces fail here, for the error message. */
static char *
userns_restriction (void)
{
  g_autofree char *clone = read_sysctl ("/proc/sys/kernel/unprivileged_userns_clone");
  g_autofree char *max = read_sysctl ("/proc/sys/user/max_user_namespaces");
  g_autofree char *apparmor = read_sysctl ("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");

  if (clone != NULL && strcmp (clone, "0") == 0)
    return g_strdup ("kernel.unprivileged_userns_clone is 0");
  if (max != NULL && strcmp (max, "0") == 0)
    return g_strdup ("user.max_user_namespaces is 0");
  if (apparmor != NULL && strcmp (apparmor, "1") == 0)
    return g_strdup ("AppArmor restricts unprivileged user namespaces "
                     "(kernel.apparmor_restrict_unprivileged_userns is 1)");
  if (max != NULL)
    return g_strdup_printf ("the limit of user namespaces may be reached (user.max_user_namespaces is %s)", max);
  return g_strdup ("the kernel refuses them");
}

static void
set_userns_error (GError     **error,
                  int          err,
                  const char  *what)
{
  g_autofree char *why = userns_restriction ();

  g_set_error (error, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
               "cannot create a user namespace (%s: %s): unprivileged user namespaces are not available "
               "here: %s. Ask the system D-Bus service (org.sandboxvfs.SandboxVfs1, sandboxvfsd --system) "
               "to create the container, or run as root",
               what, g_strerror (err), why);
}

/* SvfsMounter:owner-uid and owner-gid: both or neither, and only root
 * builds for another user. */
static gboolean
owner_from_mounter (Builder  *b,
                    GError  **error)
{
  gint64 uid = -1, gid = -1;

  g_object_get (b->mounter, "owner-uid", &uid, "owner-gid", &gid, NULL);
  if (uid < 0 && gid < 0)
    return TRUE;
  if (uid < 0 || gid < 0)
    {
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                           "owner-uid and owner-gid are set together (svfs_mounter_set_owner)");
      return FALSE;
    }
  if (b->userns)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                   "only root in the initial user namespace can build namespaces owned by another user "
                   "(owner uid %" G_GINT64_FORMAT ")", uid);
      return FALSE;
    }
  b->owner = TRUE;
  b->owner_uid = (guint) uid;
  b->owner_gid = (guint) gid;
  return TRUE;
}

/* SvfsExecProgram.owner: the holder, built, made a user namespace as the
 * owner and asks ('U' on the sync pipe, @first) for its id maps.  Root
 * writes them (the holder cannot: it is not dumpable, its /proc files are
 * root's): the owner's uid and gid to 0, and setgroups denied, as in any
 * user namespace an unprivileged user makes, so that the owner cannot
 * drop a group that denies it access.  One byte on the control pipe lets
 * the holder go on.  Returns what reading the next byte (the holder's
 * ready) returns; on failure kills the holder, fills @result and returns
 * 0. */
/* The same for root creating the spec's user namespace (@b->spec_userns):
 * the child asks first thing, root writes the spec's maps and leaves
 * setgroups allowed, as runc does. */
static ssize_t
grant_owner_maps (pid_t                  pid,
                  const SvfsExecProgram *prog,
                  const Builder         *b,
                  char                   first,
                  int                    sync_fd,
                  int                    control_fd,
                  SvfsExecResult        *result)
{
  static const char * const files[] = { "setgroups", "uid_map", "gid_map" };
  const char *stage = b->spec_userns ? "the set-up process did not ask for the spec's id maps"
                                     : "the holder did not ask for the owner's id maps";
  int err = EPROTO;
  char byte;
  ssize_t n;

  for (guint i = b->spec_userns ? 1 : 0; first == 'U' && i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%d/%s", (int) pid, files[i]);
      g_autofree char *text = i == 0 ? g_strdup ("deny")
                              : b->spec_userns ? g_strdup (i == 1 ? b->uid_map : b->gid_map)
                              : g_strdup_printf ("0 %u 1", i == 1 ? (guint) prog->outer_uid
                                                                  : (guint) prog->outer_gid);
      int fd = open (path, O_WRONLY | O_CLOEXEC);
      gsize len = strlen (text);

      stage = b->spec_userns ? "writing the spec's id maps (linux.uidMappings, linux.gidMappings)"
                             : "writing the id maps of the owner's user namespace";
      if (fd < 0 || write (fd, text, len) != (gssize) len)
        {
          err = errno;
          if (fd >= 0)
            close (fd);
          first = 0;
          break;
        }
      close (fd);
      if (i + 1 == G_N_ELEMENTS (files))
        {
          byte = 'G';
          while ((n = write (control_fd, &byte, 1)) < 0 && errno == EINTR)
            ;
          if (n == 1)
            {
              do
                n = read (sync_fd, &byte, 1);
              while (n < 0 && errno == EINTR);
              return n;
            }
          err = errno;
          stage = "letting the holder go on";
          first = 0;
        }
    }

  kill (pid, SIGKILL);
  result->failed_op = -1;
  result->error_code = SVFS_ERROR_PERMISSION_DENIED;
  result->sys_errno = err;
  result->stage = stage;
  result->detail[0] = '\0';
  return 0;
}

/* The holder program for an ordinary user's namespaces, as an O_PATH fd;
 * -1 where there is none (not built for this architecture, not
 * installed): then the holder stays a copy of the caller.  $SVFS_HOLDER
 * names another (the build tree's, for the tests). */
static int
open_holder_program (void)
{
#if SVFS_HAVE_HOLDER
  const char *path = g_getenv ("SVFS_HOLDER");
  struct stat st;
  int fd = open (path != NULL && path[0] != '\0' ? path : SVFS_HOLDER_PATH, O_PATH | O_CLOEXEC);

  if (fd >= 0 && (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || (st.st_mode & 0111) == 0))
    {
      close (fd);
      fd = -1;
    }
  return fd;
#else
  return -1;
#endif
}

/* Waits for the holder (killed first when @do_kill) and closes its pidfd;
 * returns its wait status. */
static int
reap_holder (pid_t    pid,
             int      pidfd,
             gboolean do_kill)
{
  int status = 0;

  if (pidfd >= 0)
    {
      if (do_kill)
        pidfd_send_signal (pidfd, SIGKILL, NULL, 0);
      svfs_reap_pidfd (pidfd, 0, &status);
      close (pidfd);
    }
  else
    {
      if (do_kill)
        kill (pid, SIGKILL);
      while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
        ;
    }
  return status;
}

typedef struct {
  const SvfsExecProgram *prog;
  SvfsExecResult        *result;
  int                    parent_ends[2];   /* the pipe ends that stay with the caller */
} HolderStart;

static int
holder_entry (void *data)
{
  const HolderStart *start = data;

  close (start->parent_ends[0]);
  close (start->parent_ends[1]);
  svfs_linux_exec_run (start->prog, start->result);
  _exit (1);
}

static void
free_result (SvfsExecResult *result,
             size_t          size,
             gboolean        in_our_memory)
{
  if (in_our_memory)
    g_free (result);
  else
    munmap (result, size);
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
  g_autofree int *host_fds = NULL;
  SvfsExecProgram prog = { 0 };
  g_autoptr(SvfsMountNamespace) ns = NULL;
  SvfsExecResult *result;
  size_t result_size;
  int sync_pipe[2] = { -1, -1 }, control_pipe[2] = { -1, -1 };
  int pidfd = -1;
  long pid;
  char byte;
  gboolean use_vm, use_exec = FALSE, shared_vm;
  int holder_exe = -1;
  void *holder_stack = NULL;
  HolderStart start;   /* read by a holder sharing our memory while we wait for it */
  ssize_t n;
  struct clone_args args = { 0 };

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

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
  b.host_paths = g_array_new (FALSE, TRUE, sizeof (SvfsHostPath));
  b.cleanup = g_ptr_array_new_with_free_func (g_free);
  b.trees = g_ptr_array_new_with_free_func ((GDestroyNotify) tree_free);
  b.uppers = g_ptr_array_new_with_free_func (g_free);
  b.probe = g_ptr_array_new ();
  b.userns = !is_privileged ();
  if (!owner_from_mounter (&b, error))
    return NULL;

  if (!build_namespaces (&b, error) || !build_root (&b, error))
    return NULL;
  for (guint i = 0; i < plan->mounts->len; i++)
    if (!build_mount (&b, g_ptr_array_index (plan->mounts, i), masters, error))
      return NULL;
  plan_synthetic_mount_points (&b);
  hide_self_uppers (&b);
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
  prog.userns = b.userns;
  prog.parent_maps = b.spec_userns;
  prog.take_root_uid = b.root_uid_mapped;
  prog.take_root_gid = b.root_gid_mapped;
  prog.owner = b.owner;
  prog.outer_uid = b.owner ? b.owner_uid : geteuid ();
  prog.outer_gid = b.owner ? b.owner_gid : getegid ();
  prog.host_paths = (const SvfsHostPath *) b.host_paths->data;
  prog.n_host_paths = b.host_paths->len;
  host_fds = g_new (int, b.host_paths->len + 1);
  prog.host_fds = host_fds;

  /* As root, with no user namespace to enter or hand over, the holder
   * shares the caller's memory (CLONE_VM, on a stack of its own): the
   * clone copies no address space, neither side pays copy-on-write
   * faults, and the holder's exit frees nothing.  It runs only plain
   * syscalls, with every signal blocked, so no handler of the caller
   * ever runs in it; it reads nothing of the caller's once it is ready
   * (the caller is blocked until then); and it has the caller's
   * credentials, so it exposes nothing new.
   *
   * In a user namespace made for the caller, the namespace's root could
   * ptrace the holder: there the set-up process shares our memory only
   * while we sleep (CLONE_VFORK) and ends by executing sandboxvfs-holder,
   * which has none of it.  Without that program, and for an owner or the
   * spec's mappings (where it changes credentials), the holder is a
   * copy, as with fork(), and the result area is shared memory. */
  use_vm = !b.userns && !b.owner && !b.spec_userns;
  if (b.userns && !b.owner && !b.spec_userns)
    {
      holder_exe = open_holder_program ();
      use_exec = holder_exe >= 0;
    }
  if (use_vm || use_exec)
    {
      /* Room for the deepest tmpcopyup walk, reserved but touched only as used. */
      holder_stack = svfs_holder_stack_get ();
      if (holder_stack == NULL)
        use_vm = use_exec = FALSE;
    }
  if (!use_exec && holder_exe >= 0)
    {
      close (holder_exe);
      holder_exe = -1;
    }
  shared_vm = use_vm || use_exec;

  result_size = sizeof (SvfsExecResult) + b.ops->len;
  result = shared_vm ? g_malloc0 (result_size)
                  : mmap (NULL, result_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
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
      free_result (result, result_size, shared_vm);
      svfs_holder_stack_put (holder_stack);
      if (holder_exe >= 0)
        close (holder_exe);
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_LIMIT_EXCEEDED, "cannot create a pipe: %s", g_strerror (err));
      return NULL;
    }
  prog.sync_fd = sync_pipe[1];
  prog.control_fd = control_pipe[0];
  /* Same uid as the caller, root of the namespace's user namespace: the
   * processes there could ptrace a dumpable holder, which is a copy of
   * the caller's memory.  (Owners' and the spec's holders are made
   * non-dumpable before they are ready.) */
  prog.hide_when_read = b.userns && !b.spec_userns && !use_exec;
  prog.holder_exe_fd = use_exec ? holder_exe : -1;

  if (shared_vm)
    {
      sigset_t all, saved;
      int clone_errno;

      start = (HolderStart) { &prog, result, { sync_pipe[0], control_pipe[1] } };
      sigfillset (&all);
      pthread_sigmask (SIG_SETMASK, &all, &saved);
      pid = clone (holder_entry, (char *) holder_stack + SVFS_HOLDER_STACK_SIZE,
                   b.clone_flags | CLONE_VM | (use_exec ? CLONE_VFORK : 0) | CLONE_PIDFD | SIGCHLD, &start,
                   &pidfd);
      clone_errno = errno;
      pthread_sigmask (SIG_SETMASK, &saved, NULL);
      if (use_exec)
        {
          /* It has exec'd (or exited): its stack and the program are ours again. */
          close (holder_exe);
          svfs_holder_stack_put (holder_stack);
          holder_stack = NULL;
        }
      errno = clone_errno;
    }
  else
    {
      /* clone3 with a pidfd: the holder can be signalled and reaped
       * without any pid-reuse race.  No new stack: the child continues
       * like fork(). */
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
    }

  close (sync_pipe[1]);
  close (control_pipe[0]);

  if (pid < 0)
    {
      int err = errno;
      close (sync_pipe[0]);
      close (control_pipe[1]);
      free_result (result, result_size, shared_vm);
      svfs_holder_stack_put (holder_stack);
      if (b.userns && !b.spec_userns && (err == EPERM || err == ENOSPC || err == EACCES || err == EUSERS))
        set_userns_error (error, err, "clone");
      else
        g_set_error (error, SVFS_ERROR, err == EPERM ? SVFS_ERROR_PERMISSION_DENIED : SVFS_ERROR_MOUNT_FAILED,
                     "cannot create the namespaces: %s", g_strerror (err));
      return NULL;
    }

  /* While a copied holder builds: the namespace object and its fds.  A
   * holder that shares our memory shares this thread's errno too, so
   * then we only wait (and a read of our own pipe fails only with EINTR). */
  if (!shared_vm)
    {
      /* A holder that fails exits at once, and its namespaces with it:
       * then its own error is the one to report, and a ready holder gets
       * a second try below. */
      ns = svfs_mount_namespace_new_for_holder (plan, svfs_mounter_get_spec (self), (GPid) pid, pidfd,
                                                b.clone_flags | (b.owner ? CLONE_NEWUSER | SVFS_HOLDER_OWNER_USERNS : 0),
                                                NULL);
    }

  do
    n = read (sync_pipe[0], &byte, 1);
  while (n < 0);
  /* Ready, but the holder program could not be started. */
  if (n == 1 && use_exec && result->stage != NULL)
    n = 0;
  if (n == 1 && (b.owner || b.spec_userns))
    n = grant_owner_maps ((pid_t) pid, &prog, &b, byte, sync_pipe[0], control_pipe[1], result);

  if (n != 1)
    {
      /* The child failed (and exited): its mount namespace, and every
       * mount in it, went with it. */
      int status = reap_holder ((pid_t) pid, pidfd, FALSE);

      close (sync_pipe[0]);
      close (control_pipe[1]);
      svfs_holder_stack_put (holder_stack);
      if (b.userns && !b.spec_userns && result->failed_op < 0 && result->error_code == SVFS_ERROR_PERMISSION_DENIED &&
          result->stage != NULL)
        set_userns_error (error, result->sys_errno, result->stage);
      else
        set_exec_error (error, &b, result, status);
      free_result (result, result_size, shared_vm);
      return NULL;
    }

  for (guint i = 0; i < b.ops->len; i++)
    {
      const SvfsOp *op = &g_array_index (b.ops, SvfsOp, i);
      if (op->auto_tmp && result->op_state[i] == SVFS_OP_STATE_SKIPPED)
        g_ptr_array_add (b.warnings,
                         g_strdup ("no tmpfs at /tmp: /tmp in the root is not empty or not a directory"));
      else if (result->op_state[i] == SVFS_OP_STATE_DONE_RECURSIVE)
        g_ptr_array_add (b.warnings,
                         g_strdup_printf ("%s: bound recursively: the source has submounts the user namespace "
                                          "cannot separate from it", (char *) g_ptr_array_index (b.labels, i)));
      else if (result->op_state[i] == SVFS_OP_STATE_DONE_KEPT_ATIME)
        g_ptr_array_add (b.warnings,
                         g_strdup_printf ("%s: kept the source's access-time mode: the kernel locks it in a "
                                          "user namespace", (char *) g_ptr_array_index (b.labels, i)));
    }
  free_result (result, result_size, shared_vm);

  if (ns == NULL)
    ns = svfs_mount_namespace_new_for_holder (plan, svfs_mounter_get_spec (self), (GPid) pid, pidfd,
                                              b.clone_flags | (b.owner ? CLONE_NEWUSER | SVFS_HOLDER_OWNER_USERNS : 0),
                                              error);
  if (ns == NULL)
    {
      reap_holder ((pid_t) pid, pidfd, TRUE);
      close (sync_pipe[0]);
      close (control_pipe[1]);
      svfs_holder_stack_put (holder_stack);
      return NULL;
    }
  if (!svfs_mount_namespace_holder_ready (ns, pidfd, control_pipe[1], holder_stack, b.warnings, error))
    {
      close (sync_pipe[0]);
      return NULL;
    }
  if (prog.hide_when_read)
    {
      /* What we need from /proc/<holder> is read: it may hide now. */
      byte = 'H';
      while ((n = write (control_pipe[1], &byte, 1)) < 0 && errno == EINTR)
        ;
      if (n == 1)
        do
          n = read (sync_pipe[0], &byte, 1);
        while (n < 0 && errno == EINTR);
    }
  close (sync_pipe[0]);
  if (prog.hide_when_read && n != 1)
    {
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_MOUNT_FAILED,
                           "the process holding the namespaces exited before it was hidden");
      return NULL;
    }
  svfs_mount_namespace_take_cleanup_dirs (ns, b.cleanup);
  b.cleanup = NULL;
  return g_steal_pointer (&ns);
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
 * its own namespaces never change. That process stays to hold the
 * namespaces (PID 1 of a new PID namespace) until
 * [method@Svfs.MountNamespace.close]. As root it shares the caller's
 * memory rather than copying it (it runs only plain system calls, with
 * every signal blocked). In a user namespace, whose root could reach it,
 * it is the small `sandboxvfs-holder` program (from libexecdir, or
 * `$SVFS_HOLDER`), which has none of the caller's memory; without that
 * program it is a copy, as after fork(), made non-dumpable before apply
 * returns. Every destination is resolved inside
 * the new root (`openat2` with `RESOLVE_IN_ROOT`) and mounted by fd; a
 * symlink in the rootfs cannot send a mount out of it. With the default
 * `overlay2=root:memory`, writes to the root land in memory.
 *
 * Realised: the root (bind of `root.path` or an erofs image, with the
 * `overlay2` medium: memory, `dir=/abs` or `self` on disk, or none;
 * read-only), bind mounts (with `all:` overlays), tmpfs (with
 * `tmpcopyup`), proc, sysfs, dev, devpts, mqueue, cgroup and cgroup2 (from
 * the host's layout), erofs, pod-hint shared mounts, the automatic `/tmp`
 * (checked again against the real root), device nodes, `readonlyPaths`
 * and `maskedPaths`. Read-only mounts still get their missing mount
 * points, in memory.
 *
 * As root the namespaces are made directly; when the spec asks for a
 * user namespace, it is made with the spec's `linux.uidMappings` and
 * `linux.gidMappings` (as runc does) and the view is built inside it as
 * below (mappings that are missing, empty or overlap fail with
 * %SVFS_ERROR_INVALID_SPEC). Otherwise a user namespace
 * maps the caller to root (the spec's mappings are ignored, with a
 * warning): device nodes are binds of the host's, every
 * mount gets `nosuid` (and `nodev`, except `/dev` and devpts), and proc, sysfs and
 * mqueue are the host's when the spec shares those namespaces. Root can
 * build them for another user instead, in a user namespace that user owns
 * (see [method@Svfs.Mounter.set_owner]). Where
 * unprivileged user namespaces are forbidden the error
 * (%SVFS_ERROR_PERMISSION_DENIED) says why and names the D-Bus service.
 * Time namespaces and joining existing namespaces fail with
 * %SVFS_ERROR_UNSUPPORTED.
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
 * its descriptors. erofs images of mounts are not in the list: they are
 * opened by path, as the applying process (the D-Bus service refuses them
 * to callers other than root).
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
