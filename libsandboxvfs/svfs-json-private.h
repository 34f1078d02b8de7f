/* svfs-json-private.h: writing JSON that is JSON
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* @node as JSON text (indented by 2 when @pretty), as json-glib's
 * generator writes it but for one of its faults: json-glib 1.6 writes a
 * double whose shortest form has an exponent and no point as "1e+22.0",
 * which no JSON parser, json-glib's included, reads back; the ".0" is
 * dropped.  (Non-finite doubles, which it writes as "inf.0", never reach
 * it: the spec reader refuses numbers out of a double's range.)  Used for
 * every JSON the library, the CLI and the service write. */
char *svfs_json_to_data (JsonNode *node,
                         gboolean  pretty,
                         gsize    *length);

G_END_DECLS
