/* svfs-device-registry.h: device drivers and host GPU/TPU discovery
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(LIBSANDBOXVFS_INSIDE) && !defined(LIBSANDBOXVFS_COMPILATION)
# error "Only <libsandboxvfs.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "svfs-device.h"
#include "svfs-device-driver.h"
#include "svfs-version-macros.h"

G_BEGIN_DECLS

#define SVFS_TYPE_DEVICE_REGISTRY (svfs_device_registry_get_type ())

SVFS_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SvfsDeviceRegistry, svfs_device_registry, SVFS, DEVICE_REGISTRY, GObject)

SVFS_AVAILABLE_IN_1_0
SvfsDeviceRegistry *svfs_device_registry_new                (void) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
SvfsDeviceRegistry *svfs_device_registry_new_for_roots      (const char          *sysfs_root,
                                                             const char          *dev_root,
                                                             const char          *proc_root) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
const char         *svfs_device_registry_get_sysfs_root     (SvfsDeviceRegistry  *self);
SVFS_AVAILABLE_IN_1_0
const char         *svfs_device_registry_get_dev_root       (SvfsDeviceRegistry  *self);
SVFS_AVAILABLE_IN_1_0
const char         *svfs_device_registry_get_proc_root      (SvfsDeviceRegistry  *self);
SVFS_AVAILABLE_IN_1_0
const char * const *svfs_device_registry_get_cdi_spec_dirs  (SvfsDeviceRegistry  *self);
SVFS_AVAILABLE_IN_1_0
GListModel         *svfs_device_registry_list_drivers       (SvfsDeviceRegistry  *self) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
GListModel         *svfs_device_registry_enumerate          (SvfsDeviceRegistry  *self,
                                                             char              ***warnings,
                                                             GCancellable        *cancellable,
                                                             GError             **error) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
void                svfs_device_registry_enumerate_async    (SvfsDeviceRegistry  *self,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
SVFS_AVAILABLE_IN_1_0
GListModel         *svfs_device_registry_enumerate_finish   (SvfsDeviceRegistry  *self,
                                                             GAsyncResult        *result,
                                                             char              ***warnings,
                                                             GError             **error) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
JsonNode           *svfs_device_registry_devices_to_json    (GListModel          *devices,
                                                             const char * const  *warnings) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
JsonNode           *svfs_device_registry_devices_to_cdi     (GListModel          *devices,
                                                             const char          *kind) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
