/*
 * Core image reader (format in docs/core-image.md, version 3; versions 1
 * and 2, without the layer directory and with FNV-1a 64 checksums, are
 * read by walking their LAYER sections, each layer's bytes following from
 * its tiling). The file is
 * mapped read-only; nothing is copied, and what is checked is proportional
 * to what is used:
 *  - map_image_open validates the header (magic, version, checksum, sizes),
 *    the layer directory at the end of the file and every LAYER section
 *    (checksum, shape, tiling, permutation), and derives where every core
 *    section must lie from the tiling. It reads a few KiB whatever the
 *    image's size: no core section is touched.
 *  - map_image_check_layer validates one layer's CORE sections (each
 *    section header, XXH64 checksum, extent, groups, mesh bounds, zero
 *    padding, int8 range, finite scales, no two cores of the layer at one
 *    position), on all cores, once per open image; map_image_load_layer and
 *    map_image_core_rows call it, so a layer is verified before its weights
 *    are used, and the layers a run never uses are never read.
 *  - map_image_verify checks every layer and that no two cores of the whole
 *    image share a position (`axon map --read-image`, the fuzz target).
 * An error names the file and the byte offset of the offending field.
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

#ifdef __SSE2__
#include <emmintrin.h>
#endif

void map_image_free(map_image *img)
{
    if (!img)
        return;
    for (size_t i = 0; img->layers && i < img->nlayers; i++)
        free((char *)img->layers[i].pub.name);
    free(img->layers);
    free(img->core_off);
    free(img->checked);
    if (img->mapped && img->buf)
        munmap((void *)img->buf, img->size);
    free(img->name);
    free(img);
}

/* AX_EFORMAT with "NAME: offset OFF: message". */
__attribute__((format(printf, 4, 5))) static ax_result bad(const map_image *img, char **err,
                                                           size_t off, const char *fmt, ...)
{
    if (!err)
        return AX_EFORMAT;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ax_fail(err, AX_EFORMAT, "%s: offset %zu: %s", img->name, off, msg);
}
#define BAD(off, ...) bad(img, err, (size_t)(off), __VA_ARGS__)
#define HINT                                                                                       \
    " (hint: the image is damaged or not written by this axon; rewrite it with `axon map "         \
    "--image`)"

/* Fuzz builds skip checksum comparison so the fuzzer reaches the field
 * checks behind them (libFuzzer's convention; never set in product builds). */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define SUM_BAD(a, b) ((void)(a), (void)(b), 0)
#else
#define SUM_BAD(a, b) ((a) != (b))
#endif

/* A section's checksum as the image's version computes it: XXH64 (seed 0)
 * from version 3 on; FNV-1a 64 before, seeded with axon 0.1's basis in
 * version 1 and the standard one in version 2. */
static uint64_t img_sum(const map_image *img, const void *p, size_t n)
{
    if (img->version >= 3)
        return ax_xxh64(p, n, 0);
    return ax_fnv1a(p, n, img->version == 1 ? AX_FNV_SEED_V01 : AX_FNV_SEED);
}

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

/* Bytes of core k's CORE section (header included) of a layer tiled as t. */
static size_t core_section_bytes(const map_image *img, const map_tiling *t, size_t k)
{
    size_t row0, nrows, col0, ncols;
    map_tile_extent(t, k / t->cb, k % t->cb, &row0, &nrows, &col0, &ncols);
    size_t G = t->group, ng = (row0 + nrows - 1) / G + 1 - row0 / G;
    return MAP_IMG_SECTION_BYTES + MAP_IMG_CORE_FIXED + (size_t)img->R * (size_t)img->C +
           4 * ncols * ng;
}

static ax_result parse_layer(map_image *img, size_t off, const uint8_t *p, size_t n, size_t li,
                             size_t cores_seen, char **err)
{
    if (n < MAP_IMG_LAYER_FIXED)
        return BAD(off, "layer section of %zu bytes, shorter than %d" HINT, n, MAP_IMG_LAYER_FIXED);
    img_layer *L = &img->layers[li];
    uint64_t out = map_img_get64(p), in = map_img_get64(p + 8), group = map_img_get64(p + 16),
             ng = map_img_get64(p + 24);
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
        return BAD(off + 32,
                   "row/column blocks %llux%llu do not follow from the shape and tile" HINT,
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

/* Core k of layer L: its section header, checksum and every field. */
static ax_result check_core(const map_image *img, const img_layer *L, const map_tiling *t, size_t k,
                            placed *pos, char **err)
{
    const size_t R = (size_t)img->R, C = (size_t)img->C, RC = R * C;
    const size_t ci = L->pub.first_core + k, off = img->core_off[ci];
    const size_t hoff = off - MAP_IMG_SECTION_BYTES;
    const uint8_t *h = img->buf + hoff, *p = img->buf + off;
    uint32_t kind = map_img_get32(h), idx = map_img_get32(h + 4);
    uint64_t n = map_img_get64(h + 8), sum = map_img_get64(h + 16);
    size_t want = core_section_bytes(img, t, k) - MAP_IMG_SECTION_BYTES;
    if (kind != MAP_IMG_CORE || idx != ci)
        return BAD(hoff, "expected core section %zu, found kind %u index %u" HINT, ci, kind, idx);
    if (n != want)
        return BAD(hoff + 8, "core section of %llu bytes, its tile needs %zu" HINT,
                   (unsigned long long)n, want);
    if (SUM_BAD(img_sum(img, p, n), sum))
        return BAD(hoff + 16, "checksum mismatch in section %u of kind %u" HINT, idx, kind);
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
    size_t row0, nrows, col0, ncols;
    map_tile_extent(t, rr, cc, &row0, &nrows, &col0, &ncols);
    size_t G = L->pub.group, g0 = row0 / G, ng = (row0 + nrows - 1) / G + 1 - g0;
    if (f[6] != nrows || f[7] != ncols || f[8] != g0 || f[9] != ng || f[10] != row0 ||
        f[11] != col0)
        return BAD(off + 24,
                   "core extent %ux%u at (%u, %u), groups [%u, +%u) does not follow "
                   "from the tiling (%zux%zu at (%zu, %zu), [%zu, +%zu))" HINT,
                   f[6], f[7], f[10], f[11], f[8], f[9], nrows, ncols, row0, col0, g0, ng);
    /* weights: no -128, zero padding; a branch-free pass first, the
     * element-by-element search only to name the offending byte */
    const int8_t *w = (const int8_t *)(p + MAP_IMG_CORE_FIXED);
    unsigned badw = 0;
    for (size_t a = 0; a < R; a++) {
        const int8_t *row = w + a * C;
        size_t used = a < nrows ? ncols : 0, j = 0;
#ifdef __SSE2__ /* 16 bytes at a time: any -128 in the used part, any nonzero after it */
        const __m128i m128 = _mm_set1_epi8(-128), zero = _mm_setzero_si128();
        __m128i acc = zero;
        for (; j + 16 <= used; j += 16)
            acc = _mm_or_si128(acc,
                               _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(row + j)), m128));
        badw |= _mm_movemask_epi8(acc) != 0;
        for (; j < used; j++)
            badw |= row[j] == -128;
        j = used;
        acc = _mm_setzero_si128();
        for (; j + 16 <= C; j += 16)
            acc = _mm_or_si128(acc, _mm_loadu_si128((const __m128i *)(row + j)));
        badw |= _mm_movemask_epi8(_mm_cmpeq_epi8(acc, zero)) != 0xffff;
#endif
        for (; j < used; j++)
            badw |= row[j] == -128;
        for (j = j > used ? j : used; j < C; j++)
            badw |= row[j] != 0;
    }
    if (badw)
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
        if ((u & 0x7f800000u) == 0x7f800000u) {
            float x;
            memcpy(&x, &u, 4);
            return BAD(off + MAP_IMG_CORE_FIXED + RC + 4 * i, "scale %g is not finite" HINT, x);
        }
    }
    if (pos) {
        pos->p.pass = f[3];
        pos->p.x = f[4];
        pos->p.y = f[5];
        pos->off = off;
    }
    return AX_OK;
}

typedef struct {
    const map_image *img;
    const img_layer *L;
    const map_tiling *t;
    placed *pos;
    unsigned char *bad;
    void (*each)(void *ctx, size_t k);
    void *ctx;
} check_ctx;

/* Cores are visited column block by column block (index i -> core
 * (i mod rb) * cb + i / rb): the cores of one column block write the same
 * output rows of the reassembled weight, so consecutive tiles reuse the
 * same pages (and TLB entries) instead of touching 128 new ones each. */
static size_t col_major(const img_layer *L, size_t i)
{
    return (i % L->pub.rb) * L->pub.cb + i / L->pub.rb;
}

static void check_cores(void *ctx, size_t b, size_t e, int worker)
{
    (void)worker;
    check_ctx *c = ctx;
    for (size_t i = b; i < e; i++) {
        size_t k = col_major(c->L, i);
        c->bad[k] = check_core(c->img, c->L, c->t, k, &c->pos[k], NULL) != AX_OK;
        if (!c->bad[k] && c->each)
            c->each(c->ctx, k);
    }
}

static void each_core(void *ctx, size_t b, size_t e, int worker)
{
    (void)worker;
    check_ctx *c = ctx;
    for (size_t i = b; i < e; i++)
        c->each(c->ctx, col_major(c->L, i));
}

/* Fills core_off of layer li's cores (once): they follow each other from
 * its first CORE section, each as long as its tile needs. */
static void layer_offsets(const map_image *img, size_t li, const map_tiling *t)
{
    const img_layer *L = &img->layers[li];
    if (img->core_off[L->pub.first_core])
        return;
    size_t q = L->cores_at;
    for (size_t k = 0; k < t->cores; k++) {
        img->core_off[L->pub.first_core + k] = q + MAP_IMG_SECTION_BYTES;
        q += core_section_bytes(img, t, k);
    }
}

/* Calls each(ctx, k) for every core k of layer li on all threads; checks
 * the cores first when they are not yet (in the same pass, so a core's
 * bytes are read once while in cache), and then reports the first bad core
 * in file order; pos (may be NULL) receives their positions. */
static ax_result check_layer_each(const map_image *img, size_t li, placed *pos_out,
                                  void (*each)(void *ctx, size_t k), void *ctx, char **err);

static ax_result check_layer(const map_image *img, size_t li, placed *pos_out, char **err)
{
    return check_layer_each(img, li, pos_out, NULL, NULL, err);
}

static void each_core(void *ctx, size_t b, size_t e, int worker);

static ax_result check_layer_each(const map_image *img, size_t li, placed *pos_out,
                                  void (*each)(void *ctx, size_t k), void *ctx, char **err)
{
    const img_layer *L = &img->layers[li];
    map_tiling t;
    map_tiling_make_group(L->pub.out, L->pub.in, L->pub.group, img->R, img->C, &t, NULL);
    layer_offsets(img, li, &t);
    size_t n = t.cores;
    placed *pos = pos_out ? pos_out : malloc((n ? n : 1) * sizeof *pos);
    unsigned char *badc = calloc(n ? n : 1, 1);
    if (!pos || !badc) {
        if (!pos_out)
            free(pos);
        free(badc);
        return ax_fail(err, AX_ENOMEM, "out of memory checking layer '%s'", L->pub.name);
    }
    check_ctx c = {img, L, &t, pos, badc, each, ctx};
    ax_parallel_for(img->threads, n, 64, check_cores, &c);
    ax_result r = AX_OK;
    for (size_t k = 0; k < n && !r; k++)
        if (badc[k])
            r = check_core(img, L, &t, k, &pos[k], err); /* again, for the message */
    if (!r) { /* no two cores of the layer at one position */
        placed *s = malloc((n ? n : 1) * sizeof *s);
        if (!s)
            r = ax_fail(err, AX_ENOMEM, "out of memory checking layer '%s'", L->pub.name);
        else {
            memcpy(s, pos, n * sizeof *s);
            qsort(s, n, sizeof *s, cmp_pos);
            for (size_t i = 1; i < n && !r; i++)
                if (!cmp_pos(&s[i - 1], &s[i]))
                    r = BAD((s[i].off > s[i - 1].off ? s[i].off : s[i - 1].off) + 12,
                            "two cores at pass %u (%u, %u)" HINT, s[i].p.pass, s[i].p.x, s[i].p.y);
            free(s);
        }
    }
    if (!pos_out)
        free(pos);
    free(badc);
    return r;
}

ax_result map_image_check_layer_each(const map_image *img, size_t li,
                                     void (*each)(void *ctx, size_t k), void *ctx, char **err)
{
    if (li >= img->nlayers)
        return ax_fail(err, AX_EPARAM, "%s: layer %zu does not exist (%zu layers)", img->name, li,
                       img->nlayers);
    if (img->checked[li]) {
        if (each) {
            check_ctx c = {.L = &img->layers[li], .each = each, .ctx = ctx};
            ax_parallel_for(img->threads, img->layers[li].pub.rb * img->layers[li].pub.cb, 64,
                            each_core, &c);
        }
        return AX_OK;
    }
    ax_result r = check_layer_each(img, li, NULL, each, ctx, err);
    if (!r)
        img->checked[li] = 1;
    return r;
}

ax_result map_image_check_layer(const map_image *img, size_t li, char **err)
{
    return map_image_check_layer_each(img, li, NULL, NULL, err);
}

ax_result map_image_verify(const map_image *img, char **err)
{
    placed *all = malloc((img->ncores ? img->ncores : 1) * sizeof *all);
    if (!all)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    ax_result r = AX_OK;
    for (size_t i = 0; i < img->nlayers && !r; i++) {
        r = check_layer(img, i, all + img->layers[i].pub.first_core, err);
        if (!r)
            img->checked[i] = 1;
    }
    if (!r) {
        qsort(all, img->ncores, sizeof *all, cmp_pos);
        for (size_t i = 1; i < img->ncores && !r; i++)
            if (!cmp_pos(&all[i - 1], &all[i]))
                r = BAD((all[i].off > all[i - 1].off ? all[i].off : all[i - 1].off) + 12,
                        "two cores at pass %u (%u, %u)" HINT, all[i].p.pass, all[i].p.x,
                        all[i].p.y);
    }
    free(all);
    return r;
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
    if (ver != MAP_IMAGE_VERSION && ver != 1 && ver != 2)
        return BAD(8,
                   "unsupported version %u (this axon reads versions 1 to %u; hint: rewrite it "
                   "with this axon's `axon map --image`)",
                   ver, MAP_IMAGE_VERSION);
    img->version = ver;
    /* versions 1 and 2: FNV-1a 64 checksums and no layer directory */
    const int legacy = ver < 3;
    if (SUM_BAD(map_img_get64(b + 56), img_sum(img, b, 56)))
        return BAD(56, "header checksum mismatch" HINT);
    if (map_img_get32(b + 12) != MAP_IMG_HEADER_BYTES)
        return BAD(12, "header size %u, expected %d" HINT, map_img_get32(b + 12),
                   MAP_IMG_HEADER_BYTES);
    uint32_t R = map_img_get32(b + 16), C = map_img_get32(b + 20), W = map_img_get32(b + 24),
             H = map_img_get32(b + 28);
    if (R < 1 || C < 1 || R > MAP_TILE_MAX || C > MAP_TILE_MAX || W < 1 || H < 1 || W > 65535 ||
        H > 65535)
        return BAD(16, "tile %ux%u or mesh %ux%u out of range" HINT, R, C, W, H);
    img->R = (int)R, img->C = (int)C, img->W = (int)W, img->H = (int)H;
    uint64_t nl = map_img_get32(b + 32), nc = map_img_get64(b + 40), fsz = map_img_get64(b + 48);
    if (fsz != img->size)
        return BAD(fsz < img->size ? fsz : img->size,
                   "%s: the header says %llu bytes, the file has %zu" HINT,
                   fsz > img->size ? "truncated" : "trailing bytes", (unsigned long long)fsz,
                   img->size);
    /* the directory (the last section) and every layer and core take at
     * least a section header: bounds the counts */
    size_t room = img->size < MAP_IMG_HEADER_BYTES + (legacy ? 0 : MAP_IMG_SECTION_BYTES)
                      ? 0
                      : img->size - MAP_IMG_HEADER_BYTES - (legacy ? 0 : MAP_IMG_SECTION_BYTES);
    if ((!legacy && room == 0) ||
        nl > room / ((legacy ? 0 : MAP_IMG_DIR_ENTRY) + MAP_IMG_SECTION_BYTES) ||
        nc > room / MAP_IMG_SECTION_BYTES)
        return BAD(32, "%llu layers / %llu cores cannot fit in %zu bytes" HINT,
                   (unsigned long long)nl, (unsigned long long)nc, img->size);
    size_t dn = MAP_IMG_DIR_ENTRY * nl, doff = img->size;
    const uint8_t *d = NULL;
    if (!legacy) {
        doff = img->size - MAP_IMG_SECTION_BYTES - dn;
        d = b + doff;
        if (map_img_get32(d) != MAP_IMG_DIR || map_img_get32(d + 4) != nl ||
            map_img_get64(d + 8) != dn)
            return BAD(doff,
                       "the layer directory (kind %u, index %llu, %zu bytes) is not the last "
                       "section (found kind %u index %u, %llu bytes)" HINT,
                       MAP_IMG_DIR, (unsigned long long)nl, dn, map_img_get32(d),
                       map_img_get32(d + 4), (unsigned long long)map_img_get64(d + 8));
        if (SUM_BAD(img_sum(img, d + MAP_IMG_SECTION_BYTES, dn), map_img_get64(d + 16)))
            return BAD(doff + 16, "checksum mismatch in the layer directory" HINT);
        d += MAP_IMG_SECTION_BYTES;
    }
    img->layers = calloc(nl ? nl : 1, sizeof *img->layers);
    img->core_off = calloc(nc ? nc : 1, sizeof *img->core_off);
    img->checked = calloc(nl ? nl : 1, 1);
    if (!img->layers || !img->core_off || !img->checked)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    ax_result r = AX_OK;
    size_t off = MAP_IMG_HEADER_BYTES, ci = 0;
    for (size_t li = 0; li < nl && !r; li++) {
        size_t eoff = doff + MAP_IMG_SECTION_BYTES + MAP_IMG_DIR_ENTRY * li;
        uint64_t loff = off, lbytes = doff - off; /* legacy: up to the end, then its tiling's */
        if (!legacy) {
            loff = map_img_get64(d + MAP_IMG_DIR_ENTRY * li);
            lbytes = map_img_get64(d + MAP_IMG_DIR_ENTRY * li + 8);
        }
        if (legacy && lbytes < MAP_IMG_SECTION_BYTES) {
            r = BAD(off, "layer section %zu runs past the end (truncated?)" HINT, li);
            break;
        }
        if (loff != off || lbytes > doff - off || lbytes < MAP_IMG_SECTION_BYTES) {
            r = BAD(eoff,
                    "layer %zu at offset %llu, %llu bytes: layers must follow each other "
                    "from offset %zu up to the directory at %zu" HINT,
                    li, (unsigned long long)loff, (unsigned long long)lbytes, off, doff);
            break;
        }
        uint32_t kind = map_img_get32(b + off), idx = map_img_get32(b + off + 4);
        uint64_t n = map_img_get64(b + off + 8), sum = map_img_get64(b + off + 16);
        size_t p = off + MAP_IMG_SECTION_BYTES;
        if (kind != MAP_IMG_LAYER || idx != li) {
            r = BAD(off, "expected layer section %zu, found kind %u index %u" HINT, li, kind, idx);
            break;
        }
        if (n > lbytes - MAP_IMG_SECTION_BYTES) {
            r = BAD(off + 8, "layer section of %llu bytes runs past its layer's %llu bytes" HINT,
                    (unsigned long long)n, (unsigned long long)lbytes);
            break;
        }
        if (SUM_BAD(img_sum(img, b + p, n), sum)) {
            r = BAD(off + 16, "checksum mismatch in section %u of kind %u" HINT, idx, kind);
            break;
        }
        img->nlayers = li + 1; /* so free() releases the name */
        if ((r = parse_layer(img, p, b + p, n, li, ci, err)))
            break;
        img_layer *L = &img->layers[li];
        if (L->pub.rb * L->pub.cb > nc - ci) {
            r = BAD(p + 32, "layer needs %zu cores, the header has %llu left" HINT,
                    L->pub.rb * L->pub.cb, (unsigned long long)(nc - ci));
            break;
        }
        /* its bytes follow from the tiling: every core carries R*C weights, a
         * column block's cores carry cols_used scales per group they touch */
        map_tiling t;
        map_tiling_make_group(L->pub.out, L->pub.in, L->pub.group, img->R, img->C, &t, NULL);
        uint64_t gsum = 0; /* groups touched, summed over the row blocks */
        for (size_t rr = 0; rr < t.rb; rr++) {
            size_t row0, nrows, col0, ncols;
            map_tile_extent(&t, rr, 0, &row0, &nrows, &col0, &ncols);
            gsum += (row0 + nrows - 1) / t.group + 1 - row0 / t.group;
        }
        uint64_t need = MAP_IMG_SECTION_BYTES + n +
                        (uint64_t)t.cores * (MAP_IMG_SECTION_BYTES + MAP_IMG_CORE_FIXED +
                                             (uint64_t)img->R * (uint64_t)img->C) +
                        4 * (uint64_t)t.out * gsum;
        if (legacy && need > lbytes) {
            r = BAD(off,
                    "layer '%s' and its %zu cores need %llu bytes, %llu are left "
                    "(truncated?)" HINT,
                    L->pub.name, t.cores, (unsigned long long)need, (unsigned long long)lbytes);
            break;
        }
        if (legacy)
            lbytes = need; /* no directory: the layer's bytes follow from its tiling */
        if (need != lbytes) {
            r = BAD(eoff + 8,
                    "layer '%s' holds %llu bytes in the directory, its section and %zu "
                    "cores need %llu" HINT,
                    L->pub.name, (unsigned long long)lbytes, t.cores, (unsigned long long)need);
            break;
        }
        L->cores_at = p + n; /* its first CORE section; the others follow (layer_offsets) */
        L->off = off;
        L->bytes = lbytes;
        ci += t.cores;
        off += lbytes;
    }
    if (!r && (off != doff || ci != nc))
        r = BAD(doff, "%zu of %llu cores present, layers end at %zu, the directory is at %zu" HINT,
                ci, (unsigned long long)nc, off, doff);
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

void map_image_set_threads(map_image *img, int threads)
{
    if (img)
        img->threads = threads;
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
