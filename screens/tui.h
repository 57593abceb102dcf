/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* tui.h: the terminal wizard over a session: what cmd-run.c calls when
 * stdin and stdout are a terminal and --plain was not given, and what the
 * screens share (the session, opening a step in the screen that fits it,
 * the state glyphs and roles). */
#ifndef STEPUP_TUI_H
#define STEPUP_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include "export.h"
#include "keys.h"
#include "session.h"
#include "steps.h"
#include "theme.h"

/* What the command line gives the wizard once its options are parsed,
 * before any entry point below (the wizard does not read the command
 * line's own state: it is the layer under it). */
struct tui_opts {
	const char	*theme;		/* or NULL: the default */
	bool		 no_color;
	const char	*state_dir;	/* or NULL: the default (the picker's
					   list of runs) */
};
void		 tui_options(const struct tui_opts *);
/* The options tui_options() gave (all NULL and false before). */
const struct tui_opts *tui_get_options(void);

/* Run the wizard on an open session until the run is done or the operator
 * leaves (the run is then paused and resumable). Returns an EXIT_*
 * status: 0 done, 1 unfinished or failed, 3 refused by policy. */
int		 tui_run(struct session *);

/* The wizard read-only on a watching session (stepup watch, a second
 * stepup on a held runbook): the checklist and the running step's
 * screen follow the run as its journal changes, every screen names the
 * holder; T takes the run over (with takeover, the phrase is asked at
 * once), and the wizard then resumes it as its holder. Returns an EXIT_*
 * status: 0 the run is done, 1 otherwise. */
int		 tui_watch(struct session *, bool takeover);

/* `stepup rollback` on a terminal: the session was opened with
 * opts.rollback; resume the latest run (its secret answers asked again),
 * show the rollback screen, and walk the rollback run like any other.
 * Returns EXIT_DONE when the old version is back, else an EXIT_*
 * status. */
int		 tui_rollback(struct session *);

/* The start screen of a bare `stepup`: pick a runbook (unfinished runs,
 * recently used, shipped). Sets *path (caller frees) to the one chosen,
 * or leaves it NULL and returns the exit status when none was. */
int		 tui_pick(char **path);

/* The session the wizard runs (screens read it, and act on it only
 * through session_*() calls). */
struct session	*tui_session(void);
/* Open step i in its screen: reader, confirm, manual, run or checks; the
 * host table for a step on many hosts or a roll. */
void		 tui_open_step(size_t i);
/* Step i in its kind's screen, even when it is one of many hosts' (the
 * host table opens a host's step so). */
void		 tui_open_one(size_t i);
/* A row of a list of steps (the checklist, the summary): one step, or
 * a group of steps on many hosts (a roll with its health checks and
 * pauses, a step's instances on its hosts) shown as one row with its
 * progress. */
struct tui_row {
	size_t	lo, hi;		/* its steps */
};
/* The rows, in order (the caller frees them); *n their number. Linear in
 * the steps. */
struct tui_row	*tui_rows(const struct steps *, size_t *n);
/* The row step i is on. */
size_t		 tui_row_of(const struct tui_row *, size_t n, size_t i);
/* The title of step i's group: its roll's, or its runbook step's (not
 * naming a host), expanded. The caller frees it. */
char		*tui_group_title(const struct step *);
/* Whether the row is a group's. */
bool		 tui_row_is_group(const struct steps *, const struct tui_row *);
/* A group's row: "33. roll    Upgrade the agents: 12/40 done, 2
 * running, 1 failed", and *rep the step whose state speaks for it, for
 * the glyph (running, else failed, in doubt, ready, waiting; the last
 * when all are settled). */
void		 tui_row_group(const struct steps *, const struct tui_row *,
		    char *out, size_t size, const struct step **rep);
/* What comes next once the top screen is done with its step: the next
 * step that starts without asking, the summary when the run is done. */
void		 tui_follow(void);
/* Begin the run (after the plan and the questions) and show the
 * checklist in place of the top screen. */
void		 tui_begin(void);
/* Show the checklist in place of the top screen, and the running action
 * over it when there is one (a resumed run reattaches). */
void		 tui_hub(void);
/* Look at the running command (no waiting) and keep the ticker going
 * while one runs; returns true when one ended just now. */
bool		 tui_poll(void);
/* A runbook text of step st (hint, on-failure) with $NAME expanded from
 * the step's environment, or a copy as written when it cannot be; the
 * caller frees it. */
char		*tui_expand(const struct step *, const char *);
/* Show the rollback screen over the top one (from a failed action, the
 * summary, `stepup rollback`); a refusal is said in the footer. */
void		 tui_rollback_show(void);
/* The rollback run has begun (the rollback screen checked the artifacts
 * and the phrase typed): close the screens of the upgrade, pass the
 * run's confirm step with typed, and show the checklist. */
void		 tui_rollback_begun(const char *typed);
/* After a rollback run: the installed version probed once, and
 * rollback_summary()'s text (owned by the wizard); *restored says
 * whether the old version is back. NULL when the run is no rollback. */
const char	*tui_rollback_summary(bool *restored);
/* Write the checklist of the plan (plan screen) or the report of the
 * run (summary) in a format next to the journal, built and rendered as
 * stepup export does (export_save); *path is where (caller frees).
 * Returns 0, or -1 with *cause (caller frees). */
int		 tui_export_checklist(enum export_format, char **path,
		    char **cause);
int		 tui_export_report(enum export_format, char **path,
		    char **cause);
/* The operator's acts in the wizard (tui-act.c), from the act table:
 * the key of an act. */
enum key_action	 tui_act_key(enum session_act);
/* For a screen's can: true when key a is an act's, *can then saying
 * whether the session allows it on step i now. */
bool		 tui_act_can(size_t i, enum key_action a, bool *can);
/* For a screen's key: when key a is an act's, do it on step i (its
 * argument asked first as the table says, then session_act()); an act
 * done at once calls done(ctx) after it (NULL: nothing), one asked first
 * leaves it to the screen's tick, which the frame calls as the question
 * goes away. The rollback shows the rollback screen. False when a is no
 * act's key. */
bool		 tui_act(size_t i, enum key_action a, void (*done)(void *),
		    void *ctx);
/* tui_act() for act, with a question of the caller's (NULL: the act
 * table's prompt) and a detail under it (or NULL). */
void		 tui_act_ask(size_t i, enum session_act, const char *question,
		    const char *detail, void (*done)(void *), void *ctx);
/* A step state's glyph and role. */
const char	*tui_state_glyph(const struct step *, enum theme_role *);
/* "PASS", "WARN", "FAIL", "SKIP", "RUN", "" for checks. */
const char	*tui_check_word(const struct step *, enum theme_role *);

#endif
