/* test_capture.c — opening real captures: frame counts, link types, timestamps, broken files. */
#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "unit.h"

#define REAL_DIR "real"
#define MANY_IFACES "PcapPlusPlus__Tests_Pcap++Test_PcapExamples_many_interfaces-1.pcapng"

struct readout {
	int frames;
	bool numbered_in_order; /* frame numbers ran 1, 2, 3, … */
	bool broken;
	enum wc_anomaly anomaly;
	char detail[WC_ERRBUF_SIZE];
	int linktypes[16];
	int n_linktypes;
};

/* Read a whole capture that is expected to open. */
static bool read_all(const char *path, struct readout *r)
{
	char err[WC_ERRBUF_SIZE];
	struct wc_frame f;
	memset(r, 0, sizeof *r);
	struct wc_capture *cap = wc_capture_open(path, err);
	if (!cap) {
		fprintf(stderr, "\n%s\n", err);
		return false;
	}
	r->numbered_in_order = true;
	while (wc_capture_next(cap, &f) == 1) {
		r->frames++;
		if (f.number != (uint64_t)r->frames)
			r->numbered_in_order = false;
	}
	CU_ASSERT_EQUAL(wc_capture_next(cap, &f), 0); /* stays at the end */
	const char *detail = "";
	r->broken = wc_capture_container_anomaly(cap, &r->anomaly, &detail);
	snprintf(r->detail, sizeof r->detail, "%s", detail);
	r->n_linktypes = wc_capture_linktypes(cap, r->linktypes, 16);
	wc_capture_close(cap);
	return true;
}

static bool has_linktype(const struct readout *r, int lt)
{
	for (int i = 0; i < r->n_linktypes && i < 16; i++)
		if (r->linktypes[i] == lt)
			return true;
	return false;
}

/* Files tshark reads to the end: our frame count and link types must match truth.jsonl.
 * Truth lists the link types as stored; 12 is raw IP there, which we call 101. */
static void check_against_truth(json_object *row)
{
	json_object *v;
	const char *file = json_object_get_string(json_object_object_get_ex(row, "file", &v) ? v : NULL);
	int frames = json_object_object_get_ex(row, "frames", &v) ? json_object_get_int(v) : -1;
	char rel[512];
	snprintf(rel, sizeof rel, REAL_DIR "/%s", file);
	struct readout r;
	CU_ASSERT_TRUE_FATAL(read_all(wc_fixture(rel), &r));
	if (r.frames != frames || r.broken)
		fprintf(stderr, "\n%s: %d frames (truth %d) %s\n", file, r.frames, frames, r.detail);
	CU_ASSERT_EQUAL(r.frames, frames);
	CU_ASSERT_TRUE(r.numbered_in_order);
	CU_ASSERT_FALSE(r.broken);
	json_object *lts;
	CU_ASSERT_TRUE_FATAL(json_object_object_get_ex(row, "linktypes", &lts));
	size_t n = json_object_array_length(lts);
	CU_ASSERT_EQUAL((size_t)r.n_linktypes, n);
	for (size_t i = 0; i < n; i++) {
		int lt = json_object_get_int(json_object_array_get_idx(lts, i));
		CU_ASSERT_TRUE(has_linktype(&r, lt == 12 ? 101 : lt));
	}
}

/* Broken files, checked by hand with `tcpdump -r` (libpcap 1.10.3) and byte dumps. */
struct broken_case {
	const char *file;
	int frames;             /* -1: the open must fail */
	enum wc_anomaly anomaly;
	const char *detail;     /* the exact detail, or what the open error must contain */
};

static const struct broken_case broken_cases[] = {
	/* one good record, then a record header cut after 7 of its 16 bytes */
	{"dpkt__examples_data_truncated_dns_2.pcap", 1, WC_ANOM_CAPTURE_READ_ERROR,
	 "truncated dump file; tried to read 16 header bytes, only got 7"},
	/* one good record, then caplen 0x53fe6000 in a 385-byte file (tshark's wiretap
	 * guesses a different record layout and finds a second frame; the pcap format
	 * does not) */
	{"suricata-verify__tests_bug-6875-01_fuzz.pcap", 1, WC_ANOM_CAPTURE_READ_ERROR,
	 "invalid packet capture length 1409179648, bigger than snaplen of 65535"},
	/* snaplen 2: two records, then a 65540-byte record with 349 bytes left */
	{"PcapPlusPlus__Tests_Fuzzers_RegressionTests_regression_samples_clusterfuzz-testcase-minimized-FuzzTarget-5696447256461312",
	 2, WC_ANOM_CAPTURE_READ_ERROR, "truncated dump file; tried to read 65540 captured bytes, only got 349"},
	/* sound SHB and IDB; the first EPB claims 65536 bytes in a 32-byte block */
	{"PcapPlusPlus__Tests_Fuzzers_RegressionTests_regression_samples_crash-pcapng-epb-unbounded-length", 0,
	 WC_ANOM_PCAPNG_BAD_BLOCK,
	 "packet block at offset 48: captured length 65536 runs past the block (0 bytes left) "
	 "(libpcap: invalid packet capture length 65536, bigger than snaplen of 65535)"},
	/* the SHB's trailing length is option bytes "0000": no frame can be read */
	{"libpcap__tests_shb-option-too-long.pcapng", -1, WC_ANOM_PCAPNG_BAD_BLOCK,
	 "libpcap says \"block total length in header and trailer don't match\"; wirecheck's reader says "
	 "\"block of type 0x0a0d0d0a at offset 0: trailing length 808464432 differs from leading length 52\""},
};

static const struct broken_case *broken_case_for(const char *file)
{
	for (size_t i = 0; i < sizeof broken_cases / sizeof broken_cases[0]; i++)
		if (strcmp(broken_cases[i].file, file) == 0)
			return &broken_cases[i];
	return NULL;
}

static void check_broken(const struct broken_case *bc)
{
	char rel[512], err[WC_ERRBUF_SIZE] = "";
	snprintf(rel, sizeof rel, REAL_DIR "/%s", bc->file);
	const char *path = wc_fixture(rel);
	if (bc->frames < 0) {
		CU_ASSERT_PTR_NULL(wc_capture_open(path, err));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bc->file));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bc->detail));
		return;
	}
	struct readout r;
	CU_ASSERT_TRUE_FATAL(read_all(path, &r));
	if (r.frames != bc->frames || strcmp(r.detail, bc->detail) != 0)
		fprintf(stderr, "\n%s: %d frames, detail \"%s\"\n", bc->file, r.frames, r.detail);
	CU_ASSERT_EQUAL(r.frames, bc->frames);
	CU_ASSERT_TRUE(r.numbered_in_order);
	CU_ASSERT_TRUE(r.broken);
	CU_ASSERT_EQUAL(r.anomaly, bc->anomaly);
	CU_ASSERT_STRING_EQUAL(r.detail, bc->detail);
}

static void test_truth_files(void)
{
	FILE *f = fopen(wc_fixture(REAL_DIR "/truth.jsonl"), "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char line[65536];
	int clean = 0, broken = 0;
	while (fgets(line, sizeof line, f)) {
		json_object *row = json_tokener_parse(line), *v;
		CU_ASSERT_PTR_NOT_NULL_FATAL(row);
		const char *file = json_object_object_get_ex(row, "file", &v) ? json_object_get_string(v) : "";
		const char *err = json_object_object_get_ex(row, "tshark_read_error", &v) ? json_object_get_string(v) : "";
		const struct broken_case *bc = broken_case_for(file);
		if (*err) {
			CU_ASSERT_PTR_NOT_NULL(bc); /* every file tshark calls broken is checked by hand */
			if (bc) {
				check_broken(bc);
				broken++;
			}
		} else {
			CU_ASSERT_PTR_NULL(bc);
			check_against_truth(row);
			clean++;
		}
		json_object_put(row);
	}
	fclose(f);
	CU_ASSERT_EQUAL(clean, 39);
	CU_ASSERT_EQUAL(broken, 5);
}

/* Everything in the folder either opens (and reads to an end) or is refused with a
 * message naming the file; the three text files are not captures. */
static void test_every_file_opens_or_fails_cleanly(void)
{
	DIR *d = opendir(wc_fixture(REAL_DIR));
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	int opened = 0, refused = 0, not_captures = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char rel[512], path[4096], err[WC_ERRBUF_SIZE] = "";
		snprintf(rel, sizeof rel, REAL_DIR "/%s", e->d_name);
		snprintf(path, sizeof path, "%s", wc_fixture(rel));
		struct wc_capture *cap = wc_capture_open(path, err);
		if (cap) {
			struct wc_frame f;
			while (wc_capture_next(cap, &f) == 1)
				CU_ASSERT_TRUE(f.caplen == 0 || f.data != NULL);
			wc_capture_close(cap);
			opened++;
			continue;
		}
		refused++;
		CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
		if (strstr(err, "not a pcap or pcapng capture file"))
			not_captures++;
	}
	closedir(d);
	CU_ASSERT_EQUAL(opened, 43);
	CU_ASSERT_EQUAL(refused, 4); /* shb-option-too-long and the three text files */
	CU_ASSERT_EQUAL(not_captures, 3);
}

/* macOS `tcpdump -i any`: eleven interfaces of link types 1, 0 and 12 (raw IP), which
 * libpcap refuses at the second link type. Values from
 * `tshark -T fields -e frame.number -e frame.time_epoch -e frame.interface_id -e frame.len`. */
static void test_many_interfaces_multi_link(void)
{
	char err[WC_ERRBUF_SIZE];
	struct wc_capture *cap = wc_capture_open(wc_fixture(REAL_DIR "/" MANY_IFACES), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
	struct wc_frame f;
	int n = 0, null_frames = 0;
	while (wc_capture_next(cap, &f) == 1) {
		n++;
		CU_ASSERT_EQUAL(f.number, (uint64_t)n);
		CU_ASSERT_EQUAL(f.caplen, f.len);
		if (f.linktype == 0) {
			null_frames++;
			CU_ASSERT_EQUAL(f.iface, 10); /* lo0 */
		} else {
			CU_ASSERT_EQUAL(f.linktype, 1);
			CU_ASSERT_EQUAL(f.iface, 0); /* en0 */
		}
		if (n == 1) {
			CU_ASSERT_EQUAL(f.ts_ns, 1439753725701607000);
			CU_ASSERT_EQUAL(f.len, 178);
			CU_ASSERT_EQUAL(f.data[12], 0x08); /* IPv4 ethertype */
			CU_ASSERT_EQUAL(f.data[13], 0x00);
		} else if (n == 3) {
			CU_ASSERT_EQUAL(f.ts_ns, 1439753725701568000);
			CU_ASSERT_EQUAL(f.linktype, 0);
			CU_ASSERT_EQUAL(f.len, 168);
		} else if (n == 4) {
			CU_ASSERT_EQUAL(f.ts_ns, 1439753725701822000);
			CU_ASSERT_EQUAL(f.linktype, 0);
		} else if (n == 35) {
			CU_ASSERT_EQUAL(f.ts_ns, 1439753727987288000);
			CU_ASSERT_EQUAL(f.len, 1238);
		} else if (n == 64) {
			CU_ASSERT_EQUAL(f.ts_ns, 1439753728292345000);
			CU_ASSERT_EQUAL(f.len, 195);
		}
	}
	CU_ASSERT_EQUAL(n, 64);
	CU_ASSERT_EQUAL(null_frames, 2);
	CU_ASSERT_STRING_EQUAL(wc_capture_format(cap), "pcapng (multi-link)");
	CU_ASSERT_FALSE(wc_capture_container_anomaly(cap, NULL, NULL));
	int lts[4];
	CU_ASSERT_EQUAL(wc_capture_linktypes(cap, lts, 4), 3);
	CU_ASSERT_EQUAL(lts[0], 1);   /* en0 … vboxnet0 */
	CU_ASSERT_EQUAL(lts[1], 0);   /* utun0 */
	CU_ASSERT_EQUAL(lts[2], 101); /* p2p0, stored as 12 */
	CU_ASSERT_EQUAL(wc_capture_snaplen(cap), 262144);
	wc_capture_close(cap);
}

/* A nanosecond pcap keeps every digit (`tshark -e frame.time_epoch`). */
static void test_nanosecond_pcap(void)
{
	static const int64_t ts[] = {1418145369924505488, 1418145370052027262, 1418145370052115157};
	static const uint32_t len[] = {76, 76, 68};
	char err[WC_ERRBUF_SIZE];
	struct wc_capture *cap = wc_capture_open(wc_fixture(REAL_DIR "/tcpdump__tests_tcp-handshake-nano.pcap"), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
	CU_ASSERT_STRING_EQUAL(wc_capture_format(cap), "pcap-nsec");
	CU_ASSERT_EQUAL(wc_capture_snaplen(cap), 262144);
	struct wc_frame f;
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL_FATAL(wc_capture_next(cap, &f), 1);
		CU_ASSERT_EQUAL(f.number, (uint64_t)i + 1);
		CU_ASSERT_EQUAL(f.ts_ns, ts[i]);
		CU_ASSERT_EQUAL(f.len, len[i]);
		CU_ASSERT_EQUAL(f.caplen, len[i]);
		CU_ASSERT_EQUAL(f.linktype, 113);
		CU_ASSERT_EQUAL(f.iface, 0);
	}
	CU_ASSERT_EQUAL(wc_capture_next(cap, &f), 0);
	CU_ASSERT_FALSE(wc_capture_container_anomaly(cap, NULL, NULL));
	wc_capture_close(cap);
}

static void check_first_frame(const char *file, const char *format, int linktype, int64_t ts_ns, uint32_t len)
{
	char rel[512], err[WC_ERRBUF_SIZE];
	snprintf(rel, sizeof rel, REAL_DIR "/%s", file);
	struct wc_capture *cap = wc_capture_open(wc_fixture(rel), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
	CU_ASSERT_STRING_EQUAL(wc_capture_format(cap), format);
	struct wc_frame f;
	CU_ASSERT_EQUAL_FATAL(wc_capture_next(cap, &f), 1);
	CU_ASSERT_EQUAL(f.number, 1);
	CU_ASSERT_EQUAL(f.linktype, linktype);
	CU_ASSERT_EQUAL(f.ts_ns, ts_ns);
	CU_ASSERT_EQUAL(f.len, len);
	CU_ASSERT_EQUAL(f.caplen, len);
	wc_capture_close(cap);
}

/* Microsecond pcap in both byte orders, raw IP stored as 101, pcapng in both byte
 * orders through libpcap (`tshark -e frame.time_epoch -e frame.len`). */
static void test_formats_and_first_frames(void)
{
	check_first_frame("zeek__testing_btest_Traces_tcp_single-rst.pcap", "pcap", 1, 1597255063527343000, 54);
	check_first_frame("tcpdump__tests_LINKTYPE_RAW_ipv4.pcap", "pcap", 101, 1751997551951226000, 57);
	check_first_frame("tcpdump__tests_pptp.pcap", "pcap", 1, 954147395148077000, 62); /* big-endian */
	check_first_frame("nDPI__tests_cfgs_default_pcap_doq.pcapng", "pcapng", 1, 1606056093199591961, 1294);
	/* simple packet blocks: no timestamp */
	check_first_frame("gopacket__pcapgo_tests_be_test001.pcapng", "pcapng", 1, 0, 314);
}

static void test_not_a_capture(void)
{
	char err[WC_ERRBUF_SIZE], expect[WC_ERRBUF_SIZE + 64];
	const char *readme = wc_fixture(REAL_DIR "/README.md");
	snprintf(expect, sizeof expect, "%s: not a pcap or pcapng capture file", readme);
	CU_ASSERT_PTR_NULL(wc_capture_open(readme, err));
	CU_ASSERT_STRING_EQUAL(err, expect);

	const char *empty = wc_scratch("capture-empty.pcap");
	FILE *f = fopen(empty, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fclose(f);
	snprintf(expect, sizeof expect, "%s: not a pcap or pcapng capture file", empty);
	CU_ASSERT_PTR_NULL(wc_capture_open(empty, err));
	CU_ASSERT_STRING_EQUAL(err, expect);

	const char *missing = wc_scratch("capture-no-such-file.pcap");
	remove(missing);
	snprintf(expect, sizeof expect, "%s: No such file or directory", missing);
	CU_ASSERT_PTR_NULL(wc_capture_open(missing, err));
	CU_ASSERT_STRING_EQUAL(err, expect);
}

static void test_linktype_names(void)
{
	CU_ASSERT_STRING_EQUAL(wc_linktype_name(1), "EN10MB");
	CU_ASSERT_STRING_EQUAL(wc_linktype_name(0), "NULL");
	CU_ASSERT_STRING_EQUAL(wc_linktype_name(113), "LINUX_SLL");
	CU_ASSERT_STRING_EQUAL(wc_linktype_name(276), "LINUX_SLL2");
	CU_ASSERT_STRING_EQUAL(wc_linktype_name(101), "RAW");
	CU_ASSERT_STRING_EQUAL(wc_linktype_name(229), "IPV6");
	CU_ASSERT_STRING_EQUAL(wc_linktype_name(64999), "LINKTYPE_64999");
	CU_ASSERT_EQUAL(wc_linktype_canonical(12), 101);
	CU_ASSERT_EQUAL(wc_linktype_canonical(14), 101);
	CU_ASSERT_EQUAL(wc_linktype_canonical(101), 101);
	CU_ASSERT_EQUAL(wc_linktype_canonical(1), 1);
	CU_ASSERT_EQUAL(wc_linktype_canonical(108), 108);
	CU_ASSERT_EQUAL(wc_linktype_canonical(276), 276);
}

static const struct wc_test capture_tests[] = {
	{"real files agree with truth.jsonl", test_truth_files},
	{"every real file opens or fails cleanly", test_every_file_opens_or_fails_cleanly},
	{"multi-link pcapng falls back to our reader", test_many_interfaces_multi_link},
	{"nanosecond pcap timestamps are exact", test_nanosecond_pcap},
	{"formats and first frames", test_formats_and_first_frames},
	{"files that are not captures", test_not_a_capture},
	{"link type names and canonical values", test_linktype_names},
	{NULL, NULL},
};

static const struct wc_suite capture_suite = {"capture", capture_tests};
static const struct wc_suite *const suites[] = {&capture_suite, NULL};

int main(int argc, char **argv)
{
	return wc_unit_main(argc, argv, suites);
}
