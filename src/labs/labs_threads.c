/* labs_threads.c — a detached thread per client, counted out when done (labs_threads.h). */
#include "labs/labs_threads.h"

#include <errno.h>
#include <pthread.h>

#include "labs/labs_common.h"

static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static long done_count;

void lab_thread_start(void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	pthread_t t;
	pthread_attr_init(&attr);
	/* Detached: the thread's resources go back when it ends, nobody joins it. */
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	int err = pthread_create(&t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (err != 0) {
		errno = err;
		lab_die("pthread_create");
	}
}

void lab_thread_done(void)
{
	pthread_mutex_lock(&done_lock);
	done_count++;
	pthread_cond_signal(&done_cond);
	pthread_mutex_unlock(&done_lock);
}

void lab_threads_wait(long n)
{
	pthread_mutex_lock(&done_lock);
	while (done_count < n)
		pthread_cond_wait(&done_cond, &done_lock);
	pthread_mutex_unlock(&done_lock);
}
