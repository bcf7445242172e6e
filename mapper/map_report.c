/*
 * One layer through the whole mapper, as `axon map` runs it, with the
 * numbers of its report: quantization error, weight sparsity (exact zeros
 * after quantization), SRAM bytes and utilization per tile, compressed
 * sizes, and with a trace the activation side (silent channels, events per
 * token under a spike coding, DRAM bursts fetched per token with and
 * without channel reordering).
 *
 * Memory: the checkpoint is opened (mmap) for this layer only; float
 * weights are converted and quantized one output row at a time, so the
 * layer's float copy never exists; what is held is the int8 layer (out*in
 * bytes), its scales and one tile. Closing the file unmaps the source
 * pages, so mapping many layers does not accumulate them.
 */
#include "map_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void map_opts_default(map_opts *o)
{
    memset(o, 0, sizeof *o);
    o->burst = 64; /* one DDR4 BL8 burst of a 64-bit channel */
    o->coding = SPIKE_BITWISE_SIGNED;
    o->steps = SPIKE_STEPS_AUTO;
    spike_params_default(&o->sp);
}

/* Quantizes a float weight row by row from the mapping (on o->threads). */
static ax_result quantize_streamed(const trace_file *f, const trace_tensor *t, size_t group,
                                   int threads, map_qweight *qw, double *rel_l2, char **err)
{
    ax_result r = map_quantize_tensor(f, t, group, threads, qw, rel_l2, err);
    if (r)
        ax_err_prefix(err, "%s: '%s'", trace_path(f), t->name);
    return r;
}

/* Counts [tokens][in] of `<layer>.input`: integers as they are, floats
 * through the adaptive threshold (spike_counts). */
static ax_result trace_counts(const trace_file *tr, const char *layer, size_t in, const map_opts *o,
                              int32_t **counts, size_t *tokens, char **err)
{
    char name[1100];
    snprintf(name, sizeof name, "%s.input", layer);
    const trace_tensor *t = trace_find(tr, name);
    if (!t)
        return ax_fail(err, AX_ENOTFOUND,
                       "%s: no tensor '%s' (hint: record the layer's input, "
                       "or leave out --reorder-by)",
                       trace_path(tr), name);
    if (t->ndim != 2 || (size_t)t->shape[1] != in)
        return ax_fail(err, AX_ESHAPE, "%s: '%s' must be [tokens, %zu] for this layer",
                       trace_path(tr), name, in);
    size_t n = (size_t)t->shape[0] * in;
    *tokens = (size_t)t->shape[0];
    *counts = malloc((n ? n : 1) * sizeof **counts);
    if (!*counts)
        return ax_fail(err, AX_ENOMEM, "out of memory for the counts of '%s'", name);
    ax_result r;
    if (trace_dtype_is_int(t->dtype)) {
        r = trace_to_i32(t, *counts, err);
    } else {
        float *x = malloc((n ? n : 1) * sizeof *x);
        r = x ? trace_to_f32(t, x, err) : ax_fail(err, AX_ENOMEM, "out of memory");
        if (!r)
            r = spike_counts(x, *tokens, in, &o->sp, *counts, NULL, err);
        free(x);
    }
    if (r) {
        ax_err_prefix(err, "%s: '%s'", trace_path(tr), name);
        free(*counts);
        *counts = NULL;
    }
    return r;
}

static ax_result trace_side(const trace_file *tr, const char *layer, const map_qweight *qw,
                            const map_tiling *t, const map_opts *o, map_layer_stats *st,
                            uint32_t **perm, char **err)
{
    int32_t *counts = NULL;
    size_t tokens = 0;
    ax_result r = trace_counts(tr, layer, qw->in, o, &counts, &tokens, err);
    if (r)
        return r;
    spike_stats ss;
    if (tokens &&
        (r = spike_stats_compute(o->coding, counts, tokens, qw->in, o->steps, &ss, err))) {
        free(counts);
        return r;
    }
    st->has_trace = 1;
    st->tokens = tokens;
    if (tokens) {
        st->count_zero_fraction = ss.silent_channel_fraction;
        st->dead_channel_fraction = ss.dead_channel_fraction;
        st->act_sparsity = ss.sparsity;
        st->steps = ss.steps;
        st->events_per_token = (double)ss.spikes / (double)tokens;
        st->core_events_per_token = st->events_per_token * (double)t->cb;
    }
    uint64_t fetched = map_layout_bursts(counts, tokens, NULL, t, o->burst, &st->bursts_stored);
    st->bursts_per_token = tokens ? (double)fetched / (double)tokens : 0.0;
    st->bursts_per_token_reordered = st->bursts_per_token;
    if (o->reorder) {
        uint64_t *act = malloc(qw->in * sizeof *act);
        *perm = malloc(qw->in * sizeof **perm);
        if (!act || !*perm) {
            free(act);
            free(counts);
            free(*perm);
            *perm = NULL;
            return ax_fail(err, AX_ENOMEM, "out of memory reordering '%s'", layer);
        }
        map_channel_activity(counts, tokens, qw->in, act);
        map_reorder_perm(act, qw->in, qw->ngroups > 1 ? qw->group : 0, *perm);
        fetched = map_layout_bursts(counts, tokens, *perm, t, o->burst, NULL);
        st->bursts_per_token_reordered = tokens ? (double)fetched / (double)tokens : 0.0;
        st->reordered = 1;
        free(act);
    }
    free(counts);
    return AX_OK;
}

static ax_result tile_side(const map_qweight *qw, const map_tiling *t, const map_layer_place *lp,
                           const map_opts *o, const uint32_t *perm, map_layer_stats *st,
                           map_tile_stats **tiles, char **err)
{
    const size_t R = (size_t)t->R, C = (size_t)t->C;
    int8_t *buf = malloc(R * C);
    map_tile_stats *ts = tiles ? calloc(t->cores, sizeof *ts) : NULL;
    if (!buf || (tiles && !ts)) {
        free(buf);
        free(ts);
        return ax_fail(err, AX_ENOMEM, "out of memory for a %zux%zu tile", R, C);
    }
    st->raw_bytes = t->sram_bytes;
    st->comp_bytes = 0;
    for (size_t r = 0; r < t->rb; r++)
        for (size_t c = 0; c < t->cb; c++) {
            size_t row0, nrows, col0, ncols, z = 0;
            map_tile_extent(t, r, c, &row0, &nrows, &col0, &ncols);
            map_tile_rows_perm(qw, t, r, c, perm, buf);
            for (size_t k = 0; k < nrows; k++)
                for (size_t j = 0; j < ncols; j++)
                    z += buf[k * C + j] == 0;
            uint64_t cb = map_compress_bytes(o->compress, buf, R, C);
            st->comp_bytes += cb;
            if (ts) {
                map_tile_stats *x = &ts[r * t->cb + c];
                x->r = (uint32_t)r;
                x->c = (uint32_t)c;
                x->pos = lp->pos[r * t->cb + c];
                x->rows_used = (uint32_t)nrows;
                x->cols_used = (uint32_t)ncols;
                x->zeros = z;
                x->sram_util = (double)(nrows * ncols) / (double)(R * C);
                x->comp_bytes = cb;
            }
        }
    free(buf);
    if (tiles)
        *tiles = ts;
    return AX_OK;
}

ax_result map_layer_run(const char *wpath, const char *layer, const map_tiling *t,
                        const map_layer_place *lp, const map_opts *o, const trace_file *trace,
                        map_image_writer *img, map_layer_stats *st, map_tile_stats **tiles,
                        char **err)
{
    memset(st, 0, sizeof *st);
    if (tiles)
        *tiles = NULL;
    if (o->burst < 1)
        return ax_fail(err, AX_EPARAM, "--burst must be at least 1 byte");
    trace_file *f = NULL;
    ax_result r = trace_open(wpath, &f, err);
    if (r)
        return r;
    char name[1100];
    snprintf(name, sizeof name, "%s.weight", layer);
    const trace_tensor *w = trace_find(f, name);
    map_qweight qw = {0};
    uint32_t *perm = NULL;
    if (!w) {
        r = ax_fail(err, AX_ENOTFOUND, "%s: no tensor '%s' (hint: `axon map --weights %s --list`)",
                    wpath, name, wpath);
        goto done;
    }
    if (w->ndim != 2 || (size_t)w->shape[0] != t->out || (size_t)w->shape[1] != t->in) {
        r = ax_fail(err, AX_ESHAPE, "%s: '%s' is not the [%zu, %zu] weight the tiling was made for",
                    wpath, name, t->out, t->in);
        goto done;
    }
    st->dtype = trace_dtype_name(w->dtype);
    if (w->dtype == TRACE_I8) {
        r = map_qweight_load_par(f, layer, o->group, o->threads, &qw, err);
        st->unit_scale = qw.unit_scale;
    } else if (trace_dtype_is_int(w->dtype)) {
        r = ax_fail(err, AX_EFORMAT, "%s: '%s' has dtype %s; expected a float or int8 weight",
                    wpath, name, st->dtype);
    } else {
        st->quantized_here = 1;
        r = quantize_streamed(f, w, o->group, o->threads, &qw, &st->quant_rel_l2, err);
    }
    if (r)
        goto done;
    if (qw.group != t->group) {
        r = ax_fail(err, AX_EMISMATCH,
                    "%s: '%s' has weight groups of %zu inputs, the tiling was made "
                    "for %zu (hint: tile with the checkpoint's group size)",
                    wpath, name, qw.group, t->group);
        goto done;
    }
    st->out = qw.out;
    st->in = qw.in;
    st->group = qw.group;
    st->ngroups = qw.ngroups;
    st->t = *t;
    for (size_t k = 0; k < qw.out * qw.in; k++)
        st->zeros += qw.q[k] == 0;
    st->weight_sparsity = (double)st->zeros / (double)t->weights;
    st->sram_util = (double)t->weights / (double)t->sram_bytes;
    st->multicast_hops = lp->multicast_hops;
    st->reduce_hops = lp->reduce_hops;
    st->first_pass = lp->first_pass;
    st->last_pass = lp->last_pass;
    if (trace && (r = trace_side(trace, layer, &qw, t, o, st, &perm, err)))
        goto done;
    if ((r = tile_side(&qw, t, lp, o, perm, st, tiles, err)))
        goto done;
    if (img)
        r = map_image_writer_add(img, layer, &qw, t, lp, perm, err);
done:
    free(perm);
    map_qweight_free(&qw);
    trace_close(f);
    return r;
}
