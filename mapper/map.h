/*
 * mapper — weights to what the chip holds (docs/design.md §2 "Weights", §3).
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
#include "../spike/spike.h"
#include "../traces/trace.h"

#include <stdint.h>

typedef struct {
    size_t out, in;
    size_t group;   /* inputs per group; == in for per-channel */
    size_t ngroups; /* ceil(in / group); 1 for per-channel */
    int8_t *q;      /* [out][in], owned */
    float *scale;   /* [out][ngroups], owned */
    int unit_scale; /* int8 checkpoint without `<layer>.weight_scale`: scales of 1 assumed */
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
/* The same on up to `threads` threads (<= 0: every CPU; map_qweight_load
 * uses every CPU): the same q and scales for every count. */
ax_result map_qweight_load_par(const trace_file *f, const char *layer, size_t group, int threads,
                               map_qweight *qw, char **err);

/* Relative L2 error ||W - q*scale|| / ||W|| (0 for an all-zero W). */
double map_quant_error(const float *w, const map_qweight *qw);

void map_qweight_free(map_qweight *qw); /* NULL or zeroed is a no-op */

/* ------------------------------------------------------------------ */
/* Tiling (map_tile.c). A core holds one R x C tile (docs/design.md §3): R input
 * axons (input channels, columns of the HF weight) x C output neurons.
 * A core's C accumulators sum every axon it holds, so with group scales a
 * row-block never straddles a weight group (the simulator's rule,
 * sim/sim_chip.c): each group of G inputs is split into ceil(|g|/R)
 * row-blocks; per channel (G = in) that is ceil(in/R). A layer [out, in]
 * takes rb row-blocks x cb = ceil(out/C) column-blocks = rb*cb cores. Tile
 * (r, c) holds inputs [row0, row0 + nrows) (map_tile_extent) and outputs
 * [c*C, c*C+C), zero-padded. In SRAM a tile is stored row per axon: row k
 * (axon row0+k) = C int8 weights, one per output. */

typedef struct {
    size_t out, in;      /* layer shape, HF [out, in] */
    int R, C;            /* tile rows (axons) and columns (neurons) */
    size_t group;        /* inputs per weight group (== in per channel) */
    size_t rpg;          /* row-blocks per full group, ceil(group / R) */
    size_t rb, cb;       /* row-blocks, column-blocks */
    size_t cores;        /* rb * cb */
    uint64_t weights;    /* out * in */
    uint64_t sram_bytes; /* cores * R * C (int8 weight SRAM, padding included) */
} map_tiling;

#define MAP_TILE_MAX 4096

/* Per output channel scales (group = in). AX_EPARAM when R or C is
 * outside [1, MAP_TILE_MAX]. */
ax_result map_tiling_make(size_t out, size_t in, int R, int C, map_tiling *t, char **err);
/* With weight groups of `group` inputs (0 or >= in: per channel). */
ax_result map_tiling_make_group(size_t out, size_t in, size_t group, int R, int C, map_tiling *t,
                                char **err);
/* Parses "RxC" (e.g. "128x128"). */
ax_result map_tile_parse(const char *s, int *R, int *C, char **err);
/* Extent of tile (r, c): rows [*row0, *row0 + *nrows) of the inputs,
 * columns [*col0, *col0 + *ncols) of the outputs (the used part). */
void map_tile_extent(const map_tiling *t, size_t r, size_t c, size_t *row0, size_t *nrows,
                     size_t *col0, size_t *ncols);
/* Copies tile (r, c) of qw into dst[R*C], row per axon (dst[k*C + j] =
 * q[col0+j][row0+k]), zero padding outside the matrix. */
void map_tile_rows(const map_qweight *qw, const map_tiling *t, size_t r, size_t c, int8_t *dst);
/* Inverse of map_tile_rows: writes the used part of src[R*C] into qw->q. */
void map_tile_store(map_qweight *qw, const map_tiling *t, size_t r, size_t c, const int8_t *src);

/* Candidate tiles of `--tile auto`: every RxC with R, C in
 * {64, 128, 256, 512} (16 candidates). */
#define MAP_TILE_AUTO_N 16
void map_tile_auto_candidates(int R[MAP_TILE_AUTO_N], int C[MAP_TILE_AUTO_N]);
/* The `--tile auto` rule (docs/mapper.md): one tile shape for all n
 * layers (group[l]: its weight group, 0 = per channel; group NULL: all
 * per channel); among the candidates whose total core count fits `budget`
 * (0 = no budget) pick the fewest total cores, then the least SRAM waste
 * (sram_bytes - weights, summed), then the smaller R*C, then smaller R.
 * No candidate fits: AX_ERANGE naming the fewest cores any candidate
 * needs, unless allow_over (DRAM streaming), which drops the budget. */
ax_result map_tile_auto(const size_t *out, const size_t *in, const size_t *group, size_t n,
                        size_t budget, int allow_over, int *R, int *C, char **err);

/* ------------------------------------------------------------------ */
/* Placement (map_place.c) on a W x H mesh of cores, XY routing, hops =
 * Manhattan distance. Each layer is placed as a block: width w =
 * min(cb, W), band = ceil(cb / w) mesh rows per row-block, tile (r, c) at
 * (x0 + c % w, y0 + r*band + c / w), so the cores of a row-block (the
 * multicast group of its axons) are adjacent in a row and the cores of a
 * column-block (the reduction of its partial sums) are stacked in a column.
 * Blocks are packed bottom-left on a skyline. With DRAM streaming a layer
 * that does not fit the rest of the mesh goes to the next pass (the mesh
 * reloaded from DRAM); a layer taller than the whole mesh is cut into
 * passes by whole row-blocks (or by tiles when one row-block is larger
 * than the mesh). Without streaming, not fitting is an error. */

typedef struct {
    uint32_t pass; /* mesh load (0 unless DRAM streaming) */
    uint32_t x, y; /* core coordinates in the mesh */
} map_core_pos;

typedef struct {
    size_t ntiles;      /* rb * cb */
    map_core_pos *pos;  /* [rb*cb], tile (r, c) at index r*cb + c; owned */
    int multicast_hops; /* longest: max over row-blocks of the Manhattan distance
                           from the row-block's first tile (c = 0, same pass) */
    int reduce_hops;    /* longest: max over column-blocks of the distance from
                           each tile to the column's first tile (r = 0, same pass) */
    uint32_t first_pass, last_pass;
} map_layer_place;

typedef struct map_placer map_placer;

/* W, H >= 1. dram: allow streaming passes. *p freed with map_placer_free. */
ax_result map_placer_new(int W, int H, int dram, map_placer **p, char **err);
/* Places one layer's tiling; fills *lp (freed with map_layer_place_free).
 * Without streaming and no room: AX_ERANGE naming the layer, the cores it
 * needs and the cores left, with a hint (--dram, --mesh, --tile). */
ax_result map_placer_add(map_placer *p, const char *layer, const map_tiling *t, map_layer_place *lp,
                         char **err);
/* Cores holding a tile in pass 0 (the resident part). */
size_t map_placer_cores_used(const map_placer *p);
/* Number of mesh loads (1 without streaming). */
uint32_t map_placer_passes(const map_placer *p);
void map_placer_free(map_placer *p);
void map_layer_place_free(map_layer_place *lp); /* NULL or zeroed is a no-op */

/* ------------------------------------------------------------------ */
/* Channel reordering and DRAM layout (map_layout.c).
 * Layout: each tile streams from DRAM in its SRAM form, row per axon (C
 * bytes a row), in bursts of B bytes aligned to the tile start; burst b
 * holds the axons whose row bytes meet [bB, bB+B). A burst is fetched for a
 * token unless every axon it holds is silent (count 0) for that token;
 * padding rows past `in` are always silent.
 * Reordering: a permutation perm[k] = original input channel at position k
 * (core row order). It is applied to weight columns (q'[j][k] = q[j][perm[k]])
 * and trace channels alike, so every Σ_i s[i] q[j][i] is unchanged. With
 * group scales it only moves channels inside their group, so per-group
 * sums (and gpu_ref_cpu's acc) are unchanged bit for bit. */

/* active[i] = tokens in which channel i has a nonzero count. */
void map_channel_activity(const int32_t *counts, size_t tokens, size_t in, uint64_t *active);
/* Hot first: sorts positions by activity descending (ties: lower index),
 * within each group of `group` channels (group 0 or >= in: all channels),
 * so silent channels gather at the end of each group. */
void map_reorder_perm(const uint64_t *active, size_t in, size_t group, uint32_t *perm);
/* 0 when perm is a permutation of 0..n-1 that keeps every index in its
 * group (group 0 = no constraint); else AX_EPARAM naming the position. */
ax_result map_perm_check(const uint32_t *perm, size_t n, size_t group, char **err);
/* dst = src with input channels permuted (dst is allocated; free with
 * map_qweight_free). Checks perm against src's group. */
ax_result map_qweight_permute(const map_qweight *src, const uint32_t *perm, map_qweight *dst,
                              char **err);
/* Inverse: dst in original channel order from a permuted qw. */
ax_result map_qweight_unpermute(const map_qweight *src, const uint32_t *perm, map_qweight *dst,
                                char **err);
/* dst[t][k] = src[t][perm[k]]. */
void map_counts_permute(const int32_t *src, size_t tokens, size_t in, const uint32_t *perm,
                        int32_t *dst);
/* Bursts fetched over all tokens for the layout of tiling t (perm NULL =
 * identity), burst bytes B >= 1. *stored (may be NULL) = bursts the layer
 * occupies in DRAM (fetched per token without any skipping). */
uint64_t map_layout_bursts(const int32_t *counts, size_t tokens, const uint32_t *perm,
                           const map_tiling *t, size_t B, uint64_t *stored);

/* ------------------------------------------------------------------ */
/* Compression of weight rows (map_compress.c). Every encoded row is
 * located through a row index of MAP_COMPRESS_INDEX_BYTES per row (a
 * 32-bit offset), counted in every total (metadata is never free).
 *  zero-run: pairs (z: u8, v: i8) = z zeros then v; a run longer than 255
 *            zeros is cut by (255, 0) pairs (256 zeros each); trailing zeros
 *            are implicit (the row length C is known).
 *  bitmap:   ceil(C/8) bytes, bit j (LSB first) set when w[j] != 0, then
 *            the nonzero values in order. */
typedef enum { MAP_COMPRESS_NONE, MAP_COMPRESS_ZERO_RUN, MAP_COMPRESS_BITMAP } map_compress;
#define MAP_COMPRESS_INDEX_BYTES 4

const char *map_compress_name(map_compress m);
ax_result map_compress_parse(const char *s, map_compress *m, char **err);
/* Largest encoding of an n-weight row. */
size_t map_compress_bound(map_compress m, size_t n);
/* Encodes row[n] into dst (capacity map_compress_bound); returns bytes. */
size_t map_compress_row(map_compress m, const int8_t *row, size_t n, uint8_t *dst);
/* Decodes len bytes into row[n]; AX_EFORMAT naming the byte offset when the
 * encoding is malformed or does not give exactly n weights. */
ax_result map_decompress_row(map_compress m, const uint8_t *src, size_t len, size_t n, int8_t *row,
                             char **err);
/* Bytes of `rows` rows of n weights each, row index included. */
uint64_t map_compress_bytes(map_compress m, const int8_t *rows, size_t nrows, size_t n);

/* ------------------------------------------------------------------ */
/* Core image (map_image.c, format in docs/core-image.md): the mapping as
 * the chip holds it, per core its rows (row per axon, C int8 each) and the
 * scales of its outputs, per layer its shape, tiling, placement and input
 * permutation, and a layer directory at the end. Every section is
 * checksummed (XXH64). */

#define MAP_IMAGE_MAGIC "AXONIMG1"
/* Version 3: XXH64 checksums and a layer directory. Versions 1 and 2 (no
 * directory, FNV-1a 64 checksums; version 1, axon 0.1, seeded with
 * AX_FNV_SEED_V01, version 2 with the standard AX_FNV_SEED) are still read. */
#define MAP_IMAGE_VERSION 3u

typedef struct map_image_writer map_image_writer;

/* Starts PATH (an atomic output, ax_out: a unique temporary renamed on close). */
ax_result map_image_writer_new(const char *path, int R, int C, int mesh_w, int mesh_h,
                               map_image_writer **w, char **err);
/* Appends one layer: qw in ORIGINAL channel order, perm NULL or the input
 * permutation (applied here), lp its placement. Memory: one tile. */
ax_result map_image_writer_add(map_image_writer *w, const char *name, const map_qweight *qw,
                               const map_tiling *t, const map_layer_place *lp, const uint32_t *perm,
                               char **err);
/* Writes the header and renames; frees w in every case. */
ax_result map_image_writer_close(map_image_writer *w, char **err);
/* Drops an unfinished image (removes the temporary file). NULL: no-op. */
void map_image_writer_abort(map_image_writer *w);

typedef struct map_image map_image;

typedef struct {
    const char *name;
    size_t out, in, group, ngroups;
    size_t rb, cb;
    size_t first_core; /* index of its first core section (tile (0,0)) */
    int permuted;
} map_image_layer;

typedef struct {
    uint32_t layer, r, c; /* layer index, row-block, column-block */
    map_core_pos pos;
    uint32_t rows_used, cols_used;
    uint32_t g0, ng;     /* groups [g0, g0+ng) its rows touch */
    uint32_t row0, col0; /* first input (core order) and first output it holds */
} map_image_core;

/* Opens PATH (mapped, never copied) and validates its header, its layer
 * directory and every LAYER section; a layer's CORE sections are validated
 * (checksums, every field) the first time the layer or one of its cores is
 * read, and map_image_verify validates everything. Errors name the file and
 * the byte offset. */
ax_result map_image_open(const char *path, map_image **img, char **err);
/* Same on a buffer (kept by reference; must outlive *img); name is used in
 * errors. The fuzz target uses this. */
ax_result map_image_open_mem(const char *name, const void *buf, size_t size, map_image **img,
                             char **err);
void map_image_free(map_image *img); /* NULL is a no-op */
/* Threads the image's checks use from now on (<= 0, the default: every
 * CPU); the results are the same for every count. */
void map_image_set_threads(map_image *img, int threads);
/* Validates layer i's cores (once per open image; later calls return at
 * once). map_image_load_layer and map_image_core_rows call it. */
ax_result map_image_check_layer(const map_image *img, size_t i, char **err);
/* Validates every layer and that no two cores share a (pass, x, y). */
ax_result map_image_verify(const map_image *img, char **err);

void map_image_tile(const map_image *img, int *R, int *C, int *mesh_w, int *mesh_h);
size_t map_image_nlayers(const map_image *img);
size_t map_image_ncores(const map_image *img);
const map_image_layer *map_image_layer_at(const map_image *img, size_t i);
/* Index of the layer named `name`, or -1. */
long map_image_find(const map_image *img, const char *name);
/* One core's rows: rows[R*C] (row per axon) and its descriptor. */
ax_result map_image_core_rows(const map_image *img, size_t core, int8_t *rows, map_image_core *info,
                              char **err);
/* Reassembles layer i into *qw (allocated, map_qweight_free). original=1:
 * in the checkpoint's channel order; 0: in core order (perm applied), and
 * *perm (may be NULL; malloc'd copy, caller frees, NULL when not
 * permuted) lets the caller permute the trace the same way. */
ax_result map_image_load_layer(const map_image *img, size_t i, int original, map_qweight *qw,
                               uint32_t **perm, char **err);
/* The same in core order (original = 0), and in the same pass over the tiles
 * each axon's row of outputs into rows, cut into chunks of `lanes` outputs:
 * rows[(j / lanes) * in * lanes + i * lanes + j % lanes] = q[j][i], lanes of
 * the last chunk past out set to zero. The simulator's prepared weights
 * (sim_weights_alloc) take this form, so it need not transpose q back. */
ax_result map_image_load_layer_rows(const map_image *img, size_t i, map_qweight *qw,
                                    uint32_t **perm, int8_t *rows, size_t lanes, char **err);

/* ------------------------------------------------------------------ */
/* Mapping one layer end to end (map_report.c), as `axon map` does it:
 * quantize row by row straight from the mapped checkpoint, tile, gather
 * per-tile statistics, optionally reorder by a trace, count DRAM bursts,
 * and append the layer to a core image. The weights file is opened for
 * this layer only and closed before returning, so memory is bounded by
 * one layer (its int8 copy, out*in bytes, and its source pages). */

typedef struct {
    size_t group;          /* 0 = per output channel */
    map_compress compress; /* MAP_COMPRESS_NONE: no compressed sizes */
    size_t burst;          /* DRAM burst bytes (default 64) */
    int reorder;           /* with a trace: reorder channels by activity */
    spike_coding coding;   /* counts -> spikes for events per token */
    int steps;             /* T rule: SPIKE_STEPS_AUTO, TOKEN or fixed */
    spike_params sp;       /* float activations -> counts */
    int threads;           /* quantization threads, <= 0: every CPU (the same bytes for any) */
} map_opts;

void map_opts_default(map_opts *o);

typedef struct {
    uint32_t r, c; /* row-block, column-block */
    map_core_pos pos;
    uint32_t rows_used, cols_used;
    uint64_t zeros;      /* zero weights in the used part */
    double sram_util;    /* used weights / (R*C) */
    uint64_t comp_bytes; /* compressed rows + row index (raw R*C when none) */
} map_tile_stats;

typedef struct {
    size_t out, in, group, ngroups;
    const char *dtype;   /* checkpoint dtype name */
    int quantized_here;  /* 0: int8 checkpoint taken as is */
    double quant_rel_l2; /* ||W - q*s|| / ||W||, 0 for int8 checkpoints */
    map_tiling t;
    uint64_t zeros;         /* exact zero weights after quantization */
    double weight_sparsity; /* zeros / weights */
    double sram_util;       /* weights / sram_bytes */
    int multicast_hops, reduce_hops;
    uint32_t first_pass, last_pass;
    uint64_t raw_bytes, comp_bytes; /* tile SRAM bytes; compressed incl. index */
    /* with a trace */
    int has_trace;
    size_t tokens;
    double count_zero_fraction;        /* (token, channel) counts equal to 0 */
    double dead_channel_fraction;      /* channels silent in every token */
    double act_sparsity;               /* 1 - firing rate under the coding */
    int steps;                         /* T used (max over tokens) */
    double events_per_token;           /* spikes (events) per token into the layer */
    double core_events_per_token;      /* events delivered to cores (x cb multicast) */
    uint64_t bursts_stored;            /* DRAM bursts the layer occupies */
    double bursts_per_token;           /* fetched per token, channel order as is */
    double bursts_per_token_reordered; /* with the activity reorder (= above if none) */
    int reordered;
    int unit_scale; /* int8 weight without a scale: 1 assumed (a note) */
} map_layer_stats;

/* Maps layer `layer` of the checkpoint at wpath with tiling t and
 * placement lp. trace: NULL or an open trace holding `<layer>.input`
 * ([tokens, in] float activations or integer counts). img: NULL or a
 * writer the layer is appended to (permuted when o->reorder). tiles: NULL
 * or receives a malloc'd [t->cores] array (caller frees). */
ax_result map_layer_run(const char *wpath, const char *layer, const map_tiling *t,
                        const map_layer_place *lp, const map_opts *o, const trace_file *trace,
                        map_image_writer *img, map_layer_stats *st, map_tile_stats **tiles,
                        char **err);

#endif
