/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* inventory.h: the hosts and groups of a cluster, and host patterns that
 * select some of them. No curses, no journal: a model the runbook loader,
 * the planner and the session read.
 *
 * Where hosts come from (each adds to one inventory; call them in any
 * order and as often as needed, then inventory_finish()):
 *
 * - a runbook's `hosts:` mapping, group name to a list of names
 *   (inventory_add_tree()): a name that is a key of the same mapping is
 *   that group, as a child; any other is a host name or a host range;
 * - an Ansible inventory file, INI or YAML (inventory_load_file()), read as
 *   Ansible reads it: INI `[group]`, `[group:children]`, `[group:vars]`,
 *   hosts before any section (ungrouped), `#` and `;` comments, `host:port`
 *   (the port is kept); YAML `all:`/`GROUP:` with `hosts:`, `children:`,
 *   `vars:`. Variables (`[group:vars]`, `vars:`, `key=value` after a host)
 *   are ignored with one note a file: stepup reaches a host by its name,
 *   through the operator's ssh_config;
 * - a command's output, one host a line (inventory_add_lines(); the
 *   engine's inventory_add_command() runs the command through spawn.c
 *   with /bin/sh -c and hands its output here).
 *
 * Host ranges expand as Ansible's: `node[01:20]` (a zero-padded start keeps
 * its width, and then the end must have it too), `node[1:9:2]` (a step),
 * `rack-[a:f]` (letters, a-z then A-Z), `[:5]` from 0, several ranges in
 * one name. No inventory holds more than INV_MAX_HOSTS hosts or
 * INV_MAX_GROUPS groups: a range past that is refused whole, with a
 * message, before anything is expanded.
 *
 * Names: a host is [A-Za-z0-9._-]+ not starting with '-' or '.', at most
 * INV_MAX_NAME bytes (IPv6 addresses and other spellings go in the
 * operator's ssh_config as HostName); a group is [A-Za-z0-9_.-]+ starting
 * with a letter or '_'. `all` (every host) and `ungrouped` (hosts in no
 * group) are implicit, as in Ansible.
 *
 * Order is deterministic: hosts in the order first met; a group's hosts
 * are its own in order, then its children's, each child in order, without
 * duplicates. Adding a child that would make a cycle is an error at that
 * child. Every problem is an rb_diag (error or warning, "FILE:LINE:COL").
 *
 * Ownership: the inventory owns every name; inventory_free() frees it.
 * Selections (struct inv_sel) are the caller's, freed with
 * inventory_sel_free(). */
#ifndef STEPUP_INVENTORY_H
#define STEPUP_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "runbook.h"
#include "yamltree.h"

#define INV_MAX_HOSTS	100000	/* hosts in one inventory */
#define INV_MAX_GROUPS	10000	/* groups in one inventory */
#define INV_MAX_NAME	253	/* bytes in a host or group name */
#define INV_MAX_FILE	(16 * 1024 * 1024)	/* an inventory file, or a
						   command's output */

struct inv_host {
	char		*name;
	int		 port;		/* INI/YAML "host:port", or 0 */
	struct rb_pos	 pos;		/* where first named */
	size_t		*groups;	/* the groups naming it directly */
	size_t		 ngroups;
};

struct inv_group {
	char		*name;
	struct rb_pos	 pos;		/* where first named */
	size_t		*hosts;		/* its own hosts, in order */
	size_t		 nhosts;
	size_t		*children;	/* child groups, in order */
	size_t		 nchildren;
	bool		 defined;	/* a section, key or mapping entry of
					   its own (not only named as a
					   child) */
	char		*file;		/* where it was named as a child while
					   not yet defined, for the error */
	struct rb_pos	 child_pos;
};

struct inv_table;

struct inventory {
	struct inv_host		*hosts;
	size_t			 nhosts;
	struct inv_group	*groups;
	size_t			 ngroups;
	struct inv_table	*host_index, *group_index;
	bool			 noted_vars;	/* the note about variables */
	/* A limit (inventory_limit): the hosts it leaves out, by index, or
	 * NULL when there is none; and its pattern. */
	bool			*excluded;
	char			*limit;
};

/* Which hosts a pattern selects: indexes into inventory.hosts. */
struct inv_sel {
	size_t	*v;
	size_t	 n;
};

enum inv_format {
	INV_AUTO,	/* by the file's name, then its first lines */
	INV_INI,
	INV_YAML,
};

struct inventory	*inventory_new(void);
void			 inventory_free(struct inventory *);

/* Add a runbook's `hosts:` mapping (group name to a list of host names,
 * ranges and names of the mapping's other groups). Returns the number of
 * errors added to diags. */
size_t	inventory_add_tree(struct inventory *, const char *file,
	    const struct yt_node *map, struct rb_diags *);

/* Read an Ansible inventory file of either form. Returns the number of
 * errors added to diags. */
size_t	inventory_load_file(struct inventory *, const char *path,
	    enum inv_format, struct rb_diags *);
/* The same, for a file named elsewhere (a runbook's `inventory:` at
 * file:pos, or an option): one that cannot be opened is an error there,
 * "WHAT PATH: REASON". */
size_t	inventory_load_named(struct inventory *, const char *path,
	    const char *file, struct rb_pos pos, const char *what,
	    struct rb_diags *);
/* The same on text in memory; file names it in messages. */
size_t	inventory_load_text(struct inventory *, const char *file,
	    const char *buf, size_t len, enum inv_format, struct rb_diags *);

/* Add each line of a command's output (len bytes of out) as a host, to
 * group when not NULL. Blank lines and lines starting with '#' are
 * skipped; each line is trimmed of spaces. A line that is not a host name
 * (or holds a NUL byte) is an error at file:pos (where the command is
 * written) naming the line; at most 10 are reported. Returns the number
 * of errors. */
size_t	inventory_add_lines(struct inventory *, const char *file,
	    struct rb_pos pos, const char *out, size_t len, const char *group,
	    struct rb_diags *);

/* Check what can only be checked once every source is in: a group named as
 * a child and never defined. Returns the number of errors. */
size_t	inventory_finish(struct inventory *, const char *file,
	    struct rb_diags *);

/* The host or group of that name, or -1. */
long	inventory_host(const struct inventory *, const char *name);
long	inventory_group(const struct inventory *, const char *name);

/* Every host of a group (its own, then its children's), in order. */
void	inventory_group_hosts(const struct inventory *, size_t group,
	    struct inv_sel *);

/* Select hosts with an Ansible host pattern, as `--limit` or `hosts:`
 * reads it: terms separated by ',' (or, when there is no comma, by ':'),
 * each a group name, a host name, `all` or `*`, a glob (`node*`,
 * `web-?`, `rack-[ab]*`), or `~REGEX` (POSIX extended, matched from the
 * start of the name), each optionally with a subscript (`web[0]`,
 * `web[-1]`, `web[0:9]`, `web[10:]`) and a prefix: `&` keeps only the
 * hosts the term selects too, `!` removes them. As Ansible does, plain
 * terms are taken first (in the order written), then every `&`, then every
 * `!`; with no plain term, `all` is taken first. A name or glob matches
 * groups first; a glob also matches hosts, and so does a plain name when
 * no group has it. Unlike Ansible, a term that matches nothing is an
 * error (a typo in a limit must not quietly change what runs), but a
 * group without hosts is not. Returns 0 with the hosts in *sel, or -1
 * with *cause (caller frees). */
int	inventory_select(const struct inventory *, const char *pattern,
	    struct inv_sel *sel, char **cause);
void	inventory_sel_free(struct inv_sel *);

/* Narrow the inventory as Ansible's --limit does: from now on,
 * inventory_select() never selects a host the pattern does not select
 * (a pattern's subscripts still count every host of a group, as
 * Ansible's do). A limit that selects no host is an error, and so is a
 * second limit (the pattern itself narrows: "web:&rack1"). Returns 0, or
 * -1 with *cause. */
int	inventory_limit(struct inventory *, const char *pattern, char **cause);
/* The hosts left by the limit (every host without one). */
size_t	inventory_count(const struct inventory *);
/* Those hosts' names, separated by one space (caller frees). */
char	*inventory_hosts_line(const struct inventory *);

/* The inventory as Ansible INI text: hosts in no group, then each group
 * in order, its own hosts ("host:port" with a port) and its children's
 * section; without the limit. Reading it back with inventory_from_ini()
 * gives the same hosts, groups and order: this is how a run journals
 * the hosts it resolved (caller frees). */
char	*inventory_ini(const struct inventory *);
/* An inventory from that text (file names it in messages), narrowed by
 * limit when it is not NULL. NULL with *cause when it does not read. */
struct inventory *inventory_from_ini(const char *file, const char *text,
	    const char *limit, char **cause);

/* Whether a host pattern reads at all (its terms, its regular
 * expressions), without an inventory to select from: the runbook's
 * `on:` when its hosts are known only at run time. 0, or -1 with
 * *cause. */
int	inventory_pattern_check(const char *pattern, char **cause);
/* Check every `on:` of a runbook's steps against an inventory resolved at
 * run time: a pattern that names no host or group of it, or selects no
 * host, is an error at the step's `on:` in the runbook, naming the step,
 * the pattern and source (where the hosts came from: "inventory.ini").
 * Call it before inventory_limit(): a limit may leave a step no host.
 * Returns the number of errors. */
size_t	inventory_check_steps(const struct inventory *, const struct runbook *,
	    const char *source, struct rb_diags *);

#endif
