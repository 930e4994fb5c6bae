/* pcapng.c — our own pcapng block reader, for the multi-link files libpcap refuses. */
#include "pcapng.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 1u
#define BT_PB 2u  /* obsolete Packet Block */
#define BT_SPB 3u
#define BT_EPB 6u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

/* No real block comes near this; a larger length is a lie, and refusing it keeps a
 * hostile file from making us allocate gigabytes. */
#define MAX_BLOCK_LEN (16u * 1024 * 1024)
#define MIN_BLOCK_LEN 12u /* type, length, trailing length */
#define MIN_SHB_LEN 28u   /* + byte-order magic, version, section length */

#define OPT_ENDOFOPT 0
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14

#define NS_PER_S 1000000000ull

struct iface {
	int linktype;
	uint32_t snaplen;
	bool binary_res;  /* if_tsresol: units are 2^-res_exp s, else 10^-res_exp s */
	unsigned res_exp;
	int64_t offset_s; /* if_tsoffset */
};

struct wc_pcapng {
	FILE *f;
	uint64_t pos;        /* file offset of the next block */
	uint64_t block_pos;  /* file offset of the block being parsed */
	bool be;             /* byte order of the current section */
	uint8_t *buf;        /* the current block, whole */
	size_t buf_cap;
	struct iface *ifaces; /* interfaces of the current section */
	size_t n_ifaces, ifaces_cap;
	int *linktypes;      /* distinct, in the order first described */
	size_t n_linktypes, linktypes_cap;
	uint32_t snaplen;    /* largest over the interfaces */
	bool unlimited;      /* some interface declared snaplen 0: no limit */
	uint64_t frames;
	bool done;
	bool broken;
	enum wc_anomaly anomaly;
	char detail[WC_ERRBUF_SIZE];
};

enum rd { RD_BLOCK, RD_EOF, RD_STOP };

/* End reading with an anomaly; returns false so parsers can `return stop(...)`. */
__attribute__((format(printf, 3, 4)))
static bool stop(struct wc_pcapng *r, enum wc_anomaly a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof r->detail, fmt, ap);
	va_end(ap);
	r->anomaly = a;
	r->broken = true;
	r->done = true;
	return false;
}

static bool get16(struct wc_cursor *c, bool be, uint16_t *v)
{
	return be ? wc_cur_be16(c, v) : wc_cur_le16(c, v);
}

static bool get32(struct wc_cursor *c, bool be, uint32_t *v)
{
	return be ? wc_cur_be32(c, v) : wc_cur_le32(c, v);
}

/* A 64-bit option value, in the section's byte order. */
static bool get64(struct wc_cursor *c, bool be, uint64_t *v)
{
	uint32_t a, b;
	if (!get32(c, be, &a) || !get32(c, be, &b))
		return false;
	*v = be ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
	return true;
}

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : 8;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * elem);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

/* Read exactly n bytes; a short read at the end of the file is a truncated block. */
static bool read_exact(struct wc_pcapng *r, uint8_t *dst, size_t n)
{
	size_t got = fread(dst, 1, n, r->f);
	r->pos += got;
	if (got == n)
		return true;
	if (ferror(r->f))
		return stop(r, WC_ANOM_CAPTURE_READ_ERROR, "block at offset %llu: read error: %s",
		            (unsigned long long)r->block_pos, strerror(errno));
	return stop(r, WC_ANOM_PCAPNG_TRUNCATED_BLOCK,
	            "block at offset %llu: the file ends %zu bytes into a block that needs more",
	            (unsigned long long)r->block_pos, (size_t)(r->pos - r->block_pos));
}

/* Read the next whole block into r->buf and check its framing: both length copies,
 * the minimum, the 4-byte multiple and the sane maximum. *order is the block's byte
 * order: an SHB carries its own, other blocks use their section's. */
static enum rd read_block(struct wc_pcapng *r, uint32_t *type, bool *order, struct wc_cursor *body)
{
	uint8_t head[12];
	struct wc_cursor c;
	uint32_t len, trail;

	r->block_pos = r->pos;
	size_t got = fread(head, 1, 8, r->f);
	r->pos += got;
	if (got == 0 && !ferror(r->f))
		return RD_EOF;
	if (got < 8) {
		if (ferror(r->f))
			stop(r, WC_ANOM_CAPTURE_READ_ERROR, "block at offset %llu: read error: %s",
			     (unsigned long long)r->block_pos, strerror(errno));
		else
			stop(r, WC_ANOM_PCAPNG_TRUNCATED_BLOCK,
			     "block at offset %llu: the file ends inside the block header",
			     (unsigned long long)r->block_pos);
		return RD_STOP;
	}
	size_t head_len = 8;
	bool be = r->be;
	wc_cur_init(&c, head, 4);
	wc_cur_be32(&c, type); /* SHB's type reads the same in both orders */
	if (*type == BT_SHB) {
		uint32_t bom;
		if (!read_exact(r, head + 8, 4))
			return RD_STOP;
		head_len = 12;
		wc_cur_init(&c, head + 8, 4);
		wc_cur_be32(&c, &bom);
		if (bom == BYTE_ORDER_MAGIC)
			be = true;
		else if (bom == 0x4D3C2B1Au)
			be = false;
		else {
			stop(r, WC_ANOM_PCAPNG_BAD_BLOCK,
			     "section header at offset %llu: byte-order magic 0x%08x is neither order of 0x1a2b3c4d",
			     (unsigned long long)r->block_pos, bom);
			return RD_STOP;
		}
	} else {
		wc_cur_init(&c, head, 4);
		get32(&c, be, type);
	}
	wc_cur_init(&c, head + 4, 4);
	get32(&c, be, &len);
	uint32_t min = *type == BT_SHB ? MIN_SHB_LEN : MIN_BLOCK_LEN;
	if (len < min || len % 4 != 0 || len > MAX_BLOCK_LEN) {
		stop(r, WC_ANOM_PCAPNG_BAD_BLOCK,
		     "block of type 0x%08x at offset %llu: total length %u is %s", *type,
		     (unsigned long long)r->block_pos, len,
		     len < min ? "below the minimum" : len % 4 ? "not a multiple of 4" : "implausibly large");
		return RD_STOP;
	}
	if (!grow((void **)&r->buf, &r->buf_cap, len, 1)) {
		stop(r, WC_ANOM_CAPTURE_READ_ERROR, "block at offset %llu: out of memory for %u bytes",
		     (unsigned long long)r->block_pos, len);
		return RD_STOP;
	}
	memcpy(r->buf, head, head_len);
	if (!read_exact(r, r->buf + head_len, len - head_len))
		return RD_STOP;
	wc_cur_init(&c, r->buf + len - 4, 4);
	get32(&c, be, &trail);
	if (trail != len) {
		stop(r, WC_ANOM_PCAPNG_BAD_BLOCK,
		     "block of type 0x%08x at offset %llu: trailing length %u differs from leading length %u",
		     *type, (unsigned long long)r->block_pos, trail, len);
		return RD_STOP;
	}
	*order = be;
	wc_cur_init(body, r->buf + 8, len - MIN_BLOCK_LEN);
	return RD_BLOCK;
}

static bool parse_shb(struct wc_pcapng *r, struct wc_cursor body, bool be)
{
	uint32_t bom;
	uint16_t major, minor;
	if (!get32(&body, be, &bom) || !get16(&body, be, &major) || !get16(&body, be, &minor))
		return stop(r, WC_ANOM_PCAPNG_BAD_BLOCK, "section header at offset %llu: shorter than its fixed fields",
		            (unsigned long long)r->block_pos);
	if (major != 1)
		return stop(r, WC_ANOM_PCAPNG_BAD_BLOCK, "section header at offset %llu: unsupported version %u.%u",
		            (unsigned long long)r->block_pos, major, minor);
	r->be = be;
	r->n_ifaces = 0; /* interface ids are per section */
	return true;
}

static bool note_linktype(struct wc_pcapng *r, int lt)
{
	for (size_t i = 0; i < r->n_linktypes; i++)
		if (r->linktypes[i] == lt)
			return true;
	if (!grow((void **)&r->linktypes, &r->linktypes_cap, r->n_linktypes + 1, sizeof *r->linktypes))
		return stop(r, WC_ANOM_CAPTURE_READ_ERROR, "out of memory");
	r->linktypes[r->n_linktypes++] = lt;
	return true;
}

static bool parse_idb_options(struct wc_pcapng *r, struct wc_cursor *c, struct iface *ifc)
{
	while (wc_cur_left(c) > 0) {
		uint16_t code, len;
		struct wc_cursor val;
		if (!get16(c, r->be, &code) || !get16(c, r->be, &len))
			return stop(r, WC_ANOM_PCAPNG_BAD_BLOCK, "interface block at offset %llu: option header runs past the block",
			            (unsigned long long)r->block_pos);
		if (code == OPT_ENDOFOPT)
			return true;
		size_t padded = ((size_t)len + 3) & ~(size_t)3;
		if (!wc_cur_sub(c, padded, &val))
			return stop(r, WC_ANOM_PCAPNG_BAD_BLOCK,
			            "interface block at offset %llu: option %u of length %u runs past the block",
			            (unsigned long long)r->block_pos, code, len);
		wc_cur_clamp(&val, len);
		if (code == OPT_IF_TSRESOL) {
			uint8_t res;
			if (len != 1 || !wc_cur_u8(&val, &res))
				return stop(r, WC_ANOM_PCAPNG_BAD_BLOCK, "interface block at offset %llu: if_tsresol of length %u",
				            (unsigned long long)r->block_pos, len);
			ifc->binary_res = res & 0x80;
			ifc->res_exp = res & 0x7f;
			/* beyond these a unit per second does not fit 64 bits */
			if (ifc->res_exp > (ifc->binary_res ? 63u : 19u))
				return stop(r, WC_ANOM_PCAPNG_BAD_BLOCK, "interface block at offset %llu: unsupported if_tsresol 0x%02x",
				            (unsigned long long)r->block_pos, res);
		} else if (code == OPT_IF_TSOFFSET) {
			uint64_t off;
			if (len != 8 || !get64(&val, r->be, &off))
				return stop(r, WC_ANOM_PCAPNG_BAD_BLOCK, "interface block at offset %llu: if_tsoffset of length %u",
				            (unsigned long long)r->block_pos, len);
			ifc->offset_s = (int64_t)off;
		}
	}
	return true;
}

static bool parse_idb(struct wc_pcapng *r, struct wc_cursor body)
{
	uint16_t lt, reserved;
	struct iface ifc = {.res_exp = 6};
	if (!get16(&body, r->be, &lt) || !get16(&body, r->be, &reserved) || !get32(&body, r->be, &ifc.snaplen))
		return stop(r, WC_ANOM_PCAPNG_BAD_BLOCK, "interface block at offset %llu: shorter than its fixed fields",
		            (unsigned long long)r->block_pos);
	ifc.linktype = wc_linktype_canonical(lt);
	if (!parse_idb_options(r, &body, &ifc))
		return false;
	if (!grow((void **)&r->ifaces, &r->ifaces_cap, r->n_ifaces + 1, sizeof *r->ifaces))
		return stop(r, WC_ANOM_CAPTURE_READ_ERROR, "out of memory");
	r->ifaces[r->n_ifaces++] = ifc;
	if (ifc.snaplen > r->snaplen)
		r->snaplen = ifc.snaplen;
	r->unlimited |= ifc.snaplen == 0;
	return note_linktype(r, ifc.linktype);
}

static int64_t add_sat(int64_t a, int64_t b)
{
	int64_t s;
	if (__builtin_add_overflow(a, b, &s))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return s;
}

static int64_t mul_ns_sat(int64_t s)
{
	int64_t ns;
	if (__builtin_mul_overflow(s, (int64_t)NS_PER_S, &ns))
		return s > 0 ? INT64_MAX : INT64_MIN;
	return ns;
}

/* Timestamp units since the epoch to nanoseconds. Exact except for binary resolutions
 * finer than 2^-34 s, where the fraction is first cut to 2^-34 s (0.06 ns) so the
 * product stays in 64 bits. Times past 2262 saturate. */
static int64_t ts_to_ns(const struct iface *ifc, uint64_t ts)
{
	uint64_t sec, frac_ns;
	if (ifc->binary_res) {
		unsigned e = ifc->res_exp;
		sec = e == 0 ? ts : ts >> e;
		uint64_t frac = e == 0 ? 0 : ts & ((UINT64_C(1) << e) - 1);
		if (e > 34) {
			frac >>= e - 34;
			e = 34;
		}
		frac_ns = e == 0 ? 0 : (frac * NS_PER_S) >> e;
	} else if (ifc->res_exp <= 9) {
		uint64_t unit = 1, scale = 1;
		for (unsigned i = 0; i < ifc->res_exp; i++)
			unit *= 10;
		for (unsigned i = ifc->res_exp; i < 9; i++)
			scale *= 10;
		sec = ts / unit;
		frac_ns = ts % unit * scale;
	} else {
		uint64_t per_ns = 1;
		for (unsigned i = 9; i < ifc->res_exp; i++)
			per_ns *= 10;
		uint64_t ns = ts / per_ns;
		sec = ns / NS_PER_S;
		frac_ns = ns % NS_PER_S;
	}
	int64_t whole = sec > (uint64_t)INT64_MAX ? INT64_MAX : mul_ns_sat((int64_t)sec);
	return add_sat(add_sat(whole, (int64_t)frac_ns), mul_ns_sat(ifc->offset_s));
}

static const struct iface *lookup_iface(struct wc_pcapng *r, uint32_t id)
{
	if (id < r->n_ifaces)
		return &r->ifaces[id];
	stop(r, WC_ANOM_PCAPNG_UNKNOWN_IFACE, "packet block at offset %llu names interface %u; the section describes %zu",
	     (unsigned long long)r->block_pos, id, r->n_ifaces);
	return NULL;
}

/* The packet data of caplen bytes, padded to 4, must lie inside the block. */
static bool take_data(struct wc_pcapng *r, struct wc_cursor *body, uint32_t caplen, struct wc_frame *out)
{
	size_t padded = ((size_t)caplen + 3) & ~(size_t)3;
	if (padded > wc_cur_left(body))
		return stop(r, WC_ANOM_PCAPNG_BAD_BLOCK,
		            "packet block at offset %llu: captured length %u runs past the block (%zu bytes left)",
		            (unsigned long long)r->block_pos, caplen, wc_cur_left(body));
	wc_cur_bytes(body, caplen, &out->data);
	out->caplen = caplen;
	return true;
}

static void fill_frame(struct wc_pcapng *r, const struct iface *ifc, uint32_t id, struct wc_frame *out)
{
	out->number = ++r->frames;
	out->linktype = ifc->linktype;
	out->iface = id;
}

/* EPB, and the obsolete PB, which differs only in a 16-bit interface id followed by a
 * 16-bit drop count. */
static bool parse_epb(struct wc_pcapng *r, struct wc_cursor body, bool obsolete, struct wc_frame *out)
{
	uint32_t id, hi, lo, caplen, origlen;
	bool ok;
	if (obsolete) {
		uint16_t id16, drops;
		ok = get16(&body, r->be, &id16) && get16(&body, r->be, &drops);
		id = id16;
	} else {
		ok = get32(&body, r->be, &id);
	}
	ok = ok && get32(&body, r->be, &hi) && get32(&body, r->be, &lo) && get32(&body, r->be, &caplen) &&
	     get32(&body, r->be, &origlen);
	if (!ok)
		return stop(r, WC_ANOM_PCAPNG_BAD_BLOCK, "packet block at offset %llu: shorter than its fixed fields",
		            (unsigned long long)r->block_pos);
	const struct iface *ifc = lookup_iface(r, id);
	if (!ifc || !take_data(r, &body, caplen, out))
		return false;
	out->len = origlen;
	out->ts_ns = ts_to_ns(ifc, (uint64_t)hi << 32 | lo);
	fill_frame(r, ifc, id, out);
	return true;
}

/* SPB: always interface 0, no timestamp (ts_ns is 0), captured length implied by the
 * original length and the interface's snaplen. */
static bool parse_spb(struct wc_pcapng *r, struct wc_cursor body, struct wc_frame *out)
{
	uint32_t origlen;
	if (!get32(&body, r->be, &origlen))
		return stop(r, WC_ANOM_PCAPNG_BAD_BLOCK, "simple packet block at offset %llu: shorter than its fixed fields",
		            (unsigned long long)r->block_pos);
	const struct iface *ifc = lookup_iface(r, 0);
	if (!ifc)
		return false;
	uint32_t caplen = ifc->snaplen && ifc->snaplen < origlen ? ifc->snaplen : origlen;
	if (!take_data(r, &body, caplen, out))
		return false;
	out->len = origlen;
	out->ts_ns = 0;
	fill_frame(r, ifc, 0, out);
	return true;
}

struct wc_pcapng *wc_pcapng_open(FILE *f, char *errbuf)
{
	struct wc_pcapng *r = calloc(1, sizeof *r);
	if (!r) {
		wc_err(errbuf, "out of memory");
		return NULL;
	}
	r->f = f;
	uint32_t type;
	bool be;
	struct wc_cursor body;
	enum rd rd = read_block(r, &type, &be, &body);
	if (rd == RD_EOF)
		wc_err(errbuf, "empty file");
	else if (rd == RD_STOP)
		wc_err(errbuf, "%s", r->detail);
	else if (type != BT_SHB)
		wc_err(errbuf, "the first block is of type 0x%08x, not a section header", type);
	else if (!parse_shb(r, body, be))
		wc_err(errbuf, "%s", r->detail);
	else
		return r;
	free(r->buf);
	free(r);
	return NULL;
}

int wc_pcapng_next(struct wc_pcapng *r, struct wc_frame *out)
{
	while (!r->done) {
		uint32_t type;
		bool be;
		struct wc_cursor body;
		switch (read_block(r, &type, &be, &body)) {
		case RD_EOF:
			r->done = true;
			return 0;
		case RD_STOP:
			return 0;
		case RD_BLOCK:
			break;
		}
		switch (type) {
		case BT_SHB:
			parse_shb(r, body, be);
			break;
		case BT_IDB:
			parse_idb(r, body);
			break;
		case BT_EPB:
		case BT_PB:
			if (parse_epb(r, body, type == BT_PB, out))
				return 1;
			break;
		case BT_SPB:
			if (parse_spb(r, body, out))
				return 1;
			break;
		default:
			break; /* statistics, name resolution, custom, …: nothing we need */
		}
	}
	return 0;
}

bool wc_pcapng_anomaly(const struct wc_pcapng *r, enum wc_anomaly *anomaly, const char **detail)
{
	if (!r->broken)
		return false;
	if (anomaly)
		*anomaly = r->anomaly;
	if (detail)
		*detail = r->detail;
	return true;
}

int wc_pcapng_linktypes(const struct wc_pcapng *r, int *out, int max)
{
	for (size_t i = 0; i < r->n_linktypes && (int)i < max; i++)
		out[i] = r->linktypes[i];
	return (int)r->n_linktypes;
}

uint32_t wc_pcapng_snaplen(const struct wc_pcapng *r)
{
	return r->unlimited ? 0 : r->snaplen;
}

void wc_pcapng_close(struct wc_pcapng *r)
{
	if (!r)
		return;
	fclose(r->f);
	free(r->buf);
	free(r->ifaces);
	free(r->linktypes);
	free(r);
}
