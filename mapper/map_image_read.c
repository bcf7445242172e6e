/*
 * Core image reader (format in docs/core-image.md). The file is mapped
 * read-only and validated completely at open: magic, version, header
 * checksum, file size, then every section's kind, index, length and
 * checksum, every field against the tiling it implies (shapes, extents,
 * groups, mesh bounds, no core position used twice, permutation, zero
 * padding, int8 range, finite scales). An error names the file and the
 * byte offset of the offending field. After open, accessors never fail on
 * the format.
 */
#include "map_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>


void map_image_free(map_image *img)
{
    if (!img)
        return;
    for (size_t i = 0; img->layers && i < img->nlayers; i++)
        free((char *)img->layers[i].pub.name);
    free(img->layers);
    free(img->core_off);
    if (img->mapped && img->buf)
        munmap((void *)img->buf, img->size);
    free(img->name);
    free(img);
}

/* AX_EFORMAT with "NAME: offset OFF: message". */
__attribute__((format(printf, 4, 5))) static ax_result bad(const map_image *img, char **err,
                                                           size_t off, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ax_fail(err, AX_EFORMAT, "%s: offset %zu: %s", img->name, off, msg);
}
#define BAD(off, ...) bad(img, err, (size_t)(off), __VA_ARGS__)
#define HINT " (hint: the image is damaged or not written by this axon; rewrite it with `axon map --image`)"

/* Fuzz builds skip checksum comparison so the fuzzer reaches the field
 * checks behind them (libFuzzer's convention; never set in product builds). */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define SUM_BAD(a, b) ((void)(a), (void)(b), 0)
#else
#define SUM_BAD(a, b) ((a) != (b))
#endif

typedef struct {
    map_core_pos p;
    size_t off; /* payload offset of the core section */
} placed;

static int cmp_pos(const void *a, const void *b)
{
    const map_core_pos *x = &((const placed *)a)->p, *y = &((const placed *)b)->p;
    if (x->pass != y->pass)
        return x->pass < y->pass ? -1 : 1;
    if (x->y != y->y)
        return x->y < y->y ? -1 : 1;
    return x->x < y->x ? -1 : x->x > y->x;
}

static ax_result parse_layer(map_image *img, size_t off, const uint8_t *p, size_t n, size_t li,
                             size_t cores_seen, char **err)
{
    if (n < MAP_IMG_LAYER_FIXED)
        return BAD(off, "layer section of %zu bytes, shorter than %d" HINT, n, MAP_IMG_LAYER_FIXED);
    img_layer *L = &img->layers[li];
    uint64_t out = map_img_get64(p), in = map_img_get64(p + 8), group = map_img_get64(p + 16), ng = map_img_get64(p + 24);
    uint64_t rb = map_img_get64(p + 32), cb = map_img_get64(p + 40), first = map_img_get64(p + 48);
    uint32_t permuted = map_img_get32(p + 56), nlen = map_img_get32(p + 60);
    if (out == 0 || in == 0 || out > (1ull << 32) || in > (1ull << 32))
        return BAD(off, "layer shape [%llu, %llu] is empty or too large" HINT,
                   (unsigned long long)out, (unsigned long long)in);
    if (group == 0 || group > in || ng != (in + group - 1) / group)
        return BAD(off + 16, "group %llu / %llu groups do not fit in=%llu" HINT,
                   (unsigned long long)group, (unsigned long long)ng, (unsigned long long)in);
    map_tiling t;
    map_tiling_make_group(out, in, group, img->R, img->C, &t, NULL);
    if (rb != t.rb || cb != t.cb)
        return BAD(off + 32, "row/column blocks %llux%llu do not follow from the shape and tile" HINT,
                   (unsigned long long)rb, (unsigned long long)cb);
    if (first != cores_seen)
        return BAD(off + 48, "first core %llu, expected %zu" HINT, (unsigned long long)first,
                   cores_seen);
    if (permuted > 1 || nlen == 0 || nlen > MAP_IMG_NAME_MAX)
        return BAD(off + 56, "permuted flag %u / name length %u invalid" HINT, permuted, nlen);
    uint64_t want = MAP_IMG_LAYER_FIXED + (uint64_t)nlen + (permuted ? 4 * in : 0);
    if (want != n)
        return BAD(off, "layer section of %zu bytes, its fields need %llu" HINT, n,
                   (unsigned long long)want);
    if (memchr(p + 64, 0, nlen))
        return BAD(off + 64, "layer name holds a NUL byte" HINT);
    L->pub.name = strndup((const char *)p + 64, nlen);
    if (!L->pub.name)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    L->pub.out = out;
    L->pub.in = in;
    L->pub.group = group;
    L->pub.ngroups = ng;
    L->pub.rb = rb;
    L->pub.cb = cb;
    L->pub.first_core = first;
    L->pub.permuted = (int)permuted;
    if (permuted) {
        L->perm_off = off + 64 + nlen;
        uint32_t *perm = malloc(in * sizeof *perm);
        if (!perm)
            return ax_fail(err, AX_ENOMEM, "out of memory");
        for (size_t k = 0; k < in; k++)
            perm[k] = map_img_get32(p + 64 + nlen + 4 * k);
        char *why = NULL;
        ax_result r = map_perm_check(perm, in, ng > 1 ? group : 0, &why);
        free(perm);
        if (r) {
            BAD(L->perm_off, "bad input permutation: %s" HINT, why ? why : "?");
            free(why);
            return AX_EFORMAT;
        }
    }
    return AX_OK;
}

static ax_result parse_core(map_image *img, size_t off, const uint8_t *p, size_t n,
                            const img_layer *L, size_t k, placed *pos, char **err)
{
    const size_t R = (size_t)img->R, C = (size_t)img->C, RC = R * C;
    if (n < MAP_IMG_CORE_FIXED)
        return BAD(off, "core section of %zu bytes, shorter than %d" HINT, n, MAP_IMG_CORE_FIXED);
    uint32_t f[12];
    for (int i = 0; i < 12; i++)
        f[i] = map_img_get32(p + 4 * i);
    size_t li = (size_t)(L - img->layers), rr = k / L->pub.cb, cc = k % L->pub.cb;
    if (f[0] != li || f[1] != rr || f[2] != cc)
        return BAD(off, "core of layer %u tile (%u, %u), expected layer %zu tile (%zu, %zu)" HINT,
                   f[0], f[1], f[2], li, rr, cc);
    if (f[4] >= (uint32_t)img->W || f[5] >= (uint32_t)img->H)
        return BAD(off + 12, "core at (%u, %u) outside the %dx%d mesh" HINT, f[4], f[5], img->W,
                   img->H);
    map_tiling t;
    map_tiling_make_group(L->pub.out, L->pub.in, L->pub.group, img->R, img->C, &t, NULL);
    size_t row0, nrows, col0, ncols;
    map_tile_extent(&t, rr, cc, &row0, &nrows, &col0, &ncols);
    size_t G = L->pub.group, g0 = row0 / G, ng = (row0 + nrows - 1) / G + 1 - g0;
    if (f[6] != nrows || f[7] != ncols || f[8] != g0 || f[9] != ng || f[10] != row0 ||
        f[11] != col0)
        return BAD(off + 24, "core extent %ux%u at (%u, %u), groups [%u, +%u) does not follow "
                   "from the tiling (%zux%zu at (%zu, %zu), [%zu, +%zu))" HINT, f[6], f[7], f[10],
                   f[11], f[8], f[9], nrows, ncols, row0, col0, g0, ng);
    if (n != MAP_IMG_CORE_FIXED + RC + 4 * ncols * ng)
        return BAD(off, "core section of %zu bytes, its tile needs %zu" HINT, n,
                   MAP_IMG_CORE_FIXED + RC + 4 * ncols * ng);
    const int8_t *w = (const int8_t *)(p + MAP_IMG_CORE_FIXED);
    for (size_t a = 0; a < R; a++)
        for (size_t j = 0; j < C; j++) {
            int8_t v = w[a * C + j];
            if (v == -128 || (v && (a >= nrows || j >= ncols)))
                return BAD(off + MAP_IMG_CORE_FIXED + a * C + j,
                           "weight %d at row %zu column %zu (%s)" HINT, v, a, j,
                           v == -128 ? "outside [-127, 127]" : "padding must be 0");
        }
    const uint8_t *s = p + MAP_IMG_CORE_FIXED + RC;
    for (size_t i = 0; i < ncols * ng; i++) {
        uint32_t u = map_img_get32(s + 4 * i);
        float x;
        memcpy(&x, &u, 4);
        if (!isfinite(x))
            return BAD(off + MAP_IMG_CORE_FIXED + RC + 4 * i, "scale %g is not finite" HINT, x);
    }
    pos->p.pass = f[3];
    pos->p.x = f[4];
    pos->p.y = f[5];
    pos->off = off;
    return AX_OK;
}

static ax_result parse(map_image *img, char **err)
{
    const uint8_t *b = img->buf;
    if (img->size < MAP_IMG_HEADER_BYTES)
        return BAD(img->size, "truncated: %zu bytes, the header alone is %d" HINT, img->size,
                   MAP_IMG_HEADER_BYTES);
    if (memcmp(b, MAP_IMAGE_MAGIC, 8))
        return BAD(0, "bad magic (not an axon core image)" HINT);
    uint32_t ver = map_img_get32(b + 8);
    if (ver != MAP_IMAGE_VERSION && ver != 1)
        return BAD(8, "unsupported version %u (this axon reads versions 1 and %u; hint: rewrite it "
                   "with this axon's `axon map --image`)", ver, MAP_IMAGE_VERSION);
    /* version 1 checksums were seeded with axon 0.1's offset basis */
    const uint64_t seed = ver == 1 ? AX_FNV_SEED_V01 : AX_FNV_SEED;
    if (SUM_BAD(map_img_get64(b + 56), ax_fnv1a(b, 56, seed)))
        return BAD(56, "header checksum mismatch" HINT);
    if (map_img_get32(b + 12) != MAP_IMG_HEADER_BYTES)
        return BAD(12, "header size %u, expected %d" HINT, map_img_get32(b + 12), MAP_IMG_HEADER_BYTES);
    uint32_t R = map_img_get32(b + 16), C = map_img_get32(b + 20), W = map_img_get32(b + 24), H = map_img_get32(b + 28);
    if (R < 1 || C < 1 || R > MAP_TILE_MAX || C > MAP_TILE_MAX || W < 1 || H < 1 || W > 65535 ||
        H > 65535)
        return BAD(16, "tile %ux%u or mesh %ux%u out of range" HINT, R, C, W, H);
    img->R = (int)R, img->C = (int)C, img->W = (int)W, img->H = (int)H;
    uint64_t nl = map_img_get32(b + 32), nc = map_img_get64(b + 40), fsz = map_img_get64(b + 48);
    if (fsz != img->size)
        return BAD(fsz < img->size ? fsz : img->size, "%s: the header says %llu bytes, the file has %zu" HINT,
                   fsz > img->size ? "truncated" : "trailing bytes", (unsigned long long)fsz, img->size);
    /* every layer and core takes at least a section header: bounds the counts */
    if (nl > img->size / MAP_IMG_SECTION_BYTES || nc > img->size / MAP_IMG_SECTION_BYTES)
        return BAD(32, "%llu layers / %llu cores cannot fit in %zu bytes" HINT,
                   (unsigned long long)nl, (unsigned long long)nc, img->size);
    img->layers = calloc(nl ? nl : 1, sizeof *img->layers);
    img->core_off = calloc(nc ? nc : 1, sizeof *img->core_off);
    placed *pos = calloc(nc ? nc : 1, sizeof *pos);
    if (!img->layers || !img->core_off || !pos) {
        free(pos);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    ax_result r = AX_OK;
    size_t off = MAP_IMG_HEADER_BYTES, li = 0, ci = 0, left = 0; /* left: cores due to layer li-1 */
    while (off < img->size && !r) {
        if (img->size - off < MAP_IMG_SECTION_BYTES) {
            r = BAD(off, "truncated section header" HINT);
            break;
        }
        uint32_t kind = map_img_get32(b + off), idx = map_img_get32(b + off + 4);
        uint64_t n = map_img_get64(b + off + 8), sum = map_img_get64(b + off + 16);
        size_t p = off + MAP_IMG_SECTION_BYTES;
        if (n > img->size - p) {
            r = BAD(off + 8, "section of %llu bytes runs past the end (truncated?)" HINT,
                    (unsigned long long)n);
            break;
        }
        if (SUM_BAD(ax_fnv1a(b + p, n, seed), sum)) {
            r = BAD(off + 16, "checksum mismatch in section %u of kind %u" HINT, idx, kind);
            break;
        }
        if (kind == MAP_IMG_LAYER) {
            if (left || li >= nl || idx != li) {
                r = BAD(off, "unexpected layer section %u (%zu cores of the previous layer missing)" HINT,
                        idx, left);
                break;
            }
            img->nlayers = li + 1; /* so free() releases the name */
            r = parse_layer(img, p, b + p, n, li, ci, err);
            if (!r) {
                left = img->layers[li].pub.rb * img->layers[li].pub.cb;
                if (left > nc - ci)
                    r = BAD(p + 32, "layer needs %zu cores, the header has %llu left" HINT, left,
                            (unsigned long long)(nc - ci));
            }
            li++;
        } else if (kind == MAP_IMG_CORE) {
            if (!left || idx != ci) {
                r = BAD(off, "unexpected core section %u" HINT, idx);
                break;
            }
            const img_layer *L = &img->layers[li - 1];
            r = parse_core(img, p, b + p, n, L, ci - L->pub.first_core, &pos[ci], err);
            img->core_off[ci++] = p;
            left--;
        } else {
            r = BAD(off, "unknown section kind %u" HINT, kind);
        }
        off = p + n;
    }
    if (!r && (li != nl || ci != nc || left))
        r = BAD(img->size, "truncated: %zu of %llu layers and %zu of %llu cores present" HINT, li,
                (unsigned long long)nl, ci, (unsigned long long)nc);
    if (!r) {
        qsort(pos, nc, sizeof *pos, cmp_pos);
        for (size_t i = 1; i < nc && !r; i++)
            if (!cmp_pos(&pos[i - 1], &pos[i]))
                r = BAD(pos[i].off > pos[i - 1].off ? pos[i].off + 12 : pos[i - 1].off + 12,
                        "two cores at pass %u (%u, %u)" HINT, pos[i].p.pass, pos[i].p.x, pos[i].p.y);
    }
    free(pos);
    img->nlayers = li;
    img->ncores = ci;
    return r;
}

ax_result map_image_open_mem(const char *name, const void *buf, size_t size, map_image **out,
                             char **err)
{
    *out = NULL;
    map_image *img = calloc(1, sizeof *img);
    if (!img || !(img->name = strdup(name))) {
        free(img);
        return ax_fail(err, AX_ENOMEM, "out of memory");
    }
    img->buf = buf;
    img->size = size;
    ax_result r = parse(img, err);
    if (r) {
        map_image_free(img);
        return r;
    }
    *out = img;
    return AX_OK;
}

ax_result map_image_open(const char *path, map_image **out, char **err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return ax_fail(err, AX_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st)) {
        close(fd);
        return ax_fail(err, AX_EIO, "%s: stat failed: %s", path, strerror(errno));
    }
    void *m = NULL;
    size_t size = (size_t)st.st_size;
    if (size) {
        m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            close(fd);
            return ax_fail(err, AX_EIO, "%s: mmap failed: %s", path, strerror(errno));
        }
    }
    close(fd);
    map_image *img = NULL;
    ax_result r = map_image_open_mem(path, m, size, &img, err);
    if (r) {
        if (m)
            munmap(m, size);
        return r;
    }
    img->mapped = m != NULL;
    *out = img;
    return AX_OK;
}
