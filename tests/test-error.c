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

/* kebab-case nick → CamelCase: "invalid-spec" → "InvalidSpec". */
static char *
camel_case (const char *nick)
{
  GString *s = g_string_new (NULL);
  gboolean upper = TRUE;

  for (const char *p = nick; *p != '\0'; p++)
    {
      if (*p == '-')
        {
          upper = TRUE;
          continue;
        }
      g_string_append_c (s, upper ? g_ascii_toupper (*p) : *p);
      upper = FALSE;
    }
  return g_string_free (s, FALSE);
}

/* Every code has a D-Bus error name, CamelCase of its nick, and it maps
 * back to the same domain and code on the receiving side. */
static void
test_error_dbus_names (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (SVFS_TYPE_ERROR);

  for (guint i = 0; i < klass->n_values; i++)
    {
      const GEnumValue *value = &klass->values[i];
      g_autofree char *camel = camel_case (value->value_nick);
      g_autofree char *expected = g_strconcat ("org.sandboxvfs.SandboxVfs1.Error.", camel, NULL);
      g_autoptr(GError) error = g_error_new (SVFS_ERROR, value->value, "message %d", value->value);
      g_autoptr(GError) back = NULL;
      g_autofree char *name = g_dbus_error_encode_gerror (error);
      g_autofree char *stripped = NULL;

      g_assert_cmpstr (name, ==, expected);

      back = g_dbus_error_new_for_dbus_error (name, error->message);
      g_assert_error (back, SVFS_ERROR, value->value);
      g_assert_true (g_dbus_error_is_remote_error (back));
      stripped = g_dbus_error_get_remote_error (back);
      g_assert_cmpstr (stripped, ==, expected);
      g_dbus_error_strip_remote_error (back);
      g_assert_cmpstr (back->message, ==, error->message);
    }
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
  g_test_add_func ("/svfs/error/dbus/names-round-trip", test_error_dbus_names);

  return g_test_run ();
}
