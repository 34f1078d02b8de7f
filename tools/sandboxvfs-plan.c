/* sandboxvfs-plan.c: `sandboxvfs plan`
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>

#include "sandboxvfs-common.h"

int
svfs_cli_plan_main (int    argc,
                    char **argv)
{
  static const SvfsCliFormat formats[] = {
    SVFS_CLI_FORMAT_JSON, SVFS_CLI_FORMAT_TABLE, SVFS_CLI_FORMAT_TREE, (SvfsCliFormat) -1
  };
  g_autofree char *bundle = NULL;
  g_autofree char *format_arg = NULL;
  g_auto(GStrv) config_args = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autofree char *text = NULL;
  SvfsCliFormat format = SVFS_CLI_FORMAT_TABLE;
  const char *spec_arg = NULL;
  int status;
  const GOptionEntry entries[] = {
    { "bundle", 'b', 0, G_OPTION_ARG_FILENAME, &bundle,
      "Read DIR/config.json; relative paths resolve against DIR", "DIR" },
    { "config", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &config_args,
      "Set a runtime configuration key, e.g. overlay2=root:memory (repeatable)", "KEY=VALUE" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_arg,
      "Output format: table (default), tree or json", "FORMAT" },
    { NULL }
  };

  context = g_option_context_new ("(SPEC | --bundle DIR)");
  g_option_context_set_summary (context,
    "Compile the mount plan of an OCI runtime spec and print it, without\n"
    "side effects: which mounts the container gets, in mount order, with type,\n"
    "source, data, flags, overlays, shared mounts, devices, skipped entries\n"
    "and warnings. SPEC may be \"-\" for standard input.");
  g_option_context_add_main_entries (context, entries, NULL);

  status = svfs_cli_parse_options (context, "plan", &argc, &argv);
  if (status >= 0)
    return status;
  if (format_arg != NULL && !svfs_cli_parse_format (format_arg, formats, &format, &error))
    return svfs_cli_usage_error ("plan", error->message);
  status = svfs_cli_take_spec_arg ("plan", argc, argv, bundle, &spec_arg);
  if (status >= 0)
    return status;

  plan = svfs_cli_compile (spec_arg, bundle, config_args, NULL, &error);
  if (plan == NULL)
    return svfs_cli_fail (format, SVFS_ERROR_INVALID_SPEC, error);

  switch (format)
    {
    case SVFS_CLI_FORMAT_JSON:
      text = svfs_mount_plan_to_json (plan);
      printf ("%s\n", text);
      break;
    case SVFS_CLI_FORMAT_TREE:
      text = svfs_mount_plan_to_tree (plan);
      fputs (text, stdout);
      break;
    case SVFS_CLI_FORMAT_TABLE:
    default:
      text = svfs_mount_plan_to_table (plan);
      fputs (text, stdout);
      break;
    }

  return SVFS_CLI_EXIT_OK;
}
