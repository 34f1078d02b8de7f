/* fuzz-spec.c: libFuzzer target for the spec reader and validator
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdint.h>

#include "libsandboxvfs.h"
#include "svfs-spec-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_auto(GStrv) problems = NULL;
  g_autoptr(SvfsSpec) spec = NULL;
  g_autoptr(GError) error = NULL;

  /* Both entry points must agree: a spec loads iff it has no problems. */
  problems = svfs_spec_check_data ((const char *) data, (gssize) size);
  g_assert (problems != NULL);

  spec = svfs_spec_new_from_data ((const char *) data, (gssize) size, &error);
  if (spec != NULL)
    {
      g_autofree char *json = NULL;
      g_autoptr(SvfsSpec) again = NULL;
      gsize length = 0;

      g_assert (problems[0] == NULL);
      json = svfs_spec_to_json (spec, FALSE, &length);
      again = svfs_spec_new_from_data (json, (gssize) length, NULL);
      g_assert (again != NULL);
      g_assert (json_node_equal (svfs_spec_get_json (spec),
                                 svfs_spec_get_json (again)));

      /* Touch the caches. */
      g_assert (svfs_spec_get_mounts (spec) != NULL);
      g_assert (svfs_spec_get_devices (spec) != NULL);
      g_assert (svfs_spec_get_process_args (spec) != NULL);
      g_free (svfs_spec_dup_resolved_root_path (spec));
    }
  else
    {
      g_assert (error != NULL);
      g_assert (g_error_matches (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC));
      g_assert (problems[0] != NULL);
    }

  return 0;
}
