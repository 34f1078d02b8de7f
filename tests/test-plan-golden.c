/* test-plan-golden.c: the plans of the spec corpus (tests/data/specs/valid)
 * compared with checked-in JSON (tests/data/plans).
 *
 * Each spec is compiled with the default config and its bundle directory
 * set to "/bundle", so relative paths give the same plan on every machine.
 * After a deliberate change of semantics, regenerate the files with
 * SVFS_UPDATE_GOLDEN=1 and review the diff.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libsandboxvfs.h>

static void
test_golden (gconstpointer data)
{
  const char *name = data;
  g_autofree char *spec_path = g_build_filename (SVFS_TEST_DATA, "specs", "valid", name, NULL);
  g_autofree char *golden_path = g_build_filename (SVFS_TEST_DATA, "plans", name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsSpec) spec = NULL;
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autofree char *json = NULL;
  g_autofree char *expected = NULL;

  spec = svfs_spec_new_from_file (spec_path, &error);
  g_assert_no_error (error);
  svfs_spec_set_bundle_dir (spec, "/bundle");

  mounter = svfs_mounter_new (spec, NULL);
  plan = svfs_mounter_compile (mounter, &error);
  g_assert_no_error (error);

  json = svfs_mount_plan_to_json (plan);
  if (g_getenv ("SVFS_UPDATE_GOLDEN") != NULL)
    {
      g_autofree char *with_newline = g_strconcat (json, "\n", NULL);
      g_assert_true (g_file_set_contents (golden_path, with_newline, -1, &error));
      g_assert_no_error (error);
    }

  g_assert_true (g_file_get_contents (golden_path, &expected, NULL, &error));
  g_assert_no_error (error);
  g_strchomp (expected);
  g_assert_cmpstr (json, ==, expected);
}

/* g_ptr_array_sort() passes pointers to the elements. */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir_path = g_build_filename (SVFS_TEST_DATA, "specs", "valid", NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_test_init (&argc, &argv, NULL);

  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >, 0);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/svfs/plan/golden/%s", (char *) g_ptr_array_index (names, i));
      g_test_add_data_func (path, g_ptr_array_index (names, i), test_golden);
    }

  return g_test_run ();
}
