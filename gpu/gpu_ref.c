/*
 * CPU reference of the layer's integer path: int8 weights times integer
 * spike counts, exact per-group int32 accumulation (checked in int64), then
 * dequantization. Loop order streams one weight row per (token, output)
 * against the token's count row; the CUDA kernel mirrors the same sums.
 */
#include "gpu.h"

#include <stdlib.h>

ax_result gpu_ref_cpu(const int32_t *counts, size_t tokens, const map_qweight *qw, int32_t *acc,
                      char **err)
{
    const size_t in = qw->in, out = qw->out, ng = qw->ngroups, G = qw->group;
    for (size_t t = 0; t < tokens; t++) {
        const int32_t *s = counts + t * in;
        for (size_t j = 0; j < out; j++) {
            const int8_t *q = qw->q + j * in;
            for (size_t g = 0; g < ng; g++) {
                size_t lo = g * G, hi = lo + G < in ? lo + G : in;
                int64_t a = 0;
                for (size_t i = lo; i < hi; i++)
                    a += (int64_t)s[i] * q[i];
                if (a > INT32_MAX || a < INT32_MIN)
                    return ax_fail(err, AX_EOVERFLOW,
                                   "accumulator overflow at token %zu, output %zu, group %zu: %lld "
                                   "does not fit int32 (hint: clamp counts, or use a smaller --group)",
                                   t, j, g, (long long)a);
                acc[(t * out + j) * ng + g] = (int32_t)a;
            }
        }
    }
    return AX_OK;
}

void gpu_dequant(const int32_t *acc, const float *vth, size_t tokens, const map_qweight *qw,
                 float *y)
{
    const size_t out = qw->out, ng = qw->ngroups;
    for (size_t t = 0; t < tokens; t++)
        for (size_t j = 0; j < out; j++) {
            double sum = 0.0;
            for (size_t g = 0; g < ng; g++)
                sum += (double)qw->scale[j * ng + g] * acc[(t * out + j) * ng + g];
            y[t * out + j] = (float)((double)vth[t] * sum);
        }
}
