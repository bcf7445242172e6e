/*
 * Dense spike trains: counts [tokens][d] -> int8 trains [T][tokens][d] in
 * {-1, 0, +1} (the layout a raster plot or a GPU spiking kernel reads: one
 * time step is one contiguous [tokens][d] slab), and back. Decoding
 * multiplies by the step weights of spike_code.c (Σ_t s_t · w_t, exact in
 * int64), so decode(trains(c)) == c is the round-trip property the tests
 * check for every coding.
 *
 * Every count is checked to fit T before anything is written: a count that
 * does not fit is an error, never a truncated train.
 */
#include "spike.h"

#include <string.h>

/* Writes the T-step train of one count at out[t * stride], t < T. */
static void put_train(spike_coding c, int32_t count, int T, int8_t *out, size_t stride)
{
    for (int t = 0; t < T; t++)
        out[(size_t)t * stride] = (int8_t)spike_bit(c, count, T, t);
}

static ax_result check_shape(size_t tokens, size_t d, int T, size_t *slab, char **err)
{
    size_t all;
    if (tokens == 0 || d == 0)
        return ax_fail(err, AX_ESHAPE, "counts [%zu tokens, %zu channels] are empty", tokens, d);
    if (ax_mul_size(tokens, d, slab) || ax_mul_size(*slab, (size_t)(T > 0 ? T : 0), &all))
        return ax_fail(err, AX_ESHAPE, "trains [%d, %zu, %zu] overflow size_t", T, tokens, d);
    return AX_OK;
}

ax_result spike_trains(spike_coding c, const int32_t *counts, size_t tokens, size_t d, int T,
                       int8_t *out, char **err)
{
    if (T < 1)
        return ax_fail(err, AX_EPARAM,
                       "spike_trains needs a resolved T >= 1, got %d (hint: spike_steps_resolve)",
                       T);
    size_t slab;
    ax_result r = check_shape(tokens, d, T, &slab, err);
    if (r)
        return r;
    for (size_t n = 0; n < tokens; n++)
        for (size_t i = 0; i < d; i++) {
            r = spike_check_fits(c, counts[n * d + i], T, err);
            if (r) {
                ax_err_prefix(err, "token %zu, channel %zu", n, i);
                return r;
            }
        }
    for (size_t k = 0; k < slab; k++)
        put_train(c, counts[k], T, out + k, slab);
    return AX_OK;
}

void spike_decode(spike_coding c, const int8_t *trains, size_t tokens, size_t d, int T,
                  int32_t *counts)
{
    size_t slab = tokens * d;
    for (size_t k = 0; k < slab; k++) {
        int64_t v = 0;
        for (int t = 0; t < T; t++)
            v += trains[(size_t)t * slab + k] * spike_step_weight(c, T, t);
        counts[k] = (int32_t)v;
    }
}

ax_result spike_trains_token(spike_coding c, const int32_t *counts, size_t tokens, size_t d,
                             const int *T_of, int Tmax, int8_t *out, char **err)
{
    size_t slab;
    ax_result r = check_shape(tokens, d, Tmax, &slab, err);
    if (r)
        return r;
    for (size_t n = 0; n < tokens; n++) {
        if (T_of[n] < 1 || T_of[n] > Tmax)
            return ax_fail(err, AX_EPARAM, "token %zu: T = %d is outside [1, Tmax = %d]", n,
                           T_of[n], Tmax);
        for (size_t i = 0; i < d; i++) {
            r = spike_check_fits(c, counts[n * d + i], T_of[n], err);
            if (r) {
                ax_err_prefix(err, "token %zu, channel %zu", n, i);
                return r;
            }
        }
    }
    for (size_t n = 0; n < tokens; n++)
        for (size_t i = 0; i < d; i++) {
            size_t k = n * d + i;
            put_train(c, counts[k], T_of[n], out + k, slab);
            for (int t = T_of[n]; t < Tmax; t++)
                out[(size_t)t * slab + k] = 0;
        }
    return AX_OK;
}

void spike_decode_token(spike_coding c, const int8_t *trains, size_t tokens, size_t d,
                        const int *T_of, int Tmax, int32_t *counts)
{
    size_t slab = tokens * d;
    for (size_t n = 0; n < tokens; n++) {
        int T = T_of[n] < Tmax ? T_of[n] : Tmax;
        for (size_t i = 0; i < d; i++) {
            size_t k = n * d + i;
            int64_t v = 0;
            for (int t = 0; t < T; t++)
                v += trains[(size_t)t * slab + k] * spike_step_weight(c, T_of[n], t);
            counts[k] = (int32_t)v;
        }
    }
}
