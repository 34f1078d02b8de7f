/* svfsd-daemon.h: the org.sandboxvfs.SandboxVfs1 service
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SVFSD_BUS_NAME     "org.sandboxvfs.SandboxVfs1"
#define SVFSD_MANAGER_PATH "/org/sandboxvfs/SandboxVfs1"

typedef enum {
  /* The system bus: callers are anyone; polkit decides, sources are fds
   * only, access to them is re-checked as the caller. */
  SVFSD_RULES_SYSTEM,
  /* The session bus: callers are the user the service runs as; sources
   * may also be paths in the spec. */
  SVFSD_RULES_SESSION,
} SvfsdRules;

typedef struct {
  SvfsdRules rules;
  guint      max_containers_per_client;  /* ≥ 1 */
  guint      max_mounts_per_spec;
  guint      max_concurrent_requests;    /* per client */
  guint      idle_timeout;               /* seconds; 0 = never */
} SvfsdOptions;

#define SVFSD_DEFAULT_MAX_CONTAINERS_PER_CLIENT 16
#define SVFSD_DEFAULT_MAX_MOUNTS_PER_SPEC       1024
#define SVFSD_DEFAULT_MAX_CONCURRENT_REQUESTS   8
#define SVFSD_DEFAULT_IDLE_TIMEOUT              60
/* Config entries per call: far more than the keys there are. */
#define SVFSD_MAX_CONFIG_ENTRIES                64

#define SVFSD_TYPE_DAEMON (svfsd_daemon_get_type ())
G_DECLARE_FINAL_TYPE (SvfsdDaemon, svfsd_daemon, SVFSD, DAEMON, GObject)

SvfsdDaemon *svfsd_daemon_new    (GDBusConnection     *connection,
                                  const SvfsdOptions  *options);
/* Exports the manager object. */
gboolean     svfsd_daemon_start  (SvfsdDaemon         *self,
                                  GError             **error);
/* Closes every container (each owner gets Closed). */
void         svfsd_daemon_stop   (SvfsdDaemon         *self);

G_END_DECLS
