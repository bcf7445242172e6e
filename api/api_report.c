/*
 * api_report — PRIVATE STAND-IN, to be replaced by run_report_json
 * (run/run_report.c) at merge: the per-layer report object of
 * `axon run --json`, copied from cli/cmd_run_out.c (counters_json,
 * layer_json) so that ax_result_json and ax_result_number give the same
 * fields as the command line (without --per-core).
 */
#include "api_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>

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

cJSON *api_report_json(const run_job *j, const run_result *r)
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
