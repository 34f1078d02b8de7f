/* sandboxvfs.c: the sandboxvfs command-line tool
 *
 * Each subcommand lives in its own file; this one only dispatches.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "sandboxvfs-common.h"

static const SvfsCliCommand commands[] = {
  { "devices", "List the NVIDIA GPUs and TPUs of this host", svfs_cli_devices_main },
  { "fstypes", "List the filesystem types the compiler knows", svfs_cli_fstypes_main },
  { "plan", "Compile and print the mount plan of a spec", svfs_cli_plan_main },
  { "run", "Build the filesystem view in new namespaces and run the process", svfs_cli_run_main },
  { "validate", "Check an OCI runtime spec and list its problems", svfs_cli_validate_main },
  { NULL }
};

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage:\n"
           "  sandboxvfs COMMAND [OPTION…]\n"
           "\n"
           "Build a container's filesystem view from an OCI runtime spec.\n"
           "\n"
           "Commands:\n");
  for (const SvfsCliCommand *c = commands; c->name != NULL; c++)
    fprintf (out, "  %-10s %s\n", c->name, c->summary);
  fprintf (out,
           "\n"
           "Options:\n"
           "  -h, --help     Show this help\n"
           "  --version      Show the version\n"
           "\n"
           "Run \"sandboxvfs COMMAND --help\" for a command's options.\n");
}

/* Output that could not be written (a full disk, a closed pipe when
 * SIGPIPE is ignored) is a failure, not a success with a truncated plan. */
static int
finish (int status)
{
  errno = 0;
  if (fflush (stdout) != 0 && errno != 0)
    fprintf (stderr, "sandboxvfs: cannot write to standard output: %s\n", g_strerror (errno));
  else if (ferror (stdout))
    fprintf (stderr, "sandboxvfs: cannot write to standard output\n");
  else
    return status;

  return status == SVFS_CLI_EXIT_OK ? SVFS_CLI_EXIT_FAILURE : status;
}

int
main (int    argc,
      char **argv)
{
  /* Only the character set matters here (GOption and g_printerr convert
   * through it); there are no translations to load. */
  setlocale (LC_CTYPE, "");

  if (argc < 2)
    {
      print_usage (stderr);
      return SVFS_CLI_EXIT_USAGE;
    }

  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return finish (SVFS_CLI_EXIT_OK);
    }

  if (strcmp (argv[1], "--version") == 0)
    return finish (svfs_cli_print_version ());

  for (const SvfsCliCommand *c = commands; c->name != NULL; c++)
    {
      if (strcmp (argv[1], c->name) == 0)
        {
          g_autofree char *prgname = g_strdup_printf ("sandboxvfs %s", c->name);
          g_set_prgname (prgname);
          return finish (c->run (argc - 1, argv + 1));
        }
    }

  fprintf (stderr, "sandboxvfs: unknown command \"%s\"\n", argv[1]);
  fprintf (stderr, "Try \"sandboxvfs --help\" for the list of commands.\n");
  return SVFS_CLI_EXIT_USAGE;
}
