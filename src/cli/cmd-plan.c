/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* cmd-plan.c: stepup plan RUNBOOK: resolve the catalog and the installed version (from the runbook's list
 * or probe commands, or the options), ask the planner, and print the hops
 * with their reasons and steps, or the refusal, as text or JSON. */
#include "config.h"

#include <getopt.h>	/* optind, optarg */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "escape.h"
#include "inventory.h"
#include "plan.h"
#include "runbook.h"
#include "steps.h"
#include "util.h"
#include "version.h"

#define PLAN_OPTIONS(X)							\
	X(FROM, "from", 0, "V",						\
	    "the installed version (default: versions.installed)")	\
	X(TO, "to", 0, "V",						\
	    "the target (default: the newest available release)")	\
	X(VAR, "var", 0, "N=V",						\
	    "the answer of variable N, for the policy's `when`")	\
	X(DIRECT, "direct", 0, NULL,					\
	    "ask about the one hop from -> to: allowed, or the\n"	\
	    "rule that forbids it and the path that works")		\
	X(JSON, "json", 0, NULL, "print a JSON object (see stepup(1))") \
	CLI_HOSTS_OPTIONS(X)
CLI_OPTIONS_ENUM(PLAN_OPTIONS);
CLI_OPTIONS_TABLE(plan_options, PLAN_OPTIONS);

/* The version of the --json object's layout: raised when a key changes
 * meaning or goes; a new key does not raise it. */
#define PLAN_JSON_FORMAT	1
/* Hosts named after a step that runs on them, the rest counted. */
#define PLAN_HOSTS_SHOWN	5

struct plan_opts {
	const char	*from, *to;
	bool		 direct, json;
	char		**vars;		/* --var NAME=VALUE, then the probes' */
	const char	*from_how;	/* where from came from, for the text */
	const char	*to_how;
	struct plan_conds conds;	/* the conditional policy that applied */
	char		*hosts_from;	/* where the hosts came from, or NULL */
};

/* The runbook variables a probe gets: every one that has a value without
 * asking (value, env, or an ask's default), as NAME=value. */
static char **
probe_vars(const struct runbook *rb)
{
	struct step_env	  env = { NULL, 0, NULL };
	const char	**env_values;
	char		**vars;
	size_t		  i, n;

	env_values = xcalloc(rb->n_vars + 1, sizeof *env_values);
	for (i = 0; i < rb->n_vars; i++) {
		if (rb->vars[i].source == RB_VAR_ENV)
			env_values[i] = getenv(rb->vars[i].env);
	}
	step_env_set(&env, "STEPUP_RUNBOOK_DIR", rb->dir, false);
	steps_var_defaults(rb, env_values, false, NULL, &env);
	free(env_values);
	vars = xcalloc(env.n + 1, sizeof *vars);
	for (i = n = 0; i < env.n; i++) {
		if (runbook_var(rb, env.v[i].name) != NULL)
			vars[n++] = xasprintf("%s=%s", env.v[i].name,
			    env.v[i].value);
	}
	step_env_free(&env);
	return vars;
}

/* The answer of a variable for the policy's conditions: the last --var
 * that names it, else its value without asking. */
static const char *
plan_answer(void *arg, const char *name)
{
	char *const	*v = arg;
	const char	*found = NULL;
	size_t		 len = strlen(name);

	for (; *v != NULL; v++)
		if (strncmp(*v, name, len) == 0 && (*v)[len] == '=' &&
		    found == NULL)
			found = *v + len + 1;
	return found;
}

/* Every variable a `when` of the policy names has an answer. */
static void
check_answers(const struct runbook *rb, char **vars)
{
	size_t	i;

	for (i = 0; i < rb->n_vars; i++)
		if (plan_policy_asks(&rb->policy, rb->vars[i].name) &&
		    plan_answer(vars, rb->vars[i].name) == NULL)
			cli_usage_error(&cmd_plan_entry, "the policy depends on the "
			    "answer of %s (%s): give --var %s=VALUE",
			    rb->vars[i].name, rb->vars[i].ask != NULL ?
			    rb->vars[i].ask : "no default", rb->vars[i].name);
}

/* A version given on the command line must parse. */
static void
check_version(const struct runbook *rb, const char *opt, const char *text)
{
	struct version	 v;
	char		*why;

	if (version_parse(&v, rb->versions.scheme, text, &why) != 0) {
		cli_usage_error(&cmd_plan_entry, "%s '%s' is not a valid %s version: %s",
		    opt, text, version_scheme_name(rb->versions.scheme), why);
	}
	version_free(&v);
}

/* Print text wrapped at 76 columns, every line indented. */
static void
print_wrapped(const char *text, int indent)
{
	const char	*p = text, *w;
	int		 col = 0, len;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (w = p; *w != '\0' && *w != ' '; w++)
			;
		len = (int)(w - p);
		if (col > 0 && col + 1 + len > 76) {
			putchar('\n');
			col = 0;
		}
		if (col == 0)
			col = escape_printf(stdout, "%*s", indent, "");
		else
			col += escape_printf(stdout, " ");
		col += escape_printf(stdout, "%.*s", len, p);
		p = w;
	}
	if (col > 0)
		putchar('\n');
}

/* The hosts a step runs on, after its id: " (on 2 hosts: a, b)", the
 * first few named, and how many at once with forks ("; 2 at once"). */
static void
print_on(const struct runbook *rb, const struct rb_step *st)
{
	struct inv_sel	 sel;
	char		*cause;
	size_t		 k;

	if (st->on.s == NULL || rb->inventory == NULL)
		return;
	if (inventory_select(rb->inventory, st->on.s, &sel, &cause) != 0) {
		free(cause);	/* checked when resolved */
		inventory_sel_free(&sel);
		return;
	}
	escape_printf(stdout, " (on %zu host%s:", sel.n, sel.n == 1 ? "" : "s");
	for (k = 0; k < sel.n && k < PLAN_HOSTS_SHOWN; k++)
		escape_printf(stdout, "%s %s", k > 0 ? "," : "",
		    rb->inventory->hosts[sel.v[k]].name);
	escape_printf(stdout, "%s", sel.n > PLAN_HOSTS_SHOWN ? ", ..." : "");
	if (st->forks > 1 && sel.n > 1)
		escape_printf(stdout, "; %u at once", st->forks);
	escape_printf(stdout, ")");
	inventory_sel_free(&sel);
}

/* The run's hosts, and where they come from: "Hosts: 3 from
 * inventory.ini (--limit web): w1, w2, w3". */
static void
print_hosts(const struct runbook *rb, const struct plan_opts *o)
{
	char	*names;

	if (rb->inventory == NULL || o->hosts_from == NULL)
		return;
	names = inventory_hosts_line(rb->inventory);
	escape_printf(stdout, "Hosts: %zu from %s%s%s%s: %s\n\n",
	    inventory_count(rb->inventory), o->hosts_from,
	    rb->inventory->limit != NULL ? " (--limit " : "",
	    rb->inventory->limit != NULL ? rb->inventory->limit : "",
	    rb->inventory->limit != NULL ? ")" : "", names);
	free(names);
}

/* A roll among a hop's steps: "roll ID (its steps; its batches)".
 * Returns the index of its last step. */
static size_t
print_roll(const struct runbook *rb, const struct rb_steps *hs, size_t k,
    const struct plan_hop *h, char **vars, bool any)
{
	const struct rb_roll	*r = hs->v[k].roll;
	char			*words;
	size_t			 j;
	bool			 first = true;

	escape_printf(stdout, "%sroll %s (", any ? ", " : "     steps: ",
	    r->id);
	for (j = r->first; j < r->first + r->n; j++) {
		if (!runbook_step_runs_on(rb, &hs->v[j], h->kind, h->from,
		    h->to, plan_answer, vars))
			continue;
		escape_printf(stdout, "%s%s", first ? "" : ", ", hs->v[j].id);
		first = false;
	}
	words = steps_roll_plan(rb, r);
	escape_printf(stdout, "; %s)", words);
	free(words);
	return r->first + r->n - 1;
}

static void
print_hops(const struct runbook *rb, const struct plan *pl, char **vars)
{
	const struct rb_steps	*hs = &rb->phases[RB_PHASE_HOP];
	size_t			 i, k;
	bool			 any;

	for (i = 0; i < pl->n_hops; i++) {
		const struct plan_hop *h = &pl->hops[i];
		escape_printf(stdout, "%3zu. %s -> %s  (%s)\n", i + 1,
		    h->from, h->to, h->kind);
		if (h->reason != NULL)
			escape_printf(stdout, "     %s\n", h->reason);
		any = false;
		for (k = 0; k < hs->n; k++) {
			if (!runbook_step_runs_on(rb, &hs->v[k], h->kind,
			    h->from, h->to, plan_answer, vars))
				continue;
			if (hs->v[k].roll != NULL) {
				k = print_roll(rb, hs, k, h, vars, any);
				any = true;
				continue;
			}
			escape_printf(stdout, "%s%s", any ? ", " :
			    "     steps: ", hs->v[k].id);
			print_on(rb, &hs->v[k]);
			any = true;
		}
		if (!any)
			escape_printf(stdout, "     steps: none for a %s hop",
			    h->kind);
		putchar('\n');
	}
}

static void
json_str(const char *s)
{
	char	*q = escape_json(s);

	fputs(q, stdout);
	free(q);
}

/* The rolling blocks of a hop, when it has some: , "rolls": [{"id",
 * "title", "steps", "batches" (the hosts of each), "health", "pause",
 * "max_fail", "forks"}]. */
static void
json_rolls(const struct runbook *rb, const struct rb_steps *hs,
    const struct plan_hop *h, char **vars)
{
	const struct rb_roll	*r;
	size_t			*hosts, *sizes, nb, i, j, k, off;
	bool			 first = true, any;

	for (i = 0; i < hs->n_rolls; i++) {
		r = &hs->rolls[i];
		any = false;
		for (j = r->first; j < r->first + r->n; j++) {
			if (runbook_step_runs_on(rb, &hs->v[j], h->kind,
			    h->from, h->to, plan_answer, vars))
				any = true;
		}
		if (!any)
			continue;
		fputs(first ? ", \"rolls\": [{\"id\": " : ", {\"id\": ",
		    stdout);
		first = false;
		json_str(r->id);
		fputs(", \"title\": ", stdout);
		json_str(r->title);
		fputs(", \"steps\": [", stdout);
		any = false;
		for (j = r->first; j < r->first + r->n; j++) {
			if (!runbook_step_runs_on(rb, &hs->v[j], h->kind,
			    h->from, h->to, plan_answer, vars))
				continue;
			fputs(any ? ", " : "", stdout);
			json_str(hs->v[j].id);
			any = true;
		}
		fputs("], \"batches\": [", stdout);
		nb = steps_roll_hosts(rb, r, &hosts, &sizes);
		for (k = 0, off = 0; k < nb; k++) {
			fputs(k > 0 ? ", [" : "[", stdout);
			for (j = 0; j < sizes[k]; j++) {
				fputs(j > 0 ? ", " : "", stdout);
				json_str(rb->inventory->hosts[hosts[off +
				    j]].name);
			}
			fputs("]", stdout);
			off += sizes[k];
		}
		printf("], \"health\": %s, \"pause\": %s, \"max_fail\": %zu, "
		    "\"forks\": %u}", r->health != NULL ? "true" : "false",
		    r->pause != NULL ? "true" : "false",
		    rb_count_of(&r->max_fail, off, false), r->forks);
		free(hosts);
		free(sizes);
	}
	if (!first)
		fputs("]", stdout);
}

/* A hop's steps with `on` outside a roll, as "on": {"ID": {"hosts":
 * [...], "forks": N}} (nothing when it has none, or no hosts are known). */
static void
json_on(const struct runbook *rb, const struct rb_steps *hs,
    const struct plan_hop *h, char **vars)
{
	struct inv_sel	 sel;
	char		*cause;
	size_t		 k, j;
	bool		 first = true;

	if (rb->inventory == NULL)
		return;
	for (k = 0; k < hs->n; k++) {
		if (hs->v[k].on.s == NULL || hs->v[k].roll != NULL ||
		    !runbook_step_runs_on(rb, &hs->v[k], h->kind, h->from,
		    h->to, plan_answer, vars))
			continue;
		if (inventory_select(rb->inventory, hs->v[k].on.s, &sel,
		    &cause) != 0) {
			free(cause);	/* checked when resolved */
			inventory_sel_free(&sel);
			continue;
		}
		fputs(first ? ", \"on\": {" : ", ", stdout);
		first = false;
		json_str(hs->v[k].id);
		fputs(": {\"hosts\": [", stdout);
		for (j = 0; j < sel.n; j++) {
			if (j > 0)
				fputs(", ", stdout);
			json_str(rb->inventory->hosts[sel.v[j]].name);
		}
		printf("], \"forks\": %u}", hs->v[k].forks > 1 ?
		    hs->v[k].forks : 1);
		inventory_sel_free(&sel);
	}
	if (!first)
		fputs("}", stdout);
}

/* The run's hosts: null, or {"from": ..., "limit": ..., "names": [...]}. */
static void
json_hosts(const struct runbook *rb, const struct plan_opts *o)
{
	size_t	k;
	bool	first;

	if (rb->inventory == NULL || o->hosts_from == NULL) {
		fputs("null", stdout);
		return;
	}
	fputs("{\"from\": ", stdout);
	json_str(o->hosts_from);
	fputs(", \"limit\": ", stdout);
	if (rb->inventory->limit != NULL)
		json_str(rb->inventory->limit);
	else
		fputs("null", stdout);
	fputs(", \"names\": [", stdout);
	for (k = 0, first = true; k < rb->inventory->nhosts; k++) {
		if (rb->inventory->excluded != NULL &&
		    rb->inventory->excluded[k])
			continue;	/* --limit */
		if (!first)
			fputs(", ", stdout);
		first = false;
		json_str(rb->inventory->hosts[k].name);
	}
	fputs("]}", stdout);
}

static void
json_hops(const struct runbook *rb, const struct plan *pl, const char *ind,
    char **vars)
{
	const struct rb_steps	*hs = &rb->phases[RB_PHASE_HOP];
	size_t			 i, k;
	bool			 first;

	if (pl == NULL) {
		fputs("null", stdout);
		return;
	}
	if (pl->n_hops == 0) {
		fputs("[]", stdout);
		return;
	}
	fputs("[\n", stdout);
	for (i = 0; i < pl->n_hops; i++) {
		const struct plan_hop *h = &pl->hops[i];
		printf("%s  {\"from\": ", ind);
		json_str(h->from);
		fputs(", \"to\": ", stdout);
		json_str(h->to);
		fputs(", \"kind\": ", stdout);
		json_str(h->kind);
		printf(", \"redeploy\": %s, \"reason\": ",
		    h->redeploy ? "true" : "false");
		json_str(h->reason);
		fputs(", \"steps\": [", stdout);
		first = true;
		for (k = 0; k < hs->n; k++) {
			if (!runbook_step_runs_on(rb, &hs->v[k], h->kind,
			    h->from, h->to, plan_answer, vars))
				continue;
			if (!first)
				fputs(", ", stdout);
			json_str(hs->v[k].id);
			first = false;
		}
		fputs("]", stdout);
		json_on(rb, hs, h, vars);
		json_rolls(rb, hs, h, vars);
		printf("}%s\n", i + 1 < pl->n_hops ? "," : "");
	}
	printf("%s]", ind);
}

/* The conditional rules and items that applied, and why (nothing when
 * none did). */
static void
print_conds(const struct plan_conds *pc)
{
	size_t	i;

	if (pc->n == 0)
		return;
	escape_printf(stdout, "Conditional policy:\n");
	for (i = 0; i < pc->n; i++)
		escape_printf(stdout, "  %s: %s, since %s\n", pc->v[i].rule,
		    pc->v[i].value, pc->v[i].since);
}

static void
json_conds(const struct plan_conds *pc)
{
	size_t	i;

	fputs("[", stdout);
	for (i = 0; i < pc->n; i++) {
		fputs(i == 0 ? "\n    {\"rule\": " : ",\n    {\"rule\": ",
		    stdout);
		json_str(pc->v[i].rule);
		fputs(", \"value\": ", stdout);
		json_str(pc->v[i].value);
		fputs(", \"since\": ", stdout);
		json_str(pc->v[i].since);
		fputs("}", stdout);
	}
	fputs(pc->n > 0 ? "\n  ]" : "]", stdout);
}

static void
print_json(const struct runbook *rb, const struct plan_opts *o,
    const char *from, const char *to, const struct plan *pl,
    const struct plan_refusal *r)
{
	printf("{\n  \"format\": %d,\n  \"product\": ", PLAN_JSON_FORMAT);
	json_str(rb->product);
	fputs(",\n  \"from\": ", stdout);
	json_str(from);
	fputs(",\n  \"to\": ", stdout);
	json_str(to);
	printf(",\n  \"direct\": %s,\n  \"result\": \"%s\",",
	    o->direct ? "true" : "false", r != NULL ? "refused" :
	    pl->n_hops == 0 ? "nothing-to-do" : "planned");
	fputs("\n  \"conditions\": ", stdout);
	json_conds(&o->conds);
	fputs(",\n  \"hosts\": ", stdout);
	json_hosts(rb, o);
	fputs(",\n  \"hops\": ", stdout);
	if (pl != NULL)
		json_hops(rb, pl, "  ", o->vars);
	else
		fputs("[]", stdout);
	fputs(",\n  \"refusal\": ", stdout);
	if (r == NULL) {
		fputs("null\n}\n", stdout);
		return;
	}
	fputs("{\n    \"rule\": ", stdout);
	json_str(r->rule);
	fputs(",\n    \"message\": ", stdout);
	json_str(r->message);
	fputs(",\n    \"nearest\": [", stdout);
	for (size_t k = 0; k < r->n_nearests; k++) {
		if (k > 0)
			fputs(", ", stdout);
		json_str(r->nearests[k]);
	}
	fputs("]", stdout);
	fputs(",\n    \"alternative\": ", stdout);
	json_hops(rb, r->alternative, "    ", o->vars);
	fputs("\n  }\n}\n", stdout);
}

static void
print_text(const struct runbook *rb, const struct plan_opts *o,
    const char *from, const char *to, const struct plan *pl,
    const struct plan_refusal *r)
{
	if (r != NULL) {
		escape_printf(stdout, "%s: %s -> %s refused by the runbook's "
		    "policy (%s):\n", rb->product, from, to, r->rule);
		print_wrapped(r->message, 2);
		if (o->conds.n > 0)
			putchar('\n');
		print_conds(&o->conds);
		if (r->alternative != NULL) {
			escape_printf(stdout, "\n%s:\n", r->nearest == NULL ?
			    "The allowed path instead" :
			    "The path to the nearest reachable version");
			print_hops(rb, r->alternative, o->vars);
		}
		return;
	}
	if (pl->n_hops == 0) {
		escape_printf(stdout, "%s: %s is installed (%s) and is the "
		    "target (%s): nothing to do.\n", rb->product, from,
		    o->from_how, o->to_how);
		return;
	}
	if (o->direct)
		escape_printf(stdout, "%s: %s -> %s is allowed as one hop.\n",
		    rb->product, pl->from, pl->to);
	else
		escape_printf(stdout, "%s: %s -> %s in %zu hop%s.\n",
		    rb->product, pl->from, pl->to, pl->n_hops,
		    pl->n_hops == 1 ? "" : "s");
	escape_printf(stdout, "Installed %s (%s); target %s (%s).\n\n",
	    pl->from, o->from_how, pl->to, o->to_how);
	print_conds(&o->conds);
	if (o->conds.n > 0)
		putchar('\n');
	print_hosts(rb, o);
	print_hops(rb, pl, o->vars);
}

static int
cmd_plan(const struct command_entry *e, int argc, char **argv)
{
	struct plan_opts	 o;
	struct rb_policy	*policy;
	struct rb_diags		 diags;
	char			**given = NULL;
	size_t			 ngiven = 0, k;
	struct runbook		*rb;
	struct plan_catalog	*c;
	struct plan		*pl = NULL;
	struct plan_refusal	*r = NULL;
	struct catalog_probe	 probe = { NULL, NULL, NULL, NULL };
	char			*from, *to_buf = NULL, *cause = NULL;
	char			**vars, **envp;
	const char		*to, *inv_file = NULL, *limit = NULL;
	int			 opt, rc, status = EXIT_FAILED;

	memset(&o, 0, sizeof o);
	while ((opt = cli_getopt(e, argc, argv)) != -1) {
		switch (opt) {
		case OPT_FROM:
			o.from = optarg;
			break;
		case OPT_TO:
			o.to = optarg;
			break;
		case OPT_DIRECT:
			o.direct = true;
			break;
		case OPT_JSON:
			o.json = true;
			break;
		case OPT_INVENTORY:
			inv_file = optarg;
			break;
		case OPT_LIMIT:
			limit = optarg;
			break;
		case OPT_VAR:
			cli_var_check(&cmd_plan_entry, optarg);
			given = xreallocarray(given, ngiven + 1,
			    sizeof *given);
			given[ngiven++] = optarg;
			break;
		}
	}
	if (optind == argc)
		cli_usage_error(&cmd_plan_entry, "missing RUNBOOK");
	if (optind + 1 < argc)
		cli_usage_error(&cmd_plan_entry, "one RUNBOOK at a time ('%s' is one "
		    "too many)", argv[optind + 1]);

	if (cli_runbook_missing(argv[optind]))
		return EXIT_USAGE;
	rb_diags_init(&diags);
	rb = runbook_load(argv[optind], &diags);
	if (rb != NULL)
		plan_validate(rb, &diags);
	rb_diags_print(&diags, stderr);
	if (rb == NULL || diags.n_errors > 0) {
		/* The format's page helps with what is in the file, not with
		 * a file that cannot be read. */
		if (access(argv[optind], R_OK) == 0)
			escape_printf(stderr, "stepup: %s is not a valid "
			    "runbook; see stepup-runbook(5)\n", argv[optind]);
		rb_diags_free(&diags);
		runbook_free(rb);
		return EXIT_USAGE;
	}
	rb_diags_free(&diags);
	if (cli_inventory(rb, inv_file, limit, &o.hosts_from) != EXIT_DONE) {
		runbook_free(rb);
		return EXIT_USAGE;
	}

	if (o.from != NULL)
		check_version(rb, "--from", o.from);
	if (o.to != NULL)
		check_version(rb, "--to", o.to);
	vars = probe_vars(rb);
	probe.envp = envp = catalog_env(rb, vars);
	probe.dir = rb->dir;
	for (k = 0; vars[k] != NULL; k++)
		continue;
	o.vars = xcalloc(ngiven + k + 1, sizeof *o.vars);
	for (k = 0; k < ngiven; k++)
		o.vars[k] = xstrdup(given[k]);
	for (k = 0; vars[k] != NULL; k++)
		o.vars[ngiven + k] = xstrdup(vars[k]);
	free(given);
	catalog_env_free(vars);
	check_answers(rb, o.vars);
	if (o.from != NULL) {
		from = xstrdup(o.from);
		o.from_how = "given with --from";
	} else if ((from = catalog_installed(rb, &probe, &status,
	    &cause)) != NULL)
		o.from_how = "reported by versions.installed.command";
	c = from == NULL ? NULL : catalog_resolve(rb, &probe, &status, &cause);
	catalog_env_free(envp);
	if (c == NULL) {
		if (status == EXIT_USAGE && from == NULL)
			escape_printf(stderr, "stepup: %s\nTry 'stepup plan "
			    "--help' for more information.\n", cause);
		else
			escape_printf(stderr, "stepup: %s\n", cause);
		free(cause);
		free(from);
		free(o.hosts_from);
		catalog_env_free(o.vars);
		runbook_free(rb);
		return status;
	}
	if (o.to != NULL) {
		to = o.to;
		o.to_how = "given with --to";
	} else if (plan_default_target(c, from) == from) {
		/* Nothing newer to go to: not a downgrade to the newest. */
		to = from;
		o.to_how = to_buf = xasprintf("nothing newer is available: "
		    "the newest release is %s", plan_catalog_newest(c));
	} else {
		to = plan_catalog_newest(c);
		o.to_how = to_buf = xasprintf("the newest of %zu available "
		    "releases", plan_catalog_size(c));
	}

	policy = plan_policy_when(&rb->policy, plan_answer, o.vars);
	rc = (o.direct ? plan_direct : plan_compute)(c, policy, from, to,
	    &pl, &r);
	plan_policy_conds(policy, &o.conds);
	plan_policy_free(policy);
	if (o.json)
		print_json(rb, &o, from, to, pl, r);
	else
		print_text(rb, &o, from, to, pl, r);
	plan_free(pl);
	plan_refusal_free(r);
	plan_conds_free(&o.conds);
	free(o.hosts_from);
	free(from);
	free(to_buf);
	catalog_env_free(o.vars);
	plan_catalog_free(c);
	runbook_free(rb);
	return rc == 0 ? EXIT_DONE : EXIT_REFUSED;
}

const struct command_entry cmd_plan_entry = {
	"plan",
	"the upgrade path: each hop, why each stop, and its steps",
	"RUNBOOK",
	"Finds the shortest upgrade path the runbook's policy allows from\n"
	"the installed version to the target, and prints each hop with its\n"
	"kind, why its stop is there, and the hop steps that run for it;\n"
	"or, when the policy allows no path, the rule that forbids it and\n"
	"the nearest version that can be reached.\n",
	"Exit status: 0 planned or nothing to do, 1 a probe command failed,\n"
	"2 usage error or invalid runbook, 3 refused by the policy.\n",
	plan_options,
	cmd_plan,
};
