#!/bin/sh
# make install's way with configuration files: install SRC as DEST with
# MODE unless DEST exists (an administrator's edits survive a reinstall);
# with -u, remove DEST only while it is still the shipped SRC.
# Usage: install-conf.sh SRC DEST [MODE] | install-conf.sh -u SRC DEST
set -e
if [ "$1" = -u ]; then
	if [ -f "$3" ] && cmp -s "$2" "$3"; then
		rm -f "$3"
	fi
	exit 0
fi
src=$1 dest=$2 mode=${3:-0644}
if [ -e "$dest" ]; then
	cmp -s "$src" "$dest" ||
		echo "install-conf: keeping $dest, not replaced by $src"
	exit 0
fi
mkdir -p "$(dirname "$dest")"
install -m "$mode" "$src" "$dest"
