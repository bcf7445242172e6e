// axon_lane_add — one lane's A-bit accumulator adder: acc + the sign-extended
// int16 product (rtl/axon_mac_baseline.sv). Its own module so synthesis reports
// its area apart from the multiplier (it scales with A, the multiplier does not).
module axon_lane_add #(
    parameter int A = 32
) (
    input  logic [A-1:0] acc,
    input  logic [15:0]  p,
    output logic [A-1:0] sum
);
    assign sum = acc + A'($signed(p));
endmodule
