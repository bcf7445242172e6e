/* Unit tests of db/db_plan.c and db/db_sweep.c with a fake evaluator:
 * cartesian product and order, dedup of async points, shards disjoint and
 * complete, parallel sweep, resume without duplicates, failing points. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <time.h>

#include "db_fake.h"

static const char *clocks[] = {"250", "500", "1000"};
static const char *tiles[] = {"64x64", "128x128"};
static const char *codings[] = {"ternary", "bitwise-2c"};
static const char *ks[] = {"2", "3"};
static const char *asyncs[] = {"0", "1"};

static void spec_of(db_sweep_spec *s, const char *w, const char *t, int with_async)
{
    memset(s, 0, sizeof *s);
    fake_job(&s->base, w, t);
    s->tech_version = "fake-table@45nm/1.1V"; /* what fake_eval prices with */
    s->axes[0] = (db_sweep_axis){"clock", clocks, 3};
    s->axes[1] = (db_sweep_axis){"tile", tiles, 2};
    s->axes[2] = (db_sweep_axis){"coding", codings, 2};
    s->axes[3] = (db_sweep_axis){"k", ks, 2};
    s->naxes = 4;
    if (with_async)
        s->axes[s->naxes++] = (db_sweep_axis){"async", asyncs, 2};
}

static const db_sweep_eval fake = {.eval = fake_eval, .name = "fake"};

Test(db_sweep, plan_product_order_and_async_dedup)
{
    char *dir = fake_tmpdir(), *w = fake_file(dir, "w", "W"), *t = fake_file(dir, "t", "T");
    db_sweep_spec s;
    spec_of(&s, w, t, 0);
    db_sweep_point *p;
    size_t n, total;
    cr_assert_eq(db_sweep_plan(&s, &p, &n, &total, NULL), AX_OK);
    cr_assert_eq(n, 24);
    cr_assert_eq(total, 24);
    /* last axis fastest */
    cr_assert_str_eq(p[0].label, "clock=250 tile=64x64 coding=ternary k=2");
    cr_assert_str_eq(p[1].label, "clock=250 tile=64x64 coding=ternary k=3");
    cr_assert_eq(p[23].job.cfg.clock_mhz, 1000);
    cr_assert_eq(p[23].job.cfg.rows, 128);
    cr_assert_eq(p[23].job.coding, SPIKE_BITWISE_2C);
    cr_assert_float_eq(p[23].job.sp.k, 3.0f, 0);
    db_sweep_points_free(p, n);
    /* async points do not depend on the clock: 24 sync + 8 async */
    spec_of(&s, w, t, 1);
    cr_assert_eq(db_sweep_plan(&s, &p, &n, &total, NULL), AX_OK);
    cr_assert_eq(n, 32);
    size_t async = 0;
    for (size_t i = 0; i < n; i++)
        async += p[i].job.cfg.timing == SIM_ASYNC;
    cr_assert_eq(async, 8);
    db_sweep_points_free(p, n);
    free(w), free(t);
    fake_rmdir(dir);
}

Test(db_sweep, shards_are_disjoint_and_complete)
{
    char *dir = fake_tmpdir(), *w = fake_file(dir, "w", "W"), *t = fake_file(dir, "t", "T");
    db_sweep_spec s;
    spec_of(&s, w, t, 1);
    uint64_t seen[64];
    size_t nseen = 0;
    for (int i = 0; i < 3; i++) {
        s.shard_i = i;
        s.shard_n = 3;
        db_sweep_point *p;
        size_t n, total;
        cr_assert_eq(db_sweep_plan(&s, &p, &n, &total, NULL), AX_OK);
        cr_assert_eq(total, 32);
        for (size_t k = 0; k < n; k++) {
            for (size_t m = 0; m < nseen; m++)
                cr_assert_neq(seen[m], p[k].hash, "point in two shards");
            seen[nseen++] = p[k].hash;
        }
        db_sweep_points_free(p, n);
    }
    cr_assert_eq(nseen, 32);
    s.shard_i = 3;
    char *err = NULL;
    db_sweep_point *p;
    size_t n;
    cr_assert_eq(db_sweep_plan(&s, &p, &n, NULL, &err), AX_EPARAM);
    free(err);
    free(w), free(t);
    fake_rmdir(dir);
}

Test(db_sweep, bad_axis_values_named)
{
    run_job j;
    fake_job(&j, NULL, NULL);
    char *err = NULL;
    cr_assert_eq(db_sweep_apply(&j, "tile", "64by64", &err), AX_EPARAM);
    cr_assert(strstr(err, "64by64") && strstr(err, "ROWSxCOLS"), "%s", err);
    cr_assert_eq(db_sweep_apply(&j, "coding", "morse", &err), AX_EPARAM);
    cr_assert(strstr(err, "morse"), "%s", err);
    cr_assert_eq(db_sweep_apply(&j, "clock", "-5", &err), AX_EPARAM);
    cr_assert_eq(db_sweep_apply(&j, "volume", "11", &err), AX_EPARAM);
    cr_assert_eq(db_sweep_apply(&j, "steps", "token", &err), AX_OK);
    cr_assert_eq(j.steps, SPIKE_STEPS_TOKEN);
    cr_assert_eq(db_sweep_apply(&j, "tile", "256x32", &err), AX_OK);
    cr_assert_eq(j.cfg.rows, 256);
    cr_assert_eq(j.cfg.cols, 32);
    free(err);
}

Test(db_sweep, parallel_run_then_resume_skips_all)
{
    char *dir = fake_tmpdir(), *w = fake_file(dir, "w", "W"), *t = fake_file(dir, "t", "T");
    char path[512], *err = NULL;
    snprintf(path, sizeof path, "%s/s.db", dir);
    db_sweep_spec s;
    spec_of(&s, w, t, 1);
    db_sweep_stats st;
    cr_assert_eq(db_sweep_run(path, &s, &fake, 3, NULL, &st, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(st.planned, 32);
    cr_assert_eq(st.ran, 32);
    cr_assert_eq(st.skipped, 0);
    cr_assert_eq(st.failed, 0);
    int64_t id = st.sweep_id;
    cr_assert_eq(q1(path, "SELECT count(*) FROM runs"), 32);
    cr_assert_eq(q1(path, "SELECT count(*) FROM sweep_points"), 32);
    cr_assert_eq(q1(path, "SELECT status = 'done' FROM sweeps"), 1);
    /* every stored energy is the evaluator's function of the point's parameters */
    cr_assert_eq(q1(path, "SELECT count(*) FROM v_runs WHERE abs(energy_pj - ((CASE WHEN async "
                          "THEN 1000 ELSE clock_mhz END) + tile_rows * tile_cols / 100.0 + 10 * "
                          "k)) < 1e-9"),
                 32);
    cr_assert_eq(db_sweep_run(path, &s, &fake, 2, NULL, &st, &err), AX_OK);
    cr_assert_eq(st.sweep_id, id);
    cr_assert_eq(st.ran, 0);
    cr_assert_eq(st.skipped, 32);
    cr_assert_eq(q1(path, "SELECT count(*) FROM runs"), 32);
    cr_assert_eq(q1(path, "SELECT count(*) FROM sweeps"), 1);
    free(w), free(t);
    fake_rmdir(dir);
}

Test(db_sweep, resume_after_partial_and_failures_logged, .init = cr_redirect_stderr)
{
    char *dir = fake_tmpdir(), *w = fake_file(dir, "w", "W"), *t = fake_file(dir, "t", "T");
    char path[512], *err = NULL;
    snprintf(path, sizeof path, "%s/s.db", dir);
    db_sweep_spec s;
    spec_of(&s, w, t, 0);
    /* shard 0/2 first: half the points, as a sweep cut short would leave */
    s.shard_i = 0, s.shard_n = 2;
    db_sweep_stats st;
    cr_assert_eq(db_sweep_run(path, &s, &fake, 1, NULL, &st, &err), AX_OK);
    cr_assert_eq(st.ran, 12);
    s.shard_n = 0;
    /* a different spec over the same points reuses the stored ones */
    cr_assert_eq(db_sweep_run(path, &s, &fake, 2, NULL, &st, &err), AX_OK);
    cr_assert_eq(st.skipped, 12);
    cr_assert_eq(st.ran, 12);
    cr_assert_eq(q1(path, "SELECT count(*) FROM runs"), 24);
    /* a point the evaluator rejects is logged, the others are stored */
    static const char *bad_tiles[] = {"13x13", "32x32"};
    s.axes[1] = (db_sweep_axis){"tile", bad_tiles, 2};
    cr_assert_eq(db_sweep_run(path, &s, &fake, 2, NULL, &st, &err), AX_OK);
    cr_assert_eq(st.failed, 12);
    cr_assert_eq(st.ran, 12);
    cr_assert_eq(q1(path, "SELECT count(*) FROM sweep_errors WHERE error LIKE '%13 rows%'"), 12);
    cr_assert_eq(q1(path, "SELECT status = 'incomplete' FROM sweeps WHERE id = (SELECT max(id) "
                          "FROM sweeps)"),
                 1);
    free(w), free(t);
    fake_rmdir(dir);
}

Test(db_sweep, table_version_mismatch_is_not_stored, .init = cr_redirect_stderr)
{
    char *dir = fake_tmpdir(), *w = fake_file(dir, "w", "W"), *t = fake_file(dir, "t", "T");
    char path[512];
    snprintf(path, sizeof path, "%s/s.db", dir);
    db_sweep_spec s;
    spec_of(&s, w, t, 0);
    s.tech_version = "another-table@7nm/0.70V"; /* fake_eval prices with fake-table */
    db_sweep_stats st;
    cr_assert_eq(db_sweep_run(path, &s, &fake, 1, NULL, &st, NULL), AX_OK);
    cr_assert_eq(st.failed, 24);
    cr_assert_eq(q1(path, "SELECT count(*) FROM runs"), 0);
    cr_assert_eq(q1(path, "SELECT count(*) FROM sweep_errors WHERE error LIKE '%fake-table%'"), 24);
    free(w), free(t);
    fake_rmdir(dir);
}

Test(db_sweep, layer_axis)
{
    char *dir = fake_tmpdir(), *w = fake_file(dir, "w", "W"), *t = fake_file(dir, "t", "T");
    static const char *layers[] = {"model.layers.0.mlp.up_proj", "model.layers.0.mlp.down_proj"};
    db_sweep_spec s;
    spec_of(&s, w, t, 0);
    s.axes[s.naxes++] = (db_sweep_axis){"layer", layers, 2};
    db_sweep_point *p;
    size_t n;
    cr_assert_eq(db_sweep_plan(&s, &p, &n, NULL, NULL), AX_OK);
    cr_assert_eq(n, 48);
    cr_assert_str_eq(p[1].job.layer, layers[1]);
    cr_assert_neq(p[0].hash, p[1].hash);
    db_sweep_points_free(p, n);
    free(w), free(t);
    fake_rmdir(dir);
}

Test(db_sweep, unreadable_file_keeps_its_code)
{
    char *dir = fake_tmpdir(), *t = fake_file(dir, "t", "T");
    char w[600], path[512], *err = NULL;
    snprintf(w, sizeof w, "%s/missing.safetensors", dir);
    snprintf(path, sizeof path, "%s/s.db", dir);
    db_sweep_spec s;
    spec_of(&s, w, t, 0);
    db_sweep_point *p;
    size_t n;
    cr_assert_eq(db_sweep_plan(&s, &p, &n, NULL, &err), AX_EIO);
    cr_assert(strstr(err, "missing.safetensors"), "%s", err);
    db_sweep_stats st;
    cr_assert_eq(db_sweep_run(path, &s, &fake, 1, NULL, &st, &err), AX_EIO); /* not AX_EPARAM */
    cr_assert(strstr(err, "missing.safetensors"), "%s", err);
    free(err);
    free(t);
    fake_rmdir(dir);
}

/* The evaluator's prepare hook runs in the parent once for every point to
 * run (not for stored ones), before the workers are forked. */
static int prepared;
static ax_result count_prepare(void *user, const run_job *job, char **err)
{
    (void)user, (void)job, (void)err;
    prepared++;
    return AX_OK;
}

Test(db_sweep, prepare_runs_in_the_parent_for_points_to_run)
{
    char *dir = fake_tmpdir(), *w = fake_file(dir, "w", "W"), *t = fake_file(dir, "t", "T");
    char path[512], *err = NULL;
    snprintf(path, sizeof path, "%s/s.db", dir);
    db_sweep_spec s;
    spec_of(&s, w, t, 0);
    s.shard_n = 2; /* half of the 24 points first */
    db_sweep_eval ev = fake;
    ev.prepare = count_prepare;
    db_sweep_stats st;
    cr_assert_eq(db_sweep_run(path, &s, &ev, 2, NULL, &st, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(prepared, 12);
    cr_assert_eq(st.ran, 12);
    s.shard_n = 0; /* the whole plan: the 12 stored points are skipped, not prepared */
    cr_assert_eq(db_sweep_run(path, &s, &ev, 2, NULL, &st, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(prepared, 24);
    cr_assert_eq(st.ran, 12);
    cr_assert_eq(st.skipped, 12);
    free(w), free(t);
    fake_rmdir(dir);
}

/* The prepare hook runs point by point while workers already store the
 * prepared ones: a worker inherits the parent's memory at its fork and must
 * claim only points prepared before it (else it would compute them again,
 * or, here, find them unprepared). The points to run are ordered with the
 * costliest axes outermost (coding and k change the spike encoding; clock
 * and tile only the timing), so the first prepared points share an
 * encoding. */
static int ready[3][2][2][2]; /* [clock][tile][coding][k], in the parent's memory */
static int order[24][4], norder;

static int *ready_of(const run_job *j, int *ix)
{
    ix[0] = j->cfg.clock_mhz == 250 ? 0 : j->cfg.clock_mhz == 500 ? 1 : 2;
    ix[1] = j->cfg.rows == 64 ? 0 : 1;
    ix[2] = j->coding == SPIKE_TERNARY ? 0 : 1;
    ix[3] = j->sp.k == 2.0f ? 0 : 1;
    return &ready[ix[0]][ix[1]][ix[2]][ix[3]];
}

static ax_result slow_prepare(void *user, const run_job *job, char **err)
{
    (void)user, (void)err;
    int ix[4];
    *ready_of(job, ix) = 1;
    if (norder < 24)
        memcpy(order[norder++], ix, sizeof ix);
    struct timespec ts = {0, 5 * 1000 * 1000}; /* workers start before the last is prepared */
    nanosleep(&ts, NULL);
    return AX_OK;
}

static ax_result prepared_eval(void *user, const run_job *j, run_result *r, char **err)
{
    int ix[4];
    if (!*ready_of(j, ix))
        return ax_fail(err, AX_EPARAM, "point not prepared before this worker's fork");
    return fake_eval(user, j, r, err);
}

Test(db_sweep, workers_overlap_the_preparation, .init = cr_redirect_stderr)
{
    char *dir = fake_tmpdir(), *w = fake_file(dir, "w", "W"), *t = fake_file(dir, "t", "T");
    char path[512], *err = NULL;
    snprintf(path, sizeof path, "%s/s.db", dir);
    db_sweep_spec s;
    spec_of(&s, w, t, 0);
    db_sweep_eval ev = fake;
    ev.eval = prepared_eval;
    ev.prepare = slow_prepare;
    db_sweep_stats st;
    cr_assert_eq(db_sweep_run(path, &s, &ev, 2, NULL, &st, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(st.failed, 0, "a worker claimed a point prepared after its fork");
    cr_assert_eq(st.ran, 24);
    cr_assert_eq(q1(path, "SELECT count(*) FROM runs"), 24);
    cr_assert_eq(q1(path, "SELECT count(*) FROM sweep_errors"), 0);
    cr_assert_eq(norder, 24);
    for (int i = 0; i < 24; i++) { /* coding, k outermost; then clock, tile as given */
        int *o = order[i];
        cr_assert_eq(((o[2] * 2 + o[3]) * 3 + o[0]) * 2 + o[1], i, "prepared point %d out of order",
                     i);
    }
    free(w), free(t);
    fake_rmdir(dir);
}
