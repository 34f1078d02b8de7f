/* sandboxvfs-devices.c: `sandboxvfs devices`
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sandboxvfs-common.h"

static char *
numbers (SvfsDevice *d)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                          svfs_device_get_major (d), svfs_device_get_minor (d));
}

static void
print_table (GListModel          *devices,
             const char * const  *warnings)
{
  static const char * const headings[] = { "KIND", "PATH", "TYPE", "NUMBERS", "PCI", "DEVICE", "MODEL", NULL };
  guint n = g_list_model_get_n_items (devices);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsDevice) d = g_list_model_get_item (devices, i);
      char **row = g_new0 (char *, G_N_ELEMENTS (headings));
      const char *model = svfs_device_get_model (d);

      row[0] = g_strdup (svfs_device_get_kind (d));
      row[1] = g_strdup (svfs_device_get_path (d));
      row[2] = g_strdup (svfs_device_get_device_type (d));
      row[3] = numbers (d);
      row[4] = g_strdup (svfs_device_get_pci_address (d) ?: "-");
      row[5] = svfs_device_get_device_id (d) != NULL
        ? g_strdup_printf ("%s:%s", svfs_device_get_vendor (d), svfs_device_get_device_id (d))
        : g_strdup ("-");
      row[6] = g_strdup (model != NULL ? model : "-");
      g_ptr_array_add (rows, row);
    }

  if (n == 0)
    printf ("No NVIDIA GPU or TPU found.\n");
  else
    svfs_cli_print_table (headings, rows);

  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    fprintf (stderr, "sandboxvfs: warning: %s\n", warnings[i]);
}

static gboolean
has_kind (GListModel *devices,
          const char *kind)
{
  guint n = g_list_model_get_n_items (devices);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsDevice) d = g_list_model_get_item (devices, i);

      if (g_str_equal (svfs_device_get_kind (d), kind))
        return TRUE;
    }
  return FALSE;
}

static void
print_cdi (GListModel          *devices,
           const char          *kind,
           const char * const  *warnings)
{
  gboolean gpus = has_kind (devices, "nvidia-gpu");
  gboolean tpus = has_kind (devices, "tpu");

  /* One spec per kind: both only on a host that has both, one after the
   * other (a CDI directory wants them in two files). */
  if (kind != NULL)
    {
      g_autoptr(JsonNode) spec = svfs_device_registry_devices_to_cdi (devices, kind);
      svfs_cli_print_json (spec);
    }
  else
    {
      if (gpus || !tpus)
        {
          g_autoptr(JsonNode) spec = svfs_device_registry_devices_to_cdi (devices, "nvidia.com/gpu");
          svfs_cli_print_json (spec);
        }
      if (tpus)
        {
          g_autoptr(JsonNode) spec = svfs_device_registry_devices_to_cdi (devices, "google.com/tpu");
          svfs_cli_print_json (spec);
        }
    }

  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    fprintf (stderr, "sandboxvfs: warning: %s\n", warnings[i]);
}

int
svfs_cli_devices_main (int    argc,
                       char **argv)
{
  static const SvfsCliFormat formats[] = {
    SVFS_CLI_FORMAT_JSON, SVFS_CLI_FORMAT_TABLE, SVFS_CLI_FORMAT_CDI, (SvfsCliFormat) -1
  };
  g_autofree char *format_arg = NULL;
  g_autofree char *sysfs_root = NULL;
  g_autofree char *dev_root = NULL;
  g_autofree char *proc_root = NULL;
  g_autofree char *cdi_kind = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsDeviceRegistry) registry = NULL;
  g_autoptr(GListModel) devices = NULL;
  g_auto(GStrv) warnings = NULL;
  SvfsCliFormat format = SVFS_CLI_FORMAT_JSON;
  int status;
  const GOptionEntry entries[] = {
    { "sysfs-root", 0, 0, G_OPTION_ARG_FILENAME, &sysfs_root,
      "Read DIR as /sys (default /sys)", "DIR" },
    { "dev-root", 0, 0, G_OPTION_ARG_FILENAME, &dev_root,
      "Read DIR as /dev (default /dev)", "DIR" },
    { "proc-root", 0, 0, G_OPTION_ARG_FILENAME, &proc_root,
      "Read DIR as /proc (default /proc)", "DIR" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_arg,
      "Output format: json (default), table or cdi", "FORMAT" },
    { "cdi-kind", 0, 0, G_OPTION_ARG_STRING, &cdi_kind,
      "With --format cdi, the kind to describe: nvidia.com/gpu or google.com/tpu", "KIND" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
    "List the NVIDIA GPUs and the TPUs of this host, read from sysfs, /proc\n"
    "and /dev: each device node with its kind, numbers, PCI address and\n"
    "ids. A device whose sysfs entries are malformed, or a TPU with an\n"
    "unsupported id, is left out with a warning (in \"warnings\" with\n"
    "--format json, on stderr otherwise). --format cdi prints a Container\n"
    "Device Interface spec (kinds nvidia.com/gpu and google.com/tpu) for\n"
    "/etc/cdi or /var/run/cdi.");
  g_option_context_add_main_entries (context, entries, NULL);

  status = svfs_cli_parse_options (context, "devices", &argc, &argv);
  if (status >= 0)
    return status;

  if (format_arg != NULL && !svfs_cli_parse_format (format_arg, formats, &format, &error))
    return svfs_cli_usage_error ("devices", error->message);

  if (argc > 1)
    return svfs_cli_usage_error ("devices", "too many arguments");

  if (cdi_kind != NULL && g_strcmp0 (cdi_kind, "nvidia.com/gpu") != 0 &&
      g_strcmp0 (cdi_kind, "google.com/tpu") != 0)
    return svfs_cli_usage_error ("devices", "--cdi-kind must be nvidia.com/gpu or google.com/tpu");
  if (cdi_kind != NULL && format != SVFS_CLI_FORMAT_CDI)
    return svfs_cli_usage_error ("devices", "--cdi-kind needs --format cdi");

  registry = svfs_device_registry_new_for_roots (sysfs_root, dev_root, proc_root);
  devices = svfs_device_registry_enumerate (registry, &warnings, NULL, &error);
  /* The listing is JSON by default, the error object only with an
   * explicit --format json: otherwise a failure is the one stderr line
   * every command prints. */
  if (devices == NULL)
    return svfs_cli_fail (format_arg != NULL ? format : SVFS_CLI_FORMAT_TEXT,
                          SVFS_ERROR_DEVICE, error);

  switch (format)
    {
    case SVFS_CLI_FORMAT_TABLE:
      print_table (devices, (const char * const *) warnings);
      break;
    case SVFS_CLI_FORMAT_CDI:
      print_cdi (devices, cdi_kind, (const char * const *) warnings);
      break;
    case SVFS_CLI_FORMAT_JSON:
    case SVFS_CLI_FORMAT_TEXT:
    case SVFS_CLI_FORMAT_TREE:
    default:
      {
        g_autoptr(JsonNode) root = svfs_device_registry_devices_to_json (devices,
                                                                         (const char * const *) warnings);
        svfs_cli_print_json (root);
      }
      break;
    }

  return SVFS_CLI_EXIT_OK;
}
