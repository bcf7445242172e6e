/* power/ on counters the real simulator produced: synaptic operations match
 * the event stream, the NoC split into multicast and readout flit-hops
 * matches the chip's geometry, async runs pay handshakes and no clock, and
 * the explain chain adds up to the realistic total. */
#include <criterion/criterion.h>
#include <math.h>

#include "../power/power.h"
#include "sim_testlib.h"

typedef struct {
    sim_report r;
    power_report p;
    size_t nev;
} power_sim_run;

static void power_sim_one(size_t in, size_t out, spike_coding cod, int T, sim_timing timing,
                          power_sim_run *o)
{
    uint64_t st = 7;
    map_qweight qw;
    tl_qweight(&qw, out, in, 0, 30, &st);
    size_t tokens = 3, ts[4];
    int32_t *cnt = malloc(tokens * in * sizeof *cnt);
    tl_counts(cnt, tokens * in, cod, T, 40, &st);
    spike_event *ev = tl_events(cod, cnt, tokens, in, T, &o->nev, ts);
    sim_config c;
    sim_config_default(&c);
    c.timing = timing;
    sim *s = NULL;
    char *err = NULL;
    cr_assert_eq(sim_new(&c, &qw, ev, o->nev, ts, tokens, &s, &err), AX_OK, "%s", err);
    cr_assert_eq(sim_run(s, &err), AX_OK, "%s", err);
    sim_get_report(s, &o->r);
    power_table *t = NULL;
    cr_assert_eq(power_table_load(NULL, &t, &err), AX_OK, "%s", err);
    cr_assert_eq(power_price(t, &c, &o->r, POWER_REALISTIC, &o->p, &err), AX_OK, "%s", err);
    double chain = 0;
    for (int i = 0; i < o->p.nchain; i++)
        chain += o->p.chain[i].delta_pj;
    cr_assert_float_eq(chain, o->p.energy_pj, 1e-6 * o->p.energy_pj);
    /* every event touches every output of the layer once */
    cr_assert_float_eq(o->p.sops, (double)o->nev * (double)out, 0.5);
    power_table_free(t);
    sim_free(s);
    free(ev);
    free(cnt);
    free(qw.q);
    free(qw.scale);
}

static double line_count(const power_report *p, const char *action)
{
    for (int i = 0; i < p->nlines; i++)
        if (!strcmp(p->lines[i].action, action))
            return p->lines[i].count;
    return 0;
}

Test(power_sim, one_core_sync)
{
    power_sim_run o;
    power_sim_one(128, 128, SPIKE_BITWISE_2C, 4, SIM_SYNC, &o);
    cr_assert_eq(o.r.cores, 1);
    cr_assert_float_eq(o.p.noc_pj, 0, 0);
    cr_assert(o.p.clock_pj > 0 && o.p.handshake_pj == 0);
    cr_assert_float_eq(line_count(&o.p, "decode"), (double)o.nev, 0);
}

Test(power_sim, chip_noc_split_matches_geometry)
{
    power_sim_run o;
    size_t in = 300, out = 260;
    power_sim_one(in, out, SPIKE_BITWISE_2C, 4, SIM_SYNC, &o);
    double nrb = ceil(in / 128.0), ncb = ceil(out / 128.0), B = ceil(128.0 * 32 / 64);
    cr_assert_eq(o.r.cores, (size_t)(nrb * ncb));
    /* readout packets of B flits cross nrb − 1 hops per token and column */
    cr_assert_float_eq(line_count(&o.p, "readout_flit_hop"), 3 * ncb * B * (nrb - 1), 0);
    /* each row-block's items (its events + one EOT per token) hop ncb − 1 times */
    cr_assert_float_eq(line_count(&o.p, "event_flit_hop"), ((double)o.nev + 3 * nrb) * (ncb - 1),
                       0);
    cr_assert_float_eq(line_count(&o.p, "reduce_add"), 3.0 * out * (nrb - 1), 0);
}

Test(power_sim, async_pays_handshakes)
{
    power_sim_run o;
    power_sim_one(300, 260, SPIKE_TERNARY, 3, SIM_ASYNC, &o);
    cr_assert_float_eq(o.p.clock_pj, 0, 0);
    cr_assert_float_eq(o.p.handshake_pj, (double)o.r.total.handshakes * 0.06, 1e-9);
    cr_assert(o.r.total.handshakes > 0);
    cr_assert(o.p.leakage_pj > 0 && o.r.duration_ns > 0);
}

/* Row reuse (docs/power.md "Row reuse and token batches"): on the same
 * stream the SRAM words priced fall to the row-reuse core's, the adds and
 * the event path stay one per bit-plane event, the row register's writes are
 * priced per word read, and a batch of N tokens divides the dense tile's SRAM
 * reads by N while its MACs stay; its N accumulator sets add area and leakage
 * on both sides. */
static void power_reuse_one(int reuse, int batch, sim_report *r, power_report *p)
{
    uint64_t st = 11;
    size_t in = 200, out = 150, tokens = 8, ts[9], nev;
    map_qweight qw;
    tl_qweight(&qw, out, in, 0, 30, &st);
    int32_t *cnt = malloc(tokens * in * sizeof *cnt);
    tl_counts(cnt, tokens * in, SPIKE_BITWISE_SIGNED, 6, 40, &st);
    spike_event *ev = tl_events(SPIKE_BITWISE_SIGNED, cnt, tokens, in, 6, &nev, ts);
    sim_config c;
    sim_config_default(&c);
    c.row_reuse = reuse;
    c.batch_tokens = batch;
    sim *s = NULL;
    char *err = NULL;
    cr_assert_eq(sim_new(&c, &qw, ev, nev, ts, tokens, &s, &err), AX_OK, "%s", err);
    cr_assert_eq(sim_run(s, &err), AX_OK, "%s", err);
    sim_get_report(s, r);
    r->per_core = NULL;
    power_table *t = NULL;
    cr_assert_eq(power_table_load(NULL, &t, &err), AX_OK, "%s", err);
    cr_assert_eq(power_price(t, &c, r, POWER_REALISTIC, p, &err), AX_OK, "%s", err);
    power_table_free(t);
    sim_free(s);
    free(ev);
    free(cnt);
    free(qw.q);
    free(qw.scale);
}

Test(power_sim, row_reuse_prices_fewer_sram_words_same_adds)
{
    sim_report r0, r1, r4;
    power_report p0, p1, p4;
    power_reuse_one(0, 1, &r0, &p0);
    power_reuse_one(1, 1, &r1, &p1);
    power_reuse_one(1, 4, &r4, &p4);
    cr_assert_lt(r1.total.sram_words, r0.total.sram_words);
    cr_assert_lt(r4.total.sram_words, r1.total.sram_words);
    cr_assert_float_eq(line_count(&p0, "read_word"), (double)r0.total.sram_words, 0);
    cr_assert_float_eq(line_count(&p1, "read_word"), (double)r1.total.sram_words, 0);
    cr_assert_float_eq(line_count(&p1, "add_acc_bits"), line_count(&p0, "add_acc_bits"), 0);
    cr_assert_float_eq(line_count(&p1, "add_acc_bits"), (double)r1.total.adds, 0);
    cr_assert_float_eq(line_count(&p1, "decode"), (double)r1.total.events, 0);
    cr_assert_float_eq(line_count(&p1, "row_register_write"), (double)r1.total.sram_words, 0);
    cr_assert_float_eq(line_count(&p0, "row_register_write"), 0, 0);
    cr_assert_lt(p1.sram_pj, p0.sram_pj);
    cr_assert_lt(p1.energy_pj, p0.energy_pj);
    /* a batch of 4 reads fewer words but holds 4 accumulator sets, which leak: whether
     * it saves energy depends on the two (docs/power.md "Row reuse and token batches") */
    cr_assert_lt(p4.sram_pj, p1.sram_pj);
    cr_assert_gt(p4.leakage_pj, p1.leakage_pj);
    cr_assert_float_eq(p1.base_energy_pj, p0.base_energy_pj, 1e-9 * p0.base_energy_pj);
    cr_assert_float_eq(p4.base_sram_pj, p1.base_sram_pj / 4, 1e-9 * p1.base_sram_pj);
    /* the batch's 4 accumulator sets: more area and leakage on both sides */
    cr_assert_gt(p4.base_area_um2, p1.base_area_um2);
    cr_assert_gt(p4.base_leakage_pj, p1.base_leakage_pj);
    cr_assert_gt(p4.area_um2, p1.area_um2);
    cr_assert_float_eq(p1.base_energy_pj - p4.base_energy_pj,
                       p1.base_sram_pj * 3 / 4 - (p4.base_leakage_pj - p1.base_leakage_pj),
                       1e-6 * p1.base_energy_pj);
    cr_assert_gt(p1.area_um2, p0.area_um2, "the row register has area");
}
