/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The auditd sink: records go into a running auditd over its remote
 * logging protocol (the one audisp-remote speaks, auditd's
 * tcp_listen_port), each record one message, each message acknowledged by
 * auditd once it is in auditd's log. Records wait in a durable queue
 * (sink_queue.h) until acknowledged, so while auditd is down or restarting
 * nothing is lost and order is kept.
 */
#ifndef BPFAUDIT_SINK_AUDITD_H
#define BPFAUDIT_SINK_AUDITD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "strbuf.h"

/* The wire format (audit-userspace lib/private.h): a 16-byte header,
 * numbers least significant byte first, then LENGTH bytes of text. */
#define RMW_HEADER_SIZE		16
#define RMW_MAGIC		0xff0000feu
#define RMW_TYPE_MESSAGE	0x00000000u
#define RMW_TYPE_HEARTBEAT	0x00000001u
#define RMW_TYPE_REPLYMASK	0x40000000u
#define RMW_TYPE_FATALMASK	0x20000000u
#define RMW_TYPE_WARNMASK	0x10000000u
#define RMW_TYPE_ACK		0x40000000u
#define RMW_TYPE_ENDING		0x40000001u
#define RMW_TYPE_DISKLOW	0x50000001u
#define RMW_TYPE_DISKFULL	0x60000001u
#define RMW_TYPE_DISKERROR	0x60000002u
/* auditd reads a message whole into MAX_AUDIT_MESSAGE_LENGTH (8970) bytes,
 * header included: the longest text it takes. */
#define RMW_MAX_TEXT		(8970 - RMW_HEADER_SIZE)

struct rmw_header {
	uint8_t header_version;
	uint8_t message_version;
	uint32_t type;
	uint16_t length;
	uint32_t seq;
};

void rmw_pack(unsigned char *h, uint32_t type, uint16_t length, uint32_t seq);

/*
 * The message at the start of @buf: its whole size (header and text) with
 * *@h filled, 0 when more bytes are needed, -1 when @buf does not start
 * with a protocol header (wrong magic, text longer than auditd's limit).
 */
ssize_t rmw_parse(const unsigned char *buf, size_t len, struct rmw_header *h);

/*
 * Copy the newline-terminated records of @in to @out, each prefixed with
 * "node=@node " (no prefix when @node is empty) and cut at a field
 * boundary when it would not fit into one message. Returns the number of
 * records; *@cut counts the records that were cut.
 */
unsigned int sink_prefix_records(const char *node, const char *in, size_t len,
				 struct strbuf *out, unsigned int *cut);

/*
 * The node name for @fmt, as auditd's name_format computes it (spaces and
 * other bytes ausearch would misread become '_'); "" for none. Returns 0,
 * or -1 with @err filled.
 */
int sink_node_name(enum name_format fmt, const char *user, char *out,
		   size_t outlen, char *err, size_t errlen);

struct sink_auditd_opts {
	const char *host;
	unsigned int port;
	unsigned int local_port;	/* 0: any */
	const char *node;		/* "" for none */
	const char *queue_dir;
	uint64_t queue_max;		/* bytes */
	enum queue_full_action full_action;
	unsigned int sync_every;	/* fdatasync the queue every so many
					 * records; 0 never */
	/* messages of the sink, for syslog or stderr */
	void (*msg)(void *ctx, int prio, const char *text);
	void *ctx;
};

struct sink_auditd;

/*
 * Open the queue and connect to auditd, which must answer a heartbeat:
 * a start-up that cannot reach auditd fails with a message naming the
 * address and the auditd.conf settings it needs. Returns NULL with @err
 * filled.
 */
struct sink_auditd *sink_auditd_open(const struct sink_auditd_opts *o,
				     char *err, size_t errlen);

/* An fd that polls readable when the sink has work (an epoll fd). */
int sink_auditd_poll_fd(const struct sink_auditd *s);

/* Do what is due: read acknowledgements, send, reconnect, heartbeat. */
void sink_auditd_service(struct sink_auditd *s);

/*
 * Queue @len bytes of newline-terminated records for auditd. Returns 0;
 * -ENOSPC when the queue is full and they were refused (full action
 * ignore or syslog); -EAGAIN when full with full action suspend: the
 * caller keeps them and stops reading new events until
 * sink_auditd_blocked() says false; or another -errno.
 */
int sink_auditd_write(struct sink_auditd *s, const char *buf, size_t len);

/* Full with full action suspend: no new records until auditd catches up. */
bool sink_auditd_blocked(struct sink_auditd *s);

/* The daemon stops: from now on a full queue refuses (as syslog does)
 * rather than holding records back. */
void sink_auditd_stopping(struct sink_auditd *s);

/* The settings a reload may change. */
void sink_auditd_reconfigure(struct sink_auditd *s, uint64_t queue_max,
			     enum queue_full_action action,
			     unsigned int sync_every);

/* "sink.*" lines for bpfauditctl status. */
void sink_auditd_status(struct sink_auditd *s, struct strbuf *out);

/* Deliver for up to @ms milliseconds, or until the queue is empty.
 * Returns the records still queued. */
uint64_t sink_auditd_drain(struct sink_auditd *s, unsigned int ms);

/* Close; what is not acknowledged stays queued for the next start. */
void sink_auditd_close(struct sink_auditd *s);

#endif /* BPFAUDIT_SINK_AUDITD_H */
