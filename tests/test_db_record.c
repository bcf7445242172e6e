/* Unit tests of db/db_record.c: config hash stability, file checksums,
 * record/query round trip with units, no duplicates, concurrent writers. */
#include <criterion/criterion.h>
#include <math.h>
#include <sys/wait.h>

#include "db_fake.h"

Test(db_record, checksum_size_and_content)
{
    char *dir = fake_tmpdir();
    char *a = fake_file(dir, "a.bin", "hello"), *b = fake_file(dir, "b.bin", "hellp");
    uint64_t sa, sb, na, nb;
    cr_assert_eq(run_file_checksum(a, &sa, &na, NULL), AX_OK);
    cr_assert_eq(run_file_checksum(b, &sb, &nb, NULL), AX_OK);
    cr_assert_eq(na, 5);
    cr_assert_neq(sa, sb);
    /* definition: FNV-1a 64 of the size (8 bytes LE) then the bytes */
    unsigned char le[8] = {5, 0, 0, 0, 0, 0, 0, 0};
    cr_assert_eq(sa, ax_fnv1a("hello", 5, ax_fnv1a(le, 8, AX_FNV_SEED)));
    char *err = NULL;
    cr_assert_eq(run_file_checksum("/nonexistent/w.safetensors", &sa, &na, &err), AX_EIO);
    cr_assert(strstr(err, "/nonexistent/w.safetensors"));
    free(err);
    free(a), free(b);
    fake_rmdir(dir);
}

Test(db_record, config_hash_tracks_parameters)
{
    char *dir = fake_tmpdir(), *w = fake_file(dir, "w.st", "W"), *t = fake_file(dir, "t.st", "T");
    run_job j;
    fake_job(&j, w, t);
    char *c1, *c2;
    uint64_t h1, h2;
    cr_assert_eq(run_config(&j, NULL, NULL, &c1, &h1, NULL), AX_OK);
    cr_assert(strstr(c1, "\"clock_mhz\":500"), "%s", c1);
    cr_assert(strstr(c1, "\"coding\":\"ternary\""), "%s", c1);
    j.vcd = "x.vcd"; /* outputs do not change the point */
    cr_assert_eq(run_config(&j, NULL, NULL, &c2, &h2, NULL), AX_OK);
    cr_assert_eq(h1, h2);
    free(c2);
    j.sp.k = 4;
    cr_assert_eq(run_config(&j, NULL, NULL, &c2, &h2, NULL), AX_OK);
    cr_assert_neq(h1, h2);
    free(c2);
    j.sp.k = 3;
    /* async: the clock is not part of the point */
    j.cfg.timing = SIM_ASYNC;
    cr_assert_eq(run_config(&j, NULL, NULL, &c2, &h2, NULL), AX_OK);
    uint64_t h3;
    char *c3;
    j.cfg.clock_mhz = 1000;
    cr_assert_eq(run_config(&j, NULL, NULL, &c3, &h3, NULL), AX_OK);
    cr_assert_eq(h2, h3);
    cr_assert_null(strstr(c3, "clock_mhz"));
    free(c1), free(c2), free(c3);
    /* content of an input file is part of the point */
    j.cfg.timing = SIM_SYNC;
    cr_assert_eq(run_config(&j, NULL, NULL, &c1, &h1, NULL), AX_OK);
    free(fake_file(dir, "w.st", "V"));
    cr_assert_eq(run_config(&j, NULL, NULL, &c2, &h2, NULL), AX_OK);
    cr_assert_neq(h1, h2);
    free(c1), free(c2), free(w), free(t);
    fake_rmdir(dir);
}

Test(db_record, round_trip_and_no_duplicate)
{
    char *dir = fake_tmpdir(), *w = fake_file(dir, "w.st", "W"), *t = fake_file(dir, "t.st", "T");
    char path[512], *err = NULL;
    snprintf(path, sizeof path, "%s/r.db", dir);
    run_job j;
    fake_job(&j, w, t);
    j.cfg.rows = 64;
    j.cfg.clock_mhz = 250;
    run_result r;
    memset(&r, 0, sizeof r);
    cr_assert_eq(fake_eval(NULL, &j, &r, NULL), AX_OK);
    r.sim.total.stall_dram = 500;
    db *d;
    cr_assert_eq(db_open(path, 0, &d, NULL), AX_OK);
    int64_t id, id2;
    int ins;
    sim_counters cores[3];
    memset(cores, 0, sizeof cores);
    for (int i = 0; i < 3; i++) {
        cores[i].events = 10 + (uint64_t)i;
        cores[i].stall_dram = 100 + i;
    }
    db_run_info info = {.evaluator = "fake", .per_core = cores, .ncores = 3};
    cr_assert_eq(db_record_run(d, &j, &r, &info, &id, &ins, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(ins, 1);
    cr_assert_eq(db_record_run(d, &j, &r, &info, &id2, &ins, &err), AX_OK);
    cr_assert_eq(ins, 0);
    cr_assert_eq(id, id2);
    db_free(d);
    cr_assert_eq(q1(path, "SELECT count(*) FROM runs"), 1);
    cr_assert_float_eq(q1(path, "SELECT energy_pj FROM v_runs"), fake_energy(&j), 1e-9);
    cr_assert_float_eq(q1(path, "SELECT energy_pj_per_token FROM v_runs"), fake_energy(&j) / 4,
                       1e-9);
    cr_assert_eq(q1(path, "SELECT clock_mhz FROM v_runs"), 250);
    cr_assert_eq(q1(path, "SELECT count(*) FROM v_runs WHERE tile = '64x128' AND coding = "
                          "'ternary' AND evaluator = 'fake' AND axon_version = '" AX_VERSION "'"),
                 1);
    cr_assert_eq(q1(path, "SELECT cycles FROM v_runs"), 1064);
    cr_assert_eq(q1(path, "SELECT snr_db IS NULL FROM v_runs"), 1); /* infinite -> NULL */
    cr_assert_float_eq(q1(path, "SELECT rel_error FROM v_runs"), 1.0 / 3, 1e-6);
    /* active 800 cycles at 250 MHz = 3200 ns */
    cr_assert_float_eq(q1(path, "SELECT active_ns FROM counters"), 3200, 1e-9);
    /* stall_dram: 500 cycles = 2000 ns, in counters, v_runs and per core */
    cr_assert_float_eq(q1(path, "SELECT stall_dram_ns FROM counters"), 2000, 1e-9);
    cr_assert_float_eq(q1(path, "SELECT stall_dram_ns FROM v_runs"), 2000, 1e-9);
    cr_assert_float_eq(q1(path, "SELECT sum(stall_dram_ns) FROM cores"), 303 * 4, 1e-9);
    cr_assert_eq(q1(path, "SELECT count(*) FROM components"), 6);
    cr_assert_float_eq(q1(path, "SELECT sum(energy_pj) FROM components"), fake_energy(&j), 1e-9);
    cr_assert_eq(q1(path, "SELECT weights_bytes FROM runs"), 1);
    /* per-core counters, priced lines, operating point, table version */
    cr_assert_eq(q1(path, "SELECT sum(events) FROM cores"), 33);
    cr_assert_eq(q1(path, "SELECT count(*) FROM energy_lines"), 2);
    cr_assert_float_eq(q1(path, "SELECT energy_pj FROM energy_lines WHERE component = 'sram' AND "
                                "action = 'read64' AND energy_group = 'memory'"),
                       100, 1e-12);
    cr_assert_eq(q1(path, "SELECT node_nm FROM v_runs"), 45);
    cr_assert_float_eq(q1(path, "SELECT ideal_vs_int8_pct FROM v_baseline"), -85.2, 1e-12);
    cr_assert_eq(q1(path, "SELECT count(*) FROM runs WHERE tech_version = 'fake-table@45nm/1.1V'"),
                 1);
    cr_assert_eq(q1(path, "SELECT length(config_hash) FROM runs"), 16);
    free(w), free(t);
    fake_rmdir(dir);
}

Test(db_record, concurrent_writers)
{
    char *dir = fake_tmpdir(), *w = fake_file(dir, "w.st", "W"), *t = fake_file(dir, "t.st", "T");
    char path[512];
    snprintf(path, sizeof path, "%s/c.db", dir);
    db *d;
    cr_assert_eq(db_open(path, 0, &d, NULL), AX_OK);
    db_free(d);
    enum { PROCS = 4, EACH = 15, SHARED = 5 };
    pid_t pid[PROCS];
    for (int p = 0; p < PROCS; p++) {
        pid[p] = fork();
        cr_assert_geq(pid[p], 0);
        if (pid[p] == 0) {
            db *c;
            char *err = NULL;
            if (db_open(path, 0, &c, &err))
                _exit(10);
            for (int i = 0; i < EACH + SHARED; i++) {
                run_job j;
                run_result r;
                fake_job(&j, w, t);
                /* the first SHARED points are written by every process */
                j.cfg.clock_mhz = i < SHARED ? 100 + i : 1000 + p * 100 + i;
                memset(&r, 0, sizeof r);
                fake_eval(NULL, &j, &r, NULL);
                if (db_record_run(c, &j, &r, NULL, NULL, NULL, &err)) {
                    fprintf(stderr, "%s\n", err);
                    _exit(11);
                }
            }
            db_free(c);
            _exit(0);
        }
    }
    for (int p = 0; p < PROCS; p++) {
        int st;
        waitpid(pid[p], &st, 0);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d failed", p);
    }
    cr_assert_eq(q1(path, "SELECT count(*) FROM runs"), PROCS * EACH + SHARED);
    cr_assert_eq(q1(path, "SELECT count(*) FROM results"), PROCS * EACH + SHARED);
    cr_assert_eq(q1(path, "SELECT count(DISTINCT config_hash) FROM runs"), PROCS * EACH + SHARED);
    cr_assert_eq(db_open(path, 0, &d, NULL), AX_OK);
    cr_assert_eq(db_check(d, NULL), AX_OK);
    db_free(d);
    free(w), free(t);
    fake_rmdir(dir);
}

Test(db_record, unpriced_run_stores_null_energy)
{
    char *dir = fake_tmpdir(), *w = fake_file(dir, "w.st", "W"), *t = fake_file(dir, "t.st", "T");
    char path[512];
    snprintf(path, sizeof path, "%s/u.db", dir);
    run_job j;
    fake_job(&j, w, t);
    run_result r;
    memset(&r, 0, sizeof r);
    cr_assert_eq(fake_eval(NULL, &j, &r, NULL), AX_OK);
    memset(&r.power, 0, sizeof r.power); /* an evaluator that did not price */
    db *d;
    cr_assert_eq(db_open(path, 0, &d, NULL), AX_OK);
    cr_assert_eq(db_record_run(d, &j, &r, NULL, NULL, NULL, NULL), AX_OK);
    db_free(d);
    cr_assert_eq(q1(path, "SELECT energy_pj IS NULL AND power_mw IS NULL AND "
                          "energy_reduction_pct IS NULL FROM v_runs"),
                 1);
    cr_assert_eq(q1(path, "SELECT cycles FROM v_runs"), 1128); /* the rest is stored */
    cr_assert_eq(q1(path, "SELECT count(*) FROM components"), 0);
    /* tech_version: the built-in table's version string */
    cr_assert_eq(q1(path, "SELECT tech_version LIKE '%45nm%' FROM runs"), 1);
    free(w), free(t);
    fake_rmdir(dir);
}

Test(db_record, image_and_reference_columns)
{
    char *dir = fake_tmpdir(), *w = fake_file(dir, "w.st", "W"), *t = fake_file(dir, "t.st", "T");
    char *img = fake_file(dir, "c.axi", "IMAGE"), *ref = fake_file(dir, "r.st", "REF");
    char path[512], *err = NULL, *c1, *c2;
    uint64_t h1, h2;
    snprintf(path, sizeof path, "%s/r.db", dir);
    run_job j;
    fake_job(&j, w, t);
    cr_assert_eq(run_config(&j, NULL, NULL, &c1, &h1, NULL), AX_OK);
    cr_assert_null(strstr(c1, "\"image\""), "%s", c1); /* plain runs keep their hash */
    cr_assert(strstr(c1, "\"dram\":false") && !strstr(c1, "dram_burst"), "%s", c1);
    j.cfg.dram = 1; /* DRAM streaming is another point */
    cr_assert_eq(run_config(&j, NULL, NULL, &c2, &h2, NULL), AX_OK);
    cr_assert_neq(h1, h2);
    cr_assert(strstr(c2, "\"dram\":true,\"dram_burst_bytes\""), "%s", c2);
    free(c2);
    j.cfg.dram = 0;
    j.image = img;
    j.ref = ref;
    cr_assert_eq(run_config(&j, NULL, NULL, &c2, &h2, NULL), AX_OK);
    cr_assert_neq(h1, h2);
    cr_assert(strstr(c2, "\"image\":{\"name\":\"c.axi\",\"bytes\":5"), "%s", c2);
    cr_assert(strstr(c2, "\"ref\":{\"name\":\"r.st\""), "%s", c2);
    free(c1), free(c2);
    run_result r;
    memset(&r, 0, sizeof r);
    cr_assert_eq(fake_eval(NULL, &j, &r, NULL), AX_OK);
    r.permuted = 1;
    r.has_ref = 1;
    int32_t a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 5, 4};
    float ya[3] = {1, 0, 0}, yb[3] = {1, 1, 0};
    gpu_compare_i32(a, b, 4, &r.ref_acc);
    gpu_compare_f32(ya, yb, 3, &r.ref_y);
    db *d;
    cr_assert_eq(db_open(path, 0, &d, NULL), AX_OK);
    db_run_info info = {.evaluator = "fake"};
    cr_assert_eq(db_record_run(d, &j, &r, &info, NULL, NULL, &err), AX_OK, "%s", err ? err : "");
    db_free(d);
    cr_assert_eq(q1(path, "SELECT image_bytes FROM v_runs WHERE image_file LIKE '%c.axi'"), 5);
    cr_assert_eq(q1(path, "SELECT ref_bytes FROM runs WHERE ref_file LIKE '%r.st'"), 3);
    cr_assert_eq(q1(path, "SELECT permuted + has_ref FROM v_runs"), 2);
    cr_assert_eq(q1(path, "SELECT ref_acc_exact FROM v_runs"), 0);
    cr_assert_eq(q1(path, "SELECT ref_acc_mismatches FROM v_runs"), 1);
    cr_assert_eq(q1(path, "SELECT ref_acc_compared FROM v_runs"), 4);
    cr_assert_eq(q1(path, "SELECT ref_acc_max_abs_diff FROM v_runs"), 2);
    /* cos = 1 / sqrt(2), rel L2 = 1, max abs 1 */
    cr_assert_float_eq(q1(path, "SELECT ref_y_cosine FROM v_runs"), 1 / sqrt(2.0), 1e-12);
    cr_assert_float_eq(q1(path, "SELECT ref_y_rel_l2 FROM v_runs"), 1, 1e-12);
    cr_assert_eq(q1(path, "SELECT ref_y_max_abs FROM v_runs"), 1);
    cr_assert_float_eq(q1(path, "SELECT ref_y_snr_db FROM v_runs"), 0, 1e-12);
    run_result_free(&r);
    free(w), free(t), free(img), free(ref);
    fake_rmdir(dir);
}
