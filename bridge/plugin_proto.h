/* SPDX-License-Identifier: GPL-2.0 */
/*
 * auditd's plugin interface, as bpfauditd speaks it: the plugins.d file
 * format (auditd-plugins(5)) and the string-format record stream a plugin
 * reads on its standard input. Pure: no processes, no daemon state.
 */
#ifndef BPFAUDIT_PLUGIN_PROTO_H
#define BPFAUDIT_PLUGIN_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* auditd 4.x reads plugins.d lines of up to 511 bytes. */
#define PLUGIN_MAX_LINE		511
#define PLUGIN_MAX_ARGS		32
#define PLUGIN_NAME_MAX		256
#define PLUGIN_PATH_MAX		4096

struct plugin_conf {
	char name[PLUGIN_NAME_MAX];	/* the file's name in plugins.d */
	bool active;
	char path[PLUGIN_PATH_MAX];
	char args[PLUGIN_MAX_LINE + 1];	/* nargs NUL-terminated words */
	int nargs;
	ino_t inode;			/* of path, when active */
};

/* Whether readdir's @name is a plugin file: auditd skips hidden files and
 * names with more than one dot (backups such as x.conf.rpmsave). */
bool plugin_conf_wanted(const char *name);

/*
 * Parses @len bytes of plugins.d text into @pc (defaults first). @name is
 * used in messages as "NAME:LINE: reason". Only what bpfauditd can run is
 * accepted: type = always, direction = out, format = string. Returns 0,
 * or -1 with @err filled.
 */
int plugin_conf_parse(const char *name, const char *text, size_t len,
		      struct plugin_conf *pc, char *err, size_t errlen);

/*
 * Reads @dir/@name with auditd's checks (a regular file owned by root, not
 * writable by group or others), parses it, and for an active plugin checks
 * its program the same way (and that owner and group may read and run it).
 */
int plugin_conf_load(const char *dir, const char *name,
		     struct plugin_conf *pc, char *err, size_t errlen);

/*
 * The length of the event that starts @buf (the lines sharing its first
 * line's msg=audit(...) stamp), 0 if @buf holds no whole line. *@eoe gets
 * the EOE record auditd would pass on after it (a kernel syscall event, one
 * with a SYSCALL record, ends with one), or "" when none follows;
 * @eoe_size must be at least 128.
 */
size_t plugin_next_event(const char *buf, size_t len, char *eoe,
			 size_t eoe_size);

#endif
