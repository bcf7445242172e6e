/*
 * axon_cosim — the lockstep comparison of the C core model (sim/) and the
 * Verilated RTL (axon_rtl.h) behind `axon cosim` (docs/design.md §5). Both run the
 * same item stream from the same weights: the C model on a one-core chip with
 * arrival 0, or as core `core` of a chip, the RTL then fed each item at the
 * arrival of its flit at that core; every stamp of item acceptance, start, SRAM
 * read (or skip), readout beat and readout end, every accumulator of every
 * token, the activity counters and the sticky overflow flag must be equal.
 * Compiled only into the co-simulation helper (it needs Verilator output).
 */
#ifndef AXON_COSIM_H
#define AXON_COSIM_H

#include "../../sim/sim.h"
#include "axon_rtl.h"

typedef struct {
    axon_rtl_params p;     /* the RTL build's parameters (also the C model's) */
    const sim_config *cfg; /* C model config matching p (timing, delays) */
    const map_qweight *qw; /* tile weights: out = cols used, in = rows used */
    const spike_event *ev; /* event stream (axons < qw->in), referenced */
    size_t nev;
    const size_t *tok_start; /* [tokens + 1] */
    size_t tokens;
    uint64_t seed;                   /* random initial register values (0: none) */
    const char *wave;                /* VCD of the RTL around the first divergence, or NULL */
    int64_t wave_before, wave_after; /* window, in steps (cycles or ps) */
    int verbose;
    int32_t *acc_out; /* NULL, or [tokens][p.cols]: each token's accumulators as
                                 * compared equal (filled for the tokens that matched) */
    int core;         /* the C model's core the RTL is compared with (0: one core) */
    size_t col0;      /* its first column in qw (the RTL's weights: col0 .. col0+C-1) */
} axon_cosim_job;

typedef struct {
    uint64_t items, stamps, accs;                      /* compared */
    int64_t end_rtl, end_sim;                          /* time the last readout finished */
    int64_t rtl_steps;                                 /* axon_rtl_step calls */
    double rtl_s, sim_s;                               /* wall time spent in each side, s */
    uint64_t rtl_words, rtl_skipped, rtl_adds, rtl_hs; /* activity counted on the RTL side */
    int ovf;             /* sticky overflow flag (equal on both sides when OK) */
    int64_t max_arrival; /* latest item arrival fed to the RTL (0: one-core run) */
    int diverged;
    int64_t diverge_time;
    uint64_t rtl_reused; /* word slots the row-reuse core added from its row register */
} axon_cosim_result;

/* AX_OK when everything matched; AX_EMISMATCH with the first divergence
 * (both sides' state) in *err; other codes for setup failures. */
ax_result axon_cosim_run(const axon_cosim_job *j, axon_cosim_result *res, char **err);

#endif
