#!/bin/bash
# Host tier: executable mappings, socket operations (IPv4, IPv6, unix), a
# BPF program load and credential changes are captured by bpfauditd and
# found with ausearch with the right values, extra fields included; each
# kind can be switched off.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/events-check.sh"
need_root
need_cmd ausearch
make_tmp
write_conf "$T"
LOG=$T/log/audit.log
mkdir -p "$T/ev"

start_daemon "$T" || exit 1
"$EVENTS" "$T/ev" "$T/manifest" || exit 1
check "every action is logged" wait_for 20 all_logged "$LOG" "$T/manifest"
status=$("$BPFAUDITCTL" -S "$T/ctl.sock" status)
stop_daemon
for kind in mmap socket bpf cred; do
	check "$kind: attached (tracepoint here)" \
		grep -q "^attach.$kind = tracepoint$" <<<"$status"
	check "$kind: loss counters in status" \
		grep -q "^loss.$kind.event_dropped = 0$" <<<"$status"
done
check "auparse parses every event" "$AUDITCHECK" parse "$LOG"
events_check "$LOG" "$T/manifest" "$T/ev" >"$T/events.out"
report_checks "$T/events.out"

# events = exec: the other kinds load nothing and log nothing.
write_conf "$T/x" "events=exec"
start_daemon "$T/x" || exit 1
mkdir -p "$T/x/ev"
"$EVENTS" "$T/x/ev" "$T/x/manifest" || exit 1
/bin/true switched-off-check
wait_for 10 grep -q 'a1="switched-off-check"' "$T/x/log/audit.log"
status=$("$BPFAUDITCTL" -S "$T/x/ctl.sock" status)
stop_daemon
check "events = exec: mmap is off" grep -q "^attach.mmap = off$" <<<"$status"
check "events = exec: no mmap, socket, bpf or cred records" \
	sh -c "! grep -Eq '^type=SYSCALL .*syscall=(9|10|42|49|50|288|321|105|117|126) ' '$T/x/log/audit.log'"
check "events = exec: execs still logged" \
	grep -q 'a1="switched-off-check"' "$T/x/log/audit.log"
finish
