/* report_samples.c — hand-built outcomes for the report tests (report_samples.h). */
#include "report_samples.h"

#include <stdio.h>
#include <string.h>

static struct wc_result echo_results[4];
static struct wc_capture_fact echo_captures[1];
static double echo_seconds[4] = {0.001, 0.0025, 0.0005, 0.00025};

static void result(struct wc_result *r, const char *check, const char *label, const char *path,
                   enum wc_verdict v, double max, const char *reason, const char *filter)
{
	memset(r, 0, sizeof *r);
	snprintf(r->check, sizeof r->check, "%s", check);
	snprintf(r->label, sizeof r->label, "%s", label);
	snprintf(r->path, sizeof r->path, "%s", path);
	r->verdict = v;
	r->points_max = max;
	r->points = v == WC_PASS ? max : 0;
	snprintf(r->reason, sizeof r->reason, "%s", reason);
	snprintf(r->filter, sizeof r->filter, "%s", filter);
}

void sample_echo(struct wc_outcome *o)
{
	memset(o, 0, sizeof *o);
	o->name = "tcp-echo";
	o->summary = "a client sends three lines to an echo server and reads them back";
	o->file = "scenarios/tcp-echo.json";
	o->started = 1700000000; /* 2023-11-14T22:13:20Z */
	o->elapsed = 0.00425;

	memset(echo_captures, 0, sizeof echo_captures);
	echo_captures[0].path = "captures/tcp-echo-lo.pcap";
	echo_captures[0].frames = 14;
	o->captures = echo_captures;
	o->capture_count = 1;

	wc_placeholders_init(&o->placeholders);
	struct wc_placeholder *p = o->placeholders.p;
	p[WC_PH_PORT].source = WC_PH_CAPTURE;
	snprintf(p[WC_PH_PORT].value, sizeof p[WC_PH_PORT].value, "7007");
	p[WC_PH_SERVER].source = WC_PH_SET;
	snprintf(p[WC_PH_SERVER].value, sizeof p[WC_PH_SERVER].value, "127.0.0.1");

	struct wc_result *r = echo_results;
	result(&r[0], "tcp.handshake", "complete handshake", "expect[0]", WC_PASS, 2,
	       "the client's SYN in frame 1 was answered with SYN-ACK in frame 2 and acknowledged in frame 3",
	       "tcp.stream eq 0 && tcp.flags.syn == 1");
	r[0].frames[0] = 1, r[0].frames[1] = 2, r[0].frames[2] = 3, r[0].frame_count = 3;
	result(&r[1], "tcp.stream", "the server echoes every byte", "expect[1]", WC_PASS, 3,
	       "the server sent back the 117 bytes the client sent", "");
	r[1].frames[0] = 4, r[1].frame_count = 1;
	result(&r[2], "tcp.teardown", "the server closes first", "expect[2]", WC_FAIL, 2,
	       "the client closed first: its FIN is in frame 12", "frame.number in {12 13}");
	r[2].frames[0] = 12, r[2].frames[1] = 13, r[2].frame_count = 2;
	result(&r[3], "checksum", "checksums as on lo", "expect[3]", WC_PASS, 2,
	       "all 14 TCP checksums are partial, as on lo", "");
	o->results = r;
	o->seconds = echo_seconds;
	o->count = 4;
	wc_outcome_tally(o);
}

static struct wc_result nasty_results[3];
static struct wc_capture_fact nasty_captures[2];

void sample_nasty(struct wc_outcome *o)
{
	memset(o, 0, sizeof *o);
	o->name = "udp <lost> & \"found\"";
	o->summary = NULL;
	o->file = "scenarios/udp-cut.json";
	o->started = 0;

	memset(nasty_captures, 0, sizeof nasty_captures);
	snprintf(nasty_captures[0].role, sizeof nasty_captures[0].role, "client");
	nasty_captures[0].path = "c.pcap";
	nasty_captures[0].frames = 40;
	snprintf(nasty_captures[1].role, sizeof nasty_captures[1].role, "server");
	nasty_captures[1].path = "s.pcap";
	nasty_captures[1].frames = 1;
	o->captures = nasty_captures;
	o->capture_count = 2;
	wc_placeholders_init(&o->placeholders);

	struct wc_result *r = nasty_results;
	result(&r[0], "udp.datagrams", "all 40 \"datagrams\" <arrive>", "expect[0]", WC_FAIL, 1.5,
	       "sent on the client side, never seen on the server side: 39 datagrams\n"
	       "first 'lost' \x01 byte \xff \xe2\x80\x94 caf\xc3\xa9",
	       "udp && frame.number >= 2");
	for (uint64_t i = 0; i < WC_MAX_EVIDENCE; i++)
		r[0].frames[i] = 2 + i;
	r[0].frame_count = WC_MAX_EVIDENCE;
	r[0].frames_more = true;
	snprintf(r[0].vantage, sizeof r[0].vantage, "client");
	result(&r[1], "icmp.unreachable", "no ICMP error", "expect[1]", WC_INCONCLUSIVE, 1,
	       "this expectation uses {port}, which is unknown: it was not given with --set; give it with --set port=…",
	       "");
	result(&r[2], "ip.fields", "TTL 64", "expect[2]", WC_PASS, 0.5, "every packet has TTL 64", "ip.ttl == 64");
	r[2].frames[0] = 1, r[2].frame_count = 1;
	snprintf(r[2].vantage, sizeof r[2].vantage, "server");
	o->results = r;
	o->seconds = NULL;
	o->count = 3;
	wc_outcome_tally(o);
}
