/* Unit tests of mapper/map_tile.c and mapper/map_place.c: tiles cover the
 * matrix exactly once, every tile is placed exactly once, no core position
 * is used twice, hop counts on hand cases, the no-fit error, streaming
 * passes, and the `--tile auto` rule. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../mapper/map.h"

static void fill_random(map_qweight *qw, size_t out, size_t in, unsigned seed)
{
    float *w = malloc(out * in * sizeof *w);
    srand(seed);
    for (size_t i = 0; i < out * in; i++)
        w[i] = (float)(rand() % 2001 - 1000) / 1000.0f;
    cr_assert_eq(map_quantize(w, out, in, 0, qw, NULL), AX_OK);
    free(w);
}

Test(map_tile, parse_and_shape)
{
    int R, C;
    cr_assert_eq(map_tile_parse("128x64", &R, &C, NULL), AX_OK);
    cr_assert_eq(R, 128);
    cr_assert_eq(C, 64);
    char *err = NULL;
    cr_assert_eq(map_tile_parse("128", &R, &C, &err), AX_EPARAM);
    cr_assert(strstr(err, "--tile '128'"), "%s", err);
    free(err);
    cr_assert_eq(map_tile_parse("0x4", &R, &C, NULL), AX_EPARAM);
    map_tiling t;
    cr_assert_eq(map_tiling_make(300, 200, 64, 128, &t, NULL), AX_OK);
    cr_assert_eq(t.rb, 4); /* ceil(200/64) */
    cr_assert_eq(t.cb, 3); /* ceil(300/128) */
    cr_assert_eq(t.cores, 12);
    cr_assert_eq(t.sram_bytes, 12ull * 64 * 128);
    cr_assert_eq(t.weights, 60000);
}

/* Every weight lands in exactly one tile slot, and the tiles give it back. */
Test(map_tile, tiles_cover_matrix_once)
{
    map_qweight qw, back;
    fill_random(&qw, 37, 53, 1);
    map_tiling t;
    cr_assert_eq(map_tiling_make(37, 53, 16, 8, &t, NULL), AX_OK);
    float *z = calloc(37 * 53, sizeof *z);
    cr_assert_eq(map_quantize(z, 37, 53, 0, &back, NULL), AX_OK);
    free(z);
    unsigned char *hit = calloc(37 * 53, 1);
    int8_t *tile = malloc(16 * 8);
    for (size_t r = 0; r < t.rb; r++)
        for (size_t c = 0; c < t.cb; c++) {
            size_t row0, nrows, col0, ncols;
            map_tile_extent(&t, r, c, &row0, &nrows, &col0, &ncols);
            map_tile_rows(&qw, &t, r, c, tile);
            for (size_t k = 0; k < 16; k++)
                for (size_t j = 0; j < 8; j++) {
                    if (k >= nrows || j >= ncols) {
                        cr_assert_eq(tile[k * 8 + j], 0, "padding must be zero");
                        continue;
                    }
                    size_t o = col0 + j, i = row0 + k;
                    hit[o * 53 + i]++;
                    cr_assert_eq(tile[k * 8 + j], qw.q[o * 53 + i]);
                }
            map_tile_store(&back, &t, r, c, tile);
        }
    for (size_t i = 0; i < 37 * 53; i++)
        cr_assert_eq(hit[i], 1, "weight %zu covered %d times", i, hit[i]);
    cr_assert_eq(memcmp(back.q, qw.q, 37 * 53), 0);
    free(hit);
    free(tile);
    map_qweight_free(&qw);
    map_qweight_free(&back);
}

/* Places layers and checks: each tile once, no position twice, in mesh. */
static void check_unique(map_layer_place *lps, size_t n, int W, int H)
{
    uint32_t maxpass = 0;
    for (size_t l = 0; l < n; l++)
        maxpass = lps[l].last_pass > maxpass ? lps[l].last_pass : maxpass;
    size_t cells = (size_t)(maxpass + 1) * (size_t)W * (size_t)H;
    unsigned char *used = calloc(cells, 1);
    for (size_t l = 0; l < n; l++)
        for (size_t i = 0; i < lps[l].ntiles; i++) {
            map_core_pos p = lps[l].pos[i];
            cr_assert_lt(p.x, (uint32_t)W);
            cr_assert_lt(p.y, (uint32_t)H);
            cr_assert(p.pass >= lps[l].first_pass && p.pass <= lps[l].last_pass);
            size_t k = ((size_t)p.pass * (size_t)H + p.y) * (size_t)W + p.x;
            cr_assert_eq(used[k], 0, "core pass %u (%u,%u) used twice", p.pass, p.x, p.y);
            used[k] = 1;
        }
    free(used);
}

Test(map_place, rectangles_and_hops)
{
    map_placer *p;
    cr_assert_eq(map_placer_new(8, 8, 0, &p, NULL), AX_OK);
    map_tiling a, b;
    map_layer_place lp[2];
    cr_assert_eq(map_tiling_make(4 * 64, 3 * 64, 64, 64, &a, NULL), AX_OK); /* rb 3 x cb 4 */
    cr_assert_eq(map_placer_add(p, "a", &a, &lp[0], NULL), AX_OK);
    /* tile (r, c) at (c, r): multicast along a row (3 hops), reduction down (2 hops) */
    cr_assert_eq(lp[0].pos[1 * 4 + 2].x, 2);
    cr_assert_eq(lp[0].pos[1 * 4 + 2].y, 1);
    cr_assert_eq(lp[0].multicast_hops, 3);
    cr_assert_eq(lp[0].reduce_hops, 2);
    cr_assert_eq(map_tiling_make(2 * 64, 5 * 64, 64, 64, &b, NULL), AX_OK); /* rb 5 x cb 2 */
    cr_assert_eq(map_placer_add(p, "b", &b, &lp[1], NULL), AX_OK);
    /* bottom-left: lands beside a at x = 4, y = 0 */
    cr_assert_eq(lp[1].pos[0].x, 4);
    cr_assert_eq(lp[1].pos[0].y, 0);
    cr_assert_eq(lp[1].multicast_hops, 1);
    cr_assert_eq(lp[1].reduce_hops, 4);
    cr_assert_eq(map_placer_cores_used(p), 22);
    check_unique(lp, 2, 8, 8);
    map_layer_place_free(&lp[0]);
    map_layer_place_free(&lp[1]);
    map_placer_free(p);
}

Test(map_place, wide_layer_bands)
{
    /* cb = 10 on a 4-wide mesh: band = 3 rows per row-block */
    map_placer *p;
    cr_assert_eq(map_placer_new(4, 16, 0, &p, NULL), AX_OK);
    map_tiling t;
    map_layer_place lp;
    cr_assert_eq(map_tiling_make(10 * 8, 2 * 8, 8, 8, &t, NULL), AX_OK);
    cr_assert_eq(map_placer_add(p, "w", &t, &lp, NULL), AX_OK);
    cr_assert_eq(lp.pos[1 * 10 + 9].x, 1); /* 9 % 4 */
    cr_assert_eq(lp.pos[1 * 10 + 9].y, 5); /* 1*3 + 9/4 */
    cr_assert_eq(lp.multicast_hops, 4);    /* c = 7: (3, +1) */
    cr_assert_eq(lp.reduce_hops, 3);
    check_unique(&lp, 1, 4, 16);
    map_layer_place_free(&lp);
    map_placer_free(p);
}

Test(map_place, no_fit_is_a_clear_error)
{
    map_placer *p;
    cr_assert_eq(map_placer_new(4, 4, 0, &p, NULL), AX_OK);
    map_tiling t;
    map_layer_place lp;
    cr_assert_eq(map_tiling_make(5 * 8, 4 * 8, 8, 8, &t, NULL), AX_OK); /* 20 cores */
    char *err = NULL;
    cr_assert_eq(map_placer_add(p, "model.layers.0.mlp.up_proj", &t, &lp, &err), AX_ERANGE);
    cr_assert(strstr(err, "model.layers.0.mlp.up_proj") && strstr(err, "20 cores") &&
                  strstr(err, "--dram"),
              "%s", err);
    cr_assert_null(lp.pos);
    free(err);
    map_placer_free(p);
}

Test(map_place, streaming_passes)
{
    map_placer *p;
    cr_assert_eq(map_placer_new(4, 4, 1, &p, NULL), AX_OK);
    map_tiling a, big, huge;
    map_layer_place lp[3];
    cr_assert_eq(map_tiling_make(4 * 8, 3 * 8, 8, 8, &a, NULL), AX_OK);     /* 12 cores */
    cr_assert_eq(map_tiling_make(4 * 8, 9 * 8, 8, 8, &big, NULL), AX_OK);   /* 36: 3 passes */
    cr_assert_eq(map_tiling_make(40 * 8, 1 * 8, 8, 8, &huge, NULL), AX_OK); /* band 10 > H */
    cr_assert_eq(map_placer_add(p, "a", &a, &lp[0], NULL), AX_OK);
    cr_assert_eq(map_placer_add(p, "big", &big, &lp[1], NULL), AX_OK);
    cr_assert_eq(map_placer_add(p, "huge", &huge, &lp[2], NULL), AX_OK);
    cr_assert_eq(lp[0].first_pass, 0);
    cr_assert_eq(lp[1].first_pass, 1);
    cr_assert_eq(lp[1].last_pass, 3); /* 4 row-blocks per pass: 4 + 4 + 1 */
    cr_assert_eq(lp[2].first_pass, 4);
    cr_assert_eq(lp[2].last_pass, 6); /* 40 tiles, 16 a pass */
    cr_assert_eq(map_placer_passes(p), 7);
    cr_assert_eq(map_placer_cores_used(p), 12);
    check_unique(lp, 3, 4, 4);
    for (int i = 0; i < 3; i++)
        map_layer_place_free(&lp[i]);
    map_placer_free(p);
}

Test(map_tile, auto_rule)
{
    int R, C;
    /* 7B MLP shapes: 512x512 gives the fewest cores (7*37 + 37*7) with no waste */
    size_t out[2] = {18944, 3584}, in[2] = {3584, 18944};
    cr_assert_eq(map_tile_auto(out, in, NULL, 2, 0, 0, &R, &C, NULL), AX_OK);
    cr_assert_eq(R, 512);
    cr_assert_eq(C, 512);
    /* small layer 100x100: every candidate takes one core; 64x64 needs 4;
     * one core with the least waste is 128x128 */
    size_t o1 = 100, i1 = 100;
    cr_assert_eq(map_tile_auto(&o1, &i1, NULL, 1, 0, 0, &R, &C, NULL), AX_OK);
    cr_assert_eq(R, 128);
    cr_assert_eq(C, 128);
    /* budget below the fewest (518) fails, naming it, unless streaming */
    char *err = NULL;
    cr_assert_eq(map_tile_auto(out, in, NULL, 2, 500, 0, &R, &C, &err), AX_ERANGE);
    cr_assert(strstr(err, "518"), "%s", err);
    free(err);
    cr_assert_eq(map_tile_auto(out, in, NULL, 2, 500, 1, &R, &C, NULL), AX_OK);
    cr_assert_eq(R, 512);
    /* groups of 64: a 128-row tile would hold one group in half its rows,
     * as many cores as 64-row tiles but twice the SRAM: 64x128 wins */
    size_t o2 = 128, i2 = 256, g2 = 64;
    cr_assert_eq(map_tile_auto(&o2, &i2, &g2, 1, 0, 0, &R, &C, NULL), AX_OK);
    cr_assert_eq(R, 64);
    cr_assert_eq(C, 128);
}

/* Row-blocks never straddle a weight group (the simulator's rule). */
Test(map_tile, grouped_row_blocks)
{
    map_tiling t;
    /* in 14, groups of 6: [0,6) [6,12) [12,14); R 4 -> [0,4) [4,6) [6,10) [10,12) [12,14) */
    cr_assert_eq(map_tiling_make_group(3, 14, 6, 4, 2, &t, NULL), AX_OK);
    cr_assert_eq(t.rb, 5);
    cr_assert_eq(t.cb, 2);
    cr_assert_eq(t.cores, 10);
    size_t want[5][2] = {{0, 4}, {4, 2}, {6, 4}, {10, 2}, {12, 2}};
    for (size_t r = 0; r < 5; r++) {
        size_t row0, nrows, col0, ncols;
        map_tile_extent(&t, r, 1, &row0, &nrows, &col0, &ncols);
        cr_assert_eq(row0, want[r][0], "row-block %zu", r);
        cr_assert_eq(nrows, want[r][1], "row-block %zu", r);
        cr_assert_eq(col0, 2);
        cr_assert_eq(ncols, 1);
    }
    /* per channel and groups that R divides give the plain ceil(in/R) */
    cr_assert_eq(map_tiling_make_group(3, 14, 0, 4, 2, &t, NULL), AX_OK);
    cr_assert_eq(t.rb, 4);
    cr_assert_eq(map_tiling_make_group(3, 16, 8, 4, 2, &t, NULL), AX_OK);
    cr_assert_eq(t.rb, 4);
}
