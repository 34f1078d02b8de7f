/* svfs-mount-plan-private.h: building a plan, for the compiler
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "svfs-mount-plan.h"
#include "svfs-planned-mount-private.h"

G_BEGIN_DECLS

struct _SvfsMountPlan
{
  GObject            parent_instance;

  GPtrArray         *mounts;         /* (element-type SvfsPlannedMount), mount order */
  GListStore        *skipped;        /* SvfsPlannedMount with a skip reason */
  GListStore        *devices;        /* SvfsDevice */
  GPtrArray         *warnings;       /* char *, NULL-terminated */

  char              *root_type;      /* "bind" or "erofs" */
  char              *root_source;
  SvfsOverlayMedium  root_overlay_medium;
  char              *root_overlay_dir;
  char              *root_overlay_size; /* the memory upper's tmpfs size=, or NULL */
  guint              n_source_fds;
  guint              root_readonly : 1;
};

SvfsMountPlan *svfs_mount_plan_new (void);

/* The "root" object of the plan JSON schema. */
typedef struct {
  const char        *type;
  const char        *source;
  gboolean           readonly;
  SvfsOverlayMedium  overlay_medium;
  const char        *overlay_dir;
  const char        *overlay_size;
} SvfsPlanJsonRoot;

/* Builds a document in the plan JSON schema; shared by the plan and by the
 * mount table read back from a namespace. */
JsonNode      *svfs_plan_json_node_new          (const SvfsPlanJsonRoot *root,
                                                 GListModel             *mounts,
                                                 GListModel             *skipped,
                                                 GListModel             *devices,
                                                 const char * const     *warnings);
/* Pretty-printed with an indent of 2, as every JSON output of the CLI. */
char          *svfs_json_node_to_pretty_string  (JsonNode               *node);

G_END_DECLS
