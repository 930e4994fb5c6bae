/* livecap.h — one live libpcap capture point: a thread writing a .pcap as packets come.
 *
 * Each capture point has a thread of its own, which enters the capture point's namespace,
 * creates and activates the handle there (the packet socket is bound to that namespace's
 * device) and runs the capture loop.
 * Immediate mode, so nothing waits in the kernel ring for a buffer to fill: at stop the
 * loop is broken and whatever is still queued is drained into the file. The counts that
 * say whether the file can be trusted are kept: packets the kernel passed through the
 * filter, packets it dropped, packets written. Any drop, or fewer written than received,
 * makes the capture inconclusive, with the reason in words. (ps_ifdrop is not used:
 * libpcap reads it from /sys/class/net, which shows the interfaces of the namespace that
 * mounted /sys, not those of the capture point.)
 */
#ifndef WC_LIVECAP_H
#define WC_LIVECAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"

struct wc_livecap_opts {
	const char *device;   /* "lo", "eth0" */
	int netns_fd;         /* namespace of the device; -1: the caller's own */
	const char *path;     /* the .pcap file to write */
	int snaplen;          /* 0: 262144 */
	int buffer_bytes;     /* kernel ring size; 0: 4 MiB */
};

struct wc_livecap_result {
	uint64_t received;    /* passed the filter (pcap_stats ps_recv; includes drops) */
	uint64_t dropped;     /* no room in the ring (ps_drop) */
	uint64_t written;     /* frames written to the file */
	bool conclusive;
	char reason[WC_ERRBUF_SIZE]; /* why not conclusive; "" when it is */
};

struct wc_livecap;

/* Start n capture points at once: each thread enters its namespace, opens the device
 * and the file, and is ready before this returns, so programs started afterwards are
 * captured from their first packet. Returns 0 with caps[0..n) set, or -1 with errbuf
 * filled and nothing left running or open (no file either). */
int wc_livecap_start_all(const struct wc_livecap_opts *opts, size_t n, struct wc_livecap **caps, char *errbuf);

/* One capture point: wc_livecap_start_all with n = 1. NULL on failure. */
struct wc_livecap *wc_livecap_start(const struct wc_livecap_opts *opts, char *errbuf);

/* Stop n captures at once: break each loop, drain what is still queued, close the file
 * and the handle, fill res[i] and free the capture. (At once, because opening and closing
 * a packet socket each wait for a kernel RCU grace period: in parallel they overlap.)
 * Returns 0, or -1 with errbuf filled (the first failure) when a file could not be
 * completed; every res[i] is filled either way, a failed one not conclusive. */
int wc_livecap_stop_all(struct wc_livecap **caps, size_t n, struct wc_livecap_result *res, char *errbuf);

/* The same in two steps, so that the files can be read while the kernel closes the
 * sockets: finish_all breaks the loops, drains, completes each file and fills res[i] (as
 * stop_all); the capture threads then close their packet sockets on their own, and
 * release_all waits for them and frees the captures (NULL entries are skipped). Until
 * release_all the sockets keep the capture points' namespaces alive. */
int wc_livecap_finish_all(struct wc_livecap **caps, size_t n, struct wc_livecap_result *res, char *errbuf);
void wc_livecap_release_all(struct wc_livecap **caps, size_t n);

/* One capture: wc_livecap_stop_all with n = 1. */
int wc_livecap_stop(struct wc_livecap *c, struct wc_livecap_result *res, char *errbuf);

#endif
