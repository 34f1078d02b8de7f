/* svfs-spec.h: an OCI runtime-spec config.json
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(LIBSANDBOXVFS_INSIDE) && !defined(LIBSANDBOXVFS_COMPILATION)
# error "Only <libsandboxvfs.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "svfs-version-macros.h"

G_BEGIN_DECLS

/**
 * SVFS_SPEC_MAX_SIZE:
 *
 * The largest spec, in bytes, that libsandboxvfs accepts (16 MiB).
 *
 * Since: 1.0
 */
#define SVFS_SPEC_MAX_SIZE (16 * 1024 * 1024)

/**
 * SVFS_SPEC_MAX_DEPTH:
 *
 * The deepest nesting of JSON arrays and objects that libsandboxvfs accepts
 * in a spec. Real specs nest about six levels deep.
 *
 * Since: 1.0
 */
#define SVFS_SPEC_MAX_DEPTH 64

#define SVFS_TYPE_SPEC (svfs_spec_get_type ())

SVFS_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (SvfsSpec, svfs_spec, SVFS, SPEC, GObject)

SVFS_AVAILABLE_IN_1_0
SvfsSpec     *svfs_spec_new_from_file          (const char    *path,
                                                GError       **error) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
SvfsSpec     *svfs_spec_new_from_data          (const char    *data,
                                                gssize         length,
                                                GError       **error) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
char        **svfs_spec_check_data             (const char    *data,
                                                gssize         length) G_GNUC_WARN_UNUSED_RESULT;

SVFS_AVAILABLE_IN_1_0
char         *svfs_spec_to_json                (SvfsSpec      *self,
                                                gboolean       pretty,
                                                gsize         *length) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
JsonNode     *svfs_spec_get_json               (SvfsSpec      *self);

SVFS_AVAILABLE_IN_1_0
const char   *svfs_spec_get_bundle_dir         (SvfsSpec      *self);
SVFS_AVAILABLE_IN_1_0
void          svfs_spec_set_bundle_dir         (SvfsSpec      *self,
                                                const char    *bundle_dir);
SVFS_AVAILABLE_IN_1_0
const char   *svfs_spec_get_oci_version        (SvfsSpec      *self);
SVFS_AVAILABLE_IN_1_0
const char   *svfs_spec_get_hostname           (SvfsSpec      *self);

SVFS_AVAILABLE_IN_1_0
const char   *svfs_spec_get_root_path          (SvfsSpec      *self);
SVFS_AVAILABLE_IN_1_0
char         *svfs_spec_dup_resolved_root_path (SvfsSpec      *self) G_GNUC_WARN_UNUSED_RESULT;
SVFS_AVAILABLE_IN_1_0
gboolean      svfs_spec_get_root_readonly      (SvfsSpec      *self);

SVFS_AVAILABLE_IN_1_0
GListModel   *svfs_spec_get_mounts             (SvfsSpec      *self);
SVFS_AVAILABLE_IN_1_0
GListModel   *svfs_spec_get_devices            (SvfsSpec      *self);

SVFS_AVAILABLE_IN_1_0
GHashTable   *svfs_spec_get_annotations        (SvfsSpec      *self);
SVFS_AVAILABLE_IN_1_0
const char   *svfs_spec_lookup_annotation      (SvfsSpec      *self,
                                                const char    *key);

SVFS_AVAILABLE_IN_1_0
const char * const *svfs_spec_get_process_args (SvfsSpec      *self);
SVFS_AVAILABLE_IN_1_0
const char * const *svfs_spec_get_process_env  (SvfsSpec      *self);
SVFS_AVAILABLE_IN_1_0
const char   *svfs_spec_get_process_cwd        (SvfsSpec      *self);
SVFS_AVAILABLE_IN_1_0
guint32       svfs_spec_get_process_uid        (SvfsSpec      *self);
SVFS_AVAILABLE_IN_1_0
guint32       svfs_spec_get_process_gid        (SvfsSpec      *self);
SVFS_AVAILABLE_IN_1_0
gboolean      svfs_spec_get_process_terminal   (SvfsSpec      *self);

SVFS_AVAILABLE_IN_1_0
const char * const *svfs_spec_get_masked_paths   (SvfsSpec    *self);
SVFS_AVAILABLE_IN_1_0
const char * const *svfs_spec_get_readonly_paths (SvfsSpec    *self);
SVFS_AVAILABLE_IN_1_0
const char   *svfs_spec_get_rootfs_propagation (SvfsSpec      *self);
SVFS_AVAILABLE_IN_1_0
gboolean      svfs_spec_has_namespace          (SvfsSpec      *self,
                                                const char    *type);
SVFS_AVAILABLE_IN_1_0
const char   *svfs_spec_get_namespace_path     (SvfsSpec      *self,
                                                const char    *type);
SVFS_AVAILABLE_IN_1_0
const char * const *svfs_spec_get_hook_paths   (SvfsSpec      *self,
                                                const char    *stage);

G_END_DECLS
