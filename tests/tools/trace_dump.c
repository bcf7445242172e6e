/*
 * trace_dump — test helper of the traces layer (not part of the product):
 * prints every tensor of each trace reference as text so Python oracles
 * can compare what axon reads with what numpy or a spec-following writer
 * wrote, and optionally re-saves each tensor as NPY (--npy-out DIR) so
 * numpy can check axon's NPY writer.
 *   trace_dump [--meta] [--npy-out DIR] REF...
 * Output per tensor: "tensor NAME DTYPE D0,D1,..." then one value a line
 * (floats with %.9g, which round-trips float32; integers exactly).
 */
#include "../../traces/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int dump(const trace_tensor *t, const char *npy_dir, size_t idx)
{
    char *err = NULL;
    printf("tensor %s %s ", *t->name ? t->name : "-", trace_dtype_name(t->dtype));
    for (int d = 0; d < t->ndim; d++)
        printf("%s%lld", d ? "," : "", (long long)t->shape[d]);
    printf("%s\n", t->ndim ? "" : "scalar");
    size_t n = trace_numel(t);
    if (trace_dtype_is_int(t->dtype)) {
        int32_t *v = malloc((n ? n : 1) * sizeof *v);
        if (!v || trace_to_i32(t, v, &err))
            goto fail;
        for (size_t i = 0; i < n; i++)
            printf("%d\n", v[i]);
        free(v);
    } else {
        float *v = malloc((n ? n : 1) * sizeof *v);
        if (!v || trace_to_f32(t, v, &err))
            goto fail;
        for (size_t i = 0; i < n; i++)
            printf("%.9g\n", (double)v[i]);
        free(v);
    }
    if (npy_dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%zu.npy", npy_dir, idx);
        if (trace_npy_save(path, t->dtype, t->ndim, t->shape, t->data, &err))
            goto fail;
    }
    return 0;
fail:
    fprintf(stderr, "trace_dump: %s\n", err ? err : "out of memory");
    free(err);
    return 1;
}

int main(int argc, char **argv)
{
    int meta = 0, rc = 0;
    const char *npy_dir = NULL;
    size_t idx = 0;
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--meta")) {
            meta = 1;
            continue;
        }
        if (!strcmp(argv[a], "--npy-out") && a + 1 < argc) {
            npy_dir = argv[++a];
            continue;
        }
        trace_file *f;
        const trace_tensor *t;
        char *err = NULL;
        ax_result r = trace_open_ref(argv[a], &f, &t, &err);
        if (r == AX_EPARAM && strstr(err, "tensors; name one")) { /* whole file */
            free(err);
            err = NULL;
            r = trace_open(argv[a], &f, &err);
            t = NULL;
        }
        if (r) {
            fprintf(stderr, "trace_dump: %s [%s]\n", err, ax_result_str(r));
            free(err);
            rc = 1;
            continue;
        }
        if (meta) {
            const char *keys[] = {"generator",    "seed",   "format", "shapes",
                                  "axon_version", "preset", "dtype"};
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
                if (trace_meta(f, keys[k]))
                    printf("meta %s %s\n", keys[k], trace_meta(f, keys[k]));
        }
        for (size_t i = 0; i < trace_count(f); i++)
            if (!t || trace_at(f, i) == t)
                rc |= dump(trace_at(f, i), npy_dir, idx++);
        trace_close(f);
    }
    return rc;
}
