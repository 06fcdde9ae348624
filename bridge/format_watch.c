// SPDX-License-Identifier: GPL-2.0
/*
 * Record sets of the watch kind (file calls: opens, the dir-write and
 * change-attribute classes): SYSCALL, CWD, one PATH record per name the
 * kernel's lookups leave (audit_log_name: PARENT for a directory looked up
 * for a create or delete, CREATE, DELETE, NORMAL), PROCTITLE. The inodes
 * the BPF side saw are given their roles here, by call and by which one is
 * the directory of which. Pure functions, like format.c.
 */
#include <string.h>

#include "format.h"
#include "match.h"

#define O_CREAT_FLAG 0100

static bool open_creates(const struct ba_header *h)
{
	return ba_open_flags(h) & O_CREAT_FLAG;
}

/* The inodes the BPF side reported, as many as the header may hold. */
struct watch_objs {
	const struct ba_watch_obj *obj;
	unsigned int n;
};

static struct watch_objs watch_objs(const struct ba_event *ev)
{
	const struct ba_watch *w = &ev->hdr.x.watch;

	return (struct watch_objs){ w->obj, w->nobj < BA_WATCH_OBJS
						    ? w->nobj
						    : BA_WATCH_OBJS };
}

static const struct ba_watch_obj *obj_with(struct watch_objs o,
					   unsigned int flag)
{
	unsigned int i;

	for (i = 0; i < o.n; i++)
		if (o.obj[i].flags & flag)
			return &o.obj[i];
	return NULL;
}

/* The object that is @o's directory, among the others. */
static const struct ba_watch_obj *dir_of(struct watch_objs o,
					 const struct ba_watch_obj *child)
{
	unsigned int i;

	for (i = 0; child && child->parent_ino && i < o.n; i++)
		if (&o.obj[i] != child &&
		    o.obj[i].file.ino == child->parent_ino &&
		    o.obj[i].file.dev == child->file.dev)
			return &o.obj[i];
	return NULL;
}

/* The @nth object (0, 1, ...) that is in a directory among the others, or
 * that has no directory yet (an inode created by the call). */
static const struct ba_watch_obj *child_nth(struct watch_objs o,
					    unsigned int nth)
{
	unsigned int i;

	for (i = 0; i < o.n; i++)
		if ((dir_of(o, &o.obj[i]) || !o.obj[i].parent_ino) && !nth--)
			return &o.obj[i];
	return NULL;
}

/* The first object that is neither @a nor @b. */
static const struct ba_watch_obj *other(struct watch_objs o,
					const struct ba_watch_obj *a,
					const struct ba_watch_obj *b)
{
	unsigned int i;

	for (i = 0; i < o.n; i++)
		if (&o.obj[i] != a && &o.obj[i] != b)
			return &o.obj[i];
	return NULL;
}

static const struct ba_file *file_of(const struct ba_watch_obj *o)
{
	return o ? &o->file : NULL;
}

/* A PATH record named by a captured name field (NULL name: "(null)"). */
static void name_record(const struct ba_event *ev, int item, enum ba_field f,
			const struct ba_watch_obj *o, const char *nametype,
			const struct audit_stamp *st, struct strbuf *out)
{
	const struct ba_field_data *name = format_field(ev, f);

	format_path_record(item, name ? name->data : NULL, name ? name->len : 0,
			   file_of(o), nametype, st, out);
}

static void parent_record(const struct ba_event *ev, int item, enum ba_field f,
			  const struct ba_watch_obj *o,
			  const struct audit_stamp *st, struct strbuf *out)
{
	const struct ba_field_data *name = format_field(ev, f);

	format_parent_record(ev, item, name ? name->data : NULL,
			     name ? name->len : 0, file_of(o), st, out);
}

/* The PATH records; returns how many. With @out NULL, only counts. */
static int watch_paths(const struct ba_event *ev, const struct audit_stamp *st,
		       struct strbuf *out)
{
	struct watch_objs o = watch_objs(ev);
	const struct ba_watch_obj *a, *b, *c, *d;
	__u8 kind = ba_watch_call_of(ev->hdr.syscall).kind;

	switch (kind) {
	case BA_WC_NONE:
		return 0;
	case BA_WC_FD:
		if (out)
			format_path_record(0, NULL, 0,
					   file_of(obj_with(o, BA_WOBJ_OPENED)),
					   "NORMAL", st, out);
		return 1;
	case BA_WC_PATH:
		if (out)
			name_record(ev, 0, BA_FIELD_NAME,
				    o.n ? &o.obj[0] : NULL, "NORMAL", st, out);
		return 1;
	case BA_WC_OPEN:
		a = obj_with(o, BA_WOBJ_OPENED);
		b = obj_with(o, BA_WOBJ_PARENT);
		/* O_CREAT that made the file (the call stamped the directory):
		 * the directory, then the new file; else the file alone */
		if (!open_creates(&ev->hdr) || !b ||
		    !(b->flags & BA_WOBJ_STAMPED)) {
			if (out)
				name_record(ev, 0, BA_FIELD_NAME, a, "NORMAL",
					    st, out);
			return 1;
		}
		if (out) {
			parent_record(ev, 0, BA_FIELD_NAME, b, st, out);
			name_record(ev, 1, BA_FIELD_NAME, a, "CREATE", st, out);
		}
		return 2;
	case BA_WC_REMOVE:
	case BA_WC_CREATE:
		a = child_nth(o, 0);
		b = dir_of(o, a);
		if (!b)
			b = other(o, a, NULL);
		/* a second name is a symlink's target: an unlink has none
		 * (a stray one, in a hostile event, is not written) */
		if (!out)
			return 2 + (format_field(ev, BA_FIELD_NAME2) != NULL &&
				    kind == BA_WC_CREATE);
		parent_record(ev, 0, BA_FIELD_NAME, b, st, out);
		if (kind == BA_WC_REMOVE) {
			name_record(ev, 1, BA_FIELD_NAME, a, "DELETE", st, out);
			return 2;
		}
		/* symlink: its target, a name never looked up, comes first */
		if (format_field(ev, BA_FIELD_NAME2)) {
			name_record(ev, 1, BA_FIELD_NAME2, NULL, NULL, st, out);
			name_record(ev, 2, BA_FIELD_NAME, a, "CREATE", st, out);
			return 3;
		}
		name_record(ev, 1, BA_FIELD_NAME, a, "CREATE", st, out);
		return 2;
	case BA_WC_LINK:
		/* the directory is stamped, and the inode (one more link) */
		b = NULL;
		for (a = o.obj; a < o.obj + o.n && !b; a++)
			b = dir_of(o, a);
		a = other(o, b, NULL);
		if (out) {
			parent_record(ev, 0, BA_FIELD_NAME2, b, st, out);
			name_record(ev, 1, BA_FIELD_NAME, a, "NORMAL", st, out);
			name_record(ev, 2, BA_FIELD_NAME2, a, "CREATE", st,
				    out);
		}
		return 3;
	case BA_WC_RENAME:
		/* the renamed inode is in the old directory; a file it
		 * replaced is in the new one */
		a = child_nth(o, 0);
		b = child_nth(o, 1);
		/* stamp order differs by file system (tmpfs unlinks the
		 * replaced file first): that one has no link left */
		if (a && b && !a->nlink && b->nlink) {
			c = a;
			a = b;
			b = c;
		}
		c = dir_of(o, a);
		d = dir_of(o, b);
		if (!d)
			d = other(o, a, c);
		if (!d)
			d = c;
		if (b && (b == c || b == d))
			b = NULL; /* no file was replaced */
		/* refused: kernel audit's items stop where vfs_rename's
		 * first check, of the old name (may_delete), refuses it */
		if (ev->hdr.ret < 0 && ev->hdr.ret >= -4095) {
			if (out) {
				parent_record(ev, 0, BA_FIELD_NAME, c, st, out);
				parent_record(ev, 1, BA_FIELD_NAME2, d, st,
					      out);
				name_record(ev, 2, BA_FIELD_NAME, a, "DELETE",
					    st, out);
			}
			return 3;
		}
		if (!out)
			return b ? 5 : 4;
		parent_record(ev, 0, BA_FIELD_NAME, c, st, out);
		parent_record(ev, 1, BA_FIELD_NAME2, d, st, out);
		name_record(ev, 2, BA_FIELD_NAME, a, "DELETE", st, out);
		if (b)
			name_record(ev, 3, BA_FIELD_NAME2, b, "DELETE", st,
				    out);
		name_record(ev, b ? 4 : 3, BA_FIELD_NAME2, a, "CREATE", st,
			    out);
		return b ? 5 : 4;
	}
	return 0;
}

/* The call touched more inodes than the header holds: PATH records may
 * lack some identities. */
static void watch_extras(const struct ba_event *ev, struct strbuf *out)
{
	if (ev->hdr.x.watch.flags & BA_WATCH_OBJS_LOST)
		strbuf_adds(out, " inodes_lost=yes");
}

int format_watch(const struct ba_event *ev, const struct audit_stamp *st,
		 struct strbuf *out)
{
	int items = watch_paths(ev, st, NULL);

	format_syscall(ev, items, st, out, watch_extras);
	format_record_start(out, "CWD", st);
	format_path_field(out, "cwd=", format_field(ev, BA_FIELD_CWD));
	format_record_end(out);
	watch_paths(ev, st, out);
	format_proctitle(format_field(ev, BA_FIELD_PROCTITLE), st, out);
	return 3 + items;
}
