/* placeholders.c — {port}, {server}, {client}: set on the command line, inferred from the
 * captures, filled into an expectation's strings (verdict.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verdict.h"

static const char *const ph_names[WC_PH__COUNT] = {"port", "server", "client"};

/* ---- inference ------------------------------------------------------------ */

/* The distinct values one placeholder could take, a few kept for the message. */
#define SEEN_KEEP 4
struct seen {
	char val[SEEN_KEEP][WC_ADDR_STRLEN];
	size_t n;               /* distinct values met (may exceed SEEN_KEEP) */
	bool more;              /* values beyond SEEN_KEEP were not compared */
};

static void seen_add(struct seen *s, const char *v)
{
	size_t kept = s->n < SEEN_KEEP ? s->n : SEEN_KEEP;
	for (size_t i = 0; i < kept; i++)
		if (strcmp(s->val[i], v) == 0)
			return;
	if (s->n < SEEN_KEEP)
		snprintf(s->val[s->n], sizeof s->val[0], "%s", v);
	else
		s->more = true;
	s->n++;
}

static void seen_port(struct seen *s, uint16_t port)
{
	char buf[8];
	snprintf(buf, sizeof buf, "%u", (unsigned)port);
	seen_add(s, buf);
}

static void seen_addr(struct seen *s, const struct wc_addr *a)
{
	char buf[WC_ADDR_STRLEN];
	seen_add(s, wc_addr_str(a, buf));
}

/* "7007, 7008 and 9000" (", …" when more were seen than kept) */
static void seen_list(const struct seen *s, char *buf, size_t len)
{
	size_t kept = s->n < SEEN_KEEP ? s->n : SEEN_KEEP, n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < kept && n < len; i++) {
		const char *sep = i == 0 ? "" : (i + 1 == kept && !s->more) ? " and " : ", ";
		n += (size_t)snprintf(buf + n, len - n, "%s%s", sep, s->val[i]);
	}
	if (s->more && n < len)
		snprintf(buf + n, len - n, ", …");
}

/* Settle p from what was seen, or say why it cannot be. what: "ports", "addresses";
 * where: "the SYNs went to", … */
static void settle(struct wc_placeholder *p, const struct seen *s, const char *where, const char *what)
{
	if (p->source != WC_PH_UNKNOWN)
		return;
	if (s->n == 1) {
		p->source = WC_PH_CAPTURE;
		snprintf(p->value, sizeof p->value, "%s", s->val[0]);
		return;
	}
	char list[160];
	seen_list(s, list, sizeof list);
	snprintf(p->why, sizeof p->why, "%s %zu different %s (%s)", where, s->n, what, list);
}

/* ---- filling strings ------------------------------------------------------ */

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_put(struct sbuf *b, const char *p, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *q = realloc(b->s, cap);
		if (!q) {
			b->oom = true;
			return;
		}
		b->s = q;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* The placeholder named by the n bytes at name, or -1. */
static int ph_index(const char *name, size_t n)
{
	for (int i = 0; i < WC_PH__COUNT; i++)
		if (strlen(ph_names[i]) == n && memcmp(ph_names[i], name, n) == 0)
			return i;
	return -1;
}

/* text filled, malloc'd (NULL when out of memory); *missing: first unknown one used.
 * Braces that do not name a placeholder ("a{3}" in a regular expression) stay as they are. */
static char *fill_dup(const struct wc_placeholders *ph, const char *text, const char **missing)
{
	struct sbuf b = {0};
	sb_put(&b, "", 0);
	const char *p = text;
	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		int i = close ? ph_index(open + 1, (size_t)(close - open - 1)) : -1;
		if (i < 0) {
			size_t n = open ? (size_t)(open - p) + 1 : strlen(p);
			sb_put(&b, p, n);
			p += n;
			continue;
		}
		sb_put(&b, p, (size_t)(open - p));
		const struct wc_placeholder *v = &ph->p[i];
		if (v->source == WC_PH_UNKNOWN) {
			if (!*missing)
				*missing = v->name;
			sb_put(&b, open, (size_t)(close - open) + 1);
		} else {
			sb_put(&b, v->value, strlen(v->value));
		}
		p = close + 1;
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static const struct wc_field *field_of(const struct wc_field *fields, const char *key)
{
	for (const struct wc_field *f = fields; f && f->key; f++)
		if (strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

static bool numeric_field(const struct wc_field *f)
{
	return f && (f->type == WC_F_INT || f->type == WC_F_NUMBER || f->type == WC_F_COUNT);
}

/* A whole decimal number, as a port placeholder holds. */
static bool whole_number(const char *s, int64_t *out)
{
	if (*s < '0' || *s > '9')
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end || errno)
		return false;
	*out = v;
	return true;
}

static json_object *fill_value(const struct wc_placeholders *ph, json_object *v, const struct wc_field *f,
                               const char **missing, bool *oom);

static json_object *fill_string(const struct wc_placeholders *ph, json_object *v, const struct wc_field *f,
                                const char **missing, bool *oom)
{
	const char *text = json_object_get_string(v);
	if (!strchr(text, '{'))
		return json_object_get(v);
	char *filled = fill_dup(ph, text, missing);
	if (!filled) {
		*oom = true;
		return NULL;
	}
	json_object *r;
	int64_t num;
	size_t tl = strlen(text);
	bool lone = tl > 2 && text[0] == '{' && text[tl - 1] == '}' && ph_index(text + 1, tl - 2) >= 0;
	if (lone && numeric_field(f) && whole_number(filled, &num))
		r = json_object_new_int64(num);
	else
		r = json_object_new_string(filled);
	free(filled);
	if (!r)
		*oom = true;
	return r;
}

static json_object *fill_object(const struct wc_placeholders *ph, json_object *v, const struct wc_field *fields,
                                const char **missing, bool *oom)
{
	json_object *r = json_object_new_object();
	if (!r) {
		*oom = true;
		return NULL;
	}
	json_object_object_foreach(v, key, child)
	{
		/* an expectation's own label is filled too, but no check reads it: a
		 * placeholder it cannot fill must not make the check undecidable */
		const struct wc_field *f = field_of(fields, key);
		const char *ignored = NULL;
		bool label = !f && strcmp(key, "name") == 0;
		json_object *c = fill_value(ph, child, f, label ? &ignored : missing, oom);
		if (*oom || json_object_object_add(r, key, c) != 0) {
			json_object_put(c);
			json_object_put(r);
			*oom = true;
			return NULL;
		}
	}
	return r;
}

static json_object *fill_array(const struct wc_placeholders *ph, json_object *v, const struct wc_field *f,
                               const char **missing, bool *oom)
{
	json_object *r = json_object_new_array();
	if (!r) {
		*oom = true;
		return NULL;
	}
	/* the elements of an array of objects follow the field's own table */
	const struct wc_field elem = {.key = "", .type = WC_F_OBJECT, .fields = f ? f->fields : NULL};
	for (size_t i = 0, n = json_object_array_length(v); i < n; i++) {
		json_object *c = fill_value(ph, json_object_array_get_idx(v, i), &elem, missing, oom);
		if (*oom || json_object_array_add(r, c) != 0) {
			json_object_put(c);
			json_object_put(r);
			*oom = true;
			return NULL;
		}
	}
	return r;
}

static json_object *fill_value(const struct wc_placeholders *ph, json_object *v, const struct wc_field *f,
                               const char **missing, bool *oom)
{
	switch (json_object_get_type(v)) {
	case json_type_string:
		return fill_string(ph, v, f, missing, oom);
	case json_type_object:
		return fill_object(ph, v, f ? f->fields : NULL, missing, oom);
	case json_type_array:
		return fill_array(ph, v, f, missing, oom);
	case json_type_null:
	case json_type_boolean:
	case json_type_double:
	case json_type_int:
		break;
	}
	return json_object_get(v); /* shared: neither tree changes it */
}

/* ---- public --------------------------------------------------------------- */

const char *wc_ph_source_name(enum wc_ph_source s)
{
	switch (s) {
	case WC_PH_UNKNOWN: return "unknown";
	case WC_PH_SET: return "set";
	case WC_PH_CAPTURE: return "capture";
	case WC_PH_RUN: return "run";
	}
	return "unknown";
}

void wc_placeholders_init(struct wc_placeholders *ph)
{
	memset(ph, 0, sizeof *ph);
	for (int i = 0; i < WC_PH__COUNT; i++) {
		ph->p[i].name = ph_names[i];
		snprintf(ph->p[i].why, sizeof ph->p[i].why, "it was not given with --set");
	}
}

int wc_placeholders_set(struct wc_placeholders *ph, const char *key, const char *value, char *errbuf)
{
	int i = ph_index(key, strlen(key));
	if (i < 0)
		return wc_err(errbuf, "--set: unknown placeholder '%s' (port, server or client)", key);
	struct wc_placeholder *p = &ph->p[i];
	if (i == WC_PH_PORT) {
		int64_t port;
		if (!whole_number(value, &port) || port < 1 || port > 65535)
			return wc_err(errbuf, "--set: port wants a number from 1 to 65535, not '%s'", value);
		snprintf(p->value, sizeof p->value, "%u", (unsigned)port);
	} else {
		/* written back the way reports print addresses, so "::0001" matches "::1" */
		struct wc_addr a = {0};
		if (inet_pton(AF_INET, value, a.bytes) == 1)
			a.family = 4;
		else if (inet_pton(AF_INET6, value, a.bytes) == 1)
			a.family = 6;
		else
			return wc_err(errbuf, "--set: %s wants an IPv4 or IPv6 address, not '%s'", key, value);
		wc_addr_str(&a, p->value);
	}
	p->source = WC_PH_SET;
	p->why[0] = '\0';
	return 0;
}

void wc_placeholders_from_run(struct wc_placeholders *ph)
{
	for (int i = 0; i < WC_PH__COUNT; i++)
		if (ph->p[i].source != WC_PH_UNKNOWN)
			ph->p[i].source = WC_PH_RUN;
}

void wc_placeholders_infer(struct wc_placeholders *ph, const struct wc_view *views, size_t n)
{
	struct seen port = {0}, server = {0}, client = {0};
	for (size_t v = 0; v < n; v++)
		for (size_t i = 0; i < views[v].frame_count; i++) {
			const struct wc_frame_rec *f = &views[v].frames[i];
			if (f->l4 != WC_L4_TCP || (f->tcp_flags & (WC_TH_SYN | WC_TH_ACK)) != WC_TH_SYN)
				continue;
			seen_port(&port, f->dport);
			seen_addr(&server, &f->dst);
			seen_addr(&client, &f->src);
		}
	if (port.n) {
		settle(&ph->p[WC_PH_PORT], &port, "the SYNs went to", "ports");
		settle(&ph->p[WC_PH_SERVER], &server, "the SYNs went to", "addresses");
		settle(&ph->p[WC_PH_CLIENT], &client, "the SYNs came from", "addresses");
		return;
	}
	/* No TCP connection was opened: a UDP exchange is led by its first datagram. */
	for (size_t v = 0; v < n; v++)
		for (size_t i = 0; i < views[v].udp_count; i++) {
			const struct wc_udp_flow *u = &views[v].udp[i];
			seen_port(&port, u->port[1]);
			seen_addr(&server, &u->addr[1]);
			seen_addr(&client, &u->addr[0]);
		}
	if (port.n) {
		settle(&ph->p[WC_PH_PORT], &port, "the UDP flows went to", "ports");
		settle(&ph->p[WC_PH_SERVER], &server, "the UDP flows went to", "addresses");
		settle(&ph->p[WC_PH_CLIENT], &client, "the UDP flows came from", "addresses");
		return;
	}
	for (int i = 0; i < WC_PH__COUNT; i++)
		if (ph->p[i].source == WC_PH_UNKNOWN)
			snprintf(ph->p[i].why, sizeof ph->p[i].why,
			         "the capture shows no TCP SYN and no UDP datagram to take it from");
}

const struct wc_placeholder *wc_placeholder_find(const struct wc_placeholders *ph, const char *name)
{
	int i = ph_index(name, strlen(name));
	return i < 0 ? NULL : &ph->p[i];
}

const char *wc_placeholders_text(const struct wc_placeholders *ph, const char *text, char *buf, size_t len)
{
	const char *missing = NULL;
	char *filled = fill_dup(ph, text, &missing);
	snprintf(buf, len, "%s", filled ? filled : text);
	free(filled);
	return missing;
}

json_object *wc_placeholders_fill(const struct wc_placeholders *ph, json_object *obj,
                                  const struct wc_field *fields, const char **missing)
{
	*missing = NULL;
	bool oom = false;
	const struct wc_field top = {.key = "", .type = WC_F_OBJECT, .fields = fields};
	json_object *r = fill_value(ph, obj, &top, missing, &oom);
	if (oom || *missing) {
		json_object_put(r);
		if (oom)
			*missing = NULL;
		return NULL;
	}
	return r;
}

json_object *wc_placeholders_json(const struct wc_placeholders *ph)
{
	json_object *o = json_object_new_object();
	for (int i = 0; o && i < WC_PH__COUNT; i++) {
		if (ph->p[i].source == WC_PH_UNKNOWN)
			continue;
		json_object *s = json_object_new_string(ph->p[i].value);
		if (!s || json_object_object_add(o, ph->p[i].name, s) != 0) {
			json_object_put(s);
			json_object_put(o);
			return NULL;
		}
	}
	return o;
}
