/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* journal-lock.c: where the journal lives (the state directory), who is
 * operating, and the one-run-per-runbook lock. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "journal.h"
#include "journal-int.h"
#include "trust.h"
#include "util.h"

/* ---- state directory and identity ---------------------------------------- */

/* mkdir -p with mode 0700 for what it creates; *cause on failure. */
int
jn_mkdir_p(const char *path, char **cause)
{
	char		*p, *s;
	struct stat	 sb;

	p = xstrdup(path);
	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST) {
			*cause = xasprintf("cannot create the state directory "
			    "%s: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	if (stat(path, &sb) == -1) {
		*cause = xasprintf("cannot use the state directory %s: %s",
		    path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		*cause = xasprintf("the state directory %s is not a directory",
		    path);
		return -1;
	}
	return 0;
}

int
jn_subdir(int dfd, const char *parent, const char *name, char **cause)
{
	char		*path, *why;
	struct stat	 sb;
	int		 fd;

	path = xasprintf("%s/%s", parent, name);
	if (mkdirat(dfd, name, 0700) == -1 && errno != EEXIST) {
		*cause = xasprintf("cannot create the directory %s: %s", path,
		    strerror(errno));
		free(path);
		return -1;
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP || errno == ENOTDIR)
			*cause = trust_link_why(dfd, name, path, true);
		else
			*cause = xasprintf("cannot open the directory %s: %s",
			    path, strerror(errno));
		free(path);
		return -1;
	}
	why = fstat(fd, &sb) == -1 ? xasprintf("cannot check %s: %s", path,
	    strerror(errno)) : trust_why(&sb, path);
	if (why != NULL) {
		*cause = xasprintf("the directory %s is not trusted: %s", path,
		    why);
		free(why);
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	return fd;
}

int
jn_dir_open(const char *dir, char **cause)
{
	int	fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		*cause = xasprintf("cannot open the state directory %s: %s",
		    dir, strerror(errno));
	return fd;
}

char *
jn_absolute(const char *path)
{
	char	cwd[PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}

static const char *
home_dir(void)
{
	const char	*home = getenv("HOME");
	struct passwd	*pw;

	if (home != NULL && home[0] == '/')
		return home;
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL &&
	    pw->pw_dir[0] == '/')
		return pw->pw_dir;
	return NULL;
}

/* The state directory named by dir, else the default one; unchecked. */
static char *
state_dir_path(const char *dir)
{
	const char	*xdg, *home;
	char		*path;

	if (dir != NULL && dir[0] != '\0')
		path = jn_absolute(dir);
	else if ((xdg = getenv("XDG_STATE_HOME")) != NULL && xdg[0] == '/')
		path = xasprintf("%s/stepup", xdg);
	else if (geteuid() == 0)
		path = xstrdup("/var/lib/stepup");
	else if ((home = home_dir()) != NULL)
		path = xasprintf("%s/.local/state/stepup", home);
	else
		return NULL;
	while (strlen(path) > 1 && path[strlen(path) - 1] == '/')
		path[strlen(path) - 1] = '\0';
	return path;
}

char *
journal_state_dir_default(void)
{
	return state_dir_path(NULL);
}

char *
journal_state_dir(const char *dir, char **cause)
{
	char		*path, *why;

	if ((path = state_dir_path(dir)) == NULL) {
		*cause = xstrdup("no state directory: HOME is not set; use "
		    "--state-dir or STEPUP_STATE_DIR");
		return NULL;
	}
	if (jn_mkdir_p(path, cause) == -1) {
		free(path);
		return NULL;
	}
	/* Whoever could write in it could make stepup write anywhere. */
	if ((why = trust_path(path)) != NULL) {
		*cause = xasprintf("the state directory %s is not trusted: %s",
		    path, why);
		free(why);
		free(path);
		return NULL;
	}
	return path;
}

char *
journal_operator(void)
{
	const char	*user = getenv("SUDO_USER"), *ssh;
	struct passwd	*pw;
	char		*name, *out;
	size_t		 n;

	if (user != NULL && user[0] != '\0')
		name = xstrdup(user);
	else if ((pw = getpwuid(getuid())) != NULL && pw->pw_name != NULL)
		name = xstrdup(pw->pw_name);
	else
		name = xasprintf("uid %u", (unsigned)getuid());
	ssh = getenv("SSH_CONNECTION");
	if (ssh == NULL || (n = strcspn(ssh, " ")) == 0)
		return name;
	out = xasprintf("%s from %.*s", name, (int)n, ssh);
	free(name);
	return out;
}

char *
journal_host(void)
{
	char	host[256];

	if (gethostname(host, sizeof host) == -1)
		return xstrdup("unknown-host");
	host[sizeof host - 1] = '\0';
	return xstrdup(host);
}

/* ---- the run lock -------------------------------------------------------- */

struct journal_lock {
	int			 fd;
	pid_t			 owner;	/* a forked child inherits the list,
					   not the lock */
	char			*key;
	struct journal_lock	*next;
};

/* Locks this process holds: fcntl locks are per process, so a second
 * journal_lock() on the same runbook here must be told it is held (and
 * must never open and close the file again, which would drop the lock). */
static struct journal_lock	*held_locks;

void
journal_lock_holder_free(struct journal_lock_holder *h)
{
	if (h == NULL)
		return;
	free(h->operator);
	free(h->host);
	free(h->runbook);
	memset(h, 0, sizeof *h);
}

static void
holder_self(struct journal_lock_holder *h, const char *runbook)
{
	h->operator = journal_operator();
	h->host = journal_host();
	h->pid = getpid();
	h->since = journal_now();
	h->runbook = xstrdup(runbook);
}

/* Parse a lock file's "key=value" lines; false if it names nobody. */
static bool
holder_parse(const char *text, struct journal_lock_holder *h)
{
	const char	*line, *eol, *eq;
	char		*value;
	size_t		 klen;

	for (line = text; *line != '\0'; line = *eol == '\0' ? eol : eol + 1) {
		eol = line + strcspn(line, "\n");
		if ((eq = memchr(line, '=', (size_t)(eol - line))) == NULL)
			continue;
		klen = (size_t)(eq - line);
		value = xstrndup(eq + 1, (size_t)(eol - eq - 1));
		if (klen == 8 && strncmp(line, "operator", 8) == 0) {
			free(h->operator);
			h->operator = value;
		} else if (klen == 4 && strncmp(line, "host", 4) == 0) {
			free(h->host);
			h->host = value;
		} else if (klen == 7 && strncmp(line, "runbook", 7) == 0) {
			free(h->runbook);
			h->runbook = value;
		} else {
			if (klen == 3 && strncmp(line, "pid", 3) == 0)
				h->pid = (pid_t)strtol(value, NULL, 10);
			else if (klen == 5 && strncmp(line, "since", 5) == 0)
				h->since = strtoll(value, NULL, 10);
			free(value);
		}
	}
	return h->operator != NULL && h->pid > 0;
}

/* The holder a lock file names runs on this host (so fcntl's pid is
 * comparable with its own). */
static bool
holder_here(const struct journal_lock_holder *h)
{
	char	*host = journal_host();
	bool	 here = h->host != NULL && strcmp(h->host, host) == 0;

	free(host);
	return here;
}

static char *
fd_read_all(int fd)
{
	struct buf	b;
	char		tmp[512];
	ssize_t		n;
	off_t		off = 0;

	buf_init(&b);
	while ((n = pread(fd, tmp, sizeof tmp, off)) > 0) {
		buf_add(&b, tmp, (size_t)n);
		off += n;
	}
	return buf_take(&b);
}

int
journal_lock(const char *state_dir, const char *runbook,
    struct journal_lock **lock, bool *took_over,
    struct journal_lock_holder *holder, char **cause)
{
	struct journal_lock	*l;
	struct flock		 fl;
	char			*key, *name, *path, *text, hash[65];
	struct journal_lock_holder self;
	struct stat		 sb;
	int			 fd = -1, sfd, dfd;

	*lock = NULL;
	*took_over = false;
	memset(holder, 0, sizeof *holder);
	if ((key = realpath(runbook, NULL)) == NULL)
		key = jn_absolute(runbook);
	for (l = held_locks; l != NULL; l = l->next) {
		if (l->owner == getpid() && strcmp(l->key, key) == 0) {
			holder_self(holder, key);
			free(key);
			return JOURNAL_LOCK_HELD;
		}
	}
	/* In the state directory, relative to it, following no link. */
	if ((sfd = jn_dir_open(state_dir, cause)) == -1) {
		free(key);
		return -1;
	}
	dfd = jn_subdir(sfd, state_dir, "locks", cause);
	close(sfd);
	if (dfd == -1) {
		free(key);
		return -1;
	}
	sha256_hex(key, strlen(key), hash);
	name = xasprintf("%.32s.lock", hash);
	path = xasprintf("%s/locks/%s", state_dir, name);
	fd = openat(dfd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK, 0600);
	if (fd == -1 || fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		if (fd == -1 && errno != ELOOP)
			*cause = xasprintf("cannot open the lock file %s: %s",
			    path, strerror(errno));
		else
			*cause = trust_link_why(dfd, name, path, false);
		close(dfd);
		free(name);
		goto fail;
	}
	close(dfd);
	free(name);
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) == -1) {
		if (errno != EACCES && errno != EAGAIN) {
			*cause = xasprintf("cannot lock %s: %s", path,
			    strerror(errno));
			goto fail;
		}
		/* Held. The holder writes its name just after locking: if
		 * we look in between, the file is empty, or still names the
		 * dead holder it took over from; name it by the pid fcntl
		 * reports. */
		text = fd_read_all(fd);
		memset(&fl, 0, sizeof fl);
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK)
			fl.l_pid = 0;
		if (!holder_parse(text, holder) || (fl.l_pid > 0 &&
		    fl.l_pid != holder->pid && holder_here(holder))) {
			journal_lock_holder_free(holder);
			holder->pid = fl.l_pid;
			holder->operator = xstrdup("another stepup");
			holder->host = journal_host();
			holder->runbook = xstrdup(key);
		}
		free(text);
		close(fd);
		free(path);
		free(key);
		return JOURNAL_LOCK_HELD;
	}
	/* Ours. A name left in the file is a holder that died holding it. */
	text = fd_read_all(fd);
	if (holder_parse(text, holder))
		*took_over = true;
	else
		journal_lock_holder_free(holder);
	free(text);

	memset(&self, 0, sizeof self);
	holder_self(&self, key);
	text = xasprintf("operator=%s\nhost=%s\npid=%ld\nsince=%lld\n"
	    "runbook=%s\n", self.operator, self.host, (long)self.pid,
	    self.since, key);
	journal_lock_holder_free(&self);
	/*
	 * Not fsync'd: the name is read back only to say whose lock was
	 * taken over. A holder that dies leaves it in the page cache, which
	 * outlives the process; after the machine itself went down every
	 * holder is gone anyway, and a name lost or stale then costs nothing
	 * but that message. The journal's own commits are durable; this was
	 * the only sync of an everyday start.
	 */
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, text, strlen(text), 0) != (ssize_t)strlen(text)) {
		*cause = xasprintf("cannot write the lock file %s: %s", path,
		    strerror(errno));
		free(text);
		journal_lock_holder_free(holder);
		*took_over = false;
		goto fail;
	}
	free(text);
	free(path);
	l = xcalloc(1, sizeof *l);
	l->fd = fd;
	l->owner = getpid();
	l->key = key;
	l->next = held_locks;
	held_locks = l;
	*lock = l;
	return JOURNAL_LOCK_TAKEN;
fail:
	if (fd != -1)
		close(fd);
	free(path);
	free(key);
	return -1;
}

void
journal_unlock(struct journal_lock *l)
{
	struct journal_lock	**pp;

	if (l == NULL)
		return;
	for (pp = &held_locks; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	}
	/* Empty the file first: a name left behind means "died holding".
	 * Only the owner may: in a forked child the lock is not ours. */
	if (l->owner == getpid() && ftruncate(l->fd, 0) == -1) {
		/* Left named, the next stepup says it took the lock over
		 * from us: a wrong word, nothing lost. */
	}
	close(l->fd);
	free(l->key);
	free(l);
}

int
journal_lock_peek(const char *state_dir, const char *runbook,
    struct journal_lock_holder *holder, char **lock_path, char **cause)
{
	struct flock	 fl;
	char		*key, *path, *text, hash[65];
	int		 fd, r = JOURNAL_LOCK_TAKEN;

	memset(holder, 0, sizeof *holder);
	if (lock_path != NULL)
		*lock_path = NULL;
	if ((key = realpath(runbook, NULL)) == NULL)
		key = jn_absolute(runbook);
	sha256_hex(key, strlen(key), hash);
	path = xasprintf("%s/locks/%.32s.lock", state_dir, hash);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1) {
		if (errno == ENOENT)
			goto out;	/* never locked: free */
		*cause = xasprintf("cannot open the lock file %s: %s", path,
		    strerror(errno));
		r = -1;
		goto out;
	}
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &fl) == -1) {
		*cause = xasprintf("cannot look at the lock %s: %s", path,
		    strerror(errno));
		r = -1;
	} else if (fl.l_type != F_UNLCK) {
		text = fd_read_all(fd);
		if (!holder_parse(text, holder) || (fl.l_pid > 0 &&
		    fl.l_pid != holder->pid && holder_here(holder))) {
			journal_lock_holder_free(holder);
			holder->pid = fl.l_pid;
			holder->operator = xstrdup("another stepup");
			holder->host = journal_host();
			holder->runbook = xstrdup(key);
		}
		free(text);
		r = JOURNAL_LOCK_HELD;
	}
	close(fd);
out:
	if (lock_path != NULL && r != -1)
		*lock_path = path;
	else
		free(path);
	free(key);
	return r;
}

int
journal_lock_wait(const char *state_dir, const char *runbook, int timeout_ms,
    struct journal_lock **lock, struct journal_lock_holder *holder,
    char **cause)
{
	struct pollfd	 pfd[2];
	long long	 deadline = monotonic_ms() + timeout_ms, left;
	bool		 took_over;
	int		 r, wfd = -1, pfdn;

	for (;;) {
		r = journal_lock(state_dir, runbook, lock, &took_over, holder,
		    cause);
		if (r != JOURNAL_LOCK_HELD || (left = deadline - monotonic_ms()) <= 0)
			break;
		/* Sleep until the lock file changes (the holder lets go and
		 * empties it) or the holder's process ends, or the time is up. */
		if (wfd == -1 && (wfd = journal_watch_open(state_dir, 0,
		    cause)) == -1)
			break;
		pfd[0].fd = wfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = journal_watch_pid(holder->pid);
		pfd[1].events = POLLIN;
		pfdn = pfd[1].fd != -1 ? 2 : 1;
		journal_lock_holder_free(holder);
		(void)poll(pfd, (nfds_t)pfdn, pfdn == 2 ? (int)left :
		    (int)(left < 100 ? left : 100));
		if (pfdn == 2)
			close(pfd[1].fd);
		(void)journal_watch_drain(wfd);
	}
	journal_watch_close(wfd);
	return r;
}

char *
journal_lock_holder_describe(const struct journal_lock_holder *h)
{
	char		since[64];

	if (h->since > 0)
		utc_format(since, sizeof since, h->since,
		    " since %Y-%m-%d %H:%M:%S UTC");
	else
		since[0] = '\0';
	return xasprintf("%s on %s (pid %ld)%s",
	    h->operator != NULL ? h->operator : "someone",
	    h->host != NULL ? h->host : "an unknown host", (long)h->pid, since);
}

/* Here, with the state directory and the lock, rather than in journal.c:
 * journal.c opens the state directory through this file, and this file
 * calls nothing of journal.c. */
long long
journal_now(void)
{
	return (long long)time(NULL);
}
