/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* tui-driver.c: a test-only front end that shows single screens of the
 * wizard without a session, for the tmux terminal tests; run without
 * arguments it checks the key table against every screen instead. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../screens/screens.h"
#include "ui.h"
#include "util.h"

static const struct screen *const all[] = {
#define X(name) &screen_##name,
	SCREENS(X)
#undef X
};

static void
header(struct ui_header *h)
{
	snprintf(h->product, sizeof h->product, "Driver");
	snprintf(h->from, sizeof h->from, "1.0");
	snprintf(h->to, sizeof h->to, "2.0");
	h->hop = 1;
	h->n_hops = 2;
	snprintf(h->state, sizeof h->state, "reading");
}

static int
acked(void *ctx, char **cause)
{
	*(int *)ctx = 1;
	return 0;
}

/* No two actions of a list of a screen share a key; each has help. */
static int
check_list(const char *name, const enum key_action *list)
{
	const enum key_action	*a, *b;
	int			 bad = 0;
	wint_t			 ch;

	for (a = list; a != NULL && *a != KEYS_NONE; a++) {
		for (b = a + 1; *b != KEYS_NONE; b++) {
			for (ch = 1; ch < 0x80; ch++) {
				if (keys_bound(*a, ch, false) &&
				    keys_bound(*b, ch, false)) {
					printf("%s: key 0x%02x is both %s and "
					    "%s\n", name, (unsigned)ch,
					    keys_word(*a), keys_word(*b));
					bad = 1;
				}
			}
		}
		if (*keys_help(*a) == '\0') {
			printf("%s: an action without help\n", name);
			bad = 1;
		}
	}
	return bad;
}

/* No screen binds one key to two of its own actions, in its keys or in
 * the keys of its state where a line is typed. */
static int
check_keys(void)
{
	size_t	i;
	int	bad = 0;

	for (i = 0; i < nitems(all); i++) {
		bad |= check_list(all[i]->name, all[i]->keys);
		bad |= check_list(all[i]->name, all[i]->typing_keys);
	}
	return bad;
}

/* The man page's list of keys, as mdoc, from the key table. */
static void
print_keys(void)
{
	int	a;

	puts(".Bl -tag -width \"Space PgDn\" -compact");
	for (a = KEYS_NONE + 1; a < KEYS__COUNT; a++)
		printf(".It Sy \\&%s\n%s.\n", keys_label(a), keys_help(a));
	puts(".El");
}

/* The man page's list of colour roles, from the role table. */
static void
print_roles(void)
{
	int	r;

	puts(".Bl -tag -width selection -compact");
	for (r = 0; r < ROLE__COUNT; r++)
		printf(".It Cm %s\n", theme_role_name(r));
	puts(".El");
}

int
main(int argc, char **argv)
{
	struct theme		 t;
	struct reader_arg	 ra;
	char			*cause = NULL, *theme_cause = NULL;
	const char		*theme = getenv("STEPUP_THEME");
	int			 ack = 0, status;

	if (argc < 2)
		return check_keys();
	if (strcmp(argv[1], "keys") == 0) {
		print_keys();
		return 0;
	}
	if (strcmp(argv[1], "roles") == 0) {
		print_roles();
		return 0;
	}
	if (theme_choose(&t, theme, false, &theme_cause) != 0)
		fprintf(stderr, "stepup: %s; using the default theme\n",
		    theme_cause);
	ui_header_hook = header;
	ui_init(&t);
	if (theme_cause != NULL) {
		ui_message(ROLE_ERROR, "%s; using the default theme",
		    theme_cause);
		free(theme_cause);
	}
	if (strcmp(argv[1], "reader") == 0 && argc >= 3) {
		memset(&ra, 0, sizeof ra);
		ra.path = argv[2];
		ra.title = argc >= 4 ? argv[3] : NULL;
		ra.ack = acked;
		ra.ctx = &ack;
		if (ui_push(&screen_reader, &ra, &cause) != 0) {
			ui_end();
			fatal(EXIT_FAILED, "%s", cause);
		}
	} else {
		ui_end();
		fatal(EXIT_USAGE, "usage: tui-driver [reader FILE [TITLE]]");
	}
	status = ui_loop();
	ui_end();
	printf("driver: status %d%s\n", status, ack ? ", acknowledged" : "");
	return status;
}
