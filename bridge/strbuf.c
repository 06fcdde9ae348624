// SPDX-License-Identifier: GPL-2.0
/* A growable text buffer that records are formatted into. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void strbuf_init(struct strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->failed = false;
	if (sb->buf)
		sb->buf[0] = '\0';
}

static bool strbuf_reserve(struct strbuf *sb, size_t more)
{
	size_t want = sb->len + more + 1;
	size_t cap = sb->cap ? sb->cap : 256;
	char *p;

	if (sb->failed)
		return false;
	if (want <= sb->cap)
		return true;
	while (cap < want)
		cap *= 2;
	p = realloc(sb->buf, cap);
	if (!p) {
		sb->failed = true;
		return false;
	}
	sb->buf = p;
	sb->cap = cap;
	return true;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (!strbuf_reserve(sb, len))
		return;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addc(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_add_u64(struct strbuf *sb, unsigned long long v)
{
	char d[20];
	int i = sizeof(d);

	do {
		d[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	strbuf_add(sb, d + i, sizeof(d) - i);
}

void strbuf_add_s64(struct strbuf *sb, long long v)
{
	if (v < 0) {
		strbuf_addc(sb, '-');
		strbuf_add_u64(sb, -(unsigned long long)v);
	} else {
		strbuf_add_u64(sb, v);
	}
}

void strbuf_add_hex(struct strbuf *sb, unsigned long long v, int width)
{
	char d[16];
	int i = sizeof(d);

	do {
		d[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v || (int)sizeof(d) - i < width);
	strbuf_add(sb, d + i, sizeof(d) - i);
}

/* One vsnprintf when the text fits in the room left, two when it grows. */
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	size_t room = sb->cap > sb->len ? sb->cap - sb->len : 0;
	va_list ap;
	int n;

	if (sb->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(room ? sb->buf + sb->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		if (!strbuf_reserve(sb, n)) {
			if (room)	/* undo the cut-off text's NUL */
				sb->buf[sb->len] = '\0';
			return;
		}
		va_start(ap, fmt);
		vsnprintf(sb->buf + sb->len, n + 1, fmt, ap);
		va_end(ap);
	}
	sb->len += n;
}
