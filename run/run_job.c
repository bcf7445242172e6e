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
#include "run.h"

#include "../gpu/gpu.h"
#include "../mapper/map.h"
#include "../traces/trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Accuracy of y against the recorded output (both [n]). */
static void accuracy(const float *y, const float *ref, size_t n, run_result *r)
{
    double dot = 0, yy = 0, rr = 0, ee = 0, mx = 0;
    for (size_t i = 0; i < n; i++) {
        double a = y[i], b = ref[i], e = a - b;
        dot += a * b;
        yy += a * a;
        rr += b * b;
        ee += e * e;
        mx = fabs(e) > mx ? fabs(e) : mx;
    }
    r->cosine = yy > 0 && rr > 0 ? dot / sqrt(yy * rr) : (yy == rr ? 1.0 : 0.0);
    r->rel_error = rr > 0 ? sqrt(ee / rr) : sqrt(ee);
    r->max_abs_error = mx;
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

/* The layer's weights from the core image (core order, *perm set when the
 * image permuted its inputs); with j->weights too, the image must hold
 * exactly the checkpoint's quantization (same group, same int8 and scales). */
static ax_result load_image(const run_job *j, map_qweight *qw, uint32_t **perm, char **err)
{
    map_image *img = NULL;
    map_qweight ck = {0}, orig = {0};
    trace_file *wf = NULL;
    ax_result rc = map_image_open(j->image, &img, err);
    if (rc)
        return rc;
    int R, C;
    map_image_tile(img, &R, &C, NULL, NULL);
    long li = map_image_find(img, j->layer);
    const map_image_layer *L = li >= 0 ? map_image_layer_at(img, (size_t)li) : NULL;
    if (!L) {
        rc = ax_fail(err, AX_ENOTFOUND, "%s: no layer '%s' in the core image (hint: "
                     "'axon map --read-image %s' lists its layers)", j->image, j->layer, j->image);
        goto done;
    }
    if (R != j->cfg.rows || C != j->cfg.cols) {
        rc = ax_fail(err, AX_EPARAM, "%s: the image is mapped on %dx%d tiles but the run asks "
                     "for %dx%d (hint: leave --tile out to use the image's)", j->image, R, C,
                     j->cfg.rows, j->cfg.cols);
        goto done;
    }
    if (j->group && j->group != L->group) {
        rc = ax_fail(err, AX_EPARAM, "%s: layer '%s' has weight group %zu in the image, the run "
                     "asks for %zu (hint: leave --group out to use the image's)", j->image,
                     j->layer, L->group, j->group);
        goto done;
    }
    if ((rc = map_image_load_layer(img, (size_t)li, 0, qw, perm, err)))
        goto done;
    if (j->weights) {
        if ((rc = trace_open(j->weights, &wf, err)) ||
            (rc = map_qweight_load(wf, j->layer, L->group == L->in ? 0 : L->group, &ck, err)) ||
            (rc = map_image_load_layer(img, (size_t)li, 1, &orig, NULL, err)))
            goto done;
        if (ck.out != orig.out || ck.in != orig.in || ck.ngroups != orig.ngroups ||
            memcmp(ck.q, orig.q, ck.out * ck.in) ||
            memcmp(ck.scale, orig.scale, ck.out * ck.ngroups * sizeof *ck.scale))
            rc = ax_fail(err, AX_EMISMATCH, "%s: layer '%s' of the image differs from the "
                         "quantized %s (hint: the image was mapped from another checkpoint, or "
                         "with another --group; give only --image)", j->image, j->layer,
                         j->weights);
    }
done:
    map_qweight_free(&ck);
    map_qweight_free(&orig);
    trace_close(wf);
    map_image_free(img);
    return rc;
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
        rc = ax_fail(err, AX_ENOTFOUND, "%s: no tensor '%s.%s' or '%s' (hint: write it with "
                     "'axon ref --layer %s')", j->ref, j->layer, ta ? "y" : "acc", ta ? "y" : "acc",
                     j->layer);
        goto done;
    }
    if (!trace_dtype_is_int(ta->dtype) || trace_numel(ta) != nacc || ta->ndim < 2 ||
        (size_t)ta->shape[0] != tokens || (size_t)ta->shape[1] != out) {
        rc = ax_fail(err, AX_ESHAPE, "%s: '%s' is not an integer [%zu, %zu%s] tensor (hint: the "
                     "reference must be of the same trace, layer and --group)", j->ref, an, tokens,
                     out, ngroups > 1 ? ", groups" : "");
        goto done;
    }
    if (trace_numel(ty) != ny || ty->ndim != 2 || (size_t)ty->shape[0] != tokens) {
        rc = ax_fail(err, AX_ESHAPE, "%s: '%s' is not [%zu, %zu] (hint: the reference must be "
                     "of the same trace and layer)", j->ref, yn, tokens, out);
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

ax_result run_job_exec(const run_job *j, run_result *r, char **err)
{
    memset(r, 0, sizeof *r);
    ax_result rc;
    trace_file *wf = NULL, *tf = NULL;
    map_qweight qw = {0};
    float *x = NULL, *vth = NULL, *outref = NULL;
    int32_t *counts = NULL, *ref = NULL;
    uint32_t *perm = NULL;
    spike_event *ev = NULL;
    size_t *tok_start = NULL, nev = 0, tokens = 0, in = 0;
    sim *s = NULL;
    sim_vcd *vcd = NULL;
    power_table *tech = NULL;
    char name[1024];

    if ((!j->weights && !j->image) || !j->trace || !j->layer)
        return ax_fail(err, AX_EPARAM, "run: weights or image, trace and layer are required");
    if ((rc = sim_config_check(&j->cfg, err)))
        return rc;
    if (j->functional && j->vcd)
        return ax_fail(err, AX_EPARAM, "run: a functional run has no timing to write as VCD "
                       "(hint: drop --vcd or --functional)");
    /* an image holds int8 weights already (nothing to quantize); a
     * checkpoint's header is checked against the trace before quantizing */
    stage(j, 0, "loading weights");
    if (j->image && (rc = load_image(j, &qw, &perm, err)))
        goto done;
    if ((rc = trace_open(j->trace, &tf, err)))
        goto done;
    snprintf(name, sizeof name, "%s.input", j->layer);
    const trace_tensor *ti = trace_find(tf, name);
    if (!ti) {
        rc = ax_fail(err, AX_ENOTFOUND, "%s: no tensor '%s' (hint: record the layer's input, or "
                     "check --layer)", j->trace, name);
        goto done;
    }
    if ((rc = tensor_2d(ti, name, &tokens, &in, err)))
        goto done;
    if (!j->image) {
        if ((rc = trace_open(j->weights, &wf, err)))
            goto done;
        char wn[1100];
        snprintf(wn, sizeof wn, "%s.weight", j->layer);
        const trace_tensor *tw = trace_find(wf, wn);
        if (tw && tw->ndim == 2 && (size_t)tw->shape[1] != in) {
            rc = ax_fail(err, AX_ESHAPE, "%s: '%s' has %zu features but %s in %s is [%lld, %lld] "
                         "(in = %lld) (hint: the weight is [out, in]; check --layer and the "
                         "files)", j->trace, name, in, wn, j->weights, (long long)tw->shape[0],
                         (long long)tw->shape[1], (long long)tw->shape[1]);
            goto done;
        }
        char on_[1100];
        snprintf(on_, sizeof on_, "%s.output", j->layer);
        const trace_tensor *to0 = trace_find(tf, on_);
        if (tw && tw->ndim == 2 && to0 && to0->ndim >= 1 &&
            (to0->shape[to0->ndim - 1] != tw->shape[0] ||
             trace_numel(to0) != tokens * (size_t)tw->shape[0])) {
            rc = ax_fail(err, AX_ESHAPE, "%s: '%s' does not fit [%zu, %lld] (tokens, out of %s) "
                         "(hint: the recorded output is x * W^T of this layer)", j->trace, on_,
                         tokens, (long long)tw->shape[0], wn);
            goto done;
        }
        if ((rc = map_qweight_load(wf, j->layer, j->group, &qw, err)))
            goto done;
    }
    r->unit_scale = qw.unit_scale;
    if (in != qw.in) {
        rc = ax_fail(err, AX_ESHAPE, "%s: '%s' has %zu features but %s.weight has in = %zu "
                     "(hint: the weight is [out, in])", j->trace, name, in, j->layer, qw.in);
        goto done;
    }
    counts = alloc_n(tokens * in, sizeof *counts);
    vth = malloc((tokens ? tokens : 1) * sizeof *vth);
    tok_start = malloc((tokens + 1) * sizeof *tok_start);
    if (!counts || !vth || !tok_start) {
        rc = ax_fail(err, AX_ENOMEM, "out of memory for %zu x %zu counts", tokens, in);
        goto done;
    }
    stage(j, 1, "encoding");
    if (trace_dtype_is_int(ti->dtype)) {
        if ((rc = trace_to_i32(ti, counts, err)))
            goto done;
        for (size_t n = 0; n < tokens; n++)
            vth[n] = 1.0f; /* integer traces are spike counts already */
    } else {
        x = alloc_n(tokens * in, sizeof *x);
        if (!x) {
            rc = ax_fail(err, AX_ENOMEM, "out of memory for the input");
            goto done;
        }
        if ((rc = trace_to_f32(ti, x, err)) ||
            (rc = spike_counts(x, tokens, in, &j->sp, counts, vth, err))) {
            ax_err_prefix(err, "%s: %s", j->trace, name);
            goto done;
        }
    }
    if (perm) { /* the image's core order: the same permutation as its weight rows */
        int32_t *pc = alloc_n(tokens * in, sizeof *pc);
        if (!pc) {
            rc = ax_fail(err, AX_ENOMEM, "out of memory for %zu x %zu counts", tokens, in);
            goto done;
        }
        map_counts_permute(counts, tokens, in, perm, pc);
        free(counts);
        counts = pc;
        r->permuted = 1;
    }
    if ((rc = spike_stats_compute(j->coding, counts, tokens, in, j->steps, &r->spikes, err)) ||
        (rc = spike_events(j->coding, counts, tokens, in, j->steps, &ev, &nev, tok_start, NULL, err)))
        goto done;
    if (j->vcd) {
        double est = vcd_estimate(j, &qw, ev, nev, tokens, 64);
        if (est > (double)vcd_limit()) {
            rc = ax_fail(err, AX_ERANGE, "%s: the VCD of this run (first 64 cores, stepped event "
                         "by event) would be about %.0f MiB, over the limit of %lld MiB (hint: a "
                         "shorter trace, a smaller layer or larger tiles; `axon cosim --wave` "
                         "dumps a window; AXON_VCD_MAX_MIB raises the limit)", j->vcd,
                         est / (1 << 20), (long long)(vcd_limit() >> 20));
            goto done;
        }
    }
    stage(j, 2, j->vcd ? "simulating (stepped, VCD)" : "simulating");
    if ((rc = sim_new(&j->cfg, &qw, ev, nev, tok_start, tokens, &s, err)))
        goto done;
    sim_exec ex;
    sim_exec_default(&ex);
    ex.threads = j->threads;
    sim_set_exec(s, &ex);
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

    size_t nacc = tokens * qw.out * qw.ngroups;
    r->acc = malloc((nacc ? nacc : 1) * sizeof *r->acc);
    r->y = alloc_n(tokens * qw.out, sizeof *r->y);
    ref = malloc((nacc ? nacc : 1) * sizeof *ref);
    if (!r->acc || !r->y || !ref) {
        rc = ax_fail(err, AX_ENOMEM, "out of memory for the results");
        goto done;
    }
    memcpy(r->acc, sim_acc(s), nacc * sizeof *r->acc);
    stage(j, 3, "reference");
    if ((rc = gpu_ref_cpu(counts, tokens, &qw, ref, err)))
        goto done;
    for (size_t i = 0; i < nacc; i++)
        r->mismatches += r->acc[i] != ref[i];
    r->exact = r->mismatches == 0;
    gpu_dequant(r->acc, vth, tokens, &qw, r->y);
    snprintf(name, sizeof name, "%s.output", j->layer);
    const trace_tensor *to = trace_find(tf, name);
    if (to) {
        size_t on = 0, oc = 0;
        if ((rc = tensor_2d(to, name, &on, &oc, err)))
            goto done;
        if (on != tokens || oc != qw.out) {
            rc = ax_fail(err, AX_ESHAPE, "%s: '%s' is [%zu, %zu], expected [%zu, %zu] (tokens, out)",
                         j->trace, name, on, oc, tokens, qw.out);
            goto done;
        }
        outref = alloc_n(on * oc, sizeof *outref);
        if (!outref) {
            rc = ax_fail(err, AX_ENOMEM, "out of memory for the recorded output");
            goto done;
        }
        if ((rc = trace_to_f32(to, outref, err)))
            goto done;
        r->has_output = 1;
        /* axon's convention (docs/traces.md): `<layer>.output` = x · Wᵀ
         * without the bias, as traces/record.py and make traces-real write
         * it, so y compares with it directly */
        accuracy(r->y, outref, on * oc, r);
    }
    if (j->ref && (rc = compare_ref(j, r, tokens, qw.out, qw.ngroups, err)))
        goto done;
    sim_get_report(s, &r->sim);
    stage(j, 4, "pricing");
    if ((rc = power_table_open(j->tech, j->node_nm, j->vdd_v, &tech, err)))
        goto done;
    if (j->functional) /* nothing to price; the table's version still names the point */
        snprintf(r->power.version, sizeof r->power.version, "%s", power_table_version(tech));
    else if ((j->cfg.dram && (rc = power_table_set_param(tech, "dram_burst_bytes",
                                                    (double)j->cfg.dram_burst_bytes, err))) ||
        (rc = power_price(tech, &j->cfg, &r->sim, j->model, &r->power, err)))
        goto done;
    r->per_core = alloc_n(r->sim.cores, sizeof *r->per_core);
    if (!r->per_core) {
        rc = ax_fail(err, AX_ENOMEM, "out of memory for %zu core counters", r->sim.cores);
        goto done;
    }
    memcpy(r->per_core, r->sim.per_core, r->sim.cores * sizeof *r->per_core);
    r->sim.per_core = NULL;
    r->tokens = tokens;
    r->in = qw.in;
    r->out = qw.out;
    r->ngroups = qw.ngroups;
    r->functional = j->functional;
    {
        char *cfgtext = NULL; /* the database's hash: files by checksum, every parameter */
        if ((rc = run_config(j, NULL, r->power.version[0] ? r->power.version : NULL, &cfgtext,
                             &r->config_hash, err)))
            goto done;
        free(cfgtext);
    }
done:
    if (rc)
        run_result_free(r);
    sim_vcd_abort(vcd);
    sim_free(s);
    power_table_free(tech);
    free(ev);
    free(tok_start);
    free(counts);
    free(vth);
    free(x);
    free(ref);
    free(outref);
    free(perm);
    map_qweight_free(&qw);
    trace_close(tf);
    trace_close(wf);
    return rc;
}
