#!/bin/bash
# Build a gzip'd newc initramfs (busybox-static + host ELF binaries and their
# shared libraries + a test payload) whose /init runs /payload/run.sh and powers off.
#
# Usage: tests/vm/mkinitramfs.sh OUT.cpio.gz PAYLOAD_DIR [ELF_BINARY ...]
#   PAYLOAD_DIR must contain run.sh; it is copied to /payload. run.sh may
#   write files to /payload-out, which boot.sh gets back as OUTDIR/out/.
#   ELF_BINARY: absolute host paths, put at the same paths in the image
#   together with every library ldd lists (dlopen()ed ones must be given
#   explicitly, e.g. via EXTRA_FILES).
#   EXTRA_FILES="src:dst src2:dst2": also copy host files or directories
#   (e.g. /etc/passwd:/etc/passwd, or a kernel's modules/:/lib/modules/VERSION).
# The guest's run.sh timeout is 300 s unless the kernel command line has
# bpfaudit.timeout=N (boot.sh: VM_APPEND="bpfaudit.timeout=N").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

(($# >= 2)) || vm_die "usage: $0 OUT.cpio.gz PAYLOAD_DIR [ELF_BINARY ...]"
out=$1 payload=$2
shift 2
[[ -f $payload/run.sh ]] || vm_die "$payload/run.sh not found"
vm_need busybox busybox-static
vm_need ldd libc-bin
vm_need gzip gzip

stage=$(mktemp -d)
chmod 755 "$stage"
trap 'rm -rf "$stage"' EXIT

# add_file SRC DST: copy host file SRC (symlinks followed) to DST in the image.
add_file() {
	mkdir -p "$stage$(dirname "$2")"
	rm -f "$stage$2" # may be a busybox applet link
	cp -L "$1" "$stage$2"
}

# add_elf BIN: copy BIN and the shared libraries (and loader) it needs.
declare -A added
add_elf() {
	local f
	[[ $1 == /* && -f $1 ]] || vm_die "not an absolute path to a file: $1"
	if ldd "$1" 2>/dev/null | grep 'not found' >&2; then
		vm_die "$1: missing shared libraries"
	fi
	# "libc.so.6 => /lib/.../libc.so.6 (0x..)", "/lib64/ld-linux-x86-64.so.2 (0x..)";
	# static binaries and scripts make ldd fail and list nothing.
	for f in "$1" $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*' || true); do
		[[ -n ${added[$f]:-} ]] || add_file "$f" "$f"
		added[$f]=1
	done
}

# Same merged-/usr layout as the host, so ldd's paths work unchanged.
mkdir -p "$stage"/{usr/bin,usr/sbin,usr/lib,usr/lib64,dev,proc,sys,tmp,run,root,etc,payload-out}
for d in bin sbin lib lib64; do ln -s "usr/$d" "$stage/$d"; done
mknod -m 600 "$stage/dev/console" c 5 1 ||
	vm_log "warning: cannot create /dev/console; early boot output will be lost"

add_elf "$(command -v busybox)" # static in busybox-static; libraries otherwise
add_file "$(command -v busybox)" /usr/bin/busybox
for applet in $(busybox --list-full); do
	[[ -e $stage/$applet || -L $stage/$applet ]] || ln -s /usr/bin/busybox "$stage/$applet"
done
[[ -e /lib64/ld-linux-x86-64.so.2 ]] && add_elf /lib64/ld-linux-x86-64.so.2
for bin in "$@"; do add_elf "$bin"; done

for pair in ${EXTRA_FILES:-}; do
	src=${pair%%:*} dst=${pair#*:}
	if [[ -d $src ]]; then
		mkdir -p "$stage$dst"
		cp -a "$src/." "$stage$dst/"
	else
		add_file "$src" "$dst"
	fi
done

cp -a "$payload" "$stage/payload"
chmod +x "$stage/payload/run.sh"

cat >"$stage/init" <<'EOF'
#!/bin/sh
# /init of the bpfaudit test VM: mount the kernel filesystems, run
# /payload/run.sh, send /payload-out over the console, power off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mnt() {
	mkdir -p "$3"
	mount -t "$1" "$2" "$3" || echo "BPFAUDIT-VM: warning: cannot mount $1 on $3"
}
mnt proc proc /proc
mnt sysfs sysfs /sys
mnt devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mnt tmpfs tmpfs /tmp
mnt tmpfs tmpfs /run
mnt bpf bpffs /sys/fs/bpf
mnt securityfs securityfs /sys/kernel/security
mnt tracefs tracefs /sys/kernel/tracing
mnt debugfs debugfs /sys/kernel/debug
mnt cgroup2 cgroup2 /sys/fs/cgroup
ip link set lo up
hostname bpfaudit-vm

echo "BPFAUDIT-VM: kernel $(uname -r) lsm=$(cat /sys/kernel/security/lsm)"

limit=300
for arg in $(cat /proc/cmdline); do
	case $arg in bpfaudit.timeout=*) limit=${arg#*=} ;; esac
done
start=$(date +%s)
cd /payload && timeout "$limit" /payload/run.sh </dev/null
rc=$?
if [ "$rc" = 143 ] && [ $(($(date +%s) - start)) -ge "$limit" ]; then
	echo "BPFAUDIT-VM: run.sh killed after ${limit}s timeout"
	rc=124
fi

echo 1 >/proc/sys/kernel/printk # keep kernel messages out of the dump
echo BPFAUDIT-VM-OUT-BEGIN
tar -C /payload-out -czf - . | base64
echo BPFAUDIT-VM-OUT-END
echo "BPFAUDIT-VM-RESULT rc=$rc"
sync
poweroff -f
echo o >/proc/sysrq-trigger
sleep 30
EOF
chmod 755 "$stage/init"

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | LC_ALL=C sort | busybox cpio -o -H newc -R 0:0) |
	gzip -n >"$out.tmp.$$"
mv "$out.tmp.$$" "$out"
