/*
 * axon_rtl_common — the parts of the C++ shim (axon_rtl.h) that the sync
 * shim (axon_rtl.cpp) and the async shim (axon_rtl_async.cpp) implement the
 * same way: the parameters both cores take, the check of a request against
 * the build, the item checks, the state both keep (context, model, item
 * queue, readout bits, accumulators, waveform window) and the reassembly of
 * readout beats into accumulators (accumulator j at bits [j*A, (j+1)*A) of
 * the beat stream, sign-extended from A bits: docs/core-timing.md rule 4).
 * C++ only because it holds Verilator types; each build compiles exactly one
 * of the two shims, which includes this header once.
 */
#ifndef AXON_RTL_COMMON_H
#define AXON_RTL_COMMON_H

#include "axon_rtl.h"

#include "verilated.h"
#include AXON_RTL_MODEL_H
#if VM_TRACE
#include "verilated_vcd_c.h"
#endif

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#ifndef AXON_RTL_VARIANT
#define AXON_RTL_VARIANT "sync"
#endif
#ifndef AXON_RTL_CG
#define AXON_RTL_CG 0 /* builds without the CG parameter: every flip-flop on clk */
#endif

namespace
{

/* The verilated parameters both cores have (the build passes them as
 * AXON_RTL_* macros); each shim fills in the rest. */
inline void axon_rtl_built_common(axon_rtl_params *p)
{
    std::memset(p, 0, sizeof *p);
    p->rows = AXON_RTL_R;
    p->cols = AXON_RTL_C;
    p->lanes = AXON_RTL_L;
    p->fifo_depth = AXON_RTL_F;
    p->acc_bits = AXON_RTL_A;
    p->readout_bits = AXON_RTL_RB;
    p->double_buffer = AXON_RTL_DB;
    p->zero_gating = AXON_RTL_GATE;
    p->clock_gating = AXON_RTL_CG;
    p->batch_tokens = 1;
}

/* One requested parameter against the build's. */
struct axon_rtl_param_check {
    const char *name;
    int64_t want, have;
};

/* AX_EPARAM naming the first parameter whose request differs from the build;
 * hint says how to build a matching variant. */
template <std::size_t N>
ax_result axon_rtl_check_params(const axon_rtl_param_check (&chk)[N], const char *hint, char **err)
{
    for (const auto &c : chk)
        if (c.want != c.have)
            return ax_fail(err, AX_EPARAM,
                           "RTL build '%s': parameter %s is %lld, requested %lld (hint: %s, see "
                           "docs/rtl.md)",
                           AXON_RTL_VARIANT, c.name, (long long)c.have, (long long)c.want, hint);
    return AX_OK;
}

} // namespace

/* State both shims keep; struct axon_rtl (in each shim) extends it. */
struct axon_rtl_core {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<AXON_RTL_MODEL> m;
    axon_rtl_params p;
    int B = 0;                    // readout beats per token
    std::vector<axon_rtl_item> q; // pushed items, in order
    std::vector<uint8_t> bits;    // B*RB readout bits of the current token
    std::vector<int32_t> acc;     // C accumulators of the last finished token
    int64_t tokens_done = 0, cur_item = -1, now = 0;
    bool started = false; // the first step has run
    std::string proto;    // first violation of the readout format seen, or empty
#if VM_TRACE
    std::unique_ptr<VerilatedVcdC> vcd;
    int64_t wfrom = 0, wto = -1; // waveform window, in the shim's time unit
#endif

    /* Takes the build's parameters and sizes the readout buffers. */
    void size_for(const axon_rtl_params &b)
    {
        p = b;
        B = (b.cols * b.acc_bits + b.readout_bits - 1) / b.readout_bits;
        bits.assign((size_t)B * (size_t)b.readout_bits, 0);
        acc.assign((size_t)b.cols, 0);
    }
    /* Builds the model in ctx (which the caller has set up). */
    void make_model()
    {
#if VM_TRACE
        ctx->traceEverOn(true);
#endif
        m.reset(new AXON_RTL_MODEL{ctx.get()});
    }
    ax_result check_load_row(uint32_t axon, char **err) const
    {
        if (started)
            return ax_fail(err, AX_EPARAM,
                           "axon_rtl_load_row: weights must be loaded before the first step");
        if (axon >= (uint32_t)p.rows)
            return ax_fail(err, AX_EPARAM, "axon_rtl_load_row: axon %u >= rows %d", axon, p.rows);
        return AX_OK;
    }
    /* An item the core cannot take: axon past the rows, shift outside
     * 0..AXON_RTL_MAX_SHIFT, a negative arrival or one before the previous item's. */
    bool item_bad(const axon_rtl_item &it) const
    {
        if (it.arrival < 0 || (!q.empty() && it.arrival < q.back().arrival))
            return true;
        return !it.eot &&
               (it.axon >= (uint32_t)p.rows || it.shift < 0 || it.shift > AXON_RTL_MAX_SHIFT ||
                it.tok < 0 || it.tok >= (p.batch_tokens > 1 ? p.batch_tokens : 1));
    }
    /* Opens the waveform of [from, to]; open_hint follows the message when the
     * file cannot be opened, no_trace is the message of builds without tracing. */
    ax_result open_wave(const char *path, int64_t from, int64_t to, const char *open_hint,
                        const char *no_trace, char **err)
    {
#if VM_TRACE
        (void)no_trace;
        vcd.reset(new VerilatedVcdC);
        m->trace(vcd.get(), 99);
        vcd->open(path);
        if (!vcd->isOpen())
            return ax_fail(err, AX_EIO, "%s: cannot open for the waveform%s", path, open_hint);
        wfrom = from;
        wto = to;
        return AX_OK;
#else
        (void)from;
        (void)to;
        (void)open_hint;
        return ax_fail(err, AX_EUNSUPPORTED, "%s: %s", path, no_trace);
#endif
    }
    /* Dumps the waveform at time t (ps in the VCD) when `at` lies in the window. */
    void dump_at(int64_t at, uint64_t t)
    {
#if VM_TRACE
        if (vcd && at >= wfrom && at <= wto)
            vcd->dump(t);
#else
        (void)at;
        (void)t;
#endif
    }
    /* Item `item` left the FIFO: the SRAM reads that follow belong to it
     * unless it is an end-of-token marker. */
    void stamp_start(axon_rtl_stamp *st, int64_t item)
    {
        st->started = 1;
        st->start_item = item;
        if (!q[(size_t)item].eot)
            cur_item = item;
    }
    /* Readout beat b: the first nbits bits of data (little-endian 64-bit
     * limbs, ceil(nbits/64) of them) into the token's bit buffer; the stamp
     * keeps the first 256 bits; on the last beat, the accumulators
     * are reassembled and the token is done. */
    void stamp_beat(axon_rtl_stamp *st, int b, const uint64_t *data, int nbits, bool last)
    {
        int RB = p.readout_bits, A = p.acc_bits;
        st->beat = b;
        st->beat_token = tokens_done;
        for (int i = 0; i < 4 && 64 * i < nbits; i++)
            st->beat_data[i] = data[i];
        for (int i = 0; i < nbits; i++)
            bits[(size_t)b * (size_t)RB + (size_t)i] = (uint8_t)((data[i / 64] >> (i % 64)) & 1);
        if (!last)
            return;
        /* the last beat is zero-padded past the C*A accumulator bits (rule 4) */
        for (size_t i = (size_t)p.cols * (size_t)A; i < bits.size() && proto.empty(); i++)
            if (bits[i])
                proto = "readout of token " + std::to_string(tokens_done) + ": padding bit " +
                        std::to_string(i) +
                        " of the beats is 1 (bits past C*A must be 0, docs/core-timing.md rule 4)";
        for (int j = 0; j < p.cols; j++) {
            uint32_t v = 0;
            for (int k = 0; k < A; k++)
                v |= (uint32_t)bits[(size_t)j * A + k] << k;
            if (A < 32 && ((v >> (A - 1)) & 1))
                v |= ~0u << A;
            acc[(size_t)j] = (int32_t)v;
        }
        st->token_done = 1;
        tokens_done++;
    }
    /* Closes the waveform and finishes the model (before delete). */
    void finish()
    {
#if VM_TRACE
        if (vcd)
            vcd->close();
#endif
        m->final();
    }
};

#endif
