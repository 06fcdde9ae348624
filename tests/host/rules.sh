#!/bin/bash
# Host tier: audit rules. With a rule set only matching events reach the
# log, each with its rule's keys (found by ausearch -k); `never` rules and
# non-matching syscalls cost no ring traffic; bpfauditctl lists, loads (-R),
# deletes (-D) and switches (-e) rules; a broken rule file changes nothing;
# -e 2 locks the set, across a daemon restart.
. "$TESTLIB"
need_root
need_cmd ausearch setpriv
make_tmp
LOG=$T/log/audit.log
CTL=("$BPFAUDITCTL" -S "$T/ctl.sock")
ctl() { "${CTL[@]}" "$@" >/dev/null; }

mkdir -p "$T/bin" "$T/rules.d"
cp /bin/true "$T/bin/quiet"
cp /bin/true "$T/bin/loud"
chmod 755 "$T" "$T/bin"

cat >"$T/rules.d/10-base.rules" <<EOF
# comments and blank lines are skipped

-D
-b 8192
EOF
cat >"$T/rules.d/20-test.rules" <<EOF
-a never,exit -F arch=b64 -S execve -F exe=$T/bin/quiet
-a always,exit -F arch=b64 -S execve -F uid=65534 -k nobody
-a always,exit -F arch=b64 -S execve,execveat -k exec -k all
-a always,exit -F arch=b64 -S connect -F success=0 -k conn_fail
EOF
write_conf "$T"
start_daemon "$T" || exit 1

# run_pid COMMAND...: runs it, prints its pid
run_pid() {
	"$@" >/dev/null 2>&1 &
	local p=$!
	wait "$p"
	echo "$p"
}
syscall_of() { grep "^type=SYSCALL .* pid=$1 " "$LOG"; }
logged_with() { syscall_of "$1" | grep -q " key=$2 "; }

quiet=$(run_pid "$T/bin/quiet")
loud=$(run_pid "$T/bin/loud")
nobody=$(run_pid setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$T/bin/loud")
refused=$(run_pid bash -c 'exec 3<>/dev/tcp/127.0.0.1/1')
wait_for 10 syscall_of "$refused" | grep -q " syscall=42 " ||
	wait_for 10 grep -q "key=\"conn_fail\"" "$LOG"

check "an always rule's key: key=\"exec\" and \"all\" joined as the kernel does" \
	logged_with "$loud" 6578656301616C6C
check "first match wins: uid=65534 takes the nobody rule" \
	logged_with "$nobody" '"nobody"'
check "a never rule drops the exec of its exe" \
	sh -c "! grep -q ' pid=$quiet ' '$LOG'"
check "connect failing: success=0 rule and its key" \
	grep -q "^type=SYSCALL .* syscall=42 success=no .* key=\"conn_fail\"" "$LOG"
check "no rule names mmap: no MMAP records at all" \
	sh -c "! grep -q '^type=SYSCALL .* syscall=9 ' '$LOG'"
check "every SYSCALL record carries a rule's key" \
	sh -c "! grep '^type=SYSCALL ' '$LOG' | grep -q 'key=(null)'"
check "ausearch -k finds the event by one of its keys" \
	sh -c "ausearch -if '$LOG' -k all -p $loud --raw | grep -q 'pid=$loud '"
check "ausearch -k nobody finds the nobody exec" \
	sh -c "ausearch -if '$LOG' -k nobody --raw | grep -q 'pid=$nobody '"
check "the -b line of a distribution's audit.rules is accepted with a warning" \
	grep -q "10-base.rules:4: .*not applicable" "$T/daemon.out"

list=$("${CTL[@]}" -l)
check "bpfauditctl -l lists the rules in auditctl form" \
	grep -q -- "-a always,exit -F arch=b64 -S connect -F success=0 -F key=conn_fail" <<<"$list"
check "bpfauditctl -l: four rules" [ "$(grep -c '^-a ' <<<"$list")" = 4 ]
check "status counts the rules" grep -q "^rules = 4$" <(${CTL[@]} status)
check "bpfauditctl -s" grep -q "^rules 4$" <("${CTL[@]}" -s)

# Non-matching events: no ring traffic at all.
ring() { "${CTL[@]}" status | awk '$1 == "ring_records" { print $3 }'; }
cat >"$T/uid.rules" <<EOF
-D
-a always,exit -F arch=b64 -S execve -F uid=12345 -k never_here
EOF
check "bpfauditctl -R applies a rule file" ctl -R "$T/uid.rules"
before=$(ring)
for i in $(seq 200); do "$T/bin/loud"; done
after=$(ring)
check "200 non-matching execs: ring records $before -> $after" [ "$before" = "$after" ]

# A broken rule file: a clear error, the running set unchanged.
printf -- '-a always,exit -S execve -F bogus=1\n' >"$T/bad.rules"
out=$("${CTL[@]}" -R "$T/bad.rules" 2>&1)
check "a bad rule via -R fails" [ $? -ne 0 ]
check "the error names the file and the line" grep -q "bad.rules:1: " <<<"$out"
check "the running rules are unchanged" \
	grep -q -- "-F key=never_here" <("${CTL[@]}" -l)
printf -- '-a always,exit -S stat\n' >"$T/rules.d/30-bad.rules"
check "reload with a broken rules.d file fails" sh -c "! '${CTL[0]}' -S '$T/ctl.sock' reload >/dev/null"
check "... and keeps the running rules" \
	grep -q -- "-F key=never_here" <("${CTL[@]}" -l)
rm "$T/rules.d/30-bad.rules"
check "reload reads rules.d again" ctl reload
check "... four rules again" [ "$("${CTL[@]}" -l | grep -c '^-a ')" = 4 ]

# -D: nothing recorded; -e 0: nothing recorded either.
check "bpfauditctl -D" ctl -D
check "-l after -D says so" grep -q "No rules" <("${CTL[@]}" -l)
gone=$(run_pid "$T/bin/loud")
check "reload" ctl reload
check "bpfauditctl -e 0" ctl -e 0
off=$(run_pid "$T/bin/loud")
check "bpfauditctl -e 1" ctl -e 1
back=$(run_pid "$T/bin/loud")
wait_for 10 syscall_of "$back" >/dev/null
check "after -e 1 events are recorded again" pid_logged "$LOG" "$back"
check "after -D nothing was recorded" sh -c "! grep -q ' pid=$gone ' '$LOG'"
check "with -e 0 nothing was recorded" sh -c "! grep -q ' pid=$off ' '$LOG'"
check "rule changes are CONFIG_CHANGE records" \
	grep -q "^type=CONFIG_CHANGE .* op=load_rules .* res=1" "$LOG"

# -e 2: locked until reboot, even across a restart of the daemon.
check "bpfauditctl -e 2" ctl -e 2
out=$("${CTL[@]}" -D 2>&1)
check "locked: -D refused" [ $? -ne 0 ]
check "locked: the refusal says why" grep -q "locked" <<<"$out"
check "locked: -R refused" sh -c "! '${CTL[0]}' -S '$T/ctl.sock' -R '$T/uid.rules' >/dev/null"
check "locked: -l still lists four rules" [ "$("${CTL[@]}" -l | grep -c '^-a ')" = 4 ]
stop_daemon
start_daemon "$T" || exit 1
check "locked after a restart: -D refused" sh -c "! '${CTL[0]}' -S '$T/ctl.sock' -D >/dev/null 2>&1"
check "locked after a restart: the same four rules" \
	[ "$("${CTL[@]}" -l | grep -c '^-a ')" = 4 ]
locked=$(run_pid "$T/bin/loud")
wait_for 10 syscall_of "$locked" >/dev/null
check "locked rules still record with their keys" logged_with "$locked" 6578656301616C6C
stop_daemon
finish
