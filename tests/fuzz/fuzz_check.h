/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Invariants of formatted records, shared by the fuzz targets. Every check
 * that fails prints what it saw and aborts, so libFuzzer keeps the input.
 *
 * What a record set must look like, whatever the event held:
 *  - lines of printable ASCII (0x20..0x7e) each ending in '\n', one record
 *    per line: no hostile string can start a record or end one early;
 *  - "type=NAME msg=audit(SEC.MSEC:SERIAL): " with the caller's stamp;
 *  - an exec: SYSCALL, EXECVE..., CWD, PATH..., PROCTITLE, in that order;
 *    other kinds: their own records around one SYSCALL, CWD before any
 *    PATH, PROCTITLE last; SYSCALL's items= counts the PATH records;
 *  - every field "key=value" with no space inside a value, no key twice
 *    in a record, SYSCALL's and PATH's fields in the kernel's order: no
 *    hostile string can add a field;
 *  - strings either "quoted" (0x21..0x7e, no '"') or uppercase hex;
 *  - no line longer than auparse reads (MAX_AUDIT_MESSAGE_LENGTH) when
 *    the event's fields are within what the BPF side can capture;
 *  - EXECVE arguments decode back to the captured argv, aN_len right.
 * Known findings can be let through, see fc_allowed(). Everything is
 * static so each target takes what it uses.
 */
#ifndef BPFAUDIT_FUZZ_CHECK_H
#define BPFAUDIT_FUZZ_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "format.h"
#include "strbuf.h"

/*
 * include/uapi/linux/audit.h's MAX_AUDIT_MESSAGE_LENGTH (8970) sizes the
 * buffers of auditd and auparse: ausearch cuts a longer line to 8969 bytes
 * and drops the rest, so that is the longest a record line may be.
 */
#define FC_MAX_AUDIT_MESSAGE_LENGTH (8970 - 1)

/*
 * Each target uses only some of these. The checker is not what is being
 * fuzzed: keep libFuzzer's coverage feedback on the code under test.
 */
#if defined(__clang__) && __clang_major__ >= 13
#define FC_FN static __attribute__((unused, no_sanitize("coverage")))
#else
#define FC_FN static __attribute__((unused))
#endif
#define FC_VAR static __attribute__((unused))

FC_FN __attribute__((noreturn, format(printf, 1, 2))) void
fc_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz invariant violated: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Prints at most 200 bytes of a line, escaped, for a failure message. */
FC_FN const char *fc_show(const char *s, size_t len)
{
	static char out[1024];
	size_t i, o = 0;

	for (i = 0; i < len && i < 200 && o + 5 < sizeof(out); i++) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = c;
		else
			o += snprintf(out + o, sizeof(out) - o, "\\x%02x", c);
	}
	if (i < len && o + 4 < sizeof(out))
		o += snprintf(out + o, sizeof(out) - o, "...");
	out[o] = '\0';
	return out;
}

/*
 * Known findings, reported and not fixed yet, can be let through so that
 * a run still finds everything else: BPFAUDIT_FUZZ_ALLOW is a comma-
 * separated list of these names (run.sh passes its FUZZ_ALLOW default;
 * the targets run alone are strict):
 *   tty            the tty name is written raw, as the kernel does; a
 *                  hostile one could add fields. The BPF side copies it
 *                  from the kernel's tty_struct: a word like "pts0".
 *   saddr          format_socket() trusts saddr_len (the BPF side
 *                  clamps it to BA_SOCKADDR_MAX): a larger one reads past
 *                  the header.
 *   syscall-length a SYSCALL record carrying two paths (exe and the
 *                  kind's own: vma_file, target_exe, module_file) can
 *                  exceed the kernel's MAX_AUDIT_MESSAGE_LENGTH.
 *   field-chunks   the promise table takes up to max_chunks chunks for
 *                  every field, though only argv spans chunks on the BPF
 *                  side: a path or name of many chunks makes a record far
 *                  over the line limit (fuzz_promise checks the limit on
 *                  every event unless this is allowed).
 * Allowing a finding models the BPF side's guarantee in the input, or
 * skips that one check; nothing else.
 */
FC_FN bool fc_allowed(const char *name)
{
	static const char *list;
	size_t n = strlen(name);
	const char *p;

	if (!list) {
		list = getenv("BPFAUDIT_FUZZ_ALLOW");
		if (!list)
			list = "";
	}
	for (p = list; *p;) {
		size_t l = strcspn(p, ",");

		if (l == n && !memcmp(p, name, n))
			return true;
		p += l;
		if (*p == ',')
			p++;
	}
	return false;
}

/* A growable byte vector for decoded arguments. */
struct fc_bytes {
	char *p;
	size_t len, cap;
};

FC_FN void fc_bytes_add(struct fc_bytes *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			fc_fail("out of memory");
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Decimal, no sign; -1 when @s is not one. */
FC_FN long long fc_number(const char *s, size_t n)
{
	long long v = 0;
	size_t i;

	if (!n || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

FC_FN int fc_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum fc_value_kind { FC_VAL_NONE, FC_VAL_QUOTED, FC_VAL_HEX };

/*
 * Checks an untrusted string value (kernel audit's encoding) and appends
 * its decoded bytes to @dec when given. Returns which form it had.
 */
FC_FN enum fc_value_kind fc_untrusted(const char *what, const char *v,
				       size_t n, bool allow_null,
				       struct fc_bytes *dec)
{
	size_t i;

	if (allow_null && n == 6 && !memcmp(v, "(null)", 6))
		return FC_VAL_NONE;
	if (n >= 1 && v[0] == '"') {
		if (n < 2 || v[n - 1] != '"')
			fc_fail("%s: unterminated quoted value %s", what,
				fc_show(v, n));
		for (i = 1; i + 1 < n; i++) {
			unsigned char c = v[i];

			if (c == '"' || c < 0x21 || c > 0x7e)
				fc_fail("%s: byte 0x%02x inside quotes: %s",
					what, c, fc_show(v, n));
		}
		if (dec)
			fc_bytes_add(dec, v + 1, n - 2);
		return FC_VAL_QUOTED;
	}
	if (n % 2)
		fc_fail("%s: odd-length hex value %s", what, fc_show(v, n));
	for (i = 0; i < n; i += 2) {
		char chunk[256];
		size_t k;

		for (k = 0; k < sizeof(chunk) && i < n; k++, i += 2) {
			int hi = fc_hexval(v[i]), lo = fc_hexval(v[i + 1]);

			if (hi < 0 || lo < 0)
				fc_fail("%s: neither quoted nor uppercase hex: "
					"%s",
					what, fc_show(v, n));
			chunk[k] = (char)(hi << 4 | lo);
		}
		if (dec)
			fc_bytes_add(dec, chunk, k);
		i -= 2;
	}
	return FC_VAL_HEX;
}

/* A value that is neither quoted nor hex: numbers, flags, "(none)". */
FC_FN void fc_plain(const char *key, const char *v, size_t n)
{
	size_t i;

	if (!n)
		fc_fail("%s: empty value", key);
	for (i = 0; i < n; i++) {
		char c = v[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || c == '(' || c == ')' ||
		      c == ':' || c == '_' || c == '-' || c == '/' ||
		      c == '.'))
			fc_fail("%s: unexpected byte 0x%02x in plain value %s",
				key, (unsigned char)c, fc_show(v, n));
	}
}

/* One "key=value" token of a record line. */
struct fc_token {
	const char *key, *val;
	size_t klen, vlen;
};

FC_FN bool fc_key_is(const struct fc_token *t, const char *k)
{
	return t->klen == strlen(k) && !memcmp(t->key, k, t->klen);
}

/*
 * Splits a record body at single spaces into key=value tokens. A value
 * never holds a space: a string with one is hex-encoded.
 */
FC_FN size_t fc_tokens(const char *body, size_t len, struct fc_token *tok,
			size_t max, bool leading_space)
{
	size_t n = 0, pos = 0;

	if (leading_space) {
		/* EXECVE continuation records start with " aN..." */
		if (pos < len && body[pos] == ' ')
			pos++;
	}
	while (pos < len) {
		const char *s = body + pos, *eq, *sp;
		size_t tl;

		sp = memchr(s, ' ', len - pos);
		tl = sp ? (size_t)(sp - s) : len - pos;
		eq = memchr(s, '=', tl);
		if (!eq || eq == s)
			fc_fail("token without key=value: %s", fc_show(s, tl));
		if (n == max)
			fc_fail("more than %zu fields in one record", max);
		tok[n].key = s;
		tok[n].klen = eq - s;
		tok[n].val = eq + 1;
		tok[n].vlen = tl - (eq + 1 - s);
		n++;
		pos += tl;
		if (sp) {
			pos++;
			if (pos >= len)
				fc_fail("record ends with a space");
		}
	}
	return n;
}

/*
 * Matches tokens against a key list; a key starting with '?' is optional.
 * Returns how many tokens were matched; unless @rest, every token must be.
 */
FC_FN size_t fc_expect_keys(const char *type, const struct fc_token *tok,
			    size_t n, const char *const *keys, bool rest)
{
	size_t t = 0, k;

	for (k = 0; keys[k]; k++) {
		const char *key = keys[k];
		bool opt = key[0] == '?';

		if (opt)
			key++;
		if (t < n && fc_key_is(&tok[t], key))
			t++;
		else if (!opt)
			fc_fail("%s: expected field %s, found %s", type, key,
				t < n ? fc_show(tok[t].key, tok[t].klen) :
					"end of record");
	}
	if (t != n && !rest)
		fc_fail("%s: unexpected field %s", type,
			fc_show(tok[t].key, tok[t].klen));
	return t;
}

/* No key twice in one record: a forged field would repeat one. */
FC_FN void fc_unique_keys(const char *type, const struct fc_token *tok,
			  size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (tok[i].klen == tok[j].klen &&
			    !memcmp(tok[i].key, tok[j].key, tok[i].klen))
				fc_fail("%s: field %s twice", type,
					fc_show(tok[i].key, tok[i].klen));
}

/*
 * Keys whose values are untrusted strings in kernel audit's encoding
 * (quoted, hex or "(null)", never raw). A key not listed here may still
 * hold a quoted string; it is checked as one.
 */
FC_VAR const char *const fc_string_keys[] = {
	"comm", "exe", "name", "cwd", "proctitle", "prog_name", "vma_file",
	"target_exe", "ocomm", "module_name", "module_file", NULL
};

/* Checks any value by its key: strings encoded, the rest plain. */
FC_FN void fc_value(const char *type, const struct fc_token *t)
{
	char what[64];
	size_t i;

	snprintf(what, sizeof(what), "%s %.*s", type, (int)(t->klen > 40 ?
							    40 : t->klen),
		 t->key);
	for (i = 0; fc_string_keys[i]; i++)
		if (fc_key_is(t, fc_string_keys[i])) {
			fc_untrusted(what, t->val, t->vlen, true, NULL);
			return;
		}
	if (fc_key_is(t, "saddr")) {
		if (fc_untrusted(what, t->val, t->vlen, false, NULL) !=
		    FC_VAL_HEX)
			fc_fail("%s: not hex", what);
#ifdef BA_SOCKADDR_MAX
		/* the sockaddr the BPF side can hold, no more */
		if (t->vlen > 2 * BA_SOCKADDR_MAX)
			fc_fail("%s: %zu bytes from a %d-byte sockaddr", what,
				t->vlen / 2, BA_SOCKADDR_MAX);
#endif
		return;
	}
	if (t->vlen && t->val[0] == '"')
		fc_untrusted(what, t->val, t->vlen, false, NULL);
	else
		fc_plain(what, t->val, t->vlen);
}

/* The SYSCALL fields every kind writes, in order, up to the extras. */
FC_VAR const char *const fc_syscall_keys[] = {
	"arch", "syscall", "success", "exit", "a0", "a1", "a2", "a3",
	"items", "ppid", "pid", "auid", "uid", "gid", "euid", "suid",
	"fsuid", "egid", "sgid", "fsgid", "tty", "ses", "comm", "exe", "key",
	"cgroup_id", "mntns", "pidns", "?exe_inode", "?exe_dev", NULL
};
/* ... and after the kind's extras. */
FC_VAR const char *const fc_syscall_tail[] = {
	"?path_truncated", "?read_fault", "?partial", "?missing_chunks", NULL
};
FC_VAR const char *const fc_exec_extras[] = { "argv_truncated", NULL };
FC_VAR const char *const fc_path_keys[] = {
	"item", "name", "?inode", "?dev", "?mode", "?ouid", "?ogid", "?rdev",
	"nametype", "cap_fp", "cap_fi", "cap_fe", "cap_fver", "cap_frootid",
	NULL
};

/* Returns the items= value. */
FC_FN long long fc_check_syscall(const struct fc_token *tok, size_t n,
				 int kind)
{
	long long items = -1;
	size_t i, t;

	t = fc_expect_keys("SYSCALL", tok, n, fc_syscall_keys, true);
	if (kind == BA_KIND_EXEC)
		t += fc_expect_keys("SYSCALL", tok + t, n - t, fc_exec_extras,
				    true);
	else
		/* another kind's extras: whatever comes before the tail */
		while (t < n && !fc_key_is(&tok[t], "path_truncated") &&
		       !fc_key_is(&tok[t], "read_fault") &&
		       !fc_key_is(&tok[t], "partial") &&
		       !fc_key_is(&tok[t], "missing_chunks"))
			t++;
	fc_expect_keys("SYSCALL", tok + t, n - t, fc_syscall_tail, false);
	fc_unique_keys("SYSCALL", tok, n);
	for (i = 0; i < n; i++) {
		fc_value("SYSCALL", &tok[i]);
		/* the exe_inode/exe_dev and partial/missing_chunks pairs */
		if (fc_key_is(&tok[i], "exe_inode") &&
		    (i + 1 >= n || !fc_key_is(&tok[i + 1], "exe_dev")))
			fc_fail("SYSCALL: exe_inode without exe_dev");
		if (fc_key_is(&tok[i], "partial") &&
		    (i + 1 >= n || !fc_key_is(&tok[i + 1], "missing_chunks")))
			fc_fail("SYSCALL: partial without missing_chunks");
		if (fc_key_is(&tok[i], "items"))
			items = fc_number(tok[i].val, tok[i].vlen);
	}
	return items;
}

FC_FN void fc_check_path(const struct fc_token *tok, size_t n)
{
	size_t i;

	fc_expect_keys("PATH", tok, n, fc_path_keys, false);
	for (i = 0; i < n; i++)
		fc_value("PATH", &tok[i]);
	/* inode..rdev come all together or not at all */
	if (n != 8 && n != 14)
		fc_fail("PATH: %zu fields", n);
}

/*
 * Arguments, decoded from a run of EXECVE records or split from a capture:
 * all bytes in one buffer, argument i ending at end[i] (few allocations:
 * an argv of 40000 empty arguments is a normal input).
 */
struct fc_args {
	struct fc_bytes data;
	size_t *end;
	size_t n, cap;
	unsigned long argc;
	bool have_argc;
};

FC_FN void fc_args_free(struct fc_args *a)
{
	free(a->data.p);
	free(a->end);
	memset(a, 0, sizeof(*a));
}

/* Starts argument a->n; what is added to a->data goes into it. */
FC_FN struct fc_bytes *fc_args_new(struct fc_args *a)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->end = realloc(a->end, a->cap * sizeof(*a->end));
		if (!a->end)
			fc_fail("out of memory");
	}
	if (!a->data.p)
		fc_bytes_add(&a->data, "", 0);
	a->end[a->n++] = a->data.len;
	return &a->data;
}

/* Closes the last argument at the end of the data. */
FC_FN void fc_args_sync(struct fc_args *a)
{
	if (a->n)
		a->end[a->n - 1] = a->data.len;
}

FC_FN const char *fc_arg(const struct fc_args *a, size_t i, size_t *len)
{
	size_t start = i ? a->end[i - 1] : 0;

	*len = a->end[i] - start;
	return a->data.p + start;
}

/*
 * State across the EXECVE records of one event: which argument comes
 * next, and whether the current one is being written in pieces.
 */
struct fc_execve_state {
	unsigned long next_arg;	/* index of the next complete argument */
	bool in_pieces;		/* aN_len= seen, aN[i]= pieces follow */
	unsigned long piece;	/* next expected piece index */
	long long len_full;	/* the aN_len= value */
	enum fc_value_kind piece_kind;
};

FC_FN void fc_execve_close_pieces(struct fc_execve_state *x,
				   struct fc_args *a)
{
	size_t len;

	if (!x->in_pieces)
		return;
	if (!x->piece)
		fc_fail("EXECVE: a%lu_len without pieces", x->next_arg);
	fc_arg(a, a->n - 1, &len);
	/* aN_len is the length as written: doubled when hex. Arguments
	 * longer than MAX_ARG_STRLEN carry the kernel's clamped value. */
	if (len < MAX_ARG_STRLEN - 1) {
		long long want = x->piece_kind == FC_VAL_HEX ?
					 2 * (long long)len :
					 (long long)len;

		if (x->len_full != want)
			fc_fail("EXECVE: a%lu_len=%lld but its pieces hold "
				"%zu bytes (%s)",
				x->next_arg, x->len_full, len,
				x->piece_kind == FC_VAL_HEX ? "hex" : "quoted");
	}
	x->in_pieces = false;
	x->next_arg++;
}

FC_FN void fc_check_execve(const struct fc_token *tok, size_t n,
			    bool first, struct fc_execve_state *x,
			    struct fc_args *a)
{
	size_t i = 0;

	if (first) {
		long long argc;

		if (!n || !fc_key_is(&tok[0], "argc"))
			fc_fail("EXECVE: first field is not argc");
		argc = fc_number(tok[0].val, tok[0].vlen);
		if (argc < 0)
			fc_fail("EXECVE: bad argc %s",
				fc_show(tok[0].val, tok[0].vlen));
		a->argc = argc;
		a->have_argc = true;
		i = 1;
	} else if (!n) {
		fc_fail("EXECVE: continuation record without arguments");
	}
	for (; i < n; i++) {
		const struct fc_token *t = &tok[i];
		const char *k = t->key;
		size_t kl = t->klen, d = 1;
		unsigned long idx = 0;

		if (kl < 2 || k[0] != 'a')
			fc_fail("EXECVE: unexpected field %s", fc_show(k, kl));
		while (d < kl && k[d] >= '0' && k[d] <= '9') {
			idx = idx * 10 + (k[d] - '0');
			if (idx > 100000000ul)
				fc_fail("EXECVE: absurd index");
			d++;
		}
		if (d == 1 || (k[1] == '0' && d > 2))
			fc_fail("EXECVE: bad argument key %s", fc_show(k, kl));
		if (d == kl) {
			/* aN=value: a whole argument */
			fc_execve_close_pieces(x, a);
			if (idx != x->next_arg)
				fc_fail("EXECVE: a%lu where a%lu was due", idx,
					x->next_arg);
			fc_untrusted("EXECVE argument", t->val, t->vlen, false,
				     fc_args_new(a));
			fc_args_sync(a);
			x->next_arg++;
		} else if (kl - d == 4 && !memcmp(k + d, "_len", 4)) {
			fc_execve_close_pieces(x, a);
			if (idx != x->next_arg)
				fc_fail("EXECVE: a%lu_len where a%lu was due",
					idx, x->next_arg);
			x->len_full = fc_number(t->val, t->vlen);
			if (x->len_full < 0)
				fc_fail("EXECVE: bad a%lu_len", idx);
			x->in_pieces = true;
			x->piece = 0;
			fc_args_new(a);
		} else if (k[d] == '[' && k[kl - 1] == ']') {
			long long p = fc_number(k + d + 1, kl - d - 2);
			enum fc_value_kind vk;

			if (!x->in_pieces || idx != x->next_arg ||
			    p != (long long)x->piece)
				fc_fail("EXECVE: piece %s out of order",
					fc_show(k, kl));
			vk = fc_untrusted("EXECVE piece", t->val, t->vlen,
					  false, &a->data);
			fc_args_sync(a);
			if (x->piece && vk != x->piece_kind)
				fc_fail("EXECVE: a%lu mixes hex and quoted "
					"pieces", idx);
			x->piece_kind = vk;
			x->piece++;
		} else {
			fc_fail("EXECVE: unexpected field %s", fc_show(k, kl));
		}
	}
}

/* The arguments format_execve() must log for a capture and an argc. */
FC_FN void fc_expected_args(const char *argv, size_t len, unsigned long argc,
			     struct fc_args *a)
{
	size_t pos = 0;
	unsigned long i;

	memset(a, 0, sizeof(*a));
	a->argc = argc;
	for (i = 0; i < argc && pos < len; i++) {
		const char *nul = memchr(argv + pos, '\0', len - pos);
		size_t n = nul ? (size_t)(nul - (argv + pos)) : len - pos;

		fc_bytes_add(fc_args_new(a), argv + pos, n);
		fc_args_sync(a);
		pos += n + 1;
	}
}

FC_FN void fc_compare_args(const struct fc_args *got,
			    const struct fc_args *want)
{
	size_t i;

	if (!got->have_argc)
		fc_fail("EXECVE: no argc");
	if (got->argc != want->argc)
		fc_fail("EXECVE: argc=%lu, want %lu", got->argc, want->argc);
	if (got->n != want->n)
		fc_fail("EXECVE: %zu arguments logged, %zu captured", got->n,
			want->n);
	for (i = 0; i < got->n; i++) {
		size_t gl, wl;
		const char *g = fc_arg(got, i, &gl), *w = fc_arg(want, i, &wl);

		if (gl != wl || memcmp(g, w, gl))
			fc_fail("EXECVE: a%zu decodes to %s (%zu bytes), "
				"captured %zu bytes",
				i, fc_show(g, gl), gl, wl);
	}
}

enum fc_rec {
	FC_SYSCALL,
	FC_EXECVE,
	FC_CWD,
	FC_PATH,
	FC_PROCTITLE,
	FC_OTHER,	/* a kind's own: MMAP, SOCKADDR, BPF, CAPSET, ... */
	FC_NREC
};

FC_VAR const char *const fc_rec_names[FC_OTHER] = {
	"SYSCALL", "EXECVE", "CWD", "PATH", "PROCTITLE"
};

/* What the checker found, for the targets' own cross-checks. */
struct fc_result {
	int lines;
	int count[FC_NREC];
	long long items;	/* SYSCALL's items= */
	size_t longest;
	struct fc_args args;	/* decoded from the EXECVE records */
};

/*
 * Checks one event's record set, from an event of @kind. @maxline bounds
 * every line (0: no bound).
 */
FC_FN void fc_check_records(const char *buf, size_t len,
			    const struct audit_stamp *st, size_t maxline,
			    int kind, struct fc_result *res)
{
	struct fc_execve_state x;
	char stamp[128];
	size_t pos = 0, stamp_len;
	int last = -1;
	const size_t maxtok = 8192;
	/* kept across calls: a fresh 256 KiB per call costs ASan dearly */
	static struct fc_token *tok;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	if (!len)
		return;
	if (buf[len - 1] != '\n')
		fc_fail("output does not end with a newline");
	if (strlen(buf) != len)
		fc_fail("output holds a NUL byte");
	stamp_len = snprintf(stamp, sizeof(stamp),
			     " msg=audit(%llu.%03u:%llu): ",
			     (unsigned long long)st->sec, st->msec,
			     (unsigned long long)st->serial);
	if (!tok)
		tok = malloc(maxtok * sizeof(*tok));
	if (!tok)
		fc_fail("out of memory");
	while (pos < len) {
		const char *line = buf + pos, *nl, *sp, *body;
		size_t ll, i, tl, bl, n;
		int r;

		nl = memchr(line, '\n', len - pos);
		ll = nl - line;
		pos += ll + 1;
		res->lines++;
		if (ll > res->longest)
			res->longest = ll;
		if (maxline && ll > maxline &&
		    !(kind != BA_KIND_EXEC && fc_allowed("syscall-length") &&
		      !memcmp(line, "type=SYSCALL ", 13)))
			fc_fail("a %zu-byte record, longer than %zu: %s", ll,
				maxline, fc_show(line, ll));
		for (i = 0; i < ll; i++) {
			unsigned char c = line[i];

			if (c < 0x20 || c > 0x7e)
				fc_fail("byte 0x%02x at offset %zu of a record: "
					"%s",
					c, i, fc_show(line, ll));
		}
		if (ll < 5 || memcmp(line, "type=", 5))
			fc_fail("record does not start with type=: %s",
				fc_show(line, ll));
		sp = memchr(line, ' ', ll);
		if (!sp)
			fc_fail("record without a stamp: %s", fc_show(line, ll));
		tl = sp - (line + 5);
		if (!tl)
			fc_fail("record without a type: %s", fc_show(line, ll));
		for (i = 5; i < 5 + tl; i++)
			if (!((line[i] >= 'A' && line[i] <= 'Z') ||
			      line[i] == '_'))
				fc_fail("bad record type: %s", fc_show(line, ll));
		for (r = 0; r < FC_OTHER; r++)
			if (strlen(fc_rec_names[r]) == tl &&
			    !memcmp(line + 5, fc_rec_names[r], tl))
				break;
		if ((size_t)(line + ll - sp) < stamp_len ||
		    memcmp(sp, stamp, stamp_len))
			fc_fail("record without the stamp%s: %s", stamp,
				fc_show(line, ll));
		if (kind == BA_KIND_EXEC) {
			/* SYSCALL, EXECVE..., CWD, PATH..., PROCTITLE */
			if (r == FC_OTHER || r < last ||
			    (r == last && r != FC_EXECVE && r != FC_PATH) ||
			    (last == -1 && r != FC_SYSCALL))
				fc_fail("%.*s record after %s", (int)tl,
					line + 5,
					last < 0 ? "nothing" :
						   fc_rec_names[last]);
		} else {
			/* the kind's own records around one SYSCALL; CWD
			 * before PATH; PROCTITLE closes */
			if (last == FC_PROCTITLE ||
			    (r == FC_SYSCALL && res->count[FC_SYSCALL]) ||
			    r == FC_EXECVE ||
			    (r == FC_PATH && !res->count[FC_CWD]) ||
			    (r == FC_CWD && res->count[FC_CWD]) ||
			    (r != FC_SYSCALL && r != FC_OTHER &&
			     !res->count[FC_SYSCALL]))
				fc_fail("%.*s record after %s", (int)tl,
					line + 5,
					last < 0 ? "nothing" :
					last == FC_OTHER ? "another" :
							   fc_rec_names[last]);
		}
		body = sp + stamp_len;
		bl = line + ll - body;
		n = fc_tokens(body, bl, tok, maxtok,
			      r == FC_EXECVE && res->count[FC_EXECVE] > 0);
		switch (r) {
		case FC_SYSCALL:
			res->items = fc_check_syscall(tok, n, kind);
			break;
		case FC_EXECVE:
			fc_check_execve(tok, n, res->count[FC_EXECVE] == 0, &x,
					&res->args);
			break;
		case FC_CWD:
			if (n != 1 || !fc_key_is(&tok[0], "cwd"))
				fc_fail("CWD: bad fields: %s", fc_show(line, ll));
			fc_value("CWD", &tok[0]);
			break;
		case FC_PATH:
			fc_check_path(tok, n);
			break;
		case FC_PROCTITLE:
			if (n != 1 || !fc_key_is(&tok[0], "proctitle"))
				fc_fail("PROCTITLE: bad fields: %s",
					fc_show(line, ll));
			fc_value("PROCTITLE", &tok[0]);
			break;
		default:
			if (!n)
				fc_fail("a record without fields: %s",
					fc_show(line, ll));
			fc_unique_keys("record", tok, n);
			for (i = 0; i < n; i++)
				fc_value("record", &tok[i]);
			break;
		}
		res->count[r]++;
		last = r;
	}
	fc_execve_close_pieces(&x, &res->args);
	if (last != FC_PROCTITLE)
		fc_fail("the record set does not end with PROCTITLE");
	if (res->count[FC_SYSCALL] != 1)
		fc_fail("%d SYSCALL records", res->count[FC_SYSCALL]);
	if (kind == BA_KIND_EXEC && res->count[FC_CWD] != 1)
		fc_fail("%d CWD records", res->count[FC_CWD]);
	if (res->items != res->count[FC_PATH])
		fc_fail("SYSCALL says items=%lld, %d PATH records follow",
			res->items, res->count[FC_PATH]);
}

/*
 * Checks the output of format_execve() alone: EXECVE records only, and
 * the arguments decode back to the capture.
 */
FC_FN void fc_check_execve_only(const char *buf, size_t len,
				 const struct audit_stamp *st,
				 const char *argv, size_t argv_len,
				 unsigned int argc, int records)
{
	static struct strbuf sb;	/* kept: cheaper under ASan */
	struct fc_result res;
	struct fc_args want;
	char *nl;

	/* Wrap it into a minimal record set so one checker does both. */
	strbuf_reset(&sb);
	format_record_start(&sb, "SYSCALL", st);
	strbuf_adds(&sb, "arch=c000003e syscall=59 success=yes exit=0 a0=0 "
			 "a1=0 a2=0 a3=0 items=0 ppid=1 pid=1 auid=0 uid=0 "
			 "gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 "
			 "tty=(none) ses=0 comm=\"x\" exe=(null) key=(null) "
			 "cgroup_id=0 mntns=0 pidns=0 argv_truncated=no\n");
	strbuf_add(&sb, buf, len);
	format_record_start(&sb, "CWD", st);
	strbuf_adds(&sb, "cwd=\"/\"\n");
	format_record_start(&sb, "PROCTITLE", st);
	strbuf_adds(&sb, "proctitle=\"x\"\n");
	if (sb.failed)
		fc_fail("out of memory");
	nl = memchr(buf, '\n', len);
	if (!nl)
		fc_fail("format_execve wrote no line");
	fc_check_records(sb.buf, sb.len, st, FC_MAX_AUDIT_MESSAGE_LENGTH,
			 BA_KIND_EXEC, &res);
	if (res.count[FC_EXECVE] != records)
		fc_fail("format_execve returned %d, wrote %d records", records,
			res.count[FC_EXECVE]);
	fc_expected_args(argv, argv_len, argc, &want);
	fc_compare_args(&res.args, &want);
	fc_args_free(&want);
	fc_args_free(&res.args);
}

/* Lines in a buffer. */
FC_FN int fc_count_lines(const char *buf, size_t len)
{
	int n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n;
}

/*
 * Whether every field is within what the BPF side can capture: argv spans
 * chunks (EXECVE splits it), every other field is one chunk, and strings
 * read with bpf_probe_read_*_str lose their NUL. Only then does the
 * kernel's line limit apply.
 */
FC_FN bool fc_fields_within_capture(const struct ba_event *ev)
{
	int f;

	for (f = 0; f < BA_FIELD_MAX; f++) {
		size_t lim = BA_CHUNK_DATA;

		if (f == BA_FIELD_ARGV)
			continue;
		if (f == BA_FIELD_FILENAME || f == BA_FIELD_INTERP ||
		    f == BA_FIELD_ELF_INTERP)
			lim = BA_NAME_MAX - 1;
		if (ev->field[f].present && ev->field[f].len > lim)
			return false;
	}
	return true;
}

/* What the BPF side guarantees about a header, for allowed findings. */
FC_FN void fc_model_header(struct ba_header *h)
{
	size_t i;

	if (fc_allowed("tty"))
		for (i = 0; i < sizeof(h->task.tty); i++) {
			unsigned char c = h->task.tty[i];

			if (!c)
				break;
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '/'))
				h->task.tty[i] =
					"abcdefghijklmnopqrstuvwxyz0123456789/"
						[c % 37];
		}
	if (fc_allowed("saddr") && h->x.sock.saddr_len > BA_SOCKADDR_MAX)
		h->x.sock.saddr_len = BA_SOCKADDR_MAX;
}

/*
 * Formats @ev as the daemon does and checks the records: every invariant
 * above, the count format_event() returns, EXECVE presence and arguments
 * for an exec, the partial marker. @out is scratch space. The line limit
 * holds for events within what the BPF side captures, and for any event
 * when @any_fields_bounded (what reaches the formatter from the promise
 * table should never be larger).
 */
FC_FN void fc_check_event(const struct ba_event *ev,
			  const struct audit_stamp *st, struct strbuf *out,
			  bool any_fields_bounded)
{
	const struct ba_header *h = &ev->hdr;
	const struct ba_field_data *argv = &ev->field[BA_FIELD_ARGV];
	struct fc_result res;
	bool image, marker;
	int n;

	strbuf_reset(out);
	n = format_event(ev, st, out);
	if (out->failed)
		fc_fail("out of memory formatting");
	/* BPFAUDIT_FUZZ_DUMP=1: show what a reproducer formats */
	if (getenv("BPFAUDIT_FUZZ_DUMP") && out->len) {
		fprintf(stderr, "--- kind %u partial=%s missing=%u:\n",
			h->kind, partial_reason_name(ev->partial),
			ev->chunks_missing);
		fwrite(out->buf, 1, out->len, stderr);
	}
	if (!ev->have_header || h->kind == 0 || h->kind >= BA_KIND_MAX) {
		if (n || out->len)
			fc_fail("%d records for an event without header or "
				"of no known kind (%u)",
				n, h->kind);
		return;
	}
	if (n <= 0 || n != fc_count_lines(out->buf, out->len))
		fc_fail("format_event returned %d for %d lines", n,
			fc_count_lines(out->buf, out->len));
	fc_check_records(out->buf, out->len, st,
			 any_fields_bounded || fc_fields_within_capture(ev) ?
				 FC_MAX_AUDIT_MESSAGE_LENGTH :
				 0,
			 h->kind, &res);
	/* The partial marker says why, whenever the event is partial. */
	marker = strstr(out->buf, " partial=") != NULL;
	if ((ev->partial != PARTIAL_NONE) != marker)
		fc_fail("partial=%d but the marker is %s", ev->partial,
			marker ? "there" : "missing");
	if (h->kind != BA_KIND_EXEC) {
		fc_args_free(&res.args);
		return;
	}
	image = (h->flags & BA_HDR_EXEC_SEEN) &&
		!(h->ret < 0 && h->ret >= -4095);
	if ((res.count[FC_EXECVE] > 0) != (image && argv->present))
		fc_fail("%d EXECVE records for image=%d argv=%d",
			res.count[FC_EXECVE], image, argv->present);
	if (res.count[FC_EXECVE]) {
		struct fc_args want;

		fc_expected_args(argv->data, argv->len, h->argc, &want);
		fc_compare_args(&res.args, &want);
		fc_args_free(&want);
	}
	fc_args_free(&res.args);
}

#endif /* BPFAUDIT_FUZZ_CHECK_H */
