// axon_segadd — N bits of two packed accumulator vectors added (rtl/axon_reduce.sv):
// bit k is at accumulator phase (ph + k) mod A; the carry is cleared at phase 0
// (an accumulator's LSB), so every A-bit field adds alone, two's complement,
// wrapping; ovf when a field's carry into its sign bit differs from the carry
// out of it (a signed overflow). Only the first nv bits are valid (the rest of
// s is 0 and does not touch the carry). cin/cout carry a field across chunks.
module axon_segadd #(
    parameter int N  = 64,
    parameter int A  = 32,
    localparam int AW = $clog2(A + 1),
    localparam int NW = $clog2(N + 1)
) (
    input  logic [N-1:0]  x,
    input  logic [N-1:0]  y,
    input  logic [AW-1:0] ph,
    input  logic [NW-1:0] nv,
    input  logic          cin,
    output logic [N-1:0]  s,
    output logic          cout,
    output logic          ovf
);
    always_comb begin
        logic c, c2;
        logic [AW-1:0] p;
        c = cin;
        c2 = 1'b0;
        p = ph;
        ovf = 1'b0;
        s = '0;
        for (int k = 0; k < N; k++) begin
            if (k < 32'(nv)) begin
                if (p == '0) c = 1'b0;
                s[k] = x[k] ^ y[k] ^ c;
                c2 = (x[k] & y[k]) | (x[k] & c) | (y[k] & c);
                if (32'(p) == A - 1 && (c != c2)) ovf = 1'b1;
                c = c2;
                p = (32'(p) == A - 1) ? '0 : p + 1'b1;
            end
        end
        cout = c;
    end
endmodule
