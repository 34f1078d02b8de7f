/* svfsd-sources.h: checks on the source fds a caller passes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsandboxvfs.h>

G_BEGIN_DECLS

/* Checks @fds (sources[0] = rootfs, then one per bind source in spec
 * order) against @plan: each is a directory or a regular file of the kind
 * its mount needs, never a symbolic link, socket, fifo or device
 * (SVFS_ERROR_SOURCE_FDS). With @check_access, the calling thread's
 * filesystem credentials must be the caller's (svfsd_caller_run_as): read
 * (and search, and write for a writable bind without overlay) access is
 * checked with faccessat(AT_EMPTY_PATH | AT_EACCESS) on the fd itself, never
 * through a path (SVFS_ERROR_PERMISSION_DENIED). *@not_owned is set when
 * a source is not owned by @owner_uid. Nothing is opened or mounted. */
gboolean svfsd_check_source_fds (SvfsMountPlan  *plan,
                                 const int      *fds,
                                 guint           n_fds,
                                 gboolean        check_access,
                                 uid_t           owner_uid,
                                 gboolean       *not_owned,
                                 GError        **error);

G_END_DECLS
