/* svfs-json.c: writing JSON that is JSON
 *
 * Built into the library, and into the CLI and the D-Bus service, which
 * write JSON of their own; it uses json-glib and GLib only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* No config.h: it is the library's, with its log domain. */
#include "svfs-json-private.h"

/* Drops the ".0" json-glib puts after an exponent ("1e+22.0"), outside
 * strings; returns the new length.  Works in place: it only ever removes,
 * so what is read (at @r) is never what was written (at @w <= @r). */
static gsize
drop_point_after_exponent (char  *text,
                           gsize  length)
{
  gboolean in_string = FALSE;
  char prev = '\0';
  gsize w = 0;

  for (gsize r = 0; r < length; r++)
    {
      char c = text[r];

      text[w++] = c;
      if (in_string)
        {
          if (c == '\\' && r + 1 < length)
            text[w++] = text[++r];
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if ((c == 'e' || c == 'E') && g_ascii_isdigit (prev))
        {
          /* An exponent: its sign and digits, then maybe the stray ".0". */
          while (r + 1 < length && (text[r + 1] == '+' || text[r + 1] == '-' || g_ascii_isdigit (text[r + 1])))
            text[w++] = text[++r];
          if (r + 2 < length && text[r + 1] == '.' && text[r + 2] == '0' &&
              (r + 3 >= length || !g_ascii_isdigit (text[r + 3])))
            r += 2;
        }
      prev = text[r];
    }
  text[w] = '\0';
  return w;
}

char *
svfs_json_to_data (JsonNode *node,
                   gboolean  pretty,
                   gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize len = 0;
  char *text;

  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &len);
  len = drop_point_after_exponent (text, len);
  if (length != NULL)
    *length = len;
  return text;
}
