/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* session-vars.c: the runbook's variables in a session: fixed values,
 * questions and answers, secrets (masked everywhere), the environment every
 * command starts from, and the answers journaled and read back. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "escape.h"
#include "journal.h"
#include "probe.h"
#include "runbook.h"
#include "session-int.h"
#include "session.h"
#include "steps.h"
#include "trust.h"
#include "util.h"

/* The environment every probe and step starts from: the runbook's vars
 * known so far and the STEPUP_* of the run. */
void
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

/* What a variable's value or default may name: the answers so far and
 * the runbook's directory. */
static void
vars_known(const struct session *s, struct step_env *env)
{
	step_env_merge(env, &s->answers);
	step_env_set(env, "STEPUP_RUNBOOK_DIR", s->dir, false);
}

/* Whether every variable v names has its value. */
static bool
vars_ready(const struct session *s, const struct rb_var *v)
{
	size_t	i;

	for (i = 0; i < v->n_uses; i++) {
		if (!s->answered[v->uses[i]])
			return false;
	}
	return true;
}

char *
session_var_default(const struct session *s, const struct rb_var *v)
{
	struct step_env	 env = { NULL, 0, NULL };
	char		*out = NULL, *cause = NULL;

	if (v->def == NULL || !vars_ready(s, v))
		return NULL;
	vars_known(s, &env);
	if (steps_var_value(v, v->def, &env, &out, &cause) != 0) {
		free(cause);
		out = NULL;
	}
	step_env_free(&env);
	return out;
}

/* A secret's command may take this long (a vault CLI over the network). */
#define SECRET_TIMEOUT	60

/* The text of a secret without its trailing newlines; NULL with *cause
 * when it holds a NUL byte or nothing. */
static char *
secret_text(const struct rb_var *v, const char *from, const char *s,
    size_t len, char **cause)
{
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	if (len == 0 || memchr(s, '\0', len) != NULL) {
		*cause = xasprintf("variable %s: %s %s", v->name, from, len == 0 ?
		    "gave nothing" : "holds a NUL byte");
		return NULL;
	}
	return xstrndup(s, len);
}

/* Read a secret from its file: a regular file, not through a link, that
 * the operator (or root) owns, no one else can write and others cannot
 * read, in directories they cannot change (trust.h). */
static char *
secret_file(const struct session *s, const struct rb_var *v,
    const char *name, char **cause)
{
	struct stat	 sb;
	struct buf	 b;
	char		*path, *why, chunk[4096], *out = NULL;
	ssize_t		 n;
	int		 fd;

	path = name[0] == '/' ? xstrdup(name) : xasprintf("%s/%s", s->dir,
	    name);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)) ==
	    -1) {
		*cause = xasprintf("variable %s: cannot open %s: %s%s", v->name,
		    path, strerror(errno), errno == ELOOP ? " (a secret is "
		    "never read through a symbolic link)" : "");
		free(path);
		return NULL;
	}
	why = NULL;
	if (fstat(fd, &sb) != 0)
		why = xasprintf("cannot stat %s: %s", path, strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		why = xasprintf("%s is not a regular file", path);
	else if ((why = trust_why(&sb, path)) == NULL &&
	    (sb.st_mode & (S_IROTH | S_IWOTH)) != 0)
		why = xasprintf("%s is readable by others (mode %04o); fix: "
		    "chmod o-rwx %s", path, (unsigned)(sb.st_mode & 07777),
		    path);
	if (why == NULL)
		why = trust_path(path);
	if (why != NULL) {
		*cause = xasprintf("variable %s: a secret file is refused: %s",
		    v->name, why);
		free(why);
		close(fd);
		free(path);
		return NULL;
	}
	buf_init(&b);
	while ((n = read(fd, chunk, sizeof chunk)) > 0 && b.len < 65536)
		buf_add(&b, chunk, (size_t)n);
	if (n < 0)
		*cause = xasprintf("variable %s: cannot read %s: %s", v->name,
		    path, strerror(errno));
	else if (b.len >= 65536)
		*cause = xasprintf("variable %s: %s is over 64 KiB, too much "
		    "for a secret", v->name, path);
	else
		out = secret_text(v, path, b.data != NULL ? b.data : "", b.len,
		    cause);
	buf_free(&b);
	close(fd);
	free(path);
	return out;
}

/* Run a secret's command (through spawn.c, as a probe: stdin from
 * /dev/null, stdout captured, a timeout) with the variables known so far:
 * its whole output, without the trailing newline, is the secret. */
static char *
secret_command(struct session *s, const struct rb_var *v, char **cause)
{
	struct step_env		 env = { NULL, 0, NULL };
	struct probe_result	 res;
	char			**base, **envp, *why, *out = NULL;

	vars_known(s, &env);
	base = catalog_env(s->rb, NULL);
	envp = step_env_envp(&env, base);
	catalog_env_free(base);
	step_env_free(&env);
	if (probe_run(v->command, envp, s->dir, SECRET_TIMEOUT, &res,
	    cause) != 0) {
		step_envp_free(envp);
		return NULL;
	}
	step_envp_free(envp);
	if (!probe_ok(&res)) {
		why = probe_describe(&res, SECRET_TIMEOUT);
		*cause = xasprintf("variable %s: its command %s", v->name, why);
		free(why);
	} else
		out = secret_text(v, "its command", res.out, res.out_len, cause);
	probe_result_free(&res);
	return out;
}

/* Resolve the vars that are not asked (fixed values and the environment),
 * in rb->var_order, each once the vars it names have their values: those
 * that wait for an answer are resolved by session_answer. */
int
session_fixed_vars(struct session *s, char **cause)
{
	const struct rb_var	*v;
	struct step_env		 env;
	const char		*raw;
	char			*val, *raw_path;
	size_t			 i, k;
	int			 r;

	for (k = 0; k < s->rb->n_vars; k++) {
		i = s->rb->var_order[k];
		v = &s->rb->vars[i];
		if (v->source == RB_VAR_ASK || s->answered[i])
			continue;
		if (v->source == RB_VAR_FILE || v->source == RB_VAR_COMMAND) {
			if (!vars_ready(s, v))
				continue;
			val = NULL;
			if (v->source == RB_VAR_COMMAND)
				val = secret_command(s, v, cause);
			else {
				env.v = NULL;
				env.base = NULL;
				env.n = 0;
				vars_known(s, &env);
				r = steps_var_value(v, v->file, &env, &raw_path,
				    cause);
				step_env_free(&env);
				if (r == 0) {
					val = secret_file(s, v, raw_path, cause);
					free(raw_path);
				}
			}
			if (val == NULL)
				return -1;
			step_env_set(&s->answers, v->name, val, true);
			free(val);
			s->answered[i] = true;
			continue;
		}
		if (v->source == RB_VAR_ENV && getenv(v->env) != NULL) {
			/* The environment's value is taken as it is. */
			step_env_set(&s->answers, v->name, getenv(v->env),
			    v->secret);
			s->answered[i] = true;
			continue;
		}
		raw = v->source == RB_VAR_VALUE ? v->value : v->def;
		if (raw == NULL) {
			*cause = xasprintf("%s: variable %s: the environment "
			    "variable %s is not set and there is no default",
			    s->rb->path, v->name, v->env);
			return -1;
		}
		if (!vars_ready(s, v))
			continue;
		env.v = NULL;
		env.base = NULL;
		env.n = 0;
		vars_known(s, &env);
		r = steps_var_value(v, raw, &env, &val, cause);
		step_env_free(&env);
		if (r != 0)
			return -1;
		step_env_set(&s->answers, v->name, val, v->secret);
		free(val);
		s->answered[i] = true;
	}
	return 0;
}

const struct rb_var *
session_question(const struct session *s, size_t n)
{
	size_t	i, k;

	for (k = 0; k < s->rb->n_vars; k++) {
		i = s->rb->var_order[k];
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
	char			*anchored, *def = NULL, err[256];
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
		if ((def = session_var_default(s, v)) == NULL) {
			*cause = xasprintf("%s needs an answer (there is no "
			    "default)", name);
			return -1;
		}
		answer = def;
	}
	if (strchr(answer, '\n') != NULL) {
		*cause = xasprintf("%s: an answer is one line", name);
		goto fail;
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
			goto fail;
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
			goto fail;
		}
		r = regexec(&re, answer, 0, NULL, 0);
		regfree(&re);
		if (r != 0) {
			*cause = xasprintf("%s must match the pattern %s",
			    name, v->pattern);
			goto fail;
		}
	}
	step_env_set(&s->answers, v->name, answer, v->secret);
	s->answered[v - s->rb->vars] = true;
	free(def);
	/* The fixed vars that named this one have their value now. */
	return session_fixed_vars(s, cause);

fail:
	free(def);
	return -1;
}

int
session_secret_checks(struct session *s, char **cause)
{
	const struct rb_var	*v;
	const struct step	*st;
	struct probe_result	 res;
	char			**base, **envp, *what, *why, *masked;
	unsigned		 timeout;
	size_t			 i;
	int			 r;

	for (i = 0; i < s->rb->n_vars; i++) {
		v = &s->rb->vars[i];
		if (v->check.s == NULL || s->steps == NULL ||
		    (st = steps_find(s->steps, v->check.s)) == NULL ||
		    st->run == NULL)
			continue;
		what = xasprintf("check %s of the secret %s", st->key, v->name);
		if (session_probe_door(s, what, st->run, NULL, cause) != 0) {
			free(what);
			return -1;
		}
		timeout = st->rb->timeout != 0 ? st->rb->timeout : SECRET_TIMEOUT;
		base = catalog_env(s->rb, NULL);
		envp = step_env_envp(&st->env, base);
		catalog_env_free(base);
		r = probe_run(st->run, envp, s->dir, timeout, &res, cause);
		step_envp_free(envp);
		if (r != 0) {
			free(what);
			return -1;
		}
		why = probe_ok(&res) ? NULL : probe_describe(&res, timeout);
		probe_result_free(&res);
		masked = why != NULL ? session_mask(s, why) : NULL;
		r = session_probe_door(s, what, st->run, masked != NULL ? masked :
		    "passed", cause);
		free(what);
		free(why);
		if (r != 0) {
			free(masked);
			return -1;
		}
		if (masked != NULL) {
			*cause = xasprintf("the secret %s does not pass its check "
			    "'%s' (%s): nothing was resumed; fix where it is "
			    "read from, or type it again, and resume", v->name,
			    st->key, masked);
			free(masked);
			return -1;
		}
	}
	return 0;
}

/* Tell the journal every secret value, so that none is ever written. */
void
session_secrets(struct session *s)
{
	const char	**v;
	size_t		  n;

	v = session_secret_values(s, &n);
	journal_set_secrets(s->j, v, n);
	free(v);
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

int
session_journal_vars(struct session *s, char **cause)
{
	struct step_env	  env = { NULL, 0, NULL };
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

/* Read the answers of a run back from its vars event ("NAME=value"
 * lines); masked secrets are asked again. */
void
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

const char **
session_secret_values(const struct session *s, size_t *n)
{
	const char	**secrets;
	size_t		  i;

	*n = 0;
	secrets = xcalloc(s->answers.n + s->outputs.n + 1, sizeof *secrets);
	for (i = 0; i < s->answers.n; i++) {
		if (s->answers.v[i].secret)
			secrets[(*n)++] = s->answers.v[i].value;
	}
	/* And the secret values steps' commands set (outputs). */
	for (i = 0; i < s->outputs.n; i++) {
		if (s->outputs.v[i].secret)
			secrets[(*n)++] = s->outputs.v[i].value;
	}
	return secrets;
}

char *
session_mask(const struct session *s, const char *text)
{
	const char	**secrets;
	char		 *out;
	size_t		  n;

	secrets = session_secret_values(s, &n);
	out = mask_secrets(text, secrets, n);
	free(secrets);
	return out;
}
