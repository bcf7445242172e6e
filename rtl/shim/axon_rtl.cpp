/*
 * axon_rtl — the C++ shim between C callers and the Verilated core
 * (rtl/shim/axon_rtl.h). It owns the Verilator context and model, drives the
 * clock (sync: one axon_rtl_step = one cycle: inputs set with the clock low,
 * outputs sampled, then the rising edge), feeds the valid/ready item port from
 * a queue, turns the obs_* outputs into stamps with item/token indices, and
 * reassembles readout beats into accumulators (accumulator j at bits
 * [j*A, (j+1)*A) of the beat stream, docs/core-timing.md rule 4).
 * The build passes the verilated parameters as AXON_RTL_* macros, so the shim
 * can refuse a mismatching request instead of silently simulating another core.
 */
#include "axon_rtl.h"

#include "verilated.h"
#include AXON_RTL_MODEL_H
#if VM_TRACE
#include "verilated_vcd_c.h"
#endif
#if VM_COVERAGE
#include "verilated_cov.h"
#endif

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#ifndef AXON_RTL_VARIANT
#define AXON_RTL_VARIANT "sync"
#endif

namespace {

// Bit access to Verilator ports of any width (CData/SData/IData/QData/VlWide).
template <typename T> uint64_t limb(const T &v, int i) { return i == 0 ? (uint64_t)v : 0; }
template <std::size_t N> uint64_t limb(const VlWide<N> &v, int i)
{
    uint64_t lo = (2 * i < (int)N) ? v[2 * i] : 0, hi = (2 * i + 1 < (int)N) ? v[2 * i + 1] : 0;
    return lo | (hi << 32);
}
template <typename T> void set_limbs(T &v, const uint64_t *x) { v = (T)x[0]; }
template <std::size_t N> void set_limbs(VlWide<N> &v, const uint64_t *x)
{
    for (std::size_t w = 0; w < N; w++) v[w] = (uint32_t)(x[w / 2] >> (32 * (w % 2)));
}

int popcount64(uint64_t x) { return __builtin_popcountll(x); }

} // namespace

struct axon_rtl {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<AXON_RTL_MODEL> m;
    axon_rtl_params p;
    int W = 0, B = 0;
    std::vector<axon_rtl_item> q;
    size_t qhead = 0;
    size_t neot = 0;
    int64_t now = 0;       // cycle of the next step
    int64_t hs = 0;        // simulation half-period ticks (sync: 1 tick = half cycle)
    int64_t n_acc = 0, n_start = 0, cur_item = -1, tokens_done = 0, tail_drain = 0;
    bool stepped = false;
    std::vector<uint8_t> bits;  // B*RB readout bits of the current token
    std::vector<int32_t> acc;   // C accumulators of the last finished token
#if VM_TRACE
    std::unique_ptr<VerilatedVcdC> vcd;
    int64_t wfrom = 0, wto = -1;
#endif

    void tick_half(int clk)
    {
        m->clk = clk;
        m->eval();
        ctx->timeInc(1);
    }
    void dump(int64_t t)
    {
#if VM_TRACE
        if (vcd && now >= wfrom && now <= wto) vcd->dump((uint64_t)t);
#else
        (void)t;
#endif
    }
};

extern "C" {

void axon_rtl_built(axon_rtl_params *p)
{
    std::memset(p, 0, sizeof *p);
    p->rows = AXON_RTL_R;
    p->cols = AXON_RTL_C;
    p->lanes = AXON_RTL_L;
    p->sram_latency = AXON_RTL_LS;
    p->fifo_depth = AXON_RTL_F;
    p->acc_bits = AXON_RTL_A;
    p->readout_bits = AXON_RTL_RB;
    p->double_buffer = AXON_RTL_DB;
    p->zero_gating = AXON_RTL_GATE;
    p->async = 0;
}

const char *axon_rtl_variant(void) { return AXON_RTL_VARIANT; }

ax_result axon_rtl_new(const axon_rtl_params *p, uint64_t seed, axon_rtl **out, char **err)
{
    axon_rtl_params b;
    axon_rtl_built(&b);
    const struct { const char *name; int want, have; } chk[] = {
        {"rows (R)", p->rows, b.rows},           {"cols (C)", p->cols, b.cols},
        {"lanes (L)", p->lanes, b.lanes},        {"sram_latency", p->sram_latency, b.sram_latency},
        {"fifo_depth", p->fifo_depth, b.fifo_depth}, {"acc_bits", p->acc_bits, b.acc_bits},
        {"readout_bits", p->readout_bits, b.readout_bits},
        {"double_buffer", p->double_buffer, b.double_buffer},
        {"zero_gating", p->zero_gating, b.zero_gating}, {"async", p->async, b.async},
    };
    for (const auto &c : chk)
        if (c.want != c.have)
            return ax_fail(err, AX_EPARAM,
                           "RTL build '%s': parameter %s is %d, requested %d (hint: build a "
                           "variant with make rtl RTL_PARAMS='R=.. C=.. L=..', see docs/rtl.md)",
                           AXON_RTL_VARIANT, c.name, c.have, c.want);
    axon_rtl *h = new axon_rtl;
    h->p = b;
    h->W = (b.cols + b.lanes - 1) / b.lanes;
    h->B = (b.cols * b.acc_bits + b.readout_bits - 1) / b.readout_bits;
    h->bits.assign((size_t)h->B * b.readout_bits, 0);
    h->acc.assign((size_t)b.cols, 0);
    h->ctx.reset(new VerilatedContext);
    if (seed) {
        h->ctx->randReset(2);
        h->ctx->randSeed((int)(seed & 0x7fffffff));
    }
    const char *plus = std::getenv("AXON_RTL_PLUSARGS");
    if (plus && *plus) {
        static std::string keep;
        keep = plus;
        const char *argv[] = {"axon-rtl", keep.c_str()};
        h->ctx->commandArgs(2, argv);
    }
#if VM_TRACE
    h->ctx->traceEverOn(true);
#endif
    h->m.reset(new AXON_RTL_MODEL{h->ctx.get()});
    h->m->rst_n = 0;
    h->m->in_valid = 0;
    h->m->ld_en = 0;
    for (int i = 0; i < 4; i++) {
        h->tick_half(0);
        h->tick_half(1);
    }
    *out = h;
    return AX_OK;
}

ax_result axon_rtl_load_row(axon_rtl *h, uint32_t axon, const int8_t *w, char **err)
{
    if (h->stepped)
        return ax_fail(err, AX_EPARAM, "axon_rtl_load_row: weights must be loaded before the first step");
    if (axon >= (uint32_t)h->p.rows)
        return ax_fail(err, AX_EPARAM, "axon_rtl_load_row: axon %u >= rows %d", axon, h->p.rows);
    for (int wd = 0; wd < h->W; wd++) {
        uint64_t x[4] = {0, 0, 0, 0};
        for (int l = 0; l < h->p.lanes; l++) {
            int j = wd * h->p.lanes + l;
            uint8_t v = j < h->p.cols ? (uint8_t)w[j] : 0;
            x[(8 * l) / 64] |= (uint64_t)v << ((8 * l) % 64);
        }
        h->m->ld_en = 1;
        h->m->ld_addr = (uint32_t)(axon * (uint32_t)h->W + (uint32_t)wd);
        set_limbs(h->m->ld_data, x);
        h->tick_half(0);
        h->tick_half(1);
    }
    h->m->ld_en = 0;
    return AX_OK;
}

ax_result axon_rtl_push(axon_rtl *h, const axon_rtl_item *items, size_t n, char **err)
{
    for (size_t i = 0; i < n; i++) {
        const axon_rtl_item &it = items[i];
        if (!it.eot && (it.axon >= (uint32_t)h->p.rows || it.shift < 0 || it.shift > 31))
            return ax_fail(err, AX_EPARAM, "axon_rtl_push: item %zu: axon %u (rows %d) or shift %d out of range",
                           h->q.size(), it.axon, h->p.rows, it.shift);
        h->q.push_back(it);
        h->neot += it.eot ? 1 : 0;
    }
    return AX_OK;
}

ax_result axon_rtl_wave(axon_rtl *h, const char *path, int64_t from, int64_t to, char **err)
{
#if VM_TRACE
    h->vcd.reset(new VerilatedVcdC);
    h->m->trace(h->vcd.get(), 99);
    h->vcd->open(path);
    if (!h->vcd->isOpen())
        return ax_fail(err, AX_EIO, "%s: cannot open for the waveform (hint: check the directory)", path);
    h->wfrom = from;
    h->wto = to;
    return AX_OK;
#else
    (void)h; (void)from; (void)to;
    return ax_fail(err, AX_EUNSUPPORTED,
                   "%s: RTL build '%s' has no tracing (hint: make rtl-trace, then use the trace build)",
                   path, AXON_RTL_VARIANT);
#endif
}

int axon_rtl_step(axon_rtl *h, axon_rtl_stamp *st)
{
    auto &m = *h->m;
    if (!h->stepped) {
        m.rst_n = 1;
        h->stepped = true;
    }
    std::memset(st, 0, sizeof *st);
    st->time = h->now;
    st->beat = -1;
    bool have = h->qhead < h->q.size();
    if (have) {
        const axon_rtl_item &it = h->q[h->qhead];
        m.in_valid = 1;
        m.in_eot = it.eot ? 1 : 0;
        m.in_axon = it.eot ? 0 : it.axon;
        m.in_neg = it.neg ? 1 : 0;
        m.in_shift = (uint8_t)(it.eot ? 0 : it.shift);
    } else {
        m.in_valid = 0;
    }
    m.clk = 0;
    m.eval();
    if (have && m.in_ready) {
        st->accepted = 1;
        st->accept_item = h->n_acc++;
        h->qhead++;
    }
    if (m.obs_start) {
        st->started = 1;
        st->start_item = h->n_start++;
        if (!h->q[(size_t)st->start_item].eot) h->cur_item = st->start_item;
    }
    if (m.obs_issue) {
        st->issued = 1;
        st->issue_item = h->cur_item;
        st->word = (int)m.obs_word;
        st->skipped = m.obs_skip ? 1 : 0;
    }
    st->lanes_added = popcount64((uint64_t)m.obs_lanes);
    if (m.ro_valid) {
        int b = (int)m.ro_beat, RB = h->p.readout_bits;
        st->beat = b;
        st->beat_token = h->tokens_done;
        for (int i = 0; i < 4; i++) st->beat_data[i] = limb(m.ro_data, i);
        for (int i = 0; i < RB; i++)
            h->bits[(size_t)b * RB + i] = (uint8_t)((st->beat_data[i / 64] >> (i % 64)) & 1);
        if (m.ro_last) {
            int A = h->p.acc_bits;
            for (int j = 0; j < h->p.cols; j++) {
                uint32_t v = 0;
                for (int k = 0; k < A; k++) v |= (uint32_t)h->bits[(size_t)j * A + k] << k;
                if (A < 32 && (v >> (A - 1)) & 1) v |= ~0u << A;
                h->acc[(size_t)j] = (int32_t)v;
            }
            st->token_done = 1;
            h->tokens_done++;
        }
    }
    h->dump(2000 * h->now); // VCD in ps at 500 MHz (the default clock): 2 ns per cycle
    h->ctx->timeInc(1);
    m.clk = 1;
    m.eval();
    h->dump(2000 * h->now + 1000);
    h->ctx->timeInc(1);
    h->now++;
    bool all_in = h->qhead == h->q.size() && (size_t)h->n_start == h->q.size();
    if (all_in && (size_t)h->tokens_done == h->neot) {
        // events after the last EOT (if any) drain through the read stage
        if (h->q.empty() || h->q.back().eot) return 0;
        return ++h->tail_drain < h->W + h->p.sram_latency + 1;
    }
    return 1;
}

const int32_t *axon_rtl_acc(const axon_rtl *h) { return h->acc.data(); }
int axon_rtl_overflow(const axon_rtl *h) { return h->m->ovf ? 1 : 0; }
uint64_t axon_rtl_handshakes(const axon_rtl *h) { (void)h; return 0; }
int64_t axon_rtl_beat_period(const axon_rtl *h) { (void)h; return 1; }

void axon_rtl_free(axon_rtl *h)
{
    if (!h) return;
#if VM_TRACE
    if (h->vcd) h->vcd->close();
#endif
    h->m->final();
#if VM_COVERAGE
    const char *cov = std::getenv("AXON_RTL_COVERAGE");
    if (cov && *cov) h->ctx->coveragep()->write(cov);
#endif
    delete h;
}

} // extern "C"
