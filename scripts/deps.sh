# The Debian packages bpfaudit needs, and the build from a clean checkout.
# Sourced by run.sh and test.sh.
set -euo pipefail

BUILD_PKGS="autoconf automake libtool pkg-config make gcc clang llvm bpftool
	libbpf-dev libelf-dev zlib1g-dev libaudit-dev libauparse-dev
	libcap-ng-dev libcmocka-dev"
RUN_PKGS="auditd"
TEST_PKGS="util-linux valgrind qemu-system-x86 busybox-static cpio
	dpkg-dev ca-certificates libclang-rt-dev"

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BPFAUDIT_BUILD:-$top/build}

install_packages() {
	if [ "$(id -u)" != 0 ]; then
		echo "bpfaudit: run this as root (it installs packages and loads BPF)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# BPF programs need bpffs and tracefs; a minimal system may lack them.
mount_kernel_fs() {
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
	mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
	mountpoint -q /sys/kernel/security || mount -t securityfs securityfs /sys/kernel/security
}

build_tree() {
	(cd "$top" && autoreconf -fi >/dev/null)
	mkdir -p "$build"
	cd "$build"
	"$top/configure" --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
		--runstatedir=/run >/dev/null
	make -j"$(nproc)" >/dev/null
}
