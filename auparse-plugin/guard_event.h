/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading one event of auditd's stream, through libauparse, into the
 * guard's struct guard_event.
 */
#ifndef BPFAUDIT_GUARD_EVENT_H
#define BPFAUDIT_GUARD_EVENT_H

#include <auparse.h>

#include "guard.h"

/*
 * Fills @ev from the event @au holds (kind GK_OTHER when it means nothing
 * to the guard, or comes from another node than @node when @node is set).
 */
void guard_event_read(auparse_state_t *au, const char *node,
		      struct guard_event *ev);

/* A SYSCALL key= value as written ("k", (null), or hex of keys joined by
 * \001) to the keys joined by \001; "" for none. */
void guard_decode_key(const char *raw, char *out, size_t size);

#endif
