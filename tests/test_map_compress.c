/* Unit tests of mapper/map_compress.c: exact encodings and byte counts on
 * hand cases (row index included), long zero runs, round trips on random
 * sparse rows, and malformed encodings rejected with the offset. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../mapper/map.h"

Test(map_compress, zero_run_hand_case)
{
    int8_t row[10] = {0, 0, 5, 0, -3, 0, 0, 0, 0, 0};
    uint8_t buf[20];
    size_t n = map_compress_row(MAP_COMPRESS_ZERO_RUN, row, 10, buf);
    uint8_t want[4] = {2, 5, 1, (uint8_t)-3}; /* trailing zeros implicit */
    cr_assert_eq(n, 4);
    cr_assert_eq(memcmp(buf, want, 4), 0);
    int8_t back[10];
    cr_assert_eq(map_decompress_row(MAP_COMPRESS_ZERO_RUN, buf, n, 10, back, NULL), AX_OK);
    cr_assert_eq(memcmp(back, row, 10), 0);
    /* bytes: 4 payload + 4 row index */
    cr_assert_eq(map_compress_bytes(MAP_COMPRESS_ZERO_RUN, row, 1, 10), 8);
}

Test(map_compress, bitmap_hand_case)
{
    int8_t row[10] = {0, 0, 5, 0, -3, 0, 0, 0, 0, 1};
    uint8_t buf[20];
    size_t n = map_compress_row(MAP_COMPRESS_BITMAP, row, 10, buf);
    /* bits 2, 4 -> 0x14; bit 9 -> byte 1 = 0x02; then 5, -3, 1 */
    uint8_t want[5] = {0x14, 0x02, 5, (uint8_t)-3, 1};
    cr_assert_eq(n, 5);
    cr_assert_eq(memcmp(buf, want, 5), 0);
    int8_t back[10];
    cr_assert_eq(map_decompress_row(MAP_COMPRESS_BITMAP, buf, n, 10, back, NULL), AX_OK);
    cr_assert_eq(memcmp(back, row, 10), 0);
    cr_assert_eq(map_compress_bytes(MAP_COMPRESS_BITMAP, row, 1, 10), 5 + 4);
    /* a dense row costs more than raw: metadata is never free */
    int8_t dense[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    cr_assert_eq(map_compress_bytes(MAP_COMPRESS_BITMAP, dense, 1, 8), 1 + 8 + 4);
    cr_assert_eq(map_compress_bytes(MAP_COMPRESS_ZERO_RUN, dense, 1, 8), 16 + 4);
    cr_assert_eq(map_compress_bytes(MAP_COMPRESS_NONE, dense, 1, 8), 8);
}

Test(map_compress, long_zero_runs)
{
    int8_t row[700] = {0};
    row[600] = 9; /* 600 zeros before: (255,0), (255,0) = 512, then (88, 9) */
    uint8_t buf[1400];
    size_t n = map_compress_row(MAP_COMPRESS_ZERO_RUN, row, 700, buf);
    uint8_t want[6] = {255, 0, 255, 0, 88, 9};
    cr_assert_eq(n, 6);
    cr_assert_eq(memcmp(buf, want, 6), 0);
    cr_assert_eq(map_compress_bytes(MAP_COMPRESS_ZERO_RUN, row, 1, 700), 6 + 4);
    int8_t back[700];
    cr_assert_eq(map_decompress_row(MAP_COMPRESS_ZERO_RUN, buf, n, 700, back, NULL), AX_OK);
    cr_assert_eq(memcmp(back, row, 700), 0);
    /* all zero row: empty payload, only its index entry */
    int8_t z[300] = {0};
    cr_assert_eq(map_compress_row(MAP_COMPRESS_ZERO_RUN, z, 300, buf), 0);
    cr_assert_eq(map_compress_bytes(MAP_COMPRESS_ZERO_RUN, z, 1, 300), 4);
}

Test(map_compress, random_round_trips_and_counts_agree)
{
    srand(7);
    for (int it = 0; it < 200; it++) {
        size_t n = 1 + (size_t)(rand() % 600);
        int8_t row[600], back[600];
        int density = rand() % 100;
        for (size_t j = 0; j < n; j++)
            row[j] = rand() % 100 < density ? (int8_t)(rand() % 255 - 127) : 0;
        for (int m = MAP_COMPRESS_NONE; m <= MAP_COMPRESS_BITMAP; m++) {
            uint8_t buf[1300];
            size_t len = map_compress_row((map_compress)m, row, n, buf);
            cr_assert_leq(len, map_compress_bound((map_compress)m, n));
            cr_assert_eq(map_decompress_row((map_compress)m, buf, len, n, back, NULL), AX_OK);
            cr_assert_eq(memcmp(back, row, n), 0);
            uint64_t meta = m == MAP_COMPRESS_NONE ? 0 : MAP_COMPRESS_INDEX_BYTES;
            cr_assert_eq(map_compress_bytes((map_compress)m, row, 1, n), len + meta);
        }
    }
}

Test(map_compress, malformed_rejected)
{
    int8_t row[8];
    char *err = NULL;
    uint8_t over[2] = {8, 1}; /* run reaches weight 8 of an 8-weight row */
    cr_assert_eq(map_decompress_row(MAP_COMPRESS_ZERO_RUN, over, 2, 8, row, &err), AX_EFORMAT);
    cr_assert(strstr(err, "offset 0"), "%s", err);
    uint8_t odd[3] = {0, 1, 2};
    cr_assert_eq(map_decompress_row(MAP_COMPRESS_ZERO_RUN, odd, 3, 8, row, &err), AX_EFORMAT);
    uint8_t missing[2] = {0x03, 4}; /* two bits set, one value */
    cr_assert_eq(map_decompress_row(MAP_COMPRESS_BITMAP, missing, 2, 8, row, &err), AX_EFORMAT);
    cr_assert(strstr(err, "missing"), "%s", err);
    uint8_t extra[3] = {0x01, 4, 5};
    cr_assert_eq(map_decompress_row(MAP_COMPRESS_BITMAP, extra, 3, 8, row, &err), AX_EFORMAT);
    uint8_t pastbits[1] = {0x80}; /* bit 7 of a 5-weight row */
    cr_assert_eq(map_decompress_row(MAP_COMPRESS_BITMAP, pastbits, 1, 5, row, &err), AX_EFORMAT);
    free(err);
    map_compress m;
    cr_assert_eq(map_compress_parse("bitmap", &m, NULL), AX_OK);
    cr_assert_eq(m, MAP_COMPRESS_BITMAP);
    cr_assert_eq(map_compress_parse("lz4", &m, NULL), AX_EPARAM);
}
