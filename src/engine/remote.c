/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* remote.c: the remote command line and the transports' argument vectors
 * (see remote.h): one quoting function, every value through it. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "remote.h"
#include "runbook.h"
#include "spawn.h"
#include "util.h"

/* Seconds given to one `ssh -O exit`. */
#define REMOTE_CLOSE_TIMEOUT	10
/* How many `ssh -O exit` run side by side: one after the other, 100
 * hosts cost 100 ssh starts end to end at the end of every run. */
#define REMOTE_CLOSE_AT_ONCE	32
/* How often the closes running are looked at, milliseconds. */
#define REMOTE_CLOSE_POLL	5

/* One `ssh -O exit` running, with its timeout. */
struct close_child {
	pid_t			pid;
	struct spawn_timer	timer;
};

/* Reap the closes that ended and send what their timers say is due;
 * returns how many still run (the rest of v[] keeps them). */
static size_t
close_sweep(struct close_child *v, size_t n)
{
	size_t		i = 0;
	int		wstatus;
	pid_t		r;

	while (i < n) {
		r = waitpid(v[i].pid, &wstatus, WNOHANG);
		if (r == v[i].pid || (r == -1 && errno != EINTR)) {
			v[i] = v[--n];
			continue;
		}
		(void)spawn_timer_tick(&v[i].timer);
		i++;
	}
	return n;
}

/* Wait until fewer than max closes run. */
static size_t
close_wait(struct close_child *v, size_t n, size_t max)
{
	struct timespec	ts = { 0, REMOTE_CLOSE_POLL * 1000000L };

	while ((n = close_sweep(v, n)) >= max && n > 0)
		(void)nanosleep(&ts, NULL);
	return n;
}

int
remote_quote(struct buf *out, const char *s, size_t n, char **cause)
{
	const char	*p, *q, *end = s + n;

	if (memchr(s, '\0', n) != NULL) {
		*cause = xasprintf("a NUL byte (at offset %zu) cannot reach a "
		    "remote command", (size_t)((const char *)memchr(s, '\0',
		    n) - s));
		return -1;
	}
	buf_putc(out, '\'');
	for (p = s; p < end; p = q + 1) {
		if ((q = memchr(p, '\'', (size_t)(end - p))) == NULL) {
			buf_add(out, p, (size_t)(end - p));
			break;
		}
		buf_add(out, p, (size_t)(q - p));
		buf_puts(out, "'\\''");
	}
	buf_putc(out, '\'');
	return 0;
}

char *
remote_quoted(const char *s)
{
	struct buf	 b;
	char		*cause;

	buf_init(&b);
	if (remote_quote(&b, s, strlen(s), &cause) != 0)
		fatal(EXIT_FAILED, "%s", cause);	/* cannot be */
	return buf_take(&b);
}

bool
remote_name_valid(const char *name)
{
	const char	*p;

	if (!(isascii((unsigned char)*name) &&
	    (isalpha((unsigned char)*name) || *name == '_')))
		return false;
	for (p = name + 1; *p != '\0'; p++) {
		if (!(isascii((unsigned char)*p) &&
		    (isalnum((unsigned char)*p) || *p == '_')))
			return false;
	}
	return true;
}

int
remote_command(const char *text, char *const *env, char **line,
    char **cause)
{
	struct buf	 b;
	const char	*eq;
	char		*name;
	size_t		 i;

	*line = NULL;
	buf_init(&b);
	buf_puts(&b, "env");
	for (i = 0; env != NULL && env[i] != NULL; i++) {
		if ((eq = strchr(env[i], '=')) == NULL) {
			*cause = xasprintf("the environment entry '%s' has no "
			    "'='", env[i]);
			buf_free(&b);
			return -1;
		}
		name = xstrndup(env[i], (size_t)(eq - env[i]));
		if (!remote_name_valid(name)) {
			*cause = xasprintf("'%s' cannot be a variable's name "
			    "for the remote shell ([A-Za-z_][A-Za-z0-9_]*)",
			    name);
			free(name);
			buf_free(&b);
			return -1;
		}
		buf_printf(&b, " %s=", name);
		free(name);
		(void)remote_quote(&b, eq + 1, strlen(eq + 1), cause);
	}
	buf_puts(&b, " sh -c -- ");
	(void)remote_quote(&b, text, strlen(text), cause);
	*line = buf_take(&b);
	return 0;
}

/* Why host cannot be given to a transport, or NULL. */
static const char *
host_refused(const char *host)
{
	const char	*p;

	if (*host == '\0')
		return "an empty host name";
	if (*host == '-')
		return "a host name starting with '-' (ssh would read it as "
		    "an option)";
	for (p = host; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return "a host name with a blank or a control character";
	}
	return NULL;
}

/* A growable argument vector. */
struct argv_b {
	char	**v;
	size_t	  n;
};

static void
argv_add(struct argv_b *a, char *s)
{
	a->v = xreallocarray(a->v, a->n + 2, sizeof *a->v);
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

void
remote_argv_free(char **argv)
{
	size_t	i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

const char *
remote_control_dir_refused(const char *dir)
{
	const char	*p;

	if (*dir != '/')
		return "it is not an absolute path";
	if (strlen(dir) > REMOTE_MAX_CONTROL_DIR)
		return "it is longer than 48 bytes (a socket's path is at "
		    "most 107)";
	for (p = dir; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '"' ||
		    *p == '\'' || *p == '\\' || *p == '%')
			return "ssh reads blanks, quotes, '\\' and '%' in it "
			    "as its own";
	}
	return NULL;
}

void
remote_ssh_init(struct remote_ssh *rs, enum remote_use use)
{
	memset(rs, 0, sizeof *rs);
	rs->connect_timeout = use == REMOTE_USE_ASK ? REMOTE_ASK_TIMEOUT :
	    REMOTE_CONNECT_TIMEOUT;
	rs->alive_interval = REMOTE_ALIVE_INTERVAL;
	rs->alive_count = REMOTE_ALIVE_COUNT;
}

/* The options every ssh of ours starts with. */
static int
ssh_start(const struct remote_ssh *rs, struct argv_b *a, char **cause)
{
	const char	*why;

	if (rs->control_dir != NULL &&
	    (why = remote_control_dir_refused(rs->control_dir)) != NULL) {
		*cause = xasprintf("cannot keep ssh connections in %s: %s",
		    rs->control_dir, why);
		return -1;
	}
	argv_add(a, xstrdup(rs->ssh != NULL ? rs->ssh : "ssh"));
	if (rs->config != NULL) {
		argv_add(a, xstrdup("-F"));
		argv_add(a, xstrdup(rs->config));
	}
	argv_add(a, xstrdup("-o"));
	argv_add(a, xstrdup("BatchMode=yes"));
	if (rs->control_dir != NULL) {
		argv_add(a, xstrdup("-o"));
		argv_add(a, xstrdup("ControlMaster=auto"));
		argv_add(a, xstrdup("-o"));
		argv_add(a, xasprintf("ControlPath=%s/%%C", rs->control_dir));
		argv_add(a, xstrdup("-o"));
		argv_add(a, xasprintf("ControlPersist=%d", REMOTE_PERSIST));
	}
	if (rs->connect_timeout != 0) {
		argv_add(a, xstrdup("-o"));
		argv_add(a, xasprintf("ConnectTimeout=%u",
		    rs->connect_timeout));
	}
	if (rs->alive_interval != 0) {
		argv_add(a, xstrdup("-o"));
		argv_add(a, xasprintf("ServerAliveInterval=%u",
		    rs->alive_interval));
		argv_add(a, xstrdup("-o"));
		argv_add(a, xasprintf("ServerAliveCountMax=%u",
		    rs->alive_count));
	}
	return 0;
}

int
remote_ssh_argv(const struct remote_ssh *rs, const char *host,
    const char *line, char ***argv, char **cause)
{
	struct argv_b	 a = { NULL, 0 };
	const char	*why;

	*argv = NULL;
	if ((why = host_refused(host)) != NULL) {
		*cause = xasprintf("cannot reach '%s' through ssh: %s", host,
		    why);
		return -1;
	}
	if (ssh_start(rs, &a, cause) != 0) {
		remote_argv_free(a.v);
		return -1;
	}
	argv_add(&a, xstrdup(host));
	argv_add(&a, xstrdup(line));
	*argv = a.v;
	return 0;
}

/* Whether path is a socket nothing listens on. */
static bool
socket_stale(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd, rc;

	if (strlen(path) >= sizeof sun.sun_path)
		return false;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return false;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	rc = connect(fd, (struct sockaddr *)&sun, sizeof sun);
	close(fd);
	return rc == -1 && errno == ECONNREFUSED;
}

int
remote_ssh_close(const struct remote_ssh *rs, const char *const *hosts,
    size_t nhosts, char **cause)
{
	struct spawn_spec	 spec;
	struct close_child	*kids;
	struct argv_b		 a;
	DIR			*d;
	struct dirent		*de;
	struct stat		 st;
	char			*path, *ignored;
	size_t			 i, nkids = 0;
	int			 open_left = 0;

	if (rs->control_dir == NULL)
		return 0;
	kids = xcalloc(REMOTE_CLOSE_AT_ONCE, sizeof *kids);
	for (i = 0; i < nhosts; i++) {
		if (host_refused(hosts[i]) != NULL)
			continue;
		a.v = NULL;
		a.n = 0;
		if (ssh_start(rs, &a, cause) != 0) {
			(void)close_wait(kids, nkids, 1);
			free(kids);
			return -1;
		}
		argv_add(&a, xstrdup("-O"));
		argv_add(&a, xstrdup("exit"));
		argv_add(&a, xstrdup(hosts[i]));
		memset(&spec, 0, sizeof spec);
		spec.argv = a.v;
		spec.io[0] = spec.io[1] = spec.io[2] = SPAWN_NULL;
		spec.group = SPAWN_NEW_GROUP;
		spec.quiet = true;
		nkids = close_wait(kids, nkids, REMOTE_CLOSE_AT_ONCE);
		/* No master for that host is no error, nor one that cannot
		 * be asked: the scan below tells what is left. */
		if (spawn_start(&spec, &kids[nkids].pid, &ignored) != 0)
			free(ignored);
		else {
			spawn_timer_init(&kids[nkids].timer, kids[nkids].pid,
			    REMOTE_CLOSE_TIMEOUT, 1, -1);
			nkids++;
		}
		remote_argv_free(a.v);
	}
	(void)close_wait(kids, nkids, 1);
	free(kids);
	if ((d = opendir(rs->control_dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		*cause = xasprintf("cannot read %s: %s", rs->control_dir,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", rs->control_dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
			if (socket_stale(path))
				(void)unlink(path);
			else
				open_left++;
		}
		free(path);
	}
	closedir(d);
	return open_left;
}

int
remote_transport_argv(char *const *tmpl, const char *host, char ***argv,
    char **cause)
{
	struct argv_b	 a = { NULL, 0 };
	const char	*why;
	size_t		 i, placed = 0;

	*argv = NULL;
	if ((why = host_refused(host)) != NULL) {
		*cause = xasprintf("cannot reach '%s': %s", host, why);
		return -1;
	}
	for (i = 0; tmpl != NULL && tmpl[i] != NULL; i++) {
		if (strcmp(tmpl[i], RB_TRANSPORT_HOST) == 0) {
			argv_add(&a, xstrdup(host));
			placed++;
		} else if (strstr(tmpl[i], RB_TRANSPORT_HOST) != NULL) {
			*cause = xasprintf("the transport's argument '%s': "
			    "%s is an argument of its own, never part of one",
			    tmpl[i], RB_TRANSPORT_HOST);
			remote_argv_free(a.v);
			return -1;
		} else
			argv_add(&a, xstrdup(tmpl[i]));
	}
	if (placed != 1 || strcmp(tmpl[0], RB_TRANSPORT_HOST) == 0) {
		*cause = xasprintf(placed == 0 ? "the transport has no %s "
		    "argument" : placed > 1 ? "the transport has %s more than "
		    "once" : "the transport starts with %s, not a program",
		    RB_TRANSPORT_HOST);
		remote_argv_free(a.v);
		return -1;
	}
	*argv = a.v;
	return 0;
}

/* Check an attempt's name and quote STATE_DIR/ATTEMPT into b. */
static int
attempt_dir(struct buf *b, const char *state_dir, const char *attempt,
    char **cause)
{
	const char	*p;
	char		*dir;

	if (*attempt == '\0' || *attempt == '.') {
		*cause = xasprintf("'%s' cannot name an attempt", attempt);
		return -1;
	}
	for (p = attempt; *p != '\0'; p++) {
		if (!(isascii((unsigned char)*p) && (isalnum((unsigned char)*p)
		    || *p == '_' || *p == '.' || *p == '-'))) {
			*cause = xasprintf("'%s' cannot name an attempt "
			    "([A-Za-z0-9_.-])", attempt);
			return -1;
		}
	}
	if (*state_dir == '\0') {
		*cause = xasprintf("an empty remote state directory");
		return -1;
	}
	dir = xasprintf("%s/%s", state_dir, attempt);
	buf_puts(b, "d=");
	(void)remote_quote(b, dir, strlen(dir), cause);
	buf_puts(b, "\ncase $d in /*) ;; *) d=$HOME/$d ;; esac\n");
	free(dir);
	return 0;
}

/* The runner: the command, then its status through a rename. $1 is the
 * attempt's directory. The runner ignores SIGTERM and its command does
 * not, so that remote_stop_script() stopping the attempt's group stops
 * the command and its status is still written. */
static const char remote_runner[] =
    "d=$1; shift\n"
    "trap '' TERM\n"
    "( trap - TERM; exec \"$@\" )\n"
    "s=$?\n"
    "printf '%s\\n' \"$s\" >\"$d/status.tmp\" && "
    "mv -f \"$d/status.tmp\" \"$d/status\"\n";

int
remote_detach_script(const char *state_dir, const char *attempt,
    const char *line, bool wait, char **script, char **cause)
{
	struct buf	b;

	*script = NULL;
	buf_init(&b);
	if (attempt_dir(&b, state_dir, attempt, cause) != 0) {
		buf_free(&b);
		return -1;
	}
	buf_puts(&b,
	    "umask 077\n"
	    "if [ -e \"$d\" ]; then printf 'stepup: the attempt %s "
	    "exists: an attempt never runs twice\\n' \"$d\" >&2; "
	    "exit 125; fi\n"
	    "mkdir -p \"${d%/*}\" && mkdir \"$d\" || {\n"
	    "\tprintf 'stepup: cannot make the attempt directory %s\\n' "
	    "\"$d\" >&2; exit 125; }\n"
	    "cd / || exit 125\n"
	    "s=; command -v setsid >/dev/null 2>&1 && s=setsid\n"
	    "$s nohup sh -c ");
	(void)remote_quote(&b, remote_runner, strlen(remote_runner), cause);
	buf_puts(&b, " sh \"$d\" sh -c ");
	(void)remote_quote(&b, line, strlen(line), cause);
	buf_puts(&b,
	    " </dev/null >\"$d/log\" 2>&1 &\n"
	    "p=$!\n"
	    "printf '%s\\n' \"$p\" >\"$d/pid.tmp\" && "
	    "mv -f \"$d/pid.tmp\" \"$d/pid\"\n");
	/* Waiting, the log is followed as it grows: what was written by the
	 * time the status is there is all of it. Where the node has GNU
	 * tail, one tail follows it in the background until the runner is
	 * gone (--pid, looked at every 20 ms) and then prints the rest,
	 * while this shell waits for the runner, its child: reaped the
	 * moment it ends, whatever the node's init does with orphans, so
	 * that tail sees it gone at once. Nothing is forked per turn. Else,
	 * or when the runner died without a status (a kill -9, whose 137
	 * remote_stop_script() writes), a loop: a tenth of a second at a
	 * time for the first two seconds (where sleep takes fractions),
	 * then a second. */
	if (wait)
		buf_puts(&b,
		    "o=0 t=0\n"
		    "if tail --version 2>/dev/null | grep -q 'GNU coreutils'; "
		    "then\n"
		    "\ttail -s 0.02 --pid=\"$p\" -f -c +1 \"$d/log\" &\n"
		    "\tw=$!\n"
		    "\twait \"$p\"\n"
		    "\twait \"$w\"\n"
		    "\tif [ -f \"$d/status\" ]; then read -r s <\"$d/status\"; "
		    "exit \"$s\"; fi\n"
		    "\to=$(wc -c <\"$d/log\" | tr -d ' ')\n"
		    "fi\n"
		    "while :; do\n"
		    "\te=; [ -f \"$d/status\" ] && e=1\n"
		    "\ttail -c +$((o + 1)) \"$d/log\" >\"$d/sent.tmp\"\n"
		    "\tn=$(wc -c <\"$d/sent.tmp\" | tr -d ' ')\n"
		    "\tcat \"$d/sent.tmp\"\n"
		    "\to=$((o + n))\n"
		    "\t[ -n \"$e\" ] && break\n"
		    "\tif [ \"$t\" -lt 20 ] && sleep 0.1 2>/dev/null; then "
		    "t=$((t + 1)); else sleep 1; fi\n"
		    "done\n"
		    "rm -f \"$d/sent.tmp\"\n"
		    "read -r s <\"$d/status\"\n"
		    "exit \"$s\"\n");
	*script = buf_take(&b);
	return 0;
}

int
remote_status_script(const char *state_dir, const char *attempt,
    char **script, char **cause)
{
	struct buf	b;

	*script = NULL;
	buf_init(&b);
	if (attempt_dir(&b, state_dir, attempt, cause) != 0) {
		buf_free(&b);
		return -1;
	}
	buf_puts(&b,
	    "if [ -f \"$d/status\" ]; then read -r s <\"$d/status\"; "
	    "echo \"exited $s\"\n"
	    "elif [ ! -d \"$d\" ]; then echo none\n"
	    "else p=; [ -f \"$d/pid\" ] && read -r p <\"$d/pid\"\n"
	    "\tif [ -n \"$p\" ] && kill -0 \"$p\" 2>/dev/null; then "
	    "echo \"running $p\"\n"
	    /* Its status may have landed since the first look. */
	    "\telif [ -f \"$d/status\" ]; then read -r s <\"$d/status\"; "
	    "echo \"exited $s\"\n"
	    "\telif [ -z \"$p\" ]; then echo \"running 0\"\n"
	    "\telse echo lost; fi\n"
	    "fi\n");
	*script = buf_take(&b);
	return 0;
}

int
remote_stop_script(const char *state_dir, const char *attempt,
    unsigned grace, char **script, char **cause)
{
	struct buf	b;
	char		*status;

	*script = NULL;
	if (remote_status_script(state_dir, attempt, &status, cause) != 0)
		return -1;
	buf_init(&b);
	(void)attempt_dir(&b, state_dir, attempt, cause);
	buf_printf(&b,
	    "p=; [ -f \"$d/pid\" ] && read -r p <\"$d/pid\"\n"
	    "if [ -n \"$p\" ] && [ ! -f \"$d/status\" ]; then\n"
	    "\tkill -TERM -\"$p\" 2>/dev/null\n"
	    "\ti=0\n"
	    "\twhile [ ! -f \"$d/status\" ] && [ \"$i\" -lt %u ]; do\n"
	    "\t\tif sleep 0.1 2>/dev/null; then i=$((i + 1)); "
	    "else sleep 1; i=$((i + 10)); fi\n"
	    "\tdone\n"
	    "\tif [ ! -f \"$d/status\" ] && kill -KILL -\"$p\" 2>/dev/null; "
	    "then\n"
	    "\t\tsleep 1\n"
	    "\t\t[ -f \"$d/status\" ] || { printf '137\\n' "
	    ">\"$d/status.tmp\" && mv -f \"$d/status.tmp\" \"$d/status\"; }\n"
	    "\tfi\n"
	    "fi\n", grace * 10);
	buf_puts(&b, status);
	free(status);
	*script = buf_take(&b);
	return 0;
}

int
remote_status_parse(const char *out, enum remote_state *state, int *status,
    long *pid, char **cause)
{
	char	word[16], nl;
	long	n;
	int	k;

	*status = -1;
	*pid = 0;
	k = sscanf(out, "%15s %ld%c", word, &n, &nl);
	if (k >= 1 && strcmp(word, "none") == 0 && strcmp(out, "none\n") == 0)
		*state = REMOTE_NONE;
	else if (k >= 1 && strcmp(word, "lost") == 0 &&
	    strcmp(out, "lost\n") == 0)
		*state = REMOTE_LOST;
	else if (k == 3 && nl == '\n' && strcmp(word, "exited") == 0 &&
	    n >= 0 && n <= 255) {
		*state = REMOTE_EXITED;
		*status = (int)n;
	} else if (k == 3 && nl == '\n' && strcmp(word, "running") == 0 &&
	    n >= 0) {
		*state = REMOTE_RUNNING;
		*pid = n;
	} else {
		*cause = xasprintf("the node's answer about the attempt is "
		    "not one stepup knows: '%.80s'", out);
		return -1;
	}
	return 0;
}
