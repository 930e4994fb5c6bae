/* test_flows_real.c — flows rebuilt from real captures: per-frame analysis flags as tshark
 * sets them, ICMP links, Zeek summaries. (Stream counts and per-stream figures against
 * truth.jsonl are test_truth.c's.) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "decode.h"
#include "flow.h"
#include "unit.h"

#define MAX_CONNS 64
#define MAX_FRAMES 256

/* What one capture's flows came to: the connections handed over (payload pointers
 * dropped), each frame's TCP notes and ICMP links. */
struct run {
	struct wc_tcp_conn conns[MAX_CONNS];
	size_t nconns;
	uint16_t notes[MAX_FRAMES];
	uint64_t quoted[MAX_FRAMES];
	bool icmp_matched[MAX_FRAMES];
	struct wc_flow_totals totals;
};

static void on_tcp(const struct wc_tcp_conn *c, void *arg)
{
	struct run *r = arg;
	if (r->nconns < MAX_CONNS) {
		r->conns[r->nconns] = *c;
		r->conns[r->nconns].segs = NULL;
		r->conns[r->nconns].side[0].payload = r->conns[r->nconns].side[1].payload = NULL;
	}
	r->nconns++;
}

static bool run_capture(const char *name, struct run *r)
{
	char errbuf[WC_ERRBUF_SIZE];
	memset(r, 0, sizeof *r);
	struct wc_capture *cap = wc_capture_open(wc_fixture(name), errbuf);
	if (!cap)
		return false;
	struct wc_decoder *dec = wc_decoder_new(errbuf);
	struct wc_flow_opts o = {.on_tcp_done = on_tcp, .arg = r};
	struct wc_flows *ft = wc_flows_new(&o, errbuf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dec);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ft);
	struct wc_frame frame;
	struct wc_packet pkt;
	struct wc_pkt_note note;
	while (wc_capture_next(cap, &frame) == 1) {
		wc_decode(dec, &frame, &pkt);
		wc_flows_add(ft, &pkt, &note);
		if (frame.number < MAX_FRAMES) {
			r->notes[frame.number] = note.kind == WC_FLOW_TCP ? note.tcp_notes : 0;
			r->icmp_matched[frame.number] = note.icmp_matched;
			r->quoted[frame.number] = note.icmp_quoted_frame;
		}
	}
	wc_flows_finish(ft);
	r->totals = *wc_flows_totals(ft);
	wc_flows_free(ft);
	wc_decoder_free(dec);
	wc_capture_close(cap);
	return true;
}

struct frame_note {
	uint64_t frame;
	uint16_t notes;
};

/* Every TCP frame's notes; frames not listed have none. */
static void check_notes(const char *name, const struct frame_note *want, size_t n)
{
	static struct run r;
	CU_ASSERT_TRUE_FATAL(run_capture(name, &r));
	for (uint64_t fr = 1; fr < MAX_FRAMES; fr++) {
		uint16_t expect = 0;
		for (size_t i = 0; i < n; i++)
			if (want[i].frame == fr)
				expect = want[i].notes;
		if (r.notes[fr] != expect)
			fprintf(stderr, "\n%s frame %" PRIu64 ": notes 0x%04x, tshark 0x%04x\n", name, fr, r.notes[fr], expect);
		CU_ASSERT_EQUAL(r.notes[fr], expect);
	}
}

#define RETX WC_TN_RETRANSMISSION
#define DUP WC_TN_DUP_ACK

/* tcp.analysis flags tshark 4 sets on these files. */
static void test_wireshark_analysis(void)
{
	static const struct frame_note wow[] = {
		{2, RETX}, {4, RETX}, {7, DUP}, {9, RETX}, {12, DUP}, {14, RETX}, {18, DUP}, {22, DUP},
		{23, RETX | WC_TN_SPURIOUS_RETX}, {24, DUP}, {25, DUP}, {28, DUP}, {31, RETX}, {35, DUP},
		{37, RETX}, {40, RETX}, {50, RETX}, {53, DUP}, {56, RETX}, {60, RETX}, {61, RETX},
		{62, RETX}, {66, RETX}, {69, DUP}, {72, RETX}, {75, RETX}, {77, DUP}, {78, DUP},
		{81, RETX}, {84, RETX}, {87, DUP}, {90, RETX}, {94, RETX},
	};
	static const struct frame_note pptp[] = {
		{3, RETX}, {7, DUP}, {9, RETX}, {12, DUP}, {14, RETX}, {18, DUP}, {20, RETX}, {23, DUP},
	};
	static const struct frame_note fin_retx[] = {{2, RETX}, {4, RETX}};
	static const struct frame_note rto[] = {{3, RETX | WC_TN_SPURIOUS_RETX}};
	check_notes("real/nDPI__tests_cfgs_default_pcap_wow.pcap", wow, sizeof wow / sizeof wow[0]);
	check_notes("real/tcpdump__tests_pptp.pcap", pptp, sizeof pptp / sizeof pptp[0]);
	check_notes("real/zeek__testing_btest_Traces_tcp_fin_retransmission.pcap", fin_retx, 2);
	check_notes("real/zeek__testing_btest_Traces_tcp_retransmit-timeout.pcapng", rto, 1);
	check_notes("real/zeek__testing_btest_Traces_http_http_09.pcap", NULL, 0);
}

/* DNS over QUIC on ::1: each ICMPv6 port unreachable answers the datagram just before it. */
static void test_icmp6_links(void)
{
	static struct run r;
	CU_ASSERT_TRUE_FATAL(run_capture("real/nDPI__tests_cfgs_default_pcap_doq.pcapng", &r));
	for (uint64_t fr = 10; fr <= 20; fr += 2) {
		CU_ASSERT_TRUE(r.icmp_matched[fr]);
		CU_ASSERT_EQUAL(r.quoted[fr], fr - 1);
	}
	CU_ASSERT_EQUAL(r.totals.icmp_errors, 6);
	CU_ASSERT_EQUAL(r.totals.icmp_errors_matched, 6);
	CU_ASSERT_EQUAL(r.totals.udp_flows, 1);
}

static void test_rst_contexts_real(void)
{
	static struct run r;
	CU_ASSERT_TRUE_FATAL(run_capture("real/zeek__testing_btest_Traces_tcp_syn-then-rst.pcap", &r));
	CU_ASSERT_EQUAL_FATAL(r.nconns, 1);
	CU_ASSERT_STRING_EQUAL(r.conns[0].conn_state, "RSTOS0");
	CU_ASSERT_STRING_EQUAL(r.conns[0].history, "SR");
	CU_ASSERT_TRUE_FATAL(run_capture("real/zeek__testing_btest_Traces_tcp_single-rst.pcap", &r));
	CU_ASSERT_EQUAL_FATAL(r.nconns, 1);
	CU_ASSERT_EQUAL(r.conns[0].rst_context, WC_RST_NO_CONNECTION);
	CU_ASSERT_TRUE_FATAL(run_capture("real/zeek__testing_btest_Traces_http_http_09.pcap", &r));
	CU_ASSERT_EQUAL_FATAL(r.nconns, 5);
	for (size_t i = 0; i < 5; i++) {
		CU_ASSERT_STRING_EQUAL(r.conns[i].conn_state, "SF");
		CU_ASSERT_EQUAL(r.conns[i].id, i);
	}
}

static const struct wc_test real_tests[] = {
	{"per-frame analysis flags as tshark sets them", test_wireshark_analysis},
	{"ICMPv6 port unreachables linked to the quoted datagrams", test_icmp6_links},
	{"Zeek summaries of real RSTs and teardowns", test_rst_contexts_real},
	{NULL, NULL},
};
static const struct wc_suite real_suite = {"flows_real", real_tests};

int main(int argc, char **argv)
{
	const struct wc_suite *const suites[] = {&real_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
