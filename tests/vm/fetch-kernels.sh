#!/bin/bash
# Download (never install) the Debian cloud kernels the VM tests boot, and
# unpack each into CACHE_DIR/kernels/<id>/{vmlinuz,modules/,version}.
#
# Usage: tests/vm/fetch-kernels.sh [CACHE_DIR]   (default /var/cache/bpfaudit-vm)
# Prints one line per kernel: "<id> <kernel release> <path to vmlinuz>".
# The id is the Debian suite (VM_SUITES, default "bookworm bookworm-backports
# sid"; sid is the newest suite). Kernels already unpacked are reused without
# touching the network; delete CACHE_DIR/kernels/<id> to fetch one again.
set -euo pipefail
shopt -s nullglob
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

cache=$(mkdir -p "${1:-/var/cache/bpfaudit-vm}" && cd "${1:-/var/cache/bpfaudit-vm}" && pwd)
meta=linux-image-cloud-amd64
read -ra suites <<<"${VM_SUITES:-bookworm bookworm-backports sid}"

vm_need apt-get apt
vm_need dpkg-deb dpkg
vm_need flock util-linux
vm_need busybox busybox-static

# One run at a time per cache.
exec 9>"$cache/.lock"
flock 9

# apt_suite SUITE CMD ARGS...: run apt-get/apt-cache against a private
# sources list and state in $cache/apt/SUITE, leaving the host's own apt
# sources, lists, caches, hooks and dpkg status untouched.
apt_suite() {
	local suite=$1 cmd=$2 dir=$cache/apt/$1
	shift 2
	if [[ ! -f $dir/apt.conf ]]; then
		mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
		: >"$dir/status"
		cat >"$dir/apt.conf" <<-EOF
			#clear APT::Update::Post-Invoke-Success;
			#clear APT::Update::Post-Invoke;
			#clear APT::Architectures;
			Dir::Etc::SourceList "$dir/sources.list";
			Dir::Etc::SourceParts "/dev/null";
			Dir::Etc::Preferences "/dev/null";
			Dir::Etc::PreferencesParts "/dev/null";
			Dir::State "$dir";
			Dir::State::Lists "$dir/lists";
			Dir::State::status "$dir/status";
			Dir::Cache "$dir/cache";
			APT::Architecture "amd64";
			APT::Architectures { "amd64"; };
			APT::Sandbox::User "root";
			Acquire::Languages "none";
			Acquire::Retries "5";
			Acquire::http::Timeout "60";
		EOF
	fi
	echo "deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
		"$(vm_mirror) $suite main" >"$dir/sources.list"
	"$cmd" -q -c "$dir/apt.conf" "$@"
}

# fetch_deb ID PKG VERSION: print the path of PKG's .deb in $cache/debs,
# downloading it first (to a temp dir, then renamed) unless already there.
fetch_deb() {
	local id=$1 pkg=$2 ver=$3 deb tmp
	deb=$cache/debs/${pkg}_${ver//:/%3a}_amd64.deb
	if [[ ! -s $deb ]]; then
		vm_log "downloading $pkg=$ver"
		mkdir -p "$cache/debs"
		tmp=$(mktemp -d "$cache/debs/.tmp.XXXXXX")
		(cd "$tmp" && vm_retry 3 apt_suite "$id" apt-get download "$pkg=$ver" >&2)
		mv "$tmp"/*.deb "$deb"
		rm -rf "$tmp"
	fi
	echo "$deb"
}

# fetch_kernel ID: resolve the suite's cloud kernel from its metapackage,
# download its .debs and unpack vmlinuz + modules into $cache/kernels/ID.
fetch_kernel() {
	local id=$1 img ver pkgs=() debs=() mods p tmp mod rel
	vm_log "$id: updating package lists"
	vm_retry 3 apt_suite "$id" apt-get update >&2

	img=$(apt_suite "$id" apt-cache depends --important "$meta" |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n1)
	[[ -n $img ]] || vm_die "$id: $meta has no linux-image-* dependency"
	ver=$(apt_suite "$id" apt-cache show --no-all-versions "$img" | sed -n 's/^Version: //p')
	# Newer suites split the kernel into linux-binary-* (vmlinuz),
	# linux-modules-* and linux-base-*, all pinned to the image's version.
	mapfile -t pkgs < <(echo "$img"
		apt_suite "$id" apt-cache show --no-all-versions "$img" |
			sed -n 's/^Depends: //p' | tr ',' '\n' |
			sed -n "s/^ *\(linux-[^ ]*\) (= ${ver//./\\.})\$/\1/p")
	vm_log "$id: $meta -> ${pkgs[*]} ($ver)"
	for p in "${pkgs[@]}"; do
		debs+=("$(fetch_deb "$id" "$p" "$ver")")
	done

	tmp=$(mktemp -d "$cache/kernels/.$id.XXXXXX")
	for p in "${debs[@]}"; do
		dpkg-deb -x "$p" "$tmp/root"
	done
	mods=("$tmp"/root/{,usr/}lib/modules/*/)
	[[ -d ${mods[0]} ]] || vm_die "$id: no lib/modules/<version> in ${pkgs[*]}"
	mod=${mods[0]%/}
	rel=${mod##*/}
	# Debian generates modules.dep at install time; do it here for modprobe.
	busybox depmod -b "${mod%/lib/modules/*}" "$rel"
	mkdir "$tmp/out"
	if [[ -f $mod/vmlinuz ]]; then # linux-binary-* layout
		mv "$mod/vmlinuz" "$tmp/out/vmlinuz"
	else
		mv "$tmp/root/boot/vmlinuz-$rel" "$tmp/out/vmlinuz"
	fi
	if [[ -f $tmp/root/boot/config-$rel ]]; then
		cp "$tmp/root/boot/config-$rel" "$tmp/out/config"
	elif [[ -f $mod/config ]]; then
		cp "$mod/config" "$tmp/out/config"
	fi
	mv "$mod" "$tmp/out/modules"
	echo "$rel" >"$tmp/out/version"
	printf "%s $ver\n" "${pkgs[@]}" >"$tmp/out/packages"
	rm -rf "$cache/kernels/$id"
	mv "$tmp/out" "$cache/kernels/$id"
	rm -rf "$tmp"
}

mkdir -p "$cache/kernels"
rm -rf "$cache"/kernels/.*.?????? "$cache"/debs/.tmp.?????? # leftovers of killed runs
for id in "${suites[@]}"; do
	dir=$cache/kernels/$id
	[[ -s $dir/vmlinuz && -s $dir/version && -d $dir/modules ]] || fetch_kernel "$id"
	echo "$id $(cat "$dir/version") $dir/vmlinuz"
done
