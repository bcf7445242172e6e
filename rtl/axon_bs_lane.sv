// axon_bs_lane — one shift-add lane of the bit-serial baseline
// (rtl/axon_mac_bitserial.sv): acc + (q << b), or acc - (q << b) for a negative
// activation, b < P the current bit-plane (a shift of SW = ceil(log2 P) bits).
// The caller writes the sum only when bit b of |x| is set.
module axon_bs_lane #(
    parameter int A  = 32,
    parameter int P  = 8,
    localparam int SW = (P > 1) ? $clog2(P) : 1
) (
    input  logic [A-1:0]  acc,
    input  logic [7:0]    q,     // signed weight
    input  logic [SW-1:0] b,     // bit-plane (shift)
    input  logic          neg,   // activation negative: subtract
    output logic [A-1:0]  sum
);
    logic [A-1:0] sh;
    assign sh  = A'($signed(q)) << b;
    assign sum = neg ? acc - sh : acc + sh;
endmodule
