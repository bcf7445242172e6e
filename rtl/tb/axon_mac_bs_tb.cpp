/*
 * axon_mac_bs_tb — self-checking testbench of the bit-serial INT8 baseline
 * tile (rtl/axon_mac_bitserial.sv): random int8 weights and activations with
 * |x| < 2^P (zeros and a silent token included), R rows x W words per token
 * offered on the in_valid/in_ready handshake, then every readout beat is
 * compared with acc[j] = sum_i x_i * q[i][j] wrapped to A bits, and the
 * cycles the tile took with the power model's count (power/power_base_kinds.c):
 * P cycles per word, R x W x P per token whatever the activations, plus the
 * first word's load cycle (the model's SRAM latency term Ls = 1). It also
 * counts the accumulator writes (bit-plane cycles with the bit set) against
 * the model's adds: set bits of |x| per row x W words.
 * Exit 0 when all match. usage: axon-mac-bs-tb [SEED]
 */
#include "Vaxon_mac_bitserial.h"
#include "Vaxon_mac_bitserial___024root.h"
#include "verilated.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

static_assert(8 * AXON_MAC_L <= 64 && AXON_MAC_RB <= 64, "tb: 8*L <= 64 and RB <= 64");

int main(int argc, char **argv)
{
    const int C = AXON_MAC_C, L = AXON_MAC_L, A = AXON_MAC_A, RB = AXON_MAC_RB, P = AXON_MAC_P,
              R = 24;
    const int W = (C + L - 1) / L, B = (C * A + RB - 1) / RB;
    unsigned seed = argc > 1 ? (unsigned)std::atoi(argv[1]) : 1;
    std::mt19937 rng(seed);
    VerilatedContext ctx;
    ctx.randReset(2);
    ctx.randSeed((int)seed);
    Vaxon_mac_bitserial m{&ctx};
    long cycles = 0, writes = 0;
    auto tick = [&]() {
        m.clk = 0;
        m.eval();
        writes += m.rst_n && !m.clr && m.rootp->axon_mac_bitserial__DOT__bit_on; /* written */
        m.clk = 1;
        m.eval();
        cycles++;
    };
    m.rst_n = 0;
    m.in_valid = 0;
    m.clr = 0;
    tick();
    tick();
    m.rst_n = 1;
    long checked = 0, ones = 0;
    const int xmax = (1 << P) - 1 < 127 ? (1 << P) - 1 : 127;
    for (int tok = 0; tok < 6; tok++) {
        std::vector<int64_t> want((size_t)C, 0);
        long c0 = cycles;
        for (int i = 0; i < R; i++) {
            int x = (tok == 2 || rng() % 4 == 0) ? 0 : (int)(rng() % (2 * xmax + 1)) - xmax;
            ones += (long)__builtin_popcount((unsigned)(x < 0 ? -x : x)) * W;
            for (int w = 0; w < W; w++) {
                uint64_t word = 0;
                for (int l = 0; l < L; l++) {
                    int j = w * L + l;
                    int q = (rng() % 4 == 0) ? 0 : (int)(rng() % 255) - 127;
                    if (j >= C)
                        q = 0;
                    word |= (uint64_t)(uint8_t)q << (8 * l);
                    if (j < C)
                        want[(size_t)j] += (int64_t)x * q;
                }
                m.in_valid = 1;
                m.in_word = (uint32_t)w;
                m.in_x = (uint8_t)x;
                m.in_w = word;
                m.clk = 0;
                m.eval();
                while (!m.in_ready) {
                    tick();
                    m.clk = 0;
                    m.eval();
                }
                tick();
            }
        }
        m.in_valid = 0;
        for (int p = 0; p < P; p++) /* the last word's planes */
            tick();
        long took = cycles - c0; /* the first word's load cycle + P per word */
        if (took != (long)R * W * P + 1) {
            std::printf("axon-mac-bs-tb: token %d took %ld cycles, the model counts R*W*P + 1 = "
                        "%d\n",
                        tok, took, R * W * P + 1);
            return 1;
        }
        std::vector<uint8_t> bits((size_t)B * RB);
        for (int b = 0; b < B; b++) {
            m.rd_beat = (uint32_t)b;
            m.clk = 0;
            m.eval();
            uint64_t d = m.rd_data;
            for (int k = 0; k < RB; k++)
                bits[(size_t)(b * RB + k)] = (uint8_t)((d >> k) & 1);
        }
        for (int j = 0; j < C; j++) {
            uint64_t v = 0;
            for (int k = 0; k < A; k++)
                v |= (uint64_t)bits[(size_t)(j * A + k)] << k;
            uint64_t mask = A >= 64 ? ~0ull : ((1ull << A) - 1);
            if (v != ((uint64_t)want[(size_t)j] & mask)) {
                std::printf("axon-mac-bs-tb: token %d acc %d: RTL %llu, expected %lld (mod 2^%d)\n",
                            tok, j, (unsigned long long)v, (long long)want[(size_t)j], A);
                return 1;
            }
            checked++;
        }
        m.clr = 1;
        tick();
        m.clr = 0;
    }
    m.final();
    if (writes != ones) {
        std::printf("axon-mac-bs-tb: %ld accumulator-word writes, the model counts %ld (set bits x "
                    "W)\n",
                    writes, ones);
        return 1;
    }
    std::printf("axon-mac-bs-tb: %ld accumulators equal (C=%d L=%d A=%d RB=%d P=%d, %d rows, seed "
                "%u), "
                "%d cycles per token = R x W x P + 1, %ld word writes = set bits x W\n",
                checked, C, L, A, RB, P, R, seed, R * W * P + 1, writes);
    return 0;
}
