// axon_async_tb — the environment of the async core for Verilator --timing: the
// producer drives the input channel from the item stream the C++ shim holds
// (DPI axon_async_item; no request before the item's arrival time) and the
// consumer answers readout requests after T_REQ. Top module of the async build.
`timescale 1ps / 1ps
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
    output logic ovf
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
