/* analyze.c — the offline pipeline: capture file → decode → stats → flows (analyze.h). */
#include "analyze.h"

#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "decode.h"

struct flush_ctx {
	const struct wc_analysis_opts *opts;
	struct wc_analysis *out;
};

static void report_anomaly(const struct wc_analysis_opts *opts, uint64_t frame, enum wc_anomaly a,
                           const char *detail)
{
	if (opts->on_anomaly)
		opts->on_anomaly(frame, a, detail, opts->arg);
}

/* Fragments that never completed are found only at the end; they belong to the frame
 * of their first fragment. */
static void on_incomplete_fragments(uint64_t first_frame, enum wc_anomaly a, void *arg)
{
	struct flush_ctx *ctx = arg;
	wc_stats_anomaly(&ctx->out->stats, a);
	report_anomaly(ctx->opts, first_frame, a, NULL);
}

static void record_capture_facts(struct wc_analysis *out, const struct wc_capture *cap)
{
	snprintf(out->format, sizeof out->format, "%s", wc_capture_format(cap));
	int n = wc_capture_linktypes(cap, out->linktypes, (int)(sizeof out->linktypes / sizeof out->linktypes[0]));
	out->linktype_count = n < 8 ? n : 8;
	out->snaplen = wc_capture_snaplen(cap);
}

int wc_analyze_file(const char *path, const struct wc_analysis_opts *opts, struct wc_analysis *out,
                    char *errbuf)
{
	memset(out, 0, sizeof *out);
	wc_stats_init(&out->stats);

	struct wc_capture *cap = wc_capture_open(path, errbuf);
	if (!cap)
		return -1;
	struct wc_decoder *dec = wc_decoder_new(errbuf);
	struct wc_flows *flows = dec ? wc_flows_new(&opts->flow, errbuf) : NULL;
	if (!dec || !flows) {
		wc_decoder_free(dec);
		wc_capture_close(cap);
		return -1;
	}

	struct wc_frame frame;
	struct wc_packet pkt;
	struct wc_pkt_note note;
	uint64_t last_frame = 0;
	while (wc_capture_next(cap, &frame) == 1) {
		last_frame = frame.number;
		wc_decode(dec, &frame, &pkt);
		wc_stats_add(&out->stats, &pkt);
		if (opts->on_anomaly) {
			unsigned listed = pkt.anomaly_count < WC_PKT_MAX_ANOMALIES ? pkt.anomaly_count
			                                                            : WC_PKT_MAX_ANOMALIES;
			for (unsigned i = 0; i < listed; i++)
				opts->on_anomaly(frame.number, pkt.anomalies[i], NULL, opts->arg);
		}
		wc_flows_add(flows, &pkt, &note);
		if (opts->on_packet)
			opts->on_packet(&pkt, &note, opts->arg);
	}

	struct flush_ctx ctx = {opts, out};
	wc_decoder_flush(dec, on_incomplete_fragments, &ctx);

	/* A file that breaks off is judged on what it held; the break is an anomaly at
	 * the frame that could not be read. */
	const char *detail = NULL;
	if (wc_capture_container_anomaly(cap, &out->container_anomaly, &detail)) {
		out->container_broken = true;
		snprintf(out->container_detail, sizeof out->container_detail, "%s", detail ? detail : "");
		wc_stats_anomaly(&out->stats, out->container_anomaly);
		report_anomaly(opts, last_frame + 1, out->container_anomaly, out->container_detail);
	}

	wc_flows_finish(flows);
	out->flows = *wc_flows_totals(flows);
	record_capture_facts(out, cap);

	wc_flows_free(flows);
	wc_decoder_free(dec);
	wc_capture_close(cap);
	return 0;
}
