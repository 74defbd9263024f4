// SPDX-License-Identifier: GPL-2.0-only
/* The engine as it runs in the timed window: plain instructions only. */
#define ENGINE(x) x##_timed
#include "engine.c"
