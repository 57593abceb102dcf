/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* inventory.c: hosts and groups from a runbook mapping, an Ansible
 * inventory file (INI or YAML) or a command's output, and the host
 * patterns that select them (see inventory.h for the rules, which follow
 * Ansible's). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inventory.h"
#include "util.h"

/* The implicit groups, as inv_group_get() returns them. */
#define INV_ALL		(-2L)
#define INV_UNGROUPED	(-3L)
#define INV_FAIL	(-1L)

/* A name-to-index table: open addressing, keys borrowed from the
 * inventory's names (which never move). */
struct inv_slot {
	const char	*key;
	size_t		 val;
};
struct inv_table {
	struct inv_slot	*v;
	size_t		 cap, n;
};

static uint64_t
table_hash(const char *s)
{
	uint64_t	h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static long
table_get(const struct inv_table *t, const char *key)
{
	size_t	i;

	if (t->cap == 0)
		return -1;
	for (i = table_hash(key) & (t->cap - 1); t->v[i].key != NULL;
	    i = (i + 1) & (t->cap - 1)) {
		if (strcmp(t->v[i].key, key) == 0)
			return (long)t->v[i].val;
	}
	return -1;
}

static void
table_put(struct inv_table *t, const char *key, size_t val)
{
	struct inv_slot	*old = t->v;
	size_t		 oldcap = t->cap, i;

	if ((t->n + 1) * 2 > t->cap) {
		t->cap = oldcap == 0 ? 64 : oldcap * 2;
		t->v = xcalloc(t->cap, sizeof *t->v);
		t->n = 0;
		for (i = 0; i < oldcap; i++) {
			if (old[i].key != NULL)
				table_put(t, old[i].key, old[i].val);
		}
		free(old);
	}
	for (i = table_hash(key) & (t->cap - 1); t->v[i].key != NULL;
	    i = (i + 1) & (t->cap - 1))
		;
	t->v[i].key = key;
	t->v[i].val = val;
	t->n++;
}

/* An empty inventory. */
struct inventory *
inventory_new(void)
{
	struct inventory	*inv;

	inv = xcalloc(1, sizeof *inv);
	inv->host_index = xcalloc(1, sizeof *inv->host_index);
	inv->group_index = xcalloc(1, sizeof *inv->group_index);
	return inv;
}

/* Free an inventory and every name in it. */
void
inventory_free(struct inventory *inv)
{
	size_t	i;

	if (inv == NULL)
		return;
	for (i = 0; i < inv->nhosts; i++) {
		free(inv->hosts[i].name);
		free(inv->hosts[i].groups);
	}
	for (i = 0; i < inv->ngroups; i++) {
		free(inv->groups[i].name);
		free(inv->groups[i].hosts);
		free(inv->groups[i].children);
		free(inv->groups[i].file);
	}
	free(inv->hosts);
	free(inv->groups);
	free(inv->excluded);
	free(inv->limit);
	free(inv->host_index->v);
	free(inv->group_index->v);
	free(inv->host_index);
	free(inv->group_index);
	free(inv);
}

/* The host or group of that name, or -1. */
long
inventory_host(const struct inventory *inv, const char *name)
{
	return table_get(inv->host_index, name);
}

long
inventory_group(const struct inventory *inv, const char *name)
{
	return table_get(inv->group_index, name);
}

static bool
host_char(int c)
{
	return isascii(c) && (isalnum(c) || c == '.' || c == '-' || c == '_');
}

/* Why name is no host name, or NULL when it is one. */
static const char *
host_name_invalid(const char *name)
{
	const char	*p;

	if (*name == '\0')
		return "an empty host name";
	if (strlen(name) > INV_MAX_NAME)
		return "a host name longer than 253 bytes";
	if (*name == '-' || *name == '.')
		return "a host name must not start with '-' or '.'";
	for (p = name; *p != '\0'; p++) {
		if (!host_char((unsigned char)*p))
			return "a host name holds only letters, digits, '.', "
			    "'-' and '_' (put other spellings in ssh_config "
			    "as HostName)";
	}
	return NULL;
}

/* Why name is no group name, or NULL when it is one. */
static const char *
group_name_invalid(const char *name)
{
	const char	*p;

	if (*name == '\0')
		return "an empty group name";
	if (strlen(name) > INV_MAX_NAME)
		return "a group name longer than 253 bytes";
	if (!isascii((unsigned char)*name) ||
	    !(isalpha((unsigned char)*name) || *name == '_'))
		return "a group name starts with a letter or '_'";
	for (p = name; *p != '\0'; p++) {
		if (!host_char((unsigned char)*p))
			return "a group name holds only letters, digits, '.', "
			    "'-' and '_'";
	}
	return NULL;
}

/* Whether group g names host h directly. */
static bool
group_has_host(const struct inventory *inv, size_t g, size_t h)
{
	const struct inv_host	*host = &inv->hosts[h];
	size_t			 i;

	for (i = 0; i < host->ngroups; i++) {
		if (host->groups[i] == g)
			return true;
	}
	return false;
}

/* Arrays of hosts grow by doubling, not by one: 100000 hosts in a group
 * would copy the array 100000 times (quadratic, and minutes under a
 * sanitizer's realloc). n elements fill a capacity of the next power of
 * two, so the array is grown when n is 0 or a power of two. */
static bool
grow_at(size_t n)
{
	return (n & (n - 1)) == 0;
}

static size_t
grow_to(size_t n)
{
	return n == 0 ? 1 : n * 2;
}

/* Add host name (valid) to the inventory and to group g (or an implicit
 * group). Returns -1 past the cap, with an error. */
static long
inv_add_host(struct inventory *inv, const char *name, int port, long g,
    const char *file, struct rb_pos pos, struct rb_diags *diags)
{
	struct inv_host		*host;
	struct inv_group	*grp;
	long			 h;

	if ((h = table_get(inv->host_index, name)) < 0) {
		if (inv->nhosts >= INV_MAX_HOSTS) {
			rb_diag_add(diags, RB_ERROR, file, pos,
			    "more than %d hosts: an inventory holds no more",
			    INV_MAX_HOSTS);
			return -1;
		}
		if (grow_at(inv->nhosts))
			inv->hosts = xreallocarray(inv->hosts,
			    grow_to(inv->nhosts), sizeof *inv->hosts);
		host = &inv->hosts[inv->nhosts];
		memset(host, 0, sizeof *host);
		host->name = xstrdup(name);
		host->pos = pos;
		h = (long)inv->nhosts++;
		table_put(inv->host_index, host->name, (size_t)h);
	}
	host = &inv->hosts[h];
	if (port != 0)
		host->port = port;
	if (g >= 0 && !group_has_host(inv, (size_t)g, (size_t)h)) {
		grp = &inv->groups[g];
		if (grow_at(grp->nhosts))
			grp->hosts = xreallocarray(grp->hosts,
			    grow_to(grp->nhosts), sizeof *grp->hosts);
		grp->hosts[grp->nhosts++] = (size_t)h;
		host->groups = xreallocarray(host->groups, host->ngroups + 1,
		    sizeof *host->groups);
		host->groups[host->ngroups++] = (size_t)g;
	}
	return h;
}

/* The group of that name, made when missing: INV_ALL and INV_UNGROUPED
 * for the implicit ones, INV_FAIL after an error. define marks it as
 * defined here. */
static long
inv_group_get(struct inventory *inv, const char *name, bool define,
    const char *file, struct rb_pos pos, struct rb_diags *diags)
{
	struct inv_group	*grp;
	const char		*why;
	long			 g;

	if (strcmp(name, "all") == 0)
		return INV_ALL;
	if (strcmp(name, "ungrouped") == 0)
		return INV_UNGROUPED;
	if ((g = table_get(inv->group_index, name)) < 0) {
		if ((why = group_name_invalid(name)) != NULL) {
			rb_diag_add(diags, RB_ERROR, file, pos, "'%s': %s",
			    name, why);
			return INV_FAIL;
		}
		if (inv->ngroups >= INV_MAX_GROUPS) {
			rb_diag_add(diags, RB_ERROR, file, pos,
			    "more than %d groups: an inventory holds no more",
			    INV_MAX_GROUPS);
			return INV_FAIL;
		}
		inv->groups = xreallocarray(inv->groups, inv->ngroups + 1,
		    sizeof *inv->groups);
		grp = &inv->groups[inv->ngroups];
		memset(grp, 0, sizeof *grp);
		grp->name = xstrdup(name);
		grp->pos = pos;
		g = (long)inv->ngroups++;
		table_put(inv->group_index, grp->name, (size_t)g);
	}
	grp = &inv->groups[g];
	if (define)
		grp->defined = true;
	else if (!grp->defined && grp->file == NULL) {
		grp->file = xstrdup(file);
		grp->child_pos = pos;
	}
	return g;
}

/* Whether group to is from, or one of its descendants. */
static bool
group_reaches(const struct inventory *inv, size_t from, size_t to,
    bool *seen)
{
	const struct inv_group	*grp = &inv->groups[from];
	size_t			 i;

	if (from == to)
		return true;
	if (seen[from])
		return false;
	seen[from] = true;
	for (i = 0; i < grp->nchildren; i++) {
		if (group_reaches(inv, grp->children[i], to, seen))
			return true;
	}
	return false;
}

/* Make child a child of parent, refusing a cycle. */
static int
inv_add_child(struct inventory *inv, long parent, long child,
    const char *file, struct rb_pos pos, struct rb_diags *diags)
{
	struct inv_group	*p;
	bool			*seen;
	bool			 cycle;
	size_t			 i;

	if (parent == INV_ALL || child == INV_ALL) {
		if (child == INV_ALL) {
			rb_diag_add(diags, RB_ERROR, file, pos,
			    "'all' cannot be a child group: it is every host");
			return -1;
		}
		return 0;	/* a child of all: every group is */
	}
	if (parent == INV_UNGROUPED || child == INV_UNGROUPED) {
		rb_diag_add(diags, RB_ERROR, file, pos,
		    "'ungrouped' has no children and is no child: it is the "
		    "hosts in no group");
		return -1;
	}
	p = &inv->groups[parent];
	for (i = 0; i < p->nchildren; i++) {
		if (p->children[i] == (size_t)child)
			return 0;
	}
	seen = xcalloc(inv->ngroups, sizeof *seen);
	cycle = group_reaches(inv, (size_t)child, (size_t)parent, seen);
	free(seen);
	if (cycle) {
		rb_diag_add(diags, RB_ERROR, file, pos,
		    "the group '%s' as a child of '%s' makes a cycle (a "
		    "group cannot contain itself)", inv->groups[child].name,
		    inv->groups[parent].name);
		return -1;
	}
	p->children = xreallocarray(p->children, p->nchildren + 1,
	    sizeof *p->children);
	p->children[p->nchildren++] = (size_t)child;
	return 0;
}

/* Every host of a group (its own, then its children's), in order. */
static void
group_collect(const struct inventory *inv, size_t g, bool *gseen,
    bool *hseen, struct inv_sel *sel)
{
	const struct inv_group	*grp = &inv->groups[g];
	size_t			 i;

	if (gseen[g])
		return;
	gseen[g] = true;
	for (i = 0; i < grp->nhosts; i++) {
		if (!hseen[grp->hosts[i]]) {
			hseen[grp->hosts[i]] = true;
			sel->v[sel->n++] = grp->hosts[i];
		}
	}
	for (i = 0; i < grp->nchildren; i++)
		group_collect(inv, grp->children[i], gseen, hseen, sel);
}

void
inventory_group_hosts(const struct inventory *inv, size_t g,
    struct inv_sel *sel)
{
	bool	*gseen, *hseen;

	gseen = xcalloc(inv->ngroups + 1, sizeof *gseen);
	hseen = xcalloc(inv->nhosts + 1, sizeof *hseen);
	sel->v = xcalloc(inv->nhosts + 1, sizeof *sel->v);
	sel->n = 0;
	group_collect(inv, g, gseen, hseen, sel);
	free(gseen);
	free(hseen);
}

void
inventory_sel_free(struct inv_sel *sel)
{
	free(sel->v);
	sel->v = NULL;
	sel->n = 0;
}

/* --- host ranges ----------------------------------------------------- */

static const char inv_letters[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* One [beg:end(:step)] range, as Ansible's expand_hostname_range reads
 * it. */
struct inv_range {
	size_t	 head;		/* bytes before '[' */
	size_t	 tail;		/* offset after ']' */
	bool	 alpha;
	unsigned long long beg, end, step;
	int	 width;		/* zero padding, or 0 */
};

/* Whether s holds a range: its first '[' before its first ':' before its
 * first ']' (Ansible's detect_range). */
static bool
range_detect(const char *s)
{
	const char	*o = strchr(s, '['), *c = strchr(s, ':'),
			*e = strchr(s, ']');

	return o != NULL && c != NULL && e != NULL && o < c && c < e;
}

static bool
range_number(const char *s, size_t n, unsigned long long *v)
{
	size_t	i;

	if (n == 0 || n > 18)
		return false;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		*v = *v * 10 + (unsigned long long)(s[i] - '0');
	}
	return true;
}

/* Parse the first range of s; why says what is wrong. */
static int
range_parse(const char *s, struct inv_range *r, const char **why)
{
	const char	*o = strchr(s, '['), *e = strchr(o, ']');
	const char	*b = o + 1, *c1, *c2, *end;
	size_t		 nb, ne;
	const char	*pl, *pe;

	memset(r, 0, sizeof *r);
	r->head = (size_t)(o - s);
	r->tail = (size_t)(e + 1 - s);
	c1 = memchr(b, ':', (size_t)(e - b));
	c2 = memchr(c1 + 1, ':', (size_t)(e - c1 - 1));
	end = c2 != NULL ? c2 : e;
	if (c2 != NULL && memchr(c2 + 1, ':', (size_t)(e - c2 - 1)) != NULL) {
		*why = "a host range is [start:end] or [start:end:step]";
		return -1;
	}
	nb = (size_t)(c1 - b);
	ne = (size_t)(end - c1 - 1);
	if (ne == 0) {
		*why = "a host range needs its end";
		return -1;
	}
	r->step = 1;
	if (c2 != NULL && (!range_number(c2 + 1, (size_t)(e - c2 - 1),
	    &r->step) || r->step == 0)) {
		*why = "a host range's step is a number from 1";
		return -1;
	}
	if (nb == 1 && ne == 1 && (pl = strchr(inv_letters, *b)) != NULL &&
	    *b != '\0' && (pe = strchr(inv_letters, c1[1])) != NULL &&
	    c1[1] != '\0') {
		/* Letters: Ansible takes every one, whatever the step. */
		r->alpha = true;
		r->beg = (unsigned long long)(pl - inv_letters);
		r->end = (unsigned long long)(pe - inv_letters);
		r->step = 1;
		if (r->beg > r->end) {
			*why = "a host range's start comes after its end";
			return -1;
		}
		return 0;
	}
	if (nb == 0)
		r->beg = 0;
	else if (!range_number(b, nb, &r->beg)) {
		*why = "a host range is of numbers or of single letters";
		return -1;
	}
	if (!range_number(c1 + 1, ne, &r->end)) {
		*why = "a host range is of numbers or of single letters";
		return -1;
	}
	if (nb > 1 && *b == '0') {
		if (nb != ne) {
			*why = "a zero-padded host range needs its end as "
			    "wide as its start";
			return -1;
		}
		r->width = (int)nb;
	}
	if (r->beg > r->end) {
		*why = "a host range's start comes after its end";
		return -1;
	}
	return 0;
}

static unsigned long long
range_count(const struct inv_range *r)
{
	return (r->end - r->beg) / r->step + 1;
}

/* How many names s expands to, capped at max + 1; -1 when a range is
 * wrong. */
static long long
range_total(const char *s, unsigned long long max, const char **why)
{
	struct inv_range	r;
	unsigned long long	total = 1, n;

	while (range_detect(s)) {
		if (range_parse(s, &r, why) != 0)
			return -1;
		n = range_count(&r);
		if (n > max || total > max / n)
			return (long long)max + 1;
		total *= n;
		s += r.tail;
	}
	return (long long)total;
}

/* Expand s into names (Ansible's order: the first range outermost). */
static void
range_expand(const char *s, char ***names, size_t *n)
{
	struct inv_range	r;
	unsigned long long	v;
	const char		*why;
	char			*name;

	if (!range_detect(s)) {
		*names = xreallocarray(*names, *n + 1, sizeof **names);
		(*names)[(*n)++] = xstrdup(s);
		return;
	}
	(void)range_parse(s, &r, &why);	/* range_total() checked it */
	for (v = r.beg; v <= r.end; v += r.step) {
		if (r.alpha)
			name = xasprintf("%.*s%c%s", (int)r.head, s,
			    inv_letters[v], s + r.tail);
		else
			name = xasprintf("%.*s%0*llu%s", (int)r.head, s,
			    r.width, v, s + r.tail);
		range_expand(name, names, n);
		free(name);
	}
}

/* Add the hosts a host pattern of an inventory names ("node[01:20]",
 * "db1:5432") to group g. Returns the number of errors. */
static size_t
inv_add_pattern(struct inventory *inv, const char *pattern, long g,
    const char *file, struct rb_pos pos, struct rb_diags *diags)
{
	char		*s, *colon = NULL, *p, **names = NULL;
	const char	*why = NULL;
	size_t		 n = 0, i, errors = 0;
	long long	 total;
	long		 port = 0;
	int		 depth = 0;

	s = xstrdup(pattern);
	for (p = s; *p != '\0'; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']' && depth > 0)
			depth--;
		else if (*p == ':' && depth == 0) {
			if (colon != NULL) {
				rb_diag_add(diags, RB_ERROR, file, pos,
				    "'%s': more than one ':' outside a range "
				    "(IPv6 addresses go in ssh_config as "
				    "HostName)", pattern);
				free(s);
				return 1;
			}
			colon = p;
		}
	}
	if (colon != NULL) {
		char	*end;

		errno = 0;
		port = strtol(colon + 1, &end, 10);
		if (colon[1] == '\0' || *end != '\0' || errno != 0 ||
		    port < 1 || port > 65535 ||
		    !isdigit((unsigned char)colon[1])) {
			rb_diag_add(diags, RB_ERROR, file, pos,
			    "'%s': a port after ':' is a number from 1 to "
			    "65535", pattern);
			free(s);
			return 1;
		}
		*colon = '\0';
	}
	total = range_total(s, INV_MAX_HOSTS, &why);
	if (total < 0) {
		rb_diag_add(diags, RB_ERROR, file, pos, "'%s': %s", pattern,
		    why);
		free(s);
		return 1;
	}
	if (total > INV_MAX_HOSTS) {
		rb_diag_add(diags, RB_ERROR, file, pos,
		    "'%s' expands to more hosts than the %d an inventory may "
		    "hold: not expanded", pattern, INV_MAX_HOSTS);
		free(s);
		return 1;
	}
	range_expand(s, &names, &n);
	for (i = 0; i < n; i++) {
		if (errors == 0 && (why = host_name_invalid(names[i])) != NULL) {
			if (n == 1)
				rb_diag_add(diags, RB_ERROR, file, pos,
				    "'%s': %s", pattern, why);
			else
				rb_diag_add(diags, RB_ERROR, file, pos,
				    "'%s' (from '%s'): %s", names[i], pattern,
				    why);
			errors++;
		}
		if (errors == 0 && inv_add_host(inv, names[i], (int)port, g,
		    file, pos, diags) < 0)
			errors++;
		free(names[i]);
	}
	free(names);
	free(s);
	return errors;
}

/* One note a file about the variables stepup does not read. */
static void
inv_note_vars(struct inventory *inv, const char *file, struct rb_pos pos,
    struct rb_diags *diags)
{
	if (inv->noted_vars)
		return;
	inv->noted_vars = true;
	rb_diag_add(diags, RB_WARNING, file, pos,
	    "inventory variables are ignored (this one and any later): "
	    "stepup reaches a host by its name through ssh_config");
}

/* --- the runbook's mapping ------------------------------------------- */

size_t
inventory_add_tree(struct inventory *inv, const char *file,
    const struct yt_node *map, struct rb_diags *diags)
{
	const struct yt_node	*k, *v, *item;
	size_t			 i, j, errors = 0;
	long			*gs, c;
	char			 what[64];
	bool			 is_group;

	if (map == NULL || yt_is_null(map))
		return 0;
	if (map->type != YT_MAP) {
		rb_diag_add(diags, RB_ERROR, file, map->pos,
		    "hosts: a mapping of group names to lists of hosts, not %s",
		    yt_describe(map, what, sizeof what));
		return 1;
	}
	gs = xcalloc(map->n + 1, sizeof *gs);
	for (i = 0; i < map->n; i++) {
		k = map->keys[i];
		if (strcmp(k->s, "all") == 0 || strcmp(k->s, "ungrouped") == 0) {
			rb_diag_add(diags, RB_ERROR, file, k->pos,
			    "'%s' is implicit (%s) and cannot be defined", k->s,
			    *k->s == 'a' ? "every host" : "the hosts in no group");
			gs[i] = INV_FAIL;
			errors++;
			continue;
		}
		if ((gs[i] = inv_group_get(inv, k->s, true, file, k->pos,
		    diags)) == INV_FAIL)
			errors++;
	}
	for (i = 0; i < map->n; i++) {
		if (gs[i] < 0)
			continue;
		v = map->vals[i];
		if (yt_is_null(v))
			continue;
		if (v->type != YT_SEQ) {
			rb_diag_add(diags, RB_ERROR, file, v->pos,
			    "the group '%s' is a list of host names, not %s",
			    map->keys[i]->s, yt_describe(v, what, sizeof what));
			errors++;
			continue;
		}
		for (j = 0; j < v->n; j++) {
			item = v->vals[j];
			if (item->type != YT_SCALAR || yt_is_null(item)) {
				rb_diag_add(diags, RB_ERROR, file, item->pos,
				    "a host name or a group name, not %s",
				    yt_describe(item, what, sizeof what));
				errors++;
				continue;
			}
			is_group = false;
			for (c = 0; c < (long)map->n; c++) {
				if (strcmp(map->keys[c]->s, item->s) == 0) {
					is_group = true;
					break;
				}
			}
			if (is_group) {
				if (gs[c] >= 0 && inv_add_child(inv, gs[i],
				    gs[c], file, item->pos, diags) != 0)
					errors++;
				continue;
			}
			errors += inv_add_pattern(inv, item->s, gs[i], file,
			    item->pos, diags);
		}
	}
	free(gs);
	return errors;
}

/* --- INI --------------------------------------------------------------- */

enum ini_state { INI_HOSTS, INI_CHILDREN, INI_VARS };

/* The end of the first word of s (a run of non-blanks). */
static const char *
word_end(const char *s)
{
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	return s;
}

static const char *
skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* A section header, "[name]" or "[name:type]", a comment allowed after. */
static size_t
ini_section(struct inventory *inv, const char *file, struct rb_pos pos,
    const char *line, enum ini_state *state, long *group,
    struct rb_diags *diags)
{
	const char	*close = strchr(line, ']'), *colon, *rest;
	char		*name, *type;
	size_t		 errors = 0;

	if (close == NULL) {
		rb_diag_add(diags, RB_ERROR, file, pos,
		    "a section header ends with ']'");
		*group = INV_FAIL;
		return 1;
	}
	rest = skip_blank(close + 1);
	if (*rest != '\0' && *rest != '#' && *rest != ';') {
		rb_diag_add(diags, RB_ERROR, file, pos,
		    "text after a section header: '%s'", rest);
		*group = INV_FAIL;
		return 1;
	}
	colon = memchr(line + 1, ':', (size_t)(close - line - 1));
	name = xstrndup(line + 1, (size_t)((colon != NULL ? colon : close) -
	    line - 1));
	type = colon != NULL ? xstrndup(colon + 1, (size_t)(close - colon - 1))
	    : NULL;
	if (type == NULL)
		*state = INI_HOSTS;
	else if (strcmp(type, "children") == 0)
		*state = INI_CHILDREN;
	else if (strcmp(type, "vars") == 0)
		*state = INI_VARS;
	else {
		rb_diag_add(diags, RB_ERROR, file, pos,
		    "the section [%s:%s] has an unknown type: '%s' (children "
		    "or vars)", name, type, type);
		*state = INI_VARS;
		*group = INV_FAIL;
		free(name);
		free(type);
		return 1;
	}
	if (*state == INI_VARS) {
		inv_note_vars(inv, file, pos, diags);
		*group = INV_FAIL;
	} else if ((*group = inv_group_get(inv, name, true, file, pos,
	    diags)) == INV_FAIL)
		errors++;
	free(name);
	free(type);
	return errors;
}

/* One line in a [group] or [group:children] section, or before any. */
static size_t
ini_entry(struct inventory *inv, const char *file, struct rb_pos pos,
    const char *line, enum ini_state state, long group,
    struct rb_diags *diags)
{
	const char	*end = word_end(line), *rest, *p;
	char		*word;
	size_t		 errors = 0;
	long		 c;

	if (*line == '"' || *line == '\'') {
		rb_diag_add(diags, RB_ERROR, file, pos,
		    "a quoted host or group name");
		return 1;
	}
	word = xstrndup(line, (size_t)(end - line));
	rest = skip_blank(end);
	if (state == INI_CHILDREN) {
		if (*rest != '\0' && *rest != '#') {
			rb_diag_add(diags, RB_ERROR, file, pos,
			    "one group name a line in a [%s:children] section, "
			    "not '%s'", group >= 0 ? inv->groups[group].name :
			    "all", line);
			free(word);
			return 1;
		}
		if ((c = inv_group_get(inv, word, false, file, pos, diags)) ==
		    INV_FAIL || inv_add_child(inv, group, c, file, pos,
		    diags) != 0)
			errors++;
		free(word);
		return errors;
	}
	/* Host variables: key=value words, or a comment. */
	for (p = rest; *p != '\0' && *p != '#'; p = skip_blank(word_end(p))) {
		const char	*we = word_end(p);
		const char	*eq = memchr(p, '=', (size_t)(we - p));

		if (eq == NULL || eq == p) {
			rb_diag_add(diags, RB_ERROR, file, pos,
			    "after the host '%s', key=value variables or a "
			    "comment, not '%.*s'", word, (int)(we - p), p);
			free(word);
			return 1;
		}
		inv_note_vars(inv, file, pos, diags);
		if (eq[1] == '"' || eq[1] == '\'') {
			/* A quoted value may hold blanks: skip to its end. */
			const char	*q = strchr(eq + 2, eq[1]);

			if (q == NULL) {
				rb_diag_add(diags, RB_ERROR, file, pos,
				    "an unterminated quote in the variables "
				    "of '%s'", word);
				free(word);
				return 1;
			}
			p = q;
		}
	}
	errors += inv_add_pattern(inv, word, group >= 0 ? group : -1, file,
	    pos, diags);
	free(word);
	return errors;
}

static size_t
ini_parse(struct inventory *inv, const char *file, const char *buf,
    size_t len, struct rb_diags *diags)
{
	enum ini_state	 state = INI_HOSTS;
	long		 group = INV_UNGROUPED;
	size_t		 errors = 0, n;
	const char	*p = buf, *end = buf + len, *nl, *s;
	char		*line, *t;
	struct rb_pos	 pos;

	for (pos.line = 1; p < end; pos.line++, p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (memchr(p, '\0', n) != NULL) {
			pos.col = 1;
			rb_diag_add(diags, RB_ERROR, file, pos,
			    "a NUL byte: not a text file");
			return errors + 1;
		}
		line = xstrndup(p, n);
		for (t = line + strlen(line); t > line && isspace(
		    (unsigned char)t[-1]); t--)
			t[-1] = '\0';
		s = line;
		while (isspace((unsigned char)*s))
			s++;
		pos.col = (int)(s - line) + 1;
		if (*s == '\0' || *s == '#' || *s == ';')
			;
		else if (*s == '[')
			errors += ini_section(inv, file, pos, s, &state, &group,
			    diags);
		else if (state == INI_VARS)
			;
		else if (group == INV_FAIL)
			;	/* under a section already reported */
		else
			errors += ini_entry(inv, file, pos, s, state, group,
			    diags);
		free(line);
		if (nl == end)
			break;
	}
	return errors;
}

/* --- YAML -------------------------------------------------------------- */

static size_t	yaml_group(struct inventory *, const char *,
		    const struct yt_node *key, const struct yt_node *val,
		    long parent, struct rb_diags *);

static size_t
yaml_hosts(struct inventory *inv, const char *file, const char *gname,
    long g, const struct yt_node *v, struct rb_diags *diags)
{
	size_t	i, errors = 0;
	char	what[64];

	if (yt_is_null(v))
		return 0;
	if (v->type != YT_MAP) {
		rb_diag_add(diags, RB_ERROR, file, v->pos,
		    "the hosts of '%s' are a mapping of host names, not %s",
		    gname, yt_describe(v, what, sizeof what));
		return 1;
	}
	for (i = 0; i < v->n; i++) {
		if (!yt_is_null(v->vals[i])) {
			if (v->vals[i]->type != YT_MAP) {
				rb_diag_add(diags, RB_ERROR, file,
				    v->vals[i]->pos, "the host '%s' has a "
				    "mapping of variables or nothing, not %s",
				    v->keys[i]->s, yt_describe(v->vals[i],
				    what, sizeof what));
				errors++;
				continue;
			}
			if (v->vals[i]->n > 0)
				inv_note_vars(inv, file, v->vals[i]->pos,
				    diags);
		}
		errors += inv_add_pattern(inv, v->keys[i]->s, g, file,
		    v->keys[i]->pos, diags);
	}
	return errors;
}

static size_t
yaml_group(struct inventory *inv, const char *file, const struct yt_node *key,
    const struct yt_node *val, long parent, struct rb_diags *diags)
{
	size_t			 i, errors = 0;
	long			 g;
	const struct yt_node	*k, *v;
	char			 what[64];

	if ((g = inv_group_get(inv, key->s, true, file, key->pos, diags)) ==
	    INV_FAIL)
		return 1;
	if (parent != INV_ALL && inv_add_child(inv, parent, g, file, key->pos,
	    diags) != 0)
		return 1;
	if (yt_is_null(val))
		return 0;
	if (val->type != YT_MAP) {
		rb_diag_add(diags, RB_ERROR, file, val->pos,
		    "the group '%s' is a mapping (hosts, children, vars), not "
		    "%s", key->s, yt_describe(val, what, sizeof what));
		return 1;
	}
	for (i = 0; i < val->n; i++) {
		k = val->keys[i];
		v = val->vals[i];
		if (strcmp(k->s, "hosts") == 0)
			errors += yaml_hosts(inv, file, key->s, g, v, diags);
		else if (strcmp(k->s, "vars") == 0) {
			if (!yt_is_null(v))
				inv_note_vars(inv, file, k->pos, diags);
		} else if (strcmp(k->s, "children") == 0) {
			size_t	j;

			if (yt_is_null(v))
				continue;
			if (v->type != YT_MAP) {
				rb_diag_add(diags, RB_ERROR, file, v->pos,
				    "the children of '%s' are a mapping of "
				    "groups, not %s", key->s,
				    yt_describe(v, what, sizeof what));
				errors++;
				continue;
			}
			for (j = 0; j < v->n; j++)
				errors += yaml_group(inv, file, v->keys[j],
				    v->vals[j], g, diags);
		} else {
			rb_diag_add(diags, RB_ERROR, file, k->pos,
			    "unknown key '%s' in the group '%s' (hosts, "
			    "children or vars)", k->s, key->s);
			errors++;
		}
	}
	return errors;
}

static size_t
yaml_parse(struct inventory *inv, const char *file, const char *buf,
    size_t len, struct rb_diags *diags)
{
	struct yt_node	*root;
	size_t		 i, errors = 0, before = diags->n_errors;
	char		 what[64];

	if ((root = yt_parse(file, buf, len, diags)) == NULL)
		return diags->n_errors - before > 0 ? diags->n_errors - before
		    : 1;
	errors = diags->n_errors - before;
	if (yt_is_null(root))
		;
	else if (root->type != YT_MAP) {
		rb_diag_add(diags, RB_ERROR, file, root->pos,
		    "an inventory is a mapping of groups (all: ...), not %s",
		    yt_describe(root, what, sizeof what));
		errors++;
	} else {
		for (i = 0; i < root->n; i++)
			errors += yaml_group(inv, file, root->keys[i],
			    root->vals[i], INV_ALL, diags);
	}
	yt_free(root);
	return errors;
}

/* INI or YAML, for INV_AUTO: .yml, .yaml and .json are YAML, other
 * extensions INI; with none, the first line that is no comment tells: a
 * section header is INI, a line ending in ':' YAML. */
static enum inv_format
inv_sniff(const char *file, const char *buf, size_t len)
{
	const char	*slash = strrchr(file, '/'), *dot, *p, *end, *nl, *e;

	dot = strrchr(slash != NULL ? slash + 1 : file, '.');
	if (dot != NULL) {
		if (strcmp(dot, ".yml") == 0 || strcmp(dot, ".yaml") == 0 ||
		    strcmp(dot, ".json") == 0)
			return INV_YAML;
		return INV_INI;
	}
	for (p = buf, end = buf + len; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		while (p < nl && isspace((unsigned char)*p))
			p++;
		if (p == nl || *p == '#' || *p == ';')
			continue;
		if (*p == '[')
			return INV_INI;
		if (strncmp(p, "---", 3) == 0 || *p == '{')
			return INV_YAML;
		for (e = nl; e > p && isspace((unsigned char)e[-1]); e--)
			;
		return e > p && e[-1] == ':' ? INV_YAML : INV_INI;
	}
	return INV_INI;
}

size_t
inventory_load_text(struct inventory *inv, const char *file, const char *buf,
    size_t len, enum inv_format format, struct rb_diags *diags)
{
	if (format == INV_AUTO)
		format = inv_sniff(file, buf, len);
	if (format == INV_YAML)
		return yaml_parse(inv, file, buf, len, diags);
	return ini_parse(inv, file, buf, len, diags);
}

size_t
inventory_load_file(struct inventory *inv, const char *path,
    enum inv_format format, struct rb_diags *diags)
{
	char		*buf, *cause;
	size_t		 len, errors;
	struct rb_pos	 none = { 0, 0 };

	if ((buf = file_read(path, INV_MAX_FILE, &len, &cause)) == NULL) {
		rb_diag_add(diags, RB_ERROR, path, none, "%s", cause);
		free(cause);
		return 1;
	}
	errors = inventory_load_text(inv, path, buf, len, format, diags);
	free(buf);
	return errors;
}

size_t
inventory_load_named(struct inventory *inv, const char *path,
    const char *file, struct rb_pos pos, const char *what,
    struct rb_diags *diags)
{
	if (access(path, R_OK) != 0) {
		rb_diag_add(diags, RB_ERROR, file, pos, "%s %s: %s", what, path,
		    strerror(errno));
		return 1;
	}
	return inventory_load_file(inv, path, INV_AUTO, diags);
}

/* --- a command's output ------------------------------------------------ */

size_t
inventory_add_lines(struct inventory *inv, const char *file,
    struct rb_pos pos, const char *out, size_t len, const char *group,
    struct rb_diags *diags)
{
	char			*line, *s, *t;
	const char		*p, *end, *nl, *why;
	size_t			 errors = 0, n, lineno;
	long			 g = -1;

	if (group != NULL && (g = inv_group_get(inv, group, true, file, pos,
	    diags)) == INV_FAIL)
		return 1;
	p = out;
	end = p + len;
	for (lineno = 1; p < end && errors < 10; lineno++, p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		line = xstrndup(p, n);
		for (t = line + strlen(line); t > line && isspace(
		    (unsigned char)t[-1]); t--)
			t[-1] = '\0';
		for (s = line; isspace((unsigned char)*s); s++)
			;
		if (memchr(p, '\0', n) != NULL) {
			rb_diag_add(diags, RB_ERROR, file, pos,
			    "line %zu of the inventory command's output holds "
			    "a NUL byte", lineno);
			errors++;
		} else if (*s != '\0' && *s != '#') {
			if ((why = host_name_invalid(s)) != NULL) {
				rb_diag_add(diags, RB_ERROR, file, pos,
				    "line %zu of the inventory command's "
				    "output, '%.64s': %s", lineno, s, why);
				errors++;
			} else if (inv_add_host(inv, s, 0, g, file, pos,
			    diags) < 0)
				errors++;
		}
		free(line);
		if (nl == end)
			break;
	}
	return errors;
}

size_t
inventory_finish(struct inventory *inv, const char *file,
    struct rb_diags *diags)
{
	size_t	i, errors = 0;

	for (i = 0; i < inv->ngroups; i++) {
		if (inv->groups[i].defined)
			continue;
		rb_diag_add(diags, RB_ERROR, inv->groups[i].file != NULL ?
		    inv->groups[i].file : file, inv->groups[i].child_pos,
		    "the group '%s' is named as a child but never defined",
		    inv->groups[i].name);
		errors++;
	}
	return errors;
}

/* --- patterns ---------------------------------------------------------- */

/* One term of a pattern, its prefix and subscript taken off. */
struct pat_term {
	char		 op;		/* 0, '&' or '!' */
	char		*expr;
	bool		 sub;		/* a subscript */
	long		 from, to;	/* to: LONG_MAX for "to the end" */
	bool		 single;
};

static bool
is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Take a subscript ("[0]", "[-1]", "[2:5]", "[2:]", "[2-5]") off t. */
static void
term_subscript(struct pat_term *t)
{
	size_t	 n = strlen(t->expr);
	char	*o, *e;
	long	 a, b;

	if (n < 3 || t->expr[n - 1] != ']' ||
	    (o = strrchr(t->expr, '[')) == NULL || o == t->expr)
		return;
	errno = 0;
	a = strtol(o + 1, &e, 10);
	if (e == o + 1 || errno != 0)
		return;
	if (*e == ']' && e[1] == '\0') {
		t->sub = t->single = true;
		t->from = t->to = a;
	} else if ((*e == ':' || *e == '-') && o[1] != '-' && a >= 0) {
		char	*e2;

		if (e[1] == ']' && e[2] == '\0')
			b = LONG_MAX;
		else {
			b = strtol(e + 1, &e2, 10);
			if (e2 == e + 1 || *e2 != ']' || e2[1] != '\0' ||
			    e[1] == '-' || errno != 0)
				return;
		}
		t->sub = true;
		t->from = a;
		t->to = b;
	} else
		return;
	*o = '\0';
}

/* Split a pattern into terms as Ansible's split_host_pattern does. */
static int
pat_split(const char *pattern, struct pat_term **terms, size_t *n,
    char **cause)
{
	bool		 comma = strchr(pattern, ',') != NULL;
	const char	*p = pattern, *s, *e;
	int		 depth = 0;
	struct pat_term	*t;

	*terms = NULL;
	*n = 0;
	for (;;) {
		for (s = p; *p != '\0'; p++) {
			if (*p == '[')
				depth++;
			else if (*p == ']' && depth > 0)
				depth--;
			else if (comma ? *p == ',' : (*p == ':' && depth == 0))
				break;
		}
		for (e = p; e > s && isspace((unsigned char)e[-1]); e--)
			;
		while (s < e && isspace((unsigned char)*s))
			s++;
		if (e > s) {
			*terms = xreallocarray(*terms, *n + 1, sizeof **terms);
			t = &(*terms)[(*n)++];
			memset(t, 0, sizeof *t);
			if (*s == '&' || *s == '!')
				t->op = *s++;
			t->expr = xstrndup(s, (size_t)(e - s));
			if (*t->expr == '\0') {
				*cause = xasprintf("'%c' with nothing after it in "
				    "the host pattern '%s'", t->op, pattern);
				return -1;
			}
			if (*t->expr != '~')
				term_subscript(t);
		}
		if (*p == '\0')
			break;
		p++;
	}
	if (*n == 0) {
		*cause = xasprintf("an empty host pattern");
		return -1;
	}
	return 0;
}

/* Add host h to the term's list unless it is there already. */
static void
sel_add(struct inv_sel *sel, bool *seen, size_t h)
{
	if (!seen[h]) {
		seen[h] = true;
		sel->v[sel->n++] = h;
	}
}

/* The hosts one term selects, in order. */
static int
term_hosts(const struct inventory *inv, const struct pat_term *t,
    struct inv_sel *out, char **cause)
{
	bool		*hseen, *gseen, groups = false, regex = *t->expr == '~';
	regex_t		 re;
	regmatch_t	 m;
	char		*anchored, err[128];
	size_t		 i;
	long		 g;
	int		 rc;

	out->v = xcalloc(inv->nhosts + 1, sizeof *out->v);
	out->n = 0;
	hseen = xcalloc(inv->nhosts + 1, sizeof *hseen);
	gseen = xcalloc(inv->ngroups + 1, sizeof *gseen);
	if (regex) {
		anchored = xasprintf("^(%s)", t->expr + 1);
		rc = regcomp(&re, anchored, REG_EXTENDED);
		free(anchored);
		if (rc != 0) {
			regerror(rc, &re, err, sizeof err);
			*cause = xasprintf("the host pattern '%s': %s", t->expr,
			    err);
			free(hseen);
			free(gseen);
			return -1;
		}
	}
	if (strcmp(t->expr, "all") == 0 || strcmp(t->expr, "*") == 0) {
		groups = true;
		for (i = 0; i < inv->nhosts; i++)
			sel_add(out, hseen, i);
	} else if (strcmp(t->expr, "ungrouped") == 0) {
		groups = true;
		for (i = 0; i < inv->nhosts; i++) {
			if (inv->hosts[i].ngroups == 0)
				sel_add(out, hseen, i);
		}
	} else if (!regex && !is_glob(t->expr)) {
		if ((g = inventory_group(inv, t->expr)) >= 0) {
			groups = true;
			group_collect(inv, (size_t)g, gseen, hseen, out);
		} else if ((g = inventory_host(inv, t->expr)) >= 0)
			sel_add(out, hseen, (size_t)g);
	} else {
		for (i = 0; i < inv->ngroups; i++) {
			if (regex ? regexec(&re, inv->groups[i].name, 1, &m, 0)
			    == 0 : fnmatch(t->expr, inv->groups[i].name, 0) == 0) {
				groups = true;
				group_collect(inv, i, gseen, hseen, out);
			}
		}
		for (i = 0; i < inv->nhosts; i++) {
			if (regex ? regexec(&re, inv->hosts[i].name, 1, &m, 0)
			    == 0 : fnmatch(t->expr, inv->hosts[i].name, 0) == 0)
				sel_add(out, hseen, i);
		}
	}
	if (regex)
		regfree(&re);
	free(hseen);
	free(gseen);
	if (out->n == 0 && !groups) {
		*cause = xasprintf("the host pattern '%s' matches no host and "
		    "no group", t->expr);
		return -1;
	}
	if (t->sub) {
		long	 from = t->from, to = t->to, n = (long)out->n;

		if (t->single && from < 0)
			from = to = n + from;
		if (from < 0 || from >= n) {
			*cause = xasprintf("the subscript [%ld] of '%s' is past "
			    "its %ld host(s)", t->from, t->expr, n);
			return -1;
		}
		if (to >= n)
			to = n - 1;
		if (to < from) {
			*cause = xasprintf("the subscript of '%s' ends before "
			    "it starts", t->expr);
			return -1;
		}
		memmove(out->v, out->v + from, (size_t)(to - from + 1) *
		    sizeof *out->v);
		out->n = (size_t)(to - from + 1);
	}
	return 0;
}

int
inventory_select(const struct inventory *inv, const char *pattern,
    struct inv_sel *sel, char **cause)
{
	struct pat_term	*terms;
	struct inv_sel	 one;
	size_t		 nterms, i, j, k, pass;
	bool		*in, *mark, plain = false;
	int		 rc = -1;

	sel->v = xcalloc(inv->nhosts + 1, sizeof *sel->v);
	sel->n = 0;
	if (pat_split(pattern, &terms, &nterms, cause) != 0)
		goto out;
	for (i = 0; i < nterms; i++) {
		if (terms[i].op == 0)
			plain = true;
	}
	in = xcalloc(inv->nhosts + 1, sizeof *in);
	mark = xcalloc(inv->nhosts + 1, sizeof *mark);
	if (!plain) {
		for (i = 0; i < inv->nhosts; i++)
			sel_add(sel, in, i);
	}
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < nterms; i++) {
			if (terms[i].op != "\0&!"[pass])
				continue;
			if (term_hosts(inv, &terms[i], &one, cause) != 0) {
				inventory_sel_free(&one);
				free(in);
				free(mark);
				goto out;
			}
			if (pass == 0) {
				for (j = 0; j < one.n; j++)
					sel_add(sel, in, one.v[j]);
				inventory_sel_free(&one);
				continue;
			}
			for (j = 0; j < one.n; j++)
				mark[one.v[j]] = true;
			for (j = k = 0; j < sel->n; j++) {
				if (mark[sel->v[j]] == (pass == 1))
					sel->v[k++] = sel->v[j];
				else
					in[sel->v[j]] = false;
			}
			sel->n = k;
			for (j = 0; j < one.n; j++)
				mark[one.v[j]] = false;
			inventory_sel_free(&one);
		}
	}
	free(in);
	free(mark);
	/* Past the limit: what it leaves out is never selected. */
	for (j = k = 0; inv->excluded != NULL && j < sel->n; j++) {
		if (!inv->excluded[sel->v[j]])
			sel->v[k++] = sel->v[j];
	}
	if (inv->excluded != NULL)
		sel->n = k;
	rc = 0;
out:
	if (terms != NULL) {
		for (i = 0; i < nterms; i++)
			free(terms[i].expr);
		free(terms);
	}
	if (rc != 0)
		inventory_sel_free(sel);
	return rc;
}

/* --- the limit, and an inventory as text --------------------------------- */

int
inventory_limit(struct inventory *inv, const char *pattern, char **cause)
{
	struct inv_sel	 sel;
	bool		*keep;
	size_t		 i;

	if (inv->limit != NULL) {
		*cause = xasprintf("one limit at a time (there is '%s' "
		    "already)", inv->limit);
		return -1;
	}
	if (inventory_select(inv, pattern, &sel, cause) != 0)
		return -1;
	if (sel.n == 0) {
		*cause = xasprintf("the limit '%s' selects no host", pattern);
		inventory_sel_free(&sel);
		return -1;
	}
	keep = xcalloc(inv->nhosts + 1, sizeof *keep);
	for (i = 0; i < sel.n; i++)
		keep[sel.v[i]] = true;
	inventory_sel_free(&sel);
	if (inv->excluded == NULL)
		inv->excluded = xcalloc(inv->nhosts + 1, sizeof *inv->excluded);
	for (i = 0; i < inv->nhosts; i++) {
		if (!keep[i])
			inv->excluded[i] = true;
	}
	free(keep);
	inv->limit = xstrdup(pattern);
	return 0;
}

size_t
inventory_count(const struct inventory *inv)
{
	size_t	i, n = 0;

	for (i = 0; i < inv->nhosts; i++) {
		if (inv->excluded == NULL || !inv->excluded[i])
			n++;
	}
	return n;
}

static void
ini_host(struct buf *b, const struct inv_host *h)
{
	if (h->port != 0)
		buf_printf(b, "%s:%d\n", h->name, h->port);
	else
		buf_printf(b, "%s\n", h->name);
}

char *
inventory_ini(const struct inventory *inv)
{
	struct buf	b;
	size_t		i, k;

	buf_init(&b);
	/* Hosts in no group first, as Ansible's INI has them. */
	for (i = 0; i < inv->nhosts; i++) {
		if (inv->hosts[i].ngroups == 0)
			ini_host(&b, &inv->hosts[i]);
	}
	for (i = 0; i < inv->ngroups; i++) {
		const struct inv_group	*g = &inv->groups[i];

		/* A group only named as a child stays undefined, for the
		 * source that defines it (or inventory_finish) to say. */
		if (g->defined || g->nhosts > 0)
			buf_printf(&b, "[%s]\n", g->name);
		for (k = 0; k < g->nhosts; k++)
			ini_host(&b, &inv->hosts[g->hosts[k]]);
		if (g->nchildren == 0)
			continue;
		buf_printf(&b, "[%s:children]\n", g->name);
		for (k = 0; k < g->nchildren; k++)
			buf_printf(&b, "%s\n", inv->groups[g->children[k]].name);
	}
	if (b.data == NULL)
		buf_puts(&b, "");
	return buf_take(&b);
}

struct inventory *
inventory_from_ini(const char *file, const char *text, const char *limit,
    char **cause)
{
	struct inventory	*inv = inventory_new();
	struct rb_diags		 d;

	rb_diags_init(&d);
	if (inventory_load_text(inv, file, text, strlen(text), INV_INI,
	    &d) != 0 || inventory_finish(inv, file, &d) != 0) {
		*cause = rb_diags_text(&d);
		rb_diags_free(&d);
		inventory_free(inv);
		return NULL;
	}
	rb_diags_free(&d);
	if (limit != NULL && inventory_limit(inv, limit, cause) != 0) {
		inventory_free(inv);
		return NULL;
	}
	return inv;
}

char *
inventory_hosts_line(const struct inventory *inv)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < inv->nhosts; i++) {
		if (inv->excluded != NULL && inv->excluded[i])
			continue;
		buf_printf(&b, "%s%s", b.len > 0 ? " " : "", inv->hosts[i].name);
	}
	if (b.data == NULL)
		buf_puts(&b, "");
	return buf_take(&b);
}

int
inventory_pattern_check(const char *pattern, char **cause)
{
	struct pat_term	*terms;
	size_t		 n, i;
	regex_t		 re;
	char		*anchored, err[128];
	int		 rc = 0, r;

	if (pat_split(pattern, &terms, &n, cause) != 0)
		rc = -1;
	for (i = 0; rc == 0 && i < n; i++) {
		if (*terms[i].expr != '~')
			continue;
		anchored = xasprintf("^(%s)", terms[i].expr + 1);
		r = regcomp(&re, anchored, REG_EXTENDED);
		free(anchored);
		if (r != 0) {
			regerror(r, &re, err, sizeof err);
			*cause = xasprintf("the host pattern '%s': %s",
			    terms[i].expr, err);
			rc = -1;
		} else
			regfree(&re);
	}
	for (i = 0; terms != NULL && i < n; i++)
		free(terms[i].expr);
	free(terms);
	return rc;
}

size_t
inventory_check_steps(const struct inventory *inv, const struct runbook *rb,
    const char *source, struct rb_diags *diags)
{
	const struct rb_step	*st;
	struct inv_sel		 sel;
	char			*cause;
	size_t			 p, i, errors = 0;

	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n; i++) {
			st = &rb->phases[p].v[i];
			if (st->on.s == NULL)
				continue;
			if (inventory_select(inv, st->on.s, &sel, &cause)
			    != 0) {
				rb_diag_add(diags, RB_ERROR, rb->path, st->on.pos,
				    "'on' of step %s: %s in the inventory "
				    "(%s)", st->id, cause, source);
				free(cause);
				errors++;
			} else if (sel.n == 0 && inv->excluded == NULL) {
				rb_diag_add(diags, RB_ERROR, rb->path, st->on.pos,
				    "'on' of step %s: '%s' selects no host in "
				    "the inventory (%s)", st->id, st->on.s,
				    source);
				errors++;
			}
			inventory_sel_free(&sel);
		}
	}
	return errors;
}
