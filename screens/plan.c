/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* plan.c: the plan screen: installed and target versions, the hops drawn
 * as a path with their kinds and why each stop is there, the policy in
 * words; a refused path shows the rule and the nearest allowed one. The
 * operator may type another target (session_set_to), and write the
 * checklist of the plan next to the journal. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "tui.h"
#include "util.h"

struct plan_screen {
	bool		 planned;
	char		*error;		/* why it could not be planned */
	bool		 editing;	/* typing another target */
	struct ui_line	 line;
	char		*refused;	/* why the typed target was refused */
};

static const enum key_action plan_keys[] = {
	KEYS_OPEN, KEYS_TARGET, KEYS_EXPORT, KEYS_NONE
};

/* Typing another target (t). */
static const enum key_action plan_typed[] = {
	KEYS_ANSWER, KEYS_ERASE, KEYS_NONE
};

static int
plan_enter(void *state, void *arg, char **cause)
{
	struct plan_screen	*p = state;
	struct session		*s = tui_session();

	p->planned = session_get_plan(s) != NULL || session_refusal(s) != NULL;
	/* The probes may take a while (a command on the cluster): plan
	 * after a first frame that says so. */
	if (!p->planned)
		ui_ticker(1);
	return 0;
}

static void
plan_tick(void *state)
{
	struct plan_screen	*p = state;
	struct session		*s = tui_session();
	char			*cause = NULL;

	ui_ticker(0);
	if (p->planned)
		return;
	p->planned = true;
	if (session_plan(s, &cause) != EXIT_DONE && session_refusal(s) == NULL)
		p->error = cause;
	else
		free(cause);
	ui_dirty();
}

static void
plan_leave(void *state)
{
	struct plan_screen	*p = state;

	free(p->error);
	free(p->refused);
}

static void
plan_path(struct buf *b, const struct plan *pl)
{
	size_t	h;

	buf_puts(b, pl->from);
	for (h = 0; h < pl->n_hops; h++)
		buf_printf(b, " %s%s%s %s", ui_utf8() ? "─" : "-",
		    pl->hops[h].kind != NULL ? pl->hops[h].kind : "?",
		    ui_utf8() ? "─▶" : "->", pl->hops[h].to);
}

static void
plan_policy(struct buf *b, const struct rb_policy *p)
{
	size_t	i;

	if (p->within_series == RB_WITHIN_CONSECUTIVE)
		buf_puts(b, "Within a series, every release in turn. ");
	if (p->leave_series == RB_LEAVE_FROM_LATEST)
		buf_puts(b, "A series is left only from its latest release. ");
	else if (p->leave_series == RB_LEAVE_FROM_LATEST_MINOR)
		buf_puts(b, "A series is left only from its latest minor "
		    "version. ");
	if (p->skip_series == 0)
		buf_puts(b, "No series is skipped. ");
	else if (p->skip_series > 0)
		buf_printf(b, "A hop passes over at most %d series. ",
		    p->skip_series);
	if (p->one_minor)
		buf_puts(b, "One minor version at a time. ");
	if (p->n_required_stops > 0) {
		buf_puts(b, "Required stops:");
		for (i = 0; i < p->n_required_stops; i++) {
			const struct rb_boundary *st = &p->required_stops[i];
			size_t k;

			buf_printf(b, " %s", st->at.s);
			/* a conditional stop: when its answer is */
			for (k = 0; k < st->n_when; k++) {
				size_t v;

				buf_printf(b, "%s%s=", k == 0 ? " (when " :
				    ", ", st->when[k].var.s);
				for (v = 0; v < st->when[k].n_values; v++)
					buf_printf(b, "%s%s", v > 0 ? "|" : "",
					    st->when[k].values[v]);
				if (k + 1 == st->n_when)
					buf_puts(b, ")");
			}
		}
		buf_puts(b, ". ");
	}
	for (i = 0; i < p->n_redeploy_at; i++)
		buf_printf(b, "Crossing %s needs a redeploy%s%s. ",
		    p->redeploy_at[i].at.s, p->redeploy_at[i].reason != NULL ?
		    ": " : "", p->redeploy_at[i].reason != NULL ?
		    p->redeploy_at[i].reason : "");
	for (i = 0; i < p->n_no_across; i++)
		buf_printf(b, "No upgrade across %s%s%s. ",
		    p->no_across[i].at.s, p->no_across[i].reason != NULL ?
		    ": " : "", p->no_across[i].reason != NULL ?
		    p->no_across[i].reason : "");
	if (b->len == 0)
		buf_puts(b, "Any newer version, in one hop.");
}

static void
plan_draw(void *state, WINDOW *w, int rows, int cols)
{
	struct plan_screen		*ps = state;
	struct session			*s = tui_session();
	const struct plan		*pl = session_get_plan(s);
	const struct plan_refusal	*ref = session_refusal(s);
	const struct runbook		*rb = session_runbook(s);
	const struct rb_policy		*policy;
	struct plan_conds		 pc;
	struct buf			 b;
	char				 line[512];
	int				 y = 1;
	size_t				 h;

	wattron(w, theme_attr(ROLE_TITLE));
	ui_str(w, y++, 2, cols - 4, "Upgrade plan");
	wattroff(w, theme_attr(ROLE_TITLE));
	y++;
	if (!ps->planned) {
		ui_str(w, y, 2, cols - 4, "Probing the installed and available "
		    "versions...");
		return;
	}
	if (ps->error != NULL) {
		wattron(w, theme_attr(ROLE_FAILED));
		y = ui_wrap(w, y, 2, cols - 4, rows, ps->error);
		wattroff(w, theme_attr(ROLE_FAILED));
		snprintf(line, sizeof line, "Nothing was done. %s leaves.",
		    keys_key(KEYS_BACK));
		ui_str(w, y + 1, 2, cols - 4, line);
		return;
	}
	buf_init(&b);
	if (pl != NULL) {
		snprintf(line, sizeof line, "Installed  %s", pl->from);
		ui_str(w, y++, 2, cols - 4, line);
		snprintf(line, sizeof line, "Target     %s", pl->to);
		ui_str(w, y++, 2, cols - 4, line);
		y++;
		if (pl->n_hops == 0) {
			wattron(w, theme_attr(ROLE_PASSED));
			snprintf(line, sizeof line, "Nothing to do: %s is "
			    "installed.", pl->from);
			ui_str(w, y++, 2, cols - 4, line);
			wattroff(w, theme_attr(ROLE_PASSED));
		} else {
			plan_path(&b, pl);
			ui_str(w, y++, 2, cols - 4, "Path");
			wattron(w, theme_attr(ROLE_RUNNING));
			y = ui_wrap(w, y, 4, cols - 6, rows, b.data);
			wattroff(w, theme_attr(ROLE_RUNNING));
			y++;
			for (h = 0; h < pl->n_hops && y < rows - 4; h++) {
				snprintf(line, sizeof line, "hop %zu  %s %s %s  "
				    "(%s)%s%s", h + 1, pl->hops[h].from,
				    ui_glyph(UI_GLYPH_ARROW), pl->hops[h].to,
				    pl->hops[h].kind != NULL ?
				    pl->hops[h].kind : "?",
				    pl->hops[h].reason != NULL ? "  " : "",
				    pl->hops[h].reason != NULL ?
				    pl->hops[h].reason : "");
				ui_str(w, y++, 4, cols - 6, line);
			}
		}
	} else if (ref != NULL) {
		wattron(w, theme_attr(ROLE_FAILED));
		snprintf(line, sizeof line, "Refused by the runbook's policy "
		    "(rule: %s)", ref->rule);
		ui_str(w, y++, 2, cols - 4, line);
		wattroff(w, theme_attr(ROLE_FAILED));
		y = ui_wrap(w, y, 2, cols - 4, rows, ref->message) + 1;
		if (ref->nearest != NULL) {
			snprintf(line, sizeof line, "The nearest allowed target "
			    "is %s: %s types it (stepup run --to %s).",
			    ref->nearest, keys_key(KEYS_TARGET), ref->nearest);
			wattron(w, theme_attr(ROLE_PASSED));
			ui_str(w, y++, 2, cols - 4, line);
			wattroff(w, theme_attr(ROLE_PASSED));
		}
		if (ref->alternative != NULL &&
		    ref->alternative->n_hops > 0) {
			plan_path(&b, ref->alternative);
			ui_str(w, y++, 2, cols - 4, "Allowed path instead:");
			y = ui_wrap(w, y, 4, cols - 6, rows, b.data);
		}
	}
	/* the policy as it applies under the answers, and the conditions
	   that gave it */
	policy = session_policy(s) != NULL ? session_policy(s) : &rb->policy;
	b.len = 0;
	plan_policy(&b, policy);
	y++;
	ui_str(w, y++, 2, cols - 4, "Policy");
	wattron(w, theme_attr(ROLE_DIM));
	y = ui_wrap(w, y, 4, cols - 6, ps->editing ? rows - 5 : rows - 2,
	    b.data);
	wattroff(w, theme_attr(ROLE_DIM));
	plan_policy_conds(policy, &pc);
	if (pc.n > 0 && y < rows - 3) {
		ui_str(w, y++, 2, cols - 4, "Conditional policy");
		for (h = 0; h < pc.n && y < rows - 2; h++) {
			b.len = 0;
			buf_printf(&b, "%s: %s, since %s", pc.v[h].rule,
			    pc.v[h].value, pc.v[h].since);
			y = ui_wrap(w, y, 4, cols - 6, ps->editing ? rows - 5 :
			    rows - 2, b.data);
		}
	}
	plan_conds_free(&pc);
	buf_free(&b);
	if (ps->editing) {
		if (ps->refused != NULL) {
			wattron(w, theme_attr(ROLE_FAILED));
			ui_wrap(w, rows - 4, 2, cols - 4, rows - 2,
			    ps->refused);
			wattroff(w, theme_attr(ROLE_FAILED));
		}
		snprintf(line, sizeof line, "Another target (%s plans for it, "
		    "%s keeps this one):", keys_key(KEYS_ANSWER),
		    keys_key(KEYS_TYPED_BACK));
		ui_str(w, rows - 2, 2, cols - 4, line);
		ui_line_draw(&ps->line, w, rows - 1, 2, cols - 4, "> ");
		return;
	}
	if (pl != NULL && pl->n_hops > 0) {
		snprintf(line, sizeof line, session_question(s, 0) != NULL ?
		    "%s: answer the runbook's questions, then begin" :
		    "%s: begin the run", keys_key(KEYS_OPEN));
		ui_str(w, rows - 1, 2, cols - 4, line);
	}
}

static struct export_arg plan_export = {
	"Write the checklist of this plan", "Checklist", tui_export_checklist
};

/* The typed target: planned for, or refused with the reason. */
static bool
plan_edit(struct plan_screen *p, const struct ui_key *k)
{
	char	*text, *cause = NULL;
	bool	 left;

	if (k->is_fn && k->ch == KEY_F(1))
		return false;
	if ((text = ui_line_given(&p->line, k, &left)) == NULL) {
		if (left)
			p->editing = false;
		return true;
	}
	free(p->refused);
	p->refused = NULL;
	if (session_set_to(tui_session(), text, &cause) != 0)
		p->refused = cause;
	else
		p->editing = false;
	ui_line_clear(&p->line);
	free(text);
	return true;
}

static bool
plan_key(void *state, const struct ui_key *k)
{
	struct plan_screen	*p = state;
	struct session		*s = tui_session();
	char			*cause = NULL;

	if (p->editing)
		return plan_edit(p, k);
	if (k->action == KEYS_TARGET) {
		p->editing = true;
		free(p->refused);
		p->refused = NULL;
		ui_line_clear(&p->line);
		ui_dirty();
		return true;
	}
	if (k->action == KEYS_EXPORT) {
		/* The format is chosen there; it says where it went. */
		if (ui_push(&screen_export, &plan_export, &cause) != 0) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
		}
		return true;
	}
	if (k->action != KEYS_OPEN)
		return false;
	if (session_question(s, 0) != NULL) {
		if (ui_replace(&screen_questions, NULL, &cause) != 0) {
			ui_message(ROLE_ERROR, "%s", cause);
			free(cause);
		}
	} else
		tui_begin();
	return true;
}

static bool
plan_can(void *state, enum key_action a)
{
	struct plan_screen	*p = state;
	const struct plan	*pl = session_get_plan(tui_session());

	if (a == KEYS_TARGET)
		return p->planned && p->error == NULL && !p->editing;
	if (a == KEYS_ANSWER || a == KEYS_ERASE)
		return p->editing;
	return pl != NULL && pl->n_hops > 0 && !p->editing;
}

static bool
plan_typing(void *state)
{
	struct plan_screen	*p = state;

	return p->editing;
}

const struct screen screen_plan = {
	.name = "plan",
	.state_size = sizeof(struct plan_screen),
	.keys = plan_keys,
	.enter = plan_enter,
	.draw = plan_draw,
	.key = plan_key,
	.can = plan_can,
	.tick = plan_tick,
	.leave = plan_leave,
	.typing_keys = plan_typed,
	.typing = plan_typing,
};
