/* stats.h — packet-level counts over a whole capture.
 *
 * Counted from decoded packets alone (no flow state): what tshark would count with the
 * same display filter, so the test suite can compare with tshark-computed truth.
 * Transport counts are of the outermost transport only: a header quoted inside an ICMP
 * error is not a packet of its own. A reassembled datagram counts once, at the frame
 * that completed it.
 */
#ifndef WC_STATS_H
#define WC_STATS_H

#include <stdint.h>

#include "packet.h"

/* Which checksum a row of wc_stats.csum counts. */
enum wc_csum_layer { WC_CK_IPV4 = 0, WC_CK_TCP, WC_CK_UDP, WC_CK_ICMP, WC_CK_ICMPV6, WC_CK__COUNT };
const char *wc_csum_layer_name(enum wc_csum_layer l); /* "ipv4", "tcp", "udp", "icmp", "icmpv6" */

struct wc_stats {
	uint64_t frames, bytes_captured, bytes_wire;
	int64_t first_ts_ns, last_ts_ns;
	uint64_t ipv4, ipv6, non_ip, fragments, reassembled;
	uint64_t tcp, udp, icmp4, icmp6, other_l4;
	uint64_t tcp_syn_only, tcp_syn_ack, tcp_rst, tcp_fin;
	uint64_t icmp4_dest_unreach, icmp4_port_unreach, icmp6_dest_unreach, icmp6_port_unreach;
	uint64_t csum[WC_CK__COUNT][WC_CSUM__COUNT];
	uint64_t anomalies[WC_ANOM__COUNT];
	uint64_t truncated_frames, malformed_frames;
};

void wc_stats_init(struct wc_stats *s);
void wc_stats_add(struct wc_stats *s, const struct wc_packet *pkt);
/* An anomaly found outside any one packet (fragments never completed, container). */
void wc_stats_anomaly(struct wc_stats *s, enum wc_anomaly a);

#endif
