/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* catalog.c: resolve the catalog and the installed version from the
 * runbook's list or its probe commands, the same way for every command. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "probe.h"
#include "util.h"
#include "version.h"

char **
catalog_env(const struct runbook *rb, char *const *extra)
{
	static const char *const keep[] = {
		"PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ",
		"TMPDIR",
	};
	char		**env;
	const char	 *s;
	size_t		  n = 0, n_extra = 0, i;

	while (extra != NULL && extra[n_extra] != NULL)
		n_extra++;
	env = xcalloc(nitems(keep) + n_extra + 2, sizeof *env);
	for (i = 0; i < nitems(keep); i++) {
		if ((s = getenv(keep[i])) != NULL)
			env[n++] = xasprintf("%s=%s", keep[i], s);
		else if (strcmp(keep[i], "PATH") == 0)
			env[n++] = xstrdup("PATH=/usr/local/bin:/usr/bin:/bin");
	}
	env[n++] = xasprintf("STEPUP_RUNBOOK_DIR=%s", rb->dir);
	for (i = 0; i < n_extra; i++)
		env[n++] = xstrdup(extra[i]);
	env[n] = NULL;
	return env;
}

void
catalog_env_free(char **env)
{
	char	**e;

	if (env == NULL)
		return;
	for (e = env; *e != NULL; e++)
		free(*e);
	free(env);
}

/* Run one probe; its whole stdout, or NULL with *cause. */
static char *
catalog_probe_run(const struct runbook *rb, const struct rb_source *src,
    const char *what, const struct catalog_probe *p, char **cause)
{
	struct probe_result	 res;
	const struct rb_pos	*at = &src->command_at.pos;
	char			*why, *out, *outcome;
	int			 r;

	memset(&res, 0, sizeof res);
	if (p->note != NULL && p->note(p->arg, what, src->command, NULL,
	    &why) != 0) {
		*cause = xasprintf("%s:%d:%d: the versions.%s command was not "
		    "run: %s", rb->path, at->line, at->col, what, why);
		free(why);
		return NULL;
	}
	if (probe_run(src->command, p->envp, p->dir, CATALOG_PROBE_TIMEOUT,
	    &res, &why) != 0) {
		*cause = xasprintf("%s:%d:%d: cannot run the versions.%s "
		    "command: %s", rb->path, at->line, at->col, what, why);
		outcome = xasprintf("could not start: %s", why);
		free(why);
		goto fail;
	}
	if (!probe_ok(&res))
		why = probe_describe(&res, CATALOG_PROBE_TIMEOUT);
	else if (res.out_truncated)
		why = xasprintf("printed more than %d bytes", PROBE_MAX_OUT);
	else if (strlen(res.out) != res.out_len)
		why = xstrdup("printed a NUL byte");
	else {
		outcome = xasprintf("exit 0, output: %s", res.out);
		r = p->note != NULL ? p->note(p->arg, what, src->command,
		    outcome, cause) : 0;
		free(outcome);
		if (r != 0) {
			probe_result_free(&res);
			return NULL;
		}
		out = res.out;
		res.out = NULL;
		probe_result_free(&res);
		return out;
	}
	*cause = xasprintf("%s:%d:%d: the versions.%s command %s", rb->path,
	    at->line, at->col, what, why);
	outcome = why;
fail:
	/* Failed already: a note that fails too adds nothing to say. */
	if (p->note != NULL && p->note(p->arg, what, src->command, outcome,
	    &why) != 0)
		free(why);
	free(outcome);
	probe_result_free(&res);
	return NULL;
}

/* Split text into trimmed, non-empty lines (pointers into text). */
static size_t
split_lines(char *text, char ***lines)
{
	char	*p = text, *e, *end;
	size_t	 n = 0;

	*lines = NULL;
	while (*p != '\0') {
		end = p + strcspn(p, "\n");
		e = end;
		while (e > p && strchr(" \t\r", e[-1]) != NULL)
			e--;
		while (p < e && strchr(" \t", *p) != NULL)
			p++;
		if (e > p) {
			*lines = xreallocarray(*lines, n + 1, sizeof **lines);
			(*lines)[n++] = p;
		}
		if (*end == '\0') {
			*e = '\0';
			break;
		}
		*e = '\0';
		p = end + 1;
	}
	return n;
}

struct plan_catalog *
catalog_resolve(const struct runbook *rb, const struct catalog_probe *p,
    int *status, char **cause)
{
	const struct rb_source	 *av = &rb->versions.available;
	struct plan_catalog	 *c;
	const char		**rel;
	char			**lines = NULL, *out = NULL, *why;
	size_t			  n, i;

	if (av->command == NULL) {
		n = av->n_list;
		rel = xcalloc(n + 1, sizeof *rel);
		for (i = 0; i < n; i++)
			rel[i] = av->list[i].s;
	} else {
		if ((out = catalog_probe_run(rb, av, "available", p,
		    cause)) == NULL) {
			*status = EXIT_FAILED;
			return NULL;
		}
		n = split_lines(out, &lines);
		rel = xcalloc(n + 1, sizeof *rel);
		for (i = 0; i < n; i++)
			rel[i] = lines[i];
	}
	c = plan_catalog_new(&rb->versions, rel, n, &why);
	if (c == NULL && av->command == NULL) {
		*status = EXIT_USAGE;
		*cause = xasprintf("%s: %s", rb->path, why);
	} else if (c == NULL) {
		*status = EXIT_FAILED;
		*cause = xasprintf("%s:%d:%d: the versions.available command "
		    "printed no usable catalog: %s", rb->path,
		    av->command_at.pos.line, av->command_at.pos.col, why);
	}
	if (c == NULL)
		free(why);
	free(rel);
	free(lines);
	free(out);
	return c;
}

char *
catalog_installed(const struct runbook *rb, const struct catalog_probe *p,
    int *status, char **cause)
{
	const struct rb_source	 *in = &rb->versions.installed;
	const struct rb_pos	 *at = &in->command_at.pos;
	struct version		  v;
	char			**lines = NULL, *out, *why, *found = NULL;
	size_t			  n;

	*status = EXIT_FAILED;
	if (in->command == NULL) {
		*status = EXIT_USAGE;
		*cause = xasprintf("%s asks for the installed version (\"%s\"): "
		    "give it with --from VERSION", rb->path,
		    in->ask != NULL ? in->ask : "versions.installed");
		return NULL;
	}
	if ((out = catalog_probe_run(rb, in, "installed", p, cause)) == NULL) {
		why = *cause;
		*cause = xasprintf("%s; give the installed version with --from",
		    why);
		free(why);
		return NULL;
	}
	n = split_lines(out, &lines);
	if (n == 0)
		*cause = xasprintf("%s:%d:%d: the versions.installed command "
		    "printed nothing; give the version with --from", rb->path,
		    at->line, at->col);
	else if (n > 1)
		*cause = xasprintf("%s:%d:%d: the versions.installed command "
		    "printed %zu lines, not one version ('%s', '%s'...); give "
		    "the version with --from", rb->path, at->line, at->col, n,
		    lines[0], lines[1]);
	else if (version_parse(&v, rb->versions.scheme, lines[0], &why) != 0) {
		*cause = xasprintf("%s:%d:%d: the versions.installed command "
		    "printed '%s', which is not a valid %s version: %s",
		    rb->path, at->line, at->col, lines[0],
		    version_scheme_name(rb->versions.scheme), why);
		free(why);
	} else {
		version_free(&v);
		found = xstrdup(lines[0]);
	}
	free(lines);
	free(out);
	return found;
}
