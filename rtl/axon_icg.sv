// axon_icg — latch-based integrated clock gate (docs/rtl.md "Clock gating").
// The OSU 0.18 um library has no integrated clock-gating cell, so this is the
// standard one built from its cells: a latch transparent while the clock is low
// (LATCH clocked by the inverted clock, INVX1) holds the enable through the high
// phase, and AND2X1 passes the clock only when the latched enable is 1:
//   gclk = clk & en_l,  en_l = en sampled while clk is low.
// A glitch-free gated clock: en may change at any time in a cycle; the flops on
// gclk see a rising edge exactly in the cycles whose enable was 1 at the edge
// (the same cycles in which an enabled flop on clk would load).
// Synthesis (AXON_OSU018_CELLS, rtl/synth/core_gate.ys) instantiates the three
// library cells, which yosys keeps as they are; their instance names contain
// `u_icg`, by which power/power_gate.c prices them and the gated clock nets
// they drive as clock. Simulation of the RTL uses the behavioural equivalent.
module axon_icg (
    input  logic clk,
    input  logic en,
    output logic gclk
);
`ifdef AXON_OSU018_CELLS
    logic clk_n, en_l;
    INVX1  u_inv (.A(clk), .Y(clk_n));
    LATCH  u_lat (.CLK(clk_n), .D(en), .Q(en_l));
    AND2X1 u_and (.A(clk), .B(en_l), .Y(gclk));
`else
    logic en_l;
    always_latch
        if (!clk) en_l = en;
    assign gclk = clk & en_l;
`endif
endmodule
