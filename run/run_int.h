/* Private to run/: the cache of what sweep points share (run_cache.c). */
#ifndef AX_RUN_INT_H
#define AX_RUN_INT_H

#include "run.h"

typedef struct run_cache_entry run_cache_entry;

/* The entry under key, pinned (release it when done), or NULL (a miss). */
run_cache_entry *run_cache_find(run_cache *c, const char *key);
/* Stores data (bytes, freed with drop) under key, pinned; NULL when out of
 * memory (data is then dropped). May evict unpinned entries. */
run_cache_entry *run_cache_put(run_cache *c, const char *key, void *data, size_t bytes,
                               void (*drop)(void *data));
void *run_cache_data(const run_cache_entry *e);
void run_cache_release(run_cache *c, run_cache_entry *e); /* NULL: no-op */
/* A malloc'd key from a printf format (NULL when out of memory). */
char *run_cache_key(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PATH@dev:ino:size:mtime", the file's identity in cache keys ("PATH@?"
 * when it cannot be stat'ed, "-" for NULL), malloc'd; NULL out of memory. */
char *run_file_ident(const char *path);

#endif
