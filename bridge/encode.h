/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel audit's rules for writing untrusted strings (kernel/audit.c):
 * a string with a '"', a byte below 0x21 or above 0x7e is written as
 * uppercase hex, otherwise in double quotes. Nobody can forge a field.
 */
#ifndef BPFAUDIT_ENCODE_H
#define BPFAUDIT_ENCODE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

bool audit_needs_hex(const char *s, size_t len);
void audit_add_hex(struct strbuf *sb, const char *s, size_t len);
void audit_add_quoted(struct strbuf *sb, const char *s, size_t len);
/* audit_log_n_untrustedstring: hex or quoted, as the content requires. */
void audit_add_untrusted(struct strbuf *sb, const char *s, size_t len);

#endif
