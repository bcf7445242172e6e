/*
 * axon_sc_top — the Verilated core (verilator --sc) inside a small SystemC top,
 * the way to put axon's core into a virtual platform (docs/rtl.md "SystemC").
 *
 *   source (SC_THREAD) --sc_fifo<sc_item>--> driver (SC_THREAD, valid/ready pins)
 *       --> Vaxon_core (SC_MODULE, clock 500 MHz) --> readout pins
 *       --> driver --sc_fifo<sc_beat>--> sink (SC_THREAD: accumulators per token)
 *
 * Cycle c of docs/core-timing.md is the clock period ending at the rising edge
 * at (2c + 2) ns: the driver sets the inputs at the falling edge (2c + 1) ns,
 * samples the settled outputs 0.5 ns later, and the edge commits. It reads the
 * same text stream as axon-rtl-run (rtl/tb/axon_rtl_run.c) and prints the same
 * stamp lines, so the e2e test diffs the two: same cycles, same readouts.
 * Usage: axon-sc-top [STREAM]   (stdin by default)
 */
#include "Vaxon_core.h"
#include "verilated.h"

#include <systemc.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

static_assert(8 * AXON_RTL_L <= 64 && AXON_RTL_RB <= 64, "SC top: build with 8*L <= 64 and RB <= 64");

struct sc_item {
    bool eot = false;
    uint32_t axon = 0;
    bool neg = false;
    int shift = 0;
};
inline std::ostream &operator<<(std::ostream &o, const sc_item &i) { return o << (i.eot ? "eot" : "ev") << i.axon; }

struct sc_beat {
    int beat = 0;
    bool last = false;
    uint64_t data = 0;
    int64_t cycle = 0;
};
inline std::ostream &operator<<(std::ostream &o, const sc_beat &b) { return o << b.beat; }

SC_MODULE(axon_sc_top)
{
    static constexpr int C = AXON_RTL_C, L = AXON_RTL_L, A = AXON_RTL_A, RB = AXON_RTL_RB;
    static constexpr int W = (C + L - 1) / L, B = (C * A + RB - 1) / RB;

    sc_clock clk{"clk", 2, SC_NS, 0.5, 0, SC_NS, true};
    sc_signal<bool> rst_n{"rst_n"}, in_valid{"in_valid"}, in_ready{"in_ready"}, in_eot{"in_eot"},
        in_tok{"in_tok"}, in_neg{"in_neg"}, ro_valid{"ro_valid"}, ro_last{"ro_last"}, ovf{"ovf"},
        ld_en{"ld_en"}, obs_start{"obs_start"}, obs_issue{"obs_issue"}, obs_skip{"obs_skip"},
        obs_reuse{"obs_reuse"}; // row-reuse builds only (REUSE = 1); unused here
    sc_signal<uint32_t> in_axon{"in_axon"}, in_shift{"in_shift"}, ro_beat{"ro_beat"}, ld_addr{"ld_addr"},
        obs_word{"obs_word"}, obs_lanes{"obs_lanes"};
    sc_signal<uint64_t> ro_data{"ro_data"}, ld_data{"ld_data"};
    sc_fifo<sc_item> items{"items", 16};
    sc_fifo<sc_beat> beats{"beats", 64};

    Vaxon_core core{"core"};
    std::vector<std::vector<int8_t>> rows;
    std::vector<sc_item> stream;
    size_t neot = 0;
    bool done = false;
    int64_t end_cycle = 0;

    SC_CTOR(axon_sc_top)
    {
        core.clk(clk);
        core.rst_n(rst_n);
        core.in_valid(in_valid);
        core.in_ready(in_ready);
        core.in_eot(in_eot);
        core.in_tok(in_tok); /* no token batches in this build: always 0 */
        core.in_axon(in_axon);
        core.in_neg(in_neg);
        core.in_shift(in_shift);
        core.ro_valid(ro_valid);
        core.ro_data(ro_data);
        core.ro_beat(ro_beat);
        core.ro_last(ro_last);
        core.ovf(ovf);
        core.ld_en(ld_en);
        core.ld_addr(ld_addr);
        core.ld_data(ld_data);
        core.obs_start(obs_start);
        core.obs_issue(obs_issue);
        core.obs_word(obs_word);
        core.obs_skip(obs_skip);
        core.obs_reuse(obs_reuse);
        core.obs_lanes(obs_lanes);
        SC_THREAD(source);
        SC_THREAD(driver);
        SC_THREAD(sink);
    }

    void source()
    {
        for (const sc_item &it : stream) items.write(it); // blocks while the FIFO is full
    }

    void driver()
    {
        rst_n = false;
        in_valid = false;
        ld_en = false;
        wait(1, SC_NS); // first falling edge
        for (size_t ax = 0; ax < rows.size(); ax++)
            for (int w = 0; w < W; w++) {
                uint64_t x = 0;
                for (int l = 0; l < L; l++)
                    if (w * L + l < C) x |= (uint64_t)(uint8_t)rows[ax][(size_t)(w * L + l)] << (8 * l);
                ld_en = true;
                ld_addr = (uint32_t)(ax * W + (size_t)w);
                ld_data = x;
                wait(2, SC_NS);
            }
        ld_en = false;
        for (int i = 0; i < 4; i++) wait(2, SC_NS);
        rst_n = true;
        int64_t cycle = 0, nacc = 0, nstart = 0, cur = -1;
        std::vector<bool> is_eot;
        bool have = false;
        sc_item head;
        while (!done) {
            if (!have) have = items.nb_read(head);
            in_valid = have;
            in_eot = head.eot;
            in_axon = head.eot ? 0 : head.axon;
            in_neg = head.neg;
            in_shift = (uint32_t)(head.eot ? 0 : head.shift);
            wait(0.5, SC_NS); // combinational outputs settle
            if (have && in_ready.read()) {
                std::printf("A %" PRId64 " %" PRId64 "\n", nacc++, cycle);
                is_eot.push_back(head.eot);
                have = false;
            }
            if (obs_start.read()) {
                if (!is_eot[(size_t)nstart]) cur = nstart;
                std::printf("S %" PRId64 " %" PRId64 "\n", nstart++, cycle);
            }
            if (obs_issue.read())
                std::printf("R %" PRId64 " %u %" PRId64 " %d\n", cur, obs_word.read(), cycle, obs_skip.read() ? 1 : 0);
            if (ro_valid.read()) {
                sc_beat b;
                b.beat = (int)ro_beat.read();
                b.last = ro_last.read();
                b.data = ro_data.read();
                b.cycle = cycle;
                beats.write(b);
            }
            wait(1.5, SC_NS); // the rising edge commits cycle `cycle`
            cycle++;
        }
    }

    void sink()
    {
        std::vector<uint8_t> bits((size_t)B * RB);
        int64_t token = 0;
        while ((size_t)token < neot) {
            sc_beat b = beats.read();
            std::printf("B %" PRId64 " %d %" PRId64 "\n", token, b.beat, b.cycle);
            for (int i = 0; i < RB; i++) bits[(size_t)b.beat * RB + (size_t)i] = (uint8_t)((b.data >> i) & 1);
            if (b.last) {
                std::printf("D %" PRId64, token);
                for (int j = 0; j < C; j++) {
                    uint32_t v = 0;
                    for (int k = 0; k < A; k++) v |= (uint32_t)bits[(size_t)(j * A + k)] << k;
                    if (A < 32 && ((v >> (A - 1)) & 1)) v |= ~0u << A;
                    std::printf(" %d", (int32_t)v);
                }
                std::printf("\n");
                token++;
                end_cycle = b.cycle + 1;
            }
        }
        done = true;
        wait(4, SC_NS);
        std::printf("END %" PRId64 " %d\n", end_cycle, ovf.read() ? 1 : 0);
        sc_stop();
    }
};

int sc_main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    FILE *f = stdin;
    if (argc > 1 && argv[argc - 1][0] != '+') {
        f = std::fopen(argv[argc - 1], "r");
        if (!f) {
            std::fprintf(stderr, "axon-sc-top: %s: cannot open\n", argv[argc - 1]);
            return 1;
        }
    }
    sc_report_handler::set_actions("/OSCI/SystemC", SC_INFO, SC_DO_NOTHING);
    axon_sc_top top("top");
    top.rows.assign(AXON_RTL_R, std::vector<int8_t>(AXON_RTL_C, 0));
    std::printf("P %d %d %d %d %d %d %d %d %d\n", AXON_RTL_R, AXON_RTL_C, AXON_RTL_L, AXON_RTL_LS,
                AXON_RTL_F, AXON_RTL_A, AXON_RTL_RB, AXON_RTL_DB, AXON_RTL_GATE);
    static char line[1 << 16];
    long ln = 0;
    while (std::fgets(line, sizeof line, f)) {
        ln++;
        char *s = line;
        while (*s == ' ') s++;
        if (*s == '#' || *s == '\n' || !*s) continue;
        if (*s == 'w') {
            char *e;
            unsigned long ax = std::strtoul(s + 1, &e, 10);
            if (ax >= (unsigned long)AXON_RTL_R) {
                std::fprintf(stderr, "axon-sc-top: line %ld: axon %lu >= R\n", ln, ax);
                return 1;
            }
            for (int j = 0; j < AXON_RTL_C; j++) top.rows[ax][(size_t)j] = (int8_t)std::strtol(e, &e, 10);
        } else if (*s == 'i' || *s == 'e') {
            sc_item it;
            if (*s == 'e') {
                it.eot = true;
                top.neot++;
            } else {
                unsigned ax;
                int neg;
                if (std::sscanf(s + 1, "%u %d %d", &ax, &neg, &it.shift) != 3) {
                    std::fprintf(stderr, "axon-sc-top: line %ld: bad item\n", ln);
                    return 1;
                }
                it.axon = ax;
                it.neg = neg != 0;
            }
            top.stream.push_back(it);
        } else {
            std::fprintf(stderr, "axon-sc-top: line %ld: unknown record\n", ln);
            return 1;
        }
    }
    if (f != stdin) std::fclose(f);
    if (top.neot == 0) {
        std::printf("END 0 0\n");
        return 0;
    }
    sc_start();
    top.core.final();
    return 0;
}
