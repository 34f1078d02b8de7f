/* svfs-device-driver-private.h: the built-in drivers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "svfs-device-driver.h"

G_BEGIN_DECLS

/* A new list of the built-in drivers, in gVisor's registration order. */
GListModel *svfs_device_driver_list_builtin (void);

G_END_DECLS
