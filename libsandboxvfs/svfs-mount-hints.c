/* svfs-mount-hints.c: gVisor pod mount hints and rootfs hints
 *
 * Written from the behaviour described in
 * shared/reference/gvisor-vfs-behavior.md §14; see
 * svfs-mount-hints-private.h for the API.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "svfs-error.h"
#include "svfs-filesystem-type.h"
#include "svfs-mount-hints-private.h"

/* ---- shared with svfs-config.c ----------------------------------------- */

gboolean
svfs_overlay_medium_parse (const char         *text,
                           SvfsOverlayMedium  *medium,
                           char              **dir,
                           GError            **error)
{
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (medium != NULL, FALSE);

  if (dir != NULL)
    *dir = NULL;

  if (text[0] == '\0')
    *medium = SVFS_OVERLAY_MEDIUM_NONE;
  else if (g_str_equal (text, "memory"))
    *medium = SVFS_OVERLAY_MEDIUM_MEMORY;
  else if (g_str_equal (text, "self"))
    *medium = SVFS_OVERLAY_MEDIUM_SELF;
  else if (g_str_has_prefix (text, "dir="))
    {
      const char *path = text + strlen ("dir=");

      if (!g_path_is_absolute (path))
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                       "overlay host file directory should be an absolute path, got %s",
                       path);
          return FALSE;
        }
      *medium = SVFS_OVERLAY_MEDIUM_DIR;
      if (dir != NULL)
        *dir = g_strdup (path);
    }
  else
    {
      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_CONFIG,
                   "unexpected medium: %s", text);
      return FALSE;
    }

  return TRUE;
}

gboolean
svfs_overlay_size_is_valid (const char *text)
{
  g_autoptr(SvfsFilesystemType) tmpfs = svfs_filesystem_type_lookup ("tmpfs");

  g_return_val_if_fail (text != NULL, FALSE);

  /* The upper layer is a tmpfs of that size: the tmpfs type's rules. */
  return text[0] != '\0' && svfs_filesystem_type_validate_data (tmpfs, "size", text, NULL);
}

/* ---- pod mount hints ----------------------------------------------------- */

static void
svfs_mount_hint_free (SvfsMountHint *hint)
{
  g_free (hint->name);
  g_free (hint->source);
  g_free (hint->type);
  g_strfreev (hint->options);
  g_free (hint);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SvfsMountHint, svfs_mount_hint_free)

void
svfs_pod_mount_hints_free (SvfsPodMountHints *hints)
{
  if (hints == NULL)
    return;

  g_clear_pointer (&hints->hints, g_ptr_array_unref);
  g_free (hints);
}

/* One `dev.gvisor.spec.mount.<name>.<field>` annotation. */
typedef struct {
  char       *name;
  char       *field;
  const char *value;            /* borrowed from the annotations */
} HintEntry;

static void
hint_entry_clear (HintEntry *entry)
{
  g_free (entry->name);
  g_free (entry->field);
}

static int
hint_entry_compare (gconstpointer a,
                    gconstpointer b)
{
  const HintEntry *ea = a;
  const HintEntry *eb = b;
  int cmp = strcmp (ea->name, eb->name);

  return cmp != 0 ? cmp : strcmp (ea->field, eb->field);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The keys of @annotations that start with @prefix, sorted bytewise, so
 * that every result and error message is independent of hash order. */
static GPtrArray *
sorted_keys_with_prefix (GHashTable *annotations,
                         const char *prefix)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  if (annotations == NULL)
    return keys;

  g_hash_table_iter_init (&iter, annotations);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (g_str_has_prefix (key, prefix))
        g_ptr_array_add (keys, key);
    }
  g_ptr_array_sort (keys, compare_strings);

  return keys;
}

static void
add_warning (GPtrArray  *warnings,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
add_warning (GPtrArray  *warnings,
             const char *format,
             ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_debug ("%s", message);
  if (warnings != NULL)
    g_ptr_array_add (warnings, message);
  else
    g_free (message);
}

static void
warn_invalid_field (GPtrArray       *warnings,
                    const HintEntry *entry,
                    const char      *why)
{
  add_warning (warnings,
               "ignoring invalid mount annotation (name: %s, key: %s, value: %s): %s",
               entry->name, entry->field, entry->value, why);
}

static char **
parse_hint_options (const char *value)
{
  g_auto(GStrv) items = g_strsplit (value, ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; items[i] != NULL; i++)
    {
      /* Propagation is ours to decide, not the hint's. Empty items (from
       * "a,,b" or an empty value) carry nothing and are skipped. */
      if (items[i][0] == '\0' ||
          g_str_equal (items[i], "shared") ||
          g_str_equal (items[i], "rshared"))
        continue;

      /* Like gVisor HEAD (and unlike its baseline) unknown options are
       * kept: each filesystem type validates its own options when the plan
       * is compiled, so `mode=…` or `size=…` on a tmpfs hint survive. */
      g_strv_builder_add (builder, items[i]);
    }

  return g_strv_builder_end (builder);
}

static void
apply_hint_field (SvfsMountHint   *hint,
                  const HintEntry *entry,
                  GPtrArray       *warnings)
{
  const char *field = entry->field;
  const char *value = entry->value;

  if (g_str_equal (field, "source"))
    {
      if (value[0] == '\0')
        warn_invalid_field (warnings, entry, "the source must not be empty");
      else
        hint->source = g_strdup (value);
    }
  else if (g_str_equal (field, "type"))
    {
      if (g_str_equal (value, "tmpfs") || g_str_equal (value, "bind"))
        hint->type = g_strdup (value);
      else
        warn_invalid_field (warnings, entry,
                            "the type must be \"tmpfs\" or \"bind\"");
    }
  else if (g_str_equal (field, "share"))
    {
      if (g_str_equal (value, "container"))
        hint->share = SVFS_HINT_SHARE_CONTAINER;
      else if (g_str_equal (value, "pod"))
        hint->share = SVFS_HINT_SHARE_POD;
      else if (g_str_equal (value, "shared"))
        hint->share = SVFS_HINT_SHARE_SHARED;
      else
        warn_invalid_field (warnings, entry,
                            "the share must be \"container\", \"pod\" or \"shared\"");
    }
  else if (g_str_equal (field, "options"))
    {
      g_strfreev (hint->options);
      hint->options = parse_hint_options (value);
    }
  else if (g_str_equal (field, "directfs"))
    {
      if (g_str_equal (value, "default"))
        hint->directfs_off = FALSE;
      else if (g_str_equal (value, "off"))
        hint->directfs_off = TRUE;
      else
        warn_invalid_field (warnings, entry,
                            "directfs must be \"default\" or \"off\"");
    }
  else
    warn_invalid_field (warnings, entry, "unknown field");
}

/* Returns the missing required fields of @hint, comma-separated, or NULL
 * when it is complete. */
static char *
hint_missing_fields (const SvfsMountHint *hint)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) missing = NULL;

  if (hint->share == SVFS_HINT_SHARE_UNSET)
    g_strv_builder_add (builder, "share");
  if (hint->source == NULL)
    g_strv_builder_add (builder, "source");
  if (hint->type == NULL)
    g_strv_builder_add (builder, "type");

  missing = g_strv_builder_end (builder);
  if (missing[0] == NULL)
    return NULL;

  return g_strjoinv (", ", missing);
}

SvfsPodMountHints *
svfs_pod_mount_hints_new_from_annotations (GHashTable  *annotations,
                                           GPtrArray   *warnings,
                                           GError     **error)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GPtrArray) parsed = NULL;
  g_autoptr(GHashTable) by_source = NULL;
  SvfsPodMountHints *result;
  const size_t prefix_len = strlen (SVFS_MOUNT_HINT_PREFIX);

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  keys = sorted_keys_with_prefix (annotations, SVFS_MOUNT_HINT_PREFIX);
  entries = g_array_sized_new (FALSE, TRUE, sizeof (HintEntry), keys->len);
  g_array_set_clear_func (entries, (GDestroyNotify) hint_entry_clear);

  /* Check the form of every key first; in sorted key order, so the first
   * bad key is always the one reported. */
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      const char *value = g_hash_table_lookup (annotations, key);
      g_auto(GStrv) parts = g_strsplit (key + prefix_len, ".", -1);
      HintEntry entry;

      if (g_strv_length (parts) != 2)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                       "invalid mount annotation: %s=%s", key, value);
          return NULL;
        }
      if (parts[0][0] == '\0')
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                       "invalid mount name: %s", parts[0]);
          return NULL;
        }

      entry.name = g_strdup (parts[0]);
      entry.field = g_strdup (parts[1]);
      entry.value = value;
      g_array_append_val (entries, entry);
    }

  /* Name order, then field order: "a" comes before "a-b" even though the
   * key "….a-b.x" sorts before "….a.x". */
  g_array_sort (entries, hint_entry_compare);

  parsed = g_ptr_array_new_with_free_func ((GDestroyNotify) svfs_mount_hint_free);
  for (guint i = 0; i < entries->len;)
    {
      const HintEntry *first = &g_array_index (entries, HintEntry, i);
      g_autoptr(SvfsMountHint) hint = g_new0 (SvfsMountHint, 1);
      g_autofree char *missing = NULL;

      hint->name = g_strdup (first->name);
      hint->options = g_new0 (char *, 1);

      for (; i < entries->len; i++)
        {
          const HintEntry *entry = &g_array_index (entries, HintEntry, i);

          if (!g_str_equal (entry->name, hint->name))
            break;
          apply_hint_field (hint, entry, warnings);
        }

      /* Incomplete hints are dropped before duplicates are looked for,
       * so the outcome does not depend on any iteration order (gVisor
       * interleaves the two). */
      missing = hint_missing_fields (hint);
      if (missing != NULL)
        {
          add_warning (warnings,
                       "ignoring mount hint \"%s\": missing required field(s): %s",
                       hint->name, missing);
          continue;
        }

      g_ptr_array_add (parsed, g_steal_pointer (&hint));
    }

  by_source = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < parsed->len; i++)
    {
      const SvfsMountHint *hint = g_ptr_array_index (parsed, i);
      const char *other = g_hash_table_lookup (by_source, hint->source);

      if (other != NULL)
        {
          /* @other sorts before @hint: hints are in name order. */
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                       "mounts \"%s\" and \"%s\" have the same mount source \"%s\"",
                       other, hint->name, hint->source);
          return NULL;
        }
      g_hash_table_insert (by_source, hint->source, hint->name);
    }

  result = g_new0 (SvfsPodMountHints, 1);
  result->hints = g_steal_pointer (&parsed);

  return result;
}

const SvfsMountHint *
svfs_pod_mount_hints_find_by_source (const SvfsPodMountHints *hints,
                                     const char              *source)
{
  if (hints == NULL || source == NULL || source[0] == '\0')
    return NULL;

  for (guint i = 0; i < hints->hints->len; i++)
    {
      const SvfsMountHint *hint = g_ptr_array_index (hints->hints, i);

      if (g_str_equal (hint->source, source))
        return hint;
    }

  return NULL;
}

gboolean
svfs_mount_hint_should_share (const SvfsMountHint *hint)
{
  g_return_val_if_fail (hint != NULL, FALSE);

  return g_strcmp0 (hint->type, "tmpfs") == 0 &&
         svfs_mount_hint_is_sandbox_local (hint);
}

gboolean
svfs_mount_hint_is_sandbox_local (const SvfsMountHint *hint)
{
  g_return_val_if_fail (hint != NULL, FALSE);

  return hint->share == SVFS_HINT_SHARE_CONTAINER ||
         hint->share == SVFS_HINT_SHARE_POD;
}

/* ---- rootfs hint --------------------------------------------------------- */

void
svfs_rootfs_hint_free (SvfsRootfsHint *hint)
{
  if (hint == NULL)
    return;

  g_free (hint->source);
  g_free (hint->type);
  g_free (hint->overlay_dir);
  g_free (hint->size);
  g_free (hint);
}

/* Parses the rootfs `options` value: comma-separated `key=value` items, of
 * which only `size` is known. Returns the reason on failure. */
static char *
parse_rootfs_options (SvfsRootfsHint *hint,
                      const char     *value)
{
  g_auto(GStrv) items = g_strsplit (value, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = items[i];
      const char *eq;

      if (item[0] == '\0')
        continue;

      eq = strchr (item, '=');
      if (eq == NULL)
        return g_strdup_printf ("option \"%s\" is not of the form key=value", item);

      if ((size_t) (eq - item) != strlen ("size") ||
          strncmp (item, "size", strlen ("size")) != 0)
        return g_strdup_printf ("unsupported option \"%.*s\" (only \"size\" is supported)",
                                (int) (eq - item), item);

      if (!svfs_overlay_size_is_valid (eq + 1))
        return g_strdup_printf ("invalid size \"%s\": expected a number with "
                                "an optional k, m, g or t suffix, or a percentage from 1 to 100",
                                eq + 1);

      g_free (hint->size);
      hint->size = g_strdup (eq + 1);
    }

  return NULL;
}

/* Applies one rootfs field. Returns the reason it is invalid, or NULL. */
static char *
apply_rootfs_field (SvfsRootfsHint *hint,
                    const char     *field,
                    const char     *value)
{
  if (g_str_equal (field, "source"))
    {
      if (!g_path_is_absolute (value))
        return g_strdup ("source should be an absolute path");
      hint->source = g_strdup (value);
    }
  else if (g_str_equal (field, "type"))
    {
      if (!g_str_equal (value, "erofs") && !g_str_equal (value, "bind"))
        return g_strdup ("type should be \"erofs\" or \"bind\"");
      hint->type = g_strdup (value);
    }
  else if (g_str_equal (field, "overlay"))
    {
      g_autoptr(GError) local_error = NULL;

      if (!svfs_overlay_medium_parse (value, &hint->medium, &hint->overlay_dir,
                                      &local_error))
        return g_strdup (local_error->message);
      hint->has_overlay = TRUE;
    }
  else if (g_str_equal (field, "options"))
    return parse_rootfs_options (hint, value);
  else if (g_str_equal (field, "directfs"))
    {
      if (g_str_equal (value, "default"))
        hint->directfs_off = FALSE;
      else if (g_str_equal (value, "off"))
        hint->directfs_off = TRUE;
      else
        return g_strdup ("directfs should be \"default\" or \"off\"");
    }
  else
    return g_strdup ("unknown field");

  return NULL;
}

SvfsRootfsHint *
svfs_rootfs_hint_new_from_annotations (GHashTable  *annotations,
                                       GError     **error)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(SvfsRootfsHint) hint = NULL;
  g_autoptr(GStrvBuilder) missing_builder = NULL;
  g_auto(GStrv) missing = NULL;
  const size_t prefix_len = strlen (SVFS_ROOTFS_HINT_PREFIX);

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  keys = sorted_keys_with_prefix (annotations, SVFS_ROOTFS_HINT_PREFIX);
  if (keys->len == 0)
    return NULL;

  hint = g_new0 (SvfsRootfsHint, 1);
  hint->medium = SVFS_OVERLAY_MEDIUM_NONE;

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      const char *value = g_hash_table_lookup (annotations, key);
      g_autofree char *reason = apply_rootfs_field (hint, key + prefix_len, value);

      if (reason != NULL)
        {
          g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                       "invalid rootfs annotation (key = %s, value = %s): %s",
                       key, value, reason);
          return NULL;
        }
    }

  missing_builder = g_strv_builder_new ();
  if (hint->source == NULL)
    g_strv_builder_add (missing_builder, "source");
  if (hint->type == NULL)
    g_strv_builder_add (missing_builder, "type");
  missing = g_strv_builder_end (missing_builder);
  if (missing[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", missing);

      g_set_error (error, SVFS_ERROR, SVFS_ERROR_INVALID_SPEC,
                   "rootfs annotations missing required field(s): %s", list);
      return NULL;
    }

  return g_steal_pointer (&hint);
}
