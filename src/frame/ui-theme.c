/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* ui-theme.c: the frame's side of the colour roles (theme.h): the curses
 * attributes and colour pairs a theme becomes once curses is up. */
#include "config.h"

#include <curses.h>
#include <stdbool.h>

#include "theme.h"

static int	 applied[ROLE__COUNT];

static int
curses_attrs(int a)
{
	int	r = A_NORMAL;

	if (a & THEME_BOLD)
		r |= A_BOLD;
	if (a & THEME_DIM)
		r |= A_DIM;
	if (a & THEME_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_STANDOUT)
		r |= A_STANDOUT;
	return r;
}

void
theme_apply(const struct theme *t)
{
	struct theme	 mono;
	int		 i;
	bool		 colour = !t->monochrome && has_colors(), plain = false;

	if (!colour && !t->monochrome) {
		/* A terminal without colours: the monochrome roles. */
		theme_default(&mono, true);
		t = &mono;
	}
	if (colour) {
		start_color();
		plain = use_default_colors() == OK;
	}
	for (i = 0; i < ROLE__COUNT; i++) {
		applied[i] = curses_attrs(t->role[i].attrs);
		/* The terminal's own colours are pair 0: a role in them needs
		 * no pair, and text in it no colour set and reset around it. */
		if (plain && t->role[i].fg < 0 && t->role[i].bg < 0)
			continue;
		if (colour && i + 1 < COLOR_PAIRS) {
			init_pair((short)(i + 1), (short)t->role[i].fg,
			    (short)t->role[i].bg);
			applied[i] |= (int)COLOR_PAIR(i + 1);
		}
	}
}

int
theme_attr(enum theme_role r)
{
	return r < ROLE__COUNT ? applied[r] : (int)A_NORMAL;
}
