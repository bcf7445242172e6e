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

#include <stddef.h>
#include <stdint.h>

/* The version, the result enum and ax_result_str are public: they are
 * defined once, in the installed header include/axon.h. */
#include "../include/axon.h"

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

#endif
