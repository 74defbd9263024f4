#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A clean first contact: on a machine without the cross compiler (deps.sh
# has not installed it yet) reading the Makefile for `make run` prints
# nothing on stderr -- no "aarch64-linux-gnu-gcc: No such file or
# directory" before the work starts.  `make -n run` with a PATH of
# links to every program on the real one but aarch64-linux-gnu-*.
# MAKEFILE=FILE checks another Makefile (the test's own self-check).
set -u
cd "$(dirname "$0")/../.." || exit 1
mk=${MAKEFILE:-Makefile}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

mkdir "$tmp/bin"
IFS=: read -r -a dirs <<< "$PATH"
# (the first of a name wins, as on PATH: ln refuses the later ones)
for d in "${dirs[@]}"; do
	[ -d "$d" ] && ln -s "$d"/* "$tmp/bin/" 2> /dev/null
done
rm -f "$tmp"/bin/aarch64-linux-gnu-*
if PATH=$tmp/bin command -v aarch64-linux-gnu-gcc > /dev/null; then
	echo "firstcontact: aarch64-linux-gnu-gcc still on the test's PATH"
	exit 1
fi

PATH=$tmp/bin make --no-print-directory -f "$mk" -n run \
	> "$tmp/out" 2> "$tmp/err"
if [ -s "$tmp/err" ]; then
	echo "firstcontact: make -n run without the cross compiler printed on stderr:"
	sed 's/^/  /' "$tmp/err"
	exit 1
fi
echo "firstcontact: make -n run without the cross compiler: stderr empty"
