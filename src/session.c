/* session.c: one upgrade or rollback run in progress: binds the runbook,
 * the plan, the step model, the journal and the action runner. The only
 * code in stepup that starts an operator-visible command. */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "journal.h"
#include "plan.h"
#include "catalog.h"
#include "probe.h"
#include "runbook.h"
#include "session.h"
#include "steps.h"
#include "util.h"

extern char **environ;

#define NONE	SIZE_MAX

/* A probe that ran while planning, journaled once the run exists. */
struct probe_note {
	char	*what;		/* "installed", "available" */
	char	*detail;	/* command, outcome */
};

struct session {
	struct session_opts	 opts;
	char			*runbook_abs;
	char			*dir;		/* its directory, absolute */
	struct runbook		*rb;
	char			*state_dir;
	struct journal		*j;
	struct journal_lock	*lock;
	char			*takeover;	/* a dead holder, to journal */

	struct journal_run	*unf;		/* unfinished run, or NULL */
	struct session_run_info	 info;
	bool			 has_info;

	char			*from;		/* installed (or --from) */
	struct plan		*plan;
	struct plan_refusal	*refusal;
	struct probe_note	*probes;
	size_t			 n_probes;

	struct step_env		 answers;	/* every runbook var's value */
	bool			*answered;	/* per runbook var */

	long long		 run_id;
	long long		 parent;	/* rollback: the upgrade run */
	char			*run_id_s;
	enum session_status	 status;
	struct steps		*steps;
	struct steps		*upgrade;	/* kept under a rollback run */
	char			**logs;		/* per step: last attempt's log */

	size_t			 running;	/* step index, or NONE */
	int			 attempt;
	struct action_proc	 proc;
	char			*status_path;
};

static char	 why_buf[512];

/* --- tables ---------------------------------------------------------------- */

static const struct {
	const char	*name;
	const char	*words;
} session_acts_table[] = {
#define X(e, name, words) { name, words },
	SESSION_ACTS(X)
#undef X
};

const char *
session_act_name(enum session_act a)
{
	return (unsigned)a < SESSION_ACT__COUNT ? session_acts_table[a].name : "?";
}

const char *
session_act_words(enum session_act a)
{
	return (unsigned)a < SESSION_ACT__COUNT ? session_acts_table[a].words : "?";
}

int
session_act_parse(const char *name)
{
	size_t	i;

	for (i = 0; i < SESSION_ACT__COUNT; i++) {
		if (strcmp(session_acts_table[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

static const char *session_status_names[] = {
#define X(e, name) name,
	SESSION_STATUSES(X)
#undef X
};

const char *
session_status_name(enum session_status st)
{
	return (unsigned)st < SESSION__COUNT ? session_status_names[st] : "?";
}

/* --- accessors ------------------------------------------------------------ */

const struct runbook *session_runbook(const struct session *s) { return s->rb; }
const struct plan *session_get_plan(const struct session *s) { return s->plan; }
const struct plan_refusal *session_refusal(const struct session *s) { return s->refusal; }
const struct steps *session_steps(const struct session *s) { return s->steps; }
const char *session_run_id(const struct session *s) { return s->run_id_s; }
const char *session_state_dir(const struct session *s) { return s->state_dir; }
enum session_status session_status(const struct session *s) { return s->status; }
bool session_dry_run(const struct session *s) { return s->opts.dry_run; }

const char *
session_operator(const struct session *s)
{
	return journal_who(s->j);
}

const struct session_run_info *
session_unfinished(const struct session *s)
{
	return s->has_info ? &s->info : NULL;
}

size_t
session_current(const struct session *s)
{
	return s->steps != NULL ? steps_current(s->steps) : 0;
}

const struct step *
session_running(const struct session *s)
{
	return s->running != NONE ? &s->steps->v[s->running] : NULL;
}

const char *
session_log(const struct session *s, size_t i)
{
	if (s->steps == NULL || i >= s->steps->n)
		return NULL;
	return s->logs[i];
}

/* --- plans as text, for the journal ---------------------------------------- */

/* One line "FROM -> TO" then one line per hop:
 * "FROM\tTO\tKIND\tredeploy|-\tREASON". Tabs and newlines in a field
 * become spaces. */
static void
put_field(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		buf_putc(b, (*s == '\t' || *s == '\n') ? ' ' : *s);
}

static char *
plan_text(const struct plan *p)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	put_field(&b, p->from);
	buf_puts(&b, " -> ");
	put_field(&b, p->to);
	buf_putc(&b, '\n');
	for (i = 0; i < p->n_hops; i++) {
		put_field(&b, p->hops[i].from);
		buf_putc(&b, '\t');
		put_field(&b, p->hops[i].to);
		buf_putc(&b, '\t');
		put_field(&b, p->hops[i].kind);
		buf_puts(&b, p->hops[i].redeploy ? "\tredeploy\t" : "\t-\t");
		put_field(&b, p->hops[i].reason);
		buf_putc(&b, '\n');
	}
	return buf_take(&b);
}

static struct plan *
plan_parse(const char *text, const char *from, const char *to)
{
	struct plan	*p = xcalloc(1, sizeof *p);
	char		*copy = xstrdup(text), *line, *next, *f[5];
	int		 k;

	p->from = xstrdup(from);
	p->to = xstrdup(to);
	line = strchr(copy, '\n');
	line = line != NULL ? line + 1 : copy + strlen(copy);
	for (; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		for (k = 0; k < 5; k++) {
			f[k] = line;
			line = strchr(line, '\t');
			if (line == NULL)
				break;
			*line++ = '\0';
		}
		if (k < 4)
			continue;
		p->hops = xreallocarray(p->hops, p->n_hops + 1, sizeof *p->hops);
		p->hops[p->n_hops].from = xstrdup(f[0]);
		p->hops[p->n_hops].to = xstrdup(f[1]);
		p->hops[p->n_hops].kind = xstrdup(f[2]);
		p->hops[p->n_hops].redeploy = strcmp(f[3], "redeploy") == 0;
		p->hops[p->n_hops].reason = *f[4] != '\0' ? xstrdup(f[4]) : NULL;
		p->n_hops++;
	}
	free(copy);
	return p;
}

/* --- open, close ------------------------------------------------------------ */

static void	session_reload_vars(struct session *,
		    const struct journal_event *, size_t);

static void
info_clear(struct session_run_info *in)
{
	free(in->id);
	free(in->operator);
	free(in->host);
	free(in->from);
	free(in->to);
	free(in->step);
	memset(in, 0, sizeof *in);
}

/* The key of the step a run is at: the last step whose state the journal
 * recorded as not settled, or NULL. */
static char *
run_at_step(struct journal *j, long long run)
{
	struct journal_step_state	*v = NULL;
	size_t				 n = 0, i;
	char				*cause = NULL, *key = NULL;
	int				 st;

	if (journal_steps(j, run, &v, &n, &cause) != 0) {
		free(cause);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		st = step_state_parse(v[i].state);
		if (st >= 0 && !step_state_settled(st)) {
			free(key);
			key = xstrdup(v[i].step);
		}
	}
	journal_steps_free(v, n);
	return key;
}

static int	session_latest_run(struct session *, char **);

int
session_open(const struct session_opts *opts, struct session **out,
    char **cause)
{
	struct session			*s;
	struct rb_diags			 diags;
	struct journal_lock_holder	 holder;
	bool				 took_over = false;
	char				*desc, resolved[PATH_MAX];
	FILE				*f;
	char				*text = NULL;
	size_t				 len = 0;
	int				 r;

	*out = NULL;
	s = xcalloc(1, sizeof *s);
	s->opts = *opts;
	s->running = NONE;
	s->proc.fd = -1;
	s->status = SESSION_NEW;

	rb_diags_init(&diags);
	s->rb = runbook_load(opts->runbook, &diags);
	if (s->rb == NULL) {
		if ((f = open_memstream(&text, &len)) != NULL) {
			rb_diags_print(&diags, f);
			fclose(f);
		}
		/* The diagnostics end with a newline; the caller adds one. */
		if (text != NULL && len > 0 && text[len - 1] == '\n')
			text[len - 1] = '\0';
		*cause = text != NULL ? text : xstrdup("invalid runbook");
		rb_diags_free(&diags);
		session_close(s);
		return EXIT_USAGE;
	}
	rb_diags_free(&diags);
	if (realpath(opts->runbook, resolved) != NULL)
		s->runbook_abs = xstrdup(resolved);
	else
		s->runbook_abs = xstrdup(opts->runbook);
	s->dir = xstrdup(s->runbook_abs);
	if (strrchr(s->dir, '/') != NULL)
		*strrchr(s->dir, '/') = '\0';
	if (*s->dir == '\0') {
		free(s->dir);
		s->dir = xstrdup("/");
	}
	s->answered = xcalloc(s->rb->n_vars + 1, sizeof *s->answered);

	if ((s->state_dir = journal_state_dir(opts->state_dir, cause)) == NULL) {
		session_close(s);
		return EXIT_FAILED;
	}
	r = journal_lock(s->state_dir, s->runbook_abs, &s->lock, &took_over,
	    &holder, cause);
	if (r == JOURNAL_LOCK_HELD) {
		desc = journal_lock_holder_describe(&holder);
		*cause = xasprintf("%s is in use: %s holds its lock; try again "
		    "when they are done", s->runbook_abs, desc);
		free(desc);
		journal_lock_holder_free(&holder);
		session_close(s);
		return EXIT_LOCKED;
	}
	if (r != JOURNAL_LOCK_TAKEN) {
		journal_lock_holder_free(&holder);
		session_close(s);
		return EXIT_FAILED;
	}
	if (took_over) {
		desc = journal_lock_holder_describe(&holder);
		s->takeover = xasprintf("took over the lock of %s, whose "
		    "process is gone", desc);
		free(desc);
	}
	journal_lock_holder_free(&holder);

	if ((s->j = journal_open(s->state_dir, false, cause)) == NULL) {
		session_close(s);
		return EXIT_FAILED;
	}
	if (journal_run_unfinished(s->j, s->runbook_abs, &s->unf, cause) != 0) {
		session_close(s);
		return EXIT_FAILED;
	}
	if (s->unf == NULL && opts->rollback &&
	    (r = session_latest_run(s, cause)) != EXIT_DONE) {
		session_close(s);
		return r;
	}
	if (s->unf != NULL) {
		s->has_info = true;
		s->info.id = xasprintf("%lld", s->unf->id);
		s->info.operator = xstrdup(s->unf->operator != NULL ?
		    s->unf->operator : "?");
		s->info.host = xstrdup(s->unf->host != NULL ? s->unf->host : "?");
		s->info.started = s->unf->started;
		s->info.from = xstrdup(s->unf->from != NULL ? s->unf->from : "?");
		s->info.to = xstrdup(s->unf->to != NULL ? s->unf->to : "?");
		s->info.step = run_at_step(s->j, s->unf->id);
		s->info.runbook_changed = s->unf->runbook_sha256 == NULL ||
		    strcmp(s->unf->runbook_sha256, s->rb->sha256) != 0;
		/* Its answers, so that only the secret ones are asked again. */
		{
			struct journal_event	*ev = NULL;
			size_t			 n_ev = 0;

			if (journal_events(s->j, s->unf->kind ==
			    JOURNAL_RUN_ROLLBACK ? s->unf->parent : s->unf->id,
			    &ev, &n_ev, cause) != 0) {
				session_close(s);
				return EXIT_FAILED;
			}
			session_reload_vars(s, ev, n_ev);
			journal_events_free(ev, n_ev);
		}
	}
	*out = s;
	return EXIT_DONE;
}

void
session_close(struct session *s)
{
	char	*cause = NULL;
	size_t	 i;

	if (s == NULL)
		return;
	if (s->status == SESSION_RUNNING && s->j != NULL) {
		if (session_pause(s, &cause) != 0)
			free(cause);
	}
	action_proc_close(&s->proc);
	if (s->steps != NULL && s->logs != NULL) {
		for (i = 0; i < s->steps->n; i++)
			free(s->logs[i]);
	}
	free(s->logs);
	steps_free(s->steps);
	steps_free(s->upgrade);
	journal_close(s->j);
	journal_unlock(s->lock);
	if (s->unf != NULL)
		journal_run_free(s->unf);
	info_clear(&s->info);
	for (i = 0; i < s->n_probes; i++) {
		free(s->probes[i].what);
		free(s->probes[i].detail);
	}
	free(s->probes);
	plan_free(s->plan);
	plan_refusal_free(s->refusal);
	step_env_free(&s->answers);
	free(s->answered);
	free(s->from);
	free(s->run_id_s);
	free(s->status_path);
	free(s->takeover);
	free(s->state_dir);
	free(s->runbook_abs);
	free(s->dir);
	runbook_free(s->rb);
	free(s);
}

/* --- variables ------------------------------------------------------------ */

/* The environment every probe and step starts from: the runbook's vars
 * known so far and the STEPUP_* of the run. */
static void
session_base_env(struct session *s, struct step_env *env)
{
	step_env_merge(env, &s->answers);
	if (s->plan != NULL) {
		step_env_set(env, "STEPUP_FROM", s->plan->from, false);
		step_env_set(env, "STEPUP_TO", s->plan->to, false);
	}
	if (s->run_id_s != NULL)
		step_env_set(env, "STEPUP_RUN_ID", s->run_id_s, false);
	step_env_set(env, "STEPUP_RUNBOOK_DIR", s->dir, false);
}

/* Resolve the vars that are not asked: fixed values and the environment. */
static int
session_fixed_vars(struct session *s, char **cause)
{
	const struct rb_var	*v;
	const char		*val;
	size_t			 i;

	for (i = 0; i < s->rb->n_vars; i++) {
		v = &s->rb->vars[i];
		if (v->source == RB_VAR_ASK || s->answered[i])
			continue;
		val = v->source == RB_VAR_VALUE ? v->value : getenv(v->env);
		if (val == NULL)
			val = v->def;
		if (val == NULL) {
			*cause = xasprintf("%s: variable %s: the environment "
			    "variable %s is not set and there is no default",
			    s->rb->path, v->name, v->env);
			return -1;
		}
		step_env_set(&s->answers, v->name, val, v->secret);
		s->answered[i] = true;
	}
	return 0;
}

const struct rb_var *
session_question(const struct session *s, size_t n)
{
	size_t	i;

	for (i = 0; i < s->rb->n_vars; i++) {
		if (s->rb->vars[i].source != RB_VAR_ASK || s->answered[i])
			continue;
		if (n-- == 0)
			return &s->rb->vars[i];
	}
	return NULL;
}

int
session_answer(struct session *s, const char *name, const char *answer,
    char **cause)
{
	const struct rb_var	*v = NULL;
	regex_t			 re;
	char			*anchored, err[256];
	size_t			 i;
	int			 r;

	for (i = 0; i < s->rb->n_vars; i++) {
		if (strcmp(s->rb->vars[i].name, name) == 0) {
			v = &s->rb->vars[i];
			break;
		}
	}
	if (v == NULL) {
		*cause = xasprintf("the runbook has no variable %s", name);
		return -1;
	}
	if (answer == NULL || *answer == '\0') {
		if (v->def == NULL) {
			*cause = xasprintf("%s needs an answer (there is no "
			    "default)", name);
			return -1;
		}
		answer = v->def;
	}
	if (strchr(answer, '\n') != NULL) {
		*cause = xasprintf("%s: an answer is one line", name);
		return -1;
	}
	if (v->n_choices > 0) {
		for (i = 0; i < v->n_choices; i++) {
			if (strcmp(v->choices[i], answer) == 0)
				break;
		}
		if (i == v->n_choices) {
			struct buf b;

			buf_init(&b);
			for (i = 0; i < v->n_choices; i++)
				buf_printf(&b, "%s%s", i > 0 ? ", " : "",
				    v->choices[i]);
			*cause = xasprintf("%s must be one of: %s", name, b.data);
			buf_free(&b);
			return -1;
		}
	}
	if (v->pattern != NULL) {
		anchored = xasprintf("^(%s)$", v->pattern);
		r = regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB);
		free(anchored);
		if (r != 0) {
			regerror(r, &re, err, sizeof err);
			*cause = xasprintf("%s: bad pattern in the runbook: %s",
			    name, err);
			return -1;
		}
		r = regexec(&re, answer, 0, NULL, 0);
		regfree(&re);
		if (r != 0) {
			*cause = xasprintf("%s must match the pattern %s",
			    name, v->pattern);
			return -1;
		}
	}
	step_env_set(&s->answers, v->name, answer, v->secret);
	s->answered[v - s->rb->vars] = true;
	return 0;
}

/* Tell the journal every secret value, so that none is ever written. */
static void
session_secrets(struct session *s)
{
	const char	**v = xcalloc(s->answers.n + 1, sizeof *v);
	size_t		  i, n = 0;

	for (i = 0; i < s->answers.n; i++) {
		if (s->answers.v[i].secret)
			v[n++] = s->answers.v[i].value;
	}
	journal_set_secrets(s->j, v, n);
	free(v);
}

/* --- planning -------------------------------------------------------------- */

static void
probe_note_add(struct session *s, const char *what, const char *command,
    const char *outcome)
{
	s->probes = xreallocarray(s->probes, s->n_probes + 1, sizeof *s->probes);
	s->probes[s->n_probes].what = xstrdup(what);
	s->probes[s->n_probes].detail = xasprintf("%s: %s\n%s", what, command,
	    outcome);
	s->n_probes++;
}

/* The environment of a version probe, as `stepup plan` gives it
 * (catalog.c), with the variables known so far: so that both find the
 * same versions. */
static char **
session_probe_envp(struct session *s)
{
	struct step_env	  env = { NULL, 0 };
	char		**base, **envp;

	session_base_env(s, &env);
	base = catalog_env(s->rb, NULL);
	envp = step_env_envp(&env, base);
	catalog_env_free(base);
	step_env_free(&env);
	return envp;
}

/* Every version probe is noted, to be journaled once the run exists. */
static void
session_probe_note(void *arg, const char *what, const char *command,
    const char *outcome)
{
	probe_note_add(arg, what, command, outcome);
}

int
session_plan(struct session *s, char **cause)
{
	struct plan_catalog	*cat = NULL;
	struct catalog_probe	 probe;
	char			**envp;
	const char		*to;
	int			 r, status = EXIT_FAILED;

	if (session_fixed_vars(s, cause) != 0)
		return EXIT_USAGE;
	plan_free(s->plan);
	s->plan = NULL;
	plan_refusal_free(s->refusal);
	s->refusal = NULL;

	envp = session_probe_envp(s);
	probe.envp = envp;
	probe.dir = s->dir;
	probe.note = session_probe_note;
	probe.arg = s;

	if (s->opts.from != NULL) {
		free(s->from);
		s->from = xstrdup(s->opts.from);
	} else if (s->from == NULL) {
		s->from = catalog_installed(s->rb, &probe, &status, cause);
		if (s->from == NULL && status == EXIT_USAGE) {
			free(*cause);
			*cause = xasprintf("%s asks for the installed version: "
			    "answer it, or give --from", s->rb->path);
		}
	}
	if (s->from != NULL)
		cat = catalog_resolve(s->rb, &probe, &status, cause);
	step_envp_free(envp);
	if (cat == NULL)
		return status;

	to = s->opts.to != NULL ? s->opts.to :
	    plan_default_target(cat, s->from);
	r = plan_compute(cat, &s->rb->policy, s->from, to, &s->plan,
	    &s->refusal);
	if (r != 0) {
		*cause = xasprintf("no allowed upgrade path from %s to %s: %s",
		    s->from, to, s->refusal != NULL ? s->refusal->message : "?");
		plan_catalog_free(cat);
		return EXIT_REFUSED;
	}
	plan_catalog_free(cat);
	return EXIT_DONE;
}

/* Used by front ends when the runbook asks for the installed version. */
int
session_set_from(struct session *s, const char *version, char **cause)
{
	if (version == NULL || *version == '\0' || strchr(version, '\n')) {
		*cause = xstrdup("the installed version is one non-empty line");
		return -1;
	}
	free(s->from);
	s->from = xstrdup(version);
	return 0;
}

/* --- beginning, resuming ------------------------------------------------- */

static void
session_set_run(struct session *s, long long id)
{
	s->run_id = id;
	free(s->run_id_s);
	s->run_id_s = xasprintf("%lld", id);
}

static void
session_alloc_logs(struct session *s)
{
	s->logs = xcalloc(s->steps->n + 1, sizeof *s->logs);
}

/* Lay out the steps for the current plan and answers. */
static int
session_layout(struct session *s, char **cause)
{
	struct step_env	env = { NULL, 0 };
	char		*why;

	session_base_env(s, &env);
	s->steps = steps_new(s->rb, s->plan, &env, &why);
	step_env_free(&env);
	if (s->steps == NULL) {
		*cause = xasprintf("%s: %s", s->rb->path, why);
		free(why);
		return -1;
	}
	session_alloc_logs(s);
	return 0;
}

static char **
secret_names(const struct session *s)
{
	char	**v = xcalloc(s->answers.n + 1, sizeof *v);
	size_t	  i, n = 0;

	for (i = 0; i < s->answers.n; i++) {
		if (s->answers.v[i].secret)
			v[n++] = s->answers.v[i].name;
	}
	return v;
}

static int
session_journal_vars(struct session *s, char **cause)
{
	struct step_env	  env = { NULL, 0 };
	char		**envp, **secrets;
	int		  r;

	session_base_env(s, &env);
	envp = step_env_envp(&env, NULL);
	secrets = secret_names(s);
	r = journal_append_vars(s->j, s->run_id, NULL, envp,
	    (const char *const *)secrets, NULL, cause);
	free(secrets);
	step_envp_free(envp);
	step_env_free(&env);
	return r;
}

int
session_begin(struct session *s, char **cause)
{
	struct journal_run	 run;
	const struct rb_var	*q;
	char			*ptext, *desc;
	long long		 id;
	size_t			 i;

	if (s->steps != NULL) {
		*cause = xstrdup("the run has already begun");
		return EXIT_USAGE;
	}
	if (s->has_info) {
		*cause = xasprintf("run %s of this runbook is unfinished: resume "
		    "or abandon it first", s->info.id);
		return EXIT_FAILED;
	}
	if (s->plan == NULL) {
		*cause = xstrdup("there is no plan yet");
		return EXIT_USAGE;
	}
	if (session_fixed_vars(s, cause) != 0)
		return EXIT_USAGE;
	if ((q = session_question(s, 0)) != NULL) {
		*cause = xasprintf("%s has no answer yet", q->name);
		return EXIT_USAGE;
	}
	session_secrets(s);

	memset(&run, 0, sizeof run);
	run.kind = JOURNAL_RUN_UPGRADE;
	run.runbook = s->runbook_abs;
	run.runbook_sha256 = s->rb->sha256;
	run.product = s->rb->product;
	run.from = s->plan->from;
	run.to = s->plan->to;
	run.plan = ptext = plan_text(s->plan);
	run.dry_run = s->opts.dry_run;

	if (journal_begin(s->j, cause) != 0) {
		free(ptext);
		return EXIT_FAILED;
	}
	if (journal_run_create(s->j, &run, &id, cause) != 0)
		goto fail;
	free(ptext);
	ptext = NULL;
	session_set_run(s, id);
	if (journal_append(s->j, id, JOURNAL_EV_BEGIN, NULL, s->opts.dry_run ?
	    "dry run" : NULL, NULL, cause) != 0)
		goto fail;
	if (s->takeover != NULL && journal_append(s->j, id,
	    JOURNAL_EV_LOCK_TAKEOVER, NULL, s->takeover, NULL, cause) != 0)
		goto fail;
	for (i = 0; i < s->n_probes; i++) {
		if (journal_append(s->j, id, JOURNAL_EV_PROBE, NULL,
		    s->probes[i].detail, NULL, cause) != 0)
			goto fail;
	}
	if (session_journal_vars(s, cause) != 0)
		goto fail;
	if (session_layout(s, cause) != 0)
		goto fail;
	if (s->opts.dry_run) {
		for (i = 0; i < s->steps->n; i++) {
			desc = session_describe(s, i);
			if (journal_append(s->j, id, JOURNAL_EV_DRY_RUN,
			    s->steps->v[i].key, desc, NULL, cause) != 0) {
				free(desc);
				goto fail;
			}
			free(desc);
		}
		if (journal_append(s->j, id, JOURNAL_EV_END, NULL,
		    "dry run: nothing was executed", NULL, cause) != 0 ||
		    journal_run_set_status(s->j, id, JOURNAL_RUN_DONE,
		    cause) != 0)
			goto fail;
	}
	if (journal_commit(s->j, cause) != 0)
		goto fail_nocommit;
	free(s->takeover);
	s->takeover = NULL;
	s->status = s->opts.dry_run ? SESSION_DRY_RUN : SESSION_RUNNING;
	return EXIT_DONE;

fail:
	journal_rollback(s->j);
fail_nocommit:
	free(ptext);
	steps_free(s->steps);
	s->steps = NULL;
	free(s->logs);
	s->logs = NULL;
	s->run_id = 0;
	free(s->run_id_s);
	s->run_id_s = NULL;
	return EXIT_FAILED;
}

/* Read the answers of a run back from its vars event ("NAME=value"
 * lines); masked secrets are asked again. */
static void
session_reload_vars(struct session *s, const struct journal_event *ev,
    size_t n)
{
	const struct rb_var	*v;
	const char		*detail = NULL;
	char			*copy, *line, *next, *eq;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (ev[i].kind == JOURNAL_EV_VARS && ev[i].step == NULL)
			detail = ev[i].detail;
	}
	if (detail == NULL)
		return;
	copy = xstrdup(detail);
	for (line = copy; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq++ = '\0';
		if ((v = runbook_var(s->rb, line)) == NULL || v->secret)
			continue;
		step_env_set(&s->answers, v->name, eq, false);
		s->answered[v - s->rb->vars] = true;
	}
	free(copy);
}

static int
step_index(const struct session *s, const char *key)
{
	const struct step	*st;

	if (key == NULL || (st = steps_find(s->steps, key)) == NULL)
		return -1;
	return (int)st->index;
}

static int session_finished(struct session *, size_t,
    const struct action_status *, char **);
static int session_in_doubt(struct session *, size_t, const char *, char **);

/* Step k was started (attempt, by its start event) but the attempt was
 * never recorded: the wizard died in between. Its status file, or the
 * pid file its supervisor writes first, says what became of it. */
static int
session_reload_unrecorded(struct session *s, size_t k, int attempt,
    char **cause)
{
	struct journal_action	 ja;
	struct action_status	 ast;
	enum action_state	 state;
	char			*log = NULL, *status = NULL, *why = NULL;
	pid_t			 pid;
	unsigned long long	 start;

	if (journal_action_paths(s->j, s->run_id, s->steps->v[k].key, attempt,
	    &log, &status, cause) != 0)
		return -1;
	free(s->logs[k]);
	s->logs[k] = log;
	free(s->status_path);
	s->status_path = status;
	s->attempt = attempt;
	s->steps->v[k].attempts = (unsigned)attempt;
	memset(&ast, 0, sizeof ast);
	if (action_status_read(status, &ast, &why) == 0) {
		s->running = k;
		return session_finished(s, k, &ast, cause);
	}
	free(why);
	why = NULL;
	if (action_pid_read(status, &pid, &start, &why) != 0) {
		free(why);
		return session_in_doubt(s, k, "stepup stopped as it started "
		    "it: it may never have run", cause);
	}
	if (action_poll(pid, start, status, &state, &ast, cause) != 0)
		return -1;
	if (state == ACTION_IN_DOUBT)
		return session_in_doubt(s, k, "its process is gone and it left "
		    "no exit status", cause);
	/* Record the attempt now, as it should have been. */
	memset(&ja, 0, sizeof ja);
	ja.run = s->run_id;
	ja.step = s->steps->v[k].key;
	ja.attempt = attempt;
	ja.pid = pid;
	ja.pid_start = start;
	ja.log_path = log;
	ja.status_path = status;
	ja.started = journal_now();
	if (journal_action_add(s->j, &ja, cause) != 0)
		return -1;
	s->running = k;
	s->proc.pid = pid;
	s->proc.start = start;
	s->proc.fd = -1;
	if (state == ACTION_FINISHED)
		return session_finished(s, k, &ast, cause);
	return 0;
}

/* Apply what the journal knows of the steps: states, exit statuses,
 * artifacts, the order they settled; and find what was running. */
static int
session_reload_steps(struct session *s, const struct journal_event *ev,
    size_t n_ev, char **cause)
{
	struct journal_step_state	*sv = NULL;
	struct journal_action		*av = NULL;
	struct journal_action		*last;
	struct action_status		 ast;
	enum action_state		 ast_state;
	struct step			*st;
	size_t				 n_sv = 0, n_av = 0, k;
	int				 i, state, started;

	if (journal_steps(s->j, s->run_id, &sv, &n_sv, cause) != 0)
		return -1;
	for (k = 0; k < n_sv; k++) {
		if ((i = step_index(s, sv[k].step)) < 0)
			continue;
		if ((state = step_state_parse(sv[k].state)) < 0)
			continue;
		st = &s->steps->v[i];
		st->state = state;
		free(st->reason);
		st->reason = sv[k].reason != NULL ? xstrdup(sv[k].reason) : NULL;
		st->ended = sv[k].updated;
	}
	journal_steps_free(sv, n_sv);
	for (k = 0; k < n_ev; k++) {
		if ((i = step_index(s, ev[k].step)) < 0)
			continue;
		st = &s->steps->v[i];
		if (step_state_settled(st->state))
			st->settled_seq = ev[k].seq;
		if (ev[k].kind == JOURNAL_EV_ACK && ev[k].detail != NULL &&
		    strncmp(ev[k].detail, "warning", 7) == 0)
			st->warned = true;
	}
	if (journal_actions(s->j, s->run_id, NULL, &av, &n_av, cause) != 0)
		return -1;
	for (k = 0; k < n_av; k++) {
		if ((i = step_index(s, av[k].step)) < 0)
			continue;
		st = &s->steps->v[i];
		st->attempts = (unsigned)av[k].attempt;
		st->started = av[k].started;
		free(s->logs[i]);
		s->logs[i] = xstrdup(av[k].log_path);
		if (av[k].finished)
			st->exit_status = av[k].exit_code >= 0 ?
			    av[k].exit_code : 128 + av[k].signal;
		if (av[k].artifact_sha256 != NULL) {
			st->artifact_size = av[k].artifact_size;
			snprintf(st->artifact_sha256, sizeof st->artifact_sha256,
			    "%s", av[k].artifact_sha256);
		}
	}
	steps_update(s->steps);

	/* A step the journal says is running: follow it, read its status,
	 * or put it in doubt. */
	for (k = 0; k < s->steps->n; k++) {
		st = &s->steps->v[k];
		if (st->state != STEP_RUNNING)
			continue;
		last = NULL;
		for (i = 0; i < (int)n_av; i++) {
			if (strcmp(av[i].step, st->key) == 0)
				last = &av[i];
		}
		/* The attempt its last start event names. */
		started = 0;
		for (i = 0; i < (int)n_ev; i++) {
			if (ev[i].kind == JOURNAL_EV_START && ev[i].step != NULL &&
			    strcmp(ev[i].step, st->key) == 0 &&
			    ev[i].detail != NULL)
				sscanf(ev[i].detail, "attempt %d", &started);
		}
		if (started == 0)
			started = last != NULL ? last->attempt : 1;
		if (last == NULL || last->attempt < started) {
			if (session_reload_unrecorded(s, k, started, cause) != 0) {
				journal_actions_free(av, n_av);
				return -1;
			}
			continue;
		}
		free(s->status_path);
		s->status_path = xstrdup(last->status_path);
		s->attempt = last->attempt;
		if (last->finished) {
			/* Recorded, but the step state was not: rare. */
			memset(&ast, 0, sizeof ast);
			ast.exited = last->signal == 0;
			ast.exit_code = last->exit_code;
			ast.signal = last->signal;
			ast.timed_out = last->timed_out;
			ast.cancelled = last->cancelled;
			ast.started = last->started;
			ast.ended = last->ended;
			s->running = k;
			if (session_finished(s, k, &ast, cause) != 0) {
				journal_actions_free(av, n_av);
				return -1;
			}
			continue;
		}
		if (action_poll(last->pid, last->pid_start, last->status_path,
		    &ast_state, &ast, cause) != 0) {
			journal_actions_free(av, n_av);
			return -1;
		}
		if (ast_state == ACTION_RUNNING) {
			s->running = k;
			s->proc.pid = last->pid;
			s->proc.start = last->pid_start;
			s->proc.fd = -1;
		} else if (ast_state == ACTION_FINISHED) {
			s->running = k;
			s->proc.pid = last->pid;
			s->proc.start = last->pid_start;
			if (session_finished(s, k, &ast, cause) != 0) {
				journal_actions_free(av, n_av);
				return -1;
			}
		} else if (session_in_doubt(s, k, "its process is gone and it "
		    "left no exit status", cause) != 0) {
			journal_actions_free(av, n_av);
			return -1;
		}
	}
	journal_actions_free(av, n_av);
	return 0;
}

int
session_resume(struct session *s, char **cause)
{
	struct journal_event	*ev = NULL;
	size_t			 n_ev = 0;
	char			*why;
	bool			 rollback, finished;

	if (!s->has_info || s->unf == NULL) {
		*cause = xstrdup("there is no unfinished run to resume");
		return EXIT_USAGE;
	}
	rollback = s->unf->kind == JOURNAL_RUN_ROLLBACK;
	s->parent = s->unf->parent;
	/* A rollback run's record has from and to the other way round; its
	 * steps come from the upgrade's plan. */
	s->plan = plan_parse(s->unf->plan != NULL ? s->unf->plan : "",
	    rollback ? s->unf->to : s->unf->from,
	    rollback ? s->unf->from : s->unf->to);
	free(s->from);
	s->from = xstrdup(s->plan->from);
	session_set_run(s, rollback ? s->parent : s->unf->id);
	if (journal_events(s->j, s->run_id, &ev, &n_ev, cause) != 0)
		return EXIT_FAILED;
	session_reload_vars(s, ev, n_ev);
	if (session_fixed_vars(s, cause) != 0) {
		journal_events_free(ev, n_ev);
		return EXIT_USAGE;
	}
	if (session_question(s, 0) != NULL) {
		*cause = xasprintf("%s has no answer yet (secret answers are "
		    "asked again on resume)", session_question(s, 0)->name);
		journal_events_free(ev, n_ev);
		return EXIT_USAGE;
	}
	session_secrets(s);
	if (session_layout(s, cause) != 0) {
		journal_events_free(ev, n_ev);
		return EXIT_USAGE;
	}
	if (rollback) {
		struct step_env	 env = { NULL, 0 };
		size_t		 k;

		/* What the upgrade did, then the rollback laid out from it. */
		if (session_reload_steps(s, ev, n_ev, cause) != 0) {
			journal_events_free(ev, n_ev);
			return EXIT_FAILED;
		}
		journal_events_free(ev, n_ev);
		ev = NULL;
		n_ev = 0;
		for (k = 0; k < s->steps->n; k++)
			free(s->logs[k]);
		free(s->logs);
		s->upgrade = s->steps;
		session_set_run(s, s->unf->id);
		session_base_env(s, &env);
		s->steps = steps_new_rollback(s->upgrade, &env, &why);
		step_env_free(&env);
		if (s->steps == NULL) {
			*cause = xasprintf("%s: %s", s->rb->path, why);
			free(why);
			return EXIT_USAGE;
		}
		session_alloc_logs(s);
		if (journal_events(s->j, s->run_id, &ev, &n_ev, cause) != 0)
			return EXIT_FAILED;
	}
	/* From here on the run is ours again; a finished run opened for
	 * rollback (opts.rollback) is only read: session_rollback() records
	 * what becomes of it. */
	finished = s->unf->status != JOURNAL_RUN_RUNNING &&
	    s->unf->status != JOURNAL_RUN_PAUSED;
	why = NULL;
	if (s->info.runbook_changed)
		why = xasprintf("the runbook's sha256 was %s, now %s",
		    s->unf->runbook_sha256 != NULL ? s->unf->runbook_sha256 :
		    "unknown", s->rb->sha256);
	if ((!finished && journal_append(s->j, s->run_id, JOURNAL_EV_RESUME,
	    NULL, s->info.step, NULL, cause) != 0) ||
	    (s->takeover != NULL && journal_append(s->j, s->run_id,
	    JOURNAL_EV_LOCK_TAKEOVER, NULL, s->takeover, NULL, cause) != 0) ||
	    (why != NULL && journal_append(s->j, s->run_id,
	    JOURNAL_EV_RUNBOOK_CHANGED, NULL, why, NULL, cause) != 0) ||
	    (!finished && journal_run_set_status(s->j, s->run_id,
	    JOURNAL_RUN_RUNNING, cause) != 0)) {
		free(why);
		journal_events_free(ev, n_ev);
		return EXIT_FAILED;
	}
	free(why);
	free(s->takeover);
	s->takeover = NULL;
	s->status = !finished ? SESSION_RUNNING :
	    s->unf->status == JOURNAL_RUN_DONE ? SESSION_DONE :
	    s->unf->status == JOURNAL_RUN_FAILED ? SESSION_FAILED :
	    SESSION_ABANDONED;
	if (session_reload_steps(s, ev, n_ev, cause) != 0) {
		journal_events_free(ev, n_ev);
		return EXIT_FAILED;
	}
	journal_events_free(ev, n_ev);
	s->has_info = false;
	return EXIT_DONE;
}

int
session_abandon(struct session *s, const char *reason, char **cause)
{
	char	*detail;
	int	 r;

	if (!s->has_info || s->unf == NULL) {
		*cause = xstrdup("there is no unfinished run to abandon");
		return -1;
	}
	if (reason == NULL || *reason == '\0') {
		*cause = xstrdup("abandoning a run needs a reason");
		return -1;
	}
	detail = xasprintf("abandoned: %s", reason);
	r = journal_append(s->j, s->unf->id, JOURNAL_EV_END, NULL, detail,
	    NULL, cause);
	free(detail);
	if (r != 0)
		return -1;
	if (journal_run_set_status(s->j, s->unf->id, JOURNAL_RUN_ABANDONED,
	    cause) != 0)
		return -1;
	journal_run_free(s->unf);
	s->unf = NULL;
	info_clear(&s->info);
	s->has_info = false;
	/* Its answers were for it: ask again. */
	step_env_free(&s->answers);
	memset(s->answered, 0, (s->rb->n_vars + 1) * sizeof *s->answered);
	return 0;
}

bool
session_needs_from(const struct session *s)
{
	return s->opts.from == NULL && s->from == NULL &&
	    s->rb->versions.installed.command == NULL;
}

/* --- the gate ------------------------------------------------------------- */

static const char *
why_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *
why_set(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why_buf, sizeof why_buf, fmt, ap);
	va_end(ap);
	return why_buf;
}

static bool
is_command(const struct step *st)
{
	return (st->kind == RB_CHECK || st->kind == RB_ACTION) && st->run != NULL;
}

static bool
session_can_why(const struct session *s, size_t i, enum session_act act,
    const char **why)
{
	const struct steps	*ss = s->steps;
	const struct step	*st;
	size_t			 blocker;

	*why = "";
	if (act == SESSION_ACT_QUIT)
		return true;
	if (ss == NULL || s->status != SESSION_RUNNING) {
		*why = s->opts.dry_run ? "this is a dry run: nothing is executed" :
		    "the run has not begun";
		return false;
	}
	if (i >= ss->n) {
		*why = why_set("there is no step %zu", i + 1);
		return false;
	}
	st = &ss->v[i];
	if (act == SESSION_ACT_SHELL)
		return true;
	if (act == SESSION_ACT_CANCEL) {
		if (s->running != i) {
			*why = why_set("step %zu is not running", i + 1);
			return false;
		}
		return true;
	}
	if (s->running != NONE) {
		*why = why_set("step %zu (%s) is running", s->running + 1,
		    ss->v[s->running].key);
		return false;
	}
	if (act != SESSION_ACT_ROLLBACK && !steps_needs_met(ss, i, &blocker)) {
		*why = why_set("step %zu (%s) is not done yet", blocker + 1,
		    ss->v[blocker].key);
		return false;
	}
	switch (act) {
	case SESSION_ACT_ACK:
		if (st->kind != RB_READ || st->state != STEP_READY)
			break;
		if (!st->end_shown) {
			*why = "its end has not been shown yet";
			return false;
		}
		return true;
	case SESSION_ACT_CONFIRM:
		return st->kind == RB_CONFIRM && st->state == STEP_READY;
	case SESSION_ACT_TICK:
		return st->kind == RB_MANUAL && st->state == STEP_READY;
	case SESSION_ACT_START:
		if (!is_command(st) || st->state != STEP_READY)
			break;
		return true;
	case SESSION_ACT_RETRY:
		if (st->state != STEP_FAILED && st->state != STEP_IN_DOUBT)
			break;
		return is_command(st) || (st->kind == RB_READ && st->run != NULL);
	case SESSION_ACT_WARN_OK:
		return st->kind == RB_CHECK && st->state == STEP_FAILED &&
		    st->rb != NULL && st->rb->severity == RB_SEV_WARN;
	case SESSION_ACT_SKIP:
		if (!st->optional) {
			*why = "only an optional step may be skipped";
			return false;
		}
		return st->state == STEP_READY || st->state == STEP_FAILED ||
		    st->state == STEP_IN_DOUBT;
	case SESSION_ACT_MARK_DONE:
		return st->kind == RB_ACTION && (st->state == STEP_FAILED ||
		    st->state == STEP_IN_DOUBT);
	case SESSION_ACT_ROLLBACK:
		if (ss->rollback) {
			*why = "this is already a rollback";
			return false;
		}
		return st->state == STEP_FAILED || st->state == STEP_IN_DOUBT;
	default:
		break;
	}
	*why = why_set("%s is not possible on step %zu (%s, %s)",
	    session_act_name(act), i + 1, rb_kind_name(st->kind),
	    step_state_words(st->state));
	return false;
}

bool
session_can(const struct session *s, size_t i, enum session_act act,
    const char **why)
{
	const char	*w;
	bool		 ok = session_can_why(s, i, act, &w);

	if (why != NULL)
		*why = w;
	return ok;
}

unsigned
session_acts(const struct session *s, size_t i)
{
	unsigned	m = 0;
	int		a;

	for (a = 0; a < SESSION_ACT__COUNT; a++) {
		if (session_can(s, i, (enum session_act)a, NULL))
			m |= 1u << a;
	}
	return m;
}

/* Check the gate; on refusal set *cause. */
static int
session_gate(const struct session *s, size_t i, enum session_act act,
    char **cause)
{
	const char	*why;

	if (!session_can(s, i, act, &why)) {
		*cause = xstrdup(why);
		return -1;
	}
	return 0;
}

bool
session_auto(const struct session *s, size_t i)
{
	const struct steps	*ss = s->steps;
	size_t			 j;

	if (ss == NULL || i >= ss->n || ss->v[i].state != STEP_READY ||
	    !is_command(&ss->v[i]))
		return false;
	if (ss->v[i].kind == RB_CHECK)
		return true;
	if (s->opts.step)
		return false;
	for (j = i; j-- > 0;) {
		const struct step *o = &ss->v[j];

		if (o->kind == RB_CONFIRM)
			return o->state == STEP_PASSED;
		if (o->kind != RB_ACTION && o->kind != RB_CHECK)
			return false;
		if (!step_state_settled(o->state))
			return false;
	}
	return false;
}

char *
session_mask(const struct session *s, const char *text)
{
	struct buf	 b;
	const char	*p = text, *hit, *first;
	size_t		 i, len = 0;

	buf_init(&b);
	for (;;) {
		first = NULL;
		for (i = 0; i < s->answers.n; i++) {
			const struct step_var *v = &s->answers.v[i];

			if (!v->secret || *v->value == '\0')
				continue;
			hit = strstr(p, v->value);
			if (hit != NULL && (first == NULL || hit < first ||
			    (hit == first && strlen(v->value) > len))) {
				first = hit;
				len = strlen(v->value);
			}
		}
		if (first == NULL)
			break;
		buf_add(&b, p, (size_t)(first - p));
		buf_puts(&b, "********");
		p = first + len;
	}
	buf_puts(&b, p);
	return buf_take(&b);
}

size_t
session_chain(const struct session *s, size_t i, size_t *until)
{
	const struct steps	*ss = s->steps;
	size_t			 j, n = 0;

	if (ss == NULL || i >= ss->n) {
		*until = ss != NULL ? ss->n : 0;
		return 0;
	}
	for (j = i + 1; j < ss->n; j++) {
		const struct step *o = &ss->v[j];

		if (!is_command(o) || (s->opts.step && o->kind == RB_ACTION))
			break;
		n++;
	}
	*until = j;
	return n;
}

char *
session_describe(const struct session *s, size_t i)
{
	const struct step	*st;
	struct buf		 b;
	char			*env;

	if (s->steps == NULL || i >= s->steps->n)
		return xstrdup("");
	st = &s->steps->v[i];
	buf_init(&b);
	buf_printf(&b, "step %zu (%s), %s: %s\n", i + 1, st->key,
	    rb_kind_name(st->kind), st->title);
	if (st->run != NULL)
		buf_printf(&b, "command: %s\n", st->run);
	if (st->file != NULL)
		buf_printf(&b, "file: %s\n", st->file);
	if (st->phrase != NULL)
		buf_printf(&b, "phrase: %s\n", st->phrase);
	if (st->produces != NULL)
		buf_printf(&b, "produces: %s\n", st->produces);
	if (st->rb != NULL && st->rb->undo != NULL && !st->undo)
		buf_printf(&b, "undo: %s\n", st->rb->undo);
	if (st->rb != NULL && st->rb->timeout > 0)
		buf_printf(&b, "timeout: %u s\n", st->rb->timeout);
	if (st->run != NULL) {
		env = step_env_show(&st->env);
		buf_puts(&b, "environment:\n");
		buf_puts(&b, env);
		free(env);
	}
	return buf_take(&b);
}

/* --- journaled state changes ------------------------------------------- */

/* Journal an event and a step's new state in one durable transaction
 * (and the end of the run when it was the last step), then change the
 * model. Nothing changes when the journal cannot be written. */
static int
session_set(struct session *s, size_t i, enum step_state state,
    const char *reason, enum journal_event_kind kind, const char *detail,
    char **cause)
{
	struct steps	*ss = s->steps;
	struct step	*st = &ss->v[i];
	long long	 seq = 0;
	size_t		 k;
	bool		 last = step_state_settled(state);

	for (k = 0; last && k < ss->n; k++) {
		if (k != i && !step_state_settled(ss->v[k].state))
			last = false;
	}
	if (journal_begin(s->j, cause) != 0)
		return -1;
	if (journal_append(s->j, s->run_id, kind, st->key, detail, &seq,
	    cause) != 0 ||
	    journal_step_set(s->j, s->run_id, st->key, step_state_name(state),
	    reason, cause) != 0 ||
	    (last && (journal_append(s->j, s->run_id, JOURNAL_EV_END, NULL,
	    ss->rollback ? "rolled back" : "done", NULL, cause) != 0 ||
	    journal_run_set_status(s->j, s->run_id, JOURNAL_RUN_DONE,
	    cause) != 0))) {
		journal_rollback(s->j);
		return -1;
	}
	if (journal_commit(s->j, cause) != 0) {
		journal_rollback(s->j);
		return -1;
	}
	step_set(ss, i, state, reason);
	st->ended = journal_now();
	if (step_state_settled(state))
		st->settled_seq = seq;
	if (last)
		s->status = SESSION_DONE;
	return 0;
}

int
session_end_shown(struct session *s, size_t i, char **cause)
{
	struct step	*st;

	if (s->steps == NULL || i >= s->steps->n ||
	    s->steps->v[i].kind != RB_READ) {
		*cause = xasprintf("step %zu is not a read step", i + 1);
		return -1;
	}
	st = &s->steps->v[i];
	if (st->end_shown)
		return 0;
	if (journal_append(s->j, s->run_id, JOURNAL_EV_NOTE, st->key,
	    "the end of the document was shown", NULL, cause) != 0)
		return -1;
	st->end_shown = true;
	return 0;
}

int
session_acknowledge(struct session *s, size_t i, char **cause)
{
	if (session_gate(s, i, SESSION_ACT_ACK, cause) != 0)
		return -1;
	return session_set(s, i, STEP_PASSED, NULL, JOURNAL_EV_ACK,
	    "read to its end and acknowledged", cause);
}

int
session_confirm(struct session *s, size_t i, const char *typed, char **cause)
{
	const struct step	*st;
	char			*detail;
	int			 r;

	if (session_gate(s, i, SESSION_ACT_CONFIRM, cause) != 0)
		return -1;
	st = &s->steps->v[i];
	if (typed == NULL)
		typed = "";
	if (st->phrase == NULL || strcmp(typed, st->phrase) != 0) {
		detail = xasprintf("did not match: %s", typed);
		r = journal_append(s->j, s->run_id, JOURNAL_EV_PHRASE, st->key,
		    detail, NULL, cause);
		free(detail);
		if (r != 0)
			return -1;
		*cause = xasprintf("that is not the phrase: type exactly "
		    "\"%s\"", st->phrase != NULL ? st->phrase : "");
		return -1;
	}
	detail = xasprintf("typed: %s", typed);
	r = session_set(s, i, STEP_PASSED, NULL, JOURNAL_EV_PHRASE, detail,
	    cause);
	free(detail);
	return r;
}

int
session_tick(struct session *s, size_t i, const char *note, char **cause)
{
	if (session_gate(s, i, SESSION_ACT_TICK, cause) != 0)
		return -1;
	if (note != NULL && *note == '\0')
		note = NULL;
	return session_set(s, i, STEP_PASSED, note, JOURNAL_EV_TICK,
	    note != NULL ? note : "ticked", cause);
}

int
session_ack_warning(struct session *s, size_t i, char **cause)
{
	char	*reason;
	int	 r;

	if (session_gate(s, i, SESSION_ACT_WARN_OK, cause) != 0)
		return -1;
	reason = xasprintf("warning accepted (%s)", s->steps->v[i].reason != NULL ?
	    s->steps->v[i].reason : "failed");
	r = session_set(s, i, STEP_PASSED, reason, JOURNAL_EV_ACK,
	    "warning accepted", cause);
	free(reason);
	if (r == 0)
		s->steps->v[i].warned = true;
	return r;
}

int
session_skip(struct session *s, size_t i, const char *reason, char **cause)
{
	if (session_gate(s, i, SESSION_ACT_SKIP, cause) != 0)
		return -1;
	if (reason == NULL || *reason == '\0') {
		*cause = xstrdup("skipping needs a reason: skip REASON");
		return -1;
	}
	return session_set(s, i, STEP_SKIPPED, reason, JOURNAL_EV_SKIP, reason,
	    cause);
}

int
session_mark_done(struct session *s, size_t i, const char *reason,
    char **cause)
{
	if (session_gate(s, i, SESSION_ACT_MARK_DONE, cause) != 0)
		return -1;
	if (reason == NULL || *reason == '\0') {
		*cause = xstrdup("marking it done by hand needs a reason: "
		    "done REASON");
		return -1;
	}
	return session_set(s, i, STEP_DONE, reason, JOURNAL_EV_MARK_DONE,
	    reason, cause);
}

/* --- the door -------------------------------------------------------------- */

/* Start step i's command: journal "start" durably, then fork. */
static int
session_launch(struct session *s, size_t i, char **cause)
{
	struct step		*st = &s->steps->v[i];
	struct action_spec	 spec;
	struct journal_action	 ja;
	char			**envp, *log = NULL, *status = NULL, *detail;
	int			 attempt = 0;

	if (journal_action_next_attempt(s->j, s->run_id, st->key, &attempt,
	    cause) != 0)
		return -1;
	if (journal_action_paths(s->j, s->run_id, st->key, attempt, &log,
	    &status, cause) != 0)
		return -1;
	detail = xasprintf("attempt %d (%s): %s", attempt,
	    st->kind != RB_ACTION ? "read-only, runs without asking" :
	    session_auto(s, i) ? "after the confirmation" :
	    "the operator said run", st->run);
	if (journal_begin(s->j, cause) != 0 ||
	    journal_append(s->j, s->run_id, JOURNAL_EV_START, st->key, detail,
	    NULL, cause) != 0 ||
	    journal_step_set(s->j, s->run_id, st->key, "running", NULL,
	    cause) != 0 ||
	    journal_commit(s->j, cause) != 0) {
		journal_rollback(s->j);
		free(detail);
		free(log);
		free(status);
		return -1;
	}
	free(detail);
	step_set(s->steps, i, STEP_RUNNING, NULL);
	st->attempts = (unsigned)attempt;
	st->started = journal_now();
	st->exit_status = -1;
	free(s->logs[i]);
	s->logs[i] = log;
	free(s->status_path);
	s->status_path = status;
	s->attempt = attempt;
	s->running = i;

	envp = step_env_envp(&st->env, environ);
	memset(&spec, 0, sizeof spec);
	spec.command = st->run;
	spec.envp = envp;
	spec.cwd = s->dir;
	spec.log_path = log;
	spec.status_path = status;
	spec.timeout = st->rb != NULL ? st->rb->timeout : 0;
	spec.grace = ACTION_GRACE_DEFAULT;
	if (action_start(&spec, &s->proc, cause) != 0) {
		step_envp_free(envp);
		s->running = NONE;
		detail = xasprintf("could not start: %s", *cause);
		/* Best effort: the start is journaled; so is this. */
		{
			char *c2 = NULL;

			if (session_set(s, i, STEP_FAILED, detail,
			    JOURNAL_EV_EXIT, detail, &c2) != 0)
				free(c2);
		}
		free(detail);
		return -1;
	}
	step_envp_free(envp);

	memset(&ja, 0, sizeof ja);
	ja.run = s->run_id;
	ja.step = st->key;
	ja.attempt = attempt;
	ja.pid = s->proc.pid;
	ja.pid_start = s->proc.start;
	ja.log_path = log;
	ja.status_path = status;
	ja.started = st->started;
	if (journal_action_add(s->j, &ja, cause) != 0) {
		/* It runs; its start event is journaled and its status file
		 * is where a later stepup looks. Say so, and go on. */
		free(*cause);
		*cause = NULL;
	}
	return 0;
}

int
session_start(struct session *s, size_t i, char **cause)
{
	enum session_act	act = SESSION_ACT_START;

	if (s->steps != NULL && i < s->steps->n &&
	    (s->steps->v[i].state == STEP_FAILED ||
	    s->steps->v[i].state == STEP_IN_DOUBT))
		act = SESSION_ACT_RETRY;
	if (session_gate(s, i, act, cause) != 0)
		return -1;
	return session_launch(s, i, cause);
}

/* Record how step i's command ended. */
static int
session_finished(struct session *s, size_t i, const struct action_status *as,
    char **cause)
{
	struct step		*st = &s->steps->v[i];
	struct journal_action	 ja;
	struct stat		 sb;
	char			*desc, *reason = NULL, sha[65];
	enum step_state		 state;
	int			 code;

	desc = action_status_describe(as);
	code = as->exited ? as->exit_code : 128 + as->signal;
	memset(&ja, 0, sizeof ja);
	ja.run = s->run_id;
	ja.step = st->key;
	ja.attempt = s->attempt;
	ja.ended = as->ended;
	ja.exit_code = as->exited ? as->exit_code : -1;
	ja.signal = as->signal;
	ja.timed_out = as->timed_out;
	ja.cancelled = as->cancelled;
	if (journal_action_finish(s->j, &ja, cause) != 0) {
		free(desc);
		return -1;
	}
	state = code == 0 ? STEP_PASSED : STEP_FAILED;
	if (code != 0)
		reason = xstrdup(desc);
	if (code == 0 && st->kind == RB_READ) {
		/* A document's command: the step waits for its reading. */
		state = STEP_READY;
	}
	if (code == 0 && st->produces != NULL) {
		if (stat(st->produces, &sb) != 0) {
			state = STEP_FAILED;
			reason = xasprintf("exit 0, but %s was not made: %s",
			    st->produces, strerror(errno));
		} else if (!S_ISREG(sb.st_mode) || sb.st_size == 0) {
			state = STEP_FAILED;
			reason = xasprintf("exit 0, but %s is %s", st->produces,
			    S_ISREG(sb.st_mode) ? "empty" : "not a file");
		} else if (sha256_file(st->produces, sha) != 0) {
			state = STEP_FAILED;
			reason = xasprintf("exit 0, but %s cannot be read: %s",
			    st->produces, strerror(errno));
		} else {
			char *d = xasprintf("%s: %lld bytes, sha256 %s",
			    st->produces, (long long)sb.st_size, sha);

			if (journal_action_artifact(s->j, s->run_id, st->key,
			    s->attempt, st->produces, (long long)sb.st_size,
			    sha, cause) != 0 ||
			    journal_append(s->j, s->run_id, JOURNAL_EV_ARTIFACT,
			    st->key, d, NULL, cause) != 0) {
				free(d);
				free(desc);
				return -1;
			}
			free(d);
			st->artifact_size = (long long)sb.st_size;
			memcpy(st->artifact_sha256, sha, sizeof sha);
		}
	}
	if (session_set(s, i, state, reason, as->timed_out ? JOURNAL_EV_TIMEOUT :
	    JOURNAL_EV_EXIT, reason != NULL ? reason : desc, cause) != 0) {
		free(reason);
		free(desc);
		return -1;
	}
	st->exit_status = code;
	free(reason);
	free(desc);
	action_proc_close(&s->proc);
	s->running = NONE;
	return 0;
}

/* A command whose outcome cannot be known. */
static int
session_in_doubt(struct session *s, size_t i, const char *why, char **cause)
{
	if (session_set(s, i, STEP_IN_DOUBT, why, JOURNAL_EV_IN_DOUBT, why,
	    cause) != 0)
		return -1;
	action_proc_close(&s->proc);
	if (s->running == i)
		s->running = NONE;
	return 0;
}

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
session_wait(struct session *s, int timeout_ms, char **cause)
{
	struct action_status	as;
	enum action_state	state;
	struct pollfd		pfd;
	long long		deadline = 0, left;
	int			slice;

	if (s->running == NONE)
		return 1;
	if (timeout_ms > 0)
		deadline = now_ms() + timeout_ms;
	for (;;) {
		memset(&as, 0, sizeof as);
		if (action_poll(s->proc.pid, s->proc.start, s->status_path,
		    &state, &as, cause) != 0)
			return -1;
		if (state == ACTION_FINISHED)
			return session_finished(s, s->running, &as, cause) == 0 ?
			    1 : -1;
		if (state == ACTION_IN_DOUBT)
			return session_in_doubt(s, s->running, "its supervisor "
			    "is gone and it left no exit status", cause) == 0 ?
			    1 : -1;
		if (timeout_ms == 0)
			return 0;
		slice = 200;
		if (timeout_ms > 0) {
			left = deadline - now_ms();
			if (left <= 0)
				return 0;
			if (left < slice)
				slice = (int)left;
		}
		if (s->proc.fd >= 0) {
			pfd.fd = s->proc.fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, slice) < 0 && errno == EINTR)
				return 0;
		} else {
			struct timespec ts = { 0, (long)slice * 1000000L };

			if (nanosleep(&ts, NULL) != 0 && errno == EINTR)
				return 0;
		}
	}
}

int
session_wait_fd(const struct session *s)
{
	return s->running != NONE ? s->proc.fd : -1;
}

int
session_cancel(struct session *s, char **cause)
{
	if (s->running == NONE) {
		*cause = xstrdup("nothing is running");
		return -1;
	}
	if (journal_append(s->j, s->run_id, JOURNAL_EV_CANCEL,
	    s->steps->v[s->running].key, "cancel asked: SIGTERM, then SIGKILL",
	    NULL, cause) != 0)
		return -1;
	return action_cancel(s->proc.pid, s->proc.start, cause);
}

int
session_document(struct session *s, size_t i, char **path, char **cause)
{
	struct step	*st;
	int		 r;

	*path = NULL;
	if (s->steps == NULL || i >= s->steps->n ||
	    s->steps->v[i].kind != RB_READ) {
		*cause = xasprintf("step %zu is not a read step", i + 1);
		return -1;
	}
	st = &s->steps->v[i];
	if (st->run == NULL) {
		if (st->file == NULL) {
			*cause = xasprintf("step %zu (%s) has no document",
			    i + 1, st->key);
			return -1;
		}
		if (access(st->file, R_OK) != 0) {
			*cause = xasprintf("step %zu (%s): cannot read %s: %s",
			    i + 1, st->key, st->file, strerror(errno));
			return -1;
		}
		*path = xstrdup(st->file);
		return 0;
	}
	/* The document is a command's output: run it through the door. */
	if (st->state != STEP_READY || s->logs[i] == NULL ||
	    st->exit_status != 0) {
		if (!(st->state == STEP_READY && s->running == NONE &&
		    steps_needs_met(s->steps, i, NULL)) &&
		    session_gate(s, i, SESSION_ACT_RETRY, cause) != 0)
			return -1;
		if (session_launch(s, i, cause) != 0)
			return -1;
		r = session_wait(s, -1, cause);
		if (r < 0)
			return -1;
		if (st->state != STEP_READY) {
			*cause = xasprintf("step %zu (%s): the command that "
			    "makes the document failed: %s", i + 1, st->key,
			    st->reason != NULL ? st->reason : "?");
			return -1;
		}
	}
	*path = xstrdup(s->logs[i]);
	return 0;
}

/* --- shell, pause, rollback -------------------------------------------------- */

int
session_shell(struct session *s, size_t i, char **cause)
{
	struct sigaction	 ign, oint, oquit;
	const char		*sh = getenv("SHELL");
	char			**envp;
	pid_t			 pid;
	int			 status;

	if (session_gate(s, i, SESSION_ACT_SHELL, cause) != 0)
		return -1;
	if (sh == NULL || *sh == '\0')
		sh = "/bin/sh";
	if (journal_append(s->j, s->run_id, JOURNAL_EV_SHELL,
	    s->steps->v[i].key, sh, NULL, cause) != 0)
		return -1;
	envp = step_env_envp(&s->steps->v[i].env, environ);
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		if (chdir(s->state_dir) != 0)
			_exit(126);
		execle(sh, sh, "-i", (char *)NULL, envp);
		_exit(127);
	}
	step_envp_free(envp);
	if (pid < 0) {
		*cause = xasprintf("cannot start %s: %s", sh, strerror(errno));
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	if (pid < 0)
		return -1;
	return journal_append(s->j, s->run_id, JOURNAL_EV_NOTE,
	    s->steps->v[i].key, "back from the shell", NULL, cause);
}

int
session_pause(struct session *s, char **cause)
{
	if (s->status != SESSION_RUNNING)
		return 0;
	if (journal_append(s->j, s->run_id, JOURNAL_EV_PAUSE, NULL,
	    s->running != NONE ? "paused while a command runs on" : NULL,
	    NULL, cause) != 0 ||
	    journal_run_set_status(s->j, s->run_id, JOURNAL_RUN_PAUSED,
	    cause) != 0)
		return -1;
	s->status = SESSION_PAUSED;
	return 0;
}

int
session_rollback(struct session *s, char **cause)
{
	struct journal_run	 run;
	struct step_env		 env = { NULL, 0 };
	struct steps		*rs;
	char			*why, *ptext;
	long long		 id;
	size_t			 i;

	if (s->steps == NULL || s->steps->rollback) {
		*cause = xstrdup("there is no upgrade run to roll back");
		return EXIT_USAGE;
	}
	if (s->running != NONE) {
		*cause = xstrdup("a command is running: cancel it first");
		return EXIT_FAILED;
	}
	memset(&run, 0, sizeof run);
	run.kind = JOURNAL_RUN_ROLLBACK;
	run.parent = s->run_id;
	run.runbook = s->runbook_abs;
	run.runbook_sha256 = s->rb->sha256;
	run.product = s->rb->product;
	run.from = s->plan->to;
	run.to = s->plan->from;
	run.plan = ptext = plan_text(s->plan);
	why = xasprintf("rollback of run %lld", s->run_id);
	if (journal_begin(s->j, cause) != 0) {
		free(why);
		free(ptext);
		return EXIT_FAILED;
	}
	if (journal_append(s->j, s->run_id, JOURNAL_EV_ROLLBACK, NULL,
	    "rollback chosen", NULL, cause) != 0 ||
	    journal_append(s->j, s->run_id, JOURNAL_EV_END, NULL,
	    "failed; rolled back", NULL, cause) != 0 ||
	    journal_run_set_status(s->j, s->run_id, JOURNAL_RUN_FAILED,
	    cause) != 0 ||
	    journal_run_create(s->j, &run, &id, cause) != 0 ||
	    journal_append(s->j, id, JOURNAL_EV_BEGIN, NULL, why, NULL,
	    cause) != 0) {
		journal_rollback(s->j);
		free(why);
		free(ptext);
		return EXIT_FAILED;
	}
	free(why);
	free(ptext);
	session_base_env(s, &env);
	step_env_set(&env, "STEPUP_RUN_ID", (why = xasprintf("%lld", id)),
	    false);
	free(why);
	rs = steps_new_rollback(s->steps, &env, &why);
	step_env_free(&env);
	if (rs == NULL) {
		journal_rollback(s->j);
		*cause = xasprintf("%s: %s", s->rb->path, why);
		free(why);
		return EXIT_USAGE;
	}
	if (journal_commit(s->j, cause) != 0) {
		journal_rollback(s->j);
		steps_free(rs);
		return EXIT_FAILED;
	}
	for (i = 0; i < s->steps->n; i++)
		free(s->logs[i]);
	free(s->logs);
	steps_free(s->upgrade);
	s->upgrade = s->steps;
	s->steps = rs;
	session_alloc_logs(s);
	s->parent = s->run_id;
	session_set_run(s, id);
	s->status = SESSION_RUNNING;
	return EXIT_DONE;
}

/* --- for the guided rollback (rollback.h, plain mode, the TUI) ------------ */

/* Under a rollback run, the upgrade run's steps. */
const struct steps *
session_upgrade_steps(const struct session *s)
{
	return s->steps != NULL && s->steps->rollback ? s->upgrade : NULL;
}

/* The rollback steps session_rollback() would lay out, unjournaled. */
int
session_rollback_preview(struct session *s, struct steps **out, char **cause)
{
	struct step_env	 env = { NULL, 0 };
	char		*why;

	*out = NULL;
	if (s->steps == NULL || s->steps->rollback) {
		*cause = xstrdup("there is no upgrade run to roll back");
		return -1;
	}
	session_base_env(s, &env);
	*out = steps_new_rollback(s->steps, &env, &why);
	step_env_free(&env);
	if (*out == NULL) {
		*cause = xasprintf("%s: %s", s->rb->path, why);
		free(why);
		return -1;
	}
	return 0;
}

/* Probe the installed version now, journaled in the current run. */
int
session_probe_installed(struct session *s, char **version, char **cause)
{
	struct catalog_probe	 probe;
	char			**envp, *detail, *jcause = NULL;
	size_t			 first = s->n_probes;
	int			 status;

	envp = session_probe_envp(s);
	probe.envp = envp;
	probe.dir = s->dir;
	probe.note = session_probe_note;
	probe.arg = s;
	*version = catalog_installed(s->rb, &probe, &status, cause);
	step_envp_free(envp);
	/* Journaled now, in the run under way. */
	if (s->run_id != 0 && s->n_probes > first) {
		detail = s->probes[s->n_probes - 1].detail;
		if (journal_append(s->j, s->run_id, JOURNAL_EV_PROBE, NULL,
		    detail, NULL, &jcause) != 0) {
			if (*version != NULL) {
				free(*version);
				*version = NULL;
				*cause = jcause;
			} else
				free(jcause);
			return -1;
		}
	}
	return *version != NULL ? 0 : -1;
}

/* Opened with opts.rollback and no unfinished run: the latest upgrade run
 * of the runbook, finished or not, is the one to roll back (a problem
 * found the next morning), unless a rollback of it is already done. It
 * becomes the run session_resume() loads. EXIT_* status. */
static int
session_latest_run(struct session *s, char **cause)
{
	struct journal_run	*v = NULL;
	size_t			 n = 0, k, pick = 0, j;
	bool			 found = false;

	if (journal_runs(s->j, s->runbook_abs, &v, &n, cause) != 0)
		return EXIT_FAILED;
	for (k = n; k-- > 0;) {
		if (v[k].kind == JOURNAL_RUN_UPGRADE && !v[k].dry_run) {
			pick = k;
			found = true;
			break;
		}
	}
	if (!found) {
		*cause = xasprintf("there is no run of %s to roll back",
		    s->runbook_abs);
		journal_runs_free(v, n);
		return EXIT_USAGE;
	}
	for (j = pick + 1; j < n; j++) {
		if (v[j].kind == JOURNAL_RUN_ROLLBACK &&
		    v[j].parent == v[pick].id &&
		    v[j].status == JOURNAL_RUN_DONE) {
			*cause = xasprintf("run %lld (%s -> %s) was rolled "
			    "back already, by run %lld", v[pick].id,
			    v[pick].from, v[pick].to, v[j].id);
			journal_runs_free(v, n);
			return EXIT_USAGE;
		}
	}
	s->unf = xmalloc(sizeof *s->unf);
	*s->unf = v[pick];
	memset(&v[pick], 0, sizeof v[pick]);
	journal_runs_free(v, n);
	return EXIT_DONE;
}

/* A journaled run's plan, parsed from its record. */
struct plan *
session_run_plan(const struct journal_run *run)
{
	bool	rollback = run->kind == JOURNAL_RUN_ROLLBACK;

	if (run->plan == NULL || run->from == NULL || run->to == NULL)
		return NULL;
	/* A rollback run's record has from and to the other way round. */
	return plan_parse(run->plan, rollback ? run->to : run->from,
	    rollback ? run->from : run->to);
}

/* --- another target, from the plan screen --------------------------------- */

/* Plan for another target; keep the plan as it was when version is not a
 * release of the catalog the operator may aim at. */
int
session_set_to(struct session *s, const char *version, char **cause)
{
	struct plan		*old_plan = s->plan;
	struct plan_refusal	*old_ref = s->refusal, *ref;
	const char		*old_to = s->opts.to;
	char			*why = NULL;
	int			 r;

	if (s->steps != NULL) {
		*cause = xstrdup("the run has begun: its target cannot change");
		return -1;
	}
	if (version == NULL || *version == '\0' || strchr(version, '\n')) {
		*cause = xstrdup("the target is one version, e.g. 2.0.0");
		return -1;
	}
	s->plan = NULL;
	s->refusal = NULL;
	s->opts.to = version;
	r = session_plan(s, &why);
	s->opts.to = old_to;
	ref = s->refusal;
	if (r == EXIT_DONE || (r == EXIT_REFUSED && ref != NULL &&
	    strcmp(ref->rule, "invalid-version") != 0 &&
	    strcmp(ref->rule, "not-in-catalog") != 0 &&
	    strcmp(ref->rule, "downgrade") != 0)) {
		/* A plan, or a path the policy refuses: shown as such. */
		free(why);
		plan_free(old_plan);
		plan_refusal_free(old_ref);
		return 0;
	}
	if (ref != NULL) {
		free(why);
		*cause = xstrdup(ref->message);
	} else
		*cause = why != NULL ? why : xstrdup("cannot plan");
	plan_free(s->plan);
	plan_refusal_free(s->refusal);
	s->plan = old_plan;
	s->refusal = old_ref;
	return -1;
}
