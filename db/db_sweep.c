/*
 * db_sweep — runs a sweep's plan into the database with worker processes.
 *
 * Crash semantics (docs/db.md, "Sweeps"):
 *  - every point is recorded in its own transaction (db_record_run), so a
 *    point is either fully stored or absent; WAL rolls back a transaction
 *    whose process died;
 *  - workers are forked after the parent closed its connection and each
 *    opens its own; they ask the kernel to SIGKILL them when the parent
 *    dies (PR_SET_PDEATHSIG), so `kill -9` of `axon sweep` stops them all
 *    and loses only the points in flight;
 *  - rerunning the same spec finds the same sweep row (by spec hash) and
 *    skips every point whose config hash is stored under this axon
 *    version; UNIQUE(config_hash, axon_version) makes duplicates
 *    impossible even when two sweeps race on one database.
 * Work is handed out through a counter in shared memory (atomic
 * compare-and-swap), so fast and slow points balance across workers. An
 * evaluator's prepare hook runs in the parent, point by point, and a worker
 * is forked as soon as SWEEP_BATCH prepared points wait (or the last ones):
 * it inherits what the points share, computed once, and claims only points
 * prepared before its fork, while the parent goes on preparing the next
 * ones. So the workers' pricing and database rows overlap the parent's
 * simulation instead of following it (a database takes one writer at a
 * time: alone at the end, the rows of a large layer's points left a core
 * idle). At most `jobs` workers run at once.
 */
#include "db_int.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* prepared points that wait before a worker is forked for them (fewer at
 * the end): each fork opens the database again */
#define SWEEP_BATCH 4

typedef struct {
    atomic_size_t next, done, failed;
    atomic_int stop; /* the database cannot be written (full disk, I/O): run nothing more */
} shared_counters;

static ax_result sweep_row(db *d, const db_sweep_spec *s, size_t total, int64_t *id, char **err)
{
    char *spec;
    uint64_t h;
    ax_result r = db_sweep_spec_text(s, &spec, &h, err);
    if (r)
        return r;
    char hex[17], now[32], shard[48] = "";
    run_hash_hex(h, hex);
    db_now_utc(now);
    if (s->shard_n > 0)
        snprintf(shard, sizeof shard, "%d/%d", s->shard_i, s->shard_n);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->h,
                           "INSERT INTO sweeps (spec_hash, spec, started_utc, status, points_total,"
                           " shard) VALUES (?1, ?2, ?3, 'running', ?4, ?5) ON CONFLICT (spec_hash)"
                           " DO UPDATE SET status = 'running', finished_utc = NULL RETURNING id",
                           -1, &st, NULL) != SQLITE_OK)
        r = db_fail(d, err, "creating the sweep");
    else {
        sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, spec, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 4, (int64_t)total);
        if (shard[0])
            sqlite3_bind_text(st, 5, shard, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st, 5);
        if (sqlite3_step(st) == SQLITE_ROW)
            *id = sqlite3_column_int64(st, 0);
        else
            r = db_fail(d, err, "creating the sweep");
        sqlite3_finalize(st);
    }
    free(spec);
    return r;
}

/* Links already-stored points to the sweep; returns the indices to run. */
static ax_result split_done(db *d, int64_t sweep, const db_sweep_point *p, size_t n, size_t *todo,
                            size_t *ntodo, size_t *skipped, char **err)
{
    *ntodo = *skipped = 0;
    ax_result r = db_begin(d, err);
    if (r)
        return r;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->h,
                           "INSERT OR IGNORE INTO sweep_points (sweep_id, run_id) SELECT ?1, id "
                           "FROM runs WHERE config_hash = ?2 AND axon_version = ?3",
                           -1, &st, NULL) != SQLITE_OK) {
        db_fail(d, err, "resuming the sweep");
        db_rollback(d);
        return AX_EDB;
    }
    for (size_t i = 0; i < n; i++) {
        int has = db_has_config(d, p[i].hash);
        if (has < 0) {
            sqlite3_finalize(st);
            db_fail(d, err, "resuming the sweep");
            db_rollback(d);
            return AX_EDB;
        }
        if (!has) {
            todo[(*ntodo)++] = i;
            continue;
        }
        char hex[17];
        run_hash_hex(p[i].hash, hex);
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, sweep);
        sqlite3_bind_text(st, 2, hex, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, AX_VERSION, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            sqlite3_finalize(st);
            db_fail(d, err, "resuming the sweep");
            db_rollback(d);
            return AX_EDB;
        }
        (*skipped)++;
    }
    sqlite3_finalize(st);
    return db_commit(d, err);
}

/* How much of a point's work changes with an axis (run/run_param.h
 * sections): the input and the spike coding change the encoding and the
 * accumulation, the core, chip, DRAM and timing axes the timing run, the
 * energy axes only the pricing; an axis outside the table, the most. */
static int axis_cost(const char *name)
{
    const run_param *q = run_param_find(name);
    if (!q || (q->section & (RUN_SEC_INPUT | RUN_SEC_SPIKES)))
        return 3;
    return q->section & RUN_SEC_ENERGY ? 1 : 2;
}

typedef struct {
    size_t key, k;
} order_key;

static int cmp_order(const void *a, const void *b)
{
    const order_key *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* Orders the points to run so those that share the costliest work follow
 * each other: the plan's product with the costliest axes outermost (the
 * user's order among equals). With a prepare hook the first workers then
 * start after one accumulation, not after one of each. The results do not
 * depend on the order; only the order of the rows does. */
static void order_todo(const db_sweep_spec *s, const db_sweep_point *p, size_t *todo, size_t ntodo)
{
    order_key *o = malloc((ntodo ? ntodo : 1) * sizeof *o);
    if (!o)
        return; /* the plan's order: slower, the same results */
    size_t perm[DB_SWEEP_MAX_AXES], np = 0;
    for (int c = 3; c >= 1; c--)
        for (size_t a = 0; a < s->naxes; a++)
            if (axis_cost(s->axes[a].name) == c)
                perm[np++] = a;
    for (size_t k = 0; k < ntodo; k++) {
        size_t digit[DB_SWEEP_MAX_AXES], rem = p[todo[k]].plan, key = 0;
        for (size_t a = s->naxes; a-- > 0;) {
            digit[a] = rem % s->axes[a].n;
            rem /= s->axes[a].n;
        }
        for (size_t i = 0; i < np; i++)
            key = key * s->axes[perm[i]].n + digit[perm[i]];
        o[k] = (order_key){key, todo[k]};
    }
    qsort(o, ntodo, sizeof *o, cmp_order);
    for (size_t k = 0; k < ntodo; k++)
        todo[k] = o[k].k;
    free(o);
}

static void log_error(db *d, int64_t sweep, const db_sweep_point *p, const char *msg)
{
    sqlite3_stmt *st;
    char hex[17], now[32];
    run_hash_hex(p->hash, hex);
    db_now_utc(now);
    if (sqlite3_prepare_v2(d->h,
                           "INSERT INTO sweep_errors (sweep_id, config_hash, label, error, at_utc)"
                           " VALUES (?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(st, 1, sweep);
    sqlite3_bind_text(st, 2, hex, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, p->label, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, msg, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_finalize(st);
}

/* One worker process: claim points until none is left. Never returns. */
static void worker(const char *path, pid_t parent, const run_files *files, const db_sweep_eval *ev,
                   int64_t sweep, const db_sweep_point *p, const size_t *todo, size_t limit,
                   shared_counters *sc)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) /* the parent died before prctl */
        _exit(1);
    char *err = NULL;
    db *d = NULL;
    if (db_open(path, 0, &d, &err)) {
        fprintf(stderr, "axon sweep: worker: %s\n", err);
        free(err);
        _exit(1);
    }
    int bad = 0;
    for (;;) {
        if (atomic_load(&sc->stop))
            break; /* a point simulated now could not be stored either */
        /* claim the next point this worker has inherited the preparation
         * of (todo[0, limit)); the later ones are a later worker's */
        size_t k = atomic_load(&sc->next);
        do
            if (k >= limit)
                goto out;
        while (!atomic_compare_exchange_weak(&sc->next, &k, k + 1));
        const db_sweep_point *pt = &p[todo[k]];
        run_result res;
        memset(&res, 0, sizeof res);
        ax_result r = ev->eval(ev->user, &pt->job, &res, &err);
        const char *tv = pt->tech_version;
        if (r == AX_OK && res.power.version[0] && strcmp(res.power.version, tv))
            r = ax_fail(&err, AX_EMISMATCH,
                        "priced with technology table '%s' but the sweep was planned with '%s' "
                        "(the config hash would be wrong)",
                        res.power.version, tv);
        if (r == AX_OK) {
            db_run_info info = {.tech_version = tv,
                                .evaluator = ev->name,
                                .sweep_id = sweep,
                                .files = files,
                                /* the evaluator's per-core counters, when it kept them */
                                .per_core = res.per_core,
                                .ncores = res.per_core ? res.sim.cores : 0};
            r = db_record_run(d, &pt->job, &res, &info, NULL, NULL, &err);
            if (r == AX_EDB || r == AX_EIO)
                atomic_store(&sc->stop, 1);
        }
        if (ev->release)
            ev->release(ev->user, &res);
        if (r != AX_OK) {
            fprintf(stderr, "axon sweep: point %s: %s\n", pt->label, err ? err : "failed");
            log_error(d, sweep, pt, err ? err : ax_result_str(r));
            free(err);
            err = NULL;
            atomic_fetch_add(&sc->failed, 1);
            bad = 1;
        }
        atomic_fetch_add(&sc->done, 1);
    }
out:
    db_free(d);
    _exit(bad);
}

static ax_result finish(const char *path, int64_t sweep, size_t planned, size_t failed, char **err)
{
    db *d;
    ax_result r = db_open(path, 0, &d, err);
    if (r)
        return r;
    char now[32], sql[320];
    db_now_utc(now);
    /* done when every planned point of this database's plan is linked */
    snprintf(sql, sizeof sql,
             "UPDATE sweeps SET finished_utc = '%s', status = CASE WHEN %zu = 0 AND "
             "(SELECT count(*) FROM sweep_points WHERE sweep_id = %lld) >= %zu THEN 'done' ELSE "
             "'incomplete' END WHERE id = %lld",
             now, failed, (long long)sweep, planned, (long long)sweep);
    r = db_exec_ctx(d, sql, "closing the sweep", err);
    /* errors of points that are stored by now (a resumed sweep) are stale */
    snprintf(sql, sizeof sql,
             "DELETE FROM sweep_errors WHERE sweep_id = %lld AND config_hash IN (SELECT "
             "r.config_hash FROM runs r JOIN sweep_points p ON p.run_id = r.id WHERE "
             "p.sweep_id = %lld)",
             (long long)sweep, (long long)sweep);
    if (r == AX_OK)
        r = db_exec_ctx(d, sql, "clearing resolved errors", err);
    db_free(d);
    return r;
}

ax_result db_sweep_run(const char *path, const db_sweep_spec *s, const db_sweep_eval *ev, int jobs,
                       void (*progress)(size_t done, size_t total), db_sweep_stats *st, char **err)
{
    memset(st, 0, sizeof *st);
    if (!ev || !ev->eval)
        return ax_fail(err, AX_EPARAM, "sweep without an evaluator");
    if (jobs < 1)
        jobs = 1;
    db_sweep_point *p;
    size_t n, total;
    ax_result r = db_sweep_plan(s, &p, &n, &total, err);
    if (r)
        return r;
    size_t *todo = malloc((n + 1) * sizeof *todo), ntodo = 0;
    db *d = NULL;
    r = todo ? db_open(path, 0, &d, err) : ax_fail(err, AX_ENOMEM, "out of memory");
    if (r == AX_OK)
        r = sweep_row(d, s, total, &st->sweep_id, err);
    if (r == AX_OK)
        r = split_done(d, st->sweep_id, p, n, todo, &ntodo, &st->skipped, err);
    db_free(d); /* never carry a connection across fork */
    st->planned = n;
    shared_counters *sc = MAP_FAILED;
    if (r == AX_OK && ntodo > 0) {
        sc = mmap(NULL, sizeof *sc, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (sc == MAP_FAILED)
            r = ax_fail(err, AX_ENOMEM, "mmap of the sweep counters failed");
    }
    run_files files; /* the base's checksums, for every worker's rows */
    if (r == AX_OK && ntodo > 0)
        r = run_files_of(&s->base, &files, err);
    if (r == AX_OK && ev->prepare)
        order_todo(s, p, todo, ntodo);
    if (r == AX_OK && ntodo > 0) {
        atomic_init(&sc->next, 0);
        atomic_init(&sc->done, 0);
        atomic_init(&sc->failed, 0);
        atomic_init(&sc->stop, 0);
        pid_t *pids = calloc((size_t)jobs, sizeof *pids), self = getpid();
        size_t prepared = ev->prepare ? 0 : ntodo;
        int alive = 0, crashed = 0;
        if (!pids)
            r = ax_fail(err, AX_ENOMEM, "out of memory");
        for (;;) {
            /* reap our own workers only: a host process (Python, a front
             * end) may have children of its own */
            for (int i = 0; pids && i < jobs; i++) {
                int status;
                if (pids[i] <= 0 || waitpid(pids[i], &status, WNOHANG) != pids[i])
                    continue;
                pids[i] = 0;
                alive--;
                if (!WIFEXITED(status) || (WEXITSTATUS(status) && !atomic_load(&sc->failed)))
                    crashed++;
            }
            size_t claimed = atomic_load(&sc->next);
            int more = r == AX_OK && !crashed && !atomic_load(&sc->stop) && claimed < ntodo;
            /* fork while a slot is free and enough prepared points wait */
            size_t want = ntodo - claimed < SWEEP_BATCH ? ntodo - claimed : SWEEP_BATCH;
            while (more && alive < jobs && prepared > claimed + (size_t)alive &&
                   (prepared == ntodo || prepared - claimed >= want)) {
                int slot = 0;
                while (pids[slot] > 0)
                    slot++;
                fflush(NULL);
                pid_t pid = fork();
                if (pid == 0)
                    worker(path, self, &files, ev, st->sweep_id, p, todo, prepared, sc);
                if (pid < 0) {
                    if (!alive && prepared == ntodo)
                        r = ax_fail(err, AX_EIO, "could not start sweep workers (fork failed)");
                    break;
                }
                pids[slot] = pid;
                alive++;
            }
            if (progress)
                progress(atomic_load(&sc->done), ntodo);
            if (more && prepared < ntodo) {
                char *e2 = NULL; /* a failing point fails again, logged, in its worker */
                ev->prepare(ev->user, &p[todo[prepared]].job, &e2);
                free(e2);
                prepared++;
                continue;
            }
            if (!alive && !more)
                break;
            if (!alive)
                continue; /* the last workers stopped at their limit: fork again */
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        free(pids);
        size_t done = atomic_load(&sc->done);
        if (progress)
            progress(done, ntodo);
        st->failed = atomic_load(&sc->failed);
        st->ran = done - st->failed;
        if (r == AX_OK && atomic_load(&sc->stop) && done < ntodo) {
            r = ax_fail(err, AX_EDB,
                        "%s: the results database could not be written (full disk or "
                        "a file-size limit?): stopped with %zu point(s) not run (hint: free space, "
                        "then rerun the same command to resume)",
                        path, ntodo - done);
        } else if (r == AX_OK && crashed && done < ntodo) {
            st->failed += ntodo - done;
            r = ax_fail(err, AX_EIO,
                        "%d sweep worker(s) died; %zu point(s) not run (hint: rerun"
                        " the same command to resume)",
                        crashed, ntodo - done);
        }
    }
    if (sc != MAP_FAILED)
        munmap(sc, sizeof *sc);
    if (st->sweep_id > 0) {
        char *e2 = NULL;
        ax_result fr = finish(path, st->sweep_id, n, st->failed, &e2);
        if (fr && r == AX_OK) {
            r = fr;
            if (err)
                *err = e2, e2 = NULL;
        }
        free(e2);
    }
    free(todo);
    db_sweep_points_free(p, n);
    return r;
}
