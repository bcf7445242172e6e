/*
 * Weight-memory layout for DRAM streaming and channel reordering
 * (docs/design.md §3: a burst is fetched unless every axon it holds is
 * silent, so layout and channel reordering matter). This is the
 * memory-granularity overhead that idealised event counts leave out: one
 * active axon makes its whole burst travel.
 *
 * Layout: a tile streams in its SRAM form, row per axon (C bytes a row),
 * cut into bursts of B bytes aligned to the tile start. Reordering: input
 * channels sorted by how many tokens they fire in (hot first, silent
 * last), inside each weight group so group sums do not change; the same
 * permutation is applied to the weight columns and to the trace channels,
 * so every accumulator is unchanged (tests/test_map_layout.c checks this
 * with gpu_ref_cpu).
 */
#include "map_int.h"

#include <stdlib.h>
#include <string.h>

void map_channel_activity(const int32_t *counts, size_t tokens, size_t in, uint64_t *active)
{
    memset(active, 0, in * sizeof *active);
    for (size_t t = 0; t < tokens; t++)
        for (size_t i = 0; i < in; i++)
            active[i] += counts[t * in + i] != 0;
}

/* Stable bottom-up merge sort of one group by activity, descending. */
static void sort_group(const uint64_t *active, uint32_t *a, uint32_t *tmp, size_t n)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = active[a[j]] > active[a[i]] ? a[j++] : a[i++];
            while (i < mid)
                tmp[k++] = a[i++];
            while (j < hi)
                tmp[k++] = a[j++];
        }
        memcpy(a, tmp, n * sizeof *a);
    }
}

void map_reorder_perm(const uint64_t *active, size_t in, size_t group, uint32_t *perm)
{
    if (group == 0 || group > in)
        group = in;
    uint32_t *tmp = malloc(group * sizeof *tmp);
    for (size_t i = 0; i < in; i++)
        perm[i] = (uint32_t)i;
    if (!tmp) /* no memory for the sort: identity is a valid (unordered) answer */
        return;
    for (size_t lo = 0; lo < in; lo += group)
        sort_group(active, perm + lo, tmp, in - lo < group ? in - lo : group);
    free(tmp);
}

ax_result map_perm_check(const uint32_t *perm, size_t n, size_t group, char **err)
{
    if (group == 0 || group > n)
        group = n;
    unsigned char *seen = calloc(n ? n : 1, 1);
    if (!seen)
        return ax_fail(err, AX_ENOMEM, "out of memory checking a permutation of %zu", n);
    ax_result r = AX_OK;
    for (size_t k = 0; k < n && !r; k++) {
        if (perm[k] >= n || seen[perm[k]])
            r = ax_fail(err, AX_EPARAM, "permutation position %zu: channel %u %s", k, perm[k],
                        perm[k] >= n ? "is out of range" : "appears twice");
        else if (perm[k] / group != k / group)
            r = ax_fail(err, AX_EPARAM,
                        "permutation position %zu: channel %u leaves its group of %zu channels "
                        "(group scales need channels to stay in their group)",
                        k, perm[k], group);
        else
            seen[perm[k]] = 1;
    }
    free(seen);
    return r;
}

static ax_result permute(const map_qweight *src, const uint32_t *perm, map_qweight *dst, int inv,
                         char **err)
{
    ax_result r = map_perm_check(perm, src->in, src->ngroups > 1 ? src->group : 0, err);
    if (r)
        return r;
    r = map_qweight_alloc(dst, src->out, src->in, src->ngroups > 1 ? src->group : 0, err);
    if (r)
        return r;
    memcpy(dst->scale, src->scale, src->out * src->ngroups * sizeof(float));
    for (size_t j = 0; j < src->out; j++) {
        const int8_t *s = src->q + j * src->in;
        int8_t *d = dst->q + j * src->in;
        for (size_t k = 0; k < src->in; k++) {
            if (inv)
                d[perm[k]] = s[k];
            else
                d[k] = s[perm[k]];
        }
    }
    return AX_OK;
}

ax_result map_qweight_permute(const map_qweight *src, const uint32_t *perm, map_qweight *dst,
                              char **err)
{
    return permute(src, perm, dst, 0, err);
}

ax_result map_qweight_unpermute(const map_qweight *src, const uint32_t *perm, map_qweight *dst,
                                char **err)
{
    return permute(src, perm, dst, 1, err);
}

void map_counts_permute(const int32_t *src, size_t tokens, size_t in, const uint32_t *perm,
                        int32_t *dst)
{
    for (size_t t = 0; t < tokens; t++)
        for (size_t k = 0; k < in; k++)
            dst[t * in + k] = src[t * in + perm[k]];
}

uint64_t map_layout_bursts(const int32_t *counts, size_t tokens, const uint32_t *perm,
                           const map_tiling *t, size_t B, uint64_t *stored)
{
    const size_t R = (size_t)t->R, C = (size_t)t->C, in = t->in;
    const size_t tile_bytes = R * C, nb = (tile_bytes + B - 1) / B;
    if (stored)
        *stored = (uint64_t)nb * t->cores;
    uint64_t fetched = 0;
    for (size_t tok = 0; tok < tokens; tok++) {
        const int32_t *s = counts + tok * in;
        for (size_t r = 0; r < t->rb; r++) {
            /* bursts of one row-block's tile; every column-block tile of the
             * row-block holds the same axons, so the count repeats cb times */
            size_t row0, nrows, col0, ncols;
            map_tile_extent(t, r, 0, &row0, &nrows, &col0, &ncols);
            uint64_t n = 0;
            for (size_t b = 0; b < nb; b++) {
                size_t k0 = b * B / C, k1 = ((b + 1) * B - 1) / C; /* rows it meets */
                if (k1 >= R)
                    k1 = R - 1;
                for (size_t k = k0; k <= k1 && k < nrows; k++) { /* padding rows are silent */
                    size_t pos = row0 + k;
                    if (s[perm ? perm[pos] : pos] != 0) {
                        n++;
                        break;
                    }
                }
            }
            fetched += n * t->cb;
        }
    }
    return fetched;
}
