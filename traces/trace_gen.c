/*
 * Synthetic LLM-like MLP weights and activation traces, for tests, demos
 * and shape sweeps when no recorded trace is at hand.
 *
 * PRNG: splitmix64 (Steele, Lea & Flood, OOPSLA 2014) turns (seed, tensor
 * name hash, row) into the 256-bit state of xoshiro256** (Blackman &
 * Vigna, ACM TOMS 2021); each row has its own stream(s), so any chunking
 * and any thread count give the same bytes. Activations: normals by
 * Box-Muller (cosine branch only, libm). Weights: 8 streams per row and a
 * vectorized float Box-Muller with both branches (trace_gen_math.c), the
 * same bits on every SIMD path. Rows are generated on all cores
 * (ax_parallel_for); progress goes to cfg->progress.
 *
 * Activations: LLM hidden states are heavy-tailed with a few channels of
 * very large magnitude ("massive activations", Sun et al. 2024; outlier
 * features, Dettmers et al., LLM.int8(), 2022). Token t, channel i of an
 * up/gate input: x = c_i * r_t * T, T ~ Student-t(dof), r_t ~ lognormal(0,
 * 0.2) per token, c_i ~ lognormal(0, 0.3) per channel, and c_i multiplied
 * by outlier_scale for a fraction outlier_frac of channels. A down_proj
 * input is the SwiGLU product silu(T1) * T2 (the MLP's own nonlinearity),
 * with the same channel and token scales. Weights ~ N(0, 1/in) (std
 * 1/sqrt(in), the usual fan-in initialisation scale).
 */
#include "trace_int.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed, const char *name, uint64_t row)
{
    /* axon 0.1's basis: every --seed keeps giving the bytes it always gave */
    uint64_t x = seed ^ ax_fnv1a(name, strlen(name), AX_FNV_SEED_V01);
    x ^= splitmix64(&(uint64_t){row});
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return res;
}

/* Uniform in (0, 1]. */
static double rng_unit(rng *r)
{
    return ((double)(rng_next(r) >> 11) + 1.0) * 0x1.0p-53;
}

static double rng_normal(rng *r)
{
    double u1 = rng_unit(r), u2 = rng_unit(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Student-t with dof degrees of freedom: Z / sqrt(chi2_dof / dof), chi2 as
 * a gamma(dof/2, 2) draw (Marsaglia-Tsang). */
static double rng_gamma(rng *r, double a)
{
    if (a < 1)
        return rng_gamma(r, a + 1) * pow(rng_unit(r), 1 / a);
    double d = a - 1.0 / 3, c = 1 / sqrt(9 * d);
    for (;;) {
        double z = rng_normal(r), v = 1 + c * z;
        if (v <= 0)
            continue;
        v = v * v * v;
        double u = rng_unit(r);
        if (log(u) < 0.5 * z * z + d - d * v + d * log(v))
            return d * v;
    }
}

static double rng_t(rng *r, double dof)
{
    double z = rng_normal(r), chi = 2 * rng_gamma(r, dof / 2);
    return z / sqrt(chi / dof);
}

static const struct {
    const char *name, *desc;
    size_t hidden, ffn, q_out, kv_out, tokens, nlayers;
    unsigned projs;
    /* the clamp that keeps cosine >= 0.99 (tests/e2e/test_trace_gen.sh): the
     * outlier channels (30x) reach counts of about +-2000 at k = 3, which
     * the default +-127 would saturate; 64 channels of `tiny` dilute them */
    const char *clamp;
} presets[] = {
    {"tiny", "hidden 64 -> ffn 96, 16 tokens, up_proj (for tests)", 64, 96, 0, 0, 16, 1,
     TRACE_GEN_UP, "on"},
    {"qwen7b-mlp",
     "Qwen2.5-7B / SpikingBrain-7B MLP: 3584 -> 18944 (up, gate), 18944 -> 3584 (down), 64 tokens",
     3584, 18944, 3584, 512, 64, 1, TRACE_GEN_MLP, "-4095:4095"},
    {"spikingbrain2-5b-mlp",
     "SpikingBrain2.0-5B MLP: 2560 -> 9728 (up, gate), 9728 -> 2560 (down), 64 tokens", 2560, 9728,
     4096, 1024, 64, 1, TRACE_GEN_MLP, "-4095:4095"},
    {"qwen7b",
     "Qwen2.5-7B, every linear layer: 28 layers x q, k, v, o (3584 -> 3584, 512, 512; 3584 -> "
     "3584), "
     "up, gate, down; 64 tokens (15 GB in bf16)",
     3584, 18944, 3584, 512, 64, 28, TRACE_GEN_MLP | TRACE_GEN_ATTN, "-4095:4095"},
    {"spikingbrain2-5b",
     "SpikingBrain2.0-5B shapes, every linear layer: 36 layers x q, k, v, o (2560 -> 4096, 1024, "
     "1024; 4096 -> 2560), up, gate, down; 64 tokens",
     2560, 9728, 4096, 1024, 64, 36, TRACE_GEN_MLP | TRACE_GEN_ATTN, "-4095:4095"},
};
#define NPRESETS (sizeof presets / sizeof presets[0])

const char *trace_gen_preset_name(size_t i, const char **desc)
{
    if (i >= NPRESETS)
        return NULL;
    if (desc)
        *desc = presets[i].desc;
    return presets[i].name;
}

const char *trace_gen_preset_clamp(size_t i)
{
    return i < NPRESETS ? presets[i].clamp : NULL;
}

ax_result trace_gen_preset(const char *name, trace_gen_cfg *cfg, char **err)
{
    for (size_t i = 0; i < NPRESETS; i++)
        if (!strcmp(name, presets[i].name)) {
            memset(cfg, 0, sizeof *cfg);
            cfg->preset = presets[i].name;
            cfg->seed = 1;
            cfg->tokens = presets[i].tokens;
            cfg->hidden = presets[i].hidden;
            cfg->ffn = presets[i].ffn;
            cfg->q_out = presets[i].q_out;
            cfg->kv_out = presets[i].kv_out;
            cfg->nlayers = presets[i].nlayers;
            for (size_t l = 0; l < cfg->nlayers; l++)
                cfg->layers[l] = (int)l;
            cfg->projs = presets[i].projs;
            cfg->wdtype = TRACE_F32;
            cfg->with_output = 1;
            cfg->dof = 4;
            cfg->outlier_frac = 0.005;
            cfg->outlier_scale = 30;
            cfg->simd = -1;
            cfg->clamp = presets[i].clamp;
            return AX_OK;
        }
    return ax_fail(err, AX_ENOTFOUND,
                   "no preset '%s' (hint: tiny, qwen7b-mlp, spikingbrain2-5b-mlp, "
                   "qwen7b, spikingbrain2-5b)",
                   name);
}

/* The projections in file order: block, name, bit. */
static const struct {
    unsigned bit;
    const char *block, *name;
} projtab[] = {
    {TRACE_GEN_Q, "self_attn", "q"}, {TRACE_GEN_K, "self_attn", "k"},
    {TRACE_GEN_V, "self_attn", "v"}, {TRACE_GEN_O, "self_attn", "o"},
    {TRACE_GEN_UP, "mlp", "up"},     {TRACE_GEN_GATE, "mlp", "gate"},
    {TRACE_GEN_DOWN, "mlp", "down"},
};
#define NPROJ (sizeof projtab / sizeof projtab[0])

/* [out, in] of projection bit p. */
static void proj_shape(const trace_gen_cfg *c, unsigned p, size_t *in, size_t *out)
{
    size_t q = c->q_out ? c->q_out : c->hidden, kv = c->kv_out ? c->kv_out : c->hidden;
    switch (p) {
    case TRACE_GEN_DOWN: *in = c->ffn, *out = c->hidden; break;
    case TRACE_GEN_Q: *in = c->hidden, *out = q; break;
    case TRACE_GEN_K:
    case TRACE_GEN_V: *in = c->hidden, *out = kv; break;
    case TRACE_GEN_O: *in = q, *out = c->hidden; break;
    default: *in = c->hidden, *out = c->ffn; break;
    }
}

/* Shared by every job of one trace_gen_write: progress, in bytes written
 * of both files (cfg->progress); the reference output's product, computed
 * before its first bytes are written, moves it too (product_add). */
typedef struct {
    const trace_gen_cfg *cfg;
    ax_simd simd;
    atomic_uint_least64_t yrows; /* output rows of the current product done */
    uint64_t base, total, shown, last_write;
} gen_run;

static void gp_report(gen_run *g, uint64_t done)
{
    if (g->cfg->progress && done > g->shown) {
        g->shown = done;
        g->cfg->progress(g->cfg->progress_user, done < g->total ? done : g->total, g->total);
    }
}

static void gp_on_write(void *ctx, uint64_t done, uint64_t total)
{
    (void)total;
    gen_run *g = ctx;
    g->last_write = g->base + done;
    gp_report(g, g->last_write);
}

/* One (layer, projection) tensor pair being produced. */
typedef struct {
    const trace_gen_cfg *cfg;
    gen_run *run;
    char wname[128], xname[128];
    uint64_t whash; /* FNV-1a of wname: the weight rows' seed */
    float sd;       /* weight std 1/sqrt(in) */
    size_t in, out;
    int down;
    float *chan; /* per-channel scale [in] */
    float *x;    /* input [tokens, in], made on the first request, kept until written */
    float *y;    /* output [tokens, out], computed on the first request */
} job;

/* Weight row `row` as stored (bf16-rounded when the file holds bf16). */
static void weight_row(const job *j, size_t row, float *w)
{
    trace_gen_rng8 r;
    trace_gen_rng8_seed(&r, j->cfg->seed, j->whash, row);
    trace_gen_normals(&r, w, j->in, j->sd, j->run->simd);
    if (j->cfg->wdtype == TRACE_BF16)
        trace_gen_bf16(w, NULL, j->in, j->run->simd);
}

/* Row t of a target trace: round((1 - F) in) firing channels drawn without
 * replacement, round(X in) spikes spread over them (each 1..T, the
 * remainder on the first ones drawn), each count's bits a random subset of
 * the T steps of that size, its sign random. */
static void counts_row(const job *j, size_t t, int32_t *c, uint32_t *idx)
{
    const trace_gen_cfg *cfg = j->cfg;
    size_t D = j->in, T = (size_t)cfg->target.steps;
    size_t nf = (size_t)llround((1 - cfg->target.silent) * (double)D);
    size_t E = (size_t)llround(cfg->target.ev_per_act * (double)D);
    if (E < nf)
        E = nf;
    if (E > nf * T)
        E = nf * T;
    rng r;
    rng_seed(&r, cfg->seed, j->xname, t);
    for (size_t i = 0; i < D; i++)
        c[i] = 0, idx[i] = (uint32_t)i;
    size_t base = nf ? E / nf : 0, extra = nf ? E % nf : 0;
    for (size_t k = 0; k < nf; k++) {
        size_t pick = k + (size_t)(rng_next(&r) % (D - k));
        uint32_t ch = idx[pick];
        idx[pick] = idx[k];
        idx[k] = ch;
        size_t p = base + (k < extra);
        int bits[32];
        for (size_t b = 0; b < T; b++)
            bits[b] = (int)b;
        uint32_t mag = 0;
        for (size_t b = 0; b < p; b++) {
            size_t q = b + (size_t)(rng_next(&r) % (T - b));
            int v = bits[q];
            bits[q] = bits[b];
            bits[b] = v;
            mag |= 1u << v;
        }
        c[ch] = (rng_next(&r) >> 63) ? -(int32_t)mag : (int32_t)mag;
    }
}

static void input_row(const job *j, size_t t, float *x)
{
    if (j->cfg->target.steps > 0) { /* the counts as floats, for the reference output */
        int32_t *c = malloc(j->in * sizeof *c);
        uint32_t *idx = malloc(j->in * sizeof *idx);
        if (c && idx) {
            counts_row(j, t, c, idx);
            for (size_t i = 0; i < j->in; i++)
                x[i] = (float)c[i];
        } else {
            for (size_t i = 0; i < j->in; i++)
                x[i] = NAN; /* out of memory: the product fails its finite check */
        }
        free(c);
        free(idx);
        return;
    }
    rng r;
    rng_seed(&r, j->cfg->seed, j->xname, t);
    double tok = exp(0.2 * rng_normal(&r));
    for (size_t i = 0; i < j->in; i++) {
        double v = rng_t(&r, j->cfg->dof);
        if (j->down) {
            double g = v, u = rng_t(&r, j->cfg->dof);
            v = g / (1 + exp(-g)) * u;
        }
        x[i] = (float)(v * tok * j->chan[i]);
    }
}

static ax_result job_init(job *j, gen_run *g, int layer, size_t proj, char **err)
{
    const trace_gen_cfg *cfg = g->cfg;
    memset(j, 0, sizeof *j);
    j->cfg = cfg;
    j->run = g;
    j->down = projtab[proj].bit == TRACE_GEN_DOWN;
    proj_shape(cfg, projtab[proj].bit, &j->in, &j->out);
    snprintf(j->wname, sizeof j->wname, "model.layers.%d.%s.%s_proj.weight", layer,
             projtab[proj].block, projtab[proj].name);
    snprintf(j->xname, sizeof j->xname, "model.layers.%d.%s.%s_proj.input", layer,
             projtab[proj].block, projtab[proj].name);
    j->whash = ax_fnv1a(j->wname, strlen(j->wname), AX_FNV_SEED_V01);
    j->sd = (float)(1 / sqrt((double)j->in));
    if (!(j->chan = malloc(j->in * sizeof *j->chan)))
        return ax_fail(err, AX_ENOMEM, "out of memory");
    rng r;
    char cname[160];
    snprintf(cname, sizeof cname, "%s#channels", j->xname);
    rng_seed(&r, cfg->seed, cname, 0);
    for (size_t i = 0; i < j->in; i++)
        j->chan[i] = (float)exp(0.3 * rng_normal(&r));
    size_t nout = (size_t)ceil(cfg->outlier_frac * (double)j->in);
    if (cfg->outlier_frac > 0 && nout == 0)
        nout = 1;
    for (size_t k = 0; k < nout; k++) /* distinct random channels (collisions just repeat) */
        j->chan[rng_next(&r) % j->in] = (float)cfg->outlier_scale;
    return AX_OK;
}

/* Rows [row0, row0 + nrows) of a weight in the file's dtype, on all cores. */
typedef struct {
    job *j;
    size_t row0;
    void *buf;
    float **scratch; /* per worker: one row (bf16 files) */
} wfill;

static void fill_weight_rows(void *ctx, size_t b, size_t e, int worker)
{
    wfill *f = ctx;
    const job *j = f->j;
    for (size_t r = b; r < e; r++) {
        if (j->cfg->wdtype == TRACE_BF16) {
            float *w = f->scratch[worker];
            trace_gen_rng8 st;
            trace_gen_rng8_seed(&st, j->cfg->seed, j->whash, f->row0 + r);
            trace_gen_normals(&st, w, j->in, j->sd, j->run->simd);
            trace_gen_bf16(w, (uint16_t *)f->buf + r * j->in, j->in, j->run->simd);
        } else {
            weight_row(j, f->row0 + r, (float *)f->buf + r * j->in);
        }
    }
    (void)worker; /* the weights' progress is their bytes written */
}

static ax_result fill_weight(void *ctx, size_t row0, size_t nrows, void *buf, char **err)
{
    job *j = ctx;
    int nw = ax_parallel_workers(j->cfg->threads, nrows, 1);
    float **scratch = calloc((size_t)nw, sizeof *scratch);
    ax_result r = scratch ? AX_OK : ax_fail(err, AX_ENOMEM, "out of memory");
    for (int k = 0; k < nw && !r; k++)
        if (!(scratch[k] = malloc(j->in * sizeof(float))))
            r = ax_fail(err, AX_ENOMEM, "out of memory");
    if (!r) {
        wfill f = {j, row0, buf, scratch};
        ax_parallel_for(j->cfg->threads, nrows, 1, fill_weight_rows, &f);
    }
    for (int k = 0; scratch && k < nw; k++)
        free(scratch[k]);
    free(scratch);
    return r;
}

static void input_rows(void *ctx, size_t b, size_t e, int worker)
{
    (void)worker;
    job *j = ctx;
    for (size_t t = b; t < e; t++)
        input_row(j, t, j->x + t * j->in);
}

/* The whole input [tokens, in], once (rows on all cores). */
static ax_result make_x(job *j, char **err)
{
    if (j->x)
        return AX_OK;
    if (!(j->x = malloc(j->cfg->tokens * j->in * sizeof *j->x)))
        return ax_fail(err, AX_ENOMEM, "out of memory for the input of '%s'", j->xname);
    ax_parallel_for(j->cfg->threads, j->cfg->tokens, 1, input_rows, j);
    return AX_OK;
}

static ax_result fill_input(void *ctx, size_t row0, size_t nrows, void *buf, char **err)
{
    job *j = ctx;
    if (j->cfg->target.steps > 0) { /* int32 counts, row by row */
        uint32_t *idx = malloc(j->in * sizeof *idx);
        if (!idx)
            return ax_fail(err, AX_ENOMEM, "out of memory");
        for (size_t t = 0; t < nrows; t++)
            counts_row(j, row0 + t, (int32_t *)buf + t * j->in, idx);
        free(idx);
        return AX_OK;
    }
    ax_result r = make_x(j, err);
    if (r)
        return r;
    memcpy(buf, j->x + row0 * j->in, nrows * j->in * sizeof(float));
    if (row0 + nrows == j->cfg->tokens && !j->cfg->with_output) {
        free(j->x);
        j->x = NULL;
    }
    return AX_OK;
}

/* y = x * W^T in double: W regenerated row block by row block (never held
 * whole), each block's product on one worker. */
#define YROWS 8
typedef struct {
    job *j;
    const double *xd;
    float **wf;  /* per worker: YROWS rows, float */
    double **wd; /* per worker: the same in double */
} yfill;

static void output_rows(void *ctx, size_t b, size_t e, int worker)
{
    yfill *f = ctx;
    job *j = f->j;
    for (size_t o = b; o < e; o += YROWS) {
        size_t n = e - o < YROWS ? e - o : YROWS;
        for (size_t r = 0; r < n; r++) {
            weight_row(j, o + r, f->wf[worker] + r * j->in);
            for (size_t i = 0; i < j->in; i++)
                f->wd[worker][r * j->in + i] = f->wf[worker][r * j->in + i];
        }
        trace_gen_dot(f->xd, j->cfg->tokens, f->wd[worker], n, j->in, j->y, j->out, o,
                      j->run->simd);
    }
    /* the product's share of the progress: y's bytes, as rows are done */
    uint64_t d = atomic_fetch_add(&j->run->yrows, (uint64_t)(e - b)) + (e - b);
    if (worker == 0)
        gp_report(j->run, j->run->last_write +
                              (uint64_t)j->cfg->tokens * j->out * sizeof(float) * d / j->out);
}

static ax_result fill_output(void *ctx, size_t row0, size_t nrows, void *buf, char **err)
{
    job *j = ctx;
    size_t T = j->cfg->tokens;
    ax_result r = AX_OK;
    if (!j->y) {
        size_t grain = 8 * YROWS;
        int nw = ax_parallel_workers(j->cfg->threads, j->out, grain);
        double *xd = malloc(((T + 7) / 8) * 8 * j->in * sizeof *xd);
        float **wf = calloc((size_t)nw, sizeof *wf);
        double **wd = calloc((size_t)nw, sizeof *wd);
        j->y = malloc(T * j->out * sizeof *j->y);
        if (!xd || !wf || !wd || !j->y)
            r = ax_fail(err, AX_ENOMEM, "out of memory for the reference output of '%s'", j->wname);
        for (int k = 0; k < nw && !r; k++)
            if (!(wf[k] = malloc(YROWS * j->in * sizeof **wf)) ||
                !(wd[k] = malloc(YROWS * j->in * sizeof **wd)))
                r = ax_fail(err, AX_ENOMEM, "out of memory for the reference output of '%s'",
                            j->wname);
        if (!r)
            r = make_x(j, err);
        if (!r) {
            trace_gen_pack_x(j->x, T, j->in, xd);
            yfill f = {j, xd, wf, wd};
            atomic_store(&j->run->yrows, 0);
            ax_parallel_for(j->cfg->threads, j->out, grain, output_rows, &f);
        }
        for (int k = 0; k < nw; k++) {
            if (wf)
                free(wf[k]);
            if (wd)
                free(wd[k]);
        }
        free(wf);
        free(wd);
        free(xd);
        free(j->x);
        j->x = NULL;
        if (r)
            return r;
    }
    memcpy(buf, j->y + row0 * j->out, nrows * j->out * sizeof(float));
    if (row0 + nrows == T) {
        free(j->y);
        j->y = NULL;
    }
    return AX_OK;
}

static ax_result check(const trace_gen_cfg *c, char **err)
{
    if (!c->tokens || !c->hidden || !c->ffn || !c->nlayers || c->nlayers > TRACE_GEN_MAX_LAYERS ||
        !c->projs)
        return ax_fail(err, AX_EPARAM,
                       "gen: tokens, hidden, ffn, layers and projections must be non-zero");
    if (c->wdtype != TRACE_F32 && c->wdtype != TRACE_BF16)
        return ax_fail(err, AX_EPARAM, "gen: weight dtype %s (hint: f32 or bf16)",
                       trace_dtype_name(c->wdtype));
    if (!(c->dof > 2) || !(c->outlier_frac >= 0 && c->outlier_frac <= 1) || !(c->outlier_scale > 0))
        return ax_fail(err, AX_EPARAM,
                       "gen: dof must be > 2, outlier fraction in [0, 1], outlier scale > 0");
    if (c->target.steps < 0 || c->target.steps > 30 ||
        (c->target.steps &&
         !(c->target.silent >= 0 && c->target.silent <= 1 && c->target.ev_per_act >= 0)))
        return ax_fail(err, AX_EPARAM,
                       "gen: target steps in 1..30, silent fraction in [0, 1], events per "
                       "activation >= 0 (hint: trace_gen_target_set)");
    size_t b;
    for (size_t p = 0; p < NPROJ; p++) {
        size_t in, out;
        proj_shape(c, projtab[p].bit, &in, &out);
        if (ax_mul_size(in, out, &b) || ax_mul_size(b, 4, &b) || ax_mul_size(c->tokens, out, &b) ||
            ax_mul_size(c->tokens + 8, in, &b) || ax_mul_size(b, 8, &b))
            return ax_fail(err, AX_EPARAM, "gen: shapes overflow");
    }
    return AX_OK;
}

static ax_result meta(trace_writer *w, const trace_gen_cfg *c, const char *kind, char **err)
{
    char buf[512];
    ax_result r = trace_writer_meta(w, "generator", "axon gen " AX_VERSION, err);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)c->seed);
    if (!r)
        r = trace_writer_meta(w, "seed", buf, err);
    if (!r)
        r = trace_writer_meta(w, "preset", c->preset ? c->preset : "custom", err);
    if (!r)
        r = trace_writer_meta(w, "content", kind, err);
    if (c->projs & TRACE_GEN_ATTN)
        snprintf(buf, sizeof buf, "tokens=%zu hidden=%zu ffn=%zu q=%zu kv=%zu layers=%zu",
                 c->tokens, c->hidden, c->ffn, c->q_out ? c->q_out : c->hidden,
                 c->kv_out ? c->kv_out : c->hidden, c->nlayers);
    else
        snprintf(buf, sizeof buf, "tokens=%zu hidden=%zu ffn=%zu layers=%zu", c->tokens, c->hidden,
                 c->ffn, c->nlayers);
    if (!r)
        r = trace_writer_meta(w, "shapes", buf, err);
    snprintf(buf, sizeof buf,
             "weights N(0,1/in) %s (8 xoshiro256** streams per row, float "
             "Box-Muller, both branches); inputs Student-t dof=%g, outlier channels %g x%g, "
             "prng xoshiro256** seeded by splitmix64(seed, name, row)",
             trace_dtype_name(c->wdtype), c->dof, c->outlier_frac, c->outlier_scale);
    if (!r)
        r = trace_writer_meta(w, "model", buf, err);
    if (!r && c->target.steps > 0) {
        snprintf(buf, sizeof buf,
                 "int32 spike counts, bitwise-signed over steps=%d: silent=%.17g "
                 "ev_per_act=%.17g (sparsity %.17g of the T slots); per row exact to 0.5/in",
                 c->target.steps, c->target.silent, c->target.ev_per_act,
                 1 - c->target.ev_per_act / c->target.steps);
        r = trace_writer_meta(w, "target", buf, err);
    } else if (!r) {
        r = trace_writer_meta(w, "run_clamp", c->clamp ? c->clamp : "on", err);
    }
    return r;
}

uint64_t trace_gen_work(const trace_gen_cfg *cfg, int weights, int trace)
{
    uint64_t w = 0;
    for (size_t p = 0; p < NPROJ; p++)
        if (cfg->projs & projtab[p].bit) {
            size_t in, out;
            proj_shape(cfg, projtab[p].bit, &in, &out);
            w += (uint64_t)in * out;
        }
    w *= cfg->nlayers;
    return w * ((weights ? 1 : 0) + (trace && cfg->with_output ? 1 : 0));
}

ax_result trace_gen_write(const trace_gen_cfg *cfg, const char *weights_path,
                          const char *trace_path, char **err)
{
    ax_result r = check(cfg, err);
    if (r)
        return r;
    ax_simd best = ax_simd_best();
    gen_run g = {.cfg = cfg,
                 .simd = cfg->simd < 0 || cfg->simd > (int)best ? best : (ax_simd)cfg->simd,
                 .total = 0};
    atomic_init(&g.yrows, 0);
    size_t njobs = 0, cap = cfg->nlayers * NPROJ;
    job *jobs = calloc(cap, sizeof *jobs);
    trace_writer *ww = NULL, *tw = NULL;
    ax_out *out[2] = {NULL, NULL};
    uint64_t wbytes = 0, tbytes = 0;
    if (!jobs)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    for (size_t l = 0; l < cfg->nlayers && !r; l++)
        for (size_t p = 0; p < NPROJ && !r; p++)
            if (cfg->projs & projtab[p].bit)
                r = job_init(&jobs[njobs++], &g, cfg->layers[l], p, err);
    if (!r && weights_path) {
        r = trace_writer_new(&ww, err);
        if (!r)
            r = meta(ww, cfg, "weights", err);
        for (size_t k = 0; k < njobs && !r; k++) {
            int64_t sh[2] = {(int64_t)jobs[k].out, (int64_t)jobs[k].in};
            r = trace_writer_add_fill(ww, jobs[k].wname, cfg->wdtype, 2, sh, fill_weight, &jobs[k],
                                      err);
        }
        if (!r)
            r = trace_writer_bytes(ww, &wbytes, err);
    }
    if (!r && trace_path) {
        r = trace_writer_new(&tw, err);
        if (!r)
            r = meta(tw, cfg, cfg->with_output ? "inputs and reference outputs" : "inputs", err);
        for (size_t k = 0; k < njobs && !r; k++) {
            char name[160];
            size_t stem = strlen(jobs[k].xname) - strlen(".input");
            int64_t sx[2] = {(int64_t)cfg->tokens, (int64_t)jobs[k].in};
            r = trace_writer_add_fill(tw, jobs[k].xname,
                                      cfg->target.steps > 0 ? TRACE_I32 : TRACE_F32, 2, sx,
                                      fill_input, &jobs[k], err);
            snprintf(name, sizeof name, "%.*s.output", (int)stem, jobs[k].xname);
            int64_t sy[2] = {(int64_t)cfg->tokens, (int64_t)jobs[k].out};
            if (!r && cfg->with_output)
                r = trace_writer_add_fill(tw, name, TRACE_F32, 2, sy, fill_output, &jobs[k], err);
        }
        if (!r)
            r = trace_writer_bytes(tw, &tbytes, err);
    }
    /* the sizes are known from the shapes: check the space before writing */
    if (!r)
        r = trace_gen_check_space(weights_path, wbytes, trace_path, tbytes, err);
    g.total = wbytes + tbytes;
    /* both files are written to temporaries and committed together */
    if (!r && ww) {
        r = ax_out_open(weights_path, 0, &out[0], err);
        if (!r)
            r = ax_out_reserve(out[0], wbytes, err);
        trace_writer_progress(ww, gp_on_write, &g);
        if (!r)
            r = trace_writer_write(ww, out[0], err);
    }
    if (!r && tw) {
        g.base = wbytes;
        g.last_write = wbytes;
        r = ax_out_open(trace_path, 0, &out[1], err);
        if (!r)
            r = ax_out_reserve(out[1], tbytes, err);
        trace_writer_progress(tw, gp_on_write, &g);
        if (!r)
            r = trace_writer_write(tw, out[1], err);
    }
    if (!r)
        r = ax_out_commit_n(out, 2, err);
    else {
        ax_out_abort(out[0]);
        ax_out_abort(out[1]);
    }
    trace_writer_free(ww);
    trace_writer_free(tw);
    for (size_t k = 0; k < njobs; k++) {
        free(jobs[k].chan);
        free(jobs[k].x);
        free(jobs[k].y);
    }
    free(jobs);
    return r;
}

static void human_bytes(uint64_t b, char *buf, size_t n)
{
    if (b >= (1ULL << 30))
        snprintf(buf, n, "%.2f GiB", (double)b / (1ULL << 30));
    else
        snprintf(buf, n, "%.1f MiB", (double)b / (1ULL << 20));
}

ax_result trace_gen_check_space(const char *wpath, uint64_t wbytes, const char *tpath,
                                uint64_t tbytes, char **err)
{
    const char *path[2] = {wpath, tpath};
    uint64_t need[2] = {wbytes, tbytes};
    int same = 0;
    if (wpath && tpath) {
        ax_result r = ax_out_same_fs(wpath, tpath, &same, err);
        if (r)
            return r;
    }
    for (int i = 0; i < 2; i++) {
        if (!path[i])
            continue;
        uint64_t free_b, want = need[i] + (same ? need[1 - i] : 0);
        ax_result r = ax_out_free_space(path[i], &free_b, err);
        if (r)
            return r;
        if (want > free_b) {
            char a[32], b[32];
            human_bytes(want, a, sizeof a);
            human_bytes(free_b, b, sizeof b);
            return ax_fail(err, AX_EIO,
                           "%s: the request needs %s (%llu bytes%s) but its file "
                           "system has %s free (hint: fewer --tokens, --layers or a smaller "
                           "--out/--in, --no-output, or write to a larger disk)",
                           path[i], a, (unsigned long long)want,
                           same && path[1 - i] ? ", both files" : "", b);
        }
        if (same)
            break;
    }
    return AX_OK;
}

ax_result trace_gen_target_set(trace_gen_cfg *cfg, int steps, double silent, double ev_per_act,
                               double sparsity, double spikes_per_firing, char **err)
{
    int given = (ev_per_act >= 0) + (sparsity >= 0) + (spikes_per_firing >= 0);
    if (given != 1)
        return ax_fail(err, AX_EPARAM,
                       "%s of --ev-per-act, --target-sparsity and --spikes-per-firing (hint: "
                       "they state the same quantity, ev/act = (1 - sparsity) x steps = (1 - "
                       "silent) x spikes per firing pair: give one)",
                       given ? "more than one" : "none");
    if (steps < 1 || steps > 30)
        return ax_fail(err, AX_EPARAM,
                       "--steps %d: a target statistic needs the time steps T in 1..30 it is "
                       "stated over (hint: --steps 3 for SpikingBrain-1.0-style slots, 8 for "
                       "INT8 magnitudes)",
                       steps);
    if (!(silent >= 0 && silent <= 1))
        return ax_fail(err, AX_EPARAM,
                       "--silent: a target statistic needs the fraction of silent (token, "
                       "channel) pairs in [0, 1] (hint: --silent 0.184, SpikingBrain-7B's)");
    if (sparsity >= 0 && sparsity > 1)
        return ax_fail(err, AX_EPARAM, "--target-sparsity %g: a fraction in [0, 1]", sparsity);
    double x = ev_per_act >= 0 ? ev_per_act
               : sparsity >= 0 ? (1 - sparsity) * steps
                               : (1 - silent) * spikes_per_firing;
    double lo = 1 - silent, hi = (1 - silent) * steps, eps = 1e-9;
    if (x < lo - eps || x > hi + eps)
        return ax_fail(err, AX_EPARAM,
                       "the target is contradictory: %g events per activation with %g silent "
                       "pairs and %d steps (hint: a firing pair has 1 to %d spikes, so events per "
                       "activation must be in [%g, %g]; sparsity over the slots in [%g, %g])",
                       x, silent, steps, steps, lo, hi, 1 - hi / steps, 1 - lo / steps);
    cfg->target.steps = steps;
    cfg->target.silent = silent;
    cfg->target.ev_per_act = x;
    return AX_OK;
}

void trace_gen_target_stat(const trace_gen_cfg *cfg, size_t in, trace_gen_stat *st)
{
    memset(st, 0, sizeof *st);
    st->steps = cfg->target.steps;
    if (cfg->target.steps <= 0 || !in)
        return;
    size_t nf = (size_t)llround((1 - cfg->target.silent) * (double)in);
    size_t E = (size_t)llround(cfg->target.ev_per_act * (double)in);
    if (E < nf)
        E = nf;
    if (E > nf * (size_t)cfg->target.steps)
        E = nf * (size_t)cfg->target.steps;
    st->silent = 1 - (double)nf / (double)in;
    st->ev_per_act = (double)E / (double)in;
    st->sparsity = 1 - st->ev_per_act / cfg->target.steps;
    st->spikes_per_firing = nf ? (double)E / (double)nf : 0;
}

int trace_gen_parse_layers(const char *s, trace_gen_cfg *c)
{
    c->nlayers = 0;
    while (*s) {
        char *end;
        long a = strtol(s, &end, 10), b = a;
        if (end == s || a < 0 || a > 100000)
            return -1;
        if (*end == '-') {
            s = end + 1;
            b = strtol(s, &end, 10);
            if (end == s || b < a || b > 100000)
                return -1;
        }
        for (long i = a; i <= b; i++) {
            if (c->nlayers == TRACE_GEN_MAX_LAYERS)
                return -1;
            c->layers[c->nlayers++] = (int)i;
        }
        s = end;
        if (*s == ',')
            s++;
        else if (*s)
            return -1;
    }
    return c->nlayers ? 0 : -1;
}

int trace_gen_parse_projs(const char *s, unsigned *projs)
{
    *projs = 0;
    char *dup = strdup(s), *save = NULL;
    for (char *t = dup ? strtok_r(dup, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "up"))
            *projs |= TRACE_GEN_UP;
        else if (!strcmp(t, "gate"))
            *projs |= TRACE_GEN_GATE;
        else if (!strcmp(t, "down"))
            *projs |= TRACE_GEN_DOWN;
        else if (!strcmp(t, "q"))
            *projs |= TRACE_GEN_Q;
        else if (!strcmp(t, "k"))
            *projs |= TRACE_GEN_K;
        else if (!strcmp(t, "v"))
            *projs |= TRACE_GEN_V;
        else if (!strcmp(t, "o"))
            *projs |= TRACE_GEN_O;
        else if (!strcmp(t, "attn"))
            *projs |= TRACE_GEN_ATTN;
        else if (!strcmp(t, "mlp"))
            *projs |= TRACE_GEN_MLP;
        else if (!strcmp(t, "all"))
            *projs |= TRACE_GEN_ATTN | TRACE_GEN_MLP;
        else {
            *projs = 0;
            break;
        }
    }
    free(dup);
    return *projs ? 0 : -1;
}
