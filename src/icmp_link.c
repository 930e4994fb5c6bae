/* icmp_link.c — an ICMP error tied to the TCP connection or UDP datagram it quotes. */
#include "flow_internal.h"

/* How far back a flow's records are searched for the quoted packet: an error answers
 * something sent moments before, and a flood of errors must stay cheap. */
#define SEARCH_BACK 256

static void count(uint32_t *errors, uint64_t *first, const struct wc_icmp_event *ev)
{
	if ((*errors)++ == 0)
		*first = ev->frame;
}

void wc_icmp_link_tcp(struct wc_tcp_track *t, struct wc_icmp_event *ev)
{
	const struct wc_icmp_quote *q = &ev->quote;
	struct wc_tcp_conn *c = &t->c;
	int dir = wc_tcp_side_of(t, &q->ip.src, q->sport);
	const struct wc_tcp_dir *d = &t->d[dir];
	ev->flow_kind = WC_FLOW_TCP;
	ev->flow_id = c->id;
	ev->quoted_frame = 0;
	if (!q->has_tcp_seq) {
		ev->quoted_frame = d->last_frame;
	} else if (c->segs) {
		uint32_t rel = q->tcp_seq - d->base;
		for (size_t i = c->seg_count, seen = 0; i-- > 0 && seen < SEARCH_BACK; seen++) {
			if (c->segs[i].dir == dir && c->segs[i].rel_seq == rel) {
				ev->quoted_frame = c->segs[i].frame;
				break;
			}
		}
	} else if (d->last_frame && d->last_seq == q->tcp_seq) {
		ev->quoted_frame = d->last_frame;
	}
	count(&c->icmp_errors, &c->first_icmp_frame, ev);
}

static bool same_len(const struct wc_datagram *d, const struct wc_icmp_quote *q)
{
	return d->len + 8 == q->udp_len;
}

/* The quoted datagram is the most recent one sent that way whose length and checksum
 * the quote repeats; failing the checksum (rewritten on the way), the most recent of
 * that length; failing that (no UDP header quoted), the most recent that way. */
static const struct wc_datagram *quoted_datagram(const struct wc_udp_track *u, int dir,
                                                 const struct wc_icmp_quote *q)
{
	const struct wc_udp_flow *f = &u->f;
	if (!u->last_set[dir])
		return NULL;
	const struct wc_datagram *last = &u->last[dir];
	if (!q->has_udp_len || (same_len(last, q) && last->csum_value == q->udp_csum))
		return last;
	const struct wc_datagram *by_len = same_len(last, q) ? last : NULL;
	for (size_t i = f->list_count, seen = 0; i-- > 0 && seen < SEARCH_BACK; seen++) {
		const struct wc_datagram *d = &f->list[i];
		if (d->dir != dir || !same_len(d, q))
			continue;
		if (d->csum_value == q->udp_csum)
			return d;
		if (!by_len)
			by_len = d;
	}
	return by_len;
}

void wc_icmp_link_udp(struct wc_udp_track *u, struct wc_icmp_event *ev)
{
	const struct wc_icmp_quote *q = &ev->quote;
	struct wc_udp_flow *f = &u->f;
	int dir = q->sport == f->port[0] && wc_addr_eq(&q->ip.src, &f->addr[0]) ? 0 : 1;
	const struct wc_datagram *d = quoted_datagram(u, dir, q);
	ev->flow_kind = WC_FLOW_UDP;
	ev->flow_id = f->id;
	ev->quoted_frame = d ? d->frame : 0;
	count(&f->icmp_errors, &f->first_icmp_frame, ev);
	bool port_unreachable = ev->version == 4 ? ev->type == 3 && ev->code == 3 : ev->type == 1 && ev->code == 4;
	if (port_unreachable)
		u->refused_dir = (int8_t)dir;
}
