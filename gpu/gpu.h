/*
 * gpu — the reference for a layer's integer path (docs/design.md §2 "Result"):
 *   acc_g[t][j] = Σ_{i in group g} s[t][i] * q[j][i]       (exact int32)
 *   y[t][j]     = vth[t] * Σ_g scale[j][g] * acc_g[t][j]
 * The CPU path (gpu_ref.c) is the twin of the CUDA kernels (gpu_cuda.cu);
 * both give the same acc bit for bit, and the same y bit for bit (the
 * dequantization is done in double, in the same order, without FMA
 * contraction on either side). A sum that does not fit int32 is reported
 * as AX_EOVERFLOW naming the first (token, output, group) in that order,
 * never wrapped.
 *
 * acc layout: [tokens][out][ngroups] (ngroups = 1 for per-channel).
 *
 * Comparison (gpu_compare.c): exact comparison of integer results and the
 * error metrics of float results (cosine, relative L2, max abs, SNR), used
 * by `axon compare` and `axon run --ref`.
 */
#ifndef AX_GPU_H
#define AX_GPU_H

#include "../ax/ax.h"
#include "../mapper/map.h"

#include <stdint.h>

/* counts[tokens][qw->in] -> acc[tokens][qw->out][qw->ngroups]. */
ax_result gpu_ref_cpu(const int32_t *counts, size_t tokens, const map_qweight *qw, int32_t *acc,
                      char **err);

/* How gpu_ref_cpu_ex runs: threads <= 0 = all CPUs; simd < 0 = the widest
 * SIMD path this CPU runs (ax_simd_best), else that ax_simd (capped at the
 * CPU's); vnni 0 = never use AVX-512 VNNI, else use it when the CPU has it.
 * acc is the same whatever the options. */
typedef struct {
    int threads;
    int simd;
    int vnni;
    int i8; /* 0: never the 8-bit VNNI kernel (counts within [-127, 127]); else when it applies */
} gpu_ref_opts;
void gpu_ref_opts_default(gpu_ref_opts *o);

/* The accumulation path a call took (gpu_ref.c explains each). */
typedef enum {
    GPU_REF_I8_AVX512_VNNI,
    GPU_REF_I16_AVX512_VNNI,
    GPU_REF_I16_AVX512,
    GPU_REF_I16_AVX2,
    GPU_REF_I16_PORTABLE,
    GPU_REF_I32,
    GPU_REF_I64
} gpu_ref_path;
const char *gpu_ref_path_name(gpu_ref_path p);

/* gpu_ref_cpu with options (NULL: defaults); *path (may be NULL) gets the
 * path taken. */
ax_result gpu_ref_cpu_ex(const int32_t *counts, size_t tokens, const map_qweight *qw, int32_t *acc,
                         const gpu_ref_opts *o, gpu_ref_path *path, char **err);

/* y[tokens][out] = vth[t] * Σ_g scale * acc (double sum, float result). */
void gpu_dequant(const int32_t *acc, const float *vth, size_t tokens, const map_qweight *qw,
                 float *y);
/* The same on up to `threads` threads (<= 0: every CPU), by tokens: each y
 * element is computed as above, so the same bits for every thread count. */
void gpu_dequant_par(const int32_t *acc, const float *vth, size_t tokens, const map_qweight *qw,
                     float *y, int threads);

/* ---- CUDA path ------------------------------------------------------------
 * Implemented in gpu_cuda.cu (binary built by `make gpu`, e.g. build/axon-cuda);
 * a binary built without nvcc links gpu_cuda_stub.c instead, where every
 * function below returns AX_EUNSUPPORTED (gpu_cuda_built() returns 0). */

/* Same contract as gpu_ref_cpu (bit-identical acc, same overflow error).
 * AX_EUNSUPPORTED with a message when built without CUDA or when no CUDA
 * device is present at run time. */
ax_result gpu_ref_cuda(const int32_t *counts, size_t tokens, const map_qweight *qw, int32_t *acc,
                       char **err);

typedef struct {
    char device[256];  /* GPU name, "" when unknown */
    int wide;          /* 1: int32-count kernel (a count outside int8, or a group too
                            long for the int32 dp4a bound), 0: dp4a int8 kernel */
    int repeat;        /* kernel launches timed */
    double acc_ms;     /* GPU time of one accumulate kernel launch, ms (mean) */
    double dequant_ms; /* GPU time of the dequant kernel, ms (0 when not run) */
    double int_ops;    /* 2 * tokens * out * in (multiply + add), for TOPS */
} gpu_cuda_stats;

#define GPU_CUDA_FORCE_WIDE 1u /* use the int32-count kernel even for int8 counts */

/* gpu_ref_cuda plus: when vth and y are not NULL, y from the GPU dequant
 * kernel (bit-identical to gpu_dequant); repeat >= 1 timed launches of the
 * accumulate kernel (acc is the same every time); st may be NULL. */
ax_result gpu_ref_cuda_ex(const int32_t *counts, const float *vth, size_t tokens,
                          const map_qweight *qw, int32_t *acc, float *y, unsigned flags, int repeat,
                          gpu_cuda_stats *st, char **err);

/* 1 when this binary contains the CUDA kernels, 0 for the stub. */
int gpu_cuda_built(void);

/* ---- comparison --------------------------------------------------------- */

#define GPU_CMP_SHOW 8 /* mismatches / non-finite values kept for the report */

/* Exact comparison of two integer tensors of n elements. */
typedef struct {
    size_t n;                 /* elements compared */
    size_t mismatches;        /* positions where a != b */
    size_t nshow;             /* entries filled below (<= GPU_CMP_SHOW) */
    size_t idx[GPU_CMP_SHOW]; /* flat (C order) index of the first mismatches */
    int64_t a[GPU_CMP_SHOW], b[GPU_CMP_SHOW];
    double max_abs_diff; /* max |a - b| (0 when equal) */
} gpu_cmp_int;

void gpu_compare_i32(const int32_t *a, const int32_t *b, size_t n, gpu_cmp_int *r);

/* Float comparison of a reference `a` against a test `b`. Pairs where either
 * value is NaN or Inf are counted and left out of the metrics (never
 * propagated into them); the first few are kept. Sums are kept so that
 * several tensors merge into an overall figure (gpu_cmp_float_merge). */
typedef struct {
    size_t n;                        /* elements */
    size_t compared;                 /* pairs where both are finite */
    size_t nonfinite_a, nonfinite_b; /* NaN/Inf counts in a and in b */
    size_t nshow;                    /* pairs with a non-finite value kept below */
    size_t idx[GPU_CMP_SHOW];
    double a[GPU_CMP_SHOW], b[GPU_CMP_SHOW];
    double saa, sbb, sab, see; /* Σa², Σb², Σab, Σ(a-b)² over compared pairs */
    double max_abs;            /* max |a - b| */
    size_t max_abs_idx;        /* its flat index (within this tensor) */
    /* filled by gpu_cmp_float_finish: */
    double cosine; /* a·b / (|a||b|); 1 when both are zero, 0 when one is */
    double rel_l2; /* |a - b| / |a|; 0 when equal, +Inf when |a| = 0 != |b - a| */
    double snr_db; /* 10 log10(Σa² / Σ(a-b)²); +Inf when equal */
} gpu_cmp_float;

/* Compares and finishes r. */
void gpu_compare_f32(const float *a, const float *b, size_t n, gpu_cmp_float *r);
/* Adds the sums and counts of x into total (x's kept entries are not merged;
 * max_abs_idx of the total is left as x's when x holds the larger error). */
void gpu_cmp_float_merge(gpu_cmp_float *total, const gpu_cmp_float *x);
/* Computes cosine, rel_l2 and snr_db from the sums. */
void gpu_cmp_float_finish(gpu_cmp_float *r);

/* Writes the multi-dimensional index of flat index `flat` in a C-order
 * tensor of the given shape as "[i,j,k]" into buf (always NUL-terminated). */
void gpu_index_str(size_t flat, int ndim, const int64_t *shape, char *buf, size_t len);

#endif
