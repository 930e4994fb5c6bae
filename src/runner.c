/* runner.c — one scenario, live, from namespaces to verdict (runner.h): the order of the
 * steps, what is kept, and how a run the machine could not make becomes inconclusive. */
#include "runner_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "livecap.h"
#include "netns.h"

/* Everything one run holds while it goes on. */
struct run {
	const struct wc_scenario *s;
	const struct wc_run_opts *o;
	struct wc_run_result *res;
	struct wc_topo_config cfg;
	struct wc_topo topo;
	bool topo_up;
	struct wc_faults *faults;
	json_object *faults_filled;
	struct wc_livecap *caps[2];   /* files complete, sockets still closing until release */
	size_t ncap;
	struct wc_plan plan;
	struct wc_placeholders ph;
	char scratch[PATH_MAX];
	char unrun[WC_ERRBUF_SIZE];   /* why the run could not be made or finished; "" */
};

/* Why the run is unfit, in words; cut to the buffer, as every message here may be. */
__attribute__((format(printf, 2, 3))) static void unfit(struct run *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->unrun, sizeof r->unrun, fmt, ap);
	va_end(ap);
}

static double ms_since(long long t0)
{
	return (double)(wc_proc_now_ms() - t0);
}

/* ---- before the programs --------------------------------------------------------------- */

static int placeholders(struct run *r, char *errbuf)
{
	wc_placeholders_init(&r->ph);
	/* both validated: 1 to 65535 */
	unsigned short num = (unsigned short)(r->o->port ? r->o->port : wc_schema_int(r->s->root, "port", WC_RUN_DEFAULT_PORT));
	char port[8];
	snprintf(port, sizeof port, "%hu", num);
	if (wc_placeholders_set(&r->ph, "port", port, errbuf) != 0 ||
	    wc_placeholders_set(&r->ph, "server", r->cfg.server_addr, errbuf) != 0 ||
	    wc_placeholders_set(&r->ph, "client", r->cfg.client_addr, errbuf) != 0)
		return -1;
	wc_placeholders_from_run(&r->ph);
	struct wc_run_record *rec = &r->res->rec;
	snprintf(rec->port, sizeof rec->port, "%s", port);
	snprintf(rec->server, sizeof rec->server, "%s", r->cfg.server_addr);
	snprintf(rec->client, sizeof rec->client, "%s", r->cfg.client_addr);
	return 0;
}

/* The faults with their `match` placeholders filled (faults.h wants them filled). */
static int fill_faults(struct run *r, char *errbuf)
{
	if (!r->s->faults || json_object_array_length(r->s->faults) == 0)
		return 0;
	if (json_object_deep_copy(r->s->faults, &r->faults_filled, NULL) != 0)
		return wc_err(errbuf, "%s: out of memory", r->s->file);
	for (size_t i = 0, n = json_object_array_length(r->faults_filled); i < n; i++) {
		json_object *f = json_object_array_get_idx(r->faults_filled, i), *m;
		if (!json_object_object_get_ex(f, "match", &m))
			continue;
		char buf[512];
		const char *missing = wc_placeholders_text(&r->ph, json_object_get_string(m), buf, sizeof buf);
		if (missing)
			return wc_err(errbuf, "%s: faults[%zu].match: the placeholder {%s} has no value", r->s->file, i, missing);
		json_object_object_add(f, "match", json_object_new_string(buf));
	}
	return 0;
}

/* A netem fault on a kernel without netem: the run cannot show what the scenario asks. */
static bool netem_refused(struct run *r)
{
	for (size_t i = 0, n = r->faults_filled ? json_object_array_length(r->faults_filled) : 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(r->faults_filled, i);
		char why[WC_ERRBUF_SIZE];
		if (strcmp(wc_schema_str(f, "kind", ""), "netem") == 0 && !wc_netem_available(why)) {
			unfit(r, "faults[%zu] asks for netem: %s", i, why);
			return true;
		}
	}
	return false;
}

static int start_captures(struct run *r, struct wc_livecap **caps, size_t *n)
{
	bool veth = r->topo.kind == WC_TOPO_VETH;
	static const char *const tags[2] = {"client", "server"};
	struct wc_livecap_opts opts[2];
	*n = veth ? 2 : 1;
	for (size_t i = 0; i < *n; i++) {
		char path[PATH_MAX + 16];
		snprintf(path, sizeof path, "%s/%s.pcap", r->scratch, veth ? tags[i] : "lo");
		struct wc_run_capture *c = wc_run_add_capture(&r->res->rec, veth ? tags[i] : "", path, r->unrun);
		if (!c)
			return -1;
		opts[i] = (struct wc_livecap_opts){
			.device = wc_topo_capture_device(&r->topo),
			.netns_fd = wc_topo_host_netns(&r->topo, veth ? (enum wc_topo_host)i : WC_HOST_CLIENT),
			.path = c->path,
		};
	}
	if (wc_livecap_start_all(opts, *n, caps, r->unrun) != 0) {
		char why[WC_ERRBUF_SIZE];
		snprintf(why, sizeof why, "%s", r->unrun);
		unfit(r, "the capture could not start: %s", why);
		return -1;
	}
	return 0;
}

/* ---- after the programs ------------------------------------------------------------------ */

/* Captures, traces and run.json into keep_dir/NAME/; the record's paths follow them. */
static int keep_files(struct run *r, char *errbuf)
{
	char dir[PATH_MAX];
	if (snprintf(dir, sizeof dir, "%s/%s", r->o->keep_dir, r->s->name) >= (int)sizeof dir)
		return wc_err(errbuf, "--keep-pcap %s: path too long", r->o->keep_dir);
	if (wc_mkdirs(dir, errbuf) != 0)
		return -1;
	struct wc_run_record *rec = &r->res->rec;
	char to[PATH_MAX + 64];
	for (size_t i = 0; i < rec->cap_count; i++) {
		snprintf(to, sizeof to, "%s/%s", dir, strrchr(rec->caps[i].path, '/') + 1);
		char *copy = strdup(to);
		if (!copy || wc_file_move(rec->caps[i].path, to, errbuf) != 0) {
			free(copy);
			return copy ? -1 : wc_err(errbuf, "out of memory");
		}
		free(rec->caps[i].path);
		rec->caps[i].path = copy;
	}
	for (size_t i = 0; i < rec->role_count; i++) {
		struct wc_run_role *role = &rec->roles[i];
		if (!role->trace_path)
			continue;
		snprintf(to, sizeof to, "%s/%s.trace", dir, role->role);
		char *copy = strdup(to);
		if (!copy)
			return wc_err(errbuf, "out of memory");
		/* a program that made no socket call leaves no file: nothing to keep */
		if (wc_file_move(role->trace_path, to, errbuf) != 0)
			remove(to);
		free(role->trace_path);
		role->trace_path = copy;
	}
	snprintf(r->res->kept, sizeof r->res->kept, "%s", dir);
	return 0;
}

/* Every expectation inconclusive with the reason: the run could not show anything. */
static int outcome_unrun(struct run *r, char *errbuf)
{
	struct wc_outcome *o = &r->res->outcome;
	const struct wc_scenario *s = r->s;
	*o = (struct wc_outcome){.name = s->name, .summary = s->summary, .file = s->file, .placeholders = r->ph,
	                         .started = time(NULL), .run = &r->res->rec};
	o->results = calloc(s->expect_count ? s->expect_count : 1, sizeof *o->results);
	if (!o->results)
		return wc_err(errbuf, "%s: out of memory", s->file);
	for (size_t i = 0; i < s->expect_count; i++) {
		struct wc_result *res = &o->results[i];
		const struct wc_expect *e = &s->expect[i];
		snprintf(res->check, sizeof res->check, "%s", e->def->name);
		wc_placeholders_text(&r->ph, e->label, res->label, sizeof res->label);
		snprintf(res->path, sizeof res->path, "%s", e->path);
		res->points_max = e->points;
		res->verdict = WC_INCONCLUSIVE;
		wc_result_reason(res, "the live run could not be made: %s", r->unrun);
	}
	o->count = s->expect_count;
	wc_outcome_tally(o);
	snprintf(o->why, sizeof o->why, "the live run could not be made: %.700s", r->unrun);
	return 0;
}

/* A program that could not even be started makes the run unfit to judge: what the wire
 * shows is not what the scenario set up. */
static void unstarted_program(struct run *r)
{
	for (size_t i = 0; i < r->res->rec.role_count && !r->unrun[0]; i++) {
		const struct wc_run_role *role = &r->res->rec.roles[i];
		static const char prefix[] = "not started: ";
		if (!role->started && strncmp(role->note, prefix, sizeof prefix - 1) == 0)
			unfit(r, "the %s could not be started: %s", role->role, role->note + sizeof prefix - 1);
	}
}

/* Reports name the capture; one in the scratch directory is gone once they are read. */
static void not_kept(struct wc_view *v)
{
	char *name = NULL;
	if (asprintf(&name, "%s (not kept: --keep-pcap DIR keeps it)", strrchr(v->path, '/') + 1) < 0)
		return;
	free(v->path);
	v->path = name;
}

/* A capture point that lost packets cannot support any verdict, whether or not the
 * scenario asked for capture.health: the outcome is inconclusive, the results stay. */
static void distrust_lossy_captures(struct wc_run_result *res)
{
	struct wc_outcome *o = &res->outcome;
	for (size_t i = 0; i < res->rec.cap_count && o->verdict != WC_INCONCLUSIVE; i++) {
		const struct wc_run_capture *c = &res->rec.caps[i];
		if (c->cap.conclusive)
			continue;
		o->verdict = WC_INCONCLUSIVE;
		snprintf(o->why, sizeof o->why, "the %s%scapture is incomplete: %.600s", c->tag, c->tag[0] ? " " : "",
		         c->cap.reason);
	}
}

static int judge(struct run *r, char *errbuf)
{
	struct wc_run_result *res = r->res;
	if (r->o->keep_dir && keep_files(r, errbuf) != 0)
		return -1;
	if (r->o->keep_dir) {
		char path[PATH_MAX + 16];
		snprintf(path, sizeof path, "%s/run.json", res->kept);
		if (wc_run_record_save(&res->rec, path, errbuf) != 0)
			return -1;
	}
	unstarted_program(r);
	if (r->unrun[0])
		return outcome_unrun(r, errbuf);
	for (size_t i = 0; i < res->rec.cap_count; i++) {
		char why[WC_ERRBUF_SIZE];
		if (wc_view_load(res->rec.caps[i].path, res->rec.caps[i].tag, &res->views[i], why) != 0) {
			unfit(r, "the capture cannot be read back: %s", why);
			return outcome_unrun(r, errbuf);
		}
		res->view_count = i + 1;
		if (!r->o->keep_dir)
			not_kept(&res->views[i]);
	}
	if (wc_verdict_run(r->s, res->views, res->view_count, &r->ph, &res->rec, &res->outcome, errbuf) != 0)
		return -1;
	distrust_lossy_captures(res);
	return 0;
}

/* ---- the run ------------------------------------------------------------------------------- */

static void run_programs(struct run *r, char *errbuf)
{
	struct wc_livecap_result capres[2];
	long long t0 = wc_proc_now_ms();
	if (netem_refused(r))
		return;
	if (wc_topo_up(&r->topo, &r->cfg, r->unrun) != 0)
		return;
	r->topo_up = true;
	r->res->netns[0] = wc_netns_inode(r->topo.host_fd[WC_HOST_CLIENT]);
	if (r->topo.kind == WC_TOPO_VETH) {
		r->res->netns[1] = wc_netns_inode(r->topo.host_fd[WC_HOST_SERVER]);
		r->res->netns[2] = wc_netns_inode(r->topo.link_fd);
	}
	if (r->faults_filled) {
		if (!(r->faults = wc_faults_new(r->topo.link_fd, r->unrun)) ||
		    wc_faults_schedule(r->faults, r->faults_filled, wc_schema_num(r->s->root, "time_scale", 1.0), r->unrun) != 0)
			return;
	}
	if (start_captures(r, r->caps, &r->ncap) != 0) {
		r->ncap = 0;
		return;
	}
	r->res->setup_ms = ms_since(t0);
	struct wc_drive d = {.plan = &r->plan, .topo = &r->topo, .faults = r->faults, .cancel = r->o->cancel,
	                     .rec = &r->res->rec};
	if (wc_drive_run(&d, errbuf) != 0)
		unfit(r, "%s", errbuf);
	r->res->run_secs = d.run_secs;
	long long t1 = wc_proc_now_ms();
	usleep(WC_RUN_DRAIN_MS * 1000);
	char why[WC_ERRBUF_SIZE];
	if (wc_livecap_finish_all(r->caps, r->ncap, capres, why) != 0 && !r->unrun[0])
		unfit(r, "the capture could not be completed: %s", why);
	for (size_t i = 0; i < r->ncap; i++)
		r->res->rec.caps[i].cap = capres[i];
	if (d.cancelled && !r->unrun[0])
		unfit(r, "the run was interrupted before it ended");
	if (d.fault_failed && !r->unrun[0])
		unfit(r, "a fault could not be applied: %s", d.fault_why);
	r->res->teardown_ms = ms_since(t1) - WC_RUN_DRAIN_MS;
}

/* Sockets, faults and namespaces go on a thread of their own (runner_reap.c). */
static void release(struct run *r)
{
	long long t0 = wc_proc_now_ms();
	if (r->ncap || r->faults || r->topo_up) {
		struct wc_leftovers l = {.ncap = r->ncap, .faults = r->faults, .topo = r->topo, .topo_up = r->topo_up};
		memcpy(l.caps, r->caps, sizeof l.caps);
		wc_release_later(&l);
	}
	r->ncap = 0;
	r->faults = NULL;
	r->topo_up = false;
	r->res->teardown_ms += ms_since(t0);
}

int wc_run_scenario(const struct wc_scenario *s, const struct wc_run_opts *opts, struct wc_run_result *res,
                    char *errbuf)
{
	memset(res, 0, sizeof *res);
	struct run r = {.s = s, .o = opts, .res = res};
	char why[WC_ERRBUF_SIZE];
	if (wc_topo_config_from_json(&r.cfg, s->topology, why) != 0 || placeholders(&r, why) != 0)
		return wc_err(errbuf, "%s: %s", s->file, why);
	if (wc_scratch_make(opts->tmp_dir, s->name, r.scratch, sizeof r.scratch, errbuf) != 0)
		return -1;
	int rc = -1;
	if (wc_plan_build(s, opts, &r.ph, r.scratch, &r.plan, errbuf) != 0 || fill_faults(&r, errbuf) != 0)
		goto out;
	if (opts->refused)
		unfit(&r, "%s", opts->refused);
	else
		run_programs(&r, errbuf);
	/* the capture sockets close while the files are judged, and after */
	rc = judge(&r, errbuf);
out:
	release(&r);
	wc_plan_free(&r.plan);
	json_object_put(r.faults_filled);
	wc_tree_remove(r.scratch);
	if (rc != 0)
		wc_run_result_free(res);
	return rc;
}

void wc_run_result_free(struct wc_run_result *res)
{
	wc_outcome_free(&res->outcome);
	for (size_t i = 0; i < res->view_count; i++)
		wc_view_free(&res->views[i]);
	wc_run_record_free(&res->rec);
	memset(res, 0, sizeof *res);
}
