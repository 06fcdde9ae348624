/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for the unit tests: hand-built events modelled on what
 * kernel audit logged for the same syscalls, ring-buffer records for the
 * promise table, and small text helpers (hex decoding, counting).
 * Everything is static inline so each test program takes what it uses.
 */
#ifndef BPFAUDIT_TESTS_GOLDEN_H
#define BPFAUDIT_TESTS_GOLDEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"

#define GOLDEN_ARCH_X86_64	0xc000003eu
#define GOLDEN_NR_EXECVE	59
#define GOLDEN_DEV(ma, mi)	((uint32_t)(((ma) << 20) | (mi)))
#define GOLDEN_CGROUP		7281u
#define GOLDEN_MNTNS		4026531841u
#define GOLDEN_PIDNS		4026531836u

/* The stamp the kernel gave the sample events: audit(1795570250.453:6). */
#define GOLDEN_SEC		1795570250ull
#define GOLDEN_MSEC		453u
#define GOLDEN_SERIAL		6ull

/* Aborts the test program: only for failures of the test itself. */
static inline void *golden_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "golden: out of memory\n");
		abort();
	}
	return p;
}

/* Sets field @f to a copy of @len bytes (NUL-terminated like promise.c). */
static inline void golden_set_field(struct ba_event *ev, enum ba_field f,
				    const void *data, size_t len)
{
	struct ba_field_data *d = &ev->field[f];
	char *p = golden_xmalloc(len + 1);

	memcpy(p, data, len);
	p[len] = '\0';
	free(d->data);
	d->data = p;
	d->len = len;
	d->flags = 0;
	d->present = true;
}

static inline void golden_set_str(struct ba_event *ev, enum ba_field f,
				  const char *s)
{
	golden_set_field(ev, f, s, strlen(s));
}

/*
 * Sets a path field the way the BPF side captures it: the components of
 * the absolute path @path, leaf first, each followed by a NUL.
 */
static inline void golden_set_path(struct ba_event *ev, enum ba_field f,
				   const char *path)
{
	size_t n = strlen(path), len = 0, end = n, start;
	char *buf = golden_xmalloc(n + 2);

	while (end > 0) {
		while (end > 0 && path[end - 1] == '/')
			end--;
		start = end;
		while (start > 0 && path[start - 1] != '/')
			start--;
		if (end > start) {
			memcpy(buf + len, path + start, end - start);
			len += end - start;
			buf[len++] = '\0';
		}
		end = start;
	}
	golden_set_field(ev, f, buf, len);
	free(buf);
}

static inline struct ba_file golden_file(uint64_t ino, uint32_t dev,
					 uint32_t mode)
{
	struct ba_file f;

	memset(&f, 0, sizeof(f));
	f.ino = ino;
	f.dev = dev;
	f.mode = mode;
	f.valid = 1;
	return f;
}

/* The common header of an execve by root from a shell without a tty. */
static inline void golden_exec_header(struct ba_header *h, uint32_t pid,
				      const char *comm)
{
	memset(h, 0, sizeof(*h));
	h->type = BA_REC_HEADER;
	h->kind = BA_KIND_EXEC;
	h->version = BA_WIRE_VERSION;
	h->promise = 1;
	h->syscall = GOLDEN_NR_EXECVE;
	h->arch = GOLDEN_ARCH_X86_64;
	h->task.pid = pid;
	h->task.tid = pid;
	h->task.ppid = 2425;
	h->task.auid = 4294967295u;
	h->task.ses = 4294967295u;
	h->task.cgroup_id = GOLDEN_CGROUP;
	h->task.mnt_ns = GOLDEN_MNTNS;
	h->task.pid_ns = GOLDEN_PIDNS;
	strncpy(h->task.comm, comm, sizeof(h->task.comm) - 1);
}

/*
 * The successful exec of the kernel sample:
 *   /bin/echo 'a b' 'q"x' x=y   in /tmp, by pid 2437.
 */
static const char golden_echo_argv[] = "/bin/echo\0a b\0q\"x\0x=y";
/* Its length with the last NUL, as the kernel's argv area holds it. */
#define GOLDEN_ECHO_ARGV_LEN	sizeof(golden_echo_argv)

static inline void golden_exec_echo(struct ba_event *ev)
{
	struct ba_header *h = &ev->hdr;

	memset(ev, 0, sizeof(*ev));
	golden_exec_header(h, 2437, "echo");
	ev->have_header = true;
	h->flags = BA_HDR_EXEC_SEEN;
	h->ret = 0;
	h->args[0] = 0x559693e85770ull;
	h->args[1] = 0x559693e85900ull;
	h->args[2] = 0x559693e6a240ull;
	h->args[3] = 0x80559da14a149b36ull;
	h->argc = 4;
	h->exe = golden_file(247304, GOLDEN_DEV(0xfe, 0), 0100755);
	h->bin = golden_file(247304, GOLDEN_DEV(0xfe, 0), 0100755);
	h->elf_interp = golden_file(332383, GOLDEN_DEV(0xfe, 0), 0100755);
	golden_set_field(ev, BA_FIELD_ARGV, golden_echo_argv,
			 GOLDEN_ECHO_ARGV_LEN);
	golden_set_str(ev, BA_FIELD_FILENAME, "/bin/echo");
	golden_set_str(ev, BA_FIELD_ELF_INTERP, "/lib64/ld-linux-x86-64.so.2");
	golden_set_path(ev, BA_FIELD_CWD, "/tmp");
	golden_set_path(ev, BA_FIELD_EXE, "/usr/bin/echo");
}

/* The failed exec of the kernel sample: bash runs /nonexistent (ENOENT). */
static const char golden_bash_cmdline[] = "bash\0/dev/fd/3";

static inline void golden_exec_failed(struct ba_event *ev)
{
	struct ba_header *h = &ev->hdr;

	memset(ev, 0, sizeof(*ev));
	golden_exec_header(h, 2438, "bash");
	ev->have_header = true;
	h->flags = 0;	/* sched_process_exec never fired */
	h->ret = -2;
	h->args[0] = 0x5596940a1b20ull;
	h->args[1] = 0x5596940a1c40ull;
	h->args[2] = 0x5596940a3e50ull;
	h->args[3] = 0x8ull;
	h->exe = golden_file(262161, GOLDEN_DEV(0xfe, 0), 0100755);
	golden_set_str(ev, BA_FIELD_FILENAME, "/nonexistent");
	golden_set_path(ev, BA_FIELD_CWD, "/tmp");
	golden_set_path(ev, BA_FIELD_EXE, "/usr/bin/bash");
	golden_set_field(ev, BA_FIELD_PROCTITLE, golden_bash_cmdline,
			 sizeof(golden_bash_cmdline));
}

/*
 * A #! script: /tmp/t.sh starting with "#!/bin/sh", run as
 * "/tmp/t.sh arg"; the new image is /bin/sh /tmp/t.sh arg.
 */
static const char golden_script_argv[] = "/bin/sh\0/tmp/t.sh\0arg";

static inline void golden_exec_script(struct ba_event *ev)
{
	struct ba_header *h = &ev->hdr;

	memset(ev, 0, sizeof(*ev));
	golden_exec_header(h, 2440, "t.sh");
	ev->have_header = true;
	h->flags = BA_HDR_EXEC_SEEN | BA_HDR_SCRIPT;
	h->args[0] = 0x55d0d1a2b2c0ull;
	h->args[1] = 0x55d0d1a2b300ull;
	h->args[2] = 0x55d0d1a2b320ull;
	h->argc = 3;
	h->exe = golden_file(262210, GOLDEN_DEV(0xfe, 0), 0100755);
	h->bin = golden_file(262210, GOLDEN_DEV(0xfe, 0), 0100755);
	h->elf_interp = golden_file(332383, GOLDEN_DEV(0xfe, 0), 0100755);
	ev->script = golden_file(1310722, GOLDEN_DEV(0, 0x2a), 0100700);
	ev->script.uid = 1000;
	ev->script.gid = 1000;
	golden_set_field(ev, BA_FIELD_ARGV, golden_script_argv,
			 sizeof(golden_script_argv));
	golden_set_str(ev, BA_FIELD_FILENAME, "/tmp/t.sh");
	golden_set_str(ev, BA_FIELD_INTERP, "/bin/sh");
	golden_set_str(ev, BA_FIELD_ELF_INTERP, "/lib64/ld-linux-x86-64.so.2");
	golden_set_path(ev, BA_FIELD_CWD, "/tmp");
	golden_set_path(ev, BA_FIELD_EXE, "/usr/bin/dash");
}

/* Ring-buffer records for the promise table. */
static inline struct ba_chunk *golden_chunk(uint64_t promise,
					    enum ba_field field, uint32_t seq,
					    unsigned int flags,
					    const void *data, size_t len)
{
	struct ba_chunk *ch = golden_xmalloc(sizeof(*ch));

	memset(ch, 0, sizeof(*ch));
	ch->type = BA_REC_CHUNK;
	ch->kind = BA_KIND_EXEC;
	ch->field = field;
	ch->flags = flags;
	ch->promise = promise;
	ch->seq = seq;
	ch->len = len;
	if (len)
		memcpy(ch->data, data, len);
	return ch;
}

static inline struct ba_header golden_header(uint64_t promise,
					     uint32_t nchunks,
					     uint32_t lost_chunks)
{
	struct ba_header h;

	golden_exec_header(&h, 4000 + (uint32_t)promise, "prog");
	h.promise = promise;
	h.nchunks = nchunks;
	h.lost_chunks = lost_chunks;
	h.flags = BA_HDR_EXEC_SEEN;
	h.boot_ns = 1000000000ull * promise;
	return h;
}

/* Decodes uppercase hex; returns the byte count, or -1 if not hex. */
static inline long golden_unhex(const char *hex, size_t n, char *out)
{
	size_t i;

	if (n % 2)
		return -1;
	for (i = 0; i < n; i++) {
		char c = hex[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
			return -1;
	}
	for (i = 0; i < n / 2; i++) {
		char pair[3] = { hex[2 * i], hex[2 * i + 1], '\0' };

		out[i] = (char)strtoul(pair, NULL, 16);
	}
	return (long)(n / 2);
}

/* How many lines of @text start with "type=@type ". */
static inline int golden_count_records(const char *text, const char *type)
{
	size_t tl = strlen(type);
	const char *p = text;
	int n = 0;

	while (p && *p) {
		if (!strncmp(p, "type=", 5) && !strncmp(p + 5, type, tl) &&
		    p[5 + tl] == ' ')
			n++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

/*
 * A failed-exec task's mmap of a file whose SYSCALL record carries two
 * 4 KiB paths needing hex (exe= and vma_file=); with @wide_ids every
 * number before them is as wide as it gets, so the second path has no
 * room left under the line length ausearch reads.
 */
static inline void golden_mmap_two_paths(struct ba_event *ev, bool wide_ids)
{
	struct ba_task *t = &ev->hdr.task;
	char *big = golden_xmalloc(4096);
	size_t i;

	golden_exec_failed(ev);
	ev->hdr.kind = BA_KIND_MMAP;
	ev->hdr.syscall = 9;
	ev->hdr.args[3] = 2;	/* MAP_PRIVATE */
	ev->hdr.x.vma.end = 0x1000;
	ev->hdr.x.vma.file = golden_file(5, GOLDEN_DEV(0xfe, 0), 0100644);
	for (i = 0; i < 4096; i++)
		big[i] = i % 256 == 255 ? '\0' : ' ';
	golden_set_field(ev, BA_FIELD_EXE, big, 4096);
	golden_set_field(ev, BA_FIELD_VMA_FILE, big, 4096);
	free(big);
	if (!wide_ids)
		return;
	for (i = 0; i < 4; i++)
		ev->hdr.args[i] = ~0ull;
	t->ppid = t->pid = t->uid = t->gid = t->euid = t->suid = t->fsuid =
		t->egid = t->sgid = t->fsgid = 4000000000u;
}

#endif /* BPFAUDIT_TESTS_GOLDEN_H */
