/*
 * CPU reference of the layer's integer path (docs/design.md §2 "Result"): int8
 * weights times integer spike counts, exact per-group int32 accumulation,
 * then dequantization. This is the twin of the CUDA kernels in gpu_cuda.cu
 * and the oracle the simulator and the RTL are checked against. It is a
 * dense loop over every (token, output, input) and shares no code with the
 * event path of sim/.
 *
 * Three accumulation paths, chosen once per call, with identical results:
 *  - i16 path, taken when max|s| <= 32767 and B = max|s| * 128 * G <=
 *    INT32_MAX (G = the group length; 128 bounds |q| even for a stray
 *    -128). Counts are packed to int16 once; a SIMD step multiplies int16
 *    counts by sign-extended int8 weights and adds adjacent pairs into int32
 *    lanes (vpmaddwd: a pair is at most 2 * 32767 * 128, never near int32),
 *    lanes accumulate in int32 and are summed at the end of each group.
 *    Every partial sum is a sum of at most G products of magnitude <=
 *    max|s| * 128, so none leaves int32 and integer addition is exact and
 *    order-independent: the result equals the int64 sum, in any order. AVX2
 *    and AVX-512 kernels, picked at run time (ax_simd_best); the portable
 *    kernel is the plain int32 loop. With clamped INT8 counts (|s| <= 127)
 *    this path holds for any G <= 132104.
 *  - i32 path: the same bound holds but some |s| > 32767 (unclamped
 *    counts): the plain int32 loop.
 *  - i64 path otherwise (very large counts or very long groups): sums in
 *    int64 (exact while in * 2^31 * 128 < 2^63, i.e. in < 2^24, checked) and
 *    every result outside int32 is AX_EOVERFLOW naming the first
 *    (token, output, group) in C order, never wrapped.
 * Cache blocking: threads take blocks of output rows small enough to stay
 * in L2 while every token passes over them; inside, 4 tokens x 4 rows share
 * each load of counts and weights. Every (token, output, group) sum is
 * computed by one thread from its own inputs, so acc is the same for every
 * thread count and every SIMD path (tests/test_gpu_ref.c checks all).
 */
#include "gpu.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define GPU_X86 1
#endif

#define TB 4 /* tokens sharing one pass over a block of weight rows */
#define JB 4 /* weight rows sharing one load of a token's counts */

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

typedef struct {
    const int32_t *counts; /* [tokens][in] */
    const int16_t *s16;    /* [tokens][in], i16 path only */
    size_t tokens;
    const map_qweight *qw;
    int32_t *acc;
    ax_simd simd;
    int vnni;          /* AVX-512 VNNI: vpdpwssd = vpmaddwd + vpaddd in one */
    const uint8_t *u8; /* [tokens][in] counts + 128, i8 path only */
    /* i64 path: first overflowing flat index (t * out + j) * ng + g, or SIZE_MAX */
    size_t first_bad;
    int64_t bad_value;
    _Atomic int lock; /* guards first_bad */
} ref_ctx;

/* ---- portable int32 loop (also the i32 path) ---------------------------- */

static void rows_i32(const ref_ctx *c, size_t j0, size_t j1)
{
    const map_qweight *qw = c->qw;
    const size_t in = qw->in, out = qw->out, ng = qw->ngroups, G = qw->group;
    for (size_t t0 = 0; t0 < c->tokens; t0 += TB) {
        size_t nt = c->tokens - t0 < TB ? c->tokens - t0 : TB;
        const int32_t *s0 = c->counts + t0 * in;
        for (size_t j = j0; j < j1; j++) {
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
                    c->acc[((t0 + 0) * out + j) * ng + g] = a0;
                    c->acc[((t0 + 1) * out + j) * ng + g] = a1;
                    c->acc[((t0 + 2) * out + j) * ng + g] = a2;
                    c->acc[((t0 + 3) * out + j) * ng + g] = a3;
                } else {
                    for (size_t u = 0; u < nt; u++) {
                        const int32_t *r = s0 + u * in;
                        int32_t a = 0;
                        for (size_t i = lo; i < hi; i++)
                            a += r[i] * (int32_t)q[i];
                        c->acc[((t0 + u) * out + j) * ng + g] = a;
                    }
                }
            }
        }
    }
}

/* ---- SIMD kernels of the i16 path --------------------------------------- */

#ifdef GPU_X86
/* One (token block, row block, group) of up to TB x JB sums over [lo, hi):
 * NT and NJ are constants after inlining, so acc stays in registers. */
#define AVX512_T __attribute__((target("avx512f,avx512bw,avx512vl")))
#define AVX2_T __attribute__((target("avx2")))

#define DEF_K512(NAME, ATTR, STEP)                                                                 \
    static inline __attribute__((always_inline)) ATTR void NAME(const int16_t *const s[TB],        \
                                                                const int8_t *const w[JB],         \
                                                                size_t lo, size_t hi,              \
                                                                const int NT, const int NJ,        \
                                                                int32_t r[TB][JB])                 \
    {                                                                                              \
        __m512i a[TB][JB], sv[TB], wv[JB];                                                         \
        _Pragma("GCC unroll 16") for (int t = 0; t < NT; t++)                                      \
            _Pragma("GCC unroll 16") for (int j = 0; j < NJ; j++)                                  \
                a[t][j] = _mm512_setzero_si512();                                                  \
        size_t i = lo;                                                                             \
        for (; i + 32 <= hi; i += 32) {                                                            \
            _Pragma("GCC unroll 16") for (int j = 0; j < NJ; j++)                                  \
                wv[j] = _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(w[j] + i)));     \
            _Pragma("GCC unroll 16") for (int t = 0; t < NT; t++)                                  \
                sv[t] = _mm512_loadu_si512((const void *)(s[t] + i));                              \
            _Pragma("GCC unroll 16") for (int t = 0; t < NT; t++)                                  \
                _Pragma("GCC unroll 16") for (int j = 0; j < NJ; j++)                              \
                    a[t][j] = STEP(a[t][j], sv[t], wv[j]);                                         \
        }                                                                                          \
        if (i < hi) { /* masked tail: masked-off lanes are neither read nor added */               \
            __mmask32 m = (__mmask32)((1ull << (hi - i)) - 1);                                     \
            _Pragma("GCC unroll 16") for (int j = 0; j < NJ; j++)                                  \
                wv[j] = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, w[j] + i));                \
            _Pragma("GCC unroll 16") for (int t = 0; t < NT; t++)                                  \
                sv[t] = _mm512_maskz_loadu_epi16(m, s[t] + i);                                     \
            _Pragma("GCC unroll 16") for (int t = 0; t < NT; t++)                                  \
                _Pragma("GCC unroll 16") for (int j = 0; j < NJ; j++)                              \
                    a[t][j] = STEP(a[t][j], sv[t], wv[j]);                                         \
        }                                                                                          \
        if (NT == TB && NJ == JB) { /* 16 sums at once: transpose-and-add */                       \
            __m512i x[8], y[4], u[2];                                                              \
            _Pragma("GCC unroll 16") for (int k = 0; k < 8; k++)                                   \
            {                                                                                      \
                __m512i p = a[(2 * k) / JB][(2 * k) % JB],                                         \
                        q = a[(2 * k + 1) / JB][(2 * k + 1) % JB];                                 \
                x[k] = _mm512_add_epi32(_mm512_unpacklo_epi32(p, q), _mm512_unpackhi_epi32(p, q)); \
            }                                                                                      \
            _Pragma("GCC unroll 16") for (int k = 0; k < 4; k++)                                   \
                y[k] = _mm512_add_epi32(_mm512_unpacklo_epi64(x[2 * k], x[2 * k + 1]),             \
                                        _mm512_unpackhi_epi64(x[2 * k], x[2 * k + 1]));            \
            _Pragma("GCC unroll 16") for (int k = 0; k < 2; k++)                                   \
                u[k] = _mm512_add_epi32(_mm512_shuffle_i32x4(y[2 * k], y[2 * k + 1], 0x88),        \
                                        _mm512_shuffle_i32x4(y[2 * k], y[2 * k + 1], 0xdd));       \
            _mm512_storeu_si512((void *)&r[0][0],                                                  \
                                _mm512_add_epi32(_mm512_shuffle_i32x4(u[0], u[1], 0x88),           \
                                                 _mm512_shuffle_i32x4(u[0], u[1], 0xdd)));         \
            return;                                                                                \
        }                                                                                          \
        _Pragma("GCC unroll 16") for (int t = 0; t < NT; t++)                                      \
            _Pragma("GCC unroll 16") for (int j = 0; j < NJ; j++)                                  \
                r[t][j] = _mm512_reduce_add_epi32(a[t][j]);                                        \
    }

#define MADD512(a, s, w) _mm512_add_epi32((a), _mm512_madd_epi16((s), (w)))
#define VNNI512(a, s, w) _mm512_dpwssd_epi32((a), (s), (w))
#define AVX512V_T __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
DEF_K512(k512, AVX512_T, MADD512)
DEF_K512(k512v, AVX512V_T, VNNI512)

static inline __attribute__((always_inline)) AVX2_T int32_t hsum256(__m256i v)
{
    __m128i x = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0x4e));
    x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0xb1));
    return _mm_cvtsi128_si32(x);
}

static inline __attribute__((always_inline)) AVX2_T void k256(const int16_t *const s[TB],
                                                              const int8_t *const w[JB], size_t lo,
                                                              size_t hi, const int NT, const int NJ,
                                                              int32_t r[TB][JB])
{
    __m256i a[TB][JB], sv[TB], wv[JB];
#pragma GCC unroll 16
    for (int t = 0; t < NT; t++)
#pragma GCC unroll 16
        for (int j = 0; j < NJ; j++)
            a[t][j] = _mm256_setzero_si256();
    size_t i = lo;
    for (; i + 16 <= hi; i += 16) {
#pragma GCC unroll 16
        for (int j = 0; j < NJ; j++)
            wv[j] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w[j] + i)));
#pragma GCC unroll 16
        for (int t = 0; t < NT; t++)
            sv[t] = _mm256_loadu_si256((const __m256i *)(s[t] + i));
#pragma GCC unroll 16
        for (int t = 0; t < NT; t++)
#pragma GCC unroll 16
            for (int j = 0; j < NJ; j++)
                a[t][j] = _mm256_add_epi32(a[t][j], _mm256_madd_epi16(sv[t], wv[j]));
    }
    if (NT == TB && NJ == 2) { /* 8 sums at once: transpose-and-add */
        __m256i x[4], y[2];
#pragma GCC unroll 16
        for (int k = 0; k < 4; k++)
            x[k] = _mm256_add_epi32(_mm256_unpacklo_epi32(a[k][0], a[k][1]),
                                    _mm256_unpackhi_epi32(a[k][0], a[k][1]));
#pragma GCC unroll 16
        for (int k = 0; k < 2; k++)
            y[k] = _mm256_add_epi32(_mm256_unpacklo_epi64(x[2 * k], x[2 * k + 1]),
                                    _mm256_unpackhi_epi64(x[2 * k], x[2 * k + 1]));
        /* lane 128-bit halves: y0 = sums of a[0..1][*] per half, y1 of a[2..3][*] */
        __m256i z = _mm256_add_epi32(_mm256_permute2x128_si256(y[0], y[1], 0x20),
                                     _mm256_permute2x128_si256(y[0], y[1], 0x31));
        int32_t v[8];
        _mm256_storeu_si256((__m256i *)v, z);
#pragma GCC unroll 16
        for (int t = 0; t < TB; t++)
#pragma GCC unroll 16
            for (int j = 0; j < 2; j++) {
                int32_t e = v[2 * t + j];
                for (size_t k = i; k < hi; k++) /* scalar tail: never reads past hi */
                    e += (int32_t)s[t][k] * (int32_t)w[j][k];
                r[t][j] = e;
            }
        return;
    }
#pragma GCC unroll 16
    for (int t = 0; t < NT; t++)
#pragma GCC unroll 16
        for (int j = 0; j < NJ; j++) {
            int32_t v = hsum256(a[t][j]);
            for (size_t k = i; k < hi; k++) /* scalar tail: never reads past hi */
                v += (int32_t)s[t][k] * (int32_t)w[j][k];
            r[t][j] = v;
        }
}

/* Stores r[0..nt)[0..nj) as acc of tokens t0.., rows j.., group g. */
static inline __attribute__((always_inline)) void put(int32_t *acc, size_t out, size_t ng,
                                                      size_t t0, size_t nt, size_t j, size_t nj,
                                                      size_t g, int32_t r[TB][JB])
{
    for (size_t t = 0; t < nt; t++)
        for (size_t u = 0; u < nj; u++)
            acc[((t0 + t) * out + j + u) * ng + g] = r[t][u];
}

/* The row range [j0, j1) for every token, one ISA (KERNEL) per function:
 * blocks of TB tokens x JB rows, then the leftover rows one by one, then
 * the leftover tokens one by one (with JB rows at a time). */
#define ROWS_SIMD(NAME, ATTR, KERNEL, JBX)                                                         \
    static ATTR void NAME(const ref_ctx *c, size_t j0, size_t j1)                                  \
    {                                                                                              \
        const map_qweight *qw = c->qw;                                                             \
        const size_t in = qw->in, out = qw->out, ng = qw->ngroups, G = qw->group;                  \
        int32_t r[TB][JB];                                                                         \
        for (size_t t0 = 0; t0 < c->tokens; t0 += TB) {                                            \
            const size_t nt = c->tokens - t0 < TB ? c->tokens - t0 : TB;                           \
            for (size_t tt = 0; tt < nt; tt += (nt == TB ? TB : 1)) {                              \
                const int16_t *s[TB];                                                              \
                for (size_t t = 0; t < TB; t++)                                                    \
                    s[t] = c->s16 + (t0 + tt + (nt == TB ? t : 0)) * in;                           \
                for (size_t j = j0; j < j1; j += JBX) {                                            \
                    const size_t nj = j1 - j < JBX ? j1 - j : JBX;                                 \
                    for (size_t u0 = 0; u0 < nj; u0 += (nj == JBX ? JBX : 1)) {                    \
                        const int8_t *w[JB];                                                       \
                        for (size_t u = 0; u < JBX; u++)                                           \
                            w[u] = qw->q + (j + u0 + (nj == JBX ? u : 0)) * in;                    \
                        for (size_t g = 0; g < ng; g++) {                                          \
                            size_t lo = g * G, hi = lo + G < in ? lo + G : in;                     \
                            if (nt == TB && nj == JBX)                                             \
                                KERNEL(s, w, lo, hi, TB, JBX, r);                                  \
                            else if (nt == TB)                                                     \
                                KERNEL(s, w, lo, hi, TB, 1, r);                                    \
                            else if (nj == JBX)                                                    \
                                KERNEL(s, w, lo, hi, 1, JBX, r);                                   \
                            else                                                                   \
                                KERNEL(s, w, lo, hi, 1, 1, r);                                     \
                            put(c->acc, out, ng, t0 + tt, nt == TB ? TB : 1, j + u0,               \
                                nj == JBX ? JBX : 1, g, r);                                        \
                        }                                                                          \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

ROWS_SIMD(rows_avx512, AVX512_T, k512, JB)
ROWS_SIMD(rows_avx512v, AVX512V_T, k512v, JB)
ROWS_SIMD(rows_avx2, AVX2_T, k256, 2) /* 16 ymm registers: 4 x 2 sums */

/* i8 path (AVX-512 VNNI, counts within [-127, 127]): vpdpbusd multiplies 64
 * unsigned bytes by 64 signed bytes and adds each 4 products to an int32
 * lane. A count s goes in as u = s + 128 (1..255), so a lane sums u · q and
 * the group's sum is Σ u q − 128 Σ q (Σ q per row and group is computed once
 * per block of rows). Every partial sum is at most 255 · 128 · G in
 * magnitude: inside int32 for G <= 65793, which the caller checks, so the
 * result is the exact sum. Masked-off tail bytes are 0 in both operands. */
#define AVX512B_T __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
static inline __attribute__((always_inline)) AVX512B_T void k8(const uint8_t *const s[TB],
                                                               const int8_t *const w[JB], size_t lo,
                                                               size_t hi, const int NT,
                                                               const int NJ, int32_t r[TB][JB])
{
    __m512i a[TB][JB], sv[TB], wv[JB];
#pragma GCC unroll 16
    for (int t = 0; t < NT; t++)
#pragma GCC unroll 16
        for (int j = 0; j < NJ; j++)
            a[t][j] = _mm512_setzero_si512();
    size_t i = lo;
    for (; i + 64 <= hi; i += 64) {
#pragma GCC unroll 16
        for (int j = 0; j < NJ; j++)
            wv[j] = _mm512_loadu_si512((const void *)(w[j] + i));
#pragma GCC unroll 16
        for (int t = 0; t < NT; t++)
            sv[t] = _mm512_loadu_si512((const void *)(s[t] + i));
#pragma GCC unroll 16
        for (int t = 0; t < NT; t++)
#pragma GCC unroll 16
            for (int j = 0; j < NJ; j++)
                a[t][j] = _mm512_dpbusd_epi32(a[t][j], sv[t], wv[j]);
    }
    if (i < hi) {
        __mmask64 m = ((__mmask64)1 << (hi - i)) - 1;
#pragma GCC unroll 16
        for (int j = 0; j < NJ; j++)
            wv[j] = _mm512_maskz_loadu_epi8(m, w[j] + i);
#pragma GCC unroll 16
        for (int t = 0; t < NT; t++)
            sv[t] = _mm512_maskz_loadu_epi8(m, s[t] + i);
#pragma GCC unroll 16
        for (int t = 0; t < NT; t++)
#pragma GCC unroll 16
            for (int j = 0; j < NJ; j++)
                a[t][j] = _mm512_dpbusd_epi32(a[t][j], sv[t], wv[j]);
    }
    if (NT == TB && NJ == JB) {
        __m512i x[8], y[4], u[2];
#pragma GCC unroll 16
        for (int k = 0; k < 8; k++) {
            __m512i p = a[(2 * k) / JB][(2 * k) % JB], q = a[(2 * k + 1) / JB][(2 * k + 1) % JB];
            x[k] = _mm512_add_epi32(_mm512_unpacklo_epi32(p, q), _mm512_unpackhi_epi32(p, q));
        }
#pragma GCC unroll 16
        for (int k = 0; k < 4; k++)
            y[k] = _mm512_add_epi32(_mm512_unpacklo_epi64(x[2 * k], x[2 * k + 1]),
                                    _mm512_unpackhi_epi64(x[2 * k], x[2 * k + 1]));
#pragma GCC unroll 16
        for (int k = 0; k < 2; k++)
            u[k] = _mm512_add_epi32(_mm512_shuffle_i32x4(y[2 * k], y[2 * k + 1], 0x88),
                                    _mm512_shuffle_i32x4(y[2 * k], y[2 * k + 1], 0xdd));
        _mm512_storeu_si512((void *)&r[0][0],
                            _mm512_add_epi32(_mm512_shuffle_i32x4(u[0], u[1], 0x88),
                                             _mm512_shuffle_i32x4(u[0], u[1], 0xdd)));
        return;
    }
#pragma GCC unroll 16
    for (int t = 0; t < NT; t++)
#pragma GCC unroll 16
        for (int j = 0; j < NJ; j++)
            r[t][j] = _mm512_reduce_add_epi32(a[t][j]);
}

/* Σ q over each group of rows [j0, j1) into bias[(j - j0) * ng + g]. */
static AVX512B_T void row_sums(const map_qweight *qw, size_t j0, size_t j1, int32_t *bias)
{
    const size_t in = qw->in, ng = qw->ngroups, G = qw->group;
    const __m512i ones = _mm512_set1_epi8(1);
    for (size_t j = j0; j < j1; j++)
        for (size_t g = 0; g < ng; g++) {
            size_t lo = g * G, hi = lo + G < in ? lo + G : in, i = lo;
            const int8_t *q = qw->q + j * in;
            __m512i a = _mm512_setzero_si512();
            for (; i + 64 <= hi; i += 64)
                a = _mm512_dpbusd_epi32(a, ones, _mm512_loadu_si512((const void *)(q + i)));
            if (i < hi)
                a = _mm512_dpbusd_epi32(a, ones,
                                        _mm512_maskz_loadu_epi8(((__mmask64)1 << (hi - i)) - 1,
                                                                q + i));
            bias[(j - j0) * ng + g] = _mm512_reduce_add_epi32(a);
        }
}

/* The row range [j0, j1) for every token on the i8 path (the loops of
 * ROWS_SIMD; each sum less 128 times its row's Σ q). */
static AVX512B_T void rows_i8(const ref_ctx *c, size_t j0, size_t j1, const int32_t *bias)
{
    const map_qweight *qw = c->qw;
    const size_t in = qw->in, out = qw->out, ng = qw->ngroups, G = qw->group;
    int32_t r[TB][JB];
    for (size_t t0 = 0; t0 < c->tokens; t0 += TB) {
        const size_t nt = c->tokens - t0 < TB ? c->tokens - t0 : TB;
        for (size_t tt = 0; tt < nt; tt += (nt == TB ? TB : 1)) {
            const uint8_t *s[TB];
            for (size_t t = 0; t < TB; t++)
                s[t] = c->u8 + (t0 + tt + (nt == TB ? t : 0)) * in;
            for (size_t j = j0; j < j1; j += JB) {
                const size_t nj = j1 - j < JB ? j1 - j : JB;
                for (size_t u0 = 0; u0 < nj; u0 += (nj == JB ? JB : 1)) {
                    const int8_t *w[JB];
                    for (size_t u = 0; u < JB; u++)
                        w[u] = qw->q + (j + u0 + (nj == JB ? u : 0)) * in;
                    size_t nts = nt == TB ? TB : 1, njs = nj == JB ? JB : 1;
                    for (size_t g = 0; g < ng; g++) {
                        size_t lo = g * G, hi = lo + G < in ? lo + G : in;
                        if (nts == TB && njs == JB)
                            k8(s, w, lo, hi, TB, JB, r);
                        else if (nts == TB)
                            k8(s, w, lo, hi, TB, 1, r);
                        else if (njs == JB)
                            k8(s, w, lo, hi, 1, JB, r);
                        else
                            k8(s, w, lo, hi, 1, 1, r);
                        for (size_t t = 0; t < nts; t++)
                            for (size_t u = 0; u < njs; u++)
                                c->acc[((t0 + tt + t) * out + j + u0 + u) * ng + g] =
                                    r[t][u] - 128 * bias[(j + u0 + u - j0) * ng + g];
                    }
                }
            }
        }
    }
}
#endif

/* ---- checked int64 path -------------------------------------------------- */

static void rows_i64(ref_ctx *c, size_t j0, size_t j1)
{
    const map_qweight *qw = c->qw;
    const size_t in = qw->in, out = qw->out, ng = qw->ngroups, G = qw->group;
    for (size_t t = 0; t < c->tokens; t++) {
        const int32_t *s = c->counts + t * in;
        for (size_t j = j0; j < j1; j++) {
            const int8_t *q = qw->q + j * in;
            for (size_t g = 0; g < ng; g++) {
                size_t lo = g * G, hi = lo + G < in ? lo + G : in;
                int64_t a = 0;
                for (size_t i = lo; i < hi; i++)
                    a += (int64_t)s[i] * q[i];
                size_t flat = (t * out + j) * ng + g;
                if (a > INT32_MAX || a < INT32_MIN) {
                    /* the first in this range's C order; keep the global minimum */
                    while (__atomic_exchange_n(&c->lock, 1, __ATOMIC_ACQUIRE))
                        ;
                    if (flat < c->first_bad) {
                        c->first_bad = flat;
                        c->bad_value = a;
                    }
                    __atomic_store_n(&c->lock, 0, __ATOMIC_RELEASE);
                    return;
                }
                c->acc[flat] = (int32_t)a;
            }
        }
    }
}

static void run_i32(void *ctx, size_t j0, size_t j1, int worker)
{
    (void)worker;
    rows_i32(ctx, j0, j1);
}
static void run_i64(void *ctx, size_t j0, size_t j1, int worker)
{
    (void)worker;
    rows_i64(ctx, j0, j1);
}

#ifdef GPU_X86
static void run_i8(void *ctx, size_t j0, size_t j1, int worker)
{
    (void)worker;
    const ref_ctx *c = ctx;
    int32_t *bias = malloc((j1 - j0) * c->qw->ngroups * sizeof *bias);
    if (!bias) { /* no room for the row sums: the int16 kernel needs none */
        rows_avx512v(c, j0, j1);
        return;
    }
    row_sums(c->qw, j0, j1, bias);
    rows_i8(c, j0, j1, bias);
    free(bias);
}
#endif

static void run_i16(void *ctx, size_t j0, size_t j1, int worker)
{
    const ref_ctx *c = ctx;
    (void)worker;
#ifdef GPU_X86
    if (c->simd == AX_SIMD_AVX512) {
        if (c->vnni)
            rows_avx512v(c, j0, j1);
        else
            rows_avx512(c, j0, j1);
        return;
    }
    if (c->simd == AX_SIMD_AVX2) {
        rows_avx2(c, j0, j1);
        return;
    }
#endif
    rows_i32(c, j0, j1);
}


/* Output rows per chunk: a block of weights of about 256 KiB (it stays in
 * L2 while every token block passes over it), a multiple of JB. */
static size_t row_grain(size_t in, size_t out)
{
    size_t g = ((size_t)256 << 10) / (in ? in : 1);
    g = g / JB * JB;
    if (g < JB)
        g = JB;
    return g < out ? g : out;
}

void gpu_ref_opts_default(gpu_ref_opts *o)
{
    o->threads = 0;
    o->simd = -1;
    o->vnni = -1;
    o->i8 = -1;
}

const char *gpu_ref_path_name(gpu_ref_path p)
{
    switch (p) {
    case GPU_REF_I8_AVX512_VNNI: return "i8-avx512-vnni";
    case GPU_REF_I16_AVX512_VNNI: return "i16-avx512-vnni";
    case GPU_REF_I16_AVX512: return "i16-avx512";
    case GPU_REF_I16_AVX2: return "i16-avx2";
    case GPU_REF_I16_PORTABLE: return "i16-portable";
    case GPU_REF_I32: return "i32";
    case GPU_REF_I64: return "i64";
    }
    return "?";
}

ax_result gpu_ref_cpu_ex(const int32_t *counts, size_t tokens, const map_qweight *qw, int32_t *acc,
                         const gpu_ref_opts *o, gpu_ref_path *path, char **err)
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
    gpu_ref_opts def;
    if (!o) {
        gpu_ref_opts_default(&def);
        o = &def;
    }
    ax_simd best = ax_simd_best();
    ref_ctx c = {.counts = counts,
                 .tokens = tokens,
                 .qw = qw,
                 .acc = acc,
                 .simd = o->simd < 0 || o->simd > (int)best ? best : (ax_simd)o->simd,
                 .first_bad = SIZE_MAX};
#ifdef GPU_X86
    c.vnni = c.simd == AX_SIMD_AVX512 && o->vnni != 0 && __builtin_cpu_supports("avx512vnni");
#endif
    int64_t m = counts_absmax(counts, n);
    size_t G = qw->group < qw->in ? qw->group : qw->in;
    size_t grain = row_grain(qw->in, qw->out);
    /* m <= 2^31 and G < 2^24, so m * 128 * G < 2^62: no int64 overflow here. */
    if (m * 128 * (int64_t)G <= INT32_MAX) {
#ifdef GPU_X86
        /* 255 * 128 * G <= INT32_MAX; with short groups the per-group sums, not the
         * products, dominate and the int16 kernel is as fast (G = 128: measured);
         * with few tokens the weights' pass for the row sums costs as much as
         * the products */
        if (m <= 127 && c.vnni && o->i8 != 0 && G >= 256 && G <= 65793 &&
            tokens >= 8) { /* the row sums are one more pass over the weights */
            uint8_t *u8 = malloc(n ? n : 1);
            if (!u8)
                return ax_fail(err, AX_ENOMEM, "out of memory for %zu x %zu counts", tokens,
                               qw->in);
            for (size_t i = 0; i < n; i++)
                u8[i] = (uint8_t)(counts[i] + 128);
            c.u8 = u8;
            ax_parallel_for(o->threads, qw->out, grain, run_i8, &c);
            free(u8);
            if (path)
                *path = GPU_REF_I8_AVX512_VNNI;
            return AX_OK;
        }
#endif
        if (m <= 32767 && c.simd != AX_SIMD_PORTABLE) {
            int16_t *s16 = malloc((n ? n : 1) * sizeof *s16);
            if (!s16)
                return ax_fail(err, AX_ENOMEM, "out of memory for %zu x %zu counts", tokens,
                               qw->in);
            for (size_t i = 0; i < n; i++)
                s16[i] = (int16_t)counts[i];
            c.s16 = s16;
            ax_parallel_for(o->threads, qw->out, grain, run_i16, &c);
            free(s16);
            if (path)
                *path = c.simd == AX_SIMD_AVX2 ? GPU_REF_I16_AVX2
                        : c.vnni               ? GPU_REF_I16_AVX512_VNNI
                                               : GPU_REF_I16_AVX512;
            return AX_OK;
        }
        ax_parallel_for(o->threads, qw->out, grain, run_i32, &c);
        if (path)
            *path = m <= 32767 ? GPU_REF_I16_PORTABLE : GPU_REF_I32;
        return AX_OK;
    }
    ax_parallel_for(o->threads, qw->out, grain, run_i64, &c);
    if (path)
        *path = GPU_REF_I64;
    if (c.first_bad != SIZE_MAX) {
        size_t ng = qw->ngroups, g = c.first_bad % ng, tj = c.first_bad / ng;
        return ax_fail(err, AX_EOVERFLOW,
                       "accumulator overflow at token %zu, output %zu, group %zu: %lld "
                       "does not fit int32 (hint: clamp counts, or use a smaller --group)",
                       tj / qw->out, tj % qw->out, g, (long long)c.bad_value);
    }
    return AX_OK;
}

ax_result gpu_ref_cpu(const int32_t *counts, size_t tokens, const map_qweight *qw, int32_t *acc,
                      char **err)
{
    return gpu_ref_cpu_ex(counts, tokens, qw, acc, NULL, NULL, err);
}

typedef struct {
    const int32_t *acc;
    const float *vth;
    const map_qweight *qw;
    float *y;
} dq_ctx;

/* y elements [i0, i1) of the flat [tokens][out] array. */
static void dequant_range(void *p, size_t i0, size_t i1, int worker)
{
    (void)worker;
    const dq_ctx *x = p;
    const size_t out = x->qw->out, ng = x->qw->ngroups;
    const float *scale = x->qw->scale;
    size_t t = i0 / out, j = i0 % out;
    for (size_t i = i0; i < i1; i++) {
        double sum = 0.0;
        for (size_t g = 0; g < ng; g++)
            sum += (double)scale[j * ng + g] * x->acc[i * ng + g];
        x->y[i] = (float)((double)x->vth[t] * sum);
        if (++j == out) {
            j = 0;
            t++;
        }
    }
}

void gpu_dequant(const int32_t *acc, const float *vth, size_t tokens, const map_qweight *qw,
                 float *y)
{
    gpu_dequant_par(acc, vth, tokens, qw, y, 1);
}

/* Every element of y is independent: chunks of elements on the threads. */
void gpu_dequant_par(const int32_t *acc, const float *vth, size_t tokens, const map_qweight *qw,
                     float *y, int threads)
{
    dq_ctx x = {acc, vth, qw, y};
    ax_parallel_for(threads, tokens * qw->out, 16384, dequant_range, &x);
}
