/* checks_proc.c — the process-level check group and the helpers its checks share. */
#include "checks_proc.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

const struct wc_check_def *const wc_checks_proc[] = {
	&wc_check_proc_exit, &wc_check_proc_output, &wc_check_proc_zombies, &wc_check_sock_calls, NULL,
};

/* Signals a program ends by in the labs, in the order of their numbers: one list for
 * both the number table and the schema's allowed values. */
#define LAB_SIGNALS(X) \
	X(SIGHUP) X(SIGINT) X(SIGQUIT) X(SIGILL) X(SIGABRT) X(SIGBUS) X(SIGFPE) X(SIGKILL) \
	X(SIGUSR1) X(SIGSEGV) X(SIGUSR2) X(SIGPIPE) X(SIGALRM) X(SIGTERM)

#define SIGNAL_ROW(s) {s, #s},
static const struct {
	int num;
	const char *name;
} signals[] = {LAB_SIGNALS(SIGNAL_ROW)};
#undef SIGNAL_ROW

#define SIGNAL_NAME(s) #s,
const char *const wc_proc_signals[] = {LAB_SIGNALS(SIGNAL_NAME) NULL};
#undef SIGNAL_NAME

const char *wc_proc_signame(int sig)
{
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		if (signals[i].num == sig)
			return signals[i].name;
	return NULL;
}

int wc_proc_signum(const char *name)
{
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		if (strcmp(signals[i].name, name) == 0)
			return signals[i].num;
	return 0;
}

const struct wc_run_role *wc_proc_role(const struct wc_check_ctx *ctx, json_object *args, const char *what,
                                       struct wc_result *r)
{
	const char *name = wc_schema_str(args, "role", "");
	r->verdict = WC_INCONCLUSIVE;
	if (!ctx->run) {
		wc_result_reason(r, "needs a live run: only `wirecheck run`, which runs the programs, learns %s of the %s",
		                 what, name);
		return NULL;
	}
	const struct wc_run_role *role = wc_run_find_role(ctx->run, name);
	if (!role)
		wc_result_reason(r, "the run has no program with the role \"%s\"", name);
	return role;
}

const struct wc_frame_rec *wc_proc_frame_before(const struct wc_check_ctx *ctx, const struct wc_trace *t, size_t i,
                                                bool (*match)(const struct wc_frame_rec *f, const void *arg),
                                                const void *arg, const struct wc_view **view)
{
	int64_t when = wc_trace_realtime(t, i);
	const struct wc_frame_rec *best = NULL;
	*view = NULL;
	if (when < 0)
		return NULL;
	when += 1000000;
	for (size_t v = 0; v < ctx->view_count; v++) {
		const struct wc_view *w = &ctx->views[v];
		for (size_t k = w->frame_count; k-- > 0;) {
			const struct wc_frame_rec *f = &w->frames[k];
			if (f->ts_ns > when || !match(f, arg))
				continue;
			if (!best || f->ts_ns > best->ts_ns) {
				best = f;
				*view = w;
			}
			break;
		}
	}
	return best;
}

bool wc_proc_peer(const char *text, struct wc_addr *a, uint16_t *port)
{
	char host[WC_SC_ADDR_MAX];
	const char *colon = strrchr(text, ':');
	if (!colon || colon == text)
		return false;
	size_t n = (size_t)(colon - text);
	if (text[0] == '[' && n >= 2 && text[n - 1] == ']') {
		text++;
		n -= 2;
	}
	if (n >= sizeof host)
		return false;
	memcpy(host, text, n);
	host[n] = '\0';
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (*end || p < 0 || p > 65535)
		return false;
	*a = (struct wc_addr){0};
	if (inet_pton(AF_INET, host, a->bytes) == 1)
		a->family = 4;
	else if (inet_pton(AF_INET6, host, a->bytes) == 1)
		a->family = 6;
	else
		return false;
	*port = (uint16_t)p;
	return true;
}
