/* check_sock_calls.c — sock.calls: what a program's socket-call trace shows: datagrams
 * read short, what TCP reads returned, calls that failed with a given errno, SO_REUSEADDR
 * set before bind. */
#include "checks_proc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	enum wc_sc_call call;
} calls[] = {
	{"socket", WC_SC_SOCKET}, {"bind", WC_SC_BIND}, {"listen", WC_SC_LISTEN},
	{"accept", WC_SC_ACCEPT}, {"connect", WC_SC_CONNECT}, {"send", WC_SC_SEND},
	{"recv", WC_SC_RECV}, {"shutdown", WC_SC_SHUTDOWN}, {"close", WC_SC_CLOSE},
	{"setsockopt", WC_SC_SETSOCKOPT},
};
static const char *const call_names[] = {"socket", "bind", "listen", "accept", "connect", "send", "recv",
                                         "shutdown", "close", "setsockopt", NULL};

static const struct {
	const char *name;
	int num;
} errnos[] = {
	{"ECONNREFUSED", ECONNREFUSED}, {"EADDRINUSE", EADDRINUSE}, {"EADDRNOTAVAIL", EADDRNOTAVAIL},
	{"ECONNRESET", ECONNRESET},     {"ETIMEDOUT", ETIMEDOUT},   {"EHOSTUNREACH", EHOSTUNREACH},
	{"ENETUNREACH", ENETUNREACH},   {"EACCES", EACCES},         {"EINVAL", EINVAL},
	{"EPIPE", EPIPE},               {"ENOTCONN", ENOTCONN},     {"EMSGSIZE", EMSGSIZE},
	{"EAGAIN", EAGAIN},             {"EINTR", EINTR},           {"EBADF", EBADF},
};
static const char *const errno_names[] = {"ECONNREFUSED", "EADDRINUSE", "EADDRNOTAVAIL", "ECONNRESET",
                                          "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EACCES", "EINVAL",
                                          "EPIPE", "ENOTCONN", "EMSGSIZE", "EAGAIN", "EINTR", "EBADF", NULL};

static const struct wc_field failed_fields[] = {
	{.key = "call", .type = WC_F_STRING, .required = true, .enum_values = call_names,
	 .doc = "the socket call (send and recv include their variants and write/read)", .example = "\"connect\""},
	{.key = "errno", .type = WC_F_STRING, .required = true, .enum_values = errno_names,
	 .doc = "the error it failed with", .example = "\"ECONNREFUSED\""},
	{.key = "count", .type = WC_F_COUNT, .default_text = "at least 1", .min = 0, .max = WC_NO_LIMIT,
	 .doc = "how many times", .example = "{\"min\": 1}"},
	{.key = NULL},
};

static const struct wc_field args[] = {
	{.key = "role", .type = WC_F_STRING, .required = true,
	 .doc = "the program role, as named in programs", .example = "\"server\""},
	{.key = "short_reads", .type = WC_F_COUNT, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "UDP receives that returned fewer bytes than the datagram held (the rest is discarded)",
	 .example = "0"},
	{.key = "tcp_reads", .type = WC_F_COUNT, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "the bytes every TCP receive returned (end of stream, 0, not counted): a stream has no "
	        "message boundaries, so a reader gets what it asks for, whatever the segments were",
	 .example = "{\"max\": 50}"},
	{.key = "failed", .type = WC_F_OBJECT, .fields = failed_fields,
	 .doc = "a call that failed with a given errno", .example = "{\"call\": \"connect\", \"errno\": \"ECONNREFUSED\"}"},
	{.key = "reuseaddr", .type = WC_F_BOOL,
	 .doc = "SO_REUSEADDR was set (true) or not (false) on the socket before each bind", .example = "true"},
	{.key = NULL},
};

/* One condition's verdict and its reason, and the frame of the captures it rests on. */
struct part {
	enum wc_verdict v;
	char reason[320];
	const struct wc_frame_rec *frame;
	const struct wc_view *view;
};

/* The part's reason, cut to its buffer. */
__attribute__((format(printf, 2, 3))) static void say(struct part *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof out->reason, fmt, ap);
	va_end(ap);
}

/* ---- the frames a socket call answers ------------------------------------------------ */

struct peer_match {
	struct wc_addr addr;
	uint16_t port;
	uint32_t len;       /* UDP payload length; 0: any */
};

static bool udp_from(const struct wc_frame_rec *f, const void *arg)
{
	const struct peer_match *m = arg;
	return f->l4 == WC_L4_UDP && wc_addr_eq(&f->src, &m->addr) && f->sport == m->port &&
	       f->l4_payload_len == m->len;
}

static bool rst_from(const struct wc_frame_rec *f, const void *arg)
{
	const struct peer_match *m = arg;
	return f->l4 == WC_L4_TCP && (f->tcp_flags & WC_TH_RST) && wc_addr_eq(&f->src, &m->addr) && f->sport == m->port;
}

/* ICMP (v6) port unreachable from the peer's host. */
static bool unreachable_from(const struct wc_frame_rec *f, const void *arg)
{
	const struct peer_match *m = arg;
	bool v4 = f->l4 == WC_L4_ICMP && f->icmp_type == 3 && f->icmp_code == 3;
	bool v6 = f->l4 == WC_L4_ICMPV6 && f->icmp_type == 1 && f->icmp_code == 4;
	return (v4 || v6) && wc_addr_eq(&f->src, &m->addr);
}

/* The peer of record i's socket: its own peer=, else that of the connect() or accept()
 * that made the connection (same process and descriptor). */
static const char *peer_of(const struct wc_trace *t, size_t i)
{
	const struct wc_sockcall *c = &t->calls[i];
	if (c->peer[0])
		return c->peer;
	for (size_t k = i; k-- > 0;) {
		const struct wc_sockcall *e = &t->calls[k];
		if (e->pid != c->pid)
			continue;
		if ((e->call == WC_SC_CONNECT && e->fd == c->fd) || (e->call == WC_SC_ACCEPT && e->ret == c->fd))
			return e->peer;
	}
	return "";
}

/* Into part: the frame record i answers, by match, with words such as "the RST in". */
static void cite(const struct wc_check_ctx *ctx, const struct wc_trace *t, size_t i,
                 bool (*match)(const struct wc_frame_rec *, const void *), uint32_t len, struct part *out)
{
	struct peer_match m = {.len = len};
	if (!wc_proc_peer(peer_of(t, i), &m.addr, &m.port))
		return;
	out->frame = wc_proc_frame_before(ctx, t, i, match, &m, &out->view);
}

/* " in frame 7" (" of the server capture" when it is not the judged one), or "". */
static void where(const struct part *pt, const struct wc_check_ctx *ctx, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!pt->frame)
		return;
	bool other = ctx->view_count > 1 && pt->view != &ctx->views[0] && pt->view->role[0];
	snprintf(buf, len, " in frame %llu%s%s%s", (unsigned long long)pt->frame->number, other ? " of the " : "",
	         other ? pt->view->role : "", other ? " capture" : "");
}

static void short_reads(const struct wc_check_ctx *ctx, const struct wc_run_role *p, json_object *v,
                        struct part *out)
{
	const struct wc_trace *t = &p->trace;
	struct wc_count want;
	wc_count_get(v, &want);
	size_t n = 0, reads = 0, first = t->count;
	int64_t lost = 0;
	bool same = true;
	for (size_t i = 0; i < t->count; i++) {
		const struct wc_sockcall *c = &t->calls[i];
		if (c->call == WC_SC_RECV && c->kind == WC_SK_UDP && c->dgram >= 0 && c->ret >= 0)
			reads++;
		if (!wc_sc_short_datagram_read(c))
			continue;
		if (n++ == 0)
			first = i;
		else if (c->ret != t->calls[first].ret || c->dgram != t->calls[first].dgram)
			same = false;
		lost += c->dgram - c->ret;
	}
	char wbuf[48];
	out->v = wc_count_ok(&want, (int64_t)n) ? WC_PASS : WC_FAIL;
	if (n == 0) {
		say(out, "the %s read each of its %zu UDP datagrams whole%s%s", p->role,
		         reads, out->v == WC_PASS ? "" : ", expected short reads ",
		         out->v == WC_PASS ? "" : wc_count_str(&want, wbuf, sizeof wbuf));
		return;
	}
	const struct wc_sockcall *f = &t->calls[first];
	char what[160];
	if (same)
		snprintf(what, sizeof what, "read %lld bytes of %s %lld-byte datagram: %lld bytes discarded",
		         (long long)f->ret, n == 1 ? "a" : "each", (long long)f->dgram, (long long)(f->dgram - f->ret));
	else
		snprintf(what, sizeof what, "read fewer bytes than the datagram held: %lld bytes discarded in all",
		         (long long)lost);
	cite(ctx, t, first, udp_from, (uint32_t)f->dgram, out);
	char at[80];
	where(out, ctx, at, sizeof at);
	say(out, "the %s %s (%zu short read%s of %zu, the first at line %zu of its trace%s%s)%s%s", p->role, what, n,
	         n == 1 ? "" : "s", reads, f->line, at[0] ? ": the datagram" : "", at, out->v == WC_PASS ? "" : "; expected ",
	         out->v == WC_PASS ? "" : wc_count_str(&want, wbuf, sizeof wbuf));
}

static void tcp_reads(const struct wc_run_role *p, json_object *v, struct part *out)
{
	const struct wc_trace *t = &p->trace;
	struct wc_count want;
	wc_count_get(v, &want);
	size_t n = 0, first = 0, last = 0;
	int64_t lo = INT64_MAX, hi = 0;
	char wbuf[48];
	for (size_t i = 0; i < t->count; i++) {
		const struct wc_sockcall *c = &t->calls[i];
		if (c->call != WC_SC_RECV || c->kind != WC_SK_TCP || c->ret <= 0)
			continue;
		if (!wc_count_ok(&want, c->ret)) {
			out->v = WC_FAIL;
			snprintf(out->reason, sizeof out->reason,
			         "the %s's TCP %s at line %zu of its trace returned %lld bytes, expected %s", p->role, c->fn,
			         c->line, (long long)c->ret, wc_count_str(&want, wbuf, sizeof wbuf));
			return;
		}
		if (n++ == 0)
			first = i;
		last = i;
		lo = c->ret < lo ? c->ret : lo;
		hi = c->ret > hi ? c->ret : hi;
	}
	out->v = n ? WC_PASS : WC_FAIL;
	if (!n)
		say(out, "the %s read nothing from a TCP socket", p->role);
	else if (lo == hi)
		say(out, "each of the %s's %zu TCP reads returned %lld bytes (lines %zu to %zu of its trace)",
		         p->role, n, (long long)lo, t->calls[first].line, t->calls[last].line);
	else
		say(out, "the %s's %zu TCP reads returned %lld to %lld bytes (lines %zu to %zu of its trace)",
		         p->role, n, (long long)lo, (long long)hi, t->calls[first].line, t->calls[last].line);
}

static void failed(const struct wc_check_ctx *ctx, const struct wc_run_role *p, json_object *v, struct part *out)
{
	const char *name = wc_schema_str(v, "call", "connect"), *ename = wc_schema_str(v, "errno", "ECONNREFUSED");
	enum wc_sc_call call = WC_SC_CONNECT;
	int err = 0;
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
		if (strcmp(calls[i].name, name) == 0)
			call = calls[i].call;
	for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
		if (strcmp(errnos[i].name, ename) == 0)
			err = errnos[i].num;
	struct wc_count want = {.has_min = true, .min = 1};
	json_object *c = NULL;
	if (json_object_object_get_ex(v, "count", &c))
		wc_count_get(c, &want);
	const struct wc_trace *t = &p->trace;
	size_t n = 0, first = wc_trace_next_failed(t, 0, call, err);
	for (size_t i = first; i < t->count; i = wc_trace_next_failed(t, i + 1, call, err))
		n++;
	char wbuf[48], at[160] = "", frame[80] = "";
	const char *answer = NULL;
	if (n && err == ECONNREFUSED && t->calls[first].kind == WC_SK_UDP) {
		cite(ctx, t, first, unreachable_from, 0, out);
		answer = "the ICMP port unreachable";
	} else if (n && (err == ECONNREFUSED || err == ECONNRESET)) {
		cite(ctx, t, first, rst_from, 0, out);
		answer = "the RST";
	}
	where(out, ctx, frame, sizeof frame);
	if (n)
		snprintf(at, sizeof at, " (the first at line %zu of its trace%s%s%s)", t->calls[first].line,
		         frame[0] ? ", after " : "", frame[0] ? answer : "", frame);
	out->v = wc_count_ok(&want, (int64_t)n) ? WC_PASS : WC_FAIL;
	say(out, "%s of the %s failed with %s %zu time%s%s%s%s", name, p->role, ename, n,
	         n == 1 ? "" : "s", at, out->v == WC_PASS ? "" : ", expected ",
	         out->v == WC_PASS ? "" : wc_count_str(&want, wbuf, sizeof wbuf));
}

static void reuseaddr(const struct wc_run_role *p, bool want, struct part *out)
{
	const struct wc_trace *t = &p->trace;
	size_t binds = 0;
	for (size_t i = 0; i < t->count; i++) {
		if (t->calls[i].call != WC_SC_BIND)
			continue;
		binds++;
		if (wc_trace_opt_before(t, i, "SO_REUSEADDR") == want)
			continue;
		out->v = WC_FAIL;
		snprintf(out->reason, sizeof out->reason,
		         want ? "the %s called bind (line %zu of its trace) without setting SO_REUSEADDR on that socket first"
		              : "the %s set SO_REUSEADDR before bind (line %zu of its trace), expected it not to",
		         p->role, t->calls[i].line);
		return;
	}
	out->v = binds ? WC_PASS : WC_FAIL;
	if (!binds)
		say(out, "the %s never called bind", p->role);
	else
		say(out, "the %s %s SO_REUSEADDR before %s", p->role,
		         want ? "set" : "did not set", binds == 1 ? "its bind" : "each of its binds");
}

static void run(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	const struct wc_run_role *p = wc_proc_role(ctx, a, "the socket calls", r);
	if (!p)
		return;
	if (!p->traced || !wc_trace_traced(&p->trace, -1)) {
		wc_result_reason(r, "untraced: the %s (%s) ran without the socket-call trace (a static or setuid program "
		                 "cannot be traced), so its socket calls are unknown", p->role, p->argv0);
		return;
	}
	struct part parts[4];
	size_t n = 0;
	json_object *v = NULL;
	memset(parts, 0, sizeof parts);
	if (json_object_object_get_ex(a, "short_reads", &v))
		short_reads(ctx, p, v, &parts[n++]);
	if (json_object_object_get_ex(a, "tcp_reads", &v))
		tcp_reads(p, v, &parts[n++]);
	if (json_object_object_get_ex(a, "failed", &v))
		failed(ctx, p, v, &parts[n++]);
	if (json_object_object_get_ex(a, "reuseaddr", &v))
		reuseaddr(p, json_object_get_boolean(v), &parts[n++]);
	/* the frames the calls answer, all from one capture: the first cited one's */
	const struct wc_view *cited = NULL;
	for (size_t i = 0; i < n; i++)
		if (parts[i].frame && (!cited || parts[i].view == cited)) {
			cited = parts[i].view;
			wc_result_frame(r, parts[i].frame->number);
		}
	if (cited)
		snprintf(r->vantage, sizeof r->vantage, "%s", cited->role);
	r->verdict = WC_PASS;
	for (size_t i = 0; i < n; i++)
		if (parts[i].v != WC_PASS) {
			r->verdict = parts[i].v;
			wc_result_reason(r, "%s", parts[i].reason);
			return;
		}
	if (n == 0) {
		size_t made = 0;
		for (size_t i = 0; i < p->trace.count; i++)
			made += p->trace.calls[i].call != WC_SC_HELLO && p->trace.calls[i].call != WC_SC_FORK;
		wc_result_reason(r, "the %s made %zu socket calls", p->role, made);
		return;
	}
	char all[640] = "";
	for (size_t i = 0; i < n; i++)
		snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", i ? "; " : "", parts[i].reason);
	wc_result_reason(r, "%s", all);
}

const struct wc_check_def wc_check_sock_calls = {
	.name = "sock.calls",
	.summary = "what a program's socket calls show: datagrams read short, TCP read sizes, failed calls, SO_REUSEADDR",
	.args = args,
	.example = "{\"check\": \"sock.calls\", \"role\": \"server\", \"short_reads\": 0}",
	.run = run,
};
