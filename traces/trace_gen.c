/*
 * Synthetic LLM-like MLP weights and activation traces, for tests, demos
 * and shape sweeps when no recorded trace is at hand.
 *
 * PRNG: splitmix64 (Steele, Lea & Flood, OOPSLA 2014) turns (seed, tensor
 * name hash, row) into the 256-bit state of xoshiro256** (Blackman &
 * Vigna, ACM TOMS 2021); each row has its own stream, so any chunking gives
 * the same bytes. Normals by Box-Muller (cosine branch only).
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

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

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
static double rng_unit(rng *r) { return ((double)(rng_next(r) >> 11) + 1.0) * 0x1.0p-53; }

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
    size_t hidden, ffn, tokens;
    unsigned projs;
} presets[] = {
    {"tiny", "hidden 64 -> ffn 96, 16 tokens, up_proj (for tests)", 64, 96, 16, TRACE_GEN_UP},
    {"qwen7b-mlp", "Qwen2.5-7B / SpikingBrain-7B MLP: 3584 -> 18944 (up, gate), 18944 -> 3584 (down), 64 tokens",
     3584, 18944, 64, TRACE_GEN_UP | TRACE_GEN_GATE | TRACE_GEN_DOWN},
    {"spikingbrain2-5b-mlp", "SpikingBrain2.0-5B MLP: 2560 -> 9728 (up, gate), 9728 -> 2560 (down), 64 tokens",
     2560, 9728, 64, TRACE_GEN_UP | TRACE_GEN_GATE | TRACE_GEN_DOWN},
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
            cfg->nlayers = 1;
            cfg->layers[0] = 0;
            cfg->projs = presets[i].projs;
            cfg->wdtype = TRACE_F32;
            cfg->with_output = 1;
            cfg->dof = 4;
            cfg->outlier_frac = 0.005;
            cfg->outlier_scale = 30;
            return AX_OK;
        }
    return ax_fail(err, AX_ENOTFOUND, "no preset '%s' (hint: tiny, qwen7b-mlp, spikingbrain2-5b-mlp)", name);
}

/* Progress over both files, in bytes written; the reference output's
 * product (computed before its first bytes are written) moves it too. */
typedef struct {
    trace_progress_fn fn;
    void *ctx;
    uint64_t base, total, shown, last_write;
} gen_prog;

static void gp_report(gen_prog *g, uint64_t done)
{
    if (g && g->fn && done > g->shown) {
        g->shown = done;
        g->fn(g->ctx, done < g->total ? done : g->total, g->total);
    }
}

static void gp_on_write(void *ctx, uint64_t done, uint64_t total)
{
    (void)total;
    gen_prog *g = ctx;
    g->last_write = g->base + done;
    gp_report(g, g->last_write);
}

/* One (layer, projection) tensor pair being produced. */
typedef struct {
    const trace_gen_cfg *cfg;
    gen_prog *prog;
    char wname[128], xname[128];
    size_t in, out;
    int down;
    float *chan;   /* per-channel scale [in] */
    float *y;      /* output [tokens, out], computed on the first request */
} job;

static void weight_row(const job *j, size_t row, float *w)
{
    rng r;
    rng_seed(&r, j->cfg->seed, j->wname, row);
    double sd = 1 / sqrt((double)j->in);
    for (size_t i = 0; i < j->in; i++) {
        float v = (float)(rng_normal(&r) * sd);
        w[i] = j->cfg->wdtype == TRACE_BF16 ? trace_bf16_to_f32(trace_f32_to_bf16(v)) : v;
    }
}

static void input_row(const job *j, size_t t, float *x)
{
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

static ax_result job_init(job *j, const trace_gen_cfg *cfg, int layer, unsigned proj, char **err)
{
    static const char *pn[] = {[TRACE_GEN_UP] = "up", [TRACE_GEN_GATE] = "gate", [TRACE_GEN_DOWN] = "down"};
    memset(j, 0, sizeof *j);
    j->cfg = cfg;
    j->down = proj == TRACE_GEN_DOWN;
    j->in = j->down ? cfg->ffn : cfg->hidden;
    j->out = j->down ? cfg->hidden : cfg->ffn;
    snprintf(j->wname, sizeof j->wname, "model.layers.%d.mlp.%s_proj.weight", layer, pn[proj]);
    snprintf(j->xname, sizeof j->xname, "model.layers.%d.mlp.%s_proj.input", layer, pn[proj]);
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

static ax_result fill_weight(void *ctx, size_t row0, size_t nrows, void *buf, char **err)
{
    job *j = ctx;
    float *w = malloc(j->in * sizeof *w);
    if (!w)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    for (size_t r = 0; r < nrows; r++) {
        weight_row(j, row0 + r, w);
        if (j->cfg->wdtype == TRACE_BF16)
            for (size_t i = 0; i < j->in; i++)
                ((uint16_t *)buf)[r * j->in + i] = trace_f32_to_bf16(w[i]);
        else
            memcpy((float *)buf + r * j->in, w, j->in * sizeof *w);
    }
    free(w);
    return AX_OK;
}

static ax_result fill_input(void *ctx, size_t row0, size_t nrows, void *buf, char **err)
{
    (void)err;
    job *j = ctx;
    for (size_t r = 0; r < nrows; r++)
        input_row(j, row0 + r, (float *)buf + r * j->in);
    return AX_OK;
}

/* y = x * W^T in double, W regenerated row by row (never held whole). */
static ax_result fill_output(void *ctx, size_t row0, size_t nrows, void *buf, char **err)
{
    job *j = ctx;
    size_t T = j->cfg->tokens;
    if (!j->y) {
        float *x = malloc(T * j->in * sizeof *x), *w = malloc(j->in * sizeof *w);
        j->y = malloc(T * j->out * sizeof *j->y);
        if (!x || !w || !j->y) {
            free(x);
            free(w);
            return ax_fail(err, AX_ENOMEM, "out of memory for the reference output of '%s'", j->wname);
        }
        for (size_t t = 0; t < T; t++)
            input_row(j, t, x + t * j->in);
        uint64_t ybytes = (uint64_t)T * j->out * sizeof(float);
        for (size_t o = 0; o < j->out; o++) {
            if (j->prog && (o & 63) == 0)
                gp_report(j->prog, j->prog->last_write + ybytes * o / j->out);
            weight_row(j, o, w);
            for (size_t t = 0; t < T; t++) {
                const float *xt = x + t * j->in;
                double acc = 0;
                for (size_t i = 0; i < j->in; i++)
                    acc += (double)xt[i] * w[i];
                j->y[t * j->out + o] = (float)acc;
            }
        }
        free(x);
        free(w);
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
    if (!c->tokens || !c->hidden || !c->ffn || !c->nlayers || c->nlayers > TRACE_GEN_MAX_LAYERS || !c->projs)
        return ax_fail(err, AX_EPARAM, "gen: tokens, hidden, ffn, layers and projections must be non-zero");
    if (c->wdtype != TRACE_F32 && c->wdtype != TRACE_BF16)
        return ax_fail(err, AX_EPARAM, "gen: weight dtype %s (hint: f32 or bf16)", trace_dtype_name(c->wdtype));
    if (!(c->dof > 2) || !(c->outlier_frac >= 0 && c->outlier_frac <= 1) || !(c->outlier_scale > 0))
        return ax_fail(err, AX_EPARAM, "gen: dof must be > 2, outlier fraction in [0, 1], outlier scale > 0");
    size_t b;
    if (ax_mul_size(c->hidden, c->ffn, &b) || ax_mul_size(b, 4, &b) || ax_mul_size(c->tokens, c->ffn, &b))
        return ax_fail(err, AX_EPARAM, "gen: shapes overflow");
    return AX_OK;
}

static ax_result meta(trace_writer *w, const trace_gen_cfg *c, const char *kind, char **err)
{
    char buf[512];
    ax_result r = trace_writer_meta(w, "generator", "axon gen " AX_VERSION, err);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)c->seed);
    if (!r) r = trace_writer_meta(w, "seed", buf, err);
    if (!r) r = trace_writer_meta(w, "preset", c->preset ? c->preset : "custom", err);
    if (!r) r = trace_writer_meta(w, "content", kind, err);
    snprintf(buf, sizeof buf, "tokens=%zu hidden=%zu ffn=%zu layers=%zu", c->tokens, c->hidden, c->ffn,
             c->nlayers);
    if (!r) r = trace_writer_meta(w, "shapes", buf, err);
    snprintf(buf, sizeof buf, "weights N(0,1/in) %s; inputs Student-t dof=%g, outlier channels %g x%g, "
             "prng xoshiro256** seeded by splitmix64(seed, name, row)", trace_dtype_name(c->wdtype), c->dof,
             c->outlier_frac, c->outlier_scale);
    if (!r) r = trace_writer_meta(w, "model", buf, err);
    return r;
}

ax_result trace_gen_write(const trace_gen_cfg *cfg, const char *weights_path, const char *trace_path,
                          char **err)
{
    ax_result r = check(cfg, err);
    if (r)
        return r;
    size_t njobs = 0, cap = cfg->nlayers * 3;
    job *jobs = calloc(cap, sizeof *jobs);
    trace_writer *ww = NULL, *tw = NULL;
    ax_out *out[2] = {NULL, NULL};
    gen_prog gp = {cfg->progress, cfg->progress_ctx, 0, 0, 0, 0};
    uint64_t wbytes = 0, tbytes = 0;
    if (!jobs)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    for (size_t l = 0; l < cfg->nlayers && !r; l++)
        for (unsigned p = TRACE_GEN_UP; p <= TRACE_GEN_DOWN && !r; p <<= 1)
            if (cfg->projs & p) {
                r = job_init(&jobs[njobs], cfg, cfg->layers[l], p, err);
                jobs[njobs++].prog = &gp;
            }
    if (!r && weights_path) {
        r = trace_writer_new(&ww, err);
        if (!r) r = meta(ww, cfg, "weights", err);
        for (size_t k = 0; k < njobs && !r; k++) {
            int64_t sh[2] = {(int64_t)jobs[k].out, (int64_t)jobs[k].in};
            r = trace_writer_add_fill(ww, jobs[k].wname, cfg->wdtype, 2, sh, fill_weight, &jobs[k], err);
        }
        if (!r) r = trace_writer_bytes(ww, &wbytes, err);
    }
    if (!r && trace_path) {
        r = trace_writer_new(&tw, err);
        if (!r) r = meta(tw, cfg, cfg->with_output ? "inputs and reference outputs" : "inputs", err);
        for (size_t k = 0; k < njobs && !r; k++) {
            char name[160];
            size_t stem = strlen(jobs[k].xname) - strlen(".input");
            int64_t sx[2] = {(int64_t)cfg->tokens, (int64_t)jobs[k].in};
            r = trace_writer_add_fill(tw, jobs[k].xname, TRACE_F32, 2, sx, fill_input, &jobs[k], err);
            snprintf(name, sizeof name, "%.*s.output", (int)stem, jobs[k].xname);
            int64_t sy[2] = {(int64_t)cfg->tokens, (int64_t)jobs[k].out};
            if (!r && cfg->with_output)
                r = trace_writer_add_fill(tw, name, TRACE_F32, 2, sy, fill_output, &jobs[k], err);
        }
        if (!r) r = trace_writer_bytes(tw, &tbytes, err);
    }
    /* the sizes are known from the shapes: check the space before writing */
    if (!r)
        r = trace_gen_check_space(weights_path, wbytes, trace_path, tbytes, err);
    gp.total = wbytes + tbytes;
    /* both files are written to temporaries and committed together */
    if (!r && ww) {
        r = ax_out_open(weights_path, 0, &out[0], err);
        if (!r) r = ax_out_reserve(out[0], wbytes, err);
        trace_writer_progress(ww, gp_on_write, &gp);
        if (!r) r = trace_writer_write(ww, out[0], err);
    }
    if (!r && tw) {
        gp.base = wbytes;
        gp.last_write = wbytes;
        r = ax_out_open(trace_path, 0, &out[1], err);
        if (!r) r = ax_out_reserve(out[1], tbytes, err);
        trace_writer_progress(tw, gp_on_write, &gp);
        if (!r) r = trace_writer_write(tw, out[1], err);
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
            return ax_fail(err, AX_EIO, "%s: the request needs %s (%llu bytes%s) but its file "
                           "system has %s free (hint: fewer --tokens, --layers or a smaller "
                           "--out/--in, --no-output, or write to a larger disk)", path[i], a,
                           (unsigned long long)want, same && path[1 - i] ? ", both files" : "", b);
        }
        if (same)
            break;
    }
    return AX_OK;
}
