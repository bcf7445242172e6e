/*
 * axon_cosim_stream — the item stream and tile weights `axon cosim` feeds to
 * both sides: random (weights with all-zero words and zero lanes so gating is
 * exercised; tokens with 0..5 steps, densities 0..1, empty tokens), or a
 * layer's first R x C tile from a weights file and a trace (spike counts by
 * DESIGN §2, events in (token, step, axon) order). Helper-only code.
 */
#ifndef AXON_COSIM_STREAM_H
#define AXON_COSIM_STREAM_H

#include "../../mapper/map.h"
#include "../../spike/spike.h"
#include "axon_rtl.h"

typedef struct {
    map_qweight qw;      /* out = cols used, in = rows used; owned */
    spike_event *ev;     /* owned */
    size_t nev;
    size_t *tok_start;   /* [tokens + 1], owned */
    size_t tokens;
} cosim_stream;

ax_result cosim_stream_random(const axon_rtl_params *p, size_t tokens, uint64_t seed,
                              cosim_stream *s, char **err);
ax_result cosim_stream_files(const axon_rtl_params *p, const char *weights, const char *trace,
                             const char *layer, const char *coding, int steps, size_t max_tokens,
                             cosim_stream *s, char **err);
void cosim_stream_free(cosim_stream *s);

#endif
