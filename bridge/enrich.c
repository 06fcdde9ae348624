// SPDX-License-Identifier: GPL-2.0
/*
 * Daemon-side additions to events: the loader name from the executed
 * binary's PT_INTERP (libelf, checked against the captured inode, cached),
 * and a stat of a #! script or of a failed exec's target.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "enrich.h"
#include "format.h"
#include "strbuf.h"

#define CACHE_SLOTS 1024
#define CACHE_TTL_S 60
#define PT_INTERP_MAX 4096

struct interp_entry {
	uint32_t dev;
	uint64_t ino;
	time_t at;
	char *name;	/* NULL: the binary has no PT_INTERP */
	bool used;
};

struct enrich {
	struct interp_entry cache[CACHE_SLOTS];
};

struct enrich *enrich_new(void)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	return calloc(1, sizeof(struct enrich));
}

void enrich_free(struct enrich *en)
{
	int i;

	if (!en)
		return;
	for (i = 0; i < CACHE_SLOTS; i++)
		free(en->cache[i].name);
	free(en);
}

static char *read_pt_interp(int fd)
{
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	size_t n, i;
	char *name = NULL;

	if (!elf)
		return NULL;
	if (elf_kind(elf) != ELF_K_ELF || elf_getphdrnum(elf, &n))
		goto out;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;
		ssize_t got;

		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_INTERP)
			continue;
		if (ph.p_filesz == 0 || ph.p_filesz > PT_INTERP_MAX)
			break;
		name = calloc(1, ph.p_filesz + 1);
		if (!name)
			break;
		got = pread(fd, name, ph.p_filesz, ph.p_offset);
		if (got != (ssize_t)ph.p_filesz) {
			free(name);
			name = NULL;
		}
		break;
	}
out:
	elf_end(elf);
	return name;
}

/* The loader name of the binary at @path, if @path is still inode @bin. */
static const char *interp_name(struct enrich *en, const char *path,
			       const struct ba_file *bin)
{
	struct interp_entry *e = &en->cache[(bin->ino ^ bin->dev) %
					    CACHE_SLOTS];
	time_t now = time(NULL);
	struct stat st;
	int fd;

	if (e->used && e->dev == bin->dev && e->ino == bin->ino &&
	    now - e->at < CACHE_TTL_S)
		return e->name;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || st.st_ino != bin->ino ||
	    ba_kernel_dev(st.st_dev) != bin->dev) {
		close(fd);
		return NULL;
	}
	free(e->name);
	e->name = read_pt_interp(fd);
	e->dev = bin->dev;
	e->ino = bin->ino;
	e->at = now;
	e->used = true;
	close(fd);
	return e->name;
}

static void set_field(struct ba_event *ev, enum ba_field f, const char *s)
{
	struct ba_field_data *d = &ev->field[f];
	size_t len = strlen(s);

	free(d->data);
	d->data = malloc(len + 1);
	if (!d->data) {
		d->present = false;
		return;
	}
	memcpy(d->data, s, len + 1);
	d->len = len;
	d->present = true;
}

static void add_loader_name(struct enrich *en, struct ba_event *ev)
{
	const struct ba_field_data *exe = &ev->field[BA_FIELD_EXE];
	struct strbuf path;
	const char *name;

	if (!ev->hdr.elf_interp.valid || !ev->hdr.bin.valid || !exe->present)
		return;
	strbuf_init(&path);
	format_join_path(&path, exe->data, exe->len);
	if (!path.failed) {
		name = interp_name(en, path.buf, &ev->hdr.bin);
		if (name)
			set_field(ev, BA_FIELD_ELF_INTERP, name);
	}
	strbuf_free(&path);
}

/* The named file as the caller saw it: absolute, or relative to its cwd. */
static void add_named_file(struct ba_event *ev)
{
	const struct ba_field_data *name = &ev->field[BA_FIELD_FILENAME];
	const struct ba_field_data *cwd = &ev->field[BA_FIELD_CWD];
	struct strbuf path;
	struct stat st;

	if (!name->present || !name->len || !cwd->present)
		return;
	/* execveat(fd, "", AT_EMPTY_PATH) names /dev/fd/N: the caller's fd,
	 * which means nothing in the daemon. */
	if (!strncmp(name->data, "/dev/fd/", 8))
		return;
	/* relative to an execveat dirfd other than AT_FDCWD: not resolvable */
	if (name->data[0] != '/' && ev->hdr.syscall != 59 &&
	    (int)ev->hdr.args[0] != AT_FDCWD)
		return;
	strbuf_init(&path);
	if (name->data[0] != '/') {
		format_join_path(&path, cwd->data, cwd->len);
		strbuf_addc(&path, '/');
	}
	strbuf_add(&path, name->data, name->len);
	if (!path.failed && stat(path.buf, &st) == 0)
		ba_file_from_stat(&ev->script, &st);
	strbuf_free(&path);
}

void enrich_event(struct enrich *en, struct ba_event *ev)
{
	const struct ba_header *h = &ev->hdr;
	bool script = h->flags & BA_HDR_SCRIPT;
	bool failed = !(h->flags & BA_HDR_EXEC_SEEN);

	if (!ev->have_header || h->kind != BA_KIND_EXEC)
		return;
	add_loader_name(en, ev);
	if (!script && !failed)
		return;
	/* The lsm and fentry modes saw the named file in the kernel; else
	 * look: a missing file leaves the PATH item without identity, as
	 * the kernel's lookup does, and an existing one (say a script whose
	 * interpreter is missing) gets the identity the kernel logs. */
	if ((h->flags & BA_HDR_NAMED_SEEN) && h->named.valid)
		ev->script = h->named;
	else
		add_named_file(ev);
}
