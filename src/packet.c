/* packet.c — small helpers on decoded packets: addresses, checksum names, anomalies. */
#include "packet.h"

#include <arpa/inet.h>
#include <string.h>

char *wc_addr_str(const struct wc_addr *a, char *buf)
{
	buf[0] = '\0';
	if (a->family == 4)
		inet_ntop(AF_INET, a->bytes, buf, WC_ADDR_STRLEN);
	else if (a->family == 6)
		inet_ntop(AF_INET6, a->bytes, buf, WC_ADDR_STRLEN);
	else
		strcpy(buf, "-");
	return buf;
}

bool wc_addr_eq(const struct wc_addr *a, const struct wc_addr *b)
{
	if (a->family != b->family)
		return false;
	return memcmp(a->bytes, b->bytes, a->family == 4 ? 4 : 16) == 0;
}

const char *wc_csum_name(enum wc_csum c)
{
	switch (c) {
	case WC_CSUM_NONE: return "none";
	case WC_CSUM_OK: return "ok";
	case WC_CSUM_BAD: return "bad";
	case WC_CSUM_ZERO: return "zero";
	case WC_CSUM_PARTIAL: return "partial";
	case WC_CSUM_UNVERIFIABLE: return "unverifiable";
	case WC_CSUM__COUNT: break;
	}
	return "unknown";
}

void wc_packet_anomaly(struct wc_packet *pkt, enum wc_anomaly a)
{
	if (pkt->anomaly_count < WC_PKT_MAX_ANOMALIES)
		pkt->anomalies[pkt->anomaly_count] = a;
	if (pkt->anomaly_count < UINT8_MAX)
		pkt->anomaly_count++;
	switch (wc_anomaly_kind(a)) {
	case WC_AK_TRUNCATED: pkt->truncated = true; break;
	case WC_AK_MALFORMED: pkt->malformed = true; break;
	case WC_AK_NOTE: break;
	}
}
