/* svfs-error.c: the libsandboxvfs error domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "svfs-error.h"
#include "svfs-enums.h"

/* One D-Bus error name per code, so a GError keeps its domain and code when
 * it crosses the bus: the service replies with
 * org.sandboxvfs.SandboxVfs1.Error.<Code>, and a client that has called
 * svfs_error_quark() (any libsandboxvfs call that can fail does) gets an
 * SVFS_ERROR back. tests/test-error.c checks the table against the enum. */
static const GDBusErrorEntry svfs_error_entries[] = {
  { SVFS_ERROR_INVALID_SPEC, "org.sandboxvfs.SandboxVfs1.Error.InvalidSpec" },
  { SVFS_ERROR_INVALID_CONFIG, "org.sandboxvfs.SandboxVfs1.Error.InvalidConfig" },
  { SVFS_ERROR_INVALID_OPTION, "org.sandboxvfs.SandboxVfs1.Error.InvalidOption" },
  { SVFS_ERROR_SOURCE_FDS, "org.sandboxvfs.SandboxVfs1.Error.SourceFds" },
  { SVFS_ERROR_UNSUPPORTED, "org.sandboxvfs.SandboxVfs1.Error.Unsupported" },
  { SVFS_ERROR_MOUNT_FAILED, "org.sandboxvfs.SandboxVfs1.Error.MountFailed" },
  { SVFS_ERROR_DEVICE, "org.sandboxvfs.SandboxVfs1.Error.Device" },
  { SVFS_ERROR_PERMISSION_DENIED, "org.sandboxvfs.SandboxVfs1.Error.PermissionDenied" },
  { SVFS_ERROR_LIMIT_EXCEEDED, "org.sandboxvfs.SandboxVfs1.Error.LimitExceeded" },
  { SVFS_ERROR_NOT_FOUND, "org.sandboxvfs.SandboxVfs1.Error.NotFound" },
};

/**
 * svfs_error_quark:
 *
 * The quark of the %SVFS_ERROR domain. The first call also registers the
 * domain with GDBus, so errors from the `sandboxvfsd` service
 * (`org.sandboxvfs.SandboxVfs1.Error.InvalidSpec`, …) arrive in a client as
 * %SVFS_ERROR with the matching [error@Svfs.Error] code.
 *
 * Returns: the error domain quark
 *
 * Since: 1.0
 */
GQuark
svfs_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("svfs-error-quark", &quark,
                                      svfs_error_entries,
                                      G_N_ELEMENTS (svfs_error_entries));
  return (GQuark) quark;
}

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
