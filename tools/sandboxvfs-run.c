/* sandboxvfs-run.c: `sandboxvfs run`
 *
 * Compiles the bundle's plan, applies it and runs the spec's process (or
 * ARGV) inside; exits with the process's status.  All the work is the
 * library's (SvfsMounter.apply, SvfsMountNamespace.spawn); this file only
 * parses the command line and forwards signals.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "sandboxvfs-common.h"

static volatile sig_atomic_t child_pid;

/* SIGTERM, SIGHUP, SIGINT and SIGQUIT sent to us go on to the process.
 * The terminal's SIGINT and SIGQUIT (Ctrl-C, Ctrl-\) do not: the terminal
 * signals its whole foreground process group, which the process shares
 * with us, so it already has them.  The kernel sends them with si_code
 * SI_KERNEL; kill() from another process gives SI_USER. */
static void
forward_signal (int        sig,
                siginfo_t *info,
                void      *context)
{
  if ((sig == SIGINT || sig == SIGQUIT) && info->si_code == SI_KERNEL)
    return;
  if (child_pid > 0)
    kill ((pid_t) child_pid, sig);
}

int
svfs_cli_run_main (int    argc,
                   char **argv)
{
  g_autofree char *bundle = NULL;
  g_auto(GStrv) config_args = NULL;
  g_auto(GStrv) command = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;
  const char * const *warnings;
  struct sigaction sa = { .sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO };
  static const int forwarded[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT };
  sigset_t held, saved_mask;
  int status = 0;
  int parsed;
  GPid pid;
  const GOptionEntry entries[] = {
    { "bundle", 'b', 0, G_OPTION_ARG_FILENAME, &bundle,
      "Read DIR/config.json; relative paths resolve against DIR", "DIR" },
    { "config", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &config_args,
      "Set a runtime configuration key, e.g. overlay2=root:memory (repeatable)", "KEY=VALUE" },
    /* No description: GOption would put it in the usage line a second
     * time, before the parameter string that already names ARGV. */
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &command, NULL, NULL },
    { NULL }
  };

  context = g_option_context_new ("--bundle DIR [-- ARGV…]");
  g_option_context_set_summary (context,
    "Build the bundle's filesystem view in new namespaces and run process.args\n"
    "(or ARGV) inside with the spec's environment, working directory and user.\n"
    "Exits with the process's status (128+N when killed by signal N). Nothing\n"
    "stays behind on the host. An ordinary user gets a user namespace in which\n"
    "they are root (where the host allows unprivileged user namespaces).");
  g_option_context_add_main_entries (context, entries, NULL);

  parsed = svfs_cli_parse_options (context, "run", &argc, &argv);
  if (parsed >= 0)
    return parsed;
  if (bundle == NULL)
    return svfs_cli_usage_error ("run", "missing --bundle DIR");
  if (bundle[0] == '\0')
    return svfs_cli_usage_error ("run", "--bundle: an empty directory name");

  plan = svfs_cli_compile (NULL, bundle, config_args, &mounter, &error);
  if (plan == NULL)
    return svfs_cli_fail (SVFS_CLI_FORMAT_TEXT, SVFS_ERROR_INVALID_SPEC, error);

  ns = svfs_mounter_apply (mounter, plan, NULL, &error);
  if (ns == NULL)
    return svfs_cli_fail (SVFS_CLI_FORMAT_TEXT, SVFS_ERROR_MOUNT_FAILED, error);
  warnings = svfs_mount_namespace_get_warnings (ns);
  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    fprintf (stderr, "sandboxvfs: warning: %s\n", warnings[i]);

  /* Until the process exists there is no one to forward to: the signals
   * wait, blocked, and reach it once it does (a supervisor's SIGTERM
   * during the spawn is not lost).  The process starts with none blocked. */
  sigemptyset (&held);
  for (guint i = 0; i < G_N_ELEMENTS (forwarded); i++)
    sigaddset (&held, forwarded[i]);
  pthread_sigmask (SIG_BLOCK, &held, &saved_mask);
  for (guint i = 0; i < G_N_ELEMENTS (forwarded); i++)
    sigaction (forwarded[i], &sa, NULL);

  pid = svfs_mount_namespace_spawn (ns, (const char * const *) (command != NULL && command[0] != NULL ? command : NULL),
                                    NULL, NULL, &error);
  if (pid <= 0)
    {
      svfs_mount_namespace_close (ns);
      return svfs_cli_fail (SVFS_CLI_FORMAT_TEXT, SVFS_ERROR_MOUNT_FAILED, error);
    }
  child_pid = pid;
  pthread_sigmask (SIG_SETMASK, &saved_mask, NULL);

  if (!svfs_mount_namespace_wait (ns, pid, &status, &error))
    {
      svfs_mount_namespace_close (ns);
      return svfs_cli_fail (SVFS_CLI_FORMAT_TEXT, SVFS_ERROR_MOUNT_FAILED, error);
    }
  child_pid = 0;
  svfs_mount_namespace_close (ns);

  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return SVFS_CLI_EXIT_FAILURE;
}
