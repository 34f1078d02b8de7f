/* svfs-path-private.h: lexical path handling and in-root lookups
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Lexically cleans an absolute or relative path: collapses "//", drops "."
 * components and trailing "/", resolves ".." (an absolute path cannot go
 * above "/").  "" gives ".". */
char     *svfs_path_clean          (const char *path) G_GNUC_WARN_UNUSED_RESULT;

/* Whether @path is @dir or lies below it; both must be clean. */
gboolean  svfs_path_has_prefix     (const char *path,
                                    const char *dir);

typedef enum {
  SVFS_ROOT_DIR_MISSING,      /* ENOENT, or a dangling symlink */
  SVFS_ROOT_DIR_EMPTY,
  SVFS_ROOT_DIR_NOT_EMPTY,
  SVFS_ROOT_DIR_NOT_A_DIRECTORY,
  SVFS_ROOT_DIR_UNREADABLE,   /* the root or the path could not be read */
} SvfsRootDirState;

/* Looks at @path (absolute, inside the container) under the host directory
 * @root as the container will see it: symlinks are followed inside @root
 * (absolute targets restart at @root, ".." stops at @root), never out of
 * it.  Reads only; used by the compiler for the auto-/tmp decision. */
SvfsRootDirState svfs_path_probe_dir_in_root (const char *root,
                                              const char *path);

/* Reads a whole file with plain open/read/close, for /proc files (whose
 * size stat does not tell): fewer calls than g_file_get_contents(). */
char     *svfs_read_proc_file      (const char  *path,
                                    GError     **error);

G_END_DECLS
