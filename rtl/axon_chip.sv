// axon_chip — MR x MC cores (rtl/axon_core.sv) on a mesh with the event
// multicast of docs/sim.md: core (rb, cb) sits at mesh (x = cb, y = rb); the
// items of row-block rb enter at router (rb, 0) and travel east through the
// routers of mesh row rb (rtl/axon_router.sv), every router handing a copy to
// its core. The host drives, per row, core (rb, 0)'s item port and the first
// link separately (every item is available at router (rb, 0) at time 0: that
// core sees arrival 0, the link takes one flit each FC cycles).
// Partial-sum reduction (docs/sim.md "Reduction", rtl/axon_reduce.sv): every
// core's readout beats also enter its router's reduction port, packets travel
// south along each mesh column (merged per weight group), and the routers of
// the last mesh row are the chip output (o_pass: packets of groups that
// ended above, o_own: the last row-block's group). The host sets per mesh row
// cfg_npass (groups started above) and cfg_merge (same group as the row
// above). Each core's readout port stays observable (core-local sums).
/* verilator lint_off UNUSEDSIGNAL */
module axon_chip #(
    parameter int MR   = 2,   // mesh rows = row-blocks
    parameter int MC   = 2,   // mesh columns = column blocks
    parameter int R    = 8,
    parameter int C    = 8,
    parameter int L    = 4,
    parameter int LS   = 1,
    parameter int F    = 2,
    parameter int A    = 32,
    parameter int RB   = 64,
    parameter int DB   = 1,
    parameter int GATE = 1,
    parameter int LB   = 64,  // link bits
    parameter int HOP  = 1,   // cycles per hop
    parameter int IQ   = 64,  // ingress queue depth per core
    parameter int RQ   = 64,  // reduction queue depth (units from above, beats local)
    parameter int PW   = 4,   // bits of cfg_npass
    localparam int SW  = 5,
    localparam int W   = (C + L - 1) / L,
    localparam int WW  = (W > 1) ? $clog2(W) : 1,
    localparam int B   = (C * A + RB - 1) / RB,
    localparam int BB  = (B > 1) ? $clog2(B) : 1,
    localparam int AXW = (R > 1) ? $clog2(R) : 1,
    localparam int MW  = (R * W > 1) ? $clog2(R * W) : 1,
    localparam int IW  = 1 + AXW + 1 + SW,
    localparam int N   = MR * MC
) (
    input  logic              clk,
    input  logic              rst_n,
    // host, per row: core (rb, 0)'s item port and the row's first link
    input  logic [MR-1:0]     h_valid,
    output logic [MR-1:0]     h_ready,
    input  logic [MR*IW-1:0]  h_item,     // {eot, axon, neg, shift}
    input  logic [MR-1:0]     l_valid,
    output logic [MR-1:0]     l_ready,
    input  logic [MR*IW-1:0]  l_item,
    // SRAM back door of core ld_core
    input  logic [31:0]       ld_core,
    input  logic              ld_en,
    input  logic [MW-1:0]     ld_addr,
    input  logic [8*L-1:0]    ld_data,
    // per core (index rb * MC + cb)
    output logic [N-1:0]      ro_valid,
    output logic [N*RB-1:0]   ro_data,
    output logic [N*BB-1:0]   ro_beat,
    output logic [N-1:0]      ro_last,
    output logic [N-1:0]      ovf,
    output logic [N-1:0]      obs_accept,
    output logic [N-1:0]      obs_arrive,
    output logic [N-1:0]      obs_start,
    output logic [N-1:0]      obs_issue,
    output logic [N*WW-1:0]   obs_word,
    output logic [N-1:0]      obs_skip,
    output logic [N*L-1:0]    obs_lanes,
    output logic [N-1:0]      iq_ovf,
    // reduction: configuration per mesh row, chip output per column, observation per core
    input  logic [MR*PW-1:0]  cfg_npass,
    input  logic [MR-1:0]     cfg_merge,
    output logic [MC-1:0]     o_pass_valid,
    output logic [MC-1:0]     o_pass_last,
    output logic [MC*RB-1:0]  o_pass_data,
    output logic [MC-1:0]     o_own_valid,
    output logic [MC-1:0]     o_own_last,
    output logic [MC*RB-1:0]  o_own_data,
    output logic [N-1:0]      obs_rhead,
    output logic [N-1:0]      obs_rtail,
    output logic [N-1:0]      obs_rflit,
    output logic [N-1:0]      obs_rmerge,
    output logic [N*16-1:0]   obs_rstall,  // packets waiting, per core
    output logic [N-1:0]      red_ovf,
    output logic [N-1:0]      rq_ovf
);
    logic          rdv [N];     // reduction unit arriving at the router below
    logic [LB-1:0] rdat [N];
    for (genvar rb = 0; rb < MR; rb++) begin : g_row
        logic          fv [MC+1];   // flit completing at router cb this cycle
        logic [IW-1:0] fd [MC+1];
        for (genvar cb = 0; cb < MC; cb++) begin : g_col
            localparam int K = rb * MC + cb;
            logic          rv, rr, in_valid, in_ready;
            logic [IW-1:0] rd, in_item;
            logic          wv, wr;
            logic [IW-1:0] wd;
            /* verilator lint_save */
            /* verilator lint_off UNUSEDSIGNAL */
            logic          reuse_nc;  // the chip's cores read a row per event (REUSE = 0)
            /* verilator lint_restore */
            if (cb == 0) begin : g_head
                assign wv = l_valid[rb];
                assign wd = l_item[rb*IW +: IW];
                assign l_ready[rb] = wr;
                assign in_valid = h_valid[rb];
                assign in_item  = h_item[rb*IW +: IW];
                assign h_ready[rb] = in_ready;
            end else begin : g_body
                assign wv = fv[cb];
                assign wd = fd[cb];
                assign in_valid = rv;
                assign in_item  = rd;
            end
            assign rr = in_ready;
            axon_router #(.IW(IW), .LB(LB), .HOP(HOP), .IQ(IQ), .EAST(cb + 1 < MC ? 1 : 0)) u_router (
                .clk, .rst_n,
                .w_valid(wv), .w_ready(wr), .w_data(wd),
                .e_valid(fv[cb+1]), .e_data(fd[cb+1]),
                .w_is_link(cb != 0), .c_valid(rv), .c_ready(rr), .c_data(rd),
                .arrive(obs_arrive[K]), .iq_ovf(iq_ovf[K]));
            assign obs_accept[K] = in_valid && in_ready;
            axon_core #(.R(R), .C(C), .L(L), .LS(LS), .F(F), .A(A), .RB(RB), .DB(DB), .GATE(GATE)) u_core (
                .clk, .rst_n,
                .in_valid, .in_ready,
                .in_eot(in_item[IW-1]), .in_axon(in_item[SW+1 +: AXW]), .in_neg(in_item[SW]),
                .in_shift(in_item[SW-1:0]), .in_tok(1'b0),
                .ro_valid(ro_valid[K]), .ro_data(ro_data[K*RB +: RB]), .ro_beat(ro_beat[K*BB +: BB]),
                .ro_last(ro_last[K]), .ovf(ovf[K]),
                .ld_en(ld_en && ld_core == K), .ld_addr, .ld_data,
                .obs_start(obs_start[K]), .obs_issue(obs_issue[K]), .obs_word(obs_word[K*WW +: WW]),
                .obs_skip(obs_skip[K]), .obs_reuse(reuse_nc), .obs_lanes(obs_lanes[K*L +: L]));
            logic          av;
            logic [LB-1:0] ad;
            if (rb == 0) begin : g_top
                assign av = 1'b0;
                assign ad = '0;
            end else begin : g_below
                assign av = rdv[K-MC];
                assign ad = rdat[K-MC];
            end
            logic          pv, pl, ov, ol;
            logic [RB-1:0] pd, od;
            axon_reduce #(.RB(RB), .LB(LB), .A(A), .B(B), .HOP(HOP), .Q(RQ), .PW(PW),
                          .LAST(rb == MR - 1 ? 1 : 0), .FIRST(rb == 0 ? 1 : 0)) u_reduce (
                .clk, .rst_n, .cfg_npass(cfg_npass[rb*PW +: PW]), .cfg_merge(cfg_merge[rb]),
                .l_valid(ro_valid[K]), .l_first(ro_beat[K*BB +: BB] == '0), .l_last(ro_last[K]),
                .l_data(ro_data[K*RB +: RB]),
                .a_valid(av), .a_data(ad), .d_valid(rdv[K]), .d_data(rdat[K]),
                .o_pass_valid(pv), .o_pass_last(pl), .o_pass_data(pd),
                .o_own_valid(ov), .o_own_last(ol), .o_own_data(od),
                .obs_head(obs_rhead[K]), .obs_tail(obs_rtail[K]), .obs_flit(obs_rflit[K]),
                .obs_merge(obs_rmerge[K]), .obs_stall(obs_rstall[K*16 +: 16]), .red_ovf(red_ovf[K]),
                .q_ovf(rq_ovf[K]));
            if (rb == MR - 1) begin : g_output
                assign o_pass_valid[cb] = pv;
                assign o_pass_last[cb]  = pl;
                assign o_pass_data[cb*RB +: RB] = pd;
                assign o_own_valid[cb]  = ov;
                assign o_own_last[cb]   = ol;
                assign o_own_data[cb*RB +: RB] = od;
            end
        end
        assign fv[0] = 1'b0;
        assign fd[0] = '0;
    end
endmodule
