// SPDX-License-Identifier: GPL-2.0
/*
 * auditd plugins run by bpfauditd itself, so that a site without auditd can
 * still forward its records with audisp-remote or audisp-syslog. Started as
 * auditd starts them (audisp/audispd.c): the standard input a connected
 * AF_UNIX stream socket, no environment, the conf's args as arguments,
 * each record one "type=... msg=audit(...): ..." line followed, for a
 * syscall event, by its EOE record. Each plugin has a bounded queue: the
 * daemon never blocks on a plugin, and what does not fit is counted as
 * loss. A plugin that dies is restarted after a growing delay, at most
 * max_restarts times.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"
#include "plugin_proto.h"
#include "plugins.h"

#define RESTART_FIRST_MS	100
#define RESTART_MAX_MS		30000
#define STOP_GRACE_MS		1000
#define SOCKET_BUFFER		(1024 * 1024)

struct plugin {
	struct plugin_conf conf;
	pid_t pid;		/* 0: not running */
	int fd;			/* our end of its standard input or -1 */
	struct strbuf q;	/* records not yet sent */
	size_t sent;		/* bytes of q already sent */
	unsigned int restarts;
	uint64_t restart_at_ns;	/* 0: no restart pending */
	uint64_t dropped;	/* events that did not fit into q */
	bool dropping;		/* the last event did not fit */
	bool gave_up;		/* max_restarts reached */
	bool removed;		/* out of plugin_dir: freed when reaped */
	bool seen;		/* found again by a reload's scan */
	struct plugin *next;
};

static void plugin_close(struct plugin *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/* A plugin that died mid-record: the next one starts at a whole line. */
static void plugin_skip_partial(struct plugin *p)
{
	char *nl;

	if (p->sent == 0 || p->sent >= p->q.len ||
	    p->q.buf[p->sent - 1] == '\n')
		return;
	nl = memchr(p->q.buf + p->sent, '\n', p->q.len - p->sent);
	p->sent = nl ? (size_t)(nl + 1 - p->q.buf) : p->q.len;
}

/* In the child: reset what exec keeps, then run the plugin. */
static void __attribute__((noreturn))
child_exec(const struct plugin *p, int fd, bool quiet)
{
	char *argv[PLUGIN_MAX_ARGS + 2], *envp[] = { NULL };
	const char *a = p->conf.args;
	sigset_t none;
	int sig, i, null;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	if (dup2(fd, STDIN_FILENO) < 0)
		_exit(127);
	null = quiet ? open("/dev/null", O_WRONLY) : -1;
	if (null >= 0) {
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	close_range(3, ~0u, 0);
	argv[0] = (char *)p->conf.path;
	for (i = 0; i < p->conf.nargs; i++, a += strlen(a) + 1)
		argv[i + 1] = (char *)a;
	argv[i + 1] = NULL;
	execve(p->conf.path, argv, envp);
	_exit(127);
}

static int plugin_spawn(struct daemon *d, struct plugin *p)
{
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLET, .data.ptr = p };
	int sv[2], size = SOCKET_BUFFER;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	/* as root at start-up the buffer may exceed wmem_max */
	if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	pid = fork();
	if (pid == 0)
		child_exec(p, sv[1], !d->foreground);
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return -1;
	}
	p->pid = pid;
	p->fd = sv[0];
	epoll_ctl(d->plugins.epfd, EPOLL_CTL_ADD, p->fd, &ev);
	return 0;
}

static void plugin_start(struct daemon *d, struct plugin *p)
{
	p->restart_at_ns = 0;
	if (plugin_spawn(d, p)) {
		daemon_msg(d, LOG_ERR, "plugin %s: starting %s: %s",
			   p->conf.name, p->conf.path, strerror(errno));
		p->gave_up = true;
		return;
	}
	daemon_msg(d, LOG_INFO, "plugin %s: %s%s running, pid %d",
		   p->conf.name, p->conf.path, p->restarts ? " restarted," : "",
		   p->pid);
}

/* Sends what the socket takes; a plugin that is gone is closed, and
 * reaped (and restarted) through SIGCHLD. */
static void plugin_write(struct daemon *d, struct plugin *p)
{
	ssize_t n;

	while (p->fd >= 0 && p->sent < p->q.len) {
		n = send(p->fd, p->q.buf + p->sent, p->q.len - p->sent,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			p->sent += n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			break;
		} else {
			daemon_msg(d, LOG_ERR, "plugin %s terminated"
				   " unexpectedly", p->conf.name);
			plugin_close(p);
			plugin_skip_partial(p);
		}
	}
	if (p->sent == p->q.len) {
		strbuf_reset(&p->q);
		p->sent = 0;
	} else if (p->sent > p->q.len / 2) {
		memmove(p->q.buf, p->q.buf + p->sent, p->q.len - p->sent);
		p->q.len -= p->sent;
		p->sent = 0;
	}
}

static void plugin_queue(struct daemon *d, struct plugin *p, const char *ev,
			 size_t len, const char *eoe)
{
	size_t max = (size_t)d->cfg.plugin_queue_mem << 20;
	size_t need = len + strlen(eoe);

	if (p->gave_up || p->removed)
		return;
	if (p->q.len - p->sent + need > max || p->q.failed) {
		d->daemon_loss[DLOSS_PLUGIN]++;
		p->dropped++;
		if (!p->dropping)
			daemon_msg(d, LOG_WARNING, "plugin %s is not keeping"
				   " up: its queue is full, dropping events",
				   p->conf.name);
		p->dropping = true;
		return;
	}
	p->dropping = false;
	strbuf_add(&p->q, ev, len);
	strbuf_adds(&p->q, eoe);
}

void plugins_feed(struct daemon *d, const char *buf, size_t len)
{
	struct plugin *p;
	char eoe[128];
	size_t n;

	if (!d->plugins.list)
		return;
	for (; len; buf += n, len -= n) {
		n = plugin_next_event(buf, len, eoe, sizeof(eoe));
		if (!n)
			break;
		for (p = d->plugins.list; p; p = p->next)
			plugin_queue(d, p, buf, n, eoe);
	}
	for (p = d->plugins.list; p; p = p->next)
		plugin_write(d, p);
}

int plugins_fd(const struct daemon *d)
{
	return d->plugins.started ? d->plugins.epfd : -1;
}

void plugins_service(struct daemon *d)
{
	struct epoll_event evs[16];
	struct plugin *p;

	while (epoll_wait(d->plugins.epfd, evs, 16, 0) == 16)
		;
	for (p = d->plugins.list; p; p = p->next)
		plugin_write(d, p);
}

static uint64_t restart_delay_ns(unsigned int restarts)
{
	uint64_t ms = RESTART_FIRST_MS;

	while (--restarts && ms < RESTART_MAX_MS)
		ms *= 2;
	return (ms < RESTART_MAX_MS ? ms : RESTART_MAX_MS) * 1000000ull;
}

static void plugin_exited(struct daemon *d, struct plugin *p, int status)
{
	p->pid = 0;
	plugin_close(p);
	plugin_skip_partial(p);
	if (p->removed || p->gave_up)
		return;
	if (WIFSIGNALED(status))
		daemon_msg(d, LOG_ERR, "plugin %s killed by signal %d",
			   p->conf.name, WTERMSIG(status));
	else
		daemon_msg(d, LOG_ERR, "plugin %s exited with status %d",
			   p->conf.name, WEXITSTATUS(status));
	if (p->restarts >= d->cfg.max_restarts) {
		daemon_msg(d, LOG_ERR, "plugin %s has exceeded max_restarts"
			   " (%u), not restarting it", p->conf.name,
			   d->cfg.max_restarts);
		p->gave_up = true;
		strbuf_reset(&p->q);
		p->sent = 0;
		return;
	}
	p->restarts++;
	p->restart_at_ns = now_monotonic_ns() + restart_delay_ns(p->restarts);
}

static void plugin_free(struct plugin *p)
{
	plugin_close(p);
	strbuf_free(&p->q);
	free(p);
}

/* Frees the removed plugins that are no longer running. */
static void plugins_prune(struct daemon *d)
{
	struct plugin **pp = &d->plugins.list, *p;

	while ((p = *pp)) {
		if (p->removed && !p->pid) {
			*pp = p->next;
			plugin_free(p);
		} else {
			pp = &p->next;
		}
	}
}

void plugins_reap(struct daemon *d)
{
	struct plugin *p;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (p = d->plugins.list; p; p = p->next)
			if (p->pid == pid)
				break;
		if (p)
			plugin_exited(d, p, status);
	}
	plugins_prune(d);
}

void plugins_tick(struct daemon *d)
{
	uint64_t now = now_monotonic_ns();
	struct plugin *p;

	for (p = d->plugins.list; p; p = p->next) {
		if (!p->restart_at_ns || now < p->restart_at_ns)
			continue;
		plugin_start(d, p);
		plugin_write(d, p);
	}
}

static struct plugin *plugin_new(const struct plugin_conf *pc)
{
	struct plugin *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->conf = *pc;
	p->fd = -1;
	strbuf_init(&p->q);
	return p;
}

/* The active plugins of plugin_dir, in a new list (not started). */
static struct plugin *scan_dir(struct daemon *d)
{
	struct plugin *list = NULL, *p;
	struct plugin_conf pc;
	struct dirent *e;
	char err[512];
	DIR *dir = opendir(d->cfg.plugin_dir);

	if (!dir) {
		if (errno != ENOENT)
			daemon_msg(d, LOG_ERR, "plugin_dir %s: %s",
				   d->cfg.plugin_dir, strerror(errno));
		return NULL;
	}
	while ((e = readdir(dir))) {
		if (!plugin_conf_wanted(e->d_name))
			continue;
		if (plugin_conf_load(d->cfg.plugin_dir, e->d_name, &pc, err,
				     sizeof(err))) {
			daemon_msg(d, LOG_ERR, "skipping plugin %s: %s",
				   e->d_name, err);
			continue;
		}
		if (!pc.active || !(p = plugin_new(&pc)))
			continue;
		p->next = list;
		list = p;
	}
	closedir(dir);
	return list;
}

void plugins_start(struct daemon *d)
{
	struct plugin *p;

	d->plugins.list = NULL;
	d->plugins.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->plugins.epfd < 0) {
		daemon_msg(d, LOG_ERR, "plugins: %s", strerror(errno));
		return;
	}
	d->plugins.started = true;
	d->plugins.list = scan_dir(d);
	for (p = d->plugins.list; p; p = p->next)
		plugin_start(d, p);
}

static void plugin_terminate(struct plugin *p)
{
	plugin_close(p);
	if (p->pid)
		kill(p->pid, SIGTERM);
}

static bool same_program(const struct plugin_conf *a,
			 const struct plugin_conf *b)
{
	return a->inode == b->inode && !strcmp(a->path, b->path) &&
	       a->nargs == b->nargs &&
	       !memcmp(a->args, b->args, sizeof(a->args));
}

/* @n from a new scan replaces @old: same program, or a fresh start. */
static void plugin_update(struct daemon *d, struct plugin *old,
			  struct plugin *n)
{
	if (same_program(&old->conf, &n->conf) && !old->gave_up) {
		if (old->pid)
			kill(old->pid, SIGHUP);
		plugin_free(n);
		return;
	}
	daemon_msg(d, LOG_INFO, "plugin %s changed, restarting it",
		   old->conf.name);
	plugin_terminate(old);
	old->removed = true;
	n->next = d->plugins.list;
	d->plugins.list = n;
	plugin_start(d, n);
}

/* The running plugin of the same file name, or NULL. */
static struct plugin *find_name(struct daemon *d, const char *name)
{
	struct plugin *p;

	for (p = d->plugins.list; p; p = p->next)
		if (!p->removed && !strcmp(p->conf.name, name))
			return p;
	return NULL;
}

void plugins_reload(struct daemon *d)
{
	struct plugin *fresh, *n, *old;

	if (!d->plugins.started)
		return;
	for (old = d->plugins.list; old; old = old->next)
		old->seen = false;
	fresh = scan_dir(d);
	for (n = fresh; n; n = fresh) {
		fresh = n->next;
		n->seen = true;
		old = find_name(d, n->conf.name);
		if (old) {
			old->seen = true;
			plugin_update(d, old, n);
			continue;
		}
		n->next = d->plugins.list;
		d->plugins.list = n;
		plugin_start(d, n);
	}
	for (old = d->plugins.list; old; old = old->next) {
		if (old->seen || old->removed)
			continue;
		daemon_msg(d, LOG_INFO, "plugin %s is no longer active,"
			   " stopping it", old->conf.name);
		plugin_terminate(old);
		old->removed = true;
	}
	plugins_prune(d);
}

void plugins_status(struct daemon *d, struct strbuf *out)
{
	struct plugin *p;

	for (p = d->plugins.list; p; p = p->next) {
		if (p->removed)
			continue;
		strbuf_printf(out, "plugin.%s = %s\n", p->conf.name,
			      p->pid ? "running" :
			      p->gave_up ? "stopped" : "restarting");
		strbuf_printf(out, "plugin.%s.pid = %d\n"
			      "plugin.%s.restarts = %u\n"
			      "plugin.%s.queued_bytes = %zu\n"
			      "plugin.%s.dropped = %llu\n",
			      p->conf.name, p->pid, p->conf.name, p->restarts,
			      p->conf.name, p->q.len - p->sent, p->conf.name,
			      (unsigned long long)p->dropped);
	}
}

/* Waits up to @ms for every plugin to exit, reaping them. */
static bool wait_plugins(struct daemon *d, unsigned int ms)
{
	uint64_t until = now_monotonic_ns() + ms * 1000000ull;
	struct plugin *p;
	int status;

	for (;;) {
		bool running = false;

		for (p = d->plugins.list; p; p = p->next) {
			if (p->pid && waitpid(p->pid, &status, WNOHANG))
				p->pid = 0;
			running |= p->pid != 0;
		}
		if (!running || now_monotonic_ns() >= until)
			return !running;
		usleep(10000);
	}
}

/* Sends what is queued for up to @ms, waiting for the plugins to read. */
static void flush_plugins(struct daemon *d, unsigned int ms)
{
	uint64_t until = now_monotonic_ns() + ms * 1000000ull;
	struct plugin *p;
	bool pending;

	do {
		pending = false;
		for (p = d->plugins.list; p; p = p->next) {
			plugin_write(d, p);
			pending |= p->fd >= 0 && p->sent < p->q.len;
		}
		if (pending)
			usleep(10000);
	} while (pending && now_monotonic_ns() < until);
}

void plugins_stop(struct daemon *d)
{
	struct plugin *p;

	if (!d->plugins.started)
		return;
	flush_plugins(d, STOP_GRACE_MS);
	/* end of input first: a plugin reads what it has been sent */
	for (p = d->plugins.list; p; p = p->next)
		plugin_close(p);
	if (!wait_plugins(d, STOP_GRACE_MS)) {
		for (p = d->plugins.list; p; p = p->next)
			plugin_terminate(p);
		wait_plugins(d, STOP_GRACE_MS);
	}
	while ((p = d->plugins.list)) {
		d->plugins.list = p->next;
		plugin_free(p);
	}
	close(d->plugins.epfd);
	d->plugins.started = false;
}
