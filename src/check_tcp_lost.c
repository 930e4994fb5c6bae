/* check_tcp_lost.c — TCP segments one capture shows sent and another never shows
 * arriving: the "lost" count of tcp.retransmissions across two vantage points. */
#include "checks_tcp.h"

#include <stdlib.h>
#include <string.h>

/* What identifies a segment on both sides of a link: the sender's ISN is the same in
 * both captures, so relative sequence numbers agree. */
struct seg_key {
	uint32_t rel_seq, len;
	uint8_t synfin;
	bool used;
};

static int key_cmp(const void *a, const void *b)
{
	const struct seg_key *x = a, *y = b;
	if (x->rel_seq != y->rel_seq)
		return x->rel_seq < y->rel_seq ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return (x->synfin > y->synfin) - (x->synfin < y->synfin);
}

static bool carries_something(const struct wc_segment *s)
{
	return s->len > 0 || (s->flags & (WC_TH_SYN | WC_TH_FIN));
}

static struct seg_key key_of(const struct wc_segment *s)
{
	return (struct seg_key){s->rel_seq, s->len, (uint8_t)(s->flags & (WC_TH_SYN | WC_TH_FIN)), false};
}

static bool same_endpoint(const struct wc_tcp_side *a, const struct wc_tcp_side *b)
{
	return a->port == b->port && wc_addr_eq(&a->addr, &b->addr);
}

/* The receiver's record of connection c: same endpoints, and the same ISN where both
 * saw the SYN (a reused tuple is another connection). */
static const struct wc_tcp_conn *find_peer_conn(const struct wc_view *rv, const struct wc_tcp_conn *c)
{
	for (size_t i = 0; i < rv->tcp_count; i++) {
		const struct wc_tcp_conn *k = &rv->tcp[i];
		int o = same_endpoint(&k->side[0], &c->side[0]) && same_endpoint(&k->side[1], &c->side[1]) ? 0
		        : same_endpoint(&k->side[1], &c->side[0]) && same_endpoint(&k->side[0], &c->side[1]) ? 1
		                                                                                          : -1;
		if (o < 0)
			continue;
		if (c->side[0].syn_seen && k->side[o].syn_seen && k->side[o].isn != c->side[0].isn)
			continue;
		return k;
	}
	return NULL;
}

size_t wc_tcp_lost_segments(const struct wc_view *sv, const struct wc_view *rv, const struct wc_tcp_conn *c,
                            int s, double from, double to, struct wc_result *r)
{
	const struct wc_tcp_conn *k = find_peer_conn(rv, c);
	/* The same sender in the receiver's record, and the direction index of its segments. */
	int ks = k && same_endpoint(&k->side[0], &c->side[s]) ? 0 : 1;
	size_t nk = 0, lost = 0;
	struct seg_key *keys = NULL;
	if (k && k->seg_count) {
		keys = malloc(k->seg_count * sizeof *keys);
		if (!keys)
			return 0;
		for (size_t j = 0; j < k->seg_count; j++)
			if (k->segs[j].dir == ks && carries_something(&k->segs[j]))
				keys[nk++] = key_of(&k->segs[j]);
		qsort(keys, nk, sizeof *keys, key_cmp);
	}
	/* In the sender's order: each arrival accounts for one copy sent; the copies left
	 * over are the earliest ones, those sent into the cut rather than their resends. */
	for (size_t j = 0; j < c->seg_count; j++) {
		const struct wc_segment *g = &c->segs[j];
		if (g->dir != s || !carries_something(g))
			continue;
		struct seg_key want = key_of(g);
		struct seg_key *hit = nk ? bsearch(&want, keys, nk, sizeof *keys, key_cmp) : NULL;
		if (hit) {
			while (hit > keys && key_cmp(hit - 1, &want) == 0)
				hit--;
			while (hit < keys + nk && key_cmp(hit, &want) == 0 && hit->used)
				hit++;
			if (hit < keys + nk && key_cmp(hit, &want) == 0) {
				hit->used = true;
				continue;
			}
		}
		double t = wc_view_secs(sv, g->ts_ns);
		if (t < from || (to >= 0 && t > to))
			continue;
		lost++;
		wc_tcp_evidence(r, g->frame);
	}
	free(keys);
	return lost;
}
