/* SPDX-License-Identifier: GPL-2.0 */
/*
 * auditd plugins run by bpfauditd itself, from plugin_dir (auditd's
 * plugins.d format): each is fed the records on its standard input, as
 * auditd's dispatcher feeds string-format plugins, without ever blocking
 * the daemon, and restarted when it dies, up to max_restarts times.
 */
#ifndef BPFAUDIT_PLUGINS_H
#define BPFAUDIT_PLUGINS_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

struct daemon;
struct plugin;

struct plugins {
	struct plugin *list;
	int epfd;		/* plugin sockets that may take more bytes */
	bool started;
};

/* Reads plugin_dir and starts its active plugins (errors are logged and
 * the plugin skipped, as auditd does). Called before privileges go. */
void plugins_start(struct daemon *d);
/* SIGHUP: starts new plugins, stops removed ones, restarts those whose
 * file or program changed, and passes SIGHUP on to the others. */
void plugins_reload(struct daemon *d);
/* Queues whole records (lines) for every plugin and sends what fits. */
void plugins_feed(struct daemon *d, const char *buf, size_t len);
/* Readable when a plugin socket can take more: call plugins_service(). */
int plugins_fd(const struct daemon *d);
void plugins_service(struct daemon *d);
/* SIGCHLD: reaps plugins and schedules their restart. */
void plugins_reap(struct daemon *d);
/* Starts the plugins whose restart is due. */
void plugins_tick(struct daemon *d);
/* "plugin.NAME..." lines for bpfauditctl status. */
void plugins_status(struct daemon *d, struct strbuf *out);
/* Hands on what is queued (briefly), closes their input, stops them. */
void plugins_stop(struct daemon *d);

#endif
