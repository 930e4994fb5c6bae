/* packet.h — one decoded frame: what every later stage (flows, checks, reports) reads.
 *
 * Filled by wc_decode() (decode.h). Plain data with no owned memory: pointers into the
 * frame (or into a reassembly buffer of the decoder) stay valid until the next
 * wc_decode() call on the same decoder. Fields of a layer are meaningful only when the
 * layer is present (net / l4 say which).
 *
 * Lengths come in pairs: `*_len` is what the headers declare (what was on the wire),
 * `*_caplen` what the capture holds. They differ when the snapshot length cut the frame;
 * checks that compare sizes use *_len, checks that look at bytes use *_caplen.
 */
#ifndef WC_PACKET_H
#define WC_PACKET_H

#include <stdbool.h>
#include <stdint.h>

#include "anomaly.h"
#include "capture.h"

/* ---- addresses ------------------------------------------------------------ */

struct wc_addr {
	uint8_t family;    /* 4 or 6; 0 = none */
	uint8_t bytes[16]; /* IPv4 uses the first 4 */
};

/* "192.0.2.1" / "2001:db8::1"; buf of at least WC_ADDR_STRLEN. Returns buf. */
#define WC_ADDR_STRLEN 46
char *wc_addr_str(const struct wc_addr *a, char *buf);
bool wc_addr_eq(const struct wc_addr *a, const struct wc_addr *b);

/* ---- checksum outcomes ---------------------------------------------------- */

enum wc_csum {
	WC_CSUM_NONE = 0,     /* layer has no checksum or it was not looked at */
	WC_CSUM_OK,
	WC_CSUM_BAD,
	WC_CSUM_ZERO,         /* UDP over IPv4 with the checksum disabled (field 0) */
	WC_CSUM_PARTIAL,      /* transmit offload: the field holds only the pseudo-header
	                         sum (every TCP/UDP packet captured on lo); IPv4 header
	                         checksum stored as 0 by offload */
	WC_CSUM_UNVERIFIABLE, /* the snapshot length cut bytes the checksum covers */
	WC_CSUM__COUNT
};
const char *wc_csum_name(enum wc_csum c); /* "ok", "bad", "zero", "partial", "unverifiable", "none" */

/* ---- network layer -------------------------------------------------------- */

enum wc_net { WC_NET_NONE = 0, WC_NET_IPV4, WC_NET_IPV6, WC_NET_OTHER };

struct wc_ip {
	uint8_t version;         /* 4 or 6 */
	struct wc_addr src, dst;
	uint8_t proto;           /* transport protocol: IPv4 protocol / last IPv6 next header */
	uint8_t ttl;             /* TTL or hop limit */
	uint8_t tos;             /* TOS / traffic class */
	uint32_t flow_label;     /* IPv6 */
	uint16_t id;             /* IPv4 identification (IPv6: low 16 bits of the fragment id) */
	bool df;                 /* IPv4 don't-fragment */
	uint16_t hdr_len;        /* IPv4 IHL*4; IPv6 40 + extension headers */
	uint32_t total_len;      /* declared length of header + payload (reassembled: whole datagram) */
	uint8_t opt_count;       /* IPv4 options / IPv6 extension headers seen */
	enum wc_csum hdr_csum;   /* IPv4 header checksum outcome */
	uint16_t hdr_csum_value; /* as stored */
	/* fragments */
	bool is_fragment;        /* this frame carried a fragment (first, middle or last) */
	uint32_t frag_offset;    /* bytes */
	bool more_fragments;
	bool reassembled;        /* the transport fields below are of the whole datagram,
	                            completed by this frame */
	uint64_t frag_first_frame; /* when reassembled: frame of the first fragment */
	uint16_t frag_count;       /* when reassembled: fragments that made it */
};

/* ---- transport layer ------------------------------------------------------ */

enum wc_l4 { WC_L4_NONE = 0, WC_L4_TCP, WC_L4_UDP, WC_L4_ICMP, WC_L4_ICMPV6, WC_L4_OTHER };

/* TCP flag bits, as in the header's low byte (plus ECE/CWR). */
#define WC_TH_FIN 0x01
#define WC_TH_SYN 0x02
#define WC_TH_RST 0x04
#define WC_TH_PSH 0x08
#define WC_TH_ACK 0x10
#define WC_TH_URG 0x20
#define WC_TH_ECE 0x40
#define WC_TH_CWR 0x80

#define WC_TCP_MAX_SACK 4

struct wc_tcp {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint8_t hdr_len;         /* data offset * 4 */
	uint16_t window;         /* raw, unscaled */
	uint16_t urgent;
	uint16_t csum_value;
	enum wc_csum csum;
	/* options */
	bool has_mss;      uint16_t mss;
	bool has_wscale;   uint8_t wscale;
	bool sack_perm;
	uint8_t sack_count;      /* SACK blocks (left, right edges) */
	uint32_t sack[WC_TCP_MAX_SACK][2];
	bool has_ts;       uint32_t tsval, tsecr;
	/* payload */
	const uint8_t *payload;
	uint32_t payload_len;    /* declared by IP lengths */
	uint32_t payload_caplen; /* bytes present at payload */
};

struct wc_udp {
	uint16_t sport, dport;
	uint16_t len;            /* UDP length field */
	uint16_t csum_value;
	enum wc_csum csum;
	const uint8_t *payload;
	uint32_t payload_len;    /* len - 8 when consistent */
	uint32_t payload_caplen;
};

/* The packet an ICMP/ICMPv6 error quotes: the original datagram's header and the
 * start of its transport header, as far as the quote reaches. */
struct wc_icmp_quote {
	bool present;            /* a quoted IP header was parsed */
	struct wc_ip ip;         /* its header (addresses are the original sender's view) */
	bool has_ports;          /* the first 4 bytes of the transport header were quoted */
	uint16_t sport, dport;
	bool has_tcp_seq;        /* TCP: 8 bytes quoted */
	uint32_t tcp_seq;
	bool has_udp_len;        /* UDP: 8 bytes quoted */
	uint16_t udp_len, udp_csum;
	uint32_t quoted_len;     /* bytes of the original packet present in the quote */
};

struct wc_icmp {
	uint8_t version;         /* 4 = ICMP, 6 = ICMPv6 */
	uint8_t type, code;
	uint16_t csum_value;
	enum wc_csum csum;
	bool is_error;           /* destination unreachable, time exceeded, parameter
	                            problem, packet too big, (v4) source quench / redirect */
	uint16_t echo_id, echo_seq; /* echo request/reply */
	uint32_t mtu;            /* frag-needed (v4) / packet too big (v6) */
	struct wc_icmp_quote quote; /* meaningful when is_error */
	uint32_t payload_len;    /* ICMP message length after the 8-byte header */
};

/* ---- the packet ----------------------------------------------------------- */

#define WC_PKT_MAX_ANOMALIES 4

struct wc_packet {
	const struct wc_frame *frame;

	/* link */
	int linktype;
	uint16_t ethertype;      /* network protocol as an ethertype (0x0800, 0x86dd, …) */
	uint8_t vlan_count;
	uint16_t vlan[2];        /* 802.1Q VLAN ids, outermost first */

	enum wc_net net;
	struct wc_ip ip;

	enum wc_l4 l4;
	union {
		struct wc_tcp tcp;
		struct wc_udp udp;
		struct wc_icmp icmp;
	} u;

	/* anomalies found in this frame, in the order found (first WC_PKT_MAX_ANOMALIES;
	 * anomaly_count says how many there were in all) */
	uint8_t anomaly_count;
	enum wc_anomaly anomalies[WC_PKT_MAX_ANOMALIES];
	bool truncated;          /* at least one TRUNCATED anomaly */
	bool malformed;          /* at least one MALFORMED anomaly */
};

/* Record an anomaly on the packet (sets truncated / malformed from its kind). */
void wc_packet_anomaly(struct wc_packet *pkt, enum wc_anomaly a);

#endif
