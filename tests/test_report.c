/* test_report.c — the reports from hand-built outcomes (exact text, JSON read back with
 * json-c, JUnit well-formed for xmllint) and the engine with fake checks: placeholders,
 * vantage points, points and the outcome rules. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_samples.h"
#include "unit.h"
#include "verdict.h"

/* ---- capture what a report writes ------------------------------------------ */

static char *buf;
static size_t buf_len;

/* The report of o[0..n) in format fmt, as one string (valid until the next call). */
static const char *render(enum wc_report_format fmt, const struct wc_outcome *o, size_t n, bool color)
{
	free(buf);
	buf = NULL;
	FILE *f = open_memstream(&buf, &buf_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char errbuf[WC_ERRBUF_SIZE];
	CU_ASSERT_EQUAL(wc_report_write(fmt, f, o, n, color, errbuf), 0);
	fclose(f);
	return buf;
}

#define ASSERT_STR(got, expected)                                                     \
	do {                                                                              \
		const char *g_ = (got), *e_ = (expected);                                     \
		if (strcmp(g_, e_) != 0)                                                      \
			fprintf(stderr, "\nexpected [%s]\n     got [%s]\n", e_, g_);              \
		CU_ASSERT_STRING_EQUAL(g_, e_);                                               \
	} while (0)

#define ASSERT_HAS(hay, needle)                                                       \
	do {                                                                              \
		if (!strstr((hay), (needle)))                                                 \
			fprintf(stderr, "\nmissing [%s] in\n%s\n", (needle), (hay));              \
		CU_ASSERT_PTR_NOT_NULL(strstr((hay), (needle)));                              \
	} while (0)

/* ---- text ------------------------------------------------------------------- */

static void test_text_exact(void)
{
	struct wc_outcome o;
	sample_echo(&o);
	ASSERT_STR(render(WC_REPORT_TEXT, &o, 1, false),
	           "scenario tcp-echo: a client sends three lines to an echo server and reads them back\n"
	           "  from scenarios/tcp-echo.json\n"
	           "  capture captures/tcp-echo-lo.pcap: 14 frames\n"
	           "  placeholders: port 7007 (from the capture), server 127.0.0.1 (from --set), client unknown\n"
	           "PASS tcp.handshake  complete handshake (frames 1, 2, 3)  2/2 points\n"
	           "    the client's SYN in frame 1 was answered with SYN-ACK in frame 2 and acknowledged in frame 3\n"
	           "    filter: tcp.stream eq 0 && tcp.flags.syn == 1\n"
	           "PASS tcp.stream  the server echoes every byte (frame 4)  3/3 points\n"
	           "    the server sent back the 117 bytes the client sent\n"
	           "FAIL tcp.teardown  the server closes first (frames 12, 13)  0/2 points\n"
	           "    the client closed first: its FIN is in frame 12\n"
	           "    filter: frame.number in {12 13}\n"
	           "PASS checksum  checksums as on lo  2/2 points\n"
	           "    all 14 TCP checksums are partial, as on lo\n"
	           "3 passed, 1 failed, 0 inconclusive — 7/9 points\n"
	           "verdict: FAIL\n");
}

static void test_text_vantage_and_totals(void)
{
	struct wc_outcome o[2];
	sample_echo(&o[0]);
	sample_nasty(&o[1]);
	const char *t = render(WC_REPORT_TEXT, o, 2, false);
	ASSERT_HAS(t, "\nscenario udp <lost> & \"found\"\n  from scenarios/udp-cut.json\n"
	              "  capture client c.pcap: 40 frames\n  capture server s.pcap: 1 frame\n");
	ASSERT_HAS(t, "\nFAIL udp.datagrams  all 40 \"datagrams\" <arrive> (frames 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, "
	              "12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, … "
	              "in the client capture)  0/1.5 points\n"
	              "    sent on the client side, never seen on the server side: 39 datagrams\n"
	              "    first 'lost' \x01 byte \xff \xe2\x80\x94 caf\xc3\xa9\n"
	              "    filter: udp && frame.number >= 2\n");
	ASSERT_HAS(t, "\nINCONCLUSIVE icmp.unreachable  no ICMP error  0/1 points\n");
	ASSERT_HAS(t, "\nPASS ip.fields  TTL 64 (frame 1 in the server capture)  0.5/0.5 points\n");
	ASSERT_HAS(t, "\n1 passed, 1 failed, 1 inconclusive — 0.5/3 points\nverdict: FAIL\n"
	              "\nsummary:\n"
	              "  FAIL         tcp-echo              7/9 points  a client sends three lines to an echo server and "
	              "reads them back\n"
	              "  FAIL         udp <lost> & \"found\"  0.5/3 points\n"
	              "\n2 scenarios: 4 passed, 2 failed, 1 inconclusive — 7.5/12 points\nverdict: FAIL\n");
}

static void test_text_colour(void)
{
	struct wc_outcome o[2];
	sample_echo(&o[0]);
	sample_nasty(&o[1]);
	const char *t = render(WC_REPORT_TEXT, o, 2, true);
	ASSERT_HAS(t, "\033[1;32mPASS\033[0m \033[1mtcp.handshake\033[0m  complete handshake");
	ASSERT_HAS(t, "\033[1;31mFAIL\033[0m \033[1mtcp.teardown\033[0m");
	ASSERT_HAS(t, "\033[1;33mINCONCLUSIVE\033[0m \033[1micmp.unreachable\033[0m");
	t = render(WC_REPORT_TEXT, o, 2, false);
	CU_ASSERT_PTR_NULL(strchr(t, '\033'));
}

static void test_text_inconclusive_why(void)
{
	struct wc_outcome o;
	sample_echo(&o);
	o.results[2].verdict = WC_INCONCLUSIVE;
	snprintf(o.results[2].reason, sizeof o.results[2].reason, "no FIN was captured");
	wc_outcome_tally(&o);
	const char *t = render(WC_REPORT_TEXT, &o, 1, false);
	ASSERT_HAS(t, "\nINCONCLUSIVE tcp.teardown  the server closes first (frames 12, 13)  0/2 points\n"
	              "    no FIN was captured\n");
	ASSERT_HAS(t, "\n3 passed, 0 failed, 1 inconclusive — 7/9 points\n"
	              "verdict: INCONCLUSIVE — 1 of 4 checks could not be decided from the capture\n");
}

/* ---- JSON ------------------------------------------------------------------- */

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;
	CU_ASSERT_TRUE(json_object_object_get_ex(o, key, &v));
	return v;
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "(not a string)";
}

static void test_json_read_back(void)
{
	struct wc_outcome o[2];
	sample_echo(&o[0]);
	sample_nasty(&o[1]);
	const char *text = render(WC_REPORT_JSON, o, 2, false);
	CU_ASSERT_EQUAL(text[strlen(text) - 1], '\n');
	json_object *root = json_tokener_parse(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	ASSERT_STR(get_str(root, "report"), "wirecheck");
	CU_ASSERT_EQUAL(json_object_get_int(get(root, "version")), 1);
	ASSERT_STR(get_str(root, "verdict"), "fail");
	CU_ASSERT_EQUAL(json_object_get_int(get(root, "exit_status")), 1);
	json_object *tot = get(root, "totals");
	CU_ASSERT_EQUAL(json_object_get_int(get(tot, "passed")), 4);
	CU_ASSERT_EQUAL(json_object_get_int(get(tot, "failed")), 2);
	CU_ASSERT_EQUAL(json_object_get_int(get(tot, "inconclusive")), 1);
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(tot, "points")), 7.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(tot, "points_max")), 12, 1e-9);

	json_object *sc = get(root, "scenarios");
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(sc), 2);
	json_object *echo = json_object_array_get_idx(sc, 0);
	ASSERT_STR(get_str(echo, "name"), "tcp-echo");
	ASSERT_STR(get_str(echo, "file"), "scenarios/tcp-echo.json");
	ASSERT_STR(get_str(echo, "verdict"), "fail");
	CU_ASSERT_TRUE(json_object_is_type(get(echo, "why"), json_type_null));
	ASSERT_STR(get_str(echo, "started"), "2023-11-14T22:13:20Z");
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(echo, "seconds")), 0.00425, 1e-9);
	json_object *cap = json_object_array_get_idx(get(echo, "captures"), 0);
	ASSERT_STR(get_str(cap, "role"), "");
	ASSERT_STR(get_str(cap, "path"), "captures/tcp-echo-lo.pcap");
	CU_ASSERT_EQUAL(json_object_get_int(get(cap, "frames")), 14);
	CU_ASSERT_FALSE(json_object_get_boolean(get(cap, "broken")));
	json_object *ph = get(echo, "placeholders");
	ASSERT_STR(get_str(get(ph, "port"), "value"), "7007");
	ASSERT_STR(get_str(get(ph, "port"), "source"), "capture");
	ASSERT_STR(get_str(get(ph, "server"), "source"), "set");
	CU_ASSERT_TRUE(json_object_is_type(get(get(ph, "client"), "value"), json_type_null));
	ASSERT_STR(get_str(get(ph, "client"), "why_unknown"), "it was not given with --set");

	json_object *checks = get(echo, "checks");
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(checks), 4);
	json_object *hs = json_object_array_get_idx(checks, 0);
	ASSERT_STR(get_str(hs, "path"), "expect[0]");
	ASSERT_STR(get_str(hs, "check"), "tcp.handshake");
	ASSERT_STR(get_str(hs, "label"), "complete handshake");
	ASSERT_STR(get_str(hs, "verdict"), "pass");
	CU_ASSERT_EQUAL(json_object_get_int(get(hs, "points")), 2);
	ASSERT_STR(get_str(hs, "filter"), "tcp.stream eq 0 && tcp.flags.syn == 1");
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(hs, "seconds")), 0.001, 1e-9);
	json_object *fr = get(hs, "frames");
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(fr), 3);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(json_object_get_int(json_object_array_get_idx(fr, (size_t)i)), i + 1);
	json_object *stream = json_object_array_get_idx(checks, 1);
	CU_ASSERT_TRUE(json_object_is_type(get(stream, "filter"), json_type_null));
	json_object *td = json_object_array_get_idx(checks, 2);
	ASSERT_STR(get_str(td, "verdict"), "fail");
	CU_ASSERT_EQUAL(json_object_get_int(get(td, "points")), 0);
	ASSERT_STR(get_str(td, "reason"), "the client closed first: its FIN is in frame 12");

	/* escaping survived: quotes and a newline come back, broken UTF-8 as U+FFFD */
	json_object *nasty = json_object_array_get_idx(sc, 1);
	ASSERT_STR(get_str(nasty, "name"), "udp <lost> & \"found\"");
	CU_ASSERT_TRUE(json_object_is_type(get(nasty, "summary"), json_type_null));
	ASSERT_STR(get_str(nasty, "verdict"), "fail");
	json_object *ud = json_object_array_get_idx(get(nasty, "checks"), 0);
	ASSERT_STR(get_str(ud, "reason"), "sent on the client side, never seen on the server side: 39 datagrams\n"
	                                  "first 'lost' \x01 byte \xef\xbf\xbd \xe2\x80\x94 caf\xc3\xa9");
	ASSERT_STR(get_str(ud, "vantage"), "client");
	CU_ASSERT_EQUAL(json_object_array_length(get(ud, "frames")), WC_MAX_EVIDENCE);
	CU_ASSERT_TRUE(json_object_get_boolean(get(ud, "frames_more")));
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(ud, "points_max")), 1.5, 1e-9);
	json_object *ic = json_object_array_get_idx(get(nasty, "checks"), 1);
	ASSERT_STR(get_str(ic, "verdict"), "inconclusive");
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(get(ic, "seconds")), 0, 1e-12);
	json_object_put(root);
}

/* ---- JUnit ------------------------------------------------------------------ */

static void test_junit_well_formed(void)
{
	struct wc_outcome o[2];
	sample_echo(&o[0]);
	sample_nasty(&o[1]);
	const char *x = render(WC_REPORT_JUNIT, o, 2, false);
	const char *path = wc_scratch("report_sample.xml");
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(x, f);
	fclose(f);
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", path);
	CU_ASSERT_EQUAL(system(cmd), 0);

	ASSERT_HAS(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	              "<testsuites name=\"wirecheck\" tests=\"7\" failures=\"2\" errors=\"0\" skipped=\"1\" "
	              "time=\"0.004250\">\n");
	ASSERT_HAS(x, "  <testsuite name=\"tcp-echo\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"0\" "
	              "timestamp=\"2023-11-14T22:13:20\" time=\"0.004250\">\n"
	              "    <properties>\n"
	              "      <property name=\"file\" value=\"scenarios/tcp-echo.json\"/>\n");
	ASSERT_HAS(x, "      <property name=\"capture\" value=\"captures/tcp-echo-lo.pcap\"/>\n"
	              "      <property name=\"placeholder.port\" value=\"7007\"/>\n"
	              "      <property name=\"placeholder.server\" value=\"127.0.0.1\"/>\n"
	              "    </properties>\n");
	ASSERT_HAS(x, "    <testcase classname=\"tcp-echo\" name=\"tcp.handshake: complete handshake\" "
	              "time=\"0.001000\">\n"
	              "      <properties>\n"
	              "        <property name=\"path\" value=\"expect[0]\"/>\n"
	              "        <property name=\"points\" value=\"2\"/>\n"
	              "        <property name=\"points_max\" value=\"2\"/>\n"
	              "        <property name=\"frames\" value=\"1 2 3\"/>\n"
	              "        <property name=\"filter\" value=\"tcp.stream eq 0 &amp;&amp; tcp.flags.syn == 1\"/>\n"
	              "      </properties>\n"
	              "      <system-out>the client's SYN in frame 1 was answered with SYN-ACK in frame 2 and "
	              "acknowledged in frame 3\nframes: 1 2 3\nfilter: tcp.stream eq 0 &amp;&amp; tcp.flags.syn == "
	              "1</system-out>\n    </testcase>\n");
	ASSERT_HAS(x, "      <failure message=\"the client closed first: its FIN is in frame 12\" type=\"fail\">"
	              "the client closed first: its FIN is in frame 12\nframes: 12 13\n"
	              "filter: frame.number in {12 13}</failure>\n");
	/* escaping: markup characters, quotes, line breaks in attributes, a control byte and
	 * broken UTF-8 as U+FFFD, good UTF-8 kept */
	ASSERT_HAS(x, "  <testsuite name=\"udp &lt;lost&gt; &amp; &quot;found&quot;\" tests=\"3\" failures=\"1\" "
	              "errors=\"0\" skipped=\"1\" timestamp=\"1970-01-01T00:00:00\" time=\"0.000000\">\n");
	ASSERT_HAS(x, "    <testcase classname=\"udp &lt;lost&gt; &amp; &quot;found&quot;\" "
	              "name=\"udp.datagrams: all 40 &quot;datagrams&quot; &lt;arrive&gt;\" time=\"0.000000\">\n");
	ASSERT_HAS(x, "      <failure message=\"sent on the client side, never seen on the server side: 39 "
	              "datagrams&#10;first 'lost' \xef\xbf\xbd byte \xef\xbf\xbd \xe2\x80\x94 caf\xc3\xa9\" "
	              "type=\"fail\">sent on the client side, never seen on the server side: 39 datagrams\n"
	              "first 'lost' \xef\xbf\xbd byte \xef\xbf\xbd \xe2\x80\x94 caf\xc3\xa9\nframes: 2 3 4");
	ASSERT_HAS(x, " 33 … (client capture)\nfilter: udp &amp;&amp; frame.number &gt;= 2</failure>\n");
	ASSERT_HAS(x, "        <property name=\"vantage\" value=\"client\"/>\n");
	ASSERT_HAS(x, "      <skipped message=\"this expectation uses {port}, which is unknown: it was not given "
	              "with --set; give it with --set port=…\"/>\n");
	ASSERT_HAS(x, "      <property name=\"capture.client\" value=\"c.pcap\"/>\n"
	              "      <property name=\"capture.server\" value=\"s.pcap\"/>\n");
	CU_ASSERT_PTR_NULL(strchr(x, '\x01'));
}

/* ---- outcome rules ------------------------------------------------------------ */

static void test_tally_rules(void)
{
	struct wc_outcome o;
	sample_echo(&o);
	CU_ASSERT_EQUAL(o.verdict, WC_FAIL);
	CU_ASSERT_EQUAL(wc_verdict_exit_status(o.verdict), 1);
	CU_ASSERT_EQUAL(o.passed, 3);
	CU_ASSERT_DOUBLE_EQUAL(o.points, 7, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(o.points_max, 9, 1e-9);

	/* every check passed */
	o.results[2].verdict = WC_PASS;
	o.results[2].points = 2;
	wc_outcome_tally(&o);
	CU_ASSERT_EQUAL(o.verdict, WC_PASS);
	CU_ASSERT_EQUAL(wc_verdict_exit_status(o.verdict), 0);
	ASSERT_STR(o.why, "");

	/* a pass the capture cannot fully support is not given */
	o.results[1].verdict = WC_INCONCLUSIVE;
	o.results[1].points = 0;
	wc_outcome_tally(&o);
	CU_ASSERT_EQUAL(o.verdict, WC_INCONCLUSIVE);
	CU_ASSERT_EQUAL(wc_verdict_exit_status(o.verdict), 3);
	ASSERT_STR(o.why, "1 of 4 checks could not be decided from the capture");

	/* a failure stands next to an undecided check */
	o.results[2].verdict = WC_FAIL;
	wc_outcome_tally(&o);
	CU_ASSERT_EQUAL(o.verdict, WC_FAIL);
	ASSERT_STR(o.why, "");

	/* ... but not next to a capture that cannot be judged */
	snprintf(o.results[3].check, sizeof o.results[3].check, "capture.health");
	o.results[3].verdict = WC_INCONCLUSIVE;
	snprintf(o.results[3].reason, sizeof o.results[3].reason, "the kernel dropped 3 packets");
	wc_outcome_tally(&o);
	CU_ASSERT_EQUAL(o.verdict, WC_INCONCLUSIVE);
	ASSERT_STR(o.why, "the capture itself cannot be judged (expect[3]): the kernel dropped 3 packets");
	o.results[3].verdict = WC_FAIL; /* however capture.health words it */
	wc_outcome_tally(&o);
	CU_ASSERT_EQUAL(o.verdict, WC_INCONCLUSIVE);

	/* a capture that breaks off */
	o.results[3].verdict = WC_PASS;
	o.captures[0].broken = true;
	snprintf(o.captures[0].detail, sizeof o.captures[0].detail, "truncated dump file");
	wc_outcome_tally(&o);
	CU_ASSERT_EQUAL(o.verdict, WC_INCONCLUSIVE);
	ASSERT_STR(o.why, "the capture captures/tcp-echo-lo.pcap breaks off after frame 14 (truncated dump file), "
	                  "so it cannot be judged");
	o.captures[0].broken = false;
}

static void test_combine(void)
{
	struct wc_outcome o[3];
	memset(o, 0, sizeof o);
	CU_ASSERT_EQUAL(wc_verdict_combine(o, 3), WC_PASS);
	o[1].verdict = WC_INCONCLUSIVE;
	CU_ASSERT_EQUAL(wc_verdict_combine(o, 3), WC_INCONCLUSIVE);
	o[2].verdict = WC_FAIL;
	CU_ASSERT_EQUAL(wc_verdict_combine(o, 3), WC_FAIL);
	CU_ASSERT_EQUAL(wc_verdict_combine(o, 0), WC_PASS);
	CU_ASSERT_EQUAL(wc_verdict_exit_status(WC_INCONCLUSIVE), 3);
}

static void test_format_names(void)
{
	CU_ASSERT_EQUAL(wc_report_format_parse("text"), WC_REPORT_TEXT);
	CU_ASSERT_EQUAL(wc_report_format_parse("json"), WC_REPORT_JSON);
	CU_ASSERT_EQUAL(wc_report_format_parse("junit"), WC_REPORT_JUNIT);
	CU_ASSERT_EQUAL(wc_report_format_parse("xml"), -1);
	CU_ASSERT_EQUAL(wc_report_format_parse(""), -1);
}

static void test_write_error(void)
{
	struct wc_outcome o;
	sample_echo(&o);
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		return; /* no /dev/full here: nothing to learn */
	char errbuf[WC_ERRBUF_SIZE];
	CU_ASSERT_EQUAL(wc_report_json(f, &o, 1, errbuf), -1);
	ASSERT_STR(errbuf, "cannot write the JSON report");
	CU_ASSERT_EQUAL(wc_report_junit(f, &o, 1, errbuf), -1);
	CU_ASSERT_EQUAL(wc_report_text(f, &o, 1, false, errbuf), -1);
	fclose(f);
}

/* ---- placeholders ------------------------------------------------------------- */

static void test_placeholders_set(void)
{
	struct wc_placeholders ph;
	char errbuf[WC_ERRBUF_SIZE];
	wc_placeholders_init(&ph);
	CU_ASSERT_EQUAL(wc_placeholders_set(&ph, "port", "7007", errbuf), 0);
	ASSERT_STR(ph.p[WC_PH_PORT].value, "7007");
	CU_ASSERT_EQUAL(ph.p[WC_PH_PORT].source, WC_PH_SET);
	CU_ASSERT_EQUAL(wc_placeholders_set(&ph, "server", "::0001", errbuf), 0);
	ASSERT_STR(ph.p[WC_PH_SERVER].value, "::1");
	CU_ASSERT_EQUAL(wc_placeholders_set(&ph, "client", "10.0.0.1", errbuf), 0);
	ASSERT_STR(ph.p[WC_PH_CLIENT].value, "10.0.0.1");

	CU_ASSERT_EQUAL(wc_placeholders_set(&ph, "port", "0", errbuf), -1);
	ASSERT_STR(errbuf, "--set: port wants a number from 1 to 65535, not '0'");
	CU_ASSERT_EQUAL(wc_placeholders_set(&ph, "port", "65536", errbuf), -1);
	CU_ASSERT_EQUAL(wc_placeholders_set(&ph, "port", "7007x", errbuf), -1);
	CU_ASSERT_EQUAL(wc_placeholders_set(&ph, "server", "example.org", errbuf), -1);
	ASSERT_STR(errbuf, "--set: server wants an IPv4 or IPv6 address, not 'example.org'");
	CU_ASSERT_EQUAL(wc_placeholders_set(&ph, "host", "1.2.3.4", errbuf), -1);
	ASSERT_STR(errbuf, "--set: unknown placeholder 'host' (port, server or client)");
}

static void test_placeholders_text(void)
{
	struct wc_placeholders ph;
	char errbuf[WC_ERRBUF_SIZE], out[64];
	wc_placeholders_init(&ph);
	wc_placeholders_set(&ph, "port", "7007", errbuf);
	/* braces that are no placeholder stay, as in a regular expression */
	CU_ASSERT_PTR_NULL(wc_placeholders_text(&ph, "^a{3}{port}{x}{", out, sizeof out));
	ASSERT_STR(out, "^a{3}7007{x}{");
	ASSERT_STR(wc_placeholders_text(&ph, "{server}:{port}", out, sizeof out), "server");
	ASSERT_STR(out, "{server}:7007");
}

static void test_placeholders_fill(void)
{
	static const struct wc_field inner[] = {
		{.key = "dport", .type = WC_F_INT},
		{.key = "peer", .type = WC_F_STRING},
		{0},
	};
	static const struct wc_field fields[] = {
		{.key = "port", .type = WC_F_INT},
		{.key = "count", .type = WC_F_COUNT},
		{.key = "text", .type = WC_F_STRING},
		{.key = "to", .type = WC_F_OBJECTS, .fields = inner},
		{0},
	};
	struct wc_placeholders ph;
	char errbuf[WC_ERRBUF_SIZE];
	wc_placeholders_init(&ph);
	wc_placeholders_set(&ph, "port", "7007", errbuf);
	wc_placeholders_set(&ph, "server", "10.0.0.2", errbuf);
	json_object *in = json_tokener_parse(
		"{\"check\":\"x\",\"name\":\"to {client}\",\"port\":\"{port}\",\"count\":3,"
		"\"text\":\"{port}\",\"to\":[{\"dport\":\"{port}\",\"peer\":\"{server}:{port}\"}]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	const char *missing = "unset";
	json_object *out = wc_placeholders_fill(&ph, in, fields, &missing);
	CU_ASSERT_PTR_NULL(missing); /* {client} in the label alone does not count */
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	ASSERT_STR(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN),
	           "{\"check\":\"x\",\"name\":\"to {client}\",\"port\":7007,\"count\":3,\"text\":\"7007\","
	           "\"to\":[{\"dport\":7007,\"peer\":\"10.0.0.2:7007\"}]}");
	/* the scenario's own tree is untouched */
	ASSERT_STR(json_object_get_string(json_object_object_get(in, "port")), "{port}");
	json_object_put(out);

	json_object_object_add(in, "text", json_object_new_string("from {client}"));
	CU_ASSERT_PTR_NULL(wc_placeholders_fill(&ph, in, fields, &missing));
	ASSERT_STR(missing, "client");
	json_object_put(in);
}

/* ---- the engine with fake checks ---------------------------------------------- */

static const struct wc_field fake_args[] = {
	{.key = "port", .type = WC_F_INT},
	{.key = "peer", .type = WC_F_STRING},
	{.key = "want_role", .type = WC_F_STRING},
	{0},
};

/* Passes when the port argument is 7007, the peer argument is 127.0.0.1 and it judges
 * the capture tagged want_role; cites frames 3 and 1; claims 99 points, which the
 * engine must not give. */
static void fake_run(const struct wc_check_ctx *ctx, json_object *args, struct wc_result *r)
{
	const char *role = wc_schema_str(args, "want_role", "");
	const char *port_ph = NULL;
	json_object *v;
	if (json_object_object_get_ex(ctx->placeholders, "port", &v))
		port_ph = json_object_get_string(v);
	bool ok = wc_schema_int(args, "port", 0) == 7007 && strcmp(wc_schema_str(args, "peer", ""), "127.0.0.1") == 0 &&
	          strcmp(ctx->views[0].role, role) == 0 && port_ph && strcmp(port_ph, "7007") == 0;
	r->verdict = ok ? WC_PASS : WC_FAIL;
	r->points = 99;
	wc_result_reason(r, "judged %s (%zu views), port %lld", ctx->views[0].role[0] ? ctx->views[0].role : "untagged",
	                 ctx->view_count, (long long)wc_schema_int(args, "port", 0));
	wc_result_frame(r, 3);
	wc_result_frame(r, 1);
}

static const struct wc_check_def fake_check = {
	.name = "fake.check",
	.summary = "a fake check",
	.args = fake_args,
	.run = fake_run,
};

static json_object *expectation(const char *text)
{
	json_object *o = json_tokener_parse(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	return o;
}

static void set_expect(struct wc_expect *e, const char *path, const char *label, double points,
                       const char *vantage, json_object *args)
{
	memset(e, 0, sizeof *e);
	e->def = &fake_check;
	e->args = args;
	snprintf(e->path, sizeof e->path, "%s", path);
	snprintf(e->label, sizeof e->label, "%s", label);
	e->points = points;
	snprintf(e->vantage, sizeof e->vantage, "%s", vantage);
}

static const char *echo_capture(void)
{
	return wc_fixture("../../captures/tcp-echo-lo.pcap");
}

static void test_engine_lone_capture(void)
{
	char errbuf[WC_ERRBUF_SIZE];
	struct wc_view view;
	CU_ASSERT_EQUAL_FATAL(wc_view_load(echo_capture(), "", &view, errbuf), 0);
	struct wc_placeholders ph;
	wc_placeholders_init(&ph);
	wc_placeholders_infer(&ph, &view, 1);
	ASSERT_STR(ph.p[WC_PH_PORT].value, "7007");
	CU_ASSERT_EQUAL(ph.p[WC_PH_PORT].source, WC_PH_CAPTURE);
	ASSERT_STR(ph.p[WC_PH_SERVER].value, "127.0.0.1");
	ASSERT_STR(ph.p[WC_PH_CLIENT].value, "127.0.0.1");

	struct wc_expect e[3];
	json_object *a0 = expectation("{\"check\":\"fake.check\",\"port\":\"{port}\",\"peer\":\"{client}\"}");
	json_object *a1 = expectation("{\"check\":\"fake.check\",\"port\":7008,\"peer\":\"{client}\"}");
	/* a lone untagged capture stands for every vantage */
	json_object *a2 = expectation("{\"check\":\"fake.check\",\"port\":\"{port}\",\"peer\":\"127.0.0.1\","
	                              "\"vantage\":\"server\",\"want_role\":\"server\"}");
	set_expect(&e[0], "expect[0]", "echo on {port}", 2, "", a0);
	set_expect(&e[1], "expect[1]", "wrong port", 1, "", a1);
	set_expect(&e[2], "expect[2]", "server side", 0.5, "server", a2);
	struct wc_scenario s = {.file = (char *)"x.json", .name = "fake", .summary = "fakes", .expect = e,
	                        .expect_count = 3};
	struct wc_outcome o;
	CU_ASSERT_EQUAL_FATAL(wc_verdict_run(&s, &view, 1, &ph, NULL, &o, errbuf), 0);
	CU_ASSERT_EQUAL_FATAL(o.count, 3);
	const struct wc_result *r = o.results;
	ASSERT_STR(r[0].check, "fake.check");
	ASSERT_STR(r[0].label, "echo on 7007");
	ASSERT_STR(r[0].path, "expect[0]");
	CU_ASSERT_EQUAL(r[0].verdict, WC_PASS);
	CU_ASSERT_DOUBLE_EQUAL(r[0].points, 2, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(r[0].points_max, 2, 1e-9);
	ASSERT_STR(r[0].reason, "judged untagged (1 views), port 7007");
	CU_ASSERT_EQUAL(r[0].frame_count, 2);
	CU_ASSERT_EQUAL(r[0].frames[0], 1);
	CU_ASSERT_EQUAL(r[0].frames[1], 3);
	ASSERT_STR(r[0].filter, "frame.number in {1 3}");
	CU_ASSERT_EQUAL(r[1].verdict, WC_FAIL);
	CU_ASSERT_DOUBLE_EQUAL(r[1].points, 0, 1e-9);
	ASSERT_STR(r[1].reason, "judged untagged (1 views), port 7008");
	/* the lone untagged capture stood in for the server, under that name */
	CU_ASSERT_EQUAL(r[2].verdict, WC_PASS);
	ASSERT_STR(r[2].reason, "judged server (1 views), port 7007");
	ASSERT_STR(r[2].vantage, "");
	CU_ASSERT_EQUAL(o.verdict, WC_FAIL);
	CU_ASSERT_DOUBLE_EQUAL(o.points, 2.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(o.points_max, 3.5, 1e-9);
	ASSERT_STR(o.name, "fake");
	CU_ASSERT_EQUAL(o.capture_count, 1);
	CU_ASSERT_EQUAL(o.captures[0].frames, view.frame_count);
	CU_ASSERT_PTR_NOT_NULL(o.seconds);
	wc_outcome_free(&o);

	/* no placeholder known: the check is not run */
	struct wc_placeholders none;
	wc_placeholders_init(&none);
	CU_ASSERT_EQUAL_FATAL(wc_verdict_run(&s, &view, 1, &none, NULL, &o, errbuf), 0);
	CU_ASSERT_EQUAL(o.results[0].verdict, WC_INCONCLUSIVE);
	ASSERT_STR(o.results[0].label, "echo on {port}");
	ASSERT_STR(o.results[0].reason,
	           "this expectation uses {port}, which is unknown: it was not given with --set; give it with --set port=…");
	CU_ASSERT_EQUAL(o.results[0].frame_count, 0);
	CU_ASSERT_EQUAL(o.results[1].verdict, WC_INCONCLUSIVE);
	ASSERT_STR(o.results[1].reason, "this expectation uses {client}, which is unknown: it was not given with "
	                                "--set; give it with --set client=…");
	CU_ASSERT_EQUAL(o.verdict, WC_INCONCLUSIVE);
	ASSERT_STR(o.why, "3 of 3 checks could not be decided from the capture");
	wc_outcome_free(&o);

	json_object_put(a0);
	json_object_put(a1);
	json_object_put(a2);
	wc_view_free(&view);
}

static void test_engine_vantage(void)
{
	char errbuf[WC_ERRBUF_SIZE];
	struct wc_view views[2];
	CU_ASSERT_EQUAL_FATAL(wc_view_load(echo_capture(), "client", &views[0], errbuf), 0);
	CU_ASSERT_EQUAL_FATAL(wc_view_load(echo_capture(), "server", &views[1], errbuf), 0);
	struct wc_placeholders ph;
	wc_placeholders_init(&ph);
	wc_placeholders_infer(&ph, views, 2); /* the same SYN in both: still settled */
	ASSERT_STR(ph.p[WC_PH_PORT].value, "7007");

	struct wc_expect e[3];
	json_object *a0 = expectation("{\"check\":\"fake.check\",\"port\":\"{port}\",\"peer\":\"{server}\","
	                              "\"want_role\":\"server\",\"vantage\":\"server\"}");
	json_object *a1 = expectation("{\"check\":\"fake.check\",\"port\":\"{port}\",\"peer\":\"{server}\","
	                              "\"want_role\":\"client\"}");
	json_object *a2 = expectation("{\"check\":\"fake.check\",\"vantage\":\"link\"}");
	set_expect(&e[0], "expect[0]", "on the server", 1, "server", a0);
	set_expect(&e[1], "expect[1]", "first capture", 1, "", a1);
	set_expect(&e[2], "expect[2]", "on the link", 1, "link", a2);
	struct wc_scenario s = {.file = (char *)"v.json", .name = "vantage", .expect = e, .expect_count = 3};
	struct wc_outcome o;
	CU_ASSERT_EQUAL_FATAL(wc_verdict_run(&s, views, 2, &ph, NULL, &o, errbuf), 0);
	CU_ASSERT_EQUAL(o.results[0].verdict, WC_PASS);
	ASSERT_STR(o.results[0].reason, "judged server (2 views), port 7007");
	ASSERT_STR(o.results[0].vantage, "server");
	CU_ASSERT_EQUAL(o.results[1].verdict, WC_PASS);
	ASSERT_STR(o.results[1].vantage, "client");
	CU_ASSERT_EQUAL(o.results[2].verdict, WC_INCONCLUSIVE);
	ASSERT_STR(o.results[2].reason, "this expectation judges the capture taken at the link, but no capture was "
	                                "tagged link= (captures given: client and server)");
	CU_ASSERT_EQUAL(o.verdict, WC_INCONCLUSIVE);
	ASSERT_STR(o.captures[1].role, "server");
	wc_outcome_free(&o);
	json_object_put(a0);
	json_object_put(a1);
	json_object_put(a2);
	wc_view_free(&views[0]);
	wc_view_free(&views[1]);
}

/* Hand-made views: the inference reads only frames and UDP flows. */
static void syn(struct wc_frame_rec *f, uint8_t src, uint8_t dst, uint16_t dport)
{
	memset(f, 0, sizeof *f);
	f->l4 = WC_L4_TCP;
	f->tcp_flags = WC_TH_SYN;
	f->src.family = f->dst.family = 4;
	f->src.bytes[0] = f->dst.bytes[0] = 10;
	f->src.bytes[3] = src;
	f->dst.bytes[3] = dst;
	f->sport = 40000;
	f->dport = dport;
}

static void test_infer_ambiguous(void)
{
	struct wc_frame_rec frames[4];
	syn(&frames[0], 1, 2, 7007);
	syn(&frames[1], 1, 2, 7008);
	syn(&frames[2], 1, 2, 7007);
	syn(&frames[3], 1, 2, 2);
	frames[3].tcp_flags |= WC_TH_ACK; /* a SYN-ACK goes the other way: not counted */
	struct wc_view v = {.frames = frames, .frame_count = 4};
	struct wc_placeholders ph;
	wc_placeholders_init(&ph);
	wc_placeholders_infer(&ph, &v, 1);
	CU_ASSERT_EQUAL(ph.p[WC_PH_PORT].source, WC_PH_UNKNOWN);
	ASSERT_STR(ph.p[WC_PH_PORT].why, "the SYNs went to 2 different ports (7007 and 7008)");
	ASSERT_STR(ph.p[WC_PH_SERVER].value, "10.0.0.2");
	ASSERT_STR(ph.p[WC_PH_CLIENT].value, "10.0.0.1");

	/* --set wins over the capture */
	char errbuf[WC_ERRBUF_SIZE];
	wc_placeholders_init(&ph);
	wc_placeholders_set(&ph, "server", "10.9.9.9", errbuf);
	syn(&frames[1], 3, 4, 7007);
	syn(&frames[3], 5, 6, 7007);
	wc_placeholders_infer(&ph, &v, 1);
	ASSERT_STR(ph.p[WC_PH_PORT].value, "7007");
	ASSERT_STR(ph.p[WC_PH_SERVER].value, "10.9.9.9");
	CU_ASSERT_EQUAL(ph.p[WC_PH_SERVER].source, WC_PH_SET);
	ASSERT_STR(ph.p[WC_PH_CLIENT].why, "the SYNs came from 3 different addresses (10.0.0.1, 10.0.0.3 and 10.0.0.5)");
}

static void test_infer_udp_and_nothing(void)
{
	struct wc_udp_flow flows[2];
	memset(flows, 0, sizeof flows);
	for (int i = 0; i < 2; i++) {
		flows[i].addr[0].family = flows[i].addr[1].family = 4;
		flows[i].addr[0].bytes[0] = 192, flows[i].addr[0].bytes[3] = (uint8_t)(10 + i);
		flows[i].addr[1].bytes[0] = 192, flows[i].addr[1].bytes[3] = 1;
		flows[i].port[1] = 9999;
	}
	struct wc_view v = {.udp = flows, .udp_count = 2};
	struct wc_placeholders ph;
	wc_placeholders_init(&ph);
	wc_placeholders_infer(&ph, &v, 1);
	ASSERT_STR(ph.p[WC_PH_PORT].value, "9999");
	ASSERT_STR(ph.p[WC_PH_SERVER].value, "192.0.0.1");
	ASSERT_STR(ph.p[WC_PH_CLIENT].why, "the UDP flows came from 2 different addresses (192.0.0.10 and 192.0.0.11)");

	struct wc_view empty = {0};
	wc_placeholders_init(&ph);
	wc_placeholders_infer(&ph, &empty, 1);
	ASSERT_STR(ph.p[WC_PH_PORT].why, "the capture shows no TCP SYN and no UDP datagram to take it from");
	json_object *j = wc_placeholders_json(&ph);
	ASSERT_STR(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN), "{}");
	json_object_put(j);
}

static const struct wc_test report_tests[] = {
	{"text: exact lines", test_text_exact},
	{"text: vantage, cut evidence, totals", test_text_vantage_and_totals},
	{"text: colour", test_text_colour},
	{"text: inconclusive outcome", test_text_inconclusive_why},
	{"json: read back", test_json_read_back},
	{"junit: well-formed, escaped", test_junit_well_formed},
	{"format names", test_format_names},
	{"write errors", test_write_error},
	{NULL, NULL},
};

static const struct wc_test verdict_tests[] = {
	{"outcome rules", test_tally_rules},
	{"several scenarios", test_combine},
	{"placeholders: --set", test_placeholders_set},
	{"placeholders: text", test_placeholders_text},
	{"placeholders: fill arguments", test_placeholders_fill},
	{"placeholders: ambiguous", test_infer_ambiguous},
	{"placeholders: UDP, nothing", test_infer_udp_and_nothing},
	{"engine: lone capture", test_engine_lone_capture},
	{"engine: vantage points", test_engine_vantage},
	{NULL, NULL},
};

static const struct wc_suite report_suite = {"reports", report_tests};
static const struct wc_suite verdict_suite = {"verdict", verdict_tests};

int main(int argc, char **argv)
{
	static const struct wc_suite *const suites[] = {&report_suite, &verdict_suite, NULL};
	int rc = wc_unit_main(argc, argv, suites);
	free(buf);
	return rc;
}
