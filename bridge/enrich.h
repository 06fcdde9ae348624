/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the daemon adds to an event before formatting, where the tracepoint
 * mode cannot see it in the kernel: the dynamic loader's name as the binary
 * names it (PT_INTERP, read with libelf from the very inode that was
 * executed) and the identity of a #! script or of a failed exec's target.
 */
#ifndef BPFAUDIT_ENRICH_H
#define BPFAUDIT_ENRICH_H

#include "event.h"

struct enrich;

struct enrich *enrich_new(void);
void enrich_event(struct enrich *en, struct ba_event *ev);
void enrich_free(struct enrich *en);

#endif
