/*
 * sim_toggle — the switching of the lane adders' term operand, counted as
 * lane_term_toggles (sim.h SIM_COUNTERS; docs/sim.md "Counters", docs/power.md
 * "Calibration").
 *
 * What it models: lane l of the core's accumulator adds, for every word w an
 * event issues, the term t = ±(q << shift) of output w·L + l, a TW-bit two's
 * complement value (rtl/axon_acc.sv: TW = max(A, 39) + 2, 39 = 8 + 2^5 − 1
 * bits of |q << shift|). The adder's energy follows the Hamming distance of
 * its operand from one word to the next (the data-dependent "dual bit type"
 * model: low bits that toggle like data, sign bits that all toggle when the
 * sign changes; P. E. Landman and J. M. Rabaey, "Architectural power analysis:
 * the dual bit type method", IEEE Trans. VLSI Systems 3(2), 1995). The counter
 * is, summed over the events of a core,
 *   Σ over the words the event adds (with zero gating its nonzero words, else
 *   all W), over the L lanes: popcount(t_prev XOR t) in TW bits,
 * with t_prev the lane's term of the event's previous word, and 0 before its
 * first word (each event counted from a zero operand, so the count is a
 * function of the row, the sign and the shift alone; the gate-level check in
 * docs/power.md measures what that leaves out).
 *
 * Within one event the sign s and shift h are shared, so with x = s·q (|x| <=
 * 128, nine bits as two's complement) popcount((x_a << h) XOR (x_b << h)) in
 * TW bits is popcount((x_a XOR x_b) & 0x1FF) + [x_a < 0 != x_b < 0]·(TW − 9 −
 * h). Per (column block, axon) and sign the weights give two numbers once, P
 * (the low-bit toggles) and D (the sign changes); an event adds P_s + D_s·(TW
 * − 9 − h), and the chip sums them from the per-axon event and shift counts
 * split by sign (sim_chip.c), so the cost is one pass over the weights, none
 * per event or per lane add, and the count is the same for every SIMD path
 * and thread count.
 */
#include "sim_int.h"

#include <stdlib.h>
#include <string.h>

int sim_toggle_width(int acc_bits)
{
    const int tmax = 8 + 31; /* |q << shift| < 2^(8 + 2^SW − 1), SW = 5 */
    return (acc_bits > tmax ? acc_bits : tmax) + 2;
}

uint64_t sim_toggle_event(const uint32_t *ltog, int neg, int shift, int tw)
{
    const uint32_t *t = ltog + (neg ? 2 : 0);
    return (uint64_t)t[0] + (uint64_t)t[1] * (uint64_t)(tw - 9 - shift);
}

/* P and D of every axon in column block cb, from q [out][in] word by word
 * (contiguous over axons), both signs. With x in [-128, 128] (nine bits),
 * d = x_a XOR x_b has bit 8 (and every bit above) set iff the signs differ,
 * so popcount(d & 0x1FF) = popcount(d & 0xFF) + that bit. The loop over the
 * axons is branchless (a skipped word, zero gating, adds nothing and keeps
 * the operand: masks) and written for the vectorizer in 16-bit lanes: one
 * copy for AVX-512BW, one for AVX2, one for the x86-64 baseline (SSE2) or
 * any other CPU, chosen as the accumulation's path; the same integers
 * (tests compare every path and thread count). acc holds P+, D+, P-, D- as
 * four rows of `in` counts; prev the previous term of each lane and sign;
 * zero a row of `in` zeros (the lanes past the layer's last output). */
#define TOGGLE_BLOCK_BODY                                                                          \
    const size_t in = s->in, C = (size_t)s->cfg.cols, L = (size_t)s->cfg.lanes;                    \
    const size_t j0 = cb * C, j1 = j0 + C < s->out ? j0 + C : s->out;                              \
    const int gate = s->cfg.zero_gating;                                                           \
    uint16_t *pP = acc, *pD = acc + in, *nP = acc + 2 * in, *nD = acc + 3 * in;                    \
    memset(acc, 0, 4 * in * sizeof *acc);                                                          \
    memset(prev, 0, 2 * L * in * sizeof *prev);                                                    \
    for (size_t w0 = j0; w0 < j0 + C; w0 += L) {                                                   \
        memset(any, !gate, in);                                                                    \
        if (gate)                                                                                  \
            for (size_t j = w0; j < w0 + L && j < j1; j++) {                                       \
                const int8_t *row = s->qw->q + j * in;                                             \
                for (size_t i = 0; i < in; i++)                                                    \
                    any[i] |= row[i] != 0;                                                         \
            }                                                                                      \
        for (size_t l = 0; l < L; l++) {                                                           \
            size_t j = w0 + l;                                                                     \
            const int8_t *row = j < j1 ? s->qw->q + j * in : zero;                                 \
            lane_pass(in, row, any, prev + l * in, prev + (L + l) * in, pP, pD, nP, nD);           \
        }                                                                                          \
    }

/* One lane of one word over every axon: every pointer its own array, so
 * the loop vectorizes without alias checks (inlined into both copies). */
static inline __attribute__((always_inline, optimize("tree-vectorize"))) void
lane_pass(size_t in, const int8_t *restrict row, const uint8_t *restrict any, int16_t *restrict pp,
          int16_t *restrict pn, uint16_t *restrict pP, uint16_t *restrict pD, uint16_t *restrict nP,
          uint16_t *restrict nD)
{
    /* 16-bit lanes throughout: every value fits nine bits, and a column
     * block's counts at most 10 per lane (C <= 4096: < 2^16) */
    for (size_t i = 0; i < in; i++) {
        int16_t m = (int16_t) - (int16_t)any[i], xp = row[i], xn = (int16_t)-xp;
        int16_t dp = (int16_t)((pp[i] ^ xp) & m & 0x1FF), dn = (int16_t)((pn[i] ^ xn) & m & 0x1FF);
        int16_t sp = (int16_t)(dp >> 8), sn = (int16_t)(dn >> 8);
        int16_t vp = (int16_t)(dp & 0xFF), vn = (int16_t)(dn & 0xFF);
        vp = (int16_t)(vp - ((vp >> 1) & 0x55));
        vn = (int16_t)(vn - ((vn >> 1) & 0x55));
        vp = (int16_t)((vp & 0x33) + ((vp >> 2) & 0x33));
        vn = (int16_t)((vn & 0x33) + ((vn >> 2) & 0x33));
        vp = (int16_t)((vp + (vp >> 4)) & 0x0F);
        vn = (int16_t)((vn + (vn >> 4)) & 0x0F);
        pP[i] = (uint16_t)(pP[i] + vp + sp);
        pD[i] = (uint16_t)(pD[i] + sp);
        nP[i] = (uint16_t)(nP[i] + vn + sn);
        nD[i] = (uint16_t)(nD[i] + sn);
        pp[i] = (int16_t)((xp & m) | (pp[i] & ~m));
        pn[i] = (int16_t)((xn & m) | (pn[i] & ~m));
    }
}

__attribute__((optimize("tree-vectorize"))) static void
block_portable(const struct sim *s, size_t cb, int16_t *restrict prev, uint8_t *restrict any,
               uint16_t *restrict acc, const int8_t *zero)
{
    TOGGLE_BLOCK_BODY
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"), optimize("tree-vectorize"))) static void
block_avx2(const struct sim *s, size_t cb, int16_t *restrict prev, uint8_t *restrict any,
           uint16_t *restrict acc, const int8_t *zero)
{
    TOGGLE_BLOCK_BODY
}

__attribute__((target("avx512f,avx512bw"), optimize("tree-vectorize"))) static void
block_avx512(const struct sim *s, size_t cb, int16_t *restrict prev, uint8_t *restrict any,
             uint16_t *restrict acc, const int8_t *zero)
{
    TOGGLE_BLOCK_BODY
}
#endif

typedef struct {
    struct sim *s;
    int16_t *prev; /* [workers][2 L in] */
    uint8_t *any;  /* [workers][in] */
    uint16_t *acc; /* [workers][4 in] */
    const int8_t *zero;
    sim_simd simd;
} tog_ctx;

static void tog_unit(void *p, size_t b, size_t e, int worker)
{
    tog_ctx *c = p;
    struct sim *s = c->s;
    const size_t in = s->in, L = (size_t)s->cfg.lanes, w = (size_t)worker;
    int16_t *prev = c->prev + w * 2 * L * in;
    uint8_t *any = c->any + w * in;
    uint16_t *acc = c->acc + w * 4 * in;
    for (size_t cb = b; cb < e; cb++) {
#if defined(__x86_64__) && defined(__GNUC__)
        if (c->simd >= SIM_SIMD_AVX512)
            block_avx512(s, cb, prev, any, acc, c->zero);
        else if (c->simd >= SIM_SIMD_AVX2)
            block_avx2(s, cb, prev, any, acc, c->zero);
        else
#endif
            block_portable(s, cb, prev, any, acc, c->zero);
        uint32_t *lt = s->ltog + cb * in * 4; /* [axon][P+, D+, P-, D-] */
        for (size_t i = 0; i < in; i++)
            for (size_t k = 0; k < 4; k++)
                lt[i * 4 + k] = acc[k * in + i];
    }
}

ax_result sim_toggle_build(struct sim *s, char **err)
{
    const size_t in = s->in, L = (size_t)s->cfg.lanes;
    free(s->ltog);
    size_t n = s->ncb * in * 4;
    s->ltog = calloc(n ? n : 1, sizeof *s->ltog);
    /* prepared weights shared by several sims (a sweep): computed once per
     * (C, L, zero gating), kept beside the nonzero counts */
    sim_wcounts *kc = NULL;
    if (s->sw)
        for (size_t k = 0; k < s->sw->ncnt; k++)
            if (s->sw->cnt[k].C == s->cfg.cols && s->sw->cnt[k].L == s->cfg.lanes)
                kc = &s->sw->cnt[k];
    const int g = s->cfg.zero_gating != 0;
    if (s->ltog && kc && kc->ltog[g]) {
        memcpy(s->ltog, kc->ltog[g], n * sizeof *s->ltog);
        return AX_OK;
    }
    /* column blocks on the run's threads: each writes its own entries */
    int nw = ax_parallel_workers(s->ex.threads < 1 ? 1 : s->ex.threads, s->ncb, 1);
    sim_simd v = SIM_SIMD_SCALAR; /* the accumulation's path: tests run every one */
    tog_ctx c = {.s = s, .simd = sim_simd_resolve(s->ex.simd, &v, NULL) ? SIM_SIMD_SCALAR : v};
    c.prev = malloc((size_t)nw * 2 * L * (in ? in : 1) * sizeof *c.prev);
    c.any = malloc((size_t)nw * (in ? in : 1));
    c.acc = malloc((size_t)nw * 4 * (in ? in : 1) * sizeof *c.acc);
    int8_t *zero = calloc(in ? in : 1, 1);
    c.zero = zero;
    if (!s->ltog || !c.prev || !c.any || !c.acc || !zero) {
        free(c.prev), free(c.any), free(c.acc), free(zero);
        return ax_fail(err, AX_ENOMEM, "out of memory for the lane term toggles");
    }
    ax_parallel_for(nw, s->ncb, 1, tog_unit, &c);
    free(c.prev), free(c.any), free(c.acc), free(zero);
    if (kc && (kc->ltog[g] = malloc(n ? n * sizeof *s->ltog : 1)))
        memcpy(kc->ltog[g], s->ltog, n * sizeof *s->ltog);
    return AX_OK;
}
