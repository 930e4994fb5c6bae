/* test_faults_match.c — the drop fault's match grammar, translated to exact nftables text. */
#include <string.h>

#include "errbuf.h"
#include "faults.h"
#include "faults_internal.h"
#include "unit.h"

static struct wc_match_alts alts;
static char errbuf[WC_ERRBUF_SIZE];

static void test_no_match_is_every_ip_packet(void)
{
	CU_ASSERT_EQUAL_FATAL(wc_faults_match_compile(NULL, &alts, errbuf), 0);
	CU_ASSERT_EQUAL(alts.n, 1);
	CU_ASSERT_STRING_EQUAL(alts.alt[0], "ether type { ip, ip6 }");
}

static void test_protocol_and_directed_port(void)
{
	CU_ASSERT_EQUAL_FATAL(wc_faults_match_compile("udp and dst port 7007", &alts, errbuf), 0);
	CU_ASSERT_EQUAL(alts.n, 1);
	CU_ASSERT_STRING_EQUAL(alts.alt[0], "meta l4proto udp meta l4proto { tcp, udp } th dport 7007");
	CU_ASSERT_EQUAL_FATAL(wc_faults_match_compile("  icmp6   &&  src host 2001:DB8:0::1 ", &alts, errbuf), 0);
	CU_ASSERT_EQUAL(alts.n, 1);
	CU_ASSERT_STRING_EQUAL(alts.alt[0], "meta l4proto ipv6-icmp ip6 saddr 2001:db8::1");
}

static void test_either_direction_doubles(void)
{
	CU_ASSERT_EQUAL_FATAL(wc_faults_match_compile("port 53", &alts, errbuf), 0);
	CU_ASSERT_EQUAL(alts.n, 2);
	CU_ASSERT_STRING_EQUAL(alts.alt[0], "meta l4proto { tcp, udp } th sport 53");
	CU_ASSERT_STRING_EQUAL(alts.alt[1], "meta l4proto { tcp, udp } th dport 53");
	CU_ASSERT_EQUAL_FATAL(wc_faults_match_compile("tcp and host 10.0.0.2 and port 7", &alts, errbuf), 0);
	CU_ASSERT_EQUAL(alts.n, 4);
	CU_ASSERT_STRING_EQUAL(alts.alt[0], "meta l4proto tcp ip saddr 10.0.0.2 meta l4proto { tcp, udp } th sport 7");
	CU_ASSERT_STRING_EQUAL(alts.alt[1], "meta l4proto tcp ip saddr 10.0.0.2 meta l4proto { tcp, udp } th dport 7");
	CU_ASSERT_STRING_EQUAL(alts.alt[2], "meta l4proto tcp ip daddr 10.0.0.2 meta l4proto { tcp, udp } th sport 7");
	CU_ASSERT_STRING_EQUAL(alts.alt[3], "meta l4proto tcp ip daddr 10.0.0.2 meta l4proto { tcp, udp } th dport 7");
}

static void test_refused_text(void)
{
	CU_ASSERT_EQUAL(wc_faults_match_valid("udp; flush ruleset", errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "match \"udp; flush ruleset\": unknown word \"udp;\"; allowed: ip, ip6, "
	                               "tcp, udp, icmp, icmp6, [src|dst] port N, [src|dst] host ADDRESS, "
	                               "joined by \"and\"");
	CU_ASSERT_EQUAL(wc_faults_match_valid("udp or tcp", errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "match \"udp or tcp\": expected \"and\" before \"or\"; allowed: ip, ip6, "
	                               "tcp, udp, icmp, icmp6, [src|dst] port N, [src|dst] host ADDRESS, "
	                               "joined by \"and\"");
	CU_ASSERT_EQUAL(wc_faults_match_valid("port 70000", errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "match \"port 70000\": port must be a number from 1 to 65535, got \"70000\"");
	CU_ASSERT_EQUAL(wc_faults_match_valid("port -1", errbuf), -1);
	CU_ASSERT_EQUAL(wc_faults_match_valid("dst host \"x\"", errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "match \"dst host \"x\"\": host must be an IPv4 or IPv6 address, got \"\"x\"\"");
	CU_ASSERT_EQUAL(wc_faults_match_valid("udp and", errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "match \"udp and\": ends with \"and\"");
	CU_ASSERT_EQUAL(wc_faults_match_valid("src", errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "match \"src\": \"src\" must be followed by port or host");
	CU_ASSERT_EQUAL(wc_faults_match_valid(" ", errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "match is empty; leave it out to match every IP packet");
	CU_ASSERT_EQUAL(wc_faults_match_valid("host 10.0.0.1 and host 10.0.0.2 and port 9", errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "match \"host 10.0.0.1 and host 10.0.0.2 and port 9\": too many "
	                               "either-direction port/host terms (say src or dst)");
}

static const struct wc_test match_tests[] = {
	{"no match: every IPv4 and IPv6 packet", test_no_match_is_every_ip_packet},
	{"protocol and directed port or host: one alternative", test_protocol_and_directed_port},
	{"port or host without direction: both directions", test_either_direction_doubles},
	{"anything outside the grammar is refused with the reason", test_refused_text},
	{NULL, NULL},
};
static const struct wc_suite match_suite = {"faults-match", match_tests};

int main(int argc, char **argv)
{
	const struct wc_suite *const suites[] = {&match_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
