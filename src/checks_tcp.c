/* checks_tcp.c — the TCP group of the check registry, in documentation order. */
#include "checks_tcp.h"

const struct wc_check_def *const wc_checks_tcp[] = {
	&wc_check_tcp_handshake,
	&wc_check_tcp_teardown,
	&wc_check_tcp_refused,
	&wc_check_tcp_reset,
	&wc_check_tcp_stream,
	&wc_check_tcp_segments,
	&wc_check_tcp_retransmissions,
	&wc_check_tcp_concurrency,
	&wc_check_tcp_syn_unanswered,
	NULL,
};
