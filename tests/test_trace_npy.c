/* Unit tests of traces/ NPY I/O and dtype conversions: round trips for
 * every dtype, hand-crafted v1/v2/v3 headers, each malformed case with its
 * error code and message, f16/bf16 rounding (ties to even, exhaustive
 * round trip), NaN/Inf detection and tensor references. */
#include <math.h>

#include "trace_test_util.h"

/* A raw NPY file: version major, dict text (padded as numpy does), data. */
static void npy_raw(const char *path, int major, const char *dict, const void *data, size_t n)
{
    size_t pre = major == 1 ? 10 : 12, dl = strlen(dict);
    size_t total = (pre + dl + 1 + 63) / 64 * 64, hl = total - pre;
    uint8_t *b = malloc(total + n);
    memcpy(b, "\x93NUMPY", 6);
    b[6] = (uint8_t)major;
    b[7] = 0;
    for (size_t i = 0; i < pre - 8; i++)
        b[8 + i] = (uint8_t)(hl >> (8 * i));
    memcpy(b + pre, dict, dl);
    memset(b + pre + dl, ' ', hl - dl - 1);
    b[total - 1] = '\n';
    memcpy(b + total, data, n);
    tt_write(path, b, total + n);
    free(b);
}

Test(trace_npy, round_trip_every_dtype)
{
    char *dir = tt_dir(), *p = tt_path(dir, "x.npy");
    uint8_t buf[4 * 24];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 37 + 11);
    /* keep float payloads finite: f32 from ints, halves from small values */
    float fv[24];
    for (int i = 0; i < 24; i++)
        fv[i] = (float)i * 0.5f - 3.0f;
    trace_dtype all[] = {TRACE_F32, TRACE_F16, TRACE_BF16, TRACE_I8,
                         TRACE_U8,  TRACE_I16, TRACE_I32};
    int64_t shapes[3][3] = {{24, 0, 0}, {4, 6, 0}, {2, 3, 4}};
    for (size_t d = 0; d < sizeof all / sizeof all[0]; d++)
        for (int s = 0; s < 3; s++) {
            trace_dtype dt = all[d];
            if (dt == TRACE_F32)
                memcpy(buf, fv, sizeof fv);
            char *err = NULL;
            cr_assert_eq(trace_npy_save(p, dt, s + 1, shapes[s], buf, &err), AX_OK, "%s", err);
            trace_file *f = NULL;
            ax_result r = dt == TRACE_BF16 ? trace_open_as(p, TRACE_BF16, &f, &err)
                                           : trace_open(p, &f, &err);
            cr_assert_eq(r, AX_OK, "%s: %s", trace_dtype_name(dt), err);
            const trace_tensor *t = trace_find(f, "anything");
            cr_assert_eq(t, trace_at(f, 0));
            cr_assert_eq(t->dtype, dt);
            cr_assert_eq(t->ndim, s + 1);
            for (int k = 0; k <= s; k++)
                cr_assert_eq(t->shape[k], shapes[s][k]);
            cr_assert_eq(t->nbytes, 24 * trace_dtype_size(dt));
            cr_assert_eq(memcmp(t->data, buf, t->nbytes), 0);
            cr_assert_eq((uintptr_t)t->data % 64, 0, "numpy pads the header to 64 bytes");
            trace_close(f);
        }
    free(p);
    tt_rmdir(dir);
}

Test(trace_npy, scalar_and_empty_shapes)
{
    char *dir = tt_dir(), *p = tt_path(dir, "s.npy");
    float v = 2.5f;
    char *err = NULL;
    cr_assert_eq(trace_npy_save(p, TRACE_F32, 0, NULL, &v, &err), AX_OK);
    trace_file *f;
    cr_assert_eq(trace_open(p, &f, &err), AX_OK, "%s", err);
    cr_assert_eq(trace_at(f, 0)->ndim, 0);
    cr_assert_eq(trace_numel(trace_at(f, 0)), 1);
    cr_assert_float_eq(*(const float *)trace_at(f, 0)->data, 2.5f, 0);
    trace_close(f);
    int64_t z[2] = {0, 5};
    cr_assert_eq(trace_npy_save(p, TRACE_I8, 2, z, NULL, &err), AX_OK);
    cr_assert_eq(trace_open(p, &f, &err), AX_OK, "%s", err);
    cr_assert_eq(trace_numel(trace_at(f, 0)), 0);
    trace_close(f);
    free(p);
    tt_rmdir(dir);
}

Test(trace_npy, reads_v2_and_v3_headers_and_odd_spacing)
{
    char *dir = tt_dir(), *p = tt_path(dir, "v.npy");
    int32_t d[6] = {1, -2, 3, -4, 5, 2147483647};
    for (int major = 1; major <= 3; major++) {
        npy_raw(p, major, "{\"descr\":\"<i4\",\"shape\":(2,3,),\"fortran_order\":False}", d,
                sizeof d);
        trace_file *f;
        char *err = NULL;
        cr_assert_eq(trace_open(p, &f, &err), AX_OK, "v%d: %s", major, err);
        int32_t out[6];
        cr_assert_eq(trace_to_i32(trace_at(f, 0), out, &err), AX_OK);
        cr_assert_eq(memcmp(out, d, sizeof d), 0);
        cr_assert_eq(trace_at(f, 0)->shape[1], 3);
        trace_close(f);
    }
    free(p);
    tt_rmdir(dir);
}

static const char *ok_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";

Test(trace_npy, malformed_files_fail_clearly)
{
    char *dir = tt_dir(), *p = tt_path(dir, "bad.npy");
    float d[4] = {1, 2, 3, 4};
    npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", d, 16);
    tt_expect_fail(p, -1, AX_EUNSUPPORTED, "Fortran order");
    npy_raw(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", d, 16);
    tt_expect_fail(p, -1, AX_EUNSUPPORTED, "dtype '<f8'");
    npy_raw(p, 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }", d, 16);
    tt_expect_fail(p, -1, AX_EUNSUPPORTED, "big-endian");
    npy_raw(p, 1, "{'descr': '<u2', 'fortran_order': False, 'shape': (8,), }", d, 16);
    tt_expect_fail(p, -1, AX_EUNSUPPORTED, "@bf16");
    npy_raw(p, 1, ok_dict, d, 16); /* header says 2 floats, file holds 4 */
    tt_expect_fail(p, -1, AX_EFORMAT, "bytes after the data");
    npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (8,), }", d, 16);
    tt_expect_fail(p, -1, AX_EFORMAT, "truncated");
    npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", d,
            16);
    tt_expect_fail(p, -1, AX_EFORMAT, "dimension too large");
    npy_raw(p, 1,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, "
            "4294967296), }",
            d, 16);
    tt_expect_fail(p, -1, AX_EFORMAT, "overflows");
    npy_raw(p, 1, "{'descr' '<f4', 'fortran_order': False, 'shape': (4,), }", d, 16);
    tt_expect_fail(p, -1, AX_EFORMAT, "expected ':'");
    npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'x': 1}", d, 16);
    tt_expect_fail(p, -1, AX_EFORMAT, "unknown key");
    npy_raw(p, 1, "{'descr': '<f4', 'descr': '<f4', 'shape': (4,)}", d, 16);
    tt_expect_fail(p, -1, AX_EFORMAT, "duplicate key");
    npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False}", d, 16);
    tt_expect_fail(p, -1, AX_EFORMAT, "lacks 'shape'");
    npy_raw(p, 1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4,)}", d, 16);
    tt_expect_fail(p, -1, AX_EUNSUPPORTED, "structured");
    npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (4,)}", d, 16);
    tt_expect_fail(p, -1, AX_EFORMAT, "True or False");
    npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-4,)}", d, 16);
    tt_expect_fail(p, -1, AX_EFORMAT, "non-negative integer");
    npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,)} x", d, 16);
    tt_expect_fail(p, -1, AX_EFORMAT, "after the closing");
    npy_raw(p, 1, "{'descr': '<f4, 'fortran_order': False, 'shape': (4,)}", d, 16);
    tt_expect_fail(p, -1, AX_EFORMAT, "expected ',' or '}'");
    npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,)}", d, 16);
    tt_expect_fail(p, TRACE_BF16, AX_EMISMATCH, "declared dtype BF16");
    /* byte-level damage: magic, version, header length past EOF */
    npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,)}", d, 16);
    size_t n;
    uint8_t *b = tt_read(p, &n);
    b[1] = 'X';
    tt_write(p, b, n);
    tt_expect_fail(p, -1, AX_EFORMAT, "offset 0");
    b[1] = 'N';
    b[6] = 4;
    tt_write(p, b, n);
    tt_expect_fail(p, -1, AX_EFORMAT, "version 4.0");
    b[6] = 1;
    b[9] = 0x7f;
    tt_write(p, b, n);
    tt_expect_fail(p, -1, AX_EFORMAT, "runs past the end");
    tt_write(p, b, 9);
    tt_expect_fail(p, -1, AX_EFORMAT, "shorter than 10 bytes");
    tt_write(p, b, 0);
    tt_expect_fail(p, -1, AX_EFORMAT, "empty file");
    free(b);
    free(p);
    tt_rmdir(dir);
}

Test(trace_npy, half_conversions_round_to_nearest_even)
{
    cr_assert_eq(trace_f32_to_f16(1.0f), 0x3c00);
    cr_assert_eq(trace_f32_to_f16(-2.0f), 0xc000);
    cr_assert_eq(trace_f32_to_f16(65504.0f), 0x7bff);
    cr_assert_eq(trace_f32_to_f16(65519.0f), 0x7bff);
    cr_assert_eq(trace_f32_to_f16(65520.0f), 0x7c00, "the tie above max rounds to Inf");
    cr_assert_eq(trace_f32_to_f16(ldexpf(1, -24)), 0x0001);
    cr_assert_eq(trace_f32_to_f16(ldexpf(1, -25)), 0x0000, "tie to even (0)");
    cr_assert_eq(trace_f32_to_f16(ldexpf(3, -25)), 0x0002, "tie to even (2)");
    cr_assert_eq(trace_f32_to_f16(1.0f + ldexpf(1, -11)), 0x3c00, "tie down to even");
    cr_assert_eq(trace_f32_to_f16(1.0f + ldexpf(3, -11)), 0x3c02, "tie up to even");
    cr_assert_eq(trace_f32_to_f16(INFINITY), 0x7c00);
    cr_assert(isnan(trace_f16_to_f32(trace_f32_to_f16(NAN))));
    cr_assert_float_eq(trace_f16_to_f32(0x0001), ldexpf(1, -24), 0);
    cr_assert_eq(trace_f32_to_bf16(1.0f), 0x3f80);
    float tie_even, tie_odd;
    uint32_t u = 0x3f808000u;
    memcpy(&tie_even, &u, 4);
    u = 0x3f818000u;
    memcpy(&tie_odd, &u, 4);
    cr_assert_eq(trace_f32_to_bf16(tie_even), 0x3f80);
    cr_assert_eq(trace_f32_to_bf16(tie_odd), 0x3f82);
    cr_assert(isnan(trace_bf16_to_f32(trace_f32_to_bf16(NAN))));
    for (uint32_t h = 0; h < 65536; h++) {
        float f = trace_f16_to_f32((uint16_t)h);
        if (!isnan(f))
            cr_assert_eq(trace_f32_to_f16(f), h, "f16 %04x", h);
        f = trace_bf16_to_f32((uint16_t)h);
        if (!isnan(f))
            cr_assert_eq(trace_f32_to_bf16(f), h, "bf16 %04x", h);
    }
}

Test(trace_npy, to_f32_names_the_bad_element)
{
    uint16_t h[4] = {0x3c00, 0x4000, 0x7c00, 0};
    trace_tensor t =
        {.name = "x", .dtype = TRACE_F16, .ndim = 1, .shape = {4}, .data = h, .nbytes = 8};
    float out[4];
    char *err = NULL;
    cr_assert_eq(trace_to_f32(&t, out, &err), AX_ERANGE);
    cr_assert(strstr(err, "element [2] is +Inf"), "%s", err);
    free(err);
    err = NULL;
    /* one wording in every command: token and channel of an activation,
     * row and column of a weight (spike_counts and map_quantize say the same) */
    float x[6] = {1, 2, 3, 4, 5, NAN};
    trace_tensor a = {.name = "l.input",
                      .dtype = TRACE_F32,
                      .ndim = 2,
                      .shape = {2, 3},
                      .data = x,
                      .nbytes = 24};
    float big[6];
    cr_assert_eq(trace_to_f32(&a, big, &err), AX_ERANGE);
    cr_assert(strstr(err, "activation of token 1, channel 2 is NaN"), "%s", err);
    a.name = "l.weight";
    cr_assert_eq(trace_to_f32(&a, big, &err), AX_ERANGE);
    cr_assert(strstr(err, "weight[1][2] is NaN") && strstr(err, "checkpoint"), "%s", err);
    free(err);
    err = NULL;
    cr_assert_eq(trace_to_i32(&t, (int32_t *)out, &err), AX_EPARAM);
    free(err);
    err = NULL;
    int16_t s[3] = {-32768, 0, 32767};
    trace_tensor ti =
        {.name = "c", .dtype = TRACE_I16, .ndim = 1, .shape = {3}, .data = s, .nbytes = 6};
    int32_t o[3];
    cr_assert_eq(trace_to_i32(&ti, o, NULL), AX_OK);
    cr_assert(o[0] == -32768 && o[2] == 32767);
    cr_assert_eq(trace_to_f32(&ti, out, NULL), AX_OK);
    cr_assert_float_eq(out[0], -32768.0f, 0);
    /* int64 (PyTorch's default integer dtype): accepted within int32 */
    int64_t l[4] = {-5, 0, 2147483647, -2147483648LL};
    trace_tensor tl = {.name = "c.input",
                       .dtype = TRACE_I64,
                       .ndim = 2,
                       .shape = {2, 2},
                       .data = l,
                       .nbytes = 32};
    int32_t o4[4];
    cr_assert_eq(trace_to_i32(&tl, o4, NULL), AX_OK);
    cr_assert(o4[0] == -5 && o4[2] == INT32_MAX && o4[3] == INT32_MIN);
    l[1] = 1LL << 40;
    cr_assert_eq(trace_to_i32(&tl, o4, &err), AX_ERANGE);
    cr_assert(strstr(err, "token 0, channel 1 is 1099511627776, outside int32"), "%s", err);
    free(err);
}

Test(trace_npy, references_name_file_tensor_and_declared_dtype)
{
    char *dir = tt_dir(), *p = tt_path(dir, "w.npy");
    uint16_t bits[2] = {trace_f32_to_bf16(1.5f), trace_f32_to_bf16(-0.25f)};
    int64_t sh[1] = {2};
    char *err = NULL;
    cr_assert_eq(trace_npy_save(p, TRACE_BF16, 1, sh, bits, &err), AX_OK);
    char ref[512];
    snprintf(ref, sizeof ref, "%s@bf16", p);
    trace_file *f;
    const trace_tensor *t;
    cr_assert_eq(trace_open_ref(ref, &f, &t, &err), AX_OK, "%s", err);
    float out[2];
    cr_assert_eq(trace_to_f32(t, out, &err), AX_OK);
    cr_assert_float_eq(out[0], 1.5f, 0);
    cr_assert_float_eq(out[1], -0.25f, 0);
    trace_close(f);
    snprintf(ref, sizeof ref, "%s@bf16:whatever", p);
    cr_assert_eq(trace_open_ref(ref, &f, &t, &err), AX_OK, "%s", err);
    cr_assert_eq(t->dtype, TRACE_BF16);
    trace_close(f);
    cr_assert_eq(trace_open_ref(p, &f, &t, &err), AX_EUNSUPPORTED, "undeclared <u2");
    cr_assert_null(f);
    free(err);
    err = NULL;
    snprintf(ref, sizeof ref, "%s/missing.npy", dir);
    cr_assert_eq(trace_open_ref(ref, &f, &t, &err), AX_ENOTFOUND);
    cr_assert(strstr(err, "missing.npy"), "%s", err);
    free(err);
    free(p);
    tt_rmdir(dir);
}

/* trace_to_f32 / trace_to_f32_range (vectorized where the CPU allows) give
 * the scalar conversions' floats for every f16 and bf16 value, at any
 * start and length; the first non-finite value is named by its flat index
 * in the whole tensor. */
Test(trace_dtype, vector_conversion_equals_scalar)
{
    static uint16_t h[65536];
    static float got[65536];
    for (int dt = 0; dt < 2; dt++) {
        size_t n = 0;
        for (uint32_t v = 0; v < 65536; v++) { /* every finite value */
            float f = dt ? trace_bf16_to_f32((uint16_t)v) : trace_f16_to_f32((uint16_t)v);
            if (isfinite(f))
                h[n++] = (uint16_t)v;
        }
        trace_tensor t = {.name = "x",
                          .dtype = dt ? TRACE_BF16 : TRACE_F16,
                          .ndim = 1,
                          .shape = {(int64_t)n},
                          .data = h,
                          .nbytes = 2 * n};
        size_t starts[] = {0, 1, 7, 13, 100};
        for (size_t s = 0; s < 5; s++) {
            size_t len = n - starts[s] - s;
            cr_assert_eq(trace_to_f32_range(&t, starts[s], len, got, NULL), AX_OK);
            for (size_t i = 0; i < len; i++) {
                uint16_t v = h[starts[s] + i];
                float want = dt ? trace_bf16_to_f32(v) : trace_f16_to_f32(v);
                cr_assert_eq(memcmp(&got[i], &want, 4), 0, "%s 0x%04x", dt ? "bf16" : "f16", v);
            }
        }
        h[40000] = dt ? 0x7fc0 : 0x7e00; /* a NaN */
        char *err = NULL;
        cr_assert_eq(trace_to_f32_range(&t, 39990, 100, got, &err), AX_ERANGE);
        cr_assert(strstr(err, "element [40000] ") != NULL, "%s", err);
        free(err);
    }
}
