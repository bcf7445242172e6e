// axon_acc — accumulator banks and the L lane adders (docs/core-timing.md,
// sync rule 3; docs/design.md §2 "Result").
// NB banks (1, or 2 with double buffering) of C accumulators, A-bit two's
// complement, stored padded to W*L so word w covers accumulators w*L .. w*L+L-1
// (lanes past C never get a valid bit). In a cycle with add_valid, lane l adds
//   acc[bank][w*L+l] += neg ? -(q_l << shift) : (q_l << shift)
// wrapping at A bits; the sticky flag `ovf` is set when the exact sum does not
// fit A bits (the adders are TW bits wide so the test is exact for any shift).
// With zero gating (GATE=1) a lane whose weight is zero is gated: no add, no
// register write. `clr` clears one bank (after its last readout beat).
// Clock gating (CG=1, docs/rtl.md "Clock gating"): the L accumulators of word w
// of bank b share one gated clock (axon_icg) enabled in the cycles that add word
// w into bank b, clear bank b, or reset; in every other cycle those registers
// get no clock edge. CG=0 clocks every register every cycle. Same values in
// every cycle either way (an enabled register loads; a gated one holds).
module axon_acc #(
    parameter int C    = 32,
    parameter int L    = 8,
    parameter int A    = 32,
    parameter int NB   = 2,
    parameter int SW   = 5,  // shift width: shifts 0 .. 2^SW-1
    parameter int GATE = 1,
    parameter int CG   = 0,  // clock gating 0/1
    localparam int W   = (C + L - 1) / L,
    localparam int WW  = (W > 1) ? $clog2(W) : 1,
    localparam int BW  = (NB > 1) ? $clog2(NB) : 1
) (
    input  logic            clk,
    input  logic            rst_n,
    input  logic            add_valid,
    input  logic [BW-1:0]   add_bank,
    input  logic [WW-1:0]   add_word,
    input  logic            add_neg,
    input  logic [SW-1:0]   add_shift,
    input  logic [8*L-1:0]  add_data,
    output logic [L-1:0]    add_done,   // lanes that added this cycle (activity)
    input  logic            clr,
    input  logic [BW-1:0]   clr_bank,
    input  logic [BW-1:0]   rd_bank,
    output logic [C*A-1:0]  acc_out,    // accumulator j at bits [j*A, (j+1)*A)
    output logic            ovf
);
    localparam int TMAX = 8 + (1 << SW) - 1;          // |q << shift| < 2^TMAX
    localparam int TW   = ((A > TMAX) ? A : TMAX) + 2; // exact sum width

    logic [A-1:0] acc [NB][W*L];
    logic [A-1:0] nxt [L];
    logic [L-1:0] wen, lovf;

    always_comb begin
        for (int l = 0; l < L; l++) begin
            logic signed [TW-1:0] term, sum;
            logic [7:0] q;
            q    = add_data[8*l +: 8];
            term = TW'($signed(q)) <<< add_shift;
            if (add_neg) term = -term;
            sum  = TW'($signed(acc[add_bank][32'(add_word) * L + l])) + term;
            nxt[l]  = sum[A-1:0];
            lovf[l] = (sum != TW'($signed(sum[A-1:0])));
            wen[l]  = add_valid && (32'(add_word) * L + l < C) && (GATE == 0 || q != 8'd0);
        end
    end
    assign add_done = wen;

    always_comb
        for (int j = 0; j < C; j++) acc_out[j*A +: A] = acc[rd_bank][j];

    // one register per accumulator, written by its lane when its word is added
    if (CG == 0) begin : g_clk
        for (genvar b = 0; b < NB; b++) begin : g_bank
            for (genvar j = 0; j < W*L; j++) begin : g_acc
                logic hit;
                assign hit = wen[j % L] && (32'(add_bank) == b) && (32'(add_word) == j / L);
                always_ff @(posedge clk)
                    if (!rst_n || (clr && 32'(clr_bank) == b)) acc[b][j] <= '0;
                    else if (hit) acc[b][j] <= nxt[j % L];
            end
        end
    end else begin : g_cg
        // CG = 1: the registers of word w of bank b on their own gated clock
        for (genvar b = 0; b < NB; b++) begin : g_bank
            logic [W-1:0] gck;
            for (genvar w = 0; w < W; w++) begin : g_word
                logic en;
                assign en = !rst_n || (clr && clr_bank == BW'(b)) ||
                            (add_valid && 32'(add_bank) == b && 32'(add_word) == w);
                axon_icg u_icg (.clk, .en, .gclk(gck[w]));
            end
            for (genvar j = 0; j < W*L; j++) begin : g_acc
                logic hit;
                logic [A-1:0] q;
                assign hit = wen[j % L] && (32'(add_bank) == b) && (32'(add_word) == j / L);
                assign acc[b][j] = q;
                always_ff @(posedge gck[j / L])
                    if (!rst_n || (clr && clr_bank == BW'(b))) q <= '0;
                    else if (hit) q <= nxt[j % L];
            end
        end
    end

    always_ff @(posedge clk)
        if (!rst_n) ovf <= 1'b0;
        else if (|(wen & lovf)) ovf <= 1'b1;
endmodule
