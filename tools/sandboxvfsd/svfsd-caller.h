/* svfsd-caller.h: who is calling — credentials, polkit, acting as the caller
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* polkit actions (data/org.sandboxvfs.SandboxVfs1.policy) */
#define SVFSD_ACTION_CREATE_CONTAINER "org.sandboxvfs.SandboxVfs1.create-container"
#define SVFSD_ACTION_BIND_NOT_OWNED   "org.sandboxvfs.SandboxVfs1.bind-not-owned"
#define SVFSD_ACTION_DEVICE           "org.sandboxvfs.SandboxVfs1.device"

/* The identity of one caller, taken from the bus daemon with
 * org.freedesktop.DBus.GetConnectionCredentials: never from a pid alone. */
typedef struct {
  gatomicrefcount ref_count;
  char   *sender;        /* unique bus name */
  uid_t   uid;           /* UnixUserID */
  gid_t   gid;           /* the process's fsgid, read through its pidfd */
  GArray *groups;        /* gid_t: UnixGroupIDs, or the process's groups */
  int     pidfd;         /* ProcessFD, or pidfd_open (ProcessID); -1 if none */
  guint32 pid;           /* only for messages */
} SvfsdCaller;

void         svfsd_caller_unref             (SvfsdCaller         *caller);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SvfsdCaller, svfsd_caller_unref)

void         svfsd_caller_lookup_async      (GDBusConnection     *connection,
                                             const char          *sender,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
SvfsdCaller *svfsd_caller_lookup_finish     (GAsyncResult        *result,
                                             GError             **error);

/* Asks polkit (org.freedesktop.PolicyKit1 on @connection) whether the
 * caller may do @action_id; the subject is its unique bus name. Denial,
 * a dismissed dialogue and an unreachable polkit are all
 * SVFS_ERROR_PERMISSION_DENIED. */
void         svfsd_caller_authorize_async   (SvfsdCaller         *caller,
                                             GDBusConnection     *connection,
                                             const char          *action_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean     svfsd_caller_authorize_finish  (GAsyncResult        *result,
                                             GError             **error);

typedef gboolean (*SvfsdCallerFunc) (gpointer   user_data,
                                     GError   **error);

/* Runs @func, blocking, in a new thread whose filesystem uid/gid and
 * supplementary groups are the caller's, so every permission check the
 * kernel makes in @func is made for the caller (access(2) with AT_EACCESS,
 * opening files, reading a rootfs). The credentials are per thread: the
 * rest of the daemon keeps its own. Fails with PERMISSION_DENIED when the
 * daemon cannot take the caller's identity (it is not root). */
gboolean     svfsd_caller_run_as            (SvfsdCaller         *caller,
                                             SvfsdCallerFunc      func,
                                             gpointer             user_data,
                                             GError             **error);

G_END_DECLS
