/* sockcalls.c — reads a socket-call trace (format in sockcalls.h) and answers queries on it. */
#include "sockcalls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"

static const struct {
	const char *fn;
	enum wc_sc_call call;
} calls[] = {
	{"hello", WC_SC_HELLO},       {"fork", WC_SC_FORK},         {"socket", WC_SC_SOCKET},
	{"bind", WC_SC_BIND},         {"listen", WC_SC_LISTEN},     {"accept", WC_SC_ACCEPT},
	{"accept4", WC_SC_ACCEPT},    {"connect", WC_SC_CONNECT},   {"send", WC_SC_SEND},
	{"sendto", WC_SC_SEND},       {"sendmsg", WC_SC_SEND},      {"write", WC_SC_SEND},
	{"writev", WC_SC_SEND},       {"recv", WC_SC_RECV},         {"recvfrom", WC_SC_RECV},
	{"recvmsg", WC_SC_RECV},      {"read", WC_SC_RECV},         {"readv", WC_SC_RECV},
	{"shutdown", WC_SC_SHUTDOWN}, {"close", WC_SC_CLOSE},       {"setsockopt", WC_SC_SETSOCKOPT},
};

static const char *const kinds[] = {"?", "tcp", "udp", "unix", "other"};

static bool parse_i64(const char *s, int64_t *out)
{
	if (!*s)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (*end || errno)
		return false;
	*out = v;
	return true;
}

static bool parse_int(const char *s, int *out)
{
	int64_t v;
	if (!parse_i64(s, &v) || v < -2147483647 - 1 || v > 2147483647)
		return false;
	*out = (int)v;
	return true;
}

static bool copy_str(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);
	if (len >= size)
		return false;
	memcpy(dst, src, len + 1);
	return true;
}

static void clear(struct wc_sockcall *c)
{
	memset(c, 0, sizeof *c);
	c->req = c->dgram = c->flags = c->mflags = -1;
	c->domain = c->type = c->proto = c->backlog = c->how = c->ppid = c->real_ns = -1;
	c->optlen = -1;
}

/* Where each key goes: a number or a string field of the record. */
static int set_key(struct wc_sockcall *c, const char *k, const char *v, char *errbuf)
{
	struct {
		const char *key;
		int64_t *num;
	} nums[] = {
		{"req", &c->req},         {"dgram", &c->dgram},   {"flags", &c->flags},
		{"mflags", &c->mflags},   {"domain", &c->domain}, {"type", &c->type},
		{"proto", &c->proto},     {"backlog", &c->backlog}, {"how", &c->how},
		{"ppid", &c->ppid},       {"real", &c->real_ns},  {"len", &c->optlen},
		{"v", NULL},
	};
	struct {
		const char *key;
		char *str;
		size_t size;
	} strs[] = {
		{"addr", c->addr, sizeof c->addr},    {"local", c->local, sizeof c->local},
		{"peer", c->peer, sizeof c->peer},    {"level", c->level, sizeof c->level},
		{"opt", c->opt, sizeof c->opt},       {"val", c->val, sizeof c->val},
		{"exe", c->exe, sizeof c->exe},
	};
	if (strcmp(k, "kind") == 0) {
		for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
			if (strcmp(v, kinds[i]) == 0) {
				c->kind = (enum wc_sc_kind)i;
				return 0;
			}
		return wc_err(errbuf, "unknown socket kind \"%s\"", v);
	}
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		if (strcmp(k, nums[i].key) != 0)
			continue;
		int64_t n;
		if (!parse_i64(v, &n))
			return wc_err(errbuf, "bad number in %s=\"%s\"", k, v);
		if (nums[i].num)
			*nums[i].num = n;
		else if (n != 1)
			return wc_err(errbuf, "trace format version %s, this reader knows 1", v);
		return 0;
	}
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		if (strcmp(k, strs[i].key) != 0)
			continue;
		if (!copy_str(strs[i].str, strs[i].size, v))
			return wc_err(errbuf, "%s= longer than %zu bytes", k, strs[i].size - 1);
		return 0;
	}
	return wc_err(errbuf, "unknown key \"%s\"", k);
}

static int parse_fixed(struct wc_sockcall *c, size_t field, const char *s, char *errbuf)
{
	static const char *const names[] = {"timestamp", "pid", "tid", "call", "fd", "return", "errno"};
	int64_t n = 0;
	bool ok = true;
	switch (field) {
	case 0: ok = parse_i64(s, &n) && n >= 0; c->ts_ns = (uint64_t)n; break;
	case 1: ok = parse_int(s, &c->pid) && c->pid > 0; break;
	case 2: ok = parse_int(s, &c->tid) && c->tid > 0; break;
	case 3:
		ok = false;
		for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
			if (strcmp(s, calls[i].fn) == 0) {
				c->call = calls[i].call;
				memcpy(c->fn, calls[i].fn, strlen(calls[i].fn) + 1);
				ok = true;
			}
		break;
	case 4: ok = parse_int(s, &c->fd); break;
	case 5: ok = parse_i64(s, &c->ret); break;
	default: ok = parse_int(s, &c->err) && c->err >= 0; break;
	}
	if (!ok)
		return wc_err(errbuf, "bad %s field \"%s\"", names[field], s);
	return 0;
}

static int parse_fields(char *line, struct wc_sockcall *c, char *errbuf)
{
	size_t field = 0;
	for (char *tok = line, *next; tok; tok = next, field++) {
		next = strchr(tok, '\t');
		if (next)
			*next++ = '\0';
		if (field < 7) {
			if (parse_fixed(c, field, tok, errbuf) != 0)
				return -1;
			continue;
		}
		char *eq = strchr(tok, '=');
		if (!eq || eq == tok)
			return wc_err(errbuf, "field %zu \"%s\" is not key=value", field + 1, tok);
		*eq = '\0';
		if (set_key(c, tok, eq + 1, errbuf) != 0)
			return -1;
	}
	if (field < 7)
		return wc_err(errbuf, "%zu fields, at least 7 expected", field);
	return 0;
}

static int load_lines(FILE *f, const char *path, struct wc_trace *t, char *errbuf)
{
	char buf[WC_TRACE_LINE_MAX + 2];
	char why[WC_ERRBUF_SIZE];
	size_t cap = 0, lineno = 0;
	while (fgets(buf, sizeof buf, f)) {
		lineno++;
		size_t len = strlen(buf);
		if (len == 0 || buf[len - 1] != '\n') {
			if (len > WC_TRACE_LINE_MAX)
				return wc_err(errbuf, "%s line %zu: longer than %d bytes", path, lineno,
				              WC_TRACE_LINE_MAX);
			return wc_err(errbuf, "%s line %zu: no newline at the end", path, lineno);
		}
		buf[len - 1] = '\0';
		if (t->count == WC_TRACE_RECORDS_MAX)
			return wc_err(errbuf, "%s: more than %d records", path, WC_TRACE_RECORDS_MAX);
		if (t->count == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct wc_sockcall *n = realloc(t->calls, ncap * sizeof *n);
			if (!n)
				return wc_err(errbuf, "%s: out of memory at line %zu", path, lineno);
			t->calls = n;
			cap = ncap;
		}
		if (wc_sockcall_parse(buf, &t->calls[t->count], why) != 0)
			return wc_err(errbuf, "%s line %zu: %s", path, lineno, why);
		t->calls[t->count++].line = lineno;
	}
	if (ferror(f))
		return wc_err_errno(errbuf, errno, "%s: read error", path);
	return 0;
}

int wc_sockcall_parse(const char *line, struct wc_sockcall *call, char *errbuf)
{
	char copy[WC_TRACE_LINE_MAX + 1];
	if (strlen(line) > WC_TRACE_LINE_MAX)
		return wc_err(errbuf, "longer than %d bytes", WC_TRACE_LINE_MAX);
	memcpy(copy, line, strlen(line) + 1);
	clear(call);
	return parse_fields(copy, call, errbuf);
}

int wc_trace_load(const char *path, struct wc_trace *out, char *errbuf)
{
	out->calls = NULL;
	out->count = 0;
	FILE *f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : wc_err_errno(errbuf, errno, "cannot open %s", path);
	int rc = load_lines(f, path, out, errbuf);
	fclose(f);
	if (rc != 0)
		wc_trace_free(out);
	return rc;
}

void wc_trace_free(struct wc_trace *t)
{
	free(t->calls);
	t->calls = NULL;
	t->count = 0;
}

bool wc_trace_traced(const struct wc_trace *t, int pid)
{
	for (size_t i = 0; i < t->count; i++) {
		const struct wc_sockcall *c = &t->calls[i];
		if ((c->call == WC_SC_HELLO || c->call == WC_SC_FORK) && (pid == -1 || c->pid == pid))
			return true;
	}
	return false;
}

int64_t wc_trace_realtime(const struct wc_trace *t, size_t i)
{
	if (i >= t->count)
		return -1;
	const struct wc_sockcall *c = &t->calls[i];
	/* the process's own hello or fork record comes before its calls */
	for (size_t k = i + 1; k-- > 0;) {
		const struct wc_sockcall *h = &t->calls[k];
		if ((h->call == WC_SC_HELLO || h->call == WC_SC_FORK) && h->pid == c->pid && h->real_ns >= 0)
			return h->real_ns + ((int64_t)c->ts_ns - (int64_t)h->ts_ns);
	}
	return -1;
}

bool wc_sc_short_datagram_read(const struct wc_sockcall *c)
{
	return c->call == WC_SC_RECV && c->kind == WC_SK_UDP && c->ret >= 0 && c->dgram > c->ret;
}

bool wc_sc_failed_with(const struct wc_sockcall *c, enum wc_sc_call call, int err)
{
	return c->call == call && c->ret < 0 && c->err == err;
}

size_t wc_trace_next(const struct wc_trace *t, size_t from,
                     bool (*match)(const struct wc_sockcall *c))
{
	for (size_t i = from; i < t->count; i++)
		if (match(&t->calls[i]))
			return i;
	return t->count;
}

size_t wc_trace_next_failed(const struct wc_trace *t, size_t from, enum wc_sc_call call, int err)
{
	for (size_t i = from; i < t->count; i++)
		if (wc_sc_failed_with(&t->calls[i], call, err))
			return i;
	return t->count;
}

/* Walk back from the bind to where that fd became a socket in that process: an option
 * set on an earlier socket that happened to have the same number does not count. */
bool wc_trace_opt_before(const struct wc_trace *t, size_t bind_at, const char *opt)
{
	if (bind_at >= t->count)
		return false;
	const struct wc_sockcall *b = &t->calls[bind_at];
	for (size_t i = bind_at; i-- > 0;) {
		const struct wc_sockcall *c = &t->calls[i];
		if (c->pid != b->pid)
			continue;
		bool made_here = (c->call == WC_SC_SOCKET || c->call == WC_SC_ACCEPT) && c->ret == b->fd;
		if (made_here)
			return false;
		if (c->call == WC_SC_SETSOCKOPT && c->fd == b->fd && c->ret == 0 &&
		    strcmp(c->opt, opt) == 0 && strcmp(c->val, "0") != 0 && c->val[0] != '\0')
			return true;
	}
	return false;
}
