/* test-mounter.c: the mount compiler — gVisor's container VFS semantics
 * (shared/reference/gvisor-vfs-behavior.md §5–§14) with the decisions of
 * shared/design/ARCHITECTURE.md.
 *
 * Plans are compared as text, one line per mount in mount order:
 *   "<destination> <type> <source> <data> <flags> <notes>"
 * with "-" for empty fields, so a test shows the whole expected plan.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include <libsandboxvfs.h>

#include "svfs-path-private.h"

/* The mandatory mounts and the auto-/tmp entry, as every plan without
 * spec mounts at those places shows them. */
#define PROC "/proc proc proc - nodev,noexec,nosuid -"
#define SYS "/sys sysfs sysfs - nodev,noexec,nosuid,ro -"
#define DEV "/dev dev dev mode=755,size=65536k nosuid,strictatime -"
#define DEVPTS "/dev/pts devpts devpts newinstance,ptmxmode=0666,mode=0620 noexec,nosuid -"
#define TMP "/tmp tmpfs tmpfs mode=1777 nodev,nosuid -"

typedef struct {
  char *bundle;       /* a temporary bundle directory */
  char *rootfs;       /* bundle/rootfs, created empty */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->bundle = g_dir_make_tmp ("svfs-mounter-XXXXXX", &error);
  g_assert_no_error (error);
  f->rootfs = g_build_filename (f->bundle, "rootfs", NULL);
  g_assert_cmpint (g_mkdir (f->rootfs, 0755), ==, 0);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  remove_tree (f->bundle);
  g_free (f->rootfs);
  g_free (f->bundle);
}

/* Wraps a "mounts" array (and more top-level members) into a spec. */
static SvfsSpec *
make_spec (Fixture    *f,
           const char *members)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf ("{\"ociVersion\": \"1.2.0\", "
                                           "\"root\": {\"path\": \"rootfs\"}%s%s}",
                                           members[0] != '\0' ? ", " : "", members);
  SvfsSpec *spec = svfs_spec_new_from_data (json, -1, &error);

  g_assert_no_error (error);
  svfs_spec_set_bundle_dir (spec, f->bundle);
  return spec;
}

static SvfsConfig *
make_config (const char * const *settings)
{
  SvfsConfig *config = svfs_config_new ();

  for (guint i = 0; settings != NULL && settings[i] != NULL; i += 2)
    {
      g_autoptr(GError) error = NULL;
      g_assert_true (svfs_config_set (config, settings[i], settings[i + 1], &error));
      g_assert_no_error (error);
    }
  return config;
}

static SvfsMountPlan *
compile_full (Fixture             *f,
              const char          *members,
              const char * const  *settings,
              int                  n_source_fds,
              GError             **error)
{
  g_autoptr(SvfsSpec) spec = make_spec (f, members);
  g_autoptr(SvfsConfig) config = make_config (settings);
  g_autoptr(SvfsMounter) mounter = svfs_mounter_new (spec, config);

  svfs_mounter_set_n_source_fds (mounter, n_source_fds);
  return svfs_mounter_compile (mounter, error);
}

static SvfsMountPlan *
compile_ok (Fixture    *f,
            const char *members)
{
  g_autoptr(GError) error = NULL;
  SvfsMountPlan *plan = compile_full (f, members, NULL, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

static void
compile_fails (Fixture             *f,
               const char          *members,
               const char * const  *settings,
               SvfsError            code,
               const char          *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMountPlan) plan = compile_full (f, members, settings, -1, &error);

  g_assert_null (plan);
  g_assert_error (error, SVFS_ERROR, (int) code);
  g_assert_cmpstr (error->message, ==, message);
}

static const char *
dash (const char *s)
{
  return s == NULL || s[0] == '\0' ? "-" : s;
}

static char *
notes_of (SvfsPlannedMount *m)
{
  g_autoptr(GString) s = g_string_new (NULL);
  SvfsOverlayMedium medium = svfs_planned_mount_get_overlay_medium (m);

  if (medium != SVFS_OVERLAY_MEDIUM_NONE)
    {
      g_autoptr(JsonNode) node = svfs_planned_mount_to_json (m);
      JsonObject *overlay = json_object_get_object_member (json_node_get_object (node), "overlay");
      g_string_append_printf (s, "overlay=%s", json_object_get_string_member (overlay, "medium"));
    }
  if (svfs_planned_mount_get_shared (m) != NULL)
    g_string_append_printf (s, "%sshared=%s", s->len ? "," : "", svfs_planned_mount_get_shared (m));
  if (svfs_planned_mount_get_tmpcopyup (m))
    g_string_append_printf (s, "%stmpcopyup", s->len ? "," : "");
  if (svfs_planned_mount_get_recursive (m))
    g_string_append_printf (s, "%srbind", s->len ? "," : "");
  if (svfs_planned_mount_get_source_fd_index (m) >= 0)
    g_string_append_printf (s, "%sfd=%d", s->len ? "," : "", svfs_planned_mount_get_source_fd_index (m));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The plan as text; bind sources under the bundle show as "@/…". */
static char *
plan_text (Fixture       *f,
           SvfsMountPlan *plan)
{
  g_autoptr(GString) s = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (plan));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsPlannedMount) m = g_list_model_get_item (G_LIST_MODEL (plan), i);
      g_autofree char *flags = svfs_planned_mount_dup_flags_string (m);
      g_autofree char *notes = notes_of (m);
      const char *source = svfs_planned_mount_get_source (m);
      g_autofree char *shown = NULL;

      if (g_str_has_prefix (source, f->bundle))
        shown = g_strconcat ("@", source + strlen (f->bundle), NULL);
      else
        shown = g_strdup (source);

      g_string_append_printf (s, "%s%s %s %s %s %s %s", i ? "\n" : "",
                              svfs_planned_mount_get_destination (m),
                              svfs_planned_mount_get_fs_type (m), dash (shown),
                              dash (svfs_planned_mount_get_data (m)), dash (flags), dash (notes));
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
assert_plan (Fixture       *f,
             SvfsMountPlan *plan,
             const char    *expected)
{
  g_autofree char *text = plan_text (f, plan);

  if (g_strcmp0 (text, expected) != 0)
    g_test_message ("plan:\n%s\nexpected:\n%s", text, expected);
  g_assert_cmpstr (text, ==, expected);
}

static void
assert_compiles_to (Fixture    *f,
                    const char *members,
                    const char *expected)
{
  g_autoptr(SvfsMountPlan) plan = compile_ok (f, members);
  assert_plan (f, plan, expected);
}

static void
assert_warnings (SvfsMountPlan *plan,
                 const char    *expected)
{
  g_autofree char *joined = g_strjoinv ("\n", (char **) svfs_mount_plan_get_warnings (plan));
  g_assert_cmpstr (joined, ==, expected);
}

static char *
skipped_text (SvfsMountPlan *plan)
{
  GListModel *skipped = svfs_mount_plan_get_skipped (plan);
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (skipped); i++)
    {
      g_autoptr(SvfsPlannedMount) m = g_list_model_get_item (skipped, i);
      g_string_append_printf (s, "%s%s %s: %s", i ? "\n" : "",
                              svfs_planned_mount_get_destination (m),
                              svfs_planned_mount_get_fs_type (m),
                              svfs_planned_mount_get_skip_reason (m));
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* ---------------------------------------------------------------------- */

static void
test_mandatory_added (Fixture *f, gconstpointer data)
{
  assert_compiles_to (f, "", SYS "\n" DEV "\n" PROC "\n" DEVPTS "\n" TMP);
}

static void
test_mandatory_not_duplicated (Fixture *f, gconstpointer data)
{
  /* Cleaned destinations count: "/proc/" is /proc. */
  assert_compiles_to (f,
    "\"mounts\": ["
    "{\"destination\": \"/proc/\", \"type\": \"proc\", \"source\": \"proc\"},"
    "{\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\", \"options\": [\"ro\"]},"
    "{\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"mode=755\"]},"
    "{\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\"}]",
    "/sys sysfs sysfs - ro -\n"
    "/dev dev tmpfs mode=755 - -\n"
    "/proc proc proc - - -\n"
    "/dev/pts devpts devpts - - -\n"
    TMP);
}

static void
test_destinations_cleaned (Fixture *f, gconstpointer data)
{
  assert_compiles_to (f,
    "\"mounts\": ["
    "{\"destination\": \"/a//b/\", \"type\": \"tmpfs\"},"
    "{\"destination\": \"/x/./y/../z\", \"type\": \"tmpfs\"}]",
    SYS "\n" DEV "\n" "/a/b tmpfs tmpfs - - -\n" "/x/z tmpfs tmpfs - - -\n" PROC "\n" DEVPTS "\n" TMP);
}

static void
test_parents_before_children (Fixture *f, gconstpointer data)
{
  assert_compiles_to (f,
    "\"mounts\": ["
    "{\"destination\": \"/data/deep/er\", \"type\": \"tmpfs\"},"
    "{\"destination\": \"/data/deep\", \"type\": \"tmpfs\"},"
    "{\"destination\": \"/data\", \"type\": \"tmpfs\"}]",
    SYS "\n" DEV "\n" PROC "\n"
    "/data tmpfs tmpfs - - -\n"
    DEVPTS "\n"
    "/data/deep tmpfs tmpfs - - -\n"
    "/data/deep/er tmpfs tmpfs - - -\n"
    TMP);
}

static void
test_equal_lengths_keep_spec_order (Fixture *f, gconstpointer data)
{
  /* Same length as /proc (5 bytes): spec mounts follow the mandatory one. */
  assert_compiles_to (f,
    "\"mounts\": ["
    "{\"destination\": \"/bbbb\", \"type\": \"tmpfs\"},"
    "{\"destination\": \"/aaaa\", \"type\": \"tmpfs\"}]",
    "/sys sysfs sysfs - nodev,noexec,nosuid,ro -\n"
    "/dev dev dev mode=755,size=65536k nosuid,strictatime -\n"
    "/proc proc proc - nodev,noexec,nosuid -\n"
    "/bbbb tmpfs tmpfs - - -\n"
    "/aaaa tmpfs tmpfs - - -\n"
    DEVPTS "\n" TMP);
}

static void
test_stable_with_many_equal_lengths (Fixture *f, gconstpointer data)
{
  g_autoptr(GString) members = g_string_new ("\"mounts\": [");
  g_autoptr(GString) expected = g_string_new (SYS "\n" DEV "\n");
  g_autoptr(SvfsMountPlan) plan = NULL;

  /* 20 destinations of equal length, deliberately not in lexical order:
   * more than gVisor's insertion-sort threshold of 12. */
  for (int i = 19; i >= 0; i--)
    {
      g_string_append_printf (members, "%s{\"destination\": \"/m%02d\", \"type\": \"tmpfs\"}",
                              i == 19 ? "" : ",", i);
      g_string_append_printf (expected, "/m%02d tmpfs tmpfs - - -\n", i);
    }
  g_string_append (members, "]");
  g_string_append (expected, PROC "\n" DEVPTS "\n" TMP);

  plan = compile_ok (f, members->str);
  assert_plan (f, plan, expected->str);
}

static void
test_bind_conversion (Fixture *f, gconstpointer data)
{
  /* Type "none" with rbind is a bind mount, also at /dev; "none" without
   * bind is sysfs. */
  assert_compiles_to (f,
    "\"mounts\": ["
    "{\"destination\": \"/dev\", \"type\": \"none\", \"source\": \"/srv/dev\", \"options\": [\"rbind\"]},"
    "{\"destination\": \"/data\", \"type\": \"none\", \"source\": \"data\", \"options\": [\"bind\", \"ro\"]},"
    "{\"destination\": \"/s\", \"type\": \"none\", \"source\": \"none\"}]",
    "/s sysfs none - - -\n"
    SYS "\n"
    "/dev bind /srv/dev - - rbind,fd=1\n"
    PROC "\n"
    "/data bind @/data - ro fd=2\n"
    DEVPTS "\n" TMP);
}

static void
test_dev_and_devpts_forced (Fixture *f, gconstpointer data)
{
  assert_compiles_to (f,
    "\"mounts\": ["
    "{\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"mode=755\", \"size=1m\"]},"
    "{\"destination\": \"/dev/pts\", \"type\": \"tmpfs\", \"source\": \"devpts\", \"options\": [\"newinstance\", \"ptmxmode=0666\"]}]",
    SYS "\n"
    "/dev dev tmpfs mode=755,size=1m nosuid -\n"
    PROC "\n"
    "/dev/pts devpts devpts newinstance,ptmxmode=0666 - -\n"
    TMP);
}

/* Compiles @members and checks both the plan and its skipped mounts. */
static void
assert_compiles_and_skips (Fixture    *f,
                           const char *members,
                           const char *expected_plan,
                           const char *expected_skipped)
{
  g_autoptr(SvfsMountPlan) plan = compile_ok (f, members);
  g_autofree char *skipped = skipped_text (plan);

  assert_plan (f, plan, expected_plan);
  g_assert_cmpstr (skipped, ==, expected_skipped);
}

#define SUPERSEDED ": superseded by the mount at /sys/fs/cgroup"
/* A cgroup spec mount at @dest, its JSON object left open for options. */
#define CGROUP_AT(dest) "{\"destination\": \"" dest "\", \"type\": \"cgroup\", \"source\": \"cgroup\""
/* The mandatory mounts, sorted, when the spec has none of them. */
#define MANDATORY SYS "\n" DEV "\n" PROC "\n" DEVPTS "\n"

static void
test_cgroup_dedup_both_positions (Fixture *f, gconstpointer data)
{
  assert_compiles_and_skips (f,
    "\"mounts\": ["
    CGROUP_AT ("/sys/fs/cgroup/cpu") ", \"options\": [\"cpu\"]},"
    CGROUP_AT ("/sys/fs/cgroup") ", \"options\": [\"ro\"]},"
    CGROUP_AT ("/sys/fs/cgroup/memory") ", \"options\": [\"memory\"]}]",
    MANDATORY
    "/sys/fs/cgroup cgroup cgroup - ro -\n" TMP,
    "/sys/fs/cgroup/cpu cgroup" SUPERSEDED "\n"
    "/sys/fs/cgroup/memory cgroup" SUPERSEDED);
}

static void
test_cgroup_kept_without_root (Fixture *f, gconstpointer data)
{
  assert_compiles_to (f,
    "\"mounts\": ["
    CGROUP_AT ("/sys/fs/cgroup/cpu") ", \"options\": [\"cpu\", \"nosuid\"]}]",
    MANDATORY
    "/sys/fs/cgroup/cpu cgroup cgroup cpu nosuid -\n" TMP);
}

static void
test_cgroup_dedup_same_destination (Fixture *f, gconstpointer data)
{
  /* The first mount at /sys/fs/cgroup is the one; any other cgroup mount
   * goes, also one at /sys/fs/cgroup itself (gVisor §5.2 step 2). */
  assert_compiles_and_skips (f,
    "\"mounts\": ["
    CGROUP_AT ("/sys/fs/cgroup") ", \"options\": [\"ro\"]},"
    CGROUP_AT ("/sys/fs/cgroup/") "}]",
    MANDATORY
    "/sys/fs/cgroup cgroup cgroup - ro -\n" TMP,
    "/sys/fs/cgroup cgroup" SUPERSEDED);
  assert_compiles_and_skips (f,
    "\"mounts\": ["
    "{\"destination\": \"/sys/fs/cgroup\", \"type\": \"tmpfs\"},"
    CGROUP_AT ("/sys/fs/cgroup") "}]",
    MANDATORY
    "/sys/fs/cgroup tmpfs tmpfs - - -\n" TMP,
    "/sys/fs/cgroup cgroup" SUPERSEDED);
}

static void
test_cgroup_dropped_is_not_mandatory (Fixture *f, gconstpointer data)
{
  /* A dropped cgroup mount does not stand in for a mandatory mount: the
   * plan still gets its /proc and /sys. */
  assert_compiles_and_skips (f,
    "\"mounts\": ["
    CGROUP_AT ("/sys/fs/cgroup") "},"
    CGROUP_AT ("/proc") "},"
    CGROUP_AT ("/sys") "}]",
    MANDATORY
    "/sys/fs/cgroup cgroup cgroup - - -\n" TMP,
    "/proc cgroup" SUPERSEDED "\n"
    "/sys cgroup" SUPERSEDED);
}

static void
test_rootfs_propagation_empty_is_unset (Fixture *f, gconstpointer data)
{
  /* "" is an unset rootfsPropagation, as for runsc and runc (Go reads an
   * empty string and an absent member alike). */
  assert_compiles_to (f, "\"linux\": {\"rootfsPropagation\": \"\"}",
                      SYS "\n" DEV "\n" PROC "\n" DEVPTS "\n" TMP);
}

static void
test_gofer_options_on_bind (Fixture *f, gconstpointer data)
{
  /* gVisor's own gofer options are not unknown on a bind mount: runsc
   * takes them; there is no gofer here, so they are ignored, with a
   * warning. */
  g_autoptr(SvfsMountPlan) plan = compile_ok (f,
    "\"mounts\": [{\"destination\": \"/b\", \"type\": \"none\", \"source\": \"/srv\","
    " \"options\": [\"rbind\", \"overlayfs_stale_read\", \"disable_file_handle_sharing\", \"dcache=100\"]}]");

  assert_plan (f, plan,
    "/b bind /srv - - rbind,fd=1\n" SYS "\n" DEV "\n" PROC "\n" DEVPTS "\n" TMP);
  assert_warnings (plan,
    "ignoring gVisor gofer option \"overlayfs_stale_read\" on /b: there is no gofer\n"
    "ignoring gVisor gofer option \"disable_file_handle_sharing\" on /b: there is no gofer\n"
    "ignoring gVisor gofer option \"dcache=100\" on /b: there is no gofer");
}

static void
test_flags_last_wins (Fixture *f, gconstpointer data)
{
  assert_compiles_to (f,
    "\"mounts\": ["
    "{\"destination\": \"/a\", \"type\": \"tmpfs\", \"options\": [\"ro\", \"rw\"]},"
    "{\"destination\": \"/b\", \"type\": \"tmpfs\", \"options\": [\"rw\", \"ro\"]},"
    "{\"destination\": \"/c\", \"type\": \"tmpfs\", \"options\": [\"noatime\", \"relatime\"]},"
    "{\"destination\": \"/d\", \"type\": \"tmpfs\", \"options\": [\"noatime\", \"atime\"]},"
    "{\"destination\": \"/e\", \"type\": \"tmpfs\", \"options\": [\"relatime\", \"strictatime\", \"nodiratime\"]},"
    "{\"destination\": \"/f\", \"type\": \"tmpfs\", \"options\": [\"nosuid\", \"suid\", \"nodev\", \"dev\", \"noexec\", \"exec\", \"nodiratime\", \"diratime\"]},"
    "{\"destination\": \"/g\", \"type\": \"tmpfs\", \"options\": [\"suid\", \"nosuid\", \"dev\", \"nodev\", \"exec\", \"noexec\", \"strictatime\", \"noatime\"]}]",
    "/a tmpfs tmpfs - - -\n"
    "/b tmpfs tmpfs - ro -\n"
    "/c tmpfs tmpfs - relatime -\n"
    "/d tmpfs tmpfs - - -\n"
    "/e tmpfs tmpfs - nodiratime,strictatime -\n"
    "/f tmpfs tmpfs - - -\n"
    "/g tmpfs tmpfs - noatime,nodev,noexec,nosuid -\n"
    SYS "\n" DEV "\n" PROC "\n" DEVPTS "\n" TMP);
}

static void
test_two_equals_rejected_for_every_type (Fixture *f, gconstpointer data)
{
  compile_fails (f,
    "\"mounts\": [{\"destination\": \"/x\", \"type\": \"tmpfs\", \"options\": [\"ro\", \"a=b=c\"]}]",
    NULL, SVFS_ERROR_INVALID_OPTION, "mounts[0] \"/x\": options[1]: invalid option \"a=b=c\"");
  compile_fails (f,
    "\"mounts\": [{\"destination\": \"/p\", \"type\": \"tmpfs\"},"
    "{\"destination\": \"/proc\", \"type\": \"proc\", \"options\": [\"hidepid=2=3\"]}]",
    NULL, SVFS_ERROR_INVALID_OPTION, "mounts[1] \"/proc\": options[0]: invalid option \"hidepid=2=3\"");
  compile_fails (f,
    "\"mounts\": [{\"destination\": \"/b\", \"type\": \"bind\", \"source\": \"/x\", \"options\": [\"x=1=2\"]}]",
    NULL, SVFS_ERROR_INVALID_OPTION, "mounts[0] \"/b\": options[0]: invalid option \"x=1=2\"");
}

static void
test_tmpfs_data_in_spec_order (Fixture *f, gconstpointer data)
{
  assert_compiles_to (f,
    "\"mounts\": [{\"destination\": \"/scratch\", \"type\": \"tmpfs\", \"source\": \"scratch\","
    " \"options\": [\"size=64m\", \"nosuid\", \"mode=1777\", \"uid=1000\", \"gid=1000\"]}]",
    SYS "\n" DEV "\n" PROC "\n" DEVPTS "\n"
    "/scratch tmpfs scratch size=64m,mode=1777,uid=1000,gid=1000 nosuid -\n" TMP);
}

static void
test_tmpfs_bad_data (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMountPlan) plan = compile_full (f,
    "\"mounts\": [{\"destination\": \"/t\", \"type\": \"tmpfs\", \"options\": [\"mode=999\"]}]",
    NULL, -1, &error);

  g_assert_null (plan);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION);
  g_assert_true (g_str_has_prefix (error->message, "mounts[0] \"/t\": options[0]: "));
  g_assert_nonnull (strstr (error->message, "999"));
  g_clear_error (&error);

  plan = compile_full (f,
    "\"mounts\": [{\"destination\": \"/t\", \"type\": \"tmpfs\", \"options\": [\"size=12q\"]}]",
    NULL, -1, &error);
  g_assert_null (plan);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION);
  g_assert_true (g_str_has_prefix (error->message, "mounts[0] \"/t\": options[0]: "));
  g_assert_nonnull (strstr (error->message, "12q"));
}

static void
test_unknown_option_on_bind_is_error (Fixture *f, gconstpointer data)
{
  compile_fails (f,
    "\"mounts\": [{\"destination\": \"/b\", \"type\": \"bind\", \"source\": \"/srv\", \"options\": [\"rbind\", \"frobnicate\"]}]",
    NULL, SVFS_ERROR_INVALID_OPTION, "mounts[0] \"/b\": options[1]: unknown mount option \"frobnicate\"");
}

static void
test_unknown_option_elsewhere_is_warning (Fixture *f, gconstpointer data)
{
  g_autoptr(SvfsMountPlan) plan = compile_ok (f,
    "\"mounts\": [{\"destination\": \"/data\", \"type\": \"tmpfs\", \"options\": [\"foo\", \"Size=1m\"]}]");

  assert_plan (f, plan, SYS "\n" DEV "\n" PROC "\n" "/data tmpfs tmpfs - - -\n" DEVPTS "\n" TMP);
  assert_warnings (plan,
                   "ignoring unknown mount option \"foo\" on /data\n"
                   "ignoring unknown mount option \"Size=1m\" on /data");
}

static void
test_unknown_type_skipped (Fixture *f, gconstpointer data)
{
  g_autoptr(SvfsMountPlan) plan = compile_ok (f,
    "\"mounts\": [{\"destination\": \"/x\", \"type\": \"weirdfs\", \"source\": \"w\"}]");
  g_autofree char *skipped = skipped_text (plan);
  g_autoptr(JsonNode) node = svfs_mount_plan_to_json_node (plan);
  JsonArray *arr = json_object_get_array_member (json_node_get_object (node), "skipped");
  JsonObject *entry = json_array_get_object_element (arr, 0);

  assert_plan (f, plan, SYS "\n" DEV "\n" PROC "\n" DEVPTS "\n" TMP);
  g_assert_cmpstr (skipped, ==, "/x weirdfs: unknown filesystem type");
  g_assert_cmpstr (json_object_get_string_member (entry, "destination"), ==, "/x");
  g_assert_cmpstr (json_object_get_string_member (entry, "type"), ==, "weirdfs");
  g_assert_cmpstr (json_object_get_string_member (entry, "reason"), ==, "unknown filesystem type");
}

static void
test_mqueue_planned (Fixture *f, gconstpointer data)
{
  assert_compiles_to (f,
    "\"mounts\": [{\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\", \"options\": [\"nosuid\", \"noexec\", \"nodev\"]}]",
    SYS "\n" DEV "\n" PROC "\n" DEVPTS "\n"
    "/dev/mqueue mqueue mqueue - nodev,noexec,nosuid -\n" TMP);
}

static void
test_root (Fixture *f, gconstpointer data)
{
  const char *none[] = { "overlay2", "none", NULL };
  const char *dir[] = { "overlay2", "root:dir=/var/tmp", NULL };
  const char *self[] = { "overlay2", "root:self", NULL };
  g_autoptr(SvfsMountPlan) plan = compile_ok (f, "");
  g_autoptr(SvfsMountPlan) p_none = compile_full (f, "", none, -1, NULL);
  g_autoptr(SvfsMountPlan) p_dir = compile_full (f, "", dir, -1, NULL);
  g_autoptr(SvfsMountPlan) p_self = compile_full (f, "", self, -1, NULL);

  /* root.path is relative: it resolves against the bundle. */
  g_assert_cmpstr (svfs_mount_plan_get_root_type (plan), ==, "bind");
  g_assert_cmpstr (svfs_mount_plan_get_root_source (plan), ==, f->rootfs);
  g_assert_false (svfs_mount_plan_get_root_readonly (plan));
  /* The default overlay2 is root:memory: the host rootfs is never written. */
  g_assert_cmpint (svfs_mount_plan_get_root_overlay_medium (plan), ==, SVFS_OVERLAY_MEDIUM_MEMORY);
  g_assert_cmpint (svfs_mount_plan_get_root_overlay_medium (p_none), ==, SVFS_OVERLAY_MEDIUM_NONE);
  g_assert_cmpint (svfs_mount_plan_get_root_overlay_medium (p_dir), ==, SVFS_OVERLAY_MEDIUM_DIR);
  g_assert_cmpstr (svfs_mount_plan_get_root_overlay_dir (p_dir), ==, "/var/tmp");
  g_assert_cmpint (svfs_mount_plan_get_root_overlay_medium (p_self), ==, SVFS_OVERLAY_MEDIUM_SELF);
  g_assert_cmpuint (svfs_mount_plan_get_n_source_fds (plan), ==, 1);
}

static void
test_root_readonly_has_no_overlay (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsSpec) spec = svfs_spec_new_from_data (
    "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"/abs/root\", \"readonly\": true}}", -1, &error);
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *root;

  g_assert_no_error (error);
  mounter = svfs_mounter_new (spec, NULL);
  plan = svfs_mounter_compile (mounter, &error);
  g_assert_no_error (error);
  g_assert_true (svfs_mount_plan_get_root_readonly (plan));
  g_assert_cmpint (svfs_mount_plan_get_root_overlay_medium (plan), ==, SVFS_OVERLAY_MEDIUM_NONE);

  node = svfs_mount_plan_to_json_node (plan);
  root = json_object_get_object_member (json_node_get_object (node), "root");
  g_assert_cmpstr (json_object_get_string_member (root, "source"), ==, "/abs/root");
  g_assert_true (json_object_get_boolean_member (root, "readonly"));
  g_assert_true (json_object_get_null_member (root, "overlay"));
}

static void
test_all_overlay_on_writable_binds (Fixture *f, gconstpointer data)
{
  const char *all[] = { "overlay2", "all:memory", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMountPlan) plan = compile_full (f,
    "\"mounts\": ["
    "{\"destination\": \"/rw\", \"type\": \"bind\", \"source\": \"/srv/rw\"},"
    "{\"destination\": \"/ro\", \"type\": \"bind\", \"source\": \"/srv/ro\", \"options\": [\"ro\"]},"
    "{\"destination\": \"/t\", \"type\": \"tmpfs\"}]",
    all, -1, &error);

  g_assert_no_error (error);
  assert_plan (f, plan,
    "/t tmpfs tmpfs - - -\n"
    "/rw bind /srv/rw - - overlay=memory,fd=1\n"
    "/ro bind /srv/ro - ro fd=2\n"
    SYS "\n" DEV "\n" PROC "\n" DEVPTS "\n" TMP);
}

/* overlay2's ,size= (and a rootfs hint's size=) is the size of a memory
 * upper: in the plan JSON as "size" next to the medium; an on-disk upper
 * has no size, which a warning says. */
static void
test_overlay_size (Fixture *f, gconstpointer data)
{
  const char *all[] = { "overlay2", "all:memory,size=64m", NULL };
  const char *self[] = { "overlay2", "all:self,size=64m", NULL };
  const char *mounts = "\"mounts\": [{\"destination\": \"/rw\", \"type\": \"bind\", \"source\": \"/srv/rw\"}]";
  g_autoptr(SvfsMountPlan) plan = compile_full (f, mounts, all, -1, NULL);
  g_autoptr(SvfsMountPlan) on_disk = compile_full (f, mounts, self, -1, NULL);
  g_autoptr(SvfsMountPlan) hinted = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) disk_node = NULL;
  g_autofree char *table = NULL;
  JsonObject *doc, *overlay;

  g_assert_nonnull (plan);
  node = svfs_mount_plan_to_json_node (plan);
  doc = json_node_get_object (node);
  overlay = json_object_get_object_member (json_object_get_object_member (doc, "root"), "overlay");
  g_assert_cmpstr (json_object_get_string_member (overlay, "medium"), ==, "memory");
  g_assert_cmpstr (json_object_get_string_member (overlay, "size"), ==, "64m");
  overlay = json_object_get_object_member (
    json_array_get_object_element (json_object_get_array_member (doc, "mounts"), 0), "overlay");
  g_assert_cmpstr (json_object_get_string_member (overlay, "size"), ==, "64m");
  table = svfs_mount_plan_to_table (plan);
  g_assert_nonnull (strstr (table, "overlay=memory,size=64m"));
  g_assert_cmpuint (g_strv_length ((char **) svfs_mount_plan_get_warnings (plan)), ==, 0);

  disk_node = svfs_mount_plan_to_json_node (on_disk);
  overlay = json_object_get_object_member (
    json_object_get_object_member (json_node_get_object (disk_node), "root"), "overlay");
  g_assert_cmpstr (json_object_get_string_member (overlay, "medium"), ==, "self");
  g_assert_false (json_object_has_member (overlay, "size"));
  assert_warnings (on_disk,
    "ignoring overlay size=64m on the root: an overlay on disk (self) has no size limit\n"
    "ignoring overlay size=64m on /rw: an overlay on disk (self) has no size limit");

  /* A rootfs hint's size is the root's. */
  hinted = compile_ok (f,
    "\"annotations\": {\"dev.gvisor.spec.rootfs.source\": \"/images/root\","
    " \"dev.gvisor.spec.rootfs.type\": \"bind\", \"dev.gvisor.spec.rootfs.overlay\": \"memory\","
    " \"dev.gvisor.spec.rootfs.options\": \"size=2g\"}");
  g_clear_pointer (&node, json_node_unref);
  node = svfs_mount_plan_to_json_node (hinted);
  overlay = json_object_get_object_member (
    json_object_get_object_member (json_node_get_object (node), "root"), "overlay");
  g_assert_cmpstr (json_object_get_string_member (overlay, "size"), ==, "2g");
}

static void
test_tmpcopyup (Fixture *f, gconstpointer data)
{
  g_autoptr(SvfsMountPlan) plan = compile_ok (f,
    "\"mounts\": ["
    "{\"destination\": \"/run\", \"type\": \"tmpfs\", \"options\": [\"tmpcopyup\", \"mode=755\"]},"
    "{\"destination\": \"/p\", \"type\": \"proc\", \"options\": [\"tmpcopyup\"]}]");
  g_autoptr(JsonNode) node = svfs_mount_plan_to_json_node (plan);
  JsonArray *mounts = json_object_get_array_member (json_node_get_object (node), "mounts");
  JsonObject *run = json_array_get_object_element (mounts, 3);

  assert_plan (f, plan,
    "/p proc proc - - -\n"
    SYS "\n" DEV "\n"
    "/run tmpfs tmpfs mode=755 - tmpcopyup\n"
    PROC "\n" DEVPTS "\n" TMP);
  g_assert_cmpstr (json_object_get_string_member (run, "destination"), ==, "/run");
  g_assert_true (json_object_get_boolean_member (run, "tmpcopyup"));
  g_assert_false (json_object_has_member (json_array_get_object_element (mounts, 0), "tmpcopyup"));
  assert_warnings (plan, "ignoring mount option \"tmpcopyup\" on /p: only a tmpfs can copy up");
}

static gboolean
plan_has_tmp (SvfsMountPlan *plan)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (plan));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsPlannedMount) m = g_list_model_get_item (G_LIST_MODEL (plan), i);
      if (svfs_planned_mount_get_spec_index (m) < 0 &&
          g_str_equal (svfs_planned_mount_get_destination (m), "/tmp"))
        return TRUE;
    }
  return FALSE;
}

static gboolean
auto_tmp_for (Fixture    *f,
              const char *members)
{
  g_autoptr(SvfsMountPlan) plan = compile_ok (f, members);
  return plan_has_tmp (plan);
}

static void
test_auto_tmp_spec_variants (Fixture *f, gconstpointer data)
{
  g_assert_true (auto_tmp_for (f, ""));
  g_assert_false (auto_tmp_for (f, "\"mounts\": [{\"destination\": \"/tmp\", \"type\": \"tmpfs\"}]"));
  /* Cleaned: "/tmp/" and "//tmp" are /tmp. */
  g_assert_false (auto_tmp_for (f, "\"mounts\": [{\"destination\": \"/tmp/\", \"type\": \"tmpfs\"}]"));
  g_assert_false (auto_tmp_for (f, "\"mounts\": [{\"destination\": \"//tmp\", \"type\": \"tmpfs\"}]"));
  /* A mount below /tmp. */
  g_assert_false (auto_tmp_for (f, "\"mounts\": [{\"destination\": \"/tmp/x\", \"type\": \"bind\", \"source\": \"/s\"}]"));
  /* /tmpfoo is not below /tmp. */
  g_assert_true (auto_tmp_for (f, "\"mounts\": [{\"destination\": \"/tmpfoo\", \"type\": \"tmpfs\"}]"));
}

static void
test_auto_tmp_rootfs (Fixture *f, gconstpointer data)
{
  g_autofree char *tmp = g_build_filename (f->rootfs, "tmp", NULL);
  g_autofree char *file = g_build_filename (tmp, "keep", NULL);
  g_autofree char *real = g_build_filename (f->rootfs, "realtmp", NULL);

  /* Missing → tmpfs. */
  g_assert_true (auto_tmp_for (f, ""));
  /* Empty directory → tmpfs. */
  g_assert_cmpint (g_mkdir (tmp, 0755), ==, 0);
  g_assert_true (auto_tmp_for (f, ""));
  /* Non-empty → never hide existing files. */
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  g_assert_false (auto_tmp_for (f, ""));
  g_unlink (file);
  g_rmdir (tmp);
  /* A regular file → no tmpfs. */
  g_assert_true (g_file_set_contents (tmp, "x", -1, NULL));
  g_assert_false (auto_tmp_for (f, ""));
  g_unlink (tmp);
  /* A dangling symlink counts as missing. */
  g_assert_cmpint (symlink ("nowhere", tmp), ==, 0);
  g_assert_true (auto_tmp_for (f, ""));
  g_unlink (tmp);
  /* An absolute symlink resolves inside the root, not on the host: the
   * host's /usr is not empty, the root's /usr does not exist. */
  g_assert_cmpint (symlink ("/usr", tmp), ==, 0);
  g_assert_true (auto_tmp_for (f, ""));
  g_unlink (tmp);
  /* ".." cannot climb out of the root either. */
  g_assert_cmpint (symlink ("../../../../usr", tmp), ==, 0);
  g_assert_true (auto_tmp_for (f, ""));
  g_unlink (tmp);
  /* A symlink to a non-empty directory inside the root is followed. */
  g_assert_cmpint (g_mkdir (real, 0755), ==, 0);
  file = (g_free (file), g_build_filename (real, "keep", NULL));
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  g_assert_cmpint (symlink ("/realtmp", tmp), ==, 0);
  g_assert_false (auto_tmp_for (f, ""));
}

static void
test_devices (Fixture *f, gconstpointer data)
{
  g_autoptr(SvfsMountPlan) plan = compile_ok (f,
    "\"linux\": {\"devices\": ["
    "{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229},"
    "{\"path\": \"/dev/sda\", \"type\": \"b\", \"major\": 8, \"minor\": 0, \"fileMode\": 384, \"uid\": 1, \"gid\": 2}]}");
  GListModel *devices = svfs_mount_plan_get_devices (plan);
  g_autoptr(SvfsDevice) fuse = g_list_model_get_item (devices, 0);
  g_autoptr(SvfsDevice) sda = g_list_model_get_item (devices, 1);

  g_assert_cmpuint (g_list_model_get_n_items (devices), ==, 2);
  g_assert_cmpstr (svfs_device_get_path (fuse), ==, "/dev/fuse");
  g_assert_cmpstr (svfs_device_get_device_type (fuse), ==, "c");
  g_assert_cmpint (svfs_device_get_major (fuse), ==, 10);
  g_assert_cmpint (svfs_device_get_minor (fuse), ==, 229);
  g_assert_cmpuint (svfs_device_get_mode (fuse), ==, 0666);
  g_assert_cmpuint (svfs_device_get_mode (sda), ==, 0600);
  g_assert_cmpuint (svfs_device_get_uid (sda), ==, 1);
  g_assert_cmpuint (svfs_device_get_gid (sda), ==, 2);
}

static void
test_source_fds_in_spec_order (Fixture *f, gconstpointer data)
{
  const char *members =
    "\"mounts\": ["
    "{\"destination\": \"/very/long/first\", \"type\": \"bind\", \"source\": \"/a\"},"
    "{\"destination\": \"/t\", \"type\": \"tmpfs\"},"
    "{\"destination\": \"/b\", \"type\": \"none\", \"source\": \"/b\", \"options\": [\"rbind\"]}]";
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMountPlan) plan = compile_full (f, members, NULL, 3, &error);

  g_assert_no_error (error);
  /* Dispensed before sorting: /very/long/first takes fd 1 though it is
   * mounted last. */
  assert_plan (f, plan,
    "/t tmpfs tmpfs - - -\n"
    "/b bind /b - - rbind,fd=2\n"
    SYS "\n" DEV "\n" PROC "\n" DEVPTS "\n"
    "/very/long/first bind /a - - fd=1\n" TMP);
  g_assert_cmpuint (svfs_mount_plan_get_n_source_fds (plan), ==, 3);

  g_clear_object (&plan);
  plan = compile_full (f, members, NULL, 2, &error);
  g_assert_null (plan);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS);
  g_assert_cmpstr (error->message, ==,
                   "expected 3 source fds (1 for the rootfs and 2 for bind mount sources), got 2");
  g_clear_error (&error);

  plan = compile_full (f, members, NULL, 4, &error);
  g_assert_null (plan);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS);
  g_assert_cmpstr (error->message, ==,
                   "expected 3 source fds (1 for the rootfs and 2 for bind mount sources), got 4");
}

static void
test_bind_without_source (Fixture *f, gconstpointer data)
{
  compile_fails (f,
    "\"mounts\": [{\"destination\": \"/b\", \"type\": \"none\", \"options\": [\"rbind\"]}]",
    NULL, SVFS_ERROR_INVALID_SPEC, "mounts[0] \"/b\": bind mount without a source");
}

static void
test_shared_file_access_with_overlay (Fixture *f, gconstpointer data)
{
  const char *shared[] = { "file-access", "shared", NULL };
  const char *shared_none[] = { "file-access", "shared", "overlay2", "none", NULL };
  g_autoptr(SvfsMountPlan) plan = NULL;

  compile_fails (f, "", shared, SVFS_ERROR_INVALID_CONFIG,
                 "overlay flag is incompatible with shared file access for rootfs");
  plan = compile_full (f, "", shared_none, -1, NULL);
  g_assert_nonnull (plan);
}

#define HINT(name, field, value) "\"dev.gvisor.spec.mount." name "." field "\": \"" value "\""
/* A tmpfs the pod shares, at @source, with @options. */
#define POD_TMPFS_HINT(name, source, options) \
  HINT (name, "source", source) "," HINT (name, "type", "tmpfs") "," \
  HINT (name, "share", "pod") "," HINT (name, "options", options)

static void
test_pod_hint_shared_mount (Fixture *f, gconstpointer data)
{
  g_autoptr(SvfsMountPlan) plan = compile_ok (f,
    "\"annotations\": {"
    POD_TMPFS_HINT ("cache", "/var/cache/pod", "rw,noexec,size=1m") ","
    HINT ("logs", "source", "/var/log/pod") ","
    HINT ("logs", "type", "bind") ","
    HINT ("logs", "share", "container") "},"
    "\"mounts\": ["
    "{\"destination\": \"/cache\", \"type\": \"bind\", \"source\": \"/var/cache/pod\", \"options\": [\"rbind\", \"noexec\", \"ro\"]},"
    "{\"destination\": \"/logs\", \"type\": \"bind\", \"source\": \"/var/log/pod\", \"options\": [\"rbind\"]}]");

  /* A tmpfs hint shared by the pod makes a shared tmpfs with the hint's
   * data and the view's own flags; a bind hint does not. */
  assert_plan (f, plan,
    SYS "\n" DEV "\n" PROC "\n"
    "/logs bind /var/log/pod - - rbind,fd=1\n"
    "/cache tmpfs /var/cache/pod size=1m noexec,ro shared=cache\n"
    DEVPTS "\n" TMP);
}

static void
test_pod_hint_options_once (Fixture *f, gconstpointer data)
{
  /* Two views of one shared mount: the hint's options are the hint's,
   * read once (one warning for its unknown option, naming the hint, not
   * one per view), and tmpcopyup, which a shared filesystem cannot do (it
   * is the pod's, not this view's), is refused with a warning wherever it
   * is asked for instead of being dropped silently. */
  g_autoptr(SvfsMountPlan) plan = compile_ok (f,
    "\"annotations\": {"
    POD_TMPFS_HINT ("cache", "/var/cache/pod", "size=1m,bogus,tmpcopyup") "},"
    "\"mounts\": ["
    "{\"destination\": \"/a\", \"type\": \"bind\", \"source\": \"/var/cache/pod\", \"options\": [\"rbind\"]},"
    "{\"destination\": \"/b\", \"type\": \"bind\", \"source\": \"/var/cache/pod\", \"options\": [\"rbind\", \"tmpcopyup\"]}]");

  assert_plan (f, plan,
    "/a tmpfs /var/cache/pod size=1m - shared=cache\n"
    "/b tmpfs /var/cache/pod size=1m - shared=cache\n"
    SYS "\n" DEV "\n" PROC "\n" DEVPTS "\n" TMP);
  assert_warnings (plan,
    "ignoring unknown mount option \"bogus\" on pod mount hint \"cache\"\n"
    "ignoring mount option \"tmpcopyup\" on pod mount hint \"cache\": a shared mount cannot copy up\n"
    "ignoring mount option \"tmpcopyup\" on /b: a shared mount cannot copy up");
}

static void
test_pod_hint_incompatible (Fixture *f, gconstpointer data)
{
  static const struct {
    const char *hint_options;
    const char *message;
  } cases[] = {
    { "ro", "cannot mount read-write shared mount because master is read-only" },
    { "noexec", "cannot mount exec enabled shared mount because master is noexec" },
    { "noatime", "cannot mount atime enabled shared mount because master is noatime" },
    { "nosuid", "cannot mount suid enabled shared mount because master is nosuid" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *members = g_strdup_printf (
        "\"annotations\": {"
        HINT ("vol", "source", "/v") "," HINT ("vol", "type", "tmpfs") ","
        HINT ("vol", "share", "container") "," HINT ("vol", "options", "%s") "},"
        "\"mounts\": [{\"destination\": \"/v\", \"type\": \"bind\", \"source\": \"/v\", \"options\": [\"rbind\"]}]",
        cases[i].hint_options);
      g_autofree char *message = g_strdup_printf ("mounts[0] \"/v\": %s (pod mount hint \"vol\")",
                                                  cases[i].message);

      compile_fails (f, members, NULL, SVFS_ERROR_INVALID_SPEC, message);
    }
}

static void
test_pod_hint_errors_are_invalid_spec (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  /* Hints are checked when the spec is loaded, so a spec with bad hints
   * never reaches the compiler. */
  g_autoptr(SvfsSpec) spec = svfs_spec_new_from_data (
    "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"annotations\": {"
    HINT ("a", "source", "/same") "," HINT ("a", "type", "tmpfs") "," HINT ("a", "share", "pod") ","
    HINT ("b", "source", "/same") "," HINT ("b", "type", "tmpfs") "," HINT ("b", "share", "pod") "}}",
    -1, &error);

  g_assert_null (spec);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
  g_assert_cmpstr (error->message, ==,
                   "annotations: mounts \"a\" and \"b\" have the same mount source \"/same\"");
}

static void
test_rootfs_hint (Fixture *f, gconstpointer data)
{
  g_autoptr(SvfsMountPlan) plan = compile_ok (f,
    "\"annotations\": {"
    "\"dev.gvisor.spec.rootfs.source\": \"/images/root.erofs\","
    "\"dev.gvisor.spec.rootfs.type\": \"erofs\","
    "\"dev.gvisor.spec.rootfs.overlay\": \"self\"}");

  /* The hint replaces root.path and the overlay2 medium. */
  g_assert_cmpstr (svfs_mount_plan_get_root_type (plan), ==, "erofs");
  g_assert_cmpstr (svfs_mount_plan_get_root_source (plan), ==, "/images/root.erofs");
  g_assert_cmpint (svfs_mount_plan_get_root_overlay_medium (plan), ==, SVFS_OVERLAY_MEDIUM_SELF);
  /* The rootfs of an erofs image cannot be read at plan time: /tmp is
   * planned and checked again when applying. */
  g_assert_true (plan_has_tmp (plan));
}

static void
test_rootfs_hint_without_overlay (Fixture *f, gconstpointer data)
{
  /* Unlike gVisor (doc/gvisor-compat.md), a hint without "overlay" keeps
   * overlay2's medium; an empty "overlay" turns it off. */
  g_autoptr(SvfsMountPlan) kept = compile_ok (f,
    "\"annotations\": {\"dev.gvisor.spec.rootfs.source\": \"/images/root\","
    " \"dev.gvisor.spec.rootfs.type\": \"bind\"}");
  g_autoptr(SvfsMountPlan) off = compile_ok (f,
    "\"annotations\": {\"dev.gvisor.spec.rootfs.source\": \"/images/root\","
    " \"dev.gvisor.spec.rootfs.type\": \"bind\", \"dev.gvisor.spec.rootfs.overlay\": \"\"}");

  g_assert_cmpstr (svfs_mount_plan_get_root_source (kept), ==, "/images/root");
  g_assert_cmpint (svfs_mount_plan_get_root_overlay_medium (kept), ==, SVFS_OVERLAY_MEDIUM_MEMORY);
  g_assert_cmpint (svfs_mount_plan_get_root_overlay_medium (off), ==, SVFS_OVERLAY_MEDIUM_NONE);
}

static void
test_pod_hint_tmpfs_shared_share (Fixture *f, gconstpointer data)
{
  /* A tmpfs hint shared outside the pod (share "shared") leaves the bind
   * mount a bind mount of its source (doc/gvisor-compat.md). */
  assert_compiles_to (f,
    "\"annotations\": {"
    HINT ("vol", "source", "/v") "," HINT ("vol", "type", "tmpfs") "," HINT ("vol", "share", "shared") "},"
    "\"mounts\": [{\"destination\": \"/v\", \"type\": \"bind\", \"source\": \"/v\"}]",
    "/v bind /v - - fd=1\n" SYS "\n" DEV "\n" PROC "\n" DEVPTS "\n" TMP);
}

static void
test_erofs_submount (Fixture *f, gconstpointer data)
{
  assert_compiles_to (f,
    "\"mounts\": [{\"destination\": \"/opt\", \"type\": \"erofs\", \"source\": \"images/opt.erofs\", \"options\": [\"ro\"]}]",
    SYS "\n" DEV "\n" "/opt erofs @/images/opt.erofs - ro -\n" PROC "\n" DEVPTS "\n" TMP);
  compile_fails (f,
    "\"mounts\": [{\"destination\": \"/opt\", \"type\": \"erofs\"}]",
    NULL, SVFS_ERROR_INVALID_SPEC, "mounts[0] \"/opt\": erofs mount without an image source");
}

static void
test_propagation_honoured (Fixture *f, gconstpointer data)
{
  g_autoptr(SvfsMountPlan) plan = compile_ok (f,
    "\"mounts\": [{\"destination\": \"/b\", \"type\": \"bind\", \"source\": \"/srv\", \"options\": [\"rbind\", \"rshared\", \"rslave\"]},"
    "{\"destination\": \"/c\", \"type\": \"bind\", \"source\": \"/srv\", \"options\": [\"bind\", \"shared\"]}]");
  g_autoptr(SvfsPlannedMount) b = g_list_model_get_item (G_LIST_MODEL (plan), 0);
  g_autoptr(SvfsPlannedMount) c = g_list_model_get_item (G_LIST_MODEL (plan), 1);

  g_assert_cmpstr (svfs_planned_mount_get_destination (b), ==, "/b");
  /* Last one wins, and shared propagation is allowed on bind mounts. */
  g_assert_cmpint (svfs_planned_mount_get_propagation (b), ==, SVFS_PROPAGATION_RSLAVE);
  g_assert_true (svfs_planned_mount_get_recursive (b));
  g_assert_cmpint (svfs_planned_mount_get_propagation (c), ==, SVFS_PROPAGATION_SHARED);
  g_assert_false (svfs_planned_mount_get_recursive (c));
}

static void
test_all_dir_overlay (Fixture *f, gconstpointer data)
{
  const char *all[] = { "overlay2", "all:dir=/var/tmp", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMountPlan) plan = compile_full (f,
    "\"mounts\": [{\"destination\": \"/rw\", \"type\": \"bind\", \"source\": \"/srv/rw\"}]",
    all, -1, &error);
  g_autoptr(SvfsPlannedMount) rw = NULL;

  g_assert_no_error (error);
  rw = g_list_model_get_item (G_LIST_MODEL (plan), 0);
  g_assert_cmpint (svfs_planned_mount_get_overlay_medium (rw), ==, SVFS_OVERLAY_MEDIUM_DIR);
  g_assert_cmpstr (svfs_planned_mount_get_overlay_dir (rw), ==, "/var/tmp");
  g_assert_cmpint (svfs_mount_plan_get_root_overlay_medium (plan), ==, SVFS_OVERLAY_MEDIUM_DIR);
  assert_plan (f, plan,
    "/rw bind /srv/rw - - overlay=dir=/var/tmp,fd=1\n" SYS "\n" DEV "\n" PROC "\n" DEVPTS "\n" TMP);
}

static void
test_json_schema (Fixture *f, gconstpointer data)
{
  g_autoptr(SvfsMountPlan) plan = compile_ok (f, "");
  g_autoptr(JsonNode) node = svfs_mount_plan_to_json_node (plan);
  JsonObject *obj = json_node_get_object (node);
  JsonArray *mounts = json_object_get_array_member (obj, "mounts");
  JsonObject *proc = json_array_get_object_element (mounts, 2);
  JsonArray *flags = json_object_get_array_member (proc, "flags");
  g_autoptr(GList) members = json_object_get_members (proc);

  g_assert_true (json_object_has_member (obj, "root"));
  g_assert_true (json_object_has_member (obj, "skipped"));
  g_assert_true (json_object_has_member (obj, "devices"));
  g_assert_true (json_object_has_member (obj, "warnings"));
  g_assert_cmpuint (g_list_length (members), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (proc, "destination"), ==, "/proc");
  g_assert_cmpstr (json_object_get_string_member (proc, "type"), ==, "proc");
  g_assert_cmpstr (json_object_get_string_member (proc, "source"), ==, "proc");
  g_assert_cmpstr (json_object_get_string_member (proc, "data"), ==, "");
  g_assert_cmpuint (json_array_get_length (flags), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (flags, 0), ==, "nodev");
  g_assert_cmpstr (json_array_get_string_element (flags, 1), ==, "noexec");
  g_assert_cmpstr (json_array_get_string_element (flags, 2), ==, "nosuid");
  g_assert_true (json_object_get_null_member (proc, "overlay"));
  g_assert_true (json_object_get_null_member (proc, "shared"));
}

static void
test_pure_and_deterministic (Fixture *f, gconstpointer data)
{
  const char *members =
    "\"mounts\": [{\"destination\": \"/data\", \"type\": \"tmpfs\", \"options\": [\"foo\"]},"
    "{\"destination\": \"/b\", \"type\": \"bind\", \"source\": \"/srv\"}]";
  g_autoptr(SvfsMountPlan) a = compile_ok (f, members);
  g_autoptr(SvfsMountPlan) b = compile_ok (f, members);
  g_autofree char *ja = svfs_mount_plan_to_json (a);
  g_autofree char *jb = svfs_mount_plan_to_json (b);
  g_autoptr(GDir) dir = g_dir_open (f->rootfs, 0, NULL);

  g_assert_cmpstr (ja, ==, jb);
  /* Nothing was written into the rootfs. */
  g_assert_null (g_dir_read_name (dir));
}

static void
test_tree_and_table (Fixture *f, gconstpointer data)
{
  g_autoptr(SvfsMountPlan) plan = compile_ok (f,
    "\"mounts\": [{\"destination\": \"/dev/shm\", \"type\": \"tmpfs\"},"
    "{\"destination\": \"/srv\", \"type\": \"tmpfs\"}]");
  g_autofree char *tree = svfs_mount_plan_to_tree (plan);
  g_autofree char *table = svfs_mount_plan_to_table (plan);
  g_auto(GStrv) lines = g_strsplit (tree, "\n", -1);
  g_autofree char *root_line = g_strdup_printf ("/ ");

  /* Children sit under their parent: /dev's children follow /dev. */
  g_assert_true (g_str_has_prefix (lines[0], "TARGET"));
  g_assert_true (g_str_has_prefix (lines[1], root_line));
  g_assert_true (g_str_has_prefix (lines[2], "├─/sys"));
  g_assert_true (g_str_has_prefix (lines[3], "├─/dev "));
  g_assert_true (g_str_has_prefix (lines[4], "│ ├─/dev/pts"));
  g_assert_true (g_str_has_prefix (lines[5], "│ └─/dev/shm"));
  g_assert_true (g_str_has_prefix (lines[6], "├─/srv"));
  g_assert_true (g_str_has_prefix (lines[7], "├─/proc"));
  g_assert_true (g_str_has_prefix (lines[8], "└─/tmp"));
  g_assert_true (g_str_has_prefix (table, "DESTINATION"));
  g_assert_nonnull (strstr (table, "\n/dev/shm "));
}

static void
compiled_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SvfsMountPlan **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = svfs_mounter_compile_finish (SVFS_MOUNTER (source), result, &error);
  g_assert_no_error (error);
}

static void
test_compile_async (Fixture *f, gconstpointer data)
{
  g_autoptr(SvfsSpec) spec = make_spec (f, "");
  g_autoptr(SvfsMounter) mounter = svfs_mounter_new (spec, NULL);
  g_autoptr(SvfsMountPlan) plan = NULL;

  svfs_mounter_compile_async (mounter, NULL, compiled_cb, &plan);
  while (plan == NULL)
    g_main_context_iteration (NULL, TRUE);
  assert_plan (f, plan, SYS "\n" DEV "\n" PROC "\n" DEVPTS "\n" TMP);
}

static void
compile_fails_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GError **out = user_data;
  g_autoptr(SvfsMountPlan) plan = NULL;

  plan = svfs_mounter_compile_finish (SVFS_MOUNTER (source), result, out);
  g_assert_null (plan);
  g_assert_nonnull (*out);
}

static void
test_compile_without_spec (Fixture *f, gconstpointer data)
{
  /* svfs_mounter_new() insists on a spec; bindings can leave it out. */
  g_autoptr(SvfsMounter) mounter = g_object_new (SVFS_TYPE_MOUNTER, NULL);
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) async_error = NULL;

  /* A clean error, and no criticals (they are fatal in tests). */
  plan = svfs_mounter_compile (mounter, &error);
  g_assert_null (plan);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
  g_assert_cmpstr (error->message, ==, "the mounter has no spec");
  g_assert_null (svfs_mounter_compile (mounter, NULL));

  svfs_mounter_compile_async (mounter, NULL, compile_fails_cb, &async_error);
  while (async_error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (async_error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
  g_assert_cmpstr (async_error->message, ==, "the mounter has no spec");
}

static void
test_compile_async_snapshot (Fixture *f, gconstpointer data)
{
  g_autoptr(SvfsSpec) spec = make_spec (f, "");
  g_autoptr(SvfsConfig) config = svfs_config_new ();
  g_autoptr(SvfsMounter) mounter = svfs_mounter_new (spec, config);
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  svfs_mounter_compile_async (mounter, NULL, compiled_cb, &plan);
  /* Changes after the call do not reach the worker. */
  svfs_spec_set_bundle_dir (spec, "/elsewhere");
  g_assert_true (svfs_config_set (config, "overlay2", "none", &error));
  g_assert_no_error (error);
  while (plan == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (svfs_mount_plan_get_root_source (plan), ==, f->rootfs);
  g_assert_cmpint (svfs_mount_plan_get_root_overlay_medium (plan), ==, SVFS_OVERLAY_MEDIUM_MEMORY);
}

static void
test_path_clean (void)
{
  static const char *cases[][2] = {
    { "/", "/" }, { "//", "/" }, { "/a//b/", "/a/b" }, { "/a/./b/../c", "/a/c" },
    { "/../x", "/x" }, { "a/b/..", "a" }, { "", "." }, { "../a", "../a" }, { "/a/b/../../..", "/" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *clean = svfs_path_clean (cases[i][0]);
      g_assert_cmpstr (clean, ==, cases[i][1]);
    }
  g_assert_true (svfs_path_has_prefix ("/tmp", "/tmp"));
  g_assert_true (svfs_path_has_prefix ("/tmp/x", "/tmp"));
  g_assert_false (svfs_path_has_prefix ("/tmpx", "/tmp"));
  g_assert_true (svfs_path_has_prefix ("/x", "/"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/svfs/mounter/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("mandatory/added-in-order", test_mandatory_added);
  ADD ("mandatory/not-duplicated", test_mandatory_not_duplicated);
  ADD ("destination/cleaned", test_destinations_cleaned);
  ADD ("sort/parents-before-children", test_parents_before_children);
  ADD ("sort/equal-lengths-keep-spec-order", test_equal_lengths_keep_spec_order);
  ADD ("sort/stable-beyond-12-entries", test_stable_with_many_equal_lengths);
  ADD ("type/bind-conversion", test_bind_conversion);
  ADD ("type/dev-and-devpts-forced", test_dev_and_devpts_forced);
  ADD ("type/unknown-skipped", test_unknown_type_skipped);
  ADD ("type/mqueue-planned", test_mqueue_planned);
  ADD ("cgroup/dedup-both-positions", test_cgroup_dedup_both_positions);
  ADD ("cgroup/kept-without-root", test_cgroup_kept_without_root);
  ADD ("cgroup/dedup-same-destination", test_cgroup_dedup_same_destination);
  ADD ("cgroup/dropped-is-not-mandatory", test_cgroup_dropped_is_not_mandatory);
  ADD ("spec/rootfs-propagation-empty-is-unset", test_rootfs_propagation_empty_is_unset);
  ADD ("options/gofer-options-on-bind", test_gofer_options_on_bind);
  ADD ("options/flags-last-wins", test_flags_last_wins);
  ADD ("options/two-equals-rejected", test_two_equals_rejected_for_every_type);
  ADD ("options/tmpfs-data-in-spec-order", test_tmpfs_data_in_spec_order);
  ADD ("options/tmpfs-bad-data", test_tmpfs_bad_data);
  ADD ("options/unknown-on-bind-is-error", test_unknown_option_on_bind_is_error);
  ADD ("options/unknown-elsewhere-is-warning", test_unknown_option_elsewhere_is_warning);
  ADD ("options/tmpcopyup", test_tmpcopyup);
  ADD ("root/bind-and-overlay", test_root);
  ADD ("root/readonly-has-no-overlay", test_root_readonly_has_no_overlay);
  ADD ("overlay/all-on-writable-binds", test_all_overlay_on_writable_binds);
  ADD ("tmp/spec-variants", test_auto_tmp_spec_variants);
  ADD ("tmp/rootfs", test_auto_tmp_rootfs);
  ADD ("devices/from-spec", test_devices);
  ADD ("source-fds/spec-order-and-count", test_source_fds_in_spec_order);
  ADD ("bind/without-source", test_bind_without_source);
  ADD ("config/shared-file-access-with-overlay", test_shared_file_access_with_overlay);
  ADD ("hints/shared-mount", test_pod_hint_shared_mount);
  ADD ("hints/incompatible", test_pod_hint_incompatible);
  ADD ("hints/options-once", test_pod_hint_options_once);
  ADD ("root/overlay-size", test_overlay_size);
  ADD ("hints/errors-are-invalid-spec", test_pod_hint_errors_are_invalid_spec);
  ADD ("root/erofs-hint", test_rootfs_hint);
  ADD ("root/hint-without-overlay", test_rootfs_hint_without_overlay);
  ADD ("hints/tmpfs-shared-share-stays-bind", test_pod_hint_tmpfs_shared_share);
  ADD ("type/erofs-submount", test_erofs_submount);
  ADD ("options/propagation-honoured", test_propagation_honoured);
  ADD ("overlay/all-dir", test_all_dir_overlay);
  ADD ("json/schema", test_json_schema);
  ADD ("pure-and-deterministic", test_pure_and_deterministic);
  ADD ("format/tree-and-table", test_tree_and_table);
  ADD ("compile-async", test_compile_async);
  ADD ("compile-async/snapshot", test_compile_async_snapshot);
  ADD ("no-spec", test_compile_without_spec);
#undef ADD
  g_test_add_func ("/svfs/path/clean", test_path_clean);

  return g_test_run ();
}
