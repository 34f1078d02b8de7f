/* svfs-yaml-private.h: a YAML document as a json-glib tree (libyaml)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The limits of svfs_yaml_parse_data(): the input size and the nesting
 * depth are those of the JSON spec parser (16 MiB, 64 levels); nodes copied
 * through aliases are counted, and at most SVFS_YAML_MAX_ALIAS_NODES of
 * them are made ("billion laughs"). */
#define SVFS_YAML_MAX_SIZE        (16 * 1024 * 1024)
#define SVFS_YAML_MAX_DEPTH       64
#define SVFS_YAML_MAX_ALIAS_NODES 65536

/* Parses one YAML document (libyaml, YAML 1.1 syntax) into a JSON tree:
 * mappings become objects, sequences arrays, scalars strings.  Plain
 * (unquoted) scalars are resolved with the YAML 1.2 core schema: `null`,
 * `~` and the empty scalar are null; `true`/`false` (also `True`, `TRUE`,
 * `False`, `FALSE`) booleans; decimal, `0x` hex, `0o` octal and YAML 1.1
 * `0b` binary and leading-zero octal integers (`0666` is 438), with an
 * optional sign, are gint64 (out of range is an error); decimals with a
 * dot or an exponent are doubles.  Everything else, quoted scalars, block
 * scalars, `yes`/`no`/`on`/`off` and `.inf`/`.nan` are strings.  The
 * core tags `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map`,
 * `!!seq` and the non-specific `!` are honoured; other tags are refused.
 *
 * A plain scalar stays a string, exactly as written, when it is the value
 * of a member named in @string_keys (may be %NULL), or a direct element of
 * a sequence or mapping that is: the schema says those are strings.
 *
 * Mapping keys must be scalars (taken as written) and unique; `<<` merge
 * keys (a mapping or a sequence of mappings, usually aliases) are applied
 * with YAML 1.1's rules.  Aliases are expanded into copies within the
 * limits above; an undefined or recursive alias is an error.  The stream
 * must hold exactly one document.
 *
 * Every failure is a single-line GError in SVFS_ERROR: "line L, column C:
 * …" (1-based) with SVFS_ERROR_INVALID_SPEC for malformed YAML, or with
 * SVFS_ERROR_LIMIT_EXCEEDED for the depth and alias limits; too large an
 * input is refused unread with "larger than 16 MiB (N bytes)"
 * (SVFS_ERROR_LIMIT_EXCEEDED).  Returns the root node (of any type). */
JsonNode *svfs_yaml_parse_data (const char         *data,
                                gsize               length,
                                const char * const *string_keys,
                                GError            **error);

G_END_DECLS
