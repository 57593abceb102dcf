/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* trust.h: whether stepup may act on a file: the rule of sudo and sshd's
 * StrictModes, for the runbook, the files it names and the state
 * directory. Plain C; no curses here. */
#ifndef STEPUP_TRUST_H
#define STEPUP_TRUST_H

#include <stdbool.h>
#include <sys/stat.h>

/*
 * A file or directory is trusted when it is owned by root or by the
 * operator (the real user; run as root under sudo, also SUDO_UID), and no
 * one else can write it: not writable by others, nor by its group unless
 * that group is root's or the operator's; a directory writable by others
 * is trusted only with the sticky bit (as /tmp). A path is trusted when
 * it (with its links resolved) and every directory above it up to / are.
 */

/* Why the file path, as sb describes it, is not trusted ("PATH is
 * writable by others (owner root, mode 0666); fix: chmod go-w PATH"), or
 * NULL when it is. The caller frees the result. */
char	*trust_why(const struct stat *sb, const char *path);
/* Why path is not trusted, or NULL: path and each directory above it,
 * links resolved; a path that does not exist is left to whoever opens
 * it (NULL). The caller frees the result. */
char	*trust_path(const char *path);
/* Why stepup will not use what is at name in the directory dfd (path,
 * for the message): "PATH is a symbolic link to TARGET (owner root) ...",
 * or not a directory (dir) or regular file. The caller frees it. */
char	*trust_link_why(int dfd, const char *name, const char *path,
	    bool dir);

struct runbook;
struct rb_diags;
/* An error in diags for each file the runbook names that is not trusted:
 * a read step's document (when its name has no $VARS), and each script
 * in the runbook's directory that a command names ($STEPUP_RUNBOOK_DIR/
 * or ./ followed by a path). The runbook itself is runbook_load's. */
void	 trust_runbook(const struct runbook *, struct rb_diags *);

#endif
