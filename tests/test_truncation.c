/* test_truncation.c — every prefix of valid frames: cut by the snapshot length it is
 * truncated (or, with all headers whole, only its checksum is unverifiable), never
 * malformed; short on the wire it is malformed, never truncated. Each prefix sits in a
 * buffer of exactly its length, so a read past it is a sanitizer report. */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "decode_frames.h"
#include "unit.h"

struct sweep_case {
	const char *name;
	int linktype;
	const uint8_t *bytes;
	const size_t *len;
	size_t headers_end; /* bytes up to the end of the last header */
};

static const struct sweep_case cases[] = {
	{"ethernet/ipv4+options/tcp+options/payload", 1, fr_eth_ipv4_tcp, &fr_eth_ipv4_tcp_len, 14 + 28 + 60},
	{"ethernet/vlan/ipv6/udp", 1, fr_vlan_ipv6_udp, &fr_vlan_ipv6_udp_len, 18 + 40 + 8},
	{"sll2/ipv4/icmp error quoting udp", 276, fr_sll2_icmp_unreach, &fr_sll2_icmp_unreach_len, 20 + 20 + 8},
	{"null/ipv6/tcp", 0, fr_null_le_ipv6_tcp, &fr_null_le_ipv6_tcp_len, 4 + 40 + 28},
	{"ethernet/ipv6/icmpv6 error quoting ipv6+dstopts/udp", 1, fr_icmp6_unreach, &fr_icmp6_unreach_len, 14 + 40 + 8},
	{"ethernet/ipv6/hbh+dstopts+frag/udp", 1, fr_ipv6_ext_udp, &fr_ipv6_ext_udp_len, 14 + 40 + 24 + 8},
	{"sll/ipv4/tcp", 113, fr_sll_ipv4_tcp, &fr_sll_ipv4_tcp_len, 16 + 20 + 24},
};

static enum wc_csum transport_csum(const struct wc_packet *pkt)
{
	switch (pkt->l4) {
	case WC_L4_TCP: return pkt->u.tcp.csum;
	case WC_L4_UDP: return pkt->u.udp.csum;
	case WC_L4_ICMP:
	case WC_L4_ICMPV6: return pkt->u.icmp.csum;
	case WC_L4_NONE:
	case WC_L4_OTHER: break;
	}
	return WC_CSUM_NONE;
}

/* Decode the first n bytes of c from a buffer of exactly n bytes. */
static void decode_prefix(struct wc_decoder *d, const struct sweep_case *c, size_t n, size_t wire,
                          struct wc_packet *pkt, uint8_t **hold)
{
	uint8_t *p = malloc(n ? n : 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memcpy(p, c->bytes, n);
	static struct wc_frame f;
	f = wc_test_frame(c->linktype, p, (uint32_t)n, (uint32_t)wire, n + 1, 0);
	wc_decode(d, &f, pkt);
	*hold = p;
}

static void test_cut_by_snaplen(void)
{
	struct wc_decoder *d = wc_decoder_new(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct sweep_case *c = &cases[i];
		size_t full = *c->len;
		for (size_t n = 0; n < full; n++) {
			struct wc_packet pkt;
			uint8_t *hold;
			decode_prefix(d, c, n, full, &pkt, &hold);
			CU_ASSERT_FALSE(pkt.malformed);
			if (n < c->headers_end) {
				CU_ASSERT_TRUE(pkt.truncated);
			} else {
				CU_ASSERT_FALSE(pkt.truncated);
				CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
				CU_ASSERT_EQUAL(transport_csum(&pkt), WC_CSUM_UNVERIFIABLE);
			}
			free(hold);
		}
		/* and whole, it is clean */
		struct wc_packet pkt;
		uint8_t *hold;
		decode_prefix(d, c, full, full, &pkt, &hold);
		CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
		CU_ASSERT_EQUAL(transport_csum(&pkt), WC_CSUM_OK);
		free(hold);
	}
	wc_decoder_free(d);
}

static void test_short_on_the_wire(void)
{
	struct wc_decoder *d = wc_decoder_new(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct sweep_case *c = &cases[i];
		for (size_t n = 0; n < *c->len; n++) {
			struct wc_packet pkt;
			uint8_t *hold;
			decode_prefix(d, c, n, n, &pkt, &hold);
			CU_ASSERT_TRUE(pkt.malformed);
			CU_ASSERT_FALSE(pkt.truncated);
			free(hold);
		}
	}
	wc_decoder_free(d);
}

static const struct wc_test tests[] = {
	{"cut_by_snaplen", test_cut_by_snaplen},
	{"short_on_the_wire", test_short_on_the_wire},
	{NULL, NULL},
};
static const struct wc_suite suite = {"truncation", tests};
static const struct wc_suite *const suites[] = {&suite, NULL};

int main(int argc, char **argv)
{
	return wc_unit_main(argc, argv, suites);
}
