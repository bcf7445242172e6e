/*
 * The host loop: sim_step / sim_run and the observers. When the host steps
 * (co-simulation) or an observer is attached (VCD, raster), the chip runs as
 * a discrete-event simulation: every observable action (accept, start, SRAM
 * word, readout beat, readout done, handshake, flit hop, stall) is an event in
 * the (time, sequence) heap of sim_queue.c, and sim_step() delivers every
 * event of the next timestamp to the observers, in time order.
 *
 * Each core computes its item k + 1 when its item k is accepted (at a_k): by
 * the recurrence every stamp of item k + 1 is >= a_k + step > a_k, so its
 * events are scheduled before the heap reaches them (one item of lookahead).
 * The accumulators of a token are copied when its EOT is computed and handed
 * to the observers with READOUT_DONE at o_n + B·bp. Without observers and
 * without stepping, sim_run takes the fast path (sim_chip_run_fast: the
 * timing per row-block, the arithmetic batched apart, both on threads),
 * which computes the same stamps, counters and sums (tests compare both);
 * sim_run_functional runs only the fast path's arithmetic (no timing).
 */
#include "sim_int.h"

#include <stdlib.h>
#include <string.h>

static void observe(sim *s, sim_observer_fn fn, void *user, int reduce)
{
    sim_observer *o = realloc(s->obs, (s->nobs + 1) * sizeof *o);
    if (!o) {
        s->rc = ax_fail(&s->err, AX_ENOMEM, "out of memory adding an observer");
        return;
    }
    s->obs = o;
    s->obs[s->nobs].fn = fn;
    s->obs[s->nobs].user = user;
    s->obs[s->nobs].reduce = reduce;
    s->nobs++;
}

void sim_observe(sim *s, sim_observer_fn fn, void *user)
{
    observe(s, fn, user, 0);
}

void sim_observe_reduction(sim *s, sim_observer_fn fn, void *user)
{
    observe(s, fn, user, 1);
}

int64_t sim_now(const sim *s)
{
    return s->now;
}

static void push(struct sim *s, int64_t t, int kind, size_t core, size_t item, int word,
                 int skipped, void *ptr)
{
    sim_qev e = {.t = t,
                 .item = (int64_t)item,
                 .ptr = ptr,
                 .core = (int32_t)core,
                 .word = word,
                 .kind = (uint8_t)kind,
                 .skipped = (uint8_t)skipped};
    if (sim_queue_push(&s->q, e) != AX_OK) {
        free(ptr);
        if (!s->rc)
            s->rc = ax_fail(&s->err, AX_ENOMEM, "out of memory in the event queue");
    }
}

/* Computes item k of core (rb, cb) and schedules its observable events. */
static void core_next(struct sim *s, size_t core)
{
    size_t rb = core / s->ncb, cb = core % s->ncb, k = (size_t)s->cs[core].k;
    if (k >= s->nitems[rb])
        return;
    const sim_tparams *tp = &s->tp;
    size_t C = (size_t)s->cfg.cols, L = (size_t)s->cfg.lanes;
    int64_t it = s->items[rb][k];
    int32_t *snap = NULL;
    if (sim_item_is_eot(it) && s->nobs) {
        snap = malloc(C * sizeof *snap);
        if (snap)
            memcpy(snap, sim_chip_accset(s, rb, sim_item_token(s, it)) + cb * C, C * sizeof *snap);
        else if (!s->rc)
            s->rc = ax_fail(&s->err, AX_ENOMEM, "out of memory for a readout snapshot");
    }
    int64_t stall0 = s->cs[core].c.stall_fifo;
    sim_stamp st;
    sim_chip_core_item(s, rb, cb, k, s->arr[core][k], &st);
    int64_t stall = s->cs[core].c.stall_fifo - stall0;
    if (stall)
        push(s, st.a - stall, SIM_OBS_STALL, core, k, (int)(stall > INT32_MAX ? INT32_MAX : stall),
             0, NULL);
    push(s, st.a, SIM_OBS_ACCEPT, core, k, -1, 0, NULL);
    if (tp->async)
        push(s, st.a, SIM_OBS_HANDSHAKE, core, k, -1, 0, NULL);
    push(s, st.s, SIM_OBS_START, core, k, -1, 0, NULL);
    if (!sim_item_is_eot(it) && (!s->rrow || s->rrow[rb][k])) {
        /* a row-reuse event served by the row register issues no SRAM read */
        const int8_t *w = s->wt + (size_t)s->ev[it].axon * s->outp + cb * C;
        for (int wd = 0; wd < tp->W; wd++) {
            int skip = 0;
            if (tp->zero_gating) {
                skip = 1;
                for (size_t l = (size_t)wd * L; l < (size_t)(wd + 1) * L && l < C; l++)
                    if (w[l])
                        skip = 0;
            }
            int64_t t = st.s + (int64_t)wd * tp->wp;
            push(s, t, SIM_OBS_SRAM_READ, core, k, wd, skip, NULL);
            if (tp->async && !skip)
                push(s, t, SIM_OBS_HANDSHAKE, core, k, wd, 0, NULL);
        }
    } else if (sim_item_is_eot(it)) {
        for (int b = 0; b < tp->B; b++) {
            int64_t t = st.o + (int64_t)b * tp->bp;
            push(s, t, SIM_OBS_READOUT_BEAT, core, k, b, 0, NULL);
            if (tp->async)
                push(s, t, SIM_OBS_HANDSHAKE, core, k, b, 0, NULL);
        }
        push(s, st.o + (int64_t)tp->B * tp->bp, SIM_OBS_READOUT_DONE, core, k, -1, 0, snap);
    }
}

static void des_start(struct sim *s)
{
    s->des = 1;
    size_t total = 0;
    for (size_t rb = 0; rb < s->nrb; rb++)
        total += s->nitems[rb] * s->ncb;
    if (total > ((size_t)1 << 27)) { /* 1 GiB of arrival stamps */
        s->rc = ax_fail(&s->err, AX_ENOMEM,
                        "stepping or observing this run needs %zu item stamps "
                        "(%zu MiB) (hint: observe a shorter trace or a smaller layer; sim_run "
                        "without observers has no such limit)",
                        total, total * 8 >> 20);
        return;
    }
    if ((s->rc = sim_chip_weights_rows(s, &s->err)))
        return;
    s->acc64 = calloc(s->tokens * s->out * s->ng + 1, sizeof *s->acc64);
    s->acc_rb = calloc((size_t)s->tp.batch * s->nrb * s->outp + 1, sizeof *s->acc_rb);
    s->o_blk = calloc(s->ncores * s->tokens + 1, sizeof *s->o_blk);
    if (!s->acc64 || !s->acc_rb || !s->o_blk) {
        s->rc = ax_fail(&s->err, AX_ENOMEM, "out of memory for the accumulators");
        return;
    }
    for (size_t c = 0; c < s->ncores; c++) /* every core's readouts, one block */
        s->o_tok[c] = s->o_blk + c * s->tokens;
    s->arr = calloc(s->ncores, sizeof *s->arr);
    int64_t *row = malloc(s->ncb * sizeof *row);
    if (!s->arr || !row) {
        free(row);
        s->rc = ax_fail(&s->err, AX_ENOMEM, "out of memory starting the event simulation");
        return;
    }
    for (size_t c = 0; c < s->ncores; c++) {
        s->arr[c] = malloc((s->nitems[c / s->ncb] + 1) * sizeof(int64_t));
        if (!s->arr[c]) {
            free(row);
            s->rc = ax_fail(&s->err, AX_ENOMEM, "out of memory for item arrivals");
            return;
        }
    }
    for (size_t rb = 0; rb < s->nrb; rb++)
        for (size_t k = 0; k < s->nitems[rb]; k++) {
            sim_noc_multicast(s, rb, row);
            for (size_t cb = 0; cb < s->ncb; cb++)
                s->arr[rb * s->ncb + cb][k] = row[cb];
        }
    free(row);
    for (size_t c = 0; c < s->ncores; c++) {
        core_next(s, c);
        if (c % s->ncb && s->nitems[c / s->ncb])
            push(s, s->arr[c][0], SIM_OBS_FLIT, c, 0, -1, 0, NULL);
    }
}

static void deliver(struct sim *s, const sim_qev *e)
{
    if (!s->nobs)
        return;
    size_t rb = (size_t)e->core / s->ncb;
    int64_t it = s->items[rb][e->item];
    sim_obs o = {
        .kind = (sim_obs_kind)e->kind,
        .time = e->t,
        .core = e->core,
        .item = e->item,
        .token = (uint32_t)sim_item_token(s, it),
        .is_eot = sim_item_is_eot(it),
        .ev = sim_item_is_eot(it) ? NULL : &s->ev[it],
        .word = e->word,
        .skipped = e->skipped,
        .acc = e->kind == SIM_OBS_READOUT_DONE ? e->ptr : NULL,
        .nacc = e->kind == SIM_OBS_READOUT_DONE && e->ptr ? s->cfg.cols : 0,
    };
    for (size_t i = 0; i < s->nobs; i++)
        s->obs[i].fn(s->obs[i].user, &o);
}

int sim_step(sim *s)
{
    if (s->done)
        return 0;
    if (!s->des)
        des_start(s);
    const sim_qev *top = sim_queue_peek(&s->q);
    if (s->rc || !top) {
        if (!s->rc)
            s->rc = sim_chip_finish(s, &s->err);
        s->done = 1;
        s->now = s->duration > s->now ? s->duration : s->now;
        return 0;
    }
    int64_t t = top->t;
    s->now = t;
    sim_qev e;
    while ((top = sim_queue_peek(&s->q)) && top->t == t) {
        sim_queue_pop(&s->q, &e);
        deliver(s, &e);
        if (e.kind == SIM_OBS_ACCEPT)
            core_next(s, (size_t)e.core);
        else if (e.kind == SIM_OBS_FLIT && (size_t)e.item + 1 < s->nitems[(size_t)e.core / s->ncb])
            push(s, s->arr[e.core][e.item + 1], SIM_OBS_FLIT, (size_t)e.core, (size_t)e.item + 1,
                 -1, 0, NULL);
        free(e.ptr);
    }
    return 1;
}

ax_result sim_run_functional(sim *s, char **err)
{
    if (s->done || s->des || s->nobs)
        return ax_fail(err, AX_EPARAM,
                       "sim_run_functional: the sim has already run or has "
                       "observers (hint: a fresh sim, without observers)");
    s->functional = 1;
    if (!(s->rc = sim_arith_prepare(s, &s->err)) && !(s->rc = sim_arith_run(s, &s->err)))
        s->rc = sim_chip_acc_finish(s, &s->err);
    s->done = 1;
    if (s->rc && err)
        ax_fail(err, s->rc, "%s", s->err ? s->err : ax_result_str(s->rc));
    return s->rc;
}

ax_result sim_run(sim *s, char **err)
{
    if (!s->done && !s->des && !s->nobs && !s->rc) {
        s->rc = sim_chip_run_fast(s, &s->err);
        s->done = 1;
        s->now = s->duration;
    } else {
        while (sim_step(s))
            ;
    }
    if (s->rc && err)
        ax_fail(err, s->rc, "%s", s->err ? s->err : ax_result_str(s->rc));
    return s->rc;
}
