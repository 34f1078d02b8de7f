/* test-mount-hints.c: pod mount hints and the rootfs hint (gVisor §14)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libsandboxvfs.h>

#include "svfs-mount-hints-private.h"

#define M SVFS_MOUNT_HINT_PREFIX
#define R SVFS_ROOTFS_HINT_PREFIX

/* Builds annotations from a NULL-terminated list of key, value pairs,
 * inserted in the order given. */
static GHashTable *
annotations_from_list (const char * const *kv)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; kv[i] != NULL; i += 2)
    g_hash_table_insert (table, g_strdup (kv[i]), g_strdup (kv[i + 1]));

  return table;
}

/* Like annotations_from_list() but inserts the pairs in an order given by
 * @permutation (0: as listed, 1: reversed, other: shuffled with that seed),
 * and with @padding unrelated annotations first, which changes the table's
 * size and so its iteration order. */
static GHashTable *
annotations_permuted (const char * const *kv,
                      guint               permutation,
                      guint               padding)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n = 0;

  for (guint i = 0; i < padding; i++)
    g_hash_table_insert (table, g_strdup_printf ("org.example.pad%u", i), g_strdup ("x"));

  while (kv[2 * n] != NULL)
    n++;
  for (guint i = 0; i < n; i++)
    g_array_append_val (order, i);

  if (permutation == 1)
    {
      for (guint i = 0; i < n / 2; i++)
        {
          guint tmp = g_array_index (order, guint, i);

          g_array_index (order, guint, i) = g_array_index (order, guint, n - 1 - i);
          g_array_index (order, guint, n - 1 - i) = tmp;
        }
    }
  else if (permutation > 1)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (permutation);

      for (guint i = n; i > 1; i--)
        {
          guint j = g_rand_int_range (rand, 0, i);
          guint tmp = g_array_index (order, guint, i - 1);

          g_array_index (order, guint, i - 1) = g_array_index (order, guint, j);
          g_array_index (order, guint, j) = tmp;
        }
    }

  for (guint i = 0; i < n; i++)
    {
      guint k = g_array_index (order, guint, i);

      g_hash_table_insert (table, g_strdup (kv[2 * k]), g_strdup (kv[2 * k + 1]));
    }

  return table;
}

static const char *
share_name (SvfsHintShare share)
{
  switch (share)
    {
    case SVFS_HINT_SHARE_UNSET:
      return "unset";
    case SVFS_HINT_SHARE_CONTAINER:
      return "container";
    case SVFS_HINT_SHARE_POD:
      return "pod";
    case SVFS_HINT_SHARE_SHARED:
      return "shared";
    default:
      g_assert_not_reached ();
    }
}

/* One line per hint, then one per warning, or the error: a complete
 * picture of a parse, to compare parses with. */
static char *
describe_parse (GHashTable *annotations)
{
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsPodMountHints) hints = NULL;
  GString *out = g_string_new (NULL);

  hints = svfs_pod_mount_hints_new_from_annotations (annotations, warnings, &error);
  if (hints == NULL)
    {
      g_assert_nonnull (error);
      g_string_append_printf (out, "error %d: %s\n", error->code, error->message);
    }
  else
    {
      g_assert_no_error (error);
      for (guint i = 0; i < hints->hints->len; i++)
        {
          const SvfsMountHint *hint = g_ptr_array_index (hints->hints, i);
          g_autofree char *options = g_strjoinv (",", hint->options);

          g_string_append_printf (out, "hint %s source=%s type=%s share=%s options=%s directfs_off=%d\n",
                                  hint->name, hint->source, hint->type,
                                  share_name (hint->share), options, hint->directfs_off);
        }
    }
  for (guint i = 0; i < warnings->len; i++)
    g_string_append_printf (out, "warning %s\n", (const char *) warnings->pdata[i]);

  return g_string_free (out, FALSE);
}

static SvfsPodMountHints *
parse_ok (const char * const *kv,
          GPtrArray          *warnings)
{
  g_autoptr(GHashTable) annotations = annotations_from_list (kv);
  g_autoptr(GError) error = NULL;
  SvfsPodMountHints *hints;

  hints = svfs_pod_mount_hints_new_from_annotations (annotations, warnings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hints);
  g_assert_nonnull (hints->hints);

  return hints;
}

static void
assert_parse_fails (const char * const *kv,
                    const char         *message)
{
  g_autoptr(GHashTable) annotations = annotations_from_list (kv);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsPodMountHints) hints = NULL;

  hints = svfs_pod_mount_hints_new_from_annotations (annotations, warnings, &error);
  g_assert_null (hints);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
  g_assert_cmpstr (error->message, ==, message);
}

static const SvfsMountHint *
hint_at (const SvfsPodMountHints *hints,
         guint                    i)
{
  g_assert_cmpuint (i, <, hints->hints->len);
  return g_ptr_array_index (hints->hints, i);
}

/* ---- pod mount hints ----------------------------------------------------- */

static void
test_hints_none (void)
{
  const char * const unrelated[] = {
    "io.kubernetes.cri.container-name", "web",
    "dev.gvisor.spec.mountx.a.source", "/x",    /* not the prefix */
    "dev.gvisor.spec.mount", "x",                /* neither */
    NULL
  };
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SvfsPodMountHints) from_null = NULL;
  g_autoptr(SvfsPodMountHints) from_unrelated = NULL;
  g_autoptr(GError) error = NULL;

  from_null = svfs_pod_mount_hints_new_from_annotations (NULL, warnings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (from_null);
  g_assert_cmpuint (from_null->hints->len, ==, 0);
  g_assert_null (svfs_pod_mount_hints_find_by_source (from_null, "/x"));

  from_unrelated = parse_ok (unrelated, warnings);
  g_assert_cmpuint (from_unrelated->hints->len, ==, 0);
  g_assert_cmpuint (warnings->len, ==, 0);

  /* NULL frees nothing, quietly. */
  svfs_pod_mount_hints_free (NULL);
}

static void
test_hints_complete (void)
{
  const char * const kv[] = {
    M "cache.source", "/host/cache",
    M "cache.type", "tmpfs",
    M "cache.share", "pod",
    M "cache.options", "rw,noexec,size=64m",
    M "cache.directfs", "off",
    NULL
  };
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SvfsPodMountHints) hints = parse_ok (kv, warnings);
  const SvfsMountHint *hint;
  const char * const options[] = { "rw", "noexec", "size=64m", NULL };

  g_assert_cmpuint (warnings->len, ==, 0);
  g_assert_cmpuint (hints->hints->len, ==, 1);
  hint = hint_at (hints, 0);
  g_assert_cmpstr (hint->name, ==, "cache");
  g_assert_cmpstr (hint->source, ==, "/host/cache");
  g_assert_cmpstr (hint->type, ==, "tmpfs");
  g_assert_cmpint (hint->share, ==, SVFS_HINT_SHARE_POD);
  g_assert_cmpstrv (hint->options, options);
  g_assert_true (hint->directfs_off);
  g_assert_true (svfs_mount_hint_should_share (hint));
  g_assert_true (svfs_mount_hint_is_sandbox_local (hint));
}

static void
test_hints_minimal (void)
{
  const char * const kv[] = {
    M "data.source", "/d",
    M "data.type", "bind",
    M "data.share", "container",
    NULL
  };
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SvfsPodMountHints) hints = parse_ok (kv, warnings);
  const SvfsMountHint *hint = hint_at (hints, 0);

  /* options is never NULL; directfs defaults to on. */
  g_assert_nonnull (hint->options);
  g_assert_null (hint->options[0]);
  g_assert_false (hint->directfs_off);
  g_assert_cmpuint (warnings->len, ==, 0);
}

static void
test_hints_directfs_default (void)
{
  const char * const kv[] = {
    M "a.source", "/a", M "a.type", "bind", M "a.share", "pod",
    M "a.directfs", "default",
    NULL
  };
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SvfsPodMountHints) hints = parse_ok (kv, warnings);

  g_assert_false (hint_at (hints, 0)->directfs_off);
  g_assert_cmpuint (warnings->len, ==, 0);
}

static void
test_hints_options_filtered (void)
{
  const char * const kv[] = {
    M "a.source", "/a", M "a.type", "tmpfs", M "a.share", "container",
    M "a.options", "shared,ro,rshared,,mode=0755,frobnicate,rprivate",
    NULL
  };
  const char * const expected[] = { "ro", "mode=0755", "frobnicate", "rprivate", NULL };
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SvfsPodMountHints) hints = parse_ok (kv, warnings);

  /* shared/rshared dropped, empty items skipped, unknown options kept
   * (gVisor HEAD). */
  g_assert_cmpstrv (hint_at (hints, 0)->options, expected);
  g_assert_cmpuint (warnings->len, ==, 0);
}

static void
test_hints_options_empty (void)
{
  const char * const kv[] = {
    M "a.source", "/a", M "a.type", "tmpfs", M "a.share", "container",
    M "a.options", "",
    NULL
  };
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SvfsPodMountHints) hints = parse_ok (kv, warnings);

  g_assert_nonnull (hint_at (hints, 0)->options);
  g_assert_null (hint_at (hints, 0)->options[0]);
}

static void
test_hints_share_matrix (void)
{
  static const struct {
    const char    *type;
    const char    *share;
    SvfsHintShare  expected_share;
    gboolean       should_share;
    gboolean       sandbox_local;
  } cases[] = {
    { "tmpfs", "container", SVFS_HINT_SHARE_CONTAINER, TRUE, TRUE },
    { "tmpfs", "pod", SVFS_HINT_SHARE_POD, TRUE, TRUE },
    { "tmpfs", "shared", SVFS_HINT_SHARE_SHARED, FALSE, FALSE },
    { "bind", "container", SVFS_HINT_SHARE_CONTAINER, FALSE, TRUE },
    { "bind", "pod", SVFS_HINT_SHARE_POD, FALSE, TRUE },
    { "bind", "shared", SVFS_HINT_SHARE_SHARED, FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char * const kv[] = {
        M "v.source", "/v",
        M "v.type", cases[i].type,
        M "v.share", cases[i].share,
        NULL
      };
      g_autoptr(SvfsPodMountHints) hints = parse_ok (kv, NULL);
      const SvfsMountHint *hint = hint_at (hints, 0);

      g_assert_cmpint (hint->share, ==, cases[i].expected_share);
      g_assert_cmpstr (hint->type, ==, cases[i].type);
      g_assert_cmpint (svfs_mount_hint_should_share (hint), ==, cases[i].should_share);
      g_assert_cmpint (svfs_mount_hint_is_sandbox_local (hint), ==, cases[i].sandbox_local);
    }
}

/* A bad value is a warning; the field stays unset, so a required field
 * that was bad makes the hint incomplete and it is dropped too. */
static void
test_hints_invalid_field_values (void)
{
  static const struct {
    const char *field;
    const char *value;
    const char *warning;
    const char *missing;
  } cases[] = {
    { "source", "",
      "ignoring invalid mount annotation (name: v, key: source, value: ): the source must not be empty",
      "ignoring mount hint \"v\": missing required field(s): source" },
    { "type", "nfs",
      "ignoring invalid mount annotation (name: v, key: type, value: nfs): the type must be \"tmpfs\" or \"bind\"",
      "ignoring mount hint \"v\": missing required field(s): type" },
    { "type", "TMPFS",
      "ignoring invalid mount annotation (name: v, key: type, value: TMPFS): the type must be \"tmpfs\" or \"bind\"",
      "ignoring mount hint \"v\": missing required field(s): type" },
    { "share", "everyone",
      "ignoring invalid mount annotation (name: v, key: share, value: everyone): the share must be \"container\", \"pod\" or \"shared\"",
      "ignoring mount hint \"v\": missing required field(s): share" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *fields[] = { "source", "type", "share" };
      const char *good[] = { "/v", "tmpfs", "pod" };
      const char *kv[9];
      guint n = 0;
      g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(SvfsPodMountHints) hints = NULL;
      char *keys[3] = { NULL, };

      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        {
          keys[f] = g_strconcat (M "v.", fields[f], NULL);
          kv[n++] = keys[f];
          kv[n++] = g_str_equal (fields[f], cases[i].field) ? cases[i].value : good[f];
        }
      kv[n] = NULL;

      hints = parse_ok (kv, warnings);
      g_assert_cmpuint (hints->hints->len, ==, 0);
      g_assert_cmpuint (warnings->len, ==, 2);
      g_assert_cmpstr (warnings->pdata[0], ==, cases[i].warning);
      g_assert_cmpstr (warnings->pdata[1], ==, cases[i].missing);

      for (guint f = 0; f < G_N_ELEMENTS (keys); f++)
        g_free (keys[f]);
    }
}

static void
test_hints_invalid_directfs (void)
{
  const char * const kv[] = {
    M "v.source", "/v", M "v.type", "bind", M "v.share", "pod",
    M "v.directfs", "on",
    NULL
  };
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SvfsPodMountHints) hints = parse_ok (kv, warnings);

  /* directfs is optional: the hint stays, directfs unchanged. */
  g_assert_cmpuint (hints->hints->len, ==, 1);
  g_assert_false (hint_at (hints, 0)->directfs_off);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_cmpstr (warnings->pdata[0], ==,
                   "ignoring invalid mount annotation (name: v, key: directfs, value: on): directfs must be \"default\" or \"off\"");
}

static void
test_hints_unknown_field (void)
{
  const char * const kv[] = {
    M "v.source", "/v", M "v.type", "bind", M "v.share", "pod",
    M "v.readonly", "true",
    M "v.", "empty field",
    NULL
  };
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SvfsPodMountHints) hints = parse_ok (kv, warnings);

  g_assert_cmpuint (hints->hints->len, ==, 1);
  g_assert_cmpuint (warnings->len, ==, 2);
  /* Field order: "" < "readonly". */
  g_assert_cmpstr (warnings->pdata[0], ==,
                   "ignoring invalid mount annotation (name: v, key: , value: empty field): unknown field");
  g_assert_cmpstr (warnings->pdata[1], ==,
                   "ignoring invalid mount annotation (name: v, key: readonly, value: true): unknown field");
}

static void
test_hints_incomplete (void)
{
  const char * const kv[] = {
    M "only-options.options", "ro",
    M "no-share.source", "/n",
    M "no-share.type", "bind",
    M "ok.source", "/ok",
    M "ok.type", "tmpfs",
    M "ok.share", "container",
    NULL
  };
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SvfsPodMountHints) hints = parse_ok (kv, warnings);

  g_assert_cmpuint (hints->hints->len, ==, 1);
  g_assert_cmpstr (hint_at (hints, 0)->name, ==, "ok");
  g_assert_cmpuint (warnings->len, ==, 2);
  g_assert_cmpstr (warnings->pdata[0], ==, "ignoring mount hint \"no-share\": missing required field(s): share");
  g_assert_cmpstr (warnings->pdata[1], ==, "ignoring mount hint \"only-options\": missing required field(s): share, source, type");
}

static void
test_hints_warnings_optional (void)
{
  const char * const kv[] = {
    M "a.source", "", M "a.type", "bind", M "a.share", "pod",
    M "b.source", "/b", M "b.type", "bind", M "b.share", "pod",
    NULL
  };
  g_autoptr(SvfsPodMountHints) hints = parse_ok (kv, NULL);

  g_assert_cmpuint (hints->hints->len, ==, 1);
  g_assert_cmpstr (hint_at (hints, 0)->name, ==, "b");
}

static void
test_hints_name_order (void)
{
  const char * const kv[] = {
    M "b.source", "/b", M "b.type", "bind", M "b.share", "pod",
    M "a-b.source", "/ab", M "a-b.type", "bind", M "a-b.share", "pod",
    M "a.source", "/a", M "a.type", "bind", M "a.share", "pod",
    M "a.directfs", "bad",
    M "a-b.directfs", "bad",
    NULL
  };
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SvfsPodMountHints) hints = parse_ok (kv, warnings);

  g_assert_cmpuint (hints->hints->len, ==, 3);
  g_assert_cmpstr (hint_at (hints, 0)->name, ==, "a");
  g_assert_cmpstr (hint_at (hints, 1)->name, ==, "a-b");
  g_assert_cmpstr (hint_at (hints, 2)->name, ==, "b");

  /* Warnings come in name order too, although the key "….a-b.directfs"
   * sorts before "….a.directfs". */
  g_assert_cmpuint (warnings->len, ==, 2);
  g_assert_true (g_str_has_prefix (warnings->pdata[0], "ignoring invalid mount annotation (name: a, "));
  g_assert_true (g_str_has_prefix (warnings->pdata[1], "ignoring invalid mount annotation (name: a-b, "));
}

static void
test_hints_bad_key_form (void)
{
  const char * const one_part[] = { M "nodot", "v", NULL };
  const char * const three_parts[] = {
    M "a.b.source", "/x",
    NULL
  };
  const char * const nothing_after_prefix[] = { M, "v", NULL };
  const char * const trailing_dot[] = { M "a.source.", "/x", NULL };

  assert_parse_fails (one_part, "invalid mount annotation: " M "nodot=v");
  assert_parse_fails (three_parts, "invalid mount annotation: " M "a.b.source=/x");
  assert_parse_fails (nothing_after_prefix, "invalid mount annotation: " M "=v");
  assert_parse_fails (trailing_dot, "invalid mount annotation: " M "a.source.=/x");
}

static void
test_hints_empty_name (void)
{
  const char * const kv[] = {
    M ".source", "/x",
    NULL
  };

  assert_parse_fails (kv, "invalid mount name: ");
}

/* A bad key fails the whole parse, even next to good hints. */
static void
test_hints_bad_key_fails_everything (void)
{
  const char * const kv[] = {
    M "good.source", "/g", M "good.type", "bind", M "good.share", "pod",
    M "bad.name.source", "/b",
    NULL
  };

  assert_parse_fails (kv, "invalid mount annotation: " M "bad.name.source=/b");
}

static void
test_hints_duplicate_source (void)
{
  const char * const kv[] = {
    M "zeta.source", "/same", M "zeta.type", "tmpfs", M "zeta.share", "pod",
    M "alpha.source", "/same", M "alpha.type", "bind", M "alpha.share", "container",
    M "mid.source", "/other", M "mid.type", "bind", M "mid.share", "pod",
    NULL
  };

  assert_parse_fails (kv, "mounts \"alpha\" and \"zeta\" have the same mount source \"/same\"");
}

static void
test_hints_duplicate_source_three (void)
{
  const char * const kv[] = {
    M "c.source", "/s", M "c.type", "bind", M "c.share", "pod",
    M "b.source", "/s", M "b.type", "bind", M "b.share", "pod",
    M "a.source", "/s", M "a.type", "bind", M "a.share", "pod",
    NULL
  };

  /* The first pair in name order is reported. */
  assert_parse_fails (kv, "mounts \"a\" and \"b\" have the same mount source \"/s\"");
}

/* An incomplete hint is dropped before duplicates are looked for, so it
 * cannot clash with a complete one (gVisor's outcome here depends on its
 * hash order). */
static void
test_hints_duplicate_with_incomplete (void)
{
  const char * const kv[] = {
    M "a.source", "/same", M "a.type", "bind",
    M "b.source", "/same", M "b.type", "tmpfs", M "b.share", "pod",
    NULL
  };
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SvfsPodMountHints) hints = parse_ok (kv, warnings);

  g_assert_cmpuint (hints->hints->len, ==, 1);
  g_assert_cmpstr (hint_at (hints, 0)->name, ==, "b");
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_cmpstr (warnings->pdata[0], ==, "ignoring mount hint \"a\": missing required field(s): share");
}

static void
test_hints_find_by_source (void)
{
  const char * const kv[] = {
    M "a.source", "/a", M "a.type", "bind", M "a.share", "pod",
    M "b.source", "/b", M "b.type", "tmpfs", M "b.share", "container",
    NULL
  };
  g_autoptr(SvfsPodMountHints) hints = parse_ok (kv, NULL);
  const SvfsMountHint *hint;

  hint = svfs_pod_mount_hints_find_by_source (hints, "/b");
  g_assert_nonnull (hint);
  g_assert_cmpstr (hint->name, ==, "b");
  hint = svfs_pod_mount_hints_find_by_source (hints, "/a");
  g_assert_nonnull (hint);
  g_assert_cmpstr (hint->name, ==, "a");

  /* Exact match only; empty and NULL sources never match. */
  g_assert_null (svfs_pod_mount_hints_find_by_source (hints, "/a/"));
  g_assert_null (svfs_pod_mount_hints_find_by_source (hints, "/c"));
  g_assert_null (svfs_pod_mount_hints_find_by_source (hints, ""));
  g_assert_null (svfs_pod_mount_hints_find_by_source (hints, NULL));
  g_assert_null (svfs_pod_mount_hints_find_by_source (NULL, "/a"));
}

static void
assert_deterministic (const char * const *kv)
{
  g_autoptr(GHashTable) reference_table = annotations_from_list (kv);
  g_autofree char *reference = describe_parse (reference_table);

  for (guint permutation = 0; permutation < 12; permutation++)
    {
      for (guint padding = 0; padding < 40; padding += 13)
        {
          g_autoptr(GHashTable) table = annotations_permuted (kv, permutation, padding);
          g_autofree char *description = describe_parse (table);

          g_assert_cmpstr (description, ==, reference);
        }
    }
}

static void
test_hints_deterministic (void)
{
  /* Hints, warnings in order, incomplete ones dropped. */
  const char * const mixed[] = {
    M "z.source", "/z", M "z.type", "tmpfs", M "z.share", "pod", M "z.options", "rshared,size=1m",
    M "y.source", "/y", M "y.type", "nfs", M "y.share", "pod",
    M "x.source", "/x", M "x.type", "bind", M "x.share", "shared", M "x.color", "red",
    M "w.options", "ro",
    M "v.source", "/v", M "v.type", "bind", M "v.share", "container", M "v.directfs", "off",
    M "u.source", "/u", M "u.type", "bind", M "u.share", "sometimes",
    NULL
  };
  /* Several duplicate pairs and an incomplete duplicate. */
  const char * const duplicates[] = {
    M "q.source", "/d1", M "q.type", "bind", M "q.share", "pod",
    M "p.source", "/d2", M "p.type", "bind", M "p.share", "pod",
    M "o.source", "/d1", M "o.type", "bind", M "o.share", "pod",
    M "n.source", "/d2", M "n.type", "bind", M "n.share", "pod",
    M "m.source", "/d1", M "m.type", "bind",
    NULL
  };
  /* Several bad keys: the first in key order is reported. */
  const char * const bad_keys[] = {
    M "s.t.u", "1",
    M "b.c.d", "2",
    M ".source", "3",
    M "k", "4",
    M "ok.source", "/ok",
    NULL
  };
  g_autoptr(GHashTable) table = annotations_from_list (duplicates);
  g_autofree char *description = describe_parse (table);
  g_autoptr(GHashTable) bad_table = annotations_from_list (bad_keys);
  g_autofree char *bad_description = describe_parse (bad_table);
  g_autoptr(GHashTable) mixed_table = annotations_from_list (mixed);
  g_autofree char *mixed_description = describe_parse (mixed_table);

  assert_deterministic (mixed);
  assert_deterministic (duplicates);
  assert_deterministic (bad_keys);

  g_assert_cmpstr (mixed_description, ==,
                   "hint v source=/v type=bind share=container options= directfs_off=1\n"
                   "hint x source=/x type=bind share=shared options= directfs_off=0\n"
                   "hint z source=/z type=tmpfs share=pod options=size=1m directfs_off=0\n"
                   "warning ignoring invalid mount annotation (name: u, key: share, value: sometimes): the share must be \"container\", \"pod\" or \"shared\"\n"
                   "warning ignoring mount hint \"u\": missing required field(s): share\n"
                   "warning ignoring mount hint \"w\": missing required field(s): share, source, type\n"
                   "warning ignoring invalid mount annotation (name: x, key: color, value: red): unknown field\n"
                   "warning ignoring invalid mount annotation (name: y, key: type, value: nfs): the type must be \"tmpfs\" or \"bind\"\n"
                   "warning ignoring mount hint \"y\": missing required field(s): type\n");
  g_assert_cmpstr (description, ==,
                   "error 0: mounts \"n\" and \"p\" have the same mount source \"/d2\"\n"
                   "warning ignoring mount hint \"m\": missing required field(s): share\n");
  g_assert_cmpstr (bad_description, ==,
                   "error 0: invalid mount name: \n");
}

/* ---- rootfs hint --------------------------------------------------------- */

static SvfsRootfsHint *
rootfs_ok (const char * const *kv)
{
  g_autoptr(GHashTable) annotations = annotations_from_list (kv);
  g_autoptr(GError) error = NULL;
  SvfsRootfsHint *hint;

  hint = svfs_rootfs_hint_new_from_annotations (annotations, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hint);

  return hint;
}

static void
assert_rootfs_fails (const char * const *kv,
                     const char         *message)
{
  g_autoptr(GHashTable) annotations = annotations_from_list (kv);
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsRootfsHint) hint = NULL;

  hint = svfs_rootfs_hint_new_from_annotations (annotations, &error);
  g_assert_null (hint);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_rootfs_absent (void)
{
  const char * const kv[] = {
    M "a.source", "/a",
    "dev.gvisor.spec.rootfs", "x",
    "dev.gvisor.spec.rootfsx.source", "/x",
    NULL
  };
  g_autoptr(GHashTable) annotations = annotations_from_list (kv);
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsRootfsHint) from_null = NULL;
  g_autoptr(SvfsRootfsHint) from_unrelated = NULL;

  from_null = svfs_rootfs_hint_new_from_annotations (NULL, &error);
  g_assert_null (from_null);
  g_assert_no_error (error);

  from_unrelated = svfs_rootfs_hint_new_from_annotations (annotations, &error);
  g_assert_null (from_unrelated);
  g_assert_no_error (error);

  svfs_rootfs_hint_free (NULL);
}

static void
test_rootfs_minimal (void)
{
  const char * const kv[] = {
    R "source", "/images/root.img",
    R "type", "erofs",
    NULL
  };
  g_autoptr(SvfsRootfsHint) hint = rootfs_ok (kv);

  g_assert_cmpstr (hint->source, ==, "/images/root.img");
  g_assert_cmpstr (hint->type, ==, "erofs");
  g_assert_false (hint->has_overlay);
  g_assert_cmpint (hint->medium, ==, SVFS_OVERLAY_MEDIUM_NONE);
  g_assert_null (hint->overlay_dir);
  g_assert_null (hint->size);
  g_assert_false (hint->directfs_off);
}

static void
test_rootfs_full (void)
{
  const char * const kv[] = {
    R "source", "/rootfs",
    R "type", "bind",
    R "overlay", "dir=/var/upper",
    R "options", "size=2g",
    R "directfs", "off",
    NULL
  };
  g_autoptr(SvfsRootfsHint) hint = rootfs_ok (kv);

  g_assert_cmpstr (hint->source, ==, "/rootfs");
  g_assert_cmpstr (hint->type, ==, "bind");
  g_assert_true (hint->has_overlay);
  g_assert_cmpint (hint->medium, ==, SVFS_OVERLAY_MEDIUM_DIR);
  g_assert_cmpstr (hint->overlay_dir, ==, "/var/upper");
  g_assert_cmpstr (hint->size, ==, "2g");
  g_assert_true (hint->directfs_off);
}

static void
test_rootfs_overlay_media (void)
{
  static const struct {
    const char        *text;
    SvfsOverlayMedium  medium;
  } cases[] = {
    { "", SVFS_OVERLAY_MEDIUM_NONE },
    { "memory", SVFS_OVERLAY_MEDIUM_MEMORY },
    { "self", SVFS_OVERLAY_MEDIUM_SELF },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char * const kv[] = {
        R "source", "/r", R "type", "bind", R "overlay", cases[i].text,
        R "directfs", "default",
        NULL
      };
      g_autoptr(SvfsRootfsHint) hint = rootfs_ok (kv);

      /* An empty overlay is given, and means "no overlay". */
      g_assert_true (hint->has_overlay);
      g_assert_cmpint (hint->medium, ==, cases[i].medium);
      g_assert_null (hint->overlay_dir);
      g_assert_false (hint->directfs_off);
    }
}

static void
test_rootfs_options (void)
{
  const char * const last_wins[] = {
    R "source", "/r", R "type", "bind", R "options", "size=1g,,size=50%",
    NULL
  };
  const char * const empty[] = {
    R "source", "/r", R "type", "bind", R "options", "",
    NULL
  };
  g_autoptr(SvfsRootfsHint) hint = rootfs_ok (last_wins);
  g_autoptr(SvfsRootfsHint) hint2 = rootfs_ok (empty);

  g_assert_cmpstr (hint->size, ==, "50%");
  g_assert_null (hint2->size);
}

static void
test_rootfs_bad_values (void)
{
  static const struct {
    const char *field;
    const char *value;
    const char *reason;
  } cases[] = {
    { "source", "relative/root", "source should be an absolute path" },
    { "source", "", "source should be an absolute path" },
    { "type", "tmpfs", "type should be \"erofs\" or \"bind\"" },
    { "type", "", "type should be \"erofs\" or \"bind\"" },
    { "overlay", "bogus", "unexpected medium: bogus" },
    { "overlay", "anon", "unexpected medium: anon" },
    { "overlay", "dir=rel", "overlay host file directory should be an absolute path, got rel" },
    { "options", "size", "option \"size\" is not of the form key=value" },
    { "options", "size=1g,ro", "option \"ro\" is not of the form key=value" },
    { "options", "mode=0755", "unsupported option \"mode\" (only \"size\" is supported)" },
    { "options", "sizes=1", "unsupported option \"sizes\" (only \"size\" is supported)" },
    { "options", "siz=1", "unsupported option \"siz\" (only \"size\" is supported)" },
    { "options", "size=big", "invalid size \"big\": expected a number with an optional k, m, g or t suffix, or a percentage from 1 to 100" },
    { "options", "size=", "invalid size \"\": expected a number with an optional k, m, g or t suffix, or a percentage from 1 to 100" },
    { "directfs", "on", "directfs should be \"default\" or \"off\"" },
    { "readonly", "true", "unknown field" },
    { "a.b", "x", "unknown field" },
    { "", "x", "unknown field" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = g_strconcat (R, cases[i].field, NULL);
      g_autofree char *message =
        g_strdup_printf ("invalid rootfs annotation (key = %s, value = %s): %s",
                         key, cases[i].value, cases[i].reason);
      /* Complete otherwise, unless the bad field is a required one. */
      const char *source = g_str_equal (cases[i].field, "source") ? cases[i].value : "/r";
      const char *type = g_str_equal (cases[i].field, "type") ? cases[i].value : "bind";
      const char * const kv[] = {
        R "source", source,
        R "type", type,
        key, cases[i].value,
        NULL
      };

      assert_rootfs_fails (kv, message);
    }
}

static void
test_rootfs_missing_fields (void)
{
  const char * const none[] = { R "overlay", "memory", NULL };
  const char * const no_type[] = { R "source", "/r", NULL };
  const char * const no_source[] = { R "type", "erofs", R "directfs", "off", NULL };

  assert_rootfs_fails (none, "rootfs annotations missing required field(s): source, type");
  assert_rootfs_fails (no_type, "rootfs annotations missing required field(s): type");
  assert_rootfs_fails (no_source, "rootfs annotations missing required field(s): source");
}

/* A bad value is reported before missing fields, and of several bad
 * values the first in key order, whatever the insertion order. */
static void
test_rootfs_deterministic (void)
{
  const char * const kv[] = {
    R "type", "nfs",
    R "overlay", "bogus",
    R "directfs", "maybe",
    NULL
  };

  for (guint permutation = 0; permutation < 8; permutation++)
    {
      for (guint padding = 0; padding < 40; padding += 13)
        {
          g_autoptr(GHashTable) table = annotations_permuted (kv, permutation, padding);
          g_autoptr(GError) error = NULL;
          g_autoptr(SvfsRootfsHint) hint = NULL;

          hint = svfs_rootfs_hint_new_from_annotations (table, &error);
          g_assert_null (hint);
          g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
          g_assert_cmpstr (error->message, ==,
                           "invalid rootfs annotation (key = " R "directfs, value = maybe): "
                           "directfs should be \"default\" or \"off\"");
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/svfs/mount-hints/none", test_hints_none);
  g_test_add_func ("/svfs/mount-hints/complete", test_hints_complete);
  g_test_add_func ("/svfs/mount-hints/minimal", test_hints_minimal);
  g_test_add_func ("/svfs/mount-hints/directfs-default", test_hints_directfs_default);
  g_test_add_func ("/svfs/mount-hints/options/filtered", test_hints_options_filtered);
  g_test_add_func ("/svfs/mount-hints/options/empty", test_hints_options_empty);
  g_test_add_func ("/svfs/mount-hints/share/should-share-and-sandbox-local", test_hints_share_matrix);
  g_test_add_func ("/svfs/mount-hints/invalid-value/warns-and-unsets", test_hints_invalid_field_values);
  g_test_add_func ("/svfs/mount-hints/invalid-value/directfs", test_hints_invalid_directfs);
  g_test_add_func ("/svfs/mount-hints/unknown-field/warns", test_hints_unknown_field);
  g_test_add_func ("/svfs/mount-hints/incomplete/dropped", test_hints_incomplete);
  g_test_add_func ("/svfs/mount-hints/warnings-optional", test_hints_warnings_optional);
  g_test_add_func ("/svfs/mount-hints/name-order", test_hints_name_order);
  g_test_add_func ("/svfs/mount-hints/bad-key-form", test_hints_bad_key_form);
  g_test_add_func ("/svfs/mount-hints/empty-name", test_hints_empty_name);
  g_test_add_func ("/svfs/mount-hints/bad-key-fails-everything", test_hints_bad_key_fails_everything);
  g_test_add_func ("/svfs/mount-hints/duplicate-source", test_hints_duplicate_source);
  g_test_add_func ("/svfs/mount-hints/duplicate-source/first-pair-in-name-order", test_hints_duplicate_source_three);
  g_test_add_func ("/svfs/mount-hints/duplicate-source/incomplete-dropped-first", test_hints_duplicate_with_incomplete);
  g_test_add_func ("/svfs/mount-hints/find-by-source", test_hints_find_by_source);
  g_test_add_func ("/svfs/mount-hints/deterministic", test_hints_deterministic);
  g_test_add_func ("/svfs/mount-hints/rootfs/absent", test_rootfs_absent);
  g_test_add_func ("/svfs/mount-hints/rootfs/minimal", test_rootfs_minimal);
  g_test_add_func ("/svfs/mount-hints/rootfs/full", test_rootfs_full);
  g_test_add_func ("/svfs/mount-hints/rootfs/overlay-media", test_rootfs_overlay_media);
  g_test_add_func ("/svfs/mount-hints/rootfs/options", test_rootfs_options);
  g_test_add_func ("/svfs/mount-hints/rootfs/bad-values", test_rootfs_bad_values);
  g_test_add_func ("/svfs/mount-hints/rootfs/missing-fields", test_rootfs_missing_fields);
  g_test_add_func ("/svfs/mount-hints/rootfs/deterministic", test_rootfs_deterministic);

  return g_test_run ();
}
