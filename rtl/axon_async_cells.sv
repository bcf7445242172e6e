// axon_async_cells — the asynchronous circuit elements the async core
// (rtl/axon_core_async.sv) is built from, for Verilator --timing (delays are
// `#` in ps; simulation models, not synthesizable):
//
//   axon_async_delay  a matched delay line: a chain of buffer cells with
//                     transport delay (every edge is passed on, none is
//                     swallowed); D ps in all, cells of T_CELL ps, the last
//                     one trimmed so the line is exactly D. D = 0 is a wire.
//   axon_async_celem  a 2-input Muller C-element: the output takes the value
//                     of the inputs once both agree, T_C ps later (a join of
//                     two 2-phase events; it holds while they disagree).
//   axon_async_rx     the receiving end of a bundled-data channel (a latch
//                     controller): when a request is pending and `en` allows
//                     it, it fires — toggles `clk`, the local clock that
//                     latches the channel's data — and answers with `ack`
//                     T_REQ ps later (through a delay line). 2-phase: req and
//                     ack toggle; 4-phase: req up, ack up, req down, ack down.
//   axon_async_tx     the sending end: a toggle of `go` raises (2-phase:
//                     toggles) `req`; the answer comes back over an ack wire
//                     of T_ACK ps; the transfer is complete — `done` toggles to
//                     equal `go` — when the answer arrives (4-phase: after the
//                     return to zero). 2-phase it is wires only.
//
// One transfer therefore costs hs = T_REQ + T_ACK (2-phase) or 2*(T_REQ +
// T_ACK) (4-phase), docs/core-timing.md "Async mode". Default cell delays are
// from the OSU 0.18 um standard-cell liberty (.deps/osu018/osu018_stdcells.lib,
// typical corner, 10 fF load, 60 ps input transition): BUFX2 A->Y 80 ps rise /
// 90 ps fall, so a delay-line cell is 85 ps; a C-element as AOI22X1 + INVX1 is
// about 77 + 30 ps (T_C = 0 by default in the core: its delay is folded into
// the channel's T_REQ, which is the controller's whole response time).
//
// Outputs that a waiting process may watch are driven with nonblocking
// assignments, also where there is no delay: Verilator 5.006 (--timing) does
// not wake a process suspended in `wait`/`@` on a net that a continuous
// assignment or a blocking `always` updates in the same time step as a
// consequence of that process's own last assignment (the process hangs); and
// the processes wait with `while (!cond) @(signals)` rather than `wait (cond)`,
// whose wake-up 5.006 was seen to miss when another edge fell in the same step.
`timescale 1ps / 1ps
// Event-controlled processes of a timing model: blocking assignments are meant.
/* verilator lint_off BLKSEQ */
/* verilator lint_off LATCH */
/* verilator lint_off SYNCASYNCNET */
/* verilator lint_off DECLFILENAME */
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNDRIVEN */

module axon_async_delay #(
    parameter int D      = 85,
    parameter int T_CELL = 85
) (
    input  logic a,
    output logic y
);
    localparam int N = (D <= 0) ? 0 : (D + T_CELL - 1) / T_CELL;   // cells in the line
    if (N == 0) begin : g_wire
        always @(a) y <= a;   // nonblocking: see the note at the top
    end else begin : g_line
        // n[i] is the output of cell i; cell 1 reads the input and cell N drives y itself
        // (no continuous assignment in between: see the note at the top)
        logic [N:1] n;   // n[N] is y's twin, unused
        for (genvar i = 1; i < N; i++) begin : g_cell
            if (i == 1) begin : g_first
                always @(a) n[1] <= #(T_CELL) a;
            end else begin : g_next
                always @(n[i-1]) n[i] <= #(T_CELL) n[i-1];
            end
        end
        if (N == 1) begin : g_y1
            always @(a) y <= #(D) a;
        end else begin : g_yn
            always @(n[N-1]) y <= #(D - (N - 1) * T_CELL) n[N-1];
        end
    end
endmodule

module axon_async_celem #(
    parameter int T_C = 0
) (
    input  logic a,
    input  logic b,
    output logic y
);
    initial y = 1'b0;
    if (T_C > 0) begin : g_dly
        always @(a or b) if (a == b) y <= #(T_C) a;
    end else begin : g_now
        always @(a or b) if (a == b) y <= a;
    end
endmodule

module axon_async_rx #(
    parameter int PH    = 4,
    parameter int T_REQ = 50
) (
    input  logic req,
    input  logic en,     // the receiver may take a transfer (e.g. a free slot)
    output logic ack,
    output logic clk     // toggles when a transfer is taken: latch the data
);
    logic ph;   // the controller's state: 2-phase the phase of the last request taken, 4-phase busy
    logic c;    // the local clock's next value (clk follows it, nonblocking)
    initial begin
        ph = 1'b0;
        c = 1'b0;
    end
    always @(req or en or ack) begin
        if (PH == 2) begin
            if (req != ph && en) begin
                ph = req;
                c = ~c;
            end
        end else begin
            if (req && !ph && !ack && en) begin
                ph = 1'b1;
                c = ~c;
            end else if (!req && ph && ack) begin
                ph = 1'b0;   // return to zero: ack falls T_REQ later
            end
        end
        clk <= c;
    end
    axon_async_delay #(.D(T_REQ)) u_resp (.a(ph), .y(ack));
endmodule

module axon_async_tx #(
    parameter int PH    = 4,
    parameter int T_ACK = 50
) (
    input  logic go,     // toggle: send one transfer (the data is valid from now on)
    output logic req,
    input  logic ack,
    output logic done    // equals go when the transfer is complete
);
    logic acks;   // the answer as the sender sees it, T_ACK after the receiver gave it
    axon_async_delay #(.D(T_ACK)) u_wire (.a(ack), .y(acks));
    if (PH == 2) begin : g_2ph
        always @(go) req <= go;
        always @(acks) done <= acks;
    end else begin : g_4ph
        logic gph, r, d;   // state: phase of the last go taken, request, done
        initial begin
            gph = 1'b0;
            r = 1'b0;
            d = 1'b0;
        end
        always @(go or acks) begin
            if (go != gph && !r && !acks) begin
                gph = go;
                r = 1'b1;
            end else if (r && acks) begin
                r = 1'b0;
            end else if (!r && !acks && d != gph) begin
                d = gph;
            end
            req <= r;
            done <= d;
        end
    end
endmodule
