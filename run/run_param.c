/*
 * run_param — the parameter table and its one parser (run/run_param.h).
 *
 * Ranges are those the models can honour: a tile is at most 4096 x 4096
 * (the mapper's and the power model's limit, docs/mapper.md), a fixed T at
 * most SPIKE_MAX_STEPS (the coding may refuse less, spike_steps_resolve),
 * the accumulator 8..32 bits (docs/design.md §2). Defaults are not written
 * here: they are what run_job_default sets (sim_config_default,
 * spike_params_default), read back through run_param_get, so there is one
 * place for each default.
 */
#include "run_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>


#define BIG (1 << 20)
#define PS_MAX 1e12 /* 1 s in ps: longer than any modelled delay */

/* clang-format off */
static const run_param TABLE[] = {
    {"layer", "layer", RUN_PT_TEXT, RUN_SEC_INPUT, "", 0, 0, NULL,
     "HF layer name, e.g. model.layers.0.mlp.up_proj (default: every layer)", P_LAYER},
    {"tile", "tile", RUN_PT_PAIR, RUN_SEC_CORE, "axons x neurons", 1, 4096, NULL,
     "core tile: R input axons x C output neurons", P_TILE},
    {"lanes", "lanes", RUN_PT_INT, RUN_SEC_CORE, "adders", 1, 4096, NULL,
     "adders per beat = weights per SRAM word", P_LANES},
    {"fifo_depth", "fifo", RUN_PT_INT, RUN_SEC_CORE, "items", 1, BIG, NULL,
     "input FIFO depth (events and end-of-token markers)", P_FIFO},
    {"sram_latency_cycles", "sram-latency", RUN_PT_INT, RUN_SEC_CORE, "cycles", 1, BIG, NULL,
     "SRAM read issue to data (sync)", P_SRAM_LAT},
    {"acc_bits", "acc-bits", RUN_PT_INT, RUN_SEC_CORE, "bits", 8, 32, NULL,
     "accumulator width A", P_ACC_BITS},
    {"readout_bits", "readout-bits", RUN_PT_INT, RUN_SEC_CORE, "bits", 1, 65536, NULL,
     "readout port width per beat", P_READOUT_BITS},
    {"double_buffer", "double-buffer", RUN_PT_BOOL, RUN_SEC_CORE, "", 0, 1, NULL,
     "second accumulator bank (read out one token while the next accumulates)",
     P_DOUBLE_BUFFER},
    {"zero_gating", "zero-gating", RUN_PT_BOOL, RUN_SEC_CORE, "", 0, 1, NULL,
     "zero weights do not add, all-zero words are not read", P_ZERO_GATING},
    {"row_reuse", "row-reuse", RUN_PT_BOOL, RUN_SEC_CORE, "", 0, 1, NULL,
     "read one weight row per (token, axon) and add all its bit-planes from a row register "
     "(sync core)", P_ROW_REUSE},
    {"batch_tokens", "batch-tokens", RUN_PT_INT, RUN_SEC_CORE, "tokens", 1, 64, NULL,
     "weight-stationary batch: one row read serves up to N tokens (needs --row-reuse on)",
     P_BATCH_TOKENS},
    {"clock_gating", "clock-gating", RUN_PT_BOOL, RUN_SEC_CORE, "", 0, 1, NULL,
     "clock-gated build (RTL CG=1): accumulator words and FIFO entries clocked only when "
     "written, the clock priced as built (sync core)", P_CLOCK_GATING},
    {"timing", "timing", RUN_PT_CHOICE, RUN_SEC_TIMING, "", 0, 0, "sync|async",
     "clocked core or bundled-data asynchronous core (--async = --timing async)", P_TIMING},
    {"clock_mhz", "clock", RUN_PT_REAL, RUN_SEC_TIMING, "MHz", 1e-3, 1e6, NULL,
     "clock of the sync core", P_CLOCK},
    {"handshake_phases", "handshake", RUN_PT_CHOICE, RUN_SEC_TIMING, "phases", 0, 0, "2|4",
     "async handshake protocol", P_HANDSHAKE},
    {"t_req_ps", "t-req-ps", RUN_PT_INT, RUN_SEC_TIMING, "ps", 0, PS_MAX, NULL,
     "async request wire delay", P_T_REQ},
    {"t_ack_ps", "t-ack-ps", RUN_PT_INT, RUN_SEC_TIMING, "ps", 0, PS_MAX, NULL,
     "async acknowledge wire delay", P_T_ACK},
    {"t_decode_ps", "t-decode-ps", RUN_PT_INT, RUN_SEC_TIMING, "ps", 0, PS_MAX, NULL,
     "async decode stage delay", P_T_DECODE},
    {"t_sram_ps", "t-sram-ps", RUN_PT_INT, RUN_SEC_TIMING, "ps", 0, PS_MAX, NULL,
     "async SRAM read delay", P_T_SRAM},
    {"t_add_ps", "t-add-ps", RUN_PT_INT, RUN_SEC_TIMING, "ps", 0, PS_MAX, NULL,
     "async lane add delay", P_T_ADD},
    {"t_readout_ps", "t-readout-ps", RUN_PT_INT, RUN_SEC_TIMING, "ps", 0, PS_MAX, NULL,
     "async readout beat delay", P_T_READOUT},
    {"mesh", "mesh", RUN_PT_PAIR, RUN_SEC_CHIP, "cores W x H", 0, 4096, NULL,
     "mesh of cores; 0x0 = the smallest that holds the layer", P_MESH},
    {"hop_cycles", "hop", RUN_PT_INT, RUN_SEC_CHIP, "cycles", 0, BIG, NULL,
     "router + link latency per hop (sync)", P_HOP},
    {"hop_ps", "hop-ps", RUN_PT_INT, RUN_SEC_CHIP, "ps", 0, PS_MAX, NULL,
     "router + link latency per hop (async)", P_HOP_PS},
    {"link_bits", "link-bits", RUN_PT_INT, RUN_SEC_CHIP, "bits", 1, 65536, NULL,
     "flit payload width", P_LINK_BITS},
    {"dram", "dram", RUN_PT_BOOL, RUN_SEC_DRAM, "", 0, 1, NULL,
     "stream every tile from DRAM for every token", P_DRAM},
    {"dram_burst_bytes", "burst", RUN_PT_INT, RUN_SEC_DRAM, "bytes", 8, BIG, NULL,
     "DRAM burst size", P_BURST},
    {"dram_bytes_per_cycle", "dram-bw", RUN_PT_INT, RUN_SEC_DRAM, "bytes/cycle", 1, BIG, NULL,
     "DRAM channel bandwidth per core (sync)", P_DRAM_BW},
    {"dram_latency_cycles", "dram-latency", RUN_PT_INT, RUN_SEC_DRAM, "cycles", 0, 1 << 30,
     NULL, "DRAM request to data (sync)", P_DRAM_LAT},
    {"dram_burst_ps", "dram-burst-ps", RUN_PT_INT, RUN_SEC_DRAM, "ps", 1, PS_MAX, NULL,
     "DRAM channel time per burst (async)", P_DRAM_BURST_PS},
    {"dram_latency_ps", "dram-latency-ps", RUN_PT_INT, RUN_SEC_DRAM, "ps", 0, PS_MAX, NULL,
     "DRAM request to data (async)", P_DRAM_LAT_PS},
    {"coding", "coding", RUN_PT_CHOICE, RUN_SEC_SPIKES, "", 0, 0,
     "binary|ternary|bitwise|bitwise-signed|bitwise-2c", "spike coding of the counts",
     P_CODING},
    {"k", "k", RUN_PT_REAL, RUN_SEC_SPIKES, "", 1e-6, 1e6, NULL,
     "adaptive-threshold divisor: vth = mean|x| / k", P_K},
    {"steps", "steps", RUN_PT_INT, RUN_SEC_SPIKES, "steps", 1, SPIKE_MAX_STEPS, "auto|token",
     "time steps T: auto (the coding's rule over all counts), token (per token) or fixed",
     P_STEPS},
    {"clamp", "clamp", RUN_PT_CLAMP, RUN_SEC_SPIKES, "", -2147483647.0, 2147483647.0, NULL,
     "clamp counts: on (-127:127), off, or MIN:MAX", P_CLAMP},
    {"group_size", "group", RUN_PT_INT, RUN_SEC_SPIKES, "weights", 0, 1 << 30, NULL,
     "weight quantization group along the input; 0 = one scale per output channel", P_GROUP},
    {"tech", "tech", RUN_PT_TEXT, RUN_SEC_ENERGY, "", 0, 0, NULL,
     "technology table: cal-osu018 (calibrated to gate level at 180 nm, the default), "
     "base-45nm (uncalibrated, assumed logic energies) or a CSV path", P_TECH},
    {"node_nm", "node", RUN_PT_INT, RUN_SEC_ENERGY, "nm", 0, 1000, NULL,
     "translate the table to this node (Stillmaker & Baas 2017); 0 = the table's own", P_NODE},
    {"vdd_v", "vdd", RUN_PT_REAL, RUN_SEC_ENERGY, "V", 0, 5, NULL,
     "supply voltage; 0 = the node's nominal", P_VDD},
    {"power_model", "model", RUN_PT_CHOICE, RUN_SEC_ENERGY, "", 0, 0, "realistic|ideal",
     "realistic pricing or SpikingBrain's idealised one", P_MODEL},
    {"baseline", "baseline", RUN_PT_CHOICE, RUN_SEC_ENERGY, "", 0, 0, POWER_BASE_KINDS,
     "baseline compared against: dense INT8, zero-skip, bit-serial or wide (docs/power.md)",
     P_BASELINE},
    {"base_lanes", "base-lanes", RUN_PT_INT, RUN_SEC_ENERGY, "lanes", 0, 4096, NULL,
     "lanes of the wide baseline; 0 = the fewest that match the spiking run's latency",
     P_BASE_LANES},
};
/* clang-format on */

#define NPARAM (sizeof TABLE / sizeof TABLE[0])

/* a and b equal with '-' and '_' taken as the same character */
int run_param_same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

int64_t *run_param_ps_field(run_job *j, int id)
{
    sim_config *c = &j->cfg;
    switch (id) {
    case P_T_REQ: return &c->t_req_ps;
    case P_T_ACK: return &c->t_ack_ps;
    case P_T_DECODE: return &c->t_decode_ps;
    case P_T_SRAM: return &c->t_sram_ps;
    case P_T_ADD: return &c->t_add_ps;
    case P_T_READOUT: return &c->t_readout_ps;
    case P_HOP_PS: return &c->hop_ps;
    case P_DRAM_BURST_PS: return &c->dram_burst_ps;
    case P_DRAM_LAT_PS: return &c->dram_latency_ps;
    default: return NULL;
    }
}

int *run_param_int_field(run_job *j, int id)
{
    sim_config *c = &j->cfg;
    switch (id) {
    case P_LANES: return &c->lanes;
    case P_FIFO: return &c->fifo_depth;
    case P_SRAM_LAT: return &c->sram_latency;
    case P_ACC_BITS: return &c->acc_bits;
    case P_READOUT_BITS: return &c->readout_bits;
    case P_DOUBLE_BUFFER: return &c->double_buffer;
    case P_ZERO_GATING: return &c->zero_gating;
    case P_ROW_REUSE: return &c->row_reuse;
    case P_BATCH_TOKENS: return &c->batch_tokens;
    case P_CLOCK_GATING: return &c->clock_gating;
    case P_HOP: return &c->hop_cycles;
    case P_LINK_BITS: return &c->link_bits;
    case P_DRAM: return &c->dram;
    case P_BURST: return &c->dram_burst_bytes;
    case P_DRAM_BW: return &c->dram_bytes_per_cycle;
    case P_DRAM_LAT: return &c->dram_latency;
    case P_NODE: return &j->node_nm;
    case P_BASE_LANES: return &j->base_lanes;
    default: return NULL;
    }
}

const run_param *run_param_table(size_t *n)
{
    *n = NPARAM;
    return TABLE;
}

const run_param *run_param_find(const char *name)
{
    for (size_t i = 0; name && i < NPARAM; i++)
        if (run_param_same_name(name, TABLE[i].key) || run_param_same_name(name, TABLE[i].flag))
            return &TABLE[i];
    return NULL;
}

const char *run_param_section_name(int section)
{
    switch (section) {
    case RUN_SEC_INPUT: return "input";
    case RUN_SEC_CORE: return "core";
    case RUN_SEC_TIMING: return "timing";
    case RUN_SEC_CHIP: return "chip";
    case RUN_SEC_DRAM: return "dram";
    case RUN_SEC_SPIKES: return "spikes";
    case RUN_SEC_ENERGY: return "energy";
    default: return "?";
    }
}

static ax_result bad(char **err, const run_param *p, const char *v, const char *why)
{
    return ax_fail(err, AX_EPARAM, "--%s '%s': %s", p->flag, v, why);
}

static int parse_bool(const char *v, int *out)
{
    static const char *on[] = {"on", "1", "true", "yes"}, *off[] = {"off", "0", "false", "no"};
    for (size_t i = 0; i < 4; i++) {
        if (!strcmp(v, on[i]))
            return *out = 1, 0;
        if (!strcmp(v, off[i]))
            return *out = 0, 0;
    }
    return -1;
}

/* index of v among the '|'-separated words, or -1 */
static int word_index(const char *words, const char *v)
{
    size_t n = strlen(v);
    int i = 0;
    for (const char *w = words; w && *w; i++) {
        const char *e = strchr(w, '|');
        size_t len = e ? (size_t)(e - w) : strlen(w);
        if (len == n && !strncmp(w, v, n))
            return i;
        w = e ? e + 1 : NULL;
    }
    return -1;
}

static ax_result parse_int(const run_param *p, const char *v, double lo, double hi, long long *out,
                           char **err)
{
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    char why[160];
    if (errno || end == v || *end || !*v || isspace((unsigned char)*v)) {
        snprintf(why, sizeof why, "not an integer (hint: %s in [%.0f, %.0f]%s%s)",
                 *p->unit ? p->unit : "a value", lo, hi, p->words ? " or " : "",
                 p->words ? p->words : "");
        return bad(err, p, v, why);
    }
    if ((double)x < lo || (double)x > hi) {
        snprintf(why, sizeof why, "out of range [%.0f, %.0f]%s%s", lo, hi, *p->unit ? " " : "",
                 p->unit);
        return bad(err, p, v, why);
    }
    *out = x;
    return AX_OK;
}

static ax_result parse_real(const run_param *p, const char *v, double *out, char **err)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    char why[160];
    if (errno || end == v || *end || !*v || isspace((unsigned char)*v) || !isfinite(x)) {
        snprintf(why, sizeof why, "not a finite number (hint: %s)", *p->unit ? p->unit : "e.g. 3");
        return bad(err, p, v, why);
    }
    if (x < p->lo || x > p->hi || (x == 0 && p->lo > 0)) {
        snprintf(why, sizeof why, "out of range [%g, %g]%s%s", p->lo, p->hi, *p->unit ? " " : "",
                 p->unit);
        return bad(err, p, v, why);
    }
    *out = x;
    return AX_OK;
}

static ax_result parse_pair(const run_param *p, const char *v, long long *a, long long *b,
                            char **err)
{
    const char *x = strpbrk(v, "xX");
    char first[32], why[160];
    snprintf(why, sizeof why, "not %s (hint: e.g. %s, each in [%.0f, %.0f])",
             p->id == P_TILE ? "ROWSxCOLS" : "WxH", p->id == P_TILE ? "128x128" : "4x4", p->lo,
             p->hi);
    if (!x || x == v || (size_t)(x - v) >= sizeof first)
        return bad(err, p, v, why);
    memcpy(first, v, (size_t)(x - v));
    first[x - v] = 0;
    if (parse_int(p, first, p->lo, p->hi, a, err) || parse_int(p, x + 1, p->lo, p->hi, b, err))
        return ax_fail(err, AX_EPARAM,
                       "--%s '%s': each side must be an integer in [%.0f, %.0f] "
                       "(hint: e.g. %s)",
                       p->flag, v, p->lo, p->hi, p->id == P_TILE ? "128x128" : "4x4");
    if ((*a == 0) != (*b == 0))
        return bad(err, p, v, "both sides 0 (automatic) or neither");
    return AX_OK;
}

ax_result run_param_set(run_job *j, const run_param *p, const char *v, char **err)
{
    if (!v)
        return ax_fail(err, AX_EPARAM, "--%s needs a value", p->flag);
    long long a = 0, b = 0;
    double d = 0;
    int w, on;
    ax_result r;
    switch (p->type) {
    case RUN_PT_TEXT:
        if (!*v)
            return bad(err, p, v, "empty (hint: leave the option out for the default)");
        if (p->id == P_LAYER)
            j->layer = v;
        else
            j->tech = v;
        return AX_OK;
    case RUN_PT_BOOL:
        if (parse_bool(v, &on))
            return bad(err, p, v, "expected on or off");
        *run_param_int_field(j, p->id) = on;
        return AX_OK;
    case RUN_PT_CHOICE:
        if ((w = word_index(p->words, v)) < 0) {
            char why[200];
            snprintf(why, sizeof why, "expected one of %s", p->words);
            return bad(err, p, v, why);
        }
        switch (p->id) {
        case P_TIMING: j->cfg.timing = w ? SIM_ASYNC : SIM_SYNC; break;
        case P_HANDSHAKE: j->cfg.handshake = w ? SIM_HS_4PHASE : SIM_HS_2PHASE; break;
        case P_MODEL: j->model = w ? POWER_IDEAL : POWER_REALISTIC; break;
        case P_BASELINE: j->baseline = (power_base_kind)w; break;
        case P_CODING: return spike_coding_parse(v, &j->coding, err) ? AX_EPARAM : AX_OK;
        }
        return AX_OK;
    case RUN_PT_PAIR:
        if ((r = parse_pair(p, v, &a, &b, err)))
            return r;
        if (p->id == P_TILE) {
            j->cfg.rows = (int)a;
            j->cfg.cols = (int)b;
        } else {
            j->cfg.mesh_w = (int)a;
            j->cfg.mesh_h = (int)b;
        }
        return AX_OK;
    case RUN_PT_CLAMP: {
        if (!parse_bool(v, &on)) {
            j->sp.clamp = on;
            if (on) {
                spike_params dflt;
                spike_params_default(&dflt);
                j->sp.cmin = dflt.cmin;
                j->sp.cmax = dflt.cmax;
            }
            return AX_OK;
        }
        const char *colon = strpbrk(v, ":,");
        char lo[32];
        if (!colon || colon == v || (size_t)(colon - v) >= sizeof lo)
            return bad(err, p, v, "expected on, off or MIN:MAX (hint: -127:127)");
        memcpy(lo, v, (size_t)(colon - v));
        lo[colon - v] = 0;
        if (parse_int(p, lo, p->lo, p->hi, &a, err) ||
            parse_int(p, colon + 1, p->lo, p->hi, &b, err))
            return bad(err, p, v, "MIN and MAX must be integers (hint: -127:127)");
        if (a > b)
            return bad(err, p, v, "empty range: MIN must be <= MAX (hint: -127:127)");
        j->sp.clamp = 1;
        j->sp.cmin = (int32_t)a;
        j->sp.cmax = (int32_t)b;
        return AX_OK;
    }
    case RUN_PT_REAL:
        if ((r = parse_real(p, v, &d, err)))
            return r;
        if (p->id == P_CLOCK)
            j->cfg.clock_mhz = d;
        else if (p->id == P_K)
            j->sp.k = (float)d;
        else
            j->vdd_v = d;
        return AX_OK;
    case RUN_PT_INT:
        if (p->words && (w = word_index(p->words, v)) >= 0) { /* steps: auto|token */
            j->steps = w ? SPIKE_STEPS_TOKEN : SPIKE_STEPS_AUTO;
            return AX_OK;
        }
        if ((r = parse_int(p, v, p->lo, p->hi, &a, err)))
            return r;
        if (p->id == P_STEPS)
            j->steps = (int)a;
        else if (p->id == P_GROUP)
            j->group = (size_t)a;
        else if (run_param_ps_field(j, p->id))
            *run_param_ps_field(j, p->id) = (int64_t)a;
        else
            *run_param_int_field(j, p->id) = (int)a;
        return AX_OK;
    }
    return ax_fail(err, AX_EPARAM, "--%s: unknown parameter type", p->flag);
}

/* edit distance of two short names, for "did you mean" */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];
    if (la >= 63 || lb >= 63)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (a[i - 1] != b[j - 1] && !((a[i - 1] == '-' || a[i - 1] == '_') &&
                                                           (b[j - 1] == '-' || b[j - 1] == '_')));
            row[j] = sub < row[j] + 1 ? sub : row[j] + 1;
            if (row[j - 1] + 1 < row[j])
                row[j] = row[j - 1] + 1;
            prev = cur;
        }
    }
    return row[lb];
}

ax_result run_param_set_name(run_job *j, const char *name, const char *value, char **err)
{
    const run_param *p = run_param_find(name);
    if (p)
        return run_param_set(j, p, value, err);
    const run_param *best = NULL;
    size_t bd = 4;
    for (size_t i = 0; i < NPARAM; i++) {
        size_t d1 = distance(name, TABLE[i].key), d2 = distance(name, TABLE[i].flag);
        size_t d = d1 < d2 ? d1 : d2;
        if (d < bd)
            bd = d, best = &TABLE[i];
    }
    if (best)
        return ax_fail(err, AX_EPARAM, "unknown parameter '%s' (hint: did you mean %s?)", name,
                       best->key);
    return ax_fail(err, AX_EPARAM, "unknown parameter '%s' (hint: `axon arch --list` lists them)",
                   name);
}

void run_param_get(const run_job *j, const run_param *p, char *out, size_t n)
{
    const sim_config *c = &j->cfg;
    run_job *mj = (run_job *)j; /* the field accessors are shared with set; nothing is written */
    switch (p->id) {
    case P_LAYER: snprintf(out, n, "%s", j->layer ? j->layer : ""); return;
    case P_TECH: snprintf(out, n, "%s", j->tech ? j->tech : ""); return;
    case P_TILE: snprintf(out, n, "%dx%d", c->rows, c->cols); return;
    case P_MESH: snprintf(out, n, "%dx%d", c->mesh_w, c->mesh_h); return;
    case P_TIMING: snprintf(out, n, "%s", c->timing == SIM_ASYNC ? "async" : "sync"); return;
    case P_HANDSHAKE: snprintf(out, n, "%d", c->handshake == SIM_HS_2PHASE ? 2 : 4); return;
    case P_MODEL: snprintf(out, n, "%s", j->model == POWER_IDEAL ? "ideal" : "realistic"); return;
    case P_CODING: snprintf(out, n, "%s", spike_coding_name(j->coding)); return;
    case P_BASELINE: snprintf(out, n, "%s", power_base_kind_name(j->baseline)); return;
    case P_CLOCK: snprintf(out, n, "%.17g", c->clock_mhz); return;
    case P_K: snprintf(out, n, "%.9g", (double)j->sp.k); return;
    case P_VDD: snprintf(out, n, "%.17g", j->vdd_v); return;
    case P_GROUP: snprintf(out, n, "%zu", j->group); return;
    case P_STEPS:
        if (j->steps == SPIKE_STEPS_AUTO)
            snprintf(out, n, "auto");
        else if (j->steps == SPIKE_STEPS_TOKEN)
            snprintf(out, n, "token");
        else
            snprintf(out, n, "%d", j->steps);
        return;
    case P_CLAMP: {
        spike_params dflt;
        spike_params_default(&dflt);
        if (!j->sp.clamp)
            snprintf(out, n, "off");
        else if (j->sp.cmin == dflt.cmin && j->sp.cmax == dflt.cmax)
            snprintf(out, n, "on");
        else
            snprintf(out, n, "%d:%d", (int)j->sp.cmin, (int)j->sp.cmax);
        return;
    }
    }
    if (p->type == RUN_PT_BOOL)
        snprintf(out, n, "%s", *run_param_int_field(mj, p->id) ? "on" : "off");
    else if (run_param_ps_field(mj, p->id))
        snprintf(out, n, "%lld", (long long)*run_param_ps_field(mj, p->id));
    else
        snprintf(out, n, "%d", *run_param_int_field(mj, p->id));
}
