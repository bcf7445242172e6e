/*
 * Writers: safetensors (several tensors + __metadata__, optionally
 * streamed row chunks from a producer) and NPY (one tensor), both through
 * the atomic checked sink of trace_sink.c (ax_out), so a failed or
 * interrupted write leaves the old file untouched and no temporary. The
 * *_write variants fill an output the caller commits, so `axon gen` and
 * `axon encode` commit their files together. Tensor data is laid out by decreasing element size
 * after a header padded to 8 bytes, so every tensor in a file we write is
 * aligned to its element size.
 */
#include "trace_int.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_BYTES (4u << 20)

ax_result trace_npy_write(ax_out *o, trace_dtype dt, int ndim, const int64_t *shape,
                          const void *data, char **err)
{
    uint8_t *hdr;
    size_t hlen, nbytes;
    if (trace_shape_bytes(dt, ndim, shape, NULL, &nbytes) || (!data && nbytes))
        return ax_fail(err, AX_EPARAM, "%s: invalid dtype, shape or data for NPY", ax_out_path(o));
    ax_result r = trace_npy_header(dt, ndim, shape, &hdr, &hlen, err);
    if (r)
        return r;
    trace_sink s;
    trace_sink_attach(&s, o);
    r = trace_sink_write(&s, hdr, hlen, err);
    if (!r)
        r = trace_sink_write(&s, data, nbytes, err);
    trace_sink_abort(&s); /* borrowed: leaves o to the caller */
    free(hdr);
    return r;
}

ax_result trace_npy_save(const char *path, trace_dtype dt, int ndim, const int64_t *shape,
                         const void *data, char **err)
{
    size_t nbytes;
    if (trace_shape_bytes(dt, ndim, shape, NULL, &nbytes) || (!data && nbytes))
        return ax_fail(err, AX_EPARAM, "%s: invalid dtype, shape or data for NPY", path);
    ax_out *o;
    ax_result r = ax_out_open(path, 0, &o, err);
    if (!r)
        r = trace_npy_write(o, dt, ndim, shape, data, err);
    if (!r)
        return ax_out_commit(o, err);
    ax_out_abort(o);
    return r;
}

/* ---- safetensors writer ---- */

typedef struct {
    char *name;
    trace_dtype dt;
    int ndim;
    int64_t shape[TRACE_MAX_DIMS];
    size_t nbytes, begin;
    const void *data;
    trace_fill_fn fill;
    void *ctx;
} wt;

struct trace_writer {
    wt *t;
    size_t n, cap;
    trace_kv *meta;
    size_t nmeta;
    trace_progress_fn progress;
    void *pctx;
    uint64_t total; /* file size, while writing */
};

void trace_writer_progress(trace_writer *w, trace_progress_fn fn, void *ctx)
{
    w->progress = fn;
    w->pctx = ctx;
}

ax_result trace_writer_new(trace_writer **w, char **err)
{
    *w = calloc(1, sizeof **w);
    return *w ? AX_OK : ax_fail(err, AX_ENOMEM, "out of memory");
}

void trace_writer_free(trace_writer *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++)
        free(w->t[i].name);
    for (size_t i = 0; i < w->nmeta; i++) {
        free(w->meta[i].key);
        free(w->meta[i].value);
    }
    free(w->t);
    free(w->meta);
    free(w);
}

static ax_result add(trace_writer *w, const char *name, trace_dtype dt, int ndim,
                     const int64_t *shape, const void *data, trace_fill_fn fill, void *ctx,
                     char **err)
{
    size_t nbytes;
    if (!name || !*name || !strcmp(name, "__metadata__"))
        return ax_fail(err, AX_EPARAM, "tensor name '%s' is empty or reserved", name ? name : "");
    if (trace_shape_bytes(dt, ndim, shape, NULL, &nbytes))
        return ax_fail(err, AX_EPARAM, "tensor '%s': invalid dtype or shape (ndim %d, at most %d)",
                       name, ndim, TRACE_MAX_DIMS);
    if (!data && !fill && nbytes)
        return ax_fail(err, AX_EPARAM, "tensor '%s': no data", name);
    for (size_t i = 0; i < w->n; i++)
        if (!strcmp(w->t[i].name, name))
            return ax_fail(err, AX_EPARAM, "tensor '%s' added twice (hint: names must be unique)",
                           name);
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 16;
        wt *t = realloc(w->t, cap * sizeof *t);
        if (!t)
            return ax_fail(err, AX_ENOMEM, "out of memory");
        w->t = t;
        w->cap = cap;
    }
    wt *t = &w->t[w->n];
    memset(t, 0, sizeof *t);
    if (!(t->name = strdup(name)))
        return ax_fail(err, AX_ENOMEM, "out of memory");
    t->dt = dt;
    t->ndim = ndim;
    memcpy(t->shape, shape, sizeof(int64_t) * (size_t)ndim);
    t->nbytes = nbytes;
    t->data = data;
    t->fill = fill;
    t->ctx = ctx;
    w->n++;
    return AX_OK;
}

ax_result trace_writer_add(trace_writer *w, const char *name, trace_dtype dt, int ndim,
                           const int64_t *shape, const void *data, char **err)
{
    return add(w, name, dt, ndim, shape, data, NULL, NULL, err);
}

ax_result trace_writer_add_fill(trace_writer *w, const char *name, trace_dtype dt, int ndim,
                                const int64_t *shape, trace_fill_fn fill, void *ctx, char **err)
{
    if (!fill)
        return ax_fail(err, AX_EPARAM, "tensor '%s': no fill function", name ? name : "");
    return add(w, name, dt, ndim, shape, NULL, fill, ctx, err);
}

ax_result trace_writer_meta(trace_writer *w, const char *key, const char *value, char **err)
{
    if (!key || !*key || !value)
        return ax_fail(err, AX_EPARAM, "metadata key is empty or value missing");
    for (size_t i = 0; i < w->nmeta; i++)
        if (!strcmp(w->meta[i].key, key)) {
            char *v = strdup(value);
            if (!v)
                return ax_fail(err, AX_ENOMEM, "out of memory");
            free(w->meta[i].value);
            w->meta[i].value = v;
            return AX_OK;
        }
    trace_kv *m = realloc(w->meta, (w->nmeta + 1) * sizeof *m);
    if (!m)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    w->meta = m;
    m[w->nmeta].key = strdup(key);
    m[w->nmeta].value = strdup(value);
    w->nmeta++;
    if (!m[w->nmeta - 1].key || !m[w->nmeta - 1].value)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    return AX_OK;
}

/* Growing string buffer for the JSON header. */
typedef struct {
    char *s;
    size_t n, cap;
    int oom;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->n + n + 1) * 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void puts_(sbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void put_json_str(sbuf *b, const char *s)
{
    puts_(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char e[8];
        if (c == '"' || c == '\\') {
            e[0] = '\\';
            e[1] = (char)c;
            put(b, e, 2);
        } else if (c < 0x20) {
            snprintf(e, sizeof e, "\\u%04x", c);
            put(b, e, 6);
        } else {
            put(b, (const char *)&c, 1);
        }
    }
    puts_(b, "\"");
}

static ax_result write_tensor(const trace_writer *w, trace_sink *s, const wt *t, char **err)
{
    const char *path = ax_out_path(s->o);
    if (!t->fill) {
        /* in chunks, so progress moves on a large tensor too */
        const uint8_t *p = t->data;
        ax_result r = AX_OK;
        for (size_t off = 0; off < t->nbytes && !r; off += CHUNK_BYTES) {
            size_t k = t->nbytes - off < CHUNK_BYTES ? t->nbytes - off : CHUNK_BYTES;
            r = trace_sink_write(s, p + off, k, err);
            if (!r && w->progress)
                w->progress(w->pctx, s->written, w->total);
        }
        return r;
    }
    if (t->nbytes == 0)
        return AX_OK;
    size_t rows = t->ndim ? (size_t)t->shape[0] : 1, rowb = t->nbytes / rows;
    size_t per = rowb >= CHUNK_BYTES ? 1 : CHUNK_BYTES / rowb;
    if (per > rows)
        per = rows;
    uint8_t *buf = malloc(per * rowb);
    if (!buf)
        return ax_fail(err, AX_ENOMEM, "%s: out of memory for a %zu-byte chunk of '%s'", path,
                       per * rowb, t->name);
    ax_result r = AX_OK;
    for (size_t r0 = 0; r0 < rows && !r; r0 += per) {
        size_t k = rows - r0 < per ? rows - r0 : per;
        r = t->fill(t->ctx, r0, k, buf, err);
        if (r)
            ax_err_prefix(err, "%s: producing '%s'", path, t->name);
        else
            r = trace_sink_write(s, buf, k * rowb, err);
        if (!r && w->progress)
            w->progress(w->pctx, s->written, w->total);
    }
    free(buf);
    return r;
}

/* Lays the tensors out and builds the padded JSON header (*hdr, *hlen). */
static ax_result layout(trace_writer *w, const char *path, char **hdr, size_t *hlen,
                        uint64_t *total, char **err)
{
    /* layout: by decreasing element size (stable), so every tensor is aligned */
    size_t off = 0;
    for (size_t es = 8; es >= 1; es /= 2)
        for (size_t i = 0; i < w->n; i++)
            if (trace_dtype_size(w->t[i].dt) == es) {
                w->t[i].begin = off;
                off += w->t[i].nbytes;
            }
    sbuf b = {0};
    puts_(&b, "{");
    if (w->nmeta) {
        puts_(&b, "\"__metadata__\":{");
        for (size_t i = 0; i < w->nmeta; i++) {
            puts_(&b, i ? "," : "");
            put_json_str(&b, w->meta[i].key);
            puts_(&b, ":");
            put_json_str(&b, w->meta[i].value);
        }
        puts_(&b, "}");
    }
    for (size_t i = 0; i < w->n; i++) {
        const wt *t = &w->t[i];
        char num[64];
        puts_(&b, i || w->nmeta ? "," : "");
        put_json_str(&b, t->name);
        puts_(&b, ":{\"dtype\":\"");
        puts_(&b, trace_dtype_name(t->dt));
        puts_(&b, "\",\"shape\":[");
        for (int d = 0; d < t->ndim; d++) {
            snprintf(num, sizeof num, "%s%lld", d ? "," : "", (long long)t->shape[d]);
            puts_(&b, num);
        }
        snprintf(num, sizeof num, "],\"data_offsets\":[%zu,%zu]}", t->begin, t->begin + t->nbytes);
        puts_(&b, num);
    }
    puts_(&b, "}");
    while (!b.oom && b.n % 8)
        puts_(&b, " ");
    if (b.oom) {
        free(b.s);
        return ax_fail(err, AX_ENOMEM, "%s: out of memory for the header", path);
    }
    *hdr = b.s;
    *hlen = b.n;
    *total = 8 + (uint64_t)b.n + (uint64_t)off;
    return AX_OK;
}

ax_result trace_writer_bytes(trace_writer *w, uint64_t *bytes, char **err)
{
    char *h;
    size_t hl;
    ax_result r = layout(w, "(size)", &h, &hl, bytes, err);
    free(h);
    return r;
}

ax_result trace_writer_write(trace_writer *w, ax_out *o, char **err)
{
    char *h;
    size_t hl;
    ax_result r = layout(w, ax_out_path(o), &h, &hl, &w->total, err);
    if (r)
        return r;
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)((uint64_t)hl >> (8 * i));
    trace_sink s;
    trace_sink_attach(&s, o);
    r = trace_sink_write(&s, len, 8, err);
    if (!r)
        r = trace_sink_write(&s, h, hl, err);
    free(h);
    for (size_t es = 8; es >= 1 && !r; es /= 2)
        for (size_t i = 0; i < w->n && !r; i++)
            if (trace_dtype_size(w->t[i].dt) == es)
                r = write_tensor(w, &s, &w->t[i], err);
    trace_sink_abort(&s); /* borrowed: leaves o to the caller */
    return r;
}

ax_result trace_writer_save(trace_writer *w, const char *path, char **err)
{
    ax_out *o;
    ax_result r = ax_out_open(path, 0, &o, err);
    if (!r)
        r = trace_writer_write(w, o, err);
    if (!r)
        return ax_out_commit(o, err);
    ax_out_abort(o);
    return r;
}
