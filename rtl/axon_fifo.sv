// axon_fifo — the core's input FIFO of items (docs/core-timing.md, sync rule 1).
// F entries of IW bits. An item is accepted in a cycle when in_valid && in_ready
// at the clock edge that ends the cycle; it is visible at the head from the next
// cycle on (the decode cycle of rule 2: s_k >= a_k + 1). in_ready = not full, or
// a pop in this cycle (a slot freed by an item starting in cycle c can be refilled
// in the same cycle c), which gives a_k >= s_{k-F} exactly.
// Clock gating (CG=1, docs/rtl.md "Clock gating"): each entry's IW registers
// have their own gated clock (axon_icg), enabled only in the cycle that pushes
// into that entry; the pointers and the count stay on clk.
module axon_fifo #(
    parameter int F  = 8,  // depth in items, >= 1
    parameter int IW = 8,  // item width in bits
    parameter int CG = 0   // clock gating 0/1
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

    if (CG != 0) begin : g_cg
        for (genvar i = 0; i < F; i++) begin : g_ent
            logic gck, en;
            logic [IW-1:0] q;
            assign en = push && wp == PW'(i);
            assign mem[i] = q;
            axon_icg u_icg (.clk, .en, .gclk(gck));
            always_ff @(posedge gck) q <= push_data;
        end
    end else begin : g_clk
        always_ff @(posedge clk)
            if (push) mem[wp] <= push_data;
    end

    always_ff @(posedge clk) begin
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
