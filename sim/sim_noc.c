/*
 * The network on chip and the partial-sum reduction (docs/design.md §3; the
 * timing is defined here and documented in docs/sim.md "Chip: tiling, NoC
 * and reduction").
 *
 * Multicast. The items of row-block rb enter at the router of core (rb, 0)
 * and are available to that core at time 0 (the single-core contract,
 * arr_k = 0). They travel east along mesh row rb, hop by hop (XY routing
 * with the cores of a row-block on one mesh row is a pure X route); each
 * router delivers a copy to its core and forwards it. Link x (router x to
 * x+1) carries one flit per unit (cycle, or handshake cycle in async); an
 * event or EOT flit is SIM_EVENT_FLIT_BITS wide, so it occupies a link for
 * fc = ceil(32 / link_bits) units:
 *   enter = max(at router x, link_free_x);  link_free_x = enter + fc·u
 *   at router x+1 = enter + hop + (fc - 1)·u
 * stall_noc counts the wait for a busy link at routers x >= 1 (at the head
 * router every item is ready at time 0, so its wait is the injection
 * backlog, not contention). The ejection port of a router is unbounded: a core's full FIFO delays its
 * own accepts but never blocks the multicast (no backpressure into the NoC).
 *
 * Reduction. Every core reads its token partial out as B beats (the core
 * contract); the beats leave as one packet of B flits of RB bits
 * (fcr = ceil(RB / link_bits) units per flit) south along its mesh column.
 * Row-block y adds its partial into the passing packet of its weight group
 * (cut-through, in the router: no extra time), and forwards every packet of
 * the groups started above it. A packet is tracked by the times of its head
 * and tail flits: merge = max of heads, max of tails; a link passes packets
 * in (token, group) order:
 *   eh = max(head, free);  et = max(eh + (B-1)·fcr·u, tail);  free = et + fcr·u
 *   head' = eh + hop;  tail' = et + hop + (fcr - 1)·u
 * The last row-block's router is the chip output: token n of a column is
 * done at max(tails) + bp (its last output beat), and the token at the
 * latest column. One core (1 × 1 chip): done = o_n + B·bp, the contract.
 */
#include "sim_int.h"

#include <stdlib.h>
#include <string.h>

static inline int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

static int64_t ceil_div(int64_t a, int64_t b)
{
    return (a + b - 1) / b;
}

void sim_noc_multicast(struct sim *s, size_t rb, int64_t *arr)
{
    const sim_tparams *tp = &s->tp;
    const int64_t fc = ceil_div(SIM_EVENT_FLIT_BITS, s->cfg.link_bits), u = tp->unit;
    int64_t *lf = s->link_free + rb * s->ncb;
    sim_core_state *cs = s->cs + rb * s->ncb;
    int64_t t = 0;
    arr[0] = 0;
    cs[0].c.flits++;
    for (size_t x = 0; x + 1 < s->ncb; x++) {
        int64_t enter = max64(t, lf[x]);
        if (x > 0) /* at x = 0 the wait is the injection backlog, not contention */
            cs[x].c.stall_noc += enter - t;
        cs[x].c.flit_hops++;
        if (tp->async)
            cs[x].c.handshakes += (uint64_t)fc;
        lf[x] = enter + fc * u;
        t = enter + tp->hop + (fc - 1) * u;
        arr[x + 1] = t;
    }
}

/* Observers of sim_observe_reduction (stepped runs, one thread): a reduction stamp of core
 * (y, cb) for packet (token n, group g); REDUCE_DONE carries the column's
 * reduced sums of the group, int32 as in sim_acc (computed before the
 * overflow check, so they are there when it fails). */
static void reduce_obs(struct sim *s, sim_obs_kind kind, size_t y, size_t cb, size_t n, size_t g,
                       int64_t t)
{
    size_t nr = 0;
    for (size_t i = 0; i < s->nobs; i++)
        nr += s->obs[i].reduce != 0;
    if (!nr)
        return;
    const size_t C = (size_t)s->cfg.cols;
    int32_t *acc = NULL;
    if (kind == SIM_OBS_REDUCE_DONE && (acc = calloc(C, sizeof *acc)))
        for (size_t j = 0; j < C && cb * C + j < s->out; j++)
            acc[j] = (int32_t)(uint32_t)(uint64_t)s->acc64[(n * s->out + cb * C + j) * s->ng + g];
    sim_obs o = {.kind = kind,
                 .time = t,
                 .core = (int)(y * s->ncb + cb),
                 .item = (int64_t)n,
                 .token = (uint32_t)n,
                 .word = (int)g,
                 .acc = acc,
                 .nacc = acc ? (int)C : 0};
    for (size_t i = 0; i < s->nobs; i++)
        if (s->obs[i].reduce)
            s->obs[i].fn(s->obs[i].user, &o);
    free(acc);
}

/* The reduction of column block cb (its cores' readout packets down the
 * column, every token): counters of its cores, and the column's completion
 * of each token max-ed into done[tokens]. pk[ng] and vlf[nrb] are scratch. */
static void reduce_column(struct sim *s, size_t cb, int64_t *done, sim_packet *pk, int64_t *vlf,
                          int64_t *stall)
{
    const sim_tparams *tp = &s->tp;
    const int64_t u = tp->unit, B = tp->B, fcr = ceil_div(s->cfg.readout_bits, s->cfg.link_bits);
    const int64_t hop = tp->hop, bp = tp->bp;
    const size_t T = s->tokens, nrb = s->nrb, ncb = s->ncb;
    const size_t *grp = s->rb_group;
    for (size_t y = 0; y < nrb; y++) {
        vlf[y] = SIM_NEG_INF;
        stall[y] = 0;
    }
    for (size_t n = 0; n < T; n++) {
        for (size_t y = 0; y < nrb; y++) {
            size_t g = grp[y];
            int64_t oh = sim_o_tok(s, y * ncb + cb, n), ot = oh + (B - 1) * bp;
            if (y == 0 || grp[y - 1] != g) {
                pk[g].h = oh;
                pk[g].t = ot;
            } else {
                pk[g].h = max64(pk[g].h, oh);
                pk[g].t = max64(pk[g].t, ot);
            }
            if (y + 1 == nrb) {
                int64_t d = SIM_NEG_INF;
                for (size_t gg = 0; gg <= g; gg++) {
                    d = max64(d, pk[gg].t + bp);
                    reduce_obs(s, SIM_OBS_REDUCE_DONE, y, cb, n, gg, pk[gg].t + bp);
                }
                done[n] = max64(done[n], d);
                continue;
            }
            for (size_t gg = 0; gg <= g; gg++) {
                sim_packet *p = &pk[gg];
                int64_t eh = max64(p->h, vlf[y]);
                int64_t et = max64(eh + (B - 1) * fcr * u, p->t);
                stall[y] += eh - p->h;
                vlf[y] = et + fcr * u;
                reduce_obs(s, SIM_OBS_REDUCE_HEAD, y, cb, n, gg, eh);
                reduce_obs(s, SIM_OBS_REDUCE_TAIL, y, cb, n, gg, et);
                p->h = eh + hop;
                p->t = et + hop + (fcr - 1) * u;
            }
        }
    }
    /* the counts per token are the same every token: in closed form */
    const uint64_t cused = (uint64_t)sim_core_cused(s, cb), t = T;
    for (size_t y = 0; y < nrb; y++) {
        sim_counters *c = &s->cs[y * ncb + cb].c;
        uint64_t packets = grp[y] + 1; /* the groups started at or above y pass its router */
        if (y > 0 && grp[y - 1] == grp[y])
            c->reduce_adds += cused * t;
        if (nrb > 1)
            c->flits += (uint64_t)B * t;
        if (y + 1 < nrb) {
            c->stall_noc += stall[y];
            c->flit_hops += (uint64_t)B * packets * t;
            if (tp->async)
                c->handshakes += (uint64_t)(B * fcr) * packets * t;
        }
    }
}

/* Each worker's scratch starts on a cache line of its own (a stride of
 * whole 64-byte lines): the arrays are written for every token and row, and
 * two workers writing one line would pass it between their cores at every
 * write (it made the reduction 3.6 times dearer on two threads). */
#define RED_LINE 64
static size_t red_stride(size_t n, size_t size)
{
    return (n * size + RED_LINE - 1) / RED_LINE * RED_LINE / size;
}

typedef struct {
    struct sim *s;
    int64_t *done;  /* [workers][sd] */
    sim_packet *pk; /* [workers][sp] */
    int64_t *vlf;   /* [workers][sv] */
    int64_t *stall; /* [workers][sv] */
    size_t sd, sp, sv;
} red_ctx;

static void reduce_unit(void *p, size_t cb, int worker)
{
    red_ctx *c = p;
    const size_t w = (size_t)worker;
    reduce_column(c->s, cb, c->done + w * c->sd, c->pk + w * c->sp, c->vlf + w * c->sv,
                  c->stall + w * c->sv);
}

static void *red_alloc(size_t n, size_t size)
{
    size_t bytes = (n * size + RED_LINE - 1) / RED_LINE * RED_LINE;
    void *p = aligned_alloc(RED_LINE, bytes ? bytes : RED_LINE);
    if (p)
        memset(p, 0, bytes);
    return p;
}

/* Columns are independent (each writes only its cores' counters and its own
 * token completions, max-ed together after): one unit per column block. */
static ax_result reduce_timing(struct sim *s, char **err)
{
    int th = s->ex.threads < (int)s->ncb ? s->ex.threads : (int)s->ncb;
    th = th < 1 ? 1 : th;
    red_ctx c = {.s = s,
                 .sd = red_stride(s->tokens, sizeof *c.done),
                 .sp = red_stride(s->ng, sizeof *c.pk),
                 .sv = red_stride(s->nrb, sizeof *c.vlf)};
    c.done = red_alloc((size_t)th * c.sd, sizeof *c.done);
    c.pk = red_alloc((size_t)th * c.sp, sizeof *c.pk);
    c.vlf = red_alloc((size_t)th * c.sv, sizeof *c.vlf);
    c.stall = red_alloc((size_t)th * c.sv, sizeof *c.stall);
    if (!c.done || !c.pk || !c.vlf || !c.stall) {
        free(c.done);
        free(c.pk);
        free(c.vlf);
        free(c.stall);
        return ax_fail(err, AX_ENOMEM, "out of memory for the reduction network");
    }

    if (s->des || th == 1)
        for (size_t cb = 0; cb < s->ncb; cb++)
            reduce_unit(&c, cb, 0);
    else
        sim_par_for(th, s->ncb, reduce_unit, &c);
    for (size_t n = 0; n < s->tokens; n++) {
        int64_t d = 0;
        for (int w = 0; w < th; w++)
            d = max64(d, c.done[(size_t)w * c.sd + n]);
        s->tok_done[n] = d;
    }
    free(c.done);
    free(c.pk);
    free(c.vlf);
    free(c.stall);
    return AX_OK;
}

ax_result sim_chip_acc_finish(struct sim *s, char **err)
{
    if (s->sums && !s->des) /* acc was copied by sim_arith_run */
        return s->sums->rc ? ax_fail(err, s->sums->rc, "%s", s->sums->err) : AX_OK;
    const size_t per = s->out * s->ng;
    size_t bad = SIZE_MAX;
    for (size_t n = 0; n < s->tokens; n++) {
        if (s->tok_safe && s->tok_safe[n])
            continue; /* written by the batched accumulation, provably in int32 */
        for (size_t i = n * per; i < (n + 1) * per; i++) {
            int64_t v = s->acc64[i];
            if ((v > INT32_MAX || v < INT32_MIN) && bad == SIZE_MAX)
                bad = i;
            s->acc_out[i] = (int32_t)(uint32_t)(uint64_t)v;
        }
    }
    for (size_t rb = 0; rb < s->nrb; rb++)
        if (s->ovf_rb[rb])
            return ax_fail(err, AX_EOVERFLOW,
                           "accumulator overflow: a partial sum of row-block %zu (axons %zu..%zu) "
                           "left %d bits (hint: --acc-bits 32, or clamp the spike counts)",
                           rb, s->rb_lo[rb], s->rb_hi[rb] - 1, s->cfg.acc_bits);
    if (bad != SIZE_MAX)
        return ax_fail(err, AX_EOVERFLOW,
                       "reduced sum overflow at token %zu, output %zu, group %zu: %lld does not "
                       "fit "
                       "int32 (hint: clamp counts, or use a smaller --group)",
                       bad / per, bad / s->ng % s->out, bad % s->ng, (long long)s->acc64[bad]);
    return AX_OK;
}

ax_result sim_chip_finish(struct sim *s, char **err)
{
    ax_result rc = reduce_timing(s, err);
    if (rc)
        return rc;
    int64_t dur = 0;
    for (size_t n = 0; n < s->tokens; n++)
        dur = max64(dur, s->tok_done[n]);
    for (size_t c = 0; c < s->ncores; c++)
        dur = max64(dur, s->cs[c].end);
    s->duration = dur;
    if ((rc = sim_replay_count(s, err)))
        return rc;
    sim_counters tot = {0};
    for (size_t c = 0; c < s->ncores; c++) {
        sim_core_finish(&s->cs[c]);
        s->pc[c] = s->cs[c].c;
        s->pc[c].idle = dur - s->pc[c].active;
        sim_counters_add(&tot, &s->pc[c]);
    }
    s->total = tot;
    return sim_chip_acc_finish(s, err);
}

/* Runs one core over its row-block's whole item stream with arrivals arr
 * (after the multicast; DRAM moves them further), recording the readout
 * start of each token, the earliest accept of the first item of each token's
 * batch (tacc, min; batch 1: the token's first item) and returning the latest
 * start. */
static int64_t core_stream(struct sim *s, size_t rb, size_t cb, const int64_t *arr, int64_t *tacc)
{
    const size_t core = rb * s->ncb + cb, n = s->nitems[rb];
    const int64_t *items = s->items[rb];
    sim_core_state *cs = &s->cs[core];
    int64_t *otok = s->o_tok[core], last = 0; /* its own row (timing_rb) */
    if (!s->cfg.dram) {
        sim_core_stream(&s->tp, cs, items, n, arr, otok, tacc, &last);
        return last;
    }
    sim_stamp st;
    for (size_t k = 0; k < n; k++) {
        int64_t it = items[k];
        int64_t a = sim_chip_dram_arrival(s, rb, cb, k, arr[k]);
        sim_core_item(&s->tp, cs, a, it < 0, &st);
        last = max64(last, st.s);
        if (it < 0) {
            size_t t = (size_t)(-(it + 1));
            if (cs->fa < tacc[t]) /* the first item of its batch (token) here */
                tacc[t] = cs->fa;
            otok[t] = st.o;
            sim_dram_eot(s, core, t, st.s);
        }
    }
    return last;
}

/* The timing of row-block rb on the fast path: its cores one after another,
 * each over the whole item stream, the multicast applied link by link
 * between them (a core's arrivals depend only on the links before it).
 *
 * Shortcut, exact: the recurrences of docs/core-timing.md and of the
 * multicast are max-plus: delaying every arrival of a core by D delays every
 * stamp by D and leaves every duration-type counter unchanged (the state
 * starts at -inf), as long as every max resolves the same way. Core 0 sees
 * every item at 0; link 0 passes item k at enter_k = k·fc·u, so core x >= 1
 * sees it at k·fc·u + x·d (d = hop + (fc - 1)·u): no item waits at a link
 * x >= 1 (its input is spaced fc·u apart). Hence
 *  - when fc·u <= step (one flit per accept slot: links of >= 32 bits), core
 *    x >= 1 is core 0 delayed by x·d: its arrival k·fc·u + x·d never exceeds
 *    the delayed max(a_{k-1} + step, s_{k-F}) >= k·step + x·d, so it never
 *    binds, as 0 never binds at core 0 after item 0;
 *  - otherwise core x >= 2 is core 1 delayed by (x - 1)·d (same arrivals,
 *    delayed), checked by link 1 never stalling.
 * The copied cores' stamps and timing counters are the template's, offset;
 * their readout starts are the template's row read with the offset
 * (sim_o_tok), so only computed cores hold a row of tokens stamps.
 * DRAM streaming breaks the invariance (a fetch starts no earlier than 0):
 * every core is computed. The event counters come from the per-axon event
 * counts (sim_chip_count_events). */
static int timing_rb(struct sim *s, size_t rb, int64_t *arr)
{
    const sim_tparams *tp = &s->tp;
    const size_t n = s->nitems[rb], ncb = s->ncb, T = s->tokens;
    const int64_t fc = ceil_div(SIM_EVENT_FLIT_BITS, s->cfg.link_bits), u = tp->unit;
    const int64_t d = tp->hop + (fc - 1) * u;
    const int from0 = !s->cfg.dram && fc * u <= tp->step;
    int64_t *tacc = s->tacc_rb + rb * T, last = 0, lastt = 0;
    sim_core_state tmpl;
    int tc = -1; /* template core, once its copies are proven exact */
    for (size_t k = 0; k < n; k++)
        arr[k] = 0;
    for (size_t cb = 0; cb < ncb; cb++) {
        size_t core = rb * ncb + cb;
        sim_core_state *cs = &s->cs[core];
        if (tc >= 0) {
            const int64_t dl = (int64_t)(cb - (size_t)tc) * d;
            int64_t *ring = cs->sring;
            *cs = tmpl;
            cs->sring = ring; /* its contents are not needed after the run */
            cs->a_prev += dl;
            cs->r_prev += dl;
            cs->o_prev += dl;
            cs->cu += dl;
            cs->end += dl;
            /* its readouts: the template's, delayed by dl (no row of its own) */
            s->o_tok[core] = s->o_tok[rb * ncb + (size_t)tc];
            s->o_dl[core] = dl;
            last = max64(last, lastt + dl);
        } else {
            if (!sim_o_row(s, core))
                return 1;
            int64_t l = core_stream(s, rb, cb, arr, tacc);
            last = max64(last, l);
            if ((cb == 0 && from0) || cb == 1) {
                sim_core_finish(cs); /* flush the active union: tmpl is final */
                tmpl = *cs;
                lastt = l;
                if (from0)
                    tc = 0;
            }
        }
        if (cb == 0)
            cs->c.flits += n;
        if (cb + 1 < ncb) { /* link cb, towards core cb + 1 */
            cs->c.flit_hops += n;
            if (tp->async)
                cs->c.handshakes += (uint64_t)fc * n;
            if (tc >= 0)
                continue; /* no later arrival is needed, no item waits at x >= 1 */
            int64_t lf = s->link_free[core], stall = 0;
            for (size_t k = 0; k < n; k++) {
                int64_t t = arr[k], enter = max64(t, lf);
                stall += enter - t;
                lf = enter + fc * u;
                arr[k] = enter + d;
            }
            s->link_free[core] = lf;
            if (cb > 0) /* at x = 0 the wait is the injection backlog, not contention */
                cs->c.stall_noc += stall;
            if (cb == 1 && stall == 0 && !s->cfg.dram)
                tc = 1;
        }
    }
    for (size_t cb = 0; cb < ncb; cb++)
        sim_chip_count_events(s, rb, cb);
    s->lstart_rb[rb] = last;
    return 0;
}

typedef struct {
    struct sim *s;
    int64_t *arr; /* [workers][maxn] */
    size_t maxn;
    int fail; /* a worker ran out of memory */
} fast_ctx;

static void fast_unit(void *p, size_t u, int worker)
{
    fast_ctx *c = p;
    if (timing_rb(c->s, u, c->arr + (size_t)worker * c->maxn))
        c->fail = 1;
}

/* No observers: the timing of each row-block (timing_rb) and the batched
 * accumulation of every event (sim_arith.c) are independent (timing never
 * depends on weight values), so they run as separate units, on threads. */
ax_result sim_chip_run_fast(struct sim *s, char **err)
{
    ax_result rc = sim_arith_prepare(s, err);
    if (rc)
        return rc;
    fast_ctx c = {.s = s};
    for (size_t rb = 0; rb < s->nrb; rb++)
        c.maxn = s->nitems[rb] > c.maxn ? s->nitems[rb] : c.maxn;
    int th = s->ex.threads < (int)s->nrb ? s->ex.threads : (int)s->nrb;
    c.arr = malloc(((size_t)th * c.maxn + 1) * sizeof *c.arr);
    if (!c.arr)
        return ax_fail(err, AX_ENOMEM, "out of memory for %d x %zu arrival times", th, c.maxn);
    sim_par_for(th, s->nrb, fast_unit, &c);
    free(c.arr);
    if (c.fail)
        return ax_fail(err, AX_ENOMEM, "out of memory for the cores' readout times");
    if ((rc = sim_arith_run(s, err)))
        return rc;
    for (size_t rb = 0; rb < s->nrb; rb++) {
        s->last_start = max64(s->last_start, s->lstart_rb[rb]);
        for (size_t t = 0; t < s->tokens; t++)
            if (s->tacc_rb[rb * s->tokens + t] < s->tok_accept[t])
                s->tok_accept[t] = s->tacc_rb[rb * s->tokens + t];
    }
    return sim_chip_finish(s, err);
}
