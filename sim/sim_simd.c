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
 * sums are exact integers and modular arithmetic gives the same result in
 * any order. That lets a run add its positive rows and subtract its negative
 * rows into 16-bit partials (widened to 32 bits before they could overflow),
 * and apply the shift once per run (Horner: a later run of smaller shift s
 * first scales what was summed by 2^(cur - s)), instead of one multiply per
 * event. The result is added to acc (or stored, zero = 1). Where the bound
 * fails the chip takes the exact, event-ordered path with the overflow flag
 * (sim_core_add).
 *
 * One kernel per instruction set: a portable C loop, SSE2 (baseline x86-64),
 * AVX2 and AVX-512BW, the x86 ones one body (KBODY) compiled with target
 * attributes and chosen at run time (__builtin_cpu_supports), so one binary
 * runs at the width of the machine it runs on and still builds elsewhere.
 * AXON_SIMD (scalar, sse2, avx2, avx512) forces one; every kernel gives the
 * same bits (tests/test_sim_perf.c).
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
    return ax_fail(err, AX_EPARAM,
                   "unknown SIMD path '%s' (hint: auto, scalar, sse2, avx2 or avx512)", name);
}

int sim_simd_supported(sim_simd v)
{
    switch (v) {
    case SIM_SIMD_AUTO:
    case SIM_SIMD_SCALAR: return 1;
#if defined(__x86_64__)
    case SIM_SIMD_SSE2: return 1; /* part of x86-64 */
    case SIM_SIMD_AVX2: __builtin_cpu_init(); return __builtin_cpu_supports("avx2");
    case SIM_SIMD_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#endif
    default: return 0;
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
        return ax_fail(err, AX_EPARAM,
                       "SIMD path %s is not available on this machine (hint: "
                       "AXON_SIMD=%s, the best it has, or leave AXON_SIMD unset)",
                       sim_simd_name(want), sim_simd_name(sim_simd_best()));
    *got = want;
    return AX_OK;
}

/* ---- portable C ---- */

static void k_scalar(const sim_kseg *seg, size_t nseg, int32_t *acc, int zero)
{
    /* unsigned: wrapping is defined, the exact result fits */
    uint32_t a[SIM_CW], t[SIM_CW]; /* a: in units of 2^cur (Horner); t: folded, in units of 1 */
    memset(a, 0, sizeof a);
    memset(t, 0, sizeof t);
    int cur = -1;
    for (size_t g = 0; g < nseg; g++) {
        const uint32_t *p = seg[g].p, *pe = seg[g].pe;
        const int8_t *tile = seg[g].tile;
        while (p < pe) {
            int sh = (int)p[0];
            uint32_t np = p[1], nn = p[2];
            p += 3;
            if (cur < 0)
                cur = sh;
            else if (sh < cur) {
                for (int j = 0; j < SIM_CW; j++)
                    a[j] <<= cur - sh;
                cur = sh;
            } else if (sh > cur) { /* fold a into t, restart at the larger shift */
                for (int j = 0; j < SIM_CW; j++) {
                    t[j] += a[j] << cur;
                    a[j] = 0;
                }
                cur = sh;
            }
            for (uint32_t k = 0; k < np; k++) {
                const int8_t *w = tile + p[k];
                for (int j = 0; j < SIM_CW; j++)
                    a[j] += (uint32_t)(int32_t)w[j];
            }
            for (uint32_t k = np; k < np + nn; k++) {
                const int8_t *w = tile + p[k];
                for (int j = 0; j < SIM_CW; j++)
                    a[j] -= (uint32_t)(int32_t)w[j];
            }
            p += np + nn;
        }
    }
    for (int j = 0; j < SIM_CW; j++)
        acc[j] = (int32_t)((zero ? 0 : (uint32_t)acc[j]) + t[j] + (cur > 0 ? a[j] << cur : a[j]));
}

#if defined(__x86_64__)

/* ---- x86: one kernel body, three instruction sets ----
 *
 * Per pass of PASS lanes (128 / PASS passes over the same program) the body
 * keeps 8 int32 vectors r0..r7 and 4 int16 vectors h0..h3 in registers.
 * A run's rows are added into the 16-bit partials h (one sign extension and
 * one add per vector of 16-bit lanes, half the work of 32-bit lanes); each
 * event adds at most W_MAX in magnitude to a lane, so the partials are
 * widened into r before they could leave int16 (H_LIMIT), and when a smaller
 * shift follows (Horner) h is scaled in place if its bound allows. A shift
 * larger than the current one (no coding emits it) adds shifted rows into r
 * directly. The X_* macros of each instruction set name the vector ops. */
#define H_LIMIT 32767u
#define W_MAX 128u

#define RS(OP) OP(r0, 0) OP(r1, 1) OP(r2, 2) OP(r3, 3) OP(r4, 4) OP(r5, 5) OP(r6, 6) OP(r7, 7)
#define HS(OP) OP(h0, r0, r1, 0) OP(h1, r2, r3, 1) OP(h2, r4, r5, 2) OP(h3, r6, r7, 3)
#define TS(OP) OP(t0, 0) OP(t1, 1) OP(t2, 2) OP(t3, 3) OP(t4, 4) OP(t5, 5) OP(t6, 6) OP(t7, 7)

#define KBODY(X)                                                                                   \
    for (int off = 0; off < SIM_CW; off += X##_PASS) {                                             \
        int32_t *acc = acc0 + off;                                                                 \
        X##_V r0, r1, r2, r3, r4, r5, r6, r7, h0, h1, h2, h3;                                      \
        X##_V t0, t1, t2, t3, t4, t5, t6, t7;                                                      \
        RS(X##_ZERO_R)                                                                             \
        HS(X##_ZERO_H)                                                                             \
        TS(X##_ZERO_R)                                                                             \
        int cur = -1, rnz = 0, tnz = 0;                                                            \
        uint32_t hb = 0; /* bound on |h| */                                                        \
        for (size_t g = 0; g < nseg; g++) {                                                        \
            const int8_t *tile = seg[g].tile + off;                                                \
            const uint32_t *p = seg[g].p, *pe = seg[g].pe;                                         \
            while (p < pe) {                                                                       \
                int sh = (int)p[0];                                                                \
                uint32_t np = p[1], nn = p[2];                                                     \
                const uint32_t *q = p + 3, *qp = q + np, *qe = qp + nn;                            \
                p = qe;                                                                            \
                if (cur < 0)                                                                       \
                    cur = sh;                                                                      \
                else if (sh < cur) { /* Horner: everything so far times 2^(cur - sh) */            \
                    __m128i c = _mm_cvtsi32_si128(cur - sh);                                       \
                    if (hb && ((uint64_t)hb << (cur - sh)) > H_LIMIT) {                            \
                        HS(X##_FLUSH_H)                                                            \
                        hb = 0;                                                                    \
                        rnz = 1;                                                                   \
                    }                                                                              \
                    if (hb) {                                                                      \
                        HS(X##_SHL_H)                                                              \
                        hb <<= cur - sh;                                                           \
                    }                                                                              \
                    if (rnz) {                                                                     \
                        RS(X##_SHL_R)                                                              \
                    }                                                                              \
                    cur = sh;                                                                      \
                } else if (sh > cur) { /* fold into t (units of 1), restart at sh */               \
                    if (hb) {                                                                      \
                        HS(X##_FLUSH_H)                                                            \
                        hb = 0;                                                                    \
                        rnz = 1;                                                                   \
                    }                                                                              \
                    if (rnz) {                                                                     \
                        __m128i c = _mm_cvtsi32_si128(cur);                                        \
                        RS(X##_FOLD_R)                                                             \
                        rnz = 0;                                                                   \
                        tnz = 1;                                                                   \
                    }                                                                              \
                    cur = sh;                                                                      \
                }                                                                                  \
                while (q < qe) {                                                                   \
                    uint32_t room = (H_LIMIT - hb) / W_MAX;                                        \
                    if (!room) {                                                                   \
                        HS(X##_FLUSH_H)                                                            \
                        hb = 0;                                                                    \
                        rnz = 1;                                                                   \
                        room = H_LIMIT / W_MAX;                                                    \
                    }                                                                              \
                    const uint32_t *e = q < qp ? qp : qe;                                          \
                    if ((size_t)(e - q) > room)                                                    \
                        e = q + room;                                                              \
                    hb += (uint32_t)(e - q) * W_MAX;                                               \
                    if (q < qp)                                                                    \
                        for (; q < e; q++) {                                                       \
                            const int8_t *w = tile + *q;                                           \
                            X##_ADD_ROW(add)                                                       \
                        }                                                                          \
                    else                                                                           \
                        for (; q < e; q++) {                                                       \
                            const int8_t *w = tile + *q;                                           \
                            X##_ADD_ROW(sub)                                                       \
                        }                                                                          \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        if (hb) {                                                                                  \
            HS(X##_FLUSH_H)                                                                        \
            rnz = 1;                                                                               \
        }                                                                                          \
        __m128i c = _mm_cvtsi32_si128(cur > 0 ? cur : 0);                                          \
        if (rnz) {                                                                                 \
            RS(X##_FOLD_R)                                                                         \
        }                                                                                          \
        (void)tnz;                                                                                 \
        TS(X##_STORE_R)                                                                            \
    }

/* ---- SSE2 (the x86-64 baseline): 32 lanes per pass, four passes ---- */

#define S2_PASS 32
#define S2_V __m128i
#define S2_ZERO_R(r, i) r = _mm_setzero_si128();
#define S2_ZERO_H(h, ra, rb, k) h = _mm_setzero_si128();
#define S2_FLUSH_H(h, ra, rb, k)                                                                   \
    ra = _mm_add_epi32(ra, _mm_srai_epi32(_mm_unpacklo_epi16(h, h), 16));                          \
    rb = _mm_add_epi32(rb, _mm_srai_epi32(_mm_unpackhi_epi16(h, h), 16));                          \
    h = _mm_setzero_si128();
#define S2_SHL_H(h, ra, rb, k) h = _mm_sll_epi16(h, c);
#define S2_SHL_R(r, i) r = _mm_sll_epi32(r, c);
/* bytes 0..15 sign-extended: lo = lanes 0..7, hi = lanes 8..15 (16 bits) */
#define S2_ADD_ROW(op)                                                                             \
    {                                                                                              \
        __m128i x0 = _mm_loadu_si128((const __m128i *)w);                                          \
        __m128i x1 = _mm_loadu_si128((const __m128i *)(w + 16));                                   \
        h0 = _mm_##op##_epi16(h0, _mm_srai_epi16(_mm_unpacklo_epi8(x0, x0), 8));                   \
        h1 = _mm_##op##_epi16(h1, _mm_srai_epi16(_mm_unpackhi_epi8(x0, x0), 8));                   \
        h2 = _mm_##op##_epi16(h2, _mm_srai_epi16(_mm_unpacklo_epi8(x1, x1), 8));                   \
        h3 = _mm_##op##_epi16(h3, _mm_srai_epi16(_mm_unpackhi_epi8(x1, x1), 8));                   \
    }
#define S2_FOLD_R(r, i) /* t_i += r_i << cur, r_i = 0 */                                           \
    t##i = _mm_add_epi32(t##i, _mm_sll_epi32(r, c));                                               \
    r = _mm_setzero_si128();
#define S2_STORE_R(t, i)                                                                           \
    {                                                                                              \
        __m128i *a = (__m128i *)(acc + 4 * (i));                                                   \
        _mm_storeu_si128(a, zero ? t : _mm_add_epi32(t, _mm_loadu_si128(a)));                      \
    }

__attribute__((target("sse2"))) static void k_sse2(const sim_kseg *seg, size_t nseg, int32_t *acc0,
                                                   int zero)
{
    KBODY(S2)
}

/* ---- AVX2: 64 lanes per pass, two passes ---- */

#define A2_PASS 64
#define A2_V __m256i
#define A2_ZERO_R(r, i) r = _mm256_setzero_si256();
#define A2_ZERO_H(h, ra, rb, k) h = _mm256_setzero_si256();
#define A2_FLUSH_H(h, ra, rb, k)                                                                   \
    ra = _mm256_add_epi32(ra, _mm256_cvtepi16_epi32(_mm256_castsi256_si128(h)));                   \
    rb = _mm256_add_epi32(rb, _mm256_cvtepi16_epi32(_mm256_extracti128_si256(h, 1)));              \
    h = _mm256_setzero_si256();
#define A2_SHL_H(h, ra, rb, k) h = _mm256_sll_epi16(h, c);
#define A2_SHL_R(r, i) r = _mm256_sll_epi32(r, c);
#define A2_X16(k) _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + 16 * (k))))
#define A2_ADD_ROW(op)                                                                             \
    h0 = _mm256_##op##_epi16(h0, A2_X16(0));                                                       \
    h1 = _mm256_##op##_epi16(h1, A2_X16(1));                                                       \
    h2 = _mm256_##op##_epi16(h2, A2_X16(2));                                                       \
    h3 = _mm256_##op##_epi16(h3, A2_X16(3));
#define A2_FOLD_R(r, i)                                                                            \
    t##i = _mm256_add_epi32(t##i, _mm256_sll_epi32(r, c));                                         \
    r = _mm256_setzero_si256();
#define A2_STORE_R(t, i)                                                                           \
    {                                                                                              \
        __m256i *a = (__m256i *)(acc + 8 * (i));                                                   \
        _mm256_storeu_si256(a, zero ? t : _mm256_add_epi32(t, _mm256_loadu_si256(a)));             \
    }

__attribute__((target("avx2"))) static void k_avx2(const sim_kseg *seg, size_t nseg, int32_t *acc0,
                                                   int zero)
{
    KBODY(A2)
}

/* ---- AVX-512BW: all 128 lanes in one pass ---- */

#define A5_PASS 128
#define A5_V __m512i
#define A5_ZERO_R(r, i) r = _mm512_setzero_si512();
#define A5_ZERO_H(h, ra, rb, k) h = _mm512_setzero_si512();
#define A5_FLUSH_H(h, ra, rb, k)                                                                   \
    ra = _mm512_add_epi32(ra, _mm512_cvtepi16_epi32(_mm512_castsi512_si256(h)));                   \
    rb = _mm512_add_epi32(rb, _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(h, 1)));             \
    h = _mm512_setzero_si512();
#define A5_SHL_H(h, ra, rb, k) h = _mm512_sll_epi16(h, c);
#define A5_SHL_R(r, i) r = _mm512_sll_epi32(r, c);
#define A5_X16(k) _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(w + 32 * (k))))
#define A5_ADD_ROW(op)                                                                             \
    h0 = _mm512_##op##_epi16(h0, A5_X16(0));                                                       \
    h1 = _mm512_##op##_epi16(h1, A5_X16(1));                                                       \
    h2 = _mm512_##op##_epi16(h2, A5_X16(2));                                                       \
    h3 = _mm512_##op##_epi16(h3, A5_X16(3));
#define A5_FOLD_R(r, i)                                                                            \
    t##i = _mm512_add_epi32(t##i, _mm512_sll_epi32(r, c));                                         \
    r = _mm512_setzero_si512();
#define A5_STORE_R(t, i)                                                                           \
    {                                                                                              \
        __m512i v = t;                                                                             \
        if (!zero)                                                                                 \
            v = _mm512_add_epi32(v, _mm512_loadu_si512(acc + 16 * (i)));                           \
        _mm512_storeu_si512(acc + 16 * (i), v);                                                    \
    }

__attribute__((target("avx512f,avx512bw"))) static void k_avx512(const sim_kseg *seg, size_t nseg,
                                                                 int32_t *acc0, int zero){KBODY(A5)}

#endif /* __x86_64__ */

sim_kernel_fn sim_simd_kernel(sim_simd v)
{
    switch (v) {
#if defined(__x86_64__)
    case SIM_SIMD_SSE2: return k_sse2;
    case SIM_SIMD_AVX2: return k_avx2;
    case SIM_SIMD_AVX512: return k_avx512;
#endif
    default: return k_scalar;
    }
}
