/* svfsd-sources.c: checks on the source fds a caller passes
 *
 * A source arrives as an fd (O_PATH or ordinary) and stays one: it is
 * inspected with fstat() and faccessat() on the fd and handed to the
 * library, which clones it with open_tree(); it is never turned back into a
 * path (flatpak-portal CVE-2026-34078).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "svfsd-sources.h"

#ifndef AT_EMPTY_PATH
# define AT_EMPTY_PATH 0x1000
#endif

static const char *
kind_of (mode_t mode)
{
  switch (mode & S_IFMT)
    {
    case S_IFDIR: return "a directory";
    case S_IFREG: return "a regular file";
    case S_IFLNK: return "a symbolic link";
    case S_IFSOCK: return "a socket";
    case S_IFIFO: return "a fifo";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    default: return "of an unknown kind";
    }
}

static gboolean
check_one (int          fd,
           guint        index,
           const char  *what,
           gboolean     root,
           gboolean     want_dir,
           gboolean     writable,
           gboolean     check_access,
           uid_t        owner_uid,
           gboolean    *not_owned,
           GError     **error)
{
  struct stat st;
  int mode = R_OK;

  if (fstat (fd, &st) != 0)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS,
                   "sources[%u] (%s) is not a usable file descriptor: %s",
                   index, what, g_strerror (errno));
      return FALSE;
    }

  /* Directories and regular files only: a bind of a socket, fifo or device
   * node is a different kind of request (devices go through the spec's
   * linux.devices and the device polkit action). */
  if (!(S_ISDIR (st.st_mode) || S_ISREG (st.st_mode)) ||
      (want_dir && !S_ISDIR (st.st_mode)))
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS,
                   "sources[%u] (%s) is %s; it must be %s",
                   index, what, kind_of (st.st_mode),
                   want_dir ? "a directory" : root ? "a directory or an image file"
                                                   : "a directory or a regular file");
      return FALSE;
    }

  if (st.st_uid != owner_uid)
    *not_owned = TRUE;

  if (!check_access)
    return TRUE;

  if (S_ISDIR (st.st_mode))
    mode |= X_OK;
  if (writable)
    mode |= W_OK;
  if (faccessat (fd, "", mode, AT_EMPTY_PATH | AT_EACCESS) != 0)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                   "sources[%u] (%s): the caller has no %s access to it (%s)",
                   index, what,
                   writable ? "read-write" : S_ISDIR (st.st_mode) ? "read and search" : "read",
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
svfsd_check_source_fds (SvfsMountPlan  *plan,
                        const int      *fds,
                        guint           n_fds,
                        gboolean        check_access,
                        uid_t           owner_uid,
                        gboolean       *not_owned,
                        GError        **error)
{
  GListModel *mounts = G_LIST_MODEL (plan);
  guint n = g_list_model_get_n_items (mounts);
  SvfsOverlayMedium root_medium = svfs_mount_plan_get_root_overlay_medium (plan);
  gboolean root_writable;

  *not_owned = FALSE;

  if (n_fds != svfs_mount_plan_get_n_source_fds (plan))
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS,
                   "expected %u source fds (1 for the rootfs and %u for bind mount sources), got %u",
                   svfs_mount_plan_get_n_source_fds (plan),
                   svfs_mount_plan_get_n_source_fds (plan) - 1, n_fds);
      return FALSE;
    }
  if (n_fds == 0)
    return TRUE;

  /* The root is written only when it has no overlay and is not read-only. */
  root_writable = !svfs_mount_plan_get_root_readonly (plan) &&
                  root_medium == SVFS_OVERLAY_MEDIUM_NONE;
  if (!check_one (fds[0], 0, "the rootfs", TRUE,
                  g_strcmp0 (svfs_mount_plan_get_root_type (plan), "bind") == 0,
                  root_writable, check_access, owner_uid, not_owned, error))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsPlannedMount) m = g_list_model_get_item (mounts, i);
      int index = svfs_planned_mount_get_source_fd_index (m);
      g_autofree char *what = NULL;
      gboolean writable;

      if (index <= 0)
        continue;
      if ((guint) index >= n_fds)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS,
                       "mounts[%d] \"%s\" needs sources[%d], but only %u fds were given",
                       svfs_planned_mount_get_spec_index (m),
                       svfs_planned_mount_get_destination (m), index, n_fds);
          return FALSE;
        }
      what = g_strdup_printf ("mounts[%d] \"%s\"", svfs_planned_mount_get_spec_index (m),
                              svfs_planned_mount_get_destination (m));
      writable = !svfs_planned_mount_get_readonly (m) &&
                 svfs_planned_mount_get_overlay_medium (m) == SVFS_OVERLAY_MEDIUM_NONE;
      if (!check_one (fds[index], index, what, FALSE, FALSE, writable,
                      check_access, owner_uid, not_owned, error))
        return FALSE;
    }
  return TRUE;
}
