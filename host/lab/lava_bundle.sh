#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What a LAVA job of `mapbench lava-job` deploys besides the lab's kernel
# (docs/LAB.md):
#
#   OUTDIR/mapbench-aarch64.tar.gz   opt/mapbench/mapbench (static
#                                    aarch64) + opt/mapbench/mapbench-guest.elf:
#                                    the job's --mapbench-url; LAVA
#                                    overlays it onto the ramdisk at /
#   OUTDIR/ramdisk.cpio.gz           (with -r) a busybox ramdisk whose
#                                    /init mounts /proc, /sys, /dev and
#                                    gives LAVA a shell prompt,
#                                    'mapbench-lava# ': the job's
#                                    --ramdisk-url when the lab has none
#
# usage: host/lab/lava_bundle.sh [-r] OUTDIR
#
# Inputs: `make cross guest` (build/aarch64/mapbench, the guest ELF);
# with -r, busybox-static:arm64, downloaded (never installed) into the
# cache by scripts/kvm_l1.sh -F.
set -euo pipefail
cd "$(dirname "$0")/../.."

die() { echo "lava_bundle: $*" >&2; exit 1; }

ramdisk=
if [ "${1:-}" = -r ]; then
	ramdisk=1
	shift
fi
[ $# -eq 1 ] || die "usage: $0 [-r] OUTDIR"
out=$1
B=${BUILD:-build}
mb=$B/aarch64/mapbench
guest=$B/guest/mapbench-guest.elf
for f in "$mb" "$guest"; do
	[ -f "$f" ] || die "no $f (make cross guest)"
done
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# the tarball: fixed owner and times, so the same build gives the same
# bytes
mkdir -p "$stage/tar/opt/mapbench"
cp "$mb" "$guest" "$stage/tar/opt/mapbench/"
tar -C "$stage/tar" --owner=0 --group=0 --numeric-owner \
	--mtime=@0 --sort=name -cf - opt | gzip -n -9 > "$out/mapbench-aarch64.tar.gz.tmp"
mv "$out/mapbench-aarch64.tar.gz.tmp" "$out/mapbench-aarch64.tar.gz"

[ -n "$ramdisk" ] || exit 0

busybox=$(scripts/kvm_l1.sh -F | tail -n 1)
[ -s "$busybox" ] || die "no busybox from scripts/kvm_l1.sh -F"
r=$stage/rd
mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,opt/mapbench}
cp "$busybox" "$r/bin/busybox"
cat > "$r/init" <<'EOF'
#!/bin/busybox sh
# mapbench's LAVA ramdisk: a shell on the console for LAVA's test shell.
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# kernel messages on the console would land inside the records' lines
echo 1 > /proc/sys/kernel/printk
export PATH=/opt/mapbench:/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
export PS1='mapbench-lava# '
kvm=missing
[ -c /dev/kvm ] && kvm=present
echo "mapbench-lava ramdisk: $(uname -r), $(nproc) CPUs, /dev/kvm $kvm"
exec setsid cttyhack sh
EOF
chmod 755 "$r/init"
(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -n -1 > "$out/ramdisk.cpio.gz.tmp"
mv "$out/ramdisk.cpio.gz.tmp" "$out/ramdisk.cpio.gz"
