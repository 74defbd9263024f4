#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install the Debian packages mapbench needs to build and test.
# Idempotent and quiet: a fast no-op when everything is there.  Installs
# as root, or through sudo; otherwise prints the commands and fails.
#
# On x86 hosts the aarch64 side (guest, static cross build of the host
# for the nested-KVM tier) comes from the cross toolchain and the arm64
# multiarch -dev packages, which install beside the native ones.
#
# Never install busybox-static:arm64: it replaces the host's
# /bin/busybox with an arm64 binary.  scripts/kvm_l1.sh only downloads it.

set -euo pipefail

pkgs=(make gcc qemu-system-arm libelf-dev libjansson-dev zlib1g-dev cpio
      gnuplot-nox jq clang libclang-rt-dev man-db python3-jsonschema)
foreign=
if [ "$(dpkg --print-architecture)" != arm64 ]; then
	foreign=arm64
	pkgs+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	       libelf-dev:arm64 libjansson-dev:arm64 zlib1g-dev:arm64)
fi

# One dpkg-query for all: it names native packages "pkg:ARCH".
native=$(dpkg --print-architecture)
declare -A have=()
while read -r name st; do
	[ "${st:0:2}" = ii ] && have[${name%:"$native"}]=1
done < <(dpkg-query -W -f='${binary:Package} ${db:Status-Abbrev}\n' \
	 "${pkgs[@]}" 2>/dev/null || true)
missing=()
for p in "${pkgs[@]}"; do
	[ -n "${have[$p]:-}" ] || missing+=("$p")
done
add_arch=
if [ -n "$foreign" ] &&
   ! dpkg --print-foreign-architectures | grep -qx "$foreign"; then
	add_arch=$foreign
fi
[ ${#missing[@]} -eq 0 ] && [ -z "$add_arch" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
	sudo=(sudo)
else
	echo "deps: missing packages; as root run:" >&2
	[ -n "$add_arch" ] && echo "  dpkg --add-architecture $add_arch" >&2
	echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}${add_arch:+ (adding arch $add_arch)}"
[ -n "$add_arch" ] && "${sudo[@]}" dpkg --add-architecture "$add_arch"
"${sudo[@]}" apt-get update -q
if [ ${#missing[@]} -gt 0 ]; then
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
