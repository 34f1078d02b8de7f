/* svfsd-daemon.c: the org.sandboxvfs.SandboxVfs1 service
 *
 * A thin adapter: every decision about mounts is the library's
 * (SvfsSpec, SvfsConfig, SvfsMounter, SvfsMountNamespace,
 * SvfsDeviceRegistry). What lives here is who may ask for what: caller
 * identity, polkit, limits, fd checks, ownership and lifetime of container
 * objects.
 *
 * Every request runs as a chain of async steps on the main context; the
 * blocking parts (parsing, compiling, checking fds as the caller, applying)
 * run in worker threads. A client (unique bus name) is tracked while it has
 * requests in flight or containers: when it leaves the bus its containers
 * are closed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <unistd.h>

#include <gio/gunixfdlist.h>
#include <libsandboxvfs.h>

#include "svfs-json-private.h"
#include "svfsd-caller.h"
#include "svfsd-container.h"
#include "svfsd-daemon.h"
#include "svfsd-dbus-generated.h"
#include "svfsd-sources.h"

typedef struct {
  SvfsdDaemon *daemon;       /* unowned: the daemon owns the client */
  char        *name;
  guint        watch_id;
  guint        n_in_flight;
  guint        n_creating;   /* CreateContainer calls in flight */
  GPtrArray   *containers;   /* SvfsdContainer, owned */
  gboolean     vanished;
} Client;

struct _SvfsdDaemon
{
  GObject          parent_instance;

  GDBusConnection *connection;
  SvfsdOptions     options;
  SvfsDBusManager *manager;
  GHashTable      *clients;     /* name → Client */
  guint            idle_id;
  gboolean         stopping;
};

G_DEFINE_FINAL_TYPE (SvfsdDaemon, svfsd_daemon, G_TYPE_OBJECT)

enum {
  SIGNAL_IDLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void client_maybe_release (Client *client);
static void daemon_update_idle (SvfsdDaemon *self);

/* ---------------------------------------------------------------------- */
/* Clients                                                                */

static void
client_free (gpointer data)
{
  Client *client = data;

  if (client->watch_id != 0)
    g_bus_unwatch_name (client->watch_id);
  g_ptr_array_unref (client->containers);
  g_free (client->name);
  g_free (client);
}

static void
container_closed_cb (SvfsdContainer *container,
                     gpointer        user_data)
{
  Client *client = user_data;

  g_signal_handlers_disconnect_by_func (container, container_closed_cb, client);
  g_ptr_array_remove (client->containers, container);
  client_maybe_release (client);
}

/* Closes the client's containers, then releases the client if nothing
 * else holds it: the client may be freed on return. */
static void
client_close_all (Client *client)
{
  g_autoptr(GPtrArray) containers = g_ptr_array_new_with_free_func (g_object_unref);

  /* Closing removes each from the client's list: walk a copy. */
  for (guint i = 0; i < client->containers->len; i++)
    g_ptr_array_add (containers, g_object_ref (g_ptr_array_index (client->containers, i)));

  /* Keep the client while closing: its last container would free it. */
  client->n_in_flight++;
  for (guint i = 0; i < containers->len; i++)
    svfsd_container_close (g_ptr_array_index (containers, i));
  client->n_in_flight--;

  client_maybe_release (client);
}

static void
client_vanished_cb (GDBusConnection *connection,
                    const char      *name,
                    gpointer         user_data)
{
  Client *client = user_data;

  g_debug ("client %s left the bus; closing its %u containers",
           client->name, client->containers->len);
  client->vanished = TRUE;
  /* May free the client. */
  client_close_all (client);
}

static Client *
client_get (SvfsdDaemon *self,
            const char  *name)
{
  Client *client = g_hash_table_lookup (self->clients, name);

  if (client != NULL)
    return client;

  client = g_new0 (Client, 1);
  client->daemon = self;
  client->name = g_strdup (name);
  client->containers = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_insert (self->clients, client->name, client);
  /* A unique name never comes back: when it is already gone, vanished
   * runs at once from the main loop. */
  client->watch_id = g_bus_watch_name_on_connection (self->connection, name,
                                                     G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                     NULL, client_vanished_cb,
                                                     client, NULL);
  daemon_update_idle (self);
  return client;
}

static void
client_maybe_release (Client *client)
{
  SvfsdDaemon *self = client->daemon;

  if (client->n_in_flight > 0 || client->containers->len > 0)
    return;
  /* Frees the client. */
  g_hash_table_remove (self->clients, client->name);
  daemon_update_idle (self);
}

/* ---------------------------------------------------------------------- */
/* Idle exit                                                              */

static gboolean
idle_timeout_cb (gpointer user_data)
{
  SvfsdDaemon *self = user_data;

  self->idle_id = 0;
  g_debug ("idle for %u s; exiting", self->options.idle_timeout);
  g_signal_emit (self, signals[SIGNAL_IDLE], 0);
  return G_SOURCE_REMOVE;
}

/* The service is idle when it tracks no client: no container and no
 * request in flight. */
static void
daemon_update_idle (SvfsdDaemon *self)
{
  gboolean idle = g_hash_table_size (self->clients) == 0 && !self->stopping;

  if (!idle || self->options.idle_timeout == 0)
    {
      g_clear_handle_id (&self->idle_id, g_source_remove);
      return;
    }
  if (self->idle_id == 0)
    self->idle_id = g_timeout_add_seconds (self->options.idle_timeout, idle_timeout_cb, self);
}

/* ---------------------------------------------------------------------- */
/* Requests                                                               */

typedef enum {
  REQUEST_COMPILE_PLAN,
  REQUEST_CREATE_CONTAINER,
  REQUEST_LIST_DEVICES,
} RequestKind;

typedef struct {
  SvfsdDaemon           *daemon;
  Client                *client;
  RequestKind            kind;
  GDBusMethodInvocation *invocation;
  GVariant              *parameters;   /* keeps spec_json alive */
  const char            *spec_json;
  GVariant              *config;
  GArray                *fds;          /* int, owned */
  SvfsdCaller           *caller;
  SvfsMounter           *mounter;
  SvfsMountPlan         *plan;
  char                  *result_json;
  gboolean               not_owned;
  gboolean               wants_devices;
  SvfsdContainer        *container;
  GPtrArray             *actions;      /* polkit actions still to ask */
} Request;

static void
request_free (Request *req)
{
  if (req->fds != NULL)
    {
      for (guint i = 0; i < req->fds->len; i++)
        close (g_array_index (req->fds, int, i));
      g_array_unref (req->fds);
    }
  g_clear_object (&req->invocation);
  g_clear_pointer (&req->parameters, g_variant_unref);
  g_clear_pointer (&req->config, g_variant_unref);
  g_clear_pointer (&req->caller, svfsd_caller_unref);
  g_clear_object (&req->mounter);
  g_clear_object (&req->plan);
  g_free (req->result_json);
  g_clear_object (&req->container);
  g_clear_pointer (&req->actions, g_ptr_array_unref);
  g_object_unref (req->daemon);
  g_free (req);
}

static void
return_error (GDBusMethodInvocation *invocation,
              const GError          *error)
{
  /* SVFS_ERROR is registered with GDBus: the reply is
   * org.sandboxvfs.SandboxVfs1.Error.<Code> with the library's message. */
  if (error->domain == SVFS_ERROR)
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    g_dbus_method_invocation_return_error (invocation, SVFS_ERROR, SVFS_ERROR_MOUNT_FAILED,
                                           "%s", error->message);
}

/* Admits a request: counts it against the client's concurrency limit. */
static Request *
request_begin (SvfsdDaemon           *self,
               RequestKind            kind,
               GDBusMethodInvocation *invocation)
{
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  Client *client;
  Request *req;

  if (sender == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                                             "sandboxvfsd serves message bus clients only");
      return NULL;
    }

  client = client_get (self, sender);
  if (client->n_in_flight >= self->options.max_concurrent_requests)
    {
      g_dbus_method_invocation_return_error (invocation, SVFS_ERROR, SVFS_ERROR_LIMIT_EXCEEDED,
                                             "too many requests in flight from %s "
                                             "(at most %u at a time); wait for the replies",
                                             sender, self->options.max_concurrent_requests);
      client_maybe_release (client);
      return NULL;
    }
  if (kind == REQUEST_CREATE_CONTAINER &&
      client->containers->len + client->n_creating >= self->options.max_containers_per_client)
    {
      g_dbus_method_invocation_return_error (invocation, SVFS_ERROR, SVFS_ERROR_LIMIT_EXCEEDED,
                                             "%s already has %u containers (at most %u per client); "
                                             "close one first",
                                             sender, client->containers->len + client->n_creating,
                                             self->options.max_containers_per_client);
      client_maybe_release (client);
      return NULL;
    }

  client->n_in_flight++;
  if (kind == REQUEST_CREATE_CONTAINER)
    client->n_creating++;

  req = g_new0 (Request, 1);
  req->daemon = g_object_ref (self);
  req->client = client;
  req->kind = kind;
  req->invocation = g_object_ref (invocation);
  req->parameters = g_variant_ref (g_dbus_method_invocation_get_parameters (invocation));
  /* The generated handler's string arguments live only as long as the
   * handler; the message's own copy lives as long as the request. */
  if (kind != REQUEST_LIST_DEVICES)
    g_variant_get_child (req->parameters, 0, "&s", &req->spec_json);
  return req;
}

static void
request_end (Request *req)
{
  Client *client = req->client;

  client->n_in_flight--;
  if (req->kind == REQUEST_CREATE_CONTAINER)
    client->n_creating--;
  request_free (req);
  client_maybe_release (client);
}

static void
request_fail (Request      *req,
              const GError *error)
{
  return_error (req->invocation, error);
  request_end (req);
}

static gboolean
check_spec_size (const char  *spec_json,
                 GError     **error)
{
  gsize len = strlen (spec_json);

  if (len > SVFS_SPEC_MAX_SIZE)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                   "the spec is %" G_GSIZE_FORMAT " bytes; at most %u bytes (16 MiB) are allowed",
                   len, (guint) SVFS_SPEC_MAX_SIZE);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_no_options (GVariant    *options,
                  const char  *method,
                  GError     **error)
{
  GVariantIter iter;
  const char *key;

  g_variant_iter_init (&iter, options);
  if (g_variant_iter_next (&iter, "{&sv}", &key, NULL))
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_UNSUPPORTED,
                   "%s: unknown option \"%s\" (this version of sandboxvfsd knows none)",
                   method, key);
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Parsing and compiling (worker thread)                                  */

static gboolean
compile_as_caller (gpointer   user_data,
                   GError   **error)
{
  Request *req = user_data;

  req->plan = svfs_mounter_compile (req->mounter, error);
  if (req->plan == NULL)
    return FALSE;

  if (req->kind == REQUEST_CREATE_CONTAINER && req->fds->len > 0)
    return svfsd_check_source_fds (req->plan,
                                   (const int *) req->fds->data, req->fds->len,
                                   req->daemon->options.rules == SVFSD_RULES_SYSTEM,
                                   req->caller->uid, &req->not_owned, error);
  return TRUE;
}

/* An erofs image is named by a host path, not passed as an fd, and the
 * kernel's erofs parser would read it as root: a non-root caller of the
 * system service could mount any image root can read, or feed the parser
 * a hostile one.  So their containers get no erofs mounts. */
static gboolean
refuse_erofs_images (SvfsMountPlan  *plan,
                     GError        **error)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (plan));

  if (g_strcmp0 (svfs_mount_plan_get_root_type (plan), "erofs") == 0)
    {
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                           "root: erofs images are not mounted for non-root callers of the "
                           "system service (the image is a host path read by the kernel as root)");
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsPlannedMount) m = g_list_model_get_item (G_LIST_MODEL (plan), i);

      if (g_strcmp0 (svfs_planned_mount_get_fs_type (m), "erofs") == 0)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                       "mounts[%d] \"%s\": erofs images are not mounted for non-root callers "
                       "of the system service (the image is a host path read by the kernel as root)",
                       svfs_planned_mount_get_spec_index (m), svfs_planned_mount_get_destination (m));
          return FALSE;
        }
    }
  return TRUE;
}

/* An overlay upper on disk is made by the service, as root, on a host
 * path: dir= names one, self derives one from the source fd's path. The
 * config's overlay2 is refused before compiling; this holds what the plan
 * got from anywhere (the spec's rootfs annotations name a medium too) to
 * the same rule. @where is "root" or "mounts[N] \"DEST\"". */
static gboolean
refuse_host_path_upper (SvfsOverlayMedium   medium,
                        const char         *dir,
                        const char         *where,
                        GError            **error)
{
  if (medium != SVFS_OVERLAY_MEDIUM_SELF && medium != SVFS_OVERLAY_MEDIUM_DIR)
    return TRUE;
  g_set_error (error, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
               "%s: an overlay upper layer on a host path (%s%s) is not allowed on the system bus; "
               "only the media memory, anon and none are",
               where, medium == SVFS_OVERLAY_MEDIUM_SELF ? "self" : "dir=",
               medium == SVFS_OVERLAY_MEDIUM_DIR && dir != NULL ? dir : "");
  return FALSE;
}

static gboolean
refuse_host_path_uppers (SvfsMountPlan  *plan,
                         GError        **error)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (plan));

  if (!refuse_host_path_upper (svfs_mount_plan_get_root_overlay_medium (plan),
                               svfs_mount_plan_get_root_overlay_dir (plan), "root", error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsPlannedMount) m = g_list_model_get_item (G_LIST_MODEL (plan), i);
      g_autofree char *where = g_strdup_printf ("mounts[%d] \"%s\"",
                                                svfs_planned_mount_get_spec_index (m),
                                                svfs_planned_mount_get_destination (m));

      if (!refuse_host_path_upper (svfs_planned_mount_get_overlay_medium (m),
                                   svfs_planned_mount_get_overlay_dir (m), where, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
prepare (Request  *req,
         GError  **error)
{
  const SvfsdOptions *options = &req->daemon->options;
  gboolean system = options->rules == SVFSD_RULES_SYSTEM;
  g_autoptr(SvfsSpec) spec = NULL;
  g_autoptr(SvfsConfig) config = svfs_config_new ();
  GVariantIter iter;
  const char *key, *value;
  guint n_mounts;

  spec = svfs_spec_new_from_data (req->spec_json, -1, error);
  if (spec == NULL)
    return FALSE;

  /* On the system bus a container's processes run as the caller: the
   * service is root, and the spec's process.user must not make the
   * caller's processes root, or anyone else, on the host. A non-root
   * caller's container is built for it (svfs_mounter_set_owner below): a
   * user namespace owned by the caller maps its uid and gid to 0, which
   * its processes run as, so that it can also setns() into the fds of
   * OpenNamespaces. */
  if (system && req->kind == REQUEST_CREATE_CONTAINER && req->caller->uid != 0)
    {
      g_autoptr(JsonNode) node = json_node_copy (svfs_spec_get_json (spec));
      JsonObject *obj = json_node_get_object (node);
      JsonObject *process, *user = json_object_new ();
      g_autofree char *text = NULL;

      if (!json_object_has_member (obj, "process") ||
          json_object_get_object_member (obj, "process") == NULL)
        {
          /* No process in the spec: what Spawn runs when given no argv. */
          JsonArray *args = json_array_new ();

          process = json_object_new ();
          json_array_add_string_element (args, "/bin/sh");
          json_object_set_array_member (process, "args", args);
          json_object_set_string_member (process, "cwd", "/");
          json_object_set_object_member (obj, "process", process);
        }
      process = json_object_get_object_member (obj, "process");
      json_object_set_int_member (user, "uid", 0);
      json_object_set_int_member (user, "gid", 0);
      /* The umask is the spec's to choose; supplementary groups there are
       * none in the caller's user namespace. */
      if (json_object_has_member (process, "user") &&
          json_object_get_object_member (process, "user") != NULL &&
          json_object_has_member (json_object_get_object_member (process, "user"), "umask"))
        json_object_set_member (user, "umask",
                                json_node_copy (json_object_get_member (json_object_get_object_member (process, "user"),
                                                                        "umask")));
      json_object_set_object_member (process, "user", user);
      text = svfs_json_to_data (node, FALSE, NULL);
      g_clear_object (&spec);
      spec = svfs_spec_new_from_data (text, -1, error);
      if (spec == NULL)
        return FALSE;
    }

  n_mounts = g_list_model_get_n_items (svfs_spec_get_mounts (spec));
  if (n_mounts > options->max_mounts_per_spec)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_LIMIT_EXCEEDED,
                   "mounts: the spec has %u mounts; this service allows at most %u",
                   n_mounts, options->max_mounts_per_spec);
      return FALSE;
    }

  if (g_variant_n_children (req->config) > SVFSD_MAX_CONFIG_ENTRIES)
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_LIMIT_EXCEEDED,
                   "config: %" G_GSIZE_FORMAT " entries; at most %u are allowed",
                   g_variant_n_children (req->config), SVFSD_MAX_CONFIG_ENTRIES);
      return FALSE;
    }
  g_variant_iter_init (&iter, req->config);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    if (!svfs_config_set (config, key, value, error))
      return FALSE;

  /* On the system bus the overlay upper may not be a host path: dir=
   * names one, self is derived from the source's path. */
  if (system && svfs_config_get_overlay_medium (config) != SVFS_OVERLAY_MEDIUM_MEMORY &&
      svfs_config_get_overlay_medium (config) != SVFS_OVERLAY_MEDIUM_NONE &&
      svfs_config_get_overlay_medium (config) != SVFS_OVERLAY_MEDIUM_ANON)
    {
      g_set_error_literal (error, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                           "config overlay2: only the media memory, anon and none are allowed on "
                           "the system bus (dir= and self put the upper layer on a host path)");
      return FALSE;
    }

  req->mounter = svfs_mounter_new (spec, config);
  if (system && req->kind == REQUEST_CREATE_CONTAINER && req->caller->uid != 0)
    svfs_mounter_set_owner (req->mounter, req->caller->uid, req->caller->gid);

  if (req->kind == REQUEST_CREATE_CONTAINER)
    {
      /* Sources are fds: on the system bus always (an empty list then fails
       * the count check, naming the count); on the session bus when given. */
      if (system || req->fds->len > 0)
        svfs_mounter_set_n_source_fds (req->mounter, (int) req->fds->len);
      req->wants_devices = svfs_config_get_nvproxy (config) || svfs_config_get_tpuproxy (config);
    }

  /* On the system bus compiling reads the rootfs (the auto-/tmp decision)
   * and checking fds needs the caller's access: both as the caller. */
  if (system)
    {
      if (!svfsd_caller_run_as (req->caller, compile_as_caller, req, error))
        {
          if (error != NULL && *error != NULL && (*error)->domain == SVFS_ERROR &&
              (*error)->code == SVFS_ERROR_SOURCE_FDS &&
              req->kind == REQUEST_CREATE_CONTAINER && req->fds->len == 0)
            g_prefix_error (error, "sources are fds only on the system bus: ");
          return FALSE;
        }
    }
  else if (!compile_as_caller (req, error))
    return FALSE;

  if (system && req->kind == REQUEST_CREATE_CONTAINER && !refuse_host_path_uppers (req->plan, error))
    return FALSE;
  if (system && req->kind == REQUEST_CREATE_CONTAINER && req->caller->uid != 0 &&
      !refuse_erofs_images (req->plan, error))
    return FALSE;

  if (req->kind == REQUEST_CREATE_CONTAINER &&
      g_list_model_get_n_items (svfs_mount_plan_get_devices (req->plan)) > 0)
    req->wants_devices = TRUE;

  if (req->kind == REQUEST_COMPILE_PLAN)
    req->result_json = svfs_mount_plan_to_json (req->plan);
  return TRUE;
}

static void
prepare_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;

  if (prepare (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* ---------------------------------------------------------------------- */
/* CreateContainer                                                        */

static void
apply_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Request *req = task_data;
  GError *error = NULL;

  req->container = svfsd_container_create (req->mounter, req->plan,
                                           (const int *) req->fds->data, req->fds->len,
                                           &error);
  if (req->container == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
apply_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Request *req = user_data;
  SvfsdDaemon *self = req->daemon;
  Client *client = req->client;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      request_fail (req, error);
      return;
    }

  /* The owner left (or the service is stopping) while it was built: it
   * goes at once. */
  if (client->vanished || self->stopping)
    {
      svfsd_container_close (req->container);
      g_set_error_literal (&error, SVFS_ERROR, SVFS_ERROR_NOT_FOUND,
                           "the caller left the bus before its container was ready");
      request_fail (req, error);
      return;
    }

  if (!svfsd_container_export (req->container, self->connection, client->name, &error))
    {
      svfsd_container_close (req->container);
      request_fail (req, error);
      return;
    }

  g_ptr_array_add (client->containers, g_object_ref (req->container));
  g_signal_connect (req->container, "closed", G_CALLBACK (container_closed_cb), client);
  svfs_dbus_manager_complete_create_container (self->manager, req->invocation, NULL,
                                               svfsd_container_get_path (req->container));
  request_end (req);
}

static void authorize_next (Request *req);

static void
authorize_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Request *req = user_data;
  g_autoptr(GError) error = NULL;

  if (!svfsd_caller_authorize_finish (result, &error))
    {
      request_fail (req, error);
      return;
    }
  authorize_next (req);
}

/* Asks polkit for each action in turn, then builds the container. */
static void
authorize_next (Request *req)
{
  GTask *task;

  if (req->actions != NULL && req->actions->len > 0)
    {
      g_autofree char *action = g_ptr_array_steal_index (req->actions, 0);

      svfsd_caller_authorize_async (req->caller, req->daemon->connection, action,
                                    NULL, authorize_cb, req);
      return;
    }

  task = g_task_new (NULL, NULL, apply_cb, req);
  g_task_set_source_tag (task, authorize_next);
  g_task_set_task_data (task, req, NULL);
  g_task_run_in_thread (task, apply_thread);
  g_object_unref (task);
}

static void
create_prepared_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Request *req = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      request_fail (req, error);
      return;
    }

  req->actions = g_ptr_array_new_with_free_func (g_free);
  if (req->daemon->options.rules == SVFSD_RULES_SYSTEM)
    {
      g_ptr_array_add (req->actions, g_strdup (SVFSD_ACTION_CREATE_CONTAINER));
      if (req->not_owned)
        g_ptr_array_add (req->actions, g_strdup (SVFSD_ACTION_BIND_NOT_OWNED));
      if (req->wants_devices)
        g_ptr_array_add (req->actions, g_strdup (SVFSD_ACTION_DEVICE));
    }
  authorize_next (req);
}

/* ---------------------------------------------------------------------- */
/* CompilePlan                                                            */

static void
compile_prepared_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Request *req = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      request_fail (req, error);
      return;
    }
  svfs_dbus_manager_complete_compile_plan (req->daemon->manager, req->invocation, req->result_json);
  request_end (req);
}

/* Shared by CompilePlan and CreateContainer: who is it, then parse and
 * compile in a worker thread. */
static void
caller_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Request *req = user_data;
  g_autoptr(GError) error = NULL;
  GTask *task;

  req->caller = svfsd_caller_lookup_finish (result, &error);
  if (req->caller == NULL)
    {
      request_fail (req, error);
      return;
    }

  /* The session bus admits only its user; refuse anyone else anyway, as
   * the session rules trust the caller with paths. */
  if (req->daemon->options.rules == SVFSD_RULES_SESSION && req->caller->uid != geteuid ())
    {
      g_set_error (&error, SVFS_ERROR, SVFS_ERROR_PERMISSION_DENIED,
                   "this service serves uid %u only (the caller is uid %u)",
                   (guint) geteuid (), (guint) req->caller->uid);
      request_fail (req, error);
      return;
    }

  task = g_task_new (NULL, NULL,
                     req->kind == REQUEST_COMPILE_PLAN ? compile_prepared_cb : create_prepared_cb,
                     req);
  g_task_set_source_tag (task, caller_cb);
  g_task_set_task_data (task, req, NULL);
  g_task_run_in_thread (task, prepare_thread);
  g_object_unref (task);
}

static gboolean
handle_compile_plan (SvfsDBusManager       *manager,
                     GDBusMethodInvocation *invocation,
                     const char            *spec_json,
                     GVariant              *config,
                     SvfsdDaemon           *self)
{
  g_autoptr(GError) error = NULL;
  Request *req;

  req = request_begin (self, REQUEST_COMPILE_PLAN, invocation);
  if (req == NULL)
    return G_DBUS_METHOD_INVOCATION_HANDLED;

  if (!check_spec_size (spec_json, &error))
    {
      request_fail (req, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  req->config = g_variant_ref (config);
  svfsd_caller_lookup_async (self->connection, req->client->name, NULL, caller_cb, req);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_create_container (SvfsDBusManager       *manager,
                         GDBusMethodInvocation *invocation,
                         GUnixFDList           *fd_list,
                         const char            *spec_json,
                         GVariant              *config,
                         GVariant              *sources,
                         GVariant              *options,
                         SvfsdDaemon           *self)
{
  g_autoptr(GError) error = NULL;
  gsize n_sources = g_variant_n_children (sources);
  int n_passed = fd_list != NULL ? g_unix_fd_list_get_length (fd_list) : 0;
  Request *req;

  req = request_begin (self, REQUEST_CREATE_CONTAINER, invocation);
  if (req == NULL)
    return G_DBUS_METHOD_INVOCATION_HANDLED;

  req->config = g_variant_ref (config);
  req->fds = g_array_sized_new (FALSE, FALSE, sizeof (int), n_sources);

  if (!check_spec_size (spec_json, &error) ||
      !check_no_options (options, "CreateContainer", &error))
    {
      request_fail (req, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  for (gsize i = 0; i < n_sources; i++)
    {
      gint32 handle;
      int fd;

      g_variant_get_child (sources, i, "h", &handle);
      if (handle < 0 || handle >= n_passed)
        {
          g_set_error (&error, SVFS_ERROR, SVFS_ERROR_SOURCE_FDS,
                       "sources[%" G_GSIZE_FORMAT "]: handle %d is out of range (%d fds were passed)",
                       i, handle, n_passed);
          request_fail (req, error);
          return G_DBUS_METHOD_INVOCATION_HANDLED;
        }
      fd = g_unix_fd_list_get (fd_list, handle, &error);
      if (fd < 0)
        {
          g_prefix_error (&error, "sources[%" G_GSIZE_FORMAT "]: ", i);
          error->domain = SVFS_ERROR;
          error->code = SVFS_ERROR_SOURCE_FDS;
          request_fail (req, error);
          return G_DBUS_METHOD_INVOCATION_HANDLED;
        }
      g_array_append_val (req->fds, fd);
    }

  svfsd_caller_lookup_async (self->connection, req->client->name, NULL, caller_cb, req);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ---------------------------------------------------------------------- */
/* The other manager methods                                              */

static gboolean
handle_list_containers (SvfsDBusManager       *manager,
                        GDBusMethodInvocation *invocation,
                        SvfsdDaemon           *self)
{
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  Client *client = sender != NULL ? g_hash_table_lookup (self->clients, sender) : NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();

  if (client != NULL)
    for (guint i = 0; i < client->containers->len; i++)
      g_ptr_array_add (paths, (gpointer) svfsd_container_get_path (g_ptr_array_index (client->containers, i)));
  g_ptr_array_add (paths, NULL);

  svfs_dbus_manager_complete_list_containers (manager, invocation,
                                              (const char * const *) paths->pdata);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_list_filesystem_types (SvfsDBusManager       *manager,
                              GDBusMethodInvocation *invocation,
                              SvfsdDaemon           *self)
{
  g_autoptr(GListModel) types = svfs_filesystem_type_list_registered ();
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sbb)"));
  for (guint i = 0; i < g_list_model_get_n_items (types); i++)
    {
      g_autoptr(SvfsFilesystemType) t = g_list_model_get_item (types, i);

      g_variant_builder_add (&builder, "(sbb)",
                             svfs_filesystem_type_get_name (t),
                             svfs_filesystem_type_get_allow_user_mount (t),
                             svfs_filesystem_type_get_allow_user_list (t));
    }
  svfs_dbus_manager_complete_list_filesystem_types (manager, invocation,
                                                    g_variant_builder_end (&builder));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
list_devices_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  g_autoptr(SvfsDeviceRegistry) registry = svfs_device_registry_new ();
  g_autoptr(GListModel) devices = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_auto(GStrv) warnings = NULL;
  GError *error = NULL;

  devices = svfs_device_registry_enumerate (registry, &warnings, cancellable, &error);
  if (devices == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  node = svfs_device_registry_devices_to_json (devices, (const char * const *) warnings);
  g_task_return_pointer (task, svfs_json_to_data (node, FALSE, NULL), g_free);
}

static void
list_devices_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Request *req = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_task_propagate_pointer (G_TASK (result), &error);

  if (json == NULL)
    {
      request_fail (req, error);
      return;
    }
  svfs_dbus_manager_complete_list_devices (req->daemon->manager, req->invocation, json);
  request_end (req);
}

static gboolean
handle_list_devices (SvfsDBusManager       *manager,
                     GDBusMethodInvocation *invocation,
                     SvfsdDaemon           *self)
{
  Request *req = request_begin (self, REQUEST_LIST_DEVICES, invocation);
  GTask *task;

  if (req == NULL)
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  task = g_task_new (NULL, NULL, list_devices_cb, req);
  g_task_set_source_tag (task, handle_list_devices);
  g_task_run_in_thread (task, list_devices_thread);
  g_object_unref (task);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ---------------------------------------------------------------------- */

static void
svfsd_daemon_finalize (GObject *object)
{
  SvfsdDaemon *self = SVFSD_DAEMON (object);

  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_clear_pointer (&self->clients, g_hash_table_unref);
  if (self->manager != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->manager));
  g_clear_object (&self->manager);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (svfsd_daemon_parent_class)->finalize (object);
}

static void
svfsd_daemon_class_init (SvfsdDaemonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = svfsd_daemon_finalize;

  /* Emitted when the idle timeout passed with nothing to serve. */
  signals[SIGNAL_IDLE] = g_signal_new ("idle", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 0);
}

static void
svfsd_daemon_init (SvfsdDaemon *self)
{
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, client_free);
}

SvfsdDaemon *
svfsd_daemon_new (GDBusConnection    *connection,
                  const SvfsdOptions *options)
{
  SvfsdDaemon *self = g_object_new (SVFSD_TYPE_DAEMON, NULL);

  self->connection = g_object_ref (connection);
  self->options = *options;
  return self;
}

gboolean
svfsd_daemon_start (SvfsdDaemon  *self,
                    GError      **error)
{
  /* Registers the SVFS_ERROR ↔ D-Bus error names. */
  (void) SVFS_ERROR;

  self->manager = svfs_dbus_manager_skeleton_new ();
  svfs_dbus_manager_set_version (self->manager, SVFS_VERSION_S);
  svfs_dbus_manager_set_max_containers_per_client (self->manager,
                                                   self->options.max_containers_per_client);

  g_signal_connect (self->manager, "handle-compile-plan", G_CALLBACK (handle_compile_plan), self);
  g_signal_connect (self->manager, "handle-create-container", G_CALLBACK (handle_create_container), self);
  g_signal_connect (self->manager, "handle-list-containers", G_CALLBACK (handle_list_containers), self);
  g_signal_connect (self->manager, "handle-list-devices", G_CALLBACK (handle_list_devices), self);
  g_signal_connect (self->manager, "handle-list-filesystem-types",
                    G_CALLBACK (handle_list_filesystem_types), self);

  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->manager),
                                         self->connection, SVFSD_MANAGER_PATH, error))
    return FALSE;

  daemon_update_idle (self);
  return TRUE;
}

void
svfsd_daemon_stop (SvfsdDaemon *self)
{
  g_autoptr(GList) clients = NULL;

  self->stopping = TRUE;
  g_clear_handle_id (&self->idle_id, g_source_remove);

  clients = g_hash_table_get_values (self->clients);
  for (GList *l = clients; l != NULL; l = l->next)
    {
      /* May free the client. */
      client_close_all (l->data);
    }
}
