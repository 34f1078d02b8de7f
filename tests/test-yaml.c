/* test-yaml.c: the YAML → JSON tree converter (libsandboxvfs/svfs-yaml.c)
 * used for CDI specs written in YAML.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libsandboxvfs.h>
#include "svfs-yaml-private.h"

/* The YAML as compact JSON; fails the test on an error. */
static char *
convert_with (const char         *yaml,
              const char * const *string_keys)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = svfs_yaml_parse_data (yaml, strlen (yaml), string_keys, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return json_to_string (node, FALSE);
}

static char *
convert (const char *yaml)
{
  return convert_with (yaml, NULL);
}

#define assert_converts(yaml, json) \
  G_STMT_START { \
    g_autofree char *_got = convert (yaml); \
    g_assert_cmpstr (_got, ==, json); \
  } G_STMT_END

/* The error message for @yaml, which must fail with @code. */
static char *
failure_len (const char *yaml,
             gsize       length,
             SvfsError   code)
{
  GError *error = NULL;
  JsonNode *node = svfs_yaml_parse_data (yaml, length, NULL, &error);
  char *message;

  g_assert_null (node);
  g_assert_error (error, SVFS_ERROR, (gint) code);
  message = g_strdup (error->message);
  g_error_free (error);
  return message;
}

static char *
failure (const char *yaml)
{
  return failure_len (yaml, strlen (yaml), SVFS_ERROR_INVALID_SPEC);
}

#define assert_fails(yaml, message) \
  G_STMT_START { \
    g_autofree char *_got = failure (yaml); \
    g_assert_cmpstr (_got, ==, message); \
  } G_STMT_END

static void
test_types (void)
{
  assert_converts ("a: x\n"
                   "b: 195\n"
                   "c: true\n"
                   "d: null\n"
                   "e: ~\n"
                   "f:\n"
                   "g: 1.5\n"
                   "h: False\n"
                   "i: NULL\n"
                   "j: rw\n",
                   "{\"a\":\"x\",\"b\":195,\"c\":true,\"d\":null,\"e\":null,\"f\":null,"
                   "\"g\":1.5,\"h\":false,\"i\":null,\"j\":\"rw\"}");
  /* YAML 1.1 booleans, sexagesimals, versions, .inf/.nan stay text. */
  assert_converts ("[yes, no, on, off, y, n, 190:20:30, 0.5.0, 1.2.3, .inf, -.inf, .nan, 1_000]",
                   "[\"yes\",\"no\",\"on\",\"off\",\"y\",\"n\",\"190:20:30\",\"0.5.0\",\"1.2.3\","
                   "\".inf\",\"-.inf\",\".nan\",\"1_000\"]");
  assert_converts ("[1e3, -2.5E-1, .5, 1., +3.0]", "[1000.0,-0.25,0.5,1.0,3.0]");
  /* A scalar document. */
  assert_converts ("--- 42\n", "42");
  assert_converts ("---\n...\n", "null");
  assert_converts ("%YAML 1.1\n---\nkey: value\n", "{\"key\":\"value\"}");
}

static void
test_integers (void)
{
  /* Decimal, YAML 1.1 octal (what a hand-written fileMode: 0666 means to
   * Go's YAML), YAML 1.2 0o octal, hex, binary, signs. */
  assert_converts ("[0, -0, 195, +12, -7, 0666, 0o666, 0640, 0x1F, 0XfF, -0x10, 0b101, -0b1, 00]",
                   "[0,0,195,12,-7,438,438,416,31,255,-16,5,-1,0]");
  assert_converts ("[9223372036854775807, -9223372036854775808, 0x7fffffffffffffff]",
                   "[9223372036854775807,-9223372036854775808,9223372036854775807]");
  /* Not integers: stay text. */
  assert_converts ("[09, 0o8, 0x, 0xg, 0b2, 12a, '-', +, 0o, 1 2]",
                   "[\"09\",\"0o8\",\"0x\",\"0xg\",\"0b2\",\"12a\",\"-\",\"+\",\"0o\",\"1 2\"]");
  assert_fails ("a: 9223372036854775808\n",
                "line 1, column 4: integer 9223372036854775808 is out of range");
  assert_fails ("- -9223372036854775809\n",
                "line 1, column 3: integer -9223372036854775809 is out of range");
  assert_fails ("[0x10000000000000000]\n",
                "line 1, column 2: integer 0x10000000000000000 is out of range");
}

static void
test_quoted_and_tagged (void)
{
  /* Only plain scalars are resolved. */
  assert_converts ("a: \"195\"\n"
                   "b: '0666'\n"
                   "c: 'true'\n"
                   "d: \"null\"\n"
                   "e: |\n  195\n"
                   "f: >-\n  folded\n  text\n"
                   "g: \"tab\\there \\u00e9\"\n"
                   "h: ''\n",
                   "{\"a\":\"195\",\"b\":\"0666\",\"c\":\"true\",\"d\":\"null\",\"e\":\"195\\n\","
                   "\"f\":\"folded text\",\"g\":\"tab\\there é\",\"h\":\"\"}");
  /* Core tags, and the non-specific ! tag. */
  assert_converts ("[!!str 12, ! 12, !!int \"12\", !!float 3, !!float \"2.5\", !!bool \"true\", "
                   "!!null '', !!str, !!map {a: 1}, !!seq [1]]",
                   "[\"12\",\"12\",12,3.0,2.5,true,null,\"\",{\"a\":1},[1]]");
  assert_converts ("%TAG !e! tag:yaml.org,2002:\n--- !e!int \"7\"\n", "7");
  assert_fails ("a: !!int twelve\n", "line 1, column 4: \"twelve\" is not a valid !!int");
  assert_fails ("a: !!bool yes\n", "line 1, column 4: \"yes\" is not a valid !!bool");
  assert_fails ("a: !!null x\n", "line 1, column 4: \"x\" is not a valid !!null");
  assert_fails ("a: !!binary aGVsbG8=\n",
                "line 1, column 4: unsupported tag tag:yaml.org,2002:binary on a scalar");
  assert_fails ("a: !local x\n", "line 1, column 4: unsupported tag !local on a scalar");
  assert_fails ("a: !!set {x}\n", "line 1, column 4: unsupported tag tag:yaml.org,2002:set on a mapping");
  assert_fails ("a: !!map [x]\n", "line 1, column 4: unsupported tag tag:yaml.org,2002:map on a sequence");
  /* JSON strings cannot hold NUL. */
  assert_fails ("a: \"x\\0y\"\n", "line 1, column 4: a scalar contains a NUL character");
}

static void
test_string_keys (void)
{
  static const char * const keys[] = { "name", "env", "annotations", NULL };
  g_autofree char *got = convert_with ("name: 0\n"
                                       "env: [A=1, 2, true]\n"
                                       "annotations: {a: 1, b: null}\n"
                                       "major: 0\n"
                                       "nested: {name: 007, other: 007}\n"
                                       "tagged: {name: !!int 5}\n"
                                       "deep: {env: [[1]]}\n",
                                       keys);

  /* Exactly as written under schema strings, resolved elsewhere; an
   * explicit tag wins; only direct children are affected. */
  g_assert_cmpstr (got, ==,
                   "{\"name\":\"0\",\"env\":[\"A=1\",\"2\",\"true\"],\"annotations\":{\"a\":\"1\",\"b\":\"null\"},"
                   "\"major\":0,\"nested\":{\"name\":\"007\",\"other\":7},\"tagged\":{\"name\":5},"
                   "\"deep\":{\"env\":[[1]]}}");
}

static void
test_nested (void)
{
  assert_converts ("devices:\n"
                   "- name: \"0\"\n"
                   "  containerEdits:\n"
                   "    deviceNodes:\n"
                   "    - path: /dev/nvidia0\n"
                   "      major: 195\n"
                   "    - {path: /dev/nvidiactl, minor: 255}\n"
                   "- name: empty\n"
                   "  list: []\n"
                   "  map: {}\n"
                   "  nulls:\n"
                   "  - ~\n"
                   "  -\n"
                   "kind: nvidia.com/gpu\n",
                   "{\"devices\":[{\"name\":\"0\",\"containerEdits\":{\"deviceNodes\":["
                   "{\"path\":\"/dev/nvidia0\",\"major\":195},{\"path\":\"/dev/nvidiactl\",\"minor\":255}]}},"
                   "{\"name\":\"empty\",\"list\":[],\"map\":{},\"nulls\":[null,null]}],"
                   "\"kind\":\"nvidia.com/gpu\"}");
  /* Keys are taken as written, whatever they look like. */
  assert_converts ("{1: a, true: b, null: c, 0666: d, ~: e}",
                   "{\"1\":\"a\",\"true\":\"b\",\"null\":\"c\",\"0666\":\"d\",\"~\":\"e\"}");
  /* … so a quoted and a plain key of the same text are duplicates. */
  assert_fails ("{'0666': d, 0666: e}", "line 1, column 13: duplicate key \"0666\"");
}

static void
test_anchors (void)
{
  /* Aliases are copies; anchors may be redefined. */
  assert_converts ("base: &b {path: /dev/x, major: 1}\n"
                   "copy: *b\n"
                   "list: [&n 5, *n, &n six, *n]\n"
                   "k: &key name\n"
                   "v: *key\n",
                   "{\"base\":{\"path\":\"/dev/x\",\"major\":1},\"copy\":{\"path\":\"/dev/x\",\"major\":1},"
                   "\"list\":[5,5,\"six\",\"six\"],\"k\":\"name\",\"v\":\"name\"}");
  /* An anchored key names its text. */
  assert_converts ("&k a: 1\nb: *k\n", "{\"a\":1,\"b\":\"a\"}");
  /* Merge keys: the mapping's own keys win, then earlier merged ones. */
  assert_converts ("common: &c {type: c, major: 195, fileMode: 0666}\n"
                   "more: &m {major: 1, uid: 0}\n"
                   "node:\n"
                   "  path: /dev/nvidia0\n"
                   "  <<: [*c, *m]\n"
                   "  minor: 0\n"
                   "  major: 196\n"
                   "one: {<<: *m}\n"
                   "inline: {<<: {a: 1}, b: 2}\n"
                   "quoted: {'<<': 1}\n",
                   "{\"common\":{\"type\":\"c\",\"major\":195,\"fileMode\":438},"
                   "\"more\":{\"major\":1,\"uid\":0},"
                   "\"node\":{\"path\":\"/dev/nvidia0\",\"minor\":0,\"major\":196,\"type\":\"c\",\"fileMode\":438,\"uid\":0},"
                   "\"one\":{\"major\":1,\"uid\":0},"
                   "\"inline\":{\"b\":2,\"a\":1},"
                   "\"quoted\":{\"<<\":1}}");
  assert_fails ("a: {<<: 1}\n",
                "line 1, column 9: the value of a merge key (<<) must be a mapping or a sequence of mappings");
  assert_fails ("a: {<<: [{x: 1}, 2]}\n",
                "line 1, column 9: the value of a merge key (<<) must be a mapping or a sequence of mappings");
  assert_fails ("a: {<<: {x: 1}, <<: {y: 1}}\n", "line 1, column 17: duplicate key \"<<\"");
  assert_fails ("a: *nowhere\n", "line 1, column 4: undefined alias *nowhere");
  assert_fails ("a: &a\n  b: *a\n", "line 2, column 6: alias *a is inside the node it refers to");
  assert_fails ("a: &a [x]\n*a : y\n", "line 2, column 1: an alias cannot be a mapping key");
}

static void
test_alias_limits (void)
{
  /* Billion laughs: nine levels of ten aliases would be 10^9 nodes. */
  static const char laughs[] =
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
    "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
  g_autofree char *message = failure_len (laughs, strlen (laughs), SVFS_ERROR_LIMIT_EXCEEDED);
  g_autoptr(GString) deep = g_string_new ("a: &a ");
  g_autoptr(GString) many = g_string_new ("a: &a [");
  g_autofree char *deep_message = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  /* Copies of a to d make 12 330 nodes; four copies of d (11 111 nodes
   * each) fit in 65536, the fifth does not. */
  g_assert_cmpstr (message, ==, "line 5, column 24: aliases expand to more than 65536 nodes");

  /* A copy must not nest deeper than the limit either: 40 levels
   * anchored, aliased 30 levels down. */
  for (int i = 0; i < 40; i++)
    g_string_append_c (deep, '[');
  for (int i = 0; i < 40; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, "\nb: ");
  for (int i = 0; i < 30; i++)
    g_string_append_c (deep, '[');
  g_string_append (deep, "*a");
  for (int i = 0; i < 30; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '\n');
  deep_message = failure_len (deep->str, deep->len, SVFS_ERROR_LIMIT_EXCEEDED);
  g_assert_cmpstr (deep_message, ==, "line 2, column 34: alias *a nests deeper than 64 levels");
  {
    /* 23 levels down (b's mapping is the first level): 64 in all. */
    g_autoptr(GString) fits = g_string_new ("a: &a ");
    g_autoptr(JsonNode) fits_node = NULL;

    for (int i = 0; i < 40; i++)
      g_string_append_c (fits, '[');
    for (int i = 0; i < 40; i++)
      g_string_append_c (fits, ']');
    g_string_append (fits, "\nb: ");
    for (int i = 0; i < 23; i++)
      g_string_append_c (fits, '[');
    g_string_append (fits, "*a");
    for (int i = 0; i < 23; i++)
      g_string_append_c (fits, ']');
    fits_node = svfs_yaml_parse_data (fits->str, fits->len, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (fits_node);
  }

  /* Exactly the limit is accepted. */
  for (int i = 0; i < SVFS_YAML_MAX_ALIAS_NODES - 1; i++)
    g_string_append (many, i == 0 ? "0" : ",0");
  g_string_append (many, "]\nb: *a\n");
  node = svfs_yaml_parse_data (many->str, many->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (node), "b")),
                    ==, SVFS_YAML_MAX_ALIAS_NODES - 1);
}

static void
test_malformed (void)
{
  /* libyaml's messages with 1-based positions and their context. */
  assert_fails ("kind: nvidia.com/gpu\ndevices: [a, b\n",
                "line 3, column 1: did not find expected ',' or ']' "
                "(while parsing a flow sequence at line 2, column 10)");
  assert_fails ("a: 1\n b: 2\n", "line 2, column 3: mapping values are not allowed in this context");
  assert_fails ("a:\n\t- x\n",
                "line 2, column 1: found character that cannot start any token "
                "(while scanning for the next token at line 2, column 1)");
  assert_fails ("a: \"unterminated\n",
                "line 2, column 1: found unexpected end of stream "
                "(while scanning a quoted scalar at line 1, column 4)");
  assert_fails ("kind: x\nkind: y\n", "line 2, column 1: duplicate key \"kind\"");
  assert_fails ("a: 1\n---\nb: 2\n", "line 2, column 1: a second YAML document (only one is read)");
  assert_fails ("? [a]\n: b\n", "line 1, column 3: a mapping key must be a scalar");
  assert_fails ("{{a: 1}: b}\n", "line 1, column 2: a mapping key must be a scalar");
  assert_fails ("", "line 1, column 1: no YAML document");
  assert_fails ("# only a comment\n", "line 1, column 1: no YAML document");
  /* Reader errors carry a byte offset: the line is counted. */
  assert_fails ("a: 1\nb: \xff\n", "line 2, column 4: invalid leading UTF-8 octet (0xff)");
  {
    static const char nul[] = "a: 1\nbc: x\0y\n";
    g_autofree char *message = failure_len (nul, sizeof nul - 1, SVFS_ERROR_INVALID_SPEC);

    g_assert_cmpstr (message, ==, "line 2, column 6: control characters are not allowed (0x0)");
  }
}

static void
test_size_and_depth (void)
{
  gsize big = SVFS_YAML_MAX_SIZE + 1;
  g_autofree char *data = g_malloc (big);
  g_autofree char *message = NULL;
  g_autoptr(GString) ok = g_string_new (NULL);
  g_autoptr(GString) flow = g_string_new (NULL);
  g_autoptr(GString) block = g_string_new (NULL);
  g_autofree char *flow_message = NULL;
  g_autofree char *block_message = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  /* Refused before parsing. */
  memset (data, '#', big);
  message = failure_len (data, big, SVFS_ERROR_LIMIT_EXCEEDED);
  g_assert_cmpstr (message, ==, "larger than 16 MiB (16777217 bytes)");

  /* 64 levels are accepted, 65 are not: flow and block styles. */
  for (int i = 0; i < SVFS_YAML_MAX_DEPTH; i++)
    g_string_append_c (ok, '[');
  for (int i = 0; i < SVFS_YAML_MAX_DEPTH; i++)
    g_string_append_c (ok, ']');
  node = svfs_yaml_parse_data (ok->str, ok->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);

  for (int i = 0; i < 10000; i++)
    g_string_append_c (flow, '[');
  flow_message = failure_len (flow->str, flow->len, SVFS_ERROR_LIMIT_EXCEEDED);
  g_assert_cmpstr (flow_message, ==, "line 1, column 65: nested deeper than 64 levels");

  for (int i = 0; i <= SVFS_YAML_MAX_DEPTH; i++)
    {
      for (int j = 0; j < i; j++)
        g_string_append_c (block, ' ');
      g_string_append_printf (block, "k%d:\n", i);
    }
  block_message = failure_len (block->str, block->len, SVFS_ERROR_LIMIT_EXCEEDED);
  g_assert_cmpstr (block_message, ==, "line 65, column 65: nested deeper than 64 levels");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/svfs/yaml/types", test_types);
  g_test_add_func ("/svfs/yaml/integers", test_integers);
  g_test_add_func ("/svfs/yaml/quoted-and-tagged", test_quoted_and_tagged);
  g_test_add_func ("/svfs/yaml/string-keys", test_string_keys);
  g_test_add_func ("/svfs/yaml/nested", test_nested);
  g_test_add_func ("/svfs/yaml/anchors", test_anchors);
  g_test_add_func ("/svfs/yaml/alias-limits", test_alias_limits);
  g_test_add_func ("/svfs/yaml/malformed", test_malformed);
  g_test_add_func ("/svfs/yaml/size-and-depth", test_size_and_depth);

  return g_test_run ();
}
