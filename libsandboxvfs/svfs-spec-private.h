/* svfs-spec-private.h: spec parsing and validation internals
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "svfs-device.h"
#include "svfs-spec.h"
#include "svfs-spec-mount.h"

G_BEGIN_DECLS

/* Checks size, NUL bytes, UTF-8, integer range and nesting depth of @data
 * without building a tree, then parses it with json-glib.  Every failure
 * is SVFS_ERROR_INVALID_SPEC with a one-line message ("line L, column C:
 * …", "spec is larger than 16 MiB (N bytes)", …).  Returns the root node,
 * which may be of any type; an empty document fails. */
JsonNode      *svfs_spec_parse_json_data         (const char     *data,
                                                  gsize           length,
                                                  GError        **error);

/* Validates a parsed spec in one pass.  Returns the problem lines
 * ("<json-path>: <message>") in document order; empty when valid. */
GPtrArray     *svfs_spec_check_node              (JsonNode       *root);

/* Checks the `containerEdits.deviceNodes` of @owner, an entry of a CDI
 * spec's `devices` or the CDI spec itself, against the types and ranges of
 * the CDI schema.  Returns the problem lines ("<json-path>: <message>") in
 * document order, each path starting with @json_path ("devices[2]", or ""
 * for the spec's own edits); empty when valid. */
GPtrArray     *svfs_cdi_check_container_edits    (JsonObject     *owner,
                                                  const char     *json_path);

/* Builds the objects of an already validated spec. */
SvfsSpecMount *svfs_spec_mount_new_from_json     (JsonObject     *object,
                                                  guint           index);
SvfsDevice    *svfs_device_new_from_spec_json    (JsonObject     *object);

/* Helpers shared by the spec code: the member @name of @object when it has
 * the given node type (or value type), else NULL / the default. */
JsonNode      *svfs_json_get_member_of_type      (JsonObject     *object,
                                                  const char     *name,
                                                  JsonNodeType    node_type);
const char    *svfs_json_get_string_member       (JsonObject     *object,
                                                  const char     *name,
                                                  const char     *default_value);
gint64         svfs_json_get_int_member          (JsonObject     *object,
                                                  const char     *name,
                                                  gint64          default_value);
gboolean       svfs_json_get_bool_member         (JsonObject     *object,
                                                  const char     *name,
                                                  gboolean        default_value);
JsonObject    *svfs_json_get_object_member       (JsonObject     *object,
                                                  const char     *name);
JsonArray     *svfs_json_get_array_member        (JsonObject     *object,
                                                  const char     *name);
/* A NULL-terminated copy of the string elements of @array (may be NULL:
 * gives an empty vector). */
char         **svfs_json_array_dup_strv          (JsonArray      *array);

/* `process.user.umask`, or 022 when absent (runc's default). */
guint32        svfs_spec_get_process_umask       (SvfsSpec       *self);
/* `process.user.additionalGids` (checked at load: each fits 32 bits), as
 * a new array of guint32; empty when absent. */
GArray        *svfs_spec_dup_process_additional_gids (SvfsSpec   *self);

G_END_DECLS
