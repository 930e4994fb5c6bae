/* test_faults.c — cut, restore and drop faults on a real bridge between two namespaces.
 *
 * The runner's veth topology (topology.h: client and server hosts joined through a link
 * namespace holding a bridge; IPv6 off, so only the test's own packets cross the link). UDP datagrams sent at a fixed interval must arrive exactly as the
 * faults allow: a timed cut, a restore, the Nth packet, a filter; a TCP transfer across a
 * 300 ms cut still delivers every byte. netem is reported unavailable with its reason on a
 * kernel without it. After every test no nftables table of ours remains in the link
 * namespace, and after teardown none of the three namespaces is alive (nothing of ours,
 * an nftables socket included, still holds one). As root plain namespaces; otherwise a
 * user namespace where the kernel allows it; exits 77 naming what is missing.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "errbuf.h"
#include "faults.h"
#include "netns.h"
#include "netns_leftovers.h"
#include "topology.h"
#include "unit.h"

#define INTERVAL_MS 50
#define TCP_PORT 7100
#define MSG_LEN 100
#define MESSAGES 10

static struct wc_topo topo;
static char errbuf[WC_ERRBUF_SIZE];

static int socket_in(enum wc_topo_host host, int type)
{
	return wc_netns_socket(wc_topo_host_netns(&topo, host), AF_INET, type | SOCK_CLOEXEC, 0, errbuf);
}

static struct sockaddr_in addr_of(const char *ip, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, ip, &sa.sin_addr);
	return sa;
}

/* ---- our table, seen through libnftables ---------------------------------- */

static int list_tables_here(void *out, char *err)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!nft)
		return wc_err(err, "nft_ctx_new");
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	int rc = nft_run_cmd_from_buffer(nft, "list tables\n");
	if (rc == 0)
		snprintf(out, 1024, "%s", nft_ctx_get_output_buffer(nft));
	nft_ctx_free(nft);
	return rc;
}

/* 1 when a table of ours is in the link namespace, 0 when not, -1 when it cannot be told. */
static int our_table_present(void)
{
	char tables[1024] = "";
	if (wc_netns_run(topo.link_fd, list_tables_here, tables, errbuf) != 0)
		return -1;
	return strstr(tables, "table bridge wirecheck") != NULL;
}

/* ---- timing and UDP ------------------------------------------------------- */

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_until(int64_t t)
{
	struct timespec ts = {(time_t)(t / 1000000000), (long)(t % 1000000000)};
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static int udp_server(int port)
{
	int fd = socket_in(WC_HOST_SERVER, SOCK_DGRAM | SOCK_NONBLOCK);
	struct sockaddr_in sa = addr_of("10.0.0.2", port);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		return -1;
	return fd;
}

static int udp_client(int port)
{
	int fd = socket_in(WC_HOST_CLIENT, SOCK_DGRAM);
	struct sockaddr_in sa = addr_of("10.0.0.2", port);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		return -1;
	return fd;
}

/* What arrived, as the datagrams' texts joined by ",", after a short wait for the last. */
static void drain(int fd, char *out, size_t len)
{
	sleep_until(now_ns() + 100 * 1000000LL);
	out[0] = '\0';
	char buf[64];
	ssize_t n;
	while ((n = recv(fd, buf, sizeof buf - 1, 0)) > 0) {
		buf[n] = '\0';
		size_t used = strlen(out);
		snprintf(out + used, len - used, "%s%s", used ? "," : "", buf);
	}
}

/* Sends datagrams "1".."count" every INTERVAL_MS, running the fault timetable before each. */
static void send_numbered(struct wc_faults *f, int fd, int count)
{
	int64_t start = now_ns();
	for (int i = 0; i < count; i++) {
		sleep_until(start + (int64_t)i * INTERVAL_MS * 1000000);
		if (f)
			CU_ASSERT_EQUAL(wc_faults_tick(f, now_ns() - start, errbuf), 0);
		char text[16];
		int len = snprintf(text, sizeof text, "%d", i + 1);
		CU_ASSERT_EQUAL(send(fd, text, (size_t)len, 0), len);
	}
}

/* The bridge forwards only once both ports have carrier: until a datagram crosses, the
 * tests' timings would measure the link coming up instead of the faults. */
static int wait_for_link(void)
{
	int srv = udp_server(7000), cli = udp_client(7000);
	int ok = -1;
	for (int i = 0; srv >= 0 && cli >= 0 && i < 100 && ok != 0; i++) {
		char buf[8];
		if (send(cli, "ping", 4, 0) != 4)
			break;
		sleep_until(now_ns() + 50 * 1000000LL);
		ok = recv(srv, buf, sizeof buf, 0) == 4 ? 0 : -1;
	}
	close(srv);
	close(cli);
	return ok;
}

static struct wc_faults *new_faults(const char *json)
{
	struct wc_faults *f = wc_faults_new(topo.link_fd, errbuf);
	CU_ASSERT_PTR_NOT_NULL(f);
	if (f && json) {
		json_object *faults = json_tokener_parse(json);
		CU_ASSERT_EQUAL(wc_faults_schedule(f, faults, 1.0, errbuf), 0);
		json_object_put(faults);
	}
	CU_ASSERT_EQUAL(our_table_present(), f ? 1 : 0);
	return f;
}

static void free_faults(struct wc_faults *f)
{
	CU_ASSERT_EQUAL(wc_faults_clear(f, errbuf), 0);
	CU_ASSERT_EQUAL(our_table_present(), 0);
	wc_faults_free(f);
	CU_ASSERT_EQUAL(our_table_present(), 0);
}

/* ---- tests ---------------------------------------------------------------- */

static void test_timed_cut(void)
{
	/* datagrams leave at 0, 50, ... 450 ms: 4, 5 and 6 (150-250 ms) fall inside the cut */
	struct wc_faults *f = new_faults("[{\"at\": 0.125, \"kind\": \"cut\", \"until\": 0.275}]");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(wc_faults_next_ns(f), 125000000);
	int srv = udp_server(7007), cli = udp_client(7007);
	CU_ASSERT_FATAL(srv >= 0 && cli >= 0);
	send_numbered(f, cli, 10);
	CU_ASSERT_EQUAL(wc_faults_next_ns(f), -1);
	char got[256];
	drain(srv, got, sizeof got);
	CU_ASSERT_STRING_EQUAL(got, "1,2,3,7,8,9,10");
	close(srv);
	close(cli);
	free_faults(f);
}

static void test_restore_ends_cut(void)
{
	struct wc_faults *f = new_faults("[{\"at\": 0, \"kind\": \"cut\"}, {\"at\": 0.1, \"kind\": \"restore\"}]");
	CU_ASSERT_FATAL(f != NULL);
	int srv = udp_server(7007), cli = udp_client(7007);
	CU_ASSERT_FATAL(srv >= 0 && cli >= 0);
	CU_ASSERT_EQUAL(wc_faults_tick(f, 0, errbuf), 0);
	CU_ASSERT_EQUAL(wc_faults_next_ns(f), 100000000);
	CU_ASSERT_EQUAL(send(cli, "a", 1, 0), 1);
	CU_ASSERT_EQUAL(send(cli, "b", 1, 0), 1);
	char got[256];
	drain(srv, got, sizeof got);
	CU_ASSERT_STRING_EQUAL(got, "");
	CU_ASSERT_EQUAL(wc_faults_tick(f, 100000000, errbuf), 0);
	CU_ASSERT_EQUAL(wc_faults_next_ns(f), -1);
	CU_ASSERT_EQUAL(send(cli, "c", 1, 0), 1);
	CU_ASSERT_EQUAL(send(cli, "d", 1, 0), 1);
	drain(srv, got, sizeof got);
	CU_ASSERT_STRING_EQUAL(got, "c,d");
	close(srv);
	close(cli);
	free_faults(f);
}

static void test_drop_by_index(void)
{
	struct wc_faults *f = new_faults(NULL);
	CU_ASSERT_FATAL(f != NULL);
	int srv = udp_server(7007), cli = udp_client(7007);
	CU_ASSERT_FATAL(srv >= 0 && cli >= 0);
	struct wc_fault_spec spec = {.kind = WC_FAULT_DROP, .until_ns = -1, .index = 3};
	int id = wc_faults_apply(f, &spec, errbuf);
	CU_ASSERT_FATAL(id >= 0);
	send_numbered(NULL, cli, 6);
	char got[256];
	drain(srv, got, sizeof got);
	CU_ASSERT_STRING_EQUAL(got, "1,2,4,5,6");
	/* ended, the fault drops nothing more */
	CU_ASSERT_EQUAL(wc_faults_end(f, id, errbuf), 0);
	send_numbered(NULL, cli, 3);
	drain(srv, got, sizeof got);
	CU_ASSERT_STRING_EQUAL(got, "1,2,3");
	close(srv);
	close(cli);
	free_faults(f);
}

static void test_drop_by_match(void)
{
	struct wc_faults *f = new_faults("[{\"at\": 0, \"kind\": \"drop\", \"match\": \"udp and dst port 7008\"},"
	                                 " {\"at\": 0, \"kind\": \"drop\", \"match\": \"dst port 7009\", \"index\": 2}]");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(wc_faults_tick(f, 0, errbuf), 0);
	int srv[3], cli[3];
	for (int i = 0; i < 3; i++) {
		srv[i] = udp_server(7007 + i);
		cli[i] = udp_client(7007 + i);
		CU_ASSERT_FATAL(srv[i] >= 0 && cli[i] >= 0);
	}
	for (int round = 0; round < 4; round++)
		for (int i = 0; i < 3; i++) {
			char text[4];
			snprintf(text, sizeof text, "%d", round + 1);
			CU_ASSERT_EQUAL(send(cli[i], text, 1, 0), 1);
		}
	const char *want[3] = {"1,2,3,4", "", "1,3,4"};
	for (int i = 0; i < 3; i++) {
		char got[256];
		drain(srv[i], got, sizeof got);
		CU_ASSERT_STRING_EQUAL(got, want[i]);
		close(srv[i]);
		close(cli[i]);
	}
	free_faults(f);
}

static void test_netem_unavailable(void)
{
	char why[WC_ERRBUF_SIZE];
	CU_ASSERT_EQUAL(wc_netem_available(why), 0);
	CU_ASSERT_STRING_EQUAL(why, "the kernel has no netem qdisc");
	struct wc_faults *f = new_faults("[{\"at\": 0, \"kind\": \"netem\", \"delay_ms\": 100}]");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_EQUAL(wc_faults_tick(f, 0, errbuf), WC_FAULT_UNAVAILABLE);
	CU_ASSERT_STRING_EQUAL(errbuf, "unavailable: the kernel has no netem qdisc");
	CU_ASSERT_EQUAL(wc_faults_next_ns(f), -1);
	free_faults(f);
}

static void test_schedule_refuses_bad_match(void)
{
	struct wc_faults *f = new_faults(NULL);
	CU_ASSERT_FATAL(f != NULL);
	json_object *faults = json_tokener_parse("[{\"at\": 1, \"kind\": \"cut\"},"
	                                         " {\"at\": 2, \"kind\": \"drop\", \"match\": \"udp and port {port}\"}]");
	CU_ASSERT_EQUAL(wc_faults_schedule(f, faults, 0.5, errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "match \"udp and port {port}\": port must be a number from 1 to 65535, "
	                               "got \"{port}\"");
	CU_ASSERT_EQUAL(wc_faults_next_ns(f), -1);
	/* times are scaled: at 1 s and 2 s with time_scale 0.5 */
	json_object_array_del_idx(faults, 1, 1);
	CU_ASSERT_EQUAL(wc_faults_schedule(f, faults, 0.5, errbuf), 0);
	CU_ASSERT_EQUAL(wc_faults_next_ns(f), 500000000);
	json_object_put(faults);
	free_faults(f);
}

/* ---- TCP across a cut ----------------------------------------------------- */

struct receiver {
	int lfd;
	char got[MESSAGES * MSG_LEN + 1];
	size_t len;
};

static void *receive_all(void *arg)
{
	struct receiver *r = arg;
	int fd = accept(r->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	struct timeval tv = {5, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	ssize_t n;
	while (r->len < sizeof r->got - 1 && (n = read(fd, r->got + r->len, sizeof r->got - 1 - r->len)) > 0)
		r->len += (size_t)n;
	close(fd);
	return NULL;
}

static void test_tcp_survives_cut(void)
{
	/* messages leave every 50 ms; the cut covers 125-425 ms, so 4 to 9 leave into it */
	struct wc_faults *f = new_faults("[{\"at\": 0.125, \"kind\": \"cut\", \"until\": 0.425}]");
	CU_ASSERT_FATAL(f != NULL);
	static struct receiver r;
	memset(&r, 0, sizeof r);
	r.lfd = socket_in(WC_HOST_SERVER, SOCK_STREAM);
	struct sockaddr_in sa = addr_of("10.0.0.2", TCP_PORT);
	CU_ASSERT_FATAL(r.lfd >= 0 && bind(r.lfd, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(r.lfd, 1) == 0);
	pthread_t th;
	CU_ASSERT_FATAL(pthread_create(&th, NULL, receive_all, &r) == 0);
	int cli = socket_in(WC_HOST_CLIENT, SOCK_STREAM);
	CU_ASSERT_FATAL(cli >= 0 && connect(cli, (struct sockaddr *)&sa, sizeof sa) == 0);
	int one = 1;
	setsockopt(cli, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

	char want[MESSAGES * MSG_LEN + 1];
	int64_t start = now_ns();
	for (int i = 0; i < MESSAGES; i++) {
		sleep_until(start + (int64_t)i * INTERVAL_MS * 1000000);
		CU_ASSERT_EQUAL(wc_faults_tick(f, now_ns() - start, errbuf), 0);
		char *msg = want + i * MSG_LEN;
		memset(msg, 'a' + i, MSG_LEN);
		snprintf(msg, MSG_LEN, "message %d:", i + 1);
		msg[strlen(msg)] = ' ';
		CU_ASSERT_EQUAL(write(cli, msg, MSG_LEN), MSG_LEN);
	}
	want[sizeof want - 1] = '\0';
	CU_ASSERT_EQUAL(wc_faults_next_ns(f), -1);
	/* message 4, lost at 150 ms, was sent again at the first timeout (about 350 ms) */
	struct tcp_info info;
	socklen_t len = sizeof info;
	CU_ASSERT_EQUAL(getsockopt(cli, IPPROTO_TCP, TCP_INFO, &info, &len), 0);
	CU_ASSERT(info.tcpi_total_retrans >= 1);
	close(cli);
	pthread_join(th, NULL);
	close(r.lfd);
	CU_ASSERT_EQUAL(r.len, MESSAGES * MSG_LEN);
	CU_ASSERT_STRING_EQUAL(r.got, want);
	free_faults(f);
}

/* The cut really cost something: the sender had to retransmit. Run after the transfer
 * above, on a fresh connection, so the retransmission counter is this one's. */
static void test_tcp_cut_forces_retransmission(void)
{
	struct wc_faults *f = new_faults(NULL);
	CU_ASSERT_FATAL(f != NULL);
	int lfd = socket_in(WC_HOST_SERVER, SOCK_STREAM);
	struct sockaddr_in sa = addr_of("10.0.0.2", TCP_PORT + 1);
	CU_ASSERT_FATAL(lfd >= 0 && bind(lfd, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(lfd, 1) == 0);
	int cli = socket_in(WC_HOST_CLIENT, SOCK_STREAM);
	CU_ASSERT_FATAL(cli >= 0 && connect(cli, (struct sockaddr *)&sa, sizeof sa) == 0);
	int srv = accept(lfd, NULL, NULL);
	struct wc_fault_spec cut = {.kind = WC_FAULT_CUT, .until_ns = -1};
	CU_ASSERT(wc_faults_apply(f, &cut, errbuf) >= 0);
	CU_ASSERT_EQUAL(write(cli, "x", 1), 1);
	sleep_until(now_ns() + 300 * 1000000LL);
	struct wc_fault_spec restore = {.kind = WC_FAULT_RESTORE, .until_ns = -1};
	CU_ASSERT_EQUAL(wc_faults_apply(f, &restore, errbuf), 0);
	struct timeval tv = {5, 0};
	setsockopt(srv, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char c = 0;
	CU_ASSERT_EQUAL(read(srv, &c, 1), 1);
	CU_ASSERT_EQUAL(c, 'x');
	struct tcp_info info;
	socklen_t len = sizeof info;
	CU_ASSERT_EQUAL(getsockopt(cli, IPPROTO_TCP, TCP_INFO, &info, &len), 0);
	CU_ASSERT(info.tcpi_total_retrans >= 1);
	close(cli);
	close(srv);
	close(lfd);
	free_faults(f);
}

static const struct wc_test fault_tests[] = {
	{"cut from datagram 4 to 6 by time: exactly the others arrive, in order", test_timed_cut},
	{"a restore brings traffic back", test_restore_ends_cut},
	{"drop by index drops exactly the Nth datagram", test_drop_by_index},
	{"drop by match drops only matching traffic, by index only the Nth of it", test_drop_by_match},
	{"netem: unavailable, with the reason", test_netem_unavailable},
	{"schedule: an unfilled placeholder is refused, times are scaled", test_schedule_refuses_bad_match},
	{"TCP: 10 messages across a 300 ms cut all arrive", test_tcp_survives_cut},
	{"TCP: a cut makes the sender retransmit", test_tcp_cut_forces_retransmission},
	{NULL, NULL},
};
static const struct wc_suite fault_suite = {"faults", fault_tests};

int main(int argc, char **argv)
{
	bool userns;
	if (wc_netns_init(&userns, errbuf) != 0) {
		printf("SKIP: %s\n", errbuf);
		return 77;
	}
	struct wc_topo_config cfg;
	json_object *veth = json_tokener_parse("{\"kind\": \"veth\"}");
	int rc = wc_topo_config_from_json(&cfg, veth, errbuf);
	json_object_put(veth);
	if (rc != 0 || wc_topo_up(&topo, &cfg, errbuf) != 0) {
		printf("SKIP: cannot build the veth topology: %s\n", errbuf);
		return 77;
	}
	ino_t inodes[3] = {wc_netns_inode(topo.host_fd[WC_HOST_CLIENT]), wc_netns_inode(topo.link_fd),
	                   wc_netns_inode(topo.host_fd[WC_HOST_SERVER])};
	if (wait_for_link() != 0) {
		wc_topo_down(&topo);
		fprintf(stderr, "no datagram crossed the bridge within 5 s\n");
		return 1;
	}
	struct wc_faults *probe = wc_faults_new(topo.link_fd, errbuf);
	if (!probe) {
		wc_topo_down(&topo);
		printf("SKIP: nftables bridge family unavailable in the link namespace: %s\n", errbuf);
		return 77;
	}
	wc_faults_free(probe);
	const struct wc_suite *const suites[] = {&fault_suite, NULL};
	rc = wc_unit_main(argc, argv, suites);
	wc_topo_down(&topo);
	for (int i = 0; i < 3; i++)
		if (netns_inode_alive(inodes[i])) {
			fprintf(stderr, "namespace %d of the topology is still alive after teardown\n", i);
			return 1;
		}
	return rc;
}
