/* test-error.c: the SVFS_ERROR domain and its codes' names
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libsandboxvfs.h>

static void
test_error_quark (void)
{
  g_assert_cmpstr (g_quark_to_string (SVFS_ERROR), ==, "svfs-error-quark");
  g_assert_true (SVFS_ERROR == svfs_error_quark ());
  g_assert_true (SVFS_ERROR == g_quark_from_static_string ("svfs-error-quark"));
}

static const struct {
  SvfsError   code;
  const char *name;
} error_names[] = {
  { SVFS_ERROR_INVALID_SPEC, "invalid-spec" },
  { SVFS_ERROR_INVALID_CONFIG, "invalid-config" },
  { SVFS_ERROR_INVALID_OPTION, "invalid-option" },
  { SVFS_ERROR_SOURCE_FDS, "source-fds" },
  { SVFS_ERROR_UNSUPPORTED, "unsupported" },
  { SVFS_ERROR_MOUNT_FAILED, "mount-failed" },
  { SVFS_ERROR_DEVICE, "device" },
  { SVFS_ERROR_PERMISSION_DENIED, "permission-denied" },
  { SVFS_ERROR_LIMIT_EXCEEDED, "limit-exceeded" },
  { SVFS_ERROR_NOT_FOUND, "not-found" },
};

static void
test_error_to_string (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_names); i++)
    g_assert_cmpstr (svfs_error_to_string (error_names[i].code), ==, error_names[i].name);
}

/* Every value of the enumeration has a name in the table above, so a new
 * code cannot be added without deciding how JSON spells it. */
static void
test_error_every_value_named (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (SVFS_TYPE_ERROR);

  g_assert_cmpuint (klass->n_values, ==, G_N_ELEMENTS (error_names));

  for (guint i = 0; i < klass->n_values; i++)
    {
      const GEnumValue *value = &klass->values[i];
      gboolean found = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (error_names); j++)
        {
          if ((int) error_names[j].code == value->value)
            {
              g_assert_cmpstr (value->value_nick, ==, error_names[j].name);
              g_assert_cmpstr (svfs_error_to_string (value->value), ==, error_names[j].name);
              found = TRUE;
            }
        }
      g_assert_true (found);
    }
}

static void
test_error_unknown_code (void)
{
  g_assert_cmpstr (svfs_error_to_string ((SvfsError) 9999), ==, "unknown");
  g_assert_cmpstr (svfs_error_to_string ((SvfsError) -1), ==, "unknown");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/svfs/error/quark-name", test_error_quark);
  g_test_add_func ("/svfs/error/to-string/kebab-case", test_error_to_string);
  g_test_add_func ("/svfs/error/to-string/every-value-named", test_error_every_value_named);
  g_test_add_func ("/svfs/error/to-string/unknown-code", test_error_unknown_code);

  return g_test_run ();
}
