/*
 * Output of `axon map`: a human table (default), JSON (libcjson) or CSV.
 * Every field name carries its unit (bytes, KiB, pct, hops, per_token).
 * Totals are sums over the selected layers, except hops (the longest) and
 * the ratios, which are recomputed from the sums.
 *
 * SRAM pricing comes from power/ (technology tables, docs/design.md §4; cmd_map.c
 * asks it once per run): energy of one 64-bit read of an R*C-byte macro,
 * of one axon row (ceil(8C/64) reads), a core's SRAM and total area. With
 * a trace, `sram_pj_per_token` = events delivered to cores per token x row
 * read energy: an upper estimate that ignores zero-word gating (the
 * simulator counts the words actually read; `axon run` prices those).
 */
#include "cmd.h"
#include "cmd_map_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t weights, zeros, sram, raw, comp, tiles;
    int mc, rd;
    double sram_pj;
    double events, core_events, bursts, bursts_re, zero_pairs, pairs;
    int trace;
} totals;

static void sum(const run_map_sel *sel, totals *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < sel->n; i++) {
        const map_layer_stats *s = &sel->l[i].st;
        t->weights += s->t.weights;
        t->zeros += s->zeros;
        t->sram += s->t.sram_bytes;
        t->raw += s->raw_bytes;
        t->comp += s->comp_bytes;
        t->tiles += s->t.cores;
        t->mc = s->multicast_hops > t->mc ? s->multicast_hops : t->mc;
        t->rd = s->reduce_hops > t->rd ? s->reduce_hops : t->rd;
        if (s->has_trace) {
            t->trace = 1;
            t->events += s->events_per_token;
            t->sram_pj += s->core_events_per_token * sel->price.row_read_pj;
            t->core_events += s->core_events_per_token;
            t->bursts += s->bursts_per_token;
            t->bursts_re += s->bursts_per_token_reordered;
            t->zero_pairs += s->count_zero_fraction * (double)(s->tokens * s->in);
            t->pairs += (double)(s->tokens * s->in);
        }
    }
}

void cmd_map_out_list(const cmd_map_run *cfg, const run_map_sel *sel)
{
    if (cfg->fmt == CMD_MAP_JSON) {
        cJSON *a = cJSON_CreateArray();
        for (size_t i = 0; i < sel->n; i++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "layer", sel->l[i].name);
            cJSON_AddNumberToObject(o, "out", (double)sel->l[i].out);
            cJSON_AddNumberToObject(o, "in", (double)sel->l[i].in);
            cJSON_AddStringToObject(o, "dtype", sel->l[i].dtype);
            cJSON_AddItemToArray(a, o);
        }
        cmd_print_json(a);
        return;
    }
    if (cfg->fmt == CMD_MAP_CSV)
        printf("layer,out,in,dtype\n");
    for (size_t i = 0; i < sel->n; i++)
        printf(cfg->fmt == CMD_MAP_CSV ? "%s,%zu,%zu,%s\n" : "%-48s [%zu, %zu] %s\n",
               sel->l[i].name, sel->l[i].out, sel->l[i].in, sel->l[i].dtype);
}

static cJSON *layer_json(const cmd_map_run *cfg, const run_map_sel *sel, const run_map_layer *L)
{
    const map_layer_stats *s = &L->st;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "layer", L->name);
    cJSON_AddStringToObject(o, "file", L->file);
    cJSON_AddNumberToObject(o, "out", (double)s->out);
    cJSON_AddNumberToObject(o, "in", (double)s->in);
    cJSON_AddStringToObject(o, "dtype", s->dtype);
    cJSON_AddNumberToObject(o, "group", (double)s->group);
    cJSON_AddNumberToObject(o, "row_blocks", (double)s->t.rb);
    cJSON_AddNumberToObject(o, "col_blocks", (double)s->t.cb);
    cJSON_AddNumberToObject(o, "cores", (double)s->t.cores);
    cJSON_AddNumberToObject(o, "first_pass", s->first_pass);
    cJSON_AddNumberToObject(o, "last_pass", s->last_pass);
    cJSON_AddNumberToObject(o, "multicast_hops", s->multicast_hops);
    cJSON_AddNumberToObject(o, "reduce_hops", s->reduce_hops);
    cJSON_AddNumberToObject(o, "weights", (double)s->t.weights);
    cJSON_AddNumberToObject(o, "zero_weights", (double)s->zeros);
    cJSON_AddNumberToObject(o, "weight_sparsity_pct", 100.0 * s->weight_sparsity);
    cJSON_AddNumberToObject(o, "sram_bytes", (double)s->t.sram_bytes);
    cJSON_AddNumberToObject(o, "sram_util_pct", 100.0 * s->sram_util);
    cJSON_AddNumberToObject(o, "sram_area_um2", (double)s->t.cores * sel->price.sram_area_um2);
    if (s->quantized_here)
        cJSON_AddNumberToObject(o, "quant_rel_l2", s->quant_rel_l2);
    else
        cJSON_AddNullToObject(o, "quant_rel_l2");
    if (cfg->o.compress != MAP_COMPRESS_NONE) {
        cJSON_AddStringToObject(o, "compress", map_compress_name(cfg->o.compress));
        cJSON_AddNumberToObject(o, "raw_bytes", (double)s->raw_bytes);
        cJSON_AddNumberToObject(o, "compressed_bytes", (double)s->comp_bytes);
    }
    if (s->has_trace) {
        cJSON_AddNumberToObject(o, "tokens", (double)s->tokens);
        cJSON_AddNumberToObject(o, "zero_count_pct", 100.0 * s->count_zero_fraction);
        cJSON_AddNumberToObject(o, "dead_channel_pct", 100.0 * s->dead_channel_fraction);
        cJSON_AddNumberToObject(o, "activation_sparsity_pct", 100.0 * s->act_sparsity);
        cJSON_AddNumberToObject(o, "steps", s->steps);
        cJSON_AddNumberToObject(o, "events_per_token", s->events_per_token);
        cJSON_AddNumberToObject(o, "core_events_per_token", s->core_events_per_token);
        cJSON_AddNumberToObject(o, "sram_pj_per_token",
                                s->core_events_per_token * sel->price.row_read_pj);
        cJSON_AddNumberToObject(o, "burst_bytes", (double)cfg->o.burst);
        cJSON_AddNumberToObject(o, "bursts_stored", (double)s->bursts_stored);
        cJSON_AddNumberToObject(o, "bursts_per_token", s->bursts_per_token);
        cJSON_AddNumberToObject(o, "bursts_per_token_reordered", s->bursts_per_token_reordered);
        cJSON_AddBoolToObject(o, "reordered", s->reordered);
    }
    if (L->tiles) {
        cJSON *a = cJSON_AddArrayToObject(o, "tiles");
        for (size_t k = 0; k < s->t.cores; k++) {
            const map_tile_stats *x = &L->tiles[k];
            cJSON *t = cJSON_CreateObject();
            cJSON_AddNumberToObject(t, "r", x->r);
            cJSON_AddNumberToObject(t, "c", x->c);
            cJSON_AddNumberToObject(t, "pass", x->pos.pass);
            cJSON_AddNumberToObject(t, "x", x->pos.x);
            cJSON_AddNumberToObject(t, "y", x->pos.y);
            cJSON_AddNumberToObject(t, "rows_used", x->rows_used);
            cJSON_AddNumberToObject(t, "cols_used", x->cols_used);
            cJSON_AddNumberToObject(t, "zero_weights", (double)x->zeros);
            cJSON_AddNumberToObject(t, "weight_sparsity_pct",
                                    100.0 * (double)x->zeros /
                                        ((double)x->rows_used * x->cols_used));
            cJSON_AddNumberToObject(t, "sram_bytes", (double)cfg->R * cfg->C);
            cJSON_AddNumberToObject(t, "sram_util_pct", 100.0 * x->sram_util);
            cJSON_AddNumberToObject(t, "compressed_bytes", (double)x->comp_bytes);
            cJSON_AddItemToArray(a, t);
        }
    }
    return o;
}

static void report_json(const cmd_map_run *cfg, const run_map_sel *sel, const totals *t)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "weights", cfg->weights);
    cJSON_AddNumberToObject(root, "tile_rows", cfg->R);
    cJSON_AddNumberToObject(root, "tile_cols", cfg->C);
    cJSON_AddNumberToObject(root, "mesh_w", cfg->W);
    cJSON_AddNumberToObject(root, "mesh_h", cfg->H);
    cJSON_AddBoolToObject(root, "dram", cfg->dram);
    cJSON *pw = cJSON_AddObjectToObject(root, "sram");
    cJSON_AddStringToObject(pw, "tech", sel->price.version);
    cJSON_AddNumberToObject(pw, "macro_bytes", (double)cfg->R * cfg->C);
    cJSON_AddNumberToObject(pw, "read64_pj", sel->price.read64_pj);
    cJSON_AddNumberToObject(pw, "row_read_pj", sel->price.row_read_pj);
    cJSON_AddNumberToObject(pw, "core_sram_area_um2", sel->price.sram_area_um2);
    cJSON_AddNumberToObject(pw, "core_area_um2", sel->price.core_area_um2);
    cJSON *a = cJSON_AddArrayToObject(root, "layers");
    for (size_t i = 0; i < sel->n; i++)
        cJSON_AddItemToArray(a, layer_json(cfg, sel, &sel->l[i]));
    cJSON *o = cJSON_AddObjectToObject(root, "totals");
    cJSON_AddNumberToObject(o, "layers", (double)sel->n);
    cJSON_AddNumberToObject(o, "tiles", (double)t->tiles);
    cJSON_AddNumberToObject(o, "resident_cores", (double)sel->cores_used);
    cJSON_AddNumberToObject(o, "mesh_cores", (double)cfg->W * cfg->H);
    cJSON_AddNumberToObject(o, "mesh_util_pct",
                            100.0 * (double)sel->cores_used / ((double)cfg->W * cfg->H));
    cJSON_AddNumberToObject(o, "passes", sel->passes);
    cJSON_AddNumberToObject(o, "weights", (double)t->weights);
    cJSON_AddNumberToObject(o, "weight_sparsity_pct",
                            100.0 * (double)t->zeros / (double)t->weights);
    cJSON_AddNumberToObject(o, "sram_bytes", (double)t->sram);
    cJSON_AddNumberToObject(o, "sram_util_pct", 100.0 * (double)t->weights / (double)t->sram);
    cJSON_AddNumberToObject(o, "resident_sram_area_mm2",
                            (double)sel->cores_used * sel->price.sram_area_um2 * 1e-6);
    cJSON_AddNumberToObject(o, "resident_core_area_mm2",
                            (double)sel->cores_used * sel->price.core_area_um2 * 1e-6);
    cJSON_AddNumberToObject(o, "max_multicast_hops", t->mc);
    cJSON_AddNumberToObject(o, "max_reduce_hops", t->rd);
    if (cfg->o.compress != MAP_COMPRESS_NONE) {
        cJSON_AddNumberToObject(o, "raw_bytes", (double)t->raw);
        cJSON_AddNumberToObject(o, "compressed_bytes", (double)t->comp);
    }
    if (t->trace) {
        cJSON_AddStringToObject(o, "coding", spike_coding_name(cfg->o.coding));
        cJSON_AddNumberToObject(o, "zero_count_pct",
                                t->pairs ? 100.0 * t->zero_pairs / t->pairs : 0);
        cJSON_AddNumberToObject(o, "events_per_token", t->events);
        cJSON_AddNumberToObject(o, "core_events_per_token", t->core_events);
        cJSON_AddNumberToObject(o, "sram_pj_per_token", t->sram_pj);
        cJSON_AddNumberToObject(o, "bursts_per_token", t->bursts);
        cJSON_AddNumberToObject(o, "bursts_per_token_reordered", t->bursts_re);
    }
    cJSON_AddNumberToObject(o, "peak_rss_kib", (double)sel->peak_rss_kib);
    cmd_print_json(root);
}

static void report_csv(const cmd_map_run *cfg, const run_map_sel *sel)
{
    if (cfg->tiles) {
        printf("layer,r,c,pass,x,y,rows_used,cols_used,zero_weights,weight_sparsity_pct,sram_bytes,"
               "sram_util_pct,compressed_bytes\n");
        for (size_t i = 0; i < sel->n; i++)
            for (size_t k = 0; sel->l[i].tiles && k < sel->l[i].t.cores; k++) {
                const map_tile_stats *x = &sel->l[i].tiles[k];
                printf("%s,%u,%u,%u,%u,%u,%u,%u,%llu,%.4f,%d,%.3f,%llu\n", sel->l[i].name, x->r,
                       x->c, x->pos.pass, x->pos.x, x->pos.y, x->rows_used, x->cols_used,
                       (unsigned long long)x->zeros,
                       100.0 * (double)x->zeros / ((double)x->rows_used * x->cols_used),
                       cfg->R * cfg->C, 100.0 * x->sram_util, (unsigned long long)x->comp_bytes);
            }
        return;
    }
    printf("layer,out,in,dtype,group,row_blocks,col_blocks,cores,first_pass,last_pass,"
           "multicast_hops,reduce_hops,zero_weights,weight_sparsity_pct,sram_bytes,sram_util_pct,"
           "quant_rel_l2,compressed_bytes,tokens,zero_count_pct,activation_sparsity_pct,"
           "events_per_token,bursts_per_token,bursts_per_token_reordered,sram_area_um2,"
           "sram_pj_per_token\n");
    for (size_t i = 0; i < sel->n; i++) {
        const map_layer_stats *s = &sel->l[i].st;
        printf("%s,%zu,%zu,%s,%zu,%zu,%zu,%zu,%u,%u,%d,%d,%llu,%.4f,%llu,%.4f,", sel->l[i].name,
               s->out, s->in, s->dtype, s->group, s->t.rb, s->t.cb, s->t.cores, s->first_pass,
               s->last_pass, s->multicast_hops, s->reduce_hops, (unsigned long long)s->zeros,
               100.0 * s->weight_sparsity, (unsigned long long)s->t.sram_bytes,
               100.0 * s->sram_util);
        if (s->quantized_here)
            printf("%.6g", s->quant_rel_l2);
        printf(",");
        if (cfg->o.compress != MAP_COMPRESS_NONE)
            printf("%llu", (unsigned long long)s->comp_bytes);
        if (s->has_trace)
            printf(",%zu,%.4f,%.4f,%.4f,%.4f,%.4f,", s->tokens, 100.0 * s->count_zero_fraction,
                   100.0 * s->act_sparsity, s->events_per_token, s->bursts_per_token,
                   s->bursts_per_token_reordered);
        else
            printf(",,,,,,,");
        printf("%.1f,", (double)s->t.cores * sel->price.sram_area_um2);
        if (s->has_trace)
            printf("%.4f", s->core_events_per_token * sel->price.row_read_pj);
        printf("\n");
    }
}

static void report_table(const cmd_map_run *cfg, const run_map_sel *sel, const totals *t)
{
    int cmp = cfg->o.compress != MAP_COMPRESS_NONE;
    printf("tile %dx%d (R axons x C neurons), mesh %dx%d, %s\n\n", cfg->R, cfg->C, cfg->W, cfg->H,
           cfg->dram ? "DRAM streaming on" : "all weights resident");
    printf("%-40s %14s %5s %6s %4s %6s %6s %8s %10s %7s %9s", "layer", "[out, in]", "dtype",
           "cores", "pass", "mc_hop", "rd_hop", "zeros_%", "sram_KiB", "util_%", "q_relL2");
    if (cmp)
        printf(" %10s", "comp_KiB");
    if (t->trace)
        printf(" %7s %7s %10s %10s %10s", "zero_%", "spars_%", "events/tok", "bursts/tok",
               "reord/tok");
    printf("\n");
    for (size_t i = 0; i < sel->n; i++) {
        const map_layer_stats *s = &sel->l[i].st;
        char shape[40], pass[24], q[16];
        snprintf(shape, sizeof shape, "[%zu, %zu]", s->out, s->in);
        snprintf(pass, sizeof pass, s->first_pass == s->last_pass ? "%u" : "%u-%u", s->first_pass,
                 s->last_pass);
        if (s->quantized_here)
            snprintf(q, sizeof q, "%.3g", s->quant_rel_l2);
        else
            snprintf(q, sizeof q, "int8");
        printf("%-40s %14s %5s %6zu %4s %6d %6d %8.3f %10.1f %7.2f %9s", sel->l[i].name, shape,
               s->dtype, s->t.cores, pass, s->multicast_hops, s->reduce_hops,
               100.0 * s->weight_sparsity, (double)s->t.sram_bytes / 1024.0, 100.0 * s->sram_util,
               q);
        if (cmp)
            printf(" %10.1f", (double)s->comp_bytes / 1024.0);
        if (s->has_trace)
            printf(" %7.2f %7.2f %10.1f %10.1f %10.1f", 100.0 * s->count_zero_fraction,
                   100.0 * s->act_sparsity, s->events_per_token, s->bursts_per_token,
                   s->bursts_per_token_reordered);
        printf("\n");
        for (size_t k = 0; sel->l[i].tiles && k < s->t.cores; k++) {
            const map_tile_stats *x = &sel->l[i].tiles[k];
            printf("    tile (%u, %u) at pass %u (%u, %u): %ux%u used, %llu zero weights "
                   "(%.3f %%), SRAM util %.2f %%, %llu bytes%s\n",
                   x->r, x->c, x->pos.pass, x->pos.x, x->pos.y, x->rows_used, x->cols_used,
                   (unsigned long long)x->zeros,
                   100.0 * (double)x->zeros / ((double)x->rows_used * x->cols_used),
                   100.0 * x->sram_util, (unsigned long long)x->comp_bytes,
                   cmp ? " compressed" : " raw");
        }
    }
    printf("\ntotal: %zu layers, %llu tiles, %zu resident cores of %d (mesh util %.2f %%), "
           "%u pass%s\n",
           sel->n, (unsigned long long)t->tiles, sel->cores_used, cfg->W * cfg->H,
           100.0 * (double)sel->cores_used / ((double)cfg->W * cfg->H), sel->passes,
           sel->passes == 1 ? "" : "es");
    printf("       %llu weights, %.3f %% zero after quantization; SRAM %.1f KiB, util %.2f %%; "
           "longest multicast %d hops, reduction %d hops\n",
           (unsigned long long)t->weights, 100.0 * (double)t->zeros / (double)t->weights,
           (double)t->sram / 1024.0, 100.0 * (double)t->weights / (double)t->sram, t->mc, t->rd);
    printf("       SRAM (%s): %.2f pJ per 64-bit read of a %d-byte macro, %.2f pJ per row; "
           "%.1f um2 SRAM, %.1f um2 per core; resident cores %.3f mm2\n",
           sel->price.version, sel->price.read64_pj, cfg->R * cfg->C, sel->price.row_read_pj,
           sel->price.sram_area_um2, sel->price.core_area_um2,
           (double)sel->cores_used * sel->price.core_area_um2 * 1e-6);
    if (cmp)
        printf("       %s: %.1f KiB of %.1f KiB raw (%.3fx, row index included)\n",
               map_compress_name(cfg->o.compress), (double)t->comp / 1024.0,
               (double)t->raw / 1024.0, (double)t->comp / (double)t->raw);
    if (t->trace)
        printf("       trace (%s): %.1f events/token (%.1f delivered to cores, SRAM rows "
               "<= %.1f pJ/token), %.1f bursts/token of %zu bytes (%.1f reordered)\n",
               spike_coding_name(cfg->o.coding), t->events, t->core_events, t->sram_pj, t->bursts,
               cfg->o.burst, t->bursts_re);
    printf("       peak RSS %.1f MiB\n", (double)sel->peak_rss_kib / 1024.0);
}

void cmd_map_out_report(const cmd_map_run *cfg, const run_map_sel *sel)
{
    totals t;
    sum(sel, &t);
    if (cfg->fmt == CMD_MAP_JSON)
        report_json(cfg, sel, &t);
    else if (cfg->fmt == CMD_MAP_CSV)
        report_csv(cfg, sel);
    else
        report_table(cfg, sel, &t);
}
