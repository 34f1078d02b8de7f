/* svfs-builtin-filesystems.c: the filesystem types libsandboxvfs knows
 *
 * One private subclass of SvfsFilesystemType serves every built-in type;
 * each instance points at a row of the table below, which lists the type's
 * flags and, per data key, how its value is checked.
 *
 * The values are checked the way a Linux kernel checks them when the
 * filesystem is mounted, so that a bad value is reported when the plan is
 * compiled rather than as EINVAL when it is applied.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "svfs-error.h"
#include "svfs-filesystem-type-private.h"

typedef enum {
  /* A bare key; a value is an error (devpts `newinstance`). */
  VALUE_NONE,
  /* An octal number up to 07777 (`mode`). */
  VALUE_OCTAL_MODE,
  /* A user or group id: decimal, 0 to 4294967294 ((uid_t) -1 is the
   * kernel's invalid id and is refused at mount time). */
  VALUE_ID,
  /* tmpfs `size`: decimal bytes with an optional k/m/g/t suffix (either
   * case, powers of 1024), or a percentage of memory from 1 to 100. */
  VALUE_SIZE,
  /* tmpfs `nr_inodes`: decimal with an optional k/m/g suffix. */
  VALUE_COUNT,
  /* One word out of a fixed list. */
  VALUE_CHOICE,
  /* devpts `max`: decimal, at most the kernel's NR_UNIX98_PTY_MAX. */
  VALUE_MAX_PTYS,
  /* cgroup v1 `name`: a hierarchy name as the kernel accepts it. */
  VALUE_CGROUP_NAME,
} ValueKind;

typedef struct {
  const char         *key;
  ValueKind           kind;
  /* For VALUE_CHOICE: the accepted words. */
  const char * const *choices;
} DataKey;

typedef struct {
  const char    *name;
  gboolean       allow_user_mount;
  gboolean       allow_user_list;
  gboolean       strict_options;
  const DataKey *keys;   /* terminated by a NULL key */
} BuiltinType;

/* From the kernel: NR_UNIX98_PTY_MAX (1 << MINORBITS) and
 * MAX_CGROUP_ROOT_NAMELEN (64, including the NUL). */
#define MAX_PTYS 1048576u
#define MAX_CGROUP_NAME_LEN 63

static const char * const huge_choices[] = {
  "never", "always", "within_size", "advise", "deny", "force", NULL
};

static const char * const hidepid_choices[] = {
  "0", "1", "2", "4", "off", "noaccess", "invisible", "ptraceable", NULL
};

static const char * const subset_choices[] = {
  "pid", NULL
};

static const DataKey no_keys[] = {
  { NULL }
};

/* `dev` (the synthetic /dev) is a tmpfs and takes the same keys, except
 * `huge`, which makes no sense for a directory of device nodes. */
static const DataKey tmpfs_keys[] = {
  { "mode", VALUE_OCTAL_MODE },
  { "size", VALUE_SIZE },
  { "uid", VALUE_ID },
  { "gid", VALUE_ID },
  { "nr_inodes", VALUE_COUNT },
  { "huge", VALUE_CHOICE, huge_choices },
  { NULL }
};

static const DataKey dev_keys[] = {
  { "mode", VALUE_OCTAL_MODE },
  { "size", VALUE_SIZE },
  { "uid", VALUE_ID },
  { "gid", VALUE_ID },
  { "nr_inodes", VALUE_COUNT },
  { NULL }
};

static const DataKey proc_keys[] = {
  { "hidepid", VALUE_CHOICE, hidepid_choices },
  { "subset", VALUE_CHOICE, subset_choices },
  { "gid", VALUE_ID },
  { NULL }
};

static const DataKey devpts_keys[] = {
  { "newinstance", VALUE_NONE },
  { "ptmxmode", VALUE_OCTAL_MODE },
  { "mode", VALUE_OCTAL_MODE },
  { "uid", VALUE_ID },
  { "gid", VALUE_ID },
  { "max", VALUE_MAX_PTYS },
  { NULL }
};

/* gVisor's seven controllers (`job` is its own), then the other v1
 * controllers of Linux, then the hierarchy options. */
static const DataKey cgroup_keys[] = {
  { "all", VALUE_NONE },
  { "cpu", VALUE_NONE },
  { "cpuacct", VALUE_NONE },
  { "cpuset", VALUE_NONE },
  { "devices", VALUE_NONE },
  { "job", VALUE_NONE },
  { "memory", VALUE_NONE },
  { "pids", VALUE_NONE },
  { "blkio", VALUE_NONE },
  { "freezer", VALUE_NONE },
  { "hugetlb", VALUE_NONE },
  { "net_cls", VALUE_NONE },
  { "net_prio", VALUE_NONE },
  { "perf_event", VALUE_NONE },
  { "rdma", VALUE_NONE },
  { "misc", VALUE_NONE },
  { "name", VALUE_CGROUP_NAME },
  { "none", VALUE_NONE },
  { NULL }
};

static const DataKey cgroup2_keys[] = {
  { "nsdelegate", VALUE_NONE },
  { "memory_recursiveprot", VALUE_NONE },
  { "favordynmods", VALUE_NONE },
  { NULL }
};

/* The flags follow gVisor's registration table (reference §17.1). `bind`
 * is not a kernel filesystem but a way of mounting, so an application can
 * neither mount nor see it as a type; `dev` is our synthetic /dev, which
 * is internal in gVisor too. Unknown options on a bind mount are errors
 * (ARCHITECTURE.md, "Semantics"). */
static const BuiltinType builtin_types[] = {
  { "bind",    FALSE, FALSE, TRUE,  no_keys },
  { "cgroup",  TRUE,  TRUE,  FALSE, cgroup_keys },
  { "cgroup2", TRUE,  TRUE,  FALSE, cgroup2_keys },
  { "dev",     FALSE, FALSE, FALSE, dev_keys },
  { "devpts",  TRUE,  TRUE,  FALSE, devpts_keys },
  { "erofs",   FALSE, TRUE,  FALSE, no_keys },
  { "mqueue",  TRUE,  TRUE,  FALSE, no_keys },
  { "overlay", TRUE,  TRUE,  FALSE, no_keys },
  { "proc",    TRUE,  TRUE,  FALSE, proc_keys },
  { "sysfs",   TRUE,  TRUE,  FALSE, no_keys },
  { "tmpfs",   TRUE,  TRUE,  FALSE, tmpfs_keys },
};

#define SVFS_TYPE_BUILTIN_FILESYSTEM (svfs_builtin_filesystem_get_type ())
G_DECLARE_FINAL_TYPE (SvfsBuiltinFilesystem, svfs_builtin_filesystem,
                      SVFS, BUILTIN_FILESYSTEM, SvfsFilesystemType)

struct _SvfsBuiltinFilesystem
{
  SvfsFilesystemType  parent_instance;

  const BuiltinType  *table;
};

G_DEFINE_FINAL_TYPE (SvfsBuiltinFilesystem, svfs_builtin_filesystem, SVFS_TYPE_FILESYSTEM_TYPE)

typedef enum {
  PARSE_OK,
  PARSE_MALFORMED,
  PARSE_OVERFLOW,
} ParseResult;

/* Parses a run of decimal digits (at least one) at *p into *out and moves
 * *p past them, all of them even when the number overflows guint64. */
static ParseResult
parse_decimal (const char **p,
               guint64     *out)
{
  const char *s = *p;
  gboolean overflow = FALSE;
  guint64 n = 0;

  if (!g_ascii_isdigit (*s))
    return PARSE_MALFORMED;

  for (; g_ascii_isdigit (*s); s++)
    {
      guint digit = (guint) (*s - '0');

      if (n > (G_MAXUINT64 - digit) / 10)
        overflow = TRUE;
      else
        n = n * 10 + digit;
    }

  *p = s;
  *out = n;
  return overflow ? PARSE_OVERFLOW : PARSE_OK;
}

/* The whole of @value is decimal digits with an optional binary suffix out
 * of @suffixes (lowercase; the uppercase letter is accepted too), as the
 * kernel's memparse() reads it. */
static ParseResult
parse_suffixed (const char *value,
                const char *suffixes,
                guint64    *out)
{
  const char *p = value;
  ParseResult result;
  guint64 n;
  guint shift = 0;

  result = parse_decimal (&p, &n);
  if (result == PARSE_MALFORMED)
    return result;

  if (*p != '\0')
    {
      const char *where;
      char c = g_ascii_tolower (*p);

      if (p[1] != '\0' || (where = strchr (suffixes, c)) == NULL)
        return PARSE_MALFORMED;
      shift = 10 * (guint) (where - suffixes + 1);
    }

  if (result == PARSE_OVERFLOW || (shift > 0 && n > (G_MAXUINT64 >> shift)))
    return PARSE_OVERFLOW;

  *out = n << shift;
  return PARSE_OK;
}

static gboolean
parse_decimal_full (const char *value,
                    guint64    *out)
{
  const char *p = value;

  return parse_decimal (&p, out) == PARSE_OK && *p == '\0';
}

static gboolean
parse_octal_mode (const char *value)
{
  guint64 n = 0;

  if (*value == '\0')
    return FALSE;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p < '0' || *p > '7')
        return FALSE;
      n = n * 8 + (guint64) (*p - '0');
      if (n > 07777)
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_cgroup_name (const char *value)
{
  size_t len = strlen (value);

  if (len == 0 || len > MAX_CGROUP_NAME_LEN)
    return FALSE;

  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      return FALSE;

  return TRUE;
}

/* "never, always or advise" */
static char *
describe_choices (const char * const *choices)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (text, choices[i + 1] != NULL ? ", " : " or ");
      g_string_append (text, choices[i]);
    }

  return g_string_free (text, FALSE);
}

/* What a key's value should look like, for error messages. */
static char *
describe_expected (const DataKey *key)
{
  switch (key->kind)
    {
    case VALUE_NONE:
      return g_strdup_printf ("no value (a bare \"%s\")", key->key);
    case VALUE_OCTAL_MODE:
      return g_strdup ("an octal number up to 07777");
    case VALUE_ID:
      return g_strdup ("a decimal number from 0 to 4294967294");
    case VALUE_SIZE:
      return g_strdup ("a number with an optional k, m, g or t suffix, or a percentage");
    case VALUE_COUNT:
      return g_strdup ("a number with an optional k, m or g suffix");
    case VALUE_CHOICE:
      return describe_choices (key->choices);
    case VALUE_MAX_PTYS:
      return g_strdup_printf ("a decimal number up to %u", MAX_PTYS);
    case VALUE_CGROUP_NAME:
      return g_strdup_printf ("a name of 1 to %d letters, digits, \".\", \"-\" or \"_\"",
                              MAX_CGROUP_NAME_LEN);
    default:
      g_assert_not_reached ();
    }
}

/* Sets @error for a value of @key that does not have the expected form. */
static gboolean
reject (const DataKey  *key,
        const char     *value,
        GError        **error)
{
  g_autofree char *expected = describe_expected (key);

  if (value == NULL)
    g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION,
                 "%s: missing value (expected %s)", key->key, expected);
  else
    g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION,
                 "%s \"%s\": expected %s", key->key, value, expected);
  return FALSE;
}

static gboolean
validate_size (const DataKey  *key,
               const char     *value,
               GError        **error)
{
  size_t len = strlen (value);
  guint64 n;

  if (len > 1 && value[len - 1] == '%')
    {
      g_autofree char *number = g_strndup (value, len - 1);

      if (strspn (number, "0123456789") != len - 1)
        return reject (key, value, error);
      /* Digits only: overflow is merely a very large percentage. */
      if (!parse_decimal_full (number, &n) || n < 1 || n > 100)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION,
                       "%s \"%s\": expected a percentage from 1 to 100",
                       key->key, value);
          return FALSE;
        }
      return TRUE;
    }

  switch (parse_suffixed (value, "kmgt", &n))
    {
    case PARSE_OK:
      return TRUE;
    case PARSE_OVERFLOW:
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION,
                   "%s \"%s\": too large (at most 16 EiB)", key->key, value);
      return FALSE;
    case PARSE_MALFORMED:
    default:
      return reject (key, value, error);
    }
}

static gboolean
validate_value (const DataKey  *key,
                const char     *value,
                GError        **error)
{
  guint64 n;

  if (key->kind == VALUE_NONE)
    return value == NULL ? TRUE : reject (key, value, error);

  if (value == NULL)
    return reject (key, value, error);

  switch (key->kind)
    {
    case VALUE_OCTAL_MODE:
      if (!parse_octal_mode (value))
        return reject (key, value, error);
      return TRUE;

    case VALUE_ID:
      if (!parse_decimal_full (value, &n) || n >= G_MAXUINT32)
        return reject (key, value, error);
      return TRUE;

    case VALUE_SIZE:
      return validate_size (key, value, error);

    case VALUE_COUNT:
      if (parse_suffixed (value, "kmg", &n) != PARSE_OK)
        return reject (key, value, error);
      return TRUE;

    case VALUE_CHOICE:
      if (!g_strv_contains (key->choices, value))
        return reject (key, value, error);
      return TRUE;

    case VALUE_MAX_PTYS:
      if (!parse_decimal_full (value, &n) || n > MAX_PTYS)
        return reject (key, value, error);
      return TRUE;

    case VALUE_CGROUP_NAME:
      if (!is_cgroup_name (value))
        return reject (key, value, error);
      return TRUE;

    case VALUE_NONE:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
svfs_builtin_filesystem_validate_data (SvfsFilesystemType  *type,
                                       const char          *key,
                                       const char          *value,
                                       GError             **error)
{
  SvfsBuiltinFilesystem *self = SVFS_BUILTIN_FILESYSTEM (type);

  for (const DataKey *k = self->table->keys; k->key != NULL; k++)
    if (strcmp (k->key, key) == 0)
      return validate_value (k, value, error);

  g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_OPTION,
               "\"%s\" is not a data option of %s", key, self->table->name);
  return FALSE;
}

static void
svfs_builtin_filesystem_class_init (SvfsBuiltinFilesystemClass *klass)
{
  SvfsFilesystemTypeClass *type_class = SVFS_FILESYSTEM_TYPE_CLASS (klass);

  type_class->validate_data = svfs_builtin_filesystem_validate_data;
}

static void
svfs_builtin_filesystem_init (SvfsBuiltinFilesystem *self)
{
}

static SvfsFilesystemType *
builtin_filesystem_new (const BuiltinType *table)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) keys = NULL;
  SvfsBuiltinFilesystem *self;

  for (const DataKey *k = table->keys; k->key != NULL; k++)
    g_strv_builder_add (builder, k->key);
  keys = g_strv_builder_end (builder);

  self = g_object_new (SVFS_TYPE_BUILTIN_FILESYSTEM,
                       "name", table->name,
                       "allow-user-mount", table->allow_user_mount,
                       "allow-user-list", table->allow_user_list,
                       "strict-options", table->strict_options,
                       "data-keys", keys,
                       NULL);
  self->table = table;

  return SVFS_FILESYSTEM_TYPE (self);
}

GPtrArray *
svfs_builtin_filesystem_types_new (void)
{
  GPtrArray *types = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < G_N_ELEMENTS (builtin_types); i++)
    g_ptr_array_add (types, builtin_filesystem_new (&builtin_types[i]));

  return types;
}
