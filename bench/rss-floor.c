/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/*
 * rss-floor.c: the memory floor of stepup's fixed dependencies, for
 * bench/tui-pager. It links what stepup links (wide-character ncurses,
 * libyaml, SQLite, and with them libm), starts curses as the wizard does
 * and draws one full screen, then waits for Q: what is resident then is
 * what any program built on these libraries pays before it does anything
 * of its own.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <locale.h>
#include <sqlite3.h>
#include <yaml.h>

int
main(void)
{
	int	y;

	setlocale(LC_ALL, "");
	if (initscr() == NULL)
		return 1;
	raw();
	noecho();
	keypad(stdscr, TRUE);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	for (y = 0; y < LINES - 1; y++)
		mvprintw(y, 0, "%07d libyaml %s, SQLite %s", y + 1,
		    yaml_get_version_string(), sqlite3_libversion());
	mvaddstr(LINES - 1, 0, "(END)");
	refresh();
	while (getch() != 'Q')
		;
	endwin();
	return 0;
}
