// axon_core_async — the async (clockless, bundled-data) variant of the core,
// docs/core-timing.md "Async mode", as a timed behavioural model for Verilator
// --timing (not synthesizable: the delays are `#` in picoseconds).
//
// Channels are bundled data with 2-phase (HS_PHASES=2: req toggles, ack toggles)
// or 4-phase (HS_PHASES=4: req up, ack up, req down, ack down) handshakes. The
// receiver answers a request after T_REQ and the sender sees the answer T_ACK
// later, so one transfer occupies hs = T_REQ + T_ACK (2-phase) or
// 2*(T_REQ + T_ACK) (4-phase). Stages:
//   input latch   item k is latched (a_k) when its request is up and the FIFO
//                 has a slot; the sender's next request comes hs later:
//                 a_k = max(arr_k, a_{k-1} + hs, s_{k-F})
//   read stage    s_k = max(a_k + T_DECODE, r_{k-1}); word w issued at s_k + w*P
//                 with P = max(T_SRAM, T_ADD) + hs (SRAM read, add, handshake
//                 on the read->add channel); r_k = s_k + W*P
//   readout       ready T_SRAM + T_ADD after the EOT starts (last add done),
//                 o_n = max(that, o_{n-1} + B*Q), beat b at o_n + b*Q,
//                 Q = T_READOUT + hs; the bank is cleared and freed at o_n + B*Q
//   banks         the read stage waits for the bank it writes to be free, which
//                 gives r_k = o_n + B*Q (one bank) or max(s_k + hs, o_{n-1} + B*Q)
// Accumulator arithmetic is the sync core's (acc += ±(q << shift), A bits).
// Weights come from the testbench through DPI (the SRAM is a back-door model),
// and every stamp is reported through DPI to the C++ shim (axon_rtl_async.cpp).
`timescale 1ps / 1ps
// Behavioural model: int loop/index variables use only some of their bits.
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

    localparam longint TREQ = longint'(T_REQ), TACK = longint'(T_ACK);
    localparam longint HS   = (HS_PHASES == 2) ? (TREQ + TACK) : 2 * (TREQ + TACK);
    localparam int     TMX  = (T_SRAM > T_ADD) ? T_SRAM : T_ADD;
    localparam longint P    = longint'(TMX) + HS;
    localparam longint Q    = longint'(T_READOUT) + HS;
    localparam longint LAT  = longint'(T_SRAM) + longint'(T_ADD);
    // Zero delays are allowed everywhere except in the handshake itself: a request
    // answered in the same time step is not seen by Verilator 5.006's --timing
    // scheduler (the channel stalls), so such a build is refused here.
    if (T_REQ <= 0 || T_ACK <= 0) begin : g_refuse_zero_hs
        $error("axon_core_async: T_REQ = %0d and T_ACK = %0d must both be > 0 ps (a zero-delay handshake is not modelled)", T_REQ, T_ACK);
    end
    localparam int NCH  = (RB + 63) / 64;   // 64-bit chunks per readout beat
    localparam int OBS_ACCEPT = 0, OBS_START = 1, OBS_READ = 2;

    // weight SRAM (back door) and per-word zero flags
    logic signed [7:0] q [R][W*L];
    logic              zf [R][W];
    // accumulators
    logic [A-1:0]      acc [NB][C];
    logic [NB-1:0]     bank_busy;
    // input FIFO: item fields and latch time
    logic              f_eot [F];
    logic [AXW-1:0]    f_axon [F];
    logic              f_neg [F];
    logic [4:0]        f_shift [F];
    longint            f_a [F];
    int                f_cnt, f_wp, f_rp;
    longint            n_in, n_start;
    // EOT hand-over to the readout: ready time and bank, in order
    longint            ro_ready [2];
    int                ro_bank [2];
    int                ro_cnt, ro_wp;
    // internal read->add channel (visible in waves)
    logic              w_req, w_ack;

    function automatic longint tnow();
        return longint'($time);
    endfunction

    task automatic wait_until(input longint t);
        if (t > tnow()) #(t - tnow());
    endtask

    // a delay of d ps; a zero delay is no wait at all (Verilator has no #0)
    task automatic dly(input longint d);
        if (d > 0) #(d);
    endtask

    task automatic add_word(input int bank, input int axon, input int w, input logic neg, input int sh);
        for (int l = 0; l < L; l++) begin
            int j = w * L + l;
            if (j < C && (GATE == 0 || q[axon][j] != 0)) begin
                longint term, sum;
                term = longint'(q[axon][j]) <<< sh;
                if (neg) term = -term;
                sum = longint'($signed(acc[bank][j])) + term;
                if (sum != longint'($signed(sum[A-1:0]))) ovf = 1'b1;
                acc[bank][j] = sum[A-1:0];
            end
        end
    endtask

    initial begin
        ovf = 1'b0;
        in_ack = 1'b0;
        ro_req = 1'b0;
        ro_data = '0;
        ro_beat = '0;
        w_req = 1'b0;
        w_ack = 1'b0;
        bank_busy = '0;
        f_cnt = 0; f_wp = 0; f_rp = 0; n_in = 0; n_start = 0;
        ro_cnt = 0; ro_wp = 0;
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

    // ---- input latch: the receiver side of the input channel ----
    initial begin
        forever begin
            wait (in_req != in_ack || (HS_PHASES == 4 && in_req && !in_ack));
            wait (f_cnt < F);
            f_eot[f_wp] = in_eot;
            f_axon[f_wp] = in_axon;
            f_neg[f_wp] = in_neg;
            f_shift[f_wp] = in_shift;
            f_a[f_wp] = tnow();
            axon_async_obs(OBS_ACCEPT, tnow(), n_in, -1, 0);
            n_in++;
            f_wp = (f_wp + 1) % F;
            f_cnt++;
            dly(longint'(T_REQ));
            in_ack = (HS_PHASES == 2) ? ~in_ack : 1'b1;
            if (HS_PHASES == 4) begin
                wait (!in_req);
                dly(longint'(T_REQ));
                in_ack = 1'b0;
            end
        end
    end

    // ---- read stage ----
    initial begin
        longint r_prev, s;
        int wbank, k, ax, sh;
        logic neg;
        r_prev = 0;
        wbank = 0;
        forever begin
            wait (f_cnt > 0);
            s = f_a[f_rp] + longint'(T_DECODE);
            wait_until(s < r_prev ? r_prev : s);
            wait (!bank_busy[wbank]);   // the bank this item writes is free
            s = tnow();
            k = f_rp;
            f_rp = (f_rp + 1) % F;
            f_cnt--;
            axon_async_obs(OBS_START, s, n_start, -1, 0);
            if (!f_eot[k]) begin
                ax = int'(f_axon[k]);
                sh = int'(f_shift[k]);
                neg = f_neg[k];
                for (int w = 0; w < W; w++) begin
                    logic skip;
                    wait_until(s + longint'(w) * P);
                    skip = (GATE != 0) && zf[ax][w];
                    axon_async_obs(OBS_READ, tnow(), n_start, w, skip ? 1 : 0);
                    if (!skip) begin
                        add_word(wbank, ax, w, neg, sh);
                        // bundled data on the read->add channel once SRAM and adder are done
                        dly(P - HS);
                        w_req = ~w_req;
                        dly(longint'(T_REQ));
                        w_ack = ~w_ack;
                        dly(longint'(T_ACK));
                        if (HS_PHASES == 4) begin
                            dly(TREQ + TACK);
                        end
                    end
                end
                r_prev = s + longint'(W) * P;
            end else begin
                bank_busy[wbank] = 1'b1;
                ro_ready[ro_wp] = s + LAT;
                ro_bank[ro_wp] = wbank;
                ro_wp = (ro_wp + 1) % 2;
                ro_cnt++;
                if (NB > 1) wbank = 1 - wbank;
                r_prev = s + HS;   // the EOT's own transfer to the readout
            end
            n_start++;
        end
    end

    // ---- readout ----
    initial begin
        int rp, bk;
        logic a0;
        logic [B*RB-1:0] packed_acc;
        logic [NCH*64-1:0] beat64;
        rp = 0;
        forever begin
            wait (ro_cnt > 0);
            wait_until(ro_ready[rp]);
            bk = ro_bank[rp];
            packed_acc = '0;
            for (int j = 0; j < C; j++) packed_acc[j*A +: A] = acc[bk][j];
            for (int b = 0; b < B; b++) begin
                longint tb;
                tb = tnow();
                ro_data = packed_acc[b*RB +: RB];
                ro_beat = b;
                beat64 = (NCH*64)'(ro_data);
                for (int c = 0; c < NCH; c++)
                    axon_async_beat(tb, b, c, longint'(beat64[c*64 +: 64]), (b == B - 1) ? 1 : 0);
                // one transfer on the readout channel: the consumer answers after
                // T_REQ, the answer arrives T_ACK later (4-phase: twice)
                a0 = ro_ack;
                ro_req = (HS_PHASES == 2) ? ~ro_req : 1'b1;
                wait (ro_ack != a0);
                dly(longint'(T_ACK));
                if (HS_PHASES == 4) begin
                    ro_req = 1'b0;
                    wait (!ro_ack);
                    dly(longint'(T_ACK));
                end
                wait_until(tb + Q);
            end
            for (int j = 0; j < C; j++) acc[bk][j] = '0;
            bank_busy[bk] = 1'b0;
            rp = (rp + 1) % 2;
            ro_cnt--;
        end
    end
endmodule
