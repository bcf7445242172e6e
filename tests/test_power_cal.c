/* Unit tests of power/power_cal.c: the Lawson–Hanson NNLS against problems
 * with a known answer (exact, active bound, noisy), the fit recovering known
 * per-action energies from synthetic characterization rows, the per-beat and
 * clock-gated features by hand, the flip-flop
 * count of the netlist as built, and the calibrated table round trip (written,
 * loaded, priced equal to the fit; translated to 45 nm by Stillmaker & Baas). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../power/power_cal.h"

Test(power_cal, nnls_exact_and_bound)
{
    /* b = A [1, 2, 0.5]: recovered exactly */
    double A[5 * 3] = {1, 0, 2, 0, 1, 1, 1, 1, 0, 3, 1, 1, 2, 5, 1};
    double x0[3] = {1, 2, 0.5}, b[5], x[3];
    for (int r = 0; r < 5; r++)
        b[r] = A[r * 3] * x0[0] + A[r * 3 + 1] * x0[1] + A[r * 3 + 2] * x0[2];
    char *err = NULL;
    cr_assert_eq(power_nnls(A, b, 5, 3, x, &err), AX_OK);
    for (int j = 0; j < 3; j++)
        cr_assert_float_eq(x[j], x0[j], 1e-9, "x[%d] = %g", j, x[j]);
    /* the unconstrained answer has x1 = -1: NNLS clamps it to 0 and refits x0 */
    double A2[3 * 2] = {1, 1, 1, 2, 1, 3};
    double b2[3] = {1, 0, -1}; /* = 2 - x on x = 1..3: intercept 2, slope -1 */
    double y[2];
    cr_assert_eq(power_nnls(A2, b2, 3, 2, y, &err), AX_OK);
    cr_assert_float_eq(y[1], 0, 1e-12);
    cr_assert_float_eq(y[0], 0, 1e-9); /* mean of b = 0 */
    cr_assert_neq(power_nnls(A2, b2, 3, 0, y, &err), AX_OK);
    free(err);
}

static void row_of(power_cal_row *r, int C, int L, int A, double ev, double words, double skip,
                   double tok)
{
    memset(r, 0, sizeof *r);
    r->R = 16, r->C = C, r->L = L, r->LS = 1, r->F = 4, r->A = A, r->RB = 64, r->DB = 1,
    r->GATE = 1;
    r->k.events = ev, r->k.eots = tok, r->k.tokens = tok, r->k.words_read = words,
    r->k.words_skipped = skip;
    r->k.adds = r->k.acc_writes = words * L * 0.8;
    /* zero gating: every word read holds a nonzero weight, every add one; a
     * mean shift that varies with the stream */
    r->k.words_nonzero = words, r->k.lane_adds_nonzero = r->k.adds;
    r->k.lane_adds_shift = r->k.adds * (1 + (int)ev % 7);
    r->k.readout_beats = tok * (C * A / 64);
    r->k.active = words + skip + tok * 3;
    r->k.idle = 1;
    /* lane term toggles per nonzero addition: 12 .. 28, with the stream */
    r->k.lane_term_toggles = r->k.adds * (12 + 4 * ((int)(ev + words) % 5));
}

static double feature(const power_cal_row *r, int comp, const char *name)
{
    sim_config cfg;
    power_cal_row_config(r, &cfg);
    double x[POWER_CAL_MAXF];
    const char *nm[POWER_CAL_MAXF];
    int nf = power_cal_features(&cfg, &r->k, comp, x, nm, NULL);
    for (int j = 0; j < nf; j++)
        if (!strcmp(nm[j], name))
            return x[j];
    cr_assert_fail("no feature %s", name);
    return 0;
}

/* Without zero gating the all-zero words read and the zero weights are
 * priced apart from the data (lane_adds_nonzero, sram_words_nonzero), and a
 * nonzero addition switches the term bits above its shift (lane_adds_shift);
 * C = 16, L = 4, A = 32: TW = 41, W = 4, NB = 2. */
Test(power_cal, zero_data_and_shift_features)
{
    power_cal_row r;
    row_of(&r, 16, 4, 32, 10, 20, 0, 2);
    r.GATE = 0;
    r.k.adds = r.k.acc_writes = 80;
    r.k.words_nonzero = 8, r.k.lane_adds_nonzero = 25, r.k.lane_adds_shift = 50;
    cr_assert_float_eq(feature(&r, POWER_CAL_ACC, "word_read_bit"), 8 * 4 * 41, 1e-9);
    cr_assert_float_eq(feature(&r, POWER_CAL_ACC, "word_zero_bit"), 12 * 4 * 41, 1e-9);
    cr_assert_float_eq(feature(&r, POWER_CAL_ACC, "word_fanout_bit"), 8 * 4 * 2 * 4 * 32, 1e-9);
    cr_assert_float_eq(feature(&r, POWER_CAL_ACC, "word_ovf_bit"), 8 * 4 * 9, 1e-9);
    cr_assert_float_eq(feature(&r, POWER_CAL_ACC, "add_term_bit"), 25 * 41 - 50, 1e-9);
    /* with zero gating the words read are the nonzero words: no zero-word term */
    row_of(&r, 16, 4, 32, 10, 20, 5, 2);
    cr_assert_float_eq(feature(&r, POWER_CAL_ACC, "word_zero_bit"), 0, 1e-9);
    cr_assert_float_eq(feature(&r, POWER_CAL_ACC, "word_read_bit"), 20 * 4 * 41, 1e-9);
}

/* The per-beat terms of the readout multiplexer and the beat counter scale
 * with the select path's depth BB = clog2(B), B = ceil(C·A / RB) beats per
 * token (rtl/axon_readout.sv), not with the C·A inputs alone; the enable
 * logic of the clock-gated build is priced only there, and the FIFO's
 * per-entry term moves from the write multiplexers to the D pins. */
Test(power_cal, beat_and_gated_features)
{
    power_cal_row r;
    /* C = 48, A = 24, RB = 24: 48 beats per token, BB = 6 */
    row_of(&r, 48, 8, 24, 10, 20, 0, 2);
    r.RB = 24, r.DB = 0;
    r.k.readout_beats = 2 * 48;
    cr_assert_float_eq(feature(&r, POWER_CAL_READOUT, "beat_sel_bit"), 96 * 24 * 6, 1e-9);
    cr_assert_float_eq(feature(&r, POWER_CAL_CTRL, "beat_count_bit"), 96 * 6, 1e-9);
    cr_assert_float_eq(feature(&r, POWER_CAL_READOUT, "beat_in_bit"), 96 * 48 * 24, 1e-9);
    /* C = 10, A = 24, RB = 40: B = 6 (not a power of two), BB = 3 */
    row_of(&r, 10, 4, 24, 10, 20, 0, 2);
    r.RB = 40, r.k.readout_beats = 12;
    cr_assert_float_eq(feature(&r, POWER_CAL_READOUT, "beat_sel_bit"), 12 * 40 * 3, 1e-9);
    cr_assert_float_eq(feature(&r, POWER_CAL_CTRL, "beat_count_bit"), 12 * 3, 1e-9);
    /* one beat per token (C·A <= RB): a select of one bit */
    row_of(&r, 2, 2, 16, 10, 20, 0, 2);
    r.k.readout_beats = 2;
    cr_assert_float_eq(feature(&r, POWER_CAL_READOUT, "beat_sel_bit"), 2 * 64 * 1, 1e-9);
    /* gated terms: zero ungated; clock-gated C = 10, L = 4: W = 3 words of
     * 10/3 accumulators, 2 banks; 20 words added, 20 + 3·2 + 1 cycles; F = 4
     * entries of IW = 1 + 4 + 1 + 5 = 11 bits (R = 16), 12 items */
    row_of(&r, 10, 4, 24, 10, 20, 0, 2);
    cr_assert_float_eq(feature(&r, POWER_CAL_ACC, "cg_word_bit"), 0, 0);
    cr_assert_float_eq(feature(&r, POWER_CAL_ACC, "cg_enable_cycle"), 0, 0);
    cr_assert_float_eq(feature(&r, POWER_CAL_FIFO, "item_entry_bit_cg"), 0, 0);
    cr_assert_float_eq(feature(&r, POWER_CAL_FIFO, "item_entry_bit"), 12 * 4 * 11, 1e-9);
    cr_assert_float_eq(feature(&r, POWER_CAL_CLOCK, "icg_cycle"), 0, 0);
    r.CG = 1;
    cr_assert_float_eq(feature(&r, POWER_CAL_ACC, "cg_word_bit"), 20 * 10.0 / 3 * 24, 1e-9);
    cr_assert_float_eq(feature(&r, POWER_CAL_ACC, "cg_enable_cycle"), 27 * 2 * 3, 1e-9);
    cr_assert_float_eq(feature(&r, POWER_CAL_FIFO, "item_entry_bit_cg"), 12 * 4 * 11, 1e-9);
    cr_assert_float_eq(feature(&r, POWER_CAL_FIFO, "item_entry_bit"), 0, 0);
    cr_assert_float_eq(feature(&r, POWER_CAL_CLOCK, "icg_cycle"), 27 * (2 * 3 + 4), 1e-9);
}

Test(power_cal, fit_recovers_known_energies)
{
    /* gate energies made by known coefficients on every feature: the fit
     * must give the totals back within 0.1 % on every row */
    power_cal_row rows[12];
    int n = 0;
    for (int s = 0; s < 3; s++)
        for (int k = 0; k < 4; k++) {
            int C = 16 << s, L = 4 << (s % 2), A = s == 2 ? 24 : 32;
            row_of(&rows[n], C, L, A, 10 + 37 * k + 5 * s, 40 + 90 * k * k + 7 * s,
                   5 + 40 * (3 - k), 2 + k);
            sim_config cfg;
            power_cal_row_config(&rows[n], &cfg);
            for (int c = 0; c < POWER_CAL_NCOMP; c++) {
                double x[POWER_CAL_MAXF];
                int nf = power_cal_features(&cfg, &rows[n].k, c, x, NULL, NULL);
                for (int j = 0; j < nf; j++)
                    rows[n].gate_pj[c] += (0.05 + 0.01 * j + 0.02 * c) * x[j];
            }
            n++;
        }
    power_cal_fit fit;
    char *err = NULL;
    cr_assert_eq(power_cal_fit_rows(rows, (size_t)n, &fit, &err), AX_OK, "%s", err ? err : "");
    cr_assert_lt(fit.max_total_pct, 0.1, "max total residual %g %%", fit.max_total_pct);
    /* the clock's flop-cycle energy; ungated rows say nothing of the clock
     * gates (icg_cycle, the second feature): left at 0 */
    cr_assert_eq(fit.nf[POWER_CAL_CLOCK], 2);
    cr_assert_float_eq(fit.coef[POWER_CAL_CLOCK][0], 0.05 + 0.02 * POWER_CAL_CLOCK, 1e-6);
    cr_assert_float_eq(fit.coef[POWER_CAL_CLOCK][1], 0, 1e-12);
    /* a model 20 % low everywhere is caught by the validation bounds */
    for (int i = 0; i < n; i++)
        for (int c = 0; c < POWER_CAL_NCOMP; c++)
            rows[i].gate_pj[c] *= 1.25;
    int viol = 0;
    FILE *devnull = fopen("/dev/null", "w");
    cr_assert_eq(power_cal_validate(devnull, 0, rows, (size_t)n, &fit, NULL, 10, 15, &viol, &err),
                 AX_OK);
    cr_assert_gt(viol, 0);
    fclose(devnull);
}

/* The lane term toggles (sim/sim_toggle.c, counter lane_term_toggles) are
 * the accumulator feature term_toggle as counted; rows whose accumulator
 * energy follows them (toggles per nonzero addition 5 .. 35, independent of
 * the shift, as the hishift and sparse streams have it) are fitted within
 * 0.1 % with the counter, and without it (the counter at zero, i.e. the term
 * dropped) the per-addition features cannot follow: the accumulators miss
 * by more than 15 % on some row and the validation bounds break. */
Test(power_cal, term_toggle_feature_needed)
{
    power_cal_row r;
    row_of(&r, 16, 4, 32, 10, 20, 0, 2);
    r.k.lane_term_toggles = 1234;
    cr_assert_float_eq(feature(&r, POWER_CAL_ACC, "term_toggle"), 1234, 0);
    power_cal_row rows[16], zero[16];
    int n = 0;
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < 8; k++, n++) {
            row_of(&rows[n], 16 << s, 4, 32 - 8 * s, 10 + 13 * k + 3 * s, 40 + 25 * k + 9 * s,
                   5 + 3 * k, 2 + k % 3);
            rows[n].k.lane_term_toggles = rows[n].k.adds * (5 + (k * 7 + s * 3) % 8 * 30.0 / 7);
            sim_config cfg;
            power_cal_row_config(&rows[n], &cfg);
            for (int c = 0; c < POWER_CAL_NCOMP; c++) {
                double x[POWER_CAL_MAXF];
                const char *nm[POWER_CAL_MAXF];
                int nf = power_cal_features(&cfg, &rows[n].k, c, x, nm, NULL);
                for (int j = 0; j < nf; j++)
                    rows[n].gate_pj[c] += (strcmp(nm[j], "term_toggle") ? 0.05 : 1.5) * x[j];
            }
            zero[n] = rows[n];
            zero[n].k.lane_term_toggles = 0;
        }
    power_cal_fit fit, fz;
    char *err = NULL;
    cr_assert_eq(power_cal_fit_rows(rows, (size_t)n, &fit, &err), AX_OK, "%s", err ? err : "");
    cr_assert_lt(fit.max_pct[POWER_CAL_ACC], 0.1, "acc residual %g %%", fit.max_pct[POWER_CAL_ACC]);
    int viol = 0;
    FILE *devnull = fopen("/dev/null", "w");
    cr_assert_eq(power_cal_validate(devnull, 0, rows, (size_t)n, &fit, NULL, 10, 15, &viol, &err),
                 AX_OK);
    cr_assert_eq(viol, 0);
    /* mutant: the counter at zero (the term dropped) */
    cr_assert_eq(power_cal_fit_rows(zero, (size_t)n, &fz, &err), AX_OK, "%s", err ? err : "");
    cr_assert_gt(fz.max_pct[POWER_CAL_ACC], 15, "acc residual %g %% without the toggles",
                 fz.max_pct[POWER_CAL_ACC]);
    cr_assert_eq(power_cal_validate(devnull, 0, zero, (size_t)n, &fz, NULL, 10, 15, &viol, &err),
                 AX_OK);
    cr_assert_gt(viol, 0);
    fclose(devnull);
}

Test(power_cal, flops_as_synthesized)
{
    /* the 16x16 core of make gate-power: 1 025 accumulator flops (2 x 16 x 32 + ovf),
     * 34 in u_ctrl, 53 in u_fifo (yosys keeps 1 112): within 0.5 % */
    sim_config c;
    sim_config_default(&c);
    c.rows = 16, c.cols = 16, c.lanes = 4, c.sram_latency = 1, c.fifo_depth = 4, c.acc_bits = 32;
    c.readout_bits = 64, c.double_buffer = 1, c.zero_gating = 1;
    double f = power_cal_flops(&c);
    cr_assert_lt(fabs(f - 1112) / 1112, 0.005, "N_ff %g", f);
    c.double_buffer = 0; /* one bank: 512 accumulator flops and one busy flag fewer */
    cr_assert_float_eq(f - power_cal_flops(&c), 513, 1e-9);
}

Test(power_cal, table_round_trip_and_translation)
{
    power_cal_row rows[6];
    for (int k = 0; k < 6; k++) {
        row_of(&rows[k], 16 + 8 * (k % 3), 4, 32, 10 + 11 * k, 40 + 13 * k * k, 30 - 4 * k,
               2 + k % 2);
        for (int c = 0; c < POWER_CAL_NCOMP; c++)
            rows[k].gate_pj[c] = 100 + 10 * c + rows[k].k.words_read * (1 + c) +
                                 rows[k].k.events * 3;
        rows[k].gate_pj[POWER_CAL_ACC] += 0.5 * rows[k].k.lane_term_toggles;
    }
    power_cal_fit fit;
    char *err = NULL;
    cr_assert_eq(power_cal_fit_rows(rows, 6, &fit, &err), AX_OK);
    char path[] = "/tmp/axon-cal-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    power_cal_provenance pv = {"test.lib", "2026-01-01", "cal-test", 180, 1.8, "s", "mix:1:6", 0};
    cr_assert_eq(power_cal_write_table(f, &fit, &pv, &err), AX_OK);
    fclose(f);
    power_table *t = NULL, *t45 = NULL;
    cr_assert_eq(power_table_open(path, 0, 0, &t, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(power_table_open(path, 45, 0, &t45, &err), AX_OK, "%s", err ? err : "");
    cr_assert(power_table_is_calibrated(t));
    sim_config cfg;
    power_cal_row_config(&rows[3], &cfg);
    double e[POWER_CAL_NCOMP], p[POWER_CAL_NCOMP], e45[POWER_CAL_NCOMP];
    power_cal_predict(&fit, &cfg, &rows[3].k, p);
    cr_assert_eq(power_cal_price(t, &cfg, &rows[3].k, e, &err), AX_OK);
    cr_assert_eq(power_cal_price(t45, &cfg, &rows[3].k, e45, &err), AX_OK);
    double fe180 = 0, fa = 0, vn = 0;
    int ap = 0;
    cr_assert_eq(power_node_factors(180, &fe180, &fa, &vn, &ap, &err), AX_OK);
    for (int c = 0; c < POWER_CAL_NCOMP; c++) {
        cr_assert_float_eq(e[c], p[c], 1e-5 * (1 + p[c]), "%s", power_cal_comp_name(c));
        cr_assert_float_eq(e45[c] * fe180, e[c], 1e-4 * (1 + e[c]), "%s at 45 nm",
                           power_cal_comp_name(c));
    }
    /* the uncalibrated SRAM of the base table survives the round trip 45 -> 180 -> 45 */
    double s45 = 0, b45 = 0;
    power_table *base = NULL;
    cr_assert_eq(power_table_open(NULL, 45, 0, &base, &err), AX_OK);
    cr_assert_eq(power_sram_read64_pj(t45, 16384, &s45, &err), AX_OK);
    cr_assert_eq(power_sram_read64_pj(base, 16384, &b45, &err), AX_OK);
    cr_assert_float_eq(s45, b45, 1e-4 * b45);
    char prov[256];
    power_table_provenance(t45, prov, sizeof prov);
    cr_assert(strstr(prov, "calibrated to gate level at 180 nm") && strstr(prov, "scaled to 45 nm"),
              "%s", prov);
    /* a table written before version 5 (no acc,term_toggle row) still
     * prices: its model had no such term */
    char old[] = "/tmp/axon-cal-old-XXXXXX";
    int fo = mkstemp(old);
    cr_assert_geq(fo, 0);
    FILE *in = fopen(path, "r"), *o = fdopen(fo, "w");
    char line[4096];
    int dropped = 0;
    while (fgets(line, sizeof line, in)) {
        if (!strncmp(line, "acc,term_toggle,", 16)) {
            dropped++;
            continue;
        }
        fputs(line, o);
    }
    fclose(in);
    fclose(o);
    cr_assert_eq(dropped, 1);
    power_table *told = NULL;
    cr_assert_eq(power_table_open(old, 0, 0, &told, &err), AX_OK, "%s", err ? err : "");
    double eo[POWER_CAL_NCOMP];
    cr_assert_eq(power_cal_price(told, &cfg, &rows[3].k, eo, &err), AX_OK, "%s", err ? err : "");
    double tcoef = 0;
    for (int j = 0; j < fit.nf[POWER_CAL_ACC]; j++)
        if (!strcmp(fit.names[POWER_CAL_ACC][j], "term_toggle"))
            tcoef = fit.coef[POWER_CAL_ACC][j];
    cr_assert_gt(tcoef, 0);
    cr_assert_float_eq(eo[POWER_CAL_ACC], e[POWER_CAL_ACC] - tcoef * rows[3].k.lane_term_toggles,
                       1e-5 * (1 + e[POWER_CAL_ACC]));
    power_table_free(told);
    remove(old);
    power_table_free(t);
    power_table_free(t45);
    power_table_free(base);
    remove(path);
}

Test(power_cal, small_components_exempt_only_below_the_share)
{
    /* the fit exact everywhere, then the FIFO's gate energy halved: the
     * model is +100 % on a component of about 1 % of the energy. With
     * --exempt-pct 2 that is no violation; with 0, or with the exemption
     * below the FIFO's share (0.5 %), it is; the acc halved (a large share)
     * is a violation whatever the exemption */
    power_cal_row rows[4];
    for (int k = 0; k < 4; k++) {
        row_of(&rows[k], 16, 4, 32, 10 + 7 * k, 40 + 11 * k, 5 + k, 2);
        sim_config cfg;
        power_cal_row_config(&rows[k], &cfg);
        for (int c = 0; c < POWER_CAL_NCOMP; c++) {
            double x[POWER_CAL_MAXF];
            int nf = power_cal_features(&cfg, &rows[k].k, c, x, NULL, NULL);
            for (int j = 0; j < nf; j++)
                rows[k].gate_pj[c] += 0.05 * x[j];
        }
    }
    power_cal_fit fit;
    char *err = NULL;
    cr_assert_eq(power_cal_fit_rows(rows, 4, &fit, &err), AX_OK, "%s", err ? err : "");
    double tot = 0;
    for (int k = 0; k < 4; k++)
        tot += power_cal_row_total(&rows[k]);
    power_cal_row bad[4];
    memcpy(bad, rows, sizeof bad);
    double fifo = 0;
    for (int k = 0; k < 4; k++) {
        bad[k].gate_pj[POWER_CAL_FIFO] *= 0.5;
        fifo += bad[k].gate_pj[POWER_CAL_FIFO];
    }
    double share = 100 * fifo / tot;
    cr_assert(share > 0.05 && share < 2, "FIFO share %g %%", share);
    FILE *devnull = fopen("/dev/null", "w");
    int v = -1;
    cr_assert_eq(power_cal_validate_ex(devnull, 0, bad, 4, &fit, NULL, 100, 15, 2, &v, &err),
                 AX_OK);
    cr_assert_eq(v, 0, "a component under 2 %% counted");
    cr_assert_eq(power_cal_validate_ex(devnull, 0, bad, 4, &fit, NULL, 100, 15, 0, &v, &err),
                 AX_OK);
    cr_assert_eq(v, 1, "no exemption: the FIFO must count");
    cr_assert_eq(power_cal_validate_ex(devnull, 0, bad, 4, &fit, NULL, 100, 15, share * 0.9, &v,
                                       &err),
                 AX_OK);
    cr_assert_eq(v, 1, "exemption below the FIFO's share must not exempt it");
    memcpy(bad, rows, sizeof bad);
    for (int k = 0; k < 4; k++)
        bad[k].gate_pj[POWER_CAL_ACC] *= 0.5;
    cr_assert_eq(power_cal_validate_ex(devnull, 0, bad, 4, &fit, NULL, 100, 15, 2, &v, &err),
                 AX_OK);
    cr_assert_geq(v, 1, "the accumulators are not small");
    fclose(devnull);
}
