/* Unit tests of mapper/map_layout.c: the reorder is a permutation kept
 * inside weight groups, applied consistently to weights and counts (the
 * CPU reference gives the same acc bit for bit), and bursts fetched per
 * token on hand cases, with and without reordering. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../gpu/gpu.h"
#include "../mapper/map.h"

Test(map_layout, bursts_hand_case_and_reorder)
{
    /* in 8, out 4, tile 8x4: one core, rows of 4 bytes, bursts of 8 bytes =
     * 2 axons each: 4 bursts. token 0 fires axons {0,2,4,6}, token 1 {0,6}. */
    int32_t s[2 * 8] = {1, 0, -3, 0, 2, 0, 1, 0, /**/ 5, 0, 0, 0, 0, 0, -1, 0};
    map_tiling t;
    cr_assert_eq(map_tiling_make(4, 8, 8, 4, &t, NULL), AX_OK);
    uint64_t stored = 0;
    cr_assert_eq(map_layout_bursts(s, 2, NULL, &t, 8, &stored), 4 + 2);
    cr_assert_eq(stored, 4);
    uint64_t act[8];
    map_channel_activity(s, 2, 8, act);
    cr_assert_eq(act[0], 2);
    cr_assert_eq(act[2], 1);
    cr_assert_eq(act[6], 2);
    cr_assert_eq(act[1], 0);
    uint32_t perm[8];
    map_reorder_perm(act, 8, 0, perm);
    uint32_t want[8] = {0, 6, 2, 4, 1, 3, 5, 7}; /* hot first, stable */
    cr_assert_eq(memcmp(perm, want, sizeof want), 0);
    /* token 0: positions 0..3 -> 2 bursts; token 1: positions 0, 1 -> 1 */
    cr_assert_eq(map_layout_bursts(s, 2, perm, &t, 8, NULL), 2 + 1);
}

Test(map_layout, bursts_straddle_rows_and_column_blocks)
{
    /* R 4, C 4, B 6: burst 0 = rows 0-1, burst 1 = rows 1-2, burst 2 = row 3 */
    map_tiling t;
    cr_assert_eq(map_tiling_make(4, 4, 4, 4, &t, NULL), AX_OK);
    int32_t a[4] = {0, 7, 0, 0}, b[4] = {0, 0, 0, 7}, z[4] = {0};
    cr_assert_eq(map_layout_bursts(a, 1, NULL, &t, 6, NULL), 2);
    cr_assert_eq(map_layout_bursts(b, 1, NULL, &t, 6, NULL), 1);
    cr_assert_eq(map_layout_bursts(z, 1, NULL, &t, 6, NULL), 0);
    /* out 12 -> 3 column-blocks: each holds the same axons, 3x the bursts;
     * in 6 -> 2 row-blocks, rows 6, 7 of the second are padding (silent) */
    cr_assert_eq(map_tiling_make(12, 6, 4, 4, &t, NULL), AX_OK);
    int32_t c[6] = {0, 7, 0, 0, 1, 0};
    uint64_t stored;
    cr_assert_eq(map_layout_bursts(c, 1, NULL, &t, 6, &stored), 3 * 2 + 3 * 1);
    cr_assert_eq(stored, 6 * 3);
}

Test(map_layout, perm_check_rejects)
{
    uint32_t dup[4] = {0, 1, 1, 3}, cross[4] = {2, 1, 0, 3}, ok[4] = {1, 0, 3, 2};
    char *err = NULL;
    cr_assert_eq(map_perm_check(dup, 4, 0, &err), AX_EPARAM);
    cr_assert(strstr(err, "twice"), "%s", err);
    cr_assert_eq(map_perm_check(cross, 4, 2, &err), AX_EPARAM);
    cr_assert(strstr(err, "group"), "%s", err);
    free(err);
    cr_assert_eq(map_perm_check(cross, 4, 0, NULL), AX_OK);
    cr_assert_eq(map_perm_check(ok, 4, 2, NULL), AX_OK);
}

/* Reordered weights with reordered counts give the same acc, per group. */
static void same_acc(size_t group)
{
    enum { OUT = 7, IN = 20, TOK = 5 };
    float w[OUT * IN];
    int32_t s[TOK * IN], sp[TOK * IN];
    srand(42 + (unsigned)group);
    for (size_t i = 0; i < OUT * IN; i++)
        w[i] = (float)(rand() % 255 - 127) / 64.0f;
    for (size_t i = 0; i < TOK * IN; i++)
        s[i] = (i % IN) % 3 == 0 ? 0 : rand() % 31 - 15; /* every third channel silent */
    map_qweight qw, pq, back;
    cr_assert_eq(map_quantize(w, OUT, IN, group, &qw, NULL), AX_OK);
    uint64_t act[IN];
    uint32_t perm[IN];
    map_channel_activity(s, TOK, IN, act);
    map_reorder_perm(act, IN, group, perm);
    cr_assert_eq(map_perm_check(perm, IN, group, NULL), AX_OK);
    int moved = 0;
    for (size_t k = 0; k < IN; k++)
        moved |= perm[k] != k;
    cr_assert(moved, "the hand case must actually reorder");
    cr_assert_eq(map_qweight_permute(&qw, perm, &pq, NULL), AX_OK);
    map_counts_permute(s, TOK, IN, perm, sp);
    size_t ng = qw.ngroups;
    int32_t *a = malloc(TOK * OUT * ng * sizeof *a), *b = malloc(TOK * OUT * ng * sizeof *b);
    cr_assert_eq(gpu_ref_cpu(s, TOK, &qw, a, NULL), AX_OK);
    cr_assert_eq(gpu_ref_cpu(sp, TOK, &pq, b, NULL), AX_OK);
    cr_assert_eq(memcmp(a, b, TOK * OUT * ng * sizeof *a), 0);
    /* silent channels end up last within each group */
    for (size_t lo = 0; lo < IN; lo += group ? group : IN) {
        size_t hi = lo + (group ? group : IN) < IN ? lo + (group ? group : IN) : IN;
        int seen_silent = 0;
        for (size_t k = lo; k < hi; k++) {
            if (act[perm[k]] == 0)
                seen_silent = 1;
            else
                cr_assert(!seen_silent, "active channel after a silent one at %zu", k);
        }
    }
    cr_assert_eq(map_qweight_unpermute(&pq, perm, &back, NULL), AX_OK);
    cr_assert_eq(memcmp(back.q, qw.q, OUT * IN), 0);
    free(a);
    free(b);
    map_qweight_free(&qw);
    map_qweight_free(&pq);
    map_qweight_free(&back);
}

Test(map_layout, reorder_keeps_acc_per_channel)
{
    same_acc(0);
}
Test(map_layout, reorder_keeps_acc_per_group)
{
    same_acc(8);
}
