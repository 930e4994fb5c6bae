/* faults.h — faults on the link between the client and server hosts of a veth run.
 *
 * The runner's "link" namespace holds the bridge joining the two hosts. Every fault acts
 * there, on frames the bridge forwards, through one nftables table of ours (bridge family,
 * table "wirecheck", a forward-hook chain) made with libnftables, never by running `nft`:
 *
 *   cut      every frame crossing the bridge vanishes (ARP included, as on a cut cable)
 *            until its `until` or a `restore`; both hosts keep carrier;
 *   restore  ends every cut in force;
 *   drop     the IP packets that `match` (default: every IP packet), or only the Nth of
 *            them (`index`, from 1, counted from the moment the fault starts, in both
 *            directions), until its `until`;
 *   netem    delay, loss and reordering need the kernel's netem qdisc: the fault is refused
 *            with WC_FAULT_UNAVAILABLE and the reason, and the runner calls the scenario
 *            inconclusive. The reason is "the kernel has no netem qdisc" where the kernel
 *            lacks it (wc_netem_available); where the kernel has it, this version does not
 *            apply netem yet and says so.
 *
 * Two things that look like a cut are deliberately never done: taking an interface down
 * (the kernel parks datagrams in the ARP queue and delivers them when it comes back up),
 * and dropping on a host's own interface (that host's capture tap sits after egress and
 * before ingress hooks, so its capture would show packets that never crossed the wire).
 *
 * Each fault gets its own chain "fN", jumped to from the forward chain; ending a fault
 * flushes its chain, so the jump becomes a no-op and no rule handles need tracking.
 * Drop by index uses `numgen inc` placed after the match: the kernel's counter advances
 * only for packets that matched, and its first value is 0, so `== N-1` is the Nth.
 *
 * `match` takes a small, safe subset of pcap-filter syntax, translated to nftables
 * expressions (the text itself never reaches nftables): terms joined by "and", each one of
 *   ip | ip6 | tcp | udp | icmp | icmp6 | [src|dst] port N | [src|dst] host ADDRESS
 * A port or host without src/dst matches either direction, as in tcpdump.
 *
 * The index counts every matching IP packet crossing the link, the hosts' own IPv6
 * neighbour discovery included; give a `match` to count only a program's traffic.
 *
 * Calls may be made from any thread, also where the runner lives in a user namespace:
 * nftables is spoken to from a short-lived thread that entered the link namespace.
 * Not thread-safe on one wc_faults object.
 */
#ifndef WC_FAULTS_H
#define WC_FAULTS_H

#include <stdint.h>

#include <json-c/json.h>

/* Returned where a fault needs something the kernel lacks (netem): the errbuf says what. */
#define WC_FAULT_UNAVAILABLE (-2)

enum wc_fault_kind_id {
	WC_FAULT_CUT,
	WC_FAULT_RESTORE,
	WC_FAULT_DROP,
	WC_FAULT_NETEM,
};

/* One fault, its times already multiplied by the scenario's time_scale. */
struct wc_fault_spec {
	enum wc_fault_kind_id kind;
	int64_t at_ns;       /* from the start of the run */
	int64_t until_ns;    /* -1: a later restore (cut) or the end of the run */
	const char *match;   /* drop: pcap-filter subset above, placeholders filled; NULL: every IP packet */
	uint64_t index;      /* drop: only the Nth matching packet; 0: every one */
	int delay_ms;        /* netem */
	double loss_pct;     /* netem */
	double reorder_pct;  /* netem */
};

struct wc_faults;

/* Prepares faults for the namespace link_netns_fd (an open /proc/PID/ns/net or
 * /run/netns/NAME; duplicated, the caller keeps its own) and creates our table there.
 * NULL and errbuf set when libnftables or the namespace refuse. */
struct wc_faults *wc_faults_new(int link_netns_fd, char *errbuf);

/* Puts one fault in force now (its at/until are ignored here: see wc_faults_tick).
 * Returns a fault id >= 0 for wc_faults_end, -1 on error, WC_FAULT_UNAVAILABLE for a
 * netem fault on a kernel without netem. A restore ends every cut and returns 0. */
int wc_faults_apply(struct wc_faults *f, const struct wc_fault_spec *spec, char *errbuf);

/* Ends one fault that wc_faults_apply returned; 0 or -1. */
int wc_faults_end(struct wc_faults *f, int id, char *errbuf);

/* Checks a match expression without applying it; 0 or -1 with the reason. */
int wc_faults_match_valid(const char *match, char *errbuf);

/* Schedules the scenario's `faults` array (validated by the scenario loader; NULL or empty
 * is fine), times scaled by time_scale. Placeholders in `match` must be filled first. */
int wc_faults_schedule(struct wc_faults *f, json_object *faults, double time_scale, char *errbuf);

/* Applies and ends the scheduled faults due at now_ns (from the start of the run), in
 * time order. 0; -1 or WC_FAULT_UNAVAILABLE (stops at that fault) with errbuf set. */
int wc_faults_tick(struct wc_faults *f, int64_t now_ns, char *errbuf);

/* When the next scheduled start or end falls, or -1 when none is left. */
int64_t wc_faults_next_ns(const struct wc_faults *f);

/* Ends every fault and deletes our table; the namespace stays (it is the runner's). */
int wc_faults_clear(struct wc_faults *f, char *errbuf);

/* wc_faults_clear, then frees; NULL is fine. Errors are lost: call clear first to see them.
 * Until then our descriptor and nftables socket keep the link namespace alive, so free
 * the faults before counting on the topology's namespaces to vanish. */
void wc_faults_free(struct wc_faults *f);

/* 1 when the kernel has the netem qdisc, else 0 with the reason in why (WC_ERRBUF_SIZE):
 * probed by asking rtnetlink for a netem qdisc on lo in a scratch network namespace. */
int wc_netem_available(char *why);

#endif
