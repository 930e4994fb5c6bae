/* check_tcp_stream.c — tcp.stream: the reassembled bytes of one direction against a text,
 * a regular expression, a length or an XXH3 digest, or the server's stream against the
 * client's (echo); a mismatch names the first differing byte and the frame that carried it. */
#include "checks_tcp.h"

#include <ctype.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static bool parse_hex64(const char *t, uint64_t *out)
{
	if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
		t += 2;
	if (strlen(t) != 16)
		return false;
	char *end;
	*out = strtoull(t, &end, 16);
	return *end == '\0';
}

static int check_xxh3(json_object *v, const char *file, const char *path, char *errbuf)
{
	uint64_t d;
	if (parse_hex64(json_object_get_string(v), &d))
		return 0;
	return wc_schema_err(errbuf, file, path, "expected an XXH3 digest of 16 hex digits, got %s",
	                     json_object_to_json_string(v));
}

static const struct wc_field args[] = {
	WC_TCP_PORT_FIELD,
	{.key = "direction", .type = WC_F_STRING, .default_text = "\"client_to_server\"", .enum_values = wc_tcp_dir_values,
	 .doc = "which direction's bytes are judged",
	 .example = "\"server_to_client\""},
	{.key = "equals", .type = WC_F_STRING,
	 .doc = "the stream is exactly this text",
	 .example = "\"hello\\n\""},
	{.key = "regex", .type = WC_F_STRING, .check = wc_schema_regex,
	 .doc = "the stream matches this POSIX extended regular expression (searched, not anchored; the stream "
	 "is read up to its first NUL byte)",
	 .example = "\"^GET /[a-z]+ HTTP/1\\\\.[01]\\r\\n\""},
	{.key = "length", .type = WC_F_COUNT, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "the stream's length in bytes",
	 .example = "{\"min\": 100}"},
	{.key = "xxh3", .type = WC_F_STRING, .check = check_xxh3,
	 .doc = "XXH3 64-bit digest (seed 0) of the stream, 16 hex digits (`xxhsum -H3`)",
	 .example = "\"9b5fdd4b44bc2a07\""},
	{.key = "echo", .type = WC_F_BOOL, .default_text = "false",
	 .doc = "true: the server → client stream equals the client → server stream (direction is ignored)",
	 .example = "true"},
	{.key = NULL},
};

struct dirbytes {
	const struct wc_tcp_conn *c;
	int side;                 /* sender */
	const char *words;        /* "client → server" */
	const uint8_t *p;
	size_t len;
};

/* The first segment from d's sender that carried stream offset off (its original send). */
static uint64_t frame_of(const struct dirbytes *d, uint64_t off)
{
	uint64_t last = 0;
	for (size_t i = 0; i < d->c->seg_count; i++) {
		const struct wc_segment *s = &d->c->segs[i];
		if (s->dir != d->side || !s->len || (s->flags & WC_TH_RST))
			continue;
		uint64_t start = (uint64_t)s->rel_seq - 1;
		if (off >= start && off < start + s->len)
			return s->frame;
		last = s->frame;
	}
	return last;
}

static void data_frames(const struct dirbytes *d, struct wc_result *r)
{
	for (size_t i = 0; i < d->c->seg_count; i++)
		if (d->c->segs[i].dir == d->side && d->c->segs[i].len)
			wc_tcp_evidence(r, d->c->segs[i].frame);
}

static void show_byte(char *buf, size_t len, int b)
{
	if (b < 0)
		snprintf(buf, len, "nothing");
	else if (isprint(b) && b != '\'')
		snprintf(buf, len, "'%c'", b);
	else
		snprintf(buf, len, "0x%02x", (unsigned)b);
}

/* Compare d's bytes with want; false with r filled on a difference. */
static bool compare(const struct dirbytes *d, const uint8_t *want, size_t wlen, const char *what,
                    struct wc_result *r)
{
	size_t i = 0, n = d->len < wlen ? d->len : wlen;
	while (i < n && d->p[i] == want[i])
		i++;
	if (i == d->len && i == wlen)
		return true;
	if (i < n) {
		char got[8], exp[8];
		uint64_t f = frame_of(d, i);
		show_byte(got, sizeof got, d->p[i]);
		show_byte(exp, sizeof exp, want[i]);
		wc_tcp_evidence(r, f);
		wc_tcp_verdict(r, WC_FAIL, "the %s stream differs from %s at byte %zu (frame %llu): %s instead of %s",
		               d->words, what, i, (unsigned long long)f, got, exp);
	} else if (d->len < wlen) {
		uint64_t f = d->len ? frame_of(d, d->len - 1) : 0;
		wc_tcp_evidence(r, f);
		if (d->len)
			wc_tcp_verdict(r, WC_FAIL, "the %s stream ends after %zu bytes (last in frame %llu); %s has %zu",
			               d->words, d->len, (unsigned long long)f, what, wlen);
		else
			wc_tcp_verdict(r, WC_FAIL, "the %s stream is empty; %s has %zu bytes", d->words, what, wlen);
	} else {
		uint64_t f = frame_of(d, wlen);
		wc_tcp_evidence(r, f);
		wc_tcp_verdict(r, WC_FAIL, "the %s stream has %zu bytes, %zu more than %s: the extra bytes start in frame %llu",
		               d->words, d->len, d->len - wlen, what, (unsigned long long)f);
	}
	return false;
}

/* The capture cannot show the whole stream: r set INCONCLUSIVE. */
static bool whole(const struct wc_tcp_sel *sel, const struct dirbytes *d, struct wc_result *r)
{
	const struct wc_tcp_side *s = &d->c->side[d->side];
	if (!s->syn_seen) {
		wc_tcp_evidence(r, d->c->first_frame);
		wc_tcp_verdict(r, WC_INCONCLUSIVE, "the start of the %s stream was not captured (no SYN from the %s before frame %llu)",
		               d->words, wc_tcp_role_of(sel, d->c, d->side), (unsigned long long)d->c->first_frame);
		return false;
	}
	if (s->payload_capped) {
		wc_tcp_verdict(r, WC_INCONCLUSIVE, "the %s stream is longer than the %u MiB kept for checks", d->words,
		               WC_VIEW_PAYLOAD_CAP >> 20);
		return false;
	}
	if (s->gaps_total) {
		wc_tcp_evidence(r, s->gaps[0].frame);
		wc_tcp_verdict(r, WC_INCONCLUSIVE, "%u bytes of the %s stream from byte %u were never captured (noticed at frame %llu)",
		               s->gaps[0].len, d->words, s->gaps[0].rel_seq - 1, (unsigned long long)s->gaps[0].frame);
		return false;
	}
	for (size_t i = 0; i < d->c->seg_count; i++) {
		const struct wc_segment *g = &d->c->segs[i];
		const struct wc_frame_rec *f = g->dir == d->side && g->len ? wc_view_frame(sel->v, g->frame) : NULL;
		if (f && f->truncated) {
			wc_tcp_evidence(r, g->frame);
			wc_tcp_verdict(r, WC_INCONCLUSIVE, "frame %llu of the %s stream was cut by the snapshot length: its bytes are not all in the capture",
			               (unsigned long long)g->frame, d->words);
			return false;
		}
	}
	return true;
}

static bool match_regex(const struct dirbytes *d, const char *re, struct wc_result *r)
{
	regex_t rx;
	int err = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB);
	if (err) {
		char msg[128];
		regerror(err, &rx, msg, sizeof msg);
		wc_tcp_verdict(r, WC_INCONCLUSIVE, "the regex /%s/ does not compile: %s", re, msg);
		return false;
	}
	char *text = malloc(d->len + 1);
	if (!text) {
		regfree(&rx);
		wc_tcp_verdict(r, WC_INCONCLUSIVE, "out of memory reading the %s stream", d->words);
		return false;
	}
	if (d->len)
		memcpy(text, d->p, d->len);
	text[d->len] = '\0';
	bool ok = regexec(&rx, text, 0, NULL, 0) == 0;
	free(text);
	regfree(&rx);
	if (!ok) {
		data_frames(d, r);
		wc_tcp_verdict(r, WC_FAIL, "the %s stream (%zu bytes) does not match /%s/", d->words, d->len, re);
	}
	return ok;
}

/* Judge one connection: false with r filled, or true with ok describing it. */
static bool judge(const struct wc_tcp_sel *sel, const struct wc_tcp_conn *c, json_object *a, struct wc_result *r,
                  char *ok, size_t oklen)
{
	const char *dir = wc_schema_str(a, "direction", "client_to_server");
	bool echo = wc_schema_bool(a, "echo", false);
	if (echo)
		dir = "client_to_server";
	int s = wc_tcp_dir_side(sel, c, dir);
	struct dirbytes d = {c, s, wc_tcp_dir_words(dir), c->side[s].payload, c->side[s].payload_kept};
	if (!whole(sel, &d, r))
		return false;
	if (echo) {
		struct dirbytes back = {c, 1 - s, wc_tcp_dir_words("server_to_client"), c->side[1 - s].payload,
		                        c->side[1 - s].payload_kept};
		if (!whole(sel, &back, r) || !compare(&back, d.p, d.len, "what the client sent", r))
			return false;
		data_frames(&d, r);
		data_frames(&back, r);
		snprintf(ok, oklen, "the server echoed all %zu bytes the client sent", d.len);
		return true;
	}
	const char *eq = wc_schema_str(a, "equals", NULL), *re = wc_schema_str(a, "regex", NULL);
	const char *hex = wc_schema_str(a, "xxh3", NULL);
	if (eq && !compare(&d, (const uint8_t *)eq, strlen(eq), "the expected text", r))
		return false;
	if (re && !match_regex(&d, re, r))
		return false;
	json_object *lv;
	if (json_object_object_get_ex(a, "length", &lv)) {
		struct wc_count want;
		char cs[48];
		wc_count_get(lv, &want);
		if (!wc_count_ok(&want, (int64_t)d.len)) {
			data_frames(&d, r);
			wc_tcp_verdict(r, WC_FAIL, "the %s stream has %zu bytes, expected %s", d.words, d.len,
			               wc_count_str(&want, cs, sizeof cs));
			return false;
		}
	}
	if (hex) {
		uint64_t want = 0, got = XXH3_64bits(d.p, d.len);
		parse_hex64(hex, &want);
		if (got != want) {
			data_frames(&d, r);
			wc_tcp_verdict(r, WC_FAIL, "the XXH3 digest of the %s stream (%zu bytes) is %016" PRIx64 ", expected %016" PRIx64,
			               d.words, d.len, got, want);
			return false;
		}
	}
	data_frames(&d, r);
	snprintf(ok, oklen, "the %s stream (%zu bytes) is as expected", d.words, d.len);
	return true;
}

static void run(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	struct wc_tcp_sel sel;
	if (!wc_tcp_sel_init(ctx, a, &sel, r))
		return;
	size_t *idx, n = wc_tcp_sel_list_attempted(&sel, &idx);
	char ok[200] = "";
	if (n == 0) {
		wc_tcp_none_captured(&sel, r);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (!judge(&sel, &sel.v->tcp[idx[i]], a, r, ok, i == 0 ? sizeof ok : 0))
			goto out;
	char frames[160] = "";
	wc_tcp_frame_list(frames, sizeof frames, r->frames, r->frame_count, 10);
	/* an empty stream rests on no frame: nothing to cite */
	char cite[200] = "";
	if (r->frame_count)
		snprintf(cite, sizeof cite, " (%s %s)", r->frame_count == 1 ? "frame" : "frames", frames);
	if (n == 1)
		wc_tcp_verdict(r, WC_PASS, "%s%s", ok, cite);
	else
		wc_tcp_verdict(r, WC_PASS, "in each of the %zu connections%s, %s%s", n, sel.where, ok, cite);
out:
	wc_result_filter_frames(r);
	free(idx);
}

const struct wc_check_def wc_check_tcp_stream = {
	.name = "tcp.stream",
	.summary = "the bytes of a direction (text, regex, length, XXH3 digest) or an echo",
	.args = args,
	.example = "{\"check\": \"tcp.stream\", \"port\": \"{port}\", \"direction\": \"client_to_server\", "
	           "\"equals\": \"hello\\n\"}",
	.run = run,
};
