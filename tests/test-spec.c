/* test-spec.c: SvfsSpec, SvfsSpecMount and SvfsDevice
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "libsandboxvfs.h"

static char *
spec_path (const char *which,
           const char *name)
{
  const char *data = g_getenv ("SVFS_TEST_DATA");

  return g_build_filename (data != NULL ? data : SVFS_TEST_DATA, "specs", which, name, NULL);
}

static SvfsSpec *
load_valid (const char *name)
{
  g_autofree char *path = spec_path ("valid", name);
  g_autoptr(GError) error = NULL;
  SvfsSpec *spec = svfs_spec_new_from_file (path, &error);

  g_assert_no_error (error);
  g_assert_true (SVFS_IS_SPEC (spec));
  return spec;
}

static SvfsSpec *
load_data (const char *data)
{
  g_autoptr(GError) error = NULL;
  SvfsSpec *spec = svfs_spec_new_from_data (data, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (spec);
  return spec;
}

static void
assert_strv (const char * const *got,
             const char * const *want)
{
  g_assert_nonnull (got);
  g_assert_cmpuint (g_strv_length ((char **) got), ==, g_strv_length ((char **) want));
  for (guint i = 0; want[i] != NULL; i++)
    g_assert_cmpstr (got[i], ==, want[i]);
}

/* -- parsing the corpus ------------------------------------------------ */

static void
test_parse_runc_default (void)
{
  g_autoptr(SvfsSpec) spec = load_valid ("runc-default.json");
  GListModel *mounts = svfs_spec_get_mounts (spec);
  g_autoptr(SvfsSpecMount) first = NULL;
  g_autoptr(SvfsSpecMount) cgroup = NULL;
  g_autofree char *dir = spec_path ("valid", NULL);
  g_autofree char *root = NULL;
  static const char * const args[] = { "sh", NULL };
  static const char * const dev_options[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };

  g_assert_cmpstr (svfs_spec_get_oci_version (spec), ==, "1.0.2-dev");
  g_assert_cmpstr (svfs_spec_get_hostname (spec), ==, "runc");
  g_assert_cmpstr (svfs_spec_get_root_path (spec), ==, "rootfs");
  g_assert_true (svfs_spec_get_root_readonly (spec));
  g_assert_cmpstr (svfs_spec_get_bundle_dir (spec), ==, dir);
  root = svfs_spec_dup_resolved_root_path (spec);
  g_assert_true (g_str_has_suffix (root, "/specs/valid/rootfs"));
  g_assert_true (g_path_is_absolute (root));

  g_assert_cmpuint (g_list_model_get_item_type (mounts), ==, SVFS_TYPE_SPEC_MOUNT);
  g_assert_cmpuint (g_list_model_get_n_items (mounts), ==, 7);
  first = g_list_model_get_item (mounts, 1);
  g_assert_cmpuint (svfs_spec_mount_get_index (first), ==, 1);
  g_assert_cmpstr (svfs_spec_mount_get_destination (first), ==, "/dev");
  g_assert_cmpstr (svfs_spec_mount_get_fs_type (first), ==, "tmpfs");
  g_assert_cmpstr (svfs_spec_mount_get_source (first), ==, "tmpfs");
  assert_strv (svfs_spec_mount_get_options (first), dev_options);
  g_assert_true (svfs_spec_mount_has_option (first, "strictatime"));
  g_assert_false (svfs_spec_mount_has_option (first, "mode"));
  cgroup = g_list_model_get_item (mounts, 6);
  g_assert_cmpstr (svfs_spec_mount_get_destination (cgroup), ==, "/sys/fs/cgroup");

  assert_strv (svfs_spec_get_process_args (spec), args);
  g_assert_cmpuint (g_strv_length ((char **) svfs_spec_get_process_env (spec)), ==, 2);
  g_assert_cmpstr (svfs_spec_get_process_cwd (spec), ==, "/");
  g_assert_true (svfs_spec_get_process_terminal (spec));
  g_assert_cmpuint (svfs_spec_get_process_uid (spec), ==, 0);

  g_assert_cmpuint (g_strv_length ((char **) svfs_spec_get_masked_paths (spec)), ==, 10);
  g_assert_cmpstr (svfs_spec_get_masked_paths (spec)[0], ==, "/proc/acpi");
  g_assert_cmpstr (svfs_spec_get_readonly_paths (spec)[4], ==, "/proc/sysrq-trigger");
  g_assert_null (svfs_spec_get_rootfs_propagation (spec));
  g_assert_true (svfs_spec_has_namespace (spec, "pid"));
  g_assert_true (svfs_spec_has_namespace (spec, "cgroup"));
  g_assert_false (svfs_spec_has_namespace (spec, "user"));
  g_assert_null (svfs_spec_get_namespace_path (spec, "pid"));
  g_assert_cmpuint (g_list_model_get_n_items (svfs_spec_get_devices (spec)), ==, 0);
  g_assert_cmpuint (g_hash_table_size (svfs_spec_get_annotations (spec)), ==, 0);
  g_assert_cmpuint (g_strv_length ((char **) svfs_spec_get_hook_paths (spec, "prestart")), ==, 0);
}

static void
test_parse_crun_default (void)
{
  g_autoptr(SvfsSpec) spec = load_valid ("crun-default.json");
  static const char * const args[] = { "/bin/sh", NULL };

  g_assert_cmpstr (svfs_spec_get_oci_version (spec), ==, "1.0.0");
  g_assert_cmpstr (svfs_spec_get_hostname (spec), ==, "crun");
  assert_strv (svfs_spec_get_process_args (spec), args);
  g_assert_cmpuint (g_list_model_get_n_items (svfs_spec_get_mounts (spec)), ==, 7);
  g_assert_true (svfs_spec_has_namespace (spec, "mount"));
}

static void
test_parse_podman (void)
{
  g_autoptr(SvfsSpec) spec = load_valid ("podman.json");
  GListModel *mounts = svfs_spec_get_mounts (spec);
  GListModel *devices = svfs_spec_get_devices (spec);
  g_autoptr(SvfsSpecMount) run = NULL;
  g_autoptr(SvfsDevice) fuse = NULL;
  GHashTable *annotations = svfs_spec_get_annotations (spec);
  static const char * const prestart[] = { "/usr/bin/nvidia-container-runtime-hook", NULL };
  static const char * const create_runtime[] = { "/usr/libexec/podman/hook-helper", NULL };
  static const char * const poststop[] = { "/usr/bin/podman", NULL };

  g_assert_cmpuint (svfs_spec_get_process_uid (spec), ==, 1000);
  g_assert_cmpuint (svfs_spec_get_process_gid (spec), ==, 1000);
  g_assert_false (svfs_spec_get_process_terminal (spec));
  g_assert_cmpstr (svfs_spec_get_process_cwd (spec), ==, "/home/app");
  g_assert_false (svfs_spec_get_root_readonly (spec));
  g_assert_cmpstr (svfs_spec_get_rootfs_propagation (spec), ==, "rprivate");

  run = g_list_model_get_item (mounts, 10);
  g_assert_cmpstr (svfs_spec_mount_get_destination (run), ==, "/run");
  g_assert_true (svfs_spec_mount_has_option (run, "tmpcopyup"));

  g_assert_cmpuint (g_list_model_get_n_items (devices), ==, 1);
  fuse = g_list_model_get_item (devices, 0);
  g_assert_cmpstr (svfs_device_get_kind (fuse), ==, "spec");
  g_assert_cmpstr (svfs_device_get_path (fuse), ==, "/dev/fuse");
  g_assert_cmpint (svfs_device_get_major (fuse), ==, 10);
  g_assert_cmpint (svfs_device_get_minor (fuse), ==, 229);
  g_assert_cmpuint (svfs_device_get_mode (fuse), ==, 0666);

  assert_strv (svfs_spec_get_hook_paths (spec, "prestart"), prestart);
  assert_strv (svfs_spec_get_hook_paths (spec, "createRuntime"), create_runtime);
  assert_strv (svfs_spec_get_hook_paths (spec, "poststop"), poststop);
  g_assert_cmpuint (g_strv_length ((char **) svfs_spec_get_hook_paths (spec, "startContainer")), ==, 0);
  g_assert_cmpuint (g_strv_length ((char **) svfs_spec_get_hook_paths (spec, "no-such-stage")), ==, 0);

  g_assert_cmpuint (g_hash_table_size (annotations), ==, 8);
  g_assert_cmpstr (g_hash_table_lookup (annotations, "io.podman.annotations.init"), ==, "FALSE");
  g_assert_cmpstr (svfs_spec_lookup_annotation (spec, "io.container.manager"), ==, "libpod");
  g_assert_null (svfs_spec_lookup_annotation (spec, "missing"));

  g_assert_true (svfs_spec_has_namespace (spec, "user"));
  g_assert_cmpstr (svfs_spec_get_namespace_path (spec, "network"), ==,
                   "/run/user/1000/netns/netns-5e2d7c1a-0b3f-4c6e-9a8d-1f2e3d4c5b6a");
  g_assert_null (svfs_spec_get_namespace_path (spec, "time"));
  g_assert_cmpstr (svfs_spec_get_masked_paths (spec)[10], ==, "/sys/dev/block");
}

static void
test_parse_minimal (void)
{
  g_autoptr(SvfsSpec) spec = load_valid ("minimal.json");

  /* Everything optional is absent: empty vectors, NULL strings. */
  g_assert_null (svfs_spec_get_hostname (spec));
  g_assert_null (svfs_spec_get_process_cwd (spec));
  g_assert_false (svfs_spec_get_process_terminal (spec));
  g_assert_cmpuint (svfs_spec_get_process_uid (spec), ==, 0);
  g_assert_cmpuint (svfs_spec_get_process_gid (spec), ==, 0);
  g_assert_nonnull (svfs_spec_get_process_args (spec));
  g_assert_null (svfs_spec_get_process_args (spec)[0]);
  g_assert_null (svfs_spec_get_process_env (spec)[0]);
  g_assert_null (svfs_spec_get_masked_paths (spec)[0]);
  g_assert_null (svfs_spec_get_readonly_paths (spec)[0]);
  g_assert_false (svfs_spec_has_namespace (spec, "pid"));
  g_assert_false (svfs_spec_get_root_readonly (spec));
  g_assert_cmpuint (g_list_model_get_n_items (svfs_spec_get_mounts (spec)), ==, 0);
  g_assert_nonnull (svfs_spec_get_annotations (spec));
}

/* Numbers are written back as JSON: json-glib alone writes 1e+300 as
 * "1e+300.0", which nothing reads back.  A number out of a double's range
 * (which would be written as "inf") is refused when the spec is read, as
 * an integer past 64 bits is, and so is what JSON does not call a number. */
static void
test_numbers_round_trip (void)
{
  static const char doc[] =
    "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"},"
    " \"x-n\": [1e+300, -2E30, 1.5e-300, 2.5, 1e21, 0.0, -0.0, \"1e+5.0\"]}";
  static const char * const out_of_range[] = { "1e999", "-1E400", "123456789012345678901234567890" };
  /* json-glib would read these (0755 as octal 493, 0x10 as 16); JSON and
   * Go's readers (runc, runsc) do not. */
  static const char * const not_json[] = { "0755", "-050", "0x10", ".5", "-.5", "1.", "+1", "1e", "1e+", "00" };
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsSpec) spec = svfs_spec_new_from_data (doc, -1, &error);
  g_autoptr(SvfsSpec) again = NULL;
  g_autofree char *json = NULL;
  g_autofree char *pretty = NULL;
  gsize length = 0;

  g_assert_no_error (error);
  json = svfs_spec_to_json (spec, FALSE, &length);
  g_assert_cmpuint (length, ==, strlen (json));
  g_assert_nonnull (strstr (json, ",-2e+30,"));
  g_assert_nonnull (strstr (json, ",1e+21,"));
  g_assert_nonnull (strstr (json, "\"1e+5.0\"]"));   /* strings are left as they are */
  again = svfs_spec_new_from_data (json, (gssize) length, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (svfs_spec_get_json (spec), svfs_spec_get_json (again)));
  pretty = svfs_spec_to_json (spec, TRUE, NULL);
  g_clear_object (&again);
  again = svfs_spec_new_from_data (pretty, -1, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (out_of_range); i++)
    {
      g_autofree char *bad = g_strdup_printf ("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"x\": %s}",
                                              out_of_range[i]);
      g_autoptr(SvfsSpec) refused = svfs_spec_new_from_data (bad, -1, &error);

      g_assert_null (refused);
      g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
      g_assert_true (g_str_has_prefix (error->message, "line 1, column 53: "));
      g_assert_true (g_str_has_suffix (error->message, i < 2 ? "number out of range for a double"
                                                             : "integer out of range for a 64-bit integer"));
      g_clear_error (&error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (not_json); i++)
    {
      g_autofree char *bad = g_strdup_printf ("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"x\": [%s]}",
                                              not_json[i]);
      g_autoptr(SvfsSpec) refused = svfs_spec_new_from_data (bad, -1, &error);

      g_assert_null (refused);
      g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
      g_assert_cmpstr (error->message, ==, "line 1, column 54: invalid number");
      g_clear_error (&error);
    }
}

/* An empty rootfsPropagation is unset, as runc reads it. */
static void
test_parse_empty_rootfs_propagation (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsSpec) spec = svfs_spec_new_from_data (
    "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"linux\": {\"rootfsPropagation\": \"\"}}",
    -1, &error);

  g_assert_no_error (error);
  g_assert_null (svfs_spec_get_rootfs_propagation (spec));
}

static void
test_parse_devices (void)
{
  g_autoptr(SvfsSpec) spec = load_valid ("devices-and-extensions.json");
  GListModel *devices = svfs_spec_get_devices (spec);
  g_autoptr(SvfsDevice) sda = g_list_model_get_item (devices, 1);
  g_autoptr(SvfsDevice) tty = g_list_model_get_item (devices, 2);
  g_autoptr(SvfsDevice) fifo = g_list_model_get_item (devices, 3);
  g_autoptr(SvfsSpecMount) data = g_list_model_get_item (svfs_spec_get_mounts (spec), 0);

  g_assert_cmpuint (g_list_model_get_item_type (devices), ==, SVFS_TYPE_DEVICE);
  g_assert_cmpuint (g_list_model_get_n_items (devices), ==, 4);
  g_assert_cmpstr (svfs_device_get_device_type (sda), ==, "b");
  g_assert_cmpuint (svfs_device_get_mode (sda), ==, 0600);
  g_assert_cmpuint (svfs_device_get_gid (sda), ==, 6);
  g_assert_cmpuint (svfs_device_get_mode (tty), ==, 07777);
  g_assert_cmpstr (svfs_device_get_device_type (fifo), ==, "p");
  g_assert_cmpint (svfs_device_get_major (fifo), ==, 0);
  g_assert_cmpint (svfs_device_get_minor (fifo), ==, 0);
  g_assert_cmpstr (svfs_device_get_path (fifo), ==, "/run/fifo");

  /* A null hostname is absent; destinations are kept as written. */
  g_assert_null (svfs_spec_get_hostname (spec));
  g_assert_cmpstr (svfs_spec_mount_get_destination (data), ==, "/data/");
  g_assert_cmpstr (svfs_spec_mount_get_fs_type (data), ==, "none");
  g_assert_true (svfs_spec_has_namespace (spec, "time"));
  g_assert_cmpstr (svfs_spec_get_namespace_path (spec, "user"), ==, "/proc/1/ns/user");
}

/* -- JSON ------------------------------------------------------------- */

static void
assert_round_trip (SvfsSpec *spec,
                   gboolean  pretty)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gsize length = 0;

  json = svfs_spec_to_json (spec, pretty, &length);
  g_assert_cmpuint (length, ==, strlen (json));
  json_parser_load_from_data (parser, json, (gssize) length, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (json_parser_get_root (parser), svfs_spec_get_json (spec)));
}

static void
test_json_round_trip_corpus (void)
{
  static const char * const names[] = {
    "runc-default.json", "crun-default.json", "podman.json",
    "gvisor-hints.json", "minimal.json", "devices-and-extensions.json",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(SvfsSpec) spec = load_valid (names[i]);
      g_autofree char *path = spec_path ("valid", names[i]);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      /* The tree equals the file, and writing it back loses nothing. */
      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
      g_assert_true (json_node_equal (json_parser_get_root (parser), svfs_spec_get_json (spec)));
      assert_round_trip (spec, FALSE);
      assert_round_trip (spec, TRUE);
    }
}

static void
test_json_unknown_fields_preserved (void)
{
  g_autoptr(SvfsSpec) spec = load_data (
    "{\"ociVersion\": \"1.2.0\", \"x-first\": 1,"
    " \"root\": {\"path\": \"r\", \"x-root\": {\"a\": [1, 2.5, null, true]}},"
    " \"mounts\": [{\"destination\": \"/x\", \"x-mount\": \"m\"}], \"x-last\": \"é\"}");
  g_autofree char *json = svfs_spec_to_json (spec, FALSE, NULL);

  g_assert_nonnull (strstr (json, "\"x-first\":1"));
  g_assert_nonnull (strstr (json, "\"x-root\":{\"a\":[1,2.5,null,true]}"));
  g_assert_nonnull (strstr (json, "\"x-mount\":\"m\""));
  g_assert_nonnull (strstr (json, "\"x-last\":\"é\""));
  /* Members keep their order. */
  g_assert_true (strstr (json, "ociVersion") < strstr (json, "x-first"));
  g_assert_true (strstr (json, "x-first") < strstr (json, "\"root\""));
  assert_round_trip (spec, FALSE);
}

static void
test_json_sealed (void)
{
  g_autoptr(SvfsSpec) spec = load_valid ("minimal.json");
  JsonNode *root = svfs_spec_get_json (spec);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  g_assert_true (json_node_is_immutable (root));
  g_assert_true (svfs_spec_get_json (spec) == root);
}

static void
test_json_pretty (void)
{
  g_autoptr(SvfsSpec) spec = load_valid ("minimal.json");
  g_autofree char *pretty = svfs_spec_to_json (spec, TRUE, NULL);
  g_autofree char *compact = svfs_spec_to_json (spec, FALSE, NULL);

  g_assert_nonnull (strstr (pretty, "\n  \"root\""));
  g_assert_null (strchr (compact, '\n'));
}

/* -- errors ----------------------------------------------------------- */

static void
test_data_invalid_message_lists_problems (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsSpec) spec = NULL;

  spec = svfs_spec_new_from_data ("{\"root\": {}, \"mounts\": [{\"destination\": \"x\"}]}", -1, &error);
  g_assert_null (spec);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
  g_assert_cmpstr (error->message, ==,
                   "root.path: missing\n"
                   "mounts[0].destination: must be an absolute path\n"
                   "ociVersion: missing");
}

static void
test_data_empty (void)
{
  static const struct {
    const char *data;
    gssize length;
  } cases[] = {
    { NULL, 0 },
    { "", 0 },
    { "", -1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SvfsSpec) spec = NULL;
      g_auto(GStrv) problems = NULL;

      spec = svfs_spec_new_from_data (cases[i].data, cases[i].length, &error);
      g_assert_null (spec);
      g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
      g_assert_cmpstr (error->message, ==, "the spec is empty");

      problems = svfs_spec_check_data (cases[i].data, cases[i].length);
      g_assert_nonnull (problems);
      g_assert_cmpuint (g_strv_length (problems), ==, 1);
      g_assert_cmpstr (problems[0], ==, "the spec is empty");
    }
}

static void
test_file_not_found (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsSpec) spec = svfs_spec_new_from_file ("/nonexistent/dir/config.json", &error);

  g_assert_null (spec);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "/nonexistent/dir/config.json: No such file or directory");
}

/* A directory or a device is refused from what fstat() says, before a
 * byte is read: /dev/zero would otherwise give 16 MiB of zeros to the
 * parser. */
static void
test_file_not_regular (void)
{
  g_autofree char *dir = spec_path ("valid", NULL);
  const char *paths[] = { dir, "/dev/zero" };

  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SvfsSpec) spec = svfs_spec_new_from_file (paths[i], &error);
      g_autofree char *expected = g_strdup_printf ("%s: not a regular file or a pipe", paths[i]);

      g_assert_null (spec);
      g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
      g_assert_cmpstr (error->message, ==, expected);
    }
}

/* A pipe is read to its end (`<(cmd)`); a FIFO nobody writes to reads as
 * empty at once: opening it must not wait for a writer. */
static void
test_file_is_fifo (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *fd_path = NULL;
  g_autoptr(SvfsSpec) spec = NULL;
  const char *doc = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}}";
  int fds[2];

  if (g_test_subprocess ())
    {
      path = g_build_filename (g_getenv ("SVFS_TEST_FIFO_DIR"), "config.json", NULL);
      spec = svfs_spec_new_from_file (path, &error);
      g_assert_null (spec);
      g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
      g_print ("%s", error->message);
      return;
    }

  dir = g_dir_make_tmp ("svfs-spec-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "config.json", NULL);
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  g_setenv ("SVFS_TEST_FIFO_DIR", dir, TRUE);

  g_test_trap_subprocess (NULL, 10 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*: the spec is empty");

  /* An anonymous pipe with its writer done, as a shell's <(cmd) gives. */
  g_assert_cmpint (pipe (fds), ==, 0);
  g_assert_cmpint (write (fds[1], doc, strlen (doc)), ==, (gssize) strlen (doc));
  close (fds[1]);
  fd_path = g_strdup_printf ("/proc/self/fd/%d", fds[0]);
  spec = svfs_spec_new_from_file (fd_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (spec);
  close (fds[0]);

  g_unsetenv ("SVFS_TEST_FIFO_DIR");
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_file_too_large_not_read (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("svfs-spec-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(SvfsSpec) spec = NULL;
  g_autofree char *expected = NULL;
  int fd;

  g_assert_no_error (error);
  path = g_build_filename (dir, "config.json", NULL);

  /* A sparse 1 GiB file: refused from its size, never read. */
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 1 << 30), ==, 0);
  close (fd);

  spec = svfs_spec_new_from_file (path, &error);
  g_assert_null (spec);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
  expected = g_strdup_printf ("%s: larger than 16 MiB (1073741824 bytes)", path);
  g_assert_cmpstr (error->message, ==, expected);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_file_invalid (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = spec_path ("invalid", "mount-destination-relative.json");
  g_autoptr(SvfsSpec) spec = svfs_spec_new_from_file (path, &error);

  g_autofree char *expected = g_strdup_printf ("%s: mounts[2].destination: must be an absolute path", path);

  g_assert_null (spec);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
  g_assert_cmpstr (error->message, ==, expected);
}

/* Writes @contents to a new config.json in a new directory; returns its path. */
static char *
write_spec_file (const char *contents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("svfs-spec-XXXXXX", &error);
  char *path;

  g_assert_no_error (error);
  path = g_build_filename (dir, "config.json", NULL);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
remove_spec_file (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

/* Every way a file's text can be wrong names the file first; the rest of
 * each line is what svfs_spec_new_from_data() says, and the error code
 * stays SVFS_ERROR_INVALID_SPEC. */
static void
test_file_errors_name_the_file (void)
{
  static const struct {
    const char *contents;
    const char *lines;    /* "%1$s" is the path */
  } cases[] = {
    /* syntax: the position */
    { "{\n  \"ociVersion\": \"1.0\",\n  \"root\": {\"path\": \"r\"},,\n}\n",
      "%1$s: line 3, column 24: unexpected character `,', expected string constant" },
    { "", "%1$s: the spec is empty" },
    { "{\"ociVersion\": \"1.0\", \"root\": {\"path\": \"r\"}} x",
      "%1$s: line 1, column 46: unexpected text after the end of the JSON document" },
    /* semantics: the field; one line per problem, each naming the file */
    { "{\"ociVersion\": 1, \"root\": {}, \"mounts\": [{\"destination\": \"x\"}]}",
      "%1$s: ociVersion: expected a string\n"
      "%1$s: root.path: missing\n"
      "%1$s: mounts[0].destination: must be an absolute path" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_spec_file (cases[i].contents);
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) data_error = NULL;
      g_autoptr(SvfsSpec) spec = svfs_spec_new_from_file (path, &error);
      g_autoptr(SvfsSpec) from_data = svfs_spec_new_from_data (cases[i].contents, -1, &data_error);
      g_autoptr(GString) expected = g_string_new (cases[i].lines);
      g_autoptr(GString) expected_data = g_string_new (cases[i].lines);

      g_string_replace (expected, "%1$s", path, 0);
      g_string_replace (expected_data, "%1$s: ", "", 0);
      g_assert_null (spec);
      g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
      g_assert_cmpstr (error->message, ==, expected->str);
      /* The data loader keeps its messages as they were. */
      g_assert_null (from_data);
      g_assert_error (data_error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
      g_assert_cmpstr (data_error->message, ==, expected_data->str);
      remove_spec_file (path);
    }
}

/* -- bundle directory ------------------------------------------------- */

static void
test_bundle_dir_from_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("svfs-bundle-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *relative = NULL;
  g_autofree char *root = NULL;
  g_autoptr(SvfsSpec) spec = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "config.json", NULL);
  g_file_set_contents (path, "{\"ociVersion\": \"1\", \"root\": {\"path\": \"./a/../rootfs/\"}}", -1, &error);
  g_assert_no_error (error);

  /* A relative spec path still gives an absolute bundle directory. */
  g_assert_cmpint (g_chdir (dir), ==, 0);
  spec = svfs_spec_new_from_file ("config.json", &error);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  g_assert_no_error (error);

  g_assert_cmpstr (svfs_spec_get_bundle_dir (spec), ==, dir);
  g_assert_cmpstr (svfs_spec_get_root_path (spec), ==, "./a/../rootfs/");
  root = svfs_spec_dup_resolved_root_path (spec);
  relative = g_build_filename (dir, "rootfs", NULL);
  g_assert_cmpstr (root, ==, relative);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_bundle_dir_data_defaults_to_cwd (void)
{
  g_autoptr(SvfsSpec) spec = load_data ("{\"ociVersion\": \"1\", \"root\": {\"path\": \"rootfs\"}}");
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *expected = g_build_filename (cwd, "rootfs", NULL);
  g_autofree char *root = svfs_spec_dup_resolved_root_path (spec);

  g_assert_cmpstr (svfs_spec_get_bundle_dir (spec), ==, cwd);
  g_assert_cmpstr (root, ==, expected);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_bundle_dir_set (void)
{
  g_autoptr(SvfsSpec) spec = load_data ("{\"ociVersion\": \"1\", \"root\": {\"path\": \"rootfs\"}}");
  g_autoptr(SvfsSpec) absolute = load_data ("{\"ociVersion\": \"1\", \"root\": {\"path\": \"/srv//root/.\"}}");
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *root = NULL;
  g_autofree char *relative = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *prop = NULL;
  g_autofree char *abs_root = NULL;
  guint notified = 0;

  g_signal_connect (spec, "notify::bundle-dir", G_CALLBACK (count_notify), &notified);

  svfs_spec_set_bundle_dir (spec, "/bundles//b1/./");
  g_assert_cmpstr (svfs_spec_get_bundle_dir (spec), ==, "/bundles/b1");
  g_assert_cmpuint (notified, ==, 1);
  root = svfs_spec_dup_resolved_root_path (spec);
  g_assert_cmpstr (root, ==, "/bundles/b1/rootfs");

  /* The same value again does not notify. */
  svfs_spec_set_bundle_dir (spec, "/bundles/b1");
  g_assert_cmpuint (notified, ==, 1);

  g_object_set (spec, "bundle-dir", "rel", NULL);
  g_assert_cmpuint (notified, ==, 2);
  g_object_get (spec, "bundle-dir", &prop, NULL);
  expected = g_build_filename (cwd, "rel", NULL);
  g_assert_cmpstr (prop, ==, expected);

  svfs_spec_set_bundle_dir (spec, NULL);
  g_assert_cmpstr (svfs_spec_get_bundle_dir (spec), ==, cwd);
  g_assert_cmpuint (notified, ==, 3);

  /* An absolute root.path ignores the bundle but is still cleaned. */
  svfs_spec_set_bundle_dir (absolute, "/elsewhere");
  abs_root = svfs_spec_dup_resolved_root_path (absolute);
  g_assert_cmpstr (abs_root, ==, "/srv/root");
  (void) relative;
}

static void
test_properties (void)
{
  g_autoptr(SvfsSpec) spec = load_valid ("runc-default.json");
  g_autofree char *oci_version = NULL;
  g_autofree char *hostname = NULL;
  g_autofree char *root_path = NULL;
  g_autofree char *bundle_dir = NULL;
  gboolean readonly = FALSE;
  GParamSpec *pspec;

  g_object_get (spec,
                "oci-version", &oci_version,
                "hostname", &hostname,
                "root-path", &root_path,
                "root-readonly", &readonly,
                "bundle-dir", &bundle_dir,
                NULL);
  g_assert_cmpstr (oci_version, ==, "1.0.2-dev");
  g_assert_cmpstr (hostname, ==, "runc");
  g_assert_cmpstr (root_path, ==, "rootfs");
  g_assert_true (readonly);
  g_assert_cmpstr (bundle_dir, ==, svfs_spec_get_bundle_dir (spec));

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (spec), "root-path");
  g_assert_false (pspec->flags & G_PARAM_WRITABLE);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (spec), "bundle-dir");
  g_assert_true (pspec->flags & G_PARAM_EXPLICIT_NOTIFY);
}

/* -- SvfsSpecMount ---------------------------------------------------- */

static void
test_mount_new (void)
{
  static const char * const options[] = { "rbind", "ro", NULL };
  g_autoptr(SvfsSpecMount) mount = svfs_spec_mount_new ("/data", "none", "/srv", options);
  g_autoptr(SvfsSpecMount) bare = svfs_spec_mount_new ("/tmp", NULL, NULL, NULL);
  g_autofree char *destination = NULL;
  g_autofree char *fs_type = NULL;
  g_autofree char *source = NULL;
  g_auto(GStrv) opts = NULL;
  guint index = 99;

  g_object_get (mount,
                "index", &index,
                "destination", &destination,
                "fs-type", &fs_type,
                "source", &source,
                "options", &opts,
                NULL);
  g_assert_cmpuint (index, ==, 0);
  g_assert_cmpstr (destination, ==, "/data");
  g_assert_cmpstr (fs_type, ==, "none");
  g_assert_cmpstr (source, ==, "/srv");
  assert_strv ((const char * const *) opts, options);
  g_assert_true (svfs_spec_mount_has_option (mount, "rbind"));

  /* Absent strings read as "", absent options as an empty vector. */
  g_assert_cmpstr (svfs_spec_mount_get_fs_type (bare), ==, "");
  g_assert_cmpstr (svfs_spec_mount_get_source (bare), ==, "");
  g_assert_nonnull (svfs_spec_mount_get_options (bare));
  g_assert_null (svfs_spec_mount_get_options (bare)[0]);
  g_assert_false (svfs_spec_mount_has_option (bare, "ro"));
}

static void
test_mount_absent_type_and_source (void)
{
  g_autoptr(SvfsSpec) spec = load_data (
    "{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\"},"
    " \"mounts\": [{\"destination\": \"/a\"}, {\"destination\": \"/b\", \"type\": \"tmpfs\"}]}");
  g_autoptr(SvfsSpecMount) a = g_list_model_get_item (svfs_spec_get_mounts (spec), 0);
  g_autoptr(SvfsSpecMount) b = g_list_model_get_item (svfs_spec_get_mounts (spec), 1);

  g_assert_cmpstr (svfs_spec_mount_get_fs_type (a), ==, "");
  g_assert_cmpstr (svfs_spec_mount_get_source (a), ==, "");
  g_assert_cmpuint (svfs_spec_mount_get_index (b), ==, 1);
  g_assert_cmpstr (svfs_spec_mount_get_fs_type (b), ==, "tmpfs");
}

/* -- SvfsDevice ------------------------------------------------------- */

static void
assert_json_equals (JsonNode   *node,
                    const char *expected)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *got = json_to_string (node, FALSE);

  json_parser_load_from_data (parser, expected, -1, &error);
  g_assert_no_error (error);
  if (!json_node_equal (node, json_parser_get_root (parser)))
    g_error ("JSON differs: got %s, expected %s", got, expected);
}

static void
test_device_new_and_json (void)
{
  g_autoptr(SvfsDevice) fuse = svfs_device_new (NULL, "/dev/fuse", "c", 10, 229);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  guint notified = 0;

  g_assert_cmpstr (svfs_device_get_kind (fuse), ==, "spec");
  g_assert_cmpuint (svfs_device_get_mode (fuse), ==, 0666);
  g_assert_cmpuint (svfs_device_get_uid (fuse), ==, 0);
  g_assert_null (svfs_device_get_pci_address (fuse));
  g_assert_null (svfs_device_get_vendor (fuse));
  g_assert_null (svfs_device_get_device_id (fuse));
  g_assert_null (svfs_device_get_model (fuse));

  node = svfs_device_to_json (fuse);
  assert_json_equals (node, "{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229,"
                            " \"mode\": 438, \"uid\": 0, \"gid\": 0}");
  /* Member order follows the plan JSON schema. */
  json = json_to_string (node, FALSE);
  g_assert_cmpstr (json, ==, "{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229,"
                             "\"mode\":438,\"uid\":0,\"gid\":0}");

  g_signal_connect (fuse, "notify", G_CALLBACK (count_notify), &notified);
  svfs_device_set_mode (fuse, 0600);
  svfs_device_set_mode (fuse, 0600);
  svfs_device_set_uid (fuse, 1000);
  svfs_device_set_gid (fuse, 5);
  g_assert_cmpuint (notified, ==, 3);
  g_assert_cmpuint (svfs_device_get_mode (fuse), ==, 0600);
  g_assert_cmpuint (svfs_device_get_uid (fuse), ==, 1000);
  g_assert_cmpuint (svfs_device_get_gid (fuse), ==, 5);
}

static void
test_device_discovered_json (void)
{
  g_autoptr(SvfsDevice) tpu = g_object_new (SVFS_TYPE_DEVICE,
                                            "kind", "tpu",
                                            "path", "/dev/accel0",
                                            "device-type", "c",
                                            "major", (gint64) 121,
                                            "minor", (gint64) 0,
                                            "pci-address", "0000:00:04.0",
                                            "vendor", "0x1ae0",
                                            "device-id", "0x005e",
                                            "model", "v4",
                                            NULL);
  g_autoptr(JsonNode) node = svfs_device_to_json (tpu);
  g_autofree char *pci = NULL;
  gint64 major = 0;
  guint mode = 0;

  /* The plan's form: exactly the members of CONTRACT.md's plan devices. */
  assert_json_equals (node, "{\"path\": \"/dev/accel0\", \"type\": \"c\", \"major\": 121, \"minor\": 0,"
                            " \"mode\": 438, \"uid\": 0, \"gid\": 0}");
  g_object_get (tpu, "pci-address", &pci, "major", &major, "mode", &mode, NULL);
  g_assert_cmpstr (pci, ==, "0000:00:04.0");
  g_assert_cmpint (major, ==, 121);
  g_assert_cmpuint (mode, ==, 0666);
  g_assert_cmpstr (svfs_device_get_device_id (tpu), ==, "0x005e");
  g_assert_cmpstr (svfs_device_get_model (tpu), ==, "v4");
  g_assert_cmpstr (svfs_device_get_vendor (tpu), ==, "0x1ae0");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/svfs/spec/parse/runc-default", test_parse_runc_default);
  g_test_add_func ("/svfs/spec/parse/crun-default", test_parse_crun_default);
  g_test_add_func ("/svfs/spec/parse/podman", test_parse_podman);
  g_test_add_func ("/svfs/spec/parse/empty-rootfs-propagation", test_parse_empty_rootfs_propagation);
  g_test_add_func ("/svfs/spec/json/numbers-round-trip", test_numbers_round_trip);
  g_test_add_func ("/svfs/spec/parse/minimal-has-empty-defaults", test_parse_minimal);
  g_test_add_func ("/svfs/spec/parse/devices", test_parse_devices);
  g_test_add_func ("/svfs/spec/json/round-trip-corpus", test_json_round_trip_corpus);
  g_test_add_func ("/svfs/spec/json/unknown-fields-preserved", test_json_unknown_fields_preserved);
  g_test_add_func ("/svfs/spec/json/sealed", test_json_sealed);
  g_test_add_func ("/svfs/spec/json/pretty", test_json_pretty);
  g_test_add_func ("/svfs/spec/error/invalid-data-lists-problems", test_data_invalid_message_lists_problems);
  g_test_add_func ("/svfs/spec/error/data-empty", test_data_empty);
  g_test_add_func ("/svfs/spec/error/file-not-found", test_file_not_found);
  g_test_add_func ("/svfs/spec/error/file-not-regular", test_file_not_regular);
  g_test_add_func ("/svfs/spec/error/file-is-fifo", test_file_is_fifo);
  g_test_add_func ("/svfs/spec/error/file-too-large-not-read", test_file_too_large_not_read);
  g_test_add_func ("/svfs/spec/error/file-invalid", test_file_invalid);
  g_test_add_func ("/svfs/spec/error/file-errors-name-the-file", test_file_errors_name_the_file);
  g_test_add_func ("/svfs/spec/bundle-dir/from-file", test_bundle_dir_from_file);
  g_test_add_func ("/svfs/spec/bundle-dir/data-defaults-to-cwd", test_bundle_dir_data_defaults_to_cwd);
  g_test_add_func ("/svfs/spec/bundle-dir/set-and-notify", test_bundle_dir_set);
  g_test_add_func ("/svfs/spec/properties", test_properties);
  g_test_add_func ("/svfs/spec/mount/new", test_mount_new);
  g_test_add_func ("/svfs/spec/mount/absent-type-and-source", test_mount_absent_type_and_source);
  g_test_add_func ("/svfs/spec/device/new-and-json", test_device_new_and_json);
  g_test_add_func ("/svfs/spec/device/discovered-json", test_device_discovered_json);

  return g_test_run ();
}
