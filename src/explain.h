/* explain.h — `wirecheck explain`: tell a person what happened on the wire.
 *
 * Per TCP connection: endpoints and roles, handshake with options and RTT, bytes each
 * way, teardown (who closed first, half-close, RST: who, when, after what), who ends in
 * TIME_WAIT, anomalies, and a Zeek-style conn_state and history string. Per UDP flow:
 * datagram count, sizes, first and last time. ICMP errors and the flow they answer.
 * Anomalies at their frame. With `packets`, one line per packet with its annotations.
 *
 * Output streams as the capture is read: memory does not grow with capture length.
 * Connections and flows are listed in order of their first packet. The JSON form is
 * documented in doc/explain-json.md and its names are stable.
 */
#ifndef WC_EXPLAIN_H
#define WC_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "errbuf.h"

enum wc_explain_format { WC_EXPLAIN_TEXT = 0, WC_EXPLAIN_JSON };

struct wc_explain_opts {
	enum wc_explain_format format;
	bool packets;         /* one line / object per packet */
	bool color;           /* text only: ANSI colour (main decides: tty and no NO_COLOR) */
	int64_t flow;         /* only this TCP connection id (its packets and its summary);
	                         -1 = all */
	uint32_t max_anomalies_listed; /* anomalies listed one by one (0: 1000); all are counted */
};

/* Explain one capture file to out. Returns 0 when the file was read (anomalies and a
 * file that breaks off are reported, not failures), -1 with errbuf when it could not
 * be opened or output failed. */
int wc_explain(const char *path, const struct wc_explain_opts *opts, FILE *out, char *errbuf);

#endif
