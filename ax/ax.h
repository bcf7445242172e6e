/*
 * ax — what every layer of axon shares: the one result enum, error text,
 * and the version string stored with every result (those three are public
 * and defined in include/axon.h; the helpers below are internal and hidden
 * in libaxon.so).
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

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The version, the result enum and ax_result_str are public: they are
 * defined once, in the installed header include/axon.h. */
#include "../include/axon.h"

/* Formats a message into a new malloc'd string stored in *err (if err is
 * not NULL; an older *err is freed first). Returns r, so callers write
 *   return ax_fail(err, AX_EFORMAT, "%s: offset %zu: bad magic (hint: ...)", path, off);
 */
ax_result ax_fail(char **err, ax_result r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The printf-formatted text in a new string (the caller frees it), or NULL
 * when out of memory. */
char *ax_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *ax_vstrf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Prepends "prefix: " to *err when it is set (for adding context). */
void ax_err_prefix(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Checked size arithmetic: returns 0 and sets *out, or returns -1 on overflow. */
int ax_mul_size(size_t a, size_t b, size_t *out);

/* 64-bit FNV-1a (prime 1099511628211), used for config hashes and checksums;
 * seed with AX_FNV_SEED, the standard 64-bit offset basis, or a previous
 * hash to continue it. axon 0.1 seeded with 1469598103934665603 (a digit
 * short of the standard basis); AX_FNV_SEED_V01 keeps that value for the
 * readers of its core images (version 1) and for the synthetic generator's
 * streams, which must not change with it. */
uint64_t ax_fnv1a(const void *data, size_t n, uint64_t seed);
#define AX_FNV_SEED 14695981039346656037ULL
#define AX_FNV_SEED_V01 1469598103934665603ULL

/* ---- Atomic outputs (ax_out.c) ----
 * Every file axon writes: a unique temporary beside the target (never a
 * fixed name, never following a symlink), removed on failure and on
 * SIGINT/SIGTERM/SIGHUP, renamed over the target after fsync on commit.
 * A target that exists and is not a regular file is refused (AX_EIO). */
typedef struct ax_out ax_out;
enum {
    AX_OUT_EXTERNAL = 1, /* another writer fills ax_out_tmp() by name (gnuplot, SQLite) */
    AX_OUT_SQLITE = 2    /* also remove the temporary's -wal, -shm, -journal on a signal */
};
/* Checks before any heavy work that path could be written: not an existing
 * non-regular file, its directory exists and is writable. */
ax_result ax_out_check(const char *path, char **err);
/* The absolute path a write to path replaces (directory and a symlink at
 * path resolved), to tell whether two outputs are one file; malloc'd. */
ax_result ax_out_canonical(const char *path, char **out, char **err);
/* Free bytes for an unprivileged writer on the file system of path's directory. */
ax_result ax_out_free_space(const char *path, uint64_t *bytes, char **err);
/* *same = 1 when the directories of a and b are on one file system. */
ax_result ax_out_same_fs(const char *a, const char *b, int *same, char **err);
ax_result ax_out_open(const char *path, unsigned flags, ax_out **o, char **err);
ax_result ax_out_write(ax_out *o, const void *buf, size_t n, char **err); /* checked, appends */
ax_result ax_out_pwrite(ax_out *o, const void *buf, size_t n, uint64_t off, char **err);
/* Reserves bytes up front (posix_fallocate) so a full disk fails now; a
 * file system that cannot reserve is not an error. */
ax_result ax_out_reserve(ax_out *o, uint64_t bytes, char **err);
/* A stdio stream on the temporary, owned by o (flushed and checked at commit). */
FILE *ax_out_stream(ax_out *o, char **err);
int ax_out_fd(const ax_out *o);           /* -1 with AX_OUT_EXTERNAL */
const char *ax_out_path(const ax_out *o); /* the target (a symlink resolved) */
const char *ax_out_tmp(const ax_out *o);  /* the temporary */
uint64_t ax_out_bytes(const ax_out *o);   /* bytes appended by ax_out_write */
/* fsync, close, rename, fsync the directory; frees o (also on failure, when
 * the temporary is removed and the target untouched). */
ax_result ax_out_commit(ax_out *o, char **err);
/* Commits several outputs: all synced first, then renamed in order (a kill
 * between two renames leaves the earlier targets new, the later ones old;
 * no file is ever partial). Frees every o[i]; NULL entries are skipped. */
ax_result ax_out_commit_n(ax_out **o, size_t n, char **err);
void ax_out_abort(ax_out *o); /* removes the temporary, frees; NULL is a no-op */
/* Scratch paths (a file, or an empty directory with is_dir) removed by the
 * same signal handler: returns a slot for ax_tmp_unregister, -1 when full. */
int ax_tmp_register(const char *path, int is_dir);
/* Installs the signal handlers now (they are installed at the first output
 * otherwise): a program calls it first so that a file-size limit is an
 * error for every write, SQLite's included, from the start. */
void ax_out_init(void);
void ax_tmp_unregister(int slot); /* -1 is a no-op; does not remove the path */

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
/* The most threads one parallel loop ran on (ax_parallel_for, the
 * simulator's sim_par_for, which report it with ax_par_note) since the last
 * call, which resets it: how a test sees that `--threads 1` is one thread. */
void ax_par_note(int workers);
int ax_par_peak_take(void);

typedef enum { AX_SIMD_PORTABLE = 0, AX_SIMD_AVX2 = 1, AX_SIMD_AVX512 = 2 } ax_simd;
/* The widest path this CPU runs (x86-64: AVX2 needs avx2; AVX-512 needs
 * avx512f, avx512bw and avx512vl), capped by the environment variable AXON_SIMD
 * (portable, avx2 or avx512) when set. Portable elsewhere. */
ax_simd ax_simd_best(void);
/* "portable", "avx2", "avx512". */
const char *ax_simd_name(ax_simd s);

#endif
