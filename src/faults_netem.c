/* faults_netem.c — whether the kernel has the netem qdisc, asked of rtnetlink in a scratch namespace. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "errbuf.h"
#include "faults.h"

#define LOOPBACK_IFINDEX 1 /* lo is always the first interface of a new namespace */

struct probe {
	int available;
	char *why;
};

static void put_attr(struct nlmsghdr *n, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* Asks for a netem root qdisc on lo and reads the kernel's answer (an errno, 0 = made). */
static int ask_for_netem(int fd)
{
	union {
		struct nlmsghdr h;
		char buf[512];
	} req;
	memset(&req, 0, sizeof req);
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg));
	req.h.nlmsg_type = RTM_NEWQDISC;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	req.h.nlmsg_seq = 1;
	struct tcmsg *tc = NLMSG_DATA(&req.h);
	tc->tcm_family = AF_UNSPEC;
	tc->tcm_ifindex = LOOPBACK_IFINDEX;
	tc->tcm_parent = TC_H_ROOT;
	put_attr(&req.h, TCA_KIND, "netem", sizeof "netem");
	struct tc_netem_qopt opt = {.limit = 1000};
	put_attr(&req.h, TCA_OPTIONS, &opt, sizeof opt);
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
		return errno;
	union {
		struct nlmsghdr h;
		char buf[4096];
	} ans;
	ssize_t n = recv(fd, &ans, sizeof ans, 0);
	if (n < 0)
		return errno;
	if ((size_t)n < NLMSG_LENGTH(sizeof(struct nlmsgerr)) || ans.h.nlmsg_type != NLMSG_ERROR)
		return EPROTO;
	const struct nlmsgerr *e = NLMSG_DATA(&ans.h);
	return -e->error;
}

/* A thread of its own, so the scratch namespace is this thread's alone and goes away with it. */
static void *probe_thread(void *arg)
{
	struct probe *p = arg;
	if (unshare(CLONE_NEWNET) != 0) {
		wc_err_errno(p->why, errno, "cannot tell whether the kernel has netem: no scratch network namespace");
		return NULL;
	}
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		wc_err_errno(p->why, errno, "cannot tell whether the kernel has netem: rtnetlink socket");
		return NULL;
	}
	int e = ask_for_netem(fd);
	close(fd);
	if (e == 0)
		p->available = 1;
	else if (e == ENOENT)
		wc_err(p->why, "the kernel has no netem qdisc");
	else
		wc_err_errno(p->why, e, "cannot tell whether the kernel has netem: creating one failed");
	return NULL;
}

int wc_netem_available(char *why)
{
	struct probe p = {0, why};
	pthread_t th;
	int e = pthread_create(&th, NULL, probe_thread, &p);
	if (e != 0) {
		wc_err_errno(why, e, "cannot tell whether the kernel has netem: pthread_create");
		return 0;
	}
	pthread_join(th, NULL);
	return p.available;
}
