/* svfs-error.h: the libsandboxvfs error domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(LIBSANDBOXVFS_INSIDE) && !defined(LIBSANDBOXVFS_COMPILATION)
# error "Only <libsandboxvfs.h> can be included directly."
#endif

#include "svfs-version-macros.h"

G_BEGIN_DECLS

/**
 * SVFS_ERROR:
 *
 * The error domain of libsandboxvfs. Errors in this domain are from the
 * [error@Svfs.Error] enumeration.
 *
 * Since: 1.0
 */
#define SVFS_ERROR (svfs_error_quark ())

/**
 * SvfsError:
 * @SVFS_ERROR_INVALID_SPEC: the OCI runtime spec is malformed or violates a rule
 * @SVFS_ERROR_INVALID_CONFIG: a runtime configuration key or value is invalid
 * @SVFS_ERROR_INVALID_OPTION: a mount option or filesystem data item is invalid
 * @SVFS_ERROR_SOURCE_FDS: the number or kind of source file descriptors does not match the spec
 * @SVFS_ERROR_UNSUPPORTED: the request is valid but not supported here
 * @SVFS_ERROR_MOUNT_FAILED: the kernel refused to build a mount
 * @SVFS_ERROR_DEVICE: a device could not be discovered or created
 * @SVFS_ERROR_PERMISSION_DENIED: the caller is not allowed to do this
 * @SVFS_ERROR_LIMIT_EXCEEDED: a size or count limit was exceeded
 * @SVFS_ERROR_NOT_FOUND: a file, key or object does not exist
 *
 * Error codes in the %SVFS_ERROR domain. JSON output spells them in
 * kebab-case (`invalid-spec`), D-Bus in CamelCase
 * (`org.sandboxvfs.SandboxVfs1.Error.InvalidSpec`).
 *
 * Since: 1.0
 */
typedef enum {
  SVFS_ERROR_INVALID_SPEC,
  SVFS_ERROR_INVALID_CONFIG,
  SVFS_ERROR_INVALID_OPTION,
  SVFS_ERROR_SOURCE_FDS,
  SVFS_ERROR_UNSUPPORTED,
  SVFS_ERROR_MOUNT_FAILED,
  SVFS_ERROR_DEVICE,
  SVFS_ERROR_PERMISSION_DENIED,
  SVFS_ERROR_LIMIT_EXCEEDED,
  SVFS_ERROR_NOT_FOUND,
} SvfsError;

SVFS_AVAILABLE_IN_1_0
GQuark       svfs_error_quark       (void);
SVFS_AVAILABLE_IN_1_0
const char  *svfs_error_to_string   (SvfsError code);

G_END_DECLS
