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
struct bpfaudit_bpf__bss;

#define LOADER_MAX_LINKS 256

struct loader {
	struct bpfaudit_bpf *skel;	/* loaded here; NULL when reused */
	struct bpf_link *links[LOADER_MAX_LINKS];
	int nlinks;
	struct ring_buffer *ring;
	/* the maps the daemon uses, from the skeleton or from pin_dir */
	int events_fd, loss_fd, rules_fd, bss_fd, state_fd;
	int watches_fd, watch_names_fd;
	struct bpfaudit_bpf__bss *bss;	/* mmapped: the rules' switch */
	size_t bss_len;			/* reused: the mapping's length */
	struct ba_daemon_state *state;	/* mmapped */
	const volatile uint64_t *consumer_pos;	/* the ring's, mmapped */
	int pin_lock;			/* pin_dir, locked while running */
	bool reused;			/* taken over from pin_dir */
	char pin_note[320];		/* why a pinned set was replaced */
	uint32_t prog_ids[LOADER_MAX_LINKS];
	int prog_fds[LOADER_MAX_LINKS];	/* reused: held as a loader holds them */
	int nprogs;
	enum attach_mode mode[BA_KIND_MAX];	/* chosen per source */
	char skipped[BA_KIND_MAX][256];		/* better modes that failed */
	bool unsupported[BA_KIND_MAX];		/* the kernel cannot do it */
	int ncpus;
};

/* Locks cfg->pin_dir for this daemon, before anything else is set up: a
 * second daemon on the same pin_dir stops there. */
int loader_lock(struct loader *l, const struct bpfaudit_config *cfg,
		char *err, size_t errlen);
/*
 * Takes over the set pinned in cfg->pin_dir when it matches @cfg; else
 * drains and removes it, loads, puts @rules in place, attaches and pins.
 */
int loader_open(struct loader *l, const struct bpfaudit_config *cfg,
		const struct rulebank *rules, ring_buffer_sample_fn on_record,
		void *ctx, char *err, size_t errlen);
/* Replaces the rules the programs evaluate, without a moment of neither. */
int loader_set_rules(struct loader *l, const struct rulebank *rules);
/* How often a watched path's directory changed (bpf/watch.h). */
uint64_t loader_watch_changes(const struct loader *l);
/* Sums the per-CPU loss counters into out[BA_LOSS_SLOTS]. */
int loader_read_loss(struct loader *l, uint64_t *out);
/* Lets go of the links: the programs stop unless pinned. The ring can
 * still be drained. */
void loader_detach(struct loader *l);
/*
 * The daemon's bookkeeping in the pinned daemon_state (bpf/wire.h): an event
 * header taken from the ring; @n headers written or counted lost, with the
 * kernel loss counts reported so far; what a dead predecessor consumed but
 * never accounted for; the kernel loss counts already reported.
 */
void loader_note_consumed(struct loader *l);
void loader_note_accounted(struct loader *l, uint64_t n,
			   const uint64_t *loss_reported);
uint64_t loader_unaccounted(const struct loader *l);
void loader_loss_reported(const struct loader *l, uint64_t *out);
const char *loader_kind_name(int kind);
/* The mode a kind runs in, "off" when bpfauditd.conf's events has switched
 * it off, or "unsupported" when the kernel lacks what it watches. */
const char *loader_mode_name(const struct loader *l, int kind);
const char *loader_loss_cause_name(int cause);
/* Whether a kind's programs are attached (not off, not unsupported). */
bool loader_running(const struct loader *l, int kind);
/* The kernel's ids of the attached programs, up to @max; returns how
 * many. */
int loader_prog_ids(const struct loader *l, uint32_t *ids, int max);
/* Lets go of everything but the pin_dir lock (loader_close frees that). */
void loader_release(struct loader *l);
void loader_close(struct loader *l);

#endif
