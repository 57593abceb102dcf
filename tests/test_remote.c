/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* test_remote.c: the one quoting function, proved on a real shell: random
 * byte strings (every non-NUL byte, long strings) and the injection
 * strings of plain-inject.sh, quoted, read back by /bin/sh (and bash when
 * installed) and compared byte for byte, alone and as values in a remote
 * command line; NUL and bad names refused; the ssh and transport argument
 * vectors; the detached command's script run by the local sh. */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "remote.h"
#include "spawn.h"
#include "util.h"

static char *env[] = { "PATH=/usr/bin:/bin", NULL };

/* Run text with the shell sh (an absolute path) -c; its stdout in *out
 * (caller frees), its exit status returned. */
static int
run_sh(const char *sh, const char *text, struct buf *out)
{
	struct spawn_spec	 spec;
	struct spawn_result	 res;
	char			*cause, *argv[] = { (char *)sh, "-c",
				    (char *)text, NULL };
	int			 status;

	memset(&spec, 0, sizeof spec);
	spec.argv = argv;
	spec.envp = env;
	spec.io[0] = SPAWN_NULL;
	spec.io[1] = SPAWN_CAPTURE;
	spec.io[2] = SPAWN_CAPTURE;
	spec.group = SPAWN_NEW_GROUP;
	spec.timeout = 30;
	spec.grace = 1;
	if (spawn_run(&spec, &res, &cause) != 0)
		fail_msg("%s", cause);
	if (res.err.len > 0 && res.status == 0)
		fail_msg("%s said: %s", sh, res.err.data);
	status = res.status;
	*out = res.out;
	buf_free(&res.err);
	return status;
}

static const char *shells[3];

static void
shells_find(void)
{
	size_t	n = 0;

	shells[n++] = "/bin/sh";
	if (access("/bin/bash", X_OK) == 0)
		shells[n++] = "/bin/bash";
	shells[n] = NULL;
}

/* Compare what a shell printed, each string followed by a NUL, with the
 * strings. */
static void
expect_words(const char *sh, const char *how, const struct buf *out,
    char *const *s, const size_t *n, size_t count)
{
	size_t	i, off = 0;

	for (i = 0; i < count; i++) {
		if (off + n[i] + 1 > out->len ||
		    memcmp(out->data + off, s[i], n[i]) != 0 ||
		    out->data[off + n[i]] != '\0')
			fail_msg("%s read %s %zu (%zu bytes) back otherwise",
			    sh, how, i, n[i]);
		off += n[i] + 1;
	}
	if (off != out->len)
		fail_msg("%s printed %zu bytes more", sh, out->len - off);
}

/* The shells read the quoted words of the strings back as the strings,
 * as words of their own and as values in a remote command line: one
 * shell for them all, printing each with a NUL after it. */
static void
roundtrip_many(char *const *s, const size_t *n, size_t count)
{
	struct buf	 words, text, out;
	char		*cause, *line, **envs;
	size_t		 i, k;

	buf_init(&words);
	buf_init(&text);
	buf_puts(&words, "printf '%s\\0'");
	buf_puts(&text, "printf '%s\\0'");
	envs = xcalloc(count + 1, sizeof *envs);
	for (i = 0; i < count; i++) {
		buf_putc(&words, ' ');
		assert_int_equal(remote_quote(&words, s[i], n[i], &cause), 0);
		envs[i] = xasprintf("V%zu=%.*s", i, (int)n[i], s[i]);
		buf_printf(&text, " \"$V%zu\"", i);
	}
	assert_int_equal(remote_command(text.data, envs, &line, &cause), 0);
	for (k = 0; shells[k] != NULL; k++) {
		assert_int_equal(run_sh(shells[k], words.data, &out), 0);
		expect_words(shells[k], "the word", &out, s, n, count);
		buf_free(&out);
		assert_int_equal(run_sh(shells[k], line, &out), 0);
		expect_words(shells[k], "the value", &out, s, n, count);
		buf_free(&out);
	}
	for (i = 0; i < count; i++)
		free(envs[i]);
	free(envs);
	free(line);
	buf_free(&words);
	buf_free(&text);
}

static void
roundtrip(const char *s, size_t n)
{
	char	*v = (char *)s;

	roundtrip_many(&v, &n, 1);
}

static void
test_every_byte(void **state)
{
	char	s[255];
	int	i;

	shells_find();
	for (i = 0; i < 255; i++)
		s[i] = (char)(i + 1);
	roundtrip(s, sizeof s);
	{
		char	*one[255];
		size_t	 n[255];

		/* Each byte alone, and twice. */
		for (i = 0; i < 255; i++) {
			one[i] = xasprintf("%c%c", i + 1, i + 1);
			n[i] = 1 + i % 2;
		}
		roundtrip_many(one, n, 255);
		for (i = 0; i < 255; i++)
			free(one[i]);
	}
	roundtrip("", 0);
	roundtrip("'", 1);
	roundtrip("''''", 4);
	roundtrip("\\'\\", 3);
}

/* A small PRNG, seeded: the same strings on every run. */
static uint64_t	rng = 0x9e3779b97f4a7c15ULL;

static unsigned
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 32);
}

static void
test_random(void **state)
{
	static const char	 hot[] = "'\"\\$`!*?[]{}()<>|&;~#= \t\n%-";
	char			*s[100];
	size_t			 n[100], i, k, round;

	shells_find();
	for (round = 0; round < 10; round++) {
		for (k = 0; k < 100; k++) {
			/* Short ones, and a few long. */
			n[k] = k < 98 ? rnd() % 64 : 2000 + rnd() % 6000;
			s[k] = xmalloc(n[k] + 1);
			for (i = 0; i < n[k]; i++) {
				/* Half from the bytes shells care about. */
				if (rnd() % 2 == 0)
					s[k][i] = hot[rnd() % (sizeof hot - 1)];
				else
					s[k][i] = (char)(1 + rnd() % 255);
			}
			s[k][n[k]] = '\0';
		}
		roundtrip_many(s, n, 100);
		for (k = 0; k < 100; k++)
			free(s[k]);
	}
}

/* The injection strings of plain-inject.sh, and more: read back as they
 * are, nothing run. */
static void
test_injection(void **state)
{
	char		 dir[] = "/tmp/test_remote.XXXXXX", *p, *v[12];
	struct stat	 st;
	size_t		 i;

	shells_find();
	assert_non_null(mkdtemp(dir));
	p = xasprintf("%s/pwned", dir);
	v[0] = xasprintf("1.0; touch %s", p);
	v[1] = xasprintf("$(touch %s)", p);
	v[2] = xasprintf("`touch %s`", p);
	v[3] = xasprintf("1.0.0 && touch %s", p);
	v[4] = xasprintf("$(touch %s); `touch %s` || touch %s", p, p, p);
	v[5] = xasprintf("'; touch %s; '", p);
	v[6] = xasprintf("'\\''; touch %s #", p);
	v[7] = xasprintf("\"; touch %s; \"", p);
	v[8] = xasprintf("\n touch %s\n", p);
	v[9] = xasprintf("${IFS}touch${IFS}%s", p);
	v[10] = xasprintf("x' 'y'\"$(touch %s)\"'", p);
	v[11] = NULL;
	for (i = 0; v[i] != NULL; i++) {
		roundtrip(v[i], strlen(v[i]));
		if (stat(p, &st) == 0)
			fail_msg("'%s' ran", v[i]);
		free(v[i]);
	}
	rmdir(dir);
	free(p);
}

static void
test_refused(void **state)
{
	struct buf	 b;
	char		*cause, *line;
	char		*bad_name[] = { "A=1", "1X=2", NULL };
	char		*no_eq[] = { "NOEQ", NULL };
	char		*dash[] = { "A-B=1", NULL };

	buf_init(&b);
	buf_puts(&b, "kept");
	assert_int_equal(remote_quote(&b, "a\0b", 3, &cause), -1);
	assert_string_equal(cause, "a NUL byte (at offset 1) cannot reach a "
	    "remote command");
	assert_string_equal(b.data, "kept");
	free(cause);
	buf_free(&b);
	assert_int_equal(remote_command("true", bad_name, &line, &cause), -1);
	assert_string_equal(cause, "'1X' cannot be a variable's name for the "
	    "remote shell ([A-Za-z_][A-Za-z0-9_]*)");
	free(cause);
	assert_int_equal(remote_command("true", dash, &line, &cause), -1);
	free(cause);
	assert_int_equal(remote_command("true", no_eq, &line, &cause), -1);
	assert_string_equal(cause, "the environment entry 'NOEQ' has no '='");
	free(cause);
	assert_true(remote_name_valid("_a1"));
	assert_false(remote_name_valid(""));
	assert_false(remote_name_valid("\xc3\xa9"));
}

/* The line is exactly env, quoted values, sh -c -- and the quoted text;
 * a text starting with '-' is no option of sh's. */
static void
test_command_line(void **state)
{
	char		*cause, *line;
	char		*e[] = { "STEPUP_TO=2.0", "X=it's", NULL };
	struct buf	 out;

	assert_int_equal(remote_command("echo \"$X\" $STEPUP_TO", e, &line,
	    &cause), 0);
	assert_string_equal(line, "env STEPUP_TO='2.0' X='it'\\''s' sh -c -- "
	    "'echo \"$X\" $STEPUP_TO'");
	assert_int_equal(run_sh("/bin/sh", line, &out), 0);
	assert_string_equal(out.data, "it's 2.0\n");
	buf_free(&out);
	free(line);
	assert_int_equal(remote_command("-x", NULL, &line, &cause), 0);
	assert_string_equal(line, "env sh -c -- '-x'");
	free(line);
	assert_int_equal(remote_command("exit 7", NULL, &line, &cause), 0);
	assert_int_equal(run_sh("/bin/sh", line, &out), 7);
	buf_free(&out);
	free(line);
}

static void
expect_argv(char **argv, const char *const *want)
{
	size_t	i;

	for (i = 0; want[i] != NULL; i++) {
		assert_non_null(argv[i]);
		assert_string_equal(argv[i], want[i]);
	}
	assert_null(argv[i]);
}

static void
test_ssh_argv(void **state)
{
	struct remote_ssh	 rs = { NULL, NULL, "/run/s/c", 5, 0, 0 };
	char			**argv, *cause;
	static const char *const want[] = { "ssh", "-o", "BatchMode=yes",
	    "-o", "ControlMaster=auto", "-o", "ControlPath=/run/s/c/%C", "-o",
	    "ControlPersist=60", "-o", "ConnectTimeout=5", "node1",
	    "env sh -c -- 'true'", NULL };
	static const char *const bare[] = { "/opt/ssh", "-F", "/t/cfg", "-o",
	    "BatchMode=yes", "node1", "x", NULL };

	assert_int_equal(remote_ssh_argv(&rs, "node1", "env sh -c -- 'true'",
	    &argv, &cause), 0);
	expect_argv(argv, want);
	remote_argv_free(argv);
	rs.ssh = "/opt/ssh";
	rs.config = "/t/cfg";
	rs.control_dir = NULL;
	rs.connect_timeout = 0;
	assert_int_equal(remote_ssh_argv(&rs, "node1", "x", &argv, &cause), 0);
	expect_argv(argv, bare);
	remote_argv_free(argv);

	assert_int_equal(remote_ssh_argv(&rs, "-oProxyCommand=x", "x", &argv,
	    &cause), -1);
	assert_string_equal(cause, "cannot reach '-oProxyCommand=x' through "
	    "ssh: a host name starting with '-' (ssh would read it as an "
	    "option)");
	assert_null(argv);
	free(cause);
	assert_int_equal(remote_ssh_argv(&rs, "a b", "x", &argv, &cause), -1);
	free(cause);
	assert_int_equal(remote_ssh_argv(&rs, "", "x", &argv, &cause), -1);
	free(cause);
	rs.control_dir = "relative";
	assert_int_equal(remote_ssh_argv(&rs, "n", "x", &argv, &cause), -1);
	assert_string_equal(cause, "cannot keep ssh connections in relative: "
	    "it is not an absolute path");
	free(cause);
	rs.control_dir = "/a/very/long/state/directory/that/is/far/too/long/x";
	assert_int_equal(remote_ssh_argv(&rs, "n", "x", &argv, &cause), -1);
	free(cause);
	rs.control_dir = "/a%b";
	assert_int_equal(remote_ssh_argv(&rs, "n", "x", &argv, &cause), -1);
	free(cause);
}

/* An attempt's ssh and a question's differ in their connect timeout
 * alone: a question to a host that does not answer gives up in 5 s, not
 * 20, the host left in doubt; both notice a cut link in about 15 s. */
static void
test_ssh_uses(void **state)
{
	struct remote_ssh	 rs;
	char			**argv, *cause;
	static const char *const run[] = { "ssh", "-o", "BatchMode=yes",
	    "-o", "ConnectTimeout=20", "-o", "ServerAliveInterval=5", "-o",
	    "ServerAliveCountMax=3", "node2", "sh -s", NULL };
	static const char *const ask[] = { "ssh", "-o", "BatchMode=yes",
	    "-o", "ConnectTimeout=5", "-o", "ServerAliveInterval=5", "-o",
	    "ServerAliveCountMax=3", "node2", "sh -s", NULL };

	remote_ssh_init(&rs, REMOTE_USE_RUN);
	assert_int_equal(remote_ssh_argv(&rs, "node2", "sh -s", &argv,
	    &cause), 0);
	expect_argv(argv, run);
	remote_argv_free(argv);
	remote_ssh_init(&rs, REMOTE_USE_ASK);
	assert_int_equal(remote_ssh_argv(&rs, "node2", "sh -s", &argv,
	    &cause), 0);
	expect_argv(argv, ask);
	remote_argv_free(argv);
	assert_true(REMOTE_ASK_TIMEOUT < REMOTE_CONNECT_TIMEOUT);
}

static void
test_transport(void **state)
{
	char	**argv, *cause;
	char	*k[] = { "kubectl", "exec", "-i", "-n", "ns", "{host}", "--",
		    "sh", NULL };
	char	*part[] = { "docker", "exec", "pod-{host}", "sh", NULL };
	char	*none[] = { "docker", "exec", "sh", NULL };
	char	*two[] = { "x", "{host}", "{host}", "sh", NULL };
	char	*first[] = { "{host}", "sh", NULL };
	char	*empty[] = { NULL };
	static const char *const want[] = { "kubectl", "exec", "-i", "-n",
	    "ns", "agent-0", "--", "sh", NULL };
	/* What the inventory allows, each as one argument, never split
	 * or read by a shell. */
	static const char *const odd[] = { "a_b.c-d", "0.0.0.0", "x..y",
	    "G_-9", "node[01]", "a;b", "$(id)", "a'b", "*", NULL };
	size_t	 i;

	assert_int_equal(remote_transport_argv(k, "agent-0", &argv, &cause),
	    0);
	expect_argv(argv, want);
	remote_argv_free(argv);
	for (i = 0; odd[i] != NULL; i++) {
		assert_int_equal(remote_transport_argv(k, odd[i], &argv,
		    &cause), 0);
		assert_string_equal(argv[5], odd[i]);
		assert_string_equal(argv[6], "--");
		assert_string_equal(argv[7], "sh");
		assert_null(argv[8]);
		remote_argv_free(argv);
	}
	assert_int_equal(remote_transport_argv(part, "a", &argv, &cause), -1);
	assert_null(argv);
	assert_string_equal(cause, "the transport's argument 'pod-{host}': "
	    "{host} is an argument of its own, never part of one");
	free(cause);
	assert_int_equal(remote_transport_argv(none, "a", &argv, &cause), -1);
	assert_string_equal(cause, "the transport has no {host} argument");
	free(cause);
	assert_int_equal(remote_transport_argv(empty, "a", &argv, &cause), -1);
	assert_string_equal(cause, "the transport has no {host} argument");
	free(cause);
	assert_int_equal(remote_transport_argv(two, "a", &argv, &cause), -1);
	assert_string_equal(cause, "the transport has {host} more than once");
	free(cause);
	assert_int_equal(remote_transport_argv(first, "a", &argv, &cause), -1);
	assert_string_equal(cause, "the transport starts with {host}, not a "
	    "program");
	free(cause);
	assert_int_equal(remote_transport_argv(k, "-a", &argv, &cause), -1);
	free(cause);
	assert_int_equal(remote_transport_argv(k, "a b", &argv, &cause), -1);
	free(cause);
	assert_int_equal(remote_transport_argv(k, "", &argv, &cause), -1);
	free(cause);
}

/* What remote_status_script() prints for the attempt, by the local sh. */
static char *
status_of(const char *dir, const char *attempt)
{
	char		*script, *cause;
	struct buf	 out;

	assert_int_equal(remote_status_script(dir, attempt, &script, &cause),
	    0);
	assert_int_equal(run_sh("/bin/sh", script, &out), 0);
	free(script);
	return buf_take(&out);
}

/* Until the attempt's command has written its first line: it runs. */
static void
wait_up(const char *dir, const char *attempt)
{
	char	*path = xasprintf("%s/%s/log", dir, attempt), *s, *cause;
	int	 n;

	for (n = 0; n < 500; n++) {
		s = file_read(path, 64, &(size_t){ 0 }, &cause);
		if (s != NULL && strncmp(s, "up\n", 3) == 0) {
			free(s);
			free(path);
			return;
		}
		if (s == NULL)
			free(cause);
		free(s);
		usleep(10000);
	}
	fail_msg("%s never said up", path);
}

/* The detached command's scripts, run by the local sh (remote-sshd.sh
 * runs them through sshd). */
static void
test_detach(void **state)
{
	char			 dir[] = "/tmp/test_remote.XXXXXX";
	char			*script, *cause, *line, *s, *path, *pidtext;
	struct buf		 out;
	enum remote_state	 st;
	int			 status;
	long			 pid;
	int			 k;
	char			*e[] = { "V=it's $(here)", NULL };

	assert_non_null(mkdtemp(dir));
	s = status_of(dir, "a1");
	assert_string_equal(s, "none\n");
	free(s);

	/* Waiting: the log and the status come back. */
	assert_int_equal(remote_command("printf '%s\\n' \"$V\"; exit 7", e,
	    &line, &cause), 0);
	assert_int_equal(remote_detach_script(dir, "a1", line, true, &script,
	    &cause), 0);
	assert_int_equal(run_sh("/bin/sh", script, &out), 7);
	assert_string_equal(out.data, "it's $(here)\n");
	buf_free(&out);
	s = status_of(dir, "a1");
	assert_string_equal(s, "exited 7\n");
	assert_int_equal(remote_status_parse(s, &st, &status, &pid, &cause), 0);
	assert_int_equal(st, REMOTE_EXITED);
	assert_int_equal(status, 7);
	free(s);
	/* An attempt never runs twice. */
	assert_int_equal(run_sh("/bin/sh", script, &out), 125);
	buf_free(&out);
	free(script);
	free(line);

	/* Output written in parts while it is followed comes back whole and
	 * in order: through GNU tail --pid (one tail, its arguments
	 * recorded by a stand-in that runs the real one), and through the
	 * loop that stands in for it where tail is another (a stand-in
	 * that says it is BusyBox and refuses --pid). */
	/* This process takes orphans and never reaps them, as a node's
	 * init may (a container's first process): the follower must not
	 * wait for an orphan's end, which such an init never makes seen. */
#ifdef PR_SET_CHILD_SUBREAPER
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
#endif
	path = xasprintf("%s/bin", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
	for (k = 0; k < 2; k++) {
		char	*tail = xasprintf("%s/bin/tail", dir), *rec, *name;
		FILE	*f;

		rec = xasprintf("%s/tail-args", dir);
		assert_non_null(f = fopen(tail, "w"));
		if (k == 0)
			fprintf(f, "#!/bin/sh\necho \"$*\" >>'%s'\n"
			    "exec /usr/bin/tail \"$@\"\n", rec);
		else
			fprintf(f, "#!/bin/sh\ncase $1 in --version) "
			    "echo 'tail (BusyBox) 1.36'; exit 0 ;; -s|--pid*) "
			    "echo 'tail: unrecognized option' >&2; exit 1 ;; "
			    "esac\nexec /usr/bin/tail \"$@\"\n");
		assert_int_equal(fclose(f), 0);
		assert_int_equal(chmod(tail, 0700), 0);
		env[0] = xasprintf("PATH=%s/bin:/usr/bin:/bin", dir);
		name = xasprintf("part%d", k);
		assert_int_equal(remote_detach_script(dir, name, "echo a; "
		    "sleep 0.3; printf b; sleep 0.3; echo c; exit 3", true,
		    &script, &cause), 0);
		assert_int_equal(run_sh("/bin/sh", script, &out), 3);
		assert_string_equal(out.data, "a\nbc\n");
		buf_free(&out);
		free(script);
		if (k == 0) {
			size_t	len;

			pidtext = file_read(rec, 4096, &len, &cause);
			assert_non_null(pidtext);
			assert_non_null(strstr(pidtext, "--pid="));
			free(pidtext);
		}
		free(env[0]);
		env[0] = "PATH=/usr/bin:/bin";
		free(name);
		free(rec);
		free(tail);
	}
#ifdef PR_SET_CHILD_SUBREAPER
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
#endif

	/* Not waiting: running, then killed: lost. */
	assert_int_equal(remote_command("sleep 60", NULL, &line, &cause), 0);
	assert_int_equal(remote_detach_script(dir, "a2", line, false, &script,
	    &cause), 0);
	assert_int_equal(run_sh("/bin/sh", script, &out), 0);
	buf_free(&out);
	s = status_of(dir, "a2");
	assert_int_equal(remote_status_parse(s, &st, &status, &pid, &cause), 0);
	assert_int_equal(st, REMOTE_RUNNING);
	free(s);
	path = xasprintf("%s/a2/pid", dir);
	pidtext = file_read(path, 64, &(size_t){ 0 }, &cause);
	assert_non_null(pidtext);
	assert_int_equal(atol(pidtext), pid);
	/* The runner's group: the runner and its sleep. */
	assert_int_equal(kill(-(pid_t)pid, SIGKILL), 0);
	do
		s = status_of(dir, "a2");
	while (strncmp(s, "running", 7) == 0 && (free(s), usleep(10000), 1));
	assert_string_equal(s, "lost\n");
	free(s);
	free(path);
	free(pidtext);
	free(script);
	free(line);

	/* Stopped: the command gets SIGTERM and its status is still written
	 * (143); one that ignores it is killed after the grace period, its
	 * status 137. */
	assert_int_equal(remote_detach_script(dir, "a3", "echo up; sleep 60",
	    false, &script, &cause), 0);
	assert_int_equal(run_sh("/bin/sh", script, &out), 0);
	buf_free(&out);
	free(script);
	wait_up(dir, "a3");
	assert_int_equal(remote_stop_script(dir, "a3", 5, &script, &cause), 0);
	assert_int_equal(run_sh("/bin/sh", script, &out), 0);
	assert_string_equal(out.data, "exited 143\n");
	buf_free(&out);
	free(script);
	assert_int_equal(remote_detach_script(dir, "a4", "trap '' TERM; "
	    "echo up; sleep 60", false, &script, &cause), 0);
	assert_int_equal(run_sh("/bin/sh", script, &out), 0);
	buf_free(&out);
	free(script);
	wait_up(dir, "a4");
	assert_int_equal(remote_stop_script(dir, "a4", 1, &script, &cause), 0);
	assert_int_equal(run_sh("/bin/sh", script, &out), 0);
	assert_string_equal(out.data, "exited 137\n");
	buf_free(&out);
	free(script);
	/* One that ended is left alone. */
	assert_int_equal(remote_stop_script(dir, "a1", 1, &script, &cause), 0);
	assert_int_equal(run_sh("/bin/sh", script, &out), 0);
	assert_string_equal(out.data, "exited 7\n");
	buf_free(&out);
	free(script);

	assert_int_equal(remote_detach_script(dir, "../x", "true", true,
	    &script, &cause), -1);
	assert_string_equal(cause, "'../x' cannot name an attempt");
	free(cause);
	assert_int_equal(remote_detach_script(dir, ".x", "true", true,
	    &script, &cause), -1);
	free(cause);
	assert_int_equal(remote_status_parse("exited 300\n", &st, &status,
	    &pid, &cause), -1);
	free(cause);
	assert_int_equal(remote_status_parse("junk", &st, &status, &pid,
	    &cause), -1);
	free(cause);
	s = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(s), 0);
	free(s);
}

/* remote_ssh_close() asks every host's master side by side: a fake ssh
 * whose `-O exit HOST` waits until the closes of all 8 hosts have
 * started says so for its host; one after the other, none would see the
 * others. */
static void
test_close_side_by_side(void **state)
{
	char			 dir[] = "/tmp/test_remote.XXXXXX", *p, *s;
	const char		*hosts[8];
	struct remote_ssh	 rs;
	struct stat		 st;
	char			*cause = NULL;
	FILE			*f;
	size_t			 i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	p = xasprintf("%s/ssh", dir);
	assert_non_null(f = fopen(p, "w"));
	fprintf(f, "#!/bin/sh\n"
	    "for a; do h=$a; done\n"
	    ": >'%s/started-'\"$h\"\n"
	    "n=0\n"
	    "while [ \"$(ls '%s' | grep -c '^started-')\" -lt 8 ]; do\n"
	    "  n=$((n + 1)); [ $n -lt 50 ] || exit 0; sleep 0.1\n"
	    "done\n"
	    ": >'%s/together-'\"$h\"\n", dir, dir, dir);
	fclose(f);
	assert_int_equal(chmod(p, 0700), 0);
	memset(&rs, 0, sizeof rs);
	rs.ssh = p;
	rs.control_dir = s = xasprintf("%s/ctl", dir);
	assert_int_equal(mkdir(s, 0700), 0);
	for (i = 0; i < 8; i++)
		hosts[i] = xasprintf("node%zu", i + 1);
	assert_int_equal(remote_ssh_close(&rs, hosts, 8, &cause), 0);
	for (i = 0; i < 8; i++) {
		free(p);
		p = xasprintf("%s/together-%s", dir, hosts[i]);
		if (stat(p, &st) != 0)
			fail_msg("the close of %s did not run beside the "
			    "other 7", hosts[i]);
		free((char *)hosts[i]);
	}
	free(p);
	free(s);
	s = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(s), 0);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_command_line),
		cmocka_unit_test(test_ssh_argv),
		cmocka_unit_test(test_ssh_uses),
		cmocka_unit_test(test_transport),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_close_side_by_side),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
