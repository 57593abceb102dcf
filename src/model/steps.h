/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* steps.h: the shared step model of one run: the runbook's steps laid out
 * for a plan (prepare, each hop's steps, finish), their states, the gating
 * rule, their environment, and the expansion of $NAME in non-shell fields.
 *
 * Every front end (TUI screens, plain mode, export) reads this model
 * through const pointers. Only session.c changes it (step_set() and the
 * fields marked "session"): a screen never writes a step.
 *
 * Ownership: steps_new() returns a struct steps that owns every step and
 * every string in it, except `rb` (borrowed from the runbook, which must
 * outlive it) and the plan it was given (borrowed too). steps_free()
 * releases it. Pointers returned by the accessors live as long as the
 * struct steps. */
#ifndef STEPUP_STEPS_H
#define STEPUP_STEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan.h"
#include "runbook.h"

/* Step states: one table, from which the enum, the names stored in the
 * journal and the words shown to the operator follow. */
#define STEP_STATES(X)							\
	X(PENDING,   "pending",   "waiting for an earlier step")	\
	X(READY,     "ready",     "ready")				\
	X(RUNNING,   "running",   "running")				\
	X(PASSED,    "passed",    "passed")				\
	X(FAILED,    "failed",    "failed")				\
	X(SKIPPED,   "skipped",   "skipped")				\
	X(DONE,      "done",      "done by hand")			\
	X(IN_DOUBT,  "in-doubt",  "in doubt: was running when stepup stopped") \
	X(TOLERATED, "tolerated", "failed, within max-fail")

enum step_state {
#define X(e, name, words) STEP_##e,
	STEP_STATES(X)
#undef X
	STEP__COUNT
};
/* "pending", "ready", ... (the journal's words; stable). */
const char	*step_state_name(enum step_state);
/* "waiting for an earlier step", ... (for the operator). */
const char	*step_state_words(enum step_state);
/* The state named name, or -1. */
int		 step_state_parse(const char *name);
/* True for passed, skipped, done by hand and a host's failure within
 * max-fail (tolerated): a need that is met. */
bool		 step_state_settled(enum step_state);

/* A variable of a command's environment. */
struct step_var {
	char	*name;
	char	*value;
	bool	 secret;	/* passed to commands, never journaled or shown */
};

/* An environment: what a step's commands get on top of stepup's own
 * environment, and what $NAME expands from. Later entries replace earlier
 * ones of the same name (step_env_set replaces in place). An environment
 * may stand on a base it does not own (base; NULL for none), whose
 * entries it has unless its own replace them: the steps of a run share
 * one base, the run's (struct steps' base), and each keeps only its own
 * entries, not a copy of the run's that every fork would copy again. */
struct step_env {
	struct step_var		*v;	/* its own entries */
	size_t			 n;
	const struct step_env	*base;	/* borrowed, or NULL */
};

/* Set (or replace) name to a copy of value. */
void		 step_env_set(struct step_env *, const char *name,
		    const char *value, bool secret);
/* The value of name (its own, else its base's), or NULL; *secret (when
 * not NULL) says if it is. */
const char	*step_env_get(const struct step_env *, const char *name,
		    bool *secret);
/* Copy every entry of src, its base's included, into dst's own (replacing
 * same names). */
void		 step_env_merge(struct step_env *dst, const struct step_env *src);
/* Free its own entries (not its base). */
void		 step_env_free(struct step_env *);
/* A NULL-terminated "NAME=value" array: base (e.g. environ; may be NULL)
 * with env's entries added or replacing. The caller frees it with
 * step_envp_free(). */
char		**step_env_envp(const struct step_env *, char *const *base);
void		 step_envp_free(char **);
/* "NAME=value" lines, one per entry, secrets shown as "NAME=********";
 * what dry runs and the run screen show. The caller frees it. */
char		*step_env_show(const struct step_env *);

/* Expand $NAME and ${NAME} in s from env (falling back to stepup's own
 * environment when fallback is true). "$$" is a literal "$"; a "$" not
 * followed by a name or "{" is kept as is. Nothing else is interpreted:
 * no command substitution, no globbing, no quotes. Returns 0 and sets
 * *out (caller frees), or -1 with *cause (caller frees) when a name is
 * unset, "${" is not closed by "}", or a secret variable would be shown
 * (secrets never reach titles, phrases, paths or texts). */
int		 steps_expand(const char *s, const struct step_env *env,
		    bool fallback, char **out, char **cause);

/* A runbook text (a title, hint, on-failure) with $NAME expanded as
 * steps_expand does from env, falling back on stepup's environment; the
 * text as it is when it cannot be (a name not set, a secret). The one
 * expansion of texts shown to the operator, for every front end and
 * export. The caller frees it. */
char		*steps_text(const char *text, const struct step_env *env);
/* Add to env what a step of plan with that journal key gets on top of
 * the run's: STEPUP_STEP, for "ID@HOP_TO" (also "undo:ID@HOP_TO") the
 * hop's STEPUP_HOP_FROM, STEPUP_HOP_TO and STEPUP_HOP_KIND (plan may be
 * NULL: STEPUP_HOP_TO alone), and for "ID#HOST" or "ID@HOP_TO#HOST"
 * STEPUP_HOST; a roll's "ROLL~B[~pause]" has the roll's id. */
/* How a host's instance of a step is titled: "TITLE (on HOST)". */
char		*steps_host_title(const char *title, const char *host);
void		 steps_key_env(const struct plan *, const char *key,
		    struct step_env *env);

/* The value of runbook variable v from raw, its `value` or `default`:
 * $NAME expanded as steps_expand does, from known (the variables resolved
 * before it, in rb->var_order; no fallback to stepup's environment). A
 * secret variable may name secrets. Returns 0 and sets *out (caller
 * frees), or -1 with *cause (caller frees). */
int		 steps_var_value(const struct rb_var *v, const char *raw,
		    const struct step_env *known, char **out, char **cause);

/* Add to env the value of every variable of rb known before a run, in
 * rb->var_order: a `value`, an `env` variable's value (env_values[i] for
 * var i; NULL: none known), else the default, expanded by
 * steps_var_value. A variable without one, one naming a variable
 * without, and (when shown) a secret one get unknown(name) (the caller's
 * placeholder, freed here) or, unknown being NULL, are left out. */
void		 steps_var_defaults(const struct runbook *,
		    const char *const *env_values, bool shown,
		    char *(*unknown)(const char *), struct step_env *env);

/* One step of a run. */
struct step {
	size_t			 index;	/* in the run, 0-based; shown as index + 1 */
	char			*key;	/* unique in the run and stable across
					   resumes: the runbook id, "id@HOP_TO"
					   for a step repeated per hop, then
					   "#HOST" for a host's instance, and
					   "undo:KEY" / "rollback-confirm" in a
					   rollback run; what the journal records */
	const struct rb_step	*rb;	/* the runbook's step (borrowed), or NULL
					   for a step stepup adds itself */
	enum rb_kind		 kind;
	enum rb_phase		 phase;
	int			 hop;	/* index in plan->hops, or -1 */
	const char		*host;	/* the host its command runs on (a
					   step with `on`: one instance per
					   host, borrowed from the runbook's
					   inventory), or NULL: stepup's */
	const char		*run;	/* the command: rb->run, or rb->undo for
					   an undo step; NULL for none */
	bool			 undo;	/* a rollback run's undo of an action */
	const struct rb_roll	*roll;	/* the rolling block it is of (a
					   host's instance of one of its
					   steps, its health check or its
					   pause), or NULL */
	unsigned		 batch;	/* in roll: its batch, from 1 */
	unsigned		 batches; /* in roll: how many it has */
	size_t			 group;	/* the first instance of its group
					   (a roll's, or a step's on its
					   hosts), or SIZE_MAX: none */
	size_t			 max_fail; /* hosts of its group that may
					   fail without stopping it */
	bool			 optional; /* may be skipped, with a reason */

	/* Expanded by steps_new (see steps_expand); NULL when absent. */
	char			*title;
	char			*text;
	char			*phrase;	/* confirm */
	char			*file;		/* read: a path; relative ones
						   are made relative to the
						   runbook's directory */
	char			*produces;	/* action: the artifact's path */
	char			*hint;		/* what to do when it fails */
	char			*on_failure;	/* what a failure leaves behind;
						   both by steps_text, never
						   failing the layout */

	/* What its commands get: STEPUP_FROM, STEPUP_TO, STEPUP_RUN_ID,
	 * STEPUP_RUNBOOK_DIR, STEPUP_STEP (the runbook id), STEPUP_HOP_FROM,
	 * STEPUP_HOP_TO and STEPUP_HOP_KIND (for a step bound to a hop),
	 * STEPUP_HOST (for a host's instance),
	 * STEPUP_ARTIFACT_<id> for every earlier step that produces one, and
	 * the runbook's vars. */
	struct step_env		 env;

	/* Gating (see steps_needs_met): a step needs every step before
	 * index needs_before, and the steps in needs. A step without `needs`
	 * has needs_before == index and an empty list: "everything before
	 * me" is an order, not a list, so that gating stays linear in the
	 * number of steps. A step with `needs` has needs_before 0 and lists,
	 * in run order, the steps they name and the latest confirm step
	 * before it (each confirm before that one is required too: see
	 * steps_needs_met). */
	size_t			 needs_before;
	/* The instances of its runbook step that may run at once (`forks`
	 * above 1): v[forks_first .. forks_first + forks_n). Each of them
	 * needs what the first needs (needs_before is forks_first), not
	 * the host's before it; forks_n is 1 for a step that runs alone. */
	size_t			 forks_first;
	size_t			 forks_n;
	size_t			*needs;
	size_t			 n_needs;
	size_t			*needed_by;	/* the later steps whose needs
						   list it, in run order */
	size_t			 n_needed_by;

	/* session: the state and what the journal knows of it. */
	enum step_state		 state;
	char			*reason;	/* skipped, done by hand: why;
						   manual: the note; failed:
						   what failed; or NULL */
	bool			 end_shown;	/* read: its end was shown */
	bool			 away;		/* its command ended while stepup
					   was not running (found so on
					   resume: session_finished_away) */
	bool			 warned;	/* a warn check failed and the
						   operator acknowledged it */
	int			 exit_status;	/* last attempt: 0..255, 128+N
						   when killed by signal N, -1
						   when none */
	unsigned		 attempts;	/* of its command */
	long long		 artifact_size;	/* -1 when not recorded */
	char			 artifact_sha256[65]; /* "" when not recorded */
	long long		 started;	/* unix time of the last start, 0 */
	long long		 ended;		/* unix time it settled/failed, 0 */
	long long		 settled_seq;	/* order in which it settled (the
						   journal's event id), 0; the
						   rollback undoes in reverse */

	/* session: a step retried until it passes (rb->until). */
	int			 wait_first;	/* the attempt that began the
						   wait under way, or 0 */
	long long		 wait_since;	/* its journaled start (unix) */
	long long		 wait_next;	/* unix time the next attempt
						   starts; 0 while one runs */
	bool			 wait_stop;	/* the operator stopped waiting:
						   the attempt running is the
						   last */
	/* session: the operator cancelled its attempt under way: a
	 * failure of theirs, never counted within max-fail. */
	bool			 cancelled;
	/* session: the values its command set (rb->outputs), in order. */
	struct step_env		 outputs;
};

struct steps {
	struct step		*v;
	size_t			 n;
	const struct runbook	*rb;	/* borrowed */
	const struct plan	*plan;	/* borrowed */
	bool			 rollback; /* a rollback run's steps */

	/* Gating's cursors, kept by steps_update() and step_set(). */
	size_t			*by_key;	/* indexes sorted by key */
	size_t			*confirms;	/* confirm steps, in run order */
	size_t			 n_confirms;
	size_t			*wide;		/* steps needing every step
						   before an earlier one than
						   themselves (a roll's batch),
						   by needs_before */
	size_t			 n_wide;
	size_t			 open;		/* first step not settled, or n */
	size_t			 open_confirm;	/* in confirms: the first not
						   settled, or n_confirms */
	unsigned long long	 gate_checks;	/* steps whose readiness was
						   recomputed: what a state
						   change costs (tests,
						   bench/scale) */
	int			 rollback_hop; /* rollback: -1 back to where
					   the upgrade started, h back to the
					   start of hop h (its steps undone) */
	const char		*rollback_to; /* rollback: that version
					   (borrowed from the plan), or NULL */
	struct step_env		 base;	/* the run-wide environment, a copy of
					   steps_new's base: every step's env
					   stands on it */
	/* session: the rolls the operator paused (steps_roll_pause), each
	 * a roll's instance (its group) and the batch it stops after. */
	struct steps_pause {
		size_t		 group;
		unsigned	 batch;
	}			*paused;
	size_t			 n_paused;
};

/* Lay out the steps of a run: every prepare step (a per-hop one once per
 * hop), every hop's steps in plan order (those whose `when` names the
 * hop's kind, or with no `when`), every finish step (per-hop ones once per
 * hop). A step with `on` is laid out once per host its pattern selects,
 * in the inventory's order, keyed "KEY#HOST", its title followed by
 * " (on HOST)"; each host's instance needs the previous host's (the hosts
 * go one after another) or, with `forks` above 1, what the first host's
 * instance needs (they may run at once: forks_first, forks_n), and a
 * `needs` naming such a step means every host's instance. A rolling
 * block is laid out per batch (steps_roll_batches): each host's instances
 * of its steps in order, the first needing every step before the batch
 * and each next its host's one before it (the batch's hosts side by
 * side), then its health check "ROLL~B" and, but after the last batch,
 * its pause "ROLL~B~pause", each needing every step before it. base holds
 * the run-wide environment (STEPUP_FROM, STEPUP_TO, STEPUP_RUN_ID,
 * STEPUP_RUNBOOK_DIR and the runbook's vars with their answers), copied
 * once into the steps' base, on which each step's env
 * stands with its own entries. `needs` naming a step repeated per hop
 * means its instance in the same hop when there is one, else every
 * instance; a need filtered out by `when` is dropped. The gating rule:
 * a step needs every step before it, or those its `needs` names, and in
 * either case every confirm step before it in run order (a confirmation
 * gates everything after it; `needs` never steps around one, and a
 * confirm step is never optional). Every step starts
 * pending, then steps_update() makes the first ones ready. Returns NULL
 * with *cause (caller frees) when a field cannot be expanded, naming the
 * step and the field. */
struct steps	*steps_new(const struct runbook *, const struct plan *,
		    const struct step_env *base, char **cause);
/* Lay out a rollback run of upgrade (whose states say what was done),
 * back to where it started (hop -1) or to the start of hop `hop` (only
 * that hop's steps are undone): a confirm step whose phrase names the
 * target (steps_rollback_phrase; its text names the other target's
 * phrase when there is one, see steps_rollback_hop), then, in reverse order of
 * settling (settled_seq), the undo of every action that passed or was
 * done by hand (an action with an undo), or a manual step "KEY cannot be
 * undone automatically" (text: its on-failure text) for one without,
 * then the runbook's rollback steps; each needs every step before it.
 * Every step of it gets STEPUP_ROLLBACK_TO, the target version.
 * A step whose command uses $STEPUP_ARTIFACT_<id> when the upgrade
 * recorded no such artifact (its step failed, did not run, or was marked
 * done by hand without it) becomes a manual step "TITLE cannot run:
 * $STEPUP_ARTIFACT_<id> points to nothing", its text saying which step
 * and why; the others still run. Same ownership and errors as
 * steps_new. */
struct steps	*steps_new_rollback(const struct steps *upgrade, int hop,
		    const struct step_env *base, char **cause);
/* The hop a rollback of upgrade may go back to the start of, besides
 * where the upgrade started: the hop of the step where the run is (failed
 * or stopped), when it is a hop step of any hop but the first and some
 * action of that hop passed or was done; else -1. */
int		 steps_rollback_hop(const struct steps *upgrade);
/* The confirmation phrase of a rollback of upgrade to hop's start (-1:
 * where it started): "yes, roll back to VERSION", and ", WARNING" when
 * the runbook's rollback-warning has one for that target. The caller
 * frees it. */
char		*steps_rollback_phrase(const struct steps *upgrade, int hop);
void		 steps_free(struct steps *);
/* The next STEPUP_ARTIFACT_<id> a command names, from p on (NULL: none),
 * with the length of the name in *len; NULL when there is no more. */
const char	*steps_artifact_ref(const char *p, size_t *len);

/* The batches of roll over n hosts: the size of each into sizes (room
 * for n), the list's last size repeated, a percentage of n rounded up
 * (at least 1); every host in one batch when it gives none. Returns how
 * many batches. */
size_t		 steps_roll_batches(const struct rb_roll *, size_t n,
		    size_t *sizes);
/* Whether a failure of host step i is within its group's max-fail (the
 * hosts of its roll, or of its step's `on`, that failed so far, it
 * too); if so *why says so and names them (caller frees). */
bool		 steps_fail_tolerated(const struct steps *, size_t i,
		    char **why);
/* The hosts of roll, from the runbook's inventory, in batches: the
 * hosts' indexes in rb->inventory->hosts into *hosts (its pattern's
 * order) and each batch's size into *sizes, both the caller's to free;
 * returns how many batches (0, with nothing to free, when it selects no
 * host). */
size_t		 steps_roll_hosts(const struct runbook *,
		    const struct rb_roll *, size_t **hosts, size_t **sizes);
/* A roll in words, for plan and export: "4 hosts in 3 batches: n1 |
 * n2, n3 | n4; a health check after each; a pause between batches;
 * max-fail 1; 2 hosts of a batch at once" (the last with forks above 1;
 * hosts past a few per batch as "..."), from the runbook's inventory.
 * The caller frees it. */
char		*steps_roll_plan(const struct runbook *,
		    const struct rb_roll *);
/* Where step i is in its roll, for dry runs, plain mode and export:
 * "roll agents (Upgrade the agents), batch 2 of 3", and at the first
 * step of a batch its hosts, ": n2, n3"; NULL for a step in no roll.
 * The caller frees it. */
char		*steps_roll_where(const struct steps *, size_t i);
/* In a roll: the next step of step i's host in its batch, or SIZE_MAX. */
size_t		 steps_host_next(const struct steps *, size_t i);
/* The first step after step i's batch of its roll (its health check and
 * pause included), or after the instances of its step with `on`: where
 * the run goes on past its group; n when none comes after. */
size_t		 steps_batch_end(const struct steps *, size_t i);

/* Pausing a roll after a batch: the batch of step i's roll under way
 * (its first step not settled), 1 before the roll begins, 0 when step i
 * is of no roll or its roll is over. */
unsigned	 steps_roll_under_way(const struct steps *, size_t i);
/* The batch after which step i's roll is paused, or 0 when it is not. */
unsigned	 steps_roll_paused(const struct steps *, size_t i);
/* Pause step i's roll after batch (0: lift its pause). Only session.c
 * calls this: it journals first. */
void		 steps_roll_pause(struct steps *, size_t i, unsigned batch);
/* Whether step i is of a batch after the one its roll is paused after
 * (set in *batch when not NULL): it may not go on. */
bool		 steps_roll_held(const struct steps *, size_t i,
		    unsigned *batch);

/* One host of a group (steps_group_hosts): the host and the step it is
 * at, its first not settled step of the group (its last when all are). */
struct steps_host {
	const char	*host;	/* borrowed from the runbook's inventory */
	size_t		 at;	/* index in the steps */
};
/* The hosts of step i's group, for the host table: every instance of its
 * runbook step (a step with `on`), or for a host's step of a roll every
 * host of the roll with the roll step it is at; in run order, in the
 * same hop. Sets *hosts (the caller frees it; NULL for none) and, when
 * counts is not NULL, counts[STATE] (room for STEP__COUNT) to how many
 * hosts are at a step in that state. Returns how many hosts (0 for a
 * step with no host). */
size_t		 steps_group_hosts(const struct steps *, size_t i,
		    struct steps_host **hosts, size_t *counts);
/* A group's progress from steps_group_hosts' counts and n: "12/40 done,
 * 2 running, 1 failed" (then in doubt, skipped, waiting: each only when
 * some host is). A host is done when its steps all passed or were done
 * by hand, failed when one failed (within max-fail too). The caller
 * frees it. */
char		*steps_hosts_progress(const size_t *counts, size_t n);
/* The steps of step i's group, v[*lo .. *hi] (a roll's health checks and
 * pauses between its batches included): what the checklist shows as one
 * row and the host table follows; i alone for a step with no host. */
void		 steps_group_span(const struct steps *, size_t i, size_t *lo,
		    size_t *hi);

/* The step with that key, or NULL. */
const struct step *steps_find(const struct steps *, const char *key);
/* True when every need of step i is settled (every step before its
 * needs_before, every step in its needs, and every confirm step before
 * it); otherwise *blocker (when not NULL) is the index of the first one
 * that is not. Constant time for a step without `needs`. */
bool		 steps_needs_met(const struct steps *, size_t i, size_t *blocker);
/* The first step that is not settled (where the run is), or n when every
 * step is settled. */
size_t		 steps_current(const struct steps *);
/* True when every step is settled. */
bool		 steps_done(const struct steps *);
/* Recompute pending/ready from the gating rule: a pending step whose
 * needs are all settled becomes ready, a ready one whose needs no longer
 * are goes back to pending. Other states are left alone. Linear in the
 * steps and their needs; whoever writes a state without step_set()
 * calls it before gating is asked again. */
void		 steps_update(struct steps *);

/* Change a step's state (with a reason, copied, or NULL) and recompute
 * gating where it can change: the steps that list it, the first step not
 * settled before and after, and the steps listing a confirm passed over;
 * not the whole run. Only session.c calls this: it journals first. */
void		 step_set(struct steps *, size_t i, enum step_state,
		    const char *reason);

#endif
