// SPDX-License-Identifier: GPL-2.0
/*
 * bpfauditd's control socket: a unix stream socket on which bpfauditctl
 * sends one command line and reads the answer. Only root and members of
 * control_group may connect (file mode and a peer-credentials check).
 */
#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"

#define CONTROL_LINE_MAX 256
#define CONTROL_REQUEST_MAX (1 << 20)	/* a rule file with -R */

int resolve_group(const char *name, gid_t *gid)
{
	struct group *gr = getgrnam(name);
	char *end;
	unsigned long v;

	if (gr) {
		*gid = gr->gr_gid;
		return 0;
	}
	errno = 0;
	v = strtoul(name, &end, 10);
	if (errno || *end || end == name)
		return -1;
	*gid = v;
	return 0;
}

int control_open(struct daemon *d, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(d->cfg.control_socket)];
	int fd;

	d->control_fd = -1;
	if (resolve_group(d->cfg.control_group, &d->control_gid)) {
		snprintf(err, errlen, "control_group: unknown group '%s'",
			 d->cfg.control_group);
		return -1;
	}
	if (strlen(d->cfg.control_socket) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control_socket: path too long");
		return -1;
	}
	strcpy(dir, d->cfg.control_socket);
	if (mkdir(dirname(dir), d->control_gid ? 0750 : 0700) &&
	    errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (d->control_gid && chown(dir, 0, d->control_gid) == 0)
		chmod(dir, 0750);
	strcpy(sa.sun_path, d->cfg.control_socket);
	unlink(sa.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chown(sa.sun_path, 0, d->control_gid) ||
	    chmod(sa.sun_path, d->control_gid ? 0660 : 0600) ||
	    listen(fd, 8)) {
		snprintf(err, errlen, "%s: %s", sa.sun_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	d->control_fd = fd;
	return 0;
}

static bool peer_in_group(int fd, gid_t gid)
{
	gid_t groups[256];
	socklen_t len = sizeof(groups);
	size_t i;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len))
		return false;
	for (i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == gid)
			return true;
	return false;
}

static bool peer_allowed(struct daemon *d, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	if (cred.uid == 0)
		return true;
	return d->control_gid &&
	       (cred.gid == d->control_gid || peer_in_group(fd, d->control_gid));
}

/* "load NAME" and the text of a rule file: bpfauditctl -R, -D, -e. */
static void answer_load(struct daemon *d, const char *name, const char *text,
			size_t len, struct strbuf *out)
{
	char err[RULE_ERR_MAX];
	struct strbuf warn;

	strbuf_init(&warn);
	if (rules_apply_text(d, name, text, len, &warn, err, sizeof(err)))
		strbuf_printf(out, "error: %s\n", err);
	else
		strbuf_adds(out, "ok\n");
	if (warn.len)
		strbuf_add(out, warn.buf, warn.len);
	strbuf_free(&warn);
	daemon_flush_output(d);
}

static void answer_resume(struct daemon *d, struct strbuf *out)
{
	int ret = daemon_resume(d);

	if (ret < 0)
		strbuf_adds(out, "error: the log could not be reopened, logging"
			    " stays suspended; see the daemon's log\n");
	else if (ret > 0)
		strbuf_adds(out, "error: logging was suspended again at once;"
			    " see the daemon's log\n");
	else
		strbuf_adds(out, "ok\n");
}

static void answer(struct daemon *d, const char *cmd, const char *body,
		   size_t body_len, struct strbuf *out)
{
	if (!strncmp(cmd, "load ", 5)) {
		answer_load(d, cmd + 5, body, body_len, out);
	} else if (!strcmp(cmd, "list")) {
		rules_list(&d->rules, out);
	} else if (!strcmp(cmd, "summary")) {
		report_summary(d, out);
	} else if (!strcmp(cmd, "status")) {
		report_status(d, out);
	} else if (!strcmp(cmd, "rotate")) {
		strbuf_adds(out, daemon_rotate(d) ? "error: rotation failed\n" :
						    "ok\n");
	} else if (!strcmp(cmd, "reload")) {
		strbuf_adds(out, daemon_reload(d) ?
				 "error: configuration not reloaded, see the"
				 " daemon's log\n" : "ok\n");
	} else if (!strcmp(cmd, "resume")) {
		answer_resume(d, out);
	} else {
		strbuf_printf(out, "error: unknown command '%.64s'\n", cmd);
	}
}

/* The request: a command line, then (load) a body until the client's EOF. */
static int read_request(int fd, struct strbuf *in)
{
	char buf[4096];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		strbuf_add(in, buf, n);
		if (in->failed || in->len > CONTROL_REQUEST_MAX)
			return -1;
		/* a plain command ends with its line */
		if (strncmp(in->buf, "load ", 5) && memchr(in->buf, '\n',
							   in->len))
			break;
	}
	return in->len ? 0 : -1;
}

static void serve_one(struct daemon *d, int fd)
{
	/* short: the ring is not read while a client is served */
	struct timeval tv = { .tv_usec = 200000 };
	struct strbuf out, in;
	char *nl;
	ssize_t n;
	size_t off = 0;

	strbuf_init(&out);
	strbuf_init(&in);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (!peer_allowed(d, fd)) {
		strbuf_adds(&out, "error: permission denied\n");
		goto reply;
	}
	if (read_request(fd, &in)) {
		strbuf_adds(&out, "error: request too large or empty\n");
		goto reply;
	}
	nl = memchr(in.buf, '\n', in.len);
	if (!nl || nl - in.buf >= CONTROL_LINE_MAX) {
		strbuf_adds(&out, "error: malformed request\n");
		goto reply;
	}
	*nl = '\0';
	if (nl > in.buf && nl[-1] == '\r')
		nl[-1] = '\0';
	answer(d, in.buf, nl + 1, in.len - (nl + 1 - in.buf), &out);
reply:
	while (off < out.len) {
		n = send(fd, out.buf + off, out.len - off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += n;
	}
	strbuf_free(&in);
	strbuf_free(&out);
}

void control_serve(struct daemon *d)
{
	int fd;

	while ((fd = accept4(d->control_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		serve_one(d, fd);
		close(fd);
	}
}

void control_close(struct daemon *d)
{
	if (d->control_fd < 0)
		return;
	close(d->control_fd);
	unlink(d->cfg.control_socket);
	d->control_fd = -1;
}
