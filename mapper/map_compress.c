/*
 * Compression of weight rows (one row = the C int8 weights of one axon in
 * a tile). Quantized LLM weights are mostly nonzero, so these encodings pay
 * off only on pruned or padded tiles; the point is to count their cost
 * honestly: an event-driven core reads row i on demand, so every encoded
 * row needs a locator, a 32-bit offset per row (MAP_COMPRESS_INDEX_BYTES),
 * and that index is counted in every total.
 *
 *  zero-run: pairs (z: u8, v: i8) = z zeros then v; 256 zeros and more
 *            are cut by (255, 0) pairs; trailing zeros are implicit.
 *  bitmap:   ceil(n/8) bytes (bit j, LSB first, set when w[j] != 0), then
 *            the nonzero values in order.
 */
#include "map_int.h"

#include <string.h>

const char *map_compress_name(map_compress m)
{
    switch (m) {
    case MAP_COMPRESS_NONE: return "none";
    case MAP_COMPRESS_ZERO_RUN: return "zero-run";
    case MAP_COMPRESS_BITMAP: return "bitmap";
    }
    return "?";
}

ax_result map_compress_parse(const char *s, map_compress *m, char **err)
{
    if (!strcmp(s, "none"))
        *m = MAP_COMPRESS_NONE;
    else if (!strcmp(s, "zero-run"))
        *m = MAP_COMPRESS_ZERO_RUN;
    else if (!strcmp(s, "bitmap"))
        *m = MAP_COMPRESS_BITMAP;
    else
        return ax_fail(err, AX_EPARAM,
                       "--compress '%s' is unknown (hint: zero-run, bitmap or none)", s);
    return AX_OK;
}

size_t map_compress_bound(map_compress m, size_t n)
{
    switch (m) {
    case MAP_COMPRESS_ZERO_RUN: return 2 * n;
    case MAP_COMPRESS_BITMAP: return (n + 7) / 8 + n;
    default: return n;
    }
}

size_t map_compress_row(map_compress m, const int8_t *row, size_t n, uint8_t *dst)
{
    size_t o = 0;
    if (m == MAP_COMPRESS_ZERO_RUN) {
        size_t z = 0;
        for (size_t j = 0; j < n; j++) {
            if (row[j] == 0) {
                z++;
                continue;
            }
            while (z > 255) {
                dst[o++] = 255;
                dst[o++] = 0;
                z -= 256;
            }
            dst[o++] = (uint8_t)z;
            dst[o++] = (uint8_t)row[j];
            z = 0;
        }
        return o;
    }
    if (m == MAP_COMPRESS_BITMAP) {
        size_t nb = (n + 7) / 8;
        memset(dst, 0, nb);
        o = nb;
        for (size_t j = 0; j < n; j++)
            if (row[j]) {
                dst[j / 8] |= (uint8_t)(1u << (j % 8));
                dst[o++] = (uint8_t)row[j];
            }
        return o;
    }
    memcpy(dst, row, n);
    return n;
}

ax_result map_decompress_row(map_compress m, const uint8_t *src, size_t len, size_t n, int8_t *row,
                             char **err)
{
    memset(row, 0, n);
    if (m == MAP_COMPRESS_ZERO_RUN) {
        if (len % 2)
            return ax_fail(err, AX_EFORMAT,
                           "zero-run row: odd length %zu (pairs of bytes expected)", len);
        size_t j = 0;
        for (size_t o = 0; o < len; o += 2) {
            j += src[o];
            if (j >= n)
                return ax_fail(err, AX_EFORMAT,
                               "zero-run row: offset %zu: run reaches weight %zu of a %zu-weight "
                               "row",
                               o, j, n);
            row[j++] = (int8_t)src[o + 1];
        }
        return AX_OK;
    }
    if (m == MAP_COMPRESS_BITMAP) {
        size_t nb = (n + 7) / 8, o = nb;
        if (len < nb)
            return ax_fail(err, AX_EFORMAT,
                           "bitmap row: %zu bytes, shorter than its %zu-byte bitmap", len, nb);
        for (size_t j = 0; j < n; j++)
            if (src[j / 8] >> (j % 8) & 1) {
                if (o >= len)
                    return ax_fail(err, AX_EFORMAT,
                                   "bitmap row: offset %zu: value of weight %zu missing", o, j);
                if (src[o] == 0)
                    return ax_fail(err, AX_EFORMAT,
                                   "bitmap row: offset %zu: zero value under a set bit", o);
                row[j] = (int8_t)src[o++];
            }
        if (n % 8 && src[nb - 1] >> (n % 8))
            return ax_fail(err, AX_EFORMAT, "bitmap row: offset %zu: bits set past weight %zu",
                           nb - 1, n);
        if (o != len)
            return ax_fail(err, AX_EFORMAT, "bitmap row: offset %zu: %zu trailing bytes", o,
                           len - o);
        return AX_OK;
    }
    if (len != n)
        return ax_fail(err, AX_EFORMAT, "raw row: %zu bytes for %zu weights", len, n);
    memcpy(row, src, n);
    return AX_OK;
}

uint64_t map_compress_bytes(map_compress m, const int8_t *rows, size_t nrows, size_t n)
{
    if (m == MAP_COMPRESS_NONE)
        return (uint64_t)nrows * n;
    uint64_t total = (uint64_t)nrows * MAP_COMPRESS_INDEX_BYTES;
    for (size_t k = 0; k < nrows; k++) {
        const int8_t *row = rows + k * n;
        size_t nz = 0, pairs = 0, z = 0;
        for (size_t j = 0; j < n; j++) {
            if (row[j]) {
                nz++;
                pairs += 1 + z / 256;
                z = 0;
            } else {
                z++;
            }
        }
        total += m == MAP_COMPRESS_ZERO_RUN ? 2 * pairs : (n + 7) / 8 + nz;
    }
    return total;
}
