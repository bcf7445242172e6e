/*
 * Reading a validated core image back (format in docs/core-image.md):
 * accessors, one core's rows for RTL testbenches, and reassembly of a
 * layer's tiles into the map_qweight that the simulator, the CPU/GPU
 * reference and co-simulation consume, in checkpoint or core channel
 * order. map_image_check_layer (map_image_read.c) validates a layer's cores
 * before they are read, so only consistency between cores (shared scales)
 * can still fail here. The tiles are transposed back into [out][in] on all
 * cores, block by block (a tile is read once, in cache).
 */
#include "map_int.h"

#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__ /* every x86-64 */
#include <emmintrin.h>

/* Transposes 16 rows of 16 bytes in place: afterwards x[o] holds column
 * bitrev4(o) (the order four stages of unpacking leave them in). Inlined
 * into each ISA's copy of the loader, so with AVX-512 the 32 vectors live in
 * xmm0-31 instead of spilling. */
static inline __attribute__((always_inline)) void tr16x16(__m128i x[16])
{
    __m128i t[16];
#pragma GCC unroll 16
    for (int i = 0; i < 8; i++) {
        t[i] = _mm_unpacklo_epi8(x[2 * i], x[2 * i + 1]);
        t[i + 8] = _mm_unpackhi_epi8(x[2 * i], x[2 * i + 1]);
    }
#pragma GCC unroll 16
    for (int i = 0; i < 8; i++) {
        x[i] = _mm_unpacklo_epi16(t[2 * i], t[2 * i + 1]);
        x[i + 8] = _mm_unpackhi_epi16(t[2 * i], t[2 * i + 1]);
    }
#pragma GCC unroll 16
    for (int i = 0; i < 8; i++) {
        t[i] = _mm_unpacklo_epi32(x[2 * i], x[2 * i + 1]);
        t[i + 8] = _mm_unpackhi_epi32(x[2 * i], x[2 * i + 1]);
    }
#pragma GCC unroll 16
    for (int i = 0; i < 8; i++) {
        x[i] = _mm_unpacklo_epi64(t[2 * i], t[2 * i + 1]);
        x[i + 8] = _mm_unpackhi_epi64(t[2 * i], t[2 * i + 1]);
    }
}
#endif

void map_image_tile(const map_image *img, int *R, int *C, int *mesh_w, int *mesh_h)
{
    if (R)
        *R = img->R;
    if (C)
        *C = img->C;
    if (mesh_w)
        *mesh_w = img->W;
    if (mesh_h)
        *mesh_h = img->H;
}

size_t map_image_nlayers(const map_image *img)
{
    return img->nlayers;
}
size_t map_image_ncores(const map_image *img)
{
    return img->ncores;
}

const map_image_layer *map_image_layer_at(const map_image *img, size_t i)
{
    return i < img->nlayers ? &img->layers[i].pub : NULL;
}

long map_image_find(const map_image *img, const char *name)
{
    for (size_t i = 0; i < img->nlayers; i++)
        if (!strcmp(img->layers[i].pub.name, name))
            return (long)i;
    return -1;
}

ax_result map_image_core_rows(const map_image *img, size_t core, int8_t *rows, map_image_core *info,
                              char **err)
{
    if (core >= img->ncores)
        return ax_fail(err, AX_EPARAM, "%s: core %zu does not exist (the image has %zu cores)",
                       img->name, core, img->ncores);
    size_t lo = 0, hi = img->nlayers; /* the layer holding it: last first_core <= core */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (img->layers[mid].pub.first_core <= core)
            lo = mid;
        else
            hi = mid;
    }
    ax_result r = map_image_check_layer(img, lo, err);
    if (r)
        return r;
    const uint8_t *p = img->buf + img->core_off[core];
    if (info) {
        info->layer = map_img_get32(p);
        info->r = map_img_get32(p + 4);
        info->c = map_img_get32(p + 8);
        info->pos.pass = map_img_get32(p + 12);
        info->pos.x = map_img_get32(p + 16);
        info->pos.y = map_img_get32(p + 20);
        info->rows_used = map_img_get32(p + 24);
        info->cols_used = map_img_get32(p + 28);
        info->g0 = map_img_get32(p + 32);
        info->ng = map_img_get32(p + 36);
        info->row0 = map_img_get32(p + 40);
        info->col0 = map_img_get32(p + 44);
    }
    if (rows)
        memcpy(rows, p + MAP_IMG_CORE_FIXED, (size_t)img->R * (size_t)img->C);
    return AX_OK;
}

/* Tiles [b, e) of a layer into qw->q: q[col0 + j][row0 + k] = rows[k][j],
 * in 16 x 16 blocks (each tile is disjoint from the others' outputs). */
typedef struct {
    const map_image *img;
    const img_layer *L;
    const map_tiling *t;
    map_qweight *qw;
    int avx512;   /* 32 vector registers: the transpose does not spill */
    int8_t *rows; /* or NULL: the tile's rows also go here, in chunks of lanes outputs */
    size_t lanes;
} tiles_ctx;

/* Tile k's rows into c->rows, split where a chunk of lanes outputs ends
 * (a 128-column tile in 128-lane chunks is one copy of 128 bytes per row). */
static void copy_rows(tiles_ctx *c, const int8_t *src, size_t row0, size_t nrows, size_t col0,
                      size_t ncols)
{
    const size_t C = (size_t)c->img->C, in = c->qw->in, ln = c->lanes;
    for (size_t j = 0; j < ncols;) {
        size_t ch = (col0 + j) / ln, off = (col0 + j) % ln;
        size_t n = ncols - j < ln - off ? ncols - j : ln - off;
        int8_t *d = c->rows + (ch * in + row0) * ln + off;
        for (size_t k = 0; k < nrows; k++)
            memcpy(d + k * ln, src + k * C + j, n);
        j += n;
    }
}

static inline __attribute__((always_inline)) void store_tile_body(tiles_ctx *c, size_t k)
{
    const size_t C = (size_t)c->img->C, in = c->qw->in;
    const int8_t *src = (const int8_t *)(c->img->buf + c->img->core_off[c->L->pub.first_core + k] +
                                         MAP_IMG_CORE_FIXED);
    size_t row0, nrows, col0, ncols;
    map_tile_extent(c->t, k / c->t->cb, k % c->t->cb, &row0, &nrows, &col0, &ncols);
    if (c->rows)
        copy_rows(c, src, row0, nrows, col0, ncols);
    for (size_t j0 = 0; j0 < ncols; j0 += 16)
        for (size_t k0 = 0; k0 < nrows; k0 += 16) {
            size_t j1 = j0 + 16 < ncols ? j0 + 16 : ncols, k1 = k0 + 16 < nrows ? k0 + 16 : nrows;
#ifdef __SSE2__
            if (j1 - j0 == 16 && k1 - k0 == 16) {
                static const unsigned char rev[16] = {0, 8, 4, 12, 2, 10, 6, 14,
                                                      1, 9, 5, 13, 3, 11, 7, 15};
                __m128i x[16];
#pragma GCC unroll 16
                for (size_t a = 0; a < 16; a++)
                    x[a] = _mm_loadu_si128((const __m128i *)(src + (k0 + a) * C + j0));
                tr16x16(x);
#pragma GCC unroll 16
                for (size_t j = 0; j < 16; j++)
                    _mm_storeu_si128((__m128i *)(c->qw->q + (col0 + j0 + j) * in + row0 + k0),
                                     x[rev[j]]);
                continue;
            }
#endif
            for (size_t j = j0; j < j1; j++) {
                int8_t *d = c->qw->q + (col0 + j) * in + row0;
                for (size_t a = k0; a < k1; a++)
                    d[a] = src[a * C + j];
            }
        }
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx512f,avx512vl,avx512bw"))) static void store_tile_avx512(tiles_ctx *c,
                                                                                   size_t k)
{
    store_tile_body(c, k);
}
#endif

static void store_tile(void *ctx, size_t k)
{
    tiles_ctx *c = ctx;
#if defined(__x86_64__) && defined(__GNUC__)
    if (c->avx512) {
        store_tile_avx512(c, k);
        return;
    }
#endif
    store_tile_body(c, k);
}

static ax_result load_layer(const map_image *img, size_t i, int original, map_qweight *qw,
                            uint32_t **perm_out, int8_t *rows, size_t lanes, char **err)
{
    memset(qw, 0, sizeof *qw);
    if (perm_out)
        *perm_out = NULL;
    if (i >= img->nlayers)
        return ax_fail(err, AX_EPARAM, "%s: layer %zu does not exist (%zu layers)", img->name, i,
                       img->nlayers);
    const img_layer *L = &img->layers[i];
    const size_t out = L->pub.out, in = L->pub.in, ng = L->pub.ngroups;
    ax_result r = map_qweight_alloc(qw, out, in, ng > 1 ? L->pub.group : 0, err);
    if (r)
        return r;
    unsigned char *seen = calloc(out * ng, 1);
    uint32_t *perm = L->pub.permuted ? malloc(in * sizeof *perm) : NULL;
    if (!seen || (L->pub.permuted && !perm)) {
        r = ax_fail(err, AX_ENOMEM, "out of memory loading layer '%s'", L->pub.name);
        goto done;
    }
    map_tiling t;
    map_tiling_make_group(out, in, L->pub.group, img->R, img->C, &t, NULL);
    tiles_ctx tc = {img, L, &t, qw, ax_simd_best() == AX_SIMD_AVX512, rows, lanes};
    if (rows && out % lanes) /* the last chunk's lanes past out: zero weights */
        for (size_t k = 0; k < in; k++)
            memset(rows + ((out / lanes) * in + k) * lanes + out % lanes, 0, lanes - out % lanes);
    if ((r = map_image_check_layer_each(img, i, store_tile, &tc, err))) /* checks and stores */
        goto done;
    const size_t RC = (size_t)img->R * (size_t)img->C;
    for (size_t k = 0; k < t.cores && !r; k++) {
        const uint8_t *p = img->buf + img->core_off[L->pub.first_core + k];
        size_t rr = k / t.cb, cc = k % t.cb, row0, nrows, col0, ncols;
        map_tile_extent(&t, rr, cc, &row0, &nrows, &col0, &ncols);
        size_t g0 = map_img_get32(p + 32), gn = map_img_get32(p + 36);
        for (size_t j = 0; j < ncols && !r; j++)
            for (size_t g = 0; g < gn; g++) {
                uint32_t u = map_img_get32(p + MAP_IMG_CORE_FIXED + RC + 4 * (j * gn + g));
                float x, *d = &qw->scale[(col0 + j) * ng + g0 + g];
                memcpy(&x, &u, 4);
                unsigned char *sn = &seen[(col0 + j) * ng + g0 + g];
                if (*sn && memcmp(d, &x, 4)) {
                    r = ax_fail(err, AX_EMISMATCH,
                                "%s: layer '%s': cores disagree on the scale of output %zu group "
                                "%zu "
                                "(hint: the image is inconsistent; rewrite it)",
                                img->name, L->pub.name, col0 + j, g0 + g);
                    break;
                }
                *d = x;
                *sn = 1;
            }
    }
    if (r)
        goto done;
    if (perm)
        for (size_t k = 0; k < in; k++)
            perm[k] = map_img_get32(img->buf + L->perm_off + 4 * k);
    if (perm && original) {
        map_qweight o;
        if ((r = map_qweight_unpermute(qw, perm, &o, err)))
            goto done;
        map_qweight_free(qw);
        *qw = o;
    }
    if (perm_out) {
        *perm_out = perm;
        perm = NULL;
    }
done:
    free(seen);
    free(perm);
    if (r)
        map_qweight_free(qw);
    return r;
}

ax_result map_image_load_layer(const map_image *img, size_t i, int original, map_qweight *qw,
                               uint32_t **perm, char **err)
{
    return load_layer(img, i, original, qw, perm, NULL, 0, err);
}

ax_result map_image_load_layer_rows(const map_image *img, size_t i, map_qweight *qw,
                                    uint32_t **perm, int8_t *rows, size_t lanes, char **err)
{
    if (!rows || !lanes)
        return ax_fail(err, AX_EPARAM, "map_image_load_layer_rows: no rows to fill");
    return load_layer(img, i, 0, qw, perm, rows, lanes, err);
}
