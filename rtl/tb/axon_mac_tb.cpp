/*
 * axon_mac_tb — self-checking testbench of the dense INT8 baseline tile
 * (rtl/axon_mac_baseline.sv): random int8 weights and activations (a quarter
 * of them zero, and a silent token), R rows x W words per token, then every
 * readout beat is compared with acc[j] = sum_i x_i * q[i][j] wrapped to A bits.
 * Built with AXON_MAC_ZS=1 (the zero-skip tile) it also checks that mac_skip
 * is raised exactly for zero activations and feeds only the others, as the
 * zero-skip sequencer does, so the words fed equal the power model's count
 * (nonzero activations x W, power/power_base_kinds.c).
 * Exit 0 when every accumulator of every token matches. usage: axon-mac-tb [SEED]
 */
#include "Vaxon_mac_baseline.h"
#include "verilated.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#ifndef AXON_MAC_ZS
#define AXON_MAC_ZS 0
#endif

static_assert(8 * AXON_MAC_L <= 64 && AXON_MAC_RB <= 64, "tb: 8*L <= 64 and RB <= 64");

int main(int argc, char **argv)
{
    const int C = AXON_MAC_C, L = AXON_MAC_L, A = AXON_MAC_A, RB = AXON_MAC_RB, R = 24;
    const int W = (C + L - 1) / L, B = (C * A + RB - 1) / RB;
    unsigned seed = argc > 1 ? (unsigned)std::atoi(argv[1]) : 1;
    std::mt19937 rng(seed);
    VerilatedContext ctx;
    ctx.randReset(2);
    ctx.randSeed((int)seed);
    Vaxon_mac_baseline m{&ctx};
    auto tick = [&]() { m.clk = 0; m.eval(); m.clk = 1; m.eval(); };
    m.rst_n = 0;
    m.mac_valid = 0;
    m.clr = 0;
    tick();
    tick();
    m.rst_n = 1;
    long checked = 0, fed = 0, nonzero = 0;
    for (int tok = 0; tok < 6; tok++) {
        std::vector<int64_t> want((size_t)C, 0);
        for (int i = 0; i < R; i++) {
            int x = (tok == 2 || rng() % 4 == 0) ? 0 : (int)(rng() % 255) - 127;
            m.mac_x = (uint8_t)x;
            m.mac_valid = 0;
            m.eval();
            if (m.mac_skip != (AXON_MAC_ZS && x == 0)) {
                std::printf("axon-mac-tb: token %d row %d: mac_skip %d for x = %d (ZS=%d)\n", tok,
                            i, (int)m.mac_skip, x, AXON_MAC_ZS);
                return 1;
            }
            nonzero += x != 0;
            for (int w = 0; w < W; w++) {
                uint64_t word = 0;
                for (int l = 0; l < L; l++) {
                    int j = w * L + l;
                    int q = (rng() % 4 == 0) ? 0 : (int)(rng() % 255) - 127;
                    if (j >= C) q = 0;
                    word |= (uint64_t)(uint8_t)q << (8 * l);
                    if (j < C) want[(size_t)j] += (int64_t)x * q;
                }
                if (m.mac_skip) /* the zero-skip sequencer reads nothing for this row */
                    continue;
                fed++;
                m.mac_valid = 1;
                m.mac_word = (uint32_t)w;
                m.mac_x = (uint8_t)x;
                m.mac_w = word;
                tick();
            }
        }
        m.mac_valid = 0;
        std::vector<uint8_t> bits((size_t)B * RB);
        for (int b = 0; b < B; b++) {
            m.rd_beat = (uint32_t)b;
            m.clk = 0;
            m.eval();
            uint64_t d = m.rd_data;
            for (int k = 0; k < RB; k++) bits[(size_t)(b * RB + k)] = (uint8_t)((d >> k) & 1);
        }
        for (int j = 0; j < C; j++) {
            uint64_t v = 0;
            for (int k = 0; k < A; k++) v |= (uint64_t)bits[(size_t)(j * A + k)] << k;
            uint64_t mask = A >= 64 ? ~0ull : ((1ull << A) - 1);
            if (v != ((uint64_t)want[(size_t)j] & mask)) {
                std::printf("axon-mac-tb: token %d acc %d: RTL %llu, expected %lld (mod 2^%d)\n", tok, j,
                            (unsigned long long)v, (long long)want[(size_t)j], A);
                return 1;
            }
            checked++;
        }
        m.clr = 1;
        tick();
        m.clr = 0;
    }
    m.final();
    long want_fed = (AXON_MAC_ZS ? nonzero : 6L * R) * W;
    if (fed != want_fed) {
        std::printf("axon-mac-tb: %ld words fed, the model counts %ld\n", fed, want_fed);
        return 1;
    }
    std::printf("axon-mac-tb: %ld accumulators equal (C=%d L=%d A=%d RB=%d ZS=%d, %d rows, seed "
                "%u), "
                "%ld words fed = %s x %d words\n",
                checked, C, L, A, RB, AXON_MAC_ZS, R, seed, fed,
                AXON_MAC_ZS ? "nonzero activations" : "activations", W);
    return 0;
}
