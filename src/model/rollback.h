/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* rollback.h: the model of a guided rollback, for every front end (plain
 * mode, the TUI's rollback screen): what will be undone and in which
 * order, which artifacts (backups) each step uses with their path, size,
 * sha256 and age, the check that those artifacts are still there and
 * unchanged before anything runs, and the summary at the end.
 *
 * The steps themselves come from steps_new_rollback() (steps.h): the undo
 * of every action that passed, latest first, an action without undo as a
 * manual step "cannot be undone automatically" with its on-failure text,
 * then the runbook's rollback steps. They run through the session's one
 * door like any other (session_rollback(), session.h); this module only
 * reads them, never runs anything and never writes the journal.
 *
 * A front end (plain.c's plain_rollback_begin/_end do exactly this):
 *   session_rollback_preview(s, &preview)      the steps, nothing journaled
 *   m = rollback_model_new(session_steps(s), preview);
 *   show rollback_describe(m, now) (or walk m->entries and m->artifacts);
 *   if (rollback_verify(m, &cause) != 0): show cause; stop, nothing ran;
 *   session_rollback(s)                        the rollback run begins; its
 *                                              first step is the confirm
 *                                              of m->phrase
 *   walk session_steps(s) like any run;
 *   at the end: session_probe_installed(s, &v), then
 *   m2 = rollback_model_new(session_upgrade_steps(s), session_steps(s));
 *   show rollback_summary(m2, session_steps(s), v).
 * `stepup rollback` opens the session with opts.rollback: the latest run
 * (finished or not) or an interrupted rollback run, loaded with
 * session_resume().
 *
 * Ownership: the model borrows both struct steps (which must outlive it)
 * and owns everything else; rollback_model_free() releases it. */
#ifndef STEPUP_ROLLBACK_H
#define STEPUP_ROLLBACK_H

#include <stdbool.h>
#include <stddef.h>

struct step;
struct steps;

/* What rollback_verify() found for an artifact. */
enum rollback_check {
	ROLLBACK_UNCHECKED,
	ROLLBACK_OK,		/* there, same size and sha256 */
	ROLLBACK_MISSING,	/* no such file */
	ROLLBACK_CHANGED,	/* another size or sha256 than recorded */
	ROLLBACK_UNREADABLE,	/* cannot be read (permissions, ...) */
	ROLLBACK_UNRECORDED,	/* the upgrade recorded no sha256 for it */
};

/* An artifact an upgrade step produced, which a rollback step uses
 * through $STEPUP_ARTIFACT_<id>. */
struct rollback_artifact {
	char			*var;		/* STEPUP_ARTIFACT_<id> */
	char			*step;		/* key of the step that
						   made it */
	char			*path;
	long long		 size;		/* as recorded; -1: not */
	char			 sha256[65];	/* as recorded; "": not */
	long long		 made;		/* when its step settled (unix
						   time), 0: unknown */
	enum rollback_check	 check;		/* set by rollback_verify */
	char			*problem;	/* what is wrong, or NULL */
};

/* One step of the rollback, in the order it will run. */
struct rollback_entry {
	const struct step	*step;		/* borrowed, in the rollback
						   steps */
	bool			 automatic;	/* false: the upgrade's action
						   has no undo, done by hand */
	const char		*on_failure;	/* the runbook's words for it,
						   or NULL */
	size_t			*artifacts;	/* indexes in the model's
						   artifacts it uses */
	size_t			 n_artifacts;
};

struct rollback_model {
	const struct steps		*upgrade;	/* borrowed */
	const struct steps		*rollback;	/* borrowed */
	char				*restore;	/* the version
							   restored */
	char				*phrase;	/* the typed
							   confirmation */
	struct rollback_entry		*entries;
	size_t				 n_entries;
	size_t				 n_manual;	/* entries not
							   automatic */
	struct rollback_artifact	*artifacts;
	size_t				 n_artifacts;
};

/* The model of rolling back `upgrade` (whose step states say what was
 * done) with `rollback` (from steps_new_rollback(upgrade, ...)). */
struct rollback_model	*rollback_model_new(const struct steps *upgrade,
			    const struct steps *rollback);
void			 rollback_model_free(struct rollback_model *);

/* Check every artifact the rollback uses: still there, same size and
 * sha256 as recorded. Returns 0 when all are, else -1 with *cause (caller
 * frees) naming each one that is not and why; each artifact's check and
 * problem are set either way. Reads files; runs nothing. */
int	rollback_verify(struct rollback_model *, char **cause);

/* "3 min", "2 h 5 min", "4 days": how long ago `then` was at `now`. The
 * caller frees it. */
char	*rollback_age(long long then, long long now);

/* What will be undone, for the operator: one numbered line per step with
 * its command or "cannot be undone automatically" and the on-failure
 * text, and the artifacts with path, size, sha256 and age at `now`. The
 * caller frees it. */
char	*rollback_describe(const struct rollback_model *, long long now);

/* The summary after the rollback run: what state each step ended in,
 * what was left for a human (manual steps, steps done by hand, failures),
 * and the installed version (probed by the caller; NULL when unknown)
 * against the one restored. The caller frees it. */
char	*rollback_summary(const struct rollback_model *,
	    const struct steps *done, const char *installed);

#endif
