/* bench-apply.c: what applying a plan costs per mount, against the floor.
 *
 * For 10, 100 and 1,000 tmpfs mounts (mount points present in a bundle
 * rootfs) it times, as root or as an ordinary user:
 *   - the library: parse, compile, apply (clone, the mounts, pivot_root,
 *     reading the table back), spawn and wait for /bin/true (exec), close;
 *   - the floor: a minimal program doing only the same kernel work in a
 *     cloned child (private /, the staging tmpfs, the root clone under
 *     its memory overlay, the plan's sysfs, /dev with its nodes and
 *     links, devpts, proc and /tmp, per mount fsopen/fsconfig/fsmount/
 *     openat2/move_mount, pivot_root), timed like apply from the clone
 *     to the moment the root is ready: no checks, no reading back, no
 *     exec and no teardown; the clone costs what it costs a minimal
 *     program (it shares this process's memory instead of copying it).
 * It prints where the time goes (the library: parse, compile, apply, exec,
 * close; the floor: the clone into new namespaces, the mounts) and the
 * ratio apply/floor (target ≤ 1.3×).
 *
 *   meson test -C build --benchmark bench-apply -v
 *   build/tests/bench/bench-apply [N…]
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsandboxvfs.h>

#define RUNS 31

static double
now (void)
{
  return (double) g_get_monotonic_time () / 1000.0;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, (size_t) n, sizeof *v, cmp_double);
  return v[n / 2];
}

static char *
make_bundle (guint n)
{
  g_autoptr(GError) error = NULL;
  char *bundle = g_dir_make_tmp ("svfs-bench-apply-XXXXXX", &error);
  g_autoptr(GString) spec = g_string_new (NULL);
  g_autofree char *rootfs = NULL;
  g_autofree char *config = NULL;

  g_assert_no_error (error);
  g_chmod (bundle, 0755);
  rootfs = g_build_filename (bundle, "rootfs", NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *d = g_strdup_printf ("%s/m/%u", rootfs, i);
      g_mkdir_with_parents (d, 0755);
    }
  for (const char *const *d = (const char *const[]) { "proc", "dev", "sys", "tmp", "usr", NULL }; *d; d++)
    {
      g_autofree char *p = g_build_filename (rootfs, *d, NULL);
      g_mkdir_with_parents (p, 0755);
    }
  for (const char *const *l = (const char *const[]) { "bin", "lib", "lib64", "sbin", NULL }; *l; l++)
    {
      g_autofree char *p = g_build_filename (rootfs, *l, NULL);
      g_autofree char *target = g_strconcat ("usr/", *l, NULL);
      g_assert_cmpint (symlink (target, p), ==, 0);
    }
  g_string_append_printf (spec,
    "{\"ociVersion\": \"1.0.2\", \"process\": {\"args\": [\"/usr/bin/true\"], \"cwd\": \"/\"},"
    " \"root\": {\"path\": \"rootfs\"},"
    " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"}]},"
    " \"mounts\": [{\"destination\": \"/usr\", \"type\": \"bind\", \"source\": \"/usr\", \"options\": [\"rbind\", \"ro\"]}");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (spec, ", {\"destination\": \"/m/%u\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}", i);
  g_string_append (spec, "]}");
  config = g_build_filename (bundle, "config.json", NULL);
  g_file_set_contents (config, spec->str, -1, &error);
  g_assert_no_error (error);
  return bundle;
}

static void
remove_bundle (const char *bundle, guint n)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", bundle);
  (void) n;
  g_assert_cmpint (system (cmd), ==, 0);
}

/* --- the floor ------------------------------------------------------- */

/* The same kernel work the engine does for this plan with the default
 * configuration (overlay2=root:memory), as root or in a user namespace,
 * and nothing else: no checks, no reading back.  Timed, like apply, from
 * the clone to the moment the new root is ready. */

typedef struct {
  const char *rootfs;
  guint       n;
  uid_t       uid;
  gid_t       gid;
  int         ready_fd;
  gboolean    clone_only;   /* the namespaces and nothing else: what the clone costs */
} Floor;

static void
write_str (const char *path, const char *s)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      if (write (fd, s, strlen (s)) < 0)
        _exit (3);
      close (fd);
    }
}

/* fsopen + "source" + the given options, fsmount with @attrs. */
static int
new_fs (const char *type, const char *source, const char *const *opts, unsigned attrs)
{
  int fs = fsopen (type, FSOPEN_CLOEXEC), m;

  fsconfig (fs, FSCONFIG_SET_STRING, "source", source, 0);
  for (; opts != NULL && opts[0] != NULL; opts += 2)
    fsconfig (fs, opts[1] != NULL ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, opts[0], opts[1], 0);
  fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
  m = fsmount (fs, FSMOUNT_CLOEXEC, attrs);
  close (fs);
  return m;
}

static int
put (int root, const char *dest, int m)
{
  struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  int d = (int) syscall (SYS_openat2, root, dest, &how, sizeof how);
  int r = d >= 0 && m >= 0 ? move_mount (m, "", d, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) : -1;

  if (d >= 0)
    close (d);
  close (m);
  return r;
}

static int
floor_child (Floor *f)
{
  static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
  static const dev_t node_devs[] = { 0x103, 0x105, 0x107, 0x108, 0x109, 0x500 };
  gboolean userns = f->uid != 0;
  unsigned safe = userns ? MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV : 0;
  struct mount_attr private = { .propagation = MS_PRIVATE };
  char path[64], map[64];
  int staging, tree, usr, sys, root, m, dev, host_nodes[6];

  if (f->clone_only)
    return write (f->ready_fd, "R", 1) == 1 ? 0 : 12;
  if (userns)
    {
      write_str ("/proc/self/setgroups", "deny");
      snprintf (map, sizeof map, "0 %u 1", f->uid);
      write_str ("/proc/self/uid_map", map);
      snprintf (map, sizeof map, "0 %u 1", f->gid);
      write_str ("/proc/self/gid_map", map);
    }
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return 1;
  tree = open_tree (AT_FDCWD, f->rootfs, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  sys = userns ? open_tree (AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE) : -1;
  for (guint k = 0; userns && k < G_N_ELEMENTS (nodes); k++)
    {
      snprintf (path, sizeof path, "/dev/%s", nodes[k]);
      host_nodes[k] = open_tree (AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    }
  usr = open_tree (AT_FDCWD, "/usr", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);

  /* Staging tmpfs, the root's lower layer and the memory overlay. */
  staging = new_fs ("tmpfs", "sandboxvfs", (const char *const[]) { "mode", "0700", NULL }, 0);
  mount_setattr (staging, "", AT_EMPTY_PATH, &private, sizeof private);
  if (tree < 0 || usr < 0 || staging < 0 || move_mount (staging, "", AT_FDCWD, "/tmp", MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return 2;
  mkdirat (staging, "root", 0755);
  {
    struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
    mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &private, sizeof private);
    mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof ro);
  }
  mkdirat (staging, "0l", 0700);
  if (move_mount (tree, "", staging, "0l", MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return 3;
  mkdirat (staging, "0u", 0755);
  mkdirat (staging, "0w", 0700);
  fchownat (staging, "0u", 0, 0, 0);
  fchmodat (staging, "0u", 0755, 0);
  m = new_fs ("overlay", "overlay",
              userns ? (const char *const[]) { "lowerdir", "/tmp/0l", "upperdir", "/tmp/0u", "workdir", "/tmp/0w",
                                               "userxattr", NULL, NULL }
                     : (const char *const[]) { "lowerdir", "/tmp/0l", "upperdir", "/tmp/0u", "workdir", "/tmp/0w",
                                               NULL },
              safe);
  if (m < 0 || move_mount (m, "", staging, "root", MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return 4;
  close (m);
  root = openat (staging, "root", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  /* sysfs (the host's, read-only, in a user namespace), /dev with its
   * nodes and links, /usr, the plan's tmpfs mounts, proc, devpts, /tmp. */
  if (userns)
    {
      struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                          MOUNT_ATTR_NOEXEC, .propagation = MS_PRIVATE };
      mount_setattr (sys, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a);
      m = sys;
    }
  else
    m = sys = new_fs ("sysfs", "sysfs", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  {
    int d;
    struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
    d = (int) syscall (SYS_openat2, root, "/sys", &how, sizeof how);
    if (d < 0 || move_mount (m, "", d, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      return 5;
    close (d);
  }
  dev = new_fs ("tmpfs", "dev", (const char *const[]) { "mode", "755", "size", "65536k", NULL },
                MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME);
  for (guint k = 0; k < G_N_ELEMENTS (nodes); k++)
    {
      if (userns)
        close (openat (dev, nodes[k], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
      else
        mknodat (dev, nodes[k], S_IFCHR | 0666, node_devs[k]);
    }
  symlinkat ("/proc/self/fd", dev, "fd");
  symlinkat ("/proc/self/fd/0", dev, "stdin");
  symlinkat ("/proc/self/fd/1", dev, "stdout");
  symlinkat ("/proc/self/fd/2", dev, "stderr");
  symlinkat ("pts/ptmx", dev, "ptmx");
  mkdirat (dev, "pts", 0755);
  mkdirat (dev, "shm", 01777);
  {
    struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
    int d = (int) syscall (SYS_openat2, root, "/dev", &how, sizeof how);
    if (d < 0 || move_mount (dev, "", d, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      return 6;
    close (d);
  }
  for (guint k = 0; userns && k < G_N_ELEMENTS (nodes); k++)
    {
      struct mount_attr a = { .attr_set = MOUNT_ATTR_NOSUID, .propagation = MS_PRIVATE };
      int d = openat (dev, nodes[k], O_PATH | O_NOFOLLOW | O_CLOEXEC);
      mount_setattr (host_nodes[k], "", AT_EMPTY_PATH, &a, sizeof a);
      if (move_mount (host_nodes[k], "", d, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return 7;
      close (d);
      close (host_nodes[k]);
    }
  close (dev);
  {
    struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY | safe, .propagation = MS_PRIVATE };
    mount_setattr (usr, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a);
    if (put (root, "/usr", usr) < 0)
      return 8;
  }
  for (guint i = 0; i < f->n; i++)
    {
      snprintf (path, sizeof path, "/m/%u", i);
      if (put (root, path, new_fs ("tmpfs", "tmpfs", NULL, safe)) < 0)
        return 9;
    }
  if (put (root, "/proc", new_fs ("proc", "proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)) < 0 ||
      put (root, "/dev/pts", new_fs ("devpts", "devpts",
                                     (const char *const[]) { "newinstance", NULL, "ptmxmode", "0666", "mode", "0620",
                                                             NULL },
                                     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | safe)) < 0 ||
      put (root, "/tmp", new_fs ("tmpfs", "tmpfs", (const char *const[]) { "mode", "1777", NULL },
                                 MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)) < 0)
    return 10;
  if (fchdir (root) < 0 || syscall (SYS_pivot_root, ".", ".") < 0 || umount2 (".", MNT_DETACH) < 0 || chdir ("/") < 0)
    return 11;
  if (!userns)
    {
      struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
      mount_setattr (sys, "", AT_EMPTY_PATH, &ro, sizeof ro);
    }
  if (write (f->ready_fd, "R", 1) != 1)
    return 12;
  return 0;
}

static int
floor_entry (void *data)
{
  return floor_child (data);
}

/* The child shares this process's memory (CLONE_VM, on a stack of its
 * own), so that the clone costs what it costs a minimal program rather
 * than a copy of this one's address space. */
static double
run_floor (const char *rootfs, guint n, gboolean clone_only)
{
  static char *stack;
  Floor f = { rootfs, n, geteuid (), getegid (), -1, clone_only };
  int flags = CLONE_VM | CLONE_NEWNS | CLONE_NEWPID | (f.uid != 0 ? CLONE_NEWUSER : 0);
  int ready[2], status;
  double t;
  pid_t pid;
  char byte;

  if (stack == NULL)
    stack = mmap (NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  g_assert_cmpint (pipe2 (ready, O_CLOEXEC), ==, 0);
  f.ready_fd = ready[1];
  t = now ();
  pid = clone (floor_entry, stack + (1 << 20), flags | SIGCHLD, &f);
  close (ready[1]);
  if (read (ready[0], &byte, 1) != 1)
    byte = 0;
  t = now () - t;
  close (ready[0]);
  waitpid (pid, &status, 0);
  if (byte != 'R' || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("floor failed: status %d", status);
  return t;
}

/* --- the library ----------------------------------------------------- */

typedef struct {
  double parse, compile, apply, exec, close, total;
} Split;

static void
run_library (const char *bundle, Split *s)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = g_build_filename (bundle, "config.json", NULL);
  double t0 = now (), t1, t2, t3, t4, t5;
  g_autoptr(SvfsSpec) spec = svfs_spec_new_from_file (config, &error);
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;
  int status = 0;
  GPid pid;

  g_assert_no_error (error);
  t1 = now ();
  mounter = svfs_mounter_new (spec, NULL);
  plan = svfs_mounter_compile (mounter, &error);
  g_assert_no_error (error);
  t2 = now ();
  ns = svfs_mounter_apply (mounter, plan, NULL, &error);
  g_assert_no_error (error);
  t3 = now ();
  pid = svfs_mount_namespace_spawn (ns, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  svfs_mount_namespace_wait (ns, pid, &status, &error);
  g_assert_no_error (error);
  t4 = now ();
  svfs_mount_namespace_close (ns);
  t5 = now ();
  s->parse = t1 - t0;
  s->compile = t2 - t1;
  s->apply = t3 - t2;
  s->exec = t4 - t3;
  s->close = t5 - t4;
  s->total = t5 - t0;
}

int
main (int argc, char **argv)
{
  guint sizes[8] = { 10, 100, 1000 };
  int n_sizes = 3;

  if (argc > 1)
    {
      n_sizes = 0;
      for (int i = 1; i < argc && n_sizes < 8; i++)
        sizes[n_sizes++] = (guint) atoi (argv[i]);
    }

  printf ("bench-apply: tmpfs mounts, median of %d runs, as uid %u (%s)\n", RUNS, geteuid (),
          geteuid () == 0 ? "no user namespace" : "in a user namespace");
  printf ("%6s %8s %8s %8s %8s %8s %8s | %8s %8s %8s | %8s %8s %7s\n", "mounts", "parse", "compile", "apply",
          "exec", "close", "total", "clone", "mounts", "floor", "us/mnt", "fl/mnt", "ratio");
  for (int k = 0; k < n_sizes; k++)
    {
      g_autofree char *bundle = make_bundle (sizes[k]);
      g_autofree char *rootfs = g_build_filename (bundle, "rootfs", NULL);
      double parse[RUNS], compile[RUNS], apply[RUNS], exec[RUNS], close_[RUNS], total[RUNS], fl[RUNS], cl[RUNS];
      double a, f, c;

      for (int r = 0; r < RUNS; r++)
        {
          Split s;
          run_library (bundle, &s);
          parse[r] = s.parse;
          compile[r] = s.compile;
          apply[r] = s.apply;
          exec[r] = s.exec;
          close_[r] = s.close;
          total[r] = s.total;
          fl[r] = run_floor (rootfs, sizes[k], FALSE);
          cl[r] = run_floor (rootfs, sizes[k], TRUE);
        }
      a = median (apply, RUNS);
      f = median (fl, RUNS);
      c = median (cl, RUNS);
      printf ("%6u %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f | %8.3f %8.3f %8.3f | %8.1f %8.1f %6.2fx\n", sizes[k],
              median (parse, RUNS), median (compile, RUNS), a, median (exec, RUNS), median (close_, RUNS),
              median (total, RUNS), c, f - c, f, 1000.0 * a / sizes[k], 1000.0 * f / sizes[k], a / f);
      remove_bundle (bundle, sizes[k]);
    }
  printf ("(ms; apply = clone, mounts, pivot_root and reading the table back; the floor does only the same\n"
          " kernel work: clone = the namespaces alone, mounts = the rest; ratio = apply / floor, target <= 1.3x)\n");
  return 0;
}
