/*
 * What simulations of the same layer share (docs/performance.md, "Sweeps";
 * docs/sim.md "Fast run"). The fast run's preparation of the weights (the
 * chunk-major rows wk and the zero-gating counts, sim_arith.c) depends only
 * on the weights and, for the counts, the tile's columns and lanes; the
 * accumulation's result (acc and its overflow verdict) depends only on the
 * weights, the event stream, the row partition and the accumulator width —
 * timing never depends on weight values and the sums never on time
 * (docs/design.md §2 "Result"). So a sweep's points that differ in clock,
 * timing, delays, DRAM, power or technology can take both from the first
 * point, and the points of other tiles the weights; the results are the same
 * bits (tests/test_sim_share.c; tests/e2e/test_sweep_sim.sh compares a
 * sweep's database with and without sharing).
 *
 * sim_weights_alloc lets a loader that already holds each axon's row of a
 * tile (a core image, docs/core-image.md) write wk directly, so the weights
 * are not transposed back into [out][in] and forward again.
 */
#include "sim_int.h"

#include <stdlib.h>
#include <string.h>

ax_result sim_weights_alloc(size_t out, size_t in, sim_weights **w, int8_t **rows, char **err)
{
    *w = NULL;
    if (rows)
        *rows = NULL;
    size_t nch = (out + SIM_CW - 1) / SIM_CW, bytes;
    if (!out || !in || ax_mul_size(nch * SIM_CW, in, &bytes))
        return ax_fail(err, AX_EPARAM, "sim_weights: impossible layer [%zu, %zu]", out, in);
    sim_weights *x = calloc(1, sizeof *x);
    if (!x || !(x->wk = sim_alloc_big(bytes))) {
        free(x);
        return ax_fail(err, AX_ENOMEM, "out of memory for the prepared weights (%zu bytes)", bytes);
    }
    x->in = in;
    x->out = out;
    x->nch = nch;
    *w = x;
    if (rows)
        *rows = x->wk;
    return AX_OK;
}

typedef struct {
    const map_qweight *qw;
    sim_weights *w;
} tr_ctx;

static void tr_unit(void *p, size_t ch, int worker)
{
    tr_ctx *c = p;
    (void)worker;
    sim_arith_transpose(c->qw->q, c->qw->in, c->qw->out, c->w->wk, ch, NULL);
}

ax_result sim_weights_new(const map_qweight *qw, int threads, sim_weights **out, char **err)
{
    *out = NULL;
    if (!qw || !qw->q)
        return ax_fail(err, AX_EPARAM, "sim_weights_new: empty or unquantized weights");
    ax_result rc = sim_weights_alloc(qw->out, qw->in, out, NULL, err);
    if (rc)
        return rc;
    tr_ctx c = {qw, *out};
    sim_par_for(threads < 1                 ? 1
                : threads > SIM_MAX_THREADS ? SIM_MAX_THREADS
                                            : threads,
                (*out)->nch, tr_unit, &c);
    return AX_OK;
}

size_t sim_weights_bytes(const sim_weights *w)
{
    size_t b = sizeof *w + w->nch * SIM_CW * w->in;
    for (size_t k = 0; k < w->ncnt; k++)
        b += 2 * w->cnt[k].ncb * w->in * sizeof(uint16_t);
    return b;
}

void sim_weights_free(sim_weights *w)
{
    if (!w)
        return;
    for (size_t k = 0; k < w->ncnt; k++) {
        free(w->cnt[k].nnz);
        free(w->cnt[k].nzw);
        free(w->cnt[k].ltog[0]);
        free(w->cnt[k].ltog[1]);
    }
    free(w->cnt);
    free(w->wk);
    free(w);
}

const sim_wcounts *sim_weights_counts(const sim_weights *w, int C, int L)
{
    for (size_t k = 0; k < w->ncnt; k++)
        if (w->cnt[k].C == C && w->cnt[k].L == L)
            return &w->cnt[k];
    return NULL;
}

void sim_weights_keep_counts(struct sim *s)
{
    sim_weights *w = s->sw;
    const size_t n = s->ncb * s->in;
    sim_wcounts k = {s->cfg.cols,
                     s->cfg.lanes,
                     s->ncb,
                     malloc(n * sizeof *k.nnz),
                     malloc(n * sizeof *k.nzw),
                     {NULL, NULL}};
    sim_wcounts *grown = k.nnz && k.nzw ? realloc(w->cnt, (w->ncnt + 1) * sizeof *w->cnt) : NULL;
    if (!grown) {
        free(k.nnz);
        free(k.nzw);
        return;
    }
    memcpy(k.nnz, s->nnz, n * sizeof *k.nnz);
    memcpy(k.nzw, s->nzw, n * sizeof *k.nzw);
    w->cnt = grown;
    w->cnt[w->ncnt++] = k;
}

ax_result sim_use_weights(sim *s, sim_weights *w, char **err)
{
    if (s->done || s->des || s->wk)
        return ax_fail(err, AX_EPARAM, "sim_use_weights: the sim has already run");
    if (w->in != s->in || w->out != s->out)
        return ax_fail(err, AX_ESHAPE,
                       "sim_use_weights: prepared weights [%zu, %zu] for a layer [%zu, %zu]",
                       w->out, w->in, s->out, s->in);
    s->sw = w;
    return AX_OK;
}

ax_result sim_sums_take(const sim *s, sim_sums **out, char **err)
{
    *out = NULL;
    if (!s->done || s->des || s->nobs || (s->rc && s->rc != AX_EOVERFLOW))
        return ax_fail(err, AX_EPARAM,
                       "sim_sums_take: only after a fast run that completed or overflowed");
    const size_t n = s->tokens * s->out * s->ng;
    sim_sums *u = calloc(1, sizeof *u);
    if (!u || !(u->acc = malloc(n * sizeof *u->acc + 1)) ||
        (s->rc && !(u->err = strdup(s->err ? s->err : ax_result_str(s->rc))))) {
        sim_sums_free(u);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    memcpy(u->acc, s->acc_out, n * sizeof *u->acc);
    u->tokens = s->tokens;
    u->in = s->in;
    u->out = s->out;
    u->ng = s->ng;
    u->nev = s->nev;
    u->rows = s->cfg.rows;
    u->cols = s->cfg.cols;
    u->acc_bits = s->cfg.acc_bits;
    u->rc = s->rc;
    u->bound = sim_events_bound(s->ev, s->nev, s->tok_start, s->tokens);
    *out = u;
    return AX_OK;
}

const int32_t *sim_sums_acc(const sim_sums *u)
{
    return u->acc;
}

ax_result sim_sums_verdict(const sim_sums *u)
{
    return u->rc;
}

size_t sim_sums_bytes(const sim_sums *u)
{
    return sizeof *u + u->tokens * u->out * u->ng * sizeof *u->acc;
}

uint64_t sim_events_bound(const spike_event *ev, size_t nev, const size_t *tok_start, size_t tokens)
{
    uint64_t worst = 0;
    for (size_t t = 0; t < tokens; t++) {
        uint64_t b = 0;
        size_t e1 = tok_start[t + 1] < nev ? tok_start[t + 1] : nev;
        for (size_t e = tok_start[t]; e < e1; e++) {
            const uint64_t x = (uint64_t)128 << (ev[e].shift < 56 ? ev[e].shift : 56);
            b = b > UINT64_MAX - x ? UINT64_MAX : b + x;
        }
        worst = b > worst ? b : worst;
    }
    return worst;
}

int sim_bound_fits(uint64_t bound, int acc_bits)
{
    if (acc_bits < 2 || acc_bits > 64)
        return 0;
    const uint64_t amax = ((uint64_t)1 << (acc_bits - 1)) - 1;
    return bound <= amax && bound <= INT32_MAX;
}

void sim_sums_free(sim_sums *u)
{
    if (!u)
        return;
    free(u->acc);
    free(u->err);
    free(u);
}

ax_result sim_use_sums(sim *s, const sim_sums *u, char **err)
{
    if (s->done || s->des || s->prog)
        return ax_fail(err, AX_EPARAM, "sim_use_sums: the sim has already run");
    /* another tile or width: only where no sum can overflow on either (the
     * exact sum, whatever the row partition) */
    const int same_tile = u->rows == s->cfg.rows && u->cols == s->cfg.cols &&
                          u->acc_bits == s->cfg.acc_bits;
    const int exact = u->rc == AX_OK && sim_bound_fits(u->bound, s->cfg.acc_bits) &&
                      sim_bound_fits(u->bound, u->acc_bits);
    if (u->tokens != s->tokens || u->in != s->in || u->out != s->out || u->ng != s->ng ||
        u->nev != s->nev || (!same_tile && !exact))
        return ax_fail(err, AX_ESHAPE,
                       "sim_use_sums: sums of %zu tokens x [%zu, %zu] x %zu groups, %zu events, "
                       "tile %dx%d, %d-bit accumulators, for a run of %zu tokens x [%zu, %zu] x "
                       "%zu groups, %zu events, tile %dx%d, %d bits",
                       u->tokens, u->out, u->in, u->ng, u->nev, u->rows, u->cols, u->acc_bits,
                       s->tokens, s->out, s->in, s->ng, s->nev, s->cfg.rows, s->cfg.cols,
                       s->cfg.acc_bits);
    s->sums = u;
    return AX_OK;
}

struct sim_timed {
    sim_report rep; /* at clock 1000 MHz; per_core points to pc */
    sim_counters *pc;
    int64_t *tok_done, *tok_accept, last_start;
};

void sim_timed_free(sim_timed *t)
{
    if (!t)
        return;
    free(t->pc);
    free(t->tok_done);
    free(t->tok_accept);
    free(t);
}

ax_result sim_timed_take(const sim *s, sim_timed **out, char **err)
{
    *out = NULL;
    if (!s->done || s->rc || s->functional)
        return ax_fail(err, AX_EPARAM, "sim_timed_take: only after a timed run that completed");
    sim_timed *t = calloc(1, sizeof *t);
    const size_t T = s->tokens ? s->tokens : 1;
    if (!t || !(t->pc = malloc((s->ncores ? s->ncores : 1) * sizeof *t->pc)) ||
        !(t->tok_done = malloc(T * sizeof *t->tok_done)) ||
        !(t->tok_accept = malloc(T * sizeof *t->tok_accept))) {
        sim_timed_free(t);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    sim_get_report(s, &t->rep);
    memcpy(t->pc, s->pc, s->ncores * sizeof *t->pc);
    memcpy(t->tok_done, s->tok_done, s->tokens * sizeof *t->tok_done);
    memcpy(t->tok_accept, s->tok_accept, s->tokens * sizeof *t->tok_accept);
    t->last_start = s->last_start;
    t->rep.per_core = t->pc;
    *out = t;
    return AX_OK;
}

void sim_timed_report(const sim_timed *t, double clock_mhz, sim_report *r)
{
    *r = t->rep;
    sim_report_times(r, r->timing == SIM_SYNC ? 1000.0 / clock_mhz : 1e-3, r->tokens, r->duration,
                     t->tok_done, t->tok_accept, t->last_start);
}

size_t sim_timed_bytes(const sim_timed *t)
{
    return sizeof *t + t->rep.cores * sizeof *t->pc + 2 * t->rep.tokens * sizeof *t->tok_done;
}
