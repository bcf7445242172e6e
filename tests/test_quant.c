/* Unit tests of mapper/map_quant.c and the CPU reference gpu/gpu_ref.c:
 * hand-computed quantization, half-to-even, groups, and exact int32 sums. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../gpu/gpu.h"
#include "../mapper/map.h"

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
    cr_assert_eq(qw.q[3], 64);  /* 127/2 = 63.5 -> 64 */
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
