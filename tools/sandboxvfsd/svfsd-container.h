/* svfsd-container.h: one container object on the bus
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsandboxvfs.h>

G_BEGIN_DECLS

#define SVFSD_CONTAINER_PATH_PREFIX "/org/sandboxvfs/SandboxVfs1/container/"

#define SVFSD_TYPE_CONTAINER (svfsd_container_get_type ())
G_DECLARE_FINAL_TYPE (SvfsdContainer, svfsd_container, SVFSD, CONTAINER, GObject)

/* Makes the plan real through the library (blocking: call it from a worker
 * thread). @fds are the caller's source fds (borrowed; the library clones
 * what it keeps). Whom the namespaces are made for is the mounter's owner
 * (svfs_mounter_set_owner()). */
SvfsdContainer *svfsd_container_create       (SvfsMounter      *mounter,
                                              SvfsMountPlan    *plan,
                                              const int        *fds,
                                              guint             n_fds,
                                              GError          **error);

/* Puts the object on the bus at SVFSD_CONTAINER_PATH_PREFIX<id>. Only
 * @owner may call it; its signals go to @owner only. */
gboolean        svfsd_container_export       (SvfsdContainer   *self,
                                              GDBusConnection  *connection,
                                              const char       *owner,
                                              GError          **error);
const char     *svfsd_container_get_path     (SvfsdContainer   *self);
/* Kills what was spawned, releases the namespaces, emits Closed to the
 * owner, leaves the bus and emits ::closed. Idempotent. */
void            svfsd_container_close        (SvfsdContainer   *self);

G_END_DECLS
