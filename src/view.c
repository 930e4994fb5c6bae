/* view.c — an analysed capture kept whole for the checks (check.h: struct wc_view). */
#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

struct collect {
	struct wc_view *v;
	size_t frames_cap, tcp_cap, udp_cap, icmp_cap;
	bool out_of_memory;
};

/* Grow *arr (of elem-sized items, *cap allocated) to hold one more; false when out of
 * memory. */
static bool grow(void **arr, size_t *cap, size_t count, size_t elem)
{
	if (count < *cap)
		return true;
	size_t n = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, n * elem);
	if (!p)
		return false;
	*arr = p;
	*cap = n;
	return true;
}

static void *dup_bytes(const void *src, size_t n, bool *oom)
{
	if (!src || n == 0)
		return NULL;
	void *p = malloc(n);
	if (!p) {
		*oom = true;
		return NULL;
	}
	memcpy(p, src, n);
	return p;
}

static void frame_rec(struct wc_frame_rec *r, const struct wc_packet *pkt, const struct wc_pkt_note *note)
{
	const struct wc_frame *f = pkt->frame;
	memset(r, 0, sizeof *r);
	r->number = f->number;
	r->ts_ns = f->ts_ns;
	r->caplen = f->caplen;
	r->len = f->len;
	r->net = pkt->net;
	r->l4 = pkt->l4;
	r->truncated = pkt->truncated;
	r->malformed = pkt->malformed;
	r->digest = XXH3_64bits(f->data, f->caplen);
	if (note)
		r->note = *note;
	if (pkt->net == WC_NET_IPV4 || pkt->net == WC_NET_IPV6) {
		r->src = pkt->ip.src;
		r->dst = pkt->ip.dst;
		r->ttl = pkt->ip.ttl;
		r->tos = pkt->ip.tos;
		r->df = pkt->ip.df;
		r->is_fragment = pkt->ip.is_fragment;
		r->ip_csum = pkt->ip.hdr_csum;
	}
	switch (pkt->l4) {
	case WC_L4_TCP:
		r->sport = pkt->u.tcp.sport;
		r->dport = pkt->u.tcp.dport;
		r->tcp_flags = pkt->u.tcp.flags;
		r->seq = pkt->u.tcp.seq;
		r->ack = pkt->u.tcp.ack;
		r->l4_payload_len = pkt->u.tcp.payload_len;
		r->l4_csum = pkt->u.tcp.csum;
		r->l4_csum_value = pkt->u.tcp.csum_value;
		break;
	case WC_L4_UDP:
		r->sport = pkt->u.udp.sport;
		r->dport = pkt->u.udp.dport;
		r->l4_payload_len = pkt->u.udp.payload_len;
		r->l4_csum = pkt->u.udp.csum;
		r->l4_csum_value = pkt->u.udp.csum_value;
		break;
	case WC_L4_ICMP:
	case WC_L4_ICMPV6:
		r->icmp_type = pkt->u.icmp.type;
		r->icmp_code = pkt->u.icmp.code;
		r->l4_csum = pkt->u.icmp.csum;
		r->l4_csum_value = pkt->u.icmp.csum_value;
		break;
	case WC_L4_NONE:
	case WC_L4_OTHER:
		break;
	}
}

static void on_packet(const struct wc_packet *pkt, const struct wc_pkt_note *note, void *arg)
{
	struct collect *c = arg;
	struct wc_view *v = c->v;
	if (!grow((void **)&v->frames, &c->frames_cap, v->frame_count, sizeof *v->frames)) {
		c->out_of_memory = true;
		return;
	}
	frame_rec(&v->frames[v->frame_count++], pkt, note);
}

/* The flow tracker frees a finished connection after this callback: copy what it owns. */
static void on_tcp_done(const struct wc_tcp_conn *conn, void *arg)
{
	struct collect *c = arg;
	struct wc_view *v = c->v;
	if (!grow((void **)&v->tcp, &c->tcp_cap, v->tcp_count, sizeof *v->tcp)) {
		c->out_of_memory = true;
		return;
	}
	struct wc_tcp_conn *k = &v->tcp[v->tcp_count++];
	*k = *conn;
	k->segs = dup_bytes(conn->segs, conn->seg_count * sizeof *conn->segs, &c->out_of_memory);
	if (!k->segs)
		k->seg_count = 0;
	for (int i = 0; i < 2; i++) {
		k->side[i].payload = dup_bytes(conn->side[i].payload, conn->side[i].payload_kept, &c->out_of_memory);
		if (!k->side[i].payload)
			k->side[i].payload_kept = 0;
	}
}

static void on_udp_done(const struct wc_udp_flow *flow, void *arg)
{
	struct collect *c = arg;
	struct wc_view *v = c->v;
	if (!grow((void **)&v->udp, &c->udp_cap, v->udp_count, sizeof *v->udp)) {
		c->out_of_memory = true;
		return;
	}
	struct wc_udp_flow *k = &v->udp[v->udp_count++];
	*k = *flow;
	k->list = dup_bytes(flow->list, flow->list_count * sizeof *flow->list, &c->out_of_memory);
	if (!k->list)
		k->list_count = 0;
}

static void on_icmp(const struct wc_icmp_event *e, void *arg)
{
	struct collect *c = arg;
	struct wc_view *v = c->v;
	if (!grow((void **)&v->icmp, &c->icmp_cap, v->icmp_count, sizeof *v->icmp)) {
		c->out_of_memory = true;
		return;
	}
	v->icmp[v->icmp_count++] = *e;
}

static int by_tcp_id(const void *a, const void *b)
{
	uint32_t x = ((const struct wc_tcp_conn *)a)->id, y = ((const struct wc_tcp_conn *)b)->id;
	return (x > y) - (x < y);
}

static int by_udp_id(const void *a, const void *b)
{
	uint32_t x = ((const struct wc_udp_flow *)a)->id, y = ((const struct wc_udp_flow *)b)->id;
	return (x > y) - (x < y);
}

int wc_view_load(const char *path, const char *role, struct wc_view *out, char *errbuf)
{
	memset(out, 0, sizeof *out);
	snprintf(out->role, sizeof out->role, "%s", role ? role : "");
	out->path = strdup(path);
	if (!out->path)
		return wc_err(errbuf, "%s: out of memory", path);

	struct collect c = {.v = out};
	struct wc_analysis_opts opts;
	memset(&opts, 0, sizeof opts);
	opts.flow.payload_cap = WC_VIEW_PAYLOAD_CAP;
	opts.flow.keep_segments = true;
	opts.flow.max_datagrams = 1000000;
	opts.flow.on_tcp_done = on_tcp_done;
	opts.flow.on_udp_done = on_udp_done;
	opts.flow.on_icmp = on_icmp;
	opts.flow.arg = &c;
	opts.on_packet = on_packet;
	opts.arg = &c;
	if (wc_analyze_file(path, &opts, &out->a, errbuf) != 0) {
		wc_view_free(out);
		return -1;
	}
	if (c.out_of_memory) {
		wc_view_free(out);
		return wc_err(errbuf, "%s: out of memory while keeping the capture for the checks", path);
	}
	/* Flows finish in the order they end; checks want them by id. */
	if (out->tcp_count)
		qsort(out->tcp, out->tcp_count, sizeof *out->tcp, by_tcp_id);
	if (out->udp_count)
		qsort(out->udp, out->udp_count, sizeof *out->udp, by_udp_id);
	return 0;
}

void wc_view_free(struct wc_view *v)
{
	for (size_t i = 0; i < v->tcp_count; i++) {
		free(v->tcp[i].segs);
		free(v->tcp[i].side[0].payload);
		free(v->tcp[i].side[1].payload);
	}
	for (size_t i = 0; i < v->udp_count; i++)
		free(v->udp[i].list);
	free(v->tcp);
	free(v->udp);
	free(v->icmp);
	free(v->frames);
	free(v->path);
	memset(v, 0, sizeof *v);
}

const struct wc_frame_rec *wc_view_frame(const struct wc_view *v, uint64_t number)
{
	size_t lo = 0, hi = v->frame_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->frames[mid].number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->frame_count && v->frames[lo].number == number ? &v->frames[lo] : NULL;
}

double wc_view_secs(const struct wc_view *v, int64_t ts_ns)
{
	int64_t first = v->frame_count ? v->frames[0].ts_ns : ts_ns;
	return (double)(ts_ns - first) / 1e9;
}

const struct wc_view *wc_view_find(const struct wc_view *views, size_t n, const char *role)
{
	if (n == 0)
		return NULL;
	if (!role || !*role)
		return &views[0];
	for (size_t i = 0; i < n; i++)
		if (strcmp(views[i].role, role) == 0)
			return &views[i];
	return NULL;
}
