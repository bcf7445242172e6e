/*
 * Test helpers of the db tests: a run_job filled by hand (the simulator's
 * defaults are not needed to test storage) and a fake point evaluator
 * whose results are simple functions of the parameters, so a test can
 * recompute what must be stored. Not physics: runs it records carry
 * evaluator = 'fake'.
 */
#ifndef AX_TEST_DB_FAKE_H
#define AX_TEST_DB_FAKE_H

#include "../db/db.h"

#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void fake_job(run_job *j, const char *weights, const char *trace)
{
    memset(j, 0, sizeof *j);
    j->weights = weights;
    j->trace = trace;
    j->layer = "model.layers.0.mlp.up_proj";
    sim_config *c = &j->cfg;
    c->rows = c->cols = 128;
    c->lanes = 16;
    c->sram_latency = 1;
    c->fifo_depth = 8;
    c->acc_bits = 32;
    c->readout_bits = 64;
    c->double_buffer = 1;
    c->zero_gating = 1;
    c->timing = SIM_SYNC;
    c->clock_mhz = 500;
    c->handshake = SIM_HS_4PHASE;
    c->t_req_ps = c->t_ack_ps = 50;
    c->t_decode_ps = 100;
    c->t_sram_ps = 400;
    c->t_add_ps = 150;
    c->t_readout_ps = 200;
    c->hop_cycles = 1;
    c->hop_ps = 500;
    c->link_bits = 64;
    j->coding = SPIKE_TERNARY;
    j->sp.k = 3;
    j->sp.clamp = 1;
    j->sp.cmin = -127;
    j->sp.cmax = 127;
}

/* energy_pj = clock_mhz + rows*cols/100 + 10*k (+1000 when async). */
static inline double fake_energy(const run_job *j)
{
    return (j->cfg.timing == SIM_ASYNC ? 1000.0 : j->cfg.clock_mhz) +
           j->cfg.rows * j->cfg.cols / 100.0 + 10.0 * j->sp.k;
}

static inline ax_result fake_eval(void *user, const run_job *j, run_result *r, char **err)
{
    (void)user;
    const char *delay = getenv("AXON_TEST_FAKE_DELAY_US");
    if (delay)
        usleep((useconds_t)atoi(delay));
    if (j->cfg.rows == 13)
        return ax_fail(err, AX_EPARAM, "fake evaluator refuses 13 rows");
    r->tokens = 4;
    r->in = 256;
    r->out = 128;
    r->sim.cores = (size_t)((256 + j->cfg.rows - 1) / j->cfg.rows);
    r->sim.duration = 1000 + j->cfg.rows;
    r->sim.duration_ns = (double)r->sim.duration * 1000.0 / j->cfg.clock_mhz;
    r->sim.latency_ns_per_token = r->sim.duration_ns / 4;
    r->sim.total.events = 77;
    r->sim.total.adds = 77 * 128;
    r->sim.total.active = 800;
    r->power.energy_pj = fake_energy(j);
    r->power.energy_pj_per_token = r->power.energy_pj / 4;
    r->power.dynamic_pj = r->power.energy_pj * 0.75;
    r->power.leakage_pj = r->power.energy_pj * 0.25;
    r->power.power_mw = r->power.energy_pj / r->sim.duration_ns;
    r->power.base_energy_pj = 2 * r->power.energy_pj;
    r->power.base_energy_pj_per_token = r->power.base_energy_pj / 4;
    r->power.energy_reduction_pct = 50;
    r->spikes.firing_rate = 0.25;
    r->spikes.sparsity = 0.75;
    r->spikes.steps = 5;
    r->exact = 1;
    r->has_output = 1;
    r->rel_error = 1.0 / j->sp.k;
    r->cosine = 1 - r->rel_error / 10;
    r->snr_db = 1.0 / 0.0; /* infinite: stored as NULL */
    snprintf(r->power.version, sizeof r->power.version, "fake-table@45nm/1.1V");
    r->power.nlines = 2;
    snprintf(r->power.lines[0].component, sizeof r->power.lines[0].component, "core");
    snprintf(r->power.lines[0].action, sizeof r->power.lines[0].action, "add");
    r->power.lines[0].count = 77 * 128;
    r->power.lines[0].unit = "adds";
    r->power.lines[0].unit_pj = 0.03;
    r->power.lines[0].energy_pj = 77 * 128 * 0.03;
    r->power.lines[0].group = "compute";
    snprintf(r->power.lines[1].component, sizeof r->power.lines[1].component, "sram");
    snprintf(r->power.lines[1].action, sizeof r->power.lines[1].action, "read64");
    r->power.lines[1].count = 10;
    r->power.lines[1].unit = "words";
    r->power.lines[1].unit_pj = 10;
    r->power.lines[1].energy_pj = 100;
    r->power.lines[1].group = "memory";
    r->power.node_nm = 45;
    r->power.vdd_v = 1.1;
    r->power.ideal_vs_int8_pct = -85.2;
    return AX_OK;
}

/* A small file with known content in dir; returns its malloc'd path. */
static inline char *fake_file(const char *dir, const char *name, const char *content)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    fputs(content, f);
    fclose(f);
    return p;
}

/* One number from SQL on the database file (-1 on error). */
static inline double q1(const char *path, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    double v = -1;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_double(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return v;
}

/* A fresh temporary directory (malloc'd path). */
static inline char *fake_tmpdir(void)
{
    char *d = strdup("/tmp/axon-dbtest-XXXXXX");
    return mkdtemp(d);
}

static inline void fake_rmdir(char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    free(dir);
}


/* The columns of a table or view of the database at path, as "|a|b|c|"
 * (PRAGMA table_info, in the table's order); the caller frees. Criterion
 * asserts inside: for tests only. */
static inline char *fake_columns_of(const char *path, const char *table)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(h, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1,
                                    &st, NULL),
                 SQLITE_OK);
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    size_t len = 2, cap = 16384;
    char *s = malloc(cap);
    strcpy(s, "|");
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        len += strlen(c) + 1;
        cr_assert_lt(len, cap);
        strcat(strcat(s, c), "|");
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return s;
}

#endif
