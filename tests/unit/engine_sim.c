// SPDX-License-Identifier: GPL-2.0-only
/* The engine on simulated arch operations (unit tier). */
#define ENGINE(x) x##_sim
#include "engine.c"

/* The code the engine calls that is not C: the TTBR1 trampoline's text
 * (tramp_S.h is made by make from the tramp.S built with this engine.c),
 * run instruction by instruction by sim_replace_ttbr1(). */
const char sim_tramp_S[] =
#include "tramp_S.h"
	;
