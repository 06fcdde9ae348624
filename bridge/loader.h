/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading bpfaudit's BPF object through its skeleton: sizing the ring and
 * the tunables, choosing an attach mode per event source, attaching, and
 * reading the kernel-side loss counters.
 */
#ifndef BPFAUDIT_LOADER_H
#define BPFAUDIT_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpf/libbpf.h>

#include "../bpf/wire.h"
#include "config.h"
#include "rulebank.h"

struct bpfaudit_bpf;

#define LOADER_MAX_LINKS 256

struct loader {
	struct bpfaudit_bpf *skel;
	struct bpf_link *links[LOADER_MAX_LINKS];
	int nlinks;
	struct ring_buffer *ring;
	enum attach_mode mode[BA_KIND_MAX];	/* chosen per source */
	char skipped[BA_KIND_MAX][256];		/* better modes that failed */
	bool unsupported[BA_KIND_MAX];		/* the kernel cannot do it */
	int ncpus;
};

/* Loads, puts @rules in place, then attaches. */
int loader_open(struct loader *l, const struct bpfaudit_config *cfg,
		const struct rulebank *rules, ring_buffer_sample_fn on_record,
		void *ctx, char *err, size_t errlen);
/* Replaces the rules the programs evaluate, without a moment of neither. */
int loader_set_rules(struct loader *l, const struct rulebank *rules);
/* How often a watched path's directory changed (bpf/watch.h). */
uint64_t loader_watch_changes(const struct loader *l);
/* Sums the per-CPU loss counters into out[BA_LOSS_SLOTS]. */
int loader_read_loss(struct loader *l, uint64_t *out);
/* Stops every program; the ring can still be drained. */
void loader_detach(struct loader *l);
const char *loader_kind_name(int kind);
/* The mode a kind runs in, "off" when bpfauditd.conf's events has switched
 * it off, or "unsupported" when the kernel lacks what it watches. */
const char *loader_mode_name(const struct loader *l, int kind);
const char *loader_loss_cause_name(int cause);
/* Whether a kind's programs are attached (not off, not unsupported). */
bool loader_running(const struct loader *l, int kind);
/* The kernel's ids of the loaded programs, up to @max; returns how many. */
int loader_prog_ids(const struct loader *l, uint32_t *ids, int max);
void loader_close(struct loader *l);

#endif
