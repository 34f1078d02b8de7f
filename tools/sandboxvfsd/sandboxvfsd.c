/* sandboxvfsd.c: the org.sandboxvfs.SandboxVfs1 D-Bus service
 *
 *   sandboxvfsd --session              the caller's session bus, as the user
 *   sandboxvfsd --system               the system bus, as root, polkit-gated
 *   sandboxvfsd --address ADDR         the bus at ADDR (tests)
 *
 * See doc/sandboxvfsd.md.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <libsandboxvfs.h>

#include "svfsd-daemon.h"

enum {
  EXIT_USAGE = 2,
};

typedef struct {
  GMainLoop *loop;
  int        status;
} Main;

static gboolean
quit_on_signal (gpointer user_data)
{
  Main *m = user_data;

  g_main_loop_quit (m->loop);
  return G_SOURCE_CONTINUE;
}

static void
quit_on_idle (SvfsdDaemon *daemon,
              Main        *m)
{
  g_main_loop_quit (m->loop);
}

static void
connection_closed_cb (GDBusConnection *connection,
                      gboolean         remote_peer_vanished,
                      GError          *error,
                      Main            *m)
{
  g_printerr ("sandboxvfsd: the bus connection closed%s%s\n",
              error != NULL ? ": " : "", error != NULL ? error->message : "");
  m->status = EXIT_FAILURE;
  g_main_loop_quit (m->loop);
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  g_debug ("owns %s", name);
}

static void
name_lost_cb (GDBusConnection *connection,
              const char      *name,
              Main            *m)
{
  g_printerr ("sandboxvfsd: cannot own the name %s on the bus (another instance runs, "
              "or the bus policy forbids it)\n", name);
  m->status = EXIT_FAILURE;
  g_main_loop_quit (m->loop);
}

static gboolean
parse_positive (const char  *text,
                guint       *out,
                guint        min,
                const char  *what,
                GError     **error)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, min, G_MAXUINT32, &v, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s must be a whole number ≥ %u, not \"%s\"", what, min, text);
      return FALSE;
    }
  *out = (guint) v;
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  gboolean session = FALSE, system = FALSE, version = FALSE;
  g_autofree char *address = NULL;
  g_autofree char *rules = NULL;
  g_autofree char *max_containers = NULL, *max_mounts = NULL, *max_requests = NULL, *idle = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(SvfsdDaemon) daemon = NULL;
  SvfsdOptions options = {
    .rules = SVFSD_RULES_SYSTEM,
    .max_containers_per_client = SVFSD_DEFAULT_MAX_CONTAINERS_PER_CLIENT,
    .max_mounts_per_spec = SVFSD_DEFAULT_MAX_MOUNTS_PER_SPEC,
    .max_concurrent_requests = SVFSD_DEFAULT_MAX_CONCURRENT_REQUESTS,
    .idle_timeout = SVFSD_DEFAULT_IDLE_TIMEOUT,
  };
  Main m = { NULL, EXIT_SUCCESS };
  guint owner_id;
  const GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_NONE, &session,
      "Serve the session bus (run as the user)", NULL },
    { "system", 0, 0, G_OPTION_ARG_NONE, &system,
      "Serve the system bus (run as root; polkit decides)", NULL },
    { "address", 0, 0, G_OPTION_ARG_STRING, &address,
      "Serve the message bus at ADDR and own the name there", "ADDR" },
    { "rules", 0, 0, G_OPTION_ARG_STRING, &rules,
      "Caller rules: system (polkit, sources as fds only, access checked as the caller) "
      "or session (the service's own user only). Default: the bus's; system with --address",
      "system|session" },
    { "max-containers-per-client", 0, 0, G_OPTION_ARG_STRING, &max_containers,
      "Live containers per client (unique bus name), N ≥ 1 (default 16)", "N" },
    { "max-mounts-per-spec", 0, 0, G_OPTION_ARG_STRING, &max_mounts,
      "Mounts a spec may have (default 1024)", "N" },
    { "max-concurrent-requests", 0, 0, G_OPTION_ARG_STRING, &max_requests,
      "Requests one client may have in flight (default 8)", "N" },
    { "idle-timeout", 0, 0, G_OPTION_ARG_STRING, &idle,
      "Exit after SECONDS without containers or requests; 0 never (default 60)", "SECONDS" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Show the version", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
    "Serve org.sandboxvfs.SandboxVfs1: container filesystem views for sandbox\n"
    "tools, built from OCI runtime specs by libsandboxvfs.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      (max_containers != NULL &&
       !parse_positive (max_containers, &options.max_containers_per_client, 1,
                        "--max-containers-per-client", &error)) ||
      (max_mounts != NULL &&
       !parse_positive (max_mounts, &options.max_mounts_per_spec, 1, "--max-mounts-per-spec", &error)) ||
      (max_requests != NULL &&
       !parse_positive (max_requests, &options.max_concurrent_requests, 1,
                        "--max-concurrent-requests", &error)) ||
      (idle != NULL && !parse_positive (idle, &options.idle_timeout, 0, "--idle-timeout", &error)))
    {
      g_printerr ("sandboxvfsd: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (version)
    {
      printf ("sandboxvfsd %s\n", SVFS_VERSION_S);
      return EXIT_SUCCESS;
    }
  if (argc > 1 || (session + system + (address != NULL)) != 1)
    {
      g_printerr ("sandboxvfsd: give exactly one of --session, --system or --address ADDR\n");
      return EXIT_USAGE;
    }

  if (session)
    options.rules = SVFSD_RULES_SESSION;
  if (rules != NULL)
    {
      if (g_strcmp0 (rules, "system") == 0)
        options.rules = SVFSD_RULES_SYSTEM;
      else if (g_strcmp0 (rules, "session") == 0)
        options.rules = SVFSD_RULES_SESSION;
      else
        {
          g_printerr ("sandboxvfsd: --rules takes system or session, not \"%s\"\n", rules);
          return EXIT_USAGE;
        }
      if (system && options.rules != SVFSD_RULES_SYSTEM)
        {
          g_printerr ("sandboxvfsd: --system always uses the system rules\n");
          return EXIT_USAGE;
        }
    }

  /* Under the system rules nothing the service starts (processes spawned
   * in containers included) may gain privileges through execve(): no
   * setuid or file capabilities, whatever the mounts allow. */
  if (options.rules == SVFSD_RULES_SYSTEM && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    {
      g_printerr ("sandboxvfsd: cannot set no_new_privs: %s\n", g_strerror (errno));
      return EXIT_FAILURE;
    }

  /* Relative paths in a spec must not depend on where we were started. */
  if (chdir ("/") != 0)
    return EXIT_FAILURE;
  /* A client that goes away mid-reply must not kill the service. */
  signal (SIGPIPE, SIG_IGN);

  if (address != NULL)
    connection = g_dbus_connection_new_for_address_sync (address,
                                                         G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                         G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                         NULL, NULL, &error);
  else
    connection = g_bus_get_sync (system ? G_BUS_TYPE_SYSTEM : G_BUS_TYPE_SESSION, NULL, &error);
  if (connection == NULL)
    {
      g_printerr ("sandboxvfsd: cannot connect to the bus: %s\n", error->message);
      return EXIT_FAILURE;
    }
  g_dbus_connection_set_exit_on_close (connection, FALSE);

  m.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (connection, "closed", G_CALLBACK (connection_closed_cb), &m);
  /* The signals that stop a service end it through the main loop, so that
   * its containers go with it. SIGHUP too: a service started by hand goes
   * when its terminal does. */
  g_unix_signal_add (SIGINT, quit_on_signal, &m);
  g_unix_signal_add (SIGTERM, quit_on_signal, &m);
  g_unix_signal_add (SIGHUP, quit_on_signal, &m);

  daemon = svfsd_daemon_new (connection, &options);
  g_signal_connect (daemon, "idle", G_CALLBACK (quit_on_idle), &m);
  if (!svfsd_daemon_start (daemon, &error))
    {
      g_printerr ("sandboxvfsd: %s\n", error->message);
      return EXIT_FAILURE;
    }

  /* Export first, then own the name: a client that sees the name finds
   * the objects. */
  owner_id = g_bus_own_name_on_connection (connection, SVFSD_BUS_NAME,
                                           G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                           name_acquired_cb, (GBusNameLostCallback) name_lost_cb,
                                           &m, NULL);

  g_main_loop_run (m.loop);

  /* Every container goes with the service; the owners hear Closed. */
  svfsd_daemon_stop (daemon);
  g_bus_unown_name (owner_id);
  g_dbus_connection_flush_sync (connection, NULL, NULL);
  g_main_loop_unref (m.loop);
  return m.status;
}
