/*
 * The arithmetic of `axon gen` that runs over whole weight matrices: the
 * normal deviates of the weights and the reference product y = x · Wᵀ.
 * Both have a portable C path and SIMD paths (AVX2, AVX-512) chosen at run
 * time, and all paths give the same bits: they perform the same IEEE
 * operations (+, −, ×, ÷, √, exact conversions) in the same order, and none
 * is compiled with FMA, so nothing is contracted. tests/test_trace_gen.c
 * compares every path.
 *
 * Weights: a row has 8 xoshiro256** streams (Blackman & Vigna), seeded by
 * splitmix64 from (seed, tensor name, row). One step of stream l gives a
 * 64-bit x: u1 = ((x >> 40) + 1) / 2^24 in (0, 1], u2 = (x mod 2^24) / 2^24
 * in [0, 1); Box-Muller with both branches, r = √(−2 ln u1), θ = 2π u2,
 * gives r cos θ for element 16k + l and r sin θ for element 16k + 8 + l
 * (k = the step). ln and sin/cos are float polynomials on reduced ranges
 * (ln: m in [√½, √2), 2 atanh series to s^9; sin, cos: |a| ≤ π/4, Taylor to
 * a^9 and a^10), accurate to a few float ulps, which is all a synthetic
 * weight needs. Then w = z · sd (float).
 *
 * Reference product: y[t][o] = Σ_i (double) x[t][i] · (double) w[o][i], i
 * ascending, one double sum per (t, o); the SIMD paths put 8 tokens (AVX-512)
 * or 4 (AVX2) in the lanes of a register, so each lane is the scalar sum.
 */
#include "trace_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define GEN_X86 1
#endif

/* ---- seeding ------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void trace_gen_rng8_seed(trace_gen_rng8 *r, uint64_t seed, uint64_t name_hash, uint64_t row)
{
    uint64_t x = seed ^ name_hash;
    x ^= splitmix64(&(uint64_t){row});
    for (int l = 0; l < TRACE_GEN_LANES; l++)
        for (int w = 0; w < 4; w++)
            r->s[w][l] = splitmix64(&x);
}

/* ---- scalar reference of one step --------------------------------------- */

#define LN2F 0.693147180559945309f
#define SQRT2F 1.41421356237309505f
#define PI2F 1.57079632679489662f /* π/2 */
#define C3 0.333333333f
#define C5 0.2f
#define C7 0.142857143f
#define C9 0.111111111f
#define S3 -0.166666667f
#define S5 0.00833333333f
#define S7 -0.000198412698f
#define S9 2.75573192e-06f
#define K2 -0.5f
#define K4 0.0416666667f
#define K6 -0.00138888889f
#define K8 2.48015873e-05f
#define K10 -2.75573192e-07f

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next_lane(trace_gen_rng8 *r, int l)
{
    uint64_t s0 = r->s[0][l], s1 = r->s[1][l], s2 = r->s[2][l], s3 = r->s[3][l];
    uint64_t res = rotl(s1 * 5, 7) * 9, t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 45);
    r->s[0][l] = s0, r->s[1][l] = s1, r->s[2][l] = s2, r->s[3][l] = s3;
    return res;
}

static float bits_f(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static uint32_t f_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

/* ln(u) for u in (0, 1] (a normal float). */
static float ln_f(float u)
{
    uint32_t b = f_bits(u);
    int32_t e = (int32_t)(b >> 23) - 127;
    float m = bits_f((b & 0x7fffffu) | 0x3f800000u);
    if (m > SQRT2F) {
        m = m * 0.5f;
        e = e + 1;
    }
    float f = m - 1.0f, s = f / (2.0f + f), s2 = s * s;
    float p = s2 * (C3 + s2 * (C5 + s2 * (C7 + s2 * C9)));
    return (float)e * LN2F + (s + s * p) * 2.0f;
}

static void step_scalar(trace_gen_rng8 *r, float sd, float *z)
{
    for (int l = 0; l < TRACE_GEN_LANES; l++) {
        uint64_t x = next_lane(r, l);
        float u1 = (float)(int32_t)((x >> 40) + 1) * 0x1.0p-24f;
        float u2 = (float)(int32_t)(x & 0xffffffu) * 0x1.0p-24f;
        float rad = sqrtf(-2.0f * ln_f(u1));
        float t = u2 * 4.0f;
        int32_t n = (int32_t)(t + 0.5f);
        float a = (t - (float)n) * PI2F, a2 = a * a;
        float sa = a + a * (a2 * (S3 + a2 * (S5 + a2 * (S7 + a2 * S9))));
        float ca = 1.0f + a2 * (K2 + a2 * (K4 + a2 * (K6 + a2 * (K8 + a2 * K10))));
        float c = (n & 1) ? sa : ca, s = (n & 1) ? ca : sa;
        if ((n + 1) & 2) /* quadrants 1, 2: cos < 0 */
            c = -c;
        if (n & 2) /* quadrants 2, 3: sin < 0 */
            s = -s;
        z[l] = rad * c * sd;
        z[TRACE_GEN_LANES + l] = rad * s * sd;
    }
}

/* ---- AVX2 / AVX-512 steps ---------------------------------------------- */

#ifdef GEN_X86
#define AVX2_T __attribute__((target("avx2")))
#define AVX512_T __attribute__((target("avx512f,avx512vl")))

/* The float part of a step on 8 lanes (u1 and u2 as 8 int32), shared. */
static inline __attribute__((always_inline)) AVX2_T void math8(__m256i k1, __m256i k2, float sd,
                                                               float *z)
{
    const __m256 two24 = _mm256_set1_ps(0x1.0p-24f);
    __m256 u1 = _mm256_mul_ps(_mm256_cvtepi32_ps(k1), two24);
    __m256 u2 = _mm256_mul_ps(_mm256_cvtepi32_ps(k2), two24);
    /* ln u1 */
    __m256i b = _mm256_castps_si256(u1);
    __m256i e = _mm256_sub_epi32(_mm256_srli_epi32(b, 23), _mm256_set1_epi32(127));
    __m256 m = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(b, _mm256_set1_epi32(0x7fffff)),
                                                   _mm256_set1_epi32(0x3f800000)));
    __m256 big = _mm256_cmp_ps(m, _mm256_set1_ps(SQRT2F), _CMP_GT_OQ);
    m = _mm256_blendv_ps(m, _mm256_mul_ps(m, _mm256_set1_ps(0.5f)), big);
    e = _mm256_sub_epi32(e, _mm256_castps_si256(big)); /* big lanes are -1: e + 1 */
    __m256 f = _mm256_sub_ps(m, _mm256_set1_ps(1.0f));
    __m256 s = _mm256_div_ps(f, _mm256_add_ps(_mm256_set1_ps(2.0f), f));
    __m256 s2 = _mm256_mul_ps(s, s);
    __m256 p = _mm256_add_ps(_mm256_set1_ps(C7), _mm256_mul_ps(s2, _mm256_set1_ps(C9)));
    p = _mm256_add_ps(_mm256_set1_ps(C5), _mm256_mul_ps(s2, p));
    p = _mm256_add_ps(_mm256_set1_ps(C3), _mm256_mul_ps(s2, p));
    p = _mm256_mul_ps(s2, p);
    __m256 ln = _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(e), _mm256_set1_ps(LN2F)),
                              _mm256_mul_ps(_mm256_add_ps(s, _mm256_mul_ps(s, p)),
                                            _mm256_set1_ps(2.0f)));
    __m256 rad = _mm256_sqrt_ps(_mm256_mul_ps(_mm256_set1_ps(-2.0f), ln));
    /* sin, cos of 2π u2 */
    __m256 t = _mm256_mul_ps(u2, _mm256_set1_ps(4.0f));
    __m256i n = _mm256_cvttps_epi32(_mm256_add_ps(t, _mm256_set1_ps(0.5f)));
    __m256 a = _mm256_mul_ps(_mm256_sub_ps(t, _mm256_cvtepi32_ps(n)), _mm256_set1_ps(PI2F));
    __m256 a2 = _mm256_mul_ps(a, a);
    __m256 q = _mm256_add_ps(_mm256_set1_ps(S7), _mm256_mul_ps(a2, _mm256_set1_ps(S9)));
    q = _mm256_add_ps(_mm256_set1_ps(S5), _mm256_mul_ps(a2, q));
    q = _mm256_add_ps(_mm256_set1_ps(S3), _mm256_mul_ps(a2, q));
    __m256 sa = _mm256_add_ps(a, _mm256_mul_ps(a, _mm256_mul_ps(a2, q)));
    __m256 k = _mm256_add_ps(_mm256_set1_ps(K8), _mm256_mul_ps(a2, _mm256_set1_ps(K10)));
    k = _mm256_add_ps(_mm256_set1_ps(K6), _mm256_mul_ps(a2, k));
    k = _mm256_add_ps(_mm256_set1_ps(K4), _mm256_mul_ps(a2, k));
    k = _mm256_add_ps(_mm256_set1_ps(K2), _mm256_mul_ps(a2, k));
    __m256 ca = _mm256_add_ps(_mm256_set1_ps(1.0f), _mm256_mul_ps(a2, k));
    __m256 odd = _mm256_castsi256_ps(
        _mm256_cmpeq_epi32(_mm256_and_si256(n, _mm256_set1_epi32(1)), _mm256_set1_epi32(1)));
    __m256 c = _mm256_blendv_ps(ca, sa, odd), sn = _mm256_blendv_ps(sa, ca, odd);
    __m256i sign = _mm256_set1_epi32((int)0x80000000u);
    __m256i negc = _mm256_slli_epi32(_mm256_and_si256(_mm256_add_epi32(n, _mm256_set1_epi32(1)),
                                                      _mm256_set1_epi32(2)),
                                     30);
    __m256i negs = _mm256_slli_epi32(_mm256_and_si256(n, _mm256_set1_epi32(2)), 30);
    c = _mm256_xor_ps(c, _mm256_castsi256_ps(_mm256_and_si256(negc, sign)));
    sn = _mm256_xor_ps(sn, _mm256_castsi256_ps(_mm256_and_si256(negs, sign)));
    __m256 vsd = _mm256_set1_ps(sd);
    _mm256_storeu_ps(z, _mm256_mul_ps(_mm256_mul_ps(rad, c), vsd));
    _mm256_storeu_ps(z + 8, _mm256_mul_ps(_mm256_mul_ps(rad, sn), vsd));
}

static inline __attribute__((always_inline)) AVX2_T __m256i rotl256(__m256i x, int k)
{
    return _mm256_or_si256(_mm256_slli_epi64(x, k), _mm256_srli_epi64(x, 64 - k));
}

/* 4 lanes of xoshiro256**: returns x, advances s. */
static inline __attribute__((always_inline)) AVX2_T __m256i next4(__m256i *s)
{
    __m256i s1x5 = _mm256_add_epi64(_mm256_slli_epi64(s[1], 2), s[1]);
    __m256i r7 = rotl256(s1x5, 7);
    __m256i res = _mm256_add_epi64(_mm256_slli_epi64(r7, 3), r7);
    __m256i t = _mm256_slli_epi64(s[1], 17);
    s[2] = _mm256_xor_si256(s[2], s[0]);
    s[3] = _mm256_xor_si256(s[3], s[1]);
    s[1] = _mm256_xor_si256(s[1], s[2]);
    s[0] = _mm256_xor_si256(s[0], s[3]);
    s[2] = _mm256_xor_si256(s[2], t);
    s[3] = rotl256(s[3], 45);
    return res;
}

/* The low 32 bits of 4 + 4 64-bit lanes as 8 int32, in lane order. */
static inline __attribute__((always_inline)) AVX2_T __m256i lo32x8(__m256i a, __m256i b)
{
    __m256i pa = _mm256_permutevar8x32_epi32(a, _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7));
    __m256i pb = _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7));
    return _mm256_permute2x128_si256(pa, pb, 0x20);
}

static AVX2_T void normals_avx2(trace_gen_rng8 *r, float *out, size_t n, float sd)
{
    __m256i lo[4], hi[4]; /* lanes 0-3 and 4-7 of each state word */
    for (int w = 0; w < 4; w++) {
        lo[w] = _mm256_loadu_si256((const __m256i *)&r->s[w][0]);
        hi[w] = _mm256_loadu_si256((const __m256i *)&r->s[w][4]);
    }
    const __m256i m24 = _mm256_set1_epi64x(0xffffff), one = _mm256_set1_epi64x(1);
    float z[16];
    for (size_t i = 0; i < n; i += 16) {
        __m256i xa = next4(lo), xb = next4(hi);
        __m256i k1 = lo32x8(_mm256_add_epi64(_mm256_srli_epi64(xa, 40), one),
                            _mm256_add_epi64(_mm256_srli_epi64(xb, 40), one));
        __m256i k2 = lo32x8(_mm256_and_si256(xa, m24), _mm256_and_si256(xb, m24));
        if (n - i >= 16) {
            math8(k1, k2, sd, out + i);
        } else {
            math8(k1, k2, sd, z);
            memcpy(out + i, z, (n - i) * sizeof *z);
        }
    }
    for (int w = 0; w < 4; w++) {
        _mm256_storeu_si256((__m256i *)&r->s[w][0], lo[w]);
        _mm256_storeu_si256((__m256i *)&r->s[w][4], hi[w]);
    }
}

/* math8 on 16 lanes (two steps of the 8 streams): the same operations. */
static inline __attribute__((always_inline)) AVX512_T void math16(__m512i k1, __m512i k2, float sd,
                                                                  __m512 *zc, __m512 *zs)
{
    const __m512 two24 = _mm512_set1_ps(0x1.0p-24f);
    __m512 u1 = _mm512_mul_ps(_mm512_cvtepi32_ps(k1), two24);
    __m512 u2 = _mm512_mul_ps(_mm512_cvtepi32_ps(k2), two24);
    __m512i b = _mm512_castps_si512(u1);
    __m512i e = _mm512_sub_epi32(_mm512_srli_epi32(b, 23), _mm512_set1_epi32(127));
    __m512 m = _mm512_castsi512_ps(_mm512_or_si512(_mm512_and_si512(b, _mm512_set1_epi32(0x7fffff)),
                                                   _mm512_set1_epi32(0x3f800000)));
    __mmask16 big = _mm512_cmp_ps_mask(m, _mm512_set1_ps(SQRT2F), _CMP_GT_OQ);
    m = _mm512_mask_mul_ps(m, big, m, _mm512_set1_ps(0.5f));
    e = _mm512_mask_add_epi32(e, big, e, _mm512_set1_epi32(1));
    __m512 f = _mm512_sub_ps(m, _mm512_set1_ps(1.0f));
    __m512 s = _mm512_div_ps(f, _mm512_add_ps(_mm512_set1_ps(2.0f), f));
    __m512 s2 = _mm512_mul_ps(s, s);
    __m512 p = _mm512_add_ps(_mm512_set1_ps(C7), _mm512_mul_ps(s2, _mm512_set1_ps(C9)));
    p = _mm512_add_ps(_mm512_set1_ps(C5), _mm512_mul_ps(s2, p));
    p = _mm512_add_ps(_mm512_set1_ps(C3), _mm512_mul_ps(s2, p));
    p = _mm512_mul_ps(s2, p);
    __m512 ln = _mm512_add_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(e), _mm512_set1_ps(LN2F)),
                              _mm512_mul_ps(_mm512_add_ps(s, _mm512_mul_ps(s, p)),
                                            _mm512_set1_ps(2.0f)));
    __m512 rad = _mm512_sqrt_ps(_mm512_mul_ps(_mm512_set1_ps(-2.0f), ln));
    __m512 t = _mm512_mul_ps(u2, _mm512_set1_ps(4.0f));
    __m512i n = _mm512_cvttps_epi32(_mm512_add_ps(t, _mm512_set1_ps(0.5f)));
    __m512 a = _mm512_mul_ps(_mm512_sub_ps(t, _mm512_cvtepi32_ps(n)), _mm512_set1_ps(PI2F));
    __m512 a2 = _mm512_mul_ps(a, a);
    __m512 q = _mm512_add_ps(_mm512_set1_ps(S7), _mm512_mul_ps(a2, _mm512_set1_ps(S9)));
    q = _mm512_add_ps(_mm512_set1_ps(S5), _mm512_mul_ps(a2, q));
    q = _mm512_add_ps(_mm512_set1_ps(S3), _mm512_mul_ps(a2, q));
    __m512 sa = _mm512_add_ps(a, _mm512_mul_ps(a, _mm512_mul_ps(a2, q)));
    __m512 k = _mm512_add_ps(_mm512_set1_ps(K8), _mm512_mul_ps(a2, _mm512_set1_ps(K10)));
    k = _mm512_add_ps(_mm512_set1_ps(K6), _mm512_mul_ps(a2, k));
    k = _mm512_add_ps(_mm512_set1_ps(K4), _mm512_mul_ps(a2, k));
    k = _mm512_add_ps(_mm512_set1_ps(K2), _mm512_mul_ps(a2, k));
    __m512 ca = _mm512_add_ps(_mm512_set1_ps(1.0f), _mm512_mul_ps(a2, k));
    __mmask16 odd = _mm512_test_epi32_mask(n, _mm512_set1_epi32(1));
    __m512 c = _mm512_mask_blend_ps(odd, ca, sa), sn = _mm512_mask_blend_ps(odd, sa, ca);
    __m512i sign = _mm512_set1_epi32((int)0x80000000u);
    __m512i negc = _mm512_slli_epi32(_mm512_and_si512(_mm512_add_epi32(n, _mm512_set1_epi32(1)),
                                                      _mm512_set1_epi32(2)),
                                     30);
    __m512i negs = _mm512_slli_epi32(_mm512_and_si512(n, _mm512_set1_epi32(2)), 30);
    c = _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(c), _mm512_and_si512(negc, sign)));
    sn = _mm512_castsi512_ps(
        _mm512_xor_si512(_mm512_castps_si512(sn), _mm512_and_si512(negs, sign)));
    __m512 vsd = _mm512_set1_ps(sd);
    *zc = _mm512_mul_ps(_mm512_mul_ps(rad, c), vsd);
    *zs = _mm512_mul_ps(_mm512_mul_ps(rad, sn), vsd);
}

static inline __attribute__((always_inline)) AVX512_T __m512i next8(__m512i *s)
{
    __m512i s1x5 = _mm512_add_epi64(_mm512_slli_epi64(s[1], 2), s[1]);
    __m512i r7 = _mm512_rol_epi64(s1x5, 7);
    __m512i x = _mm512_add_epi64(_mm512_slli_epi64(r7, 3), r7);
    __m512i t = _mm512_slli_epi64(s[1], 17);
    s[2] = _mm512_xor_si512(s[2], s[0]);
    s[3] = _mm512_xor_si512(s[3], s[1]);
    s[1] = _mm512_xor_si512(s[1], s[2]);
    s[0] = _mm512_xor_si512(s[0], s[3]);
    s[2] = _mm512_xor_si512(s[2], t);
    s[3] = _mm512_rol_epi64(s[3], 45);
    return x;
}

static AVX512_T void normals_avx512(trace_gen_rng8 *r, float *out, size_t n, float sd)
{
    __m512i s[4];
    for (int w = 0; w < 4; w++)
        s[w] = _mm512_loadu_si512((const void *)&r->s[w][0]);
    const __m512i m24 = _mm512_set1_epi64(0xffffff), one = _mm512_set1_epi64(1);
    size_t i = 0;
    for (; n - i >= 32; i += 32) { /* two steps: 16 lanes of math */
        __m512i x0 = next8(s), x1 = next8(s);
        __m512i k1 = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi64_epi32(
                                            _mm512_add_epi64(_mm512_srli_epi64(x0, 40), one))),
                                        _mm512_cvtepi64_epi32(
                                            _mm512_add_epi64(_mm512_srli_epi64(x1, 40), one)),
                                        1);
        __m512i k2 = _mm512_inserti64x4(_mm512_castsi256_si512(
                                            _mm512_cvtepi64_epi32(_mm512_and_si512(x0, m24))),
                                        _mm512_cvtepi64_epi32(_mm512_and_si512(x1, m24)), 1);
        __m512 zc, zs;
        math16(k1, k2, sd, &zc, &zs);
        _mm512_storeu_ps(out + i, _mm512_shuffle_f32x4(zc, zs, 0x44));
        _mm512_storeu_ps(out + i + 16, _mm512_shuffle_f32x4(zc, zs, 0xee));
    }
    float z[16];
    for (; i < n; i += 16) {
        __m512i x = next8(s);
        __m256i k1 = _mm512_cvtepi64_epi32(_mm512_add_epi64(_mm512_srli_epi64(x, 40), one));
        __m256i k2 = _mm512_cvtepi64_epi32(_mm512_and_si512(x, m24));
        math8(k1, k2, sd, z);
        memcpy(out + i, z, (n - i < 16 ? n - i : 16) * sizeof *z);
    }
    for (int w = 0; w < 4; w++)
        _mm512_storeu_si512((void *)&r->s[w][0], s[w]);
}

/* Rounds w[0..n) to bfloat16 in place (round to nearest, ties to even, as
 * trace_f32_to_bf16; the generator makes no NaN) and stores the bits in
 * bits[0..n) when bits is not NULL. */
static AVX512_T void bf16_avx512(float *w, uint16_t *bits, size_t n)
{
    size_t i = 0;
    const __m512i r7 = _mm512_set1_epi32(0x7fff), one = _mm512_set1_epi32(1);
    for (; i + 16 <= n; i += 16) {
        __m512i x = _mm512_loadu_si512((const void *)(w + i));
        x = _mm512_add_epi32(x,
                             _mm512_add_epi32(r7, _mm512_and_si512(_mm512_srli_epi32(x, 16), one)));
        __m512i hi = _mm512_srli_epi32(x, 16);
        _mm512_storeu_si512((void *)(w + i), _mm512_slli_epi32(hi, 16));
        if (bits)
            _mm256_storeu_si256((__m256i *)(bits + i), _mm512_cvtepi32_epi16(hi));
    }
    for (; i < n; i++) {
        uint16_t h = trace_f32_to_bf16(w[i]);
        w[i] = trace_bf16_to_f32(h);
        if (bits)
            bits[i] = h;
    }
}
#endif

void trace_gen_bf16(float *w, uint16_t *bits, size_t n, ax_simd simd)
{
#ifdef GEN_X86
    if (simd == AX_SIMD_AVX512) {
        bf16_avx512(w, bits, n);
        return;
    }
#else
    (void)simd;
#endif
    for (size_t i = 0; i < n; i++) {
        uint16_t h = trace_f32_to_bf16(w[i]);
        w[i] = trace_bf16_to_f32(h);
        if (bits)
            bits[i] = h;
    }
}

void trace_gen_normals(trace_gen_rng8 *r, float *out, size_t n, float sd, ax_simd simd)
{
#ifdef GEN_X86
    if (simd == AX_SIMD_AVX512) {
        normals_avx512(r, out, n, sd);
        return;
    }
    if (simd == AX_SIMD_AVX2) {
        normals_avx2(r, out, n, sd);
        return;
    }
#else
    (void)simd;
#endif
    float z[16];
    for (size_t i = 0; i < n; i += 16) {
        step_scalar(r, sd, z);
        memcpy(out + i, z, (n - i < 16 ? n - i : 16) * sizeof *z);
    }
}

/* ---- the reference product ---------------------------------------------- */

void trace_gen_pack_x(const float *x, size_t T, size_t in, double *xd)
{
    size_t nb = (T + 7) / 8;
    for (size_t b = 0; b < nb; b++)
        for (size_t i = 0; i < in; i++)
            for (size_t l = 0; l < 8; l++) {
                size_t t = b * 8 + l;
                xd[(b * in + i) * 8 + l] = t < T ? (double)x[t * in + i] : 0.0;
            }
}

#ifdef GEN_X86
/* 8 rows x 8 tokens: acc[r] holds the 8 tokens of row r. */
static AVX512_T void dot_avx512(const double *xd, size_t T, const double *wd, size_t rows,
                                size_t in, float *y, size_t out, size_t o0)
{
    for (size_t b = 0; b * 8 < T; b++) {
        const double *xb = xd + b * in * 8;
        for (size_t r0 = 0; r0 < rows; r0 += 8) {
            size_t nr = rows - r0 < 8 ? rows - r0 : 8;
            __m512d a[8];
#pragma GCC unroll 8
            for (int k = 0; k < 8; k++)
                a[k] = _mm512_setzero_pd();
            const double *w[8];
            for (size_t k = 0; k < 8; k++)
                w[k] = wd + (r0 + (k < nr ? k : 0)) * in;
            for (size_t i = 0; i < in; i++) {
                __m512d xv = _mm512_loadu_pd(xb + i * 8);
#pragma GCC unroll 8
                for (int k = 0; k < 8; k++)
                    a[k] = _mm512_add_pd(a[k], _mm512_mul_pd(xv, _mm512_set1_pd(w[k][i])));
            }
            double v[8][8];
#pragma GCC unroll 8
            for (int k = 0; k < 8; k++)
                _mm512_storeu_pd(v[k], a[k]);
            for (size_t k = 0; k < nr; k++)
                for (size_t l = 0; l < 8 && b * 8 + l < T; l++)
                    y[(b * 8 + l) * out + o0 + r0 + k] = (float)v[k][l];
        }
    }
}

/* 4 rows x 8 tokens (two registers of 4). */
static AVX2_T void dot_avx2(const double *xd, size_t T, const double *wd, size_t rows, size_t in,
                            float *y, size_t out, size_t o0)
{
    for (size_t b = 0; b * 8 < T; b++) {
        const double *xb = xd + b * in * 8;
        for (size_t r0 = 0; r0 < rows; r0 += 4) {
            size_t nr = rows - r0 < 4 ? rows - r0 : 4;
            __m256d a[4][2];
#pragma GCC unroll 4
            for (int k = 0; k < 4; k++)
                a[k][0] = a[k][1] = _mm256_setzero_pd();
            const double *w[4];
            for (size_t k = 0; k < 4; k++)
                w[k] = wd + (r0 + (k < nr ? k : 0)) * in;
            for (size_t i = 0; i < in; i++) {
                __m256d x0 = _mm256_loadu_pd(xb + i * 8), x1 = _mm256_loadu_pd(xb + i * 8 + 4);
#pragma GCC unroll 4
                for (int k = 0; k < 4; k++) {
                    __m256d wv = _mm256_set1_pd(w[k][i]);
                    a[k][0] = _mm256_add_pd(a[k][0], _mm256_mul_pd(x0, wv));
                    a[k][1] = _mm256_add_pd(a[k][1], _mm256_mul_pd(x1, wv));
                }
            }
            double v[4][8];
#pragma GCC unroll 4
            for (int k = 0; k < 4; k++) {
                _mm256_storeu_pd(v[k], a[k][0]);
                _mm256_storeu_pd(v[k] + 4, a[k][1]);
            }
            for (size_t k = 0; k < nr; k++)
                for (size_t l = 0; l < 8 && b * 8 + l < T; l++)
                    y[(b * 8 + l) * out + o0 + r0 + k] = (float)v[k][l];
        }
    }
}
#endif

void trace_gen_dot(const double *xd, size_t T, const double *wd, size_t rows, size_t in, float *y,
                   size_t out, size_t o0, ax_simd simd)
{
#ifdef GEN_X86
    if (simd == AX_SIMD_AVX512) {
        dot_avx512(xd, T, wd, rows, in, y, out, o0);
        return;
    }
    if (simd == AX_SIMD_AVX2) {
        dot_avx2(xd, T, wd, rows, in, y, out, o0);
        return;
    }
#else
    (void)simd;
#endif
    for (size_t t = 0; t < T; t++) {
        const double *xb = xd + (t / 8) * in * 8;
        for (size_t r = 0; r < rows; r++) {
            double acc = 0;
            for (size_t i = 0; i < in; i++)
                acc = acc + xb[i * 8 + t % 8] * wd[r * in + i];
            y[t * out + o0 + r] = (float)acc;
        }
    }
}
