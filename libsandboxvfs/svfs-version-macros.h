/* svfs-version-macros.h: symbol visibility and availability
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(LIBSANDBOXVFS_INSIDE) && !defined(LIBSANDBOXVFS_COMPILATION)
# error "Only <libsandboxvfs.h> can be included directly."
#endif

#include <glib.h>

#include "svfs-version.h"

#ifndef _SVFS_EXTERN
# define _SVFS_EXTERN __attribute__((visibility ("default"))) extern
#endif

#define SVFS_VERSION_1_0 (G_ENCODE_VERSION (1, 0))

#define SVFS_AVAILABLE_IN_ALL _SVFS_EXTERN
#define SVFS_AVAILABLE_IN_1_0 _SVFS_EXTERN
