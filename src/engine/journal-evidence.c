/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* journal-evidence.c: what keeps the journal from rewinding silently. SQLite
 * cannot tell a lost WAL tail from no WAL, so the journal is not its own
 * only witness: each run's events are chained by hash, a small evidence
 * file (STATE_DIR/runs/RUN/evidence: the run's record and its last event's
 * seq and hash, then the sha256 of all that as its last line) is
 * rewritten in place after each commit that appends to the run, and
 * the attempts' log, pid and status files lie beside it. A journal behind
 * that evidence is refused (journal_open) until stepup recover has
 * journaled what the evidence shows (journal_recover). */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "action.h"
#include "journal.h"
#include "journal-int.h"
#include "sha256.h"
#include "util.h"

#define EVIDENCE_FILE	"evidence"
/* Version 2 ends with "sha256 HEX\n", the hash of every byte before that
 * line: the file is rewritten in place, and a reader that finds it torn
 * (mid-rewrite, or cut by a crash) takes it for absent. Version 1 (each
 * rewrite a new file renamed into place, no hash) is still read. */
#define EVIDENCE_MAGIC	"stepup evidence 2"
#define EVIDENCE_MAGIC1	"stepup evidence 1"
#define EVIDENCE_SUM	"sha256 "

/* ---- the chain ------------------------------------------------------------ */

static void
hash_field(struct sha256 *c, const char *s)
{
	/* NULL and "" differ; NUL ends each field (text holds none). */
	if (s == NULL)
		sha256_update(c, "N", 2);
	else {
		sha256_update(c, "S", 1);
		sha256_update(c, s, strlen(s) + 1);
	}
}

void
jn_event_hash(const char *prev, long long run, long long seq, long long time,
    const char *operator, const char *kind, const char *step,
    const char *detail, char out[65])
{
	static const char	 hex[] = "0123456789abcdef";
	struct sha256		 c;
	unsigned char		 d[32];
	char			 num[64];
	size_t			 i;

	sha256_init(&c);
	hash_field(&c, "stepup event 1");
	hash_field(&c, prev != NULL ? prev : "");
	snprintf(num, sizeof num, "%lld %lld %lld", run, seq, time);
	hash_field(&c, num);
	hash_field(&c, operator);
	hash_field(&c, kind);
	hash_field(&c, step);
	hash_field(&c, detail);
	sha256_final(&c, d);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 0xf];
	}
	out[64] = '\0';
}

/* ---- the evidence file ------------------------------------------------------ */

/* What runs/RUN/evidence says. */
struct evidence {
	bool			 found;
	struct journal_run	 run;
	char			*begin;
	char			*vars;
	long long		 seq;
	char			*hash;
};

static void
evidence_clear(struct evidence *e)
{
	free(e->run.runbook);
	free(e->run.runbook_sha256);
	free(e->run.product);
	free(e->run.from);
	free(e->run.to);
	free(e->run.plan);
	free(e->run.operator);
	free(e->run.host);
	free(e->begin);
	free(e->vars);
	free(e->hash);
	memset(e, 0, sizeof *e);
}

/* One value on one line: '%', control characters and DEL as %XX. */
static void
put_value(struct buf *b, const char *key, const char *v)
{
	const unsigned char	*p;

	if (v == NULL)
		return;
	buf_printf(b, "%s ", key);
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p == '%' || *p < 0x20 || *p == 0x7f)
			buf_printf(b, "%%%02X", *p);
		else
			buf_putc(b, *p);
	}
	buf_putc(b, '\n');
}

static char *
get_value(const char *s, size_t len)
{
	struct buf	b;
	unsigned int	c;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len &&
		    isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2]) &&
		    sscanf(s + i + 1, "%2x", &c) == 1) {
			buf_putc(&b, (int)c);
			i += 2;
		} else
			buf_putc(&b, s[i]);
	}
	if (b.data == NULL)
		return xstrdup("");
	return buf_take(&b);
}

static char *
evidence_path(const char *dir, long long run)
{
	return xasprintf("%s/runs/%lld/%s", dir, run, EVIDENCE_FILE);
}

/* The sha256 of b's first len bytes, as hex. */
static void
evidence_sum(const char *b, size_t len, char out[65])
{
	static const char	 hex[] = "0123456789abcdef";
	struct sha256		 c;
	unsigned char		 d[32];
	size_t			 i;

	sha256_init(&c);
	sha256_update(&c, b, len);
	sha256_final(&c, d);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 0xf];
	}
	out[64] = '\0';
}

/* Whether version 2 text ends with the line "sha256 HEX" whose HEX is the
 * hash of all before it; the line is cut off when it is. */
static bool
evidence_sum_ok(char *text, size_t len)
{
	char	 want[65];
	size_t	 line = sizeof EVIDENCE_SUM - 1 + 64 + 1;
	char	*at;

	if (len < line || text[len - 1] != '\n')
		return false;
	at = text + len - line;
	if ((at != text && at[-1] != '\n') ||
	    strncmp(at, EVIDENCE_SUM, sizeof EVIDENCE_SUM - 1) != 0)
		return false;
	evidence_sum(text, (size_t)(at - text), want);
	if (strncmp(at + sizeof EVIDENCE_SUM - 1, want, 64) != 0)
		return false;
	*at = '\0';
	return true;
}

static int
evidence_read(const char *dir, long long run, struct evidence *e)
{
	char		*path, *text, *cause = NULL, *line, *nl, *sp, *v;
	const char	*key;
	size_t		 len, klen;

	memset(e, 0, sizeof *e);
	path = evidence_path(dir, run);
	text = file_read(path, 1 << 20, &len, &cause);
	free(path);
	free(cause);
	if (text == NULL || ((strncmp(text, EVIDENCE_MAGIC "\n",
	    sizeof EVIDENCE_MAGIC) != 0 || !evidence_sum_ok(text, len)) &&
	    strncmp(text, EVIDENCE_MAGIC1 "\n", sizeof EVIDENCE_MAGIC1) != 0)) {
		/* Missing, or torn (by a crash of the machine: it is not
		 * synced; or read mid-rewrite): no evidence, never a false
		 * alarm. */
		free(text);
		return 0;
	}
	e->found = true;
	e->run.id = run;
	for (line = text + sizeof EVIDENCE_MAGIC; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		if ((sp = memchr(line, ' ', (size_t)(nl - line))) == NULL)
			continue;
		key = line;
		klen = (size_t)(sp - line);
		v = get_value(sp + 1, (size_t)(nl - sp - 1));
#define KEY(k) (klen == sizeof k - 1 && strncmp(key, k, klen) == 0)
		if (KEY("kind"))
			e->run.kind = strcmp(v, "rollback") == 0 ?
			    JOURNAL_RUN_ROLLBACK : JOURNAL_RUN_UPGRADE;
		else if (KEY("parent"))
			e->run.parent = strtoll(v, NULL, 10);
		else if (KEY("started"))
			e->run.started = strtoll(v, NULL, 10);
		else if (KEY("dry-run"))
			e->run.dry_run = strcmp(v, "1") == 0;
		else if (KEY("status")) {
			int	s;

			for (s = 0; s < JOURNAL_RUN_STATUS__COUNT; s++)
				if (strcmp(v, journal_run_status_name(s)) == 0)
					e->run.status = s;
		} else if (KEY("seq"))
			e->seq = strtoll(v, NULL, 10);
		else {
			char **to = KEY("runbook") ? &e->run.runbook :
			    KEY("runbook-sha256") ? &e->run.runbook_sha256 :
			    KEY("product") ? &e->run.product :
			    KEY("from") ? &e->run.from : KEY("to") ? &e->run.to :
			    KEY("plan") ? &e->run.plan :
			    KEY("operator") ? &e->run.operator :
			    KEY("host") ? &e->run.host : KEY("begin") ? &e->begin :
			    KEY("vars") ? &e->vars : KEY("hash") ? &e->hash : NULL;

			if (to != NULL) {
				free(*to);
				*to = v;
				v = NULL;
			}
		}
#undef KEY
		free(v);
	}
	free(text);
	return 0;
}

/* One text column of the first row of a query on run ?1 (NULL when none). */
static char *
query_text(struct journal *j, const char *sql, long long run, bool *found)
{
	sqlite3_stmt	*st;
	char		*cause = NULL, *s = NULL;

	if (found != NULL)
		*found = false;
	if (j->db == NULL || (st = jn_prepare(j, sql, &cause, "read")) == NULL) {
		free(cause);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) == SQLITE_ROW) {
		s = jn_col_text(st, 0);
		if (found != NULL)
			*found = true;
	}
	jn_finish(j, st);
	return s;
}

/*
 * Rewrite runs/RUN/evidence from what the journal now holds of the run.
 * Called only after the commit that appended to it returned, so the file
 * is never newer than the journal. It is not fsync'ed, deliberately: a
 * crash of the machine can leave it older than the journal (or torn, read
 * as absent), which is never taken for a loss; what it must witness is
 * damage to the journal's files (a truncated, corrupted or deleted -wal, an
 * emptied journal.db) while the machine stays up. So an event costs one
 * write of the file in place (its last line, a hash of the rest, tells a
 * torn one), no new file, no rename, and no sync beyond SQLite's one per
 * commit (issue 18 counts them). Best effort for the same reason: the
 * event is already committed, and a missing file only weakens the
 * evidence.
 */
static int
evidence_write(struct journal *j, long long run)
{
	struct journal_run	*r = NULL;
	struct buf		 b;
	struct stat		 sb;
	sqlite3_stmt		*st;
	char			*cause = NULL, *s, sum[65];
	int			 fd, dfd, rc = -1;

	if (journal_run_get(j, run, &r, &cause) != 0 || r == NULL) {
		free(cause);
		return -1;
	}
	buf_init(&b);
	buf_printf(&b, "%s\n", EVIDENCE_MAGIC);
	put_value(&b, "kind", journal_run_kind_name(r->kind));
	buf_printf(&b, "parent %lld\n", r->parent);
	put_value(&b, "runbook", r->runbook);
	put_value(&b, "runbook-sha256", r->runbook_sha256);
	put_value(&b, "product", r->product);
	put_value(&b, "from", r->from);
	put_value(&b, "to", r->to);
	put_value(&b, "plan", r->plan);
	put_value(&b, "operator", r->operator);
	put_value(&b, "host", r->host);
	buf_printf(&b, "started %lld\n", r->started);
	put_value(&b, "status", journal_run_status_name(r->status));
	buf_printf(&b, "dry-run %d\n", r->dry_run ? 1 : 0);
	journal_run_free(r);
	s = query_text(j, "SELECT detail FROM events WHERE run = ?1 AND "
	    "kind = 'begin' ORDER BY seq LIMIT 1", run, NULL);
	put_value(&b, "begin", s);
	free(s);
	if (!j->vars_known || j->vars_run != run) {
		free(j->vars);
		j->vars = query_text(j, "SELECT detail FROM events WHERE "
		    "run = ?1 AND kind = 'vars' ORDER BY seq DESC LIMIT 1", run,
		    NULL);
		j->vars_run = run;
		j->vars_known = true;
	}
	put_value(&b, "vars", j->vars);
	if ((st = jn_prepare(j, "SELECT seq, hash FROM events WHERE run = ? "
	    "ORDER BY seq DESC LIMIT 1", &cause, "read")) == NULL) {
		free(cause);
		buf_free(&b);
		return -1;
	}
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) == SQLITE_ROW) {
		buf_printf(&b, "seq %lld\n", sqlite3_column_int64(st, 0));
		s = jn_col_text(st, 1);
		put_value(&b, "hash", s);
		free(s);
	}
	jn_finish(j, st);

	evidence_sum(b.data, b.len, sum);
	buf_printf(&b, "%s%s\n", EVIDENCE_SUM, sum);

	/* runs/N opened as journal_action_paths does: never through a
	 * link; the file itself neither (O_NOFOLLOW), and only a regular
	 * one of ours (O_NONBLOCK: a FIFO put there does not hang us). */
	if ((dfd = jn_run_dir(j, run, &cause)) == -1) {
		free(cause);
		buf_free(&b);
		return -1;
	}
	if ((fd = openat(dfd, EVIDENCE_FILE, O_WRONLY | O_CREAT | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC, 0600)) != -1) {
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    sb.st_uid == geteuid() && sb.st_nlink == 1 &&
		    write_full(fd, b.data, b.len) == 0 &&
		    ftruncate(fd, (off_t)b.len) == 0)
			rc = 0;
		if (close(fd) != 0)
			rc = -1;
	}
	close(dfd);
	buf_free(&b);
	return rc;
}

void
jn_evidence_pending(struct journal *j, long long run)
{
	size_t	i;

	for (i = 0; i < j->n_pending; i++) {
		if (j->pending[i] == run)
			return;
	}
	j->pending = xreallocarray(j->pending, j->n_pending + 1,
	    sizeof *j->pending);
	j->pending[j->n_pending++] = run;
}

int
jn_evidence_flush(struct journal *j)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < j->n_pending; i++) {
		if (evidence_write(j, j->pending[i]) != 0)
			rc = -1;
	}
	j->n_pending = 0;
	return rc;
}

void
jn_evidence_drop(struct journal *j)
{
	j->n_pending = 0;
	/* A rolled-back transaction may have appended answers. */
	j->vars_known = false;
}

/* ---- comparing the journal with its evidence -------------------------------- */

/* The run numbers under STATE_DIR/runs, ascending. */
static size_t
run_dirs(const char *dir, long long **out)
{
	DIR		*d;
	struct dirent	*de;
	char		*path, *end;
	long long	 id, t;
	size_t		 n = 0, i, k;

	*out = NULL;
	path = xasprintf("%s/runs", dir);
	d = opendir(path);
	free(path);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		errno = 0;
		id = strtoll(de->d_name, &end, 10);
		if (errno != 0 || *end != '\0' || end == de->d_name || id <= 0)
			continue;
		*out = xreallocarray(*out, n + 1, sizeof **out);
		(*out)[n++] = id;
	}
	closedir(d);
	for (i = 1; i < n; i++) {
		for (k = i; k > 0 && (*out)[k - 1] > (*out)[k]; k--) {
			t = (*out)[k];
			(*out)[k] = (*out)[k - 1];
			(*out)[k - 1] = t;
		}
	}
	return n;
}

/* The attempt a file of runs/RUN/ belongs to: STEP.N.log, STEP.N.status or
 * STEP.N.status.pid. */
static bool
attempt_file(const char *name, char **step, int *attempt, size_t *plen)
{
	static const char *const ends[] = { ".log", ".status", ".status.pid" };
	size_t		 len = strlen(name), e, i;
	const char	*dot;
	char		*end;
	long		 a;

	for (i = 0; i < nitems(ends); i++) {
		e = strlen(ends[i]);
		if (len <= e || strcmp(name + len - e, ends[i]) != 0)
			continue;
		len -= e;
		for (dot = name + len; dot > name && dot[-1] != '.'; dot--)
			;
		if (dot == name || dot == name + len)
			return false;
		errno = 0;
		a = strtol(dot, &end, 10);
		if (errno != 0 || end != name + len || a <= 0 || a > 1000000)
			return false;
		*step = jn_step_unfile(name, (size_t)(dot - 1 - name));
		*attempt = (int)a;
		*plen = len;
		return true;
	}
	return false;
}

/* Whether the journal knows attempt A of a step: its start event or its
 * row. */
static bool
attempt_known(struct journal *j, long long run, const char *step, int attempt)
{
	sqlite3_stmt	*st;
	char		*cause = NULL, *a;
	bool		 known;

	if (j->db == NULL || (st = jn_prepare(j, "SELECT 1 FROM actions WHERE "
	    "run = ?1 AND step = ?2 AND attempt = ?3 UNION ALL SELECT 1 FROM "
	    "events WHERE run = ?1 AND step = ?2 AND kind = 'start' AND "
	    "(detail = ?4 OR detail LIKE ?4 || ' %')", &cause,
	    "read")) == NULL) {
		free(cause);
		return false;
	}
	a = xasprintf("attempt %d", attempt);
	sqlite3_bind_int64(st, 1, run);
	jn_bind_text(st, 2, step);
	sqlite3_bind_int(st, 3, attempt);
	jn_bind_text(st, 4, a);
	known = sqlite3_step(st) == SQLITE_ROW;
	jn_finish(j, st);
	free(a);
	return known;
}

/* Note attempt A of a step, found as a file named PREFIX.something. */
static void
lost_attempt(struct journal_loss *l, const char *step, int attempt,
    const char *prefix, size_t plen)
{
	struct journal_lost_attempt	*a;
	size_t				 i;

	for (i = 0; i < l->n_attempts; i++) {
		if (strcmp(l->attempts[i].step, step) == 0 &&
		    l->attempts[i].attempt == attempt)
			return;
	}
	l->attempts = xreallocarray(l->attempts, l->n_attempts + 1,
	    sizeof *l->attempts);
	a = &l->attempts[l->n_attempts++];
	memset(a, 0, sizeof *a);
	a->step = xstrdup(step);
	a->attempt = attempt;
	/* The file name's own spelling: STEP.N, the step %XX-escaped. */
	a->log_path = xstrndup(prefix, plen);
}

/* Fill in what the files of a lost attempt show. */
static void
lost_attempt_read(struct journal_lost_attempt *a, const char *rdir,
    const char *fname_prefix)
{
	struct action_status	 ast;
	struct stat		 sb;
	char			*why = NULL;

	a->log_path = xasprintf("%s/%s.log", rdir, fname_prefix);
	a->status_path = xasprintf("%s/%s.status", rdir, fname_prefix);
	if (stat(a->log_path, &sb) == 0)
		a->started = (long long)sb.st_mtime;
	if (action_pid_read(a->status_path, &a->pid, &a->pid_start, &why) == 0)
		a->has_pid = true;
	free(why);
	why = NULL;
	memset(&ast, 0, sizeof ast);
	if (action_status_read(a->status_path, &ast, &why) == 0) {
		a->has_status = true;
		a->outcome = action_status_describe(&ast);
		if (ast.started > 0)
			a->started = ast.started;
		a->ended.ended = ast.ended;
		a->ended.exit_code = ast.exited ? ast.exit_code : -1;
		a->ended.signal = ast.exited ? 0 : ast.signal;
		a->ended.timed_out = ast.timed_out;
		a->ended.cancelled = ast.cancelled;
	} else
		a->outcome = xstrdup(a->has_pid ? "no exit status yet (its "
		    "command may still run)" : "no exit status");
	free(why);
}

static void
loss_clear(struct journal_loss *l)
{
	size_t	i;

	for (i = 0; i < l->n_attempts; i++) {
		free(l->attempts[i].step);
		free(l->attempts[i].log_path);
		free(l->attempts[i].status_path);
		free(l->attempts[i].outcome);
	}
	free(l->attempts);
	if (l->was != NULL)
		journal_run_free(l->was);
	free(l->begin);
	free(l->vars);
	free(l->evidence_hash);
	memset(l, 0, sizeof *l);
}

void
journal_losses_free(struct journal_loss *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		loss_clear(&v[i]);
	free(v);
}

/* Compare run RUN's evidence with the journal: true (with *l) when the
 * evidence is newer. j->db may be NULL: a journal with nothing in it. */
static bool
run_loss(struct journal *j, long long run, struct journal_loss *l)
{
	struct evidence	 e;
	DIR		*d;
	struct dirent	*de;
	char		*rdir, *step, *s, *prefix;
	int		 attempt;
	bool		 any = false, exists;
	size_t		 len, plen;

	memset(l, 0, sizeof *l);
	l->run = run;
	/* The files first, then the journal: whatever was committed before
	 * a file was written is then seen, even as another stepup writes. */
	evidence_read(j->dir, run, &e);
	rdir = xasprintf("%s/runs/%lld", j->dir, run);
	if ((d = opendir(rdir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			any = true;
			if (!attempt_file(de->d_name, &step, &attempt, &plen))
				continue;
			lost_attempt(l, step, attempt, de->d_name, plen);
			free(step);
		}
		closedir(d);
	}
	s = query_text(j, "SELECT id FROM runs WHERE id = ?1", run, &exists);
	free(s);
	l->missing = !exists && (any || e.found);
	if (e.found) {
		l->was = xmalloc(sizeof *l->was);
		*l->was = e.run;
		memset(&e.run, 0, sizeof e.run);
		l->begin = e.begin;
		l->vars = e.vars;
		l->evidence_seq = e.seq;
		l->evidence_hash = e.hash;
		e.begin = e.vars = e.hash = NULL;
	}
	evidence_clear(&e);
	s = query_text(j, "SELECT MAX(seq) FROM events WHERE run = ?1", run,
	    NULL);
	l->journal_seq = s != NULL ? strtoll(s, NULL, 10) : 0;
	free(s);
	if (exists && l->evidence_seq > 0 && l->journal_seq >= l->evidence_seq) {
		sqlite3_stmt	*st;
		char		*cause = NULL, *h = NULL;

		if ((st = jn_prepare(j, "SELECT hash FROM events WHERE run = ? "
		    "AND seq = ?", &cause, "read")) != NULL) {
			sqlite3_bind_int64(st, 1, run);
			sqlite3_bind_int64(st, 2, l->evidence_seq);
			if (sqlite3_step(st) == SQLITE_ROW)
				h = jn_col_text(st, 0);
			jn_finish(j, st);
		}
		free(cause);
		l->differs = h == NULL || l->evidence_hash == NULL ||
		    strcmp(h, l->evidence_hash) != 0;
		free(h);
	}
	/* Keep the attempts the journal does not know. */
	{
		size_t	i, k = 0;

		for (i = 0; i < l->n_attempts; i++) {
			struct journal_lost_attempt *a = &l->attempts[i];

			if (exists && attempt_known(j, run, a->step,
			    a->attempt)) {
				free(a->step);
				free(a->log_path);
				continue;
			}
			l->attempts[k++] = *a;
		}
		l->n_attempts = k;
		for (i = 0; i < l->n_attempts; i++) {
			prefix = l->attempts[i].log_path;
			l->attempts[i].log_path = NULL;
			lost_attempt_read(&l->attempts[i], rdir, prefix);
			free(prefix);
		}
	}
	free(rdir);
	len = l->n_attempts;
	if (l->missing || len > 0 || (exists && l->evidence_seq > 0 &&
	    (l->journal_seq < l->evidence_seq || l->differs)))
		return true;
	loss_clear(l);
	return false;
}

int
journal_evidence_check(struct journal *j, struct journal_loss **v, size_t *n)
{
	struct journal_loss	 l;
	long long		*ids;
	size_t			 n_ids, i;

	*v = NULL;
	*n = 0;
	n_ids = run_dirs(j->dir, &ids);
	for (i = 0; i < n_ids; i++) {
		if (!run_loss(j, ids[i], &l))
			continue;
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		(*v)[(*n)++] = l;
	}
	free(ids);
	return *n > 0 ? 1 : 0;
}

bool
journal_has_evidence(const char *state_dir)
{
	struct journal_loss	*v;
	struct journal		 t;
	size_t			 n;
	bool			 any;

	/* A journal with nothing in it: every run with files is evidence. */
	memset(&t, 0, sizeof t);
	t.dir = (char *)state_dir;
	any = journal_evidence_check(&t, &v, &n) == 1;
	journal_losses_free(v, n);
	return any;
}

/* One loss, as lines indented by two spaces. */
static void
loss_describe(struct buf *b, const struct journal_loss *l, const char *dir)
{
	const struct journal_run	*r = l->was;
	size_t				 i;
	char				 when[32];

	buf_printf(b, "  run %lld", l->run);
	if (r != NULL) {
		utc_format(when, sizeof when, r->started, "%Y-%m-%d %H:%M:%S");
		buf_printf(b, " (%s of %s, %s -> %s, begun by %s on %s at %s "
		    "UTC)", journal_run_kind_name(r->kind), r->product != NULL ?
		    r->product : "?", r->from != NULL ? r->from : "?",
		    r->to != NULL ? r->to : "?", r->operator != NULL ?
		    r->operator : "?", r->host != NULL ? r->host : "?", when);
	}
	if (l->missing)
		buf_printf(b, ": the journal has lost the whole run; %s/runs/%lld "
		    "holds its evidence", dir, l->run);
	else if (l->evidence_seq > l->journal_seq)
		buf_printf(b, ": the journal's events end at %lld, its evidence "
		    "(%s/runs/%lld/%s) saw event %lld", l->journal_seq, dir,
		    l->run, EVIDENCE_FILE, l->evidence_seq);
	else if (l->differs)
		buf_printf(b, ": event %lld is not the one its evidence "
		    "(%s/runs/%lld/%s) saw", l->evidence_seq, dir, l->run,
		    EVIDENCE_FILE);
	else
		buf_printf(b, ": the journal lacks commands whose files are in "
		    "%s/runs/%lld", dir, l->run);
	buf_puts(b, "\n");
	if (l->missing && l->evidence_seq > 0)
		buf_printf(b, "    its evidence saw %lld events\n",
		    l->evidence_seq);
	for (i = 0; i < l->n_attempts; i++)
		buf_printf(b, "    %s, attempt %d, which the journal never "
		    "recorded: %s (%s)\n", l->attempts[i].step,
		    l->attempts[i].attempt, l->attempts[i].outcome,
		    l->attempts[i].has_status ? l->attempts[i].status_path :
		    l->attempts[i].log_path);
}

char *
journal_losses_describe(struct journal *j, const struct journal_loss *v,
    size_t n)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < n; i++)
		loss_describe(&b, &v[i], j->dir);
	return buf_take(&b);
}

/* The refusal for a journal behind its evidence (n > 0). */
char *
jn_evidence_refusal(struct journal *j, const struct journal_loss *v,
    size_t n, bool empty)
{
	char	*what, *out;

	what = journal_losses_describe(j, v, n);
	out = xasprintf("the journal %s is %s: it has lost records that the "
	    "files beside it show (a truncated, damaged or deleted %s-wal, or "
	    "an emptied journal); nothing was run.\n%s"
	    "Running on would repeat finished commands. stepup recover shows "
	    "what it would rebuild from these files and, once you confirm, "
	    "journals it; then stepup resumes without running a finished "
	    "command again (see JOURNAL EVIDENCE in stepup(1)).", j->path,
	    empty ? "missing or empty, but runs are recorded beside it" :
	    "behind its evidence", j->path, what);
	free(what);
	return out;
}

/* ---- rebuilding ------------------------------------------------------------- */

static int
recover_run_row(struct journal *j, const struct journal_loss *l, char **cause)
{
	static const char	*what = "rebuild a run";
	const struct journal_run *r = l->was;
	sqlite3_stmt		*st;
	enum journal_run_status	 status;

	if ((st = jn_prepare(j, "INSERT INTO runs (id, kind, parent, runbook, "
	    "runbook_sha256, product, from_version, to_version, plan, "
	    "operator, host, started, status, dry_run) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cause, what)) == NULL)
		return -1;
	/* A run under way when the journal lost it is paused: resumable. */
	status = r->status == JOURNAL_RUN_RUNNING ? JOURNAL_RUN_PAUSED :
	    r->status;
	sqlite3_bind_int64(st, 1, l->run);
	jn_bind_text(st, 2, journal_run_kind_name(r->kind));
	if (r->parent > 0)
		sqlite3_bind_int64(st, 3, r->parent);
	else
		sqlite3_bind_null(st, 3);
	jn_bind_text(st, 4, r->runbook != NULL ? r->runbook : "");
	jn_bind_text(st, 5, r->runbook_sha256 != NULL ? r->runbook_sha256 : "");
	jn_bind_text(st, 6, r->product != NULL ? r->product : "");
	jn_bind_text(st, 7, r->from);
	jn_bind_text(st, 8, r->to);
	jn_bind_text(st, 9, r->plan);
	jn_bind_text(st, 10, r->operator != NULL ? r->operator : "?");
	jn_bind_text(st, 11, r->host != NULL ? r->host : "?");
	sqlite3_bind_int64(st, 12, r->started);
	jn_bind_text(st, 13, journal_run_status_name(status));
	sqlite3_bind_int(st, 14, r->dry_run);
	return jn_run_write(j, st, cause, what);
}

static int
recover_attempt(struct journal *j, const struct journal_loss *l,
    const struct journal_lost_attempt *a, bool resumable, char **cause)
{
	struct journal_action	 ja;
	char			*detail;
	size_t			 i;
	bool			 last = true;
	int			 r;

	detail = xasprintf("attempt %d (rebuilt by stepup recover from its "
	    "files: %s)", a->attempt, a->outcome);
	r = journal_append(j, l->run, JOURNAL_EV_START, a->step, detail, NULL,
	    cause);
	free(detail);
	if (r != 0)
		return -1;
	/* Its row, so that resuming reads its status file as it would have
	 * (a pid only when the supervisor left one: never signal pid 0). */
	if (a->has_pid || a->has_status) {
		memset(&ja, 0, sizeof ja);
		ja.run = l->run;
		ja.step = a->step;
		ja.attempt = a->attempt;
		ja.pid = a->has_pid ? a->pid : 0;
		ja.pid_start = a->has_pid ? a->pid_start : 0;
		ja.log_path = a->log_path;
		ja.status_path = a->status_path;
		ja.started = a->started;
		if (journal_action_add(j, &ja, cause) != 0)
			return -1;
		/* Its outcome, as its status file says. */
		if (a->has_status) {
			ja.ended = a->ended.ended;
			ja.exit_code = a->ended.exit_code;
			ja.signal = a->ended.signal;
			ja.timed_out = a->ended.timed_out;
			ja.cancelled = a->ended.cancelled;
			if (journal_action_finish(j, &ja, cause) != 0)
				return -1;
		}
	}
	for (i = 0; i < l->n_attempts; i++) {
		if (strcmp(l->attempts[i].step, a->step) == 0 &&
		    l->attempts[i].attempt > a->attempt)
			last = false;
	}
	/* Its step is running as far as the journal knows: resuming then
	 * settles it from the outcome (or follows the command, or puts it in
	 * doubt). A run that had ended is not resumed: its steps stay. */
	if (last && resumable && journal_step_set(j, l->run, a->step, "running",
	    "rebuilt by stepup recover from its files", cause) != 0)
		return -1;
	return 0;
}

int
journal_recover(struct journal *j, const struct journal_loss *v, size_t n,
    const char *confirmed, char **cause)
{
	const struct journal_loss	*l;
	struct buf			 b;
	char				*detail, *s;
	struct journal_run		*run;
	size_t				 i, k;
	bool				 has_vars, resumable;
	int				 r;

	for (i = 0; i < n; i++) {
		if (v[i].missing && v[i].was == NULL) {
			*cause = xasprintf("run %lld cannot be rebuilt: %s/runs/"
			    "%lld/%s, which would say what it was, is missing "
			    "or unreadable; move %s/runs/%lld aside to go on "
			    "without it", v[i].run, j->dir, v[i].run,
			    EVIDENCE_FILE, j->dir, v[i].run);
			return -1;
		}
	}
	if (journal_begin(j, cause) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		l = &v[i];
		if (l->missing && recover_run_row(j, l, cause) != 0)
			goto fail;
		buf_init(&b);
		loss_describe(&b, l, j->dir);
		detail = xasprintf("rebuilt from the evidence on disk, confirmed "
		    "by typing \"%s\":\n%s", confirmed, b.data);
		buf_free(&b);
		if (detail[strlen(detail) - 1] == '\n')
			detail[strlen(detail) - 1] = '\0';
		r = journal_append(j, l->run, JOURNAL_EV_RECOVER, NULL, detail,
		    NULL, cause);
		free(detail);
		if (r != 0)
			goto fail;
		if (l->missing && journal_append(j, l->run, JOURNAL_EV_BEGIN,
		    NULL, l->begin, NULL, cause) != 0)
			goto fail;
		s = query_text(j, "SELECT 1 FROM events WHERE run = ?1 AND "
		    "kind = 'vars'", l->run, &has_vars);
		free(s);
		if (!has_vars && l->vars != NULL && journal_append(j, l->run,
		    JOURNAL_EV_VARS, NULL, l->vars, NULL, cause) != 0)
			goto fail;
		if (journal_run_get(j, l->run, &run, cause) != 0)
			goto fail;
		resumable = run != NULL && (run->status == JOURNAL_RUN_RUNNING ||
		    run->status == JOURNAL_RUN_PAUSED);
		journal_run_free(run);
		for (k = 0; k < l->n_attempts; k++) {
			if (recover_attempt(j, l, &l->attempts[k], resumable,
			    cause) != 0)
				goto fail;
		}
	}
	return journal_commit(j, cause);
fail:
	journal_rollback(j);
	return -1;
}

/* ---- integrity, for show and the run report --------------------------------- */

/* The event the run's evidence file was last written at, when it is
 * behind the journal (a write of it failed after a commit), else -1. The
 * journal is read first, then the file: an evidence file is written just
 * after each commit, so one found behind is looked at again a moment
 * later before it is said stale (another stepup may be between the two). */
static long long
evidence_behind(struct journal *j, long long run)
{
	struct evidence	 e;
	struct timespec	 ts = { 0, 100 * 1000000L };
	char		*s;
	long long	 last, at = -1;
	int		 tries;

	s = query_text(j, "SELECT MAX(seq) FROM events WHERE run = ?1", run,
	    NULL);
	last = s != NULL ? strtoll(s, NULL, 10) : 0;
	free(s);
	for (tries = 0; tries < 2; tries++) {
		if (tries > 0)
			nanosleep(&ts, NULL);
		evidence_read(j->dir, run, &e);
		at = e.found && e.seq < last ? e.seq : -1;
		evidence_clear(&e);
		if (at < 0)
			return -1;
	}
	return at;
}

char *
journal_run_integrity(struct journal *j, long long run)
{
	struct journal_loss	 l;
	struct buf		 b;
	sqlite3_stmt		*st;
	char			*cause = NULL, h[65], *prev = NULL, *what = NULL;
	const char		*hash;
	long long		 seq, n = 0, legacy = 0, broken = 0;
	int			 rc;

	buf_init(&b);
	if ((st = jn_prepare(j, "SELECT seq, time, operator, kind, step, "
	    "detail, hash FROM events WHERE run = ? ORDER BY seq", &cause,
	    "read events")) == NULL) {
		buf_printf(&b, "events chain not checked: %s", cause);
		free(cause);
		return buf_take(&b);
	}
	sqlite3_bind_int64(st, 1, run);
	while (broken == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0);
		hash = (const char *)sqlite3_column_text(st, 6);
		n++;
		if (seq != n) {
			broken = n;
			what = xasprintf("event %lld is missing (the next one "
			    "is %lld)", n, seq);
			break;
		}
		if (hash == NULL) {
			/* Written before schema 3: before the chain began. */
			if (legacy == n - 1) {
				legacy = n;
				continue;
			}
			broken = seq;
			what = xstrdup("it has no hash");
			break;
		}
		jn_event_hash(prev, run, seq, sqlite3_column_int64(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3),
		    (const char *)sqlite3_column_text(st, 4),
		    (const char *)sqlite3_column_text(st, 5), h);
		if (strcmp(h, hash) != 0) {
			broken = seq;
			what = xstrdup("its hash does not match its content and "
			    "the event before it: edited, or out of place");
			break;
		}
		free(prev);
		prev = xstrdup(hash);
	}
	jn_finish(j, st);
	free(prev);
	if (broken != 0)
		buf_printf(&b, "events chain broken at event %lld: %s", broken,
		    what);
	else if (legacy > 0 && legacy == n)
		buf_printf(&b, "events chain not kept: its %lld events predate "
		    "it", n);
	else if (legacy > 0)
		buf_printf(&b, "events chain intact from event %lld to %lld "
		    "(events 1 to %lld predate it)", legacy + 1, n, legacy);
	else
		buf_printf(&b, "events chain intact (%lld events)", n);
	free(what);
	if (run_loss(j, run, &l)) {
		buf_puts(&b, "; the journal is behind its evidence:\n");
		loss_describe(&b, &l, j->dir);
		b.data[--b.len] = '\0';
		loss_clear(&l);
	} else if ((seq = evidence_behind(j, run)) >= 0)
		buf_printf(&b, "; its evidence file %s/runs/%lld/%s is stale "
		    "(it was last written at event %lld of %lld: a write "
		    "failed), so a journal that lost its later events would "
		    "not be noticed", j->dir, run, EVIDENCE_FILE, seq, n);
	return buf_take(&b);
}
