// axon_mac_baseline — the dense INT8 baseline tile (docs/design.md §3, §4): the same
// R x C weight tile as axon_core, but a clocked MAC array that multiplies every
// activation, zero or not. Per cycle it takes one word of L weights (row i,
// word w, from the same kind of SRAM macro, which is outside this module and
// outside the synthesized area) and the activation x_i (int8 spike count), and
// does L multiply-accumulates acc[w*L+l] += x_i * q[i][w*L+l] into int A-bit
// accumulators: R*W cycles per token, independent of sparsity. After the last
// row, `rd` selects an RB-bit beat of the packed accumulators (same layout as
// the core's readout) and `clr` clears them. No gating of any kind: this is the
// INT8 design that the spiking core is compared against (SpikingBrain2.0's
// "INT8 design" reference point).
module axon_mac_baseline #(
    parameter int C  = 32,
    parameter int L  = 8,
    parameter int A  = 32,
    parameter int RB = 64,
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
    input  logic [BB-1:0]  rd_beat,
    output logic [RB-1:0]  rd_data,
    input  logic           clr
);
    logic [A-1:0]   acc [W*L];
    logic [C*A-1:0] packed_acc;

    logic signed [15:0] p16 [L];  // exact int8 x int8 products
    logic [A-1:0]       nxt [L];  // L lane adders: acc[w*L+l] + x * q_l
    always_comb
        for (int l = 0; l < L; l++) begin
            p16[l] = $signed(mac_x) * $signed(mac_w[8*l +: 8]);
            nxt[l] = acc[32'(mac_word) * L + l] + A'(p16[l]);
        end

    // one register per accumulator: written by its lane when word j / L is fed
    for (genvar j = 0; j < W*L; j++) begin : g_acc
        always_ff @(posedge clk)
            if (!rst_n || clr) acc[j] <= '0;
            else if (mac_valid && 32'(mac_word) == j / L) acc[j] <= nxt[j % L];
    end

    always_comb
        for (int j = 0; j < C; j++) packed_acc[j*A +: A] = acc[j];

    axon_readout #(.C(C), .A(A), .RB(RB)) u_ro (.acc(packed_acc), .beat(rd_beat), .data(rd_data));
endmodule
