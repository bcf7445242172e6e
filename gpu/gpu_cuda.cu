/*
 * CUDA twin of the CPU reference (gpu_ref.c), docs/design.md §2 "Result":
 *   acc_g[t][j] = Σ_{i in group g} s[t][i] * q[j][i]   (exact int32)
 *   y[t][j]     = vth[t] * Σ_g scale[j][g] * acc_g[t][j]
 *
 * Host wrapper of the kernels in gpu_kernels.cuh (dp4a int8 kernel, wide
 * int32-count kernel, dequant): checks the shape, finds a device, chooses
 * the kernel with the int32 no-overflow bound (gpu_kernel_wide), packs the
 * operands, copies, launches, times with CUDA events, and reports an
 * overflow with the CPU path's exact message (the flagged element is
 * recomputed in int64 on the host).
 * Why dp4a and not the tensor cores (IMMA/WGMMA): see docs/gpu.md.
 */
#include <cuda_runtime.h>

/* The C headers of axon have no extern "C" guards of their own: everything
 * declared there (ax_fail, map_qweight, gpu_ref_cuda, ...) has C linkage,
 * so the definitions below are callable from the C objects. */
extern "C" {
#include "gpu.h"
}

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu_kernels.cuh"

/* ---- host side ------------------------------------------------------------ */

typedef struct {
    void *p[8];
    int n;
} dev_bufs;

static ax_result cu_fail(char **err, cudaError_t e, const char *what)
{
    return ax_fail(err, e == cudaErrorMemoryAllocation ? AX_ENOMEM : AX_EIO, "CUDA %s: %s (%s)",
                   what, cudaGetErrorString(e), cudaGetErrorName(e));
}

static ax_result dev_alloc(dev_bufs *b, void **p, size_t n, char **err)
{
    cudaError_t e = cudaMalloc(p, n ? n : 1);
    if (e != cudaSuccess)
        return cu_fail(err, e, "cudaMalloc");
    b->p[b->n++] = *p;
    return AX_OK;
}

static void dev_free(dev_bufs *b)
{
    for (int i = 0; i < b->n; i++)
        cudaFree(b->p[i]);
    b->n = 0;
}

int gpu_cuda_built(void)
{
    return 1;
}

/* Checks that a device exists; names it in st. */
static ax_result cuda_device(gpu_cuda_stats *st, char **err)
{
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess || n == 0)
        return ax_fail(err, AX_EUNSUPPORTED,
                       "no CUDA device available (%s) (hint: run on a machine where `nvidia-smi -L` "
                       "lists a GPU, or use --device cpu)",
                       e != cudaSuccess ? cudaGetErrorString(e) : "0 devices");
    if (st) {
        cudaDeviceProp pr;
        int dev = 0;
        if (cudaGetDevice(&dev) == cudaSuccess && cudaGetDeviceProperties(&pr, dev) == cudaSuccess)
            snprintf(st->device, sizeof st->device, "%s", pr.name);
    }
    return AX_OK;
}

/* Launches the chosen accumulate kernel `repeat` times, timing them. */
static ax_result run_acc(int wide, const void *dc, const void *dq, size_t tokens,
                         const map_qweight *qw, int gw, int *dacc, unsigned long long *dbad,
                         int repeat, double *ms, char **err)
{
    dim3 th(NTH, NTH), bl((unsigned)((qw->out + BO - 1) / BO), (unsigned)((tokens + BT - 1) / BT));
    cudaEvent_t e0, e1;
    cudaError_t e;
    if ((e = cudaEventCreate(&e0)) != cudaSuccess || (e = cudaEventCreate(&e1)) != cudaSuccess)
        return cu_fail(err, e, "cudaEventCreate");
    cudaEventRecord(e0);
    for (int r = 0; r < repeat; r++) {
        if (wide)
            gpu_k_acc_wide<<<bl, th>>>((const int *)dc, (const signed char *)dq, (int)tokens,
                                       (int)qw->out, (int)qw->in, (int)qw->ngroups,
                                       (int)qw->group, dacc, dbad);
        else
            gpu_k_acc_dp4a<<<bl, th>>>((const int *)dc, (const int *)dq, (int)tokens,
                                       (int)qw->out, (int)qw->ngroups, gw, dacc);
    }
    cudaEventRecord(e1);
    e = cudaGetLastError();
    if (e == cudaSuccess)
        e = cudaEventSynchronize(e1);
    float f = 0;
    if (e == cudaSuccess)
        cudaEventElapsedTime(&f, e0, e1);
    cudaEventDestroy(e0);
    cudaEventDestroy(e1);
    if (e != cudaSuccess)
        return cu_fail(err, e, wide ? "gpu_k_acc_wide" : "gpu_k_acc_dp4a");
    *ms = (double)f / repeat;
    return AX_OK;
}

ax_result gpu_ref_cuda_ex(const int32_t *counts, const float *vth, size_t tokens,
                          const map_qweight *qw, int32_t *acc, float *y, unsigned flags,
                          int repeat, gpu_cuda_stats *st, char **err)
{
    if (st)
        memset(st, 0, sizeof *st);
    if (repeat < 1)
        repeat = 1;
    const size_t in = qw->in, out = qw->out, ng = qw->ngroups, G = qw->group;
    if (G == 0 || ng == 0 || ng != (in + G - 1) / G)
        return ax_fail(err, AX_EPARAM, "quantized weight has group %zu and %zu groups for in=%zu",
                       G, ng, in);
    if (in >= ((size_t)1 << 24) || tokens > INT32_MAX || out > INT32_MAX ||
        tokens * out > (size_t)1 << 40 || (tokens + BT - 1) / BT > 65535)
        return ax_fail(err, AX_EUNSUPPORTED,
                       "shape tokens=%zu out=%zu in=%zu is beyond the CUDA kernels' index range",
                       tokens, out, in);
    ax_result r = cuda_device(st, err);
    if (r)
        return r;
    int64_t m = 0;
    for (size_t k = 0; k < tokens * in; k++) {
        int64_t v = counts[k] < 0 ? -(int64_t)counts[k] : counts[k];
        if (v > m)
            m = v;
    }
    size_t Gp = gpu_kernel_gp(G, in);
    int wide = gpu_kernel_wide(m, Gp, flags);
    if (wide && (size_t)ng * G > (size_t)INT32_MAX)
        return ax_fail(err, AX_EUNSUPPORTED, "group layout too large for the wide kernel");
    if (!wide && ng * Gp / 4 > (size_t)INT32_MAX)
        return ax_fail(err, AX_EUNSUPPORTED, "group layout too large for the dp4a kernel");
    int gw = (int)(Gp / 4);
    dev_bufs b = {{0}, 0};
    void *dc = NULL, *dq = NULL, *dacc = NULL, *dbad = NULL;
    signed char *hc = NULL, *hq = NULL;
    size_t nacc = tokens * out * ng;
    cudaError_t e = cudaSuccess;
    double ms = 0;
    unsigned long long bad = ~0ULL;
    void *dv = NULL, *ds = NULL, *dy = NULL;
    cudaEvent_t e0, e1;
    long long nel = (long long)tokens * (long long)out;
    float f = 0;
    if (wide) {
        if ((r = dev_alloc(&b, &dc, tokens * in * sizeof(int32_t), err)) ||
            (r = dev_alloc(&b, &dq, out * in, err)))
            goto done;
        if ((e = cudaMemcpy(dc, counts, tokens * in * sizeof(int32_t), cudaMemcpyHostToDevice)) ||
            (e = cudaMemcpy(dq, qw->q, out * in, cudaMemcpyHostToDevice)))
            goto cuerr;
    } else {
        size_t rowb = ng * Gp;
        hc = (signed char *)malloc(tokens * rowb + 1);
        hq = (signed char *)malloc(out * rowb + 1);
        if (!hc || !hq) {
            r = ax_fail(err, AX_ENOMEM, "out of memory packing int8 operands");
            goto done;
        }
        pack_rows_i32(counts, tokens, in, G, ng, Gp, hc);
        pack_rows_i8(qw->q, out, in, G, ng, Gp, hq);
        if ((r = dev_alloc(&b, &dc, tokens * rowb, err)) || (r = dev_alloc(&b, &dq, out * rowb, err)))
            goto done;
        if ((e = cudaMemcpy(dc, hc, tokens * rowb, cudaMemcpyHostToDevice)) ||
            (e = cudaMemcpy(dq, hq, out * rowb, cudaMemcpyHostToDevice)))
            goto cuerr;
    }
    if ((r = dev_alloc(&b, &dacc, nacc * sizeof(int32_t), err)) ||
        (r = dev_alloc(&b, &dbad, sizeof(unsigned long long), err)))
        goto done;
    if ((e = cudaMemset(dbad, 0xff, sizeof(unsigned long long))))
        goto cuerr;
    if (tokens && out && (r = run_acc(wide, dc, dq, tokens, qw, gw, (int *)dacc,
                                      (unsigned long long *)dbad, repeat, &ms, err)))
        goto done;
    if ((e = cudaMemcpy(&bad, dbad, sizeof bad, cudaMemcpyDeviceToHost)))
        goto cuerr;
    if (bad != ~0ULL) {
        /* Recompute the named element in int64 for the message (same text as the CPU path). */
        size_t g = bad % ng, j = (bad / ng) % out, t = bad / ng / out;
        size_t lo = g * G, hi = lo + G < in ? lo + G : in;
        int64_t a = 0;
        for (size_t i = lo; i < hi; i++)
            a += (int64_t)counts[t * in + i] * qw->q[j * in + i];
        r = ax_fail(err, AX_EOVERFLOW,
                    "accumulator overflow at token %zu, output %zu, group %zu: %lld "
                    "does not fit int32 (hint: clamp counts, or use a smaller --group)",
                    t, j, g, (long long)a);
        goto done;
    }
    if ((e = cudaMemcpy(acc, dacc, nacc * sizeof(int32_t), cudaMemcpyDeviceToHost)))
        goto cuerr;
    if (st) {
        st->wide = wide;
        st->repeat = repeat;
        st->acc_ms = ms;
        st->int_ops = 2.0 * (double)tokens * (double)out * (double)in;
    }
    if (vth && y && tokens && out) {
        if ((r = dev_alloc(&b, &dv, tokens * sizeof(float), err)) ||
            (r = dev_alloc(&b, &ds, out * ng * sizeof(float), err)) ||
            (r = dev_alloc(&b, &dy, tokens * out * sizeof(float), err)))
            goto done;
        if ((e = cudaMemcpy(dv, vth, tokens * sizeof(float), cudaMemcpyHostToDevice)) ||
            (e = cudaMemcpy(ds, qw->scale, out * ng * sizeof(float), cudaMemcpyHostToDevice)))
            goto cuerr;
        if ((e = cudaEventCreate(&e0)) || (e = cudaEventCreate(&e1)))
            goto cuerr;
        cudaEventRecord(e0);
        gpu_k_dequant<<<(unsigned)((nel + 255) / 256), 256>>>((const int *)dacc, (const float *)dv,
                                                              (const float *)ds, (long long)tokens,
                                                              (int)out, (int)ng, (float *)dy);
        cudaEventRecord(e1);
        e = cudaGetLastError();
        if (e == cudaSuccess)
            e = cudaEventSynchronize(e1);
        if (e == cudaSuccess)
            cudaEventElapsedTime(&f, e0, e1);
        cudaEventDestroy(e0);
        cudaEventDestroy(e1);
        if (e != cudaSuccess)
            goto cuerr;
        if (st)
            st->dequant_ms = f;
        if ((e = cudaMemcpy(y, dy, tokens * out * sizeof(float), cudaMemcpyDeviceToHost)))
            goto cuerr;
    }
    r = AX_OK;
    goto done;
cuerr:
    r = cu_fail(err, e, "kernel or copy");
done:
    dev_free(&b);
    free(hc);
    free(hq);
    return r;
}

ax_result gpu_ref_cuda(const int32_t *counts, size_t tokens, const map_qweight *qw, int32_t *acc,
                       char **err)
{
    return gpu_ref_cuda_ex(counts, NULL, tokens, qw, acc, NULL, 0, 1, NULL, err);
}
