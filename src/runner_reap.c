/* runner_reap.c — what a finished run leaves to release (its capture sockets, its
 * nftables table, its namespaces), released on a thread of its own.
 *
 * Closing a packet socket waits for kernel RCU grace periods, some 25 ms on this kind of
 * machine, and the namespaces go only after that. Nothing in the verdict depends on it, so
 * the run returns at once and the next one starts while the kernel finishes: a batch of
 * scenarios no longer waits for every close in turn. wc_runner_settle() waits for them all.
 */
#include "runner_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_done = PTHREAD_COND_INITIALIZER;
static int pending;

static void release_now(struct wc_leftovers *l)
{
	wc_livecap_release_all(l->caps, l->ncap);
	wc_faults_free(l->faults);
	if (l->topo_up)
		wc_topo_down(&l->topo);
}

static void *reaper(void *arg)
{
	struct wc_leftovers *l = arg;
	release_now(l);
	free(l);
	pthread_mutex_lock(&lock);
	if (--pending == 0)
		pthread_cond_broadcast(&all_done);
	pthread_mutex_unlock(&lock);
	return NULL;
}

void wc_release_later(const struct wc_leftovers *what)
{
	struct wc_leftovers *l = malloc(sizeof *l);
	pthread_attr_t attr;
	pthread_t t;
	if (l && pthread_attr_init(&attr) == 0) {
		*l = *what;
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_mutex_lock(&lock);
		pending++;
		int rc = pthread_create(&t, &attr, reaper, l);
		if (rc != 0)
			pending--;
		pthread_mutex_unlock(&lock);
		pthread_attr_destroy(&attr);
		if (rc == 0)
			return;
	}
	/* no memory or no thread: release on the caller's time instead */
	struct wc_leftovers copy = *what;
	free(l);
	release_now(&copy);
}

void wc_runner_settle(void)
{
	pthread_mutex_lock(&lock);
	while (pending)
		pthread_cond_wait(&all_done, &lock);
	pthread_mutex_unlock(&lock);
}
