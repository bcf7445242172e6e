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

/* ax_json_print: every number reads back as the same double (cJSON_Print
 * writes 0.1 + 0.2 as 0.3: 15 digits that read back within DBL_EPSILON),
 * integers stay integers, NaN is null, and the tree is left as it was. */
#include "../ax/ax_json.h"
#include <math.h>
Test(ax, json_numbers_read_back_exactly)
{
    const double v[] = {0.1 + 0.2, 971100.6760152918, 1.0 / 3.0, 1e300, -2.5e-308, 12, -7, 0};
    const size_t n = sizeof v / sizeof *v;
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
    cJSON_AddItemToArray(a, cJSON_CreateNumber(NAN));
    char *s = ax_json_print(a, 0);
    cr_assert_not_null(s);
    cJSON *b = cJSON_Parse(s);
    cr_assert_not_null(b, "%s", s);
    for (size_t i = 0; i < n; i++) {
        const cJSON *x = cJSON_GetArrayItem(b, (int)i);
        cr_assert(cJSON_IsNumber(x) && x->valuedouble == v[i], "%s: item %zu is not %.17g", s, i,
                  v[i]);
    }
    cr_assert(cJSON_IsNull(cJSON_GetArrayItem(b, (int)n)), "%s", s);
    cr_assert(strstr(s, "[0.30000000000000004,") == s, "%s", s);
    cr_assert(strstr(s, ",12,-7,0,null]"), "%s", s);
    cr_assert(cJSON_IsNumber(cJSON_GetArrayItem(a, 0)), "the tree printed was changed");
    char *c = cJSON_PrintUnformatted(a); /* what cJSON alone writes */
    cr_assert(strstr(c, "[0.3,") == c, "cJSON now prints exactly (%s): ax_json may go", c);
    free(c);
    free(s);
    cJSON_Delete(a);
    cJSON_Delete(b);
}
