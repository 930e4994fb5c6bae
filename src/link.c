/* link.c — link-layer decoders, chosen by link type through one table. */
#include "link.h"

#include <stddef.h>

#include "decode_layers.h"

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd

/* Map an ethertype onto the network layer the decoder follows. */
static void set_ethertype(struct wc_packet *pkt, uint16_t type)
{
	pkt->ethertype = type;
	if (type == ETH_IPV4)
		pkt->net = WC_NET_IPV4;
	else if (type == ETH_IPV6)
		pkt->net = WC_NET_IPV6;
	else
		pkt->net = WC_NET_OTHER;
}

/* A link header of `need` bytes the capture does not hold: cut by the snapshot length
 * when the frame had them on the wire, otherwise the frame itself is too short. */
static bool link_short(struct wc_packet *pkt, const struct wc_cursor *c, size_t need)
{
	bool cut = wc_frame_wire_left(pkt, c) >= need;
	wc_packet_anomaly(pkt, cut ? WC_ANOM_LINK_TRUNCATED : WC_ANOM_LINK_MALFORMED);
	return false;
}

static bool is_vlan_tpid(uint16_t t)
{
	return t == 0x8100 || t == 0x88a8 || t == 0x9100;
}

/* An ethertype followed by up to two VLAN tags (802.1Q, 802.1ad QinQ); also used for
 * the protocol field of Linux cooked headers, which may carry a tag too. */
static bool ethertype_chain(struct wc_packet *pkt, struct wc_cursor *c, uint16_t type)
{
	while (is_vlan_tpid(type) && pkt->vlan_count < 2) {
		uint16_t tci = 0;
		if (wc_cur_left(c) < 4)
			return link_short(pkt, c, 4);
		wc_cur_be16(c, &tci);
		wc_cur_be16(c, &type);
		pkt->vlan[pkt->vlan_count++] = tci & 0x0fff;
	}
	set_ethertype(pkt, type);
	/* 0..1500 is an 802.3 length (LLC follows), never IP */
	return true;
}

static bool link_ethernet(struct wc_packet *pkt, struct wc_cursor *c)
{
	uint16_t type = 0;
	if (wc_cur_left(c) < 14)
		return link_short(pkt, c, 14);
	wc_cur_skip(c, 12);
	wc_cur_be16(c, &type);
	return ethertype_chain(pkt, c, type);
}

/* Linux cooked v1: packet type, ARPHRD, address length, 8 address bytes, protocol. */
static bool link_sll(struct wc_packet *pkt, struct wc_cursor *c)
{
	uint16_t proto = 0;
	if (wc_cur_left(c) < 16)
		return link_short(pkt, c, 16);
	wc_cur_skip(c, 14);
	wc_cur_be16(c, &proto);
	return ethertype_chain(pkt, c, proto);
}

/* Linux cooked v2: protocol first, then reserved, ifindex, ARPHRD, type, addresses. */
static bool link_sll2(struct wc_packet *pkt, struct wc_cursor *c)
{
	uint16_t proto = 0;
	if (wc_cur_left(c) < 20)
		return link_short(pkt, c, 20);
	wc_cur_be16(c, &proto);
	wc_cur_skip(c, 18);
	return ethertype_chain(pkt, c, proto);
}

/* AF_INET is 2 everywhere; AF_INET6 differs: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28,
 * macOS 30. */
static bool family_net(struct wc_packet *pkt, uint32_t family)
{
	switch (family) {
	case 2: set_ethertype(pkt, ETH_IPV4); return true;
	case 10: case 24: case 28: case 30: set_ethertype(pkt, ETH_IPV6); return true;
	default: return false;
	}
}

static bool loop_family(struct wc_packet *pkt, struct wc_cursor *c, bool either_order)
{
	uint32_t le = 0, be = 0;
	if (wc_cur_left(c) < 4)
		return link_short(pkt, c, 4);
	struct wc_cursor peek = *c;
	wc_cur_le32(&peek, &le);
	wc_cur_be32(c, &be);
	/* NULL is the writer's host order, which the file does not say: try both. */
	if (family_net(pkt, be) || (either_order && family_net(pkt, le)))
		return true;
	pkt->net = WC_NET_OTHER;
	wc_packet_anomaly(pkt, WC_ANOM_NULL_UNKNOWN_FAMILY);
	return false;
}

static bool link_null(struct wc_packet *pkt, struct wc_cursor *c)
{
	return loop_family(pkt, c, true);
}

static bool link_loop(struct wc_packet *pkt, struct wc_cursor *c)
{
	return loop_family(pkt, c, false);
}

/* Raw IP: the version nibble says which. */
static bool link_raw(struct wc_packet *pkt, struct wc_cursor *c)
{
	uint8_t b;
	if (!wc_cur_peek_u8(c, 0, &b))
		return link_short(pkt, c, 1);
	set_ethertype(pkt, (b >> 4) == 6 ? ETH_IPV6 : ETH_IPV4);
	return true;
}

static bool link_ipv4(struct wc_packet *pkt, struct wc_cursor *c)
{
	(void)c;
	set_ethertype(pkt, ETH_IPV4);
	return true;
}

static bool link_ipv6(struct wc_packet *pkt, struct wc_cursor *c)
{
	(void)c;
	set_ethertype(pkt, ETH_IPV6);
	return true;
}

struct link_row {
	int linktype;
	bool (*decode)(struct wc_packet *pkt, struct wc_cursor *c);
};

static const struct link_row link_table[] = {
	{0, link_null},      /* NULL: BSD loopback, host byte order */
	{1, link_ethernet},  /* EN10MB */
	{12, link_raw},      /* DLT_RAW on most systems */
	{14, link_raw},      /* DLT_RAW on OpenBSD */
	{101, link_raw},     /* LINKTYPE_RAW */
	{108, link_loop},    /* LOOP: OpenBSD loopback, network byte order */
	{113, link_sll},     /* LINUX_SLL */
	{228, link_ipv4},    /* LINKTYPE_IPV4 */
	{229, link_ipv6},    /* LINKTYPE_IPV6 */
	{276, link_sll2},    /* LINUX_SLL2 */
};

static const struct link_row *find_link(int linktype)
{
	for (size_t i = 0; i < sizeof link_table / sizeof link_table[0]; i++)
		if (link_table[i].linktype == linktype)
			return &link_table[i];
	return NULL;
}

bool wc_link_supported(int linktype)
{
	return find_link(linktype) != NULL;
}

bool wc_link_decode(struct wc_packet *pkt, struct wc_cursor *net)
{
	const struct wc_frame *f = pkt->frame;
	pkt->linktype = f->linktype;
	const struct link_row *row = find_link(f->linktype);
	if (!row) {
		wc_packet_anomaly(pkt, WC_ANOM_LINK_UNSUPPORTED);
		return false;
	}
	wc_cur_init(net, f->data, f->caplen);
	return row->decode(pkt, net);
}
