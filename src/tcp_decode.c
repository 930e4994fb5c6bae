/* tcp_decode.c — TCP header, options, payload bounds and checksum. */
#include "checksum.h"
#include "decode_layers.h"

/* Options with a fixed size (RFC 9293, 7323, 2018) must have exactly that length. */
static bool option(struct wc_tcp *t, uint8_t kind, uint8_t len, struct wc_cursor *body)
{
	switch (kind) {
	case 2:
		t->has_mss = len == 4 && wc_cur_be16(body, &t->mss);
		return t->has_mss;
	case 3:
		t->has_wscale = len == 3 && wc_cur_u8(body, &t->wscale);
		return t->has_wscale;
	case 4:
		t->sack_perm = len == 2;
		return t->sack_perm;
	case 5:
		if (len < 10 || (len - 2) % 8 != 0)
			return false;
		t->sack_count = 0;
		while (t->sack_count < WC_TCP_MAX_SACK && wc_cur_be32(body, &t->sack[t->sack_count][0]) &&
		       wc_cur_be32(body, &t->sack[t->sack_count][1]))
			t->sack_count++;
		return true;
	case 8:
		t->has_ts = len == 10 && wc_cur_be32(body, &t->tsval) && wc_cur_be32(body, &t->tsecr);
		return t->has_ts;
	default:
		return true;
	}
}

static bool parse_options(struct wc_tcp *t, struct wc_cursor *opts)
{
	uint8_t kind, len;
	while (wc_cur_u8(opts, &kind)) {
		if (kind == 0)
			break;
		if (kind == 1)
			continue;
		struct wc_cursor body;
		if (!wc_cur_u8(opts, &len) || len < 2 || !wc_cur_sub(opts, (size_t)len - 2, &body))
			return false;
		if (!option(t, kind, len, &body))
			return false;
	}
	return true;
}

void wc_decode_tcp(struct wc_packet *pkt, const struct wc_l4_in *in)
{
	struct wc_tcp *t = &pkt->u.tcp;
	struct wc_cursor c = in->seg;
	const uint8_t *start = wc_cur_ptr(&c);
	uint32_t caplen = (uint32_t)wc_cur_left(&c);
	uint8_t off = 0;
	pkt->l4 = WC_L4_TCP;
	if (caplen < 20) {
		if (wc_l4_short(pkt, in, 20, WC_ANOM_TCP_TRUNCATED, WC_ANOM_TCP_HLEN_EXCEEDS_SEGMENT))
			t->csum = WC_CSUM_UNVERIFIABLE;
		return;
	}
	wc_cur_be16(&c, &t->sport);
	wc_cur_be16(&c, &t->dport);
	wc_cur_be32(&c, &t->seq);
	wc_cur_be32(&c, &t->ack);
	wc_cur_u8(&c, &off);
	wc_cur_u8(&c, &t->flags);
	wc_cur_be16(&c, &t->window);
	wc_cur_be16(&c, &t->csum_value);
	wc_cur_be16(&c, &t->urgent);
	t->hdr_len = (uint8_t)((off >> 4) * 4);
	if (t->hdr_len < 20) {
		wc_packet_anomaly(pkt, WC_ANOM_TCP_HLEN_TOO_SMALL);
		return;
	}
	if (t->hdr_len > in->len) {
		wc_packet_anomaly(pkt, WC_ANOM_TCP_HLEN_EXCEEDS_SEGMENT);
		return;
	}
	struct wc_cursor opts;
	if (!wc_cur_sub(&c, (size_t)t->hdr_len - 20, &opts)) {
		if (wc_l4_short(pkt, in, t->hdr_len, WC_ANOM_TCP_TRUNCATED, WC_ANOM_TCP_HLEN_EXCEEDS_SEGMENT))
			t->csum = WC_CSUM_UNVERIFIABLE;
		return;
	}
	if (!parse_options(t, &opts))
		wc_packet_anomaly(pkt, WC_ANOM_TCP_OPT_MALFORMED);
	t->payload = wc_cur_ptr(&c);
	t->payload_len = in->len - t->hdr_len;
	t->payload_caplen = (uint32_t)wc_cur_left(&c);
	t->csum = wc_csum_classify(in->src, in->dst, 6, start, caplen, in->len, 16, 1, 0);
}
