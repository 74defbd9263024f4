#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The Debian packaging tools the pkg tier needs (tests/pkg/run.sh): the
# .deb's build (dpkg-dev, debhelper), its check (lintian) and the clean
# root it is installed into (debootstrap).  Only that tier calls this;
# idempotent and quiet like scripts/deps.sh: installs as root or
# through sudo, otherwise prints the command and fails.
set -euo pipefail

pkgs=(dpkg-dev debhelper lintian debootstrap)
missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[ "${st:0:2}" = ii ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
	sudo=(sudo)
else
	echo "deps_pkg: missing packages; as root run:" >&2
	echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
	exit 1
fi
echo "deps_pkg: installing ${missing[*]}"
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends "${missing[@]}"
