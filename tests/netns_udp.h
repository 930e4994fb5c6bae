/* netns_udp.h — one UDP datagram from a socket in one namespace to a socket in another.
 *
 * The sockets are opened by helper threads inside the namespaces (wc_netns_socket), so the
 * test thread itself never moves.
 */
#ifndef WC_TEST_NETNS_UDP_H
#define WC_TEST_NETNS_UDP_H

#include <stddef.h>
#include <sys/types.h>

/* Bind a receiver to to_addr:port in to_ns and a sender to from_addr in from_ns (either
 * ns -1: the caller's own), send msg, wait up to timeout_ms. Returns the bytes received
 * (-1: nothing arrived, -2: something other than msg), and the sender's address as the
 * receiver saw it in `seen`. */
ssize_t udp_across(int from_ns, const char *from_addr, int to_ns, const char *to_addr, int port,
                   const void *msg, size_t len, int timeout_ms, char *seen, size_t seen_len);

#endif
