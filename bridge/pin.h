/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpfaudit's BPF programs and maps pinned in bpffs (pin_dir), so that they
 * and the events in the ring outlive a daemon: pinning a freshly loaded
 * set, taking over a pinned set that matches the configuration, draining
 * and replacing one that does not, and unloading.
 */
#ifndef BPFAUDIT_PIN_H
#define BPFAUDIT_PIN_H

#include <stddef.h>
#include <stdio.h>

#include "loader.h"

/* Creates pin_dir if need be and locks it for this daemon: returns the
 * lock's fd, or -1 with @err set (another daemon holds it, no bpffs). */
int pin_lock(const char *dir, char *err, size_t errlen);
/* Pins @l's links and maps, then the description of the set, last. */
int pin_save(struct loader *l, const struct bpfaudit_config *cfg,
	     char *err, size_t errlen);
/*
 * Takes over the set pinned in pin_dir: 1 when it matches @cfg (nothing is
 * loaded or attached then), 0 when there is none or it does not match
 * (@why says why, empty when pin_dir was empty), -1 on error.
 */
int pin_reuse(struct loader *l, const struct bpfaudit_config *cfg,
	      char *why, size_t whylen);
/*
 * A set that will not be reused: its programs detach, then what is left
 * in its ring goes through @on_record. When its daemon state is of this
 * wire version, @carry gets what the new set's must start from: the
 * events a dead daemon took and never accounted for, the loss counts so
 * far and those reported.
 */
void pin_drain(const char *dir, ring_buffer_sample_fn on_record, void *ctx,
	       struct ba_daemon_state *carry);
/* Removes every pin in @dir (the directory stays). */
void pin_clear(const char *dir);
/*
 * bpfauditd --unload: removes the pins of @dir; a daemon running on them
 * is stopped (SIGTERM: it detaches and drains the ring first) and waited
 * for. Messages go to @msg. Returns 0 or -1.
 */
int pin_unload(const char *dir, FILE *msg);

#endif
