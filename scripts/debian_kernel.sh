#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# debian_kernel.sh SUITES SERIES FLAVOUR: the newest Debian arm64 kernel
# of a series in any of the suites, a comma-separated list (e.g.
# "trixie-backports 7.3 arm64", "bookworm,bookworm-security 6.1 arm64"),
# fetched into the cache and unpacked; prints one line:
#
#   VERSION IMAGE CONFIG
#
# (the package version, the raw or gzip'd Image, the kernel's .config or
# "-" when the archive no longer has the package that held it).
#
# A private apt configuration reaches suites the machine's sources do not
# list, without touching them: its own sources list, built from the URI of
# the Debian source already configured (the security archive's for a
# -security suite), its own lists and cache, architecture arm64, no dpkg
# status.  Nothing is installed.  The series is resolved at fetch time to
# the newest build of its packages the archive holds (the archive keeps
# only the newest build of each package name and drops a name when the
# next ABI arrives), so a pinned series outlives its package names.  When
# the archive cannot be reached, the newest build already in the cache is
# used (and said on stderr).
#
# Where the pieces are:
#   6.1 .. 6.18  linux-image-V-FLAVOUR[-unsigned]: /boot/vmlinuz-*, config-*
#   6.19 .. 7.1  linux-binary-V-FLAVOUR: /boot/vmlinuz-*; config in
#                linux-base-V-FLAVOUR or the binary package
#   7.2 ..       linux-binary-V-FLAVOUR: /usr/lib/modules/V/vmlinuz;
#                linux-base-V-FLAVOUR: /usr/lib/modules/V/config
#
# Exit: 0 found; 1 usage; 2 not in the archive and not in the cache.
# MAPBENCH_CACHE overrides ~/.cache/mapbench.
set -u

die() { echo "debian_kernel: $*" >&2; exit "${2:-2}"; }
[ $# -eq 3 ] || die "usage: debian_kernel.sh SUITES SERIES FLAVOUR" 1
suites=$1 series=$2 flavour=$3
case $series in
[0-9]*.[0-9]*) ;;
*) die "series '$series': want MAJOR.MINOR, e.g. 6.18" 1 ;;
esac
case $flavour in
arm64 | arm64-16k | cloud-arm64 | rt-arm64) ;;
*) die "flavour '$flavour': want arm64, arm64-16k, cloud-arm64 or rt-arm64" 1 ;;
esac

root=${MAPBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mapbench}
apt=$root/apt/${suites//,/+}
ref=$root/ref
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$ref" ||
	die "cannot create $apt"

# The URI of the configured Debian source for this suite: from deb822
# .sources stanzas or one-line lists, the security archive's for a
# -security suite, else the main archive's.
debian_uri() {
	local suite=$1 want=main
	case $suite in *-security) want=security ;; esac
	cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
	awk -v want="$want" '
		function done() {
			if (uri != "" && types ~ /deb/ && suites != "") {
				sec = suites ~ /-security/
				if ((want == "security") == sec) { print uri; exit }
			}
			uri = ""; suites = ""; types = ""
		}
		/^[ \t]*$/ { done(); next }
		/^Types:/ { types = $0 }
		/^URIs:/ { uri = $2 }
		/^Suites:/ { suites = $0 }
		END { done() }'
	awk -v want="$want" '
		$1 == "deb" {
			i = 2; if ($2 ~ /^\[/) while ($i !~ /\]$/) i++
			if ($2 ~ /^\[/) i++
			sec = $(i + 1) ~ /-security/
			if ((want == "security") == sec) { print $i; exit }
		}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
}

aptopts=(-o "Dir::Etc::sourcelist=$apt/sources.list"
	 -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$apt/lists"
	 -o "Dir::Cache=$apt/cache" -o APT::Architecture=arm64
	 -o APT::Architectures=arm64 -o Dir::State::status=/dev/null
	 -o APT::Sandbox::User=root -o Debug::NoLocking=1 -q)

# The cache's newest build of the series: "VERSION IMAGE CONFIG".
from_cache() {
	local d best= bv= v
	for d in "$ref"/*-"$series".*-"$flavour"/ "$ref"/*-"$series".*-"$flavour"-unsigned/; do
		[ -f "$d/.mapbench" ] || continue
		read -r v _ < "$d/.mapbench"
		if [ -z "$bv" ] || dpkg --compare-versions "$v" gt "$bv"; then
			bv=$v best=$d
		fi
	done
	[ -n "$best" ] && cat "$best/.mapbench"
}

online=1
: > "$apt/sources.list.new"
for suite in ${suites//,/ }; do
	uri=$(debian_uri "$suite" | head -n1)
	[ -n "$uri" ] || continue
	echo "deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" \
		>> "$apt/sources.list.new"
done
if [ ! -s "$apt/sources.list.new" ]; then
	online=
	rm -f "$apt/sources.list.new"
	echo "debian_kernel: no Debian source configured in /etc/apt: using the cache" >&2
else
	cmp -s "$apt/sources.list.new" "$apt/sources.list" ||
		{ mv "$apt/sources.list.new" "$apt/sources.list"; rm -f "$apt/updated"; }
	rm -f "$apt/sources.list.new"
	# lists older than a day are refreshed
	if [ -z "$(find "$apt/updated" -mmin -1440 2>/dev/null)" ]; then
		if apt-get "${aptopts[@]}" update > "$apt/update.log" 2>&1 &&
		   ! grep -q '^\(E\|W\): Failed' "$apt/update.log"; then
			touch "$apt/updated"
		elif ! ls "$apt"/lists/*_Packages > /dev/null 2>&1; then
			online=
			echo "debian_kernel: cannot reach $suites ($(grep -m1 '^\(E\|W\):' "$apt/update.log")): using the cache" >&2
		fi
	fi
fi

# The newest build of the series: its package holding the Image, the
# package holding the config (may be the same), its version.
rank() {
	case $1 in
	linux-binary-*) echo 2 ;;
	*-unsigned) echo 1 ;;
	*) echo 0 ;;
	esac
}

resolve() {
	local n v best= bv= rx
	rx="^linux-(image|binary)-${series//./\\.}\\.[0-9][^ -]*(-[0-9]+)?-${flavour}(-unsigned)?$"
	while read -r n; do
		v=$(apt-cache "${aptopts[@]}" policy "$n" 2>/dev/null |
		    awk '/Candidate:/ { print $2; exit }')
		case $v in '' | '(none)') continue ;; esac
		# at one version: linux-binary (7.x: linux-image is then a
		# wrapper), else the unsigned image
		if [ -z "$bv" ] || dpkg --compare-versions "$v" gt "$bv" ||
		   { [ "$v" = "$bv" ] && [ "$(rank "$n")" -gt "$(rank "$best")" ]; }; then
			bv=$v best=$n
		fi
	done < <(apt-cache "${aptopts[@]}" pkgnames linux- 2>/dev/null | grep -E "$rx")
	[ -n "$best" ] && echo "$best $bv"
}

fetch() {
	local pkg=$1 ver=$2 dir=$ref/$1 base= deb img cfg kver
	if [ -f "$dir/.mapbench" ] && [ "$(cut -d' ' -f1 "$dir/.mapbench")" = "$ver" ]; then
		cat "$dir/.mapbench"
		return 0
	fi
	case $pkg in
	linux-binary-*) base=linux-base-${pkg#linux-binary-} ;;
	esac
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	(cd "$apt/cache" && apt-get "${aptopts[@]}" download "$pkg=$ver") \
		> "$apt/download.log" 2>&1 ||
		{ rm -rf "$dir.tmp"; die "cannot download $pkg=$ver: $(grep -m1 '^E:' "$apt/download.log")"; }
	# the config: linux-base from 7.2; 6.19 .. 7.1 have none (their
	# linux-binary holds it)
	[ -z "$base" ] ||
	(cd "$apt/cache" && apt-get "${aptopts[@]}" download "$base=$ver") \
		>> "$apt/download.log" 2>&1 || true
	for deb in "$apt/cache/${pkg}_"*.deb ${base:+"$apt/cache/${base}_"*.deb}; do
		[ -f "$deb" ] || continue
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir.tmp" \
			--wildcards --no-wildcards-match-slash \
			'./boot/vmlinuz-*' './boot/config-*' \
			'./usr/lib/modules/*/vmlinuz' './usr/lib/modules/*/config' \
			2> /dev/null
		rm -f "$deb"
	done
	img=$(ls "$dir.tmp"/boot/vmlinuz-* "$dir.tmp"/usr/lib/modules/*/vmlinuz 2>/dev/null | head -n1)
	cfg=$(ls "$dir.tmp"/boot/config-* "$dir.tmp"/usr/lib/modules/*/config 2>/dev/null | head -n1)
	[ -n "$img" ] || { rm -rf "$dir.tmp"; die "$pkg=$ver holds no vmlinuz"; }
	# no config (6.19 .. 7.1's linux-base gone from the archive):
	# kernel-check then takes the VA size from TCR_EL1
	[ -n "$cfg" ] || { cfg=-; echo "debian_kernel: $pkg=$ver: no config found (${base:-no base package})" >&2; }
	rm -rf "$dir"
	echo "$ver ${img/$dir.tmp/$dir} ${cfg/$dir.tmp/$dir}" > "$dir.tmp/.mapbench"
	mv "$dir.tmp" "$dir"
	cat "$dir/.mapbench"
}

if [ -n "$online" ]; then
	read -r pkg ver <<< "$(resolve)"
	if [ -n "${pkg:-}" ]; then
		fetch "$pkg" "$ver" && exit 0
	else
		echo "debian_kernel: $suites: no $series kernel for $flavour" >&2
	fi
fi
from_cache && { echo "debian_kernel: $series $flavour: the archive did not answer; the cached build is used" >&2; exit 0; }
die "no $series $flavour kernel in $suites, and none cached in $ref"
