/* Unit tests of power/power_base_cal.c (the baselines' MAC tile calibrated
 * against gate level): the fit recovering known per-action energies from
 * synthetic rows of four tiles, the CSV round trip, the table block spliced
 * into a table (replaced, not duplicated, on a second write), priced by the
 * table exactly as the fit, and the count of MACs with nonzero operands
 * (power_act_stats_weights) against a hand count. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../power/power_base_cal.h"

/* energies the synthetic gate rows are made of, per feature in order */
static const double E_TRUE[POWER_BCAL_NCOMP][POWER_BCAL_MAXF] =
    {{6.5, 0.4, 3.0, 0.9}, {1.0, 0.06, 2.6, 0.22, 0.02, 0.08, 0.5, 0.1}, {0.01, 0.035}, {0.2175}};

static void row_of(power_bcal_row *r, const char *set, int C, int L, int A, int RB, double xz,
                   double wz, int seed)
{
    memset(r, 0, sizeof *r);
    snprintf(r->set, sizeof r->set, "%s", set);
    snprintf(r->stream, sizeof r->stream, "s:%d", seed);
    r->g = (power_bcal_tile){C, L, A, RB, 0, 0};
    double W = (C + L - 1) / L, T = 2 + seed % 3;
    r->k.tokens = T;
    r->k.words = T * (10 + seed) * W; /* rows per token vary by stream */
    r->k.macs = r->k.words * L;
    r->k.macs_x = r->k.macs * (1 - xz);
    r->k.macs_xw = r->k.macs_x * (1 - wz);
    r->k.beats = T * ceil((double)C * A / RB);
    r->k.cycles = r->k.words + r->k.beats + T + 2;
    r->flops = power_bcal_flops(&r->g);
    for (int c = 0; c < POWER_BCAL_NCOMP; c++) {
        double x[POWER_BCAL_MAXF];
        int nf = power_bcal_features(&r->g, &r->k, c, x, NULL, NULL);
        for (int j = 0; j < nf; j++)
            r->gate_pj[c] += E_TRUE[c][j] * x[j];
    }
}

static size_t rows_of(power_bcal_row *rows)
{
    /* W = 4, 2, 3 and 8 words: the per-W features (fan-out, read multiplexer
     * depth) are told apart only with four widths */
    static const int tiles[4][4] = {{16, 4, 32, 64},
                                    {8, 4, 24, 32},
                                    {6, 2, 16, 32},
                                    {32, 4, 32, 64}};
    static const char *names[4] = {"b16", "b8", "b6", "b32"};
    static const double mix[6][2] = {{0.25, 0.3}, {0.8, 0.3}, {0, 0.1},
                                     {0.2, 0.3},  {0.3, 0.8}, {0.5, 0.5}};
    size_t n = 0;
    for (int t = 0; t < 4; t++)
        for (int s = 0; s < 6; s++)
            row_of(&rows[n++], names[t], tiles[t][0], tiles[t][1], tiles[t][2], tiles[t][3],
                   mix[s][0], mix[s][1], s);
    return n;
}

Test(power_base_cal, fit_recovers_energies)
{
    power_bcal_row rows[24];
    size_t n = rows_of(rows);
    power_bcal_fit fit;
    char *err = NULL;
    cr_assert_eq(power_bcal_fit_rows(rows, n, 0, &fit, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(fit.nf[POWER_BCAL_LANES], 4);
    cr_assert_str_eq(fit.names[POWER_BCAL_LANES][2], "mac_xw");
    for (int c = 0; c < POWER_BCAL_NCOMP; c++) {
        cr_assert_lt(fit.rms_pct[c], 1e-6, "%s rms %g", power_bcal_comp_name(0, c), fit.rms_pct[c]);
        for (int j = 0; j < fit.nf[c]; j++)
            cr_assert_float_eq(fit.coef[c][j], E_TRUE[c][j], 1e-6 * E_TRUE[c][j] + 1e-12,
                               "%s %s = %g", power_bcal_comp_name(0, c), fit.names[c][j],
                               fit.coef[c][j]);
    }
    cr_assert_eq(power_bcal_fit_rows(rows, 0, 0, &fit, &err), AX_EPARAM);
    /* no bit-serial rows among them: refused, naming the kind */
    cr_assert_eq(power_bcal_fit_rows(rows, n, 1, &fit, &err), AX_EPARAM);
    cr_assert(strstr(err, "bit-serial"), "%s", err);
    free(err);
}

Test(power_base_cal, csv_round_trip_and_errors)
{
    power_bcal_row rows[24];
    size_t n = rows_of(rows);
    char path[] = "/tmp/test_bcal_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    power_bcal_write_header(f);
    for (size_t i = 0; i < n; i++)
        power_bcal_write_row(f, &rows[i]);
    fclose(f);
    power_bcal_row *back = NULL;
    size_t nb = 0;
    char *err = NULL;
    cr_assert_eq(power_bcal_read(path, &back, &nb, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(nb, n);
    cr_assert_str_eq(back[7].set, rows[7].set);
    cr_assert_eq(back[7].g.A, rows[7].g.A);
    cr_assert_float_eq(back[7].k.macs_xw, round(rows[7].k.macs_xw), 1e-9);
    cr_assert_float_eq(back[7].gate_pj[POWER_BCAL_ACC], rows[7].gate_pj[POWER_BCAL_ACC], 1e-3);
    free(back);
    /* a core characterization CSV is refused with the expected header named */
    f = fopen(path, "w");
    fprintf(f, "set,stream,hash\nx,y,z\n");
    fclose(f);
    back = NULL, nb = 0;
    cr_assert_eq(power_bcal_read(path, &back, &nb, &err), AX_EFORMAT);
    cr_assert(strstr(err, "gate_lanes_pj"), "%s", err);
    free(err);
    free(back);
    remove(path);
}

Test(power_base_cal, table_block_spliced_and_priced)
{
    power_bcal_row rows[24];
    size_t n = rows_of(rows);
    power_bcal_fit fit;
    char *err = NULL;
    cr_assert_eq(power_bcal_fit_rows(rows, n, 0, &fit, &err), AX_OK);
    /* a calibrated table without the block: the built-in table's rows plus
     * the meta rows of a calibrated one */
    char *blk = NULL;
    size_t blen = 0;
    FILE *b = open_memstream(&blk, &blen);
    const power_bcal_fit *fp[2] = {&fit, NULL};
    power_bcal_write_block(b, fp, "b16; b8; b6", "s:0, s:1", "set b16 +0.0 %", "2026-12-06");
    fclose(b);
    const char *table = "component,action,attributes,energy_pj,area_um2,leakage_uw,source\n"
                        "meta,version,test-cal,,,,\nmeta,node_nm,180,,,,\nmeta,vdd_v,1.80,,,,\n"
                        "meta,calibrated,1,,,,\nreadout,beat_bit,,0.3,,,x\n";
    char path[] = "/tmp/test_bcal_tab_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs(table, f);
    fclose(f);
    power_table *t = NULL;
    cr_assert_eq(power_table_load(path, &t, &err), AX_OK, "%s", err ? err : "");
    cr_assert_not(power_table_has_base_cal(t));
    power_table_free(t);
    /* twice: the second write replaces the block (a duplicate row would not load) */
    for (int pass = 0; pass < 2; pass++)
        cr_assert_eq(power_bcal_splice_file(path, blk, &err), AX_OK, "%s", err ? err : "");
    cr_assert_eq(power_table_load(path, &t, &err), AX_OK, "%s", err ? err : "");
    cr_assert(power_table_has_base_cal(t));
    for (size_t i = 0; i < n; i++) {
        double e[POWER_BCAL_NCOMP];
        cr_assert_eq(power_bcal_price(t, &rows[i].g, &rows[i].k, e, &err), AX_OK);
        for (int c = 0; c < POWER_BCAL_NCOMP; c++)
            cr_assert_float_eq(e[c], rows[i].gate_pj[c], 1e-5 * rows[i].gate_pj[c] + 1e-9,
                               "row %zu %s: %g vs %g", i, power_bcal_comp_name(0, c), e[c],
                               rows[i].gate_pj[c]);
    }
    /* validation: the table within any bound; the lanes x1.3 break it */
    int viol = -1;
    FILE *dn = fopen("/dev/null", "w");
    cr_assert_eq(power_bcal_validate(dn, 0, rows, n, NULL, t, 10, 15, 2, &viol, &err), AX_OK);
    cr_assert_eq(viol, 0);
    power_bcal_fit bad = fit;
    for (int j = 0; j < bad.nf[POWER_BCAL_LANES]; j++)
        bad.coef[POWER_BCAL_LANES][j] *= 1.3;
    const power_bcal_fit *badp[2] = {&bad, NULL};
    cr_assert_eq(power_bcal_validate(dn, 0, rows, n, badp, NULL, 10, 15, 2, &viol, &err), AX_OK);
    cr_assert_geq(viol, 3, "%d", viol); /* at least the lanes of each of the 3 tiles */
    fclose(dn);
    power_table_free(t);
    free(blk);
    remove(path);
}

Test(power_base_cal, macs_with_nonzero_operands)
{
    /* 2 tokens x 3 inputs, 2 outputs; q[out][in] */
    int32_t x[6] = {1, 0, -3, 0, 0, 2};
    int8_t q[6] = {5, 0, 0, 0, 7, -1}; /* nonzero per input: i0 1, i1 1, i2 1 */
    power_act_stats s;
    char *err = NULL;
    cr_assert_eq(power_act_stats_compute(x, 2, 3, 16, &s, &err), AX_OK);
    cr_assert_eq(s.weights, 0);
    cr_assert_eq(power_act_stats_weights(x, 2, 3, 2, q, &s, &err), AX_OK);
    cr_assert_eq(s.weights, 1);
    /* token 0: i0 (1) + i2 (1); token 1: i2 (1) */
    cr_assert_float_eq(s.macs_xw, 3, 1e-12);
    int8_t q2[6] = {5, 1, 2, 3, 7, -1}; /* every weight nonzero: 2 per input */
    cr_assert_eq(power_act_stats_weights(x, 2, 3, 2, q2, &s, &err), AX_OK);
    cr_assert_float_eq(s.macs_xw, 6, 1e-12);
}

/* the per-column count over many rows and odd widths (eight columns per
 * word, a tail, blocks of 255 rows) equals a plain count */
Test(power_base_cal, nonzero_weights_counted_over_blocks_and_tails)
{
    const size_t T = 3, in = 37, out = 600;
    int32_t *x = malloc(T * in * sizeof *x);
    int8_t *q = malloc(in * out);
    uint64_t st = 7;
    for (size_t i = 0; i < T * in; i++) {
        st = st * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = (int32_t)(st >> 60) - 8; /* -8 .. 7, zeros included */
    }
    for (size_t i = 0; i < in * out; i++) {
        st = st * 6364136223846793005ull + 1442695040888963407ull;
        unsigned v = (unsigned)(st >> 56);
        /* zeros in most columns; -128, 127 and 1 (every byte pattern's edge) */
        q[i] = (int8_t)(v % 5 == 0   ? 0
                        : v % 5 == 1 ? -128
                        : v % 5 == 2 ? 127
                        : v % 5 == 3 ? 1
                                     : (int)v - 128);
        if (i % in == 5)
            q[i] = 0; /* one column all zero */
        if (i % in == 9)
            q[i] = -128; /* one column never zero: 255 per block, no more */
    }
    double n = 0, nb = 0, wn = 0;
    for (size_t i = 0; i < in; i++) {
        double c = 0;
        for (size_t o = 0; o < out; o++)
            c += q[o * in + i] != 0;
        wn += c;
        for (size_t t = 0; t < T; t++) {
            int32_t v = x[t * in + i];
            unsigned a = (unsigned)(v < 0 ? -v : v);
            n += a ? c : 0;
            nb += a ? __builtin_popcount(a) * c : 0;
        }
    }
    power_act_stats s;
    char *err = NULL;
    cr_assert_eq(power_act_stats_weights(x, T, in, out, q, &s, &err), AX_OK);
    cr_assert_float_eq(s.macs_xw, n, 0);
    cr_assert_float_eq(s.ones_w, nb, 0);
    cr_assert_float_eq(s.w_nonzero, wn, 0);
    free(x);
    free(q);
}

Test(power_base_cal, flops_as_the_netlists_have_them)
{
    /* flip-flops of the OSU018 netlists (make base-gate): the MAC tile's
     * W·L·A accumulators; the bit-serial tile's also its weight register,
     * |x| (only the bits the plane index reaches), plane, word, busy, sign */
    power_bcal_tile mac = {16, 4, 32, 64, 0, 0}, h12 = {12, 4, 20, 40, 0, 0};
    power_bcal_tile bs16 = {16, 4, 32, 64, 0, 7}, bs8 = {8, 4, 24, 32, 0, 5},
                    bs6 = {6, 2, 16, 32, 0, 4};
    cr_assert_float_eq(power_bcal_flops(&mac), 512, 1e-9);
    cr_assert_float_eq(power_bcal_flops(&h12), 240, 1e-9);
    cr_assert_float_eq(power_bcal_flops(&bs16), 559, 1e-9);
    cr_assert_float_eq(power_bcal_flops(&bs8), 238, 1e-9);
    cr_assert_float_eq(power_bcal_flops(&bs6), 122, 1e-9);
    /* the two kinds are priced by their own rows */
    cr_assert_str_eq(power_bcal_comp_name(1, POWER_BCAL_LANES), "bs_lanes");
    cr_assert_str_eq(power_bcal_comp_name(0, POWER_BCAL_CLOCK), "base_clock");
}
