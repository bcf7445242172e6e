// axon_rfifo — fall-through queue of D entries: out is the oldest entry, or
// the input in the cycle it arrives into an empty queue; ovf is sticky.
module axon_rfifo #(
    parameter int W = 8,
    parameter int D = 4
) (
    input  logic         clk,
    input  logic         rst_n,
    input  logic         push,
    input  logic [W-1:0] in,
    input  logic         pop,
    output logic         out_valid,
    output logic [W-1:0] out,
    output logic         ovf
);
    localparam int QW = (D > 1) ? $clog2(D) : 1;
    logic [W-1:0] m [D];
    logic [QW-1:0] rp, wp;
    logic [QW:0]   n;
    wire empty = (n == '0);
    wire store = push && !(empty && pop);
    wire take  = pop && !empty;
    assign out_valid = !empty || push;
    assign out = empty ? in : m[rp];
    always_ff @(posedge clk) begin
        if (!rst_n) begin
            rp <= '0; wp <= '0; n <= '0; ovf <= 1'b0;
        end else begin
            if (store) begin
                m[wp] <= in;
                wp <= (32'(wp) == D - 1) ? '0 : wp + 1'b1;
                if (32'(n) == D && !take) ovf <= 1'b1;
            end
            if (take) rp <= (32'(rp) == D - 1) ? '0 : rp + 1'b1;
            n <= n + (QW+1)'(store) - (QW+1)'(take);
        end
    end
endmodule
