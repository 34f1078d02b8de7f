/* svfsd-container.c: one container object on the bus
 *
 * The container is the library's SvfsMountNamespace put on the bus. The
 * object is registered with the generated interface info and a vtable of
 * our own rather than a generated skeleton, so that property reads come to
 * method_call too (get_property is NULL) and every access — methods and
 * properties alike — is checked against the owner.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixfdlist.h>

#include "svfsd-container.h"
#include "svfsd-dbus-generated.h"

struct _SvfsdContainer
{
  GObject          parent_instance;

  char            *id;
  char            *path;
  char            *owner;
  char            *mounts_json;
  GDBusConnection *connection;
  guint            registration_id;
  gboolean         closed;
  SvfsMountNamespace *ns;
};

G_DEFINE_FINAL_TYPE (SvfsdContainer, svfsd_container, G_TYPE_OBJECT)

enum {
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
svfsd_container_dispose (GObject *object)
{
  SvfsdContainer *self = SVFSD_CONTAINER (object);

  svfsd_container_close (self);

  G_OBJECT_CLASS (svfsd_container_parent_class)->dispose (object);
}

static void
svfsd_container_finalize (GObject *object)
{
  SvfsdContainer *self = SVFSD_CONTAINER (object);

  g_free (self->id);
  g_free (self->path);
  g_free (self->owner);
  g_free (self->mounts_json);
  g_clear_object (&self->connection);
  g_clear_object (&self->ns);

  G_OBJECT_CLASS (svfsd_container_parent_class)->finalize (object);
}

static void
svfsd_container_class_init (SvfsdContainerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = svfsd_container_dispose;
  object_class->finalize = svfsd_container_finalize;

  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

static void
svfsd_container_init (SvfsdContainer *self)
{
  /* 128 random bits: ids cannot be guessed from one another. */
  g_autofree char *uuid = g_uuid_string_random ();
  GString *id = g_string_new (NULL);

  for (const char *p = uuid; *p != '\0'; p++)
    if (*p != '-')
      g_string_append_c (id, *p);
  self->id = g_string_free (id, FALSE);
  self->path = g_strconcat (SVFSD_CONTAINER_PATH_PREFIX, self->id, NULL);
}

const char *
svfsd_container_get_path (SvfsdContainer *self)
{
  return self->path;
}

SvfsdContainer *
svfsd_container_create (SvfsMounter    *mounter,
                        SvfsMountPlan  *plan,
                        const int      *fds,
                        guint           n_fds,
                        GError        **error)
{
  g_autoptr(SvfsdContainer) self = NULL;
  g_autoptr(SvfsMountNamespace) ns = NULL;

  if (n_fds > 0)
    {
      /* The library clones each source with open_tree(); the list holds
       * duplicates, the request keeps (and closes) the originals. */
      g_autoptr(GUnixFDList) list = g_unix_fd_list_new ();

      for (guint i = 0; i < n_fds; i++)
        if (g_unix_fd_list_append (list, fds[i], error) < 0)
          return NULL;
      ns = svfs_mounter_apply_with_fds (mounter, plan, list, NULL, error);
    }
  else
    ns = svfs_mounter_apply (mounter, plan, NULL, error);
  if (ns == NULL)
    return NULL;

  self = g_object_new (SVFSD_TYPE_CONTAINER, NULL);
  self->mounts_json = svfs_mount_namespace_to_json (ns);
  self->ns = g_steal_pointer (&ns);
  return g_steal_pointer (&self);
}

/* ---------------------------------------------------------------------- */
/* The bus side                                                           */

static gboolean
return_property (SvfsdContainer        *self,
                 const char            *name,
                 GVariant             **value)
{
  if (g_strcmp0 (name, "Id") == 0)
    *value = g_variant_new_string (self->id);
  else if (g_strcmp0 (name, "Owner") == 0)
    *value = g_variant_new_string (self->owner);
  else if (g_strcmp0 (name, "Mounts") == 0)
    *value = g_variant_new_string (self->mounts_json != NULL ? self->mounts_json : "");
  else
    return FALSE;
  return TRUE;
}

static void
handle_properties (SvfsdContainer        *self,
                   const char            *method,
                   GVariant              *parameters,
                   GDBusMethodInvocation *invocation)
{
  const char *iface = NULL, *name = NULL;
  GVariant *value = NULL;

  if (g_strcmp0 (method, "Get") == 0)
    {
      g_variant_get (parameters, "(&s&s)", &iface, &name);
      if (!return_property (self, name, &value))
        {
          g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY,
                                                 "no property \"%s\" on %s", name, iface);
          return;
        }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(v)", value));
    }
  else if (g_strcmp0 (method, "GetAll") == 0)
    {
      GVariantBuilder builder;
      static const char *const names[] = { "Id", "Owner", "Mounts" };

      g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sv}"));
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          return_property (self, names[i], &value);
          g_variant_builder_add (&builder, "{sv}", names[i], value);
        }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a{sv})", &builder));
    }
  else
    {
      g_variant_get (parameters, "(&s&sv)", &iface, &name, NULL);
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_PROPERTY_READ_ONLY,
                                             "property \"%s\" is read-only", name);
    }
}

static void
handle_open_namespaces (SvfsdContainer        *self,
                        GDBusMethodInvocation *invocation)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUnixFDList) list = NULL;
  int fds[2];

  fds[0] = svfs_mount_namespace_dup_user_ns_fd (self->ns, &error);
  if (fds[0] < 0)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  fds[1] = svfs_mount_namespace_dup_mount_ns_fd (self->ns, &error);
  if (fds[1] < 0)
    {
      close (fds[0]);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  /* The list takes the fds; GDBus sends and closes them. */
  list = g_unix_fd_list_new_from_array (fds, 2);
  g_dbus_method_invocation_return_value_with_unix_fd_list (invocation,
                                                           g_variant_new ("(hh)", 0, 1),
                                                           list);
}

typedef struct {
  SvfsdContainer *self;
  GPid            pid;
} Spawned;

static void
spawn_exited_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Spawned *s = user_data;
  SvfsdContainer *self = s->self;
  int status = 0;

  if (svfs_mount_namespace_wait_finish (SVFS_MOUNT_NAMESPACE (source), result, &status, NULL) &&
      !self->closed)
    g_dbus_connection_emit_signal (self->connection, self->owner, self->path,
                                   "org.sandboxvfs.SandboxVfs1.Container", "SpawnExited",
                                   g_variant_new ("(ui)", (guint32) s->pid, (gint32) status),
                                   NULL);
  g_object_unref (self);
  g_free (s);
}

/* Whether an ay ends with a NUL: g_variant_dup_bytestring() would turn
 * anything else into "" without a word. */
static gboolean
bytestring_is_terminated (GVariant *bytes)
{
  gsize size;
  const char *data = g_variant_get_fixed_array (bytes, &size, sizeof (char));

  return size > 0 && data[size - 1] == '\0';
}

/* aay → a NULL-terminated vector in *out, NULL when empty; each element
 * must be a NUL-terminated bytestring, or this fails naming it as
 * name[i]. */
static gboolean
dup_bytestring_array (GVariant    *array,
                      const char  *name,
                      gboolean     empty_is_null,
                      char      ***out,
                      GError     **error)
{
  gsize n = g_variant_n_children (array);
  g_autoptr(GPtrArray) strv = NULL;

  *out = NULL;
  if (n == 0 && empty_is_null)
    return TRUE;
  strv = g_ptr_array_new_full (n + 1, g_free);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (array, i);

      if (!bytestring_is_terminated (item))
        {
          g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                       "Spawn: %s[%" G_GSIZE_FORMAT "] is not a NUL-terminated bytestring",
                       name, i);
          return FALSE;
        }
      g_ptr_array_add (strv, g_variant_dup_bytestring (item, NULL));
    }
  g_ptr_array_add (strv, NULL);
  *out = (char **) g_ptr_array_free (g_steal_pointer (&strv), FALSE);
  return TRUE;
}

static void
handle_spawn (SvfsdContainer        *self,
              GVariant              *parameters,
              GDBusMethodInvocation *invocation)
{
  g_autoptr(GVariant) argv_v = NULL, env_v = NULL, cwd_v = NULL, fds_v = NULL, options = NULL;
  g_auto(GStrv) argv = NULL, envp = NULL;
  g_autofree char *cwd = NULL;
  g_autoptr(GError) error = NULL;
  GUnixFDList *in_list = g_dbus_message_get_unix_fd_list (g_dbus_method_invocation_get_message (invocation));
  int child_fds[256];
  guint n_child_fds = 0;
  GVariantIter iter;
  guint32 target;
  gint32 handle;
  const char *key;
  Spawned *s;
  GPid pid;
  gboolean ok = TRUE;

  g_variant_get (parameters, "(@aay@aay@ay@a{uh}@a{sv})", &argv_v, &env_v, &cwd_v, &fds_v, &options);

  g_variant_iter_init (&iter, options);
  if (g_variant_iter_next (&iter, "{&sv}", &key, NULL))
    {
      g_dbus_method_invocation_return_error (invocation, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                                             "Spawn: unknown option \"%s\"", key);
      return;
    }

  /* Empty argv, env or cwd: the spec's process.args, process.env,
   * process.cwd. */
  if (!dup_bytestring_array (argv_v, "argv", TRUE, &argv, &error) ||
      !dup_bytestring_array (env_v, "env", TRUE, &envp, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  if (g_variant_get_size (cwd_v) > 0 && !bytestring_is_terminated (cwd_v))
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                             "Spawn: cwd is not a NUL-terminated bytestring");
      return;
    }
  if (g_variant_get_size (cwd_v) > 1)
    cwd = g_variant_dup_bytestring (cwd_v, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (child_fds); i++)
    child_fds[i] = -1;
  g_variant_iter_init (&iter, fds_v);
  while (ok && g_variant_iter_next (&iter, "{uh}", &target, &handle))
    {
      if (target >= G_N_ELEMENTS (child_fds))
        {
          g_set_error (&error, SVFS_ERROR, SVFS_ERROR_LIMIT_EXCEEDED,
                       "Spawn: fd number %u is too high (at most %u)",
                       target, (guint) G_N_ELEMENTS (child_fds) - 1);
          ok = FALSE;
        }
      else if (in_list == NULL || handle < 0 || handle >= g_unix_fd_list_get_length (in_list))
        {
          g_set_error (&error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS,
                       "Spawn: handle %d for fd %u is out of range", handle, target);
          ok = FALSE;
        }
      else
        {
          /* Borrowed from the message, which lives until we reply. */
          child_fds[target] = g_unix_fd_list_peek_fds (in_list, NULL)[handle];
          n_child_fds = MAX (n_child_fds, target + 1);
        }
    }
  if (!ok)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }

  pid = svfs_mount_namespace_spawn_with_fds (self->ns,
                                             (const char * const *) argv,
                                             (const char * const *) envp, cwd,
                                             n_child_fds > 0 ? child_fds : NULL, n_child_fds,
                                             &error);
  if (pid <= 0)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }

  s = g_new0 (Spawned, 1);
  s->self = g_object_ref (self);
  s->pid = pid;
  svfs_mount_namespace_wait_async (self->ns, pid, NULL, spawn_exited_cb, s);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", (guint32) pid));
}

static void
container_method_call (GDBusConnection       *connection,
                       const char            *sender,
                       const char            *object_path,
                       const char            *interface_name,
                       const char            *method_name,
                       GVariant              *parameters,
                       GDBusMethodInvocation *invocation,
                       gpointer               user_data)
{
  g_autoptr(SvfsdContainer) self = g_object_ref (user_data);

  /* Only the unique name that created the container may touch it. */
  if (g_strcmp0 (sender, self->owner) != 0)
    {
      g_dbus_method_invocation_return_error (invocation, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                                             "container %s belongs to another client", self->id);
      return;
    }

  if (g_strcmp0 (interface_name, "org.freedesktop.DBus.Properties") == 0)
    handle_properties (self, method_name, parameters, invocation);
  else if (g_strcmp0 (method_name, "OpenNamespaces") == 0)
    handle_open_namespaces (self, invocation);
  else if (g_strcmp0 (method_name, "Spawn") == 0)
    handle_spawn (self, parameters, invocation);
  else if (g_strcmp0 (method_name, "Close") == 0)
    {
      g_dbus_method_invocation_return_value (invocation, NULL);
      svfsd_container_close (self);
    }
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "no method %s", method_name);
}

/* get_property and set_property are NULL: GDBus then routes
 * org.freedesktop.DBus.Properties calls to method_call, where the owner
 * check runs. */
static const GDBusInterfaceVTable container_vtable = {
  container_method_call, NULL, NULL, { 0 }
};

gboolean
svfsd_container_export (SvfsdContainer   *self,
                        GDBusConnection  *connection,
                        const char       *owner,
                        GError          **error)
{
  g_return_val_if_fail (self->registration_id == 0, FALSE);

  self->owner = g_strdup (owner);
  self->connection = g_object_ref (connection);
  self->registration_id =
    g_dbus_connection_register_object (connection, self->path,
                                       svfs_dbus_container_interface_info (),
                                       &container_vtable,
                                       g_object_ref (self), g_object_unref, error);
  return self->registration_id != 0;
}

void
svfsd_container_close (SvfsdContainer *self)
{
  if (self->closed)
    return;
  self->closed = TRUE;

  g_object_ref (self);

  /* Kills what runs inside and lets the namespaces go. */
  if (self->ns != NULL)
    svfs_mount_namespace_close (self->ns);

  if (self->registration_id != 0)
    {
      /* Unicast: only the owner hears about its containers. */
      g_dbus_connection_emit_signal (self->connection, self->owner, self->path,
                                     "org.sandboxvfs.SandboxVfs1.Container", "Closed",
                                     NULL, NULL);
      g_dbus_connection_unregister_object (self->connection, self->registration_id);
      self->registration_id = 0;
    }

  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
  g_object_unref (self);
}
