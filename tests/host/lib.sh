# Shared by the host tests: TAP-style checks, a private bpfauditd, a
# private auditd, and waiting for events. Sourced, not run.
set -u

n=0
fails=0
T=
PIN_CONFS=()

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
# check DESCRIPTION COMMAND...: the command's status decides.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
finish() {
	echo "# $((n - fails)) passed, $fails failed"
	[ "$fails" -eq 0 ]
}

# The host tier needs root and the real tools; in CI their absence fails.
skip_or_fail() {
	echo "# $*"
	if [ -n "${CI:-}" ]; then exit 1; fi
	exit 77
}
need_root() {
	[ "$(id -u)" = 0 ] || skip_or_fail "host tests need root"
}
need_cmd() {
	local c
	for c; do
		command -v "$c" >/dev/null 2>&1 || skip_or_fail "missing $c"
	done
}

cleanup() {
	local conf
	[ -n "${DPID:-}" ] && kill -TERM "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	# the programs outlive the daemon, pinned: unload every test's own
	for conf in "${PIN_CONFS[@]}"; do
		[ -e "$conf" ] && "$BPFAUDITD" --unload -c "$conf" >/dev/null 2>&1
	done
	[ -n "${APID:-}" ] && stop_auditd
	[ -n "$T" ] && [ -z "${KEEP:-}" ] && rm -rf "$T"
	return 0
}
make_tmp() {
	T=$(mktemp -d /var/tmp/bpfaudit-test.XXXXXX)
	trap cleanup EXIT
}

# pin_dir_of DIR: the bpffs directory of write_conf DIR's pinned programs,
# one per configuration, so that no test takes over another's programs.
pin_dir_of() {
	echo "/sys/fs/bpf/bpfaudit-test-$(printf %s "$1" | md5sum | cut -c1-12)"
}

# write_conf DIR [KEY=VALUE...]: a bpfauditd.conf with everything under DIR
# (its pinned programs under pin_dir_of DIR, unloaded by cleanup).
write_conf() {
	local dir=$1 kv
	shift
	mkdir -p "$dir"
	PIN_CONFS+=("$dir/bpfauditd.conf")
	{
		echo "log_file = $dir/log/audit.log"
		echo "state_dir = $dir/state"
		echo "control_socket = $dir/ctl.sock"
		echo "rules_dir = $dir/rules.d"
		for kv; do echo "${kv%%=*} = ${kv#*=}"; done
		# last, so that the line numbers of the KEY=VALUEs stay put
		echo "pin_dir = $(pin_dir_of "$dir")"
	} >"$dir/bpfauditd.conf"
}

# wait_for SECONDS COMMAND...: polls until the command succeeds.
wait_for() {
	local tries=$(($1 * 10))
	shift
	while [ "$tries" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# How long bpfauditd may take to start: probing the attach modes and
# loading every source's programs takes 10-20 s on a busy 2-CPU machine.
START_WAIT=${START_WAIT:-120}

# start_daemon DIR: bpfauditd in the foreground on DIR's config.
start_daemon() {
	"$BPFAUDITD" -f -c "$1/bpfauditd.conf" >"$1/daemon.out" 2>&1 &
	DPID=$!
	if ! wait_for "$START_WAIT" grep -q DAEMON_START "$1/log/audit.log"; then
		echo "# bpfauditd did not start:"
		sed 's/^/# /' "$1/daemon.out"
		return 1
	fi
}
stop_daemon() {
	kill -TERM "$DPID"
	wait "$DPID"
	local rc=$?
	DPID=
	return $rc
}

# pid_logged LOG PID: the log has a SYSCALL record of PID.
pid_logged() {
	grep -q "^type=SYSCALL .* pid=$2 " "$1"
}
# all_logged LOG MANIFEST: every pid of the workload is in the log.
all_logged() {
	local tag pid rest
	while read -r tag pid rest; do
		pid_logged "$1" "$pid" || return 1
	done <"$2"
}

# report_checks FILE: the "ok - ..."/"not ok - ..." lines of the shared
# checks (events-check.sh) as this test's own.
report_checks() {
	local verdict rest
	while read -r verdict rest; do
		case $verdict in
		ok) ok "${rest#- }" ;;
		'#') echo "# $rest" ;;
		*) not_ok "${rest#* - }" ;;
		esac
	done <"$1"
}

# A private auditd (own config and log under DIR) with kernel audit on.
# The kernel talks to one auditd: tests and benchmarks that start one run
# one at a time, each holding this lock until stop_auditd (fd 9).
# start_auditd DIR [LINE...]: LINEs are added to its auditd.conf.
AUDITD_LOCK=${AUDITD_LOCK:-/run/lock/bpfaudit-auditd.lock}
start_auditd() {
	local dir=$1 pid
	shift
	exec 9>"$AUDITD_LOCK"
	flock 9
	pid=$(auditctl -s | awk '$1 == "pid" { print $2 }')
	if [ -n "$pid" ] && [ "$pid" != 0 ] && kill -0 "$pid" 2>/dev/null; then
		# The kernel talks to one auditd: the system's steps aside.
		echo "# stopping the running auditd (pid $pid); restarted afterwards"
		kill -TERM "$pid"
		wait_for 30 sh -c "! kill -0 $pid" || skip_or_fail "auditd $pid did not stop"
		SYSTEM_AUDITD_STOPPED=1
	fi
	mkdir -p "$dir/log" "$dir/plugins.d"
	cat >"$dir/auditd.conf" <<CONF
local_events = yes
write_logs = yes
log_file = $dir/log/audit.log
log_format = RAW
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 64
num_logs = 5
name_format = NONE
max_log_file_action = ROTATE
space_left = 75
space_left_action = SYSLOG
admin_space_left = 50
admin_space_left_action = SUSPEND
disk_full_action = SUSPEND
disk_error_action = SUSPEND
plugin_dir = $dir/plugins.d
q_depth = 2000
overflow_action = SYSLOG
end_of_event_timeout = 2
CONF
	local line
	for line; do echo "$line"; done >>"$dir/auditd.conf"
	chmod 0640 "$dir/auditd.conf"
	auditd -n -c "$dir" >"$dir/auditd.out" 2>&1 &
	APID=$!
	wait_for 30 grep -q DAEMON_START "$dir/log/audit.log"
}
# restart_auditd DIR [SECONDS]: the private auditd stops, stays down for
# SECONDS, and starts again on the same configuration, the lock kept.
restart_auditd() {
	local dir=$1 before
	before=$(grep -c '^type=DAEMON_START ' "$dir/log/audit.log")
	kill -TERM "$APID" 2>/dev/null
	wait "$APID" 2>/dev/null
	sleep "${2:-0}"
	auditd -n -c "$dir" >>"$dir/auditd.out" 2>&1 &
	APID=$!
	wait_for 30 sh -c "[ \$(grep -c '^type=DAEMON_START ' '$dir/log/audit.log') -gt $before ]"
}
stop_auditd() {
	auditctl -D >/dev/null 2>&1
	kill -TERM "$APID" 2>/dev/null
	wait "$APID" 2>/dev/null
	APID=
	auditctl -e 0 >/dev/null 2>&1
	if [ -n "${SYSTEM_AUDITD_STOPPED:-}" ]; then
		service auditd start >/dev/null 2>&1 || auditd >/dev/null 2>&1
		SYSTEM_AUDITD_STOPPED=
	fi
	flock -u 9 2>/dev/null
	return 0
}
