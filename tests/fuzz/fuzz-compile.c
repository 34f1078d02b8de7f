/* fuzz-compile.c: libFuzzer target for spec → compile → print
 *
 * Any input that loads as a spec must compile to a plan or fail with an
 * SVFS_ERROR, never crash, leak or hit undefined behaviour, and a plan
 * must print in all three formats.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdint.h>

#include "libsandboxvfs.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
compile_with (SvfsSpec   *spec,
              const char *overlay2)
{
  g_autoptr(SvfsConfig) config = svfs_config_new ();
  g_autoptr(SvfsMounter) mounter = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (svfs_config_set (config, "overlay2", overlay2, NULL));
  mounter = svfs_mounter_new (spec, config);
  plan = svfs_mounter_compile (mounter, &error);
  if (plan == NULL)
    {
      g_assert (error != NULL && error->domain == SVFS_ERROR);
      return;
    }

  g_free (svfs_mount_plan_to_json (plan));
  g_free (svfs_mount_plan_to_table (plan));
  g_free (svfs_mount_plan_to_tree (plan));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(SvfsSpec) spec = NULL;

  spec = svfs_spec_new_from_data ((const char *) data, (gssize) size, NULL);
  if (spec == NULL)
    return 0;

  /* Relative paths resolve somewhere that does not exist. */
  svfs_spec_set_bundle_dir (spec, "/nonexistent-bundle");
  compile_with (spec, "root:memory");
  compile_with (spec, "all:dir=/var/tmp");
  return 0;
}
