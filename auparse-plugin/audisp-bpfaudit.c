// SPDX-License-Identifier: GPL-2.0
/*
 * audisp-bpfaudit: an auditd plugin that guards the bpfaudit bridge. It
 * reads auditd's event stream (string format) on standard input through
 * libauparse's feed interface and raises an alert, in syslog and in its own
 * log, when bpfauditd's heartbeat stops, when the kernel unloads its BPF
 * programs, or when kernel audit and bpfaudit disagree about an exec,
 * module load or connect under a configured key (see audisp-bpfaudit(8)).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <auparse.h>

#include "guard.h"
#include "guard_event.h"

#ifndef GUARD_CONFIG_FILE
#define GUARD_CONFIG_FILE	"/etc/bpfaudit/audisp-bpfaudit.conf"
#endif

#define TICK_MS		1000

struct state {
	const char *config_path;
	struct guard_config cfg;
	struct guard g;
	FILE *log;
	char node[256];
	long scanned_pid;	/* whose /proc fdinfo gave the programs */
};

static volatile sig_atomic_t stop, hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		hup = 1;
	else
		stop = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

/* One line in syslog and the log: "alert=NAME TEXT" or "notice=...". */
static void report(struct state *s, int prio, const char *what,
		   const char *name, const char *text)
{
	char stamp[64];
	time_t t = time(NULL);
	struct tm tm;

	if (s->cfg.syslog)
		syslog(prio, "%s=%s node=%s %s", what, name, s->node, text);
	if (!s->log)
		return;
	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z", &tm);
	fprintf(s->log, "%s time=%lld node=%s %s=%s %s\n", stamp,
		(long long)t, s->node, what, name, text);
	fflush(s->log);
}

static void on_alert(void *ctx, enum guard_alert a, const char *text)
{
	if (a == GA_HEARTBEAT_RESUMED || a == GA_LATE)
		report(ctx, LOG_NOTICE, "notice", guard_alert_name(a), text);
	else
		report(ctx, LOG_ALERT, "alert", guard_alert_name(a), text);
}

static void open_log(struct state *s)
{
	char dir[GUARD_PATH_MAX], *slash;
	int fd;

	if (s->log)
		fclose(s->log);
	s->log = NULL;
	if (!s->cfg.log_file[0])
		return;
	snprintf(dir, sizeof(dir), "%s", s->cfg.log_file);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0750);
	}
	fd = open(s->cfg.log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		  0600);
	if (fd >= 0)
		s->log = fdopen(fd, "a");
	if (!s->log)
		syslog(LOG_ERR, "%s: %s", s->cfg.log_file, strerror(errno));
}

static int load_config(struct state *s, struct guard_config *c)
{
	char err[512];

	guard_config_defaults(c);
	if (access(s->config_path, F_OK) && errno == ENOENT &&
	    !strcmp(s->config_path, GUARD_CONFIG_FILE))
		return 0;	/* no file: the defaults */
	if (!guard_config_load(s->config_path, c, err, sizeof(err)))
		return 0;
	syslog(LOG_ERR, "%s", err);
	fprintf(stderr, "audisp-bpfaudit: %s\n", err);
	return -1;
}

static void set_node(struct state *s)
{
	if (s->cfg.node[0])
		snprintf(s->node, sizeof(s->node), "%s", s->cfg.node);
	else if (gethostname(s->node, sizeof(s->node)))
		snprintf(s->node, sizeof(s->node), "?");
	s->node[sizeof(s->node) - 1] = '\0';
}

static void reload(struct state *s)
{
	struct guard_config c;

	hup = 0;
	if (load_config(s, &c) || guard_reconfigure(&s->g, &c)) {
		syslog(LOG_ERR, "reload refused, keeping the running settings");
		return;
	}
	s->cfg = c;
	set_node(s);
	open_log(s);
	s->scanned_pid = 0;
}

static long read_pid_file(const char *path)
{
	FILE *f = fopen(path, "re");
	long pid = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid;
}

static bool is_bpfauditd(long pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strcmp(comm, "bpfauditd\n");
}

static void add_id(uint32_t *ids, unsigned int *n, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (ids[i] == id)
			return;
	if (*n < GUARD_MAX_IDS)
		ids[(*n)++] = id;
}

/* The "prog_id:" lines of one /proc/PID/fdinfo file. */
static void scan_fdinfo(const char *path, uint32_t *ids, unsigned int *n)
{
	FILE *f = fopen(path, "re");
	char line[128];
	unsigned int id;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "prog_id: %u", &id) == 1)
			add_id(ids, n, id);
	fclose(f);
}

/*
 * Without bpfauditd's records in auditd's stream (no auditd sink), its
 * program ids come from the descriptors it holds, once its pid file says
 * it has finished starting.
 */
static void discover_progs(struct state *s)
{
	uint32_t ids[GUARD_MAX_IDS];
	unsigned int n = 0;
	char path[64], file[320];
	struct dirent *e;
	long pid;
	DIR *dir;

	if (!s->cfg.pid_file[0])
		return;
	pid = read_pid_file(s->cfg.pid_file);
	if (pid <= 0 || pid == s->scanned_pid || !is_bpfauditd(pid))
		return;
	snprintf(path, sizeof(path), "/proc/%ld/fdinfo", pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
		scan_fdinfo(file, ids, &n);
	}
	closedir(dir);
	if (!n)
		return;
	guard_set_progs(&s->g, pid, ids, n);
	s->scanned_pid = pid;
	snprintf(path, sizeof(path), "bpfauditd pid %ld, %u BPF programs", pid,
		 n);
	report(s, LOG_INFO, "notice", "watching", path);
}

static void on_event(auparse_state_t *au, auparse_cb_event_t type, void *data)
{
	struct state *s = data;
	struct guard_event ev;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	guard_event_read(au, s->cfg.node, &ev);
	if (ev.kind != GK_OTHER)
		guard_feed(&s->g, &ev, now_ms());
}

static void setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Reads stdin until end of input or SIGTERM. */
static void run(struct state *s, auparse_state_t *au)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	char buf[65536];
	ssize_t n;

	while (!stop) {
		if (hup)
			reload(s);
		if (poll(&pfd, 1, TICK_MS) > 0) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n == 0 || (n < 0 && errno != EINTR &&
				       errno != EAGAIN))
				break;
			if (n > 0)
				auparse_feed(au, buf, n);
		}
		auparse_feed_age_events(au);
		discover_progs(s);
		guard_tick(&s->g, now_ms());
	}
	auparse_flush_feed(au);
}

int main(int argc, char **argv)
{
	struct state s = { .config_path = GUARD_CONFIG_FILE };
	auparse_state_t *au;

	if (argc > 2 || (argc == 2 && argv[1][0] != '/')) {
		fprintf(stderr, "Usage: audisp-bpfaudit [/path/to/config]\n");
		return 2;
	}
	if (argc == 2)
		s.config_path = argv[1];
	openlog("audisp-bpfaudit", LOG_PID, LOG_DAEMON);
	setup_signals();
	if (load_config(&s, &s.cfg))
		return 1;
	set_node(&s);
	open_log(&s);
	au = auparse_init(AUSOURCE_FEED, NULL);
	if (!au || guard_init(&s.g, &s.cfg, on_alert, &s, now_ms())) {
		syslog(LOG_ERR, "out of memory");
		return 1;
	}
	auparse_add_callback(au, on_event, &s, NULL);
	syslog(LOG_INFO, "started");
	run(&s, au);
	auparse_destroy(au);
	guard_free(&s.g);
	if (s.log)
		fclose(s.log);
	syslog(LOG_INFO, "stopped");
	return 0;
}
