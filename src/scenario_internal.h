/* scenario_internal.h — what the scenario loader, its field tables and its doc share.
 *
 * The fault kinds each allow their own keys beside "at" and "kind"; the tables live with
 * the other field tables (scenario_fields.c), the loader checks the rules that join keys
 * (scenario.c), and doc/scenario.md lists them (scenario_doc.c).
 */
#ifndef WC_SCENARIO_INTERNAL_H
#define WC_SCENARIO_INTERNAL_H

#include "schema.h"

struct wc_fault_kind {
	const char *name;               /* "cut" */
	const char *doc;                /* one line for doc/ */
	const struct wc_field *fields;  /* the keys it allows beside "at" and "kind" */
};

/* Terminated by name NULL. */
extern const struct wc_fault_kind wc_fault_kinds[];

#endif
