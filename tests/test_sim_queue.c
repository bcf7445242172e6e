/* Unit tests of sim/sim_queue.c: (time, sequence) order, FIFO within a
 * timestamp, growth without loss, against a sorted reference. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "../sim/sim_int.h"

static int cmp_t(const void *a, const void *b)
{
    const sim_qev *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->item < y->item ? -1 : x->item > y->item;
}

Test(sim_queue, random_order_matches_stable_sort)
{
    sim_queue q;
    sim_queue_init(&q);
    enum { N = 20000 };
    sim_qev *ref = malloc(N * sizeof *ref);
    uint64_t st = 42;
    for (int i = 0; i < N; i++) {
        st = st * 6364136223846793005ULL + 1;
        sim_qev e = {.t = (int64_t)((st >> 33) % 500), .item = i};
        ref[i] = e;
        cr_assert_eq(sim_queue_push(&q, e), AX_OK);
    }
    cr_assert_eq(q.n, N);
    qsort(ref, N, sizeof *ref, cmp_t); /* item = push order: stable by construction */
    sim_qev e;
    for (int i = 0; i < N; i++) {
        cr_assert(sim_queue_pop(&q, &e));
        cr_assert_eq(e.t, ref[i].t);
        cr_assert_eq(e.item, ref[i].item, "pop %d: item %lld want %lld", i, (long long)e.item,
                     (long long)ref[i].item);
    }
    cr_assert_eq(sim_queue_pop(&q, &e), 0);
    cr_assert_null(sim_queue_peek(&q));
    free(ref);
    sim_queue_free(&q);
}

Test(sim_queue, interleaved_push_pop_and_free_owned_payloads)
{
    sim_queue q;
    sim_queue_init(&q);
    int64_t last = -1;
    for (int i = 0; i < 1000; i++) {
        sim_queue_push(&q, (sim_qev){.t = last + 1 + i % 7, .item = i});
        sim_queue_push(&q, (sim_qev){.t = last + 1 + (i * 3) % 5, .item = i});
        sim_qev e;
        cr_assert(sim_queue_pop(&q, &e));
        cr_assert_geq(e.t, last);
        last = e.t;
    }
    cr_assert_eq(q.n, 1000);
    sim_queue_push(&q, (sim_qev){.t = 1, .ptr = malloc(16)}); /* freed by sim_queue_free */
    sim_queue_free(&q);
    cr_assert_eq(q.n, 0);
}
