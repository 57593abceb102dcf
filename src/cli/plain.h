/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* plain.h: plain mode, the line-prompt front end of a session: numbered
 * prompts on stdout, answers from stdin, for scripts, serial consoles and
 * screen readers. The protocol is documented in stepup(1), PLAIN MODE. */
#ifndef STEPUP_PLAIN_H
#define STEPUP_PLAIN_H

#include <stdio.h>

struct session;

/* Drive an opened session to its end in plain mode, reading answers from
 * in and writing prompts to out: resume or abandon an unfinished run,
 * plan, ask the runbook's questions, then walk the steps. End of input
 * pauses the run (resumable). Returns the exit status: EXIT_DONE when the
 * run is done, EXIT_FAILED when it failed or was paused, EXIT_REFUSED
 * when no path is allowed. */
int	plain_run(struct session *, FILE *in, FILE *out);
/* Guided rollback in plain mode, of a session opened with opts.rollback:
 * resume the run to roll back (or an interrupted rollback run), show what
 * will be undone and check its artifacts, begin the rollback run (its
 * first step is the typed "yes, roll back to V"), walk it like any run,
 * then probe the installed version and print a summary. Returns
 * EXIT_DONE when the old version is back, EXIT_FAILED otherwise (failed,
 * paused, artifacts that cannot be trusted), EXIT_USAGE when there is
 * nothing to roll back. */
int	plain_rollback(struct session *, FILE *in, FILE *out);

#endif
