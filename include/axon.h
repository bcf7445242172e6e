/*
 * axon.h — the public C interface of libaxon (the only installed header).
 *
 * axon simulates spike-encoded INT8 LLM layers on a modelled neuromorphic
 * core: a layer's weights and a recorded trace of its inputs go in; cycles,
 * energy, power, area, the integer accumulators (acc), the dequantized
 * output (y) and a bit-exactness check against the CPU reference come out.
 * Parameters are the names of the one parameter table (docs/params.md):
 * the same keys as `axon run --help`, architecture files, sweep axes and
 * the results database (clock_mhz, tile, coding, k, ...).
 *
 * Conventions (docs/api.md):
 *   - Every function that can fail returns an ax_result and takes a last
 *     `char **err`: on failure (a code other than AX_OK) *err, when err is
 *     not NULL, is set to a malloc'd message (it names the file, parameter
 *     or layer and ends with a hint) that the caller releases with ax_free.
 *     On success *err is left untouched.
 *   - Handles are opaque: ax_job and ax_run_result, created by *_new or
 *     ax_run and released by their *_free (NULL is a no-op).
 *   - Strings and arrays returned through `char **` out-parameters are
 *     malloc'd and the caller's: release them with ax_free.
 *   - Pointers returned by accessors (ax_run_result_acc, ax_run_result_y) are owned
 *     by the handle and valid until it is freed; nothing is copied.
 *   - Units are in the names (clock_mhz, duration_ns, energy_pj).
 *   - Handles are not shared between threads; separate handles may be used
 *     from separate threads (ax_sweep forks worker processes).
 *
 * Everything else in libaxon.so is hidden (-fvisibility=hidden); only the
 * functions marked AX_API below are exported.
 */
#ifndef AXON_H
#define AXON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define AX_API __attribute__((visibility("default")))
#else
#define AX_API
#endif

/* ---- version ---- */

#define AX_VERSION "0.2.0"
#define AX_VERSION_MAJOR 0
#define AX_VERSION_MINOR 2
#define AX_VERSION_PATCH 0

/* The library's version string (static, e.g. "0.2.0"); compare with
 * AX_VERSION to detect a header/library mismatch. */
AX_API const char *ax_version(void);

/* ---- results ---- */

typedef enum {
    AX_OK = 0,
    AX_EIO,     /* open/read/write/mmap failed, disk full */
    AX_EFORMAT, /* malformed or truncated file */
    AX_ESHAPE,  /* tensor shape does not fit what was asked */
    AX_ERANGE,  /* a value does not fit (NaN/Inf, count too large for T) */
    AX_EPARAM,  /* impossible parameter */
    AX_ENOMEM,
    AX_ENOTFOUND,    /* tensor, layer, table entry, file not found */
    AX_EOVERFLOW,    /* integer accumulator overflow */
    AX_EDB,          /* database error */
    AX_EUNSUPPORTED, /* valid but not supported here (e.g. no GPU) */
    AX_EMISMATCH     /* two things that must agree do not */
} ax_result;

/* Short text of a code (static, never NULL): "ok", "invalid parameter", ... */
AX_API const char *ax_result_str(ax_result r);

/* Releases a string or array the library returned through an out-parameter
 * (error messages, JSON texts, layer lists). NULL is a no-op. */
AX_API void ax_free(void *p);

/* ---- jobs: what to run ---- */

typedef struct ax_job ax_job;

/* A job with every parameter at its default (128x128 tile, 16 lanes, sync
 * 500 MHz, bitwise-signed coding, k = 3, the calibrated table cal-osu018
 * translated to 45 nm) and no files.
 * *out is the caller's, released with ax_job_free. */
AX_API ax_result ax_job_new(ax_job **out, char **err);
AX_API void ax_job_free(ax_job *job); /* NULL is a no-op */

/* Sets one parameter from its text, as on the command line: name is the
 * table's key ("clock_mhz", "tile", "group_size") or flag ("clock",
 * "group"), '-' and '_' alike; value e.g. "250", "64x64", "ternary", "on".
 * Both strings are copied. AX_EPARAM names the parameter and the range or
 * choices; an unknown name gets the closest known one as a hint. */
AX_API ax_result ax_job_set(ax_job *job, const char *name, const char *value, char **err);
/* The value of a parameter as it would be written ("128x128", "on", "500");
 * *value is malloc'd (ax_free). AX_EPARAM for an unknown name. */
AX_API ax_result ax_job_get(const ax_job *job, const char *name, char **value, char **err);
/* The input files (paths copied; NULL = none): weights (safetensors/NPY
 * checkpoint with `<layer>.weight`), trace (safetensors with
 * `<layer>.input`, optionally `<layer>.output`), image (core image of
 * `axon map --image`: weights, tile and group from it), ref (`axon ref`
 * output to compare acc and y with). A run needs a trace and weights or an
 * image. Files are read only by ax_run / ax_job_layers / ax_sweep. */
AX_API ax_result ax_job_set_files(ax_job *job, const char *weights, const char *trace,
                                  const char *image, const char *ref, char **err);
/* Threads of the job's runs: an execution option, not a parameter (no
 * result, counter or config hash depends on it). 1 by default (a library
 * starts no threads unless asked); 0 = every online processor, as `axon
 * run` does. AX_EPARAM outside 0..1024. */
AX_API ax_result ax_job_set_threads(ax_job *job, int threads, char **err);
/* Applies an architecture file (JSON or `key = value` lines, docs/params.md)
 * to the job; errors name the file, the line and the parameter. */
AX_API ax_result ax_job_load_arch(ax_job *job, const char *path, char **err);
/* The job's effective parameters as a JSON object grouped by section
 * (malloc'd text, ax_free), or NULL when out of memory. */
AX_API char *ax_job_arch_json(const ax_job *job);
/* The layers the job can run: every `<layer>.weight` of the weights (or
 * every layer of the image) whose `<layer>.input` is in the trace.
 * *names is ONE malloc'd block: a NULL-terminated array of *n strings
 * stored in the same block; release it with a single ax_free(*names).
 * n may be NULL. AX_ENOTFOUND when there is none. */
AX_API ax_result ax_job_layers(const ax_job *job, char ***names, size_t *n, char **err);

/* ---- one run ---- */

typedef struct ax_run_result ax_run_result;

/* Runs the job's layer (parameter "layer"; when it is not set and the files
 * hold exactly one layer, that one): spike coding, cycle-accurate
 * simulation, bit-exact check against the CPU reference, dequantized y,
 * accuracy against `<layer>.output` when recorded, energy/power/area.
 * The job is not changed. *out is the caller's, released with
 * ax_run_result_free. A run whose acc differs from the reference still
 * returns AX_OK: read "exact" from the report. */
AX_API ax_result ax_run(const ax_job *job, ax_run_result **out, char **err);
AX_API void ax_run_result_free(ax_run_result *r); /* NULL is a no-op */

/* The layer report as JSON text (malloc'd, ax_free; NULL when out of
 * memory): the object of one layer of `axon run --json` ("layer", "tokens",
 * "duration_cycles", "exact", "counters": {...}, "power": {...}, ...). */
AX_API char *ax_run_result_json(const ax_run_result *r);
/* A number of the report by field name: a top-level field ("tokens",
 * "duration_ns", "exact" as 0/1), a dotted path ("power.energy_pj",
 * "counters.adds"), or a bare name found in one of the nested objects
 * ("energy_pj" = "power.energy_pj"). AX_ENOTFOUND when there is no such
 * number (the hint names the sections). */
AX_API ax_result ax_run_result_number(const ax_run_result *r, const char *name, double *value,
                                      char **err);
/* The integer accumulators, C order, shape [tokens, out] or, with weight
 * groups, [tokens, out, groups]: *ndim (2 or 3) and shape[0..*ndim-1] are
 * set. The pointer is owned by r (valid until ax_run_result_free); no copy. */
AX_API const int32_t *ax_run_result_acc(const ax_run_result *r, int *ndim, int64_t shape[3]);
/* The dequantized output y, float32 [tokens, out] (*ndim = 2), owned by r. */
AX_API const float *ax_run_result_y(const ax_run_result *r, int *ndim, int64_t shape[2]);

/* ---- sweeps and the results database ---- */

typedef struct {
    int64_t sweep_id;
    size_t planned; /* points of the plan */
    size_t skipped; /* already stored (a rerun resumes) */
    size_t ran;     /* evaluated and recorded now */
    size_t failed;  /* evaluation failed (their errors: ax_query(db, "errors")) */
} ax_sweep_stats;

/* Runs every combination of the axes on the base job and records each point
 * in the SQLite database at db_path (created when missing), with `jobs`
 * worker processes (fork). names[i] is a parameter name (key or flag) and
 * lists[i] its comma-separated values ("250,500,1000"; "both" = off,on for
 * on/off parameters); a list of one value fixes the parameter. The layer is
 * the job's or a "layer" axis. Points already stored are skipped (rerun =
 * resume). stats may be NULL. When points failed, returns AX_EPARAM with
 * the count (stats says which ran); other codes: the sweep did not run. */
AX_API ax_result ax_sweep(const ax_job *base, size_t naxes, const char *const *names,
                          const char *const *lists, const char *db_path, int jobs,
                          ax_sweep_stats *stats, char **err);

/* Reads the database at db_path (read-only) with a named query ("runs",
 * "best", "pareto", "baseline", "sweeps", "errors", "columns", "list") or
 * one SQL SELECT over its views (v_runs, ...). *json_rows is a malloc'd
 * JSON array of row objects (numbers as numbers, NULL as null; ax_free). */
AX_API ax_result ax_query(const char *db_path, const char *query, char **json_rows, char **err);
/* The same with options for the named queries, as name/value texts:
 * sweep (id), where (SQL condition on v_runs), x, y (pareto axes), max_x,
 * max_y (on/off), metric (what best minimises), limit (rows of runs). */
AX_API ax_result ax_query_opts(const char *db_path, const char *query, size_t nopts,
                               const char *const *opt_names, const char *const *opt_values,
                               char **json_rows, char **err);

/* ---- tensors ---- */

/* Writes n tensors to a safetensors file (atomically): names[i], dtypes[i]
 * ("F32", "F16", "BF16", "I8", "U8", "I16", "I32"), ndims[i] (0..8),
 * shapes[i][0..ndims[i]-1], data[i] (C order, little-endian, read during
 * the call only; nothing is kept). This is how bindings hand arrays to
 * ax_run: `<layer>.weight` [out, in] and `<layer>.input` [tokens, in]. */
AX_API ax_result ax_write_tensors(const char *path, size_t n, const char *const *names,
                                  const char *const *dtypes, const int *ndims,
                                  const int64_t *const *shapes, const void *const *data,
                                  char **err);

#ifdef __cplusplus
}
#endif

#endif
