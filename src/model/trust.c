/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* trust.c: whether stepup may act on a file: owned by root or the
 * operator, writable by no one else, and so is every directory above it
 * (sudo's and sshd's StrictModes rule). Run as root, stepup runs what a
 * runbook says and writes where its state directory is: whoever could
 * change either could run commands as root. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runbook.h"
#include "trust.h"
#include "util.h"

/* The id sudo(8) says it ran us for, or -1: trusted only when we are
 * root already (whoever sets our environment then is root too). */
static long
sudo_id(const char *name)
{
	const char	*s = getenv(name);
	char		*end;
	long		 v;

	if (getuid() != 0 || s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0)
		return -1;
	return v;
}

static bool
operator_uid(uid_t u)
{
	return u == 0 || u == getuid() || (long)u == sudo_id("SUDO_UID");
}

static bool
operator_gid(gid_t g)
{
	return g == 0 || g == getgid() || (long)g == sudo_id("SUDO_GID");
}

static char *
user_name(uid_t u)
{
	struct passwd	*pw = getpwuid(u);

	if (pw != NULL && pw->pw_name != NULL)
		return xstrdup(pw->pw_name);
	return xasprintf("uid %u", (unsigned)u);
}

static char *
group_name(gid_t g)
{
	struct group	*gr = getgrgid(g);

	if (gr != NULL && gr->gr_name != NULL)
		return xstrdup(gr->gr_name);
	return xasprintf("gid %u", (unsigned)g);
}

char *
trust_why(const struct stat *sb, const char *path)
{
	char		*owner, *group, *why, *op;
	bool		 sticky = S_ISDIR(sb->st_mode) && (sb->st_mode & S_ISVTX);
	unsigned	 mode = (unsigned)(sb->st_mode & 07777);

	/* Names are looked up only for a refusal: most paths pass. */
	if (operator_uid(sb->st_uid) && (!(sb->st_mode & S_IWOTH) || sticky) &&
	    (!(sb->st_mode & S_IWGRP) || sticky || operator_gid(sb->st_gid)))
		return NULL;
	owner = user_name(sb->st_uid);
	if (!operator_uid(sb->st_uid)) {
		op = user_name(getuid());
		why = xasprintf("%s is owned by %s (mode %04o), not by root or "
		    "the operator %s; fix: chown root %s", path, owner, mode, op,
		    path);
		free(op);
	} else if (sb->st_mode & S_IWOTH)
		why = xasprintf("%s is writable by others%s (owner %s, mode "
		    "%04o); fix: chmod go-w %s", path, S_ISDIR(sb->st_mode) ?
		    " and has no sticky bit" : "", owner, mode, path);
	else {
		group = group_name(sb->st_gid);
		why = xasprintf("%s is writable by its group %s (owner %s, "
		    "mode %04o); fix: chmod go-w %s", path, group, owner, mode,
		    path);
		free(group);
	}
	free(owner);
	return why;
}

char *
trust_path(const char *path)
{
	char		 real[PATH_MAX], *slash, *why, *owner;
	struct stat	 sb;

	/* A link someone else owns could point elsewhere once checked (in
	 * a sticky directory, where the kernel's protected_symlinks does
	 * not stop us following it when it is off). */
	if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode) &&
	    !operator_uid(sb.st_uid)) {
		owner = user_name(sb.st_uid);
		why = xasprintf("%s is a symbolic link owned by %s, not by root "
		    "or the operator; fix: chown -h root %s", path, owner, path);
		free(owner);
		return why;
	}
	if (realpath(path, real) == NULL)
		return NULL;
	for (;;) {
		if (stat(real, &sb) == -1)
			return xasprintf("cannot check %s: %s", real,
			    strerror(errno));
		if ((why = trust_why(&sb, real)) != NULL)
			return why;
		if (strcmp(real, "/") == 0)
			return NULL;
		slash = strrchr(real, '/');
		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

char *
trust_link_why(int dfd, const char *name, const char *path, bool dir)
{
	char		 target[PATH_MAX], *owner, *why;
	struct stat	 sb;
	ssize_t		 n;

	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == -1)
		return xasprintf("%s: %s", path, strerror(errno));
	if (!S_ISLNK(sb.st_mode))
		return xasprintf("%s is not a %s (mode %06o); fix: move it "
		    "away", path, dir ? "directory" : "regular file",
		    (unsigned)sb.st_mode);
	if ((n = readlinkat(dfd, name, target, sizeof target - 1)) == -1)
		n = 0;
	target[n] = '\0';
	owner = user_name(sb.st_uid);
	why = xasprintf("%s is a symbolic link to %s (owner %s); stepup "
	    "follows no link in its state directory; fix: rm %s", path,
	    target, owner, path);
	free(owner);
	return why;
}

/* ---- the files a runbook names ------------------------------------------- */

/* A byte of a path written plainly in shell text. */
static bool
path_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("._/+@%,:=-", c) != NULL;
}

/* The word boundary before a "./": start, a blank, a quote, an operator. */
static bool
word_start(const char *text, const char *p)
{
	return p == text || strchr(" \t\n\"'`;&|()<>=", p[-1]) != NULL;
}

static void
check_file(const char *file, const struct runbook *rb, struct rb_pos pos,
    const char *what, struct rb_diags *diags)
{
	struct stat	 sb;
	char		*why;

	if (stat(file, &sb) == -1)
		return;
	if ((why = trust_path(file)) != NULL) {
		rb_diag_add(diags, RB_ERROR, rb->path, pos, "%s %s is not "
		    "trusted: %s", what, file, why);
		free(why);
	}
}

/* Each file in the runbook's directory that command names, as
 * "$STEPUP_RUNBOOK_DIR/PATH", "${STEPUP_RUNBOOK_DIR}/PATH" or "./PATH" (a
 * command runs there): the script it runs. */
static void
check_command(const char *command, const struct runbook *rb,
    struct rb_pos pos, struct rb_diags *diags)
{
	static const char *const prefixes[] = {
		"$STEPUP_RUNBOOK_DIR/", "${STEPUP_RUNBOOK_DIR}/", "./",
	};
	const char	*p, *q;
	char		*file;
	size_t		 i, n;

	if (command == NULL)
		return;
	for (p = command; *p != '\0'; p++) {
		for (i = 0; i < nitems(prefixes); i++) {
			n = strlen(prefixes[i]);
			if (strncmp(p, prefixes[i], n) == 0 &&
			    (i < 2 || word_start(command, p)))
				break;
		}
		if (i == nitems(prefixes))
			continue;
		for (q = p + n; path_byte(*q); q++)
			;
		if (q == p + n)
			continue;
		file = xasprintf("%s/%.*s", rb->dir, (int)(q - p - n), p + n);
		check_file(file, rb, pos, "the script", diags);
		free(file);
		p = q - 1;
	}
}

void
trust_runbook(const struct runbook *rb, struct rb_diags *diags)
{
	const struct rb_step	*st;
	char			*file;
	size_t			 ph, i;

	check_command(rb->versions.installed.command, rb,
	    rb->versions.installed.pos, diags);
	check_command(rb->versions.available.command, rb,
	    rb->versions.available.pos, diags);
	for (ph = 0; ph < RB_PHASE__COUNT; ph++) {
		for (i = 0; i < rb->phases[ph].n; i++) {
			st = &rb->phases[ph].v[i];
			check_command(st->run, rb, st->run_at.pos, diags);
			check_command(st->undo, rb, st->undo_at.pos, diags);
			/* A document named with $VARS is checked when it is
			 * opened (session_document), its name known. */
			if (st->file == NULL || strchr(st->file, '$') != NULL)
				continue;
			if (st->file[0] == '/')
				file = xstrdup(st->file);
			else
				file = xasprintf("%s/%s", rb->dir, st->file);
			check_file(file, rb, st->pos, "the document", diags);
			free(file);
		}
	}
}
