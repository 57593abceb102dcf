/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* plain.c: plain mode: a session as numbered line prompts on stdout and
 * answers on stdin, for scripts, serial consoles and screen readers. The
 * protocol (markers, answers) is documented in stepup(1), PLAIN MODE. */
#include "config.h"

#include <sys/inotify.h>
#include <sys/stat.h>

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "escape.h"
#include "plain.h"
#include "plan.h"
#include "rollback.h"
#include "session.h"
#include "steps.h"
#include "util.h"

struct plain {
	struct session	*s;
	int		 in;		/* fd answers are read from */
	FILE		*out;
	struct buf	 inbuf;		/* read, not yet consumed */
	bool		 eof;
	size_t		 shown;		/* step whose header was shown, + 1 */
	bool		 rollback;	/* a rollback began here */
};

static volatile sig_atomic_t	plain_signal;

static void
plain_on_signal(int sig)
{
	plain_signal = sig;
}

static void
plain_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = plain_on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal interrupts poll(). */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Read one answer line (without its newline) into *line (caller frees).
 * Returns 1, 0 when a signal came first, -1 at end of input. */
static int
plain_read(struct plain *p, char **line)
{
	struct pollfd	 pfd;
	char		 chunk[4096], *nl;
	ssize_t		 n;

	*line = NULL;
	for (;;) {
		if (p->inbuf.len > 0 &&
		    (nl = memchr(p->inbuf.data, '\n', p->inbuf.len)) != NULL) {
			size_t len = (size_t)(nl - p->inbuf.data);

			*line = xstrndup(p->inbuf.data, len);
			memmove(p->inbuf.data, nl + 1, p->inbuf.len - len - 1);
			p->inbuf.len -= len + 1;
			p->inbuf.data[p->inbuf.len] = '\0';
			if (len > 0 && (*line)[len - 1] == '\r')
				(*line)[len - 1] = '\0';
			return 1;
		}
		if (p->eof) {
			if (p->inbuf.len == 0)
				return -1;
			*line = xstrndup(p->inbuf.data, p->inbuf.len);
			p->inbuf.len = 0;
			p->inbuf.data[0] = '\0';
			return 1;
		}
		if (plain_signal != 0)
			return 0;
		pfd.fd = p->in;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			p->eof = true;
			continue;
		}
		n = read(p->in, chunk, sizeof chunk);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			p->eof = true;
		else
			buf_add(&p->inbuf, chunk, (size_t)n);
	}
}

/* Read a line with the terminal's echo off when it is one (secrets). */
static int
plain_read_secret(struct plain *p, char **line)
{
	struct termios	t, saved;
	bool		tty = isatty(p->in) && tcgetattr(p->in, &saved) == 0;
	int		r;

	if (tty) {
		t = saved;
		t.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(p->in, TCSAFLUSH, &t);
	}
	r = plain_read(p, line);
	if (tty) {
		tcsetattr(p->in, TCSAFLUSH, &saved);
		fputc('\n', p->out);
	}
	return r;
}

static void
plain_say(struct plain *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
plain_say(struct plain *p, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	escape_vprintf(p->out, fmt, ap);
	va_end(ap);
	fputc('\n', p->out);
	fflush(p->out);
}

/* Print a text, each line indented: prefix "  " for prose, "  | " for
 * documents and command output. */
static void
plain_text(struct plain *p, const char *prefix, const char *text)
{
	const char	*nl;

	while (text != NULL && *text != '\0') {
		nl = strchr(text, '\n');
		if (nl == NULL) {
			escape_printf(p->out, "%s%s\n", prefix, text);
			break;
		}
		escape_printf(p->out, "%s%.*s\n", prefix, (int)(nl - text),
		    text);
		text = nl + 1;
	}
	fflush(p->out);
}

/* Lines of a document or of a command's output on their way to the
 * output: "  | " before each, secrets masked, escaped, written a block at
 * a time (a line costs no allocation of its own). */
struct plain_lines {
	struct plain		 *p;
	const char		 *host;		/* "  | HOST: " before each line
						   (the hosts of a step with
						   forks), or NULL */
	const char		**secrets;
	size_t			  n;
	struct mask_stream	  m;
	struct buf		  out;
	struct buf		  masked;
};

static void
plain_lines_begin(struct plain_lines *l, struct plain *p)
{
	l->p = p;
	l->host = NULL;
	l->secrets = session_secret_values(p->s, &l->n);
	mask_stream_init(&l->m, l->secrets, l->n);
	buf_init(&l->out);
	buf_init(&l->masked);
}

static void
plain_lines_flush(struct plain_lines *l)
{
	if (l->out.len > 0)
		(void)fwrite(l->out.data, 1, l->out.len, l->p->out);
	l->out.len = 0;
}

static void
plain_lines_add(struct plain_lines *l, const char *line, size_t len)
{
	char	*room;

	if (l->n > 0 && len > 0) {
		/* final: each line is masked on its own, as a whole. */
		l->masked.len = 0;
		mask_stream_feed(&l->m, line, len, true, &l->masked);
		line = l->masked.data;
		len = l->masked.len;
	}
	if (l->host != NULL) {
		/* A host's line among its fellows': "  | HOST: line". */
		buf_puts(&l->out, "  | ");
		escape_buf(&l->out, l->host, strlen(l->host), ESCAPE_LINES);
		buf_puts(&l->out, ": ");
		escape_buf(&l->out, line, len, ESCAPE_LINES);
		buf_putc(&l->out, '\n');
	} else if (escape_plain(line, len) == len) {
		/* A line with nothing to escape, as most are, is copied
		 * whole (a command's output may be millions of them). */
		room = buf_room(&l->out, 4 + len + 1);
		memcpy(room, "  | ", 4);
		memcpy(room + 4, line, len);
		room[4 + len] = '\n';
		buf_grew(&l->out, 4 + len + 1);
	} else {
		buf_add(&l->out, "  | ", 4);
		escape_buf(&l->out, line, len, ESCAPE_LINES);
		buf_putc(&l->out, '\n');
	}
	if (l->out.len >= 65536)
		plain_lines_flush(l);
}

static void
plain_lines_end(struct plain_lines *l)
{
	plain_lines_flush(l);
	buf_free(&l->out);
	buf_free(&l->masked);
	mask_stream_free(&l->m);
	free(l->secrets);
}

/* Print one line of a document or of a command's output, "  | " before
 * it, secrets masked. */
static void
plain_output(struct plain *p, const char *line, size_t len)
{
	struct plain_lines	l;

	plain_lines_begin(&l, p);
	plain_lines_add(&l, line, len);
	plain_lines_end(&l);
}

/* Print a file, "  | " before each line. */
static int
plain_file(struct plain *p, const char *path, char **cause)
{
	struct plain_lines	 l;
	FILE	*f;
	char	*line = NULL;
	size_t	 size = 0;
	ssize_t	 n;

	if ((f = fopen(path, "r")) == NULL) {
		*cause = xasprintf("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	plain_lines_begin(&l, p);
	while ((n = getline(&line, &size, f)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		plain_lines_add(&l, line, (size_t)n);
	}
	plain_lines_end(&l);
	free(line);
	fclose(f);
	fflush(p->out);
	return 0;
}

/* What the operator may answer at step i, as "a, b REASON, c": the
 * acts allowed, by their word and what they take (the act table). */
static char *
plain_answers(struct plain *p, size_t i)
{
	const struct session_act_info	*info;
	unsigned			 m = session_acts(p->s, i);
	struct buf			 b;
	int				 a;

	buf_init(&b);
	for (a = 0; a < SESSION_ACT__COUNT; a++) {
		info = session_act_info((enum session_act)a);
		if (!(m & (1u << a)) || (info->word == NULL &&
		    info->arg != SESSION_ARG_PHRASE))
			continue;
		if (b.len > 0)
			buf_puts(&b, ", ");
		if (info->arg == SESSION_ARG_PHRASE) {
			buf_puts(&b, "the phrase");
			continue;
		}
		buf_puts(&b, info->word);
		if (info->arg == SESSION_ARG_REASON)
			buf_puts(&b, " REASON");
		else if (info->arg == SESSION_ARG_NOTE)
			buf_puts(&b, " [NOTE]");
	}
	return buf_take(&b);
}

static void
plain_header(struct plain *p, size_t i)
{
	const struct steps	*ss = session_steps(p->s);
	const struct step	*st = &ss->v[i];
	char			*where;

	if (p->shown == i + 1)
		return;
	p->shown = i + 1;
	/* A roll's batch begins: which hosts it takes. */
	if (st->roll != NULL && st->host != NULL && st->needs_before == i &&
	    (where = steps_roll_where(ss, i)) != NULL) {
		plain_say(p, "== %s", where);
		free(where);
	}
	plain_say(p, "[%zu/%zu] %s: %s", i + 1, ss->n, rb_kind_name(st->kind),
	    st->title);
	if (st->text != NULL)
		plain_text(p, "  ", st->text);
}

/* The most of a command's output plain mode holds: a line longer than
 * this is shown in pieces of this many bytes, so that memory stays
 * bounded whatever the output's size and its lines' lengths (the log has
 * its secrets masked already: a piece cannot cut one). */
#define PLAIN_PIECE	65536

/* Tail a log from *off to the output, a piece at a time: what is held
 * (*partial, the start of a line) never grows past twice PLAIN_PIECE. */
static void
plain_tail_host(struct plain *p, const char *host, const char *log,
    off_t *off, struct buf *partial)
{
	struct plain_lines	 l;
	char			*cause = NULL, *start, *end, *nl;
	ssize_t			 n;
	size_t			 used;
	int			 fd;

	if (log == NULL)
		return;
	/* Opened once for all it reads now, not once a piece. */
	if ((fd = open(log, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	plain_lines_begin(&l, p);
	l.host = host;
	do {
		n = action_log_pread(fd, log, off, partial, PLAIN_PIECE,
		    &cause);
		if (n < 0) {
			free(cause);
			break;
		}
		start = partial->data;
		end = start + partial->len;
		while (start < end &&
		    (nl = memchr(start, '\n', (size_t)(end - start))) != NULL) {
			plain_lines_add(&l, start, (size_t)(nl - start));
			start = nl + 1;
		}
		while ((size_t)(end - start) >= PLAIN_PIECE) {
			plain_lines_add(&l, start, PLAIN_PIECE);
			start += PLAIN_PIECE;
		}
		if (start != partial->data) {
			used = (size_t)(start - partial->data);
			memmove(partial->data, start, partial->len - used);
			partial->len -= used;
			partial->data[partial->len] = '\0';
		}
	} while (n > 0);
	close(fd);
	plain_lines_end(&l);
	fflush(p->out);
}

static void
plain_tail(struct plain *p, const char *log, off_t *off, struct buf *partial)
{
	plain_tail_host(p, NULL, log, off, partial);
}

/* The lines a log ends with, shown where the operator must judge what
 * a command did (an action in doubt). */
#define PLAIN_LOG_END	5

/* The path of step i's log and its last lines. */
static void
plain_log_end(struct plain *p, size_t i)
{
	const char	*log = session_log(p->s, i);
	struct stat	 sb;
	struct buf	 b;
	off_t		 off;
	char		*cause = NULL, *s, *end, *line;
	size_t		 n = 0;

	if (log == NULL)
		return;
	escape_printf(p->out, "  log: %s\n", log);
	if (stat(log, &sb) != 0 || sb.st_size == 0) {
		plain_say(p, "  (the log is empty)");
		return;
	}
	off = sb.st_size > 4096 ? sb.st_size - 4096 : 0;
	buf_init(&b);
	if (action_log_read(log, &off, &b, 4096, &cause) < 0 || b.len == 0) {
		free(cause);
		buf_free(&b);
		return;
	}
	s = b.data;
	end = b.data + b.len;
	if (sb.st_size > 4096 && (line = memchr(s, '\n', b.len)) != NULL)
		s = line + 1;	/* a line cut by the window */
	while (end > s && end[-1] == '\n')
		end--;
	/* Back from the end over PLAIN_LOG_END lines. */
	for (line = end; line > s; line--) {
		if (line[-1] == '\n' && ++n == PLAIN_LOG_END)
			break;
	}
	plain_say(p, "  its log ends:");
	while (line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line));

		if (nl == NULL)
			nl = end;
		plain_output(p, line, (size_t)(nl - line));
		line = nl + 1;
	}
	buf_free(&b);
}

static void	plain_outcome(struct plain *, size_t);

/* A command that ended while stepup was not running: said, with its
 * outcome, before the run goes on. */
static void
plain_away(struct plain *p)
{
	const struct steps	*ss = session_steps(p->s);
	size_t			 i = session_finished_away(p->s);

	if (i >= ss->n)
		return;
	/* Every one of them: the hosts of a step with forks, several. */
	for (i = 0; i < ss->n; i++) {
		if (!ss->v[i].away)
			continue;
		plain_say(p, "= %zu %s: ended while stepup was not running",
		    i + 1, ss->v[i].title);
		plain_outcome(p, i);
	}
}

/* The later steps of step i's host in its roll's batch that were
 * skipped with it (it was left out of the roll), a line each. */
static void
plain_left_out(struct plain *p, size_t i)
{
	const struct steps	*ss = session_steps(p->s);
	size_t			 k;

	for (k = steps_host_next(ss, i); k != SIZE_MAX;
	    k = steps_host_next(ss, k))
		if (ss->v[k].state == STEP_SKIPPED)
			plain_say(p, "= %zu skipped: %s", k + 1,
			    ss->v[k].reason != NULL ? ss->v[k].reason : "");
}

/* Say how step i ended. */
static void
plain_outcome(struct plain *p, size_t i)
{
	const struct steps	*ss = session_steps(p->s);
	const struct step	*st = &ss->v[i];

	switch (st->state) {
	case STEP_PASSED:
		if (st->artifact_size >= 0)
			plain_say(p, "= %zu passed: exit 0; %s: %lld bytes, "
			    "sha256 %s", i + 1, st->produces, st->artifact_size,
			    st->artifact_sha256);
		else if (st->host != NULL)
			plain_say(p, "= %zu passed on %s: exit 0", i + 1,
			    st->host);
		else
			plain_say(p, "= %zu passed: exit 0", i + 1);
		if (st->outputs.n > 0) {
			/* The values it set (outputs), secrets masked. */
			char *vals = step_env_show(&st->outputs);

			plain_text(p, "  set: ", vals);
			free(vals);
		}
		break;
	case STEP_READY:
		break;
	case STEP_IN_DOUBT:
		plain_say(p, "! %zu in doubt: %s", i + 1,
		    st->reason != NULL ? st->reason : "");
		break;
	case STEP_TOLERATED:
		/* Within max-fail: its host's later steps of the batch are
		 * skipped with it. */
		plain_say(p, "! %zu %s: %s", i + 1, step_state_words(st->state),
		    st->reason != NULL ? st->reason : "");
		plain_left_out(p, i);
		break;
	default:
		plain_say(p, "! %zu %s: %s", i + 1, step_state_words(st->state),
		    st->reason != NULL ? st->reason : "");
		if (st->hint != NULL)
			plain_text(p, "  hint: ", st->hint);
		if (st->on_failure != NULL)
			plain_text(p, "  left behind: ", st->on_failure);
		break;
	}
}

/* A step retried until it passes (until): one short line per attempt
 * as it ends, "~ 4 attempt 2: exit 1 (next in 5s, 9m50s left): LAST
 * LINE", instead of every attempt's output. */
struct plain_wait {
	unsigned	 attempt;	/* whose log is followed */
	char		*log;
	off_t		 off;
	struct buf	 last;		/* its last line of output so far */
	bool		 said;
};

static void
plain_wait_line(struct plain *p, size_t i, struct plain_wait *w, bool over)
{
	const struct step	*st = &session_steps(p->s)->v[i];
	struct session_wait_info wi;
	struct buf		 b;
	char			*cause = NULL, *line, *nl;
	bool			 waiting, ended;
	int			 code;

	buf_init(&b);
	while (w->log != NULL && action_log_read(w->log, &w->off, &b, 65536,
	    &cause) > 0)
		continue;
	free(cause);
	if (b.len > 0) {
		buf_add(&w->last, b.data, b.len);
		/* Keep what follows the last complete line but one. */
		while (w->last.len > 1 && (nl = memchr(w->last.data, '\n',
		    w->last.len - 1)) != NULL) {
			size_t used = (size_t)(nl + 1 - w->last.data);

			memmove(w->last.data, nl + 1, w->last.len - used);
			w->last.len -= used;
			w->last.data[w->last.len] = '\0';
		}
	}
	buf_free(&b);
again:
	waiting = session_wait_info(p->s, i, &wi);
	ended = over || st->attempts != w->attempt || (waiting && !wi.running);
	if (ended && !w->said && w->attempt != 0) {
		line = xstrndup(w->last.len > 0 ? w->last.data : "",
		    w->last.len > 0 ? strcspn(w->last.data, "\n") : 0);
		/* An attempt a later one overtook ended with what its
		 * journaled record says, not the later one's status. */
		code = st->attempts != w->attempt ? session_attempt_exit(p->s,
		    i, w->attempt) : -1;
		if (code < 0)
			code = waiting ? wi.last_exit : st->exit_status;
		/* Another attempt follows: it is due in next_in, or (on a
		 * slow machine, one wait may have ended this attempt and
		 * started the next) it has begun already. */
		if (waiting)
			plain_say(p, "~ %zu attempt %u: exit %d (next in %llds, "
			    "%llds left to wait): %s", i + 1, w->attempt, code,
			    st->attempts != w->attempt ? 0 : wi.next_in,
			    wi.left, line);
		else if (st->attempts != w->attempt)
			plain_say(p, "~ %zu attempt %u: exit %d (next in 0s): "
			    "%s", i + 1, w->attempt, code, line);
		else
			plain_say(p, "~ %zu attempt %u: exit %d: %s", i + 1,
			    w->attempt, code, line);
		free(line);
		w->said = true;
	}
	if (st->attempts != w->attempt) {
		/* The next attempt (it may have ended already). */
		free(w->log);
		w->log = session_log(p->s, i) != NULL ?
		    xstrdup(session_log(p->s, i)) : NULL;
		w->attempt = st->attempts;
		w->off = 0;
		w->last.len = 0;
		w->said = false;
		buf_init(&b);
		while (w->log != NULL && action_log_read(w->log, &w->off, &b,
		    65536, &cause) > 0)
			continue;
		free(cause);
		cause = NULL;
		if (b.len > 0)
			buf_add(&w->last, b.data, b.len);
		buf_free(&b);
		goto again;
	}
}

/* An inotify descriptor that becomes readable when the log at path is
 * written to, or -1 (no inotify, no such log). */
static int
plain_log_watch(const char *path)
{
	int	fd;

	if (path == NULL ||
	    (fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		return -1;
	if (inotify_add_watch(fd, path, IN_MODIFY) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Wait until the running command ends (its supervisor's exit descriptor)
 * or its log grows (ino, see plain_log_watch), then look: session_wait's
 * return. So its output is shown as it comes (within 50 ms), not in
 * what 200 ms of sleep let pile up (shown only after the command ended,
 * when it was quicker than that), and a silent command wakes nobody up.
 * The kernel folds the log's writes into one event while we wait.
 * A command found running by an earlier stepup has no exit descriptor:
 * then its end is looked for every 200 ms.
 */
static int
plain_wait_output(struct plain *p, int ino, char **cause)
{
	static const struct timespec tick = { 0, 200 * 1000000L };
	static const struct timespec heap = { 0, 50 * 1000000L };
	struct pollfd	pfd[2];
	sigset_t	sigs, old;
	char		ev[4096];
	int		n = 0, r, fd = session_wait_fd(p->s);

	if (fd >= 0) {
		pfd[n].fd = fd;
		pfd[n++].events = POLLIN;
	}
	if (ino >= 0) {
		pfd[n].fd = ino;
		pfd[n++].events = POLLIN;
	}
	if (n == 0)
		return session_wait(p->s, 200, cause);
	/* The operator's signals blocked from the look at plain_signal to
	 * the wait (ppoll lets them in): one that comes in between is not
	 * left waiting for the command's next write. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, &old);
	if (plain_signal != 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 0;	/* the caller asks or leaves */
	}
	r = ppoll(pfd, (nfds_t)n, fd >= 0 ? NULL : &tick, &old);
	/* The log grew and the command runs on: let more come (its end
	 * still wakes us at once), so that a chatty command is shown in
	 * heaps of 50 ms, not a wake-up per write. */
	if (r > 0 && fd >= 0 && pfd[0].revents == 0)
		r = ppoll(pfd, 1, &heap, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r < 0 && errno == EINTR)
		return 0;
	if (ino >= 0) {
		while (read(ino, ev, sizeof ev) > 0)
			continue;
	}
	return session_wait(p->s, 0, cause);
}

/* While a command of step i's roll runs: the act pausing its roll, or
 * continuing it once paused, when the session allows one (-1: neither),
 * for the question ^C asks. */
static int
plain_roll_act(struct plain *p, size_t i)
{
	if (session_can(p->s, i, SESSION_ACT_PAUSE_ROLL, NULL))
		return SESSION_ACT_PAUSE_ROLL;
	if (session_can(p->s, i, SESSION_ACT_CONTINUE_ROLL, NULL))
		return SESSION_ACT_CONTINUE_ROLL;
	return -1;
}

/* The roll act answered to ^C's question: done, and said. */
static void
plain_roll_do(struct plain *p, size_t i, int act)
{
	char	*cause = NULL;

	if (session_act(p->s, i, (enum session_act)act, NULL, &cause) != 0) {
		plain_say(p, "! %zu %s", i + 1, cause);
		free(cause);
	} else
		plain_say(p, "= %zu %s", i + 1,
		    session_act_info((enum session_act)act)->done);
}

/* What plain mode follows of one host of a step with forks. */
struct plain_fan {
	unsigned	 attempt;	/* said running at, or 0 */
	bool		 running;	/* said running, not yet said ended */
	off_t		 off;		/* in its log */
	struct buf	 partial;
};

/* One host's end: the rest of its output, then its outcome, the host
 * named. */
static void
plain_fan_end(struct plain *p, size_t j, struct plain_fan *f)
{
	const struct step	*st = &session_steps(p->s)->v[j];

	plain_tail_host(p, st->host, session_log(p->s, j), &f->off,
	    &f->partial);
	if (f->partial.len > 0) {
		struct plain_lines l;

		plain_lines_begin(&l, p);
		l.host = st->host;
		plain_lines_add(&l, f->partial.data, f->partial.len);
		plain_lines_end(&l);
		f->partial.len = 0;
	}
	f->running = false;
	plain_outcome(p, j);
}

/* The heading of a fork group v[first .. first + n): its steps' numbers
 * and its title without the first host's " (on HOST)". */
static void
plain_fan_header(struct plain *p, size_t first, size_t n)
{
	const struct steps	*ss = session_steps(p->s);
	const struct step	*st = &ss->v[first];
	size_t			 len = strlen(st->title), cut = 0;
	char			*on;

	if (p->shown == first + 1)
		return;
	p->shown = first + 1;
	on = xasprintf(" (on %s)", st->host != NULL ? st->host : "");
	if (len >= strlen(on) && strcmp(st->title + len - strlen(on), on) == 0)
		cut = strlen(on);
	free(on);
	plain_say(p, "[%zu-%zu/%zu] %s: %.*s", first + 1, first + n, ss->n,
	    rb_kind_name(st->kind), (int)(len - cut), st->title);
	if (st->text != NULL)
		plain_text(p, "  ", st->text);
}

/* Follow the hosts of a step with forks (fellows v[first .. first + n))
 * as they run, several at once: a line as each starts ("> N running on
 * HOST") and ends ("= N passed on HOST", "! N failed: ... on HOST"),
 * their output as it comes, each line "  | HOST: ", then one line for the
 * step: how many hosts passed, and which failed or are in doubt. On
 * SIGINT, whether to cancel every host running. 0, or -1 when the
 * operator (or SIGHUP/SIGTERM) leaves while they run on. */
static int
plain_fan_follow(struct plain *p, size_t first, bool reattached)
{
	const struct steps	*ss = session_steps(p->s);
	const struct step	*st = &ss->v[first];
	struct plain_fan	*fan;
	struct buf		 names;
	char			*cause = NULL, *line;
	size_t			 n = st->forks_n, k, n_ok, n_bad;
	int			 r, ret = 0, roll;

	plain_fan_header(p, first, n);
	plain_say(p, "> %zu-%zu on %zu hosts, at most %u at once (forks)%s",
	    first + 1, first + n, n, st->rb != NULL ? st->rb->forks : 1,
	    reattached ? ": following those still running" : "");
	plain_text(p, "  $ ", st->run);
	fan = xcalloc(n, sizeof *fan);
	for (k = 0; k < n; k++) {
		buf_init(&fan[k].partial);
		/* What ended before is not said again. */
		if (ss->v[first + k].state != STEP_RUNNING)
			fan[k].attempt = ss->v[first + k].attempts;
	}
	for (;;) {
		ss = session_steps(p->s);
		for (k = 0; k < n; k++) {
			const struct step *o = &ss->v[first + k];

			if (o->state == STEP_RUNNING &&
			    fan[k].attempt != o->attempts) {
				if (fan[k].running)
					plain_tail_host(p, o->host,
					    session_log(p->s, first + k),
					    &fan[k].off, &fan[k].partial);
				fan[k].attempt = o->attempts;
				fan[k].running = true;
				fan[k].off = 0;
				fan[k].partial.len = 0;
				plain_say(p, "> %zu running on %s (attempt %u)",
				    first + k + 1, o->host, o->attempts);
			}
			if (fan[k].running)
				plain_tail_host(p, o->host,
				    session_log(p->s, first + k), &fan[k].off,
				    &fan[k].partial);
			if (fan[k].running && o->state != STEP_RUNNING)
				plain_fan_end(p, first + k, &fan[k]);
			else if (!fan[k].running &&
			    fan[k].attempt != o->attempts) {
				/* Started and ended between two looks (it
				 * could not start, say). */
				fan[k].attempt = o->attempts;
				plain_say(p, "> %zu on %s (attempt %u)",
				    first + k + 1, o->host, o->attempts);
				plain_fan_end(p, first + k, &fan[k]);
			}
		}
		if (session_n_running(p->s) == 0)
			break;
		r = session_wait(p->s, 200, &cause);
		if (r < 0) {
			plain_say(p, "! %zu %s", first + 1, cause);
			free(cause);
			ret = -1;
			break;
		}
		if (plain_signal == SIGINT) {
			const struct step *run = session_running(p->s);

			plain_signal = 0;
			if (run == NULL)
				continue;
			roll = plain_roll_act(p, run->index);
			plain_say(p, "? %zu cancel: cancel the %zu command%s "
			    "running (and start no more of these hosts)? [yes, "
			    "no%s%s%s]", run->index + 1, session_n_running(p->s),
			    session_n_running(p->s) == 1 ? "" : "s",
			    roll >= 0 ? ", " : "", roll >= 0 ?
			    session_act_info(roll)->word : "", roll < 0 ? "" :
			    roll == SESSION_ACT_PAUSE_ROLL ? ": pause the roll "
			    "after this batch" : ": continue the roll");
			r = plain_read(p, &line);
			if (r == 1 && roll >= 0 && strcmp(line,
			    session_act_info(roll)->word) == 0)
				plain_roll_do(p, run->index, roll);
			else if (r == 1 && strcmp(line, "yes") == 0) {
				if (session_act(p->s, run->index,
				    SESSION_ACT_CANCEL, NULL, &cause) != 0) {
					plain_say(p, "! %zu %s", run->index + 1,
					    cause);
					free(cause);
				} else
					plain_say(p, "> cancelling every host "
					    "running: SIGTERM, then SIGKILL");
			}
			free(line);
		} else if (plain_signal != 0) {
			ret = -1;
			break;
		}
	}
	/* The step's line: its hosts' outcomes. */
	if (ret == 0) {
		ss = session_steps(p->s);
		buf_init(&names);
		n_ok = n_bad = 0;
		for (k = 0; k < n; k++) {
			const struct step *o = &ss->v[first + k];

			if (step_state_settled(o->state))
				n_ok++;
			else if (o->state == STEP_FAILED ||
			    o->state == STEP_IN_DOUBT) {
				buf_printf(&names, "%s%s%s", n_bad > 0 ? ", " :
				    "", o->host, o->state == STEP_IN_DOUBT ?
				    " (in doubt)" : "");
				n_bad++;
			}
		}
		if (n_bad > 0)
			plain_say(p, "! %zu-%zu: %zu of %zu hosts passed; failed: "
			    "%s", first + 1, first + n, n_ok, n, names.data);
		else if (n_ok == n)
			plain_say(p, "= %zu-%zu: all %zu hosts passed", first + 1,
			    first + n, n);
		else
			plain_say(p, "= %zu-%zu: %zu of %zu hosts passed so far",
			    first + 1, first + n, n_ok, n);
		buf_free(&names);
	}
	for (k = 0; k < n; k++)
		buf_free(&fan[k].partial);
	free(fan);
	p->shown = 0;	/* a question about one of them names it */
	return ret;
}

/* Follow the running command to its end: its output, and on SIGINT the
 * question whether to cancel it. Returns 0, or -1 when the operator (or
 * SIGHUP/SIGTERM) leaves while it runs on. */
static int
plain_follow(struct plain *p, bool reattached)
{
	const struct step	*st = session_running(p->s);
	struct session_wait_info wi;
	struct buf		 partial;
	char			*cause = NULL, *line;
	const char		*stop;
	off_t			 off = 0;
	struct plain_wait	 w;
	size_t			 i;
	int			 r, ino = -1, roll;
	bool			 waiting;

	if (st == NULL)
		return 0;
	if (st->forks_n > 1)
		return plain_fan_follow(p, st->forks_first, reattached);
	i = st->index;
	plain_header(p, i);
	plain_say(p, "> %zu %s (attempt %u)", i + 1, reattached ?
	    "still running, following its log" : "running", st->attempts);
	plain_text(p, "  $ ", st->run);
	buf_init(&partial);
	memset(&w, 0, sizeof w);
	buf_init(&w.last);
	waiting = session_wait_info(p->s, i, &wi);
	if (waiting) {
		w.attempt = st->attempts;
		w.log = xstrdup(session_log(p->s, i));
	} else
		ino = plain_log_watch(session_log(p->s, i));
	for (;;) {
		r = waiting ? session_wait(p->s, 200, &cause) :
		    plain_wait_output(p, ino, &cause);
		if (waiting)
			plain_wait_line(p, i, &w, r == 1);
		else
			plain_tail(p, session_log(p->s, i), &off, &partial);
		if (r == 1)
			break;
		if (r < 0) {
			plain_say(p, "! %zu %s", i + 1, cause);
			free(cause);
			buf_free(&partial);
			buf_free(&w.last);
			free(w.log);
			if (ino >= 0)
				close(ino);
			return -1;
		}
		if (plain_signal == SIGINT) {
			plain_signal = 0;
			stop = session_can(p->s, i, SESSION_ACT_STOP_WAIT,
			    NULL) ? session_act_info(SESSION_ACT_STOP_WAIT)->word :
			    NULL;
			roll = plain_roll_act(p, i);
			plain_say(p, "? %zu cancel: cancel the running command? "
			    "[yes, no%s%s%s%s%s%s]", i + 1, stop != NULL ? ", " :
			    "", stop != NULL ? stop : "", stop != NULL ?
			    ": stop waiting" : "", roll >= 0 ? ", " : "",
			    roll >= 0 ? session_act_info(roll)->word : "",
			    roll < 0 ? "" : roll == SESSION_ACT_PAUSE_ROLL ?
			    ": pause the roll after this batch" :
			    ": continue the roll");
			r = plain_read(p, &line);
			if (r == 1 && roll >= 0 && strcmp(line,
			    session_act_info(roll)->word) == 0)
				plain_roll_do(p, i, roll);
			else if (r == 1 && stop != NULL && strcmp(line, stop) == 0) {
				if (session_act(p->s, i, SESSION_ACT_STOP_WAIT,
				    NULL, &cause) != 0) {
					plain_say(p, "! %zu %s", i + 1, cause);
					free(cause);
				} else
					plain_say(p, "> %zu stopped waiting: no "
					    "more attempts", i + 1);
			} else if (r == 1 && strcmp(line, "yes") == 0) {
				if (session_act(p->s, i, SESSION_ACT_CANCEL,
				    NULL, &cause) != 0) {
					plain_say(p, "! %zu %s", i + 1, cause);
					free(cause);
				} else
					plain_say(p, "> %zu cancelling: SIGTERM, "
					    "then SIGKILL", i + 1);
			}
			free(line);
		} else if (plain_signal != 0) {
			buf_free(&partial);
			buf_free(&w.last);
			free(w.log);
			if (ino >= 0)
				close(ino);
			return -1;
		}
	}
	if (ino >= 0)
		close(ino);
	if (partial.len > 0)
		plain_output(p, partial.data, partial.len);
	buf_free(&partial);
	buf_free(&w.last);
	free(w.log);
	plain_outcome(p, i);
	return 0;
}

/* Split "word rest" in place: returns the word, *rest the rest. */
static char *
plain_split(char *line, char **rest)
{
	char	*sp;

	while (*line == ' ' || *line == '\t')
		line++;
	sp = line + strcspn(line, " \t");
	if (*sp != '\0') {
		*sp++ = '\0';
		while (*sp == ' ' || *sp == '\t')
			sp++;
	}
	*rest = sp;
	return line;
}

enum plain_next { PLAIN_GO, PLAIN_PAUSE, PLAIN_ERROR };

static int	plain_rollback_begin(struct plain *);

/* Ask what to do at step i, and do it. */
static enum plain_next
plain_step_prompt(struct plain *p, size_t i, const char *question)
{
	const struct step	*st = &session_steps(p->s)->v[i];
	char			*answers, *line = NULL, *word, *rest, *cause = NULL;
	char			*typed, *phrase, *ack = NULL;
	const char		*refusal;
	const struct session_act_info *info;
	unsigned		 offered = session_acts(p->s, i);
	enum step_state		 before = st->state;
	int			 r, act;
	bool			 confirm = st->kind == RB_CONFIRM &&
				     (offered & (1u << SESSION_ACT_CONFIRM));

	answers = plain_answers(p, i);
	plain_say(p, "? %zu %s: %s [%s]", i + 1, rb_kind_name(st->kind),
	    question, answers);
	free(answers);
	r = plain_read(p, &line);
	if (r <= 0)
		return PLAIN_PAUSE;
	/* The line as typed: plain_split cuts it after the first word. */
	typed = xstrdup(line);
	word = plain_split(line, &rest);
	act = session_act_parse(word);	/* the acts typed as a word */
	if (confirm && ((st->phrase != NULL && strcmp(typed, st->phrase) ==
	    0) || act < 0 || !(offered & (1u << act)))) {
		/* At a confirmation, whatever is not one of the answers
		 * offered is the phrase, right or wrong: a wrong one is
		 * journaled, and said. */
		act = SESSION_ACT_CONFIRM;
		rest = typed;
	} else if (act < 0) {
		plain_say(p, "! %zu %s \"%s\": answer one of those in "
		    "brackets", i + 1, *word == '\0' ? "no answer" :
		    "unknown answer", word);
		goto out;
	} else if (!(offered & (1u << act))) {
		/* Not offered: refused here, saying what and why, never
		 * taken for another answer (run for retry). */
		session_can(p->s, i, act, &refusal);
		plain_say(p, "! %zu %s refused: %s", i + 1, word, refusal);
		goto out;
	}
	info = session_act_info(act);
	r = 0;
	/* The acts whose course is plain mode's own; every other goes
	 * straight to the dispatcher, with what it takes. */
	switch (act) {
	case SESSION_ACT_QUIT:
		free(typed);
		free(line);
		return PLAIN_PAUSE;
	case SESSION_ACT_SHELL:
		if (!isatty(p->in)) {
			/* It would read the answers meant for stepup. */
			cause = xstrdup("a shell needs a terminal on standard "
			    "input");
			r = -1;
			break;
		}
		plain_say(p, "> %zu shell: exit it to come back", i + 1);
		if ((r = session_act(p->s, i, act, NULL, &cause)) == 0)
			plain_say(p, "> %zu back from the shell", i + 1);
		break;
	case SESSION_ACT_ROLLBACK:
		/* What will be undone and its artifacts, shown and checked
		 * before the rollback run begins. */
		if (plain_rollback_begin(p) != 0)
			p->shown = 0;	/* refused, and said why */
		break;
	default:
		/* An acknowledgement typed too (a missing artifact). */
		if (*rest != '\0' &&
		    (phrase = session_act_phrase(p->s, i, act)) != NULL) {
			plain_say(p, "? %zu %s: its artifact %s was not "
			    "recorded, so a rollback cannot use it; type \"%s\" "
			    "to mark it done without it [the phrase, or anything "
			    "else to go back]", i + 1, info->word, st->produces,
			    phrase);
			free(phrase);
			if (plain_read(p, &ack) <= 0) {
				free(typed);
				free(line);
				return PLAIN_PAUSE;
			}
		}
		r = session_act_typed(p->s, i, act, info->arg ==
		    SESSION_ARG_NONE ? NULL : rest, ack, &cause);
		free(ack);
		if (r != 0)
			break;
		/* The steps may be laid out anew (a rollback's confirmation
		 * typed for its other target): read the step again. */
		st = &session_steps(p->s)->v[i];
		if (session_running(p->s) == st) {
			/* Started through the door: followed to its end. */
			free(typed);
			free(line);
			return plain_follow(p, false) == 0 ? PLAIN_GO :
			    PLAIN_PAUSE;
		}
		if (st->state == STEP_PASSED && info->done != NULL)
			plain_say(p, "= %zu passed: %s", i + 1, info->done);
		else if (st->state == STEP_SKIPPED || st->state == STEP_DONE) {
			plain_say(p, "= %zu %s: %s", i + 1,
			    step_state_words(st->state), st->reason != NULL ?
			    st->reason : rest);
			/* A host skipped failed leaves its roll's batch. */
			if (st->state == STEP_SKIPPED)
				plain_left_out(p, i);
		}
		else if (st->state == before && info->done != NULL)
			/* An act on the run, not the step (a roll paused). */
			plain_say(p, "= %zu %s", i + 1, info->done);
		break;
	}
	if (r != 0) {
		plain_say(p, "! %zu %s", i + 1,
		    cause != NULL && *cause != '\0' ? cause : "refused");
		free(cause);
	}
out:
	free(typed);
	free(line);
	return PLAIN_GO;
}

/* Whether a host's step is one the operator must answer for. */
static bool
plain_host_stuck(const struct step *st)
{
	return st->state == STEP_FAILED || st->state == STEP_IN_DOUBT;
}

/* A roll (or a step on several hosts) stopped at step i, a host's
 * failed beyond max-fail or in doubt: every host of its batch (of its
 * step's hosts) that is so, listed, then asked about in turn, each
 * until it is answered for (retried, skipped, done by hand, or settled
 * within max-fail), with the answers the act table allows for that
 * host's step. */
static enum plain_next
plain_hosts_round(struct plain *p, size_t i)
{
	const struct steps	*ss = session_steps(p->s), *now;
	const struct step	*st = &ss->v[i], *o;
	struct buf		 b;
	size_t			*stuck, n = 0, end, j, k;
	enum plain_next		 next = PLAIN_GO;

	end = steps_batch_end(ss, i);
	stuck = xcalloc(end - st->group, sizeof *stuck);
	buf_init(&b);
	for (j = st->group; j < end; j++) {
		o = &ss->v[j];
		if (o->host == NULL || (st->roll != NULL &&
		    o->batch != st->batch) || !plain_host_stuck(o))
			continue;
		buf_printf(&b, "%s%s (%zu %s)", n > 0 ? ", " : "", o->host,
		    j + 1, o->state == STEP_FAILED ? "failed" : "in doubt");
		stuck[n++] = j;
	}
	if (st->roll != NULL)
		plain_say(p, "! roll %s stopped in batch %u of %u: %zu host%s "
		    "to answer for, one at a time: %s", st->roll->id,
		    st->batch, st->batches, n, n == 1 ? "" : "s", b.data);
	else
		plain_say(p, "! step %s stopped: %zu host%s to answer for, "
		    "one at a time: %s", st->rb != NULL ? st->rb->id : st->key,
		    n, n == 1 ? "" : "s", b.data);
	buf_free(&b);
	for (k = 0; k < n && next == PLAIN_GO; k++) {
		for (;;) {
			/* A rollback begun lays out other steps. */
			if ((now = session_steps(p->s)) != ss)
				goto out;
			o = &now->v[stuck[k]];
			if (!plain_host_stuck(o))
				break;
			plain_header(p, stuck[k]);
			if (o->state == STEP_IN_DOUBT)
				plain_log_end(p, stuck[k]);
			next = plain_step_prompt(p, stuck[k],
			    o->state == STEP_FAILED ? "it failed" :
			    "its outcome is unknown (it was running when "
			    "stepup stopped)");
			if (next != PLAIN_GO || plain_signal != 0)
				goto out;
		}
	}
out:
	free(stuck);
	return next;
}

/* Step i is held by its paused roll: each host of the batch the roll is
 * paused after that was left out within max-fail and may be retried,
 * listed, then asked about in turn (retry takes it back, continue lets
 * the roll go on without it) while the roll stays paused there. False,
 * asking nothing, when there is none; else *next. */
static bool
plain_paused_round(struct plain *p, size_t i, enum plain_next *next)
{
	const struct steps	*ss = session_steps(p->s);
	const struct step	*st = &ss->v[i], *o;
	struct buf		 b;
	size_t			*left, n = 0, j, k;
	unsigned		 after;

	if (!steps_roll_held(ss, i, &after))
		return false;
	left = xcalloc(i - st->group, sizeof *left);
	buf_init(&b);
	for (j = st->group; j < i; j++) {
		o = &ss->v[j];
		if (o->batch != after || o->state != STEP_TOLERATED ||
		    !session_can(p->s, j, SESSION_ACT_RETRY, NULL))
			continue;
		buf_printf(&b, "%s%s (%zu)", n > 0 ? ", " : "", o->host, j + 1);
		left[n++] = j;
	}
	if (n == 0) {
		buf_free(&b);
		free(left);
		return false;
	}
	plain_say(p, "! roll %s is paused after batch %u of %u: %zu host%s "
	    "left out within max-fail, one at a time: %s", st->roll->id, after,
	    st->batches, n, n == 1 ? "" : "s", b.data);
	buf_free(&b);
	*next = PLAIN_GO;
	for (k = 0; k < n && *next == PLAIN_GO; k++) {
		for (;;) {
			if (session_steps(p->s) != ss)
				goto out;
			o = &ss->v[left[k]];
			if (o->state != STEP_TOLERATED ||
			    steps_roll_paused(ss, i) != after)
				break;
			plain_header(p, left[k]);
			*next = plain_step_prompt(p, left[k], "it failed within "
			    "max-fail: retry takes the host back, continue goes "
			    "on without it");
			if (*next != PLAIN_GO || plain_signal != 0)
				goto out;
		}
	}
out:
	free(left);
	return true;
}

/* One turn at the current step i. */
static enum plain_next
plain_turn(struct plain *p, size_t i)
{
	const struct step	*st = &session_steps(p->s)->v[i];
	char			*path = NULL, *cause = NULL, *q;
	enum plain_next		 next;
	bool			 fan = st->forks_n > 1 &&
				     st->state == STEP_READY &&
				     st->kind != RB_READ && st->kind != RB_CONFIRM &&
				     st->kind != RB_MANUAL && session_auto(p->s, i);

	/* The hosts of a step with forks that start by themselves get
	 * their group's heading (plain_fan_follow). */
	if (!fan)
		plain_header(p, i);
	switch (st->state) {
	case STEP_READY:
		switch (st->kind) {
		case RB_READ:
			if (!st->end_shown) {
				if (session_document(p->s, i, &path,
				    &cause) != 0 ||
				    plain_file(p, path, &cause) != 0 ||
				    session_end_shown(p->s, i, &cause) != 0) {
					plain_say(p, "! %zu %s", i + 1, cause);
					free(cause);
					free(path);
					if (st->state == STEP_FAILED)
						return PLAIN_GO;
					return plain_step_prompt(p, i,
					    "the document cannot be shown");
				}
				free(path);
				plain_say(p, "  (end of the document)");
			}
			return plain_step_prompt(p, i, "acknowledge you have "
			    "read it to its end");
		case RB_CONFIRM: {
			const struct steps *ss = session_steps(p->s);
			size_t until, n = session_chain(p->s, i, &until);

			if (until < ss->n)
				plain_say(p, "  then: %zu command%s without "
				    "asking, until step %zu (%s: %s)", n,
				    n == 1 ? "" : "s", until + 1,
				    rb_kind_name(ss->v[until].kind),
				    ss->v[until].title);
			else
				plain_say(p, "  then: %zu command%s without "
				    "asking, to the end", n, n == 1 ? "" : "s");
		}
			q = xasprintf("type \"%s\" to go on", st->phrase != NULL ?
			    st->phrase : "");
			next = plain_step_prompt(p, i, q);
			free(q);
			return next;
		case RB_MANUAL:
			return plain_step_prompt(p, i, "tick it off when done");
		default:
			if (plain_paused_round(p, i, &next))
				return next;
			if (session_auto(p->s, i)) {
				if (session_act(p->s, i, SESSION_ACT_START,
				    NULL, &cause) != 0) {
					plain_header(p, i);
					plain_say(p, "! %zu %s", i + 1, cause);
					free(cause);
					return plain_step_prompt(p, i,
					    "it could not start");
				}
				return plain_follow(p, false) == 0 ? PLAIN_GO :
				    PLAIN_PAUSE;
			}
			q = session_describe(p->s, i);
			plain_text(p, "  ", q);
			free(q);
			return plain_step_prompt(p, i, "run it?");
		}
	case STEP_FAILED:
		if (st->host != NULL && st->group != SIZE_MAX)
			return plain_hosts_round(p, i);
		return plain_step_prompt(p, i, "it failed");
	case STEP_IN_DOUBT:
		if (st->host == NULL) {
			plain_log_end(p, i);
			return plain_step_prompt(p, i, "its outcome is unknown "
			    "(it was running when stepup stopped)");
		}
		/* A host's: what it or ssh said, asked again on resume. */
		if (st->reason != NULL)
			plain_text(p, "  why: ", st->reason);
		if (st->group != SIZE_MAX)
			return plain_hosts_round(p, i);
		plain_log_end(p, i);
		q = xasprintf("its outcome is unknown (%s has not said how it "
		    "ended)", st->host);
		next = plain_step_prompt(p, i, q);
		free(q);
		return next;
	default:
		plain_say(p, "! %zu is %s", i + 1, step_state_words(st->state));
		return PLAIN_ERROR;
	}
}

/* The other target, back to the start of the failed hop, when there is
 * one: what it undoes, its artifacts checked too (its phrase, typed at
 * the confirmation, chooses it). 0, or -1 when it was refused. */
static int
plain_rollback_other(struct plain *p)
{
	struct steps		*alt = NULL;
	struct rollback_model	*m;
	char			*text, *cause = NULL;
	int			 r = 0;

	if (session_rollback_alternative(p->s, &alt, &cause) != 0) {
		plain_say(p, "! %s", cause);
		free(cause);
		return -1;
	}
	if (alt == NULL)
		return 0;
	m = rollback_model_new(session_steps(p->s), alt);
	plain_say(p, "== rollback: or only hop %d of %zu, back to %s: what "
	    "will be undone", alt->rollback_hop + 1, alt->plan->n_hops,
	    alt->rollback_to);
	text = rollback_describe(m, (long long)time(NULL));
	plain_text(p, "  ", text);
	free(text);
	if (rollback_verify(m, &cause) != 0) {
		plain_text(p, "! ", cause);
		free(cause);
		r = -1;
	}
	rollback_model_free(m);
	steps_free(alt);
	return r;
}

/* Roll back: show what will be undone and the artifacts it relies on,
 * check them, and only then begin the rollback run (whose first step is
 * the typed confirmation). Returns 0 when it began, -1 when it was
 * refused (said on the output). */
static int
plain_rollback_begin(struct plain *p)
{
	struct steps		*preview = NULL;
	struct rollback_model	*m;
	char			*text, *cause = NULL;
	int			 r = -1;

	if (session_rollback_preview(p->s, &preview, &cause) != 0) {
		plain_say(p, "! %s", cause);
		free(cause);
		return -1;
	}
	m = rollback_model_new(session_steps(p->s), preview);
	if (m->n_entries == 0) {
		plain_say(p, "! nothing to roll back: no action of run %s "
		    "passed, and the runbook has no rollback steps",
		    session_run_id(p->s));
		goto out;
	}
	plain_say(p, "== rollback: what will be undone");
	text = rollback_describe(m, (long long)time(NULL));
	plain_text(p, "  ", text);
	free(text);
	if (rollback_verify(m, &cause) != 0) {
		plain_text(p, "! ", cause);
		free(cause);
		goto out;
	}
	if (m->n_artifacts > 0)
		plain_say(p, "== rollback: %zu artifact%s checked: there, same "
		    "sha256", m->n_artifacts, m->n_artifacts == 1 ? "" : "s");
	if (plain_rollback_other(p) != 0)
		goto out;
	if (session_rollback(p->s, &cause) != EXIT_DONE) {
		plain_say(p, "! %s", cause);
		free(cause);
		goto out;
	}
	p->shown = 0;
	p->rollback = true;
	plain_say(p, "== rollback: run %s, %zu steps", session_run_id(p->s),
	    session_steps(p->s)->n);
	r = 0;
out:
	rollback_model_free(m);
	steps_free(preview);
	return r;
}

/* The end of a rollback run: the installed version probed again, and
 * what state things are in. Returns EXIT_DONE when the old version is
 * back, else EXIT_FAILED. */
static int
plain_rollback_end(struct plain *p)
{
	struct rollback_model	*m;
	const struct steps	*up = session_upgrade_steps(p->s);
	char			*installed = NULL, *cause = NULL, *text;
	int			 rv;

	if (up == NULL)
		return EXIT_FAILED;
	m = rollback_model_new(up, session_steps(p->s));
	if (session_probe_installed(p->s, &installed, &cause) != 0) {
		plain_say(p, "! cannot check the installed version: %s", cause);
		free(cause);
	}
	plain_say(p, "== rollback summary");
	text = rollback_summary(m, session_steps(p->s), installed);
	plain_text(p, "  ", text);
	free(text);
	rv = installed != NULL && m->restore != NULL &&
	    strcmp(installed, m->restore) == 0 ? EXIT_DONE : EXIT_FAILED;
	free(installed);
	rollback_model_free(m);
	return rv;
}

static int
plain_pause(struct plain *p, const char *why)
{
	char	*cause = NULL, *cmd;

	if (session_pause(p->s, &cause) != 0) {
		plain_say(p, "! cannot record the pause: %s", cause);
		free(cause);
	}
	cmd = session_resume_command(p->s, true);
	plain_say(p, "= paused (%s): run %s is unfinished; to resume it: %s",
	    why, session_run_id(p->s) != NULL ? session_run_id(p->s) : "?",
	    cmd);
	free(cmd);
	return EXIT_FAILED;
}

/* Ask the runbook's questions that still need an answer. */
static int
plain_questions(struct plain *p)
{
	const struct rb_var	*v;
	char			*line, *cause = NULL, *def = NULL;
	size_t			 i;
	int			 r;

	while ((v = session_question(p->s, 0)) != NULL) {
		escape_printf(p->out, "? var %s: %s", v->name, v->ask);
		if (!v->secret && (def = session_var_default(p->s, v)) != NULL)
			escape_printf(p->out, " (default: %s)", def);
		free(def);
		def = NULL;
		if (v->n_choices > 0) {
			fputs(" [", p->out);
			for (i = 0; i < v->n_choices; i++)
				escape_printf(p->out, "%s%s", i > 0 ? ", " : "",
				    v->choices[i]);
			fputc(']', p->out);
		}
		if (v->secret)
			fputs(" (secret: not shown, not journaled)", p->out);
		fputc('\n', p->out);
		fflush(p->out);
		r = v->secret ? plain_read_secret(p, &line) : plain_read(p, &line);
		if (r <= 0)
			return -1;
		if (session_answer(p->s, v->name, line, &cause) != 0) {
			plain_say(p, "! %s", cause);
			free(cause);
		}
		free(line);
	}
	return 0;
}

/* The conditional policy that applied (plan_policy_conds), a line each. */
static void
plain_conds(struct plain *p)
{
	struct plan_conds	pc;
	size_t			i;

	if (session_policy(p->s) == NULL)
		return;
	plan_policy_conds(session_policy(p->s), &pc);
	for (i = 0; i < pc.n; i++)
		plain_say(p, "== conditional policy: %s: %s, since %s",
		    pc.v[i].rule, pc.v[i].value, pc.v[i].since);
	plan_conds_free(&pc);
}

static void
plain_plan(struct plain *p)
{
	const struct plan	*pl = session_get_plan(p->s);
	size_t			 h;

	char			*hosts;

	plain_say(p, "== plan: %s -> %s, %zu hop%s", pl->from, pl->to,
	    pl->n_hops, pl->n_hops == 1 ? "" : "s");
	plain_conds(p);
	if ((hosts = session_hosts(p->s)) != NULL) {
		plain_say(p, "== hosts: %s", hosts);
		free(hosts);
	}
	for (h = 0; h < pl->n_hops; h++) {
		escape_printf(p->out, "==   hop %zu: %s -> %s (%s)", h + 1,
		    pl->hops[h].from, pl->hops[h].to, pl->hops[h].kind != NULL ?
		    pl->hops[h].kind : "?");
		if (pl->hops[h].reason != NULL)
			escape_printf(p->out, ": %s", pl->hops[h].reason);
		fputc('\n', p->out);
	}
	fflush(p->out);
}

/* Left before the unfinished run was resumed: it is as it was. */
static void
plain_left(struct plain *p, const char *what, const char *id)
{
	char	*cmd = session_resume_command(p->s, true);

	plain_say(p, "%s: run %s is still unfinished; to resume it: %s", what,
	    id, cmd);
	free(cmd);
}

/* Resume or abandon the unfinished run. Returns 1 resumed, 0 abandoned
 * (a new run may begin), or an exit status + 2 to stop with. */
static int
plain_unfinished(struct plain *p, const struct session_run_info *u)
{
	char		*line, *word, *rest, *cause = NULL, when[64];
	int		 r;

	utc_format(when, sizeof when, u->started, "%Y-%m-%d %H:%M:%S UTC");
	plain_say(p, "== unfinished: run %s, %s -> %s, begun %s by %s on %s%s%s",
	    u->id, u->from, u->to, when, u->operator, u->host,
	    u->step != NULL ? ", at step " : "", u->step != NULL ? u->step : "");
	if (u->runbook_changed)
		plain_say(p, "! the runbook changed since run %s began (its "
		    "sha256 differs): check what changed before resuming",
		    u->id);
	if (u->inventory_note != NULL)
		plain_say(p, "! %s", u->inventory_note);
	for (;;) {
		plain_say(p, "? resume: resume run %s? [resume, abandon REASON, "
		    "quit]", u->id);
		if (plain_read(p, &line) <= 0) {
			plain_left(p, "= paused (end of input)", u->id);
			return EXIT_FAILED + 2;
		}
		word = plain_split(line, &rest);
		if (strcmp(word, "quit") == 0) {
			free(line);
			plain_left(p, "= paused", u->id);
			return EXIT_FAILED + 2;
		}
		if (strcmp(word, "abandon") == 0) {
			if (session_abandon(p->s, rest, &cause) == 0) {
				free(line);
				plain_say(p, "= abandoned: a new run begins");
				return 0;
			}
			plain_say(p, "! %s", cause);
			free(cause);
			free(line);
			continue;
		}
		if (strcmp(word, "resume") != 0) {
			plain_say(p, "! unknown answer \"%s\"", word);
			free(line);
			continue;
		}
		free(line);
		if (plain_questions(p) != 0)
			return EXIT_FAILED + 2;
		if ((r = session_resume(p->s, &cause)) != EXIT_DONE) {
			plain_say(p, "! %s", cause);
			free(cause);
			return r + 2;
		}
		plain_say(p, "= resumed run %s", session_run_id(p->s));
		plain_away(p);
		return 1;
	}
}

/* Walk the steps of a begun run to its end, a pause or an error.
 * rollback_cmd: stepup rollback, whose success is the old version back. */
static int
plain_loop(struct plain *p, bool rollback_cmd)
{
	const struct runbook	*rb = session_runbook(p->s);
	const struct steps	*ss;
	size_t			 i;
	int			 rv = EXIT_FAILED;

	if (session_running(p->s) != NULL && plain_follow(p, true) != 0) {
		rv = plain_pause(p, "signal");
		return rv;
	}
	for (;;) {
		ss = session_steps(p->s);
		if (session_status(p->s) == SESSION_DONE) {
			plain_say(p, "= done: %s %s, run %s", rb->product,
			    ss->rollback ? "rolled back" : "upgraded",
			    session_run_id(p->s));
			rv = ss->rollback ? plain_rollback_end(p) : EXIT_DONE;
			/* An upgrade rolled back has failed all the same. */
			if (ss->rollback && !rollback_cmd)
				rv = EXIT_FAILED;
			break;
		}
		if (plain_signal != 0) {
			rv = plain_pause(p, "signal");
			break;
		}
		i = session_current(p->s);
		if (i >= ss->n) {
			plain_say(p, "! the run is over but not recorded as "
			    "done");
			rv = plain_pause(p, "an error");
			break;
		}
		switch (plain_turn(p, i)) {
		case PLAIN_GO:
			continue;
		case PLAIN_PAUSE:
			rv = plain_pause(p, plain_signal != 0 ? "signal" :
			    p->eof ? "end of input" : "quit");
			return rv;
		case PLAIN_ERROR:
			/* Left all the same: paused, with how to go on. */
			rv = plain_pause(p, "an error");
			return rv;
		}
	}
	return rv;
}

int
plain_run(struct session *s, FILE *in, FILE *out)
{
	struct plain				 p;
	const struct runbook			*rb = session_runbook(s);
	const struct session_run_info		*u;
	const struct steps			*ss;
	const struct plan_refusal		*ref;
	char					*cause = NULL, *line, *d;
	size_t					 i;
	int					 r, rv = EXIT_FAILED;
	bool					 resumed = false, asked;

	memset(&p, 0, sizeof p);
	p.s = s;
	p.in = fileno(in);
	p.out = out;
	buf_init(&p.inbuf);
	plain_signal = 0;
	plain_signals();

	plain_say(&p, "== stepup %s: %s (%s)", PACKAGE_VERSION, rb->path,
	    rb->product);
	if ((u = session_unfinished(s)) != NULL) {
		r = plain_unfinished(&p, u);
		if (r >= 2) {
			rv = r - 2;
			goto out;
		}
		resumed = r == 1;
	}
	if (!resumed) {
		asked = session_needs_from(s);
ask_from:
		if (asked) {
			plain_say(&p, "? from: %s", rb->versions.installed.ask);
			if (plain_read(&p, &line) <= 0)
				goto out;
			r = session_set_from(s, line, &cause);
			free(line);
			if (r != 0) {
				plain_say(&p, "! %s", cause);
				free(cause);
				goto ask_from;
			}
		}
		/* The policy depends on an answer: ask first. */
		if (session_plan_asks(s) && plain_questions(&p) != 0) {
			plain_say(&p, "= stopped (end of input) before the run "
			    "began: nothing was done");
			rv = EXIT_FAILED;
			goto out;
		}
		if ((r = session_plan(s, &cause)) != EXIT_DONE) {
			ref = session_refusal(s);
			if (ref != NULL) {
				plain_say(&p, "! refused (%s): %s", ref->rule,
				    ref->message);
				if (ref->nearest != NULL)
					plain_say(&p, "! the nearest allowed "
					    "target is %s", ref->nearest);
				plain_conds(&p);
			} else
				plain_say(&p, "! %s", cause);
			free(cause);
			cause = NULL;
			/* A mistyped answer is asked again. */
			if (asked && ref != NULL && (strcmp(ref->rule,
			    "invalid-version") == 0 || strcmp(ref->rule,
			    "not-in-catalog") == 0))
				goto ask_from;
			rv = r;
			goto out;
		}
		plain_plan(&p);
		if (session_get_plan(s)->n_hops == 0) {
			plain_say(&p, "= nothing to do: %s is installed",
			    session_get_plan(s)->from);
			rv = EXIT_DONE;
			goto out;
		}
		if (plain_questions(&p) != 0) {
			plain_say(&p, "= stopped (end of input) before the run "
			    "began: nothing was done");
			goto out;
		}
		if ((r = session_begin(s, &cause)) != EXIT_DONE) {
			plain_say(&p, "! %s", cause);
			free(cause);
			rv = r;
			goto out;
		}
		plain_say(&p, "== run %s%s, %zu steps", session_run_id(s),
		    session_dry_run(s) ? " (dry run: nothing is executed)" : "",
		    session_steps(s)->n);
	} else
		plain_plan(&p);

	if (session_dry_run(s)) {
		ss = session_steps(s);
		for (i = 0; i < ss->n; i++) {
			plain_say(&p, "[%zu/%zu] %s: %s", i + 1, ss->n,
			    rb_kind_name(ss->v[i].kind), ss->v[i].title);
			d = session_describe(s, i);
			plain_text(&p, "  ", d);
			free(d);
		}
		plain_say(&p, "= dry run: nothing was executed (run %s)",
		    session_run_id(s));
		rv = EXIT_DONE;
		goto out;
	}

	rv = plain_loop(&p, false);
out:
	buf_free(&p.inbuf);
	return rv;
}

/* Plain mode for stepup rollback: show, check, confirm, undo, verify. */
int
plain_rollback(struct session *s, FILE *in, FILE *out)
{
	struct plain			 p;
	const struct runbook		*rb = session_runbook(s);
	const struct session_run_info	*u = session_unfinished(s);
	char				*cause = NULL, *id = NULL;
	int				 r, rv = EXIT_FAILED;

	memset(&p, 0, sizeof p);
	p.s = s;
	p.in = fileno(in);
	p.out = out;
	buf_init(&p.inbuf);
	plain_signal = 0;
	plain_signals();

	plain_say(&p, "== stepup %s: %s (%s): rollback", PACKAGE_VERSION,
	    rb->path, rb->product);
	if (u == NULL) {
		plain_say(&p, "! there is no run of %s to roll back", rb->path);
		rv = EXIT_USAGE;
		goto out;
	}
	id = xstrdup(u->id);
	plain_say(&p, "== run %s, %s -> %s, begun by %s on %s%s%s", u->id,
	    u->from, u->to, u->operator, u->host, u->step != NULL ?
	    ", at step " : "", u->step != NULL ? u->step : "");
	if (u->runbook_changed)
		plain_say(&p, "! the runbook changed since run %s began (its "
		    "sha256 differs): check what changed before going on",
		    u->id);
	if (u->inventory_note != NULL)
		plain_say(&p, "! %s", u->inventory_note);
	if (plain_questions(&p) != 0) {
		plain_say(&p, "= stopped (end of input): nothing was done");
		goto out;
	}
	if ((r = session_resume(s, &cause)) != EXIT_DONE) {
		plain_say(&p, "! %s", cause);
		free(cause);
		rv = r;
		goto out;
	}
	/* A command of the upgrade still running is followed to its end
	 * first: nothing is undone under it. */
	if (session_running(s) != NULL && plain_follow(&p, true) != 0) {
		rv = plain_pause(&p, "signal");
		goto out;
	}
	if (!session_steps(s)->rollback) {
		if (plain_rollback_begin(&p) != 0) {
			if (session_status(s) == SESSION_RUNNING)
				rv = plain_pause(&p, "the rollback did not "
				    "begin");
			else
				plain_say(&p, "= stopped: nothing was rolled "
				    "back; run %s is as it was", id);
			goto out;
		}
	} else {
		plain_say(&p, "= resumed rollback run %s", session_run_id(s));
		plain_away(&p);
	}
	rv = plain_loop(&p, true);
out:
	free(id);
	buf_free(&p.inbuf);
	return rv;
}
