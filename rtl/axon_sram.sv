// axon_sram — behavioural model of the weight SRAM macro (NOT synthesized: the
// area of a real macro comes from a memory compiler / the power/ SRAM table).
// R rows (one per input axon) of W words, each word L signed 8-bit weights,
// lane l in bits [8l, 8l+8). A read issued in cycle c (re && at the edge ending
// c) delivers its word in cycle c + LS (docs/core-timing.md, sync rule 3).
// Beside the array sits one zero flag per word (1 = all L weights are zero),
// read combinationally in the issue cycle for zero gating; the flags are
// computed by the load port, so no one has to precompute them.
// Load port (testbench back door, one word per cycle): ld_en, ld_addr, ld_data.
`ifdef SYNTHESIS
// Synthesis sees a black box: the weight array is a memory macro whose area and
// energy come from the SRAM table of power/, not from standard cells.
(* blackbox *)
module axon_sram #(
    parameter int DEPTH = 64,
    parameter int L     = 8,
    parameter int LS    = 1,
    localparam int AW   = (DEPTH > 1) ? $clog2(DEPTH) : 1
) (
    input  logic                     clk,
    input  logic                     re,
    input  logic [AW-1:0]           addr,
    output logic                     zero,
    output logic [8*L-1:0]           rdata,
    input  logic                     ld_en,
    input  logic [AW-1:0]           ld_addr,
    input  logic [8*L-1:0]           ld_data
);
endmodule
`else
module axon_sram #(
    parameter int DEPTH = 64,
    parameter int L     = 8,
    parameter int LS    = 1,  // read latency in cycles, >= 1
    localparam int AW   = (DEPTH > 1) ? $clog2(DEPTH) : 1  // a 1-word SRAM has a 1-bit address
) (
    input  logic                     clk,
    input  logic                     re,
    input  logic [AW-1:0]           addr,
    output logic                     zero,    // flag of word `addr`, same cycle
    output logic [8*L-1:0]           rdata,   // word read LS cycles ago
    input  logic                     ld_en,
    input  logic [AW-1:0]           ld_addr,
    input  logic [8*L-1:0]           ld_data
);
    logic [8*L-1:0] mem [DEPTH];
    logic           zf  [DEPTH];
    logic [8*L-1:0] pipe [LS];

    assign zero  = zf[addr];
    assign rdata = pipe[LS-1];

    always_ff @(posedge clk) begin
        if (ld_en) begin
            mem[ld_addr] <= ld_data;
            zf[ld_addr]  <= (ld_data == '0);
        end
        if (re) pipe[0] <= mem[addr];
        for (int i = 1; i < LS; i++) pipe[i] <= pipe[i-1];
    end
endmodule
`endif
