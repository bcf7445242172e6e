/* Golden regressions of the simulator: for a few fixed configurations and
 * fixed pseudo-random inputs, the cycle/ps totals, the counters and the
 * first stamps of core 0 are compared with tests/golden/sim_*.txt, so any
 * change of the timing contract or of the counting shows up as a diff.
 * Regenerate (after an intended change, and say why in the commit):
 *   AXON_REGEN_GOLDEN=1 build/test_unit --filter 'sim_golden/\*'  (shell-quoted)
 * With AXON_GOLDEN_INPUTS=DIR each case also writes its inputs (parameters,
 * weights, events) to DIR/sim_<name>.in, for the independent Python chip
 * timing oracle tests/e2e/chip_oracle.py (docs/sim.md, "Independent oracle").
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>

#include "sim_testlib.h"

typedef struct {
    char *buf;
    size_t len, cap;
    int stamps;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    char line[512];
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->buf = realloc(t->buf, t->cap);
    }
    memcpy(t->buf + t->len, line, (size_t)n + 1);
    t->len += (size_t)n;
}

static void stamp_fn(void *u, const sim_obs *o)
{
    static const char *names[] = {"accept",       "start", "sram_read", "readout_beat",
                                  "readout_done", "flit",  "handshake", "stall"};
    text *t = u;
    if (o->core != 0 || t->stamps >= 150)
        return;
    t->stamps++;
    put(t, "stamp %lld %s item %lld word %d skipped %d\n", (long long)o->time, names[o->kind],
        (long long)o->item, o->word, o->skipped);
}

/* "who name value ..." for every counter of sim/sim.h's list, in its order. */
static void counters(text *t, const char *who, const sim_counters *c)
{
    put(t, "%s", who);
#define GOLD_COUNT(name) put(t, " %s %llu", #name, (unsigned long long)c->name)
#define GOLD_TIME(name) put(t, " %s %lld", #name, (long long)c->name)
#define GOLD(name, kind, help) GOLD_##kind(name);
    SIM_COUNTERS(GOLD)
#undef GOLD
#undef GOLD_TIME
#undef GOLD_COUNT
    put(t, "\n");
}

/* The inputs of a case, as text: the oracle reads nothing else. */
static void dump_inputs(const char *name, const sim_config *c, const map_qweight *qw, size_t tokens,
                        const spike_event *ev, size_t nev)
{
    const char *dir = getenv("AXON_GOLDEN_INPUTS");
    if (!dir || !*dir)
        return;
    char path[1024];
    snprintf(path, sizeof path, "%s/sim_%s.in", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fprintf(f, "param rows %d\nparam cols %d\nparam lanes %d\nparam sram_latency %d\n", c->rows,
            c->cols, c->lanes, c->sram_latency);
    fprintf(f, "param fifo_depth %d\nparam acc_bits %d\nparam readout_bits %d\n", c->fifo_depth,
            c->acc_bits, c->readout_bits);
    fprintf(f, "param double_buffer %d\nparam zero_gating %d\nparam async %d\nparam handshake %d\n",
            c->double_buffer, c->zero_gating, c->timing == SIM_ASYNC, (int)c->handshake);
    fprintf(f, "param t_req_ps %lld\nparam t_ack_ps %lld\nparam t_decode_ps %lld\n",
            (long long)c->t_req_ps, (long long)c->t_ack_ps, (long long)c->t_decode_ps);
    fprintf(f, "param t_sram_ps %lld\nparam t_add_ps %lld\nparam t_readout_ps %lld\n",
            (long long)c->t_sram_ps, (long long)c->t_add_ps, (long long)c->t_readout_ps);
    fprintf(f, "param mesh_w %d\nparam mesh_h %d\nparam hop_cycles %d\nparam hop_ps %lld\n",
            c->mesh_w, c->mesh_h, c->hop_cycles, (long long)c->hop_ps);
    fprintf(f, "param link_bits %d\nparam dram %d\nparam dram_burst_bytes %d\n", c->link_bits,
            c->dram, c->dram_burst_bytes);
    fprintf(f, "param dram_bytes_per_cycle %d\nparam dram_latency %d\n", c->dram_bytes_per_cycle,
            c->dram_latency);
    fprintf(f, "param dram_burst_ps %lld\nparam dram_latency_ps %lld\n",
            (long long)c->dram_burst_ps, (long long)c->dram_latency_ps);
    fprintf(f, "layer in %zu out %zu group %zu tokens %zu\n", qw->in, qw->out, qw->group, tokens);
    for (size_t o = 0; o < qw->out; o++) {
        fprintf(f, "w");
        for (size_t i = 0; i < qw->in; i++)
            fprintf(f, " %d", qw->q[o * qw->in + i]);
        fprintf(f, "\n");
    }
    for (size_t e = 0; e < nev; e++)
        fprintf(f, "ev %u %u %u %u %u\n", ev[e].token, ev[e].step, ev[e].axon, ev[e].neg,
                ev[e].shift);
    fclose(f);
}

static void golden(const char *name, const sim_config *c, size_t in, size_t out, size_t tokens,
                   size_t group, spike_coding cod, int T)
{
    uint64_t st = 2024;
    map_qweight qw;
    tl_qweight(&qw, out, in, group, 30, &st);
    int32_t *counts = malloc(tokens * in * sizeof *counts);
    tl_counts(counts, tokens * in, cod, T, 60, &st);
    size_t *ts = malloc((tokens + 1) * sizeof *ts), nev;
    spike_event *ev = tl_events(cod, counts, tokens, in, T, &nev, ts);
    dump_inputs(name, c, &qw, tokens, ev, nev);
    sim *s = NULL;
    cr_assert_eq(sim_new(c, &qw, ev, nev, ts, tokens, &s, NULL), AX_OK);
    text t = {0};
    sim_observe(s, stamp_fn, &t);
    cr_assert_eq(sim_run(s, NULL), AX_OK);
    sim_report r;
    sim_get_report(s, &r);
    put(&t, "cores %zu mesh %zux%zu duration %lld %s events_in %zu\n", r.cores, r.mesh_w, r.mesh_h,
        (long long)r.duration, r.time_unit, nev);
    counters(&t, "total", &r.total);
    for (size_t k = 0; k < r.cores; k++) {
        char who[32];
        snprintf(who, sizeof who, "core%zu", k);
        counters(&t, who, &r.per_core[k]);
    }
    uint64_t h = ax_fnv1a(sim_acc(s), tokens * out * qw.ngroups * 4, AX_FNV_SEED);
    put(&t, "acc_fnv1a %016llx\n", (unsigned long long)h);

    const char *root = getenv("AXON_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/golden/sim_%s.txt", root ? root : ".", name);
    const char *regen = getenv("AXON_REGEN_GOLDEN");
    if (regen && !strcmp(regen, "1")) {
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f, "cannot write %s", path);
        fwrite(t.buf, 1, t.len, f);
        fclose(f);
    } else {
        FILE *f = fopen(path, "r");
        cr_assert_not_null(f, "missing %s (regenerate with AXON_REGEN_GOLDEN=1)", path);
        char *want = calloc(1, t.len + 2);
        size_t n = fread(want, 1, t.len + 1, f);
        fclose(f);
        size_t i = 0;
        while (i < n && i < t.len && want[i] == t.buf[i])
            i++;
        size_t line = 1;
        for (size_t k = 0; k < i; k++)
            line += t.buf[k] == '\n';
        cr_assert(n == t.len && i == n, "%s differs from the simulation at line %zu", path, line);
        free(want);
    }
    free(t.buf);
    sim_free(s);
    free(ev);
    free(ts);
    free(counts);
    map_qweight_free(&qw);
}

Test(sim_golden, sync_default_core_small_tiles)
{
    sim_config c;
    sim_config_default(&c);
    c.rows = 32;
    c.cols = 32;
    c.lanes = 8;
    golden("sync_small", &c, 100, 70, 4, 0, SPIKE_BITWISE, 4);
}

Test(sim_golden, async_2phase_groups)
{
    sim_config c;
    sim_config_default(&c);
    c.timing = SIM_ASYNC;
    c.handshake = SIM_HS_2PHASE;
    c.rows = 16;
    c.cols = 24;
    c.lanes = 8;
    golden("async_groups", &c, 50, 40, 3, 25, SPIKE_BITWISE_2C, 5);
}

Test(sim_golden, sync_single_bank_narrow_links)
{
    sim_config c;
    sim_config_default(&c);
    c.rows = 20;
    c.cols = 16;
    c.lanes = 4;
    c.double_buffer = 0;
    c.zero_gating = 0;
    c.fifo_depth = 2;
    c.sram_latency = 3;
    c.link_bits = 16;
    c.hop_cycles = 2;
    c.acc_bits = 24;
    c.readout_bits = 48;
    golden("sync_single_bank", &c, 45, 33, 3, 0, SPIKE_TERNARY, 3);
}

Test(sim_golden, sync_dram_streaming)
{
    sim_config c;
    sim_config_default(&c);
    c.rows = 16;
    c.cols = 16;
    c.lanes = 4;
    c.dram = 1;
    c.dram_burst_bytes = 32;
    c.dram_bytes_per_cycle = 8;
    c.dram_latency = 20;
    golden("sync_dram", &c, 40, 30, 3, 0, SPIKE_BITWISE_SIGNED, 4);
}
