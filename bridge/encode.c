// SPDX-License-Identifier: GPL-2.0
/* Kernel audit's encoding of untrusted strings: hex or double quotes. */
#include "encode.h"

bool audit_needs_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '"' || c < 0x21 || c > 0x7e)
			return true;
	}
	return false;
}

void audit_add_hex(struct strbuf *sb, const char *s, size_t len)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];
		char pair[2] = { digits[c >> 4], digits[c & 15] };

		strbuf_add(sb, pair, 2);
	}
}

void audit_add_quoted(struct strbuf *sb, const char *s, size_t len)
{
	strbuf_addc(sb, '"');
	strbuf_add(sb, s, len);
	strbuf_addc(sb, '"');
}

void audit_add_untrusted(struct strbuf *sb, const char *s, size_t len)
{
	if (audit_needs_hex(s, len))
		audit_add_hex(sb, s, len);
	else
		audit_add_quoted(sb, s, len);
}
