/* test_topology.c — loopback and veth topologies: reachability, isolation, offload, MTU,
 * timing, and nothing left behind, not even after a SIGKILL.
 *
 * As root the namespaces are plain net namespaces; otherwise the program first enters a
 * user namespace (wc_netns_init). One test also forks a child that drops to an
 * unprivileged uid and builds both topologies through a user namespace. Exits 77,
 * naming the missing feature, where no namespace can be made.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"
#include "netns_leftovers.h"
#include "netns_udp.h"
#include "topology.h"
#include "unit.h"

#define PORT 7411
static const char payload[] = "datagram across the bridge";

static char host_ifs_before[4096];
/* every interface name a topology makes: none may ever appear in the test's namespace */
static const char *const topology_names[] = {"lo", "eth0", "br0", "to-client", "to-server", NULL};

/* ---- helpers ------------------------------------------------------------------ */

static struct wc_topo_config config(enum wc_topo_kind kind, const char *json)
{
	struct wc_topo_config cfg;
	char errbuf[WC_ERRBUF_SIZE] = "";
	json_object *o = json ? json_tokener_parse(json) : NULL;
	int rc = wc_topo_config_from_json(&cfg, o, errbuf);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(cfg.kind, kind);
	json_object_put(o);
	return cfg;
}

static ssize_t send_payload(int from_ns, const char *from, int to_ns, const char *to, int timeout_ms, char *seen,
                            size_t seen_len)
{
	return udp_across(from_ns, from, to_ns, to, PORT, payload, sizeof payload, timeout_ms, seen, seen_len);
}

/* Interface names inside a namespace, sorted, through a helper thread that entered it. */
static int list_in_ns(void *arg, char *errbuf)
{
	(void)errbuf;
	return host_interfaces(arg, 256);
}

static const char *interfaces_in(int ns_fd)
{
	static char buf[256];
	char errbuf[WC_ERRBUF_SIZE];
	if (wc_netns_run(ns_fd, list_in_ns, buf, errbuf) != 0)
		return "(error)";
	return buf;
}

static struct ifreq ifreq_for(const char *name)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	return ifr;
}

/* The interface's flags (SIOCGIFFLAGS) in a namespace, -1 on error. */
static int if_flags(int ns_fd, const char *name)
{
	char errbuf[WC_ERRBUF_SIZE];
	int s = wc_netns_socket(ns_fd, AF_INET, SOCK_DGRAM, 0, errbuf);
	struct ifreq ifr = ifreq_for(name);
	int rc = s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0 ? ifr.ifr_flags : -1;
	if (s >= 0)
		close(s);
	return rc;
}

static int if_mtu(int ns_fd, const char *name)
{
	char errbuf[WC_ERRBUF_SIZE];
	int s = wc_netns_socket(ns_fd, AF_INET, SOCK_DGRAM, 0, errbuf);
	struct ifreq ifr = ifreq_for(name);
	int rc = s >= 0 && ioctl(s, SIOCGIFMTU, &ifr) == 0 ? ifr.ifr_mtu : -1;
	if (s >= 0)
		close(s);
	return rc;
}

/* An ethtool "get" value (ETHTOOL_GTXCSUM, …) of an interface in a namespace. */
static int ethtool_get(int ns_fd, const char *name, uint32_t cmd)
{
	char errbuf[WC_ERRBUF_SIZE];
	int s = wc_netns_socket(ns_fd, AF_INET, SOCK_DGRAM, 0, errbuf);
	struct ethtool_value ev = {.cmd = cmd};
	struct ifreq ifr = ifreq_for(name);
	ifr.ifr_data = (void *)&ev;
	int rc = s >= 0 && ioctl(s, SIOCETHTOOL, &ifr) == 0 ? (int)ev.data : -1;
	if (s >= 0)
		close(s);
	return rc;
}

static void assert_nothing_left(const ino_t *inodes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_FALSE(netns_inode_alive(inodes[i]));
	char now[4096];
	CU_ASSERT_EQUAL_FATAL(host_interfaces(now, sizeof now), 0);
	CU_ASSERT_FALSE(gained_interface(host_ifs_before, now, topology_names));
}

static size_t topo_inodes(const struct wc_topo *t, ino_t *out)
{
	size_t n = 0;
	out[n++] = wc_netns_inode(t->host_fd[0]);
	if (t->kind == WC_TOPO_VETH) {
		out[n++] = wc_netns_inode(t->host_fd[1]);
		out[n++] = wc_netns_inode(t->link_fd);
	}
	return n;
}

/* ---- tests --------------------------------------------------------------------- */

static void test_config_defaults(void)
{
	struct wc_topo_config c = config(WC_TOPO_LOOPBACK, NULL);
	CU_ASSERT_FALSE(c.offload);
	CU_ASSERT_EQUAL(c.mtu, 65536);
	CU_ASSERT_STRING_EQUAL(c.client_addr, "127.0.0.1");
	CU_ASSERT_STRING_EQUAL(c.server_addr, "127.0.0.1");

	c = config(WC_TOPO_VETH, "{\"kind\": \"veth\"}");
	CU_ASSERT_FALSE(c.offload);
	CU_ASSERT_EQUAL(c.mtu, 1500);
	CU_ASSERT_STRING_EQUAL(c.client_addr, "10.0.0.1");
	CU_ASSERT_STRING_EQUAL(c.server_addr, "10.0.0.2");

	c = config(WC_TOPO_VETH, "{\"kind\": \"veth\", \"offload\": true, \"mtu\": 1280, "
	                         "\"addresses\": {\"server\": \"192.168.7.9\"}}");
	CU_ASSERT_TRUE(c.offload);
	CU_ASSERT_EQUAL(c.mtu, 1280);
	CU_ASSERT_STRING_EQUAL(c.client_addr, "10.0.0.1");
	CU_ASSERT_STRING_EQUAL(c.server_addr, "192.168.7.9");
}

static void test_config_refuses_mixed_families(void)
{
	struct wc_topo_config c;
	char errbuf[WC_ERRBUF_SIZE] = "";
	json_object *o = json_tokener_parse("{\"kind\": \"veth\", \"addresses\": {\"server\": \"fd00::2\"}}");
	CU_ASSERT_EQUAL(wc_topo_config_from_json(&c, o, errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf,
	                       "topology.addresses: client 10.0.0.1 and server fd00::2 are of different IP versions");
	json_object_put(o);
}

static void test_loopback(void)
{
	struct wc_topo_config cfg = config(WC_TOPO_LOOPBACK, NULL);
	struct wc_topo t;
	char errbuf[WC_ERRBUF_SIZE] = "";
	CU_ASSERT_EQUAL_FATAL(wc_topo_up(&t, &cfg, errbuf), 0);
	int ns = wc_topo_host_netns(&t, WC_HOST_CLIENT);
	CU_ASSERT_EQUAL(ns, wc_topo_host_netns(&t, WC_HOST_SERVER));
	CU_ASSERT_STRING_EQUAL(wc_topo_capture_device(&t), "lo");
	CU_ASSERT_STRING_EQUAL(interfaces_in(ns), "lo\n");
	int flags = if_flags(ns, "lo");
	CU_ASSERT_TRUE(flags > 0 && (flags & IFF_UP) && (flags & IFF_LOOPBACK));
	CU_ASSERT_EQUAL(if_mtu(ns, "lo"), 65536);

	char seen[64] = "";
	CU_ASSERT_EQUAL(send_payload(ns, "127.0.0.1", ns, "127.0.0.1", 1000, seen, sizeof seen), (ssize_t)sizeof payload);
	CU_ASSERT_STRING_EQUAL(seen, "127.0.0.1");
	/* the namespace's 127.0.0.1 is not the host's: from outside nothing arrives */
	CU_ASSERT_EQUAL(send_payload(-1, "127.0.0.1", ns, "127.0.0.1", 100, seen, sizeof seen), -1);

	ino_t inodes[3];
	size_t n = topo_inodes(&t, inodes);
	wc_topo_down(&t);
	wc_topo_down(&t);
	assert_nothing_left(inodes, n);
}

static void check_veth(const char *json, const char *client, const char *server)
{
	struct wc_topo_config cfg = config(WC_TOPO_VETH, json);
	struct wc_topo t;
	char errbuf[WC_ERRBUF_SIZE] = "";
	CU_ASSERT_EQUAL_FATAL(wc_topo_up(&t, &cfg, errbuf), 0);
	int c = wc_topo_host_netns(&t, WC_HOST_CLIENT), s = wc_topo_host_netns(&t, WC_HOST_SERVER);
	CU_ASSERT_STRING_EQUAL(wc_topo_capture_device(&t), "eth0");
	CU_ASSERT_STRING_EQUAL(wc_topo_address(&t, WC_HOST_CLIENT), client);
	CU_ASSERT_STRING_EQUAL(wc_topo_address(&t, WC_HOST_SERVER), server);
	CU_ASSERT_STRING_EQUAL(interfaces_in(c), "eth0\nlo\n");
	CU_ASSERT_STRING_EQUAL(interfaces_in(s), "eth0\nlo\n");
	CU_ASSERT_STRING_EQUAL(interfaces_in(t.link_fd), "br0\nlo\nto-client\nto-server\n");
	CU_ASSERT_TRUE(if_flags(c, "eth0") & IFF_UP);
	CU_ASSERT_TRUE(if_flags(t.link_fd, "br0") & IFF_UP);
	CU_ASSERT_EQUAL(if_mtu(c, "eth0"), cfg.mtu);
	CU_ASSERT_EQUAL(if_mtu(s, "eth0"), cfg.mtu);

	char seen[64] = "";
	CU_ASSERT_EQUAL(send_payload(c, client, s, server, 2000, seen, sizeof seen), (ssize_t)sizeof payload);
	CU_ASSERT_STRING_EQUAL(seen, client);
	CU_ASSERT_EQUAL(send_payload(s, server, c, client, 2000, seen, sizeof seen), (ssize_t)sizeof payload);
	CU_ASSERT_STRING_EQUAL(seen, server);

	char now[4096];
	CU_ASSERT_EQUAL(host_interfaces(now, sizeof now), 0);
	CU_ASSERT_FALSE(gained_interface(host_ifs_before, now, topology_names));

	ino_t inodes[3];
	size_t n = topo_inodes(&t, inodes);
	CU_ASSERT_EQUAL(n, 3);
	wc_topo_down(&t);
	assert_nothing_left(inodes, n);
}

static void test_veth_ipv4(void)
{
	check_veth("{\"kind\": \"veth\"}", "10.0.0.1", "10.0.0.2");
}

static void test_veth_other_subnets_and_mtu(void)
{
	check_veth("{\"kind\": \"veth\", \"mtu\": 1400, \"addresses\": {\"client\": \"192.168.1.10\", "
	           "\"server\": \"172.16.5.20\"}}",
	           "192.168.1.10", "172.16.5.20");
}

static void test_veth_ipv6(void)
{
	check_veth("{\"kind\": \"veth\", \"addresses\": {\"client\": \"fd00::1\", \"server\": \"fd00::2\"}}",
	           "fd00::1", "fd00::2");
}

static void check_offload(bool keep)
{
	struct wc_topo_config cfg = config(WC_TOPO_VETH, keep ? "{\"kind\": \"veth\", \"offload\": true}"
	                                                      : "{\"kind\": \"veth\", \"offload\": false}");
	struct wc_topo t;
	char errbuf[WC_ERRBUF_SIZE] = "";
	CU_ASSERT_EQUAL_FATAL(wc_topo_up(&t, &cfg, errbuf), 0);
	for (int h = 0; h < 2; h++) {
		int ns = wc_topo_host_netns(&t, (enum wc_topo_host)h);
		CU_ASSERT_EQUAL(ethtool_get(ns, "eth0", ETHTOOL_GTXCSUM), keep ? 1 : 0);
		CU_ASSERT_EQUAL(ethtool_get(ns, "eth0", ETHTOOL_GTSO), keep ? 1 : 0);
		CU_ASSERT_EQUAL(ethtool_get(ns, "eth0", ETHTOOL_GGSO), keep ? 1 : 0);
	}
	wc_topo_down(&t);
}

static void test_offload_off(void)
{
	check_offload(false);
}

static void test_offload_kept(void)
{
	check_offload(true);
}

/* A process that dies by SIGKILL holding a veth topology leaves nothing: the kernel
 * closes its fds and the namespaces go with them. */
static void test_sigkill_leaves_nothing(void)
{
	int fds[2];
	CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
	pid_t pid = fork();
	CU_ASSERT_TRUE_FATAL(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		struct wc_topo_config cfg;
		struct wc_topo t;
		char errbuf[WC_ERRBUF_SIZE];
		json_object *o = json_tokener_parse("{\"kind\": \"veth\"}");
		ino_t inodes[3] = {0, 0, 0};
		if (wc_topo_config_from_json(&cfg, o, errbuf) == 0 && wc_topo_up(&t, &cfg, errbuf) == 0)
			topo_inodes(&t, inodes);
		if (write(fds[1], inodes, sizeof inodes) != (ssize_t)sizeof inodes)
			_exit(1);
		for (;;)
			pause();
	}
	close(fds[1]);
	ino_t inodes[3];
	ssize_t got = read(fds[0], inodes, sizeof inodes);
	close(fds[0]);
	CU_ASSERT_EQUAL(got, (ssize_t)sizeof inodes);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_TRUE(inodes[i] != 0 && netns_inode_alive(inodes[i]));
	kill(pid, SIGKILL);
	int status;
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_nothing_left(inodes, 3);
}

/* wc_netns_cleanup, as a signal handler would call it, releases every namespace. */
static void test_cleanup_releases_all(void)
{
	struct wc_topo_config lo = config(WC_TOPO_LOOPBACK, NULL), veth = config(WC_TOPO_VETH, "{\"kind\": \"veth\"}");
	struct wc_topo a, b;
	char errbuf[WC_ERRBUF_SIZE] = "";
	CU_ASSERT_EQUAL_FATAL(wc_topo_up(&a, &lo, errbuf), 0);
	CU_ASSERT_EQUAL_FATAL(wc_topo_up(&b, &veth, errbuf), 0);
	ino_t inodes[4];
	size_t n = topo_inodes(&a, inodes);
	n += topo_inodes(&b, inodes + n);
	CU_ASSERT_EQUAL(n, 4);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_TRUE(netns_inode_alive(inodes[i]));
	wc_netns_cleanup();
	assert_nothing_left(inodes, n);
}

/* An unprivileged process gets both topologies through a user namespace. */
static void test_unprivileged_user_namespace(void)
{
	int fds[2];
	CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
	pid_t pid = fork();
	CU_ASSERT_TRUE_FATAL(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		char errbuf[WC_ERRBUF_SIZE] = "";
		bool userns = false;
		int rc = 0;
		/* dropping root clears "dumpable", which would make /proc/self/uid_map root's */
		if (getuid() == 0 && (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0 ||
		                      prctl(PR_SET_DUMPABLE, 1) != 0))
			rc = wc_err_errno(errbuf, errno, "cannot drop to uid 65534");
		else if (wc_netns_init(&userns, errbuf) != 0)
			rc = 77;
		for (int k = 0; rc == 0 && k < 2; k++) {
			struct wc_topo_config cfg;
			struct wc_topo t;
			json_object *o = json_tokener_parse(k ? "{\"kind\": \"veth\"}" : "{}");
			if (wc_topo_config_from_json(&cfg, o, errbuf) != 0 || wc_topo_up(&t, &cfg, errbuf) != 0) {
				rc = 1;
				break;
			}
			char seen[64];
			int c = wc_topo_host_netns(&t, WC_HOST_CLIENT), s = wc_topo_host_netns(&t, WC_HOST_SERVER);
			if (send_payload(c, cfg.client_addr, s, cfg.server_addr, 2000, seen, sizeof seen) !=
			    (ssize_t)sizeof payload) {
				wc_err(errbuf, "no datagram across the %s topology", k ? "veth" : "loopback");
				rc = 1;
			}
			wc_topo_down(&t);
			json_object_put(o);
		}
		if (rc == 0 && !userns) {
			wc_err(errbuf, "no user namespace was entered");
			rc = 1;
		}
		if (write(fds[1], errbuf, sizeof errbuf) < 0)
			_exit(1);
		_exit(rc);
	}
	close(fds[1]);
	char why[WC_ERRBUF_SIZE] = "";
	ssize_t got = read(fds[0], why, sizeof why - 1);
	close(fds[0]);
	int status;
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT_TRUE_FATAL(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		printf("\n  unprivileged path not available here: %s\n", got > 0 ? why : "?");
		return;
	}
	if (WEXITSTATUS(status) != 0)
		printf("\n  unprivileged child: %s\n", why);
	CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
}

static const struct wc_test topology_tests[] = {
	{"config: defaults and given values", test_config_defaults},
	{"config: client and server of different IP versions refused", test_config_refuses_mixed_families},
	{"loopback: lo up, 127.0.0.1 reachable inside, not from outside; removed", test_loopback},
	{"veth: UDP both ways through the bridge, host untouched; removed", test_veth_ipv4},
	{"veth: addresses of different subnets, MTU 1400", test_veth_other_subnets_and_mtu},
	{"veth: IPv6 addresses", test_veth_ipv6},
	{"veth: offload off reads back off (ETHTOOL_GTXCSUM/GTSO/GGSO)", test_offload_off},
	{"veth: offload kept reads back on", test_offload_kept},
	{"a SIGKILLed holder leaves no namespace or interface", test_sigkill_leaves_nothing},
	{"wc_netns_cleanup releases every namespace", test_cleanup_releases_all},
	{"unprivileged: both topologies through a user namespace", test_unprivileged_user_namespace},
	{NULL, NULL},
};
static const struct wc_suite topology_suite = {"topology", topology_tests};

int main(int argc, char **argv)
{
	char errbuf[WC_ERRBUF_SIZE] = "";
	bool userns;
	if (wc_netns_init(&userns, errbuf) != 0) {
		printf("SKIP: %s\n", errbuf);
		return 77;
	}
	int probe = wc_netns_create(errbuf);
	if (probe < 0) {
		printf("SKIP: cannot create a network namespace: %s\n", errbuf);
		return 77;
	}
	wc_netns_destroy(probe);
	if (host_interfaces(host_ifs_before, sizeof host_ifs_before) != 0) {
		fprintf(stderr, "cannot list this host's interfaces\n");
		return 99;
	}
	const struct wc_suite *const suites[] = {&topology_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
