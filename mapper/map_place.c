/*
 * Placement of layers' tiles on the core mesh (docs/design.md §3: events of axon i
 * are multicast along the cores of row-block floor(i/R); the partial sums
 * of the row-blocks are reduced per column-block). Keeping both groups
 * adjacent keeps the multicast and the reduction paths short under XY
 * routing, where a path costs its Manhattan distance in hops.
 *
 * A layer is a block w = min(cb, W) wide and rb * band high (band =
 * ceil(cb / w) mesh rows per row-block): row-blocks lie along mesh rows,
 * column-blocks down mesh columns. Blocks are packed bottom-left on a
 * skyline (the lowest landing row, then the leftmost column). With DRAM
 * streaming a layer that finds no room starts a new pass (a fresh mesh
 * load), and a layer taller than the mesh is cut into passes by whole
 * row-blocks (or, if one row-block needs more cores than the mesh has,
 * tile by tile in row-major order).
 */
#include "map_int.h"

#include <stdlib.h>
#include <string.h>

struct map_placer {
    int W, H, dram;
    uint32_t pass; /* current pass */
    int *sky;      /* [W] next free row per column in the current pass */
    size_t used0;  /* tiles in pass 0 */
    int any;       /* something placed in the current pass */
};

ax_result map_placer_new(int W, int H, int dram, map_placer **p, char **err)
{
    *p = NULL;
    if (W < 1 || H < 1 || W > 65535 || H > 65535)
        return ax_fail(err, AX_EPARAM, "--mesh %dx%d: W and H must be in [1, 65535]", W, H);
    map_placer *m = calloc(1, sizeof *m);
    if (!m || !(m->sky = calloc((size_t)W, sizeof *m->sky))) {
        free(m);
        return ax_fail(err, AX_ENOMEM, "out of memory for a %dx%d mesh", W, H);
    }
    m->W = W;
    m->H = H;
    m->dram = dram;
    *p = m;
    return AX_OK;
}

void map_placer_free(map_placer *p)
{
    if (!p)
        return;
    free(p->sky);
    free(p);
}

void map_layer_place_free(map_layer_place *lp)
{
    if (!lp)
        return;
    free(lp->pos);
    memset(lp, 0, sizeof *lp);
}

size_t map_placer_cores_used(const map_placer *p)
{
    return p->used0;
}
uint32_t map_placer_passes(const map_placer *p)
{
    return p->pass + 1;
}

static void new_pass(map_placer *p)
{
    if (!p->any)
        return;
    p->pass++;
    memset(p->sky, 0, (size_t)p->W * sizeof *p->sky);
    p->any = 0;
}

static size_t free_cores(const map_placer *p)
{
    size_t n = 0;
    for (int x = 0; x < p->W; x++)
        n += (size_t)(p->H - p->sky[x]);
    return n;
}

static void put(map_placer *p, map_layer_place *lp, size_t idx, uint32_t x, uint32_t y)
{
    lp->pos[idx].pass = p->pass;
    lp->pos[idx].x = x;
    lp->pos[idx].y = y;
    if (p->pass == 0)
        p->used0++;
    p->any = 1;
}

static int dist(map_core_pos a, map_core_pos b)
{
    int dx = (int)a.x - (int)b.x, dy = (int)a.y - (int)b.y;
    return (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy);
}

/* Longest multicast (row-block) and reduction (column-block) paths; the
 * root of a group in a pass is its first tile in that pass. */
static void hops(const map_tiling *t, map_layer_place *lp)
{
    int mc = 0, rd = 0;
    for (size_t r = 0; r < t->rb; r++) {
        map_core_pos root = lp->pos[r * t->cb];
        for (size_t c = 0; c < t->cb; c++) {
            map_core_pos q = lp->pos[r * t->cb + c];
            if (q.pass != root.pass)
                root = q;
            int d = dist(q, root);
            mc = d > mc ? d : mc;
        }
    }
    for (size_t c = 0; c < t->cb; c++) {
        map_core_pos root = lp->pos[c];
        for (size_t r = 0; r < t->rb; r++) {
            map_core_pos q = lp->pos[r * t->cb + c];
            if (q.pass != root.pass)
                root = q;
            int d = dist(q, root);
            rd = d > rd ? d : rd;
        }
    }
    lp->multicast_hops = mc;
    lp->reduce_hops = rd;
}

ax_result map_placer_add(map_placer *p, const char *layer, const map_tiling *t, map_layer_place *lp,
                         char **err)
{
    memset(lp, 0, sizeof *lp);
    size_t W = (size_t)p->W, H = (size_t)p->H;
    size_t w = t->cb < W ? t->cb : W;
    size_t band = (t->cb + w - 1) / w;
    size_t height = t->rb * band; /* may be huge; compared, never used as int */
    lp->ntiles = t->cores;
    lp->pos = calloc(t->cores, sizeof *lp->pos);
    if (!lp->pos)
        return ax_fail(err, AX_ENOMEM, "out of memory placing '%s' (%zu tiles)", layer, t->cores);

    for (int attempt = 0; attempt < 2; attempt++) {
        /* Bottom-left: lowest landing row, then leftmost column. */
        size_t bx = 0, by = SIZE_MAX;
        for (size_t x0 = 0; x0 + w <= W; x0++) {
            size_t y0 = 0;
            for (size_t x = x0; x < x0 + w; x++)
                y0 = (size_t)p->sky[x] > y0 ? (size_t)p->sky[x] : y0;
            if (y0 < by) {
                by = y0;
                bx = x0;
            }
        }
        if (by + height <= H) {
            lp->first_pass = lp->last_pass = p->pass;
            for (size_t r = 0; r < t->rb; r++)
                for (size_t c = 0; c < t->cb; c++)
                    put(p, lp, r * t->cb + c, (uint32_t)(bx + c % w),
                        (uint32_t)(by + r * band + c / w));
            for (size_t x = bx; x < bx + w; x++)
                p->sky[x] = (int)(by + height);
            hops(t, lp);
            return AX_OK;
        }
        if (!p->dram) {
            size_t left = free_cores(p);
            map_layer_place_free(lp);
            return ax_fail(err, AX_ERANGE,
                           "layer '%s' does not fit: it needs %zu cores (a %zux%zu block of "
                           "%dx%d tiles) and the %dx%d mesh has %zu cores left%s (hint: --dram "
                           "streams weights from DRAM; or a larger --mesh, --cores or --tile)",
                           layer, t->cores, w, height, t->R, t->C, p->W, p->H, left,
                           left >= t->cores ? " but not as a block" : "");
        }
        if (!p->any || height > H)
            break; /* an empty mesh does not hold it either: cut it */
        new_pass(p);
    }

    /* Streaming, the layer is taller than the mesh: cut into passes. */
    new_pass(p);
    lp->first_pass = p->pass;
    size_t per = H / band; /* row-blocks per pass */
    if (per >= 1) {
        size_t r0 = 0;
        while (r0 < t->rb) {
            if (r0)
                new_pass(p);
            size_t n = t->rb - r0 < per ? t->rb - r0 : per;
            for (size_t r = r0; r < r0 + n; r++)
                for (size_t c = 0; c < t->cb; c++)
                    put(p, lp, r * t->cb + c, (uint32_t)(c % w),
                        (uint32_t)((r - r0) * band + c / w));
            for (size_t x = 0; x < w; x++)
                p->sky[x] = (int)(n * band);
            r0 += n;
        }
    } else {
        size_t cap = W * H, k = 0;
        for (size_t i = 0; i < t->cores; i++) {
            if (k == cap) {
                new_pass(p);
                k = 0;
            }
            put(p, lp, i, (uint32_t)(k % W), (uint32_t)(k / W));
            k++;
        }
        for (size_t x = 0; x < W; x++) /* the last pass is closed for others */
            p->sky[x] = (int)H;
    }
    lp->last_pass = p->pass;
    hops(t, lp);
    return AX_OK;
}
