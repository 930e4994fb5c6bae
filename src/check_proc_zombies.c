/* check_proc_zombies.c — proc.zombies: children a program never waited for, counted when
 * the run ended (the fork-per-client server that forgets waitpid). */
#include "checks_proc.h"

#include <stdio.h>

static const struct wc_field args[] = {
	{.key = "role", .type = WC_F_STRING, .required = true,
	 .doc = "the program role, as named in programs", .example = "\"server\""},
	{.key = "count", .type = WC_F_COUNT, .default_text = "0", .min = 0, .max = WC_NO_LIMIT,
	 .doc = "how many zombies of its process tree were left at the end", .example = "{\"max\": 0}"},
	{.key = NULL},
};

static void run(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	const struct wc_run_role *p = wc_proc_role(ctx, a, "the zombie count", r);
	if (!p)
		return;
	if (p->zombies < 0) {
		wc_result_reason(r, "the processes of the %s were not counted at the end of the run", p->role);
		return;
	}
	struct wc_count want = {.has_exact = true, .exact = 0};
	json_object *v = NULL;
	if (json_object_object_get_ex(a, "count", &v))
		wc_count_get(v, &want);
	char wbuf[48], got[64];
	if (p->zombies == 0)
		snprintf(got, sizeof got, "no zombie");
	else
		snprintf(got, sizeof got, "%d zombie%s", p->zombies, p->zombies == 1 ? "" : "s");
	bool ok = wc_count_ok(&want, p->zombies);
	r->verdict = ok ? WC_PASS : WC_FAIL;
	if (ok)
		wc_result_reason(r, "%s of the %s %s left at the end, as expected", got, p->role,
		                 p->zombies > 1 ? "were" : "was");
	else
		wc_result_reason(r, "%s of the %s %s left at the end (children it never waited for), expected %s", got,
		                 p->role, p->zombies > 1 ? "were" : "was", wc_count_str(&want, wbuf, sizeof wbuf));
}

const struct wc_check_def wc_check_proc_zombies = {
	.name = "proc.zombies",
	.summary = "zombies a program left behind (children it never waited for), counted at the end",
	.args = args,
	.example = "{\"check\": \"proc.zombies\", \"role\": \"server\", \"count\": 0}",
	.run = run,
};
