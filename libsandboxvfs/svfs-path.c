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

char *
svfs_read_proc_file (const char  *path,
                     GError     **error)
{
  g_autofree char *buf = NULL;
  gsize size = 16384, len = 0;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    {
      int err = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "cannot open %s: %s",
                   path, g_strerror (err));
      return NULL;
    }
  buf = g_malloc (size);
  for (;;)
    {
      ssize_t n;

      if (size - len < 4096)
        {
          size *= 2;
          buf = g_realloc (buf, size);
        }
      n = read (fd, buf + len, size - len - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int err = errno;
          close (fd);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "cannot read %s: %s",
                       path, g_strerror (err));
          return NULL;
        }
      if (n == 0)
        break;
      len += (gsize) n;
    }
  close (fd);
  buf[len] = '\0';
  return g_steal_pointer (&buf);
}
