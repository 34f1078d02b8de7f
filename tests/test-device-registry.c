/* test-device-registry.c: SvfsDeviceRegistry — NVIDIA GPU and TPU discovery
 * (shared/reference/gvisor-vfs-behavior.md §17–§18) and the device part of
 * the mount compiler, on hosts simulated with umockdev.
 *
 * The hosts are the .umockdev records of tests/data/devices/ (described in
 * tests/data/devices/README.md), loaded into a UMockdevTestbed; their
 * /proc files are copied into the testbed. Each host is read twice: through
 * the registry's roots (the testbed's sys/, dev/, proc/) and through the
 * default /sys, /dev, /proc with libumockdev-preload.so redirecting them —
 * the test runs with LD_PRELOAD set by tests/meson.build.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <umockdev.h>

#include <libsandboxvfs.h>

typedef struct {
  UMockdevTestbed *testbed;
  char            *root;
} Host;

static void
host_set_up (Host          *h,
             gconstpointer  data)
{
  h->testbed = umockdev_testbed_new ();
  h->root = umockdev_testbed_get_root_dir (h->testbed);  /* transfer full */
}

static void
host_tear_down (Host          *h,
                gconstpointer  data)
{
  g_clear_object (&h->testbed);
  g_clear_pointer (&h->root, g_free);
}

static const char *
test_data (void)
{
  return g_getenv ("SVFS_TEST_DATA") ? g_getenv ("SVFS_TEST_DATA") : SVFS_TEST_DATA;
}

static void
copy_tree (const char *from,
           const char *to)
{
  g_autoptr(GDir) dir = g_dir_open (from, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  g_assert_cmpint (g_mkdir_with_parents (to, 0755), ==, 0);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *src = g_build_filename (from, name, NULL);
      g_autofree char *dst = g_build_filename (to, name, NULL);

      if (g_file_test (src, G_FILE_TEST_IS_DIR))
        copy_tree (src, dst);
      else
        {
          g_autofree char *contents = NULL;
          gsize len;
          g_assert_true (g_file_get_contents (src, &contents, &len, NULL));
          g_assert_true (g_file_set_contents (dst, contents, len, NULL));
        }
    }
}

/* Loads tests/data/devices/<name>.umockdev and its proc/<name> tree. */
static void
host_load (Host       *h,
           const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s/devices/%s.umockdev", test_data (), name);
  g_autofree char *proc = g_build_filename (test_data (), "devices", "proc", name, NULL);
  g_autofree char *proc_dst = g_build_filename (h->root, "proc", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (umockdev_testbed_add_from_file (h->testbed, file, &error));
  g_assert_no_error (error);
  copy_tree (proc, proc_dst);
  g_mkdir_with_parents (proc_dst, 0755);
}

static SvfsDeviceRegistry *
host_registry (Host *h)
{
  g_autofree char *sys = g_build_filename (h->root, "sys", NULL);
  g_autofree char *dev = g_build_filename (h->root, "dev", NULL);
  g_autofree char *proc = g_build_filename (h->root, "proc", NULL);

  return svfs_device_registry_new_for_roots (sys, dev, proc);
}

static gboolean
preloaded (void)
{
  return strstr (g_getenv ("LD_PRELOAD") ?: "", "umockdev-preload") != NULL;
}

/* "kind path type major:minor pci vendor:device model", one device per line. */
static char *
describe (GListModel *devices)
{
  GString *s = g_string_new (NULL);
  guint n = g_list_model_get_n_items (devices);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SvfsDevice) d = g_list_model_get_item (devices, i);

      g_string_append_printf (s, "%s %s %s %" G_GINT64_FORMAT ":%" G_GINT64_FORMAT " %s %s:%s %s\n",
                              svfs_device_get_kind (d), svfs_device_get_path (d),
                              svfs_device_get_device_type (d),
                              svfs_device_get_major (d), svfs_device_get_minor (d),
                              svfs_device_get_pci_address (d) ?: "-",
                              svfs_device_get_vendor (d) ?: "-",
                              svfs_device_get_device_id (d) ?: "-",
                              svfs_device_get_model (d) ?: "-");
    }
  return g_string_free (s, FALSE);
}

static char *
enumerate_described (SvfsDeviceRegistry  *registry,
                     char              ***warnings)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) devices = svfs_device_registry_enumerate (registry, warnings, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (devices);
  g_assert_true (g_list_model_get_item_type (devices) == SVFS_TYPE_DEVICE);
  return describe (devices);
}

#define H100_MODEL "NVIDIA H100 80GB HBM3"
static const char h100_expected[] =
  "nvidia-gpu /dev/nvidia0 c 195:0 0000:18:00.0 0x10de:0x2330 " H100_MODEL "\n"
  "nvidia-gpu /dev/nvidia1 c 195:1 0000:2a:00.0 0x10de:0x2330 " H100_MODEL "\n"
  "nvidia-gpu /dev/nvidia2 c 195:2 0000:3a:00.0 0x10de:0x2330 " H100_MODEL "\n"
  "nvidia-gpu /dev/nvidia3 c 195:3 0000:5d:00.0 0x10de:0x2330 " H100_MODEL "\n"
  "nvidia-gpu /dev/nvidia4 c 195:4 0000:9a:00.0 0x10de:0x2330 " H100_MODEL "\n"
  "nvidia-gpu /dev/nvidia5 c 195:5 0000:ab:00.0 0x10de:0x2330 " H100_MODEL "\n"
  "nvidia-gpu /dev/nvidia6 c 195:6 0000:ba:00.0 0x10de:0x2330 " H100_MODEL "\n"
  "nvidia-gpu /dev/nvidia7 c 195:7 0000:db:00.0 0x10de:0x2330 " H100_MODEL "\n"
  "nvidia-control /dev/nvidiactl c 195:255 - -:- -\n"
  "nvidia-uvm /dev/nvidia-uvm c 510:0 - -:- -\n"
  "nvidia-uvm-tools /dev/nvidia-uvm-tools c 510:1 - -:- -\n"
  "nvidia-caps /dev/nvidia-caps/nvidia-cap1 c 235:1 - -:- -\n"
  "nvidia-caps /dev/nvidia-caps/nvidia-cap2 c 235:2 - -:- -\n";

static void
test_defaults (void)
{
  g_autoptr(SvfsDeviceRegistry) r = svfs_device_registry_new ();
  g_autoptr(SvfsDeviceRegistry) t = svfs_device_registry_new_for_roots ("/tmp/x/sys//", "", NULL);
  const char * const *dirs = svfs_device_registry_get_cdi_spec_dirs (r);

  g_assert_cmpstr (svfs_device_registry_get_sysfs_root (r), ==, "/sys");
  g_assert_cmpstr (svfs_device_registry_get_dev_root (r), ==, "/dev");
  g_assert_cmpstr (svfs_device_registry_get_proc_root (r), ==, "/proc");
  g_assert_cmpstr (dirs[0], ==, "/etc/cdi");
  g_assert_cmpstr (dirs[1], ==, "/var/run/cdi");
  g_assert_null (dirs[2]);
  g_assert_cmpstr (svfs_device_registry_get_sysfs_root (t), ==, "/tmp/x/sys");
  g_assert_cmpstr (svfs_device_registry_get_dev_root (t), ==, "/dev");
  g_assert_cmpstr (svfs_device_registry_get_proc_root (t), ==, "/proc");
}

static void
test_drivers (void)
{
  g_autoptr(SvfsDeviceRegistry) r = svfs_device_registry_new ();
  g_autoptr(GListModel) drivers = svfs_device_registry_list_drivers (r);
  static const char * const names[] = { "memory", "tty", "tun", "fuse", "nvidia", "tpu" };
  static const SvfsDeviceDriverFlags flags[] = {
    SVFS_DEVICE_DRIVER_FLAGS_NONE, SVFS_DEVICE_DRIVER_FLAGS_NONE,
    SVFS_DEVICE_DRIVER_FLAGS_NEEDS_NETSTACK, SVFS_DEVICE_DRIVER_FLAGS_NONE,
    SVFS_DEVICE_DRIVER_FLAGS_NEEDS_NVPROXY | SVFS_DEVICE_DRIVER_FLAGS_HOST_DISCOVERY,
    SVFS_DEVICE_DRIVER_FLAGS_NEEDS_TPUPROXY | SVFS_DEVICE_DRIVER_FLAGS_HOST_DISCOVERY,
  };
  g_autoptr(SvfsDeviceDriver) memory = NULL;
  g_autoptr(SvfsDeviceDriver) fuse = NULL;
  g_autofree char *memory_nodes = NULL;
  g_autofree char *fuse_nodes = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (drivers), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(SvfsDeviceDriver) d = g_list_model_get_item (drivers, i);
      g_assert_cmpstr (svfs_device_driver_get_name (d), ==, names[i]);
      g_assert_cmpint (svfs_device_driver_get_flags (d), ==, flags[i]);
      g_assert_nonnull (svfs_device_driver_get_description (d));
    }
  memory = g_list_model_get_item (drivers, 0);
  fuse = g_list_model_get_item (drivers, 3);
  memory_nodes = describe (svfs_device_driver_get_devices (memory));
  fuse_nodes = describe (svfs_device_driver_get_devices (fuse));
  g_assert_cmpstr (memory_nodes, ==,
                   "memory /dev/null c 1:3 - -:- -\n"
                   "memory /dev/zero c 1:5 - -:- -\n"
                   "memory /dev/full c 1:7 - -:- -\n"
                   "memory /dev/random c 1:8 - -:- -\n"
                   "memory /dev/urandom c 1:9 - -:- -\n");
  g_assert_cmpstr (fuse_nodes, ==, "fuse /dev/fuse c 10:229 - -:- -\n");
}

static void
test_h100_roots (Host *h, gconstpointer data)
{
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_autoptr(GListModel) devices = NULL;
  g_autoptr(SvfsDevice) gpu3 = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *text = NULL;

  host_load (h, "h100-8gpu");
  r = host_registry (h);
  devices = svfs_device_registry_enumerate (r, &warnings, NULL, &error);
  g_assert_no_error (error);
  text = describe (devices);
  /* NVSwitch bridges (class 0x068000) and the ASPEED VGA are not GPUs. */
  g_assert_cmpstr (text, ==, h100_expected);
  g_assert_cmpuint (g_strv_length (warnings), ==, 0);

  gpu3 = g_list_model_get_item (devices, 3);
  g_assert_cmpstr (svfs_device_get_uuid (gpu3), ==, "GPU-b4d5f607-1829-43a4-b5c6-d7e8f90a1b34");
  g_assert_cmpuint (svfs_device_get_mode (gpu3), ==, 0666);
}

static void
test_h100_preload (Host *h, gconstpointer data)
{
  g_autoptr(SvfsDeviceRegistry) r = svfs_device_registry_new ();
  g_auto(GStrv) warnings = NULL;
  g_autofree char *text = NULL;

  if (!preloaded ())
    {
      g_test_skip ("libumockdev-preload.so is not in LD_PRELOAD");
      return;
    }
  host_load (h, "h100-8gpu");
  /* Reads /sys, /proc/devices, /proc/driver/nvidia and /dev: redirected. */
  text = enumerate_described (r, &warnings);
  g_assert_cmpstr (text, ==, h100_expected);
  g_assert_cmpuint (g_strv_length (warnings), ==, 0);
}

static void
test_h100_without_procfs (Host *h, gconstpointer data)
{
  g_autofree char *sys = NULL;
  g_autofree char *dev = NULL;
  g_autofree char *empty = NULL;
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *text = NULL;

  host_load (h, "h100-8gpu");
  sys = g_build_filename (h->root, "sys", NULL);
  dev = g_build_filename (h->root, "dev", NULL);
  empty = g_build_filename (h->root, "empty-proc", NULL);
  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  r = svfs_device_registry_new_for_roots (sys, dev, empty);
  text = enumerate_described (r, &warnings);
  /* Minors by position in PCI order; no model; no UVM without its major. */
  g_assert_true (g_str_has_prefix (text, "nvidia-gpu /dev/nvidia0 c 195:0 0000:18:00.0 0x10de:0x2330 -\n"));
  g_assert_nonnull (strstr (text, "nvidia-gpu /dev/nvidia7 c 195:7 0000:db:00.0 0x10de:0x2330 -\n"));
  g_assert_nonnull (strstr (text, "nvidia-control /dev/nvidiactl c 195:255"));
  g_assert_null (strstr (text, "nvidia-uvm"));
  g_assert_cmpuint (g_strv_length (warnings), ==, 1);
  g_assert_nonnull (strstr (warnings[0], "nvidia-uvm is not in"));
}

static void
test_workstation (Host *h, gconstpointer data)
{
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *text = NULL;
  g_autofree char *info = NULL;

  host_load (h, "rtx4090-workstation");
  r = host_registry (h);
  text = enumerate_described (r, &warnings);
  /* The HDMI audio function and the Intel iGPU are left out. */
  g_assert_cmpstr (text, ==,
                   "nvidia-gpu /dev/nvidia0 c 195:0 0000:01:00.0 0x10de:0x2684 NVIDIA GeForce RTX 4090\n"
                   "nvidia-control /dev/nvidiactl c 195:255 - -:- -\n"
                   "nvidia-uvm /dev/nvidia-uvm c 508:0 - -:- -\n"
                   "nvidia-uvm-tools /dev/nvidia-uvm-tools c 508:1 - -:- -\n"
                   "nvidia-modeset /dev/nvidia-modeset c 195:254 - -:- -\n");
  g_assert_cmpuint (g_strv_length (warnings), ==, 0);

  /* The minor is the driver's "Device Minor", not the position. */
  info = g_build_filename (h->root, "proc", "driver", "nvidia", "gpus", "0000:01:00.0", "information", NULL);
  g_assert_true (g_file_set_contents (info, "Model: \t\t X\nDevice Minor: \t 3\n", -1, NULL));
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&warnings, g_strfreev);
  text = enumerate_described (r, &warnings);
  g_assert_true (g_str_has_prefix (text, "nvidia-gpu /dev/nvidia3 c 195:3 0000:01:00.0 0x10de:0x2684 X\n"));
}

static const char tpu_v4_expected[] =
  "tpu /dev/accel0 c 121:0 0000:00:04.0 0x1ae0:0x005e v4\n"
  "tpu /dev/accel1 c 121:1 0000:00:05.0 0x1ae0:0x005e v4\n"
  "tpu /dev/accel2 c 121:2 0000:00:06.0 0x1ae0:0x005e v4\n"
  "tpu /dev/accel3 c 121:3 0000:00:07.0 0x1ae0:0x005e v4\n";

static void
test_tpu_v4 (Host *h, gconstpointer data)
{
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *text = NULL;

  host_load (h, "tpu-v4-4chip");
  r = GPOINTER_TO_INT (data) ? svfs_device_registry_new () : host_registry (h);
  if (GPOINTER_TO_INT (data) && !preloaded ())
    {
      g_test_skip ("libumockdev-preload.so is not in LD_PRELOAD");
      return;
    }
  text = enumerate_described (r, &warnings);
  /* The gVNIC (also vendor 0x1ae0) is not a TPU. */
  g_assert_cmpstr (text, ==, tpu_v4_expected);
  g_assert_cmpuint (g_strv_length (warnings), ==, 0);
}

static void
test_tpu_v5e (Host *h, gconstpointer data)
{
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *text = NULL;
  GString *expected = g_string_new (NULL);
  g_autofree char *link = NULL;
  g_autofree char *member = NULL;

  host_load (h, "tpu-v5e-8chip");
  r = host_registry (h);
  for (guint i = 0; i < 8; i++)
    g_string_append_printf (expected, "tpu /dev/vfio/%u c 245:%u 0000:00:%02x.0 0x1ae0:0x0063 v5e\n",
                            i, i, 4 + i);
  g_string_append (expected, "vfio-control /dev/vfio/vfio c 10:196 - -:- -\n");
  text = enumerate_described (r, &warnings);
  g_assert_cmpstr (text, ==, expected->str);
  g_assert_cmpuint (g_strv_length (warnings), ==, 0);

  /* Without the iommu_group link, the group is found in kernel/iommu_groups. */
  link = g_build_filename (h->root, "sys", "devices", "pci0000:00", "0000:00:0b.0", "iommu_group", NULL);
  member = g_build_filename (h->root, "sys", "kernel", "iommu_groups", "7", "devices", "0000:00:0b.0", NULL);
  g_assert_cmpint (g_unlink (link), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (member, 0755), ==, 0);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&warnings, g_strfreev);
  text = enumerate_described (r, &warnings);
  g_assert_cmpstr (text, ==, expected->str);
  g_string_free (expected, TRUE);
}

static void
test_tpu_mixed (Host *h, gconstpointer data)
{
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *text = NULL;

  host_load (h, "tpu-mixed");
  r = host_registry (h);
  text = enumerate_described (r, &warnings);
  /* PCI domain 0001; the unknown id is a warning, not an error. */
  g_assert_cmpstr (text, ==, "tpu /dev/accel0 c 121:0 0001:00:04.0 0x1ae0:0x005e v4\n");
  g_assert_cmpuint (g_strv_length (warnings), ==, 1);
  g_assert_true (g_str_has_prefix (warnings[0], "unsupported TPU device with ID: 0x50 "));
  g_assert_nonnull (strstr (warnings[0], "0001:00:05.0"));
}

static void
test_malformed (Host *h, gconstpointer data)
{
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *text = NULL;

  host_load (h, "malformed");
  r = host_registry (h);
  text = enumerate_described (r, &warnings);
  /* One bad device does not hide the good one. */
  g_assert_cmpstr (text, ==, "tpu /dev/accel3 c 121:3 0000:00:0a.0 0x1ae0:0x005e v4\n");
  g_assert_cmpuint (g_strv_length (warnings), ==, 4);
  g_assert_true (g_str_has_prefix (warnings[0], "0000:00:04.0: reading PCI device ID: "));
  g_assert_cmpstr (warnings[1], ==, "0000:00:05.0: parsing PCI device ID: \"0X005E\" is not a hexadecimal number");
  g_assert_cmpstr (warnings[2], ==, "0000:00:06.0: parsing PCI device ID: \"\" is not a hexadecimal number");
  g_assert_cmpstr (warnings[3], ==, "0000:00:07.0: ignoring \"accel/accel_x\": not accelN with a decimal N");
}

static void
test_errors (Host *h, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (h->root, "no-such-dir", NULL);
  g_autofree char *sys = g_build_filename (h->root, "sys", NULL);
  g_autoptr(SvfsDeviceRegistry) r1 = svfs_device_registry_new_for_roots (missing, NULL, NULL);
  g_autoptr(SvfsDeviceRegistry) r2 = svfs_device_registry_new_for_roots (sys, missing, missing);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) devices = NULL;

  devices = svfs_device_registry_enumerate (r1, NULL, NULL, &error);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_NOT_FOUND);
  g_assert_null (devices);
  g_assert_nonnull (strstr (error->message, "sysfs root"));
  g_clear_error (&error);

  /* A sysfs without bus/pci: no devices, no error. */
  devices = svfs_device_registry_enumerate (r2, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (devices), ==, 0);
  g_clear_object (&devices);

  host_load (h, "tpu-v4-4chip");
  g_cancellable_cancel (cancellable);
  devices = svfs_device_registry_enumerate (r2, NULL, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (devices);
}

static void
enumerate_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

static void
test_async (Host *h, gconstpointer data)
{
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) devices = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *text = NULL;

  host_load (h, "tpu-mixed");
  r = host_registry (h);
  svfs_device_registry_enumerate_async (r, NULL, enumerate_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  devices = svfs_device_registry_enumerate_finish (r, result, &warnings, &error);
  g_assert_no_error (error);
  text = describe (devices);
  g_assert_cmpstr (text, ==, "tpu /dev/accel0 c 121:0 0001:00:04.0 0x1ae0:0x005e v4\n");
  g_assert_cmpuint (g_strv_length (warnings), ==, 1);
}

static char *
node_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

static void
test_json_and_cdi (Host *h, gconstpointer data)
{
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_autoptr(GListModel) devices = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonNode) json_no_warnings = NULL;
  g_autoptr(JsonNode) cdi = NULL;
  g_autoptr(JsonNode) tpu_cdi = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *text = NULL;
  g_autofree char *cdi_text = NULL;
  g_autofree char *tpu_cdi_text = NULL;
  JsonObject *root, *first;
  JsonArray *cdi_devices;

  host_load (h, "rtx4090-workstation");
  r = host_registry (h);
  devices = svfs_device_registry_enumerate (r, &warnings, NULL, NULL);
  json_no_warnings = svfs_device_registry_devices_to_json (devices, (const char * const *) warnings);
  g_assert_false (json_object_has_member (json_node_get_object (json_no_warnings), "warnings"));

  {
    const char * const some[] = { "a warning", NULL };
    json = svfs_device_registry_devices_to_json (devices, some);
  }
  root = json_node_get_object (json);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "devices")), ==, 5);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (root, "warnings"), 0), ==,
                   "a warning");
  first = json_array_get_object_element (json_object_get_array_member (root, "devices"), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "kind"), ==, "nvidia-gpu");
  g_assert_cmpstr (json_object_get_string_member (first, "path"), ==, "/dev/nvidia0");
  g_assert_cmpint (json_object_get_int_member (first, "major"), ==, 195);
  g_assert_cmpint (json_object_get_int_member (first, "minor"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "pci"), ==, "0000:01:00.0");
  g_assert_cmpstr (json_object_get_string_member (first, "vendor"), ==, "0x10de");
  g_assert_cmpstr (json_object_get_string_member (first, "device"), ==, "0x2684");
  g_assert_cmpstr (json_object_get_string_member (first, "uuid"), ==, "GPU-7b1e2d3c-4f5a-6b7c-8d9e-0f1a2b3c4d5e");

  cdi = svfs_device_registry_devices_to_cdi (devices, "nvidia.com/gpu");
  cdi_text = node_to_string (cdi);
  g_assert_cmpstr (cdi_text, ==,
    "{\"cdiVersion\":\"0.5.0\",\"kind\":\"nvidia.com/gpu\",\"devices\":["
    "{\"name\":\"0\",\"containerEdits\":{\"deviceNodes\":[{\"path\":\"/dev/nvidia0\",\"type\":\"c\",\"major\":195,\"minor\":0,\"fileMode\":438,\"permissions\":\"rw\"}]}},"
    "{\"name\":\"GPU-7b1e2d3c-4f5a-6b7c-8d9e-0f1a2b3c4d5e\",\"containerEdits\":{\"deviceNodes\":[{\"path\":\"/dev/nvidia0\",\"type\":\"c\",\"major\":195,\"minor\":0,\"fileMode\":438,\"permissions\":\"rw\"}]}},"
    "{\"name\":\"all\",\"containerEdits\":{\"deviceNodes\":[{\"path\":\"/dev/nvidia0\",\"type\":\"c\",\"major\":195,\"minor\":0,\"fileMode\":438,\"permissions\":\"rw\"}]}}],"
    "\"containerEdits\":{\"deviceNodes\":["
    "{\"path\":\"/dev/nvidiactl\",\"type\":\"c\",\"major\":195,\"minor\":255,\"fileMode\":438,\"permissions\":\"rw\"},"
    "{\"path\":\"/dev/nvidia-uvm\",\"type\":\"c\",\"major\":508,\"minor\":0,\"fileMode\":438,\"permissions\":\"rw\"},"
    "{\"path\":\"/dev/nvidia-uvm-tools\",\"type\":\"c\",\"major\":508,\"minor\":1,\"fileMode\":438,\"permissions\":\"rw\"},"
    "{\"path\":\"/dev/nvidia-modeset\",\"type\":\"c\",\"major\":195,\"minor\":254,\"fileMode\":438,\"permissions\":\"rw\"}]}}");

  /* No TPU here: a TPU spec without devices. */
  tpu_cdi = svfs_device_registry_devices_to_cdi (devices, "google.com/tpu");
  tpu_cdi_text = node_to_string (tpu_cdi);
  g_assert_cmpstr (tpu_cdi_text, ==, "{\"cdiVersion\":\"0.5.0\",\"kind\":\"google.com/tpu\",\"devices\":[]}");

  text = describe (devices);
  cdi_devices = json_object_get_array_member (json_node_get_object (cdi), "devices");
  g_assert_cmpuint (json_array_get_length (cdi_devices), ==, 3);
}

/* The compiler ------------------------------------------------------------ */

static SvfsMountPlan *
compile_with (SvfsDeviceRegistry  *registry,
              const char          *spec_extra,
              const char          *config_key,
              GError             **error)
{
  g_autofree char *json = g_strdup_printf ("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"/nonexistent-svfs-root\"}%s%s}",
                                           spec_extra != NULL ? ", " : "", spec_extra ?: "");
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SvfsSpec) spec = svfs_spec_new_from_data (json, -1, &local_error);
  g_autoptr(SvfsConfig) config = svfs_config_new ();
  g_autoptr(SvfsMounter) mounter = NULL;

  g_assert_no_error (local_error);
  if (config_key != NULL)
    g_assert_true (svfs_config_set (config, config_key, "true", NULL));
  mounter = svfs_mounter_new (spec, config);
  svfs_mounter_set_device_registry (mounter, registry);
  g_assert_true (svfs_mounter_get_device_registry (mounter) == registry);
  return svfs_mounter_compile (mounter, error);
}

static char *
plan_devices_described (SvfsDeviceRegistry *registry,
                        const char         *spec_extra,
                        const char         *config_key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMountPlan) plan = compile_with (registry, spec_extra, config_key, &error);

  g_assert_no_error (error);
  return describe (svfs_mount_plan_get_devices (plan));
}

#define HOOK "\"hooks\": {\"prestart\": [{\"path\": \"/usr/bin/nvidia-container-runtime-hook\", \"args\": [\"x\", \"prestart\"]}]}"
#define PROCESS(env) "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"env\": [" env "]}"

static void
test_plan_untouched_without_proxies (void)
{
  /* nvproxy and tpuproxy off: the host is not read at all. */
  g_autoptr(SvfsDeviceRegistry) r = svfs_device_registry_new_for_roots ("/nonexistent-sysfs", NULL, NULL);
  g_autofree char *text = plan_devices_described (r, HOOK ", " PROCESS ("\"NVIDIA_VISIBLE_DEVICES=all\""), NULL);

  g_assert_cmpstr (text, ==, "");
}

static void
test_plan_nvidia_hook (Host *h, gconstpointer data)
{
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_autofree char *all = NULL;
  g_autofree char *some = NULL;
  g_autofree char *none = NULL;
  g_autofree char *annotated = NULL;
  g_autofree char *no_hook = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;

  host_load (h, "h100-8gpu");
  r = host_registry (h);

  all = plan_devices_described (r, HOOK ", " PROCESS ("\"PATH=/bin\", \"NVIDIA_VISIBLE_DEVICES=all\""), "nvproxy");
  g_assert_true (g_str_has_prefix (all,
                                   "nvidia-control /dev/nvidiactl c 195:255 - -:- -\n"
                                   "nvidia-uvm /dev/nvidia-uvm c 510:0 - -:- -\n"
                                   "nvidia-gpu /dev/nvidia0 c 195:0 0000:18:00.0 0x10de:0x2330 " H100_MODEL "\n"));
  g_assert_nonnull (strstr (all, "nvidia-gpu /dev/nvidia7 c 195:7"));

  /* Indices are positions in PCI order; UUIDs from the driver's procfs;
   * the last definition wins. */
  some = plan_devices_described (r, HOOK ", " PROCESS ("\"NVIDIA_VISIBLE_DEVICES=all\", "
                                                        "\"NVIDIA_VISIBLE_DEVICES=0,2,GPU-c5e60718-293a-44b5-c6d7-e8f90a1b2c45\""),
                                 "nvproxy");
  g_assert_cmpstr (some, ==,
                   "nvidia-control /dev/nvidiactl c 195:255 - -:- -\n"
                   "nvidia-uvm /dev/nvidia-uvm c 510:0 - -:- -\n"
                   "nvidia-gpu /dev/nvidia0 c 195:0 0000:18:00.0 0x10de:0x2330 " H100_MODEL "\n"
                   "nvidia-gpu /dev/nvidia2 c 195:2 0000:3a:00.0 0x10de:0x2330 " H100_MODEL "\n"
                   "nvidia-gpu /dev/nvidia4 c 195:4 0000:9a:00.0 0x10de:0x2330 " H100_MODEL "\n");

  none = plan_devices_described (r, HOOK ", " PROCESS ("\"NVIDIA_VISIBLE_DEVICES=none\""), "nvproxy");
  g_assert_cmpstr (none, ==,
                   "nvidia-control /dev/nvidiactl c 195:255 - -:- -\n"
                   "nvidia-uvm /dev/nvidia-uvm c 510:0 - -:- -\n");

  /* The annotation with Go's boolean syntax; a spec node comes first and
   * wins; its nvidia-uvm major becomes the host's. */
  annotated = plan_devices_described (r, HOOK ", " PROCESS ("\"NVIDIA_VISIBLE_DEVICES=1\"") ", "
                                      "\"annotations\": {\"dev.gvisor.internal.nvproxy\": \"T\"}, "
                                      "\"linux\": {\"devices\": [{\"path\": \"/dev/nvidia-uvm\", \"type\": \"c\", \"major\": 234, \"minor\": 0}]}",
                                      NULL);
  g_assert_cmpstr (annotated, ==,
                   "spec /dev/nvidia-uvm c 510:0 - -:- -\n"
                   "nvidia-control /dev/nvidiactl c 195:255 - -:- -\n"
                   "nvidia-gpu /dev/nvidia1 c 195:1 0000:2a:00.0 0x10de:0x2330 " H100_MODEL "\n");

  /* Without the hook, or with void, nothing is added. (An env entry
   * without "=" is refused by the spec validator before this rule.) */
  no_hook = plan_devices_described (r, PROCESS ("\"NVIDIA_VISIBLE_DEVICES=all\""), "nvproxy");
  g_assert_cmpstr (no_hook, ==, "");
  g_clear_pointer (&no_hook, g_free);
  no_hook = plan_devices_described (r, HOOK ", " PROCESS ("\"NVIDIA_VISIBLE_DEVICES=void\""), "nvproxy");
  g_assert_cmpstr (no_hook, ==, "");

  plan = compile_with (r, HOOK ", " PROCESS ("\"NVIDIA_VISIBLE_DEVICES=8\""), "nvproxy", &error);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE);
  g_assert_nonnull (strstr (error->message, "NVIDIA_VISIBLE_DEVICES: unknown GPU \"8\""));
  g_assert_null (plan);
}

static void
test_plan_annotation_bad_bool (Host *h, gconstpointer data)
{
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;
  const char * const *warnings;

  host_load (h, "h100-8gpu");
  r = host_registry (h);
  plan = compile_with (r, HOOK ", " PROCESS ("\"NVIDIA_VISIBLE_DEVICES=all\"") ", "
                       "\"annotations\": {\"dev.gvisor.internal.nvproxy\": \"yes\"}", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (svfs_mount_plan_get_devices (plan)), ==, 0);
  warnings = svfs_mount_plan_get_warnings (plan);
  g_assert_cmpstr (warnings[0], ==,
                   "annotation dev.gvisor.internal.nvproxy: invalid boolean value \"yes\"; treated as false");
}

static void
test_plan_nvidia_dev_listing (Host *h, gconstpointer data)
{
  /* No NVIDIA GPU in sysfs: gVisor's rule, the /dev listing of nvidiaN. */
  g_autofree char *sys = g_build_filename (h->root, "sys", NULL);
  g_autofree char *dev = g_build_filename (h->root, "fake-dev", NULL);
  g_autofree char *proc = g_build_filename (test_data (), "devices", "proc", "h100-8gpu", NULL);
  g_autoptr(SvfsDeviceRegistry) r = svfs_device_registry_new_for_roots (sys, dev, proc);
  static const char * const names[] = { "nvidia007", "nvidia3", "nvidiactl", "nvidia-uvm", "nvidia-modeset", "nvidiax1" };
  g_autofree char *text = NULL;
  g_autofree char *bad = g_build_filename (dev, "nvidia300", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;

  g_assert_cmpint (g_mkdir (dev, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *p = g_build_filename (dev, names[i], NULL);
      g_assert_true (g_file_set_contents (p, "", 0, NULL));
    }
  text = plan_devices_described (r, HOOK ", " PROCESS ("\"NVIDIA_VISIBLE_DEVICES=all\""), "nvproxy");
  g_assert_cmpstr (text, ==,
                   "nvidia-control /dev/nvidiactl c 195:255 - -:- -\n"
                   "nvidia-uvm /dev/nvidia-uvm c 510:0 - -:- -\n"
                   "nvidia-gpu /dev/nvidia3 c 195:3 - -:- -\n"
                   "nvidia-gpu /dev/nvidia7 c 195:7 - -:- -\n");

  g_assert_true (g_file_set_contents (bad, "", 0, NULL));
  plan = compile_with (r, HOOK ", " PROCESS ("\"NVIDIA_VISIBLE_DEVICES=all\""), "nvproxy", &error);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE);
  g_assert_cmpstr (error->message, ==, "invalid nvidia regular minor device number 300");
}

static void
test_plan_tpuproxy (Host *h, gconstpointer data)
{
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_autofree char *text = NULL;

  host_load (h, "tpu-v5e-8chip");
  r = host_registry (h);
  text = plan_devices_described (r, NULL, "tpuproxy");
  g_assert_true (g_str_has_prefix (text, "tpu /dev/vfio/0 c 245:0 0000:00:04.0 0x1ae0:0x0063 v5e\n"));
  g_assert_true (g_str_has_suffix (text,
                                   "tpu /dev/vfio/7 c 245:7 0000:00:0b.0 0x1ae0:0x0063 v5e\n"
                                   "vfio-control /dev/vfio/vfio c 10:196 - -:- -\n"));
  g_clear_pointer (&text, g_free);
  text = plan_devices_described (r, "\"annotations\": {\"dev.gvisor.internal.tpuproxy\": \"1\"}", NULL);
  g_assert_cmpuint (strlen (text), >, 0);
}

static void
test_plan_tpuproxy_fails (Host *h, gconstpointer data)
{
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autofree char *text = NULL;

  host_load (h, GPOINTER_TO_INT (data) ? "malformed" : "tpu-mixed");
  r = host_registry (h);
  plan = compile_with (r, NULL, "tpuproxy", &error);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE);
  g_assert_null (plan);
  if (GPOINTER_TO_INT (data))
    g_assert_true (g_str_has_prefix (error->message, "registering TPU driver: 0000:00:04.0: reading PCI device ID: "));
  else
    g_assert_true (g_str_has_prefix (error->message, "registering TPU driver: unsupported TPU device with ID: 0x50 "));

  /* Without tpuproxy the same host compiles. */
  text = plan_devices_described (r, NULL, NULL);
  g_assert_cmpstr (text, ==, "");
}

static void
test_plan_cdi (Host *h, gconstpointer data)
{
  g_autofree char *etc = g_build_filename (test_data (), "devices", "cdi", "etc", NULL);
  g_autofree char *run = g_build_filename (test_data (), "devices", "cdi", "run", NULL);
  g_autofree char *dev = g_build_filename (h->root, "cdi-dev", NULL);
  g_autofree char *fifo = g_build_filename (dev, "svfs-test-fifo", NULL);
  const char *dirs[] = { etc, run, NULL };
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autoptr(SvfsMountPlan) bad = NULL;
  g_autoptr(SvfsDevice) one = NULL;
  const char * const *warnings;

  g_assert_cmpint (g_mkdir (dev, 0755), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  r = g_object_new (SVFS_TYPE_DEVICE_REGISTRY, "dev-root", dev, "cdi-spec-dirs", dirs, NULL);

  plan = compile_with (r, "\"annotations\": {\"cdi.k8s.io/b\": \"example.com/pipe=log\", "
                       "\"cdi.k8s.io/a\": \"nvidia.com/gpu=0, nvidia.com/gpu=1\"}", NULL, &error);
  g_assert_no_error (error);
  text = describe (svfs_mount_plan_get_devices (plan));
  /* Annotations by key; spec-wide edits once; /var/run/cdi over /etc/cdi;
   * a node without type or numbers takes them from the host (a FIFO). */
  g_assert_cmpstr (text, ==,
                   "cdi /dev/nvidia0 c 195:0 - -:- -\n"
                   "cdi /dev/nvidiactl c 195:255 - -:- -\n"
                   "cdi /dev/nvidia-uvm c 510:0 - -:- -\n"
                   "cdi /dev/nvidia1 c 195:7 - -:- -\n"
                   "cdi /dev/svfs-test-fifo p 0:0 - -:- -\n");
  /* A broken spec, JSON or YAML, is a warning naming the file and the
   * line; the other specs are still read. */
  warnings = svfs_mount_plan_get_warnings (plan);
  g_assert_cmpuint (g_strv_length ((char **) warnings), ==, 2);
  {
    g_autofree char *json_warning = g_strdup_printf ("ignoring CDI spec %s/broken.json: line 1, column 5: "
                                                     "unexpected text after the end of the JSON document", etc);
    g_autofree char *yaml_warning = g_strdup_printf ("ignoring CDI spec %s/broken.yaml: line 4, column 1: "
                                                     "did not find expected ',' or '}' "
                                                     "(while parsing a flow mapping at line 3, column 11)", etc);

    g_assert_cmpstr (warnings[0], ==, json_warning);
    g_assert_cmpstr (warnings[1], ==, yaml_warning);
  }
  one = g_list_model_get_item (svfs_mount_plan_get_devices (plan), 3);
  g_assert_cmpuint (svfs_device_get_mode (one), ==, 0666);

  bad = compile_with (r, "\"annotations\": {\"cdi.k8s.io/x\": \"vendor.example/accel=0,nvidia.com/gpu=9\"}",
                      NULL, &error);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE);
  {
    g_autofree char *expected = g_strdup_printf ("unresolvable CDI devices nvidia.com/gpu=9 "
                                                 "(searched the JSON and YAML specs in %s, %s)", etc, run);
    g_assert_cmpstr (error->message, ==, expected);
  }
  g_clear_error (&error);
  g_clear_object (&bad);

  /* vendor.yaml is read: its node (no type, no numbers) is looked up on
   * the host, where it is missing. */
  bad = compile_with (r, "\"annotations\": {\"cdi.k8s.io/x\": \"vendor.example/accel=0\"}", NULL, &error);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE);
  {
    g_autofree char *expected = g_strdup_printf ("CDI device vendor.example/accel=0 (%s/vendor.yaml): "
                                                 "cannot find the host device %s/vendor-accel0 for "
                                                 "/dev/vendor-accel0: No such file or directory", etc, dev);
    g_assert_cmpstr (error->message, ==, expected);
  }
  g_clear_error (&error);
  g_clear_object (&bad);

  bad = compile_with (r, "\"annotations\": {\"cdi.k8s.io/x\": \"gpu0\"}", NULL, &error);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC);
  g_assert_cmpstr (error->message, ==,
                   "annotations[\"cdi.k8s.io/x\"]: invalid CDI device name \"gpu0\" (expected vendor.com/class=name)");
}

/* "c MAJOR:MINOR" of a host node as stat() sees it (a static buffer). */
static const char *
host_node (const char *path)
{
  static char buffer[8][64];
  static guint next;
  char *out = buffer[next++ % G_N_ELEMENTS (buffer)];
  struct stat st;

  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));
  g_snprintf (out, sizeof buffer[0], "c %u:%u", major (st.st_rdev), minor (st.st_rdev));
  return out;
}

/* CDI specs in YAML: an nvidia-ctk style spec for the H100 host (nodes
 * by path only, so their numbers come from the host's /dev, redirected by
 * umockdev) and a hand-written one with anchors, merge keys and octal
 * modes (tests/data/devices/cdi/yaml/). */
static void
test_plan_cdi_yaml (Host *h, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (test_data (), "devices", "cdi", "yaml", NULL);
  const char *dirs[] = { dir, NULL };
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autoptr(SvfsMountPlan) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *all_text = NULL;
  GListModel *devices;

  if (!preloaded ())
    {
      g_test_skip ("needs libumockdev-preload.so for the host's /dev nodes");
      return;
    }
  host_load (h, "h100-8gpu");
  r = g_object_new (SVFS_TYPE_DEVICE_REGISTRY, "cdi-spec-dirs", dirs, NULL);

  plan = compile_with (r, "\"annotations\": {"
                       "\"cdi.k8s.io/gpu\": \"nvidia.com/gpu=GPU-5d5ee6a0-63b1-6b1e-4f3c-2e8a7f0c1a01,nvidia.com/gpu=3\", "
                       "\"cdi.k8s.io/accel\": \"example.com/accel=1\"}", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (svfs_mount_plan_get_warnings (plan)[0]);
  devices = svfs_mount_plan_get_devices (plan);
  text = describe (devices);
  {
    /* The nvidia nodes have what stat() gives for the (emulated) host node. */
    g_autofree char *expected = g_strdup_printf ("cdi /dev/accel1 c 121:1 - -:- -\n"
                                                 "cdi /dev/accel-ctl c 10:100 - -:- -\n"
                                                 "cdi /dev/nvidia0 %s - -:- -\n"
                                                 "cdi /dev/nvidiactl %s - -:- -\n"
                                                 "cdi /dev/nvidia-uvm %s - -:- -\n"
                                                 "cdi /dev/nvidia-uvm-tools %s - -:- -\n"
                                                 "cdi /dev/nvidia3 %s - -:- -\n",
                                                 host_node ("/dev/nvidia0"), host_node ("/dev/nvidiactl"),
                                                 host_node ("/dev/nvidia-uvm"), host_node ("/dev/nvidia-uvm-tools"),
                                                 host_node ("/dev/nvidia3"));
    g_assert_cmpstr (text, ==, expected);
  }
  {
    /* The merge key brought fileMode 0660 and gid 44 from device 0. */
    g_autoptr(SvfsDevice) accel = g_list_model_get_item (devices, 0);
    g_autoptr(SvfsDevice) ctl = g_list_model_get_item (devices, 1);

    g_assert_cmpuint (svfs_device_get_mode (accel), ==, 0660);
    g_assert_cmpuint (svfs_device_get_gid (accel), ==, 44);
    g_assert_cmpuint (svfs_device_get_mode (ctl), ==, 0600);
  }

  /* "all", and device "0" written as a plain number. */
  all = compile_with (r, "\"annotations\": {\"cdi.k8s.io/x\": \"example.com/accel=0, nvidia.com/gpu=all\"}",
                      NULL, &error);
  g_assert_no_error (error);
  all_text = describe (svfs_mount_plan_get_devices (all));
  {
    g_autoptr(GString) expected = g_string_new ("cdi /dev/accel0 c 121:0 - -:- -\n"
                                                "cdi /dev/accel-ctl c 10:100 - -:- -\n");

    for (int i = 0; i < 8; i++)
      {
        g_autofree char *path = g_strdup_printf ("/dev/nvidia%d", i);
        g_string_append_printf (expected, "cdi %s %s - -:- -\n", path, host_node (path));
      }
    g_string_append_printf (expected, "cdi /dev/nvidiactl %s - -:- -\n", host_node ("/dev/nvidiactl"));
    g_string_append_printf (expected, "cdi /dev/nvidia-uvm %s - -:- -\n", host_node ("/dev/nvidia-uvm"));
    g_string_append_printf (expected, "cdi /dev/nvidia-uvm-tools %s - -:- -\n",
                            host_node ("/dev/nvidia-uvm-tools"));
    g_assert_cmpstr (all_text, ==, expected->str);
  }
}

/* A spec file that is too big, or not a regular file, is a warning. */
static void
test_plan_cdi_bounds (Host *h, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (h->root, "cdi", NULL);
  g_autofree char *big = g_build_filename (dir, "big.yaml", NULL);
  g_autofree char *fifo = g_build_filename (dir, "pipe.json", NULL);
  g_autofree char *good = g_build_filename (dir, "good.yml", NULL);
  const char *dirs[] = { dir, NULL };
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected_big = NULL;
  g_autofree char *expected_fifo = NULL;
  const char * const *warnings;
  int fd;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  fd = g_open (big, O_WRONLY | O_CREAT, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 16 * 1024 * 1024 + 1), ==, 0);
  close (fd);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_true (g_file_set_contents (good, "kind: example.com/x\n"
                                      "devices: [{name: a, containerEdits: {deviceNodes: "
                                      "[{path: /dev/x, type: c, major: 1, minor: 3}]}}]\n", -1, NULL));
  r = g_object_new (SVFS_TYPE_DEVICE_REGISTRY, "cdi-spec-dirs", dirs, NULL);

  plan = compile_with (r, "\"annotations\": {\"cdi.k8s.io/x\": \"example.com/x=a\"}", NULL, &error);
  g_assert_no_error (error);
  text = describe (svfs_mount_plan_get_devices (plan));
  g_assert_cmpstr (text, ==, "cdi /dev/x c 1:3 - -:- -\n");
  warnings = svfs_mount_plan_get_warnings (plan);
  expected_big = g_strdup_printf ("ignoring CDI spec %s: larger than 16 MiB (16777217 bytes)", big);
  expected_fifo = g_strdup_printf ("ignoring CDI spec %s: not a regular file", fifo);
  g_assert_cmpuint (g_strv_length ((char **) warnings), ==, 2);
  g_assert_cmpstr (warnings[0], ==, expected_big);
  g_assert_cmpstr (warnings[1], ==, expected_fifo);
  g_assert_cmpint (g_unlink (big), ==, 0);
  g_assert_cmpint (g_unlink (fifo), ==, 0);
  g_assert_cmpint (g_unlink (good), ==, 0);
}

/* deviceNodes values are checked against the CDI schema's types and
 * ranges (major/minor int64 >= 0, uid/gid uint32, fileMode permission bits,
 * permissions a subset of "rwm", absolute paths); a bad one fails the
 * compile with the file and the JSON path of the field, in a JSON or a
 * YAML spec, in a device's edits or the spec-wide ones. */
static const struct {
  const char *node;       /* one deviceNodes entry, or the deviceNodes value */
  const char *problem;    /* after "devices[N].containerEdits.deviceNodes" */
  const char *also;       /* a second problem, or NULL */
} cdi_bad_nodes[] = {
  { "{\"path\": \"/dev/b\", \"type\": \"c\", \"major\": -7, \"minor\": 0}", "[0].major: must not be negative" },
  { "{\"path\": \"/dev/b\", \"type\": \"c\", \"major\": \"7\", \"minor\": 0}", "[0].major: expected an integer" },
  { "{\"path\": \"/dev/b\", \"type\": \"c\", \"major\": 1.5, \"minor\": 0}", "[0].major: expected an integer" },
  { "{\"path\": \"/dev/b\", \"type\": \"c\", \"major\": 1, \"minor\": -1}", "[0].minor: must not be negative" },
  { "{\"path\": \"/dev/b\", \"type\": \"c\", \"major\": 1, \"minor\": true}", "[0].minor: expected an integer" },
  { "{\"path\": \"/dev/b\", \"type\": \"c\", \"major\": 1, \"minor\": 2, \"fileMode\": 4096}",
    "[0].fileMode: must be permission bits, at most 07777 (4095), not 4096" },
  { "{\"path\": \"/dev/b\", \"type\": \"c\", \"major\": 1, \"minor\": 2, \"fileMode\": -1}",
    "[0].fileMode: out of range for a 32-bit unsigned integer" },
  { "{\"path\": \"/dev/b\", \"type\": \"c\", \"major\": 1, \"minor\": 2, \"fileMode\": \"0666\"}",
    "[0].fileMode: expected an integer" },
  { "{\"path\": \"/dev/b\", \"type\": \"c\", \"major\": 1, \"minor\": 2, \"uid\": -1}",
    "[0].uid: out of range for a 32-bit unsigned integer" },
  { "{\"path\": \"/dev/b\", \"type\": \"c\", \"major\": 1, \"minor\": 2, \"uid\": 4294967296}",
    "[0].uid: out of range for a 32-bit unsigned integer" },
  { "{\"path\": \"/dev/b\", \"type\": \"c\", \"major\": 1, \"minor\": 2, \"gid\": -3}",
    "[0].gid: out of range for a 32-bit unsigned integer" },
  { "{\"path\": \"/dev/b\", \"type\": \"c\", \"major\": 1, \"minor\": 2, \"gid\": \"44\"}",
    "[0].gid: expected an integer" },
  { "{\"path\": \"/dev/b\", \"type\": \"c\", \"major\": 1, \"minor\": 2, \"permissions\": \"rwx\"}",
    "[0].permissions: invalid permissions \"rwx\" (expected some of r, w and m)" },
  { "{\"path\": \"/dev/b\", \"type\": \"c\", \"major\": 1, \"minor\": 2, \"permissions\": 7}",
    "[0].permissions: expected a string" },
  { "{\"path\": \"/dev/b\", \"type\": \"x\", \"major\": 1, \"minor\": 2}",
    "[0].type: invalid type \"x\" (expected b, c, u or p)" },
  { "{\"path\": \"dev/b\", \"type\": \"c\", \"major\": 1, \"minor\": 2}", "[0].path: must be an absolute path" },
  { "{\"type\": \"c\", \"major\": 1, \"minor\": 2}", "[0].path: missing" },
  { "{\"path\": \"/dev/b\", \"hostPath\": \"b\"}", "[0].hostPath: must be an absolute path" },
  { "\"/dev/b\"", "[0]: expected an object" },
  /* two problems in one entry: both, in document order */
  { "{\"path\": \"/dev/b\", \"type\": \"c\", \"major\": -1, \"minor\": -2}",
    "[0].major: must not be negative", "[0].minor: must not be negative" },
};

static void
test_plan_cdi_node_values (Host *h, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (h->root, "cdi-values", NULL);
  g_autofree char *json_path = g_build_filename (dir, "values.json", NULL);
  g_autofree char *wide_path = g_build_filename (dir, "wide.json", NULL);
  g_autofree char *yaml_path = g_build_filename (dir, "values.yaml", NULL);
  const char *dirs[] = { dir, NULL };
  g_autoptr(GString) json = g_string_new ("{\"cdiVersion\": \"0.5.0\", \"kind\": \"example.com/v\", \"devices\": [\n"
                                          " {\"name\": \"ok\", \"containerEdits\": {\"deviceNodes\": ["
                                          "{\"path\": \"/dev/ok\", \"hostPath\": \"/dev/null\", \"type\": \"c\", "
                                          "\"major\": 0, \"minor\": 9223372036854775807, \"fileMode\": 4095, "
                                          "\"permissions\": \"rwm\", \"uid\": 4294967295, \"gid\": 0}]}},\n"
                                          " {\"name\": \"not-array\", \"containerEdits\": {\"deviceNodes\": {}}}");
  g_autoptr(SvfsDeviceRegistry) r = NULL;
  g_autoptr(SvfsMountPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SvfsDevice) ok = NULL;
  const guint first = 2;   /* the index of cdi_bad_nodes[0] in devices[] */

  for (gsize i = 0; i < G_N_ELEMENTS (cdi_bad_nodes); i++)
    g_string_append_printf (json, ",\n {\"name\": \"bad%" G_GSIZE_FORMAT "\", \"containerEdits\": "
                            "{\"deviceNodes\": [%s]}}", i, cdi_bad_nodes[i].node);
  g_string_append (json, "\n]}\n");
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (json_path, json->str, -1, NULL));
  g_assert_true (g_file_set_contents (wide_path,
                                      "{\"cdiVersion\": \"0.5.0\", \"kind\": \"example.com/w\",\n"
                                      " \"devices\": [{\"name\": \"a\", \"containerEdits\": {}}],\n"
                                      " \"containerEdits\": {\"deviceNodes\": [\n"
                                      "  {\"path\": \"/dev/w\", \"type\": \"c\", \"major\": 1, \"minor\": 2},\n"
                                      "  {\"path\": \"/dev/w1\", \"type\": \"c\", \"major\": 1, \"minor\": 3, \"uid\": -5}]}}\n",
                                      -1, NULL));
  g_assert_true (g_file_set_contents (yaml_path,
                                      "cdiVersion: 0.5.0\n"
                                      "kind: example.com/y\n"
                                      "devices:\n"
                                      "  - name: major\n"
                                      "    containerEdits:\n"
                                      "      deviceNodes:\n"
                                      "        - {path: /dev/y, type: c, major: -7, minor: 0}\n"
                                      "  - name: mode\n"
                                      "    containerEdits:\n"
                                      "      deviceNodes:\n"
                                      "        - {path: /dev/y, type: c, major: 7, minor: 0, fileMode: 010000}\n"
                                      "  - name: uid\n"
                                      "    containerEdits:\n"
                                      "      deviceNodes:\n"
                                      "        - {path: /dev/y, type: c, major: 7, minor: 0, uid: 0x100000000}\n",
                                      -1, NULL));
  r = g_object_new (SVFS_TYPE_DEVICE_REGISTRY, "cdi-spec-dirs", dirs, NULL);

  /* The bounds themselves are accepted. */
  plan = compile_with (r, "\"annotations\": {\"cdi.k8s.io/x\": \"example.com/v=ok\"}", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (svfs_mount_plan_get_warnings (plan)[0]);
  ok = g_list_model_get_item (svfs_mount_plan_get_devices (plan), 0);
  g_assert_cmpint (svfs_device_get_major (ok), ==, 0);
  g_assert_cmpint (svfs_device_get_minor (ok), ==, G_MAXINT64);
  g_assert_cmpuint (svfs_device_get_mode (ok), ==, 07777 & 0777);
  g_assert_cmpuint (svfs_device_get_uid (ok), ==, G_MAXUINT32);
  g_clear_object (&plan);

  for (gsize i = 0; i < G_N_ELEMENTS (cdi_bad_nodes) + 1; i++)
    {
      g_autofree char *annotation = NULL;
      g_autofree char *prefix = NULL;
      g_autofree char *problem = NULL;
      g_autofree char *expected = NULL;
      guint index = i < G_N_ELEMENTS (cdi_bad_nodes) ? first + (guint) i : 1;
      const char *name = i < G_N_ELEMENTS (cdi_bad_nodes) ? NULL : "not-array";
      g_autofree char *bad_name = g_strdup_printf ("bad%" G_GSIZE_FORMAT, i);

      if (name == NULL)
        name = bad_name;
      annotation = g_strdup_printf ("\"annotations\": {\"cdi.k8s.io/x\": \"example.com/v=%s\"}", name);
      prefix = g_strdup_printf ("devices[%u].containerEdits.deviceNodes", index);
      if (i == G_N_ELEMENTS (cdi_bad_nodes))
        problem = g_strdup_printf ("%s: expected an array", prefix);
      else if (cdi_bad_nodes[i].also == NULL)
        problem = g_strconcat (prefix, cdi_bad_nodes[i].problem, NULL);
      else
        problem = g_strconcat (prefix, cdi_bad_nodes[i].problem, "; ", prefix, cdi_bad_nodes[i].also, NULL);
      expected = g_strdup_printf ("CDI device example.com/v=%s (%s): %s", name, json_path, problem);

      plan = compile_with (r, annotation, NULL, &error);
      g_assert_null (plan);
      g_assert_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE);
      g_assert_cmpstr (error->message, ==, expected);
      g_clear_error (&error);
    }

  /* The spec-wide edits: their own JSON path. */
  plan = compile_with (r, "\"annotations\": {\"cdi.k8s.io/x\": \"example.com/w=a\"}", NULL, &error);
  g_assert_null (plan);
  g_assert_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE);
  {
    g_autofree char *expected = g_strdup_printf ("CDI device example.com/w=a (%s): "
                                                 "containerEdits.deviceNodes[1].uid: "
                                                 "out of range for a 32-bit unsigned integer", wide_path);
    g_assert_cmpstr (error->message, ==, expected);
  }
  g_clear_error (&error);

  /* YAML: numbers as YAML reads them (010000 is octal 4096). */
  {
    static const struct { const char *name; const char *problem; } yaml_cases[] = {
      { "major", "devices[0].containerEdits.deviceNodes[0].major: must not be negative" },
      { "mode", "devices[1].containerEdits.deviceNodes[0].fileMode: "
                "must be permission bits, at most 07777 (4095), not 4096" },
      { "uid", "devices[2].containerEdits.deviceNodes[0].uid: out of range for a 32-bit unsigned integer" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (yaml_cases); i++)
      {
        g_autofree char *annotation = g_strdup_printf ("\"annotations\": {\"cdi.k8s.io/x\": \"example.com/y=%s\"}",
                                                       yaml_cases[i].name);
        g_autofree char *expected = g_strdup_printf ("CDI device example.com/y=%s (%s): %s",
                                                     yaml_cases[i].name, yaml_path, yaml_cases[i].problem);

        plan = compile_with (r, annotation, NULL, &error);
        g_assert_null (plan);
        g_assert_error (error, SVFS_ERROR, SVFS_ERROR_DEVICE);
        g_assert_cmpstr (error->message, ==, expected);
        g_clear_error (&error);
      }
  }

  g_unlink (json_path);
  g_unlink (wide_path);
  g_unlink (yaml_path);
  g_rmdir (dir);
}

/* umockdev cannot redirect these (shared/reference/toolchain.md §4). */
static void
test_sources_use_redirectable_calls (void)
{
  const char *source_root = g_getenv ("SVFS_SOURCE_ROOT");
  static const char * const dirs[] = { "libsandboxvfs", "libsandboxvfs/linux", "tools" };
  g_autoptr(GRegex) forbidden = g_regex_new ("\\b(glob|glob64|scandir|scandir64|scandirat|nftw|nftw64|ftw|"
                                             "fts_open|fts_read|fts_children)\\s*\\(", 0, 0, NULL);
  g_autoptr(GRegex) no_openat2 = g_regex_new ("\\bopenat2\\b|SYS_openat2", 0, 0, NULL);
  g_autoptr(GRegex) comments = g_regex_new ("/\\*.*?\\*/|//[^\\n]*", G_REGEX_DOTALL, 0, NULL);
  guint n_checked = 0;

  if (source_root == NULL)
    {
      g_test_skip ("SVFS_SOURCE_ROOT is not set");
      return;
    }
  /* The patterns match what they must. */
  g_assert_true (g_regex_match (forbidden, "n = scandir (path, &list, NULL, NULL);", 0, NULL));
  g_assert_true (g_regex_match (forbidden, "glob(\"/sys/*\", 0, NULL, &g)", 0, NULL));
  g_assert_false (g_regex_match (forbidden, "g_pattern_spec_match_string (spec, name)", 0, NULL));
  {
    g_autofree char *stripped = g_regex_replace_literal (comments, "/* not glob(3) */ x = 1; // scandir(3)\n",
                                                         -1, 0, "", 0, NULL);
    g_assert_cmpstr (stripped, ==, " x = 1; \n");
  }

  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (source_root, dirs[i], NULL);
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *file = g_build_filename (path, name, NULL);
          g_autofree char *contents = NULL;
          g_autoptr(GMatchInfo) match = NULL;

          if (!g_str_has_suffix (name, ".c") && !g_str_has_suffix (name, ".h"))
            continue;
          g_autofree char *code = NULL;

          g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
          /* Comments may name them; code may not. */
          code = g_regex_replace_literal (comments, contents, -1, 0, "", 0, NULL);
          g_assert_nonnull (code);
          n_checked++;
          if (g_regex_match (forbidden, code, 0, &match))
            {
              g_autofree char *word = g_match_info_fetch (match, 1);
              g_test_message ("%s calls %s(), which umockdev cannot redirect; use GDir/opendir", file, word);
              g_test_fail ();
            }
          /* The sysfs readers must not use openat2 either. */
          if (g_str_has_prefix (name, "svfs-device") || g_str_equal (name, "sandboxvfs-devices.c"))
            {
              if (g_regex_match (no_openat2, code, 0, NULL))
                {
                  g_test_message ("%s uses openat2, which umockdev cannot redirect", file);
                  g_test_fail ();
                }
            }
        }
    }
  g_assert_cmpuint (n_checked, >, 10);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn, data) g_test_add ("/svfs/device-registry/" path, Host, data, host_set_up, fn, host_tear_down)
  g_test_add_func ("/svfs/device-registry/defaults", test_defaults);
  g_test_add_func ("/svfs/device-registry/drivers/builtin-order-and-flags", test_drivers);
  ADD ("h100/eight-gpus-no-nvswitch-no-aspeed", test_h100_roots, NULL);
  ADD ("h100/through-umockdev-preload", test_h100_preload, NULL);
  ADD ("h100/without-procfs-minors-by-position", test_h100_without_procfs, NULL);
  ADD ("workstation/one-gpu-modeset-device-minor", test_workstation, NULL);
  ADD ("tpu-v4/accel-devices", test_tpu_v4, GINT_TO_POINTER (0));
  ADD ("tpu-v4/through-umockdev-preload", test_tpu_v4, GINT_TO_POINTER (1));
  ADD ("tpu-v5e/vfio-groups-hex-addresses", test_tpu_v5e, NULL);
  ADD ("tpu-mixed/unsupported-id-is-a-warning", test_tpu_mixed, NULL);
  ADD ("malformed/one-bad-device-hides-no-other", test_malformed, NULL);
  ADD ("errors/missing-root-no-pci-cancelled", test_errors, NULL);
  ADD ("async", test_async, NULL);
  ADD ("json-and-cdi", test_json_and_cdi, NULL);
  g_test_add_func ("/svfs/device-registry/plan/host-not-read-without-proxies", test_plan_untouched_without_proxies);
  ADD ("plan/nvidia-hook-rule-and-selection", test_plan_nvidia_hook, NULL);
  ADD ("plan/annotation-bad-boolean-warns", test_plan_annotation_bad_bool, NULL);
  ADD ("plan/nvidia-dev-listing-fallback", test_plan_nvidia_dev_listing, NULL);
  ADD ("plan/tpuproxy-adds-vfio-nodes", test_plan_tpuproxy, NULL);
  ADD ("plan/tpuproxy-unsupported-id-fails", test_plan_tpuproxy_fails, GINT_TO_POINTER (0));
  ADD ("plan/tpuproxy-malformed-fails", test_plan_tpuproxy_fails, GINT_TO_POINTER (1));
  ADD ("plan/cdi-annotations", test_plan_cdi, NULL);
  ADD ("plan/cdi-yaml", test_plan_cdi_yaml, NULL);
  ADD ("plan/cdi-bounds", test_plan_cdi_bounds, NULL);
  ADD ("plan/cdi-node-values-checked", test_plan_cdi_node_values, NULL);
  g_test_add_func ("/svfs/device-registry/sources/no-calls-umockdev-cannot-redirect",
                   test_sources_use_redirectable_calls);

  return g_test_run ();
}
