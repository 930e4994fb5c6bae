/* flow_helpers.c — hand-built decoded packets fed to a flow table, and copies of the flows it hands back. */
#include "flow_helpers.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static void *dup_bytes(const void *p, size_t n)
{
	if (!p || n == 0)
		return NULL;
	void *d = malloc(n);
	if (d)
		memcpy(d, p, n);
	return d;
}

static void on_tcp(const struct wc_tcp_conn *c, void *arg)
{
	struct fx *x = arg;
	if (x->tcp_done < FX_MAX_KEEP) {
		struct wc_tcp_conn *k = &x->tcp[x->tcp_done];
		*k = *c;
		for (int i = 0; i < 2; i++)
			k->side[i].payload = dup_bytes(c->side[i].payload, c->side[i].payload_kept);
		k->segs = dup_bytes(c->segs, c->seg_count * sizeof c->segs[0]);
	}
	x->tcp_done++;
}

static void on_udp(const struct wc_udp_flow *f, void *arg)
{
	struct fx *x = arg;
	if (x->udp_done < FX_MAX_KEEP) {
		struct wc_udp_flow *k = &x->udp[x->udp_done];
		*k = *f;
		k->list = dup_bytes(f->list, f->list_count * sizeof f->list[0]);
	}
	x->udp_done++;
}

static void on_icmp(const struct wc_icmp_event *e, void *arg)
{
	struct fx *x = arg;
	if (x->icmp_seen < FX_MAX_KEEP)
		x->icmp[x->icmp_seen] = *e;
	x->icmp_seen++;
}

void fx_init(struct fx *x)
{
	memset(x, 0, sizeof *x);
	x->ts = 1700000000LL * 1000000000LL;
	x->step_ns = 1000000;
	x->opts.payload_cap = 64;
	x->opts.keep_segments = true;
	x->opts.on_tcp_done = on_tcp;
	x->opts.on_udp_done = on_udp;
	x->opts.on_icmp = on_icmp;
	x->opts.arg = x;
}

void fx_start(struct fx *x)
{
	x->ft = wc_flows_new(&x->opts, NULL);
}

void fx_finish(struct fx *x)
{
	wc_flows_finish(x->ft);
}

void fx_free(struct fx *x)
{
	wc_flows_free(x->ft);
	x->ft = NULL;
	size_t nt = x->tcp_done < FX_MAX_KEEP ? x->tcp_done : FX_MAX_KEEP;
	for (size_t i = 0; i < nt; i++) {
		free(x->tcp[i].side[0].payload);
		free(x->tcp[i].side[1].payload);
		free(x->tcp[i].segs);
	}
	size_t nu = x->udp_done < FX_MAX_KEEP ? x->udp_done : FX_MAX_KEEP;
	for (size_t i = 0; i < nu; i++)
		free(x->udp[i].list);
}

const struct wc_tcp_conn *fx_tcp(const struct fx *x, uint32_t id)
{
	size_t nt = x->tcp_done < FX_MAX_KEEP ? x->tcp_done : FX_MAX_KEEP;
	for (size_t i = 0; i < nt; i++)
		if (x->tcp[i].id == id)
			return &x->tcp[i];
	return NULL;
}

void fx_addr(struct wc_addr *a, const char *text)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, text, a->bytes) == 1)
		a->family = 4;
	else if (inet_pton(AF_INET6, text, a->bytes) == 1)
		a->family = 6;
}

/* Feed one packet: frame number and time advance, the note is kept in x. */
static const struct wc_pkt_note *feed(struct fx *x, struct wc_packet *p, uint32_t len)
{
	static struct wc_frame frame;
	memset(&frame, 0, sizeof frame);
	frame.number = ++x->frame;
	frame.ts_ns = x->ts;
	frame.caplen = frame.len = len;
	frame.linktype = 101;
	p->frame = &frame;
	p->linktype = 101;
	wc_flows_add(x->ft, p, &x->note);
	x->ts += x->step_ns;
	return &x->note;
}

static void ip_header(struct wc_packet *p, const struct wc_addr *src, const struct wc_addr *dst,
                      uint8_t proto, uint32_t l4len)
{
	p->net = src->family == 6 ? WC_NET_IPV6 : WC_NET_IPV4;
	p->ethertype = src->family == 6 ? 0x86dd : 0x0800;
	p->ip.version = src->family;
	p->ip.src = *src;
	p->ip.dst = *dst;
	p->ip.proto = proto;
	p->ip.ttl = 64;
	p->ip.hdr_len = src->family == 6 ? 40 : 20;
	p->ip.total_len = p->ip.hdr_len + l4len;
	p->ip.hdr_csum = src->family == 6 ? WC_CSUM_NONE : WC_CSUM_OK;
}

void tc_init(struct tc *c, struct fx *x, const char *a0, uint16_t p0, const char *a1, uint16_t p1)
{
	memset(c, 0, sizeof *c);
	c->x = x;
	fx_addr(&c->addr[0], a0);
	fx_addr(&c->addr[1], a1);
	c->port[0] = p0;
	c->port[1] = p1;
	c->win = 65535;
	c->wscale = -1;
	c->csum = WC_CSUM_OK;
}

const struct wc_pkt_note *tc_send(struct tc *c, int from, uint8_t flags, uint32_t seq, uint32_t ack,
                                  const char *payload, uint32_t len)
{
	struct wc_packet p;
	memset(&p, 0, sizeof p);
	ip_header(&p, &c->addr[from], &c->addr[1 - from], 6, 20 + len);
	p.l4 = WC_L4_TCP;
	struct wc_tcp *t = &p.u.tcp;
	t->sport = c->port[from];
	t->dport = c->port[1 - from];
	t->seq = seq;
	t->ack = ack;
	t->flags = flags;
	t->hdr_len = 20;
	t->window = c->win;
	t->csum = c->csum;
	t->has_mss = c->mss != 0;
	t->mss = c->mss;
	t->has_wscale = c->wscale >= 0;
	t->wscale = (uint8_t)(c->wscale >= 0 ? c->wscale : 0);
	t->payload = (const uint8_t *)payload;
	t->payload_len = len;
	t->payload_caplen = payload ? len : 0;
	c->win = 65535;
	c->mss = 0;
	c->wscale = -1;
	c->csum = WC_CSUM_OK;
	return feed(c->x, &p, 54 + len);
}

const struct wc_pkt_note *fx_udp(struct fx *x, const char *src, uint16_t sport, const char *dst,
                                 uint16_t dport, const char *payload, uint32_t len, uint16_t csum_value)
{
	struct wc_packet p;
	struct wc_addr s, d;
	memset(&p, 0, sizeof p);
	fx_addr(&s, src);
	fx_addr(&d, dst);
	ip_header(&p, &s, &d, 17, 8 + len);
	p.l4 = WC_L4_UDP;
	p.u.udp.sport = sport;
	p.u.udp.dport = dport;
	p.u.udp.len = (uint16_t)(8 + len);
	p.u.udp.csum_value = csum_value;
	p.u.udp.csum = csum_value ? WC_CSUM_OK : WC_CSUM_ZERO;
	p.u.udp.payload = (const uint8_t *)payload;
	p.u.udp.payload_len = len;
	p.u.udp.payload_caplen = len;
	return feed(x, &p, 42 + len);
}

/* An IPv4 destination unreachable whose quote the caller completes. */
static const struct wc_pkt_note *icmp_error(struct fx *x, const char *from, const char *to, uint8_t code,
                                            struct wc_icmp_quote *q)
{
	struct wc_packet p;
	struct wc_addr f, t;
	memset(&p, 0, sizeof p);
	fx_addr(&f, from);
	fx_addr(&t, to);
	ip_header(&p, &f, &t, 1, 8 + 28);
	p.l4 = WC_L4_ICMP;
	struct wc_icmp *ic = &p.u.icmp;
	ic->version = 4;
	ic->type = 3;
	ic->code = code;
	ic->csum = WC_CSUM_OK;
	ic->is_error = true;
	ic->payload_len = 28;
	ic->quote = *q;
	return feed(x, &p, 14 + 20 + 36);
}

static void quote_ip(struct wc_icmp_quote *q, uint8_t proto, const char *src, uint16_t sport, const char *dst,
                     uint16_t dport, uint32_t l4len)
{
	memset(q, 0, sizeof *q);
	q->present = true;
	fx_addr(&q->ip.src, src);
	fx_addr(&q->ip.dst, dst);
	q->ip.version = 4;
	q->ip.proto = proto;
	q->ip.hdr_len = 20;
	q->ip.total_len = 20 + l4len;
	q->has_ports = true;
	q->sport = sport;
	q->dport = dport;
	q->quoted_len = 28;
}

const struct wc_pkt_note *fx_icmp_tcp(struct fx *x, const char *from, const char *to, uint8_t code, const char *src,
                                      uint16_t sport, const char *dst, uint16_t dport, uint32_t seq)
{
	struct wc_icmp_quote q;
	quote_ip(&q, 6, src, sport, dst, dport, 20);
	q.has_tcp_seq = true;
	q.tcp_seq = seq;
	return icmp_error(x, from, to, code, &q);
}

const struct wc_pkt_note *fx_icmp_unreach(struct fx *x, const char *from, const char *to, const char *src,
                                          uint16_t sport, const char *dst, uint16_t dport, uint16_t udp_len,
                                          uint16_t udp_csum)
{
	struct wc_icmp_quote q;
	quote_ip(&q, 17, src, sport, dst, dport, udp_len);
	q.has_udp_len = true;
	q.udp_len = udp_len;
	q.udp_csum = udp_csum;
	return icmp_error(x, from, to, 3, &q);
}
