/* cli-fault-preload.c: what the library cannot be made to give the CLI
 *
 * Preloaded into `sandboxvfs` by the CLI tests, it takes the place of three
 * library functions the CLI calls:
 *
 * - svfs_device_registry_enumerate() fails with the GError named by
 *   SVFS_FAULT_DOMAIN (a quark string, e.g. "g-io-error-quark") and
 *   SVFS_FAULT_CODE, when SVFS_FAULT_DOMAIN is set: errors of domains or
 *   codes the library does not give today (test_cli_devices.py);
 * - svfs_filesystem_type_get_name() gives NEW for the type named OLD, with
 *   SVFS_FAULT_FSTYPE_NAME=OLD=NEW: a name that is not ASCII
 *   (test_cli_fstypes.py);
 * - svfs_mount_namespace_spawn() waits SVFS_FAULT_SPAWN_DELAY_MS first: a
 *   spawn slow enough for a signal to arrive during it (test_cli_run.py).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

/* The library's prototypes, with its types left opaque: this file needs
 * nothing but GLib. */
void       *svfs_device_registry_enumerate (void     *self,
                                            char   ***warnings,
                                            void     *cancellable,
                                            GError  **error);
const char *svfs_filesystem_type_get_name  (void     *self);
int         svfs_mount_namespace_spawn     (void               *self,
                                            const char * const *argv,
                                            const char * const *envp,
                                            const char         *cwd,
                                            GError            **error);

void *
svfs_device_registry_enumerate (void     *self,
                                char   ***warnings,
                                void     *cancellable,
                                GError  **error)
{
  static void *(*real) (void *, char ***, void *, GError **);
  const char *domain = getenv ("SVFS_FAULT_DOMAIN");
  const char *code = getenv ("SVFS_FAULT_CODE");

  if (domain == NULL)
    {
      if (real == NULL)
        real = (void *(*) (void *, char ***, void *, GError **)) dlsym (RTLD_NEXT, "svfs_device_registry_enumerate");
      return real (self, warnings, cancellable, error);
    }

  if (warnings != NULL)
    *warnings = NULL;
  g_set_error (error, g_quark_from_string (domain), code != NULL ? atoi (code) : 0,
               "injected failure");
  return NULL;
}

const char *
svfs_filesystem_type_get_name (void *self)
{
  static const char *(*real) (void *);
  const char *rename = getenv ("SVFS_FAULT_FSTYPE_NAME");
  const char *eq = rename != NULL ? strchr (rename, '=') : NULL;
  const char *name;

  if (real == NULL)
    real = (const char *(*) (void *)) dlsym (RTLD_NEXT, "svfs_filesystem_type_get_name");
  name = real (self);
  if (eq != NULL && name != NULL && strncmp (name, rename, (size_t) (eq - rename)) == 0 &&
      name[eq - rename] == '\0')
    return eq + 1;
  return name;
}

int
svfs_mount_namespace_spawn (void               *self,
                            const char * const *argv,
                            const char * const *envp,
                            const char         *cwd,
                            GError            **error)
{
  static int (*real) (void *, const char * const *, const char * const *, const char *, GError **);
  const char *delay = getenv ("SVFS_FAULT_SPAWN_DELAY_MS");

  if (real == NULL)
    real = (int (*) (void *, const char * const *, const char * const *, const char *, GError **))
             dlsym (RTLD_NEXT, "svfs_mount_namespace_spawn");
  if (delay != NULL)
    g_usleep ((gulong) atoi (delay) * 1000);
  return real (self, argv, envp, cwd, error);
}
