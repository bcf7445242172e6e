/*
 * mapper — weights to what the chip holds (DESIGN §2 "Weights", §3).
 * This header starts with the quantizer every other layer uses; tiling,
 * placement, reordering, the core image and the mapping report follow.
 *
 * Symmetric INT8 (SpikingBrain W8): per output channel
 * (scale_j = max|W_j| / 127) or per group of G inputs (scale_{j,g} =
 * max|W_j[gG:(g+1)G]| / 127), q = rint(W / scale) clamped to [-127, 127].
 * An all-zero channel/group gets scale 0 and q = 0.
 * Already-quantized checkpoints: `<layer>.weight` int8 [out, in] plus
 * `<layer>.weight_scale` f32 [out] (per channel) or [out, groups].
 */
#ifndef AX_MAP_H
#define AX_MAP_H

#include "../ax/ax.h"
#include "../traces/trace.h"

#include <stdint.h>

typedef struct {
    size_t out, in;
    size_t group;    /* inputs per group; == in for per-channel */
    size_t ngroups;  /* ceil(in / group); 1 for per-channel */
    int8_t *q;       /* [out][in], owned */
    float *scale;    /* [out][ngroups], owned */
} map_qweight;

/* Quantizes w[out*in] (row-major, HF [out, in]). group = 0 means per
 * output channel. Fills *qw (caller frees with map_qweight_free). NaN/Inf
 * -> AX_ERANGE naming row and column. */
ax_result map_quantize(const float *w, size_t out, size_t in, size_t group, map_qweight *qw,
                       char **err);

/* Loads `<layer>.weight` from an open file: float dtypes are quantized with
 * `group` (0 = per channel); an int8 weight with `<layer>.weight_scale` is
 * taken as it is (its groups follow from the scale shape). */
ax_result map_qweight_load(const trace_file *f, const char *layer, size_t group, map_qweight *qw,
                           char **err);

/* Relative L2 error ||W - q*scale|| / ||W|| (0 for an all-zero W). */
double map_quant_error(const float *w, const map_qweight *qw);

void map_qweight_free(map_qweight *qw); /* NULL or zeroed is a no-op */

#endif
