/* svfs-linux-private.h: the Linux syscall layer and the mount executor
 *
 * Everything here runs, or prepares what runs, in a child process created
 * with clone() from a caller that may have threads (GLib, Python, gjs, a
 * D-Bus daemon).  Between clone() and exec() or _exit() only plain
 * async-signal-safe syscalls are allowed: no GLib, no malloc, no stdio, no
 * locks.  The parent prepares a program (SvfsExecProgram: a flat array of
 * operations whose strings it owns) and a shared result area; the child
 * runs the program and reports through the result area and a pipe.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

/* --- syscalls glibc 2.36 does not wrap ------------------------------------ */

static inline int
svfs_sys_openat2 (int                   dirfd,
                  const char           *path,
                  const struct open_how *how)
{
  return (int) syscall (SYS_openat2, dirfd, path, how, sizeof *how);
}

static inline int
svfs_sys_pivot_root (const char *new_root,
                     const char *put_old)
{
  return (int) syscall (SYS_pivot_root, new_root, put_old);
}

/* Closes every fd from @from on except @a and @b (which may be the same
 * and must not be below @from).  Plain syscalls: safe in a cloned child. */
static inline void
svfs_close_fds_except (unsigned from,
                       int      a,
                       int      b)
{
  unsigned lo = (unsigned) (a < b ? a : b);
  unsigned hi = (unsigned) (a < b ? b : a);

  if (lo > from)
    close_range (from, lo - 1, 0);
  if (hi > lo + 1)
    close_range (lo + 1, hi - 1, 0);
  close_range (hi + 1, ~0U, 0);
}

/* Resolves @path inside the tree whose root is @root_fd: absolute symlinks
 * restart at @root_fd, ".." stops there, magic links (/proc/self/root, …)
 * are refused.  This is how every destination is looked up. */
static inline int
svfs_open_in_root (int         root_fd,
                   const char *path,
                   int         flags)
{
  struct open_how how = {
    .flags = (uint64_t) (flags | O_CLOEXEC),
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  int fd;

  do
    fd = svfs_sys_openat2 (root_fd, path, &how);
  while (fd < 0 && errno == EAGAIN);
  return fd;
}

/* --- /dev -------------------------------------------------------------- */

/* The character devices of every /dev (ARCHITECTURE.md, "Making it real"),
 * the one list both sides use: the child makes them with mknod, or, in a
 * user namespace or for an owner, binds the host's /dev/<name> onto empty
 * files; the parent then adds one SvfsHostPath per entry, in this order,
 * from the /dev op's host_source on. */
typedef struct {
  const char *name;     /* in /dev */
  unsigned    major;
  unsigned    minor;
} SvfsDevNode;

static const SvfsDevNode svfs_dev_nodes[] = {
  { "null", 1, 3 },
  { "zero", 1, 5 },
  { "full", 1, 7 },
  { "random", 1, 8 },
  { "urandom", 1, 9 },
  { "tty", 5, 0 },
};

#define SVFS_N_DEV_NODES (sizeof svfs_dev_nodes / sizeof svfs_dev_nodes[0])

/* --- the program -------------------------------------------------------- */

typedef enum {
  SVFS_OP_ROOT,      /* clone the root source, optionally under a memory overlay */
  SVFS_OP_FS,        /* a new filesystem: fsopen/fsconfig/fsmount */
  SVFS_OP_DEV,       /* a tmpfs populated as /dev */
  SVFS_OP_BIND,      /* a clone of a source fd */
  SVFS_OP_MASK,      /* maskedPaths: /dev/null over a file, empty ro tmpfs over a directory */
  SVFS_OP_READONLY,  /* readonlyPaths: a read-only bind of the path over itself */
  SVFS_OP_DEVICE,    /* a device node (mknod, or a bind of the host's node), after the mounts */
} SvfsOpKind;

typedef enum {
  SVFS_OVERLAY_NONE,
  SVFS_OVERLAY_MEMORY,   /* upper and work on the private staging tmpfs */
  SVFS_OVERLAY_DISK,     /* upper and work in host directories (host_paths) */
} SvfsOverlayKind;

/* A host object the child opens by path before it stages anything, in
 * its own copy of the caller's mount namespace: the kernel clones only
 * mounts of the caller's namespace (open_tree of an fd inherited from the
 * parent fails with EINVAL), and an unprivileged parent cannot clone host
 * mounts at all.  When check_fd is an fd the parent opened, the object
 * opened by path must be the same inode (st_dev, st_ino), or the set-up
 * fails: a path swapped in between cannot substitute another tree. */
typedef struct {
  int         op;         /* the op it belongs to, for messages */
  const char *path;       /* absolute, canonical (no symlinks: opened with RESOLVE_NO_SYMLINKS) */
  int         check_fd;   /* -1: no check (fixed system paths such as /proc) */
  bool        clone;      /* open_tree(OPEN_TREE_CLONE) it (else an O_PATH fd) */
  bool        recursive;  /* clone with AT_RECURSIVE */
  bool        want_dir;
  mode_t      want_type;  /* S_IFCHR…: the node must be of that type with want_rdev; 0: any */
  dev_t       want_rdev;
} SvfsHostPath;

typedef struct {
  const char *key;
  const char *value;  /* NULL for a bare flag such as "newinstance" */
} SvfsDataItem;

typedef struct {
  SvfsOpKind          kind;
  const char         *dest;        /* absolute, cleaned, inside the new root */
  const char         *fs_type;     /* SVFS_OP_FS/DEV: the kernel filesystem type */
  const char         *source;      /* SVFS_OP_FS/DEV: the source name shown in mountinfo, or NULL */
  const SvfsDataItem *data;
  unsigned            n_data;
  int                 source_fd;   /* SVFS_OP_ROOT/BIND */
  unsigned            attr;        /* MOUNT_ATTR_* except RDONLY */
  bool                set_atime;   /* attr carries an access-time mode */
  bool                rdonly;
  bool                recursive;
  bool                tmpcopyup;   /* SVFS_OP_FS tmpfs: copy the covered directory in */
  bool                auto_tmp;    /* the auto-/tmp mount: skipped if /tmp is not empty */
  bool                keep_fd;     /* the mount fd is needed later (shared master) */
  unsigned long       propagation; /* MS_PRIVATE, MS_SHARED, MS_SLAVE or MS_UNBINDABLE */
  bool                propagation_recursive;
  int                 master_op;   /* a view of that earlier op's filesystem, or -1 */
  int                 host_source; /* index into host_paths of the source (bind, root, device), or -1 */
  SvfsOverlayKind     overlay;     /* an overlay over this mount (lower: the mount, read-only) */
  const char         *overlay_size;/* SVFS_OVERLAY_MEMORY: upper on a tmpfs of its own of this size= */
  int                 upper_host;  /* SVFS_OVERLAY_DISK: host_paths index of the upper directory */
  int                 work_host;   /* … and of the work directory */
  bool                defer_rdonly;/* read-only only at the end (synthetic mount points below) */
  const char * const *hide;        /* SVFS_OP_ROOT memory overlay: root-relative paths whited out */
  /* SVFS_OP_DEVICE */
  mode_t              mode;        /* file type and permission bits */
  dev_t               rdev;
  uid_t               uid;
  gid_t               gid;
} SvfsOp;

typedef enum {
  SVFS_OP_STATE_PENDING,
  SVFS_OP_STATE_DONE,
  SVFS_OP_STATE_SKIPPED,   /* auto-/tmp over a non-empty /tmp, missing masked path */
  SVFS_OP_STATE_DONE_RECURSIVE,  /* a non-recursive bind made recursive: the source has locked submounts */
  SVFS_OP_STATE_DONE_KEPT_ATIME, /* the source's access-time mode is locked and was kept */
} SvfsOpState;

typedef struct {
  const SvfsOp *ops;
  unsigned      n_ops;
  int          *mount_fds;     /* n_ops slots, scratch for the child */
  const char   *staging_dir;   /* an existing host directory to stage on (covered, never written) */
  const char   *hostname;      /* set in a new UTS namespace, or NULL */
  bool          root_rdonly;
  bool          userns;        /* in a new user namespace: map, bind device nodes, force nosuid/nodev */
  bool          parent_maps;   /* userns: root writes the spec's maps: the child writes 'U' to sync_fd
                                * first and waits for one byte on the control pipe; once the host paths
                                * are open it takes gid / uid 0 inside where they are mapped */
  bool          take_root_uid;
  bool          take_root_gid;
  uid_t         outer_uid;     /* the caller's ids, mapped to 0 inside (the owner's with owner) */
  gid_t         outer_gid;
  bool          owner;         /* root builds for outer_uid: device nodes bound, nosuid/nodev forced, and
                                * once built the holder drops to outer_uid/outer_gid and unshares a user
                                * namespace and a (locked) copy of the mount namespace; it writes 'U' to
                                * sync_fd, the parent writes the id maps and one byte to the control
                                * pipe, then the holder goes on as usual */
  const SvfsHostPath *host_paths;
  unsigned      n_host_paths;
  int          *host_fds;      /* n_host_paths slots, scratch for the child */
  int           sync_fd;       /* child writes one byte here when the namespace is ready */
  int           control_fd;    /* EOF here means the owner is gone: the holder exits */
  int           holder_exe_fd; /* >= 0: once ready, become sandboxvfs-holder (execveat of this fd) with
                                * the control pipe as fd 0; the parent made this process with
                                * CLONE_VM | CLONE_VFORK and waits for the exec */
  bool          hide_when_read;/* a copy of the caller's memory in the namespace's user namespace:
                                * once ready it waits for one byte on the control pipe (the parent
                                * has read what it needs from /proc), becomes non-dumpable, so that
                                * the namespace's root cannot ptrace it or read its memory, and
                                * answers with one byte on sync_fd */
} SvfsExecProgram;

#define SVFS_EXEC_MESSAGE_MAX 512

/* Shared (MAP_SHARED) between the parent and the child. */
typedef struct {
  int         failed_op;      /* index into ops, -1 for the set-up around them */
  int         error_code;     /* an SvfsError value */
  int         sys_errno;
  const char *stage;          /* a string literal: same address in both processes */
  char        detail[SVFS_EXEC_MESSAGE_MAX];  /* a path or the kernel's fs log line */
  unsigned char op_state[];   /* n_ops SvfsOpState */
} SvfsExecResult;

/* Runs @prog in the current (cloned, single-threaded) process: builds the
 * tree, pivots into it and, on success, writes one byte to sync_fd and
 * becomes the namespace holder, never returning.  On failure fills
 * @result and returns -1; the caller then _exit()s. */
int  svfs_linux_exec_run (const SvfsExecProgram *prog,
                          SvfsExecResult        *result);

/* --- spawning into a namespace ------------------------------------------- */

typedef struct {
  int                 ns_fds[8];    /* setns() in this order, -1 terminated */
  int                 ns_types[8];
  const char * const *argv;
  const char * const *envp;
  const char         *cwd;
  uid_t               uid;
  gid_t               gid;
  const gid_t        *groups;       /* supplementary groups (process.user.additionalGids) */
  unsigned            n_groups;
  mode_t              umask;        /* process.user.umask */
  const int          *child_fds;    /* fd i of the process = child_fds[i] (-1: closed) */
  unsigned            n_child_fds;  /* 0: keep 0, 1, 2 */
  int                 report_fd;    /* pipe: pid from the intermediate, then errors */
  bool                userns;       /* joined a user namespace: setgroups() may be denied there (EPERM is ignored) */
  bool                drop_groups;  /* setgroups(0) before joining (root joining an owner's user namespace) */
  /* No PID namespace to take the process with it when the caller dies
   * (its init is the holder, which does): it gets SIGKILL when its parent,
   * the caller's main thread, ends.  0: not asked (another thread called,
   * which may end long before the caller). */
  pid_t               die_with_caller;  /* the caller's pid */
  /* The process is cloned with CLONE_VM | CLONE_VFORK on this stack (the
   * top) instead of copying the address space; NULL: a plain fork.  Only
   * when its id changes cannot reach the caller's mm (see
   * svfs_mount_namespace_spawn_with_fds). */
  void               *process_stack;
} SvfsSpawnProgram;

/* Records on report_fd, each written whole (smaller than PIPE_BUF). */
typedef struct {
  int         type;             /* SVFS_SPAWN_REPORT_PID or _FAILURE */
  pid_t       pid;
  int         sys_errno;
  const char *stage;            /* a string literal */
} SvfsSpawnReport;

#define SVFS_SPAWN_REPORT_PID     1
#define SVFS_SPAWN_REPORT_FAILURE 2

/* Runs in the intermediate child (forked from the caller): joins the
 * namespaces, clones the process with CLONE_PARENT so it is the caller's
 * child, writes its pid to report_fd (an SvfsSpawnReport) and _exit()s.
 * The process itself sets up fds, ids and cwd and execs; a failure is
 * written to report_fd as an SvfsSpawnReport too.  Never returns. */
void svfs_linux_spawn_run (const SvfsSpawnProgram *prog) __attribute__ ((noreturn));

/* The same as a clone() entry point, for an intermediate made with
 * CLONE_VM | CLONE_VFORK on a stack of its own (no copy of the caller's
 * address space).  Only when no user namespace is joined: setns() into
 * one refuses a process that shares its mm. */
int  svfs_linux_spawn_run_shared_vm (void *prog);
