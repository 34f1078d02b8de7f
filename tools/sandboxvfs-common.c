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

static const char *format_names[] = {
  [SVFS_CLI_FORMAT_TEXT] = "text",
  [SVFS_CLI_FORMAT_JSON] = "json",
  [SVFS_CLI_FORMAT_TABLE] = "table",
  [SVFS_CLI_FORMAT_TREE] = "tree",
  [SVFS_CLI_FORMAT_CDI] = "cdi",
};

int
svfs_cli_fail (SvfsCliFormat  format,
               const GError  *error)
{
  if (format == SVFS_CLI_FORMAT_JSON)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      const char *code = "failed";

      if (error->domain == SVFS_ERROR)
        code = svfs_error_to_string (error->code);

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
      fprintf (stderr, "sandboxvfs: %s\n", error->message);
    }

  return SVFS_CLI_EXIT_FAILURE;
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
  if (bundle != NULL && argc > 1)
    return svfs_cli_usage_error (command, "give either SPEC or --bundle DIR, not both");
  if (bundle == NULL && argc < 2)
    return svfs_cli_usage_error (command, "missing SPEC (a config.json path, or - for stdin)");
  if (bundle == NULL && argc > 2)
    return svfs_cli_usage_error (command, "too many arguments");

  *spec_arg = bundle == NULL ? argv[1] : NULL;
  return -1;
}

static GBytes *
read_bounded (int          fd,
              const char  *what,
              GError     **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  guint8 chunk[65536];

  for (;;)
    {
      ssize_t n = read (fd, chunk, sizeof chunk);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                       "cannot read %s: %s", what, g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      g_byte_array_append (buf, chunk, (guint) n);
      /* Stop one byte past the limit: enough for the parser to report the
       * size error, without reading an endless stream into memory. */
      if (buf->len > SVFS_SPEC_MAX_SIZE)
        break;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

GBytes *
svfs_cli_read_spec (const char  *spec_arg,
                    const char  *bundle_arg,
                    char       **bundle_dir,
                    GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  GBytes *bytes;
  int fd;

  if (g_strcmp0 (spec_arg, "-") == 0)
    {
      dir = g_get_current_dir ();
      bytes = read_bounded (STDIN_FILENO, "standard input", error);
      if (bytes != NULL && bundle_dir != NULL)
        *bundle_dir = g_steal_pointer (&dir);
      return bytes;
    }

  if (bundle_arg != NULL)
    path = g_build_filename (bundle_arg, "config.json", NULL);
  else
    path = g_strdup (spec_arg);

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, SVFS_ERROR,
                   saved == ENOENT ? SVFS_ERROR_NOT_FOUND : SVFS_ERROR_INVALID_SPEC,
                   "cannot open %s: %s", path, g_strerror (saved));
      return NULL;
    }

  bytes = read_bounded (fd, path, error);
  close (fd);

  if (bytes != NULL && bundle_dir != NULL)
    {
      g_autofree char *parent = g_path_get_dirname (path);
      *bundle_dir = g_canonicalize_filename (parent, NULL);
    }

  return bytes;
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

void
svfs_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}
