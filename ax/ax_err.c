/*
 * Error text and small shared helpers (see ax.h for the convention).
 */
#include "ax.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ax_result_str(ax_result r)
{
    switch (r) {
    case AX_OK: return "ok";
    case AX_EIO: return "I/O error";
    case AX_EFORMAT: return "malformed file";
    case AX_ESHAPE: return "wrong shape";
    case AX_ERANGE: return "value out of range";
    case AX_EPARAM: return "invalid parameter";
    case AX_ENOMEM: return "out of memory";
    case AX_ENOTFOUND: return "not found";
    case AX_EOVERFLOW: return "integer overflow";
    case AX_EDB: return "database error";
    case AX_EUNSUPPORTED: return "unsupported";
    case AX_EMISMATCH: return "mismatch";
    }
    return "unknown error";
}

char *ax_vstrf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *ax_strf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = ax_vstrf(fmt, ap);
    va_end(ap);
    return s;
}

ax_result ax_fail(char **err, ax_result r, const char *fmt, ...)
{
    if (!err)
        return r;
    va_list ap;
    va_start(ap, fmt);
    char *s = ax_vstrf(fmt, ap);
    va_end(ap);
    free(*err);
    *err = s;
    return r;
}

void ax_err_prefix(char **err, const char *fmt, ...)
{
    if (!err || !*err)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *p = ax_vstrf(fmt, ap);
    va_end(ap);
    if (!p)
        return;
    size_t n = strlen(p) + strlen(*err) + 3;
    char *s = malloc(n);
    if (s) {
        snprintf(s, n, "%s: %s", p, *err);
        free(*err);
        *err = s;
    }
    free(p);
}

int ax_mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return -1;
    *out = a * b;
    return 0;
}

uint64_t ax_fnv1a(const void *data, size_t n, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}
