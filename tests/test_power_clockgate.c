/* Unit tests of the clock as built (docs/power.md "Clock as built"):
 * power_clock_as_built counted by hand for an ungated and a clock-gated core
 * (C not divisible by L, so the per-word accumulator share is C/W, not L),
 * the clock priced by both tables with --clock-gating off and on and the
 * clock model named in the report, the characterization CSV's clock_gating
 * column (old files read as ungated, a bad value refused), gated rows in the
 * fit (the enable logic's energy recovered) and the async core refusing the
 * option. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../power/power.h"
#include "../power/power_cal.h"
#include "power_fixture.h"

static power_report price(const power_table *t, const sim_config *c, const sim_report *r)
{
    power_report p;
    char *err = NULL;
    ax_result rc = power_price(t, c, r, POWER_REALISTIC, &p, &err);
    cr_assert_eq(rc, AX_OK, "%s", err ? err : "");
    return p;
}

static double energy(const power_table *t, const char *comp, const char *action)
{
    double e = 0;
    char *err = NULL;
    cr_assert_eq(power_energy_pj(t, comp, action, &e, &err), AX_OK, "%s", err ? err : "");
    return e;
}

Test(power_clockgate, as_built_counted_by_hand)
{
    /* C = 10, L = 4: W = 3 words of 10/3 accumulators on average; A = 24; F = 5
     * entries of IW = 1 + 4 + 1 + 5 = 11 bits (R = 16); two banks */
    sim_config c;
    sim_config_default(&c);
    c.rows = 16, c.cols = 10, c.lanes = 4, c.sram_latency = 1, c.fifo_depth = 5, c.acc_bits = 24;
    c.readout_bits = 40, c.double_buffer = 1, c.zero_gating = 1;
    power_cal_counts k;
    memset(&k, 0, sizeof k);
    k.words_read = 30, k.words_skipped = 6, k.events = 12, k.eots = 3, k.active = 150;
    k.idle = 50;
    double n = power_cal_flops(&c);
    power_clock_built b;
    power_clock_as_built(&c, &k, &b);
    cr_assert_float_eq(b.flop_cycles, n * 200, 1e-9, "ungated: every flop every cycle");
    cr_assert_float_eq(b.gate_cycles, 0, 0);
    c.clock_gating = 1;
    power_clock_as_built(&c, &k, &b);
    cr_assert_float_eq(b.flops_gated, 2 * 10 * 24 + 5 * 11, 1e-9);
    cr_assert_float_eq(b.gates, 2 * 3 + 5, 1e-9);
    /* ungated rest every cycle + 30 words x 10/3 x 24 bits + 3 bank clears x
     * 10 x 24 + 15 pushes x 11 bits */
    double want = (n - 535) * 200 + 30 * 24 * 10.0 / 3 + 3 * 10 * 24 + 15 * 11;
    cr_assert_float_eq(b.flop_cycles, want, 1e-9, "gated %g, want %g", b.flop_cycles, want);
    cr_assert_float_eq(b.gate_cycles, 11 * 200, 1e-9);
    /* row reuse: the reused events add the words of their row (30 words over
     * 10 rows read, 2 events reuse a row: 6 more words added) */
    power_cal_counts k2 = k;
    k2.words_reused = 6;
    power_clock_built b2;
    power_clock_as_built(&c, &k2, &b2);
    cr_assert_float_eq(b2.flop_cycles - b.flop_cycles, 6 * 24 * 10.0 / 3, 1e-9);
}

Test(power_clockgate, priced_as_built_by_both_tables)
{
    sim_config c = cfg_default();
    sim_report r = run_small();
    power_table *t = builtin();
    /* off: the uncalibrated table's assumed gating, unchanged (1024 flops per
     * active cycle, 10 % in the 50 idle cycles) */
    power_report off = price(t, &c, &r);
    cr_assert_str_eq(off.clock_model, "assumed");
    cr_assert_float_eq(off.clock_pj, 1024 * 0.002 * (200 + 0.1 * 50), 1e-9);
    /* on: as built: 128x128, L = 16 (W = 8), A = 32, F = 8, IW = 14; 250 cycles,
     * 70 words added, 2 bank clears, 12 items; 2 x 8 + 8 gates */
    c.clock_gating = 1;
    power_report on = price(t, &c, &r);
    cr_assert_str_eq(on.clock_model, "gated");
    double n = power_cal_flops(&c);
    double fc = (n - 2 * 128 * 32 - 8 * 14) * 250 + 70 * 16 * 32 + 2 * 128 * 32 + 12 * 14;
    double want = fc * energy(t, "clock", "flop_cycle") +
                  24 * 250 * energy(t, "clock", "icg_cycle");
    cr_assert_float_eq(on.clock_pj, want, 1e-9 * want, "clock %g pJ, want %g", on.clock_pj, want);
    int icg = 0;
    for (int i = 0; i < on.nlines; i++)
        if (!strcmp(on.lines[i].component, "clock") && !strcmp(on.lines[i].action, "icg_cycle")) {
            icg = 1;
            cr_assert_float_eq(on.lines[i].count, 24 * 250, 1e-9);
        }
    cr_assert(icg, "no clock icg_cycle line");
    /* nothing but the clock (and what follows from it) moves */
    cr_assert_float_eq(on.compute_pj, off.compute_pj, 1e-9);
    cr_assert_float_eq(on.memory_pj, off.memory_pj, 1e-9);
    power_table_free(t);

    /* the calibrated table: off = every flip-flop every cycle (as the
     * characterized netlists), on = as built; gating saves most of it */
    power_table *cal = NULL;
    char *err = NULL;
    cr_assert_eq(power_table_open(POWER_TECH_CAL, 0, 0, &cal, &err), AX_OK, "%s", err ? err : "");
    c.clock_gating = 0;
    power_report coff = price(cal, &c, &r);
    cr_assert_str_eq(coff.clock_model, "ungated");
    double eff = energy(cal, "clock", "flop_cycle");
    cr_assert_float_eq(coff.clock_pj, eff * n * 250, 1e-9 * coff.clock_pj);
    c.clock_gating = 1;
    power_report con = price(cal, &c, &r);
    cr_assert_str_eq(con.clock_model, "gated");
    double cw = eff * fc + energy(cal, "clock", "icg_cycle") * 24 * 250;
    cr_assert_float_eq(con.clock_pj, cw, 1e-9 * cw);
    cr_assert_lt(con.clock_pj, 0.5 * coff.clock_pj);
    /* and the gated netlists' enable logic (fitted on gated sets): 70 words
     * open a gate of C/W = 16 accumulators of 32 bits; 2 x 8 enables per
     * cycle; since table v6 2 x 8 enables decoded again at each of the 2 ends
     * of token (cg_bank_switch) */
    double dacc = energy(cal, "acc", "cg_word_bit") * 70 * 16 * 32 +
                  energy(cal, "acc", "cg_enable_cycle") * 250 * 2 * 8 +
                  energy(cal, "acc", "cg_bank_switch") * 2 * 2 * 8;
    cr_assert_gt(dacc, 0, "the calibrated table prices no enable logic");
    cr_assert_float_eq(con.compute_pj - coff.compute_pj, dacc, 1e-9 * (1 + coff.compute_pj));
    power_table_free(cal);
}

Test(power_clockgate, user_table_without_gate_row_is_refused)
{
    extern const char power_tech_base_csv[];
    /* the base table without its clock,icg_cycle row */
    size_t n = strlen(power_tech_base_csv);
    char *s = malloc(n + 1), *w = s;
    for (const char *p = power_tech_base_csv; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p + 1) : strlen(p);
        if (strncmp(p, "clock,icg_cycle,", 16))
            memcpy(w, p, len), w += len;
        p += len;
    }
    *w = 0;
    power_table *t = NULL;
    char *err = NULL;
    cr_assert_eq(power_table_parse(s, strlen(s), "noicg.csv", &t, &err), AX_OK, "%s",
                 err ? err : "");
    cr_assert_eq(power_table_load_synth(t, NULL, &err), AX_OK);
    sim_config c = cfg_default();
    sim_report r = run_small();
    power_report p;
    c.clock_gating = 1;
    cr_assert_eq(power_price(t, &c, &r, POWER_REALISTIC, &p, &err), AX_ENOTFOUND);
    cr_assert(err && strstr(err, "icg_cycle"), "%s", err ? err : "(none)");
    free(err);
    err = NULL;
    c.clock_gating = 0; /* off needs no such row */
    cr_assert_eq(power_price(t, &c, &r, POWER_REALISTIC, &p, &err), AX_OK, "%s", err ? err : "");
    power_table_free(t);
    free(s);
}

Test(power_clockgate, characterization_column)
{
    power_cal_row a;
    memset(&a, 0, sizeof a);
    snprintf(a.set, sizeof a.set, "g16");
    snprintf(a.stream, sizeof a.stream, "mix:1:6");
    snprintf(a.hash, sizeof a.hash, "00");
    a.R = a.C = 16, a.L = 4, a.LS = 1, a.F = 4, a.A = 32, a.RB = 64, a.DB = 1, a.GATE = 1;
    a.CG = 1;
    a.k.events = 10, a.k.eots = 2, a.k.words_read = 30, a.k.active = 90, a.k.idle = 10;
    a.k.lane_term_toggles = 777;
    a.k.acc_write_toggles = 555, a.k.lane_term_toggles_seq = 333, a.k.acc_readout_ones = 111;
    for (int c = 0; c < POWER_CAL_NCOMP; c++)
        a.gate_pj[c] = 10 + c;
    char path[] = "/tmp/axon-cg-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    power_cal_write_header(f);
    power_cal_write_row(f, &a);
    a.CG = 0;
    snprintf(a.stream, sizeof a.stream, "mix:2:6");
    power_cal_write_row(f, &a);
    fclose(f);
    power_cal_row *rows = NULL;
    size_t n = 0;
    char *err = NULL;
    cr_assert_eq(power_cal_read(path, &rows, &n, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(n, 2);
    cr_assert_eq(rows[0].CG, 1);
    cr_assert_eq(rows[1].CG, 0);
    cr_assert_float_eq(rows[0].k.lane_term_toggles, 777, 0);
    cr_assert_float_eq(rows[0].k.acc_write_toggles, 555, 0);
    cr_assert_float_eq(rows[0].k.lane_term_toggles_seq, 333, 0);
    cr_assert_float_eq(rows[0].k.acc_readout_ones, 111, 0);
    sim_config cfg;
    power_cal_row_config(&rows[0], &cfg);
    cr_assert_eq(cfg.clock_gating, 1);
    free(rows);
    rows = NULL, n = 0;
    /* files of the formats before the columns: without the replayed toggles
     * (v5: those 0), without lane_term_toggles (v4: toggles 0), and without
     * clock_gating too (every row ungated) */
    FILE *in = fopen(path, "r");
    char line[2048], old[] = "/tmp/axon-cg-old-XXXXXX", bad[] = "/tmp/axon-cg-bad-XXXXXX",
                     v4[] = "/tmp/axon-cg-v4-XXXXXX", v5[] = "/tmp/axon-cg-v5-XXXXXX";
    int fo = mkstemp(old), fb = mkstemp(bad), f4 = mkstemp(v4), f5 = mkstemp(v5);
    FILE *o = fdopen(fo, "w"), *b = fdopen(fb, "w"), *o4 = fdopen(f4, "w"), *o5 = fdopen(f5, "w");
    for (int i = 0; fgets(line, sizeof line, in); i++) {
        fputs(line, b);
        for (int k = 0; k < 3; k++)
            *strrchr(line, ',') = 0;
        fprintf(o5, "%s\n", line);
        *strrchr(line, ',') = 0;
        fprintf(o4, "%s\n", line);
        *strrchr(line, ',') = 0;
        fprintf(o, "%s\n", line);
    }
    /* the bad file: a third row with clock_gating 2 */
    fprintf(b, "g16,x:1:1,00,16,16,4,1,4,32,64,1,1,1,1,1,1,0,0,0,0,0,1,0,0,0,0,1,1,1,1,1,1,1,1,2,"
               "0,0,0,0\n");
    fclose(in);
    fclose(o5);
    fclose(o);
    fclose(b);
    fclose(o4);
    cr_assert_eq(power_cal_read(old, &rows, &n, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(n, 2);
    cr_assert_eq(rows[0].CG, 0);
    cr_assert_float_eq(rows[0].k.lane_term_toggles, 0, 0);
    free(rows);
    rows = NULL, n = 0;
    cr_assert_eq(power_cal_read(v5, &rows, &n, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(n, 2);
    cr_assert_float_eq(rows[0].k.lane_term_toggles, 777, 0);
    cr_assert_float_eq(rows[0].k.acc_write_toggles, 0, 0);
    cr_assert_float_eq(rows[0].k.lane_term_toggles_seq, 0, 0);
    cr_assert_float_eq(rows[0].k.acc_readout_ones, 0, 0);
    free(rows);
    rows = NULL, n = 0;
    cr_assert_eq(power_cal_read(v4, &rows, &n, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(n, 2);
    cr_assert_eq(rows[0].CG, 1);
    cr_assert_float_eq(rows[0].k.lane_term_toggles, 0, 0);
    free(rows);
    rows = NULL, n = 0;
    cr_assert_eq(power_cal_read(bad, &rows, &n, &err), AX_EFORMAT);
    cr_assert(err && strstr(err, "clock_gating"), "%s", err ? err : "(none)");
    free(err);
    free(rows);
    remove(path);
    remove(old);
    remove(bad);
    remove(v4);
    remove(v5);
}

/* Gated and ungated rows fitted together: the gate energies are made up from
 * per-action energies, the gated rows' accumulators with the enable logic
 * written out here (a word added opens its gate: (C/W)·A bits; NB·W enables
 * decoded every cycle) and their clock with the gates' own energy. The fit
 * reproduces every row, gated ones included, and finds the gates' energy. */
Test(power_clockgate, gated_rows_in_the_fit)
{
    enum { NR = 48 };
    static const int geo[4][9] = {/* R, C, L, LS, F, A, RB, DB, GATE */
                                  {16, 16, 4, 1, 4, 32, 64, 1, 1},
                                  {12, 6, 3, 1, 4, 20, 40, 1, 1},
                                  {10, 10, 4, 1, 5, 24, 40, 1, 1},
                                  {16, 24, 8, 2, 2, 24, 32, 0, 0}};
    const double e_word = 0.4, e_cg = 0.05, e_en = 0.02, e_icg = 0.3;
    power_cal_row *rows = calloc(NR, sizeof *rows);
    cr_assert(rows);
    for (int i = 0; i < NR; i++) {
        power_cal_row *a = &rows[i];
        const int *g = geo[i % 4];
        snprintf(a->set, sizeof a->set, "t%d", i % 8);
        snprintf(a->stream, sizeof a->stream, "s:%d", i);
        a->R = g[0], a->C = g[1], a->L = g[2], a->LS = g[3], a->F = g[4], a->A = g[5];
        a->RB = g[6], a->DB = g[7], a->GATE = g[8], a->CG = (i / 4) % 2;
        power_cal_counts *k = &a->k;
        k->tokens = 2 + i % 5, k->events = 20 + 7 * (i % 11), k->eots = k->tokens;
        k->words_read = k->events * (1 + i % 3), k->words_nonzero = k->words_read - i % 4;
        k->words_skipped = i % 6, k->acc_writes = k->words_read * g[2] - i % 5;
        k->lane_adds_nonzero = k->acc_writes - i % 3, k->lane_adds_shift = 3 * i;
        k->readout_beats = k->tokens * (1 + i % 4), k->active = k->words_read + 9 * k->eots;
        k->idle = i % 7;
        sim_config cfg;
        power_cal_row_config(a, &cfg);
        int cg = cfg.clock_gating;
        cfg.clock_gating = 0; /* the ungated actions, priced alike */
        for (int c = 0; c < POWER_CAL_NCOMP; c++) {
            double x[POWER_CAL_MAXF];
            int nf = power_cal_features(&cfg, k, c, x, NULL, NULL);
            for (int j = 0; j < nf; j++)
                a->gate_pj[c] += (c == POWER_CAL_ACC && j == 0 ? e_word : 0.01 * (j + 1)) * x[j];
        }
        if (cg) {
            cfg.clock_gating = 1;
            long W = (a->C + a->L - 1) / a->L;
            a->gate_pj[POWER_CAL_ACC] += e_cg * k->words_read * ((double)a->C / W) * a->A +
                                         e_en * (k->active + k->idle) * (a->DB + 1) * W;
            power_clock_built cb;
            power_clock_as_built(&cfg, k, &cb);
            a->gate_pj[POWER_CAL_CLOCK] = 0.01 * cb.flop_cycles + e_icg * cb.gate_cycles;
        }
    }
    power_cal_fit fit;
    char *err = NULL;
    cr_assert_eq(power_cal_fit_rows(rows, NR, &fit, &err), AX_OK, "%s", err ? err : "");
    for (int i = 0; i < NR; i++) {
        sim_config cfg;
        power_cal_row_config(&rows[i], &cfg);
        double e[POWER_CAL_NCOMP];
        power_cal_predict(&fit, &cfg, &rows[i].k, e);
        for (int c = 0; c < POWER_CAL_NCOMP; c++)
            cr_assert_float_eq(e[c], rows[i].gate_pj[c], 1e-6 * rows[i].gate_pj[c],
                               "row %d (CG=%d) %s: fitted %g pJ, made %g pJ", i, rows[i].CG,
                               power_cal_comp_name(c), e[c], rows[i].gate_pj[c]);
    }
    int icg = -1;
    for (int j = 0; j < fit.nf[POWER_CAL_CLOCK]; j++)
        if (!strcmp(fit.names[POWER_CAL_CLOCK][j], "icg_cycle"))
            icg = j;
    cr_assert_geq(icg, 0, "no clock,icg_cycle in the fit");
    cr_assert_float_eq(fit.coef[POWER_CAL_CLOCK][icg], e_icg, 1e-6);
    free(rows);
}

Test(power_clockgate, async_core_has_no_clock_to_gate)
{
    sim_config c;
    sim_config_default(&c);
    c.timing = SIM_ASYNC;
    c.clock_gating = 1;
    char *err = NULL;
    cr_assert_eq(sim_config_check(&c, &err), AX_EPARAM);
    cr_assert(err && strstr(err, "clock_gating"), "%s", err ? err : "(none)");
    free(err);
}
