/* labs_common.h — what the lab programs share: option values, addresses, payloads, logging
 * and error exits. Each program stays readable on its own: the socket calls a lab teaches
 * are written out in the program, only the chores live here.
 *
 * Conventions of every program (doc/labs.md):
 *   stdout  one line per event, flushed at once (scenarios match it with regexes)
 *   stderr  "CALL: strerror(errno)" for a failed system call, then exit 1
 *   exit    0 done, 1 a system call failed, 2 an error the client was asked to observe
 *           (EAGAIN, a timeout, a missing reply), 64 a bad command line (EX_USAGE)
 */
#ifndef LABS_COMMON_H
#define LABS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>
#include <sys/socket.h>

#define LAB_EXIT_SYSCALL 1
#define LAB_EXIT_OBSERVED 2
#define LAB_EXIT_USAGE 64

/* "255.255.255.255:65535" or "[ffff:...:ffff]:65535", with room to spare. */
#define LAB_ADDR_MAX 64
/* Upper bound of --size and --read-size: large enough for any lab, small enough for rlimits. */
#define LAB_SIZE_MAX (1L << 20)
#define LAB_DEFAULT_PORT 7007

/* An IPv4 or IPv6 socket address and its length, ready for bind/connect/sendto. */
struct lab_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* What a server answers: the data it read back, nothing, or a fixed text. */
enum lab_reply_kind { LAB_REPLY_ECHO, LAB_REPLY_NONE, LAB_REPLY_FIXED };
struct lab_reply {
	enum lab_reply_kind kind;
	const char *text; /* LAB_REPLY_FIXED */
};

/* What a client sends: message i is `size` bytes of 'A' + i % 26, or exactly `text`. */
struct lab_payload {
	size_t size;
	const char *text; /* --payload, or NULL */
};

/* Names the program in messages, makes stdout line-buffered. Call first in main. */
void lab_start(const char *name);

/* "CALL: strerror(errno)" on stderr, then exit 1. */
noreturn void lab_die(const char *call);
/* "CALL: strerror(errno)" on stderr, and carry on: a server's trouble with one client. */
void lab_warn(const char *call);
/* "NAME: MESSAGE" and a pointer to --help on stderr, then exit 64. */
noreturn void lab_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* getopt_long returned '?': the argument it stopped at, as a usage error. */
noreturn void lab_bad_option(char **argv);
/* The usage text on stdout, exit 0. */
noreturn void lab_help(const char *text);

/* One line on stdout (the newline is added). */
void lab_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Option values; a bad one is a usage error naming the option. */
long lab_number(const char *opt, const char *text, long min, long max);
double lab_seconds(const char *opt, const char *text);
void lab_reply_parse(const char *opt, const char *text, struct lab_reply *r);

/* An IPv4 or IPv6 literal and a port (converted with htons) as a socket address. */
void lab_address(const char *what, const char *host, unsigned port, struct lab_addr *a);
/* "A:P" or "[A]:P" of a socket address. */
const char *lab_addr_str(const struct sockaddr *sa, char buf[LAB_ADDR_MAX]);
/* The local or remote address of a socket, as lab_addr_str. */
const char *lab_local_str(int fd, char buf[LAB_ADDR_MAX]);
const char *lab_peer_str(int fd, char buf[LAB_ADDR_MAX]);
/* The port of a socket address, in host byte order. */
unsigned lab_addr_port(const struct sockaddr *sa);

/* Sleeps s seconds, resuming after a signal handler interrupts the sleep. */
void lab_sleep(double s);

/* setsockopt calls the programs share; each dies on failure. */
void lab_set_ttl(int fd, int family, int ttl);
void lab_set_linger0(int fd);

/* Sends all n bytes (a TCP send may take fewer): 0, or -1 with errno set. */
int lab_send_all(int fd, const char *buf, size_t n);

/* Message i of a payload into buf (room for lab_payload_len); returns its length. */
size_t lab_payload_len(const struct lab_payload *p);
size_t lab_payload_message(const struct lab_payload *p, unsigned long i, char *buf);
/* Byte k of the stream that messages 0, 1, 2, ... make, to check an echo. */
char lab_payload_byte(const struct lab_payload *p, unsigned long long k);

/* Accepts the next client on a listening socket, logs "accepted A:P" and returns the
 * connected socket; a connection that was reset before accept() is skipped. */
int lab_accept(int lfd, char peer[LAB_ADDR_MAX]);

#endif
