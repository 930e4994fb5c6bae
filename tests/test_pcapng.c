/* test_pcapng.c — our pcapng block reader on hand-built files, real files and every prefix. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "pcapng.h"
#include "unit.h"

/* ---- building pcapng files byte by byte ---- */

struct bld {
	uint8_t b[4096];
	size_t n;
	bool be;
	size_t starts[32]; /* file offset of each block */
	int blocks;
	size_t ends[32];   /* file offset just past each packet block */
	int packets;
};

static void put8(struct bld *w, uint8_t v)
{
	CU_ASSERT_FATAL(w->n < sizeof w->b);
	w->b[w->n++] = v;
}

static void put16(struct bld *w, uint16_t v)
{
	put8(w, (uint8_t)(w->be ? v >> 8 : v));
	put8(w, (uint8_t)(w->be ? v : v >> 8));
}

static void put32(struct bld *w, uint32_t v)
{
	put16(w, (uint16_t)(w->be ? v >> 16 : v));
	put16(w, (uint16_t)(w->be ? v : v >> 16));
}

static void put_bytes(struct bld *w, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(w, p[i]);
	while (w->n % 4)
		put8(w, 0);
}

static void patch32(struct bld *w, size_t at, uint32_t v)
{
	size_t n = w->n;
	w->n = at;
	put32(w, v);
	w->n = n;
}

static size_t begin(struct bld *w, uint32_t type)
{
	size_t start = w->n;
	CU_ASSERT_FATAL(w->blocks < 32);
	w->starts[w->blocks++] = start;
	put32(w, type);
	put32(w, 0); /* total length, patched by end() */
	return start;
}

static void end(struct bld *w, size_t start)
{
	uint32_t len = (uint32_t)(w->n - start + 4);
	put32(w, len);
	patch32(w, start + 4, len);
}

static void end_packet(struct bld *w, size_t start)
{
	end(w, start);
	w->ends[w->packets++] = w->n;
}

static void shb(struct bld *w, bool be)
{
	w->be = be;
	size_t s = begin(w, 0x0A0D0D0A);
	put32(w, 0x1A2B3C4D);
	put16(w, 1);
	put16(w, 0);
	put32(w, 0xFFFFFFFF); /* section length unknown */
	put32(w, 0xFFFFFFFF);
	end(w, s);
}

/* tsresol < 0: no option; tsoffset 0: no option. */
static void idb(struct bld *w, uint16_t linktype, uint32_t snaplen, int tsresol, int64_t tsoffset)
{
	size_t s = begin(w, 1);
	put16(w, linktype);
	put16(w, 0);
	put32(w, snaplen);
	if (tsresol >= 0) {
		uint8_t r = (uint8_t)tsresol;
		put16(w, 9);
		put16(w, 1);
		put_bytes(w, &r, 1);
	}
	if (tsoffset) {
		uint64_t o = (uint64_t)tsoffset;
		put16(w, 14);
		put16(w, 8);
		put32(w, (uint32_t)(w->be ? o >> 32 : o));
		put32(w, (uint32_t)(w->be ? o : o >> 32));
	}
	put16(w, 0); /* opt_endofopt */
	put16(w, 0);
	end(w, s);
}

static void epb_raw(struct bld *w, uint32_t iface, uint64_t ts, const uint8_t *data, uint32_t n, uint32_t caplen_field)
{
	size_t s = begin(w, 6);
	put32(w, iface);
	put32(w, (uint32_t)(ts >> 32));
	put32(w, (uint32_t)ts);
	put32(w, caplen_field);
	put32(w, n + 100); /* original length: the snaplen cut 100 bytes */
	put_bytes(w, data, n);
	end_packet(w, s);
}

static void epb(struct bld *w, uint32_t iface, uint64_t ts, const uint8_t *data, uint32_t n)
{
	epb_raw(w, iface, ts, data, n, n);
}

static void spb(struct bld *w, uint32_t origlen, const uint8_t *data, uint32_t n)
{
	size_t s = begin(w, 3);
	put32(w, origlen);
	put_bytes(w, data, n);
	end_packet(w, s);
}

static void pb(struct bld *w, uint16_t iface, uint64_t ts, const uint8_t *data, uint32_t n)
{
	size_t s = begin(w, 2);
	put16(w, iface);
	put16(w, 0); /* drops */
	put32(w, (uint32_t)(ts >> 32));
	put32(w, (uint32_t)ts);
	put32(w, n);
	put32(w, n);
	put_bytes(w, data, n);
	end_packet(w, s);
}

/* An interface statistics block: read by its length and skipped. */
static void isb(struct bld *w)
{
	size_t s = begin(w, 5);
	put32(w, 0);
	put32(w, 0);
	put32(w, 0);
	end(w, s);
}

/* ---- reading them back ---- */

struct got {
	int frames;
	struct wc_frame f[32];
	uint8_t data[32][64]; /* copied: frame data lives only until the next call */
	bool broken;
	enum wc_anomaly anomaly;
	char detail[WC_ERRBUF_SIZE];
	int linktypes[8];
	int n_linktypes;
	uint32_t snaplen;
};

static const char *write_file(const char *name, const uint8_t *b, size_t n)
{
	const char *path = wc_scratch(name);
	FILE *f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(b, 1, n, f), n);
	fclose(f);
	return path;
}

/* Open with our reader and read to the end. False (errbuf in g->detail) when the open
 * fails. */
static bool read_ours(const char *path, struct got *g)
{
	memset(g, 0, sizeof *g);
	FILE *f = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	struct wc_pcapng *r = wc_pcapng_open(f, g->detail);
	if (!r) {
		fclose(f);
		return false;
	}
	struct wc_frame fr;
	while (wc_pcapng_next(r, &fr) == 1) {
		CU_ASSERT_FATAL(g->frames < 32);
		g->f[g->frames] = fr;
		memcpy(g->data[g->frames], fr.data, fr.caplen < 64 ? fr.caplen : 64);
		g->frames++;
	}
	CU_ASSERT_EQUAL(wc_pcapng_next(r, &fr), 0);
	const char *detail = "";
	g->broken = wc_pcapng_anomaly(r, &g->anomaly, &detail);
	snprintf(g->detail, sizeof g->detail, "%s", detail);
	g->n_linktypes = wc_pcapng_linktypes(r, g->linktypes, 8);
	g->snaplen = wc_pcapng_snaplen(r);
	wc_pcapng_close(r);
	return true;
}

static bool read_built(const char *name, const struct bld *w, struct got *g)
{
	return read_ours(write_file(name, w->b, w->n), g);
}

static const uint8_t pkt_a[] = {0xde, 0xad, 0xbe, 0xef, 0x01};
static const uint8_t pkt_b[] = {0x45, 0x00, 0x00, 0x14, 0xaa, 0xbb, 0xcc, 0xdd};

/* SHB, IDB (Ethernet, default microseconds), two EPBs, in the given byte order. */
static void simple_file(struct bld *w, bool be)
{
	memset(w, 0, sizeof *w);
	shb(w, be);
	idb(w, 1, 65535, -1, 0);
	epb(w, 0, 1700000000123456ull, pkt_a, sizeof pkt_a);
	isb(w);
	epb(w, 0, 1700000001000001ull, pkt_b, sizeof pkt_b);
}

static void check_simple(const struct got *g)
{
	CU_ASSERT_EQUAL_FATAL(g->frames, 2);
	CU_ASSERT_FALSE(g->broken);
	CU_ASSERT_EQUAL(g->f[0].number, 1);
	CU_ASSERT_EQUAL(g->f[0].ts_ns, 1700000000123456000);
	CU_ASSERT_EQUAL(g->f[0].caplen, 5);
	CU_ASSERT_EQUAL(g->f[0].len, 105);
	CU_ASSERT_EQUAL(g->f[0].linktype, 1);
	CU_ASSERT_EQUAL(g->f[0].iface, 0);
	CU_ASSERT_EQUAL(memcmp(g->data[0], pkt_a, sizeof pkt_a), 0);
	CU_ASSERT_EQUAL(g->f[1].number, 2);
	CU_ASSERT_EQUAL(g->f[1].ts_ns, 1700000001000001000);
	CU_ASSERT_EQUAL(g->f[1].caplen, 8);
	CU_ASSERT_EQUAL(memcmp(g->data[1], pkt_b, sizeof pkt_b), 0);
	CU_ASSERT_EQUAL(g->n_linktypes, 1);
	CU_ASSERT_EQUAL(g->linktypes[0], 1);
	CU_ASSERT_EQUAL(g->snaplen, 65535);
}

static void test_little_endian(void)
{
	struct bld w;
	struct got g;
	simple_file(&w, false);
	CU_ASSERT_EQUAL(w.b[8], 0x4D); /* byte-order magic as written on a little-endian host */
	CU_ASSERT_TRUE_FATAL(read_built("ng-le.pcapng", &w, &g));
	check_simple(&g);
}

static void test_big_endian(void)
{
	struct bld w;
	struct got g;
	simple_file(&w, true);
	CU_ASSERT_EQUAL(w.b[8], 0x1A);
	CU_ASSERT_TRUE_FATAL(read_built("ng-be.pcapng", &w, &g));
	check_simple(&g);
}

static void test_timestamp_resolutions(void)
{
	struct bld w = {0};
	struct got g;
	shb(&w, false);
	idb(&w, 1, 0, 9, 0);          /* 10^-9 */
	idb(&w, 1, 0, 0x80 | 20, 0);  /* 2^-20 */
	idb(&w, 1, 0, 0x80 | 20, 100); /* 2^-20, 100 s later (if_tsoffset) */
	idb(&w, 1, 0, 3, -10);        /* milliseconds, 10 s earlier */
	epb(&w, 0, 1700000000123456789ull, pkt_a, 1);
	epb(&w, 1, (5ull << 20) | (1ull << 19) | 1, pkt_a, 1); /* 5.5 s + 2^-20 s (953.67 ns) */
	epb(&w, 2, 3ull << 18, pkt_a, 1);                      /* 0.75 s */
	epb(&w, 3, 12345, pkt_a, 1);
	CU_ASSERT_TRUE_FATAL(read_built("ng-tsresol.pcapng", &w, &g));
	CU_ASSERT_EQUAL_FATAL(g.frames, 4);
	CU_ASSERT_FALSE(g.broken);
	CU_ASSERT_EQUAL(g.f[0].ts_ns, 1700000000123456789);
	CU_ASSERT_EQUAL(g.f[1].ts_ns, 5500000953);
	CU_ASSERT_EQUAL(g.f[2].ts_ns, 100750000000);
	CU_ASSERT_EQUAL(g.f[3].ts_ns, 2345000000);
	CU_ASSERT_EQUAL(g.f[3].iface, 3);
	CU_ASSERT_EQUAL(g.n_linktypes, 1);
	CU_ASSERT_EQUAL(g.snaplen, 0);
}

/* A second section, in the other byte order, has interfaces of its own. */
static void test_two_sections(void)
{
	struct bld w = {0};
	struct got g;
	shb(&w, false);
	idb(&w, 1, 1500, -1, 0);
	epb(&w, 0, 1000000, pkt_a, sizeof pkt_a);
	shb(&w, true);
	idb(&w, 12, 262144, 9, 0); /* raw IP as old writers stored it */
	idb(&w, 0, 65535, -1, 0);
	epb(&w, 1, 2000000000, pkt_b, sizeof pkt_b);
	pb(&w, 0, 3000000000, pkt_b, 4);
	CU_ASSERT_TRUE_FATAL(read_built("ng-sections.pcapng", &w, &g));
	CU_ASSERT_EQUAL_FATAL(g.frames, 3);
	CU_ASSERT_FALSE(g.broken);
	CU_ASSERT_EQUAL(g.f[0].ts_ns, 1000000000);
	CU_ASSERT_EQUAL(g.f[0].linktype, 1);
	CU_ASSERT_EQUAL(g.f[1].ts_ns, 2000000000000);
	CU_ASSERT_EQUAL(g.f[1].linktype, 0);
	CU_ASSERT_EQUAL(g.f[1].iface, 1);
	CU_ASSERT_EQUAL(memcmp(g.data[1], pkt_b, sizeof pkt_b), 0);
	CU_ASSERT_EQUAL(g.f[2].ts_ns, 3000000000);
	CU_ASSERT_EQUAL(g.f[2].linktype, 101);
	CU_ASSERT_EQUAL(g.f[2].caplen, 4);
	CU_ASSERT_EQUAL(g.f[2].number, 3);
	CU_ASSERT_EQUAL_FATAL(g.n_linktypes, 3);
	CU_ASSERT_EQUAL(g.linktypes[0], 1);
	CU_ASSERT_EQUAL(g.linktypes[1], 101);
	CU_ASSERT_EQUAL(g.linktypes[2], 0);
	CU_ASSERT_EQUAL(g.snaplen, 262144);
}

/* The interfaces of the first section are gone after the second SHB. */
static void test_new_section_resets_interfaces(void)
{
	struct bld w = {0};
	struct got g;
	shb(&w, false);
	idb(&w, 1, 0, -1, 0);
	epb(&w, 0, 1, pkt_a, 1);
	shb(&w, false);
	epb(&w, 0, 2, pkt_a, 1);
	CU_ASSERT_TRUE_FATAL(read_built("ng-reset.pcapng", &w, &g));
	CU_ASSERT_EQUAL(g.frames, 1);
	CU_ASSERT_TRUE(g.broken);
	CU_ASSERT_EQUAL(g.anomaly, WC_ANOM_PCAPNG_UNKNOWN_IFACE);
	CU_ASSERT_STRING_EQUAL(g.detail, "packet block at offset 116 names interface 0; the section describes 0");
}

static void test_simple_packet_block(void)
{
	struct bld w = {0};
	struct got g;
	shb(&w, false);
	idb(&w, 101, 4, -1, 0);
	spb(&w, 8, pkt_b, 4); /* snaplen 4 of 8 bytes */
	spb(&w, 3, pkt_b, 3);
	CU_ASSERT_TRUE_FATAL(read_built("ng-spb.pcapng", &w, &g));
	CU_ASSERT_EQUAL_FATAL(g.frames, 2);
	CU_ASSERT_FALSE(g.broken);
	CU_ASSERT_EQUAL(g.f[0].caplen, 4);
	CU_ASSERT_EQUAL(g.f[0].len, 8);
	CU_ASSERT_EQUAL(g.f[0].ts_ns, 0);
	CU_ASSERT_EQUAL(g.f[0].linktype, 101);
	CU_ASSERT_EQUAL(memcmp(g.data[0], pkt_b, 4), 0);
	CU_ASSERT_EQUAL(g.f[1].caplen, 3);
	CU_ASSERT_EQUAL(g.f[1].len, 3);
}

/* One good frame, then a broken block: the named anomaly, the frame intact. */
static void check_one_then(const char *name, const struct bld *w, enum wc_anomaly a, const char *detail)
{
	struct got g;
	CU_ASSERT_TRUE_FATAL(read_built(name, w, &g));
	CU_ASSERT_EQUAL(g.frames, 1);
	CU_ASSERT_EQUAL(g.f[0].caplen, sizeof pkt_a);
	CU_ASSERT_EQUAL(memcmp(g.data[0], pkt_a, sizeof pkt_a), 0);
	CU_ASSERT_TRUE(g.broken);
	CU_ASSERT_EQUAL(g.anomaly, a);
	if (strcmp(g.detail, detail) != 0)
		fprintf(stderr, "\n%s: %s\n", name, g.detail);
	CU_ASSERT_STRING_EQUAL(g.detail, detail);
}

static void one_good_frame(struct bld *w)
{
	memset(w, 0, sizeof *w);
	shb(w, false);
	idb(w, 1, 0, -1, 0);
	idb(w, 1, 0, -1, 0);
	epb(w, 0, 1, pkt_a, sizeof pkt_a); /* SHB 28 + IDBs 2 * 24 + EPB 40: ends at 116 */
}

static void test_length_not_multiple_of_4(void)
{
	struct bld w;
	one_good_frame(&w);
	put32(&w, 6);
	put32(&w, 34);
	for (int i = 0; i < 26; i++)
		put8(&w, 0);
	check_one_then("ng-len34.pcapng", &w, WC_ANOM_PCAPNG_BAD_BLOCK,
	               "block of type 0x00000006 at offset 116: total length 34 is not a multiple of 4");
}

static void test_length_too_small_and_too_large(void)
{
	struct bld w;
	one_good_frame(&w);
	put32(&w, 6);
	put32(&w, 8);
	check_one_then("ng-len8.pcapng", &w, WC_ANOM_PCAPNG_BAD_BLOCK,
	               "block of type 0x00000006 at offset 116: total length 8 is below the minimum");
	one_good_frame(&w);
	put32(&w, 6);
	put32(&w, 0x7FFFFFF0);
	check_one_then("ng-len-huge.pcapng", &w, WC_ANOM_PCAPNG_BAD_BLOCK,
	               "block of type 0x00000006 at offset 116: total length 2147483632 is implausibly large");
}

static void test_trailing_length_mismatch(void)
{
	struct bld w;
	one_good_frame(&w);
	epb(&w, 0, 2, pkt_b, sizeof pkt_b);
	patch32(&w, w.n - 4, 48);
	check_one_then("ng-trailer.pcapng", &w, WC_ANOM_PCAPNG_BAD_BLOCK,
	               "block of type 0x00000006 at offset 116: trailing length 48 differs from leading length 40");
}

static void test_caplen_larger_than_block(void)
{
	struct bld w;
	one_good_frame(&w);
	epb_raw(&w, 0, 2, pkt_b, sizeof pkt_b, 9);
	check_one_then("ng-caplen.pcapng", &w, WC_ANOM_PCAPNG_BAD_BLOCK,
	               "packet block at offset 116: captured length 9 runs past the block (8 bytes left)");
	one_good_frame(&w);
	epb_raw(&w, 0, 2, pkt_b, sizeof pkt_b, 0xFFFFFFFF);
	check_one_then("ng-caplen-max.pcapng", &w, WC_ANOM_PCAPNG_BAD_BLOCK,
	               "packet block at offset 116: captured length 4294967295 runs past the block (8 bytes left)");
}

static void test_cut_inside_block(void)
{
	struct bld w;
	one_good_frame(&w);
	epb(&w, 0, 2, pkt_b, sizeof pkt_b);
	w.n -= 10;
	check_one_then("ng-cut.pcapng", &w, WC_ANOM_PCAPNG_TRUNCATED_BLOCK,
	               "block at offset 116: the file ends 30 bytes into a block that needs more");
	one_good_frame(&w);
	put32(&w, 6);
	put16(&w, 44);
	check_one_then("ng-cut-header.pcapng", &w, WC_ANOM_PCAPNG_TRUNCATED_BLOCK,
	               "block at offset 116: the file ends inside the block header");
}

static void test_unknown_interface(void)
{
	struct bld w;
	one_good_frame(&w);
	epb(&w, 5, 2, pkt_b, sizeof pkt_b);
	epb(&w, 0, 3, pkt_b, sizeof pkt_b); /* never reached */
	check_one_then("ng-iface5.pcapng", &w, WC_ANOM_PCAPNG_UNKNOWN_IFACE,
	               "packet block at offset 116 names interface 5; the section describes 2");
}

static void test_bad_options(void)
{
	struct bld w;
	one_good_frame(&w);
	size_t s = begin(&w, 1);
	put32(&w, 1);
	put32(&w, 0);
	put16(&w, 2); /* if_name claiming 40 bytes in a block that has 4 */
	put16(&w, 40);
	put32(&w, 0);
	end(&w, s);
	check_one_then("ng-option.pcapng", &w, WC_ANOM_PCAPNG_BAD_BLOCK,
	               "interface block at offset 116: option 2 of length 40 runs past the block");
	one_good_frame(&w);
	idb(&w, 1, 0, 0x80 | 64, 0);
	check_one_then("ng-tsresol.pcapng", &w, WC_ANOM_PCAPNG_BAD_BLOCK,
	               "interface block at offset 116: unsupported if_tsresol 0xc0");
}

static void test_open_failures(void)
{
	struct got g;
	struct bld w = {0};
	CU_ASSERT_FALSE(read_built("ng-empty.pcapng", &w, &g));
	CU_ASSERT_STRING_EQUAL(g.detail, "empty file");
	idb(&w, 1, 0, -1, 0);
	CU_ASSERT_FALSE(read_built("ng-no-shb.pcapng", &w, &g));
	CU_ASSERT_STRING_EQUAL(g.detail, "the first block is of type 0x00000001, not a section header");
	w.n = 0;
	shb(&w, false);
	w.b[8] = 0x4E;
	CU_ASSERT_FALSE(read_built("ng-bom.pcapng", &w, &g));
	CU_ASSERT_STRING_EQUAL(g.detail,
	                       "section header at offset 0: byte-order magic 0x4e3c2b1a is neither order of 0x1a2b3c4d");
	w.n = 0;
	shb(&w, true);
	patch32(&w, 12, 0x00020000); /* version 2.0 */
	CU_ASSERT_FALSE(read_built("ng-version.pcapng", &w, &g));
	CU_ASSERT_STRING_EQUAL(g.detail, "section header at offset 0: unsupported version 2.0");
}

/* Every prefix of a valid file: the frames whose blocks are whole, and a truncated
 * block anomaly unless the cut falls between blocks. */
static void test_truncation_sweep(void)
{
	struct bld w = {0};
	shb(&w, false);
	size_t shb_len = w.n;
	idb(&w, 1, 0, 9, 0);
	idb(&w, 0, 0, -1, 3);
	epb(&w, 0, 11, pkt_a, sizeof pkt_a);
	isb(&w);
	pb(&w, 1, 12, pkt_b, sizeof pkt_b);
	spb(&w, 5, pkt_a, 5);
	shb(&w, true);
	idb(&w, 101, 0, -1, 0);
	epb(&w, 0, 13, pkt_b, 3);
	CU_ASSERT_EQUAL(w.blocks, 10);
	CU_ASSERT_EQUAL(w.packets, 4);
	int complete_runs = 0;
	for (size_t cut = 0; cut <= w.n; cut++) {
		struct got g;
		bool opened = read_ours(write_file("ng-sweep.pcapng", w.b, cut), &g);
		if (cut < shb_len) {
			CU_ASSERT_FALSE(opened);
			continue;
		}
		CU_ASSERT_TRUE_FATAL(opened);
		int expect = 0;
		while (expect < w.packets && w.ends[expect] <= cut)
			expect++;
		bool at_boundary = cut == w.n;
		for (int i = 0; i < w.blocks; i++)
			at_boundary |= w.starts[i] == cut;
		CU_ASSERT_EQUAL(g.frames, expect);
		CU_ASSERT_EQUAL(g.broken, !at_boundary);
		if (!at_boundary)
			CU_ASSERT_EQUAL(g.anomaly, WC_ANOM_PCAPNG_TRUNCATED_BLOCK);
		for (int i = 0; i < g.frames; i++)
			CU_ASSERT_EQUAL(g.f[i].number, (uint64_t)i + 1);
		if (g.frames >= 3) {
			CU_ASSERT_EQUAL(g.f[0].ts_ns, 11);
			CU_ASSERT_EQUAL(g.f[1].ts_ns, 3000012000);
			CU_ASSERT_EQUAL(g.f[1].linktype, 0);
			CU_ASSERT_EQUAL(memcmp(g.data[1], pkt_b, sizeof pkt_b), 0);
			CU_ASSERT_EQUAL(g.f[2].caplen, 5);
		}
		if (cut == w.n) {
			CU_ASSERT_EQUAL(g.frames, 4);
			CU_ASSERT_EQUAL(g.f[3].linktype, 101);
			CU_ASSERT_EQUAL(g.f[3].ts_ns, 13000);
			complete_runs++;
		}
	}
	CU_ASSERT_EQUAL(complete_runs, 1);
}

/* pcapng files libpcap reads: our reader must hand out the very same frames. */
static void test_agrees_with_libpcap(void)
{
	static const char *const files[] = {
		"real/nDPI__tests_cfgs_default_pcap_doq.pcapng",
		"real/gopacket__pcapgo_tests_be_test001.pcapng",
		"real/zeek__testing_btest_Traces_tcp_retransmit-timeout.pcapng",
		"real/PcapPlusPlus__Tests_Packet++Test_PacketExamples_IcmpPackets.pcap",
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char err[WC_ERRBUF_SIZE];
		const char *path = wc_fixture(files[i]);
		struct wc_capture *cap = wc_capture_open(path, err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
		CU_ASSERT_STRING_EQUAL(wc_capture_format(cap), "pcapng");
		FILE *f = fopen(path, "rb");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		struct wc_pcapng *r = wc_pcapng_open(f, err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		struct wc_frame a, b;
		int n = 0;
		while (wc_capture_next(cap, &a) == 1) {
			CU_ASSERT_EQUAL_FATAL(wc_pcapng_next(r, &b), 1);
			CU_ASSERT_EQUAL(a.number, b.number);
			CU_ASSERT_EQUAL(a.ts_ns, b.ts_ns);
			CU_ASSERT_EQUAL(a.caplen, b.caplen);
			CU_ASSERT_EQUAL(a.len, b.len);
			CU_ASSERT_EQUAL(a.linktype, b.linktype);
			CU_ASSERT_EQUAL(memcmp(a.data, b.data, a.caplen), 0);
			n++;
		}
		CU_ASSERT_EQUAL(wc_pcapng_next(r, &b), 0);
		CU_ASSERT_FALSE(wc_pcapng_anomaly(r, NULL, NULL));
		uint32_t snaplen = wc_pcapng_snaplen(r);
		CU_ASSERT_EQUAL(snaplen ? snaplen : 262144, wc_capture_snaplen(cap));
		CU_ASSERT_TRUE(n > 0);
		wc_pcapng_close(r);
		wc_capture_close(cap);
	}
}

/* Through wc_capture: libpcap hands out two frames, then refuses the second link
 * type; our reader skips those two and carries on from frame 3. */
static void test_capture_takes_over_mid_file(void)
{
	struct bld w = {0};
	shb(&w, false);
	idb(&w, 1, 65535, -1, 0);
	epb(&w, 0, 1000001, pkt_a, sizeof pkt_a);
	epb(&w, 0, 1000002, pkt_b, sizeof pkt_b);
	idb(&w, 0, 65535, -1, 0);
	epb(&w, 1, 1000003, pkt_b, 4);
	epb(&w, 0, 1000004, pkt_a, 2);
	char err[WC_ERRBUF_SIZE];
	struct wc_capture *cap = wc_capture_open(write_file("ng-takeover.pcapng", w.b, w.n), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
	CU_ASSERT_STRING_EQUAL(wc_capture_format(cap), "pcapng");
	struct wc_frame f;
	static const int64_t ts[] = {1000001000, 1000002000, 1000003000, 1000004000};
	static const uint32_t caplen[] = {5, 8, 4, 2};
	static const int lt[] = {1, 1, 0, 1};
	for (int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL_FATAL(wc_capture_next(cap, &f), 1);
		CU_ASSERT_EQUAL(f.number, (uint64_t)i + 1);
		CU_ASSERT_EQUAL(f.ts_ns, ts[i]);
		CU_ASSERT_EQUAL(f.caplen, caplen[i]);
		CU_ASSERT_EQUAL(f.linktype, lt[i]);
	}
	CU_ASSERT_EQUAL(wc_capture_next(cap, &f), 0);
	CU_ASSERT_STRING_EQUAL(wc_capture_format(cap), "pcapng (multi-link)");
	CU_ASSERT_FALSE(wc_capture_container_anomaly(cap, NULL, NULL));
	int lts[4];
	CU_ASSERT_EQUAL(wc_capture_linktypes(cap, lts, 4), 2);
	CU_ASSERT_EQUAL(lts[0], 1);
	CU_ASSERT_EQUAL(lts[1], 0);
	wc_capture_close(cap);
}

/* Through wc_capture: a broken block after one frame is reported with our reader's
 * precise anomaly and libpcap's words beside it. */
static void test_capture_reports_our_anomaly(void)
{
	struct bld w;
	one_good_frame(&w);
	epb(&w, 0, 2, pkt_b, sizeof pkt_b);
	patch32(&w, w.n - 4, 48);
	char err[WC_ERRBUF_SIZE];
	struct wc_capture *cap = wc_capture_open(write_file("ng-capture-trailer.pcapng", w.b, w.n), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
	struct wc_frame f;
	CU_ASSERT_EQUAL(wc_capture_next(cap, &f), 1);
	CU_ASSERT_EQUAL(wc_capture_next(cap, &f), 0);
	enum wc_anomaly a;
	const char *detail;
	CU_ASSERT_TRUE_FATAL(wc_capture_container_anomaly(cap, &a, &detail));
	CU_ASSERT_EQUAL(a, WC_ANOM_PCAPNG_BAD_BLOCK);
	CU_ASSERT_STRING_EQUAL(detail, "block of type 0x00000006 at offset 116: trailing length 48 differs from "
	                               "leading length 40 (libpcap: block total length in header and trailer don't match)");
	CU_ASSERT_STRING_EQUAL(wc_capture_format(cap), "pcapng");
	wc_capture_close(cap);
}

static const struct wc_test pcapng_tests[] = {
	{"little-endian section", test_little_endian},
	{"big-endian section", test_big_endian},
	{"if_tsresol and if_tsoffset", test_timestamp_resolutions},
	{"two sections in both byte orders", test_two_sections},
	{"a new section resets the interfaces", test_new_section_resets_interfaces},
	{"simple packet blocks", test_simple_packet_block},
	{"total length not a multiple of 4", test_length_not_multiple_of_4},
	{"total length too small or too large", test_length_too_small_and_too_large},
	{"trailing length mismatch", test_trailing_length_mismatch},
	{"captured length larger than the block", test_caplen_larger_than_block},
	{"file cut inside a block", test_cut_inside_block},
	{"packet naming interface 5 of 2", test_unknown_interface},
	{"bad interface options", test_bad_options},
	{"files that do not open", test_open_failures},
	{"truncation sweep", test_truncation_sweep},
	{"agrees with libpcap on real files", test_agrees_with_libpcap},
	{"capture takes over mid-file", test_capture_takes_over_mid_file},
	{"capture reports our anomaly", test_capture_reports_our_anomaly},
	{NULL, NULL},
};

static const struct wc_suite pcapng_suite = {"pcapng", pcapng_tests};
static const struct wc_suite *const suites[] = {&pcapng_suite, NULL};

int main(int argc, char **argv)
{
	return wc_unit_main(argc, argv, suites);
}
