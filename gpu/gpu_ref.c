/*
 * CPU reference of the layer's integer path (docs/design.md §2 "Result"): int8
 * weights times integer spike counts, exact per-group int32 accumulation,
 * then dequantization. This is the twin of the CUDA kernels in gpu_cuda.cu
 * and the oracle the simulator and the RTL are checked against.
 *
 * Two accumulation paths, chosen once per call, with identical results:
 *  - int32 path, taken when B = max|s| * 128 * G <= INT32_MAX (G = the
 *    group length, 128 bounds |q| even for a stray -128). Every partial sum
 *    of a group is a sum of at most G terms each of magnitude <= max|s|*128,
 *    so no partial sum can leave int32: integer addition is then exact and
 *    order-independent, and the result equals the int64 sum. With clamped
 *    INT8 counts (|s| <= 127) this holds for any G <= 132104.
 *  - int64 path otherwise (unclamped counts, very long groups): sums in
 *    int64 (exact while in * 2^31 * 128 < 2^63, i.e. in < 2^24, checked) and
 *    every result outside int32 is AX_EOVERFLOW naming the first
 *    (token, output, group) in that order, never wrapped.
 * Loop order: a block of up to 4 tokens shares each weight row, so the
 * weight matrix is streamed once per 4 tokens instead of once per token.
 */
#include "gpu.h"

#include <stdlib.h>

#define TB 4 /* tokens per block sharing one weight-row pass */

static int64_t counts_absmax(const int32_t *s, size_t n)
{
    int64_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t v = s[i] < 0 ? -(int64_t)s[i] : s[i];
        if (v > m)
            m = v;
    }
    return m;
}

/* int32 path: caller proved max|s| * 128 * G <= INT32_MAX. */
static void acc_i32(const int32_t *counts, size_t tokens, const map_qweight *qw, int32_t *acc)
{
    const size_t in = qw->in, out = qw->out, ng = qw->ngroups, G = qw->group;
    for (size_t t0 = 0; t0 < tokens; t0 += TB) {
        size_t nt = tokens - t0 < TB ? tokens - t0 : TB;
        const int32_t *s0 = counts + t0 * in;
        for (size_t j = 0; j < out; j++) {
            const int8_t *q = qw->q + j * in;
            for (size_t g = 0; g < ng; g++) {
                size_t lo = g * G, hi = lo + G < in ? lo + G : in;
                if (nt == TB) {
                    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                    const int32_t *r0 = s0, *r1 = s0 + in, *r2 = s0 + 2 * in, *r3 = s0 + 3 * in;
                    for (size_t i = lo; i < hi; i++) {
                        int32_t w = q[i];
                        a0 += r0[i] * w;
                        a1 += r1[i] * w;
                        a2 += r2[i] * w;
                        a3 += r3[i] * w;
                    }
                    acc[((t0 + 0) * out + j) * ng + g] = a0;
                    acc[((t0 + 1) * out + j) * ng + g] = a1;
                    acc[((t0 + 2) * out + j) * ng + g] = a2;
                    acc[((t0 + 3) * out + j) * ng + g] = a3;
                } else {
                    for (size_t u = 0; u < nt; u++) {
                        const int32_t *r = s0 + u * in;
                        int32_t a = 0;
                        for (size_t i = lo; i < hi; i++)
                            a += r[i] * (int32_t)q[i];
                        acc[((t0 + u) * out + j) * ng + g] = a;
                    }
                }
            }
        }
    }
}

/* int64 path with the overflow check, in (token, output, group) order. */
static ax_result acc_i64(const int32_t *counts, size_t tokens, const map_qweight *qw, int32_t *acc,
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
                                   "does not fit int32 (hint: clamp counts, or use a smaller "
                                   "--group)",
                                   t, j, g, (long long)a);
                acc[(t * out + j) * ng + g] = (int32_t)a;
            }
        }
    }
    return AX_OK;
}

ax_result gpu_ref_cpu(const int32_t *counts, size_t tokens, const map_qweight *qw, int32_t *acc,
                      char **err)
{
    if (qw->group == 0 || qw->ngroups == 0 || qw->ngroups != (qw->in + qw->group - 1) / qw->group)
        return ax_fail(err, AX_EPARAM, "quantized weight has group %zu and %zu groups for in=%zu",
                       qw->group, qw->ngroups, qw->in);
    if (qw->in >= ((size_t)1 << 24))
        return ax_fail(err, AX_EUNSUPPORTED,
                       "in_features %zu is too large for exact int64 accumulation (limit 2^24)",
                       qw->in);
    size_t n;
    if (ax_mul_size(tokens, qw->in, &n))
        return ax_fail(err, AX_EPARAM, "tokens %zu x in %zu overflows size_t", tokens, qw->in);
    int64_t m = counts_absmax(counts, n);
    size_t G = qw->group < qw->in ? qw->group : qw->in;
    /* m <= 2^31 and G < 2^24, so m * 128 * G < 2^62: no int64 overflow here. */
    if (m * 128 * (int64_t)G <= INT32_MAX) {
        acc_i32(counts, tokens, qw, acc);
        return AX_OK;
    }
    return acc_i64(counts, tokens, qw, acc, err);
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
