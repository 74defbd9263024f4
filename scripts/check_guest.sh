#!/bin/bash
# The guest runs its C at the physical address before the MMU is on, so
# the image must not depend on load-time relocation: no GOT, no dynamic
# relocations, entry point physical.  And the timed window is sacred:
# the timed engine must not touch the op counters at all.
set -eu
elf=$1
timed=${2:-}
ro=${READELF:-$(command -v aarch64-linux-gnu-readelf || command -v readelf)}
if "$ro" -S "$elf" | grep -qE '\.(got|rela|dynamic)'; then
	echo "check_guest: $elf has GOT or dynamic relocations" >&2
	exit 1
fi
entry=$("$ro" -h "$elf" | awk '/Entry point/ {print $4}')
case $entry in
0x402*) ;;
*) echo "check_guest: $elf entry $entry is not physical" >&2; exit 1 ;;
esac
if [ -n "$timed" ]; then
	nm=${NM:-$(command -v aarch64-linux-gnu-nm || command -v nm)}
	if "$nm" "$timed" | grep -q mb_counters; then
		echo "check_guest: $timed (the timed engine) references mb_counters" >&2
		exit 1
	fi
fi
