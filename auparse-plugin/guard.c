// SPDX-License-Identifier: GPL-2.0
/*
 * The guard's logic: heartbeat deadline, bpfauditd's BPF program ids, and
 * the matching of kernel audit's and bpfaudit's records of the same exec,
 * module load or connect (same pid, same syscall, times within the
 * window). Each side keeps a queue of its recent events in arrival order;
 * an event under a configured key that finds no counterpart within twice
 * the window after it arrived is reported; it is kept a while longer, so
 * that a counterpart arriving late (a stalled bridge catching up) is a
 * notice rather than a second, false alert.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"

/* x86_64 system call numbers */
#define NR_CONNECT		42
#define NR_EXECVE		59
#define NR_INIT_MODULE		175
#define NR_FINIT_MODULE		313
#define NR_EXECVEAT		322

/* How long a reported event waits for a late counterpart: at least. */
#define LATE_MIN_MS		60000

static const char *const alert_names[] = {
	[GA_HEARTBEAT_LOST] = "heartbeat_lost",
	[GA_HEARTBEAT_RESUMED] = "heartbeat_resumed",
	[GA_PROGS_UNLOADED] = "programs_unloaded",
	[GA_STOPPED] = "bpfaudit_stopped",
	[GA_MISSING_BPFAUDIT] = "missing_bpfaudit_event",
	[GA_MISSING_KERNEL] = "missing_kernel_event",
	[GA_OVERFLOW] = "pending_overflow",
	[GA_LATE] = "late_event",
};

const char *guard_alert_name(enum guard_alert a)
{
	if ((unsigned int)a >= sizeof(alert_names) / sizeof(alert_names[0]))
		return "unknown";
	return alert_names[a];
}

bool guard_syscall_watched(unsigned int nr)
{
	return nr == NR_CONNECT || nr == NR_EXECVE || nr == NR_EXECVEAT ||
	       nr == NR_INIT_MODULE || nr == NR_FINIT_MODULE;
}

const char *guard_syscall_name(unsigned int nr)
{
	switch (nr) {
	case NR_CONNECT:
		return "connect";
	case NR_EXECVE:
		return "execve";
	case NR_EXECVEAT:
		return "execveat";
	case NR_INIT_MODULE:
		return "init_module";
	case NR_FINIT_MODULE:
		return "finit_module";
	}
	return "unknown";
}

bool guard_key_wanted(const struct guard_config *cfg, const char *key)
{
	const char *p = key;
	unsigned int i;

	while (*p) {
		size_t len = strcspn(p, "\001");

		for (i = 0; i < cfg->nkeys; i++)
			if (strlen(cfg->keys[i]) == len &&
			    !memcmp(cfg->keys[i], p, len))
				return true;
		p += len + (p[len] ? 1 : 0);
	}
	return false;
}

static void __attribute__((format(printf, 3, 4)))
raise_alert(struct guard *g, enum guard_alert a, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	g->alert(g->ctx, a, text);
}

static int queue_alloc(struct guard_queue *q, unsigned int cap)
{
	q->e = calloc(cap, sizeof(*q->e));
	q->head = q->len = 0;
	q->cap = cap;
	return q->e ? 0 : -1;
}

int guard_init(struct guard *g, const struct guard_config *cfg,
	       guard_alert_fn alert, void *ctx, uint64_t now_ms)
{
	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	g->alert = alert;
	g->ctx = ctx;
	g->last_beat_ms = now_ms;
	if (queue_alloc(&g->side[GUARD_KERNEL], cfg->max_pending) ||
	    queue_alloc(&g->side[GUARD_BPFAUDIT], cfg->max_pending)) {
		guard_free(g);
		return -1;
	}
	return 0;
}

void guard_free(struct guard *g)
{
	free(g->side[0].e);
	free(g->side[1].e);
	g->side[0].e = g->side[1].e = NULL;
}

int guard_reconfigure(struct guard *g, const struct guard_config *cfg)
{
	struct guard_queue q[2];

	if (cfg->max_pending != g->cfg.max_pending) {
		if (queue_alloc(&q[0], cfg->max_pending))
			return -1;
		if (queue_alloc(&q[1], cfg->max_pending)) {
			free(q[0].e);
			return -1;
		}
		guard_free(g);
		g->side[0] = q[0];
		g->side[1] = q[1];
	}
	g->cfg = *cfg;
	return 0;
}

static struct guard_pending *queue_at(struct guard_queue *q, unsigned int i)
{
	return &q->e[(q->head + i) % q->cap];
}

static void queue_pop(struct guard_queue *q)
{
	q->head = (q->head + 1) % q->cap;
	q->len--;
}

/* Removes entry @i, keeping the others in order. */
static void queue_remove(struct guard_queue *q, unsigned int i)
{
	for (; i + 1 < q->len; i++)
		*queue_at(q, i) = *queue_at(q, i + 1);
	q->len--;
}

static void report_missing(struct guard *g, enum guard_side side,
			   const struct guard_pending *e)
{
	bool kernel = side == GUARD_KERNEL;

	raise_alert(g, kernel ? GA_MISSING_BPFAUDIT : GA_MISSING_KERNEL,
		    "%s logged %s of pid %u at %llu.%03llu (key \"%s\"), %s"
		    " did not within %u s",
		    kernel ? "kernel audit" : "bpfaudit",
		    guard_syscall_name(e->syscall), e->pid,
		    (unsigned long long)(e->time_ms / 1000),
		    (unsigned long long)(e->time_ms % 1000), e->key,
		    kernel ? "bpfaudit" : "kernel audit", g->cfg.window);
}

static uint64_t distance(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

static void report_late(struct guard *g, const struct guard_event *ev,
			const struct guard_pending *e, uint64_t now_ms)
{
	raise_alert(g, GA_LATE, "%s's record of %s of pid %u (key \"%s\")"
		    " came after all, %llu s after %s's",
		    ev->side == GUARD_KERNEL ? "kernel audit" : "bpfaudit",
		    guard_syscall_name(e->syscall), e->pid, e->key,
		    (unsigned long long)(now_ms - e->seen_ms) / 1000,
		    ev->side == GUARD_KERNEL ? "bpfaudit" : "kernel audit");
}

/* The other side's counterpart of @ev: removed and true, or false. */
static bool take_counterpart(struct guard *g, const struct guard_event *ev,
			     uint64_t now_ms)
{
	struct guard_queue *q = &g->side[!ev->side];
	unsigned int i;

	for (i = 0; i < q->len; i++) {
		struct guard_pending *e = queue_at(q, i);

		if (e->pid != ev->pid || e->syscall != ev->syscall ||
		    distance(e->time_ms, ev->time_ms) > g->cfg.window * 1000ull)
			continue;
		if (e->reported)
			report_late(g, ev, e, now_ms);
		queue_remove(q, i);
		return true;
	}
	return false;
}

static void queue_push(struct guard *g, const struct guard_event *ev,
		       uint64_t now_ms)
{
	struct guard_queue *q = &g->side[ev->side];
	struct guard_pending *e;

	if (q->len == q->cap) {
		bool unchecked = queue_at(q, 0)->expected &&
				 !queue_at(q, 0)->reported;

		if (unchecked && !g->overflow_reported)
			raise_alert(g, GA_OVERFLOW, "more than %u %s events"
				    " waiting for a counterpart: the oldest are"
				    " no longer checked", q->cap,
				    ev->side == GUARD_KERNEL ? "kernel" :
							       "bpfaudit");
		g->overflow_reported |= unchecked;
		queue_pop(q);
	}
	e = queue_at(q, q->len++);
	e->time_ms = ev->time_ms;
	e->seen_ms = now_ms;
	e->pid = ev->pid;
	e->syscall = ev->syscall;
	e->expected = guard_key_wanted(&g->cfg, ev->key);
	e->reported = false;
	snprintf(e->key, sizeof(e->key), "%.*s", (int)strcspn(ev->key, "\001"),
		 ev->key);
}

static void on_syscall(struct guard *g, const struct guard_event *ev,
		       uint64_t now_ms)
{
	if (!g->cfg.nkeys || !guard_syscall_watched(ev->syscall))
		return;
	if (take_counterpart(g, ev, now_ms))
		return;
	queue_push(g, ev, now_ms);
}

static bool same_ids(const struct guard *g, const uint32_t *ids,
		     unsigned int n)
{
	return n == g->nprogs && !memcmp(ids, g->progs, n * sizeof(*ids));
}

static int cmp_id(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Kept sorted, so that the same set from another source is the same. */
void guard_set_progs(struct guard *g, uint32_t pid, const uint32_t *ids,
		     unsigned int n)
{
	uint32_t sorted[GUARD_MAX_IDS];

	if (n > GUARD_MAX_IDS)
		n = GUARD_MAX_IDS;
	memcpy(sorted, ids, n * sizeof(*ids));
	qsort(sorted, n, sizeof(*sorted), cmp_id);
	g->daemon_pid = pid;
	if (same_ids(g, sorted, n))
		return;
	memcpy(g->progs, sorted, n * sizeof(*ids));
	g->nprogs = n;
	g->unload_reported = false;
}

/* DAEMON_START or a heartbeat: bpfauditd is alive. */
static void on_alive(struct guard *g, const struct guard_event *ev,
		     uint64_t now_ms)
{
	if (ev->nids)
		guard_set_progs(g, ev->pid, ev->ids, ev->nids);
	g->daemon_pid = ev->pid;
	g->last_beat_ms = now_ms;
	g->stopped = false;
	if (!g->beat_lost)
		return;
	g->beat_lost = false;
	raise_alert(g, GA_HEARTBEAT_RESUMED, "bpfauditd (pid %u) is alive"
		    " again", ev->pid);
}

static void on_end(struct guard *g, const struct guard_event *ev)
{
	if (!g->daemon_pid || ev->pid != g->daemon_pid || g->stopped)
		return;
	g->stopped = true;
	raise_alert(g, GA_STOPPED, "bpfauditd (pid %u) stopped", ev->pid);
}

static bool is_ours(const struct guard *g, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < g->nprogs; i++)
		if (g->progs[i] == id)
			return true;
	return false;
}

static void on_unload(struct guard *g, const struct guard_event *ev)
{
	unsigned int i, ours = 0;
	uint32_t first = 0;

	for (i = 0; i < ev->nids; i++) {
		if (!is_ours(g, ev->ids[i]))
			continue;
		if (!ours++)
			first = ev->ids[i];
	}
	if (!ours || g->stopped || g->unload_reported)
		return;
	g->unload_reported = true;
	raise_alert(g, GA_PROGS_UNLOADED, "the kernel unloaded bpfaudit's BPF"
		    " program prog-id=%u (%u of its %u programs in this event,"
		    " bpfauditd pid %u)", first, ours, g->nprogs,
		    g->daemon_pid);
}

void guard_feed(struct guard *g, const struct guard_event *ev,
		uint64_t now_ms)
{
	switch (ev->kind) {
	case GK_SYSCALL:
		on_syscall(g, ev, now_ms);
		break;
	case GK_START:
	case GK_HEARTBEAT:
		on_alive(g, ev, now_ms);
		break;
	case GK_END:
		on_end(g, ev);
		break;
	case GK_UNLOAD:
		on_unload(g, ev);
		break;
	case GK_OTHER:
		break;
	}
}

/* Reports what waited past twice the window (oldest first), then drops
 * what waited long enough: the reported ones after the late period. */
static void expire(struct guard *g, enum guard_side side, uint64_t now_ms)
{
	struct guard_queue *q = &g->side[side];
	uint64_t life = 2000ull * g->cfg.window, late = 10 * life;
	unsigned int i;

	if (late < LATE_MIN_MS)
		late = LATE_MIN_MS;
	for (i = 0; i < q->len; i++) {
		struct guard_pending *e = queue_at(q, i);

		if (e->seen_ms + life >= now_ms)
			break;
		if (e->expected && !e->reported) {
			report_missing(g, side, e);
			e->reported = true;
		}
	}
	while (q->len && queue_at(q, 0)->seen_ms +
	       (queue_at(q, 0)->reported ? late : life) < now_ms)
		queue_pop(q);
	if (q->len < q->cap / 2)
		g->overflow_reported = false;
}

static void check_heartbeat(struct guard *g, uint64_t now_ms)
{
	uint64_t limit = g->cfg.heartbeat_timeout * 1000ull;
	unsigned long long silent = (now_ms - g->last_beat_ms) / 1000;

	if (!limit || g->stopped || g->beat_lost ||
	    now_ms < g->last_beat_ms + limit)
		return;
	g->beat_lost = true;
	if (g->daemon_pid)
		raise_alert(g, GA_HEARTBEAT_LOST, "no heartbeat from bpfauditd"
			    " (pid %u) for %llu s (heartbeat_timeout %u s)",
			    g->daemon_pid, silent, g->cfg.heartbeat_timeout);
	else
		raise_alert(g, GA_HEARTBEAT_LOST, "no heartbeat from bpfauditd"
			    " for %llu s (heartbeat_timeout %u s)", silent,
			    g->cfg.heartbeat_timeout);
}

void guard_tick(struct guard *g, uint64_t now_ms)
{
	check_heartbeat(g, now_ms);
	expire(g, GUARD_KERNEL, now_ms);
	expire(g, GUARD_BPFAUDIT, now_ms);
}
