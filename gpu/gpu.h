/*
 * gpu — the reference for a layer's integer path (DESIGN §2 "Result"):
 *   acc_g[t][j] = Σ_{i in group g} s[t][i] * q[j][i]       (exact int32)
 *   y[t][j]     = vth[t] * Σ_g scale[j][g] * acc_g[t][j]
 * The CPU path here is the twin of the CUDA kernel (gpu_cuda.cu); both must
 * give the same acc bit for bit. Accumulation is done in int64 and any
 * value outside int32 is reported as AX_EOVERFLOW (never wrapped).
 *
 * acc layout: [tokens][out][ngroups] (ngroups = 1 for per-channel).
 */
#ifndef AX_GPU_H
#define AX_GPU_H

#include "../ax/ax.h"
#include "../mapper/map.h"

#include <stdint.h>

/* counts[tokens][qw->in] -> acc[tokens][qw->out][qw->ngroups]. */
ax_result gpu_ref_cpu(const int32_t *counts, size_t tokens, const map_qweight *qw, int32_t *acc,
                      char **err);

/* y[tokens][out] = vth[t] * Σ_g scale * acc (double sum, float result). */
void gpu_dequant(const int32_t *acc, const float *vth, size_t tokens, const map_qweight *qw,
                 float *y);

#endif
