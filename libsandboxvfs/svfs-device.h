/* svfs-device.h: a device node (from the spec or discovered on the host)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(LIBSANDBOXVFS_INSIDE) && !defined(LIBSANDBOXVFS_COMPILATION)
# error "Only <libsandboxvfs.h> can be included directly."
#endif

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "svfs-version-macros.h"

G_BEGIN_DECLS

#define SVFS_TYPE_DEVICE (svfs_device_get_type ())

SVFS_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SvfsDevice, svfs_device, SVFS, DEVICE, GObject)

SVFS_AVAILABLE_IN_1_0
SvfsDevice   *svfs_device_new              (const char  *kind,
                                            const char  *path,
                                            const char  *type,
                                            gint64       major,
                                            gint64       minor) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
const char   *svfs_device_get_kind         (SvfsDevice  *self);
SVFS_AVAILABLE_IN_1_0
const char   *svfs_device_get_path         (SvfsDevice  *self);
SVFS_AVAILABLE_IN_1_0
const char   *svfs_device_get_device_type  (SvfsDevice  *self);
SVFS_AVAILABLE_IN_1_0
gint64        svfs_device_get_major        (SvfsDevice  *self);
SVFS_AVAILABLE_IN_1_0
gint64        svfs_device_get_minor        (SvfsDevice  *self);
SVFS_AVAILABLE_IN_1_0
guint32       svfs_device_get_mode         (SvfsDevice  *self);
SVFS_AVAILABLE_IN_1_0
void          svfs_device_set_mode         (SvfsDevice  *self,
                                            guint32      mode);
SVFS_AVAILABLE_IN_1_0
guint32       svfs_device_get_uid          (SvfsDevice  *self);
SVFS_AVAILABLE_IN_1_0
void          svfs_device_set_uid          (SvfsDevice  *self,
                                            guint32      uid);
SVFS_AVAILABLE_IN_1_0
guint32       svfs_device_get_gid          (SvfsDevice  *self);
SVFS_AVAILABLE_IN_1_0
void          svfs_device_set_gid          (SvfsDevice  *self,
                                            guint32      gid);
SVFS_AVAILABLE_IN_1_0
const char   *svfs_device_get_pci_address  (SvfsDevice  *self);
SVFS_AVAILABLE_IN_1_0
const char   *svfs_device_get_vendor       (SvfsDevice  *self);
SVFS_AVAILABLE_IN_1_0
const char   *svfs_device_get_device_id    (SvfsDevice  *self);
SVFS_AVAILABLE_IN_1_0
const char   *svfs_device_get_model        (SvfsDevice  *self);
SVFS_AVAILABLE_IN_1_0
const char   *svfs_device_get_uuid         (SvfsDevice  *self);
SVFS_AVAILABLE_IN_1_0
JsonNode     *svfs_device_to_json          (SvfsDevice  *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
