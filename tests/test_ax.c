/* Unit tests of ax/: error text convention and checked arithmetic. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../ax/ax.h"

Test(ax, fail_sets_message_and_returns_code)
{
    char *err = NULL;
    ax_result r = ax_fail(&err, AX_EFORMAT, "%s: offset %d: bad magic", "x.npy", 3);
    cr_assert_eq(r, AX_EFORMAT);
    cr_assert_str_eq(err, "x.npy: offset 3: bad magic");
    ax_err_prefix(&err, "loading %s", "w");
    cr_assert_str_eq(err, "loading w: x.npy: offset 3: bad magic");
    free(err);
    cr_assert_eq(ax_fail(NULL, AX_EIO, "ignored"), AX_EIO);
}

Test(ax, mul_size_detects_overflow)
{
    size_t out;
    cr_assert_eq(ax_mul_size(3, 5, &out), 0);
    cr_assert_eq(out, 15);
    cr_assert_eq(ax_mul_size(SIZE_MAX / 2, 3, &out), -1);
}

Test(ax, result_strings_distinct)
{
    cr_assert_str_neq(ax_result_str(AX_EIO), ax_result_str(AX_EFORMAT));
    cr_assert_str_eq(ax_result_str(AX_OK), "ok");
}

/* The published FNV-1a 64 parameters and test vectors (Fowler, Noll, Vo;
 * draft-eastlake-fnv): offset basis 14695981039346656037. */
Test(ax, fnv1a_standard_basis_and_vectors)
{
    cr_assert_eq(AX_FNV_SEED, 14695981039346656037ULL);
    cr_assert_eq(ax_fnv1a("", 0, AX_FNV_SEED), 0xcbf29ce484222325ULL);
    cr_assert_eq(ax_fnv1a("a", 1, AX_FNV_SEED), 0xaf63dc4c8601ec8cULL);
    cr_assert_eq(ax_fnv1a("foobar", 6, AX_FNV_SEED), 0x85944171f73967e8ULL);
    /* continuing a hash equals hashing the concatenation */
    cr_assert_eq(ax_fnv1a("bar", 3, ax_fnv1a("foo", 3, AX_FNV_SEED)), 0x85944171f73967e8ULL);
}
