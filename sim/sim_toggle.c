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

/* popcount of a byte */
#define PC2(n) n, n + 1, n + 1, n + 2
#define PC4(n) PC2(n), PC2(n + 1), PC2(n + 1), PC2(n + 2)
#define PC6(n) PC4(n), PC4(n + 1), PC4(n + 1), PC4(n + 2)
static const uint8_t pc8[256] = {PC6(0), PC6(1), PC6(1), PC6(2)};

/* P and D of every axon in column block cb, from q [out][in] word by word
 * (contiguous over axons), both signs. With x in [-128, 128] (nine bits),
 * d = x_a XOR x_b has bit 8 (and every bit above) set iff the signs differ:
 * popcount(d & 0x1FF) = pc8[d & 0xFF] + that bit. */
static void build_block(struct sim *s, size_t cb, int16_t *prev, uint8_t *any)
{
    const size_t in = s->in, C = (size_t)s->cfg.cols, L = (size_t)s->cfg.lanes;
    const size_t j0 = cb * C, j1 = j0 + C < s->out ? j0 + C : s->out;
    const int gate = s->cfg.zero_gating;
    uint32_t *lt = s->ltog + cb * in * 4;
    memset(prev, 0, 2 * L * in * sizeof *prev);
    for (size_t w0 = j0; w0 < j0 + C; w0 += L) {
        memset(any, !gate, in);
        if (gate)
            for (size_t j = w0; j < w0 + L && j < j1; j++) {
                const int8_t *row = s->qw->q + j * in;
                for (size_t i = 0; i < in; i++)
                    any[i] |= row[i] != 0;
            }
        for (size_t l = 0; l < L; l++) {
            size_t j = w0 + l;
            const int8_t *row = j < j1 ? s->qw->q + j * in : NULL;
            int16_t *pp = prev + l * in, *pn = prev + (L + l) * in;
            for (size_t i = 0; i < in; i++) {
                if (!any[i])
                    continue; /* word skipped (zero gating): the operand keeps its value */
                int xp = row ? row[i] : 0, xn = -xp;
                int dp = pp[i] ^ xp, dn = pn[i] ^ xn;
                unsigned sp = (unsigned)(dp >> 8) & 1u, sn = (unsigned)(dn >> 8) & 1u;
                uint32_t *t = lt + i * 4;
                t[0] += pc8[dp & 0xFF] + sp;
                t[1] += sp;
                t[2] += pc8[dn & 0xFF] + sn;
                t[3] += sn;
                pp[i] = (int16_t)xp;
                pn[i] = (int16_t)xn;
            }
        }
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
    int16_t *prev = malloc(2 * L * (in ? in : 1) * sizeof *prev);
    uint8_t *any = malloc(in ? in : 1);
    if (!s->ltog || !prev || !any) {
        free(prev);
        free(any);
        return ax_fail(err, AX_ENOMEM, "out of memory for the lane term toggles");
    }
    for (size_t cb = 0; cb < s->ncb; cb++)
        build_block(s, cb, prev, any);
    free(prev);
    free(any);
    if (kc && (kc->ltog[g] = malloc(n ? n * sizeof *s->ltog : 1)))
        memcpy(kc->ltog[g], s->ltog, n * sizeof *s->ltog);
    return AX_OK;
}
