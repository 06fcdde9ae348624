// SPDX-License-Identifier: GPL-2.0
/*
 * Loading bpfaudit's BPF object through its skeleton: sizing the ring and
 * the tunables, choosing an attach mode per event source, attaching, and
 * reading the kernel-side loss counters.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfaudit.skel.h"
#include "loader.h"

#define TRACEFS "/sys/kernel/tracing"

/* An event source's programs for one attach mode. */
struct variant {
	int kind;
	enum attach_mode mode;
	struct bpf_program *progs[8];
};

static int variants_of(struct bpfaudit_bpf *s, struct variant *v, int max)
{
	int n = 0;

	if (n < max)
		v[n++] = (struct variant){
			.kind = BA_KIND_EXEC,
			.mode = ATTACH_TRACEPOINT,
			.progs = { s->progs.tp_enter_execve,
				   s->progs.tp_enter_execveat,
				   s->progs.tp_sched_exec,
				   s->progs.tp_exit_execve,
				   s->progs.tp_exit_execveat },
		};
	return n;
}

const char *loader_kind_name(int kind)
{
	switch (kind) {
	case BA_KIND_EXEC:
		return "exec";
	}
	return "unknown";
}

const char *loader_loss_cause_name(int cause)
{
	switch (cause) {
	case BA_LOSS_CHUNK:
		return "chunk_dropped";
	case BA_LOSS_EVENT:
		return "event_dropped";
	case BA_LOSS_STATE:
		return "state_full";
	case BA_LOSS_SCRATCH:
		return "scratch_busy";
	}
	return "unknown";
}

/* Syscall tracepoints are found through tracefs; mount it if it is not. */
static void ensure_tracefs(void)
{
	if (access(TRACEFS "/events", F_OK) == 0)
		return;
	if (mount("tracefs", TRACEFS, "tracefs", 0, NULL))
		fprintf(stderr, "bpfauditd: mounting tracefs on %s: %s\n",
			TRACEFS, strerror(errno));
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	if (level == LIBBPF_INFO && !getenv("BPFAUDIT_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Picks, for every kind, the variant that matches the configured mode. */
static int choose_variants(struct loader *l, struct variant *v, int nv,
			   enum attach_mode want, char *err, size_t errlen)
{
	int kind, i;

	for (kind = 1; kind < BA_KIND_MAX; kind++) {
		int pick = -1;

		for (i = 0; i < nv; i++) {
			if (v[i].kind != kind)
				continue;
			if (want == ATTACH_AUTO || v[i].mode == want) {
				pick = i;
				break;
			}
		}
		if (pick < 0) {
			snprintf(err, errlen,
				 "%s: attach mode %s is not available for this"
				 " source (built: tracepoint)",
				 loader_kind_name(kind),
				 attach_mode_name(want));
			return -1;
		}
		l->mode[kind] = v[pick].mode;
	}
	/* Only the chosen variants load. */
	for (i = 0; i < nv; i++) {
		bool on = l->mode[v[i].kind] == v[i].mode;
		int p;

		for (p = 0; p < 8 && v[i].progs[p]; p++)
			bpf_program__set_autoload(v[i].progs[p], on);
	}
	return 0;
}

static int attach_variants(struct loader *l, struct variant *v, int nv,
			   char *err, size_t errlen)
{
	int i, p;

	for (i = 0; i < nv; i++) {
		if (l->mode[v[i].kind] != v[i].mode)
			continue;
		for (p = 0; p < 8 && v[i].progs[p]; p++) {
			struct bpf_link *link;

			if (l->nlinks == LOADER_MAX_LINKS) {
				snprintf(err, errlen, "too many programs");
				return -1;
			}
			link = bpf_program__attach(v[i].progs[p]);

			if (!link) {
				snprintf(err, errlen, "%s: attaching %s: %s",
					 loader_kind_name(v[i].kind),
					 bpf_program__name(v[i].progs[p]),
					 strerror(errno));
				return -1;
			}
			l->links[l->nlinks++] = link;
		}
	}
	return 0;
}

int loader_open(struct loader *l, const struct bpfaudit_config *cfg,
		ring_buffer_sample_fn on_record, void *ctx, char *err,
		size_t errlen)
{
	struct variant v[16];
	int nv, ret;

	memset(l, 0, sizeof(*l));
	libbpf_set_print(libbpf_quiet);
	ensure_tracefs();
	l->ncpus = libbpf_num_possible_cpus();
	l->skel = bpfaudit_bpf__open();
	if (!l->skel) {
		snprintf(err, errlen, "opening the BPF object: %s",
			 strerror(errno));
		return -1;
	}
	l->skel->rodata->argv_max = cfg->argv_max;
	bpf_map__set_max_entries(l->skel->maps.events,
				 cfg->ringbuf_size << 20);
	nv = variants_of(l->skel, v, 16);
	if (choose_variants(l, v, nv, cfg->attach_mode, err, errlen))
		goto fail;
	ret = bpfaudit_bpf__load(l->skel);
	if (ret) {
		snprintf(err, errlen, "loading the BPF programs: %s",
			 strerror(-ret));
		goto fail;
	}
	if (attach_variants(l, v, nv, err, errlen))
		goto fail;
	l->ring = ring_buffer__new(bpf_map__fd(l->skel->maps.events),
				   on_record, ctx, NULL);
	if (!l->ring) {
		snprintf(err, errlen, "opening the ring buffer: %s",
			 strerror(errno));
		goto fail;
	}
	return 0;
fail:
	loader_close(l);
	return -1;
}

int loader_read_loss(struct loader *l, uint64_t *out)
{
	uint64_t *percpu = calloc(l->ncpus, sizeof(uint64_t));
	uint32_t slot;
	int cpu, fd = bpf_map__fd(l->skel->maps.loss);

	if (!percpu)
		return -1;
	for (slot = 0; slot < BA_LOSS_SLOTS; slot++) {
		out[slot] = 0;
		if (bpf_map_lookup_elem(fd, &slot, percpu))
			continue;
		for (cpu = 0; cpu < l->ncpus; cpu++)
			out[slot] += percpu[cpu];
	}
	free(percpu);
	return 0;
}

void loader_close(struct loader *l)
{
	int i;

	for (i = 0; i < l->nlinks; i++)
		bpf_link__destroy(l->links[i]);
	ring_buffer__free(l->ring);
	bpfaudit_bpf__destroy(l->skel);
	memset(l, 0, sizeof(*l));
}
