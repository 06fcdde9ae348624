// SPDX-License-Identifier: GPL-2.0
/*
 * The auditd sink. Records are queued on disk first (sink_queue.c), then
 * sent to auditd's remote-logging listener one record a message, up to
 * SINK_WINDOW messages ahead of the acknowledgements. auditd answers each
 * message, in order and with its sequence number, once the record is in
 * its log; only then does the record leave the queue. A connection that
 * breaks (auditd stopping says so with an ENDING message) is made again
 * with a growing delay, and sending restarts at the first record not
 * acknowledged, so nothing is lost and, as auditd acknowledges every
 * record it has written before it closes, nothing is written twice.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "sink_auditd.h"
#include "sink_queue.h"

/* Messages sent ahead of the acknowledgements. auditd writes its replies
 * without waiting, so what it sends must fit into the socket buffer. */
#define SINK_WINDOW		64
#define SINK_OUT_MAX		(256 * 1024)
#define STARTUP_TIMEOUT_MS	3000
#define CONNECT_TIMEOUT_NS	(5 * 1000000000ull)
#define ACK_TIMEOUT_NS		(30 * 1000000000ull)
#define HEARTBEAT_NS		(30 * 1000000000ull)
#define BACKOFF_MIN_NS		(100 * 1000000ull)
#define BACKOFF_MAX_NS		(5 * 1000000000ull)
#define BACKOFF_REFUSED_NS	(5 * 1000000000ull)
#define BACKOFF_ENDING_NS	(500 * 1000000ull)
/* The cursor goes to disk at most this often (and at close): a crash of
 * bpfauditd resends at most what auditd acknowledged since. */
#define CURSOR_SAVE_NS		(1000000000ull)

enum conn_state { CONN_DOWN, CONN_CONNECTING, CONN_UP };

struct inflight {
	uint32_t seq;
	bool heartbeat;
	uint32_t bytes;		/* in the queue, newline included */
	struct sq_pos end;
	uint64_t sent_ns;
};

struct sink_auditd {
	struct sink_auditd_opts o;
	char host[256];
	char node[256];
	char where[300];		/* host:port, for messages */
	struct sink_queue q;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int ep;
	int fd;
	enum conn_state state;
	uint64_t retry_at, backoff, connect_started, last_io, cursor_saved;
	uint32_t seq;
	struct inflight fl[SINK_WINDOW];
	unsigned int fl_head, fl_count;
	struct strbuf out;		/* framed, not yet written */
	size_t out_pos;
	bool want_out;
	unsigned char in[RMW_HEADER_SIZE + 8970];
	size_t in_len;
	struct strbuf prep;
	bool blocked, full_warned, down_warned, low_warned, stopping;
	bool refused_warned;
	bool starting;			/* first contact: errors go to err */
	size_t blocked_need;
	struct sq_pos sent_hw;		/* furthest position ever sent */
	struct {
		uint64_t sent, resent, acked, refused, cut, connects,
			 disconnects;
	} st;
	char last_error[256];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void __attribute__((format(printf, 3, 4)))
say(struct sink_auditd *s, int prio, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (s->o.msg)
		s->o.msg(s->o.ctx, prio, text);
}

/* ---- wire format ---- */

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t get32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void rmw_pack(unsigned char *h, uint32_t type, uint16_t length, uint32_t seq)
{
	put32(h, RMW_MAGIC);
	h[4] = 0;		/* header version */
	h[5] = 0;		/* message version */
	put32(h + 6, type);
	h[10] = length;
	h[11] = length >> 8;
	put32(h + 12, seq);
}

ssize_t rmw_parse(const unsigned char *buf, size_t len, struct rmw_header *h)
{
	size_t n;

	if (len < 4)
		return 0;
	if (get32(buf) != RMW_MAGIC)
		return -1;
	if (len < RMW_HEADER_SIZE)
		return 0;
	h->header_version = buf[4];
	h->message_version = buf[5];
	h->type = get32(buf + 6);
	h->length = buf[10] | buf[11] << 8;
	h->seq = get32(buf + 12);
	if (h->length > RMW_MAX_TEXT)
		return -1;
	n = RMW_HEADER_SIZE + h->length;
	return len < n ? 0 : (ssize_t)n;
}

unsigned int sink_prefix_records(const char *node, const char *in, size_t len,
				 struct strbuf *out, unsigned int *cut)
{
	size_t plen = *node ? strlen(node) + 6 : 0, room, pos = 0;
	unsigned int n = 0;

	*cut = 0;
	room = plen < RMW_MAX_TEXT ? RMW_MAX_TEXT - plen : 0;
	while (pos < len) {
		const char *line = in + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - line) : len - pos;

		pos += l + (nl ? 1 : 0);
		if (!l)
			continue;
		if (plen) {
			strbuf_adds(out, "node=");
			strbuf_adds(out, node);
			strbuf_addc(out, ' ');
		}
		if (l > room) {
			/* drop whole fields from the end, the extra ones */
			size_t c = room;

			while (c > 0 && line[c] != ' ')
				c--;
			l = c ? c : room;
			(*cut)++;
		}
		strbuf_add(out, line, l);
		strbuf_addc(out, '\n');
		n++;
	}
	return n;
}

int sink_node_name(enum name_format fmt, const char *user, char *out,
		   size_t outlen, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	char host[256], num[INET6_ADDRSTRLEN];
	const char *name = host;
	size_t i;
	int rc;

	out[0] = '\0';
	if (fmt == NAME_FORMAT_NONE)
		return 0;
	if (fmt == NAME_FORMAT_USER) {
		if (!*user) {
			snprintf(err, errlen, "name_format = user needs a name");
			return -1;
		}
		name = user;
	} else if (gethostname(host, sizeof(host))) {
		snprintf(err, errlen, "name_format: no host name: %s",
			 strerror(errno));
		return -1;
	}
	host[sizeof(host) - 1] = '\0';
	if (fmt == NAME_FORMAT_FQD || fmt == NAME_FORMAT_NUMERIC) {
		hints.ai_flags = AI_ADDRCONFIG |
			(fmt == NAME_FORMAT_FQD ? AI_CANONNAME : AI_PASSIVE);
		rc = getaddrinfo(host, NULL, &hints, &ai);
		if (rc) {
			snprintf(err, errlen, "name_format: cannot resolve"
				 " host name %s (%s)", host, gai_strerror(rc));
			return -1;
		}
		if (fmt == NAME_FORMAT_FQD && ai->ai_canonname) {
			name = ai->ai_canonname;
		} else if (fmt == NAME_FORMAT_NUMERIC) {
			const void *a = ai->ai_family == AF_INET ?
				(const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr :
				(const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;

			if (!inet_ntop(ai->ai_family, a, num, sizeof(num)))
				num[0] = '\0';
			name = num;
		}
	}
	snprintf(out, outlen, "%s", name);
	if (ai)
		freeaddrinfo(ai);
	/* one word of printable ASCII: ausearch reads node= up to a space */
	for (i = 0; out[i]; i++)
		if ((unsigned char)out[i] <= ' ' ||
		    (unsigned char)out[i] >= 0x7f || out[i] == '"')
			out[i] = '_';
	if (!out[0]) {
		snprintf(err, errlen, "name_format: the node name is empty");
		return -1;
	}
	return 0;
}

/* ---- connection ---- */

static void set_events(struct sink_auditd *s, uint32_t events)
{
	struct epoll_event ev = { .events = events };

	if (s->fd >= 0)
		epoll_ctl(s->ep, EPOLL_CTL_MOD, s->fd, &ev);
}

static void set_error(struct sink_auditd *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_error(struct sink_auditd *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->last_error, sizeof(s->last_error), fmt, ap);
	va_end(ap);
}

static void disconnect(struct sink_auditd *s, uint64_t backoff)
{
	if (s->fd >= 0) {
		epoll_ctl(s->ep, EPOLL_CTL_DEL, s->fd, NULL);
		close(s->fd);
		s->st.disconnects++;
	}
	if (!s->down_warned && !s->starting)
		say(s, LOG_WARNING, "auditd sink: %s: %s; %llu records queued,"
		    " reconnecting", s->where, s->last_error,
		    (unsigned long long)s->q.records);
	s->down_warned = true;
	s->fd = -1;
	s->state = CONN_DOWN;
	s->fl_count = 0;
	s->fl_head = 0;
	strbuf_reset(&s->out);
	s->out_pos = 0;
	s->want_out = false;
	s->in_len = 0;
	sq_rewind(&s->q);
	if (backoff > s->backoff)
		s->backoff = backoff;
	s->retry_at = now_ns() + s->backoff;
	s->backoff = s->backoff * 2 > BACKOFF_MAX_NS ? BACKOFF_MAX_NS :
						       s->backoff * 2;
}

static void now_up(struct sink_auditd *s)
{
	int one = 1;

	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->state = CONN_UP;
	s->last_io = now_ns();
	s->st.connects++;
	sq_rewind(&s->q);
	set_events(s, EPOLLIN);
	s->low_warned = false;
	if (s->down_warned && !s->starting && !s->refused_warned)
		say(s, LOG_NOTICE, "auditd sink: %s: connected again, %llu"
		    " records queued", s->where,
		    (unsigned long long)s->q.records);
	s->down_warned = false;
}

static int bind_local(struct sink_auditd *s, int fd)
{
	struct sockaddr_storage la;
	socklen_t len;
	int one = 1;

	if (!s->o.local_port)
		return 0;
	memset(&la, 0, sizeof(la));
	la.ss_family = s->addr.ss_family;
	if (la.ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&la)->sin6_port = htons(s->o.local_port);
		len = sizeof(struct sockaddr_in6);
	} else {
		((struct sockaddr_in *)&la)->sin_port = htons(s->o.local_port);
		len = sizeof(struct sockaddr_in);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	return bind(fd, (struct sockaddr *)&la, len);
}

/* Start a connection: 0 when connected or under way, -errno. */
static int start_connect(struct sink_auditd *s)
{
	struct epoll_event ev = { .events = EPOLLOUT };
	int fd;

	fd = socket(s->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind_local(s, fd)) {
		int e = errno;

		close(fd);
		set_error(s, "binding local port %u (auditd_local_port): %s",
			  s->o.local_port, strerror(e));
		return -e;
	}
	if (connect(fd, (struct sockaddr *)&s->addr, s->addrlen) &&
	    errno != EINPROGRESS) {
		int e = errno;

		close(fd);
		set_error(s, "connect: %s", strerror(e));
		return -e;
	}
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev)) {
		int e = errno;

		close(fd);
		return -e;
	}
	s->fd = fd;
	s->state = CONN_CONNECTING;
	s->connect_started = now_ns();
	return 0;
}

static void finish_connect(struct sink_auditd *s)
{
	struct pollfd p = { .fd = s->fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int e = 0;

	/* writable (or failed) once the connection is made */
	if (poll(&p, 1, 0) <= 0)
		return;
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &len))
		e = errno;
	if (e == EINPROGRESS || e == EALREADY)
		return;
	if (e) {
		set_error(s, "connect: %s", strerror(e));
		disconnect(s, 0);
		return;
	}
	now_up(s);
}

static void push(struct sink_auditd *s, uint32_t type, const char *text,
		 size_t len, const struct sq_pos *end, size_t bytes)
{
	unsigned char h[RMW_HEADER_SIZE];
	struct inflight *f;

	if (++s->seq == 0)
		s->seq = 1;	/* auditd's ENDING carries 0 */
	rmw_pack(h, type, len, s->seq);
	strbuf_add(&s->out, h, sizeof(h));
	strbuf_add(&s->out, text, len);
	f = &s->fl[(s->fl_head + s->fl_count) % SINK_WINDOW];
	s->fl_count++;
	f->seq = s->seq;
	f->heartbeat = type == RMW_TYPE_HEARTBEAT;
	f->bytes = bytes;
	f->sent_ns = now_ns();
	if (end) {
		f->end = *end;
		s->st.sent++;
		if (end->seg < s->sent_hw.seg ||
		    (end->seg == s->sent_hw.seg && end->off <= s->sent_hw.off))
			s->st.resent++;
		else
			s->sent_hw = *end;
	}
}

/* Frame what the window allows from the queue. */
static void fill(struct sink_auditd *s)
{
	const char *rec;
	struct sq_pos end;
	size_t len, bytes;
	int r;

	while (s->state == CONN_UP && s->fl_count < SINK_WINDOW &&
	       s->out.len - s->out_pos < SINK_OUT_MAX) {
		r = sq_next(&s->q, &rec, &len, &end);
		if (r < 0) {
			set_error(s, "reading the queue: %s", strerror(-r));
			disconnect(s, BACKOFF_MAX_NS);
			return;
		}
		if (!r)
			break;
		/* a record too long for auditd's buffer goes cut, rather
		 * than taking the connection down for ever */
		bytes = len + 1;
		if (len > RMW_MAX_TEXT) {
			len = RMW_MAX_TEXT;
			s->st.cut++;
		}
		push(s, RMW_TYPE_MESSAGE, rec, len, &end, bytes);
	}
}

static void flush_out(struct sink_auditd *s)
{
	bool want;

	while (s->state == CONN_UP && s->out_pos < s->out.len) {
		ssize_t n = send(s->fd, s->out.buf + s->out_pos,
				 s->out.len - s->out_pos, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			set_error(s, "send: %s", strerror(errno));
			disconnect(s, 0);
			return;
		}
		s->out_pos += n;
		s->last_io = now_ns();
	}
	if (s->state != CONN_UP)
		return;
	if (s->out_pos == s->out.len) {
		strbuf_reset(&s->out);
		s->out_pos = 0;
	}
	want = s->out_pos < s->out.len;
	if (want != s->want_out)
		set_events(s, EPOLLIN | (want ? EPOLLOUT : 0));
	s->want_out = want;
}

/* One reply of auditd. Returns -1 when the connection went. */
static int on_reply(struct sink_auditd *s, const struct rmw_header *h,
		    const char *text)
{
	struct inflight *f;
	int r;

	if (!(h->type & RMW_TYPE_REPLYMASK))
		return 0;
	if (h->type == RMW_TYPE_ENDING) {
		set_error(s, "auditd is stopping");
		disconnect(s, BACKOFF_ENDING_NS);
		return -1;
	}
	f = &s->fl[s->fl_head];
	if (!s->fl_count || f->seq != h->seq) {
		set_error(s, "reply %u does not match message %u", h->seq,
			  s->fl_count ? f->seq : 0);
		disconnect(s, 0);
		return -1;
	}
	if (h->type & RMW_TYPE_FATALMASK) {
		/* not written (disk full, disk error, suspended logging):
		 * offer it again later */
		set_error(s, "auditd refused a record: %s (type %#x)",
			  *text ? text : "no reason given", h->type);
		/* said once, until auditd takes records again */
		if (!s->refused_warned)
			say(s, LOG_WARNING, "auditd sink: %s: %s; %llu records"
			    " queued, trying again every few seconds",
			    s->where, s->last_error,
			    (unsigned long long)s->q.records);
		s->refused_warned = true;
		s->down_warned = true;
		disconnect(s, BACKOFF_REFUSED_NS);
		return -1;
	}
	if ((h->type & RMW_TYPE_WARNMASK) && !s->low_warned) {
		say(s, LOG_WARNING, "auditd sink: %s warns: %s", s->where,
		    *text ? text : "disk space low");
		s->low_warned = true;
	}
	s->fl_head = (s->fl_head + 1) % SINK_WINDOW;
	s->fl_count--;
	s->backoff = BACKOFF_MIN_NS;
	if (s->refused_warned)
		say(s, LOG_NOTICE, "auditd sink: %s takes records again",
		    s->where);
	s->refused_warned = false;
	if (f->heartbeat)
		return 0;
	s->st.acked++;
	r = sq_ack(&s->q, &f->end, f->bytes);
	if (r) {
		set_error(s, "saving the queue cursor: %s", strerror(-r));
		say(s, LOG_ERR, "auditd sink: %s", s->last_error);
	}
	return 0;
}

static void read_replies(struct sink_auditd *s)
{
	struct rmw_header h;
	char text[RMW_MAX_TEXT + 1];
	ssize_t n, m;

	while (s->state == CONN_UP) {
		n = read(s->fd, s->in + s->in_len, sizeof(s->in) - s->in_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			set_error(s, "receive: %s", strerror(errno));
			disconnect(s, 0);
			return;
		}
		if (n == 0) {
			set_error(s, "auditd closed the connection");
			disconnect(s, 0);
			return;
		}
		s->in_len += n;
		s->last_io = now_ns();
		while ((m = rmw_parse(s->in, s->in_len, &h)) > 0) {
			memcpy(text, s->in + RMW_HEADER_SIZE, h.length);
			text[h.length] = '\0';
			memmove(s->in, s->in + m, s->in_len - m);
			s->in_len -= m;
			if (on_reply(s, &h, text))
				return;
		}
		if (m < 0) {
			set_error(s, "auditd sent something that is not a"
				  " reply of its protocol");
			disconnect(s, 0);
			return;
		}
	}
}

/*
 * Whether @then is more than @ns before @now. @then may be later than @now:
 * replies read after @now was taken move last_io past it, and an unsigned
 * difference would then call the connection idle (a heartbeat after every
 * acknowledged batch).
 */
static bool longer_ago(uint64_t then, uint64_t now, uint64_t ns)
{
	return now > then && now - then > ns;
}

void sink_auditd_service(struct sink_auditd *s)
{
	struct epoll_event evs[4];
	uint64_t now;
	int n;

	n = epoll_wait(s->ep, evs, 4, 0);
	(void)n;
	now = now_ns();
	if (now - s->cursor_saved >= CURSOR_SAVE_NS) {
		int r = sq_save_cursor(&s->q);

		if (r)
			set_error(s, "saving the queue cursor: %s",
				  strerror(-r));
		s->cursor_saved = now;
	}
	if (s->state == CONN_DOWN && now >= s->retry_at) {
		if (start_connect(s))
			disconnect(s, 0);
	}
	if (s->state == CONN_CONNECTING) {
		finish_connect(s);
		if (s->state == CONN_CONNECTING &&
		    now - s->connect_started > CONNECT_TIMEOUT_NS) {
			set_error(s, "connect: timed out");
			disconnect(s, 0);
		}
	}
	if (s->state != CONN_UP)
		return;
	read_replies(s);
	if (s->state != CONN_UP)
		return;
	if (s->fl_count && longer_ago(s->fl[s->fl_head].sent_ns, now,
				      ACK_TIMEOUT_NS)) {
		set_error(s, "no acknowledgement for %llu s",
			  ACK_TIMEOUT_NS / 1000000000ull);
		disconnect(s, 0);
		return;
	}
	fill(s);
	if (!s->fl_count && longer_ago(s->last_io, now, HEARTBEAT_NS))
		push(s, RMW_TYPE_HEARTBEAT, "", 0, NULL, 0);
	flush_out(s);
}

int sink_auditd_poll_fd(const struct sink_auditd *s)
{
	return s->ep;
}

/* ---- start-up ---- */

static const char *conf_hint(const struct sink_auditd *s, char *buf,
			     size_t n)
{
	unsigned int lo = 32768, hi = 60999;
	char ports[128];
	FILE *f;

	if (s->o.local_port) {
		snprintf(ports, sizeof(ports), "tcp_client_ports covering %u"
			 " (auditd_local_port)", s->o.local_port);
	} else {
		f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
		if (f) {
			if (fscanf(f, "%u %u", &lo, &hi) != 2)
				lo = 32768, hi = 60999;
			fclose(f);
		}
		snprintf(ports, sizeof(ports), "tcp_client_ports unset or"
			 " covering %u-%u (bpfauditd connects from an"
			 " ephemeral port)", lo, hi);
	}
	snprintf(buf, n, "these auditd.conf lines are needed:"
		 " tcp_listen_port = %u; %s; tcp_max_per_addr = 1 or more;"
		 " transport = TCP; then restart auditd (see"
		 " bpfauditd.conf(5))", s->o.port, ports);
	return buf;
}

/* Wait for the first connection and its answer to a heartbeat. */
static int first_contact(struct sink_auditd *s, char *err, size_t errlen)
{
	uint64_t deadline = now_ns() + STARTUP_TIMEOUT_MS * 1000000ull;
	char hint[512];
	struct pollfd p;
	int r;

	r = start_connect(s);
	p.fd = s->ep;
	p.events = POLLIN;
	while (!r && s->state == CONN_CONNECTING && now_ns() < deadline) {
		poll(&p, 1, 50);
		finish_connect(s);
	}
	if (s->state != CONN_UP) {
		if (s->state == CONN_CONNECTING)
			set_error(s, "connect: timed out");
		snprintf(err, errlen, "auditd sink: cannot connect to auditd"
			 " at %s (%s): is auditd running and listening"
			 " there? %s", s->where, s->last_error,
			 conf_hint(s, hint, sizeof(hint)));
		return -1;
	}
	push(s, RMW_TYPE_HEARTBEAT, "", 0, NULL, 0);
	flush_out(s);
	while (s->state == CONN_UP && s->fl_count && now_ns() < deadline) {
		poll(&p, 1, 50);
		read_replies(s);
	}
	if (s->state == CONN_UP && !s->fl_count)
		return 0;
	if (s->state == CONN_UP)
		snprintf(err, errlen, "auditd sink: %s took the connection but"
			 " did not answer a heartbeat within %d ms: is it"
			 " auditd, with transport = TCP?", s->where,
			 STARTUP_TIMEOUT_MS);
	else
		snprintf(err, errlen, "auditd sink: auditd at %s closed the"
			 " connection without answering (%s): it refused it;"
			 " auditd's log says why in a DAEMON_ACCEPT res=no"
			 " record (op=port: tcp_client_ports, op=dup:"
			 " tcp_max_per_addr, op=wrap: hosts.allow and"
			 " hosts.deny). %s", s->where, s->last_error,
			 conf_hint(s, hint, sizeof(hint)));
	return -1;
}

static int resolve(struct sink_auditd *s, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV }, *ai;
	char port[16];
	int rc;

	snprintf(port, sizeof(port), "%u", s->o.port);
	rc = getaddrinfo(s->host, port, &hints, &ai);
	if (rc) {
		snprintf(err, errlen, "auditd sink: auditd_host '%s': %s",
			 s->host, gai_strerror(rc));
		return -1;
	}
	memcpy(&s->addr, ai->ai_addr, ai->ai_addrlen);
	s->addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

struct sink_auditd *sink_auditd_open(const struct sink_auditd_opts *o,
				     char *err, size_t errlen)
{
	struct sink_auditd *s = calloc(1, sizeof(*s));
	char qerr[512];

	if (!s) {
		snprintf(err, errlen, "auditd sink: out of memory");
		return NULL;
	}
	s->o = *o;
	s->fd = -1;
	s->q.tail_fd = s->q.rfd = -1;
	snprintf(s->host, sizeof(s->host), "%s", o->host);
	snprintf(s->node, sizeof(s->node), "%s", o->node);
	s->o.host = s->host;
	s->o.node = s->node;
	s->o.queue_dir = NULL;
	snprintf(s->where, sizeof(s->where), strchr(s->host, ':') ?
		 "[%s]:%u" : "%s:%u", s->host, o->port);
	s->backoff = BACKOFF_MIN_NS;
	strbuf_init(&s->out);
	strbuf_init(&s->prep);
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0) {
		snprintf(err, errlen, "auditd sink: epoll: %s",
			 strerror(errno));
		goto fail;
	}
	if (sq_open(&s->q, o->queue_dir, o->queue_max, o->sync_every, qerr,
		    sizeof(qerr))) {
		snprintf(err, errlen, "auditd sink: queue %s", qerr);
		goto fail;
	}
	s->starting = true;
	if (resolve(s, err, errlen) || first_contact(s, err, errlen))
		goto fail;
	s->starting = false;
	s->down_warned = false;
	if (s->q.records)
		say(s, LOG_NOTICE, "auditd sink: %llu records left queued from"
		    " before, delivered first",
		    (unsigned long long)s->q.records);
	sink_auditd_service(s);
	return s;
fail:
	sink_auditd_close(s);
	return NULL;
}

/* ---- records in ---- */

void sink_auditd_stopping(struct sink_auditd *s)
{
	s->stopping = true;
	s->blocked = false;
}

bool sink_auditd_blocked(struct sink_auditd *s)
{
	if (s->blocked && s->q.bytes + s->blocked_need <= s->q.max_bytes)
		s->blocked = false;
	return s->blocked;
}

int sink_auditd_write(struct sink_auditd *s, const char *buf, size_t len)
{
	unsigned int n, cut;
	int r;

	strbuf_reset(&s->prep);
	n = sink_prefix_records(s->node, buf, len, &s->prep, &cut);
	if (s->prep.failed)
		return -ENOMEM;
	r = sq_append(&s->q, s->prep.buf, s->prep.len, n);
	if (r == -ENOSPC) {
		bool never = s->prep.len > s->q.max_bytes;

		if (s->o.full_action == QUEUE_FULL_SUSPEND && !never &&
		    !s->stopping) {
			if (!s->full_warned)
				say(s, LOG_WARNING, "auditd sink: queue full"
				    " (%llu records, auditd_queue_max), not"
				    " reading new events until auditd takes"
				    " some", (unsigned long long)s->q.records);
			s->full_warned = true;
			s->blocked = true;
			s->blocked_need = s->prep.len;
			return -EAGAIN;
		}
		if (s->o.full_action != QUEUE_FULL_IGNORE && !s->full_warned)
			say(s, LOG_WARNING, "auditd sink: queue full (%llu"
			    " records, auditd_queue_max): new records are"
			    " dropped and counted as lost",
			    (unsigned long long)s->q.records);
		s->full_warned = true;
		s->st.refused += n;
		return -ENOSPC;
	}
	if (r) {
		set_error(s, "writing the queue: %s", strerror(-r));
		return r;
	}
	/* the episode ends when auditd has taken half of the queue */
	if (s->full_warned && s->q.bytes <= s->q.max_bytes / 2) {
		say(s, LOG_NOTICE, "auditd sink: the queue has room again");
		s->full_warned = false;
	}
	s->blocked = false;
	s->st.cut += cut;
	if (s->state == CONN_UP) {
		fill(s);
		flush_out(s);
	}
	return 0;
}

void sink_auditd_reconfigure(struct sink_auditd *s, uint64_t queue_max,
			     enum queue_full_action action,
			     unsigned int sync_every)
{
	sq_set_limits(&s->q, queue_max, sync_every);
	s->o.full_action = action;
}

void sink_auditd_status(struct sink_auditd *s, struct strbuf *out)
{
	static const char *const states[] = {
		[CONN_DOWN] = "disconnected",
		[CONN_CONNECTING] = "connecting",
		[CONN_UP] = "connected",
	};
	unsigned int i, inflight = 0;

	for (i = 0; i < s->fl_count; i++)
		inflight += !s->fl[(s->fl_head + i) % SINK_WINDOW].heartbeat;
	strbuf_printf(out, "sink = auditd\nsink.address = %s\n"
		      "sink.node = %s\nsink.state = %s\n"
		      "sink.queued_records = %llu\nsink.queued_bytes = %llu\n"
		      "sink.queue_max_bytes = %llu\nsink.in_flight = %u\n"
		      "sink.sent_records = %llu\nsink.resent_records = %llu\n"
		      "sink.acked_records = %llu\n"
		      "sink.refused_records = %llu\nsink.cut_records = %llu\n"
		      "sink.connects = %llu\nsink.disconnects = %llu\n"
		      "sink.suspended = %s\nsink.last_error = %s\n",
		      s->where, *s->node ? s->node : "(none)",
		      states[s->state],
		      (unsigned long long)s->q.records,
		      (unsigned long long)s->q.bytes,
		      (unsigned long long)s->q.max_bytes, inflight,
		      (unsigned long long)s->st.sent,
		      (unsigned long long)s->st.resent,
		      (unsigned long long)s->st.acked,
		      (unsigned long long)s->st.refused,
		      (unsigned long long)s->st.cut,
		      (unsigned long long)s->st.connects,
		      (unsigned long long)s->st.disconnects,
		      s->blocked ? "yes" : "no",
		      *s->last_error ? s->last_error : "(none)");
}

uint64_t sink_auditd_drain(struct sink_auditd *s, unsigned int ms)
{
	uint64_t deadline = now_ns() + ms * 1000000ull;
	struct pollfd p = { .fd = s->ep, .events = POLLIN };

	sink_auditd_service(s);
	while (s->q.records && now_ns() < deadline) {
		poll(&p, 1, 20);
		sink_auditd_service(s);
	}
	return s->q.records;
}

void sink_auditd_close(struct sink_auditd *s)
{
	if (!s)
		return;
	if (s->fd >= 0) {
		shutdown(s->fd, SHUT_RDWR);
		close(s->fd);
	}
	if (s->ep >= 0)
		close(s->ep);
	sq_close(&s->q);
	strbuf_free(&s->out);
	strbuf_free(&s->prep);
	free(s);
}
