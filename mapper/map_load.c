/*
 * Loading a layer's weight for the chip: float checkpoints are quantized
 * (map_quant.c) straight from the file mapping, row by row on all cores —
 * never a float copy of the tensor, so memory is the int8 result plus one
 * float row per thread; int8 checkpoints with `<layer>.weight_scale` are
 * taken as they are, after checking shapes and the [-127, 127] range. An
 * int8 weight without a scale gets a unit scale (per channel) and
 * qw->unit_scale = 1, so the commands can say so: acc is unaffected, y is
 * in units of the int8 weights.
 * Every row is quantized by one thread from its own input, so the result is
 * the same for every thread count; a damaged checkpoint reports its first
 * bad element in row order, named weight[row][column].
 */
#include "map_int.h"

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const trace_file *f;
    const trace_tensor *t;
    map_qweight *qw;
    float **row;       /* per worker: one row of floats */
    double *num, *den; /* per row sums for the relative error, or NULL */
    atomic_size_t bad; /* first row that failed, SIZE_MAX if none */
} qt_ctx;

static void quant_rows(void *ctx, size_t b, size_t e, int worker)
{
    qt_ctx *c = ctx;
    map_qweight *qw = c->qw;
    const size_t in = qw->in;
    float *row = c->row[worker];
    for (size_t j = b; j < e; j++) {
        if (j > atomic_load(&c->bad))
            return;
        if (trace_to_f32_range(c->t, j * in, in, row, NULL) ||
            map_quantize_row(row, in, qw->group, qw->ngroups, qw->q + j * in,
                             qw->scale + j * qw->ngroups, NULL)) {
            size_t cur = atomic_load(&c->bad);
            while (j < cur && !atomic_compare_exchange_weak(&c->bad, &cur, j))
                ;
            return;
        }
        if (c->num) {
            const int8_t *q = qw->q + j * in;
            const float *s = qw->scale + j * qw->ngroups;
            double num = 0.0, den = 0.0;
            for (size_t i = 0; i < in; i++) {
                double d = (double)row[i] - (double)s[i / qw->group] * q[i];
                num += d * d;
                den += (double)row[i] * row[i];
            }
            c->num[j] = num;
            c->den[j] = den;
        }
    }
    size_t es = trace_dtype_size(c->t->dtype);
    trace_drop(c->f, c->t, b * in * es, (e - b) * in * es);
}

ax_result map_quantize_tensor(const trace_file *f, const trace_tensor *t, size_t group, int threads,
                              map_qweight *qw, double *rel_l2, char **err)
{
    size_t out = (size_t)t->shape[0], in = (size_t)t->shape[1];
    ax_result r = map_qweight_alloc(qw, out, in, group, err);
    if (r)
        return r;
    size_t grain = ((size_t)1 << 20) / (in * 4 + 1) + 1; /* about 1 MiB of floats a chunk */
    int nw = ax_parallel_workers(threads, out, grain);
    qt_ctx c = {.f = f, .t = t, .qw = qw};
    atomic_init(&c.bad, SIZE_MAX);
    c.row = calloc((size_t)nw, sizeof *c.row);
    if (rel_l2) {
        c.num = malloc(out * sizeof *c.num);
        c.den = malloc(out * sizeof *c.den);
    }
    int ok = c.row && (!rel_l2 || (c.num && c.den));
    for (int k = 0; ok && k < nw; k++)
        ok = (c.row[k] = malloc(in * sizeof(float))) != NULL;
    if (!ok)
        r = ax_fail(err, AX_ENOMEM, "out of memory for rows of %zu weights", in);
    if (!r)
        ax_parallel_for(threads, out, grain, quant_rows, &c);
    size_t j = atomic_load(&c.bad);
    if (!r && j != SIZE_MAX) { /* again on one thread, for the message */
        char *why = NULL;
        r = trace_to_f32_range(t, j * in, in, c.row[0], &why);
        if (r) /* names the element, weight[row][column] */
            ax_fail(err, r, "%s", why ? why : "not finite");
        else {
            r = map_quantize_row(c.row[0], in, qw->group, qw->ngroups, qw->q + j * in,
                                 qw->scale + j * qw->ngroups, &why);
            if (!r)
                r = AX_ERANGE;
            ax_fail(err, r, "row %zu: %s", j, why ? why : "not finite");
        }
        free(why);
    }
    if (!r && rel_l2) { /* per-row sums in row order: the same for every thread count */
        double num = 0.0, den = 0.0;
        for (size_t k = 0; k < out; k++)
            num += c.num[k], den += c.den[k];
        *rel_l2 = den > 0.0 ? sqrt(num / den) : 0.0;
    }
    for (int k = 0; c.row && k < nw; k++)
        free(c.row[k]);
    free(c.row);
    free(c.num);
    free(c.den);
    if (r)
        map_qweight_free(qw);
    return r;
}

ax_result map_qweight_load(const trace_file *f, const char *layer, size_t group, map_qweight *qw,
                           char **err)
{
    return map_qweight_load_par(f, layer, group, 0, qw, err);
}

ax_result map_qweight_load_par(const trace_file *f, const char *layer, size_t group, int threads,
                               map_qweight *qw, char **err)
{
    char name[1024], sname[1024];
    snprintf(name, sizeof name, "%s.weight", layer);
    snprintf(sname, sizeof sname, "%s.weight_scale", layer);
    memset(qw, 0, sizeof *qw);
    const trace_tensor *t = trace_find(f, name);
    if (!t)
        return ax_fail(err, AX_ENOTFOUND,
                       "%s: no tensor '%s' (hint: `axon map --weights %s --list` shows the layers)",
                       trace_path(f), name, trace_path(f));
    if (t->ndim != 2)
        return ax_fail(err, AX_ESHAPE, "%s: '%s' has %d dimensions, expected 2 [out, in]",
                       trace_path(f), name, t->ndim);
    size_t out = (size_t)t->shape[0], in = (size_t)t->shape[1];
    if (t->dtype == TRACE_I8) {
        const trace_tensor *s = trace_find(f, sname);
        if (!s) { /* a unit scale per output channel, and a note by the caller */
            ax_result r = map_qweight_alloc(qw, out, in, 0, err);
            if (r)
                return r;
            memcpy(qw->q, t->data, out * in);
            for (size_t k = 0; k < out * in; k++)
                if (qw->q[k] == -128) {
                    map_qweight_free(qw);
                    return ax_fail(err, AX_ERANGE,
                                   "%s: '%s' element %zu is -128, outside [-127, 127]",
                                   trace_path(f), name, k);
                }
            for (size_t j = 0; j < out; j++)
                qw->scale[j] = 1.0f;
            qw->unit_scale = 1;
            return AX_OK;
        }
        size_t ng = s->ndim == 1 ? 1 : (s->ndim == 2 ? (size_t)s->shape[1] : 0);
        if (ng == 0 || (size_t)s->shape[0] != out || ng > in)
            return ax_fail(err, AX_ESHAPE, "%s: '%s' shape does not fit weight [%zu, %zu]",
                           trace_path(f), sname, out, in);
        size_t g = (in + ng - 1) / ng;
        if ((in + g - 1) / g != ng)
            return ax_fail(err, AX_ESHAPE,
                           "%s: '%s' has %zu groups, which no group size gives for in=%zu",
                           trace_path(f), sname, ng, in);
        ax_result r = map_qweight_alloc(qw, out, in, g, err);
        if (r)
            return r;
        memcpy(qw->q, t->data, out * in);
        for (size_t k = 0; k < out * in; k++)
            if (qw->q[k] == -128) {
                map_qweight_free(qw);
                return ax_fail(err, AX_ERANGE, "%s: '%s' element %zu is -128, outside [-127, 127]",
                               trace_path(f), name, k);
            }
        r = trace_to_f32(s, qw->scale, err);
        if (r)
            map_qweight_free(qw);
        return r;
    }
    if (trace_dtype_is_int(t->dtype))
        return ax_fail(err, AX_EFORMAT, "%s: '%s' has dtype %s; expected a float or int8 weight",
                       trace_path(f), name, trace_dtype_name(t->dtype));
    ax_result r = map_quantize_tensor(f, t, group, threads, qw, NULL, err);
    if (r)
        ax_err_prefix(err, "%s: '%s'", trace_path(f), name);
    return r;
}
