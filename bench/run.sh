#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bpfaudit's benchmarks: no auditing vs kernel audit + auditd vs bpfaudit,
# measured side by side on one machine in one run.
#
# Usage (root; everything on loopback; about 10 minutes on 2 vCPUs). A
# running auditd is stopped and restarted afterwards; kernel audit's rules,
# enabled flag and backlog limit and kernel.bpf_stats_enabled are put back
# as they were found, on any exit:
#
#     make bench                    # from the build tree, or:
#     BPFAUDITD=BUILD/bridge/bpfauditd BPFAUDITCTL=BUILD/bridge/bpfauditctl \
#         bash bench/run.sh
#     bash bench/report.sh          # re-render RESULTS.md and the plots
#                                   # from bench/results/raw/
#
# Configurations, interleaved round by round (a, b, c, d, a, b, c, d ...):
#   a   no auditing: kernel audit off, plus a "-a never,task" rule so that
#       new tasks carry no audit context (as where audit was never enabled)
#   b   kernel audit + a private auditd (log_format RAW, default flush) with
#       rules equivalent to bpfaudit's default event set: the event kinds a
#       probe bpfauditd attaches at the start (bpfauditctl status), each
#       mapped to the kernel audit rule that logs the same calls (KRULES)
#   c   bpfauditd writing its own log (default configuration), kernel audit
#       off as in a
#   d   bpfaudit delivering into auditd: bpfauditd (sink = auditd) sends
#       its records over loopback to a private auditd (as in b, plus a
#       tcp listener) that writes them; kernel audit off as in a. The
#       daemon cost of d is bpfauditd's and auditd's together
#
# Workloads, each counting what it did: fork+exec of a small binary flat out
# (execload) and at EXEC_RATE/s; loopback TCP connect+accept+close,
# mmap(PROT_EXEC)+munmap of a file, getpid and stat (opload), pinned to the
# last CPU. Every run execs a binary of its own name, so its events are
# counted by comm= in the logs: offered - logged = lost. Then, per
# configuration b and c, an exec rate sweep (double, then bisect) for the
# highest rate sustained with zero loss, and the loss at 2x and 4x that
# rate; bpfauditd overload runs (daemon stopped with SIGSTOP) proving every
# lost event is reported; BPF run time per event (kernel.bpf_stats_enabled);
# the daemon's peak RSS; and an offline replay of synthetic ring-buffer
# records through reassembly + formatting.
#
# Knobs (environment, defaults in brackets):
#   REPS [5]            rounds of the interleaved comparison
#   DUR_EXEC [3]        seconds of the flat-out exec run
#   EXEC_RATE [100]     execs/s of the paced exec run (DUR_EXEC seconds)
#   EXEC_WORKERS [nproc] exec workers flat out and paced
#   DUR_OP [2]          seconds of each tcp/mmap/getpid/stat run
#   IDLE_SECONDS [2]    the daemons' idle CPU is measured this long
#   SWEEP [1]           0 skips the rate sweep
#   SWEEP_START [100]   first rate of the sweep, execs/s
#   SWEEP_SECONDS [2]   length of one sweep step at its offered rate
#   SWEEP_STEPS [10]    most doublings
#   BISECT_STEPS [3]    bisection steps after the doubling
#   OVERLOAD [1]        0 skips the overload runs
#   STALL_SECONDS [8]   bpfauditd stopped this long, default 16 MiB ring
#   REPLAY_EVENTS [8192] REPLAY_PASSES [20] REPLAY_REPS [3]
#   RETRIES [2]         a session disturbed by someone else's use of kernel
#                       audit (auditctl -D, another auditd) is run again
#   RESULTS [bench/results]  where RESULTS.md, plots and raw/ go
#   KEEP [unset]        keep the scratch directory (logs) for inspection
#
# Figures are ratios and differences against a baseline measured in the
# same run; absolute timings on a shared machine are noise.
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
SRC=$(dirname "$BENCH")
BPFAUDITD=${BPFAUDITD:-$SRC/bridge/bpfauditd}
BPFAUDITCTL=${BPFAUDITCTL:-$SRC/bridge/bpfauditctl}
NCPU=$(nproc)
REPS=${REPS:-5}
DUR_EXEC=${DUR_EXEC:-3}
EXEC_RATE=${EXEC_RATE:-100}
EXEC_WORKERS=${EXEC_WORKERS:-$NCPU}
DUR_OP=${DUR_OP:-2}
IDLE_SECONDS=${IDLE_SECONDS:-2}
SWEEP=${SWEEP:-1}
SWEEP_START=${SWEEP_START:-100}
SWEEP_SECONDS=${SWEEP_SECONDS:-2}
SWEEP_STEPS=${SWEEP_STEPS:-10}
BISECT_STEPS=${BISECT_STEPS:-3}
OVERLOAD=${OVERLOAD:-1}
STALL_SECONDS=${STALL_SECONDS:-8}
REPLAY_EVENTS=${REPLAY_EVENTS:-8192}
REPLAY_PASSES=${REPLAY_PASSES:-20}
REPLAY_REPS=${REPLAY_REPS:-3}
RETRIES=${RETRIES:-2}
RESULTS=${RESULTS:-$BENCH/results}
RAW=$RESULTS/raw
PIN_CPU=$((NCPU - 1))
CONFIGS="a b c d"

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

[ "$(id -u)" = 0 ] || die "needs root"
for c in cc auditd auditctl bpftool gnuplot taskset awk ss; do
	command -v "$c" >/dev/null || die "missing $c (Debian: apt-get install gnuplot-nox auditd bpftool)"
done
[ -x "$BPFAUDITD" ] || die "no bpfauditd at $BPFAUDITD (set BPFAUDITD)"
[ -x "$BPFAUDITCTL" ] || die "no bpfauditctl at $BPFAUDITCTL (set BPFAUDITCTL)"

T=$(mktemp -d /var/tmp/bpfaudit-bench.XXXXXX)
mkdir -p "$RAW" "$T/bin"
rm -f "$RAW"/*.tsv "$RAW"/*.txt "$RAW"/*.part "$RAW"/*.dat

# --- System state: saved now, restored on any exit ---------------------------

ORIG_ENABLED=$(auditctl -s | awk '$1 == "enabled" { print $2 }')
ORIG_BACKLOG=$(auditctl -s | awk '$1 == "backlog_limit" { print $2 }')
ORIG_RULES=$(auditctl -l 2>/dev/null || true)
ORIG_BPF_STATS=$(sysctl -n kernel.bpf_stats_enabled)
SYSTEM_AUDITD_STOPPED=
APID=
DPID=
DCONF=
STALLED=

restore() {
	local rc=$?
	set +e
	[ -n "$STALLED" ] && kill -CONT "$STALLED" 2>/dev/null
	[ -n "$DPID" ] && kill -TERM "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	[ -n "$DCONF" ] && "$BPFAUDITD" --unload -c "$DCONF" >/dev/null 2>&1
	[ -n "$APID" ] && { auditctl -D >/dev/null 2>&1; kill -TERM "$APID" 2>/dev/null; wait "$APID" 2>/dev/null; }
	sysctl -q -w kernel.bpf_stats_enabled="$ORIG_BPF_STATS" >/dev/null
	auditctl -D >/dev/null 2>&1
	if [ "$ORIG_RULES" != "No rules" ] && [ -n "$ORIG_RULES" ]; then
		while IFS= read -r r; do
			# shellcheck disable=SC2086
			auditctl $r >/dev/null 2>&1
		done <<<"$ORIG_RULES"
	fi
	auditctl -b "${ORIG_BACKLOG:-64}" >/dev/null 2>&1
	auditctl -e "${ORIG_ENABLED:-0}" >/dev/null 2>&1
	if [ -n "$SYSTEM_AUDITD_STOPPED" ]; then
		say "restarting the system auditd"
		service auditd start >/dev/null 2>&1 || auditd >/dev/null 2>&1
	fi
	if [ -z "${KEEP:-}" ]; then rm -rf "$T"; else say "kept $T"; fi
	exit $rc
}
trap restore EXIT
trap 'exit 130' INT TERM
set -E
trap 'say "failed: line $LINENO: $BASH_COMMAND"' ERR

# The kernel talks to one auditd: a running one steps aside for the run.
# That is the one registered with the kernel, or a system auditd (no -c)
# that is still starting up and has not registered yet.
stop_running_auditd() {
	local pid i
	pid=$(auditctl -s | awk '$1 == "pid" && $2 != 0 { print $2 }')
	if [ -z "$pid" ]; then
		pid=$({ pgrep -x auditd || true; } | while read -r p; do
			grep -qz -- '^-c$' /proc/"$p"/cmdline 2>/dev/null || echo "$p"
		done | head -1)
	fi
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	say "stopping the running auditd (pid $pid); restarted afterwards"
	kill -TERM "$pid"
	for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && die "auditd $pid did not stop"
	SYSTEM_AUDITD_STOPPED=1
}
# ... and the host tests wait for the bench (tests/host/lib.sh's lock)
exec 9>"${AUDITD_LOCK:-/run/lock/bpfaudit-auditd.lock}"
flock 9
sleep 1	# an auditd started just before us registers first
stop_running_auditd

# --- Build the workloads ------------------------------------------------------

CFLAGS="-O2 -Wall -Wextra"
cc $CFLAGS -o "$T/execload" "$BENCH/execload.c"
cc $CFLAGS -o "$T/opload" "$BENCH/opload.c"
# the daemon's own reassembly and formatting (format.c and its split-outs)
cc $CFLAGS -I"$SRC/bridge" -I"$SRC/bpf" -o "$T/replay" "$BENCH/replay.c" \
	"$SRC"/bridge/{strbuf,encode,event,promise}.c "$SRC"/bridge/format*.c
# The exec'd binary: a copy of true(1); each run execs a hard link with its
# own name, so its events are counted by comm= in SYSCALL records (the
# header carries comm: partial events are counted too).
cp "$(type -P true)" "$T/bin/nop"
cp "$T/opload" "$T/bin/opload"
KAUDITD=$(pgrep -x kauditd | head -1 || true)

# (d): a loopback port, free now, for the private auditd's listener.
SINK_PORT=
for p in $(seq 60500 60599); do
	if [ -z "$(ss -Htan "( sport = :$p or dport = :$p )")" ]; then
		SINK_PORT=$p
		break
	fi
done
[ -n "$SINK_PORT" ] || die "no free loopback port in 60500-60599 for (d)"

# --- Helpers -------------------------------------------------------------------

# A sleep that execs nothing: bpfaudit sees every exec on the machine, and
# the measurement windows should hold only the workload's.
mkfifo "$T/pause.fifo"
exec {PAUSEFD}<>"$T/pause.fifo"
pause() { read -rt "$1" -u "$PAUSEFD" _ || true; }

# CPU time of a process, all its threads, in ns (schedstat: exact).
cpu_ns() {
	local pid=$1 s=0 f a
	[ -n "$pid" ] || { echo 0; return; }
	for f in /proc/"$pid"/task/*/schedstat; do
		read -r a _ <"$f" 2>/dev/null || continue
		s=$((s + a))
	done
	echo "$s"
}
# The configuration's daemon: bpfauditd, else auditd (for peak RSS).
daemon_pid() { echo "${DPID:-${APID:-}}"; }
# CPU of every daemon of the configuration (d: bpfauditd and auditd).
daemon_cpu() { echo $(($(cpu_ns "${DPID:-}") + $(cpu_ns "${APID:-}"))); }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' /proc/"$1"/status 2>/dev/null || echo 0; }
kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
# Rows go to .part files first; a session's rows are kept only if nothing
# disturbed it (commit) and are dropped otherwise (discard).
emit() {
	local f=$RAW/$1.tsv.part
	shift
	printf '%s' "$1" >>"$f"
	shift
	printf '\t%s' "$@" >>"$f"
	printf '\n' >>"$f"
}
commit() {
	local f
	for f in "$RAW"/*.tsv.part; do
		[ -e "$f" ] || continue
		cat "$f" >>"${f%.part}"
		rm -f "$f"
	done
}
discard() { rm -f "$RAW"/*.tsv.part; }

audit_quiet() {
	auditctl -D >/dev/null
	auditctl -e 0 >/dev/null
	auditctl -a never,task >/dev/null
}

# start_auditd DIR [sink]: with "sink", no kernel audit rules and kernel
# audit left off (-s nochange), listening on loopback port SINK_PORT for
# bpfauditd instead.
start_auditd() {
	local dir=$1 mode=${2:-} i
	mkdir -p "$dir/log" "$dir/plugins.d"
	cat >"$dir/auditd.conf" <<CONF
local_events = yes
write_logs = yes
log_file = $dir/log/audit.log
log_format = RAW
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 4096
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
	[ "$mode" = sink ] && cat >>"$dir/auditd.conf" <<CONF
tcp_listen_port = $SINK_PORT
tcp_listen_queue = 5
tcp_max_per_addr = 1
tcp_client_max_idle = 0
CONF
	chmod 0640 "$dir/auditd.conf"
	[ "$mode" = sink ] || auditctl -D >/dev/null
	stop_running_auditd	# someone may have started one meanwhile
	if [ "$mode" = sink ]; then
		auditd -n -s nochange -c "$dir" >"$dir/auditd.out" 2>&1 &
	else
		auditd -n -c "$dir" >"$dir/auditd.out" 2>&1 &
	fi
	APID=$!
	for ((i = 0; i < 300; i++)); do
		grep -q DAEMON_START "$dir/log/audit.log" 2>/dev/null && break
		pause 0.1
	done
	grep -q DAEMON_START "$dir/log/audit.log" 2>/dev/null || die "auditd did not start: $(cat "$dir/auditd.out")"
	[ "$mode" = sink ] && return 0
	auditctl -b 8192 >/dev/null
	local rule
	while IFS= read -r rule; do
		# shellcheck disable=SC2086
		[ -n "$rule" ] && auditctl $rule >/dev/null
	done <<<"$KERNEL_RULES"
	auditctl -e 1 >/dev/null
}
stop_auditd() {
	auditctl -D >/dev/null 2>&1 || true
	kill -TERM "$APID" 2>/dev/null || true
	wait "$APID" 2>/dev/null || true
	APID=
	auditctl -e 0 >/dev/null 2>&1 || true
}

start_bpfauditd() {
	local dir=$1 i
	shift
	mkdir -p "$dir"
	{
		echo "log_file = $dir/log/audit.log"
		echo "state_dir = $dir/state"
		echo "control_socket = $dir/ctl.sock"
		echo "rules_dir = $dir/rules.d"
		# every event must stay countable: no rotation away of data
		echo "max_log_file = 4095"
		# its own pinned programs, unloaded by stop_bpfauditd
		echo "pin_dir = /sys/fs/bpf/bpfaudit-bench-$$-$(basename "$dir")"
		for kv in "$@"; do echo "${kv%%=*} = ${kv#*=}"; done
	} >"$dir/bpfauditd.conf"
	DCONF=$dir/bpfauditd.conf
	"$BPFAUDITD" -f -c "$dir/bpfauditd.conf" >"$dir/daemon.out" 2>&1 &
	DPID=$!
	# its start record: in its own log, or (sink = auditd) in auditd's
	local log=${BPF_START_LOG:-$dir/log/audit.log} re='DAEMON_START .*attach_'
	for ((i = 0; i < 300; i++)); do
		grep -q "$re" "$log" 2>/dev/null && break
		kill -0 "$DPID" 2>/dev/null || break
		pause 0.1
	done
	grep -q "$re" "$log" 2>/dev/null || die "bpfauditd did not start: $(cat "$dir/daemon.out")"
	CTL=$dir/ctl.sock
}
stop_bpfauditd() {
	kill -TERM "$DPID" 2>/dev/null || true
	wait "$DPID" 2>/dev/null || true
	DPID=
	# a stopped daemon leaves its programs pinned: measure without them
	"$BPFAUDITD" --unload -c "$DCONF" >/dev/null 2>&1 || true
}
status() { "$BPFAUDITCTL" -S "$CTL" status; }
# stat KEY from a status text
st() { awk -F' = ' -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' <<<"$2"; }
# Per event kind: events lost whole (no header, or dropped by the daemon
# for any kind), chunks lost, events written partial.
# Events lost whole by the daemon, of any kind (a full auditd queue, say).
st_daemon_lost() { awk -F' = ' '$1 ~ /^loss\.all\./ { s += $2 } END { print s + 0 }' <<<"$1"; }
st_lost() {
	echo $(($(st "loss.$1.event_dropped" "$2") + $(st "loss.$1.state_full" "$2") +
		$(st_daemon_lost "$2")))
}
st_chunks() { echo $(($(st "loss.$1.chunk_dropped" "$2") + $(st "loss.$1.scratch_busy" "$2"))); }
st_partial() {
	echo $(($(st "loss.$1.partial_kernel_lost" "$2") + $(st "loss.$1.partial_timeout" "$2") +
		$(st "loss.$1.partial_memory" "$2") + $(st "loss.$1.partial_shutdown" "$2")))
}
# All kinds together.
st_lost_all() {
	awk -F' = ' '$1 ~ /^loss\.[a-z]+\.(event_dropped|state_full)$/ || $1 ~ /^loss\.all\./ { s += $2 }
		END { print s + 0 }' <<<"$1"
}
klost() { auditctl -s | awk '$1 == "lost" { print $2 }'; }

cfg_up() {
	local cfg=$1 dir=$2
	case $cfg in
	a) audit_quiet ;;
	b) start_auditd "$dir" ;;
	c) audit_quiet; start_bpfauditd "$dir" ;;
	d)
		audit_quiet
		start_auditd "$dir/auditd" sink
		BPF_START_LOG=$dir/auditd/log/audit.log start_bpfauditd "$dir" \
			sink=auditd "auditd_port=$SINK_PORT"
		LOGDIR=$dir/auditd/log
		return
		;;
	esac
	LOGDIR=$dir/log
}
cfg_down() {
	case $1 in
	b) stop_auditd ;;
	c) stop_bpfauditd ;;
	d) stop_bpfauditd; stop_auditd ;;
	esac
	auditctl -D >/dev/null
	auditctl -e 0 >/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$2"
}

# Events of a run in the configuration's log: SYSCALL records of its comm
# whose text matches an extended regexp (syscall number, arguments).
# count_logged MARK ERE
count_logged() {
	[ -d "${LOGDIR:-/nonexistent}" ] || { echo 0; return; }
	cat "$LOGDIR"/audit.log* 2>/dev/null | grep -E -c "^(node=[^ ]+ )?type=SYSCALL .*$2.* comm=\"$1\" " || true
}
count_partial() {
	[ -d "${LOGDIR:-/nonexistent}" ] || { echo 0; return; }
	cat "$LOGDIR"/audit.log* 2>/dev/null | grep -E -c "^(node=[^ ]+ )?type=SYSCALL .*$2.* comm=\"$1\" .* partial=" || true
}
EXEC_RE='syscall=(59|322) '

# Exec events and all events of any process stamped in [W0, W1] (ms): what
# the daemon handled during a measurement window, background included.
window_counts() {
	[ -d "${LOGDIR:-/nonexistent}" ] || { echo "0 0"; return; }
	cat "$LOGDIR"/audit.log* 2>/dev/null | awk -v t0="$1" -v t1="$2" '/^(node=[^ ]+ )?type=SYSCALL / {
		match($0, /audit\([0-9]+\.[0-9]+/); ts = substr($0, RSTART + 6, RLENGTH - 6)
		split(ts, p, "."); ms = p[1] * 1000 + p[2]
		if (ms < t0 || ms > t1) next
		all++
		if ($0 ~ / syscall=(59|322) /) ex++
	} END { print ex + 0, all + 0 }'
}

# Waits (bounded, 60 s) until the daemons have done what a run gave them:
# until their CPU time (and kauditd's) grows by less than 5 ms in 0.5 s,
# twice running. Reads /proc only: no exec, no event of its own.
catch_up() {
	local cfg=$1 i c0 c1 calm=0
	[ "$cfg" = a ] && return 0
	c0=$(($(daemon_cpu) + $(cpu_ns "$KAUDITD")))
	for ((i = 0; i < 120; i++)); do
		pause 0.5
		c1=$(($(daemon_cpu) + $(cpu_ns "$KAUDITD")))
		if [ $((c1 - c0)) -lt 5000000 ]; then
			calm=$((calm + 1))
			[ "$calm" -ge 2 ] && return 0
		else
			calm=0
		fi
		c0=$c1
	done
}

# The fork+exec workload under one configuration; prints key=value pairs.
# exec_run CFG MARK EXECLOAD-ARGS...
exec_run() {
	local cfg=$1 mark=$2 out s0= s1= d0 d1 k0 k1 l0 l1 logged offered w0 w1 all
	shift 2
	ln -f "$T/bin/nop" "$T/bin/$mark"
	[[ $cfg == [cd] ]] && s0=$(status)
	l0=$(klost)
	w0=${EPOCHREALTIME/./}
	d0=$(daemon_cpu); k0=$(cpu_ns "$KAUDITD")
	out=$(timeout 300 "$T/execload" -b "$T/bin/$mark" -a "$mark" "$@")
	offered=$(kv offered "$out")
	catch_up "$cfg"
	d1=$(daemon_cpu); k1=$(cpu_ns "$KAUDITD")
	w1=${EPOCHREALTIME/./}
	l1=$(klost)
	[[ $cfg == [cd] ]] && s1=$(status)
	logged=$(count_logged "$mark" "$EXEC_RE")
	all=$(count_logged "$mark" "")
	[ "$cfg" = a ] && { logged=$offered; all=0; }
	local win; win=$(window_counts $((w0 / 1000)) $((w1 / 1000)))
	echo "$out logged=$logged partial=$(count_partial "$mark" "$EXEC_RE") events_all=$all" \
		"win_exec=${win% *} win_events=${win#* }" \
		"daemon_cpu_ns=$((d1 - d0)) kauditd_cpu_ns=$((k1 - k0))" \
		"window_ns=$(((w1 - w0) * 1000)) kernel_lost=$((l1 - l0))" \
		"reported_lost=$([ -n "$s0" ] && echo $(($(st_lost exec "$s1") - $(st_lost exec "$s0"))) || echo 0)" \
		"reported_chunks=$([ -n "$s0" ] && echo $(($(st_chunks exec "$s1") - $(st_chunks exec "$s0"))) || echo 0)" \
		"reported_partial=$([ -n "$s0" ] && echo $(($(st_partial exec "$s1") - $(st_partial exec "$s0"))) || echo 0)" \
		"reported_lost_all=$([ -n "$s0" ] && echo $(($(st_lost_all "$s1") - $(st_lost_all "$s0"))) || echo 0)"
	rm -f "$T/bin/$mark"
}

# One non-exec workload, pinned, under a binary of its own name; prints
# key=value pairs, with the events it should have caused where a rule
# captures them: tcp one connect and one accept per op, mmap one mmap
# (a1=1000 a2=5: 4 KiB, PROT_READ|PROT_EXEC) per op.
# op_run CFG MARK OP
op_run() {
	local cfg=$1 mark=$2 op=$3 out d0 d1 k0 k1 l0 l1 s0= s1= ops re kind want logged
	ln -f "$T/bin/opload" "$T/bin/$mark"
	case $op in
	tcp) re='syscall=(42|43|288) '; kind=socket ;;
	mmap) re='syscall=9 .*a1=1000 a2=5 '; kind=mmap ;;
	*) re=; kind= ;;
	esac
	[[ $cfg == [cd] ]] && [ -n "$kind" ] && s0=$(status)
	l0=$(klost)
	d0=$(daemon_cpu); k0=$(cpu_ns "$KAUDITD")
	out=$(taskset -c "$PIN_CPU" "$T/bin/$mark" "$op" -d "$DUR_OP" -f "$T/bin/nop")
	catch_up "$cfg"
	d1=$(daemon_cpu); k1=$(cpu_ns "$KAUDITD")
	l1=$(klost)
	[ -n "$s0" ] && s1=$(status)
	ops=$(kv ops "$out")
	want=0; logged=0
	if [ -n "$re" ] && [ "$cfg" != a ] && has_kind "$kind"; then
		case $op in tcp) want=$((2 * ops)) ;; mmap) want=$ops ;; esac
		logged=$(count_logged "$mark" "$re")
	fi
	echo "$out daemon_cpu_ns=$((d1 - d0)) kauditd_cpu_ns=$((k1 - k0)) events_want=$want" \
		"events_logged=$logged kernel_lost=$((l1 - l0))" \
		"reported_lost=$([ -n "$s0" ] && echo $(($(st_lost "$kind" "$s1") - $(st_lost "$kind" "$s0"))) || echo 0)" \
		"reported_chunks=$([ -n "$s0" ] && echo $(($(st_chunks "$kind" "$s1") - $(st_chunks "$kind" "$s0"))) || echo 0)"
	rm -f "$T/bin/$mark"
}
has_kind() { [[ " $KINDS " == *" $1 "* ]]; }

# Whether the shared kernel audit state is still what the configuration set
# up: anyone else's auditctl -D or auditd start (a concurrent host test, say)
# spoils the session. Prints the reason when it is not.
disturbed() {
	local cfg=$1 st rules
	st=$(auditctl -s); rules=$(auditctl -l 2>&1)
	case $cfg in
	a | c)
		awk '$1 == "enabled" { exit $2 != 0 }' <<<"$st" || { echo "kernel audit was enabled"; return 0; }
		[ "$rules" = "-a never,task" ] || { echo "audit rules changed: $rules"; return 0; }
		;;
	d)
		awk '$1 == "enabled" { exit $2 != 0 }' <<<"$st" || { echo "kernel audit was enabled"; return 0; }
		[ "$rules" = "-a never,task" ] || { echo "audit rules changed: $rules"; return 0; }
		kill -0 "$APID" 2>/dev/null || { echo "our auditd died"; return 0; }
		;;
	b)
		kill -0 "$APID" 2>/dev/null || { echo "our auditd died"; return 0; }
		awk -v p="$APID" '$1 == "pid" { exit $2 != p }' <<<"$st" || { echo "another auditd took over"; return 0; }
		awk '$1 == "enabled" { exit $2 != 1 }' <<<"$st" || { echo "kernel audit was disabled"; return 0; }
		[ "$(grep -c ' key=' <<<"$rules")" = "$(grep -c . <<<"$KERNEL_RULES")" ] ||
			{ echo "audit rules were changed"; return 0; }
		;;
	esac
	if [[ $cfg == [cd] ]]; then
		kill -0 "$DPID" 2>/dev/null || { echo "bpfauditd died"; return 0; }
	fi
	return 1
}

others() {
	local o
	o=$(pgrep -x bpfauditd | grep -vx "${DPID:-0}" | tr '\n' ' ' || true)
	[ -n "$o" ] && echo "other bpfauditd running: $o"
	o=$(pgrep -x auditd | grep -vx "${APID:-0}" | tr '\n' ' ' || true)
	[ -n "$o" ] && echo "other auditd running: $o"
	return 0
}

# --- bpfaudit's default event set, and kernel audit's equivalent -----------------

# The kernel audit rule(s) logging the same calls as each bpfaudit event
# kind, with bpfaudit's in-kernel filters where auditctl can say them
# (several rules separated by "|").
declare -A KRULES=(
	[exec]="-S execve,execveat"
	[mmap]="-S mmap,mprotect -F a2&4"
	[socket]="-S connect,bind,listen,accept,accept4"
	[bpf]="-S bpf -F a0=5"
	[cred]="-S setuid,setgid,setreuid,setregid,setresuid,setresgid,setfsuid,setfsgid,capset"
	[ptrace]="-S ptrace -F a0=16|-S ptrace -F a0=0x4206|-S ptrace -F a0>=4 -F a0<=6"
	[module]="-S init_module,finit_module,delete_module"
)
say "probing bpfauditd's default event set"
audit_quiet
start_bpfauditd "$T/probe"
PROBE_STATUS=$(status)
stop_bpfauditd
auditctl -D >/dev/null
KINDS=$(awk -F' = ' '$1 ~ /^attach\.[a-z]+$/ && $2 != "off" && $2 != "unsupported" { sub(/^attach\./, "", $1); printf "%s ", $1 }' <<<"$PROBE_STATUS")
KINDS=${KINDS% }
ATTACH=$(awk -F' = ' '$1 ~ /^attach\.[a-z]+$/ { sub(/^attach\./, "", $1); printf "%s%s=%s", n++ ? "," : "", $1, $2 }' <<<"$PROBE_STATUS")
[ -n "$KINDS" ] || die "the probe bpfauditd attached nothing"
KERNEL_RULES=
NO_RULE=
for k in $KINDS; do
	if [ -z "${KRULES[$k]:-}" ]; then
		NO_RULE="$NO_RULE $k"
		continue
	fi
	IFS='|' read -ra parts <<<"${KRULES[$k]}"
	for p in "${parts[@]}"; do
		KERNEL_RULES+="-a always,exit -F arch=b64 $p -k $k"$'\n'
	done
done
KERNEL_RULES=${KERNEL_RULES%$'\n'}
say "event kinds: $KINDS"

# --- Environment -------------------------------------------------------------

{
	echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
	echo "kernel=$(uname -r)"
	echo "cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "ncpu=$NCPU"
	echo "mem_mb=$(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo)"
	echo "virt=$(systemd-detect-virt 2>/dev/null || (grep -q hypervisor /proc/cpuinfo && echo yes) || echo no)"
	echo "auditd=$(auditctl -v | awk '{ print $3 }')"
	echo "bpfauditd=$("$BPFAUDITD" -V | awk '{ print $2 }')"
	echo "reps=$REPS dur_exec=$DUR_EXEC exec_rate=$EXEC_RATE exec_workers=$EXEC_WORKERS dur_op=$DUR_OP idle_seconds=$IDLE_SECONDS"
	echo "pin_cpu=$PIN_CPU"
	echo "exec_binary=$(type -P true)"
	echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"
	echo "kinds=${KINDS// /,}"
	echo "attach=$ATTACH"
	echo "no_kernel_rule=${NO_RULE# }"
} >"$RAW/env.txt"
printf '%s\n' "$KERNEL_RULES" >"$RAW/kernel-rules.txt"
others >>"$RAW/env.txt"
START=$(date +%s)

# --- 1. Interleaved rounds --------------------------------------------------

# rounds.tsv: round cfg workload key value
round_session() {
	local r=$1 cfg=$2 dir=$T/r$1-$2 o d0 d1 k0 k1 w0 w1 res k op pid
	cfg_up "$cfg" "$dir"
	o=$(others); [ -n "$o" ] && { say "$o"; echo "round $r $cfg: $o" >>"$RAW/env.txt"; }
	if [ "$cfg" != a ]; then
		# the daemons' CPU with nothing to do, ns per second
		pause 0.5
		d0=$(daemon_cpu); k0=$(cpu_ns "$KAUDITD"); w0=${EPOCHREALTIME/./}
		pause "$IDLE_SECONDS"
		d1=$(daemon_cpu); k1=$(cpu_ns "$KAUDITD"); w1=${EPOCHREALTIME/./}
		emit idle "$r" "$cfg" $(((d1 - d0) * 1000000 / (w1 - w0))) $(((k1 - k0) * 1000000 / (w1 - w0)))
	fi
	res=$(exec_run "$cfg" "bxf$r$cfg" -P "$EXEC_WORKERS" -d "$DUR_EXEC")
	for k in offered logged partial events_all win_exec win_events elapsed_ns cpu_ns daemon_cpu_ns kauditd_cpu_ns window_ns kernel_lost reported_lost reported_lost_all failed; do
		emit rounds "$r" "$cfg" exec_flat "$k" "$(kv "$k" "$res")"
	done
	res=$(exec_run "$cfg" "bxr$r$cfg" -P "$EXEC_WORKERS" -r "$EXEC_RATE" -n $((EXEC_RATE * DUR_EXEC)))
	for k in offered logged partial events_all win_exec win_events elapsed_ns cpu_ns daemon_cpu_ns kauditd_cpu_ns window_ns kernel_lost reported_lost reported_lost_all failed late; do
		emit rounds "$r" "$cfg" exec_rate "$k" "$(kv "$k" "$res")"
	done
	for op in tcp mmap getpid stat; do
		res=$(op_run "$cfg" "bx${op:0:1}$r$cfg" "$op")
		for k in ops elapsed_ns cpu_ns daemon_cpu_ns kauditd_cpu_ns events_want events_logged kernel_lost reported_lost reported_chunks; do
			emit rounds "$r" "$cfg" "$op" "$k" "$(kv "$k" "$res")"
		done
	done
	pid=$(daemon_pid)
	[ -n "$pid" ] && emit rss "$r" "$cfg" "$(hwm_kb "$pid")"
	SPOILED=$(disturbed "$cfg" || true)
	cfg_down "$cfg" "$dir"
}

# A session someone else disturbed is run again, up to RETRIES times.
# session NAME FUNCTION ARGS...
session() {
	local name=$1 try
	shift
	for ((try = 0; try <= RETRIES; try++)); do
		discard
		"$@"
		if [ -z "$SPOILED" ]; then
			commit
			return 0
		fi
		say "$name disturbed ($SPOILED), again"
		echo "$name disturbed: $SPOILED" >>"$RAW/env.txt"
	done
	discard
	say "$name: disturbed $((RETRIES + 1)) times, left out"
	echo "$name left out" >>"$RAW/env.txt"
}

for ((r = 1; r <= REPS; r++)); do
	for cfg in $CONFIGS; do
		say "round $r/$REPS: $cfg"
		session "round $r $cfg" round_session "$r" "$cfg"
	done
done

# --- 2. Rate sweep: the highest exec rate sustained with zero loss ------------

# sweep.tsv: cfg phase target offered achieved logged lost reported_lost
#            reported_chunks reported_partial kernel_lost daemon_cpu_ns
#            kauditd_cpu_ns late cpu_ns win_exec win_events
sweep_step() {
	local cfg=$1 phase=$2 rate=$3 n res
	n=$(awk -v r="$rate" -v s="$SWEEP_SECONDS" 'BEGIN { n = int(r * s); print n < 200 ? 200 : n }')
	SWEEP_IDX=$((SWEEP_IDX + 1))
	res=$(exec_run "$cfg" "bxs$SWEEP_IDX$cfg" -P "$EXEC_WORKERS" -r "$rate" -n "$n")
	local offered logged achieved
	offered=$(kv offered "$res"); logged=$(kv logged "$res"); achieved=$(kv rate "$res")
	ACHIEVED=$achieved
	emit sweep "$cfg" "$phase" "$rate" "$offered" "$achieved" "$logged" $((offered - logged)) \
		"$(kv reported_lost "$res")" "$(kv reported_chunks "$res")" "$(kv reported_partial "$res")" \
		"$(kv kernel_lost "$res")" "$(kv daemon_cpu_ns "$res")" "$(kv kauditd_cpu_ns "$res")" \
		"$(kv late "$res")" "$(kv cpu_ns "$res")" "$(kv win_exec "$res")" "$(kv win_events "$res")"
	say "  $cfg $phase: offered $rate/s achieved $achieved/s, $offered execs, $logged logged"
	# verdict: 0 sustained without loss, 1 loss, 2 the machine could not
	# produce the rate (no loss)
	if [ "$logged" -lt "$offered" ] || [ "$(kv reported_lost "$res")" != 0 ] ||
		[ "$(kv reported_chunks "$res")" != 0 ] || [ "$(kv kernel_lost "$res")" != 0 ] ||
		[ "$(kv partial "$res")" != 0 ]; then
		VERDICT=1
	elif awk -v a="$achieved" -v r="$rate" 'BEGIN { exit !(a < 0.9 * r) }'; then
		VERDICT=2
	else
		VERDICT=0
	fi
}

sweep_cfg() {
	local cfg=$1 dir=$T/sweep-$cfg rate good=0 bad=0 best=0 kind=none i mid
	say "sweep: $cfg"
	cfg_up "$cfg" "$dir"
	rate=$SWEEP_START
	# best: the highest achieved rate of any step without loss
	note() {
		if [ "$VERDICT" != 1 ]; then
			best=$(awk -v a="$ACHIEVED" -v b="$best" 'BEGIN { print ((a > b) ? int(a) : b) }')
		fi
	}
	for ((i = 0; i < SWEEP_STEPS; i++)); do
		sweep_step "$cfg" double "$rate"; note
		case $VERDICT in
		0) good=$rate; rate=$((rate * 2)) ;;
		1) bad=$rate; kind=loss; break ;;
		2) bad=$rate; kind=ceiling; break ;;
		esac
	done
	# bisect between the last rate kept and the first one not kept
	if [ "$bad" -gt 0 ]; then
		for ((i = 0; i < BISECT_STEPS; i++)); do
			mid=$(((good + bad) / 2))
			[ "$mid" -le "$good" ] && break
			[ "$mid" -ge "$bad" ] && break
			sweep_step "$cfg" bisect "$mid"; note
			if [ "$VERDICT" = 0 ]; then good=$mid; else bad=$mid; fi
			if [ "$VERDICT" = 1 ]; then kind=loss; fi
		done
	fi
	emit max "$cfg" "$best" "$kind" "$bad" "$good"
	if [ "$best" -gt 0 ]; then
		sweep_step "$cfg" x2 $((best * 2))
		sweep_step "$cfg" x4 $((best * 4))
	fi
	pid=$(daemon_pid)
	[ -n "$pid" ] && emit rss sweep "$cfg" "$(hwm_kb "$pid")"
	SPOILED=$(disturbed "$cfg" || true)
	cfg_down "$cfg" "$dir"
}

if [ "$SWEEP" != 0 ]; then
	SWEEP_IDX=0
	for cfg in b c; do session "sweep $cfg" sweep_cfg "$cfg"; done
fi

# --- 3. Overload: every lost event reported ---------------------------------

# overload.tsv: case offered logged partial_logged status_lost status_chunks
#               status_partial trail_lost trail_chunks trail_partial
#               rss_kb achieved ring_mib stall_s perf_execs_all
#               logged_all_in_window (-1: no perf)
overload_case() {
	local name=$1 ring=$2 stall=$3 dur=$4 dir=$T/overload-$1 s0 s1 out mark=bxo$1
	local lpid perf_n=-1 sys_logged=-1 t0 t1
	say "overload: $name (ring ${ring} MiB, daemon stopped ${stall}s of ${dur}s)"
	audit_quiet
	start_bpfauditd "$dir" "ringbuf_size=$ring" "loss_report_interval=1"
	LOGDIR=$dir/log
	ln -f "$T/bin/nop" "$T/bin/$mark"
	s0=$(status)
	# perf, when there, counts every exec on the machine meanwhile: an
	# account independent of bpfaudit's. Not on syscalls:sys_enter_execve:
	# a BPF program there that returns 0 (bpfaudit's tracepoint mode) hides
	# that tracepoint's events from every perf user.
	if [ -n "$PERF" ]; then
		perf stat -a -x, -o "$dir/perf.txt" -e raw_syscalls:sys_enter --filter 'id == 59 || id == 322' -- \
			"$T/execload" -b "$T/bin/$mark" -a "$mark" -P "$EXEC_WORKERS" -d "$dur" >"$dir/load.out" &
	else
		"$T/execload" -b "$T/bin/$mark" -a "$mark" -P "$EXEC_WORKERS" -d "$dur" >"$dir/load.out" &
	fi
	lpid=$!
	pause 1
	STALLED=$DPID; kill -STOP "$DPID"
	pause "$stall"
	kill -CONT "$DPID"; STALLED=
	wait "$lpid"
	out=$(<"$dir/load.out")
	# the promise deadline (2 s) hands on what is left; loss records follow
	pause 4
	s1=$(status)
	local hwm; hwm=$(hwm_kb "$DPID")
	SPOILED=$(disturbed c || true)
	stop_bpfauditd
	local lg=$dir/log/audit.log
	trail() { sed -n "s/.*op=loss kind=exec cause=\\($1\\) count=\\([0-9]*\\).*/\\2/p" "$lg" | awk '{ s += $1 } END { print s + 0 }'; }
	if [ -n "$PERF" ]; then
		perf_n=$(awk -F, '$3 == "raw_syscalls:sys_enter" { s += $1 } END { print s + 0 }' "$dir/perf.txt")
		t0=$(kv real_start_ms "$out"); t1=$(kv real_end_ms "$out")
		# every exec record stamped inside the run's window, any process
		sys_logged=$(awk -v t0="$t0" -v t1="$t1" '/^type=SYSCALL / && / syscall=(59|322) / {
			match($0, /audit\([0-9]+\.[0-9]+/); ts = substr($0, RSTART + 6, RLENGTH - 6)
			split(ts, p, "."); ms = p[1] * 1000 + p[2]
			# the exec of execload itself precedes its clock reading
			if ((ms >= t0 - 2 && ms <= t1) || (ms >= t0 - 100 && ms < t0 - 2 && / comm="execload" /)) n++
		} END { print n + 0 }' "$lg")
	fi
	emit overload "$name" "$(kv offered "$out")" "$(count_logged "$mark" "$EXEC_RE")" \
		"$(count_partial "$mark" "$EXEC_RE")" \
		$(($(st_lost exec "$s1") - $(st_lost exec "$s0"))) $(($(st_chunks exec "$s1") - $(st_chunks exec "$s0"))) \
		$(($(st_partial exec "$s1") - $(st_partial exec "$s0"))) \
		"$(trail 'event_dropped\|state_full')" "$(trail 'chunk_dropped\|scratch_busy')" \
		"$(trail 'partial_kernel_lost\|partial_timeout\|partial_memory\|partial_shutdown')" \
		"$hwm" "$(kv rate "$out")" "$ring" "$stall" "$perf_n" "$sys_logged"
	rm -f "$T/bin/$mark"
	auditctl -D >/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$dir"
}
if [ "$OVERLOAD" != 0 ]; then
	PERF=
	if command -v perf >/dev/null &&
		perf stat -a -x, -o /dev/null -e raw_syscalls:sys_enter --filter 'id == 59' -- true 2>/dev/null; then
		PERF=perf
	fi
	session "overload 16" overload_case stall16 16 "$STALL_SECONDS" $((STALL_SECONDS + 3))
	session "overload 1" overload_case stall1 1 2 5
fi

# --- 4. BPF time per event -------------------------------------------------------

bpf_session() {
	local dir=$T/bpfstats progs id name t0 c0 t1 c1 res op
	audit_quiet
	start_bpfauditd "$dir"
	LOGDIR=$dir/log
	progs=$(grep -h '^prog_id:' /proc/"$DPID"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -un || true)
	sysctl -q -w kernel.bpf_stats_enabled=1
	declare -A before
	for id in $progs; do before[$id]=$(prog_stat "$id"); done
	res=$(exec_run c bxbpf -P "$EXEC_WORKERS" -d "$DUR_EXEC")
	for op in tcp mmap getpid; do op_run c "bxb${op:0:1}" "$op" >/dev/null; done
	for id in $progs; do
		read -r name t0 c0 <<<"${before[$id]}"
		read -r _ t1 c1 <<<"$(prog_stat "$id")"
		emit bpf "$name" $((t1 - t0)) $((c1 - c0)) "$(kv logged "$res")"
	done
	sysctl -q -w kernel.bpf_stats_enabled="$ORIG_BPF_STATS"
	emit rss bpfstats c "$(hwm_kb "$DPID")"
	SPOILED=$(disturbed c || true)
	cfg_down c "$dir"
}
prog_stat() { # ID -> "name run_time_ns run_cnt"
	bpftool prog show id "$1" 2>/dev/null | awk -v id="$1" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == "name") name = $(i + 1) }
		{ for (i = 1; i <= NF; i++) { if ($i == "run_time_ns") t = $(i + 1); if ($i == "run_cnt") c = $(i + 1) } }
		END { print name, t + 0, c + 0 }'
}
say "BPF run time per event"
session "bpf stats" bpf_session

# --- 5. Offline replay: reassembly + formatting on one core ------------------

say "offline replay"
for ((i = 1; i <= REPLAY_REPS; i++)); do
	taskset -c 0 "$T/replay" -n "$REPLAY_EVENTS" -p "$REPLAY_PASSES" -s "$i" >>"$RAW/replay.txt"
done

echo "seconds=$(($(date +%s) - START))" >>"$RAW/env.txt"
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)" >>"$RAW/env.txt"
others >>"$RAW/env.txt"
say "done in $(($(date +%s) - START)) s; rendering"
bash "$BENCH/report.sh" "$RESULTS"
say "results: $RESULTS/RESULTS.md"
