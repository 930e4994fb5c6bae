/* check_tcp_concurrency.c — tcp.concurrency: connections overlapping in time, the most
 * established at once, and serialised service (an iterative server replies to the next
 * client only after closing the connection before). */
#include "checks_tcp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct wc_field args[] = {
	WC_TCP_PORT_FIELD,
	{.key = "overlapping", .type = WC_F_BOOL,
	 .doc = "true: at least two connections were open at the same time; false: never",
	 .example = "true"},
	{.key = "max_established", .type = WC_F_COUNT, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "the most connections established at once (handshake done, nobody closed yet)",
	 .example = "{\"min\": 2}"},
	{.key = "serialised", .type = WC_F_BOOL,
	 .doc = "true: the server replies on a connection only after it closed the one it served before "
	 "(iterative server); false: it serves them at the same time",
	 .example = "true"},
	{.key = NULL},
};

/* One connection as these questions see it, in frame numbers. */
struct span {
	const struct wc_tcp_conn *c;
	unsigned client_port;
	uint64_t first, last;         /* first and last frame */
	uint64_t est, end;            /* established from the handshake's ACK until the first FIN/RST */
	uint64_t reply, srv_close;    /* first server data; the server's FIN or RST (or last frame) */
};

static uint64_t first_data(const struct wc_tcp_conn *c, int side)
{
	for (size_t i = 0; i < c->seg_count; i++)
		if (c->segs[i].dir == side && c->segs[i].len)
			return c->segs[i].frame;
	return 0;
}

static uint64_t min_nonzero(uint64_t a, uint64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

static void make_span(const struct wc_tcp_sel *sel, const struct wc_tcp_conn *c, struct span *s)
{
	int srv = wc_tcp_server_side(sel, c);
	memset(s, 0, sizeof *s);
	s->c = c;
	s->client_port = c->side[1 - srv].port;
	s->first = c->first_frame;
	s->last = c->last_frame;
	s->est = c->handshake_complete ? c->hs_ack_frame : 0;
	uint64_t closed = min_nonzero(min_nonzero(c->side[0].fin_frame, c->side[1].fin_frame), c->rst_frame);
	s->end = closed ? closed : c->last_frame + 1;
	s->reply = first_data(c, srv);
	uint64_t sc = min_nonzero(c->side[srv].fin_frame, c->side[srv].rst_frame);
	s->srv_close = sc ? sc : c->last_frame;
}

/* The most connections established at once, and a frame where that many were. */
static size_t most_established(const struct span *sp, size_t n, uint64_t *at)
{
	size_t best = 0;
	*at = 0;
	for (size_t i = 0; i < n; i++) {
		if (!sp[i].est)
			continue;
		size_t k = 0;
		for (size_t j = 0; j < n; j++)
			k += sp[j].est && sp[j].est <= sp[i].est && sp[i].est < sp[j].end;
		if (k > best) {
			best = k;
			*at = sp[i].est;
		}
	}
	return best;
}

static int by_reply(const void *a, const void *b)
{
	uint64_t x = ((const struct span *)a)->reply, y = ((const struct span *)b)->reply;
	return (x > y) - (x < y);
}

static void run(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	struct wc_tcp_sel sel;
	if (!wc_tcp_sel_init(ctx, a, &sel, r))
		return;
	size_t *idx, n = wc_tcp_sel_list(&sel, &idx);
	struct span *sp = n ? calloc(n, sizeof *sp) : NULL;
	char said[600] = "";
	size_t at = 0;
	if (n && !sp) {
		wc_tcp_verdict(r, WC_INCONCLUSIVE, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		make_span(&sel, &sel.v->tcp[idx[i]], &sp[i]);

	json_object *v;
	if (json_object_object_get_ex(a, "overlapping", &v)) {
		const struct span *x = NULL, *y = NULL;
		for (size_t i = 0; i < n && !x; i++)
			for (size_t j = i + 1; j < n && !x; j++)
				if (sp[j].first <= sp[i].last && sp[i].first <= sp[j].last) {
					x = &sp[i];
					y = &sp[j];
				}
		char what[200];
		if (x) {
			wc_tcp_evidence(r, y->first);
			wc_tcp_evidence(r, x->last);
			snprintf(what, sizeof what, "the connections from client ports %u (frames %llu–%llu) and %u (frames %llu–%llu) overlapped in time",
			         x->client_port, (unsigned long long)x->first, (unsigned long long)x->last, y->client_port,
			         (unsigned long long)y->first, (unsigned long long)y->last);
		} else {
			snprintf(what, sizeof what, "no two of the %zu connections%s were open at the same time", n, sel.where);
		}
		if (json_object_get_boolean(v) != (x != NULL)) {
			wc_tcp_verdict(r, WC_FAIL, "expected %s, but %s", x ? "no overlap" : "connections overlapping in time", what);
			goto out;
		}
		at += (size_t)snprintf(said + at, sizeof said - at, "%s", what);
	}
	if (json_object_object_get_ex(a, "max_established", &v)) {
		struct wc_count want;
		uint64_t when;
		char cs[48], what[160];
		wc_count_get(v, &want);
		size_t most = most_established(sp, n, &when);
		wc_tcp_evidence(r, when);
		if (most)
			snprintf(what, sizeof what, "up to %zu connection%s%s %s established at once (frame %llu)", most,
			         most > 1 ? "s" : "", sel.where, most > 1 ? "were" : "was", (unsigned long long)when);
		else
			snprintf(what, sizeof what, "no connection%s was ever established", sel.where);
		if (!wc_count_ok(&want, (int64_t)most)) {
			wc_tcp_verdict(r, WC_FAIL, "expected %s established at once, but %s", wc_count_str(&want, cs, sizeof cs), what);
			goto out;
		}
		if (at < sizeof said)
			at += (size_t)snprintf(said + at, sizeof said - at, "%s%s", at ? "; " : "", what);
	}
	if (json_object_object_get_ex(a, "serialised", &v)) {
		bool want = json_object_get_boolean(v);
		size_t served = 0;
		for (size_t i = 0; i < n; i++)
			if (sp[i].reply)
				sp[served++] = sp[i];
		if (served < 2) {
			wc_tcp_verdict(r, WC_INCONCLUSIVE, "%zu connection%s%s got a reply from the server: at least two are needed to tell",
			               served, served == 1 ? "" : "s", sel.where);
			goto out;
		}
		qsort(sp, served, sizeof *sp, by_reply);
		size_t k = 1;
		while (k < served && sp[k].reply > sp[k - 1].srv_close)
			k++;
		const struct span *p = &sp[k < served ? k - 1 : 0], *q = &sp[k < served ? k : 1];
		wc_tcp_evidence(r, p->srv_close);
		wc_tcp_evidence(r, q->reply);
		char what[240];
		if (k < served)
			snprintf(what, sizeof what, "the reply to client port %u (frame %llu) came before the server closed the connection from client port %u (frame %llu): the server served them at the same time",
			         q->client_port, (unsigned long long)q->reply, p->client_port, (unsigned long long)p->srv_close);
		else
			snprintf(what, sizeof what, "the server served one connection at a time: the reply to client port %u (frame %llu) came only after it closed the connection from client port %u (frame %llu)",
			         q->client_port, (unsigned long long)q->reply, p->client_port, (unsigned long long)p->srv_close);
		if (want != (k == served)) {
			wc_tcp_verdict(r, WC_FAIL, "expected %s, but %s", want ? "serialised service" : "concurrent service", what);
			goto out;
		}
		if (at < sizeof said)
			at += (size_t)snprintf(said + at, sizeof said - at, "%s%s", at ? "; " : "", what);
	}
	if (at == 0)
		snprintf(said, sizeof said, "%zu connection%s%s", n, n == 1 ? "" : "s", sel.where);
	wc_tcp_verdict(r, WC_PASS, "%s", said);
out:
	wc_result_filter_frames(r);
	free(sp);
	free(idx);
}

const struct wc_check_def wc_check_tcp_concurrency = {
	.name = "tcp.concurrency",
	.summary = "connections at the same time: overlap, most established at once, serialised service",
	.args = args,
	.example = "{\"check\": \"tcp.concurrency\", \"port\": \"{port}\", \"serialised\": true}",
	.run = run,
};
