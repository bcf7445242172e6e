/*
 * safetensors reader, after the format's spec (huggingface/safetensors
 * README, "Format"): an 8-byte little-endian header length N, N bytes of
 * UTF-8 JSON {"name": {"dtype": "F32", "shape": [..], "data_offsets":
 * [begin, end]}, ..., "__metadata__": {"k": "v"}} (padded with spaces), then
 * the byte buffer. Like the reference implementation we require the
 * tensors to tile the buffer exactly (sorted by begin: no overlap, no
 * hole, nothing after the last), every end - begin to equal
 * numel * dtype size, and N to stay under 100 MB.
 */
#include "trace_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ST_MAX_HEADER (100u * 1000u * 1000u)

typedef struct {
    trace_file *f;
    size_t hlen;
    char **err;
} st;

/* Byte offset of a tensor's key in the file, for error messages. */
static size_t key_offset(const st *s, const char *name)
{
    size_t nl = strlen(name);
    const uint8_t *h = s->f->map + 8;
    for (size_t i = 0; nl + 2 <= s->hlen && i + nl + 2 <= s->hlen; i++)
        if (h[i] == '"' && memcmp(h + i + 1, name, nl) == 0 && h[i + nl + 1] == '"')
            return 8 + i;
    return 8;
}

static ax_result bad(const st *s, const char *name, const char *what, const char *hint)
{
    return ax_fail(s->err, AX_EFORMAT, "%s: offset %zu: tensor '%s': %s (hint: %s)", s->f->path,
                   key_offset(s, name), name, what, hint);
}

/* An exact non-negative integer below 2^53. */
static int as_int(const cJSON *j, int64_t *v)
{
    if (!cJSON_IsNumber(j))
        return -1;
    double d = j->valuedouble;
    if (!(d >= 0) || d > 9007199254740992.0 || floor(d) != d)
        return -1;
    *v = (int64_t)d;
    return 0;
}

static ax_result entry(st *s, const cJSON *e, trace_tensor *t, int64_t *begin, size_t dsize)
{
    const char *name = e->string;
    if (!cJSON_IsObject(e))
        return bad(s, name, "entry is not an object",
                   "each tensor maps to {dtype, shape, data_offsets}");
    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(e, "dtype");
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(e, "shape");
    const cJSON *off = cJSON_GetObjectItemCaseSensitive(e, "data_offsets");
    if (!cJSON_IsString(dt) || !cJSON_IsArray(sh) || !cJSON_IsArray(off))
        return bad(s, name, "missing or mistyped dtype, shape or data_offsets",
                   "each tensor maps to {\"dtype\": str, \"shape\": [int], \"data_offsets\": [int, "
                   "int]}");
    if (trace_dtype_parse(dt->valuestring, &t->dtype) != AX_OK ||
        strcmp(dt->valuestring, trace_dtype_name(t->dtype)))
        return ax_fail(s->err, AX_EUNSUPPORTED,
                       "%s: offset %zu: tensor '%s': dtype '%s' is not one of "
                       "F32 F16 BF16 I8 U8 I16 I32 I64 (hint: convert the tensor before saving)",
                       s->f->path, key_offset(s, name), name, dt->valuestring);
    int nd = cJSON_GetArraySize(sh);
    if (nd > TRACE_MAX_DIMS)
        return bad(s, name, "more than 8 dimensions", "traces have at most 8 dimensions");
    t->ndim = nd;
    int i = 0;
    for (const cJSON *d = sh->child; d; d = d->next, i++)
        if (as_int(d, &t->shape[i]))
            return bad(s, name, "shape holds something other than a non-negative integer",
                       "shape is like [3, 4]");
    int64_t b, en;
    if (cJSON_GetArraySize(off) != 2 || as_int(off->child, &b) || as_int(off->child->next, &en))
        return bad(s, name, "data_offsets is not two non-negative integers",
                   "data_offsets is [begin, end]");
    size_t numel;
    if (trace_shape_bytes(t->dtype, nd, t->shape, &numel, &t->nbytes))
        return bad(s, name, "shape overflows the address space", "the header lies about the shape");
    if (en < b)
        return ax_fail(s->err, AX_EFORMAT,
                       "%s: offset %zu: tensor '%s': data_offsets [%lld, %lld] are "
                       "reversed: the end comes before the begin (hint: data_offsets is [begin, "
                       "end) "
                       "with begin <= end; the header is wrong)",
                       s->f->path, key_offset(s, name), name, (long long)b, (long long)en);
    if ((uint64_t)en > dsize)
        return ax_fail(s->err, AX_EFORMAT,
                       "%s: offset %zu: tensor '%s': data_offsets [%lld, %lld] outside the "
                       "%zu-byte data buffer (hint: the file is truncated or the header is wrong)",
                       s->f->path, key_offset(s, name), name, (long long)b, (long long)en, dsize);
    if ((uint64_t)(en - b) != t->nbytes)
        return ax_fail(s->err, AX_EFORMAT,
                       "%s: offset %zu: tensor '%s': data_offsets span %lld bytes but shape "
                       "and dtype %s need %zu (hint: the header lies about the shape)",
                       s->f->path, key_offset(s, name), name, (long long)(en - b), dt->valuestring,
                       t->nbytes);
    *begin = b;
    t->data = s->f->map + 8 + s->hlen + b;
    return AX_OK;
}

static const trace_tensor *g_sort_base;
static int cmp_begin(const void *a, const void *b)
{
    const trace_tensor *x = &g_sort_base[*(const size_t *)a], *y = &g_sort_base[*(const size_t *)b];
    return x->data < y->data   ? -1
           : x->data > y->data ? 1
                               : (x->nbytes > y->nbytes) - (x->nbytes < y->nbytes);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(g_sort_base[*(const size_t *)a].name, g_sort_base[*(const size_t *)b].name);
}

/* Tensors must tile [0, dsize) exactly, and names be unique. */
static ax_result tiling(st *s, size_t dsize)
{
    trace_file *f = s->f;
    size_t *ix = malloc((f->n ? f->n : 1) * sizeof *ix);
    if (!ix)
        return ax_fail(s->err, AX_ENOMEM, "%s: out of memory", f->path);
    for (size_t i = 0; i < f->n; i++)
        ix[i] = i;
    ax_result r = AX_OK;
    g_sort_base = f->tensors;
    qsort(ix, f->n, sizeof *ix, cmp_name);
    for (size_t i = 1; i < f->n && !r; i++)
        if (!strcmp(f->tensors[ix[i]].name, f->tensors[ix[i - 1]].name))
            r = bad(s, f->tensors[ix[i]].name, "name appears twice in the header",
                    "names must be unique");
    qsort(ix, f->n, sizeof *ix, cmp_begin);
    const uint8_t *data0 = f->map + 8 + s->hlen, *pos = data0;
    for (size_t i = 0; i < f->n && !r; i++) {
        const trace_tensor *t = &f->tensors[ix[i]];
        const uint8_t *b = t->data;
        if (b != pos)
            r = ax_fail(s->err, AX_EFORMAT,
                        "%s: offset %zu: tensor '%s' begins at buffer byte %zu, where %s "
                        "(hint: data_offsets must tile the buffer without gaps or overlaps)",
                        f->path, key_offset(s, t->name), t->name, (size_t)(b - data0),
                        b < pos ? "it overlaps the previous tensor" : "a hole precedes it");
        pos = b + t->nbytes;
    }
    if (!r && (size_t)(pos - data0) != dsize)
        r = ax_fail(s->err, AX_EFORMAT,
                    "%s: offset %zu: %zu bytes after the last tensor that no header entry "
                    "describes (hint: the header lies about the tensors, or two files were "
                    "concatenated)",
                    f->path, 8 + s->hlen + (size_t)(pos - data0), dsize - (size_t)(pos - data0));
    free(ix);
    return r;
}

static ax_result metadata(st *s, const cJSON *m)
{
    trace_file *f = s->f;
    if (!cJSON_IsObject(m))
        return ax_fail(s->err, AX_EFORMAT,
                       "%s: offset 8: __metadata__ is not an object (hint: it maps "
                       "strings to strings)",
                       f->path);
    int n = cJSON_GetArraySize(m);
    f->meta = calloc((size_t)n + 1, sizeof *f->meta);
    if (!f->meta)
        return ax_fail(s->err, AX_ENOMEM, "%s: out of memory", f->path);
    for (const cJSON *e = m->child; e; e = e->next) {
        if (!cJSON_IsString(e))
            return ax_fail(s->err, AX_EFORMAT,
                           "%s: offset %zu: __metadata__ value of '%s' is not a string "
                           "(hint: it maps strings to strings)",
                           f->path, key_offset(s, e->string), e->string);
        trace_kv *kv = &f->meta[f->nmeta];
        kv->key = strdup(e->string);
        kv->value = strdup(e->valuestring);
        f->nmeta++;
        if (!kv->key || !kv->value)
            return ax_fail(s->err, AX_ENOMEM, "%s: out of memory", f->path);
    }
    return AX_OK;
}

ax_result trace_st_parse(trace_file *f, char **err)
{
    st s = {.f = f, .err = err};
    uint64_t n = 0;
    for (int i = 0; i < 8; i++)
        n |= (uint64_t)f->map[i] << (8 * i);
    if (n < 2 || n > ST_MAX_HEADER || n > f->size - 8)
        return ax_fail(err, AX_EFORMAT,
                       "%s: offset 0: safetensors header length %llu is %s (file %zu bytes) "
                       "(hint: not a safetensors file, or truncated)",
                       f->path, (unsigned long long)n,
                       n < 2               ? "too small"
                       : n > ST_MAX_HEADER ? "over the 100 MB limit"
                                           : "past the end of the file",
                       f->size);
    s.hlen = (size_t)n;
    const char *h = (const char *)f->map + 8, *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(h, s.hlen, &end, 0);
    if (!root) {
        size_t at = end && end >= h && end <= h + s.hlen ? (size_t)(end - h) : 0;
        return ax_fail(err, AX_EFORMAT,
                       "%s: offset %zu: safetensors header is not valid JSON "
                       "(hint: the header length or the file is damaged)",
                       f->path, 8 + at);
    }
    ax_result r = AX_OK;
    for (const char *c = end; c < h + s.hlen && !r; c++)
        if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r' && *c != '\0')
            r = ax_fail(err, AX_EFORMAT,
                        "%s: offset %zu: bytes after the JSON header "
                        "(hint: only space padding may follow it)",
                        f->path, 8 + (size_t)(c - h));
    if (!r && !cJSON_IsObject(root))
        r = ax_fail(err, AX_EFORMAT,
                    "%s: offset 8: safetensors header is not a JSON object "
                    "(hint: it maps tensor names to entries)",
                    f->path);
    size_t dsize = f->size - 8 - s.hlen;
    if (!r) {
        int cnt = cJSON_GetArraySize(root);
        f->tensors = calloc((size_t)cnt + 1, sizeof *f->tensors);
        if (!f->tensors)
            r = ax_fail(err, AX_ENOMEM, "%s: out of memory", f->path);
    }
    int seen_meta = 0;
    for (const cJSON *e = r ? NULL : root->child; e && !r; e = e->next) {
        if (!strcmp(e->string, "__metadata__")) {
            r = seen_meta++
                    ? ax_fail(err, AX_EFORMAT, "%s: offset 8: __metadata__ appears twice", f->path)
                    : metadata(&s, e);
            continue;
        }
        trace_tensor *t = &f->tensors[f->n];
        if (!(t->name = strdup(e->string))) {
            r = ax_fail(err, AX_ENOMEM, "%s: out of memory", f->path);
            break;
        }
        f->n++;
        int64_t begin;
        r = entry(&s, e, t, &begin, dsize);
    }
    if (!r)
        r = tiling(&s, dsize);
    cJSON_Delete(root);
    return r;
}
