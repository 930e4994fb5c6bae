/* faults_sched.h — the faults module's timetable, not part of its contract (see faults.h). */
#ifndef WC_FAULTS_SCHED_H
#define WC_FAULTS_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "faults.h"

struct wc_fault_item;

struct wc_fault_sched {
	struct wc_fault_item *items;
	size_t n;
};

int wc_fault_sched_load(struct wc_fault_sched *s, json_object *faults, double time_scale, char *errbuf);
int wc_fault_sched_run(struct wc_fault_sched *s, struct wc_faults *f, int64_t now_ns, char *errbuf);
int64_t wc_fault_sched_next(const struct wc_fault_sched *s);
void wc_fault_sched_free(struct wc_fault_sched *s);

#endif
