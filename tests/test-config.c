/* test-config.c: SvfsConfig keys, syntax, defaults and combinations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libsandboxvfs.h>

#include "svfs-mount-hints-private.h"

/* Sets @key=@value and asserts that it worked. */
static void
assert_set (SvfsConfig *config,
            const char *key,
            const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (svfs_config_set (config, key, value, &error));
  g_assert_no_error (error);
}

/* Asserts that @key=@value is refused with INVALID_CONFIG and @message,
 * and that the config is unchanged. */
static void
assert_set_fails (const char *key,
                  const char *value,
                  const char *message)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  before = svfs_config_dup_value (config, key, NULL);

  g_assert_false (svfs_config_set (config, key, value, &error));
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG);
  g_assert_cmpstr (error->message, ==, message);

  after = svfs_config_dup_value (config, key, NULL);
  g_assert_cmpstr (before, ==, after);
}

static void
assert_value (SvfsConfig *config,
              const char *key,
              const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = svfs_config_dup_value (config, key, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, expected);
}

/* Sets @value and checks its canonical form. */
static void
assert_canonical (const char *key,
                  const char *value,
                  const char *canonical)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();
  g_autoptr(SvfsConfig) again = svfs_config_new ();
  g_autofree char *round_trip = NULL;

  assert_set (config, key, value);
  assert_value (config, key, canonical);

  /* The canonical form reads back as the same value. */
  assert_set (again, key, canonical);
  round_trip = svfs_config_dup_value (again, key, NULL);
  g_assert_cmpstr (round_trip, ==, canonical);
}

static void
test_config_defaults (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();

  g_assert_true (SVFS_IS_CONFIG (config));

  g_assert_cmpint (svfs_config_get_overlay_medium (config), ==, SVFS_OVERLAY_MEDIUM_MEMORY);
  g_assert_true (svfs_config_get_overlay_root (config));
  g_assert_false (svfs_config_get_overlay_submounts (config));
  g_assert_null (svfs_config_get_overlay_dir (config));
  g_assert_null (svfs_config_get_overlay_size (config));
  g_assert_cmpint (svfs_config_get_file_access (config), ==, SVFS_FILE_ACCESS_EXCLUSIVE);
  g_assert_cmpint (svfs_config_get_file_access_mounts (config), ==, SVFS_FILE_ACCESS_SHARED);
  g_assert_cmpint (svfs_config_get_host_fifo (config), ==, SVFS_HOST_FIFO_NONE);
  g_assert_true (svfs_config_get_directfs (config));
  g_assert_false (svfs_config_get_nvproxy (config));
  g_assert_false (svfs_config_get_tpuproxy (config));
  g_assert_cmpstr (svfs_config_get_product_name (config), ==, "");
  g_assert_cmpstr (svfs_config_get_sandbox_id (config), ==, "");
  g_assert_cmpstr (svfs_config_get_container_id (config), ==, "");
  g_assert_cmpstr (svfs_config_get_container_name (config), ==, "");

  assert_value (config, "overlay2", "root:memory");
  assert_value (config, "overlay", "false");
  assert_value (config, "file-access", "exclusive");
  assert_value (config, "file-access-mounts", "shared");
  assert_value (config, "host-fifo", "none");
  assert_value (config, "directfs", "true");
  assert_value (config, "nvproxy", "false");
  assert_value (config, "tpuproxy", "false");
  assert_value (config, "product-name", "");
  assert_value (config, "sandbox-id", "");
  assert_value (config, "container-id", "");
  assert_value (config, "container-name", "");

  g_assert_true (svfs_config_validate (config, NULL));
}

static void
test_config_list_keys (void)
{
  const char * const expected[] = {
    "container-id", "container-name", "directfs", "file-access",
    "file-access-mounts", "host-fifo", "nvproxy", "overlay", "overlay2",
    "product-name", "sandbox-id", "tpuproxy", NULL
  };
  const char * const *keys = svfs_config_list_keys ();
  g_autoptr(SvfsConfig) config = svfs_config_new ();

  g_assert_cmpstrv (keys, expected);

  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *value = NULL;

      if (keys[i + 1] != NULL)
        g_assert_cmpint (strcmp (keys[i], keys[i + 1]), <, 0);

      /* Every key is a property of the same name, and has a value. */
      g_assert_nonnull (g_object_class_find_property (G_OBJECT_GET_CLASS (config), keys[i]));
      value = svfs_config_dup_value (config, keys[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (value);
    }
}

static void
test_config_unknown_key (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  const char *message =
    "unknown configuration key \"x\" (valid keys: container-id, "
    "container-name, directfs, file-access, file-access-mounts, host-fifo, "
    "nvproxy, overlay, overlay2, product-name, sandbox-id, tpuproxy)";

  g_assert_false (svfs_config_set (config, "x", "1", &error));
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);

  /* Keys are case sensitive, as runsc's flags are. */
  g_assert_false (svfs_config_set (config, "Overlay2", "none", &error));
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG);
  g_assert_true (g_str_has_prefix (error->message, "unknown configuration key \"Overlay2\""));
  g_clear_error (&error);

  value = svfs_config_dup_value (config, "x", &error);
  g_assert_null (value);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_config_invalid_utf8 (void)
{
  assert_set_fails ("product-name", "bad\xff", "product-name: value is not valid UTF-8");
  assert_set_fails ("overlay2", "root:dir=/\xfe", "overlay2: value is not valid UTF-8");
}

/* ---- overlay2 ------------------------------------------------------------ */

static void
test_config_overlay2_root_memory (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();

  assert_set (config, "overlay2", "none");
  assert_set (config, "overlay2", "root:memory");
  assert_value (config, "overlay2", "root:memory");
  g_assert_cmpint (svfs_config_get_overlay_medium (config), ==, SVFS_OVERLAY_MEDIUM_MEMORY);
  g_assert_true (svfs_config_get_overlay_root (config));
  g_assert_false (svfs_config_get_overlay_submounts (config));
  g_assert_null (svfs_config_get_overlay_dir (config));
  g_assert_null (svfs_config_get_overlay_size (config));
}

static void
test_config_overlay2_all_self (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();

  assert_set (config, "overlay2", "all:self");
  assert_value (config, "overlay2", "all:self");
  g_assert_cmpint (svfs_config_get_overlay_medium (config), ==, SVFS_OVERLAY_MEDIUM_SELF);
  g_assert_true (svfs_config_get_overlay_root (config));
  g_assert_true (svfs_config_get_overlay_submounts (config));
}

static void
test_config_overlay2_dir (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();

  assert_set (config, "overlay2", "all:dir=/var/tmp/upper");
  assert_value (config, "overlay2", "all:dir=/var/tmp/upper");
  g_assert_cmpint (svfs_config_get_overlay_medium (config), ==, SVFS_OVERLAY_MEDIUM_DIR);
  g_assert_cmpstr (svfs_config_get_overlay_dir (config), ==, "/var/tmp/upper");

  /* Another medium forgets the directory. */
  assert_set (config, "overlay2", "root:memory");
  g_assert_null (svfs_config_get_overlay_dir (config));
}

static void
test_config_overlay2_none (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();

  assert_set (config, "overlay2", "none");
  assert_value (config, "overlay2", "none");
  g_assert_cmpint (svfs_config_get_overlay_medium (config), ==, SVFS_OVERLAY_MEDIUM_NONE);
  g_assert_false (svfs_config_get_overlay_root (config));
  g_assert_false (svfs_config_get_overlay_submounts (config));
}

/* An empty medium is accepted and means "no overlay", but keeps its
 * spelling, as runsc's string form does. */
static void
test_config_overlay2_empty_medium (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();

  assert_set (config, "overlay2", "all:");
  assert_value (config, "overlay2", "all:");
  g_assert_cmpint (svfs_config_get_overlay_medium (config), ==, SVFS_OVERLAY_MEDIUM_NONE);
  g_assert_false (svfs_config_get_overlay_root (config));
  g_assert_false (svfs_config_get_overlay_submounts (config));

  assert_set (config, "overlay2", "root:");
  assert_value (config, "overlay2", "root:");
  g_assert_false (svfs_config_get_overlay_root (config));
}

static void
test_config_overlay2_size (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();

  assert_set (config, "overlay2", "root:memory,size=64m");
  assert_value (config, "overlay2", "root:memory,size=64m");
  g_assert_cmpstr (svfs_config_get_overlay_size (config), ==, "64m");

  assert_set (config, "overlay2", "all:dir=/x,size=50%");
  assert_value (config, "overlay2", "all:dir=/x,size=50%");
  g_assert_cmpstr (svfs_config_get_overlay_size (config), ==, "50%");

  /* A new value without a size drops the old size. */
  assert_set (config, "overlay2", "all:memory");
  g_assert_null (svfs_config_get_overlay_size (config));

  for (guint i = 0; i < 2; i++)
    {
      const char *sizes[] = { "1", "1k", "1K", "2g", "2G", "3t", "3T", "4M" };

      for (guint j = 0; j < G_N_ELEMENTS (sizes); j++)
        {
          g_autofree char *value = g_strdup_printf ("%s:memory,size=%s",
                                                    i == 0 ? "root" : "all", sizes[j]);

          assert_canonical ("overlay2", value, value);
        }
    }
}

/* runsc keeps the sub-mount bit when `root:…` follows `all:…`; we replace
 * the whole value. */
static void
test_config_overlay2_replaces (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();

  assert_set (config, "overlay2", "all:dir=/x,size=1g");
  assert_set (config, "overlay2", "root:self");
  assert_value (config, "overlay2", "root:self");
  g_assert_true (svfs_config_get_overlay_root (config));
  g_assert_false (svfs_config_get_overlay_submounts (config));
  g_assert_null (svfs_config_get_overlay_dir (config));
  g_assert_null (svfs_config_get_overlay_size (config));
}

static void
test_config_overlay2_bad_mount (void)
{
  assert_set_fails ("overlay2", "foo:memory",
                    "overlay2: unexpected mount specifier for --overlay2: foo");
  assert_set_fails ("overlay2", ":memory",
                    "overlay2: unexpected mount specifier for --overlay2: ");
  assert_set_fails ("overlay2", "ROOT:memory",
                    "overlay2: unexpected mount specifier for --overlay2: ROOT");
}

static void
test_config_overlay2_bad_format (void)
{
  assert_set_fails ("overlay2", "root",
                    "overlay2: expected format is --overlay2={mount}:{medium}, got root");
  assert_set_fails ("overlay2", "",
                    "overlay2: expected format is --overlay2={mount}:{medium}, got ");
  assert_set_fails ("overlay2", "None",
                    "overlay2: expected format is --overlay2={mount}:{medium}, got None");
  assert_set_fails ("overlay2", "root:memory:x",
                    "overlay2: expected format is --overlay2={mount}:{medium}, got root:memory:x");
  /* Splitting on ':' means a dir= path may not contain one. */
  assert_set_fails ("overlay2", "root:dir=/a:b",
                    "overlay2: expected format is --overlay2={mount}:{medium}, got root:dir=/a:b");
  assert_set_fails ("overlay2", "none,size=1g",
                    "overlay2: expected format is --overlay2={mount}:{medium}, got none,size=1g");
}

static void
test_config_overlay2_bad_size (void)
{
  assert_set_fails ("overlay2", "root:memory,size=1g,x",
                    "overlay2: expected format is --overlay2={mount}:{medium}[,size={size}], got root:memory,size=1g,x");
  assert_set_fails ("overlay2", "root:memory,mode=1",
                    "overlay2: expected format is --overlay2={mount}:{medium}[,size={size}], got root:memory,mode=1");
  assert_set_fails ("overlay2", "root:memory,",
                    "overlay2: expected format is --overlay2={mount}:{medium}[,size={size}], got root:memory,");
  assert_set_fails ("overlay2", "root:memory,size=",
                    "overlay2: invalid size \"\": expected a number with an optional k, m, g or t suffix, or a percentage from 1 to 100");
  assert_set_fails ("overlay2", "root:memory,size=big",
                    "overlay2: invalid size \"big\": expected a number with an optional k, m, g or t suffix, or a percentage from 1 to 100");
  assert_set_fails ("overlay2", "root:memory,size=1kb",
                    "overlay2: invalid size \"1kb\": expected a number with an optional k, m, g or t suffix, or a percentage from 1 to 100");
  assert_set_fails ("overlay2", "root:memory,size=-1",
                    "overlay2: invalid size \"-1\": expected a number with an optional k, m, g or t suffix, or a percentage from 1 to 100");
}

static void
test_config_overlay2_bad_medium (void)
{
  assert_set_fails ("overlay2", "root:bogus", "overlay2: unexpected medium: bogus");
  assert_set_fails ("overlay2", "all:anon", "overlay2: unexpected medium: anon");
  assert_set_fails ("overlay2", "all:Memory", "overlay2: unexpected medium: Memory");
  assert_set_fails ("overlay2", "all:dir", "overlay2: unexpected medium: dir");
}

static void
test_config_overlay2_relative_dir (void)
{
  assert_set_fails ("overlay2", "root:dir=rel/dir",
                    "overlay2: overlay host file directory should be an absolute path, got rel/dir");
  assert_set_fails ("overlay2", "all:dir=",
                    "overlay2: overlay host file directory should be an absolute path, got ");
}

static void
test_config_overlay2_canonical (void)
{
  assert_canonical ("overlay2", "none", "none");
  assert_canonical ("overlay2", "root:memory", "root:memory");
  assert_canonical ("overlay2", "root:self", "root:self");
  assert_canonical ("overlay2", "all:memory", "all:memory");
  assert_canonical ("overlay2", "all:dir=/x", "all:dir=/x");
  assert_canonical ("overlay2", "root:dir=/", "root:dir=/");
  assert_canonical ("overlay2", "all:self,size=10G", "all:self,size=10G");
}

/* ---- enumerations and booleans ------------------------------------------- */

static void
test_config_file_access (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();

  assert_set (config, "file-access", "shared");
  g_assert_cmpint (svfs_config_get_file_access (config), ==, SVFS_FILE_ACCESS_SHARED);
  assert_value (config, "file-access", "shared");
  assert_set (config, "file-access", "exclusive");
  g_assert_cmpint (svfs_config_get_file_access (config), ==, SVFS_FILE_ACCESS_EXCLUSIVE);
  assert_value (config, "file-access", "exclusive");

  assert_set (config, "file-access-mounts", "exclusive");
  g_assert_cmpint (svfs_config_get_file_access_mounts (config), ==, SVFS_FILE_ACCESS_EXCLUSIVE);
  assert_value (config, "file-access-mounts", "exclusive");
  assert_set (config, "file-access-mounts", "shared");
  g_assert_cmpint (svfs_config_get_file_access_mounts (config), ==, SVFS_FILE_ACCESS_SHARED);

  assert_set_fails ("file-access", "remote",
                    "file-access: invalid file access type \"remote\" (expected exclusive or shared)");
  assert_set_fails ("file-access", "",
                    "file-access: invalid file access type \"\" (expected exclusive or shared)");
  assert_set_fails ("file-access", "Shared",
                    "file-access: invalid file access type \"Shared\" (expected exclusive or shared)");
  assert_set_fails ("file-access-mounts", "x",
                    "file-access-mounts: invalid file access type \"x\" (expected exclusive or shared)");
}

static void
test_config_host_fifo (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();

  assert_set (config, "host-fifo", "open");
  g_assert_cmpint (svfs_config_get_host_fifo (config), ==, SVFS_HOST_FIFO_OPEN);
  assert_value (config, "host-fifo", "open");

  /* The empty string is runsc's other spelling of `none`. */
  assert_set (config, "host-fifo", "");
  g_assert_cmpint (svfs_config_get_host_fifo (config), ==, SVFS_HOST_FIFO_NONE);
  assert_value (config, "host-fifo", "none");

  assert_set (config, "host-fifo", "open");
  assert_set (config, "host-fifo", "none");
  g_assert_cmpint (svfs_config_get_host_fifo (config), ==, SVFS_HOST_FIFO_NONE);

  assert_set_fails ("host-fifo", "closed",
                    "host-fifo: invalid host fifo type \"closed\" (expected none or open)");
  assert_set_fails ("host-fifo", "OPEN",
                    "host-fifo: invalid host fifo type \"OPEN\" (expected none or open)");
}

typedef gboolean (*BoolGetter) (SvfsConfig *config);

static gboolean
get_overlay_flag (SvfsConfig *config)
{
  gboolean value;

  g_object_get (config, "overlay", &value, NULL);
  return value;
}

static void
test_config_booleans (void)
{
  static const struct {
    const char *key;
    BoolGetter  get;
  } keys[] = {
    { "directfs", svfs_config_get_directfs },
    { "nvproxy", svfs_config_get_nvproxy },
    { "tpuproxy", svfs_config_get_tpuproxy },
    { "overlay", get_overlay_flag },
  };
  const char * const true_words[] = { "1", "t", "T", "TRUE", "true", "True" };
  const char * const false_words[] = { "0", "f", "F", "FALSE", "false", "False" };
  const char * const bad_words[] = { "yes", "no", "on", "off", "", "tRUE", "2", " true", "true " };

  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      g_autoptr(SvfsConfig) config = svfs_config_new ();

      for (guint i = 0; i < G_N_ELEMENTS (true_words); i++)
        {
          assert_set (config, keys[k].key, "false");
          assert_set (config, keys[k].key, true_words[i]);
          g_assert_true (keys[k].get (config));
          assert_value (config, keys[k].key, "true");
        }
      for (guint i = 0; i < G_N_ELEMENTS (false_words); i++)
        {
          assert_set (config, keys[k].key, "true");
          assert_set (config, keys[k].key, false_words[i]);
          g_assert_false (keys[k].get (config));
          assert_value (config, keys[k].key, "false");
        }
      for (guint i = 0; i < G_N_ELEMENTS (bad_words); i++)
        {
          g_autofree char *message =
            g_strdup_printf ("%s: invalid boolean value \"%s\" (expected one of "
                             "1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False)",
                             keys[k].key, bad_words[i]);

          assert_set_fails (keys[k].key, bad_words[i], message);
        }
    }
}

static void
test_config_strings (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();

  assert_set (config, "product-name", "Google Compute Engine");
  assert_set (config, "sandbox-id", "sb-1");
  assert_set (config, "container-id", "c-1");
  assert_set (config, "container-name", "nginx");

  g_assert_cmpstr (svfs_config_get_product_name (config), ==, "Google Compute Engine");
  g_assert_cmpstr (svfs_config_get_sandbox_id (config), ==, "sb-1");
  g_assert_cmpstr (svfs_config_get_container_id (config), ==, "c-1");
  g_assert_cmpstr (svfs_config_get_container_name (config), ==, "nginx");
  assert_value (config, "product-name", "Google Compute Engine");
  assert_value (config, "container-name", "nginx");

  /* Any text, even empty, is taken as it is. */
  assert_set (config, "container-name", "");
  g_assert_cmpstr (svfs_config_get_container_name (config), ==, "");
  assert_set (config, "sandbox-id", " spaced, and:odd=chars ");
  g_assert_cmpstr (svfs_config_get_sandbox_id (config), ==, " spaced, and:odd=chars ");
}

/* ---- properties ---------------------------------------------------------- */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  GPtrArray *names = user_data;

  g_ptr_array_add (names, g_strdup (g_param_spec_get_name (pspec)));
}

static void
test_config_properties (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();
  g_autoptr(GPtrArray) notified = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *overlay2 = NULL;
  g_autofree char *container_name = NULL;
  SvfsFileAccess file_access;
  SvfsHostFifo host_fifo;
  gboolean directfs;
  GParamSpec *pspec;

  /* Properties are read-only: svfs_config_set() is the only writer. */
  for (const char * const *key = svfs_config_list_keys (); *key != NULL; key++)
    {
      pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), *key);
      g_assert_nonnull (pspec);
      g_assert_true (pspec->flags & G_PARAM_READABLE);
      g_assert_false (pspec->flags & G_PARAM_WRITABLE);
    }

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), "file-access");
  g_assert_true (G_IS_PARAM_SPEC_ENUM (pspec));
  g_assert_true (pspec->value_type == SVFS_TYPE_FILE_ACCESS);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), "host-fifo");
  g_assert_true (pspec->value_type == SVFS_TYPE_HOST_FIFO);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), "directfs");
  g_assert_true (G_IS_PARAM_SPEC_BOOLEAN (pspec));
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), "overlay2");
  g_assert_true (G_IS_PARAM_SPEC_STRING (pspec));

  g_signal_connect (config, "notify", G_CALLBACK (count_notify), notified);

  assert_set (config, "overlay2", "all:self");
  assert_set (config, "overlay2", "all:self");          /* unchanged: no notify */
  assert_set (config, "file-access-mounts", "exclusive");
  assert_set (config, "host-fifo", "open");
  assert_set (config, "directfs", "0");
  assert_set (config, "directfs", "f");                 /* unchanged */
  assert_set (config, "container-name", "web");
  assert_set (config, "container-name", "web");         /* unchanged */
  g_assert_false (svfs_config_set (config, "nvproxy", "maybe", NULL));

  g_assert_cmpuint (notified->len, ==, 5);
  g_assert_cmpstr (notified->pdata[0], ==, "overlay2");
  g_assert_cmpstr (notified->pdata[1], ==, "file-access-mounts");
  g_assert_cmpstr (notified->pdata[2], ==, "host-fifo");
  g_assert_cmpstr (notified->pdata[3], ==, "directfs");
  g_assert_cmpstr (notified->pdata[4], ==, "container-name");

  g_object_get (config,
                "overlay2", &overlay2,
                "file-access-mounts", &file_access,
                "host-fifo", &host_fifo,
                "directfs", &directfs,
                "container-name", &container_name,
                NULL);
  g_assert_cmpstr (overlay2, ==, "all:self");
  g_assert_cmpint (file_access, ==, SVFS_FILE_ACCESS_EXCLUSIVE);
  g_assert_cmpint (host_fifo, ==, SVFS_HOST_FIFO_OPEN);
  g_assert_false (directfs);
  g_assert_cmpstr (container_name, ==, "web");

  g_signal_handlers_disconnect_by_func (config, count_notify, notified);
}

/* ---- copy ---------------------------------------------------------------- */

static void
assert_same_values (SvfsConfig *a,
                    SvfsConfig *b)
{
  for (const char * const *key = svfs_config_list_keys (); *key != NULL; key++)
    {
      g_autofree char *va = svfs_config_dup_value (a, *key, NULL);
      g_autofree char *vb = svfs_config_dup_value (b, *key, NULL);

      g_assert_cmpstr (va, ==, vb);
    }
}

static void
test_config_copy (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();
  g_autoptr(SvfsConfig) copy = NULL;
  g_autoptr(SvfsConfig) copy2 = NULL;
  g_autoptr(GError) error = NULL;

  assert_set (config, "overlay2", "all:dir=/var/upper,size=2g");
  assert_set (config, "overlay", "true");
  assert_set (config, "file-access", "shared");
  assert_set (config, "file-access-mounts", "exclusive");
  assert_set (config, "host-fifo", "open");
  assert_set (config, "directfs", "false");
  assert_set (config, "nvproxy", "true");
  assert_set (config, "tpuproxy", "true");
  assert_set (config, "product-name", "p");
  assert_set (config, "sandbox-id", "s");
  assert_set (config, "container-id", "c");
  assert_set (config, "container-name", "n");

  copy = svfs_config_copy (config);
  g_assert_true (copy != config);
  assert_same_values (config, copy);
  g_assert_cmpstr (svfs_config_get_overlay_dir (copy), ==, "/var/upper");
  g_assert_true (svfs_config_get_overlay_dir (copy) != svfs_config_get_overlay_dir (config));
  g_assert_cmpstr (svfs_config_get_overlay_size (copy), ==, "2g");
  g_assert_true (svfs_config_get_product_name (copy) != svfs_config_get_product_name (config));

  /* "Explicitly set" travels with the copy: the copy is as invalid. */
  g_assert_false (svfs_config_validate (copy, &error));
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG);
  g_assert_cmpstr (error->message, ==, "overlay flag has been replaced with overlay2 flag");
  g_clear_error (&error);

  /* Changing the copy leaves the original alone, and the other way round. */
  assert_set (copy, "overlay2", "none");
  assert_set (copy, "container-name", "other");
  assert_value (config, "overlay2", "all:dir=/var/upper,size=2g");
  assert_value (config, "container-name", "n");
  g_assert_cmpstr (svfs_config_get_overlay_dir (config), ==, "/var/upper");

  assert_set (config, "sandbox-id", "changed");
  assert_value (copy, "sandbox-id", "s");

  /* A copy of a default config is a default config. */
  g_clear_object (&config);
  config = svfs_config_new ();
  copy2 = svfs_config_copy (config);
  assert_same_values (config, copy2);
  assert_set (copy2, "overlay", "true");
  g_assert_true (svfs_config_validate (copy2, NULL));
}

/* ---- combinations -------------------------------------------------------- */

static void
assert_invalid (SvfsConfig *config,
                const char *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (svfs_config_validate (config, &error));
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG);
  g_assert_cmpstr (error->message, ==, message);
}

static void
assert_valid (SvfsConfig *config)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (svfs_config_validate (config, &error));
  g_assert_no_error (error);
}

static void
test_config_validate_shared_file_access (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();

  /* The default root:memory is an enabled overlay. */
  assert_set (config, "file-access", "shared");
  assert_invalid (config, "overlay flag is incompatible with shared file access for rootfs");

  assert_set (config, "overlay2", "all:self");
  assert_invalid (config, "overlay flag is incompatible with shared file access for rootfs");

  assert_set (config, "overlay2", "none");
  assert_valid (config);

  /* An empty medium is not an enabled overlay. */
  assert_set (config, "overlay2", "root:");
  assert_valid (config);

  /* The deprecated flag enables all:memory. */
  assert_set (config, "overlay", "true");
  assert_invalid (config, "overlay flag is incompatible with shared file access for rootfs");

  /* file-access-mounts is not concerned. */
  g_clear_object (&config);
  config = svfs_config_new ();
  assert_set (config, "file-access-mounts", "shared");
  assert_set (config, "overlay2", "all:memory");
  assert_valid (config);
}

static void
test_config_validate_overlay_flag (void)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();

  /* With the default overlay2, overlay=true simply means all:memory. */
  assert_set (config, "overlay", "true");
  assert_valid (config);
  g_assert_cmpint (svfs_config_get_overlay_medium (config), ==, SVFS_OVERLAY_MEDIUM_MEMORY);
  g_assert_true (svfs_config_get_overlay_root (config));
  g_assert_true (svfs_config_get_overlay_submounts (config));
  /* overlay2 itself still reads as it was set (here: the default). */
  assert_value (config, "overlay2", "root:memory");

  /* An explicit overlay2 that is not enabled gives way to overlay=true,
   * as in runsc. */
  assert_set (config, "overlay2", "none");
  assert_valid (config);
  g_assert_true (svfs_config_get_overlay_submounts (config));
  g_assert_cmpint (svfs_config_get_overlay_medium (config), ==, SVFS_OVERLAY_MEDIUM_MEMORY);

  assert_set (config, "overlay2", "all:");
  assert_valid (config);
  g_assert_true (svfs_config_get_overlay_submounts (config));

  /* An explicit enabled overlay2 clashes, even when it equals the
   * default. */
  assert_set (config, "overlay2", "root:memory");
  assert_invalid (config, "overlay flag has been replaced with overlay2 flag");
  assert_set (config, "overlay2", "all:dir=/x");
  assert_invalid (config, "overlay flag has been replaced with overlay2 flag");

  assert_set (config, "overlay", "false");
  assert_valid (config);
  g_assert_cmpint (svfs_config_get_overlay_medium (config), ==, SVFS_OVERLAY_MEDIUM_DIR);

  /* The order of the two sets does not matter. */
  g_clear_object (&config);
  config = svfs_config_new ();
  assert_set (config, "overlay2", "all:self");
  assert_set (config, "overlay", "1");
  assert_invalid (config, "overlay flag has been replaced with overlay2 flag");

  /* The flag conflict is reported before the file-access one. */
  assert_set (config, "file-access", "shared");
  assert_invalid (config, "overlay flag has been replaced with overlay2 flag");
}

/* ---- shared helpers ------------------------------------------------------ */

static void
test_config_medium_parse (void)
{
  static const struct {
    const char        *text;
    SvfsOverlayMedium  medium;
    const char        *dir;
  } good[] = {
    { "", SVFS_OVERLAY_MEDIUM_NONE, NULL },
    { "memory", SVFS_OVERLAY_MEDIUM_MEMORY, NULL },
    { "self", SVFS_OVERLAY_MEDIUM_SELF, NULL },
    { "dir=/a/b", SVFS_OVERLAY_MEDIUM_DIR, "/a/b" },
  };
  static const struct {
    const char *text;
    const char *message;
  } bad[] = {
    { "none", "unexpected medium: none" },
    { "anon", "unexpected medium: anon" },
    { "dir=a", "overlay host file directory should be an absolute path, got a" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = NULL;
      SvfsOverlayMedium medium = SVFS_OVERLAY_MEDIUM_ANON;

      g_assert_true (svfs_overlay_medium_parse (good[i].text, &medium, &dir, &error));
      g_assert_no_error (error);
      g_assert_cmpint (medium, ==, good[i].medium);
      g_assert_cmpstr (dir, ==, good[i].dir);

      /* @dir is optional. */
      g_assert_true (svfs_overlay_medium_parse (good[i].text, &medium, NULL, NULL));
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = NULL;
      SvfsOverlayMedium medium;

      g_assert_false (svfs_overlay_medium_parse (bad[i].text, &medium, &dir, &error));
      g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG);
      g_assert_cmpstr (error->message, ==, bad[i].message);
      g_assert_null (dir);
    }
}

static void
test_config_size_is_valid (void)
{
  const char * const good[] = { "0", "1", "64m", "64M", "1k", "1K", "2g", "2G", "3t", "3T", "50%", "123456789" };
  const char * const bad[] = { "", "k", "%", "1kb", "1.5g", "-1", "+1", " 1", "1 ", "1p", "0x10", "0%", "101%",
                               "99999999999999999999" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (svfs_overlay_size_is_valid (good[i]));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (svfs_overlay_size_is_valid (bad[i]));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/svfs/config/defaults", test_config_defaults);
  g_test_add_func ("/svfs/config/list-keys/sorted-and-complete", test_config_list_keys);
  g_test_add_func ("/svfs/config/unknown-key", test_config_unknown_key);
  g_test_add_func ("/svfs/config/invalid-utf8", test_config_invalid_utf8);
  g_test_add_func ("/svfs/config/overlay2/root-memory", test_config_overlay2_root_memory);
  g_test_add_func ("/svfs/config/overlay2/all-self", test_config_overlay2_all_self);
  g_test_add_func ("/svfs/config/overlay2/dir", test_config_overlay2_dir);
  g_test_add_func ("/svfs/config/overlay2/none", test_config_overlay2_none);
  g_test_add_func ("/svfs/config/overlay2/empty-medium-means-no-overlay", test_config_overlay2_empty_medium);
  g_test_add_func ("/svfs/config/overlay2/size", test_config_overlay2_size);
  g_test_add_func ("/svfs/config/overlay2/replaces-previous-value", test_config_overlay2_replaces);
  g_test_add_func ("/svfs/config/overlay2/bad-mount-specifier", test_config_overlay2_bad_mount);
  g_test_add_func ("/svfs/config/overlay2/bad-format", test_config_overlay2_bad_format);
  g_test_add_func ("/svfs/config/overlay2/bad-size", test_config_overlay2_bad_size);
  g_test_add_func ("/svfs/config/overlay2/bad-medium", test_config_overlay2_bad_medium);
  g_test_add_func ("/svfs/config/overlay2/relative-dir", test_config_overlay2_relative_dir);
  g_test_add_func ("/svfs/config/overlay2/canonical", test_config_overlay2_canonical);
  g_test_add_func ("/svfs/config/file-access", test_config_file_access);
  g_test_add_func ("/svfs/config/host-fifo", test_config_host_fifo);
  g_test_add_func ("/svfs/config/booleans/go-parse-bool", test_config_booleans);
  g_test_add_func ("/svfs/config/strings", test_config_strings);
  g_test_add_func ("/svfs/config/properties/read-only-and-notify", test_config_properties);
  g_test_add_func ("/svfs/config/copy/deep", test_config_copy);
  g_test_add_func ("/svfs/config/validate/shared-file-access-needs-no-overlay", test_config_validate_shared_file_access);
  g_test_add_func ("/svfs/config/validate/overlay-flag", test_config_validate_overlay_flag);
  g_test_add_func ("/svfs/config/overlay-medium-parse", test_config_medium_parse);
  g_test_add_func ("/svfs/config/overlay-size-syntax", test_config_size_is_valid);

  return g_test_run ();
}
