/* SPDX-License-Identifier: GPL-2.0 */
/* A growable text buffer that records are formatted into. */
#ifndef BPFAUDIT_STRBUF_H
#define BPFAUDIT_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
	bool failed;	/* an allocation failed; the content is incomplete */
};

void strbuf_init(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_adds(struct strbuf *sb, const char *s);
/* Numbers without printf, for the formatter's hot paths. */
void strbuf_add_u64(struct strbuf *sb, unsigned long long v);
void strbuf_add_s64(struct strbuf *sb, long long v);
/* Lower-case hex, at least @width digits (zero-padded). */
void strbuf_add_hex(struct strbuf *sb, unsigned long long v, int width);
__attribute__((format(printf, 2, 3)))
void strbuf_printf(struct strbuf *sb, const char *fmt, ...);

#endif
