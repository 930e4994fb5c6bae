/* topology.h — the hosts of a live run and the link between them (scenario `topology`).
 *
 * loopback: one namespace, lo up, both roles on it; the capture point is lo.
 * veth: a client host namespace and a server host namespace, each with one interface
 * "eth0", joined through a third "link" namespace whose bridge "br0" holds the other ends
 * ("to-client", "to-server") of the two veth pairs, so faults can act between the hosts.
 * Addresses exist only inside the namespaces; each host reaches the other's address over
 * eth0 (a host route, so any two addresses of one family work). IPv6 is turned off where
 * no IPv6 address is used, so the captures hold no router or neighbour chatter the
 * scenario did not ask for. With offload off the hosts' transmit checksum, TSO and GSO
 * are off: captured checksums are real and segments MTU-sized.
 *
 * Everything is built with netlink (libnl-route-3) and held by namespace fds
 * (netns.h): wc_topo_down, or the death of the process, removes all of it.
 */
#ifndef WC_TOPOLOGY_H
#define WC_TOPOLOGY_H

#include <stdbool.h>

#include <json-c/json.h>

#include "errbuf.h"

enum wc_topo_kind { WC_TOPO_LOOPBACK = 0, WC_TOPO_VETH };
enum wc_topo_host { WC_HOST_CLIENT = 0, WC_HOST_SERVER };

struct wc_topo_config {
	enum wc_topo_kind kind;
	bool offload;              /* veth: keep transmit checksum/segmentation offload */
	int mtu;                   /* 0: the default (65536 on loopback, 1500 on veth) */
	char client_addr[64];      /* textual IPv4 or IPv6 address */
	char server_addr[64];
};

struct wc_topo {
	enum wc_topo_kind kind;
	int host_fd[2];            /* by enum wc_topo_host; the same fd twice on loopback */
	int link_fd;               /* veth: the link namespace; -1 on loopback */
	struct wc_topo_config cfg; /* with the defaults filled in */
};

/* The configuration a scenario's validated `topology` object asks for (NULL: all the
 * defaults of doc/scenario.md). Returns 0, or -1 with errbuf filled (the two addresses
 * of different families). */
int wc_topo_config_from_json(struct wc_topo_config *cfg, json_object *topology, char *errbuf);

/* Build the namespaces and interfaces. On failure everything made so far is removed
 * and -1 returned with errbuf filled. */
int wc_topo_up(struct wc_topo *t, const struct wc_topo_config *cfg, char *errbuf);

/* The namespace fd of a host, and the interface to capture there ("lo" or "eth0"). */
int wc_topo_host_netns(const struct wc_topo *t, enum wc_topo_host h);
const char *wc_topo_capture_device(const struct wc_topo *t);

/* A host's address, as text ({client}/{server} in a scenario). */
const char *wc_topo_address(const struct wc_topo *t, enum wc_topo_host h);

/* Release the namespaces; they and their interfaces vanish once no process or socket is
 * left in them. Safe after a failed wc_topo_up and when called twice. */
void wc_topo_down(struct wc_topo *t);

#endif
