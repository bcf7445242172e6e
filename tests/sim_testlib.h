/* Helpers shared by the tests of sim/: a deterministic generator, int8
 * weights built by hand, spike event streams built from integer counts
 * with an independent implementation of the codings of docs/design.md §2 (so the
 * simulator tests do not depend on spike/), and a run's outputs copied out. */
#ifndef AX_SIM_TESTLIB_H
#define AX_SIM_TESTLIB_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../mapper/map.h"
#include "../sim/sim.h"
#include "../spike/spike.h"

static inline uint64_t tl_rand(uint64_t *st)
{
    *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
    return *st >> 33;
}

/* int8 weights q[out][in]: zero with probability zero_pct %, else in [-127, 127]. */
static inline void tl_qweight(map_qweight *qw, size_t out, size_t in, size_t group, int zero_pct,
                              uint64_t *st)
{
    memset(qw, 0, sizeof *qw);
    qw->out = out;
    qw->in = in;
    qw->group = group ? group : in;
    qw->ngroups = (in + qw->group - 1) / qw->group;
    qw->q = malloc(out * in);
    qw->scale = malloc(out * qw->ngroups * sizeof(float));
    for (size_t i = 0; i < out * in; i++)
        qw->q[i] = (int)(tl_rand(st) % 100) < zero_pct ? 0
                                                       : (int8_t)((int)(tl_rand(st) % 255) - 127);
    for (size_t i = 0; i < out * qw->ngroups; i++)
        qw->scale[i] = 0.01f;
}

/* Spike value of count c at step t (0..T-1) and the step's weight. */
static inline int tl_bit(spike_coding cod, int32_t c, int T, int t, int64_t *w)
{
    int b = T - 1 - t;
    int32_t m = c < 0 ? -c : c, sg = c < 0 ? -1 : 1;
    switch (cod) {
    case SPIKE_BINARY: *w = 1; return t < c ? 1 : 0;
    case SPIKE_TERNARY: *w = 1; return t < m ? sg : 0;
    case SPIKE_BITWISE: *w = (int64_t)1 << b; return (c >> b) & 1;
    case SPIKE_BITWISE_SIGNED: *w = (int64_t)1 << b; return ((m >> b) & 1) * sg;
    case SPIKE_BITWISE_2C:
        *w = t == 0 ? -((int64_t)1 << b) : ((int64_t)1 << b);
        return (int)(((uint32_t)c >> b) & 1u);
    }
    return 0;
}

/* Events of counts[tokens][d] with T steps (order token, step, axon). */
static inline spike_event *tl_events(spike_coding cod, const int32_t *counts, size_t tokens,
                                     size_t d, int T, size_t *nev, size_t *tok_start)
{
    size_t cap = 64, n = 0;
    spike_event *ev = malloc(cap * sizeof *ev);
    for (size_t tk = 0; tk < tokens; tk++) {
        tok_start[tk] = n;
        for (int t = 0; t < T; t++)
            for (size_t i = 0; i < d; i++) {
                int64_t w;
                int b = tl_bit(cod, counts[tk * d + i], T, t, &w);
                if (!b)
                    continue;
                if (n == cap)
                    ev = realloc(ev, (cap *= 2) * sizeof *ev);
                int64_t v = b * w, a = v < 0 ? -v : v;
                int sh = 0;
                while (((int64_t)1 << sh) < a)
                    sh++;
                ev[n++] = (spike_event){.token = (uint32_t)tk,
                                        .step = (uint16_t)t,
                                        .neg = v < 0,
                                        .shift = (uint8_t)sh,
                                        .axon = (uint32_t)i};
            }
    }
    tok_start[tokens] = n;
    *nev = n;
    return ev;
}

/* Random counts that fit coding cod with T steps; silent_pct % zeros. */
static inline void tl_counts(int32_t *c, size_t n, spike_coding cod, int T, int silent_pct,
                             uint64_t *st)
{
    int32_t hi, lo;
    switch (cod) {
    case SPIKE_BINARY:
        lo = 0;
        hi = T;
        break;
    case SPIKE_TERNARY:
        lo = -T;
        hi = T;
        break;
    case SPIKE_BITWISE:
        lo = 0;
        hi = (1 << T) - 1;
        break;
    case SPIKE_BITWISE_SIGNED:
        hi = (1 << T) - 1;
        lo = -hi;
        break;
    default:
        hi = (1 << (T - 1)) - 1;
        lo = -(1 << (T - 1));
        break;
    }
    for (size_t i = 0; i < n; i++)
        c[i] = (int)(tl_rand(st) % 100) < silent_pct
                   ? 0
                   : lo + (int32_t)(tl_rand(st) % (uint64_t)(hi - lo + 1));
}

/* Small core for hand-computed stamps: C=4, L=2 (W=2), A=8, RB=16 (B=2). */
static inline void tl_small_cfg(sim_config *c)
{
    sim_config_default(c);
    c->rows = 4;
    c->cols = 4;
    c->lanes = 2;
    c->acc_bits = 8;
    c->readout_bits = 16;
}

/* The outputs of a finished run copied out of the sim before sim_free, so
 * two runs can be compared field by field: *acc the nacc accumulators, *r
 * the report and *pc its per-core counters (r->per_core is left NULL: the
 * copy is *pc). The caller frees *acc and *pc. */
static inline void tl_take_outputs(sim *s, size_t nacc, int32_t **acc, sim_report *r,
                                   sim_counters **pc)
{
    *acc = malloc(nacc * sizeof **acc + 1);
    memcpy(*acc, sim_acc(s), nacc * sizeof **acc);
    sim_get_report(s, r);
    *pc = malloc(r->cores * sizeof **pc + 1);
    memcpy(*pc, r->per_core, r->cores * sizeof **pc);
    r->per_core = NULL;
}

#endif
