/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* theme.c: colour roles from one table and theme files over them: plain
 * C, no curses (the colour pairs they become are the frame's, in
 * ui-theme.c). */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "theme.h"
#include "util.h"

static const struct {
	const char		*name;
	struct theme_style	 colour;
	int			 mono;
} roles[ROLE__COUNT] = {
#define X(e, n, fg, bg, attr, m) [ROLE_##e] = { n, { fg, bg, attr }, m },
	THEME_ROLES(X)
#undef X
};

static const char *const colours[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

static const struct {
	const char	*name;
	int		 flag;
} attrs[] = {
	{ "bold", THEME_BOLD }, { "dim", THEME_DIM },
	{ "reverse", THEME_REVERSE }, { "underline", THEME_UNDERLINE },
	{ "standout", THEME_STANDOUT }, { "normal", 0 },
};

void
theme_default(struct theme *t, bool monochrome)
{
	int	i;

	t->monochrome = monochrome;
	for (i = 0; i < ROLE__COUNT; i++) {
		if (monochrome) {
			t->role[i].fg = t->role[i].bg = THEME_DEFAULT;
			t->role[i].attrs = roles[i].mono;
		} else
			t->role[i] = roles[i].colour;
	}
}

const char *
theme_role_name(enum theme_role r)
{
	return r < ROLE__COUNT ? roles[r].name : NULL;
}

static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
colour_parse(const char *s)
{
	size_t	i;

	if (strcmp(s, "default") == 0)
		return THEME_DEFAULT;
	for (i = 0; i < nitems(colours); i++) {
		if (strcmp(s, colours[i]) == 0)
			return (int)i;
	}
	return -2;
}

/* Parse "(fg, bg[, attr...])" into *st; returns NULL or a message. */
static char *
style_parse(char *v, struct theme_style *st)
{
	char	*tok, *save, *body;
	int	 n = 0, c;
	size_t	 i, len = strlen(v);

	if (len < 2 || v[0] != '(' || v[len - 1] != ')')
		return xstrdup("expected (FOREGROUND, BACKGROUND[, ATTRIBUTE...])");
	v[len - 1] = '\0';
	body = v + 1;
	st->attrs = 0;
	for (tok = strtok_r(body, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save), n++) {
		tok = trim(tok);
		for (char *p = tok; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		if (n < 2) {
			if ((c = colour_parse(tok)) == -2)
				return xasprintf("unknown colour '%s' (one of "
				    "default, black, red, green, yellow, blue, "
				    "magenta, cyan, white)", tok);
			if (n == 0)
				st->fg = c;
			else
				st->bg = c;
			continue;
		}
		for (i = 0; i < nitems(attrs); i++) {
			if (strcmp(tok, attrs[i].name) == 0)
				break;
		}
		if (i == nitems(attrs))
			return xasprintf("unknown attribute '%s' (one of bold, "
			    "dim, reverse, underline, standout, normal)", tok);
		st->attrs |= attrs[i].flag;
	}
	if (n < 2)
		return xstrdup("expected (FOREGROUND, BACKGROUND[, ATTRIBUTE...])");
	return NULL;
}

int
theme_parse(struct theme *t, const char *text, const char *file,
    char **cause)
{
	struct theme	 nt = *t;
	struct buf	 errs;
	char		*copy = xstrdup(text), *line, *next, *eq, *k, *v, *msg;
	int		 lineno = 0, i;

	/* Every mistake, each on a line of its own, not only the first. */
	buf_init(&errs);
	for (line = copy; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((k = strchr(line, '#')) != NULL)
			*k = '\0';
		line = trim(line);
		if (*line == '\0')
			continue;
		if ((eq = strchr(line, '=')) == NULL) {
			msg = xstrdup("expected ROLE = (FOREGROUND, BACKGROUND"
			    "[, ATTRIBUTE...])");
			goto bad;
		}
		*eq = '\0';
		k = trim(line);
		v = trim(eq + 1);
		if (strcmp(k, "monochrome") == 0) {
			if (strcmp(v, "yes") == 0)
				nt.monochrome = true;
			else if (strcmp(v, "no") == 0)
				nt.monochrome = false;
			else {
				msg = xasprintf("monochrome is yes or no, not "
				    "'%s'", v);
				goto bad;
			}
			continue;
		}
		for (i = 0; i < ROLE__COUNT; i++) {
			if (strcmp(k, roles[i].name) == 0)
				break;
		}
		if (i == ROLE__COUNT) {
			struct buf	b;

			buf_init(&b);
			buf_printf(&b, "unknown role '%s'", k);
			for (i = 0; i < ROLE__COUNT; i++) {
				if (edit_distance(k, roles[i].name, 2) <= 2) {
					buf_printf(&b, " (did you mean '%s'?)",
					    roles[i].name);
					break;
				}
			}
			msg = buf_take(&b);
			goto bad;
		}
		if ((msg = style_parse(v, &nt.role[i])) == NULL)
			continue;
	bad:
		buf_printf(&errs, "%s%s:%d: %s", errs.len > 0 ? "\n" : "",
		    file, lineno, msg);
		free(msg);
	}
	free(copy);
	if (errs.len > 0) {
		*cause = buf_take(&errs);
		return -1;
	}
	free(buf_take(&errs));
	*t = nt;
	return 0;
}

const char *
theme_dir(void)
{
	const char	*s = getenv("STEPUP_THEMES_DIR");

	return s != NULL && *s != '\0' ? s : STEPUP_DATADIR "/themes";
}

static int
theme_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
theme_list(void)
{
	static const char *const builtin[] = { "default", "monochrome" };
	DIR		 *d;
	struct dirent	 *de;
	struct stat	  sb;
	char		**v, *path;
	size_t		  n = 0, size = 8, i, j;

	v = xcalloc(size, sizeof *v);
	for (i = 0; i < nitems(builtin); i++)
		v[n++] = xstrdup(builtin[i]);
	if ((d = opendir(theme_dir())) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			path = xasprintf("%s/%s", theme_dir(), de->d_name);
			if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
				free(path);
				continue;
			}
			free(path);
			for (j = 0; j < n && strcmp(v[j], de->d_name) != 0; j++)
				continue;
			if (j < n)
				continue;
			if (n + 2 > size)
				v = xreallocarray(v, size *= 2, sizeof *v);
			v[n++] = xstrdup(de->d_name);
		}
		closedir(d);
	}
	qsort(v, n, sizeof *v, theme_name_cmp);
	v[n] = NULL;
	return v;
}

int
theme_load(struct theme *t, const char *name, char **cause)
{
	char	*path, *text, *why;
	bool	 mono = strcmp(name, "monochrome") == 0;

	theme_default(t, mono);
	if (strchr(name, '/') != NULL)
		path = xstrdup(name);
	else
		path = xasprintf("%s/%s", theme_dir(), name);
	if ((text = file_read(path, 1 << 20, NULL, &why)) == NULL) {
		/* The compiled-in ones need no file. */
		if (strcmp(name, "default") == 0 || mono) {
			free(why);
			free(path);
			return 0;
		}
		*cause = xasprintf("theme '%s': %s", name, why);
		free(why);
		free(path);
		return -1;
	}
	if (theme_parse(t, text, path, cause) != 0) {
		theme_default(t, false);
		free(text);
		free(path);
		return -1;
	}
	free(text);
	free(path);
	return 0;
}

int
theme_choose(struct theme *t, const char *name, bool no_color, char **cause)
{
	const char	*nc = getenv("NO_COLOR");

	if (no_color || (nc != NULL && *nc != '\0')) {
		theme_default(t, true);
		return 0;
	}
	return theme_load(t, name != NULL ? name : "default", cause);
}

char *
theme_format(const struct theme *t)
{
	struct buf	b;
	int		i;
	size_t		j;

	buf_init(&b);
	if (t->monochrome)
		buf_puts(&b, "monochrome = yes\n");
	for (i = 0; i < ROLE__COUNT; i++) {
		const struct theme_style *st = &t->role[i];

		buf_printf(&b, "%s = (%s, %s", roles[i].name,
		    st->fg < 0 ? "default" : colours[st->fg],
		    st->bg < 0 ? "default" : colours[st->bg]);
		for (j = 0; j < nitems(attrs); j++) {
			if (attrs[j].flag & st->attrs)
				buf_printf(&b, ", %s", attrs[j].name);
		}
		buf_puts(&b, ")\n");
	}
	return buf_take(&b);
}
