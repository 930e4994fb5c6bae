/* test_cursor.c — the bounds-checked cursor and the anomaly table. */
#include <string.h>

#include "anomaly.h"
#include "cursor.h"
#include "packet.h"
#include "unit.h"

static const uint8_t bytes[] = {0x12, 0x34, 0x56, 0x78, 0x9a};

static void test_reads_advance(void)
{
	struct wc_cursor c;
	wc_cur_init(&c, bytes, sizeof bytes);
	uint16_t v16;
	uint32_t v32;
	uint8_t v8;
	CU_ASSERT_TRUE(wc_cur_be16(&c, &v16));
	CU_ASSERT_EQUAL(v16, 0x1234);
	CU_ASSERT_EQUAL(wc_cur_left(&c), 3);
	CU_ASSERT_FALSE(wc_cur_be32(&c, &v32)); /* 3 left: refused, cursor unchanged */
	CU_ASSERT_EQUAL(wc_cur_left(&c), 3);
	CU_ASSERT_TRUE(wc_cur_u8(&c, &v8));
	CU_ASSERT_EQUAL(v8, 0x56);
	CU_ASSERT_TRUE(wc_cur_le16(&c, &v16));
	CU_ASSERT_EQUAL(v16, 0x9a78);
	CU_ASSERT_FALSE(wc_cur_u8(&c, &v8));
	CU_ASSERT_EQUAL(wc_cur_left(&c), 0);
}

static void test_le32_be32(void)
{
	struct wc_cursor c;
	uint32_t v;
	wc_cur_init(&c, bytes, 4);
	CU_ASSERT_TRUE(wc_cur_le32(&c, &v));
	CU_ASSERT_EQUAL(v, 0x78563412u);
	wc_cur_init(&c, bytes, 4);
	CU_ASSERT_TRUE(wc_cur_be32(&c, &v));
	CU_ASSERT_EQUAL(v, 0x12345678u);
}

static void test_sub_and_clamp(void)
{
	struct wc_cursor c, sub;
	wc_cur_init(&c, bytes, sizeof bytes);
	CU_ASSERT_FALSE(wc_cur_sub(&c, 6, &sub));
	CU_ASSERT_TRUE(wc_cur_sub(&c, 2, &sub));
	CU_ASSERT_EQUAL(wc_cur_left(&sub), 2);
	CU_ASSERT_EQUAL(wc_cur_left(&c), 3);
	uint8_t v;
	CU_ASSERT_TRUE(wc_cur_u8(&sub, &v));
	CU_ASSERT_EQUAL(v, 0x12);
	CU_ASSERT_FALSE(wc_cur_clamp(&c, 4));
	CU_ASSERT_EQUAL(wc_cur_left(&c), 3);
	CU_ASSERT_TRUE(wc_cur_clamp(&c, 1));
	CU_ASSERT_EQUAL(wc_cur_left(&c), 1);
}

static void test_peek(void)
{
	struct wc_cursor c;
	wc_cur_init(&c, bytes, sizeof bytes);
	uint8_t v;
	uint16_t w;
	CU_ASSERT_TRUE(wc_cur_peek_u8(&c, 4, &v));
	CU_ASSERT_EQUAL(v, 0x9a);
	CU_ASSERT_FALSE(wc_cur_peek_u8(&c, 5, &v));
	CU_ASSERT_TRUE(wc_cur_peek_be16(&c, 3, &w));
	CU_ASSERT_EQUAL(w, 0x789a);
	CU_ASSERT_FALSE(wc_cur_peek_be16(&c, 4, &w));
	CU_ASSERT_EQUAL(wc_cur_left(&c), sizeof bytes);
	wc_cur_init(&c, NULL, 100); /* no bytes at all: length forced to 0 */
	CU_ASSERT_FALSE(wc_cur_peek_be16(&c, 0, &w));
	CU_ASSERT_EQUAL(wc_cur_left(&c), 0);
}

static void test_anomaly_table(void)
{
	CU_ASSERT_STRING_EQUAL(wc_anomaly_name(WC_ANOM_IPV4_HLEN_TOO_SMALL), "ipv4.hlen_too_small");
	CU_ASSERT_EQUAL(wc_anomaly_kind(WC_ANOM_TCP_TRUNCATED), WC_AK_TRUNCATED);
	CU_ASSERT_EQUAL(wc_anomaly_by_name("udp.len_exceeds_ip"), WC_ANOM_UDP_LEN_EXCEEDS_IP);
	CU_ASSERT_EQUAL(wc_anomaly_by_name("no.such"), -1);
	/* every name unique and dotted */
	for (int i = 0; i < WC_ANOM__COUNT; i++) {
		CU_ASSERT_PTR_NOT_NULL(strchr(wc_anomaly_name(i), '.'));
		CU_ASSERT_EQUAL(wc_anomaly_by_name(wc_anomaly_name(i)), i);
	}
}

static void test_packet_anomaly_flags(void)
{
	struct wc_packet p;
	memset(&p, 0, sizeof p);
	wc_packet_anomaly(&p, WC_ANOM_IPV4_TRUNCATED);
	CU_ASSERT_TRUE(p.truncated);
	CU_ASSERT_FALSE(p.malformed);
	for (int i = 0; i < 6; i++)
		wc_packet_anomaly(&p, WC_ANOM_UDP_LEN_TOO_SMALL);
	CU_ASSERT_TRUE(p.malformed);
	CU_ASSERT_EQUAL(p.anomaly_count, 7);
	CU_ASSERT_EQUAL(p.anomalies[0], WC_ANOM_IPV4_TRUNCATED);
	CU_ASSERT_EQUAL(p.anomalies[WC_PKT_MAX_ANOMALIES - 1], WC_ANOM_UDP_LEN_TOO_SMALL);
}

static const struct wc_test cursor_tests[] = {
	{"reads advance, refusals leave the cursor alone", test_reads_advance},
	{"little and big endian 32-bit", test_le32_be32},
	{"sub-cursors and clamping", test_sub_and_clamp},
	{"peeking does not advance", test_peek},
	{NULL, NULL},
};
static const struct wc_test anomaly_tests[] = {
	{"table names and kinds", test_anomaly_table},
	{"packet anomaly flags and cap", test_packet_anomaly_flags},
	{NULL, NULL},
};
static const struct wc_suite cursor_suite = {"cursor", cursor_tests};
static const struct wc_suite anomaly_suite = {"anomaly", anomaly_tests};

int main(int argc, char **argv)
{
	const struct wc_suite *const suites[] = {&cursor_suite, &anomaly_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
