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

/* The one bounded whole-file reader, for spec files, CDI spec files and
 * the CLI (which builds this file too).  Opens @path with plain
 * open(O_NONBLOCK) and fstat(), never openat2 (umockdev's preload must be
 * able to redirect it), so opening a FIFO cannot block; refuses
 * directories, devices and sockets, and a file over @max_size bytes
 * without reading it; never reads more than one byte past @max_size (a
 * growing file).  A pipe (`<(cmd)`, a FIFO) is read to its end when
 * @allow_pipe, as a user who names one expects, and refused otherwise
 * (files found by scanning a directory: a FIFO there could stall the
 * scan); a FIFO without a writer reads as empty, it does not wait.
 *
 * Returns the contents with a NUL appended (they may hold NUL bytes:
 * *@length, when given, is their real length).  Errors are SVFS_ERROR
 * with a message "<path>: <why>": SVFS_ERROR_NOT_FOUND when @path does
 * not exist, @error_code (an SvfsError) for everything else. */
char     *svfs_read_file_bounded   (const char  *path,
                                    gsize        max_size,
                                    gboolean     allow_pipe,
                                    int          error_code,
                                    gsize       *length,
                                    GError     **error);

/* The bundle directory of a spec read from @path: the directory holding
 * it, canonical; the current directory when @path is a pipe (`<(cmd)` is
 * /dev/fd/63, whose directory means nothing), as for standard input. */
char     *svfs_spec_dir_of_path    (const char  *path);

/* The same for an open @fd of any kind (standard input): reads to its end,
 * failing with "<name>: larger than …" once it has more than @max_size
 * bytes.  @name is a display name, such as "standard input". */
char     *svfs_read_fd_bounded     (int          fd,
                                    const char  *name,
                                    gsize        max_size,
                                    int          error_code,
                                    gsize       *length,
                                    GError     **error);

G_END_DECLS
