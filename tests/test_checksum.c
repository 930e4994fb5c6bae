/* test_checksum.c — RFC 1071 arithmetic, pseudo-headers and checksum classification. */
#include <string.h>

#include "checksum.h"
#include "unit.h"

static struct wc_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct wc_addr x = {.family = 4, .bytes = {a, b, c, d}};
	return x;
}

/* RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to 2ddf0, folded ddf2. */
static void test_rfc1071_example(void)
{
	static const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	CU_ASSERT_EQUAL(wc_csum_fold(wc_csum_add(0, b, sizeof b)), 0xddf2);
	/* the same in two chunks (each even) gives the same sum */
	CU_ASSERT_EQUAL(wc_csum_fold(wc_csum_add(wc_csum_add(0, b, 2), b + 2, 6)), 0xddf2);
}

/* Odd lengths: the last byte is the high half of a zero-padded word. */
static void test_odd_lengths(void)
{
	static const uint8_t b[] = {0x12, 0x34, 0x56};
	CU_ASSERT_EQUAL(wc_csum_fold(wc_csum_add(0, b, 1)), 0x1200);
	CU_ASSERT_EQUAL(wc_csum_fold(wc_csum_add(0, b, 3)), 0x1234 + 0x5600);
	/* every length from 0 to 70 agrees with a plain word-by-word sum, at every
	 * alignment, so the wide loops and the tail agree */
	uint8_t buf[80];
	for (int i = 0; i < 80; i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	for (size_t start = 0; start < 8; start++) {
		for (size_t len = 0; len <= 70; len++) {
			uint32_t s = 0;
			for (size_t i = 0; i + 1 < len; i += 2)
				s += (uint32_t)buf[start + i] << 8 | buf[start + i + 1];
			if (len & 1)
				s += (uint32_t)buf[start + len - 1] << 8;
			CU_ASSERT_EQUAL(wc_csum_fold(wc_csum_add(0, buf + start, len)), wc_csum_fold(s));
		}
	}
	/* all-ones data folds to ffff, never to 0 */
	memset(buf, 0xff, sizeof buf);
	CU_ASSERT_EQUAL(wc_csum_fold(wc_csum_add(0, buf, 64)), 0xffff);
}

/* The sum of big-endian 16-bit words, folded, one word at a time. */
static uint16_t word_sum(const uint8_t *b, size_t len)
{
	uint64_t s = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		s += (uint32_t)b[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Jumbo and maximal IP payloads, aligned or not: the vector lanes and the scalar tail
 * together agree with a word-by-word sum, and all-ones data (the largest words) does
 * not overflow them. */
static void test_long_buffers(void)
{
	static uint8_t big[65536];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 131 + (i >> 8) * 7 + 3);
	const size_t lens[] = {1500, 9001, 65535};
	for (size_t k = 0; k < 3; k++) {
		CU_ASSERT_EQUAL(wc_csum_fold(wc_csum_add(0, big, lens[k])), word_sum(big, lens[k]));
		CU_ASSERT_EQUAL(wc_csum_fold(wc_csum_add(0, big + 1, lens[k])), word_sum(big + 1, lens[k]));
	}
	memset(big, 0xff, sizeof big);
	CU_ASSERT_EQUAL(wc_csum_fold(wc_csum_add(0, big, 65535)), word_sum(big, 65535));
	CU_ASSERT_EQUAL(wc_csum_fold(wc_csum_add(0, big, sizeof big)), 0xffff);
}

/* IPv4 header 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7 (the classic example):
 * 4500+0073+0000+4000+4011+c0a8+0001+c0a8+00c7 = 2479c, folded 479e, complement b861. */
static void test_ipv4_header(void)
{
	uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	                 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	CU_ASSERT_EQUAL(wc_csum_fold(wc_csum_add(0, h, 20)), 0x479e);
	h[10] = 0xb8;
	h[11] = 0x61;
	CU_ASSERT_EQUAL(wc_csum_fold(wc_csum_add(0, h, 20)), 0xffff);
	/* 10.0.0.1 > 10.0.0.2, TTL 64, UDP, id 1, DF, total 33:
	 * 4500+0021+0001+4000+4011+0a00+0001+0a00+0002 = d936, complement 26c9 */
	uint8_t g[20] = {0x45, 0x00, 0x00, 0x21, 0x00, 0x01, 0x40, 0x00, 0x40, 0x11,
	                 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02};
	CU_ASSERT_EQUAL((uint16_t)~wc_csum_fold(wc_csum_add(0, g, 20)), 0x26c9);
}

/* The lab exercise: UDP 10.0.0.1:5000 > 10.0.0.2:6000.
 *
 * "ABCDE" (UDP length 13 = 000d):
 *   pseudo-header  0a00 0001 0a00 0002 0011 000d        = 1421
 *   UDP header     1388 1770 000d [0000]                 → 3f26
 *   data           4142 4344 4500 (odd byte padded)      → 108ac
 *   fold 08ac + 1 = 08ad, complement f752.
 *
 * "ABCDEUQUQUQ" (UDP length 19 = 0013):
 *   pseudo-header  0a00 0001 0a00 0002 0011 0013        = 1427
 *   UDP header     1388 1770 0013 [0000]                 → 3f32
 *   data           4142 4344 4555 5155 5155 5100         → 1fcb7
 *   fold fcb7 + 1 = fcb8, complement 0347.
 */
static void test_lab_exercise(void)
{
	struct wc_addr a = v4(10, 0, 0, 1), b = v4(10, 0, 0, 2);
	uint8_t seg[8 + 11] = {0x13, 0x88, 0x17, 0x70, 0x00, 0x0d, 0x00, 0x00, 'A', 'B', 'C', 'D', 'E'};
	CU_ASSERT_EQUAL(wc_csum_pseudo(&a, &b, 17, 13), 0x1421);
	CU_ASSERT_EQUAL(wc_csum_transport(&a, &b, 17, seg, 13, 6), 0xf752);
	memcpy(seg + 8, "ABCDEUQUQUQ", 11);
	seg[5] = 0x13;
	CU_ASSERT_EQUAL(wc_csum_pseudo(&a, &b, 17, 19), 0x1427);
	CU_ASSERT_EQUAL(wc_csum_transport(&a, &b, 17, seg, 19, 6), 0x0347);
	/* the stored field is ignored: the same answer with garbage in it */
	seg[6] = 0xde;
	seg[7] = 0xad;
	CU_ASSERT_EQUAL(wc_csum_transport(&a, &b, 17, seg, 19, 6), 0x0347);
}

/* v6 pseudo-header: 2001:db8::1 > 2001:db8::2, UDP, length 13:
 * (2001+0db8+0001) + (2001+0db8+0002) = 2dba + 2dbb = 5b75;
 * + 0000 000d (length) + 0000 0011 (next header) = 5b93. */
static void test_pseudo_v6(void)
{
	uint8_t s[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	uint8_t d[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
	CU_ASSERT_EQUAL(wc_csum_fold(wc_csum_pseudo_v6(s, d, 17, 13)), 0x5b93);
	struct wc_addr a = {.family = 6}, b = {.family = 6};
	memcpy(a.bytes, s, 16);
	memcpy(b.bytes, d, 16);
	CU_ASSERT_EQUAL(wc_csum_fold(wc_csum_pseudo(&a, &b, 17, 13)), 0x5b93);
	/* lengths above 65535 (jumbograms) add both halves */
	CU_ASSERT_EQUAL(wc_csum_pseudo_v6(s, d, 17, 0x10005) - wc_csum_pseudo_v6(s, d, 17, 5), 1);
}

/* Every outcome of wc_csum_classify on the "ABCDE" datagram. */
static void test_classify(void)
{
	struct wc_addr a = v4(10, 0, 0, 1), b = v4(10, 0, 0, 2);
	uint8_t seg[13] = {0x13, 0x88, 0x17, 0x70, 0x00, 0x0d, 0xf7, 0x52, 'A', 'B', 'C', 'D', 'E'};
	CU_ASSERT_EQUAL(wc_csum_classify(&a, &b, 17, seg, 13, 13, 6, 1, 1), WC_CSUM_OK);
	CU_ASSERT_EQUAL(wc_csum_classify(&a, &b, 17, seg, 12, 13, 6, 1, 1), WC_CSUM_UNVERIFIABLE);
	seg[6] = 0x14; /* 0x1421 folded: the pseudo-header sum offload leaves */
	seg[7] = 0x21;
	CU_ASSERT_EQUAL(wc_csum_classify(&a, &b, 17, seg, 13, 13, 6, 1, 1), WC_CSUM_PARTIAL);
	seg[6] = 0x00;
	seg[7] = 0x00;
	CU_ASSERT_EQUAL(wc_csum_classify(&a, &b, 17, seg, 13, 13, 6, 1, 1), WC_CSUM_ZERO);
	/* over IPv6 a zero is not "disabled": it is wrong */
	CU_ASSERT_EQUAL(wc_csum_classify(&a, &b, 17, seg, 13, 13, 6, 1, 0), WC_CSUM_BAD);
	seg[6] = 0xf7;
	seg[7] = 0x53;
	CU_ASSERT_EQUAL(wc_csum_classify(&a, &b, 17, seg, 13, 13, 6, 1, 1), WC_CSUM_BAD);
	/* without a pseudo-header (ICMP) there is no partial form */
	uint8_t icmp[8] = {8, 0, 0xf7, 0xff, 0, 0, 0, 0};
	CU_ASSERT_EQUAL(wc_csum_classify(NULL, NULL, 1, icmp, 8, 8, 2, 0, 0), WC_CSUM_OK);
	icmp[3] = 0xfe;
	CU_ASSERT_EQUAL(wc_csum_classify(NULL, NULL, 1, icmp, 8, 8, 2, 0, 0), WC_CSUM_BAD);
}

/* A UDP datagram Linux wrote on lo (captured with tcpdump -i lo): 127.0.0.1:57914 >
 * 127.0.0.1:47002 "ABCDE", checksum field fe20 = 7f00+0001+7f00+0001+0011+000d. */
static void test_classify_loopback_capture(void)
{
	struct wc_addr lo = v4(127, 0, 0, 1);
	static const uint8_t seg[13] = {0xe2, 0x3a, 0xb7, 0x9a, 0x00, 0x0d, 0xfe, 0x20, 'A', 'B', 'C', 'D', 'E'};
	CU_ASSERT_EQUAL(wc_csum_classify(&lo, &lo, 17, seg, 13, 13, 6, 1, 1), WC_CSUM_PARTIAL);
}

/* A UDP sum that comes out 0 is sent as ffff (RFC 768). */
static void test_udp_zero_becomes_ffff(void)
{
	struct wc_addr a = v4(0, 0, 0, 0), b = v4(0, 0, 0, 0);
	/* pseudo 0011 + 0008, length 0008, source port ffde: ffde+0011+0008+0008 = ffff */
	uint8_t seg[8] = {0xff, 0xde, 0, 0, 0x00, 0x08, 0, 0};
	CU_ASSERT_EQUAL(wc_csum_transport(&a, &b, 17, seg, 8, 6), 0xffff);
	/* other protocols keep the 0: ffe9+0006+0008+0008 = ffff */
	seg[1] = 0xe9;
	CU_ASSERT_EQUAL(wc_csum_transport(&a, &b, 6, seg, 8, 6), 0x0000);
}

static const struct wc_test tests[] = {
	{"rfc1071_example", test_rfc1071_example},
	{"odd_lengths", test_odd_lengths},
	{"long buffers", test_long_buffers},
	{"ipv4_header", test_ipv4_header},
	{"lab_exercise", test_lab_exercise},
	{"pseudo_v6", test_pseudo_v6},
	{"classify", test_classify},
	{"classify_loopback_capture", test_classify_loopback_capture},
	{"udp_zero_becomes_ffff", test_udp_zero_becomes_ffff},
	{NULL, NULL},
};
static const struct wc_suite suite = {"checksum", tests};
static const struct wc_suite *const suites[] = {&suite, NULL};

int main(int argc, char **argv)
{
	return wc_unit_main(argc, argv, suites);
}
