#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot one nested-KVM "L1": Debian's arm64 kernel under
# qemu-system-aarch64 -M virt,virtualization=on (TCG), so that /dev/kvm
# exists inside it, and run a list of commands there.  The boot costs
# ~12 s, so callers batch all their commands into one boot.
#
# usage: scripts/kvm_l1.sh -o OUTDIR [-t SECS] [-T SECS] CMDFILE [SRC:DEST]...
#        scripts/kvm_l1.sh -F
#
#   CMDFILE   one /bin/sh command per line, run in order in /mapbench
#             with stdin from /dev/null (busybox sh; blank lines and
#             lines starting with # are skipped)
#   SRC:DEST  host file SRC is put at DEST (absolute) in the L1;
#             /mapbench/build/aarch64 is on PATH there
#   -t SECS   wall-clock limit of the whole qemu run (default 1800)
#   -T SECS   limit of each command, killed after it (default 900)
#   -F        only fetch the kernel and busybox into the cache and print
#             their paths (vmlinuz, then busybox), one a line
#
# Writes into OUTDIR, for command N (from 1): cmd-N.out, cmd-N.err
# (its stdout and stderr), cmd-N.rc (exit code), cmd-N.time (seconds);
# files/NAME for every /tmp/*.json the commands left behind, dmesg.txt,
# console.log (raw serial), l1.txt (boot facts).
#
# Exit 0 when the L1 ran every command (whatever their exit codes),
# 1 on a setup error, 2 when the L1 did not get to the end.
#
# Downloads (the kernel and busybox .debs, with apt-get download) are
# cached in ${MAPBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mapbench}.

set -euo pipefail

die() { echo "kvm_l1: $*" >&2; exit 1; }

cache=${MAPBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mapbench}
outdir='' total_s=1800 cmd_s=900 fetch_only=
while getopts o:t:T:F opt; do
	case $opt in
	F) fetch_only=1 ;;
	o) outdir=$OPTARG ;;
	t) total_s=$OPTARG ;;
	T) cmd_s=$OPTARG ;;
	*) die "usage: $0 -o OUTDIR [-t SECS] [-T SECS] CMDFILE [SRC:DEST]..." ;;
	esac
done
shift $((OPTIND - 1))
if [ -z "$fetch_only" ] && { [ -z "$outdir" ] || [ $# -lt 1 ]; }; then
	die "usage: $0 -o OUTDIR [-t SECS] [-T SECS] CMDFILE [SRC:DEST]..."
fi
cmdfile=${1:-}
[ -n "$fetch_only" ] || shift
[ -n "$fetch_only" ] || [ -f "$cmdfile" ] || die "no command file $cmdfile"
command -v qemu-system-aarch64 >/dev/null ||
	die "qemu-system-aarch64 not found (run scripts/deps.sh)"

# apt-get download as root warns that _apt cannot write the cwd.
apt_dl() { apt-get -q -o APT::Sandbox::User=root download "$@" >/dev/null; }

# Package lists may be missing or older than the mirror: refresh once.
refreshed=
apt_refresh() {
	[ -z "$refreshed" ] || return 1
	refreshed=1
	if [ "$(id -u)" -eq 0 ]; then
		apt-get update -qq
	else
		sudo -n apt-get update -qq
	fi
}

# The versioned package linux-image-arm64:arm64 depends on.
kernel_pkg() {
	apt-cache depends linux-image-arm64:arm64 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ {
	     sub(/:arm64$/, "", $2); print $2; exit }'
}

# The first existing file of a glob, or nothing.
first() {
	local f
	for f in "$@"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 0
}

# The versioned kernel package behind linux-image-arm64; extracted once.
fetch_kernel() {
	local dir=$cache/kernel pkg deb tmp
	[ -s "$dir/vmlinuz" ] && return 0
	mkdir -p "$dir"
	pkg=$(kernel_pkg)
	if [ -z "$pkg" ] && apt_refresh; then
		pkg=$(kernel_pkg)
	fi
	[ -n "$pkg" ] || die "cannot resolve linux-image-arm64:arm64 (run scripts/deps.sh, which adds the arm64 architecture)"
	deb=$(first "$dir/${pkg}"_*_arm64.deb)
	if [ -z "$deb" ]; then
		if ! (cd "$dir" && apt_dl "$pkg:arm64"); then
			# Stale lists name a version the mirror dropped.
			if ! apt_refresh || ! pkg=$(kernel_pkg) ||
			   [ -z "$pkg" ] ||
			   ! (cd "$dir" && apt_dl "$pkg:arm64"); then
				die "apt-get download of the arm64 kernel ($pkg) failed"
			fi
		fi
		deb=$(first "$dir/${pkg}"_*_arm64.deb)
	fi
	tmp=$(mktemp -d "$dir/x.XXXXXX")
	dpkg-deb -x "$deb" "$tmp"
	cp "$tmp"/boot/vmlinuz-* "$dir/vmlinuz.tmp"
	rm -rf "$tmp"
	echo "$pkg" > "$dir/package"
	mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
}

# Only downloaded and unpacked: installing busybox-static:arm64 would
# replace the host's /bin/busybox.
fetch_busybox() {
	local dir=$cache/busybox deb tmp
	[ -s "$dir/busybox" ] && return 0
	mkdir -p "$dir"
	deb=$(first "$dir"/busybox-static_*_arm64.deb)
	if [ -z "$deb" ]; then
		(cd "$dir" && apt_dl busybox-static:arm64) ||
			{ apt_refresh &&
			  (cd "$dir" && apt_dl busybox-static:arm64); } ||
			die "apt-get download busybox-static:arm64 failed"
		deb=$(first "$dir"/busybox-static_*_arm64.deb)
	fi
	tmp=$(mktemp -d "$dir/x.XXXXXX")
	dpkg-deb -x "$deb" "$tmp"
	cp "$tmp/bin/busybox" "$dir/busybox.tmp"
	rm -rf "$tmp"
	mv "$dir/busybox.tmp" "$dir/busybox"
}

write_init() {
	cat > "$1" <<EOF
#!/bin/busybox sh
# mapbench L1 init: run /mbcmds, print results framed for kvm_l1.sh.
/bin/busybox --install -s /bin
export PATH=/mapbench/build/aarch64:/bin HOME=/ TERM=dumb
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
echo 1 > /proc/sys/kernel/printk
mkdir -p /mbrun
up() { cut -d' ' -f1 /proc/uptime; }
emit() { echo "MBFILE \$1"; base64 "\$2"; echo MBFILEEND; }
kvm=no; [ -c /dev/kvm ] && kvm=yes
echo "MBL1 UP \$(up) KVM \$kvm CPUS \$(nproc) KERNEL \$(uname -r)"
cd /mapbench
n=0
while IFS= read -r line; do
	case "\$line" in ''|'#'*) continue ;; esac
	n=\$((n + 1))
	echo "MBCMD \$n RUN \$line"
	t0=\$(up)
	timeout -s KILL $cmd_s sh -c "\$line" </dev/null \\
		>/mbrun/out 2>/mbrun/err
	rc=\$?
	t1=\$(up)
	emit cmd-\$n.out /mbrun/out
	emit cmd-\$n.err /mbrun/err
	echo "MBCMD \$n EXIT \$rc TIME \$(awk "BEGIN { print \$t1 - \$t0 }")"
done < /mbcmds
for f in /tmp/*.json; do
	[ -f "\$f" ] && emit "files/\${f##*/}" "\$f"
done
dmesg > /mbrun/dmesg
emit dmesg.txt /mbrun/dmesg
echo "MBL1 DONE \$(up)"
poweroff -f
EOF
	chmod 755 "$1"
}

build_initrd() {
	local stage=$1 spec src dest
	shift
	mkdir -p "$stage"/{bin,proc,sys,dev,tmp,mapbench}
	cp "$cache/busybox/busybox" "$stage/bin/busybox"
	write_init "$stage/init"
	cp "$cmdfile" "$stage/mbcmds"
	for spec in "$@"; do
		src=${spec%%:*} dest=${spec#*:}
		[ -f "$src" ] || die "no file $src"
		case $dest in /*) ;; *) die "destination $dest is not absolute" ;; esac
		mkdir -p "$stage$(dirname "$dest")"
		cp "$src" "$stage$dest"
	done
	(cd "$stage" && find . | LC_ALL=C sort |
	 cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$outdir/initrd.gz"
}

# console.log -> per-command files, exit codes, collected files.
extract() {
	local log=$outdir/console.log
	tr -d '\r' < "$log" | awk -v out="$outdir" '
		/^MBFILE [A-Za-z0-9._\/-]+$/ {
			name = $2
			if (name ~ /\.\./ || name ~ /^\// ||
			    (name ~ /\// && name !~ /^files\/[^\/]+$/))
				next
			f = out "/" name ".b64"; printf "" > f; next
		}
		/^MBFILEEND$/ { if (f) close(f); f = ""; next }
		f { print >> f; next }
		/^MBCMD [0-9]+ EXIT -?[0-9]+ TIME / {
			print $4 > (out "/cmd-" $2 ".rc"); close(out "/cmd-" $2 ".rc")
			print $6 > (out "/cmd-" $2 ".time"); close(out "/cmd-" $2 ".time")
		}
		/^MBL1 UP / { print "boot_s " $3 "\nnested_kvm " $5 "\nkernel " $9 > (out "/l1.txt") }
		/^MBL1 DONE / { print "done_s " $3 >> (out "/l1.txt") }'
	local b
	for b in "$outdir"/*.b64 "$outdir"/files/*.b64; do
		[ -f "$b" ] || continue
		base64 -d < "$b" > "${b%.b64}" || echo "kvm_l1: cannot decode $b" >&2
		rm -f "$b"
	done
}

if [ -n "$fetch_only" ]; then
	fetch_kernel
	fetch_busybox
	printf '%s\n' "$cache/kernel/vmlinuz" "$cache/busybox/busybox"
	exit 0
fi
mkdir -p "$outdir/files"
outdir=$(cd "$outdir" && pwd)
rm -f "$outdir"/cmd-* "$outdir"/files/* "$outdir"/l1.txt
fetch_kernel
fetch_busybox
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
build_initrd "$stage/root" "$@"

t0=$(date +%s.%N)
rc=0
timeout -k 10 "$total_s" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=3 -cpu max -m 3G -smp 2 \
	-nographic -nic none -no-reboot \
	-kernel "$cache/kernel/vmlinuz" -initrd "$outdir/initrd.gz" \
	-append "console=ttyAMA0 quiet panic=-1" \
	< /dev/null > "$outdir/console.log" 2> "$outdir/qemu.err" || rc=$?
t1=$(date +%s.%N)
extract
echo "wall_s $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }")" >> "$outdir/l1.txt"

if ! grep -q '^done_s' "$outdir/l1.txt" 2>/dev/null; then
	[ $rc -eq 124 ] && echo "kvm_l1: L1 did not finish in $total_s s; see $outdir/console.log" >&2 ||
		echo "kvm_l1: L1 ended early (qemu exit $rc); see $outdir/console.log" >&2
	exit 2
fi
exit 0
