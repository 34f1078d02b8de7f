/* svfs-mount-plan.h: the compiled mount plan of a container
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(LIBSANDBOXVFS_INSIDE) && !defined(LIBSANDBOXVFS_COMPILATION)
# error "Only <libsandboxvfs.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "svfs-config.h"
#include "svfs-planned-mount.h"
#include "svfs-version-macros.h"

G_BEGIN_DECLS

#define SVFS_TYPE_MOUNT_PLAN (svfs_mount_plan_get_type ())

SVFS_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SvfsMountPlan, svfs_mount_plan, SVFS, MOUNT_PLAN, GObject)

SVFS_AVAILABLE_IN_1_0
const char         *svfs_mount_plan_get_root_type          (SvfsMountPlan *self);
SVFS_AVAILABLE_IN_1_0
const char         *svfs_mount_plan_get_root_source        (SvfsMountPlan *self);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_mount_plan_get_root_readonly      (SvfsMountPlan *self);
SVFS_AVAILABLE_IN_1_0
SvfsOverlayMedium   svfs_mount_plan_get_root_overlay_medium (SvfsMountPlan *self);
SVFS_AVAILABLE_IN_1_0
const char         *svfs_mount_plan_get_root_overlay_dir   (SvfsMountPlan *self);
SVFS_AVAILABLE_IN_1_0
GListModel         *svfs_mount_plan_get_skipped            (SvfsMountPlan *self);
SVFS_AVAILABLE_IN_1_0
GListModel         *svfs_mount_plan_get_devices            (SvfsMountPlan *self);
SVFS_AVAILABLE_IN_1_0
const char * const *svfs_mount_plan_get_warnings           (SvfsMountPlan *self);
SVFS_AVAILABLE_IN_1_0
guint               svfs_mount_plan_get_n_source_fds       (SvfsMountPlan *self);
SVFS_AVAILABLE_IN_1_0
JsonNode           *svfs_mount_plan_to_json_node           (SvfsMountPlan *self) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
char               *svfs_mount_plan_to_json                (SvfsMountPlan *self) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
char               *svfs_mount_plan_to_table               (SvfsMountPlan *self) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
char               *svfs_mount_plan_to_tree                (SvfsMountPlan *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
