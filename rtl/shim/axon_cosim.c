/*
 * axon_cosim — lockstep comparison of the C core model and the Verilated RTL
 * (see axon_cosim.h). Each side's stamps go into one queue per kind (accept,
 * start, SRAM read, readout beat, readout done); after every RTL step the C
 * model is advanced to the same time and every pair that both sides have
 * produced is compared, so the first divergence is found the cycle it happens.
 * A finished token's accumulators are compared whole (C values, A-bit
 * two's complement sign-extended). The VCD window is produced by re-running
 * the RTL alone (it is deterministic for a seed) with tracing on around the
 * divergence, so the lockstep run itself never pays for tracing.
 */
#include "axon_cosim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_ACCEPT, K_START, K_READ, K_BEAT, K_DONE, K_N };
static const char *kname[K_N] = {"accept", "start", "sram-read", "readout-beat", "readout-done"};

typedef struct {
    int64_t time, item, token;
    int word, skipped;
    int32_t *acc; /* K_DONE: owned copy */
} rec;

typedef struct {
    rec *v;
    size_t n, cap, cur; /* cur: next to compare */
} recq;

typedef struct {
    recq q[2][K_N]; /* [0] C model, [1] RTL */
    int ncols;
    int nomem;
    int64_t sim_tokens;
    int32_t *acc_out; /* job's acc_out: [acc_tokens][ncols] */
    size_t acc_tokens;
    int core; /* the C model's core under comparison */
} ctx;

static void qpush(ctx *c, int side, int kind, rec r)
{
    recq *q = &c->q[side][kind];
    if (q->n == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 256;
        rec *v = realloc(q->v, cap * sizeof *v);
        if (!v) {
            c->nomem = 1;
            free(r.acc);
            return;
        }
        q->v = v;
        q->cap = cap;
    }
    q->v[q->n++] = r;
}

static int32_t *acc_copy(const int32_t *a, int n)
{
    int32_t *p = malloc((size_t)n * sizeof *p);
    if (p)
        memcpy(p, a, (size_t)n * sizeof *p);
    return p;
}

static void on_sim(void *user, const sim_obs *o)
{
    ctx *c = user;
    if (o->core != c->core)
        return;
    rec r = {o->time, o->item, -1, -1, 0, NULL};
    switch (o->kind) {
    case SIM_OBS_ACCEPT: qpush(c, 0, K_ACCEPT, r); break;
    case SIM_OBS_START: qpush(c, 0, K_START, r); break;
    case SIM_OBS_SRAM_READ:
        r.word = o->word;
        r.skipped = o->skipped;
        qpush(c, 0, K_READ, r);
        break;
    case SIM_OBS_READOUT_BEAT:
        r.word = o->word;
        r.item = -1;
        qpush(c, 0, K_BEAT, r);
        break;
    case SIM_OBS_READOUT_DONE:
        r.item = -1;
        r.token = c->sim_tokens++;
        if (o->acc)
            r.acc = acc_copy(o->acc, c->ncols);
        qpush(c, 0, K_DONE, r);
        break;
    default: break;
    }
}

static void fmt_rec(char *buf, size_t n, int kind, const rec *r)
{
    if (!r) {
        snprintf(buf, n, "(none)");
        return;
    }
    switch (kind) {
    case K_READ:
        snprintf(buf, n, "item %" PRId64 " word %d%s at %" PRId64, r->item, r->word,
                 r->skipped ? " skipped" : "", r->time);
        break;
    case K_BEAT: snprintf(buf, n, "beat %d at %" PRId64, r->word, r->time); break;
    case K_DONE: snprintf(buf, n, "token %" PRId64 " done at %" PRId64, r->token, r->time); break;
    default: snprintf(buf, n, "item %" PRId64 " at %" PRId64, r->item, r->time); break;
    }
}

/* 0 equal, 1 different; *j = first differing accumulator or -1. */
static int rec_diff(int kind, const rec *a, const rec *b, int ncols, int *j)
{
    *j = -1;
    if (a->time != b->time || a->word != b->word || a->skipped != b->skipped)
        return 1;
    if ((kind == K_ACCEPT || kind == K_START || kind == K_READ) && a->item != b->item)
        return 1;
    if (kind == K_DONE) {
        if (!a->acc || !b->acc)
            return 1;
        for (int i = 0; i < ncols; i++)
            if (a->acc[i] != b->acc[i]) {
                *j = i;
                return 1;
            }
    }
    return 0;
}

typedef struct {
    int kind;
    size_t idx;
    int64_t time;
} diverge;

/* Compares every available pair; returns 1 at the first divergence. */
static int compare(ctx *c, axon_cosim_result *res, diverge *d)
{
    for (int k = 0; k < K_N; k++) {
        recq *a = &c->q[0][k], *b = &c->q[1][k];
        while (a->cur < a->n && b->cur < b->n) {
            rec *x = &a->v[a->cur], *y = &b->v[b->cur];
            int j;
            if (rec_diff(k, x, y, c->ncols, &j)) {
                d->kind = k;
                d->idx = a->cur;
                d->time = x->time < y->time ? x->time : y->time;
                return 1;
            }
            res->stamps++;
            if (k == K_DONE) {
                res->accs += (uint64_t)c->ncols;
                if (c->acc_out && a->cur < c->acc_tokens)
                    memcpy(c->acc_out + a->cur * (size_t)c->ncols, x->acc,
                           (size_t)c->ncols * sizeof *x->acc);
                free(x->acc);
                free(y->acc);
                x->acc = y->acc = NULL;
            }
            if (k == K_ACCEPT)
                res->items++;
            a->cur++;
            b->cur++;
        }
    }
    return 0;
}

static ax_result report(ctx *c, const diverge *d, sim *s, const axon_rtl_stamp *st,
                        const char *unit, char **err)
{
    recq *a = &c->q[0][d->kind], *b = &c->q[1][d->kind];
    const rec *x = d->idx < a->n ? &a->v[d->idx] : NULL, *y = d->idx < b->n ? &b->v[d->idx] : NULL;
    char sx[128], sy[128], extra[256] = "", hist[512] = "";
    fmt_rec(sx, sizeof sx, d->kind, x);
    fmt_rec(sy, sizeof sy, d->kind, y);
    if (d->kind == K_DONE && x && y && x->acc && y->acc) {
        int j;
        rec_diff(K_DONE, x, y, c->ncols, &j);
        if (j >= 0)
            snprintf(extra, sizeof extra, "\n  accumulator %d: C model %d, RTL %d", j, x->acc[j],
                     y->acc[j]);
    }
    size_t from = d->idx > 3 ? d->idx - 3 : 0, len = 0;
    for (size_t i = from; i < d->idx && len < sizeof hist - 80; i++) {
        char t[128];
        fmt_rec(t, sizeof t, d->kind, &a->v[i]);
        len += (size_t)snprintf(hist + len, sizeof hist - len, "\n    %s", t);
    }
    return ax_fail(err, AX_EMISMATCH,
                   "first divergence at %" PRId64
                   " %s (%s #%zu; times in %s)\n  C model: %s\n  RTL:     %s%s\n"
                   "  matched before it (both sides):%s\n"
                   "  C model state: time %" PRId64
                   ", %zu accepted, %zu started, %zu reads, %zu tokens done\n"
                   "  RTL state:     time %" PRId64
                   ", %zu accepted, %zu started, %zu reads, %zu tokens done",
                   d->time, unit, kname[d->kind], d->idx, unit, sx, sy, extra,
                   len ? hist : " (nothing)", sim_now(s), c->q[0][K_ACCEPT].n, c->q[0][K_START].n,
                   c->q[0][K_READ].n, c->q[0][K_DONE].n, st->time, c->q[1][K_ACCEPT].n,
                   c->q[1][K_START].n, c->q[1][K_READ].n, c->q[1][K_DONE].n);
}

/* Arrival of every item of core j->core on the C model's chip (its FLIT stamps):
 * *arr[items], NULL for a one-core run (arrival 0). */
typedef struct {
    int core;
    int64_t *t;
    size_t n, cap;
    int nomem;
} arrivals;

static void on_flit(void *user, const sim_obs *o)
{
    arrivals *a = user;
    if (o->kind != SIM_OBS_FLIT || o->core != a->core)
        return;
    if ((size_t)o->item >= a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 1024;
        while (cap <= (size_t)o->item)
            cap *= 2;
        int64_t *v = realloc(a->t, cap * sizeof *v);
        if (!v) {
            a->nomem = 1;
            return;
        }
        memset(v + a->cap, 0, (cap - a->cap) * sizeof *v);
        a->t = v;
        a->cap = cap;
    }
    a->t[o->item] = o->time;
    if ((size_t)o->item + 1 > a->n)
        a->n = (size_t)o->item + 1;
}

static ax_result chip_arrivals(const axon_cosim_job *j, int64_t **out, char **err)
{
    *out = NULL;
    if (j->core == 0)
        return AX_OK;
    sim *s = NULL;
    arrivals a = {j->core, NULL, 0, 0, 0};
    ax_result r = sim_new(j->cfg, j->qw, j->ev, j->nev, j->tok_start, j->tokens, &s, err);
    if (r)
        return r;
    sim_observe(s, on_flit, &a);
    while (sim_step(s)) {}
    sim_free(s);
    if (a.nomem) {
        free(a.t);
        return ax_fail(err, AX_ENOMEM, "cosim: out of memory for arrivals");
    }
    if (a.n != j->nev + j->tokens) {
        free(a.t);
        return ax_fail(err, AX_EMISMATCH,
                       "cosim: core %d of the C model's chip received %zu of %zu items", j->core,
                       a.n, j->nev + j->tokens);
    }
    *out = a.t;
    return AX_OK;
}

static ax_result rtl_build(const axon_cosim_job *j, axon_rtl **out, char **err)
{
    int64_t *arr = NULL;
    ax_result ra = chip_arrivals(j, &arr, err);
    if (ra)
        return ra;
    size_t k = 0; /* item index */
    axon_rtl *h = NULL;
    ax_result r = axon_rtl_new(&j->p, j->seed, &h, err);
    if (r) {
        free(arr);
        return r;
    }
    int8_t *row = calloc((size_t)j->p.cols, 1);
    if (!row) {
        axon_rtl_free(h);
        free(arr);
        return ax_fail(err, AX_ENOMEM, "cosim: out of memory");
    }
    for (size_t i = 0; i < j->qw->in && !r; i++) {
        memset(row, 0, (size_t)j->p.cols);
        for (size_t o = j->col0; o < j->qw->out && o < j->col0 + (size_t)j->p.cols; o++)
            row[o - j->col0] = j->qw->q[o * j->qw->in + i];
        r = axon_rtl_load_row(h, (uint32_t)i, row, err);
    }
    free(row);
    /* the row-reuse core takes each token's events in (axon, step) order; the
     * batched one each batch's in (axon, token, step) order, then the batch's EOTs */
    size_t *perm = NULL,
           N = j->p.row_reuse && j->p.batch_tokens > 1 ? (size_t)j->p.batch_tokens : 1;
    if (!r && j->p.row_reuse) {
        perm = malloc((j->nev ? j->nev : 1) * sizeof *perm);
        r = perm ? sim_batch_order(j->ev, j->tok_start, j->tokens, (int)N, perm, err)
                 : ax_fail(err, AX_ENOMEM, "cosim: out of memory");
    }
    for (size_t t = 0; t < j->tokens && !r; t += N) {
        size_t t1 = t + N < j->tokens ? t + N : j->tokens;
        for (size_t x = j->tok_start[t]; x < j->tok_start[t1] && !r; x++, k++) {
            size_t e = perm ? perm[x] : x;
            axon_rtl_item it = {0,
                                j->ev[e].axon,
                                j->ev[e].neg,
                                j->ev[e].shift,
                                arr ? arr[k] : 0,
                                (int)(j->ev[e].token % N)};
            r = axon_rtl_push(h, &it, 1, err);
        }
        for (size_t n = t; n < t1 && !r; n++, k++) {
            axon_rtl_item eot = {1, 0, 0, 0, arr ? arr[k] : 0, 0};
            r = axon_rtl_push(h, &eot, 1, err);
        }
    }
    free(arr);
    free(perm);
    if (r) {
        axon_rtl_free(h);
        return r;
    }
    *out = h;
    return AX_OK;
}

static void rtl_record(ctx *c, axon_rtl *h, const axon_rtl_stamp *st, int64_t step)
{
    rec r = {st->time, -1, -1, -1, 0, NULL};
    if (st->accepted) {
        r.item = st->accept_item;
        qpush(c, 1, K_ACCEPT, r);
    }
    if (st->started) {
        r.item = st->start_item;
        qpush(c, 1, K_START, r);
    }
    if (st->issued && !st->reused) { /* a row-register word is no SRAM read */
        rec q = {st->time, st->issue_item, -1, st->word, st->skipped, NULL};
        qpush(c, 1, K_READ, q);
    }
    if (st->beat >= 0) {
        rec q = {st->time, -1, -1, st->beat, 0, NULL};
        qpush(c, 1, K_BEAT, q);
    }
    if (st->token_done) {
        /* the C model stamps the end of the readout, one beat period after the last beat */
        rec q = {st->time + step, -1, st->beat_token, -1, 0, acc_copy(axon_rtl_acc(h), c->ncols)};
        qpush(c, 1, K_DONE, q);
    }
}

/* Re-runs the RTL alone with a VCD window [t0, t1]. */
static ax_result wave_window(const axon_cosim_job *j, int64_t t0, int64_t t1, char **err)
{
    axon_rtl *h = NULL;
    ax_result r = rtl_build(j, &h, err);
    if (r)
        return r;
    r = axon_rtl_wave(h, j->wave, t0 < 0 ? 0 : t0, t1, err);
    axon_rtl_stamp st;
    while (!r && axon_rtl_step(h, &st) && st.time <= t1) {}
    axon_rtl_free(h);
    return r;
}

ax_result axon_cosim_run(const axon_cosim_job *j, axon_cosim_result *res, char **err)
{
    memset(res, 0, sizeof *res);
    ctx c;
    memset(&c, 0, sizeof c);
    c.ncols = j->p.cols;
    c.acc_out = j->acc_out;
    c.acc_tokens = j->tokens;
    c.core = j->core;
    sim *s = NULL;
    axon_rtl *h = NULL;
    ax_result r = sim_new(j->cfg, j->qw, j->ev, j->nev, j->tok_start, j->tokens, &s, err);
    if (r) {
        ax_err_prefix(err, "cosim: C model");
        return r;
    }
    sim_observe(s, on_sim, &c);
    /* the C model's side of the waveform: sim/'s VCD observer over the lockstep
     * run, which stops at the first divergence */
    sim_vcd *vcd = NULL;
    char simwave[4096] = "";
    if (j->wave) {
        size_t n = strlen(j->wave);
        int dot = n > 4 && !strcmp(j->wave + n - 4, ".vcd");
        snprintf(simwave, sizeof simwave, "%.*s.sim.vcd", (int)(dot ? n - 4 : n), j->wave);
        r = sim_vcd_open(s, simwave, 1, &vcd, err);
        if (r) {
            sim_free(s);
            return r;
        }
    }
    r = rtl_build(j, &h, err);
    if (r) {
        sim_vcd_abort(vcd);
        sim_free(s);
        return r;
    }
    int64_t step = axon_rtl_beat_period(h); /* done = last beat + one beat period */
    axon_rtl_stamp st;
    memset(&st, 0, sizeof st);
    int rtl_more = 1, sim_more = 1, div = 0;
    diverge d = {0, 0, 0};
    int64_t sim_last = 0;
    while ((rtl_more || sim_more) && !div && !c.nomem) {
        int64_t t = INT64_MAX;
        if (rtl_more) {
            rtl_more = axon_rtl_step(h, &st);
            res->rtl_steps++;
            rtl_record(&c, h, &st, step);
            if (st.issued && !st.reused) {
                res->rtl_words += st.skipped ? 0 : 1;
                res->rtl_skipped += st.skipped ? 1 : 0;
            }
            res->rtl_reused += st.issued && st.reused;
            res->rtl_adds += (uint64_t)st.lanes_added;
            t = st.time;
        }
        while (sim_more && sim_now(s) <= t) {
            sim_more = sim_step(s);
            if (sim_more)
                sim_last = sim_now(s);
        }
        div = compare(&c, res, &d);
        if (!div && rtl_more && !sim_more && st.time > sim_last + 1000000)
            break; /* RTL hangs */
    }
    if (c.nomem)
        r = ax_fail(err, AX_ENOMEM, "cosim: out of memory for stamps");
    if (!r && !div) {
        for (int k = 0; k < K_N && !div; k++)
            if (c.q[0][k].cur != c.q[0][k].n || c.q[1][k].cur != c.q[1][k].n) {
                div = 1;
                d.kind = k;
                d.idx = c.q[0][k].cur < c.q[1][k].cur ? c.q[0][k].cur : c.q[1][k].cur;
                const recq *q = c.q[0][k].cur < c.q[0][k].n ? &c.q[0][k] : &c.q[1][k];
                d.time = q->v[q->cur].time;
            }
    }
    if (!r && div) {
        res->diverged = 1;
        res->diverge_time = d.time;
        r = report(&c, &d, s, &st, j->p.async ? "ps" : "cycles", err);
    }
    /* the C model's sticky overflow (its run result, AX_EOVERFLOW) against the RTL's ovf */
    char *serr = NULL;
    ax_result srr = sim_run(s, &serr);
    free(serr);
    int sim_ovf = srr == AX_EOVERFLOW, rtl_ovf = axon_rtl_overflow(h);
    res->ovf = rtl_ovf;
    const char *proto = axon_rtl_protocol_error(h);
    if (!r && !div && proto) {
        res->diverged = 1;
        r = ax_fail(err, AX_EMISMATCH, "RTL %s", proto);
    }
    if (!r && !div && sim_ovf != rtl_ovf) {
        res->diverged = 1;
        r = ax_fail(err, AX_EMISMATCH, "overflow flag differs: C model %d, RTL %d", sim_ovf,
                    rtl_ovf);
    }
    sim_report rep;
    sim_get_report(s, &rep);
    res->end_sim = rep.duration;
    res->rtl_hs = axon_rtl_handshakes(h);
    axon_rtl_free(h); /* one Verilated model at a time (the waveform re-run builds another) */
    h = NULL;
    /* the activity the energy model prices must agree too: SRAM words read
     * and skipped, lane additions (sync RTL counts enabled lanes), handshakes */
    if (!r && !div) {
        const sim_counters *k = &rep.per_core[j->core];
        /* a row-reusing event's W word slots add from the row register */
        uint64_t reused = (k->events - k->sram_rows_read) *
                          (uint64_t)((j->p.cols + j->p.lanes - 1) / j->p.lanes);
        const char *what = NULL;
        uint64_t cs = 0, rs = 0;
        if (k->sram_words != res->rtl_words)
            what = "SRAM words read", cs = k->sram_words, rs = res->rtl_words;
        else if (k->sram_words_skipped != res->rtl_skipped)
            what = "SRAM words skipped", cs = k->sram_words_skipped, rs = res->rtl_skipped;
        else if (reused != res->rtl_reused)
            what = "word slots from the row register", cs = reused, rs = res->rtl_reused;
        else if (!j->p.async && k->adds != res->rtl_adds)
            what = "lane additions", cs = k->adds, rs = res->rtl_adds;
        else if (j->p.async && k->handshakes != res->rtl_hs)
            what = "handshakes", cs = k->handshakes, rs = res->rtl_hs;
        if (what) {
            res->diverged = 1;
            r = ax_fail(err, AX_EMISMATCH,
                        "activity counters differ: %s: C model %" PRIu64 ", RTL %" PRIu64, what, cs,
                        rs);
        }
    }
    res->end_rtl = c.q[1][K_DONE].n ? c.q[1][K_DONE].v[c.q[1][K_DONE].n - 1].time : 0;
    if (vcd) {
        char *verr = NULL;
        if (sim_vcd_close(vcd, &verr)) {
            fprintf(stderr, "axon cosim: C model waveform: %s\n", verr);
            free(verr);
        } else if (j->verbose || div) {
            fprintf(stderr, "axon cosim: C model waveform up to the stop in %s\n", simwave);
        }
    }
    if (j->wave && (r == AX_OK || r == AX_EMISMATCH)) {
        int64_t t0 = div ? d.time - j->wave_before : 0;
        int64_t t1 = div ? d.time + j->wave_after : j->wave_before + j->wave_after;
        char *werr = NULL;
        if (wave_window(j, t0, t1, &werr)) {
            fprintf(stderr, "axon cosim: waveform: %s\n", werr);
            free(werr);
        } else if (j->verbose || div) {
            fprintf(stderr, "axon cosim: RTL waveform of %" PRId64 " .. %" PRId64 " in %s\n",
                    t0 < 0 ? 0 : t0, t1, j->wave);
        }
    }
    for (int side = 0; side < 2; side++)
        for (int k = 0; k < K_N; k++) {
            for (size_t i = 0; i < c.q[side][k].n; i++)
                free(c.q[side][k].v[i].acc);
            free(c.q[side][k].v);
        }
    sim_free(s);
    return r;
}
