/* test_truth.c — every real capture against the counts tshark computed for it.
 *
 * tests/fixtures/real/truth.jsonl holds, per capture recorded by other projects, what
 * tshark 4.0 counted with checksum validation on (see that folder's README.md). The
 * analysis must agree on every count the issue names: SYN, SYN-ACK, RST, FIN, streams,
 * complete handshakes, ICMP (port) unreachables, UDP datagrams, bad checksums — where
 * tshark's "bad" includes transmit-offload partial values, which wirecheck must call
 * partial — and per connection: client, handshake, FIN both ways, RST, payload bytes.
 * Each disagreement is one failure naming the file and the field.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "unit.h"

#define MAX_CONNS 256

struct conn_copy {
	bool seen;
	char client[WC_ADDR_STRLEN + 8], server[WC_ADDR_STRLEN + 8];
	bool roles_from_synack; /* no SYN seen; the SYN-ACK's receiver is the client */
	bool handshake, fin_both, rst;
	uint64_t bytes_c2s, bytes_s2c;
};

struct run {
	struct conn_copy conns[MAX_CONNS];
	uint32_t conn_overflow;
};

/* As truth.jsonl writes an endpoint: "addr:port", IPv6 without brackets. */
static void endpoint_str(const struct wc_addr *a, uint16_t port, char *out, size_t len)
{
	char buf[WC_ADDR_STRLEN];
	snprintf(out, len, "%s:%u", wc_addr_str(a, buf), port);
}

/* Where wirecheck knowingly differs from tshark, and why. Everything else must agree. */
struct known_difference {
	const char *file, *field;
	int64_t wirecheck; /* the value wirecheck gives instead */
	const char *why;
};
static const struct known_difference known[] = {
	{"suricata-verify__tests_bug-6875-01_fuzz.pcap", "frames", 1,
	 "read as standard pcap, record 2 claims 1409179648 captured bytes in a 385-byte file; "
	 "libpcap stops there (reported as capture.read_error), tshark's wiretap guesses another layout"},
	{"nDPI__tests_cfgs_default_pcap_doq.pcapng", "malformed frames found", 0,
	 "tshark's malformed frames there are DNS-over-QUIC payloads; wirecheck decodes no application"},
};

static const struct known_difference *known_difference(const char *file, const char *field)
{
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(known[i].file, file) == 0 && strcmp(known[i].field, field) == 0)
			return &known[i];
	return NULL;
}

static void on_tcp_done(const struct wc_tcp_conn *c, void *arg)
{
	struct run *r = arg;
	if (c->id >= MAX_CONNS) {
		r->conn_overflow++;
		return;
	}
	struct conn_copy *cc = &r->conns[c->id];
	cc->seen = true;
	endpoint_str(&c->side[0].addr, c->side[0].port, cc->client, sizeof cc->client);
	endpoint_str(&c->side[1].addr, c->side[1].port, cc->server, sizeof cc->server);
	cc->roles_from_synack = c->syn_frame == 0 && c->synack_frame != 0;
	cc->handshake = c->handshake_complete;
	cc->fin_both = c->fin_both;
	cc->rst = c->rst_side >= 0;
	cc->bytes_c2s = c->side[0].payload_bytes;
	cc->bytes_s2c = c->side[1].payload_bytes;
}

static int64_t jget(json_object *o, const char *a, const char *b)
{
	json_object *x = NULL, *y = NULL;
	if (!json_object_object_get_ex(o, a, &x))
		return -1;
	if (!b)
		return json_object_get_int64(x);
	if (!json_object_object_get_ex(x, b, &y))
		return -1;
	return json_object_get_int64(y);
}

static unsigned failures;

static void expect(const char *file, const char *field, int64_t want, int64_t got)
{
	const struct known_difference *k = known_difference(file, field);
	if (k)
		want = k->wirecheck;
	if (want == got) {
		CU_PASS(field);
		return;
	}
	char msg[512];
	snprintf(msg, sizeof msg, "%s: %s: tshark says %lld, wirecheck %lld", file, field,
	         (long long)want, (long long)got);
	fprintf(stderr, "MISMATCH %s\n", msg);
	failures++;
	CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
}

static void check_per_stream(const char *file, json_object *truth, const struct run *r)
{
	json_object *streams = NULL;
	if (!json_object_object_get_ex(truth, "per_stream", &streams))
		return;
	size_t n = json_object_array_length(streams);
	for (size_t i = 0; i < n && i < MAX_CONNS; i++) {
		json_object *s = json_object_array_get_idx(streams, i);
		const struct conn_copy *cc = &r->conns[i];
		char field[96];
		snprintf(field, sizeof field, "stream %zu seen", i);
		expect(file, field, 1, cc->seen);
		if (!cc->seen)
			continue;
		json_object *client = NULL;
		json_object_object_get_ex(s, "client", &client);
		int64_t want_c2s = jget(s, "payload_bytes_c2s", NULL), want_s2c = jget(s, "payload_bytes_s2c", NULL);
		/* tshark's "client" is the first packet's sender. When the capture starts
		 * with a SYN-ACK, wirecheck names its receiver the client, since that side
		 * sent the SYN: the roles, and so the directions, are swapped on purpose. */
		if (cc->roles_from_synack && strcmp(json_object_get_string(client), cc->server) == 0) {
			int64_t t = want_c2s;
			want_c2s = want_s2c;
			want_s2c = t;
		} else if (strcmp(json_object_get_string(client), cc->client) != 0) {
			char msg[256];
			snprintf(msg, sizeof msg, "%s: stream %zu client: tshark says %s, wirecheck %s", file, i,
			         json_object_get_string(client), cc->client);
			fprintf(stderr, "MISMATCH %s\n", msg);
			failures++;
			CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
		}
		snprintf(field, sizeof field, "stream %zu handshake", i);
		expect(file, field, jget(s, "handshake", NULL), cc->handshake);
		snprintf(field, sizeof field, "stream %zu fin_both", i);
		expect(file, field, jget(s, "fin_both", NULL), cc->fin_both);
		snprintf(field, sizeof field, "stream %zu rst", i);
		expect(file, field, jget(s, "rst", NULL), cc->rst);
		snprintf(field, sizeof field, "stream %zu payload_bytes_c2s", i);
		expect(file, field, want_c2s, (int64_t)cc->bytes_c2s);
		snprintf(field, sizeof field, "stream %zu payload_bytes_s2c", i);
		expect(file, field, want_s2c, (int64_t)cc->bytes_s2c);
	}
}

static void check_one(json_object *truth)
{
	json_object *jfile = NULL;
	json_object_object_get_ex(truth, "file", &jfile);
	const char *file = json_object_get_string(jfile);
	char rel[512];
	snprintf(rel, sizeof rel, "real/%s", file);

	static struct run r;
	memset(&r, 0, sizeof r);
	struct wc_analysis_opts opts;
	memset(&opts, 0, sizeof opts);
	opts.flow.on_tcp_done = on_tcp_done;
	opts.flow.arg = &r;
	struct wc_analysis a;
	char errbuf[WC_ERRBUF_SIZE] = "";
	int rc = wc_analyze_file(wc_fixture(rel), &opts, &a, errbuf);

	if (jget(truth, "frames", NULL) == 0 && rc != 0) {
		/* Broken in its header: refused with a message, which is right. */
		CU_ASSERT_NOT_EQUAL(errbuf[0], '\0');
		return;
	}
	expect(file, "opened", 0, rc);
	if (rc != 0) {
		fprintf(stderr, "%s: %s\n", file, errbuf);
		return;
	}
	const struct wc_stats *s = &a.stats;
	expect(file, "frames", jget(truth, "frames", NULL), (int64_t)s->frames);
	expect(file, "tcp.syn_only", jget(truth, "tcp", "syn_only"), (int64_t)s->tcp_syn_only);
	expect(file, "tcp.syn_ack", jget(truth, "tcp", "syn_ack"), (int64_t)s->tcp_syn_ack);
	expect(file, "tcp.rst", jget(truth, "tcp", "rst"), (int64_t)s->tcp_rst);
	expect(file, "tcp.fin", jget(truth, "tcp", "fin"), (int64_t)s->tcp_fin);
	expect(file, "tcp.streams", jget(truth, "tcp", "streams"), (int64_t)a.flows.tcp_connections);
	expect(file, "tcp.handshakes_complete", jget(truth, "tcp", "handshakes_complete"),
	       (int64_t)a.flows.handshakes_complete);
	expect(file, "tcp.streams_fin_both_dirs", jget(truth, "tcp", "streams_fin_both_dirs"),
	       (int64_t)a.flows.fin_both_dirs);
	expect(file, "tcp.streams_with_rst", jget(truth, "tcp", "streams_with_rst"),
	       (int64_t)a.flows.with_rst);
	expect(file, "udp.datagrams", jget(truth, "udp", "datagrams"), (int64_t)s->udp);
	expect(file, "icmp.v4_dest_unreach", jget(truth, "icmp", "v4_dest_unreach"),
	       (int64_t)s->icmp4_dest_unreach);
	expect(file, "icmp.v4_port_unreach", jget(truth, "icmp", "v4_port_unreach"),
	       (int64_t)s->icmp4_port_unreach);
	expect(file, "icmp.v6_dest_unreach", jget(truth, "icmp", "v6_dest_unreach"),
	       (int64_t)s->icmp6_dest_unreach);
	expect(file, "icmp.v6_port_unreach", jget(truth, "icmp", "v6_port_unreach"),
	       (int64_t)s->icmp6_port_unreach);

	/* tshark's "bad" includes offload-partial values; wirecheck splits them out. */
	expect(file, "tcp.cksum_bad (less partial)",
	       jget(truth, "tcp", "cksum_bad") - jget(truth, "tcp", "cksum_bad_offload_partial"),
	       (int64_t)s->csum[WC_CK_TCP][WC_CSUM_BAD]);
	expect(file, "tcp.cksum_partial", jget(truth, "tcp", "cksum_bad_offload_partial"),
	       (int64_t)s->csum[WC_CK_TCP][WC_CSUM_PARTIAL]);
	expect(file, "udp.cksum_bad (less partial)",
	       jget(truth, "udp", "cksum_bad") - jget(truth, "udp", "cksum_bad_offload_partial"),
	       (int64_t)s->csum[WC_CK_UDP][WC_CSUM_BAD]);
	expect(file, "udp.cksum_partial", jget(truth, "udp", "cksum_bad_offload_partial"),
	       (int64_t)s->csum[WC_CK_UDP][WC_CSUM_PARTIAL]);
	expect(file, "udp.cksum_zero", jget(truth, "udp", "cksum_zero_none"),
	       (int64_t)s->csum[WC_CK_UDP][WC_CSUM_ZERO]);
	expect(file, "ipv4.hdr_cksum_bad (less stored zero)",
	       jget(truth, "ip", "ipv4_hdr_cksum_bad") - jget(truth, "ip", "ipv4_hdr_cksum_bad_stored_zero"),
	       (int64_t)s->csum[WC_CK_IPV4][WC_CSUM_BAD]);

	/* Broken files: the break is reported, and the frames before it were judged. */
	const char *read_error = "";
	json_object *jerr = NULL;
	if (json_object_object_get_ex(truth, "tshark_read_error", &jerr))
		read_error = json_object_get_string(jerr);
	if (read_error[0])
		expect(file, "container anomaly reported", 1, a.container_broken);
	if (jget(truth, "malformed_frames", NULL) > 0)
		expect(file, "malformed frames found", 1, s->malformed_frames > 0);

	check_per_stream(file, truth, &r);
}

static void test_every_capture_agrees_with_tshark(void)
{
	FILE *f = fopen(wc_fixture("real/truth.jsonl"), "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char *line = NULL;
	size_t cap = 0;
	unsigned files = 0;
	while (getline(&line, &cap, f) > 0) {
		json_object *truth = json_tokener_parse(line);
		CU_ASSERT_PTR_NOT_NULL(truth);
		if (!truth)
			continue;
		check_one(truth);
		json_object_put(truth);
		files++;
	}
	free(line);
	fclose(f);
	CU_ASSERT_EQUAL(files, 44);
	if (failures)
		fprintf(stderr, "%u disagreements with tshark over %u captures\n", failures, files);
}

static const struct wc_test truth_tests[] = {
	{"every real capture agrees with tshark's counts", test_every_capture_agrees_with_tshark},
	{NULL, NULL},
};
static const struct wc_suite truth_suite = {"truth", truth_tests};

int main(int argc, char **argv)
{
	const struct wc_suite *const suites[] = {&truth_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
