/* sandboxvfs-fstypes.c: `sandboxvfs fstypes`
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sandboxvfs-common.h"

static void
print_json (GListModel *types)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint n = g_list_model_get_n_items (types);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "filesystem-types");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsFilesystemType) type = g_list_model_get_item (types, i);
      const char * const *keys = svfs_filesystem_type_get_data_keys (type);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, svfs_filesystem_type_get_name (type));
      json_builder_set_member_name (builder, "allow-user-mount");
      json_builder_add_boolean_value (builder, svfs_filesystem_type_get_allow_user_mount (type));
      json_builder_set_member_name (builder, "allow-user-list");
      json_builder_add_boolean_value (builder, svfs_filesystem_type_get_allow_user_list (type));
      json_builder_set_member_name (builder, "strict-options");
      json_builder_add_boolean_value (builder, svfs_filesystem_type_get_strict_options (type));
      json_builder_set_member_name (builder, "data-keys");
      json_builder_begin_array (builder);
      for (guint k = 0; keys[k] != NULL; k++)
        json_builder_add_string_value (builder, keys[k]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  svfs_cli_print_json (root);
}

static const char *
yes_no (gboolean value)
{
  return value ? "yes" : "no";
}

static void
print_table (GListModel *types)
{
  static const char * const headings[] = { "NAME", "USER-MOUNT", "USER-LIST", "DATA-KEYS", NULL };
  guint n = g_list_model_get_n_items (types);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsFilesystemType) type = g_list_model_get_item (types, i);
      const char * const *keys = svfs_filesystem_type_get_data_keys (type);
      char **row = g_new0 (char *, G_N_ELEMENTS (headings));

      row[0] = g_strdup (svfs_filesystem_type_get_name (type));
      row[1] = g_strdup (yes_no (svfs_filesystem_type_get_allow_user_mount (type)));
      row[2] = g_strdup (yes_no (svfs_filesystem_type_get_allow_user_list (type)));
      row[3] = keys[0] != NULL ? g_strjoinv (",", (char **) keys) : g_strdup ("-");
      g_ptr_array_add (rows, row);
    }

  svfs_cli_print_table (headings, rows);
}

int
svfs_cli_fstypes_main (int    argc,
                       char **argv)
{
  static const SvfsCliFormat formats[] = {
    SVFS_CLI_FORMAT_TABLE, SVFS_CLI_FORMAT_JSON, (SvfsCliFormat) -1
  };
  g_autofree char *format_arg = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) types = NULL;
  SvfsCliFormat format = SVFS_CLI_FORMAT_TABLE;
  int status;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_arg,
      "Output format: table (default) or json", "FORMAT" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
    "List the filesystem types the mount compiler knows, sorted by name:\n"
    "whether an application in the container may mount them (USER-MOUNT)\n"
    "or see them in /proc/filesystems (USER-LIST), and which mount options\n"
    "are data for the filesystem (DATA-KEYS). A mount of any other type is\n"
    "skipped. With --format json, \"strict-options\" tells whether an\n"
    "unknown mount option is an error rather than a warning.");
  g_option_context_add_main_entries (context, entries, NULL);

  status = svfs_cli_parse_options (context, "fstypes", &argc, &argv);
  if (status >= 0)
    return status;

  if (format_arg != NULL && !svfs_cli_parse_format (format_arg, formats, &format, &error))
    return svfs_cli_usage_error ("fstypes", error->message);

  if (argc > 1)
    return svfs_cli_usage_error ("fstypes", "too many arguments");

  types = svfs_filesystem_type_list_registered ();

  if (format == SVFS_CLI_FORMAT_JSON)
    print_json (types);
  else
    print_table (types);

  return SVFS_CLI_EXIT_OK;
}
