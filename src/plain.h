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

#endif
