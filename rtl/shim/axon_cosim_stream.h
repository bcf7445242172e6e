/*
 * axon_cosim_stream — the item stream and tile weights `axon cosim` feeds to
 * both sides: random (cosim_stream_random, for the benchmark and the gate-level check:
 * weights with all-zero words and zero lanes so gating is exercised; tokens
 * with 0..5 steps, densities 0..1, empty tokens, shifts up to 7;
 * cosim_stream_random_contract, for `axon cosim --random`: also +127/-128 rows, 0..8 steps, densities 0..1, empty tokens; per seed
 * either small shifts or shifts 0..23 with bitwise counts up to 2^24 - 1, so
 * some runs overflow the accumulators and some do not; per seed a one-core
 * run (arrival 0) or core 1 of a 1 x 2 chip (arrivals > 0, gaps)), a
 * layer's first R x C tile from a weights file and a trace (spike counts by
 * docs/design.md §2, events in (token, step, axon) order), or one core of a core
 * image (its rows verbatim; the trace's channels permuted as the image's when
 * `axon map --reorder-by` reordered them, then the events of the axons the
 * core holds); and the C model configuration of the RTL build (shared with
 * bench/bench_cosim.c). Helper-only code.
 */
#ifndef AXON_COSIM_STREAM_H
#define AXON_COSIM_STREAM_H

#include "../../mapper/map.h"
#include "../../sim/sim.h"
#include "../../spike/spike.h"
#include "axon_image_core.h"
#include "axon_rtl.h"

typedef struct {
    map_qweight qw;  /* out = cols used, in = rows used; owned */
    spike_event *ev; /* owned */
    size_t nev;
    size_t *tok_start; /* [tokens + 1], owned */
    size_t tokens;
    size_t cols_used; /* accumulators that carry layer outputs (a tile at the edge holds fewer) */
    int permuted;     /* image stream: the trace's channels were permuted */
    /* chip run (random streams only): the C model runs a 1 x 2 mesh whose core 0
     * holds all-zero weights and core 1 this tile (qw.out = 2 C); the RTL is core 1,
     * fed each item at its flit's arrival there (hop, link width: gaps and arrivals > 0) */
    int chip;
    int hop_cycles;
    int64_t hop_ps;
    int link_bits;
} cosim_stream;

ax_result cosim_stream_random(const axon_rtl_params *p, size_t tokens, uint64_t seed,
                              cosim_stream *s, char **err);
/* `axon cosim --random`: the whole contract (see the top): shifts 0..23 and
 * overflow on some seeds, core 1 of a chip with arrivals > 0 on others. */
ax_result cosim_stream_random_contract(const axon_rtl_params *p, size_t tokens, uint64_t seed,
                                       cosim_stream *s, char **err);
ax_result cosim_stream_files(const axon_rtl_params *p, const char *weights, const char *trace,
                             const char *layer, const char *coding, int steps, size_t max_tokens,
                             cosim_stream *s, char **err);
/* One core of an image (ic from axon_image_core_open, tile = the build's):
 * qw = its R x C rows, events = those of axons row0 .. row0+rows_used-1 of
 * the layer's input in the image's channel order, renumbered from 0. */
ax_result cosim_stream_image(const axon_rtl_params *p, const axon_image_core *ic, const char *trace,
                             const char *coding, int steps, size_t max_tokens, cosim_stream *s,
                             char **err);
/* Spike counts [tokens][in] of <layer>.input (the first max_tokens tokens,
 * 0 = all): float activations by the adaptive threshold, integer dtypes as
 * they are. *counts is malloc'd. */
ax_result cosim_stream_counts(const char *trace, const char *layer, size_t in, size_t max_tokens,
                              int32_t **counts, size_t *tokens, char **err);
/* Events of counts in the coding into s->ev / s->tok_start / s->tokens,
 * keeping axons [a0, a0 + n) renumbered from 0. */
ax_result cosim_stream_events(const char *trace, const char *coding, int steps,
                              const int32_t *counts, size_t tokens, size_t in, size_t a0, size_t n,
                              cosim_stream *s, char **err);
void cosim_stream_free(cosim_stream *s);
/* The weights and token starts of a synthetic stream: q [out][R] zero,
 * unit scales, one weight group of R inputs, cols_used columns of the core,
 * tok_start [tokens + 1] zero. 0, or -1 out of memory (what was allocated
 * stays in s for cosim_stream_free). */
int cosim_stream_alloc(cosim_stream *s, size_t R, size_t out, size_t cols_used, size_t tokens);

/* The C model configuration that runs the stream like the RTL build p: the
 * defaults (sim_config_default) with p's tile, core and timing parameters
 * (async: handshake phases and delays) on a one-core chip. */
void cosim_stream_sim_config(const axon_rtl_params *p, sim_config *cfg);
/* The chip of a chip stream (mesh, hops, link width) into cfg; no-op otherwise. */
void cosim_stream_chip_config(const cosim_stream *s, sim_config *cfg);

#endif
