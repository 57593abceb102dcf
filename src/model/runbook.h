/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* runbook.h: the runbook model, loaded from YAML by runbook_load().
 *
 * Ownership: runbook_load() returns a struct runbook that owns every string
 * and array reachable from it; runbook_free() releases all of it. After
 * load the model is immutable: nothing outside the loader (runbook*.c) writes to it, and
 * every other module holds const pointers into it for as long as the
 * runbook lives.
 *
 * The format is documented for runbook authors in stepup-runbook(5). In
 * short:
 *
 *   stepup: 1
 *   product: NAME
 *   description: TEXT                       (optional)
 *   versions: {scheme, series, kinds, installed, available}
 *   policy:   {within-series, leave-series, skip-series, skip-series-to,
 *              one-minor-at-a-time, required-stops, redeploy-at,
 *              no-upgrade-across, levels}; list items may carry `when`
 *   vars:     {NAME: {ask|value|env|file|command, default, secret, pattern,
 *              choices, check}}
 *   prepare:  [step...]   once, before the first hop
 *   hop:      [step...]   once per hop of the plan, filtered by `when`
 *   finish:   [step...]   once, after the last hop
 *   rollback: [step...]   after the undo of every passed action, in reverse
 *   rollback-warning: TEXT | {start: TEXT, hop: TEXT}
 *   hosts:    {GROUP: [HOST | RANGE | GROUP...]}   the inventory; a check
 *             or action with `on: PATTERN` runs on each host it selects
 *   inventory: {file: PATH} | {command: CMD, group: G, timeout: T}
 *             more hosts, resolved at run time (struct rb_inventory)
 *   transport: [PROGRAM, ARG..., "{host}", ARG...]   how hosts are
 *             reached when not through ssh (e.g. kubectl exec ... sh)
 *   a phase's item may be a rolling block instead of a step:
 *             {roll: TITLE, id, on, batch, max-fail, health, pause,
 *              steps: [check | action | manual step...]}
 *
 * A step is a mapping with an `id` and exactly one kind key (read, check,
 * action, confirm, manual) whose value is the step's title. */
#ifndef STEPUP_RUNBOOK_H
#define STEPUP_RUNBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct inventory;

/* A position in the runbook file, 1-based; {0, 0} when unknown. */
struct rb_pos {
	int	line;
	int	col;
};

/* A string with the position of the YAML node it came from. */
struct rb_str {
	char		*s;
	struct rb_pos	 pos;
};

/* Where the text of a command starts in the runbook, so that findings
 * about its line k can be reported at the runbook's line: exact when line
 * k of the text is on line pos.line + k - 1 (literal `|` blocks and
 * one-line scalars); otherwise only line 1 is known. */
struct rb_textpos {
	struct rb_pos	 pos;
	bool		 exact;
};

/* Step kinds: one table, from which the enum, the YAML keys and the names
 * shown to the operator all follow. */
#define RB_STEP_KINDS(X)					\
	X(READ,    "read",    "a document to read to its end")	\
	X(CHECK,   "check",   "a read-only command that must pass")	\
	X(ACTION,  "action",  "a command that changes the cluster")	\
	X(CONFIRM, "confirm", "an exact phrase to type")		\
	X(MANUAL,  "manual",  "a task done by hand, then ticked")

enum rb_kind {
#define X(e, name, what) RB_##e,
	RB_STEP_KINDS(X)
#undef X
	RB_KIND__COUNT
};
/* "read", "check", ... */
const char	*rb_kind_name(enum rb_kind);
/* "a document to read to its end", ...: what a step of the kind is. */
const char	*rb_kind_words(enum rb_kind);

#define RB_PHASES(X)		\
	X(PREPARE,  "prepare")	\
	X(HOP,      "hop")	\
	X(FINISH,   "finish")	\
	X(ROLLBACK, "rollback")

enum rb_phase {
#define X(e, name) RB_PHASE_##e,
	RB_PHASES(X)
#undef X
	RB_PHASE__COUNT
};
const char	*rb_phase_name(enum rb_phase);

enum rb_severity {
	RB_SEV_FAIL,		/* a failed check blocks */
	RB_SEV_WARN,		/* a failed check needs an acknowledgement */
};

struct rb_cond;
/* `until: {interval, within, timeout-means}`: a check or action retried
 * until it passes, interval seconds after each failed attempt, no attempt
 * starting more than within seconds after the first. */
struct rb_until {
	unsigned	 interval;	/* seconds; 0: the step is not retried */
	unsigned	 within;	/* seconds */
	enum rb_severity timeout_means;	/* fail, or warn (the operator may
					   accept it and go on) */
	unsigned char	 fail_on[32];	/* `fail-on`: a bit per exit status
					   (1-255) that ends the wait at once:
					   the condition will not come */
	struct rb_pos	 pos;
};
/* Whether an attempt's exit status is one of until's fail-on. */
bool	rb_until_fails_on(const struct rb_until *, int exit_code);

/* A value a step's command sets (`outputs`): a NAME=value line it writes
 * to $STEPUP_OUTPUT, passed to every later step as $NAME. */
struct rb_output {
	char		*name;		/* [A-Za-z_][A-Za-z0-9_]*, not STEPUP_* */
	bool		 secret;	/* masked in the journal, logs, screens */
	struct rb_pos	 pos;
};

/* The most hosts a step's `forks` runs at once. */
#define RB_FORKS_MAX	64
/* A number of hosts: n, or n percent of them (`N%`). */
struct rb_count {
	unsigned	 n;
	bool		 percent;
	struct rb_pos	 pos;		/* {0,0}: not given */
};
/* n of count over hosts hosts: a percentage rounded up (at least 1) when
 * up, else down; never more than hosts. */
size_t	rb_count_of(const struct rb_count *, size_t hosts, bool up);

struct rb_roll;

struct rb_step {
	char		*id;		/* [a-z0-9][a-z0-9_-]*, unique in the runbook */
	enum rb_kind	 kind;
	enum rb_phase	 phase;
	char		*title;		/* the kind key's value */
	char		*text;		/* longer instructions (manual, read, any) or NULL */

	char		*run;		/* check, action: the command; read: optional
					   command whose output is the document */
	char		*undo;		/* action: command that reverses it, or NULL */
	char		*produces;	/* action: artifact path, $VARS expanded by
					   stepup itself (never by a shell), or NULL */
	char		*file;		/* read: document path ($VARS expanded;
					   relative to the runbook's directory) */
	char		*phrase;	/* confirm: the exact phrase; $VARS shown expanded */
	char		*hint;		/* what to do when it fails, or NULL */
	char		*on_failure;	/* what a failure here leaves behind and how
					   to recover, or NULL */
	unsigned	 timeout;	/* seconds; 0 for none */
	enum rb_severity severity;	/* check only */
	bool		 optional;	/* may be skipped, with a reason */
	bool		 per_hop;	/* prepare/finish: repeated for every hop */
	struct rb_until	 until;		/* check, action: retried until it
					   passes (until.interval > 0) */
	struct rb_output *outputs;	/* check, action: values it sets */
	size_t		 n_outputs;
	char		*user;		/* check, action: run as this user
					   (runuser as root, else sudo -n),
					   or NULL: as stepup */
	struct rb_str	 on;		/* check, action: the hosts it runs
					   on, a host pattern of the
					   runbook's inventory (a list is
					   joined with ','), or s NULL: on
					   stepup's own host */
	unsigned	 forks;		/* with on: how many of its hosts
					   run at once, 1..RB_FORKS_MAX
					   (1 when not given: one after
					   another) */
	struct rb_count	 max_fail;	/* check, action with `on`: how many
					   hosts may fail (see rb_count) */
	const struct rb_roll *roll;	/* the rolling block it is a step of
					   (its `on`, batches and max-fail
					   are the roll's), or NULL */

	bool		 has_needs;	/* false: needs every step before it */
	struct rb_str	*needs;		/* ids of the steps it needs */
	size_t		 n_needs;
	struct rb_str	*when;		/* hop kinds it runs for; none: every hop */
	size_t		 n_when;
	struct rb_str	 when_from;	/* when: {from: RANGE}: the hop's source
					   release is in it; s NULL: any */
	struct rb_str	 when_to;	/* when: {to: RANGE}: its target */
	struct rb_cond	*when_vars;	/* when: {VAR: ANSWER...}: answers */
	size_t		 n_when_vars;

	struct rb_pos	 pos;		/* of the step's mapping */
	struct rb_pos	 id_pos;	/* of its id's value */
	struct rb_textpos run_at;	/* where run's text starts */
	struct rb_textpos undo_at;	/* where undo's text starts */
};

/* A rolling block (`roll:`), an item of a phase: its steps run on a batch
 * of its hosts, then its health check, then (pause) a manual step, before
 * the next batch. Its steps are in the phase's array like any other
 * (v[first..first + n)), each pointing back to it. */
struct rb_roll {
	char		*id;		/* unique among steps and rolls */
	char		*title;
	struct rb_str	 on;		/* the hosts, as a step's `on` */
	struct rb_count	*batch;		/* sizes in order, the last repeated;
					   none: every host in one batch */
	size_t		 n_batch;
	struct rb_count	 max_fail;	/* how many hosts may fail */
	unsigned	 forks;		/* how many hosts of a batch run at
					   once, 1..RB_FORKS_MAX (1 when not
					   given: host by host); its steps'
					   forks too */
	struct rb_step	*health;	/* a check on stepup's host after
					   each batch (id: the roll's), or
					   NULL */
	struct rb_step	*pause;		/* a manual step between batches
					   (pause: true), or NULL */
	size_t		 first, n;	/* its steps in its phase's array */
	struct rb_pos	 pos;		/* of its mapping */
};

struct rb_steps {
	struct rb_step	*v;
	size_t		 n;
	struct rb_roll	*rolls;		/* its rolling blocks, in order */
	size_t		 n_rolls;
	struct rb_pos	 pos;		/* of the phase's key; {0,0} if absent */
};

enum rb_var_source {
	RB_VAR_ASK,		/* asked before the run starts (`ask`) */
	RB_VAR_VALUE,		/* a fixed value (`value`) */
	RB_VAR_ENV,		/* taken from stepup's environment (`env`) */
	RB_VAR_FILE,		/* a secret read from a file (`file`) */
	RB_VAR_COMMAND,		/* a secret a command prints (`command`) */
};

/* A runbook variable. It reaches commands as an environment variable of
 * the same name, never by substitution into command text. */
struct rb_var {
	char			*name;	/* [A-Za-z_][A-Za-z0-9_]*, not STEPUP_* */
	enum rb_var_source	 source;
	char			*ask;	/* the question, RB_VAR_ASK */
	char			*value;	/* RB_VAR_VALUE */
	char			*env;	/* environment name, RB_VAR_ENV */
	char			*file;	/* RB_VAR_FILE: its path (may name
					   variables; relative to the
					   runbook's directory) */
	char			*command; /* RB_VAR_COMMAND: /bin/sh -c text */
	struct rb_str		 check;	/* a secret's validating check step
					   (prepare, before the first
					   confirm), or s == NULL */
	char			*def;	/* default (ask, env), or NULL: required */
	char			*pattern; /* POSIX extended regex the answer must
					     match in full, or NULL */
	char			**choices; /* allowed answers, or NULL */
	size_t			 n_choices;
	bool			 secret; /* never journaled, logged or shown */
	struct rb_pos		 pos;
	struct rb_pos		 def_pos; /* of the value or default node */
	size_t			*uses;	/* indexes of the vars its value or
					   default names ($NAME, ${NAME}) */
	size_t			 n_uses;
};

enum rb_scheme {
	RB_SCHEME_SEMVER,	/* semver 2.0 */
	RB_SCHEME_CALVER,	/* 23.09.10 */
	RB_SCHEME_PEP440,	/* 24.03.0rc1, .post1, .dev2 */
	RB_SCHEME_LOOSE,	/* any dotted numbers */
};

/* Where a version (installed) or a list of versions (available) comes
 * from: exactly one of command, ask or list is set. */
struct rb_source {
	char		*command;	/* probe: read-only, run with /bin/sh -c;
					   output one version per line */
	char		*ask;		/* installed only: question to ask */
	struct rb_str	*list;		/* available only: literal catalog */
	size_t		 n_list;
	struct rb_pos	 pos;
	struct rb_textpos command_at;	/* where command's text starts */
};

struct rb_versions {
	enum rb_scheme	 scheme;
	int		 series;	/* leading components naming a series:
					   1 "major", 2 "major.minor", 3 ... */
	char		*kinds[3];	/* hop kind when the first differing
					   component is the 1st, 2nd, 3rd (or
					   later); default major, minor, patch */
	struct rb_source installed;
	struct rb_source available;
	struct rb_pos	 pos;
};

/* A condition on a runbook variable's answer: it holds when the answer
 * is one of values. */
struct rb_cond {
	struct rb_str	 var;
	char		**values;
	size_t		 n_values;
};

/* A version boundary (`redeploy-at`, `no-upgrade-across`) or a required
 * stop. */
struct rb_boundary {
	struct rb_str	 at;		/* the first version past the boundary;
					   the stop, or a line whose newest
					   release is the stop ("8.11.x") */
	char		*reason;	/* why, in the runbook's words, or NULL */
	struct rb_cond	*when;		/* when: {VAR: VALUE | [VALUE...]}:
					   it applies only when every one
					   holds; none: always */
	size_t		 n_when;
};

enum rb_within { RB_WITHIN_ANY, RB_WITHIN_CONSECUTIVE };
enum rb_leave {
	RB_LEAVE_FROM_ANY,
	RB_LEAVE_FROM_LATEST,		/* its series' latest release */
	RB_LEAVE_FROM_LATEST_MINOR	/* a release of its series' latest
					   major.minor line, any patch */
};
#define RB_SKIP_ANY (-1)	/* skip-series: true */

/* A scalar policy rule (within-series, leave-series, skip-series,
 * one-minor-at-a-time; a level's leave and skip). */
enum rb_rule_id {
	RB_RULE_WITHIN,
	RB_RULE_LEAVE,
	RB_RULE_SKIP,
	RB_RULE_ONE_MINOR,
	RB_RULE__COUNT
};
/* Their keys, as a runbook writes them ("within-series"), and a level's
 * ("leave", or NULL: a level has no such rule). */
extern const char *const rb_rule_keys[RB_RULE__COUNT];
extern const char *const rb_level_rule_keys[RB_RULE__COUNT];

/* One value of a scalar rule: `V` or `{value: V, when: {VAR: ANSWER}}`. */
struct rb_rule_item {
	int		 value;		/* the rule's enum, number or bool */
	char		*text;		/* the value as written, "from-latest" */
	struct rb_cond	*when;		/* none: unconditional */
	size_t		 n_when;
	struct rb_pos	 pos;
};

/* A scalar rule's items, as written (a value, an item or a list of
 * them). The first item whose `when` holds wins, else the unconditional
 * item, else the default; the policy's own field (within_series, ...)
 * holds the unconditional value or the default. */
struct rb_rule {
	struct rb_rule_item *items;
	size_t		 n_items;
};

/* Rules for a level of series coarser than versions.series (policy
 * levels: {major: {leave, skip, enter-at}}): nested series. */
struct rb_series_level {
	int		 parts;		/* 1 major, 2 major.minor */
	enum rb_leave	 leave;		/* leave: how a hop leaves one */
	int		 skip;		/* skip: RB_SKIP_ANY or how many */
	struct rb_boundary *enter_at;	/* enter-at: the releases (or lines)
					   a hop into one lands on; none:
					   any */
	size_t		 n_enter_at;
	struct rb_rule	 rules[RB_RULE__COUNT]; /* leave and skip as
					   written */
	const struct rb_rule_item *chosen[RB_RULE__COUNT]; /* see
					   rb_policy */
	struct rb_pos	 pos;
};

/* skip-series-to: how many series a hop whose target is in a range may
 * pass over, instead of skip-series (a release that reads the state of
 * more earlier releases than the ones before it). */
struct rb_skip_to {
	struct rb_str	 to;		/* a version range, ">=24.11" */
	int		 skip;		/* RB_SKIP_ANY or how many */
	struct rb_cond	*when;		/* when: it applies only when every
					   one holds; none: always */
	size_t		 n_when;
};

/* The upgrade-path policy; see plan.h for its meaning. Defaults are the
 * permissive ones: any newer version, in one hop. */
struct rb_policy {
	enum rb_within	 within_series;	/* within-series: any | consecutive */
	enum rb_leave	 leave_series;	/* leave-series: from-any | from-latest */
	int		 skip_series;	/* skip-series: the most series one hop
					   passes over: true RB_SKIP_ANY,
					   false 0, or a number */
	bool		 one_minor;	/* one-minor-at-a-time: false | true */
	struct rb_boundary *required_stops; /* required-stops: [V | L.x |
					   {at, reason}] */
	size_t		 n_required_stops;
	struct rb_boundary *redeploy_at; /* redeploy-at: [V | {at, reason}] */
	size_t		 n_redeploy_at;
	struct rb_boundary *no_across;	/* no-upgrade-across: [V | {at, reason}] */
	size_t		 n_no_across;
	struct rb_skip_to *skip_to;	/* skip-series-to: the first whose
					   range has the hop's target wins */
	size_t		 n_skip_to;
	struct rb_series_level	*levels;	/* levels: coarsest first */
	size_t		 n_levels;
	struct rb_rule	 rules[RB_RULE__COUNT]; /* the scalar rules as
					   written, with their `when` */
	const struct rb_rule_item *chosen[RB_RULE__COUNT]; /* the
					   conditional item whose value the
					   field holds (plan_policy_when), or
					   NULL: the unconditional value */
	struct rb_pos	 pos;
};

/* Set the field of rule id (of level l, or the policy's own when l is
 * NULL) to value. */
void	 rb_rule_set(struct rb_policy *, struct rb_series_level *l,
	    enum rb_rule_id, int value);

/* inventory: where the hosts come from besides `hosts:`, read when a
 * run (or plan, or export) resolves them: an Ansible inventory file
 * (INI or YAML; a path relative to the runbook's directory) or a command
 * printing one host a line (run with /bin/sh -c in the runbook's
 * directory, its hosts in `group` when set, at most `timeout` seconds). */
enum rb_inv_kind { RB_INV_NONE, RB_INV_FILE, RB_INV_COMMAND };

/* The element of `transport` that stands for the host's name. */
#define RB_TRANSPORT_HOST	"{host}"

#define RB_INV_TIMEOUT	30	/* seconds, for a command without timeout */

struct rb_inventory {
	enum rb_inv_kind kind;
	char		*file;		/* absolute */
	char		*command;
	char		*group;		/* or NULL */
	unsigned	 timeout;
	struct rb_pos	 pos;		/* of the file's or command's value */
};

struct runbook {
	char		*path;		/* as given to runbook_load(), for messages */
	char		*abspath;	/* absolute, symlinks resolved (at load) */
	char		*dir;		/* abspath's directory, for relative files */
	char		 sha256[65];	/* of the file's bytes */
	int		 format;	/* `stepup:` format version (1) */
	char		*product;
	char		*description;	/* or NULL */
	struct rb_versions versions;
	struct rb_policy policy;
	struct rb_var	*vars;
	size_t		 n_vars;
	size_t		*var_order;	/* every index of vars, each after the
					   vars it uses, otherwise in file
					   order: the order values resolve in */
	struct rb_steps	 phases[RB_PHASE__COUNT];
	/* rollback-warning: added to the rollback's confirmation phrase,
	 * by target: [RB_ROLLBACK_START] back to where the upgrade started,
	 * [RB_ROLLBACK_HOP] back to the start of the failed hop; or NULL. */
	char		*rollback_warning[2];
	/* hosts: the groups of the cluster's hosts (inventory.h), or NULL
	 * when the runbook has none. With an inventory source (inv_source),
	 * the hosts are known only once the engine resolved it
	 * (inventory_resolve() in inventory-cmd.h), which replaces this
	 * with `hosts:` and the source's hosts together. */
	struct inventory *inventory;
	/* forks: how many hosts of a step with `on` run at once when the
	 * step does not say (rb_step.forks); 0 when not given: 1. */
	unsigned	 forks;
	struct rb_inventory inv_source;
	/* transport: the argument vector that reaches a host instead of
	 * ssh (NULL-terminated; NULL for ssh), exactly one element of which
	 * is RB_TRANSPORT_HOST, replaced by the host's name as one
	 * argument. Its last elements run a POSIX shell that reads its
	 * script on stdin (session-remote.c sends it there). */
	char		**transport;
	struct rb_pos	 transport_pos;
};

/* What reaches rb's hosts, for messages: "ssh", or the transport's
 * program (rb may be NULL: "ssh"). */
const char	*rb_transport_name(const struct runbook *rb);

/* Where a rollback goes back to (the index of rollback_warning). */
enum { RB_ROLLBACK_START, RB_ROLLBACK_HOP };

/* A diagnostic: "FILE:LINE:COL: message" (or "FILE: message" when the
 * position is unknown). */
enum rb_level { RB_ERROR, RB_WARNING };

struct rb_diag {
	enum rb_level	 level;
	char		*file;
	struct rb_pos	 pos;
	char		*msg;
};

struct rb_diags {
	struct rb_diag	*v;
	size_t		 n;
	size_t		 n_errors;
};

void	 rb_diags_init(struct rb_diags *);
void	 rb_diags_free(struct rb_diags *);
void	 rb_diag_add(struct rb_diags *, enum rb_level, const char *file,
	    struct rb_pos, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/* Print every diagnostic, one a line, "FILE:LINE:COL: [warning: ]msg". */
void	 rb_diags_print(const struct rb_diags *, FILE *);
/* The same as one string, without its last newline (caller frees). */
char	*rb_diags_text(const struct rb_diags *);

/* Load and validate a runbook. On success returns it (free with
 * runbook_free) and may add warnings to diags (a $NAME in a text that is
 * no runbook variable); on failure returns NULL with every problem found
 * added to diags as errors, at most 100 of them and then one saying how
 * many more there are. Files over 4 MiB, not UTF-8 text, or holding YAML
 * aliases, several documents or nesting deeper than 64 are refused with
 * one error. */
struct runbook	*runbook_load(const char *path, struct rb_diags *diags);
void		 runbook_free(struct runbook *);

/* Add the warnings of `stepup lint` that need no external tool: an action
 * with neither undo nor on-failure, an action before the first confirm
 * step, a produces that no rollback step uses, a read step's file that does
 * not exist (for every hop target of a literal catalog when it names
 * $STEPUP_HOP_TO), a variable with a lowercase name that nothing mentions,
 * a step `when: redeploy` without a redeploy-at policy, a command that
 * uses an output ($NAME of `outputs`) before the step that sets it, a
 * command that writes $STEPUP_OUTPUT in a step without `outputs`.
 * Returns how many. */
size_t		 runbook_lint(const struct runbook *, struct rb_diags *);

/* The environment name of a step's artifact: "STEPUP_ARTIFACT_" and the
 * id with '-' turned to '_'. The caller frees it. */
char		*runbook_artifact_env(const char *id);

/* Find a step by id in any phase, or NULL. */
const struct rb_step	*runbook_step(const struct runbook *, const char *id);
/* The runbook step of a journal key's id: a step's, or for a roll's
 * "ROLL~B" its health check and "ROLL~B~pause" its pause; NULL when
 * there is none. */
const struct rb_step	*runbook_key_step(const struct runbook *,
			    const char *id);
/* The answer of a runbook variable, or NULL when it has none. */
typedef const char	*(*rb_answer_fn)(void *arg, const char *name);

/* Whether a hop-phase step runs for a hop of this kind, from and to: the
 * kinds its `when` names (without kinds, every in-place hop: a redeploy
 * hop runs only the steps that name "redeploy", which replace the
 * in-place ones), and the hop's releases in its `from` and `to` ranges,
 * and the answers it names (answer NULL: none holds). */
bool			 runbook_step_runs_on(const struct runbook *,
			    const struct rb_step *, const char *kind,
			    const char *from, const char *to, rb_answer_fn answer,
			    void *arg);
/* Find a variable by name, or NULL. */
const struct rb_var	*runbook_var(const struct runbook *, const char *name);

#endif
