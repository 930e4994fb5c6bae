/* analyze.c — the offline pipeline: capture file → decode → stats → flows (analyze.h).
 *
 * Two threads share the work so that a long capture uses both cores of a lab machine:
 * a reader thread reads frames, copies them into a batch, decodes and counts them; the
 * calling thread takes batches in order and runs the flow tracker and every callback.
 * Callbacks therefore see exactly what a single thread would show, in the same order,
 * and only ever run on the caller's thread. The decoder belongs to the reader until it
 * is joined; the flow table and the callbacks to the caller.
 */
#include "analyze.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "decode.h"

#define BATCH_PACKETS 512
/* A batch holds copies of its frames and of reassembled payloads (up to 64 KiB each);
 * it ships when the next frame might not fit, and grows for a frame larger than it. */
#define BATCH_BYTES (256u << 10)
#define REASSEMBLY_ROOM 65536u
/* Enough batches in flight that neither thread waits for the other in bursts (flow
 * expiry, connection output): 4 left each thread idle ~15 % of the run. */
#define BATCHES 16

struct batch {
	size_t count;
	bool last;                 /* the reader has no more frames after this batch */
	size_t used, size;
	uint8_t *bytes;            /* size bytes, BATCH_BYTES at first */
	struct wc_frame frames[BATCH_PACKETS];
	struct wc_packet pkts[BATCH_PACKETS];
	struct batch *next;
};

/* Batches move from the free list to the full list (reader) and back (caller). */
struct queue {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct batch *free_list;
	struct batch *full_head, *full_tail;
};

struct reader {
	struct queue q;
	struct wc_capture *cap;
	struct wc_decoder *dec;
	struct wc_stats *stats;
	uint64_t last_frame;
	bool out_of_memory;        /* a frame too large to copy stopped the reader */
};

static void put_free(struct queue *q, struct batch *b)
{
	pthread_mutex_lock(&q->lock);
	b->next = q->free_list;
	q->free_list = b;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

static struct batch *take_free(struct queue *q)
{
	pthread_mutex_lock(&q->lock);
	while (!q->free_list)
		pthread_cond_wait(&q->changed, &q->lock);
	struct batch *b = q->free_list;
	q->free_list = b->next;
	pthread_mutex_unlock(&q->lock);
	b->count = 0;
	b->used = 0;
	b->last = false;
	b->next = NULL;
	return b;
}

static void put_full(struct queue *q, struct batch *b)
{
	pthread_mutex_lock(&q->lock);
	if (q->full_tail)
		q->full_tail->next = b;
	else
		q->full_head = b;
	q->full_tail = b;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

static struct batch *take_full(struct queue *q)
{
	pthread_mutex_lock(&q->lock);
	while (!q->full_head)
		pthread_cond_wait(&q->changed, &q->lock);
	struct batch *b = q->full_head;
	q->full_head = b->next;
	if (!q->full_head)
		q->full_tail = NULL;
	pthread_mutex_unlock(&q->lock);
	b->next = NULL;
	return b;
}

/* A payload decoded from the decoder's reassembly buffer would be overwritten by the
 * next frame: give the batch its own copy. */
static void keep_payload(struct batch *b, const struct wc_frame *f, const uint8_t **payload, uint32_t caplen)
{
	const uint8_t *p = *payload;
	if (!p || (p >= f->data && p + caplen <= f->data + f->caplen))
		return;
	uint8_t *copy = b->bytes + b->used;
	memcpy(copy, p, caplen);
	b->used += caplen;
	*payload = copy;
}

/* Make room in b for a frame of caplen bytes: ship b and take another when it is full;
 * grow an empty batch for a frame larger than it. False when out of memory. */
static bool room_for(struct reader *r, struct batch **bp, uint32_t caplen)
{
	struct batch *b = *bp;
	size_t need = (size_t)caplen + REASSEMBLY_ROOM;
	if (b->count == BATCH_PACKETS || (b->count > 0 && b->used + need > b->size)) {
		put_full(&r->q, b);
		*bp = b = take_free(&r->q);
	}
	if (need > b->size) {
		uint8_t *bigger = realloc(b->bytes, need);
		if (!bigger)
			return false;
		b->bytes = bigger;
		b->size = need;
	}
	return true;
}

static void *read_frames(void *arg)
{
	struct reader *r = arg;
	struct batch *b = take_free(&r->q);
	struct wc_frame frame;
	while (wc_capture_next(r->cap, &frame) == 1) {
		if (!room_for(r, &b, frame.caplen)) {
			r->out_of_memory = true;
			break;
		}
		r->last_frame = frame.number;
		size_t i = b->count++;
		memcpy(b->bytes + b->used, frame.data, frame.caplen);
		b->frames[i] = frame;
		b->frames[i].data = b->bytes + b->used;
		b->used += frame.caplen;
		struct wc_packet *pkt = &b->pkts[i];
		wc_decode(r->dec, &b->frames[i], pkt);
		if (pkt->ip.reassembled) {
			if (pkt->l4 == WC_L4_TCP)
				keep_payload(b, &b->frames[i], &pkt->u.tcp.payload, pkt->u.tcp.payload_caplen);
			else if (pkt->l4 == WC_L4_UDP)
				keep_payload(b, &b->frames[i], &pkt->u.udp.payload, pkt->u.udp.payload_caplen);
		}
		wc_stats_add(r->stats, pkt);
	}
	b->last = true;
	put_full(&r->q, b);
	return NULL;
}

static void report_anomaly(const struct wc_analysis_opts *opts, uint64_t frame, enum wc_anomaly a,
                           const char *detail)
{
	if (opts->on_anomaly)
		opts->on_anomaly(frame, a, detail, opts->arg);
}

/* The caller's side: flows and callbacks, batch by batch, in frame order. */
static void track_frames(struct reader *r, struct wc_flows *flows, const struct wc_analysis_opts *opts)
{
	struct wc_pkt_note note;
	for (;;) {
		struct batch *b = take_full(&r->q);
		for (size_t i = 0; i < b->count; i++) {
			const struct wc_packet *pkt = &b->pkts[i];
			unsigned listed = pkt->anomaly_count < WC_PKT_MAX_ANOMALIES ? pkt->anomaly_count
			                                                            : WC_PKT_MAX_ANOMALIES;
			for (unsigned k = 0; k < listed; k++)
				report_anomaly(opts, pkt->frame->number, pkt->anomalies[k], NULL);
			wc_flows_add(flows, pkt, &note);
			if (opts->on_packet)
				opts->on_packet(pkt, &note, opts->arg);
		}
		bool last = b->last;
		put_free(&r->q, b);
		if (last)
			return;
	}
}

struct flush_ctx {
	const struct wc_analysis_opts *opts;
	struct wc_analysis *out;
};

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
	int max = (int)(sizeof out->linktypes / sizeof out->linktypes[0]);
	int n = wc_capture_linktypes(cap, out->linktypes, max);
	out->linktype_count = n < max ? n : max;
	out->snaplen = wc_capture_snaplen(cap);
}

static struct batch *batches_new(struct batch **all)
{
	for (int i = 0; i < BATCHES; i++) {
		all[i] = calloc(1, sizeof *all[i]);
		if (!all[i] || !(all[i]->bytes = malloc(BATCH_BYTES)))
			return NULL;
		all[i]->size = BATCH_BYTES;
	}
	return all[0];
}

static void batches_free(struct batch **all)
{
	for (int i = 0; i < BATCHES; i++) {
		if (all[i])
			free(all[i]->bytes);
		free(all[i]);
	}
}

/* Run both threads over an opened capture. Returns -1 with errbuf when the reader
 * thread cannot be started. */
static int run_pipeline(struct wc_capture *cap, struct wc_decoder *dec, struct wc_flows *flows,
                        const struct wc_analysis_opts *opts, struct wc_analysis *out, char *errbuf)
{
	struct batch *all[BATCHES] = {0};
	struct reader r = {.cap = cap, .dec = dec, .stats = &out->stats};
	if (!batches_new(all)) {
		batches_free(all);
		return wc_err(errbuf, "out of memory for the packet batches");
	}
	pthread_mutex_init(&r.q.lock, NULL);
	pthread_cond_init(&r.q.changed, NULL);
	for (int i = 0; i < BATCHES; i++)
		put_free(&r.q, all[i]);

	pthread_t reader;
	int rc = pthread_create(&reader, NULL, read_frames, &r);
	if (rc != 0) {
		batches_free(all);
		return wc_err_errno(errbuf, rc, "cannot start the reader thread");
	}
	track_frames(&r, flows, opts);
	pthread_join(reader, NULL);

	pthread_cond_destroy(&r.q.changed);
	pthread_mutex_destroy(&r.q.lock);
	batches_free(all);
	if (r.out_of_memory)
		return wc_err(errbuf, "out of memory for frame %llu", (unsigned long long)r.last_frame + 1);

	struct flush_ctx ctx = {opts, out};
	wc_decoder_flush(dec, on_incomplete_fragments, &ctx);

	/* A file that breaks off is judged on what it held; the break is an anomaly at
	 * the frame that could not be read. */
	const char *detail = NULL;
	if (wc_capture_container_anomaly(cap, &out->container_anomaly, &detail)) {
		out->container_broken = true;
		snprintf(out->container_detail, sizeof out->container_detail, "%s", detail ? detail : "");
		wc_stats_anomaly(&out->stats, out->container_anomaly);
		report_anomaly(opts, r.last_frame + 1, out->container_anomaly, out->container_detail);
	}
	return 0;
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
	int rc = flows ? run_pipeline(cap, dec, flows, opts, out, errbuf) : -1;
	if (rc == 0) {
		wc_flows_finish(flows);
		out->flows = *wc_flows_totals(flows);
		record_capture_facts(out, cap);
	}
	wc_flows_free(flows);
	wc_decoder_free(dec);
	wc_capture_close(cap);
	return rc;
}
