/*
 * One run of a layer (run/run.h): weights → INT8 (mapper), trace input →
 * spike counts (adaptive threshold, docs/design.md §2) → events in the chosen coding
 * → the chip simulation (sim/) → acc checked bit for bit against the CPU
 * reference (gpu_ref_cpu) → y = vth · Σ_g scale · acc (gpu_dequant) → when the
 * trace holds `<layer>.output`, accuracy of y against it (cosine, relative
 * L2, max abs, SNR in dB; recorded outputs are x · Wᵀ without the bias).
 * Traces holding integer inputs are taken as spike counts already (vth = 1). Used by `axon run` and every point of a sweep.
 * With j->image the int8 weights come from a core image (map_image_load_layer,
 * in core order): when the image reordered the layer's input channels, the
 * same permutation is applied to the spike counts, so every accumulator is
 * unchanged (a permutation keeps each channel in its weight group, docs/design.md §2)
 * while the events reach the cores in the image's order. With j->ref, acc
 * and y are compared with a reference written by `axon ref` (gpu_compare_*).
 * The counted actions are then priced by power/ (power_price, the technology
 * table j->tech scaled to j->node_nm / j->vdd_v) into r->power.
 *
 * Cost follows the work, not the files: shapes are checked from the headers
 * before anything is loaded; weights are quantized straight from the file
 * mapping (map_qweight_load) or read from the image's layer alone (for a
 * sweep, its tiles are also written straight into the simulator's prepared
 * weights, map_image_load_layer_rows + sim_use_weights); the
 * trace's input is converted and counted a fixed block of tokens at a
 * time, and so is the recorded output compared (their pages dropped once
 * read); the reference runs on token blocks too, and is compared block by
 * block unless the cache keeps it for other runs. acc is taken from the
 * simulator, which is freed (with the events) before y is allocated: the
 * peak holds the simulation's working set or the results, not both. What
 * a point shares with other points of a sweep (weights and the
 * simulator's prepared weights, counts, events and statistics, the
 * accumulation of a tile and accumulator width, the reference acc, the
 * files' checksums) comes from a run_cache (run_cache.c) when it is there.
 *
 * Shapes are checked from the headers before any heavy work: the trace's
 * `<layer>.input` must have the weight's in-features and `<layer>.output`
 * its out-features before the weight is quantized. A --vcd run is
 * estimated first (the observed cores' items times the bytes each costs
 * in the file) and refused above RUN_VCD_MAX_MIB (or $AXON_VCD_MAX_MIB);
 * while stepping, the writer's own cap stops a run the estimate missed.
 * j->functional skips the timing (sim_run_functional): acc, y, accuracy and
 * the spike statistics only, nothing priced. j->threads is handed to the
 * simulator (sim_set_exec); no result depends on it.
 */
#include "run_int.h"

#include "../gpu/gpu.h"
#include "../mapper/map.h"
#include "../traces/trace.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TBLOCK 64            /* tokens converted, counted, checked at a time */
#define RUN_VCD_MAX_MIB 1024 /* default refusal threshold of a --vcd run */
#define RUN_STAGES 5

static void stage(const run_job *j, int step, const char *what)
{
    if (j->progress)
        j->progress(j->progress_ctx, what, step, RUN_STAGES);
}

static int64_t vcd_limit(void)
{
    const char *e = getenv("AXON_VCD_MAX_MIB");
    long long m = e ? atoll(e) : RUN_VCD_MAX_MIB;
    return (int64_t)(m > 0 ? m : RUN_VCD_MAX_MIB) << 20;
}

/* Bytes of the VCD of the first max_cores cores, estimated from the event
 * stream: per item (event or end of token) its accept, start and W word
 * pulses with their time stamps and buses, per token the B readout beats
 * (measured on the shipped trace: 60 + 16 W bytes per item, 20 per beat). */
static double vcd_estimate(const run_job *j, const map_qweight *qw, const spike_event *ev,
                           size_t nev, size_t tokens, int max_cores)
{
    map_tiling t;
    if (map_tiling_make_group(qw->out, qw->in, qw->group, j->cfg.rows, j->cfg.cols, &t, NULL))
        return 0;
    size_t obs = t.cores < (size_t)max_cores ? t.cores : (size_t)max_cores;
    size_t rb_max = (obs + t.cb - 1) / t.cb; /* row-blocks among the observed cores */
    double *per_rb = calloc(rb_max ? rb_max : 1, sizeof *per_rb);
    if (!per_rb)
        return 0;
    for (size_t k = 0; k < nev; k++) {
        size_t a = ev[k].axon, rb = (a / t.group) * t.rpg + (a % t.group) / (size_t)t.R;
        if (rb < rb_max)
            per_rb[rb] += 1;
    }
    int C = j->cfg.cols < (int)qw->out ? j->cfg.cols : (int)qw->out;
    double W = ceil((double)C / j->cfg.lanes);
    double B = ceil((double)j->cfg.cols * j->cfg.acc_bits / j->cfg.readout_bits);
    double bytes = 0;
    for (size_t c = 0; c < obs; c++)
        bytes += (per_rb[c / t.cb] + (double)tokens) * (60 + 16 * W) + (double)tokens * B * 20;
    free(per_rb);
    return bytes;
}


void run_job_default(run_job *j)
{
    memset(j, 0, sizeof *j);
    sim_config_default(&j->cfg);
    j->coding = SPIKE_BITWISE_SIGNED;
    spike_params_default(&j->sp);
    j->steps = SPIKE_STEPS_AUTO;
    j->group = 0;
    j->model = POWER_REALISTIC;
    /* priced by the table calibrated to gate level at 180 nm, translated to
     * 45 nm (docs/power.md "Calibration"); base-45nm stays available by name */
    j->tech = POWER_TECH_CAL;
    j->node_nm = 45;
    j->threads = 1;
}

void run_result_free(run_result *r)
{
    if (!r)
        return;
    free(r->acc);
    free(r->y);
    free(r->per_core);
    r->acc = NULL;
    r->y = NULL;
    r->per_core = NULL;
}

/* Accuracy of y against the recorded output, summed block by block in
 * element order (the same sums as one pass over the whole tensor). */
typedef struct {
    double dot, yy, rr, ee, mx;
} acc_sums;

typedef struct {
    acc_sums *a;
    const float *y, *ref;
    size_t n;
} acc_ctx;

/* Unit 0 sums dot and yy, unit 1 rr, ee and the maximum: each sum runs
 * over the elements in order, as one loop over all five did, so two
 * threads give the same bits as one. */
static void accuracy_unit(void *p, size_t u0, size_t u1, int worker)
{
    (void)worker;
    const acc_ctx *x = p;
    acc_sums *a = x->a;
    const float *y = x->y, *ref = x->ref;
    for (size_t unit = u0; unit < u1; unit++) {
        if (unit == 0) {
            double dot = a->dot, yy = a->yy;
            for (size_t i = 0; i < x->n; i++) {
                double u = y[i], b = ref[i];
                dot += u * b;
                yy += u * u;
            }
            a->dot = dot;
            a->yy = yy;
        } else {
            double rr = a->rr, ee = a->ee, mx = a->mx;
            for (size_t i = 0; i < x->n; i++) {
                double u = y[i], b = ref[i], e = u - b;
                rr += b * b;
                ee += e * e;
                mx = fabs(e) > mx ? fabs(e) : mx;
            }
            a->rr = rr;
            a->ee = ee;
            a->mx = mx;
        }
    }
}

static void accuracy_add(acc_sums *a, const float *y, const float *ref, size_t n, int threads)
{
    acc_ctx x = {a, y, ref, n};
    ax_parallel_for(threads, 2, 1, accuracy_unit, &x);
}

/* Accumulators of a and b that differ, counted in chunks on the threads
 * (an integer count: the same for every thread count). */
typedef struct {
    const int32_t *a, *b;
    atomic_size_t m;
} diff_ctx;

static void diff_range(void *p, size_t i0, size_t i1, int worker)
{
    (void)worker;
    diff_ctx *x = p;
    size_t m = 0;
    for (size_t i = i0; i < i1; i++)
        m += x->a[i] != x->b[i];
    atomic_fetch_add(&x->m, m);
}

static size_t count_diff(const int32_t *a, const int32_t *b, size_t n, int threads)
{
    diff_ctx x = {.a = a, .b = b};
    atomic_init(&x.m, 0);
    ax_parallel_for(threads, n, 1 << 16, diff_range, &x);
    return atomic_load(&x.m);
}

static void accuracy_finish(const acc_sums *a, run_result *r)
{
    double dot = a->dot, yy = a->yy, rr = a->rr, ee = a->ee;
    r->cosine = yy > 0 && rr > 0 ? dot / sqrt(yy * rr) : (yy == rr ? 1.0 : 0.0);
    r->rel_error = rr > 0 ? sqrt(ee / rr) : sqrt(ee);
    r->max_abs_error = a->mx;
    r->snr_db = ee > 0 ? 10.0 * log10(rr / ee) : INFINITY;
}

static void *alloc_n(size_t n, size_t sz)
{
    return malloc((n ? n : 1) * sz);
}

static ax_result tensor_2d(const trace_tensor *t, const char *what, size_t *rows, size_t *cols,
                           char **err)
{
    if (t->ndim < 1)
        return ax_fail(err, AX_ESHAPE, "%s is a scalar (hint: expected [tokens, features])", what);
    size_t c = (size_t)t->shape[t->ndim - 1], n = trace_numel(t);
    *cols = c;
    *rows = c ? n / c : 0;
    return AX_OK;
}

/* The layer's weights from the open core image (core order, *perm set when
 * the image permuted its inputs); with j->weights too, the image must hold
 * exactly the checkpoint's quantization (same group, same int8 and scales). */
static ax_result load_image(const run_job *j, const map_image *img, size_t li, map_qweight *qw,
                            uint32_t **perm, int8_t *rows, char **err)
{
    map_qweight ck = {0}, orig = {0};
    trace_file *wf = NULL;
    const map_image_layer *L = map_image_layer_at(img, li);
    ax_result rc = rows ? map_image_load_layer_rows(img, li, qw, perm, rows, SIM_WEIGHT_LANES, err)
                        : map_image_load_layer(img, li, 0, qw, perm, err);
    if (rc)
        return rc;
    if (j->weights) {
        if ((rc = trace_open(j->weights, &wf, err)) ||
            (rc = map_qweight_load_par(wf, j->layer, L->group == L->in ? 0 : L->group, j->threads,
                                       &ck, err)) ||
            (rc = map_image_load_layer(img, li, 1, &orig, NULL, err)))
            goto done;
        if (ck.out != orig.out || ck.in != orig.in || ck.ngroups != orig.ngroups ||
            memcmp(ck.q, orig.q, ck.out * ck.in) ||
            memcmp(ck.scale, orig.scale, ck.out * ck.ngroups * sizeof *ck.scale))
            rc = ax_fail(err, AX_EMISMATCH,
                         "%s: layer '%s' of the image differs from the "
                         "quantized %s (hint: the image was mapped from another checkpoint, or "
                         "with another --group; give only --image)",
                         j->image, j->layer, j->weights);
    }
done:
    map_qweight_free(&ck);
    map_qweight_free(&orig);
    trace_close(wf);
    if (rc) {
        map_qweight_free(qw);
        free(*perm);
        *perm = NULL;
    }
    return rc;
}

/* The image's layer: found, on the run's tile and group (errors as the
 * image names them), its index in *li. */
static ax_result image_layer(const run_job *j, const map_image *img, size_t *li, char **err)
{
    int R, C;
    map_image_tile(img, &R, &C, NULL, NULL);
    long i = map_image_find(img, j->layer);
    const map_image_layer *L = i >= 0 ? map_image_layer_at(img, (size_t)i) : NULL;
    if (!L)
        return ax_fail(err, AX_ENOTFOUND,
                       "%s: no layer '%s' in the core image (hint: "
                       "'axon map --read-image %s' lists its layers)",
                       j->image, j->layer, j->image);
    if (R != j->cfg.rows || C != j->cfg.cols)
        return ax_fail(err, AX_EPARAM,
                       "%s: the image is mapped on %dx%d tiles but the run asks "
                       "for %dx%d (hint: leave --tile out to use the image's)",
                       j->image, R, C, j->cfg.rows, j->cfg.cols);
    if (j->group && j->group != L->group)
        return ax_fail(err, AX_EPARAM,
                       "%s: layer '%s' has weight group %zu in the image, the run "
                       "asks for %zu (hint: leave --group out to use the image's)",
                       j->image, j->layer, L->group, j->group);
    *li = (size_t)i;
    return AX_OK;
}

static const trace_tensor *find_ref(const trace_file *f, const char *layer, const char *what,
                                    char *name, size_t n)
{
    snprintf(name, n, "%s.%s", layer, what);
    const trace_tensor *t = trace_find(f, name);
    if (!t) {
        snprintf(name, n, "%s", what);
        t = trace_find(f, name);
    }
    return t;
}

/* acc (exact) and y (cosine, rel L2, max abs, SNR) against the reference
 * file of `axon ref`: `<layer>.acc` / `<layer>.y`, else `acc` / `y`. */
static ax_result compare_ref(const run_job *j, run_result *r, size_t tokens, size_t out,
                             size_t ngroups, char **err)
{
    trace_file *f = NULL;
    int32_t *a = NULL;
    float *y = NULL;
    char an[1100], yn[1100];
    size_t nacc = tokens * out * ngroups, ny = tokens * out;
    ax_result rc = trace_open(j->ref, &f, err);
    if (rc)
        return rc;
    const trace_tensor *ta = find_ref(f, j->layer, "acc", an, sizeof an);
    const trace_tensor *ty = find_ref(f, j->layer, "y", yn, sizeof yn);
    if (!ta || !ty) {
        rc = ax_fail(err, AX_ENOTFOUND,
                     "%s: no tensor '%s.%s' or '%s' (hint: write it with "
                     "'axon ref --layer %s')",
                     j->ref, j->layer, ta ? "y" : "acc", ta ? "y" : "acc", j->layer);
        goto done;
    }
    if (!trace_dtype_is_int(ta->dtype) || trace_numel(ta) != nacc || ta->ndim < 2 ||
        (size_t)ta->shape[0] != tokens || (size_t)ta->shape[1] != out) {
        rc = ax_fail(err, AX_ESHAPE,
                     "%s: '%s' is not an integer [%zu, %zu%s] tensor (hint: the "
                     "reference must be of the same trace, layer and --group)",
                     j->ref, an, tokens, out, ngroups > 1 ? ", groups" : "");
        goto done;
    }
    if (trace_numel(ty) != ny || ty->ndim != 2 || (size_t)ty->shape[0] != tokens) {
        rc = ax_fail(err, AX_ESHAPE,
                     "%s: '%s' is not [%zu, %zu] (hint: the reference must be "
                     "of the same trace and layer)",
                     j->ref, yn, tokens, out);
        goto done;
    }
    a = alloc_n(nacc, sizeof *a);
    y = alloc_n(ny, sizeof *y);
    if (!a || !y) {
        rc = ax_fail(err, AX_ENOMEM, "out of memory for the reference");
        goto done;
    }
    if ((rc = trace_to_i32(ta, a, err)) || (rc = trace_to_f32(ty, y, err))) {
        ax_err_prefix(err, "%s", j->ref);
        goto done;
    }
    gpu_compare_i32(a, r->acc, nacc, &r->ref_acc);
    gpu_compare_f32(y, r->y, ny, &r->ref_y);
    r->has_ref = 1;
done:
    free(a);
    free(y);
    trace_close(f);
    return rc;
}

/* ---- the shared pieces of a run, each under its cache key ---------------- */

typedef struct {
    map_qweight qw;
    uint32_t *perm;  /* image's input permutation, or NULL */
    sim_weights *sw; /* the simulator's prepared weights, or NULL */
} w_entry;

static void w_drop(void *p)
{
    w_entry *w = p;
    sim_weights_free(w->sw);
    map_qweight_free(&w->qw);
    free(w->perm);
    free(w);
}

typedef struct {
    size_t tokens, in;
    int32_t *counts; /* [tokens][in], in core order when the image permutes */
    float *vth;      /* [tokens] */
} x_entry;

static void x_drop(void *p)
{
    x_entry *x = p;
    free(x->counts);
    free(x->vth);
    free(x);
}

typedef struct {
    spike_stats spikes;
    spike_event *ev;
    size_t nev, *tok_start;
    uint64_t bound; /* sim_events_bound: no sum can overflow on any tile where it fits */
} e_entry;

static void e_drop(void *p)
{
    e_entry *e = p;
    free(e->ev);
    free(e->tok_start);
    free(e);
}

typedef struct {
    int32_t *acc; /* the reference, [tokens][out][ngroups] */
} r_entry;

static void r_drop(void *p)
{
    r_entry *e = p;
    free(e->acc);
    free(e);
}

static void plain_drop(void *p)
{
    free(p);
}

/* Counts and vth of the trace's input, TBLOCK tokens at a time: floats are
 * converted and counted block by block (no float copy of the tensor),
 * integers are counts already (vth 1); perm (may be NULL) reorders the
 * channels into the image's core order. */
static ax_result make_counts(const run_job *j, const trace_file *tf, const trace_tensor *ti,
                             const char *name, size_t tokens, size_t in, const uint32_t *perm,
                             x_entry *x, char **err)
{
    const size_t es = trace_dtype_size(ti->dtype);
    x->tokens = tokens;
    x->in = in;
    x->counts = alloc_n(tokens * in, sizeof *x->counts);
    x->vth = alloc_n(tokens, sizeof *x->vth);
    size_t blk = tokens < TBLOCK ? tokens : TBLOCK;
    float *xb = trace_dtype_is_int(ti->dtype) ? NULL : alloc_n(blk * in, sizeof *xb);
    int32_t *cb = perm ? alloc_n(blk * in, sizeof *cb) : NULL;
    ax_result rc = AX_OK;
    if (!x->counts || !x->vth || (!trace_dtype_is_int(ti->dtype) && !xb) || (perm && !cb))
        rc = ax_fail(err, AX_ENOMEM, "out of memory for %zu x %zu counts", tokens, in);
    if (!rc && trace_dtype_is_int(ti->dtype)) {
        rc = trace_to_i32(ti, x->counts, err);
        trace_drop(tf, ti, 0, tokens * in * es); /* read: out of the resident set */
        for (size_t n = 0; n < tokens; n++)
            x->vth[n] = 1.0f; /* integer traces are spike counts already */
        for (size_t t0 = 0; !rc && perm && t0 < tokens; t0 += blk) {
            size_t nt = tokens - t0 < blk ? tokens - t0 : blk;
            memcpy(cb, x->counts + t0 * in, nt * in * sizeof *cb);
            map_counts_permute(cb, nt, in, perm, x->counts + t0 * in);
        }
    }
    for (size_t t0 = 0; !rc && xb && t0 < tokens; t0 += blk) {
        size_t nt = tokens - t0 < blk ? tokens - t0 : blk;
        int32_t *dst = perm ? cb : x->counts + t0 * in;
        if ((rc = trace_to_f32_range(ti, t0 * in, nt * in, xb, err)) ||
            (rc = spike_counts_at(xb, t0, nt, in, &j->sp, dst, x->vth + t0, err))) {
            ax_err_prefix(err, "%s: %s", j->trace, name);
            break;
        }
        trace_drop(tf, ti, t0 * in * es, nt * in * es); /* read: out of the resident set */
        if (perm) /* the image's core order: the same permutation as its weight rows */
            map_counts_permute(cb, nt, in, perm, x->counts + t0 * in);
    }
    free(xb);
    free(cb);
    return rc;
}

/* The reference acc of tokens [t0, t0 + nt) (nt <= TBLOCK) into acc, on
 * up to `threads` threads (the run's count: --threads 1 is one thread). */
static ax_result ref_block(const int32_t *counts, size_t t0, size_t nt, const map_qweight *qw,
                           int threads, int32_t *acc, char **err)
{
    gpu_ref_opts o;
    gpu_ref_opts_default(&o);
    o.threads = threads;
    ax_result rc = gpu_ref_cpu_ex(counts + t0 * qw->in, nt, qw, acc, &o, NULL, err);
    if (rc && t0 && rc == AX_EOVERFLOW) /* name the token in the whole input */
        ax_err_prefix(err, "tokens %zu onwards", t0);
    return rc;
}

/* The reference acc, TBLOCK tokens at a time (acc[tokens][out][ngroups]). */
static ax_result make_ref(const int32_t *counts, size_t tokens, const map_qweight *qw, int threads,
                          int32_t *acc, char **err)
{
    size_t per = qw->out * qw->ngroups;
    for (size_t t0 = 0; t0 < tokens; t0 += TBLOCK) {
        size_t nt = tokens - t0 < TBLOCK ? tokens - t0 : TBLOCK;
        ax_result rc = ref_block(counts, t0, nt, qw, threads, acc + t0 * per, err);
        if (rc)
            return rc;
    }
    return AX_OK;
}

/* acc's accumulators differing from the reference, which is computed and
 * compared TBLOCK tokens at a time and never held whole (the same blocks,
 * the same errors as make_ref). */
ax_result run_ref_mismatches(const int32_t *counts, size_t tokens, const map_qweight *qw,
                             const int32_t *acc, size_t *mismatches, char **err)
{
    return run_ref_mismatches_par(counts, tokens, qw, acc, 1, mismatches, err);
}

ax_result run_ref_mismatches_par(const int32_t *counts, size_t tokens, const map_qweight *qw,
                                 const int32_t *acc, int threads, size_t *mismatches, char **err)
{
    size_t per = qw->out * qw->ngroups, blk = tokens < TBLOCK ? tokens : TBLOCK;
    int32_t *b = alloc_n(blk * per, sizeof *b);
    if (!b)
        return ax_fail(err, AX_ENOMEM, "out of memory for the reference");
    ax_result rc = AX_OK;
    size_t m = 0;
    for (size_t t0 = 0; t0 < tokens && !rc; t0 += blk) {
        size_t nt = tokens - t0 < blk ? tokens - t0 : blk;
        if (!(rc = ref_block(counts, t0, nt, qw, threads, b, err)))
            m += count_diff(acc + t0 * per, b, nt * per, threads);
    }
    free(b);
    *mismatches = m;
    return rc;
}

/* Accuracy of y against `<layer>.output`, converted TBLOCK rows at a time. */
static ax_result output_accuracy(const trace_file *tf, const trace_tensor *to, const float *y,
                                 size_t tokens, size_t out, int threads, run_result *r, char **err)
{
    const size_t es = trace_dtype_size(to->dtype);
    size_t blk = tokens < TBLOCK ? tokens : TBLOCK;
    float *ob = alloc_n(blk * out, sizeof *ob);
    if (!ob)
        return ax_fail(err, AX_ENOMEM, "out of memory for the recorded output");
    acc_sums a = {0};
    ax_result rc = AX_OK;
    for (size_t t0 = 0; t0 < tokens && !rc; t0 += blk) {
        size_t nt = tokens - t0 < blk ? tokens - t0 : blk;
        if (!(rc = trace_to_f32_range(to, t0 * out, nt * out, ob, err)))
            accuracy_add(&a, y + t0 * out, ob, nt * out, threads);
        trace_drop(tf, to, t0 * out * es, nt * out * es); /* read: out of the resident set */
    }
    free(ob);
    if (!rc) {
        r->has_output = 1;
        /* axon's convention (docs/traces.md): `<layer>.output` = x · Wᵀ
         * without the bias, as traces/record.py and make traces-real write
         * it, so y compares with it directly */
        accuracy_finish(&a, r);
    }
    return rc;
}

/* The reference acc of (weights, counts) from the cache, computed when
 * missing; *re is pinned. With acc (a run, not a sweep's preparation), the
 * mismatches of acc against it: where the cache neither holds it nor would
 * keep it for another run, the reference is compared block by block
 * instead (*re stays NULL), so a run's peak does not hold a second copy of
 * its tokens x out accumulators. */
static ax_result get_ref(run_cache *cache, const char *wkey, const char *xkey,
                         const int32_t *counts, size_t tokens, const map_qweight *qw,
                         const int32_t *acc, int threads, size_t *mismatches, run_cache_entry **re,
                         char **err)
{
    size_t nacc = tokens * qw->out * qw->ngroups;
    char *key = run_cache_key("R|%s|%s", wkey, xkey);
    ax_result rc = AX_OK;
    if (!key)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    if (!(*re = run_cache_find(cache, key)) && acc && !run_cache_keeps(cache, nacc * sizeof *acc)) {
        free(key);
        return run_ref_mismatches_par(counts, tokens, qw, acc, threads, mismatches, err);
    }
    if (!*re) {
        r_entry *e = calloc(1, sizeof *e);
        if (!e || !(e->acc = malloc((nacc ? nacc : 1) * sizeof *e->acc))) {
            free(e);
            rc = ax_fail(err, AX_ENOMEM, "out of memory for the reference");
        } else if ((rc = make_ref(counts, tokens, qw, threads, e->acc, err))) {
            r_drop(e);
        } else if (!(*re = run_cache_put(cache, key, e, nacc * sizeof *e->acc, r_drop))) {
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
        }
    }
    free(key);
    if (!rc && acc) {
        const int32_t *ref = ((const r_entry *)run_cache_data(*re))->acc;
        *mismatches = count_diff(acc, ref, nacc, threads);
    }
    return rc;
}

ax_result run_job_exec(const run_job *j, run_result *r, char **err)
{
    return run_job_exec_cached(j, NULL, r, err);
}

/* What follows from acc alone (run_result's checks of it) and y. */
typedef struct {
    run_result res; /* only the fields q_copy copies */
    float *y;
} q_entry;

static void q_copy(run_result *to, const run_result *from)
{
    to->exact = from->exact;
    to->mismatches = from->mismatches;
    to->has_output = from->has_output;
    to->cosine = from->cosine;
    to->rel_error = from->rel_error;
    to->max_abs_error = from->max_abs_error;
    to->snr_db = from->snr_db;
    to->has_ref = from->has_ref;
    to->ref_acc = from->ref_acc;
    to->ref_y = from->ref_y;
}

static void q_drop(void *p)
{
    q_entry *q = p;
    free(q->y);
    free(q);
}

static ax_result exec(const run_job *j, run_cache *cache, int prepare, run_result *r, char **err);

/* What follows from r->acc (r->y allocated): the mismatches against the
 * reference (once per weights and counts, *re), y, the accuracy against
 * the recorded output `to` (may be NULL) and the --ref comparison; kept
 * under qkey (may be NULL; *qe, best effort) for the other runs of the
 * same accumulation. */
static ax_result checks(const run_job *j, run_cache *cache, const char *wkey, const char *xkey,
                        const x_entry *X, const map_qweight *qw, const trace_file *tf,
                        const trace_tensor *to, size_t tokens, const char *qkey, run_result *r,
                        run_cache_entry **re, run_cache_entry **qe, char **err)
{
    ax_result rc;
    if ((rc = get_ref(cache, wkey, xkey, X->counts, tokens, qw, r->acc, j->threads, &r->mismatches,
                      re, err)))
        return rc;
    r->exact = r->mismatches == 0;
    gpu_dequant_par(r->acc, X->vth, tokens, qw, r->y, j->threads);
    if (to && (rc = output_accuracy(tf, to, r->y, tokens, qw->out, j->threads, r, err)))
        return rc;
    if (j->ref && (rc = compare_ref(j, r, tokens, qw->out, qw->ngroups, err)))
        return rc;
    q_entry *q = qkey ? calloc(1, sizeof *q) : NULL;
    if (q && (q->y = alloc_n(tokens * qw->out, sizeof *q->y))) {
        memcpy(q->y, r->y, tokens * qw->out * sizeof *q->y);
        q_copy(&q->res, r);
        *qe = run_cache_put(cache, qkey, q, tokens * qw->out * sizeof *q->y, q_drop);
    } else if (q) { /* best effort: the next point computes it again */
        free(q);
    }
    return AX_OK;
}

static void t_drop(void *p)
{
    sim_timed_free(p);
}

static void s_drop(void *p)
{
    sim_sums_free(p);
}

/* The accumulation of (weights, events) on j's tile and accumulator width,
 * by a functional run (the same acc and overflow verdict as a timed one). */
static ax_result make_sums(const run_job *j, run_cache *cache, const char *skey, const w_entry *W,
                           const e_entry *E, size_t tokens, run_cache_entry **se, char **err)
{
    sim *s = NULL;
    sim_sums *u = NULL;
    sim_exec ex;
    sim_exec_default(&ex);
    ex.threads = j->threads;
    ax_result rc = sim_new_ex(&j->cfg, &W->qw, E->ev, E->nev, E->tok_start, tokens, &ex, &s, err);
    if (!rc) {
        if (!W->sw || !(rc = sim_use_weights(s, W->sw, err))) {
            char *e2 = NULL;
            rc = sim_run_functional(s, &e2); /* an overflow is a verdict to keep */
            rc = rc == AX_OK || rc == AX_EOVERFLOW ? sim_sums_take(s, &u, err)
                                                   : ax_fail(err, rc, "%s", e2);
            free(e2);
        }
    }
    sim_free(s);
    if (!rc && !(*se = run_cache_put(cache, skey, u, sim_sums_bytes(u), s_drop)))
        rc = ax_fail(err, AX_ENOMEM, "out of memory");
    return rc;
}

ax_result run_job_exec_cached(const run_job *j, run_cache *cache, run_result *r, char **err)
{
    return exec(j, cache, 0, r, err);
}

ax_result run_job_prepare(const run_job *j, run_cache *cache, char **err)
{
    run_result r;
    if (!cache)
        return AX_OK;
    ax_result rc = exec(j, cache, 1, &r, err);
    run_result_free(&r);
    return rc;
}

/* The files' checksums (FNV-1a of each file's ends, run_config.c), on a
 * thread of their own while the run goes on: they are the same bytes of
 * the same files whenever they are read, so the config hash is unchanged;
 * only the serial minutes of a run's end overlap with its work. */
typedef struct {
    const run_job *j;
    run_files *f;
    ax_result rc;
    char *err;
    pthread_t tid;
    int started;
} files_bg;

static void *files_main(void *p)
{
    files_bg *b = p;
    b->rc = run_files_of(b->j, b->f, &b->err);
    return NULL;
}

/* Starts the checksums on a thread when the run has two or more and the
 * cache does not hold them; else nothing (they are computed at the end). */
static void files_start(files_bg *b, const run_job *j, run_cache *cache, const char *fkey)
{
    memset(b, 0, sizeof *b);
    run_cache_entry *fe;
    if (ax_threads(j->threads) < 2 || !fkey)
        return;
    if ((fe = run_cache_find(cache, fkey))) {
        run_cache_release(cache, fe);
        return;
    }
    b->j = j;
    if (!(b->f = malloc(sizeof *b->f)))
        return;
    if (pthread_create(&b->tid, NULL, files_main, b)) {
        free(b->f);
        b->f = NULL;
        return;
    }
    b->started = 1;
    ax_par_note(2); /* beside the run's own threads */
}

/* Joins the thread; *f (caller frees) is its result, or NULL when it did
 * not run. */
static ax_result files_join(files_bg *b, run_files **f, char **err)
{
    *f = NULL;
    if (!b->started)
        return AX_OK;
    pthread_join(b->tid, NULL);
    b->started = 0;
    ax_result rc = b->rc;
    if (rc) {
        ax_fail(err, rc, "%s", b->err ? b->err : "checksum failed");
        free(b->f);
    } else {
        *f = b->f;
    }
    b->f = NULL;
    free(b->err);
    b->err = NULL;
    return rc;
}

/* The nonzero weights per input column of the calibrated baseline's
 * statistics (power_act_stats_weights) depend on the weights alone: they
 * are counted once per weights and kept in the cache under "N|wkey", so a
 * sweep's points share them (its prepare step counts them before the
 * workers start). *ne (pinned) holds uint32_t[qw->in]. */
static ax_result nonzero_cols(run_cache *cache, const char *wkey, const map_qweight *qw,
                              run_cache_entry **ne, char **err)
{
    char *key = run_cache_key("N|%s", wkey);
    if (!key)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    ax_result rc = AX_OK;
    if (!(*ne = run_cache_find(cache, key))) {
        uint32_t *nz = malloc((qw->in ? qw->in : 1) * sizeof *nz);
        if (!nz)
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
        else if ((rc = power_weight_nonzero_cols(qw->q, qw->in, qw->out, nz, err)))
            free(nz);
        else if (!(*ne = run_cache_put(cache, key, nz, qw->in * sizeof *nz, plain_drop)))
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
    }
    free(key);
    return rc;
}

/* docs/power.md "Baselines": whether pricing the baseline needs the
 * activation statistics, and (*with_w) the weights' too: a table with the
 * calibrated baseline tile prices the dense one by its MACs with nonzero
 * operands. */
static int base_needs_acts(const run_job *j, const power_table *tech, int *with_w)
{
    *with_w = !j->functional &&
              (j->baseline == POWER_BASE_BIT_SERIAL ? power_table_has_bs_cal(tech)
                                                    : power_table_has_base_cal(tech));
    return !j->functional && (j->baseline != POWER_BASE_DENSE || *with_w);
}

/* What the baselines need of the activations (power_act_stats): once per
 * counts, tile rows, batch and weights, kept under "A|...", so a sweep's
 * points that differ in the clock, the coding or the energy share them
 * (the nonzero weights per column, with_w, once per weights). */
static ax_result act_stats(run_cache *cache, const char *wkey, const char *xkey,
                           const int32_t *counts, size_t tokens, const map_qweight *qw,
                           const run_job *j, int with_w, power_act_stats *acts, char **err)
{
    char *key = run_cache_key("A|%s|%s|r%d|b%d|w%d", xkey, wkey, j->cfg.rows, j->cfg.batch_tokens,
                              with_w);
    if (!key)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    run_cache_entry *ae = run_cache_find(cache, key), *ne = NULL;
    ax_result rc = AX_OK;
    if (!ae) {
        if ((rc = power_act_stats_compute(counts, tokens, qw->in, j->cfg.rows, acts, err)) ||
            (j->cfg.batch_tokens > 1 &&
             (rc = power_act_stats_batch(counts, tokens, qw->in, j->cfg.batch_tokens, acts,
                                         err))) ||
            (with_w && ((rc = nonzero_cols(cache, wkey, qw, &ne, err)) ||
                        (rc = power_act_stats_weight_cols(counts, tokens, qw->in,
                                                          run_cache_data(ne), acts, err)))))
            goto out;
        power_act_stats *copy = malloc(sizeof *copy);
        if (!copy || (memcpy(copy, acts, sizeof *copy),
                      !(ae = run_cache_put(cache, key, copy, sizeof *copy, plain_drop))))
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
    } else {
        memcpy(acts, run_cache_data(ae), sizeof *acts);
    }
out:
    free(key);
    run_cache_release(cache, ne);
    run_cache_release(cache, ae);
    return rc;
}

/* prepare: only what the cache holds (weights, counts, events, reference). */
static ax_result exec(const run_job *j, run_cache *cache, int prepare, run_result *r, char **err)
{
    memset(r, 0, sizeof *r);
    ax_result rc;
    run_cache *own = NULL;
    run_cache_entry *we = NULL, *xe = NULL, *ee = NULL, *re = NULL, *fe = NULL, *se = NULL,
                    *qe = NULL, *te = NULL;
    trace_file *wf = NULL, *tf = NULL;
    map_image *img = NULL;
    size_t li = 0, tokens = 0, in = 0, wout = 0, win = 0;
    sim *s = NULL;
    sim_vcd *vcd = NULL;
    power_table *tech = NULL;
    char name[1024], *wid = NULL, *iid = NULL, *tid = NULL, *rid = NULL, *wkey = NULL, *xkey = NULL,
                     *key = NULL, *skey = NULL, *qkey = NULL, *tkey = NULL, *fkey = NULL;
    files_bg fbg = {0};

    if ((!j->weights && !j->image) || !j->trace || !j->layer)
        return ax_fail(err, AX_EPARAM, "run: weights or image, trace and layer are required");
    if ((rc = sim_config_check(&j->cfg, err)))
        return rc;
    if (j->functional && j->vcd)
        return ax_fail(err, AX_EPARAM,
                       "run: a functional run has no timing to write as VCD "
                       "(hint: drop --vcd or --functional)");
    if (!cache) {
        if ((rc = run_cache_new(0, &own, err)))
            return rc;
        cache = own;
    }
    /* shapes from the headers, before anything is loaded: an image holds
     * int8 weights already (nothing to quantize); a checkpoint's header is
     * checked against the trace before quantizing */
    stage(j, 0, "loading weights");
    const trace_tensor *ti = NULL, *tw = NULL;
    if (j->image) {
        if ((rc = map_image_open(j->image, &img, err)))
            goto done;
        map_image_set_threads(img, j->threads);
        if ((rc = image_layer(j, img, &li, err)))
            goto done;
        win = map_image_layer_at(img, li)->in;
        wout = map_image_layer_at(img, li)->out;
    } else {
        char wn[1100];
        snprintf(wn, sizeof wn, "%s.weight", j->layer);
        if ((rc = trace_open(j->weights, &wf, err)))
            goto done;
        tw = trace_find(wf, wn);
        if (!tw) {
            rc = ax_fail(err, AX_ENOTFOUND,
                         "%s: no tensor '%s' (hint: `axon map --list %s` shows "
                         "the layers)",
                         j->weights, wn, j->weights);
            goto done;
        }
        if (tw->ndim != 2) {
            rc = ax_fail(err, AX_ESHAPE, "%s: '%s' has %d dimensions, expected 2 [out, in]",
                         j->weights, wn, tw->ndim);
            goto done;
        }
        wout = (size_t)tw->shape[0];
        win = (size_t)tw->shape[1];
    }
    if ((rc = trace_open(j->trace, &tf, err)))
        goto done;
    snprintf(name, sizeof name, "%s.input", j->layer);
    ti = trace_find(tf, name);
    if (!ti) {
        rc = ax_fail(err, AX_ENOTFOUND,
                     "%s: no tensor '%s' (hint: record the layer's input, or "
                     "check --layer)",
                     j->trace, name);
        goto done;
    }
    if ((rc = tensor_2d(ti, name, &tokens, &in, err)))
        goto done;
    snprintf(name, sizeof name, "%s.output", j->layer);
    const trace_tensor *to = trace_find(tf, name);
    snprintf(name, sizeof name, "%s.input", j->layer);
    /* a mismatch against an image: its layer's damage, if any, is the error
     * (a run that fits checks the layer when it loads it) */
    if (img &&
        (in != win ||
         (to && to->ndim >= 1 &&
          (to->shape[to->ndim - 1] != (int64_t)wout || trace_numel(to) != tokens * wout))) &&
        (rc = map_image_check_layer(img, li, err)))
        goto done;
    if (in != win) {
        if (tw)
            rc = ax_fail(err, AX_ESHAPE,
                         "%s: '%s' has %zu features but %s.weight in %s is "
                         "[%zu, %zu] (in = %zu) (hint: the weight is [out, in]; check --layer and "
                         "the files)",
                         j->trace, name, in, j->layer, j->weights, wout, win, win);
        else
            rc = ax_fail(err, AX_ESHAPE,
                         "%s: '%s' has %zu features but %s.weight has in = %zu "
                         "(hint: the weight is [out, in])",
                         j->trace, name, in, j->layer, win);
        goto done;
    }
    snprintf(name, sizeof name, "%s.output", j->layer);
    if (to && to->ndim >= 1 &&
        (to->shape[to->ndim - 1] != (int64_t)wout || trace_numel(to) != tokens * wout)) {
        rc = ax_fail(err, AX_ESHAPE,
                     "%s: '%s' does not fit [%zu, %zu] (tokens, out of %s.weight) "
                     "(hint: the recorded output is x * W^T of this layer)",
                     j->trace, name, tokens, wout, j->layer);
        goto done;
    }
    if (to) {
        size_t on = 0, oc = 0;
        if ((rc = tensor_2d(to, name, &on, &oc, err)))
            goto done;
        if (on != tokens || oc != wout) {
            rc = ax_fail(err, AX_ESHAPE,
                         "%s: '%s' is [%zu, %zu], expected [%zu, %zu] (tokens, out)", j->trace,
                         name, on, oc, tokens, wout);
            goto done;
        }
    }

    /* weights: quantized (or read from the image) once per files, layer and group */
    wid = run_file_ident(j->weights);
    iid = run_file_ident(j->image);
    tid = run_file_ident(j->trace);
    rid = run_file_ident(j->ref);
    if (!wid || !iid || !tid || !rid ||
        !(wkey = run_cache_key("W|%s|%s|%s|g%zu", wid, iid, j->layer, j->group)) ||
        !(fkey = run_cache_key("F|%s|%s|%s|%s", wid, tid, iid, rid))) {
        rc = ax_fail(err, AX_ENOMEM, "out of memory");
        goto done;
    }
    if (!prepare) /* the checksums for the config hash, alongside the run */
        files_start(&fbg, j, cache, fkey);
    if (!(we = run_cache_find(cache, wkey))) {
        w_entry *w = calloc(1, sizeof *w);
        if (!w) {
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
            goto done;
        }
        /* the simulator's chunk-major weights, once for a sweep's points:
         * from an image's tiles in the pass that checks them, else
         * transposed from q. Not for one run: the sim builds them while
         * counting, after the image is unmapped (a lower peak) */
        int8_t *rows = NULL;
        if (img && prepare && !j->vcd)
            rc = sim_weights_alloc(wout, win, &w->sw, &rows, err);
        if (!rc)
            rc = img ? load_image(j, img, li, &w->qw, &w->perm, rows, err)
                     : map_qweight_load_par(wf, j->layer, j->group, j->threads, &w->qw, err);
        if (!rc && !img && prepare && !j->vcd)
            rc = sim_weights_new(&w->qw, j->threads, &w->sw, err);
        if (rc) {
            w_drop(w);
            goto done;
        }
        if (!(we = run_cache_put(cache, wkey, w,
                                 w->qw.out * w->qw.in + w->qw.out * w->qw.ngroups * sizeof(float) +
                                     (w->sw ? sim_weights_bytes(w->sw) : 0),
                                 w_drop))) {
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
            goto done;
        }
    }
    const w_entry *W = run_cache_data(we);
    const map_qweight *qw = &W->qw;
    r->unit_scale = qw->unit_scale;
    map_image_free(img); /* the layer is read: unmap the image */
    img = NULL;

    /* counts: once per trace, layer, k, clamp (and the image's permutation) */
    if (!(xkey = run_cache_key("X|%s|%s|k%a|c%d:%d:%d|p%s", tid, j->layer, (double)j->sp.k,
                               j->sp.clamp, (int)j->sp.cmin, (int)j->sp.cmax,
                               W->perm ? wkey : "-"))) {
        rc = ax_fail(err, AX_ENOMEM, "out of memory");
        goto done;
    }
    if (!(xe = run_cache_find(cache, xkey))) {
        x_entry *x = calloc(1, sizeof *x);
        if (!x) {
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
            goto done;
        }
        stage(j, 1, "encoding");
        snprintf(name, sizeof name, "%s.input", j->layer);
        if ((rc = make_counts(j, tf, ti, name, tokens, in, W->perm, x, err))) {
            x_drop(x);
            goto done;
        }
        if (!(xe = run_cache_put(cache, xkey, x, tokens * in * 4 + tokens * 4, x_drop))) {
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
            goto done;
        }
    }
    const x_entry *X = run_cache_data(xe);
    const int32_t *counts = X->counts;
    r->permuted = W->perm != NULL;

    /* events and spike statistics: once per counts, coding and T rule */
    if (!(key = run_cache_key("E|%s|c%d|s%d", xkey, (int)j->coding, j->steps))) {
        rc = ax_fail(err, AX_ENOMEM, "out of memory");
        goto done;
    }
    if (!(ee = run_cache_find(cache, key))) {
        e_entry *e = calloc(1, sizeof *e);
        if (!e || !(e->tok_start = malloc((tokens + 1) * sizeof *e->tok_start))) {
            free(e);
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
            goto done;
        }
        if ((rc = spike_stats_par(j->coding, counts, tokens, in, j->steps, j->threads, &e->spikes,
                                  err)) ||
            (rc = spike_events_par(j->coding, counts, tokens, in, j->steps, j->threads, &e->ev,
                                   &e->nev, e->tok_start, NULL, err))) {
            e_drop(e);
            goto done;
        }
        /* only where runs share the cache (one run keys its sums by tile) */
        e->bound = own ? UINT64_MAX : sim_events_bound(e->ev, e->nev, e->tok_start, tokens);
        if (!(ee = run_cache_put(cache, key, e, e->nev * sizeof *e->ev + tokens * 8, e_drop))) {
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
            goto done;
        }
    }
    const e_entry *E = run_cache_data(ee);
    r->spikes = E->spikes;
    /* the accumulation: once per weights, events, tile and accumulator
     * width, whatever the timing (computed by a sweep's parent); once for
     * every tile and width where no sum can overflow (the exact sum) */
    if (!j->vcd && !(skey = sim_bound_fits(E->bound, j->cfg.acc_bits)
                                ? run_cache_key("S|%s|%s|exact", wkey, key)
                                : run_cache_key("S|%s|%s|t%dx%d|a%d", wkey, key, j->cfg.rows,
                                                j->cfg.cols, j->cfg.acc_bits))) {
        rc = ax_fail(err, AX_ENOMEM, "out of memory");
        goto done;
    }
    if (skey && !(se = run_cache_find(cache, skey)) && prepare &&
        (rc = make_sums(j, cache, skey, W, E, tokens, &se, err)))
        goto done;
    if (prepare) { /* a sweep's parent: the shared parts, and the timing of
                      points that share the accumulation (below) */
        rc = get_ref(cache, wkey, xkey, counts, tokens, qw, NULL, j->threads, NULL, &re, err);
        /* y and its checks of an accumulation that did not overflow, on
         * every core here instead of once per worker */
        if (!rc && se && sim_sums_verdict(run_cache_data(se)) == AX_OK) {
            if (!(qkey = run_cache_key("Q|%s|%s", skey, rid))) {
                rc = ax_fail(err, AX_ENOMEM, "out of memory");
                goto done;
            }
            if (!(qe = run_cache_find(cache, qkey))) {
                run_result t;
                memset(&t, 0, sizeof t);
                t.acc = (int32_t *)sim_sums_acc(run_cache_data(se)); /* read only */
                if (!(t.y = alloc_n(tokens * qw->out, sizeof *t.y))) {
                    rc = ax_fail(err, AX_ENOMEM, "out of memory for y");
                    goto done;
                }
                run_cache_release(cache, re);
                re = NULL;
                rc = checks(j, cache, wkey, xkey, X, qw, tf, to, tokens, qkey, &t, &re, &qe, err);
                free(t.y);
            }
            free(qkey);
            qkey = NULL;
        }
        if (rc || !se || j->functional)
            goto done;
    }
    if (j->vcd) {
        double est = vcd_estimate(j, qw, E->ev, E->nev, tokens, 64);
        if (est > (double)vcd_limit()) {
            rc = ax_fail(err, AX_ERANGE,
                         "%s: the VCD of this run (first 64 cores, stepped event "
                         "by event) would be about %.0f MiB, over the limit of %lld MiB (hint: a "
                         "shorter trace, a smaller layer or larger tiles; `axon cosim --wave` "
                         "dumps a window; AXON_VCD_MAX_MIB raises the limit)",
                         j->vcd, est / (1 << 20), (long long)(vcd_limit() >> 20));
            goto done;
        }
    }
    stage(j, 2, j->vcd ? "simulating (stepped, VCD)" : "simulating");
    /* the timing: once per everything but the clock (sim_timed), where the
     * accumulation is shared too */
    if (se && !j->functional) {
        sim_config kc;
        memcpy(&kc, &j->cfg, sizeof kc);
        kc.clock_mhz = 0;
        char hex[2 * sizeof kc + 1];
        const unsigned char *kb = (const unsigned char *)&kc;
        for (size_t i = 0; i < sizeof kc; i++)
            snprintf(hex + 2 * i, 3, "%02x", kb[i]);
        if (!(tkey = run_cache_key("T|%s|%s", skey, hex))) {
            rc = ax_fail(err, AX_ENOMEM, "out of memory");
            goto done;
        }
        te = run_cache_find(cache, tkey);
    }
    size_t nacc = tokens * qw->out * qw->ngroups;
    if (!te) {
        sim_exec ex;
        sim_exec_default(&ex);
        ex.threads = j->threads;
        if ((rc = sim_new_ex(&j->cfg, qw, E->ev, E->nev, E->tok_start, tokens, &ex, &s, err)))
            goto done;
        if ((W->sw && !j->vcd && (rc = sim_use_weights(s, W->sw, err))) ||
            (se && (rc = sim_use_sums(s, run_cache_data(se), err))))
            goto done;
        if (j->vcd) {
            if ((rc = sim_vcd_open(s, j->vcd, 64, &vcd, err)))
                goto done;
            sim_vcd_limit(vcd, 2 * vcd_limit()); /* the estimate's safety net */
            while (sim_step(s) && !sim_vcd_over(vcd))
                ;
            if (sim_vcd_over(vcd)) {
                rc = sim_vcd_close(vcd, err);
                vcd = NULL;
                goto done;
            }
        }
        rc = j->functional ? sim_run_functional(s, err) : sim_run(s, err);
        if (rc)
            goto done;
        if ((rc = sim_vcd_close(vcd, err))) {
            vcd = NULL;
            goto done;
        }
        vcd = NULL;
        sim_timed *t = NULL;
        if (tkey && !sim_timed_take(s, &t, NULL) && /* best effort: else the next point runs */
            !(te = run_cache_put(cache, tkey, t, sim_timed_bytes(t), t_drop)))
            sim_timed_free(t);
    }
    if (prepare) {
        if (!j->functional) { /* the baselines' activation statistics, for every point */
            power_act_stats acts;
            int with_w = 0;
            if (!(rc = power_table_open(j->tech, j->node_nm, j->vdd_v, &tech, err)) &&
                base_needs_acts(j, tech, &with_w))
                rc = act_stats(cache, wkey, xkey, counts, tokens, qw, j, with_w, &acts, err);
        }
        if (!rc && !(fe = run_cache_find(cache, fkey))) { /* the files' checksums, once */
            run_files *f = malloc(sizeof *f);
            if (!f)
                rc = ax_fail(err, AX_ENOMEM, "out of memory");
            else if ((rc = run_files_of(j, f, err)))
                free(f);
            else if (!(fe = run_cache_put(cache, fkey, f, sizeof *f, plain_drop)))
                rc = ax_fail(err, AX_ENOMEM, "out of memory");
        }
        goto done;
    }
    /* the results: acc taken from the sim (held once, not copied), the
     * report's counters copied; then the sim and the events are freed
     * before y and the reference are allocated, so the peak holds either
     * the simulator's working set or the results, never both */
    /* y and its checks (reference, recorded output, --ref) follow from acc:
     * once per shared accumulation and --ref file; a point that needs no
     * tensors (j->no_tensors, a sweep's) and finds them shared copies none */
    if (se && !(qkey = run_cache_key("Q|%s|%s", skey, rid))) {
        rc = ax_fail(err, AX_ENOMEM, "out of memory");
        goto done;
    }
    if (qkey)
        qe = run_cache_find(cache, qkey);
    int lean = j->no_tensors && !s && qe;
    if (s) {
        sim_get_report(s, &r->sim);
        r->acc = sim_acc_take(s);
    } else {
        sim_timed_report(run_cache_data(te), j->cfg.clock_mhz, &r->sim);
        if (!lean && (r->acc = malloc((nacc ? nacc : 1) * sizeof *r->acc)))
            memcpy(r->acc, sim_sums_acc(run_cache_data(se)), nacc * sizeof *r->acc);
    }
    r->per_core = alloc_n(r->sim.cores, sizeof *r->per_core);
    if ((!lean && !r->acc) || !r->per_core) {
        rc = ax_fail(err, AX_ENOMEM, "out of memory for the results");
        goto done;
    }
    memcpy(r->per_core, r->sim.per_core, r->sim.cores * sizeof *r->per_core);
    r->sim.per_core = r->per_core;
    sim_free(s);
    s = NULL;
    run_cache_release(cache, ee); /* nothing below reads the events */
    ee = NULL;
    if (!lean && !(r->y = alloc_n(tokens * qw->out, sizeof *r->y))) {
        rc = ax_fail(err, AX_ENOMEM, "out of memory for the results");
        goto done;
    }

    stage(j, 3, "reference");
    if (qe) {
        const q_entry *Q = run_cache_data(qe);
        if (!lean)
            memcpy(r->y, Q->y, tokens * qw->out * sizeof *r->y);
        q_copy(r, &Q->res);
    } else if ((rc = checks(j, cache, wkey, xkey, X, qw, tf, to, tokens, qkey, r, &re, &qe, err))) {
        goto done;
    }
    stage(j, 4, "pricing");
    if ((rc = power_table_open(j->tech, j->node_nm, j->vdd_v, &tech, err)))
        goto done;
    if (j->functional) /* nothing to price; the table's version still names the point */
        snprintf(r->power.version, sizeof r->power.version, "%s", power_table_version(tech));
    else if ((j->cfg.dram && (rc = power_table_set_param(tech, "dram_burst_bytes",
                                                         (double)j->cfg.dram_burst_bytes, err))) ||
             (rc = power_price(tech, &j->cfg, &r->sim, j->model, &r->power, err)))
        goto done;
    int base_cal = 0;
    if (base_needs_acts(j, tech, &base_cal)) {
        power_act_stats acts;
        power_base_spec bs = {j->baseline, j->base_lanes, &acts};
        if ((rc = act_stats(cache, wkey, xkey, counts, tokens, qw, j, base_cal, &acts, err)) ||
            (rc = power_baseline_kind(tech, &j->cfg, &r->sim, &bs, &r->power, err)))
            goto done;
    }
    r->sim.per_core = NULL; /* r->per_core holds them */
    r->tokens = tokens;
    r->in = qw->in;
    r->out = qw->out;
    r->ngroups = qw->ngroups;
    r->functional = j->functional;
    {
        /* the database's hash: files by checksum (once per set of files,
         * computed alongside the run when it has threads), every parameter */
        run_files *f = NULL;
        if ((rc = files_join(&fbg, &f, err)))
            goto done;
        if (f || !(fe = run_cache_find(cache, fkey))) {
            if (!f && (!(f = malloc(sizeof *f)) || (rc = run_files_of(j, f, err)))) {
                free(f);
                rc = rc ? rc : ax_fail(err, AX_ENOMEM, "out of memory");
                goto done;
            }
            if (!(fe = run_cache_put(cache, fkey, f, sizeof *f, plain_drop))) {
                rc = ax_fail(err, AX_ENOMEM, "out of memory");
                goto done;
            }
        }
        char *cfgtext = NULL;
        if ((rc = run_config(j, run_cache_data(fe), r->power.version[0] ? r->power.version : NULL,
                             &cfgtext, &r->config_hash, err)))
            goto done;
        free(cfgtext);
    }
done:
    if (fbg.started) { /* an error before the end: the checksums are not needed */
        run_files *f = NULL;
        files_join(&fbg, &f, NULL);
        free(f);
    }
    if (rc) {
        run_result_free(r);
        r->sim.per_core = NULL;
    }
    sim_vcd_abort(vcd);
    sim_free(s);
    power_table_free(tech);
    run_cache_release(cache, fe);
    run_cache_release(cache, qe);
    run_cache_release(cache, te);
    run_cache_release(cache, re);
    run_cache_release(cache, se);
    run_cache_release(cache, ee);
    run_cache_release(cache, xe);
    run_cache_release(cache, we);
    run_cache_free(own);
    free(wid), free(iid), free(tid), free(rid), free(wkey), free(xkey), free(key);
    free(skey), free(qkey), free(tkey), free(fkey);
    map_image_free(img);
    trace_close(tf);
    trace_close(wf);
    return rc;
}
