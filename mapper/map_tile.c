/*
 * Tiling a layer's weight matrix onto cores (docs/design.md §3): a core holds an
 * R x C tile, R input axons by C output neurons, stored in SRAM row per
 * axon (one row = the C weights one input spike adds into the C
 * accumulators). A layer [out, in] occupies rb x ceil(out/C) cores, where
 * the rb row-blocks never straddle a weight group (a core's accumulators
 * carry one scale): ceil(|g|/R) per group g. Edge tiles are zero-padded,
 * and the padding is the SRAM waste the report and `--tile auto` count.
 */
#include "map_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ax_result map_tiling_make_group(size_t out, size_t in, size_t group, int R, int C, map_tiling *t,
                                char **err)
{
    memset(t, 0, sizeof *t);
    if (R < 1 || R > MAP_TILE_MAX || C < 1 || C > MAP_TILE_MAX)
        return ax_fail(err, AX_EPARAM,
                       "tile %dx%d: R and C must be in [1, %d] (hint: --tile 128x128)", R, C,
                       MAP_TILE_MAX);
    if (out == 0 || in == 0)
        return ax_fail(err, AX_ESHAPE, "layer shape [%zu, %zu] is empty", out, in);
    if (group == 0 || group > in)
        group = in;
    size_t ng = (in + group - 1) / group, last = in - (ng - 1) * group;
    t->out = out;
    t->in = in;
    t->R = R;
    t->C = C;
    t->group = group;
    t->rpg = (group + (size_t)R - 1) / (size_t)R;
    t->rb = (ng - 1) * t->rpg + (last + (size_t)R - 1) / (size_t)R;
    t->cb = (out + (size_t)C - 1) / (size_t)C;
    t->cores = t->rb * t->cb;
    t->weights = (uint64_t)out * in;
    t->sram_bytes = (uint64_t)t->cores * (uint64_t)R * (uint64_t)C;
    return AX_OK;
}

ax_result map_tiling_make(size_t out, size_t in, int R, int C, map_tiling *t, char **err)
{
    return map_tiling_make_group(out, in, 0, R, C, t, err);
}

ax_result map_tile_parse(const char *s, int *R, int *C, char **err)
{
    char *end;
    errno = 0;
    long r = strtol(s, &end, 10);
    if (errno || end == s || (*end != 'x' && *end != 'X'))
        goto bad;
    const char *p = end + 1;
    long c = strtol(p, &end, 10);
    if (errno || end == p || *end || r < 1 || c < 1 || r > MAP_TILE_MAX || c > MAP_TILE_MAX)
        goto bad;
    *R = (int)r;
    *C = (int)c;
    return AX_OK;
bad:
    return ax_fail(err, AX_EPARAM,
                   "--tile '%s' is not RxC with R, C in [1, %d] (hint: --tile 128x128 or --tile "
                   "auto)",
                   s, MAP_TILE_MAX);
}

void map_tile_extent(const map_tiling *t, size_t r, size_t c, size_t *row0, size_t *nrows,
                     size_t *col0, size_t *ncols)
{
    size_t g = r / t->rpg, k = r % t->rpg, glo = g * t->group;
    size_t ghi = glo + t->group < t->in ? glo + t->group : t->in;
    *row0 = glo + k * (size_t)t->R;
    *nrows = ghi - *row0 < (size_t)t->R ? ghi - *row0 : (size_t)t->R;
    *col0 = c * (size_t)t->C;
    *ncols = t->out - *col0 < (size_t)t->C ? t->out - *col0 : (size_t)t->C;
}

void map_tile_rows_perm(const map_qweight *qw, const map_tiling *t, size_t r, size_t c,
                        const uint32_t *perm, int8_t *dst)
{
    size_t row0, nrows, col0, ncols;
    map_tile_extent(t, r, c, &row0, &nrows, &col0, &ncols);
    memset(dst, 0, (size_t)t->R * (size_t)t->C);
    /* Walk the source row by row (output j = one HF row) for locality. */
    for (size_t j = 0; j < ncols; j++) {
        const int8_t *src = qw->q + (col0 + j) * qw->in;
        for (size_t k = 0; k < nrows; k++)
            dst[k * (size_t)t->C + j] = src[perm ? perm[row0 + k] : row0 + k];
    }
}

void map_tile_rows(const map_qweight *qw, const map_tiling *t, size_t r, size_t c, int8_t *dst)
{
    map_tile_rows_perm(qw, t, r, c, NULL, dst);
}

void map_tile_store(map_qweight *qw, const map_tiling *t, size_t r, size_t c, const int8_t *src)
{
    size_t row0, nrows, col0, ncols;
    map_tile_extent(t, r, c, &row0, &nrows, &col0, &ncols);
    for (size_t j = 0; j < ncols; j++) {
        int8_t *d = qw->q + (col0 + j) * qw->in + row0;
        for (size_t k = 0; k < nrows; k++)
            d[k] = src[k * (size_t)t->C + j];
    }
}

void map_tile_auto_candidates(int R[MAP_TILE_AUTO_N], int C[MAP_TILE_AUTO_N])
{
    static const int sz[4] = {64, 128, 256, 512};
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            R[i * 4 + j] = sz[i];
            C[i * 4 + j] = sz[j];
        }
}

ax_result map_tile_auto(const size_t *out, const size_t *in, const size_t *group, size_t n,
                        size_t budget, int allow_over, int *R, int *C, char **err)
{
    int cr[MAP_TILE_AUTO_N], cc[MAP_TILE_AUTO_N];
    map_tile_auto_candidates(cr, cc);
    int best = -1;
    uint64_t bcores = 0, bwaste = 0, fewest = UINT64_MAX;
    for (int k = 0; k < MAP_TILE_AUTO_N; k++) {
        uint64_t cores = 0, waste = 0;
        for (size_t l = 0; l < n; l++) {
            map_tiling t;
            ax_result r = map_tiling_make_group(out[l], in[l], group ? group[l] : 0, cr[k], cc[k],
                                                &t, err);
            if (r)
                return r;
            cores += t.cores;
            waste += t.sram_bytes - t.weights;
        }
        if (cores < fewest)
            fewest = cores;
        if (budget && cores > budget && !allow_over)
            continue;
        int better = best < 0 || cores < bcores || (cores == bcores && waste < bwaste) ||
                     (cores == bcores && waste == bwaste &&
                      (uint64_t)cr[k] * cc[k] < (uint64_t)cr[best] * cc[best]);
        if (better) {
            best = k;
            bcores = cores;
            bwaste = waste;
        }
    }
    if (best < 0)
        return ax_fail(err, AX_ERANGE,
                       "--tile auto: no candidate tile (64..512 x 64..512) fits %zu cores; the "
                       "fewest any needs is %llu (hint: raise --cores/--mesh, or --dram to stream)",
                       budget, (unsigned long long)fewest);
    *R = cr[best];
    *C = cc[best];
    return AX_OK;
}
