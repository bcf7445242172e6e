/*
 * The CUDA path of a binary built without nvcc: the same three symbols as
 * gpu_cuda.cu, each answering AX_EUNSUPPORTED with a hint. This file goes
 * into libaxon.a like every C file; the CUDA binary (`make gpu`,
 * build/axon-cuda) links gpu_cuda.o before libaxon.a, so the linker never
 * pulls this member in there. Keep the symbol sets of the two files equal
 * (tests/e2e/test_gpu_build.sh checks it with nm).
 */
#include "gpu.h"

#include <string.h>

static ax_result no_cuda(char **err)
{
    return ax_fail(err, AX_EUNSUPPORTED,
                   "this axon was built without CUDA (hint: `make gpu` builds build/axon-cuda "
                   "where nvcc is installed; or use --device cpu)");
}

int gpu_cuda_built(void)
{
    return 0;
}

ax_result gpu_ref_cuda(const int32_t *counts, size_t tokens, const map_qweight *qw, int32_t *acc,
                       char **err)
{
    (void)counts, (void)tokens, (void)qw, (void)acc;
    return no_cuda(err);
}

ax_result gpu_ref_cuda_ex(const int32_t *counts, const float *vth, size_t tokens,
                          const map_qweight *qw, int32_t *acc, float *y, unsigned flags, int repeat,
                          gpu_cuda_stats *st, char **err)
{
    (void)counts, (void)vth, (void)tokens, (void)qw, (void)acc, (void)y, (void)flags, (void)repeat;
    if (st)
        memset(st, 0, sizeof *st);
    return no_cuda(err);
}
