/* cmd_run.c — `wirecheck run`: scenarios run live, one after another or N at once, and
 * their reports (cmd_run.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_reports.h"
#include "cmd_run.h"
#include "netns.h"
#include "report.h"
#include "runner.h"

enum { EXIT_USAGE = 2 };
enum { OPT_PROGRAM = 256, OPT_KEEP, OPT_REPORT, OPT_SET, OPT_VARIANT };
#define MAX_JOBS 16

static const char usage_text[] =
	"Usage: wirecheck run SCENARIO.json|DIR... [--program ROLE=COMMAND]...\n"
	"                     [--variant NAME] [--keep-pcap DIR] [--report FORMAT:PATH]...\n"
	"                     [--set port=N] [-j N]\n"
	"\n"
	"Run scenarios live: fresh network namespaces, a capture on every host, the\n"
	"scenario's programs with their timing, signals and link faults; then judge the\n"
	"saved captures and the programs' record against the expectations.\n"
	"\n"
	"  SCENARIO.json|DIR       a scenario, or a directory: every *.json in it, by name\n"
	"  --program ROLE=COMMAND  run COMMAND (split at blanks; quotes group) in place of\n"
	"                          ROLE's program, e.g. server='./a.out {port}'; repeatable\n"
	"  --variant NAME          run the scenario's faulty variant NAME (its `variants`):\n"
	"                          a classic mistake the scenario must catch\n"
	"  --keep-pcap DIR         keep DIR/NAME/{lo,client,server}.pcap, ROLE.trace and\n"
	"                          run.json; `wirecheck check --run` judges them again\n"
	"  --report FORMAT:PATH    write a report: FORMAT text, json or junit; PATH - is\n"
	"                          standard output; repeatable (default: text:-)\n"
	"  --set port=N            the server port ({port}) instead of the scenario's\n"
	"  -j, --jobs N            run N scenarios at once (1-16; default 1); every check's\n"
	"                          verdict is the same as one at a time\n"
	"  -h, --help              show this help\n"
	"\n"
	"As root the runs use network namespaces; otherwise a user namespace first. What\n"
	"the machine refuses makes a scenario inconclusive, with the reason. See doc/run.md.\n"
	"Exit status: 0 every scenario passed; 1 a check failed; 2 usage or scenario error;\n"
	"3 inconclusive (the run could not show what a scenario asks).\n";

static const struct option long_options[] = {
	{"program", required_argument, NULL, OPT_PROGRAM},
	{"keep-pcap", required_argument, NULL, OPT_KEEP},
	{"variant", required_argument, NULL, OPT_VARIANT},
	{"report", required_argument, NULL, OPT_REPORT},
	{"set", required_argument, NULL, OPT_SET},
	{"jobs", required_argument, NULL, 'j'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct run_cmd {
	struct wc_run_override *overrides;
	size_t override_count;
	struct wc_report_reqs reports;
	const char *keep_dir;
	const char *variant;
	int port;
	int jobs;
	bool help;
	char **files;               /* scenario files, owned */
	size_t file_count;
};

/* One scenario of the command: loaded, run, judged. */
struct job {
	const char *file;
	struct wc_scenario *s;
	struct wc_run_override *overrides; /* those whose role it has (borrowed), then the variant's */
	size_t override_count;
	struct wc_run_override variant;    /* --variant as an override (owned); argv NULL: none */
	struct wc_run_result res;
	bool done;
	int status;                 /* 0, or EXIT_USAGE with error */
	char error[WC_ERRBUF_SIZE];
};

struct pool {
	struct job *jobs;
	size_t count;
	atomic_size_t next, finished;
	struct wc_run_opts base;
	const char *variant;
	FILE *err;
	pthread_mutex_t lock;       /* the progress lines */
};

static atomic_int cancel_flag;

/* First signal: wind the runs down in order (programs stopped, namespaces released).
 * Second: close every namespace and leave at once. */
static void on_signal(int sig)
{
	if (atomic_exchange(&cancel_flag, 1)) {
		wc_netns_cleanup();
		_exit(128 + sig);
	}
}

/* ---- arguments ---------------------------------------------------------------------------- */

static int parse_int(const char *arg, int lo, int hi, const char *what, int *out, char *errbuf)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < lo || v > hi)
		return wc_err(errbuf, "run: %s must be a number from %d to %d, not '%s'", what, lo, hi, arg);
	*out = (int)v;
	return 0;
}

static int add_set(struct run_cmd *cmd, const char *arg, char *errbuf)
{
	if (strncmp(arg, "port=", 5) != 0)
		return wc_err(errbuf, "run: --set takes only port=N in a live run ({server} and {client} are the "
		                      "topology's addresses), not '%s'", arg);
	return parse_int(arg + 5, 1, 65535, "the port", &cmd->port, errbuf);
}

static int add_file(struct run_cmd *cmd, const char *path, char *errbuf)
{
	char **grown = realloc(cmd->files, (cmd->file_count + 1) * sizeof *grown);
	if (!grown || !(grown[cmd->file_count] = strdup(path))) {
		if (grown)
			cmd->files = grown;
		return wc_err(errbuf, "out of memory");
	}
	cmd->files = grown;
	cmd->file_count++;
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int json_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

/* A scenario file, or every *.json of a directory in name order. */
static int add_target(struct run_cmd *cmd, const char *arg, char *errbuf)
{
	struct stat st;
	if (stat(arg, &st) != 0)
		return wc_err_errno(errbuf, errno, "run: %s", arg);
	if (!S_ISDIR(st.st_mode))
		return add_file(cmd, arg, errbuf);
	struct dirent **list;
	int n = scandir(arg, &list, json_file, by_name);
	if (n < 0)
		return wc_err_errno(errbuf, errno, "run: cannot read the directory %s", arg);
	int rc = n == 0 ? wc_err(errbuf, "run: %s holds no *.json scenario", arg) : 0;
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s%s%s", arg, arg[strlen(arg) - 1] == '/' ? "" : "/", list[i]->d_name);
		if (rc == 0)
			rc = add_file(cmd, path, errbuf);
		free(list[i]);
	}
	free(list);
	return rc;
}

static int parse(int argc, char **argv, struct run_cmd *cmd, char *errbuf)
{
	opterr = 0;
	optind = 1;
	cmd->jobs = 1;
	int c;
	while ((c = getopt_long(argc, argv, ":hj:", long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd->help = true;
			return 0;
		case 'j':
			if (parse_int(optarg, 1, MAX_JOBS, "-j", &cmd->jobs, errbuf) != 0)
				return -1;
			break;
		case OPT_PROGRAM:
			if (wc_run_override_parse(optarg, &cmd->overrides[cmd->override_count], errbuf) != 0) {
				char msg[WC_ERRBUF_SIZE];
				snprintf(msg, sizeof msg, "%s", errbuf);
				return wc_err(errbuf, "run: %s", msg);
			}
			cmd->override_count++;
			break;
		case OPT_KEEP:
			cmd->keep_dir = optarg;
			break;
		case OPT_VARIANT:
			if (cmd->variant)
				return wc_err(errbuf, "run: one --variant at a time");
			cmd->variant = optarg;
			break;
		case OPT_REPORT:
			if (wc_report_reqs_add(&cmd->reports, "run", optarg, errbuf) != 0)
				return -1;
			break;
		case OPT_SET:
			if (add_set(cmd, optarg, errbuf) != 0)
				return -1;
			break;
		case ':':
			return wc_err(errbuf, "run: %s needs a value", optopt == 'j' ? "-j" : argv[optind - 1]);
		default:
			if (optopt && optopt < 256)
				return wc_err(errbuf, "run: unknown option '-%c'", optopt);
			return wc_err(errbuf, "run: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind == argc)
		return wc_err(errbuf, "run: no scenario given");
	for (int i = optind; i < argc; i++)
		if (add_target(cmd, argv[i], errbuf) != 0)
			return -1;
	wc_report_reqs_default(&cmd->reports);
	return 0;
}

/* ---- the runs ------------------------------------------------------------------------------- */

static bool has_role(const struct wc_scenario *s, const char *role)
{
	for (size_t i = 0, n = s->programs ? json_object_array_length(s->programs) : 0; i < n; i++)
		if (strcmp(wc_schema_str(json_object_array_get_idx(s->programs, i), "role", ""), role) == 0)
			return true;
	return false;
}

/* --variant NAME as an override of its role: the scenario must have it, and no --program
 * may replace the same role. */
static int add_variant(const struct run_cmd *cmd, struct job *j, char *errbuf)
{
	json_object *v = wc_scenario_variant(j->s, cmd->variant);
	if (!v)
		return wc_err(errbuf, "run: --variant %s: %s has no such variant", cmd->variant, j->file);
	const char *role = wc_schema_str(v, "role", "");
	for (size_t k = 0; k < j->override_count; k++)
		if (strcmp(j->overrides[k].role, role) == 0)
			return wc_err(errbuf, "run: --variant %s and --program %s both replace the %s", cmd->variant, role, role);
	json_object *argv = json_object_object_get(v, "argv");
	size_t n = json_object_array_length(argv);
	snprintf(j->variant.role, sizeof j->variant.role, "%s", role);
	if (!(j->variant.argv = calloc(n + 1, sizeof *j->variant.argv)))
		return wc_err(errbuf, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (!(j->variant.argv[i] = strdup(json_object_get_string(json_object_array_get_idx(argv, i)))))
			return wc_err(errbuf, "out of memory");
	const char *ready = wc_schema_str(v, "ready", NULL);
	if (ready && !(j->variant.ready = strdup(ready)))
		return wc_err(errbuf, "out of memory");
	j->overrides[j->override_count++] = j->variant;
	return 0;
}

/* Load every scenario first: a bad file stops the command before anything runs. Each
 * override goes to the scenarios that have its role; one that fits none is an error. */
static int load_all(struct run_cmd *cmd, struct job *jobs, char *errbuf)
{
	for (size_t i = 0; i < cmd->file_count; i++) {
		jobs[i].file = cmd->files[i];
		if (!(jobs[i].s = wc_scenario_load(cmd->files[i], errbuf)))
			return -1;
		if (!(jobs[i].overrides = calloc(cmd->override_count + 1, sizeof *jobs[i].overrides)))
			return wc_err(errbuf, "out of memory");
		for (size_t k = 0; k < cmd->override_count; k++)
			if (has_role(jobs[i].s, cmd->overrides[k].role))
				jobs[i].overrides[jobs[i].override_count++] = cmd->overrides[k];
		if (cmd->variant && add_variant(cmd, &jobs[i], errbuf) != 0)
			return -1;
		for (size_t k = 0; k < i; k++)
			if (strcmp(jobs[k].s->name, jobs[i].s->name) == 0 && cmd->keep_dir)
				return wc_err(errbuf, "run: %s and %s are both named \"%s\": their kept files would mix",
				              jobs[k].file, jobs[i].file, jobs[i].s->name);
	}
	for (size_t k = 0; k < cmd->override_count; k++) {
		bool used = false;
		for (size_t i = 0; i < cmd->file_count; i++)
			used |= has_role(jobs[i].s, cmd->overrides[k].role);
		if (!used)
			return wc_err(errbuf, "run: --program %s: no scenario given has a program with that role",
			              cmd->overrides[k].role);
	}
	return 0;
}

static void progress(struct pool *p, struct job *j)
{
	size_t done = atomic_fetch_add(&p->finished, 1) + 1;
	pthread_mutex_lock(&p->lock);
	if (j->status)
		fprintf(p->err, "[%zu/%zu] %s: error: %s\n", done, p->count, j->s->name, j->error);
	else
		fprintf(p->err, "[%zu/%zu] %s: %s (%.1f s)\n", done, p->count, j->s->name,
		        wc_verdict_name(j->res.outcome.verdict), j->res.run_secs);
	fflush(p->err);
	pthread_mutex_unlock(&p->lock);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	size_t i;
	while ((i = atomic_fetch_add(&p->next, 1)) < p->count) {
		struct job *j = &p->jobs[i];
		struct wc_run_opts o = p->base;
		o.overrides = j->overrides;
		o.override_count = j->override_count;
		if (wc_run_scenario(j->s, &o, &j->res, j->error) != 0) {
			j->status = EXIT_USAGE;
		} else if (j->variant.argv) {
			json_object *v = wc_scenario_variant(j->s, p->variant);
			j->res.outcome.variant = p->variant;
			j->res.outcome.variant_summary = wc_schema_str(v, "summary", NULL);
		}
		j->done = true;
		progress(p, j);
	}
	return NULL;
}

static int run_pool(struct pool *p, int jobs, char *errbuf)
{
	pthread_t t[MAX_JOBS];
	int started = 0;
	if ((size_t)jobs > p->count)
		jobs = (int)p->count;
	for (; started < jobs; started++) {
		int rc = pthread_create(&t[started], NULL, worker, p);
		if (rc != 0) {
			if (started == 0)
				return wc_err_errno(errbuf, rc, "run: cannot start a thread");
			break;
		}
	}
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	return 0;
}

/* The reports of every scenario judged, in the order given; the exit status, or -1. */
static int write_reports(struct run_cmd *cmd, const struct job *jobs, FILE *out, char *errbuf)
{
	struct wc_outcome *o = calloc(cmd->file_count, sizeof *o);
	if (!o)
		return wc_err(errbuf, "out of memory");
	size_t n = 0;
	int status = 0;
	for (size_t i = 0; i < cmd->file_count; i++) {
		if (jobs[i].done && !jobs[i].status)
			o[n++] = jobs[i].res.outcome;
		else
			status = EXIT_USAGE;
	}
	int rc = wc_report_reqs_write(&cmd->reports, "run", out, o, n, errbuf);
	if (status == 0)
		status = wc_verdict_exit_status(wc_verdict_combine(o, n));
	free(o);
	return rc ? -1 : status;
}

static int run_all(struct run_cmd *cmd, FILE *out, FILE *err, char *errbuf)
{
	struct job *jobs = calloc(cmd->file_count, sizeof *jobs);
	if (!jobs)
		return wc_err(errbuf, "out of memory");
	int status = -1;
	struct wc_runner_env env = {0};
	char refused[WC_ERRBUF_SIZE] = "";
	if (load_all(cmd, jobs, errbuf) != 0 || wc_report_reqs_open(&cmd->reports, "run", out, errbuf) != 0)
		goto out;
	/* the user namespace must come before any thread (netns.h) */
	if (wc_netns_init(&env.userns, refused) != 0 && !refused[0])
		snprintf(refused, sizeof refused, "network namespaces are refused");
	wc_runner_env_find(&env);
	struct pool p = {.jobs = jobs, .count = cmd->file_count, .err = err, .variant = cmd->variant};
	p.base = (struct wc_run_opts){.env = &env, .keep_dir = cmd->keep_dir, .port = cmd->port, .cancel = &cancel_flag,
	                              .refused = refused[0] ? refused : NULL};
	pthread_mutex_init(&p.lock, NULL);
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	struct sigaction old_int, old_term;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	int rc = run_pool(&p, cmd->jobs, errbuf);
	wc_runner_settle();
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	pthread_mutex_destroy(&p.lock);
	if (rc == 0)
		status = write_reports(cmd, jobs, out, errbuf);
out:
	wc_report_reqs_close(&cmd->reports, out);
	for (size_t i = 0; i < cmd->file_count; i++) {
		if (jobs[i].status)
			fprintf(err, "wirecheck: %s\n", jobs[i].error);
		wc_run_result_free(&jobs[i].res);
		wc_run_override_free(&jobs[i].variant);
		free(jobs[i].overrides);
		if (jobs[i].s)
			wc_scenario_free(jobs[i].s);
	}
	free(jobs);
	return status;
}

int wc_cmd_run_main(int argc, char **argv, FILE *out, FILE *err)
{
	char errbuf[WC_ERRBUF_SIZE];
	struct run_cmd cmd = {0};
	size_t slots = argc > 0 ? (size_t)argc : 1;
	cmd.overrides = calloc(slots, sizeof *cmd.overrides);
	cmd.reports.v = calloc(slots, sizeof *cmd.reports.v);
	int status;
	if (!cmd.overrides || !cmd.reports.v) {
		fputs("wirecheck: out of memory\n", err);
		status = EXIT_USAGE;
	} else if (parse(argc, argv, &cmd, errbuf) != 0) {
		fprintf(err, "wirecheck: %s\nTry 'wirecheck run --help'.\n", errbuf);
		status = EXIT_USAGE;
	} else if (cmd.help) {
		fputs(usage_text, out);
		status = 0;
	} else if ((status = run_all(&cmd, out, err, errbuf)) < 0) {
		fprintf(err, "wirecheck: %s\n", errbuf);
		status = EXIT_USAGE;
	}
	for (size_t i = 0; i < cmd.override_count; i++)
		wc_run_override_free(&cmd.overrides[i]);
	for (size_t i = 0; i < cmd.file_count; i++)
		free(cmd.files[i]);
	free(cmd.files);
	free(cmd.overrides);
	free(cmd.reports.v);
	return status;
}
