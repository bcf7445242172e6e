/*
 * Threads of the fast path (docs/sim.md "Performance"): a parallel for over
 * independent work units (row-blocks for the timing, chunks of output lanes
 * times token blocks for the accumulation, docs/design.md §3). Units claim
 * themselves from an atomic counter, so which thread runs a unit varies from
 * run to run, but every unit writes only its own outputs (its cores, its
 * lanes) or its own slot of a per-unit array that the caller reduces in unit
 * order: the results are the same bits for every thread count. Threads are
 * an execution option, never a parameter of the modelled chip.
 */
#include "sim_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

int sim_threads_default(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > SIM_MAX_THREADS ? SIM_MAX_THREADS : (int)n;
}

typedef struct {
    sim_par_fn fn;
    void *ctx;
    size_t n;
    atomic_size_t next;
} par_job;

typedef struct {
    par_job *job;
    int worker;
} par_arg;

static void par_loop(par_job *j, int worker)
{
    for (;;) {
        size_t u = atomic_fetch_add_explicit(&j->next, 1, memory_order_relaxed);
        if (u >= j->n)
            return;
        j->fn(j->ctx, u, worker);
    }
}

static void *par_main(void *p)
{
    par_arg *a = p;
    par_loop(a->job, a->worker);
    return NULL;
}

void sim_par_for(int threads, size_t n, sim_par_fn fn, void *ctx)
{
    par_job j = {.fn = fn, .ctx = ctx, .n = n};
    atomic_init(&j.next, 0);
    if (threads > SIM_MAX_THREADS)
        threads = SIM_MAX_THREADS;
    if ((size_t)threads > n)
        threads = (int)n;
    pthread_t tid[SIM_MAX_THREADS];
    par_arg arg[SIM_MAX_THREADS];
    int started = 0;
    for (int w = 1; w < threads; w++) {
        arg[w] = (par_arg){.job = &j, .worker = w};
        if (pthread_create(&tid[w], NULL, par_main, &arg[w]))
            break; /* fewer threads: the same results, only slower */
        started = w;
    }
    ax_par_note(started + 1);
    par_loop(&j, 0);
    for (int w = 1; w <= started; w++)
        pthread_join(tid[w], NULL);
}
