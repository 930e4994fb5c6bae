/* explain_words.c — the words explain uses for states, resets, ICMP messages and flags. */
#include "explain_format.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

const char *wc_x_rst_text(enum wc_rst_context c, uint16_t port, char *buf)
{
	switch (c) {
	case WC_RST_REFUSED:
		snprintf(buf, WC_X_RST_STRLEN, "refused: nothing listening on port %u", port);
		return buf;
	case WC_RST_IN_HANDSHAKE:
		return "reset during the handshake, before it completed";
	case WC_RST_IN_DATA:
		return "reset during data transfer, after the sender's own data: an abortive close "
		       "(for example SO_LINGER with timeout 0)";
	case WC_RST_UNREAD_DATA:
		return "reset by a side that received data and never answered: a socket closed with "
		       "the data unread sends RST instead of FIN";
	case WC_RST_AFTER_FIN:
		return "reset after a FIN: the side had closed and data still arrived (for example a "
		       "killed server), or it aborted after the other side's FIN";
	case WC_RST_NO_CONNECTION:
		return "reset of a connection whose opening the capture never showed";
	case WC_RST_NONE:
		break;
	}
	return "reset";
}

const char *wc_x_conn_state_meaning(const char *cs)
{
	static const struct { const char *state, *meaning; } rows[] = {
		{"S0", "connection attempt seen, no reply"},
		{"S1", "established, not terminated"},
		{"SF", "normal establishment and termination"},
		{"REJ", "connection attempt rejected"},
		{"S2", "established, the client's close attempt seen but no reply from the server"},
		{"S3", "established, the server's close attempt seen but no reply from the client"},
		{"RSTO", "established, the client aborted (sent a RST)"},
		{"RSTR", "established, the server aborted (sent a RST)"},
		{"RSTOS0", "the client sent a SYN and then a RST; no SYN-ACK seen"},
		{"RSTRH", "the server sent a SYN-ACK and then a RST; no SYN seen"},
		{"SH", "the client sent a SYN and then a FIN; no SYN-ACK seen (half open)"},
		{"SHR", "the server sent a SYN-ACK and then a FIN; no SYN seen"},
		{"OTH", "no SYN seen: traffic from the middle of a connection"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (strcmp(rows[i].state, cs) == 0)
			return rows[i].meaning;
	return "unknown state";
}

const char *wc_x_history_letter(char c)
{
	switch (toupper((unsigned char)c)) {
	case 'S': return "SYN";
	case 'H': return "SYN-ACK";
	case 'A': return "ACK";
	case 'D': return "data";
	case 'F': return "FIN";
	case 'R': return "RST";
	case 'C': return "bad checksum";
	case 'G': return "content gap";
	case 'T': return "retransmission";
	case 'W': return "zero window";
	case 'I': return "inconsistent packet";
	case 'Q': return "multi-flag packet (SYN with FIN or RST)";
	case '^': return "direction flipped";
	}
	return NULL;
}

const char *wc_x_icmp_type(uint8_t version, uint8_t type)
{
	if (version == 4) {
		switch (type) {
		case 0: return "echo reply";
		case 3: return "destination unreachable";
		case 4: return "source quench";
		case 5: return "redirect";
		case 8: return "echo request";
		case 11: return "time exceeded";
		case 12: return "parameter problem";
		}
		return "";
	}
	switch (type) {
	case 1: return "destination unreachable";
	case 2: return "packet too big";
	case 3: return "time exceeded";
	case 4: return "parameter problem";
	case 128: return "echo request";
	case 129: return "echo reply";
	case 133: return "router solicitation";
	case 134: return "router advertisement";
	case 135: return "neighbor solicitation";
	case 136: return "neighbor advertisement";
	case 137: return "redirect";
	}
	return "";
}

const char *wc_x_icmp_code(uint8_t version, uint8_t type, uint8_t code)
{
	static const char *const unreach4[] = {
		"network unreachable", "host unreachable", "protocol unreachable",
		"port unreachable", "fragmentation needed and DF set", "source route failed",
		"destination network unknown", "destination host unknown", "source host isolated",
		"network administratively prohibited", "host administratively prohibited",
		"network unreachable for TOS", "host unreachable for TOS",
		"communication administratively prohibited",
	};
	static const char *const unreach6[] = {
		"no route to destination", "communication administratively prohibited",
		"beyond scope of source address", "address unreachable", "port unreachable",
		"source address failed policy", "reject route to destination",
	};
	if (version == 4 && type == 3 && code < sizeof unreach4 / sizeof unreach4[0])
		return unreach4[code];
	if (version == 4 && type == 11)
		return code == 0 ? "TTL exceeded in transit" : code == 1 ? "fragment reassembly time exceeded" : "";
	if (version == 6 && type == 1 && code < sizeof unreach6 / sizeof unreach6[0])
		return unreach6[code];
	if (version == 6 && type == 3)
		return code == 0 ? "hop limit exceeded in transit" : code == 1 ? "fragment reassembly time exceeded" : "";
	return "";
}

const struct wc_x_note_name wc_x_note_names[] = {
	{WC_TN_RETRANSMISSION, "retransmission", "retransmission"},
	{WC_TN_OUT_OF_ORDER, "out_of_order", "out of order"},
	{WC_TN_KEEPALIVE, "keepalive", "keep-alive"},
	{WC_TN_KEEPALIVE_ACK, "keepalive_ack", "keep-alive ACK"},
	{WC_TN_ZERO_WINDOW, "zero_window", "zero window"},
	{WC_TN_ZERO_WINDOW_PROBE, "zero_window_probe", "zero-window probe"},
	{WC_TN_DUP_ACK, "dup_ack", "duplicate ACK"},
	{WC_TN_WINDOW_UPDATE, "window_update", "window update"},
	{WC_TN_OFFLOAD, "offload", "larger than the MSS (segmentation offload)"},
	{WC_TN_PREV_LOST, "previous_segment_lost", "previous segment not captured"},
	{WC_TN_PORT_REUSE, "port_reuse", "port reused by a new connection"},
	{WC_TN_ACKED_UNSEEN, "acked_unseen", "acknowledges data the capture never showed"},
	{WC_TN_SPURIOUS_RETX, "spurious_retransmission", "spurious retransmission (already acknowledged)"},
};
const size_t wc_x_note_name_count = sizeof wc_x_note_names / sizeof wc_x_note_names[0];

char *wc_x_tcp_flags(uint8_t flags, char *buf)
{
	static const struct { uint8_t bit; char c; } order[] = {
		{WC_TH_SYN, 'S'}, {WC_TH_FIN, 'F'}, {WC_TH_RST, 'R'}, {WC_TH_PSH, 'P'},
		{WC_TH_ACK, 'A'}, {WC_TH_URG, 'U'}, {WC_TH_ECE, 'E'}, {WC_TH_CWR, 'C'},
	};
	size_t n = 0;
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (flags & order[i].bit)
			buf[n++] = order[i].c;
	if (n == 0)
		buf[n++] = '.';
	buf[n] = '\0';
	return buf;
}

void wc_x_seconds(struct wc_outbuf *out, int64_t ns)
{
	/* on the magnitude: a negative remainder would print "-0.-5" */
	uint64_t mag = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	wc_outbuf_decimal(out, ns < 0, mag / 1000u, 6);
}

static unsigned v6_slot(const uint8_t bytes[16])
{
	uint64_t hi, lo;
	memcpy(&hi, bytes, 8);
	memcpy(&lo, bytes + 8, 8);
	uint64_t h = (hi ^ lo) * 0x9e3779b97f4a7c15u;
	return (unsigned)(h >> 58) % WC_XADDR_CACHE;
}

size_t wc_x_addr(const struct wc_xctx *x, const struct wc_addr *a, char *dst)
{
	if (a->family == 4) {
		size_t n = wc_u64_digits(a->bytes[0], dst);
		for (int i = 1; i < 4; i++) {
			dst[n++] = '.';
			n += wc_u64_digits(a->bytes[i], dst + n);
		}
		return n;
	}
	if (a->family != 6 || !x || !x->addrs) {
		wc_addr_str(a, dst);
		return strlen(dst);
	}
	unsigned i = v6_slot(a->bytes);
	struct wc_xaddr_slot *s = &x->addrs->slot[i];
	if (!s->len || memcmp(s->bytes, a->bytes, 16) != 0) {
		wc_addr_str(a, s->text);
		s->len = (uint8_t)strlen(s->text);
		memcpy(s->bytes, a->bytes, 16);
	}
	memcpy(dst, s->text, s->len);
	return s->len;
}
