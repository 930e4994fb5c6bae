/* checks_net.c — the network checks in documentation order, and the helpers they share
 * (checks_net.h). */
#include "checks_net.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

const struct wc_view *wc_net_view(const struct wc_check_ctx *ctx, json_object *args, struct wc_result *r)
{
	const char *role = wc_schema_str(args, "vantage", "");
	const struct wc_view *v = wc_view_find(ctx->views, ctx->view_count, role);
	if (!v) {
		r->verdict = WC_INCONCLUSIVE;
		wc_result_reason(r, "no capture was tagged \"%s\", so this expectation has nothing to judge", role);
		return NULL;
	}
	snprintf(r->vantage, sizeof r->vantage, "%s", v->role);
	return v;
}

void wc_net_cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	if (used + 1 >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

const char *wc_net_list(char *buf, size_t len, const uint64_t *v, size_t n)
{
	enum { SHOWN = 8 };
	buf[0] = '\0';
	size_t shown = n > SHOWN ? SHOWN : n;
	for (size_t i = 0; i < shown; i++) {
		const char *sep = i == 0 ? "" : (i + 1 == shown && n == shown) ? " and " : ", ";
		wc_net_cat(buf, len, "%s%llu", sep, (unsigned long long)v[i]);
	}
	if (n > shown)
		wc_net_cat(buf, len, ", … (%zu in all)", n);
	return buf;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long wc_net_hex(const char *text, uint8_t *out, size_t cap)
{
	size_t n = 0;
	const char *p = text;
	while (*p) {
		if (*p == ' ' || *p == ',' || *p == ':' || *p == '\t') {
			p++;
			continue;
		}
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			p += 2;
			continue;
		}
		int hi = hex_digit(p[0]), lo = hi < 0 ? -1 : hex_digit(p[1]);
		if (lo < 0 || n == cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	return (long)n;
}

uint64_t wc_net_digest(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

uint16_t wc_net_bswap16(uint16_t port)
{
	return (uint16_t)(port >> 8 | (port & 0xff) << 8);
}

const char *wc_net_l4_name(enum wc_l4 l4)
{
	switch (l4) {
	case WC_L4_TCP: return "TCP";
	case WC_L4_UDP: return "UDP";
	case WC_L4_ICMP: return "ICMP";
	case WC_L4_ICMPV6: return "ICMPv6";
	case WC_L4_NONE:
	case WC_L4_OTHER:
		break;
	}
	return "IP";
}

const struct wc_check_def *const wc_checks_net[] = {
	&wc_check_udp_datagrams,
	&wc_check_icmp_unreachable,
	&wc_check_checksum,
	&wc_check_ip_fields,
	&wc_check_port_byteorder,
	&wc_check_capture_health,
	NULL,
};
