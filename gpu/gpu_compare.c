/*
 * Comparison of results: integers exactly (the contract of docs/design.md §2 is
 * bit-for-bit acc), floats by error metrics (a recorded bf16 output against
 * the f32 reference cannot be exact). Metrics, with a = reference, b = test:
 *   cosine  = Σab / sqrt(Σa² Σb²)
 *   rel_l2  = sqrt(Σ(a-b)²) / sqrt(Σa²)
 *   snr_db  = 10 log10(Σa² / Σ(a-b)²)
 *   max_abs = max |a - b|
 * Sums are taken in double. A pair where either value is NaN or Inf is
 * counted and reported, and left out of the sums, so one bad value does
 * not turn every metric into NaN without saying where it came from.
 */
#include "gpu.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void gpu_compare_i32(const int32_t *a, const int32_t *b, size_t n, gpu_cmp_int *r)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    for (size_t i = 0; i < n; i++) {
        if (a[i] == b[i])
            continue;
        double d = fabs((double)a[i] - (double)b[i]);
        if (d > r->max_abs_diff)
            r->max_abs_diff = d;
        if (r->nshow < GPU_CMP_SHOW) {
            r->idx[r->nshow] = i;
            r->a[r->nshow] = a[i];
            r->b[r->nshow] = b[i];
            r->nshow++;
        }
        r->mismatches++;
    }
}

void gpu_cmp_float_finish(gpu_cmp_float *r)
{
    double na = sqrt(r->saa), nb = sqrt(r->sbb), ne = sqrt(r->see);
    if (na == 0 && nb == 0)
        r->cosine = 1.0;
    else if (na == 0 || nb == 0)
        r->cosine = 0.0;
    else
        r->cosine = r->sab / (na * nb);
    if (ne == 0) {
        r->rel_l2 = 0.0;
        r->snr_db = INFINITY;
    } else if (na == 0) {
        r->rel_l2 = INFINITY;
        r->snr_db = -INFINITY;
    } else {
        r->rel_l2 = ne / na;
        r->snr_db = 10.0 * log10(r->saa / r->see);
    }
}

void gpu_compare_f32(const float *a, const float *b, size_t n, gpu_cmp_float *r)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    for (size_t i = 0; i < n; i++) {
        int fa = isfinite(a[i]), fb = isfinite(b[i]);
        if (!fa || !fb) {
            r->nonfinite_a += !fa;
            r->nonfinite_b += !fb;
            if (r->nshow < GPU_CMP_SHOW) {
                r->idx[r->nshow] = i;
                r->a[r->nshow] = a[i];
                r->b[r->nshow] = b[i];
                r->nshow++;
            }
            continue;
        }
        double x = a[i], y = b[i], e = x - y;
        r->saa += x * x;
        r->sbb += y * y;
        r->sab += x * y;
        r->see += e * e;
        if (fabs(e) > r->max_abs) {
            r->max_abs = fabs(e);
            r->max_abs_idx = i;
        }
        r->compared++;
    }
    gpu_cmp_float_finish(r);
}

void gpu_cmp_float_merge(gpu_cmp_float *total, const gpu_cmp_float *x)
{
    total->n += x->n;
    total->compared += x->compared;
    total->nonfinite_a += x->nonfinite_a;
    total->nonfinite_b += x->nonfinite_b;
    total->saa += x->saa;
    total->sbb += x->sbb;
    total->sab += x->sab;
    total->see += x->see;
    if (x->max_abs > total->max_abs) {
        total->max_abs = x->max_abs;
        total->max_abs_idx = x->max_abs_idx;
    }
    gpu_cmp_float_finish(total);
}

void gpu_index_str(size_t flat, int ndim, const int64_t *shape, char *buf, size_t len)
{
    if (!len)
        return;
    size_t idx[16];
    if (ndim < 0)
        ndim = 0;
    if (ndim > 16)
        ndim = 16;
    for (int d = ndim - 1; d >= 0; d--) {
        size_t s = shape[d] > 0 ? (size_t)shape[d] : 1;
        idx[d] = flat % s;
        flat /= s;
    }
    size_t o = 0;
    int w = snprintf(buf, len, "[");
    o = w > 0 ? (size_t)w : 0;
    for (int d = 0; d < ndim && o < len; d++) {
        w = snprintf(buf + o, len - o, d ? ",%zu" : "%zu", idx[d]);
        o += w > 0 ? (size_t)w : 0;
    }
    if (o < len)
        snprintf(buf + o, len - o, "]");
    buf[len - 1] = '\0';
}
