/* test_livecap.c — live captures on lo and on both veth hosts, read back offline.
 *
 * One UDP datagram crosses each topology while a capture thread per capture point writes
 * a .pcap. The counts must agree (kernel drops 0, received == written, the exact frame
 * count), and the saved files, analysed like any student capture (analyze.h), must show
 * that datagram: on lo with a partial checksum (transmit offload), on veth with offload
 * off a real one, "ok", on both sides. Nothing may be left afterwards. Exits 77, naming
 * the missing feature, where no namespace can be made.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "livecap.h"
#include "netns.h"
#include "netns_leftovers.h"
#include "netns_udp.h"
#include "topology.h"
#include "unit.h"

#define PORT 7412
static const char payload[] = "one datagram, two vantage points";

static char host_ifs_before[4096];
/* every interface name a topology makes: none may ever appear in the test's namespace */
static const char *const topology_names[] = {"lo", "eth0", "br0", "to-client", "to-server", NULL};

/* ---- helpers ------------------------------------------------------------------ */

static bool make_topo(struct wc_topo *t, const char *json)
{
	struct wc_topo_config cfg;
	char errbuf[WC_ERRBUF_SIZE] = "";
	json_object *o = json_tokener_parse(json);
	int rc = wc_topo_config_from_json(&cfg, o, errbuf);
	json_object_put(o);
	if (rc == 0)
		rc = wc_topo_up(t, &cfg, errbuf);
	if (rc != 0)
		printf("\n  topology: %s\n", errbuf);
	return rc == 0;
}

/* A host's capture point. Its path lives in a buffer of its own per host: wc_scratch
 * reuses one buffer, and both hosts' options are alive at once. */
static struct wc_livecap_opts point(const struct wc_topo *t, enum wc_topo_host h, const char *file)
{
	static char paths[2][4096];
	snprintf(paths[h], sizeof paths[h], "%s", wc_scratch(file));
	struct wc_livecap_opts o = {.device = wc_topo_capture_device(t), .netns_fd = wc_topo_host_netns(t, h),
	                            .path = paths[h]};
	return o;
}

/* Both hosts' captures, started together. */
static bool start_both(const struct wc_topo *t, const char *cfile, const char *sfile, struct wc_livecap **caps)
{
	struct wc_livecap_opts o[2] = {point(t, WC_HOST_CLIENT, cfile), point(t, WC_HOST_SERVER, sfile)};
	char errbuf[WC_ERRBUF_SIZE] = "";
	int rc = wc_livecap_start_all(o, 2, caps, errbuf);
	if (rc != 0)
		printf("\n  capture: %s\n", errbuf);
	return rc == 0;
}

static struct wc_livecap *start(const struct wc_topo *t, enum wc_topo_host h, const char *file)
{
	struct wc_livecap_opts o = point(t, h, file);
	char errbuf[WC_ERRBUF_SIZE] = "";
	struct wc_livecap *c = wc_livecap_start(&o, errbuf);
	if (!c)
		printf("\n  capture: %s\n", errbuf);
	return c;
}

/* frames: how many the exchange puts on the wire at the least; on veth ARP may be sent
 * again on a loaded machine, so more are allowed there (min_only), never fewer. */
static void assert_conclusive(const struct wc_livecap_result *r, uint64_t frames, bool min_only)
{
	if (!r->conclusive)
		printf("\n  inconclusive: %s\n", r->reason);
	if (min_only) {
		CU_ASSERT_TRUE(r->written >= frames);
	} else {
		CU_ASSERT_EQUAL(r->written, frames);
	}
	CU_ASSERT_EQUAL(r->received, r->written);
	CU_ASSERT_EQUAL(r->dropped, 0);
	CU_ASSERT_TRUE(r->conclusive);
	CU_ASSERT_STRING_EQUAL(r->reason, "");
}

static void stop_conclusive(struct wc_livecap *c, uint64_t frames, bool min_only)
{
	struct wc_livecap_result r;
	char errbuf[WC_ERRBUF_SIZE] = "";
	CU_ASSERT_EQUAL(wc_livecap_stop(c, &r, errbuf), 0);
	assert_conclusive(&r, frames, min_only);
}

/* What the analysis saw of the capture's UDP datagrams. */
struct seen {
	unsigned udp;
	char src[WC_ADDR_STRLEN], dst[WC_ADDR_STRLEN];
	uint16_t dport;
	uint32_t payload_len;
	bool payload_matches;
	enum wc_csum csum;
};

static void on_packet(const struct wc_packet *pkt, const struct wc_pkt_note *note, void *arg)
{
	(void)note;
	struct seen *s = arg;
	if (pkt->l4 != WC_L4_UDP)
		return;
	s->udp++;
	inet_ntop(AF_INET, pkt->ip.src.bytes, s->src, sizeof s->src);
	inet_ntop(AF_INET, pkt->ip.dst.bytes, s->dst, sizeof s->dst);
	s->dport = pkt->u.udp.dport;
	s->payload_len = pkt->u.udp.payload_len;
	s->payload_matches = pkt->u.udp.payload_caplen == sizeof payload &&
	                     memcmp(pkt->u.udp.payload, payload, sizeof payload) == 0;
	s->csum = pkt->u.udp.csum;
}

static void analyse(const char *file, struct wc_analysis *a, struct seen *s)
{
	struct wc_analysis_opts opts;
	memset(&opts, 0, sizeof opts);
	memset(s, 0, sizeof *s);
	opts.on_packet = on_packet;
	opts.arg = s;
	char errbuf[WC_ERRBUF_SIZE] = "";
	int rc = wc_analyze_file(wc_scratch(file), &opts, a, errbuf);
	if (rc != 0)
		printf("\n  %s: %s\n", file, errbuf);
	remove(wc_scratch(file)); /* a live test leaves no file behind */
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_FALSE(a->container_broken);
	CU_ASSERT_EQUAL(a->flows.udp_flows, 1);
	CU_ASSERT_EQUAL(s->udp, 1);
	CU_ASSERT_EQUAL(s->dport, PORT);
	CU_ASSERT_EQUAL(s->payload_len, sizeof payload);
	CU_ASSERT_TRUE(s->payload_matches);
}

static void down_and_check(struct wc_topo *t)
{
	ino_t inodes[3] = {wc_netns_inode(t->host_fd[0]), wc_netns_inode(t->host_fd[1]),
	                   t->link_fd >= 0 ? wc_netns_inode(t->link_fd) : 0};
	wc_topo_down(t);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_TRUE(inodes[i] == 0 || !netns_inode_alive(inodes[i]));
	char now[4096];
	CU_ASSERT_EQUAL(host_interfaces(now, sizeof now), 0);
	CU_ASSERT_FALSE(gained_interface(host_ifs_before, now, topology_names));
}

static ssize_t send_one(const struct wc_topo *t)
{
	char seen[64];
	return udp_across(wc_topo_host_netns(t, WC_HOST_CLIENT), wc_topo_address(t, WC_HOST_CLIENT),
	                  wc_topo_host_netns(t, WC_HOST_SERVER), wc_topo_address(t, WC_HOST_SERVER), PORT, payload,
	                  sizeof payload, 2000, seen, sizeof seen);
}

/* ---- tests --------------------------------------------------------------------- */

static void test_loopback_capture(void)
{
	struct wc_topo t;
	CU_ASSERT_TRUE_FATAL(make_topo(&t, "{\"kind\": \"loopback\"}"));
	struct wc_livecap *c = start(&t, WC_HOST_CLIENT, "livecap-lo.pcap");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(send_one(&t), (ssize_t)sizeof payload);
	stop_conclusive(c, 1, false);
	down_and_check(&t);

	struct wc_analysis a;
	struct seen s;
	analyse("livecap-lo.pcap", &a, &s);
	CU_ASSERT_EQUAL(a.stats.frames, 1);
	CU_ASSERT_STRING_EQUAL(s.src, "127.0.0.1");
	CU_ASSERT_STRING_EQUAL(s.dst, "127.0.0.1");
	/* lo leaves transmit offload's partial sum in the field */
	CU_ASSERT_EQUAL(s.csum, WC_CSUM_PARTIAL);
}

/* With offload off both sides hold the real checksum: ARP request, ARP reply, the
 * datagram — three frames on each host (more only if ARP is sent again). */
static void test_veth_capture_both_hosts(void)
{
	struct wc_topo t;
	CU_ASSERT_TRUE_FATAL(make_topo(&t, "{\"kind\": \"veth\", \"offload\": false}"));
	struct wc_livecap *caps[2];
	CU_ASSERT_TRUE_FATAL(start_both(&t, "livecap-veth-client.pcap", "livecap-veth-server.pcap", caps));
	CU_ASSERT_EQUAL(send_one(&t), (ssize_t)sizeof payload);
	struct wc_livecap_result r[2];
	char errbuf[WC_ERRBUF_SIZE] = "";
	CU_ASSERT_EQUAL(wc_livecap_stop_all(caps, 2, r, errbuf), 0);
	assert_conclusive(&r[0], 3, true);
	assert_conclusive(&r[1], 3, true);
	down_and_check(&t);

	static const char *const files[] = {"livecap-veth-client.pcap", "livecap-veth-server.pcap"};
	for (int i = 0; i < 2; i++) {
		struct wc_analysis a;
		struct seen s;
		analyse(files[i], &a, &s);
		CU_ASSERT_TRUE(a.stats.frames >= 3);
		CU_ASSERT_EQUAL(a.stats.non_ip, a.stats.frames - 1); /* all ARP but the datagram */
		CU_ASSERT_EQUAL(a.stats.ipv4, 1);
		CU_ASSERT_STRING_EQUAL(s.src, "10.0.0.1");
		CU_ASSERT_STRING_EQUAL(s.dst, "10.0.0.2");
		CU_ASSERT_EQUAL(s.csum, WC_CSUM_OK);
		CU_ASSERT_EQUAL(a.stats.csum[WC_CK_UDP][WC_CSUM_OK], 1);
		CU_ASSERT_EQUAL(a.stats.csum[WC_CK_UDP][WC_CSUM_PARTIAL], 0);
		CU_ASSERT_EQUAL(a.stats.csum[WC_CK_IPV4][WC_CSUM_OK], 1);
	}
}

/* The contrast: with offload kept, the sender's capture holds only the partial sum. */
static void test_veth_offload_kept_is_partial(void)
{
	struct wc_topo t;
	CU_ASSERT_TRUE_FATAL(make_topo(&t, "{\"kind\": \"veth\", \"offload\": true}"));
	struct wc_livecap *cc = start(&t, WC_HOST_CLIENT, "livecap-veth-offload.pcap");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cc);
	CU_ASSERT_EQUAL(send_one(&t), (ssize_t)sizeof payload);
	stop_conclusive(cc, 3, true);
	down_and_check(&t);

	struct wc_analysis a;
	struct seen s;
	analyse("livecap-veth-offload.pcap", &a, &s);
	CU_ASSERT_EQUAL(s.csum, WC_CSUM_PARTIAL);
	CU_ASSERT_EQUAL(a.stats.csum[WC_CK_UDP][WC_CSUM_BAD], 0);
}

static void test_missing_device_refused(void)
{
	struct wc_topo t;
	CU_ASSERT_TRUE_FATAL(make_topo(&t, "{\"kind\": \"loopback\"}"));
	struct wc_livecap_opts o = {.device = "nosuch0", .netns_fd = wc_topo_host_netns(&t, WC_HOST_CLIENT),
	                            .path = wc_scratch("livecap-nosuch.pcap")};
	char errbuf[WC_ERRBUF_SIZE] = "";
	remove(o.path);
	CU_ASSERT_PTR_NULL(wc_livecap_start(&o, errbuf));
	CU_ASSERT_EQUAL(strncmp(errbuf, "capture on nosuch0: activate: ", 30), 0);
	CU_ASSERT_NOT_EQUAL(access(o.path, F_OK), 0); /* no file is left either */
	down_and_check(&t);
}

/* When one of several capture points cannot start, none is left running and no file
 * is left behind. */
static void test_start_all_is_all_or_nothing(void)
{
	struct wc_topo t;
	CU_ASSERT_TRUE_FATAL(make_topo(&t, "{\"kind\": \"veth\"}"));
	struct wc_livecap_opts o[2] = {point(&t, WC_HOST_CLIENT, "livecap-half-c.pcap"),
	                               point(&t, WC_HOST_SERVER, "livecap-half-s.pcap")};
	o[1].device = "nosuch0";
	remove(o[0].path);
	remove(o[1].path);
	struct wc_livecap *caps[2] = {NULL, NULL};
	char errbuf[WC_ERRBUF_SIZE] = "";
	CU_ASSERT_EQUAL(wc_livecap_start_all(o, 2, caps, errbuf), -1);
	CU_ASSERT_EQUAL(strncmp(errbuf, "capture on nosuch0: activate: ", 30), 0);
	CU_ASSERT_PTR_NULL(caps[0]);
	CU_ASSERT_PTR_NULL(caps[1]);
	CU_ASSERT_NOT_EQUAL(access(o[0].path, F_OK), 0);
	CU_ASSERT_NOT_EQUAL(access(o[1].path, F_OK), 0);
	down_and_check(&t);
}

static const struct wc_test livecap_tests[] = {
	{"lo: one datagram, counts agree, partial checksum", test_loopback_capture},
	{"veth, offload off: both hosts record it, real checksum", test_veth_capture_both_hosts},
	{"veth, offload kept: the sender's capture holds a partial sum", test_veth_offload_kept_is_partial},
	{"a device missing from the namespace is refused, no file made", test_missing_device_refused},
	{"start_all: one point failing leaves nothing running, no file", test_start_all_is_all_or_nothing},
	{NULL, NULL},
};
static const struct wc_suite livecap_suite = {"livecap", livecap_tests};

int main(int argc, char **argv)
{
	char errbuf[WC_ERRBUF_SIZE] = "";
	bool userns;
	if (wc_netns_init(&userns, errbuf) != 0) {
		printf("SKIP: %s\n", errbuf);
		return 77;
	}
	struct wc_topo t;
	if (!make_topo(&t, "{\"kind\": \"loopback\"}")) {
		printf("SKIP: cannot make a loopback topology\n");
		return 77;
	}
	/* a kernel or sandbox may refuse packet sockets even where namespaces work */
	struct wc_livecap_opts o = {.device = "lo", .netns_fd = wc_topo_host_netns(&t, WC_HOST_CLIENT),
	                            .path = wc_scratch("livecap-probe.pcap")};
	struct wc_livecap *c = wc_livecap_start(&o, errbuf);
	if (!c) {
		wc_topo_down(&t);
		printf("SKIP: cannot capture with libpcap in a namespace: %s\n", errbuf);
		return 77;
	}
	struct wc_livecap_result r;
	wc_livecap_stop(c, &r, errbuf);
	remove(o.path);
	wc_topo_down(&t);
	if (host_interfaces(host_ifs_before, sizeof host_ifs_before) != 0) {
		fprintf(stderr, "cannot list this host's interfaces\n");
		return 99;
	}
	const struct wc_suite *const suites[] = {&livecap_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
