#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make install and make uninstall, and the installed tree's relocation:
#   - `make install DESTDIR=D PREFIX=/usr` puts each file in its FHS place;
#   - the tree copied to another prefix runs from / with its own files
#     (doctor --json's guest images -- one taken out of the copy must
#     be missing --, its presets; never the source or build tree), and
#     `mapbench run --accel tcg --mem 1G` works there;
#   - with its presets or its guest images gone it names the one place
#     it looked, under the new prefix, in one line, and fails;
#   - `make uninstall DESTDIR=D PREFIX=/usr` leaves no file.
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${BUILD:-build}
. tests/lib/assert.sh
# jq -e, quiet
jqe() { jq -e "$@" > /dev/null; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
D=$tmp/dest

make --no-print-directory -s install BUILD="$B" DESTDIR="$D" PREFIX=/usr \
	> "$tmp/install.log" 2>&1
rc=$?
[ "$rc" = 0 ] || tail -5 "$tmp/install.log"
check "make install DESTDIR=\$tmp PREFIX=/usr" test "$rc" = 0
check "FHS places: bin/, lib/mapbench/guest/, share/mapbench/configs/, share/doc/mapbench/" \
	test -x "$D/usr/bin/mapbench" \
	-a -f "$D/usr/lib/mapbench/guest/mapbench-guest.elf" \
	-a -f "$D/usr/lib/mapbench/guest/mapbench-guest-64k-va52.elf" \
	-a -f "$D/usr/share/mapbench/configs/layouts/m2-vm.layout" \
	-a -f "$D/usr/share/mapbench/configs/smoke.conf" \
	-a -f "$D/usr/share/doc/mapbench/README.md"
check "man pages, completion, schemas: share/man/man1 and man5, share/bash-completion/completions, share/mapbench/schema" \
	test -f "$D/usr/share/man/man1/mapbench-run.1" \
	-a -f "$D/usr/share/man/man1/mapbench.1" \
	-a -f "$D/usr/share/man/man5/mapbench-json.5" \
	-a -f "$D/usr/share/bash-completion/completions/mapbench" \
	-a -f "$D/usr/share/mapbench/schema/run.schema.json"
check "man finds mapbench-run(1) in the installed tree (MANPATH)" \
	bash -c 'MANPATH="$1" MANWIDTH=100 man mapbench-run 2> /dev/null |
		grep -q -- "--kernel-image"' bash "$D/usr/share/man"
check "make install PREFIX=relative is refused" \
	bash -c '! make --no-print-directory -s install BUILD="$1" \
		DESTDIR="$2/x" PREFIX=usr > /dev/null 2>&1' _ "$B" "$tmp"

# another prefix, run from / (the source tree is not the cwd)
P=$tmp/moved/opt
mkdir -p "$tmp/moved" && cp -a "$D/usr" "$P"
# one image taken out of the moved tree only: doctor must miss it there
# (the build tree and the DESTDIR tree have it)
rm "$P/lib/mapbench/guest/mapbench-guest-64k-va52.elf"
(cd / && "$P/bin/mapbench" doctor --json) > "$tmp/doctor.json" 2> /dev/null
check "moved prefix: doctor --json sees its guest images, not the build tree's" \
	jqe '.guest_images["4K/48"] == true and
	       .guest_images["64K/48"] == true and
	       .guest_images["64K/52"] == false' "$tmp/doctor.json"
(cd / && "$P/bin/mapbench" run --accel tcg --layout nosuch) \
	> /dev/null 2> "$tmp/preset.err"
check "moved prefix: its own presets (an unknown one lists them)" \
	bash -c 'grep -q "presets: .*altra-2s" "$1" &&
		 grep -q "presets: .*m2-vm" "$1" &&
		 grep -q "presets: .*qemu-virt" "$1"' _ "$tmp/preset.err"
(cd / && "$P/bin/mapbench" run --accel tcg --mem 1G --json "$tmp/run.json") \
	> "$tmp/run.out" 2>&1
rc=$?
[ "$rc" = 0 ] || tail -5 "$tmp/run.out"
check "moved prefix: mapbench run --accel tcg --mem 1G from /" \
	jqe '.status == "ok" and .accel == "tcg"' "$tmp/run.json"

# the files gone: where it looked, one line, under the moved prefix
rm -rf "$P/share/mapbench/configs/layouts"
(cd / && "$P/bin/mapbench" run --accel tcg --layout m2-vm) \
	> /dev/null 2> "$tmp/nolayouts.err"
rc=$?
check "no presets: exit $rc, one line naming $P/share/mapbench/configs/layouts" \
	bash -c '[ "$1" != 0 ] && [ "$(wc -l < "$2")" = 1 ] &&
		 grep -qF "no preset directory $3/share/mapbench/configs/layouts" "$2"' \
	_ "$rc" "$tmp/nolayouts.err" "$P"
rm -rf "$P/lib/mapbench/guest"
(cd / && "$P/bin/mapbench" run --accel tcg --mem 1G) \
	> /dev/null 2> "$tmp/noguest.err"
rc=$?
check "no guest images: exit $rc, one line naming $P/lib/mapbench/guest/mapbench-guest.elf" \
	bash -c '[ "$1" != 0 ] && [ "$(wc -l < "$2")" = 1 ] &&
		 grep -qF "$3/lib/mapbench/guest/mapbench-guest.elf" "$2"' \
	_ "$rc" "$tmp/noguest.err" "$P"
[ "$rc" != 0 ] && sed "s/^/  /" "$tmp/noguest.err"

make --no-print-directory -s uninstall DESTDIR="$D" PREFIX=/usr \
	> "$tmp/uninstall.log" 2>&1
check "make uninstall DESTDIR=\$tmp PREFIX=/usr leaves no file" \
	bash -c '[ -z "$(find "$1" ! -type d)" ]' _ "$D"

tier_done install
