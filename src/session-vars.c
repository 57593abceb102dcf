/* session-vars.c: the runbook's variables in a session: fixed values,
 * questions and answers, secrets (masked everywhere), the environment every
 * command starts from, and the answers journaled and read back. */
#include "config.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "runbook.h"
#include "session-int.h"
#include "session.h"
#include "steps.h"
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

/* Resolve the vars that are not asked: fixed values and the environment. */
int
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
