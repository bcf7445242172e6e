// axon_mac_baseline — the dense INT8 baseline tile (docs/design.md §3, §4,
// docs/power.md "Baselines"): the same R x C weight tile as axon_core, but a
// clocked MAC array. Per cycle it takes one word of L weights (row i, word w,
// from the same kind of SRAM macro, which is outside this module and outside
// the synthesized area) and the activation x_i (int8 spike count), and does L
// multiply-accumulates acc[w*L+l] += x_i * q[i][w*L+l] into int A-bit
// accumulators: R*W cycles per token. After the last row, `rd` selects an
// RB-bit beat of the packed accumulators (same layout as the core's readout)
// and `clr` clears them.
//   ZS = 0 (`--baseline dense`, and `wide` at more lanes): every activation is
//          multiplied, zero or not (SpikingBrain2.0's "INT8 design").
//   ZS = 1 (`--baseline zero-skip`): a zero detect on x_i raises `mac_skip`
//          (the sequencer then issues no read of row i and feeds the next
//          activation) and blocks the accumulator write, so a silent
//          activation reads no row and does no MAC.
// Lanes are axon_mul8 + axon_lane_add instances (rtl/axon_mul8.sv, rtl/axon_lane_add.sv), so
// synthesis reports their areas apart from the accumulators.
module axon_mac_baseline #(
    parameter int C  = 32,
    parameter int L  = 8,
    parameter int A  = 32,
    parameter int RB = 64,
    parameter int ZS = 0,
    localparam int W  = (C + L - 1) / L,
    localparam int WW = (W > 1) ? $clog2(W) : 1,
    localparam int B  = (C * A + RB - 1) / RB,
    localparam int BB = (B > 1) ? $clog2(B) : 1
) (
    input  logic           clk,
    input  logic           rst_n,
    input  logic           mac_valid,
    input  logic [WW-1:0]  mac_word,
    input  logic [7:0]     mac_x,     // signed activation (spike count)
    input  logic [8*L-1:0] mac_w,     // L signed weights
    output logic           mac_skip,  // ZS: this activation is zero (no read, no MAC)
    input  logic [BB-1:0]  rd_beat,
    output logic [RB-1:0]  rd_data,
    input  logic           clr
);
    logic [A-1:0]   acc [W*L];
    logic [C*A-1:0] packed_acc;
    logic           en;

    assign mac_skip = (ZS != 0) && (mac_x == 8'd0);
    assign en       = mac_valid && !mac_skip;

    logic [15:0]  p16 [L];  // exact int8 x int8 products
    logic [A-1:0] cur [L];  // accumulator of lane l in word mac_word
    logic [A-1:0] nxt [L];  // lane adders
    for (genvar l = 0; l < L; l++) begin : g_lane
        always_comb cur[l] = acc[32'(mac_word) * L + l];
        axon_mul8 u_mul (.x(mac_x), .q(mac_w[8*l +: 8]), .p(p16[l]));
        axon_lane_add #(.A(A)) u_add (.acc(cur[l]), .p(p16[l]), .sum(nxt[l]));
    end

    // one register per accumulator: written by its lane when word j / L is fed
    for (genvar j = 0; j < W*L; j++) begin : g_acc
        always_ff @(posedge clk)
            if (!rst_n || clr) acc[j] <= '0;
            else if (en && 32'(mac_word) == j / L) acc[j] <= nxt[j % L];
    end

    always_comb
        for (int j = 0; j < C; j++) packed_acc[j*A +: A] = acc[j];

    axon_readout #(.C(C), .A(A), .RB(RB)) u_ro (.acc(packed_acc), .beat(rd_beat), .data(rd_data));
endmodule
