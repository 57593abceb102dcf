/* probe.c: run a read-only command and capture what it prints; see
 * probe.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"
#include "util.h"

/* Milliseconds between SIGTERM and SIGKILL after a timeout. */
#define PROBE_GRACE_MS 2000

/* Read what is there on fd into b, keeping at most max bytes. Returns 0 at
 * end of file, 1 when more may come. */
static int
drain(int fd, struct buf *b, size_t max, bool *truncated)
{
	char	chunk[8192];
	ssize_t	r;
	size_t	room, take;

	r = read(fd, chunk, sizeof chunk);
	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (r == 0)
		return 0;
	room = b->len < max ? max - b->len : 0;
	take = (size_t)r < room ? (size_t)r : room;
	if (take > 0)
		buf_add(b, chunk, take);
	if (take < (size_t)r && truncated != NULL)
		*truncated = true;
	return 1;
}

static void
child(const char *command, char *const envp[], const char *dir, int out,
    int err)
{
	char	*argv[] = { "sh", "-c", (char *)command, NULL };
	int	 null;

	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	if ((null = open("/dev/null", O_RDONLY)) >= 0) {
		dup2(null, 0);
		close(null);
	}
	dup2(out, 1);
	dup2(err, 2);
	if (dir != NULL && chdir(dir) != 0) {
		dprintf(2, "cannot change to %s: %s\n", dir, strerror(errno));
		_exit(126);
	}
	execve("/bin/sh", argv, envp);
	dprintf(2, "cannot run /bin/sh: %s\n", strerror(errno));
	_exit(127);
}

int
probe_run(const char *command, char *const envp[], const char *dir,
    unsigned timeout, struct probe_result *res, char **cause)
{
	int		 po[2], pe[2], st, open_fds = 2, r;
	pid_t		 pid;
	struct buf	 out, err;
	struct pollfd	 pfd[2];
	long long	 deadline, kill_at = -1, left;

	memset(res, 0, sizeof *res);
	if (pipe(po) != 0) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe(pe) != 0) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		close(po[0]);
		close(po[1]);
		return -1;
	}
	if ((pid = fork()) < 0) {
		*cause = xasprintf("fork: %s", strerror(errno));
		close(po[0]);
		close(po[1]);
		close(pe[0]);
		close(pe[1]);
		return -1;
	}
	if (pid == 0) {
		close(po[0]);
		close(pe[0]);
		child(command, envp, dir, po[1], pe[1]);
	}
	setpgid(pid, pid);	/* both sides, so kill(-pid) cannot miss */
	close(po[1]);
	close(pe[1]);
	buf_init(&out);
	buf_init(&err);
	pfd[0].fd = po[0];
	pfd[1].fd = pe[0];
	pfd[0].events = pfd[1].events = POLLIN;
	deadline = timeout > 0 ? monotonic_ms() + (long long)timeout * 1000 : -1;
	while (open_fds > 0) {
		int wait_ms = -1;

		if (kill_at >= 0 || deadline >= 0) {
			left = (kill_at >= 0 ? kill_at : deadline) - monotonic_ms();
			if (left <= 0) {
				if (kill_at < 0) {
					res->timed_out = true;
					kill(-pid, SIGTERM);
					kill_at = monotonic_ms() + PROBE_GRACE_MS;
					continue;
				}
				kill(-pid, SIGKILL);
				break;
			}
			wait_ms = left > 1000 ? 1000 : (int)left;
		}
		r = poll(pfd, 2, wait_ms);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		if (pfd[0].fd >= 0 && (pfd[0].revents & (POLLIN | POLLHUP)) &&
		    drain(pfd[0].fd, &out, PROBE_MAX_OUT,
		    &res->out_truncated) == 0) {
			close(pfd[0].fd);
			pfd[0].fd = -1;
			open_fds--;
		}
		if (pfd[1].fd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP)) &&
		    drain(pfd[1].fd, &err, PROBE_MAX_ERR, NULL) == 0) {
			close(pfd[1].fd);
			pfd[1].fd = -1;
			open_fds--;
		}
	}
	if (pfd[0].fd >= 0)
		close(pfd[0].fd);
	if (pfd[1].fd >= 0)
		close(pfd[1].fd);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st)) {
		res->status = WEXITSTATUS(st);
	} else {
		res->status = -1;
		res->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	}
	res->out_len = out.len;
	res->out = buf_take(&out);
	res->err_len = err.len;
	res->err = buf_take(&err);
	return 0;
}

bool
probe_ok(const struct probe_result *res)
{
	return !res->timed_out && res->status == 0;
}

char *
probe_describe(const struct probe_result *res, unsigned timeout)
{
	const char	*e = res->err != NULL ? res->err : "";
	size_t		 len;
	char		*first, *s;

	while (*e == '\n' || *e == ' ')
		e++;
	len = strcspn(e, "\n");
	first = xstrndup(e, len > 300 ? 300 : len);
	if (res->timed_out)
		s = xasprintf("timed out after %u s", timeout);
	else if (res->status < 0)
		s = xasprintf("was killed by signal %d", res->signal);
	else
		s = xasprintf("exited with status %d", res->status);
	if (*first != '\0') {
		char *t = xasprintf("%s: %s", s, first);
		free(s);
		s = t;
	}
	free(first);
	return s;
}

void
probe_result_free(struct probe_result *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
}
