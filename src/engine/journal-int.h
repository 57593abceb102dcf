/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* journal-int.h: what the journal's files share and nobody else sees: the
 * journal's own struct and the helpers every query goes through. The
 * journal is journal.c (opening, migrating, transactions), journal-runs.c
 * (runs, step states, events, action attempts) and journal-lock.c (the
 * state directory, who is operating, and the run lock). */
#ifndef STEPUP_JOURNAL_INT_H
#define STEPUP_JOURNAL_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

struct journal_loss;

#define JOURNAL_FILE	"journal.db"
#define MASK		"********"
#define BUSY_TIMEOUT_MS	10000
#define JN_STMT_CACHE	48	/* more than the journal's statements */

/* A statement prepared once per journal handle (jn_prepare) and reset,
 * not finalized, by jn_finish. */
struct jn_stmt {
	const char	*sql;		/* the caller's text (a literal) */
	sqlite3_stmt	*st;
	bool		 busy;		/* handed out, not yet finished */
};

struct journal {
	sqlite3		*db;
	char		*path;
	char		*dir;
	char		*who;
	char		**secrets;
	size_t		 n_secrets;
	bool		 readonly;
	const char	*ro_why;	/* why it is read-only */
	bool		 in_tx;
	long long	*pending;	/* runs whose evidence to rewrite
					 * after the commit */
	size_t		 n_pending;
	struct jn_stmt	 stmts[JN_STMT_CACHE];
	size_t		 n_stmts;
	long long	 vars_run;	/* the run whose last vars event... */
	char		*vars;		/* ...is this (masked), or NULL */
	bool		 vars_known;	/* vars is the journal's, not a guess */
};

/* A copy of s with every secret value replaced by the mask; NULL stays
 * NULL. */
char		*jn_mask(const struct journal *, const char *s);
/* *cause = "cannot WHAT in the journal PATH: sqlite's message"; -1. */
int		 jn_db_error(struct journal *, char **cause, const char *what);
/* -1 with *cause when the journal is read-only. */
int		 jn_check_writable(struct journal *, char **cause,
		    const char *what);
/* The statement for sql, prepared on its first use by this handle and
 * reused after (sql is compared by its text, so the same query in two
 * places shares one; a query in use, a nested one, gets a statement of
 * its own). Give it back with jn_finish, never sqlite3_finalize. NULL
 * with *cause. */
sqlite3_stmt	*jn_prepare(struct journal *, const char *sql, char **cause,
		    const char *what);
/* Give back a statement of jn_prepare: reset with its bindings cleared
 * when it is kept, finalized when it is not. */
void		 jn_finish(struct journal *, sqlite3_stmt *);
/* Finalize every kept statement (before sqlite3_close). */
void		 jn_stmts_free(struct journal *);
void		 jn_bind_text(sqlite3_stmt *, int i, const char *s);
/* Bind a masked copy of s. */
void		 jn_bind_masked(struct journal *, sqlite3_stmt *, int i,
		    const char *s);
char		*jn_col_text(sqlite3_stmt *, int i);
/* Step a write statement to its end and finalize it. */
int		 jn_run_write(struct journal *, sqlite3_stmt *, char **cause,
		    const char *what);
int		 jn_exec_sql(struct journal *, const char *sql, char **cause,
		    const char *what);
/* mkdir -p with mode 0700 for what it creates; *cause on failure. */
int		 jn_mkdir_p(const char *path, char **cause);
/* The state directory dir opened (O_DIRECTORY), for the *at() calls that
 * open everything in it; -1 with *cause. */
int		 jn_dir_open(const char *dir, char **cause);
/* runs/N of the state directory (made when absent), opened as a real,
 * trusted directory relative to the state directory, never through a
 * link; its descriptor (caller closes), or -1 with *cause. */
int		 jn_run_dir(struct journal *, long long run, char **cause);
/* The directory name in dfd (parent's path, for messages), made 0700 when
 * absent, opened without following a link, and trusted (trust.h); its
 * descriptor, or -1 with *cause. */
int		 jn_subdir(int dfd, const char *parent, const char *name,
		    char **cause);
/* path made absolute against the working directory; caller frees. */
char		*jn_absolute(const char *path);

/* The hash of an event in its run's chain: sha256 over the previous
 * event's hash ("" for the first) and every column but the hash, as hex. */
void		 jn_event_hash(const char *prev, long long run, long long seq,
		    long long time, const char *operator, const char *kind,
		    const char *step, const char *detail, char out[65]);
/* Rewrite the run's evidence file once the transaction that appended to
 * it commits (jn_evidence_flush, after every commit; jn_evidence_drop after
 * a rollback). */
void		 jn_evidence_pending(struct journal *, long long run);
int		 jn_evidence_flush(struct journal *);
void		 jn_evidence_drop(struct journal *);
/* A step key as the file name of its attempts (runs/N/NAME.A.log): the
 * key as it reads ("migrate@1.1.0", "undo:install@2.0.0"), every byte but
 * [A-Za-z0-9_.@:+-] written %XX ('%' and '/' always), so that
 * jn_step_unfile() gives the key back exactly. The caller frees it. */
char		*jn_step_file(const char *step);
/* The step key of the first len bytes of such a name; caller frees. */
char		*jn_step_unfile(const char *name, size_t len);

/* The refusal's message for a journal behind its evidence; caller frees. */
char		*jn_evidence_refusal(struct journal *,
		    const struct journal_loss *, size_t, bool empty);

#endif
