/*
 * axon-gate-base — the dense and zero-skip baselines at gate level
 * (docs/power.md "Baselines at gate level", make base-gate): the OSU018
 * netlist of rtl/axon_mac_baseline.sv (rtl/synth/base_gate.ys, Verilated with
 * the liberty's cell models) driven by deterministic streams, its VCD priced
 * by power/power_gate.c per component, next to the counts the baseline model
 * prices (power/power_base.c, power_base_kinds.c):
 *   lanes (g_lane[*]: int8 multipliers + A-bit adders) <-> MACs
 *   accumulators (top: registers, word multiplexers)   <-> MACs x A written bits
 *   readout (u_ro)                                     <-> beats x RB
 *   clock (clk: every flip-flop, no gating)            <-> flip-flops x cycles
 * A stream is profile:seed:tokens; per token R rows of one activation and W
 * words of L weights each (profiles below: share of zero activations, their
 * range, share of zero weights). With --zs the tile is the zero-skip one and
 * a zero activation is not fed (mac_skip), as its sequencer does.
 * Fit: one energy per component and counted unit, e = sum(gate) / sum(count)
 * over the training streams (the least-squares fit through the origin of
 * relative residuals with one feature, the calibration method of
 * power_cal.c); validation on the held-out streams: model = sum e x count vs
 * the gate-level total, and the uncalibrated model (the built-in table at
 * 180 nm, 1.8 V) beside it. Exit 1 when the total over the held-out streams
 * is off by more than --bound percent (default 10); single streams are shown
 * with their gap (the MAC energy depends on the data: zero weights and
 * activations toggle less, which the counts only partly carry).
 * usage: axon-gate-base --lib LIB --netlist JSON [--zs] --train LIST --hold LIST [--vcd-dir DIR]
 */
#include "Vaxon_mac_baseline.h"
#include "verilated.h"
#include "verilated_vcd_c.h"

extern "C" {
#include "../../power/power.h"
#include "../../power/power_gate.h"
}

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace
{

const int C = AXON_MAC_C, L = AXON_MAC_L, A = AXON_MAC_A, RB = AXON_MAC_RB, R = 16;
const int W = (C + L - 1) / L, B = (C * A + RB - 1) / RB;

struct profile {
    const char *name;
    double x_zero; // share of zero activations
    int x_max;     // |x| <= x_max
    double w_zero; // share of zero weights
};
const profile profiles[] = {
    {"mix", 0.25, 127, 0.3}, {"sparse", 0.8, 127, 0.3}, {"dense", 0.0, 127, 0.1},
    {"small", 0.2, 7, 0.3},  {"wzero", 0.3, 127, 0.8},  {"silent", 1.0, 127, 0.3},
};

enum { LANES, ACC, RO, CLK, NC };
const char *comp_names[NC] = {"lanes", "acc", "readout", "clock"};
/* features: lanes = e0 x MACs + e1 x MACs of a nonzero activation (a zero x
 * still moves the multiplier inputs, less), acc = e2 x bits written with a
 * nonzero activation (x = 0 writes the same value: no flop toggles), readout =
 * e3 x beat bits, clock = e4 x flip-flop cycles */
enum { F_MAC, F_MACNZ, F_ACC, F_RO, F_CLK, NF };

struct row {
    std::string stream;
    double x[NF];    // features
    double gate[NC]; // pJ
    double cycles, macs, beats, flops;
};

double gdyn(const power_gate_result &g, const char *prefix)
{
    double e = 0;
    for (int i = 0; i < g.ncomp; i++)
        if (!strncmp(g.comp[i].name, prefix, strlen(prefix)))
            e += g.comp[i].switch_pj + g.comp[i].internal_pj;
    return e;
}

bool run_stream(const std::string &spec, bool zs, power_gate_netlist *nl, const power_lib *lib,
                const std::string &vcd, row &out, char **err)
{
    char name[32] = "";
    unsigned seed = 1;
    int tokens = 4;
    if (sscanf(spec.c_str(), "%31[^:]:%u:%d", name, &seed, &tokens) < 2 || tokens < 1) {
        *err = strdup(("stream '" + spec + "': expected profile:seed[:tokens]").c_str());
        return false;
    }
    const profile *p = nullptr;
    for (const profile &q : profiles)
        if (!strcmp(q.name, name))
            p = &q;
    if (!p) {
        *err = strdup(
            ("stream '" + spec + "': unknown profile (mix, sparse, dense, small, wzero, silent)")
                .c_str());
        return false;
    }
    std::mt19937 rng(seed * 7919u + (unsigned)(p - profiles));
    auto uni = [&]() { return (double)(rng() % 1000000) / 1e6; };
    VerilatedContext ctx;
    ctx.traceEverOn(true);
    Vaxon_mac_baseline m{&ctx};
    VerilatedVcdC tr;
    m.trace(&tr, 99);
    tr.open(vcd.c_str());
    uint64_t t = 0;
    double cycles = 0, macs = 0, beats = 0, macs_nz = 0;
    auto tick = [&](bool count) {
        m.clk = 0;
        m.eval();
        tr.dump(t++);
        m.clk = 1;
        m.eval();
        tr.dump(t++);
        cycles += count;
    };
    m.rst_n = 0;
    m.mac_valid = 0;
    m.clr = 0;
    m.rd_beat = 0;
    m.mac_x = 0;
    m.mac_w = 0;
    m.mac_word = 0;
    tick(false);
    m.rst_n = 1;
    tick(false);
    for (int tok = 0; tok < tokens; tok++) {
        for (int i = 0; i < R; i++) {
            int x = uni() < p->x_zero ? 0 : (int)(rng() % (2 * p->x_max + 1)) - p->x_max;
            if (zs && x == 0)
                continue; // the zero-skip sequencer feeds nothing
            for (int w = 0; w < W; w++) {
                uint64_t word = 0;
                for (int l = 0; l < L; l++) {
                    int q = uni() < p->w_zero ? 0 : (int)(rng() % 255) - 127;
                    word |= (uint64_t)(uint8_t)q << (8 * l);
                }
                m.mac_valid = 1;
                m.mac_word = (uint32_t)w;
                m.mac_x = (uint8_t)x;
                m.mac_w = word;
                tick(true);
                macs += L;
                macs_nz += x != 0 ? L : 0;
            }
        }
        m.mac_valid = 0;
        for (int b = 0; b < B; b++) {
            m.rd_beat = (uint32_t)b;
            tick(true);
            beats++;
        }
        m.clr = 1;
        tick(true);
        m.clr = 0;
    }
    tr.close();
    m.final();
    size_t matched = 0;
    power_gate_reset(nl);
    if (power_gate_vcd_count(nl, vcd.c_str(), "axon_mac_baseline", &matched, err))
        return false;
    power_gate_params gp = {2e-3, 1e-3, 0.1, cycles * 2.0, "clk"};
    power_gate_result g;
    if (power_gate_energy(nl, lib, &gp, &g, err))
        return false;
    out.stream = spec;
    out.gate[LANES] = gdyn(g, "g_lane");
    out.gate[ACC] = gdyn(g, "top");
    out.gate[RO] = gdyn(g, "u_ro");
    out.gate[CLK] = g.clock_switch_pj + g.clock_internal_pj;
    out.x[F_MAC] = macs;
    out.x[F_MACNZ] = macs_nz;
    out.x[F_ACC] = macs_nz * A;
    out.x[F_RO] = beats * RB;
    out.x[F_CLK] = g.clock_pins * (cycles + 2); // + the two reset cycles, clocked too
    out.cycles = cycles;
    out.macs = macs;
    out.beats = beats;
    out.flops = g.clock_pins;
    return true;
}

std::vector<std::string> split(const char *s)
{
    std::vector<std::string> v;
    std::string cur;
    for (const char *c = s; *c; c++)
        if (*c == ',') {
            if (!cur.empty())
                v.push_back(cur);
            cur.clear();
        } else
            cur += *c;
    if (!cur.empty())
        v.push_back(cur);
    return v;
}

double pct(double model, double gate)
{
    return gate > 0 ? 100.0 * (model / gate - 1) : 0;
}

} // namespace

int main(int argc, char **argv)
{
    const char *libp = nullptr, *json = nullptr, *train = nullptr, *hold = nullptr, *dir = "/tmp";
    bool zs = false;
    double bound = 10;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto next = [&]() { return i + 1 < argc ? argv[++i] : (char *)""; };
        if (a == "--lib")
            libp = next();
        else if (a == "--netlist")
            json = next();
        else if (a == "--train")
            train = next();
        else if (a == "--hold")
            hold = next();
        else if (a == "--vcd-dir")
            dir = next();
        else if (a == "--bound")
            bound = atof(next());
        else if (a == "--zs")
            zs = true;
        else {
            fprintf(stderr, "axon-gate-base: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (!libp || !json || !train || !hold) {
        fprintf(stderr,
                "usage: axon-gate-base --lib LIB --netlist JSON [--zs] --train LIST --hold LIST\n");
        return 2;
    }
    char *err = nullptr;
    power_lib *lib = nullptr;
    power_gate_netlist *nl = nullptr;
    if (power_lib_load(libp, &lib, &err) ||
        power_gate_netlist_load(json, "axon_mac_baseline", lib, nullptr, &nl, &err)) {
        fprintf(stderr, "axon-gate-base: %s\n", err);
        return 1;
    }
    // the uncalibrated model: the built-in table at 180 nm / 1.8 V
    power_table *t = nullptr;
    double e_mul, e_add, e_wbit, e_beat, e_flop;
    if (power_table_open(nullptr, 180, 1.8, &t, &err) ||
        power_energy_pj(t, "mult", "int8", &e_mul, &err) ||
        power_energy_pj(t, "add", "int32", &e_add, &err) ||
        power_energy_pj(t, "reg", "write_bit", &e_wbit, &err) ||
        power_energy_pj(t, "readout", "beat_bit", &e_beat, &err) ||
        power_energy_pj(t, "clock", "flop_cycle", &e_flop, &err)) {
        fprintf(stderr, "axon-gate-base: %s\n", err);
        return 1;
    }
    double e_unc[NC] = {e_mul + e_add * A / 32, e_wbit, e_beat, e_flop};
    std::string vcd = std::string(dir) + "/axon-gate-base." + std::to_string(getpid()) + ".vcd";
    std::vector<row> tr_rows, ho_rows;
    for (int pass = 0; pass < 2; pass++)
        for (const std::string &s : split(pass ? hold : train)) {
            row r;
            if (!run_stream(s, zs, nl, lib, vcd, r, &err)) {
                fprintf(stderr, "axon-gate-base: %s\n", err);
                remove(vcd.c_str());
                return 1;
            }
            (pass ? ho_rows : tr_rows).push_back(r);
        }
    remove(vcd.c_str());
    /* per component, least squares of relative residuals (power_cal.c's
     * choice): one feature e = sum(g x / g^2) / sum(x^2 / g^2); lanes two,
     * solved by the 2x2 normal equations and clamped to e >= 0 */
    double e[NF] = {0};
    auto fit1 = [&](int c, int f) {
        double num = 0, den = 0;
        for (const row &r : tr_rows)
            if (r.gate[c] > 0) {
                num += r.x[f] / r.gate[c];
                den += r.x[f] * r.x[f] / (r.gate[c] * r.gate[c]);
            }
        e[f] = den > 0 ? num / den : 0;
    };
    {
        double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
        for (const row &r : tr_rows) {
            double g = r.gate[LANES];
            if (g <= 0)
                continue;
            double u = r.x[F_MAC] / g, v = r.x[F_MACNZ] / g;
            a11 += u * u;
            a12 += u * v;
            a22 += v * v;
            b1 += u;
            b2 += v;
        }
        double det = a11 * a22 - a12 * a12;
        if (det > 0) {
            e[F_MAC] = (b1 * a22 - b2 * a12) / det;
            e[F_MACNZ] = (a11 * b2 - a12 * b1) / det;
        }
        if (!(det > 0) || e[F_MAC] < 0 || e[F_MACNZ] < 0) {
            e[F_MAC] = e[F_MACNZ] = 0;
            fit1(LANES, F_MAC);
        }
    }
    fit1(ACC, F_ACC);
    fit1(RO, F_RO);
    fit1(CLK, F_CLK);
    auto model = [&](const row &r, int c, const double *ee) {
        switch (c) {
        case LANES: return ee[F_MAC] * r.x[F_MAC] + ee[F_MACNZ] * r.x[F_MACNZ];
        case ACC: return ee[F_ACC] * r.x[F_ACC];
        case RO: return ee[F_RO] * r.x[F_RO];
        default: return ee[F_CLK] * r.x[F_CLK];
        }
    };
    /* the uncalibrated model counts every MAC and every write */
    double eu[NF] = {e_unc[LANES], 0, e_unc[ACC], e_unc[RO], e_unc[CLK]};
    printf("# %s baseline tile C=%d L=%d A=%d RB=%d, %.0f flip-flops, OSU018 1.8 V; fitted on %zu "
           "streams\n",
           zs ? "zero-skip" : "dense", C, L, A, RB, tr_rows.empty() ? 0.0 : tr_rows[0].flops,
           tr_rows.size());
    printf("fitted (180 nm): lanes %.4g pJ/MAC + %.4g pJ/MAC of a nonzero activation, acc %.4g "
           "pJ/written bit, "
           "readout %.4g pJ/beat bit, clock %.4g pJ/flop-cycle\n",
           e[F_MAC], e[F_MACNZ], e[F_ACC], e[F_RO], e[F_CLK]);
    printf("uncalibrated (built-in table at 180 nm): %.4g pJ/MAC (mult int8 + add int32 x A/32), "
           "%.4g, %.4g, %.4g (per clocked flop)\n",
           e_unc[LANES], e_unc[ACC], e_unc[RO], e_unc[CLK]);
    printf("| stream | cycles | MACs | gate (pJ) | calibrated | gap | lanes | acc | readout | "
           "clock |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|\n");
    bool bad = false;
    double sg[NC] = {0}, sm[NC] = {0}, tg = 0, tm = 0, tu = 0;
    for (const row &r : ho_rows) {
        double g = 0, mm = 0, mu = 0;
        for (int c = 0; c < NC; c++) {
            double xu = c == ACC ? r.x[F_MAC] * A : model(r, c, eu);
            g += r.gate[c];
            mm += model(r, c, e);
            mu += c == ACC ? eu[F_ACC] * xu : xu;
            sg[c] += r.gate[c];
            sm[c] += model(r, c, e);
        }
        tg += g;
        tm += mm;
        tu += mu;
        bool off = fabs(pct(mm, g)) > bound; /* shown; the bound applies to the sum */
        printf("| %s | %.0f | %.0f | %.1f | %.1f | %+.1f %%%s |", r.stream.c_str(), r.cycles,
               r.macs, g, mm, pct(mm, g), off ? " OUT" : "");
        for (int c = 0; c < NC; c++)
            printf(" %+.1f %% |", pct(model(r, c, e), r.gate[c]));
        printf("\n");
    }
    printf("held-out sum: gate %.1f pJ, calibrated model %.1f pJ (%+.1f %%), uncalibrated model "
           "%.1f pJ (%+.1f %%);",
           tg, tm, pct(tm, tg), tu, pct(tu, tg));
    for (int c = 0; c < NC; c++)
        printf(" %s %+.1f %%", comp_names[c], pct(sm[c], sg[c]));
    bad = fabs(pct(tm, tg)) > bound;
    printf("\n%s: calibrated model within +-%.0f %% of gate level on the held-out total (%+.1f "
           "%%)\n",
           bad ? "FAIL" : "ok", bound, pct(tm, tg));
    power_gate_netlist_free(nl);
    power_lib_free(lib);
    power_table_free(t);
    return bad ? 1 : 0;
}
