/*
 * traces — tensors in and out of axon: NPY (v1/v2/v3, C order) and
 * safetensors files, read through mmap (never a whole-file copy) and
 * written atomically (temporary file + rename, every write checked, so a
 * full disk leaves the old file intact).
 *
 * A tensor is addressed on the command line as FILE (an NPY file, or a
 * safetensors file holding exactly one tensor) or FILE:TENSOR_NAME.
 * Layer tensors use Hugging Face names: `<layer>.weight` [out, in],
 * `<layer>.input` [tokens, in], `<layer>.output` [tokens, out].
 */
#ifndef AX_TRACE_H
#define AX_TRACE_H

#include "../ax/ax.h"

#include <stdint.h>

typedef enum {
    TRACE_F32,
    TRACE_F16,
    TRACE_BF16,
    TRACE_I8,
    TRACE_U8,
    TRACE_I16,
    TRACE_I32,
    TRACE_I64 /* read only: PyTorch's default integer dtype, converted with a range check */
} trace_dtype;

#define TRACE_MAX_DIMS 8

/* A read-only view of one tensor. data points into the mapping owned by
 * the trace_file; it is valid until trace_close(). Little-endian, C order.
 * data is aligned to the element size: the rare tensor stored misaligned
 * in its file is copied (that tensor only) at open. */
typedef struct {
    const char *name; /* "" for an NPY file */
    trace_dtype dtype;
    int ndim;
    int64_t shape[TRACE_MAX_DIMS];
    const void *data;
    size_t nbytes;
} trace_tensor;

typedef struct trace_file trace_file;

/* Bytes per element; name as in safetensors ("F32", "BF16", ...). */
size_t trace_dtype_size(trace_dtype dt);
const char *trace_dtype_name(trace_dtype dt);
ax_result trace_dtype_parse(const char *name, trace_dtype *dt);
int trace_dtype_is_int(trace_dtype dt);
/* Element count (product of shape); 1 for ndim 0. */
size_t trace_numel(const trace_tensor *t);

/* Opens PATH (format detected by magic: "\x93NUMPY" or safetensors' 8-byte
 * header length), validates every header field against the file size.
 * On success *out is a new handle the caller frees with trace_close(). */
ax_result trace_open(const char *path, trace_file **out, char **err);
void trace_close(trace_file *f); /* NULL is a no-op */

const char *trace_path(const trace_file *f);
/* Lets the pages of bytes [byte0, byte0 + nbytes) of t (a tensor of f)
 * leave this process's memory once read (they stay in the page cache and
 * are read again if touched): loaders call it behind themselves, so a
 * 10 GB checkpoint never counts in the resident set. No-op for copies. */
void trace_drop(const trace_file *f, const trace_tensor *t, size_t byte0, size_t nbytes);
size_t trace_count(const trace_file *f);
const trace_tensor *trace_at(const trace_file *f, size_t i);
/* NULL when absent. For NPY files the one tensor matches "" and any name. */
const trace_tensor *trace_find(const trace_file *f, const char *name);
/* safetensors __metadata__ value, or NULL. */
const char *trace_meta(const trace_file *f, const char *key);

/* Like trace_open, for an NPY file whose stored dtype has the element
 * size of `declared`: its data is read as `declared`. This is how bf16
 * saved by numpy (which has no bfloat16; the bits are stored as '<u2')
 * is read. AX_EPARAM for safetensors files (they carry their own dtype). */
ax_result trace_open_as(const char *path, trace_dtype declared, trace_file **out, char **err);

/* Opens "FILE", "FILE:NAME" or "FILE@DTYPE" (e.g. `x.npy@bf16`, see
 * trace_open_as). A whole ref that names an existing file wins; otherwise
 * the part after the right-most ':' whose left part is an existing file
 * (optionally with @DTYPE) is the tensor name. *f owns *t. */
ax_result trace_open_ref(const char *ref, trace_file **f, const trace_tensor **t, char **err);

/* Converts any dtype to float32 into dst (numel floats). Fails with
 * AX_ERANGE when a value is NaN or Inf, naming it as every command does:
 * "activation of token T, channel C" in a 2-D activation, "weight[j][i]"
 * in a `<layer>.weight`, "element [i, j, ...]" otherwise. */
ax_result trace_to_f32(const trace_tensor *t, float *dst, char **err);
/* Elements [first, first + n) (flat, C order) only, e.g. one row: what
 * loaders use so that no whole-tensor float copy is ever made. Errors name
 * the flat index in the whole tensor. Vectorized (AVX2, F16C) where the CPU
 * allows, the same floats on every path. */
ax_result trace_to_f32_range(const trace_tensor *t, size_t first, size_t n, float *dst, char **err);
/* Integer dtypes to int32 (AX_EPARAM for float dtypes); an int64 value
 * outside int32 is AX_ERANGE naming it like trace_to_f32. */
ax_result trace_to_i32(const trace_tensor *t, int32_t *dst, char **err);

/* float <-> half helpers (round-to-nearest-even on narrowing). */
float trace_f16_to_f32(uint16_t h);
float trace_bf16_to_f32(uint16_t h);
uint16_t trace_f32_to_f16(float f);
uint16_t trace_f32_to_bf16(float f);

/* Writers. A trace_writer collects tensors (data is NOT copied: the caller
 * keeps it alive until trace_writer_save returns) and metadata strings. */
typedef struct trace_writer trace_writer;
ax_result trace_writer_new(trace_writer **w, char **err);
ax_result trace_writer_add(trace_writer *w, const char *name, trace_dtype dt, int ndim,
                           const int64_t *shape, const void *data, char **err);
ax_result trace_writer_meta(trace_writer *w, const char *key, const char *value, char **err);
/* Streaming variant: while saving, the writer calls fill(ctx, row0, nrows,
 * buf, err) to produce rows [row0, row0 + nrows) of the tensor in dtype dt
 * (a row is shape[1] * ... * shape[ndim-1] elements; a 0-d tensor is one
 * row), holding only a chunk of about 4 MiB (at least one row) at a time.
 * ctx stays owned by the caller and must live until trace_writer_save. */
typedef ax_result (*trace_fill_fn)(void *ctx, size_t row0, size_t nrows, void *buf, char **err);
ax_result trace_writer_add_fill(trace_writer *w, const char *name, trace_dtype dt, int ndim,
                                const int64_t *shape, trace_fill_fn fill, void *ctx, char **err);
/* Writes a safetensors file atomically (ax_out: temporary + rename). */
ax_result trace_writer_save(trace_writer *w, const char *path, char **err);
/* The size in bytes of the file trace_writer_save would write. */
ax_result trace_writer_bytes(trace_writer *w, uint64_t *bytes, char **err);
/* Writes the file into o without committing it, so several files can be
 * committed together (ax_out_commit_n); the caller commits or aborts o. */
ax_result trace_writer_write(trace_writer *w, ax_out *o, char **err);
/* Called after every chunk written: (ctx, bytes written, bytes in the file). */
typedef void (*trace_progress_fn)(void *ctx, uint64_t done, uint64_t total);
void trace_writer_progress(trace_writer *w, trace_progress_fn fn, void *ctx);
void trace_writer_free(trace_writer *w); /* NULL is a no-op */

/* Writes one NPY (v1.0 header unless it needs v2) atomically. */
ax_result trace_npy_save(const char *path, trace_dtype dt, int ndim, const int64_t *shape,
                         const void *data, char **err);
/* The same into o, not committed (several files committed together). */
ax_result trace_npy_write(ax_out *o, trace_dtype dt, int ndim, const int64_t *shape,
                          const void *data, char **err);

/* ---- Synthetic LLM-like traces and weights (trace_gen.c) ----
 * Deterministic from the seed: every row of every tensor has its own
 * PRNG streams seeded by splitmix64(seed, tensor name, row), so the bytes
 * do not depend on chunking, on the thread count, on the SIMD path or on
 * which other tensors are written. Activations are heavy-tailed
 * (Student-t) with a few outlier channels; weights are N(0, 1/in). See
 * docs/traces.md for the model and presets. */
enum {
    TRACE_GEN_UP = 1,
    TRACE_GEN_GATE = 2,
    TRACE_GEN_DOWN = 4, /* mlp.*_proj */
    TRACE_GEN_Q = 8,
    TRACE_GEN_K = 16,
    TRACE_GEN_V = 32,
    TRACE_GEN_O = 64 /* self_attn.*_proj */
};
#define TRACE_GEN_MLP (TRACE_GEN_UP | TRACE_GEN_GATE | TRACE_GEN_DOWN)
#define TRACE_GEN_ATTN (TRACE_GEN_Q | TRACE_GEN_K | TRACE_GEN_V | TRACE_GEN_O)
#define TRACE_GEN_MAX_LAYERS 256

typedef struct {
    const char *preset; /* name stored in the metadata ("custom" if none) */
    uint64_t seed;
    size_t tokens;        /* rows of every <layer>.input */
    size_t hidden, ffn;   /* up/gate: hidden -> ffn; down: ffn -> hidden */
    size_t q_out, kv_out; /* q: hidden -> q_out, k/v: hidden -> kv_out, o: q_out ->
                                  hidden (heads x head_dim, kv heads x head_dim); 0: hidden */
    int layers[TRACE_GEN_MAX_LAYERS];
    size_t nlayers;       /* layer indices i of model.layers.<i>.* */
    unsigned projs;       /* TRACE_GEN_* bit mask */
    trace_dtype wdtype;   /* TRACE_F32 or TRACE_BF16 */
    int with_output;      /* also write <layer>.output = input * weight^T */
    double dof;           /* Student-t degrees of freedom (> 2) */
    double outlier_frac;  /* fraction of input channels that are outliers */
    double outlier_scale; /* their magnitude relative to the others */
    /* The count clamp `axon run` needs on this preset's layers for cosine
     * >= 0.99 against <layer>.output ("on", "off" or MIN:MAX, the run
     * parameter's syntax): the preset states it, gen stores it as the
     * `run_clamp` metadata and prints it. NULL: "on" (the default). */
    const char *clamp;
    /* Synthetic operating point (trace_gen_target_set): steps > 0 makes every
     * <layer>.input int32 spike counts with exactly the stated statistic in
     * sign-magnitude coding (bitwise-signed) over `steps` time steps, instead
     * of float activations (`axon run` takes integer inputs as counts). */
    struct {
        int steps;         /* T: counts |c| < 2^T; 0 = float activations */
        double silent;     /* (token, channel) pairs with count 0 */
        double ev_per_act; /* spikes (events) per activation = (1 - sparsity) * T */
    } target;
    int threads;          /* <= 0: all CPUs (the bytes never depend on it) */
    int simd;             /* < 0: the widest this CPU runs, else an ax_simd (tests) */
    /* progress: called from the calling thread with bytes written of both files
       and their total (the reference output's product moves it too); NULL: none */
    trace_progress_fn progress;
    void *progress_user;
} trace_gen_cfg;

/* Fills cfg from a preset: "tiny", "qwen7b-mlp", "spikingbrain2-5b-mlp",
 * "qwen7b", "spikingbrain2-5b" (AX_ENOTFOUND lists the names). */
ax_result trace_gen_preset(const char *name, trace_gen_cfg *cfg, char **err);
/* Sets cfg->target from a stated statistic: steps T (1..30), the silent
 * fraction F of (token, channel) pairs, and exactly one of ev_per_act X,
 * sparsity S over the T slots of an activation (X = (1 - S) T) or spikes
 * per firing pair P (X = (1 - F) P); the others < 0 (not given). Refuses
 * an incomplete or contradictory set, and X outside [(1 - F), (1 - F) T]
 * (a firing pair has 1 to T spikes), naming the options (AX_EPARAM). */
ax_result trace_gen_target_set(trace_gen_cfg *cfg, int steps, double silent, double ev_per_act,
                               double sparsity, double spikes_per_firing, char **err);
/* The statistic a target trace has, per (token) row exactly: every row of
 * in channels has round((1 - F) in) firing pairs and round(X in) spikes
 * (so each figure is within 0.5 / in of the target). */
typedef struct {
    double silent, ev_per_act, sparsity, spikes_per_firing;
    int steps;
} trace_gen_stat;
void trace_gen_target_stat(const trace_gen_cfg *cfg, size_t in, trace_gen_stat *st);
/* "0,3,5-7" into cfg->layers (0, or -1 when malformed or more than
 * TRACE_GEN_MAX_LAYERS); "q,k,v,o,up,gate,down,attn,mlp,all" into a
 * TRACE_GEN_* mask (0, or -1 for an unknown name). */
int trace_gen_parse_layers(const char *s, trace_gen_cfg *c);
int trace_gen_parse_projs(const char *s, unsigned *projs);
/* Name and one-line description of preset i; NULL past the end. */
const char *trace_gen_preset_name(size_t i, const char **desc);
/* The clamp preset i states (see trace_gen_cfg.clamp); NULL past the end. */
const char *trace_gen_preset_clamp(size_t i);
/* Writes the weights (model.layers.<i>.{self_attn,mlp}.<p>_proj.weight
 * [out, in]) to weights_path and the trace (<layer>.input [tokens, in] f32,
 * and <layer>.output [tokens, out] f32) to trace_path; either may be NULL.
 * Weights stream row chunks; one output tensor is held at a time. Both
 * sizes are checked against the free space first (trace_gen_check_space);
 * both files go to temporaries committed together (ax_out_commit_n). */
ax_result trace_gen_write(const trace_gen_cfg *cfg, const char *weights_path,
                          const char *trace_path, char **err);
/* AX_EIO naming the size when wbytes + tbytes (per file system) exceed the
 * free space of the paths' file systems; NULL paths are skipped. */
ax_result trace_gen_check_space(const char *wpath, uint64_t wbytes, const char *tpath,
                                uint64_t tbytes, char **err);
/* Weight elements trace_gen_write generates (those of the file, and again
 * for the reference output): its work, e.g. for a rate. */
uint64_t trace_gen_work(const trace_gen_cfg *cfg, int weights, int trace);

#endif
