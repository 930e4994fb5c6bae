/* anomaly.h — named packet and capture anomalies, one table for the whole program.
 *
 * An anomaly is data, not an error: it is attached to the frame it was found in and
 * decoding goes on. Each has a stable dotted name ("ipv4.hlen_too_small") that reports,
 * JSON output and scenario files refer to, and a kind:
 *   TRUNCATED  the snapshot length cut the frame before the bytes a header needs
 *              (caplen < wire length); nothing is wrong with the packet itself;
 *   MALFORMED  a field lies: a length or offset points past what was on the wire;
 *   NOTE       valid but not analysed (unknown link type, fragments never completed).
 * Names and kinds never change once released: add new ones at the end of a layer's list.
 */
#ifndef WC_ANOMALY_H
#define WC_ANOMALY_H

#include <stdint.h>

enum wc_anomaly_kind { WC_AK_TRUNCATED, WC_AK_MALFORMED, WC_AK_NOTE };

/* X(ENUM, "name", KIND, "plain-language description") */
#define WC_ANOMALY_TABLE(X) \
	X(FRAME_CAPLEN_GT_LEN,     "frame.caplen_gt_len",     MALFORMED, "captured length is larger than the frame's wire length") \
	X(CAPTURE_READ_ERROR,      "capture.read_error",      MALFORMED, "the capture file could not be read past this point") \
	X(PCAPNG_BAD_BLOCK,        "pcapng.bad_block",        MALFORMED, "a pcapng block's length fields are inconsistent") \
	X(PCAPNG_TRUNCATED_BLOCK,  "pcapng.truncated_block",  TRUNCATED, "the file ends in the middle of a pcapng block") \
	X(PCAPNG_UNKNOWN_IFACE,    "pcapng.unknown_interface", MALFORMED, "a packet names an interface that was never described") \
	X(LINK_UNSUPPORTED,        "link.unsupported",        NOTE,      "link-layer type not decoded") \
	X(LINK_TRUNCATED,          "link.truncated",          TRUNCATED, "link-layer header cut short by the snapshot length") \
	X(LINK_MALFORMED,          "link.malformed",          MALFORMED, "link-layer header shorter than its type requires") \
	X(NULL_UNKNOWN_FAMILY,     "null.unknown_family",     NOTE,      "BSD loopback address family not recognised") \
	X(IPV4_TRUNCATED,          "ipv4.truncated",          TRUNCATED, "IPv4 header or payload cut short by the snapshot length") \
	X(IPV4_BAD_VERSION,        "ipv4.bad_version",        MALFORMED, "IPv4 packet whose version field is not 4") \
	X(IPV4_HLEN_TOO_SMALL,     "ipv4.hlen_too_small",     MALFORMED, "IPv4 header length below 20 bytes") \
	X(IPV4_LEN_TOO_SMALL,      "ipv4.len_too_small",      MALFORMED, "IPv4 total length smaller than its header") \
	X(IPV4_LEN_EXCEEDS_FRAME,  "ipv4.len_exceeds_frame",  MALFORMED, "IPv4 total length runs past the end of the frame") \
	X(IPV4_OPT_MALFORMED,      "ipv4.opt_malformed",      MALFORMED, "IPv4 option length runs past the header") \
	X(IPV4_FRAG_OVERLAP,       "ipv4.frag_overlap",       MALFORMED, "IPv4 fragments overlap with different contents") \
	X(IPV4_FRAG_TOO_LARGE,     "ipv4.frag_too_large",     MALFORMED, "IPv4 fragments add up to more than 65535 bytes") \
	X(IPV4_FRAG_INCOMPLETE,    "ipv4.frag_incomplete",    NOTE,      "IPv4 fragments that never formed a whole datagram") \
	X(IPV6_TRUNCATED,          "ipv6.truncated",          TRUNCATED, "IPv6 header or payload cut short by the snapshot length") \
	X(IPV6_BAD_VERSION,        "ipv6.bad_version",        MALFORMED, "IPv6 packet whose version field is not 6") \
	X(IPV6_LEN_EXCEEDS_FRAME,  "ipv6.len_exceeds_frame",  MALFORMED, "IPv6 payload length runs past the end of the frame") \
	X(IPV6_EXTHDR_MALFORMED,   "ipv6.exthdr_malformed",   MALFORMED, "IPv6 extension header length runs past the payload") \
	X(IPV6_FRAG_OVERLAP,       "ipv6.frag_overlap",       MALFORMED, "IPv6 fragments overlap with different contents") \
	X(IPV6_FRAG_INCOMPLETE,    "ipv6.frag_incomplete",    NOTE,      "IPv6 fragments that never formed a whole packet") \
	X(IPV6_FRAG_TOO_LARGE,     "ipv6.frag_too_large",     MALFORMED, "IPv6 fragments add up to more than 65535 bytes") \
	X(TCP_TRUNCATED,           "tcp.truncated",           TRUNCATED, "TCP header cut short by the snapshot length") \
	X(TCP_HLEN_TOO_SMALL,      "tcp.hlen_too_small",      MALFORMED, "TCP data offset below 20 bytes") \
	X(TCP_HLEN_EXCEEDS_SEGMENT,"tcp.hlen_exceeds_segment",MALFORMED, "TCP data offset runs past the end of the segment") \
	X(TCP_OPT_MALFORMED,       "tcp.opt_malformed",       MALFORMED, "TCP option length runs past the header or is invalid") \
	X(UDP_TRUNCATED,           "udp.truncated",           TRUNCATED, "UDP header cut short by the snapshot length") \
	X(UDP_LEN_TOO_SMALL,       "udp.len_too_small",       MALFORMED, "UDP length field below 8 bytes") \
	X(UDP_LEN_EXCEEDS_IP,      "udp.len_exceeds_ip",      MALFORMED, "UDP length field larger than the IP payload") \
	X(UDP_LEN_SHORTER_THAN_IP, "udp.len_shorter_than_ip", NOTE,      "UDP length field smaller than the IP payload: trailing bytes ignored") \
	X(ICMP_TRUNCATED,          "icmp.truncated",          TRUNCATED, "ICMP message cut short by the snapshot length") \
	X(ICMP_QUOTE_MALFORMED,    "icmp.quote_malformed",    MALFORMED, "the packet quoted in an ICMP error is not a valid IP header") \
	X(ICMP_TOO_SHORT,          "icmp.too_short",          MALFORMED, "ICMP message shorter than its 8-byte header") \
	X(ICMPV6_TRUNCATED,        "icmpv6.truncated",        TRUNCATED, "ICMPv6 message cut short by the snapshot length") \
	X(ICMPV6_QUOTE_MALFORMED,  "icmpv6.quote_malformed",  MALFORMED, "the packet quoted in an ICMPv6 error is not a valid IPv6 header") \
	X(ICMPV6_TOO_SHORT,        "icmpv6.too_short",        MALFORMED, "ICMPv6 message shorter than its 8-byte header")

#define WC_ANOM_ENUM_(e, n, k, d) WC_ANOM_##e,
enum wc_anomaly { WC_ANOMALY_TABLE(WC_ANOM_ENUM_) WC_ANOM__COUNT };
#undef WC_ANOM_ENUM_

const char *wc_anomaly_name(enum wc_anomaly a);
enum wc_anomaly_kind wc_anomaly_kind(enum wc_anomaly a);
const char *wc_anomaly_kind_name(enum wc_anomaly_kind k); /* "truncated", "malformed", "note" */
const char *wc_anomaly_description(enum wc_anomaly a);
/* Look a name up; returns -1 when unknown. */
int wc_anomaly_by_name(const char *name);

#endif
