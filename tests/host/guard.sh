#!/bin/bash
# Host tier: audisp-bpfaudit, the guard of the bridge.
# 1. Fed a recorded stream of bpfauditd's records, then its live log: an
#    orderly stop in the recording is reported, heartbeats keep it quiet,
#    a killed daemon's silence is an alert, its return a notice.
# 2. Run by a real private auditd from its plugins.d, with kernel audit
#    on: quiet while bpfauditd starts (its probes load and unload programs
#    of their own) and runs; an alert naming one of the prog_ids of
#    bpfauditd's DAEMON_START when its programs are unloaded (kill -9,
#    then bpfauditd --unload: pinned, they outlive the daemon).
# 3. Kernel audit's and bpfaudit's records of the same execs (auditd's log
#    and bpfauditd's, merged into its input): quiet while both see every
#    exec; an alert when bpfaudit misses one (stopped), and when kernel
#    audit misses one bpfaudit logged under the key.
# Until the auditd sink puts bpfauditd's records into auditd's stream,
# parts 1 and 3 feed the plugin directly.
. "${TESTLIB:?}"
need_root
need_cmd auditd auditctl bpftool jq
make_tmp
[ -x "$GUARD" ] || skip_or_fail "no $GUARD"
LOG=$T/log/audit.log

# guard_conf FILE KEY=VALUE...: a guard config, syslog off.
guard_conf() {
	local f=$1 kv
	shift
	{
		echo "syslog = no"
		for kv; do echo "${kv%%=*} = ${kv#*=}"; done
	} >"$f"
}
alerts() { grep -c " alert=$2 " "$1" 2>/dev/null; }
no_alerts() { ! grep -q " alert=" "$1" 2>/dev/null; }
has() { grep -q " $2=$3 " "$1" 2>/dev/null; }
feeders=()
stop_feeders() {
	local p
	for p in "${feeders[@]}"; do kill "$p" 2>/dev/null; done
	feeders=()
}
trap 'stop_feeders; cleanup' EXIT

# --- 1. heartbeat, recorded + live ------------------------------------------
write_conf "$T" "heartbeat_interval=1" "events=exec"
start_daemon "$T" || exit 1
sleep 2.5
stop_daemon
cp "$LOG" "$T/recorded.log"
check "the recording has heartbeats" grep -q '^type=DAEMON_RESUME .*op=heartbeat .*prog_ids=[0-9]' "$T/recorded.log"
: >"$LOG"
G1=$T/g1
guard_conf "$G1.conf" heartbeat_timeout=3 "log_file=$G1.log" pid_file=none
mkfifo "$G1.in"
"$GUARD" "$G1.conf" <"$G1.in" &
GPID=$!
exec 7>"$G1.in"
cat "$T/recorded.log" >&7
start_daemon "$T" || exit 1
tail -n +1 -F "$LOG" 2>/dev/null >&7 &
feeders+=($!)
check "the recorded orderly stop is reported" \
	wait_for 10 has "$G1.log" alert bpfaudit_stopped
sleep 5
check "heartbeats keep the guard quiet" \
	[ "$(grep -c ' alert=' "$G1.log")" -eq 1 ]
kill -KILL "$DPID"
wait "$DPID" 2>/dev/null
DPID=
check "a killed bpfauditd's silence is an alert" \
	wait_for 10 has "$G1.log" alert heartbeat_lost
check "the alert names its pid and the timeout" \
	grep -q 'alert=heartbeat_lost no heartbeat from bpfauditd (pid [0-9]*) for [0-9]* s (heartbeat_timeout 3 s)' "$G1.log"
start_daemon "$T" || exit 1
check "its return is a notice" wait_for 10 has "$G1.log" notice heartbeat_resumed
stop_daemon
stop_feeders
exec 7>&-
wait "$GPID"
check "the guard exits 0 at the end of its input" [ $? -eq 0 ]
check "one alert per event: stopped, lost (then stopped again)" \
	[ "$(alerts "$G1.log" heartbeat_lost)" -eq 1 ]

# --- 2. under a real auditd: BPF op=UNLOAD --------------------------------
A=$T/auditd
G2=$T/g2
mkdir -p "$A/plugins.d"
guard_conf "$G2.conf" heartbeat_timeout=0 "log_file=$G2.log" \
	"pid_file=$T/b/bpfauditd.pid"
cat >"$A/plugins.d/audisp-bpfaudit.conf" <<EOF
active = yes
direction = out
path = $GUARD
type = always
args = $G2.conf
format = string
EOF
chmod 0640 "$A/plugins.d/audisp-bpfaudit.conf"
start_auditd "$A" || skip_or_fail "auditd did not start"
auditctl -e 1 >/dev/null
check "auditd runs the guard" wait_for 10 pgrep -f "^$GUARD $G2.conf" >/dev/null
write_conf "$T/b"
start_daemon "$T/b" || exit 1
echo "$DPID" >"$T/b/bpfauditd.pid"
check "the guard learns bpfauditd's programs from its descriptors" \
	wait_for 10 has "$G2.log" notice watching
# prog_ids of DAEMON_START: exactly the programs bpftool says it holds
ids=$(sed -n 's/^type=DAEMON_START .* prog_ids=\([0-9,]*\).*/\1/p' "$T/b/log/audit.log" | tr , '\n' | sort -n)
held=$(bpftool -j prog show | jq -r --argjson p "$DPID" \
	'.[] | select(.pids // [] | map(.pid) | index($p)) | .id' | sort -n)
check "DAEMON_START's prog_ids are the programs bpfauditd holds ($(wc -w <<<"$ids"))" \
	[ -n "$ids" ] && [ "$ids" = "$held" ]
for i in 1 2 3; do /bin/true guard-quiet; done
sleep 2
check "quiet while bpfauditd starts (probes unload) and runs" no_alerts "$G2.log"
check "the kernel logged the probes' unloads" \
	grep -q '^type=BPF .*op=UNLOAD' "$A/log/audit.log"
kill -KILL "$DPID"
wait "$DPID" 2>/dev/null
DPID=
# pinned, the programs outlive the daemon until they are unloaded
"$BPFAUDITD" --unload -c "$T/b/bpfauditd.conf" >/dev/null 2>&1
check "bpfauditd's programs unloaded: an alert" \
	wait_for 10 has "$G2.log" alert programs_unloaded
id=$(sed -n 's/.*alert=programs_unloaded .*prog-id=\([0-9]*\) .*/\1/p' "$G2.log" | head -n 1)
check "the alert names one of bpfauditd's programs (prog-id=$id)" \
	grep -qx "$id" <<<"$ids"
check "one alert for all its programs" [ "$(alerts "$G2.log" programs_unloaded)" -eq 1 ]

# --- 3. matching kernel and bpfaudit records -------------------------------
# auditd's log (kernel rule keyed bpfguard) and bpfauditd's (its rule
# keyed bpfguard too), merged line by line into the guard's input.
auditctl -a always,exit -F arch=b64 -S execve -k bpfguard >/dev/null
mkdir -p "$T/c/rules.d"
echo "-a always,exit -F arch=b64 -S execve -k bpfguard" >"$T/c/rules.d/guard.rules"
write_conf "$T/c" "heartbeat_interval=1" "events=exec"
start_daemon "$T/c" || exit 1
G3=$T/g3
# window: how late one side may be; 4 s, for a loaded machine (2 s saw
# false alerts under the sanitizers)
W=4
guard_conf "$G3.conf" keys=bpfguard window=$W heartbeat_timeout=4 \
	"log_file=$G3.log" pid_file=none
mkfifo "$G3.in"
"$GUARD" "$G3.conf" <"$G3.in" &
GPID=$!
exec 7>"$G3.in"
lines='^(node=[^ ]* )?type=(SYSCALL|EOE|DAEMON_[A-Z]*|BPF) '
tail -n 0 -F "$A/log/audit.log" 2>/dev/null | grep --line-buffered -E "$lines" >&7 &
feeders+=($!)
tail -n 0 -F "$T/c/log/audit.log" 2>/dev/null | grep --line-buffered -E "$lines" >&7 &
feeders+=($!)
# What straddles the start of the two feeds is seen on one side only:
# 2 x window and more later, what is reported from then on counts.
sleep $((2 * W + 3))
base=$(cat "$G3.log" 2>/dev/null | wc -l)
for i in $(seq 10); do /bin/true "guard-match-$i"; done
check "bpfaudit logs the execs under the key" \
	wait_for 10 grep -q 'comm="true" .*key="bpfguard"' "$T/c/log/audit.log"
# an exec one side missed would be reported 2 x window after it
sleep $((2 * W + 1))
check "quiet while both sides see every exec" sh -c "! tail -n +$((base + 1)) '$G3.log' | grep -q ' alert='"
# run_pid COMMAND...: runs it, prints its pid
run_pid() {
	"$@" &
	local p=$!
	wait "$p"
	echo "$p"
}
kill -STOP "$DPID"
p=$(run_pid /bin/true guard-missed)
check "an exec bpfaudit does not deliver (stopped): an alert" \
	wait_for 30 grep -q "alert=missing_bpfaudit_event kernel audit logged execve of pid $p at [0-9.]* (key \"bpfguard\"), bpfaudit did not within $W s" "$G3.log"
check "its stall stops the heartbeat too" \
	wait_for 10 has "$G3.log" alert heartbeat_lost
kill -CONT "$DPID"
check "back: a notice" wait_for 10 has "$G3.log" notice heartbeat_resumed
check "its late records: notices, not alerts the other way" \
	wait_for 10 grep -q "notice=late_event bpfaudit's record of execve of pid $p " "$G3.log"
check "no exec is reported missing from kernel audit" \
	sh -c "! tail -n +$((base + 1)) '$G3.log' | grep -q 'alert=missing_kernel_event'"
auditctl -D >/dev/null
p=$(run_pid /bin/true guard-no-kernel-rule)
check "an exec kernel audit does not log: an alert" \
	wait_for 30 grep -q "alert=missing_kernel_event bpfaudit logged execve of pid $p " "$G3.log"
stop_daemon
stop_feeders
exec 7>&-
wait "$GPID"
stop_auditd
finish
