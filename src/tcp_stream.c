/* tcp_stream.c — one direction of a TCP connection reassembled: distinct bytes, holes, the kept payload. */
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "flow_internal.h"

/* Offsets are 64-bit counts from the stream's first byte, so sequence wraparound and
 * streams longer than 4 GiB cost nothing; a gap's rel_seq is its offset + 1 (relative
 * sequence 1 is the first byte after the SYN). */
static void record_gap(struct wc_tcp_side *side, uint64_t from, uint64_t to, uint64_t frame)
{
	if (to <= from)
		return;
	side->gaps_total++;
	if (side->gap_count < WC_MAX_GAPS) {
		struct wc_gap *g = &side->gaps[side->gap_count++];
		g->rel_seq = (uint32_t)(from + 1);
		g->len = (uint32_t)(to - from);
		g->frame = frame;
	}
}

static void drop_range(struct wc_stream *st, unsigned i)
{
	memmove(&st->ranges[i], &st->ranges[i + 1], (st->nranges - i - 1) * sizeof st->ranges[0]);
	st->nranges--;
}

/* Ranges that now touch the contiguous prefix join it. */
static void absorb(struct wc_stream *st)
{
	while (st->nranges && st->ranges[0].start <= st->contig) {
		if (st->ranges[0].end > st->contig)
			st->contig = st->ranges[0].end;
		drop_range(st, 0);
	}
}

/* The earliest hole will not be filled in time: record it and move on past it. */
static void give_up_first_hole(struct wc_stream *st, struct wc_tcp_side *side)
{
	record_gap(side, st->contig, st->ranges[0].start, st->ranges[0].frame);
	st->contig = st->ranges[0].start;
	absorb(st);
}

static uint64_t overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	uint64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
	return hi > lo ? hi - lo : 0;
}

/* Merge [s, e) into the sorted out-of-order ranges. */
static void add_range(struct wc_stream *st, struct wc_tcp_side *side, uint64_t s, uint64_t e, uint64_t frame)
{
	unsigned i = 0;
	while (i < st->nranges && st->ranges[i].end < s)
		i++;
	if (i < st->nranges && st->ranges[i].start <= e) {
		struct wc_stream_range *r = &st->ranges[i];
		if (s < r->start) {
			r->start = s;
			r->frame = frame;
		}
		if (e > r->end)
			r->end = e;
		while (i + 1 < st->nranges && st->ranges[i + 1].start <= r->end) {
			if (st->ranges[i + 1].end > r->end)
				r->end = st->ranges[i + 1].end;
			drop_range(st, i + 1);
		}
		return;
	}
	if (st->nranges == WC_STREAM_MAX_RANGES) {
		give_up_first_hole(st, side);
		if (s <= st->contig) {
			if (e > st->contig)
				st->contig = e;
			absorb(st);
			return;
		}
		add_range(st, side, s, e, frame);
		return;
	}
	memmove(&st->ranges[i + 1], &st->ranges[i], (st->nranges - i) * sizeof st->ranges[0]);
	st->ranges[i] = (struct wc_stream_range){s, e, frame};
	st->nranges++;
}

/* Copy the part of [s, e) that falls within the first cap bytes; skip bytes of the
 * segment that lie before the stream's start. */
static void keep_bytes(struct wc_stream *st, size_t cap, uint64_t s, uint64_t e, uint64_t skip,
                       const uint8_t *data, uint32_t caplen)
{
	if (cap == 0 || s >= cap || skip >= caplen)
		return;
	uint64_t want_end = e < cap ? e : cap;
	if (want_end > s + (caplen - skip))
		want_end = s + (caplen - skip);
	if (want_end <= s)
		return;
	if (want_end > st->buf_size) {
		size_t size = st->buf_size ? st->buf_size : 4096;
		while (size < want_end)
			size *= 2;
		if (size > cap)
			size = cap;
		uint8_t *nb = realloc(st->buf, size);
		if (!nb)
			return;
		memset(nb + st->buf_size, 0, size - st->buf_size);
		st->buf = nb;
		st->buf_size = size;
	}
	struct wc_cursor c;
	wc_cur_init(&c, data, caplen);
	if (wc_cur_skip(&c, (size_t)skip))
		wc_cur_copy(&c, st->buf + s, (size_t)(want_end - s));
}

uint32_t wc_stream_add(struct wc_stream *st, struct wc_tcp_side *side, size_t cap, uint32_t origin,
                       uint32_t seq, uint32_t len, const uint8_t *data, uint32_t caplen, uint64_t frame)
{
	if (!st->started) {
		st->started = true;
		st->origin = origin;
	}
	/* Position relative to the contiguous end, sign-extended: a 32-bit distance in
	 * sequence space is unambiguous near where the stream is. */
	uint32_t contig_seq = st->origin + (uint32_t)st->contig;
	int64_t start = (int64_t)st->contig + (int32_t)(seq - contig_seq);
	int64_t end = start + (int64_t)len;
	if (end <= 0)
		return 0;
	uint64_t s = start < 0 ? 0 : (uint64_t)start, e = (uint64_t)end;
	keep_bytes(st, cap, s, e, start < 0 ? (uint64_t)-start : 0, data, caplen);
	if (e > st->high)
		st->high = e;

	uint64_t from = s > st->contig ? s : st->contig;
	uint64_t fresh = e > from ? e - from : 0;
	for (unsigned i = 0; i < st->nranges; i++)
		fresh -= overlap(from, e, st->ranges[i].start, st->ranges[i].end);

	if (s <= st->contig) {
		if (e > st->contig)
			st->contig = e;
		absorb(st);
	} else if (st->frozen) {
		/* After close nothing waits for a hole to be filled. */
		record_gap(side, st->contig, s, frame);
		st->contig = e;
	} else {
		if (!st->ranges)
			st->ranges = malloc(WC_STREAM_MAX_RANGES * sizeof st->ranges[0]);
		if (st->ranges) {
			add_range(st, side, s, e, frame);
		} else {
			record_gap(side, st->contig, s, frame);
			st->contig = e;
		}
	}
	side->stream_bytes += fresh;
	return (uint32_t)fresh;
}

void wc_stream_close(struct wc_stream *st, struct wc_tcp_side *side)
{
	while (st->nranges)
		give_up_first_hole(st, side);
	free(st->ranges);
	st->ranges = NULL;
	st->frozen = true;
}

void wc_stream_free(struct wc_stream *st)
{
	free(st->ranges);
	free(st->buf);
	st->ranges = NULL;
	st->buf = NULL;
	st->nranges = 0;
}
