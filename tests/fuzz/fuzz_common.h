/* Shared body of the trace fuzz targets: parse the input as the given
 * format, then touch every accepted tensor's bytes and convert it, so a
 * view that points outside the input is caught by ASan. */
#ifndef AX_FUZZ_COMMON_H
#define AX_FUZZ_COMMON_H

#include "../../traces/trace_int.h"

#include <stdlib.h>
#include <string.h>

/* Inputs accepted so far (the replay driver reports it). */
unsigned long fuzz_accepted;

/* Returns 1 when the input was accepted, 0 when rejected with a message. */
static int fuzz_one(const uint8_t *data, size_t size, int kind, int declared)
{
    trace_file *f = NULL;
    char *err = NULL;
    ax_result r = trace_open_mem("fuzz-input", data, size, kind, declared, &f, &err);
    if (r != AX_OK) {
        if (!err || !strstr(err, "fuzz-input"))
            abort(); /* every rejection names the file */
        free(err);
        return 0;
    }
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < trace_count(f); i++) {
        const trace_tensor *t = trace_at(f, i);
        const uint8_t *p = t->data;
        size_t numel = trace_numel(t);
        if (numel * trace_dtype_size(t->dtype) != t->nbytes)
            abort();
        for (size_t k = 0; k < t->nbytes; k++)
            sink ^= p[k];
        float *out = malloc(numel ? numel * sizeof(float) : 1);
        if (out) {
            char *e2 = NULL;
            if (trace_dtype_is_int(t->dtype))
                (void)trace_to_i32(t, (int32_t *)out, &e2);
            (void)trace_to_f32(t, out, &e2);
            free(e2);
            free(out);
        }
        (void)trace_find(f, t->name);
    }
    (void)trace_meta(f, "format");
    (void)sink;
    trace_close(f);
    fuzz_accepted++;
    return 1;
}

#endif
