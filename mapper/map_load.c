/*
 * Loading a layer's weight for the chip: float checkpoints are quantized
 * (map_quant.c), int8 checkpoints with `<layer>.weight_scale` are taken as
 * they are, after checking shapes and the [-127, 127] range. An int8
 * weight without a scale gets a unit scale (per channel) and
 * qw->unit_scale = 1, so the commands can say so: acc is unaffected, y is
 * in units of the int8 weights.
 */
#include "map_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ax_result map_qweight_load(const trace_file *f, const char *layer, size_t group, map_qweight *qw,
                           char **err)
{
    char name[1024], sname[1024];
    snprintf(name, sizeof name, "%s.weight", layer);
    snprintf(sname, sizeof sname, "%s.weight_scale", layer);
    memset(qw, 0, sizeof *qw);
    const trace_tensor *t = trace_find(f, name);
    if (!t)
        return ax_fail(err, AX_ENOTFOUND, "%s: no tensor '%s' (hint: `axon map --weights %s --list` shows the layers)",
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
                    return ax_fail(err, AX_ERANGE, "%s: '%s' element %zu is -128, outside [-127, 127]",
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
    size_t n = out * in;
    float *w = malloc(n * sizeof(float));
    if (!w)
        return ax_fail(err, AX_ENOMEM, "out of memory converting '%s'", name);
    ax_result r = trace_to_f32(t, w, err);
    if (!r)
        r = map_quantize(w, out, in, group, qw, err);
    if (r)
        ax_err_prefix(err, "%s: '%s'", trace_path(f), name);
    free(w);
    return r;
}
