/* checksum.h — Internet checksum arithmetic (RFC 1071) and outcome classification.
 *
 * The arithmetic is exposed on its own because people check it by hand: the lab
 * exercise "compute the UDP checksum of 'ABCDE'" is `wirecheck checksum`, built on
 * these functions. Sums are kept as 32-bit one's-complement accumulators and folded
 * only at the end.
 */
#ifndef WC_CHECKSUM_H
#define WC_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#include "packet.h"

/* Add len bytes to a running sum, as big-endian 16-bit words. An odd final byte is
 * padded with zero, so only the last chunk of a message may have odd length. */
uint32_t wc_csum_add(uint32_t sum, const uint8_t *p, size_t len);

/* Fold a running sum to 16 bits (not complemented). */
uint16_t wc_csum_fold(uint32_t sum);

/* Pseudo-header sums for TCP/UDP/ICMPv6: addresses, protocol and transport length. */
uint32_t wc_csum_pseudo_v4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint32_t len);
uint32_t wc_csum_pseudo_v6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto, uint32_t len);
uint32_t wc_csum_pseudo(const struct wc_addr *src, const struct wc_addr *dst, uint8_t proto, uint32_t len);

/* The value a sender puts in the checksum field of a transport segment: seg points at
 * the transport header with its checksum field at csum_off taken as zero. 0 becomes
 * 0xffff for UDP (RFC 768: 0 means "no checksum"). */
uint16_t wc_csum_transport(const struct wc_addr *src, const struct wc_addr *dst, uint8_t proto,
                           const uint8_t *seg, size_t len, size_t csum_off);

/* Classify a stored transport checksum. seg/caplen are the bytes present, len the
 * declared transport length. pseudo: include the pseudo-header (TCP, UDP, ICMPv6);
 * zero_allowed: a stored 0 means "disabled" (UDP over IPv4). Outcomes:
 * UNVERIFIABLE when caplen < len; ZERO; OK; PARTIAL when the field holds the folded
 * pseudo-header sum left by transmit offload; BAD otherwise. */
enum wc_csum wc_csum_classify(const struct wc_addr *src, const struct wc_addr *dst, uint8_t proto,
                              const uint8_t *seg, uint32_t caplen, uint32_t len, size_t csum_off,
                              int pseudo, int zero_allowed);

#endif
