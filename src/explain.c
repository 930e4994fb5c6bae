/* explain.c — `wirecheck explain`: runs the analysis and drives a formatter (explain.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "capture.h"
#include "explain.h"
#include "explain_format.h"
#include "explain_order.h"

/* Connections, and UDP flows, held back at most, waiting for a smaller id
 * (explain_order.h). */
#define REORDER_CAP 1024
/* Datagram records kept per UDP flow: enough to list the sizes of a short flow. */
#define DATAGRAMS_KEPT 64
#define DEFAULT_ANOMALIES_LISTED 1000
/* Bytes of each spooled section kept in memory before the rest goes to a temporary
 * file: a lab capture never needs the file, and memory stays flat on a long one. */
#define SPOOL_MEMORY (1u << 20)

/* A UDP flow waiting for its turn, with a copy of its datagram list. */
struct held_udp {
	struct wc_udp_flow f;
	struct wc_datagram list[DATAGRAMS_KEPT];
};

struct run {
	const struct wc_explain_opts *opts;
	const struct wc_xfmt *fmt;
	struct wc_xctx x;
	/* Everything bound for the output is rendered here and reaches it in large blocks. */
	struct wc_outbuf ob;
	struct wc_xspool sp[WC_XS__COUNT]; /* sp[WC_XS_TCP]: only with --packets */
	struct wc_xorder *tcp_order, *udp_order;
	/* Items bound for a spool are rendered into one memory buffer, emptied for each. */
	struct wc_outbuf render;
	struct wc_xaddr_cache addrs;
	const char *path;
	bool t0_set, begun, tcp_begun, packet_written, out_of_memory;
	bool stream_tcp;      /* connections go straight to out (no --packets) */
	uint64_t tcp_written; /* connections written to out or to sp[WC_XS_TCP] */
	uint32_t max_listed;
};

/* Times are relative to the first frame, whichever callback sees it first: an ICMP
 * error in frame 1 reaches on_icmp before on_packet. */
static void see_time(struct run *r, int64_t ts_ns)
{
	if (!r->t0_set) {
		r->x.t0_ns = ts_ns;
		r->t0_set = true;
	}
}

/* The document starts only once the file has opened, so a file that cannot be read
 * leaves no half document behind. */
static void begin_once(struct run *r)
{
	if (!r->begun)
		r->fmt->begin(&r->ob, &r->x, r->path);
	r->begun = true;
}

static void tcp_begin_once(struct run *r)
{
	begin_once(r);
	if (!r->tcp_begun)
		r->fmt->tcp_begin(&r->ob, &r->x);
	r->tcp_begun = true;
}

/* Empties the render buffer; the hook the caller runs next writes one item into it. */
static struct wc_outbuf *render_start(struct run *r)
{
	r->render.len = 0;
	return &r->render;
}

/* Appends the item just rendered to section s. */
static void spool_rendered(struct run *r, enum wc_xsection s)
{
	if (r->render.failed) {
		r->out_of_memory = true;
		return;
	}
	struct wc_xspool *sp = &r->sp[s];
	const char *sep = sp->items ? r->fmt->item_sep[s] : r->fmt->item_lead[s];
	wc_xspool_write(sp, sep, strlen(sep));
	wc_xspool_write(sp, r->render.p, r->render.len);
	sp->items++;
}

static void tcp_sink(void *item, void *arg)
{
	struct run *r = arg;
	const struct wc_tcp_conn *c = item;
	if (!c)
		return;
	if (r->stream_tcp) {
		tcp_begin_once(r);
		wc_outbuf_puts(&r->ob, r->tcp_written ? r->fmt->item_sep[WC_XS_TCP] : r->fmt->item_lead[WC_XS_TCP]);
		r->fmt->tcp_conn(&r->ob, &r->x, c);
	} else {
		r->fmt->tcp_conn(render_start(r), &r->x, c);
		spool_rendered(r, WC_XS_TCP);
	}
	r->tcp_written++;
}

static void udp_sink(void *item, void *arg)
{
	struct run *r = arg;
	const struct held_udp *h = item;
	if (!h)
		return;
	r->fmt->udp_flow(render_start(r), &r->x, &h->f);
	spool_rendered(r, WC_XS_UDP);
}

static void hand_over(struct run *r, struct wc_xorder *o, uint32_t id, void *slot)
{
	if (wc_xorder_put(o, id, slot) != 0)
		r->out_of_memory = true;
}

static void on_tcp_done(const struct wc_tcp_conn *c, void *arg)
{
	struct run *r = arg;
	struct wc_tcp_conn *copy = NULL;
	if (r->opts->flow < 0 || c->id == r->opts->flow) { /* others only hold their place */
		copy = wc_xorder_slot(r->tcp_order);
		if (!copy)
			r->out_of_memory = true;
	}
	if (copy) {
		*copy = *c;
		/* what these point to is freed when the callback returns; no formatter reads it */
		copy->side[0].payload = copy->side[1].payload = NULL;
		copy->segs = NULL;
		copy->seg_count = 0;
	}
	hand_over(r, r->tcp_order, c->id, copy);
}

static void on_udp_done(const struct wc_udp_flow *f, void *arg)
{
	struct run *r = arg;
	if (r->opts->flow >= 0) /* --flow shows one TCP connection: no UDP section */
		return;
	struct held_udp *h = wc_xorder_slot(r->udp_order);
	if (!h) {
		r->out_of_memory = true;
		hand_over(r, r->udp_order, f->id, NULL);
		return;
	}
	h->f = *f;
	size_t n = f->list_count < DATAGRAMS_KEPT ? f->list_count : DATAGRAMS_KEPT;
	if (n)
		memcpy(h->list, f->list, n * sizeof h->list[0]);
	h->f.list = h->list;
	h->f.list_count = n;
	hand_over(r, r->udp_order, f->id, h);
}

static void on_icmp(const struct wc_icmp_event *e, void *arg)
{
	struct run *r = arg;
	see_time(r, e->ts_ns);
	if (r->opts->flow >= 0 && !(e->flow_kind == WC_FLOW_TCP && e->flow_id == r->opts->flow))
		return;
	r->fmt->icmp(render_start(r), &r->x, e);
	spool_rendered(r, WC_XS_ICMP);
}

static void on_anomaly(uint64_t frame, enum wc_anomaly a, const char *detail, void *arg)
{
	struct run *r = arg;
	if (r->sp[WC_XS_ANOMALY].items >= r->max_listed)
		return;
	r->fmt->anomaly(render_start(r), &r->x, frame, a, detail);
	spool_rendered(r, WC_XS_ANOMALY);
}

static void on_packet(const struct wc_packet *pkt, const struct wc_pkt_note *note, void *arg)
{
	struct run *r = arg;
	see_time(r, pkt->frame->ts_ns);
	if (!r->opts->packets)
		return;
	if (r->opts->flow >= 0 && !(note && note->kind == WC_FLOW_TCP && note->flow_id == r->opts->flow))
		return;
	begin_once(r);
	r->fmt->packet(&r->ob, &r->x, pkt, note, !r->packet_written);
	r->packet_written = true;
}

static void close_run(struct run *r)
{
	for (int i = 0; i < WC_XS__COUNT; i++)
		wc_xspool_free(&r->sp[i]);
	wc_xorder_free(r->tcp_order);
	wc_xorder_free(r->udp_order);
	wc_outbuf_free(&r->render);
	wc_outbuf_free(&r->ob);
}

static bool spools_failed(const struct run *r)
{
	for (int i = 0; i < WC_XS__COUNT; i++)
		if (r->sp[i].failed)
			return true;
	return false;
}

/* "cannot open PATH: reason", whatever way the reader phrased the reason. */
static int open_failed(const char *path, char *errbuf)
{
	char reason[WC_ERRBUF_SIZE];
	const char *why = errbuf ? errbuf : "";
	size_t plen = strlen(path);
	if (strncmp(why, path, plen) == 0 && why[plen] == ':')
		why += plen + 1 + (why[plen + 1] == ' ');
	snprintf(reason, sizeof reason, "%s", why);
	return wc_err(errbuf, "cannot open %s: %s", path, reason);
}

int wc_explain(const char *path, const struct wc_explain_opts *opts, FILE *out, char *errbuf)
{
	struct run r;
	memset(&r, 0, sizeof r);
	r.opts = opts;
	r.fmt = opts->format == WC_EXPLAIN_JSON ? &wc_xfmt_json : &wc_xfmt_text;
	r.x.opts = opts;
	r.x.color = opts->color && opts->format == WC_EXPLAIN_TEXT;
	r.x.addrs = &r.addrs;
	r.path = path;
	r.stream_tcp = !opts->packets;
	r.max_listed = opts->max_anomalies_listed ? opts->max_anomalies_listed : DEFAULT_ANOMALIES_LISTED;
	for (int i = 0; i < WC_XS__COUNT; i++)
		wc_xspool_init(&r.sp[i], SPOOL_MEMORY);
	r.tcp_order = wc_xorder_new(REORDER_CAP, sizeof(struct wc_tcp_conn), tcp_sink, &r);
	r.udp_order = wc_xorder_new(REORDER_CAP, sizeof(struct held_udp), udp_sink, &r);
	wc_outbuf_init(&r.render, NULL);
	wc_outbuf_init(&r.ob, out);
	struct wc_analysis *an = malloc(sizeof *an);
	if (!r.tcp_order || !r.udp_order || r.ob.failed || !an) {
		free(an);
		close_run(&r);
		return wc_err(errbuf, "out of memory");
	}

	struct wc_analysis_opts ao;
	memset(&ao, 0, sizeof ao);
	ao.flow.max_datagrams = DATAGRAMS_KEPT;
	ao.flow.on_tcp_done = on_tcp_done;
	ao.flow.on_udp_done = on_udp_done;
	ao.flow.on_icmp = on_icmp;
	ao.flow.arg = &r;
	ao.on_packet = on_packet;
	ao.on_anomaly = on_anomaly;
	ao.arg = &r;

	if (wc_analyze_file(path, &ao, an, errbuf) != 0) {
		wc_outbuf_flush(&r.ob); /* what a callback may have written, as stdio would */
		free(an);
		close_run(&r);
		return open_failed(path, errbuf);
	}
	wc_xorder_flush(r.tcp_order);
	wc_xorder_flush(r.udp_order);

	tcp_begin_once(&r);
	int rc = r.stream_tcp ? 0 : wc_xspool_copy(&r.ob, &r.sp[WC_XS_TCP]);
	r.fmt->tcp_end(&r.ob, &r.x, r.tcp_written);
	struct wc_xcapture cap = {.path = path, .an = an, .anomalies_listed = r.sp[WC_XS_ANOMALY].items};
	for (int i = 0; i < an->linktype_count && i < 8; i++)
		cap.linktype_names[i] = wc_linktype_name(an->linktypes[i]);
	if (r.fmt->end(&r.ob, &r.x, &cap, r.sp) != 0)
		rc = -1;
	free(an);
	bool write_failed = wc_outbuf_flush(&r.ob) != 0;
	bool spill_failed = spools_failed(&r);
	close_run(&r);
	if (spill_failed)
		return wc_err(errbuf, "cannot write a temporary file");
	if (rc != 0)
		return wc_err(errbuf, "cannot read back a temporary file");
	if (r.out_of_memory)
		return wc_err(errbuf, "out of memory while rendering");
	if (write_failed || fflush(out) != 0 || ferror(out))
		return wc_err_errno(errbuf, errno, "cannot write the output");
	return 0;
}
