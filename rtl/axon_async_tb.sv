// axon_async_tb — the environment of the async core for Verilator --timing: the
// producer drives the input channel from the item stream the C++ shim holds
// (DPI axon_async_item; no request before the item's arrival time) and the
// consumer answers readout requests after T_REQ. A monitor counts the transfers
// of the three counted channels (input, read->add, readout; docs/core-timing.md
// async rule 5) from their wires: a request edge (4-phase: rising) and an
// acknowledge edge (4-phase: rising) each; the shim reads the counts and
// reports a request left unanswered. Top module of the async build.
`timescale 1ps / 1ps
// Event-controlled processes of a timing model: blocking assignments are meant.
/* verilator lint_off BLKSEQ */
/* verilator lint_off LATCH */
/* verilator lint_off SYNCASYNCNET */
// Behavioural model: int loop/index variables use only some of their bits.
/* verilator lint_off UNUSEDSIGNAL */
module axon_async_tb #(
    parameter int R    = 32,
    parameter int C    = 32,
    parameter int L    = 8,
    parameter int F    = 8,
    parameter int A    = 32,
    parameter int RB   = 64,
    parameter int DB   = 1,
    parameter int GATE = 1,
    parameter int HS_PHASES = 4,
    parameter int T_REQ = 50,
    parameter int T_ACK = 50,
    parameter int T_DECODE = 300,
    parameter int T_SRAM = 800,
    parameter int T_ADD = 400,
    parameter int T_READOUT = 400,
    localparam int AXW = (R > 1) ? $clog2(R) : 1
) (
    output logic ovf,
    output logic [63:0] hs_reqs,   // requests seen on the counted channels
    output logic [63:0] hs_acks    // acknowledges seen: completed transfers
);
    import "DPI-C" function int axon_async_item(input longint k, output int eot, output int axon,
                                                output int neg, output int shift, output longint arr);

    logic           in_req, in_ack, in_eot, in_neg, ro_req, ro_ack;
    logic [AXW-1:0] in_axon;
    logic [4:0]     in_shift;
    logic [RB-1:0]  ro_data;
    logic [31:0]    ro_beat;

    axon_core_async #(.R(R), .C(C), .L(L), .F(F), .A(A), .RB(RB), .DB(DB), .GATE(GATE),
                      .HS_PHASES(HS_PHASES), .T_REQ(T_REQ), .T_ACK(T_ACK), .T_DECODE(T_DECODE),
                      .T_SRAM(T_SRAM), .T_ADD(T_ADD), .T_READOUT(T_READOUT)) u_core (.*);

    // producer: one transfer per item, the next request T_ACK after the answer
    initial begin
        int eot, axon, neg, shift;
        longint arr;
        logic a0;
        in_req = 1'b0;
        in_eot = 1'b0;
        in_axon = '0;
        in_neg = 1'b0;
        in_shift = '0;
        for (longint k = 0; axon_async_item(k, eot, axon, neg, shift, arr) != 0; k++) begin
            // the item arrives at arr: no request before it
            if (arr > longint'($time)) #(arr - longint'($time));
            in_eot = eot[0];
            in_axon = AXW'(axon);
            in_neg = neg[0];
            in_shift = shift[4:0];
            a0 = in_ack;
            in_req = (HS_PHASES == 2) ? ~in_req : 1'b1;
            wait (in_ack != a0);
            if (T_ACK > 0) #(T_ACK);
            if (HS_PHASES == 4) begin
                in_req = 1'b0;
                wait (!in_ack);
                if (T_ACK > 0) #(T_ACK);
            end
        end
    end

    // handshake monitor: edges of the req/ack wires of the counted channels (the simulator wakes
    // an `always @(x)` once at time 0 without a change of x: only real edges count)
    logic [5:0] mon, seen;
    longint     cnt [6];
    assign mon = {ro_ack, ro_req, u_core.rd_ack, u_core.rd_req, in_ack, in_req};
    initial begin
        seen = '0;
        for (int i = 0; i < 6; i++) cnt[i] = 0;
    end
    always @(mon) begin
        for (int i = 0; i < 6; i++)
            if (mon[i] != seen[i]) begin
                seen[i] = mon[i];
                if (HS_PHASES == 2 || mon[i]) cnt[i]++;
            end
    end
    assign hs_reqs = 64'(cnt[0] + cnt[2] + cnt[4]);
    assign hs_acks = 64'(cnt[1] + cnt[3] + cnt[5]);

    // consumer: answers each readout request after T_REQ
    initial begin
        ro_ack = 1'b0;
        forever begin
            if (HS_PHASES == 2) begin
                @(ro_req);
                if (T_REQ > 0) #(T_REQ);
                ro_ack = ~ro_ack;
            end else begin
                wait (ro_req);
                if (T_REQ > 0) #(T_REQ);
                ro_ack = 1'b1;
                wait (!ro_req);
                if (T_REQ > 0) #(T_REQ);
                ro_ack = 1'b0;
            end
        end
    end
endmodule
