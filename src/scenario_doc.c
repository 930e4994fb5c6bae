/* scenario_doc.c — the reference part of doc/scenario.md, written from the field tables. */
#include "scenario.h"

#include "scenario_internal.h"

static void fault_kinds(FILE *out)
{
	fputs("## Fault kinds\n\n"
	      "Every fault has the keys of [`faults[]`](#faults); each kind allows these beside "
	      "them.\n\n", out);
	for (const struct wc_fault_kind *k = wc_fault_kinds; k->name; k++) {
		fprintf(out, "### `%s`\n\n%s.\n\n", k->name, k->doc);
		if (k->fields)
			wc_schema_markdown(out, NULL, k->fields);
		else
			fputs("No other keys.\n\n", out);
	}
}

static void checks(FILE *out)
{
	fputs("## Checks\n\n"
	      "Every expectation has the keys of [`expect[]`](#expect); its check allows these "
	      "beside them.\n\n", out);
	for (size_t i = 0, n = wc_check_count(); i < n; i++) {
		const struct wc_check_def *def = wc_check_at(i);
		fprintf(out, "### `%s`\n\n%s\n\n", def->name, def->summary);
		if (def->args && def->args->key)
			wc_schema_markdown(out, NULL, def->args);
		else
			fputs("No arguments of its own.\n\n", out);
		if (def->example)
			fprintf(out, "Example:\n\n```json\n%s\n```\n\n", def->example);
	}
}

void wc_scenario_doc(FILE *out)
{
	fputs("## Keys\n\n", out);
	wc_schema_markdown(out, "Top level", wc_scenario_fields);
	fault_kinds(out);
	checks(out);
}
