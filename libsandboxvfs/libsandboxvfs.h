/* libsandboxvfs.h: umbrella header
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define LIBSANDBOXVFS_INSIDE
# include "svfs-version.h"
# include "svfs-version-macros.h"
# include "svfs-enums.h"
# include "svfs-error.h"
# include "svfs-config.h"
# include "svfs-device.h"
# include "svfs-device-driver.h"
# include "svfs-device-registry.h"
# include "svfs-filesystem-type.h"
# include "svfs-spec-mount.h"
# include "svfs-spec.h"
# include "svfs-planned-mount.h"
# include "svfs-mount-plan.h"
# include "svfs-mount-namespace.h"
# include "svfs-mounter.h"
#undef LIBSANDBOXVFS_INSIDE
