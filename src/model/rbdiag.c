/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* rbdiag.c: the list of runbook diagnostics: adding, capping and printing
 * them in file order. */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "runbook-int.h"
#include "util.h"

/* What rb_diags_trim keeps of a file's diagnostics. */
#define RB_MAX_DIAGS	100

/* An empty list. */
void
rb_diags_init(struct rb_diags *d)
{
	memset(d, 0, sizeof *d);
}

/* Free every diagnostic; the list is empty again. */
void
rb_diags_free(struct rb_diags *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	rb_diags_init(d);
}

/* Add one diagnostic, file and message copied. */
void
rb_diag_add(struct rb_diags *d, enum rb_level level, const char *file,
    struct rb_pos pos, const char *fmt, ...)
{
	struct rb_diag	*g;
	va_list		 ap;

	d->v = xreallocarray(d->v, d->n + 1, sizeof *d->v);
	g = &d->v[d->n++];
	g->level = level;
	g->file = xstrdup(file != NULL ? file : "-");
	g->pos = pos;
	va_start(ap, fmt);
	g->msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (level == RB_ERROR)
		d->n_errors++;
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct rb_diag *const	*x = a, *const *y = b;
	int				 c;
	int				 lx, ly;

	if ((c = strcmp((*x)->file, (*y)->file)) != 0)
		return c;
	/* Whole-file messages after the positioned ones. */
	lx = (*x)->pos.line > 0 ? (*x)->pos.line : INT_MAX;
	ly = (*y)->pos.line > 0 ? (*y)->pos.line : INT_MAX;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	if ((*x)->pos.col != (*y)->pos.col)
		return (*x)->pos.col < (*y)->pos.col ? -1 : 1;
	return *x < *y ? -1 : *x > *y;	/* stable: order added */
}

/* Print every diagnostic, FILE:LINE:COL: first. */
void
rb_diags_print(const struct rb_diags *d, FILE *f)
{
	const struct rb_diag	**v;
	size_t			  i;

	if (d->n == 0)
		return;
	/* In file order, whatever order the checks found them in. */
	v = xreallocarray(NULL, d->n, sizeof *v);
	for (i = 0; i < d->n; i++)
		v[i] = &d->v[i];
	qsort(v, d->n, sizeof *v, diag_cmp);
	for (i = 0; i < d->n; i++) {
		if (v[i]->pos.line > 0)
			escape_printf(f, "%s:%d:%d: ", v[i]->file,
			    v[i]->pos.line, v[i]->pos.col);
		else
			escape_printf(f, "%s: ", v[i]->file);
		escape_printf(f, "%s%s\n", v[i]->level == RB_WARNING ?
		    "warning: " : "", v[i]->msg);
	}
	free(v);
}

char *
rb_diags_text(const struct rb_diags *d)
{
	char	*text = NULL;
	size_t	 len = 0;
	FILE	*f;

	if ((f = open_memstream(&text, &len)) != NULL) {
		rb_diags_print(d, f);
		fclose(f);
	}
	if (text == NULL)
		return xstrdup("?");
	if (len > 0 && text[len - 1] == '\n')
		text[len - 1] = '\0';
	return text;
}

static int
diag_struct_cmp(const void *a, const void *b)
{
	const struct rb_diag	*x = a, *y = b;

	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.col != y->pos.col)
		return x->pos.col < y->pos.col ? -1 : 1;
	return strcmp(x->msg, y->msg);
}

/* A hostile file can hold thousands of problems: keep the first ones (in
 * file order) and say how many more there are. */
void
rb_diags_trim(struct rb_diags *d, size_t start, const char *file,
    size_t dropped, bool capped)
{
	size_t	i, more;

	if (d->n - start <= RB_MAX_DIAGS)
		return;
	qsort(d->v + start, d->n - start, sizeof *d->v, diag_struct_cmp);
	more = d->n - start - RB_MAX_DIAGS + dropped;
	for (i = start + RB_MAX_DIAGS; i < d->n; i++) {
		if (d->v[i].level == RB_ERROR)
			d->n_errors--;
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	d->n = start + RB_MAX_DIAGS;
	rb_diag_add(d, RB_ERROR, file, (struct rb_pos){0, 0},
	    capped ? "more than %zu further problems not shown" :
	    "%zu more problems not shown", more);
}
