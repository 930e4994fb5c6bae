/* gencap.c — writes a synthetic, deterministic capture of many concurrent TCP and UDP conversations.
 *
 * `gencap --packets N [--seed S] [--out FILE] [--summary FILE]`
 *
 * A fixed pool of sessions is open at any moment; each packet comes from a session
 * picked at random, and a session that has sent its last packet is replaced by a new
 * one. So the number of open connections stays the same however long the capture is,
 * which is what lets the benchmark show that memory does not grow with capture
 * length. Time advances 10–100 µs per packet (a million packets span about a minute),
 * so idle timeouts in a reader behave as on real traffic. The summary (JSON) counts
 * what was written, so tests can hold a reader's counts against it.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_frame.h"
#include "gen_rng.h"
#include "gen_script.h"

#define POOL_SESSIONS 400
#define START_TIME_S 1704067200u /* 2024-01-01 00:00:00 UTC */
#define SNAPLEN 262144

struct counts {
	uint64_t frames, bytes, ipv4, ipv6;
	uint64_t tcp, syn, synack, rst, fin, data, retrans, ooo, dupack;
	uint64_t udp, udp_zero, udp_bad, icmp_unreach;
	uint64_t sessions[GEN_END__COUNT];
	uint64_t ipv6_sessions;
	uint64_t *bad_frames; /* frame numbers of the deliberately corrupt UDP checksums */
	size_t nbad, capbad;
};

struct options {
	uint64_t packets;
	uint64_t seed;
	const char *out;
	const char *summary;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: gencap --packets N [--seed S] [--out FILE] [--summary FILE]\n"
	           "Writes a synthetic Ethernet capture of N packets (to FILE, or to standard output)\n"
	           "and a JSON summary of what it wrote (to --summary FILE; else to standard output,\n"
	           "or to standard error when the capture goes to standard output).\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		return -1;
	*out = v;
	return 0;
}

/* 0: options read; 1: help asked for; -1: a usage error, already explained. */
static int parse_args(int argc, char **argv, struct options *o)
{
	bool have_packets = false;
	o->seed = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return 1;
		if (i + 1 >= argc) {
			fprintf(stderr, "gencap: %s: missing value or unknown option\n", a);
			return -1;
		}
		const char *v = argv[++i];
		if (!strcmp(a, "--packets")) {
			if (parse_u64(v, &o->packets) < 0) {
				fprintf(stderr, "gencap: --packets: not a count: %s\n", v);
				return -1;
			}
			have_packets = true;
		} else if (!strcmp(a, "--seed")) {
			if (parse_u64(v, &o->seed) < 0) {
				fprintf(stderr, "gencap: --seed: not a number: %s\n", v);
				return -1;
			}
		} else if (!strcmp(a, "--out")) {
			o->out = v;
		} else if (!strcmp(a, "--summary")) {
			o->summary = v;
		} else {
			fprintf(stderr, "gencap: unknown option %s\n", a);
			return -1;
		}
	}
	if (!have_packets) {
		fprintf(stderr, "gencap: --packets is required\n");
		return -1;
	}
	return 0;
}

static int note_bad_frame(struct counts *c, uint64_t frame)
{
	if (c->nbad == c->capbad) {
		size_t cap = c->capbad ? c->capbad * 2 : 64;
		uint64_t *n = realloc(c->bad_frames, cap * sizeof *n);
		if (!n)
			return -1;
		c->bad_frames = n;
		c->capbad = cap;
	}
	c->bad_frames[c->nbad++] = frame;
	return 0;
}

static int count_step(struct counts *c, const struct gen_session *s, const struct gen_step *st,
                      size_t len)
{
	c->frames++;
	c->bytes += len;
	if (s->family == 4)
		c->ipv4++;
	else
		c->ipv6++;
	switch (st->kind) {
	case GEN_TCP:
		c->tcp++;
		c->syn += st->flags == GEN_TCP_SYN;
		c->synack += st->flags == (GEN_TCP_SYN | GEN_TCP_ACK);
		c->rst += (st->flags & GEN_TCP_RST) != 0;
		c->fin += (st->flags & GEN_TCP_FIN) != 0;
		c->data += st->len > 0;
		c->retrans += st->note == GEN_NOTE_RETRANS;
		c->ooo += st->note == GEN_NOTE_OOO;
		c->dupack += st->note == GEN_NOTE_DUPACK;
		return 0;
	case GEN_UDP:
		c->udp++;
		c->udp_zero += st->csum == GEN_CSUM_ZERO;
		if (st->csum == GEN_CSUM_BAD) {
			c->udp_bad++;
			return note_bad_frame(c, c->frames);
		}
		return 0;
	default:
		c->icmp_unreach++;
		return 0;
	}
}

/* A session counts once its first packet is written: the summary describes the file. */
static void count_session(struct counts *c, const struct gen_session *s)
{
	c->sessions[s->ending]++;
	c->ipv6_sessions += s->family == 6;
}

static int write_summary(FILE *f, const struct options *o, const struct counts *c, uint64_t end_us)
{
	uint64_t start_us = (uint64_t)START_TIME_S * 1000000u;
	uint64_t tcp_conns = c->sessions[GEN_END_FIN_CLIENT] + c->sessions[GEN_END_FIN_SERVER] +
	                     c->sessions[GEN_END_RST] + c->sessions[GEN_END_REFUSED];
	fprintf(f, "{\n");
	fprintf(f, "  \"seed\": %" PRIu64 ",\n", o->seed);
	fprintf(f, "  \"packets\": %" PRIu64 ",\n", c->frames);
	fprintf(f, "  \"bytes\": %" PRIu64 ",\n", c->bytes);
	fprintf(f, "  \"duration_us\": %" PRIu64 ",\n", end_us - start_us);
	fprintf(f, "  \"concurrent_sessions\": %d,\n", POOL_SESSIONS);
	fprintf(f, "  \"tcp_connections\": %" PRIu64 ",\n", tcp_conns);
	fprintf(f, "  \"tcp_fin_client_first\": %" PRIu64 ",\n", c->sessions[GEN_END_FIN_CLIENT]);
	fprintf(f, "  \"tcp_fin_server_first\": %" PRIu64 ",\n", c->sessions[GEN_END_FIN_SERVER]);
	fprintf(f, "  \"tcp_rst_ending\": %" PRIu64 ",\n", c->sessions[GEN_END_RST]);
	fprintf(f, "  \"tcp_refused\": %" PRIu64 ",\n", c->sessions[GEN_END_REFUSED]);
	fprintf(f, "  \"udp_flows\": %" PRIu64 ",\n", c->sessions[GEN_END_UDP]);
	fprintf(f, "  \"udp_closed_port_flows\": %" PRIu64 ",\n", c->sessions[GEN_END_UDP_CLOSED]);
	fprintf(f, "  \"ipv6_sessions\": %" PRIu64 ",\n", c->ipv6_sessions);
	fprintf(f, "  \"ipv4_packets\": %" PRIu64 ",\n", c->ipv4);
	fprintf(f, "  \"ipv6_packets\": %" PRIu64 ",\n", c->ipv6);
	fprintf(f, "  \"tcp_segments\": %" PRIu64 ",\n", c->tcp);
	fprintf(f, "  \"tcp_syn\": %" PRIu64 ",\n", c->syn);
	fprintf(f, "  \"tcp_syn_ack\": %" PRIu64 ",\n", c->synack);
	fprintf(f, "  \"tcp_rst\": %" PRIu64 ",\n", c->rst);
	fprintf(f, "  \"tcp_fin\": %" PRIu64 ",\n", c->fin);
	fprintf(f, "  \"tcp_data_segments\": %" PRIu64 ",\n", c->data);
	fprintf(f, "  \"tcp_retransmissions\": %" PRIu64 ",\n", c->retrans);
	fprintf(f, "  \"tcp_out_of_order\": %" PRIu64 ",\n", c->ooo);
	fprintf(f, "  \"tcp_dup_acks\": %" PRIu64 ",\n", c->dupack);
	fprintf(f, "  \"udp_datagrams\": %" PRIu64 ",\n", c->udp);
	fprintf(f, "  \"udp_zero_checksum\": %" PRIu64 ",\n", c->udp_zero);
	fprintf(f, "  \"udp_bad_checksum\": %" PRIu64 ",\n", c->udp_bad);
	fprintf(f, "  \"icmp_port_unreachable\": %" PRIu64 ",\n", c->icmp_unreach);
	fprintf(f, "  \"udp_bad_checksum_frames\": [");
	for (size_t i = 0; i < c->nbad; i++)
		fprintf(f, "%s%" PRIu64, i ? ", " : "", c->bad_frames[i]);
	fprintf(f, "]\n}\n");
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

/* The packet loop: pick a session, write its next packet, replace it when done. */
static int generate(pcap_dumper_t *d, const struct options *o, struct counts *c, uint64_t *now_us)
{
	struct gen_rng rng = {o->seed};
	struct gen_session *pool = calloc(POOL_SESSIONS, sizeof *pool);
	uint8_t *pattern = gen_pattern_new(&rng);
	static uint8_t frame[GEN_FRAME_MAX];
	uint64_t next_id = 0;
	int rc = -1;
	if (!pool || !pattern)
		goto out;
	for (int i = 0; i < POOL_SESSIONS; i++)
		if (gen_session_start(&pool[i], next_id++, &rng) < 0)
			goto out;
	*now_us = (uint64_t)START_TIME_S * 1000000u;
	for (uint64_t n = 0; n < o->packets; n++) {
		struct gen_session *s = &pool[gen_range(&rng, 0, POOL_SESSIONS - 1)];
		if (s->next == 0)
			count_session(c, s);
		const struct gen_step *st = &s->steps[s->next++];
		*now_us += gen_range(&rng, 10, 100);
		size_t len = gen_frame(frame, s, st, pattern, *now_us);
		struct pcap_pkthdr h = {
			.ts = {.tv_sec = (time_t)(*now_us / 1000000u), .tv_usec = (suseconds_t)(*now_us % 1000000u)},
			.caplen = (bpf_u_int32)len,
			.len = (bpf_u_int32)len,
		};
		pcap_dump((u_char *)d, &h, frame);
		if (count_step(c, s, st, len) < 0)
			goto out;
		if (s->next == s->nsteps && gen_session_start(s, next_id++, &rng) < 0)
			goto out;
	}
	rc = 0;
out:
	for (int i = 0; pool && i < POOL_SESSIONS; i++)
		gen_session_free(&pool[i]);
	free(pool);
	free(pattern);
	return rc;
}

static FILE *open_out(const char *path)
{
	if (!path || !strcmp(path, "-"))
		return stdout;
	FILE *f = fopen(path, "wb");
	if (!f)
		fprintf(stderr, "gencap: %s: %s\n", path, strerror(errno));
	return f;
}

int main(int argc, char **argv)
{
	struct options o = {0};
	struct counts c = {0};
	uint64_t end_us = (uint64_t)START_TIME_S * 1000000u;
	int parsed = parse_args(argc, argv, &o);
	if (parsed != 0) {
		usage(parsed > 0 ? stdout : stderr);
		return parsed > 0 ? 0 : 2;
	}
	FILE *out = open_out(o.out);
	if (!out)
		return 1;
	/* Large stdio buffer: the capture is written in one sequential stream. */
	setvbuf(out, NULL, _IOFBF, 1 << 20);
	pcap_t *pd = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, SNAPLEN, PCAP_TSTAMP_PRECISION_MICRO);
	pcap_dumper_t *d = pd ? pcap_dump_fopen(pd, out) : NULL;
	if (!d) {
		fprintf(stderr, "gencap: cannot start the capture file: %s\n", pd ? pcap_geterr(pd) : "out of memory");
		return 1;
	}
	int rc = generate(d, &o, &c, &end_us);
	if (rc < 0)
		fprintf(stderr, "gencap: out of memory\n");
	if (pcap_dump_flush(d) < 0 || ferror(pcap_dump_file(d))) {
		fprintf(stderr, "gencap: %s: write error\n", o.out ? o.out : "standard output");
		rc = -1;
	}
	pcap_dump_close(d);
	pcap_close(pd);
	if (rc == 0) {
		bool to_stdout = o.out && strcmp(o.out, "-");
		FILE *sf = o.summary ? fopen(o.summary, "w") : to_stdout ? stdout : stderr;
		if (!sf || write_summary(sf, &o, &c, end_us) < 0) {
			fprintf(stderr, "gencap: %s: cannot write the summary\n", o.summary ? o.summary : "output");
			rc = -1;
		}
		if (sf && o.summary && fclose(sf) != 0)
			rc = -1;
	}
	free(c.bad_frames);
	return rc == 0 ? 0 : 1;
}
