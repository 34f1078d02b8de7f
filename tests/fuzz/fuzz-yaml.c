/* fuzz-yaml.c: libFuzzer target for the YAML → JSON tree converter that
 * reads CDI specs written in YAML (libsandboxvfs/svfs-yaml.c)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "libsandboxvfs.h"
#include "svfs-yaml-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char * const string_keys[] = { "name", "kind", "path", "env", "annotations", NULL };
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = svfs_yaml_parse_data ((const char *) data, size, string_keys, &error);
  if (node != NULL)
    {
      g_autofree char *json = json_to_string (node, FALSE);

      g_assert (error == NULL);
      g_assert (json != NULL);
    }
  else
    {
      /* One line, in the library's domain. */
      g_assert (error != NULL);
      g_assert (g_error_matches (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC) ||
                g_error_matches (error, SVFS_ERROR, SVFS_ERROR_LIMIT_EXCEEDED));
      g_assert (strchr (error->message, '\n') == NULL);
    }

  return 0;
}
