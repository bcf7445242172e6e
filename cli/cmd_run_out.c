/*
 * axon run, the per-layer loop and its report: finds the layers (every
 * `<layer>.weight` of the weights file whose `<layer>.input` is in the
 * trace), runs each through run_job_exec, prints a human report or JSON
 * (every field carries its unit in its name), and writes acc/y. With
 * --ref, the comparison with `axon ref`'s acc (exact) and y sits next to
 * the accuracy and energy, and a differing acc makes the exit code 1.
 */
#include "cmd.h"
#include "cmd_run_db.h"
#include "cmd_run_int.h"

#include "../traces/trace.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void print_counters(const sim_counters *c, const char *tu)
{
    printf("  %-38s %16s\n", "counter", "total");
    struct { const char *k; unsigned long long v; } rows[] = {
        {"events", c->events}, {"eots", c->eots}, {"sram_words", c->sram_words},
        {"sram_words_skipped", c->sram_words_skipped}, {"adds", c->adds},
        {"adds_gated", c->adds_gated}, {"acc_writes", c->acc_writes},
        {"readout_beats", c->readout_beats}, {"flits", c->flits}, {"flit_hops", c->flit_hops},
        {"handshakes", c->handshakes}, {"reduce_adds", c->reduce_adds},
        {"dram_bursts", c->dram_bursts}, {"dram_bursts_skipped", c->dram_bursts_skipped}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        printf("  %-38s %16llu\n", rows[i].k, rows[i].v);
    char k[64];
    struct { const char *k; long long v; } t[] = {
        {"active", c->active}, {"idle", c->idle}, {"stall_fifo", c->stall_fifo},
        {"stall_readout", c->stall_readout}, {"stall_noc", c->stall_noc},
        {"stall_dram", c->stall_dram}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        snprintf(k, sizeof k, "%s_%s (sum over cores)", t[i].k, tu);
        printf("  %-38s %16lld\n", k, t[i].v);
    }
}

static void print_per_core(const run_result *r)
{
    const sim_report *s = &r->sim;
    const char *tu = s->time_unit;
    printf("  per core: times in %s\n", tu);
    printf("  %-12s %10s %8s %8s %11s %8s %6s %7s %7s %10s %10s %10s %13s %10s\n", "(rb,cb)",
           "events", "words", "skipped", "adds", "gated", "beats", "flits", "hops", "active", "idle",
           "stall_fifo", "stall_readout", "stall_noc");
    for (size_t k = 0; k < s->cores; k++) {
        const sim_counters *c = &r->per_core[k];
        char id[48];
        snprintf(id, sizeof id, "(%zu,%zu)", k / s->col_blocks, k % s->col_blocks);
        printf("  %-12s %10llu %8llu %8llu %11llu %8llu %6llu %7llu %7llu %10lld %10lld %10lld %13lld "
               "%10lld\n", id, (unsigned long long)c->events, (unsigned long long)c->sram_words,
               (unsigned long long)c->sram_words_skipped, (unsigned long long)c->adds,
               (unsigned long long)c->adds_gated, (unsigned long long)c->readout_beats,
               (unsigned long long)c->flits, (unsigned long long)c->flit_hops, (long long)c->active,
               (long long)c->idle, (long long)c->stall_fifo, (long long)c->stall_readout,
               (long long)c->stall_noc);
    }
}

static void print_ref(const run_job *j, const run_result *r)
{
    const gpu_cmp_int *a = &r->ref_acc;
    const gpu_cmp_float *y = &r->ref_y;
    printf("  reference %s: acc %s (%zu of %zu differ, max |diff| %.0f)", j->ref,
           a->mismatches ? "DIFFERS" : "exact", a->mismatches, a->n, a->max_abs_diff);
    if (a->nshow) {
        int64_t sh[3] = {(int64_t)r->tokens, (int64_t)r->out, (int64_t)r->ngroups};
        char at[96];
        gpu_index_str(a->idx[0], r->ngroups > 1 ? 3 : 2, sh, at, sizeof at);
        printf(", first at %s: ref %lld, run %lld", at, (long long)a->a[0], (long long)a->b[0]);
    }
    printf("\n  reference y: cosine %.6f, rel L2 %.6g, max abs %.6g, SNR %.2f dB", y->cosine,
           y->rel_l2, y->max_abs, y->snr_db);
    if (y->nonfinite_a || y->nonfinite_b)
        printf(", non-finite %zu ref / %zu run", y->nonfinite_a, y->nonfinite_b);
    printf("\n");
}

static void print_human(const run_job *j, const run_result *r, int per_core, int explain)
{
    const sim_report *s = &r->sim;
    printf("layer %s\n", j->layer);
    if (j->image)
        printf("  weights from core image %s%s\n", j->image,
               r->permuted ? " (input channels permuted: the trace's counts too)" : "");
    printf("  tokens %zu, in %zu, out %zu, groups %zu, coding %s, T %d steps\n", r->tokens, r->in,
           r->out, r->ngroups, spike_coding_name(j->coding), r->spikes.steps);
    printf("  spikes %llu, firing rate %.4f, sparsity %.4f, silent channels %.4f\n",
           (unsigned long long)r->spikes.spikes, r->spikes.firing_rate, r->spikes.sparsity,
           r->spikes.silent_channel_fraction);
    printf("  cores %zu (%zu row-blocks x %zu column blocks of %dx%d, mesh %zux%zu)\n", s->cores,
           s->row_blocks, s->col_blocks, j->cfg.rows, j->cfg.cols, s->mesh_w, s->mesh_h);
    if (s->timing == SIM_SYNC)
        printf("  duration %lld cycles = %.3f ns at %.1f MHz\n", (long long)s->duration,
               s->duration_ns, j->cfg.clock_mhz);
    else
        printf("  duration %lld ps = %.3f ns (async, %d-phase)\n", (long long)s->duration,
               s->duration_ns, (int)j->cfg.handshake);
    printf("  latency per token %.3f ns mean, %.3f ns max (from time 0), service %.3f ns mean "
           "(from first accept)\n", s->latency_per_token_ns, s->max_latency_ns,
           s->service_latency_ns);
    printf("  layer: fill %.3f ns (token 0 done), interval %.3f ns between tokens, drain %.3f ns\n",
           s->fill_ns, s->interval_ns, s->drain_ns);
    printf("  throughput %.1f tokens/s\n", s->tokens_per_s);
    print_counters(&s->total, s->time_unit);
    if (per_core)
        print_per_core(r);
    printf("  exact: %s (%zu mismatches vs CPU reference)\n", r->exact ? "true" : "false",
           r->mismatches);
    if (r->has_output)
        printf("  accuracy vs %s.output: cosine %.6f, rel L2 %.6f, max abs %.6g, SNR %.2f dB\n",
               j->layer, r->cosine, r->rel_l2, r->max_abs, r->snr_db);
    else
        printf("  accuracy: no %s.output in the trace\n", j->layer);
    if (r->has_ref)
        print_ref(j, r);
    power_print(stdout, &r->power);
    if (explain)
        power_explain(stdout, &r->power);
}

static cJSON *counters_json(const sim_counters *c, const char *tu)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "events", (double)c->events);
    cJSON_AddNumberToObject(o, "eots", (double)c->eots);
    cJSON_AddNumberToObject(o, "sram_words", (double)c->sram_words);
    cJSON_AddNumberToObject(o, "sram_words_skipped", (double)c->sram_words_skipped);
    cJSON_AddNumberToObject(o, "adds", (double)c->adds);
    cJSON_AddNumberToObject(o, "adds_gated", (double)c->adds_gated);
    cJSON_AddNumberToObject(o, "acc_writes", (double)c->acc_writes);
    cJSON_AddNumberToObject(o, "readout_beats", (double)c->readout_beats);
    cJSON_AddNumberToObject(o, "flits", (double)c->flits);
    cJSON_AddNumberToObject(o, "flit_hops", (double)c->flit_hops);
    cJSON_AddNumberToObject(o, "handshakes", (double)c->handshakes);
    cJSON_AddNumberToObject(o, "reduce_adds", (double)c->reduce_adds);
    cJSON_AddNumberToObject(o, "dram_bursts", (double)c->dram_bursts);
    cJSON_AddNumberToObject(o, "dram_bursts_skipped", (double)c->dram_bursts_skipped);
    char k[64];
    struct { const char *k; int64_t v; } t[] = {
        {"active", c->active}, {"idle", c->idle}, {"stall_fifo", c->stall_fifo},
        {"stall_readout", c->stall_readout}, {"stall_noc", c->stall_noc},
        {"stall_dram", c->stall_dram}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        snprintf(k, sizeof k, "%s_%s", t[i].k, tu);
        cJSON_AddNumberToObject(o, k, (double)t[i].v);
    }
    return o;
}

static cJSON *layer_json(const run_job *j, const run_result *r, int per_core)
{
    const sim_report *s = &r->sim;
    cJSON *o = cJSON_CreateObject();
    char hash[32];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)r->config_hash);
    cJSON_AddStringToObject(o, "layer", j->layer);
    cJSON_AddStringToObject(o, "config_hash", hash);
    cJSON_AddNumberToObject(o, "tokens", (double)r->tokens);
    cJSON_AddNumberToObject(o, "in", (double)r->in);
    cJSON_AddNumberToObject(o, "out", (double)r->out);
    cJSON_AddNumberToObject(o, "groups", (double)r->ngroups);
    cJSON_AddStringToObject(o, "coding", spike_coding_name(j->coding));
    cJSON_AddNumberToObject(o, "steps", r->spikes.steps);
    cJSON_AddNumberToObject(o, "spikes", (double)r->spikes.spikes);
    cJSON_AddNumberToObject(o, "firing_rate", r->spikes.firing_rate);
    cJSON_AddNumberToObject(o, "sparsity", r->spikes.sparsity);
    cJSON_AddNumberToObject(o, "silent_channel_fraction", r->spikes.silent_channel_fraction);
    cJSON_AddNumberToObject(o, "cores", (double)s->cores);
    cJSON_AddNumberToObject(o, "row_blocks", (double)s->row_blocks);
    cJSON_AddNumberToObject(o, "col_blocks", (double)s->col_blocks);
    cJSON_AddNumberToObject(o, "mesh_w", (double)s->mesh_w);
    cJSON_AddNumberToObject(o, "mesh_h", (double)s->mesh_h);
    cJSON_AddStringToObject(o, "timing", s->timing == SIM_SYNC ? "sync" : "async");
    if (s->timing == SIM_SYNC) {
        cJSON_AddNumberToObject(o, "clock_mhz", j->cfg.clock_mhz);
        cJSON_AddNumberToObject(o, "duration_cycles", (double)s->duration);
    } else {
        cJSON_AddNumberToObject(o, "handshake_phases", (double)j->cfg.handshake);
        cJSON_AddNumberToObject(o, "duration_ps", (double)s->duration);
    }
    cJSON_AddNumberToObject(o, "duration_ns", s->duration_ns);
    cJSON_AddNumberToObject(o, "latency_per_token_ns", s->latency_per_token_ns);
    cJSON_AddNumberToObject(o, "max_latency_ns", s->max_latency_ns);
    cJSON_AddNumberToObject(o, "fill_ns", s->fill_ns);
    cJSON_AddNumberToObject(o, "interval_ns", s->interval_ns);
    cJSON_AddNumberToObject(o, "service_latency_ns", s->service_latency_ns);
    cJSON_AddNumberToObject(o, "drain_ns", s->drain_ns);
    cJSON_AddNumberToObject(o, "throughput_tokens_per_s", s->tokens_per_s);
    cJSON_AddItemToObject(o, "counters", counters_json(&s->total, s->time_unit));
    if (per_core) {
        cJSON *a = cJSON_AddArrayToObject(o, "per_core");
        for (size_t k = 0; a && k < s->cores; k++) {
            cJSON *c = counters_json(&r->per_core[k], s->time_unit);
            cJSON_AddNumberToObject(c, "row_block", (double)(k / s->col_blocks));
            cJSON_AddNumberToObject(c, "col_block", (double)(k % s->col_blocks));
            cJSON_AddItemToArray(a, c);
        }
    }
    cJSON_AddBoolToObject(o, "exact", r->exact);
    cJSON_AddNumberToObject(o, "mismatches", (double)r->mismatches);
    cJSON_AddBoolToObject(o, "has_output", r->has_output);
    if (r->has_output) {
        cJSON_AddNumberToObject(o, "cosine", r->cosine);
        cJSON_AddNumberToObject(o, "rel_l2", r->rel_l2);
        cJSON_AddNumberToObject(o, "max_abs", r->max_abs);
        if (isfinite(r->snr_db))
            cJSON_AddNumberToObject(o, "snr_db", r->snr_db);
        else
            cJSON_AddNullToObject(o, "snr_db");
    }
    if (j->image) {
        cJSON_AddStringToObject(o, "image", j->image);
        cJSON_AddBoolToObject(o, "permuted", r->permuted);
    }
    if (r->has_ref) {
        cJSON *rf = cJSON_AddObjectToObject(o, "ref");
        const gpu_cmp_float *y = &r->ref_y;
        cJSON_AddStringToObject(rf, "file", j->ref);
        cJSON_AddBoolToObject(rf, "acc_exact", r->ref_acc.mismatches == 0);
        cJSON_AddNumberToObject(rf, "acc_compared", (double)r->ref_acc.n);
        cJSON_AddNumberToObject(rf, "acc_mismatches", (double)r->ref_acc.mismatches);
        cJSON_AddNumberToObject(rf, "acc_max_abs_diff", r->ref_acc.max_abs_diff);
        cJSON_AddNumberToObject(rf, "y_cosine", y->cosine);
        if (isfinite(y->rel_l2)) /* +Inf when the reference is all zero and y is not */
            cJSON_AddNumberToObject(rf, "y_rel_l2", y->rel_l2);
        else
            cJSON_AddNullToObject(rf, "y_rel_l2");
        cJSON_AddNumberToObject(rf, "y_max_abs", y->max_abs);
        if (isfinite(y->snr_db))
            cJSON_AddNumberToObject(rf, "y_snr_db", y->snr_db);
        else
            cJSON_AddNullToObject(rf, "y_snr_db");
        cJSON_AddNumberToObject(rf, "y_nonfinite", (double)(y->nonfinite_a + y->nonfinite_b));
    }
    cJSON *pw = power_report_json(&r->power);
    if (pw)
        cJSON_AddItemToObject(o, "power", pw);
    return o;
}

int cmd_run_layers(run_job *j, const char *out, int json, const char *dbpath)
{
    char *err = NULL, **names = NULL;
    size_t n = 0;
    if (j->layer) {
        names = malloc(sizeof *names);
        names[0] = strdup(j->layer);
        n = 1;
    } else if (run_layers_find(j, &names, &n, &err)) {
        free(names);
        return cmd_fail("run", err);
    }
    if (n > 1 && j->vcd) {
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        return cmd_usage("run", "--vcd needs a single --layer (%zu layers found)", n);
    }
    run_result *res = calloc(n, sizeof *res);
    /* layers share what they can (the files' checksums); a layer's weights
     * and counts are larger than the budget, so they go when it is done */
    run_cache *cache = NULL;
    run_cache_new((size_t)64 << 20, &cache, NULL);
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "layers");
    cJSON_AddStringToObject(root, "axon_version", AX_VERSION);
    int rc = CMD_OK, all_exact = 1, ref_same = 1;
    trace_writer *w = NULL;
    if (out && trace_writer_new(&w, &err))
        rc = cmd_fail("run", err), err = NULL;
    for (size_t i = 0; i < n && rc == CMD_OK; i++) {
        j->layer = names[i];
        cmd_progress("run", i, n);
        if (run_job_exec_cached(j, cache, &res[i], &err)) {
            ax_err_prefix(&err, "layer %s", names[i]);
            rc = cmd_fail("run", err);
            err = NULL;
            break;
        }
        all_exact &= res[i].exact;
        ref_same &= !res[i].has_ref || res[i].ref_acc.mismatches == 0;
        if (dbpath && cmd_run_db_record(dbpath, j, &res[i], &err)) {
            rc = cmd_fail("run", err);
            err = NULL;
            break;
        }
        if (json & 1)
            cJSON_AddItemToArray(arr, layer_json(j, &res[i], json & 2));
        else
            print_human(j, &res[i], json & 2, json & 4);
        if (w) {
            char an[1100], yn[1100];
            snprintf(an, sizeof an, n > 1 ? "%s.acc" : "acc", names[i]);
            snprintf(yn, sizeof yn, n > 1 ? "%s.y" : "y", names[i]);
            int64_t sh[3] = {(int64_t)res[i].tokens, (int64_t)res[i].out, (int64_t)res[i].ngroups};
            if (trace_writer_add(w, an, TRACE_I32, res[i].ngroups > 1 ? 3 : 2, sh, res[i].acc, &err) ||
                trace_writer_add(w, yn, TRACE_F32, 2, sh, res[i].y, &err)) {
                rc = cmd_fail("run", err);
                err = NULL;
            }
        }
    }
    cmd_progress("run", n, n);
    if (rc == CMD_OK && w) {
        trace_writer_meta(w, "axon_version", AX_VERSION, NULL);
        if (trace_writer_save(w, out, &err))
            rc = cmd_fail("run", err);
    }
    if (rc == CMD_OK && (json & 1)) {
        cJSON_AddBoolToObject(root, "exact", all_exact);
        if (j->ref)
            cJSON_AddBoolToObject(root, "ref_acc_exact", ref_same);
        char *s = cJSON_Print(root);
        puts(s);
        free(s);
    }
    trace_writer_free(w);
    run_cache_free(cache);
    cJSON_Delete(root);
    for (size_t i = 0; i < n; i++) {
        run_result_free(&res[i]);
        free(names[i]);
    }
    free(res);
    free(names);
    j->layer = NULL;
    if (rc == CMD_OK && !all_exact) {
        fprintf(stderr, "axon run: acc differs from the CPU reference\n");
        return CMD_FAIL;
    }
    if (rc == CMD_OK && !ref_same) {
        fprintf(stderr, "axon run: acc differs from the reference %s\n", j->ref);
        return CMD_FAIL;
    }
    return rc;
}
