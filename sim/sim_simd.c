/*
 * The batched accumulation kernels of the fast path (docs/sim.md
 * "Performance"): the arithmetic of docs/design.md §2, acc[j] += ±(q[j][axon]
 * << shift), for one (token, row-block) over one chunk of SIM_CW output lanes,
 * with the accumulators held in SIMD registers for the whole token.
 *
 * The input is a program of runs (sim_arith.c builds it from the event
 * stream): [shift, npos, nneg, row offsets of the npos positive then the nneg
 * negative events]. The kernels run only where the caller proved that no
 * partial sum can leave A bits (|q| <= 128 times the sum of 2^shift), so the
 * sums are exact integers: modular int32 arithmetic then gives the same
 * result in any order, which lets a run add its positive rows, subtract its
 * negative rows and apply the shift once per run (Horner: a later run of
 * smaller shift s first scales the accumulators by 2^(cur - s)), instead of
 * one multiply per event. Where the bound fails the chip takes the exact,
 * event-ordered path with the overflow flag (sim_core_add).
 *
 * One kernel per instruction set: a portable C loop, SSE2 (baseline x86-64),
 * AVX2 and AVX-512BW, the x86 ones compiled with target attributes and
 * chosen at run time (__builtin_cpu_supports), so one binary runs at the
 * width of the machine it runs on and still builds elsewhere. AXON_SIMD
 * (scalar, sse2, avx2, avx512) forces one; every kernel gives the same bits.
 */
#include "sim_int.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

static const char *const names[] = {"auto", "scalar", "sse2", "avx2", "avx512"};

const char *sim_simd_name(sim_simd v)
{
    return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "?";
}

ax_result sim_simd_parse(const char *name, sim_simd *v, char **err)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i])) {
            *v = (sim_simd)i;
            return AX_OK;
        }
    return ax_fail(err, AX_EPARAM, "unknown SIMD path '%s' (hint: auto, scalar, sse2, avx2 or avx512)",
                   name);
}

int sim_simd_supported(sim_simd v)
{
    switch (v) {
    case SIM_SIMD_AUTO:
    case SIM_SIMD_SCALAR:
        return 1;
#if defined(__x86_64__)
    case SIM_SIMD_SSE2:
        return 1; /* part of x86-64 */
    case SIM_SIMD_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2");
    case SIM_SIMD_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#endif
    default:
        return 0;
    }
}

sim_simd sim_simd_best(void)
{
    for (int v = SIM_SIMD_AVX512; v > SIM_SIMD_SCALAR; v--)
        if (sim_simd_supported((sim_simd)v))
            return (sim_simd)v;
    return SIM_SIMD_SCALAR;
}

ax_result sim_simd_resolve(sim_simd want, sim_simd *got, char **err)
{
    ax_result rc;
    const char *env = getenv("AXON_SIMD");
    if (want == SIM_SIMD_AUTO && env && *env) {
        if ((rc = sim_simd_parse(env, &want, err))) {
            ax_err_prefix(err, "AXON_SIMD");
            return rc;
        }
    }
    if (want == SIM_SIMD_AUTO)
        want = sim_simd_best();
    if (!sim_simd_supported(want))
        return ax_fail(err, AX_EPARAM, "SIMD path %s is not available on this machine (hint: "
                       "AXON_SIMD=%s, the best it has, or leave AXON_SIMD unset)",
                       sim_simd_name(want), sim_simd_name(sim_simd_best()));
    *got = want;
    return AX_OK;
}

/* ---- portable C ---- */

static void k_scalar(const uint32_t *p, const uint32_t *pe, const int8_t *tile, int32_t *acc,
                     int zero)
{
    uint32_t a[SIM_CW]; /* unsigned: wrapping is defined, the exact result fits */
    memset(a, 0, sizeof a);
    int cur = -1;
    while (p < pe) {
        int sh = (int)p[0];
        uint32_t np = p[1], nn = p[2];
        p += 3;
        int lsh = 0;
        if (cur < 0)
            cur = sh;
        else if (sh < cur) {
            for (int j = 0; j < SIM_CW; j++)
                a[j] <<= cur - sh;
            cur = sh;
        } else
            lsh = sh - cur;
        for (uint32_t k = 0; k < np; k++) {
            const int8_t *w = tile + p[k];
            for (int j = 0; j < SIM_CW; j++)
                a[j] += (uint32_t)(int32_t)w[j] << lsh;
        }
        for (uint32_t k = np; k < np + nn; k++) {
            const int8_t *w = tile + p[k];
            for (int j = 0; j < SIM_CW; j++)
                a[j] -= (uint32_t)(int32_t)w[j] << lsh;
        }
        p += np + nn;
    }
    for (int j = 0; j < SIM_CW; j++)
        acc[j] = (int32_t)((zero ? 0 : (uint32_t)acc[j]) + (cur > 0 ? a[j] << cur : a[j]));
}

#if defined(__x86_64__)

/* ---- SSE2: 32 lanes (8 x 4) per pass, four passes ---- */

#define SSE2_T __attribute__((target("sse2")))

SSE2_T static inline void sse2_sext16(__m128i x, __m128i *o)
{
    __m128i lo = _mm_unpacklo_epi8(x, x), hi = _mm_unpackhi_epi8(x, x);
    o[0] = _mm_srai_epi32(_mm_unpacklo_epi16(lo, lo), 24);
    o[1] = _mm_srai_epi32(_mm_unpackhi_epi16(lo, lo), 24);
    o[2] = _mm_srai_epi32(_mm_unpacklo_epi16(hi, hi), 24);
    o[3] = _mm_srai_epi32(_mm_unpackhi_epi16(hi, hi), 24);
}

SSE2_T static void k_sse2(const uint32_t *p0, const uint32_t *pe, const int8_t *tile, int32_t *acc,
                          int zero)
{
    for (int q = 0; q < SIM_CW; q += 32) {
        __m128i r[8], d[8];
        for (int i = 0; i < 8; i++)
            r[i] = _mm_setzero_si128();
        int cur = -1;
        const uint32_t *p = p0;
        while (p < pe) {
            int sh = (int)p[0];
            uint32_t np = p[1], nn = p[2];
            p += 3;
            __m128i lsh = _mm_setzero_si128();
            if (cur < 0)
                cur = sh;
            else if (sh < cur) {
                __m128i c = _mm_cvtsi32_si128(cur - sh);
                for (int i = 0; i < 8; i++)
                    r[i] = _mm_sll_epi32(r[i], c);
                cur = sh;
            } else
                lsh = _mm_cvtsi32_si128(sh - cur);
            for (uint32_t k = 0; k < np + nn; k++) {
                const int8_t *w = tile + p[k] + q;
                sse2_sext16(_mm_loadu_si128((const __m128i *)w), d);
                sse2_sext16(_mm_loadu_si128((const __m128i *)(w + 16)), d + 4);
                if (k < np)
                    for (int i = 0; i < 8; i++)
                        r[i] = _mm_add_epi32(r[i], _mm_sll_epi32(d[i], lsh));
                else
                    for (int i = 0; i < 8; i++)
                        r[i] = _mm_sub_epi32(r[i], _mm_sll_epi32(d[i], lsh));
            }
            p += np + nn;
        }
        __m128i c = _mm_cvtsi32_si128(cur > 0 ? cur : 0);
        for (int i = 0; i < 8; i++) {
            __m128i *a = (__m128i *)(acc + q + 4 * i), v = _mm_sll_epi32(r[i], c);
            _mm_storeu_si128(a, zero ? v : _mm_add_epi32(_mm_loadu_si128(a), v));
        }
    }
}

/* ---- AVX2: 64 lanes (8 x 8) per pass, two passes ---- */

#define AVX2_T __attribute__((target("avx2")))

AVX2_T static void k_avx2(const uint32_t *p0, const uint32_t *pe, const int8_t *tile, int32_t *acc,
                          int zero)
{
    for (int q = 0; q < SIM_CW; q += 64) {
        __m256i r[8];
        for (int i = 0; i < 8; i++)
            r[i] = _mm256_setzero_si256();
        int cur = -1;
        const uint32_t *p = p0;
        while (p < pe) {
            int sh = (int)p[0];
            uint32_t np = p[1], nn = p[2];
            p += 3;
            if (cur < 0)
                cur = sh;
            else if (sh < cur) {
                __m128i c = _mm_cvtsi32_si128(cur - sh);
                for (int i = 0; i < 8; i++)
                    r[i] = _mm256_sll_epi32(r[i], c);
                cur = sh;
            }
            if (sh == cur) {
                for (uint32_t k = 0; k < np; k++) {
                    const int8_t *w = tile + p[k] + q;
                    for (int i = 0; i < 8; i++)
                        r[i] = _mm256_add_epi32(
                            r[i], _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(w + 8 * i))));
                }
                for (uint32_t k = np; k < np + nn; k++) {
                    const int8_t *w = tile + p[k] + q;
                    for (int i = 0; i < 8; i++)
                        r[i] = _mm256_sub_epi32(
                            r[i], _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(w + 8 * i))));
                }
            } else { /* a larger shift after a smaller one: shift each row */
                __m128i c = _mm_cvtsi32_si128(sh - cur);
                for (uint32_t k = 0; k < np + nn; k++) {
                    const int8_t *w = tile + p[k] + q;
                    for (int i = 0; i < 8; i++) {
                        __m256i d = _mm256_sll_epi32(
                            _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(w + 8 * i))), c);
                        r[i] = k < np ? _mm256_add_epi32(r[i], d) : _mm256_sub_epi32(r[i], d);
                    }
                }
            }
            p += np + nn;
        }
        __m128i c = _mm_cvtsi32_si128(cur > 0 ? cur : 0);
        for (int i = 0; i < 8; i++) {
            __m256i *a = (__m256i *)(acc + q + 8 * i), v = _mm256_sll_epi32(r[i], c);
            _mm256_storeu_si256(a, zero ? v : _mm256_add_epi32(_mm256_loadu_si256(a), v));
        }
    }
}

/* ---- AVX-512BW: all 128 lanes (8 x 16) in one pass ---- */

#define AVX512_T __attribute__((target("avx512f,avx512bw")))

#define X512(w, i) _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)((w) + 16 * (i))))

AVX512_T static void k_avx512(const uint32_t *p, const uint32_t *pe, const int8_t *tile,
                              int32_t *acc, int zero)
{
    __m512i r0, r1, r2, r3, r4, r5, r6, r7;
    r0 = r1 = r2 = r3 = r4 = r5 = r6 = r7 = _mm512_setzero_si512();
    int cur = -1;
    while (p < pe) {
        int sh = (int)p[0];
        uint32_t np = p[1], nn = p[2];
        p += 3;
        if (cur < 0)
            cur = sh;
        else if (sh < cur) {
            __m128i c = _mm_cvtsi32_si128(cur - sh);
            r0 = _mm512_sll_epi32(r0, c);
            r1 = _mm512_sll_epi32(r1, c);
            r2 = _mm512_sll_epi32(r2, c);
            r3 = _mm512_sll_epi32(r3, c);
            r4 = _mm512_sll_epi32(r4, c);
            r5 = _mm512_sll_epi32(r5, c);
            r6 = _mm512_sll_epi32(r6, c);
            r7 = _mm512_sll_epi32(r7, c);
            cur = sh;
        }
        if (sh == cur) {
            const uint32_t *q = p, *qe = p + np;
            for (; q < qe; q++) {
                const int8_t *w = tile + *q;
                r0 = _mm512_add_epi32(r0, X512(w, 0));
                r1 = _mm512_add_epi32(r1, X512(w, 1));
                r2 = _mm512_add_epi32(r2, X512(w, 2));
                r3 = _mm512_add_epi32(r3, X512(w, 3));
                r4 = _mm512_add_epi32(r4, X512(w, 4));
                r5 = _mm512_add_epi32(r5, X512(w, 5));
                r6 = _mm512_add_epi32(r6, X512(w, 6));
                r7 = _mm512_add_epi32(r7, X512(w, 7));
            }
            for (qe += nn; q < qe; q++) {
                const int8_t *w = tile + *q;
                r0 = _mm512_sub_epi32(r0, X512(w, 0));
                r1 = _mm512_sub_epi32(r1, X512(w, 1));
                r2 = _mm512_sub_epi32(r2, X512(w, 2));
                r3 = _mm512_sub_epi32(r3, X512(w, 3));
                r4 = _mm512_sub_epi32(r4, X512(w, 4));
                r5 = _mm512_sub_epi32(r5, X512(w, 5));
                r6 = _mm512_sub_epi32(r6, X512(w, 6));
                r7 = _mm512_sub_epi32(r7, X512(w, 7));
            }
        } else { /* a larger shift after a smaller one: shift each row */
            __m128i c = _mm_cvtsi32_si128(sh - cur);
            for (uint32_t k = 0; k < np + nn; k++) {
                const int8_t *w = tile + p[k];
                __m512i d[8];
                for (int i = 0; i < 8; i++) {
                    d[i] = _mm512_sll_epi32(X512(w, i), c);
                    if (k >= np)
                        d[i] = _mm512_sub_epi32(_mm512_setzero_si512(), d[i]);
                }
                r0 = _mm512_add_epi32(r0, d[0]);
                r1 = _mm512_add_epi32(r1, d[1]);
                r2 = _mm512_add_epi32(r2, d[2]);
                r3 = _mm512_add_epi32(r3, d[3]);
                r4 = _mm512_add_epi32(r4, d[4]);
                r5 = _mm512_add_epi32(r5, d[5]);
                r6 = _mm512_add_epi32(r6, d[6]);
                r7 = _mm512_add_epi32(r7, d[7]);
            }
        }
        p += np + nn;
    }
    __m128i c = _mm_cvtsi32_si128(cur > 0 ? cur : 0);
    r0 = _mm512_sll_epi32(r0, c);
    r1 = _mm512_sll_epi32(r1, c);
    r2 = _mm512_sll_epi32(r2, c);
    r3 = _mm512_sll_epi32(r3, c);
    r4 = _mm512_sll_epi32(r4, c);
    r5 = _mm512_sll_epi32(r5, c);
    r6 = _mm512_sll_epi32(r6, c);
    r7 = _mm512_sll_epi32(r7, c);
    if (!zero) {
        r0 = _mm512_add_epi32(r0, _mm512_loadu_si512(acc + 0));
        r1 = _mm512_add_epi32(r1, _mm512_loadu_si512(acc + 16));
        r2 = _mm512_add_epi32(r2, _mm512_loadu_si512(acc + 32));
        r3 = _mm512_add_epi32(r3, _mm512_loadu_si512(acc + 48));
        r4 = _mm512_add_epi32(r4, _mm512_loadu_si512(acc + 64));
        r5 = _mm512_add_epi32(r5, _mm512_loadu_si512(acc + 80));
        r6 = _mm512_add_epi32(r6, _mm512_loadu_si512(acc + 96));
        r7 = _mm512_add_epi32(r7, _mm512_loadu_si512(acc + 112));
    }
    _mm512_storeu_si512(acc + 0, r0);
    _mm512_storeu_si512(acc + 16, r1);
    _mm512_storeu_si512(acc + 32, r2);
    _mm512_storeu_si512(acc + 48, r3);
    _mm512_storeu_si512(acc + 64, r4);
    _mm512_storeu_si512(acc + 80, r5);
    _mm512_storeu_si512(acc + 96, r6);
    _mm512_storeu_si512(acc + 112, r7);
}

#endif /* __x86_64__ */

sim_kernel_fn sim_simd_kernel(sim_simd v)
{
    switch (v) {
#if defined(__x86_64__)
    case SIM_SIMD_SSE2:
        return k_sse2;
    case SIM_SIMD_AVX2:
        return k_avx2;
    case SIM_SIMD_AVX512:
        return k_avx512;
#endif
    default:
        return k_scalar;
    }
}
