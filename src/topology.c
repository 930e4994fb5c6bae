/* topology.c — loopback and veth topologies built with netlink inside fd-held namespaces. */
#include "topology.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns.h"

#define HOST_IF "eth0"
#define BRIDGE_IF "br0"
static const char *const link_side_if[2] = {"to-client", "to-server"};

static int address_family(const char *text)
{
	unsigned char buf[16];
	if (inet_pton(AF_INET, text, buf) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, text, buf) == 1)
		return AF_INET6;
	return AF_UNSPEC;
}

/* 127.0.0.0/8 and ::1 are on lo already. */
static bool on_loopback_already(const char *text)
{
	unsigned char buf[16];
	if (inet_pton(AF_INET, text, buf) == 1)
		return buf[0] == 127;
	return strcmp(text, "::1") == 0;
}

static int nl_fail(char *errbuf, int nlerr, const char *what, const char *name)
{
	return wc_err(errbuf, "netlink: %s %s: %s", what, name, nl_geterror(nlerr));
}

static int nl_open(struct nl_sock **sk, char *errbuf)
{
	*sk = nl_socket_alloc();
	if (!*sk)
		return wc_err(errbuf, "netlink: out of memory");
	int err = nl_connect(*sk, NETLINK_ROUTE);
	if (err < 0) {
		nl_socket_free(*sk);
		*sk = NULL;
		return nl_fail(errbuf, err, "connect", "NETLINK_ROUTE");
	}
	return 0;
}

/* Bring an interface up with the given MTU (0: leave it); returns its ifindex or -1. */
static int link_up(struct nl_sock *sk, const char *name, int mtu, char *errbuf)
{
	struct rtnl_link *orig = NULL;
	int err = rtnl_link_get_kernel(sk, 0, name, &orig);
	if (err < 0)
		return nl_fail(errbuf, err, "find link", name);
	struct rtnl_link *change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(orig);
		return wc_err(errbuf, "netlink: out of memory");
	}
	if (mtu > 0)
		rtnl_link_set_mtu(change, (unsigned)mtu);
	rtnl_link_set_flags(change, IFF_UP);
	err = rtnl_link_change(sk, orig, change, 0);
	int ifindex = rtnl_link_get_ifindex(orig);
	rtnl_link_put(change);
	rtnl_link_put(orig);
	if (err < 0)
		return nl_fail(errbuf, err, "bring up", name);
	return ifindex;
}

static int parse_host_addr(const char *text, struct nl_addr **out, char *errbuf)
{
	int err = nl_addr_parse(text, AF_UNSPEC, out);
	if (err < 0)
		return nl_fail(errbuf, err, "parse address", text);
	nl_addr_set_prefixlen(*out, nl_addr_get_family(*out) == AF_INET ? 32 : 128);
	return 0;
}

static int add_address(struct nl_sock *sk, int ifindex, const char *local, char *errbuf)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *l = NULL;
	int rc = -1;
	if (!a)
		return wc_err(errbuf, "netlink: out of memory");
	if (parse_host_addr(local, &l, errbuf) != 0)
		goto out;
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_local(a, l);
	/* without it an IPv6 address stays tentative, unusable, for a second or more */
	if (nl_addr_get_family(l) == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	int err = rtnl_addr_add(sk, a, 0);
	if (err < 0) {
		nl_fail(errbuf, err, "add address", local);
		goto out;
	}
	rc = 0;
out:
	if (l)
		nl_addr_put(l);
	rtnl_addr_put(a);
	return rc;
}

/* The other host's address is on-link through ifindex, whatever the two addresses'
 * subnets: a host route, as `ip route add PEER dev eth0` would make. */
static int add_peer_route(struct nl_sock *sk, int ifindex, const char *peer, char *errbuf)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = NULL;
	int rc = -1;
	if (!r || !nh) {
		wc_err(errbuf, "netlink: out of memory");
		goto out;
	}
	if (parse_host_addr(peer, &dst, errbuf) != 0)
		goto out;
	rtnl_route_set_family(r, (uint8_t)nl_addr_get_family(dst));
	rtnl_route_set_dst(r, dst);
	rtnl_route_set_table(r, RT_TABLE_MAIN);
	rtnl_route_set_scope(r, RT_SCOPE_LINK);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(r, nh);
	nh = NULL; /* the route owns it now */
	int err = rtnl_route_add(sk, r, NLM_F_CREATE | NLM_F_EXCL);
	if (err < 0) {
		nl_fail(errbuf, err, "add route to", peer);
		goto out;
	}
	rc = 0;
out:
	if (dst)
		nl_addr_put(dst);
	if (nh)
		rtnl_route_nh_free(nh);
	if (r)
		rtnl_route_put(r);
	return rc;
}

/* Write value to sysctls of the calling thread's namespace; a file the kernel lacks (no
 * IPv6) is nothing to silence. */
static int sysctl_set(const char *const *paths, size_t n, const char *value, char *errbuf)
{
	for (size_t i = 0; i < n; i++) {
		int fd = open(paths[i], O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				return 0;
			return wc_err_errno(errbuf, errno, "open %s", paths[i]);
		}
		ssize_t len = write(fd, value, strlen(value));
		int saved = errno;
		close(fd);
		if (len != (ssize_t)strlen(value))
			return wc_err_errno(errbuf, saved, "write %s", paths[i]);
	}
	return 0;
}

/* Interfaces made later in this namespace copy "default": with IPv6 off they send no
 * router solicitations or MLD reports into the captures. IGMP reports for link-local
 * groups (224.0.0.106, all-snoopers, joined when an interface comes up) are sent after a
 * random delay and would land in some captures and not others: off too. */
static int quiet_host(bool v6_off, char *errbuf)
{
	static const char *const v6[] = {"/proc/sys/net/ipv6/conf/default/disable_ipv6",
	                                 "/proc/sys/net/ipv6/conf/all/disable_ipv6"};
	static const char *const igmp[] = {"/proc/sys/net/ipv4/igmp_link_local_mcast_reports"};
	if (v6_off && sysctl_set(v6, 2, "1", errbuf) != 0)
		return -1;
	return sysctl_set(igmp, 1, "0", errbuf);
}

static int ethtool_set(int sock, const char *ifname, uint32_t cmd, const char *what, char *errbuf)
{
	struct ethtool_value ev = {.cmd = cmd, .data = 0};
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(sock, SIOCETHTOOL, &ifr) != 0)
		return wc_err_errno(errbuf, errno, "ethtool: turn %s off on %s", what, ifname);
	return 0;
}

/* TSO and GSO first: the kernel ties TSO to checksum offload, so this order never asks
 * for a combination it refuses. */
static int offload_off(const char *ifname, char *errbuf)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return wc_err_errno(errbuf, errno, "ethtool socket");
	int rc = 0;
	if (ethtool_set(sock, ifname, ETHTOOL_STSO, "TCP segmentation offload", errbuf) != 0 ||
	    ethtool_set(sock, ifname, ETHTOOL_SGSO, "generic segmentation offload", errbuf) != 0 ||
	    ethtool_set(sock, ifname, ETHTOOL_STXCSUM, "transmit checksum offload", errbuf) != 0)
		rc = -1;
	close(sock);
	return rc;
}

/* ---- work done inside one namespace (run through wc_netns_run) ------------------- */

struct step {
	const struct wc_topo *t;
	enum wc_topo_host host;
};

/* arg: non-NULL to turn IPv6 off as well (a namespace where no IPv6 address is used) */
static int silence(void *arg, char *errbuf)
{
	return quiet_host(arg != NULL, errbuf);
}

static int loopback_ns(void *arg, char *errbuf)
{
	const struct wc_topo *t = arg;
	struct nl_sock *sk;
	if (nl_open(&sk, errbuf) != 0)
		return -1;
	int lo = link_up(sk, "lo", t->cfg.mtu, errbuf);
	int rc = lo < 0 ? -1 : 0;
	const char *addrs[2] = {t->cfg.client_addr, t->cfg.server_addr};
	for (size_t i = 0; rc == 0 && i < 2; i++)
		if (!on_loopback_already(addrs[i]) && (i == 0 || strcmp(addrs[0], addrs[1]) != 0))
			rc = add_address(sk, lo, addrs[i], errbuf);
	nl_socket_free(sk);
	return rc;
}

static int add_veth(struct nl_sock *sk, int bridge, const struct wc_topo *t, enum wc_topo_host h, char *errbuf)
{
	struct rtnl_link *l = rtnl_link_veth_alloc();
	if (!l)
		return wc_err(errbuf, "netlink: out of memory");
	struct rtnl_link *peer = rtnl_link_veth_get_peer(l);
	rtnl_link_set_name(l, link_side_if[h]);
	rtnl_link_set_master(l, bridge);
	rtnl_link_set_mtu(l, (unsigned)t->cfg.mtu);
	rtnl_link_set_name(peer, HOST_IF);
	rtnl_link_set_mtu(peer, (unsigned)t->cfg.mtu);
	/* the host end is born in the host's namespace: it never appears in ours */
	rtnl_link_set_ns_fd(peer, t->host_fd[h]);
	int err = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(peer);
	rtnl_link_put(l);
	if (err < 0)
		return nl_fail(errbuf, err, "create veth", link_side_if[h]);
	return link_up(sk, link_side_if[h], 0, errbuf) < 0 ? -1 : 0;
}

static int link_ns(void *arg, char *errbuf)
{
	const struct wc_topo *t = arg;
	struct nl_sock *sk;
	if (nl_open(&sk, errbuf) != 0)
		return -1;
	int rc = -1;
	struct rtnl_link *br = rtnl_link_bridge_alloc();
	if (!br) {
		wc_err(errbuf, "netlink: out of memory");
		goto out;
	}
	rtnl_link_set_name(br, BRIDGE_IF);
	int err = rtnl_link_add(sk, br, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(br);
	if (err < 0) {
		nl_fail(errbuf, err, "create bridge", BRIDGE_IF);
		goto out;
	}
	/* STP is off on a new bridge, so its ports forward at once */
	int bridge = link_up(sk, BRIDGE_IF, t->cfg.mtu, errbuf);
	if (bridge < 0 || add_veth(sk, bridge, t, WC_HOST_CLIENT, errbuf) != 0 ||
	    add_veth(sk, bridge, t, WC_HOST_SERVER, errbuf) != 0)
		goto out;
	rc = 0;
out:
	nl_socket_free(sk);
	return rc;
}

static int host_ns(void *arg, char *errbuf)
{
	const struct step *s = arg;
	const struct wc_topo *t = s->t;
	struct nl_sock *sk;
	if (nl_open(&sk, errbuf) != 0)
		return -1;
	int rc = -1;
	if (link_up(sk, "lo", 0, errbuf) < 0)
		goto out;
	if (!t->cfg.offload && offload_off(HOST_IF, errbuf) != 0)
		goto out;
	int eth = link_up(sk, HOST_IF, t->cfg.mtu, errbuf);
	if (eth < 0)
		goto out;
	const char *self = s->host == WC_HOST_CLIENT ? t->cfg.client_addr : t->cfg.server_addr;
	const char *other = s->host == WC_HOST_CLIENT ? t->cfg.server_addr : t->cfg.client_addr;
	if (add_address(sk, eth, self, errbuf) == 0 && add_peer_route(sk, eth, other, errbuf) == 0)
		rc = 0;
out:
	nl_socket_free(sk);
	return rc;
}

static int build_veth(struct wc_topo *t, char *errbuf)
{
	bool v4 = address_family(t->cfg.client_addr) == AF_INET;
	for (int h = 0; h < 2; h++) {
		t->host_fd[h] = wc_netns_create(errbuf);
		if (t->host_fd[h] < 0)
			return -1;
		if (wc_netns_run(t->host_fd[h], silence, v4 ? t : NULL, errbuf) != 0)
			return -1;
	}
	t->link_fd = wc_netns_create(errbuf);
	if (t->link_fd < 0 || wc_netns_run(t->link_fd, silence, t, errbuf) != 0 ||
	    wc_netns_run(t->link_fd, link_ns, t, errbuf) != 0)
		return -1;
	for (int h = 0; h < 2; h++) {
		struct step s = {t, (enum wc_topo_host)h};
		if (wc_netns_run(t->host_fd[h], host_ns, &s, errbuf) != 0)
			return -1;
	}
	return 0;
}

static int build_loopback(struct wc_topo *t, char *errbuf)
{
	t->host_fd[0] = wc_netns_create(errbuf);
	if (t->host_fd[0] < 0)
		return -1;
	t->host_fd[1] = t->host_fd[0];
	return wc_netns_run(t->host_fd[0], loopback_ns, t, errbuf);
}

static int copy_address(char *dst, size_t size, json_object *addresses, const char *key, const char *dflt)
{
	json_object *v = NULL;
	const char *text = addresses && json_object_object_get_ex(addresses, key, &v) ? json_object_get_string(v) : dflt;
	return snprintf(dst, size, "%s", text) < (int)size ? 0 : -1;
}

/* ---- public ---------------------------------------------------------------------- */

int wc_topo_config_from_json(struct wc_topo_config *cfg, json_object *topology, char *errbuf)
{
	memset(cfg, 0, sizeof *cfg);
	json_object *v = NULL, *addresses = NULL;
	if (topology && json_object_object_get_ex(topology, "kind", &v) && strcmp(json_object_get_string(v), "veth") == 0)
		cfg->kind = WC_TOPO_VETH;
	if (topology && json_object_object_get_ex(topology, "offload", &v))
		cfg->offload = json_object_get_boolean(v);
	cfg->mtu = cfg->kind == WC_TOPO_VETH ? 1500 : 65536;
	if (topology && json_object_object_get_ex(topology, "mtu", &v))
		cfg->mtu = json_object_get_int(v);
	if (topology)
		json_object_object_get_ex(topology, "addresses", &addresses);
	bool veth = cfg->kind == WC_TOPO_VETH;
	if (copy_address(cfg->client_addr, sizeof cfg->client_addr, addresses, "client",
	                 veth ? "10.0.0.1" : "127.0.0.1") != 0 ||
	    copy_address(cfg->server_addr, sizeof cfg->server_addr, addresses, "server",
	                 veth ? "10.0.0.2" : "127.0.0.1") != 0)
		return wc_err(errbuf, "topology.addresses: address too long");
	int cf = address_family(cfg->client_addr), sf = address_family(cfg->server_addr);
	if (cf == AF_UNSPEC || sf == AF_UNSPEC)
		return wc_err(errbuf, "topology.addresses: \"%s\" or \"%s\" is not an IP address", cfg->client_addr,
		              cfg->server_addr);
	if (cf != sf)
		return wc_err(errbuf, "topology.addresses: client %s and server %s are of different IP versions",
		              cfg->client_addr, cfg->server_addr);
	if (veth && strcmp(cfg->client_addr, cfg->server_addr) == 0)
		return wc_err(errbuf, "topology.addresses: on veth the client and server need different addresses");
	return 0;
}

int wc_topo_up(struct wc_topo *t, const struct wc_topo_config *cfg, char *errbuf)
{
	t->kind = cfg->kind;
	t->cfg = *cfg;
	t->host_fd[0] = t->host_fd[1] = t->link_fd = -1;
	int rc = cfg->kind == WC_TOPO_VETH ? build_veth(t, errbuf) : build_loopback(t, errbuf);
	if (rc != 0)
		wc_topo_down(t);
	return rc;
}

int wc_topo_host_netns(const struct wc_topo *t, enum wc_topo_host h)
{
	return t->host_fd[h];
}

const char *wc_topo_capture_device(const struct wc_topo *t)
{
	return t->kind == WC_TOPO_VETH ? HOST_IF : "lo";
}

const char *wc_topo_address(const struct wc_topo *t, enum wc_topo_host h)
{
	return h == WC_HOST_CLIENT ? t->cfg.client_addr : t->cfg.server_addr;
}

void wc_topo_down(struct wc_topo *t)
{
	if (t->host_fd[1] != t->host_fd[0])
		wc_netns_destroy(t->host_fd[1]);
	wc_netns_destroy(t->host_fd[0]);
	wc_netns_destroy(t->link_fd);
	t->host_fd[0] = t->host_fd[1] = t->link_fd = -1;
}
