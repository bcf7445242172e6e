// axon_readout — the readout beat multiplexer (docs/core-timing.md, sync rule 4).
// The C accumulators are packed, accumulator j at bits [j*A, (j+1)*A); beat b
// carries bits [b*RB, (b+1)*RB) of that vector, the last beat zero-padded.
// B = ceil(C*A / RB) beats; purely combinational (the beat is registered by the
// consumer), so beat b appears in the cycle the controller selects it.
module axon_readout #(
    parameter int C  = 32,
    parameter int A  = 32,
    parameter int RB = 64,
    localparam int B  = (C * A + RB - 1) / RB,
    localparam int BB = (B > 1) ? $clog2(B) : 1
) (
    input  logic [C*A-1:0] acc,
    input  logic [BB-1:0]  beat,
    output logic [RB-1:0]  data
);
    logic [B*RB-1:0] padded;
    assign padded = (B*RB)'(acc);  // zero-extends: the last beat is padded
    always_comb begin
        data = '0;
        for (int b = 0; b < B; b++)
            if (32'(beat) == b) data = padded[b*RB +: RB];
    end
endmodule
