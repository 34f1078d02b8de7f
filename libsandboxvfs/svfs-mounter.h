/* svfs-mounter.h: compiles a spec and a config into a mount plan
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(LIBSANDBOXVFS_INSIDE) && !defined(LIBSANDBOXVFS_COMPILATION)
# error "Only <libsandboxvfs.h> can be included directly."
#endif

#include <gio/gio.h>
#include <gio/gunixfdlist.h>

#include "svfs-config.h"
#include "svfs-device-registry.h"
#include "svfs-mount-namespace.h"
#include "svfs-mount-plan.h"
#include "svfs-spec.h"
#include "svfs-version-macros.h"

G_BEGIN_DECLS

#define SVFS_TYPE_MOUNTER (svfs_mounter_get_type ())

SVFS_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SvfsMounter, svfs_mounter, SVFS, MOUNTER, GObject)

SVFS_AVAILABLE_IN_1_0
SvfsMounter   *svfs_mounter_new               (SvfsSpec            *spec,
                                               SvfsConfig          *config) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
SvfsSpec      *svfs_mounter_get_spec          (SvfsMounter         *self);
SVFS_AVAILABLE_IN_1_0
SvfsConfig    *svfs_mounter_get_config        (SvfsMounter         *self);
SVFS_AVAILABLE_IN_1_0
int            svfs_mounter_get_n_source_fds  (SvfsMounter         *self);
SVFS_AVAILABLE_IN_1_0
void           svfs_mounter_set_n_source_fds  (SvfsMounter         *self,
                                               int                  n_source_fds);
SVFS_AVAILABLE_IN_1_0
SvfsDeviceRegistry *svfs_mounter_get_device_registry (SvfsMounter        *self);
SVFS_AVAILABLE_IN_1_0
void           svfs_mounter_set_device_registry (SvfsMounter        *self,
                                                 SvfsDeviceRegistry *registry);
SVFS_AVAILABLE_IN_1_0
void           svfs_mounter_set_owner         (SvfsMounter         *self,
                                               guint                uid,
                                               guint                gid);
SVFS_AVAILABLE_IN_1_0
gboolean       svfs_mounter_get_owner         (SvfsMounter         *self,
                                               guint               *uid,
                                               guint               *gid);
SVFS_AVAILABLE_IN_1_0
SvfsMountPlan *svfs_mounter_compile           (SvfsMounter         *self,
                                               GError             **error) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
void           svfs_mounter_compile_async     (SvfsMounter         *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
SVFS_AVAILABLE_IN_1_0
SvfsMountPlan *svfs_mounter_compile_finish    (SvfsMounter         *self,
                                               GAsyncResult        *result,
                                               GError             **error) G_GNUC_WARN_UNUSED_RESULT;


/* Applying a plan: svfs-mounter-apply.c */
SVFS_AVAILABLE_IN_1_0
SvfsMountNamespace *svfs_mounter_apply          (SvfsMounter         *self,
                                                 SvfsMountPlan       *plan,
                                                 GCancellable        *cancellable,
                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
SvfsMountNamespace *svfs_mounter_apply_with_fds (SvfsMounter         *self,
                                                 SvfsMountPlan       *plan,
                                                 GUnixFDList         *source_fds,
                                                 GCancellable        *cancellable,
                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
void                svfs_mounter_apply_async    (SvfsMounter         *self,
                                                 SvfsMountPlan       *plan,
                                                 GUnixFDList         *source_fds,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
SVFS_AVAILABLE_IN_1_0
SvfsMountNamespace *svfs_mounter_apply_finish   (SvfsMounter         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
