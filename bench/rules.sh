#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The price of events that no rule wants: the same workloads under
#   a   no bpfauditd at all,
#   n   bpfauditd with no rule set (every event of the default kinds is
#       recorded),
#   r   bpfauditd with a rule set that matches none of the workload's
#       events (they belong to uid 12345, which runs nothing here),
#   w   bpfauditd with file watches only (-w -p rwa on another file, and
#       its directory), which none of the workload's events touch,
# interleaved, REPS times, median and spread. For n, r and w, the
# ring-buffer records the run produced (bpfauditctl status: ring_records)
# and the SYSCALL records logged are counted: under r and w both must be
# 0. The workloads: execs, loopback tcp, PROT_EXEC mmaps, and opens for
# reading (which the watch source decides on at the call's exit, by the
# inode opened: the price of a watch for calls that do not match).
#
# Run as root from a build tree (make bench-rules) or with
#   BPFAUDITD=BUILD/bridge/bpfauditd BPFAUDITCTL=BUILD/bridge/bpfauditctl \
#   bash bench/rules.sh
# Environment: REPS [5], SECONDS_PER_RUN [3], OUT [bench/results/RULES.md].
set -eu
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BPFAUDITD=${BPFAUDITD:?set BPFAUDITD}
BPFAUDITCTL=${BPFAUDITCTL:?set BPFAUDITCTL}
REPS=${REPS:-5}
DUR=${SECONDS_PER_RUN:-3}
OUT=${OUT:-$BENCH/results/RULES.md}
T=$(mktemp -d /var/tmp/bpfaudit-bench-rules.XXXXXX)
DPID=
say() { echo "bench-rules: $*" >&2; }
cleanup() {
	local c
	[ -n "$DPID" ] && kill -TERM "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	for c in "$T"/d.*/bpfauditd.conf; do
		[ -e "$c" ] && "$BPFAUDITD" --unload -c "$c" >/dev/null 2>&1
	done
	rm -rf "$T"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { say "needs root"; exit 1; }

cc -O2 -Wall -o "$T/execload" "$BENCH/execload.c"
cc -O2 -Wall -o "$T/opload" "$BENCH/opload.c"
cp /bin/true "$T/quiet"
head -c 65536 /dev/zero >"$T/map.bin"

# The rule set of configuration r: every captured syscall, but for a uid
# that runs nothing here.
mkdir -p "$T/rules.off"
cat >"$T/rules.off/none.rules" <<EOF
-a always,exit -F arch=b64 -S all -F uid=12345 -k bench_never
EOF
# ... and of configuration w: watches elsewhere.
mkdir -p "$T/rules.watch" "$T/watched"
echo other >"$T/watched/file"
cat >"$T/rules.watch/watch.rules" <<EOF
-w $T/watched/file -p rwa -k bench_never
-w $T/watched/ -p wa -k bench_never
EOF

start() {
	local dir=$T/d.$1
	rm -rf "$dir"
	mkdir -p "$dir/rules.d"
	[ "$1" = r ] && cp "$T/rules.off/none.rules" "$dir/rules.d/"
	[ "$1" = w ] && cp "$T/rules.watch/watch.rules" "$dir/rules.d/"
	cat >"$dir/bpfauditd.conf" <<EOF
log_file = $dir/log/audit.log
state_dir = $dir/state
control_socket = $dir/ctl.sock
rules_dir = $dir/rules.d
max_log_file = 4095
pin_dir = /sys/fs/bpf/bpfaudit-bench-$$-$1
EOF
	"$BPFAUDITD" -f -c "$dir/bpfauditd.conf" >"$dir/out" 2>&1 &
	DPID=$!
	# start-up verifies every program twice (probe, load): 10-20 s
	for _ in $(seq 1200); do
		grep -q '^type=DAEMON_START ' "$dir/log/audit.log" 2>/dev/null &&
			return
		sleep 0.1
	done
	say "bpfauditd did not start: $(cat "$dir/out")"
	exit 1
}
stop() {
	kill -TERM "$DPID"
	wait "$DPID" || true
	DPID=
	# a stopped daemon leaves its programs pinned: measure without them
	"$BPFAUDITD" --unload -c "$T/d.$1/bpfauditd.conf" >/dev/null 2>&1 || true
}
ring() {
	"$BPFAUDITCTL" -S "$T/d.$1/ctl.sock" status |
		awk '$1 == "ring_records" { print $3 }'
}

logged() {
	grep -c '^type=SYSCALL ' "$T/d.$1/log/audit.log" || true
}

# one CONFIG WORKLOAD, under CONFIG's daemon if it has one: prints
# "ns_per_op ring_per_op syscall_records"
one() {
	local cfg=$1 wl=$2 r0=0 r1=0 l0=0 l1=0 ops ns out
	[ "$cfg" != a ] && r0=$(ring "$cfg") && l0=$(logged "$cfg")
	case $wl in
	exec)
		out=$("$T/execload" -b "$T/quiet" -P 2 -d "$DUR")
		ops=$(sed -n 's/.*ok=\([0-9]*\).*/\1/p' <<<"$out")
		ns=$(sed -n 's/.*elapsed_ns=\([0-9]*\).*/\1/p' <<<"$out")
		ns=$(awk -v n="$ns" -v o="$ops" 'BEGIN { printf "%.0f", n * 2 / o }')
		;;
	*)
		out=$("$T/opload" "$wl" -d "$DUR" -f "$T/map.bin")
		ops=$(sed -n 's/.*ops=\([0-9]*\).*/\1/p' <<<"$out")
		ns=$(sed -n 's/.*ns_per_op=\([0-9.]*\).*/\1/p' <<<"$out")
		;;
	esac
	if [ "$cfg" != a ]; then
		sleep 1
		r1=$(ring "$cfg")
		l1=$(logged "$cfg")
	fi
	awk -v ns="$ns" -v d=$((r1 - r0)) -v o="$ops" -v l=$((l1 - l0)) \
		'BEGIN { printf "%s %.4f %d\n", ns, d / o, l }'
}

# One daemon per configuration and repetition, every workload under it.
WORKLOADS="exec tcp mmap open"
CONFIGS="a n r w"
for rep in $(seq "$REPS"); do
	for cfg in $CONFIGS; do
		[ "$cfg" != a ] && start "$cfg"
		for wl in $WORKLOADS; do
			say "rep $rep $wl $cfg"
			echo "$wl $cfg $(one "$cfg" "$wl")" >>"$T/results"
		done
		[ "$cfg" != a ] && stop "$cfg"
	done
done

# median and spread (min-max) per workload and configuration
summary() {
	awk -v wl="$1" -v cfg="$2" -v col="$3" '$1 == wl && $2 == cfg { print $col }' \
		"$T/results" | sort -g | awk '
		{ v[NR] = $1 }
		END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%s %s %s\n", m, v[1], v[NR] }'
}
mkdir -p "$(dirname "$OUT")"
{
	echo "# Events no rule wants: what they cost"
	echo
	echo "$(date -u +%Y-%m-%d), $(uname -r), $(nproc) CPUs, $REPS repetitions of ${DUR} s," \
		"interleaved; median (min-max). a: no bpfauditd; n: bpfauditd, no rule"
	echo "set (everything recorded); r: a rule set matching none of these events;"
	echo "w: file watches on another file only."
	echo
	echo "| workload | config | ns/op | vs a | ring records/op | SYSCALL records |"
	echo "| --- | --- | --- | --- | --- | --- |"
	for wl in $WORKLOADS; do
		read -r base _ _ < <(summary "$wl" a 3)
		for cfg in $CONFIGS; do
			read -r m lo hi < <(summary "$wl" "$cfg" 3)
			read -r rp _ _ < <(summary "$wl" "$cfg" 4)
			read -r lg _ _ < <(summary "$wl" "$cfg" 5)
			[ "$cfg" = a ] && rp=- && lg=-
			printf "| %s | %s | %.0f (%.0f-%.0f) | %.3f | %s | %s |\n" \
				"$wl" "$cfg" "$m" "$lo" "$hi" \
				"$(awk -v a="$m" -v b="$base" 'BEGIN { print a / b }')" "$rp" "$lg"
		done
	done
} >"$OUT"
cat "$OUT"
