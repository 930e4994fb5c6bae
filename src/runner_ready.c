/* runner_ready.c — is a role ready? A listening TCP socket, or a bound UDP socket, on its
 * port, read from the socket tables of the namespace the calling thread is in: the
 * answer does not depend on which process of the role made the socket. */
#include "runner_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* 1 when the table has a socket on port (TCP: in state LISTEN), 0 when not, -1 when the
 * file cannot be opened. A kernel without IPv6 has no tcp6 table: not an error. */
static int table_has(const char *table, bool listen_only, int port)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/thread-self/net/%s", table);
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT && strchr(table, '6') ? 0 : -1;
	char line[512];
	int found = 0;
	/* "  sl  local_address rem_address   st ..." then one socket per line:
	 * "   0: 0100007F:1B5F 00000000:0000 0A ..." (IPv6 addresses are 32 hex digits) */
	if (!fgets(line, sizeof line, f)) {
		fclose(f);
		return 0;
	}
	while (!found && fgets(line, sizeof line, f)) {
		char local[64];
		unsigned st;
		if (sscanf(line, " %*u: %63s %*s %x", local, &st) != 2)
			continue;
		const char *colon = strrchr(local, ':');
		unsigned lport;
		if (!colon || sscanf(colon + 1, "%x", &lport) != 1)
			continue;
		found = (int)lport == port && (!listen_only || st == 0x0A);
	}
	fclose(f);
	return found;
}

int wc_ready_port(enum wc_ready_kind kind, int port)
{
	bool tcp = kind == WC_READY_TCP;
	int v4 = table_has(tcp ? "tcp" : "udp", tcp, port);
	if (v4 != 0)
		return v4;
	return table_has(tcp ? "tcp6" : "udp6", tcp, port);
}
