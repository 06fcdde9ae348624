#!/bin/bash
# The vm tier (make check-vm): on each Debian kernel of the matrix, boots a
# VM carrying bpfauditd and runs the exec, event-kind and file-watch
# scenarios in every attach mode (guest-exec.sh); then checks on the host
# that each mode wrote the same exec and file-call records as the
# tracepoint mode, pids, times and serials aside. Prints the matrix.
# Needs BPFAUDITD, WORKLOAD, EVENTS, MODLOAD, AUDITCHECK (make check-vm).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cache=${BPFAUDIT_VM_CACHE:-/var/cache/bpfaudit-vm}
work=$(mktemp -d /var/tmp/bpfaudit-vm.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
modes="tracepoint fentry lsm"

# The guest mounts fresh filesystems on /tmp and /run: stage the binaries
# where they stay visible.
payload=$work/payload
mkdir -p "$payload" "$work/bin"
cp "$BPFAUDITD" "$WORKLOAD" "$EVENTS" "$MODLOAD" "$AUDITCHECK" "$work/bin/"
cp "$here/guest-exec.sh" "$payload/run.sh"
cp "$here/../host/events-check.sh" "$payload/"
cp -r "$here/../../rules" "$payload/rules"
cat >"$payload/env" <<ENV
BPFAUDITD=$work/bin/bpfauditd
WORKLOAD=$work/bin/workload
EVENTS=$work/bin/events
MODLOAD=$work/bin/modload
AUDITCHECK=$work/bin/auditcheck
MODES="$modes"
ENV
EXTRA_FILES="/etc/passwd:/etc/passwd /etc/group:/etc/group" \
	"$here/mkinitramfs.sh" "$work/initrd.gz" "$payload" \
	"$work/bin/bpfauditd" "$work/bin/workload" "$work/bin/events" \
	"$work/bin/modload" \
	"$work/bin/auditcheck" \
	"$(command -v ausearch)" /usr/bin/true >/dev/null

# records_by_tag DIR MODE TAG [fw]: that exec's (or file call's) record
# set, with what may differ between runs (stamp, pids, argument registers;
# for file calls, the inode numbers of files made again) taken out.
records_by_tag() {
	local pid serial inode=none
	[ -n "${4:-}" ] && inode=inode
	pid=$(awk -v t="$3" '$1 == t { print $2; exit }' "$1/$2${4:+.$4}.manifest")
	serial=$(grep -E "^type=SYSCALL .* pid=$pid " "$1/$2.log" |
		sed -n 's/.*msg=audit([0-9.]*:\([0-9]*\)).*/\1/p' | head -n 1)
	grep -E "msg=audit\([0-9.]*:$serial\)" "$1/$2.log" |
		sed -E -e 's/msg=audit\([0-9.:]*\)/msg=audit()/' \
		-e 's/ (a[0-3]|ppid|pid)=[0-9a-f]+/ \1=N/g' \
		-e "s/ $inode=[0-9]+/ inode=N/g"
}

# same_records DIR MODE TAG [fw]: as in tracepoint mode, or says how not.
same_records() {
	diff <(records_by_tag "$1" tracepoint "$3" ${4:-}) \
		<(records_by_tag "$1" "$2" "$3" ${4:-}) >"$1/diff.$2.$3" && return
	echo "# $id $2: $3 records differ from tracepoint mode:"
	sed 's/^/#   /' "$1/diff.$2.$3" | cut -c1-240
	return 1
}

fail=0
rows=()
kernels=$("$here/fetch-kernels.sh" "$cache")
# Each kernel's own dummy module, for the module-load checks.
while read -r id version vmlinuz; do
	mkdir -p "$payload/modules/$version"
	cp "$cache/kernels/$id/modules/kernel/drivers/net/"dummy.ko* \
		"$payload/modules/$version/"
done <<<"$kernels"
EXTRA_FILES="/etc/passwd:/etc/passwd /etc/group:/etc/group" \
	"$here/mkinitramfs.sh" "$work/initrd.gz" "$payload" \
	"$work/bin/bpfauditd" "$work/bin/workload" "$work/bin/events" \
	"$work/bin/modload" "$work/bin/auditcheck" \
	"$(command -v ausearch)" /usr/bin/true >/dev/null
while read -r id version vmlinuz; do
	dir=$work/$id
	VM_APPEND="bpfaudit.timeout=1500" "$here/boot.sh" "$vmlinuz" \
		"$work/initrd.gz" "$dir" 1800 >/dev/null 2>&1 || true
	boot=$(sed -n 's/.*boot_s=\([^ ]*\).*/\1/p' "$dir/result" 2>/dev/null)
	total=$(sed -n 's/.*total_s=\([^ ]*\).*/\1/p' "$dir/result" 2>/dev/null)
	for mode in $modes; do
		line=$(tr -d '\r' <"$dir/console.log" | grep -a "^VMRESULT $mode " || true)
		verdict=$(awk '{ print $3 }' <<<"$line")
		events=$(sed -n 's/.* events=\([0-9]*\).*/\1/p' <<<"$line")
		same=-
		if [ "$verdict" = pass ] && [ "$mode" != tracepoint ] &&
			[ -s "$dir/out/tracepoint.log" ]; then
			same=yes
			for tag in $(awk '{ print $1 }' "$dir/out/$mode.manifest"); do
				same_records "$dir/out" "$mode" "$tag" || same="no($tag)"
			done
			# the file calls tracepoint mode sees as the hooks do
			# (the refused and the read-class ones by the daemon's
			# lookup; not chmod, chown: it sees the new mode and
			# owner)
			[ -s "$dir/out/tracepoint.fw.manifest" ] &&
				for tag in $(awk '$1 !~ /chmod|chown/ { print $1 }' \
					"$dir/out/$mode.fw.manifest"); do
					same_records "$dir/out" "$mode" "$tag" fw ||
						same="no($tag)"
				done
			[ "$same" = yes ] || verdict=fail
		fi
		[ "$verdict" = pass ] || {
			verdict=fail
			fail=$((fail + 1))
			tr -d '\r' <"$dir/console.log" | grep -a -A20 "^VMRESULT $mode " | sed -n '1,20s/^/#   /p'
		}
		rows+=("$(printf '%-20s %-22s %-11s %-5s %7s %-10s %6s %7s' "$id" "$version" \
			"$mode" "$verdict" "${events:-0}" "$same" "${boot:--}" "${total:--}")")
	done
done <<<"$kernels"

printf '%-20s %-22s %-11s %-5s %7s %-10s %6s %7s\n' kernel version mode \
	result events same_as_tp boot_s total_s
printf '%s\n' "${rows[@]}"
passed=$((${#rows[@]} - fail))
echo "# $passed passed, $fail failed"
[ "$fail" -eq 0 ]
