/* checksum.c — RFC 1071 Internet checksum arithmetic and outcome classification. */
#include "checksum.h"

#include <string.h>

/* Two 64-bit lanes (SSE2 and NEON registers hold them; elsewhere the compiler splits
 * them into scalars). */
typedef uint64_t wc_u64x2 __attribute__((vector_size(16)));

/* One's-complement addition is independent of byte order (RFC 1071 §2(B)): sum the
 * bytes as native 32-bit words into 64-bit accumulators, which cannot overflow for any
 * packet (2^32 words), fold, and swap the 16-bit result into network order once at
 * the end. This runs over every packet's payload, so 32 bytes a step go through vector
 * lanes: each 64-bit load is split into its two 32-bit words (mask and shift), which
 * the lanes add with room to spare; four scalar accumulators take what is left. */
static uint16_t sum_native(const uint8_t *p, size_t len)
{
	const wc_u64x2 low32 = {0xffffffffu, 0xffffffffu};
	wc_u64x2 va = {0, 0}, vb = {0, 0};
	while (len >= 32) {
		wc_u64x2 x, y;
		memcpy(&x, p, sizeof x);
		memcpy(&y, p + 16, sizeof y);
		va += (x & low32) + (y & low32);
		vb += (x >> 32) + (y >> 32);
		p += 32;
		len -= 32;
	}
	uint64_t a = va[0] + vb[0], b = va[1] + vb[1], c = 0, d = 0;
	uint32_t w, x, y, z;
	while (len >= 16) {
		memcpy(&w, p, 4);
		memcpy(&x, p + 4, 4);
		memcpy(&y, p + 8, 4);
		memcpy(&z, p + 12, 4);
		a += w;
		b += x;
		c += y;
		d += z;
		p += 16;
		len -= 16;
	}
	while (len >= 4) {
		memcpy(&w, p, 4);
		a += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		b += v;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd byte is the high-order byte of a zero-padded big-endian word: in
		 * memory order that is the first byte of a native 16-bit word either way. */
		uint16_t v = 0;
		memcpy(&v, p, 1);
		c += v;
	}
	/* each accumulator is below 2^62: the sum cannot overflow */
	uint64_t acc = a + b + c + d;
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	uint16_t r = (uint16_t)acc;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	r = (uint16_t)(r << 8 | r >> 8);
#endif
	return r;
}

uint32_t wc_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	/* Keep the running sum partly folded so any number of calls cannot overflow. */
	sum = (sum & 0xffff) + (sum >> 16);
	return sum + sum_native(p, len);
}

uint16_t wc_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint32_t add_be16(uint32_t sum, const uint8_t *p)
{
	return sum + ((uint32_t)p[0] << 8 | p[1]);
}

uint32_t wc_csum_pseudo_v4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint32_t len)
{
	uint32_t sum = 0;
	sum = add_be16(sum, src);
	sum = add_be16(sum, src + 2);
	sum = add_be16(sum, dst);
	sum = add_be16(sum, dst + 2);
	return sum + proto + (len >> 16) + (len & 0xffff);
}

uint32_t wc_csum_pseudo_v6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto, uint32_t len)
{
	uint32_t sum = 0;
	for (int i = 0; i < 16; i += 2) {
		sum = add_be16(sum, src + i);
		sum = add_be16(sum, dst + i);
	}
	return sum + proto + (len >> 16) + (len & 0xffff);
}

uint32_t wc_csum_pseudo(const struct wc_addr *src, const struct wc_addr *dst, uint8_t proto, uint32_t len)
{
	if (src->family == 6)
		return wc_csum_pseudo_v6(src->bytes, dst->bytes, proto, len);
	return wc_csum_pseudo_v4(src->bytes, dst->bytes, proto, len);
}

uint16_t wc_csum_transport(const struct wc_addr *src, const struct wc_addr *dst, uint8_t proto,
                           const uint8_t *seg, size_t len, size_t csum_off)
{
	uint32_t sum = wc_csum_pseudo(src, dst, proto, (uint32_t)len);
	/* csum_off is even (2, 6, 16), so both halves start on a word boundary. */
	if (csum_off + 2 <= len) {
		sum = wc_csum_add(sum, seg, csum_off);
		sum = wc_csum_add(sum, seg + csum_off + 2, len - csum_off - 2);
	} else {
		sum = wc_csum_add(sum, seg, len);
	}
	uint16_t c = (uint16_t)~wc_csum_fold(sum);
	if (proto == 17 && c == 0)
		c = 0xffff;
	return c;
}

enum wc_csum wc_csum_classify(const struct wc_addr *src, const struct wc_addr *dst, uint8_t proto,
                              const uint8_t *seg, uint32_t caplen, uint32_t len, size_t csum_off,
                              int pseudo, int zero_allowed)
{
	if (caplen < len)
		return WC_CSUM_UNVERIFIABLE;
	if ((size_t)len < csum_off + 2)
		return WC_CSUM_NONE;
	uint16_t stored = (uint16_t)((unsigned)seg[csum_off] << 8 | seg[csum_off + 1]);
	if (zero_allowed && stored == 0)
		return WC_CSUM_ZERO;
	uint32_t ph = pseudo ? wc_csum_pseudo(src, dst, proto, len) : 0;
	if (wc_csum_fold(wc_csum_add(ph, seg, len)) == 0xffff)
		return WC_CSUM_OK;
	/* Linux CHECKSUM_PARTIAL: the stack leaves ~csum_tcpudp_magic(..., 0), the folded
	 * but uncomplemented pseudo-header sum, for the NIC to finish. */
	if (pseudo && stored == wc_csum_fold(ph))
		return WC_CSUM_PARTIAL;
	return WC_CSUM_BAD;
}
