/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* cmd-export.c: stepup export: the checklist of a planned upgrade, or the
 * report of a run from the journal, as text, Markdown or HTML. */
#include "config.h"

#include <errno.h>
#include <getopt.h>	/* optind, optarg */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "export.h"
#include "journal.h"
#include "plan.h"
#include "catalog.h"
#include "runbook.h"
#include "steps.h"
#include "util.h"

extern char **environ;

#define EXPORT_OPTIONS(X)						\
	X(FROM, "from", 0, "V", "the installed version (default: probed)")	\
	X(TO, "to", 0, "V", "the target (default: the newest available)")	\
	X(VAR, "var", 0, "N=V",						\
	    "the answer of variable N, for the policy's\n"		\
	    "`when` (the checklist names what applied)")		\
	X(RUN, "run", 0, "ID", "the report of run ID instead")		\
	X(FORMAT, "format", 0, "txt|md|html",				\
	    "txt (default, 80 columns), md or html (print)")		\
	X(OUTPUT, "output", 'o', "FILE",				\
	    "write to FILE instead of standard output")			\
	X(DATE, "date", 0, "TEXT",					\
	    "the date shown (default: now, or\n$SOURCE_DATE_EPOCH)")	\
	X(HOST, "host", 0, "NAME", "the host shown (default: this host)") \
	CLI_HOSTS_OPTIONS(X)
CLI_OPTIONS_ENUM(EXPORT_OPTIONS);
CLI_OPTIONS_TABLE(export_options, EXPORT_OPTIONS);

/* A variable's answer among the export's, for the policy's `when`. */
static const char *
export_answer(void *arg, const char *name)
{
	return step_env_get(arg, name, NULL);
}

/* The plan of the checklist: the catalog and the installed version (unless
 * --from gives it) resolved as `stepup plan` resolves them (catalog.c),
 * with env's variables; to is --to or the default target. Returns an
 * EXIT_* status. */
static int
checklist_plan(const struct runbook *rb, const char *from, const char *to,
    const struct step_env *env, struct plan **out)
{
	struct catalog_probe	 probe = { NULL, NULL, NULL, NULL };
	struct plan_catalog	*cat = NULL;
	struct plan_refusal	*ref = NULL;
	struct rb_policy	*policy;
	char			**base, **envp, *installed = NULL;
	char			*cause = NULL;
	int			 st = EXIT_FAILED;

	*out = NULL;
	base = catalog_env(rb, NULL);
	probe.envp = envp = step_env_envp(env, base);
	probe.dir = rb->dir;
	catalog_env_free(base);
	if (from == NULL)
		from = installed = catalog_installed(rb, &probe, &st, &cause);
	if (from != NULL)
		cat = catalog_resolve(rb, &probe, &st, &cause);
	step_envp_free(envp);
	if (cat == NULL) {
		escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		free(installed);
		return st;
	}
	/* Nothing newer than the installed version: nothing to do, not a
	 * downgrade to the newest. */
	if (to == NULL)
		to = plan_default_target(cat, from);
	policy = plan_policy_when(&rb->policy, export_answer, (void *)env);
	st = plan_compute(cat, policy, from, to, out, &ref);
	plan_policy_free(policy);
	if (st != 0 && ref != NULL &&
	    strcmp(ref->rule, "invalid-version") == 0) {
		escape_printf(stderr, "stepup: %s\n", ref->message);
		st = EXIT_USAGE;
	} else if (st != 0 && ref != NULL)
		escape_printf(stderr, "stepup: no allowed path from %s to %s "
		    "(%s)\n%s\n", from, to, ref->rule, ref->message);
	plan_refusal_free(ref);
	free(installed);
	plan_catalog_free(cat);
	return st;
}

static int
export_checklist_cmd(const char *path, const char *from, const char *to,
    char *const *vars, const char *inv_file, const char *limit,
    enum export_format fmt, const struct export_meta *meta, char **text)
{
	struct rb_diags		 d;
	struct runbook		*rb;
	struct plan		*plan = NULL;
	struct step_env		 env = { NULL, 0, NULL };
	struct export_doc	*doc;
	const char		**env_values;
	char			*cause = NULL;
	size_t			 i;
	int			 st;

	if (cli_runbook_missing(path))
		return EXIT_USAGE;
	rb_diags_init(&d);
	rb = runbook_load(path, &d);
	rb_diags_print(&d, stderr);
	rb_diags_free(&d);
	if (rb == NULL)
		return EXIT_USAGE;
	if (cli_inventory(rb, inv_file, limit, NULL) != EXIT_DONE) {
		runbook_free(rb);
		return EXIT_USAGE;
	}

	env_values = xcalloc(rb->n_vars + 1, sizeof *env_values);
	for (i = 0; i < rb->n_vars; i++) {
		if (rb->vars[i].source == RB_VAR_ENV)
			env_values[i] = getenv(rb->vars[i].env);
	}
	/* The probes see the values known now (not the placeholders). */
	{
		struct plan	 probe_plan = {
			(char *)(from != NULL ? from : ""),
			(char *)(to != NULL ? to : ""), NULL, 0, { NULL, 0 }
		};
		struct step_env	 penv = { NULL, 0, NULL };

		export_checklist_env(rb, &probe_plan, env_values, &penv);
		for (i = 0; i < penv.n; i++) {
			if (penv.v[i].value[0] != '<')
				step_env_set(&env, penv.v[i].name,
				    penv.v[i].value, false);
		}
		step_env_free(&penv);
	}
	/* --var NAME=VALUE: an answer for the policy's `when`; an asked
	   variable that one names is not guessed */
	for (i = 0; vars != NULL && vars[i] != NULL; i++) {
		char *name = xstrndup(vars[i], strcspn(vars[i], "="));

		step_env_set(&env, name, vars[i] + strlen(name) + 1, false);
		free(name);
	}
	for (i = 0; i < rb->n_vars; i++)
		if (plan_policy_asks(&rb->policy, rb->vars[i].name) &&
		    step_env_get(&env, rb->vars[i].name, NULL) == NULL)
			cli_usage_error(&cmd_export_entry, "the policy depends on the "
			    "answer of %s (%s): give --var %s=VALUE",
			    rb->vars[i].name, rb->vars[i].ask != NULL ?
			    rb->vars[i].ask : "no default", rb->vars[i].name);
	st = checklist_plan(rb, from, to, &env, &plan);
	step_env_free(&env);
	if (st != 0)
		goto out;
	if (plan->n_hops == 0) {
		escape_printf(stderr, "stepup: %s %s is installed: nothing to "
		    "upgrade\n", rb->product, plan->from);
		st = EXIT_DONE;
		goto out;
	}
	if ((doc = export_checklist_plan(rb, plan, env_values, meta,
	    &cause)) == NULL) {
		escape_printf(stderr, "stepup: %s: %s\n", rb->path, cause);
		free(cause);
		st = EXIT_USAGE;
		goto out;
	}
	*text = export_render(doc, fmt);
	export_doc_free(doc);
out:
	free(env_values);
	step_env_free(&env);
	plan_free(plan);
	runbook_free(rb);
	return st;
}

static int
export_report_cmd(const char *runbook, const char *id_text,
    enum export_format fmt, const struct export_meta *meta, char **text)
{
	struct journal		*j;
	struct journal_run	*run = NULL;
	struct rb_diags		 d;
	struct runbook		*rb = NULL;
	struct export_doc	*doc = NULL;
	char			*cause = NULL, *dir;
	long long		 id;
	int			 st;

	if ((id = cli_run_id(id_text)) == 0)
		cli_usage_error(&cmd_export_entry, "--run wants a run id (a "
		    "number), not '%s'", id_text);
	j = journal_open_view(cli.state_dir, &dir, &cause);
	if (j == NULL && cause == NULL) {
		escape_printf(stderr, "stepup: there is no run %lld: the "
		    "journal %s/journal.db does not exist yet\n", id, dir);
		free(dir);
		return EXIT_USAGE;
	}
	free(dir);
	if (j == NULL) {
		escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		return EXIT_FAILED;
	}
	/* The runbook gives the steps' titles: the one named, else the
	 * run's own when it still loads. */
	rb_diags_init(&d);
	if (runbook != NULL) {
		if (cli_runbook_missing(runbook)) {
			journal_close(j);
			return EXIT_USAGE;
		}
		if ((rb = runbook_load(runbook, &d)) == NULL) {
			rb_diags_print(&d, stderr);
			rb_diags_free(&d);
			journal_close(j);
			return EXIT_USAGE;
		}
	} else if (journal_run_get(j, id, &run, &cause) == 0 && run != NULL &&
	    run->runbook != NULL)
		rb = runbook_load(run->runbook, &d);
	free(cause);
	cause = NULL;
	journal_run_free(run);
	rb_diags_free(&d);

	st = export_report_journal(j, id, rb, meta, &doc, &cause);
	if (st == 0) {
		*text = export_render(doc, fmt);
		export_doc_free(doc);
	} else {
		escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
	}
	runbook_free(rb);
	journal_close(j);
	return st == 0 ? EXIT_DONE : st == 1 ? EXIT_USAGE : EXIT_FAILED;
}

/* stepup export: a checklist or a run report, to stdout or -o. */
static int
cmd_export(const struct command_entry *e, int argc, char **argv)
{
	const char		*from = NULL, *to = NULL, *run = NULL;
	const char		*output = NULL, *runbook = NULL;
	const char		*inv_file = NULL, *limit = NULL;
	enum export_format	 fmt = EXPORT_TXT;
	struct export_meta	 meta = { NULL, NULL };
	char			*date = NULL, *host = NULL, *text = NULL;
	char			*cause = NULL, **vars = NULL;
	size_t			 nvars = 0;
	int			 opt, st;

	while ((opt = cli_getopt(e, argc, argv)) != -1) {
		switch (opt) {
		case OPT_FROM:
			from = optarg;
			break;
		case OPT_TO:
			to = optarg;
			break;
		case OPT_FORMAT:
			if (export_format_parse(optarg, &fmt) != 0)
				cli_usage_error(e, "unknown format "
				    "'%s': use txt, md or html", optarg);
			break;
		case OPT_RUN:
			run = optarg;
			break;
		case OPT_OUTPUT:
			output = optarg;
			break;
		case OPT_DATE:
			meta.date = optarg;
			break;
		case OPT_HOST:
			meta.host = optarg;
			break;
		case OPT_INVENTORY:
			inv_file = optarg;
			break;
		case OPT_LIMIT:
			limit = optarg;
			break;
		case OPT_VAR:
			cli_var_check(e, optarg);
			vars = xreallocarray(vars, nvars + 2, sizeof *vars);
			vars[nvars++] = optarg;
			vars[nvars] = NULL;
			break;
		}
	}
	if (optind < argc)
		runbook = argv[optind++];
	if (optind < argc)
		cli_usage_error(e, "one runbook at a time ('%s' is one "
		    "too many)", argv[optind]);
	if (run == NULL && runbook == NULL)
		cli_usage_error(e, "no runbook (or --run ID) to export");
	if (run != NULL && (from != NULL || to != NULL || vars != NULL ||
	    inv_file != NULL || limit != NULL))
		cli_usage_error(e, "--from, --to, --var, --inventory and "
		    "--limit plan a checklist; a run's report takes only --run "
		    "(its hosts are the ones it journaled)");
	if (meta.date == NULL)
		meta.date = date = export_date();
	if (meta.host == NULL)
		meta.host = host = journal_host();

	if (run != NULL)
		st = export_report_cmd(runbook, run, fmt, &meta, &text);
	else
		st = export_checklist_cmd(runbook, from, to, vars, inv_file,
		    limit, fmt, &meta, &text);
	if (st == EXIT_DONE && text != NULL) {
		if (output == NULL || strcmp(output, "-") == 0) {
			if (fputs(text, stdout) == EOF ||
			    fflush(stdout) == EOF) {
				fprintf(stderr, "stepup: cannot write the "
				    "export: %s\n", strerror(errno));
				st = EXIT_FAILED;
			}
		} else if (export_write_file(output, text, &cause) != 0) {
			escape_printf(stderr, "stepup: cannot write the "
			    "export: %s\n", cause);
			free(cause);
			st = EXIT_FAILED;
		} else
			escape_printf(stderr, "stepup: %s written to %s\n",
			    run != NULL ? "report" : "checklist", output);
	}
	free(text);
	free(vars);
	free(date);
	free(host);
	return st;
}

const struct command_entry cmd_export_entry = {
	"export",
	"print the checklist of a planned upgrade, or the report of a run",
	"[RUNBOOK]",
	"The checklist of RUNBOOK: the header (product, from, to, the path\n"
	"and why each stop, date, host), every step with a box to tick, its\n"
	"command with the variables it uses, its undo and what a failure\n"
	"leaves behind, the rollback, and sign-off lines. The report (--run,\n"
	"RUNBOOK optional): what a run of the journal did, who confirmed\n"
	"what and when, exit statuses, artifacts, and its rollback. Secrets\n"
	"never appear.\n",
	"Exit status: 0 written; 1 a probe failed or the file could not be\n"
	"written; 2 usage error, invalid runbook or no such run; 3 no\n"
	"allowed path.\n",
	export_options,
	cmd_export,
};
