/* svfs-spec-mount.h: one entry of a spec's "mounts" array
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(LIBSANDBOXVFS_INSIDE) && !defined(LIBSANDBOXVFS_COMPILATION)
# error "Only <libsandboxvfs.h> can be included directly."
#endif

#include <glib-object.h>

#include "svfs-version-macros.h"

G_BEGIN_DECLS

#define SVFS_TYPE_SPEC_MOUNT (svfs_spec_mount_get_type ())

SVFS_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SvfsSpecMount, svfs_spec_mount, SVFS, SPEC_MOUNT, GObject)

SVFS_AVAILABLE_IN_1_0
SvfsSpecMount      *svfs_spec_mount_new             (const char          *destination,
                                                     const char          *fs_type,
                                                     const char          *source,
                                                     const char * const  *options) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
guint               svfs_spec_mount_get_index       (SvfsSpecMount       *self);
SVFS_AVAILABLE_IN_1_0
const char         *svfs_spec_mount_get_destination (SvfsSpecMount       *self);
SVFS_AVAILABLE_IN_1_0
const char         *svfs_spec_mount_get_fs_type     (SvfsSpecMount       *self);
SVFS_AVAILABLE_IN_1_0
const char         *svfs_spec_mount_get_source      (SvfsSpecMount       *self);
SVFS_AVAILABLE_IN_1_0
const char * const *svfs_spec_mount_get_options     (SvfsSpecMount       *self);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_spec_mount_has_option      (SvfsSpecMount       *self,
                                                     const char          *option);

G_END_DECLS
