/*
 * NPY reader and header writer, after numpy's format spec
 * (numpy/lib/format.py, NEP 1): "\x93NUMPY", major, minor, a little-endian
 * header length (uint16 in v1.0, uint32 in v2.0/v3.0), then a Python dict
 * literal {'descr': ..., 'fortran_order': ..., 'shape': (...), } padded
 * with spaces to a multiple of 64 bytes and ended by '\n', then the raw
 * data. Only C order and little-endian descr of the trace dtypes are read;
 * every header field is checked against the file size, and every error
 * names the file and the byte offset it applies to.
 */
#include "trace_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const trace_file *f;
    const uint8_t *p; /* the whole file */
    size_t pos, end;  /* cursor and end of the header dict */
    char **err;
} hdr;

static ax_result bad(hdr *h, const char *what, const char *hint)
{
    return ax_fail(h->err, AX_EFORMAT, "%s: offset %zu: malformed NPY header: %s (hint: %s)",
                   h->f->path, h->pos, what, hint);
}

static void ws(hdr *h)
{
    while (h->pos < h->end && (h->p[h->pos] == ' ' || h->p[h->pos] == '\t' ||
                               h->p[h->pos] == '\n' || h->p[h->pos] == '\r'))
        h->pos++;
}

static int eat(hdr *h, char c)
{
    ws(h);
    if (h->pos < h->end && h->p[h->pos] == c) {
        h->pos++;
        return 1;
    }
    return 0;
}

/* A quoted Python string without escapes, into buf. */
static ax_result str(hdr *h, char *buf, size_t cap)
{
    ws(h);
    if (h->pos >= h->end || (h->p[h->pos] != '\'' && h->p[h->pos] != '"'))
        return bad(h, "expected a quoted string", "the header must be a Python dict literal");
    char q = (char)h->p[h->pos++];
    size_t n = 0;
    while (h->pos < h->end && h->p[h->pos] != q) {
        if (h->p[h->pos] == '\\' || n + 1 >= cap)
            return bad(h, "string too long or escaped",
                       "keys are 'descr', 'fortran_order', 'shape'");
        buf[n++] = (char)h->p[h->pos++];
    }
    if (h->pos >= h->end)
        return bad(h, "unterminated string", "the header length may be wrong");
    h->pos++;
    buf[n] = '\0';
    return AX_OK;
}

static int word(hdr *h, const char *w)
{
    size_t n = strlen(w);
    ws(h);
    if (h->end - h->pos >= n && memcmp(h->p + h->pos, w, n) == 0) {
        h->pos += n;
        return 1;
    }
    return 0;
}

static ax_result shape(hdr *h, int *ndim, int64_t *dims)
{
    if (!eat(h, '('))
        return bad(h, "expected '(' for the shape", "shape is a tuple of non-negative integers");
    *ndim = 0;
    for (;;) {
        if (eat(h, ')'))
            return AX_OK;
        ws(h);
        if (h->pos >= h->end || h->p[h->pos] < '0' || h->p[h->pos] > '9')
            return bad(h, "expected a non-negative integer in the shape", "shape is like (3, 4)");
        if (*ndim == TRACE_MAX_DIMS)
            return bad(h, "more than 8 dimensions", "traces have at most 8 dimensions");
        int64_t v = 0;
        while (h->pos < h->end && h->p[h->pos] >= '0' && h->p[h->pos] <= '9') {
            if (v > (INT64_MAX - 9) / 10)
                return bad(h, "dimension too large", "the header lies about the shape");
            v = v * 10 + (h->p[h->pos++] - '0');
        }
        if (h->pos < h->end && h->p[h->pos] == 'L')
            h->pos++; /* Python 2 long */
        dims[(*ndim)++] = v;
        if (!eat(h, ',')) {
            if (eat(h, ')'))
                return AX_OK;
            return bad(h, "expected ',' or ')' in the shape", "shape is like (3, 4)");
        }
    }
}

/* descr -> dtype; -2 for '<u2' (only with a declared dtype). */
static int descr_dtype(const char *d)
{
    /* clang-format off */
    static const struct { const char *s; int dt; } map[] = {
        {"<f4", TRACE_F32}, {"<f2", TRACE_F16}, {"<i1", TRACE_I8}, {"|i1", TRACE_I8},
        {"|u1", TRACE_U8},  {"<u1", TRACE_U8},  {"<i2", TRACE_I16}, {"<i4", TRACE_I32}, {"<i8", TRACE_I64},
        {"<u2", -2},
    };
    /* clang-format on */
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(d, map[i].s) == 0)
            return map[i].dt;
    return -1;
}

ax_result trace_npy_parse(trace_file *f, int declared, char **err)
{
    hdr h = {.f = f, .p = f->map, .pos = 0, .end = f->size, .err = err};
    f->is_npy = 1;
    if (f->size < 10 || memcmp(f->map, "\x93NUMPY", 6) != 0)
        return ax_fail(err, AX_EFORMAT,
                       "%s: offset 0: not an NPY file (bad magic or shorter than 10 bytes) "
                       "(hint: NPY files start with \\x93NUMPY)",
                       f->path);
    int major = f->map[6], minor = f->map[7];
    if (major < 1 || major > 3 || minor != 0)
        return ax_fail(err, AX_EFORMAT,
                       "%s: offset 6: NPY version %d.%d is not 1.0, 2.0 or 3.0 "
                       "(hint: save with numpy.save or np.lib.format.write_array)",
                       f->path, major, minor);
    size_t hstart = major == 1 ? 10 : 12, hlen;
    if (f->size < hstart)
        return ax_fail(err, AX_EFORMAT,
                       "%s: offset 8: file ends inside the header length (%zu bytes)", f->path,
                       f->size);
    if (major == 1)
        hlen = (size_t)f->map[8] | (size_t)f->map[9] << 8;
    else
        hlen = (size_t)f->map[8] | (size_t)f->map[9] << 8 | (size_t)f->map[10] << 16 |
               (size_t)f->map[11] << 24;
    if (hlen > f->size - hstart)
        return ax_fail(err, AX_EFORMAT,
                       "%s: offset 8: header length %zu runs past the end of the file "
                       "(%zu bytes) (hint: the file is truncated)",
                       f->path, hlen, f->size);
    h.pos = hstart;
    h.end = hstart + hlen;
    char descr[32] = "", key[32];
    int seen = 0, fortran = 0, ndim = 0;
    int64_t dims[TRACE_MAX_DIMS];
    ax_result r;
    if (!eat(&h, '{'))
        return bad(&h, "expected '{'", "the header is a Python dict literal");
    while (!eat(&h, '}')) {
        size_t kpos = h.pos;
        if ((r = str(&h, key, sizeof key)))
            return r;
        if (!eat(&h, ':'))
            return bad(&h, "expected ':' after a key", "the header is a Python dict literal");
        int bit = !strcmp(key, "descr")           ? 1
                  : !strcmp(key, "fortran_order") ? 2
                  : !strcmp(key, "shape")         ? 4
                                                  : 0;
        if (!bit || (seen & bit)) {
            h.pos = kpos;
            return bad(&h, bit ? "duplicate key" : "unknown key",
                       "keys are 'descr', 'fortran_order', 'shape'");
        }
        seen |= bit;
        if (bit == 1) {
            ws(&h);
            if (h.pos < h.end && (h.p[h.pos] == '[' || h.p[h.pos] == '{'))
                return ax_fail(err, AX_EUNSUPPORTED,
                               "%s: offset %zu: structured dtype is not supported "
                               "(hint: save a plain numeric array)",
                               f->path, h.pos);
            if ((r = str(&h, descr, sizeof descr)))
                return r;
        } else if (bit == 2) {
            if (word(&h, "True"))
                fortran = 1;
            else if (!word(&h, "False"))
                return bad(&h, "fortran_order must be True or False",
                           "the header is a Python dict literal");
        } else if ((r = shape(&h, &ndim, dims))) {
            return r;
        }
        if (!eat(&h, ',')) {
            if (eat(&h, '}'))
                break;
            return bad(&h, "expected ',' or '}'", "the header is a Python dict literal");
        }
    }
    ws(&h);
    if (h.pos != h.end)
        return bad(&h, "bytes after the closing '}'", "the header length may be wrong");
    if (seen != 7)
        return ax_fail(err, AX_EFORMAT,
                       "%s: offset %zu: NPY header lacks '%s' (hint: save with numpy.save)",
                       f->path, hstart,
                       !(seen & 1)   ? "descr"
                       : !(seen & 2) ? "fortran_order"
                                     : "shape");
    if (fortran)
        return ax_fail(err, AX_EUNSUPPORTED,
                       "%s: offset %zu: array is in Fortran order; axon reads C order "
                       "(hint: np.save(path, np.ascontiguousarray(a)))",
                       f->path, hstart);
    int dt = descr_dtype(descr);
    if (dt == -1 && descr[0] == '>' && strcmp(descr + 2, "1") != 0)
        return ax_fail(err, AX_EUNSUPPORTED,
                       "%s: offset %zu: big-endian dtype '%s' "
                       "(hint: np.save(path, a.astype(a.dtype.newbyteorder('<'))))",
                       f->path, hstart, descr);
    if (dt == -1)
        return ax_fail(err, AX_EUNSUPPORTED,
                       "%s: offset %zu: dtype '%s' is not one of <f4 <f2 <i1 |u1 <i2 <i4 <i8 "
                       "(hint: convert with a.astype(np.float32); bf16 as uint16 needs "
                       "FILE.npy@bf16)",
                       f->path, hstart, descr);
    if (declared >= 0) {
        size_t stored = dt == -2 ? 2 : trace_dtype_size((trace_dtype)dt);
        if (stored != trace_dtype_size((trace_dtype)declared))
            return ax_fail(err, AX_EMISMATCH,
                           "%s: offset %zu: declared dtype %s (%zu bytes) does not fit "
                           "stored dtype '%s' (%zu bytes) (hint: @bf16 goes with '<u2' arrays)",
                           f->path, hstart, trace_dtype_name((trace_dtype)declared),
                           trace_dtype_size((trace_dtype)declared), descr, stored);
        dt = declared;
    } else if (dt == -2) {
        return ax_fail(err, AX_EUNSUPPORTED,
                       "%s: offset %zu: dtype '<u2' (uint16) is not a trace dtype "
                       "(hint: if it holds bf16 bit patterns, open it as %s@bf16)",
                       f->path, hstart, f->path);
    }
    size_t numel, nbytes, off = hstart + hlen;
    if (trace_shape_bytes((trace_dtype)dt, ndim, dims, &numel, &nbytes))
        return ax_fail(err, AX_EFORMAT,
                       "%s: offset %zu: shape overflows the address space "
                       "(hint: the header lies about the shape)",
                       f->path, hstart);
    if (nbytes > f->size - off)
        return ax_fail(err, AX_EFORMAT,
                       "%s: offset %zu: data truncated: shape and dtype '%s' need %zu bytes, "
                       "the file has %zu after the header (hint: the copy or the writer was "
                       "interrupted)",
                       f->path, off, descr, nbytes, f->size - off);
    if (nbytes < f->size - off)
        return ax_fail(err, AX_EFORMAT,
                       "%s: offset %zu: %zu bytes after the data that the header's shape "
                       "does not describe (hint: the header lies about the shape)",
                       f->path, off + nbytes, f->size - off - nbytes);
    f->tensors = calloc(1, sizeof *f->tensors);
    char *name = strdup("");
    if (!f->tensors || !name) {
        free(name);
        return ax_fail(err, AX_ENOMEM, "%s: out of memory", f->path);
    }
    trace_tensor *t = &f->tensors[0];
    f->n = 1;
    t->name = name;
    t->dtype = (trace_dtype)dt;
    t->ndim = ndim;
    memcpy(t->shape, dims, sizeof(int64_t) * (size_t)ndim);
    t->data = f->map + off;
    t->nbytes = nbytes;
    return AX_OK;
}

ax_result trace_npy_header(trace_dtype dt, int ndim, const int64_t *shape, uint8_t **hdr_out,
                           size_t *len, char **err)
{
    static const char *descr[] =
        {[TRACE_F32] = "<f4", [TRACE_F16] = "<f2", [TRACE_BF16] = "<u2", [TRACE_I8] = "|i1",
         [TRACE_U8] = "|u1",  [TRACE_I16] = "<i2", [TRACE_I32] = "<i4",  [TRACE_I64] = "<i8"};
    if (trace_shape_bytes(dt, ndim, shape, NULL, NULL))
        return ax_fail(err, AX_EPARAM, "NPY: invalid dtype or shape (ndim %d)", ndim);
    char dict[512];
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                     descr[dt]);
    for (int i = 0; i < ndim; i++)
        n += snprintf(dict + n, sizeof dict - (size_t)n, "%s%lld", i ? ", " : "",
                      (long long)shape[i]);
    n += snprintf(dict + n, sizeof dict - (size_t)n, "%s), }", ndim == 1 ? "," : "");
    size_t pre = 10, body = (size_t)n + 1; /* + '\n' */
    size_t total = (pre + body + 63) / 64 * 64;
    if (total - pre > 65535) {
        pre = 12;
        total = (pre + body + 63) / 64 * 64;
    }
    uint8_t *b = malloc(total);
    if (!b)
        return ax_fail(err, AX_ENOMEM, "NPY: out of memory");
    size_t hl = total - pre;
    memcpy(b, "\x93NUMPY", 6);
    b[6] = pre == 10 ? 1 : 2;
    b[7] = 0;
    for (size_t i = 0; i < pre - 8; i++)
        b[8 + i] = (uint8_t)(hl >> (8 * i));
    memcpy(b + pre, dict, (size_t)n);
    memset(b + pre + n, ' ', total - pre - (size_t)n - 1);
    b[total - 1] = '\n';
    *hdr_out = b;
    *len = total;
    return AX_OK;
}
