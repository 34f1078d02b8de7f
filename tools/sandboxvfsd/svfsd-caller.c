/* svfsd-caller.c: who is calling — credentials, polkit, acting as the caller
 *
 * The caller is identified by what the bus daemon says about the
 * connection (GetConnectionCredentials: UnixUserID, UnixGroupIDs and, where
 * the bus supplies it, ProcessFD). A pid alone is never trusted: when the
 * bus gives no ProcessFD (dbus-daemon 1.14), the daemon opens a pidfd for
 * ProcessID and accepts it only if the process behind it has the uid the
 * bus reported and is still alive after its status was read.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gio/gunixfdlist.h>
#include <libsandboxvfs.h>

#include "svfsd-caller.h"

#ifndef SYS_pidfd_open
# define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
# define SYS_pidfd_send_signal 424
#endif

void
svfsd_caller_unref (SvfsdCaller *caller)
{
  if (!g_atomic_ref_count_dec (&caller->ref_count))
    return;
  g_free (caller->sender);
  g_clear_pointer (&caller->groups, g_array_unref);
  if (caller->pidfd >= 0)
    close (caller->pidfd);
  g_free (caller);
}

/* Reads "Uid:"/"Gid:"/"Groups:" of /proc/PID/status. */
static gboolean
read_proc_status (guint32   pid,
                  uid_t    *uid,
                  gid_t    *fsgid,
                  GArray   *groups,
                  GError  **error)
{
  g_autofree char *path = g_strdup_printf ("/proc/%u/status", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean have_uid = FALSE, have_gid = FALSE;

  if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = NULL;

      if (g_str_has_prefix (lines[i], "Uid:"))
        {
          f = g_strsplit_set (lines[i] + 4, " \t", -1);
          /* real, effective, saved, fs: the bus reports the effective uid
           * that connected (SO_PEERCRED). */
          for (guint j = 0, n = 0; f[j] != NULL; j++)
            if (*f[j] != '\0' && ++n == 2)
              {
                *uid = (uid_t) g_ascii_strtoull (f[j], NULL, 10);
                have_uid = TRUE;
              }
        }
      else if (g_str_has_prefix (lines[i], "Gid:"))
        {
          f = g_strsplit_set (lines[i] + 4, " \t", -1);
          for (guint j = 0, n = 0; f[j] != NULL; j++)
            if (*f[j] != '\0' && ++n == 4)
              {
                *fsgid = (gid_t) g_ascii_strtoull (f[j], NULL, 10);
                have_gid = TRUE;
              }
        }
      else if (g_str_has_prefix (lines[i], "Groups:") && groups != NULL)
        {
          f = g_strsplit_set (lines[i] + 7, " \t", -1);
          for (guint j = 0; f[j] != NULL; j++)
            if (*f[j] != '\0')
              {
                gid_t g = (gid_t) g_ascii_strtoull (f[j], NULL, 10);
                g_array_append_val (groups, g);
              }
        }
    }

  if (!have_uid || !have_gid)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                   "cannot read the credentials of process %u", pid);
      return FALSE;
    }
  return TRUE;
}

static void
credentials_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUnixFDList) fd_list = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(SvfsdCaller) caller = g_new0 (SvfsdCaller, 1);
  g_autoptr(GVariant) gids = NULL;
  guint32 uid, pid;
  gint32 fd_handle;
  uid_t proc_uid = (uid_t) -1;
  gid_t proc_gid = (gid_t) -1;
  g_autoptr(GArray) proc_groups = g_array_new (FALSE, FALSE, sizeof (gid_t));

  g_atomic_ref_count_init (&caller->ref_count);
  caller->pidfd = -1;
  caller->sender = g_strdup (g_task_get_task_data (task));

  reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source),
                                                           &fd_list, result, &error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_new_error (task, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                               "cannot identify the caller %s: %s",
                               caller->sender, error->message);
      return;
    }

  g_variant_get (reply, "(@a{sv})", &dict);
  if (!g_variant_lookup (dict, "UnixUserID", "u", &uid) ||
      !g_variant_lookup (dict, "ProcessID", "u", &pid))
    {
      g_task_return_new_error (task, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                               "the bus gave no user and process id for %s",
                               caller->sender);
      return;
    }
  caller->uid = uid;
  caller->pid = pid;

  if (fd_list != NULL && g_variant_lookup (dict, "ProcessFD", "h", &fd_handle))
    caller->pidfd = g_unix_fd_list_get (fd_list, fd_handle, NULL);
  if (caller->pidfd < 0)
    caller->pidfd = (int) syscall (SYS_pidfd_open, (pid_t) pid, 0);
  if (caller->pidfd < 0)
    {
      g_task_return_new_error (task, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                               "cannot open a pidfd for the caller %s (pid %u): %s",
                               caller->sender, pid, g_strerror (errno));
      return;
    }
  /* The status belongs to the pidfd's process only if that process is
   * still alive after it was read: a pid is not reused while it lives. */
  if (!read_proc_status (pid, &proc_uid, &proc_gid, proc_groups, &error) ||
      syscall (SYS_pidfd_send_signal, caller->pidfd, 0, NULL, 0) != 0 ||
      proc_uid != uid)
    {
      g_task_return_new_error (task, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                               "the caller %s (pid %u) went away or changed identity",
                               caller->sender, pid);
      return;
    }
  caller->gid = proc_gid;

  if (g_variant_lookup (dict, "UnixGroupIDs", "@au", &gids))
    {
      gsize n = 0;
      const guint32 *v = g_variant_get_fixed_array (gids, &n, sizeof (guint32));

      caller->groups = g_array_sized_new (FALSE, FALSE, sizeof (gid_t), n);
      for (gsize i = 0; i < n; i++)
        {
          gid_t g = v[i];
          g_array_append_val (caller->groups, g);
        }
    }
  else
    caller->groups = g_steal_pointer (&proc_groups);

  g_task_return_pointer (task, g_steal_pointer (&caller), (GDestroyNotify) svfsd_caller_unref);
}

void
svfsd_caller_lookup_async (GDBusConnection     *connection,
                           const char          *sender,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task = g_task_new (connection, cancellable, callback, user_data);

  g_task_set_source_tag (task, svfsd_caller_lookup_async);
  g_task_set_task_data (task, g_strdup (sender), g_free);
  g_dbus_connection_call_with_unix_fd_list (connection,
                                            "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                            "org.freedesktop.DBus", "GetConnectionCredentials",
                                            g_variant_new ("(s)", sender),
                                            G_VARIANT_TYPE ("(a{sv})"),
                                            G_DBUS_CALL_FLAGS_NONE, 10000, NULL,
                                            cancellable, credentials_cb, task);
}

SvfsdCaller *
svfsd_caller_lookup_finish (GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
authorize_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *action_id = g_task_get_task_data (task);
  gboolean authorized = FALSE, challenge = FALSE;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_new_error (task, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                               "not authorized for %s: polkit could not decide: %s",
                               action_id, error->message);
      return;
    }

  g_variant_get (reply, "((bb@a{ss}))", &authorized, &challenge, NULL);
  if (!authorized)
    {
      g_task_return_new_error (task, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                               "not authorized for %s%s", action_id,
                               challenge ? " (authentication is required)" : "");
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
svfsd_caller_authorize_async (SvfsdCaller         *caller,
                              GDBusConnection     *connection,
                              const char          *action_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (connection, cancellable, callback, user_data);
  GVariantBuilder subject_details;

  g_task_set_source_tag (task, svfsd_caller_authorize_async);
  g_task_set_task_data (task, g_strdup (action_id), g_free);

  /* The unique bus name is polkit's race-free subject on the bus. */
  g_variant_builder_init (&subject_details, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&subject_details, "{sv}", "name", g_variant_new_string (caller->sender));

  g_dbus_connection_call (connection,
                          "org.freedesktop.PolicyKit1",
                          "/org/freedesktop/PolicyKit1/Authority",
                          "org.freedesktop.PolicyKit1.Authority",
                          "CheckAuthorization",
                          g_variant_new ("((sa{sv})sa{ss}us)",
                                         "system-bus-name", &subject_details,
                                         action_id, NULL,
                                         (guint32) 1 /* AllowUserInteraction */, ""),
                          G_VARIANT_TYPE ("((bba{ss}))"),
                          G_DBUS_CALL_FLAGS_NONE,
                          5 * 60 * 1000, /* an authentication dialogue takes a while */
                          cancellable, authorize_cb, task);
}

gboolean
svfsd_caller_authorize_finish (GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  SvfsdCaller     *caller;
  SvfsdCallerFunc  func;
  gpointer         user_data;
  GError          *error;
  gboolean         ok;
} RunAs;

static gpointer
run_as_thread (gpointer data)
{
  RunAs *r = data;
  const SvfsdCaller *c = r->caller;
  guint n_groups = c->groups != NULL ? c->groups->len : 0;

  /* Raw system calls: glibc's setgroups() would change every thread of
   * the daemon; the kernel call changes only this one. setfsuid() and
   * setfsgid() are per thread already. Dropping the fsuid from 0 also
   * drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from this thread. */
  if (syscall (SYS_setgroups, (size_t) n_groups,
               n_groups > 0 ? (gid_t *) c->groups->data : NULL) != 0)
    {
      g_set_error (&r->error, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                   "cannot take the groups of the caller %s: %s",
                   c->sender, g_strerror (errno));
      return NULL;
    }
  setfsgid (c->gid);
  setfsuid (c->uid);
  if ((uid_t) setfsuid ((uid_t) -1) != c->uid || (gid_t) setfsgid ((gid_t) -1) != c->gid)
    {
      g_set_error (&r->error, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                   "cannot check access as the caller %s (uid %u): the service "
                   "must run as root to do that", c->sender, (guint) c->uid);
      return NULL;
    }

  r->ok = r->func (r->user_data, &r->error);
  /* The thread ends here and its credentials with it. */
  return NULL;
}

gboolean
svfsd_caller_run_as (SvfsdCaller      *caller,
                     SvfsdCallerFunc   func,
                     gpointer          user_data,
                     GError          **error)
{
  RunAs r = { caller, func, user_data, NULL, FALSE };
  GThread *thread;

  thread = g_thread_try_new ("svfsd-as-caller", run_as_thread, &r, error);
  if (thread == NULL)
    return FALSE;
  g_thread_join (thread);

  if (r.error != NULL)
    {
      g_propagate_error (error, r.error);
      return FALSE;
    }
  return r.ok;
}
