// SPDX-License-Identifier: GPL-2.0
/*
 * bpfauditd's own records in the trail (start, stop, reconfigure, rotate,
 * loss) and the status text bpfauditctl shows. Loss records are written
 * whenever a counter moved, so nothing is lost silently.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "format.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

static uint32_t read_proc_u32(const char *path)
{
	unsigned int v = 4294967295u;
	FILE *f = fopen(path, "re");

	if (f) {
		if (fscanf(f, "%u", &v) != 1)
			v = 4294967295u;
		fclose(f);
	}
	return v;
}

/* The fields auditd puts in its own records to say who it is. */
static void add_self(struct strbuf *sb)
{
	strbuf_printf(sb, " auid=%u pid=%d uid=%u ses=%u",
		      read_proc_u32("/proc/self/loginuid"), getpid(), getuid(),
		      read_proc_u32("/proc/self/sessionid"));
}

void report_record(struct daemon *d, const char *type, const char *body)
{
	struct audit_stamp st;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	st.sec = ts.tv_sec;
	st.msec = ts.tv_nsec / 1000000;
	st.serial = serial_take(&d->serial);
	if (!st.serial) {
		d->daemon_loss[DLOSS_SERIAL]++;
		return;
	}
	format_record_start(&d->out, type, &st);
	strbuf_adds(&d->out, body);
	strbuf_addc(&d->out, '\n');
	d->out_events++;
}

static void attach_fields(struct daemon *d, struct strbuf *sb)
{
	int kind;

	for (kind = 1; kind < BA_KIND_MAX; kind++)
		strbuf_printf(sb, " attach_%s=%s", loader_kind_name(kind),
			      loader_mode_name(&d->loader, kind));
}

/* The kernel's ids of the daemon's BPF programs, for audisp-bpfaudit to
 * match against the kernel's BPF op=UNLOAD records. */
static void prog_ids_field(struct daemon *d, struct strbuf *sb)
{
	uint32_t ids[LOADER_MAX_LINKS];
	int i, n = loader_prog_ids(&d->loader, ids, LOADER_MAX_LINKS);

	strbuf_adds(sb, " prog_ids=");
	if (!n)
		strbuf_adds(sb, "(none)");
	for (i = 0; i < n; i++)
		strbuf_printf(sb, "%s%u", i ? "," : "", ids[i]);
}

void report_start(struct daemon *d)
{
	struct strbuf body;
	struct utsname u;

	strbuf_init(&body);
	uname(&u);
	strbuf_printf(&body, "op=start ver=%s format=raw kernel=%s",
		      PACKAGE_VERSION, u.release);
	add_self(&body);
	strbuf_adds(&body, " res=success");
	attach_fields(d, &body);
	strbuf_printf(&body, " argv_max=%lu ringbuf_size=%u rules=%zu",
		      d->cfg.argv_max, d->cfg.ringbuf_size, d->rules.n);
	prog_ids_field(d, &body);
	strbuf_printf(&body, " programs=%s",
		      d->loader.reused ? "reused" : "loaded");
	report_record(d, "DAEMON_START", body.buf);
	strbuf_free(&body);
}

static void report_simple(struct daemon *d, const char *type, const char *op,
			  const char *extra)
{
	struct strbuf body;

	strbuf_init(&body);
	strbuf_printf(&body, "op=%s", op);
	add_self(&body);
	strbuf_adds(&body, " res=success");
	if (extra)
		strbuf_adds(&body, extra);
	report_record(d, type, body.buf);
	strbuf_free(&body);
}

void report_stop(struct daemon *d)
{
	report_simple(d, "DAEMON_END", "terminate", NULL);
}

void report_disk(struct daemon *d, const char *fields)
{
	struct strbuf body;

	strbuf_init(&body);
	strbuf_adds(&body, fields);
	add_self(&body);
	strbuf_adds(&body, " res=failed");
	report_record(d, "DAEMON_ERR", body.buf);
	strbuf_free(&body);
}

void report_resume(struct daemon *d, const char *suspended_by)
{
	char extra[64];

	snprintf(extra, sizeof(extra), " suspended_by=%s", suspended_by);
	report_simple(d, "DAEMON_RESUME", "resume-logging", extra);
}

void report_config(struct daemon *d, bool restart_needed)
{
	report_simple(d, "DAEMON_CONFIG", "reconfigure",
		      restart_needed ? " restart_needed=yes" :
				       " restart_needed=no");
}

void report_rotate(struct daemon *d)
{
	report_simple(d, "DAEMON_ROTATE", "rotate-logs", NULL);
}

/*
 * "Still logging", every heartbeat_interval seconds: audisp-bpfaudit takes
 * silence as the bridge being down. DAEMON_RESUME is the nearest type
 * libaudit knows (auditd and ausearch refuse unknown names).
 */
void report_heartbeat(struct daemon *d, uint64_t now_ns)
{
	struct strbuf extra;

	if (!d->cfg.heartbeat_interval || now_ns - d->last_heartbeat_ns <
	    d->cfg.heartbeat_interval * 1000000000ull)
		return;
	d->last_heartbeat_ns = now_ns;
	strbuf_init(&extra);
	strbuf_printf(&extra, " interval=%u events_written=%llu",
		      d->cfg.heartbeat_interval,
		      (unsigned long long)d->events_written);
	prog_ids_field(d, &extra);
	report_simple(d, "DAEMON_RESUME", "heartbeat", extra.buf);
	strbuf_free(&extra);
}

static const char *daemon_loss_name(int which)
{
	switch (which) {
	case DLOSS_WRITE:
		return "write_failed";
	case DLOSS_SERIAL:
		return "no_serial";
	case DLOSS_MALFORMED:
		return "malformed_record";
	case DLOSS_PLUGIN:
		return "plugin_queue_full";
	case DLOSS_SUSPENDED:
		return "suspended";
	case DLOSS_CRASH:
		return "daemon_crash";
	}
	return "unknown";
}

static void snapshot(struct daemon *d, struct loss_snapshot *s)
{
	const struct promise_stats *ps = promise_table_stats(d->promises);

	memset(s, 0, sizeof(*s));
	if (d->loader.state)
		loader_read_loss(&d->loader, s->kernel);
	memcpy(s->partial, ps->partial, sizeof(s->partial));
	memcpy(s->daemon, d->daemon_loss, sizeof(s->daemon));
	s->daemon[DLOSS_MALFORMED] = ps->malformed;
}

static void loss_record(struct daemon *d, const char *kind, const char *cause,
			uint64_t now, uint64_t before)
{
	struct strbuf body;

	if (now == before)
		return;
	strbuf_init(&body);
	strbuf_printf(&body, "op=loss kind=%s cause=%s count=%llu total=%llu",
		      kind, cause, (unsigned long long)(now - before),
		      (unsigned long long)now);
	add_self(&body);
	strbuf_adds(&body, " res=failed");
	report_record(d, "DAEMON_ERR", body.buf);
	strbuf_free(&body);
}

void report_loss(struct daemon *d)
{
	struct loss_snapshot now;
	char cause[64];
	int kind, c;

	/* none could be written: the counters keep it all for the resume */
	if (d->disk.suspended)
		return;
	snapshot(d, &now);
	for (kind = 1; kind < BA_KIND_MAX; kind++) {
		for (c = 0; c < BA_LOSS_CAUSE_MAX; c++) {
			uint32_t slot = ba_loss_slot(kind, c);

			loss_record(d, loader_kind_name(kind),
				    loader_loss_cause_name(c),
				    now.kernel[slot], d->reported.kernel[slot]);
		}
		for (c = PARTIAL_KERNEL_LOST; c <= PARTIAL_DRAIN; c++) {
			snprintf(cause, sizeof(cause), "partial_%s",
				 partial_reason_name(c));
			loss_record(d, loader_kind_name(kind), cause,
				    now.partial[kind][c],
				    d->reported.partial[kind][c]);
		}
	}
	for (c = 0; c < DLOSS_MAX; c++)
		loss_record(d, "all", daemon_loss_name(c), now.daemon[c],
			    d->reported.daemon[c]);
	/* a dead predecessor's events are accounted for once this is out */
	d->out_hdrs += now.daemon[DLOSS_CRASH] - d->reported.daemon[DLOSS_CRASH];
	d->reported = now;
}

void report_status(struct daemon *d, struct strbuf *out)
{
	const struct promise_stats *ps = promise_table_stats(d->promises);
	const struct logfile_stats *ls = logfile_stats(&d->log);
	struct loss_snapshot now;
	int kind, c;

	snapshot(d, &now);
	strbuf_printf(out, "pid = %d\nversion = %s\nlog_file = %s\n",
		      getpid(), PACKAGE_VERSION, d->cfg.log_file);
	rules_status(d, out);
	plugins_status(d, out);
	if (d->sink)
		sink_auditd_status(d->sink, out);
	else
		strbuf_adds(out, "sink = file\n");
	for (kind = 1; kind < BA_KIND_MAX; kind++) {
		strbuf_printf(out, "attach.%s = %s\n", loader_kind_name(kind),
			      loader_mode_name(&d->loader, kind));
		if (d->loader.skipped[kind][0])
			strbuf_printf(out, "attach.%s.skipped = %s\n",
				      loader_kind_name(kind),
				      d->loader.skipped[kind]);
	}
	strbuf_printf(out, "watch.lookups = %llu\nwatch.lookups_unresolved = %llu\n"
		      "watch.lookups_dropped = %llu\n",
		      (unsigned long long)d->lookups.events,
		      (unsigned long long)d->lookups.unresolved,
		      (unsigned long long)d->lookups.dropped);
	strbuf_printf(out, "pin_dir = %s\nprograms = %s\n", d->cfg.pin_dir,
		      d->loader.reused ? "reused" : "loaded");
	strbuf_printf(out,
		      "events_written = %llu\nrecords_written = %llu\n"
		      "events_complete = %llu\nevents_pending = %llu\n"
		      "pending_bytes = %llu\nring_records = %llu\n"
		      "duplicate_records = %llu\nlog_bytes = %llu\n"
		      "log_rotations = %llu\n",
		      (unsigned long long)d->events_written,
		      (unsigned long long)d->records_written,
		      (unsigned long long)ps->complete,
		      (unsigned long long)ps->pending,
		      (unsigned long long)ps->mem,
		      (unsigned long long)ps->records,
		      (unsigned long long)ps->duplicate, ls->bytes,
		      ls->rotations);
	disk_status(d, out);
	for (kind = 1; kind < BA_KIND_MAX; kind++) {
		const char *k = loader_kind_name(kind);

		for (c = 0; c < BA_LOSS_CAUSE_MAX; c++)
			strbuf_printf(out, "loss.%s.%s = %llu\n", k,
				      loader_loss_cause_name(c),
				      (unsigned long long)now.kernel[ba_loss_slot(kind, c)]);
		for (c = PARTIAL_KERNEL_LOST; c <= PARTIAL_DRAIN; c++)
			strbuf_printf(out, "loss.%s.partial_%s = %llu\n", k,
				      partial_reason_name(c),
				      (unsigned long long)now.partial[kind][c]);
	}
	for (c = 0; c < DLOSS_MAX; c++)
		strbuf_printf(out, "loss.all.%s = %llu\n", daemon_loss_name(c),
			      (unsigned long long)now.daemon[c]);
}

/* bpfauditctl -s: the few lines auditctl -s users look at first. */
void report_summary(struct daemon *d, struct strbuf *out)
{
	const struct promise_stats *ps = promise_table_stats(d->promises);
	struct loss_snapshot now;
	uint64_t lost = 0;
	size_t i;
	int kind, c;

	snapshot(d, &now);
	for (i = 0; i < BA_LOSS_SLOTS; i++)
		lost += now.kernel[i];
	for (kind = 1; kind < BA_KIND_MAX; kind++)
		for (c = PARTIAL_KERNEL_LOST; c <= PARTIAL_DRAIN; c++)
			lost += now.partial[kind][c];
	for (c = 0; c < DLOSS_MAX; c++)
		lost += now.daemon[c];
	strbuf_printf(out, "enabled %d\npid %d\nrules %zu\nlost %llu\n"
		      "backlog %llu\n",
		      d->rules.enabled < 0 ? 1 : d->rules.enabled, getpid(),
		      d->rules.n, (unsigned long long)lost,
		      (unsigned long long)ps->pending);
}
