/* svfs-mount-hints-private.h: gVisor pod mount hints and rootfs hints
 *
 * Pod mount hints come from `dev.gvisor.spec.mount.<NAME>.<FIELD>`
 * annotations, the rootfs hint from `dev.gvisor.spec.rootfs.<FIELD>`
 * (shared/reference/gvisor-vfs-behavior.md §14).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "svfs-config.h"

G_BEGIN_DECLS

#define SVFS_MOUNT_HINT_PREFIX  "dev.gvisor.spec.mount."
#define SVFS_ROOTFS_HINT_PREFIX "dev.gvisor.spec.rootfs."

typedef enum {
  SVFS_HINT_SHARE_UNSET,
  SVFS_HINT_SHARE_CONTAINER,
  SVFS_HINT_SHARE_POD,
  SVFS_HINT_SHARE_SHARED,
} SvfsHintShare;

typedef struct {
  char          *name;
  char          *source;
  char          *type;          /* "tmpfs" or "bind" */
  SvfsHintShare  share;
  char         **options;       /* filtered; never NULL */
  gboolean       directfs_off;
} SvfsMountHint;

typedef struct {
  GPtrArray *hints;             /* (element-type SvfsMountHint), sorted by name */
} SvfsPodMountHints;

typedef struct {
  char              *source;    /* absolute */
  char              *type;      /* "erofs" or "bind" */
  SvfsOverlayMedium  medium;
  gboolean           has_overlay;
  char              *overlay_dir;
  char              *size;      /* from options "size=…", or NULL */
  gboolean           directfs_off;
} SvfsRootfsHint;

/* Parses every pod mount hint in @annotations (string → string; may be
 * NULL).  Invalid field values and incomplete hints are dropped with a
 * message (a newly allocated string, so @warnings should free its elements
 * with g_free) appended to @warnings (may be NULL); structural errors (bad
 * key form, empty name, duplicate sources) fail with
 * SVFS_ERROR_INVALID_SPEC.  Deterministic: hints are processed in name
 * order, fields of one hint in field order.  Returns an empty set when
 * there are no hints. */
SvfsPodMountHints   *svfs_pod_mount_hints_new_from_annotations (GHashTable               *annotations,
                                                                GPtrArray                *warnings,
                                                                GError                  **error);
void                 svfs_pod_mount_hints_free                 (SvfsPodMountHints        *hints);
const SvfsMountHint *svfs_pod_mount_hints_find_by_source       (const SvfsPodMountHints  *hints,
                                                                const char               *source);
gboolean             svfs_mount_hint_should_share              (const SvfsMountHint      *hint);
gboolean             svfs_mount_hint_is_sandbox_local          (const SvfsMountHint      *hint);

/* Returns NULL without setting @error when no rootfs hint annotation is
 * present. */
SvfsRootfsHint      *svfs_rootfs_hint_new_from_annotations     (GHashTable               *annotations,
                                                                GError                  **error);
void                 svfs_rootfs_hint_free                     (SvfsRootfsHint           *hint);

/* Parses an overlay medium as `overlay2` accepts it after the colon
 * ("", "memory", "self", "dir=/abs"); used by config and rootfs hints.
 * @dir (may be NULL) receives the directory of a `dir=` medium, else NULL.
 * Fails with SVFS_ERROR_INVALID_CONFIG and gVisor's message, without a
 * key prefix; callers wrap it. */
gboolean             svfs_overlay_medium_parse                 (const char               *text,
                                                                SvfsOverlayMedium        *medium,
                                                                char                    **dir,
                                                                GError                  **error);

/* Whether @text is an overlay upper-layer size as a tmpfs `size=` takes
 * it: decimal digits with an optional k/m/g/t suffix (either case), or a
 * percentage of memory from 1 to 100. */
gboolean             svfs_overlay_size_is_valid                (const char               *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SvfsPodMountHints, svfs_pod_mount_hints_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SvfsRootfsHint, svfs_rootfs_hint_free)

G_END_DECLS
