/* svfs-error.c: the libsandboxvfs error domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "svfs-error.h"
#include "svfs-enums.h"

G_DEFINE_QUARK (svfs-error-quark, svfs_error)

/**
 * svfs_error_to_string:
 * @code: an error code
 *
 * Gives the kebab-case name of @code, as JSON output spells it
 * (`invalid-spec`, `source-fds`, …).
 *
 * Returns: (transfer none): the name, or `unknown` for a value outside the
 *   enumeration
 *
 * Since: 1.0
 */
const char *
svfs_error_to_string (SvfsError code)
{
  GEnumClass *klass = g_type_class_ref (SVFS_TYPE_ERROR);
  GEnumValue *value = g_enum_get_value (klass, (int) code);
  const char *nick = value != NULL ? value->value_nick : "unknown";

  /* Enum classes are never finalised, so the nick stays valid. */
  g_type_class_unref (klass);
  return nick;
}
