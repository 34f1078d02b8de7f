/* svfs-path.c: lexical path handling and in-root lookups
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "svfs-path-private.h"
/* The umbrella header rather than svfs-error.h alone: the sandboxvfs CLI
 * builds this file too (for svfs_read_file_bounded()), outside the
 * library, where only <libsandboxvfs.h> may be included. */
#include "libsandboxvfs.h"

#define MAX_SYMLINK_HOPS 40

char *
svfs_path_clean (const char *path)
{
  gboolean absolute = path[0] == '/';
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  GString *result;
  guint dotdots = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *p = parts[i];

      if (p[0] == '\0' || strcmp (p, ".") == 0)
        continue;
      if (strcmp (p, "..") == 0)
        {
          if (out->len > dotdots)
            g_ptr_array_set_size (out, out->len - 1);
          else if (!absolute)
            {
              g_ptr_array_add (out, (gpointer) p);
              dotdots++;
            }
          continue;
        }
      g_ptr_array_add (out, (gpointer) p);
    }

  result = g_string_new (absolute ? "/" : "");
  for (guint i = 0; i < out->len; i++)
    {
      if (i > 0)
        g_string_append_c (result, '/');
      g_string_append (result, g_ptr_array_index (out, i));
    }
  if (result->len == 0)
    g_string_append_c (result, '.');
  return g_string_free (result, FALSE);
}

gboolean
svfs_path_has_prefix (const char *path,
                      const char *dir)
{
  gsize len = strlen (dir);

  if (strcmp (dir, "/") == 0)
    return path[0] == '/';
  return strncmp (path, dir, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

/* Resolves @path below the directory fd @rootfd, following symlinks inside
 * the root, and returns an O_PATH fd of the result, or -1 with errno. */
static int
resolve_in_root (int         rootfd,
                 const char *path)
{
  g_autoptr(GPtrArray) todo = g_ptr_array_new_with_free_func (g_free);
  int fd = dup (rootfd);
  guint hops = 0;
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);

  if (fd < 0)
    return -1;

  /* Components are processed from the end of @todo, so push in reverse. */
  for (guint n = g_strv_length (parts); n > 0; n--)
    g_ptr_array_add (todo, g_strdup (parts[n - 1]));

  while (todo->len > 0)
    {
      g_autofree char *name = g_ptr_array_steal_index (todo, todo->len - 1);
      struct stat st;
      int next;

      if (name[0] == '\0' || strcmp (name, ".") == 0)
        continue;

      if (strcmp (name, "..") == 0)
        {
          struct stat here, top;

          /* ".." never leaves the root. */
          if (fstat (fd, &here) == 0 && fstat (rootfd, &top) == 0 &&
              here.st_dev == top.st_dev && here.st_ino == top.st_ino)
            continue;
        }

      if (fstatat (fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        {
          int saved = errno;
          close (fd);
          errno = saved;
          return -1;
        }

      if (S_ISLNK (st.st_mode))
        {
          char target[PATH_MAX];
          ssize_t len;
          g_auto(GStrv) tparts = NULL;

          if (++hops > MAX_SYMLINK_HOPS)
            {
              close (fd);
              errno = ELOOP;
              return -1;
            }
          len = readlinkat (fd, name, target, sizeof target - 1);
          if (len < 0)
            {
              int saved = errno;
              close (fd);
              errno = saved;
              return -1;
            }
          target[len] = '\0';
          if (target[0] == '/')
            {
              close (fd);
              fd = dup (rootfd);
              if (fd < 0)
                return -1;
            }
          tparts = g_strsplit (target, "/", -1);
          for (guint n = g_strv_length (tparts); n > 0; n--)
            g_ptr_array_add (todo, g_strdup (tparts[n - 1]));
          continue;
        }

      next = openat (fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      close (fd);
      if (next < 0)
        return -1;
      fd = next;
    }

  return fd;
}

SvfsRootDirState
svfs_path_probe_dir_in_root (const char *root,
                             const char *path)
{
  int rootfd, pathfd, dirfd;
  struct stat st;
  DIR *dir;
  struct dirent *entry;
  SvfsRootDirState state = SVFS_ROOT_DIR_EMPTY;

  rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return SVFS_ROOT_DIR_UNREADABLE;

  pathfd = resolve_in_root (rootfd, path);
  close (rootfd);
  if (pathfd < 0)
    return errno == ENOENT ? SVFS_ROOT_DIR_MISSING :
           errno == ENOTDIR ? SVFS_ROOT_DIR_NOT_A_DIRECTORY : SVFS_ROOT_DIR_UNREADABLE;

  if (fstat (pathfd, &st) < 0)
    {
      close (pathfd);
      return SVFS_ROOT_DIR_UNREADABLE;
    }
  if (!S_ISDIR (st.st_mode))
    {
      close (pathfd);
      return SVFS_ROOT_DIR_NOT_A_DIRECTORY;
    }

  dirfd = openat (pathfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  close (pathfd);
  if (dirfd < 0)
    return SVFS_ROOT_DIR_UNREADABLE;

  dir = fdopendir (dirfd);
  if (dir == NULL)
    {
      close (dirfd);
      return SVFS_ROOT_DIR_UNREADABLE;
    }
  while ((entry = readdir (dir)) != NULL)
    {
      if (strcmp (entry->d_name, ".") != 0 && strcmp (entry->d_name, "..") != 0)
        {
          state = SVFS_ROOT_DIR_NOT_EMPTY;
          break;
        }
    }
  closedir (dir);
  return state;
}

/* -- reading whole files ---------------------------------------------- */

typedef enum {
  READ_DONE,
  READ_FAILED,      /* errno says why */
  READ_TOO_LARGE,   /* @buffer holds more than the limit */
} ReadResult;

/* Reads the rest of @fd into *@out (NUL-terminated; *@length bytes of
 * data), reading never more than one byte past @max_size bytes in all.
 * The buffer starts with room for @hint bytes (a file's size when it is
 * known: no copy then, and the read that sees its end needs no more
 * room) and doubles when full. */
static ReadResult
read_to_end (int     fd,
             gsize   max_size,
             gsize   hint,
             char  **out,
             gsize  *length)
{
  gsize limit = max_size + 1;                 /* what may be read in all */
  gsize cap = CLAMP (hint, 1, limit) + 1;     /* + the NUL */
  char *buf = g_malloc (cap);
  gsize len = 0;

  for (;;)
    {
      ssize_t n;

      if (len + 1 == cap)
        {
          cap = MIN (cap * 2, limit + 1);
          buf = g_realloc (buf, cap);
        }
      n = read (fd, buf + len, cap - 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_free (buf);
          errno = saved_errno;
          return READ_FAILED;
        }
      if (n == 0)
        {
          buf[len] = '\0';
          *out = buf;
          if (length != NULL)
            *length = len;
          return READ_DONE;
        }
      len += (gsize) n;
      if (len > max_size)
        {
          g_free (buf);
          return READ_TOO_LARGE;
        }
    }
}

char *
svfs_read_proc_file (const char  *path,
                     GError     **error)
{
  ReadResult result;
  char *contents = NULL;
  int saved_errno;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), "cannot open %s: %s",
                   path, g_strerror (saved_errno));
      return NULL;
    }
  /* /proc files say nothing of their size; a mount table line is ~100 bytes. */
  result = read_to_end (fd, G_MAXUINT - 1, 8192, &contents, NULL);
  saved_errno = result == READ_TOO_LARGE ? EFBIG : errno;
  close (fd);
  if (result != READ_DONE)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), "cannot read %s: %s",
                   path, g_strerror (saved_errno));
      return NULL;
    }
  return contents;
}

char *
svfs_spec_dir_of_path (const char *path)
{
  g_autofree char *absolute = NULL;
  struct stat st;

  if (stat (path, &st) == 0 && S_ISFIFO (st.st_mode))
    return g_get_current_dir ();
  absolute = g_canonicalize_filename (path, NULL);
  return g_path_get_dirname (absolute);
}

/* "16 MiB", or "1000 bytes" for a limit that is no whole number of MiB. */
static char *
format_limit (gsize max_size)
{
  const gsize mib = 1024 * 1024;

  if (max_size >= mib && max_size % mib == 0)
    return g_strdup_printf ("%" G_GSIZE_FORMAT " MiB", max_size / mib);
  return g_strdup_printf ("%" G_GSIZE_FORMAT " bytes", max_size);
}

static char *
read_fd_bounded (int          fd,
                 const char  *name,
                 gsize        max_size,
                 gsize        hint,
                 int          error_code,
                 gsize       *length,
                 GError     **error)
{
  char *contents = NULL;

  switch (read_to_end (fd, max_size, hint, &contents, length))
    {
    case READ_FAILED:
      {
        int saved_errno = errno;

        g_set_error (error, SVFS_ERROR, error_code, "%s: %s", name, g_strerror (saved_errno));
        return NULL;
      }
    case READ_TOO_LARGE:
      {
        g_autofree char *limit = format_limit (max_size);

        g_set_error (error, SVFS_ERROR, error_code, "%s: larger than %s", name, limit);
        return NULL;
      }
    case READ_DONE:
    default:
      return contents;
    }
}

char *
svfs_read_fd_bounded (int          fd,
                      const char  *name,
                      gsize        max_size,
                      int          error_code,
                      gsize       *length,
                      GError     **error)
{
  g_return_val_if_fail (max_size < G_MAXUINT, NULL);

  return read_fd_bounded (fd, name, max_size, 65536, error_code, length, error);
}

char *
svfs_read_file_bounded (const char  *path,
                        gsize        max_size,
                        gboolean     allow_pipe,
                        int          error_code,
                        gsize       *length,
                        GError     **error)
{
  g_autofree char *name = g_filename_display_name (path);
  struct stat st;
  char *contents;
  int flags;
  int fd;

  g_return_val_if_fail (max_size < G_MAXUINT, NULL);

  /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, SVFS_ERROR, saved_errno == ENOENT ? SVFS_ERROR_NOT_FOUND : error_code,
                   "%s: %s", name, g_strerror (saved_errno));
      return NULL;
    }
  if (!S_ISREG (st.st_mode) && !(allow_pipe && S_ISFIFO (st.st_mode)))
    {
      close (fd);
      g_set_error (error, SVFS_ERROR, error_code,
                   allow_pipe ? "%s: not a regular file or a pipe" : "%s: not a regular file", name);
      return NULL;
    }
  if ((guint64) st.st_size > max_size)
    {
      g_autofree char *limit = format_limit (max_size);

      close (fd);
      g_set_error (error, SVFS_ERROR, error_code, "%s: larger than %s (%" G_GUINT64_FORMAT " bytes)",
                   name, limit, (guint64) st.st_size);
      return NULL;
    }

  /* Reads block as they always do; a pipe without a writer is at its end. */
  flags = fcntl (fd, F_GETFL);
  if (flags >= 0)
    fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);
  /* A regular file's size is known: read it in one go, then see its end. */
  contents = read_fd_bounded (fd, name, max_size, S_ISREG (st.st_mode) ? (gsize) st.st_size + 1 : 65536,
                              error_code, length, error);
  close (fd);
  return contents;
}
