/* Unit tests of mapper/map_image.c and map_image_read.c: a written image
 * reads back to the original quantized weights bit for bit (per channel,
 * grouped, reordered), the CPU reference on the reassembled weights equals
 * the reference on the originals, one core's rows equal its tile, and every
 * kind of damage (truncation at any length, magic, version, any flipped
 * byte) is a clear error naming the file and the offset: at open for the
 * header, the directory and the layer sections, when the layer is loaded
 * (and by map_image_verify) for a core section. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../gpu/gpu.h"
#include "../mapper/map.h"

typedef struct {
    map_qweight qw[2];
    map_tiling t[2];
    map_layer_place lp[2];
    uint32_t perm[40];
    char path[64];
} fixture;

static void build(fixture *f, int R, int C)
{
    srand(3);
    static const size_t out[2] = {13, 9}, in[2] = {21, 40}, group[2] = {0, 8};
    map_placer *p;
    cr_assert_eq(map_placer_new(8, 16, 0, &p, NULL), AX_OK);
    for (int l = 0; l < 2; l++) {
        float *w = malloc(out[l] * in[l] * sizeof *w);
        for (size_t i = 0; i < out[l] * in[l]; i++)
            w[i] = i % 5 == 0 ? 0.0f : (float)(rand() % 2001 - 1000) / 997.0f;
        cr_assert_eq(map_quantize(w, out[l], in[l], group[l], &f->qw[l], NULL), AX_OK);
        free(w);
        cr_assert_eq(map_tiling_make_group(out[l], in[l], group[l], R, C, &f->t[l], NULL), AX_OK);
        cr_assert_eq(map_placer_add(p, l ? "model.b" : "model.a", &f->t[l], &f->lp[l], NULL),
                     AX_OK);
    }
    map_placer_free(p);
    /* layer 1: reverse the channels inside each group of 8 */
    for (size_t k = 0; k < 40; k++)
        f->perm[k] = (uint32_t)((k / 8) * 8 + 7 - k % 8);
    snprintf(f->path, sizeof f->path, "/tmp/axon_test_img_%d.axi", (int)getpid());
    map_image_writer *w;
    cr_assert_eq(map_image_writer_new(f->path, R, C, 8, 16, &w, NULL), AX_OK);
    cr_assert_eq(map_image_writer_add(w, "model.a", &f->qw[0], &f->t[0], &f->lp[0], NULL, NULL),
                 AX_OK);
    cr_assert_eq(map_image_writer_add(w, "model.b", &f->qw[1], &f->t[1], &f->lp[1], f->perm, NULL),
                 AX_OK);
    cr_assert_eq(map_image_writer_close(w, NULL), AX_OK);
}

static void drop(fixture *f)
{
    for (int l = 0; l < 2; l++) {
        map_qweight_free(&f->qw[l]);
        map_layer_place_free(&f->lp[l]);
    }
    unlink(f->path);
}

static void *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp);
    fseek(fp, 0, SEEK_END);
    *n = (size_t)ftell(fp);
    fseek(fp, 0, SEEK_SET);
    void *b = malloc(*n);
    cr_assert_eq(fread(b, 1, *n, fp), *n);
    fclose(fp);
    return b;
}

Test(map_image, round_trip_bit_exact)
{
    fixture f;
    build(&f, 5, 4); /* R 5 splits every group of 8 into 5 + 3 rows */
    map_image *img;
    char *err = NULL;
    cr_assert_eq(map_image_open(f.path, &img, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(map_image_nlayers(img), 2);
    cr_assert_eq(map_image_ncores(img), f.t[0].cores + f.t[1].cores);
    cr_assert_eq(map_image_find(img, "model.b"), 1);
    cr_assert_eq(map_image_find(img, "nope"), -1);
    for (int l = 0; l < 2; l++) {
        map_qweight q;
        uint32_t *perm = NULL;
        cr_assert_eq(map_image_load_layer(img, (size_t)l, 1, &q, &perm, NULL), AX_OK);
        cr_assert_eq(q.out, f.qw[l].out);
        cr_assert_eq(q.in, f.qw[l].in);
        cr_assert_eq(q.ngroups, f.qw[l].ngroups);
        cr_assert_eq(memcmp(q.q, f.qw[l].q, q.out * q.in), 0, "layer %d weights differ", l);
        cr_assert_eq(memcmp(q.scale, f.qw[l].scale, q.out * q.ngroups * sizeof(float)), 0);
        cr_assert_eq(perm != NULL, l == 1);
        if (perm)
            cr_assert_eq(memcmp(perm, f.perm, sizeof f.perm), 0);
        /* the reference on the reassembled weights equals the original's */
        size_t T = 3;
        int32_t *s = malloc(T * q.in * sizeof *s);
        for (size_t i = 0; i < T * q.in; i++)
            s[i] = rand() % 41 - 20;
        size_t na = T * q.out * q.ngroups;
        int32_t *a = malloc(na * 4), *b = malloc(na * 4);
        cr_assert_eq(gpu_ref_cpu(s, T, &f.qw[l], a, NULL), AX_OK);
        cr_assert_eq(gpu_ref_cpu(s, T, &q, b, NULL), AX_OK);
        cr_assert_eq(memcmp(a, b, na * 4), 0);
        /* core order + permuted counts give the same acc too */
        map_qweight qc;
        cr_assert_eq(map_image_load_layer(img, (size_t)l, 0, &qc, NULL, NULL), AX_OK);
        if (perm) {
            int32_t *sp = malloc(T * q.in * sizeof *sp);
            map_counts_permute(s, T, q.in, perm, sp);
            cr_assert_eq(gpu_ref_cpu(sp, T, &qc, b, NULL), AX_OK);
            free(sp);
            cr_assert_neq(memcmp(qc.q, q.q, q.out * q.in), 0, "core order must differ");
        } else {
            cr_assert_eq(gpu_ref_cpu(s, T, &qc, b, NULL), AX_OK);
        }
        cr_assert_eq(memcmp(a, b, na * 4), 0);
        map_qweight_free(&qc);
        free(s);
        free(a);
        free(b);
        free(perm);
        map_qweight_free(&q);
    }
    /* one core's rows are its tile (core 0 of layer 1 = first after layer 0) */
    size_t core = f.t[0].cores + 1; /* layer 1, tile (0, 1) */
    int8_t rows[20], tile[20];
    map_image_core info;
    cr_assert_eq(map_image_core_rows(img, core, rows, &info, NULL), AX_OK);
    cr_assert_eq(info.layer, 1);
    cr_assert_eq(info.r, 0);
    cr_assert_eq(info.c, 1);
    cr_assert_eq(info.pos.x, f.lp[1].pos[1].x);
    cr_assert_eq(info.pos.y, f.lp[1].pos[1].y);
    map_qweight pq;
    cr_assert_eq(map_qweight_permute(&f.qw[1], f.perm, &pq, NULL), AX_OK);
    map_tile_rows(&pq, &f.t[1], 0, 1, tile);
    cr_assert_eq(memcmp(rows, tile, 20), 0);
    cr_assert_eq(info.row0, 0);
    cr_assert_eq(info.col0, 4);
    cr_assert_eq(f.t[1].rb, 10);
    map_qweight_free(&pq);
    cr_assert_eq(map_image_core_rows(img, 999, rows, NULL, &err), AX_EPARAM);
    free(err);
    map_image_free(img);
    drop(&f);
}

/* The damage is caught by map_image_open (header, directory, layer
 * sections) or, for a core section, by map_image_verify (every layer) and
 * by loading the layer that holds it. */
static void expect_bad(const void *buf, size_t n, const char *needle)
{
    map_image *img = NULL;
    char *err = NULL;
    ax_result r = map_image_open_mem("x.axi", buf, n, &img, &err);
    if (r == AX_OK) {
        cr_assert_eq(map_image_verify(img, &err), AX_EFORMAT, "size %zu: accepted a damaged image",
                     n);
        char *e2 = NULL;
        ax_result lr = AX_OK;
        for (size_t i = 0; i < map_image_nlayers(img) && !lr; i++) {
            map_qweight q;
            map_image *again = NULL; /* a fresh handle: nothing checked yet */
            cr_assert_eq(map_image_open_mem("x.axi", buf, n, &again, NULL), AX_OK);
            lr = map_image_load_layer(again, i, 0, &q, NULL, &e2);
            if (!lr)
                map_qweight_free(&q);
            map_image_free(again);
        }
        cr_assert_eq(lr, AX_EFORMAT, "size %zu: a damaged core loaded", n);
        cr_assert(e2 && strstr(e2, "x.axi: offset "), "%s", e2 ? e2 : "(null)");
        free(e2);
        map_image_free(img);
        r = AX_EFORMAT;
    }
    cr_assert_eq(r, AX_EFORMAT, "size %zu: accepted a damaged image", n);
    cr_assert(err && strstr(err, "x.axi: offset "), "%s", err ? err : "(null)");
    if (needle)
        cr_assert(strstr(err, needle), "want '%s' in: %s", needle, err);
    free(err);
}

Test(map_image, damage_is_a_clear_error)
{
    fixture f;
    build(&f, 5, 4); /* R 5 splits every group of 8 into 5 + 3 rows */
    size_t n;
    uint8_t *b = slurp(f.path, &n);
    map_image *img;
    cr_assert_eq(map_image_open_mem("x.axi", b, n, &img, NULL), AX_OK);
    cr_assert_eq(map_image_verify(img, NULL), AX_OK);
    map_image_free(img);
    for (size_t len = 0; len < n; len += 1 + len / 16)
        expect_bad(b, len, len < 64 ? "truncated" : NULL);
    expect_bad(b, n - 1, "truncated");
    cr_assert_gt(n, 128);
    uint8_t *c = malloc(n | 128);
    memcpy(c, b, n);
    c[0] = 'X';
    expect_bad(c, n, "bad magic");
    memcpy(c, b, n);
    c[8] = 9;
    expect_bad(c, n, "version 9");
    memcpy(c, b, n);
    c[8] = 1; /* version 1 (FNV-1a checksums, no directory): its header checksum fails */
    expect_bad(c, n, "checksum");
    /* flip each byte after the header: always caught (checksums) */
    for (size_t i = 64; i < n; i++) {
        memcpy(c, b, n);
        c[i] ^= 0x5a;
        expect_bad(c, n, NULL);
    }
    memcpy(c, b, n);
    c[64 + 24 + 3] ^= 1; /* a byte of the first layer payload */
    expect_bad(c, n, "checksum");
    free(c);
    free(b);
    char *err = NULL;
    cr_assert_eq(map_image_open("/nonexistent/x.axi", &img, &err), AX_EIO);
    cr_assert(strstr(err, "/nonexistent/x.axi"), "%s", err);
    free(err);
    drop(&f);
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void set64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Version 3 checksums with XXH64 and ends with a layer directory
 * (docs/core-image.md); version 1 (axon 0.1, its FNV-1a basis) and version
 * 2 (the standard FNV-1a basis) images, the same sections without the
 * directory, are still read. */
Test(map_image, v3_written_v1_v2_still_read)
{
    fixture f;
    build(&f, 5, 4);
    size_t n;
    uint8_t *b = slurp(f.path, &n);
    cr_assert_eq(b[8], 3, "writes version 3");
    cr_assert_eq(get64(b + 56), ax_xxh64(b, 56, 0), "header checksum");
    uint32_t nl = (uint32_t)b[32] | (uint32_t)b[33] << 8 | (uint32_t)b[34] << 16 |
                  (uint32_t)b[35] << 24;
    size_t n2 = n - 24 - 16 * (size_t)nl; /* without the directory */
    uint8_t *c = malloc(n2);
    cr_assert_not_null(c);
    for (int ver = 1; ver <= 2; ver++) {
        uint64_t seed = ver == 1 ? AX_FNV_SEED_V01 : AX_FNV_SEED;
        memcpy(c, b, n2);
        c[8] = (uint8_t)ver;
        for (size_t off = 64; off < n2;) {
            uint64_t len = get64(c + off + 8);
            set64(c + off + 16, ax_fnv1a(c + off + 24, len, seed));
            off += 24 + len;
        }
        set64(c + 48, n2);
        set64(c + 56, ax_fnv1a(c, 56, seed));
        map_image *img;
        char *err = NULL;
        cr_assert_eq(map_image_open_mem("old.axi", c, n2, &img, &err), AX_OK, "version %d: %s", ver,
                     err ? err : "");
        cr_assert_eq(map_image_verify(img, &err), AX_OK, "version %d: %s", ver, err ? err : "");
        map_qweight qw;
        cr_assert_eq(map_image_load_layer(img, 1, 1, &qw, NULL, NULL), AX_OK);
        cr_assert_eq(memcmp(qw.q, f.qw[1].q, qw.out * qw.in), 0);
        map_qweight_free(&qw);
        map_image_free(img);
        /* checked with the other version's basis, the header fails */
        c[8] = (uint8_t)(3 - ver);
        cr_assert_eq(map_image_open_mem("old.axi", c, n2, &img, &err), AX_EFORMAT);
        cr_assert(strstr(err, "checksum"), "%s", err);
        free(err);
        /* a damaged core of an old image is reported when its layer is read */
        c[8] = (uint8_t)ver;
        c[n2 - 1] ^= 1;
        cr_assert_eq(map_image_open_mem("old.axi", c, n2, &img, NULL), AX_OK);
        err = NULL;
        cr_assert_eq(map_image_verify(img, &err), AX_EFORMAT);
        cr_assert(strstr(err, "checksum"), "%s", err);
        free(err);
        map_image_free(img);
        /* truncated: refused at open */
        err = NULL;
        cr_assert_eq(map_image_open_mem("old.axi", c, n2 - 1, &img, &err), AX_EFORMAT);
        free(err);
    }
    free(c);
    free(b);
    drop(&f);
}

Test(map_image, writer_rejects_mismatch)
{
    fixture f;
    build(&f, 5, 4); /* R 5 splits every group of 8 into 5 + 3 rows */
    map_image_writer *w;
    char *err = NULL;
    char path[80];
    snprintf(path, sizeof path, "%s.2", f.path);
    cr_assert_eq(map_image_writer_new(path, 16, 4, 8, 5, &w, NULL), AX_OK);
    cr_assert_eq(map_image_writer_add(w, "a", &f.qw[0], &f.t[0], &f.lp[0], NULL, &err),
                 AX_EMISMATCH);
    free(err);
    map_image_writer_abort(w);
    cr_assert_neq(access(path, F_OK), 0, "abort leaves no file");
    drop(&f);
}

/* Only the layers used are read: a damaged core of layer 1 does not stop
 * layer 0 from loading, and is reported when layer 1 (or one of its cores)
 * is read. */
Test(map_image, only_the_layers_used_are_checked)
{
    fixture f;
    build(&f, 5, 4);
    size_t n;
    uint8_t *b = slurp(f.path, &n);
    map_image *img;
    cr_assert_eq(map_image_open_mem("x.axi", b, n, &img, NULL), AX_OK);
    size_t c1 = f.t[0].cores + 2; /* a core of layer 1 */
    int8_t rows[20];
    map_image_core info;
    cr_assert_eq(map_image_core_rows(img, c1, rows, &info, NULL), AX_OK);
    size_t off = 0; /* its payload: find it through a second, damaged copy */
    map_image_free(img);
    /* flip a weight byte of core c1: the directory and layer sections are intact */
    uint8_t *c = malloc(n);
    for (size_t i = 64; i < n && !off; i++) {
        memcpy(c, b, n);
        c[i] ^= 0x01;
        map_image *d = NULL;
        if (map_image_open_mem("x.axi", c, n, &d, NULL) != AX_OK)
            continue;
        map_qweight q;
        if (map_image_load_layer(d, 0, 0, &q, NULL, NULL) == AX_OK) {
            map_qweight_free(&q);
            char *err = NULL;
            if (map_image_load_layer(d, 1, 0, &q, NULL, &err) == AX_EFORMAT) {
                cr_assert(strstr(err, "checksum mismatch") || strstr(err, "offset"), "%s", err);
                off = i;
            } else {
                map_qweight_free(&q);
            }
            free(err);
        }
        map_image_free(d);
    }
    cr_assert_gt(off, 0, "no byte of layer 1's cores could be damaged alone");
    free(c);
    free(b);
    drop(&f);
}

/* Larger tiles: the 16 x 16 block transpose of the loader and the 16-byte
 * checks of the reader (full blocks and every edge) give the weights back
 * bit for bit. */
Test(map_image, large_tiles_round_trip)
{
    for (size_t in = 96; in <= 100; in += 4) /* 96: rows 16-byte aligned, streamed stores */
    {
        size_t out = 150;
        float *w = malloc(out * in * sizeof *w);
        for (size_t i = 0; i < out * in; i++)
            w[i] = (float)((int)((i * 2654435761u) % 2001) - 1000) / 997.0f;
        int tiles[][2] = {{48, 48}, {64, 32}, {17, 33}};
        for (int k = 0; k < 3; k++)
            for (int grouped = 0; grouped < 2; grouped++) {
                int R = tiles[k][0], C = tiles[k][1];
                map_qweight qw, back;
                map_tiling t;
                map_layer_place lp;
                map_placer *p;
                cr_assert_eq(map_quantize(w, out, in, grouped ? 32 : 0, &qw, NULL), AX_OK);
                cr_assert_eq(map_tiling_make_group(out, in, grouped ? 32 : 0, R, C, &t, NULL),
                             AX_OK);
                cr_assert_eq(map_placer_new(16, 16, 0, &p, NULL), AX_OK);
                cr_assert_eq(map_placer_add(p, "big", &t, &lp, NULL), AX_OK);
                char path[80];
                snprintf(path, sizeof path, "/tmp/axon_test_big_%d.axi", (int)getpid());
                map_image_writer *iw;
                cr_assert_eq(map_image_writer_new(path, R, C, 16, 16, &iw, NULL), AX_OK);
                cr_assert_eq(map_image_writer_add(iw, "big", &qw, &t, &lp, NULL, NULL), AX_OK);
                cr_assert_eq(map_image_writer_close(iw, NULL), AX_OK);
                map_image *img;
                char *err = NULL;
                cr_assert_eq(map_image_open(path, &img, &err), AX_OK, "%s", err ? err : "");
                cr_assert_eq(map_image_verify(img, &err), AX_OK, "%s", err ? err : "");
                cr_assert_eq(map_image_load_layer(img, 0, 1, &back, NULL, &err), AX_OK);
                cr_assert_eq(memcmp(back.q, qw.q, out * in), 0, "%dx%d grouped %d", R, C, grouped);
                cr_assert_eq(memcmp(back.scale, qw.scale, out * qw.ngroups * sizeof(float)), 0);
                map_qweight_free(&back);
                map_image_free(img);
                unlink(path);
                map_placer_free(p);
                map_layer_place_free(&lp);
                map_qweight_free(&qw);
            }
        free(w);
    }
}
