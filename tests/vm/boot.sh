#!/bin/bash
# Boot a kernel with a mkinitramfs.sh image under qemu (software emulation),
# collect the console and the payload's /payload-out, exit with run.sh's status.
#
# Usage: tests/vm/boot.sh VMLINUZ INITRD OUTDIR [TIMEOUT_SECONDS]   (default 600)
#   VM_APPEND  extra kernel command line (e.g. "bpfaudit.timeout=60 lsm=...")
#   VM_MEM     guest memory in MiB (1024), VM_SMP guest CPUs (1)
#   VM_CPU     qemu -cpu model (max,cx16=off: with CMPXCHG16B, Debian 12's
#              qemu 7.2 TCG crashes the 6.12 bookworm-backports kernel in
#              about 1 boot of 4, mostly in SLUB's cmpxchg16b fast path)
# The guest has no network device (-nic none, which also skips the iPXE ROM).
# Writes OUTDIR/console.log, OUTDIR/out/ (the guest's /payload-out) and
# OUTDIR/result ("rc=N boot_s=S total_s=T").
# Exit status: run.sh's, 124 on host-side timeout, 125 when the guest
# reported no result (or its output could not be unpacked).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

(($# >= 3)) || vm_die "usage: $0 VMLINUZ INITRD OUTDIR [TIMEOUT_SECONDS]"
kernel=$1 initrd=$2 outdir=$3 limit=${4:-600}
[[ -f $kernel && -f $initrd ]] || vm_die "no such kernel or initrd: $kernel $initrd"
vm_need qemu-system-x86_64 qemu-system-x86
vm_need timeout coreutils

mkdir -p "$outdir"
rm -rf "$outdir/out" "$outdir/result"
mkdir "$outdir/out"
log=$outdir/console.log

start=$(vm_now)
timeout -k 10 "$limit" qemu-system-x86_64 -accel tcg -cpu "${VM_CPU:-max,cx16=off}" \
	-m "${VM_MEM:-1024}" -smp "${VM_SMP:-1}" -nographic -no-reboot -nic none \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 ${VM_APPEND:-}" </dev/null >"$log" 2>&1 &
qemu=$!
trap 'kill "$qemu" 2>/dev/null || true' EXIT

# Boot-to-init time: until /init's first line shows up on the console.
boot_s=
while kill -0 "$qemu" 2>/dev/null; do
	if [[ -z $boot_s ]] && grep -qa 'BPFAUDIT-VM: kernel' "$log"; then
		boot_s=$(vm_elapsed "$start")
	fi
	sleep 0.1
done
qemu_rc=0
wait "$qemu" || qemu_rc=$?
total_s=$(vm_elapsed "$start")
grep -qa 'BPFAUDIT-VM: kernel' "$log" || boot_s=-
: "${boot_s:=$total_s}"

console() { tr -d '\r' <"$log"; }
rc=$(console | sed -n 's/.*BPFAUDIT-VM-RESULT rc=\([0-9]\+\).*/\1/p' | tail -n1)
if [[ -z $rc ]]; then
	if ((qemu_rc == 124 || qemu_rc == 137)); then
		vm_log "timed out after ${limit}s"
		rc=124
	else
		vm_log "no BPFAUDIT-VM-RESULT line (qemu exit status $qemu_rc)"
		rc=125
	fi
	tail -n 20 "$log" >&2
elif ! console | sed -n '/BPFAUDIT-VM-OUT-BEGIN/,/BPFAUDIT-VM-OUT-END/p' |
	grep -E '^[A-Za-z0-9+/=]+$' | base64 -d | tar -xz -C "$outdir/out"; then
	vm_log "could not unpack the guest's /payload-out from $log"
	((rc != 0)) || rc=125
fi

echo "rc=$rc boot_s=$boot_s total_s=$total_s" >"$outdir/result"
echo "boot.sh: $kernel: rc=$rc boot-to-init ${boot_s}s total ${total_s}s"
exit "$rc"
