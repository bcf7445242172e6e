/* Private to mapper/: shared between its modules. */
#ifndef AX_MAP_INT_H
#define AX_MAP_INT_H

#include "map.h"

/* Allocates q and scale of *qw for [out, in] with group (0 or > in = per channel). */
ax_result map_qweight_alloc(map_qweight *qw, size_t out, size_t in, size_t group, char **err);

/* Quantizes one output row (ngroups groups of `group` inputs) into q[in]
 * and scales[ngroups]. NaN/Inf: AX_ERANGE "column I is NaN ...". */
ax_result map_quantize_row(const float *row, size_t in, size_t group, size_t ngroups, int8_t *q,
                           float *scales, char **err);
/* The same on a given SIMD path (capped at none of the CPU's: the caller
 * checks); every path gives the same q and scales (tests compare them). */
ax_result map_quantize_row_simd(const float *row, size_t in, size_t group, size_t ngroups,
                                int8_t *q, float *scales, ax_simd simd, char **err);

/* Quantizes a float tensor [out, in] of f (may be NULL) straight from its
 * mapping, row by row (map_load.c): no float copy of the
 * tensor, and the rows read leave the resident set (trace_drop), on up to
 * `threads` threads (<= 0: every CPU; the same q for every count). rel_l2
 * (may be NULL) gets ||W - q·scale|| / ||W|| from per-row sums added in row
 * order. A bad element is AX_ERANGE "row J: tensor '...': element K ...". */
ax_result map_quantize_tensor(const trace_file *f, const trace_tensor *t, size_t group, int threads,
                              map_qweight *qw, double *rel_l2, char **err);

/* map_tile_rows with the input permutation applied: row k of tile (r, c)
 * holds channel perm[r*R + k] (perm NULL = identity). */
void map_tile_rows_perm(const map_qweight *qw, const map_tiling *t, size_t r, size_t c,
                        const uint32_t *perm, int8_t *dst);

/* Core image layout shared by the writer and the reader (docs/core-image.md). */
#define MAP_IMG_HEADER_BYTES 64
#define MAP_IMG_SECTION_BYTES 24
#define MAP_IMG_LAYER_FIXED 64
#define MAP_IMG_CORE_FIXED 48
#define MAP_IMG_NAME_MAX 1023
#define MAP_IMG_DIR_ENTRY 16 /* directory entry: layer offset, layer bytes */
enum { MAP_IMG_LAYER = 1, MAP_IMG_CORE = 2, MAP_IMG_DIR = 3 };

/* An open image (map_image_read.c validates, map_image_load.c reads). */
typedef struct {
    map_image_layer pub;
    size_t perm_off;   /* file offset of perm[] when permuted */
    size_t off, bytes; /* its sections: from the LAYER section header to its last core's end */
    size_t cores_at;   /* file offset of its first CORE section header */
} img_layer;

struct map_image {
    char *name;
    const uint8_t *buf;
    size_t size;
    int mapped;
    int threads; /* for the checks: <= 0 every CPU (map_image_set_threads) */
    int R, C, W, H;
    uint32_t version; /* 3: XXH64 and a directory; 1, 2: FNV-1a 64, no directory */
    size_t nlayers, ncores;
    img_layer *layers;
    size_t *core_off;       /* payload offset of each core section (from the tiling; 0 until
                               its layer is first used) */
    unsigned char *checked; /* per layer: its cores validated (map_image_check_layer) */
};

/* map_image_check_layer that also calls each(ctx, k) for every core k of
 * the layer on all threads (in the same pass as the checks, while the
 * core's bytes are in cache); each must only touch what core k owns. */
ax_result map_image_check_layer_each(const map_image *img, size_t li,
                                     void (*each)(void *ctx, size_t k), void *ctx, char **err);

static inline uint32_t map_img_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t map_img_get64(const uint8_t *p)
{
    return map_img_get32(p) | (uint64_t)map_img_get32(p + 4) << 32;
}


#endif
