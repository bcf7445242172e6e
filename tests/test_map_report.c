/* Unit tests of mapper/map_report.c (map_layer_run, the per-layer path of
 * `axon map`): streamed row-by-row quantization equals map_quantize on the
 * whole matrix (weights, zero count, error), int8 checkpoints are taken as
 * they are, per-tile statistics add up to the layer's, integer trace counts
 * give the hand-computed events and bursts, the reordered image reloads to
 * the original weights, and a missing layer names the file. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../mapper/map.h"

enum { OUT = 10, IN = 12, TOK = 3 };

static float w[OUT * IN];
static int8_t q8[OUT * IN];
static float s8[OUT];
static int32_t cnt[TOK * IN];
static char wpath[64], tpath[64], ipath[64];

static void setup(void)
{
    for (int i = 0; i < OUT * IN; i++) {
        w[i] = i % 7 == 0 ? 0.0f : sinf((float)i) * 0.5f;
        q8[i] = (int8_t)(i % 255 - 127);
    }
    for (int j = 0; j < OUT; j++)
        s8[j] = 0.01f * (float)(j + 1);
    /* channels 1, 5, 9 fire in every token, channel 2 in token 0 only */
    memset(cnt, 0, sizeof cnt);
    for (int t = 0; t < TOK; t++) {
        cnt[t * IN + 1] = 3;  /* bitwise-signed: 2 spikes */
        cnt[t * IN + 5] = -4; /* 1 spike */
        cnt[t * IN + 9] = 7;  /* 3 spikes */
    }
    cnt[2] = 1; /* 1 spike */
    snprintf(wpath, sizeof wpath, "/tmp/axon_mr_w_%d.safetensors", (int)getpid());
    snprintf(tpath, sizeof tpath, "/tmp/axon_mr_t_%d.safetensors", (int)getpid());
    snprintf(ipath, sizeof ipath, "/tmp/axon_mr_i_%d.axi", (int)getpid());
    trace_writer *tw;
    int64_t sw[2] = {OUT, IN}, ss[1] = {OUT}, sc[2] = {TOK, IN};
    cr_assert_eq(trace_writer_new(&tw, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "f.weight", TRACE_F32, 2, sw, w, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "q.weight", TRACE_I8, 2, sw, q8, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "q.weight_scale", TRACE_F32, 1, ss, s8, NULL), AX_OK);
    cr_assert_eq(trace_writer_save(tw, wpath, NULL), AX_OK);
    trace_writer_free(tw);
    cr_assert_eq(trace_writer_new(&tw, NULL), AX_OK);
    cr_assert_eq(trace_writer_add(tw, "f.input", TRACE_I32, 2, sc, cnt, NULL), AX_OK);
    cr_assert_eq(trace_writer_save(tw, tpath, NULL), AX_OK);
    trace_writer_free(tw);
}

static void teardown(void)
{
    unlink(wpath);
    unlink(tpath);
    unlink(ipath);
}

static void place(map_tiling *t, map_layer_place *lp, size_t group, int R, int C)
{
    map_placer *p;
    cr_assert_eq(map_tiling_make_group(OUT, IN, group, R, C, t, NULL), AX_OK);
    cr_assert_eq(map_placer_new(8, 8, 0, &p, NULL), AX_OK);
    cr_assert_eq(map_placer_add(p, "x", t, lp, NULL), AX_OK);
    map_placer_free(p);
}

Test(map_report, streamed_quantization_and_tiles, .init = setup, .fini = teardown)
{
    map_tiling t;
    map_layer_place lp;
    place(&t, &lp, 4, 4, 4); /* rb 3 x cb 3 */
    map_opts o;
    map_opts_default(&o);
    o.group = 4;
    o.compress = MAP_COMPRESS_ZERO_RUN;
    map_layer_stats st;
    map_tile_stats *ts;
    char *err = NULL;
    cr_assert_eq(map_layer_run(wpath, "f", &t, &lp, &o, NULL, NULL, &st, &ts, &err), AX_OK, "%s",
                 err ? err : "");
    map_qweight ref;
    cr_assert_eq(map_quantize(w, OUT, IN, 4, &ref, NULL), AX_OK);
    uint64_t z = 0;
    for (int i = 0; i < OUT * IN; i++)
        z += ref.q[i] == 0;
    cr_assert_eq(st.zeros, z);
    cr_assert(st.quantized_here);
    cr_assert_float_eq(st.quant_rel_l2, map_quant_error(w, &ref), 1e-12);
    cr_assert_eq(st.ngroups, 3);
    uint64_t tz = 0, tb = 0;
    for (size_t k = 0; k < t.cores; k++) {
        tz += ts[k].zeros;
        tb += ts[k].comp_bytes;
    }
    cr_assert_eq(tz, st.zeros, "tile zeros add up to the layer's");
    cr_assert_eq(tb, st.comp_bytes);
    cr_assert_eq(ts[8].rows_used, 4);
    cr_assert_eq(ts[8].cols_used, 2); /* out 10 = 4 + 4 + 2 */
    cr_assert_eq(st.raw_bytes, 9 * 16);
    cr_assert(!st.has_trace);
    free(ts);
    map_qweight_free(&ref);
    map_layer_place_free(&lp);
}

Test(map_report, int8_checkpoint_as_is_into_image, .init = setup, .fini = teardown)
{
    map_tiling t;
    map_layer_place lp;
    place(&t, &lp, 0, 16, 4);
    map_opts o;
    map_opts_default(&o);
    map_layer_stats st;
    map_image_writer *iw;
    cr_assert_eq(map_image_writer_new(ipath, 16, 4, 8, 8, &iw, NULL), AX_OK);
    cr_assert_eq(map_layer_run(wpath, "q", &t, &lp, &o, NULL, iw, &st, NULL, NULL), AX_OK);
    cr_assert_eq(map_image_writer_close(iw, NULL), AX_OK);
    cr_assert(!st.quantized_here);
    cr_assert_str_eq(st.dtype, "I8");
    map_image *img;
    map_qweight back;
    cr_assert_eq(map_image_open(ipath, &img, NULL), AX_OK);
    cr_assert_eq(map_image_load_layer(img, 0, 1, &back, NULL, NULL), AX_OK);
    cr_assert_eq(memcmp(back.q, q8, sizeof q8), 0);
    cr_assert_eq(memcmp(back.scale, s8, sizeof s8), 0);
    map_qweight_free(&back);
    map_image_free(img);
    map_layer_place_free(&lp);
}

Test(map_report, trace_events_bursts_and_reorder, .init = setup, .fini = teardown)
{
    /* tile 12x2: one row-block, 5 column-blocks; rows of 2 bytes, bursts of
     * 4 bytes = 2 axons: 6 bursts per tile */
    map_tiling t;
    map_layer_place lp;
    place(&t, &lp, 0, 12, 2);
    map_opts o;
    map_opts_default(&o); /* bitwise-signed */
    o.burst = 4;
    o.reorder = 1;
    trace_file *tr;
    cr_assert_eq(trace_open(tpath, &tr, NULL), AX_OK);
    map_layer_stats st;
    cr_assert_eq(map_layer_run(wpath, "f", &t, &lp, &o, tr, NULL, &st, NULL, NULL), AX_OK);
    cr_assert(st.has_trace);
    cr_assert_eq(st.tokens, TOK);
    /* spikes: tokens 0: 2+1+3+1 = 7, tokens 1, 2: 6 each -> 19 / 3 */
    cr_assert_float_eq(st.events_per_token, 19.0 / 3.0, 1e-12);
    cr_assert_float_eq(st.core_events_per_token, 5 * 19.0 / 3.0, 1e-12);
    /* checkpoint order: bursts {0,1} {2,3} {4,5} {8,9} fetched in token 0,
     * {0,1} {4,5} {8,9} in tokens 1, 2 -> (4 + 3 + 3) x 5 column-blocks */
    cr_assert_float_eq(st.bursts_per_token, 5.0 * 10 / 3, 1e-12);
    /* reordered: 1, 5, 9, 2, ... -> {1,5} {9,2}: 2 bursts every token */
    cr_assert_float_eq(st.bursts_per_token_reordered, 5.0 * 2, 1e-12);
    cr_assert_eq(st.bursts_stored, 6 * 5);
    cr_assert_float_eq(st.dead_channel_fraction, 8.0 / 12, 1e-12);
    trace_close(tr);
    map_layer_place_free(&lp);
}

Test(map_report, missing_layer_names_file, .init = setup, .fini = teardown)
{
    map_tiling t;
    map_layer_place lp;
    place(&t, &lp, 0, 4, 4);
    map_opts o;
    map_opts_default(&o);
    map_layer_stats st;
    char *err = NULL;
    cr_assert_eq(map_layer_run(wpath, "nope", &t, &lp, &o, NULL, NULL, &st, NULL, &err),
                 AX_ENOTFOUND);
    cr_assert(strstr(err, wpath) && strstr(err, "nope.weight"), "%s", err);
    free(err);
    map_layer_place_free(&lp);
}
