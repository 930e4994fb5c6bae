/* report_programs.c — how a live run's programs ended, in the words every report uses. */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>

#include "checks_proc.h"
#include "runrec.h"

/* Appends to buf at *n, never past len. */
__attribute__((format(printf, 4, 5))) static void add(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	if (*n >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (k > 0)
		*n += (size_t)k;
}

void wc_report_program_ended(const struct wc_run_role *r, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	if (!r->started) {
		add(buf, len, &n, "%s", r->note[0] ? r->note : "never started");
		return;
	}
	const char *sig = wc_proc_signame(r->term_signal);
	if (r->exited)
		add(buf, len, &n, "exited with status %d", r->exit_status);
	else if (sig)
		add(buf, len, &n, "was ended by %s", sig);
	else if (r->term_signal)
		add(buf, len, &n, "was ended by signal %d", r->term_signal);
	else
		add(buf, len, &n, "ended, how is unknown");
	add(buf, len, &n, " after %.2f s", r->wall_secs);
	if (r->timed_out)
		add(buf, len, &n, ": its time limit ran out");
	else if (r->stopped)
		add(buf, len, &n, ", stopped by wirecheck at the end of the run");
	/* the program itself is among the processes left when wirecheck had to end it */
	int others = r->procs_left - (r->zombies > 0 ? r->zombies : 0) - (r->timed_out || r->stopped ? 1 : 0);
	if (r->procs_left >= 0 && others > 0)
		add(buf, len, &n, "; %d other process%s of it still running, then killed", others, others == 1 ? "" : "es");
	if (r->zombies > 0)
		add(buf, len, &n, "; %d zombie%s left", r->zombies, r->zombies == 1 ? "" : "s");
	if (!r->traced)
		add(buf, len, &n, "; its socket calls were not traced");
	if (r->note[0])
		add(buf, len, &n, "; %s", r->note);
}
