/* test_live_lo.c — a capture recorded on lo during the test explains correctly.
 *
 * In a fresh network namespace (as root a plain one; otherwise a user namespace too,
 * where the kernel allows it) a libpcap thread captures `lo` in immediate mode while a
 * forked server echoes what a client sends; the client closes first. The saved file is
 * then analysed like any student capture: one connection, complete handshake, the bytes
 * echoed each way, the client closing first and ending in TIME_WAIT, and every TCP
 * checksum "partial" (transmit offload on lo), none "bad". Exits 77, naming the missing
 * kernel feature, where no namespace can be made.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "unit.h"

#define PORT 7007
#define ROUNDS 3
static const char message[] = "hello from the wirecheck loopback test\n";

static char pcap_path[4096];

/* ---- namespace ------------------------------------------------------------ */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Returns NULL on success, else why no namespace could be had. */
static const char *enter_private_network(char *why, size_t len)
{
	if (unshare(CLONE_NEWNET) == 0)
		return NULL;
	int root_errno = errno;
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
		snprintf(why, len,
		         "no network namespace: unshare(CLONE_NEWNET) failed (%s) and unprivileged "
		         "user namespaces are refused (%s)",
		         strerror(root_errno), strerror(errno));
		return why;
	}
	char map[64];
	snprintf(map, sizeof map, "0 %u 1\n", (unsigned)uid);
	if (write_file("/proc/self/setgroups", "deny") != 0 && errno != ENOENT)
		goto map_failed;
	if (write_file("/proc/self/uid_map", map) != 0)
		goto map_failed;
	snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
	if (write_file("/proc/self/gid_map", map) != 0)
		goto map_failed;
	return NULL;
map_failed:
	snprintf(why, len, "user namespace made but its id maps could not be written: %s", strerror(errno));
	return why;
}

static int bring_lo_up(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return rc;
}

/* ---- capture thread ------------------------------------------------------- */

struct capture {
	pcap_t *pcap;
	pcap_dumper_t *dumper;
	atomic_bool stop;
	unsigned written;
};

static void *capture_loop(void *arg)
{
	struct capture *c = arg;
	while (!atomic_load(&c->stop)) {
		int n = pcap_dispatch(c->pcap, -1, pcap_dump, (u_char *)c->dumper);
		if (n < 0)
			break;
		if (n > 0)
			c->written += (unsigned)n;
	}
	/* drain what is still queued */
	int n;
	while ((n = pcap_dispatch(c->pcap, -1, pcap_dump, (u_char *)c->dumper)) > 0)
		c->written += (unsigned)n;
	return NULL;
}

static int start_capture(struct capture *c, char *err)
{
	c->pcap = pcap_create("lo", err);
	if (!c->pcap)
		return -1;
	/* Immediate mode: without it packets still in the kernel ring at stop are lost. */
	pcap_set_immediate_mode(c->pcap, 1);
	pcap_set_snaplen(c->pcap, 65535);
	pcap_set_timeout(c->pcap, 20);
	if (pcap_activate(c->pcap) < 0) {
		snprintf(err, PCAP_ERRBUF_SIZE, "%s", pcap_geterr(c->pcap));
		return -1;
	}
	if (pcap_setnonblock(c->pcap, 1, err) != 0)
		return -1;
	c->dumper = pcap_dump_open(c->pcap, pcap_path);
	if (!c->dumper) {
		snprintf(err, PCAP_ERRBUF_SIZE, "%s", pcap_geterr(c->pcap));
		return -1;
	}
	atomic_store(&c->stop, false);
	return 0;
}

static void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* ---- the programs --------------------------------------------------------- */

static int listen_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(PORT)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 4) != 0)
		return -1;
	return fd;
}

/* Echo until EOF, then close: the passive closer. */
static void serve_one(int lfd)
{
	int fd = accept(lfd, NULL, NULL);
	char buf[512];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (write(fd, buf, (size_t)n) != n)
			_exit(1);
	close(fd);
	_exit(n == 0 ? 0 : 1);
}

/* Send ROUNDS messages, read each echo back, close first: the active closer. */
static int run_client(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(PORT)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		return -1;
	char buf[sizeof message];
	for (int i = 0; i < ROUNDS; i++) {
		if (write(fd, message, strlen(message)) != (ssize_t)strlen(message))
			return -1;
		size_t got = 0;
		while (got < strlen(message)) {
			ssize_t n = read(fd, buf + got, strlen(message) - got);
			if (n <= 0)
				return -1;
			got += (size_t)n;
		}
		nap_ms(5); /* separate segments, as a person typing would */
	}
	close(fd);
	return 0;
}

static int record_exchange(char *err)
{
	struct capture c;
	memset(&c, 0, sizeof c);
	if (start_capture(&c, err) != 0)
		return 77;
	pthread_t th;
	pthread_create(&th, NULL, capture_loop, &c);

	int lfd = listen_socket();
	if (lfd < 0) {
		snprintf(err, PCAP_ERRBUF_SIZE, "bind/listen on 127.0.0.1:%d: %s", PORT, strerror(errno));
		return -1;
	}
	pid_t server = fork();
	if (server == 0)
		serve_one(lfd);
	close(lfd);
	int client_rc = run_client();
	int status = 0;
	waitpid(server, &status, 0);
	nap_ms(100); /* the final ACK, then drain */
	atomic_store(&c.stop, true);
	pthread_join(th, NULL);

	struct pcap_stat ps;
	if (pcap_stats(c.pcap, &ps) == 0 && ps.ps_drop != 0) {
		snprintf(err, PCAP_ERRBUF_SIZE, "capture dropped %u packets", ps.ps_drop);
		return -1;
	}
	pcap_dump_close(c.dumper);
	pcap_close(c.pcap);
	if (client_rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, PCAP_ERRBUF_SIZE, "echo exchange failed (client %d, server status %d)", client_rc,
		         status);
		return -1;
	}
	return 0;
}

/* ---- assertions ----------------------------------------------------------- */

static struct wc_tcp_conn conn;
static unsigned conns;

static void keep_conn(const struct wc_tcp_conn *c, void *arg)
{
	(void)arg;
	if (conns++ == 0) {
		conn = *c;
		conn.segs = NULL; /* freed after the callback */
		conn.side[0].payload = conn.side[1].payload = NULL;
	}
}

static void test_lo_capture_explains(void)
{
	struct wc_analysis_opts opts;
	memset(&opts, 0, sizeof opts);
	opts.flow.on_tcp_done = keep_conn;
	struct wc_analysis a;
	char errbuf[WC_ERRBUF_SIZE];
	CU_ASSERT_EQUAL_FATAL(wc_analyze_file(pcap_path, &opts, &a, errbuf), 0);

	CU_ASSERT_EQUAL(conns, 1);
	CU_ASSERT_EQUAL(a.flows.tcp_connections, 1);
	CU_ASSERT_TRUE(conn.roles_from_syn);
	CU_ASSERT_EQUAL(conn.side[1].port, PORT);
	CU_ASSERT_TRUE(conn.handshake_complete);
	CU_ASSERT_EQUAL(conn.syn_frame, 1);
	CU_ASSERT_EQUAL(conn.synack_frame, 2);
	CU_ASSERT_EQUAL(conn.hs_ack_frame, 3);
	CU_ASSERT_EQUAL(conn.side[0].stream_bytes, ROUNDS * strlen(message));
	CU_ASSERT_EQUAL(conn.side[1].stream_bytes, ROUNDS * strlen(message));
	CU_ASSERT_EQUAL(conn.side[0].retransmissions, 0);
	CU_ASSERT_TRUE(conn.fin_both);
	CU_ASSERT_EQUAL(conn.first_closer, 0);
	CU_ASSERT_EQUAL(conn.time_wait_side, 0);
	CU_ASSERT_EQUAL(conn.rst_side, -1);
	CU_ASSERT_STRING_EQUAL(conn.conn_state, "SF");
	/* the client's last state is TIME_WAIT, the server's CLOSED */
	CU_ASSERT_TRUE(conn.side[0].step_count > 0 &&
	               conn.side[0].steps[conn.side[0].step_count - 1].state == WC_TS_TIME_WAIT);
	CU_ASSERT_TRUE(conn.side[1].step_count > 0 &&
	               conn.side[1].steps[conn.side[1].step_count - 1].state == WC_TS_CLOSED);
	/* every TCP checksum on lo is a transmit-offload partial value, never "bad" */
	CU_ASSERT_EQUAL(a.stats.tcp, a.stats.frames);
	CU_ASSERT_EQUAL(a.stats.csum[WC_CK_TCP][WC_CSUM_PARTIAL], a.stats.tcp);
	CU_ASSERT_EQUAL(a.stats.csum[WC_CK_TCP][WC_CSUM_BAD], 0);
	CU_ASSERT_EQUAL(a.stats.csum[WC_CK_IPV4][WC_CSUM_OK], a.stats.frames);
}

static void test_explain_command_names_time_wait(void)
{
	char cmd[8192], out[4096];
	const char *builddir = getenv("WC_BUILDDIR");
	snprintf(cmd, sizeof cmd, "'%s/src/wirecheck' explain '%s' 2>&1", builddir ? builddir : BUILDDIR, pcap_path);
	FILE *p = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	int status = pclose(p);
	CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "TIME_WAIT"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "partial"));
}

static const struct wc_test live_tests[] = {
	{"capture on lo: handshake, data, teardown, TIME_WAIT, partial checksums", test_lo_capture_explains},
	{"wirecheck explain on it names the TIME_WAIT side", test_explain_command_names_time_wait},
	{NULL, NULL},
};
static const struct wc_suite live_suite = {"live-lo", live_tests};

int main(int argc, char **argv)
{
	char why[512], err[PCAP_ERRBUF_SIZE] = "";
	if (enter_private_network(why, sizeof why)) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	if (bring_lo_up() != 0) {
		printf("SKIP: cannot bring lo up in the new network namespace: %s\n", strerror(errno));
		return 77;
	}
	snprintf(pcap_path, sizeof pcap_path, "%s", wc_scratch("live-lo.pcap"));
	int rc = record_exchange(err);
	if (rc == 77) {
		printf("SKIP: cannot capture on lo with libpcap: %s\n", err);
		return 77;
	}
	if (rc != 0) {
		fprintf(stderr, "live capture failed: %s\n", err);
		return 1;
	}
	const struct wc_suite *const suites[] = {&live_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
