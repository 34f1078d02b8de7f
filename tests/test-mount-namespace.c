/* test-mount-namespace.c: applying plans for real (suite "kernel")
 *
 * These tests build namespaces with the kernel, so they need root; CI runs
 * as root and counts a skip as a failure.  They stay out of the valgrind
 * setup (valgrind 3.19 lacks the new mount syscalls).
 *
 * What they pin down: the mount table the spawned process sees matches the
 * plan; device nodes; the auto-/tmp rules against the real root; symlinks
 * in the rootfs never send a mount out of the root; the overlay keeps the
 * host rootfs untouched; a failure halfway leaves nothing behind; a
 * threaded caller keeps its own mount namespace.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libsandboxvfs.h>

typedef struct {
  char *bundle;
  char *rootfs;
  char *host_mounts;     /* /proc/self/mountinfo at set-up */
  guint n_fds;           /* entries of /proc/self/fd at set-up */
  struct stat mnt_ns;    /* /proc/self/ns/mnt at set-up */
} Fixture;

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static guint
count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  while (g_dir_read_name (dir) != NULL)
    n++;
  return n - 1;   /* the GDir's own */
}

static guint
count_children (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  guint n = 0;

  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/task/%s/children", tid);
      g_autofree char *children = NULL;
      g_auto(GStrv) pids = NULL;

      if (!g_file_get_contents (path, &children, NULL, NULL))
        continue;
      pids = g_strsplit_set (g_strstrip (children), " ", -1);
      for (guint i = 0; pids[i] != NULL; i++)
        if (pids[i][0] != '\0')
          n++;
    }
  return n;
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
make_dir (const char *dir,
          const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
}

static void
make_link (const char *dir,
           const char *name,
           const char *target)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_cmpint (symlink (target, path), ==, 0);
}

static void
remove_tree (const char *path)
{
  struct stat st;

  if (lstat (path, &st) < 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;


  f->bundle = g_dir_make_tmp ("svfs-kernel-XXXXXX", &error);
  g_assert_no_error (error);
  f->rootfs = g_build_filename (f->bundle, "rootfs", NULL);
  /* A merged-/usr skeleton; /usr comes from the host. */
  make_dir (f->rootfs, "etc");
  make_dir (f->rootfs, "usr");
  make_link (f->rootfs, "bin", "usr/bin");
  make_link (f->rootfs, "lib", "usr/lib");
  make_link (f->rootfs, "lib64", "usr/lib64");
  make_link (f->rootfs, "sbin", "usr/sbin");
  write_file (f->rootfs, "etc/hostname", "rootfs\n");
  write_file (f->rootfs, "etc/os-release", "NAME=test\n");

  f->host_mounts = read_file ("/proc/self/mountinfo");
  f->n_fds = count_fds ();
  g_assert_cmpint (stat ("/proc/self/ns/mnt", &f->mnt_ns), ==, 0);
}

/* Whatever a test did, the caller's view is as before. */
static void
assert_host_unchanged (Fixture *f)
{
  g_autofree char *mounts = read_file ("/proc/self/mountinfo");
  struct stat st;

  g_assert_cmpstr (mounts, ==, f->host_mounts);
  g_assert_cmpint (stat ("/proc/self/ns/mnt", &st), ==, 0);
  g_assert_cmpuint (st.st_ino, ==, f->mnt_ns.st_ino);
  g_assert_cmpuint (count_fds (), ==, f->n_fds);
  g_assert_cmpuint (count_children (), ==, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->bundle != NULL)
    remove_tree (f->bundle);
  g_free (f->bundle);
  g_free (f->rootfs);
  g_free (f->host_mounts);
}

/* The spec's namespaces; tests that share the host's PID/network/cgroup
 * namespaces change it for one apply. */
static const char *test_namespaces =
  "{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}";
/* More members of process.user in make_mounter()'s spec (", \"umask\": 23"). */
static const char *test_user_extra = "";

/* A spec around @mounts (JSON array members after /usr) and @linux_extra
 * (members of "linux" after the namespaces). */
static SvfsMounter *
make_mounter (Fixture    *f,
              gboolean    root_readonly,
              const char *mounts,
              const char *linux_extra,
              const char *overlay2)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsSpec) spec = NULL;
  g_autoptr(SvfsConfig) config = svfs_config_new ();
  g_autofree char *json = g_strdup_printf (
    "{\"ociVersion\": \"1.0.2\","
    " \"process\": {\"args\": [\"/bin/true\"], \"env\": [\"PATH=/usr/bin:/bin\"], \"cwd\": \"/\","
    "               \"user\": {\"uid\": 0, \"gid\": 0%s}},"
    " \"root\": {\"path\": \"%s\", \"readonly\": %s},"
    " \"hostname\": \"svfs-test\","
    " \"mounts\": [{\"destination\": \"/usr\", \"type\": \"bind\", \"source\": \"/usr\","
    "               \"options\": [\"rbind\", \"ro\", \"nosuid\", \"nodev\"]}%s%s],"
    " \"linux\": {\"namespaces\": [%s]%s%s}}",
    test_user_extra, f->rootfs, root_readonly ? "true" : "false",
    mounts != NULL ? ", " : "", mounts != NULL ? mounts : "", test_namespaces,
    linux_extra != NULL ? ", " : "", linux_extra != NULL ? linux_extra : "");

  spec = svfs_spec_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  svfs_spec_set_bundle_dir (spec, f->bundle);
  if (overlay2 != NULL)
    {
      svfs_config_set (config, "overlay2", overlay2, &error);
      g_assert_no_error (error);
    }
  return svfs_mounter_new (spec, config);
}

static SvfsMountNamespace *
apply (SvfsMounter *mounter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMountPlan) plan = svfs_mounter_compile (mounter, &error);
  SvfsMountNamespace *ns;

  g_assert_no_error (error);
  ns = svfs_mounter_apply (mounter, plan, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ns);
  return ns;
}

/* Runs a shell command inside and returns its standard output. */
static char *
run_in (SvfsMountNamespace *ns,
        const char         *script,
        int                *exit_status)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  GString *out = g_string_new (NULL);
  int fds[3];
  int pipefd[2];
  int status = -1;
  char buf[4096];
  ssize_t n;
  GPid pid;

  g_assert_cmpint (pipe2 (pipefd, O_CLOEXEC), ==, 0);
  fds[0] = -1;
  fds[1] = pipefd[1];
  fds[2] = 2;
  pid = svfs_mount_namespace_spawn_with_fds (ns, argv, NULL, NULL, fds, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pid, >, 0);
  close (pipefd[1]);
  while ((n = read (pipefd[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      g_string_append_len (out, buf, n);
  close (pipefd[0]);
  svfs_mount_namespace_wait (ns, pid, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  if (exit_status != NULL)
    *exit_status = WEXITSTATUS (status);
  else if (WEXITSTATUS (status) != 0)
    g_error ("\"%s\" exited with %d; output:\n%s", script, WEXITSTATUS (status), out->str);
  return g_string_free (out, FALSE);
}

typedef struct {
  char *fs_type;
  char *fs_root;
  char *options;   /* per-mount options */
} MountLine;

static void
mount_line_free (MountLine *l)
{
  g_free (l->fs_type);
  g_free (l->fs_root);
  g_free (l->options);
  g_free (l);
}

/* destination → MountLine (the topmost mount there) */
static GHashTable *
parse_mountinfo (const char *text)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) mount_line_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", -1);
      guint n = g_strv_length (fields);
      MountLine *l;
      guint sep = 0;

      for (guint j = 6; j < n; j++)
        if (strcmp (fields[j], "-") == 0)
          sep = j;
      if (sep == 0)
        continue;
      l = g_new0 (MountLine, 1);
      l->fs_type = g_strdup (fields[sep + 1]);
      l->fs_root = g_strdup (fields[3]);
      l->options = g_strdup (fields[5]);
      g_hash_table_insert (table, g_strdup (fields[4]), l);
    }
  return table;
}

static gboolean
has_option (const char *options,
            const char *option)
{
  g_auto(GStrv) opts = g_strsplit (options, ",", -1);
  return g_strv_contains ((const char * const *) opts, option);
}

static void
assert_flag (const MountLine  *l,
             const char       *dest,
             SvfsMountFlags    flags,
             SvfsMountFlags    flag,
             const char       *name)
{
  gboolean want = (flags & flag) != 0;
  gboolean got = has_option (l->options, name);

  if (want != got)
    g_error ("%s: flag %s: planned %d, mounted %d (%s)", dest, name, want, got, l->options);
}

static const char *
kernel_type_of (const char *plan_type)
{
  if (strcmp (plan_type, "dev") == 0)
    return "tmpfs";
  return plan_type;
}

static void
test_table_matches_plan (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;
  g_autoptr(GHashTable) table = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mountinfo = NULL;
  g_autofree char *hostname = NULL;
  g_autofree char *json = NULL;
  GListModel *readback;
  gboolean userns = geteuid () != 0;
  GPid watcher;
  /* Root makes device nodes with mknod, with the spec's owner and mode; a
   * user namespace binds the host's nodes (their owner and mode stay the
   * host's), so only nodes the host has can be asked for there.  A FIFO
   * is made in both (mknod of a FIFO needs no privilege); inside a user
   * namespace its owner 0 is the caller. */
  static const struct {
    const char *path;
    mode_t      type;
    unsigned    major, minor, mode, uid, gid;
    gboolean    in_userns;
  } nodes[] = {
    { "/dev/null", S_IFCHR, 1, 3, 0666, 0, 0, TRUE },
    { "/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0, TRUE },
    { "/dev/full", S_IFCHR, 1, 7, 0666, 0, 0, TRUE },
    { "/dev/random", S_IFCHR, 1, 8, 0666, 0, 0, TRUE },
    { "/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0, TRUE },
    { "/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0, TRUE },
    { "/dev/fuse", S_IFCHR, 10, 229, 0666, 0, 0, FALSE },
    { "/dev/sub/blk", S_IFBLK, 7, 200, 0600, 12, 34, FALSE },
    { "/dev/fifo0", S_IFIFO, 0, 0, 0640, 0, 0, TRUE },
  };

  mounter = make_mounter (f, FALSE,
    "{\"destination\": \"/data\", \"type\": \"tmpfs\", \"source\": \"scratch\","
    " \"options\": [\"noexec\", \"nosuid\", \"nodev\", \"mode=700\", \"size=1m\"]},"
    "{\"destination\": \"/data/ro\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"ro\"]},"
    "{\"destination\": \"/etc/hostname-copy\", \"type\": \"bind\", \"source\": \"rootfs/etc/hostname\","
    " \"options\": [\"bind\", \"ro\"]},"
    "{\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\","
    " \"options\": [\"nosuid\", \"noexec\", \"nodev\"]}",
    userns ?
    "\"devices\": ["
    " {\"path\": \"/dev/fifo0\", \"type\": \"p\", \"fileMode\": 416}]" :
    "\"devices\": ["
    " {\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229},"
    " {\"path\": \"/dev/sub/blk\", \"type\": \"b\", \"major\": 7, \"minor\": 200, \"fileMode\": 384,"
    "  \"uid\": 12, \"gid\": 34},"
    " {\"path\": \"/dev/fifo0\", \"type\": \"p\", \"fileMode\": 416}]",
    NULL);
  plan = svfs_mounter_compile (mounter, &error);
  g_assert_no_error (error);
  ns = svfs_mounter_apply (mounter, plan, NULL, &error);
  g_assert_no_error (error);

  mountinfo = run_in (ns, "cat /proc/self/mountinfo", NULL);
  table = parse_mountinfo (mountinfo);

  /* Every planned mount is there with its type and flags. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (plan)); i++)
    {
      g_autoptr(SvfsPlannedMount) m = g_list_model_get_item (G_LIST_MODEL (plan), i);
      const char *dest = svfs_planned_mount_get_destination (m);
      const char *type = svfs_planned_mount_get_fs_type (m);
      SvfsMountFlags flags = svfs_planned_mount_get_flags (m);
      MountLine *l = g_hash_table_lookup (table, dest);

      if (l == NULL)
        g_error ("planned mount %s is not in the mount table:\n%s", dest, mountinfo);
      if (strcmp (type, "bind") != 0)
        g_assert_cmpstr (l->fs_type, ==, kernel_type_of (type));
      /* In a user namespace nosuid is forced everywhere and nodev
       * everywhere but /dev and devpts: in the table, not in the plan. */
      if (userns)
        flags |= SVFS_MOUNT_FLAGS_NOSUID |
                 (strcmp (type, "dev") != 0 && strcmp (type, "devpts") != 0 ? SVFS_MOUNT_FLAGS_NODEV : 0);
      assert_flag (l, dest, flags, SVFS_MOUNT_FLAGS_RDONLY, "ro");
      assert_flag (l, dest, flags, SVFS_MOUNT_FLAGS_NOSUID, "nosuid");
      assert_flag (l, dest, flags, SVFS_MOUNT_FLAGS_NODEV, "nodev");
      assert_flag (l, dest, flags, SVFS_MOUNT_FLAGS_NOEXEC, "noexec");
      if (flags & SVFS_MOUNT_FLAGS_STRICTATIME)
        g_assert_false (has_option (l->options, "relatime") || has_option (l->options, "noatime"));
    }
  g_assert_cmpstr (((MountLine *) g_hash_table_lookup (table, "/"))->fs_type, ==, "overlay");
  g_assert_cmpstr (((MountLine *) g_hash_table_lookup (table, "/usr"))->fs_root, ==, "/usr");
  g_assert_cmpstr (((MountLine *) g_hash_table_lookup (table, "/tmp"))->fs_type, ==, "tmpfs");
  /* Nothing propagates anywhere. */
  g_assert_null (strstr (mountinfo, "shared:"));
  g_assert_null (strstr (mountinfo, "master:"));

  /* The library's read-back agrees with what the process saw. */
  readback = svfs_mount_namespace_get_mounts (ns);
  g_assert_cmpuint (g_list_model_get_n_items (readback), ==, g_hash_table_size (table) - 1);
  for (guint i = 0; i < g_list_model_get_n_items (readback); i++)
    {
      g_autoptr(SvfsPlannedMount) m = g_list_model_get_item (readback, i);
      MountLine *l = g_hash_table_lookup (table, svfs_planned_mount_get_destination (m));

      g_assert_nonnull (l);
      assert_flag (l, svfs_planned_mount_get_destination (m), svfs_planned_mount_get_flags (m),
                   SVFS_MOUNT_FLAGS_RDONLY, "ro");
      assert_flag (l, svfs_planned_mount_get_destination (m), svfs_planned_mount_get_flags (m),
                   SVFS_MOUNT_FLAGS_NOEXEC, "noexec");
    }
  json = svfs_mount_namespace_to_json (ns);
  g_assert_nonnull (strstr (json, "\"medium\" : \"memory\""));
  g_assert_nonnull (strstr (json, "\"destination\" : \"/data/ro\""));
  g_assert_nonnull (strstr (json, userns ? "\"path\" : \"/dev/fifo0\"" : "\"path\" : \"/dev/sub/blk\""));

  /* Device nodes, seen through the root of a process inside (the holder
   * itself is not dumpable in a user namespace: its /proc files are not
   * ours to read). */
  {
    const char *sleeper[] = { "/bin/sleep", "60", NULL };
    g_autoptr(GError) spawn_error = NULL;

    watcher = svfs_mount_namespace_spawn (ns, sleeper, NULL, NULL, &spawn_error);
    g_assert_no_error (spawn_error);
    g_assert_cmpint (watcher, >, 0);
  }
  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%d/root%s", watcher, nodes[i].path);
      struct stat st;

      if (userns && !nodes[i].in_userns)
        {
          g_assert_cmpint (lstat (path, &st), <, 0);
          continue;
        }
      if (userns && nodes[i].type == S_IFIFO)
        {
          g_assert_cmpint (lstat (path, &st), ==, 0);
          g_assert_true (S_ISFIFO (st.st_mode));
          g_assert_cmpuint (st.st_uid, ==, geteuid ());
          continue;
        }

      g_assert_cmpint (lstat (path, &st), ==, 0);
      g_assert_cmpuint (st.st_mode & S_IFMT, ==, nodes[i].type);
      g_assert_cmpuint (st.st_mode & 07777, ==, nodes[i].mode);
      if (nodes[i].type != S_IFIFO)
        {
          g_assert_cmpuint (major (st.st_rdev), ==, nodes[i].major);
          g_assert_cmpuint (minor (st.st_rdev), ==, nodes[i].minor);
        }
      g_assert_cmpuint (st.st_uid, ==, nodes[i].uid);
      g_assert_cmpuint (st.st_gid, ==, nodes[i].gid);
    }
  {
    g_autoptr(GError) wait_error = NULL;
    int status = 0;

    g_assert_cmpint (kill (watcher, SIGKILL), ==, 0);
    g_assert_true (svfs_mount_namespace_wait (ns, watcher, &status, &wait_error));
    g_assert_no_error (wait_error);
  }

  /* A new UTS namespace with the spec's hostname, and a new PID one. */
  hostname = run_in (ns, "cat /proc/sys/kernel/hostname; test $$ -lt 10 && echo small-pid; "
                          "readlink /dev/ptmx /dev/fd", NULL);
  g_assert_cmpstr (hostname, ==, "svfs-test\nsmall-pid\npts/ptmx\n/proc/self/fd\n");

  svfs_mount_namespace_close (ns);
  g_assert_true (svfs_mount_namespace_is_closed (ns));
  g_clear_object (&ns);
  assert_host_unchanged (f);
}

static void
test_auto_tmp (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *tmp = NULL;
  g_autoptr(GError) error = NULL;

  tmp = g_build_filename (f->rootfs, "tmp", NULL);

  /* Missing: created in the overlay (not on the host) and mounted. */
  {
    g_autoptr(SvfsMounter) mounter = make_mounter (f, FALSE, NULL, NULL, NULL);
    g_autoptr(SvfsMountNamespace) ns = apply (mounter);
    g_autofree char *out = run_in (ns, "grep ' /tmp ' /proc/self/mountinfo | cut -d' ' -f9", NULL);

    g_assert_cmpstr (out, ==, "tmpfs\n");
    g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  }

  /* Empty at compile time, not empty when applied: the file stays
   * visible and the namespace says why there is no tmpfs. */
  {
    g_autoptr(SvfsMounter) mounter = NULL;
    g_autoptr(SvfsMountPlan) plan = NULL;
    g_autoptr(SvfsMountNamespace) ns = NULL;
    g_autofree char *out = NULL;
    const char * const *warnings;

    g_assert_cmpint (g_mkdir (tmp, 01777), ==, 0);
    mounter = make_mounter (f, FALSE, NULL, NULL, NULL);
    plan = svfs_mounter_compile (mounter, &error);
    g_assert_no_error (error);
    write_file (tmp, "keep-me", "precious\n");
    ns = svfs_mounter_apply (mounter, plan, NULL, &error);
    g_assert_no_error (error);
    out = run_in (ns, "cat /tmp/keep-me; grep -c ' /tmp ' /proc/self/mountinfo || true", NULL);
    g_assert_cmpstr (out, ==, "precious\n0\n");
    warnings = svfs_mount_namespace_get_warnings (ns);
    g_assert_nonnull (warnings[0]);
    g_assert_nonnull (strstr (warnings[g_strv_length ((char **) warnings) - 1], "/tmp"));
  }

  /* Not a directory: left alone. */
  {
    g_autoptr(SvfsMounter) mounter = NULL;
    g_autoptr(SvfsMountPlan) plan = NULL;
    g_autoptr(SvfsMountNamespace) ns = NULL;
    g_autofree char *out = NULL;
    g_autofree char *keep = g_build_filename (tmp, "keep-me", NULL);

    g_unlink (keep);
    g_rmdir (tmp);
    mounter = make_mounter (f, FALSE, NULL, NULL, NULL);
    plan = svfs_mounter_compile (mounter, &error);
    g_assert_no_error (error);
    write_file (f->rootfs, "tmp", "a file\n");
    ns = svfs_mounter_apply (mounter, plan, NULL, &error);
    g_assert_no_error (error);
    out = run_in (ns, "cat /tmp; grep -c ' /tmp ' /proc/self/mountinfo || true", NULL);
    g_assert_cmpstr (out, ==, "a file\n0\n");
  }

  assert_host_unchanged (f);
}

static void
assert_no_trace_on_host (const char *name)
{
  g_autofree char *etc = g_build_filename ("/etc", name, NULL);
  g_autofree char *root = g_build_filename ("/", name, NULL);

  g_assert_false (g_file_test (etc, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (root, G_FILE_TEST_EXISTS));
}

/* Symlinked path components resolve inside the root, never to the host. */
static void
test_symlink_attacks (Fixture       *f,
                      gconstpointer  data)
{
  static const struct {
    const char *link;
    const char *target;
    gboolean    lands_in_root;   /* else: refused with MOUNT_FAILED */
  } attacks[] = {
    { "abs", "/etc", TRUE },
    { "dotdot", "../../../../../../../../etc", TRUE },
    { "magic", "/proc/self/root/etc", FALSE },
    { "loop1", "loop2", FALSE },
    { "dangling", "/nonexistent-svfs-dir/sub", FALSE },
  };
  g_autofree char *unique = g_strdup_printf ("svfs-escape-%d", (int) getpid ());

  make_link (f->rootfs, "loop2", "loop1");
  for (guint i = 0; i < G_N_ELEMENTS (attacks); i++)
    {
      g_autofree char *mounts = g_strdup_printf (
        "{\"destination\": \"/%s/%s\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}",
        attacks[i].link, unique);
      g_autoptr(SvfsMounter) mounter = NULL;
      g_autoptr(SvfsMountPlan) plan = NULL;
      g_autoptr(SvfsMountNamespace) ns = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("attack %s -> %s", attacks[i].link, attacks[i].target);
      make_link (f->rootfs, attacks[i].link, attacks[i].target);
      mounter = make_mounter (f, FALSE, mounts, NULL, NULL);
      plan = svfs_mounter_compile (mounter, &error);
      g_assert_no_error (error);
      ns = svfs_mounter_apply (mounter, plan, NULL, &error);

      if (attacks[i].lands_in_root)
        {
          g_autofree char *script = g_strdup_printf ("grep -c ' /etc/%s ' /proc/self/mountinfo", unique);
          g_autofree char *out = NULL;

          g_assert_no_error (error);
          out = run_in (ns, script, NULL);
          g_assert_cmpstr (out, ==, "1\n");
          /* Created in the overlay's upper layer, not in the lower rootfs. */
          {
            g_autofree char *lower = g_build_filename (f->rootfs, "etc", unique, NULL);
            g_assert_false (g_file_test (lower, G_FILE_TEST_EXISTS));
          }
        }
      else
        {
          g_assert_error (error, SVFS_ERROR, SVFS_ERROR_MOUNT_FAILED);
          g_assert_nonnull (strstr (error->message, "mounts[1]"));
          g_assert_null (ns);
        }
      g_clear_object (&ns);
      assert_no_trace_on_host (unique);
      assert_host_unchanged (f);
    }

  /* A symlinked destination of a bind mount: the bind lands on the
   * in-root target. */
  {
    g_autoptr(SvfsMounter) mounter = NULL;
    g_autoptr(SvfsMountNamespace) ns = NULL;
    g_autofree char *out = NULL;

    make_link (f->rootfs, "hostfile", "/etc/hostname");
    mounter = make_mounter (f, FALSE,
      "{\"destination\": \"/hostfile\", \"type\": \"bind\", \"source\": \"rootfs/etc/os-release\","
      " \"options\": [\"bind\", \"ro\"]}", NULL, NULL);
    ns = apply (mounter);
    out = run_in (ns, "cat /etc/hostname; grep -c ' /etc/hostname ' /proc/self/mountinfo", NULL);
    g_assert_cmpstr (out, ==, "NAME=test\n1\n");
  }
  assert_host_unchanged (f);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* A stable description of a tree: names, types, modes, sizes, contents. */
static void
checksum_tree (GChecksum  *sum,
               const char *path,
               const char *rel)
{
  struct stat st;
  g_autofree char *line = NULL;

  g_assert_cmpint (lstat (path, &st), ==, 0);
  line = g_strdup_printf ("%s %o %u %u %" G_GINT64_FORMAT "\n", rel, st.st_mode, st.st_uid, st.st_gid,
                          (gint64) st.st_size);
  if (g_getenv ("SVFS_TEST_DEBUG_TREE") != NULL)
    g_printerr ("%s", line);
  g_checksum_update (sum, (const guchar *) line, -1);
  if (S_ISREG (st.st_mode))
    {
      g_autofree char *contents = read_file (path);
      g_checksum_update (sum, (const guchar *) contents, -1);
    }
  else if (S_ISLNK (st.st_mode))
    {
      g_autofree char *target = g_file_read_link (path, NULL);
      g_checksum_update (sum, (const guchar *) target, -1);
    }
  else if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_sort (names, compare_names);
      for (guint i = 0; i < names->len; i++)
        {
          g_autofree char *child = g_build_filename (path, g_ptr_array_index (names, i), NULL);
          g_autofree char *child_rel = g_build_filename (rel, g_ptr_array_index (names, i), NULL);
          checksum_tree (sum, child, child_rel);
        }
    }
}

static char *
tree_checksum (const char *path)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  checksum_tree (sum, path, "/");
  return g_strdup (g_checksum_get_string (sum));
}

static void
test_overlay_keeps_host (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *out = NULL;

  make_dir (f->rootfs, "var/lib");
  write_file (f->rootfs, "var/lib/a", "a\n");
  make_dir (f->rootfs, "tmp");
  before = tree_checksum (f->rootfs);

  mounter = make_mounter (f, FALSE, NULL, NULL, NULL);
  ns = apply (mounter);
  out = run_in (ns,
                "echo changed > /etc/hostname && rm /etc/os-release && mv /var/lib/a /var/lib/b && "
                "mkdir -p /new/dir && echo x > /new/dir/f && echo y > /tmp/y && chmod 700 /etc && "
                "cat /etc/hostname /var/lib/b && ls /etc", NULL);
  g_assert_cmpstr (out, ==, "changed\na\nhostname\n");
  after = tree_checksum (f->rootfs);
  g_assert_cmpstr (before, ==, after);

  svfs_mount_namespace_close (ns);
  g_clear_object (&ns);
  after = (g_free (after), tree_checksum (f->rootfs));
  g_assert_cmpstr (before, ==, after);
  assert_host_unchanged (f);
}

static void
test_readonly_root (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  before = tree_checksum (f->rootfs);
  mounter = make_mounter (f, TRUE,
    "{\"destination\": \"/new/mount/point\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}", NULL, NULL);
  ns = apply (mounter);
  out = run_in (ns, "touch /new/mount/point/ok && touch /etc/nope", &status);
  g_assert_cmpint (status, !=, 0);
  g_free (out);
  out = run_in (ns, "while read id p dev root mp opts rest; do [ \"$mp\" = / ] && echo ${opts%%,*}; done "
                    "< /proc/self/mountinfo; ls /new/mount/point", NULL);
  g_assert_cmpstr (out, ==, "ro\nok\n");
  after = tree_checksum (f->rootfs);
  g_assert_cmpstr (before, ==, after);
  g_clear_object (&ns);
  assert_host_unchanged (f);
}

static void
test_overlay_none_and_tmpcopyup (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;
  g_autofree char *out = NULL;
  g_autofree char *json = NULL;
  g_autofree char *written = NULL;

  make_dir (f->rootfs, "run/sub");
  make_dir (f->rootfs, "tmp");
  write_file (f->rootfs, "run/sub/file", "content\n");
  make_link (f->rootfs, "run/link", "/etc/passwd");
  g_assert_cmpint (chmod (f->bundle, 0755), ==, 0);
  {
    g_autofree char *p = g_build_filename (f->rootfs, "run/sub/file", NULL);
    /* Only root can give files away; the caller is root in its user
     * namespace, so its files show as 0 there. */
    if (geteuid () == 0)
      g_assert_cmpint (chown (p, 123, 456), ==, 0);
    g_assert_cmpint (chmod (p, 0640), ==, 0);
  }

  mounter = make_mounter (f, FALSE,
    "{\"destination\": \"/run\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
    " \"options\": [\"tmpcopyup\", \"mode=755\"]}", NULL, "none");
  ns = apply (mounter);
  json = svfs_mount_namespace_to_json (ns);
  g_assert_nonnull (strstr (json, "\"overlay\" : null"));
  out = run_in (ns, "stat -c '%u %g %a' /run/sub/file; cat /run/sub/file; readlink /run/link; "
                    "echo new > /run/sub/file; echo root > /written", NULL);
  g_assert_cmpstr (out, ==, geteuid () == 0 ? "123 456 640\ncontent\n/etc/passwd\n" : "0 0 640\ncontent\n/etc/passwd\n");

  /* tmpcopyup copied: the host file is unchanged; overlay2=none: the
   * root is the host directory itself. */
  g_free (out);
  out = g_build_filename (f->rootfs, "run/sub/file", NULL);
  written = read_file (out);
  g_assert_cmpstr (written, ==, "content\n");
  g_free (written);
  g_free (out);
  out = g_build_filename (f->rootfs, "written", NULL);
  written = read_file (out);
  g_assert_cmpstr (written, ==, "root\n");
  g_clear_object (&ns);
  assert_host_unchanged (f);
}

static void
assert_failure_leaves_nothing (Fixture     *f,
                               SvfsMounter *mounter,
                               SvfsError    code,
                               const char  *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMountPlan) plan = svfs_mounter_compile (mounter, &error);
  g_autoptr(SvfsMountNamespace) ns = NULL;
  g_autofree char *before = tree_checksum (f->rootfs);
  g_autofree char *after = NULL;

  g_assert_no_error (error);
  ns = svfs_mounter_apply (mounter, plan, NULL, &error);
  g_assert_null (ns);
  g_assert_error (error, SVFS_ERROR, (int) code);
  if (strstr (error->message, message_part) == NULL)
    g_error ("\"%s\" does not name \"%s\"", error->message, message_part);
  after = tree_checksum (f->rootfs);
  g_assert_cmpstr (before, ==, after);
  assert_host_unchanged (f);
}

static void
test_failure_leaves_nothing (Fixture       *f,
                             gconstpointer  data)
{

  /* The kernel refuses an option, after several mounts were made. */
  {
    g_autoptr(SvfsMounter) mounter = make_mounter (f, FALSE,
      "{\"destination\": \"/a\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"},"
      "{\"destination\": \"/a/b\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"huge=force\"]}",
      NULL, NULL);
    assert_failure_leaves_nothing (f, mounter, SVFS_ERROR_MOUNT_FAILED,
                                   "mounts[2] \"/a/b\": fsconfig: Invalid argument (tmpfs: Bad value for 'huge')");
  }
  /* A missing bind source. */
  {
    g_autoptr(SvfsMounter) mounter = make_mounter (f, FALSE,
      "{\"destination\": \"/x\", \"type\": \"bind\", \"source\": \"/nonexistent-svfs-source\","
      " \"options\": [\"bind\"]}", NULL, NULL);
    assert_failure_leaves_nothing (f, mounter, SVFS_ERROR_NOT_FOUND, "mounts[1] \"/x\"");
  }
  /* A mount point that cannot be made (a file in the way). */
  {
    g_autoptr(SvfsMounter) mounter = NULL;

    write_file (f->rootfs, "afile", "x");
    mounter = make_mounter (f, FALSE,
      "{\"destination\": \"/afile/sub\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}", NULL, NULL);
    assert_failure_leaves_nothing (f, mounter, SVFS_ERROR_MOUNT_FAILED, "mounts[1] \"/afile/sub\"");
  }
  /* A mount point of the wrong type: a file where a filesystem goes, a
   * directory where a file is bound. */
  {
    g_autoptr(SvfsMounter) mounter = NULL;

    write_file (f->rootfs, "afile", "x");
    mounter = make_mounter (f, FALSE,
      "{\"destination\": \"/afile\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}", NULL, NULL);
    assert_failure_leaves_nothing (f, mounter, SVFS_ERROR_MOUNT_FAILED,
                                   "mounts[1] \"/afile\": mount point is not a directory");
  }
  {
    g_autoptr(SvfsMounter) mounter = make_mounter (f, FALSE,
      "{\"destination\": \"/etc\", \"type\": \"bind\", \"source\": \"/etc/hostname\", \"options\": [\"bind\"]}",
      NULL, NULL);
    assert_failure_leaves_nothing (f, mounter, SVFS_ERROR_MOUNT_FAILED,
                                   "mounts[1] \"/etc\": mount point is a directory, the source is not");
  }
  /* An erofs image: missing as root; unsupported in a user namespace
   * (the kernel does not mount erofs there).  Either way the error names
   * the mount. */
  {
    g_autoptr(SvfsMounter) mounter = make_mounter (f, FALSE,
      "{\"destination\": \"/img\", \"type\": \"erofs\", \"source\": \"/nonexistent-svfs.erofs\"}",
      NULL, NULL);
    assert_failure_leaves_nothing (f, mounter, geteuid () == 0 ? SVFS_ERROR_NOT_FOUND : SVFS_ERROR_UNSUPPORTED,
                                   "mounts[1] \"/img\"");
  }
}

static void
test_source_fds (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autoptr(GUnixFDList) fds = g_unix_fd_list_new ();
  g_autoptr(GUnixFDList) short_list = g_unix_fd_list_new ();
  g_autoptr(GUnixFDList) bad_list = g_unix_fd_list_new ();
  g_autoptr(SvfsMountNamespace) ns = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *out = NULL;
  int root_fd, data_fd, usr_fd, sock[2];

  data_dir = g_build_filename (f->bundle, "data", NULL);
  g_assert_cmpint (g_mkdir (data_dir, 0755), ==, 0);
  write_file (data_dir, "from-fd", "via fd\n");

  /* The spec's source strings are only labels here. */
  mounter = make_mounter (f, FALSE,
    "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"/label/only\", \"options\": [\"rbind\"]}",
    NULL, NULL);
  plan = svfs_mounter_compile (mounter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (svfs_mount_plan_get_n_source_fds (plan), ==, 3);

  root_fd = open (f->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  usr_fd = open ("/usr", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  data_fd = open (data_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  g_unix_fd_list_append (fds, root_fd, &error);
  g_unix_fd_list_append (fds, usr_fd, &error);
  g_unix_fd_list_append (fds, data_fd, &error);
  g_assert_no_error (error);
  g_unix_fd_list_append (short_list, root_fd, &error);
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock), ==, 0);
  g_unix_fd_list_append (bad_list, root_fd, &error);
  g_unix_fd_list_append (bad_list, usr_fd, &error);
  g_unix_fd_list_append (bad_list, sock[0], &error);
  close (root_fd);
  close (usr_fd);
  close (data_fd);
  close (sock[0]);
  close (sock[1]);
  g_assert_no_error (error);
  f->n_fds = count_fds ();

  ns = svfs_mounter_apply_with_fds (mounter, plan, short_list, NULL, &error);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS);
  g_assert_nonnull (strstr (error->message, "expected 3 source fds"));
  g_clear_error (&error);

  ns = svfs_mounter_apply_with_fds (mounter, plan, bad_list, NULL, &error);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS);
  g_assert_nonnull (strstr (error->message, "mounts[1] \"/data\""));
  g_clear_error (&error);
  assert_host_unchanged (f);

  ns = svfs_mounter_apply_with_fds (mounter, plan, fds, NULL, &error);
  g_assert_no_error (error);
  out = run_in (ns, "cat /data/from-fd /etc/hostname", NULL);
  g_assert_cmpstr (out, ==, "via fd\nrootfs\n");
  g_clear_object (&ns);
  assert_host_unchanged (f);
}

static gpointer
busy_thread (gpointer data)
{
  volatile gint *stop = data;

  while (!g_atomic_int_get (stop))
    g_usleep (1000);
  return NULL;
}

static void
on_applied (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SvfsMountNamespace **ns = user_data;
  g_autoptr(GError) error = NULL;

  *ns = svfs_mounter_apply_finish (SVFS_MOUNTER (source), result, &error);
  g_assert_no_error (error);
}

static void
on_waited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  int *status = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (svfs_mount_namespace_wait_finish (SVFS_MOUNT_NAMESPACE (source), result, status, &error));
  g_assert_no_error (error);
}

/* With threads running (as in Python, gjs, a GDBus daemon), applying still
 * works and the caller's own mount namespace never changes; async too. */
static void
test_threaded_caller (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  GThread *threads[3];
  gint stop = 0;
  int status = -1;
  const char *argv[] = { "/bin/sh", "-c", "exit 7", NULL };
  GPid pid;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("busy", busy_thread, &stop);

  mounter = make_mounter (f, FALSE, NULL, NULL, NULL);
  svfs_mounter_apply_async (mounter, NULL, NULL, NULL, on_applied, &ns);
  while (ns == NULL)
    g_main_context_iteration (NULL, TRUE);

  out = run_in (ns, "cat /etc/hostname", NULL);
  g_assert_cmpstr (out, ==, "rootfs\n");

  pid = svfs_mount_namespace_spawn (ns, argv, NULL, NULL, &error);
  g_assert_no_error (error);
  svfs_mount_namespace_wait_async (ns, pid, NULL, on_waited, &status);
  while (status == -1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 7);

  /* Closing kills what runs inside. */
  {
    const char *sleeper[] = { "sleep", "300", NULL };
    GPid holder = svfs_mount_namespace_get_pid (ns);

    pid = svfs_mount_namespace_spawn (ns, sleeper, NULL, NULL, &error);
    g_assert_no_error (error);
    svfs_mount_namespace_close (ns);
    g_assert_cmpint (kill (pid, 0), <, 0);
    g_assert_cmpint (kill (holder, 0), <, 0);
    g_assert_cmpint (svfs_mount_namespace_get_mount_ns_fd (ns), ==, -1);
    g_assert_cmpint (svfs_mount_namespace_spawn (ns, sleeper, NULL, NULL, &error), ==, 0);
    g_assert_error (error, SVFS_ERROR, SVFS_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  g_atomic_int_set (&stop, 1);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_clear_object (&ns);
  g_clear_object (&mounter);
  /* The GTask worker thread may keep a thread-pool fd; count again. */
  {
    g_autofree char *mounts = read_file ("/proc/self/mountinfo");
    struct stat st;

    g_assert_cmpstr (mounts, ==, f->host_mounts);
    g_assert_cmpint (stat ("/proc/self/ns/mnt", &st), ==, 0);
    g_assert_cmpuint (st.st_ino, ==, f->mnt_ns.st_ino);
    g_assert_cmpuint (count_children (), ==, 0);
  }
}

static volatile sig_atomic_t usr1_seen;

static void
count_usr1 (int sig)
{
  usr1_seen++;
}

/* @ns's holder is alive and the view still works (the rootfs's
 * /etc/hostname is "rootfs"); once closed, the holder is gone. */
static void
assert_holds_until_closed (SvfsMountNamespace *ns)
{
  GPid holder = svfs_mount_namespace_get_pid (ns);
  g_autofree char *out = NULL;

  g_assert_cmpint (kill (holder, 0), ==, 0);
  out = run_in (ns, "cat /etc/hostname", NULL);
  g_assert_cmpstr (out, ==, "rootfs\n");
  svfs_mount_namespace_close (ns);
  g_assert_cmpint (kill (holder, 0), ==, -1);
}

/* The holder runs none of the caller's signal handlers (as root it shares
 * the caller's memory: a handler run there would count here) and a
 * signal it is sent does not take the namespaces away; it holds them until
 * closed, across applies that reuse its stack. */
static void
test_holder_signals (Fixture       *f,
                     gconstpointer  data)
{
  struct sigaction sa = { .sa_handler = count_usr1 }, old;

  g_assert_cmpint (sigaction (SIGUSR1, &sa, &old), ==, 0);
  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(SvfsMounter) mounter = make_mounter (f, FALSE, NULL, NULL, NULL);
      g_autoptr(SvfsMountNamespace) ns = apply (mounter);
      GPid holder = svfs_mount_namespace_get_pid (ns);

      usr1_seen = 0;
      g_assert_cmpint (kill (holder, SIGUSR1), ==, 0);
      g_assert_cmpint (kill (holder, SIGINT), ==, 0);
      g_usleep (20000);
      g_assert_cmpint (usr1_seen, ==, 0);
      assert_holds_until_closed (ns);
    }
  g_assert_cmpint (sigaction (SIGUSR1, &old, NULL), ==, 0);
  g_assert_cmpuint (count_children (), ==, 0);
  assert_host_unchanged (f);
}

/* What holds the namespaces (PID 1 inside) must not show the container
 * the caller's memory or environment: as root it shares the caller's
 * memory, and a process that is not root cannot read root's; in a user
 * namespace, where the container's root has the caller's uid, it is the
 * sandboxvfs-holder program (none of the caller's memory), or, without
 * it, a copy that is not dumpable.  Read through /proc/1: the secret in
 * the environment, and the caller's program among the mappings. */
static void
test_holder_not_readable (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *me = NULL;
  g_autofree char *reader = NULL;
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_autofree char *control = NULL;
  int status = -1;

  g_assert_nonnull (self_exe);
  me = g_path_get_basename (self_exe);
  reader = g_strdup_printf ("s=$(tr '\\0' '\\n' < /proc/$P/environ 2>/dev/null | grep -c SVFS_TEST_SECRET); "
                            "m=$(grep -c %s /proc/$P/maps 2>/dev/null); echo ${s:-0} ${m:-0}", me);
  g_setenv ("SVFS_TEST_SECRET", "hunter2", TRUE);
  mounter = make_mounter (f, FALSE, NULL, NULL, NULL);
  ns = apply (mounter);
  g_unsetenv ("SVFS_TEST_SECRET");

  /* The same reader works on a process of its own: the test can fail. */
  script = g_strdup_printf ("SVFS_TEST_SECRET=own sleep 5 & P=$!; sleep 0.2; %s; kill $P", reader);
  control = run_in (ns, script, &status);
  g_assert_cmpstr (control, ==, "1 0\n");
  g_clear_pointer (&script, g_free);

  script = geteuid () == 0
           ? g_strdup_printf ("setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'P=1; %s'", reader)
           : g_strdup_printf ("P=1; %s", reader);
  out = run_in (ns, script, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "0 0\n");

  /* In a user namespace, with the holder program at hand, it is that
   * program that holds the namespaces. */
  if (geteuid () != 0 && g_getenv ("SVFS_HOLDER") != NULL &&
      g_file_test (g_getenv ("SVFS_HOLDER"), G_FILE_TEST_IS_REGULAR) &&
      g_file_test (g_getenv ("SVFS_HOLDER"), G_FILE_TEST_IS_EXECUTABLE))
    {
      g_autofree char *path = g_strdup_printf ("/proc/%d/comm", (int) svfs_mount_namespace_get_pid (ns));
      g_autofree char *comm = read_file (path);

      g_assert_cmpstr (comm, ==, "sandboxvfs-hold\n");
    }
  svfs_mount_namespace_close (ns);
  assert_host_unchanged (f);
}

static gpointer
apply_in_thread (gpointer data)
{
  return apply (data);
}

static gpointer
short_lived_thread (gpointer data)
{
  volatile char scratch[16384];

  memset ((char *) scratch, 0x5a, sizeof scratch);
  return NULL;
}

/* A namespace outlives the thread that applied it: the holder (which, as
 * root, shares our memory) keeps holding while other threads take that
 * thread's place, and goes when closed. */
static void
test_applying_thread_exits (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;

  mounter = make_mounter (f, FALSE, NULL, NULL, NULL);
  ns = g_thread_join (g_thread_new ("apply", apply_in_thread, mounter));
  for (guint i = 0; i < 64; i++)
    g_thread_join (g_thread_new ("churn", short_lived_thread, NULL));
  assert_holds_until_closed (ns);
  g_assert_cmpuint (count_children (), ==, 0);
  assert_host_unchanged (f);
}

static void
test_namespace_fds (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;
  g_autoptr(GError) error = NULL;
  struct stat mine, theirs;
  int fd;

  mounter = make_mounter (f, FALSE, NULL, NULL, NULL);
  ns = apply (mounter);
  fd = svfs_mount_namespace_dup_mount_ns_fd (ns, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fstat (fd, &theirs), ==, 0);
  g_assert_cmpint (stat ("/proc/self/ns/mnt", &mine), ==, 0);
  g_assert_cmpuint (mine.st_ino, !=, theirs.st_ino);
  close (fd);
  fd = svfs_mount_namespace_dup_user_ns_fd (ns, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_clear_object (&ns);
  assert_host_unchanged (f);
}


/* Lists the names in @dir matching @prefix (host side). */
static guint
count_prefixed (const char *dir,
                const char *prefix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      n++;
  return n;
}

/* overlay2 media on disk: dir=/abs (a fresh per-container directory in
 * /abs) and self (a hidden sibling of the source); the container's writes
 * land there, never in the source, and the directories go on close.  A
 * self upper inside the rootfs (a bind source's sibling) is invisible in
 * the container. */
static void
test_overlay_media_on_disk (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *media = NULL;
  g_autoptr(GError) error = NULL;

  make_dir (f->rootfs, "data");
  write_file (f->rootfs, "data/file", "lower\n");
  before = tree_checksum (f->rootfs);
  media = g_dir_make_tmp ("svfs-media-XXXXXX", &error);
  g_assert_no_error (error);

  /* dir=/abs */
  {
    g_autofree char *conf = g_strdup_printf ("root:dir=%s", media);
    g_autoptr(SvfsMounter) mounter = make_mounter (f, FALSE, NULL, NULL, conf);
    g_autoptr(SvfsMountNamespace) ns = apply (mounter);
    g_autofree char *out = run_in (ns, "echo new > /written; echo changed > /data/file; "
                                       "grep -E '^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / ' /proc/self/mountinfo | cut -d' ' -f9; cat /written", NULL);
    g_autofree char *json = svfs_mount_namespace_to_json (ns);

    g_assert_cmpstr (out, ==, "overlay\nnew\n");
    g_assert_cmpuint (count_prefixed (media, "sandboxvfs-upper-"), ==, 1);
    g_clear_object (&ns);
    g_assert_cmpuint (count_prefixed (media, "sandboxvfs-upper-"), ==, 0);
  }

  /* all:self: the root's upper next to the rootfs, /data's next to
   * rootfs/data, which the root shows: hidden by a whiteout. */
  {
    g_autoptr(SvfsMounter) mounter = make_mounter (f, FALSE,
      "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"rootfs/data\", \"options\": [\"rbind\"]}",
      NULL, "all:self");
    g_autoptr(SvfsMountNamespace) ns = apply (mounter);
    g_autofree char *out = run_in (ns, "echo new > /data/new; echo changed > /data/file; cat /data/file; "
                                       "ls -A / | grep -c sandboxvfs-upper || true; "
                                       "ls -A /data | tr '\\n' ' '", NULL);

    g_assert_cmpstr (out, ==, "changed\n0\nfile new ");
    g_assert_cmpuint (count_prefixed (f->bundle, ".sandboxvfs-upper.rootfs."), ==, 1);
    g_assert_cmpuint (count_prefixed (f->rootfs, ".sandboxvfs-upper.data."), ==, 1);
    g_clear_object (&ns);
    g_assert_cmpuint (count_prefixed (f->bundle, ".sandboxvfs-upper."), ==, 0);
    g_assert_cmpuint (count_prefixed (f->rootfs, ".sandboxvfs-upper."), ==, 0);
  }

  /* all:memory on a bind: writes stay in memory. */
  {
    g_autoptr(SvfsMounter) mounter = make_mounter (f, FALSE,
      "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"rootfs/data\", \"options\": [\"rbind\"]}",
      NULL, "all:memory");
    g_autoptr(SvfsMountNamespace) ns = apply (mounter);
    g_autofree char *out = run_in (ns, "echo changed > /data/file; cat /data/file; "
                                       "grep ' /data ' /proc/self/mountinfo | cut -d' ' -f9", NULL);

    g_assert_cmpstr (out, ==, "changed\noverlay\n");
  }

  after = tree_checksum (f->rootfs);
  g_assert_cmpstr (before, ==, after);
  g_rmdir (media);
  assert_host_unchanged (f);
}

/* Read-only binds still get their missing mount points (in memory, never
 * on the host); read-only binds are recursively read-only; masked and
 * read-only paths, also through symlinks in the rootfs. */
static void
test_readonly_mounts_and_paths (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  make_dir (f->rootfs, "ro-src");
  write_file (f->rootfs, "ro-src/file", "ro\n");
  write_file (f->rootfs, "etc/secret", "secret\n");
  make_dir (f->rootfs, "secret-dir");
  write_file (f->rootfs, "secret-dir/key", "key\n");
  make_dir (f->rootfs, "real");
  write_file (f->rootfs, "real/inner", "inner\n");
  make_link (f->rootfs, "link", "/real");
  make_link (f->rootfs, "escape", "../../../../../etc");
  make_dir (f->rootfs, "etc/rw");
  before = tree_checksum (f->rootfs);

  mounter = make_mounter (f, FALSE,
    "{\"destination\": \"/robind\", \"type\": \"bind\", \"source\": \"rootfs/ro-src\", \"options\": [\"rbind\", \"ro\"]},"
    "{\"destination\": \"/robind/new/point\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"},"
    "{\"destination\": \"/hostdev\", \"type\": \"bind\", \"source\": \"/dev\", \"options\": [\"rbind\", \"ro\"]}",
    "\"maskedPaths\": [\"/etc/secret\", \"/secret-dir\", \"/link/inner\", \"/escape/passwd\", \"/missing\"],"
    " \"readonlyPaths\": [\"/etc/rw\"]", NULL);
  ns = apply (mounter);
  out = run_in (ns, "cat /robind/file; touch /robind/new/point/ok && echo point-ok; "
                    "touch /robind/x 2>/dev/null || echo robind-ro; "
                    "grep -E ' /hostdev(/[a-z]+)? ' /proc/self/mountinfo | cut -d' ' -f6 | cut -d, -f1 | sort -u; "
                    "cat /etc/secret; ls -A /secret-dir; cat /real/inner /link/inner; "
                    "touch /etc/rw/x 2>/dev/null || echo rw-ro; "
                    "grep -c ' /etc/passwd ' /proc/self/mountinfo || true", NULL);
  g_assert_cmpstr (out, ==, "ro\npoint-ok\nrobind-ro\nro\nrw-ro\n0\n");
  /* The container cannot write to the masked directory either. */
  g_free (out);
  out = run_in (ns, "echo x > /secret-dir/new", &status);
  g_assert_cmpint (status, !=, 0);
  g_clear_object (&ns);

  after = tree_checksum (f->rootfs);
  g_assert_cmpstr (before, ==, after);
  assert_host_unchanged (f);
}

/* proc and sysfs without PID/network namespaces (the host's bound in a
 * user namespace, sysfs read-only) and cgroups from the host's layout:
 * read-only binds of the host's hierarchies, or cgroup2 in a cgroup
 * namespace. */
static void
test_proc_sys_cgroup (Fixture       *f,
                      gconstpointer  data)
{
  const char *saved = test_namespaces;
  struct statfs sfs;
  gboolean unified = statfs ("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == 0x63677270;
  gboolean has_v2 = unified || (statfs ("/sys/fs/cgroup/unified", &sfs) == 0 && sfs.f_type == 0x63677270);

  test_namespaces = "{\"type\": \"mount\"}";
  {
    g_autoptr(SvfsMounter) mounter = make_mounter (f, FALSE,
      "{\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\","
      " \"options\": [\"nosuid\", \"noexec\", \"nodev\"]}", NULL, NULL);
    g_autoptr(SvfsMountNamespace) ns = apply (mounter);
    g_autofree char *out = run_in (ns,
      "test -e /proc/self/status && echo proc; "
      "grep ' /sys ' /proc/self/mountinfo | cut -d' ' -f6 | cut -d, -f1; "
      "grep ' /sys/fs/cgroup[/ ]' /proc/self/mountinfo | cut -d' ' -f6 | cut -d, -f1 | sort -u; "
      "mkdir /sys/fs/cgroup/svfs-test 2>/dev/null || echo cgroup-ro; "
      "test \"$(ls /sys/fs/cgroup)\" && echo cgroup-listed", NULL);

    g_assert_cmpstr (out, ==, "proc\nro\nro\ncgroup-ro\ncgroup-listed\n");
  }

  if (has_v2)
    {
      g_autoptr(SvfsMounter) mounter = NULL;
      g_autoptr(SvfsMountNamespace) ns = NULL;
      g_autofree char *out = NULL;

      test_namespaces = "{\"type\": \"mount\"}, {\"type\": \"pid\"}, {\"type\": \"cgroup\"}";
      mounter = make_mounter (f, FALSE,
        "{\"destination\": \"/cg2\", \"type\": \"cgroup2\", \"source\": \"cgroup2\", \"options\": [\"ro\"]}",
        NULL, NULL);
      ns = apply (mounter);
      out = run_in (ns, "grep ' /cg2 ' /proc/self/mountinfo | cut -d' ' -f9; test -e /cg2/cgroup.procs && echo v2",
                    NULL);
      g_assert_cmpstr (out, ==, "cgroup2\nv2\n");
    }
  test_namespaces = saved;
  assert_host_unchanged (f);
}

/* erofs images: as root a submount from an image (mkfs.erofs from
 * erofs-utils builds it); in a user namespace the kernel refuses erofs,
 * and the error says so (see failure-leaves-nothing). */
static void
test_erofs (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *mkfs = g_find_program_in_path ("mkfs.erofs");
  g_autofree char *image = NULL;
  g_autofree char *content = NULL;
  g_autofree char *mounts = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (mkfs == NULL)
    {
      g_test_skip ("mkfs.erofs (erofs-utils) is not installed");
      return;
    }
  content = g_build_filename (f->bundle, "image-content", NULL);
  image = g_build_filename (f->bundle, "image.erofs", NULL);
  make_dir (content, "d");
  write_file (content, "d/f", "from the image\n");
  {
    const char *argv[] = { mkfs, "--quiet", image, content, NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, 0);
  }
  mounts = g_strdup_printf ("{\"destination\": \"/img\", \"type\": \"erofs\", \"source\": \"%s\"}", image);
  {
    g_autoptr(SvfsMounter) mounter = make_mounter (f, FALSE, mounts, NULL, NULL);
    g_autoptr(SvfsMountPlan) plan = svfs_mounter_compile (mounter, &error);
    g_autoptr(SvfsMountNamespace) ns = NULL;

    g_assert_no_error (error);
    ns = svfs_mounter_apply (mounter, plan, NULL, &error);
    if (geteuid () != 0)
      {
        g_assert_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED);
        g_assert_nonnull (strstr (error->message, "mounts[1] \"/img\""));
        g_assert_nonnull (strstr (error->message, "erofs"));
      }
    else if (ns == NULL && g_error_matches (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED))
      /* A kernel without erofs: the error names the mount. */
      g_assert_nonnull (strstr (error->message, "mounts[1] \"/img\""));
    else
      {
        g_autofree char *out = NULL;

        g_assert_no_error (error);
        out = run_in (ns, "cat /img/d/f; grep ' /img ' /proc/self/mountinfo | sed 's/.* - //' | cut -d' ' -f1", NULL);
        g_assert_cmpstr (out, ==, "from the image\nerofs\n");
      }
  }
  assert_host_unchanged (f);
}

/* overlay2 all:self with a read-only root (which gets no overlay): the
 * upper of a bind inside the rootfs cannot be whited out in the root's
 * upper, so an empty read-only tmpfs covers it. */
static void
test_self_upper_under_readonly_root (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;
  g_autofree char *out = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* Every mount point exists: the root gets no memory overlay. */
  for (guint i = 0; i < 5; i++)
    make_dir (f->rootfs, (const char *[]) { "data", "proc", "sys", "dev", "tmp" }[i]);
  write_file (f->rootfs, "data/file", "lower\n");
  before = g_strdup_printf ("%s/data/file", f->rootfs);

  mounter = make_mounter (f, TRUE,
    "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"rootfs/data\", \"options\": [\"rbind\"]}",
    NULL, "all:self");
  ns = apply (mounter);
  g_assert_cmpuint (count_prefixed (f->rootfs, ".sandboxvfs-upper.data."), ==, 1);
  out = run_in (ns, "echo changed > /data/file; cat /data/file; "
                    "u=$(ls -d /.sandboxvfs-upper.data.*) && ls -A $u | wc -l; "
                    "grep \" $u \" /proc/self/mountinfo | cut -d' ' -f6 | cut -d, -f1; "
                    "grep \" $u \" /proc/self/mountinfo | sed 's/.* - //' | cut -d' ' -f1; "
                    "touch $u/x 2>/dev/null || echo refused; touch /new 2>/dev/null || echo read-only", NULL);
  g_assert_cmpstr (out, ==, "changed\n0\nro\ntmpfs\nrefused\nread-only\n");
  after = read_file (before);
  g_assert_cmpstr (after, ==, "lower\n");
  svfs_mount_namespace_close (ns);
  g_clear_object (&ns);
  g_assert_cmpuint (count_prefixed (f->rootfs, ".sandboxvfs-upper."), ==, 0);
  assert_host_unchanged (f);
}

/* The root from an erofs image (dev.gvisor.spec.rootfs.* hint), as root:
 * read-only as it is, or under a memory overlay ("self" has no place next
 * to an image: memory).  As a user: refused, naming the root. */
static void
test_erofs_root (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *mkfs = g_find_program_in_path ("mkfs.erofs");
  g_autofree char *image = NULL;
  g_autofree char *content = NULL;
  g_autoptr(GError) error = NULL;
  /* overlay2=none and no overlay in the hint; the hint's "self". */
  static const char * const overlays[] = { "", ", \"dev.gvisor.spec.rootfs.overlay\": \"self\"" };
  int status = 0;

  if (mkfs == NULL)
    {
      g_test_skip ("mkfs.erofs (erofs-utils) is not installed");
      return;
    }
  content = g_build_filename (f->bundle, "root-content", NULL);
  image = g_build_filename (f->bundle, "root.erofs", NULL);
  for (guint i = 0; i < 6; i++)
    make_dir (content, (const char *[]) { "etc", "usr", "proc", "sys", "dev", "tmp" }[i]);
  make_link (content, "bin", "usr/bin");
  make_link (content, "lib", "usr/lib");
  make_link (content, "lib64", "usr/lib64");
  write_file (content, "etc/hostname", "image\n");
  {
    const char *argv[] = { mkfs, "--quiet", image, content, NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, 0);
  }

  for (guint k = 0; k < G_N_ELEMENTS (overlays); k++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"ociVersion\": \"1.0.2\","
        " \"process\": {\"args\": [\"/bin/true\"], \"env\": [\"PATH=/usr/bin:/bin\"], \"cwd\": \"/\"},"
        " \"root\": {\"path\": \"%s\"},"
        " \"mounts\": [{\"destination\": \"/usr\", \"type\": \"bind\", \"source\": \"/usr\","
        "               \"options\": [\"rbind\", \"ro\"]}],"
        " \"annotations\": {\"dev.gvisor.spec.rootfs.source\": \"%s\","
        "                   \"dev.gvisor.spec.rootfs.type\": \"erofs\"%s},"
        " \"linux\": {\"namespaces\": [%s]}}",
        f->rootfs, image, overlays[k], test_namespaces);
      g_autoptr(SvfsSpec) spec = svfs_spec_new_from_data (json, -1, &error);
      g_autoptr(SvfsConfig) config = svfs_config_new ();
      g_autoptr(SvfsMounter) mounter = NULL;
      g_autoptr(SvfsMountNamespace) ns = NULL;
      g_autofree char *out = NULL;

      g_assert_no_error (error);
      svfs_spec_set_bundle_dir (spec, f->bundle);
      svfs_config_set (config, "overlay2", "none", &error);
      g_assert_no_error (error);
      mounter = svfs_mounter_new (spec, config);
      ns = svfs_mounter_apply (mounter, NULL, NULL, &error);
      if (geteuid () != 0)
        {
          g_assert_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED);
          g_assert_nonnull (strstr (error->message, "root \""));
          g_assert_nonnull (strstr (error->message, "erofs"));
          g_assert_null (ns);
          g_clear_error (&error);
          break;
        }
      g_assert_no_error (error);
      out = run_in (ns, "cat /etc/hostname; "
                        "grep -E '^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / ' /proc/self/mountinfo | sed 's/.* - //' | cut -d' ' -f1; "
                        "(echo x > /new) 2>/dev/null && cat /new || echo read-only", NULL);
      g_assert_cmpstr (out, ==, k == 0 ? "image\nerofs\nread-only\n" : "image\noverlay\nx\n");
      svfs_mount_namespace_close (ns);
    }
  assert_host_unchanged (f);
}

/* As root, for another user (svfs_mounter_set_owner): the user namespace
 * belongs to the owner and maps its ids, and only those, to 0; what is
 * spawned runs as the owner without groups; a process of the owner can
 * setns() into the user and mount namespaces and finds every mount
 * locked.  As a user: refused.  The two ids go together. */
static void
test_owner (Fixture       *f,
            gconstpointer  data)
{
  static const char scratch[] =
    "{\"destination\": \"/scratch\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}";
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *status_path = NULL;
  g_autofree char *status = NULL;
  guint uid = 0, gid = 0;
  uid_t owner = 0;
  int userns, mntns, wstatus = 0;
  pid_t child;

  mounter = make_mounter (f, FALSE, scratch, NULL, NULL);
  g_assert_false (svfs_mounter_get_owner (mounter, NULL, NULL));
  if (geteuid () != 0)
    {
      svfs_mounter_set_owner (mounter, geteuid () + 1, getegid () + 1);
      ns = svfs_mounter_apply (mounter, NULL, NULL, &error);
      g_assert_error (error, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED);
      g_assert_null (ns);
      assert_host_unchanged (f);
      return;
    }

  g_object_set (mounter, "owner-uid", (gint64) 65534, NULL);
  ns = svfs_mounter_apply (mounter, NULL, NULL, &error);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG);
  g_assert_null (ns);
  g_clear_error (&error);

  svfs_mounter_set_owner (mounter, 65534, 65534);
  g_assert_true (svfs_mounter_get_owner (mounter, &uid, &gid));
  g_assert_cmpuint (uid, ==, 65534);
  g_assert_cmpuint (gid, ==, 65534);
  ns = apply (mounter);

  userns = svfs_mount_namespace_dup_user_ns_fd (ns, &error);
  g_assert_no_error (error);
  mntns = svfs_mount_namespace_dup_mount_ns_fd (ns, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ioctl (userns, NS_GET_OWNER_UID, &owner), ==, 0);
  g_assert_cmpuint (owner, ==, 65534);

  /* The holder is the owner on the host, and not dumpable. */
  status_path = g_strdup_printf ("/proc/%d/status", (int) svfs_mount_namespace_get_pid (ns));
  status = read_file (status_path);
  g_assert_nonnull (strstr (status, "\nUid:\t65534\t65534\t65534\t65534\n"));
  g_assert_true (g_regex_match_simple ("\\nGroups:[ \\t]*\\n", status, 0, 0));

  out = run_in (ns, "for m in uid_map gid_map; do read a b c </proc/self/$m; echo $a $b $c; done; id -u; id -G; "
                    "stat -c '%u %g' /scratch; umount /usr 2>/dev/null || echo locked; cat /etc/hostname",
                NULL);
  g_assert_cmpstr (out, ==, "0 65534 1\n0 65534 1\n0\n0\n0 0\nlocked\nrootfs\n");

  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      /* The owner: it may join, and then cannot take the view apart. */
      char buf[16] = "";
      int fd, code = 0;

      if (syscall (SYS_setgroups, 0, NULL) < 0 || syscall (SYS_setresgid, 65534, 65534, 65534) < 0 ||
          syscall (SYS_setresuid, 65534, 65534, 65534) < 0)
        _exit (10);
      if (setns (userns, CLONE_NEWUSER) < 0)
        _exit (11);
      if (setns (mntns, CLONE_NEWNS) < 0)
        _exit (12);
      if (getuid () != 0 || chdir ("/") < 0)
        _exit (13);
      fd = open ("/etc/hostname", O_RDONLY | O_CLOEXEC);
      if (fd < 0 || read (fd, buf, sizeof buf - 1) != 7 || strcmp (buf, "rootfs\n") != 0)
        code |= 1;
      if (umount2 ("/usr", MNT_DETACH) == 0 || errno != EINVAL)
        code |= 2;
      if (umount2 ("/proc", 0) == 0 || errno != EINVAL)
        code |= 4;
      if (mount (NULL, "/usr", NULL, MS_REMOUNT | MS_BIND, NULL) == 0 || errno != EPERM)
        code |= 8;
      if (mount (NULL, "/scratch", NULL, MS_REMOUNT | MS_BIND | MS_NOSUID, NULL) == 0 || errno != EPERM)
        code |= 16;
      _exit (code);
    }
  close (userns);
  close (mntns);
  g_assert_cmpint (waitpid (child, &wstatus, 0), ==, child);
  g_assert_true (WIFEXITED (wstatus));
  g_assert_cmpint (WEXITSTATUS (wstatus), ==, 0);

  svfs_mount_namespace_close (ns);
  g_clear_object (&ns);
  assert_host_unchanged (f);
}

/* Whether one of the warnings of @ns contains @needle. */
static gboolean
has_warning (SvfsMountNamespace *ns,
             const char         *needle)
{
  const char * const *warnings = svfs_mount_namespace_get_warnings (ns);

  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    if (strstr (warnings[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

/* A mounter whose spec asks for a user namespace with @mappings (members
 * of "linux"), has @mounts_extra (JSON array members) after /usr and
 * /scratch, and runs as @uid:@gid inside. */
static SvfsMounter *
make_userns_mounter_with_mounts (Fixture    *f,
                                 const char *ns_extra,
                                 const char *mappings,
                                 const char *mounts_extra,
                                 guint       uid,
                                 guint       gid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsSpec) spec = NULL;
  g_autofree char *json = g_strdup_printf (
    "{\"ociVersion\": \"1.0.2\","
    " \"process\": {\"args\": [\"/bin/true\"], \"env\": [\"PATH=/usr/bin:/bin\"], \"cwd\": \"/\","
    "               \"user\": {\"uid\": %u, \"gid\": %u}},"
    " \"root\": {\"path\": \"%s\"},"
    " \"mounts\": [{\"destination\": \"/usr\", \"type\": \"bind\", \"source\": \"/usr\","
    "               \"options\": [\"rbind\", \"ro\"]},"
    "              {\"destination\": \"/scratch\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
    "               \"options\": [\"mode=1777\"]}%s%s],"
    " \"linux\": {\"namespaces\": [%s, {\"type\": \"user\"%s}], %s}}",
    uid, gid, f->rootfs, mounts_extra != NULL ? ", " : "", mounts_extra != NULL ? mounts_extra : "",
    test_namespaces, ns_extra, mappings);

  spec = svfs_spec_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  svfs_spec_set_bundle_dir (spec, f->bundle);
  return svfs_mounter_new (spec, NULL);
}

static SvfsMounter *
make_userns_mounter (Fixture    *f,
                     const char *ns_extra,
                     const char *mappings,
                     guint       uid,
                     guint       gid)
{
  return make_userns_mounter_with_mounts (f, ns_extra, mappings, NULL, uid, gid);
}

static void
assert_userns_refused (Fixture    *f,
                       const char *ns_extra,
                       const char *mappings,
                       int         code,
                       const char *needle)
{
  g_autoptr(SvfsMounter) mounter = make_userns_mounter (f, ns_extra, mappings, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMountNamespace) ns = svfs_mounter_apply (mounter, NULL, NULL, &error);

  g_assert_error (error, SVFS_ERROR, code);
  g_assert_null (ns);
  if (strstr (error->message, needle) == NULL)
    g_error ("\"%s\" not in \"%s\"", needle, error->message);
}

/* linux.namespaces asks for a user namespace with the spec's mappings.
 * As root: made with those maps (written by root, setgroups allowed), the
 * view built inside it; ids inside are the spec's, files show the mapped
 * ids on the host; bad mappings and joining one are refused.  As a user:
 * the mappings are ignored with a warning. */
static void
test_spec_userns (Fixture       *f,
                  gconstpointer  data)
{
  static const char maps[] =
    "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 1000},"
    "                  {\"containerID\": 1000, \"hostID\": 300000, \"size\": 10}],"
    "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 200000, \"size\": 2000}]";
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *path = NULL;
  g_autofree char *status = NULL;
  struct stat st;

  if (geteuid () != 0)
    {
      mounter = make_userns_mounter (f, "", maps, 0, 0);
      ns = apply (mounter);
      g_assert_true (has_warning (ns, "linux.uidMappings and linux.gidMappings are ignored"));
      out = run_in (ns, "read a b c </proc/self/uid_map; echo $a $b $c; id -u", NULL);
      path = g_strdup_printf ("0 %u 1\n0\n", (guint) geteuid ());
      g_assert_cmpstr (out, ==, path);
      svfs_mount_namespace_close (ns);
      g_clear_object (&ns);
      assert_host_unchanged (f);
      return;
    }

  assert_userns_refused (f, ", \"path\": \"/proc/1/ns/user\"", maps, SVFS_ERROR_UNSUPPORTED,
                         "joining the existing user namespace \"/proc/1/ns/user\"");
  assert_userns_refused (f, "", "\"uidMappings\": [], \"gidMappings\": []", SVFS_ERROR_INVALID_SPEC,
                         "linux.uidMappings: a user namespace created as root needs at least one mapping");
  assert_userns_refused (f, "",
                         "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 10},"
                         "                  {\"containerID\": 5, \"hostID\": 200000, \"size\": 10}],"
                         "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 10}]",
                         SVFS_ERROR_INVALID_SPEC, "linux.uidMappings[1]: overlaps linux.uidMappings[0]");
  assert_userns_refused (f, "",
                         "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 10}],"
                         "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 0}]",
                         SVFS_ERROR_INVALID_SPEC, "linux.gidMappings[0]: the mapping is empty");
  assert_host_unchanged (f);

  mounter = make_userns_mounter (f, "", maps, 1000, 1000);
  ns = apply (mounter);
  g_assert_false (has_warning (ns, "Mappings"));

  out = run_in (ns, "cat /proc/self/uid_map /proc/self/gid_map | tr -s ' ' | sed 's/^ //'; id -u; id -g; id -G; "
                    "touch /scratch/f; stat -c '%u %g' /scratch/f; cat /etc/hostname; "
                    "grep ' /usr ' /proc/self/mountinfo | grep -q nosuid && echo nosuid",
                NULL);
  g_assert_cmpstr (out, ==,
                   "0 100000 1000\n1000 300000 10\n0 200000 2000\n1000\n1000\n1000\n1000 1000\nrootfs\nnosuid\n");

  /* On the host: the holder is root of the namespace (100000:200000), the
   * file the process made belongs to the mapped ids. */
  path = g_strdup_printf ("/proc/%d/status", (int) svfs_mount_namespace_get_pid (ns));
  status = read_file (path);
  g_assert_nonnull (strstr (status, "\nUid:\t100000\t100000\t100000\t100000\n"));
  g_assert_nonnull (strstr (status, "\nGid:\t200000\t200000\t200000\t200000\n"));
  g_assert_true (g_regex_match_simple ("\\nGroups:[ \\t]*\\n", status, 0, 0));
  g_free (path);
  path = g_strdup_printf ("/proc/%d/root/scratch/f", (int) svfs_mount_namespace_get_pid (ns));
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_uid, ==, 300000);
  g_assert_cmpuint (st.st_gid, ==, 201000);

  svfs_mount_namespace_close (ns);
  g_clear_object (&ns);
  g_clear_object (&mounter);

  /* For an owner the mappings are ignored too, with a warning. */
  mounter = make_userns_mounter (f, "", maps, 0, 0);
  svfs_mounter_set_owner (mounter, 65534, 65534);
  ns = apply (mounter);
  g_assert_true (has_warning (ns, "ignored: the owner's user namespace maps only the owner (uid 65534, "
                                 "gid 65534)"));
  svfs_mount_namespace_close (ns);
  g_clear_object (&ns);
  assert_host_unchanged (f);
}

/* The OCI default /dev/pts (gid=5, the tty group) with a uid= too. */
/* Container ids 0 … 65535 from host id 100000 on. */
static const char maps_65536[] =
  "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],"
  "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]";

static const char devpts_with_ids[] =
  "{\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
  " \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\","
  "              \"gid=5\", \"uid=7\"]}";

/* The data of the mount at @dest in the table read back after apply. */
static char *
read_back_data (SvfsMountNamespace *ns,
                const char         *dest)
{
  GListModel *mounts = svfs_mount_namespace_get_mounts (ns);
  char *data = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (mounts); i++)
    {
      g_autoptr(SvfsPlannedMount) m = g_list_model_get_item (mounts, i);

      if (strcmp (svfs_planned_mount_get_destination (m), dest) == 0)
        {
          g_free (data);
          data = g_strdup (svfs_planned_mount_get_data (m));
        }
    }
  g_assert_nonnull (data);
  return data;
}

/* Applies @mounter and checks the data of /dev/pts in the table read
 * back: it has @want (NULL: no check) and not @unwanted (NULL: no check). */
static SvfsMountNamespace *
apply_and_check_devpts (SvfsMounter *mounter,
                        const char  *want,
                        const char  *unwanted)
{
  SvfsMountNamespace *ns = apply (mounter);
  g_autofree char *data = read_back_data (ns, "/dev/pts");

  if (want != NULL && !has_option (data, want))
    g_error ("/dev/pts: \"%s\" not in \"%s\"", want, data);
  if (unwanted != NULL && has_option (data, unwanted))
    g_error ("/dev/pts: \"%s\" in \"%s\"", unwanted, data);
  return ns;
}

/* devpts uid=/gid= in a user namespace.  As root creating the spec's user
 * namespace, an id the spec's mappings map is kept (mountinfo shows its
 * host id) and one they do not map is dropped with a warning naming the
 * mappings.  In an ordinary user's user namespace, which maps only the
 * caller to 0, both are dropped with a warning saying so. */
static void
test_devpts_ids_in_user_namespace (Fixture       *f,
                                   gconstpointer  data)
{
  static const char maps_without_gid_5[] =
    "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],"
    "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 5}]";
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;

  mounter = make_userns_mounter_with_mounts (f, "", maps_65536, devpts_with_ids, 0, 0);
  if (geteuid () != 0)
    {
      ns = apply_and_check_devpts (mounter, NULL, "gid=5");
      g_assert_true (has_warning (ns, "/dev/pts: dropped gid=5: the user namespace maps only id 0"));
      g_assert_true (has_warning (ns, "/dev/pts: dropped uid=7: the user namespace maps only id 0"));
    }
  else
    {
      ns = apply_and_check_devpts (mounter, "gid=100005", NULL);
      g_assert_false (has_warning (ns, "/dev/pts: dropped"));
      svfs_mount_namespace_close (ns);
      g_clear_object (&ns);
      g_clear_object (&mounter);

      mounter = make_userns_mounter_with_mounts (f, "", maps_without_gid_5, devpts_with_ids, 0, 0);
      ns = apply_and_check_devpts (mounter, "uid=100007", "gid=5");
      g_assert_true (has_warning (ns, "/dev/pts: dropped gid=5: linux.gidMappings do not map it"));
      g_assert_false (has_warning (ns, "dropped uid"));
      g_assert_false (has_warning (ns, "maps only id 0"));
    }
  svfs_mount_namespace_close (ns);
  g_clear_object (&ns);
  assert_host_unchanged (f);
}

/* The process gets process.user.umask (022 when absent, as runc) and
 * additionalGids as its supplementary groups.  In an ordinary user's user
 * namespace there can be none (setgroups is denied): a warning says the
 * spec's are ignored. */
static void
test_process_umask_and_groups (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;
  g_autoptr(SvfsMounter) plain_mounter = make_mounter (f, FALSE, NULL, NULL, NULL);
  g_autoptr(SvfsMountNamespace) plain = apply (plain_mounter);
  g_autofree char *out = NULL;
  g_autofree char *plain_out = NULL;
  const char *script = "grep -E '^(Umask|Groups):' /proc/self/status | tr -s '\\t ' ' '";

  test_user_extra = ", \"umask\": 23, \"additionalGids\": [5, 7]";
  mounter = make_mounter (f, FALSE, NULL, NULL, NULL);
  test_user_extra = "";
  ns = apply (mounter);
  out = run_in (ns, script, NULL);
  plain_out = run_in (plain, script, NULL);
  if (geteuid () == 0)
    {
      g_assert_cmpstr (out, ==, "Umask: 0027\nGroups: 5 7 \n");
      g_assert_false (has_warning (ns, "additionalGids"));
      g_assert_cmpstr (plain_out, ==, "Umask: 0022\nGroups: \n");
    }
  else
    {
      g_assert_true (g_str_has_prefix (out, "Umask: 0027\n"));
      g_assert_true (has_warning (ns, "process.user.additionalGids are ignored: an ordinary user's user "
                                      "namespace cannot have supplementary groups"));
      g_assert_true (g_str_has_prefix (plain_out, "Umask: 0022\n"));
    }
  svfs_mount_namespace_close (ns);
  svfs_mount_namespace_close (plain);
  assert_host_unchanged (f);
}

/* overlay2's ,size= limits a memory upper: its own tmpfs of that size.
 * Half a MiB fits, two more do not (ENOSPC), and the host's rootfs is
 * untouched either way. */
static void
test_overlay_size_limit (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SvfsMounter) mounter = make_mounter (f, FALSE, NULL, NULL, "root:memory,size=1m");
  g_autoptr(SvfsMountNamespace) ns = apply (mounter);
  g_autofree char *half = g_build_filename (f->rootfs, "half", NULL);
  g_autofree char *out = NULL;
  int status = -1;

  out = run_in (ns, "head -c 524288 /dev/zero > /half && echo fits; "
                    "head -c 2097152 /dev/zero > /more 2>/dev/null || echo full", &status);
  g_assert_cmpstr (out, ==, "fits\nfull\n");
  g_assert_false (g_file_test (half, G_FILE_TEST_EXISTS));
  svfs_mount_namespace_close (ns);
  assert_host_unchanged (f);
}

/* A pty can be had in every mode: /dev/ptmx (a link to pts/ptmx) opens.
 * In a user namespace every mount gets nodev but /dev and devpts: the
 * devpts instance is the container's own, holding only the ptys it makes,
 * and with nodev no process could open a terminal (script, ssh, a shell's
 * job control). */
static void
test_ptys (Fixture       *f,
           gconstpointer  data)
{
  /* Opening the master is what nodev forbids. */
  static const char script[] =
    "if (exec 3<>/dev/ptmx); then echo opened; else grep ' /dev/pts ' /proc/self/mountinfo; fi; "
    "ls /dev/pts | grep -c ptmx";

  for (guint spec_userns = 0; spec_userns < (geteuid () == 0 ? 2 : 1); spec_userns++)
    {
      g_autoptr(SvfsMounter) mounter = spec_userns ? make_userns_mounter_with_mounts (f, "", maps_65536, NULL, 0, 0)
                                                   : make_mounter (f, FALSE, NULL, NULL, NULL);
      g_autoptr(SvfsMountNamespace) ns = apply (mounter);
      g_autofree char *out = run_in (ns, script, NULL);

      if (g_strcmp0 (out, "opened\n1\n") != 0)
        g_error ("%s: /dev/ptmx does not open: %s", spec_userns ? "spec's user namespace" : "default", out);
      svfs_mount_namespace_close (ns);
    }
  assert_host_unchanged (f);
}

/* @rel in the one directory of @dir whose name starts with @prefix. */
static char *
upper_entry (const char *dir,
             const char *prefix,
             const char *rel)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  char *path = NULL;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix))
      {
        g_assert_null (path);
        path = g_build_filename (dir, name, rel, NULL);
      }
  g_assert_nonnull (path);
  return path;
}

/* An on-disk overlay (overlay2 dir=/abs and self) over a root whose
 * owner is the container's root is writable by it.  As root creating the
 * spec's user namespace the upper takes the lower root's owner and the work
 * directory belongs to the namespace's root, who builds the overlay (else
 * the kernel mounts it read-only); in an ordinary user's namespace both are
 * the caller's, root inside. */
static void
test_overlay_on_disk_in_user_namespace (Fixture       *f,
                                        gconstpointer  data)
{
  static const char maps[] =
    "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}],"
    "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 200000, \"size\": 65536}]";
  g_autofree char *media = NULL;
  g_autofree char *dir_medium = NULL;
  guint owner_uid = geteuid () == 0 ? 100000 : geteuid ();
  guint owner_gid = geteuid () == 0 ? 200000 : getegid ();

  media = g_build_filename (f->bundle, "media", NULL);
  g_assert_cmpint (g_mkdir (media, 0755), ==, 0);
  dir_medium = g_strconcat ("root:dir=", media, NULL);
  if (geteuid () == 0)
    g_assert_cmpint (lchown (f->rootfs, owner_uid, owner_gid), ==, 0);

  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SvfsMounter) mounter = make_userns_mounter (f, "", maps, 0, 0);
      g_autoptr(SvfsMountNamespace) ns = NULL;
      g_autofree char *out = NULL;
      g_autofree char *path = NULL;
      struct stat st;

      svfs_config_set (svfs_mounter_get_config (mounter), "overlay2", k == 0 ? dir_medium : "root:self", &error);
      g_assert_no_error (error);
      ns = apply (mounter);
      out = run_in (ns, "touch /newfile && stat -c '%u %g' /newfile", NULL);
      g_assert_cmpstr (out, ==, "0 0\n");
      path = upper_entry (k == 0 ? media : f->bundle, k == 0 ? "sandboxvfs-upper-" : ".sandboxvfs-upper.",
                          "upper/newfile");
      g_assert_cmpint (stat (path, &st), ==, 0);
      g_assert_cmpuint (st.st_uid, ==, owner_uid);
      g_assert_cmpuint (st.st_gid, ==, owner_gid);
      svfs_mount_namespace_close (ns);
      g_clear_object (&ns);
    }
  g_assert_cmpuint (count_prefixed (media, "sandboxvfs-upper-"), ==, 0);
  g_assert_cmpuint (count_prefixed (f->bundle, ".sandboxvfs-upper."), ==, 0);
  assert_host_unchanged (f);
}

/* Where a handler of the caller ran, other than in the caller: shared
 * with the caller's copies (fork), written from the handler. */
typedef struct {
  pid_t    caller;
  unsigned n;
  pid_t    pids[4096];
} HandlerRuns;

static HandlerRuns *handler_runs;

static void
record_handler_run (int sig)
{
  pid_t me = (pid_t) syscall (SYS_getpid);
  unsigned slot;

  if (me == handler_runs->caller)
    return;
  slot = __atomic_fetch_add (&handler_runs->n, 1, __ATOMIC_RELAXED);
  if (slot < G_N_ELEMENTS (handler_runs->pids))
    handler_runs->pids[slot] = me;
}

/* Sends SIGWINCH to the process group (the caller and its children) until
 * told to stop. */
static gpointer
signal_storm (gpointer data)
{
  volatile gint *stop = data;

  while (!g_atomic_int_get (stop))
    kill (0, SIGWINCH);
  return NULL;
}

/* Lowers the address-space limit so that no 128 KiB mapping fits: spawn
 * cannot map stacks for children that share its memory and falls back to
 * a plain fork.  Under AddressSanitizer it always does (and its shadow
 * memory makes the limit unusable). */
static void
force_spawn_fallback (struct rlimit *saved)
{
  g_assert_cmpint (getrlimit (RLIMIT_AS, saved), ==, 0);
#if !defined(__SANITIZE_ADDRESS__)
  {
    g_autofree char *status = read_file ("/proc/self/status");
    const char *vm = strstr (status, "\nVmSize:");
    struct rlimit low = *saved;
    void *probe;

    g_assert_nonnull (vm);
    low.rlim_cur = (rlim_t) g_ascii_strtoull (vm + strlen ("\nVmSize:"), NULL, 10) * 1024 + 96 * 1024;
    g_assert_cmpint (setrlimit (RLIMIT_AS, &low), ==, 0);
    probe = mmap (NULL, 128 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    g_assert_true (probe == MAP_FAILED);
  }
#endif
}

/* A process spawned into the namespace never runs a handler of the caller
 * before it execs (with a shared address space it would run on the
 * caller's memory; in a copy it would still act for the caller: write to
 * its wakeup pipes, its files), also when spawn falls back to a plain
 * fork.  The caller's process group gets SIGWINCH without pause while it
 * spawns; the handler records the pid it runs in, which must be none but
 * the caller's: neither the intermediate nor the spawned process. */
static void
test_spawn_runs_no_caller_handler (Fixture       *f,
                                   gconstpointer  data)
{
  const char *saved_namespaces = test_namespaces;
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;
  g_autoptr(GArray) children = g_array_new (FALSE, FALSE, sizeof (GPid));
  struct sigaction sa = { .sa_handler = record_handler_run, .sa_flags = SA_RESTART };
  const char *argv[] = { "/bin/true", NULL };
  struct rlimit saved_limit;
  volatile gint stop = 0;
  GThread *storm;

  if (!g_test_subprocess ())
    {
      /* In a process group of its own, where the storm hits only it. */
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  g_assert_cmpint (setpgid (0, 0), ==, 0);

  /* The spawned process's pid as its own getpid() sees it: no PID namespace. */
  test_namespaces = "{\"type\": \"mount\"}";
  mounter = make_mounter (f, FALSE, NULL, NULL, NULL);
  test_namespaces = saved_namespaces;
  ns = apply (mounter);

  handler_runs = mmap (NULL, sizeof *handler_runs, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  g_assert_true (handler_runs != MAP_FAILED);
  handler_runs->caller = getpid ();
  g_assert_cmpint (sigaction (SIGWINCH, &sa, NULL), ==, 0);
  storm = g_thread_new ("signal-storm", signal_storm, (gpointer) &stop);
  force_spawn_fallback (&saved_limit);

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GError) error = NULL;
      GPid pid = svfs_mount_namespace_spawn (ns, argv, NULL, NULL, &error);
      int status = -1;

      g_assert_no_error (error);
      g_array_append_val (children, pid);
      svfs_mount_namespace_wait (ns, pid, &status, &error);
      g_assert_no_error (error);
    }

  g_assert_cmpint (setrlimit (RLIMIT_AS, &saved_limit), ==, 0);
  g_atomic_int_set (&stop, 1);
  g_thread_join (storm);
  sa.sa_handler = SIG_DFL;
  g_assert_cmpint (sigaction (SIGWINCH, &sa, NULL), ==, 0);

  for (guint k = 0; k < MIN (handler_runs->n, G_N_ELEMENTS (handler_runs->pids)); k++)
    {
      gboolean child = FALSE;

      for (guint i = 0; i < children->len; i++)
        child |= handler_runs->pids[k] == g_array_index (children, GPid, i);
      g_error ("a handler of the caller ran in %s %d", child ? "spawned process" : "intermediate",
               (int) handler_runs->pids[k]);
    }
  g_assert_cmpuint (handler_runs->n, ==, 0);
  munmap (handler_runs, sizeof *handler_runs);
  handler_runs = NULL;
  svfs_mount_namespace_close (ns);
  g_clear_object (&ns);
  assert_host_unchanged (f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/svfs/mount-namespace/apply/table-matches-plan", test_table_matches_plan);
  ADD ("/svfs/mount-namespace/apply/auto-tmp-never-hides-files", test_auto_tmp);
  ADD ("/svfs/mount-namespace/safety/symlinks-stay-in-root", test_symlink_attacks);
  ADD ("/svfs/mount-namespace/safety/overlay-keeps-host-rootfs", test_overlay_keeps_host);
  ADD ("/svfs/mount-namespace/apply/readonly-root", test_readonly_root);
  ADD ("/svfs/mount-namespace/apply/overlay-none-and-tmpcopyup", test_overlay_none_and_tmpcopyup);
  ADD ("/svfs/mount-namespace/safety/failure-leaves-nothing", test_failure_leaves_nothing);
  ADD ("/svfs/mount-namespace/safety/holder-not-readable", test_holder_not_readable);
  ADD ("/svfs/mount-namespace/apply/source-fds", test_source_fds);
  ADD ("/svfs/mount-namespace/threads/caller-namespace-unchanged", test_threaded_caller);
  ADD ("/svfs/mount-namespace/threads/applying-thread-exits", test_applying_thread_exits);
  ADD ("/svfs/mount-namespace/apply/namespace-fds", test_namespace_fds);
  ADD ("/svfs/mount-namespace/apply/holder-ignores-signals", test_holder_signals);
  ADD ("/svfs/mount-namespace/apply/overlay-media-on-disk", test_overlay_media_on_disk);
  ADD ("/svfs/mount-namespace/apply/readonly-mounts-and-paths", test_readonly_mounts_and_paths);
  ADD ("/svfs/mount-namespace/apply/proc-sys-cgroup", test_proc_sys_cgroup);
  ADD ("/svfs/mount-namespace/apply/erofs", test_erofs);
  ADD ("/svfs/mount-namespace/apply/erofs-root-hint", test_erofs_root);
  ADD ("/svfs/mount-namespace/apply/self-upper-under-readonly-root", test_self_upper_under_readonly_root);
  ADD ("/svfs/mount-namespace/apply/owner", test_owner);
  ADD ("/svfs/mount-namespace/apply/spec-user-namespace", test_spec_userns);
  ADD ("/svfs/mount-namespace/apply/devpts-ids-in-user-namespace", test_devpts_ids_in_user_namespace);
  ADD ("/svfs/mount-namespace/apply/overlay-on-disk-in-user-namespace", test_overlay_on_disk_in_user_namespace);
  ADD ("/svfs/mount-namespace/spawn/no-caller-handler-in-child", test_spawn_runs_no_caller_handler);
  ADD ("/svfs/mount-namespace/apply/ptys", test_ptys);
  ADD ("/svfs/mount-namespace/spawn/umask-and-groups", test_process_umask_and_groups);
  ADD ("/svfs/mount-namespace/apply/overlay-size-limit", test_overlay_size_limit);

  return g_test_run ();
}
