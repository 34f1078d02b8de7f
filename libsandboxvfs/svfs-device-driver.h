/* svfs-device-driver.h: a built-in device driver and when it is registered
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

/**
 * SvfsDeviceDriverFlags:
 * @SVFS_DEVICE_DRIVER_FLAGS_NONE: registered in every sandbox
 * @SVFS_DEVICE_DRIVER_FLAGS_NEEDS_NETSTACK: registered only when the
 *   sandbox has its own network stack (TUN; not with host networking)
 * @SVFS_DEVICE_DRIVER_FLAGS_NEEDS_NVPROXY: registered only when `nvproxy`
 *   is on (the config key or the `dev.gvisor.internal.nvproxy` annotation)
 * @SVFS_DEVICE_DRIVER_FLAGS_NEEDS_TPUPROXY: registered only when `tpuproxy`
 *   is on (the config key or the `dev.gvisor.internal.tpuproxy` annotation)
 * @SVFS_DEVICE_DRIVER_FLAGS_HOST_DISCOVERY: its nodes are discovered on the
 *   host (sysfs, /proc, /dev) by [class@Svfs.DeviceRegistry]; the nodes the
 *   driver lists are only the fixed ones
 *
 * When a built-in device driver is registered, following the order and
 * the conditions of gVisor's runsc.
 *
 * Since: 1.0
 */
typedef enum /*< flags >*/ {
  SVFS_DEVICE_DRIVER_FLAGS_NONE = 0,
  SVFS_DEVICE_DRIVER_FLAGS_NEEDS_NETSTACK = 1 << 0,
  SVFS_DEVICE_DRIVER_FLAGS_NEEDS_NVPROXY = 1 << 1,
  SVFS_DEVICE_DRIVER_FLAGS_NEEDS_TPUPROXY = 1 << 2,
  SVFS_DEVICE_DRIVER_FLAGS_HOST_DISCOVERY = 1 << 3,
} SvfsDeviceDriverFlags;

#define SVFS_TYPE_DEVICE_DRIVER (svfs_device_driver_get_type ())

SVFS_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SvfsDeviceDriver, svfs_device_driver, SVFS, DEVICE_DRIVER, GObject)

SVFS_AVAILABLE_IN_1_0
const char            *svfs_device_driver_get_name        (SvfsDeviceDriver *self);
SVFS_AVAILABLE_IN_1_0
const char            *svfs_device_driver_get_description (SvfsDeviceDriver *self);
SVFS_AVAILABLE_IN_1_0
SvfsDeviceDriverFlags  svfs_device_driver_get_flags       (SvfsDeviceDriver *self);
SVFS_AVAILABLE_IN_1_0
GListModel            *svfs_device_driver_get_devices     (SvfsDeviceDriver *self);

G_END_DECLS
