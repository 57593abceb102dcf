/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* cmd-lint.c: stepup lint RUNBOOK...: load and validate runbooks, warn
 * about risky steps, and check their shell commands with shellcheck. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>	/* optind */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "plan.h"
#include "runbook.h"
#include "spawn.h"
#include "util.h"

/* One command handed to shellcheck, and where it is in the runbook. */
struct script {
	const char		*text;
	struct rb_textpos	 at;
	char			*what;		/* "'run' of step 'x'" */
};

struct scripts {
	struct script	*v;
	size_t		 n;
};

static void
scripts_add(struct scripts *s, const char *text, struct rb_textpos at,
    char *what)
{
	if (text == NULL) {
		free(what);
		return;
	}
	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	s->v[s->n].text = text;
	s->v[s->n].at = at;
	s->v[s->n].what = what;
	s->n++;
}

static void
scripts_free(struct scripts *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].what);
	free(s->v);
}

/* Run shellcheck on files, collecting its gcc-style output. Returns its
 * exit status, 127 when it could not be run. */
static int
shellcheck_run(char **files, size_t n, struct buf *out)
{
	struct spawn_spec	 spec;
	struct spawn_result	 res;
	char			**argv, *cause;
	int			  status = 127;
	size_t			  i;

	argv = xcalloc(n + 6, sizeof *argv);
	argv[0] = (char *)"shellcheck";
	argv[1] = (char *)"--shell=sh";
	argv[2] = (char *)"--format=gcc";
	argv[3] = (char *)"--severity=info";
	for (i = 0; i < n; i++)
		argv[4 + i] = files[i];
	memset(&spec, 0, sizeof spec);
	spec.argv = argv;
	spec.io[1] = SPAWN_CAPTURE;
	spec.quiet = true;	/* 127: lint says it is not installed */
	if (spawn_run(&spec, &res, &cause) == 0) {
		buf_add(out, res.out.data, res.out.len);
		if (res.status >= 0)
			status = res.status;
	} else
		free(cause);
	spawn_result_free(&res);
	free(argv);
	return status;
}

/* Parse "DIR/N.sh:LINE:COL: LEVEL: MESSAGE" and report it at the
 * runbook's position. */
static void
shellcheck_finding(const struct runbook *rb, const struct scripts *s,
    const char *dir, const char *line, struct rb_diags *d)
{
	const struct script	*sc;
	struct rb_pos		 pos;
	const char		*p, *msg, *last;
	char			*end;
	long			 idx, l, c, nlines;
	size_t			 n;
	bool			 error;

	/* The message may hold a '/': the file is DIR/N.sh, from the start. */
	n = strlen(dir);
	if (strncmp(line, dir, n) != 0 || line[n] != '/')
		return;
	idx = strtol(line + n + 1, &end, 10);
	if (strncmp(end, ".sh:", 4) != 0 || idx < 0 || (size_t)idx >= s->n)
		return;
	l = strtol(end + 4, &end, 10);
	if (*end != ':')
		return;
	c = strtol(end + 1, &end, 10);
	if (strncmp(end, ": ", 2) != 0)
		return;
	msg = end + 2;
	error = strncmp(msg, "error: ", 7) == 0;
	if ((p = strstr(msg, ": ")) != NULL)
		msg = p + 2;
	sc = &s->v[idx];
	if (l < 1)
		return;
	/* Past the end (an unfinished if): at the end of its last line. */
	for (p = sc->text, nlines = 1, last = sc->text; *p != '\0'; p++) {
		if (*p == '\n' && p[1] != '\0') {
			nlines++;
			last = p + 1;
		}
	}
	if (l > nlines) {
		/* Only syntax errors at the end of the command; the rest is
		 * about the line declaring the variables (unreachable after
		 * an exit, say). */
		if (!error)
			return;
		l = nlines;
		c = (long)strcspn(last, "\n") + 1;
	}
	pos = sc->at.pos;
	if (sc->at.exact) {
		pos.line += (int)l - 1;
		pos.col += (int)c - 1;
		rb_diag_add(d, error ? RB_ERROR : RB_WARNING, rb->path, pos,
		    "shellcheck: %s (in %s)", msg, sc->what);
	} else
		rb_diag_add(d, error ? RB_ERROR : RB_WARNING, rb->path, pos,
		    "shellcheck: %s (in %s, its line %ld)", msg, sc->what, l);
}

/* Check every command of the runbook with shellcheck, as sh scripts whose
 * runbook variables and STEPUP_* names come from the environment. Returns
 * false when shellcheck is not installed. */
static bool
lint_shell(const struct runbook *rb, struct rb_diags *d)
{
	struct scripts	 s = { NULL, 0 };
	struct buf	 epilogue, out;
	const char	*tmp;
	char		*dir, **files, *line, *nl, *art, *name_list;
	size_t		 i, j, n;
	int		 fd, p, rc;
	bool		 ok = true;

	scripts_add(&s, rb->versions.installed.command,
	    rb->versions.installed.command_at,
	    xstrdup("versions: installed: command"));
	scripts_add(&s, rb->versions.available.command,
	    rb->versions.available.command_at,
	    xstrdup("versions: available: command"));
	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n; i++) {
			const struct rb_step *st = &rb->phases[p].v[i];

			scripts_add(&s, st->run, st->run_at,
			    xasprintf("'run' of step '%s'", st->id));
			scripts_add(&s, st->undo, st->undo_at,
			    xasprintf("'undo' of step '%s'", st->id));
		}
		for (i = 0; i < rb->phases[p].n_rolls; i++) {
			const struct rb_roll *r = &rb->phases[p].rolls[i];

			if (r->health != NULL)
				scripts_add(&s, r->health->run,
				    r->health->run_at, xasprintf("'run' of "
				    "the health check of roll '%s'", r->id));
		}
	}
	if (s.n == 0) {
		scripts_free(&s);
		return true;
	}

	/* Runbook variables arrive from the environment: say so in a last
	 * line, so that shellcheck does not call them unassigned (and a
	 * directive on the command's first line still covers all of it). */
	buf_init(&epilogue);
	for (j = 0; j < rb->n_vars; j++)
		buf_printf(&epilogue, " %s", rb->vars[j].name);
	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n; i++) {
			/* And the values steps set (outputs). */
			for (j = 0; j < rb->phases[p].v[i].n_outputs; j++)
				buf_printf(&epilogue, " %s",
				    rb->phases[p].v[i].outputs[j].name);
			if (rb->phases[p].v[i].produces == NULL)
				continue;
			art = runbook_artifact_env(rb->phases[p].v[i].id);
			buf_printf(&epilogue, " %s", art);
			free(art);
		}
	}
	if (epilogue.len > 0) {
		name_list = buf_take(&epilogue);
		buf_printf(&epilogue, "export%s\n", name_list);
		free(name_list);
	}
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	dir = xasprintf("%s/stepup-lint.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		rb_diag_add(d, RB_WARNING, rb->path, (struct rb_pos){0, 0},
		    "commands not checked: cannot create a directory in %s: %s",
		    tmp, strerror(errno));
		free(dir);
		buf_free(&epilogue);
		scripts_free(&s);
		return true;
	}
	files = xcalloc(s.n, sizeof *files);
	for (i = 0; i < s.n; i++) {
		files[i] = xasprintf("%s/%zu.sh", dir, i);
		fd = open(files[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600);
		n = strlen(s.v[i].text);
		if (fd == -1 || write_full(fd, s.v[i].text, n) ||
		    (n > 0 && s.v[i].text[n - 1] != '\n' &&
		    write_full(fd, "\n", 1)) ||
		    write_full(fd, epilogue.data != NULL ? epilogue.data : "",
		    epilogue.len))
			ok = false;
		if (fd != -1)
			close(fd);
	}
	buf_init(&out);
	if (ok) {
		rc = shellcheck_run(files, s.n, &out);
		if (rc == 127)
			ok = false;
		else if (rc == 0 || rc == 1) {
			for (line = out.data; line != NULL && *line != '\0';
			    line = nl + 1) {
				if ((nl = strchr(line, '\n')) == NULL)
					nl = line + strlen(line) - 1;
				else
					*nl = '\0';
				shellcheck_finding(rb, &s, dir, line, d);
			}
		} else
			rb_diag_add(d, RB_WARNING, rb->path,
			    (struct rb_pos){0, 0}, "shellcheck failed (exit "
			    "status %d); commands not checked", rc);
	}
	for (i = 0; i < s.n; i++) {
		unlink(files[i]);
		free(files[i]);
	}
	rmdir(dir);
	free(dir);
	free(files);
	buf_free(&out);
	buf_free(&epilogue);
	scripts_free(&s);
	return ok;
}

#define LINT_OPTIONS(X)							\
	X(NO_SHELLCHECK, "no-shellcheck", 0, NULL, "do not run shellcheck")
CLI_OPTIONS_ENUM(LINT_OPTIONS);
CLI_OPTIONS_TABLE(lint_options, LINT_OPTIONS);

/* stepup lint RUNBOOK...: every problem of every runbook, then the exit
 * status: 0 when all are valid (warnings allowed), 2 otherwise. */
static int
cmd_lint(const struct command_entry *e, int argc, char **argv)
{
	struct rb_diags	 d;
	struct runbook	*rb;
	bool		 shellcheck = true, said = false, bad = false;
	int		 opt, i;

	while ((opt = cli_getopt(e, argc, argv)) != -1) {
		if (opt == OPT_NO_SHELLCHECK)
			shellcheck = false;
	}
	if (optind == argc)
		cli_usage_error(e, "no runbook to check");
	for (i = optind; i < argc; i++) {
		if (cli_runbook_missing(argv[i])) {
			bad = true;
			continue;
		}
		rb_diags_init(&d);
		if ((rb = runbook_load(argv[i], &d)) != NULL) {
			/* Versions under its scheme: the planner's check. */
			plan_validate(rb, &d);
			runbook_lint(rb, &d);
			if (shellcheck && !lint_shell(rb, &d) && !said) {
				fprintf(stderr, "stepup: shellcheck is not "
				    "installed: commands were not checked\n");
				said = true;
			}
			runbook_free(rb);
		}
		rb_diags_print(&d, stderr);
		if (d.n_errors > 0)
			bad = true;
		rb_diags_free(&d);
	}
	return bad ? EXIT_USAGE : EXIT_DONE;
}

const struct command_entry cmd_lint_entry = {
	"lint",
	"check runbooks: format, steps, and their shell commands",
	"RUNBOOK...",
	"Loads and validates each RUNBOOK, printing every problem as\n"
	"FILE:LINE:COL: message. Warns about actions without undo or\n"
	"on-failure, actions before the first confirm step, and artifacts\n"
	"no rollback step uses. When shellcheck is installed, checks every\n"
	"command too.\n",
	"Exit status: 0 when every runbook is valid (warnings allowed),\n"
	"2 otherwise.\n",
	lint_options,
	cmd_lint,
};
