/* svfs-spec-check.c: reading and validating an OCI runtime spec
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "svfs-spec-private.h"
#include "svfs-mount-hints-private.h"
#include "svfs-error.h"

/* ------------------------------------------------------------------ */
/* Limits, checked before json-glib sees the data                      */
/* ------------------------------------------------------------------ */

/* json-glib's parser recurses once per nesting level, so "[[[[…" would
 * overflow the stack long before it runs out of input.  This scanner is
 * not a parser: it only follows strings (to ignore brackets inside them)
 * and counts bracket depth.  It also refuses what json-glib's GScanner
 * would treat specially outside strings (comments, single-quoted strings)
 * because those could hide brackets from this count. */

typedef struct {
  const char *data;
  gsize       line;
  gsize       line_start;
} ScanPos;

static void
scan_position (const ScanPos *pos,
               gsize          offset,
               gsize         *line,
               gsize         *column)
{
  *line = pos->line;
  /* The text before @offset has been validated as UTF-8 already. */
  *column = (gsize) g_utf8_strlen (pos->data + pos->line_start,
                                   (gssize) (offset - pos->line_start)) + 1;
}

static gboolean
scan_error (const ScanPos  *pos,
            gsize           offset,
            GError        **error,
            const char     *message)
{
  gsize line, column;

  scan_position (pos, offset, &line, &column);
  g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
               "line %" G_GSIZE_FORMAT ", column %" G_GSIZE_FORMAT ": %s",
               line, column, message);
  return FALSE;
}

static inline gboolean
is_word_char (guchar ch)
{
  return g_ascii_isalnum (ch) || ch == '+' || ch == '-' || ch == '.';
}

/* Skips the digits of @word from *@i on; whether there was one. */
static gboolean
skip_digits (const char *word,
             gsize       length,
             gsize      *i)
{
  gsize start = *i;

  while (*i < length && g_ascii_isdigit (word[*i]))
    (*i)++;
  return *i > start;
}

/* RFC 8259's number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static gboolean
is_json_number (const char *word,
                gsize       length)
{
  gsize i = word[0] == '-' ? 1 : 0;

  if (i < length && word[i] == '0')
    i++;
  else if (!(i < length && word[i] != '0' && skip_digits (word, length, &i)))
    return FALSE;
  if (i < length && word[i] == '.' && (++i, !skip_digits (word, length, &i)))
    return FALSE;
  if (i < length && (word[i] == 'e' || word[i] == 'E'))
    {
      i++;
      if (i < length && (word[i] == '+' || word[i] == '-'))
        i++;
      if (!skip_digits (word, length, &i))
        return FALSE;
    }
  return i == length;
}

/* What is wrong with the JSON word (number, literal) at @word, or NULL.
 * json-glib reads numbers more loosely than JSON (0755 as octal 493, 0x10
 * as 16, .5, 1.), an integer past 64 bits as a clipped value and a number
 * past a double's range (1e999) as infinity, which no JSON writer can
 * write back: all are refused before parsing, as runc's and runsc's Go
 * readers refuse them.  Literals (true, false, null, and garbage that
 * json-glib reports) are left to json-glib. */
static const char *
word_problem (const char *word,
              gsize       length)
{
  g_autofree char *long_text = NULL;
  char buf[64];
  const char *text = buf;
  gboolean integer = TRUE;

  if (!g_ascii_isdigit (word[0]) && word[0] != '-' && word[0] != '.' && word[0] != '+')
    return NULL;
  if (!is_json_number (word, length))
    return "invalid number";
  for (gsize j = word[0] == '-' ? 1 : 0; j < length; j++)
    if (!g_ascii_isdigit (word[j]))
      integer = FALSE;

  /* A NUL-terminated copy, on the stack unless the number is long. */
  if (length < sizeof buf)
    {
      memcpy (buf, word, length);
      buf[length] = '\0';
    }
  else
    text = long_text = g_strndup (word, length);
  if (integer)
    return g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, NULL, NULL)
           ? NULL : "integer out of range for a 64-bit integer";
  return isinf (g_ascii_strtod (text, NULL)) ? "number out of range for a double" : NULL;
}

static int
hex_value (char c)
{
  return g_ascii_xdigit_value (c);
}

/* Reads the \u escape at @p (4 hex digits after "\u"), or -1. */
static gint32
read_u_escape (const char *p,
               gsize       avail)
{
  gint32 value = 0;

  if (avail < 6 || p[0] != '\\' || p[1] != 'u')
    return -1;
  for (int k = 2; k < 6; k++)
    {
      int v = hex_value (p[k]);
      if (v < 0)
        return -1;
      value = value * 16 + v;
    }
  return value;
}

/* Checks the escape sequence at @p (which starts with a backslash) and
 * moves *@index to its last byte.  Returns NULL, or why it is invalid. */
static const char *
check_escape (const char *p,
              gsize       avail,
              gsize      *index)
{
  gint32 unit;

  if (avail < 2)
    return "unterminated escape in a string";
  if (strchr ("\"\\/bfnrt", p[1]) != NULL && p[1] != '\0')
    {
      *index += 1;
      return NULL;
    }
  if (p[1] != 'u')
    return "invalid escape in a string (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)";

  unit = read_u_escape (p, avail);
  if (unit < 0)
    return "invalid \\u escape in a string (expected 4 hex digits)";
  if (unit == 0)
    return "NUL character (\\u0000) in a string";
  if (unit >= 0xDC00 && unit <= 0xDFFF)
    return "unpaired UTF-16 surrogate in a string";
  if (unit >= 0xD800 && unit <= 0xDBFF)
    {
      gint32 low = read_u_escape (p + 6, avail - 6);

      if (low < 0xDC00 || low > 0xDFFF)
        return "unpaired UTF-16 surrogate in a string";
      *index += 11;
      return NULL;
    }
  *index += 5;
  return NULL;
}

static gboolean
scan_limits (const char  *data,
             gsize        length,
             GError     **error)
{
  ScanPos pos = { data, 1, 0 };
  const char *end = NULL;
  gboolean done = FALSE;      /* the top-level value is complete */
  gsize depth = 0;
  gsize i = 0;

  if (length > SVFS_SPEC_MAX_SIZE)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                   "spec is larger than 16 MiB (%" G_GSIZE_FORMAT " bytes)",
                   length);
      return FALSE;
    }

  if (!g_utf8_validate_len (data, length, &end))
    {
      gsize offset = (gsize) (end - data);

      /* Count lines up to the bad byte so the position is right. */
      for (gsize k = 0; k < offset; k++)
        if (data[k] == '\n')
          {
            pos.line++;
            pos.line_start = k + 1;
          }
      return scan_error (&pos, offset, error,
                         *end == '\0' ? "the spec contains a NUL byte"
                                      : "the spec is not valid UTF-8");
    }

  while (i < length)
    {
      guchar ch = (guchar) data[i];

      /* json-glib 1.6 leaks the nodes it built when text follows the
       * document, so refuse that here. */
      if (done && ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
        return scan_error (&pos, i, error,
                           "unexpected text after the end of the JSON document");

      switch (ch)
        {
        case '"':
          for (i++; i < length && data[i] != '"'; i++)
            {
              const char *bad;

              if ((guchar) data[i] < 0x20)
                return scan_error (&pos, i, error,
                                   "control character in a string (write it as an escape)");
              if (data[i] != '\\')
                continue;
              /* Only JSON's escapes: json-glib's GScanner also takes
               * octal escapes such as \333, which make invalid UTF-8. */
              bad = check_escape (data + i, length - i, &i);
              if (bad != NULL)
                return scan_error (&pos, i, error, bad);
            }
          i++;
          done = depth == 0;
          continue;

        case '\n':
          pos.line++;
          pos.line_start = i + 1;
          break;

        case ' ':
        case '\t':
        case '\r':
        case ',':
        case ':':
          break;

        case '[':
        case '{':
          if (++depth > SVFS_SPEC_MAX_DEPTH)
            {
              gsize line, column;

              scan_position (&pos, i, &line, &column);
              g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                           "JSON nesting deeper than %d levels at line %"
                           G_GSIZE_FORMAT ", column %" G_GSIZE_FORMAT,
                           SVFS_SPEC_MAX_DEPTH, line, column);
              return FALSE;
            }
          break;

        case ']':
        case '}':
          if (depth > 0 && --depth == 0)
            done = TRUE;
          break;

        default:
          if (is_word_char (ch))
            {
              gsize start = i;

              while (i < length && is_word_char ((guchar) data[i]))
                i++;
              const char *why = word_problem (data + start, i - start);

              if (why != NULL)
                return scan_error (&pos, start, error, why);
              done = depth == 0;
              continue;
            }
          else
            {
              g_autofree char *message = NULL;
              gunichar uc = g_utf8_get_char (data + i);

              if (uc >= 0x21 && uc < 0x7f)
                message = g_strdup_printf ("unexpected character '%c'", (char) uc);
              else
                message = g_strdup_printf ("unexpected character U+%04X", uc);
              return scan_error (&pos, i, error, message);
            }
        }
      i++;
    }

  return TRUE;
}

/* json-glib says "<data>:L:C: Parse error: REASON"; say "line L, column C:
 * REASON" like the rest of the library. */
static char *
reformat_parse_error (const char *message)
{
  const char *p = message;
  guint64 line, column;
  char *end;

  if (!g_str_has_prefix (p, "<data>:"))
    return g_strdup (message);
  p += strlen ("<data>:");
  line = g_ascii_strtoull (p, &end, 10);
  if (end == p || *end != ':')
    return g_strdup (message);
  p = end + 1;
  column = g_ascii_strtoull (p, &end, 10);
  if (end == p || *end != ':')
    return g_strdup (message);
  p = end + 1;
  while (*p == ' ')
    p++;
  if (g_str_has_prefix (p, "Parse error: "))
    p += strlen ("Parse error: ");

  return g_strdup_printf ("line %" G_GUINT64_FORMAT ", column %"
                          G_GUINT64_FORMAT ": %s", line, column, p);
}

JsonNode *
svfs_spec_parse_json_data (const char  *data,
                           gsize        length,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  /* json-glib refuses a NULL buffer without saying why. */
  if (length == 0)
    {
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                           "the spec is empty");
      return NULL;
    }

  if (!scan_limits (data, length, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_autofree char *message = NULL;

      if (local_error != NULL)
        message = reformat_parse_error (local_error->message);
      else
        message = g_strdup ("the spec could not be parsed");

      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC, message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                           "the spec is empty");
      return NULL;
    }

  return json_node_ref (root);
}

/* ------------------------------------------------------------------ */
/* Typed member access for validated trees                             */
/* ------------------------------------------------------------------ */

JsonNode *
svfs_json_get_member_of_type (JsonObject   *object,
                              const char   *name,
                              JsonNodeType  node_type)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, name);
  if (node == NULL || JSON_NODE_TYPE (node) != node_type)
    return NULL;
  return node;
}

static JsonNode *
get_value_member (JsonObject *object,
                  const char *name,
                  GType       value_type)
{
  JsonNode *node = svfs_json_get_member_of_type (object, name, JSON_NODE_VALUE);

  if (node == NULL || json_node_get_value_type (node) != value_type)
    return NULL;
  return node;
}

const char *
svfs_json_get_string_member (JsonObject *object,
                             const char *name,
                             const char *default_value)
{
  JsonNode *node = get_value_member (object, name, G_TYPE_STRING);

  return node != NULL ? json_node_get_string (node) : default_value;
}

gint64
svfs_json_get_int_member (JsonObject *object,
                          const char *name,
                          gint64      default_value)
{
  JsonNode *node = get_value_member (object, name, G_TYPE_INT64);

  return node != NULL ? json_node_get_int (node) : default_value;
}

gboolean
svfs_json_get_bool_member (JsonObject *object,
                           const char *name,
                           gboolean    default_value)
{
  JsonNode *node = get_value_member (object, name, G_TYPE_BOOLEAN);

  return node != NULL ? json_node_get_boolean (node) : default_value;
}

JsonObject *
svfs_json_get_object_member (JsonObject *object,
                             const char *name)
{
  JsonNode *node = svfs_json_get_member_of_type (object, name, JSON_NODE_OBJECT);

  return node != NULL ? json_node_get_object (node) : NULL;
}

JsonArray *
svfs_json_get_array_member (JsonObject *object,
                            const char *name)
{
  JsonNode *node = svfs_json_get_member_of_type (object, name, JSON_NODE_ARRAY);

  return node != NULL ? json_node_get_array (node) : NULL;
}

char **
svfs_json_array_dup_strv (JsonArray *array)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = array != NULL ? json_array_get_length (array) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (node));
    }

  return g_strv_builder_end (builder);
}

/* ------------------------------------------------------------------ */
/* The validator                                                       */
/* ------------------------------------------------------------------ */

typedef struct {
  GPtrArray *problems;
  GString   *path;
} Check;

typedef void (*CheckFunc) (Check    *c,
                           JsonNode *node);

typedef struct {
  const char *name;
  CheckFunc   check;
  gboolean    required;
} Field;

static void problem (Check      *c,
                     const char *format,
                     ...) G_GNUC_PRINTF (2, 3);

static void
problem (Check      *c,
         const char *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (c->problems,
                   g_strdup_printf ("%s: %s",
                                    c->path->len > 0 ? c->path->str : "$",
                                    message));
}

static gsize
push_member (Check      *c,
             const char *name)
{
  gsize len = c->path->len;

  if (len > 0)
    g_string_append_c (c->path, '.');
  g_string_append (c->path, name);
  return len;
}

static gsize
push_index (Check *c,
            guint  index)
{
  gsize len = c->path->len;

  g_string_append_printf (c->path, "[%u]", index);
  return len;
}

static gsize
push_key (Check      *c,
          const char *key)
{
  gsize len = c->path->len;

  g_string_append (c->path, "[\"");
  for (const char *p = key; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (c->path, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (c->path, "\\u%04x", (guint) (guchar) *p);
      else
        g_string_append_c (c->path, *p);
    }
  g_string_append (c->path, "\"]");
  return len;
}

static void
pop (Check *c,
     gsize  len)
{
  g_string_truncate (c->path, len);
}

/* Quotes a value from the spec for a message. */
static char *
quote (const char *value)
{
  g_autofree char *escaped = g_strescape (value, NULL);

  return g_strdup_printf ("\"%s\"", escaped);
}

/* -- scalar checks ------------------------------------------------- */

static JsonObject *
want_object (Check    *c,
             JsonNode *node)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      problem (c, "expected an object");
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonArray *
want_array (Check    *c,
            JsonNode *node)
{
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      problem (c, "expected an array");
      return NULL;
    }
  return json_node_get_array (node);
}

static const char *
want_string (Check    *c,
             JsonNode *node)
{
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      problem (c, "expected a string");
      return NULL;
    }
  return json_node_get_string (node);
}

static gboolean
want_int (Check    *c,
          JsonNode *node,
          gint64   *value)
{
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    {
      problem (c, "expected an integer");
      return FALSE;
    }
  *value = json_node_get_int (node);
  return TRUE;
}

static gboolean
want_uint32 (Check    *c,
             JsonNode *node,
             guint32  *value)
{
  gint64 v;

  if (!want_int (c, node, &v))
    return FALSE;
  if (v < 0 || v > G_MAXUINT32)
    {
      problem (c, "out of range for a 32-bit unsigned integer");
      return FALSE;
    }
  *value = (guint32) v;
  return TRUE;
}

static void
check_string (Check    *c,
              JsonNode *node)
{
  want_string (c, node);
}

static void
check_bool (Check    *c,
            JsonNode *node)
{
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    problem (c, "expected a boolean");
}

static void
check_uint32 (Check    *c,
              JsonNode *node)
{
  guint32 v;

  want_uint32 (c, node, &v);
}

static void
check_nonempty_string (Check    *c,
                       JsonNode *node)
{
  const char *s = want_string (c, node);

  if (s != NULL && *s == '\0')
    problem (c, "must not be empty");
}

static void
check_absolute_path (Check    *c,
                     JsonNode *node)
{
  const char *s = want_string (c, node);

  if (s != NULL && !g_path_is_absolute (s))
    problem (c, "must be an absolute path");
}

static void
check_object (Check    *c,
              JsonNode *node)
{
  want_object (c, node);
}

/* -- containers ------------------------------------------------------ */

static void
check_array_of (Check     *c,
                JsonNode  *node,
                CheckFunc  check)
{
  JsonArray *array = want_array (c, node);
  guint n = array != NULL ? json_array_get_length (array) : 0;

  for (guint i = 0; i < n; i++)
    {
      gsize len = push_index (c, i);

      check (c, json_array_get_element (array, i));
      pop (c, len);
    }
}

static void
check_string_array (Check    *c,
                    JsonNode *node)
{
  check_array_of (c, node, check_string);
}

static void
check_uint32_array (Check    *c,
                    JsonNode *node)
{
  check_array_of (c, node, check_uint32);
}

static void
check_absolute_path_array (Check    *c,
                           JsonNode *node)
{
  check_array_of (c, node, check_absolute_path);
}

static void
check_string_map (Check    *c,
                  JsonNode *node)
{
  JsonObject *object = want_object (c, node);
  g_autoptr(GList) members = NULL;

  if (object == NULL)
    return;

  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      gsize len = push_key (c, key);

      want_string (c, json_object_get_member (object, key));
      pop (c, len);
    }
}

/* Walks @node as an object: each known member in document order, then a
 * "missing" line for each absent required member.  Unknown members are
 * accepted; a null optional member counts as absent. */
static JsonObject *
check_fields (Check       *c,
              JsonNode    *node,
              const Field *fields,
              gsize        n_fields)
{
  JsonObject *object = want_object (c, node);
  g_autoptr(GList) members = NULL;

  if (object == NULL)
    return NULL;

  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      for (gsize i = 0; i < n_fields; i++)
        {
          JsonNode *member;
          gsize len;

          if (strcmp (fields[i].name, name) != 0)
            continue;

          member = json_object_get_member (object, name);
          if (JSON_NODE_HOLDS_NULL (member) && !fields[i].required)
            break;

          len = push_member (c, name);
          fields[i].check (c, member);
          pop (c, len);
          break;
        }
    }

  for (gsize i = 0; i < n_fields; i++)
    {
      if (fields[i].required && !json_object_has_member (object, fields[i].name))
        {
          gsize len = push_member (c, fields[i].name);

          problem (c, "missing");
          pop (c, len);
        }
    }

  return object;
}

/* Reports "missing" for @name when @object lacks it; for rules that
 * depend on other members. */
static void
require_member (Check      *c,
                JsonObject *object,
                const char *name)
{
  if (!json_object_has_member (object, name))
    {
      gsize len = push_member (c, name);

      problem (c, "missing");
      pop (c, len);
    }
}

/* -- id mappings ----------------------------------------------------- */

static const Field id_mapping_fields[] = {
  { "containerID", check_uint32, TRUE },
  { "hostID", check_uint32, TRUE },
  { "size", check_uint32, TRUE },
};

static void
check_id_mapping (Check    *c,
                  JsonNode *node)
{
  check_fields (c, node, id_mapping_fields, G_N_ELEMENTS (id_mapping_fields));
}

static void
check_id_mappings (Check    *c,
                   JsonNode *node)
{
  check_array_of (c, node, check_id_mapping);
}

/* -- root ------------------------------------------------------------ */

static const Field root_fields[] = {
  { "path", check_nonempty_string, TRUE },
  { "readonly", check_bool, FALSE },
};

static void
check_root (Check    *c,
            JsonNode *node)
{
  check_fields (c, node, root_fields, G_N_ELEMENTS (root_fields));
}

/* -- mounts ---------------------------------------------------------- */

static const Field mount_fields[] = {
  { "destination", check_absolute_path, TRUE },
  { "type", check_string, FALSE },
  { "source", check_string, FALSE },
  { "options", check_string_array, FALSE },
  { "uidMappings", check_id_mappings, FALSE },
  { "gidMappings", check_id_mappings, FALSE },
};

static void
check_mount (Check    *c,
             JsonNode *node)
{
  check_fields (c, node, mount_fields, G_N_ELEMENTS (mount_fields));
}

static void
check_mounts (Check    *c,
              JsonNode *node)
{
  check_array_of (c, node, check_mount);
}

/* -- process --------------------------------------------------------- */

static void
check_env_entry (Check    *c,
                 JsonNode *node)
{
  const char *s = want_string (c, node);

  if (s != NULL)
    {
      const char *eq = strchr (s, '=');

      if (eq == NULL || eq == s)
        problem (c, "must have the form KEY=VALUE");
    }
}

static void
check_env (Check    *c,
           JsonNode *node)
{
  check_array_of (c, node, check_env_entry);
}

static const Field user_fields[] = {
  { "uid", check_uint32, FALSE },
  { "gid", check_uint32, FALSE },
  { "umask", check_uint32, FALSE },
  { "additionalGids", check_uint32_array, FALSE },
  { "username", check_string, FALSE },
};

static void
check_user (Check    *c,
            JsonNode *node)
{
  check_fields (c, node, user_fields, G_N_ELEMENTS (user_fields));
}

static const Field process_fields[] = {
  { "terminal", check_bool, FALSE },
  { "user", check_user, FALSE },
  { "args", check_string_array, TRUE },
  { "commandLine", check_string, FALSE },
  { "env", check_env, FALSE },
  { "cwd", check_absolute_path, TRUE },
  { "noNewPrivileges", check_bool, FALSE },
  { "apparmorProfile", check_string, FALSE },
  { "selinuxLabel", check_string, FALSE },
};

static void
check_process (Check    *c,
               JsonNode *node)
{
  check_fields (c, node, process_fields, G_N_ELEMENTS (process_fields));
}

/* -- hooks ----------------------------------------------------------- */

static void
check_hook_timeout (Check    *c,
                    JsonNode *node)
{
  gint64 v;

  if (want_int (c, node, &v) && v <= 0)
    problem (c, "must be greater than 0");
}

static const Field hook_fields[] = {
  { "path", check_absolute_path, TRUE },
  { "args", check_string_array, FALSE },
  { "env", check_string_array, FALSE },
  { "timeout", check_hook_timeout, FALSE },
};

static void
check_hook (Check    *c,
            JsonNode *node)
{
  check_fields (c, node, hook_fields, G_N_ELEMENTS (hook_fields));
}

static void
check_hook_list (Check    *c,
                 JsonNode *node)
{
  check_array_of (c, node, check_hook);
}

static const Field hooks_fields[] = {
  { "prestart", check_hook_list, FALSE },
  { "createRuntime", check_hook_list, FALSE },
  { "createContainer", check_hook_list, FALSE },
  { "startContainer", check_hook_list, FALSE },
  { "poststart", check_hook_list, FALSE },
  { "poststop", check_hook_list, FALSE },
};

static void
check_hooks (Check    *c,
             JsonNode *node)
{
  check_fields (c, node, hooks_fields, G_N_ELEMENTS (hooks_fields));
}

/* -- annotations ----------------------------------------------------- */

static void
check_annotations (Check    *c,
                   JsonNode *node)
{
  g_autoptr(GHashTable) table = NULL;
  g_autoptr(GList) members = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsPodMountHints) hints = NULL;
  g_autoptr(SvfsRootfsHint) rootfs_hint = NULL;
  JsonObject *object;

  check_string_map (c, node);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return;

  /* The gVisor hints are read from the string annotations only. */
  object = json_node_get_object (node);
  table = g_hash_table_new (g_str_hash, g_str_equal);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *value = svfs_json_get_string_member (object, l->data, NULL);

      if (value != NULL)
        g_hash_table_insert (table, l->data, (gpointer) value);
    }

  hints = svfs_pod_mount_hints_new_from_annotations (table, NULL, &error);
  if (error != NULL)
    problem (c, "%s", error->message);
  g_clear_error (&error);

  rootfs_hint = svfs_rootfs_hint_new_from_annotations (table, &error);
  if (error != NULL)
    problem (c, "%s", error->message);
}

/* -- linux ----------------------------------------------------------- */

static const char * const namespace_types[] = {
  "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time", NULL,
};

static void
check_namespace_type (Check    *c,
                      JsonNode *node)
{
  const char *s = want_string (c, node);

  if (s != NULL && !g_strv_contains (namespace_types, s))
    {
      g_autofree char *q = quote (s);

      problem (c, "invalid namespace type %s", q);
    }
}

static const Field namespace_fields[] = {
  { "type", check_namespace_type, TRUE },
  { "path", check_absolute_path, FALSE },
};

static void
check_namespaces (Check    *c,
                  JsonNode *node)
{
  JsonArray *array = want_array (c, node);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = array != NULL ? json_array_get_length (array) : 0;

  for (guint i = 0; i < n; i++)
    {
      gsize len = push_index (c, i);
      JsonObject *object = check_fields (c, json_array_get_element (array, i),
                                         namespace_fields,
                                         G_N_ELEMENTS (namespace_fields));
      const char *type = svfs_json_get_string_member (object, "type", NULL);

      if (type != NULL && g_strv_contains (namespace_types, type) &&
          !g_hash_table_add (seen, (gpointer) type))
        {
          g_autofree char *q = quote (type);

          push_member (c, "type");
          problem (c, "duplicate namespace type %s", q);
        }
      pop (c, len);
    }
}

static void
check_device_type (Check    *c,
                   JsonNode *node)
{
  const char *s = want_string (c, node);

  if (s != NULL &&
      strcmp (s, "b") != 0 && strcmp (s, "c") != 0 &&
      strcmp (s, "u") != 0 && strcmp (s, "p") != 0)
    {
      g_autofree char *q = quote (s);

      problem (c, "invalid type %s (expected b, c, u or p)", q);
    }
}

static void
check_device_number (Check    *c,
                     JsonNode *node)
{
  gint64 v;

  if (want_int (c, node, &v) && v < 0)
    problem (c, "must not be negative");
}

static void
check_file_mode (Check    *c,
                 JsonNode *node)
{
  guint32 v;

  if (want_uint32 (c, node, &v) && v > 07777)
    problem (c, "must be permission bits, at most 07777 (4095), not %u", v);
}

static const Field device_fields[] = {
  { "path", check_absolute_path, TRUE },
  { "type", check_device_type, TRUE },
  { "major", check_device_number, FALSE },
  { "minor", check_device_number, FALSE },
  { "fileMode", check_file_mode, FALSE },
  { "uid", check_uint32, FALSE },
  { "gid", check_uint32, FALSE },
};

static void
check_device (Check    *c,
              JsonNode *node)
{
  JsonObject *object = check_fields (c, node, device_fields,
                                     G_N_ELEMENTS (device_fields));
  const char *type = svfs_json_get_string_member (object, "type", NULL);

  /* A FIFO has no device numbers; the others need both. */
  if (type != NULL &&
      (strcmp (type, "b") == 0 || strcmp (type, "c") == 0 ||
       strcmp (type, "u") == 0))
    {
      require_member (c, object, "major");
      require_member (c, object, "minor");
    }
}

static void
check_devices (Check    *c,
               JsonNode *node)
{
  check_array_of (c, node, check_device);
}

/* -- CDI deviceNodes (the Container Device Interface spec) ----------- */

/* "" is no type, as the Go CDI package reads it: it comes from the host. */
static void
check_cdi_device_type (Check    *c,
                       JsonNode *node)
{
  const char *s = want_string (c, node);

  if (s != NULL && *s != '\0')
    check_device_type (c, node);
}

static void
check_cdi_permissions (Check    *c,
                       JsonNode *node)
{
  const char *s = want_string (c, node);

  if (s != NULL && s[strspn (s, "rwm")] != '\0')
    {
      g_autofree char *q = quote (s);

      problem (c, "invalid permissions %s (expected some of r, w and m)", q);
    }
}

/* The schema's types: major and minor int64, fileMode an os.FileMode (here
 * only permission bits), uid and gid uint32. */
static const Field cdi_device_node_fields[] = {
  { "path", check_absolute_path, TRUE },
  { "hostPath", check_absolute_path, FALSE },
  { "type", check_cdi_device_type, FALSE },
  { "major", check_device_number, FALSE },
  { "minor", check_device_number, FALSE },
  { "fileMode", check_file_mode, FALSE },
  { "permissions", check_cdi_permissions, FALSE },
  { "uid", check_uint32, FALSE },
  { "gid", check_uint32, FALSE },
};

static void
check_cdi_device_node (Check    *c,
                       JsonNode *node)
{
  check_fields (c, node, cdi_device_node_fields, G_N_ELEMENTS (cdi_device_node_fields));
}

static void
check_cdi_device_nodes (Check    *c,
                        JsonNode *node)
{
  check_array_of (c, node, check_cdi_device_node);
}

/* Only what the registry uses; other edits (env, mounts, hooks) are not
 * read, so not checked. */
static const Field cdi_container_edits_fields[] = {
  { "deviceNodes", check_cdi_device_nodes, FALSE },
};

GPtrArray *
svfs_cdi_check_container_edits (JsonObject *owner,
                                const char *json_path)
{
  g_autoptr(GString) path = NULL;
  Check c;
  JsonNode *edits;

  g_return_val_if_fail (owner != NULL, NULL);

  path = g_string_new (json_path);
  c = (Check) { g_ptr_array_new_with_free_func (g_free), path };
  edits = json_object_get_member (owner, "containerEdits");
  if (edits != NULL && !JSON_NODE_HOLDS_NULL (edits))
    {
      gsize len = push_member (&c, "containerEdits");

      check_fields (&c, edits, cdi_container_edits_fields,
                    G_N_ELEMENTS (cdi_container_edits_fields));
      pop (&c, len);
    }
  return c.problems;
}

static void
check_rootfs_propagation (Check    *c,
                          JsonNode *node)
{
  static const char * const allowed[] = {
    "private", "rprivate", "slave", "rslave", NULL,
  };
  const char *s = want_string (c, node);

  /* "" is unset, as runsc and runc read it (Go cannot tell it from an
   * absent member). */
  if (s != NULL && *s != '\0' && !g_strv_contains (allowed, s))
    {
      g_autofree char *q = quote (s);

      /* gVisor's wording, so its users recognise it. */
      problem (c, "root mount propagation option must specify private or slave, not %s", q);
    }
}

static const Field linux_fields[] = {
  { "namespaces", check_namespaces, FALSE },
  { "uidMappings", check_id_mappings, FALSE },
  { "gidMappings", check_id_mappings, FALSE },
  { "devices", check_devices, FALSE },
  { "cgroupsPath", check_string, FALSE },
  { "resources", check_object, FALSE },
  { "rootfsPropagation", check_rootfs_propagation, FALSE },
  { "sysctl", check_string_map, FALSE },
  { "maskedPaths", check_absolute_path_array, FALSE },
  { "readonlyPaths", check_absolute_path_array, FALSE },
  { "mountLabel", check_string, FALSE },
};

static void
check_linux (Check    *c,
             JsonNode *node)
{
  check_fields (c, node, linux_fields, G_N_ELEMENTS (linux_fields));
}

/* -- top level ------------------------------------------------------- */

static const Field spec_fields[] = {
  { "ociVersion", check_string, TRUE },
  { "root", check_root, TRUE },
  { "mounts", check_mounts, FALSE },
  { "process", check_process, FALSE },
  { "hostname", check_string, FALSE },
  { "domainname", check_string, FALSE },
  { "hooks", check_hooks, FALSE },
  { "annotations", check_annotations, FALSE },
  { "linux", check_linux, FALSE },
};

GPtrArray *
svfs_spec_check_node (JsonNode *root)
{
  g_autoptr(GString) path = g_string_new (NULL);
  Check c = { g_ptr_array_new_with_free_func (g_free), path };

  g_return_val_if_fail (root != NULL, NULL);

  check_fields (&c, root, spec_fields, G_N_ELEMENTS (spec_fields));
  return c.problems;
}
