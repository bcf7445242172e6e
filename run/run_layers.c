/*
 * run_layers — which layers a run covers when no --layer names one: every
 * `<layer>.weight` of the weights file whose `<layer>.input` is in the
 * trace, or, with a core image, every image layer whose input is in the
 * trace (run_image_layers).
 */
#include "run.h"

#include "../traces/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ax_result run_layers_find(const run_job *j, char ***names, size_t *n, char **err)
{
    if (j->image)
        return run_image_layers(j, names, n, err);
    trace_file *wf = NULL, *tf = NULL;
    ax_result rc = trace_open(j->weights, &wf, err);
    if (rc || (rc = trace_open(j->trace, &tf, err))) {
        trace_close(wf);
        return rc;
    }
    size_t cnt = trace_count(wf);
    *names = calloc(cnt ? cnt : 1, sizeof **names);
    *n = 0;
    for (size_t i = 0; i < cnt && *names; i++) {
        const char *nm = trace_at(wf, i)->name;
        size_t len = strlen(nm);
        if (len <= 7 || strcmp(nm + len - 7, ".weight"))
            continue;
        char *layer = strndup(nm, len - 7), inp[1024];
        snprintf(inp, sizeof inp, "%s.input", layer);
        if (trace_find(tf, inp))
            (*names)[(*n)++] = layer;
        else
            free(layer);
    }
    trace_close(wf);
    trace_close(tf);
    if (!*names)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    if (*n == 0)
        return ax_fail(err, AX_ENOTFOUND,
                       "no layer has both <layer>.weight in %s and <layer>.input "
                       "in %s (hint: name one with --layer)",
                       j->weights, j->trace);
    return AX_OK;
}
