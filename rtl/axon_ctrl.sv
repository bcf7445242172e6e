// axon_ctrl — the core's control: start (pop), the read stage, the SRAM-latency
// pipeline of the word metadata, and the readout sequencer. It implements the
// recurrences of docs/core-timing.md (sync) directly:
//   start:   pop in cycle c when the FIFO has an item, the read stage has issued
//            all words of the previous event (r = s + W), and the bank the next
//            item writes is not waiting for / in readout. One `bank_busy` bit per
//            bank gives both buffering rules: single bank -> r_k = o_n + B;
//            two banks -> r_k = max(s_k + 1, o_{n-1} + B).
//   reads:   word w of an event issued in cycle s + w; with zero gating an
//            all-zero word is skipped (no SRAM read) but still takes its cycle.
//   adds:    the word's metadata travels LS pipeline stages beside the SRAM
//            data and is added in cycle c + LS.
//   readout: an EOT travels the same LS stages (arrives in s + LS, after the
//            last add), then starts when the readout port is free:
//            o_n = max(s + LS, o_{n-1} + B); beats in o_n .. o_n + B - 1; the
//            bank is cleared at the edge ending the last beat.
//   row reuse (REUSE = 1, docs/core-timing.md "Row reuse"): an event whose axon
//            equals the previous event's, with no EOT between them, reuses the
//            row register: its word slots issue in the same cycles but read no
//            SRAM (iss_reuse = 1 travels beside the word to the adder).
//   batches (NT > 1, with REUSE = 1; docs/core-timing.md "Token batches"): NT
//            accumulator sets per bank; an event carries its token's index in the
//            batch (h_tok) and adds into set bank*NT + h_tok; the EOTs of a batch
//            come after its events and are read out in order (a counter of
//            waiting readouts, the set of the next readout a counter mod NB*NT).
//            Only the EOT that closes a batch (the NT-th) marks its bank busy and
//            switches banks, so r_k = o_n + B (single bank) or max(s_k + 1,
//            o_c + B) with o_c the readout of the previous batch's closing EOT
//            (two banks); the other EOTs free the read stage at once.
module axon_ctrl #(
    parameter int R    = 32,
    parameter int C    = 32,
    parameter int L    = 8,
    parameter int LS   = 1,
    parameter int A    = 32,
    parameter int RB   = 64,
    parameter int NB   = 2,
    parameter int SW   = 5,
    parameter int GATE = 1,
    parameter int REUSE = 0,  // 1: row-reuse core (one SRAM row read per (token, axon))
    parameter int NT   = 1,   // tokens per batch (accumulator sets per bank), REUSE = 1
    localparam int W   = (C + L - 1) / L,
    localparam int WW  = (W > 1) ? $clog2(W) : 1,
    localparam int B   = (C * A + RB - 1) / RB,
    localparam int BB  = (B > 1) ? $clog2(B) : 1,
    localparam int NS  = NB * NT,  // accumulator sets
    localparam int BW  = (NS > 1) ? $clog2(NS) : 1,
    localparam int TTW = (NT > 1) ? $clog2(NT) : 1,
    localparam int AXW = (R > 1) ? $clog2(R) : 1,
    localparam int MW  = (R * W > 1) ? $clog2(R * W) : 1
) (
    input  logic           clk,
    input  logic           rst_n,
    // FIFO head
    input  logic           f_empty,
    input  logic           h_eot,
    input  logic [AXW-1:0] h_axon,
    input  logic           h_neg,
    input  logic [SW-1:0]  h_shift,
    /* verilator lint_off UNUSEDSIGNAL */
    input  logic [TTW-1:0] h_tok,      // event's token in its batch (NT > 1 only)
    /* verilator lint_on UNUSEDSIGNAL */
    output logic           pop,
    // SRAM issue
    output logic           issue,      // a word slot is used this cycle
    output logic [WW-1:0]  issue_word,
    output logic           issue_skip, // all-zero word, not read (gating)
    output logic           sram_re,
    output logic [MW-1:0]  sram_addr,
    input  logic           sram_zero,
    // adds (cycle c + LS)
    output logic           add_valid,
    output logic [BW-1:0]  add_bank,
    output logic [WW-1:0]  add_word,
    output logic           add_neg,
    output logic [SW-1:0]  add_shift,
    output logic           add_reuse,  // the word comes from the row register, not the SRAM
    output logic           iss_reuse,  // the word slot issued this cycle reuses the row
    // readout
    output logic           ro_valid,
    output logic [BB-1:0]  ro_beat,
    output logic           ro_last,
    output logic [BW-1:0]  ro_bank
);
    // ---- read stage ----
    logic           rd_act;
    logic [WW-1:0]  rd_w;
    logic [AXW-1:0] rd_axon;
    logic           rd_neg;
    logic [SW-1:0]  rd_shift;
    localparam int HW = (NB > 1) ? $clog2(NB) : 1;
    logic [HW-1:0]  wbank;      // the bank (of NT sets) being written
    logic [BW-1:0]  wset, rd_set; // the set the head item / the event in the read stage uses
    logic [NB-1:0]  bank_busy;
    logic           closes;     // the head EOT closes its batch
    logic           start_ev, start_eot;
    logic [AXW-1:0] iss_axon;
    logic           last_ok, rd_reuse, h_reuse;
    logic [AXW-1:0] last_axon;

    assign pop       = !f_empty && !rd_act && !bank_busy[wbank];
    assign start_ev  = pop && !h_eot;
    assign start_eot = pop && h_eot;
    assign issue      = start_ev || rd_act;
    assign issue_word = rd_act ? rd_w : '0;
    assign iss_axon   = rd_act ? rd_axon : h_axon;
    assign sram_addr  = MW'(32'(iss_axon) * W + 32'(issue_word));
    assign issue_skip = issue && (GATE != 0) && sram_zero;
    // row reuse: same axon as the previous event, no end-of-token since
    assign h_reuse    = (REUSE != 0) && last_ok && (h_axon == last_axon);
    assign iss_reuse  = issue && (rd_act ? rd_reuse : h_reuse);
    assign sram_re    = issue && !issue_skip && !iss_reuse;

    // ---- metadata pipeline: stage i is visible LS-1-i cycles before the add ----
    logic          m_val  [LS];
    logic          m_eot  [LS];
    logic [BW-1:0] m_bank [LS];
    logic [WW-1:0] m_word [LS];
    logic          m_neg  [LS];
    logic [SW-1:0] m_sh   [LS];
    logic          m_ru   [LS];

    assign add_valid = m_val[LS-1];
    assign add_bank  = m_bank[LS-1];
    assign add_word  = m_word[LS-1];
    assign add_neg   = m_neg[LS-1];
    assign add_shift = m_sh[LS-1];
    assign add_reuse = m_ru[LS-1];

    // ---- readout sequencer ----
    logic          ro_act, pend, mk, ro_start, ro_closes;
    logic [BB-1:0] ro_b;
    /* verilator lint_off UNUSEDSIGNAL */
    logic [BW-1:0] ro_bk;  // the bank being read out (NT = 1; batches count sets in rset)
    /* verilator lint_on UNUSEDSIGNAL */

    assign mk       = m_eot[LS-1];
    assign ro_start = (pend || mk) && !ro_act;
    assign ro_valid = ro_act || ro_start;
    assign ro_beat  = ro_act ? ro_b : '0;
    assign ro_last  = ro_valid && (32'(ro_beat) == B - 1);

    if (NT == 1) begin : g_tok
        // one set per bank: an item uses the bank being written; every EOT closes
        logic [BW-1:0] pend_bank;
        assign wset      = BW'(wbank);
        assign closes    = 1'b1;
        assign ro_closes = 1'b1;
        assign ro_bank   = ro_act ? ro_bk : (pend ? pend_bank : m_bank[LS-1]);
        always_ff @(posedge clk)
            if (!rst_n) begin
                pend      <= 1'b0;
                pend_bank <= '0;
            end else if (ro_start && pend) begin
                pend      <= mk;
                pend_bank <= m_bank[LS-1];
            end else if (mk && !ro_start) begin
                pend      <= 1'b1;
                pend_bank <= m_bank[LS-1];
            end
    end else begin : g_batch
        // NT sets per bank: events use set bank*NT + token; EOTs are counted in the
        // batch and read out in order, set after set
        localparam int PW = $clog2(NS + 1); // up to two batches' EOTs with two banks
        logic [TTW-1:0] ecnt;   // EOTs of the current batch started so far
        logic [PW-1:0]  npend;  // EOTs waiting for the readout port
        logic [BW-1:0]  rset;   // the set of the current / next readout
        assign wset      = BW'(32'(wbank) * NT + (h_eot ? 32'(ecnt) : 32'(h_tok)));
        assign closes    = 32'(ecnt) == NT - 1;
        assign ro_closes = 32'(rset) % NT == NT - 1;
        assign ro_bank   = rset;
        assign pend      = npend != '0;
        always_ff @(posedge clk)
            if (!rst_n) begin
                ecnt  <= '0;
                npend <= '0;
                rset  <= '0;
            end else begin
                if (start_eot) ecnt <= closes ? '0 : ecnt + 1'b1;
                npend <= npend + PW'(mk) - PW'(ro_start);  // a start takes a waiting EOT or mk
                if (ro_last) rset <= (32'(rset) == NS - 1) ? '0 : rset + 1'b1;
            end
    end

    always_ff @(posedge clk) begin
        // metadata stages (data-path registers, no reset needed past valid bits)
        m_bank[0] <= (NT > 1 && rd_act) ? rd_set : wset;
        m_word[0] <= issue_word;
        m_neg[0]  <= rd_act ? rd_neg : h_neg;
        m_sh[0]   <= rd_act ? rd_shift : h_shift;
        m_ru[0]   <= iss_reuse;
        for (int i = 1; i < LS; i++) begin
            m_bank[i] <= m_bank[i-1];
            m_word[i] <= m_word[i-1];
            m_neg[i]  <= m_neg[i-1];
            m_sh[i]   <= m_sh[i-1];
            m_ru[i]   <= m_ru[i-1];
        end
        if (start_ev) begin
            rd_set   <= wset;
            rd_axon  <= h_axon;
            rd_neg   <= h_neg;
            rd_shift <= h_shift;
            rd_reuse <= h_reuse;
        end
        if (!rst_n) begin
            rd_act    <= 1'b0;
            rd_w      <= '0;
            wbank     <= '0;
            bank_busy <= '0;
            ro_act    <= 1'b0;
            ro_b      <= '0;
            ro_bk     <= '0;
            last_ok   <= 1'b0;
            last_axon <= '0;
            for (int i = 0; i < LS; i++) begin
                m_val[i] <= 1'b0;
                m_eot[i] <= 1'b0;
            end
        end else begin
            m_val[0] <= issue && !issue_skip;  // SRAM read or row-register word
            m_eot[0] <= start_eot;
            // the row register holds the row of the last event of this token
            if (start_ev) begin
                last_ok   <= 1'b1;
                last_axon <= h_axon;
            end else if (start_eot) begin
                last_ok   <= 1'b0;
            end
            for (int i = 1; i < LS; i++) begin
                m_val[i] <= m_val[i-1];
                m_eot[i] <= m_eot[i-1];
            end
            // read stage: word 0 issues in the start cycle, words 1..W-1 after
            if (start_ev && W > 1) begin
                rd_act <= 1'b1;
                rd_w   <= WW'(1);
            end else if (rd_act) begin
                if (32'(rd_w) == W - 1) rd_act <= 1'b0;
                rd_w <= rd_w + 1'b1;
            end
            if (start_eot && closes) begin
                bank_busy[wbank] <= 1'b1;
                if (NB > 1) wbank <= wbank + 1'b1;
            end
            // readout
            if (ro_valid) begin
                ro_bk <= ro_bank;
                if (ro_last) begin
                    ro_act <= 1'b0;
                    if (ro_closes) bank_busy[HW'(32'(ro_bank) / NT)] <= 1'b0;
                end else begin
                    ro_act <= 1'b1;
                    ro_b   <= ro_beat + 1'b1;
                end
            end
        end
    end

`ifndef SYNTHESIS
    // the timing contract guarantees at most one EOT waiting for the readout port
    // (NT with batches: the batch's EOTs)
    always_ff @(posedge clk)
        if (NT == 1 && rst_n && mk && pend && !ro_start)
            $error("axon_ctrl: two end-of-token markers wait for readout");
`endif
endmodule
