/* Unit tests of gpu/gpu_compare.c: exact integer comparison (identical, one
 * bit different), float metrics against hand-computed values, NaN/Inf
 * reported and kept out of the metrics, merging into an overall figure. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "../gpu/gpu.h"

Test(gpu_compare, identical_integers)
{
    int32_t a[5] = {0, -1, INT32_MAX, INT32_MIN, 7};
    gpu_cmp_int r;
    gpu_compare_i32(a, a, 5, &r);
    cr_assert_eq(r.n, 5);
    cr_assert_eq(r.mismatches, 0);
    cr_assert_eq(r.nshow, 0);
    cr_assert_eq(r.max_abs_diff, 0.0);
}

Test(gpu_compare, one_bit_different)
{
    int32_t a[6] = {1, 2, 3, 4, 5, 6}, b[6];
    memcpy(b, a, sizeof a);
    b[4] ^= 1 << 30;
    gpu_cmp_int r;
    gpu_compare_i32(a, b, 6, &r);
    cr_assert_eq(r.mismatches, 1);
    cr_assert_eq(r.nshow, 1);
    cr_assert_eq(r.idx[0], 4);
    cr_assert_eq(r.a[0], 5);
    cr_assert_eq(r.b[0], 5 + (1 << 30));
    cr_assert_eq(r.max_abs_diff, (double)(1 << 30));
}

Test(gpu_compare, many_mismatches_keep_the_first_few)
{
    int32_t a[20] = {0}, b[20];
    for (int i = 0; i < 20; i++)
        b[i] = i % 2;
    gpu_cmp_int r;
    gpu_compare_i32(a, b, 20, &r);
    cr_assert_eq(r.mismatches, 10);
    cr_assert_eq(r.nshow, GPU_CMP_SHOW);
    cr_assert_eq(r.idx[0], 1);
    cr_assert_eq(r.idx[GPU_CMP_SHOW - 1], 2 * GPU_CMP_SHOW - 1);
}

Test(gpu_compare, float_hand_computed)
{
    /* a = (3, 4), b = (3, 5): Σa² 25, Σb² 34, Σab 29, Σe² 1.
     * cosine 29 / (5 * sqrt 34); rel_l2 1/5; snr 10 log10 25 = 13.9794 dB. */
    float a[2] = {3, 4}, b[2] = {3, 5};
    gpu_cmp_float r;
    gpu_compare_f32(a, b, 2, &r);
    cr_assert_eq(r.compared, 2);
    cr_assert_float_eq(r.cosine, 29.0 / (5.0 * sqrt(34.0)), 1e-12);
    cr_assert_float_eq(r.rel_l2, 0.2, 1e-12);
    cr_assert_float_eq(r.snr_db, 13.979400086720377, 1e-9);
    cr_assert_eq(r.max_abs, 1.0);
    cr_assert_eq(r.max_abs_idx, 1);
}

Test(gpu_compare, float_identical_and_zero)
{
    float a[3] = {1.5f, -2, 0}, z[3] = {0, 0, 0};
    gpu_cmp_float r;
    gpu_compare_f32(a, a, 3, &r);
    cr_assert_float_eq(r.cosine, 1.0, 1e-15);
    cr_assert_eq(r.rel_l2, 0.0);
    cr_assert(isinf(r.snr_db) && r.snr_db > 0);
    gpu_compare_f32(z, z, 3, &r);
    cr_assert_eq(r.cosine, 1.0);
    cr_assert_eq(r.rel_l2, 0.0);
    gpu_compare_f32(z, a, 3, &r); /* reference all zero, test not */
    cr_assert_eq(r.cosine, 0.0);
    cr_assert(isinf(r.rel_l2));
    gpu_compare_f32(a, z, 3, &r); /* test all zero: rel_l2 1, snr 0 dB */
    cr_assert_float_eq(r.rel_l2, 1.0, 1e-15);
    cr_assert_float_eq(r.snr_db, 0.0, 1e-12);
}

Test(gpu_compare, nan_and_inf_are_reported_not_propagated)
{
    float a[5] = {1, NAN, 3, 4, INFINITY}, b[5] = {1, 2, 3, -INFINITY, 5};
    gpu_cmp_float r;
    gpu_compare_f32(a, b, 5, &r);
    cr_assert_eq(r.n, 5);
    cr_assert_eq(r.compared, 2); /* indices 0 and 2 */
    cr_assert_eq(r.nonfinite_a, 2);
    cr_assert_eq(r.nonfinite_b, 1);
    cr_assert_eq(r.nshow, 3);
    cr_assert_eq(r.idx[0], 1);
    cr_assert_eq(r.idx[1], 3);
    cr_assert_eq(r.idx[2], 4);
    cr_assert(isnan(r.a[0]));
    cr_assert(isinf(r.b[1]) && r.b[1] < 0);
    cr_assert(!isnan(r.cosine) && !isnan(r.rel_l2) && !isnan(r.snr_db));
    cr_assert_float_eq(r.cosine, 1.0, 1e-15);
    cr_assert_eq(r.max_abs, 0.0);
}

Test(gpu_compare, merge_equals_one_comparison)
{
    float a[4] = {1, 2, 3, 4}, b[4] = {1.5f, 2, 2, 4.25f};
    gpu_cmp_float whole, p1, p2, tot;
    gpu_compare_f32(a, b, 4, &whole);
    gpu_compare_f32(a, b, 2, &p1);
    gpu_compare_f32(a + 2, b + 2, 2, &p2);
    memset(&tot, 0, sizeof tot);
    gpu_cmp_float_merge(&tot, &p1);
    gpu_cmp_float_merge(&tot, &p2);
    cr_assert_eq(tot.n, 4);
    cr_assert_float_eq(tot.cosine, whole.cosine, 1e-15);
    cr_assert_float_eq(tot.rel_l2, whole.rel_l2, 1e-15);
    cr_assert_float_eq(tot.snr_db, whole.snr_db, 1e-12);
    cr_assert_eq(tot.max_abs, 1.0);
}

Test(gpu_compare, index_string)
{
    int64_t shape[3] = {2, 3, 4};
    char buf[64];
    gpu_index_str(23, 3, shape, buf, sizeof buf);
    cr_assert_str_eq(buf, "[1,2,3]");
    gpu_index_str(5, 3, shape, buf, sizeof buf);
    cr_assert_str_eq(buf, "[0,1,1]");
    gpu_index_str(5, 3, shape, buf, 4); /* truncated but terminated */
    cr_assert_eq(strlen(buf), 3);
}
