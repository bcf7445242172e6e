// axon_mac_bitserial — the bit-serial INT8 baseline tile (`--baseline
// bit-serial`, docs/power.md "Baselines"): the tile of axon_mac_baseline, but
// its L lanes are shift-add units instead of multipliers. It accepts one word
// of L weights of row i with the activation x_i, holds the weights in a
// register, and then spends P cycles, one per bit-plane b = 0..P-1 of |x_i|
// (sign-magnitude): lane l adds (q_l << b), or subtracts it when x_i < 0,
// into acc[w*L+l] only when bit b of |x_i| is set (a clear bit writes
// nothing). P = the bit-planes of the run's largest |activation|, the shift
// is SW = ceil(log2 P) bits: the honest counterpart of bit-plane spike
// coding, one set bit = one add, one plane = one cycle per word.
// in_ready is high when idle and in the last plane, so a stream of words
// takes exactly P cycles each. Readout and clear as axon_mac_baseline.
module axon_mac_bitserial #(
    parameter int C  = 32,
    parameter int L  = 8,
    parameter int A  = 32,
    parameter int RB = 64,
    parameter int P  = 7,
    localparam int W  = (C + L - 1) / L,
    localparam int WW = (W > 1) ? $clog2(W) : 1,
    localparam int SW = (P > 1) ? $clog2(P) : 1,
    localparam int B  = (C * A + RB - 1) / RB,
    localparam int BB = (B > 1) ? $clog2(B) : 1
) (
    input  logic           clk,
    input  logic           rst_n,
    input  logic           in_valid,
    output logic           in_ready,
    input  logic [WW-1:0]  in_word,
    input  logic [7:0]     in_x,      // signed activation, |x| < 2^P
    input  logic [8*L-1:0] in_w,      // L signed weights
    input  logic [BB-1:0]  rd_beat,
    output logic [RB-1:0]  rd_data,
    input  logic           clr
);
    logic [A-1:0]   acc [W*L];
    logic [C*A-1:0] packed_acc;
    logic           busy, neg;
    logic [SW-1:0]  b;
    logic [7:0]     mag;
    logic [8*L-1:0] wreg;
    logic [WW-1:0]  word;
    logic           bit_on;

    assign in_ready = !busy || (32'(b) == P - 1);
    assign bit_on   = busy && mag[3'(b)];

    always_ff @(posedge clk)
        if (!rst_n || clr) begin
            busy <= 1'b0;
            b    <= '0;
            neg  <= 1'b0;
            mag  <= '0;
            wreg <= '0;
            word <= '0;
        end else if (in_valid && in_ready) begin
            busy <= 1'b1;
            b    <= '0;
            neg  <= in_x[7];
            mag  <= in_x[7] ? 8'(-in_x) : in_x;
            wreg <= in_w;
            word <= in_word;
        end else if (busy) begin
            if (32'(b) == P - 1) busy <= 1'b0;
            else b <= b + 1'b1;
        end

    logic [A-1:0] cur [L];
    logic [A-1:0] nxt [L];
    for (genvar l = 0; l < L; l++) begin : g_lane
        always_comb cur[l] = acc[32'(word) * L + l];
        axon_bs_lane #(.A(A), .P(P)) u_lane (.acc(cur[l]), .q(wreg[8*l +: 8]), .b(b), .neg(neg),
                                             .sum(nxt[l]));
    end

    for (genvar j = 0; j < W*L; j++) begin : g_acc
        always_ff @(posedge clk)
            if (!rst_n || clr) acc[j] <= '0;
            else if (bit_on && 32'(word) == j / L) acc[j] <= nxt[j % L];
    end

    always_comb
        for (int j = 0; j < C; j++) packed_acc[j*A +: A] = acc[j];

    axon_readout #(.C(C), .A(A), .RB(RB)) u_ro (.acc(packed_acc), .beat(rd_beat), .data(rd_data));
endmodule
