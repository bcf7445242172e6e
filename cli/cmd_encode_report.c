/*
 * `axon encode` output: the human table (every figure with its unit), one
 * JSON object (--json) and a CSV header + row (--csv). Field names carry
 * their meaning: fractions are in [0, 1], spikes and slots are counts,
 * vth is in the activation's own units.
 */
#include "cmd_encode.h"
#include "../ax/ax_json.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char *steps_mode(int steps)
{
    return steps == SPIKE_STEPS_AUTO ? "auto" : steps == SPIKE_STEPS_TOKEN ? "token" : "fixed";
}

/* vth min/mean/max; hist fractions. */
static void vth_summary(const cmd_encode_result *e, double v[3])
{
    v[0] = INFINITY, v[1] = 0, v[2] = -INFINITY;
    for (size_t i = 0; i < e->tokens; i++) {
        v[0] = fmin(v[0], e->vth[i]);
        v[2] = fmax(v[2], e->vth[i]);
        v[1] += e->vth[i];
    }
    v[1] /= (double)e->tokens;
}

static double hist_frac(const spike_stats *st, int lo, int hi)
{
    uint64_t a = 0;
    for (int b = lo; b <= hi && b < SPIKE_HIST_BINS; b++)
        a += st->hist[b];
    return (double)a / ((double)st->tokens * (double)st->channels);
}

void cmd_encode_print_json(const cmd_encode_opts *o, const cmd_encode_result *e)
{
    const spike_stats *st = &e->st;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "input", o->input);
    cJSON_AddNumberToObject(j, "tokens", (double)st->tokens);
    cJSON_AddNumberToObject(j, "channels", (double)st->channels);
    cJSON_AddStringToObject(j, "coding", spike_coding_name(o->coding));
    cJSON_AddStringToObject(j, "steps_mode", steps_mode(o->steps));
    cJSON_AddNumberToObject(j, "steps", st->steps);
    cJSON_AddNumberToObject(j, "steps_min", st->steps_min);
    cJSON_AddNumberToObject(j, "steps_mean", st->steps_mean);
    cJSON_AddStringToObject(j, "counts_from", e->from_int ? "integer input" : "adaptive threshold");
    if (e->from_int) {
        cJSON_AddNullToObject(j, "k");
        cJSON_AddNullToObject(j, "clamp");
        cJSON_AddNullToObject(j, "vth");
    } else {
        cJSON_AddNumberToObject(j, "k", o->p.k);
        if (o->p.clamp) {
            int lohi[2] = {o->p.cmin, o->p.cmax};
            cJSON_AddItemToObject(j, "clamp", cJSON_CreateIntArray(lohi, 2));
        } else {
            cJSON_AddNullToObject(j, "clamp");
        }
        double v[3];
        vth_summary(e, v);
        /* %.9g round-trips a float32 exactly (cJSON's own printing does
         * not promise that), so min/max are the exact vth values. */
        cJSON *vj = cJSON_AddObjectToObject(j, "vth");
        const char *key[3] = {"min", "mean", "max"};
        for (int i = 0; i < 3; i++) {
            char num[32];
            snprintf(num, sizeof num, "%.9g", i == 1 ? v[i] : (double)(float)v[i]);
            cJSON_AddRawToObject(vj, key[i], num);
        }
    }
    cJSON_AddNumberToObject(j, "spikes", (double)st->spikes);
    cJSON_AddNumberToObject(j, "slots", (double)st->slots);
    cJSON_AddNumberToObject(j, "firing_rate", st->firing_rate);
    cJSON_AddNumberToObject(j, "sparsity", st->sparsity);
    cJSON_AddNumberToObject(j, "silent_channel_fraction", st->silent_channel_fraction);
    cJSON_AddNumberToObject(j, "dead_channel_fraction", st->dead_channel_fraction);
    cJSON_AddNumberToObject(j, "spikes_per_firing_channel", st->spikes_per_firing_channel);
    cJSON_AddNumberToObject(j, "count_min", (double)st->count_min);
    cJSON_AddNumberToObject(j, "count_max", (double)st->count_max);
    cJSON *h = cJSON_AddObjectToObject(j, "abs_count_hist");
    cJSON_AddStringToObject(h, "bins", "|count| = 0, 1, ..., 128, then one bin for > 128");
    cJSON *hb = cJSON_AddArrayToObject(h, "counts");
    for (int b = 0; b < SPIKE_HIST_BINS; b++)
        cJSON_AddItemToArray(hb, cJSON_CreateNumber((double)st->hist[b]));
    cJSON_AddNumberToObject(h, "le7_fraction", hist_frac(st, 0, 7));
    cJSON_AddNumberToObject(h, "gt16_fraction", hist_frac(st, 17, SPIKE_HIST_BINS - 1));
    char *s = ax_json_print(j, 0);
    puts(s ? s : "{}");
    free(s);
    cJSON_Delete(j);
}

void cmd_encode_print_csv(const cmd_encode_opts *o, const cmd_encode_result *e)
{
    const spike_stats *st = &e->st;
    double v[3] = {0, 0, 0};
    char vs[96] = ",,"; /* integer input: no vth, empty fields */
    if (!e->from_int) {
        vth_summary(e, v);
        snprintf(vs, sizeof vs, "%.9g,%.9g,%.9g", v[0], v[1], v[2]);
    }
    printf("tokens,channels,coding,steps_mode,steps,steps_min,spikes,slots,firing_rate,sparsity,"
           "silent_channel_fraction,dead_channel_fraction,spikes_per_firing_channel,count_min,"
           "count_max,vth_min,vth_mean,vth_max\n");
    printf("%zu,%zu,%s,%s,%d,%d,%llu,%llu,%.9g,%.9g,%.9g,%.9g,%.9g,%lld,%lld,%s\n", st->tokens,
           st->channels, spike_coding_name(o->coding), steps_mode(o->steps), st->steps,
           st->steps_min, (unsigned long long)st->spikes, (unsigned long long)st->slots,
           st->firing_rate, st->sparsity, st->silent_channel_fraction, st->dead_channel_fraction,
           st->spikes_per_firing_channel, (long long)st->count_min, (long long)st->count_max, vs);
}

void cmd_encode_print_table(const cmd_encode_opts *o, const cmd_encode_result *e)
{
    const spike_stats *st = &e->st;
    printf("axon encode: %s\n", o->input);
    printf("  %-27s %zu tokens x %zu channels\n", "input", st->tokens, st->channels);
    printf("  %-27s %s\n", "coding", spike_coding_name(o->coding));
    if (o->steps == SPIKE_STEPS_TOKEN)
        printf("  %-27s %d .. %d steps per token (mean %.2f)\n", "steps T (per token)",
               st->steps_min, st->steps, st->steps_mean);
    else
        printf("  %-27s %d steps (%s)\n", "steps T", st->steps, steps_mode(o->steps));
    if (e->from_int) {
        printf("  %-27s integer input, taken as counts\n", "counts from");
    } else {
        double v[3];
        vth_summary(e, v);
        printf("  %-27s adaptive threshold, k = %g\n", "counts from", (double)o->p.k);
        if (o->p.clamp)
            printf("  %-27s [%d, %d] counts\n", "count clamp", (int)o->p.cmin, (int)o->p.cmax);
        else
            printf("  %-27s off\n", "count clamp");
        printf("  %-27s %.6g / %.6g / %.6g (activation units)\n", "vth min / mean / max", v[0],
               v[1], v[2]);
    }
    printf("  %-27s %lld / %lld counts\n", "count min / max", (long long)st->count_min,
           (long long)st->count_max);
    printf("  %-27s %llu spikes\n", "spikes", (unsigned long long)st->spikes);
    printf("  %-27s %llu slots (steps x tokens x channels)\n", "slots",
           (unsigned long long)st->slots);
    printf("  %-27s %.4f %% of slots\n", "firing rate", 100 * st->firing_rate);
    printf("  %-27s %.4f %% of slots\n", "sparsity", 100 * st->sparsity);
    printf("  %-27s %.4f %% of (token, channel) pairs\n", "silent channels",
           100 * st->silent_channel_fraction);
    printf("  %-27s %.4f %% of channels\n", "dead channels", 100 * st->dead_channel_fraction);
    printf("  %-27s %.4f spikes\n", "spikes per firing channel", st->spikes_per_firing_channel);
    printf("  %-27s %.4f %% of counts\n", "|count| in [0, 7]", 100 * hist_frac(st, 0, 7));
    printf("  %-27s %.4f %% of counts\n", "|count| in [8, 16]", 100 * hist_frac(st, 8, 16));
    printf("  %-27s %.4f %% of counts\n", "|count| > 16", 100 * hist_frac(st, 17, 999));
}
