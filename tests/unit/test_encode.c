// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bridge/encode.c: kernel audit's rule for untrusted strings
 * (audit_string_contains_control / audit_log_n_untrustedstring): a string
 * with a '"', a byte below 0x21 or above 0x7e is written as uppercase hex,
 * anything else in double quotes, the empty string as "".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "encode.h"
#include "golden.h"

/* audit_add_untrusted() on @len bytes of @s into a fresh buffer. */
static char *untrusted(const char *s, size_t len)
{
	struct strbuf sb;
	char *copy;

	strbuf_init(&sb);
	audit_add_untrusted(&sb, s, len);
	assert_false(sb.failed);
	assert_non_null(sb.buf);
	assert_int_equal(strlen(sb.buf), sb.len);
	copy = strdup(sb.buf);
	strbuf_free(&sb);
	assert_non_null(copy);
	return copy;
}

static void expect_untrusted(const char *s, size_t len, const char *want)
{
	char *got = untrusted(s, len);

	assert_string_equal(got, want);
	free(got);
}

#define EXPECT(lit, want) expect_untrusted(lit, sizeof(lit) - 1, want)

/* The kernel's rule, written out independently of encode.c. */
static int kernel_wants_hex(unsigned char c)
{
	if (c == 0x22)
		return 1;
	if (c <= 0x20)
		return 1;
	if (c >= 0x7f)
		return 1;
	return 0;
}

static void test_plain_ascii(void **state)
{
	(void)state;
	assert_false(audit_needs_hex("/usr/bin/echo", 13));
	EXPECT("/usr/bin/echo", "\"/usr/bin/echo\"");
	EXPECT("abcXYZ019-_.,:;/~!#$%&'()*+<>?@[\\]^`{|}",
	       "\"abcXYZ019-_.,:;/~!#$%&'()*+<>?@[\\]^`{|}\"");
}

static void test_space_is_hex(void **state)
{
	(void)state;
	assert_true(audit_needs_hex("a b", 3));
	EXPECT("a b", "612062");
	EXPECT(" ", "20");
	EXPECT("trailing ", "747261696C696E6720");
}

static void test_double_quote_is_hex(void **state)
{
	(void)state;
	assert_true(audit_needs_hex("q\"x", 3));
	EXPECT("q\"x", "712278");
	EXPECT("\"", "22");
	/* A single quote and a backslash are harmless. */
	EXPECT("it's", "\"it's\"");
	EXPECT("a\\b", "\"a\\b\"");
}

static void test_del_is_hex(void **state)
{
	(void)state;
	assert_true(audit_needs_hex("\x7f", 1));
	EXPECT("x\x7f", "787F");
}

static void test_boundary_0x20_0x21(void **state)
{
	(void)state;
	assert_true(audit_needs_hex("\x20", 1));
	assert_false(audit_needs_hex("\x21", 1));
	EXPECT("\x20", "20");
	EXPECT("\x21", "\"!\"");
	EXPECT("!\x20!", "212021");
}

static void test_boundary_0x7e_0x7f(void **state)
{
	(void)state;
	assert_false(audit_needs_hex("\x7e", 1));
	assert_true(audit_needs_hex("\x7f", 1));
	EXPECT("\x7e", "\"~\"");
	EXPECT("~\x7f", "7E7F");
}

static void test_every_byte(void **state)
{
	unsigned int c;

	(void)state;
	for (c = 0; c < 256; c++) {
		char s[1] = { (char)c };
		char want[8];
		bool hex = kernel_wants_hex((unsigned char)c);

		if (hex)
			snprintf(want, sizeof(want), "%02X", c);
		else
			snprintf(want, sizeof(want), "\"%c\"", (char)c);
		if (audit_needs_hex(s, 1) != hex)
			fail_msg("byte 0x%02x: audit_needs_hex says %d, the "
				 "kernel %d", c, !hex, hex);
		expect_untrusted(s, 1, want);
	}
}

static void test_every_byte_inside_a_string(void **state)
{
	unsigned int c;

	(void)state;
	/* One bad byte anywhere makes the whole string hex. */
	for (c = 0; c < 256; c++) {
		char s[5] = { 'a', 'b', (char)c, 'c', 'd' };

		assert_int_equal(audit_needs_hex(s, 5),
				 kernel_wants_hex((unsigned char)c));
		assert_int_equal(audit_needs_hex(s + 2, 3),
				 kernel_wants_hex((unsigned char)c));
		assert_int_equal(audit_needs_hex(s, 3),
				 kernel_wants_hex((unsigned char)c));
	}
}

static void test_utf8_is_hex(void **state)
{
	(void)state;
	/* "café", "日本": each byte of a multibyte sequence is >= 0x80. */
	EXPECT("caf\xc3\xa9", "636166C3A9");
	EXPECT("\xe6\x97\xa5\xe6\x9c\xac", "E697A5E69CAC");
}

static void test_empty_string(void **state)
{
	(void)state;
	assert_false(audit_needs_hex("", 0));
	expect_untrusted("", 0, "\"\"");
	/* A NULL pointer with no bytes is fine too. */
	assert_false(audit_needs_hex(NULL, 0));
}

static void test_equals_is_quoted(void **state)
{
	(void)state;
	assert_false(audit_needs_hex("x=y", 3));
	EXPECT("x=y", "\"x=y\"");
	EXPECT("key=value=", "\"key=value=\"");
}

static void test_embedded_nul_is_hex(void **state)
{
	(void)state;
	/* The length counts, not a terminator. */
	expect_untrusted("a\0b", 3, "610062");
	expect_untrusted("ab\0", 2, "\"ab\"");
}

static void test_hex_digits_uppercase(void **state)
{
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	audit_add_hex(&sb, "\xab\xcd\xef\x0a\x9f\xfa", 6);
	assert_string_equal(sb.buf, "ABCDEF0A9FFA");
	strbuf_free(&sb);
	EXPECT("\n\t\r", "0A090D");
	EXPECT("\xff\xfe", "FFFE");
}

static void test_hex_every_byte_round_trip(void **state)
{
	char in[256], out[256];
	struct strbuf sb;
	unsigned int i;

	(void)state;
	for (i = 0; i < 256; i++)
		in[i] = (char)i;
	strbuf_init(&sb);
	audit_add_hex(&sb, in, sizeof(in));
	assert_int_equal(sb.len, 512);
	assert_int_equal(golden_unhex(sb.buf, sb.len, out), 256);
	assert_memory_equal(in, out, sizeof(in));
	strbuf_free(&sb);
}

static void test_quoted_is_verbatim(void **state)
{
	struct strbuf sb;

	(void)state;
	/* audit_add_quoted() quotes whatever it is given: no escaping. */
	strbuf_init(&sb);
	audit_add_quoted(&sb, "a b", 3);
	assert_string_equal(sb.buf, "\"a b\"");
	assert_int_equal(sb.len, 5);
	strbuf_free(&sb);
}

static void test_appends(void **state)
{
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	strbuf_adds(&sb, "comm=");
	audit_add_untrusted(&sb, "echo", 4);
	strbuf_adds(&sb, " name=");
	audit_add_untrusted(&sb, "a b", 3);
	assert_string_equal(sb.buf, "comm=\"echo\" name=612062");
	strbuf_free(&sb);
}

static void test_long_string(void **state)
{
	size_t n = 100000, i;
	char *s = malloc(n);
	char *got;

	(void)state;
	assert_non_null(s);
	memset(s, 'x', n);
	got = untrusted(s, n);
	assert_int_equal(strlen(got), n + 2);
	assert_int_equal(got[0], '"');
	assert_int_equal(got[n + 1], '"');
	free(got);
	/* One control byte at the very end turns all of it into hex. */
	s[n - 1] = '\x01';
	got = untrusted(s, n);
	assert_int_equal(strlen(got), 2 * n);
	assert_memory_equal(got, "7878", 4);
	assert_string_equal(got + 2 * n - 4, "7801");
	for (i = 0; i < n - 1; i++)
		if (got[2 * i] != '7' || got[2 * i + 1] != '8')
			fail_msg("byte %zu not encoded as 78", i);
	free(got);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_ascii),
		cmocka_unit_test(test_space_is_hex),
		cmocka_unit_test(test_double_quote_is_hex),
		cmocka_unit_test(test_del_is_hex),
		cmocka_unit_test(test_boundary_0x20_0x21),
		cmocka_unit_test(test_boundary_0x7e_0x7f),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_every_byte_inside_a_string),
		cmocka_unit_test(test_utf8_is_hex),
		cmocka_unit_test(test_empty_string),
		cmocka_unit_test(test_equals_is_quoted),
		cmocka_unit_test(test_embedded_nul_is_hex),
		cmocka_unit_test(test_hex_digits_uppercase),
		cmocka_unit_test(test_hex_every_byte_round_trip),
		cmocka_unit_test(test_quoted_is_verbatim),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_long_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
