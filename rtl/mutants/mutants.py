#!/usr/bin/env python3
"""mutants — the RTL mutants `make mutants` builds and the test suite must kill.

Each mutant is one literal search/replace (like `sed s/old/new/`, but literal:
`old` must occur exactly once in the file) applied to a copy of rtl/ in the
build folder, and built as a Verilator variant on the parameter set `base`
(a test build of mk/rtl.mk: sync t1..t5 rr rr2 rrb rrb2 cg cg2 async async2 async3 chip22
chip42 chipocr) where the fault
can show. The sample (`--sample`) is the deterministic subset `make test` runs.

usage: mutants.py list [--sample]        names and bases, one "NAME BASE" a line
       mutants.py apply NAME SRC DST      copy SRC/*.sv to DST/, patch, print BASE
"""
import pathlib
import shutil
import sys

# (name, base, file, old, new, what)
MUTANTS = [
    ("shift-3bit", "sync", "axon_acc.sv", "<<< add_shift;", "<<< add_shift[2:0];",
     "shift field masked to 3 bits"),
    ("shift-4bit", "sync", "axon_acc.sv", "<<< add_shift;", "<<< add_shift[3:0];",
     "shift field masked to 4 bits (only shifts >= 16 differ)"),
    ("ovf-never", "sync", "axon_acc.sv", "else if (|(wen & lovf)) ovf <= 1'b1;",
     "else if (|(wen & lovf)) ovf <= 1'b0;", "overflow flag never set"),
    ("ovf-always", "sync", "axon_acc.sv", "else if (|(wen & lovf))", "else if (|wen)",
     "overflow flag set by any add"),
    ("ovf-narrow", "t3", "axon_acc.sv", "lovf[l] = (sum != TW'($signed(sum[A-1:0])));",
     "lovf[l] = (sum != TW'($signed(sum[A-1:0]))) && !sum[TW-1];", "overflow test misses negative overflows"),
    ("fifo-depth-minus-1", "sync", "axon_fifo.sv", "(cnt != (PW+1)'(F))", "(cnt != (PW+1)'(F - 1))",
     "FIFO full one item early (depth F-1)"),
    ("fifo-no-refill", "t1", "axon_fifo.sv", "(cnt != (PW+1)'(F)) || pop;", "(cnt != (PW+1)'(F));",
     "a slot freed by a pop is not refilled in the same cycle"),
    ("fifo-wrap", "t3", "axon_fifo.sv", "(p == PW'(F - 1))", "(p == PW'(F - 2))",
     "FIFO pointers wrap one entry early"),
    ("skip-never", "sync", "axon_ctrl.sv", "assign issue_skip = issue && (GATE != 0) && sram_zero;",
     "assign issue_skip = 1'b0;", "zero-word skip flag ignored"),
    ("skip-still-reads", "sync", "axon_ctrl.sv", "assign sram_re    = issue && !issue_skip && !iss_reuse;",
     "assign sram_re    = issue && !iss_reuse;", "skipped words still read the SRAM"),
    ("gate-lanes-off", "sync", "axon_acc.sv", "(GATE == 0 || q != 8'd0)", "(GATE == 0 || 1'b1)",
     "zero-weight lanes not gated"),
    ("bank-no-toggle", "sync", "axon_ctrl.sv", "if (NB > 1) wbank <= wbank + 1'b1;",
     "if (NB > 1) wbank <= wbank;", "double buffering writes one bank only"),
    ("bank-read-wrong", "sync", "axon_acc.sv", "acc_out[j*A +: A] = acc[rd_bank][j];",
     "acc_out[j*A +: A] = acc[add_bank][j];", "readout reads the bank being written"),
    ("beat-order", "t1", "axon_readout.sv", "data = padded[b*RB +: RB];",
     "data = padded[(B-1-b)*RB +: RB];", "readout beats in reverse order"),
    ("readout-pad-ones", "t1", "axon_readout.sv", "assign padded = (B*RB)'(acc);",
     "assign padded = {{(B*RB - C*A){1'b1}}, acc};", "last beat padded with ones"),
    ("readout-last-early", "sync", "axon_ctrl.sv", "(32'(ro_beat) == B - 1)", "(32'(ro_beat) == B - 2)",
     "readout ends one beat early"),
    ("readout-start-early", "t1", "axon_ctrl.sv", "assign mk       = m_eot[LS-1];",
     "assign mk       = m_eot[0];", "readout starts before the last add (Ls ignored)"),
    ("sram-latency-1", "t1", "axon_sram.sv", "assign rdata = pipe[LS-1];", "assign rdata = pipe[0];",
     "SRAM data one cycle early at Ls = 2"),
    ("word-address", "sync", "axon_ctrl.sv", "32'(iss_axon) * W + 32'(issue_word)", "32'(iss_axon) * W",
     "every read addresses word 0 of the row"),
    ("neg-ignored", "sync", "axon_acc.sv", "if (add_neg) term = -term;", "if (1'b0) term = -term;",
     "negative spikes add"),
    ("clear-missing", "sync", "axon_acc.sv", "(clr && 32'(clr_bank) == b)", "(1'b0 && 32'(clr_bank) == b)",
     "accumulators not cleared after the readout"),
    ("bank-busy-ignored", "t1", "axon_ctrl.sv", "assign pop       = !f_empty && !rd_act && !bank_busy[wbank];",
     "assign pop       = !f_empty && !rd_act;", "start does not wait for the bank's readout"),
    ("words-one-short", "sync", "axon_ctrl.sv", "if (32'(rd_w) == W - 1) rd_act <= 1'b0;",
     "if (32'(rd_w) == W - 2) rd_act <= 1'b0;", "read stage issues W-1 words"),
    ("reuse-any-axon", "rr", "axon_ctrl.sv",
     "assign h_reuse    = (REUSE != 0) && last_ok && (h_axon == last_axon);",
     "assign h_reuse    = (REUSE != 0) && last_ok;", "row register reused for another axon's event"),
    ("reuse-across-eot", "rr", "axon_ctrl.sv", "last_ok   <= 1'b0;\n            end",
     "last_ok   <= 1'b1;\n            end", "row reused across an end of token (no SRAM read)"),
    ("reuse-row-stale", "rr2", "axon_core.sv", "if (add_valid && !add_reuse) row[add_word] <= sram_q;",
     "if (add_valid && !add_reuse && add_neg) row[add_word] <= sram_q;",
     "row register written only by negative first events"),
    ("batch-one-set", "rrb", "axon_ctrl.sv",
     "(h_eot ? 32'(ecnt) : 32'(h_tok))", "(h_eot ? 32'(ecnt) : 32'(0))",
     "every token of a batch adds into the batch's first accumulator set"),
    ("batch-close-every-eot", "rrb2", "axon_ctrl.sv", "assign closes    = 32'(ecnt) == NT - 1;",
     "assign closes    = 1'b1;", "every EOT of a batch holds the read stage until its readout ends"),
    ("async-rd-2phase", "async", "axon_core_async.sv",
     "axon_async_tx #(.PH(HS_PHASES), .T_ACK(T_ACK)) u_rd_tx",
     "axon_async_tx #(.PH(2), .T_ACK(T_ACK)) u_rd_tx",
     "wrong phase: the read->add sender of a 4-phase build speaks 2-phase (no return to zero)"),
    ("async-no-rd-handshake", "async", "axon_core_async.sv", "rd_go = ~rd_go;", ";",
     "the read->add handshake removed: no transfer, the next word fires at the join"),
    ("async-celem-swap", "async2", "axon_core_async.sv",
     "axon_async_celem u_join (.a(sram_d), .b(add_d), .y(join_o));",
     "axon_async_celem u_join (.a(sram_d), .b(sgo), .y(join_o));",
     "a C-element input swapped: the join takes the local clock instead of the adder's delay line"),
    ("async-sram-line-short", "async", "axon_core_async.sv",
     "axon_async_delay #(.D(T_SRAM)) u_sram_line", "axon_async_delay #(.D(T_SRAM - 100)) u_sram_line",
     "the SRAM's matched delay line 100 ps short"),
    ("async-drain-short", "async", "axon_core_async.sv",
     "axon_async_delay #(.D(T_SRAM + T_ADD)) u_drain", "axon_async_delay #(.D(T_ADD)) u_drain",
     "the readout's drain line misses the SRAM read (readout starts before the last add)"),
    ("async-no-decode", "async", "axon_core_async.sv", "axon_async_delay #(.D(T_DECODE)) u_dec",
     "axon_async_delay #(.D(0)) u_dec", "decode delay line dropped"),
    ("async-fifo-never-full", "async2", "axon_core_async.sv", "assign f_free = (f_wt[f_wp] == f_rt[f_wp]);",
     "assign f_free = 1'b1;", "async FIFO write controller ignores a full slot"),
    ("async-ovf-never", "async", "axon_core_async.sv", "if (sum != longint'($signed(sum[A-1:0]))) ovf = 1'b1;",
     "if (sum != longint'($signed(sum[A-1:0]))) ovf = 1'b0;", "async overflow flag never set"),
    ("async-chunk-order", "async3", "axon_core_async.sv", "longint'(beat64[c*64 +: 64])",
     "longint'(beat64[(NCH-1-c)*64 +: 64])", "beat chunks of a wide async beat swapped"),
    ("router-hop-short", "chip42", "axon_router.sv", "for (genvar i = 0; i < HOP; i++) begin : g_hop",
     "for (genvar i = 0; i < HOP - 1; i++) begin : g_hop", "a hop one cycle short on the wire"),
    ("router-unit-order", "chip22", "axon_router.sv", "rx[32'(ri) * LB +: LB] <= h_data[HOP];",
     "rx[(FC - 2 - 32'(ri)) * LB +: LB] <= h_data[HOP];", "units of a narrow-link flit reassembled in reverse"),
    ("router-link-early", "chip22", "axon_router.sv", "assign w_ready = (idx == '0);",
     "assign w_ready = (idx == '0) || (32'(idx) == FC - 1);", "the link takes the next flit one unit early"),
    ("router-no-forward", "chip42", "axon_router.sv", "assign send    = (EAST != 0) && w_valid && (idx == '0);",
     "assign send    = (EAST != 0) && w_valid && (idx == '0) && !w_is_link;", "routers past the first do not forward"),
    ("reduce-drop-partial", "chipocr", "axon_reduce.sv", "unit = (ua && ul) ? sum : (ua ? aq_d : lsl);",
     "unit = (ua && ul) ? aq_d : (ua ? aq_d : lsl);", "a merging router forwards the packet without its partial sum"),
    ("reduce-out-drop-partial", "chip22", "axon_reduce.sv", "assign o_own_data  = cfg_merge ? msum : l_data;",
     "assign o_own_data  = cfg_merge ? fq_d : l_data;", "the chip output drops the last row-block's partial sum"),
    ("reduce-tail-early", "chipocr", "axon_reduce.sv", "else if (32'(ucnt) == TS) go = tail_ok;",
     "else if (32'(ucnt) == TS) go = 1'b1;", "the tail flit leaves without waiting until it is complete"),
    ("reduce-carry-leak", "chip22", "axon_segadd.sv", "if (p == '0) c = 1'b0;", "if (1'b0) c = 1'b0;",
     "a carry crosses the boundary between two accumulators"),
    ("reduce-group-order", "chipocr", "axon_reduce.sv", "wire own  = (pk == cfg_npass);", "wire own  = (pk == '0);",
     "a router sends its own group's packet before the groups passing through"),
    ("reduce-out-packets", "chip22", "axon_reduce.sv",
     "pa <= (32'(pa) + 1 >= 32'(cfg_npass) + 32'(cfg_merge)) ? '0 : pa + 1'b1;",
     "pa <= (32'(pa) + 1 >= 32'(cfg_npass) + 1) ? '0 : pa + 1'b1;",
     "the chip output counts one packet too many a token when the last row-block starts a group"),
    ("reduce-ovf-never", "chip22", "axon_reduce.sv", "else if (ovf_set) red_ovf <= 1'b1;",
     "else if (ovf_set) red_ovf <= 1'b0;", "reduction overflow flag never set"),
    ("cg-no-clear", "cg", "axon_acc.sv", "assign en = !rst_n || (clr && clr_bank == BW'(b)) ||",
     "assign en = !rst_n ||", "accumulator clock gates not opened by the bank clear"),
    ("cg-fifo-all-entries", "cg", "axon_fifo.sv", "assign en = push && wp == PW'(i);",
     "assign en = push && (wp == PW'(i) || rp == PW'(i));",
     "a push also clocks the FIFO entry at the read pointer (overwrites the head)"),
    ("cg-word-any", "cg", "axon_acc.sv", "(add_valid && 32'(add_bank) == b && 32'(add_word) == w);",
     "(add_valid && 32'(add_bank) == b && 32'(add_word) == 0);",
     "accumulator clock gates open only for word 0 (the other words never load)"),
]
SAMPLE = ["shift-4bit", "ovf-never", "fifo-depth-minus-1", "async-no-rd-handshake", "cg-no-clear",
          "router-link-early", "reduce-carry-leak", "batch-one-set"]


def main(argv):
    if len(argv) >= 2 and argv[1] == "list":
        names = set(SAMPLE) if "--sample" in argv else None
        for m in MUTANTS:
            if names is None or m[0] in names:
                print(m[0], m[1])
        return 0
    if len(argv) == 5 and argv[1] == "apply":
        name, src, dst = argv[2], pathlib.Path(argv[3]), pathlib.Path(argv[4])
        m = [x for x in MUTANTS if x[0] == name]
        if not m:
            print(f"mutants: no mutant {name}", file=sys.stderr)
            return 2
        _, base, fname, old, new, _ = m[0]
        dst.mkdir(parents=True, exist_ok=True)
        for f in src.glob("*.sv"):
            shutil.copyfile(f, dst / f.name)
        text = (dst / fname).read_text()
        if text.count(old) != 1:
            print(f"mutants: {name}: '{old}' occurs {text.count(old)} times in {fname} (want 1)", file=sys.stderr)
            return 1
        (dst / fname).write_text(text.replace(old, new))
        print(base)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
