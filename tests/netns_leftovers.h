/* netns_leftovers.h — what a live test must prove it left behind: nothing.
 *
 * Namespaces are found by inode wherever something can still hold one: a process or
 * thread living in it (/proc/PID/task/TID/ns/net) or an open fd to it (/proc/PID/fd/N),
 * Interfaces are those of the caller's own namespace, by name; other tests may add
 * their own there at the same time (make -j), so only the names a topology uses count.
 */
#ifndef WC_TEST_NETNS_LEFTOVERS_H
#define WC_TEST_NETNS_LEFTOVERS_H

#include <stdbool.h>
#include <sys/types.h>

/* Whether any process or thread is in, or holds an fd to, the namespace with this inode. */
bool netns_inode_alive(ino_t ino);

/* The caller's interface names, sorted, one per line, into buf. Returns 0 or -1. */
int host_interfaces(char *buf, size_t size);

/* Whether `now` lists one of names (NULL-terminated) that `before` did not; both lists
 * as host_interfaces makes them. */
bool gained_interface(const char *before, const char *now, const char *const *names);

#endif
