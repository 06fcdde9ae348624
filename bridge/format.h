/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The record formatter: a pure function from a reassembled event to the
 * record set kernel audit writes for that syscall, byte for byte, plus
 * bpfaudit's extra fields after the standard ones.
 */
#ifndef BPFAUDIT_FORMAT_H
#define BPFAUDIT_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "strbuf.h"

/* Kernel audit's limits (kernel/auditsc.c, include/uapi/linux/binfmts.h). */
#define MAX_EXECVE_AUDIT_LEN 7500
#define MAX_ARG_STRLEN (32 * 4096)
/* The longest record line ausearch reads whole (MAX_AUDIT_MESSAGE_LENGTH
 * less one); extra fields leave EXTRA_RESERVE for what follows them. */
#define MAX_RECORD_LINE 8969
#define EXTRA_RESERVE 256

struct audit_stamp {
	uint64_t sec;
	unsigned int msec;
	uint64_t serial;
};

/* Appends every record of the event; returns how many it wrote. */
int format_event(const struct ba_event *ev, const struct audit_stamp *st,
		 struct strbuf *out);

/* The EXECVE records for argc NUL-separated arguments in argv[0..len). */
int format_execve(struct strbuf *out, const struct audit_stamp *st,
		  const char *argv, size_t len, unsigned int argc);

/* Starts a record line: "type=NAME msg=audit(SEC.MSEC:SERIAL): ". */
void format_record_start(struct strbuf *out, const char *type,
			 const struct audit_stamp *st);

/* " NAME=" and a decimal number; a kernel dev_t as "%02x:%02x". */
void format_field_u(struct strbuf *out, const char *name,
		    unsigned long long v);
void format_dev(struct strbuf *out, __u32 dev);

/* Kernel dev_t, as struct ba_file carries it. */
#define MAJOR(dev) ((unsigned int)((dev) >> 20))
#define MINOR(dev) ((unsigned int)((dev) & 0xfffff))

/* Shared by the per-kind formatters (format.c, format_calls.c). */
typedef void (*format_extras_fn)(const struct ba_event *ev, struct strbuf *out);
void format_syscall(const struct ba_event *ev, int items,
		    const struct audit_stamp *st, struct strbuf *out,
		    format_extras_fn extras);
void format_record_end(struct strbuf *out);
const struct ba_field_data *format_field(const struct ba_event *ev,
					 enum ba_field f);
void format_path_field(struct strbuf *out, const char *prefix,
		       const struct ba_field_data *comps);
void format_path_record(int item, const char *name, size_t name_len,
			const struct ba_file *f, const char *nametype,
			const struct audit_stamp *st, struct strbuf *out);
/* The PATH record of the directory @path (@len bytes) was looked up in:
 * named by its directory part, or by the cwd for a bare name. */
void format_parent_record(const struct ba_event *ev, int item,
			  const char *path, size_t len,
			  const struct ba_file *f, const struct audit_stamp *st,
			  struct strbuf *out);
void format_extra_path(const struct ba_event *ev, struct strbuf *out,
		       const char *prefix, enum ba_field f);
void format_proctitle(const struct ba_field_data *src,
		      const struct audit_stamp *st, struct strbuf *out);
bool format_syscall_failed(long long ret);
int format_mmap(const struct ba_event *ev, const struct audit_stamp *st,
		struct strbuf *out);
int format_socket(const struct ba_event *ev, const struct audit_stamp *st,
		  struct strbuf *out);
int format_bpf(const struct ba_event *ev, const struct audit_stamp *st,
	       struct strbuf *out);
int format_cred(const struct ba_event *ev, const struct audit_stamp *st,
		struct strbuf *out);
int format_ptrace(const struct ba_event *ev, const struct audit_stamp *st,
		  struct strbuf *out);
int format_module(const struct ba_event *ev, const struct audit_stamp *st,
		  struct strbuf *out);
int format_watch(const struct ba_event *ev, const struct audit_stamp *st,
		 struct strbuf *out);

/* Joins leaf-first, NUL-separated path components into "/a/b/c". */
void format_join_path(struct strbuf *out, const char *comps, size_t len);

#endif
