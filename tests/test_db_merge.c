/* Unit tests of db/db_merge.c: shards run in parallel processes merge into
 * the full sweep without duplicates, twice-merged shards add nothing. */
#include <criterion/criterion.h>
#include <sys/wait.h>

#include "db_fake.h"

static const char *clocks[] = {"250", "500", "1000"};
static const char *tiles[] = {"64x64", "128x128"};
static const char *ks[] = {"2", "3", "4"};
static const db_sweep_eval fake = {.eval = fake_eval, .name = "fake"};

Test(db_merge, shards_merge_without_duplicates)
{
    char *dir = fake_tmpdir(), *w = fake_file(dir, "w", "W"), *t = fake_file(dir, "t", "T");
    db_sweep_spec s;
    memset(&s, 0, sizeof s);
    fake_job(&s.base, w, t);
    s.tech_version = "fake-table@45nm/1.1V"; /* what fake_eval prices with */
    s.axes[0] = (db_sweep_axis){"clock", clocks, 3};
    s.axes[1] = (db_sweep_axis){"tile", tiles, 2};
    s.axes[2] = (db_sweep_axis){"k", ks, 3};
    s.naxes = 3;
    enum { N = 3 };
    pid_t pid[N];
    char shard[N][512];
    for (int i = 0; i < N; i++) {
        snprintf(shard[i], sizeof shard[i], "%s/shard-%d.db", dir, i);
        pid[i] = fork();
        if (pid[i] == 0) {
            s.shard_i = i;
            s.shard_n = N;
            db_sweep_stats st;
            _exit(db_sweep_run(shard[i], &s, &fake, 1, NULL, &st, NULL) == AX_OK ? 0 : 1);
        }
    }
    for (int i = 0; i < N; i++) {
        int st;
        waitpid(pid[i], &st, 0);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        cr_assert_eq(q1(shard[i], "SELECT count(*) FROM runs"), 6);
    }
    /* one point also in a second database, run outside the sweep */
    char out[512], *err = NULL;
    snprintf(out, sizeof out, "%s/all.db", dir);
    db *d;
    cr_assert_eq(db_open(out, 0, &d, NULL), AX_OK);
    run_job j;
    run_result r;
    fake_job(&j, w, t);
    j.cfg.clock_mhz = 500;
    j.cfg.rows = j.cfg.cols = 64;
    j.sp.k = 3;
    memset(&r, 0, sizeof r);
    fake_eval(NULL, &j, &r, NULL);
    db_run_info info = {.evaluator = "fake"};
    cr_assert_eq(db_record_run(d, &j, &r, &info, NULL, NULL, NULL), AX_OK);
    db_merge_stats ms;
    size_t added = 0, skipped = 0;
    for (int i = 0; i < N; i++) {
        cr_assert_eq(db_merge(d, shard[i], &ms, &err), AX_OK, "%s", err ? err : "");
        added += ms.runs_added;
        skipped += ms.runs_skipped;
    }
    cr_assert_eq(added, 17);
    cr_assert_eq(skipped, 1);
    /* merging again adds nothing */
    cr_assert_eq(db_merge(d, shard[1], &ms, &err), AX_OK);
    cr_assert_eq(ms.runs_added, 0);
    cr_assert_eq(ms.links_added, 0);
    /* into itself: refused */
    cr_assert_eq(db_merge(d, out, &ms, &err), AX_EPARAM);
    free(err);
    cr_assert_eq(db_check(d, NULL), AX_OK);
    db_free(d);
    cr_assert_eq(q1(out, "SELECT count(*) FROM runs"), 18);
    cr_assert_eq(q1(out, "SELECT count(*) FROM results"), 18);
    cr_assert_eq(q1(out, "SELECT count(*) FROM components"), 18 * 6);
    cr_assert_eq(q1(out, "SELECT count(*) FROM energy_lines"), 18 * 2);
    cr_assert_eq(q1(out, "SELECT count(*) FROM sweeps"), 1);
    cr_assert_eq(q1(out, "SELECT count(*) FROM sweep_points"), 18);
    cr_assert_eq(q1(out, "SELECT status = 'done' AND shard IS NULL FROM sweeps"), 1);
    cr_assert_eq(q1(out, "SELECT count(*) FROM (SELECT config_hash FROM runs GROUP BY "
                         "config_hash HAVING count(*) > 1)"),
                 0);
    /* results stayed with their runs through the renumbering */
    cr_assert_eq(q1(out, "SELECT count(*) FROM v_runs WHERE abs(energy_pj - (clock_mhz + "
                         "tile_rows * tile_cols / 100.0 + 10 * k)) < 1e-9"),
                 18);
    free(w), free(t);
    fake_rmdir(dir);
}
