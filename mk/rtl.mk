# rtl.mk — Verilator builds of the RTL core, the C++ shim, the co-simulation
# helper and the SystemC top (docs/rtl.md). Plain Make, included by the Makefile.
#
#   make rtl                 sync + trace + async builds of the default core
#   make rtl-all             also coverage, SystemC and the test variants
#   make rtl RTL_PARAMS='R=32 C=20 L=8 LS=2 F=1 A=32 RB=64 DB=0 GATE=1'
#   make rtl-lint            verilator --lint-only -Wall on every module
#   make synth               yosys area table -> power/tech/area_osu018.csv
#   make synth-base / synth-rr   one more baseline tile / row-reuse core set into it
#
# Layout: $(BUILD)/rtl/<variant>/{obj/ (verilated model), axon-cosim, axon-rtl-run}
# and $(BUILD)/rtl/vlt/<flavour>/ (Verilator runtime objects, compiled once and
# linked into every variant of that flavour). Nothing generated is committed
# except power/tech/area_osu018.csv (data the power model reads).
# The plain `make` never runs Verilator: `axon cosim` execs the helper
# $(BUILD)/rtl/<variant>/axon-cosim, which exists only after `make rtl`: its main
# is cli/cmd_cosim_rtl.c (kept out of libaxon-cli.a), linked with the shim of
# rtl/shim/ (which includes no cli/ header), the model, libaxon-cli and libaxon.

VERILATOR   ?= verilator
VLT_ROOT    := $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null || echo /usr/share/verilator)
VLT_INC     := -I$(VLT_ROOT)/include -I$(VLT_ROOT)/include/vltstd
CXX         ?= g++
RTL_OUT     := $(BUILD)/rtl
RTL_SV      := rtl/axon_icg.sv rtl/axon_fifo.sv rtl/axon_sram.sv rtl/axon_acc.sv rtl/axon_readout.sv \
               rtl/axon_ctrl.sv rtl/axon_core.sv
RTL_DEFAULT := R=32 C=32 L=8 LS=1 F=8 A=32 RB=64 DB=1 GATE=1
RTL_PARAMS  ?= $(RTL_DEFAULT)
RTL_VFLAGS  := -Wall --x-assign unique --x-initial unique -Irtl
RTL_OPT     := OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2
# Verilator 5.006's trace runtime stores 64-bit words at 4-byte-aligned addresses in its
# trace buffer (verilated_trace_imp.h:875), which UBSan's alignment check flags; that is the
# vendor runtime's layout and harmless on x86-64, so the C++ side skips only that check.
RTL_CXXFLAGS = -O2 -g $(VLT_INC) -faligned-new -Wno-unused-parameter $(SANFLAGS) \
               $(if $(filter undefined,$(SANITIZER)),-fno-sanitize=alignment)
RTL_LIBS    := -pthread -latomic
SC_FLAGS    := $(shell pkg-config --cflags systemc 2>/dev/null)
SC_LIBS     := $(shell pkg-config --libs systemc 2>/dev/null || echo -lsystemc)

# ---- Verilator runtime objects, one set per flavour ----
RTL_VLT_plain  := verilated verilated_threads verilated_vcd_c verilated_cov
RTL_VLT_sc     := verilated verilated_threads verilated_vcd_c verilated_vcd_sc
RTL_VLT_timing := verilated verilated_threads verilated_vcd_c verilated_timing
RTL_VDEF_plain  := -DVM_SC=0 -DVM_COVERAGE=1 -DVM_TRACE=1
RTL_VDEF_sc     := -DVM_SC=1 -DVM_COVERAGE=0 -DVM_TRACE=1 $(SC_FLAGS)
RTL_VDEF_timing := -DVM_SC=0 -DVM_COVERAGE=0 -DVM_TRACE=1 -fcoroutines

$(RTL_OUT)/vlt/%.o:
	@mkdir -p $(dir $@)
	$(CXX) $(RTL_CXXFLAGS) $(RTL_VDEF_$(word 1,$(subst /, ,$*))) \
	  -c $(VLT_ROOT)/include/$(notdir $*).cpp -o $@

rtl_vlt_objs = $(addprefix $(RTL_OUT)/vlt/$(1)/,$(addsuffix .o,$(RTL_VLT_$(1))))

# ---- one verilated variant ----
# $(1) name  $(2) parameters (K=V ...)  $(3) extra verilator flags
# $(4) runtime flavour (plain|sc|timing)  $(5) top module  $(6) sources
# $(7) optional: "fixed" when the top has no parameters (a gate netlist: the
#      parameters only reach the shim, not verilator -G)
# $(8) optional: the optimisation flags of the verilated model (default RTL_OPT)
# The parameters and flags are kept in params.txt, rewritten only when they
# change, so changing RTL_PARAMS rebuilds exactly that variant.
define rtl_variant
$(shell mkdir -p $(RTL_OUT)/$(1); echo '$(2) $(3)' | cmp -s - $(RTL_OUT)/$(1)/params.txt || echo '$(2) $(3)' > $(RTL_OUT)/$(1)/params.txt)
$(RTL_OUT)/$(1)/obj/V$(5)__ALL.a: $(6) $(RTL_OUT)/$(1)/params.txt
	@rm -rf $(RTL_OUT)/$(1)/obj
	$(VERILATOR) --cc $(RTL_VFLAGS) $(3) --top-module $(5) $(if $(filter fixed,$(7)),,$(addprefix -G,$(2))) \
	  -Mdir $(RTL_OUT)/$(1)/obj $(6)
	$(MAKE) -s -C $(RTL_OUT)/$(1)/obj -f V$(5).mk V$(5)__ALL.a $(or $(8),$(RTL_OPT)) >/dev/null
$(RTL_OUT)/$(1)/axon_rtl.o: $(if $(filter timing,$(4)),rtl/shim/axon_rtl_async.cpp,rtl/shim/axon_rtl.cpp) rtl/shim/axon_rtl.h rtl/shim/axon_rtl_common.h $(RTL_OUT)/$(1)/obj/V$(5)__ALL.a
	$(CXX) $(RTL_CXXFLAGS) $(RTL_VDEF_$(4)) $(if $(findstring --trace,$(3)),,-DVM_TRACE=0) \
	  $(if $(findstring --coverage,$(3)),,-DVM_COVERAGE=0) \
	  -I$(RTL_OUT)/$(1)/obj -DAXON_RTL_MODEL=V$(5) '-DAXON_RTL_MODEL_H="V$(5).h"' \
	  '-DAXON_RTL_DPI_H="V$(5)__Dpi.h"' -DAXON_RTL_VARIANT='"$(1)"' $(addprefix -DAXON_RTL_,$(2)) -w -c $$< -o $$@
$(RTL_OUT)/$(1)/cmd_cosim_rtl.o: cli/cmd_cosim_rtl.c $(wildcard cli/*.h sim/*.h rtl/shim/*.h)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $$< -o $$@
$(RTL_OUT)/$(1)/RTL_OBJS := $(RTL_OUT)/$(1)/axon_rtl.o $(RTL_OUT)/$(1)/obj/V$(5)__ALL.a $(call rtl_vlt_objs,$(4))
$(RTL_OUT)/$(1)/axon_image_core.o: rtl/shim/axon_image_core.c rtl/shim/axon_image_core.h mapper/map.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $$< -o $$@
$(RTL_OUT)/$(1)/axon-rtl-run: rtl/tb/axon_rtl_run.c $(wildcard rtl/shim/*.h) $(RTL_OUT)/$(1)/axon_image_core.o $(RTL_OUT)/$(1)/axon_rtl.o $(RTL_OUT)/$(1)/obj/V$(5)__ALL.a $(call rtl_vlt_objs,$(4)) $(LIBCLI) $(LIBAXON)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c rtl/tb/axon_rtl_run.c -o $(RTL_OUT)/$(1)/axon_rtl_run.o
	$(CXX) $(LDFLAGS) -o $$@ $(RTL_OUT)/$(1)/axon_rtl_run.o $(RTL_OUT)/$(1)/axon_image_core.o $(RTL_OUT)/$(1)/axon_rtl.o \
	  $(RTL_OUT)/$(1)/obj/V$(5)__ALL.a $(call rtl_vlt_objs,$(4)) $(LIBAXON) $(LDLIBS) $(RTL_LIBS) $(if $(filter sc,$(4)),$(SC_LIBS))
$(RTL_OUT)/$(1)/axon_cosim_stream.o: rtl/shim/axon_cosim_stream.c $(wildcard rtl/shim/*.h)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $$< -o $$@
$(RTL_OUT)/$(1)/axon-cosim: $(RTL_OUT)/$(1)/cmd_cosim_rtl.o rtl/shim/axon_cosim.c $(RTL_OUT)/$(1)/axon_cosim_stream.o $(RTL_OUT)/$(1)/axon_image_core.o $(wildcard rtl/shim/*.h) $(RTL_OUT)/$(1)/axon_rtl.o $(RTL_OUT)/$(1)/obj/V$(5)__ALL.a $(call rtl_vlt_objs,$(4)) $(LIBCLI) $(LIBAXON)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c rtl/shim/axon_cosim.c -o $(RTL_OUT)/$(1)/axon_cosim.o
	$(CXX) $(LDFLAGS) -o $$@ $(RTL_OUT)/$(1)/cmd_cosim_rtl.o \
	  $(RTL_OUT)/$(1)/axon_cosim.o $(RTL_OUT)/$(1)/axon_cosim_stream.o $(RTL_OUT)/$(1)/axon_image_core.o \
	  $(RTL_OUT)/$(1)/axon_rtl.o $(RTL_OUT)/$(1)/obj/V$(5)__ALL.a $(call rtl_vlt_objs,$(4)) \
	  $(LIBCLI) $(LIBAXON) $(LDLIBS) $(RTL_LIBS) $(if $(filter sc,$(4)),$(SC_LIBS))
.PHONY: rtl-$(1)
rtl-$(1): $(RTL_OUT)/$(1)/axon-rtl-run $(RTL_OUT)/$(1)/axon-cosim
endef

# Test parameter sets (small, so builds stay fast): C not divisible by L,
# FIFO depth 1, double buffering on/off, gating on/off, SRAM latency 1 and 2.
RTL_T1 := R=16 C=20 L=8 LS=2 F=1 A=32 RB=96 DB=0 GATE=1
RTL_T2 := R=32 C=24 L=4 LS=1 F=2 A=24 RB=40 DB=1 GATE=0
RTL_T3 := R=24 C=16 L=16 LS=2 F=3 A=16 RB=32 DB=1 GATE=1
# Harness limits: t4 wide (L=40 > 32 lanes, RB=320 > 256-bit beats, A=20),
# t5 the smallest core (R = C = L = 1, one accumulator of 8 bits, one beat).
RTL_T4 := R=8 C=80 L=40 LS=1 F=4 A=20 RB=320 DB=1 GATE=1
RTL_T5 := R=1 C=1 L=1 LS=3 F=1 A=8 RB=8 DB=0 GATE=0
# Row-reuse core (REUSE=1, docs/core-timing.md "Row reuse"): rr with C not divisible
# by L, SRAM latency 2, gating; rr2 one word per row (L = C), no gating, single
# buffer, 16-bit wrapping accumulators.
RTL_RR  := R=16 C=20 L=8 LS=2 F=3 A=32 RB=64 DB=1 GATE=1 REUSE=1
RTL_RR2 := R=8 C=12 L=12 LS=1 F=2 A=16 RB=48 DB=0 GATE=0 REUSE=1
# Batched row-reuse core (NT > 1, docs/core-timing.md "Token batches"): rrb three tokens
# per batch, two banks (six accumulator sets), C not divisible by L, SRAM latency 2;
# rrb2 four tokens, single bank, no gating, 16-bit wrapping accumulators, 4 beats.
RTL_RRB  := R=16 C=20 L=8 LS=2 F=3 A=32 RB=64 DB=1 GATE=1 REUSE=1 NT=3
RTL_RRB2 := R=8 C=12 L=4 LS=1 F=2 A=16 RB=48 DB=0 GATE=0 REUSE=1 NT=4
# Clock-gated core (CG=1, docs/rtl.md "Clock gating"): cg with C not divisible by
# L, SRAM latency 2, double buffering and zero gating; cg2 one FIFO entry, single
# buffer, no zero gating, 16-bit wrapping accumulators, row reuse.
RTL_CG  := R=16 C=20 L=8 LS=2 F=3 A=32 RB=64 DB=1 GATE=1 CG=1
RTL_CG2 := R=8 C=12 L=4 LS=1 F=1 A=16 RB=48 DB=0 GATE=0 REUSE=1 CG=1

# Async core (Verilator --timing): 4-phase with the default delays of
# docs/core-timing.md, and a 2-phase variant with other delays (t_sram < t_add,
# C not divisible by L, single buffer, FIFO depth 1).
RTL_ASYNC_SV     := rtl/axon_async_cells.sv rtl/axon_core_async.sv rtl/axon_async_tb.sv
RTL_ASYNC_PARAMS ?= R=32 C=32 L=8 F=8 A=32 RB=64 DB=1 GATE=1 HS_PHASES=4 T_REQ=50 T_ACK=50 \
                    T_DECODE=300 T_SRAM=800 T_ADD=400 T_READOUT=400
RTL_ASYNC2       := R=16 C=20 L=8 F=1 A=32 RB=64 DB=0 GATE=1 HS_PHASES=2 T_REQ=30 T_ACK=70 \
                    T_DECODE=250 T_SRAM=350 T_ADD=500 T_READOUT=300
# async3: zero delays (t_decode, t_sram, t_readout = 0; a zero t_req or t_ack is refused by
# the model at build time), RB=72 > 64 (beats
# cross DPI in 64-bit chunks; the last beat is padded), no gating, C not divisible by L.
RTL_ASYNC3       := R=8 C=10 L=3 F=2 A=20 RB=72 DB=1 GATE=0 HS_PHASES=2 T_REQ=20 T_ACK=40 \
                    T_DECODE=0 T_SRAM=0 T_ADD=120 T_READOUT=0
RTL_AFLAGS       := --timing --x-initial 0 --trace

$(eval $(call rtl_variant,async,$(RTL_ASYNC_PARAMS),$(RTL_AFLAGS),timing,axon_async_tb,$(RTL_ASYNC_SV)))
$(eval $(call rtl_variant,async2,$(RTL_ASYNC2),$(RTL_AFLAGS),timing,axon_async_tb,$(RTL_ASYNC_SV)))
$(eval $(call rtl_variant,async3,$(RTL_ASYNC3),$(RTL_AFLAGS),timing,axon_async_tb,$(RTL_ASYNC_SV)))
$(eval $(call rtl_variant,sync,$(RTL_PARAMS),,plain,axon_core,$(RTL_SV)))
$(eval $(call rtl_variant,trace,$(RTL_PARAMS),--trace,plain,axon_core,$(RTL_SV)))
$(eval $(call rtl_variant,coverage,$(RTL_PARAMS),--coverage,plain,axon_core,$(RTL_SV)))
$(eval $(call rtl_variant,t1,$(RTL_T1),,plain,axon_core,$(RTL_SV)))
$(eval $(call rtl_variant,t2,$(RTL_T2),,plain,axon_core,$(RTL_SV)))
$(eval $(call rtl_variant,t3,$(RTL_T3),,plain,axon_core,$(RTL_SV)))
$(eval $(call rtl_variant,t4,$(RTL_T4),,plain,axon_core,$(RTL_SV)))
$(eval $(call rtl_variant,t5,$(RTL_T5),,plain,axon_core,$(RTL_SV)))
$(eval $(call rtl_variant,rr,$(RTL_RR),,plain,axon_core,$(RTL_SV)))
$(eval $(call rtl_variant,rr2,$(RTL_RR2),,plain,axon_core,$(RTL_SV)))
$(eval $(call rtl_variant,rrb,$(RTL_RRB),,plain,axon_core,$(RTL_SV)))
$(eval $(call rtl_variant,rrb2,$(RTL_RRB2),,plain,axon_core,$(RTL_SV)))
$(eval $(call rtl_variant,cg,$(RTL_CG),,plain,axon_core,$(RTL_SV)))
$(eval $(call rtl_variant,cg2,$(RTL_CG2),,plain,axon_core,$(RTL_SV)))
$(eval $(call rtl_variant,broken,$(RTL_PARAMS),-DAXON_BROKEN --trace,plain,axon_core,$(RTL_SV)))

.PHONY: rtl rtl-all rtl-lint rtl-test-builds
rtl: rtl-sync rtl-trace rtl-async
rtl-test-builds: rtl-sync rtl-t1 rtl-t2 rtl-t3 rtl-t4 rtl-t5 rtl-rr rtl-rr2 rtl-rrb rtl-rrb2 rtl-cg rtl-cg2 rtl-broken rtl-async rtl-async2 rtl-async3
rtl-all: rtl rtl-coverage rtl-test-builds

rtl-lint:
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core -GR=128 -GC=128 -GL=16 $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core -DAXON_BROKEN $(addprefix -G,$(RTL_T1)) $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core $(addprefix -G,$(RTL_T2)) $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core $(addprefix -G,$(RTL_T3)) $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core $(addprefix -G,$(RTL_T4)) $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core $(addprefix -G,$(RTL_T5)) $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core $(addprefix -G,$(RTL_RR)) $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core $(addprefix -G,$(RTL_RR2)) $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core -GR=128 -GC=128 -GL=16 -GREUSE=1 $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core $(addprefix -G,$(RTL_RRB)) $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core $(addprefix -G,$(RTL_RRB2)) $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core -GR=128 -GC=128 -GL=16 -GREUSE=1 -GNT=8 $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core $(addprefix -G,$(RTL_CG)) $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core $(addprefix -G,$(RTL_CG2)) $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_core -GR=128 -GC=128 -GL=16 -GCG=1 $(RTL_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_mac_baseline $(RTL_MAC_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_mac_baseline -GZS=1 -GL=4 $(RTL_MAC_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_mac_bitserial $(RTL_BS_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_mac_bitserial -GP=1 $(RTL_BS_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_chip $(addprefix -G,$(RTL_CHIP22)) $(RTL_CHIP_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_chip $(addprefix -G,$(RTL_CHIP42)) $(RTL_CHIP_SV)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module axon_chip $(addprefix -G,$(RTL_CHIPOCR)) $(RTL_CHIP_SV)
	$(VERILATOR) --lint-only -Wall --timing -Irtl --top-module axon_async_tb $(RTL_ASYNC_SV)
	$(VERILATOR) --lint-only -Wall --timing -Irtl --top-module axon_async_tb $(addprefix -G,$(RTL_ASYNC2)) $(RTL_ASYNC_SV)
	$(VERILATOR) --lint-only -Wall --timing -Irtl --top-module axon_async_tb $(addprefix -G,$(RTL_ASYNC3)) $(RTL_ASYNC_SV)

TEST_EXTRA += rtl-test-builds

# ---- synthesis (yosys, OSU018): area table read by power/ ----
.PHONY: synth synth-generic
synth: deps
	bash rtl/synth/synth.sh power/tech/area_osu018.csv $(BUILD)/synth
# one more baseline parameter set into the table (a cache: skipped when present)
#   make synth-base BASE_KIND=dense BASE_PARAMS='C=128 L=15 A=32 RB=64 ZS=0'
#   make synth-base BASE_KIND=bitserial BASE_PARAMS='C=128 L=16 A=32 RB=64 P=4'
BASE_KIND ?= dense
BASE_PARAMS ?= C=128 L=16 A=32 RB=64 ZS=0
.PHONY: synth-base
synth-base: deps
	bash rtl/synth/base_synth.sh $(BASE_KIND) '$(BASE_PARAMS)' power/tech/area_osu018.csv $(BUILD)/synth/base
# the row-reuse core at one more parameter set into the table (a cache; keys left out
# take the RTL defaults; the default tile takes minutes of yosys)
#   make synth-rr RR_PARAMS='R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1'
RR_PARAMS ?= R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 REUSE=1
.PHONY: synth-rr
synth-rr: deps
	bash rtl/synth/core_synth.sh '$(RR_PARAMS)' power/tech/area_osu018.csv $(BUILD)/synth/core
synth-generic:
	@mkdir -p build/synth
	yosys -q -l $(BUILD)/synth/core_generic.log -s rtl/synth/core_generic.ys
	yosys -q -l $(BUILD)/synth/baseline_generic.log -s rtl/synth/baseline_generic.ys

# ---- SystemC: verilator --sc model inside rtl/sc/axon_sc_top.cpp ----
RTL_SC := $(RTL_OUT)/sc
$(shell mkdir -p $(RTL_SC); echo '$(RTL_PARAMS)' | cmp -s - $(RTL_SC)/params.txt || echo '$(RTL_PARAMS)' > $(RTL_SC)/params.txt)
$(RTL_SC)/obj/Vaxon_core__ALL.a: $(RTL_SV) $(RTL_SC)/params.txt
	@rm -rf $(RTL_SC)/obj
	$(VERILATOR) --sc $(RTL_VFLAGS) --top-module axon_core $(addprefix -G,$(RTL_PARAMS)) -Mdir $(RTL_SC)/obj $(RTL_SV)
	$(MAKE) -s -C $(RTL_SC)/obj -f Vaxon_core.mk Vaxon_core__ALL.a $(RTL_OPT) VM_SC=1 SYSTEMC_INCLUDE=/usr/include >/dev/null
$(RTL_SC)/axon-sc-top: rtl/sc/axon_sc_top.cpp $(RTL_SC)/obj/Vaxon_core__ALL.a $(call rtl_vlt_objs,sc)
	$(CXX) $(RTL_CXXFLAGS) $(RTL_VDEF_sc) -DVM_TRACE=0 -w -I$(RTL_SC)/obj $(addprefix -DAXON_RTL_,$(RTL_PARAMS)) \
	  -o $@ $< $(RTL_SC)/obj/Vaxon_core__ALL.a $(call rtl_vlt_objs,sc) $(SC_LIBS) $(RTL_LIBS)
.PHONY: rtl-sc
rtl-sc: $(RTL_SC)/axon-sc-top
rtl-test-builds: rtl-sc

# ---- bench: Verilated core vs C model speed on the same stream ----
$(RTL_OUT)/sync/bench_cosim: bench/bench_cosim.c $(RTL_OUT)/sync/axon_cosim_stream.o $(RTL_OUT)/sync/axon_rtl.o $(RTL_OUT)/sync/obj/Vaxon_core__ALL.a $(call rtl_vlt_objs,plain) $(LIBAXON)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c bench/bench_cosim.c -o $(RTL_OUT)/sync/bench_cosim.o
	$(CXX) $(LDFLAGS) -o $@ $(RTL_OUT)/sync/bench_cosim.o $(RTL_OUT)/sync/axon_cosim_stream.o \
	  $(RTL_OUT)/sync/axon_rtl.o $(RTL_OUT)/sync/obj/Vaxon_core__ALL.a $(call rtl_vlt_objs,plain) \
	  $(LIBAXON) $(LDLIBS) $(RTL_LIBS)
.PHONY: bench-cosim
bench-cosim: $(RTL_OUT)/sync/bench_cosim
	$(RTL_OUT)/sync/bench_cosim

# ---- baselines: self-checking Verilator testbenches (docs/power.md "Baselines") ----
RTL_MAC    := C=20 L=8 A=32 RB=64
RTL_MAC_SV := rtl/axon_readout.sv rtl/axon_mul8.sv rtl/axon_lane_add.sv rtl/axon_mac_baseline.sv
RTL_BS     := C=20 L=8 A=32 RB=64 P=5
RTL_BS_SV  := rtl/axon_readout.sv rtl/axon_bs_lane.sv rtl/axon_mac_bitserial.sv
# mac_tb VARIANT, PARAMS (-G), ZS: the dense (ZS=0) or zero-skip (ZS=1) tile
define mac_tb
$(RTL_OUT)/$(1)/obj/Vaxon_mac_baseline__ALL.a: $(RTL_MAC_SV)
	@rm -rf $(RTL_OUT)/$(1)/obj; mkdir -p $(RTL_OUT)/$(1)
	$(VERILATOR) --cc $(RTL_VFLAGS) --top-module axon_mac_baseline $(addprefix -G,$(2) ZS=$(3)) \
	  -Mdir $(RTL_OUT)/$(1)/obj $$^
	$(MAKE) -s -C $(RTL_OUT)/$(1)/obj -f Vaxon_mac_baseline.mk Vaxon_mac_baseline__ALL.a $(RTL_OPT) >/dev/null
$(RTL_OUT)/$(1)/axon-mac-tb: rtl/tb/axon_mac_tb.cpp $(RTL_OUT)/$(1)/obj/Vaxon_mac_baseline__ALL.a $(call rtl_vlt_objs,plain)
	$(CXX) $(RTL_CXXFLAGS) -DVM_SC=0 -DVM_TRACE=0 -DVM_COVERAGE=0 -I$(RTL_OUT)/$(1)/obj \
	  $(addprefix -DAXON_MAC_,$(2) ZS=$(3)) -o $$@ $$^ $(RTL_LIBS)
endef
$(eval $(call mac_tb,mac,$(RTL_MAC),0))
$(eval $(call mac_tb,mac_zs,$(RTL_MAC),1))
$(RTL_OUT)/mac_bs/obj/Vaxon_mac_bitserial__ALL.a: $(RTL_BS_SV)
	@rm -rf $(RTL_OUT)/mac_bs/obj; mkdir -p $(RTL_OUT)/mac_bs
	$(VERILATOR) --cc $(RTL_VFLAGS) --public-flat-rw --top-module axon_mac_bitserial $(addprefix -G,$(RTL_BS)) \
	  -Mdir $(RTL_OUT)/mac_bs/obj $^
	$(MAKE) -s -C $(RTL_OUT)/mac_bs/obj -f Vaxon_mac_bitserial.mk Vaxon_mac_bitserial__ALL.a $(RTL_OPT) >/dev/null
$(RTL_OUT)/mac_bs/axon-mac-bs-tb: rtl/tb/axon_mac_bs_tb.cpp $(RTL_OUT)/mac_bs/obj/Vaxon_mac_bitserial__ALL.a $(call rtl_vlt_objs,plain)
	$(CXX) $(RTL_CXXFLAGS) -DVM_SC=0 -DVM_TRACE=0 -DVM_COVERAGE=0 -I$(RTL_OUT)/mac_bs/obj \
	  $(addprefix -DAXON_MAC_,$(RTL_BS)) -o $@ $^ $(RTL_LIBS)
.PHONY: rtl-mac
rtl-mac: $(RTL_OUT)/mac/axon-mac-tb $(RTL_OUT)/mac_zs/axon-mac-tb $(RTL_OUT)/mac_bs/axon-mac-bs-tb
rtl-test-builds: rtl-mac

# header dependencies of the C parts of the helpers (written by -MMD)
-include $(wildcard $(RTL_OUT)/*/*.d)

# ---- chip: MR x MC cores with the multicast routers (rtl/axon_chip.sv) ----
# chip22: 2x2 mesh, 8x8 cores, 8-bit links (4 units a flit), hop 1; chip42: 4 columns x 2
# rows, R=6 C=10 L=3 Ls=2 F=1 RB=96, single buffer, no gating, 32-bit links, hop 2.
RTL_CHIP_SV := $(RTL_SV) rtl/axon_router.sv rtl/axon_rfifo.sv rtl/axon_segadd.sv rtl/axon_reduce.sv rtl/axon_chip.sv
RTL_CHIP22  := MR=2 MC=2 R=8 C=8 L=4 LS=1 F=2 A=32 RB=64 DB=1 GATE=1 LB=8 HOP=1 IQ=512 RQ=512 PW=4
RTL_CHIP42  := MR=2 MC=4 R=6 C=10 L=3 LS=2 F=1 A=32 RB=96 DB=0 GATE=0 LB=32 HOP=2 IQ=512 RQ=512 PW=4
# chipocr: 2 columns x 4 rows of 64x64 cores (L=16, the other core parameters of
# docs/core-timing.md), 32-bit links (a 64-bit beat in 2 units), hop 1: PP-OCRv4 fc2 [120, 240] as
# `axon map --tile 64x64` tiles it (4 row-blocks x 2 column blocks, reduction over 3 hops); with 4
# rows it also has routers that merge and forward (rows 1, 2) and links carrying several groups.
RTL_CHIPOCR := MR=4 MC=2 R=64 C=64 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1 LB=32 HOP=1 IQ=512 RQ=512 PW=4
# $(1) name  $(2) parameters  $(3) sources  $(4) extra verilator flags
define rtl_chip
$(shell mkdir -p $(RTL_OUT)/$(1); echo '$(2)' | cmp -s - $(RTL_OUT)/$(1)/params.txt || echo '$(2)' > $(RTL_OUT)/$(1)/params.txt)
$(RTL_OUT)/$(1)/obj/Vaxon_chip__ALL.a: $(3) $(RTL_OUT)/$(1)/params.txt
	@rm -rf $(RTL_OUT)/$(1)/obj
	$(VERILATOR) --cc $(RTL_VFLAGS) $(4) --top-module axon_chip $(addprefix -G,$(2)) -Mdir $(RTL_OUT)/$(1)/obj $(3)
	$(MAKE) -s -C $(RTL_OUT)/$(1)/obj -f Vaxon_chip.mk Vaxon_chip__ALL.a $(RTL_OPT) >/dev/null
$(RTL_OUT)/$(1)/axon_chip_rtl.o: rtl/shim/axon_chip_rtl.cpp rtl/shim/axon_chip_rtl.h $(RTL_OUT)/$(1)/obj/Vaxon_chip__ALL.a
	$(CXX) $(RTL_CXXFLAGS) $(RTL_VDEF_plain) -DVM_TRACE=0 -DVM_COVERAGE=0 -I$(RTL_OUT)/$(1)/obj \
	  $(addprefix -DAXON_CHIP_,$(2)) -w -c $$< -o $$@
$(RTL_OUT)/$(1)/axon_cosim_stream.o: rtl/shim/axon_cosim_stream.c $(wildcard rtl/shim/*.h)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $$< -o $$@
$(RTL_OUT)/$(1)/axon_image_core.o: rtl/shim/axon_image_core.c rtl/shim/axon_image_core.h mapper/map.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $$< -o $$@
$(RTL_OUT)/$(1)/axon-chip-cosim: rtl/tb/axon_chip_cosim.c rtl/shim/axon_chip_rtl.h $(RTL_OUT)/$(1)/axon_chip_rtl.o $(RTL_OUT)/$(1)/axon_cosim_stream.o $(RTL_OUT)/$(1)/axon_image_core.o $(call rtl_vlt_objs,plain) $(LIBAXON)
	$(CC) $(CPPFLAGS) $(CFLAGS) -DAXON_CHIP_VARIANT='"$(1)"' -DAXON_CHIP_PARAMS='"$(2)"' \
	  -c rtl/tb/axon_chip_cosim.c -o $(RTL_OUT)/$(1)/axon_chip_cosim.o
	$(CXX) $(LDFLAGS) -o $$@ $(RTL_OUT)/$(1)/axon_chip_cosim.o $(RTL_OUT)/$(1)/axon_chip_rtl.o \
	  $(RTL_OUT)/$(1)/axon_cosim_stream.o $(RTL_OUT)/$(1)/axon_image_core.o \
	  $(RTL_OUT)/$(1)/obj/Vaxon_chip__ALL.a $(call rtl_vlt_objs,plain) $(LIBAXON) $(LDLIBS) $(RTL_LIBS)
.PHONY: rtl-$(1)
rtl-$(1): $(RTL_OUT)/$(1)/axon-chip-cosim
endef
$(eval $(call rtl_chip,chip22,$(RTL_CHIP22),$(RTL_CHIP_SV)))
$(eval $(call rtl_chip,chip42,$(RTL_CHIP42),$(RTL_CHIP_SV)))
$(eval $(call rtl_chip,chipocr,$(RTL_CHIPOCR),$(RTL_CHIP_SV)))
rtl-test-builds: rtl-chip22 rtl-chip42 rtl-chipocr

# ---- mutation testing (rtl/mutants/, docs/rtl.md "Mutation testing") ----
# One mutant per make call: MUT=name MUT_BASE=<test build>; the patched copy of
# rtl/ is in $(RTL_OUT)/mutants/<name>/ (rtl/mutants/mutants.py apply), the
# variant in $(RTL_OUT)/mut-<name>/. `make mutants` builds and checks all of
# them (about 10 minutes on 2 cores), `mutants-sample` builds the sample that
# `make test` checks (tests/e2e/test_rtl_mutants.sh).
RTL_MUT_sync   := $(RTL_DEFAULT)
RTL_MUT_t1     := $(RTL_T1)
RTL_MUT_t2     := $(RTL_T2)
RTL_MUT_t3     := $(RTL_T3)
RTL_MUT_t4     := $(RTL_T4)
RTL_MUT_t5     := $(RTL_T5)
RTL_MUT_rr     := $(RTL_RR)
RTL_MUT_rr2    := $(RTL_RR2)
RTL_MUT_rrb    := $(RTL_RRB)
RTL_MUT_rrb2   := $(RTL_RRB2)
RTL_MUT_cg     := $(RTL_CG)
RTL_MUT_cg2    := $(RTL_CG2)
RTL_MUT_async  := $(RTL_ASYNC_PARAMS)
RTL_MUT_async2 := $(RTL_ASYNC2)
RTL_MUT_async3 := $(RTL_ASYNC3)
RTL_MUT_chip22 := $(RTL_CHIP22)
RTL_MUT_chip42 := $(RTL_CHIP42)
RTL_MUT_chipocr := $(RTL_CHIPOCR)
ifneq ($(MUT),)
MUT_A   := $(filter async%,$(MUT_BASE))
MUT_DIR := $(RTL_OUT)/mutants/$(MUT)
ifneq ($(filter chip%,$(MUT_BASE)),)
$(eval $(call rtl_chip,mut-$(MUT),$(RTL_MUT_$(MUT_BASE)),$(addprefix $(MUT_DIR)/,$(notdir $(RTL_CHIP_SV))),-Wno-fatal))
rtl-mut-$(MUT): $(RTL_OUT)/mut-$(MUT)/axon-chip-cosim
else
$(eval $(call rtl_variant,mut-$(MUT),$(RTL_MUT_$(MUT_BASE)),$(if $(MUT_A),$(RTL_AFLAGS)) -Wno-fatal,$(if $(MUT_A),timing,plain),$(if $(MUT_A),axon_async_tb,axon_core),$(addprefix $(MUT_DIR)/,$(notdir $(if $(MUT_A),$(RTL_ASYNC_SV),$(RTL_SV))))))
endif
endif
.PHONY: mutants mutants-sample
mutants: all
	bash rtl/mutants/run.sh all $(BUILD)
mutants-sample: all
	bash rtl/mutants/run.sh build-sample $(BUILD)
TEST_EXTRA += mutants-sample
