/* svfs-device-registry-private.h: the device part of the mount compiler
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "svfs-config.h"
#include "svfs-device-registry.h"
#include "svfs-spec.h"

G_BEGIN_DECLS

/* Adds the host devices that @spec and @config ask for to @devices, which
 * already holds the copies of the spec's linux.devices: NVIDIA nodes
 * (nvproxy, the hook rule of gVisor §18.4, NVIDIA_VISIBLE_DEVICES), the
 * host's nvidia-uvm major for spec entries, TPU nodes (tpuproxy) and the
 * device nodes of CDI devices named in cdi.k8s.io/ annotations.  Problems
 * that do not stop the plan are appended to @warnings (char *).  Only
 * reads: sysfs, /dev, /proc and the CDI directories below @registry's
 * roots; a NULL @registry means the host's default roots, and is only
 * created when something needs it. */
gboolean svfs_device_registry_plan_devices (SvfsDeviceRegistry  *registry,
                                            SvfsSpec            *spec,
                                            SvfsConfig          *config,
                                            GListStore          *devices,
                                            GPtrArray           *warnings,
                                            GError             **error);

G_END_DECLS
