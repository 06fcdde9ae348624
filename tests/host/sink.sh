#!/bin/bash
# Host tier: sink = auditd. bpfauditd delivers its records into a real,
# unmodified auditd through auditd's remote-logging protocol (loopback,
# from a reserved source port): they land in auditd's log with node=,
# next to the kernel's records, ausearch and aureport find them, auditd
# dispatches them to its plugins; auditd restarted in the middle of a
# workload loses none and writes none twice; records queued while auditd
# is down survive a restart of bpfauditd; start-up refuses an auditd that
# is not listening.
. "$TESTLIB"
need_root
need_cmd auditd auditctl ausearch aureport ss
make_tmp
A=$T/a
ALOG=$A/log/audit.log
NODE=bpfaudit-test
mkdir -p "$T/wl" "$T/ev"

# A free listening port for auditd, and a free reserved source port.
free_port() {
	local lo=$1 span=$2 p i
	for i in $(seq 50); do
		p=$((lo + RANDOM % span))
		[ -z "$(ss -Htan "( sport = :$p or dport = :$p )")" ] && { echo "$p"; return; }
	done
	return 1
}
PORT=$(free_port 60000 1000) && LPORT=$(free_port 700 300) ||
	skip_or_fail "no free port"

# Start-up refuses an auditd that does not listen, naming what to set.
write_conf "$T/r" sink=auditd auditd_port=$PORT
out=$("$BPFAUDITD" -f -c "$T/r/bpfauditd.conf" 2>&1)
check "no auditd listening: start-up refused" [ $? -ne 0 ]
check "the refusal names host:port and the auditd.conf lines" \
	grep -q "127.0.0.1:$PORT.*tcp_listen_port = $PORT" <<<"$out"
echo "# $out" | cut -c1-300

# auditd plugin: what auditd dispatches ends up in plugin.out.
mkdir -p "$A/plugins.d"
printf '#!/bin/sh\nexec cat >>"$1"\n' >"$T/capture.sh"
chmod 0750 "$T/capture.sh"
cat >"$A/plugins.d/capture.conf" <<EOF
active = yes
direction = out
path = $T/capture.sh
type = always
args = $T/plugin.out
format = string
EOF
start_auditd "$A" "tcp_listen_port = $PORT" "tcp_listen_queue = 5" \
	"tcp_max_per_addr = 2" "tcp_client_ports = 1-1023" \
	"distribute_network = yes" "max_log_file = 256" ||
	{ not_ok "private auditd started"; finish; exit 1; }
# The kernel's own records of the same execs, in the same log.
auditctl -a always,exit -F arch=b64 -S execve -F exe=/usr/bin/true \
	-k sink-kernel >/dev/null

write_conf "$T/b" sink=auditd auditd_port=$PORT auditd_local_port=$LPORT \
	name_format=user name=$NODE events=exec,socket loss_report_interval=1
start_sink_daemon() {
	local before
	before=$(grep -c "^node=$NODE type=DAEMON_START " "$ALOG")
	"$BPFAUDITD" -f -c "$T/b/bpfauditd.conf" >>"$T/b/daemon.out" 2>&1 &
	DPID=$!
	wait_for "$START_WAIT" sh -c "[ \$(grep -c '^node=$NODE type=DAEMON_START ' '$ALOG') -gt $before ]" ||
		{ sed 's/^/# /' "$T/b/daemon.out"; return 1; }
}
start_sink_daemon || { not_ok "bpfauditd started with sink = auditd"; finish; exit 1; }
ok "bpfauditd started with sink = auditd"
check "auditd accepted it from the reserved port $LPORT" \
	grep -Eq "^type=DAEMON_ACCEPT .*addr=(::ffff:)?127.0.0.1 port=$LPORT res=success" "$ALOG"
capeff=$(awk '/^CapEff/ { print $2 }' "/proc/$DPID/status")
check "bpfauditd kept CAP_NET_BIND_SERVICE for reconnecting" \
	[ $((0x$capeff & (1 << 10))) -ne 0 ]
# From an ephemeral port, outside tcp_client_ports: auditd closes the
# connection at once, and start-up says so.
write_conf "$T/p" sink=auditd auditd_port=$PORT
out=$("$BPFAUDITD" -f -c "$T/p/bpfauditd.conf" 2>&1)
check "a source port auditd refuses: start-up refused" [ $? -ne 0 ]
check "the refusal says auditd closed the connection, and where to look" \
	grep -q "auditd at 127.0.0.1:$PORT closed the connection.*op=port: tcp_client_ports" <<<"$out"

# Connects, then execs (the exec workload, and plain execs between its
# runs) while auditd restarts, down for 1.5 s, in the middle: at least
# ROUNDS rounds, and on until auditd is back (however long it takes to
# stop and start on a loaded machine).
"$EVENTS" "$T/ev" "$T/ev.manifest" || exit 1
ROUNDS=12
(
	i=0
	while [ $i -lt $ROUNDS ] || [ ! -e "$T/auditd-back" ]; do
		i=$((i + 1))
		"$WORKLOAD" "$T/wl" "$T/m.$i" 1 || exit 1
		cat "$T/m.$i" >>"$T/manifest"
		for j in $(seq 20); do
			/bin/true "sink-$i-$j" &
			echo "loop $!" >>"$T/manifest"
			wait $!
		done
	done
	echo "$i" >"$T/rounds"
) &
WPID=$!
sleep 0.8
# The status while auditd is down: once the old one has gone (it may take
# a while to stop), well inside the 1.5 s before the new one starts.
old_apid=$APID
(
	while kill -0 "$old_apid" 2>/dev/null; do sleep 0.05; done
	sleep 0.3
	"$BPFAUDITCTL" -S "$T/b/ctl.sock" status >"$T/status.down" 2>&1
) &
SPID=$!
restart_auditd "$A" 1.5
check "auditd restarted in the middle of the workload" kill -0 "$APID"
check "the workload was still running when auditd was back" kill -0 "$WPID"
touch "$T/auditd-back"
wait "$WPID" "$SPID"
rounds=$(cat "$T/rounds" 2>/dev/null || echo 0)
check "the workload ran to its end ($rounds rounds)" \
	[ "$rounds" -ge $ROUNDS -a "$(wc -l <"$T/manifest")" -eq $((rounds * 27)) ]

# How many times each workload pid's exec is in auditd's log (one pass).
counts() {
	awk -v node="node=$NODE" '
		FNR == NR { want[$2] = 1; next }
		$1 == node && $2 == "type=SYSCALL" && / syscall=59 / {
			if (match($0, / pid=[0-9]+ /)) {
				p = substr($0, RSTART + 5, RLENGTH - 6)
				if (p in want) n[p]++
			}
		}
		END { for (p in want) print p, n[p] + 0 }' "$T/manifest" "$ALOG"
}
all_delivered() { counts | awk '$2 == 0 { bad = 1 } END { exit bad }'; }
check "every exec reached auditd" wait_for 30 all_delivered
status=$("$BPFAUDITCTL" -S "$T/b/ctl.sock" status)
counts >"$T/counts"
total=$(wc -l <"$T/counts")
missing=$(awk '$2 == 0' "$T/counts" | wc -l)
dup=$(awk '$2 > 1' "$T/counts" | wc -l)
echo "# $total execs: $missing missing, $dup delivered more than once"
check "no exec lost across the auditd restart ($missing of $total)" [ "$missing" -eq 0 ]
check "no exec written twice ($dup of $total)" [ "$dup" -eq 0 ]
check "no record of bpfaudit's is in auditd's log twice" \
	sh -c "grep '^node=$NODE ' '$ALOG' | sort | uniq -d | wc -l | grep -qx 0"
check "bpfaudit's records are in auditd's log in their order" \
	sh -c "grep '^node=$NODE ' '$ALOG' |
		sed 's/.*msg=audit([0-9.]*:\([0-9]*\)).*/\1/' |
		awk '\$1 < last { exit 1 } { last = \$1 }'"
grep '^sink\.' "$T/status.down" | sed 's/^/# down: /'
check "status while auditd was down: records queued" \
	grep -Eq '^sink.queued_records = [1-9]' "$T/status.down"
check "status while auditd was down: not connected" \
	grep -Eq '^sink.state = (disconnected|connecting)$' "$T/status.down"
grep '^sink\.' <<<"$status" | sed 's/^/# after: /'
check "status after: connected again" \
	grep -q '^sink.state = connected$' <<<"$status"
queue_empty() {
	"$BPFAUDITCTL" -S "$T/b/ctl.sock" status | grep -q '^sink.queued_records = 0$'
}
check "status after: the queue empties" wait_for 10 queue_empty
check "status after: reconnected once at least" \
	grep -Eq '^sink.connects = ([2-9]|[1-9][0-9]+)$' <<<"$status"

# Next to the kernel's: ausearch and aureport read both.
plain=$(awk '$1 == "plain" { print $2; exit }' "$T/manifest")
inet=$(awk '$1 == "inet" { print $2; exit }' "$T/ev.manifest")
check "ausearch --node finds bpfaudit's exec" \
	sh -c "ausearch -if '$ALOG' --node $NODE -p $plain -sc execve --raw | grep -q '^node=$NODE type=EXECVE .*a1=\"plain\"'"
check "the kernel's record of the same exec is there too, without node" \
	sh -c "ausearch -if '$ALOG' -p $plain -sc execve --raw | grep -q '^type=SYSCALL .*key=\"sink-kernel\"'"
check "ausearch -i by node, comm and exe" \
	sh -c "ausearch -if '$ALOG' --node $NODE -c true -x /usr/bin/true -i | grep -q 'node=$NODE type=SYSCALL'"
check "ausearch finds bpfaudit's connect with its address" \
	sh -c "ausearch -if '$ALOG' --node $NODE -p $inet -sc connect -i | grep -q 'type=SOCKADDR'"
check "aureport reads the log" sh -c "aureport -if '$ALOG' >/dev/null"
check "aureport --node -x lists bpfaudit's executables" \
	sh -c "aureport -if '$ALOG' --node $NODE -x --summary | grep -q '/usr/bin/true'"
echo "# aureport: $(aureport -if "$ALOG" --summary | grep -m1 'Number of events'), of them node=$NODE: $(aureport -if "$ALOG" --node $NODE --summary | grep -m1 'Number of events')"
check "auditd dispatched bpfaudit's records to its plugin" \
	grep -q "^node=$NODE type=SYSCALL .* pid=$plain " "$T/plugin.out"

# Queued while auditd is down, kept over a restart of bpfauditd, and
# delivered first when both are back.
kill -TERM "$APID"
wait "$APID"
/bin/true queued-while-down
sleep 0.5
stop_daemon
check "bpfauditd stops while auditd is down" [ $? -eq 0 ]
check "the records wait in the queue" \
	sh -c "cat '$T/b/state/queue/'*.seg | grep -q 'a0=\"/bin/true\" a1=\"queued-while-down\"'"
auditd -n -c "$A" >>"$A/auditd.out" 2>&1 &
APID=$!
wait_for 30 sh -c "[ \$(grep -c '^type=DAEMON_START ' '$ALOG') -ge 3 ]"
start_sink_daemon
check "bpfauditd starts again" [ $? -eq 0 ]
check "the queued records were delivered" \
	wait_for 10 grep -q "^node=$NODE type=EXECVE .*a0=\"/bin/true\" a1=\"queued-while-down\"" "$ALOG"
check "before the new start record" \
	sh -c "grep -n '^node=$NODE \(type=DAEMON_START\|type=EXECVE .*a0=\"/bin/true\" a1=\"queued-while-down\"\)' '$ALOG' |
		tail -n 2 | head -n 1 | grep -q queued-while-down"
check "the earlier run's DAEMON_END came first" \
	sh -c "grep '^node=$NODE type=DAEMON_\(END\|START\)' '$ALOG' | tail -n 2 |
		head -n 1 | grep -q DAEMON_END"
check "nothing left queued" wait_for 10 queue_empty
stop_daemon
check "DAEMON_END reached auditd at stop" \
	sh -c "grep '^node=$NODE ' '$ALOG' | tail -n 1 | grep -q 'type=DAEMON_END '"
check "auparse reads auditd's whole log" "$AUDITCHECK" parse "$ALOG"
stop_auditd
finish
