/*
 * axon_chip_rtl — the C++ shim over the Verilated chip (axon_chip_rtl.h).
 * Drives the clock (inputs with the clock low, outputs sampled, then the
 * rising edge), feeds per row the head core's item port and the first link
 * from the row-block's item queue (two independent pointers: every item is
 * at router (rb, 0) at time 0), and turns the per-core observation ports into
 * stamps: accept, flit arrival, start, SRAM word (read or skipped), readout
 * beat and the end of the readout with the reassembled accumulators; and the
 * reduction's: a packet's head and tail flits entering the link below a core
 * (token and group counted from the row's configuration: npass + 1 packets a
 * token, packet k of a token is group k) and the chip output's complete
 * packets with their reassembled reduced sums.
 */
#include "axon_chip_rtl.h"

#include "verilated.h"
#include "Vaxon_chip.h"

#include <cstring>
#include <memory>
#include <vector>

namespace {
template <typename T> uint64_t limb32(const T &v, int i) { return i == 0 ? (uint64_t)(uint32_t)v : (i == 1 ? (uint64_t)v >> 32 : 0); }
template <std::size_t N> uint64_t limb32(const VlWide<N> &v, int i) { return i < (int)N ? v[i] : 0; }
/* bits [lo, lo+w) of a port of any width, w <= 32 */
template <typename T> uint32_t field(const T &v, int lo, int w)
{
    uint64_t x = limb32(v, lo / 32) | (limb32(v, lo / 32 + 1) << 32);
    x >>= lo % 32;
    return (uint32_t)(w >= 32 ? x : (x & ((1ull << w) - 1)));
}
template <typename T> void set_field(T &v, int lo, int w, uint32_t x)
{
    uint64_t m = ((w >= 64) ? ~0ull : ((1ull << w) - 1)) << lo;
    v = (T)(((uint64_t)v & ~m) | (((uint64_t)x << lo) & m));
}
template <std::size_t N> void set_field(VlWide<N> &v, int lo, int w, uint32_t x)
{
    for (int i = 0; i < w; i++) {
        int b = lo + i;
        if ((x >> i) & 1) v[b / 32] |= 1u << (b % 32);
        else v[b / 32] &= ~(1u << (b % 32));
    }
}
} // namespace

struct axon_chip_rtl {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vaxon_chip> m;
    axon_chip_params p;
    int N = 0, W = 0, B = 0, AXW = 1, IW = 0, WW = 1, BB = 1;
    std::vector<std::vector<axon_chip_item>> q; // per row
    std::vector<size_t> hq, lq;                 // next item for the head core / the link
    std::vector<int64_t> n_acc, n_arr, n_start, cur, tokens_done;
    std::vector<uint64_t> adds;
    std::vector<std::vector<uint8_t>> bits;     // per core: B*RB readout bits
    std::vector<size_t> neot;
    std::vector<int> npass, merge;                          // per row
    std::vector<int64_t> rhead, rtail;                      // per core: packets started / tails
    std::vector<uint64_t> rstall, rflits, rmerges;          // per core
    std::vector<int64_t> opass, oown, bpass, bown;          // per column: packets / beats
    std::vector<std::vector<uint8_t>> pbits, obits;         // per column: B*RB bits
    int64_t now = 0;
    bool started = false;
};

static int clog2(int x)
{
    int b = 0;
    while ((1 << b) < x) b++;
    return b;
}

extern "C" {

void axon_chip_built(axon_chip_params *p)
{
    std::memset(p, 0, sizeof *p);
    p->mr = AXON_CHIP_MR;
    p->mc = AXON_CHIP_MC;
    p->rows = AXON_CHIP_R;
    p->cols = AXON_CHIP_C;
    p->lanes = AXON_CHIP_L;
    p->sram_latency = AXON_CHIP_LS;
    p->fifo_depth = AXON_CHIP_F;
    p->acc_bits = AXON_CHIP_A;
    p->readout_bits = AXON_CHIP_RB;
    p->double_buffer = AXON_CHIP_DB;
    p->zero_gating = AXON_CHIP_GATE;
    p->link_bits = AXON_CHIP_LB;
    p->hop_cycles = AXON_CHIP_HOP;
    p->ingress_depth = AXON_CHIP_IQ;
    p->reduce_depth = AXON_CHIP_RQ;
}

axon_chip_rtl *axon_chip_new(uint64_t seed)
{
    axon_chip_rtl *h = new axon_chip_rtl;
    axon_chip_built(&h->p);
    const axon_chip_params &p = h->p;
    h->N = p.mr * p.mc;
    h->W = (p.cols + p.lanes - 1) / p.lanes;
    h->B = (p.cols * p.acc_bits + p.readout_bits - 1) / p.readout_bits;
    h->AXW = p.rows > 1 ? clog2(p.rows) : 1;
    h->IW = 1 + h->AXW + 1 + 5;
    h->WW = h->W > 1 ? clog2(h->W) : 1;
    h->BB = h->B > 1 ? clog2(h->B) : 1;
    h->q.assign((size_t)p.mr, {});
    h->hq.assign((size_t)p.mr, 0);
    h->lq.assign((size_t)p.mr, 0);
    h->neot.assign((size_t)p.mr, 0);
    for (auto *v : {&h->n_acc, &h->n_arr, &h->n_start, &h->tokens_done}) v->assign((size_t)h->N, 0);
    h->cur.assign((size_t)h->N, -1);
    h->adds.assign((size_t)h->N, 0);
    h->bits.assign((size_t)h->N, std::vector<uint8_t>((size_t)h->B * (size_t)p.readout_bits, 0));
    h->npass.assign((size_t)p.mr, 0);
    h->merge.assign((size_t)p.mr, 1);
    h->merge[0] = 0;
    for (auto *v : {&h->rhead, &h->rtail}) v->assign((size_t)h->N, 0);
    for (auto *v : {&h->rstall, &h->rflits, &h->rmerges}) v->assign((size_t)h->N, 0);
    for (auto *v : {&h->opass, &h->oown, &h->bpass, &h->bown}) v->assign((size_t)p.mc, 0);
    h->pbits.assign((size_t)p.mc, std::vector<uint8_t>((size_t)h->B * (size_t)p.readout_bits, 0));
    h->obits = h->pbits;
    h->ctx.reset(new VerilatedContext);
    if (seed) {
        h->ctx->randReset(2);
        h->ctx->randSeed((int)(seed & 0x7fffffff));
    }
    h->m.reset(new Vaxon_chip{h->ctx.get()});
    auto &m = *h->m;
    m.rst_n = 0;
    m.h_valid = 0;
    m.l_valid = 0;
    m.ld_en = 0;
    axon_chip_config(h, h->npass.data(), h->merge.data());
    for (int i = 0; i < 4; i++) {
        m.clk = 0;
        m.eval();
        m.clk = 1;
        m.eval();
    }
    return h;
}

void axon_chip_load_row(axon_chip_rtl *h, int core, uint32_t axon, const int8_t *w)
{
    auto &m = *h->m;
    for (int wd = 0; wd < h->W; wd++) {
        m.ld_en = 1;
        m.ld_core = (uint32_t)core;
        m.ld_addr = (uint32_t)(axon * (uint32_t)h->W + (uint32_t)wd);
        for (int l = 0; l < h->p.lanes; l++) {
            int j = wd * h->p.lanes + l;
            set_field(m.ld_data, 8 * l, 8, j < h->p.cols ? (uint8_t)w[j] : 0);
        }
        m.clk = 0;
        m.eval();
        m.clk = 1;
        m.eval();
    }
    m.ld_en = 0;
}

void axon_chip_push(axon_chip_rtl *h, int row, const axon_chip_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h->q[(size_t)row].push_back(items[i]);
        h->neot[(size_t)row] += items[i].eot ? 1 : 0;
    }
}

void axon_chip_config(axon_chip_rtl *h, const int *npass, const int *merge)
{
    auto &m = *h->m;
    for (int rb = 0; rb < h->p.mr; rb++) {
        h->npass[(size_t)rb] = npass[rb];
        h->merge[(size_t)rb] = merge[rb];
        set_field(m.cfg_npass, rb * AXON_CHIP_PW, AXON_CHIP_PW, (uint32_t)npass[rb]);
        set_field(m.cfg_merge, rb, 1, (uint32_t)merge[rb]);
    }
}

/* the C accumulators of B*RB packed bits, A-bit sign-extended */
static void unpack_acc(const axon_chip_rtl *h, const std::vector<uint8_t> &bits, std::vector<int32_t> &acc)
{
    const int A = h->p.acc_bits;
    acc.assign((size_t)h->p.cols, 0);
    for (int j = 0; j < h->p.cols; j++) {
        uint32_t v = 0;
        for (int i = 0; i < A; i++) v |= (uint32_t)bits[(size_t)j * A + i] << i;
        if (A < 32 && ((v >> (A - 1)) & 1)) v |= ~0u << A;
        acc[(size_t)j] = (int32_t)v;
    }
}

static uint32_t pack(const axon_chip_rtl *h, const axon_chip_item &it)
{
    uint32_t x = it.eot ? 0 : ((uint32_t)it.axon << 6 | (uint32_t)(it.neg ? 1 : 0) << 5 | (uint32_t)it.shift);
    return x | (uint32_t)(it.eot ? 1 : 0) << (h->IW - 1);
}

int axon_chip_step(axon_chip_rtl *h, axon_chip_emit emit, void *user)
{
    auto &m = *h->m;
    const axon_chip_params &p = h->p;
    if (!h->started) {
        m.rst_n = 1;
        h->started = true;
    }
    for (int rb = 0; rb < p.mr; rb++) {
        const auto &q = h->q[(size_t)rb];
        bool hv = h->hq[(size_t)rb] < q.size(), lv = p.mc > 1 && h->lq[(size_t)rb] < q.size();
        set_field(m.h_valid, rb, 1, hv);
        set_field(m.l_valid, rb, 1, lv);
        set_field(m.h_item, rb * h->IW, h->IW, hv ? pack(h, q[h->hq[(size_t)rb]]) : 0);
        set_field(m.l_item, rb * h->IW, h->IW, lv ? pack(h, q[h->lq[(size_t)rb]]) : 0);
    }
    m.clk = 0;
    m.eval();
    const int64_t t = h->now;
    for (int rb = 0; rb < p.mr; rb++) {
        if (field(m.h_valid, rb, 1) && field(m.h_ready, rb, 1)) h->hq[(size_t)rb]++;
        if (field(m.l_valid, rb, 1) && field(m.l_ready, rb, 1)) h->lq[(size_t)rb]++;
    }
    for (int k = 0; k < h->N; k++) {
        size_t rb = (size_t)(k / p.mc);
        if (field(m.obs_arrive, k, 1)) emit(user, k, CHIP_FLIT, t, h->n_arr[(size_t)k]++, -1, 0, nullptr);
        if (field(m.obs_accept, k, 1)) emit(user, k, CHIP_ACCEPT, t, h->n_acc[(size_t)k]++, -1, 0, nullptr);
        if (field(m.obs_start, k, 1)) {
            int64_t it = h->n_start[(size_t)k]++;
            if (!h->q[rb][(size_t)it].eot) h->cur[(size_t)k] = it;
            emit(user, k, CHIP_START, t, it, -1, 0, nullptr);
        }
        if (field(m.obs_issue, k, 1))
            emit(user, k, CHIP_READ, t, h->cur[(size_t)k], (int)field(m.obs_word, k * h->WW, h->WW),
                 (int)field(m.obs_skip, k, 1), nullptr);
        for (int l = 0; l < p.lanes; l++) h->adds[(size_t)k] += field(m.obs_lanes, k * p.lanes + l, 1);
        if (field(m.ro_valid, k, 1)) {
            int b = (int)field(m.ro_beat, k * h->BB, h->BB), RB = p.readout_bits, A = p.acc_bits;
            auto &bits = h->bits[(size_t)k];
            for (int i = 0; i < RB; i++) bits[(size_t)b * RB + i] = (uint8_t)field(m.ro_data, k * RB + i, 1);
            emit(user, k, CHIP_BEAT, t, -1, b, 0, nullptr);
            if (field(m.ro_last, k, 1)) {
                std::vector<int32_t> acc;
                unpack_acc(h, bits, acc);
                (void)A;
                emit(user, k, CHIP_DONE, t + 1, h->tokens_done[(size_t)k]++, -1, 0, acc.data());
            }
        }
        /* reduction: packets of row rb are groups 0..npass, npass + 1 a token */
        const int64_t per = h->npass[rb] + 1;
        if (field(m.obs_rhead, k, 1)) {
            int64_t n = h->rhead[(size_t)k]++;
            emit(user, k, CHIP_RHEAD, t, n / per, (int)(n % per), 0, nullptr);
        }
        if (field(m.obs_rtail, k, 1)) {
            int64_t n = h->rtail[(size_t)k]++;
            emit(user, k, CHIP_RTAIL, t, n / per, (int)(n % per), 0, nullptr);
        }
        h->rstall[(size_t)k] += field(m.obs_rstall, k * 16, 16);
        h->rflits[(size_t)k] += field(m.obs_rflit, k, 1);
        h->rmerges[(size_t)k] += field(m.obs_rmerge, k, 1);
    }
    /* chip output: the routers of the last row */
    for (int cb = 0; cb < p.mc; cb++) {
        const int k = (p.mr - 1) * p.mc + cb, RB = p.readout_bits;
        const int np = h->npass[(size_t)p.mr - 1];
        struct {
            int valid, last;
            std::vector<uint8_t> *bits;
            int64_t *beat, *pk;
            int pass;
        } port[2] = {{(int)field(m.o_pass_valid, cb, 1), (int)field(m.o_pass_last, cb, 1), &h->pbits[(size_t)cb],
                      &h->bpass[(size_t)cb], &h->opass[(size_t)cb], 1},
                     {(int)field(m.o_own_valid, cb, 1), (int)field(m.o_own_last, cb, 1), &h->obits[(size_t)cb],
                      &h->bown[(size_t)cb], &h->oown[(size_t)cb], 0}};
        for (auto &o : port) {
            if (!o.valid) continue;
            int64_t b = (*o.beat)++;
            for (int i = 0; i < RB && b < h->B; i++)
                (*o.bits)[(size_t)b * RB + i] =
                    (uint8_t)(o.pass ? field(m.o_pass_data, cb * RB + i, 1) : field(m.o_own_data, cb * RB + i, 1));
            if (!o.last) continue;
            std::vector<int32_t> acc;
            unpack_acc(h, *o.bits, acc);
            int64_t n = (*o.pk)++;
            int64_t tok = o.pass ? (np ? n / np : 0) : n;
            int g = o.pass ? (int)(np ? n % np : 0) : np;
            emit(user, k, CHIP_RDONE, t + 1, tok, g, 0, acc.data());
            *o.beat = 0;
        }
    }
    m.clk = 1;
    m.eval();
    h->now++;
    for (int k = 0; k < h->N; k++)
        if ((size_t)h->tokens_done[(size_t)k] < h->neot[(size_t)(k / p.mc)]) return 1;
    const size_t tokens = h->neot[(size_t)p.mr - 1];
    const size_t np = (size_t)h->npass[(size_t)p.mr - 1];
    for (int cb = 0; cb < p.mc; cb++)
        if ((size_t)h->oown[(size_t)cb] < tokens || (size_t)h->opass[(size_t)cb] < tokens * np) return 1;
    return 0;
}

uint64_t axon_chip_reduce_stall(const axon_chip_rtl *h, int core) { return h->rstall[(size_t)core]; }
uint64_t axon_chip_reduce_flits(const axon_chip_rtl *h, int core) { return h->rflits[(size_t)core]; }
uint64_t axon_chip_reduce_merges(const axon_chip_rtl *h, int core) { return h->rmerges[(size_t)core]; }
int axon_chip_reduce_overflow(const axon_chip_rtl *h)
{
    for (int k = 0; k < h->N; k++)
        if (field(h->m->red_ovf, k, 1)) return 1;
    return 0;
}
int axon_chip_reduce_queue_overflow(const axon_chip_rtl *h)
{
    for (int k = 0; k < h->N; k++)
        if (field(h->m->rq_ovf, k, 1))
            return k;
    return -1;
}

uint64_t axon_chip_lane_adds(const axon_chip_rtl *h, int core) { return h->adds[(size_t)core]; }
int axon_chip_overflow(const axon_chip_rtl *h)
{
    for (int k = 0; k < h->N; k++)
        if (field(h->m->ovf, k, 1)) return 1;
    return 0;
}
int axon_chip_ingress_overflow(const axon_chip_rtl *h)
{
    for (int k = 0; k < h->N; k++)
        if (field(h->m->iq_ovf, k, 1))
            return k;
    return -1;
}
void axon_chip_free(axon_chip_rtl *h)
{
    if (!h) return;
    h->m->final();
    delete h;
}

} // extern "C"
