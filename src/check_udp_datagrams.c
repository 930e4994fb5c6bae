/* check_udp_datagrams.c — udp.datagrams: how many datagrams, their sizes, payloads and
 * order, and which were lost, on one capture or compared across two vantage points. */
#include "checks_net.h"

#include <stdlib.h>
#include <string.h>

/* One datagram of the selection, with the flow that carries it. */
struct dg {
	const struct wc_udp_flow *f;
	const struct wc_datagram *d;
};

struct selection {
	struct dg *v;
	size_t n;
};

static const char *const from_values[] = {"client", "server", "any", NULL};

#define MAX_PAYLOAD 2048 /* bytes of an expected payload */

/* sizes: an array of whole numbers a UDP payload can have. */
static int sizes_valid(json_object *v, const char *file, const char *path, char *errbuf)
{
	if (!json_object_is_type(v, json_type_array))
		return wc_schema_err(errbuf, file, path, "expected an array of whole numbers, got %s", wc_schema_kind(v));
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		json_object *e = json_object_array_get_idx(v, i);
		if (!json_object_is_type(e, json_type_int) || json_object_get_int64(e) < 0 ||
		    json_object_get_int64(e) > 65527)
			return wc_schema_err(errbuf, file, path, "item %zu: expected a whole number from 0 to 65527", i);
	}
	return 0;
}

/* payloads: every item at most MAX_PAYLOAD bytes. */
static int text_valid(json_object *v, const char *file, const char *path, char *errbuf)
{
	for (size_t i = 0; i < json_object_array_length(v); i++)
		if (json_object_get_string_len(json_object_array_get_idx(v, i)) > MAX_PAYLOAD)
			return wc_schema_err(errbuf, file, path, "item %zu: longer than %d bytes", i, MAX_PAYLOAD);
	return 0;
}

/* payloads_hex: every item hex bytes, at most MAX_PAYLOAD of them. */
static int hex_valid(json_object *v, const char *file, const char *path, char *errbuf)
{
	uint8_t scratch[MAX_PAYLOAD];
	for (size_t i = 0; i < json_object_array_length(v); i++)
		if (wc_net_hex(json_object_get_string(json_object_array_get_idx(v, i)), scratch, sizeof scratch) < 0)
			return wc_schema_err(errbuf, file, path, "item %zu: expected hex bytes (\"41 42 43\"), at most %d",
			                     i, MAX_PAYLOAD);
	return 0;
}

static const struct wc_field window_fields[] = {
	{.key = "from", .type = WC_F_NUMBER, .default_text = "0", .min = 0, .max = WC_NO_LIMIT,
	 .doc = "start of the window, seconds after the first frame of the sender's capture", .example = "1.5"},
	{.key = "to", .type = WC_F_NUMBER, .default_text = "end of capture", .min = 0, .max = WC_NO_LIMIT,
	 .doc = "end of the window, seconds after the first frame", .example = "3"},
	{.key = NULL},
};

static const struct wc_field args[] = {
	{.key = "port", .type = WC_F_INT, .placeholder = true, .default_text = "any", .min = 0, .max = 65535,
	 .doc = "only UDP flows with this port on either side", .example = "7007"},
	{.key = "from", .type = WC_F_STRING, .default_text = "client", .enum_values = from_values,
	 .doc = "whose datagrams: the client (the flow's first sender), the server, or any", .example = "\"client\""},
	{.key = "count", .type = WC_F_COUNT, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "how many datagrams were captured", .example = "{\"min\": 3}"},
	{.key = "size", .type = WC_F_INT, .min = 0, .max = 65527,
	 .doc = "payload bytes of every datagram", .example = "5"},
	{.key = "sizes", .type = WC_F_ANY, .check = sizes_valid, .type_doc = "array of whole numbers",
	 .doc = "payload bytes of each datagram in order: an array of whole numbers", .example = "[5, 11]"},
	{.key = "payloads", .type = WC_F_STRINGS, .check = text_valid,
	 .doc = "payload of each datagram, as text", .example = "[\"ABCDE\", \"ABCDEUQUQUQ\"]"},
	{.key = "payloads_hex", .type = WC_F_STRINGS, .check = hex_valid,
	 .doc = "payload of each datagram, as hex bytes", .example = "[\"41 42 43 44 45\"]"},
	{.key = "ordered", .type = WC_F_BOOL, .default_text = "true",
	 .doc = "the payloads arrive in the listed order (false: each is seen once, in any order)", .example = "false"},
	{.key = "lost", .type = WC_F_COUNT, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "datagrams lost: with two captures, sent on the sender's side and never seen on the "
	 "receiver's (matched by payload digest, length and order); with one, never answered "
	 "(an echo)", .example = "{\"exact\": 2}"},
	{.key = "window", .type = WC_F_OBJECT, .default_text = "whole capture", .fields = window_fields,
	 .doc = "only datagrams sent inside this time window count", .example = "{\"from\": 1, \"to\": 3}"},
	{.key = "sender", .type = WC_F_STRING, .default_text = "client",
	 .doc = "with several captures: the vantage point that shows what was sent", .example = "\"client\""},
	{.key = "receiver", .type = WC_F_STRING, .default_text = "server",
	 .doc = "with several captures: the vantage point that shows what arrived", .example = "\"server\""},
	{.key = NULL},
};

static int by_frame(const void *a, const void *b)
{
	uint64_t x = ((const struct dg *)a)->d->frame, y = ((const struct dg *)b)->d->frame;
	return (x > y) - (x < y);
}

/* Which datagrams count: port (-1 any), dir (0 client, 1 server, -1 any), a time window
 * in seconds from the capture's first frame. */
struct filter {
	int64_t port;
	int dir;
	double t0, t1;
};

static struct filter filter_of(json_object *a)
{
	const char *from = wc_schema_str(a, "from", "client");
	json_object *w = NULL;
	json_object_object_get_ex(a, "window", &w);
	return (struct filter){
		.port = wc_schema_int(a, "port", -1),
		.dir = strcmp(from, "client") == 0 ? 0 : strcmp(from, "server") == 0 ? 1 : -1,
		.t0 = wc_schema_num(w, "from", 0),
		.t1 = wc_schema_num(w, "to", 1e18),
	};
}

/* The datagrams of v the filter keeps, in frame order. */
static bool select_dgrams(const struct wc_view *v, const struct filter *k, struct selection *s)
{
	size_t total = 0;
	for (size_t i = 0; i < v->udp_count; i++)
		total += v->udp[i].list_count;
	s->n = 0;
	s->v = calloc(total ? total : 1, sizeof *s->v);
	if (!s->v)
		return false;
	for (size_t i = 0; i < v->udp_count; i++) {
		const struct wc_udp_flow *f = &v->udp[i];
		if (k->port >= 0 && f->port[0] != k->port && f->port[1] != k->port)
			continue;
		for (size_t j = 0; j < f->list_count; j++) {
			const struct wc_datagram *d = &f->list[j];
			double t = wc_view_secs(v, d->ts_ns);
			if ((k->dir < 0 || d->dir == k->dir) && t >= k->t0 && t <= k->t1)
				s->v[s->n++] = (struct dg){f, d};
		}
	}
	qsort(s->v, s->n, sizeof *s->v, by_frame);
	return true;
}

/* "from the client on UDP port 7007 between 1.0 s and 3.0 s" */
static void describe(json_object *a, char *buf, size_t len)
{
	const char *from = wc_schema_str(a, "from", "client");
	buf[0] = '\0';
	if (strcmp(from, "any") != 0)
		wc_net_cat(buf, len, " from the %s", from);
	int64_t port = wc_schema_int(a, "port", -1);
	if (port >= 0)
		wc_net_cat(buf, len, " on UDP port %lld", (long long)port);
	json_object *w = NULL;
	if (!json_object_object_get_ex(a, "window", &w))
		return;
	if (json_object_object_get_ex(w, "to", NULL))
		wc_net_cat(buf, len, " sent between %g s and %g s", wc_schema_num(w, "from", 0),
		           wc_schema_num(w, "to", 0));
	else
		wc_net_cat(buf, len, " sent after %g s", wc_schema_num(w, "from", 0));
}

static void evidence(struct wc_result *r, const struct selection *s)
{
	for (size_t i = 0; i < s->n; i++)
		wc_result_frame(r, s->v[i].d->frame);
}

static bool check_count(json_object *a, const struct selection *s, const char *what, struct wc_result *r)
{
	json_object *c = NULL;
	if (!json_object_object_get_ex(a, "count", &c))
		return true;
	struct wc_count want;
	char ws[64];
	wc_count_get(c, &want);
	if (wc_count_ok(&want, (int64_t)s->n))
		return true;
	r->verdict = WC_FAIL;
	evidence(r, s);
	wc_result_reason(r, "%zu datagram%s%s %s captured, expected %s", s->n, s->n == 1 ? "" : "s", what,
	                 s->n == 1 ? "was" : "were", wc_count_str(&want, ws, sizeof ws));
	return false;
}

static bool check_sizes(json_object *a, const struct selection *s, struct wc_result *r)
{
	int64_t each = wc_schema_int(a, "size", -1);
	for (size_t i = 0; each >= 0 && i < s->n; i++) {
		if (s->v[i].d->len == each)
			continue;
		r->verdict = WC_FAIL;
		wc_result_frame(r, s->v[i].d->frame);
		wc_result_reason(r, "datagram %zu (frame %llu) carries %u bytes, expected %lld in every datagram", i + 1,
		                 (unsigned long long)s->v[i].d->frame, s->v[i].d->len, (long long)each);
		return false;
	}
	json_object *list = NULL;
	if (!json_object_object_get_ex(a, "sizes", &list))
		return true;
	size_t want = json_object_array_length(list);
	for (size_t i = 0; i < want && i < s->n; i++) {
		int64_t n = json_object_get_int64(json_object_array_get_idx(list, i));
		if (s->v[i].d->len != n) {
			r->verdict = WC_FAIL;
			wc_result_frame(r, s->v[i].d->frame);
			wc_result_reason(r, "datagram %zu (frame %llu) carries %u bytes, expected %lld", i + 1,
			                 (unsigned long long)s->v[i].d->frame, s->v[i].d->len, (long long)n);
			return false;
		}
	}
	if (want != s->n) {
		r->verdict = WC_FAIL;
		evidence(r, s);
		wc_result_reason(r, "%zu datagrams were captured, but sizes lists %zu", s->n, want);
		return false;
	}
	return true;
}

/* The expected payloads as (bytes, length) pairs, from payloads or payloads_hex. */
struct want_payload {
	uint8_t bytes[MAX_PAYLOAD];
	long len;
	const char *shown;
};

/* Validation (text_valid, hex_valid) made sure every item fits. */
static void payload_at(json_object *list, size_t i, bool hex, struct want_payload *w)
{
	w->shown = json_object_get_string(json_object_array_get_idx(list, i));
	if (hex) {
		w->len = wc_net_hex(w->shown, w->bytes, sizeof w->bytes);
		return;
	}
	w->len = (long)strlen(w->shown);
	memcpy(w->bytes, w->shown, (size_t)w->len);
}

static bool same(const struct wc_datagram *d, const struct want_payload *w)
{
	return d->len == (uint32_t)w->len && d->digest == wc_net_digest(w->bytes, (size_t)w->len);
}

static bool check_payloads(json_object *a, const struct selection *s, struct wc_result *r)
{
	json_object *list = NULL;
	bool hex = !json_object_object_get_ex(a, "payloads", &list);
	if (hex && !json_object_object_get_ex(a, "payloads_hex", &list))
		return true;
	const char *key = hex ? "payloads_hex" : "payloads";
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i].d->payload_complete) {
			r->verdict = WC_INCONCLUSIVE;
			wc_result_frame(r, s->v[i].d->frame);
			wc_result_reason(r, "the snapshot length cut the payload of datagram %zu (frame %llu), so its "
			                 "bytes cannot be compared", i + 1, (unsigned long long)s->v[i].d->frame);
			return false;
		}
	size_t want = json_object_array_length(list);
	bool ordered = wc_schema_bool(a, "ordered", true);
	bool *used = calloc(s->n ? s->n : 1, sizeof *used);
	if (!used) {
		r->verdict = WC_INCONCLUSIVE;
		wc_result_reason(r, "out of memory while comparing payloads");
		return false;
	}
	bool ok = true;
	for (size_t i = 0; i < want && ok; i++) {
		struct want_payload w;
		payload_at(list, i, hex, &w);
		if (ordered && i < s->n && !same(s->v[i].d, &w)) {
			r->verdict = WC_FAIL;
			wc_result_frame(r, s->v[i].d->frame);
			wc_result_reason(r, "datagram %zu (frame %llu) does not carry \"%s\"", i + 1,
			                 (unsigned long long)s->v[i].d->frame, w.shown);
			if (s->v[i].d->len == (uint32_t)w.len)
				wc_net_cat(r->reason, sizeof r->reason, ": its %u bytes differ", s->v[i].d->len);
			else
				wc_net_cat(r->reason, sizeof r->reason, " (%ld bytes): it has %u bytes", w.len, s->v[i].d->len);
			ok = false;
		} else if (!ordered) {
			size_t j = 0;
			while (j < s->n && (used[j] || !same(s->v[j].d, &w)))
				j++;
			if (j < s->n) {
				used[j] = true;
			} else {
				r->verdict = WC_FAIL;
				evidence(r, s);
				wc_result_reason(r, "no datagram carries \"%s\"", w.shown);
				ok = false;
			}
		}
	}
	free(used);
	if (ok && ordered && want != s->n) {
		r->verdict = WC_FAIL;
		evidence(r, s);
		wc_result_reason(r, "%zu datagrams were captured, but %s lists %zu", s->n, key, want);
		ok = false;
	}
	return ok;
}

static bool same_endpoints(const struct dg *x, const struct dg *y)
{
	int a = x->d->dir, b = y->d->dir;
	return wc_addr_eq(&x->f->addr[a], &y->f->addr[b]) && x->f->port[a] == y->f->port[b] &&
	       wc_addr_eq(&x->f->addr[!a], &y->f->addr[!b]) && x->f->port[!a] == y->f->port[!b];
}

/* Indexes (into s) of the datagrams the receiver never saw: each sent datagram is matched
 * to the receiver's first unused one with the same endpoints, length and digest, in
 * order. Returns the count, or -1 when out of memory. */
static long lost_across(const struct wc_view *rv, const struct selection *s, size_t *lost)
{
	struct selection all;
	const struct filter everything = {.port = -1, .dir = -1, .t0 = -1e18, .t1 = 1e18};
	if (!select_dgrams(rv, &everything, &all))
		return -1;
	bool *used = calloc(all.n ? all.n : 1, sizeof *used);
	if (!used) {
		free(all.v);
		return -1;
	}
	long n = 0;
	for (size_t i = 0; i < s->n; i++) {
		size_t j = 0;
		while (j < all.n && (used[j] || all.v[j].d->len != s->v[i].d->len ||
		                     all.v[j].d->digest != s->v[i].d->digest || !same_endpoints(&s->v[i], &all.v[j])))
			j++;
		if (j < all.n)
			used[j] = true;
		else
			lost[n++] = i;
	}
	free(used);
	free(all.v);
	return n;
}

/* One capture: datagrams of the flow's first sender with no answer before its next one. */
static long unanswered(const struct selection *s, size_t *lost)
{
	long n = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct wc_udp_flow *f = s->v[i].f;
		const struct wc_datagram *d = s->v[i].d;
		size_t k = (size_t)(d - f->list) + 1;
		if (k >= f->list_count || f->list[k].dir == d->dir)
			lost[n++] = i;
	}
	return n;
}

static bool check_lost(const struct wc_check_ctx *ctx, json_object *a, const struct selection *s,
                       const char *sender, struct wc_result *r)
{
	json_object *c = NULL;
	if (!json_object_object_get_ex(a, "lost", &c))
		return true;
	const char *receiver = wc_schema_str(a, "receiver", "server");
	const struct wc_view *rv = ctx->view_count > 1 ? wc_view_find(ctx->views, ctx->view_count, receiver) : NULL;
	if (ctx->view_count > 1 && !rv) {
		r->verdict = WC_INCONCLUSIVE;
		wc_result_reason(r, "no capture was tagged \"%s\", so nothing shows which datagrams arrived", receiver);
		return false;
	}
	size_t *lost = calloc(s->n ? s->n : 1, sizeof *lost);
	long n = !lost ? -1 : rv ? lost_across(rv, s, lost) : unanswered(s, lost);
	if (n < 0) {
		free(lost);
		r->verdict = WC_INCONCLUSIVE;
		wc_result_reason(r, "out of memory while matching datagrams");
		return false;
	}
	struct wc_count want;
	wc_count_get(c, &want);
	bool ok = wc_count_ok(&want, n);
	uint64_t idx[WC_MAX_EVIDENCE], frames[WC_MAX_EVIDENCE];
	size_t shown = (size_t)n < WC_MAX_EVIDENCE ? (size_t)n : WC_MAX_EVIDENCE;
	for (size_t i = 0; i < shown; i++) {
		idx[i] = lost[i] + 1;
		frames[i] = s->v[lost[i]].d->frame;
		wc_result_frame(r, frames[i]);
	}
	free(lost);
	char il[160], fl[160], ws[64];
	wc_count_str(&want, ws, sizeof ws);
	if (n == 0)
		wc_result_reason(r, "every one of the %zu datagrams %s", s->n,
		                 rv ? "sent was seen arriving" : "was answered");
	else if (rv)
		wc_result_reason(r, "datagram%s %s %s sent (%s frame%s %s) and never arrived (%s capture)", n == 1 ? "" : "s",
		                 wc_net_list(il, sizeof il, idx, shown), n == 1 ? "was" : "were", sender,
		                 n == 1 ? "" : "s", wc_net_list(fl, sizeof fl, frames, shown), receiver);
	else
		wc_result_reason(r, "datagram%s %s (frame%s %s) got no reply", n == 1 ? "" : "s",
		                 wc_net_list(il, sizeof il, idx, shown), n == 1 ? "" : "s",
		                 wc_net_list(fl, sizeof fl, frames, shown));
	wc_net_cat(r->reason, sizeof r->reason, ok ? ": %ld lost, as expected (%s)" : ": %ld lost, expected %s", n, ws);
	if (!ok)
		r->verdict = WC_FAIL;
	return ok;
}

static void run(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	const char *sender = wc_schema_str(a, "sender", "client");
	bool across = ctx->view_count > 1 && json_object_object_get_ex(a, "lost", NULL);
	const struct wc_view *v;
	if (across) {
		v = wc_view_find(ctx->views, ctx->view_count, sender);
		if (!v) {
			r->verdict = WC_INCONCLUSIVE;
			wc_result_reason(r, "no capture was tagged \"%s\", so nothing shows which datagrams were sent", sender);
			return;
		}
		snprintf(r->vantage, sizeof r->vantage, "%s", v->role);
	} else if (!(v = wc_net_view(ctx, a, r))) {
		return;
	}
	struct selection s;
	const struct filter k = filter_of(a);
	if (!select_dgrams(v, &k, &s)) {
		r->verdict = WC_INCONCLUSIVE;
		wc_result_reason(r, "out of memory while listing datagrams");
		return;
	}
	char what[160];
	describe(a, what, sizeof what);
	r->verdict = WC_PASS;
	r->reason[0] = '\0';
	if (check_count(a, &s, what, r) && check_sizes(a, &s, r) && check_payloads(a, &s, r) &&
	    check_lost(ctx, a, &s, sender, r)) {
		char lost[sizeof r->reason];
		snprintf(lost, sizeof lost, "%s", r->reason);
		char fl[160];
		evidence(r, &s);
		if (s.n == 0)
			wc_result_reason(r, "no datagram%s was captured, as expected", what);
		else
			wc_result_reason(r, "%zu datagram%s%s (frame%s %s), as expected", s.n, s.n == 1 ? "" : "s", what,
			                 s.n == 1 ? "" : "s", wc_net_list(fl, sizeof fl, r->frames, r->frame_count));
		if (lost[0])
			wc_net_cat(r->reason, sizeof r->reason, "; %s", lost);
	}
	free(s.v);
	wc_result_filter_frames(r);
}

const struct wc_check_def wc_check_udp_datagrams = {
	.name = "udp.datagrams",
	.summary = "UDP datagrams: count, sizes, payloads and order; which were lost, on one "
	           "capture or between the sender's and the receiver's",
	.args = args,
	.example = "{\"check\": \"udp.datagrams\", \"port\": 7007, \"count\": 2, "
	           "\"payloads\": [\"ABCDE\", \"ABCDEUQUQUQ\"]}",
	.run = run,
};
