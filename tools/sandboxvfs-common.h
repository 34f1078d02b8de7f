/* sandboxvfs-common.h: shared plumbing of the sandboxvfs subcommands
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsandboxvfs.h>

G_BEGIN_DECLS

/* Exit statuses of the CLI (shared/design/CONTRACT.md §3). */
enum {
  SVFS_CLI_EXIT_OK = 0,
  SVFS_CLI_EXIT_FAILURE = 1,
  SVFS_CLI_EXIT_USAGE = 2,
};

typedef enum {
  SVFS_CLI_FORMAT_TEXT,
  SVFS_CLI_FORMAT_JSON,
  SVFS_CLI_FORMAT_TABLE,
  SVFS_CLI_FORMAT_TREE,
  SVFS_CLI_FORMAT_CDI,
} SvfsCliFormat;

typedef struct {
  const char *name;
  const char *summary;
  int       (*run) (int argc, char **argv);
} SvfsCliCommand;

int       svfs_cli_devices_main    (int           argc,
                                    char        **argv);
int       svfs_cli_fstypes_main    (int           argc,
                                    char        **argv);
int       svfs_cli_validate_main   (int           argc,
                                    char        **argv);
int       svfs_cli_plan_main       (int           argc,
                                    char        **argv);
int       svfs_cli_run_main        (int           argc,
                                    char        **argv);

/* Prints "sandboxvfs: <message>" on stderr, as one line (the lines of a
 * message of several, such as a spec's problems, joined by "; "), or the
 * JSON error object on stdout when @format is JSON, and returns
 * SVFS_CLI_EXIT_FAILURE.  The JSON code is always one of the contract's:
 * an error of another domain (or an SvfsError with no name) that none of
 * them describes gets @fallback's, the code of what the command was
 * doing. */
int       svfs_cli_fail            (SvfsCliFormat format,
                                    SvfsError     fallback,
                                    const GError *error);
/* Prints "sandboxvfs VERSION" on stdout and returns SVFS_CLI_EXIT_OK. */
int       svfs_cli_print_version   (void);
/* Parses a command's options, adding --version to them (every command
 * takes --help and --version): returns -1 to go on, else the status to
 * exit with, after printing the version or the usage error. */
int       svfs_cli_parse_options   (GOptionContext *context,
                                    const char   *command,
                                    int          *argc,
                                    char       ***argv);
/* Prints "sandboxvfs <command>: <message>" and a hint on stderr and returns
 * SVFS_CLI_EXIT_USAGE. */
int       svfs_cli_usage_error     (const char   *command,
                                    const char   *message);
gboolean  svfs_cli_parse_format    (const char   *text,
                                    const SvfsCliFormat *allowed,
                                    SvfsCliFormat *format,
                                    GError      **error);
/* Checks what is left of the command line of a command that takes
 * "SPEC | --bundle DIR": returns -1 and sets @spec_arg (NULL with
 * --bundle) when it is right, else prints the usage error and returns
 * SVFS_CLI_EXIT_USAGE. */
int       svfs_cli_take_spec_arg   (const char   *command,
                                    int           argc,
                                    char        **argv,
                                    const char   *bundle,
                                    const char  **spec_arg);
/* Reads SPEC ("-" for stdin) or DIR/config.json, at most
 * SVFS_SPEC_MAX_SIZE + 1 bytes; @bundle_dir receives the directory that
 * relative paths resolve against. */
GBytes   *svfs_cli_read_spec       (const char   *spec_arg,
                                    const char   *bundle_arg,
                                    char        **bundle_dir,
                                    GError      **error);
/* Loads and validates a spec as above. */
SvfsSpec *svfs_cli_load_spec       (const char   *spec_arg,
                                    const char   *bundle_arg,
                                    GError      **error);
/* Applies "KEY=VALUE" strings to a new config, each checked as given. */
SvfsConfig *svfs_cli_build_config  (char        **assignments,
                                    GError      **error);
/* Loads the spec, applies "KEY=VALUE" settings and compiles the plan;
 * @mounter (optional) receives the mounter, to apply the plan with. */
SvfsMountPlan *svfs_cli_compile    (const char   *spec_arg,
                                    const char   *bundle_arg,
                                    char        **assignments,
                                    SvfsMounter **mounter,
                                    GError      **error);
/* Prints @headings, then each of @rows (string arrays of as many cells),
 * in columns two blanks apart, each as wide as its widest cell in
 * characters; the last column is not padded. */
void      svfs_cli_print_table     (const char * const *headings,
                                    GPtrArray    *rows);
void      svfs_cli_print_json      (JsonNode     *node);

G_END_DECLS
