/* faults_sched.c — the scenario's faults as a timetable: each starts at `at`, ends at `until`. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "faults.h"
#include "faults_sched.h"

enum item_state { PENDING, ACTIVE, DONE };

struct wc_fault_item {
	struct wc_fault_spec spec;
	char *match; /* owned copy behind spec.match */
	int id;
	enum item_state state;
};

static const char *const kind_names[] = {"cut", "restore", "drop", "netem"};

static int seconds(json_object *o, const char *key, double scale, int64_t *out, size_t i, char *errbuf)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
		return wc_err(errbuf, "faults[%zu].%s: expected a number", i, key);
	double ns = json_object_get_double(v) * scale * 1e9;
	if (!(ns >= 0 && ns < 9.2e18))
		return wc_err(errbuf, "faults[%zu].%s: out of range", i, key);
	*out = (int64_t)(ns + 0.5);
	return 0;
}

static int load_one(json_object *o, double scale, size_t i, struct wc_fault_item *it, char *errbuf)
{
	memset(it, 0, sizeof *it);
	it->spec.until_ns = -1;
	json_object *v;
	const char *kind = json_object_object_get_ex(o, "kind", &v) ? json_object_get_string(v) : NULL;
	size_t k = 0;
	while (k < 4 && !(kind && strcmp(kind, kind_names[k]) == 0))
		k++;
	if (k == 4)
		return wc_err(errbuf, "faults[%zu].kind: must be one of cut, restore, drop, netem", i);
	it->spec.kind = (enum wc_fault_kind_id)k;
	if (!json_object_object_get_ex(o, "at", &v))
		return wc_err(errbuf, "faults[%zu]: missing required key \"at\"", i);
	if (seconds(o, "at", scale, &it->spec.at_ns, i, errbuf) != 0 ||
	    seconds(o, "until", scale, &it->spec.until_ns, i, errbuf) != 0)
		return -1;
	if (json_object_object_get_ex(o, "match", &v)) {
		it->match = strdup(json_object_get_string(v));
		if (!it->match)
			return wc_err(errbuf, "out of memory");
		it->spec.match = it->match;
		if (wc_faults_match_valid(it->match, errbuf) != 0)
			return -1;
	}
	if (json_object_object_get_ex(o, "index", &v))
		it->spec.index = (uint64_t)json_object_get_int64(v);
	if (json_object_object_get_ex(o, "delay_ms", &v))
		it->spec.delay_ms = json_object_get_int(v);
	if (json_object_object_get_ex(o, "loss_pct", &v))
		it->spec.loss_pct = json_object_get_double(v);
	if (json_object_object_get_ex(o, "reorder_pct", &v))
		it->spec.reorder_pct = json_object_get_double(v);
	it->id = -1;
	return 0;
}

/* The earliest due event: an end (until) before a start at the same time, so back-to-back
 * faults never overlap; otherwise scenario order. */
static struct wc_fault_item *next_due(struct wc_fault_sched *s, int64_t now_ns, bool *is_end)
{
	struct wc_fault_item *best = NULL;
	int64_t best_t = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct wc_fault_item *it = &s->items[i];
		bool end = it->state == ACTIVE && it->spec.until_ns >= 0;
		if (!(end || it->state == PENDING))
			continue;
		int64_t t = end ? it->spec.until_ns : it->spec.at_ns;
		if (t > now_ns)
			continue;
		if (!best || t < best_t || (t == best_t && end && !*is_end)) {
			best = it;
			best_t = t;
			*is_end = end;
		}
	}
	return best;
}

int wc_fault_sched_load(struct wc_fault_sched *s, json_object *faults, double time_scale, char *errbuf)
{
	wc_fault_sched_free(s);
	if (!faults)
		return 0;
	if (!json_object_is_type(faults, json_type_array))
		return wc_err(errbuf, "faults: expected an array");
	size_t n = json_object_array_length(faults);
	if (n == 0)
		return 0;
	s->items = calloc(n, sizeof *s->items);
	if (!s->items)
		return wc_err(errbuf, "out of memory");
	for (size_t i = 0; i < n; i++) {
		s->n = i + 1;
		if (load_one(json_object_array_get_idx(faults, i), time_scale, i, &s->items[i], errbuf) != 0) {
			wc_fault_sched_free(s);
			return -1;
		}
	}
	return 0;
}

int wc_fault_sched_run(struct wc_fault_sched *s, struct wc_faults *f, int64_t now_ns, char *errbuf)
{
	bool end = false;
	struct wc_fault_item *it;
	while ((it = next_due(s, now_ns, &end)) != NULL) {
		if (end) {
			it->state = DONE;
			if (wc_faults_end(f, it->id, errbuf) != 0)
				return -1;
			continue;
		}
		int id = wc_faults_apply(f, &it->spec, errbuf);
		it->state = DONE;
		if (id < 0)
			return id;
		if (it->spec.kind == WC_FAULT_RESTORE) {
			for (size_t i = 0; i < s->n; i++)
				if (s->items[i].state == ACTIVE && s->items[i].spec.kind == WC_FAULT_CUT)
					s->items[i].state = DONE;
		} else {
			it->id = id;
			it->state = ACTIVE;
		}
	}
	return 0;
}

int64_t wc_fault_sched_next(const struct wc_fault_sched *s)
{
	int64_t next = -1;
	for (size_t i = 0; i < s->n; i++) {
		const struct wc_fault_item *it = &s->items[i];
		int64_t t = it->state == PENDING ? it->spec.at_ns : it->state == ACTIVE ? it->spec.until_ns : -1;
		if (t >= 0 && (next < 0 || t < next))
			next = t;
	}
	return next;
}

void wc_fault_sched_free(struct wc_fault_sched *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->items[i].match);
	free(s->items);
	s->items = NULL;
	s->n = 0;
}
