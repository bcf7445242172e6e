/* Unit tests of mapper/map_quant.c and the CPU reference gpu/gpu_ref.c:
 * hand-computed quantization, half-to-even, groups, and exact int32 sums. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../gpu/gpu.h"
#include "../mapper/map.h"
#include "../mapper/map_int.h"

Test(quant, per_channel_half_to_even)
{
    /* row 0: max 127 -> scale 1; 2.5 -> 2 (even), 3.5 -> 4, -0.5 -> -0 */
    float w[2 * 4] = {127.0f, 2.5f, 3.5f, -0.5f, 0, 0, 0, 0};
    map_qweight qw;
    cr_assert_eq(map_quantize(w, 2, 4, 0, &qw, NULL), AX_OK);
    cr_assert_eq(qw.ngroups, 1);
    cr_assert_float_eq(qw.scale[0], 1.0f, 0);
    cr_assert_eq(qw.q[0], 127);
    cr_assert_eq(qw.q[1], 2);
    cr_assert_eq(qw.q[2], 4);
    cr_assert_eq(qw.q[3], 0);
    cr_assert_float_eq(qw.scale[1], 0.0f, 0); /* all-zero row */
    for (int i = 4; i < 8; i++)
        cr_assert_eq(qw.q[i], 0);
    map_qweight_free(&qw);
    map_qweight_free(&qw); /* idempotent */
}

Test(quant, groups_uneven_tail)
{
    float w[5] = {1.27f, -0.635f, 254.0f, 127.0f, -254.0f};
    map_qweight qw;
    cr_assert_eq(map_quantize(w, 1, 5, 2, &qw, NULL), AX_OK);
    cr_assert_eq(qw.ngroups, 3);
    cr_assert_eq(qw.q[0], 127);
    cr_assert_eq(qw.q[1], -64); /* -0.635/0.01 = -63.5 -> -64 (even) */
    cr_assert_eq(qw.q[2], 127);
    cr_assert_eq(qw.q[3], 64); /* 127/2 = 63.5 -> 64 */
    cr_assert_eq(qw.q[4], -127);
    cr_assert(map_quant_error(w, &qw) < 0.01);
    map_qweight_free(&qw);
}

Test(quant, nan_is_an_error_naming_the_element)
{
    float w[4] = {1, 2, NAN, 4};
    map_qweight qw;
    char *err = NULL;
    cr_assert_eq(map_quantize(w, 2, 2, 0, &qw, &err), AX_ERANGE);
    cr_assert(strstr(err, "weight[1][0]") != NULL, "%s", err);
    free(err);
}

Test(ref, cpu_reference_exact_and_grouped)
{
    float w[2 * 3] = {127, -127, 0, 1, 2, 3};
    map_qweight qw;
    cr_assert_eq(map_quantize(w, 2, 3, 2, &qw, NULL), AX_OK);
    /* row 1 groups: {1,2} scale 2/127 -> q {64,127} (63.5 -> 64); {3} -> 127 */
    int32_t s[3] = {3, -2, 5};
    int32_t acc[2 * 2];
    cr_assert_eq(gpu_ref_cpu(s, 1, &qw, acc, NULL), AX_OK);
    cr_assert_eq(acc[0], 3 * 127 + (-2) * (-127));
    cr_assert_eq(acc[1], 0);
    cr_assert_eq(acc[2], 3 * 64 + (-2) * 127);
    cr_assert_eq(acc[3], 5 * 127);
    float vth = 0.5f, y[2];
    gpu_dequant(acc, &vth, 1, &qw, y);
    cr_assert_float_eq(y[0], 0.5f * (1.0f * 635), 1e-3);
    map_qweight_free(&qw);
}

Test(ref, overflow_detected)
{
    float w[2] = {1, 1};
    map_qweight qw;
    cr_assert_eq(map_quantize(w, 1, 2, 0, &qw, NULL), AX_OK);
    int32_t s[2] = {INT32_MAX / 127, INT32_MAX / 127};
    int32_t acc[1];
    char *err = NULL;
    cr_assert_eq(gpu_ref_cpu(s, 1, &qw, acc, &err), AX_EOVERFLOW);
    cr_assert(strstr(err, "overflow") != NULL);
    free(err);
    map_qweight_free(&qw);
}

/* Every SIMD path of the row quantizer gives the portable loop's int8
 * weights and scales: ties at .5 (half to even), values that clamp at
 * +-127, tiny and huge magnitudes, zero groups, odd group lengths. */
Test(quant, every_simd_path_equals_the_portable_loop)
{
    size_t in = 523, groups[] = {0, 1, 3, 16, 17, 100, 128};
    float *row = malloc(in * sizeof *row);
    int8_t *q0 = malloc(in), *q1 = malloc(in);
    float s0[523], s1[523];
    unsigned x = 12345;
    for (int rep = 0; rep < 40; rep++) {
        for (size_t i = 0; i < in; i++) {
            x = x * 1103515245u + 12345u;
            int kind = (int)((x >> 16) % 8);
            float v = (float)((int)((x >> 8) % 2001) - 1000) / 8.0f; /* many exact .5 ties */
            row[i] = kind == 0 ? 0.0f : kind == 1 ? v * 1e-30f : kind == 2 ? v * 1e30f : v;
        }
        if (rep % 5 == 0)
            for (size_t i = 100; i < 200; i++)
                row[i] = 0.0f; /* a zero group */
        for (size_t k = 0; k < sizeof groups / sizeof groups[0]; k++) {
            size_t G = groups[k] ? groups[k] : in, ng = (in + G - 1) / G;
            cr_assert_eq(map_quantize_row_simd(row, in, G, ng, q0, s0, AX_SIMD_PORTABLE, NULL),
                         AX_OK);
            for (int simd = AX_SIMD_AVX2; simd <= (int)ax_simd_best(); simd++) {
                memset(q1, 0x55, in);
                cr_assert_eq(map_quantize_row_simd(row, in, G, ng, q1, s1, (ax_simd)simd, NULL),
                             AX_OK);
                cr_assert_eq(memcmp(q0, q1, in), 0, "%s G %zu: q differs",
                             ax_simd_name((ax_simd)simd), G);
                cr_assert_eq(memcmp(s0, s1, ng * sizeof *s0), 0, "%s G %zu: scale differs",
                             ax_simd_name((ax_simd)simd), G);
            }
        }
    }
    row[300] = NAN;
    for (int simd = AX_SIMD_PORTABLE; simd <= (int)ax_simd_best(); simd++) {
        char *err = NULL;
        cr_assert_eq(map_quantize_row_simd(row, in, 128, 5, q1, s1, (ax_simd)simd, &err),
                     AX_ERANGE);
        cr_assert(strstr(err, "column 300 is NaN"), "%s", err);
        free(err);
    }
    free(row), free(q0), free(q1);
}

/* The streamed quantizer (straight from the mapping, row by row on all
 * cores) equals quantizing a whole float copy, for f32, f16 and bf16; a
 * damaged tensor names its first bad row whichever thread found it. */
Test(quant, streamed_equals_whole_copy)
{
    size_t out = 37, in = 300;
    float *w = malloc(out * in * sizeof *w), *wf = malloc(out * in * sizeof *wf);
    uint16_t *h = malloc(out * in * sizeof *h);
    unsigned x = 7;
    for (size_t i = 0; i < out * in; i++) {
        x = x * 1103515245u + 12345u;
        w[i] = (float)((int)((x >> 8) % 20001) - 10000) / 997.0f;
    }
    for (int dt = 0; dt < 3; dt++) {
        trace_tensor t = {.name = "l.weight", .ndim = 2, .shape = {(int64_t)out, (int64_t)in}};
        if (dt == 0) {
            t.dtype = TRACE_F32, t.data = w, t.nbytes = out * in * 4;
        } else {
            for (size_t i = 0; i < out * in; i++)
                h[i] = dt == 1 ? trace_f32_to_f16(w[i]) : trace_f32_to_bf16(w[i]);
            t.dtype = dt == 1 ? TRACE_F16 : TRACE_BF16, t.data = h, t.nbytes = out * in * 2;
        }
        cr_assert_eq(trace_to_f32(&t, wf, NULL), AX_OK);
        for (size_t g = 0; g < 130; g += 64) { /* one thread and three: the same q */
            map_qweight a, b;
            double rel = -1;
            int th = g ? 3 : 1;
            cr_assert_eq(map_quantize(wf, out, in, g, &a, NULL), AX_OK);
            cr_assert_eq(map_quantize_tensor(NULL, &t, g, th, &b, &rel, NULL), AX_OK);
            cr_assert(a.ngroups == b.ngroups && !memcmp(a.q, b.q, out * in) &&
                          !memcmp(a.scale, b.scale, out * a.ngroups * sizeof(float)),
                      "dtype %d G %zu threads %d", dt, g, th);
            double ref = map_quant_error(wf, &a);
            cr_assert(fabs(rel - ref) <= 1e-12 * ref, "rel %g vs %g", rel, ref);
            map_qweight_free(&a);
            map_qweight_free(&b);
        }
    }
    w[29 * in + 5] = NAN; /* rows 29 and 3 are bad: row 3 is reported */
    w[3 * in + 299] = INFINITY;
    trace_tensor t = {.name = "l.weight",
                      .dtype = TRACE_F32,
                      .ndim = 2,
                      .shape = {(int64_t)out, (int64_t)in},
                      .data = w,
                      .nbytes = out * in * 4};
    map_qweight b;
    char *err = NULL;
    cr_assert_eq(map_quantize_tensor(NULL, &t, 0, 2, &b, NULL, &err), AX_ERANGE);
    cr_assert(strstr(err, "weight[3][299] ") && strstr(err, "Inf"), "%s", err);
    free(err);
    free(w), free(wf), free(h);
}
