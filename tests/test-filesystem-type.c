/* test-filesystem-type.c: SvfsFilesystemType, its registry and the
 * built-in types' data validators
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libsandboxvfs.h>

/* One validate_data call and what must come of it. */
typedef struct {
  const char *key;
  const char *value;     /* NULL: a bare key */
  const char *message;   /* NULL: accepted */
} Case;

static SvfsFilesystemType *
lookup_checked (const char *name)
{
  SvfsFilesystemType *type = svfs_filesystem_type_lookup (name);

  g_assert_nonnull (type);
  g_assert_cmpstr (svfs_filesystem_type_get_name (type), ==, name);
  return type;
}

static void
check_cases (const char *type_name,
             const Case *cases,
             gsize       n_cases)
{
  g_autoptr(SvfsFilesystemType) type = lookup_checked (type_name);

  for (gsize i = 0; i < n_cases; i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_test_message ("%s: %s=%s", type_name, cases[i].key,
                      cases[i].value ? cases[i].value : "(bare)");
      /* Every key under test is declared data of its type. */
      g_assert_true (svfs_filesystem_type_is_data_key (type, cases[i].key));
      ok = svfs_filesystem_type_validate_data (type, cases[i].key, cases[i].value, &error);
      if (cases[i].message == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION);
          g_assert_cmpstr (error->message, ==, cases[i].message);
          g_assert_false (ok);
        }
    }
}

/* The built-ins: names, flags and data keys */

typedef struct {
  const char         *name;
  gboolean            user_mount;
  gboolean            user_list;
  gboolean            strict;
  const char * const  data_keys[20];
} Expected;

static const Expected expected_builtins[] = {
  { "bind", FALSE, FALSE, TRUE, { NULL } },
  { "cgroup", TRUE, TRUE, FALSE,
    { "all", "cpu", "cpuacct", "cpuset", "devices", "job", "memory", "pids",
      "blkio", "freezer", "hugetlb", "net_cls", "net_prio", "perf_event",
      "rdma", "misc", "name", "none", NULL } },
  { "cgroup2", TRUE, TRUE, FALSE,
    { "nsdelegate", "memory_recursiveprot", "favordynmods", NULL } },
  { "dev", FALSE, FALSE, FALSE, { "mode", "size", "uid", "gid", "nr_inodes", NULL } },
  { "devpts", TRUE, TRUE, FALSE,
    { "newinstance", "ptmxmode", "mode", "uid", "gid", "max", NULL } },
  { "erofs", FALSE, TRUE, FALSE, { NULL } },
  { "mqueue", TRUE, TRUE, FALSE, { NULL } },
  { "overlay", TRUE, TRUE, FALSE, { NULL } },
  { "proc", TRUE, TRUE, FALSE, { "hidepid", "subset", "gid", NULL } },
  { "sysfs", TRUE, TRUE, FALSE, { NULL } },
  { "tmpfs", TRUE, TRUE, FALSE,
    { "mode", "size", "uid", "gid", "nr_inodes", "huge", NULL } },
};

static void
test_builtins_listed_sorted (void)
{
  g_autoptr(GListModel) list = svfs_filesystem_type_list_registered ();

  g_assert_true (g_list_model_get_item_type (list) == SVFS_TYPE_FILESYSTEM_TYPE);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, G_N_ELEMENTS (expected_builtins));

  for (guint i = 0; i < G_N_ELEMENTS (expected_builtins); i++)
    {
      g_autoptr(SvfsFilesystemType) type = g_list_model_get_item (list, i);

      g_assert_cmpstr (svfs_filesystem_type_get_name (type), ==, expected_builtins[i].name);
    }
}

static void
test_builtins_flags (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected_builtins); i++)
    {
      const Expected *e = &expected_builtins[i];
      g_autoptr(SvfsFilesystemType) type = lookup_checked (e->name);
      g_auto(GStrv) prop_keys = NULL;
      g_autofree char *prop_name = NULL;
      gboolean prop_mount, prop_list, prop_strict;

      g_test_message ("%s", e->name);
      g_assert_cmpint (svfs_filesystem_type_get_allow_user_mount (type), ==, e->user_mount);
      g_assert_cmpint (svfs_filesystem_type_get_allow_user_list (type), ==, e->user_list);
      g_assert_cmpint (svfs_filesystem_type_get_strict_options (type), ==, e->strict);
      g_assert_cmpstrv (svfs_filesystem_type_get_data_keys (type), e->data_keys);

      /* The properties say the same as the getters. */
      g_object_get (type,
                    "name", &prop_name,
                    "allow-user-mount", &prop_mount,
                    "allow-user-list", &prop_list,
                    "strict-options", &prop_strict,
                    "data-keys", &prop_keys,
                    NULL);
      g_assert_cmpstr (prop_name, ==, e->name);
      g_assert_cmpint (prop_mount, ==, e->user_mount);
      g_assert_cmpint (prop_list, ==, e->user_list);
      g_assert_cmpint (prop_strict, ==, e->strict);
      g_assert_cmpstrv (prop_keys, e->data_keys);

      for (guint k = 0; e->data_keys[k] != NULL; k++)
        g_assert_true (svfs_filesystem_type_is_data_key (type, e->data_keys[k]));
    }
}

static void
test_builtins_is_data_key_exact (void)
{
  g_autoptr(SvfsFilesystemType) tmpfs = lookup_checked ("tmpfs");
  g_autoptr(SvfsFilesystemType) bind = lookup_checked ("bind");

  g_assert_true (svfs_filesystem_type_is_data_key (tmpfs, "size"));
  g_assert_false (svfs_filesystem_type_is_data_key (tmpfs, "Size"));
  g_assert_false (svfs_filesystem_type_is_data_key (tmpfs, "size="));
  g_assert_false (svfs_filesystem_type_is_data_key (tmpfs, "siz"));
  g_assert_false (svfs_filesystem_type_is_data_key (tmpfs, ""));
  g_assert_false (svfs_filesystem_type_is_data_key (tmpfs, "nosuid"));
  g_assert_false (svfs_filesystem_type_is_data_key (tmpfs, "ro"));
  g_assert_false (svfs_filesystem_type_is_data_key (bind, "mode"));
  g_assert_false (svfs_filesystem_type_is_data_key (bind, "rbind"));
}

static void
test_builtins_without_data (void)
{
  static const char * const names[] = { "bind", "sysfs", "mqueue", "erofs", "overlay" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(SvfsFilesystemType) type = lookup_checked (names[i]);
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = g_strdup_printf ("\"mode\" is not a data option of %s", names[i]);

      g_assert_cmpuint (g_strv_length ((char **) svfs_filesystem_type_get_data_keys (type)), ==, 0);
      g_assert_false (svfs_filesystem_type_is_data_key (type, "mode"));
      /* Asked anyway, a built-in refuses a key it does not know. */
      g_assert_false (svfs_filesystem_type_validate_data (type, "mode", "0755", &error));
      g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION);
      g_assert_cmpstr (error->message, ==, expected);
    }
}

static void
test_builtins_unknown_key_rejected (void)
{
  g_autoptr(SvfsFilesystemType) tmpfs = lookup_checked ("tmpfs");
  g_autoptr(GError) error = NULL;

  g_assert_false (svfs_filesystem_type_validate_data (tmpfs, "Size", "1m", &error));
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION);
  g_assert_cmpstr (error->message, ==, "\"Size\" is not a data option of tmpfs");

  /* NULL error location is allowed. */
  g_assert_false (svfs_filesystem_type_validate_data (tmpfs, "size", "12q", NULL));
  g_assert_true (svfs_filesystem_type_validate_data (tmpfs, "size", "12k", NULL));
}

/* tmpfs */

#define MODE_EXPECTED "expected an octal number up to 07777"
#define SIZE_EXPECTED "expected a number with an optional k, m, g or t suffix, or a percentage"
#define ID_EXPECTED "expected a decimal number from 0 to 4294967294"
#define COUNT_EXPECTED "expected a number with an optional k, m or g suffix"

static const Case tmpfs_mode_cases[] = {
  { "mode", "1777", NULL },
  { "mode", "0755", NULL },
  { "mode", "755", NULL },
  { "mode", "0", NULL },
  { "mode", "07777", NULL },
  { "mode", "00000007777", NULL },
  { "mode", "999", "mode \"999\": " MODE_EXPECTED },
  { "mode", "10000", "mode \"10000\": " MODE_EXPECTED },
  { "mode", "17777", "mode \"17777\": " MODE_EXPECTED },
  { "mode", "0o755", "mode \"0o755\": " MODE_EXPECTED },
  { "mode", "-755", "mode \"-755\": " MODE_EXPECTED },
  { "mode", " 755", "mode \" 755\": " MODE_EXPECTED },
  { "mode", "rwx", "mode \"rwx\": " MODE_EXPECTED },
  { "mode", "", "mode \"\": " MODE_EXPECTED },
  { "mode", NULL, "mode: missing value (" MODE_EXPECTED ")" },
};

static void
test_tmpfs_mode (void)
{
  check_cases ("tmpfs", tmpfs_mode_cases, G_N_ELEMENTS (tmpfs_mode_cases));
}

static const Case tmpfs_size_suffix_cases[] = {
  { "size", "0", NULL },
  { "size", "4097", NULL },
  { "size", "64k", NULL },
  { "size", "64K", NULL },
  { "size", "65536k", NULL },
  { "size", "64m", NULL },
  { "size", "64M", NULL },
  { "size", "1g", NULL },
  { "size", "1G", NULL },
  { "size", "2t", NULL },
  { "size", "2T", NULL },
  { "size", "16777215t", NULL },
  { "size", "18446744073709551615", NULL },
  { "size", "12q", "size \"12q\": " SIZE_EXPECTED },
  { "size", "1p", "size \"1p\": " SIZE_EXPECTED },
  { "size", "1e", "size \"1e\": " SIZE_EXPECTED },
  { "size", "1kb", "size \"1kb\": " SIZE_EXPECTED },
  { "size", "1 k", "size \"1 k\": " SIZE_EXPECTED },
  { "size", "k", "size \"k\": " SIZE_EXPECTED },
  { "size", "-1", "size \"-1\": " SIZE_EXPECTED },
  { "size", "+1", "size \"+1\": " SIZE_EXPECTED },
  { "size", "0x10", "size \"0x10\": " SIZE_EXPECTED },
  { "size", "1.5g", "size \"1.5g\": " SIZE_EXPECTED },
  { "size", "", "size \"\": " SIZE_EXPECTED },
  { "size", NULL, "size: missing value (" SIZE_EXPECTED ")" },
};

static void
test_tmpfs_size_suffixes (void)
{
  check_cases ("tmpfs", tmpfs_size_suffix_cases, G_N_ELEMENTS (tmpfs_size_suffix_cases));
}

static const Case tmpfs_size_percent_cases[] = {
  { "size", "1%", NULL },
  { "size", "50%", NULL },
  { "size", "100%", NULL },
  { "size", "007%", NULL },
  { "size", "0%", "size \"0%\": expected a percentage from 1 to 100" },
  { "size", "101%", "size \"101%\": expected a percentage from 1 to 100" },
  { "size", "99999999999999999999999%", "size \"99999999999999999999999%\": expected a percentage from 1 to 100" },
  { "size", "%", "size \"%\": " SIZE_EXPECTED },
  { "size", "5x%", "size \"5x%\": " SIZE_EXPECTED },
  { "size", "50%%", "size \"50%%\": " SIZE_EXPECTED },
  { "size", "50k%", "size \"50k%\": " SIZE_EXPECTED },
  { "size", "%50", "size \"%50\": " SIZE_EXPECTED },
};

static void
test_tmpfs_size_percentage (void)
{
  check_cases ("tmpfs", tmpfs_size_percent_cases, G_N_ELEMENTS (tmpfs_size_percent_cases));
}

static const Case tmpfs_size_overflow_cases[] = {
  { "size", "18446744073709551616", "size \"18446744073709551616\": too large (at most 16 EiB)" },
  { "size", "16777216t", "size \"16777216t\": too large (at most 16 EiB)" },
  { "size", "17179869184G", "size \"17179869184G\": too large (at most 16 EiB)" },
  { "size", "99999999999999999999999k", "size \"99999999999999999999999k\": too large (at most 16 EiB)" },
  /* Malformed beats large. */
  { "size", "99999999999999999999999q", "size \"99999999999999999999999q\": " SIZE_EXPECTED },
};

static void
test_tmpfs_size_overflow (void)
{
  check_cases ("tmpfs", tmpfs_size_overflow_cases, G_N_ELEMENTS (tmpfs_size_overflow_cases));
}

static const Case tmpfs_id_cases[] = {
  { "uid", "0", NULL },
  { "uid", "1000", NULL },
  { "uid", "4294967294", NULL },
  { "gid", "0", NULL },
  { "gid", "65534", NULL },
  { "uid", "4294967295", "uid \"4294967295\": " ID_EXPECTED },
  { "uid", "4294967296", "uid \"4294967296\": " ID_EXPECTED },
  { "uid", "-1", "uid \"-1\": " ID_EXPECTED },
  { "uid", "root", "uid \"root\": " ID_EXPECTED },
  { "uid", "1k", "uid \"1k\": " ID_EXPECTED },
  { "gid", "0x10", "gid \"0x10\": " ID_EXPECTED },
  { "gid", "", "gid \"\": " ID_EXPECTED },
  { "gid", NULL, "gid: missing value (" ID_EXPECTED ")" },
};

static void
test_tmpfs_ids (void)
{
  check_cases ("tmpfs", tmpfs_id_cases, G_N_ELEMENTS (tmpfs_id_cases));
}

static const Case tmpfs_nr_inodes_cases[] = {
  { "nr_inodes", "0", NULL },
  { "nr_inodes", "1000", NULL },
  { "nr_inodes", "10k", NULL },
  { "nr_inodes", "10K", NULL },
  { "nr_inodes", "1m", NULL },
  { "nr_inodes", "1M", NULL },
  { "nr_inodes", "1g", NULL },
  { "nr_inodes", "1G", NULL },
  { "nr_inodes", "1t", "nr_inodes \"1t\": " COUNT_EXPECTED },
  { "nr_inodes", "50%", "nr_inodes \"50%\": " COUNT_EXPECTED },
  { "nr_inodes", "many", "nr_inodes \"many\": " COUNT_EXPECTED },
  { "nr_inodes", "99999999999999999999", "nr_inodes \"99999999999999999999\": " COUNT_EXPECTED },
  { "nr_inodes", NULL, "nr_inodes: missing value (" COUNT_EXPECTED ")" },
};

static void
test_tmpfs_nr_inodes (void)
{
  check_cases ("tmpfs", tmpfs_nr_inodes_cases, G_N_ELEMENTS (tmpfs_nr_inodes_cases));
}

#define HUGE_EXPECTED "expected never, always, within_size, advise, deny or force"

static const Case tmpfs_huge_cases[] = {
  { "huge", "never", NULL },
  { "huge", "always", NULL },
  { "huge", "within_size", NULL },
  { "huge", "advise", NULL },
  { "huge", "deny", NULL },
  { "huge", "force", NULL },
  { "huge", "Always", "huge \"Always\": " HUGE_EXPECTED },
  { "huge", "yes", "huge \"yes\": " HUGE_EXPECTED },
  { "huge", "", "huge \"\": " HUGE_EXPECTED },
  { "huge", NULL, "huge: missing value (" HUGE_EXPECTED ")" },
};

static void
test_tmpfs_huge (void)
{
  check_cases ("tmpfs", tmpfs_huge_cases, G_N_ELEMENTS (tmpfs_huge_cases));
}

/* dev: the tmpfs keys, with the same validators */

static const Case dev_cases[] = {
  /* The mandatory /dev's data (CONTRACT §3). */
  { "mode", "755", NULL },
  { "size", "65536k", NULL },
  { "size", "10%", NULL },
  { "uid", "0", NULL },
  { "gid", "5", NULL },
  { "nr_inodes", "1k", NULL },
  { "mode", "999", "mode \"999\": " MODE_EXPECTED },
  { "size", "12q", "size \"12q\": " SIZE_EXPECTED },
  { "uid", "x", "uid \"x\": " ID_EXPECTED },
  { "nr_inodes", "1t", "nr_inodes \"1t\": " COUNT_EXPECTED },
};

static void
test_dev_tmpfs_keys (void)
{
  g_autoptr(SvfsFilesystemType) dev = lookup_checked ("dev");

  check_cases ("dev", dev_cases, G_N_ELEMENTS (dev_cases));
  g_assert_false (svfs_filesystem_type_is_data_key (dev, "huge"));
}

/* proc */

#define HIDEPID_EXPECTED "expected 0, 1, 2, 4, off, noaccess, invisible or ptraceable"

static const Case proc_cases[] = {
  { "hidepid", "0", NULL },
  { "hidepid", "1", NULL },
  { "hidepid", "2", NULL },
  { "hidepid", "4", NULL },
  { "hidepid", "off", NULL },
  { "hidepid", "noaccess", NULL },
  { "hidepid", "invisible", NULL },
  { "hidepid", "ptraceable", NULL },
  { "hidepid", "3", "hidepid \"3\": " HIDEPID_EXPECTED },
  { "hidepid", "Off", "hidepid \"Off\": " HIDEPID_EXPECTED },
  { "hidepid", NULL, "hidepid: missing value (" HIDEPID_EXPECTED ")" },
  { "subset", "pid", NULL },
  { "subset", "sys", "subset \"sys\": expected pid" },
  { "subset", NULL, "subset: missing value (expected pid)" },
  { "gid", "0", NULL },
  { "gid", "1000", NULL },
  { "gid", "wheel", "gid \"wheel\": " ID_EXPECTED },
};

static void
test_proc (void)
{
  g_autoptr(SvfsFilesystemType) proc = lookup_checked ("proc");

  check_cases ("proc", proc_cases, G_N_ELEMENTS (proc_cases));
  g_assert_false (svfs_filesystem_type_is_data_key (proc, "mode"));
}

/* devpts */

static const Case devpts_cases[] = {
  /* The mandatory /dev/pts's data (CONTRACT §3). */
  { "newinstance", NULL, NULL },
  { "ptmxmode", "0666", NULL },
  { "mode", "0620", NULL },
  { "newinstance", "1", "newinstance \"1\": expected no value (a bare \"newinstance\")" },
  { "newinstance", "", "newinstance \"\": expected no value (a bare \"newinstance\")" },
  { "ptmxmode", "888", "ptmxmode \"888\": " MODE_EXPECTED },
  { "ptmxmode", NULL, "ptmxmode: missing value (" MODE_EXPECTED ")" },
  { "mode", "620x", "mode \"620x\": " MODE_EXPECTED },
  { "uid", "0", NULL },
  { "gid", "5", NULL },
  { "gid", "tty", "gid \"tty\": " ID_EXPECTED },
  { "max", "0", NULL },
  { "max", "4096", NULL },
  { "max", "1048576", NULL },
  { "max", "1048577", "max \"1048577\": expected a decimal number up to 1048576" },
  { "max", "4k", "max \"4k\": expected a decimal number up to 1048576" },
  { "max", NULL, "max: missing value (expected a decimal number up to 1048576)" },
};

static void
test_devpts (void)
{
  check_cases ("devpts", devpts_cases, G_N_ELEMENTS (devpts_cases));
}

/* cgroup and cgroup2 */

#define NAME_EXPECTED "expected a name of 1 to 63 letters, digits, \".\", \"-\" or \"_\""

static const Case cgroup_cases[] = {
  { "all", NULL, NULL },
  { "cpu", NULL, NULL },
  { "cpuacct", NULL, NULL },
  { "cpuset", NULL, NULL },
  { "devices", NULL, NULL },
  { "job", NULL, NULL },
  { "memory", NULL, NULL },
  { "pids", NULL, NULL },
  { "blkio", NULL, NULL },
  { "freezer", NULL, NULL },
  { "hugetlb", NULL, NULL },
  { "net_cls", NULL, NULL },
  { "net_prio", NULL, NULL },
  { "perf_event", NULL, NULL },
  { "rdma", NULL, NULL },
  { "misc", NULL, NULL },
  { "none", NULL, NULL },
  { "cpu", "1", "cpu \"1\": expected no value (a bare \"cpu\")" },
  { "none", "x", "none \"x\": expected no value (a bare \"none\")" },
  { "name", "systemd", NULL },
  { "name", "my-hier.v1_2", NULL },
  { "name", "123456789012345678901234567890123456789012345678901234567890123", NULL },
  { "name", "1234567890123456789012345678901234567890123456789012345678901234",
    "name \"1234567890123456789012345678901234567890123456789012345678901234\": " NAME_EXPECTED },
  { "name", "a/b", "name \"a/b\": " NAME_EXPECTED },
  { "name", "a b", "name \"a b\": " NAME_EXPECTED },
  { "name", "", "name \"\": " NAME_EXPECTED },
  { "name", NULL, "name: missing value (" NAME_EXPECTED ")" },
};

static void
test_cgroup (void)
{
  g_autoptr(SvfsFilesystemType) cgroup = lookup_checked ("cgroup");

  check_cases ("cgroup", cgroup_cases, G_N_ELEMENTS (cgroup_cases));
  g_assert_false (svfs_filesystem_type_is_data_key (cgroup, "CPU"));
  g_assert_false (svfs_filesystem_type_is_data_key (cgroup, "nsdelegate"));
}

static const Case cgroup2_cases[] = {
  { "nsdelegate", NULL, NULL },
  { "memory_recursiveprot", NULL, NULL },
  { "favordynmods", NULL, NULL },
  { "nsdelegate", "1", "nsdelegate \"1\": expected no value (a bare \"nsdelegate\")" },
};

static void
test_cgroup2 (void)
{
  g_autoptr(SvfsFilesystemType) cgroup2 = lookup_checked ("cgroup2");

  check_cases ("cgroup2", cgroup2_cases, G_N_ELEMENTS (cgroup2_cases));
  g_assert_false (svfs_filesystem_type_is_data_key (cgroup2, "cpu"));
}

/* The base class and subclasses */

static void
test_base_defaults (void)
{
  g_autoptr(SvfsFilesystemType) plain = g_object_new (SVFS_TYPE_FILESYSTEM_TYPE, NULL);
  g_autoptr(SvfsFilesystemType) keyed = NULL;
  static const char * const keys[] = { "foo", "Bar", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_null (svfs_filesystem_type_get_name (plain));
  g_assert_false (svfs_filesystem_type_get_allow_user_mount (plain));
  g_assert_false (svfs_filesystem_type_get_allow_user_list (plain));
  g_assert_false (svfs_filesystem_type_get_strict_options (plain));
  g_assert_nonnull (svfs_filesystem_type_get_data_keys (plain));
  g_assert_null (svfs_filesystem_type_get_data_keys (plain)[0]);
  g_assert_false (svfs_filesystem_type_is_data_key (plain, "foo"));

  keyed = g_object_new (SVFS_TYPE_FILESYSTEM_TYPE,
                        "name", "keyed",
                        "data-keys", keys,
                        "allow-user-mount", TRUE,
                        "strict-options", TRUE,
                        NULL);
  g_assert_cmpstr (svfs_filesystem_type_get_name (keyed), ==, "keyed");
  g_assert_true (svfs_filesystem_type_get_allow_user_mount (keyed));
  g_assert_false (svfs_filesystem_type_get_allow_user_list (keyed));
  g_assert_true (svfs_filesystem_type_get_strict_options (keyed));
  g_assert_cmpstrv (svfs_filesystem_type_get_data_keys (keyed), keys);
  g_assert_true (svfs_filesystem_type_is_data_key (keyed, "foo"));
  g_assert_true (svfs_filesystem_type_is_data_key (keyed, "Bar"));
  g_assert_false (svfs_filesystem_type_is_data_key (keyed, "bar"));
  g_assert_false (svfs_filesystem_type_is_data_key (keyed, "FOO"));

  /* The default validate_data accepts anything. */
  g_assert_true (svfs_filesystem_type_validate_data (keyed, "foo", "anything", &error));
  g_assert_no_error (error);
  g_assert_true (svfs_filesystem_type_validate_data (keyed, "foo", NULL, &error));
  g_assert_no_error (error);
}

/* A C subclass: key "color" takes red or blue; keys starting with "x-" are
 * data too (an is_data_key override). */
#define TEST_TYPE_COLOR_FS (test_color_fs_get_type ())
G_DECLARE_FINAL_TYPE (TestColorFs, test_color_fs, TEST, COLOR_FS, SvfsFilesystemType)

struct _TestColorFs
{
  SvfsFilesystemType parent_instance;
  guint              calls;
};

G_DEFINE_FINAL_TYPE (TestColorFs, test_color_fs, SVFS_TYPE_FILESYSTEM_TYPE)

static gboolean
test_color_fs_is_data_key (SvfsFilesystemType *type,
                           const char         *key)
{
  return g_str_has_prefix (key, "x-") ||
         SVFS_FILESYSTEM_TYPE_CLASS (test_color_fs_parent_class)->is_data_key (type, key);
}

static gboolean
test_color_fs_validate_data (SvfsFilesystemType  *type,
                             const char          *key,
                             const char          *value,
                             GError             **error)
{
  TestColorFs *self = TEST_COLOR_FS (type);

  self->calls++;
  if (g_str_equal (key, "color") &&
      (g_strcmp0 (value, "red") != 0 && g_strcmp0 (value, "blue") != 0))
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION,
                   "color \"%s\": expected red or blue", value ? value : "");
      return FALSE;
    }
  /* "silent" is refused without a reason: the wrapper supplies one. */
  if (g_str_equal (key, "silent"))
    return FALSE;
  return TRUE;
}

static void
test_color_fs_class_init (TestColorFsClass *klass)
{
  SvfsFilesystemTypeClass *type_class = SVFS_FILESYSTEM_TYPE_CLASS (klass);

  type_class->is_data_key = test_color_fs_is_data_key;
  type_class->validate_data = test_color_fs_validate_data;
}

static void
test_color_fs_init (TestColorFs *self)
{
}

static SvfsFilesystemType *
color_fs_new (const char *name)
{
  static const char * const keys[] = { "color", "silent", NULL };

  return g_object_new (TEST_TYPE_COLOR_FS,
                       "name", name,
                       "data-keys", keys,
                       "allow-user-list", TRUE,
                       NULL);
}

static void
test_subclass_validate_data (void)
{
  g_autoptr(SvfsFilesystemType) type = color_fs_new ("colorfs");
  g_autoptr(GError) error = NULL;

  g_assert_true (svfs_filesystem_type_validate_data (type, "color", "red", &error));
  g_assert_no_error (error);
  g_assert_false (svfs_filesystem_type_validate_data (type, "color", "green", &error));
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION);
  g_assert_cmpstr (error->message, ==, "color \"green\": expected red or blue");
  g_assert_cmpuint (TEST_COLOR_FS (type)->calls, ==, 2);

  g_assert_true (svfs_filesystem_type_is_data_key (type, "color"));
  g_assert_true (svfs_filesystem_type_is_data_key (type, "x-anything"));
  g_assert_false (svfs_filesystem_type_is_data_key (type, "shade"));
}

static void
test_subclass_generic_error (void)
{
  g_autoptr(SvfsFilesystemType) type = color_fs_new ("colorfs");
  g_autoptr(GError) error = NULL;

  g_assert_false (svfs_filesystem_type_validate_data (type, "silent", "1", &error));
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION);
  g_assert_cmpstr (error->message, ==, "invalid value for silent");

  /* Also without an error location. */
  g_assert_false (svfs_filesystem_type_validate_data (type, "silent", NULL, NULL));
  g_assert_false (svfs_filesystem_type_validate_data (type, "color", "green", NULL));
}

/* The registry */

static void
test_registry_register_lookup_unregister (void)
{
  g_autoptr(SvfsFilesystemType) type = color_fs_new ("colorfs");
  g_autoptr(SvfsFilesystemType) found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (svfs_filesystem_type_lookup ("colorfs"));

  g_assert_true (svfs_filesystem_type_register (type, &error));
  g_assert_no_error (error);

  found = svfs_filesystem_type_lookup ("colorfs");
  g_assert_true (found == type);

  /* Lookup finds the subclass, so validation reaches its override. */
  g_assert_false (svfs_filesystem_type_validate_data (found, "color", "green", NULL));
  g_assert_cmpuint (TEST_COLOR_FS (found)->calls, ==, 1);

  g_assert_true (svfs_filesystem_type_unregister ("colorfs"));
  g_assert_null (svfs_filesystem_type_lookup ("colorfs"));
  g_assert_false (svfs_filesystem_type_unregister ("colorfs"));

  /* What lookup returned is still ours. */
  g_assert_cmpstr (svfs_filesystem_type_get_name (found), ==, "colorfs");
}

static void
test_registry_duplicate (void)
{
  g_autoptr(SvfsFilesystemType) first = color_fs_new ("colorfs");
  g_autoptr(SvfsFilesystemType) second = color_fs_new ("colorfs");
  g_autoptr(SvfsFilesystemType) tmpfs = color_fs_new ("tmpfs");
  g_autoptr(SvfsFilesystemType) found = NULL;
  g_autoptr(SvfsFilesystemType) builtin = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (svfs_filesystem_type_register (first, &error));
  g_assert_no_error (error);

  g_assert_false (svfs_filesystem_type_register (second, &error));
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "filesystem type \"colorfs\" is already registered");
  g_clear_error (&error);

  /* Registering the same object twice is a duplicate too. */
  g_assert_false (svfs_filesystem_type_register (first, &error));
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* A built-in name is taken as well. */
  g_assert_false (svfs_filesystem_type_register (tmpfs, &error));
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "filesystem type \"tmpfs\" is already registered");
  g_clear_error (&error);

  found = svfs_filesystem_type_lookup ("colorfs");
  g_assert_true (found == first);
  builtin = svfs_filesystem_type_lookup ("tmpfs");
  g_assert_false (builtin == tmpfs);

  g_assert_true (svfs_filesystem_type_unregister ("colorfs"));
}

static void
test_registry_needs_name (void)
{
  g_autoptr(SvfsFilesystemType) unnamed = g_object_new (SVFS_TYPE_FILESYSTEM_TYPE, NULL);
  g_autoptr(SvfsFilesystemType) empty = g_object_new (SVFS_TYPE_FILESYSTEM_TYPE, "name", "", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (svfs_filesystem_type_register (unnamed, &error));
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_false (svfs_filesystem_type_register (empty, &error));
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED);
  g_assert_null (svfs_filesystem_type_lookup (""));
}

static void
test_registry_lookup_exact (void)
{
  g_assert_null (svfs_filesystem_type_lookup ("TMPFS"));
  g_assert_null (svfs_filesystem_type_lookup ("tmpfs "));
  g_assert_null (svfs_filesystem_type_lookup ("weirdfs"));
  g_assert_null (svfs_filesystem_type_lookup (""));
  /* `none` is an alias the compiler resolves, not a type. */
  g_assert_null (svfs_filesystem_type_lookup ("none"));
}

static void
test_registry_list_order (void)
{
  g_autoptr(SvfsFilesystemType) zzz = color_fs_new ("zzzfs");
  g_autoptr(SvfsFilesystemType) aaa = color_fs_new ("aaafs");
  g_autoptr(SvfsFilesystemType) upper = color_fs_new ("Zfs");
  g_autoptr(GListModel) before = svfs_filesystem_type_list_registered ();
  g_autoptr(GListModel) list = NULL;
  g_autoptr(GListModel) after = NULL;
  guint n;

  g_assert_true (svfs_filesystem_type_register (zzz, NULL));
  g_assert_true (svfs_filesystem_type_register (aaa, NULL));
  g_assert_true (svfs_filesystem_type_register (upper, NULL));

  list = svfs_filesystem_type_list_registered ();
  n = g_list_model_get_n_items (list);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected_builtins) + 3);

  /* Bytewise: uppercase sorts before lowercase. */
  for (guint i = 0; i + 1 < n; i++)
    {
      g_autoptr(SvfsFilesystemType) a = g_list_model_get_item (list, i);
      g_autoptr(SvfsFilesystemType) b = g_list_model_get_item (list, i + 1);

      g_assert_cmpint (strcmp (svfs_filesystem_type_get_name (a),
                               svfs_filesystem_type_get_name (b)), <, 0);
    }
  {
    g_autoptr(SvfsFilesystemType) first = g_list_model_get_item (list, 0);
    g_autoptr(SvfsFilesystemType) second = g_list_model_get_item (list, 1);
    g_autoptr(SvfsFilesystemType) last = g_list_model_get_item (list, n - 1);

    g_assert_true (first == upper);
    g_assert_true (second == aaa);
    g_assert_true (last == zzz);
  }

  g_assert_true (svfs_filesystem_type_unregister ("zzzfs"));
  g_assert_true (svfs_filesystem_type_unregister ("aaafs"));
  g_assert_true (svfs_filesystem_type_unregister ("Zfs"));

  /* Lists are snapshots. */
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, n);
  g_assert_cmpuint (g_list_model_get_n_items (before), ==, G_N_ELEMENTS (expected_builtins));
  after = svfs_filesystem_type_list_registered ();
  g_assert_cmpuint (g_list_model_get_n_items (after), ==, G_N_ELEMENTS (expected_builtins));
}

static void
test_registry_unregister_builtin (void)
{
  g_autoptr(SvfsFilesystemType) overlay = lookup_checked ("overlay");
  g_autoptr(SvfsFilesystemType) again = NULL;

  g_assert_true (svfs_filesystem_type_unregister ("overlay"));
  g_assert_null (svfs_filesystem_type_lookup ("overlay"));
  /* The object we hold is unaffected and can be put back. */
  g_assert_true (svfs_filesystem_type_get_allow_user_mount (overlay));
  g_assert_true (svfs_filesystem_type_register (overlay, NULL));
  again = svfs_filesystem_type_lookup ("overlay");
  g_assert_true (again == overlay);
}

/* Thread-safety smoke test: readers look types up and list them while the
 * main thread registers and unregisters a type. */

#define N_THREADS 6
#define N_ROUNDS 300

static gpointer
reader_thread (gpointer data)
{
  static const char * const names[] = { "tmpfs", "proc", "bind", "devpts", "cgroup" };
  guint found_custom = 0;

  for (guint i = 0; i < N_ROUNDS; i++)
    {
      g_autoptr(SvfsFilesystemType) type = svfs_filesystem_type_lookup (names[i % G_N_ELEMENTS (names)]);
      g_autoptr(SvfsFilesystemType) custom = svfs_filesystem_type_lookup ("threadfs");

      g_assert_nonnull (type);
      g_assert_true (svfs_filesystem_type_is_data_key (type, "gid") ||
                     g_str_equal (svfs_filesystem_type_get_name (type), "bind") ||
                     g_str_equal (svfs_filesystem_type_get_name (type), "cgroup"));
      if (custom != NULL)
        {
          g_assert_cmpstr (svfs_filesystem_type_get_name (custom), ==, "threadfs");
          found_custom++;
        }

      if (i % 50 == 0)
        {
          g_autoptr(GListModel) list = svfs_filesystem_type_list_registered ();
          guint n = g_list_model_get_n_items (list);

          g_assert_true (n == G_N_ELEMENTS (expected_builtins) ||
                         n == G_N_ELEMENTS (expected_builtins) + 1);
        }
    }

  return GUINT_TO_POINTER (found_custom + 1);
}

static void
test_registry_threads (void)
{
  GThread *threads[N_THREADS];

  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("reader", reader_thread, NULL);

  for (guint i = 0; i < N_ROUNDS / 3; i++)
    {
      g_autoptr(SvfsFilesystemType) type = color_fs_new ("threadfs");

      g_assert_true (svfs_filesystem_type_register (type, NULL));
      g_thread_yield ();
      g_assert_true (svfs_filesystem_type_unregister ("threadfs"));
    }

  for (guint i = 0; i < N_THREADS; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (threads[i])), >=, 1);

  g_assert_null (svfs_filesystem_type_lookup ("threadfs"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/svfs/filesystem-type/builtins/listed-sorted", test_builtins_listed_sorted);
  g_test_add_func ("/svfs/filesystem-type/builtins/flags-and-data-keys", test_builtins_flags);
  g_test_add_func ("/svfs/filesystem-type/builtins/data-keys-are-exact", test_builtins_is_data_key_exact);
  g_test_add_func ("/svfs/filesystem-type/builtins/types-without-data", test_builtins_without_data);
  g_test_add_func ("/svfs/filesystem-type/builtins/unknown-key-rejected", test_builtins_unknown_key_rejected);
  g_test_add_func ("/svfs/filesystem-type/tmpfs/mode", test_tmpfs_mode);
  g_test_add_func ("/svfs/filesystem-type/tmpfs/size-suffixes", test_tmpfs_size_suffixes);
  g_test_add_func ("/svfs/filesystem-type/tmpfs/size-percentage", test_tmpfs_size_percentage);
  g_test_add_func ("/svfs/filesystem-type/tmpfs/size-overflow", test_tmpfs_size_overflow);
  g_test_add_func ("/svfs/filesystem-type/tmpfs/uid-gid", test_tmpfs_ids);
  g_test_add_func ("/svfs/filesystem-type/tmpfs/nr-inodes", test_tmpfs_nr_inodes);
  g_test_add_func ("/svfs/filesystem-type/tmpfs/huge", test_tmpfs_huge);
  g_test_add_func ("/svfs/filesystem-type/dev/takes-tmpfs-keys", test_dev_tmpfs_keys);
  g_test_add_func ("/svfs/filesystem-type/proc/hidepid-subset-gid", test_proc);
  g_test_add_func ("/svfs/filesystem-type/devpts/keys", test_devpts);
  g_test_add_func ("/svfs/filesystem-type/cgroup/controllers-and-name", test_cgroup);
  g_test_add_func ("/svfs/filesystem-type/cgroup2/bare-keys", test_cgroup2);
  g_test_add_func ("/svfs/filesystem-type/base/defaults", test_base_defaults);
  g_test_add_func ("/svfs/filesystem-type/subclass/validate-data-override", test_subclass_validate_data);
  g_test_add_func ("/svfs/filesystem-type/subclass/false-without-error-gets-generic-error", test_subclass_generic_error);
  g_test_add_func ("/svfs/filesystem-type/registry/register-lookup-unregister", test_registry_register_lookup_unregister);
  g_test_add_func ("/svfs/filesystem-type/registry/duplicate-name-refused", test_registry_duplicate);
  g_test_add_func ("/svfs/filesystem-type/registry/name-required", test_registry_needs_name);
  g_test_add_func ("/svfs/filesystem-type/registry/lookup-is-exact", test_registry_lookup_exact);
  g_test_add_func ("/svfs/filesystem-type/registry/list-sorted-by-name", test_registry_list_order);
  g_test_add_func ("/svfs/filesystem-type/registry/unregister-builtin", test_registry_unregister_builtin);
  g_test_add_func ("/svfs/filesystem-type/registry/threads", test_registry_threads);

  return g_test_run ();
}
