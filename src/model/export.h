/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* export.h: the printable checklist of a planned upgrade and the report of
 * a run, as plain text, Markdown and print-ready HTML.
 *
 * Two stages, both pure (no I/O, no clock, no hostname lookups):
 *
 *   1. A builder turns the model into a struct export_doc, the one
 *      representation every format renders: a title, a header of labelled
 *      values, sections of numbered items (the steps), each with a box (a
 *      checkbox in a checklist, the state in a report) and labelled fields
 *      (prose, commands, exact phrases), and sign-off lines.
 *      export_checklist() builds it from (runbook, plan, steps) and
 *      export_report() from (runbook, journal records); anything else may
 *      build one with the export_doc_*() calls below.
 *   2. export_render() writes the document in one format. Text fits 80
 *      columns (long commands are broken with a backslash so that they can
 *      still be pasted); Markdown uses GitHub task lists; HTML is one
 *      self-contained file with print CSS that escapes everything.
 *
 * The date and host shown in a header are given by the caller (struct
 * export_meta), so that the same input always renders the same bytes.
 *
 * Ownership: an export_doc owns every string reachable from it (the
 * builders copy what they are given); export_doc_free() releases it.
 * Pointers returned by export_doc_section() and export_section_item()
 * stay valid until the next call that adds to the same parent.
 *
 * For front ends (the TUI's export key): build with export_checklist() or
 * export_report(), render with export_render(), write the text with
 * export_write_file() next to the journal and show the path. */
#ifndef STEPUP_EXPORT_H
#define STEPUP_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

enum export_format {
	EXPORT_TXT,
	EXPORT_MD,
	EXPORT_HTML,
};

/* What a field holds, which decides how each format shows it. */
enum export_field_kind {
	EXPORT_PROSE,	/* words: wrapped */
	EXPORT_CODE,	/* shell: kept verbatim, one line per line, wrapped
			   only where the format must (text: " \" breaks) */
	EXPORT_PHRASE,	/* an exact phrase to type: verbatim, quoted */
};

struct export_field {
	char			*label;	/* "Run", "Undo", "If it fails", ... */
	enum export_field_kind	 kind;
	char			*value;
};

/* The box in front of an item. */
enum export_box {
	EXPORT_BOX_EMPTY,	/* checklist: to be ticked by hand */
	EXPORT_BOX_DONE,	/* report: passed, skipped, done by hand */
	EXPORT_BOX_FAILED,	/* report: failed, in doubt, cancelled */
	EXPORT_BOX_OPEN,	/* report: never reached */
};

struct export_item {
	char			*title;
	char			*tags;	/* one short line under the title,
					   e.g. "action · dump · hop 1.0 →
					   1.1" */
	enum export_box		 box;
	char			*state;	/* report: "passed", ...;
					   checklist: NULL */
	struct export_field	*fields;
	size_t			 n_fields;
};

struct export_section {
	char			*title;
	char			*note;	/* a paragraph under the title,
					   or NULL */
	struct export_item	*items;
	size_t			 n_items;
};

struct export_doc {
	char			*title;
	struct export_field	*head;	/* product, from, to, path, date,
					   host */
	size_t			 n_head;
	struct export_section	*sections;
	size_t			 n_sections;
	char			**signoff; /* "Operator", "Reviewer": a
					      line each for name, date,
					      time, signature */
	size_t			 n_signoff;
	char			*footer; /* a last line, or NULL */
};

/* What the caller decides for a header: the date and the host, given as
 * text so that tests inject them. Either may be NULL: left out. */
struct export_meta {
	const char	*date;
	const char	*host;
};

struct plan;
struct runbook;
struct step_env;
struct steps;

/* The checklist of a planned upgrade: a header (product, from, to, the
 * path with its hops and why each stop, the runbook and its sha256, date
 * and host from meta), a section for prepare, each hop and finish with
 * every step of ss in order, the rollback (rollback: may be NULL) and
 * sign-off lines. ss and rollback are read, never changed. */
struct export_doc *export_checklist(const struct steps *ss,
	    const struct steps *rollback, const struct export_meta *meta);
/* All of it in one call: the environment, the steps, the rollback and the
 * checklist of rb for plan (env_values as for export_checklist_env).
 * NULL with *cause (caller frees) when a field cannot be expanded. */
struct export_doc *export_checklist_plan(const struct runbook *,
	    const struct plan *, const char *const *env_values,
	    const struct export_meta *meta, char **cause);
/* The run-wide environment of a checklist, into env: STEPUP_FROM,
 * STEPUP_TO, STEPUP_RUNBOOK_DIR, and every runbook var with the value it
 * will have when it is known before the run (`value`, an `env` value given
 * in env_values[i] for var i (env_values may be NULL), else the default);
 * the others, secrets always, get the placeholder "<NAME>", which the
 * checklist shows as a comment saying where the value comes from. */
void	export_checklist_env(const struct runbook *, const struct plan *,
	    const char *const *env_values, struct step_env *env);
/* The rollback as it would be if every step of the plan had passed
 * (steps_new_rollback() of a private copy): what the checklist lists.
 * NULL with *cause (caller frees) on an expansion error. */
struct steps *export_checklist_rollback(const struct runbook *,
	    const struct plan *, const struct step_env *base, char **cause);

struct journal_run;
struct journal_step_state;
struct journal_event;
struct journal_action;

/* The journal's records of one run (see journal.h), as read with
 * journal_run_get(), journal_steps(), journal_events() and
 * journal_actions(); borrowed. */
struct export_run {
	const struct journal_run		*run;
	const struct journal_step_state	*steps;
	size_t					 n_steps;
	const struct journal_event		*events;
	size_t					 n_events;
	const struct journal_action		*actions;
	size_t					 n_actions;
	const char				*integrity; /* journal_run_integrity(),
							     * or NULL */
	const char				*holders; /* journal_holders_text(),
							   * or NULL */
};

/* The report of a run: a header (product, from, to, the run's id, kind
 * and status, operator, host, times, runbook and its sha256, the answers
 * with every secret masked, report date and host from meta), every step
 * the run reached with its state, acknowledgements and confirmations (who,
 * when, the phrase typed), attempts (start, end, duration, exit status),
 * artifacts (path, size, sha256), skips and marks with their reasons;
 * then the rollback run when there is one (rollback may be NULL); sign-off
 * lines. rb (may be NULL) gives the steps' titles and kinds. */
struct export_doc *export_report(const struct runbook *rb,
	    const struct export_run *run, const struct export_run *rollback,
	    const struct export_meta *meta);

struct journal;

/* The report of run `id` read from an open journal (read-only is enough):
 * its records and those of the latest rollback run linked to it, then
 * export_report(). Returns 0 with *out, 1 when there is no such run, or
 * -1, with *cause (caller frees) for 1 and -1. */
int	export_report_journal(struct journal *, long long id,
	    const struct runbook *rb, const struct export_meta *meta,
	    struct export_doc **out, char **cause);

/* Parse "txt", "text", "md", "markdown" or "html". Returns 0, or -1. */
int	export_format_parse(const char *, enum export_format *);
/* The usual file name extension of a format: "txt", "md", "html". */
const char *export_format_ext(enum export_format);

/* A new, empty document with that title. */
struct export_doc	*export_doc_new(const char *title);
void			 export_doc_free(struct export_doc *);
/* Add a labelled value to the document's header. */
void	export_doc_head(struct export_doc *, const char *label,
	    const char *value);
/* Add a section (note may be NULL) and return it. */
struct export_section *export_doc_section(struct export_doc *,
	    const char *title, const char *note);
/* Add a sign-off block for a role ("Operator", "Reviewer"). */
void	export_doc_signoff(struct export_doc *, const char *role);
/* Set the footer line (NULL: none). */
void	export_doc_footer(struct export_doc *, const char *);
/* Add an item (tags and state may be NULL) to a section and return it. */
struct export_item *export_section_item(struct export_section *,
	    const char *title, const char *tags, enum export_box,
	    const char *state);
/* Add a field to an item; a NULL or empty value adds nothing. */
void	export_item_field(struct export_item *, const char *label,
	    enum export_field_kind, const char *value);

/* Render a document in a format, every control character shown as
 * escape.h says. Returns a string the caller frees. */
char	*export_render(const struct export_doc *, enum export_format);

/* Write text to path (created 0644, replaced atomically via a temporary
 * file in the same directory). Returns 0, or -1 with *cause set (caller
 * frees). */
int	export_write_file(const char *path, const char *text, char **cause);

/* The date for a header (struct export_meta), as stepup export and the
 * TUI's export key give it: $SOURCE_DATE_EPOCH when set (reproducible
 * documents), else now; "2026-11-22 14:05 UTC". The caller frees it. */
char	*export_date(void);

/* Save an export next to the journal, as front ends do (the TUI's export
 * key): to STATE_DIR/exports/NAME.EXT (the directory created 0700 when
 * missing), NAME reduced to letters, digits, '.', '-' and '_' (others
 * become '_'), e.g. "Filestore-1.0.0-2.0.0-checklist" or "run-7-report".
 * Sets *path (caller frees) to show the operator. Returns 0, or -1 with
 * *cause (caller frees). */
int	export_save(const char *state_dir, const char *name,
	    enum export_format, const char *text, char **path, char **cause);

/* Quote a string for a POSIX shell so that pasting it yields exactly that
 * string: 'it'\''s'. Returns a string the caller frees. */
char	*export_shell_quote(const char *);

#endif
