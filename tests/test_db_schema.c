/* Unit tests of db/db_schema.c: creation at the current version, WAL,
 * migration of an older database (data kept, views added), refusal of a
 * newer one, read-only opening; the schema holds a column for every
 * counter of sim/sim.h's list (SIM_COUNTERS). */
#include <criterion/criterion.h>

#include "db_fake.h"

Test(db_schema, create_current_version_wal)
{
    char *dir = fake_tmpdir(), path[512], *err = NULL;
    snprintf(path, sizeof path, "%s/r.db", dir);
    db *d;
    cr_assert_eq(db_open(path, 0, &d, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(db_user_version(d), DB_SCHEMA_VERSION);
    cr_assert_eq(db_check(d, NULL), AX_OK);
    db_free(d);
    db_free(NULL);
    cr_assert_eq(q1(path, "SELECT count(*) FROM sqlite_master WHERE name IN ('runs','results',"
                          "'counters','components','cores','sweeps','sweep_points','sweep_errors',"
                          "'v_runs','v_sweep_points','v_baseline','v_sweeps','energy_lines')"),
                 13);
    sqlite3 *h;
    sqlite3_open(path, &h);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(h);
    fake_rmdir(dir);
}

Test(db_schema, migrates_v1_keeping_rows)
{
    char *dir = fake_tmpdir(), path[512], *err = NULL;
    snprintf(path, sizeof path, "%s/old.db", dir);
    db *d;
    cr_assert_eq(db_open(path, DB_NOMIGRATE, &d, &err), AX_OK);
    cr_assert_eq(db_user_version(d), 0);
    cr_assert_eq(db_migrate_to(d, 1, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(db_user_version(d), 1);
    /* a version-1 database has no views yet */
    cr_assert_neq(db_exec(d, "SELECT * FROM v_runs", NULL), AX_OK);
    cr_assert_eq(db_exec(d,
                         "INSERT INTO runs (id, config_hash, axon_version, tech_version, "
                         "created_utc, timing, async, clock_mhz, tile_rows, tile_cols, config) "
                         "VALUES (7, 'abc', 'old', 't', 'now', 'sync', 0, 250, 64, 32, '{}');"
                         "INSERT INTO results (run_id, energy_pj) VALUES (7, 12.5);",
                         &err),
                 AX_OK, "%s", err ? err : "");
    /* going down is refused */
    cr_assert_eq(db_migrate_to(d, 0, &err), AX_EPARAM);
    free(err);
    err = NULL;
    db_free(d);
    /* a normal open migrates to the current version */
    cr_assert_eq(db_open(path, 0, &d, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(db_user_version(d), DB_SCHEMA_VERSION);
    db_free(d);
    cr_assert_eq(q1(path, "SELECT energy_pj FROM v_runs WHERE run_id = 7"), 12.5);
    cr_assert_eq(q1(path, "SELECT count(*) FROM v_runs WHERE tile = '64x32'"), 1);
    /* migration 3 added columns (NULL for old rows) and the energy_lines table */
    cr_assert_eq(q1(path, "SELECT ideal_pj IS NULL FROM v_runs WHERE run_id = 7"), 1);
    cr_assert_eq(q1(path, "SELECT count(*) FROM energy_lines"), 0);
    fake_rmdir(dir);
}

Test(db_schema, readonly_refuses_old_missing_and_newer)
{
    char *dir = fake_tmpdir(), path[512], *err = NULL;
    snprintf(path, sizeof path, "%s/x.db", dir);
    db *d;
    cr_assert_eq(db_open(path, DB_RDONLY, &d, &err), AX_ENOTFOUND);
    cr_assert(strstr(err, "x.db"));
    free(err);
    err = NULL;
    cr_assert_eq(db_open(path, DB_NOMIGRATE, &d, &err), AX_OK);
    db_free(d);
    cr_assert_eq(db_open(path, DB_RDONLY, &d, &err), AX_EDB); /* version 0 */
    cr_assert(strstr(err, "axon db migrate"), "%s", err);
    free(err);
    err = NULL;
    cr_assert_eq(db_open(path, 0, &d, &err), AX_OK);
    cr_assert_eq(db_exec(d, "PRAGMA user_version = 99", NULL), AX_OK);
    db_free(d);
    cr_assert_eq(db_open(path, 0, &d, &err), AX_EUNSUPPORTED);
    cr_assert(strstr(err, "newer"), "%s", err);
    free(err);
    fake_rmdir(dir);
}

Test(db_schema, readonly_connection_cannot_write)
{
    char *dir = fake_tmpdir(), path[512], *err = NULL;
    snprintf(path, sizeof path, "%s/r.db", dir);
    db *d;
    cr_assert_eq(db_open(path, 0, &d, NULL), AX_OK);
    db_free(d);
    cr_assert_eq(db_open(path, DB_RDONLY, &d, &err), AX_OK, "%s", err ? err : "");
    FILE *devnull = fopen("/dev/null", "w");
    cr_assert_eq(db_query_print(d, "DELETE FROM runs", NULL, 0, DB_FMT_TABLE, devnull, &err),
                 AX_EDB);
    cr_assert(strstr(err, "read-only") || strstr(err, "readonly"), "%s", err);
    fclose(devnull);
    free(err);
    db_free(d);
    fake_rmdir(dir);
}

Test(db_schema, migrates_v3_to_v4_keeping_rows)
{
    char *dir = fake_tmpdir(), path[512], *err = NULL;
    snprintf(path, sizeof path, "%s/v3.db", dir);
    db *d;
    cr_assert_eq(db_open(path, DB_NOMIGRATE, &d, &err), AX_OK);
    cr_assert_eq(db_migrate_to(d, 3, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(db_user_version(d), 3);
    /* version 3 has no image/reference columns */
    cr_assert_neq(db_exec(d, "SELECT ref_acc_exact FROM v_runs", NULL), AX_OK);
    cr_assert_eq(db_exec(d,
                         "INSERT INTO runs (id, config_hash, axon_version, tech_version, "
                         "created_utc, timing, async, clock_mhz, tile_rows, tile_cols, config) "
                         "VALUES (3, 'def', 'old', 't', 'now', 'sync', 0, 500, 16, 8, '{}');"
                         "INSERT INTO results (run_id, energy_pj, ideal_pj) VALUES (3, 7.5, 2);"
                         "INSERT INTO cores (run_id, core, events) VALUES (3, 0, 4), (3, 1, 5);",
                         &err),
                 AX_OK, "%s", err ? err : "");
    db_free(d);
    cr_assert_eq(db_open(path, 0, &d, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(db_user_version(d), DB_SCHEMA_VERSION);
    cr_assert_eq(db_check(d, NULL), AX_OK);
    db_free(d);
    /* old rows kept, through the rebuilt views; new columns NULL for them */
    cr_assert_eq(q1(path, "SELECT energy_pj FROM v_runs WHERE run_id = 3"), 7.5);
    cr_assert_eq(q1(path, "SELECT ideal_pj FROM v_runs WHERE run_id = 3"), 2);
    cr_assert_eq(q1(path, "SELECT energy_pj FROM v_baseline WHERE run_id = 3"), 7.5);
    cr_assert_eq(q1(path, "SELECT sum(events) FROM cores WHERE run_id = 3"), 9);
    cr_assert_eq(q1(path,
                    "SELECT (ref_acc_exact IS NULL) + (image_file IS NULL) + "
                    "(permuted IS NULL) + (ref_y_cosine IS NULL) FROM v_runs WHERE run_id = 3"),
                 4);
    fake_rmdir(dir);
}

Test(db_schema, migrates_v4_to_v5_stall_dram)
{
    char *dir = fake_tmpdir(), path[512], *err = NULL;
    snprintf(path, sizeof path, "%s/v4.db", dir);
    db *d;
    cr_assert_eq(db_open(path, DB_NOMIGRATE, &d, &err), AX_OK);
    cr_assert_eq(db_migrate_to(d, 4, &err), AX_OK, "%s", err ? err : "");
    cr_assert_neq(db_exec(d, "SELECT stall_dram_ns FROM counters", NULL), AX_OK);
    cr_assert_eq(db_exec(d,
                         "INSERT INTO runs (id, config_hash, axon_version, tech_version, "
                         "created_utc, timing, async, clock_mhz, tile_rows, tile_cols, config) "
                         "VALUES (4, 'ghi', 'old', 't', 'now', 'sync', 0, 500, 16, 8, '{}');"
                         "INSERT INTO results (run_id, energy_pj) VALUES (4, 3.5);"
                         "INSERT INTO counters (run_id, events, stall_noc_ns) VALUES (4, 9, 2);"
                         "INSERT INTO cores (run_id, core, events) VALUES (4, 0, 9);",
                         &err),
                 AX_OK, "%s", err ? err : "");
    cr_assert_eq(db_migrate_to(d, 5, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(db_check(d, NULL), AX_OK);
    db_free(d);
    cr_assert_eq(q1(path, "SELECT events + stall_noc_ns FROM v_runs WHERE run_id = 4"), 11);
    cr_assert_eq(q1(path, "SELECT stall_dram_ns IS NULL FROM v_runs WHERE run_id = 4"), 1);
    cr_assert_eq(q1(path, "SELECT stall_dram_ns IS NULL FROM cores WHERE run_id = 4"), 1);
    cr_assert_eq(q1(path, "SELECT energy_pj FROM v_baseline WHERE run_id = 4"), 3.5);
    fake_rmdir(dir);
}


/* Every counter of SIM_COUNTERS has its column (counts as named, times as
 * <name>_ns) in counters, cores and v_runs, and those tables hold no other
 * counter: adding a counter to the list without a migration fails here. */
Test(db_schema, counters_columns_match_sim_counters)
{
    char *dir = fake_tmpdir(), path[512];
    snprintf(path, sizeof path, "%s/c.db", dir);
    db *d;
    cr_assert_eq(db_open(path, 0, &d, NULL), AX_OK);
    db_free(d);
    static const char *const want[] = {
#define COL_COUNT(name) #name
#define COL_TIME(name) #name "_ns"
#define COL(name, kind, help) COL_##kind(name),
        SIM_COUNTERS(COL)
#undef COL
#undef COL_TIME
#undef COL_COUNT
    };
    cr_assert_eq(sizeof want / sizeof want[0], SIM_NCOUNTERS);
    const char *tables[] = {"counters", "cores", "v_runs"};
    for (size_t t = 0; t < 3; t++) {
        char *cols = fake_columns_of(path, tables[t]);
        for (size_t i = 0; i < SIM_NCOUNTERS; i++) {
            char key[64];
            snprintf(key, sizeof key, "|%s|", want[i]);
            cr_assert(strstr(cols, key), "counter column %s missing from %s (add a migration)",
                      want[i], tables[t]);
        }
        free(cols);
    }
    /* and nothing else in counters: run_id and the list, in the list's order */
    char *cols = fake_columns_of(path, "counters"), expect[1024] = "|run_id|";
    for (size_t i = 0; i < SIM_NCOUNTERS; i++)
        strcat(strcat(expect, want[i]), "|");
    cr_assert_str_eq(cols, expect);
    free(cols);
    fake_rmdir(dir);
}
