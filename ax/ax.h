/*
 * ax — what every layer of axon shares: the one result enum, error text,
 * and the version string stored with every result.
 *
 * Error convention (used by every public function of every layer):
 *   ax_result f(..., char **err);
 * On failure f returns a code other than AX_OK and, when err is not NULL,
 * sets *err to a malloc'd message the caller frees. A message about user
 * input names the file, the offset or the parameter, and ends with a hint.
 * On success *err is left untouched.
 */
#ifndef AX_AX_H
#define AX_AX_H

#include <stddef.h>
#include <stdint.h>

#define AX_VERSION "0.1.0"

typedef enum {
    AX_OK = 0,
    AX_EIO,          /* open/read/write/mmap failed, disk full */
    AX_EFORMAT,      /* malformed or truncated file */
    AX_ESHAPE,       /* tensor shape does not fit what was asked */
    AX_ERANGE,       /* a value does not fit (NaN/Inf, count too large for T) */
    AX_EPARAM,       /* impossible parameter */
    AX_ENOMEM,
    AX_ENOTFOUND,    /* tensor, layer, table entry, file not found */
    AX_EOVERFLOW,    /* integer accumulator overflow */
    AX_EDB,          /* database error */
    AX_EUNSUPPORTED, /* valid but not supported here (e.g. no GPU) */
    AX_EMISMATCH     /* two things that must agree do not */
} ax_result;

/* Static, never NULL. */
const char *ax_result_str(ax_result r);

/* Formats a message into a new malloc'd string stored in *err (if err is
 * not NULL; an older *err is freed first). Returns r, so callers write
 *   return ax_fail(err, AX_EFORMAT, "%s: offset %zu: bad magic (hint: ...)", path, off);
 */
ax_result ax_fail(char **err, ax_result r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "prefix: " to *err when it is set (for adding context). */
void ax_err_prefix(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Checked size arithmetic: returns 0 and sets *out, or returns -1 on overflow. */
int ax_mul_size(size_t a, size_t b, size_t *out);

/* 64-bit FNV-1a, used for config hashes and checksums of small blobs. */
uint64_t ax_fnv1a(const void *data, size_t n, uint64_t seed);
#define AX_FNV_SEED 1469598103934665603ULL

/* XXH64 (xxHash's 64-bit hash, ax_xxh64.c): the checksum of bulk data
 * (core images), at memory speed. ax_xxh64("", 0, 0) = 0xef46db3751d8e999. */
uint64_t ax_xxh64(const void *data, size_t n, uint64_t seed);

/* ---- threads and SIMD (ax_par.c) ----------------------------------------
 * Hot loops split their work into chunks that write disjoint outputs, so
 * a result never depends on the thread count; the SIMD width is chosen at
 * run time, and every path computes the same integers or floats. */

/* CPUs this process may run on (sched_getaffinity), at least 1. */
int ax_cpu_count(void);
/* n > 0: n; n <= 0: ax_cpu_count(). */
int ax_threads(int n);
/* Calls fn(ctx, begin, end, worker) on chunks of [0, n) of `grain`
 * indices (the last one shorter) from up to ax_parallel_workers(threads,
 * n, grain) threads (threads <= 0: all CPUs); the caller is worker 0, and
 * `worker` (0 .. workers - 1) lets fn use scratch memory of its own. A
 * thread that cannot be started leaves its chunks to the others. */
typedef void (*ax_par_fn)(void *ctx, size_t begin, size_t end, int worker);
void ax_parallel_for(int threads, size_t n, size_t grain, ax_par_fn fn, void *ctx);
int ax_parallel_workers(int threads, size_t n, size_t grain);

typedef enum { AX_SIMD_PORTABLE = 0, AX_SIMD_AVX2 = 1, AX_SIMD_AVX512 = 2 } ax_simd;
/* The widest path this CPU runs (x86-64: AVX2 needs avx2; AVX-512 needs
 * avx512f, avx512bw and avx512vl), capped by the environment variable AXON_SIMD
 * (portable, avx2 or avx512) when set. Portable elsewhere. */
ax_simd ax_simd_best(void);
/* "portable", "avx2", "avx512". */
const char *ax_simd_name(ax_simd s);

#endif
