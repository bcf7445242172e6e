/*
 * axon run, the per-layer loop and its report: finds the layers (every
 * `<layer>.weight` of the weights file whose `<layer>.input` is in the
 * trace), runs each through run_job_exec, prints a human report or the
 * JSON of run_report_json (run/run_report.c: the names of the database,
 * every field with its unit in its name), and writes acc/y. With
 * --ref, the comparison with `axon ref`'s acc (exact) and y sits next to
 * the accuracy and energy, and a differing acc makes the exit code 1.
 * --out holds `<layer>.acc` and `<layer>.y` of every layer run, the names
 * `axon ref` writes, so `axon compare` matches them tensor by tensor.
 * Progress (per layer and stage) goes to stderr; the bar is erased before
 * each report is printed.
 */
#include "cmd.h"
#include "../ax/ax_json.h"
#include "cmd_run_db.h"
#include "cmd_run_int.h"

#include "../traces/trace.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static void print_counters(const sim_counters *c, const char *tu)
{
    printf("  %-38s %16s\n", "counter", "total");
    char k[64];
#define PRINT_COUNT(name, v) printf("  %-38s %16llu\n", #name, (unsigned long long)(v))
#define PRINT_TIME(name, v)                                                                        \
    (snprintf(k, sizeof k, "%s_%s (sum over cores)", #name, tu),                                   \
     printf("  %-38s %16lld\n", k, (long long)(v)))
#define PRINT(name, kind, help) PRINT_##kind(name, c->name);
    SIM_COUNTERS(PRINT)
#undef PRINT
#undef PRINT_TIME
#undef PRINT_COUNT
}

/* The counters of SIM_COUNTERS as numbers, in the list's order. */
static void counter_values(const sim_counters *c, long long v[SIM_NCOUNTERS])
{
    size_t i = 0;
#define VALUE(name, kind, help) v[i++] = (long long)c->name;
    SIM_COUNTERS(VALUE)
#undef VALUE
}

/* One column per counter, headed by its name (times in the run's unit),
 * as wide as its name or its largest value. */
static void print_per_core(const run_result *r)
{
    static const char *const names[] = {
#define NAME(name, kind, help) #name,
        SIM_COUNTERS(NAME)
#undef NAME
    };
    const sim_report *s = &r->sim;
    int w[SIM_NCOUNTERS];
    long long v[SIM_NCOUNTERS];
    char num[32];
    for (size_t i = 0; i < SIM_NCOUNTERS; i++)
        w[i] = (int)strlen(names[i]);
    for (size_t k = 0; k < s->cores; k++) {
        counter_values(&r->per_core[k], v);
        for (size_t i = 0; i < SIM_NCOUNTERS; i++) {
            int n = snprintf(num, sizeof num, "%lld", v[i]);
            if (n > w[i])
                w[i] = n;
        }
    }
    printf("  per core: times in %s\n", s->time_unit);
    printf("  %-12s", "(rb,cb)");
    for (size_t i = 0; i < SIM_NCOUNTERS; i++)
        printf(" %*s", w[i], names[i]);
    printf("\n");
    for (size_t k = 0; k < s->cores; k++) {
        char id[48];
        snprintf(id, sizeof id, "(%zu,%zu)", k / s->col_blocks, k % s->col_blocks);
        printf("  %-12s", id);
        counter_values(&r->per_core[k], v);
        for (size_t i = 0; i < SIM_NCOUNTERS; i++)
            printf(" %*lld", w[i], v[i]);
        printf("\n");
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
    double acts = (double)r->spikes.tokens * (double)r->spikes.channels;
    printf("  spikes %llu = %.4f events per activation (ev/act), firing rate %.4f;\n"
           "  sparsity %.4f of (token, channel, step) slots silent, %.4f of (token, channel) "
           "pairs silent\n",
           (unsigned long long)r->spikes.spikes, acts > 0 ? (double)r->spikes.spikes / acts : 0,
           r->spikes.firing_rate, r->spikes.sparsity, r->spikes.silent_channel_fraction);
    printf("  cores %zu (%zu row-blocks x %zu column blocks of %dx%d, mesh %zux%zu)\n", s->cores,
           s->row_blocks, s->col_blocks, j->cfg.rows, j->cfg.cols, s->mesh_w, s->mesh_h);
    if (!s->timed)
        printf("  timing: not modelled (--functional): no cycles, latency, counters or energy\n");
    else if (s->timing == SIM_SYNC)
        printf("  duration %lld cycles = %.3f ns at %.1f MHz\n", (long long)s->duration,
               s->duration_ns, j->cfg.clock_mhz);
    else
        printf("  duration %lld ps = %.3f ns (async, %d-phase)\n", (long long)s->duration,
               s->duration_ns, (int)j->cfg.handshake);
    if (s->timed) {
        printf("  latency per token %.3f ns mean, %.3f ns max (from time 0), service %.3f ns mean "
               "(from first accept)\n",
               s->latency_ns_per_token, s->max_latency_ns, s->service_latency_ns);
        printf("  layer: fill %.3f ns (token 0 done), interval %.3f ns between tokens, drain %.3f "
               "ns\n",
               s->fill_ns, s->interval_ns, s->drain_ns);
        printf("  throughput %.1f tokens/s\n", s->tokens_per_s);
        print_counters(&s->total, s->time_unit);
        if (j->cfg.row_reuse && s->total.sram_rows_read)
            printf("  row reuse: %llu SRAM row reads for %llu spike events (%.3f bit-plane events "
                   "per row read, batches of %d tokens); adds and shifts are per event\n",
                   (unsigned long long)s->total.sram_rows_read, (unsigned long long)s->total.events,
                   (double)s->total.events / (double)s->total.sram_rows_read, j->cfg.batch_tokens);
        if (per_core)
            print_per_core(r);
    }
    printf("  exact: %s (%zu mismatches vs CPU reference)\n", r->exact ? "true" : "false",
           r->mismatches);
    if (r->has_output)
        printf("  accuracy vs %s.output: cosine %.6f, rel L2 %.6f, max abs %.6g, SNR %.2f dB\n",
               j->layer, r->cosine, r->rel_error, r->max_abs_error, r->snr_db);
    else
        printf("  accuracy: no %s.output in the trace\n", j->layer);
    if (r->has_ref)
        print_ref(j, r);
    if (!s->timed)
        return;
    power_print(stdout, &r->power);
    if (explain)
        power_explain(stdout, &r->power);
}

typedef struct {
    size_t layer, nlayers;
    const char *name;
} run_prog;

/* One bar over layers x stages, labelled with the layer and its stage. */
static void on_stage(void *ctx, const char *stage, int step, int nsteps)
{
    run_prog *p = ctx;
    char label[200];
    snprintf(label, sizeof label, "%s: %s", p->name, stage);
    cmd_progress_label("run", label, p->layer * (size_t)nsteps + (size_t)step,
                       p->nlayers * (size_t)nsteps);
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
    /* layers share what they can (the files' checksums); a layer's weights,
     * counts and reference are its own and larger than the budget, so they
     * go when it is done (the reference is then compared block by block,
     * never held whole: run_cache_keeps) */
    run_cache *cache = NULL;
    run_cache_new((size_t)1 << 20, &cache, NULL);
    cmd_reuse_large_buffers();
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "layers");
    cJSON_AddStringToObject(root, "axon_version", AX_VERSION);
    int rc = CMD_OK, all_exact = 1, ref_same = 1;
    trace_writer *w = NULL;
    if (out && trace_writer_new(&w, &err))
        rc = cmd_fail("run", err), err = NULL;
    run_prog prog = {0, n, NULL};
    j->progress = on_stage;
    j->progress_ctx = &prog;
    for (size_t i = 0; i < n && rc == CMD_OK; i++) {
        j->layer = names[i];
        prog.layer = i;
        prog.name = names[i];
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
        if (res[i].unit_scale) {
            cmd_progress_clear();
            fprintf(stderr,
                    "axon run: note: %s.weight is int8 without %s.weight_scale: a unit "
                    "scale is assumed, so acc is exact and y is in units of the int8 weights "
                    "(hint: store <layer>.weight_scale f32 [out] for real y)\n",
                    names[i], names[i]);
        }
        if (json & 1) {
            cJSON_AddItemToArray(arr, run_report_json(j, &res[i], json & 2));
        } else {
            cmd_progress_clear();
            print_human(j, &res[i], json & 2, json & 4);
            fflush(stdout);
        }
        if (w) {
            char an[1100], yn[1100];
            snprintf(an, sizeof an, "%s.acc", names[i]);
            snprintf(yn, sizeof yn, "%s.y", names[i]);
            int64_t sh[3] = {(int64_t)res[i].tokens, (int64_t)res[i].out, (int64_t)res[i].ngroups};
            if (trace_writer_add(w, an, TRACE_I32, res[i].ngroups > 1 ? 3 : 2, sh, res[i].acc,
                                 &err) ||
                trace_writer_add(w, yn, TRACE_F32, 2, sh, res[i].y, &err)) {
                rc = cmd_fail("run", err);
                err = NULL;
            }
        }
    }
    cmd_progress("run", 1, 1);
    j->progress = NULL;
    j->progress_ctx = NULL;
    if (rc == CMD_OK && w) {
        trace_writer_meta(w, "axon_version", AX_VERSION, NULL);
        trace_writer_meta(w, "producer", "axon run", NULL);
        if (trace_writer_save(w, out, &err))
            rc = cmd_fail("run", err);
        else
            cmd_wrote("run", out);
    }
    if (rc == CMD_OK && j->vcd)
        cmd_wrote("run", j->vcd);
    if (rc == CMD_OK && (json & 1)) {
        cJSON_AddBoolToObject(root, "exact", all_exact);
        if (j->ref)
            cJSON_AddBoolToObject(root, "ref_acc_exact", ref_same);
        char *s = ax_json_print(root, 1);
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
