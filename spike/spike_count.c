/*
 * Adaptive-threshold spike counts (docs/design.md §2, SpikingBrain's W8ASpike
 * activation coding): for each token row x of length D,
 *   vth = clamp(mean(|x|) / k, 1e-5, 1e4)      in float32,
 *   s   = rintf(x / vth)                        (half to even),
 * then s is clamped to [cmin, cmax] (INT8 default [-127, 127]) unless
 * clamping is off (--no-clamp, SpikingBrain-1.0 behaviour, |s| <= k·D while
 * vth is not at a bound).
 *
 * Bit-exactness: every step is float32 arithmetic in a fixed order (the sum
 * of |x| runs in index order, then one division by (float)D, one by k), so
 * the C model, the GPU reference and a numpy oracle that does the same in
 * float32 agree bit for bit. rintf under the default rounding mode rounds
 * half to even; roundf (half away from zero) would break ties differently.
 */
#include "spike.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SPIKE_VTH_MIN 1e-5f
#define SPIKE_VTH_MAX 1e4f

void spike_params_default(spike_params *p)
{
    p->k = 3.0f;
    p->clamp = 1;
    p->cmin = -127;
    p->cmax = 127;
}

float spike_vth(const float *x, size_t d, float k)
{
    float sum = 0.0f;
    for (size_t i = 0; i < d; i++)
        sum += fabsf(x[i]);
    float mean = d ? sum / (float)d : 0.0f;
    float v = mean / k;
    /* A NaN mean (not reachable through spike_counts) falls to the floor. */
    if (!(v >= SPIKE_VTH_MIN))
        v = SPIKE_VTH_MIN;
    if (v > SPIKE_VTH_MAX)
        v = SPIKE_VTH_MAX;
    return v;
}

static ax_result check_params(const spike_params *p, char **err)
{
    if (!(p->k > 0.0f) || !isfinite(p->k))
        return ax_fail(err, AX_EPARAM,
                       "k = %g: the threshold divisor must be a positive number "
                       "(hint: the default is 3)",
                       (double)p->k);
    if (p->clamp && p->cmin > p->cmax)
        return ax_fail(err, AX_EPARAM,
                       "count clamp [%d, %d] is empty (hint: give LO <= HI, "
                       "e.g. -127,127)",
                       (int)p->cmin, (int)p->cmax);
    return AX_OK;
}

ax_result spike_counts(const float *x, size_t tokens, size_t d, const spike_params *p,
                       int32_t *counts, float *vth, char **err)
{
    return spike_counts_at(x, 0, tokens, d, p, counts, vth, err);
}

ax_result spike_counts_at(const float *x, size_t t0, size_t tokens, size_t d, const spike_params *p,
                          int32_t *counts, float *vth, char **err)
{
    spike_params def;
    if (!p) {
        spike_params_default(&def);
        p = &def;
    }
    ax_result r = check_params(p, err);
    if (r)
        return r;
    if (tokens == 0 || d == 0)
        return ax_fail(err, AX_ESHAPE,
                       "activations [%zu tokens, %zu channels] are empty "
                       "(hint: check the input tensor)",
                       tokens, d);
    size_t n;
    if (ax_mul_size(tokens, d, &n))
        return ax_fail(err, AX_ESHAPE, "activations [%zu, %zu] overflow size_t", tokens, d);
    for (size_t t = 0; t < tokens; t++) {
        const float *row = x + t * d;
        for (size_t i = 0; i < d; i++)
            if (!isfinite(row[i]))
                return ax_fail(err, AX_ERANGE,
                               "activation of token %zu, channel %zu is %s (hint: the trace is "
                               "damaged or the model overflowed; re-record it)",
                               t0 + t, i, isnan(row[i]) ? "NaN" : (row[i] > 0 ? "+Inf" : "-Inf"));
        float v = spike_vth(row, d, p->k);
        if (vth)
            vth[t] = v;
        int32_t *out = counts + t * d;
        for (size_t i = 0; i < d; i++) {
            float s = rintf(row[i] / v);
            if (p->clamp) {
                /* compared in double: exact for every float and int32 */
                if ((double)s < (double)p->cmin)
                    out[i] = p->cmin;
                else if ((double)s > (double)p->cmax)
                    out[i] = p->cmax;
                else
                    out[i] = (int32_t)s;
            } else if (!(s >= -2147483648.0f && s < 2147483648.0f)) {
                return ax_fail(err, AX_ERANGE,
                               "count of token %zu, channel %zu is %g, beyond int32 (vth %g) "
                               "(hint: drop --no-clamp or raise k)",
                               t0 + t, i, (double)s, (double)v);
            } else {
                out[i] = (int32_t)s;
            }
        }
    }
    return AX_OK;
}
