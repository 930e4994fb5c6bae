/* flow_table.c — the flow table: 5-tuple hash, LRU lists, expiry, callbacks, totals; the wc_flows_* entry points. */
#include <stdlib.h>
#include <string.h>

#include "flow_internal.h"

#define NS_PER_S 1000000000LL
#define INITIAL_SLOTS 1024

/* Flows in order of last activity, least recent first. Closed TCP connections, open
 * TCP connections, refused UDP flows and other UDP flows expire on different clocks,
 * so each kind has its own list and the head of each is always the next to expire. */
struct wc_lru {
	struct wc_flow_node *head, *tail;
};

/* One place of the open-addressed table: the flow's hash beside it, so a probe past
 * other flows reads only the table, not their nodes. node NULL: empty. */
struct slot {
	uint64_t hash;
	struct wc_flow_node *node;
};

struct wc_flows {
	struct wc_flow_opts o;
	int64_t linger_ns, tcp_idle_ns, udp_idle_ns;
	size_t max_datagrams;
	struct slot *slots;
	size_t nslots, count;
	struct wc_lru tcp_closed, tcp_open, udp_refused, udp_open;
	uint32_t next_tcp_id, next_udp_id;
	struct wc_flow_totals tot;
};

/* Any fixed total order serves to pick endpoint 0, so addresses are compared as
 * integers (fixed-size loads the compiler inlines) rather than byte by byte. */
static int addr_cmp(const struct wc_addr *a, const struct wc_addr *b)
{
	if (a->family == 6) {
		uint64_t x[2], y[2];
		memcpy(x, a->bytes, 16);
		memcpy(y, b->bytes, 16);
		if (x[0] != y[0])
			return x[0] < y[0] ? -1 : 1;
		return x[1] < y[1] ? -1 : x[1] > y[1];
	}
	uint32_t x, y;
	memcpy(&x, a->bytes, 4);
	memcpy(&y, b->bytes, 4);
	return x < y ? -1 : x > y;
}

bool wc_flow_key_make(struct wc_flow_key *k, uint8_t proto, const struct wc_addr *src, uint16_t sport,
                      const struct wc_addr *dst, uint16_t dport)
{
	int cmp = addr_cmp(src, dst);
	bool swap = cmp > 0 || (cmp == 0 && sport > dport);
	k->family = src->family;
	k->proto = proto;
	memcpy(k->addr[swap], src->bytes, src->family == 6 ? 16 : 4);
	memcpy(k->addr[!swap], dst->bytes, src->family == 6 ? 16 : 4);
	k->port[swap] = sport;
	k->port[!swap] = dport;
	return swap;
}

static uint64_t load64(const uint8_t *b)
{
	uint64_t v;
	memcpy(&v, b, sizeof v);
	return v;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0xff51afd7ed558ccdull;
	return h ^ (h >> 33);
}

/* Reads the key's fields directly rather than its bytes as words: the key was just
 * written field by field, and a wide reload of it would stall on store forwarding. */
uint64_t wc_flow_key_hash(const struct wc_flow_key *k)
{
	uint64_t h = mix(0x9e3779b97f4a7c15ull,
	                 (uint64_t)k->port[0] << 32 | (uint64_t)k->port[1] << 16 | (uint64_t)k->proto << 8 | k->family);
	if (k->family == 6) {
		h = mix(h, load64(k->addr[0]));
		h = mix(h, load64(k->addr[0] + 8));
		h = mix(h, load64(k->addr[1]));
		h = mix(h, load64(k->addr[1] + 8));
	} else {
		uint32_t a, b;
		memcpy(&a, k->addr[0], 4);
		memcpy(&b, k->addr[1], 4);
		h = mix(h, (uint64_t)a << 32 | b);
	}
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

static bool key_eq(const struct wc_flow_key *a, const struct wc_flow_key *b)
{
	if (a->family != b->family || a->proto != b->proto || a->port[0] != b->port[0] || a->port[1] != b->port[1])
		return false;
	if (a->family == 6)
		return memcmp(a->addr, b->addr, sizeof a->addr) == 0;
	uint32_t x[2], y[2];
	memcpy(&x[0], a->addr[0], 4);
	memcpy(&x[1], a->addr[1], 4);
	memcpy(&y[0], b->addr[0], 4);
	memcpy(&y[1], b->addr[1], 4);
	return x[0] == y[0] && x[1] == y[1];
}

/* ---- LRU lists ----------------------------------------------------------- */

static void lru_remove(struct wc_flow_node *n)
{
	struct wc_lru *l = n->lru;
	if (!l)
		return;
	if (n->prev)
		n->prev->next = n->next;
	else
		l->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		l->tail = n->prev;
	n->prev = n->next = NULL;
	n->lru = NULL;
}

static void lru_append(struct wc_lru *l, struct wc_flow_node *n)
{
	n->lru = l;
	n->next = NULL;
	n->prev = l->tail;
	if (l->tail)
		l->tail->next = n;
	else
		l->head = n;
	l->tail = n;
}

static void touch(struct wc_flow_node *n, int64_t ts, struct wc_lru *l)
{
	n->last_ts = ts;
	if (l->tail == n)
		return;
	lru_remove(n);
	lru_append(l, n);
}

/* ---- hash table ---------------------------------------------------------- */

/* Linear probing at most half full, with deletion by shifting back (no tombstones, so
 * the table never fills with dead places): a lookup reads one or two slots of a compact
 * array, where chains cost a cache miss for every node passed on the way. */
static struct wc_flow_node *lookup(const struct wc_flows *ft, const struct wc_flow_key *k, uint64_t h)
{
	size_t mask = ft->nslots - 1;
	for (size_t i = h & mask; ft->slots[i].node; i = (i + 1) & mask)
		if (ft->slots[i].hash == h && key_eq(&ft->slots[i].node->key, k))
			return ft->slots[i].node;
	return NULL;
}

static void place(struct slot *slots, size_t mask, uint64_t h, struct wc_flow_node *n)
{
	size_t i = h & mask;
	while (slots[i].node)
		i = (i + 1) & mask;
	slots[i].hash = h;
	slots[i].node = n;
}

/* Doubling keeps probes short; a failed allocation only makes them longer, until the
 * table is full and insert refuses. */
static void grow(struct wc_flows *ft)
{
	size_t ns = ft->nslots * 2;
	struct slot *s = calloc(ns, sizeof *s);
	if (!s)
		return;
	for (size_t i = 0; i < ft->nslots; i++)
		if (ft->slots[i].node)
			place(s, ns - 1, ft->slots[i].hash, ft->slots[i].node);
	free(ft->slots);
	ft->slots = s;
	ft->nslots = ns;
}

static bool insert(struct wc_flows *ft, struct wc_flow_node *n)
{
	if ((ft->count + 1) * 2 > ft->nslots)
		grow(ft);
	if (ft->count + 1 >= ft->nslots)
		return false;
	place(ft->slots, ft->nslots - 1, n->hash, n);
	if (++ft->count > ft->tot.peak_open_flows)
		ft->tot.peak_open_flows = ft->count;
	return true;
}

static void unlink_node(struct wc_flows *ft, struct wc_flow_node *n)
{
	size_t mask = ft->nslots - 1;
	size_t i = n->hash & mask;
	while (ft->slots[i].node && ft->slots[i].node != n)
		i = (i + 1) & mask;
	if (ft->slots[i].node) {
		/* Move back every later entry of the run that may not stay behind the hole:
		 * one whose home slot is not cyclically within (hole, its place]. */
		for (size_t j = (i + 1) & mask; ft->slots[j].node; j = (j + 1) & mask) {
			size_t home = ft->slots[j].hash & mask;
			if (((j - home) & mask) >= ((j - i) & mask)) {
				ft->slots[i] = ft->slots[j];
				i = j;
			}
		}
		ft->slots[i].node = NULL;
		ft->count--;
	}
	lru_remove(n);
}

/* Hand a flow over and free it: the callback copies what it keeps. */
static void finish_node(struct wc_flows *ft, struct wc_flow_node *n)
{
	unlink_node(ft, n);
	if (n->kind == WC_FLOW_TCP) {
		struct wc_tcp_track *t = (struct wc_tcp_track *)n;
		wc_tcp_summarize(t, ft->o.payload_cap);
		if (ft->o.on_tcp_done)
			ft->o.on_tcp_done(&t->c, ft->o.arg);
		wc_tcp_free(t);
	} else {
		struct wc_udp_track *u = (struct wc_udp_track *)n;
		if (ft->o.on_udp_done)
			ft->o.on_udp_done(&u->f, ft->o.arg);
		wc_udp_free(u);
	}
}

static void expire_list(struct wc_flows *ft, struct wc_lru *l, int64_t quiet_ns, int64_t now)
{
	while (l->head && now - l->head->last_ts >= quiet_ns)
		finish_node(ft, l->head);
}

static void expire(struct wc_flows *ft, int64_t now)
{
	expire_list(ft, &ft->tcp_closed, ft->linger_ns, now);
	expire_list(ft, &ft->tcp_open, ft->tcp_idle_ns, now);
	expire_list(ft, &ft->udp_refused, ft->linger_ns, now);
	expire_list(ft, &ft->udp_open, ft->udp_idle_ns, now);
}

/* ---- per protocol -------------------------------------------------------- */

static void tcp_packet(struct wc_flows *ft, const struct wc_packet *pkt, struct wc_pkt_note *note)
{
	const struct wc_tcp *h = &pkt->u.tcp;
	struct wc_flow_key k;
	wc_flow_key_make(&k, 6, &pkt->ip.src, h->sport, &pkt->ip.dst, h->dport);
	uint64_t hash = wc_flow_key_hash(&k);
	struct wc_flow_node *n = lookup(ft, &k, hash);
	bool reuse = false;
	if (n && (h->flags & (WC_TH_SYN | WC_TH_ACK)) == WC_TH_SYN &&
	    wc_tcp_wants_split((struct wc_tcp_track *)n, pkt)) {
		finish_node(ft, n);
		n = NULL;
		reuse = true;
	}
	if (!n) {
		struct wc_tcp_track *nt = calloc(1, sizeof *nt);
		if (!nt)
			return;
		wc_tcp_init(nt, ft->next_tcp_id++, pkt);
		nt->node.key = k;
		nt->node.hash = hash;
		nt->node.kind = WC_FLOW_TCP;
		if (!insert(ft, &nt->node)) {
			wc_tcp_free(nt);
			return;
		}
		ft->tot.tcp_connections++;
		n = &nt->node;
	}
	struct wc_tcp_track *t = (struct wc_tcp_track *)n;
	bool was_closed = t->closed;
	wc_tcp_segment(t, pkt, &ft->o, &ft->tot, reuse, note);
	if (t->closed && !was_closed)
		wc_tcp_release(t);
	touch(n, pkt->frame->ts_ns, t->closed ? &ft->tcp_closed : &ft->tcp_open);
}

static void udp_packet(struct wc_flows *ft, const struct wc_packet *pkt, struct wc_pkt_note *note)
{
	const struct wc_udp *h = &pkt->u.udp;
	struct wc_flow_key k;
	wc_flow_key_make(&k, 17, &pkt->ip.src, h->sport, &pkt->ip.dst, h->dport);
	uint64_t hash = wc_flow_key_hash(&k);
	struct wc_flow_node *n = lookup(ft, &k, hash);
	if (!n) {
		struct wc_udp_track *nu = calloc(1, sizeof *nu);
		if (!nu)
			return;
		wc_udp_init(nu, ft->next_udp_id++, pkt);
		nu->node.key = k;
		nu->node.hash = hash;
		nu->node.kind = WC_FLOW_UDP;
		if (!insert(ft, &nu->node)) {
			wc_udp_free(nu);
			return;
		}
		ft->tot.udp_flows++;
		n = &nu->node;
	}
	struct wc_udp_track *u = (struct wc_udp_track *)n;
	uint64_t index = wc_udp_datagram(u, pkt, ft->max_datagrams);
	if (note) {
		note->kind = WC_FLOW_UDP;
		note->flow_id = u->f.id;
		note->dir = h->sport == u->f.port[0] && wc_addr_eq(&pkt->ip.src, &u->f.addr[0]) ? 0 : 1;
		note->datagram_index = index;
	}
	touch(n, pkt->frame->ts_ns, u->refused_dir >= 0 ? &ft->udp_refused : &ft->udp_open);
}

static void icmp_packet(struct wc_flows *ft, const struct wc_packet *pkt, struct wc_pkt_note *note)
{
	const struct wc_icmp *ic = &pkt->u.icmp;
	if (!ic->is_error)
		return;
	struct wc_icmp_event ev = {
		.frame = pkt->frame->number,
		.ts_ns = pkt->frame->ts_ns,
		.version = ic->version,
		.type = ic->type,
		.code = ic->code,
		.from = pkt->ip.src,
		.to = pkt->ip.dst,
		.quote = ic->quote,
		.flow_kind = WC_FLOW_NONE,
	};
	ft->tot.icmp_errors++;
	const struct wc_icmp_quote *q = &ic->quote;
	if (q->present && q->has_ports && (q->ip.proto == 6 || q->ip.proto == 17)) {
		struct wc_flow_key k;
		wc_flow_key_make(&k, q->ip.proto, &q->ip.src, q->sport, &q->ip.dst, q->dport);
		struct wc_flow_node *n = lookup(ft, &k, wc_flow_key_hash(&k));
		if (n && n->kind == WC_FLOW_TCP) {
			wc_icmp_link_tcp((struct wc_tcp_track *)n, &ev);
		} else if (n) {
			struct wc_udp_track *u = (struct wc_udp_track *)n;
			wc_icmp_link_udp(u, &ev);
			/* The error is the exchange's last word: the flow lingers from here. */
			if (u->refused_dir >= 0)
				touch(n, ev.ts_ns, &ft->udp_refused);
		}
		if (n)
			ft->tot.icmp_errors_matched++;
	}
	if (note) {
		note->icmp_matched = ev.flow_kind != WC_FLOW_NONE;
		note->icmp_flow_kind = ev.flow_kind;
		note->icmp_flow_id = ev.flow_id;
		note->icmp_quoted_frame = ev.quoted_frame;
	}
	if (ft->o.on_icmp)
		ft->o.on_icmp(&ev, ft->o.arg);
}

static int by_kind_then_id(const void *a, const void *b)
{
	const struct wc_flow_node *x = *(const struct wc_flow_node *const *)a;
	const struct wc_flow_node *y = *(const struct wc_flow_node *const *)b;
	if (x->kind != y->kind)
		return x->kind == WC_FLOW_TCP ? -1 : 1;
	uint32_t ix = x->kind == WC_FLOW_TCP ? ((const struct wc_tcp_track *)x)->c.id
	                                     : ((const struct wc_udp_track *)x)->f.id;
	uint32_t iy = y->kind == WC_FLOW_TCP ? ((const struct wc_tcp_track *)y)->c.id
	                                     : ((const struct wc_udp_track *)y)->f.id;
	return ix < iy ? -1 : ix > iy;
}

static void free_list(struct wc_lru *l)
{
	while (l->head) {
		struct wc_flow_node *n = l->head;
		lru_remove(n);
		if (n->kind == WC_FLOW_TCP)
			wc_tcp_free((struct wc_tcp_track *)n);
		else
			wc_udp_free((struct wc_udp_track *)n);
	}
}

/* ---- entry points -------------------------------------------------------- */

struct wc_flows *wc_flows_new(const struct wc_flow_opts *opts, char *errbuf)
{
	struct wc_flows *ft = calloc(1, sizeof *ft);
	if (!ft) {
		wc_err(errbuf, "flow table: out of memory");
		return NULL;
	}
	if (opts)
		ft->o = *opts;
	ft->linger_ns = ft->o.linger_ns > 0 ? ft->o.linger_ns : 10 * NS_PER_S;
	ft->tcp_idle_ns = ft->o.idle_timeout_ns > 0 ? ft->o.idle_timeout_ns : 3600 * NS_PER_S;
	ft->udp_idle_ns = ft->o.idle_timeout_ns > 0 ? ft->o.idle_timeout_ns : 60 * NS_PER_S;
	ft->max_datagrams = ft->o.max_datagrams ? ft->o.max_datagrams : 10000;
	ft->nslots = INITIAL_SLOTS;
	ft->slots = calloc(ft->nslots, sizeof *ft->slots);
	if (!ft->slots) {
		free(ft);
		wc_err(errbuf, "flow table: out of memory");
		return NULL;
	}
	return ft;
}

void wc_flows_add(struct wc_flows *ft, const struct wc_packet *pkt, struct wc_pkt_note *note)
{
	if (note)
		memset(note, 0, sizeof *note);
	if (pkt->net == WC_NET_IPV4 || pkt->net == WC_NET_IPV6) {
		switch (pkt->l4) {
		case WC_L4_TCP:
			/* A header cut before its 20 fixed bytes (or claiming fewer) names no connection. */
			if (pkt->u.tcp.hdr_len >= 20)
				tcp_packet(ft, pkt, note);
			break;
		case WC_L4_UDP: udp_packet(ft, pkt, note); break;
		case WC_L4_ICMP: case WC_L4_ICMPV6: icmp_packet(ft, pkt, note); break;
		default: break;
		}
	}
	expire(ft, pkt->frame->ts_ns);
}

void wc_flows_finish(struct wc_flows *ft)
{
	struct wc_lru *lists[] = {&ft->tcp_closed, &ft->tcp_open, &ft->udp_refused, &ft->udp_open};
	size_t nlists = sizeof lists / sizeof lists[0];
	size_t n = 0, cap = ft->count;
	struct wc_flow_node **all = cap ? malloc(cap * sizeof *all) : NULL;
	if (!all) {
		/* Without room to sort, hand over in activity order rather than lose flows. */
		for (size_t i = 0; i < nlists; i++)
			while (lists[i]->head)
				finish_node(ft, lists[i]->head);
		return;
	}
	for (size_t i = 0; i < nlists; i++)
		for (struct wc_flow_node *x = lists[i]->head; x && n < cap; x = x->next)
			all[n++] = x;
	qsort(all, n, sizeof *all, by_kind_then_id);
	for (size_t i = 0; i < n; i++)
		finish_node(ft, all[i]);
	free(all);
}

const struct wc_flow_totals *wc_flows_totals(const struct wc_flows *ft)
{
	return &ft->tot;
}

void wc_flows_free(struct wc_flows *ft)
{
	if (!ft)
		return;
	free_list(&ft->tcp_closed);
	free_list(&ft->tcp_open);
	free_list(&ft->udp_refused);
	free_list(&ft->udp_open);
	free(ft->slots);
	free(ft);
}
