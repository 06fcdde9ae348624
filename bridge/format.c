// SPDX-License-Identifier: GPL-2.0
/*
 * The record formatter: a pure function from a reassembled event to the
 * record set kernel audit writes for that syscall, byte for byte, plus
 * bpfaudit's extra fields after the standard ones. No I/O here.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "encode.h"
#include "format.h"

/* The non-argument part of one EXECVE argument, as the kernel sizes it. */
#define EXECVE_ABUF 96

/* The formatter's hot paths build numbers without printf: every exec
 * writes some sixty of them. */
void format_field_u(struct strbuf *out, const char *name,
		    unsigned long long v)
{
	strbuf_adds(out, name);
	strbuf_add_u64(out, v);
}

/* A kernel dev_t as "%02x:%02x". */
void format_dev(struct strbuf *out, __u32 dev)
{
	strbuf_add_hex(out, MAJOR(dev), 2);
	strbuf_addc(out, ':');
	strbuf_add_hex(out, MINOR(dev), 2);
}

void format_record_start(struct strbuf *out, const char *type,
			 const struct audit_stamp *st)
{
	strbuf_adds(out, "type=");
	strbuf_adds(out, type);
	format_field_u(out, " msg=audit(", st->sec);
	/* "%03u" */
	strbuf_adds(out, st->msec < 10 ? ".00" : st->msec < 100 ? ".0" : ".");
	strbuf_add_u64(out, st->msec);
	format_field_u(out, ":", st->serial);
	strbuf_adds(out, "): ");
}

void format_record_end(struct strbuf *out)
{
	strbuf_addc(out, '\n');
}

void format_join_path(struct strbuf *out, const char *comps, size_t len)
{
	size_t end = len, start;

	if (len && comps[len - 1] == '\0')
		end--;
	if (!end) {
		strbuf_addc(out, '/');
		return;
	}
	/* Components are leaf first: emit them last to first. */
	while (end > 0) {
		start = end;
		while (start > 0 && comps[start - 1] != '\0')
			start--;
		strbuf_addc(out, '/');
		strbuf_add(out, comps + start, end - start);
		end = start ? start - 1 : 0;
	}
}

const struct ba_field_data *format_field(const struct ba_event *ev,
					 enum ba_field f)
{
	const struct ba_field_data *d = &ev->field[f];

	return d->present ? d : NULL;
}

/* Appends the prefix and the path in the kernel's encoding, or "(null)". */
void format_path_field(struct strbuf *out, const char *prefix,
		       const struct ba_field_data *comps)
{
	struct strbuf path;

	strbuf_adds(out, prefix);
	if (!comps) {
		strbuf_adds(out, "(null)");
		return;
	}
	strbuf_init(&path);
	format_join_path(&path, comps->data, comps->len);
	if (path.failed)
		out->failed = true;
	else
		audit_add_untrusted(out, path.buf, path.len);
	strbuf_free(&path);
}

/* The kernel could not read some captured memory (bytes are zero). */
static bool read_faulted(const struct ba_event *ev)
{
	int f;

	for (f = 0; f < BA_FIELD_MAX; f++)
		if (ev->field[f].present && (ev->field[f].flags & BA_CHUNK_FAULT))
			return true;
	return false;
}

/* Bytes of the record being formatted, from the last line start. */
static size_t current_line_len(const struct strbuf *out)
{
	size_t i = out->len;

	while (i > 0 && out->buf[i - 1] != '\n')
		i--;
	return out->len - i;
}

/*
 * A second path on a SYSCALL record (vma_file, target_exe, module_file):
 * two long paths would pass the line length ausearch reads, so this one
 * keeps only as much of its tail as fits and says path_truncated=yes.
 */
void format_extra_path(const struct ba_event *ev, struct strbuf *out,
		       const char *prefix, enum ba_field f)
{
	const struct ba_field_data *comps = format_field(ev, f);
	size_t used = current_line_len(out) + strlen(prefix);
	size_t budget, keep;
	struct strbuf path;

	if (!comps) {
		format_path_field(out, prefix, comps);
		return;
	}
	/* no room at all (the first path took it): an empty tail, "" */
	budget = used + EXTRA_RESERVE < MAX_RECORD_LINE ?
		 MAX_RECORD_LINE - EXTRA_RESERVE - used : 0;
	strbuf_init(&path);
	format_join_path(&path, comps->data, comps->len);
	if (path.failed) {
		out->failed = true;
		goto out;
	}
	if (audit_needs_hex(path.buf, path.len))
		keep = budget / 2;
	else
		keep = budget > 2 ? budget - 2 : 0;
	strbuf_adds(out, prefix);
	if (path.len <= keep) {
		audit_add_untrusted(out, path.buf, path.len);
		goto out;
	}
	audit_add_untrusted(out, path.buf + path.len - keep, keep);
	if (!(ev->hdr.flags & BA_HDR_PATH_TRUNC))
		strbuf_adds(out, " path_truncated=yes");
out:
	strbuf_free(&path);
}

bool format_syscall_failed(long long ret)
{
	return ret < 0 && ret >= -4095;
}

struct path_item {
	const struct ba_field_data *name;
	const struct ba_file *file;
};

static int exec_path_items(const struct ba_event *ev, struct path_item *it)
{
	const struct ba_header *h = &ev->hdr;
	const struct ba_file *named = ev->script.valid ? &ev->script : NULL;
	int n = 0;

	if (!(h->flags & BA_HDR_EXEC_SEEN)) {
		it[n++] = (struct path_item){ format_field(ev, BA_FIELD_FILENAME),
					      named };
		return n;
	}
	if (h->flags & BA_HDR_SCRIPT) {
		it[n++] = (struct path_item){ format_field(ev, BA_FIELD_FILENAME),
					      named };
		it[n++] = (struct path_item){ format_field(ev, BA_FIELD_INTERP),
					      &h->bin };
	} else {
		it[n++] = (struct path_item){ format_field(ev, BA_FIELD_FILENAME),
					      &h->bin };
	}
	if (h->elf_interp.valid)
		it[n++] = (struct path_item){ format_field(ev, BA_FIELD_ELF_INTERP),
					      &h->elf_interp };
	return n;
}

/* The kernel writes the tty's name as is; it is a driver's device name.
 * Anything else (the header is not trusted) is written as (none). */
static const char *tty_name(const struct ba_task *t)
{
	size_t i, n = strnlen(t->tty, sizeof(t->tty));

	if (!n || n == sizeof(t->tty))
		return "(none)";
	for (i = 0; i < n; i++) {
		unsigned char c = t->tty[i];

		if (!isalnum(c) && c != '/' && c != '.' && c != '_' &&
		    c != '-')
			return "(none)";
	}
	return t->tty;
}

void format_syscall(const struct ba_event *ev, int items,
		    const struct audit_stamp *st, struct strbuf *out,
		    format_extras_fn extras)
{
	const struct ba_header *h = &ev->hdr;
	const struct ba_task *t = &h->task;
	size_t comm_len = strnlen(t->comm, sizeof(t->comm));

	format_record_start(out, "SYSCALL", st);
	strbuf_adds(out, "arch=");
	strbuf_add_hex(out, h->arch, 1);
	format_field_u(out, " syscall=", h->syscall);
	strbuf_adds(out, format_syscall_failed(h->ret) ? " success=no" :
							 " success=yes");
	strbuf_adds(out, " exit=");
	strbuf_add_s64(out, h->ret);
	for (int i = 0; i < 4; i++) {
		static const char *const name[] = { " a0=", " a1=", " a2=",
						    " a3=" };

		strbuf_adds(out, name[i]);
		strbuf_add_hex(out, h->args[i], 1);
	}
	strbuf_adds(out, " items=");
	strbuf_add_s64(out, items);
	format_field_u(out, " ppid=", t->ppid);
	format_field_u(out, " pid=", t->pid);
	format_field_u(out, " auid=", t->auid);
	format_field_u(out, " uid=", t->uid);
	format_field_u(out, " gid=", t->gid);
	format_field_u(out, " euid=", t->euid);
	format_field_u(out, " suid=", t->suid);
	format_field_u(out, " fsuid=", t->fsuid);
	format_field_u(out, " egid=", t->egid);
	format_field_u(out, " sgid=", t->sgid);
	format_field_u(out, " fsgid=", t->fsgid);
	/* tty_name() is NUL-terminated within BA_TTY_LEN */
	strbuf_adds(out, " tty=");
	strbuf_adds(out, tty_name(t));
	format_field_u(out, " ses=", t->ses);
	strbuf_adds(out, " comm=");
	audit_add_untrusted(out, t->comm, comm_len);
	format_path_field(out, " exe=", format_field(ev, BA_FIELD_EXE));
	/* audit_log_key(): keys joined by \001 come out in hex */
	strbuf_adds(out, " key=");
	if (ev->key)
		audit_add_untrusted(out, ev->key, strlen(ev->key));
	else
		strbuf_adds(out, "(null)");
	/* bpfaudit's own fields: always after the kernel's. */
	format_field_u(out, " cgroup_id=", t->cgroup_id);
	format_field_u(out, " mntns=", t->mnt_ns);
	format_field_u(out, " pidns=", t->pid_ns);
	if (h->exe.valid) {
		format_field_u(out, " exe_inode=", h->exe.ino);
		strbuf_adds(out, " exe_dev=");
		format_dev(out, h->exe.dev);
	}
	if (extras)
		extras(ev, out);
	if (h->flags & BA_HDR_PATH_TRUNC)
		strbuf_adds(out, " path_truncated=yes");
	if (read_faulted(ev))
		strbuf_adds(out, " read_fault=yes");
	if (ev->partial != PARTIAL_NONE)
		strbuf_printf(out, " partial=%s missing_chunks=%u",
			      partial_reason_name(ev->partial),
			      ev->chunks_missing);
	format_record_end(out);
}

static void format_path(int item, const struct path_item *it,
			const struct audit_stamp *st, struct strbuf *out)
{
	if (it->name)
		format_path_record(item, it->name->data, it->name->len,
				   it->file, "NORMAL", st, out);
	else
		format_path_record(item, NULL, 0, it->file, "NORMAL", st, out);
}

/* "%#ho": octal with a leading 0, "0" for none. */
static void add_mode(struct strbuf *out, unsigned short mode)
{
	char d[8];
	int i = sizeof(d);

	while (mode) {
		d[--i] = '0' + (mode & 7);
		mode >>= 3;
	}
	d[--i] = '0';
	strbuf_add(out, d + i, sizeof(d) - i);
}

void format_path_record(int item, const char *name, size_t name_len,
			const struct ba_file *f, const char *nametype,
			const struct audit_stamp *st, struct strbuf *out)
{
	format_record_start(out, "PATH", st);
	strbuf_adds(out, "item=");
	strbuf_add_s64(out, item);
	strbuf_adds(out, " name=");
	if (name)
		audit_add_untrusted(out, name, name_len);
	else
		strbuf_adds(out, "(null)");
	if (f && f->valid) {
		format_field_u(out, " inode=", f->ino);
		strbuf_adds(out, " dev=");
		format_dev(out, f->dev);
		strbuf_adds(out, " mode=");
		add_mode(out, f->mode);
		format_field_u(out, " ouid=", f->uid);
		format_field_u(out, " ogid=", f->gid);
		strbuf_adds(out, " rdev=");
		format_dev(out, f->rdev);
		strbuf_adds(out, " nametype=");
		strbuf_adds(out, nametype);
	} else {
		strbuf_adds(out, " nametype=UNKNOWN");
	}
	strbuf_adds(out,
		    " cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0");
	format_record_end(out);
}

void format_parent_record(const struct ba_event *ev, int item,
			  const char *path, size_t len,
			  const struct ba_file *f, const struct audit_stamp *st,
			  struct strbuf *out)
{
	const struct ba_field_data *c = format_field(ev, BA_FIELD_CWD);
	struct strbuf cwd;
	size_t dir;

	for (dir = len; path && dir > 0 && path[dir - 1] != '/'; dir--)
		;
	if (!path || dir) {
		format_path_record(item, path, dir, f, "PARENT", st, out);
		return;
	}
	/* a bare name: the kernel names the directory by the cwd */
	strbuf_init(&cwd);
	if (c)
		format_join_path(&cwd, c->data, c->len);
	format_path_record(item, c ? cwd.buf : NULL, cwd.len, f, "PARENT", st,
			   out);
	strbuf_free(&cwd);
}

/* The kernel's isprint(): Latin-1's upper half counts as printable. */
static bool is_print(unsigned char c)
{
	return (c >= 0x20 && c <= 0x7e) || c >= 0xa0;
}

/* audit_proctitle_rtrim: drop trailing unprintable bytes. */
static size_t proctitle_trim(const char *s, size_t len)
{
	size_t end;

	if (!len)
		return 0;
	end = len - 1;
	while (end > 0 && !is_print(s[end]))
		end--;
	len = end + 1;
	if (!is_print(s[len - 1]))
		len--;
	return len;
}

void format_proctitle(const struct ba_field_data *src,
		      const struct audit_stamp *st, struct strbuf *out)
{
	size_t len = 0;

	format_record_start(out, "PROCTITLE", st);
	strbuf_adds(out, "proctitle=");
	if (src) {
		len = src->len < 128 ? src->len : 128;
		len = proctitle_trim(src->data, len);
	}
	/* the kernel's "(null)" goes through the same encoding: quoted */
	if (len)
		audit_add_untrusted(out, src->data, len);
	else
		audit_add_untrusted(out, "(null)", 6);
	format_record_end(out);
}

static void exec_extras(const struct ba_event *ev, struct strbuf *out)
{
	strbuf_adds(out, ev->hdr.flags & BA_HDR_ARGV_TRUNC ?
				 " argv_truncated=yes" : " argv_truncated=no");
}

static int format_exec(const struct ba_event *ev, const struct audit_stamp *st,
		       struct strbuf *out)
{
	const struct ba_header *h = &ev->hdr;
	const struct ba_field_data *argv = format_field(ev, BA_FIELD_ARGV);
	bool image = (h->flags & BA_HDR_EXEC_SEEN) && !format_syscall_failed(h->ret);
	struct path_item items[4];
	int nitems = exec_path_items(ev, items);
	int records = 0, i;

	format_syscall(ev, nitems, st, out, exec_extras);
	records++;
	if (image && argv)
		records += format_execve(out, st, argv->data, argv->len,
					 h->argc);
	format_record_start(out, "CWD", st);
	format_path_field(out, "cwd=", format_field(ev, BA_FIELD_CWD));
	format_record_end(out);
	records++;
	for (i = 0; i < nitems; i++, records++)
		format_path(i, &items[i], st, out);
	format_proctitle(image ? argv : format_field(ev, BA_FIELD_PROCTITLE), st,
			 out);
	return records + 1;
}

int format_event(const struct ba_event *ev, const struct audit_stamp *st,
		 struct strbuf *out)
{
	if (!ev->have_header)
		return 0;
	switch (ev->hdr.kind) {
	case BA_KIND_EXEC:
		return format_exec(ev, st, out);
	case BA_KIND_MMAP:
		return format_mmap(ev, st, out);
	case BA_KIND_SOCKET:
		return format_socket(ev, st, out);
	case BA_KIND_BPF:
		return format_bpf(ev, st, out);
	case BA_KIND_CRED:
		return format_cred(ev, st, out);
	case BA_KIND_PTRACE:
		return format_ptrace(ev, st, out);
	case BA_KIND_MODULE:
		return format_module(ev, st, out);
	case BA_KIND_WATCH:
		return format_watch(ev, st, out);
	default:
		return 0;
	}
}

/*
 * The EXECVE records, split exactly as audit_log_execve_info() splits them:
 * arguments are read in pieces of at most MAX_EXECVE_AUDIT_LEN bytes, a
 * record is closed when fewer than EXECVE_ABUF + 8 bytes are left in it,
 * and an argument that does not fit becomes aN_len= plus aN[i]= pieces.
 * Our "user memory" is the captured argv; reading past it ends the list.
 */
struct argv_reader {
	const char *mem;
	size_t len;
	size_t pos;
};

/* strnlen_user(): length including the NUL, bounded by what we have. */
static long argv_strnlen(const struct argv_reader *r, long max)
{
	size_t i;

	for (i = r->pos; i < r->len && (long)(i - r->pos) < max; i++)
		if (r->mem[i] == '\0')
			return i - r->pos + 1;
	return i - r->pos + 1;
}

/* strncpy_from_user(): bytes copied before a NUL, or count; -1 past the end. */
static long argv_strncpy(const struct argv_reader *r, char *dst, long count)
{
	long n = 0;

	if (r->pos >= r->len)
		return -1;
	while (n < count && r->pos + n < r->len && r->mem[r->pos + n]) {
		dst[n] = r->mem[r->pos + n];
		n++;
	}
	return n;
}

struct execve_state {
	struct strbuf *out;
	const struct audit_stamp *st;
	long len_rem;
	int records;
};

static void execve_new_record(struct execve_state *x)
{
	format_record_end(x->out);
	format_record_start(x->out, "EXECVE", x->st);
	x->len_rem = MAX_EXECVE_AUDIT_LEN;
	x->records++;
}

int format_execve(struct strbuf *out, const struct audit_stamp *st,
		  const char *argv, size_t len, unsigned int argc)
{
	char buf_head[MAX_EXECVE_AUDIT_LEN + 1];
	struct argv_reader r = { argv, len, 0 };
	struct execve_state x = { out, st, MAX_EXECVE_AUDIT_LEN, 1 };
	long len_full = 0, len_buf = 0, len_abuf = 0, len_tmp;
	bool require_data = true, encode = false;
	unsigned int iter = 0, arg = 0;
	char *buf = buf_head;
	struct strbuf abuf;	/* " aN=" and the like */

	strbuf_init(&abuf);
	format_record_start(out, "EXECVE", st);
	format_field_u(out, "argc=", argc);
	if (!argc)
		goto out;
	do {
		if (len_full == 0)
			len_full = argv_strnlen(&r, MAX_ARG_STRLEN) - 1;
		if (require_data) {
			if (buf != buf_head) {
				memmove(buf_head, buf, len_buf);
				buf = buf_head;
			}
			len_tmp = argv_strncpy(&r, &buf_head[len_buf],
					       MAX_EXECVE_AUDIT_LEN - len_buf);
			if (len_tmp < 0) {
				/* the capture ends inside this argument */
				if (len_buf == 0)
					goto out;
				len_tmp = 0;
			}
			if (len_tmp == MAX_EXECVE_AUDIT_LEN - len_buf) {
				require_data = true;
				encode = true;
				len_full = len_full * 2;
				r.pos += len_tmp;
			} else {
				require_data = false;
				if (!encode)
					encode = audit_needs_hex(buf, len_tmp);
				if (len_full < MAX_EXECVE_AUDIT_LEN)
					len_full = encode ? len_tmp * 2 :
							    len_tmp;
				r.pos += len_tmp + 1;
			}
			len_buf += len_tmp;
			buf_head[len_buf] = '\0';
			len_abuf = encode ? len_buf * 2 : len_buf + 2;
		}

		if (EXECVE_ABUF + 8 > x.len_rem)
			execve_new_record(&x);
		strbuf_reset(&abuf);
		if (require_data || iter > 0 ||
		    len_abuf + EXECVE_ABUF > x.len_rem) {
			if (iter == 0) {
				format_field_u(&abuf, " a", arg);
				format_field_u(&abuf, "_len=", len_full);
			}
			format_field_u(&abuf, " a", arg);
			format_field_u(&abuf, "[", iter++);
			strbuf_adds(&abuf, "]=");
		} else {
			format_field_u(&abuf, " a", arg);
			strbuf_addc(&abuf, '=');
		}
		strbuf_add(out, abuf.buf, abuf.len);
		x.len_rem -= abuf.len;
		len_tmp = len_buf;
		if (encode) {
			if (len_abuf > x.len_rem)
				len_tmp = x.len_rem / 2;
			audit_add_hex(out, buf, len_tmp);
			x.len_rem -= len_tmp * 2;
			len_abuf -= len_tmp * 2;
		} else {
			if (len_abuf > x.len_rem)
				len_tmp = x.len_rem - 2;
			audit_add_quoted(out, buf, len_tmp);
			x.len_rem -= len_tmp + 2;
			len_abuf -= len_tmp;
		}
		len_buf -= len_tmp;
		buf += len_tmp;

		if (len_buf == 0 && !require_data) {
			arg++;
			iter = 0;
			len_full = 0;
			require_data = true;
			encode = false;
		}
	} while (arg < argc);
out:
	if (abuf.failed)
		out->failed = true;
	strbuf_free(&abuf);
	format_record_end(out);
	return x.records;
}
