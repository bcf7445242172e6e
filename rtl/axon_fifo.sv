// axon_fifo — the core's input FIFO of items (docs/core-timing.md, sync rule 1).
// F entries of IW bits. An item is accepted in a cycle when in_valid && in_ready
// at the clock edge that ends the cycle; it is visible at the head from the next
// cycle on (the decode cycle of rule 2: s_k >= a_k + 1). in_ready = not full, or
// a pop in this cycle (a slot freed by an item starting in cycle c can be refilled
// in the same cycle c), which gives a_k >= s_{k-F} exactly.
module axon_fifo #(
    parameter int F  = 8,  // depth in items, >= 1
    parameter int IW = 8   // item width in bits
) (
    input  logic          clk,
    input  logic          rst_n,
    input  logic          push_valid,
    output logic          push_ready,
    input  logic [IW-1:0] push_data,
    input  logic          pop,        // only when !empty
    output logic          empty,
    output logic [IW-1:0] head
);
    localparam int PW = (F > 1) ? $clog2(F) : 1;
    logic [IW-1:0] mem [F];
    logic [PW-1:0] rp, wp;
    logic [PW:0]   cnt;
    logic          push;

    assign empty      = (cnt == '0);
    assign push_ready = (cnt != (PW+1)'(F)) || pop;
    assign push       = push_valid && push_ready;
    assign head       = mem[rp];

    function automatic logic [PW-1:0] inc(input logic [PW-1:0] p);
        inc = (p == PW'(F - 1)) ? '0 : p + 1'b1;
    endfunction

    always_ff @(posedge clk) begin
        if (push) mem[wp] <= push_data;
        if (!rst_n) begin
            rp  <= '0;
            wp  <= '0;
            cnt <= '0;
        end else begin
            if (push) wp <= inc(wp);
            if (pop)  rp <= inc(rp);
            cnt <= cnt + (PW+1)'(push) - (PW+1)'(pop);
        end
    end
endmodule
