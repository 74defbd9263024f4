// SPDX-License-Identifier: GPL-2.0-only
/* The engine on simulated arch operations (unit tier). */
#define ENGINE(x) x##_sim
#include "engine.c"
