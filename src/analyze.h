/* analyze.h — the offline pipeline in one call: capture file → decode → stats → flows.
 *
 * `explain`, `check` and the tests all read captures through here, so they see the same
 * packets, the same anomalies and the same flows. Results arrive through callbacks as
 * the file is read (so memory does not grow with the capture) and as totals at the end.
 *
 * The file is read and decoded on a thread of its own; every callback runs on the
 * caller's thread, one at a time, in frame order, exactly as a single thread would call
 * them — callers need no locking. A packet (and its frame) handed to on_packet is valid
 * only during the call.
 */
#ifndef WC_ANALYZE_H
#define WC_ANALYZE_H

#include <stdbool.h>

#include "errbuf.h"
#include "flow.h"
#include "packet.h"
#include "stats.h"

struct wc_analysis_opts {
	struct wc_flow_opts flow;  /* callbacks for finished flows and ICMP errors */
	/* every decoded packet with its flow note (may be NULL) */
	void (*on_packet)(const struct wc_packet *pkt, const struct wc_pkt_note *note, void *arg);
	/* every anomaly, at its frame (frame 0: not tied to one frame) */
	void (*on_anomaly)(uint64_t frame, enum wc_anomaly a, const char *detail, void *arg);
	void *arg;
};

struct wc_analysis {
	char format[24];           /* "pcap", "pcapng", … */
	int linktypes[8];
	int linktype_count;
	uint32_t snaplen;
	bool container_broken;     /* reading stopped early; see container_anomaly/detail */
	enum wc_anomaly container_anomaly;
	char container_detail[WC_ERRBUF_SIZE];
	struct wc_stats stats;
	struct wc_flow_totals flows;
};

/* Read the whole file. Returns 0, or -1 with errbuf filled when the file cannot be
 * opened as a capture (a file that breaks off later still returns 0: see
 * container_broken). */
int wc_analyze_file(const char *path, const struct wc_analysis_opts *opts,
                    struct wc_analysis *out, char *errbuf);

#endif
