#!/bin/bash
# Host tier: restart without loss. The programs and the ring stay pinned in
# bpffs (pin_dir) when bpfauditd stops, and the next daemon takes them over:
# 1. execs while no daemon runs are all delivered at its next start, none
#    twice;
# 2. with a ring too small for them, logged + reported lost = offered,
#    exactly, and the loss is reported once;
# 3. a daemon killed (SIGKILL) mid-burst: after a restart, logged +
#    reported lost = offered, exactly;
# 4. a configuration that does not match the pinned set: drained and
#    replaced, its losses reported;
# 5. bpfauditd --unload stops a running daemon, removes the pins and the
#    programs;
# 6. a file watch keeps watching while no daemon runs.
. "$TESTLIB"
need_root
need_cmd setpriv ausearch bpftool
make_tmp

# The workload runs as a uid of its own and a rule keeps only its execs,
# so that nothing else on the machine changes the counts.
WL_UID=4242
with_rule() {
	mkdir -p "$1/rules.d"
	echo "-a always,exit -F arch=b64 -S execve,execveat -F uid=$WL_UID -k restart" \
		>"$1/rules.d/restart.rules"
}
# burst TAG COUNT: COUNT execs of /bin/true TAG-I as WL_UID; with the
# shell's own exec, COUNT + 1 events are offered.
burst() {
	setpriv --reuid=$WL_UID --regid=$WL_UID --clear-groups \
		/bin/bash -c "for ((i = 1; i <= $2; i++)); do /bin/true $1-\$i; done"
}
# restart DIR: another daemon on DIR, up when its DAEMON_START is logged.
starts() { grep -c '^type=DAEMON_START ' "$1/log/audit.log" 2>/dev/null; }
restart() {
	local before
	before=$(starts "$1")
	"$BPFAUDITD" -f -c "$1/bpfauditd.conf" >>"$1/daemon.out" 2>&1 &
	DPID=$!
	wait_for "$START_WAIT" sh -c "[ \$(grep -c '^type=DAEMON_START ' '$1/log/audit.log') -gt $before ]"
}
last_start() { grep '^type=DAEMON_START ' "$1/log/audit.log" | tail -n 1; }
# started_as DIR loaded|reused: what the last DAEMON_START says
started_as() { last_start "$1" | grep -q " programs=$2"; }
prog_ids() { last_start "$1" | sed 's/.* prog_ids=\([0-9,]*\).*/\1/' | tr , ' '; }
# markers LOG TAG: the TAG-I arguments ausearch finds, one line each
markers() {
	ausearch -if "$1" -k restart --raw 2>/dev/null |
		grep -o "^type=EXECVE .* a1=\"$2-[0-9]*\"" | sed 's/.* a1=//'
}
# the workload's events in the log (SYSCALL records of WL_UID)
logged() { grep -c "^type=SYSCALL .* uid=$WL_UID " "$1"; }
# events reported lost: whole events, not chunks of logged ones
lost() {
	sed -n 's/.*op=loss kind=[a-z]* cause=\(event_dropped\|state_full\|scratch_busy\|daemon_crash\) count=\([0-9]*\).*/\2/p' "$1" |
		awk '{ s += $1 } END { print s + 0 }'
}
no_pins() { ! ls -A "$1" 2>/dev/null | grep -q .; }

# --- 1. events while no daemon runs: all delivered ------------------------
A=$T/a
write_conf "$A" "events=exec"
with_rule "$A"
start_daemon "$A" || exit 1
PINS=$(pin_dir_of "$A")
check "the set is pinned: links, maps, description" \
	sh -c "ls '$PINS' | grep -q '^link_' && ls '$PINS' | grep -qx events && ls '$PINS' | grep -qx desc"
check "pins are root's only" [ "$(stat -c %a "$PINS")" = 700 ]
out=$("$BPFAUDITD" -f -c "$A/bpfauditd.conf" 2>&1)
check "a second daemon on the same pin_dir is refused" \
	grep -q "pin_dir $PINS: in use by another bpfauditd" <<<"$out"
check "... and leaves the first one's control socket alone" \
	"$BPFAUDITCTL" -S "$A/ctl.sock" status >/dev/null
check "DAEMON_START says the programs were loaded" started_as "$A" loaded
ids_before=$(prog_ids "$A")
stop_daemon
check "after SIGTERM the programs stay pinned" [ -e "$PINS/desc" ]
N=150
burst gap $N
restart "$A" || exit 1
check "the next daemon takes the pinned set over" started_as "$A" reused
ids_after=$(prog_ids "$A")
check "the same programs, none loaded again ($ids_after)" \
	[ -n "$ids_after" -a "$(tr ' ' '\n' <<<"$ids_before" | sort -n)" = "$(tr ' ' '\n' <<<"$ids_after" | sort -n)" ]
check "all $N execs of the gap are delivered" \
	wait_for 30 sh -c "[ \$(ausearch -if '$A/log/audit.log' -k restart --raw 2>/dev/null | grep -c 'a1=\"gap-') -ge $N ]"
check "ausearch finds every marker once: no duplicate" \
	[ "$(markers "$A/log/audit.log" gap | sort | uniq -d | wc -l)" -eq 0 -a \
	  "$(markers "$A/log/audit.log" gap | sort -u | wc -l)" -eq $N ]
check "nothing reported lost" [ "$(lost "$A/log/audit.log")" -eq 0 ]
status=$("$BPFAUDITCTL" -S "$A/ctl.sock" status)
check "status names pin_dir and the take-over" \
	grep -q "^programs = reused$" <<<"$status"
stop_daemon

# --- 2. the ring overflows while no daemon runs: the gap is reported ------
B=$T/b
write_conf "$B" "events=exec" "ringbuf_size=1"
with_rule "$B"
start_daemon "$B" || exit 1
stop_daemon
N=400
burst over $N
restart "$B" || exit 1
stop_daemon
got=$(logged "$B/log/audit.log")
gone=$(lost "$B/log/audit.log")
check "the overflow is reported ($gone events lost)" [ "$gone" -gt 0 ]
check "logged + reported lost = offered ($got + $gone = $((N + 1)))" \
	[ $((got + gone)) -eq $((N + 1)) ]
check "the gap's loss is reported in loss records" \
	grep -q '^type=DAEMON_ERR .*op=loss kind=exec cause=event_dropped' "$B/log/audit.log"
# reported once: another restart adds no loss record
restart "$B" || exit 1
stop_daemon
check "a later restart reports no loss again" [ "$(lost "$B/log/audit.log")" -eq "$gone" ]

# --- 3. SIGKILL mid-burst: what the dead daemon held is reported lost -----
C=$T/c
write_conf "$C" "events=exec" "loss_report_interval=1"
with_rule "$C"
start_daemon "$C" || exit 1
N=400
# stopped, it lets a backlog build up; continued, it dies (SIGKILL, at
# the 150th header, BPFAUDITD_CRASH_AFTER) while it works through it:
# events taken from the ring and not yet written are gone with it
stop_daemon
BPFAUDITD_CRASH_AFTER=150 restart "$C" || exit 1
kill -STOP "$DPID"
burst kill $N
kill -CONT "$DPID"
wait "$DPID" 2>/dev/null
check "the daemon died of SIGKILL" [ $? -eq 137 ]
DPID=
restart "$C" || exit 1
sleep 2
stop_daemon
got=$(logged "$C/log/audit.log")
gone=$(lost "$C/log/audit.log")
crash=$(sed -n 's/.*cause=daemon_crash count=\([0-9]*\).*/\1/p' "$C/log/audit.log" |
	awk '{ s += $1 } END { print s + 0 }')
check "what the dead daemon held is reported lost ($crash daemon_crash)" \
	[ "$crash" -gt 0 ]
check "logged + reported lost = offered after SIGKILL ($got + $gone = $((N + 1)))" \
	[ $((got + gone)) -eq $((N + 1)) ]
check "no marker is logged twice" \
	[ "$(markers "$C/log/audit.log" kill | sort | uniq -d | wc -l)" -eq 0 ]
check "auparse parses the log" "$AUDITCHECK" parse "$C/log/audit.log"

# --- 4. a pinned set that does not match: drained, then replaced ------
# Its ring overflowed meanwhile: the new set starts from the old counts.
D=$T/d
write_conf "$D" "events=exec" "ringbuf_size=1"
with_rule "$D"
start_daemon "$D" || exit 1
stop_daemon
N=200
burst drain $N
write_conf "$D" "events=exec,bpf" "ringbuf_size=1"
restart "$D" || exit 1
check "another configuration loads its own programs" started_as "$D" loaded
check "the daemon says why the pinned set was replaced" \
	wait_for 5 grep -q "not reused (events differ): drained and replaced" "$D/daemon.out"
stop_daemon
got=$(logged "$D/log/audit.log")
gone=$(lost "$D/log/audit.log")
check "the old ring's events are delivered ($got)" [ "$got" -gt 0 ]
check "its losses are reported: logged + lost = offered ($got + $gone = $((N + 1)))" \
	[ $((got + gone)) -eq $((N + 1)) ]

# --- 5. bpfauditd --unload -------------------------------------------------
restart "$A" || exit 1
ids=$(prog_ids "$A")
out=$("$BPFAUDITD" --unload -c "$A/bpfauditd.conf" 2>&1)
check "--unload succeeds" [ $? -eq 0 ]
check "--unload says it stopped the daemon" grep -q "stopping bpfauditd (pid $DPID)" <<<"$out"
wait "$DPID"
check "the daemon stopped cleanly" [ $? -eq 0 ]
DPID=
check "it drained and ended its log" \
	sh -c "tail -n 1 '$A/log/audit.log' | grep -q '^type=DAEMON_END '"
check "--unload removes pin_dir" [ ! -e "$PINS" ]
left=0
for id in $ids; do
	bpftool prog show id "$id" >/dev/null 2>&1 && left=$((left + 1))
done
check "none of its programs is left (bpftool prog show)" [ "$left" -eq 0 ]
out=$("$BPFAUDITD" --unload -c "$A/bpfauditd.conf" 2>&1)
check "--unload with nothing pinned is fine" [ $? -eq 0 ]
check "... and says so" grep -q "nothing pinned" <<<"$out"

# --- 6. a file watch over a restart ---------------------------------------
# The watch source attaches one program to many tracepoints: each of its
# links is pinned, so a change while no daemon runs is still seen.
W=$T/w
mkdir -p "$W/files"
echo data >"$W/files/watched"
write_conf "$W" "events=exec,watch"
mkdir -p "$W/rules.d"
echo "-w $W/files/watched -p wa -k rwatch" >"$W/rules.d/watch.rules"
start_daemon "$W" || exit 1
stop_daemon
chmod 0600 "$W/files/watched"
restart "$W" || exit 1
check "the watch's set is taken over" started_as "$W" reused
check "a chmod of the watched file while no daemon ran is logged" \
	wait_for 10 grep -q '^type=SYSCALL .*syscall=268 .*key="rwatch"' "$W/log/audit.log"
stop_daemon
finish
