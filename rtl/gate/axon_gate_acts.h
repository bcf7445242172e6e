/*
 * axon_gate_acts — the activation streams shared by the spiking core's and
 * the MAC tile's gate-level drivers (rtl/gate/axon_gate_char.c and
 * rtl/gate/axon_gate_base.cpp, profile "act"), so both netlists run the same
 * INT8 activations against the same INT8 weights (docs/power.md "The ratio at
 * gate level"): x[tokens][R] with a quarter zero, the others half small
 * (|x| <= 15) and half up to 127, random sign; q[C][R] with 30 % zero
 * weights, the others uniform in -127..127 without 0. Deterministic from the
 * seed alone (xorshift64), the same bytes from C and C++.
 */
#ifndef AXON_GATE_ACTS_H
#define AXON_GATE_ACTS_H

#include <stdint.h>

static inline uint64_t axon_acts_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* x[tokens * R] and q[C * R] (row-major q[j * R + i]: output j, input i) */
static inline void axon_acts_make(unsigned seed, int tokens, int R, int C, int8_t *x, int8_t *q)
{
    uint64_t s = (uint64_t)seed * 0x9E3779B97F4A7C15ULL + 0x5851F42D4C957F2DULL;
    for (int j = 0; j < C; j++)
        for (int i = 0; i < R; i++) {
            int v = 0;
            if (axon_acts_next(&s) % 100 >= 30)
                v = 1 + (int)(axon_acts_next(&s) % 127);
            q[j * R + i] = (int8_t)(axon_acts_next(&s) & 1 ? -v : v);
        }
    for (int t = 0; t < tokens; t++)
        for (int i = 0; i < R; i++) {
            int v = 0;
            if (axon_acts_next(&s) % 4 != 0) {
                uint64_t m = axon_acts_next(&s) & 1 ? 15 : 127; /* sequenced: C and C++ alike */
                v = 1 + (int)(axon_acts_next(&s) % m);
            }
            x[t * R + i] = (int8_t)(axon_acts_next(&s) & 1 ? -v : v);
        }
}

#endif
