/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* catalog.h: where the versions of a plan come from: the catalog (the
 * runbook's list, or what its versions.available command prints), the
 * installed version (what versions.installed.command prints) and the
 * default target. `stepup plan` and the session both resolve versions
 * here, so that they always see the same ones.
 *
 * Probes are read-only by contract and run without a confirmation, but
 * they are runbook commands all the same: the caller is told of every
 * probe before it runs and after (command and outcome) through
 * catalog_note_fn, so that the session journals its start before the fork
 * and its outcome after, as it does for a step's command. */
#ifndef STEPUP_CATALOG_H
#define STEPUP_CATALOG_H

#include "plan.h"
#include "runbook.h"

/* Seconds a version probe may take. */
#define CATALOG_PROBE_TIMEOUT 60

/* Called twice per probe: what ("installed", "available") and the
 * command, first with outcome NULL, before it runs, then with how it went
 * ("exit 0, output: ..." or why it failed). Returns 0, or -1 with *cause
 * (caller frees): before, the probe is then not run; after, its output is
 * not used. Either way the probe fails with that cause. */
typedef int (*catalog_note_fn)(void *arg, const char *what,
    const char *command, const char *outcome, char **cause);

struct catalog_probe {
	char *const	*envp;	/* the probe's whole environment */
	const char	*dir;	/* its working directory, or NULL */
	catalog_note_fn	 note;	/* or NULL */
	void		*arg;
};

/* The environment of a probe: PATH (a default when unset), HOME, USER,
 * LOGNAME, LANG, LC_ALL, TZ and TMPDIR from stepup's own, then
 * STEPUP_RUNBOOK_DIR, then every "NAME=value" of extra (NULL-terminated,
 * may be NULL). The caller frees it with catalog_env_free(). */
char		**catalog_env(const struct runbook *, char *const *extra);
void		  catalog_env_free(char **);

/* The catalog: the runbook's list, or the lines its versions.available
 * command prints. Returns NULL with *status (EXIT_USAGE for a bad list in
 * the runbook, EXIT_FAILED for a probe that failed or printed something
 * else than versions) and *cause (caller frees, naming FILE:LINE:COL). */
struct plan_catalog	*catalog_resolve(const struct runbook *,
			    const struct catalog_probe *, int *status,
			    char **cause);

/* The installed version, as versions.installed.command prints it: one
 * line holding one valid version. Returns it (caller frees), or NULL with
 * *status and *cause as above; EXIT_USAGE when the runbook asks for the
 * version instead of probing it. */
char		*catalog_installed(const struct runbook *,
		    const struct catalog_probe *, int *status, char **cause);

#endif
