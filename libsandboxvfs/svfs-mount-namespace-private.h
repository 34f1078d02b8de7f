/* svfs-mount-namespace-private.h: creating a namespace object, for apply
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "svfs-mount-namespace.h"
#include "svfs-spec.h"

G_BEGIN_DECLS

/* In @clone_flags of svfs_mount_namespace_new_for_holder (a bit no CLONE_NEW*
 * flag uses): the user namespace (CLONE_NEWUSER) was made for an owner
 * after the other namespaces, which it does not own (SvfsMounter:owner-uid). */
#define SVFS_HOLDER_OWNER_USERNS 0x1

/* The namespace object for the holder @pid, made right after the clone
 * so that this work overlaps the holder's: keeps the plan's warnings and
 * opens the namespace fds of @clone_flags (CLONE_NEW*) through @pidfd
 * (or /proc/<pid>/ns).  It owns neither the holder nor @pidfd yet: on
 * error the caller still reaps it. */
SvfsMountNamespace *svfs_mount_namespace_new_for_holder (SvfsMountPlan  *plan,
                                                        SvfsSpec       *spec,
                                                        GPid            pid,
                                                        int             pidfd,
                                                        int             clone_flags,
                                                        GError        **error);

/* The holder is ready and pivoted: @self takes ownership of @pidfd,
 * @control_fd and the holder's @stack (when it shares our memory; NULL
 * otherwise; given back once the holder is reaped), adds @warnings, opens
 * an owner's namespaces and reads the mount table back.  On error,
 * unreffing @self kills and reaps the holder and frees everything. */
gboolean svfs_mount_namespace_holder_ready (SvfsMountNamespace  *self,
                                            int                  pidfd,
                                            int                  control_fd,
                                            void                *stack,
                                            GPtrArray           *warnings,
                                            GError             **error);

/* Stacks for holders that share the caller's memory (SVFS_HOLDER_STACK_SIZE,
 * a guard page at the bottom).  One is kept for the next apply, so that
 * its pages are already there. */
#define SVFS_HOLDER_STACK_SIZE (8u << 20)
void *svfs_holder_stack_get (void);
void  svfs_holder_stack_put (void *stack);

/* Takes @dirs (char *, owned): host directories removed when @self is
 * closed (on-disk overlay uppers). */
void svfs_mount_namespace_take_cleanup_dirs (SvfsMountNamespace *self,
                                             GPtrArray          *dirs);

/* Reaps the process behind @pidfd (waitid options such as WNOHANG in
 * @options), storing a waitpid()-style status; -1 with errno when it
 * cannot. */
int svfs_reap_pidfd (int  pidfd,
                     int  options,
                     int *wait_status);

/* Removes a directory tree without following symlinks. */
void svfs_remove_tree (const char *path);

G_END_DECLS
