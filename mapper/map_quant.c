/*
 * Symmetric INT8 weight quantization (docs/design.md §2; SpikingBrain's W8 uses
 * per-group scales with G = 128). Half-to-even rounding via rintf under
 * the default rounding mode, never roundf.
 */
#include "map_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void map_qweight_free(map_qweight *qw)
{
    if (!qw)
        return;
    free(qw->q);
    free(qw->scale);
    memset(qw, 0, sizeof *qw);
}

ax_result map_qweight_alloc(map_qweight *qw, size_t out, size_t in, size_t group, char **err)
{
    memset(qw, 0, sizeof *qw);
    if (out == 0 || in == 0)
        return ax_fail(err, AX_ESHAPE, "weight shape [%zu, %zu] is empty (hint: check the tensor)",
                       out, in);
    if (group == 0 || group > in)
        group = in;
    qw->out = out;
    qw->in = in;
    qw->group = group;
    qw->ngroups = (in + group - 1) / group;
    size_t n, ns;
    if (ax_mul_size(out, in, &n) || ax_mul_size(out, qw->ngroups, &ns))
        return ax_fail(err, AX_ESHAPE, "weight shape [%zu, %zu] overflows size_t", out, in);
    qw->q = malloc(n);
    qw->scale = malloc(ns * sizeof(float));
    if (!qw->q || !qw->scale) {
        map_qweight_free(qw);
        return ax_fail(err, AX_ENOMEM, "out of memory for a [%zu, %zu] int8 weight", out, in);
    }
    return AX_OK;
}

ax_result map_quantize_row(const float *row, size_t in, size_t group, size_t ngroups, int8_t *q,
                           float *scales, char **err)
{
    for (size_t g = 0; g < ngroups; g++) {
        size_t lo = g * group, hi = lo + group < in ? lo + group : in;
        float amax = 0.0f;
        for (size_t i = lo; i < hi; i++) {
            if (!isfinite(row[i]))
                return ax_fail(err, AX_ERANGE, "column %zu is %s (hint: the checkpoint is damaged)",
                               i, isnan(row[i]) ? "NaN" : (row[i] > 0 ? "+Inf" : "-Inf"));
            float a = fabsf(row[i]);
            if (a > amax)
                amax = a;
        }
        float scale = amax / 127.0f;
        scales[g] = scale;
        for (size_t i = lo; i < hi; i++) {
            float v = scale > 0.0f ? rintf(row[i] / scale) : 0.0f;
            if (v > 127.0f)
                v = 127.0f;
            if (v < -127.0f)
                v = -127.0f;
            q[i] = (int8_t)v;
        }
    }
    return AX_OK;
}

ax_result map_quantize(const float *w, size_t out, size_t in, size_t group, map_qweight *qw,
                       char **err)
{
    ax_result r = map_qweight_alloc(qw, out, in, group, err);
    if (r)
        return r;
    for (size_t j = 0; j < out; j++) {
        char *why = NULL;
        r = map_quantize_row(w + j * in, in, qw->group, qw->ngroups, qw->q + j * in,
                             qw->scale + j * qw->ngroups, &why);
        if (r) {
            /* "weight[j][i] is NaN": name the element as row and column */
            size_t i = 0;
            if (why)
                sscanf(why, "column %zu", &i);
            free(why);
            map_qweight_free(qw);
            return ax_fail(err, r, "weight[%zu][%zu] is %s (hint: the checkpoint is damaged)", j, i,
                           isnan(w[j * in + i]) ? "NaN" : (w[j * in + i] > 0 ? "+Inf" : "-Inf"));
        }
    }
    return AX_OK;
}

double map_quant_error(const float *w, const map_qweight *qw)
{
    double num = 0.0, den = 0.0;
    for (size_t j = 0; j < qw->out; j++)
        for (size_t i = 0; i < qw->in; i++) {
            double s = qw->scale[j * qw->ngroups + i / qw->group];
            double d = (double)w[j * qw->in + i] - s * qw->q[j * qw->in + i];
            num += d * d;
            den += (double)w[j * qw->in + i] * w[j * qw->in + i];
        }
    return den > 0.0 ? sqrt(num / den) : 0.0;
}
