/* test_checks_tcp.c — every TCP check passing, failing and inconclusive on captures recorded
 * live on lo (tests/fixtures/checks/README.md says how), with exact reasons and evidence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "unit.h"

struct tcase {
	const char *capture;        /* under tests/fixtures, or "captures/…" in the source tree */
	const char *args;           /* the expectation's arguments, JSON */
	const char *placeholders;   /* JSON object, or NULL */
	enum wc_verdict verdict;
	const char *reason;
	uint64_t frames[16];        /* evidence, ascending, 0-terminated */
	const char *filter;         /* NULL: not asserted */
};

static const char *capture_path(const char *name)
{
	static char buf[4096];
	if (strncmp(name, "captures/", 9) == 0) {
		const char *src = getenv("WC_SRCDIR");
		snprintf(buf, sizeof buf, "%s/%s", src ? src : SRCDIR, name);
		return buf;
	}
	return wc_fixture(name);
}

/* Run one expectation of check `name` on a lone capture; arguments validated first, as
 * the scenario loader does. */
static void run_case(const char *name, const struct tcase *t, struct wc_result *r)
{
	const struct wc_check_def *def = wc_check_find(name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(def);
	char err[WC_ERRBUF_SIZE];
	struct wc_view v;
	CU_ASSERT_EQUAL_FATAL(wc_view_load(capture_path(t->capture), "", &v, err), 0);
	json_object *args = json_tokener_parse(t->args);
	CU_ASSERT_PTR_NOT_NULL_FATAL(args);
	CU_ASSERT_EQUAL(wc_schema_validate(args, def->args, "test", "expect[0]", err), 0);
	json_object *ph = t->placeholders ? json_tokener_parse(t->placeholders) : NULL;
	struct wc_check_ctx ctx = {.views = &v, .view_count = 1, .placeholders = ph};
	memset(r, 0, sizeof *r);
	snprintf(r->check, sizeof r->check, "%s", name);
	r->points_max = 1;
	def->run(&ctx, args, r);
	json_object_put(ph);
	json_object_put(args);
	wc_view_free(&v);
}

static void expect_cases(const char *name, const struct tcase *cases)
{
	for (const struct tcase *t = cases; t->capture; t++) {
		struct wc_result r;
		run_case(name, t, &r);
		CU_ASSERT_EQUAL(r.verdict, t->verdict);
		CU_ASSERT_STRING_EQUAL(r.reason, t->reason);
		CU_ASSERT_EQUAL(r.points, t->verdict == WC_PASS ? 1.0 : 0.0);
		size_t n = 0;
		while (n < 16 && t->frames[n])
			n++;
		bool same = r.verdict == t->verdict && strcmp(r.reason, t->reason) == 0 && r.frame_count == n &&
		            memcmp(r.frames, t->frames, n * sizeof r.frames[0]) == 0;
		if (!same) {
			fprintf(stderr, "%s %s %s:\n  got %s: %s\n  frames", name, t->capture, t->args,
			        wc_verdict_name(r.verdict), r.reason);
			for (size_t i = 0; i < r.frame_count; i++)
				fprintf(stderr, " %llu", (unsigned long long)r.frames[i]);
			fprintf(stderr, "\n  filter %s\n", r.filter);
		}
		CU_ASSERT_EQUAL(r.frame_count, n);
		for (size_t i = 0; i < n && i < r.frame_count; i++)
			CU_ASSERT_EQUAL(r.frames[i], t->frames[i]);
		if (t->filter)
			CU_ASSERT_STRING_EQUAL(r.filter, t->filter);
	}
}

#define ECHO "captures/tcp-echo-lo.pcap"
#define PORT "{\"port\": \"7007\"}"

static const struct tcase handshake[] = {
	{ECHO, "{\"port\": 7007, \"count\": 1, \"syn_options\": {\"mss\": true, \"wscale\": true}, "
	       "\"synack_options\": {\"sack_perm\": true}, \"syn_retransmissions\": false}", NULL, WC_PASS,
	 "1 handshake on port 7007, opened by the client: SYN in frame 1, SYN-ACK in frame 2, ACK in frame 3",
	 {1, 2, 3}, "frame.number in {1 2 3}"},
	{ECHO, "{\"port\": \"{port}\", \"syn_options\": {\"timestamps\": false}}", "{\"port\": 7007}", WC_FAIL,
	 "the SYN in frame 1 carries the timestamps option; expected it absent", {1}, NULL},
	{ECHO, "{\"initiator\": \"server\"}", NULL, WC_FAIL,
	 "the SYN in frame 1 came from the client (127.0.0.1 port 53548): expected the server to open the connection",
	 {1}, NULL},
	{ECHO, "{\"port\": 8080}", NULL, WC_FAIL,
	 "expected at least 1 handshake(s) on port 8080, saw none: no SYN to that port was captured", {0}, ""},
	{"checks/tcp-refused.pcap", PORT, NULL, WC_FAIL,
	 "the SYN in frame 1 was answered with RST,ACK in frame 2: nothing was listening on port 7007 of 127.0.0.1", {1, 2}, NULL},
	{"checks/tcp-refused.pcap", "{\"port\": \"7007\", \"count\": 1}", NULL, WC_FAIL,
	 "expected exactly 1 handshake(s) on port 7007, saw 3 connection attempts (SYN in frames 1, 3, 5), 0 of them complete", {1, 3, 5}, NULL},
	{"checks/tcp-backlog.pcap", "{\"port\": \"7007\", \"complete\": false, \"syn_retransmissions\": false}", NULL,
	 WC_FAIL, "the client sent its SYN 7 times (frames 11, 13, 15, 17, 19, 21, 23): the first was not answered in time",
	 {1, 2, 3, 6, 7, 8, 11, 13, 15, 17, 19, 21, 23}, NULL},
	{"checks/tcp-backlog.pcap", PORT, NULL, WC_FAIL,
	 "the SYN in frame 11 was never answered with a SYN-ACK", {1, 2, 3, 6, 7, 8, 11}, NULL},
	{ECHO, "{}", "{\"server\": \"127.0.0.1\", \"client\": \"127.0.0.1\"}", WC_PASS,
	 "1 handshake, opened by the client: SYN in frame 1, SYN-ACK in frame 2, ACK in frame 3", {1, 2, 3}, NULL},
	{ECHO, "{\"port\": \"{port}\"}", NULL, WC_INCONCLUSIVE,
	 "the placeholder {port} has no value: give it on the command line (port=…)", {0}, ""},
	{"real/zeek__testing_btest_Traces_tcp_missing-syn.pcap", "{}", NULL, WC_INCONCLUSIVE,
	 "no SYN was captured for the connection starting in frame 1: its handshake happened before the capture began",
	 {1}, NULL},
	{NULL, NULL, NULL, WC_PASS, NULL, {0}, NULL},
};

static const struct tcase teardown[] = {
	{ECHO, "{\"port\": 7007, \"close\": \"graceful\", \"first_closer\": \"client\", \"time_wait\": \"client\", "
	       "\"half_close\": false}", NULL, WC_PASS,
	 "The client closed first (FIN in frame 12), the server's FIN followed in frame 13; the client ends in TIME_WAIT",
	 {12, 13}, NULL},
	{"checks/tcp-halfclose.pcap", "{\"port\": 7007, \"half_close\": true, \"first_closer\": \"client\"}", NULL, WC_PASS,
	 "The client closed first (FIN in frame 6), the server's FIN followed in frame 9; the server still sent data "
	 "in frame 7 (half-close); the client ends in TIME_WAIT", {6, 7, 9}, NULL},
	{ECHO, "{\"time_wait\": \"server\"}", NULL, WC_FAIL,
	 "expected the server in TIME_WAIT, but the client closed first (FIN in frame 12), the server's FIN followed in "
	 "frame 13; the client ends in TIME_WAIT", {12, 13, 14}, NULL},
	{ECHO, "{\"half_close\": true}", NULL, WC_FAIL,
	 "expected a half-close (data after the first FIN), but the client closed first (FIN in frame 12), the server's "
	 "FIN followed in frame 13; the client ends in TIME_WAIT", {12, 13}, NULL},
	{"checks/tcp-killed.pcap", "{\"close\": \"graceful\"}", NULL, WC_FAIL,
	 "expected a graceful close (FIN both ways), but the server closed first (FIN in frame 6), then the server reset "
	 "the connection (RST in frame 9, after a FIN)",
	 {6, 9}, NULL},
	{"checks/tcp-linger0.pcap", "{\"close\": \"reset\", \"first_closer\": \"server\"}", NULL, WC_FAIL,
	 "expected the server to close first, but the client reset the connection (RST in frame 8, in the middle of the "
	 "connection)", {8}, NULL},
	{"checks/tcp-backlog.pcap", PORT, NULL, WC_INCONCLUSIVE,
	 "the connection starting in frame 11 on port 7007 was still open when the capture ended (frame 23): its close "
	 "was not captured", {23}, NULL},
	{NULL, NULL, NULL, WC_PASS, NULL, {0}, NULL},
};

static const struct tcase refused[] = {
	{"checks/tcp-refused.pcap", "{\"port\": \"{port}\", \"count\": 3, \"syns\": 3}", "{\"port\": \"7007\"}", WC_PASS,
	 "3 connection attempts refused: the SYNs in frames 1, 3, 5 were answered with RST,ACK in frames 2, 4, 6 "
	 "(ack = ISN+1): nothing was listening on port 7007 of 127.0.0.1", {1, 2, 3, 4, 5, 6}, "frame.number in {1 2 3 4 5 6}"},
	{"checks/tcp-byteorder-lo.pcap", "{\"port\": 7007}", NULL, WC_PASS,
	 "the server's kernel answered the SYN in frame 1 with RST,ACK in frame 2 (ack = ISN+1): nothing was listening "
	 "on port 7007 of 127.0.0.1", {1, 2}, NULL},
	{"checks/tcp-refused.pcap", "{\"port\": 7007, \"syns\": 1}", NULL, WC_FAIL,
	 "expected the clients to send exactly 1 SYN(s) before giving up, they sent 3 (refused SYNs in frames 1, 3, 5)",
	 {1, 2, 3, 4, 5, 6}, NULL},
	{ECHO, PORT, NULL, WC_FAIL,
	 "expected at least 1 refused connection attempt(s) on port 7007, saw 0: the SYN in frame 1 was answered with "
	 "SYN-ACK in frame 2, so something was listening on port 7007", {1, 2}, NULL},
	{NULL, NULL, NULL, WC_PASS, NULL, {0}, NULL},
};

static const struct tcase reset[] = {
	{"checks/tcp-unread.pcap", "{\"port\": 7007, \"count\": 1, \"sender\": \"server\", \"after\": \"unread_data\"}",
	 NULL, WC_PASS, "1 connection reset on port 7007; the server sent the RST in frame 6 closing with data it had "
	 "not read (unread_data)", {6}, "frame.number in {6}"},
	{"checks/tcp-linger0.pcap", "{\"sender\": \"client\", \"after\": \"in_data\"}", NULL, WC_PASS,
	 "1 connection reset; the client sent the RST in frame 8 in the middle of the connection (in_data)", {8}, NULL},
	{"checks/tcp-killed.pcap", "{\"sender\": \"server\", \"after\": \"after_fin\"}", NULL, WC_PASS,
	 "1 connection reset; the server sent the RST in frame 9 after a FIN (after_fin)", {9}, NULL},
	{"checks/tcp-unread.pcap", "{\"sender\": \"client\"}", NULL, WC_FAIL,
	 "the RST in frame 6 came from the server (closing with data it had not read): expected the client to send it",
	 {6}, NULL},
	{"checks/tcp-killed.pcap", "{\"after\": \"unread_data\"}", NULL, WC_FAIL,
	 "the server sent the RST in frame 9 after a FIN (after_fin): expected unread_data", {9}, NULL},
	{ECHO, PORT, NULL, WC_FAIL,
	 "expected at least 1 connection(s) reset on port 7007, saw none: 1 connection, none ended by a RST", {0}, NULL},
	{"checks/tcp-refused.pcap", "{\"count\": 0}", NULL, WC_PASS,
	 "no connection was reset, as expected (exactly 0)", {0}, NULL},
	{NULL, NULL, NULL, WC_PASS, NULL, {0}, NULL},
};

static const struct tcase stream[] = {
	{ECHO, "{\"port\": 7007, \"echo\": true}", NULL, WC_PASS,
	 "the server echoed all 117 bytes the client sent (frames 4, 6, 8, 9, 10, 11)", {4, 6, 8, 9, 10, 11}, NULL},
	{ECHO, "{\"direction\": \"server_to_client\", \"regex\": \"^(hello from the wirecheck loopback test\\n){3}$\", "
	       "\"length\": 117}", NULL, WC_PASS,
	 "the server → client stream (117 bytes) is as expected (frames 6, 9, 11)", {6, 9, 11}, NULL},
	{"checks/tcp-halfclose.pcap", "{\"equals\": \"half-closed request\\n\"}", NULL, WC_PASS,
	 "the client → server stream (20 bytes) is as expected (frame 4)", {4}, NULL},
	{"checks/tcp-halfclose.pcap", "{\"direction\": \"server_to_client\", \"equals\": \"half-closed reply\\n\"}", NULL,
	 WC_FAIL, "the server → client stream differs from the expected text at byte 14 (frame 7): 'q' instead of 'p'",
	 {7}, NULL},
	{"checks/tcp-halfclose.pcap", "{\"equals\": \"half-closed request\\nmore\"}", NULL, WC_FAIL,
	 "the client → server stream ends after 20 bytes (last in frame 4); the expected text has 24", {4}, NULL},
	{"checks/tcp-nagle.pcap", "{\"echo\": true}", NULL, WC_FAIL,
	 "the server → client stream is empty; what the client sent has 300 bytes", {0}, NULL},
	{ECHO, "{\"regex\": \"^GET \"}", NULL, WC_FAIL,
	 "the client → server stream (117 bytes) does not match /^GET /", {4, 8, 10}, NULL},
	{ECHO, "{\"xxh3\": \"0000000000000000\"}", NULL, WC_FAIL,
	 "the XXH3 digest of the client → server stream (117 bytes) is 89903a689bcf912b, expected 0000000000000000",
	 {4, 8, 10}, NULL},
	{"real/zeek__testing_btest_Traces_tcp_missing-syn.pcap", "{\"length\": 0}", NULL, WC_INCONCLUSIVE,
	 "the start of the client → server stream was not captured (no SYN from the client before frame 1)", {1}, NULL},
	{NULL, NULL, NULL, WC_PASS, NULL, {0}, NULL},
};

static const struct tcase segments[] = {
	{"checks/tcp-nagle.pcap", "{\"port\": 7007, \"writes\": [100, 100, 100], \"segments\": 2, \"coalesced\": true, "
	                          "\"split\": false}", NULL, WC_PASS,
	 "3 writes of 100 bytes arrived as 2 segments: 100 bytes in frame 4, 200 bytes in frame 6 (coalesced)", {4, 6}, NULL},
	{"checks/tcp-nodelay.pcap", "{\"writes\": [100, 100, 100], \"coalesced\": false}", NULL, WC_PASS,
	 "3 writes of 100 bytes arrived as 3 segments: 100 bytes in frame 4, 100 bytes in frame 6, 100 bytes in frame 8 "
	 "(one segment per write)", {4, 6, 8}, NULL},
	{"checks/tcp-nodelay.pcap", "{\"writes\": [100, 100, 100], \"coalesced\": true}", NULL, WC_FAIL,
	 "expected the writes to be coalesced, but 3 writes of 100 bytes arrived as 3 segments: 100 bytes in frame 4, "
	 "100 bytes in frame 6, 100 bytes in frame 8 (one segment per write)", {4, 6, 8}, NULL},
	{"checks/tcp-nagle.pcap", "{\"writes\": [150, 150], \"split\": false}", NULL, WC_FAIL,
	 "expected the writes not to be split, but 2 writes of 150 bytes arrived as 2 segments: 100 bytes in frame 4, "
	 "200 bytes in frame 6 (coalesced and split)", {4, 6}, NULL},
	{"checks/tcp-nagle.pcap", "{\"writes\": [100, 100]}", NULL, WC_FAIL,
	 "the writes total 200 bytes but 300 arrived: 2 writes of 100 bytes arrived as 2 segments: 100 bytes in frame 4, "
	 "200 bytes in frame 6", {4, 6}, NULL},
	{"checks/tcp-nagle.pcap", "{\"segments\": 3}", NULL, WC_FAIL,
	 "expected exactly 3 data segment(s), but the client → server data arrived in 2 segments: 100 bytes in frame 4, "
	 "200 bytes in frame 6", {4, 6}, NULL},
	{"checks/tcp-nagle.pcap", "{\"coalesced\": true}", NULL, WC_INCONCLUSIVE,
	 "\"coalesced\" needs the sizes of the writes (\"writes\") to compare with: the client → server data arrived in "
	 "2 segments: 100 bytes in frame 4, 200 bytes in frame 6", {4, 6}, NULL},
	{NULL, NULL, NULL, WC_PASS, NULL, {0}, NULL},
};

static const struct tcase retransmissions[] = {
	{"checks/tcp-backlog.pcap", "{\"port\": 7007, \"count\": {\"min\": 1}, \"direction\": \"client_to_server\", "
	                            "\"from\": 2, \"to\": 4}", NULL, WC_PASS,
	 "4 retransmissions from the client on port 7007 between 2.0 s and 4.0 s (frames 15, 16, 17, 18); expected at least 1",
	 {15, 16, 17, 18},
	 "tcp.analysis.retransmission && tcp.port == 7007 && frame.time_relative >= 2 && frame.time_relative <= 4"},
	{"checks/tcp-backlog.pcap", "{\"count\": 0, \"direction\": \"server_to_client\"}", NULL, WC_PASS,
	 "no retransmission from the server; expected exactly 0", {0}, "tcp.analysis.retransmission"},
	{"checks/tcp-backlog.pcap", "{\"count\": {\"max\": 3}, \"from\": 4.5}", NULL, WC_FAIL,
	 "4 retransmissions after 4.5 s (frames 21, 22, 23, 24); expected at most 3", {21, 22, 23, 24},
	 "tcp.analysis.retransmission && frame.time_relative >= 4.5"},
	{ECHO, "{\"count\": {\"min\": 1}}", NULL, WC_FAIL, "no retransmission; expected at least 1", {0}, NULL},
	{NULL, NULL, NULL, WC_PASS, NULL, {0}, NULL},
};

static const struct tcase concurrency[] = {
	{"checks/tcp-iterative.pcap", "{\"port\": 7007, \"serialised\": true, \"max_established\": 2}", NULL, WC_PASS,
	 "up to 2 connections on port 7007 were established at once (frame 6); the server served one connection at a "
	 "time: the reply to client port 36922 (frame 21) came only after it closed the connection from client port "
	 "36910 (frame 19)", {6, 19, 21}, NULL},
	{"checks/tcp-concurrent.pcap", "{\"serialised\": true}", NULL, WC_FAIL,
	 "expected serialised service, but the reply to client port 36934 (frame 17) came before the server closed the "
	 "connection from client port 36928 (frame 26): the server served them at the same time", {17, 26}, NULL},
	{"checks/tcp-concurrent.pcap", "{\"overlapping\": true, \"serialised\": false}", NULL, WC_PASS,
	 "the connections from client ports 36928 (frames 1–28) and 36934 (frames 4–30) overlapped in time; the reply "
	 "to client port 36934 (frame 17) came before the server closed the connection from client port 36928 (frame 26): "
	 "the server served them at the same time", {4, 17, 26, 28}, NULL},
	{"checks/tcp-iterative.pcap", "{\"overlapping\": false}", NULL, WC_FAIL,
	 "expected no overlap, but the connections from client ports 36910 (frames 1–20) and 36922 (frames 4–31) "
	 "overlapped in time", {4, 20}, NULL},
	{ECHO, "{\"serialised\": true}", NULL, WC_INCONCLUSIVE,
	 "1 connection got a reply from the server: at least two are needed to tell", {0}, NULL},
	{NULL, NULL, NULL, WC_PASS, NULL, {0}, NULL},
};

static const struct tcase syn_unanswered[] = {
	{"checks/tcp-backlog.pcap", "{\"port\": 7007, \"count\": 2, \"backoff\": \"linear_then_doubling\"}", NULL, WC_PASS,
	 "2 connection attempts on port 7007 never answered (first SYNs in frames 11, 12); the first one's SYN was "
	 "resent after 1.0, 1.0, 1.0, 1.0, 1.0, 2.0 s", {11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24}, NULL},
	{"checks/tcp-backlog.pcap", "{\"backoff\": \"doubling\"}", NULL, WC_FAIL,
	 "the SYN first sent in frame 11 was resent after 1.0, 1.0, 1.0, 1.0, 1.0, 2.0 s: interval 2 (1.0 s) is not "
	 "about twice the one before (1.0 s)", {11, 13, 15, 17, 19, 21, 23}, NULL},
	{ECHO, PORT, NULL, WC_FAIL,
	 "expected at least 1 unanswered connection attempt(s) on port 7007, saw none: every SYN was answered (frame 2)",
	 {2}, NULL},
	{"checks/tcp-refused.pcap", "{\"count\": 0}", NULL, WC_PASS,
	 "every SYN was answered, as expected (exactly 0 unanswered)", {0}, NULL},
	{"checks/tcp-refused.pcap", "{\"count\": 0, \"backoff\": \"doubling\"}", NULL, WC_INCONCLUSIVE,
	 "no unanswered attempt sent 3 SYNs or more: too few retransmissions to see the backoff", {0}, NULL},
	{NULL, NULL, NULL, WC_PASS, NULL, {0}, NULL},
};

static void test_handshake(void) { expect_cases("tcp.handshake", handshake); }
static void test_teardown(void) { expect_cases("tcp.teardown", teardown); }
static void test_refused(void) { expect_cases("tcp.refused", refused); }
static void test_reset(void) { expect_cases("tcp.reset", reset); }
static void test_stream(void) { expect_cases("tcp.stream", stream); }
static void test_segments(void) { expect_cases("tcp.segments", segments); }
static void test_retransmissions(void) { expect_cases("tcp.retransmissions", retransmissions); }
static void test_concurrency(void) { expect_cases("tcp.concurrency", concurrency); }
static void test_syn_unanswered(void) { expect_cases("tcp.syn_unanswered", syn_unanswered); }

/* Two tagged captures: the expectation's vantage picks one; an unknown one cannot be judged. */
static void test_vantage(void)
{
	char err[WC_ERRBUF_SIZE];
	struct wc_view v[2];
	CU_ASSERT_EQUAL_FATAL(wc_view_load(capture_path(ECHO), "client", &v[0], err), 0);
	CU_ASSERT_EQUAL_FATAL(wc_view_load(wc_fixture("checks/tcp-refused.pcap"), "server", &v[1], err), 0);
	struct wc_check_ctx ctx = {.views = v, .view_count = 2};
	const struct wc_check_def *def = wc_check_find("tcp.refused");
	json_object *a = json_tokener_parse("{\"vantage\": \"server\", \"port\": 7007, \"count\": 3}");
	struct wc_result r = {.points_max = 2};
	def->run(&ctx, a, &r);
	CU_ASSERT_EQUAL(r.verdict, WC_PASS);
	CU_ASSERT_EQUAL(r.points, 2.0);
	CU_ASSERT_STRING_EQUAL(r.vantage, "server");
	json_object_put(a);
	a = json_tokener_parse("{\"vantage\": \"router\"}");
	memset(&r, 0, sizeof r);
	def->run(&ctx, a, &r);
	CU_ASSERT_EQUAL(r.verdict, WC_INCONCLUSIVE);
	CU_ASSERT_STRING_EQUAL(r.reason, "no capture was given for the vantage point \"router\"");
	json_object_put(a);
	wc_view_free(&v[0]);
	wc_view_free(&v[1]);
}

/* One TCP transfer across a 400 ms link cut, captured on both hosts: the client's capture
 * shows six segments sent into the cut that the server's never shows (and three
 * retransmissions, the last of which delivered everything). */
static void run_lost(const char *args, size_t views, struct wc_result *r)
{
	char err[WC_ERRBUF_SIZE];
	struct wc_view v[2];
	CU_ASSERT_EQUAL_FATAL(wc_view_load(wc_fixture("checks/tcp-cut-client.pcap"), "client", &v[0], err), 0);
	CU_ASSERT_EQUAL_FATAL(wc_view_load(wc_fixture("checks/tcp-cut-server.pcap"), "server", &v[1], err), 0);
	const struct wc_check_def *def = wc_check_find("tcp.retransmissions");
	json_object *a = json_tokener_parse(args);
	struct wc_check_ctx ctx = {.views = v, .view_count = views};
	memset(r, 0, sizeof *r);
	r->points_max = 1;
	def->run(&ctx, a, r);
	json_object_put(a);
	wc_view_free(&v[0]);
	wc_view_free(&v[1]);
}

static void test_lost_across_captures(void)
{
	struct wc_result r;
	run_lost("{\"vantage\": \"client\", \"port\": 7007, \"direction\": \"client_to_server\", "
	         "\"count\": {\"min\": 1}, \"lost\": 6}", 2, &r);
	CU_ASSERT_EQUAL(r.verdict, WC_PASS);
	CU_ASSERT_STRING_EQUAL(r.reason, "3 retransmissions from the client on port 7007 (frames 14, 16, 18); expected "
	                       "at least 1; 6 segments sent (client frames 12, 13, 14, 15, 16, 17) never arrived (server "
	                       "capture); expected exactly 6 lost");
	static const uint64_t want[] = {12, 13, 14, 15, 16, 17, 18};
	CU_ASSERT_EQUAL_FATAL(r.frame_count, 7);
	for (size_t i = 0; i < 7; i++)
		CU_ASSERT_EQUAL(r.frames[i], want[i]);
	CU_ASSERT_STRING_EQUAL(r.filter, "frame.number in {12 13 14 15 16 17 18}");
	CU_ASSERT_STRING_EQUAL(r.vantage, "client");

	/* a lossless link was expected: fail, citing what vanished */
	run_lost("{\"vantage\": \"client\", \"port\": 7007, \"count\": {\"min\": 0}, \"lost\": 0}", 2, &r);
	CU_ASSERT_EQUAL(r.verdict, WC_FAIL);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "6 segments sent (client frames 12, 13, 14, 15, 16, 17) never arrived"));

	/* the server's own segments all reached the client */
	run_lost("{\"vantage\": \"server\", \"receiver\": \"client\", \"port\": 7007, \"direction\": "
	         "\"server_to_client\", \"count\": 0, \"lost\": 0}", 2, &r);
	CU_ASSERT_EQUAL(r.verdict, WC_PASS);
	CU_ASSERT_STRING_EQUAL(r.reason, "no retransmission from the server on port 7007; expected exactly 0; every "
	                       "segment the server capture shows sent arrived (client capture); expected exactly 0 lost");

	/* only the sender's capture: cannot be judged */
	run_lost("{\"vantage\": \"client\", \"port\": 7007, \"count\": {\"min\": 1}, \"lost\": 6}", 1, &r);
	CU_ASSERT_EQUAL(r.verdict, WC_INCONCLUSIVE);
	CU_ASSERT_STRING_EQUAL(r.reason, "counting segments lost on the way needs the receiver's capture too, tagged "
	                       "\"server\" (check server=FILE); only the sender's capture was given");
}

/* Arguments a table cannot type are refused at load time with the JSON path. */
static void test_argument_checks(void)
{
	static const struct {
		const char *check, *args, *msg;
	} bad[] = {
		{"tcp.segments", "{\"writes\": [100, \"x\"]}",
		 "s.json: expect[0].writes: expected an array of 1 to 256 byte counts, each at least 1, got [ 100, \"x\" ]"},
		{"tcp.stream", "{\"regex\": \"[a-\"}", NULL},
		{"tcp.stream", "{\"xxh3\": \"12ab\"}", "s.json: expect[0].xxh3: expected an XXH3 digest of 16 hex digits, got \"12ab\""},
		{"tcp.handshake", "{\"port\": 70000}",
		 "s.json: expect[0].port: expected a port number (1 to 65535) or a placeholder such as \"{port}\", got a number"},
		{"tcp.handshake", "{\"port\": \"http\"}",
		 "s.json: expect[0].port: expected a port number (1 to 65535) or a placeholder such as \"{port}\", got \"http\""},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char err[WC_ERRBUF_SIZE] = "";
		json_object *a = json_tokener_parse(bad[i].args);
		CU_ASSERT_EQUAL(wc_schema_validate(a, wc_check_find(bad[i].check)->args, "s.json", "expect[0]", err), -1);
		if (bad[i].msg) {
			CU_ASSERT_STRING_EQUAL(err, bad[i].msg);
		} else {
			static const char prefix[] = "s.json: expect[0].regex: not a valid regular expression: ";
			CU_ASSERT_EQUAL(strncmp(err, prefix, sizeof prefix - 1), 0);
			CU_ASSERT_TRUE(strlen(err) > sizeof prefix);
		}
		json_object_put(a);
	}
}

/* The registry lists the group in documentation order. */
static void test_registry(void)
{
	static const char *const names[] = {"tcp.handshake", "tcp.teardown", "tcp.refused", "tcp.reset", "tcp.stream",
	                                    "tcp.segments", "tcp.retransmissions", "tcp.concurrency", "tcp.syn_unanswered"};
	for (size_t i = 0; i < 9; i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(wc_checks_tcp[i]);
		CU_ASSERT_STRING_EQUAL(wc_checks_tcp[i]->name, names[i]);
		json_object *ex = json_tokener_parse(wc_checks_tcp[i]->example);
		CU_ASSERT_PTR_NOT_NULL(ex);
		json_object_put(ex);
	}
	CU_ASSERT_PTR_NULL(wc_checks_tcp[9]);
}

static const struct wc_test tests[] = {
	{"tcp.handshake", test_handshake},
	{"tcp.teardown", test_teardown},
	{"tcp.refused", test_refused},
	{"tcp.reset", test_reset},
	{"tcp.stream", test_stream},
	{"tcp.segments", test_segments},
	{"tcp.retransmissions", test_retransmissions},
	{"tcp.concurrency", test_concurrency},
	{"tcp.syn_unanswered", test_syn_unanswered},
	{"vantage", test_vantage},
	{"segments lost between two captures", test_lost_across_captures},
	{"argument checks", test_argument_checks},
	{"registry", test_registry},
	{NULL, NULL},
};

static const struct wc_suite suite = {"checks_tcp", tests};
static const struct wc_suite *const suites[] = {&suite, NULL};

int main(int argc, char **argv)
{
	return wc_unit_main(argc, argv, suites);
}
