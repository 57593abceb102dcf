/* runbook-steps.c: a runbook's steps, loaded phase by phase, then checked
 * across steps: ids, needs and their cycles, when, and $NAME references. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runbook-int.h"
#include "util.h"

/* Bytes in a step id, and how many $NAME references that are not plainly
 * known are checked. */
#define RB_MAX_ID	64
#define RB_MAX_REFS	10000

#define LOWER	"abcdefghijklmnopqrstuvwxyz"
#define DIGITS	"0123456789"
#define KIND_IS_KEY	": a step's kind is its key and the title its value " \
			"(e.g. action: TITLE)"
#define IS_RUN		"; did you mean 'run'?"

/* ---- steps --------------------------------------------------------------- */

/* The keys of a step. */
static const char *const step_keys[] = {
	"id", "read", "check", "action", "confirm", "manual", "text", "run",
	"undo", "produces", "file", "phrase", "hint", "on-failure", "timeout",
	"severity", "optional", "per-hop", "needs", "when", NULL
};

/* What to say of keys that other tools give a step. */
static const struct rbl_key_hint step_hints[] = {
	{ "title", KIND_IS_KEY }, { "name", KIND_IS_KEY },
	{ "kind", KIND_IS_KEY }, { "type", KIND_IS_KEY },
	{ "command", IS_RUN }, { "cmd", IS_RUN }, { "script", IS_RUN },
	{ NULL, NULL }
};

/* Whether s matches [a-z0-9][a-z0-9_-]*. */
static bool
is_step_id(const char *s)
{
	return *s != '\0' && strchr(LOWER DIGITS, *s) != NULL &&
	    strspn(s, LOWER DIGITS "_-") == strlen(s);
}

#define K(k) (1u << RB_##k)

/* Which kinds of step may carry each key, and what to say otherwise. */
static const struct {
	const char	*key;
	unsigned	 kinds;
	const char	*only;
} key_kinds[] = {
	{ "run", K(READ) | K(CHECK) | K(ACTION), "read, check and action" },
	{ "undo", K(ACTION), "action" },
	{ "produces", K(ACTION), "action" },
	{ "file", K(READ), "read" },
	{ "phrase", K(CONFIRM), "confirm" },
	{ "timeout", K(READ) | K(CHECK) | K(ACTION), "read, check and action" },
	{ "severity", K(CHECK), "check" },
};

/* Parse a timeout: seconds, or a number with s, m or h. 0 when invalid. */
static unsigned
parse_timeout(const char *s)
{
	unsigned long	 n, mult = 1;
	char		*end;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno != 0)
		return 0;
	if (*end == 's')
		end++;
	else if (*end == 'm') {
		mult = 60;
		end++;
	} else if (*end == 'h') {
		mult = 3600;
		end++;
	}
	if (*end != '\0' || n == 0 || n > 7UL * 24 * 3600 / mult)
		return 0;
	return (unsigned)(n * mult);
}

/* needs and when: a word or a list of words, into rb_str items. */
static bool
load_words(struct ctx *c, const char *key, const struct yt_node *v,
    struct rb_str **out, size_t *n)
{
	char	what[64];
	size_t	i;

	if (v->type == YT_SCALAR && !yt_is_null(v)) {
		*out = xcalloc(1, sizeof **out);
		rbl_set_str(&(*out)[0], v);
		*n = 1;
		return true;
	}
	if (v->type != YT_SEQ) {
		err(c, v->pos, "'%s' must be a list, found %s", key,
		    yt_describe(v, what, sizeof what));
		return false;
	}
	*out = xcalloc(v->n + 1, sizeof **out);
	for (i = 0; i < v->n; i++) {
		if (v->vals[i]->type != YT_SCALAR || yt_is_null(v->vals[i])) {
			err(c, v->vals[i]->pos, "an item of '%s' must be a "
			    "word, found %s", key,
			    yt_describe(v->vals[i], what, sizeof what));
			continue;
		}
		rbl_set_str(&(*out)[(*n)++], v->vals[i]);
	}
	return true;
}

/* The names stepup sets for every command, besides STEPUP_ARTIFACT_<id>. */
static const char *const stepup_names[] = {
	"STEPUP_FROM", "STEPUP_TO", "STEPUP_HOP_FROM", "STEPUP_HOP_TO",
	"STEPUP_HOP_KIND", "STEPUP_RUN_ID", "STEPUP_STEP", "STEPUP_RUNBOOK_DIR",
	NULL
};

/* Whether name (n bytes) is a variable or a name stepup always sets. */
static bool
ref_known(struct ctx *c, const char *name, size_t n)
{
	size_t	i;

	for (i = 0; stepup_names[i] != NULL; i++) {
		if (strlen(stepup_names[i]) == n &&
		    strncmp(stepup_names[i], name, n) == 0)
			return true;
	}
	for (i = 0; i < c->rb->n_vars; i++) {
		if (strlen(c->rb->vars[i].name) == n &&
		    strncmp(c->rb->vars[i].name, name, n) == 0)
			return true;
	}
	return false;
}

/* Note every $NAME and ${NAME} in a text (shell: only STEPUP_ names). */
static void
scan_refs(struct ctx *c, const struct yt_node *v, const char *field,
    const struct rb_step *st, bool shell)
{
	const char	*s = v->s, *p, *q;
	struct yt_cursor cur;
	struct ref	*r;
	size_t		 n;

	yt_cursor_init(&cur, v);
	for (p = s; (p = strchr(p, '$')) != NULL; p++) {
		q = p + 1;
		if (*q == '{')
			q++;
		if (!rbl_is_name_char(*q, true))
			continue;
		for (n = 1; rbl_is_name_char(q[n], false); n++)
			continue;
		if (shell && (n < 7 || strncmp(q, "STEPUP_", 7) != 0))
			continue;
		if (n > 128 || ref_known(c, q, n))
			continue;
		/* What a rollback goes back to: set in a rollback run, for
		 * its steps and the undo commands it runs. */
		if (n == 18 && strncmp(q, "STEPUP_ROLLBACK_TO", n) == 0 &&
		    (st->phase == RB_PHASE_ROLLBACK || strcmp(field, "'undo'") == 0))
			continue;
		if (c->n_refs >= RB_MAX_REFS) {
			c->capped = true;
			break;
		}
		c->refs = xreallocarray(c->refs, c->n_refs + 1,
		    sizeof *c->refs);
		r = &c->refs[c->n_refs++];
		r->name = xstrndup(q, n);
		r->pos = yt_cursor_pos(&cur, (size_t)(p - s));
		r->field = field;
		r->step = st->id;
		r->shell = shell;
	}
}

static void
load_step(struct ctx *c, enum rb_phase phase, const struct yt_node *v,
    struct rb_step *st)
{
	const struct yt_node	*x, *kk, *kind_node = NULL, *kind_key = NULL;
	const char		*id;
	char			 what[64], *where, *name;
	size_t			 i, j, nsrc;
	unsigned		 bit;

	st->phase = phase;
	st->pos = v->pos;
	if ((x = rbl_map_get(v, "id", &kk)) == NULL) {
		err(c, v->pos, "a step needs an 'id'");
		st->id = xstrdup("");
	} else if (!rbl_want_string(c, "id", x, true))
		st->id = xstrdup("");
	else if (x->len > RB_MAX_ID) {
		err(c, x->pos, "a step id of %zu characters: at most %d",
		    x->len, RB_MAX_ID);
		st->id = xstrdup("");
	} else {
		st->id = xstrdup(x->s);
		st->id_pos = x->pos;
		if (!is_step_id(x->s))
			err(c, x->pos, "step id '%s' must match "
			    "[a-z0-9][a-z0-9_-]*", x->s);
	}
	id = st->id;
	name = *id != '\0' ? xasprintf("step '%s'", id) : xstrdup("a step");
	rbl_check_keys(c, v, name, step_keys, step_hints);

	/* Exactly one kind key; its value is the title. */
	for (i = 0; i < RB_KIND__COUNT; i++) {
		if ((x = rbl_map_get(v, rb_kind_name((enum rb_kind)i), &kk)) == NULL)
			continue;
		if (kind_node != NULL) {
			err(c, kk->pos, "%s has both '%s' and '%s': a step has "
			    "exactly one kind", name, kind_key->s, kk->s);
			continue;
		}
		kind_node = x;
		kind_key = kk;
		st->kind = (enum rb_kind)i;
	}
	if (kind_node == NULL) {
		err(c, v->pos, "%s has no kind: give one of read, check, "
		    "action, confirm or manual, with its title", name);
		free(name);
		return;
	}
	if (kind_node->type != YT_SCALAR || yt_is_null(kind_node))
		err(c, kind_node->pos, "the title of %s ('%s') must be a "
		    "string, found %s", name, kind_key->s,
		    yt_describe(kind_node, what, sizeof what));
	else if (strspn(kind_node->s, " \t\n") == kind_node->len)
		err(c, kind_node->pos, "the title of %s ('%s') is empty", name,
		    kind_key->s);
	else {
		st->title = xstrdup(kind_node->s);
		scan_refs(c, kind_node, "the title", st, false);
	}

	/* Keys that belong to other kinds. */
	bit = 1u << st->kind;
	for (i = 0; i < nitems(key_kinds); i++) {
		if (rbl_map_get(v, key_kinds[i].key, &kk) != NULL &&
		    (key_kinds[i].kinds & bit) == 0)
			err(c, kk->pos, "'%s' is only for %s steps, and %s is "
			    "%s %s step", kk->s, key_kinds[i].only, name,
			    st->kind == RB_ACTION ? "an" : "a",
			    rb_kind_name(st->kind));
	}

	if ((x = rbl_map_get(v, "text", NULL)) != NULL &&
	    (st->text = rbl_get_string(c, "text", x, true)) != NULL)
		scan_refs(c, x, "'text'", st, false);
	if ((x = rbl_map_get(v, "run", NULL)) != NULL &&
	    (bit & (K(READ) | K(CHECK) | K(ACTION))) != 0 &&
	    (st->run = rbl_get_string(c, "run", x, true)) != NULL) {
		st->run_at = rbl_text_at(x);
		scan_refs(c, x, "'run'", st, true);
	}
	if ((x = rbl_map_get(v, "undo", NULL)) != NULL && st->kind == RB_ACTION &&
	    (st->undo = rbl_get_string(c, "undo", x, true)) != NULL) {
		st->undo_at = rbl_text_at(x);
		scan_refs(c, x, "'undo'", st, true);
	}
	if ((x = rbl_map_get(v, "produces", NULL)) != NULL &&
	    st->kind == RB_ACTION &&
	    (st->produces = rbl_get_string(c, "produces", x, true)) != NULL)
		scan_refs(c, x, "'produces'", st, false);
	if ((x = rbl_map_get(v, "file", NULL)) != NULL && st->kind == RB_READ &&
	    (st->file = rbl_get_string(c, "file", x, true)) != NULL)
		scan_refs(c, x, "'file'", st, false);
	if ((x = rbl_map_get(v, "phrase", NULL)) != NULL &&
	    st->kind == RB_CONFIRM &&
	    (st->phrase = rbl_get_string(c, "phrase", x, true)) != NULL)
		scan_refs(c, x, "'phrase'", st, false);
	if ((x = rbl_map_get(v, "hint", NULL)) != NULL)
		st->hint = rbl_get_string(c, "hint", x, true);
	if ((x = rbl_map_get(v, "on-failure", NULL)) != NULL)
		st->on_failure = rbl_get_string(c, "on-failure", x, true);
	if ((x = rbl_map_get(v, "timeout", NULL)) != NULL &&
	    (bit & (K(READ) | K(CHECK) | K(ACTION))) != 0) {
		if (x->type != YT_SCALAR || (st->timeout = parse_timeout(x->s))
		    == 0)
			err(c, x->pos, "'timeout' must be seconds, or a "
			    "duration like 90s, 10m or 2h (at most a week), "
			    "found %s", yt_describe(x, what, sizeof what));
	}
	if ((x = rbl_map_get(v, "severity", NULL)) != NULL &&
	    st->kind == RB_CHECK) {
		static const char *const sev[] = { "fail", "warn", NULL };
		int k = rbl_get_enum(c, "severity", x, sev);

		if (k >= 0)
			st->severity = (enum rb_severity)k;
	}
	if ((x = rbl_map_get(v, "optional", NULL)) != NULL &&
	    rbl_get_bool(c, "optional", x, &st->optional) && st->optional &&
	    st->kind == RB_CONFIRM)
		err(c, x->pos, "confirm step '%s' cannot be optional: a "
		    "confirmation gates every step after it and is never "
		    "skipped; remove 'optional'", id);
	if ((x = rbl_map_get(v, "per-hop", &kk)) != NULL) {
		if (phase != RB_PHASE_PREPARE && phase != RB_PHASE_FINISH)
			err(c, kk->pos, "'per-hop' is only for prepare and "
			    "finish steps (%s steps %s)", rb_phase_name(phase),
			    phase == RB_PHASE_HOP ? "run for every hop already"
			    : "run once");
		else
			rbl_get_bool(c, "per-hop", x, &st->per_hop);
	}
	if ((x = rbl_map_get(v, "needs", NULL)) != NULL)
		st->has_needs = load_words(c, "needs", x, &st->needs,
		    &st->n_needs);
	if ((x = rbl_map_get(v, "when", &kk)) != NULL) {
		if (phase != RB_PHASE_HOP)
			err(c, kk->pos, "'when' is only for hop steps; %s is "
			    "a %s step", name, rb_phase_name(phase));
		else
			load_words(c, "when", x, &st->when, &st->n_when);
	}

	/* What each kind needs. */
	switch (st->kind) {
	case RB_CHECK:
	case RB_ACTION:
		if (rbl_map_get(v, "run", NULL) == NULL)
			err(c, v->pos, "%s step '%s' needs 'run' (the command)",
			    rb_kind_name(st->kind), id);
		break;
	case RB_CONFIRM:
		if ((x = rbl_map_get(v, "phrase", NULL)) == NULL)
			err(c, v->pos, "confirm step '%s' needs a non-empty "
			    "'phrase' (the exact words to type)", id);
		break;
	case RB_READ:
		nsrc = 0;
		where = NULL;
		for (j = 0; j < 3; j++) {
			static const char *const srcs[] = {
				"file", "run", "text"
			};

			if (rbl_map_get(v, srcs[j], &kk) == NULL)
				continue;
			if (nsrc++ == 0)
				where = xstrdup(srcs[j]);
			else if (nsrc == 2)
				err(c, kk->pos, "read step '%s' has both '%s' "
				    "and '%s': give exactly one document",
				    id, where, srcs[j]);
		}
		if (nsrc == 0)
			err(c, v->pos, "read step '%s' needs one of 'file', "
			    "'run' or 'text' (the document to read)", id);
		free(where);
		break;
	default:
		break;
	}
	free(name);
}

/* Load one phase's steps into c->rb. */
void
rbl_load_phase(struct ctx *c, enum rb_phase phase, const struct yt_node *k,
    const struct yt_node *v)
{
	struct rb_steps	*ph = &c->rb->phases[phase];
	char		 what[64];
	size_t		 i;

	ph->pos = k->pos;
	if (yt_is_null(v) || (v->type == YT_SEQ && v->n == 0)) {
		err(c, k->pos, "empty phase '%s': add steps or remove the key",
		    rb_phase_name(phase));
		return;
	}
	if (v->type != YT_SEQ) {
		err(c, v->pos, "'%s' must be a list of steps, found %s",
		    rb_phase_name(phase), yt_describe(v, what, sizeof what));
		return;
	}
	ph->v = xcalloc(v->n, sizeof *ph->v);
	for (i = 0; i < v->n; i++) {
		if (v->vals[i]->type != YT_MAP) {
			err(c, v->vals[i]->pos, "a step must be a mapping "
			    "(id: ..., action: ...), found %s",
			    yt_describe(v->vals[i], what, sizeof what));
			continue;
		}
		load_step(c, phase, v->vals[i], &ph->v[ph->n++]);
	}
}

/* ---- checks across steps ------------------------------------------------- */

/* Steps in a flat array, sorted by id for lookups. */
struct stepref {
	struct rb_step	*st;
	int		 mark;		/* cycle search: 0 new, 1 open,
					   2 done */
};

static int
stepref_cmp(const void *a, const void *b)
{
	const struct stepref	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->st->id, y->st->id)) != 0)
		return c;
	/* The same id: the earlier in the file first. */
	if (x->st->id_pos.line != y->st->id_pos.line)
		return x->st->id_pos.line < y->st->id_pos.line ? -1 : 1;
	return x->st->id_pos.col - y->st->id_pos.col;
}

static struct stepref *
stepref_find(struct stepref *v, size_t n, const char *id)
{
	size_t	lo = 0, hi = n, mid;
	int	c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(id, v[mid].st->id)) == 0) {
			while (mid > 0 && strcmp(v[mid - 1].st->id, id) == 0)
				mid--;
			return &v[mid];
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Follow needs depth-first; report a cycle once, where it closes. */
static bool
find_cycle(struct ctx *c, struct stepref *v, size_t n, struct stepref *r,
    struct stepref **path, size_t depth)
{
	struct stepref	*t;
	struct buf	 b;
	size_t		 i, j;

	r->mark = 1;
	path[depth] = r;
	for (i = 0; i < r->st->n_needs; i++) {
		if ((t = stepref_find(v, n, r->st->needs[i].s)) == NULL)
			continue;
		if (t->mark == 1) {
			buf_init(&b);
			for (j = 0; j <= depth && path[j] != t; j++)
				continue;
			for (; j <= depth; j++)
				buf_printf(&b, "%s -> ", path[j]->st->id);
			buf_puts(&b, t->st->id);
			err(c, r->st->needs[i].pos, "'needs' forms a cycle: %s",
			    b.data);
			buf_free(&b);
			r->mark = 2;
			return true;
		}
		if (t->mark == 0 && find_cycle(c, v, n, t, path, depth + 1)) {
			r->mark = 2;
			return true;
		}
	}
	r->mark = 2;
	return false;
}

/* A need names a step of the same or an earlier phase; rollback steps
 * need only rollback steps. */
static void
check_need(struct ctx *c, struct stepref *v, size_t n, const char **ids,
    const struct rb_step *st, const struct rb_str *need)
{
	const struct stepref	*t;
	const char		*guess;
	struct clipbuf		 cb;

	if ((t = stepref_find(v, n, need->s)) == NULL) {
		if ((guess = rbl_closest(need->s, ids)) != NULL)
			err(c, need->pos, "step '%s' needs '%s', which is not "
			    "a step; did you mean '%s'?", st->id,
			    rbl_clip(need->s, &cb), guess);
		else
			err(c, need->pos, "step '%s' needs '%s', which is not "
			    "a step", st->id, rbl_clip(need->s, &cb));
		return;
	}
	if ((st->phase == RB_PHASE_ROLLBACK) !=
	    (t->st->phase == RB_PHASE_ROLLBACK))
		err(c, need->pos, "step '%s' needs '%s', a %s step: rollback "
		    "steps need only rollback steps, and others no rollback "
		    "step", st->id, need->s, rb_phase_name(t->st->phase));
	else if (t->st->phase > st->phase)
		err(c, need->pos, "%s step '%s' needs '%s', a later %s step: a "
		    "step needs steps of its own phase or an earlier one",
		    rb_phase_name(st->phase), st->id, need->s,
		    rb_phase_name(t->st->phase));
}

/* Step ids distinct; needs known, in order and without a cycle; when
 * naming a hop kind. */
static void
check_needs(struct ctx *c)
{
	struct runbook		 *rb = c->rb;
	struct stepref		 *v, **path;
	struct rb_versions	 *vs = &rb->versions;
	const char		 *ids_known[9];
	const char		**ids;
	struct clipbuf		  cb;
	size_t			  n = 0, i, j, k, nk;
	int			  p;

	for (p = 0; p < RB_PHASE__COUNT; p++)
		n += rb->phases[p].n;
	v = xcalloc(n + 1, sizeof *v);
	ids = xcalloc(n + 1, sizeof *ids);
	n = 0;
	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n; i++) {
			if (*rb->phases[p].v[i].id == '\0')
				continue;
			v[n++].st = &rb->phases[p].v[i];
		}
	}
	qsort(v, n, sizeof *v, stepref_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(v[i].st->id, v[i - 1].st->id) == 0) {
			for (j = i; j > 0 && strcmp(v[j - 1].st->id,
			    v[i].st->id) == 0; j--)
				continue;
			err(c, v[i].st->id_pos, "duplicate step id '%s' (first "
			    "at line %d, column %d)", v[i].st->id,
			    v[j].st->id_pos.line, v[j].st->id_pos.col);
		}
		ids[i] = v[i].st->id;
	}
	ids[n] = NULL;

	/* needs: known, in the same or an earlier phase. */
	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n; i++) {
			struct rb_step *st = &rb->phases[p].v[i];

			for (j = 0; j < st->n_needs; j++)
				check_need(c, v, n, ids, st, &st->needs[j]);
		}
	}
	path = xcalloc(n + 1, sizeof *path);
	for (i = 0; i < n; i++) {
		if (v[i].mark == 0)
			find_cycle(c, v, n, &v[i], path, 0);
	}
	free(path);

	/* when: the runbook's hop kinds, or redeploy. */
	nk = 0;
	for (k = 0; k < 3; k++) {
		for (j = 0; j < nk; j++) {
			if (strcmp(ids_known[j], vs->kinds[k]) == 0)
				break;
		}
		if (j == nk)
			ids_known[nk++] = vs->kinds[k];
	}
	ids_known[nk++] = "redeploy";
	ids_known[nk] = NULL;
	for (i = 0; i < rb->phases[RB_PHASE_HOP].n; i++) {
		struct rb_step *st = &rb->phases[RB_PHASE_HOP].v[i];

		for (j = 0; j < st->n_when; j++) {
			if (rbl_in_list(st->when[j].s, ids_known))
				continue;
			char *all = rbl_join(ids_known, " or ");
			err(c, st->when[j].pos, "'when: %s' is not a hop kind "
			    "of this runbook; expected %s",
			    rbl_clip(st->when[j].s, &cb), all);
			free(all);
		}
	}
	free(ids);
	free(v);
}

/* Artifact names must be distinct, and every $NAME must be one stepup
 * sets: a STEPUP_ name it does not know is an error; another name that
 * is no runbook variable is a warning (it comes from the environment). */
static void
check_refs(struct ctx *c)
{
	struct runbook	 *rb = c->rb;
	const char	**names, *guess;
	const struct rb_step **owner;
	size_t		  n = 0, i, j, k;
	int		  p;

	for (p = 0; p < RB_PHASE__COUNT; p++)
		n += rb->phases[p].n;
	names = xcalloc(n + nitems(stepup_names) + 2 * rb->n_vars + 1,
	    sizeof *names);
	owner = xcalloc(n + 1, sizeof *owner);
	k = 0;
	for (p = 0; p < RB_PHASE__COUNT; p++) {
		for (i = 0; i < rb->phases[p].n; i++) {
			const struct rb_step *st = &rb->phases[p].v[i];
			char *env;

			if (st->produces == NULL)
				continue;
			env = runbook_artifact_env(st->id);
			for (j = 0; j < k; j++) {
				if (strcmp(names[j], env) == 0) {
					err(c, st->id_pos, "steps '%s' and "
					    "'%s' would both pass their "
					    "artifact as $%s: rename one",
					    owner[j]->id, st->id, env);
					break;
				}
			}
			owner[k] = st;
			names[k++] = env;
		}
	}
	/* Artifacts first, then the fixed names, then the variables. */
	n = k;
	for (i = 0; stepup_names[i] != NULL; i++)
		names[n++] = stepup_names[i];
	for (i = 0; i < rb->n_vars; i++)
		names[n++] = rb->vars[i].name;
	/* What a variable is read from is in the environment too. */
	for (i = 0; i < rb->n_vars; i++) {
		if (rb->vars[i].env != NULL)
			names[n++] = rb->vars[i].env;
	}
	names[n] = NULL;
	for (i = 0; i < c->n_refs; i++) {
		const struct ref *r = &c->refs[i];

		if (rbl_in_list(r->name, names))
			continue;
		guess = rbl_closest(r->name, names);
		if (strncmp(r->name, "STEPUP_ARTIFACT_", 16) == 0 &&
		    (guess == NULL || strncmp(guess, "STEPUP_ARTIFACT_", 16)
		    != 0))
			err(c, r->pos, "$%s in %s of step '%s': no step with "
			    "'produces' has the id '%s'", r->name, r->field,
			    r->step, r->name + 16);
		else if (strncmp(r->name, "STEPUP_", 7) == 0 && guess != NULL)
			err(c, r->pos, "$%s in %s of step '%s' is not a name "
			    "stepup sets; did you mean $%s?", r->name, r->field,
			    r->step, guess);
		else if (strncmp(r->name, "STEPUP_", 7) == 0)
			warn(c, r->pos, "$%s in "
			    "%s of step '%s' is not a name stepup sets: it "
			    "will come from stepup's environment", r->name,
			    r->field, r->step);
		else if (guess != NULL)
			warn(c, r->pos, "$%s in "
			    "%s of step '%s' is not a runbook variable; did "
			    "you mean $%s?", r->name, r->field, r->step, guess);
		else
			warn(c, r->pos, "$%s in "
			    "%s of step '%s' is not a runbook variable: it "
			    "will come from stepup's environment", r->name,
			    r->field, r->step);
	}
	for (i = 0; i < k; i++)
		free((char *)names[i]);
	free(names);
	free(owner);
}

/* Once every step is loaded, check what is across steps. */
void
rbl_check_steps(struct ctx *c)
{
	check_needs(c);
	check_refs(c);
}

/* ---- artifacts ----------------------------------------------------------- */

/* The environment variable that passes step id's artifact. */
char *
runbook_artifact_env(const char *id)
{
	char	*s, *p;

	s = xasprintf("STEPUP_ARTIFACT_%s", id);
	for (p = s; *p != '\0'; p++) {
		if (*p == '-')
			*p = '_';
	}
	return s;
}
