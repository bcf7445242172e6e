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
 * What the sync and async shims do alike lives in axon_rtl_common.h.
 */
#include "axon_rtl_common.h"

#if VM_COVERAGE
#include "verilated_cov.h"
#endif

#include <cstdlib>
#include <string>

#ifndef AXON_RTL_REUSE
#define AXON_RTL_REUSE 0 /* builds without the REUSE parameter: the row-per-event core */
#endif
#ifndef AXON_RTL_NT
#define AXON_RTL_NT 1 /* builds without the NT parameter: no token batches */
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

// Set bits of a port of `bits` bits, any width.
template <typename T> int popcount(const T &v, int bits)
{
    int n = 0;
    for (int i = 0; 64 * i < bits; i++) n += __builtin_popcountll(limb(v, i));
    return n;
}

} // namespace

// now: the cycle of the next step; the waveform window is in cycles.
struct axon_rtl : axon_rtl_core {
    int W = 0;                 // SRAM words per row
    size_t qhead = 0;          // next item to offer on the input port
    size_t neot = 0;           // end-of-token markers pushed
    int64_t n_acc = 0, n_start = 0, tail_drain = 0;
    std::vector<uint64_t> beat;  // one readout beat, ceil(RB/64) limbs

    void tick_half(int clk)
    {
        m->clk = clk;
        m->eval();
        ctx->timeInc(1);
    }
};

extern "C" {

void axon_rtl_built(axon_rtl_params *p)
{
    axon_rtl_built_common(p);
    p->sram_latency = AXON_RTL_LS;
    p->async = 0;
    p->row_reuse = AXON_RTL_REUSE;
    p->batch_tokens = AXON_RTL_NT;
}

const char *axon_rtl_variant(void) { return AXON_RTL_VARIANT; }

ax_result axon_rtl_new(const axon_rtl_params *p, uint64_t seed, axon_rtl **out, char **err)
{
    axon_rtl_params b;
    axon_rtl_built(&b);
    const axon_rtl_param_check chk[] = {
        {"rows (R)", p->rows, b.rows},
        {"cols (C)", p->cols, b.cols},
        {"lanes (L)", p->lanes, b.lanes},
        {"sram_latency", p->sram_latency, b.sram_latency},
        {"fifo_depth", p->fifo_depth, b.fifo_depth},
        {"acc_bits", p->acc_bits, b.acc_bits},
        {"readout_bits", p->readout_bits, b.readout_bits},
        {"double_buffer", p->double_buffer, b.double_buffer},
        {"zero_gating", p->zero_gating, b.zero_gating},
        {"async", p->async, b.async},
        {"row_reuse", p->row_reuse, b.row_reuse},
        {"batch_tokens", p->batch_tokens, b.batch_tokens},
    };
    ax_result r = axon_rtl_check_params(chk, "build a variant with make rtl RTL_PARAMS='R=.. C=.. L=..'", err);
    if (r != AX_OK) return r;
    axon_rtl *h = new axon_rtl;
    h->size_for(b);
    h->W = (b.cols + b.lanes - 1) / b.lanes;
    h->beat.assign((size_t)(b.readout_bits + 63) / 64 + 1, 0);
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
    h->make_model();
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
    ax_result r = h->check_load_row(axon, err);
    if (r != AX_OK) return r;
    for (int wd = 0; wd < h->W; wd++) {
        std::vector<uint64_t> x((size_t)h->p.lanes / 8 + 2, 0); /* 8L bits, any L */
        for (int l = 0; l < h->p.lanes; l++) {
            int j = wd * h->p.lanes + l;
            uint8_t v = j < h->p.cols ? (uint8_t)w[j] : 0;
            x[(8 * l) / 64] |= (uint64_t)v << ((8 * l) % 64);
        }
        h->m->ld_en = 1;
        h->m->ld_addr = (uint32_t)(axon * (uint32_t)h->W + (uint32_t)wd);
        set_limbs(h->m->ld_data, x.data());
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
        if (h->item_bad(it))
            return ax_fail(err, AX_EPARAM, "axon_rtl_push: item %zu: axon %u (rows %d), shift %d (0..%d) "
                           "or arrival %lld (not before the previous item's) out of range",
                           h->q.size(), it.axon, h->p.rows, it.shift, AXON_RTL_MAX_SHIFT, (long long)it.arrival);
        h->q.push_back(it);
        h->neot += it.eot ? 1 : 0;
    }
    return AX_OK;
}

ax_result axon_rtl_wave(axon_rtl *h, const char *path, int64_t from, int64_t to, char **err)
{
    return h->open_wave(path, from, to, " (hint: check the directory)",
                        "RTL build '" AXON_RTL_VARIANT "' has no tracing (hint: make rtl-trace, then use the trace build)",
                        err);
}

int axon_rtl_step(axon_rtl *h, axon_rtl_stamp *st)
{
    auto &m = *h->m;
    if (!h->started) {
        m.rst_n = 1;
        h->started = true;
    }
    std::memset(st, 0, sizeof *st);
    st->time = h->now;
    st->beat = -1;
    bool have = h->qhead < h->q.size() && h->q[h->qhead].arrival <= h->now;
    if (have) {
        const axon_rtl_item &it = h->q[h->qhead];
        m.in_valid = 1;
        m.in_eot = it.eot ? 1 : 0;
        m.in_axon = it.eot ? 0 : it.axon;
        m.in_neg = it.neg ? 1 : 0;
        m.in_shift = (uint8_t)(it.eot ? 0 : it.shift);
        m.in_tok = (uint8_t)(it.eot ? 0 : it.tok);
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
    if (m.obs_start) h->stamp_start(st, h->n_start++);
    if (m.obs_issue) {
        st->issued = 1;
        st->issue_item = h->cur_item;
        st->word = (int)m.obs_word;
        st->skipped = m.obs_skip ? 1 : 0;
#if AXON_RTL_REUSE
        st->reused = m.obs_reuse ? 1 : 0;
#endif
    }
    st->lanes_added = popcount(m.obs_lanes, h->p.lanes);
    if (m.ro_valid) {
        for (size_t i = 0; i < h->beat.size(); i++) h->beat[i] = limb(m.ro_data, (int)i);
        h->stamp_beat(st, (int)m.ro_beat, h->beat.data(), h->p.readout_bits, m.ro_last);
    }
    // VCD in ps at 500 MHz (the default clock): 2 ns per cycle
    h->dump_at(h->now, (uint64_t)(2000 * h->now));
    h->ctx->timeInc(1);
    m.clk = 1;
    m.eval();
    h->dump_at(h->now, (uint64_t)(2000 * h->now + 1000));
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
const char *axon_rtl_protocol_error(const axon_rtl *h) { return h->proto.empty() ? NULL : h->proto.c_str(); }
uint64_t axon_rtl_handshakes(const axon_rtl *h) { (void)h; return 0; }
int64_t axon_rtl_beat_period(const axon_rtl *h) { (void)h; return 1; }

void axon_rtl_free(axon_rtl *h)
{
    if (!h) return;
    h->finish();
#if VM_COVERAGE
    const char *cov = std::getenv("AXON_RTL_COVERAGE");
    if (cov && *cov) h->ctx->coveragep()->write(cov);
#endif
    delete h;
}

} // extern "C"
