/* ipfrag.c — bounded IPv4/IPv6 fragment reassembly with overlap and size checks. */
#include "ipfrag.h"

#include <stdlib.h>
#include <string.h>

#define BITMAP_BYTES ((WC_FRAG_MAX_PAYLOAD + 8) / 8)

struct frag_set {
	bool used;
	struct wc_frag_key key;
	uint8_t *buf;            /* WC_FRAG_MAX_PAYLOAD bytes, then the bitmap */
	uint8_t *have;           /* one bit per payload byte received */
	uint32_t received;       /* distinct bytes received */
	uint32_t max_end;        /* furthest byte any fragment reached */
	bool have_last;
	uint32_t total;          /* payload length, known from the last fragment */
	uint32_t cut_from;       /* first byte the capture lacks */
	uint64_t first_frame;
	int64_t first_ts;
	uint16_t count;
	uint8_t nh;
};

struct gone {
	uint64_t first_frame;
	enum wc_anomaly anomaly;
};

struct wc_ipfrag {
	struct frag_set sets[WC_FRAG_MAX_SETS];
	uint32_t pending_bytes;
	struct gone *gone;       /* sets given up, for flush */
	size_t ngone, capgone;
};

static enum wc_anomaly incomplete_anomaly(const struct frag_set *s)
{
	return s->key.version == 6 ? WC_ANOM_IPV6_FRAG_INCOMPLETE : WC_ANOM_IPV4_FRAG_INCOMPLETE;
}

static void remember_gone(struct wc_ipfrag *f, uint64_t first_frame, enum wc_anomaly a)
{
	if (f->ngone == f->capgone) {
		size_t cap = f->capgone ? f->capgone * 2 : 16;
		struct gone *g = realloc(f->gone, cap * sizeof *g);
		if (!g)
			return; /* out of memory: the set goes unreported rather than crash */
		f->gone = g;
		f->capgone = cap;
	}
	f->gone[f->ngone].first_frame = first_frame;
	f->gone[f->ngone].anomaly = a;
	f->ngone++;
}

static void release(struct wc_ipfrag *f, struct frag_set *s)
{
	f->pending_bytes -= s->received;
	s->used = false;
}

static void give_up(struct wc_ipfrag *f, struct frag_set *s)
{
	remember_gone(f, s->first_frame, incomplete_anomaly(s));
	release(f, s);
}

static bool key_eq(const struct wc_frag_key *a, const struct wc_frag_key *b)
{
	return a->version == b->version && a->proto == b->proto && a->id == b->id &&
	       memcmp(a->src, b->src, sizeof a->src) == 0 && memcmp(a->dst, b->dst, sizeof a->dst) == 0;
}

static struct frag_set *oldest(struct wc_ipfrag *f, const struct frag_set *except)
{
	struct frag_set *o = NULL;
	for (int i = 0; i < WC_FRAG_MAX_SETS; i++) {
		struct frag_set *s = &f->sets[i];
		if (s->used && s != except && (!o || s->first_frame < o->first_frame))
			o = s;
	}
	return o;
}

static void expire(struct wc_ipfrag *f, int64_t now)
{
	for (int i = 0; i < WC_FRAG_MAX_SETS; i++) {
		struct frag_set *s = &f->sets[i];
		if (s->used && now - s->first_ts > WC_FRAG_TIMEOUT_NS)
			give_up(f, s);
	}
}

static struct frag_set *find_or_open(struct wc_ipfrag *f, const struct wc_frag_piece *p)
{
	struct frag_set *free_slot = NULL;
	for (int i = 0; i < WC_FRAG_MAX_SETS; i++) {
		struct frag_set *s = &f->sets[i];
		if (s->used && key_eq(&s->key, &p->key))
			return s;
		/* prefer a slot whose buffers already exist */
		if (!s->used && (!free_slot || (!free_slot->buf && s->buf)))
			free_slot = s;
	}
	if (!free_slot) {
		free_slot = oldest(f, NULL);
		give_up(f, free_slot);
	}
	struct frag_set *s = free_slot;
	if (!s->buf) {
		s->buf = malloc(WC_FRAG_MAX_PAYLOAD + BITMAP_BYTES);
		if (!s->buf)
			return NULL;
		s->have = s->buf + WC_FRAG_MAX_PAYLOAD;
	}
	memset(s->have, 0, BITMAP_BYTES);
	s->used = true;
	s->key = p->key;
	s->received = 0;
	s->max_end = 0;
	s->have_last = false;
	s->total = 0;
	s->cut_from = UINT32_MAX;
	s->first_frame = p->frame;
	s->first_ts = p->ts_ns;
	s->count = 0;
	s->nh = 0;
	return s;
}

/* Copy the piece in, keeping the bytes that came first where fragments overlap (and
 * saying whether the overlap disagreed). Returns the number of new bytes. */
static uint32_t merge(struct frag_set *s, struct wc_frag_piece *p, bool *overlap)
{
	uint32_t fresh = 0;
	for (uint32_t i = 0; i < p->len; i++) {
		uint32_t b = p->offset + i;
		uint8_t v;
		bool known = wc_cur_u8(&p->data, &v);
		uint8_t bit = (uint8_t)(1u << (b & 7));
		if (s->have[b >> 3] & bit) {
			if (known && b < s->cut_from && s->buf[b] != v)
				*overlap = true;
			continue;
		}
		s->have[b >> 3] |= bit;
		fresh++;
		if (known)
			s->buf[b] = v;
		else if (b < s->cut_from)
			s->cut_from = b;
	}
	return fresh;
}

void wc_ipfrag_add(struct wc_ipfrag *f, struct wc_frag_piece *p, struct wc_frag_result *out)
{
	memset(out, 0, sizeof *out);
	expire(f, p->ts_ns);
	uint32_t limit = p->limit < WC_FRAG_MAX_PAYLOAD ? p->limit : WC_FRAG_MAX_PAYLOAD;
	if (p->offset > limit || p->len > limit - p->offset) {
		out->too_large = true;
		return;
	}
	struct frag_set *s = find_or_open(f, p);
	if (!s) {
		remember_gone(f, p->frame, p->key.version == 6 ? WC_ANOM_IPV6_FRAG_INCOMPLETE
		                                               : WC_ANOM_IPV4_FRAG_INCOMPLETE);
		return;
	}
	uint32_t fresh = merge(s, p, &out->overlap);
	s->received += fresh;
	f->pending_bytes += fresh;
	if (fresh)
		s->count++;
	if (p->offset + p->len > s->max_end)
		s->max_end = p->offset + p->len;
	if (p->offset == 0)
		s->nh = p->nh;
	if (!p->more && !s->have_last) {
		s->have_last = true;
		s->total = p->offset + p->len;
	}
	if (s->have_last && s->max_end == s->total && s->received == s->total) {
		out->done = true;
		out->data = s->buf;
		out->len = s->total;
		out->caplen = s->cut_from < s->total ? s->cut_from : s->total;
		out->first_frame = s->first_frame;
		out->count = s->count;
		out->nh = s->nh;
		release(f, s);
		return;
	}
	while (f->pending_bytes > WC_FRAG_MAX_BYTES) {
		struct frag_set *o = oldest(f, s);
		if (!o)
			break;
		give_up(f, o);
	}
}

static int by_first_frame(const void *a, const void *b)
{
	const struct gone *x = a, *y = b;
	return (x->first_frame > y->first_frame) - (x->first_frame < y->first_frame);
}

void wc_ipfrag_flush(struct wc_ipfrag *f, void (*cb)(uint64_t first_frame, enum wc_anomaly a, void *arg),
                     void *arg)
{
	for (int i = 0; i < WC_FRAG_MAX_SETS; i++)
		if (f->sets[i].used)
			give_up(f, &f->sets[i]);
	if (f->ngone)
		qsort(f->gone, f->ngone, sizeof *f->gone, by_first_frame);
	for (size_t i = 0; i < f->ngone; i++)
		cb(f->gone[i].first_frame, f->gone[i].anomaly, arg);
	f->ngone = 0;
}

struct wc_ipfrag *wc_ipfrag_new(void)
{
	return calloc(1, sizeof(struct wc_ipfrag));
}

void wc_ipfrag_free(struct wc_ipfrag *f)
{
	if (!f)
		return;
	for (int i = 0; i < WC_FRAG_MAX_SETS; i++)
		free(f->sets[i].buf);
	free(f->gone);
	free(f);
}
