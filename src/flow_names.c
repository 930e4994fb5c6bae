/* flow_names.c — stable names of TCP states and RST contexts (flow.h), kept in core so
 * that reports can name them without linking the flow tracker. */
#include "flow.h"

const char *wc_tcp_state_name(enum wc_tcp_state s)
{
	static const char *const names[WC_TS__COUNT] = {
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
		"FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
	};
	return (unsigned)s < WC_TS__COUNT ? names[s] : "UNKNOWN";
}

const char *wc_rst_context_name(enum wc_rst_context c)
{
	switch (c) {
	case WC_RST_NONE: return "none";
	case WC_RST_REFUSED: return "refused";
	case WC_RST_IN_HANDSHAKE: return "in_handshake";
	case WC_RST_IN_DATA: return "in_data";
	case WC_RST_UNREAD_DATA: return "unread_data";
	case WC_RST_AFTER_FIN: return "after_fin";
	case WC_RST_NO_CONNECTION: return "no_connection";
	}
	return "unknown";
}
