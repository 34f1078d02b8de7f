/* svfs-filesystem-type-private.h: the built-in filesystem types
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "svfs-filesystem-type.h"

G_BEGIN_DECLS

/* Creates one instance of every built-in filesystem type (bind, tmpfs, dev,
 * proc, …), in no particular order. The registry calls this once, when it
 * is first used. Returns a GPtrArray that owns its elements. */
GPtrArray *svfs_builtin_filesystem_types_new (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
