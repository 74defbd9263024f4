/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ESR, decoded for people (esr.c).
 */
#ifndef MAPBENCH_ESR_H
#define MAPBENCH_ESR_H

#include <stddef.h>
#include <stdint.h>

const char *mb_esr_class(unsigned int ec);
void mb_esr_describe(uint64_t esr, char *buf, size_t len);
const char *mb_vector_name(unsigned int vector);

#endif /* MAPBENCH_ESR_H */
