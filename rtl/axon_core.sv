// axon_core — one synchronous neuromorphic core of axon (docs/design.md §3), exactly the
// per-core timing of docs/core-timing.md (sync mode), cycle for cycle: the C model
// in sim/ implements the same recurrences and `axon cosim` checks both agree.
//
// Hierarchy: axon_fifo (input items) -> axon_ctrl (start, read stage, SRAM-latency
// pipeline, readout sequencer) -> axon_sram (behavioural weight macro + zero flags,
// not synthesized) -> axon_acc (banks + L lane adders) -> axon_readout (beat mux).
//
// Items arrive on a valid/ready port: a spike event (axon, neg, shift) or an
// end-of-token marker (in_eot = 1, other fields ignored). Token and step are not
// needed by the hardware (events come in (token, step, axon) order, EOT delimits
// tokens, and the step's weight is the shift), so they are not ports.
// The weight SRAM is loaded through a back-door port (ld_*), one word per cycle;
// word address = axon * W + w, lane l of word w is output neuron w*L + l.
// Readout: ro_valid with an RB-bit beat in each of B consecutive cycles per token.
// The obs_* outputs expose the stamps `axon cosim` compares (acceptance, start,
// SRAM issue/skip) and the lane activity; they cost no logic beyond wires.
// REUSE = 1 builds the row-reuse core (docs/core-timing.md "Row reuse"): events
// come in (token, axon, step) order; the first event of each (token, axon) reads
// the row from the SRAM into a row register of W words as its words arrive, and
// the later events of that pair add from the row register, in the same cycles
// (timing unchanged, no SRAM read). obs_reuse marks such word slots.
// NT > 1 (with REUSE = 1) builds the batched row-reuse core (docs/core-timing.md
// "Token batches"): NT accumulator sets per bank; events come in (batch, axon,
// token, step) order, each with its token's index in the batch on in_tok, and add
// into that token's set, so the row register serves the axon's events of all NT
// tokens; the batch's NT EOTs follow its events and read the sets out in order.
// CG = 1 builds the clock-gated core (docs/rtl.md "Clock gating"): the
// accumulator registers of each (bank, word) and each FIFO entry get their own
// enable-gated clock (axon_icg: latch + AND of library cells), so they are
// clocked only in the cycles that write them; control, pointers, the overflow
// flag and the row register stay on clk. Every value and every stamp are those
// of CG = 0, cycle for cycle.
`ifdef AXON_BROKEN
// Deliberately broken variant for the co-simulation self-test: the decode cycle
// becomes two cycles (an event accepted in cycle a starts at a + 2 at the
// earliest), which the cosim must flag at the first start stamp.
`endif
module axon_core #(
    parameter int R    = 32,   // input axons (weight rows)
    parameter int C    = 32,   // output neurons (accumulators)
    parameter int L    = 8,    // lanes = weights per SRAM word
    parameter int LS   = 1,    // SRAM read latency, cycles >= 1
    parameter int F    = 8,    // input FIFO depth, items >= 1
    parameter int A    = 32,   // accumulator width, bits
    parameter int RB   = 64,   // readout beat width, bits
    parameter int DB   = 1,    // double-buffered accumulators 0/1
    parameter int GATE = 1,    // zero-weight gating 0/1
    parameter int SW   = 5,    // shift field width (step weights up to 2^31)
    parameter int REUSE = 0,   // 1: row-reuse core (row register of W words)
    parameter int CG   = 0,    // 1: clock-gated accumulators and FIFO entries
    parameter int NT   = 1,    // tokens per weight-stationary batch (REUSE = 1), 1..64
    localparam int W   = (C + L - 1) / L,
    localparam int WW  = (W > 1) ? $clog2(W) : 1,
    localparam int B   = (C * A + RB - 1) / RB,
    localparam int BB  = (B > 1) ? $clog2(B) : 1,
    localparam int NB  = (DB != 0) ? 2 : 1,
    localparam int NS  = NB * NT,  // accumulator sets
    localparam int BW  = (NS > 1) ? $clog2(NS) : 1,
    localparam int TTW = (NT > 1) ? $clog2(NT) : 1,
    localparam int AXW = (R > 1) ? $clog2(R) : 1,
    localparam int MW  = (R * W > 1) ? $clog2(R * W) : 1
) (
    input  logic           clk,
    input  logic           rst_n,
    // item input (valid/ready)
    input  logic           in_valid,
    output logic           in_ready,
    input  logic           in_eot,
    input  logic [AXW-1:0] in_axon,
    input  logic           in_neg,
    input  logic [SW-1:0]  in_shift,
    /* verilator lint_off UNUSEDSIGNAL */
    input  logic [TTW-1:0] in_tok,    // event's token in its batch (NT > 1; else unused)
    /* verilator lint_on UNUSEDSIGNAL */
    // readout
    output logic           ro_valid,
    output logic [RB-1:0]  ro_data,
    output logic [BB-1:0]  ro_beat,
    output logic           ro_last,
    output logic           ovf,       // sticky accumulator overflow
    // weight SRAM back door
    input  logic           ld_en,
    input  logic [MW-1:0]  ld_addr,
    input  logic [8*L-1:0] ld_data,
    // observation (stamps and activity)
    output logic           obs_start,
    output logic           obs_issue,
    output logic [WW-1:0]  obs_word,
    output logic           obs_skip,
    output logic           obs_reuse,
    output logic [L-1:0]   obs_lanes
);
    localparam int IW0 = 1 + AXW + 1 + SW;
    localparam int IW  = IW0 + ((NT > 1) ? TTW : 0);  // the token field only with batches

    logic           f_empty, pop, h_eot, h_neg, sram_zero, sram_re, issue, skip;
    logic [AXW-1:0] h_axon;
    logic [SW-1:0]  h_shift;
    logic [TTW-1:0] h_tok;
    logic [IW-1:0]  head, push_data;
    logic [MW-1:0]  sram_addr;
    logic [8*L-1:0] sram_q;
    logic           add_valid, add_neg, clr, iss_reuse;
    /* verilator lint_off UNUSEDSIGNAL */
    logic           add_reuse;  // only the row-reuse core (REUSE = 1) reads it
    /* verilator lint_on UNUSEDSIGNAL */
    logic [8*L-1:0] add_data;
    logic [BW-1:0]  add_bank, ro_bank;
    logic [WW-1:0]  add_word, issue_word;
    logic [SW-1:0]  add_shift;
    logic [C*A-1:0] acc_vec;
    logic           f_empty_ctrl;

    axon_fifo #(.F(F), .IW(IW), .CG(CG)) u_fifo (
        .clk, .rst_n,
        .push_valid(in_valid), .push_ready(in_ready),
        .push_data,
        .pop, .empty(f_empty), .head);
    assign {h_eot, h_axon, h_neg, h_shift} = head[IW0-1:0];
    if (NT > 1) begin : g_tokf
        assign push_data = {in_tok, in_eot, in_axon, in_neg, in_shift};
        assign h_tok     = head[IW-1:IW0];
    end else begin : g_notokf
        assign push_data = {in_eot, in_axon, in_neg, in_shift};
        assign h_tok     = '0;
    end

`ifdef AXON_BROKEN
    // one extra decode cycle: the head is hidden in the first cycle it is there
    logic f_fresh;
    always_ff @(posedge clk)
        f_fresh <= !rst_n ? 1'b0 : (f_empty || pop);
    assign f_empty_ctrl = f_empty || f_fresh;
`else
    assign f_empty_ctrl = f_empty;
`endif

    axon_ctrl #(.R(R), .C(C), .L(L), .LS(LS), .A(A), .RB(RB), .NB(NB), .SW(SW), .GATE(GATE), .REUSE(REUSE), .NT(NT)) u_ctrl (
        .clk, .rst_n,
        .f_empty(f_empty_ctrl), .h_eot, .h_axon, .h_neg, .h_shift, .h_tok, .pop,
        .issue, .issue_word, .issue_skip(skip), .sram_re, .sram_addr, .sram_zero,
        .add_valid, .add_bank, .add_word, .add_neg, .add_shift, .add_reuse, .iss_reuse,
        .ro_valid, .ro_beat, .ro_last, .ro_bank);

    axon_sram #(.DEPTH(R * W), .L(L), .LS(LS)) u_sram (
        .clk, .re(sram_re), .addr(sram_addr), .zero(sram_zero), .rdata(sram_q),
        .ld_en, .ld_addr, .ld_data);

    // row register (REUSE = 1): word w of the row read by the first event of a
    // (token, axon) pair, written in the cycle it is added; later events of the
    // pair add from it
    if (REUSE != 0) begin : g_row
        logic [8*L-1:0] row [W];
        always_ff @(posedge clk)
            if (add_valid && !add_reuse) row[add_word] <= sram_q;
        assign add_data = add_reuse ? row[add_word] : sram_q;
    end else begin : g_norow
        assign add_data = sram_q;
    end

    assign clr = ro_last;
    axon_acc #(.C(C), .L(L), .A(A), .NB(NS), .SW(SW), .GATE(GATE), .CG(CG)) u_acc (
        .clk, .rst_n,
        .add_valid, .add_bank, .add_word, .add_neg, .add_shift, .add_data,
        .add_done(obs_lanes), .clr, .clr_bank(ro_bank), .rd_bank(ro_bank),
        .acc_out(acc_vec), .ovf);

    axon_readout #(.C(C), .A(A), .RB(RB)) u_ro (.acc(acc_vec), .beat(ro_beat), .data(ro_data));

    assign obs_start = pop;
    assign obs_issue = issue;
    assign obs_word  = issue_word;
    assign obs_skip  = skip && !sram_re;  // skipped = the SRAM really was not read
    assign obs_reuse = iss_reuse;         // the word slot used the row register
endmodule
