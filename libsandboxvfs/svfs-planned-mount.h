/* svfs-planned-mount.h: one mount of a compiled plan
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(LIBSANDBOXVFS_INSIDE) && !defined(LIBSANDBOXVFS_COMPILATION)
# error "Only <libsandboxvfs.h> can be included directly."
#endif

#include <json-glib/json-glib.h>

#include "svfs-config.h"
#include "svfs-version-macros.h"

G_BEGIN_DECLS

/**
 * SvfsMountFlags:
 * @SVFS_MOUNT_FLAGS_NONE: no flag
 * @SVFS_MOUNT_FLAGS_RDONLY: `ro`, the mount is read-only
 * @SVFS_MOUNT_FLAGS_NOSUID: `nosuid`, set-user-ID bits are ignored
 * @SVFS_MOUNT_FLAGS_NODEV: `nodev`, device nodes cannot be opened
 * @SVFS_MOUNT_FLAGS_NOEXEC: `noexec`, programs cannot be executed
 * @SVFS_MOUNT_FLAGS_NOATIME: `noatime`, access times are not updated
 * @SVFS_MOUNT_FLAGS_NODIRATIME: `nodiratime`, directory access times are not updated
 * @SVFS_MOUNT_FLAGS_RELATIME: `relatime`, access times are updated relative to modification
 * @SVFS_MOUNT_FLAGS_STRICTATIME: `strictatime`, access times are always updated
 *
 * The generic mount flags a planned mount carries. The access-time modes
 * `noatime`, `relatime` and `strictatime` exclude each other.
 *
 * Since: 1.0
 */
typedef enum /*< flags >*/ {
  SVFS_MOUNT_FLAGS_NONE        = 0,
  SVFS_MOUNT_FLAGS_RDONLY      = 1 << 0,
  SVFS_MOUNT_FLAGS_NOSUID      = 1 << 1,
  SVFS_MOUNT_FLAGS_NODEV       = 1 << 2,
  SVFS_MOUNT_FLAGS_NOEXEC      = 1 << 3,
  SVFS_MOUNT_FLAGS_NOATIME     = 1 << 4,
  SVFS_MOUNT_FLAGS_NODIRATIME  = 1 << 5,
  SVFS_MOUNT_FLAGS_RELATIME    = 1 << 6,
  SVFS_MOUNT_FLAGS_STRICTATIME = 1 << 7,
} SvfsMountFlags;

/**
 * SvfsPropagation:
 * @SVFS_PROPAGATION_DEFAULT: not set by the spec (private)
 * @SVFS_PROPAGATION_PRIVATE: `private`
 * @SVFS_PROPAGATION_RPRIVATE: `rprivate`
 * @SVFS_PROPAGATION_SLAVE: `slave`
 * @SVFS_PROPAGATION_RSLAVE: `rslave`
 * @SVFS_PROPAGATION_SHARED: `shared`
 * @SVFS_PROPAGATION_RSHARED: `rshared`
 * @SVFS_PROPAGATION_UNBINDABLE: `unbindable`
 * @SVFS_PROPAGATION_RUNBINDABLE: `runbindable`
 *
 * The mount propagation a spec asks for.
 *
 * Since: 1.0
 */
typedef enum {
  SVFS_PROPAGATION_DEFAULT,
  SVFS_PROPAGATION_PRIVATE,
  SVFS_PROPAGATION_RPRIVATE,
  SVFS_PROPAGATION_SLAVE,
  SVFS_PROPAGATION_RSLAVE,
  SVFS_PROPAGATION_SHARED,
  SVFS_PROPAGATION_RSHARED,
  SVFS_PROPAGATION_UNBINDABLE,
  SVFS_PROPAGATION_RUNBINDABLE,
} SvfsPropagation;

#define SVFS_TYPE_PLANNED_MOUNT (svfs_planned_mount_get_type ())

SVFS_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SvfsPlannedMount, svfs_planned_mount, SVFS, PLANNED_MOUNT, GObject)

SVFS_AVAILABLE_IN_1_0
const char        *svfs_planned_mount_get_destination   (SvfsPlannedMount *self);
SVFS_AVAILABLE_IN_1_0
const char        *svfs_planned_mount_get_fs_type       (SvfsPlannedMount *self);
SVFS_AVAILABLE_IN_1_0
const char        *svfs_planned_mount_get_source        (SvfsPlannedMount *self);
SVFS_AVAILABLE_IN_1_0
const char        *svfs_planned_mount_get_data          (SvfsPlannedMount *self);
SVFS_AVAILABLE_IN_1_0
SvfsMountFlags     svfs_planned_mount_get_flags         (SvfsPlannedMount *self);
SVFS_AVAILABLE_IN_1_0
char              *svfs_planned_mount_dup_flags_string  (SvfsPlannedMount *self) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
gboolean           svfs_planned_mount_get_readonly      (SvfsPlannedMount *self);
SVFS_AVAILABLE_IN_1_0
gboolean           svfs_planned_mount_get_recursive     (SvfsPlannedMount *self);
SVFS_AVAILABLE_IN_1_0
SvfsPropagation    svfs_planned_mount_get_propagation   (SvfsPlannedMount *self);
SVFS_AVAILABLE_IN_1_0
SvfsOverlayMedium  svfs_planned_mount_get_overlay_medium (SvfsPlannedMount *self);
SVFS_AVAILABLE_IN_1_0
const char        *svfs_planned_mount_get_overlay_dir   (SvfsPlannedMount *self);
SVFS_AVAILABLE_IN_1_0
const char        *svfs_planned_mount_get_shared        (SvfsPlannedMount *self);
SVFS_AVAILABLE_IN_1_0
gboolean           svfs_planned_mount_get_tmpcopyup     (SvfsPlannedMount *self);
SVFS_AVAILABLE_IN_1_0
int                svfs_planned_mount_get_spec_index    (SvfsPlannedMount *self);
SVFS_AVAILABLE_IN_1_0
int                svfs_planned_mount_get_source_fd_index (SvfsPlannedMount *self);
SVFS_AVAILABLE_IN_1_0
const char        *svfs_planned_mount_get_skip_reason   (SvfsPlannedMount *self);
SVFS_AVAILABLE_IN_1_0
JsonNode          *svfs_planned_mount_to_json           (SvfsPlannedMount *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
