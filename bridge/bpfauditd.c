// SPDX-License-Identifier: GPL-2.0
/*
 * bpfauditd: loads bpfaudit's BPF programs, reassembles their events from
 * the ring buffer, writes them as kernel-format audit records to its log,
 * and reports every loss. Privileged set-up first, then capabilities go.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cap-ng.h>

#include "daemon.h"
#include "format.h"
#include "pin.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif
#ifndef PIDFILE
#define PIDFILE "/run/bpfauditd.pid"
#endif

#define OUT_FLUSH_BYTES (256 * 1024)
#define LOOP_TICK_MS 100
#define DRAIN_GRACE_MS 500
#define SINK_DRAIN_MS 3000

static const char usage_text[] =
	"Usage: bpfauditd [-f] [-c FILE] [-t]\n"
	"       bpfauditd --unload [-c FILE]\n"
	"Capture security events with BPF and write them as kernel-format\n"
	"audit records (see bpfauditd(8)).\n"
	"\n"
	"  -f, --foreground    stay in the foreground, messages to stderr\n"
	"  -c, --config FILE   configuration file (default " BPFAUDIT_CONFIG_FILE ")\n"
	"  -t, --test-config   check the configuration file and exit\n"
	"      --unload        remove the programs pinned in pin_dir (a\n"
	"                      running daemon is stopped, draining the ring)\n"
	"  -h, --help          show this help\n"
	"  -V, --version       show the version\n"
	"\n"
	"Signals: TERM drains in-flight events and stops, the programs\n"
	"staying pinned in pin_dir (events meanwhile wait in the ring), HUP\n"
	"reloads the configuration, USR1 rotates the log, USR2 resumes\n"
	"logging after a disk action suspended it.\n";

uint64_t now_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void daemon_msg(const struct daemon *d, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (d->foreground) {
		fputs("bpfauditd: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}

static int load_config(const char *path, bool explicit_path,
		       struct bpfaudit_config *cfg, char *err, size_t errlen)
{
	config_defaults(cfg);
	if (!explicit_path && access(path, F_OK) && errno == ENOENT)
		return 0;	/* no file: the built-in defaults */
	if (config_parse_file(path, cfg, err, errlen))
		return -1;
	if (cfg->sink == SINK_AUDITD && cfg->name_format == NAME_FORMAT_USER &&
	    !cfg->name[0]) {
		snprintf(err, errlen, "%.512s: name_format = user needs a name",
			 path);
		return -1;
	}
	return disk_check_programs(cfg, err, errlen);
}

static int open_log(struct daemon *d, char *err, size_t errlen)
{
	struct logfile_options opt = {
		.path = d->cfg.log_file,
		.flush = d->cfg.flush,
		.freq = d->cfg.freq,
		.max_log_file = d->cfg.max_log_file,
		.num_logs = d->cfg.num_logs,
		.max_log_file_action = d->cfg.max_log_file_action,
	};

	if (resolve_group(d->cfg.log_group, &opt.gid)) {
		snprintf(err, errlen, "log_group: unknown group '%s'",
			 d->cfg.log_group);
		return -1;
	}
	if (logfile_open(&d->log, &opt, err, errlen))
		return -1;
	d->log_open = true;
	return 0;
}

int daemon_open_log(struct daemon *d, char *err, size_t errlen)
{
	return open_log(d, err, errlen);
}

/* The auditd queue follows flush and freq as the log does: synced after
 * every append (data, sync), every freq records (incremental...), never. */
static unsigned int queue_sync_every(const struct bpfaudit_config *c)
{
	switch (c->flush) {
	case FLUSH_NONE:
		return 0;
	case FLUSH_INCREMENTAL:
	case FLUSH_INCREMENTAL_ASYNC:
		return c->freq ? c->freq : 1;
	default:
		return 1;
	}
}

static void sink_msg(void *ctx, int prio, const char *text)
{
	daemon_msg(ctx, prio, "%s", text);
}

/* sink = auditd: the queue under state_dir, then auditd must answer. */
static int open_sink(struct daemon *d, char *err, size_t errlen)
{
	struct sink_auditd_opts o = {
		.host = d->cfg.auditd_host,
		.port = d->cfg.auditd_port,
		.local_port = d->cfg.auditd_local_port,
		.queue_max = (uint64_t)d->cfg.auditd_queue_max << 20,
		.full_action = d->cfg.auditd_queue_full_action,
		.sync_every = queue_sync_every(&d->cfg),
		.msg = sink_msg,
		.ctx = d,
	};
	char node[256], dir[sizeof(d->cfg.state_dir) + 8];

	if (sink_node_name(d->cfg.name_format, d->cfg.name, node,
			   sizeof(node), err, errlen))
		return -1;
	o.node = node;
	snprintf(dir, sizeof(dir), "%s/queue", d->cfg.state_dir);
	o.queue_dir = dir;
	if (mkdir(d->cfg.state_dir, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "state_dir %.512s: %s", d->cfg.state_dir,
			 strerror(errno));
		return -1;
	}
	d->sink = sink_auditd_open(&o, err, errlen);
	return d->sink ? 0 : -1;
}

static int open_output(struct daemon *d, char *err, size_t errlen)
{
	if (d->cfg.sink == SINK_FILE)
		return open_log(d, err, errlen);
	d->log.fd = -1;		/* no log of its own: nothing may use fd 0 */
	return open_sink(d, err, errlen);
}

static void refresh_clock(struct daemon *d)
{
	struct timespec real, boot;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	d->boot_to_real_ns = (real.tv_sec - boot.tv_sec) * 1000000000ll +
			     (real.tv_nsec - boot.tv_nsec);
}

static void on_event(struct ba_event *ev, void *ctx)
{
	struct daemon *d = ctx;
	struct audit_stamp st;
	uint64_t real_ns;

	if (!ev->have_header)
		return;	/* counted by the promise table, reported as loss */
	d->out_hdrs++;
	enrich_event(d->enrich, ev);
	if (!lookup_watch_event(ev, d->bank, &d->lookups))
		return;	/* decided here: no rule wants it */
	ev->key = keytab_get(&d->keys, ev->hdr.key_id);
	real_ns = ev->hdr.boot_ns + d->boot_to_real_ns;
	st.sec = real_ns / 1000000000ull;
	st.msec = (real_ns / 1000000ull) % 1000;
	st.serial = serial_take(&d->serial);
	if (!st.serial) {
		d->daemon_loss[DLOSS_SERIAL]++;
		return;
	}
	if (format_event(ev, &st, &d->out) > 0)
		d->out_events++;
	if (d->out.len >= OUT_FLUSH_BYTES)
		daemon_flush_output(d);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct daemon *d = ctx;
	uint32_t type;

	/* headers taken, for a successor to count what a crash loses */
	if (size >= sizeof(type)) {
		memcpy(&type, data, sizeof(type));
		if (type == BA_REC_HEADER) {
			loader_note_consumed(&d->loader);
			if (d->crash_after && !--d->crash_after)
				raise(SIGKILL);
		}
	}
	promise_table_feed(d->promises, data, size, now_monotonic_ns());
	/* a full auditd queue (suspend): the rest waits in the ring */
	return d->sink && sink_auditd_blocked(d->sink) ? -EAGAIN : 0;
}

static uint64_t count_lines(const struct strbuf *sb)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < sb->len; i++)
		n += sb->buf[i] == '\n';
	return n;
}

/* What has just been written (or counted lost) is accounted for. */
static void settle(struct daemon *d)
{
	loader_note_accounted(&d->loader, d->out_hdrs, d->reported.kernel);
	d->out_hdrs = 0;
}

void daemon_flush_output(struct daemon *d)
{
	int ret;

	if (!d->out.len && !d->out.failed) {
		if (d->out_hdrs && d->loader.state)
			settle(d);
		return;
	}
	if (d->out.failed) {
		daemon_msg(d, LOG_ERR, "out of memory formatting records");
		ret = -ENOMEM;
	} else if (d->sink) {
		ret = sink_auditd_write(d->sink, d->out.buf, d->out.len);
		if (ret == -EAGAIN)
			return;	/* queue full, suspend: kept until it has room */
	} else {
		/* whole events or none, counted there, acted on below */
		disk_write_log(d);
		goto feed;
	}
	if (ret < 0) {
		d->daemon_loss[DLOSS_WRITE] += d->out_events;
		/* a full auditd queue: the sink said so, once */
		if (!d->sink || ret != -ENOSPC)
			daemon_msg(d, LOG_ERR, "writing %u events to %s: %s",
				   d->out_events, d->sink ? "the auditd queue" :
				   d->cfg.log_file, strerror(-ret));
	} else {
		d->events_written += d->out_events;
		d->records_written += count_lines(&d->out);
	}
feed:
	if (d->loader.state)
		settle(d);
	if (!d->out.failed)
		plugins_feed(d, d->out.buf, d->out.len);
	strbuf_reset(&d->out);
	d->out_events = 0;
	disk_act(d);
}

int daemon_rotate(struct daemon *d)
{
	int ret;

	if (d->sink) {
		daemon_msg(d, LOG_INFO, "sink = auditd: no log of its own to"
			   " rotate");
		return 0;
	}
	report_rotate(d);
	daemon_flush_output(d);
	ret = logfile_rotate(&d->log);
	if (ret) {
		daemon_msg(d, LOG_ERR, "rotating %s failed", d->cfg.log_file);
		disk_failed(d, "rotate", ret);
		return -1;
	}
	return 0;
}

int daemon_reload(struct daemon *d)
{
	struct bpfaudit_config cfg;
	char err[512];
	bool restart;

	if (load_config(d->config_path, true, &cfg, err, sizeof(err))) {
		daemon_msg(d, LOG_ERR, "reload refused, keeping the running"
			   " configuration: %s", err);
		return -1;
	}
	/* what only a restart can change keeps running as it is */
	restart = config_keep_restart_only(&cfg, &d->cfg);
	daemon_flush_output(d);
	if (d->sink)
		sink_auditd_reconfigure(d->sink,
					(uint64_t)cfg.auditd_queue_max << 20,
					cfg.auditd_queue_full_action,
					queue_sync_every(&cfg));
	else if (strcmp(cfg.log_file, d->cfg.log_file) ||
	    cfg.flush != d->cfg.flush ||
	    cfg.freq != d->cfg.freq || cfg.max_log_file != d->cfg.max_log_file ||
	    cfg.num_logs != d->cfg.num_logs ||
	    cfg.max_log_file_action != d->cfg.max_log_file_action) {
		struct bpfaudit_config old = d->cfg;

		logfile_close(&d->log);
		d->cfg = cfg;
		if (open_log(d, err, sizeof(err))) {
			daemon_msg(d, LOG_ERR, "new log settings failed (%s),"
				   " back to the old ones", err);
			d->cfg = old;
			if (open_log(d, err, sizeof(err)))
				daemon_msg(d, LOG_CRIT, "%s", err);
			return -1;
		}
	}
	d->cfg = cfg;
	disk_reload(d);
	report_config(d, restart);
	plugins_reload(d);
	if (rules_reload(d, err, sizeof(err))) {
		daemon_msg(d, LOG_ERR, "rules not reloaded, keeping the running"
			   " set: %s", err);
		daemon_flush_output(d);
		return -1;
	}
	daemon_flush_output(d);
	return 0;
}

static int setup_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGCHLD);
	signal(SIGPIPE, SIG_IGN);
	/* a file size limit must fail the write, not kill the daemon */
	signal(SIGXFSZ, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* After load and attach, keep only what the running daemon needs. */
static int drop_privileges(struct daemon *d)
{
	gid_t gid = 0;

	capng_clear(CAPNG_SELECT_ALL);
	/* map reads for the loss counters, reading executed binaries
	 * and scripts anywhere, and giving new log files their group */
	capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_BPF,
		      CAP_DAC_READ_SEARCH, -1);
	if (!resolve_group(d->cfg.log_group, &gid) && gid)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
			     CAP_CHOWN);
	/* reconnecting to auditd from a reserved source port */
	if (d->sink && d->cfg.auditd_local_port &&
	    d->cfg.auditd_local_port < 1024)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
			     CAP_NET_BIND_SERVICE);
	if (capng_apply(CAPNG_SELECT_ALL))
		return -1;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

static int epoll_add(int ep, int fd, int tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

enum { TAG_RING, TAG_SIGNAL, TAG_CONTROL, TAG_PLUGINS, TAG_SINK };

/* Returns 1 when the daemon should stop. */
static int handle_signals(struct daemon *d, int sfd)
{
	struct signalfd_siginfo si;
	int stop = 0;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			stop = 1;
			break;
		case SIGHUP:
			daemon_reload(d);
			break;
		case SIGUSR1:
			daemon_rotate(d);
			break;
		case SIGUSR2:
			daemon_resume(d);
			break;
		case SIGCHLD:
			plugins_reap(d);
			break;
		}
	}
	return stop;
}

static void tick(struct daemon *d)
{
	uint64_t now = now_monotonic_ns();

	refresh_clock(d);
	promise_table_expire(d->promises, now, 0);
	if (now - d->last_loss_check_ns >=
	    d->cfg.loss_report_interval * 1000000000ull) {
		report_loss(d);
		d->last_loss_check_ns = now;
	}
	report_heartbeat(d, now);
	rules_watch_refresh(d);
	daemon_flush_output(d);
	plugins_tick(d);
	if (d->sink)
		sink_auditd_service(d->sink);
}

/* sink = auditd, queue full, full action suspend: new events wait in the
 * ring buffer (out of the loop) until auditd has taken enough. */
static bool sink_paused(struct daemon *d, int ep, bool *paused)
{
	bool blocked = d->sink && sink_auditd_blocked(d->sink);

	if (blocked != *paused) {
		struct epoll_event ev = { .events = blocked ? 0 : EPOLLIN,
					  .data.u32 = TAG_RING };

		epoll_ctl(ep, EPOLL_CTL_MOD,
			  ring_buffer__epoll_fd(d->loader.ring), &ev);
		*paused = blocked;
	}
	return blocked;
}

/*
 * Stop: take what is in flight, let go of the programs (pinned, they go
 * on capturing into the ring for the next daemon; unpinned by --unload,
 * they detach), then hand on what is left.
 */
static void drain(struct daemon *d)
{
	uint64_t until = now_monotonic_ns() + DRAIN_GRACE_MS * 1000000ull;

	if (d->sink)	/* read everything now: a full queue refuses, counted */
		sink_auditd_stopping(d->sink);
	while (now_monotonic_ns() < until) {
		ring_buffer__poll(d->loader.ring, 10);
		if (!promise_table_stats(d->promises)->pending)
			break;
	}
	loader_detach(&d->loader);
	ring_buffer__consume(d->loader.ring);
	promise_table_expire(d->promises, now_monotonic_ns(), 1);
	report_loss(d);
	report_stop(d);
	daemon_flush_output(d);
	if (d->sink) {
		/* what auditd does not take now waits on disk */
		sink_auditd_drain(d->sink, SINK_DRAIN_MS);
	}
}

static int run(struct daemon *d, int sfd)
{
	int ep, n, i, stop = 0;
	struct epoll_event evs[8];
	bool paused = false;

	report_start(d);
	report_loss(d);		/* what happened while no daemon read */
	daemon_flush_output(d);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || ep < 0 ||
	    epoll_add(ep, ring_buffer__epoll_fd(d->loader.ring), TAG_RING) ||
	    epoll_add(ep, sfd, TAG_SIGNAL) ||
	    epoll_add(ep, d->control_fd, TAG_CONTROL) ||
	    (plugins_fd(d) >= 0 && epoll_add(ep, plugins_fd(d), TAG_PLUGINS)) ||
	    (d->sink && epoll_add(ep, sink_auditd_poll_fd(d->sink), TAG_SINK))) {
		daemon_msg(d, LOG_ERR, "event loop: %s", strerror(errno));
		return -1;
	}
	while (!stop) {
		n = epoll_wait(ep, evs, 8, LOOP_TICK_MS);
		for (i = 0; i < n; i++) {
			if (evs[i].data.u32 == TAG_SIGNAL)
				stop |= handle_signals(d, sfd);
			else if (evs[i].data.u32 == TAG_CONTROL)
				control_serve(d);
			else if (evs[i].data.u32 == TAG_PLUGINS)
				plugins_service(d);
			else if (evs[i].data.u32 == TAG_SINK)
				sink_auditd_service(d->sink);
		}
		if (!sink_paused(d, ep, &paused))
			ring_buffer__consume(d->loader.ring);
		tick(d);
	}
	drain(d);
	close(ep);
	return 0;
}

static int setup(struct daemon *d, char *err, size_t errlen)
{
	struct promise_opts po = {
		.timeout_ns = d->cfg.promise_timeout * 1000000ull,
		.max_mem = (size_t)d->cfg.promise_max_mem << 20,
		.max_chunks = d->cfg.argv_max / BA_CHUNK_DATA + 2,
		.emit = on_event,
		.ctx = d,
	};
	const char *crash = getenv("BPFAUDITD_CRASH_AFTER");

	/* tests: a crash in the middle of the ring, at a chosen header */
	if (crash)
		d->crash_after = strtoull(crash, NULL, 10);
	strbuf_init(&d->out);
	refresh_clock(d);
	d->promises = promise_table_new(&po);
	d->enrich = enrich_new();
	if (!d->promises || !d->enrich) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (loader_lock(&d->loader, &d->cfg, err, errlen) ||
	    open_output(d, err, errlen) ||
	    serial_open(&d->serial, d->cfg.state_dir, err, errlen) ||
	    control_open(d, err, errlen) ||
	    rules_start(d, err, errlen) ||
	    loader_open(&d->loader, &d->cfg, d->bank, on_record, d, err,
			errlen) ||
	    rules_check_sources(d, d->bank, err, errlen))
		return -1;
	d->out_hdrs = 0;	/* a replaced set's, drained: not this one's */
	if (d->loader.pin_note[0])
		daemon_msg(d, LOG_NOTICE, "the programs pinned in %s were not"
			   " reused (%s): drained and replaced", d->cfg.pin_dir,
			   d->loader.pin_note);
	/* a predecessor's losses that its records did not report yet */
	loader_loss_reported(&d->loader, d->reported.kernel);
	d->daemon_loss[DLOSS_CRASH] = loader_unaccounted(&d->loader);
	/* plugins start as auditd starts them: with every privilege */
	plugins_start(d);
	if (drop_privileges(d)) {
		snprintf(err, errlen, "dropping capabilities failed");
		return -1;
	}
	d->started_ns = d->last_loss_check_ns = now_monotonic_ns();
	d->last_heartbeat_ns = d->started_ns;
	return 0;
}

static void teardown(struct daemon *d)
{
	plugins_stop(d);
	control_close(d);
	loader_close(&d->loader);
	rules_stop(d);
	promise_table_free(d->promises);
	enrich_free(d->enrich);
	if (d->log_open)
		logfile_close(&d->log);
	sink_auditd_close(d->sink);
	d->sink = NULL;
	strbuf_free(&d->out);
}

/*
 * Daemon mode: fork first, so that the daemon itself loads and holds every
 * signal from the start, while the parent waits on a pipe for the set-up's
 * verdict, prints any error on the terminal and exits with it.
 */
static int detach(int *report_fd)
{
	char msg[1024];
	int fds[2], null;
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) || (pid = fork()) < 0) {
		fprintf(stderr, "bpfauditd: detaching: %s\n", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		close(fds[1]);
		n = read(fds[0], msg, sizeof(msg) - 1);
		if (n > 0) {
			msg[n] = '\0';
			fprintf(stderr, "bpfauditd: %s\n", msg);
			_exit(1);
		}
		_exit(n == 0 ? 0 : 1);
	}
	close(fds[0]);
	setsid();
	if (chdir("/"))
		return -1;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		close(null);
	}
	*report_fd = fds[1];
	return 0;
}

/* Tells the waiting parent how set-up went: silence is success. */
static void detach_done(int report_fd, const char *err)
{
	if (report_fd < 0)
		return;
	if (err && write(report_fd, err, strlen(err)) < 0)
		syslog(LOG_ERR, "%s", err);
	close(report_fd);
	dup2(STDOUT_FILENO, STDERR_FILENO);
}

static void write_pidfile(void)
{
	FILE *f = fopen(PIDFILE, "we");

	if (f) {
		fprintf(f, "%d\n", getpid());
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "test-config", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "unload", no_argument, NULL, 'U' },
		{ 0 }
	};
	struct daemon d = { .config_path = BPFAUDIT_CONFIG_FILE,
			    .control_fd = -1 };
	bool explicit_config = false, test_only = false, unload = false;
	char err[1024];
	int c, sfd, report_fd = -1, ret = 1;

	while ((c = getopt_long(argc, argv, "fc:thV", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			d.foreground = true;
			break;
		case 'c':
			d.config_path = optarg;
			explicit_config = true;
			break;
		case 't':
			test_only = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("bpfauditd %s\n", PACKAGE_VERSION);
			return 0;
		case 'U':
			unload = true;
			break;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (load_config(d.config_path, explicit_config, &d.cfg, err,
			sizeof(err))) {
		fprintf(stderr, "bpfauditd: %s\n", err);
		return 1;
	}
	if (unload)
		return pin_unload(d.cfg.pin_dir, stderr) ? 1 : 0;
	if (test_only) {
		printf("bpfauditd: %s: configuration ok\n", d.config_path);
		return 0;
	}
	openlog("bpfauditd", LOG_PID, LOG_DAEMON);
	if (!d.foreground && detach(&report_fd))
		return 1;
	/* Blocked from the start: a signal during loading waits its turn. */
	sfd = setup_signals();
	if (sfd < 0) {
		snprintf(err, sizeof(err), "signals: %s", strerror(errno));
		goto fail;
	}
	if (setup(&d, err, sizeof(err)))
		goto fail;
	if (!d.foreground) {
		write_pidfile();
		detach_done(report_fd, NULL);
	}
	if (d.sink)
		daemon_msg(&d, LOG_INFO, "started, sending to auditd at %s:%u",
			   d.cfg.auditd_host, d.cfg.auditd_port);
	else
		daemon_msg(&d, LOG_INFO, "started, logging to %s",
			   d.cfg.log_file);
	ret = run(&d, sfd) ? 1 : 0;
	daemon_msg(&d, LOG_INFO, "stopped");
	if (!d.foreground)
		unlink(PIDFILE);
	goto out;
fail:
	if (d.foreground)
		fprintf(stderr, "bpfauditd: %s\n", err);
	else
		detach_done(report_fd, err);
out:
	teardown(&d);
	return ret;
}
