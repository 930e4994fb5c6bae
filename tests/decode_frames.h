/* decode_frames.h — hand-built frames shared by the decoder tests.
 *
 * Every frame is a byte array with checksums filled in by a separate implementation
 * (not wirecheck's), so a decoder verdict of "ok" is an independent check. Addresses:
 * 10.0.0.1 / 10.0.0.2 and 2001:db8::1 / 2001:db8::2; Ethernet frames run from
 * 02:00:00:00:00:01 to 02:00:00:00:00:02.
 */
#ifndef WC_TEST_DECODE_FRAMES_H
#define WC_TEST_DECODE_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

extern const uint8_t fr_eth_ipv4_tcp[];
extern const size_t fr_eth_ipv4_tcp_len;
extern const uint8_t fr_eth_pad_udp[];
extern const size_t fr_eth_pad_udp_len;
extern const uint8_t fr_vlan_ipv6_udp[];
extern const size_t fr_vlan_ipv6_udp_len;
extern const uint8_t fr_qinq_ipv4_udp[];
extern const size_t fr_qinq_ipv4_udp_len;
extern const uint8_t fr_sll_ipv4_tcp[];
extern const size_t fr_sll_ipv4_tcp_len;
extern const uint8_t fr_sll2_icmp_unreach[];
extern const size_t fr_sll2_icmp_unreach_len;
extern const uint8_t fr_null_le_ipv6_tcp[];
extern const size_t fr_null_le_ipv6_tcp_len;
extern const uint8_t fr_null_be_ipv4_udp[];
extern const size_t fr_null_be_ipv4_udp_len;
extern const uint8_t fr_icmp6_unreach[];
extern const size_t fr_icmp6_unreach_len;
extern const uint8_t fr_ipv6_ext_udp[];
extern const size_t fr_ipv6_ext_udp_len;
extern const uint8_t fr_v4frag0[];
extern const size_t fr_v4frag0_len;
extern const uint8_t fr_v4frag1[];
extern const size_t fr_v4frag1_len;
extern const uint8_t fr_v4frag2[];
extern const size_t fr_v4frag2_len;
extern const uint8_t fr_v4frag1_conflict[];
extern const size_t fr_v4frag1_conflict_len;
extern const uint8_t fr_v6frag0[];
extern const size_t fr_v6frag0_len;
extern const uint8_t fr_v6frag1[];
extern const size_t fr_v6frag1_len;
extern const uint8_t fr_raw_ipv4_udp[];
extern const size_t fr_raw_ipv4_udp_len;
extern const uint8_t fr_raw_ipv6_echo[];
extern const size_t fr_raw_ipv6_echo_len;

/* A frame of the given link type over bytes, caplen and wire length, number and time. */
struct wc_frame wc_test_frame(int linktype, const uint8_t *bytes, uint32_t caplen, uint32_t len,
                              uint64_t number, int64_t ts_ns);

/* Whether the packet carries anomaly a among the first recorded. */
int wc_test_has_anomaly(const struct wc_packet *pkt, enum wc_anomaly a);

#endif
