/* svfs-config.h: runtime configuration with runsc's flag names
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

/**
 * SvfsOverlayMedium:
 * @SVFS_OVERLAY_MEDIUM_NONE: no overlay
 * @SVFS_OVERLAY_MEDIUM_MEMORY: the upper layer lives in memory (a private tmpfs)
 * @SVFS_OVERLAY_MEDIUM_SELF: the upper layer lives on disk next to the source
 * @SVFS_OVERLAY_MEDIUM_ANON: the upper layer lives in an anonymous file on disk
 * @SVFS_OVERLAY_MEDIUM_DIR: the upper layer lives on disk in a given directory
 *
 * Where an overlay's writable upper layer is kept.
 *
 * Since: 1.0
 */
typedef enum {
  SVFS_OVERLAY_MEDIUM_NONE,
  SVFS_OVERLAY_MEDIUM_MEMORY,
  SVFS_OVERLAY_MEDIUM_SELF,
  SVFS_OVERLAY_MEDIUM_ANON,
  SVFS_OVERLAY_MEDIUM_DIR,
} SvfsOverlayMedium;

/**
 * SvfsFileAccess:
 * @SVFS_FILE_ACCESS_EXCLUSIVE: the container is the only user of the files
 * @SVFS_FILE_ACCESS_SHARED: the files may change behind the container's back
 *
 * runsc's `file-access` / `file-access-mounts` modes.
 *
 * Since: 1.0
 */
typedef enum {
  SVFS_FILE_ACCESS_EXCLUSIVE,
  SVFS_FILE_ACCESS_SHARED,
} SvfsFileAccess;

/**
 * SvfsHostFifo:
 * @SVFS_HOST_FIFO_NONE: named pipes on the host are not opened
 * @SVFS_HOST_FIFO_OPEN: named pipes on the host may be opened
 *
 * runsc's `host-fifo` modes.
 *
 * Since: 1.0
 */
typedef enum {
  SVFS_HOST_FIFO_NONE,
  SVFS_HOST_FIFO_OPEN,
} SvfsHostFifo;

#define SVFS_TYPE_CONFIG (svfs_config_get_type ())

SVFS_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SvfsConfig, svfs_config, SVFS, CONFIG, GObject)

SVFS_AVAILABLE_IN_1_0
SvfsConfig         *svfs_config_new                       (void) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
SvfsConfig         *svfs_config_copy                      (SvfsConfig   *self) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_config_set                       (SvfsConfig   *self,
                                                           const char   *key,
                                                           const char   *value,
                                                           GError      **error);
SVFS_AVAILABLE_IN_1_0
char               *svfs_config_dup_value                 (SvfsConfig   *self,
                                                           const char   *key,
                                                           GError      **error) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
const char * const *svfs_config_list_keys                 (void);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_config_validate                  (SvfsConfig   *self,
                                                           GError      **error);

SVFS_AVAILABLE_IN_1_0
SvfsOverlayMedium   svfs_config_get_overlay_medium        (SvfsConfig   *self);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_config_get_overlay_root          (SvfsConfig   *self);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_config_get_overlay_submounts     (SvfsConfig   *self);
SVFS_AVAILABLE_IN_1_0
const char         *svfs_config_get_overlay_dir           (SvfsConfig   *self);
SVFS_AVAILABLE_IN_1_0
const char         *svfs_config_get_overlay_size          (SvfsConfig   *self);
SVFS_AVAILABLE_IN_1_0
SvfsFileAccess      svfs_config_get_file_access           (SvfsConfig   *self);
SVFS_AVAILABLE_IN_1_0
SvfsFileAccess      svfs_config_get_file_access_mounts    (SvfsConfig   *self);
SVFS_AVAILABLE_IN_1_0
SvfsHostFifo        svfs_config_get_host_fifo             (SvfsConfig   *self);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_config_get_directfs              (SvfsConfig   *self);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_config_get_nvproxy               (SvfsConfig   *self);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_config_get_tpuproxy              (SvfsConfig   *self);
SVFS_AVAILABLE_IN_1_0
const char         *svfs_config_get_product_name          (SvfsConfig   *self);
SVFS_AVAILABLE_IN_1_0
const char         *svfs_config_get_sandbox_id            (SvfsConfig   *self);
SVFS_AVAILABLE_IN_1_0
const char         *svfs_config_get_container_id          (SvfsConfig   *self);
SVFS_AVAILABLE_IN_1_0
const char         *svfs_config_get_container_name        (SvfsConfig   *self);

G_END_DECLS
