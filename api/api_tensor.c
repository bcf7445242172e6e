/*
 * api_tensor — ax_write_tensors: arrays held by the caller (numpy buffers
 * from the Python package, for instance) written as one safetensors file
 * through the traces/ writer (atomic, every write checked), so bindings do
 * not reimplement the format. The data is only read during the call.
 */
#include "api_int.h"

#include "../traces/trace.h"

#include <stdlib.h>

ax_result ax_write_tensors(const char *path, size_t n, const char *const *names,
                           const char *const *dtypes, const int *ndims,
                           const int64_t *const *shapes, const void *const *data, char **err)
{
    if (!path || (n && (!names || !dtypes || !ndims || !shapes || !data)))
        return ax_fail(err, AX_EPARAM,
                       "ax_write_tensors: path, names, dtypes, ndims, shapes and "
                       "data are required");
    trace_writer *w = NULL;
    ax_result r = trace_writer_new(&w, err);
    for (size_t i = 0; r == AX_OK && i < n; i++) {
        trace_dtype dt;
        if (trace_dtype_parse(dtypes[i], &dt))
            r = ax_fail(err, AX_EPARAM,
                        "tensor '%s': unknown dtype '%s' (hint: F32, F16, BF16, "
                        "I8, U8, I16 or I32)",
                        names[i] ? names[i] : "", dtypes[i] ? dtypes[i] : "");
        else if (ndims[i] < 0 || ndims[i] > TRACE_MAX_DIMS || (ndims[i] && !shapes[i]))
            r = ax_fail(err, AX_ESHAPE, "tensor '%s': %d dimensions (hint: 0 to %d)",
                        names[i] ? names[i] : "", ndims[i], TRACE_MAX_DIMS);
        else {
            for (int k = 0; r == AX_OK && k < ndims[i]; k++)
                if (shapes[i][k] < 0)
                    r = ax_fail(err, AX_ESHAPE,
                                "tensor '%s': dimension %d is %lld (hint: sizes "
                                "are >= 0)",
                                names[i] ? names[i] : "", k, (long long)shapes[i][k]);
            if (r == AX_OK)
                r = trace_writer_add(w, names[i], dt, ndims[i], shapes[i], data[i], err);
        }
    }
    if (r == AX_OK)
        r = trace_writer_save(w, path, err);
    trace_writer_free(w);
    return r;
}
