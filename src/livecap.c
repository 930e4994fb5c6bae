/* livecap.c — a libpcap capture thread per capture point, with trustworthy counts. */
#include "livecap.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SNAPLEN 262144
#define DEFAULT_BUFFER (4 << 20)
/* After the loop is broken, how long to keep reading while the kernel counts more
 * packets than were written (frames still on their way into the ring). */
#define DRAIN_LIMIT_MS 200

enum phase { STARTING, RUNNING, FAILED, WRITTEN };

struct wc_livecap {
	struct wc_livecap_opts opts;
	char path[4096];
	pthread_t thread;
	pcap_t *pcap;
	pcap_dumper_t *dumper;
	uint64_t written;
	/* the start handshake: the thread reports RUNNING or FAILED once */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	enum phase phase;
	char errbuf[WC_ERRBUF_SIZE];
	/* filled by the thread when it ends */
	struct wc_livecap_result res;
	int rc;
};

static void write_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct wc_livecap *c = (struct wc_livecap *)user;
	pcap_dump((u_char *)c->dumper, h, bytes);
	c->written++;
}

static int pcap_fail(char *errbuf, pcap_t *p, int status, const char *what, const char *device)
{
	const char *status_text = pcap_statustostr(status);
	const char *detail = pcap_geterr(p);
	if (!detail || !*detail || strcmp(detail, status_text) == 0)
		return wc_err(errbuf, "capture on %s: %s: %s", device, what, status_text);
	return wc_err(errbuf, "capture on %s: %s: %s: %s", device, what, status_text, detail);
}

static bool is_loopback(const char *device)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return false;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", device);
	bool lo = ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_LOOPBACK);
	close(s);
	return lo;
}

/* lo shows every packet twice, leaving and arriving. libpcap throws the outgoing copy
 * away after the kernel has counted it, so received would be twice written. Asking the
 * kernel not to queue outgoing packets to this socket at all makes both count the same
 * frames. (An "inbound" filter would do it too, but libpcap runs a new filter in userland
 * on the first ring block, where the packet-type test always fails: the first packet
 * would be lost.) */
static int ignore_outgoing(pcap_t *p, const char *device, char *errbuf)
{
	int one = 1;
	if (setsockopt(pcap_get_selectable_fd(p), SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0)
		return wc_err_errno(errbuf, errno, "capture on %s: PACKET_IGNORE_OUTGOING", device);
	return 0;
}

/* In the capture thread, inside the device's namespace. */
static int open_capture(struct wc_livecap *c, char *errbuf)
{
	const struct wc_livecap_opts *o = &c->opts;
	if (o->netns_fd >= 0 && setns(o->netns_fd, CLONE_NEWNET) != 0)
		return wc_err_errno(errbuf, errno, "capture on %s: setns into its namespace", o->device);
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(o->device, perr);
	if (!p)
		return wc_err(errbuf, "capture on %s: %s", o->device, perr);
	int st;
	if ((st = pcap_set_snaplen(p, o->snaplen > 0 ? o->snaplen : DEFAULT_SNAPLEN)) != 0 ||
	    (st = pcap_set_buffer_size(p, o->buffer_bytes > 0 ? o->buffer_bytes : DEFAULT_BUFFER)) != 0 ||
	    (st = pcap_set_immediate_mode(p, 1)) != 0 || (st = pcap_set_timeout(p, 10)) != 0) {
		pcap_fail(errbuf, p, st, "set options", o->device);
		goto fail;
	}
	st = pcap_activate(p);
	if (st < 0) {
		pcap_fail(errbuf, p, st, "activate", o->device);
		goto fail;
	}
	if (is_loopback(o->device) && ignore_outgoing(p, o->device, errbuf) != 0)
		goto fail;
	c->dumper = pcap_dump_open(p, c->path);
	if (!c->dumper) {
		wc_err(errbuf, "capture: cannot create %s: %s", c->path, pcap_geterr(p));
		goto fail;
	}
	c->pcap = p;
	return 0;
fail:
	pcap_close(p);
	return -1;
}

static void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Read whatever is queued without blocking until the written count reaches what the
 * kernel says it received (minus its drops), or the drain limit passes. */
static int drain(struct wc_livecap *c, struct pcap_stat *ps, char *errbuf)
{
	char perr[PCAP_ERRBUF_SIZE];
	if (pcap_setnonblock(c->pcap, 1, perr) != 0)
		return wc_err(errbuf, "capture: cannot drain: %s", perr);
	for (int waited = 0;; waited++) {
		int n;
		while ((n = pcap_dispatch(c->pcap, -1, write_frame, (u_char *)c)) > 0)
			;
		if (n < 0)
			return wc_err(errbuf, "capture: drain: %s", pcap_geterr(c->pcap));
		if (pcap_stats(c->pcap, ps) != 0)
			return wc_err(errbuf, "capture: pcap_stats: %s", pcap_geterr(c->pcap));
		if (c->written + ps->ps_drop >= ps->ps_recv || waited >= DRAIN_LIMIT_MS)
			return 0;
		nap_ms(1);
	}
}

static void judge(struct wc_livecap_result *res, const char *failure)
{
	res->conclusive = false;
	if (failure)
		snprintf(res->reason, sizeof res->reason, "%s", failure);
	else if (res->dropped)
		snprintf(res->reason, sizeof res->reason,
		         "the kernel dropped %llu of %llu captured packets (capture buffer full)",
		         (unsigned long long)res->dropped, (unsigned long long)res->received);
	else if (res->written != res->received)
		snprintf(res->reason, sizeof res->reason, "%llu packets passed the filter but %llu were written",
		         (unsigned long long)res->received, (unsigned long long)res->written);
	else
		res->conclusive = true;
}

/* After the loop: drain, count, complete the file. Runs in the capture thread, which then
 * closes the packet socket (a kernel grace period) on its own: the closes of several
 * capture points overlap, and with finish_all they overlap the reading of the files. */
static void finish(struct wc_livecap *c, int loop_rc)
{
	struct pcap_stat ps;
	memset(&ps, 0, sizeof ps);
	char failure[WC_ERRBUF_SIZE] = "";
	c->rc = 0;
	if (loop_rc == PCAP_ERROR)
		c->rc = wc_err(failure, "capture loop failed: %s", pcap_geterr(c->pcap));
	else if (drain(c, &ps, failure) != 0)
		c->rc = -1;
	if (pcap_dump_flush(c->dumper) != 0 && c->rc == 0)
		c->rc = wc_err(failure, "capture: writing %s failed", c->path);
	pcap_dump_close(c->dumper);
	c->res.received = ps.ps_recv;
	c->res.dropped = ps.ps_drop;
	c->res.written = c->written;
	judge(&c->res, c->rc != 0 ? failure : NULL);
}

static void report(struct wc_livecap *c, enum phase phase)
{
	pthread_mutex_lock(&c->lock);
	c->phase = phase;
	pthread_cond_signal(&c->changed);
	pthread_mutex_unlock(&c->lock);
}

static void *capture_thread(void *arg)
{
	struct wc_livecap *c = arg;
	char errbuf[WC_ERRBUF_SIZE] = "";
	if (open_capture(c, errbuf) != 0) {
		memcpy(c->errbuf, errbuf, sizeof errbuf);
		report(c, FAILED);
		return NULL;
	}
	report(c, RUNNING);
	finish(c, pcap_loop(c->pcap, -1, write_frame, (u_char *)c));
	/* the file is complete: the caller may read it while the socket closes */
	report(c, WRITTEN);
	pcap_close(c->pcap);
	return NULL;
}

static void free_capture(struct wc_livecap *c)
{
	pthread_cond_destroy(&c->changed);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static struct wc_livecap *launch(const struct wc_livecap_opts *opts, char *errbuf)
{
	struct wc_livecap *c = calloc(1, sizeof *c);
	if (!c) {
		wc_err(errbuf, "capture: out of memory");
		return NULL;
	}
	if (snprintf(c->path, sizeof c->path, "%s", opts->path) >= (int)sizeof c->path) {
		free(c);
		wc_err(errbuf, "capture: file name too long");
		return NULL;
	}
	c->opts = *opts;
	c->opts.path = c->path;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->changed, NULL);
	int rc = pthread_create(&c->thread, NULL, capture_thread, c);
	if (rc != 0) {
		wc_err_errno(errbuf, rc, "capture: cannot start the capture thread");
		free_capture(c);
		return NULL;
	}
	return c;
}

static enum phase wait_started(struct wc_livecap *c)
{
	pthread_mutex_lock(&c->lock);
	while (c->phase == STARTING)
		pthread_cond_wait(&c->changed, &c->lock);
	enum phase p = c->phase;
	pthread_mutex_unlock(&c->lock);
	return p;
}

int wc_livecap_start_all(const struct wc_livecap_opts *opts, size_t n, struct wc_livecap **caps, char *errbuf)
{
	size_t launched = 0;
	bool ok = true;
	for (; launched < n; launched++) {
		caps[launched] = launch(&opts[launched], errbuf);
		if (!caps[launched]) {
			ok = false;
			break;
		}
	}
	size_t running = 0;
	for (size_t i = 0; i < launched; i++) {
		if (wait_started(caps[i]) == RUNNING) {
			caps[running++] = caps[i];
			continue;
		}
		if (ok)
			wc_err(errbuf, "%s", caps[i]->errbuf);
		ok = false;
		pthread_join(caps[i]->thread, NULL);
		free_capture(caps[i]);
	}
	if (ok)
		return 0;
	/* undo the ones that did start: their files would be partial runs of nothing */
	struct wc_livecap_result res;
	for (size_t i = 0; i < running; i++) {
		char path[sizeof caps[i]->path];
		memcpy(path, caps[i]->path, sizeof path);
		wc_livecap_stop_all(&caps[i], 1, &res, NULL);
		remove(path);
	}
	for (size_t i = 0; i < n; i++)
		caps[i] = NULL;
	return -1;
}

struct wc_livecap *wc_livecap_start(const struct wc_livecap_opts *opts, char *errbuf)
{
	struct wc_livecap *c = NULL;
	return wc_livecap_start_all(opts, 1, &c, errbuf) == 0 ? c : NULL;
}

int wc_livecap_finish_all(struct wc_livecap **caps, size_t n, struct wc_livecap_result *res, char *errbuf)
{
	for (size_t i = 0; i < n; i++)
		pcap_breakloop(caps[i]->pcap);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct wc_livecap *c = caps[i];
		pthread_mutex_lock(&c->lock);
		while (c->phase != WRITTEN)
			pthread_cond_wait(&c->changed, &c->lock);
		pthread_mutex_unlock(&c->lock);
		res[i] = c->res;
		if (c->rc != 0 && rc == 0)
			rc = wc_err(errbuf, "%s", c->res.reason);
	}
	return rc;
}

void wc_livecap_release_all(struct wc_livecap **caps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!caps[i])
			continue;
		pthread_join(caps[i]->thread, NULL);
		free_capture(caps[i]);
		caps[i] = NULL;
	}
}

int wc_livecap_stop_all(struct wc_livecap **caps, size_t n, struct wc_livecap_result *res, char *errbuf)
{
	int rc = wc_livecap_finish_all(caps, n, res, errbuf);
	wc_livecap_release_all(caps, n);
	return rc;
}

int wc_livecap_stop(struct wc_livecap *c, struct wc_livecap_result *res, char *errbuf)
{
	return wc_livecap_stop_all(&c, 1, res, errbuf);
}
