#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# pkg tier: the Debian package, built from the already-built tree
# (debian/rules binary: make is incremental; dpkg-buildpackage -b does
# the same plus its .changes), checked by lintian, installed with apt
# into a clean root -- a debootstrap minbase bookworm chroot from the
# machine's own apt source -- where `mapbench run --accel tcg --mem 1G`
# and `mapbench doctor` must work from /, with the guest images the
# package installed.
#
# The root is cached in ${MAPBENCH_CACHE:-~/.cache/mapbench}/root/ as
# a tarball taken after apt installed the package's dependencies and
# recommends (QEMU): keyed by the suite, the mirror and the package's
# Depends/Recommends, so a rerun extracts it and installs offline.
# Needs root (chroot, mount); without it, or without the packaging
# tools, SKIPPED (exit 77).
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${BUILD:-build}
SUITE=bookworm
pass=0 fail=0

check() {
	local name=$1; shift
	if "$@"; then pass=$((pass + 1)); echo "ok - $name"
	else fail=$((fail + 1)); echo "not ok - $name"; fi
}
skip() {
	echo "SKIP: $*"
	echo "pkg: SKIPPED"
	exit 77
}
secs() { echo $(( $(date +%s) - $1 )); }
# jq -e, quiet
jqe() { jq -e "$@" > /dev/null; }

[ "$(id -u)" -eq 0 ] || skip "needs root for chroot and mount"
scripts/deps_pkg.sh >&2 || skip "the packaging tools are missing (scripts/deps_pkg.sh)"
[ -x "$B/mapbench" ] && [ -f "$B/guest/mapbench-guest.elf" ] ||
	skip "no built tree in $B/ (make guest host)"

cache=${MAPBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mapbench}/root
tmp=$(mktemp -d /tmp/mapbench-pkg.XXXXXX) || exit 1
root=$tmp/root
cleanup() {
	mountpoint -q "$root/proc" && umount "$root/proc"
	# never into a mount left behind
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT

# The main archive's URI from the machine's apt sources (deb822 stanzas
# or one-line lists), the first that is not the security archive's.
mirror_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '/^[ \t]*$/ { if (u != "" && s !~ /-security/) { print u; exit } u = s = "" }
		     /^URIs:/ { u = $2 } /^Suites:/ { s = $0 }
		     END { if (u != "" && s !~ /-security/) print u }' "$f"
	done
	awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) while ($i !~ /\]$/) i++
			   if ($2 ~ /^\[/) i++
			   if ($(i + 1) !~ /-security/) print $i }' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
}

# in the root, from /, with a plain environment
inroot() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive chroot "$root" /bin/sh -c "cd / && $1"
}

# ---- the .deb
t=$(date +%s)
mkdir -p "$tmp/deb"
# a previous run's debian/ state (dh's build stamp would skip the build:
# a stale binary); keeps build/ (debian/rules: no make clean)
debian/rules clean > "$tmp/clean.log" 2>&1 || { cat "$tmp/clean.log"; exit 1; }
if MB_DEB_DIR=$tmp/deb MB_DEB_COMPRESS=none \
   DEB_BUILD_OPTIONS="noddebs parallel=$(nproc)" \
   debian/rules binary > "$tmp/build.log" 2>&1; then
	built=1
else
	built=0
	tail -20 "$tmp/build.log"
fi
deb=$(ls "$tmp"/deb/mapbench_*.deb 2>/dev/null | head -1)
check "the .deb builds from the built tree ($(secs "$t") s)" \
	test "$built" = 1 -a -n "$deb"
[ -n "$deb" ] || { echo "pkg: $pass passed, $fail failed"; exit 1; }

abi=$(sed -n 's/^#define MB_ABI_VERSION[ \t]*\([0-9]*\).*/\1/p' include/mapbench/abi.h)
ver=$(dpkg-deb -f "$deb" Version)
check "its version $ver is 0.<the ABI version $abi>" \
	test "${ver%%[-+~]*}" = "0.$abi"
dep=$(dpkg-deb -f "$deb" Depends)
check "Depends has libelf and libjansson from shlibs: $dep" \
	bash -c '[[ $1 == *libelf1* && $1 == *libjansson4* ]]' _ "$dep"
check "Recommends qemu-system-arm" \
	test "$(dpkg-deb -f "$deb" Recommends)" = qemu-system-arm
check "it ships the binary, the 4K/48 guest image and the presets" \
	bash -c 'l=$(dpkg-deb -c "$1") &&
		 grep -q " ./usr/bin/mapbench$" <<< "$l" &&
		 grep -q " ./usr/lib/mapbench/guest/mapbench-guest.elf$" <<< "$l" &&
		 grep -q " ./usr/share/mapbench/configs/layouts/altra-2s.layout$" <<< "$l"' _ "$deb"

t=$(date +%s)
lintian --fail-on warning --info "$deb" > "$tmp/lintian.log" 2>&1
lrc=$?
sed 's/^/  lintian: /' "$tmp/lintian.log"
check "lintian: no warning or error left unjustified ($(secs "$t") s)" \
	test "$lrc" = 0

# ---- the clean root
mirror=$(mirror_uri | head -1)
[ -n "$mirror" ] || skip "no Debian source in the machine's apt sources"
key=$(printf '%s\n' "$SUITE" minbase "$mirror" "$dep" \
	"$(dpkg-deb -f "$deb" Recommends)" | sha256sum | cut -c1-16)
tarball=$cache/$SUITE-minbase-$key.tar
t=$(date +%s)
mkdir -p "$root" "$cache"
if [ -f "$tarball" ]; then
	tar -C "$root" -xf "$tarball" || { echo "pkg: bad cache $tarball"; exit 1; }
	how="cached $(basename "$tarball")"
else
	echo "# building the clean root: debootstrap --variant=minbase $SUITE $mirror"
	if ! debootstrap --variant=minbase "$SUITE" "$root" "$mirror" \
	     > "$tmp/debootstrap.log" 2>&1; then
		tail -5 "$tmp/debootstrap.log"
		skip "debootstrap $SUITE from $mirror failed (network?)"
	fi
	printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
	chmod +x "$root/usr/sbin/policy-rc.d"
	how="new (debootstrap)"
fi
mount -t proc proc "$root/proc" || { echo "pkg: cannot mount /proc"; exit 1; }
cp "$deb" "$root/tmp/"
name=$(basename "$deb")
if [ ! -f "$tarball" ]; then
	# the dependencies and recommends, then the root without mapbench
	if ! inroot "apt-get update -q && apt-get install -y -q ./tmp/$name && dpkg --purge mapbench && apt-get clean" \
	     > "$tmp/apt.log" 2>&1; then
		tail -10 "$tmp/apt.log"
		skip "apt in the clean root could not install the dependencies (network?)"
	fi
	umount "$root/proc"
	tar -C "$root" --exclude=./tmp/"$name" -cf "$tarball.$$" . &&
		mv "$tarball.$$" "$tarball"
	mount -t proc proc "$root/proc"
fi
echo "# clean root: $how in $(secs "$t") s"

t=$(date +%s)
inroot "apt-get install -y -q ./tmp/$name > /tmp/apt.log 2>&1 || { tail -5 /tmp/apt.log; exit 1; }"
rc=$?
check "apt-get install ./$name in the clean root ($(secs "$t") s)" \
	test "$rc" = 0
check "qemu-system-arm came as a Recommends" \
	inroot "dpkg-query -W -f='\${db:Status-Abbrev}' qemu-system-arm | grep -q ^ii"

t=$(date +%s)
inroot "mapbench run --accel tcg --mem 1G --json /tmp/run.json" > "$tmp/run.out" 2>&1
rc=$?
sed 's/^/  run: /' "$tmp/run.out"
check "mapbench run --accel tcg --mem 1G in the clean root: exit $rc ($(secs "$t") s)" \
	test "$rc" = 0
check "its record says tcg, status ok" \
	jqe '.accel == "tcg" and .status == "ok"' "$root/tmp/run.json"

inroot "mapbench doctor" > "$tmp/doctor.out" 2>&1
rc=$?
sed 's/^/  doctor: /' "$tmp/doctor.out"
check "mapbench doctor in the clean root: exit $rc (make run works)" \
	test "$rc" = 0
check "doctor found every guest image the package installed" \
	bash -c '! grep -q " image " "$1"' _ "$tmp/doctor.out"
inroot "mapbench doctor --json" > "$tmp/doctor.json" 2>/dev/null
check "doctor --json: every guest image found" \
	jqe '.guest_images | length > 0 and all(.[]; . == true)' \
	"$tmp/doctor.json"
check "the package's guest images are in /usr/lib/mapbench/guest/" \
	inroot "dpkg -L mapbench | grep -q '^/usr/lib/mapbench/guest/mapbench-guest-64k-va52.elf$'"

echo "pkg: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
