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
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cap-ng.h>

#include "daemon.h"
#include "format.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif
#ifndef PIDFILE
#define PIDFILE "/run/bpfauditd.pid"
#endif

#define OUT_FLUSH_BYTES (256 * 1024)
#define LOOP_TICK_MS 100
#define DRAIN_GRACE_MS 500

static const char usage_text[] =
	"Usage: bpfauditd [-f] [-c FILE] [-t]\n"
	"Capture security events with BPF and write them as kernel-format\n"
	"audit records (see bpfauditd(8)).\n"
	"\n"
	"  -f, --foreground    stay in the foreground, messages to stderr\n"
	"  -c, --config FILE   configuration file (default " BPFAUDIT_CONFIG_FILE ")\n"
	"  -t, --test-config   check the configuration file and exit\n"
	"  -h, --help          show this help\n"
	"  -V, --version       show the version\n"
	"\n"
	"Signals: TERM drains in-flight events and stops, HUP reloads the\n"
	"configuration, USR1 rotates the log.\n";

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
	return config_parse_file(path, cfg, err, errlen);
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
	enrich_event(d->enrich, ev);
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

	promise_table_feed(d->promises, data, size, now_monotonic_ns());
	return 0;
}

static uint64_t count_lines(const struct strbuf *sb)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < sb->len; i++)
		n += sb->buf[i] == '\n';
	return n;
}

void daemon_flush_output(struct daemon *d)
{
	int ret;

	if (!d->out.len && !d->out.failed)
		return;
	if (d->out.failed) {
		daemon_msg(d, LOG_ERR, "out of memory formatting records");
		ret = -ENOMEM;
	} else {
		ret = logfile_write(&d->log, d->out.buf, d->out.len);
	}
	if (ret < 0) {
		d->daemon_loss[DLOSS_WRITE] += d->out_events;
		daemon_msg(d, LOG_ERR, "writing %u events to %s: %s",
			   d->out_events, d->cfg.log_file, strerror(-ret));
	} else {
		d->events_written += d->out_events;
		d->records_written += count_lines(&d->out);
	}
	strbuf_reset(&d->out);
	d->out_events = 0;
}

int daemon_rotate(struct daemon *d)
{
	report_rotate(d);
	daemon_flush_output(d);
	if (logfile_rotate(&d->log)) {
		daemon_msg(d, LOG_ERR, "rotating %s failed", d->cfg.log_file);
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
	if (strcmp(cfg.log_file, d->cfg.log_file) || cfg.flush != d->cfg.flush ||
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
	report_config(d, restart);
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
	if (capng_apply(CAPNG_SELECT_ALL))
		return -1;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

static int epoll_add(int ep, int fd, int tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

enum { TAG_RING, TAG_SIGNAL, TAG_CONTROL };

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
	daemon_flush_output(d);
}

/* Stop: take what is in flight, detach, then hand on what is left. */
static void drain(struct daemon *d)
{
	uint64_t until = now_monotonic_ns() + DRAIN_GRACE_MS * 1000000ull;

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
}

static int run(struct daemon *d, int sfd)
{
	int ep, n, i, stop = 0;
	struct epoll_event evs[8];

	report_start(d);
	daemon_flush_output(d);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || ep < 0 ||
	    epoll_add(ep, ring_buffer__epoll_fd(d->loader.ring), TAG_RING) ||
	    epoll_add(ep, sfd, TAG_SIGNAL) ||
	    epoll_add(ep, d->control_fd, TAG_CONTROL)) {
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
		}
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

	strbuf_init(&d->out);
	refresh_clock(d);
	d->promises = promise_table_new(&po);
	d->enrich = enrich_new();
	if (!d->promises || !d->enrich) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (open_log(d, err, errlen) ||
	    serial_open(&d->serial, d->cfg.state_dir, err, errlen) ||
	    control_open(d, err, errlen) ||
	    loader_open(&d->loader, &d->cfg, on_record, d, err, errlen))
		return -1;
	if (drop_privileges(d)) {
		snprintf(err, errlen, "dropping capabilities failed");
		return -1;
	}
	d->started_ns = d->last_loss_check_ns = now_monotonic_ns();
	return 0;
}

static void teardown(struct daemon *d)
{
	control_close(d);
	loader_close(&d->loader);
	promise_table_free(d->promises);
	enrich_free(d->enrich);
	if (d->log_open)
		logfile_close(&d->log);
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
		{ 0 }
	};
	struct daemon d = { .config_path = BPFAUDIT_CONFIG_FILE,
			    .control_fd = -1 };
	bool explicit_config = false, test_only = false;
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
	daemon_msg(&d, LOG_INFO, "started, logging to %s", d.cfg.log_file);
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
