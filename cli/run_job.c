/*
 * One run of a layer (cli/run_job.h): weights → INT8 (mapper), trace input →
 * spike counts (adaptive threshold, DESIGN §2) → events in the chosen coding
 * → the chip simulation (sim/) → acc checked bit for bit against the CPU
 * reference (gpu_ref_cpu) → y = vth · Σ_g scale · acc (gpu_dequant) → when the
 * trace holds `<layer>.output`, accuracy of y against it (cosine, relative
 * L2, max abs, SNR in dB; recorded outputs are x · Wᵀ without the bias).
 * Traces holding integer inputs are taken as spike counts already (vth = 1). Used by `axon run` and every point of a sweep.
 * The counted actions are then priced by power/ (power_price, the technology
 * table j->tech scaled to j->node_nm / j->vdd_v) into r->power.
 */
#include "run_job.h"

#include "../gpu/gpu.h"
#include "../mapper/map.h"
#include "../traces/trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void run_job_default(run_job *j)
{
    memset(j, 0, sizeof *j);
    sim_config_default(&j->cfg);
    j->coding = SPIKE_BITWISE_SIGNED;
    spike_params_default(&j->sp);
    j->steps = SPIKE_STEPS_AUTO;
    j->group = 0;
    j->model = POWER_REALISTIC;
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

static uint64_t job_hash(const run_job *j)
{
    const sim_config *c = &j->cfg;
    int64_t v[] = {c->rows, c->cols, c->lanes, c->sram_latency, c->fifo_depth, c->acc_bits,
                   c->readout_bits, c->double_buffer, c->zero_gating, c->timing,
                   (int64_t)llround(c->clock_mhz * 1e6), c->handshake, c->t_req_ps, c->t_ack_ps,
                   c->t_decode_ps, c->t_sram_ps, c->t_add_ps, c->t_readout_ps, c->mesh_w, c->mesh_h,
                   c->hop_cycles, c->hop_ps, c->link_bits, j->coding, (int64_t)llround(j->sp.k * 1e6),
                   j->sp.clamp, j->sp.cmin, j->sp.cmax, j->steps, (int64_t)j->group, j->model,
                   j->node_nm, (int64_t)llround(j->vdd_v * 1e6), c->dram, c->dram_burst_bytes,
                   c->dram_bytes_per_cycle, c->dram_latency, c->dram_burst_ps, c->dram_latency_ps};
    uint64_t h = ax_fnv1a(v, sizeof v, AX_FNV_SEED);
    const char *s[] = {j->layer ? j->layer : "", j->tech ? j->tech : ""};
    for (size_t i = 0; i < 2; i++)
        h = ax_fnv1a(s[i], strlen(s[i]) + 1, h);
    return h;
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
    r->rel_l2 = rr > 0 ? sqrt(ee / rr) : sqrt(ee);
    r->max_abs = mx;
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

ax_result run_job_exec(const run_job *j, run_result *r, char **err)
{
    memset(r, 0, sizeof *r);
    ax_result rc;
    trace_file *wf = NULL, *tf = NULL;
    map_qweight qw = {0};
    float *x = NULL, *vth = NULL, *outref = NULL;
    int32_t *counts = NULL, *ref = NULL;
    spike_event *ev = NULL;
    size_t *tok_start = NULL, nev = 0, tokens = 0, in = 0;
    sim *s = NULL;
    sim_vcd *vcd = NULL;
    power_table *tech = NULL;
    char name[1024];

    if (!j->weights || !j->trace || !j->layer)
        return ax_fail(err, AX_EPARAM, "run: weights, trace and layer are required");
    if ((rc = sim_config_check(&j->cfg, err)))
        return rc;
    if ((rc = trace_open(j->weights, &wf, err)))
        goto done;
    if ((rc = map_qweight_load(wf, j->layer, j->group, &qw, err)))
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
    if ((rc = spike_stats_compute(j->coding, counts, tokens, in, j->steps, &r->spikes, err)) ||
        (rc = spike_events(j->coding, counts, tokens, in, j->steps, &ev, &nev, tok_start, NULL, err)))
        goto done;
    if ((rc = sim_new(&j->cfg, &qw, ev, nev, tok_start, tokens, &s, err)))
        goto done;
    if (j->vcd && (rc = sim_vcd_open(s, j->vcd, 64, &vcd, err)))
        goto done;
    rc = sim_run(s, err);
    ax_result rv = sim_vcd_close(vcd, rc ? NULL : err);
    vcd = NULL;
    if (rc || (rc = rv))
        goto done;

    size_t nacc = tokens * qw.out * qw.ngroups;
    r->acc = malloc((nacc ? nacc : 1) * sizeof *r->acc);
    r->y = alloc_n(tokens * qw.out, sizeof *r->y);
    ref = malloc((nacc ? nacc : 1) * sizeof *ref);
    if (!r->acc || !r->y || !ref) {
        rc = ax_fail(err, AX_ENOMEM, "out of memory for the results");
        goto done;
    }
    memcpy(r->acc, sim_acc(s), nacc * sizeof *r->acc);
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
    sim_get_report(s, &r->sim);
    if ((rc = power_table_open(j->tech, j->node_nm, j->vdd_v, &tech, err)) ||
        (j->cfg.dram && (rc = power_table_set_param(tech, "dram_burst_bytes",
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
    r->config_hash = job_hash(j);
done:
    if (rc)
        run_result_free(r);
    sim_vcd_close(vcd, NULL);
    sim_free(s);
    power_table_free(tech);
    free(ev);
    free(tok_start);
    free(counts);
    free(vth);
    free(x);
    free(ref);
    free(outref);
    map_qweight_free(&qw);
    trace_close(tf);
    trace_close(wf);
    return rc;
}
