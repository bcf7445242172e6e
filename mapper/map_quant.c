/*
 * Symmetric INT8 weight quantization (docs/design.md §2; SpikingBrain's W8 uses
 * per-group scales with G = 128). Half-to-even rounding via rintf under
 * the default rounding mode, never roundf. A row is quantized group by
 * group with AVX-512 or AVX2 where the CPU has them (ax_simd_best): the
 * group's |max| (max is exact in any order), then q = round-half-even(w /
 * scale) clamped, the same division and rounding as the scalar loop, so
 * every path gives the same int8 weights and scales.
 */
#include "map_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define Q_X86 1
#endif

void map_qweight_free(map_qweight *qw)
{
    if (!qw)
        return;
    free(qw->q);
    free(qw->scale);
    memset(qw, 0, sizeof *qw);
}

ax_result map_qweight_alloc(map_qweight *qw, size_t out, size_t in, size_t group, char **err)
{
    memset(qw, 0, sizeof *qw);
    if (out == 0 || in == 0)
        return ax_fail(err, AX_ESHAPE, "weight shape [%zu, %zu] is empty (hint: check the tensor)",
                       out, in);
    if (group == 0 || group > in)
        group = in;
    qw->out = out;
    qw->in = in;
    qw->group = group;
    qw->ngroups = (in + group - 1) / group;
    size_t n, ns;
    if (ax_mul_size(out, in, &n) || ax_mul_size(out, qw->ngroups, &ns))
        return ax_fail(err, AX_ESHAPE, "weight shape [%zu, %zu] overflows size_t", out, in);
    qw->q = malloc(n);
    qw->scale = malloc(ns * sizeof(float));
    if (!qw->q || !qw->scale) {
        map_qweight_free(qw);
        return ax_fail(err, AX_ENOMEM, "out of memory for a [%zu, %zu] int8 weight", out, in);
    }
    return AX_OK;
}

/* Index of the first non-finite value in [lo, hi), or hi. */
static size_t first_bad(const float *row, size_t lo, size_t hi)
{
    for (size_t i = lo; i < hi; i++)
        if (!isfinite(row[i]))
            return i;
    return hi;
}

/* |max| of [lo, hi) folded into a (the max of a vector part already done),
 * and whether every value there is finite: the portable path and the tail
 * of the SIMD ones. */
static int amax_scalar(const float *row, size_t lo, size_t hi, float a, float *amax)
{
    for (size_t i = lo; i < hi; i++) {
        if (!isfinite(row[i]))
            return 0;
        float v = fabsf(row[i]);
        if (v > a)
            a = v;
    }
    *amax = a;
    return 1;
}

static void quant_scalar(const float *row, size_t lo, size_t hi, float scale, int8_t *q)
{
    for (size_t i = lo; i < hi; i++) {
        float v = scale > 0.0f ? rintf(row[i] / scale) : 0.0f;
        if (v > 127.0f)
            v = 127.0f;
        if (v < -127.0f)
            v = -127.0f;
        q[i] = (int8_t)v;
    }
}

#ifdef Q_X86
/* |max| of [lo, hi), and whether every value there is finite. */
__attribute__((target("avx512f"))) static int amax_avx512(const float *row, size_t lo, size_t hi,
                                                          float *amax)
{
    __m512 m = _mm512_setzero_ps();
    const __m512i absm = _mm512_set1_epi32(0x7fffffff), inf = _mm512_set1_epi32(0x7f800000);
    __mmask16 bad = 0;
    size_t i = lo;
    for (; i + 16 <= hi; i += 16) {
        __m512i x = _mm512_and_si512(_mm512_loadu_si512((const void *)(row + i)), absm);
        bad |= _mm512_cmpge_epu32_mask(x, inf);
        m = _mm512_max_ps(m, _mm512_castsi512_ps(x));
    }
    return amax_scalar(row, i, hi, _mm512_reduce_max_ps(m), amax) && bad == 0;
}

__attribute__((target("avx512f"))) static void quant_avx512(const float *row, size_t lo, size_t hi,
                                                            float scale, int8_t *q)
{
    size_t i = lo;
    if (scale > 0.0f) {
        const __m512 s = _mm512_set1_ps(scale), hi127 = _mm512_set1_ps(127.0f),
                     lo127 = _mm512_set1_ps(-127.0f);
        for (; i + 16 <= hi; i += 16) {
            __m512 v = _mm512_div_ps(_mm512_loadu_ps(row + i), s);
            v = _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            v = _mm512_max_ps(_mm512_min_ps(v, hi127), lo127);
            _mm_storeu_si128((__m128i *)(q + i), _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(v)));
        }
    }
    quant_scalar(row, i, hi, scale, q);
}

__attribute__((target("avx2"))) static int amax_avx2(const float *row, size_t lo, size_t hi,
                                                     float *amax)
{
    __m256 m = _mm256_setzero_ps();
    const __m256i absm = _mm256_set1_epi32(0x7fffffff), inf = _mm256_set1_epi32(0x7f800000);
    __m256i bad = _mm256_setzero_si256();
    size_t i = lo;
    for (; i + 8 <= hi; i += 8) {
        __m256i x = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(row + i)), absm);
        bad = _mm256_or_si256(bad,
                              _mm256_cmpgt_epi32(x, _mm256_sub_epi32(inf, _mm256_set1_epi32(1))));
        m = _mm256_max_ps(m, _mm256_castsi256_ps(x));
    }
    float v8[8], a = 0.0f;
    _mm256_storeu_ps(v8, m);
    for (int k = 0; k < 8; k++)
        a = v8[k] > a ? v8[k] : a;
    if (!_mm256_testz_si256(bad, bad))
        return 0;
    return amax_scalar(row, i, hi, a, amax);
}

__attribute__((target("avx2"))) static void quant_avx2(const float *row, size_t lo, size_t hi,
                                                       float scale, int8_t *q)
{
    size_t i = lo;
    if (scale > 0.0f) {
        const __m256 s = _mm256_set1_ps(scale), hi127 = _mm256_set1_ps(127.0f),
                     lo127 = _mm256_set1_ps(-127.0f);
        for (; i + 8 <= hi; i += 8) {
            __m256 v = _mm256_div_ps(_mm256_loadu_ps(row + i), s);
            v = _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            v = _mm256_max_ps(_mm256_min_ps(v, hi127), lo127);
            __m256i x = _mm256_cvttps_epi32(v);
            __m128i p16 = _mm_packs_epi32(_mm256_castsi256_si128(x),
                                          _mm256_extracti128_si256(x, 1));
            _mm_storel_epi64((__m128i *)(q + i), _mm_packs_epi16(p16, p16));
        }
    }
    quant_scalar(row, i, hi, scale, q);
}
#endif

ax_result map_quantize_row(const float *row, size_t in, size_t group, size_t ngroups, int8_t *q,
                           float *scales, char **err)
{
    return map_quantize_row_simd(row, in, group, ngroups, q, scales, ax_simd_best(), err);
}

ax_result map_quantize_row_simd(const float *row, size_t in, size_t group, size_t ngroups,
                                int8_t *q, float *scales, ax_simd simd, char **err)
{
    for (size_t g = 0; g < ngroups; g++) {
        size_t lo = g * group, hi = lo + group < in ? lo + group : in;
        float amax = 0.0f;
        int ok;
#ifdef Q_X86
        if (simd == AX_SIMD_AVX512)
            ok = amax_avx512(row, lo, hi, &amax);
        else if (simd == AX_SIMD_AVX2)
            ok = amax_avx2(row, lo, hi, &amax);
        else
#endif
        {
            (void)simd;
            ok = amax_scalar(row, lo, hi, 0.0f, &amax);
        }
        if (!ok) {
            size_t i = first_bad(row, lo, hi);
            return ax_fail(err, AX_ERANGE, "column %zu is %s (hint: the checkpoint is damaged)", i,
                           isnan(row[i]) ? "NaN" : (row[i] > 0 ? "+Inf" : "-Inf"));
        }
        float scale = amax / 127.0f;
        scales[g] = scale;
#ifdef Q_X86
        if (simd == AX_SIMD_AVX512)
            quant_avx512(row, lo, hi, scale, q);
        else if (simd == AX_SIMD_AVX2)
            quant_avx2(row, lo, hi, scale, q);
        else
#endif
            quant_scalar(row, lo, hi, scale, q);
    }
    return AX_OK;
}

ax_result map_quantize(const float *w, size_t out, size_t in, size_t group, map_qweight *qw,
                       char **err)
{
    ax_result r = map_qweight_alloc(qw, out, in, group, err);
    if (r)
        return r;
    for (size_t j = 0; j < out; j++) {
        r = map_quantize_row(w + j * in, in, qw->group, qw->ngroups, qw->q + j * in,
                             qw->scale + j * qw->ngroups, NULL);
        if (r) {
            /* "weight[j][i] is NaN": the row's first non-finite element, the
             * one the row's own error names (groups are checked in order) */
            size_t i = first_bad(w + j * in, 0, in);
            map_qweight_free(qw);
            return ax_fail(err, r, "weight[%zu][%zu] is %s (hint: the checkpoint is damaged)", j, i,
                           isnan(w[j * in + i]) ? "NaN" : (w[j * in + i] > 0 ? "+Inf" : "-Inf"));
        }
    }
    return AX_OK;
}

double map_quant_error(const float *w, const map_qweight *qw)
{
    double num = 0.0, den = 0.0;
    for (size_t j = 0; j < qw->out; j++)
        for (size_t i = 0; i < qw->in; i++) {
            double s = qw->scale[j * qw->ngroups + i / qw->group];
            double d = (double)w[j * qw->in + i] - s * qw->q[j * qw->in + i];
            num += d * d;
            den += (double)w[j * qw->in + i] * w[j * qw->in + i];
        }
    return den > 0.0 ? sqrt(num / den) : 0.0;
}
