/* svfs-yaml.c: a YAML document as a json-glib tree
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libyaml's event parser drives a small tree builder: each open mapping or
 * sequence is a frame on a stack that owns its node until the collection
 * ends and the node moves into its parent.  Aliases are never shared
 * nodes: the anchored node is copied, and the copies are counted so that
 * nested aliases cannot blow up ("billion laughs").  See
 * svfs-yaml-private.h for the conversion rules.
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <yaml.h>

#include "svfs-error.h"
#include "svfs-yaml-private.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

/* A finished node: how many nodes its tree has and how many collection
 * levels it spans (0 for a scalar). */
typedef struct {
  JsonNode *node;
  gsize     count;
  guint     height;
} Value;

typedef struct {
  JsonNode   *node;           /* owned until the collection ends */
  char       *anchor;
  yaml_mark_t start;
  gsize       count;
  guint       height;
  gboolean    strings;        /* scalar children are kept as strings */
  /* mappings only */
  char       *key;            /* the key waiting for its value */
  gboolean    key_is_merge;
  gboolean    has_merge;
  JsonObject *merged;         /* members from << keys, applied at the end */
} Frame;

typedef struct {
  const char         *data;
  gsize               length;
  const char * const *string_keys;
  GArray             *stack;          /* Frame */
  GHashTable         *anchors;        /* name → Value * */
  gsize               alias_nodes;
  JsonNode           *root;
  gboolean            have_document;
} Builder;

static void
value_free (Value *value)
{
  json_node_unref (value->node);
  g_free (value);
}

static void
frame_clear (Frame *frame)
{
  g_clear_pointer (&frame->node, json_node_unref);
  g_clear_pointer (&frame->anchor, g_free);
  g_clear_pointer (&frame->key, g_free);
  g_clear_pointer (&frame->merged, json_object_unref);
}

static Frame *
top (Builder *b)
{
  return b->stack->len > 0 ? &g_array_index (b->stack, Frame, b->stack->len - 1) : NULL;
}

static void G_GNUC_PRINTF (4, 5)
set_error_at (GError            **error,
              SvfsError           code,
              const yaml_mark_t  *mark,
              const char         *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SVFS_ERROR, code, "line %" G_GSIZE_FORMAT ", column %" G_GSIZE_FORMAT ": %s",
               (gsize) mark->line + 1, (gsize) mark->column + 1, message);
}

static void
set_parser_error (Builder             *b,
                  const yaml_parser_t *parser,
                  GError             **error)
{
  const char *problem = parser->problem != NULL ? parser->problem : "cannot parse the YAML";

  if (parser->error == YAML_READER_ERROR)
    {
      /* No mark: count the lines up to the bad byte. */
      yaml_mark_t mark = { 0, 0, 0 };
      gsize offset = MIN (parser->problem_offset, b->length);

      for (gsize i = 0; i < offset; i++)
        {
          if (b->data[i] == '\n')
            {
              mark.line++;
              mark.column = 0;
            }
          else
            mark.column++;
        }
      if (parser->problem_value != -1)
        set_error_at (error, SVFS_ERROR_INVALID_SPEC, &mark, "%s (0x%x)", problem,
                      (unsigned) parser->problem_value);
      else
        set_error_at (error, SVFS_ERROR_INVALID_SPEC, &mark, "%s", problem);
    }
  else if (parser->context != NULL)
    set_error_at (error, SVFS_ERROR_INVALID_SPEC, &parser->problem_mark,
                  "%s (%s at line %" G_GSIZE_FORMAT ", column %" G_GSIZE_FORMAT ")", problem,
                  parser->context, (gsize) parser->context_mark.line + 1,
                  (gsize) parser->context_mark.column + 1);
  else
    set_error_at (error, SVFS_ERROR_INVALID_SPEC, &parser->problem_mark, "%s", problem);
}

/* Scalars ------------------------------------------------------------- */

static gboolean
all_digits (const char *text,
            const char *digits)
{
  if (*text == '\0')
    return FALSE;
  for (; *text != '\0'; text++)
    if (strchr (digits, *text) == NULL)
      return FALSE;
  return TRUE;
}

typedef enum {
  NUMBER_NONE,      /* not an integer */
  NUMBER_OK,
  NUMBER_RANGE,     /* an integer beyond gint64 */
} NumberResult;

/* [-+]? then 0x…, 0o…, 0b…, 0[0-7]+ (YAML 1.1 octal) or decimal. */
static NumberResult
resolve_int (const char *text,
             gint64     *out)
{
  gboolean negative = FALSE;
  const char *digits;
  guint base;
  guint64 magnitude;

  if (*text == '-' || *text == '+')
    negative = *text++ == '-';

  if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    {
      base = 16;
      digits = text + 2;
      if (!all_digits (digits, "0123456789abcdefABCDEF"))
        return NUMBER_NONE;
    }
  else if (text[0] == '0' && text[1] == 'o')
    {
      base = 8;
      digits = text + 2;
      if (!all_digits (digits, "01234567"))
        return NUMBER_NONE;
    }
  else if (text[0] == '0' && text[1] == 'b')
    {
      base = 2;
      digits = text + 2;
      if (!all_digits (digits, "01"))
        return NUMBER_NONE;
    }
  else if (text[0] == '0' && text[1] != '\0')
    {
      /* 0666 is octal in YAML 1.1 (and Go's YAML); 09 is neither. */
      base = 8;
      digits = text + 1;
      if (!all_digits (digits, "01234567"))
        return NUMBER_NONE;
    }
  else
    {
      base = 10;
      digits = text;
      if (!all_digits (digits, "0123456789"))
        return NUMBER_NONE;
    }

  if (!g_ascii_string_to_unsigned (digits, base, 0, G_MAXUINT64, &magnitude, NULL))
    return NUMBER_RANGE;
  if (negative ? magnitude > (guint64) G_MAXINT64 + 1 : magnitude > (guint64) G_MAXINT64)
    return NUMBER_RANGE;
  if (!negative)
    *out = (gint64) magnitude;
  else if (magnitude == (guint64) G_MAXINT64 + 1)
    *out = G_MININT64;
  else
    *out = -(gint64) magnitude;
  return NUMBER_OK;
}

/* YAML 1.2 core floats with a dot or an exponent (digits alone are
 * integers above); .inf and .nan have no JSON form and stay strings. */
static gboolean
resolve_float (const char *text,
               double     *out)
{
  const char *p = text;
  gboolean mantissa = FALSE, dot = FALSE, exponent = FALSE;
  char *end = NULL;

  if (*p == '-' || *p == '+')
    p++;
  for (; g_ascii_isdigit (*p); p++)
    mantissa = TRUE;
  if (*p == '.')
    {
      dot = TRUE;
      for (p++; g_ascii_isdigit (*p); p++)
        mantissa = TRUE;
    }
  if (!mantissa)
    return FALSE;
  if (*p == 'e' || *p == 'E')
    {
      exponent = TRUE;
      p++;
      if (*p == '-' || *p == '+')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p != '\0' || (!dot && !exponent))
    return FALSE;
  *out = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0' && isfinite (*out);
}

static gboolean
is_null (const char *text)
{
  return *text == '\0' || g_str_equal (text, "~") || g_str_equal (text, "null") ||
         g_str_equal (text, "Null") || g_str_equal (text, "NULL");
}

static gboolean
resolve_bool (const char *text,
              gboolean   *out)
{
  if (g_str_equal (text, "true") || g_str_equal (text, "True") || g_str_equal (text, "TRUE"))
    *out = TRUE;
  else if (g_str_equal (text, "false") || g_str_equal (text, "False") || g_str_equal (text, "FALSE"))
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

static JsonNode *
string_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return node;
}

/* The node of a scalar event; @text has no NUL inside. */
static JsonNode *
scalar_node (const yaml_event_t  *event,
             const char          *text,
             gboolean             keep_string,
             GError             **error)
{
  const char *tag = (const char *) event->data.scalar.tag;
  gboolean plain = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
  const char *type = NULL;    /* the core type asked for by a tag */
  JsonNode *node;
  gint64 integer;
  double number;
  gboolean boolean;
  NumberResult result;

  if (tag != NULL && !g_str_equal (tag, "!"))
    {
      if (!g_str_has_prefix (tag, TAG_PREFIX) ||
          !g_strv_contains ((const char * const[]) { "str", "int", "float", "bool", "null", NULL },
                            tag + strlen (TAG_PREFIX)))
        {
          set_error_at (error, SVFS_ERROR_INVALID_SPEC, &event->start_mark,
                        "unsupported tag %s on a scalar", tag);
          return NULL;
        }
      type = tag + strlen (TAG_PREFIX);
    }

  /* Quoted, block and "!"-tagged scalars, and schema strings, are text. */
  if (type == NULL && (!plain || tag != NULL || keep_string))
    return string_node (text);
  if (g_strcmp0 (type, "str") == 0)
    return string_node (text);

  if ((type == NULL || g_str_equal (type, "null")) && is_null (text))
    return json_node_new (JSON_NODE_NULL);
  if ((type == NULL || g_str_equal (type, "bool")) && resolve_bool (text, &boolean))
    {
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, boolean);
      return node;
    }
  if (type == NULL || g_str_equal (type, "int") || g_str_equal (type, "float"))
    {
      result = resolve_int (text, &integer);
      if (result == NUMBER_RANGE)
        {
          set_error_at (error, SVFS_ERROR_INVALID_SPEC, &event->start_mark,
                        "integer %s is out of range", text);
          return NULL;
        }
      if (result == NUMBER_OK)
        {
          node = json_node_new (JSON_NODE_VALUE);
          if (g_strcmp0 (type, "float") == 0)
            json_node_set_double (node, (double) integer);
          else
            json_node_set_int (node, integer);
          return node;
        }
    }
  if ((type == NULL || g_str_equal (type, "float")) && resolve_float (text, &number))
    {
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_double (node, number);
      return node;
    }
  if (type == NULL)
    return string_node (text);

  set_error_at (error, SVFS_ERROR_INVALID_SPEC, &event->start_mark,
                "\"%s\" is not a valid !!%s", text, type);
  return NULL;
}

/* Tree building -------------------------------------------------------- */

/* A copy that shares nothing with @node. */
static JsonNode *
deep_copy (JsonNode *node)
{
  JsonNode *copy;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          json_object_set_member (object, name, deep_copy (member));
        copy = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (copy, object);
        return copy;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *source = json_node_get_array (node);
        JsonArray *array = json_array_sized_new (json_array_get_length (source));

        for (guint i = 0; i < json_array_get_length (source); i++)
          json_array_add_element (array, deep_copy (json_array_get_element (source, i)));
        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (copy, array);
        return copy;
      }
    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

static void
merge_object (JsonObject *merged,
              JsonObject *source)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  /* The first mapping to name a key wins. */
  json_object_iter_init_ordered (&iter, source);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    if (!json_object_has_member (merged, name))
      json_object_set_member (merged, name, deep_copy (member));
}

/* Records @value under @anchor (a later anchor of the same name wins). */
static void
define_anchor (Builder    *b,
               const char *anchor,
               const Value *value)
{
  Value *copy;

  if (anchor == NULL)
    return;
  copy = g_new (Value, 1);
  *copy = *value;
  copy->node = json_node_ref (value->node);
  g_hash_table_replace (b->anchors, g_strdup (anchor), copy);
}

/* Moves @value (owned) into the open collection, or makes it the root. */
static gboolean
add_value (Builder            *b,
           Value               value,
           const yaml_mark_t  *mark,
           GError            **error)
{
  Frame *frame = top (b);

  if (frame == NULL)
    {
      b->root = value.node;
      return TRUE;
    }

  frame->count += value.count;
  frame->height = MAX (frame->height, value.height + 1);

  if (JSON_NODE_HOLDS_ARRAY (frame->node))
    {
      json_array_add_element (json_node_get_array (frame->node), value.node);
      return TRUE;
    }

  g_assert (frame->key != NULL);
  if (frame->key_is_merge)
    {
      gboolean ok = TRUE;

      if (frame->merged == NULL)
        frame->merged = json_object_new ();
      if (JSON_NODE_HOLDS_OBJECT (value.node))
        merge_object (frame->merged, json_node_get_object (value.node));
      else if (JSON_NODE_HOLDS_ARRAY (value.node))
        {
          JsonArray *array = json_node_get_array (value.node);

          for (guint i = 0; ok && i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);

              if (JSON_NODE_HOLDS_OBJECT (element))
                merge_object (frame->merged, json_node_get_object (element));
              else
                ok = FALSE;
            }
        }
      else
        ok = FALSE;
      json_node_unref (value.node);
      g_clear_pointer (&frame->key, g_free);
      frame->key_is_merge = FALSE;
      if (!ok)
        set_error_at (error, SVFS_ERROR_INVALID_SPEC, mark,
                      "the value of a merge key (<<) must be a mapping or a sequence of mappings");
      return ok;
    }

  json_object_set_member (json_node_get_object (frame->node), frame->key, value.node);
  g_clear_pointer (&frame->key, g_free);
  return TRUE;
}

/* Whether the value added now is that of a member named in string_keys. */
static gboolean
under_string_key (Builder *b)
{
  Frame *frame = top (b);

  return frame != NULL && frame->key != NULL && b->string_keys != NULL &&
         g_strv_contains (b->string_keys, frame->key);
}

/* Whether a scalar added now is a schema string: the value of such a
 * member, or a direct child of such a member's sequence or mapping. */
static gboolean
in_string_context (Builder *b)
{
  Frame *frame = top (b);

  return (frame != NULL && frame->strings) || under_string_key (b);
}

static gboolean
expecting_key (Builder *b)
{
  Frame *frame = top (b);

  return frame != NULL && JSON_NODE_HOLDS_OBJECT (frame->node) && frame->key == NULL;
}

static gboolean
on_scalar (Builder            *b,
           const yaml_event_t *event,
           GError            **error)
{
  const char *text = (const char *) event->data.scalar.value;
  gsize length = event->data.scalar.length;
  const char *anchor = (const char *) event->data.scalar.anchor;
  Value value = { NULL, 1, 0 };

  if (memchr (text, '\0', length) != NULL)
    {
      set_error_at (error, SVFS_ERROR_INVALID_SPEC, &event->start_mark,
                    "a scalar contains a NUL character");
      return FALSE;
    }

  if (expecting_key (b))
    {
      Frame *frame = top (b);
      gboolean merge = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                       event->data.scalar.tag == NULL && g_str_equal (text, "<<");

      if (merge ? frame->has_merge : json_object_has_member (json_node_get_object (frame->node), text))
        {
          set_error_at (error, SVFS_ERROR_INVALID_SPEC, &event->start_mark,
                        "duplicate key \"%s\"", text);
          return FALSE;
        }
      frame->key = g_strdup (text);
      frame->key_is_merge = merge;
      frame->has_merge |= merge;
      if (anchor != NULL)
        {
          value.node = string_node (text);
          define_anchor (b, anchor, &value);
          json_node_unref (value.node);
        }
      return TRUE;
    }

  value.node = scalar_node (event, text, in_string_context (b), error);
  if (value.node == NULL)
    return FALSE;
  define_anchor (b, anchor, &value);
  return add_value (b, value, &event->start_mark, error);
}

static gboolean
on_alias (Builder            *b,
          const yaml_event_t *event,
          GError            **error)
{
  const char *anchor = (const char *) event->data.alias.anchor;
  Value *target;
  Value value;

  if (expecting_key (b))
    {
      set_error_at (error, SVFS_ERROR_INVALID_SPEC, &event->start_mark,
                    "an alias cannot be a mapping key");
      return FALSE;
    }

  target = g_hash_table_lookup (b->anchors, anchor);
  if (target == NULL)
    {
      for (guint i = 0; i < b->stack->len; i++)
        if (g_strcmp0 (g_array_index (b->stack, Frame, i).anchor, anchor) == 0)
          {
            set_error_at (error, SVFS_ERROR_INVALID_SPEC, &event->start_mark,
                          "alias *%s is inside the node it refers to", anchor);
            return FALSE;
          }
      set_error_at (error, SVFS_ERROR_INVALID_SPEC, &event->start_mark,
                    "undefined alias *%s", anchor);
      return FALSE;
    }

  if (target->count > SVFS_YAML_MAX_ALIAS_NODES - b->alias_nodes)
    {
      set_error_at (error, SVFS_ERROR_LIMIT_EXCEEDED, &event->start_mark,
                    "aliases expand to more than %d nodes", SVFS_YAML_MAX_ALIAS_NODES);
      return FALSE;
    }
  if (b->stack->len + target->height > SVFS_YAML_MAX_DEPTH)
    {
      set_error_at (error, SVFS_ERROR_LIMIT_EXCEEDED, &event->start_mark,
                    "alias *%s nests deeper than %d levels", anchor, SVFS_YAML_MAX_DEPTH);
      return FALSE;
    }
  b->alias_nodes += target->count;

  value = *target;
  value.node = deep_copy (target->node);
  return add_value (b, value, &event->start_mark, error);
}

static gboolean
on_collection_start (Builder            *b,
                     const yaml_event_t *event,
                     GError            **error)
{
  gboolean mapping = event->type == YAML_MAPPING_START_EVENT;
  const char *tag = (const char *) (mapping ? event->data.mapping_start.tag
                                            : event->data.sequence_start.tag);
  const char *anchor = (const char *) (mapping ? event->data.mapping_start.anchor
                                               : event->data.sequence_start.anchor);
  const char *core = mapping ? TAG_PREFIX "map" : TAG_PREFIX "seq";
  Frame frame = { 0 };

  if (expecting_key (b))
    {
      set_error_at (error, SVFS_ERROR_INVALID_SPEC, &event->start_mark,
                    "a mapping key must be a scalar");
      return FALSE;
    }
  if (tag != NULL && !g_str_equal (tag, "!") && !g_str_equal (tag, core))
    {
      set_error_at (error, SVFS_ERROR_INVALID_SPEC, &event->start_mark,
                    "unsupported tag %s on a %s", tag, mapping ? "mapping" : "sequence");
      return FALSE;
    }
  if (b->stack->len >= SVFS_YAML_MAX_DEPTH)
    {
      set_error_at (error, SVFS_ERROR_LIMIT_EXCEEDED, &event->start_mark,
                    "nested deeper than %d levels", SVFS_YAML_MAX_DEPTH);
      return FALSE;
    }

  frame.strings = under_string_key (b);
  frame.node = json_node_new (mapping ? JSON_NODE_OBJECT : JSON_NODE_ARRAY);
  if (mapping)
    json_node_take_object (frame.node, json_object_new ());
  else
    json_node_take_array (frame.node, json_array_new ());
  frame.anchor = g_strdup (anchor);
  frame.start = event->start_mark;
  frame.count = 1;
  frame.height = 1;
  g_array_append_val (b->stack, frame);
  return TRUE;
}

static gboolean
on_collection_end (Builder            *b,
                   const yaml_event_t *event,
                   GError            **error)
{
  Frame *last = top (b);
  Frame frame = *last;
  Value value;
  gboolean ok;

  /* The frame's pointers move here (shrinking the array clears the
   * element it drops). */
  memset (last, 0, sizeof *last);
  g_array_set_size (b->stack, b->stack->len - 1);

  if (frame.merged != NULL)
    {
      JsonObject *object = json_node_get_object (frame.node);
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      /* Keys of the mapping itself win over merged ones. */
      json_object_iter_init_ordered (&iter, frame.merged);
      while (json_object_iter_next_ordered (&iter, &name, &member))
        if (!json_object_has_member (object, name))
          json_object_set_member (object, name, json_node_ref (member));
    }

  value.node = g_steal_pointer (&frame.node);
  value.count = frame.count;
  value.height = frame.height;
  define_anchor (b, frame.anchor, &value);
  ok = add_value (b, value, &frame.start, error);
  frame_clear (&frame);
  return ok;
}

static gboolean
on_event (Builder            *b,
          const yaml_event_t *event,
          GError            **error)
{
  switch (event->type)
    {
    case YAML_DOCUMENT_START_EVENT:
      if (b->have_document)
        {
          set_error_at (error, SVFS_ERROR_INVALID_SPEC, &event->start_mark,
                        "a second YAML document (only one is read)");
          return FALSE;
        }
      b->have_document = TRUE;
      return TRUE;
    case YAML_SCALAR_EVENT:
      return on_scalar (b, event, error);
    case YAML_ALIAS_EVENT:
      return on_alias (b, event, error);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
      return on_collection_start (b, event, error);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      return on_collection_end (b, event, error);
    case YAML_NO_EVENT:
    case YAML_STREAM_START_EVENT:
    case YAML_STREAM_END_EVENT:
    case YAML_DOCUMENT_END_EVENT:
    default:
      return TRUE;
    }
}

JsonNode *
svfs_yaml_parse_data (const char         *data,
                      gsize               length,
                      const char * const *string_keys,
                      GError            **error)
{
  Builder b = { 0 };
  yaml_parser_t parser;
  gboolean done = FALSE, ok = TRUE;
  JsonNode *root = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > SVFS_YAML_MAX_SIZE)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_LIMIT_EXCEEDED,
                   "larger than 16 MiB (%" G_GSIZE_FORMAT " bytes)", length);
      return NULL;
    }

  if (!yaml_parser_initialize (&parser))
    g_error ("%s: out of memory", G_STRFUNC);
  yaml_parser_set_input_string (&parser, (const unsigned char *) (data != NULL ? data : ""), length);

  b.data = data;
  b.length = length;
  b.string_keys = string_keys;
  b.stack = g_array_new (FALSE, TRUE, sizeof (Frame));
  g_array_set_clear_func (b.stack, (GDestroyNotify) frame_clear);
  b.anchors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) value_free);

  while (ok && !done)
    {
      yaml_event_t event;

      if (!yaml_parser_parse (&parser, &event))
        {
          set_parser_error (&b, &parser, error);
          ok = FALSE;
          break;
        }
      done = event.type == YAML_STREAM_END_EVENT;
      ok = on_event (&b, &event, error);
      yaml_event_delete (&event);
    }

  if (ok && !b.have_document)
    {
      yaml_mark_t start = { 0, 0, 0 };

      set_error_at (error, SVFS_ERROR_INVALID_SPEC, &start, "no YAML document");
      ok = FALSE;
    }
  if (ok)
    root = g_steal_pointer (&b.root);

  g_clear_pointer (&b.root, json_node_unref);
  g_array_unref (b.stack);
  g_hash_table_unref (b.anchors);
  yaml_parser_delete (&parser);
  return root;
}
