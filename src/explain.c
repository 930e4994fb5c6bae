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

/* Connections and flows held back at most, waiting for a smaller id (explain_order.h). */
#define REORDER_CAP 4096
/* Datagram records kept per UDP flow: enough to list the sizes of a short flow. */
#define DATAGRAMS_KEPT 64
#define DEFAULT_ANOMALIES_LISTED 1000

struct run {
	const struct wc_explain_opts *opts;
	const struct wc_xfmt *fmt;
	struct wc_xctx x;
	FILE *out;
	struct wc_xspool sp[WC_XS__COUNT];
	struct wc_xorder *tcp_order, *udp_order;
	const char *path;
	bool t0_set, begun, packet_written, out_of_memory;
	uint32_t max_listed;
};

struct spool_sink {
	struct run *r;
	enum wc_xsection section;
};

static void spool_item(struct run *r, enum wc_xsection s, const char *text, size_t len)
{
	struct wc_xspool *sp = &r->sp[s];
	if (sp->items)
		fputs(r->fmt->item_sep[s], sp->f);
	fwrite(text, 1, len, sp->f);
	sp->items++;
}

static void order_sink(const char *text, size_t len, void *arg)
{
	struct spool_sink *k = arg;
	if (text)
		spool_item(k->r, k->section, text, len);
}

/* Render into a string through the formatter hook that the caller runs on m. */
static FILE *render_start(char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	return open_memstream(buf, len);
}

/* The memory stream sets *buf and *len only when it is closed. */
static void hand_over(struct run *r, struct wc_xorder *o, uint32_t id, FILE *m, char **buf, size_t *len)
{
	if (m && fclose(m) == 0) {
		if (wc_xorder_put(o, id, *buf, *len) != 0)
			r->out_of_memory = true;
	} else {
		free(*buf);
		r->out_of_memory = true;
		wc_xorder_put(o, id, NULL, 0);
	}
}

static void on_tcp_done(const struct wc_tcp_conn *c, void *arg)
{
	struct run *r = arg;
	if (r->opts->flow >= 0 && c->id != r->opts->flow) {
		wc_xorder_put(r->tcp_order, c->id, NULL, 0); /* holds its place only */
		return;
	}
	char *buf;
	size_t len;
	FILE *m = render_start(&buf, &len);
	if (m)
		r->fmt->tcp_conn(m, &r->x, c);
	hand_over(r, r->tcp_order, c->id, m, &buf, &len);
}

static void on_udp_done(const struct wc_udp_flow *f, void *arg)
{
	struct run *r = arg;
	if (r->opts->flow >= 0) /* --flow shows one TCP connection: no UDP section */
		return;
	char *buf;
	size_t len;
	FILE *m = render_start(&buf, &len);
	if (m)
		r->fmt->udp_flow(m, &r->x, f);
	hand_over(r, r->udp_order, f->id, m, &buf, &len);
}

static void on_icmp(const struct wc_icmp_event *e, void *arg)
{
	struct run *r = arg;
	if (r->opts->flow >= 0 && !(e->flow_kind == WC_FLOW_TCP && e->flow_id == r->opts->flow))
		return;
	struct wc_xspool *sp = &r->sp[WC_XS_ICMP];
	if (sp->items)
		fputs(r->fmt->item_sep[WC_XS_ICMP], sp->f);
	r->fmt->icmp(sp->f, &r->x, e);
	sp->items++;
}

static void on_anomaly(uint64_t frame, enum wc_anomaly a, const char *detail, void *arg)
{
	struct run *r = arg;
	struct wc_xspool *sp = &r->sp[WC_XS_ANOMALY];
	if (sp->items >= r->max_listed)
		return;
	if (sp->items)
		fputs(r->fmt->item_sep[WC_XS_ANOMALY], sp->f);
	r->fmt->anomaly(sp->f, &r->x, frame, a, detail);
	sp->items++;
}

/* The document starts only once the file has opened, so a file that cannot be read
 * leaves no half document behind. */
static void begin_once(struct run *r)
{
	if (!r->begun)
		r->fmt->begin(r->out, &r->x, r->path);
	r->begun = true;
}

static void on_packet(const struct wc_packet *pkt, const struct wc_pkt_note *note, void *arg)
{
	struct run *r = arg;
	if (!r->t0_set) {
		r->x.t0_ns = pkt->frame->ts_ns;
		r->t0_set = true;
	}
	if (!r->opts->packets)
		return;
	if (r->opts->flow >= 0 && !(note && note->kind == WC_FLOW_TCP && note->flow_id == r->opts->flow))
		return;
	begin_once(r);
	r->fmt->packet(r->out, &r->x, pkt, note, !r->packet_written);
	r->packet_written = true;
}

static int open_spools(struct run *r, char *errbuf)
{
	for (int i = 0; i < WC_XS__COUNT; i++) {
		r->sp[i].f = tmpfile();
		if (!r->sp[i].f)
			return wc_err_errno(errbuf, errno, "cannot create a temporary file");
	}
	return 0;
}

static void close_run(struct run *r)
{
	for (int i = 0; i < WC_XS__COUNT; i++)
		if (r->sp[i].f)
			fclose(r->sp[i].f);
	wc_xorder_free(r->tcp_order);
	wc_xorder_free(r->udp_order);
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
	r.out = out;
	r.path = path;
	r.max_listed = opts->max_anomalies_listed ? opts->max_anomalies_listed : DEFAULT_ANOMALIES_LISTED;
	struct spool_sink tcp_sink = {&r, WC_XS_TCP}, udp_sink = {&r, WC_XS_UDP};
	r.tcp_order = wc_xorder_new(REORDER_CAP, order_sink, &tcp_sink);
	r.udp_order = wc_xorder_new(REORDER_CAP, order_sink, &udp_sink);
	if (!r.tcp_order || !r.udp_order) {
		close_run(&r);
		return wc_err(errbuf, "out of memory");
	}
	if (open_spools(&r, errbuf) != 0) {
		close_run(&r);
		return -1;
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

	struct wc_analysis *an = malloc(sizeof *an);
	if (!an) {
		close_run(&r);
		return wc_err(errbuf, "out of memory");
	}
	if (wc_analyze_file(path, &ao, an, errbuf) != 0) {
		free(an);
		close_run(&r);
		return open_failed(path, errbuf);
	}
	wc_xorder_flush(r.tcp_order);
	wc_xorder_flush(r.udp_order);

	struct wc_xcapture cap = {.path = path, .an = an, .anomalies_listed = r.sp[WC_XS_ANOMALY].items};
	for (int i = 0; i < an->linktype_count && i < 8; i++)
		cap.linktype_names[i] = wc_linktype_name(an->linktypes[i]);
	begin_once(&r);
	int rc = r.fmt->end(out, &r.x, &cap, r.sp);
	free(an);
	close_run(&r);
	if (rc != 0)
		return wc_err(errbuf, "cannot read back a temporary file");
	if (r.out_of_memory)
		return wc_err(errbuf, "out of memory while rendering");
	if (fflush(out) != 0 || ferror(out))
		return wc_err_errno(errbuf, errno, "cannot write the output");
	return 0;
}
