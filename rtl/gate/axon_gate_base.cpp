/*
 * axon-gate-base — the baselines' MAC tile at gate level, measured (docs/power.md
 * "Baselines at gate level", make base-gate): the OSU018 netlist of
 * rtl/axon_mac_baseline.sv (rtl/synth/base_gate.ys, Verilated with the
 * liberty's cell models) driven by deterministic streams, its VCD priced by
 * power/power_gate.c per component, written as one CSV row per stream
 * (power/power_base_cal.h defines the columns) next to the counts the
 * baseline model prices:
 *   lanes (g_lane[*]: int8 multipliers + A-bit adders)  <-> lanes fed, with a nonzero
 *                                                           activation, with a nonzero product
 *   accumulators (top: registers, word multiplexers)    <-> lanes fed, nonzero products, clears
 *   readout (u_ro)                                      <-> beats
 *   clock (clk: every flip-flop, no gating)             <-> flip-flops x cycles
 * A stream is profile:seed:tokens; per token R rows of one activation and W
 * words of L weights each (profiles below: share of zero activations, their
 * range, share of zero weights; act: the activations and weights of
 * axon_gate_acts.h, the ones axon-gate-char feeds the spiking core). The zero-skip tile (AXON_MAC_ZS = 1) is fed
 * as its sequencer feeds it: a zero activation is not fed at all. Built with AXON_MAC_P the driver
 * measures the bit-serial tile (rtl/axon_mac_bitserial.sv, rtl/synth/bs_gate.ys):
 * each word is held P cycles, one bit-plane of |x| per cycle (|x| < 2^P),
 * counted as lane additions (set bits x L) and those with a nonzero weight.
 * Nothing is fitted here: `axon calibrate --base-train` fits the rows
 * (power/power_base_cal.c) and validates them on held-out streams and tiles.
 * usage: axon-gate-base --set NAME --lib LIB --netlist JSON --streams LIST --out CSV [--vcd-dir DIR]
 */
#ifdef AXON_MAC_P /* the bit-serial tile (rtl/axon_mac_bitserial.sv) */
#include "Vaxon_mac_bitserial.h"
#define AXON_BS 1
typedef Vaxon_mac_bitserial top_t;
static const char *const TOP = "axon_mac_bitserial";
#else
#include "Vaxon_mac_baseline.h"
#define AXON_BS 0
#define AXON_MAC_P 0
typedef Vaxon_mac_baseline top_t;
static const char *const TOP = "axon_mac_baseline";
#endif
#ifndef AXON_MAC_ZS
#define AXON_MAC_ZS 0
#endif
#include "verilated.h"
#include "verilated_vcd_c.h"

extern "C" {
#include "axon_gate_acts.h"
#include "../../power/power.h"
#include "../../power/power_base_cal.h"
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

const int C = AXON_MAC_C, L = AXON_MAC_L, A = AXON_MAC_A, RB = AXON_MAC_RB, ZS = AXON_MAC_ZS,
          P = AXON_MAC_P, R = 16;
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

/* A word of L int8 weights onto the weight port: an integer port for
 * L <= 8 lanes, Verilator's VlWide (32-bit words) for wider tiles (the
 * default tile's L = 16 is a 128-bit port). */
template <typename T> void set_word(T &port, const uint8_t *b)
{
    uint64_t v = 0;
    for (int l = 0; l < L && l < 8; l++)
        v |= (uint64_t)b[l] << (8 * l);
    port = (T)v;
}
template <std::size_t N> void set_word(VlWide<N> &port, const uint8_t *b)
{
    for (std::size_t k = 0; k < N; k++) {
        uint32_t v = 0;
        for (int i = 0; i < 4; i++)
            if ((int)(4 * k) + i < L)
                v |= (uint32_t)b[4 * k + i] << (8 * i);
        port[k] = v;
    }
}

double gdyn(const power_gate_result &g, const char *prefix)
{
    double e = 0;
    for (int i = 0; i < g.ncomp; i++)
        if (!strncmp(g.comp[i].name, prefix, strlen(prefix)))
            e += g.comp[i].switch_pj + g.comp[i].internal_pj;
    return e;
}

bool run_stream(const std::string &spec, power_gate_netlist *nl, const power_lib *lib,
                const std::string &vcd, power_bcal_row &out, char **err)
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
    /* act: the activations and weights of axon_gate_acts.h, the ones
     * axon-gate-char feeds the spiking core (profile act there too) */
    bool act = !strcmp(name, "act");
    std::vector<int8_t> ax, aq;
    if (act) {
        ax.resize((size_t)tokens * R);
        aq.resize((size_t)C * R);
        axon_acts_make(seed, tokens, R, C, ax.data(), aq.data());
        p = &profiles[0];
    }
    if (!p) {
        *err = strdup(("stream '" + spec +
                       "': unknown profile (mix, sparse, dense, small, wzero, silent, act)")
                          .c_str());
        return false;
    }
    std::mt19937 rng(seed * 7919u + (unsigned)(p - profiles));
    auto uni = [&]() { return (double)(rng() % 1000000) / 1e6; };
    VerilatedContext ctx;
    ctx.traceEverOn(true);
    top_t m{&ctx};
    VerilatedVcdC tr;
    m.trace(&tr, 99);
    tr.open(vcd.c_str());
    uint64_t t = 0;
    double cycles = 0, words = 0, macs = 0, macs_x = 0, macs_xw = 0, beats = 0, tokens_done = 0;
    double adds = 0, adds_w = 0, planes_w = 0;
    auto tick = [&]() { /* every cycle is clocked, the reset ones too */
                        m.clk = 0;
                        m.eval();
                        tr.dump(t++);
                        m.clk = 1;
                        m.eval();
                        tr.dump(t++);
                        cycles++;
    };
    m.rst_n = 0;
    const uint8_t zero_word[L] = {0};
#if AXON_BS
    m.in_valid = 0;
    m.in_x = 0;
    set_word(m.in_w, zero_word);
    m.in_word = 0;
#else
    m.mac_valid = 0;
    m.mac_x = 0;
    set_word(m.mac_w, zero_word);
    m.mac_word = 0;
#endif
    m.clr = 0;
    m.rd_beat = 0;
    tick();
    m.rst_n = 1;
    tick();
    for (int tok = 0; tok < tokens; tok++) {
        for (int i = 0; i < R; i++) {
            int xm = AXON_BS && p->x_max > (1 << P) - 1 ? (1 << P) - 1 : p->x_max;
            int x = uni() < p->x_zero ? 0 : (int)(rng() % (2 * xm + 1)) - xm;
            if (act) /* the bit-serial tile takes |x| < 2^P */
                x = ax[(size_t)tok * R + i] < -xm  ? -xm
                    : ax[(size_t)tok * R + i] > xm ? xm
                                                   : ax[(size_t)tok * R + i];
            if (ZS && x == 0)
                continue; // the zero-skip sequencer feeds nothing
            for (int w = 0; w < W; w++) {
                uint8_t word[L];
                double nzw = 0;
                for (int l = 0; l < L; l++) {
                    int q = uni() < p->w_zero ? 0 : (int)(rng() % 255) - 127;
                    if (act)
                        q = w * L + l < C ? aq[(size_t)(w * L + l) * R + i] : 0;
                    word[l] = (uint8_t)q;
                    nzw += q != 0;
                }
#if AXON_BS
                m.in_valid = 1;
                m.in_word = (uint32_t)w;
                m.in_x = (uint8_t)x;
                set_word(m.in_w, word);
                m.eval();
                while (!m.in_ready) /* the previous word's planes */
                    tick();
                tick(); /* taken */
                m.in_valid = 0;
                int ones = __builtin_popcount((unsigned)(x < 0 ? -x : x));
                adds += ones * L;
                adds_w += ones * nzw;
                planes_w += P * nzw;
#else
                m.mac_valid = 1;
                m.mac_word = (uint32_t)w;
                m.mac_x = (uint8_t)x;
                set_word(m.mac_w, word);
                tick();
#endif
                words++;
                macs += L;
                macs_x += x != 0 ? L : 0;
                macs_xw += x != 0 ? nzw : 0;
            }
        }
#if AXON_BS
        if (words > 0) /* the last word's P planes */
            for (int b = 0; b < P; b++)
                tick();
#else
        m.mac_valid = 0;
#endif
        for (int b = 0; b < B; b++) {
            m.rd_beat = (uint32_t)b;
            tick();
            beats++;
        }
        m.clr = 1;
        tick();
        m.clr = 0;
        tokens_done++;
    }
    tr.close();
    m.final();
    size_t matched = 0;
    power_gate_reset(nl);
    if (power_gate_vcd_count(nl, vcd.c_str(), TOP, &matched, err))
        return false;
    power_gate_params gp = {2e-3, 1e-3, 0.1, cycles * 2.0, "clk"};
    power_gate_result g;
    if (power_gate_energy(nl, lib, &gp, &g, err))
        return false;
    memset(&out, 0, sizeof out);
    snprintf(out.stream, sizeof out.stream, "%s", spec.c_str());
    out.g = {C, L, A, RB, ZS, P};
    out.k.adds = adds;
    out.k.adds_w = adds_w;
    out.k.planes_w = planes_w;
    out.gate_pj[POWER_BCAL_LANES] = gdyn(g, "g_lane");
    out.gate_pj[POWER_BCAL_ACC] = gdyn(g, "top");
    out.gate_pj[POWER_BCAL_READOUT] = gdyn(g, "u_ro");
    out.gate_pj[POWER_BCAL_CLOCK] = g.clock_switch_pj + g.clock_internal_pj;
    out.k.tokens = tokens_done;
    out.k.words = words;
    out.k.macs = macs;
    out.k.macs_x = macs_x;
    out.k.macs_xw = macs_xw;
    out.k.beats = beats;
    out.k.cycles = cycles;
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

} // namespace

int main(int argc, char **argv)
{
    const char *libp = nullptr, *json = nullptr, *streams = nullptr, *outp = nullptr,
               *set = nullptr, *dir = "/tmp";
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto next = [&]() { return i + 1 < argc ? argv[++i] : (char *)""; };
        if (a == "--lib")
            libp = next();
        else if (a == "--netlist")
            json = next();
        else if (a == "--streams")
            streams = next();
        else if (a == "--out")
            outp = next();
        else if (a == "--set")
            set = next();
        else if (a == "--vcd-dir")
            dir = next();
        else {
            fprintf(stderr, "axon-gate-base: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (!libp || !json || !streams || !outp || !set || !*set || strlen(set) > 31 ||
        strpbrk(set, ",\"")) {
        fprintf(stderr, "usage: axon-gate-base --set NAME --lib LIB --netlist JSON --streams LIST "
                        "--out CSV [--vcd-dir DIR]\n");
        return 2;
    }
    char *err = nullptr;
    power_lib *lib = nullptr;
    power_gate_netlist *nl = nullptr;
    if (power_lib_load(libp, &lib, &err) ||
        power_gate_netlist_load(json, TOP, lib, nullptr, &nl, &err)) {
        fprintf(stderr, "axon-gate-base: %s\n", err);
        return 1;
    }
    double cells = power_gate_netlist_cells(nl);
    std::string vcd = std::string(dir) + "/axon-gate-base." + std::to_string(getpid()) + ".vcd";
    std::string tmp = std::string(outp) + ".tmp";
    FILE *f = fopen(tmp.c_str(), "w");
    if (!f) {
        fprintf(stderr, "axon-gate-base: cannot write %s (hint: check the directory)\n",
                tmp.c_str());
        return 1;
    }
    power_bcal_write_header(f);
    int rc = 0;
    for (const std::string &s : split(streams)) {
        power_bcal_row r;
        if (!run_stream(s, nl, lib, vcd, r, &err)) {
            fprintf(stderr, "axon-gate-base: %s\n", err);
            rc = 1;
            break;
        }
        snprintf(r.set, sizeof r.set, "%s", set);
        r.cells = cells;
        power_bcal_write_row(f, &r);
        printf("%s %s: %.0f cycles, %.0f lanes fed, gate %.1f pJ\n", set, s.c_str(), r.k.cycles,
               r.k.macs, r.gate_pj[0] + r.gate_pj[1] + r.gate_pj[2] + r.gate_pj[3]);
    }
    remove(vcd.c_str());
    if (fclose(f) || rc || rename(tmp.c_str(), outp)) {
        remove(tmp.c_str());
        if (!rc)
            fprintf(stderr, "axon-gate-base: cannot write %s\n", outp);
        rc = 1;
    }
    power_gate_netlist_free(nl);
    power_lib_free(lib);
    return rc;
}
