// axon_reduce — the partial-sum reduction port of one router (core (y, cb)),
// docs/sim.md "Reduction": every core's B readout beats leave as a packet of B
// flits of RB bits south along its mesh column; row-block y adds its partial
// into the passing packet of its weight group and forwards the packets of the
// groups started above it; the last row-block's router is the chip output.
//
// Configuration (static for a run, from the layer's tiling): cfg_npass = the
// number of groups started above this row-block (= its group index g(y)),
// cfg_merge = 1 when the row-block above belongs to the same group. Per token
// a router sends npass + 1 packets, in group order: npass passing through
// from above, then its own (its core's beats, added to the above packet of
// its group when cfg_merge).
//
// South link (not LAST): a flit is cut into FC = ceil(RB/LB) units of LB bits,
// one unit a cycle, HOP register stages on the wire. The link follows sim.md's
// packet rule exactly:
//   eh = max(head, free); et = max(eh + (B-1)*FC, tail); free = et + FC
//   head' = eh + HOP;     tail' = et + HOP + FC - 1
// A packet's head is available when the first unit of the above packet has
// arrived and/or (own packet) beat 0 of the core's readout has come; its tail
// when the last unit of the above packet has arrived and/or the core's last
// beat has come. The head flit and the middle flits are cut through unit by
// unit (unit (i, j) leaves at eh + i*FC + j; by the rule above it has always
// arrived by then); the tail flit leaves only once complete (at et), so a
// packet stretches by FC - 1 cycles a hop. Merging adds the core's beat into
// the passing units on the fly: the packed accumulators (accumulator j at bits
// [j*A, (j+1)*A), beat b = bits [b*RB, (b+1)*RB)) are added LSB first with a
// carry kept across units and cleared at every accumulator boundary (A-bit
// two's complement, wrapping, sticky red_ovf on a signed overflow).
//
// Chip output (LAST): the above units are reassembled into flits; flits of
// passing packets leave on o_pass the cycle they complete, the own packet on
// o_own: the core's beats, or (cfg_merge) each beat added to the above flit
// of the same index once both are there. So a packet's last beat leaves at
// max(tails) and it is complete one cycle later (sim.md: tail + bp).
//
// The C model has no backpressure: the above-unit and beat queues hold Q
// entries and set q_ovf if they ever overflow (the co-simulation then refuses
// the run).
/* verilator lint_off UNUSEDSIGNAL */
module axon_reduce #(
    parameter int RB   = 64,  // readout beat = flit payload bits
    parameter int LB   = 64,  // link bits
    parameter int A    = 32,  // accumulator bits
    parameter int B    = 4,   // beats (flits) a packet
    parameter int HOP  = 1,   // cycles per hop on the wire
    parameter int Q    = 64,  // queue depth (units above, beats local)
    parameter int PW   = 4,   // width of cfg_npass
    parameter int LAST = 0,   // 1: the chip output (no south link)
    parameter int FIRST = 0   // 1: the top row (no link from above)
) (
    input  logic          clk,
    input  logic          rst_n,
    input  logic [PW-1:0] cfg_npass,
    input  logic          cfg_merge,
    // the core's readout beats
    input  logic          l_valid,
    input  logic          l_first,   // beat 0
    input  logic          l_last,    // beat B-1
    input  logic [RB-1:0] l_data,
    // from above: a unit arriving this cycle
    input  logic          a_valid,
    input  logic [LB-1:0] a_data,
    // to below: a unit arriving at the next router this cycle
    output logic          d_valid,
    output logic [LB-1:0] d_data,
    // chip output (LAST)
    output logic          o_pass_valid,
    output logic          o_pass_last,
    output logic [RB-1:0] o_pass_data,
    output logic          o_own_valid,
    output logic          o_own_last,
    output logic [RB-1:0] o_own_data,
    // observation (not LAST): head / tail flit enters the link, a flit has
    // entered it, a merged packet starts (LAST too), waiting heads (stall)
    output logic          obs_head,
    output logic          obs_tail,
    output logic          obs_flit,
    output logic          obs_merge,
    output logic [15:0]   obs_stall,  // packets whose head waits (for the link or an earlier packet)
    output logic          red_ovf,
    output logic          q_ovf
);
    localparam int FC  = (RB + LB - 1) / LB;     // units a flit
    localparam int NU  = B * FC;                 // units a packet
    localparam int TS  = (B - 1) * FC;           // first unit of the tail flit
    localparam int UW  = $clog2(NU + 1);
    localparam int JW  = $clog2(FC + 1);
    localparam int BW  = $clog2(B + 1);
    localparam int AW  = $clog2(A + 1);
    localparam int LBM = LB % A;
    localparam int RBM = RB % A;


    logic ovf_set;

    if (LAST == 0) begin : g_link
        // ---- above units: receive counter, head/tail counts, queue ----
        logic [UW-1:0] rcnt;
        wire  a_head = a_valid && (rcnt == '0);
        wire  a_tail = a_valid && (32'(rcnt) == NU - 1);
        logic [15:0] a_hp, a_tp;  // heads / tails arrived and not yet taken
        logic aq_v, aq_pop, aq_ovf;
        logic [LB-1:0] aq_d;
        if (FIRST == 0) begin : g_aq
            axon_rfifo #(.W(LB), .D(Q)) u_aq (.clk, .rst_n, .push(a_valid), .in(a_data),
                .pop(aq_pop), .out_valid(aq_v), .out(aq_d), .ovf(aq_ovf));
        end else begin : g_noaq  // the top row: nothing comes from above
            assign aq_v = 1'b0;
            assign aq_d = '0;
            assign aq_ovf = 1'b0;
        end
        // ---- local beats ----
        logic [15:0] l_hp, l_tp;
        logic lq_v, lq_pop, lq_ovf;
        logic [RB-1:0] lq_d;
        axon_rfifo #(.W(RB), .D(Q)) u_lq (.clk, .rst_n, .push(l_valid), .in(l_data),
            .pop(lq_pop), .out_valid(lq_v), .out(lq_d), .ovf(lq_ovf));

        // ---- sender ----
        logic          act;
        logic [UW-1:0] ucnt;
        logic [JW-1:0] uj;
        logic [PW-1:0] pk;
        logic [AW-1:0] uph, bph;
        logic          carry;
        // unit, beat phase and unit counters as seen by the next unit (0 at a packet's start)
        wire [JW-1:0] ujx   = act ? uj : '0;
        wire [AW-1:0] uphx  = act ? uph : '0;
        wire [AW-1:0] bphx  = act ? bph : '0;
        wire [UW-1:0] ucntx = act ? ucnt : '0;
        wire own  = (pk == cfg_npass);
        wire ua   = !own || cfg_merge;
        wire ul   = own;
        wire h_a  = (a_hp != '0) || a_head;
        wire t_a  = (a_tp != '0) || a_tail;
        wire h_l  = (l_hp != '0) || (l_valid && l_first);
        wire t_l  = (l_tp != '0) || (l_valid && l_last);
        wire head_ok = (!ua || h_a) && (!ul || h_l);
        wire tail_ok = (!ua || t_a) && (!ul || t_l);
        logic go, start, tstart;
        always_comb begin
            if (!act) go = head_ok && (TS != 0 || tail_ok);
            else if (32'(ucnt) == TS) go = tail_ok;
            else go = 1'b1;
        end
        assign start  = go && !act;
        assign tstart = go && (32'(ucnt) == TS || (!act && TS == 0));
        wire [PW-1:0] pk_n = own ? '0 : pk + 1'b1;
        // stall (sim.md: eh - head per packet): every packet whose head is
        // there and that has not started, counted each cycle after this
        // cycle's arrivals and start. Own packets of a merging router need
        // both heads: min(pending above heads of the merge parts, local heads).
        logic [PW-1:0] rpk;           // above packet index within the token (receiver)
        logic [15:0]   a_hpp, a_hpm;  // pending above heads: passing / merge parts
        wire  a_is_m = (rpk == cfg_npass);
        wire [15:0] hpp_n = a_hpp + 16'(a_head && !a_is_m) - 16'(start && !own);
        wire [15:0] hpm_n = a_hpm + 16'(a_head && a_is_m) - 16'(start && own && cfg_merge);
        wire [15:0] hpl_n = l_hp + 16'(l_valid && l_first) - 16'(start && ul);
        assign obs_stall = hpp_n + (cfg_merge ? (hpm_n < hpl_n ? hpm_n : hpl_n) : hpl_n);

        // unit data
        localparam int NW = $clog2(LB + 1);
        logic [FC*LB-1:0] lpad;
        logic [LB-1:0] lsl, sum, unit;
        logic [NW-1:0] nv;
        logic          cout, uovf;
        assign lpad = (FC*LB)'(lq_d);
        assign lsl  = lpad[32'(ujx) * LB +: LB];
        assign nv   = (RB - 32'(ujx) * LB > LB) ? NW'(LB) : NW'(RB - 32'(ujx) * LB);
        axon_segadd #(.N(LB), .A(A)) u_add (.x(aq_d), .y(lsl), .ph(uphx), .nv, .cin(act ? carry : 1'b0),
            .s(sum), .cout, .ovf(uovf));
        assign unit = (ua && ul) ? sum : (ua ? aq_d : lsl);
        wire last_j = (32'(ujx) == FC - 1);
        assign aq_pop = go && ua;
        assign lq_pop = go && ul && last_j;
        assign obs_head  = start;
        assign obs_tail  = tstart;
        assign obs_flit  = go && last_j;
        assign obs_merge = start && own && cfg_merge;
        assign ovf_set   = go && ua && ul && uovf;
        assign q_ovf     = aq_ovf || lq_ovf;

        always_ff @(posedge clk) begin
            if (!rst_n) begin
                rcnt <= '0; rpk <= '0; a_hpp <= '0; a_hpm <= '0; a_hp <= '0; a_tp <= '0; l_hp <= '0; l_tp <= '0;
                act <= 1'b0; ucnt <= '0; uj <= '0; pk <= '0; uph <= '0; bph <= '0; carry <= 1'b0;
            end else begin
                if (a_valid) rcnt <= (32'(rcnt) == NU - 1) ? '0 : rcnt + 1'b1;
                if (a_tail) rpk <= (32'(rpk) + 1 >= 32'(cfg_npass) + 32'(cfg_merge)) ? '0 : rpk + 1'b1;
                a_hpp <= hpp_n;
                a_hpm <= hpm_n;
                a_hp <= a_hp + 16'(a_head) - 16'(start && ua);
                a_tp <= a_tp + 16'(a_tail) - 16'(tstart && ua);
                l_hp <= l_hp + 16'(l_valid && l_first) - 16'(start && ul);
                l_tp <= l_tp + 16'(l_valid && l_last) - 16'(tstart && ul);
                if (go) begin
                    carry <= cout;
                    if (last_j) begin
                        uj  <= '0;
                        uph <= AW'((32'(bphx) + RBM) % A);
                        bph <= AW'((32'(bphx) + RBM) % A);
                    end else begin
                        uj  <= (ujx) + 1'b1;
                        uph <= AW'((32'(uphx) + LBM) % A);
                        if (!act) bph <= '0;
                    end
                    if (32'(ucntx) == NU - 1) begin
                        act <= 1'b0;
                        pk  <= pk_n;
                    end else begin
                        act  <= 1'b1;
                        ucnt <= (ucntx) + 1'b1;
                    end
                end
            end
        end
`ifndef SYNTHESIS
        always_ff @(posedge clk)
            if (rst_n && go && ((ua && !aq_v) || (ul && !lq_v)))
                $error("axon_reduce: a unit was due before it arrived");
`endif

        // ---- wire: HOP register stages ----
        logic          w_v [HOP+1];
        logic [LB-1:0] w_d [HOP+1];
        assign w_v[0] = go;
        assign w_d[0] = unit;
        for (genvar i = 0; i < HOP; i++) begin : g_hop
            always_ff @(posedge clk) begin
                w_v[i+1] <= rst_n && w_v[i];
                w_d[i+1] <= w_d[i];
            end
        end
        assign d_valid = w_v[HOP];
        assign d_data  = w_d[HOP];
        assign o_pass_valid = 1'b0; assign o_pass_last = 1'b0; assign o_pass_data = '0;
        assign o_own_valid  = 1'b0; assign o_own_last  = 1'b0; assign o_own_data  = '0;
    end else begin : g_out
        // ---- above units reassembled into flits ----
        logic [JW-1:0] rj;
        logic [BW-1:0] rb;
        logic [PW-1:0] pa;           // above packet index within the token
        logic [FC*LB-1:0] rx, full;
        always_comb begin
            full = rx;
            full[32'(rj) * LB +: LB] = a_data;
        end
        wire fdone = a_valid && (32'(rj) == FC - 1);
        wire fpass = (pa < cfg_npass);
        assign o_pass_valid = fdone && fpass;
        assign o_pass_last  = fdone && (32'(rb) == B - 1);
        assign o_pass_data  = full[RB-1:0];
        // ---- the own packet: the core's beats, or the merge join ----
        logic fq_v, fq_pop, fq_ovf, lq_v, lq_pop, lq_ovf;
        logic [RB-1:0] fq_d, lq_d, msum;
        axon_rfifo #(.W(RB), .D(Q)) u_fq (.clk, .rst_n, .push(fdone && !fpass), .in(full[RB-1:0]),
            .pop(fq_pop), .out_valid(fq_v), .out(fq_d), .ovf(fq_ovf));
        axon_rfifo #(.W(RB), .D(Q)) u_lq (.clk, .rst_n, .push(l_valid && cfg_merge), .in(l_data),
            .pop(lq_pop), .out_valid(lq_v), .out(lq_d), .ovf(lq_ovf));
        logic [AW-1:0] ph;
        logic [BW-1:0] ob;
        logic          mc, mcout, movf;
        // RB-bit segmented add of flit and beat (fields may straddle beats: carry kept)
        localparam int RW = $clog2(RB + 1);
        axon_segadd #(.N(RB), .A(A)) u_add (.x(fq_d), .y(lq_d), .ph, .nv(RW'(RB)), .cin(mc),
            .s(msum), .cout(mcout), .ovf(movf));
        wire mjoin = cfg_merge && fq_v && lq_v;
        assign fq_pop = mjoin;
        assign lq_pop = mjoin;
        assign o_own_valid = cfg_merge ? mjoin : l_valid;
        assign o_own_last  = cfg_merge ? (mjoin && 32'(ob) == B - 1) : l_last;
        assign o_own_data  = cfg_merge ? msum : l_data;
        assign ovf_set = mjoin && movf;
        assign q_ovf = fq_ovf || lq_ovf;
        always_ff @(posedge clk) begin
            if (!rst_n) begin
                rj <= '0; rb <= '0; pa <= '0; ph <= '0; ob <= '0; mc <= 1'b0;
            end else begin
                if (a_valid) begin
                    if (32'(rj) == FC - 1) begin
                        rj <= '0;
                        if (32'(rb) == B - 1) begin
                            rb <= '0;
                            pa <= (32'(pa) + 1 >= 32'(cfg_npass) + 32'(cfg_merge)) ? '0 : pa + 1'b1;
                        end else rb <= rb + 1'b1;
                    end else begin
                        rx[32'(rj) * LB +: LB] <= a_data;
                        rj <= rj + 1'b1;
                    end
                end
                if (mjoin) begin
                    if (32'(ob) == B - 1) begin
                        ob <= '0; ph <= '0; mc <= 1'b0;
                    end else begin
                        ob <= ob + 1'b1;
                        ph <= AW'((32'(ph) + RBM) % A);
                        mc <= mcout;
                    end
                end
            end
        end
        assign d_valid = 1'b0; assign d_data = '0;
        assign obs_head = 1'b0; assign obs_tail = 1'b0; assign obs_flit = 1'b0;
        assign obs_merge = mjoin && (ob == '0);
        assign obs_stall = '0;
    end

    always_ff @(posedge clk)
        if (!rst_n) red_ovf <= 1'b0;
        else if (ovf_set) red_ovf <= 1'b1;
endmodule
