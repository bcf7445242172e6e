// axon_mul8 — exact int8 x int8 -> int16 product, one per lane of the dense,
// zero-skip and wide baselines (rtl/axon_mac_baseline.sv). A module of its own so
// synthesis reports its area apart (rtl/synth/base_synth.sh): the power model scales
// it by the lane count only, never by the accumulator width.
module axon_mul8 (
    input  logic [7:0]  x,
    input  logic [7:0]  q,
    output logic [15:0] p
);
    assign p = 16'($signed(x) * $signed(q));
endmodule
