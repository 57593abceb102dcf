/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* runbook-int.h: internal to the runbook loader (runbook*.c, rbdiag.c):
 * the loading context and the small typed getters the loader reads YAML
 * nodes with. Not for other modules: they use runbook.h.
 *
 * Ownership: a struct ctx borrows the file name, the diagnostics and the
 * runbook being filled in; it owns its refs (names included), which
 * runbook_load() frees. Strings returned by rbl_get_string() belong to the
 * caller; rbl_clip() returns s itself or the text in the clipbuf. */
#ifndef STEPUP_RUNBOOK_INT_H
#define STEPUP_RUNBOOK_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "runbook.h"
#include "yamltree.h"

/* A $NAME in a step's text, checked once every step is known. */
struct ref {
	char		*name;
	struct rb_pos	 pos;
	const char	*field;		/* "produces", "run", ... */
	const char	*step;		/* the step's id (owned by the step) */
	bool		 shell;		/* in a command: only STEPUP_ names */
	bool		 reported;	/* an error said already */
};

struct ctx {
	const char	*file;
	struct rb_diags	*d;
	struct runbook	*rb;
	struct ref	*refs;
	size_t		 n_refs;
	size_t		 added;		/* diagnostics added */
	size_t		 dropped;	/* ... and not added, past the limit */
	size_t		 dropped_errors;
	bool		 capped;	/* some $NAMEs were not checked */
};

/* Add a diagnostic, unless a hostile file has already given thousands: then
 * only count it (runbook_load cuts the list with rb_diags_trim). */
void	 rbl_diag(struct ctx *, enum rb_level, struct rb_pos, const char *,
	    ...) __attribute__((format(printf, 4, 5)));
#define err(c, pos, ...)	rbl_diag((c), RB_ERROR, (pos), __VA_ARGS__)
#define warn(c, pos, ...)	rbl_diag((c), RB_WARNING, (pos), __VA_ARGS__)

/* Cut the diagnostics added since start to the first hundred in file
 * order, and say how many more there are (dropped of them never added;
 * capped: more than that). */
void	 rb_diags_trim(struct rb_diags *, size_t start, const char *file,
	    size_t dropped, bool capped);

/* A runbook's text quoted in a message: at most 60 bytes of it, cut on a
 * character boundary, with "..." when cut. */
struct clipbuf {
	char	s[72];
};
const char	*rbl_clip(const char *s, struct clipbuf *);

/* Where to report what a mapping lacks: at its key when it has one. */
struct rb_pos	 rbl_map_where(const struct yt_node *map);
/* The value of key in map (NULL when absent), and its key node in *keyp. */
const struct yt_node *rbl_map_get(const struct yt_node *map, const char *key,
		    const struct yt_node **keyp);

/* Whether s is one of list (NULL-terminated). */
bool		 rbl_in_list(const char *s, const char *const *list);
/* The closest word in list to s, if it is close enough to be a typo: the
 * loader's name for util.c's word_closest(), which the command line shares. */
#define rbl_closest(s, list)	word_closest(s, list)
/* "a, b, c", or "a, b or c" with last " or "; the caller frees it. */
char		*rbl_join(const char *const *list, const char *last);

/* A word to say more about, when a map has it as an unknown key. */
struct rbl_key_hint {
	const char	*key;
	const char	*more;		/* after "unknown key 'K' in WHERE" */
};
/* Report every key of map that is not in known (with its hint from hints,
 * a table ending in { NULL }, when it has one; hints may be NULL). */
void		 rbl_check_keys(struct ctx *, const struct yt_node *map,
		    const char *where, const char *const *known,
		    const struct rbl_key_hint *hints);

/* A scalar's text, or an error saying what was found instead. */
bool		 rbl_want_string(struct ctx *, const char *key,
		    const struct yt_node *, bool nonempty);
/* The same, a copy of the text for the caller, or NULL. */
char		*rbl_get_string(struct ctx *, const char *key,
		    const struct yt_node *, bool nonempty);
/* true or false into *out, or an error and false. */
bool		 rbl_get_bool(struct ctx *, const char *key,
		    const struct yt_node *, bool *out);
/* One of names (NULL-terminated); returns its index or -1. */
int		 rbl_get_enum(struct ctx *, const char *key,
		    const struct yt_node *, const char *const *names);
/* A scalar's text and position into dst. */
void		 rbl_set_str(struct rb_str *dst, const struct yt_node *);
/* Where a scalar's text starts, for commands checked later. */
struct rb_textpos rbl_text_at(const struct yt_node *);
/* Whether ch may be in an environment variable's name (first: start it). */
bool		 rbl_is_name_char(char ch, bool first);

/* runbook-steps.c: a `forks` value, 1 to RB_FORKS_MAX, into *out, or an
 * error at x and false. */
bool		 rbl_get_forks(struct ctx *, const struct yt_node *x,
		    unsigned *out);
/* runbook-steps.c: load one phase's steps into c->rb. */
/* A timeout: seconds, or a number with s, m or h; 0 when invalid. */
unsigned	 rbl_parse_timeout(const char *);
void		 rbl_load_phase(struct ctx *, enum rb_phase,
		    const struct yt_node *key, const struct yt_node *);
/* runbook-steps.c: once every step is loaded, check what is across steps:
 * ids, needs, when, artifact names and $NAMEs. */
void		 rbl_check_steps(struct ctx *);
/* Free the strings of a step's keys that step_keys[] keeps as strings
 * (text, run, undo, ...); the loaders' fields are the caller's. */
void		 rbl_free_step_keys(struct rb_step *);
/* when: {VAR: ANSWER | [ANSWER...]} into conditions; then, once the
 * vars are loaded, check that each names one and answers it can have. */
void		 rbl_load_conds(struct ctx *, const struct yt_node *,
		    struct rb_cond **, size_t *);
void		 rbl_check_conds(struct ctx *, const struct rb_cond *, size_t);
void		 rbl_free_conds(struct rb_cond *, size_t);

#endif
