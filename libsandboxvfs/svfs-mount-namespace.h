/* svfs-mount-namespace.h: a mount plan made real in Linux namespaces
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(LIBSANDBOXVFS_INSIDE) && !defined(LIBSANDBOXVFS_COMPILATION)
# error "Only <libsandboxvfs.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "svfs-mount-plan.h"
#include "svfs-version-macros.h"

G_BEGIN_DECLS

#define SVFS_TYPE_MOUNT_NAMESPACE (svfs_mount_namespace_get_type ())

SVFS_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SvfsMountNamespace, svfs_mount_namespace, SVFS, MOUNT_NAMESPACE, GObject)

SVFS_AVAILABLE_IN_1_0
SvfsMountPlan      *svfs_mount_namespace_get_plan          (SvfsMountNamespace  *self);
SVFS_AVAILABLE_IN_1_0
GListModel         *svfs_mount_namespace_get_mounts        (SvfsMountNamespace  *self);
SVFS_AVAILABLE_IN_1_0
const char * const *svfs_mount_namespace_get_warnings      (SvfsMountNamespace  *self);
SVFS_AVAILABLE_IN_1_0
JsonNode           *svfs_mount_namespace_to_json_node      (SvfsMountNamespace  *self) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
char               *svfs_mount_namespace_to_json           (SvfsMountNamespace  *self) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
GPid                svfs_mount_namespace_get_pid           (SvfsMountNamespace  *self);
SVFS_AVAILABLE_IN_1_0
int                 svfs_mount_namespace_get_mount_ns_fd   (SvfsMountNamespace  *self);
SVFS_AVAILABLE_IN_1_0
int                 svfs_mount_namespace_get_user_ns_fd    (SvfsMountNamespace  *self);
SVFS_AVAILABLE_IN_1_0
int                 svfs_mount_namespace_dup_mount_ns_fd   (SvfsMountNamespace  *self,
                                                            GError             **error);
SVFS_AVAILABLE_IN_1_0
int                 svfs_mount_namespace_dup_user_ns_fd    (SvfsMountNamespace  *self,
                                                            GError             **error);
SVFS_AVAILABLE_IN_1_0
GPid                svfs_mount_namespace_spawn             (SvfsMountNamespace  *self,
                                                            const char * const  *argv,
                                                            const char * const  *envp,
                                                            const char          *cwd,
                                                            GError             **error);
SVFS_AVAILABLE_IN_1_0
GPid                svfs_mount_namespace_spawn_with_fds    (SvfsMountNamespace  *self,
                                                            const char * const  *argv,
                                                            const char * const  *envp,
                                                            const char          *cwd,
                                                            const int           *fds,
                                                            guint                n_fds,
                                                            GError             **error);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_mount_namespace_wait              (SvfsMountNamespace  *self,
                                                            GPid                 pid,
                                                            int                 *wait_status,
                                                            GError             **error);
SVFS_AVAILABLE_IN_1_0
void                svfs_mount_namespace_wait_async        (SvfsMountNamespace  *self,
                                                            GPid                 pid,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_mount_namespace_wait_finish       (SvfsMountNamespace  *self,
                                                            GAsyncResult        *result,
                                                            int                 *wait_status,
                                                            GError             **error);
SVFS_AVAILABLE_IN_1_0
void                svfs_mount_namespace_close             (SvfsMountNamespace  *self);
SVFS_AVAILABLE_IN_1_0
gboolean            svfs_mount_namespace_is_closed         (SvfsMountNamespace  *self);

G_END_DECLS
