/*
 * One "run" of axon as a library call: load weights and trace, quantize,
 * encode, simulate the chip, check against the CPU reference, price it, and
 * (when the trace holds `<layer>.output`) measure accuracy. Used by
 * `axon run` and by every point of `axon sweep`.
 */
#ifndef AX_RUN_H
#define AX_RUN_H

#include "../ax/ax.h"
#include "../gpu/gpu.h"
#include "../power/power.h"
#include "../sim/sim.h"
#include "../spike/spike.h"
#include "run_param.h"

#include <stdint.h>

typedef struct run_job {
    const char *weights;   /* safetensors/NPY path; with image: checked against it (may be NULL) */
    const char *image;     /* core image (.axi, `axon map --image`): the layer's int8 weights,
                              tiling and input permutation come from it; NULL = from weights */
    const char *ref;       /* reference file of `axon ref` (`<layer>.acc`/`<layer>.y` or
                              `acc`/`y`) to compare acc (exact) and y with; NULL = none */
    const char *trace;     /* safetensors path holding `<layer>.input` */
    const char *layer;     /* HF layer name, e.g. model.layers.0.mlp.up_proj */
    sim_config cfg;
    spike_coding coding;
    spike_params sp;       /* k, clamp */
    int steps;             /* fixed T, SPIKE_STEPS_AUTO or SPIKE_STEPS_TOKEN */
    size_t group;          /* weight group size, 0 = per channel */
    const char *tech;      /* technology table CSV, NULL = built-in 45 nm */
    power_model model;
    const char *vcd;       /* VCD output path or NULL */
    int node_nm;           /* technology node to scale the table to, 0 = the table's */
    double vdd_v;          /* supply, 0 = the node's nominal */
    const char *arch;      /* architecture file the parameters came from (--arch), or NULL */
} run_job;

typedef struct {
    size_t tokens, in, out;
    spike_stats spikes;
    sim_report sim;        /* sim.per_core is NULL after run_job_exec returns: see per_core */
    power_report power;
    int exact;             /* acc == CPU reference, bit for bit */
    size_t mismatches;
    int has_output;        /* trace held `<layer>.output` */
    double cosine, rel_l2, max_abs, snr_db; /* y vs recorded output */
    uint64_t config_hash;  /* hash of everything that defines the point */
    int32_t *acc;          /* [tokens][out][ngroups], owned, freed by run_result_free */
    float *y;              /* [tokens][out], owned */
    size_t ngroups;
    sim_counters *per_core; /* [sim.cores] counters of core (rb, cb) at rb * col_blocks + cb, owned */
    int permuted;          /* image layer with an input permutation (applied to the counts) */
    int has_ref;           /* job->ref was given: the comparison below is filled */
    gpu_cmp_int ref_acc;   /* acc vs the reference's acc, exact */
    gpu_cmp_float ref_y;   /* y vs the reference's y (reference = a, this run = b) */
} run_result;

void run_job_default(run_job *j);
ax_result run_job_exec(const run_job *j, run_result *r, char **err);
void run_result_free(run_result *r); /* NULL or zeroed is a no-op */

/* ---- what sweep points share (run_cache.c) ----
 * A cache of quantized weights, spike counts, events and statistics, the
 * reference acc and the input files' checksums, each under a key of
 * exactly what it depends on; run_job_exec_cached computes only what is
 * missing. Results are identical with and without it (run_job_exec uses a
 * private one per run). One cache per process, not thread-safe. */
typedef struct run_cache run_cache;
typedef struct {
    uint64_t hits, misses, evictions;
    size_t bytes;        /* held now */
} run_cache_stats;
#define RUN_CACHE_DEFAULT_BYTES ((size_t)2 << 30) /* 2 GiB */
/* budget: bytes kept beyond the entries in use (least recently used evicted). */
ax_result run_cache_new(size_t budget, run_cache **c, char **err);
void run_cache_free(run_cache *c); /* NULL is a no-op */
void run_cache_get_stats(const run_cache *c, run_cache_stats *st);
/* run_job_exec with c (NULL: a private cache for this run only). */
ax_result run_job_exec_cached(const run_job *j, run_cache *c, run_result *r, char **err);

/* ---- which layers (run_layers.c, run_image.c) ---- */

/* The layers of j when j->layer is NULL: every `<layer>.weight` of
 * j->weights (or every layer of j->image) whose `<layer>.input` is in
 * j->trace. *names (n malloc'd strings and the array) is the caller's to
 * free. AX_ENOTFOUND when there is none. */
ax_result run_layers_find(const run_job *j, char ***names, size_t *n, char **err);
/* The image's layers whose `<layer>.input` is in the trace (names malloc'd). */
ax_result run_image_layers(const run_job *j, char ***names, size_t *n, char **err);
/* --image: takes the image's tile (AX_EPARAM when tile_given and the tile
 * differs) and weight group (same with group_given) into j. */
ax_result run_image_setup(run_job *j, int tile_given, int group_given, char **err);

/* ---- the layers `axon map` works on (run_sel.c) ---- */

#include "../mapper/map.h"

/* SRAM pricing from power/ (docs/design.md §4), per core of R x C int8 weights. */
typedef struct {
    char version[128];      /* technology table version */
    double read64_pj;       /* one 64-bit read of the R*C-byte macro */
    double row_read_pj;     /* one axon row: ceil(C*8/64) 64-bit reads */
    double sram_area_um2;   /* one core's weight SRAM */
    double core_area_um2;   /* one core (SRAM + logic + router) */
} run_map_price;

typedef struct {
    char *name;          /* owned */
    const char *file;    /* checkpoint file holding it (not owned) */
    size_t out, in;
    const char *dtype;   /* static */
    size_t group;        /* weight group (0 = per channel): the group asked for, or from an
                            int8 checkpoint's weight_scale shape */
    map_tiling t;
    map_layer_place lp;  /* owned */
    map_layer_stats st;
    map_tile_stats *tiles; /* owned, [t.cores] with --tiles */
} run_map_layer;

typedef struct {
    run_map_layer *l;    /* owned, [n] */
    size_t n;
    size_t cores_used;   /* resident cores (pass 0) */
    uint32_t passes;     /* mesh loads */
    uint64_t peak_rss_kib;
    run_map_price price;
} run_map_sel;

/* run_map_sel.c: appends the matching linear layers of one checkpoint file
 * (group: --group, int8 layers take theirs from the scale shape); places
 * every layer (AX_ERANGE naming the layer that does not fit); prices one
 * core's SRAM; frees the selection. */
ax_result run_map_sel_list(const char *path, size_t group, run_map_sel *sel, char *const *globs,
                       int nglobs, char **err);
ax_result run_map_sel_place(run_map_sel *sel, int W, int H, int dram, char **err);
/* prices one core of tech (NULL: built-in 45 nm) at node_nm (0: the table's) holding R x C int8 weights */
ax_result run_map_sel_price(const char *tech, int node_nm, int R, int C, run_map_price *p, char **err);
void run_map_sel_free(run_map_sel *sel);

/* ---- identity of a run (run_config.c): the one config hash ---- */

/* Identity of an input file: FNV-1a 64 of its size (8 bytes, little
 * endian) followed by its first and last MiB (the whole file when it is at
 * most 2 MiB). Cheap on 10 GB checkpoints; docs/db.md says what it misses. */
typedef struct {
    uint64_t weights_sum, weights_bytes, trace_sum, trace_bytes;
    uint64_t image_sum, image_bytes, ref_sum, ref_bytes; /* job->image / job->ref, 0 if none */
} run_files;
ax_result run_file_checksum(const char *path, uint64_t *sum, uint64_t *bytes, char **err);
ax_result run_files_of(const run_job *j, run_files *f, char **err);

/* Canonical config text (malloc'd JSON, caller frees) and its hash.
 * files may be NULL (then they are checksummed here). tech_version is the
 * technology table's version string (NULL: "builtin-45nm"). */
ax_result run_config(const run_job *j, const run_files *files, const char *tech_version, char **text,
                    uint64_t *hash, char **err);
/* Version string of the technology table at path (NULL: built-in), as
 * power_table_open(path, 0, 0) reports it: what runs priced with it store. */
ax_result run_tech_version(const char *tech, char *out, size_t n, char **err);
/* 16 lower-case hex digits + NUL. */
void run_hash_hex(uint64_t h, char out[17]);

#endif
