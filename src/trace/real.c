/* real.c — the libc functions the preload library stands in front of, found with RTLD_NEXT. */
#include <dlfcn.h>

#include "trace/wctrace.h"

static const char *const fn_names[F_COUNT] = {
	"socket", "bind", "listen", "accept", "accept4", "connect", "send", "sendto",
	"sendmsg", "write", "writev", "recv", "recvfrom", "recvmsg", "read", "readv",
	"shutdown", "close", "setsockopt", "dup2", "dup3", "close_range", "closefrom",
	"__read_chk", "__recv_chk", "__recvfrom_chk",
};

static void *fn_ptr[F_COUNT];

/* Resolved eagerly by the constructor, so dlsym (which may allocate) does not run later
 * in a signal handler or a forked child; lazily only for calls made before it. */
void *real(enum fn f)
{
	void *p = __atomic_load_n(&fn_ptr[f], __ATOMIC_ACQUIRE);
	if (!p) {
		p = dlsym(RTLD_NEXT, fn_names[f]);
		__atomic_store_n(&fn_ptr[f], p, __ATOMIC_RELEASE);
	}
	return p;
}

void real_resolve_all(void)
{
	for (int f = 0; f < F_COUNT; f++)
		(void)real((enum fn)f);
}
