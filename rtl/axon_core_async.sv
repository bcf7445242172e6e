// axon_core_async — the async (clockless, bundled-data) variant of the core,
// docs/core-timing.md "Async mode", as a circuit of handshake controllers and
// matched delay lines (rtl/axon_async_cells.sv) for Verilator --timing (delays
// are `#` in ps; not synthesizable). No time is computed here: every stamp is
// the instant a controller fires, which follows from the request/acknowledge
// wires and the delay lines. Stages and their channels:
//
//   FIFO write   input channel (req/ack with the producer) -> latch controller
//                u_in; it takes an item when a request is pending and slot wp
//                is free, latches the item into the slot (accept, a_k) and
//                toggles the slot's write phase f_wt[wp].
//   decode       per slot, f_wt through a matched delay line of T_DECODE: the
//                slot's 2-phase request to the read stage (f_wtd); the read
//                stage answers by toggling f_rt (pop), which frees the slot.
//   SRAM read    the read stage controller (`seq`) fires when the head slot's
//                decoded request is pending and the bank it writes is free
//                (start, s_k). Per word it toggles its local clock sgo, which
//                latches the SRAM address and runs two matched delay lines,
//                T_SRAM (the SRAM read) and T_ADD (the adder's slot); a
//                C-element joins them, then the word crosses the read->add
//                channel (a real transfer, hs), and the ack's arrival lets the
//                next word fire: P = max(T_SRAM, T_ADD) + hs. A word skipped
//                by zero gating is not read and makes no transfer; a replica
//                delay line of hs takes the transfer's place, so timing never
//                depends on weights.
//   lane add     latch controller u_rd_rx takes the SRAM word into the operand
//                latch; the adder's matched delay T_ADD later the lanes are
//                added into the accumulators (acc += +-(q << shift), A bits).
//   EOT          the read stage sends the bank on the EOT channel (hs) to the
//                readout queue (latch controller u_eo_rx), which toggles the
//                bank's phase e_wt[bank]; through a matched delay of T_SRAM +
//                T_ADD (the add pipe drains) that is the readout's request.
//   readout      controller `ro` fires when the next bank's request is
//                pending; per beat it presents the data and makes one transfer
//                on the readout channel (hs), then waits the matched delay
//                T_READOUT (next beat's mux); after the last one it clears the
//                bank and toggles e_rt[bank], which frees the bank (a bank is
//                busy from its EOT to the end of its readout).
//
// The weights come from the testbench through DPI at time 0 (the SRAM is a
// back-door model) and the firing instants are reported through DPI to the
// C++ shim (axon_rtl_async.cpp); handshakes are counted by the testbench from
// the req/ack wires (rtl/axon_async_tb.sv).
`timescale 1ps / 1ps
// Event-controlled processes of a timing model: blocking assignments are meant.
/* verilator lint_off BLKSEQ */
/* verilator lint_off LATCH */
/* verilator lint_off SYNCASYNCNET */
/* verilator lint_off INITIALDLY */
// int loop/index variables use only some of their bits.
/* verilator lint_off UNUSEDSIGNAL */
module axon_core_async #(
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
    localparam int W   = (C + L - 1) / L,
    localparam int B   = (C * A + RB - 1) / RB,
    localparam int NB  = (DB != 0) ? 2 : 1,
    localparam int AXW = (R > 1) ? $clog2(R) : 1
) (
    // input channel (bundled data: the fields are valid while in_req is asserted)
    input  logic           in_req,
    output logic           in_ack,
    input  logic           in_eot,
    input  logic [AXW-1:0] in_axon,
    input  logic           in_neg,
    input  logic [4:0]     in_shift,
    // readout channel
    output logic           ro_req,
    input  logic           ro_ack,
    output logic [RB-1:0]  ro_data,
    output logic [31:0]    ro_beat,
    output logic           ovf
);
    import "DPI-C" function byte axon_async_weight(input int axon, input int j);
    import "DPI-C" function void axon_async_obs(input int kind, input longint t, input longint item,
                                                input int word, input int skip);
    // a beat of RB bits goes out as ceil(RB/64) 64-bit chunks, chunk c = bits [64c, 64c+64)
    import "DPI-C" function void axon_async_beat(input longint t, input int beat, input int chunk,
                                                 input longint data, input int last);

    // one transfer's time: what a skipped word's replica line stands in for
    localparam int HS = (HS_PHASES == 2) ? (T_REQ + T_ACK) : 2 * (T_REQ + T_ACK);
    // A zero-delay handshake is not modelled: a request answered in the same time step is not
    // seen by Verilator 5.006's --timing scheduler (the channel stalls), so it is refused here.
    if (T_REQ <= 0 || T_ACK <= 0) begin : g_refuse_zero_hs
        $error("axon_core_async: T_REQ = %0d and T_ACK = %0d must both be > 0 ps (a zero-delay handshake is not modelled)", T_REQ, T_ACK);
    end
    if (HS_PHASES != 2 && HS_PHASES != 4) begin : g_refuse_phases
        $error("axon_core_async: HS_PHASES = %0d (2 or 4)", HS_PHASES);
    end
    localparam int NCH = (RB + 63) / 64;   // 64-bit chunks per readout beat
    localparam int OBS_ACCEPT = 0, OBS_START = 1, OBS_READ = 2;
    localparam int FW = (F > 1) ? $clog2(F) : 1;

    // weight SRAM (back door) and per-word zero flags kept beside it
    logic signed [7:0] q [R][W*L];
    logic              zf [R][W];
    // accumulators
    logic [A-1:0]      acc [NB][C];

    initial begin
        ovf = 1'b0;
        for (int b = 0; b < NB; b++) for (int j = 0; j < C; j++) acc[b][j] = '0;
        for (int i = 0; i < R; i++) begin
            for (int j = 0; j < W * L; j++) begin
                if (j < C) q[i][j] = axon_async_weight(i, j);
                else q[i][j] = 8'sd0;
            end
            for (int w = 0; w < W; w++) begin
                zf[i][w] = 1'b1;
                for (int l = 0; l < L; l++) if (q[i][w*L+l] != 0) zf[i][w] = 1'b0;
            end
        end
    end

    // ---------------- FIFO: write controller, slots, decode lines ----------------
    logic              f_eot [F];
    logic [AXW-1:0]    f_axon [F];
    logic              f_neg [F];
    logic [4:0]        f_shift [F];
    logic [F-1:0]      f_wt, f_rt, f_wtd;   // per slot: write phase, read phase, write phase decoded
    logic [FW-1:0]     f_wp;
    logic              in_clk, f_free;
    longint            n_in;
    assign f_free = (f_wt[f_wp] == f_rt[f_wp]);
    axon_async_rx #(.PH(HS_PHASES), .T_REQ(T_REQ)) u_in (.req(in_req), .en(f_free), .ack(in_ack), .clk(in_clk));
    initial begin
        f_wt = '0;
        f_wp = '0;
        n_in = 0;
    end
    // The simulator (Verilator 5.006) wakes every `always @(x)` once at time 0 although x did
    // not change, so each latch keeps the last clock phase it saw and acts only on a real edge.
    logic in_seen, add_seen, wr_seen, eo_seen, sgo_seen;
    initial begin
        in_seen = 1'b0;
        add_seen = 1'b0;
        wr_seen = 1'b0;
        eo_seen = 1'b0;
        sgo_seen = 1'b0;
    end
    always @(in_clk) if (in_clk != in_seen) begin   // the slot's latch, clocked by the write controller
        in_seen = in_clk;
        f_eot[f_wp] = in_eot;
        f_axon[f_wp] = in_axon;
        f_neg[f_wp] = in_neg;
        f_shift[f_wp] = in_shift;
        axon_async_obs(OBS_ACCEPT, longint'($time), n_in, -1, 0);
        n_in++;
        f_wt[f_wp] = ~f_wt[f_wp];
        f_wp = (32'(f_wp) == F - 1) ? '0 : f_wp + 1'b1;
    end
    for (genvar i = 0; i < F; i++) begin : g_dec
        axon_async_delay #(.D(T_DECODE)) u_dec (.a(f_wt[i]), .y(f_wtd[i]));
    end

    // ---------------- read stage: local clock, SRAM and adder lines, join ----------------
    logic sgo, sram_d, add_d, join_o;
    axon_async_delay #(.D(T_SRAM)) u_sram_line (.a(sgo), .y(sram_d));
    axon_async_delay #(.D(T_ADD)) u_add_line (.a(sgo), .y(add_d));
    axon_async_celem u_join (.a(sram_d), .b(add_d), .y(join_o));
    // read->add channel
    logic rd_go, rd_req, rd_ack, rd_done, add_clk;
    axon_async_tx #(.PH(HS_PHASES), .T_ACK(T_ACK)) u_rd_tx (.go(rd_go), .req(rd_req), .ack(rd_ack), .done(rd_done));
    axon_async_rx #(.PH(HS_PHASES), .T_REQ(T_REQ)) u_rd_rx (.req(rd_req), .en(1'b1), .ack(rd_ack), .clk(add_clk));
    // a skipped word: the replica of one transfer, no transfer
    logic sk_go, sk_done;
    axon_async_delay #(.D(HS)) u_skip_line (.a(sk_go), .y(sk_done));
    // EOT channel to the readout queue
    logic eo_go, eo_req, eo_ack, eo_done, eo_clk;
    axon_async_tx #(.PH(HS_PHASES), .T_ACK(T_ACK)) u_eo_tx (.go(eo_go), .req(eo_req), .ack(eo_ack), .done(eo_done));
    axon_async_rx #(.PH(HS_PHASES), .T_REQ(T_REQ)) u_eo_rx (.req(eo_req), .en(1'b1), .ack(eo_ack), .clk(eo_clk));
    // per bank: EOT phase, readout-done phase, EOT phase after the add pipe drained
    logic [NB-1:0] e_wt, e_rt, e_wtd;

    // the read stage's item register (bundled with its channels) and the SRAM port
    logic [AXW-1:0] rs_axon;
    logic           rs_neg;
    logic [4:0]     rs_shift;
    int             rs_w, rs_bank, eo_bank;
    logic [L*8-1:0] sram_q;   // the SRAM's output word: valid T_SRAM after sgo, garbage before
    function automatic logic [L*8-1:0] row_word(input int ax, input int w);
        logic [L*8-1:0] v;
        for (int l = 0; l < L; l++) v[l*8 +: 8] = q[ax][w*L+l];
        return v;
    endfunction
    if (T_SRAM > 0) begin : g_sram
        always @(sgo) if (sgo != sgo_seen) begin
            sgo_seen = sgo;
            sram_q = {L{8'ha5}};
            sram_q <= #(T_SRAM) row_word(int'(rs_axon), rs_w);
        end
    end else begin : g_sram0
        always @(sgo) if (sgo != sgo_seen) begin
            sgo_seen = sgo;
            sram_q = row_word(int'(rs_axon), rs_w);
        end
    end

    initial begin : seq
        int rp, wb;
        longint n_start;
        logic eot, skip;
        rp = 0;
        wb = 0;
        n_start = 0;
        f_rt = '0;
        sgo = 1'b0;
        rd_go = 1'b0;
        sk_go = 1'b0;
        eo_go = 1'b0;
        forever begin
            // fire: the head slot's decoded request is pending and the bank is free
            while (!(f_wtd[rp] != f_rt[rp] && e_wt[wb] == e_rt[wb])) @(f_wtd or f_rt or e_wt or e_rt);
            eot = f_eot[rp];
            rs_axon = f_axon[rp];
            rs_neg = f_neg[rp];
            rs_shift = f_shift[rp];
            rs_bank = wb;
            axon_async_obs(OBS_START, longint'($time), n_start, -1, 0);
            // pop: answers the slot, which is free again (nonblocking, so that the write
            // controller sees it in this time step: rtl/axon_async_cells.sv, top note)
            f_rt[rp] <= ~f_rt[rp];
            rp = (rp == F - 1) ? 0 : rp + 1;
            if (!eot) begin
                for (int w = 0; w < W; w++) begin
                    skip = (GATE != 0) && zf[int'(rs_axon)][w];
                    rs_w = w;
                    axon_async_obs(OBS_READ, longint'($time), n_start, w, skip ? 1 : 0);
                    sgo = ~sgo;
                    while (join_o != sgo) @(join_o);
                    if (!skip) begin
                        rd_go = ~rd_go;
                        while (rd_done != rd_go) @(rd_done);
                    end else begin
                        sk_go = ~sk_go;
                        while (sk_done != sk_go) @(sk_done);
                    end
                end
            end else begin
                eo_bank = wb;
                eo_go = ~eo_go;
                while (eo_done != eo_go) @(eo_done);
                if (NB > 1) wb = 1 - wb;
            end
            n_start++;
        end
    end

    // ---------------- lane add: operand latch and adder ----------------
    logic [L*8-1:0] op_q;
    int             op_w, op_bank, op_sh;
    logic           op_neg, add_wr;
    task automatic add_word();
        for (int l = 0; l < L; l++) begin
            int j = op_w * L + l;
            logic signed [7:0] qv;
            qv = op_q[l*8 +: 8];
            if (j < C && (GATE == 0 || qv != 0)) begin
                longint term, sum;
                term = longint'(qv) <<< op_sh;
                if (op_neg) term = -term;
                sum = longint'($signed(acc[op_bank][j])) + term;
                if (sum != longint'($signed(sum[A-1:0]))) ovf = 1'b1;
                acc[op_bank][j] = sum[A-1:0];
            end
        end
    endtask
    always @(add_clk) if (add_clk != add_seen) begin   // the operand latch, clocked by the read->add receiver
        add_seen = add_clk;
        op_q = sram_q;
        op_w = rs_w;
        op_bank = rs_bank;
        op_neg = rs_neg;
        op_sh = int'(rs_shift);
        if (T_ADD == 0) add_word();
    end
    axon_async_delay #(.D(T_ADD)) u_adder (.a(add_clk), .y(add_wr));
    always @(add_wr) if (add_wr != wr_seen) begin
        wr_seen = add_wr;
        if (T_ADD > 0) add_word();
    end

    // ---------------- readout queue and readout ----------------
    initial e_wt = '0;
    always @(eo_clk) if (eo_clk != eo_seen) begin
        eo_seen = eo_clk;
        e_wt[eo_bank] = ~e_wt[eo_bank];
    end
    for (genvar b = 0; b < NB; b++) begin : g_drain
        axon_async_delay #(.D(T_SRAM + T_ADD)) u_drain (.a(e_wt[b]), .y(e_wtd[b]));
    end
    logic ro_go, ro_done, rl_go, rl_done;
    axon_async_tx #(.PH(HS_PHASES), .T_ACK(T_ACK)) u_ro_tx (.go(ro_go), .req(ro_req), .ack(ro_ack), .done(ro_done));
    axon_async_delay #(.D(T_READOUT)) u_ro_line (.a(rl_go), .y(rl_done));

    initial begin : ro
        int rp;
        logic [B*RB-1:0] packed_acc;
        logic [NCH*64-1:0] beat64;
        rp = 0;
        e_rt = '0;
        ro_go = 1'b0;
        rl_go = 1'b0;
        ro_data = '0;
        ro_beat = '0;
        forever begin
            while (e_wtd[rp] == e_rt[rp]) @(e_wtd or e_rt);
            packed_acc = '0;
            for (int j = 0; j < C; j++) packed_acc[j*A +: A] = acc[rp][j];
            for (int b = 0; b < B; b++) begin
                ro_data = packed_acc[b*RB +: RB];
                ro_beat = b;
                beat64 = (NCH*64)'(ro_data);
                for (int c = 0; c < NCH; c++)
                    axon_async_beat(longint'($time), b, c, longint'(beat64[c*64 +: 64]), (b == B - 1) ? 1 : 0);
                ro_go = ~ro_go;
                while (ro_done != ro_go) @(ro_done);
                rl_go = ~rl_go;
                while (rl_done != rl_go) @(rl_done);
            end
            for (int j = 0; j < C; j++) acc[rp][j] = '0;
            e_rt[rp] = ~e_rt[rp];   // the bank is free
            rp = (rp == NB - 1) ? 0 : rp + 1;
        end
    end
endmodule
