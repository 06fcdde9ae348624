// SPDX-License-Identifier: GPL-2.0
/*
 * bpfaudit's BPF programs and maps pinned in bpffs (pin_dir), so that they
 * and the events in the ring outlive a daemon: pinning a freshly loaded
 * set, taking over a pinned set that matches the configuration, draining
 * and replacing one that does not, and unloading.
 *
 * pin_dir holds the maps the daemon uses (events, loss, rules, bss, data,
 * daemon_state),
 * one link_PROGRAM per attached program, and desc, a one-entry array map
 * describing the set, pinned last: a set without desc is incomplete.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfaudit.skel.h"
#include "pin.h"

#define BPFFS "/sys/fs/bpf"
#define BPFFS_MAGIC 0xcafe4a11
#define PIN_MAGIC 0x31304e4950414242ull	/* "BBAPIN01" */
#define UNLOAD_WAIT_MS 60000

/* What was loaded, to tell whether a later configuration matches it. */
struct pin_desc {
	uint64_t magic;
	uint64_t object_hash;	/* FNV-1a of the BPF object's ELF */
	uint64_t argv_max;
	uint32_t wire_version;
	uint32_t ring_bytes;
	uint32_t events;
	uint32_t nlinks;
	uint8_t mode[BA_KIND_MAX];
	uint8_t unsupported[BA_KIND_MAX];
	char skipped[BA_KIND_MAX][256];
};

static uint64_t object_hash(void)
{
	const unsigned char *p;
	uint64_t h = 0xcbf29ce484222325ull;
	size_t len, i;

	p = bpfaudit_bpf__elf_bytes(&len);
	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void pin_path(char *buf, size_t size, const char *dir,
		     const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

/* pin_dir's maps, by pin name; the fd fields of the loader they fill. */
static const char *const map_names[] = { "events", "loss", "rules", "bss",
					 "data", "daemon_state", "watches",
					 "watch_names" };

static struct bpf_map *skel_map(struct bpfaudit_bpf *s, size_t i)
{
	struct bpf_map *maps[] = { s->maps.events, s->maps.loss,
				   s->maps.rules, s->maps.bss, s->maps.data,
				   s->maps.daemon_state, s->maps.watches,
				   s->maps.watch_names };

	return maps[i];
}

static void describe(struct pin_desc *p, const struct bpfaudit_config *cfg)
{
	memset(p, 0, sizeof(*p));
	p->magic = PIN_MAGIC;
	p->object_hash = object_hash();
	p->argv_max = cfg->argv_max;
	p->wire_version = BA_WIRE_VERSION;
	p->ring_bytes = cfg->ringbuf_size << 20;
	p->events = cfg->events;
}

/* Why the pinned set @have cannot serve @cfg, or NULL when it can. */
static const char *mismatch(const struct pin_desc *have,
			    const struct bpfaudit_config *cfg, char *buf,
			    size_t size)
{
	struct pin_desc want;
	int kind;

	describe(&want, cfg);
	if (have->magic != want.magic ||
	    have->wire_version != want.wire_version ||
	    have->object_hash != want.object_hash)
		return "another BPF object (bpfauditd was upgraded)";
	if (have->ring_bytes != want.ring_bytes) {
		snprintf(buf, size, "ringbuf_size is %u MiB there",
			 have->ring_bytes >> 20);
		return buf;
	}
	if (have->argv_max != want.argv_max)
		return "argv_max differs";
	if (have->events != want.events)
		return "events differ";
	for (kind = 1; kind < BA_KIND_MAX; kind++) {
		if (cfg->attach_mode == ATTACH_AUTO || have->unsupported[kind] ||
		    !(cfg->events & (1u << (kind - 1))) ||
		    have->mode[kind] == cfg->attach_mode)
			continue;
		snprintf(buf, size, "%s runs in attach mode %s there",
			 loader_kind_name(kind),
			 attach_mode_name(have->mode[kind]));
		return buf;
	}
	return NULL;
}

/* pin_dir under /sys/fs/bpf needs bpffs there: mount it if it is not. */
static void ensure_bpffs(const char *dir)
{
	struct statfs st;

	if (strncmp(dir, BPFFS "/", sizeof(BPFFS)))
		return;
	if (statfs(BPFFS, &st) == 0 && st.f_type == BPFFS_MAGIC)
		return;
	if (mount("bpf", BPFFS, "bpf", 0, "mode=0700"))
		fprintf(stderr, "bpfauditd: mounting bpffs on %s: %s\n", BPFFS,
			strerror(errno));
}

int pin_lock(const char *dir, char *err, size_t errlen)
{
	struct statfs st;
	int fd;

	ensure_bpffs(dir);
	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "pin_dir %.512s: %s", dir,
			 strerror(errno));
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstatfs(fd, &st)) {
		snprintf(err, errlen, "pin_dir %.512s: %s", dir,
			 strerror(errno));
		goto fail;
	}
	if (st.f_type != BPFFS_MAGIC) {
		snprintf(err, errlen, "pin_dir %.512s: not in a bpf file system",
			 dir);
		goto fail;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		snprintf(err, errlen, "pin_dir %.512s: %s", dir,
			 errno == EWOULDBLOCK ? "in use by another bpfauditd" :
			 strerror(errno));
		goto fail;
	}
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Calls @fn on every entry of @dir whose name starts with @prefix. */
static void each_pin(const char *dir, const char *prefix,
		     void (*fn)(const char *path, void *arg), void *arg)
{
	char path[4400];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' ||
		    strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		pin_path(path, sizeof(path), dir, e->d_name);
		fn(path, arg);
	}
	closedir(d);
}

static void unlink_pin(const char *path, void *arg)
{
	(void)arg;
	unlink(path);
}

void pin_clear(const char *dir)
{
	each_pin(dir, "", unlink_pin, NULL);
}

/* The links go first: their programs detach once nothing holds them. */
static void unpin_links(const char *dir)
{
	each_pin(dir, "link_", unlink_pin, NULL);
}

int pin_save(struct loader *l, const struct bpfaudit_config *cfg, char *err,
	     size_t errlen)
{
	struct pin_desc desc;
	char path[4400];
	uint32_t key = 0;
	size_t i;
	int n, fd;

	for (i = 0; i < sizeof(map_names) / sizeof(map_names[0]); i++) {
		pin_path(path, sizeof(path), cfg->pin_dir, map_names[i]);
		if (bpf_map__pin(skel_map(l->skel, i), path))
			goto fail;
	}
	/* one pin per link, by its place: a program attached to several
	 * tracepoints (the watch source's) has a link for each */
	for (n = 0; n < l->nlinks; n++) {
		char name[32];

		snprintf(name, sizeof(name), "link_%03d", n);
		pin_path(path, sizeof(path), cfg->pin_dir, name);
		if (bpf_link__pin(l->links[n], path))
			goto fail;
	}
	describe(&desc, cfg);
	desc.nlinks = l->nlinks;
	for (i = 0; i < BA_KIND_MAX; i++) {
		desc.mode[i] = l->mode[i];
		desc.unsupported[i] = l->unsupported[i];
		memcpy(desc.skipped[i], l->skipped[i], sizeof(desc.skipped[i]));
	}
	pin_path(path, sizeof(path), cfg->pin_dir, "desc");
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "bpfaudit_desc", sizeof(key),
			    sizeof(desc), 1, NULL);
	if (fd < 0)
		goto fail;
	if (bpf_map_update_elem(fd, &key, &desc, BPF_ANY) ||
	    bpf_obj_pin(fd, path)) {
		close(fd);
		goto fail;
	}
	close(fd);
	return 0;
fail:
	snprintf(err, errlen, "pinning %.512s: %s", path, strerror(errno));
	pin_clear(cfg->pin_dir);
	return -1;
}

static int open_pinned(const char *dir, const char *name)
{
	char path[4400];

	pin_path(path, sizeof(path), dir, name);
	return bpf_obj_get(path);
}

static int read_desc(const char *dir, struct pin_desc *desc)
{
	uint32_t key = 0;
	int fd = open_pinned(dir, "desc"), ret;

	if (fd < 0)
		return -1;
	ret = bpf_map_lookup_elem(fd, &key, desc);
	close(fd);
	return ret;
}

/* The mmapped .bss, as the skeleton maps it. */
static void *map_bss(int fd, size_t *len)
{
	struct bpf_map_info info = { 0 };
	__u32 ilen = sizeof(info);
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	if (bpf_obj_get_info_by_fd(fd, &info, &ilen))
		return NULL;
	/* the section ends at its last variable; the skeleton's struct
	 * may add tail padding up to its 8-byte alignment */
	if ((info.value_size + 7) / 8 * 8 !=
	    (sizeof(struct bpfaudit_bpf__bss) + 7) / 8 * 8) {
		errno = EPROTO;
		return NULL;
	}
	*len = (info.value_size + page - 1) / page * page;
	p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

struct link_walk {
	struct loader *l;
	int failed;
};

static void open_link(const char *path, void *arg)
{
	struct link_walk *w = arg;
	struct bpf_link *link;

	if (w->l->nlinks == LOADER_MAX_LINKS) {
		w->failed = E2BIG;
		return;
	}
	link = bpf_link__open(path);
	if (!link)
		w->failed = errno;
	else
		w->l->links[w->l->nlinks++] = link;
}

int pin_reuse(struct loader *l, const struct bpfaudit_config *cfg,
	      char *why, size_t whylen)
{
	struct link_walk walk = { .l = l };
	struct pin_desc desc;
	const char *bad;
	char buf[200];
	int kind;

	why[0] = '\0';
	if (read_desc(cfg->pin_dir, &desc)) {
		char path[4400];

		pin_path(path, sizeof(path), cfg->pin_dir, "events");
		if (errno != ENOENT)
			snprintf(why, whylen, "its description: %s",
				 strerror(errno));
		else if (!access(path, F_OK))
			snprintf(why, whylen, "an incomplete set");
		return 0;
	}
	bad = mismatch(&desc, cfg, buf, sizeof(buf));
	if (bad) {
		snprintf(why, whylen, "%s", bad);
		return 0;
	}
	l->reused = true;
	l->events_fd = open_pinned(cfg->pin_dir, "events");
	l->loss_fd = open_pinned(cfg->pin_dir, "loss");
	l->rules_fd = open_pinned(cfg->pin_dir, "rules");
	l->bss_fd = open_pinned(cfg->pin_dir, "bss");
	l->state_fd = open_pinned(cfg->pin_dir, "daemon_state");
	l->watches_fd = open_pinned(cfg->pin_dir, "watches");
	l->watch_names_fd = open_pinned(cfg->pin_dir, "watch_names");
	if (l->events_fd < 0 || l->loss_fd < 0 || l->rules_fd < 0 ||
	    l->bss_fd < 0 || l->state_fd < 0 || l->watches_fd < 0 ||
	    l->watch_names_fd < 0) {
		snprintf(why, whylen, "a pinned map: %s", strerror(errno));
		goto fail;
	}
	l->bss = map_bss(l->bss_fd, &l->bss_len);
	if (!l->bss) {
		snprintf(why, whylen, "mapping its .bss: %s", strerror(errno));
		goto fail;
	}
	each_pin(cfg->pin_dir, "link_", open_link, &walk);
	if (walk.failed || (uint32_t)l->nlinks != desc.nlinks) {
		snprintf(why, whylen, "%d of its %u links: %s", l->nlinks,
			 desc.nlinks, walk.failed ? strerror(walk.failed) :
			 "missing");
		goto fail;
	}
	for (kind = 0; kind < BA_KIND_MAX; kind++) {
		l->mode[kind] = desc.mode[kind];
		l->unsupported[kind] = desc.unsupported[kind];
		memcpy(l->skipped[kind], desc.skipped[kind],
		       sizeof(l->skipped[kind]));
		l->skipped[kind][sizeof(l->skipped[kind]) - 1] = '\0';
	}
	return 1;
fail:
	loader_release(l);
	l->reused = false;
	return 0;
}

/* The daemon state of the set in @dir, if it is of this wire version. */
static int read_state(const char *dir, struct ba_daemon_state *st)
{
	struct pin_desc desc;
	uint32_t key = 0;
	int fd, ret;

	if (read_desc(dir, &desc) || desc.magic != PIN_MAGIC ||
	    desc.wire_version != BA_WIRE_VERSION)
		return -1;
	fd = open_pinned(dir, "daemon_state");
	if (fd < 0)
		return -1;
	ret = bpf_map_lookup_elem(fd, &key, st);
	close(fd);
	return ret;
}

/* The loss counts of the set in @dir, added to @total. */
static void add_losses(const char *dir, __u64 *total)
{
	int ncpus = libbpf_num_possible_cpus(), fd, cpu;
	uint64_t *percpu;
	uint32_t slot;

	fd = open_pinned(dir, "loss");
	percpu = ncpus > 0 ? calloc(ncpus, sizeof(*percpu)) : NULL;
	for (slot = 0; fd >= 0 && percpu && slot < BA_LOSS_SLOTS; slot++)
		if (!bpf_map_lookup_elem(fd, &slot, percpu))
			for (cpu = 0; cpu < ncpus; cpu++)
				total[slot] += percpu[cpu];
	free(percpu);
	if (fd >= 0)
		close(fd);
}

/*
 * Before the ring is drained: a header the dead daemon counted at the
 * consumer position is still there, and is read now.
 */
static void carry_state(const char *dir, int events_fd,
			struct ba_daemon_state *carry)
{
	long page = sysconf(_SC_PAGESIZE);
	struct ba_daemon_state old;
	uint64_t *consumer;

	memset(carry, 0, sizeof(*carry));
	if (read_state(dir, &old))
		return;
	consumer = mmap(NULL, page, PROT_READ, MAP_SHARED, events_fd, 0);
	if (consumer != MAP_FAILED) {
		if (old.header_pos && *consumer < old.header_pos &&
		    old.consumed)
			old.consumed--;
		munmap(consumer, page);
	}
	if (old.consumed > old.accounted)
		carry->consumed = old.consumed - old.accounted;
	memcpy(carry->loss_carried, old.loss_carried,
	       sizeof(carry->loss_carried));
	add_losses(dir, carry->loss_carried);
	memcpy(carry->loss_reported, old.loss_reported,
	       sizeof(carry->loss_reported));
}

void pin_drain(const char *dir, ring_buffer_sample_fn on_record, void *ctx,
	       struct ba_daemon_state *carry)
{
	struct ring_buffer *ring;
	int fd;

	unpin_links(dir);
	memset(carry, 0, sizeof(*carry));
	fd = open_pinned(dir, "events");
	if (fd < 0)
		return;
	carry_state(dir, fd, carry);
	ring = ring_buffer__new(fd, on_record, ctx, NULL);
	if (ring) {
		ring_buffer__consume(ring);
		ring_buffer__free(ring);
	}
	close(fd);
}

/* The pid of the daemon reading the pinned set, 0 if unknown. */
static pid_t running_pid(const char *dir)
{
	struct ba_daemon_state st;

	return read_state(dir, &st) ? 0 : (pid_t)st.pid;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

int pin_unload(const char *dir, FILE *msg)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), waited = 0;
	pid_t pid;

	if (fd < 0) {
		if (errno != ENOENT) {
			fprintf(msg, "bpfauditd: %s: %s\n", dir,
				strerror(errno));
			return -1;
		}
		fprintf(msg, "bpfauditd: nothing pinned in %s\n", dir);
		return 0;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		/* its links go now; it detaches and drains as it stops */
		pid = running_pid(dir);
		unpin_links(dir);
		if (pid <= 0 || kill(pid, SIGTERM)) {
			fprintf(msg, "bpfauditd: %s is in use by a bpfauditd"
				" that cannot be stopped (pid %d)\n", dir, pid);
			close(fd);
			return -1;
		}
		fprintf(msg, "bpfauditd: stopping bpfauditd (pid %d)\n", pid);
		while (flock(fd, LOCK_EX | LOCK_NB)) {
			if (waited >= UNLOAD_WAIT_MS) {
				fprintf(msg, "bpfauditd: pid %d did not stop\n",
					pid);
				close(fd);
				return -1;
			}
			sleep_ms(100);
			waited += 100;
		}
	}
	pin_clear(dir);
	close(fd);
	if (rmdir(dir) && errno != ENOENT) {
		fprintf(msg, "bpfauditd: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	fprintf(msg, "bpfauditd: unloaded, %s removed\n", dir);
	return 0;
}
