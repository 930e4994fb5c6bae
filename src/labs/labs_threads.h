/* labs_threads.h — a thread per client, as tcp-server and fib-server do it: each client
 * on a detached thread of its own, counted out when it is done, so that the server can
 * wait for the last of --clients N before it exits (detached threads cannot be joined). */
#ifndef LABS_THREADS_H
#define LABS_THREADS_H

/* Run fn(arg) on a new detached thread with a small stack: the default (the stack rlimit,
 * often 8 MiB) per thread soon exhausts a tight address-space limit. Exits with a message
 * when no thread can be made. */
void lab_thread_start(void *(*fn)(void *), void *arg);

/* Called by a client's thread as its last act. */
void lab_thread_done(void);

/* Wait until n client threads have called lab_thread_done(). */
void lab_threads_wait(long n);

#endif
