/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* journal-watch.c: waiting for a run to move without polling: an inotify
 * descriptor on the state directory (the journal's database and -wal),
 * its locks directory, and the run's directory (its commands' logs and
 * status files), and a pidfd for a holder's process. A watcher or a
 * holder sleeps in poll(2) on them and costs nothing while nothing
 * changes. */
#include "config.h"

#include <sys/inotify.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "journal-int.h"
#include "util.h"

/* What is watched: one table. A reader's own open, read and close make
 * no event that matters (IN_CLOSE_NOWRITE and IN_ACCESS are not asked
 * for), so a watcher never wakes itself up. */
#define WATCH_FILES	(IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_DELETE | \
			 IN_CLOSE_WRITE | IN_ATTRIB)
/* In runs/RUN, files made, renamed into place or closed after a write (a
 * status file, the evidence rewritten in place after each commit), not a
 * log's every write: a
 * watcher follows a running command's output with its screen's ticker,
 * as the holder does, and a chatty command wakes nobody up. */
#define WATCH_RUN	(IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_CLOSE_WRITE)
static const struct {
	const char	*dir;		/* under the state directory */
	bool		 run;		/* runs/RUN */
	uint32_t	 mask;
} watched[] = {
	{ "",		false,	WATCH_FILES },
	{ "locks",	false,	WATCH_FILES },
	{ "runs",	false,	WATCH_FILES },	/* runs/RUN made later */
	{ NULL,		true,	WATCH_RUN },
};

/* Watches whose run directory was not made yet: added when it is. */
struct pending_run {
	int			 fd;
	int			 runs_wd;	/* the watch of runs/ */
	char			*name;		/* "RUN" */
	char			*path;		/* runs/RUN */
	struct pending_run	*next;
};
static struct pending_run	*pending;

int
journal_watch_open(const char *state_dir, long long run, char **cause)
{
	struct pending_run	*p;
	char			*path;
	size_t			 i;
	int			 fd, wd, runs_wd = -1;

	if ((fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		*cause = xasprintf("cannot watch %s: %s", state_dir,
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < nitems(watched); i++) {
		if (watched[i].run && run <= 0)
			continue;
		if (watched[i].run)
			path = xasprintf("%s/runs/%lld", state_dir, run);
		else if (*watched[i].dir == '\0')
			path = xstrdup(state_dir);
		else
			path = xasprintf("%s/%s", state_dir, watched[i].dir);
		/* A directory not made yet is made by a write to the one
		 * above it, which is watched. */
		wd = inotify_add_watch(fd, path, watched[i].mask | IN_ONLYDIR |
		    IN_DONT_FOLLOW);
		if (wd != -1 && !watched[i].run && run > 0 &&
		    strcmp(watched[i].dir, "runs") == 0)
			runs_wd = wd;
		if (wd == -1 && errno == ENOENT && watched[i].run &&
		    runs_wd != -1) {
			p = xcalloc(1, sizeof *p);
			p->fd = fd;
			p->runs_wd = runs_wd;
			p->name = xasprintf("%lld", run);
			p->path = path;
			p->next = pending;
			pending = p;
			continue;
		}
		if (wd == -1 && errno != ENOENT) {
			*cause = xasprintf("cannot watch %s: %s", path,
			    strerror(errno));
			free(path);
			close(fd);
			return -1;
		}
		free(path);
	}
	return fd;
}

/* The run's directory was just made: watch it too. */
static void
watch_made(int fd, const struct inotify_event *ev)
{
	struct pending_run	**pp, *p;

	for (pp = &pending; (p = *pp) != NULL; pp = &p->next) {
		if (p->fd != fd || p->runs_wd != ev->wd || ev->len == 0 ||
		    strcmp(ev->name, p->name) != 0)
			continue;
		if (inotify_add_watch(fd, p->path, WATCH_RUN | IN_ONLYDIR |
		    IN_DONT_FOLLOW) == -1)
			return;
		*pp = p->next;
		free(p->name);
		free(p->path);
		free(p);
		return;
	}
}

void
journal_watch_close(int fd)
{
	struct pending_run	**pp, *p;

	if (fd == -1)
		return;
	for (pp = &pending; (p = *pp) != NULL;) {
		if (p->fd == fd) {
			*pp = p->next;
			free(p->name);
			free(p->path);
			free(p);
		} else
			pp = &p->next;
	}
	close(fd);
}

int
journal_watch_drain(int fd)
{
	char				 buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	ssize_t				 n;
	char				*p;
	int				 changed = 0;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (p = buf; p < buf + n; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)p;
			watch_made(fd, ev);
			/* The -shm is a reader's too: its changes say
			 * nothing. */
			if (ev->len > 0 && strstr(ev->name, "-shm") != NULL)
				continue;
			changed = 1;
		}
	}
	return changed;
}

int
journal_watch_pid(pid_t pid)
{
#ifdef SYS_pidfd_open
	if (pid > 0)
		return (int)syscall(SYS_pidfd_open, pid, 0);
#endif
	(void)pid;
	return -1;
}
