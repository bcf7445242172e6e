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

#define AX_VERSION "0.2.0"

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

/* 64-bit FNV-1a (prime 1099511628211), used for config hashes and checksums;
 * seed with AX_FNV_SEED, the standard 64-bit offset basis, or a previous
 * hash to continue it. axon 0.1 seeded with 1469598103934665603 (a digit
 * short of the standard basis); AX_FNV_SEED_V01 keeps that value for the
 * readers of its core images (version 1) and for the synthetic generator's
 * streams, which must not change with it. */
uint64_t ax_fnv1a(const void *data, size_t n, uint64_t seed);
#define AX_FNV_SEED 14695981039346656037ULL
#define AX_FNV_SEED_V01 1469598103934665603ULL

#endif
