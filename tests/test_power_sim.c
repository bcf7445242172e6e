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
