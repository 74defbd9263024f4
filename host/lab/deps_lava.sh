#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The LAVA tier's one extra dependency: LAVA's own dispatcher (Debian's
# lava-dispatcher: lava-run, and lava-common's job schema).  Separate
# from scripts/deps.sh because it is ~150 packages and a minute and a
# half to install, which only `make test-lava` needs.  Idempotent: a
# no-op when it is there.  As root, or through sudo; otherwise it prints
# the command and fails.
set -euo pipefail

# Debian's python3, not whatever python3 is first on PATH
if command -v lava-run >/dev/null &&
   /usr/bin/python3 -c 'import lava_common.schemas' 2>/dev/null; then
	exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
	sudo=(sudo)
else
	echo "deps_lava: lava-dispatcher is missing; as root run:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends lava-dispatcher" >&2
	exit 1
fi
echo "deps_lava: installing lava-dispatcher (a minute or two)"
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends lava-dispatcher
# The package enables lava-worker, which would poll for a LAVA server
# that does not exist here: lava-run needs no service.
if [ -d /run/systemd/system ]; then
	"${sudo[@]}" systemctl disable --now lava-worker.service \
		>/dev/null 2>&1 || true
fi
