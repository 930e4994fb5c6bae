/* check_proc_exit.c — proc.exit: how a program ended (its exit status, or the signal that
 * ended it), and that it ended before its time limit. */
#include "checks_proc.h"

#include <stdio.h>

static const struct wc_field args[] = {
	{.key = "role", .type = WC_F_STRING, .required = true,
	 .doc = "the program role, as named in programs", .example = "\"server\""},
	{.key = "status", .type = WC_F_INT, .default_text = "0", .min = 0, .max = 255,
	 .doc = "the exit status expected", .example = "1"},
	{.key = "signal", .type = WC_F_STRING, .enum_values = wc_proc_signals,
	 .doc = "instead of an exit status: the signal expected to end it", .example = "\"SIGTERM\""},
	{.key = NULL},
};

/* "exited with status 1", "was ended by SIGSEGV". */
static void describe(const struct wc_run_role *p, char *buf, size_t len)
{
	const char *sig = wc_proc_signame(p->term_signal);
	if (p->exited)
		snprintf(buf, len, "exited with status %d", p->exit_status);
	else if (sig)
		snprintf(buf, len, "was ended by %s", sig);
	else
		snprintf(buf, len, "was ended by signal %d", p->term_signal);
}

static void run(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	const struct wc_run_role *p = wc_proc_role(ctx, a, "the exit status", r);
	if (!p)
		return;
	if (p->timed_out) {
		r->verdict = WC_FAIL;
		wc_result_reason(r, "the %s was still running when its time limit ran out after %.1f s: wirecheck killed it",
		                 p->role, p->wall_secs);
		return;
	}
	if (!p->exited && p->term_signal == 0) {
		wc_result_reason(r, "the run did not learn how the %s ended", p->role);
		return;
	}
	char got[48];
	describe(p, got, sizeof got);
	const char *want_sig = wc_schema_str(a, "signal", NULL);
	int64_t want = wc_schema_int(a, "status", 0);
	bool ok = want_sig ? !p->exited && p->term_signal == wc_proc_signum(want_sig)
	                   : p->exited && p->exit_status == want;
	r->verdict = ok ? WC_PASS : WC_FAIL;
	const char *stop = p->stopped ? " (wirecheck stopped it at the end of the run)" : "";
	if (ok)
		wc_result_reason(r, "the %s %s%s, as expected", p->role, got, stop);
	else if (want_sig)
		wc_result_reason(r, "the %s %s%s, expected it to be ended by %s", p->role, got, stop, want_sig);
	else
		wc_result_reason(r, "the %s %s%s, expected exit status %lld", p->role, got, stop, (long long)want);
}

const struct wc_check_def wc_check_proc_exit = {
	.name = "proc.exit",
	.summary = "how a program ended: its exit status or the signal that ended it, within its time limit",
	.args = args,
	.example = "{\"check\": \"proc.exit\", \"role\": \"client\", \"status\": 0}",
	.run = run,
};
