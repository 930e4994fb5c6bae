/* stats.c — packet-level counts over a capture (see stats.h). */
#include "stats.h"

#include <string.h>

const char *wc_csum_layer_name(enum wc_csum_layer l)
{
	static const char *const names[WC_CK__COUNT] = {"ipv4", "tcp", "udp", "icmp", "icmpv6"};
	return (unsigned)l < WC_CK__COUNT ? names[l] : "unknown";
}

void wc_stats_init(struct wc_stats *s)
{
	memset(s, 0, sizeof *s);
}

static void count_tcp(struct wc_stats *s, const struct wc_tcp *t)
{
	s->tcp++;
	s->csum[WC_CK_TCP][t->csum]++;
	if ((t->flags & (WC_TH_SYN | WC_TH_ACK)) == WC_TH_SYN)
		s->tcp_syn_only++;
	if ((t->flags & (WC_TH_SYN | WC_TH_ACK)) == (WC_TH_SYN | WC_TH_ACK))
		s->tcp_syn_ack++;
	if (t->flags & WC_TH_RST)
		s->tcp_rst++;
	if (t->flags & WC_TH_FIN)
		s->tcp_fin++;
}

static void count_icmp(struct wc_stats *s, const struct wc_icmp *ic)
{
	if (ic->version == 4) {
		s->icmp4++;
		s->csum[WC_CK_ICMP][ic->csum]++;
		if (ic->type == 3) {
			s->icmp4_dest_unreach++;
			if (ic->code == 3)
				s->icmp4_port_unreach++;
		}
	} else {
		s->icmp6++;
		s->csum[WC_CK_ICMPV6][ic->csum]++;
		if (ic->type == 1) {
			s->icmp6_dest_unreach++;
			if (ic->code == 4)
				s->icmp6_port_unreach++;
		}
	}
}

void wc_stats_add(struct wc_stats *s, const struct wc_packet *pkt)
{
	const struct wc_frame *f = pkt->frame;
	if (s->frames == 0 || f->ts_ns < s->first_ts_ns)
		s->first_ts_ns = f->ts_ns;
	if (s->frames == 0 || f->ts_ns > s->last_ts_ns)
		s->last_ts_ns = f->ts_ns;
	s->frames++;
	s->bytes_captured += f->caplen;
	s->bytes_wire += f->len;

	unsigned listed = pkt->anomaly_count < WC_PKT_MAX_ANOMALIES ? pkt->anomaly_count : WC_PKT_MAX_ANOMALIES;
	for (unsigned i = 0; i < listed; i++)
		s->anomalies[pkt->anomalies[i]]++;
	if (pkt->truncated)
		s->truncated_frames++;
	if (pkt->malformed)
		s->malformed_frames++;

	switch (pkt->net) {
	case WC_NET_IPV4:
		s->ipv4++;
		s->csum[WC_CK_IPV4][pkt->ip.hdr_csum]++;
		break;
	case WC_NET_IPV6: s->ipv6++; break;
	case WC_NET_NONE:
	case WC_NET_OTHER: s->non_ip++; return;
	}
	if (pkt->ip.is_fragment)
		s->fragments++;
	if (pkt->ip.reassembled)
		s->reassembled++;

	switch (pkt->l4) {
	case WC_L4_TCP: count_tcp(s, &pkt->u.tcp); break;
	case WC_L4_UDP:
		s->udp++;
		s->csum[WC_CK_UDP][pkt->u.udp.csum]++;
		break;
	case WC_L4_ICMP:
	case WC_L4_ICMPV6: count_icmp(s, &pkt->u.icmp); break;
	case WC_L4_OTHER: s->other_l4++; break;
	case WC_L4_NONE: break;
	}
}

void wc_stats_anomaly(struct wc_stats *s, enum wc_anomaly a)
{
	if ((unsigned)a < WC_ANOM__COUNT)
		s->anomalies[a]++;
}
