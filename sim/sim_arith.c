/*
 * The arithmetic of the fast path, batched apart from the timing
 * (docs/design.md §2 "Result", docs/sim.md "Fast run"). Timing never depends
 * on weight values, so the sums every core builds event by event,
 * acc[j] += ±(q[j][axon] << shift) in A-bit registers, can be computed in
 * another order as long as every accumulator, every overflow flag and every
 * AX_EOVERFLOW comes out the same:
 *
 *  - Weights in chunk-major form wk[chunk][axon][SIM_CW] (16 × 16 SSE2
 *    transposes of q): the rows of one row-block in one chunk of 128 output
 *    lanes (a 128 × 128 tile is 16 KiB) are contiguous; a super-block of
 *    row-blocks (SB_ROWS axons, 128 KiB of tiles) stays in L2 while every
 *    token's events on it are added in one kernel call, with the token's
 *    accumulators in registers (sim_simd.c); when tokens have many events
 *    per row-block (SB_LONG) a super-block is one row-block, its 16 KiB tile
 *    in L1. The zero-gating counts of the timing are taken from the
 *    transposed rows while they are in L1.
 *  - Per (row-block, token) a program: the token's events grouped into runs
 *    of equal shift, positive rows then negative rows (sim_simd.c).
 *  - A token is safe when, for every row-block, 128 · Σ 2^shift over its
 *    events fits A bits (no partial sum can overflow, whatever the order),
 *    and for every weight group the same bound summed over its row-blocks
 *    fits int32 (the reduced sum cannot leave int32). Safe tokens are summed
 *    by the kernels, all row-blocks of a group into the same registers, and
 *    stored as acc. Any other token takes the exact path: event by event in
 *    stream order with the wrapping A-bit add and its sticky overflow flag
 *    (sim_core_add), partial sums folded in 64 bits into acc64, exactly as
 *    the stepped simulation does.
 *
 * Work units are (chunk, block of tokens): each writes only its own lanes of
 * acc_out / acc64 and its own overflow flags, so any number of threads gives
 * the same bits (sim_par.c).
 */
#include "sim_int.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <emmintrin.h>
#endif
#include <sys/mman.h>

#define TOK_BLOCK 128 /* tokens per work unit */
#define SB_ROWS 1024u /* axons per super-block: 128 KiB of 128-lane tiles, in L2 */
#define SB_LONG 64u   /* events per (token, row-block) from which a call per row-block pays */
#define AXON_BLOCK 64

/* Large arrays written once, read often (the chunk-major weights): aligned
 * to 2 MiB and, where the kernel offers it, backed by huge pages (fewer page
 * faults to fill them, fewer TLB misses reading them). Not zeroed. */
void *sim_alloc_big(size_t n)
{
    const size_t huge = (size_t)2 << 20;
    void *p = NULL;
    if (n < huge)
        return malloc(n ? n : 1);
    if (posix_memalign(&p, huge, (n + huge - 1) / huge * huge))
        return NULL;
#if defined(MADV_HUGEPAGE)
    madvise(p, (n + huge - 1) / huge * huge, MADV_HUGEPAGE); /* advice only */
#endif
    return p;
}

typedef struct {
    struct sim *s;
    uint64_t *bound; /* [nrb][tokens] Σ 2^shift */
    int counts;      /* build nnz / nzw too */
    int fused;       /* ... while transposing (every core inside one chunk) */
    int fail;        /* a worker ran out of memory */
    size_t n_tr, n_cr, n_cnt; /* units: transpose, count a chunk's rows, count a column block */
} prep_ctx;

#if defined(__x86_64__)
/* 16 rows of 16 bytes (src, stride ld) → 16 rows of 16 bytes (dst, stride
 * SIM_CW): four rounds of unpacks (SSE2, the x86-64 baseline); output
 * register i holds column bitreverse4(i). */
static void tr16(const int8_t *src, size_t ld, int8_t *dst)
{
    static const int col[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
    __m128i r[16], t[16];
    for (int i = 0; i < 16; i++)
        r[i] = _mm_loadu_si128((const __m128i *)(src + (size_t)i * ld));
    for (int i = 0; i < 8; i++) {
        t[i] = _mm_unpacklo_epi8(r[2 * i], r[2 * i + 1]);
        t[i + 8] = _mm_unpackhi_epi8(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 8; i++) {
        r[i] = _mm_unpacklo_epi16(t[2 * i], t[2 * i + 1]);
        r[i + 8] = _mm_unpackhi_epi16(t[2 * i], t[2 * i + 1]);
    }
    for (int i = 0; i < 8; i++) {
        t[i] = _mm_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
        t[i + 8] = _mm_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 8; i++) {
        r[i] = _mm_unpacklo_epi64(t[2 * i], t[2 * i + 1]);
        r[i + 8] = _mm_unpackhi_epi64(t[2 * i], t[2 * i + 1]);
    }
    for (int i = 0; i < 16; i++)
        _mm_storeu_si128((__m128i *)(dst + (size_t)col[i] * SIM_CW), r[i]);
}
#endif

/* Nonzero weights and nonzero words (zero gating) of the cores inside chunk
 * ch, from the transposed rows of axons [i0, i1) (when every core lies in
 * one chunk: SIM_CW % C == 0). */
static void count_rows(struct sim *s, size_t ch, size_t i0, size_t i1)
{
    const size_t C = (size_t)s->cfg.cols, L = (size_t)s->cfg.lanes, cb0 = ch * SIM_CW / C;
    const size_t W = (C + L - 1) / L;
    size_t cb1 = cb0 + SIM_CW / C;
    cb1 = cb1 < s->ncb ? cb1 : s->ncb;
    for (size_t cb = cb0; cb < cb1; cb++) {
        uint64_t wm[SIM_CW][2], cm[2] = {0, 0}; /* lanes of each word, of the core */
        for (size_t w = 0; w < W; w++) {
            wm[w][0] = wm[w][1] = 0;
            for (size_t j = (cb - cb0) * C + w * L;
                 j < (cb - cb0) * C + w * L + L && j < (cb - cb0 + 1) * C; j++)
                wm[w][j / 64] |= (uint64_t)1 << (j % 64);
            cm[0] |= wm[w][0];
            cm[1] |= wm[w][1];
        }
        uint16_t *nnz = s->nnz + cb * s->in, *nzw = s->nzw + cb * s->in;
        for (size_t i = i0; i < i1; i++) {
            const int8_t *row = s->wk + (ch * s->in + i) * SIM_CW;
            uint64_t m0 = 0, m1 = 0; /* bit j: lane j nonzero */
#if defined(__x86_64__)
            for (int k = 0; k < 4; k++) {
                __m128i z0 = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(row + 16 * k)),
                                            _mm_setzero_si128());
                __m128i z1 = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(row + 64 + 16 * k)),
                                            _mm_setzero_si128());
                m0 |= (uint64_t)(~_mm_movemask_epi8(z0) & 0xffff) << (16 * k);
                m1 |= (uint64_t)(~_mm_movemask_epi8(z1) & 0xffff) << (16 * k);
            }
#else
            for (int j = 0; j < 64; j++) {
                m0 |= (uint64_t)(row[j] != 0) << j;
                m1 |= (uint64_t)(row[64 + j] != 0) << j;
            }
#endif
            int nw = 0;
            for (size_t w = 0; w < W; w++)
                nw += ((m0 & wm[w][0]) | (m1 & wm[w][1])) != 0;
            nnz[i] = (uint16_t)(sim_popcount64(m0 & cm[0]) + sim_popcount64(m1 & cm[1]));
            nzw[i] = (uint16_t)nw;
        }
    }
}

/* q [out][in] → wk [chunk][in][SIM_CW] for one chunk: the chunk's rows of q
 * are one contiguous run, read in blocks of 16 outputs × 64 axons (whole
 * cache lines, prefetched a block ahead) and transposed 16 × 16 at a time;
 * with cnt set, the zero-gating counts of the block's rows follow while
 * they are in L1. */
void sim_arith_transpose(const int8_t *qall, size_t in, size_t out, int8_t *wk, size_t ch,
                         struct sim *cnt)
{
    const size_t j0 = ch * SIM_CW;
    const size_t nj = out - j0 < SIM_CW ? out - j0 : SIM_CW;
    const int8_t *q = qall + j0 * in;
    int8_t *dst = wk + ch * in * SIM_CW;
    for (size_t i0 = 0; i0 < in; i0 += AXON_BLOCK) {
        size_t ni = in - i0 < AXON_BLOCK ? in - i0 : AXON_BLOCK;
        if (i0 + AXON_BLOCK < in)
            for (size_t jj = 0; jj < nj; jj++)
                __builtin_prefetch(q + jj * in + i0 + AXON_BLOCK);
        size_t jj = 0;
#if defined(__x86_64__)
        if (ni == AXON_BLOCK)
            for (; jj + 16 <= nj; jj += 16)
                for (size_t ii = 0; ii < AXON_BLOCK; ii += 16)
                    tr16(q + jj * in + i0 + ii, in, dst + (i0 + ii) * SIM_CW + jj);
#endif
        for (; jj < nj; jj++) {
            const int8_t *src = q + jj * in + i0;
            int8_t *d = dst + i0 * SIM_CW + jj;
            for (size_t ii = 0; ii < ni; ii++)
                d[ii * SIM_CW] = src[ii];
        }
        if (nj < SIM_CW) /* the last chunk's lanes beyond out: zero weights */
            for (size_t ii = 0; ii < ni; ii++)
                memset(dst + (i0 + ii) * SIM_CW + nj, 0, SIM_CW - nj);
        if (cnt)
            count_rows(cnt, ch, i0, i0 + ni);
    }
}

/* nnz / nzw of every axon in column block cb, from q [out][in] row by row
 * (contiguous over axons): a word of L outputs counts when any is nonzero. */
static int count_block(struct sim *s, size_t cb)
{
    const size_t in = s->in, C = (size_t)s->cfg.cols, L = (size_t)s->cfg.lanes;
    const size_t j0 = cb * C, j1 = j0 + C < s->out ? j0 + C : s->out;
    uint16_t *nz = calloc(in, sizeof *nz), *nw = calloc(in, sizeof *nw);
    uint8_t *any = malloc(in);
    if (!nz || !nw || !any) {
        free(nz);
        free(nw);
        free(any);
        return 1;
    }
    for (size_t w0 = j0; w0 < j1; w0 += L) {
        memset(any, 0, in);
        for (size_t j = w0; j < w0 + L && j < j1; j++) {
            const int8_t *row = s->qw->q + j * in;
            for (size_t i = 0; i < in; i++) {
                uint8_t t = row[i] != 0;
                nz[i] = (uint16_t)(nz[i] + t);
                any[i] |= t;
            }
        }
        for (size_t i = 0; i < in; i++)
            nw[i] = (uint16_t)(nw[i] + any[i]);
    }
    for (size_t i = 0; i < in; i++) {
        s->nnz[cb * s->in + i] = nz[i];
        s->nzw[cb * s->in + i] = nw[i];
    }
    free(nz);
    free(nw);
    free(any);
    return 0;
}

/* The programs of row-block rb, every token: runs of equal shift, each
 * [shift, npos, nneg, offsets of the positive rows, of the negative rows]. */
static int build_prog(struct sim *s, size_t rb, uint64_t *bound)
{
    const size_t T = s->tokens, n = s->nitems[rb], lo = s->rb_lo[rb];
    const int64_t *items = s->aitems ? s->aitems[rb] : s->items[rb]; /* token by token */
    size_t *ps = s->pstart + rb * (T + 1), *is = s->istart + rb * (T + 1);
    size_t words = 0;
    int prev = -1;
    for (size_t k = 0; k < n; k++) { /* size: 3 words per run + one per event */
        if (items[k] < 0) {
            prev = -1;
            continue;
        }
        int sh = s->ev[items[k]].shift;
        words += 1 + (sh != prev ? 3 : 0);
        prev = sh;
    }
    uint32_t *p = malloc((words ? words : 1) * sizeof *p);
    if (!p)
        return 1;
    s->prog[rb] = p;
    size_t w = 0, k = 0;
    for (size_t t = 0; t < T; t++) {
        ps[t] = w;
        is[t] = k;
        uint64_t b = 0;
        while (items[k] >= 0) {
            const spike_event *e0 = &s->ev[items[k]];
            size_t k1 = k, npos = 0;
            for (; items[k1] >= 0 && s->ev[items[k1]].shift == e0->shift; k1++)
                npos += !s->ev[items[k1]].neg;
            p[w++] = e0->shift;
            p[w++] = (uint32_t)npos;
            p[w++] = (uint32_t)(k1 - k - npos);
            size_t wp = w, wn = w + npos;
            for (size_t x = k; x < k1; x++) {
                const spike_event *e = &s->ev[items[x]];
                p[e->neg ? wn++ : wp++] = (uint32_t)((e->axon - lo) * SIM_CW);
            }
            w = wn;
            b += (uint64_t)(k1 - k) << e0->shift;
            k = k1;
        }
        bound[rb * T + t] = b;
        k++; /* the EOT */
    }
    ps[T] = w;
    is[T] = k;
    return 0;
}

static void prep_unit(void *p, size_t u, int worker)
{
    prep_ctx *c = p;
    (void)worker;
    int bad = 0;
    struct sim *s = c->s;
    if (u < c->n_tr)
        sim_arith_transpose(s->qw->q, s->in, s->out, s->wk, u, c->fused ? s : NULL);
    else if ((u -= c->n_tr) < c->n_cr)
        count_rows(s, u, 0, s->in);
    else if ((u -= c->n_cr) < c->n_cnt)
        bad = count_block(s, u);
    else
        bad = build_prog(s, u - c->n_cnt, c->bound);
    if (bad)
        c->fail = 1; /* any worker: the run fails, whichever it was */
}

ax_result sim_arith_prepare(struct sim *s, char **err)
{
    ax_result rc = sim_simd_resolve(s->ex.simd, &s->simd, err);
    if (rc)
        return rc;
    const size_t T = s->tokens, nrb = s->nrb;
    const int C = s->cfg.cols, L = s->cfg.lanes;
    s->nch = (s->out + SIM_CW - 1) / SIM_CW;
    size_t wbytes;
    if (ax_mul_size(s->nch * SIM_CW, s->in, &wbytes))
        return ax_fail(err, AX_ENOMEM, "layer too large to simulate");
    /* nnz / nzw, with zero gating or without (lane_adds_nonzero counts the
     * nonzero-weight lanes either way) */
    const int counts = !s->functional && !s->weights_built, progs = !s->sums;
    const sim_wcounts *kept = counts && s->sw ? sim_weights_counts(s->sw, C, L) : NULL;
    prep_ctx c = {.s = s, .counts = counts};
    if (s->sw) { /* prepared weights: count only what is not kept yet */
        s->wk = s->sw->wk;
        if (counts && !kept && SIM_CW % C == 0)
            c.n_cr = s->nch;
        else if (counts && !kept)
            c.n_cnt = s->ncb;
    } else if (progs) {
        s->wk = sim_alloc_big(wbytes);
        c.n_tr = s->nch;
        if (counts && SIM_CW % C == 0)
            c.fused = 1;
        else if (counts)
            c.n_cnt = s->ncb;
    } else if (counts) { /* shared sums, own weights: the counts alone, from q */
        c.n_cnt = s->ncb;
    }
    if (progs) {
        s->prog = calloc(nrb, sizeof *s->prog);
        s->pstart = calloc(nrb * (T + 1), sizeof *s->pstart);
        s->istart = calloc(nrb * (T + 1), sizeof *s->istart);
        s->tok_safe = calloc(T ? T : 1, 1);
        c.bound = calloc(nrb * T + 1, sizeof *c.bound);
    }
    if (counts) {
        s->nnz = s->nnz ? s->nnz : calloc(s->in * s->ncb, sizeof *s->nnz);
        s->nzw = s->nzw ? s->nzw : calloc(s->in * s->ncb, sizeof *s->nzw);
    }
    if ((progs && (!s->wk || !s->prog || !s->pstart || !s->istart || !s->tok_safe || !c.bound)) ||
        (counts && (!s->nnz || !s->nzw))) {
        free(c.bound);
        return ax_fail(err, AX_ENOMEM,
                       "out of memory for the weight chunks (%zu bytes) and "
                       "event programs",
                       wbytes);
    }
    if (kept) {
        memcpy(s->nnz, kept->nnz, s->in * s->ncb * sizeof *s->nnz);
        memcpy(s->nzw, kept->nzw, s->in * s->ncb * sizeof *s->nzw);
    }
    sim_par_for(s->ex.threads, c.n_tr + c.n_cr + c.n_cnt + (progs ? nrb : 0), prep_unit, &c);
    uint64_t *bound = c.bound;
    if (c.fail) {
        free(bound);
        return ax_fail(err, AX_ENOMEM, "out of memory building the event programs");
    }
    if (counts && s->sw && !kept)
        sim_weights_keep_counts(s);
    if (counts) {
        if ((rc = sim_toggle_build(s, err))) {
            free(bound);
            return rc;
        }
        s->weights_built = 1;
    }
    if (!progs)
        return AX_OK;
    /* safe tokens: no partial sum can leave A bits, no reduced sum int32 */
    const uint64_t amax = ((uint64_t)1 << (s->cfg.acc_bits - 1)) - 1;
    int all_safe = 1;
    for (size_t t = 0; t < T; t++) {
        int safe = 1;
        uint64_t sum = 0;
        for (size_t rb = 0; rb < nrb && safe; rb++) {
            uint64_t b = bound[rb * T + t];
            if (b > amax / 128) {
                safe = 0;
                break;
            }
            if (rb == 0 || s->rb_group[rb] != s->rb_group[rb - 1])
                sum = 0;
            sum += 128 * b;
            if (sum > INT32_MAX)
                safe = 0;
        }
        s->tok_safe[t] = (uint8_t)safe;
        all_safe &= safe;
    }
    free(bound);
    if (!all_safe && !(s->acc64 = calloc(T * s->out * s->ng + 1, sizeof *s->acc64)))
        return ax_fail(err, AX_ENOMEM, "out of memory for the 64-bit sums of the exact path");
    return AX_OK;
}

typedef struct {
    struct sim *s;
    sim_kernel_fn kern;
    size_t ntb;
    int32_t *slab;  /* [workers][TOK_BLOCK][SIM_CW] */
    sim_kseg *seg;  /* [workers][nrb] */
    size_t sb_rows; /* axons per super-block */
    uint32_t *ovf;  /* [workers][nrb] */
} run_ctx;

/* Token n (not safe) of row-block rb on chunk ch, event by event in stream
 * order with the A-bit wrap and overflow flag; folded into acc64. */
static uint32_t exact_token(struct sim *s, size_t ch, size_t rb, size_t n, const int8_t *tile,
                            int32_t *tmp)
{
    const size_t valid = s->out - ch * SIM_CW < SIM_CW ? s->out - ch * SIM_CW : SIM_CW;
    const size_t *is = s->istart + rb * (s->tokens + 1);
    const size_t lo = s->rb_lo[rb], ng = s->ng;
    uint32_t ovf = 0;
    memset(tmp, 0, SIM_CW * sizeof *tmp);
    for (size_t k = is[n]; k + 1 < is[n + 1]; k++) {
        const spike_event *e = &s->ev[(s->aitems ? s->aitems : s->items)[rb][k]];
        int32_t m = e->neg ? -((int32_t)1 << e->shift) : ((int32_t)1 << e->shift);
        ovf |= sim_core_add(tmp, tile + (e->axon - lo) * SIM_CW, SIM_CW, m, s->cfg.acc_bits);
    }
    int64_t *dst = s->acc64 + (n * s->out + ch * SIM_CW) * ng + s->rb_group[rb];
    for (size_t j = 0; j < valid; j++)
        dst[j * ng] += tmp[j];
    return ovf;
}

static void run_unit(void *p, size_t u, int worker)
{
    run_ctx *c = p;
    struct sim *s = c->s;
    const size_t ch = u / c->ntb, n0 = u % c->ntb * TOK_BLOCK, T = s->tokens;
    const size_t n1 = n0 + TOK_BLOCK < T ? n0 + TOK_BLOCK : T, ng = s->ng, out = s->out;
    const size_t valid = out - ch * SIM_CW < SIM_CW ? out - ch * SIM_CW : SIM_CW;
    const int direct = ng == 1 && valid == SIM_CW; /* sum straight into acc_out */
    int32_t *slab = c->slab + (size_t)worker * TOK_BLOCK * SIM_CW;
    sim_kseg *seg = c->seg + (size_t)worker * s->nrb;
    uint32_t *ovf = c->ovf + (size_t)worker * s->nrb;
    const int8_t *wk = s->wk + ch * s->in * SIM_CW;
    for (size_t r0 = 0; r0 < s->nrb;) { /* weight group g: row-blocks [r0, r1) */
        size_t g = s->rb_group[r0], r1 = r0 + 1;
        while (r1 < s->nrb && s->rb_group[r1] == g)
            r1++;
        for (size_t b0 = r0; b0 < r1;) { /* super-block [b0, b1): its tiles stay in L2 */
            size_t b1 = b0 + 1, rows = s->rb_hi[b0] - s->rb_lo[b0];
            while (b1 < r1 && rows + s->rb_hi[b1] - s->rb_lo[b1] <= c->sb_rows)
                rows += s->rb_hi[b1] - s->rb_lo[b1], b1++;
            for (size_t n = n0; n < n1; n++) {
                if (!s->tok_safe[n])
                    continue;
                size_t nseg = 0;
                for (size_t rb = b0; rb < b1; rb++) {
                    const size_t *ps = s->pstart + rb * (T + 1);
                    if (ps[n] != ps[n + 1])
                        seg[nseg++] = (sim_kseg){s->prog[rb] + ps[n], s->prog[rb] + ps[n + 1],
                                                 wk + s->rb_lo[rb] * SIM_CW};
                }
                int32_t *dst = direct ? s->acc_out + n * out + ch * SIM_CW
                                      : slab + (n - n0) * SIM_CW;
                if (nseg || b0 == r0)
                    c->kern(seg, nseg, dst, b0 == r0);
            }
            b0 = b1;
        }
        for (size_t n = n0; n < n1; n++) {
            if (!s->tok_safe[n]) {
                for (size_t rb = r0; rb < r1; rb++)
                    ovf[rb] |= exact_token(s, ch, rb, n, wk + s->rb_lo[rb] * SIM_CW,
                                           slab + (n - n0) * SIM_CW);
            } else if (!direct) {
                const int32_t *a = slab + (n - n0) * SIM_CW;
                int32_t *dst = s->acc_out + (n * out + ch * SIM_CW) * ng + g;
                for (size_t j = 0; j < valid; j++)
                    dst[j * ng] = a[j];
            }
        }
        r0 = r1;
    }
}

ax_result sim_arith_run(struct sim *s, char **err)
{
    if (s->sums) { /* the verdict follows in sim_chip_acc_finish */
        memcpy(s->acc_out, s->sums->acc, s->tokens * s->out * s->ng * sizeof *s->acc_out);
        return AX_OK;
    }
    run_ctx c = {.s = s, .kern = sim_simd_kernel(s->simd), .sb_rows = s->sb_rows};
    if (!c.sb_rows) /* long programs: one row-block's tile at a time (L1); short: share calls */
        c.sb_rows = s->nev >= SB_LONG * s->tokens * s->nrb ? 1 : SB_ROWS;
    c.ntb = (s->tokens + TOK_BLOCK - 1) / TOK_BLOCK;
    size_t units = s->nch * c.ntb;
    int th = s->ex.threads < 1 ? 1 : s->ex.threads;
    if ((size_t)th > units)
        th = units ? (int)units : 1;
    c.slab = aligned_alloc(64, (size_t)th * TOK_BLOCK * SIM_CW * sizeof *c.slab);
    c.ovf = calloc((size_t)th * s->nrb, sizeof *c.ovf);
    c.seg = malloc((size_t)th * s->nrb * sizeof *c.seg);
    if (!c.slab || !c.ovf || !c.seg) {
        free(c.slab);
        free(c.ovf);
        free(c.seg);
        return ax_fail(err, AX_ENOMEM, "out of memory for the accumulation");
    }
    sim_par_for(th, units, run_unit, &c);
    for (int w = 0; w < th; w++)
        for (size_t rb = 0; rb < s->nrb; rb++)
            s->ovf_rb[rb] |= c.ovf[(size_t)w * s->nrb + rb];
    free(c.slab);
    free(c.ovf);
    free(c.seg);
    return AX_OK;
}
