/*
 * traces — private parts shared by the modules of the layer: the layout of
 * a trace_file (one mmap'd file and the tensor views into it), the format
 * parsers that fill it, and the checked file sink the writers use.
 */
#ifndef AX_TRACE_INT_H
#define AX_TRACE_INT_H

#include "trace.h"

#include <stdio.h>

typedef struct {
    char *key, *value;
} trace_kv;

struct trace_file {
    char *path;         /* owned copy, as given by the caller */
    const uint8_t *map; /* the whole file, read-only; NULL when size 0 */
    size_t size;        /* file size, bytes */
    int mapped;         /* map is our mmap (else a caller's buffer) */
    int is_npy;
    trace_tensor *tensors; /* owned array of n views (names owned, data into map) */
    size_t n;
    void **copies;  /* per-tensor aligned copies (only for misaligned data), owned */
    trace_kv *meta; /* safetensors __metadata__, owned */
    size_t nmeta;
};

/* Parsers of an already mapped file (f->path, f->map, f->size set).
 * declared: -1, or the dtype the caller declared for an NPY file whose
 * stored dtype has the same element size (bf16 stored as '<u2'). */
ax_result trace_npy_parse(trace_file *f, int declared, char **err);
ax_result trace_st_parse(trace_file *f, char **err);

/* Parses a buffer in memory (the fuzz targets and the tests use these; the
 * buffer must outlive the returned handle). kind: 0 = detect, 1 = NPY,
 * 2 = safetensors; declared: -1 or a dtype as for trace_open_as. */
ax_result trace_open_mem(const char *name, const void *buf, size_t size, int kind, int declared,
                         trace_file **out, char **err);

/* Makes every tensor's data aligned to its element size (copies the few
 * misaligned ones, never the whole file). */
ax_result trace_fix_alignment(trace_file *f, char **err);

/* Checked sink for the writers: an atomic output (ax_out: a temporary file
 * in the target's directory, renamed over the target by trace_sink_commit
 * after fsync). trace_sink_abort removes the temporary file; the target is
 * untouched. */
typedef struct {
    ax_out *o;    /* NULL for trace_sink_fd */
    int borrowed; /* o belongs to the caller: commit/abort leave it */
    char *path;   /* trace_sink_fd only */
    int fd;
    uint64_t written; /* bytes, for error messages (the offset) */
} trace_sink;
ax_result trace_sink_open(trace_sink *s, const char *path, char **err);
/* Sink on an output the caller commits (several files committed together). */
void trace_sink_attach(trace_sink *s, ax_out *o);
/* Sink on an already open descriptor (tests: /dev/full); path names it. */
void trace_sink_fd(trace_sink *s, int fd, const char *path);
ax_result trace_sink_write(trace_sink *s, const void *buf, size_t n, char **err);
ax_result trace_sink_commit(trace_sink *s, char **err);
void trace_sink_abort(trace_sink *s);

/* NPY header text for dt/shape (v1 when it fits, else v2): returns a
 * malloc'd buffer of *len bytes holding magic, version, length and dict. */
ax_result trace_npy_header(trace_dtype dt, int ndim, const int64_t *shape, uint8_t **hdr,
                           size_t *len, char **err);

/* Checked numel * element size; -1 on overflow or a negative dim. */
int trace_shape_bytes(trace_dtype dt, int ndim, const int64_t *shape, size_t *numel,
                      size_t *nbytes);

/* The arithmetic of the generator (trace_gen_math.c): 8 xoshiro256**
 * streams per weight row and the float Box-Muller that turns them into
 * N(0, 1) · sd, element 16k + l from step k of stream l (cos branch) and
 * 16k + 8 + l (sin branch); the double reference product. Every SIMD path
 * gives the same bits. */
#define TRACE_GEN_LANES 8
typedef struct {
    uint64_t s[4][TRACE_GEN_LANES]; /* word w of stream l */
} trace_gen_rng8;
void trace_gen_rng8_seed(trace_gen_rng8 *r, uint64_t seed, uint64_t name_hash, uint64_t row);
/* out[0..n) (the row's first n elements; a row is generated in one call). */
void trace_gen_normals(trace_gen_rng8 *r, float *out, size_t n, float sd, ax_simd simd);
/* Rounds w[0..n) to bfloat16 in place (as trace_f32_to_bf16; no NaN) and
 * stores the bits in bits (may be NULL). */
void trace_gen_bf16(float *w, uint16_t *bits, size_t n, ax_simd simd);
/* x [T][in] float -> xd [ceil(T/8)][in][8] double (tokens in the last index,
 * zero past T). */
void trace_gen_pack_x(const float *x, size_t T, size_t in, double *xd);
/* y[t * out + o0 + r] = Σ_i xd(t, i) · wd[r][i] for t < T, r < rows, i
 * ascending, in double, stored as float. */
void trace_gen_dot(const double *xd, size_t T, const double *wd, size_t rows, size_t in, float *y,
                   size_t out, size_t o0, ax_simd simd);

#endif
