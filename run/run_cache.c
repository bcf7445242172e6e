/*
 * run_cache — what the points of a sweep share (docs/performance.md,
 * "Loading, oracle and sweeps"). A point's quantized weights depend only on
 * the files and the layer and group, its spike counts only on the trace,
 * the layer, k and the clamp (and the image's permutation), its events and
 * spike statistics only on those and the coding and T rule, its reference
 * acc only on the weights and the counts — not on the clock, tile, timing,
 * power or technology. The weights entry also holds the simulator's
 * prepared weights (sim_weights: from a core image's tiles, or built once
 * for a sweep), and a sweep's parent keeps the accumulation of every
 * (weights, events, tile, accumulator width) (sim_sums), which the points
 * that differ only in timing take instead of accumulating again. run_job_exec_cached looks each of them up here by a
 * key that names exactly what it depends on (files by path and identity:
 * device, inode, size, modification time), and computes it only when it is
 * missing, so a sweep worker computes each once per distinct key.
 *
 * Entries are pinned while a run uses them and evicted least recently used
 * beyond a byte budget. run_job_exec runs with a private cache that lives
 * for one run, so there is one code path and results are identical with
 * and without sharing (tests/test_run_cache.c, tests/e2e/test_sweep_sim.sh).
 */
#include "run_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct run_cache_entry {
    char *key;
    void *data;
    size_t bytes;
    void (*drop)(void *data);
    int pins;
    uint64_t used; /* LRU clock */
    run_cache_entry *next;
};

struct run_cache {
    run_cache_entry *head;
    size_t bytes, budget;
    uint64_t clock;
    run_cache_stats st;
};

ax_result run_cache_new(size_t budget, run_cache **c, char **err)
{
    *c = calloc(1, sizeof **c);
    if (!*c)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    (*c)->budget = budget;
    return AX_OK;
}

static void entry_free(run_cache_entry *e)
{
    if (e->drop)
        e->drop(e->data);
    free(e->key);
    free(e);
}

void run_cache_free(run_cache *c)
{
    if (!c)
        return;
    for (run_cache_entry *e = c->head, *n; e; e = n) {
        n = e->next;
        entry_free(e);
    }
    free(c);
}

void run_cache_get_stats(const run_cache *c, run_cache_stats *st)
{
    *st = c->st;
    st->bytes = c->bytes;
}

run_cache_entry *run_cache_find(run_cache *c, const char *key)
{
    for (run_cache_entry *e = c->head; e; e = e->next)
        if (!strcmp(e->key, key)) {
            e->pins++;
            e->used = ++c->clock;
            c->st.hits++;
            return e;
        }
    c->st.misses++;
    return NULL;
}

/* Drops unpinned entries until those left fit the budget (entries in use
 * do not count: a run's large pinned weights must not push out the small
 * entries the next run reuses): first any that alone is larger than the
 * budget (it could never stay), then the least recently used. */
static void evict(run_cache *c)
{
    size_t loose = 0;
    for (run_cache_entry *e = c->head; e; e = e->next)
        if (!e->pins)
            loose += e->bytes;
    while (loose > c->budget) {
        run_cache_entry **victim = NULL;
        for (run_cache_entry **p = &c->head; *p; p = &(*p)->next)
            if (!(*p)->pins && (*p)->bytes > c->budget) {
                victim = p;
                break;
            }
        if (!victim)
            for (run_cache_entry **p = &c->head; *p; p = &(*p)->next)
                if (!(*p)->pins && (!victim || (*p)->used < (*victim)->used))
                    victim = p;
        if (!victim)
            return;
        run_cache_entry *e = *victim;
        *victim = e->next;
        c->bytes -= e->bytes;
        loose -= e->bytes;
        c->st.evictions++;
        entry_free(e);
    }
}

run_cache_entry *run_cache_put(run_cache *c, const char *key, void *data, size_t bytes,
                               void (*drop)(void *data))
{
    run_cache_entry *e = calloc(1, sizeof *e);
    if (!e || !(e->key = strdup(key))) {
        free(e);
        if (drop)
            drop(data);
        return NULL;
    }
    e->data = data;
    e->bytes = bytes;
    e->drop = drop;
    e->pins = 1;
    e->used = ++c->clock;
    e->next = c->head;
    c->head = e;
    c->bytes += bytes;
    evict(c);
    return e;
}

int run_cache_keeps(const run_cache *c, size_t bytes)
{
    return bytes <= c->budget;
}

void *run_cache_data(const run_cache_entry *e)
{
    return e->data;
}

void run_cache_release(run_cache *c, run_cache_entry *e)
{
    if (!e)
        return;
    e->pins--;
    evict(c);
}

char *run_cache_key(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *k = ax_vstrf(fmt, ap);
    va_end(ap);
    return k;
}

char *run_file_ident(const char *path)
{
    struct stat st;
    if (!path)
        return strdup("-");
    if (stat(path, &st))
        return run_cache_key("%s@?", path);
    return run_cache_key("%s@%llu:%llu:%lld:%lld.%09ld", path, (unsigned long long)st.st_dev,
                         (unsigned long long)st.st_ino, (long long)st.st_size,
                         (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
}
