/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* version.c: parse and order semver 2.0, calendar, PEP 440 and loose
 * dotted versions; see version.h. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "util.h"
#include "version.h"

/* Digits kept in one number: enough for any date or counter, and safe
 * from overflow in an unsigned long long. */
#define MAX_DIGITS 18

const char *
version_scheme_name(enum rb_scheme s)
{
	switch (s) {
	case RB_SCHEME_SEMVER:
		return "semver";
	case RB_SCHEME_CALVER:
		return "calver";
	case RB_SCHEME_PEP440:
		return "pep440";
	case RB_SCHEME_LOOSE:
		return "loose";
	}
	return "unknown";
}

/* Read a run of digits at *pp into *out. Returns the number of digits (0
 * when there are none), or -1 when there are too many. */
static int
read_number(const char **pp, unsigned long long *out)
{
	const char		*p = *pp;
	unsigned long long	 n = 0;
	int			 len = 0;

	while (isdigit((unsigned char)*p)) {
		if (++len > MAX_DIGITS)
			return -1;
		n = n * 10 + (unsigned long long)(*p - '0');
		p++;
	}
	*pp = p;
	*out = n;
	return len;
}

/* Parse "N.N.N..." at *pp. strict: no leading zeros. */
static int
parse_release(struct version *v, const char **pp, bool strict, char **cause)
{
	const char	*p = *pp, *start;
	int		 len;

	for (;;) {
		start = p;
		if ((len = read_number(&p, &v->part[v->n])) < 0) {
			*cause = xstrdup("a number is too large");
			return -1;
		}
		if (len == 0) {
			*cause = xstrdup(v->n == 0 ?
			    "it does not start with a number" :
			    "a dot is not followed by a number");
			return -1;
		}
		if (strict && len > 1 && *start == '0') {
			*cause = xstrdup("a number has a leading zero");
			return -1;
		}
		v->n++;
		if (*p != '.')
			break;
		if (v->n == VERSION_MAX_PARTS) {
			*cause = xasprintf("it has more than %d numbers",
			    VERSION_MAX_PARTS);
			return -1;
		}
		/* PEP 440 allows ".post1" and ".dev2" after the release. */
		if (v->scheme == RB_SCHEME_PEP440 &&
		    !isdigit((unsigned char)p[1]))
			break;
		p++;
	}
	*pp = p;
	return 0;
}

/* Check semver-style dot-separated identifiers of length len at p:
 * [0-9A-Za-z-]+, numeric ones without leading zeros when strict. */
static int
check_idents(const char *p, size_t len, bool strict, const char *what,
    char **cause)
{
	size_t	 i, start = 0;
	bool	 numeric;

	if (len == 0) {
		*cause = xasprintf("the %s is empty", what);
		return -1;
	}
	for (i = 0; i <= len; i++) {
		if (i < len && p[i] != '.') {
			if (!isalnum((unsigned char)p[i]) && p[i] != '-') {
				*cause = xasprintf("the %s has '%c', which "
				    "is not a letter, digit, '-' or '.'", what,
				    p[i]);
				return -1;
			}
			continue;
		}
		if (i == start) {
			*cause = xasprintf("the %s has an empty part", what);
			return -1;
		}
		numeric = true;
		for (size_t k = start; k < i; k++)
			if (!isdigit((unsigned char)p[k]))
				numeric = false;
		if (strict && numeric && i - start > 1 && p[start] == '0') {
			*cause = xasprintf("a number in the %s has a "
			    "leading zero", what);
			return -1;
		}
		start = i + 1;
	}
	return 0;
}

/* The tail of semver, calver and loose versions: [-pre][+build]. */
static int
parse_dash_tail(struct version *v, const char *start, const char *p,
    bool strict, char **cause)
{
	const char	*plus;
	size_t		 len;

	if (*p == '-') {
		p++;
		plus = strchr(p, '+');
		len = plus != NULL ? (size_t)(plus - p) : strlen(p);
		if (check_idents(p, len, strict, "pre-release", cause) != 0)
			return -1;
		v->pre_off = (size_t)(p - start);
		v->pre_len = len;
		p += len;
	}
	if (*p == '+') {
		p++;
		if (check_idents(p, strlen(p), false, "build metadata",
		    cause) != 0)
			return -1;
		return 0;
	}
	if (*p != '\0') {
		*cause = xasprintf("'%s' is not expected after the numbers", p);
		return -1;
	}
	return 0;
}

/* Case-insensitive match of a word at *pp; advances past it. */
static bool
eat_word(const char **pp, const char *word)
{
	size_t	n = strlen(word);

	if (strncasecmp(*pp, word, n) != 0)
		return false;
	*pp += n;
	return true;
}

static bool
is_sep(char c)
{
	return c == '.' || c == '-' || c == '_';
}

/* An optional separator then an optional number (implicit 0). */
static int
pep_number(const char **pp, long long *out, char **cause)
{
	const char		*p = *pp;
	unsigned long long	 n;
	int			 len;

	if (is_sep(*p) && isdigit((unsigned char)p[1]))
		p++;
	if ((len = read_number(&p, &n)) < 0) {
		*cause = xstrdup("a number is too large");
		return -1;
	}
	*out = (long long)n;
	*pp = p;
	return 0;
}

/* The tail of a PEP 440 version: [{a|b|rc}N][.postN][.devN][+local]. */
static int
parse_pep_tail(struct version *v, const char *p, char **cause)
{
	static const struct { const char *word; int phase; } pre[] = {
		{ "alpha", 0 }, { "a", 0 }, { "beta", 1 }, { "b", 1 },
		{ "preview", 2 }, { "pre", 2 }, { "rc", 2 }, { "c", 2 },
	};
	const char		*q;
	size_t			 i;
	unsigned long long	 n;

	/* pre-release */
	q = is_sep(*p) ? p + 1 : p;
	for (i = 0; i < nitems(pre); i++) {
		const char *r = q;
		if (eat_word(&r, pre[i].word) && !isalpha((unsigned char)*r)) {
			v->pep_pre = pre[i].phase;
			if (pep_number(&r, &v->pep_pre_n, cause) != 0)
				return -1;
			p = r;
			break;
		}
	}
	/* post-release: "-N" or [sep](post|rev|r)[N] */
	if (*p == '-' && isdigit((unsigned char)p[1])) {
		p++;
		if (read_number(&p, &n) < 0) {
			*cause = xstrdup("a number is too large");
			return -1;
		}
		v->pep_post = (long long)n;
	} else {
		q = is_sep(*p) ? p + 1 : p;
		if ((eat_word(&q, "post") || eat_word(&q, "rev") ||
		    eat_word(&q, "r")) && !isalpha((unsigned char)*q)) {
			if (pep_number(&q, &v->pep_post, cause) != 0)
				return -1;
			p = q;
		}
	}
	/* development release */
	q = is_sep(*p) ? p + 1 : p;
	if (eat_word(&q, "dev") && !isalpha((unsigned char)*q)) {
		if (pep_number(&q, &v->pep_dev, cause) != 0)
			return -1;
		p = q;
	}
	/* local version label: accepted, not ordered */
	if (*p == '+') {
		p++;
		if (*p == '\0' || !isalnum((unsigned char)*p)) {
			*cause = xstrdup("the local label after '+' is empty");
			return -1;
		}
		for (; *p != '\0'; p++) {
			if (!isalnum((unsigned char)*p) && !(is_sep(*p) &&
			    isalnum((unsigned char)p[1]))) {
				*cause = xasprintf("the local label has "
				    "'%c'", *p);
				return -1;
			}
		}
	}
	if (*p != '\0') {
		*cause = xasprintf("'%s' is not a PEP 440 pre, post, dev or "
		    "local part", p);
		return -1;
	}
	return 0;
}

int
version_parse(struct version *v, enum rb_scheme scheme, const char *text,
    char **cause)
{
	const char		*p = text;
	unsigned long long	 n;
	int			 len;

	memset(v, 0, sizeof *v);
	v->scheme = scheme;
	v->pep_pre = -1;
	v->pep_pre_n = v->pep_post = v->pep_dev = -1;
	if (*p == '\0') {
		*cause = xstrdup("it is empty");
		return -1;
	}
	if ((*p == 'v' || *p == 'V') && isdigit((unsigned char)p[1]))
		p++;
	if (scheme == RB_SCHEME_PEP440) {
		const char *q = p;
		if ((len = read_number(&q, &n)) > 0 && *q == '!') {
			v->epoch = n;
			p = q + 1;
		}
	}
	if (parse_release(v, &p, scheme == RB_SCHEME_SEMVER, cause) != 0)
		goto bad;
	switch (scheme) {
	case RB_SCHEME_SEMVER:
		if (v->n != 3) {
			*cause = xasprintf("it has %d number%s, not "
			    "MAJOR.MINOR.PATCH", v->n, v->n == 1 ? "" : "s");
			goto bad;
		}
		if (parse_dash_tail(v, text, p, true, cause) != 0)
			goto bad;
		break;
	case RB_SCHEME_CALVER:
		if (v->n < 2) {
			*cause = xstrdup("a calendar version has at least two "
			    "numbers, such as 23.09");
			goto bad;
		}
		/* FALLTHROUGH */
	case RB_SCHEME_LOOSE:
		if (parse_dash_tail(v, text, p, false, cause) != 0)
			goto bad;
		break;
	case RB_SCHEME_PEP440:
		if (parse_pep_tail(v, p, cause) != 0)
			goto bad;
		break;
	}
	v->text = xstrdup(text);
	return 0;
bad:
	memset(v, 0, sizeof *v);
	return -1;
}

void
version_free(struct version *v)
{
	free(v->text);
	v->text = NULL;
}

static int
cmp_ull(unsigned long long a, unsigned long long b)
{
	return a < b ? -1 : a > b;
}

static int
cmp_ll(long long a, long long b)
{
	return a < b ? -1 : a > b;
}

static bool
all_digits(const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return true;
}

/* Semver 2.0 section 11: identifiers compared one by one; numeric ones
 * numerically and below alphanumeric ones; a longer list wins a tie. */
static int
cmp_prerelease(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	ai = 0, bi = 0, ae, be, la, lb, sa, sb;
	bool	an, bn;
	int	c;

	for (;;) {
		for (ae = ai; ae < alen && a[ae] != '.'; ae++)
			;
		for (be = bi; be < blen && b[be] != '.'; be++)
			;
		sa = ai;
		sb = bi;
		la = ae - ai;
		lb = be - bi;
		an = all_digits(a + sa, la);
		bn = all_digits(b + sb, lb);
		if (an && bn) {
			for (; la > 1 && a[sa] == '0'; sa++, la--)
				;
			for (; lb > 1 && b[sb] == '0'; sb++, lb--)
				;
			if (la != lb)
				return la < lb ? -1 : 1;
			if ((c = memcmp(a + sa, b + sb, la)) != 0)
				return c < 0 ? -1 : 1;
		} else if (an != bn) {
			return an ? -1 : 1;
		} else {
			c = memcmp(a + sa, b + sb, la < lb ? la : lb);
			if (c != 0)
				return c < 0 ? -1 : 1;
			if (la != lb)
				return la < lb ? -1 : 1;
		}
		if (ae >= alen || be >= blen)
			return (ae < alen) - (be < blen);
		ai = ae + 1;
		bi = be + 1;
	}
}

static unsigned long long
part_at(const struct version *v, int i)
{
	return i < v->n ? v->part[i] : 0;
}

int
version_diff_index(const struct version *a, const struct version *b)
{
	int	i, n = a->n > b->n ? a->n : b->n;

	for (i = 0; i < n; i++)
		if (part_at(a, i) != part_at(b, i))
			return i;
	return n;
}

bool
version_same_series(const struct version *a, const struct version *b,
    int series)
{
	int	i;

	for (i = 0; i < series; i++)
		if (part_at(a, i) != part_at(b, i))
			return false;
	return true;
}

bool
version_is_prerelease(const struct version *v)
{
	if (v->scheme == RB_SCHEME_PEP440)
		return v->pep_pre >= 0 || v->pep_dev >= 0;
	return v->pre_len > 0;
}

/* PEP 440's order of the parts after the release, as a tuple: a dev
 * release of the final sorts before its pre-releases, a final after them,
 * a post-release after the final, a dev release before its parent. */
static int
cmp_pep_tail(const struct version *a, const struct version *b)
{
	long long	ka, kb;
	int		c;

	/* pre: (phase, n); none with a dev and no post = -inf; none = +inf */
#define PRE_KEY(v, ph) ((v)->pep_pre >= 0 ? (ph) :			\
	((v)->pep_post < 0 && (v)->pep_dev >= 0 ? -1 : 3))
	ka = PRE_KEY(a, a->pep_pre);
	kb = PRE_KEY(b, b->pep_pre);
#undef PRE_KEY
	if ((c = cmp_ll(ka, kb)) != 0)
		return c;
	if (a->pep_pre >= 0 && (c = cmp_ll(a->pep_pre_n, b->pep_pre_n)) != 0)
		return c;
	if ((c = cmp_ll(a->pep_post, b->pep_post)) != 0)
		return c;
	/* dev: none = +inf */
	ka = a->pep_dev >= 0 ? a->pep_dev : -1;
	kb = b->pep_dev >= 0 ? b->pep_dev : -1;
	if (ka < 0 || kb < 0)
		return (ka < 0) - (kb < 0);
	return cmp_ll(ka, kb);
}

int
version_cmp(const struct version *a, const struct version *b)
{
	int	i, c, n = a->n > b->n ? a->n : b->n;

	if ((c = cmp_ull(a->epoch, b->epoch)) != 0)
		return c;
	for (i = 0; i < n; i++)
		if ((c = cmp_ull(part_at(a, i), part_at(b, i))) != 0)
			return c;
	if (a->scheme == RB_SCHEME_PEP440)
		return cmp_pep_tail(a, b);
	if (a->pre_len == 0 || b->pre_len == 0)
		return (a->pre_len == 0) - (b->pre_len == 0);
	return cmp_prerelease(a->text + a->pre_off, a->pre_len,
	    b->text + b->pre_off, b->pre_len);
}

int
version_in_range(enum rb_scheme scheme, const char *text, const char *range,
    char **cause)
{
	static const char *const ops[] = { ">=", "<=", "==", "!=", ">", "<",
		"=", NULL };
	struct version	 v, w;
	const char	*p = range, *q;
	char		*s, *why;
	size_t		 len;
	int		 k, c, in = 1, any = 0;

	if (text != NULL && version_parse(&v, scheme, text, &why) != 0) {
		*cause = xasprintf("'%s' is not a valid %s version: %s", text,
		    version_scheme_name(scheme), why);
		free(why);
		return -1;
	}
	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			break;
		for (k = 0; ops[k] != NULL; k++)
			if (strncmp(p, ops[k], strlen(ops[k])) == 0)
				break;
		if (ops[k] == NULL) {
			*cause = xasprintf("range '%s': '%s' does not start "
			    "with >=, >, <=, <, = or !=", range, p);
			goto fail;
		}
		p += strlen(ops[k]);
		p += strspn(p, " \t");
		len = strcspn(p, " \t,");
		q = p + len;
		s = xstrndup(p, len);
		if (len == 0 || version_parse(&w, scheme, s, &why) != 0) {
			*cause = len == 0 ? xasprintf("range '%s': %s is not "
			    "followed by a version", range, ops[k]) :
			    xasprintf("range '%s': '%s' is not a valid %s "
			    "version: %s", range, s, version_scheme_name(scheme),
			    why);
			if (len > 0)
				free(why);
			free(s);
			goto fail;
		}
		free(s);
		if (text != NULL) {
			c = version_cmp(&v, &w);
			switch (ops[k][0]) {
			case '>':
				in &= ops[k][1] == '=' ? c >= 0 : c > 0;
				break;
			case '<':
				in &= ops[k][1] == '=' ? c <= 0 : c < 0;
				break;
			case '!':
				in &= c != 0;
				break;
			default:
				in &= c == 0;
				break;
			}
		}
		version_free(&w);
		any = 1;
		p = q;
	}
	if (!any) {
		*cause = xasprintf("range '%s' has no comparison", range);
		goto fail;
	}
	if (text != NULL)
		version_free(&v);
	return in;
fail:
	if (text != NULL)
		version_free(&v);
	return -1;
}
