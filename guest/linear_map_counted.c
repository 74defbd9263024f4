// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine for the counting pass, after the timed window: the same
 * instructions, each op also counted into mb_counters.
 */
#define MB_COUNTING
#define ENGINE(x) x##_counted
#include "engine.c"
