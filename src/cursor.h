/* cursor.h — the only way wirecheck reads packet bytes: a bounds-checked cursor.
 *
 * Every decoder takes a cursor over the bytes it owns and reads fields through the
 * functions below. Each read checks the remaining length and either fetches and
 * advances, or fails and leaves the cursor untouched; nothing casts packet bytes to a
 * struct. A decoder hands a protocol's payload on as a sub-cursor clamped to the length
 * the header declares, so trailing padding (Ethernet minimum frame size) is never read
 * as payload.
 *
 * Whether a failed read means "truncated" (the snapshot length cut the packet) or
 * "malformed" (a length field lies) is decided by the caller, which knows whether the
 * frame was cut; the cursor only says "not enough bytes". See decode.h.
 *
 * Everything is inline: these run several times per packet.
 */
#ifndef WC_CURSOR_H
#define WC_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wc_cursor {
	const uint8_t *p; /* next unread byte */
	size_t len;       /* bytes left from p */
};

static inline void wc_cur_init(struct wc_cursor *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->len = p ? len : 0;
}

static inline size_t wc_cur_left(const struct wc_cursor *c) { return c->len; }
static inline const uint8_t *wc_cur_ptr(const struct wc_cursor *c) { return c->p; }

static inline bool wc_cur_skip(struct wc_cursor *c, size_t n)
{
	if (c->len < n)
		return false;
	c->p += n;
	c->len -= n;
	return true;
}

/* Point *out at the next n bytes and advance past them. */
static inline bool wc_cur_bytes(struct wc_cursor *c, size_t n, const uint8_t **out)
{
	if (c->len < n)
		return false;
	*out = c->p;
	c->p += n;
	c->len -= n;
	return true;
}

/* Copy the next n bytes out and advance. */
static inline bool wc_cur_copy(struct wc_cursor *c, void *out, size_t n)
{
	const uint8_t *b;
	if (!wc_cur_bytes(c, n, &b))
		return false;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)out)[i] = b[i];
	return true;
}

/* Take the next n bytes as a cursor of their own and advance past them. */
static inline bool wc_cur_sub(struct wc_cursor *c, size_t n, struct wc_cursor *sub)
{
	const uint8_t *b;
	if (!wc_cur_bytes(c, n, &b))
		return false;
	wc_cur_init(sub, b, n);
	return true;
}

/* Shorten the cursor to at most n bytes (clamp to a declared length). Returns false,
 * leaving the cursor as it was, when fewer than n bytes are left. */
static inline bool wc_cur_clamp(struct wc_cursor *c, size_t n)
{
	if (c->len < n)
		return false;
	c->len = n;
	return true;
}

static inline bool wc_cur_u8(struct wc_cursor *c, uint8_t *out)
{
	if (c->len < 1)
		return false;
	*out = c->p[0];
	c->p += 1;
	c->len -= 1;
	return true;
}

static inline bool wc_cur_be16(struct wc_cursor *c, uint16_t *out)
{
	if (c->len < 2)
		return false;
	*out = (uint16_t)((unsigned)c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->len -= 2;
	return true;
}

static inline bool wc_cur_le16(struct wc_cursor *c, uint16_t *out)
{
	if (c->len < 2)
		return false;
	*out = (uint16_t)((unsigned)c->p[1] << 8 | c->p[0]);
	c->p += 2;
	c->len -= 2;
	return true;
}

static inline bool wc_cur_be32(struct wc_cursor *c, uint32_t *out)
{
	if (c->len < 4)
		return false;
	*out = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	c->len -= 4;
	return true;
}

static inline bool wc_cur_le32(struct wc_cursor *c, uint32_t *out)
{
	if (c->len < 4)
		return false;
	*out = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[1] << 8 | c->p[0];
	c->p += 4;
	c->len -= 4;
	return true;
}

/* Read a byte at an offset without advancing. */
static inline bool wc_cur_peek_u8(const struct wc_cursor *c, size_t off, uint8_t *out)
{
	if (off >= c->len)
		return false;
	*out = c->p[off];
	return true;
}

static inline bool wc_cur_peek_be16(const struct wc_cursor *c, size_t off, uint16_t *out)
{
	if (c->len < 2 || off > c->len - 2)
		return false;
	*out = (uint16_t)((unsigned)c->p[off] << 8 | c->p[off + 1]);
	return true;
}

#endif
