/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where the files mapbench ships are, relative to the binary itself
 * (/proc/self/exe), so that a build tree, an installed prefix, a
 * DESTDIR tree or a moved prefix each find their own and nothing else:
 *
 *   build/mapbench        build/guest/, ../configs/layouts (the source)
 *   build/{asan,aarch64}/ ../guest/, ../../configs/layouts
 *   PREFIX/bin/mapbench   PREFIX/lib/mapbench/guest/,
 *                         PREFIX/share/mapbench/configs/layouts
 *   DIR/mapbench          DIR/mapbench-guest.elf (a LAVA bundle)
 */
#ifndef MAPBENCH_PATHS_H
#define MAPBENCH_PATHS_H

#include <stddef.h>

/* Installed layout, relative to PREFIX (the Makefile's install rules). */
#define MB_INSTALL_GUEST_DIR	"lib/mapbench/guest"
#define MB_INSTALL_LAYOUT_DIR	"share/mapbench/configs/layouts"

/*
 * The directory the running binary is in, in dir (len bytes): 0, or -1
 * when /proc/self/exe cannot be read or does not fit.
 */
int mb_self_dir(char *dir, size_t len);

/*
 * The first of rel[] (paths relative to the binary's directory; "../"
 * climbs a level) that access() grants mode on, in buf: 0.  When none
 * does, -1 and buf holds the one where the file belongs for this
 * binary's layout: rel[0] for a binary in a directory named bin (an
 * installed prefix), else rel[nr_installed] (the first of the build
 * tree's); rel[0..nr_installed-1] are the installed ones.  -2 (buf
 * empty) when the binary's directory is unknown.
 */
int mb_find_beside_self(const char *const *rel, size_t nr,
			size_t nr_installed, int mode, char *buf, size_t len);

#endif /* MAPBENCH_PATHS_H */
