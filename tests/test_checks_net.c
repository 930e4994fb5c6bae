/* test_checks_net.c — the network checks (udp.datagrams, icmp.unreachable, checksum,
 * ip.fields, port.byteorder, capture.health) on live-recorded fixtures
 * (tests/fixtures/checks/README.md) and real captures: verdict, exact reason, evidence. */
#include <pcap/pcap.h>
#include <stdarg.h>
#include <string.h>

#include "check.h"
#include "runrec.h"
#include "unit.h"

/* Until the TCP group links its own list in, the registry still finds ours. */
__attribute__((weak)) const struct wc_check_def *const wc_checks_tcp[] = {NULL};

#define MAX_VIEWS 2

/* Run check `name` with arguments json (validated against its table first) over the
 * captures given as "ROLE=fixture" or "fixture" (relative to tests/fixtures, or an
 * absolute path), with optional placeholders. */
static struct wc_result judge_with(const char *name, const char *json, json_object *placeholders,
                                   const char *cap1, const char *cap2)
{
	struct wc_result r;
	memset(&r, 0, sizeof r);
	const struct wc_check_def *def = wc_check_find(name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(def);
	json_object *args = json_tokener_parse(json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(args);
	char err[WC_ERRBUF_SIZE] = "";
	CU_ASSERT_EQUAL_FATAL(wc_schema_validate(args, def->args, "test.json", "expect[0]", err), 0);
	struct wc_view views[MAX_VIEWS];
	size_t n = 0;
	const char *caps[MAX_VIEWS] = {cap1, cap2};
	for (size_t i = 0; i < MAX_VIEWS && caps[i]; i++) {
		char role[16] = "";
		const char *file = caps[i], *eq = strchr(file, '=');
		if (eq) {
			snprintf(role, sizeof role, "%.*s", (int)(eq - file), file);
			file = eq + 1;
		}
		CU_ASSERT_EQUAL_FATAL(wc_view_load(file[0] == '/' ? file : wc_fixture(file), role, &views[n], err), 0);
		n++;
	}
	struct wc_check_ctx ctx = {views, n, NULL, placeholders};
	snprintf(r.check, sizeof r.check, "%s", name);
	def->run(&ctx, args, &r);
	for (size_t i = 0; i < n; i++)
		wc_view_free(&views[i]);
	json_object_put(args);
	return r;
}

static struct wc_result judge(const char *name, const char *json, const char *cap)
{
	return judge_with(name, json, NULL, cap, NULL);
}

/* Assert the verdict, the exact reason and the evidence frames (count, then frames). */
static void expect(const struct wc_result *r, enum wc_verdict v, const char *reason, size_t nframes, ...)
{
	CU_ASSERT_EQUAL(r->verdict, v);
	CU_ASSERT_STRING_EQUAL(r->reason, reason);
	CU_ASSERT_EQUAL(r->frame_count, nframes);
	va_list ap;
	va_start(ap, nframes);
	for (size_t i = 0; i < nframes; i++) {
		uint64_t f = (uint64_t)va_arg(ap, int);
		CU_ASSERT_EQUAL(i < r->frame_count ? r->frames[i] : 0, f);
	}
	va_end(ap);
}

#define ECHO "checks/udp-echo-lo.pcap"
#define UNREACH "checks/udp-unreach-lo.pcap"
#define CSUM "checks/udp-veth-csum.pcap"
#define OFFLOAD "checks/udp-veth-offload.pcap"
#define LOST_C "client=checks/udp-lost-client.pcap"
#define LOST_S "server=checks/udp-lost-server.pcap"
#define SWAPPED "checks/tcp-byteorder-lo.pcap"

/* ---- udp.datagrams ------------------------------------------------------- */

static void test_udp_count_payloads_pass(void)
{
	struct wc_result r = judge("udp.datagrams",
	                           "{\"port\": 7007, \"count\": 3, \"payloads\": [\"ABCDE\", \"ABCDEUQUQUQ\", \"three\"]}", ECHO);
	expect(&r, WC_PASS, "3 datagrams from the client on UDP port 7007 (frames 1, 3 and 5), as expected", 3, 1, 3, 5);
	CU_ASSERT_STRING_EQUAL(r.filter, "frame.number in {1 3 5}");
	r = judge("udp.datagrams", "{\"from\": \"server\", \"sizes\": [5, 11, 5]}", ECHO);
	expect(&r, WC_PASS, "3 datagrams from the server (frames 2, 4 and 6), as expected", 3, 2, 4, 6);
	r = judge("udp.datagrams", "{\"port\": 53, \"count\": 0}", ECHO);
	expect(&r, WC_PASS, "no datagram from the client on UDP port 53 was captured, as expected", 0);
	r = judge("udp.datagrams", "{\"payloads_hex\": [\"41 42 43 44 45\"], \"ordered\": false}", ECHO);
	expect(&r, WC_PASS, "3 datagrams from the client (frames 1, 3 and 5), as expected", 3, 1, 3, 5);
}

static void test_udp_count_payloads_fail(void)
{
	struct wc_result r = judge("udp.datagrams", "{\"port\": 7007, \"count\": 4}", ECHO);
	expect(&r, WC_FAIL, "3 datagrams from the client on UDP port 7007 were captured, expected exactly 4", 3, 1, 3, 5);
	r = judge("udp.datagrams", "{\"payloads\": [\"ABCDE\", \"ABCDEF\"]}", ECHO);
	expect(&r, WC_FAIL, "datagram 2 (frame 3) does not carry \"ABCDEF\" (6 bytes): it has 11 bytes", 1, 3);
	r = judge("udp.datagrams", "{\"payloads\": [\"ABCDE\", \"ABCDEUQUQUQ\", \"thre3\"]}", ECHO);
	expect(&r, WC_FAIL, "datagram 3 (frame 5) does not carry \"thre3\": its 5 bytes differ", 1, 5);
	r = judge("udp.datagrams", "{\"payloads\": [\"ABCDE\"]}", ECHO);
	expect(&r, WC_FAIL, "3 datagrams were captured, but payloads lists 1", 3, 1, 3, 5);
	r = judge("udp.datagrams", "{\"payloads\": [\"nope\"], \"ordered\": false}", ECHO);
	expect(&r, WC_FAIL, "no datagram carries \"nope\"", 3, 1, 3, 5);
	r = judge("udp.datagrams", "{\"size\": 5}", ECHO);
	expect(&r, WC_FAIL, "datagram 2 (frame 3) carries 11 bytes, expected 5 in every datagram", 1, 3);
	r = judge("udp.datagrams", "{\"sizes\": [5, 11]}", ECHO);
	expect(&r, WC_FAIL, "3 datagrams were captured, but sizes lists 2", 3, 1, 3, 5);
}

static void test_udp_lost_one_capture(void)
{
	struct wc_result r = judge("udp.datagrams", "{\"lost\": 0}", ECHO);
	expect(&r, WC_PASS, "3 datagrams from the client (frames 1, 3 and 5), as expected; every one of the 3 "
	       "datagrams was answered: 0 lost, as expected (exactly 0)", 3, 1, 3, 5);
	r = judge("udp.datagrams", "{\"lost\": 0}", "checks/udp-lost-client.pcap");
	expect(&r, WC_FAIL, "datagrams 5 and 6 (frames 9 and 10) got no reply: 2 lost, expected exactly 0", 2, 9, 10);
}

static void test_udp_lost_two_vantages(void)
{
	struct wc_result r = judge_with("udp.datagrams", "{\"lost\": 2, \"count\": 8}", NULL, LOST_C, LOST_S);
	expect(&r, WC_PASS, "8 datagrams from the client (frames 1, 3, 5, 7, 9, 10, 11 and 13), as expected; "
	       "datagrams 5 and 6 were sent (client frames 9 and 10) and never arrived (server capture): 2 lost, "
	       "as expected (exactly 2)", 8, 1, 3, 5, 7, 9, 10, 11, 13);
	CU_ASSERT_STRING_EQUAL(r.vantage, "client");
	r = judge_with("udp.datagrams", "{\"lost\": 0}", NULL, LOST_C, LOST_S);
	expect(&r, WC_FAIL, "datagrams 5 and 6 were sent (client frames 9 and 10) and never arrived (server capture): "
	       "2 lost, expected exactly 0", 2, 9, 10);
	CU_ASSERT_STRING_EQUAL(r.filter, "frame.number in {9 10}");
	/* the drop began after 0.35 s: nothing was lost before */
	r = judge_with("udp.datagrams", "{\"lost\": 0, \"window\": {\"from\": 0, \"to\": 0.35}}", NULL, LOST_C, LOST_S);
	expect(&r, WC_PASS, "4 datagrams from the client sent between 0 s and 0.35 s (frames 1, 3, 5 and 7), as "
	       "expected; every one of the 4 datagrams sent was seen arriving: 0 lost, as expected (exactly 0)",
	       4, 1, 3, 5, 7);
	r = judge_with("udp.datagrams", "{\"lost\": 0, \"receiver\": \"router\"}", NULL, LOST_C, LOST_S);
	expect(&r, WC_INCONCLUSIVE, "no capture was tagged \"router\", so nothing shows which datagrams arrived", 0);
}

static void test_udp_args_validated(void)
{
	const struct wc_check_def *def = wc_check_find("udp.datagrams");
	char err[WC_ERRBUF_SIZE];
	json_object *a = json_tokener_parse("{\"sizes\": [5, \"x\"]}");
	CU_ASSERT_EQUAL(wc_schema_validate(a, def->args, "s.json", "expect[1]", err), -1);
	CU_ASSERT_STRING_EQUAL(err, "s.json: expect[1].sizes: item 1: expected a whole number from 0 to 65527");
	json_object_put(a);
	a = json_tokener_parse("{\"payloads_hex\": [\"4g\"]}");
	CU_ASSERT_EQUAL(wc_schema_validate(a, def->args, "s.json", "expect[1]", err), -1);
	CU_ASSERT_STRING_EQUAL(err, "s.json: expect[1].payloads_hex: item 0: expected hex bytes (\"41 42 43\"), at most 2048");
	json_object_put(a);
}

/* ---- icmp.unreachable ---------------------------------------------------- */

static void test_icmp_pass(void)
{
	struct wc_result r = judge("icmp.unreachable", "{\"port\": 7007, \"count\": 3}", UNREACH);
	expect(&r, WC_PASS, "3 ICMP port unreachable messages (frames 2, 4 and 6), as expected (exactly 3), answering "
	       "the datagrams in frames 1, 3 and 5: nothing was listening on port 7007", 6, 1, 2, 3, 4, 5, 6);
	r = judge("icmp.unreachable", "{\"type\": 3, \"code\": 3, \"count\": 2}", UNREACH);
	expect(&r, WC_PASS, "2 ICMP type 3 code 3 messages (frames 2 and 4), as expected (exactly 2), answering the "
	       "datagrams in frames 1 and 3", 4, 1, 2, 3, 4);
	r = judge("icmp.unreachable", "{\"count\": {\"max\": 0}}", ECHO);
	expect(&r, WC_PASS, "no ICMP port unreachable was captured, as expected (at most 0)", 0);
}

static void test_icmp_fail(void)
{
	struct wc_result r = judge("icmp.unreachable", "{}", ECHO);
	expect(&r, WC_FAIL, "no ICMP port unreachable was captured, expected at least 1", 0);
	r = judge("icmp.unreachable", "{\"count\": 4, \"port\": 7007}", UNREACH);
	expect(&r, WC_FAIL, "3 ICMP port unreachable messages were captured (frames 2, 4 and 6), expected exactly 4 "
	       "for port 7007 (Linux rate-limits ICMP errors except on lo: count them with min/max)",
	       6, 1, 2, 3, 4, 5, 6);
	r = judge("icmp.unreachable", "{\"kind\": \"host\"}", UNREACH);
	expect(&r, WC_FAIL, "no ICMP host unreachable was captured, expected at least 1", 0);
}

static void test_icmp_unmatched(void)
{
	struct wc_result r = judge("icmp.unreachable", "{}", "real/zeek__testing_btest_Traces_icmp_icmp-destunreach-udp.pcap");
	expect(&r, WC_INCONCLUSIVE, "the ICMP port unreachable in frame 1 quotes a packet to 192.168.1.102 port 59207 "
	       "that is not in the capture, so it cannot be matched to what was sent", 1, 1);
	r = judge("icmp.unreachable", "{\"matched\": false}", "real/zeek__testing_btest_Traces_icmp_icmp-destunreach-udp.pcap");
	expect(&r, WC_PASS, "1 ICMP port unreachable message (frame 1), as expected (at least 1): nothing was "
	       "listening on port 59207", 1, 1);
}

/* ---- checksum ------------------------------------------------------------ */

#define OFFLOAD_ADVICE "the sending interface fills the checksum in after the capture point (transmit checksum " \
	"offload; on lo the kernel never fills it in), so the capture holds only the pseudo-header sum. Turn " \
	"offload off on the sender's interface with `ethtool -K IF tx off`, or use the veth topology with " \
	"\"offload\": false"

static void test_checksum_real_pass(void)
{
	struct wc_result r = judge("checksum", "{\"payload\": \"ABCDE\", \"expect_computed\": true, \"real\": true}", CSUM);
	expect(&r, WC_PASS, "the UDP checksum of frame 1 (\"ABCDE\") is 0x6fa0, the value computed over pseudo-header, "
	       "header and payload; all 4 TCP and UDP checksums are real", 1, 1);
	r = judge("checksum", "{\"payload\": \"ABCDEUQUQUQ\", \"value\": 31636}", CSUM);
	expect(&r, WC_PASS, "the UDP checksum of frame 3 (\"ABCDEUQUQUQ\") is 0x7b94", 1, 3);
	r = judge("checksum", "{\"protocol\": \"udp\", \"outcome\": \"partial\", \"count\": 6}", ECHO);
	expect(&r, WC_PASS, "6 UDP checksums are partial (frames 1, 2, 3, 4, 5 and 6), as expected (exactly 6)",
	       6, 1, 2, 3, 4, 5, 6);
}

static void test_checksum_fail(void)
{
	struct wc_result r = judge("checksum", "{\"real\": true}", OFFLOAD);
	expect(&r, WC_FAIL, "4 of the 4 TCP and UDP checksums captured are partial (frames 1, 2, 3 and 4): "
	       OFFLOAD_ADVICE, 4, 1, 2, 3, 4);
	r = judge("checksum", "{\"payload\": \"ABCDE\", \"value\": 1}", OFFLOAD);
	expect(&r, WC_FAIL, "the UDP checksum of frame 1 (\"ABCDE\") is 0x1421, expected 0x0001 (only the partial sum "
	       "left by transmit offload: the full checksum would be 0x67f0)", 1, 1);
	r = judge("checksum", "{\"payload\": \"ABCDEUQUQUQ\", \"value\": 1}", CSUM);
	expect(&r, WC_FAIL, "the UDP checksum of frame 3 (\"ABCDEUQUQUQ\") is 0x7b94, expected 0x0001", 1, 3);
	r = judge("checksum", "{\"protocol\": \"udp\", \"outcome\": \"bad\", \"count\": 0}",
	          "real/zeek__testing_btest_Traces_chksums_ip4-udp-bad-chksum.pcap");
	expect(&r, WC_FAIL, "1 UDP checksum is bad (frame 1), expected exactly 0", 1, 1);
	r = judge("checksum", "{\"frame\": 1, \"expect_computed\": true}",
	          "real/zeek__testing_btest_Traces_chksums_ip4-udp-bad-chksum.pcap");
	expect(&r, WC_FAIL, "the UDP checksum of frame 1 is 0x0001, but the checksum computed over pseudo-header, "
	       "header and payload is different", 1, 1);
	r = judge("checksum", "{\"protocol\": \"ipv4\", \"outcome\": \"bad\", \"count\": 0}",
	          "real/zeek__testing_btest_Traces_chksums_ip4-bad-chksum.pcap");
	expect(&r, WC_FAIL, "1 IPv4 header checksum is bad (frame 1), expected exactly 0", 1, 1);
}

static void test_checksum_inconclusive(void)
{
	struct wc_result r = judge("checksum", "{\"payload\": \"ABCDE\", \"expect_computed\": true}", OFFLOAD);
	expect(&r, WC_INCONCLUSIVE, "the UDP checksum of frame 1 (\"ABCDE\") holds 0x1421, only the partial sum: "
	       OFFLOAD_ADVICE, 1, 1);
	r = judge("checksum", "{\"payload\": \"XYZ\", \"expect_computed\": true}", CSUM);
	expect(&r, WC_INCONCLUSIVE, "no UDP datagram in the capture carries \"XYZ\"", 0);
}

/* ---- ip.fields ----------------------------------------------------------- */

static void test_ip_fields(void)
{
	struct wc_result r = judge("ip.fields", "{\"protocol\": \"udp\", \"from\": \"client\", \"ttl\": 5, \"df\": true}", ECHO);
	expect(&r, WC_PASS, "all 3 UDP packets from the client (frames 1, 3 and 5) have a TTL of exactly 5 and the "
	       "don't-fragment bit set", 3, 1, 3, 5);
	r = judge("ip.fields", "{\"protocol\": \"udp\", \"from\": \"server\", \"ttl\": 5}", ECHO);
	expect(&r, WC_FAIL, "frames 2, 4 and 6 of the 3 UDP packets from the server do not have a TTL of exactly 5 "
	       "(frame 2: TTL 64)", 3, 2, 4, 6);
	/* on the server's side of the router every client packet arrives one hop older */
	r = judge("ip.fields", "{\"protocol\": \"udp\", \"from\": \"client\", \"ttl\": {\"min\": 64}}",
	          "checks/udp-lost-server.pcap");
	expect(&r, WC_FAIL, "frames 1, 3, 5, 7, 9 and 11 of the 6 UDP packets from the client do not have a TTL of "
	       "at least 64 (frame 1: TTL 63)", 6, 1, 3, 5, 7, 9, 11);
	r = judge("ip.fields", "{\"protocol\": \"icmp\", \"df\": true}", UNREACH);
	expect(&r, WC_FAIL, "frames 2 and 4 of the 3 ICMP packets do not have the don't-fragment bit set (frame 2: "
	       "DF clear)", 2, 2, 4);
	r = judge("ip.fields", "{\"protocol\": \"tcp\", \"ttl\": 64}", ECHO);
	expect(&r, WC_INCONCLUSIVE, "no TCP packets were captured, so their header fields cannot be judged", 0);
}

/* ---- port.byteorder ------------------------------------------------------ */

#define HTONS_MISSING "traffic to port 7007 was refused (frames 1 and 2) while port 24347 answered (frame 4): " \
	"the server listens on port 24347 (0x5f1b), which is 7007 (0x1b5f) with its bytes swapped: htons() is missing"

static void test_port_byteorder(void)
{
	struct wc_result r = judge("port.byteorder", "{\"port\": 7007}", SWAPPED);
	expect(&r, WC_FAIL, HTONS_MISSING, 3, 1, 2, 4);
	r = judge("port.byteorder", "{}", SWAPPED);
	expect(&r, WC_FAIL, HTONS_MISSING, 3, 1, 2, 4);
	json_object *ph = json_tokener_parse("{\"port\": \"7007\"}");
	r = judge_with("port.byteorder", "{}", ph, SWAPPED, NULL);
	json_object_put(ph);
	expect(&r, WC_FAIL, HTONS_MISSING, 3, 1, 2, 4);
	r = judge("port.byteorder", "{\"port\": 7007}", ECHO);
	expect(&r, WC_PASS, "the server answered on port 7007 (frame 2): the port number went out in network byte order", 1, 2);
	r = judge("port.byteorder", "{}", ECHO);
	expect(&r, WC_PASS, "no traffic was refused on a port whose byte-swapped twin answered: no sign of a missing htons()", 0);
	r = judge("port.byteorder", "{\"port\": 7007}", UNREACH);
	expect(&r, WC_INCONCLUSIVE, "traffic to port 7007 was refused (frames 1, 2, 3, 4, 5 and 6) but nothing answered "
	       "on port 24347 (0x5f1b), its byte-swapped twin, so the capture cannot tell whether htons() is missing",
	       6, 1, 2, 3, 4, 5, 6);
}

/* ---- capture.health ------------------------------------------------------ */

/* The echo capture again, with frame 3 written twice 20 µs apart (as a capture on a
 * bridge and its port can show one packet twice). */
static const char *with_duplicate(void)
{
	char err[PCAP_ERRBUF_SIZE];
	const char *out = wc_scratch("checks-net-dup.pcap");
	static char path[4096];
	snprintf(path, sizeof path, "%s", out);
	pcap_t *in = pcap_open_offline(wc_fixture(ECHO), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	pcap_dumper_t *d = pcap_dump_open(in, path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	struct pcap_pkthdr *h;
	const u_char *bytes;
	for (int n = 1; pcap_next_ex(in, &h, &bytes) == 1; n++) {
		pcap_dump((u_char *)d, h, bytes);
		if (n == 3) {
			struct pcap_pkthdr again = *h;
			again.ts.tv_usec += 20;
			pcap_dump((u_char *)d, &again, bytes);
		}
	}
	pcap_dump_close(d);
	pcap_close(in);
	return path;
}

#define NO_DROPS "; kernel drops are not recorded in a capture file, so only a live run can rule them out"

static void test_health_pass(void)
{
	struct wc_result r = judge("capture.health", "{}", ECHO);
	expect(&r, WC_PASS, "the capture is fit to judge: 6 frames, 1 link type, no frame cut short or captured twice, "
	       "every TCP connection's SYN seen" NO_DROPS, 0);
	r = judge("capture.health", "{}", "real/PcapPlusPlus__Tests_Pcap++Test_PcapExamples_many_interfaces-1.pcapng");
	expect(&r, WC_PASS, "the capture is fit to judge: 64 frames, 3 link types (each decoded), no frame cut short or "
	       "captured twice, every TCP connection's SYN seen" NO_DROPS, 0);
	r = judge("capture.health", "{\"allow_duplicates\": true}", with_duplicate());
	CU_ASSERT_EQUAL(r.verdict, WC_PASS);
}

static void test_health_inconclusive(void)
{
	struct wc_result r = judge("capture.health", "{}", with_duplicate());
	expect(&r, WC_INCONCLUSIVE, "the capture is not fit to judge: 1 frame was captured twice (frame 4 repeats "
	       "frame 3 byte for byte, 0.000020 s later)", 2, 3, 4);
	r = judge("capture.health", "{}", "real/zeek__testing_btest_Traces_tcp_missing-syn.pcap");
	expect(&r, WC_INCONCLUSIVE, "the capture is not fit to judge: the SYN of 1 TCP connection was not captured "
	       "(tcp.stream 0 starts at frame 1): the capture started after it was opened", 1, 1);
	r = judge("capture.health", "{\"require_syn\": false}", "real/zeek__testing_btest_Traces_tcp_missing-syn.pcap");
	CU_ASSERT_EQUAL(r.verdict, WC_PASS);
	r = judge("capture.health", "{}", "real/zeek__testing_btest_Traces_tcp_truncated-header.pcap");
	CU_ASSERT_EQUAL(r.verdict, WC_INCONCLUSIVE);
	CU_ASSERT_STRING_EQUAL(r.reason, "the capture is not fit to judge: the snapshot length cut 24 frames short "
	                       "(frame 1 kept 68 of 74 bytes)");
	CU_ASSERT_EQUAL(r.frame_count, 24);
	r = judge("capture.health", "{}", "real/dpkt__examples_data_truncated_dns_2.pcap");
	expect(&r, WC_INCONCLUSIVE, "the capture is not fit to judge: the file breaks off after frame 1 (truncated dump "
	       "file; tried to read 16 header bytes, only got 7): what followed is lost; the snapshot length cut 1 "
	       "frame short (frame 1 kept 200 of 282 bytes)", 1, 1);
}

/* capture.health over one capture ("ROLE=fixture", "fixture" or an absolute path) as
 * judged in the live run whose record is run. */
static struct wc_result health_live(const char *json, const char *cap, const struct wc_run_record *run)
{
	struct wc_result r;
	memset(&r, 0, sizeof r);
	json_object *args = json_tokener_parse(json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(args);
	char err[WC_ERRBUF_SIZE] = "", role[16] = "";
	const char *file = cap, *eq = strchr(cap, '=');
	if (eq) {
		snprintf(role, sizeof role, "%.*s", (int)(eq - cap), cap);
		file = eq + 1;
	}
	struct wc_view v;
	CU_ASSERT_EQUAL_FATAL(wc_view_load(file[0] == '/' ? file : wc_fixture(file), role, &v, err), 0);
	struct wc_check_ctx ctx = {&v, 1, run, NULL};
	snprintf(r.check, sizeof r.check, "capture.health");
	wc_check_find("capture.health")->run(&ctx, args, &r);
	wc_view_free(&v);
	json_object_put(args);
	return r;
}

/* A capture point of a hand-built run record, with the kernel's counts. */
static void add_point(struct wc_run_record *run, const char *tag, uint64_t received, uint64_t dropped,
                      uint64_t written, const char *reason)
{
	char err[WC_ERRBUF_SIZE];
	struct wc_run_capture *c = wc_run_add_capture(run, tag, "/run/x.pcap", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	c->cap.received = received;
	c->cap.dropped = dropped;
	c->cap.written = written;
	c->cap.conclusive = !dropped && written == received;
	snprintf(c->cap.reason, sizeof c->cap.reason, "%s", reason);
}

#define FIT_ECHO "the capture is fit to judge: 6 frames, 1 link type, no frame cut short or captured twice, every " \
	"TCP connection's SYN seen"
#define NOT_FIT "the capture is not fit to judge: "

static void test_health_live(void)
{
	/* the kernel's counts replace "only a live run can rule them out" */
	struct wc_run_record run = {0};
	add_point(&run, "", 6, 0, 6, "");
	struct wc_result r = health_live("{}", ECHO, &run);
	expect(&r, WC_PASS, FIT_ECHO "; the kernel dropped none of 6 packets, all written", 0);
	/* a lone capture point stands for every vantage */
	r = health_live("{}", "server=" ECHO, &run);
	expect(&r, WC_PASS, FIT_ECHO "; the kernel dropped none of 6 packets, all written", 0);
	wc_run_record_free(&run);

	/* drops: the capture point's own reason, or the numbers when it gave none */
	add_point(&run, "", 4000, 12, 3988, "the kernel dropped 12 of 4000 captured packets (capture buffer full)");
	r = health_live("{}", ECHO, &run);
	expect(&r, WC_INCONCLUSIVE, NOT_FIT "the kernel dropped 12 of 4000 captured packets (capture buffer full)", 0);
	r = health_live("{}", with_duplicate(), &run);
	expect(&r, WC_INCONCLUSIVE, NOT_FIT "the kernel dropped 12 of 4000 captured packets (capture buffer full); 1 "
	       "frame was captured twice (frame 4 repeats frame 3 byte for byte, 0.000020 s later)", 2, 3, 4);
	wc_run_record_free(&run);
	add_point(&run, "", 4000, 12, 3988, "");
	r = health_live("{}", ECHO, &run);
	expect(&r, WC_INCONCLUSIVE, NOT_FIT "the kernel dropped 12 of 4000 packets", 0);
	wc_run_record_free(&run);
	add_point(&run, "", 4000, 0, 3990, "");
	r = health_live("{}", ECHO, &run);
	expect(&r, WC_INCONCLUSIVE, NOT_FIT "4000 packets passed the filter but 3990 were written", 0);
	wc_run_record_free(&run);

	/* two capture points: each view answers to its own */
	add_point(&run, "client", 8, 0, 8, "");
	add_point(&run, "server", 7, 1, 6, "the kernel dropped 1 of 7 captured packets (capture buffer full)");
	r = health_live("{}", LOST_C, &run);
	CU_ASSERT_EQUAL(r.verdict, WC_PASS);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "SYN seen; the kernel dropped none of 8 packets, all written"));
	r = health_live("{}", LOST_S, &run);
	expect(&r, WC_INCONCLUSIVE, NOT_FIT "the kernel dropped 1 of 7 captured packets (capture buffer full)", 0);
	r = health_live("{}", "router=" ECHO, &run);
	expect(&r, WC_INCONCLUSIVE, NOT_FIT "the run recorded no capture point tagged router, so nothing says whether "
	       "the kernel dropped packets of this capture", 0);
	r = health_live("{}", ECHO, &run);
	expect(&r, WC_INCONCLUSIVE, NOT_FIT "the run recorded 2 capture points and this capture is untagged, so nothing "
	       "says which one's kernel counts apply: tag it", 0);
	wc_run_record_free(&run);
}

static void test_registry_order(void)
{
	static const char *const names[] = {"udp.datagrams", "icmp.unreachable", "checksum", "ip.fields",
	                                    "port.byteorder", "capture.health"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(wc_checks_net[i]);
		CU_ASSERT_STRING_EQUAL(wc_checks_net[i]->name, names[i]);
		/* every check's own example validates against its own table */
		json_object *ex = json_tokener_parse(wc_checks_net[i]->example);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ex);
		json_object_object_del(ex, "check");
		char err[WC_ERRBUF_SIZE] = "";
		CU_ASSERT_EQUAL(wc_schema_validate(ex, wc_checks_net[i]->args, "doc", "example", err), 0);
		json_object_put(ex);
	}
	CU_ASSERT_PTR_NULL(wc_checks_net[6]);
}

static const struct wc_test udp_tests[] = {
	{"count, sizes and payloads as expected", test_udp_count_payloads_pass},
	{"count, sizes and payloads differing", test_udp_count_payloads_fail},
	{"lost on one capture: unanswered", test_udp_lost_one_capture},
	{"lost between client and server captures", test_udp_lost_two_vantages},
	{"argument validation", test_udp_args_validated},
	{NULL, NULL},
};
static const struct wc_test icmp_tests[] = {
	{"port unreachable matched", test_icmp_pass},
	{"count or kind differing", test_icmp_fail},
	{"quoted datagram missing", test_icmp_unmatched},
	{NULL, NULL},
};
static const struct wc_test csum_tests[] = {
	{"real checksums and exact values", test_checksum_real_pass},
	{"partial, bad and differing values", test_checksum_fail},
	{"what the capture cannot show", test_checksum_inconclusive},
	{NULL, NULL},
};
static const struct wc_test misc_tests[] = {
	{"ip.fields TTL, DF", test_ip_fields},
	{"port.byteorder names the missing htons", test_port_byteorder},
	{"capture.health fit", test_health_pass},
	{"capture.health not fit", test_health_inconclusive},
	{"capture.health with the run's kernel counts", test_health_live},
	{"registry order and examples", test_registry_order},
	{NULL, NULL},
};
static const struct wc_suite s_udp = {"udp.datagrams", udp_tests};
static const struct wc_suite s_icmp = {"icmp.unreachable", icmp_tests};
static const struct wc_suite s_csum = {"checksum", csum_tests};
static const struct wc_suite s_misc = {"ip.fields, port.byteorder, capture.health", misc_tests};
static const struct wc_suite *const suites[] = {&s_udp, &s_icmp, &s_csum, &s_misc, NULL};

int main(int argc, char **argv)
{
	return wc_unit_main(argc, argv, suites);
}
