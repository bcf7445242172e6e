/*
 * axon_rtl (async) — the same C interface (axon_rtl.h) over the async core
 * (rtl/axon_core_async.sv in rtl/axon_async_tb.sv) built with Verilator
 * --timing. Time is in ps; axon_rtl_step advances the model to the next time
 * slot in which a stamp happened (accept, start, SRAM read, readout beat) and
 * reports all stamps of that slot. The model fetches weights and items and
 * reports stamps through DPI functions defined here; they reach the one live
 * handle through a static pointer, so only one async model may exist at a time
 * (axon_rtl_new refuses a second one).
 */
#include "axon_rtl.h"

#include "verilated.h"
#include AXON_RTL_MODEL_H
#include AXON_RTL_DPI_H
#if VM_TRACE
#include "verilated_vcd_c.h"
#endif

#include <cstring>
#include <deque>
#include <memory>
#include <vector>

namespace {
struct raw {
    int kind; // 0 accept, 1 start, 2 read, 3 beat
    int64_t t, item;
    int word, skip, last;
    uint64_t data;
};
} // namespace

struct axon_rtl {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<AXON_RTL_MODEL> m;
    axon_rtl_params p;
    int B = 0;
    std::vector<int8_t> w;            // [R][C]
    std::vector<axon_rtl_item> q;
    std::deque<raw> pend;
    std::vector<uint8_t> bits;
    std::vector<int32_t> acc;
    int64_t tokens_done = 0, cur_item = -1, now = 0;
    uint64_t handshakes = 0;
    bool started = false;
#if VM_TRACE
    std::unique_ptr<VerilatedVcdC> vcd;
    int64_t wfrom = 0, wto = -1;
#endif
};

static axon_rtl *g_cur = nullptr;

extern "C" {

char axon_async_weight(int axon, int j)
{
    /* Verilator may evaluate the call in both arms of the model's `j < C ? ... : 0`,
     * so lanes past C of the last word arrive here too: they hold no weight. */
    if (axon < 0 || j < 0 || axon >= g_cur->p.rows || j >= g_cur->p.cols)
        return 0;
    return (char)g_cur->w[(size_t)axon * (size_t)g_cur->p.cols + (size_t)j];
}
void axon_async_obs(int kind, long long t, long long item, int word, int skip)
{
    g_cur->pend.push_back(raw{kind, (int64_t)t, (int64_t)item, word, skip, 0, 0});
}
void axon_async_beat(long long t, int beat, long long data, int last)
{
    g_cur->pend.push_back(raw{3, (int64_t)t, -1, beat, 0, last, (uint64_t)data});
}
int axon_async_item(long long k, int *eot, int *axon, int *neg, int *shift)
{
    if (k < 0 || (size_t)k >= g_cur->q.size()) return 0;
    const axon_rtl_item &it = g_cur->q[(size_t)k];
    *eot = it.eot;
    *axon = (int)it.axon;
    *neg = it.neg;
    *shift = it.shift;
    return 1;
}

void axon_rtl_built(axon_rtl_params *p)
{
    std::memset(p, 0, sizeof *p);
    p->rows = AXON_RTL_R;
    p->cols = AXON_RTL_C;
    p->lanes = AXON_RTL_L;
    p->sram_latency = 1; /* not a parameter of the async core (t_sram is) */
    p->fifo_depth = AXON_RTL_F;
    p->acc_bits = AXON_RTL_A;
    p->readout_bits = AXON_RTL_RB;
    p->double_buffer = AXON_RTL_DB;
    p->zero_gating = AXON_RTL_GATE;
    p->async = 1;
    p->handshake = AXON_RTL_HS_PHASES;
    p->t_req_ps = AXON_RTL_T_REQ;
    p->t_ack_ps = AXON_RTL_T_ACK;
    p->t_decode_ps = AXON_RTL_T_DECODE;
    p->t_sram_ps = AXON_RTL_T_SRAM;
    p->t_add_ps = AXON_RTL_T_ADD;
    p->t_readout_ps = AXON_RTL_T_READOUT;
}

const char *axon_rtl_variant(void) { return AXON_RTL_VARIANT; }

ax_result axon_rtl_new(const axon_rtl_params *p, uint64_t seed, axon_rtl **out, char **err)
{
    (void)seed; /* no reset and no clock: every register is set by the model's initial blocks */
    axon_rtl_params b;
    axon_rtl_built(&b);
    const struct { const char *name; int64_t want, have; } chk[] = {
        {"rows (R)", p->rows, b.rows}, {"cols (C)", p->cols, b.cols}, {"lanes (L)", p->lanes, b.lanes},
        {"fifo_depth", p->fifo_depth, b.fifo_depth}, {"acc_bits", p->acc_bits, b.acc_bits},
        {"readout_bits", p->readout_bits, b.readout_bits}, {"double_buffer", p->double_buffer, b.double_buffer},
        {"zero_gating", p->zero_gating, b.zero_gating}, {"async", p->async, b.async},
        {"handshake", p->handshake, b.handshake}, {"t_req_ps", p->t_req_ps, b.t_req_ps},
        {"t_ack_ps", p->t_ack_ps, b.t_ack_ps}, {"t_decode_ps", p->t_decode_ps, b.t_decode_ps},
        {"t_sram_ps", p->t_sram_ps, b.t_sram_ps}, {"t_add_ps", p->t_add_ps, b.t_add_ps},
        {"t_readout_ps", p->t_readout_ps, b.t_readout_ps},
    };
    for (const auto &c : chk)
        if (c.want != c.have)
            return ax_fail(err, AX_EPARAM,
                           "RTL build '%s': parameter %s is %lld, requested %lld (hint: build an async "
                           "variant with make rtl-async RTL_ASYNC_PARAMS=..., see docs/rtl.md)",
                           AXON_RTL_VARIANT, c.name, (long long)c.have, (long long)c.want);
    if (g_cur)
        return ax_fail(err, AX_EPARAM, "async RTL: only one model at a time (free the other first)");
    axon_rtl *h = new axon_rtl;
    h->p = b;
    h->B = (b.cols * b.acc_bits + b.readout_bits - 1) / b.readout_bits;
    h->w.assign((size_t)b.rows * (size_t)b.cols, 0);
    h->bits.assign((size_t)h->B * (size_t)b.readout_bits, 0);
    h->acc.assign((size_t)b.cols, 0);
    h->ctx.reset(new VerilatedContext);
#if VM_TRACE
    h->ctx->traceEverOn(true);
#endif
    h->m.reset(new AXON_RTL_MODEL{h->ctx.get()});
    g_cur = h;
    *out = h;
    return AX_OK;
}

ax_result axon_rtl_load_row(axon_rtl *h, uint32_t axon, const int8_t *w, char **err)
{
    if (h->started)
        return ax_fail(err, AX_EPARAM, "axon_rtl_load_row: weights must be loaded before the first step");
    if (axon >= (uint32_t)h->p.rows)
        return ax_fail(err, AX_EPARAM, "axon_rtl_load_row: axon %u >= rows %d", axon, h->p.rows);
    std::memcpy(&h->w[(size_t)axon * (size_t)h->p.cols], w, (size_t)h->p.cols);
    return AX_OK;
}

ax_result axon_rtl_push(axon_rtl *h, const axon_rtl_item *items, size_t n, char **err)
{
    if (h->started)
        return ax_fail(err, AX_EPARAM, "async RTL: items must be pushed before the first step (arrival 0)");
    for (size_t i = 0; i < n; i++) {
        if (!items[i].eot && (items[i].axon >= (uint32_t)h->p.rows || items[i].shift < 0 || items[i].shift > 31))
            return ax_fail(err, AX_EPARAM, "axon_rtl_push: item %zu: axon or shift out of range", h->q.size());
        h->q.push_back(items[i]);
    }
    return AX_OK;
}

ax_result axon_rtl_wave(axon_rtl *h, const char *path, int64_t from, int64_t to, char **err)
{
#if VM_TRACE
    h->vcd.reset(new VerilatedVcdC);
    h->m->trace(h->vcd.get(), 99);
    h->vcd->open(path);
    if (!h->vcd->isOpen()) return ax_fail(err, AX_EIO, "%s: cannot open for the waveform", path);
    h->wfrom = from;
    h->wto = to;
    return AX_OK;
#else
    (void)h; (void)from; (void)to;
    return ax_fail(err, AX_EUNSUPPORTED, "%s: this async build has no tracing", path);
#endif
}

static void advance(axon_rtl *h)
{
    if (!h->started) {
        h->started = true;
        h->m->eval();
    } else {
        h->ctx->time(h->m->nextTimeSlot());
        h->m->eval();
    }
#if VM_TRACE
    int64_t t = (int64_t)h->ctx->time();
    if (h->vcd && t >= h->wfrom && t <= h->wto) h->vcd->dump((uint64_t)t);
#endif
}

int axon_rtl_step(axon_rtl *h, axon_rtl_stamp *st)
{
    std::memset(st, 0, sizeof *st);
    st->beat = -1;
    while (h->pend.empty() && (!h->started || h->m->eventsPending())) advance(h);
    st->time = h->pend.empty() ? h->now : h->pend.front().t;
    h->now = st->time;
    bool seen[4] = {false, false, false, false};
    while (!h->pend.empty() && h->pend.front().t == st->time && !seen[h->pend.front().kind]) {
        raw r = h->pend.front();
        h->pend.pop_front();
        seen[r.kind] = true;
        switch (r.kind) {
        case 0:
            st->accepted = 1;
            st->accept_item = r.item;
            h->handshakes++;
            break;
        case 1:
            st->started = 1;
            st->start_item = r.item;
            if (!h->q[(size_t)r.item].eot) h->cur_item = r.item;
            break;
        case 2:
            st->issued = 1;
            st->issue_item = r.item;
            st->word = r.word;
            st->skipped = r.skip;
            if (!r.skip) h->handshakes++;
            break;
        default: {
            int RB = h->p.readout_bits, A = h->p.acc_bits;
            st->beat = r.word;
            st->beat_token = h->tokens_done;
            st->beat_data[0] = r.data;
            h->handshakes++;
            for (int i = 0; i < RB && i < 64; i++)
                h->bits[(size_t)r.word * (size_t)RB + (size_t)i] = (uint8_t)((r.data >> i) & 1);
            if (r.last) {
                for (int j = 0; j < h->p.cols; j++) {
                    uint32_t v = 0;
                    for (int k = 0; k < A; k++) v |= (uint32_t)h->bits[(size_t)(j * A + k)] << k;
                    if (A < 32 && ((v >> (A - 1)) & 1)) v |= ~0u << A;
                    h->acc[(size_t)j] = (int32_t)v;
                }
                st->token_done = 1;
                h->tokens_done++;
            }
        } break;
        }
    }
    return (!h->pend.empty() || h->m->eventsPending()) ? 1 : 0;
}

const int32_t *axon_rtl_acc(const axon_rtl *h) { return h->acc.data(); }
int axon_rtl_overflow(const axon_rtl *h) { return h->m->ovf ? 1 : 0; }
uint64_t axon_rtl_handshakes(const axon_rtl *h) { return h->handshakes; }
int64_t axon_rtl_beat_period(const axon_rtl *h)
{
    int64_t hs = h->p.t_req_ps + h->p.t_ack_ps;
    if (h->p.handshake == 4) hs *= 2;
    return h->p.t_readout_ps + hs;
}

void axon_rtl_free(axon_rtl *h)
{
    if (!h) return;
#if VM_TRACE
    if (h->vcd) h->vcd->close();
#endif
    h->m->final();
    if (g_cur == h) g_cur = nullptr;
    delete h;
}

} // extern "C"
