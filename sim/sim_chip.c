/*
 * The chip (docs/design.md §3): a layer [out, in] split into row-blocks of at most
 * R axons and column blocks of C neurons, one core per (row-block, column
 * block) on a mesh. Row-blocks never straddle a weight group: with group
 * scales (G inputs per group) each group is split into ceil(|g|/R)
 * row-blocks, so every core's C accumulators belong to one group and the
 * partial sums reduce into acc[token][out][group] (per channel: one group,
 * ceil(in/R) row-blocks). Core (rb, cb) sits at mesh (x = cb, y = rb).
 *
 * Weights live in the row-per-axon layout the core reads: wt[axon][outp]
 * (outp = column blocks × C, zero padded), so the SRAM row of axon i in core
 * (rb, cb) is the contiguous int8 run wt[i][cb·C .. cb·C + C). Beside it the
 * per-(axon, column block) counts of nonzero weights and nonzero words
 * (the zero flags of zero gating) are precomputed once, so an event's
 * counters cost O(1) and its arithmetic is one vectorized row add.
 *
 * Ownership: the sim references qw, ev and tok_start (they must outlive it)
 * and owns everything else.
 *
 * The split of the event stream into row-blocks' item streams runs on the
 * threads of sim_new_ex's exec, by blocks of SIM_ITEM_BLOCK tokens: each
 * block counts its items per row-block (and its axons' events and shifts
 * into its worker's own counters, summed afterwards: integers), a prefix
 * sum over blocks in order gives each block its offsets, and each block
 * writes its items there: the same streams for every thread count. A block
 * that finds an invalid event only raises a flag; the stream is then
 * checked again in order by one thread, so the error is the first one, as
 * before.
 */
#include "sim_int.h"

#include <stdlib.h>
#include <string.h>

static void *xcalloc(size_t n, size_t sz, int *bad)
{
    void *p = calloc(n ? n : 1, sz ? sz : 1);
    if (!p)
        *bad = 1;
    return p;
}

/* xcalloc on a 64-byte boundary, for the arrays the threads write by
 * chunks of 128 lanes (acc_out): calloc's large blocks start 16 bytes into
 * a page, so every 64-byte store straddled two cache lines and the lines at
 * the chunks' ends were written by two threads. free() releases it. */
static void *xcalloc_line(size_t n, size_t sz, int *bad)
{
    void *p = NULL;
    size_t bytes = (n ? n : 1) * (sz ? sz : 1);
    if ((sz && n > SIZE_MAX / sz) || posix_memalign(&p, 64, bytes)) {
        *bad = 1;
        return NULL;
    }
    memset(p, 0, bytes);
    return p;
}

int sim_core_cused(const struct sim *s, size_t cb)
{
    size_t lo = cb * (size_t)s->cfg.cols, hi = lo + (size_t)s->cfg.cols;
    return (int)((hi < s->out ? hi : s->out) - lo);
}

static ax_result build_rowblocks(struct sim *s, char **err)
{
    size_t R = (size_t)s->cfg.rows, G = s->qw->group ? s->qw->group : s->in, nrb = 0;
    for (size_t g = 0; g < s->ng; g++) {
        size_t lo = g * G, hi = lo + G < s->in ? lo + G : s->in;
        if (lo >= hi)
            return ax_fail(err, AX_EPARAM, "weight group %zu is empty (group %zu, in %zu)", g, G,
                           s->in);
        nrb += (hi - lo + R - 1) / R;
    }
    int bad = 0;
    s->nrb = nrb;
    s->rb_lo = xcalloc(nrb, sizeof(size_t), &bad);
    s->rb_hi = xcalloc(nrb, sizeof(size_t), &bad);
    s->rb_group = xcalloc(nrb, sizeof(size_t), &bad);
    if (bad)
        return ax_fail(err, AX_ENOMEM, "out of memory for %zu row-blocks", nrb);
    size_t rb = 0;
    for (size_t g = 0; g < s->ng; g++) {
        size_t lo = g * G, hi = lo + G < s->in ? lo + G : s->in;
        for (size_t a = lo; a < hi; a += R, rb++) {
            s->rb_lo[rb] = a;
            s->rb_hi[rb] = a + R < hi ? a + R : hi;
            s->rb_group[rb] = g;
        }
    }
    return AX_OK;
}

/* The stepped path's weights (sim_host.c): q [out][in] transposed into wt
 * [in][outp] (blocked for the cache), and the nonzero weights and words per
 * (axon, column block) when the fast path has not counted them yet. */
ax_result sim_chip_weights_rows(struct sim *s, char **err)
{
    if (s->wt)
        return AX_OK;
    const size_t in = s->in, out = s->out, outp = s->outp, C = (size_t)s->cfg.cols;
    const size_t L = (size_t)s->cfg.lanes;
    const int8_t *q = s->qw->q;
    s->wt = calloc(in * outp + 1, 1);
    if (!s->wt)
        return ax_fail(err, AX_ENOMEM, "out of memory for the %zu x %zu weight rows", in, outp);
    for (size_t j0 = 0; j0 < out; j0 += 64)
        for (size_t i0 = 0; i0 < in; i0 += 64)
            for (size_t j = j0; j < j0 + 64 && j < out; j++)
                for (size_t i = i0; i < i0 + 64 && i < in; i++)
                    s->wt[i * outp + j] = q[j * in + i];
    if (s->weights_built)
        return AX_OK;
    for (size_t i = 0; i < in; i++)
        for (size_t cb = 0; cb < s->ncb; cb++) {
            const int8_t *w = s->wt + i * outp + cb * C;
            int nnz = 0, nzw = 0;
            for (size_t w0 = 0; w0 < C; w0 += L) {
                int cnt = 0;
                size_t hi = w0 + L < C ? w0 + L : C;
                for (size_t l = w0; l < hi; l++)
                    cnt += w[l] != 0;
                nnz += cnt;
                nzw += cnt != 0;
            }
            s->nnz[cb * s->in + i] = (uint16_t)nnz;
            s->nzw[cb * s->in + i] = (uint16_t)nzw;
        }
    ax_result rc = sim_toggle_build(s, err);
    if (rc)
        return rc;
    s->weights_built = 1;
    return AX_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

ax_result sim_row_order(const spike_event *ev, const size_t *tok_start, size_t tokens, size_t *perm,
                        char **err)
{
    return sim_batch_order(ev, tok_start, tokens, 1, perm, err);
}

ax_result sim_batch_order(const spike_event *ev, const size_t *tok_start, size_t tokens, int batch,
                          size_t *perm, char **err)
{
    if (batch < 1)
        return ax_fail(err, AX_EPARAM, "batch of %d tokens (hint: --batch-tokens 1..64)", batch);
    const size_t N = (size_t)batch;
    size_t most = 0;
    for (size_t n = 0; n < tokens; n += N) {
        size_t n1 = n + N < tokens ? n + N : tokens;
        if (tok_start[n1] - tok_start[n] > most)
            most = tok_start[n1] - tok_start[n];
    }
    if (most >= ((size_t)1 << 32))
        return ax_fail(err, AX_ERANGE,
                       "a %s of %zu events is too long to reorder for row reuse "
                       "(hint: --row-reuse off, or fewer --batch-tokens)",
                       N > 1 ? "batch" : "token", most);
    uint64_t *key = malloc((most ? most : 1) * sizeof *key);
    if (!key)
        return ax_fail(err, AX_ENOMEM, "out of memory reordering %zu events for row reuse", most);
    for (size_t n = 0; n < tokens; n += N) {
        size_t n1 = n + N < tokens ? n + N : tokens;
        size_t e0 = tok_start[n], m = tok_start[n1] - e0;
        /* axon major, then the stream position (tokens, then steps ascend within an axon) */
        for (size_t i = 0; i < m; i++)
            key[i] = (uint64_t)ev[e0 + i].axon << 32 | (uint64_t)i;
        qsort(key, m, sizeof *key, cmp_u64);
        for (size_t i = 0; i < m; i++)
            perm[e0 + i] = e0 + (size_t)(key[i] & 0xffffffffu);
    }
    free(key);
    return AX_OK;
}

/* Which events of row-block rb read their row from SRAM: without row reuse
 * all; with it, the first event of each (batch, axon) pair in the stream
 * (batches of batch_tokens consecutive tokens), counted into rcnt. */
static ax_result build_row_reads(struct sim *s, char **err)
{
    if (!s->cfg.row_reuse) {
        memcpy(s->rcnt, s->ecnt, s->in * sizeof *s->rcnt);
        return AX_OK;
    }
    int bad = 0;
    s->rrow = xcalloc(s->nrb, sizeof *s->rrow, &bad);
    uint32_t *lastb = xcalloc(s->in, sizeof *lastb, &bad); /* batch + 1 of the last read */
    if (bad) {
        free(lastb);
        return ax_fail(err, AX_ENOMEM, "out of memory for the row-reuse flags");
    }
    const size_t N = (size_t)s->cfg.batch_tokens;
    for (size_t rb = 0; rb < s->nrb && !bad; rb++) {
        uint8_t *f = s->rrow[rb] = xcalloc(s->nitems[rb], 1, &bad);
        for (size_t k = 0; !bad && k < s->nitems[rb]; k++) {
            int64_t it = s->items[rb][k];
            if (sim_item_is_eot(it))
                continue;
            const spike_event *e = &s->ev[it];
            uint32_t b = (uint32_t)(e->token / N) + 1;
            if (lastb[e->axon] != b) {
                lastb[e->axon] = b;
                f[k] = 1;
                s->rcnt[e->axon]++;
            }
        }
    }
    free(lastb);
    if (bad)
        return ax_fail(err, AX_ENOMEM, "out of memory for the row-reuse flags");
    return AX_OK;
}

/* Token batches (docs/core-timing.md "Token batches"): the token-by-token
 * items become aitems (the arithmetic's order) and items the core's batch
 * order: per batch of N tokens its events in (axon, token, step) order
 * (sim_batch_order), then the EOTs of its tokens in token order. */
static ax_result build_batch_items(struct sim *s, const uint32_t *a2rb, char **err)
{
    const size_t N = (size_t)s->cfg.batch_tokens;
    int bad = 0;
    size_t *perm = malloc((s->nev ? s->nev : 1) * sizeof *perm);
    size_t *fill = xcalloc(s->nrb, sizeof *fill, &bad);
    int64_t **bi = xcalloc(s->nrb, sizeof *bi, &bad);
    for (size_t rb = 0; rb < s->nrb && !bad; rb++)
        bi[rb] = xcalloc(s->nitems[rb] ? s->nitems[rb] : 1, sizeof(int64_t), &bad);
    ax_result r = AX_OK;
    if (bad || !perm)
        r = ax_fail(err, AX_ENOMEM, "out of memory ordering %zu events in batches", s->nev);
    else
        r = sim_batch_order(s->ev, s->tok_start, s->tokens, (int)N, perm, err);
    if (r) {
        for (size_t rb = 0; bi && rb < s->nrb; rb++)
            free(bi[rb]);
        free(bi);
        free(fill);
        free(perm);
        return r;
    }
    for (size_t n = 0; n < s->tokens; n += N) {
        size_t n1 = n + N < s->tokens ? n + N : s->tokens;
        for (size_t x = s->tok_start[n]; x < s->tok_start[n1]; x++) {
            size_t rb = a2rb[s->ev[perm[x]].axon];
            bi[rb][fill[rb]++] = (int64_t)perm[x];
        }
        for (size_t t = n; t < n1; t++)
            for (size_t rb = 0; rb < s->nrb; rb++)
                bi[rb][fill[rb]++] = -(int64_t)t - 1;
    }
    s->aitems = s->items;
    s->items = bi;
    free(fill);
    free(perm);
    return AX_OK;
}

/* Validates the event stream in order and counts each row-block's events
 * and each axon's events and shifts (one thread: the first error is the
 * one reported). */
static ax_result count_items_serial(struct sim *s, const uint32_t *a2rb, char **err)
{
    memset(s->nitems, 0, s->nrb * sizeof *s->nitems);
    memset(s->ecnt, 0, s->in * sizeof *s->ecnt);
    memset(s->scnt, 0, s->in * sizeof *s->scnt);
    memset(s->ecnt_neg, 0, s->in * sizeof *s->ecnt_neg);
    memset(s->scnt_neg, 0, s->in * sizeof *s->scnt_neg);
    for (size_t n = 0; n < s->tokens; n++) {
        if (s->tok_start[n + 1] < s->tok_start[n])
            return ax_fail(err, AX_EPARAM, "tok_start decreases at token %zu", n);
        for (size_t e = s->tok_start[n]; e < s->tok_start[n + 1]; e++) {
            const spike_event *v = &s->ev[e];
            if (v->token != n || v->axon >= s->in)
                return ax_fail(err, AX_EPARAM,
                               "event %zu (token %u, axon %u) does not fit token %zu of %zu axons "
                               "(hint: build events with spike_events)",
                               e, v->token, v->axon, n, s->in);
            if (v->shift > SIM_MAX_SHIFT)
                return ax_fail(err, AX_ERANGE,
                               "event %zu (token %u, step %u) has shift %u > %d: its weight "
                               "times 2^shift would not fit the int32 lane add (hint: fewer "
                               "--steps, or keep counts clamped)",
                               e, v->token, v->step, v->shift, SIM_MAX_SHIFT);
            if (e > s->tok_start[n]) {
                const spike_event *u = v - 1;
                if (u->step > v->step || (u->step == v->step && u->axon >= v->axon))
                    return ax_fail(err, AX_EPARAM, "event %zu is out of (token, step, axon) order",
                                   e);
            }
            s->nitems[a2rb[v->axon]]++;
            s->ecnt[v->axon]++;
            s->scnt[v->axon] += v->shift;
            s->ecnt_neg[v->axon] += v->neg != 0;
            s->scnt_neg[v->axon] += v->neg ? v->shift : 0;
        }
    }
    return AX_OK;
}

#define SIM_ITEM_BLOCK 8 /* tokens per unit of the split */

typedef struct {
    struct sim *s;
    const uint32_t *a2rb;
    const size_t *perm; /* row reuse: the event order, or NULL */
    size_t *cnt;        /* [block][rb]: items (pass 1), then offsets (pass 2) */
    uint32_t *ecnt;     /* [worker][in] */
    uint64_t *scnt;     /* [worker][in] */
    uint32_t *ecnt_neg; /* [worker][in] events with the negative sign */
    uint64_t *scnt_neg; /* [worker][in] their shifts */
    unsigned char *bad; /* [block]: an invalid event (checked again in order) */
} items_ctx;

static void count_block(void *p, size_t blk, int worker)
{
    items_ctx *x = p;
    struct sim *s = x->s;
    size_t n0 = blk * SIM_ITEM_BLOCK,
           n1 = n0 + SIM_ITEM_BLOCK < s->tokens ? n0 + SIM_ITEM_BLOCK : s->tokens;
    size_t *cnt = x->cnt + blk * s->nrb;
    uint32_t *ecnt = x->ecnt + (size_t)worker * s->in;
    uint64_t *scnt = x->scnt + (size_t)worker * s->in;
    uint32_t *ecnt_neg = x->ecnt_neg + (size_t)worker * s->in;
    uint64_t *scnt_neg = x->scnt_neg + (size_t)worker * s->in;
    for (size_t n = n0; n < n1; n++)
        for (size_t e = s->tok_start[n]; e < s->tok_start[n + 1]; e++) {
            const spike_event *v = &s->ev[e];
            int ok = v->token == n && v->axon < s->in && v->shift <= SIM_MAX_SHIFT;
            if (ok && e > s->tok_start[n]) {
                const spike_event *u = v - 1;
                ok = u->step < v->step || (u->step == v->step && u->axon < v->axon);
            }
            if (!ok) {
                x->bad[blk] = 1;
                return;
            }
            cnt[x->a2rb[v->axon]]++;
            ecnt[v->axon]++;
            scnt[v->axon] += v->shift;
            ecnt_neg[v->axon] += v->neg != 0;
            scnt_neg[v->axon] += v->neg ? v->shift : 0;
        }
    for (size_t rb = 0; rb < s->nrb; rb++)
        cnt[rb] += n1 - n0; /* an EOT per token */
}

static void fill_block(void *p, size_t blk, int worker)
{
    (void)worker;
    items_ctx *x = p;
    struct sim *s = x->s;
    size_t n0 = blk * SIM_ITEM_BLOCK,
           n1 = n0 + SIM_ITEM_BLOCK < s->tokens ? n0 + SIM_ITEM_BLOCK : s->tokens;
    size_t *pos = x->cnt + blk * s->nrb;
    for (size_t n = n0; n < n1; n++) {
        for (size_t i = s->tok_start[n]; i < s->tok_start[n + 1]; i++) {
            size_t e = x->perm ? x->perm[i] : i;
            size_t rb = x->a2rb[s->ev[e].axon];
            s->items[rb][pos[rb]++] = (int64_t)e;
        }
        for (size_t rb = 0; rb < s->nrb; rb++)
            s->items[rb][pos[rb]++] = -(int64_t)n - 1;
    }
}

/* Splits the event stream into each row-block's item stream (events of
 * its axons in stream order, or the row-reuse order of sim_row_order, an
 * EOT after each token) and validates it. */
static ax_result build_items(struct sim *s, uint32_t *a2rb, char **err)
{
    int bad = 0;
    s->items = xcalloc(s->nrb, sizeof(int64_t *), &bad);
    s->nitems = xcalloc(s->nrb, sizeof(size_t), &bad);
    if (bad)
        return ax_fail(err, AX_ENOMEM, "out of memory for item streams");
    if (s->tok_start[0] != 0 || s->tok_start[s->tokens] != s->nev)
        return ax_fail(err, AX_EPARAM, "tok_start must run from 0 to nev = %zu (got %zu .. %zu)",
                       s->nev, s->tok_start[0], s->tok_start[s->tokens]);
    int mono = 1;
    for (size_t n = 0; n < s->tokens; n++)
        mono &= s->tok_start[n + 1] >= s->tok_start[n];
    size_t nblk = (s->tokens + SIM_ITEM_BLOCK - 1) / SIM_ITEM_BLOCK;
    int workers = s->ex.threads; /* 1 .. SIM_MAX_THREADS (sim_set_exec) */
    items_ctx x = {.s = s, .a2rb = a2rb};
    if (mono && workers > 1 && nblk > 1) {
        x.cnt = xcalloc(nblk * s->nrb, sizeof *x.cnt, &bad);
        x.ecnt = xcalloc((size_t)workers * s->in, sizeof *x.ecnt, &bad);
        x.scnt = xcalloc((size_t)workers * s->in, sizeof *x.scnt, &bad);
        x.ecnt_neg = xcalloc((size_t)workers * s->in, sizeof *x.ecnt_neg, &bad);
        x.scnt_neg = xcalloc((size_t)workers * s->in, sizeof *x.scnt_neg, &bad);
        x.bad = xcalloc(nblk, 1, &bad);
    }
    ax_result r = AX_OK;
    int split = 0; /* counted by blocks: x.cnt holds each block's items */
    if (bad) {
        r = ax_fail(err, AX_ENOMEM, "out of memory for item streams");
        goto out;
    }
    if (x.cnt) {
        sim_par_for(workers, nblk, count_block, &x);
        split = !memchr(x.bad, 1, nblk);
    }
    if (split) {
        for (int w = 0; w < workers; w++)
            for (size_t i = 0; i < s->in; i++) {
                s->ecnt[i] += x.ecnt[(size_t)w * s->in + i];
                s->scnt[i] += x.scnt[(size_t)w * s->in + i];
                s->ecnt_neg[i] += x.ecnt_neg[(size_t)w * s->in + i];
                s->scnt_neg[i] += x.scnt_neg[(size_t)w * s->in + i];
            }
        for (size_t rb = 0; rb < s->nrb; rb++) /* each block's offsets, blocks in order */
            for (size_t b = 0; b < nblk; b++) {
                size_t c = x.cnt[b * s->nrb + rb];
                x.cnt[b * s->nrb + rb] = s->nitems[rb];
                s->nitems[rb] += c;
            }
    } else if ((r = count_items_serial(s, a2rb, err))) {
        goto out;
    } else {
        for (size_t rb = 0; rb < s->nrb; rb++)
            s->nitems[rb] += s->tokens;
    }
    for (size_t rb = 0; rb < s->nrb; rb++) {
        s->items[rb] = malloc((s->nitems[rb] ? s->nitems[rb] : 1) * sizeof(int64_t));
        if (!s->items[rb]) {
            r = ax_fail(err, AX_ENOMEM, "out of memory for %zu items", s->nitems[rb]);
            goto out;
        }
    }
    size_t *perm = NULL;
    if (s->cfg.row_reuse) {
        perm = malloc((s->nev ? s->nev : 1) * sizeof *perm);
        if (!perm) {
            r = ax_fail(err, AX_ENOMEM, "out of memory reordering %zu events", s->nev);
            goto out;
        }
        if ((r = sim_row_order(s->ev, s->tok_start, s->tokens, perm, err))) {
            free(perm);
            goto out;
        }
    }
    x.perm = perm;
    if (split) {
        sim_par_for(workers, nblk, fill_block, &x);
    } else {
        size_t *pos = calloc(s->nrb, sizeof *pos);
        if (!pos) {
            free(perm);
            r = ax_fail(err, AX_ENOMEM, "out of memory for item streams");
            goto out;
        }
        x.cnt = pos; /* one block of every token, from offset 0 */
        for (size_t n = 0; n < s->tokens; n++) {
            for (size_t i = s->tok_start[n]; i < s->tok_start[n + 1]; i++) {
                size_t e = perm ? perm[i] : i;
                size_t rb = a2rb[s->ev[e].axon];
                s->items[rb][pos[rb]++] = (int64_t)e;
            }
            for (size_t rb = 0; rb < s->nrb; rb++)
                s->items[rb][pos[rb]++] = -(int64_t)n - 1;
        }
    }
    free(perm);
    if (s->cfg.row_reuse && s->cfg.batch_tokens > 1 && (r = build_batch_items(s, a2rb, err)))
        goto out;
    r = build_row_reads(s, err);
out:
    free(x.cnt);
    free(x.ecnt);
    free(x.scnt);
    free(x.ecnt_neg);
    free(x.scnt_neg);
    free(x.bad);
    return r;
}

ax_result sim_new(const sim_config *cfg, const map_qweight *qw, const spike_event *ev, size_t nev,
                  const size_t *tok_start, size_t tokens, sim **out, char **err)
{
    return sim_new_ex(cfg, qw, ev, nev, tok_start, tokens, NULL, out, err);
}

ax_result sim_new_ex(const sim_config *cfg, const map_qweight *qw, const spike_event *ev,
                     size_t nev, const size_t *tok_start, size_t tokens, const sim_exec *ex,
                     sim **out, char **err)
{
    *out = NULL;
    ax_result rc = sim_config_check(cfg, err);
    if (rc)
        return rc;
    if (!qw || !qw->q || !qw->scale || qw->out == 0 || qw->in == 0 || qw->ngroups == 0)
        return ax_fail(err, AX_EPARAM, "sim_new: empty or unquantized weights");
    if (!tok_start || (nev && !ev))
        return ax_fail(err, AX_EPARAM, "sim_new: missing event stream");
    struct sim *s = calloc(1, sizeof *s);
    if (!s)
        return ax_fail(err, AX_ENOMEM, "out of memory for the simulator");
    s->cfg = *cfg;
    sim_tparams_from(cfg, &s->tp);
    s->qw = qw;
    s->ev = ev;
    s->nev = nev;
    s->tok_start = tok_start;
    s->tokens = tokens;
    s->in = qw->in;
    s->out = qw->out;
    s->ng = qw->ngroups;
    sim_exec_default(&s->ex);
    if (ex)
        sim_set_exec(s, ex);
    sim_queue_init(&s->q);
    uint32_t *a2rb = NULL;
    int bad = 0;
    if ((rc = build_rowblocks(s, err)))
        goto fail;
    s->ncb = (s->out + (size_t)cfg->cols - 1) / (size_t)cfg->cols;
    s->ncores = s->nrb * s->ncb;
    s->outp = s->ncb * (size_t)cfg->cols;
    s->mesh_w = cfg->mesh_w ? (size_t)cfg->mesh_w : s->ncb;
    s->mesh_h = cfg->mesh_h ? (size_t)cfg->mesh_h : s->nrb;
    if (s->mesh_w < s->ncb || s->mesh_h < s->nrb) {
        rc = ax_fail(err, AX_EPARAM,
                     "sim parameter mesh %zux%zu is too small: the layer [%zu, %zu] "
                     "needs %zu column blocks x %zu row-blocks of %dx%d cores (hint: mesh 0x0 = "
                     "auto, or a larger --tile)",
                     s->mesh_w, s->mesh_h, s->out, s->in, s->ncb, s->nrb, cfg->rows, cfg->cols);
        goto fail;
    }
    size_t wbytes;
    if (ax_mul_size(s->in, s->outp, &wbytes) || ax_mul_size(s->ncores, s->tokens, &(size_t){0})) {
        rc = ax_fail(err, AX_ENOMEM, "layer too large to simulate");
        goto fail;
    }
    a2rb = xcalloc(s->in, sizeof *a2rb, &bad);
    s->ecnt = xcalloc(s->in, sizeof(uint32_t), &bad);
    s->rcnt = xcalloc(s->in, sizeof(uint32_t), &bad);
    s->scnt = xcalloc(s->in, sizeof(uint64_t), &bad);
    s->ecnt_neg = xcalloc(s->in, sizeof(uint32_t), &bad);
    s->scnt_neg = xcalloc(s->in, sizeof(uint64_t), &bad);
    s->nnz = xcalloc(s->in * s->ncb, sizeof(uint16_t), &bad);
    s->nzw = xcalloc(s->in * s->ncb, sizeof(uint16_t), &bad);
    s->cs = xcalloc(s->ncores, sizeof(sim_core_state), &bad);
    s->sring = xcalloc(s->ncores * (size_t)cfg->fifo_depth, sizeof(int64_t), &bad);
    s->o_tok = xcalloc(s->ncores, sizeof *s->o_tok, &bad); /* rows: sim_o_row, des_start */
    s->o_dl = xcalloc(s->ncores, sizeof *s->o_dl, &bad);
    s->o_own = xcalloc(s->ncores, sizeof *s->o_own, &bad);
    s->tok_done = xcalloc(s->tokens, sizeof(int64_t), &bad);
    s->tok_accept = xcalloc(s->tokens, sizeof(int64_t), &bad);
    s->acc_out = xcalloc_line(s->tokens * s->out * s->ng, sizeof(int32_t), &bad);
    s->link_free = xcalloc(s->nrb * s->ncb, sizeof(int64_t), &bad);
    s->ovf_rb = xcalloc(s->nrb, sizeof(uint32_t), &bad);
    s->pc = xcalloc(s->ncores, sizeof(sim_counters), &bad);
    s->tacc_rb = xcalloc(s->nrb * s->tokens, sizeof(int64_t), &bad);
    s->lstart_rb = xcalloc(s->nrb, sizeof(int64_t), &bad);
    if (bad) {
        rc = ax_fail(err, AX_ENOMEM, "out of memory building the chip (%zu cores, %zu tokens)",
                     s->ncores, s->tokens);
        goto fail;
    }
    for (size_t rb = 0; rb < s->nrb; rb++)
        for (size_t i = s->rb_lo[rb]; i < s->rb_hi[rb]; i++)
            a2rb[i] = (uint32_t)rb;
    if ((rc = build_items(s, a2rb, err)))
        goto fail;
    if ((rc = sim_dram_init(s, err)))
        goto fail;
    for (size_t c = 0; c < s->ncores; c++)
        sim_core_reset(&s->cs[c], &s->tp, s->sring + c * (size_t)cfg->fifo_depth);
    for (size_t l = 0; l < s->nrb * s->ncb; l++)
        s->link_free[l] = SIM_NEG_INF;
    for (size_t n = 0; n < s->tokens; n++)
        s->tok_accept[n] = INT64_MAX;
    for (size_t i = 0; i < s->nrb * s->tokens; i++)
        s->tacc_rb[i] = INT64_MAX;
    free(a2rb);
    *out = s;
    return AX_OK;
fail:
    free(a2rb);
    sim_free(s);
    return rc;
}

void sim_chip_fold(struct sim *s, size_t rb, size_t n, size_t c0, size_t c1)
{
    size_t g = s->rb_group[rb], ng = s->ng, out = s->out;
    int32_t *acc = sim_chip_accset(s, rb, n);
    int64_t *dst = s->acc64 + n * out * ng + g;
    if (c1 > out)
        c1 = out;
    for (size_t j = c0; j < c1; j++) {
        dst[j * ng] += acc[j];
        acc[j] = 0;
    }
}

int64_t sim_chip_dram_arrival(struct sim *s, size_t rb, size_t cb, size_t k, int64_t arr)
{
    /* stall_dram: how much later the accept can happen because of the weights */
    sim_core_state *cs = &s->cs[rb * s->ncb + cb];
    int64_t w = sim_dram_arrival(s, rb, cb, k, arr);
    int64_t base = arr > cs->a_prev + s->tp.step ? arr : cs->a_prev + s->tp.step;
    int64_t slot = cs->sring[cs->ri];
    base = slot > base ? slot : base;
    if (w > base)
        cs->c.stall_dram += w - base;
    return w;
}

void sim_chip_core_item(struct sim *s, size_t rb, size_t cb, size_t k, int64_t arr, sim_stamp *st)
{
    size_t core = rb * s->ncb + cb, C = (size_t)s->cfg.cols;
    int64_t it = s->items[rb][k];
    if (s->cfg.dram)
        arr = sim_chip_dram_arrival(s, rb, cb, k, arr);
    sim_core_item(&s->tp, &s->cs[core], arr, sim_item_is_eot(it), st);
    if (st->s > s->last_start)
        s->last_start = st->s;
    if (sim_item_is_eot(it)) {
        size_t n = sim_item_token(s, it);
        if (s->cs[core].fa < s->tok_accept[n]) /* the first item of its batch (token) here */
            s->tok_accept[n] = s->cs[core].fa;
        s->o_tok[core][n] = st->o;
        if (s->cfg.dram)
            sim_dram_eot(s, core, n, st->s);
        sim_chip_fold(s, rb, n, cb * C, cb * C + C);
        return;
    }
    const spike_event *e = &s->ev[it];
    size_t x = cb * s->in + e->axon;
    sim_core_count_event(&s->tp, &s->cs[core], s->nzw[x], s->nnz[x], e->shift,
                         sim_core_cused(s, cb), !s->rrow || s->rrow[rb][k]);
    s->cs[core].c.lane_term_toggles += sim_toggle_event(s->ltog + x * 4, e->neg, e->shift,
                                                        sim_toggle_width(s->cfg.acc_bits));
    int32_t m = e->neg ? -((int32_t)1 << e->shift) : ((int32_t)1 << e->shift);
    s->ovf_rb[rb] |= sim_core_add(sim_chip_accset(s, rb, e->token) + cb * C,
                                  s->wt + (size_t)e->axon * s->outp + cb * C, C, m,
                                  s->cfg.acc_bits);
}

void sim_chip_count_events(struct sim *s, size_t rb, size_t cb)
{
    const sim_tparams *tp = &s->tp;
    sim_counters *c = &s->cs[rb * s->ncb + cb].c;
    uint64_t ev = 0, rows = 0, words = 0, adds = 0, nz = 0, wnz = 0, nzs = 0, tog = 0;
    const uint64_t tw9 = (uint64_t)(sim_toggle_width(s->cfg.acc_bits) - 9);
    uint64_t cused = (uint64_t)sim_core_cused(s, cb);
    for (size_t i = s->rb_lo[rb]; i < s->rb_hi[rb]; i++) {
        uint64_t n = s->ecnt[i], r = s->rcnt[i];
        ev += n;
        rows += r;
        nz += n * s->nnz[cb * s->in + i];
        wnz += r * s->nzw[cb * s->in + i];
        nzs += s->scnt[i] * s->nnz[cb * s->in + i];
        /* lane term toggles (sim_toggle.c): P_s + D_s (TW - 9 - shift) per event */
        const uint32_t *t = s->ltog + (cb * s->in + i) * 4;
        uint64_t nn = s->ecnt_neg[i], np = n - nn, sn = s->scnt_neg[i], sp = s->scnt[i] - sn;
        tog += np * (t[0] + t[1] * tw9) - sp * t[1] + nn * (t[2] + t[3] * tw9) - sn * t[3];
    }
    if (tp->zero_gating) {
        words = wnz;
        adds = nz;
    }
    if (!tp->zero_gating) {
        words = rows * (uint64_t)tp->W;
        adds = ev * cused;
    }
    c->events += ev;
    c->sram_rows_read += rows;
    c->sram_words += words;
    c->sram_words_skipped += rows * (uint64_t)tp->W - words;
    c->adds += adds;
    c->adds_gated += ev * cused - adds;
    c->acc_writes += adds;
    c->lane_adds_nonzero += nz;
    c->sram_words_nonzero += wnz;
    c->lane_adds_shift += nzs;
    c->lane_term_toggles += tog;
    if (tp->async)
        c->handshakes += words;
}

const int32_t *sim_acc(const sim *s)
{
    return s->acc_out;
}

int32_t *sim_acc_take(sim *s)
{
    int32_t *a = s->done ? s->acc_out : NULL;
    if (a)
        s->acc_out = NULL;
    return a;
}

int64_t *sim_o_row(struct sim *s, size_t c)
{
    if (!s->o_own[c]) {
        int64_t *row = malloc((s->tokens ? s->tokens : 1) * sizeof *row);
        if (!row)
            return NULL;
        s->o_tok[c] = row;
        s->o_own[c] = 1;
        s->o_dl[c] = 0;
    }
    return s->o_tok[c];
}

/* The report's times in ns from the run's integer stamps (sim_get_report,
 * and sim_timed_report for another clock: the same expressions, the same bits). */
void sim_report_times(sim_report *r, double ns, size_t tokens, int64_t duration,
                      const int64_t *tok_done, const int64_t *tok_accept, int64_t last_start)
{
    r->ns_per_unit = ns;
    r->duration_ns = (double)duration * ns;
    r->latency_ns_per_token = r->max_latency_ns = r->fill_ns = 0;
    r->service_latency_ns = r->drain_ns = r->interval_ns = 0;
    if (tokens) {
        double sum = 0, mx = 0;
        for (size_t n = 0; n < tokens; n++) {
            double l = (double)tok_done[n] * ns; /* every item is available at time 0 */
            sum += l;
            mx = l > mx ? l : mx;
        }
        r->latency_ns_per_token = sum / (double)tokens;
        r->max_latency_ns = mx;
        r->fill_ns = (double)tok_done[0] * ns;
        double svc = 0;
        for (size_t n = 0; n < tokens; n++)
            svc += (double)(tok_done[n] - tok_accept[n]) * ns;
        r->service_latency_ns = svc / (double)tokens;
        r->drain_ns = (double)(duration - last_start) * ns;
        r->interval_ns = tokens > 1 ? (double)(tok_done[tokens - 1] - tok_done[0]) * ns /
                                          (double)(tokens - 1)
                                    : 0;
    }
    r->tokens_per_s = r->duration_ns > 0 ? (double)tokens / (r->duration_ns * 1e-9) : 0;
}

void sim_get_report(const sim *s, sim_report *r)
{
    memset(r, 0, sizeof *r);
    r->tokens = s->tokens;
    r->in = s->in;
    r->out = s->out;
    r->cores = s->ncores;
    r->mesh_w = s->mesh_w;
    r->mesh_h = s->mesh_h;
    r->row_blocks = s->nrb;
    r->col_blocks = s->ncb;
    r->timing = s->cfg.timing;
    r->time_unit = s->cfg.timing == SIM_SYNC ? "cycles" : "ps";
    r->duration = s->duration;
    sim_report_times(r, s->cfg.timing == SIM_SYNC ? 1000.0 / s->cfg.clock_mhz : 1e-3, s->tokens,
                     s->duration, s->tok_done, s->tok_accept, s->last_start);
    r->timed = !s->functional;
    if (s->cfg.dram) {
        const uint64_t C = (uint64_t)s->cfg.cols, B = (uint64_t)s->cfg.dram_burst_bytes;
        for (size_t rb = 0; rb < s->nrb; rb++) {
            uint64_t rows = s->rb_hi[rb] - s->rb_lo[rb];
            r->dram_bursts_real_per_token += (uint64_t)s->ncb * ((rows * C + B - 1) / B);
        }
    }
    r->total = s->total;
    r->per_core = s->pc;
}

void sim_exec_default(sim_exec *x)
{
    x->threads = 1;
    x->simd = SIM_SIMD_AUTO;
}

void sim_set_exec(sim *s, const sim_exec *x)
{
    s->ex = *x;
    if (s->ex.threads < 1)
        s->ex.threads = 1;
    if (s->ex.threads > SIM_MAX_THREADS)
        s->ex.threads = SIM_MAX_THREADS;
}

void sim_free(sim *s)
{
    if (!s)
        return;
    if (s->items)
        for (size_t rb = 0; rb < s->nrb; rb++)
            free(s->items[rb]);
    if (s->aitems)
        for (size_t rb = 0; rb < s->nrb; rb++)
            free(s->aitems[rb]);
    free(s->aitems);
    if (s->arr)
        for (size_t c = 0; c < s->ncores; c++)
            free(s->arr[c]);
    free(s->arr);
    free(s->items);
    free(s->nitems);
    free(s->rb_lo);
    free(s->rb_hi);
    free(s->rb_group);
    free(s->wt);
    if (!s->sw)
        free(s->wk);
    free(s->ecnt);
    free(s->rcnt);
    free(s->scnt);
    free(s->ecnt_neg);
    free(s->scnt_neg);
    free(s->ltog);
    if (s->rrow)
        for (size_t rb = 0; rb < s->nrb; rb++)
            free(s->rrow[rb]);
    free(s->rrow);
    if (s->prog)
        for (size_t rb = 0; rb < s->nrb; rb++)
            free(s->prog[rb]);
    free(s->prog);
    free(s->pstart);
    free(s->istart);
    free(s->tok_safe);
    free(s->tacc_rb);
    free(s->lstart_rb);
    free(s->nnz);
    free(s->nzw);
    free(s->cs);
    free(s->sring);
    if (s->o_tok && s->o_own)
        for (size_t c = 0; c < s->ncores; c++)
            if (s->o_own[c])
                free(s->o_tok[c]);
    free(s->o_tok);
    free(s->o_dl);
    free(s->o_own);
    free(s->o_blk);
    free(s->tok_done);
    free(s->tok_accept);
    free(s->acc64);
    free(s->acc_out);
    free(s->acc_rb);
    free(s->link_free);
    free(s->ovf_rb);
    free(s->pc);
    sim_dram_free(s);
    free(s->obs);
    free(s->err);
    sim_queue_free(&s->q);
    free(s);
}
