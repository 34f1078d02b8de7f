/* test-spec-check.c: the spec validator and the limits before parsing
 *
 * The rules are pinned down by the corpus in tests/data/specs: every
 * file in invalid/ is one test, /svfs/spec/check/<file name>, asserting
 * the exact lines of its sibling .expected file; every file in valid/
 * must give no problem at all.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "libsandboxvfs.h"
#include "svfs-spec-private.h"

static char *
specs_dir (const char *which)
{
  const char *data = g_getenv ("SVFS_TEST_DATA");

  return g_build_filename (data != NULL ? data : SVFS_TEST_DATA, "specs", which, NULL);
}

static char *
read_file (const char *path,
           gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static void
assert_problems (char       **problems,
                 const char  *expected_text)
{
  g_auto(GStrv) expected = NULL;
  g_autofree char *got = g_strjoinv ("\n", problems);
  g_autofree char *want = g_strdup (expected_text);

  g_strchomp (want);
  expected = g_strsplit (want, "\n", -1);
  if (!g_strv_equal ((const char * const *) problems, (const char * const *) expected))
    g_error ("problems differ\n--- got:\n%s\n--- expected:\n%s", got, want);
}

/* -- corpus ----------------------------------------------------------- */

static void
test_corpus_invalid (gconstpointer user_data)
{
  const char *path = user_data;
  g_autofree char *base = g_strndup (path, strlen (path) - strlen (".json"));
  g_autofree char *expected_path = g_strconcat (base, ".expected", NULL);
  g_autofree char *data = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *joined = NULL;
  g_auto(GStrv) problems = NULL;
  g_autoptr(SvfsSpec) spec = NULL;
  g_autoptr(GError) error = NULL;
  gsize length, expected_length;

  data = read_file (path, &length);
  expected = read_file (expected_path, &expected_length);

  problems = svfs_spec_check_data (data, (gssize) length);
  g_assert_nonnull (problems);
  assert_problems (problems, expected);

  /* Loading fails with the same lines joined by newlines. */
  spec = svfs_spec_new_from_data (data, (gssize) length, &error);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
  g_assert_null (spec);
  joined = g_strjoinv ("\n", problems);
  g_assert_cmpstr (error->message, ==, joined);
}

static void
test_corpus_valid (gconstpointer user_data)
{
  const char *path = user_data;
  g_autofree char *data = NULL;
  g_auto(GStrv) problems = NULL;
  g_autoptr(SvfsSpec) spec = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  data = read_file (path, &length);
  problems = svfs_spec_check_data (data, (gssize) length);
  g_assert_nonnull (problems);
  assert_problems (problems, "");
  g_assert_cmpuint (g_strv_length (problems), ==, 0);

  spec = svfs_spec_new_from_data (data, (gssize) length, &error);
  g_assert_no_error (error);
  g_assert_true (SVFS_IS_SPEC (spec));
}

static void
test_corpus_complete (void)
{
  g_autofree char *dir = specs_dir ("invalid");
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint json = 0, expected = 0;

  /* Each invalid spec has its .expected file and the other way round. */
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *base = NULL;
      g_autofree char *sibling = NULL;

      if (g_str_has_suffix (name, ".json"))
        {
          json++;
          base = g_strndup (path, strlen (path) - 5);
          sibling = g_strconcat (base, ".expected", NULL);
        }
      else if (g_str_has_suffix (name, ".expected"))
        {
          expected++;
          base = g_strndup (path, strlen (path) - 9);
          sibling = g_strconcat (base, ".json", NULL);
        }
      else
        g_error ("unexpected file %s in the invalid spec corpus", name);

      if (!g_file_test (sibling, G_FILE_TEST_EXISTS))
        g_error ("%s has no %s", name, sibling);
    }
  g_assert_cmpuint (json, ==, expected);
  g_assert_cmpuint (json, >=, 80);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
add_corpus_tests (GPtrArray *paths)
{
  static const char * const kinds[] = { "valid", "invalid" };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autofree char *dir = specs_dir (kinds[k]);
      g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (d == NULL)
        g_error ("no spec corpus at %s", dir);
      while ((name = g_dir_read_name (d)) != NULL)
        if (g_str_has_suffix (name, ".json"))
          g_ptr_array_add (names, g_strndup (name, strlen (name) - 5));
      g_ptr_array_sort (names, compare_names);

      for (guint i = 0; i < names->len; i++)
        {
          const char *stem = g_ptr_array_index (names, i);
          char *path = g_strdup_printf ("%s/%s.json", dir, stem);
          g_autofree char *test_name = NULL;

          g_ptr_array_add (paths, path);
          if (k == 0)
            {
              test_name = g_strdup_printf ("/svfs/spec/check/valid/%s", stem);
              g_test_add_data_func (test_name, path, test_corpus_valid);
            }
          else
            {
              test_name = g_strdup_printf ("/svfs/spec/check/%s", stem);
              g_test_add_data_func (test_name, path, test_corpus_invalid);
            }
        }
    }
}

/* -- cases the corpus cannot hold ------------------------------------- */

static void
assert_single_problem (const char *data,
                       gssize      length,
                       const char *expected)
{
  g_auto(GStrv) problems = svfs_spec_check_data (data, length);
  g_autoptr(SvfsSpec) spec = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (g_strv_length (problems), ==, 1);
  g_assert_cmpstr (problems[0], ==, expected);

  spec = svfs_spec_new_from_data (data, length, &error);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_null (spec);
}

static void
test_too_large (void)
{
  gsize size = SVFS_SPEC_MAX_SIZE + 1;
  g_autofree char *data = g_malloc (size + 1);
  g_autofree char *expected = NULL;

  /* Valid JSON padded with blanks, so only the size can be wrong. */
  memset (data, ' ', size);
  memcpy (data, "{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"}}", 38);
  data[size] = '\0';

  expected = g_strdup_printf ("spec is larger than 16 MiB (%u bytes)",
                              SVFS_SPEC_MAX_SIZE + 1);
  assert_single_problem (data, (gssize) size, expected);
  assert_single_problem (data, -1, expected);
}

static void
test_largest_accepted (void)
{
  /* Exactly SVFS_SPEC_MAX_SIZE bytes is still accepted: the limit is
   * "larger than", checked on the byte count alone. */
  gsize size = SVFS_SPEC_MAX_SIZE;
  g_autofree char *data = g_malloc (size);
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsSpec) spec = NULL;
  const char *doc = "{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"}}";

  memset (data, '\n', size);
  memcpy (data, doc, strlen (doc));
  spec = svfs_spec_new_from_data (data, (gssize) size, &error);
  g_assert_no_error (error);
  g_assert_nonnull (spec);
}

static void
test_too_deep (void)
{
  gsize n = 100000;
  g_autofree char *data = g_malloc (n + 1);

  /* json-glib would recurse 100000 times; the scanner stops at 65. */
  memset (data, '[', n);
  data[n] = '\0';
  assert_single_problem (data, -1, "JSON nesting deeper than 64 levels at line 1, column 65");
}

static void
test_too_deep_objects (void)
{
  g_autoptr(GString) s = g_string_new ("{\"ociVersion\": \"1\",\n \"root\": {\"path\": \"r\"},\n \"x\": ");

  for (guint i = 0; i < 70; i++)
    g_string_append (s, "{\"a\": ");
  g_string_append (s, "1");
  for (guint i = 0; i < 70; i++)
    g_string_append (s, "}");
  g_string_append (s, "}");

  /* The outer object is level 1; the 64th "{" of "x" is level 65. */
  assert_single_problem (s->str, -1, "JSON nesting deeper than 64 levels at line 3, column 385");
}

static void
test_deepest_accepted (void)
{
  g_autoptr(GString) s = g_string_new ("{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\"}, \"x\": ");
  g_auto(GStrv) problems = NULL;

  /* 63 arrays inside the top-level object: 64 levels in all. */
  for (guint i = 0; i < 63; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < 63; i++)
    g_string_append_c (s, ']');
  g_string_append_c (s, '}');

  problems = svfs_spec_check_data (s->str, -1);
  g_assert_cmpuint (g_strv_length (problems), ==, 0);
}

static void
test_brackets_in_strings (void)
{
  g_autoptr(GString) s = g_string_new ("{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\"}, \"x\": \"");
  g_auto(GStrv) problems = NULL;

  /* Brackets inside strings (and escaped quotes) do not count. */
  for (guint i = 0; i < 200; i++)
    g_string_append (s, "[{\\\"");
  g_string_append (s, "\"}");

  problems = svfs_spec_check_data (s->str, -1);
  g_assert_cmpuint (g_strv_length (problems), ==, 0);
}

static void
test_embedded_nul (void)
{
  static const char data[] = "{\"ociVersion\": \"1.2.0\",\n \"root\": {\"path\": \"r\0oops\"}}";

  assert_single_problem (data, sizeof data - 1,
                         "line 2, column 21: the spec contains a NUL byte");
}

static void
test_invalid_utf8 (void)
{
  static const char data[] = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"caf\xc3\xa9\xc3\"}}";

  /* Columns count characters: "é" is one. */
  assert_single_problem (data, -1, "line 1, column 47: the spec is not valid UTF-8");
}

static void
test_malformed_line_column (void)
{
  static const char data[] = "{\n  \"ociVersion\": \"1.2.0\",\n  \"root\": {\"path\": \"r\"}\n  \"mounts\": []\n}\n";
  g_auto(GStrv) problems = svfs_spec_check_data (data, -1);

  /* json-glib places the error at the token before the missing comma. */
  g_assert_cmpuint (g_strv_length (problems), ==, 1);
  g_assert_cmpstr (problems[0], ==, "line 3, column 23: unexpected character `}', expected character `,'");
  g_assert_true (g_regex_match_simple ("^line [0-9]+, column [0-9]+: ", problems[0], 0, 0));
  g_assert_null (strstr (problems[0], "<data>"));
  g_assert_null (strstr (problems[0], "Parse error"));
}

static void
test_unexpected_characters (void)
{
  assert_single_problem ("{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\"}} // comment", -1,
                         "line 1, column 44: unexpected text after the end of the JSON document");
  assert_single_problem ("\n\n  # x", -1, "line 3, column 3: unexpected character '#'");
  assert_single_problem ("{\"a\":\x01}", -1, "line 1, column 6: unexpected character U+0001");
}

static void
test_integer_range (void)
{
  static const char ok[] = "{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\"}, "
                           "\"x\": [9223372036854775807, -9223372036854775808, 1.5e300]}";
  g_auto(GStrv) problems = svfs_spec_check_data (ok, -1);

  g_assert_cmpuint (g_strv_length (problems), ==, 0);
  assert_single_problem ("[-9223372036854775809]", -1,
                         "line 1, column 2: integer out of range for a 64-bit integer");
}

static void
test_empty (void)
{
  assert_single_problem ("", -1, "the spec is empty");
  assert_single_problem ("", 0, "the spec is empty");
  assert_single_problem (" \t\r\n", -1, "the spec is empty");
}

static void
test_length_limits_data (void)
{
  static const char data[] = "{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\"}}garbage";
  g_auto(GStrv) problems = NULL;

  /* An explicit length stops before the trailing garbage. */
  problems = svfs_spec_check_data (data, (gssize) strlen (data) - strlen ("garbage"));
  g_assert_cmpuint (g_strv_length (problems), ==, 0);
}

static void
test_null_optional_fields (void)
{
  static const char data[] =
    "{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\", \"readonly\": null},"
    " \"mounts\": null, \"process\": null, \"hooks\": null, \"annotations\": null,"
    " \"linux\": {\"devices\": null, \"namespaces\": null, \"sysctl\": null}}";
  g_auto(GStrv) problems = svfs_spec_check_data (data, -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsSpec) spec = NULL;

  g_assert_cmpuint (g_strv_length (problems), ==, 0);
  spec = svfs_spec_new_from_data (data, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (svfs_spec_get_mounts (spec)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (svfs_spec_get_devices (spec)), ==, 0);
  g_assert_false (svfs_spec_get_root_readonly (spec));
}

static void
test_unknown_fields_accepted (void)
{
  static const char data[] =
    "{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\", \"future\": [1]},"
    " \"mounts\": [{\"destination\": \"/x\", \"future\": {}}],"
    " \"process\": {\"args\": [], \"cwd\": \"/\", \"future\": 1, \"user\": {\"future\": \"x\"}},"
    " \"hooks\": {\"future-stage\": 5}, \"linux\": {\"future\": null,"
    " \"devices\": [{\"path\": \"/d\", \"type\": \"p\", \"future\": true}]},"
    " \"future\": {\"a\": [[[]]]}}";
  g_auto(GStrv) problems = svfs_spec_check_data (data, -1);

  g_assert_cmpuint (g_strv_length (problems), ==, 0);
}

static void
test_wrong_types_everywhere (void)
{
  static const char data[] =
    "{\"ociVersion\": true, \"root\": [], \"mounts\": 1, \"process\": \"p\","
    " \"hostname\": {}, \"hooks\": 2, \"annotations\": \"a\", \"linux\": 3.5}";
  static const char expected[] =
    "ociVersion: expected a string\n"
    "root: expected an object\n"
    "mounts: expected an array\n"
    "process: expected an object\n"
    "hostname: expected a string\n"
    "hooks: expected an object\n"
    "annotations: expected an object\n"
    "linux: expected an object";
  g_auto(GStrv) problems = svfs_spec_check_data (data, -1);

  assert_problems (problems, expected);
}

static void
test_map_key_escaping (void)
{
  static const char data[] =
    "{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\"},"
    " \"linux\": {\"sysctl\": {\"a\\\\b\": 1, \"tab\\there\": 2, \"plain\": \"ok\"}}}";
  static const char expected[] =
    "linux.sysctl[\"a\\\\b\"]: expected a string\n"
    "linux.sysctl[\"tab\\u0009here\"]: expected a string";
  g_auto(GStrv) problems = svfs_spec_check_data (data, -1);

  assert_problems (problems, expected);
}

static void
test_deterministic (void)
{
  g_autofree char *dir = specs_dir ("invalid");
  g_autofree char *path = g_build_filename (dir, "many-problems-in-document-order.json", NULL);
  g_autofree char *data = NULL;
  g_auto(GStrv) first = NULL;
  gsize length;

  data = read_file (path, &length);
  first = svfs_spec_check_data (data, (gssize) length);
  for (guint i = 0; i < 20; i++)
    {
      g_auto(GStrv) again = svfs_spec_check_data (data, (gssize) length);

      g_assert_true (g_strv_equal ((const char * const *) first,
                                   (const char * const *) again));
    }
}

static void
test_parse_json_data_private (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* The private parser accepts any JSON value; only specs need objects. */
  node = svfs_spec_parse_json_data ("[1, 2]", 6, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  g_assert_true (json_node_is_immutable (node));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  g_test_init (&argc, &argv, NULL);

  add_corpus_tests (paths);
  g_test_add_func ("/svfs/spec/check/corpus/complete", test_corpus_complete);
  g_test_add_func ("/svfs/spec/check/limits/too-large", test_too_large);
  g_test_add_func ("/svfs/spec/check/limits/largest-accepted", test_largest_accepted);
  g_test_add_func ("/svfs/spec/check/limits/too-deep-arrays", test_too_deep);
  g_test_add_func ("/svfs/spec/check/limits/too-deep-objects", test_too_deep_objects);
  g_test_add_func ("/svfs/spec/check/limits/deepest-accepted", test_deepest_accepted);
  g_test_add_func ("/svfs/spec/check/limits/brackets-in-strings", test_brackets_in_strings);
  g_test_add_func ("/svfs/spec/check/limits/integer-range", test_integer_range);
  g_test_add_func ("/svfs/spec/check/syntax/embedded-nul", test_embedded_nul);
  g_test_add_func ("/svfs/spec/check/syntax/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/svfs/spec/check/syntax/line-column", test_malformed_line_column);
  g_test_add_func ("/svfs/spec/check/syntax/unexpected-characters", test_unexpected_characters);
  g_test_add_func ("/svfs/spec/check/syntax/empty", test_empty);
  g_test_add_func ("/svfs/spec/check/syntax/length-limits-data", test_length_limits_data);
  g_test_add_func ("/svfs/spec/check/null-optional-fields", test_null_optional_fields);
  g_test_add_func ("/svfs/spec/check/unknown-fields-accepted", test_unknown_fields_accepted);
  g_test_add_func ("/svfs/spec/check/wrong-types-everywhere", test_wrong_types_everywhere);
  g_test_add_func ("/svfs/spec/check/map-key-escaping", test_map_key_escaping);
  g_test_add_func ("/svfs/spec/check/deterministic", test_deterministic);
  g_test_add_func ("/svfs/spec/check/parse-json-data", test_parse_json_data_private);

  return g_test_run ();
}
