/*
 * The discrete-event kernel's queue: a binary min-heap keyed by
 * (time, sequence). The sequence number is assigned at push, so events at the
 * same time pop in the order they were scheduled (deterministic, FIFO within
 * a timestamp). The heap doubles its array when full and never drops an
 * event; push and pop are O(log n) (Cormen et al., "Introduction to
 * Algorithms", ch. 6).
 */
#include "sim_int.h"

#include <stdlib.h>

void sim_queue_init(sim_queue *q)
{
    q->v = NULL;
    q->n = q->cap = 0;
    q->seq = 0;
}

static int before(const sim_qev *a, const sim_qev *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

ax_result sim_queue_push(sim_queue *q, sim_qev e)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        sim_qev *v = realloc(q->v, cap * sizeof *v);
        if (!v)
            return AX_ENOMEM;
        q->v = v;
        q->cap = cap;
    }
    e.seq = q->seq++;
    size_t i = q->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(&e, &q->v[p]))
            break;
        q->v[i] = q->v[p];
        i = p;
    }
    q->v[i] = e;
    return AX_OK;
}

int sim_queue_pop(sim_queue *q, sim_qev *e)
{
    if (q->n == 0)
        return 0;
    *e = q->v[0];
    sim_qev last = q->v[--q->n];
    size_t i = 0, n = q->n;
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        const sim_qev *best = &last;
        if (l < n && before(&q->v[l], best)) {
            m = l;
            best = &q->v[l];
        }
        if (l + 1 < n && before(&q->v[l + 1], best))
            m = l + 1;
        if (m == i)
            break;
        q->v[i] = q->v[m];
        i = m;
    }
    if (n > 0)
        q->v[i] = last;
    return 1;
}

const sim_qev *sim_queue_peek(const sim_queue *q)
{
    return q->n ? &q->v[0] : NULL;
}

void sim_queue_free(sim_queue *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->n; i++)
        free(q->v[i].ptr);
    free(q->v);
    sim_queue_init(q);
}
