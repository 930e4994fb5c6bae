/* udp_decode.c — UDP header, length checks against IP, payload bounds and checksum. */
#include "checksum.h"
#include "decode_layers.h"

void wc_decode_udp(struct wc_packet *pkt, const struct wc_l4_in *in)
{
	struct wc_udp *u = &pkt->u.udp;
	struct wc_cursor c = in->seg;
	const uint8_t *start = wc_cur_ptr(&c);
	pkt->l4 = WC_L4_UDP;
	if (wc_cur_left(&c) < 8) {
		/* a whole datagram too short for the header: no length field can fit it */
		if (wc_l4_short(pkt, in, 8, WC_ANOM_UDP_TRUNCATED, WC_ANOM_UDP_LEN_EXCEEDS_IP))
			u->csum = WC_CSUM_UNVERIFIABLE;
		return;
	}
	wc_cur_be16(&c, &u->sport);
	wc_cur_be16(&c, &u->dport);
	wc_cur_be16(&c, &u->len);
	wc_cur_be16(&c, &u->csum_value);
	if (u->len < 8) {
		wc_packet_anomaly(pkt, WC_ANOM_UDP_LEN_TOO_SMALL);
		return;
	}
	if (u->len > in->len) {
		wc_packet_anomaly(pkt, WC_ANOM_UDP_LEN_EXCEEDS_IP);
		return;
	}
	if (u->len < in->len)
		wc_packet_anomaly(pkt, WC_ANOM_UDP_LEN_SHORTER_THAN_IP);
	/* the UDP length bounds the payload; bytes after it belong to nobody */
	wc_cur_clamp(&c, (size_t)u->len - 8);
	u->payload = wc_cur_ptr(&c);
	u->payload_len = u->len - 8u;
	u->payload_caplen = (uint32_t)wc_cur_left(&c);
	u->csum = wc_csum_classify(in->src, in->dst, 17, start, u->payload_caplen + 8, u->len, 6, 1,
	                           in->src->family == 4);
}
