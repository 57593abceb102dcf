/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* version.h: parse and order version strings under a runbook's scheme:
 * semver 2.0, calendar versions (23.09.10), PEP 440 (24.03.0rc1, .post1,
 * .dev2) and loose dotted numbers, each with an optional leading `v`.
 *
 * Ownership: a struct version owns its `text` (the string as written);
 * version_free() releases it. Comparison never allocates, so a sorted
 * catalog of thousands of versions is cheap to search. */
#ifndef STEPUP_VERSION_H
#define STEPUP_VERSION_H

#include <stdbool.h>
#include <stddef.h>

#include "runbook.h"

/* Release components kept; a version with more does not parse. */
#define VERSION_MAX_PARTS 8

struct version {
	char			*text;	/* as written, owned */
	enum rb_scheme		 scheme;
	unsigned long long	 epoch;	/* PEP 440 N!; 0 otherwise */
	int			 n;	/* release components, 1..MAX_PARTS */
	unsigned long long	 part[VERSION_MAX_PARTS];
	/* semver, calver, loose: the pre-release after '-' (dot-separated
	   identifiers, compared as semver 2.0 says), as an offset and a
	   length into text; pre_len 0 when there is none. */
	size_t			 pre_off, pre_len;
	/* PEP 440: pre-release phase (0 a, 1 b, 2 rc; -1 none) and number,
	   post and dev numbers (-1 none). */
	int			 pep_pre;
	long long		 pep_pre_n, pep_post, pep_dev;
};

/* "semver", "calver", "pep440", "loose". */
const char	*version_scheme_name(enum rb_scheme);

/* Parse text under the scheme into *v. Returns 0, or -1 with *cause set
 * (caller frees) to why it is not valid, e.g. "a number has a leading
 * zero"; *v is then left empty and need not be freed. */
int	 version_parse(struct version *v, enum rb_scheme, const char *text,
	    char **cause);
/* Free the text of a parsed version (not v itself). */
void	 version_free(struct version *v);
/* Order two versions of the same scheme: <0, 0 or >0. Equal means equal
 * precedence (semver build metadata is ignored; 1.2 equals 1.2.0). */
int	 version_cmp(const struct version *, const struct version *);
/* Index of the first release component that differs (missing ones count
 * as 0), or the number of components compared when the releases are equal
 * and only a pre-release, post or dev part differs. */
int	 version_diff_index(const struct version *, const struct version *);
/* Whether the first `series` release components are equal. */
bool	 version_same_series(const struct version *, const struct version *,
	    int series);
/* Whether the version text is in a range: comparisons ">=24.03", "<25",
 * "=1.2.3" (or "==", "!="), separated by commas or spaces, all of which
 * must hold. Returns 1 or 0, or -1 with *cause set (caller frees) when the
 * range or a version in it does not parse. */
int	 version_in_range(enum rb_scheme, const char *text, const char *range,
	    char **cause);
/* Whether v is a pre-release (semver/calver/loose "-x", PEP 440 a/b/rc
 * or dev). */
bool	 version_is_prerelease(const struct version *);

#endif
