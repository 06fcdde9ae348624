// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: config_parse_buffer() on arbitrary text. On success every
 * value is within its documented range, every string is NUL-terminated
 * inside its array, and parsing the same text again changes nothing (each
 * line sets an absolute value). On failure the configuration is untouched
 * and the message reads "NAME:LINE: reason" with a line that exists. The
 * error buffer is exactly sized, also tiny, so ASan sees any overrun.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz_check.h"

#define NAME "fuzz.conf"

static void check_string(const char *what, const char *s, size_t size,
			 bool path)
{
	size_t n = strnlen(s, size);

	if (n == size)
		fc_fail("%s is not NUL-terminated within %zu bytes", what,
			size);
	if (path && s[0] != '/')
		fc_fail("%s is not absolute: %s", what, fc_show(s, n));
	if (!path && !n)
		fc_fail("%s is empty", what);
}

static void check_space(const char *what, const struct disk_space *s)
{
	if (s->percent ? s->value < 1 || s->value > 99 :
			 s->value > 2147483647ul)
		fc_fail("%s out of range", what);
}

/* An action in range, a program exactly with exec, and absolute. */
static void check_action(const char *what, const struct disk_action_conf *a)
{
	if (!strcmp(disk_action_name(a->action), "unknown"))
		fc_fail("%s without a name", what);
	if (a->action == DISK_EXEC)
		check_string(what, a->exe, sizeof(a->exe), true);
	else if (a->exe[0])
		fc_fail("%s has a program without exec", what);
}

static void check_disk(const struct bpfaudit_config *c)
{
	const struct disk_space *s = &c->space_left, *a = &c->admin_space_left;

	check_space("space_left", s);
	check_space("admin_space_left", a);
	if (s->percent == a->percent && s->value && s->value <= a->value)
		fc_fail("space_left not above admin_space_left");
	check_action("space_left_action", &c->space_left_action);
	check_action("admin_space_left_action", &c->admin_space_left_action);
	check_action("disk_full_action", &c->disk_full_action);
	check_action("disk_error_action", &c->disk_error_action);
	if (c->disk_error_action.action == DISK_ROTATE)
		fc_fail("disk_error_action = rotate");
}

static bool same_action(const struct disk_action_conf *a,
			const struct disk_action_conf *b)
{
	return a->action == b->action && !strcmp(a->exe, b->exe);
}

static bool same_disk(const struct bpfaudit_config *a,
		      const struct bpfaudit_config *b)
{
	return a->space_left.value == b->space_left.value &&
	       a->space_left.percent == b->space_left.percent &&
	       a->admin_space_left.value == b->admin_space_left.value &&
	       a->admin_space_left.percent == b->admin_space_left.percent &&
	       same_action(&a->space_left_action, &b->space_left_action) &&
	       same_action(&a->admin_space_left_action,
			   &b->admin_space_left_action) &&
	       same_action(&a->disk_full_action, &b->disk_full_action) &&
	       same_action(&a->disk_error_action, &b->disk_error_action);
}

static void check_config(const struct bpfaudit_config *c)
{
	check_string("log_file", c->log_file, sizeof(c->log_file), true);
	check_string("log_group", c->log_group, sizeof(c->log_group), false);
	check_string("state_dir", c->state_dir, sizeof(c->state_dir), true);
	check_string("control_socket", c->control_socket,
		     sizeof(c->control_socket), true);
	check_string("control_group", c->control_group,
		     sizeof(c->control_group), false);
	if ((unsigned int)c->flush > FLUSH_SYNC ||
	    (unsigned int)c->max_log_file_action > SIZE_KEEP_LOGS ||
	    (unsigned int)c->attach_mode > ATTACH_TRACEPOINT)
		fc_fail("an enum out of range");
	if (!strcmp(flush_mode_name(c->flush), "unknown") ||
	    !strcmp(size_action_name(c->max_log_file_action), "unknown") ||
	    !strcmp(attach_mode_name(c->attach_mode), "unknown"))
		fc_fail("an enum without a name");
	if (c->freq > 2147483647u || c->max_log_file > 4095 ||
	    c->num_logs > 999 || c->argv_max < 4096 ||
	    c->argv_max > 16777216 || c->ringbuf_size < 1 ||
	    c->ringbuf_size > 1024 ||
	    (c->ringbuf_size & (c->ringbuf_size - 1)) ||
	    c->promise_timeout < 10 || c->promise_timeout > 600000 ||
	    c->promise_max_mem < 1 || c->promise_max_mem > 4096 ||
	    c->loss_report_interval < 1 || c->loss_report_interval > 3600)
		fc_fail("a number out of range");
	check_disk(c);
}

/* Field by field: struct assignment need not copy padding. */
static bool same_config(const struct bpfaudit_config *a,
			const struct bpfaudit_config *b)
{
	return !strcmp(a->log_file, b->log_file) &&
	       !strcmp(a->log_group, b->log_group) && a->flush == b->flush &&
	       a->freq == b->freq && a->max_log_file == b->max_log_file &&
	       a->num_logs == b->num_logs &&
	       a->max_log_file_action == b->max_log_file_action &&
	       a->attach_mode == b->attach_mode &&
	       a->argv_max == b->argv_max &&
	       a->ringbuf_size == b->ringbuf_size &&
	       a->promise_timeout == b->promise_timeout &&
	       a->promise_max_mem == b->promise_max_mem &&
	       a->loss_report_interval == b->loss_report_interval &&
	       !strcmp(a->state_dir, b->state_dir) &&
	       !strcmp(a->control_socket, b->control_socket) &&
	       !strcmp(a->control_group, b->control_group) &&
	       same_disk(a, b);
}

static void check_error(const char *err, const uint8_t *data, size_t size)
{
	const char *p = err + strlen(NAME);
	unsigned long line = 0, lines = 1;
	size_t i;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (strncmp(err, NAME ":", strlen(NAME) + 1))
		fc_fail("error without the file name: %s",
			fc_show(err, strlen(err)));
	p++;
	if (*p < '1' || *p > '9')
		fc_fail("error without a line number: %s",
			fc_show(err, strlen(err)));
	while (*p >= '0' && *p <= '9')
		line = line * 10 + (*p++ - '0');
	if (strncmp(p, ": ", 2) || !p[2])
		fc_fail("error without a reason: %s",
			fc_show(err, strlen(err)));
	if (line > lines)
		fc_fail("error names line %lu of %lu", line, lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t errlens[] = { 1, 16, 8192 };
	struct bpfaudit_config *c, *copy, *again;
	char *text, *err;
	size_t e;
	int ret;

	/* exactly sized, no NUL after it: the parser must not look past */
	text = malloc(size ? size : 1);
	c = malloc(sizeof(*c));
	copy = malloc(sizeof(*copy));
	again = malloc(sizeof(*again));
	if (!text || !c || !copy || !again)
		fc_fail("out of memory");
	memcpy(text, data, size);
	for (e = 0; e < sizeof(errlens) / sizeof(errlens[0]); e++) {
		config_defaults(c);
		memcpy(copy, c, sizeof(*c));
		err = malloc(errlens[e]);
		if (!err)
			fc_fail("out of memory");
		memset(err, 'X', errlens[e]);
		ret = config_parse_buffer(NAME, text, size, c, err,
					  errlens[e]);
		if (ret != 0 && ret != -1)
			fc_fail("config_parse_buffer returned %d", ret);
		if (ret) {
			if (memcmp(c, copy, sizeof(*c)))
				fc_fail("a failed parse changed the config");
			if (!memchr(err, '\0', errlens[e]))
				fc_fail("error text not NUL-terminated");
			if (errlens[e] > 4096 + 256)
				check_error(err, data, size);
		} else {
			check_config(c);
			memcpy(again, c, sizeof(*c));
			if (config_parse_buffer(NAME, text, size, again, err,
						errlens[e]))
				fc_fail("the text failed on its own result");
			if (!same_config(c, again))
				fc_fail("parsing twice is not idempotent");
		}
		free(err);
	}
	/* Also with no error buffer at all. */
	config_defaults(c);
	memcpy(copy, c, sizeof(*c));
	if (config_parse_buffer(NAME, text, size, c, NULL, 0) &&
	    memcmp(c, copy, sizeof(*c)))
		fc_fail("a failed parse changed the config");
	free(text);
	free(c);
	free(copy);
	free(again);
	return 0;
}
