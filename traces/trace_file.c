/*
 * Opening a trace: map the file read-only (the page cache holds the data,
 * axon never copies a whole file), detect the format by its first bytes,
 * and hand the parsers a bounded view. Tensor references on the command
 * line are FILE, FILE:NAME and FILE@DTYPE (an NPY file whose stored dtype
 * is declared as another of the same size: bf16 saved by numpy as '<u2').
 */
#include "trace_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char npy_magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

static ax_result parse(trace_file *f, int kind, int declared, char **err)
{
    if (f->size == 0)
        return ax_fail(err, AX_EFORMAT,
                       "%s: offset 0: empty file (hint: the writer was interrupted?)", f->path);
    int npy = f->size >= 6 && memcmp(f->map, npy_magic, 6) == 0;
    if (kind == 0)
        kind = npy ? 1 : 2;
    if (kind == 2 && f->size < 8)
        return ax_fail(err, AX_EFORMAT,
                       "%s: offset 0: %zu bytes is too short for NPY or safetensors "
                       "(hint: NPY starts with \\x93NUMPY, safetensors with an 8-byte header "
                       "length)",
                       f->path, f->size);
    if (kind == 2 && declared >= 0)
        return ax_fail(err, AX_EPARAM,
                       "%s: a declared dtype (@%s) applies to NPY files only; safetensors stores "
                       "its own",
                       f->path, trace_dtype_name((trace_dtype)declared));
    ax_result r = kind == 1 ? trace_npy_parse(f, declared, err) : trace_st_parse(f, err);
    if (r == AX_OK)
        r = trace_fix_alignment(f, err);
    return r;
}

static trace_file *file_new(const char *path)
{
    trace_file *f = calloc(1, sizeof *f);
    if (f && !(f->path = strdup(path))) {
        free(f);
        f = NULL;
    }
    return f;
}

static ax_result open_file(const char *path, int declared, trace_file **out, char **err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block the open */
    if (fd < 0)
        return ax_fail(err, errno == ENOENT ? AX_ENOTFOUND : AX_EIO, "%s: cannot open: %s", path,
                       strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ax_fail(err, AX_EIO,
                       "%s: not a regular file (hint: give an .npy or .safetensors file)", path);
    }
    trace_file *f = file_new(path);
    if (!f) {
        close(fd);
        return ax_fail(err, AX_ENOMEM, "%s: out of memory", path);
    }
    f->size = (size_t)st.st_size;
    if (f->size > 0) {
        void *m = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            ax_result r = ax_fail(err, AX_EIO, "%s: mmap of %zu bytes failed: %s", path, f->size,
                                  strerror(errno));
            close(fd);
            trace_close(f);
            return r;
        }
        f->map = m;
        f->mapped = 1;
    }
    close(fd);
    ax_result r = parse(f, 0, declared, err);
    if (r) {
        trace_close(f);
        return r;
    }
    *out = f;
    return AX_OK;
}

ax_result trace_open(const char *path, trace_file **out, char **err)
{
    return open_file(path, -1, out, err);
}

ax_result trace_open_as(const char *path, trace_dtype declared, trace_file **out, char **err)
{
    if (trace_dtype_size(declared) == 0)
        return ax_fail(err, AX_EPARAM, "%s: declared dtype %d is not a trace dtype", path,
                       (int)declared);
    return open_file(path, (int)declared, out, err);
}

ax_result trace_open_mem(const char *name, const void *buf, size_t size, int kind, int declared,
                         trace_file **out, char **err)
{
    *out = NULL;
    trace_file *f = file_new(name);
    if (!f)
        return ax_fail(err, AX_ENOMEM, "%s: out of memory", name);
    f->map = buf;
    f->size = size;
    ax_result r = parse(f, kind, declared, err);
    if (r) {
        trace_close(f);
        return r;
    }
    *out = f;
    return AX_OK;
}

ax_result trace_fix_alignment(trace_file *f, char **err)
{
    for (size_t i = 0; i < f->n; i++) {
        trace_tensor *t = &f->tensors[i];
        size_t es = trace_dtype_size(t->dtype);
        if (t->nbytes == 0 || ((uintptr_t)t->data % es) == 0)
            continue;
        if (!f->copies && !(f->copies = calloc(f->n, sizeof *f->copies)))
            return ax_fail(err, AX_ENOMEM, "%s: out of memory", f->path);
        void *c = malloc(t->nbytes); /* malloc is aligned for every dtype */
        if (!c)
            return ax_fail(err, AX_ENOMEM,
                           "%s: out of memory copying misaligned tensor '%s' (%zu bytes)", f->path,
                           t->name, t->nbytes);
        memcpy(c, t->data, t->nbytes);
        f->copies[i] = c;
        t->data = c;
    }
    return AX_OK;
}

void trace_close(trace_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++) {
        free((char *)f->tensors[i].name);
        if (f->copies)
            free(f->copies[i]);
    }
    for (size_t i = 0; i < f->nmeta; i++) {
        free(f->meta[i].key);
        free(f->meta[i].value);
    }
    if (f->mapped)
        munmap((void *)f->map, f->size);
    free(f->copies);
    free(f->tensors);
    free(f->meta);
    free(f->path);
    free(f);
}

void trace_drop(const trace_file *f, const trace_tensor *t, size_t byte0, size_t nbytes)
{
    if (!f || !f->mapped || !t || byte0 > t->nbytes || nbytes > t->nbytes - byte0)
        return;
    const uint8_t *b = (const uint8_t *)t->data + byte0;
    if (b < f->map || b + nbytes > f->map + f->size)
        return; /* an aligned copy, not the mapping */
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = ((uintptr_t)b + page - 1) / page * page,
              hi = ((uintptr_t)b + nbytes) / page * page;
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_DONTNEED); /* clean file pages: read again if touched */
}

const char *trace_path(const trace_file *f)
{
    return f->path;
}
size_t trace_count(const trace_file *f)
{
    return f->n;
}

const trace_tensor *trace_at(const trace_file *f, size_t i)
{
    return i < f->n ? &f->tensors[i] : NULL;
}

const trace_tensor *trace_find(const trace_file *f, const char *name)
{
    if (f->is_npy)
        return f->n ? &f->tensors[0] : NULL;
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->tensors[i].name, name) == 0)
            return &f->tensors[i];
    return NULL;
}

const char *trace_meta(const trace_file *f, const char *key)
{
    for (size_t i = 0; i < f->nmeta; i++)
        if (strcmp(f->meta[i].key, key) == 0)
            return f->meta[i].value;
    return NULL;
}

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* FILE or FILE@DTYPE: sets *file (malloc'd) and *declared when it names an
 * existing regular file; returns 0 then. */
static int split_at(const char *s, size_t len, char **file, int *declared)
{
    char *p = strndup(s, len);
    if (!p)
        return -1;
    if (is_file(p)) {
        *file = p;
        *declared = -1;
        return 0;
    }
    char *at = strrchr(p, '@');
    trace_dtype dt;
    if (at && trace_dtype_parse(at + 1, &dt) == AX_OK) {
        *at = '\0';
        if (is_file(p)) {
            *file = p;
            *declared = (int)dt;
            return 0;
        }
    }
    free(p);
    return -1;
}

ax_result trace_open_ref(const char *ref, trace_file **f, const trace_tensor **t, char **err)
{
    *f = NULL;
    *t = NULL;
    char *file = NULL;
    const char *name = NULL;
    int declared = -1;
    if (split_at(ref, strlen(ref), &file, &declared) != 0) {
        for (const char *c = ref + strlen(ref); c > ref; c--)
            if (c[-1] == ':' && split_at(ref, (size_t)(c - 1 - ref), &file, &declared) == 0) {
                name = c;
                break;
            }
    }
    if (!file)
        return ax_fail(err, AX_ENOTFOUND,
                       "%s: no such file (hint: a tensor is FILE, FILE:TENSOR_NAME or "
                       "FILE.npy@bf16)",
                       ref);
    ax_result r = open_file(file, declared, f, err);
    free(file);
    if (r)
        return r;
    if (name && *name) {
        *t = trace_find(*f, name);
        if (!*t) {
            r = ax_fail(err, AX_ENOTFOUND, "%s: no tensor '%s' among its %zu (hint: first is '%s')",
                        trace_path(*f), name, trace_count(*f),
                        trace_count(*f) ? trace_at(*f, 0)->name : "");
        }
    } else if (trace_count(*f) == 1) {
        *t = trace_at(*f, 0);
    } else {
        r = ax_fail(err, AX_EPARAM, "%s: holds %zu tensors; name one as %s:TENSOR_NAME",
                    trace_path(*f), trace_count(*f), trace_path(*f));
    }
    if (r) {
        trace_close(*f);
        *f = NULL;
        *t = NULL;
    }
    return r;
}
