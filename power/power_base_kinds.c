/*
 * power_base_kinds — the baselines the spiking core can be compared against
 * (`--baseline`, docs/power.md "Baselines"), each the tile of power_base.c
 * (same SRAM macro, C accumulators of A bits, FIFO, readout, mesh, clock)
 * with another MAC datapath, priced with the cycle count its circuit needs
 * for the run's activations:
 *   dense      every activation multiplied (power_base.c, unchanged);
 *   zero-skip  dense with a zero detect (rtl/axon_mac_baseline.sv, ZS=1): a
 *              zero activation is not delivered, reads no row and does no
 *              MAC; DRAM bursts of all-zero activations are skipped as the
 *              spiking core skips them;
 *   bit-serial shift-add lanes (rtl/axon_mac_bitserial.sv): a word read once
 *              per activation, held for P cycles, one bit-plane of |x| per
 *              cycle, an add (and accumulator write) per set bit, a gated lane
 *              per clear bit; P = bit length of the run's largest |x|
 *              (Stripes, Judd et al., MICRO 2016, with Pragmatic's gating of
 *              zero bits, Albericio et al., MICRO 2017);
 *   wide       dense with Lw lanes (Lw weights per word): --base-lanes, or
 *              0 = the fewest lanes whose latency is at most the spiking
 *              run's (equal throughput), at most min(C, out).
 * With rows processed Rp (dense, bit-serial, wide: tokens·in; zero-skip: the
 * nonzero activations), Σw = Σ_cb ⌈C_used(cb)/Lw⌉, ncb = ⌈out/C⌉:
 *   words = Rp·Σw, deliveries = Rp·ncb, MACs = Rp·out (bit-serial: adds =
 *   ones·out, gated = (tokens·in·P − ones)·out), cycles = Σ_t busiest
 *   row-block's rows · ⌈C_eff/Lw⌉ · (P or 1) + tokens·(Ls + B), and the
 *   energy terms of power_base.c with these counts.
 * Areas: the MAC tile from synthesis (rtl/synth/base_synth.sh rows of
 * power/tech/area_osu018.csv) at exactly these parameters when the table
 * has them; otherwise each synthesized part scaled by what sizes it — the
 * int8 multipliers by L only, adders and shift-add lanes by L·A,
 * accumulators and readout by C·A — and the report says so
 * (base_area_exact 0); a set of the same kind (ZS, P) is preferred. The area
 * by part (lanes, accumulators, readout) is the kind's own, at its lanes and
 * bit-planes, in the fair figures as in the total.
 * --batch-tokens N: one word read serves N tokens in every kind (dense and
 * wide: words / N; bit-serial holds the word N·P cycles; zero-skip reads a row
 * once per batch holding a nonzero activation there, power_act_stats_batch).
 */
#include "power_base_cal.h"
#include "power_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const KIND_NAMES[] = {"dense", "zero-skip", "bit-serial", "wide"};

int power_base_kind_parse(const char *s, power_base_kind *out)
{
    for (int i = 0; s && i < 4; i++)
        if (!strcmp(s, KIND_NAMES[i])) {
            *out = (power_base_kind)i;
            return 0;
        }
    return -1;
}

const char *power_base_kind_name(power_base_kind k)
{
    return (int)k >= 0 && (int)k < 4 ? KIND_NAMES[k] : "?";
}

static int bit_length(uint32_t v)
{
    int n = 0;
    for (; v; v >>= 1)
        n++;
    return n;
}

ax_result power_act_stats_compute(const int32_t *counts, size_t tokens, size_t in, int rows,
                                  power_act_stats *s, char **err)
{
    memset(s, 0, sizeof *s);
    if (rows < 1 || (!counts && tokens * in > 0))
        return ax_fail(err, AX_EPARAM, "activation statistics: rows %d must be >= 1", rows);
    size_t R = (size_t)rows, nrb = (in + R - 1) / R;
    uint32_t amax = 0;
    for (size_t t = 0; t < tokens; t++) {
        const int32_t *x = counts + t * in;
        size_t best_nz = 0, best_rows = 0;
        for (size_t rb = 0; rb < nrb; rb++) {
            size_t lo = rb * R, hi = lo + R < in ? lo + R : in, nz = 0;
            for (size_t i = lo; i < hi; i++) {
                uint32_t a = x[i] < 0 ? (uint32_t)0 - (uint32_t)x[i] : (uint32_t)x[i];
                nz += a != 0;
                s->ones += __builtin_popcount(a);
                if (a > amax)
                    amax = a;
            }
            best_nz = nz > best_nz ? nz : best_nz;
            best_rows = hi - lo > best_rows ? hi - lo : best_rows;
        }
        s->nz_busy += (double)best_nz;
        s->rows_busy += (double)best_rows;
    }
    for (size_t n = 0; n < tokens * in; n++)
        s->nonzero += counts[n] != 0;
    s->acts = (double)tokens * (double)in;
    s->planes = amax ? bit_length(amax) : 1;
    return AX_OK;
}

ax_result power_act_stats_batch(const int32_t *counts, size_t tokens, size_t in, int batch,
                                power_act_stats *s, char **err)
{
    if (batch < 1 || (!counts && tokens * in > 0))
        return ax_fail(err, AX_EPARAM,
                       "activation statistics: batch of %d tokens must be >= 1 "
                       "(hint: --batch-tokens 1..64)",
                       batch);
    double n = 0;
    size_t N = (size_t)batch;
    for (size_t b0 = 0; b0 < tokens; b0 += N) {
        size_t b1 = b0 + N < tokens ? b0 + N : tokens;
        for (size_t i = 0; i < in; i++) {
            int any = 0;
            for (size_t t = b0; t < b1 && !any; t++)
                any = counts[t * in + i] != 0;
            n += any;
        }
    }
    s->batch = batch;
    s->nz_batched = n;
    return AX_OK;
}

ax_result power_weight_nonzero_cols(const int8_t *q, size_t in, size_t out, uint32_t *nzcol,
                                    char **err)
{
    if (!q && in * out > 0)
        return ax_fail(err, AX_EPARAM, "weight statistics: no weights");
    uint8_t *nz8 = calloc(in ? in : 1, 1);
    if (!nz8)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    memset(nzcol, 0, in * sizeof *nzcol);
    /* one pass in memory order: byte counters over blocks of 255 rows (they
     * cannot wrap), eight columns per 64-bit word (SWAR: a byte's high bit
     * set iff the byte is nonzero), flushed into 32-bit counts (out < 2^32) */
    const uint64_t lo7 = 0x7f7f7f7f7f7f7f7full, hi = 0x8080808080808080ull;
    size_t in8 = in / 8 * 8;
    for (size_t o0 = 0; o0 < out; o0 += 255) {
        size_t o1 = o0 + 255 < out ? o0 + 255 : out;
        memset(nz8, 0, in);
        for (size_t o = o0; o < o1; o++) {
            const int8_t *row = q + o * in;
            for (size_t i = 0; i < in8; i += 8) {
                uint64_t w, c;
                memcpy(&w, row + i, 8);
                memcpy(&c, nz8 + i, 8);
                c += ((((w & lo7) + lo7) | w) & hi) >> 7; /* no carry across bytes */
                memcpy(nz8 + i, &c, 8);
            }
            for (size_t i = in8; i < in; i++)
                nz8[i] += row[i] != 0;
        }
        for (size_t i = 0; i < in; i++)
            nzcol[i] += nz8[i];
    }
    free(nz8);
    return AX_OK;
}

ax_result power_act_stats_weight_cols(const int32_t *counts, size_t tokens, size_t in,
                                      const uint32_t *nzcol, power_act_stats *s, char **err)
{
    if ((!counts && tokens * in > 0) || (!nzcol && in > 0))
        return ax_fail(err, AX_EPARAM, "activation statistics: no weights or counts");
    double n = 0, nb = 0;
    for (size_t t = 0; t < tokens; t++)
        for (size_t i = 0; i < in; i++) {
            int32_t v = counts[t * in + i];
            uint32_t a = v < 0 ? (uint32_t)0 - (uint32_t)v : (uint32_t)v;
            double w = (double)nzcol[i];
            n += a ? w : 0;
            nb += a ? __builtin_popcount(a) * w : 0;
        }
    s->weights = 1;
    s->macs_xw = n;
    s->ones_w = nb;
    s->w_nonzero = 0;
    for (size_t i = 0; i < in; i++)
        s->w_nonzero += (double)nzcol[i];
    return AX_OK;
}

ax_result power_act_stats_weights(const int32_t *counts, size_t tokens, size_t in, size_t out,
                                  const int8_t *q, power_act_stats *s, char **err)
{
    if ((!counts || !q) && tokens * in * out > 0)
        return ax_fail(err, AX_EPARAM, "activation statistics: no weights or counts");
    uint32_t *nzcol = malloc((in ? in : 1) * sizeof *nzcol);
    if (!nzcol)
        return ax_fail(err, AX_ENOMEM, "out of memory");
    ax_result rc = power_weight_nonzero_cols(q, in, out, nzcol, err);
    if (!rc)
        rc = power_act_stats_weight_cols(counts, tokens, in, nzcol, s, err);
    free(nzcol);
    return rc;
}

/* ---- the calibrated MAC tile (power_base_cal.c) ---- */

/* Replaces the arithmetic-row terms of a priced baseline (compute: MACs at
 * E(mult) + E(add) + A writes; clock: the assumed gated clock; readout:
 * beats x RB x E(beat)) by the calibrated tile's lanes and accumulators,
 * readout and clock as built (every flip-flop every cycle of the baseline's
 * run on every core: the tile's W x L x A accumulators and the core's other
 * clocked flip-flops of the area model, FIFO, read pipe and control, at the
 * same fitted energy per flip-flop-cycle). c: the tile (its lanes), rows:
 * activations fed, rows_nz: of them nonzero, wsum: words per row, planes:
 * the bit-serial tile's P (0: the MAC tile; the bit-serial one adds, for
 * every set bit of |x|, all L lanes of the word held, zero weights too). */
static ax_result base_cal_apply(const power_table *t, const sim_config *c, const sim_report *r,
                                const power_act_stats *st, double rows, double rows_nz, double wsum,
                                int planes, double clocked_flops, power_report *out, char **err)
{
    double cores = (double)(r->cores ? r->cores : 1), T = (double)r->tokens;
    double L = c->lanes, A = c->acc_bits;
    power_bcal_tile g = {c->cols, c->lanes, c->acc_bits, c->readout_bits, 0, planes};
    power_bcal_counts k = {0};
    k.tokens = T * cores;
    k.words = rows * wsum;
    k.macs = k.words * L;
    k.macs_x = rows_nz * wsum * L;
    k.macs_xw = st->macs_xw;
    k.beats = (double)r->total.readout_beats;
    k.cycles = out->base_cycles * cores;
    if (planes > 0) {
        k.adds = st->ones * wsum * L;
        k.adds_w = st->ones_w;
        k.planes_w = T * st->w_nonzero * planes; /* every activation held P cycles */
    }
    double e[POWER_BCAL_NCOMP], eflop, ebeat = 0;
    ax_result rc;
    if ((rc = power_bcal_price(t, &g, &k, e, err)) ||
        (rc = power_energy_pj(t, planes > 0 ? "bs_clock" : "base_clock", "flop_cycle", &eflop,
                              err)) ||
        (k.beats > 0 && (rc = power_energy_pj(t, "readout", "beat_bit", &ebeat, err))))
        return rc;
    double other = fmax(0, clocked_flops - L * A - c->readout_bits); /* FIFO, pipe, control */
    double compute = e[POWER_BCAL_LANES] + e[POWER_BCAL_ACC];
    double clock = e[POWER_BCAL_CLOCK] + eflop * other * k.cycles;
    double ro_old = k.beats * c->readout_bits * ebeat;
    double d = (compute - out->base_compute_pj) + (clock - out->base_clock_pj) +
               (e[POWER_BCAL_READOUT] - ro_old);
    out->base_compute_pj = compute;
    out->base_clock_pj = clock;
    out->base_memory_pj += e[POWER_BCAL_READOUT] - ro_old;
    out->base_realistic_pj += d;
    if (out->model != POWER_IDEAL) {
        double macs = T * (double)r->in * (double)r->out;
        out->base_energy_pj = out->base_realistic_pj;
        out->base_energy_pj_per_token = T > 0 ? out->base_energy_pj / T : 0;
        out->base_energy_pj_per_mac = macs > 0 ? out->base_energy_pj / macs : 0;
        out->base_power_mw = out->base_latency_ns > 0 ? out->base_energy_pj / out->base_latency_ns
                                                      : 0;
    }
    out->base_calibrated = 1;
    power_base_reductions(out);
    return AX_OK;
}

/* ---- area of the MAC tile from the synthesis rows ---- */

/* The first row of module with every key; exact: every value equal to want,
 * else same_last: the last key's (ZS, P: what makes the kind) equal. */
static const power_synth_row *synth_row(const power_table *t, const char *module,
                                        const char *const *keys, const double *want, int nkeys,
                                        int exact, int same_last)
{
    for (size_t i = 0; i < t->nsynth; i++) {
        const power_synth_row *r = &t->synth[i];
        if (strcmp(r->module, module))
            continue;
        int ok = 1;
        for (int k = 0; k < nkeys && ok; k++) {
            double v;
            if (!power_param_get(r->parameters, keys[k], &v))
                ok = 0; /* an older row without this parameter: never used */
            else if ((exact || (same_last && k == nkeys - 1)) && v != want[k])
                ok = 0;
        }
        if (ok)
            return r;
    }
    return NULL;
}

/* area of part `module.part` synthesized with params (0 when absent) */
static double synth_part(const power_table *t, const char *module, const char *part,
                         const char *params)
{
    char name[64];
    snprintf(name, sizeof name, "%s.%s", module, part);
    for (size_t i = 0; i < t->nsynth; i++)
        if (!strcmp(t->synth[i].module, name) && !strcmp(t->synth[i].parameters, params))
            return t->synth[i].area_um2;
    return 0;
}

double power_base_mac_synth(const power_table *t, const sim_config *c, power_base_kind kind,
                            int planes, double s, int *exact, power_mac_parts *parts)
{
    *exact = 0;
    power_mac_parts mp = {0, 0, 0};
    if (parts)
        *parts = mp;
    int bs = kind == POWER_BASE_BIT_SERIAL;
    const char *module = bs ? "axon_mac_bitserial" : "axon_mac_baseline";
    static const char *const keys[] = {"C", "L", "A", "RB", "ZS"}, *const bkeys[] = {"C", "L", "A",
                                                                                     "RB", "P"};
    double C = c->cols, L = c->lanes, A = c->acc_bits;
    double want[] = {C, L, A, c->readout_bits,
                     bs ? (planes > 0 ? planes : 8) : (kind == POWER_BASE_ZERO_SKIP)};
    const char *const *k = bs ? bkeys : keys;
    const power_synth_row *r = synth_row(t, module, k, want, 5, 1, 0);
    double area;
    if (r) { /* exactly these parameters: the tile, and its own parts */
        *exact = 1;
        area = r->area_um2;
        mp.lanes_um2 = bs ? synth_part(t, module, "lane", r->parameters)
                          : synth_part(t, module, "mul", r->parameters) +
                                synth_part(t, module, "add", r->parameters);
        mp.readout_um2 = synth_part(t, module, "readout", r->parameters);
        mp.acc_um2 = area - mp.lanes_um2 - mp.readout_um2; /* .acc, or all of an older row */
    } else {
        /* another synthesized set of this tile, of the same kind (ZS, P) where
         * the table has one: scale it part by part */
        if (!(r = synth_row(t, module, k, want, 5, 0, 1)) &&
            !(r = synth_row(t, module, k, want, 5, 0, 0)))
            return 0;
        double c0, l0, a0;
        if (!power_param_get(r->parameters, "C", &c0) ||
            !power_param_get(r->parameters, "L", &l0) ||
            !power_param_get(r->parameters, "A", &a0) || c0 <= 0 || l0 <= 0 || a0 <= 0)
            return 0;
        double ca = (C * A) / (c0 * a0), la = (L * A) / (l0 * a0);
        mp.acc_um2 = synth_part(t, module, "acc", r->parameters) * ca;
        mp.readout_um2 = synth_part(t, module, "readout", r->parameters) * ca;
        mp.lanes_um2 = bs ? synth_part(t, module, "lane", r->parameters) * la
                          : synth_part(t, module, "mul", r->parameters) * L / l0 +
                                synth_part(t, module, "add", r->parameters) * la;
        area = mp.acc_um2 + mp.readout_um2 + mp.lanes_um2;
        if (!(area > 0))
            return 0;
    }
    mp.lanes_um2 *= s;
    mp.acc_um2 *= s;
    mp.readout_um2 *= s;
    if (parts)
        *parts = mp;
    return area * s;
}

/* ---- energy and latency ---- */

static ax_result energy_of(const power_table *t, const char *c, const char *a, double count,
                           double *e, char **err)
{
    *e = 0;
    if (count <= 0)
        return AX_OK;
    return power_energy_pj(t, c, a, e, err);
}

/* Cycles of the busiest core for lanes lw (rows_busy rows per token, p
 * cycles per word), the tile of cfg. */
static double base_cycles(const sim_config *cfg, const sim_report *r, double rows_busy, double lw,
                          double p)
{
    double T = (double)r->tokens, Ceff = fmin(cfg->cols, (double)r->out);
    if (T == 0)
        return 0;
    double B = ceil(Ceff * cfg->acc_bits / cfg->readout_bits);
    return rows_busy * ceil(Ceff / lw) * p + T * (cfg->sram_latency + B);
}

/* the fewest lanes whose latency is at most the spiking run's */
static int match_lanes(const sim_config *cfg, const sim_report *r, double rows_busy, double f_mhz)
{
    int cmax = (int)fmin(cfg->cols, (double)(r->out ? r->out : 1));
    for (int lw = 1; lw < cmax; lw++)
        if (base_cycles(cfg, r, rows_busy, lw, 1) * 1e3 / f_mhz <= r->duration_ns)
            return lw;
    return cmax;
}

ax_result power_baseline_kind(const power_table *t, const sim_config *cfg, const sim_report *r,
                              const power_base_spec *b, power_report *out, char **err)
{
    const power_act_stats *st = b->acts;
    int cal = st && st->weights &&
              (b->kind == POWER_BASE_BIT_SERIAL ? power_table_has_bs_cal(t)
                                                : power_table_has_base_cal(t));
    out->base_calibrated = 0;
    if (b->kind == POWER_BASE_DENSE) {
        ax_result rc = power_baseline(t, cfg, r, out, err);
        if (rc || !cal)
            return rc;
        power_core_geom ca;
        int exact = 0;
        size_t ncb = (r->out + (size_t)cfg->cols - 1) / (size_t)cfg->cols;
        double wsum = 0;
        for (size_t cb = 0; cb < ncb; cb++)
            wsum += ceil(fmin(cfg->cols, (double)r->out - (double)cb * cfg->cols) / cfg->lanes);
        if ((rc = power_core_area_kind(t, cfg, 1, POWER_BASE_DENSE, 0, r->cores > 1, &ca, &exact,
                                       err)) ||
            (rc = base_cal_apply(t, cfg, r, st, st->acts, st->nonzero, wsum, 0, ca.clocked_flops,
                                 out, err)))
            return rc;
        return power_fair(t, cfg, r, out, err);
    }
    if (!st)
        return ax_fail(err, AX_EPARAM,
                       "baseline %s needs the run's activation statistics "
                       "(hint: power_act_stats_compute)",
                       power_base_kind_name(b->kind));
    const sim_counters *k = &r->total;
    double f = cfg->clock_mhz > 0 ? cfg->clock_mhz : 500; /* MHz */
    int zs = b->kind == POWER_BASE_ZERO_SKIP, bs = b->kind == POWER_BASE_BIT_SERIAL;
    sim_config c = *cfg; /* the baseline's tile: lanes of the wide one */
    if (b->kind == POWER_BASE_WIDE)
        c.lanes = b->lanes > 0 ? b->lanes : match_lanes(cfg, r, st->rows_busy, f);
    double T = (double)r->tokens, in = (double)r->in, o = (double)r->out;
    double R = c.rows, C = c.cols, L = c.lanes, A = c.acc_bits, P = bs ? st->planes : 1;
    size_t ncb = (r->out + (size_t)c.cols - 1) / (size_t)c.cols;
    size_t cores = r->cores ? r->cores : 1;
    double wsum = 0;
    for (size_t cb = 0; cb < ncb; cb++)
        wsum += ceil(fmin(C, o - (double)cb * C) / L);
    double rows = zs ? st->nonzero : st->acts;
    double words = rows * wsum, deliv = rows * (double)ncb, items = deliv + T * (double)cores;
    /* --batch-tokens N (weight-stationary): a word read serves the batch's N
     * tokens, as in the dense tile (power_base.c: words / N); zero-skip reads a
     * row for a batch when one of its N tokens has a nonzero activation there.
     * Cycles, compute and the clock are per token, unchanged. */
    int nb = cfg->batch_tokens > 1 ? cfg->batch_tokens : 1;
    if (zs && nb > 1 && st->batch != nb)
        return ax_fail(err, AX_EPARAM,
                       "baseline zero-skip with batch_tokens = %d needs the activation "
                       "statistics of batches of %d tokens (hint: power_act_stats_batch)",
                       nb, nb);
    double words_read = nb > 1 ? (zs ? st->nz_batched * wsum : words / nb) : words;
    double macs = bs ? 0 : rows * o, adds = bs ? st->ones * o : macs;
    double gated = bs ? fmax(0, st->acts * P - st->ones) * o : 0;
    ax_result rc;
    double mul8, add32, wbit, gate, dec, fifo, beat, flop, hop, dram, e64 = 0;
    if ((rc = energy_of(t, "mult", "int8", macs, &mul8, err)) ||
        (rc = energy_of(t, "add", "int32", adds + (double)k->reduce_adds, &add32, err)) ||
        (rc = energy_of(t, "reg", "write_bit", adds, &wbit, err)) ||
        (rc = energy_of(t, "add", "gated", gated, &gate, err)) ||
        (rc = energy_of(t, "core", "decode", deliv, &dec, err)) ||
        (rc = energy_of(t, "fifo", "push_pop", items, &fifo, err)) ||
        (rc = energy_of(t, "readout", "beat_bit", (double)k->readout_beats, &beat, err)) ||
        (rc = energy_of(t, "clock", "flop_cycle", words, &flop, err)))
        return rc;
    /* zero-skip fetches only the bursts the spiking core fetches (those
     * holding a nonzero activation); the others fetch every burst */
    double bursts = (double)k->dram_bursts + (zs ? 0 : (double)k->dram_bursts_skipped);
    if ((words > 0 || bursts > 0) && (rc = power_sram_read64_pj(t, R * C, &e64, err)))
        return rc;
    double nrb = ceil(in / R);
    double red_hops = (double)k->flit_hops - power_mcast_hops(cfg, r);
    double mcast_hops = ncb > 1 ? (rows + T * nrb) * (double)(ncb - 1) : 0;
    if ((rc = energy_of(t, "noc", "bit_hop", mcast_hops + red_hops, &hop, err)) ||
        (rc = energy_of(t, "dram", "read64", bursts, &dram, err)))
        return rc;

    double cycles = base_cycles(&c, r, zs ? st->nz_busy : st->rows_busy, L, P);
    double ns = cycles * 1e3 / f;
    power_core_geom ca; /* this kind's tile, part by part */
    int exact = 0;
    if ((rc = power_core_area_kind(t, &c, 1, b->kind, (int)P, cores > 1, &ca, &exact, err)))
        return rc;
    double busy = words * P + (double)k->readout_beats;
    double idle = fmax(0, (double)cores * cycles - busy);
    out->base_compute_pj = macs * mul8 + adds * (add32 * A / 32 + wbit * A) + gated * gate;
    out->base_memory_pj = words_read * e64 * L * 8 / 64 + deliv * dec + items * fifo +
                          (double)k->readout_beats * c.readout_bits * beat;
    out->base_clock_pj = ca.clocked_flops * flop * (busy + t->clock_idle_fraction * idle);
    out->base_noc_pj = (mcast_hops * POWER_EVENT_FLIT_BITS + red_hops * c.readout_bits) * hop +
                       (double)k->reduce_adds * add32 * A / 32;
    power_base_totals(out, bursts * t->dram_burst_bytes / 8 * (dram + e64), ca.leak_uw,
                      (double)cores, cycles, ns, ca.total_um2, T, T * in * o);
    out->base_kind = b->kind;
    out->base_lanes = c.lanes;
    out->base_planes = bs ? (int)P : 0;
    out->base_area_exact = exact;
    out->base_sram_pj = words_read * e64 * L * 8 / 64 + bursts * t->dram_burst_bytes / 8 * e64;
    power_base_reductions(out);
    if (cal && (rc = base_cal_apply(t, &c, r, st, rows, zs ? rows : st->nonzero, wsum,
                                    bs ? (int)P : 0, ca.clocked_flops, out, err)))
        return rc;
    /* the fair-comparison figures again, now against this baseline: power at
     * a common throughput (power_reduction_pct), break-even ev/act
     * (docs/power.md "Reading the comparison") */
    return power_fair(t, cfg, r, out, err);
}
