/*
 * axon_cosim_stream — the item stream and tile weights `axon cosim` feeds to
 * both sides: random (weights with all-zero words and zero lanes so gating is
 * exercised; tokens with 0..5 steps, densities 0..1, empty tokens), a
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
    map_qweight qw;      /* out = cols used, in = rows used; owned */
    spike_event *ev;     /* owned */
    size_t nev;
    size_t *tok_start;   /* [tokens + 1], owned */
    size_t tokens;
    size_t cols_used;    /* accumulators that carry layer outputs (a tile at the edge holds fewer) */
    int permuted;        /* image stream: the trace's channels were permuted */
} cosim_stream;

ax_result cosim_stream_random(const axon_rtl_params *p, size_t tokens, uint64_t seed,
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
ax_result cosim_stream_events(const char *trace, const char *coding, int steps, const int32_t *counts,
                              size_t tokens, size_t in, size_t a0, size_t n, cosim_stream *s, char **err);
void cosim_stream_free(cosim_stream *s);

/* The C model configuration that runs the stream like the RTL build p: the
 * defaults (sim_config_default) with p's tile, core and timing parameters
 * (async: handshake phases and delays) on a one-core chip. */
void cosim_stream_sim_config(const axon_rtl_params *p, sim_config *cfg);

#endif
