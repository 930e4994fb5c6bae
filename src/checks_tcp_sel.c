/* checks_tcp_sel.c — helpers of the TCP checks: connection selection, roles, frames, wording. */
#include "checks_tcp.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const wc_tcp_dir_values[] = {"client_to_server", "server_to_client", NULL};
const char *const wc_tcp_dir_values_both[] = {"client_to_server", "server_to_client", "both", NULL};
const char *const wc_tcp_role_values[] = {"client", "server", NULL};

/* The text a placeholder stands for, or NULL when it has none. */
static const char *placeholder(const struct wc_check_ctx *ctx, const char *name, char *buf, size_t len)
{
	json_object *v = NULL;
	if (!ctx->placeholders || !json_object_object_get_ex(ctx->placeholders, name, &v) || !v)
		return NULL;
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	snprintf(buf, len, "%s", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	return buf;
}

static bool parse_addr(const char *text, struct wc_addr *a)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, text, a->bytes) == 1) {
		a->family = 4;
		return true;
	}
	if (inet_pton(AF_INET6, text, a->bytes) == 1) {
		a->family = 6;
		return true;
	}
	return false;
}

/* "{name}" is filled from the placeholders; anything else is taken as written. */
static bool expand(const struct wc_check_ctx *ctx, const char *text, char *buf, size_t len,
                   struct wc_result *r)
{
	size_t n = strlen(text);
	if (n < 3 || text[0] != '{' || text[n - 1] != '}') {
		snprintf(buf, len, "%s", text);
		return true;
	}
	char name[64], tmp[64];
	snprintf(name, sizeof name, "%.*s", (int)(n - 2), text + 1);
	const char *v = placeholder(ctx, name, tmp, sizeof tmp);
	if (!v) {
		wc_tcp_verdict(r, WC_INCONCLUSIVE,
		               "the placeholder %s has no value: give it on the command line (%s=…)", text, name);
		return false;
	}
	snprintf(buf, len, "%s", v);
	return true;
}

/* A port written as a number, or a string holding a number or a "{placeholder}". */
int wc_tcp_check_port(json_object *v, const char *file, const char *path, char *errbuf)
{
	const char *t = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
	size_t n = t ? strlen(t) : 0;
	if (t && n > 2 && t[0] == '{' && t[n - 1] == '}')
		return 0;
	char *end = NULL;
	long p = json_object_is_type(v, json_type_int) ? (long)json_object_get_int64(v) : t ? strtol(t, &end, 10) : 0;
	if ((!t || (end != t && !*end)) && p >= 1 && p <= 65535)
		return 0;
	return wc_schema_err(errbuf, file, path, "expected a port number (1 to 65535) or a placeholder such as \"{port}\", got %s",
	                     t ? json_object_to_json_string(v) : wc_schema_kind(v));
}

bool wc_tcp_sel_init(const struct wc_check_ctx *ctx, json_object *args, struct wc_tcp_sel *sel,
                     struct wc_result *r)
{
	memset(sel, 0, sizeof *sel);
	const char *vantage = wc_schema_str(args, "vantage", "");
	sel->v = wc_view_find(ctx->views, ctx->view_count, vantage);
	if (!sel->v) {
		if (*vantage)
			wc_tcp_verdict(r, WC_INCONCLUSIVE, "no capture was given for the vantage point \"%s\"", vantage);
		else
			wc_tcp_verdict(r, WC_INCONCLUSIVE, "no capture was given");
		return false;
	}
	snprintf(r->vantage, sizeof r->vantage, "%s", sel->v->role);

	json_object *pv = NULL;
	if (json_object_object_get_ex(args, "port", &pv) && pv) {
		char text[64], *end;
		if (!expand(ctx, json_object_get_string(pv), text, sizeof text, r))
			return false;
		long p = strtol(text, &end, 10);
		if (end == text || *end || p < 1 || p > 65535) {
			wc_tcp_verdict(r, WC_INCONCLUSIVE, "the port \"%s\" is not a port number (1 to 65535)", text);
			return false;
		}
		sel->has_port = true;
		sel->port = (uint16_t)p;
		snprintf(sel->where, sizeof sel->where, " on port %u", (unsigned)sel->port);
	}
	char tmp[64];
	const char *a = placeholder(ctx, "server", tmp, sizeof tmp);
	sel->has_server = a && parse_addr(a, &sel->server);
	a = placeholder(ctx, "client", tmp, sizeof tmp);
	sel->has_client = a && parse_addr(a, &sel->client);
	return true;
}

bool wc_tcp_sel_match(const struct wc_tcp_sel *sel, const struct wc_tcp_conn *c)
{
	if (sel->has_port)
		return c->side[0].port == sel->port || c->side[1].port == sel->port;
	return true;
}

int wc_tcp_server_side(const struct wc_tcp_sel *sel, const struct wc_tcp_conn *c)
{
	if (sel->has_port && c->side[1].port != sel->port && c->side[0].port == sel->port)
		return 0;
	if (sel->has_port)
		return 1;
	/* On one host (lo) both sides share the address: then the SYN's receiver stays server. */
	if (sel->has_server && !wc_addr_eq(&c->side[1].addr, &sel->server) && wc_addr_eq(&c->side[0].addr, &sel->server))
		return 0;
	if (sel->has_client && !sel->has_server && wc_addr_eq(&c->side[1].addr, &sel->client) &&
	    !wc_addr_eq(&c->side[0].addr, &sel->client))
		return 0;
	return 1;
}

bool wc_tcp_refused(const struct wc_tcp_conn *c)
{
	return c->rst_side == 1 && c->rst_context == WC_RST_REFUSED;
}

static size_t list(const struct wc_tcp_sel *sel, bool refused_too, size_t **out)
{
	size_t n = 0;
	*out = NULL;
	if (sel->v->tcp_count == 0)
		return 0;
	size_t *idx = malloc(sel->v->tcp_count * sizeof *idx);
	if (!idx)
		return 0;
	for (size_t i = 0; i < sel->v->tcp_count; i++)
		if (wc_tcp_sel_match(sel, &sel->v->tcp[i]) && (refused_too || !wc_tcp_refused(&sel->v->tcp[i])))
			idx[n++] = i;
	*out = idx;
	return n;
}

size_t wc_tcp_sel_list(const struct wc_tcp_sel *sel, size_t **out)
{
	return list(sel, true, out);
}

size_t wc_tcp_sel_list_attempted(const struct wc_tcp_sel *sel, size_t **out)
{
	return list(sel, false, out);
}

void wc_tcp_none_captured(const struct wc_tcp_sel *sel, struct wc_result *r)
{
	size_t refused = 0;
	for (size_t i = 0; i < sel->v->tcp_count; i++)
		refused += wc_tcp_sel_match(sel, &sel->v->tcp[i]) && wc_tcp_refused(&sel->v->tcp[i]);
	if (refused)
		wc_tcp_verdict(r, WC_FAIL, "no TCP connection%s was captured, only %zu refused attempt%s (SYN answered by RST,ACK)",
		               sel->where, refused, refused == 1 ? "" : "s");
	else
		wc_tcp_verdict(r, WC_FAIL, "no TCP connection%s was captured", sel->where);
}

const char *wc_tcp_role_of(const struct wc_tcp_sel *sel, const struct wc_tcp_conn *c, int s)
{
	return wc_tcp_server_side(sel, c) == s ? "server" : "client";
}

int wc_tcp_dir_side(const struct wc_tcp_sel *sel, const struct wc_tcp_conn *c, const char *dir)
{
	int srv = wc_tcp_server_side(sel, c);
	return strcmp(dir, "server_to_client") == 0 ? srv : 1 - srv;
}

const char *wc_tcp_dir_words(const char *dir)
{
	if (strcmp(dir, "server_to_client") == 0)
		return "server → client";
	if (strcmp(dir, "client_to_server") == 0)
		return "client → server";
	return "both directions";
}

size_t wc_tcp_syns(const struct wc_tcp_conn *c, uint64_t *frames, int64_t *ts, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < c->seg_count && n < max; i++)
		if (c->segs[i].dir == 0 && (c->segs[i].flags & (WC_TH_SYN | WC_TH_ACK)) == WC_TH_SYN) {
			frames[n] = c->segs[i].frame;
			if (ts)
				ts[n] = c->segs[i].ts_ns;
			n++;
		}
	return n;
}

void wc_tcp_evidence(struct wc_result *r, uint64_t frame)
{
	if (frame)
		wc_result_frame(r, frame);
}

void wc_tcp_frame_list(char *buf, size_t len, const uint64_t *frames, size_t n, size_t max)
{
	size_t at = strlen(buf);
	for (size_t i = 0; i < n && i < max && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%llu", i ? ", " : "", (unsigned long long)frames[i]);
	if (n > max && at < len)
		snprintf(buf + at, len - at, ", …");
}

void wc_tcp_verdict(struct wc_result *r, enum wc_verdict v, const char *fmt, ...)
{
	r->verdict = v;
	r->points = v == WC_PASS ? r->points_max : 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof r->reason, fmt, ap);
	va_end(ap);
}
