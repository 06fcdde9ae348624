#!/bin/bash
# Prove the VM harness works: fetch the kernels, build one initramfs, boot it
# on each kernel and check the guest's BPF LSM and payload output round trip.
#
# Usage: tests/vm/smoke.sh   (env: BPFAUDIT_VM_CACHE=/var/cache/bpfaudit-vm,
#        SMOKE_OUT=<dir for initramfs and logs, kept; default a temp dir,
#        removed when every kernel passed>)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

cache=${BPFAUDIT_VM_CACHE:-/var/cache/bpfaudit-vm}
work=${SMOKE_OUT:-$(mktemp -d /tmp/bpfaudit-vm-smoke.XXXXXX)}
mkdir -p "$work/payload"

kernels=$("$here/fetch-kernels.sh" "$cache")

# Guest side: BPF LSM active, a dynamic host binary with its libraries
# works, /etc/passwd maps uid 0 (as ausearch -i needs), output comes back.
cat >"$work/payload/run.sh" <<'EOF'
#!/bin/sh
set -e
lsm=$(cat /sys/kernel/security/lsm)
case ",$lsm," in
*,bpf,*) echo "smoke: bpf LSM active" ;;
*) echo "smoke: bpf missing from lsm=$lsm"; exit 1 ;;
esac
/usr/bin/getent passwd 0 | grep '^root:'
uname -r >/payload-out/uname
echo ok >/payload-out/smoke.txt
EOF
EXTRA_FILES="/etc/passwd:/etc/passwd /etc/group:/etc/group" \
	"$here/mkinitramfs.sh" "$work/initrd.gz" "$work/payload" /usr/bin/getent

pass=0 fail=0 rows=()
while read -r id version vmlinuz; do
	out=$work/$id
	result=FAIL
	if VM_APPEND="bpfaudit.timeout=60" "$here/boot.sh" "$vmlinuz" "$work/initrd.gz" "$out" 300 &&
		[[ $(cat "$out/out/smoke.txt") == ok && $(cat "$out/out/uname") == "$version" ]]; then
		result=PASS
	fi
	[[ $result == PASS ]] && pass=$((pass + 1)) || fail=$((fail + 1))
	read -r _ boot total <"$out/result" || boot=boot_s=- total=total_s=-
	rows+=("$(printf '%-46s %-6s %-6s %s' "$id/$version" "$result" "${boot#boot_s=}" "${total#total_s=}")")
done <<<"$kernels"

printf '%-46s %-6s %-6s %s\n' kernel result boot_s total_s
printf '%s\n' "${rows[@]}"
echo "vm smoke: $pass passed, $fail failed"
if ((fail)); then
	vm_log "console logs kept in $work/<kernel>/console.log"
	exit 1
fi
[[ -n ${SMOKE_OUT:-} ]] || rm -rf "$work"
