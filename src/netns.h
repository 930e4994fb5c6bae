/* netns.h — throw-away network namespaces, each held only by a file descriptor.
 *
 * A namespace lives as long as something refers to it: our fd, a process inside it, or a
 * socket opened in it. No /var/run/netns file is made, so when wirecheck closes its fds
 * (or dies, even by SIGKILL) the kernel destroys the namespace and every interface in it:
 * nothing can be left behind. As root the namespaces are plain net namespaces; otherwise
 * wc_netns_init() first moves the process into a user namespace of its own, where it may
 * make them (that must happen while the process still has one thread).
 *
 * Work inside a namespace runs on a short-lived thread that setns()'d into it: sockets,
 * netlink and pcap handles opened there stay bound to that namespace after the thread
 * ends, so the caller can use them from any thread.
 */
#ifndef WC_NETNS_H
#define WC_NETNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "errbuf.h"

/* Make sure namespaces can be created: nothing as root (CAP_SYS_ADMIN); otherwise
 * unshare a user namespace mapping the caller's uid/gid to 0. Call it while the process
 * is single-threaded (the kernel refuses CLONE_NEWUSER otherwise). Sets *userns to
 * whether a user namespace was entered. Returns 0, or -1 with errbuf saying which
 * kernel feature or privilege is missing. */
int wc_netns_init(bool *userns, char *errbuf);

/* A new, empty network namespace (only lo, down). Returns its fd (close-on-exec,
 * registered for wc_netns_cleanup), or -1 with errbuf filled. */
int wc_netns_create(char *errbuf);

/* Run fn(arg) on a thread inside the namespace held by fd; returns fn's result, or -1
 * with errbuf filled if the thread could not enter the namespace. */
int wc_netns_run(int fd, int (*fn)(void *arg, char *errbuf), void *arg, char *errbuf);

/* A socket(domain, type, protocol) opened inside the namespace; -1 with errbuf filled. */
int wc_netns_socket(int fd, int domain, int type, int protocol, char *errbuf);

/* The namespace's inode number (what /proc/PID/ns/net links to as "net:[N]"), 0 on error. */
ino_t wc_netns_inode(int fd);

/* Close a namespace fd made by wc_netns_create and forget it. Ignores -1. */
void wc_netns_destroy(int fd);

/* Close every namespace fd still open. Only close(2) and atomics: safe to call from a
 * SIGINT/SIGTERM handler, after which the namespaces vanish once no process or socket
 * is left in them. */
void wc_netns_cleanup(void);

#endif
