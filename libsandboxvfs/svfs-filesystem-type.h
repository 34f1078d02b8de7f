/* svfs-filesystem-type.h: a filesystem type the mount compiler knows
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(LIBSANDBOXVFS_INSIDE) && !defined(LIBSANDBOXVFS_COMPILATION)
# error "Only <libsandboxvfs.h> can be included directly."
#endif

#include <gio/gio.h>

#include "svfs-version-macros.h"

G_BEGIN_DECLS

#define SVFS_TYPE_FILESYSTEM_TYPE (svfs_filesystem_type_get_type ())

SVFS_AVAILABLE_IN_1_0
G_DECLARE_DERIVABLE_TYPE (SvfsFilesystemType, svfs_filesystem_type, SVFS, FILESYSTEM_TYPE, GObject)

/**
 * SvfsFilesystemTypeClass:
 * @parent_class: the parent class
 * @is_data_key: whether an option key is filesystem data for this type
 *   (passed to the filesystem) rather than a generic mount option; the
 *   default looks the key up in [property@Svfs.FilesystemType:data-keys]
 * @validate_data: checks the value of one data option; @value is %NULL for
 *   a bare key such as `newinstance`. The default accepts everything. On
 *   rejection, set %SVFS_ERROR_INVALID_OPTION with a message that names the
 *   key and value and says what is expected (`size "12q": expected …`),
 *   without naming the mount: the compiler adds that
 *
 * The class of filesystem types. Subclasses (also in Python or JavaScript)
 * override @validate_data to check their data options, and may override
 * @is_data_key when the `data-keys` property is not expressive enough.
 *
 * Since: 1.0
 */
struct _SvfsFilesystemTypeClass
{
  GObjectClass parent_class;

  gboolean (*is_data_key)   (SvfsFilesystemType  *self,
                             const char          *key);
  gboolean (*validate_data) (SvfsFilesystemType  *self,
                             const char          *key,
                             const char          *value,
                             GError             **error);

  /*< private >*/
  gpointer _reserved[14];
};

SVFS_AVAILABLE_IN_1_0
const char         *svfs_filesystem_type_get_name             (SvfsFilesystemType  *self);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_filesystem_type_get_allow_user_mount (SvfsFilesystemType  *self);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_filesystem_type_get_allow_user_list  (SvfsFilesystemType  *self);
SVFS_AVAILABLE_IN_1_0
const char * const *svfs_filesystem_type_get_data_keys        (SvfsFilesystemType  *self);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_filesystem_type_get_strict_options   (SvfsFilesystemType  *self);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_filesystem_type_is_data_key          (SvfsFilesystemType  *self,
                                                               const char          *key);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_filesystem_type_validate_data        (SvfsFilesystemType  *self,
                                                               const char          *key,
                                                               const char          *value,
                                                               GError             **error);

SVFS_AVAILABLE_IN_1_0
gboolean            svfs_filesystem_type_register             (SvfsFilesystemType  *type,
                                                               GError             **error);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_filesystem_type_unregister           (const char          *name);
SVFS_AVAILABLE_IN_1_0
SvfsFilesystemType *svfs_filesystem_type_lookup               (const char          *name) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
GListModel         *svfs_filesystem_type_list_registered      (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
