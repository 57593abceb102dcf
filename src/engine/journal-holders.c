/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* journal-holders.c: who holds a run. Each run's holders are rows of the
 * holders table, numbered by generation: the operator that began it, then
 * each that resumed it or took it over. A connection that claims a run
 * (journal_claim) gets temporary triggers that refuse any later write of
 * its own to that run once a newer generation exists: the check is made by
 * SQLite inside the very write transaction, so an old holder cannot write
 * one event, step state, attempt or status after a takeover is journaled,
 * whatever it was doing when it happened. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "journal.h"
#include "journal-int.h"
#include "util.h"

/* The message of a write refused because the run changed hands. */
#define TAKEN_OVER	"the run has been taken over by another operator"

/* The writes a holder makes to a run, each refused once its claim is old:
 * one table, from which the triggers are made. */
static const struct {
	const char	*name;
	const char	*event;		/* INSERT or UPDATE */
	const char	*table;
	const char	*run;		/* the column naming the run */
} guarded[] = {
	{ "events_ins",	     "INSERT", "events",      "run" },
	{ "step_states_ins", "INSERT", "step_states", "run" },
	{ "step_states_upd", "UPDATE", "step_states", "run" },
	{ "actions_ins",     "INSERT", "actions",     "run" },
	{ "actions_upd",     "UPDATE", "actions",     "run" },
	{ "runs_upd",	     "UPDATE", "runs",	      "id" },
};

/* The claim table and its triggers in this connection's temp schema. */
static int
claim_schema(struct journal *j, char **cause)
{
	char	*sql;
	size_t	 i;
	int	 r;

	if (jn_exec_sql(j, "CREATE TEMP TABLE IF NOT EXISTS stepup_claim ("
	    "run INTEGER PRIMARY KEY, gen INTEGER NOT NULL)", cause,
	    "claim the run") == -1)
		return -1;
	for (i = 0; i < nitems(guarded); i++) {
		sql = xasprintf("CREATE TEMP TRIGGER IF NOT EXISTS "
		    "stepup_claim_%s BEFORE %s ON main.%s WHEN EXISTS "
		    "(SELECT 1 FROM temp.stepup_claim c WHERE c.run = NEW.%s "
		    "AND c.gen IS NOT (SELECT max(h.gen) FROM main.holders h "
		    "WHERE h.run = NEW.%s)) BEGIN SELECT RAISE(ABORT, '"
		    TAKEN_OVER "'); END", guarded[i].name, guarded[i].event,
		    guarded[i].table, guarded[i].run, guarded[i].run);
		r = jn_exec_sql(j, sql, cause, "claim the run");
		free(sql);
		if (r == -1)
			return -1;
	}
	return 0;
}

/* The run's current generation (0: no holder recorded). */
static int
current_gen(struct journal *j, long long run, long long *gen, char **cause)
{
	sqlite3_stmt	*st;

	if ((st = jn_prepare(j, "SELECT coalesce(max(gen), 0) FROM holders "
	    "WHERE run = ?", cause, "read the run's holder")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) != SQLITE_ROW) {
		jn_db_error(j, cause, "read the run's holder");
		jn_finish(j, st);
		return -1;
	}
	*gen = sqlite3_column_int64(st, 0);
	jn_finish(j, st);
	return 0;
}

int
journal_claim(struct journal *j, long long run, const char *how,
    const char *from, const char *why, long long expect, long long *gen,
    char **cause)
{
	static const char *what = "record the run's holder";
	sqlite3_stmt	*st;
	char		*host, *who;
	long long	 g;
	bool		 own;

	if (jn_check_writable(j, cause, what) == -1)
		return -1;
	own = !j->in_tx;
	if (own && journal_begin(j, cause) != 0)
		return -1;
	if (claim_schema(j, cause) == -1 || current_gen(j, run, &g, cause) == -1)
		goto fail;
	if (expect >= 0 && g != expect) {
		*cause = xasprintf("run %lld has changed hands meanwhile "
		    "(see stepup show %lld)", run, run);
		goto fail;
	}
	if ((st = jn_prepare(j, "INSERT INTO holders (run, gen, operator, "
	    "host, pid, since, how, from_operator, why) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?)", cause, what)) == NULL)
		goto fail;
	host = journal_host();
	who = jn_mask(j, j->who);
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, g + 1);
	jn_bind_text(st, 3, who);
	jn_bind_text(st, 4, host);
	sqlite3_bind_int64(st, 5, (long long)getpid());
	sqlite3_bind_int64(st, 6, journal_now());
	jn_bind_text(st, 7, how);
	jn_bind_masked(j, st, 8, from);
	jn_bind_masked(j, st, 9, why);
	free(host);
	free(who);
	if (jn_run_write(j, st, cause, what) == -1)
		goto fail;
	if ((st = jn_prepare(j, "INSERT OR REPLACE INTO temp.stepup_claim "
	    "(run, gen) VALUES (?, ?)", cause, what)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, g + 1);
	if (jn_run_write(j, st, cause, what) == -1)
		goto fail;
	if (own && journal_commit(j, cause) != 0)
		return -1;
	if (gen != NULL)
		*gen = g + 1;
	return 0;
fail:
	if (own)
		journal_rollback(j);
	return -1;
}

int
journal_claimed(struct journal *j, long long run)
{
	sqlite3_stmt	*st;
	int		 r = -1;

	/* No claim table: this connection claimed nothing. */
	if (sqlite3_prepare_v2(j->db, "SELECT c.gen = (SELECT coalesce(max(h.gen), "
	    "0) FROM main.holders h WHERE h.run = c.run) FROM "
	    "temp.stepup_claim c WHERE c.run = ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) == SQLITE_ROW)
		r = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return r;
}

bool
journal_taken_over(const char *cause)
{
	return cause != NULL && strstr(cause, TAKEN_OVER) != NULL;
}

void
journal_holders_free(struct journal_holder *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].operator);
		free(v[i].host);
		free(v[i].how);
		free(v[i].from);
		free(v[i].why);
	}
	free(v);
}

int
journal_holders(struct journal *j, long long run, struct journal_holder **v,
    size_t *n, char **cause)
{
	sqlite3_stmt		*st;
	struct journal_holder	*h;
	size_t			 cap = 0;
	int			 rc;

	*v = NULL;
	*n = 0;
	if ((st = jn_prepare(j, "SELECT gen, operator, host, pid, since, how, "
	    "from_operator, why FROM holders WHERE run = ? ORDER BY gen",
	    cause, "read the run's holders")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			*v = xreallocarray(*v, cap, sizeof **v);
		}
		h = &(*v)[(*n)++];
		h->gen = sqlite3_column_int64(st, 0);
		h->operator = jn_col_text(st, 1);
		h->host = jn_col_text(st, 2);
		h->pid = (pid_t)sqlite3_column_int64(st, 3);
		h->since = sqlite3_column_int64(st, 4);
		h->how = jn_col_text(st, 5);
		h->from = jn_col_text(st, 6);
		h->why = jn_col_text(st, 7);
	}
	if (rc != SQLITE_DONE) {
		jn_db_error(j, cause, "read the run's holders");
		jn_finish(j, st);
		journal_holders_free(*v, *n);
		*v = NULL;
		*n = 0;
		return -1;
	}
	jn_finish(j, st);
	return 0;
}

char *
journal_holders_text(struct journal *j, long long run, const char *prefix)
{
	struct journal_holder	*v = NULL;
	struct buf		 b;
	char			*cause = NULL, *line;
	size_t			 n = 0, i;

	if (journal_holders(j, run, &v, &n, &cause) != 0) {
		free(cause);
		return NULL;
	}
	if (n == 0)
		return NULL;
	buf_init(&b);
	for (i = 0; i < n; i++) {
		line = journal_holder_describe(&v[i]);
		buf_printf(&b, "%s%lld %s\n", prefix, v[i].gen, line);
		free(line);
	}
	journal_holders_free(v, n);
	return buf_take(&b);
}

char *
journal_holder_describe(const struct journal_holder *h)
{
	char	since[32];

	utc_format(since, sizeof since, h->since, "%Y-%m-%d %H:%M:%S UTC");
	if (h->from != NULL)
		return xasprintf("%s on %s (pid %ld) took it over from %s "
		    "at %s%s%s", h->operator, h->host, (long)h->pid, h->from,
		    since, h->why != NULL ? ": " : "",
		    h->why != NULL ? h->why : "");
	return xasprintf("%s on %s (pid %ld) %s it at %s", h->operator,
	    h->host, (long)h->pid, h->how, since);
}
