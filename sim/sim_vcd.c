/*
 * VCD writer (IEEE 1364-2005 §18, value change dump) as a simulator
 * observer: the kernel knows nothing about the format. One scope per core
 * (the first max_cores cores) with pulses for accept, start, SRAM read,
 * skipped word, readout beat, readout done, handshake, stall and flit, and
 * buses for the item index, axon, word/beat index and token. GTKWave reads
 * it directly.
 *
 * Time: $timescale 1 ps. Sync stamps are cycles × round(1e6 / f_MHz) ps
 * (a pulse lasts one clock period); async stamps are already ps (a pulse
 * lasts 100 ps, or until the next change if that comes first). Observers
 * are called in time order, so the file is written in one pass: the changes
 * of one time stamp are buffered, so a pulse repeated in consecutive steps
 * stays high instead of falling and rising at the same time.
 *
 * The file is an atomic output (ax_out): written to a temporary beside the
 * target and renamed by sim_vcd_close only when everything was written, so
 * an error, a full disk or Ctrl-C never leaves a truncated VCD, and an
 * existing file is kept until then. sim_vcd_limit caps the size: past it
 * the writer stops and sim_vcd_over says so (the caller stops stepping).
 */
#include "sim.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { V_ACCEPT, V_START, V_READ, V_SKIP, V_BEAT, V_DONE, V_HS, V_STALL, V_FLIT, V_NPULSE };
enum { B_ITEM, B_AXON, B_WORD, B_TOKEN, V_NBUS };
static const char *pulse_name[V_NPULSE] = {"accept",    "start",        "sram_read",
                                           "sram_skip", "readout_beat", "readout_done",
                                           "handshake", "stall",        "flit"};
static const char *bus_name[V_NBUS] = {"item", "axon", "word", "token"};
#define V_NSIG (V_NPULSE + V_NBUS)

typedef struct {
    int id, bus;
    uint32_t val;
} vcd_change;

struct sim_vcd {
    ax_out *o;
    FILE *f; /* stream on the temporary, owned by o */
    char *path;
    int64_t limit; /* bytes, 0 = none */
    int over;      /* the limit was passed: nothing more is written */
    int ncores;
    int64_t scale, width; /* ps per time unit, pulse width in ps */
    int64_t bt;           /* time of the buffered changes (ps) */
    vcd_change *buf;      /* changes at bt, not yet written (one per signal) */
    size_t nbuf, capbuf;
    int *high; /* pulses written as 1, to clear at hc */
    size_t nhigh, caphigh;
    int64_t hc;
    int64_t written; /* last time stamp written */
    int ioerr;
};

static void sig_id(int idx, char *buf)
{
    int n = 0;
    do {
        buf[n++] = (char)('!' + idx % 94);
        idx /= 94;
    } while (idx);
    buf[n] = 0;
}

static void put_bus(FILE *f, uint32_t v, int id)
{
    char b[40], idb[8];
    int n = 0;
    do {
        b[n++] = (char)('0' + (v & 1));
        v >>= 1;
    } while (v);
    fputc('b', f);
    while (n)
        fputc(b[--n], f);
    sig_id(id, idb);
    fprintf(f, " %s\n", idb);
}

static void put_bit(FILE *f, int v, int id)
{
    char idb[8];
    sig_id(id, idb);
    fprintf(f, "%d%s\n", v, idb);
}

static int grow(void **p, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 64;
    void *q = realloc(*p, c * sz);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* Writes the buffered changes at bt: pulses still high from an earlier time
 * fall at their clear time (or at bt if that comes first and they are not
 * set again at bt); a pulse set in consecutive steps stays high. */
static void flush(sim_vcd *v)
{
    if (!v->nbuf)
        return;
    if (v->nhigh && v->hc < v->bt) {
        fprintf(v->f, "#%lld\n", (long long)v->hc);
        for (size_t i = 0; i < v->nhigh; i++)
            put_bit(v->f, 0, v->high[i]);
        v->nhigh = 0;
    }
    if (v->bt != v->written)
        fprintf(v->f, "#%lld\n", (long long)v->bt);
    v->written = v->bt;
    for (size_t i = 0; i < v->nhigh; i++) {
        int again = 0;
        for (size_t k = 0; k < v->nbuf && !again; k++)
            again = !v->buf[k].bus && v->buf[k].id == v->high[i];
        if (!again)
            put_bit(v->f, 0, v->high[i]);
    }
    v->nhigh = 0;
    for (size_t k = 0; k < v->nbuf; k++) {
        const vcd_change *c = &v->buf[k];
        if (c->bus) {
            put_bus(v->f, c->val, c->id);
        } else {
            put_bit(v->f, 1, c->id);
            if (grow((void **)&v->high, &v->caphigh, v->nhigh + 1, sizeof *v->high))
                v->ioerr = ENOMEM;
            else
                v->high[v->nhigh++] = c->id;
        }
    }
    v->hc = v->bt + v->width;
    v->nbuf = 0;
    if (v->limit && ftello(v->f) > v->limit)
        v->over = 1;
}

static void change(sim_vcd *v, int64_t t, int id, int bus, uint32_t val)
{
    if (t != v->bt) {
        flush(v);
        v->bt = t;
    }
    for (size_t k = 0; k < v->nbuf; k++)
        if (v->buf[k].id == id) {
            v->buf[k].val = val; /* the last value of a signal at a time wins */
            return;
        }
    if (grow((void **)&v->buf, &v->capbuf, v->nbuf + 1, sizeof *v->buf)) {
        v->ioerr = ENOMEM;
        return;
    }
    v->buf[v->nbuf++] = (vcd_change){id, bus, val};
}

static void on_obs(void *user, const sim_obs *o)
{
    sim_vcd *v = user;
    if (o->core >= v->ncores || v->over)
        return;
    int base = o->core * V_NSIG;
    int64_t t = o->time * v->scale;
    static const int map[] = {[SIM_OBS_ACCEPT] = V_ACCEPT,     [SIM_OBS_START] = V_START,
                              [SIM_OBS_SRAM_READ] = V_READ,    [SIM_OBS_READOUT_BEAT] = V_BEAT,
                              [SIM_OBS_READOUT_DONE] = V_DONE, [SIM_OBS_FLIT] = V_FLIT,
                              [SIM_OBS_HANDSHAKE] = V_HS,      [SIM_OBS_STALL] = V_STALL};
    int k = map[o->kind];
    if (o->kind == SIM_OBS_SRAM_READ && o->skipped)
        k = V_SKIP;
    change(v, t, base + k, 0, 1);
    if (o->kind == SIM_OBS_ACCEPT || o->kind == SIM_OBS_START) {
        change(v, t, base + V_NPULSE + B_ITEM, 1, (uint32_t)o->item);
        change(v, t, base + V_NPULSE + B_TOKEN, 1, o->token);
        if (o->ev)
            change(v, t, base + V_NPULSE + B_AXON, 1, o->ev->axon);
    }
    if (o->kind == SIM_OBS_SRAM_READ || o->kind == SIM_OBS_READOUT_BEAT)
        change(v, t, base + V_NPULSE + B_WORD, 1, (uint32_t)o->word);
}

ax_result sim_vcd_open(sim *s, const char *path, int max_cores, sim_vcd **out, char **err)
{
    *out = NULL;
    sim_vcd *v = calloc(1, sizeof *v);
    if (!v || !(v->path = strdup(path))) {
        free(v);
        return ax_fail(err, AX_ENOMEM, "out of memory for the VCD writer");
    }
    ax_result rc = ax_out_open(path, 0, &v->o, err);
    if (!rc && !(v->f = ax_out_stream(v->o, err)))
        rc = AX_EIO;
    if (rc) {
        ax_err_prefix(err, "VCD");
        ax_out_abort(v->o);
        free(v->path);
        free(v);
        return rc;
    }
    sim_report r;
    sim_get_report(s, &r);
    v->ncores = (int)(r.cores < (size_t)max_cores ? r.cores : (size_t)max_cores);
    if (r.timing == SIM_SYNC) {
        v->scale = (int64_t)llround(r.ns_per_unit * 1000.0);
        if (v->scale < 1)
            v->scale = 1;
        v->width = v->scale;
    } else {
        v->scale = 1;
        v->width = 100;
    }
    fprintf(v->f, "$comment axon " AX_VERSION " core model, %s mode $end\n$timescale 1 ps $end\n",
            r.timing == SIM_SYNC ? "sync" : "async");
    fprintf(v->f, "$scope module chip $end\n");
    char idb[8];
    for (int c = 0; c < v->ncores; c++) {
        fprintf(v->f, "$scope module core_%zu_%zu $end\n", (size_t)c / r.col_blocks,
                (size_t)c % r.col_blocks);
        for (int k = 0; k < V_NPULSE; k++) {
            sig_id(c * V_NSIG + k, idb);
            fprintf(v->f, "$var wire 1 %s %s $end\n", idb, pulse_name[k]);
        }
        for (int k = 0; k < V_NBUS; k++) {
            sig_id(c * V_NSIG + V_NPULSE + k, idb);
            fprintf(v->f, "$var wire 32 %s %s $end\n", idb, bus_name[k]);
        }
        fprintf(v->f, "$upscope $end\n");
    }
    fprintf(v->f, "$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n");
    for (int c = 0; c < v->ncores; c++) {
        for (int k = 0; k < V_NPULSE; k++)
            put_bit(v->f, 0, c * V_NSIG + k);
        for (int k = 0; k < V_NBUS; k++)
            put_bus(v->f, 0, c * V_NSIG + V_NPULSE + k);
    }
    fprintf(v->f, "$end\n");
    v->bt = v->written = 0;
    sim_observe(s, on_obs, v);
    *out = v;
    return AX_OK;
}

void sim_vcd_limit(sim_vcd *v, int64_t bytes)
{
    if (v)
        v->limit = bytes > 0 ? bytes : 0;
}

int sim_vcd_over(const sim_vcd *v)
{
    return v && v->over;
}

static void vcd_free(sim_vcd *v)
{
    free(v->buf);
    free(v->high);
    free(v->path);
    free(v);
}

void sim_vcd_abort(sim_vcd *v)
{
    if (!v)
        return;
    ax_out_abort(v->o); /* the temporary goes, an older file at the path stays */
    vcd_free(v);
}

ax_result sim_vcd_close(sim_vcd *v, char **err)
{
    if (!v)
        return AX_OK;
    if (v->over) {
        ax_result rc = ax_fail(err, AX_ERANGE,
                               "%s: the VCD passed its limit of %lld MiB and was "
                               "not written (hint: a shorter trace or a smaller layer; "
                               "`axon cosim --wave` dumps a window)",
                               v->path, (long long)(v->limit >> 20));
        sim_vcd_abort(v);
        return rc;
    }
    flush(v);
    if (v->nhigh) {
        fprintf(v->f, "#%lld\n", (long long)v->hc);
        for (size_t i = 0; i < v->nhigh; i++)
            put_bit(v->f, 0, v->high[i]);
    }
    if (v->ioerr) {
        ax_result rc = ax_fail(err, AX_ENOMEM, "%s: out of memory writing the VCD", v->path);
        sim_vcd_abort(v);
        return rc;
    }
    ax_result rc = ax_out_commit(v->o, err); /* flushes and checks the stream */
    vcd_free(v);
    return rc;
}
