/*
 * spike — activations to integer spike counts (adaptive threshold,
 * docs/design.md §2), counts to spike trains in every coding of Int2Spike,
 * event streams and spike statistics.
 *
 * Counts: vth = clamp(mean(|x|)/k, 1e-5, 1e4) in float32,
 *         s = rintf(x / vth) (half to even), clamped to [cmin, cmax].
 * A spike at step t of a count c has value spike_bit(coding, c, T, t) in
 * {-1, 0, +1} and weight spike_step_weight(coding, T, t), so that
 *   Σ_t spike_bit(c,t) * spike_step_weight(t) == c   for every coding.
 * (Two's complement: all spikes are +1 and the MSB step weighs -2^(T-1).)
 */
#ifndef AX_SPIKE_H
#define AX_SPIKE_H

#include "../ax/ax.h"

#include <stdint.h>

typedef enum {
    SPIKE_BINARY,         /* {0,1}, counts >= 0, spikes at the front, T = max c */
    SPIKE_TERNARY,        /* {-1,0,1}, sign(c) for the first |c| steps, T = max|c| */
    SPIKE_BITWISE,        /* unsigned, MSB first */
    SPIKE_BITWISE_SIGNED, /* sign-magnitude: bits of |c|, negated for c < 0 */
    SPIKE_BITWISE_2C      /* two's complement, MSB weighs -2^(T-1) */
} spike_coding;

/* CLI names: binary ternary bitwise bitwise-signed bitwise-2c */
const char *spike_coding_name(spike_coding c);
ax_result spike_coding_parse(const char *name, spike_coding *c, char **err);
int spike_coding_is_bitwise(spike_coding c);

typedef struct {
    float k;      /* threshold divisor, default 3 */
    int clamp;    /* 1: clamp counts to [cmin, cmax] (default), 0: --no-clamp */
    int32_t cmin; /* default -127 */
    int32_t cmax; /* default 127 */
} spike_params;

void spike_params_default(spike_params *p);

/* vth of one row of d values, exactly as docs/design.md §2 (float32 arithmetic,
 * sum in index order). */
float spike_vth(const float *x, size_t d, float k);

/* counts[tokens*d] and vth[tokens] from x[tokens*d] (row-major).
 * NaN/Inf in x -> AX_ERANGE naming token and channel. vth may be NULL. */
ax_result spike_counts(const float *x, size_t tokens, size_t d, const spike_params *p,
                       int32_t *counts, float *vth, char **err);
/* The same for a block of rows that starts at token t0 of a longer input
 * (errors name the token as t0 + row): loaders convert and count a fixed
 * block of tokens at a time. */
ax_result spike_counts_at(const float *x, size_t t0, size_t tokens, size_t d, const spike_params *p,
                          int32_t *counts, float *vth, char **err);

/* Steps: SPIKE_STEPS_AUTO applies the reference rule over all counts,
 * SPIKE_STEPS_TOKEN applies it per token (row), a positive value is fixed. */
#define SPIKE_STEPS_AUTO 0
#define SPIKE_STEPS_TOKEN (-1)
/* Largest T of any coding (spike_event.step is 16 bits) and of the bitwise
 * codings (step weights up to 2^61 stay exact in int64; an int32 count
 * needs at most 33 steps, the two's complement rule for -2^31). */
#define SPIKE_MAX_STEPS 65535
#define SPIKE_MAX_BITWISE_STEPS 62

/* The reference T rule over n counts (docs/design.md §2). A negative count under
 * binary or unsigned bitwise is AX_ERANGE; binary/ternary give T = 1 (not
 * 0) for all-zero counts; T above SPIKE_MAX_STEPS is AX_ERANGE. */
ax_result spike_steps_rule(spike_coding c, const int32_t *counts, size_t n, int *T, char **err);
/* AX_ERANGE when count c does not fit T steps of coding (naming it). */
ax_result spike_check_fits(spike_coding c, int32_t count, int T, char **err);

/* Spike value in {-1,0,1} at step t (0..T-1) and the step's signed weight.
 * Defined for counts that fit T (spike_check_fits). */
int spike_bit(spike_coding c, int32_t count, int T, int t);
int64_t spike_step_weight(spike_coding c, int T, int t);
/* Number of nonzero spikes in the train of count (Σ_t |spike_bit|). */
int64_t spike_nspikes(spike_coding c, int32_t count, int T);

/* Resolves the steps argument (fixed T > 0, SPIKE_STEPS_AUTO or
 * SPIKE_STEPS_TOKEN) for counts[tokens*d]: T_of[tokens] (caller-allocated)
 * gets each token's T and *Tmax (may be NULL) their maximum. Every count is
 * checked to fit its token's T: AX_ERANGE names the token, the channel and
 * the count; AX_EPARAM for an impossible steps value. */
ax_result spike_steps_resolve(spike_coding c, const int32_t *counts, size_t tokens, size_t d,
                              int steps, int *T_of, int *Tmax, char **err);
/* The same, the rule over all counts (SPIKE_STEPS_AUTO) scanned on up to
 * `threads` threads (<= 0: every CPU): the same T and errors. */
ax_result spike_steps_resolve_par(spike_coding c, const int32_t *counts, size_t tokens, size_t d,
                                  int steps, int threads, int *T_of, int *Tmax, char **err);

/* Spike trains: out[T * tokens * d] int8 in {-1,0,1}, laid out [T][tokens][d]
 * (requires a single T, i.e. steps != SPIKE_STEPS_TOKEN or all equal). */
ax_result spike_trains(spike_coding c, const int32_t *counts, size_t tokens, size_t d, int T,
                       int8_t *out, char **err);
/* Decode trains back to counts (Σ_t bit * weight). */
void spike_decode(spike_coding c, const int8_t *trains, size_t tokens, size_t d, int T,
                  int32_t *counts);
/* Per-token T: out[Tmax * tokens * d] laid out [Tmax][tokens][d]; token n
 * holds its own T_of[n]-step train (weights of T_of[n]) in steps
 * 0 .. T_of[n]-1 and zeros in steps T_of[n] .. Tmax-1 (every token starts
 * at step 0, as its events do). Decode with the same T_of. */
ax_result spike_trains_token(spike_coding c, const int32_t *counts, size_t tokens, size_t d,
                             const int *T_of, int Tmax, int8_t *out, char **err);
void spike_decode_token(spike_coding c, const int8_t *trains, size_t tokens, size_t d,
                        const int *T_of, int Tmax, int32_t *counts);

/* One spike event as the core sees it (docs/design.md §3): processed in the order
 * (token, step, axon). neg = 1 when the contribution is negative
 * (bit * step weight < 0); shift = log2 |step weight| (0 for binary/ternary). */
typedef struct {
    uint32_t token;
    uint16_t step;
    uint8_t neg;
    uint8_t shift;
    uint32_t axon;
} spike_event;

/* Event stream of a whole trace: events of token 0 (steps ascending, axons
 * ascending within a step), then token 1, ... Only nonzero spikes are
 * emitted; work is proportional to nonzero counts × T, not tokens × d × T.
 * steps: fixed T > 0, SPIKE_STEPS_AUTO or SPIKE_STEPS_TOKEN.
 * On success *ev (malloc'd, caller frees), *nev, and tok_start[tokens+1]
 * (caller-allocated: events of token n are ev[tok_start[n] .. tok_start[n+1]))
 * and T_of[tokens] (caller-allocated, may be NULL) are filled. */
ax_result spike_events(spike_coding c, const int32_t *counts, size_t tokens, size_t d, int steps,
                       spike_event **ev, size_t *nev, size_t *tok_start, int *T_of, char **err);
/* The same stream built on up to `threads` threads (<= 0: every CPU), by
 * blocks of tokens: the same bytes for every thread count. */
ax_result spike_events_par(spike_coding c, const int32_t *counts, size_t tokens, size_t d,
                           int steps, int threads, spike_event **ev, size_t *nev, size_t *tok_start,
                           int *T_of, char **err);

#define SPIKE_HIST_BINS 130 /* |count| 0..128, bin 129 = above 128 */

typedef struct {
    size_t tokens, channels;
    int steps;                        /* T (max over tokens when per-token) */
    int steps_min;                    /* min T over tokens (== steps unless per-token) */
    double steps_mean;                /* mean T over tokens */
    uint64_t spikes;                  /* Σ |s_t| */
    uint64_t slots;                   /* Σ over tokens of T_token * channels */
    double firing_rate;               /* spikes / slots */
    double sparsity;                  /* 1 - firing_rate */
    double silent_channel_fraction;   /* (token, channel) pairs with count 0 */
    double dead_channel_fraction;     /* channels with count 0 for every token */
    double spikes_per_firing_channel; /* spikes / nonzero (token, channel) pairs */
    uint64_t firing_pairs;            /* (token, channel) pairs with count != 0 */
    int64_t count_min, count_max;     /* extreme counts */
    uint64_t hist[SPIKE_HIST_BINS];   /* histogram of |count| */
} spike_stats;

ax_result spike_stats_compute(spike_coding c, const int32_t *counts, size_t tokens, size_t d,
                              int steps, spike_stats *st, char **err);
/* The same statistics summed on up to `threads` threads (<= 0: every CPU):
 * blocks of tokens add integer partials (exact, so the same for every
 * thread count). */
ax_result spike_stats_par(spike_coding c, const int32_t *counts, size_t tokens, size_t d, int steps,
                          int threads, spike_stats *st, char **err);

#endif
