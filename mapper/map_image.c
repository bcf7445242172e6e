/*
 * Core image writer: the mapping as the chip holds it (docs/core-image.md).
 * One file header, then per layer a LAYER section (shape, tiling, group
 * size, input permutation) followed by one CORE section per tile (its
 * placement, R rows of C int8 weights, row per axon, and the scales of its
 * outputs), and at the end a DIRECTORY section (each layer's offset and
 * bytes, so a reader finds a layer without walking the file). Every section
 * carries its payload length and an XXH64 checksum (ax_xxh64, memory speed);
 * the header has its own. Little-endian throughout.
 *
 * The writer streams: memory is one tile and one layer's permutation, so
 * a 7B-sized layer is written without a second copy of its weights. The
 * file goes through ax_out (ax/ax_out.c): a unique temporary beside PATH,
 * every write checked, the header rewritten in place at close, fsync and
 * rename; a failure, a full disk or Ctrl-C leaves neither a half image
 * nor a temporary, and two runs writing one PATH never share a file. A
 * FIFO or device at PATH is refused, not replaced.
 */
#include "map_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct map_image_writer {
    ax_out *o;
    int R, C, W, H;
    uint32_t nlayers;
    uint64_t ncores, bytes;
    uint8_t *buf; /* one section payload */
    size_t cap;
    uint8_t *wbuf; /* write buffer */
    size_t wn;
    uint64_t *dir; /* per layer: offset of its LAYER section, its bytes */
    size_t dcap;
};

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Sections are small (one tile); a buffer of 1 MiB keeps write(2) calls few. */
#define WBUF_BYTES (1u << 20)

static ax_result wflush(map_image_writer *w, char **err)
{
    ax_result r = ax_out_write(w->o, w->wbuf, w->wn, err);
    w->wn = 0;
    return r;
}

static ax_result wr(map_image_writer *w, const void *p, size_t n, char **err)
{
    if (w->wn + n > WBUF_BYTES) {
        ax_result r = wflush(w, err);
        if (r)
            return r;
    }
    if (n > WBUF_BYTES) {
        ax_result r = ax_out_write(w->o, p, n, err);
        if (r)
            return r;
    } else {
        memcpy(w->wbuf + w->wn, p, n);
        w->wn += n;
    }
    w->bytes += n;
    return AX_OK;
}

static ax_result reserve(map_image_writer *w, size_t n, char **err)
{
    if (n <= w->cap)
        return AX_OK;
    uint8_t *b = realloc(w->buf, n);
    if (!b)
        return ax_fail(err, AX_ENOMEM, "out of memory for a %zu-byte image section", n);
    w->buf = b;
    w->cap = n;
    return AX_OK;
}

static ax_result section(map_image_writer *w, uint32_t kind, uint32_t index, size_t n, char **err)
{
    uint8_t h[MAP_IMG_SECTION_BYTES];
    put32(h, kind);
    put32(h + 4, index);
    put64(h + 8, n);
    put64(h + 16, ax_xxh64(w->buf, n, 0));
    ax_result r = wr(w, h, sizeof h, err);
    return r ? r : wr(w, w->buf, n, err);
}

ax_result map_image_writer_new(const char *path, int R, int C, int mesh_w, int mesh_h,
                               map_image_writer **out, char **err)
{
    *out = NULL;
    if (R < 1 || C < 1 || R > MAP_TILE_MAX || C > MAP_TILE_MAX || mesh_w < 1 || mesh_h < 1)
        return ax_fail(err, AX_EPARAM, "image %s: tile %dx%d or mesh %dx%d out of range", path, R,
                       C, mesh_w, mesh_h);
    map_image_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->wbuf = malloc(WBUF_BYTES))) {
        map_image_writer_abort(w);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    w->R = R;
    w->C = C;
    w->W = mesh_w;
    w->H = mesh_h;
    ax_result r0 = ax_out_open(path, 0, &w->o, err);
    if (r0) {
        ax_err_prefix(err, "core image");
        map_image_writer_abort(w);
        return r0;
    }
    uint8_t zero[MAP_IMG_HEADER_BYTES] = {0}; /* rewritten at close */
    ax_result r = wr(w, zero, sizeof zero, err);
    if (r) {
        map_image_writer_abort(w);
        return r;
    }
    *out = w;
    return AX_OK;
}

void map_image_writer_abort(map_image_writer *w)
{
    if (!w)
        return;
    ax_out_abort(w->o);
    free(w->buf);
    free(w->wbuf);
    free(w->dir);
    free(w);
}

ax_result map_image_writer_add(map_image_writer *w, const char *name, const map_qweight *qw,
                               const map_tiling *t, const map_layer_place *lp, const uint32_t *perm,
                               char **err)
{
    size_t nlen = strlen(name);
    if (nlen == 0 || nlen > MAP_IMG_NAME_MAX)
        return ax_fail(err, AX_EPARAM, "image: layer name of %zu bytes (1..%d allowed)", nlen,
                       MAP_IMG_NAME_MAX);
    if (t->R != w->R || t->C != w->C || t->out != qw->out || t->in != qw->in ||
        t->group != qw->group || lp->ntiles != t->cores)
        return ax_fail(err, AX_EMISMATCH, "image: layer '%s' tiling does not match the image",
                       name);
    for (size_t i = 0; i < lp->ntiles; i++)
        if (lp->pos[i].x >= (uint32_t)w->W || lp->pos[i].y >= (uint32_t)w->H)
            return ax_fail(err, AX_EMISMATCH, "image: layer '%s' tile %zu lies outside the mesh",
                           name, i);
    ax_result r;
    if (perm && (r = map_perm_check(perm, qw->in, qw->ngroups > 1 ? qw->group : 0, err)))
        return r;
    size_t n = MAP_IMG_LAYER_FIXED + nlen + (perm ? 4 * qw->in : 0);
    if ((r = reserve(w, n, err)))
        return r;
    if (2 * (size_t)w->nlayers + 2 > w->dcap) {
        size_t cap = w->dcap ? 2 * w->dcap : 16;
        uint64_t *d = realloc(w->dir, cap * sizeof *d);
        if (!d)
            return ax_fail(err, AX_ENOMEM, "out of memory");
        w->dir = d;
        w->dcap = cap;
    }
    uint64_t layer_off = w->bytes;
    uint8_t *b = w->buf;
    put64(b, qw->out);
    put64(b + 8, qw->in);
    put64(b + 16, qw->group);
    put64(b + 24, qw->ngroups);
    put64(b + 32, t->rb);
    put64(b + 40, t->cb);
    put64(b + 48, w->ncores);
    put32(b + 56, perm != NULL);
    put32(b + 60, (uint32_t)nlen);
    memcpy(b + 64, name, nlen);
    for (size_t k = 0; perm && k < qw->in; k++)
        put32(b + 64 + nlen + 4 * k, perm[k]);
    if ((r = section(w, MAP_IMG_LAYER, w->nlayers, n, err)))
        return r;

    const size_t RC = (size_t)t->R * (size_t)t->C;
    for (size_t r_ = 0; r_ < t->rb; r_++)
        for (size_t c = 0; c < t->cb; c++) {
            size_t row0, nrows, col0, ncols;
            map_tile_extent(t, r_, c, &row0, &nrows, &col0, &ncols);
            size_t g0 = row0 / qw->group, ng = (row0 + nrows - 1) / qw->group + 1 - g0;
            n = MAP_IMG_CORE_FIXED + RC + 4 * ncols * ng;
            if ((r = reserve(w, n, err)))
                return r;
            b = w->buf;
            const map_core_pos *p = &lp->pos[r_ * t->cb + c];
            uint32_t f[12] = {w->nlayers,   (uint32_t)r_, (uint32_t)c,     p->pass,
                              p->x,         p->y,         (uint32_t)nrows, (uint32_t)ncols,
                              (uint32_t)g0, (uint32_t)ng, (uint32_t)row0,  (uint32_t)col0};
            for (int i = 0; i < 12; i++)
                put32(b + 4 * i, f[i]);
            map_tile_rows_perm(qw, t, r_, c, perm, (int8_t *)(b + MAP_IMG_CORE_FIXED));
            uint8_t *s = b + MAP_IMG_CORE_FIXED + RC;
            for (size_t j = 0; j < ncols; j++)
                for (size_t g = 0; g < ng; g++) {
                    uint32_t u;
                    memcpy(&u, &qw->scale[(col0 + j) * qw->ngroups + g0 + g], 4);
                    put32(s + 4 * (j * ng + g), u);
                }
            if (w->ncores > UINT32_MAX)
                return ax_fail(err, AX_ERANGE, "image: more than 2^32 cores");
            if ((r = section(w, MAP_IMG_CORE, (uint32_t)w->ncores, n, err)))
                return r;
            w->ncores++;
        }
    w->dir[2 * w->nlayers] = layer_off;
    w->dir[2 * w->nlayers + 1] = w->bytes - layer_off;
    w->nlayers++;
    return AX_OK;
}

ax_result map_image_writer_close(map_image_writer *w, char **err)
{
    ax_result r = reserve(w, MAP_IMG_DIR_ENTRY * (size_t)w->nlayers + 1, err);
    for (uint32_t i = 0; !r && i < w->nlayers; i++) {
        put64(w->buf + MAP_IMG_DIR_ENTRY * i, w->dir[2 * i]);
        put64(w->buf + MAP_IMG_DIR_ENTRY * i + 8, w->dir[2 * i + 1]);
    }
    if (!r)
        r = section(w, MAP_IMG_DIR, w->nlayers, MAP_IMG_DIR_ENTRY * (size_t)w->nlayers, err);
    if (r) {
        map_image_writer_abort(w);
        return r;
    }
    uint8_t h[MAP_IMG_HEADER_BYTES] = {0};
    memcpy(h, MAP_IMAGE_MAGIC, 8);
    put32(h + 8, MAP_IMAGE_VERSION);
    put32(h + 12, MAP_IMG_HEADER_BYTES);
    put32(h + 16, (uint32_t)w->R);
    put32(h + 20, (uint32_t)w->C);
    put32(h + 24, (uint32_t)w->W);
    put32(h + 28, (uint32_t)w->H);
    put32(h + 32, w->nlayers);
    put64(h + 40, w->ncores);
    put64(h + 48, w->bytes);
    put64(h + 56, ax_xxh64(h, 56, 0));
    r = wflush(w, err);
    if (!r)
        r = ax_out_pwrite(w->o, h, sizeof h, 0, err);
    if (!r)
        r = ax_out_commit(w->o, err); /* frees the output, also on failure */
    w->o = NULL;
    map_image_writer_abort(w);
    return r;
}
