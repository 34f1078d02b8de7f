/* sandboxvfs-common.c: shared plumbing of the sandboxvfs subcommands
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sandboxvfs-common.h"
#include "svfs-json-private.h"
#include "svfs-path-private.h"

static const char *format_names[] = {
  [SVFS_CLI_FORMAT_TEXT] = "text",
  [SVFS_CLI_FORMAT_JSON] = "json",
  [SVFS_CLI_FORMAT_TABLE] = "table",
  [SVFS_CLI_FORMAT_TREE] = "tree",
  [SVFS_CLI_FORMAT_CDI] = "cdi",
};

/* The contract's name for @error: its own for an SvfsError; for GLib's
 * file and I/O errors the SvfsError that means the same; else @fallback.
 * Never a name outside the contract's list. */
static const char *
error_code (const GError *error,
            SvfsError     fallback)
{
  GEnumClass *klass;
  gboolean known;

  if (error->domain == SVFS_ERROR)
    {
      klass = g_type_class_ref (SVFS_TYPE_ERROR);
      known = g_enum_get_value (klass, error->code) != NULL;
      g_type_class_unref (klass);
      return svfs_error_to_string (known ? (SvfsError) error->code : fallback);
    }

  if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return svfs_error_to_string (SVFS_ERROR_NOT_FOUND);
  if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_ACCES) ||
      g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_PERM) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return svfs_error_to_string (SVFS_ERROR_PERMISSION_DENIED);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    return svfs_error_to_string (SVFS_ERROR_UNSUPPORTED);
  return svfs_error_to_string (fallback);
}

int
svfs_cli_fail (SvfsCliFormat  format,
               SvfsError      fallback,
               const GError  *error)
{
  if (format == SVFS_CLI_FORMAT_JSON)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      const char *code = error_code (error, fallback);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, code);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, error->message);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      svfs_cli_print_json (root);
    }
  else
    {
      g_auto(GStrv) lines = g_strsplit (error->message, "\n", -1);
      g_autoptr(GString) line = g_string_new (NULL);

      /* One line, whatever the message: blank lines are dropped. */
      for (guint i = 0; lines[i] != NULL; i++)
        {
          if (lines[i][0] == '\0')
            continue;
          if (line->len > 0)
            g_string_append (line, "; ");
          g_string_append (line, lines[i]);
        }
      fprintf (stderr, "sandboxvfs: %s\n", line->str);
    }

  return SVFS_CLI_EXIT_FAILURE;
}

int
svfs_cli_print_version (void)
{
  printf ("sandboxvfs %s\n", SVFS_VERSION_S);
  return SVFS_CLI_EXIT_OK;
}

int
svfs_cli_parse_options (GOptionContext   *context,
                        const char       *command,
                        int              *argc,
                        char           ***argv)
{
  gboolean version = FALSE;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Show the version and exit", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    return svfs_cli_usage_error (command, error->message);
  if (version)
    return svfs_cli_print_version ();
  return -1;
}

int
svfs_cli_usage_error (const char *command,
                      const char *message)
{
  fprintf (stderr, "sandboxvfs %s: %s\n", command, message);
  fprintf (stderr, "Try \"sandboxvfs %s --help\" for more information.\n", command);
  return SVFS_CLI_EXIT_USAGE;
}

gboolean
svfs_cli_parse_format (const char           *text,
                       const SvfsCliFormat  *allowed,
                       SvfsCliFormat        *format,
                       GError              **error)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (const SvfsCliFormat *f = allowed; *f != (SvfsCliFormat) -1; f++)
    {
      if (g_strcmp0 (text, format_names[*f]) == 0)
        {
          *format = *f;
          return TRUE;
        }
      g_string_append_printf (names, "%s%s", names->len ? ", " : "", format_names[*f]);
    }

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "unknown format \"%s\" (expected %s)", text, names->str);
  return FALSE;
}

int
svfs_cli_take_spec_arg (const char  *command,
                        int          argc,
                        char       **argv,
                        const char  *bundle,
                        const char **spec_arg)
{
  if (bundle != NULL && bundle[0] == '\0')
    return svfs_cli_usage_error (command, "--bundle: an empty directory name");
  if (bundle != NULL && argc > 1)
    return svfs_cli_usage_error (command, "give either SPEC or --bundle DIR, not both");
  if (bundle == NULL && argc < 2)
    return svfs_cli_usage_error (command, "missing SPEC (a config.json path, or - for stdin)");
  if (bundle == NULL && argc > 2)
    return svfs_cli_usage_error (command, "too many arguments");

  *spec_arg = bundle == NULL ? argv[1] : NULL;
  return -1;
}

/* Through the library's one bounded reader (svfs-path.c, built into this
 * program too): a SPEC that is not a regular file of at most
 * SVFS_SPEC_MAX_SIZE bytes is refused without being read, naming it. */
GBytes *
svfs_cli_read_spec (const char  *spec_arg,
                    const char  *bundle_arg,
                    char       **bundle_dir,
                    GError     **error)
{
  g_autofree char *path = NULL;
  gsize length = 0;
  char *data;

  if (g_strcmp0 (spec_arg, "-") == 0)
    {
      data = svfs_read_fd_bounded (STDIN_FILENO, "standard input", SVFS_SPEC_MAX_SIZE,
                                   SVFS_ERROR_INVALID_SPEC, &length, error);
      if (data != NULL && bundle_dir != NULL)
        *bundle_dir = g_get_current_dir ();
      return data != NULL ? g_bytes_new_take (data, length) : NULL;
    }

  if (bundle_arg != NULL)
    path = g_build_filename (bundle_arg, "config.json", NULL);
  else
    path = g_strdup (spec_arg);

  data = svfs_read_file_bounded (path, SVFS_SPEC_MAX_SIZE, TRUE, SVFS_ERROR_INVALID_SPEC, &length, error);
  if (data == NULL)
    return NULL;

  if (bundle_dir != NULL)
    *bundle_dir = svfs_spec_dir_of_path (path);

  return g_bytes_new_take (data, length);
}

SvfsSpec *
svfs_cli_load_spec (const char  *spec_arg,
                    const char  *bundle_arg,
                    GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *bundle_dir = NULL;
  SvfsSpec *spec;
  gsize len;
  const char *data;

  bytes = svfs_cli_read_spec (spec_arg, bundle_arg, &bundle_dir, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &len);
  spec = svfs_spec_new_from_data (data != NULL ? data : "", (gssize) len, error);
  if (spec != NULL)
    svfs_spec_set_bundle_dir (spec, bundle_dir);
  return spec;
}

SvfsConfig *
svfs_cli_build_config (char   **assignments,
                       GError **error)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();

  for (guint i = 0; assignments != NULL && assignments[i] != NULL; i++)
    {
      const char *eq = strchr (assignments[i], '=');
      g_autofree char *key = NULL;

      if (eq == NULL)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                       "--config %s: expected KEY=VALUE", assignments[i]);
          return NULL;
        }
      key = g_strndup (assignments[i], (gsize) (eq - assignments[i]));
      if (!svfs_config_set (config, key, eq + 1, error))
        return NULL;
    }

  return g_steal_pointer (&config);
}

SvfsMountPlan *
svfs_cli_compile (const char   *spec_arg,
                  const char   *bundle_arg,
                  char        **assignments,
                  SvfsMounter **mounter_out,
                  GError      **error)
{
  g_autoptr(SvfsConfig) config = NULL;
  g_autoptr(SvfsSpec) spec = NULL;
  g_autoptr(SvfsMounter) mounter = NULL;
  SvfsMountPlan *plan;

  /* Settings first: a bad --config value is reported even for a bad spec. */
  config = svfs_cli_build_config (assignments, error);
  if (config == NULL)
    return NULL;
  spec = svfs_cli_load_spec (spec_arg, bundle_arg, error);
  if (spec == NULL)
    return NULL;

  mounter = svfs_mounter_new (spec, config);
  plan = svfs_mounter_compile (mounter, error);
  if (plan != NULL && mounter_out != NULL)
    *mounter_out = g_steal_pointer (&mounter);
  return plan;
}

/* What a cell takes on a terminal: its characters (bytes when it is not
 * UTF-8, as each shows as one replacement character). */
static gsize
cell_width (const char *cell)
{
  return g_utf8_validate (cell, -1, NULL) ? (gsize) g_utf8_strlen (cell, -1) : strlen (cell);
}

void
svfs_cli_print_table (const char * const *headings,
                      GPtrArray          *rows)
{
  guint n_columns = g_strv_length ((char **) headings);
  g_autofree gsize *widths = g_new0 (gsize, n_columns);

  /* The last column is not padded: no trailing blanks, and its width does
   * not matter. */
  for (guint c = 0; c + 1 < n_columns; c++)
    {
      widths[c] = cell_width (headings[c]);
      for (guint r = 0; r < rows->len; r++)
        widths[c] = MAX (widths[c], cell_width (((char **) g_ptr_array_index (rows, r))[c]));
    }

  for (guint r = 0; r <= rows->len; r++)
    {
      const char * const *row = r == 0 ? headings : g_ptr_array_index (rows, r - 1);

      for (guint c = 0; c + 1 < n_columns; c++)
        printf ("%s%*s", row[c], (int) (widths[c] + 2 - cell_width (row[c])), "");
      printf ("%s\n", row[n_columns - 1]);
    }
}

void
svfs_cli_print_json (JsonNode *node)
{
  g_autofree char *text = svfs_json_to_data (node, TRUE, NULL);

  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}
