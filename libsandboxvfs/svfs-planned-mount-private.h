/* svfs-planned-mount-private.h: fields of a planned mount, for the compiler
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "svfs-planned-mount.h"

G_BEGIN_DECLS

struct _SvfsPlannedMount
{
  GObject            parent_instance;

  char              *destination;   /* cleaned */
  char              *fs_type;
  char              *source;
  char              *data;          /* "" when none */
  SvfsMountFlags     flags;
  SvfsPropagation    propagation;
  SvfsOverlayMedium  overlay_medium;
  char              *overlay_dir;
  char              *overlay_size;  /* the memory upper's tmpfs size=, or NULL */
  char              *shared;        /* pod hint name, or NULL */
  char              *skip_reason;   /* only for skipped entries */
  int                spec_index;    /* -1 for mounts the compiler added */
  int                source_fd_index; /* -1 when no source fd is taken */
  guint              recursive : 1;
  guint              tmpcopyup : 1;
};

SvfsPlannedMount *svfs_planned_mount_new (void);

/* "ro,nosuid,…" for @flags in the sorted order of the plan JSON. */
void              svfs_mount_flags_append_strings (SvfsMountFlags  flags,
                                                   GPtrArray      *out);
const char       *svfs_overlay_medium_to_string   (SvfsOverlayMedium medium);
const char       *svfs_propagation_to_string      (SvfsPropagation propagation);

/* Adds the "overlay" member ({"medium": …, "size": …} or null) to an
 * open object; "size" only when there is one. */
void              svfs_planned_mount_add_overlay_json (JsonBuilder      *builder,
                                                       SvfsOverlayMedium medium,
                                                       const char       *dir,
                                                       const char       *size);
/* The overlay as the table and tree show it: "memory", "dir=/abs",
 * "memory,size=64m"; NULL without one. */
char             *svfs_overlay_to_text            (SvfsOverlayMedium medium,
                                                   const char       *dir,
                                                   const char       *size);

G_END_DECLS
