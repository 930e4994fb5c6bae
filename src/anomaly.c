/* anomaly.c — names, kinds and descriptions of the anomaly table in anomaly.h. */
#include "anomaly.h"

#include <string.h>

struct anomaly_row {
	const char *name;
	enum wc_anomaly_kind kind;
	const char *description;
};

#define ROW_(e, n, k, d) {n, WC_AK_##k, d},
static const struct anomaly_row rows[WC_ANOM__COUNT] = {WC_ANOMALY_TABLE(ROW_)};
#undef ROW_

const char *wc_anomaly_name(enum wc_anomaly a)
{
	return (unsigned)a < WC_ANOM__COUNT ? rows[a].name : "unknown";
}

enum wc_anomaly_kind wc_anomaly_kind(enum wc_anomaly a)
{
	return (unsigned)a < WC_ANOM__COUNT ? rows[a].kind : WC_AK_NOTE;
}

const char *wc_anomaly_kind_name(enum wc_anomaly_kind k)
{
	switch (k) {
	case WC_AK_TRUNCATED: return "truncated";
	case WC_AK_MALFORMED: return "malformed";
	case WC_AK_NOTE: return "note";
	}
	return "unknown";
}

const char *wc_anomaly_description(enum wc_anomaly a)
{
	return (unsigned)a < WC_ANOM__COUNT ? rows[a].description : "";
}

int wc_anomaly_by_name(const char *name)
{
	for (int i = 0; i < WC_ANOM__COUNT; i++)
		if (strcmp(rows[i].name, name) == 0)
			return i;
	return -1;
}
