/*
 * axon_rtl (async) — the same C interface (axon_rtl.h) over the async core
 * (rtl/axon_core_async.sv in rtl/axon_async_tb.sv) built with Verilator
 * --timing. Time is in ps; axon_rtl_step advances the model to the next time
 * slot in which a stamp happened (accept, start, SRAM read, readout beat) and
 * reports all stamps of that slot. The model fetches weights and items and
 * reports stamps through DPI functions defined here; they reach the one live
 * handle through a static pointer, so only one async model may exist at a time
 * (axon_rtl_new refuses a second one). What the sync and async shims do
 * alike lives in axon_rtl_common.h.
 */
#include "axon_rtl_common.h"

#include AXON_RTL_DPI_H

#include <deque>

namespace {
struct raw {
    int kind; // 0 accept, 1 start, 2 read, 3 beat
    int64_t t, item;
    int word, skip, last;
    std::vector<uint64_t> data; // beat: ceil(RB/64) chunks
};
} // namespace

// now: the ps of the last step; the waveform window is in ps.
struct axon_rtl : axon_rtl_core {
    std::vector<int8_t> w;            // [R][C]
    std::deque<raw> pend;             // stamps reported by the model, not yet stepped
    uint64_t handshakes = 0;
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
    g_cur->pend.push_back(raw{kind, (int64_t)t, (int64_t)item, word, skip, 0, {}});
}
void axon_async_beat(long long t, int beat, int chunk, long long data, int last)
{
    /* chunk 0 opens the beat's record, the others complete it */
    if (chunk == 0) g_cur->pend.push_back(raw{3, (int64_t)t, -1, beat, 0, last, {}});
    g_cur->pend.back().data.push_back((uint64_t)data);
}
int axon_async_item(long long k, int *eot, int *axon, int *neg, int *shift, long long *arr)
{
    if (k < 0 || (size_t)k >= g_cur->q.size()) return 0;
    const axon_rtl_item &it = g_cur->q[(size_t)k];
    *eot = it.eot;
    *axon = (int)it.axon;
    *neg = it.neg;
    *shift = it.shift;
    *arr = (long long)it.arrival;
    return 1;
}

void axon_rtl_built(axon_rtl_params *p)
{
    axon_rtl_built_common(p);
    p->sram_latency = 1; /* not a parameter of the async core (t_sram is) */
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
    const axon_rtl_param_check chk[] = {
        {"rows (R)", p->rows, b.rows}, {"cols (C)", p->cols, b.cols}, {"lanes (L)", p->lanes, b.lanes},
        {"fifo_depth", p->fifo_depth, b.fifo_depth}, {"acc_bits", p->acc_bits, b.acc_bits},
        {"readout_bits", p->readout_bits, b.readout_bits}, {"double_buffer", p->double_buffer, b.double_buffer},
        {"zero_gating", p->zero_gating, b.zero_gating}, {"async", p->async, b.async},
        {"handshake", p->handshake, b.handshake}, {"t_req_ps", p->t_req_ps, b.t_req_ps},
        {"t_ack_ps", p->t_ack_ps, b.t_ack_ps}, {"t_decode_ps", p->t_decode_ps, b.t_decode_ps},
        {"t_sram_ps", p->t_sram_ps, b.t_sram_ps}, {"t_add_ps", p->t_add_ps, b.t_add_ps},
        {"t_readout_ps", p->t_readout_ps, b.t_readout_ps},
    };
    ax_result r = axon_rtl_check_params(chk, "build an async variant with make rtl-async RTL_ASYNC_PARAMS=...", err);
    if (r != AX_OK) return r;
    if (g_cur)
        return ax_fail(err, AX_EPARAM, "async RTL: only one model at a time (free the other first)");
    axon_rtl *h = new axon_rtl;
    h->size_for(b);
    h->w.assign((size_t)b.rows * (size_t)b.cols, 0);
    h->ctx.reset(new VerilatedContext);
    h->make_model();
    g_cur = h;
    *out = h;
    return AX_OK;
}

ax_result axon_rtl_load_row(axon_rtl *h, uint32_t axon, const int8_t *w, char **err)
{
    ax_result r = h->check_load_row(axon, err);
    if (r != AX_OK) return r;
    std::memcpy(&h->w[(size_t)axon * (size_t)h->p.cols], w, (size_t)h->p.cols);
    return AX_OK;
}

ax_result axon_rtl_push(axon_rtl *h, const axon_rtl_item *items, size_t n, char **err)
{
    if (h->started)
        return ax_fail(err, AX_EPARAM, "async RTL: items must be pushed before the first step (the testbench reads the stream as it runs)");
    for (size_t i = 0; i < n; i++) {
        if (h->item_bad(items[i]))
            return ax_fail(err, AX_EPARAM, "axon_rtl_push: item %zu: axon %u (rows %d), shift %d (0..%d) "
                           "or arrival %lld (not before the previous item's) out of range", h->q.size(),
                           items[i].axon, h->p.rows, items[i].shift, AXON_RTL_MAX_SHIFT,
                           (long long)items[i].arrival);
        h->q.push_back(items[i]);
    }
    return AX_OK;
}

ax_result axon_rtl_wave(axon_rtl *h, const char *path, int64_t from, int64_t to, char **err)
{
    return h->open_wave(path, from, to, "", "this async build has no tracing", err);
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
    uint64_t t = h->ctx->time();
    h->dump_at((int64_t)t, t);
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
        raw r = std::move(h->pend.front());
        h->pend.pop_front();
        seen[r.kind] = true;
        switch (r.kind) {
        case 0:
            st->accepted = 1;
            st->accept_item = r.item;
            h->handshakes++;
            break;
        case 1:
            h->stamp_start(st, r.item);
            break;
        case 2:
            st->issued = 1;
            st->issue_item = r.item;
            st->word = r.word;
            st->skipped = r.skip;
            if (!r.skip) h->handshakes++;
            break;
        default:
            h->handshakes++;
            h->stamp_beat(st, r.word, r.data.data(), h->p.readout_bits, r.last);
            break;
        }
    }
    return (!h->pend.empty() || h->m->eventsPending()) ? 1 : 0;
}

const int32_t *axon_rtl_acc(const axon_rtl *h) { return h->acc.data(); }
int axon_rtl_overflow(const axon_rtl *h) { return h->m->ovf ? 1 : 0; }
const char *axon_rtl_protocol_error(const axon_rtl *h) { return h->proto.empty() ? NULL : h->proto.c_str(); }
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
    h->finish();
    if (g_cur == h) g_cur = nullptr;
    delete h;
}

} // extern "C"
