/* sandboxvfs-validate.c: `sandboxvfs validate`
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>

#include "sandboxvfs-common.h"

static void
print_json_result (char **problems)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, problems[0] == NULL);
  json_builder_set_member_name (builder, "problems");
  json_builder_begin_array (builder);
  for (guint i = 0; problems[i] != NULL; i++)
    json_builder_add_string_value (builder, problems[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  svfs_cli_print_json (root);
}

int
svfs_cli_validate_main (int    argc,
                        char **argv)
{
  static const SvfsCliFormat formats[] = {
    SVFS_CLI_FORMAT_TEXT, SVFS_CLI_FORMAT_JSON, (SvfsCliFormat) -1
  };
  g_autofree char *bundle = NULL;
  g_autofree char *format_arg = NULL;
  g_auto(GStrv) config_args = NULL;
  g_auto(GStrv) problems = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(SvfsConfig) config = NULL;
  SvfsCliFormat format = SVFS_CLI_FORMAT_TEXT;
  const char *spec_arg = NULL;
  int status;
  const char *data;
  gsize len;
  const GOptionEntry entries[] = {
    { "bundle", 'b', 0, G_OPTION_ARG_FILENAME, &bundle,
      "Read DIR/config.json", "DIR" },
    { "config", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &config_args,
      "Also check a runtime configuration setting (repeatable)", "KEY=VALUE" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_arg,
      "Output format: text (default) or json", "FORMAT" },
    { NULL }
  };

  context = g_option_context_new ("(SPEC | --bundle DIR)");
  g_option_context_set_summary (context,
    "Check an OCI runtime-spec config.json. Prints one line per problem as\n"
    "\"<json-path>: <message>\" on standard output. SPEC may be \"-\" for\n"
    "standard input.\n\n"
    "Exit status: 0 when the spec is valid, 1 when it is not, 2 on a usage error.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_strict_posix (context, FALSE);

  status = svfs_cli_parse_options (context, "validate", &argc, &argv);
  if (status >= 0)
    return status;

  if (format_arg != NULL && !svfs_cli_parse_format (format_arg, formats, &format, &error))
    return svfs_cli_usage_error ("validate", error->message);

  status = svfs_cli_take_spec_arg ("validate", argc, argv, bundle, &spec_arg);
  if (status >= 0)
    return status;

  config = svfs_cli_build_config (config_args, &error);
  if (config == NULL)
    return svfs_cli_fail (format, SVFS_ERROR_INVALID_CONFIG, error);

  bytes = svfs_cli_read_spec (spec_arg, bundle, NULL, &error);
  if (bytes == NULL)
    return svfs_cli_fail (format, SVFS_ERROR_INVALID_SPEC, error);

  data = g_bytes_get_data (bytes, &len);
  problems = svfs_spec_check_data (data != NULL ? data : "", (gssize) len);

  if (format == SVFS_CLI_FORMAT_JSON)
    print_json_result (problems);
  else
    for (guint i = 0; problems[i] != NULL; i++)
      printf ("%s\n", problems[i]);

  return problems[0] == NULL ? SVFS_CLI_EXIT_OK : SVFS_CLI_EXIT_FAILURE;
}
