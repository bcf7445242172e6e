// axon_router — one router of a mesh row for the event multicast of
// docs/sim.md ("Multicast"): items travel east along the row of a row-block,
// every router delivers a copy to its core and forwards it.
//
// An item crosses a link as one flit of 32 bits (axon, shift, neg, eot, padded)
// cut into FC = ceil(32 / LB) units of LB bits, one unit per cycle, each unit
// HOP cycles on the wire. So a flit that enters the link in cycle e occupies it
// in cycles e .. e+FC-1 and is complete at the next router in cycle
// e + HOP + FC - 1 (docs/sim.md: at router x+1 = enter + hop + (fc-1)). The
// next item may enter at e + FC (link_free = enter + fc).
//
// Router 0 of a row has no west link: the host drives `w_*` with valid/ready
// (the injection backlog waits at the host) and drives core 0 directly; its
// eject port is unused. Routers 1.. take the flit the cycle it completes, push
// it into the core's ingress queue (fall-through: the core may accept it in
// that very cycle, arrival = a_k's lower bound) and forward it east at once
// (the east link is always free then: arrivals are FC apart). The NoC of the C
// model has no backpressure; the ingress queue holds IQ items and flags
// `iq_ovf` if it ever overflows (the co-simulation then refuses the run).
/* verilator lint_off UNUSEDSIGNAL */
module axon_router #(
    parameter int IW  = 13,  // item bits {eot, axon, neg, shift}, <= 32
    parameter int LB  = 64,  // link bits
    parameter int HOP = 1,   // cycles per hop on the wire (>= 0)
    parameter int IQ  = 64,  // ingress queue depth
    parameter int EAST = 1   // 1: has an east link
) (
    input  logic          clk,
    input  logic          rst_n,
    // west: flit into this router (router 0: from the host, valid/ready)
    input  logic          w_valid,
    output logic          w_ready,
    input  logic [IW-1:0] w_data,
    // east link output: the flit completes at the next router this cycle
    output logic          e_valid,
    output logic [IW-1:0] e_data,
    // local core input (items of routers 1..: ingress queue)
    input  logic          w_is_link,  // 1: w_* is a link output (routers 1..), 0: the host
    output logic          c_valid,
    input  logic          c_ready,
    output logic [IW-1:0] c_data,
    output logic          arrive,     // a flit completed here this cycle (FLIT stamp)
    output logic          iq_ovf
);
    localparam int FW = 32;
    localparam int FC = (FW + LB - 1) / LB;
    localparam int PW = FC * LB;
    localparam int CW = $clog2(FC + 1);
    localparam int QW = (IQ > 1) ? $clog2(IQ) : 1;

    // ---- ingress queue (fall-through) ----
    logic [IW-1:0] q [IQ];
    logic [QW-1:0] qr, qw;
    logic [QW:0]   qn;
    logic          push, pop;
    assign arrive  = w_is_link && w_valid;
    assign push    = arrive && !(qn == '0 && c_ready);   // taken in the same cycle: no store
    assign c_valid = (qn != '0) || arrive;
    assign c_data  = (qn != '0) ? q[qr] : w_data;
    assign pop     = (qn != '0) && c_ready;
    always_ff @(posedge clk) begin
        if (!rst_n) begin
            qr <= '0; qw <= '0; qn <= '0; iq_ovf <= 1'b0;
        end else begin
            if (push) begin
                q[qw] <= w_data;
                qw <= (32'(qw) == IQ - 1) ? '0 : qw + 1'b1;
                if (32'(qn) == IQ && !pop) iq_ovf <= 1'b1;
            end
            if (pop) qr <= (32'(qr) == IQ - 1) ? '0 : qr + 1'b1;
            qn <= qn + (QW+1)'(push) - (QW+1)'(pop);
        end
    end

    // ---- east link: serializer, HOP-stage wire, deserializer ----
    logic [CW-1:0] idx;          // unit being sent after the first (0: idle)
    logic [PW-1:0] tx;
    logic          u_valid, u_last;
    logic [LB-1:0] u_data;
    logic [PW-1:0] w_pad;
    logic          send;
    assign w_pad   = PW'(w_data);
    // routers 1.. forward every arriving flit; router 0 takes one from the host when idle
    assign w_ready = (idx == '0);
    assign send    = (EAST != 0) && w_valid && (idx == '0);
    always_comb begin
        if (idx == '0) begin
            u_valid = send;
            u_data  = w_pad[LB-1:0];
            u_last  = (FC == 1);
        end else begin
            u_valid = 1'b1;
            u_data  = tx[32'(idx) * LB +: LB];
            u_last  = (32'(idx) == FC - 1);
        end
    end
    always_ff @(posedge clk) begin
        if (!rst_n) idx <= '0;
        else if (idx == '0) begin
            if (send && FC > 1) begin
                tx  <= w_pad;
                idx <= CW'(1);
            end
        end else idx <= (32'(idx) == FC - 1) ? '0 : idx + 1'b1;
    end
`ifndef SYNTHESIS
    always_ff @(posedge clk)
        if (rst_n && w_is_link && w_valid && idx != '0 && EAST != 0)
            $error("axon_router: a flit arrived while the east link was busy");
`endif

    // wire: HOP register stages of one unit each
    logic          h_valid [HOP+1];
    logic          h_last  [HOP+1];
    logic [LB-1:0] h_data  [HOP+1];
    assign h_valid[0] = u_valid;
    assign h_last[0]  = u_last;
    assign h_data[0]  = u_data;
    for (genvar i = 0; i < HOP; i++) begin : g_hop
        always_ff @(posedge clk) begin
            h_valid[i+1] <= rst_n && h_valid[i];
            h_last[i+1]  <= h_last[i];
            h_data[i+1]  <= h_data[i];
        end
    end

    // deserializer at the next router: the flit is complete with its last unit
    logic [PW-1:0] rx;
    logic [CW-1:0] ri;
    logic [PW-1:0] full;
    always_comb begin
        full = rx;
        full[(FC-1)*LB +: LB] = h_data[HOP];
    end
    always_ff @(posedge clk) begin
        if (!rst_n) ri <= '0;
        else if (h_valid[HOP]) begin
            if (!h_last[HOP]) begin
                rx[32'(ri) * LB +: LB] <= h_data[HOP];
                ri <= ri + 1'b1;
            end else ri <= '0;
        end
    end
    assign e_valid = h_valid[HOP] && h_last[HOP];
    assign e_data  = full[IW-1:0];
endmodule
