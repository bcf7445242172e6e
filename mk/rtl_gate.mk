# rtl_gate.mk — gate-level power cross-check (docs/power.md "Gate-level
# cross-check"). Plain Make, included by the Makefile after rtl.mk.
#
#   make gate-power                 synthesize, simulate, price, compare (prints the table)
#   make gate-power GATE_TOKENS=8 GATE_LAYER=model.layers.0.mlp.fc2
#   make gate-power GATE_PARAMS='R=32 C=32 L=8 LS=1 F=8 A=32 RB=64 DB=1 GATE=1'
#
# Flow (all under $(BUILD)/gate and $(BUILD)/rtl/gate, nothing committed):
#   1. yosys rtl/synth/core_gate.ys: the sync core at GATE_PARAMS mapped to
#      OSU018 cells, flattened -> core_gate.v (Verilog) + core_gate.json;
#   2. axon-gate-cells: behavioural Verilog models of the liberty's cells from
#      their Liberty functions -> cells.v;
#   3. the rtl_variant `gate` (rtl.mk): Verilator --trace of core_gate.v +
#      cells.v + the behavioural SRAM, the same shim as every RTL build, so
#      `axon cosim --rtl $(BUILD)/rtl/gate` checks the netlist stamp by stamp;
#   4. axon-gate-power: one stream of the shipped trace through the C model
#      (priced by power/ at 180 nm) and through the netlist (VCD -> toggles ->
#      energy from the liberty), table of both and the gap.

GATE_PARAMS ?= R=16 C=16 L=4 LS=1 F=4 A=32 RB=64 DB=1 GATE=1
GATE_LAYER  ?= model.layers.0.mlp.fc1
GATE_TOKENS ?= 4
GATE_DIR    := $(BUILD)/gate
GATE_LIB    := .deps/osu018/osu018_stdcells.lib
GATE_SV     := rtl/axon_icg.sv rtl/axon_fifo.sv rtl/axon_sram.sv rtl/axon_acc.sv rtl/axon_readout.sv \
               rtl/axon_ctrl.sv rtl/axon_core.sv
# the verilated netlist is large and straight-line: -O0 compiles in less than
# half the time of -O2 and a few tokens still simulate in well under a second.
# clang++ -O0 compiles the same generated files 1.4-2.3x faster than g++ -O0
# (docs/power.md "Gate-level cross-check", measured on the s16 files) and simulates
# them to the same gate energies (byte-identical CSVs: s16 held out, s16 and h20
# quick), so the core's netlist models use it where it is installed (GATE_CXX=
# keeps the compiler of verilated.mk, as the baselines' netlists do)
GATE_OPT    := OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0
GATE_CXX    ?= $(if $(shell command -v clang++ 2>/dev/null),clang++)
GATE_OPT_CORE := $(GATE_OPT) $(if $(GATE_CXX),CXX=$(GATE_CXX))
gate_chparam = $(foreach kv,$(GATE_PARAMS),-set $(subst =, ,$(kv)))

$(shell mkdir -p $(GATE_DIR); echo '$(GATE_PARAMS)' | cmp -s - $(GATE_DIR)/params.txt || echo '$(GATE_PARAMS)' > $(GATE_DIR)/params.txt)

$(GATE_LIB):
	@$(MAKE) --no-print-directory deps
	@test -f $@ || { echo "gate: $@ missing (hint: make deps extracts it from qflow-tech-osu018)" >&2; exit 1; }

# one yosys run writes both the JSON and the Verilog netlist (a grouped
# target, so a rewritten core_gate.v re-verilates the gate build)
$(GATE_DIR)/core_gate.json $(GATE_DIR)/core_gate.v &: rtl/synth/core_gate.ys $(GATE_SV) $(GATE_LIB) $(GATE_DIR)/params.txt
	sed -e 's|^chparam .* axon_core$$|chparam $(gate_chparam) axon_core|' \
	    -e 's|build/gate/|$(GATE_DIR)/|g' rtl/synth/core_gate.ys > $(GATE_DIR)/core_gate.ys
	yosys -q -l $(GATE_DIR)/core_gate.log -s $(GATE_DIR)/core_gate.ys >/dev/null

$(GATE_DIR)/axon-gate-cells: rtl/gate/axon_gate_cells.c power/power_gate.h $(LIBAXON)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBAXON) $(LDLIBS)

# rewritten only when the models change, so a rebuilt libaxon does not re-verilate
$(GATE_DIR)/cells.v: $(GATE_DIR)/axon-gate-cells $(GATE_LIB)
	$(GATE_DIR)/axon-gate-cells $(GATE_LIB) $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(eval $(call rtl_variant,gate,$(GATE_PARAMS),--trace -Wno-lint -Wno-style,plain,axon_core,$(GATE_DIR)/core_gate.v $(GATE_DIR)/cells.v rtl/axon_sram.sv,fixed,$(GATE_OPT_CORE)))

$(RTL_OUT)/gate/axon-gate-power: rtl/gate/axon_gate_power.c $(RTL_OUT)/gate/axon_cosim_stream.o $(wildcard rtl/shim/*.h) power/power_gate.h \
    $(RTL_OUT)/gate/axon_image_core.o $(RTL_OUT)/gate/axon_rtl.o $(RTL_OUT)/gate/obj/Vaxon_core__ALL.a \
    $(call rtl_vlt_objs,plain) $(LIBAXON)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c rtl/gate/axon_gate_power.c -o $(RTL_OUT)/gate/axon_gate_power.o
	$(CXX) $(LDFLAGS) -o $@ $(RTL_OUT)/gate/axon_gate_power.o $(RTL_OUT)/gate/axon_cosim_stream.o \
	  $(RTL_OUT)/gate/axon_image_core.o $(RTL_OUT)/gate/axon_rtl.o $(RTL_OUT)/gate/obj/Vaxon_core__ALL.a \
	  $(call rtl_vlt_objs,plain) $(LIBAXON) $(LDLIBS) $(RTL_LIBS)

.PHONY: gate-power gate-power-build
gate-power-build: rtl-gate $(RTL_OUT)/gate/axon-gate-power
gate-power: gate-power-build
	$(RTL_OUT)/gate/axon-gate-power --lib $(GATE_LIB) --netlist $(GATE_DIR)/core_gate.json \
	  --weights traces/ppocr/ppocr-rec.weights.safetensors --trace traces/ppocr/ppocr-rec.trace.safetensors \
	  --layer $(GATE_LAYER) --tokens $(GATE_TOKENS)

TEST_EXTRA += gate-power-build

# ---- characterization and calibration (docs/power.md "Calibration") ----
#
#   make characterize      every set below: yosys, Verilator, axon-gate-char on the
#                          training and held-out streams, then `axon calibrate`
#                          fits power/tech/cal_osu018.csv and validates it on the
#                          held-out streams and the held-out parameter sets
#   make characterize CHAR_SETS_TRAIN='s16 s32' CHAR_SETS_HOLD='h20'
#   make characterize-one CHAR_ONE='R=48 C=48 L=8 LS=1 F=8 A=32 RB=64 DB=1 GATE=1'
#                          (your own parameter set: characterized, priced by the
#                          committed table and compared, nothing refitted)
#   make characterize-set CHAR_SET=h128
#                          one named set (CHAR_<name> below) the same way: its
#                          held-out streams priced by the committed table; h128
#                          is the simulator's default 128x128 tile
#
# Each set's netlist, Verilator build and CSV live under $(BUILD)/gate/<set> and
# $(BUILD)/rtl/gate_<set>; make reruns a step only when its inputs changed (the
# parameter set is in the set's params.txt, the streams in the CSV's target),
# so a second `make characterize` costs nothing.
CHAR_DIR     := $(BUILD)/char
# training: seeds 1 and 4 (two draws of every profile per set)
CHAR_TRAIN4  := mix:4:6,empty:4:8,dense:4:3,zeroword:4:6,sparse:4:8,lanes:4:5,hishift:4:3,coded:4:3,random:4:4
CHAR_TRAIN   := mix:1:6,empty:1:8,dense:1:3,zeroword:1:6,sparse:1:8,lanes:1:5,hishift:1:3,coded:1:3,random:1:4,$(CHAR_TRAIN4)
CHAR_HOLD    := mix:2:6,empty:2:8,dense:2:3,zeroword:2:6,sparse:2:8,lanes:2:5,hishift:2:3,coded:2:3,random:2:4
CHAR_QUICK   := mix:3:4,zeroword:3:4,coded:3:2,dense:3:2
CHAR_s16     := $(GATE_PARAMS)
CHAR_s8      := R=8 C=8 L=2 LS=2 F=2 A=20 RB=16 DB=1 GATE=0
CHAR_s12     := R=12 C=12 L=3 LS=2 F=3 A=16 RB=24 DB=0 GATE=1
CHAR_s24     := R=16 C=24 L=8 LS=2 F=2 A=24 RB=32 DB=0 GATE=0
CHAR_s6      := R=12 C=6 L=3 LS=1 F=4 A=20 RB=40 DB=1 GATE=1
CHAR_s32     := R=32 C=32 L=8 LS=1 F=8 A=32 RB=64 DB=1 GATE=1
CHAR_h10     := R=10 C=10 L=5 LS=1 F=5 A=24 RB=40 DB=1 GATE=1
CHAR_h20     := R=24 C=20 L=4 LS=1 F=6 A=28 RB=48 DB=1 GATE=1
CHAR_h48     := R=48 C=48 L=16 LS=1 F=8 A=32 RB=128 DB=1 GATE=1
# g16: the s16 core with clock gating (CG=1, docs/power.md "Clock as built")
CHAR_g16     := $(GATE_PARAMS) CG=1
# g6: s6 clock-gated (training, W = 2 words per event); g10: h10 clock-gated,
# held out (docs/power.md "Clock as built", "gated sets in the fit")
CHAR_g6      := R=12 C=6 L=3 LS=1 F=4 A=20 RB=40 DB=1 GATE=1 CG=1
CHAR_g10     := R=10 C=10 L=5 LS=1 F=5 A=24 RB=40 DB=1 GATE=1 CG=1
# g8, g12, g24: clock-gated training sets (version 6) spanning what g16 and g6
# alone did not: F = 6, 3 and 2, L = 6, single bank, SRAM latency 2, no zero
# gating (held out, each broke up to 17 bounds of the table trained without
# them; docs/power.md "Calibration")
CHAR_g8      := R=8 C=12 L=6 LS=1 F=6 A=20 RB=24 DB=1 GATE=1 CG=1
CHAR_g12     := R=12 C=12 L=3 LS=2 F=3 A=16 RB=24 DB=0 GATE=1 CG=1
CHAR_g24     := R=16 C=24 L=8 LS=2 F=2 A=24 RB=32 DB=0 GATE=0 CG=1
# r48: many readout beats per token (C·A/RB = 48, the training sets before it
# at most 12): the control and readout terms' scaling with C and RB
CHAR_r48     := R=16 C=48 L=8 LS=1 F=4 A=24 RB=24 DB=0 GATE=1
# h128: the default tile of sim_config_default (every headline number), held
# out of the fit; not in make test (about 20 min of yosys and 12 min of
# Verilator and compile on a shared 2-core machine, docs/power.md "Calibration")
CHAR_h128    := R=128 C=128 L=16 LS=1 F=8 A=32 RB=64 DB=1 GATE=1
CHAR_SETS_TRAIN ?= s16 s8 s12 s24 s6 g16 g6 g8 g12 g24 r48
CHAR_SETS_HOLD  ?= h10 h20 g10
CAL_TABLE    := power/tech/cal_osu018.csv

# gate_set NAME: netlist, Verilator build and characterization binary of CHAR_NAME
# (-Wno-UNOPTFLAT: Verilator sees a multi-bit output port of some netlists, e.g.
# obs_lanes at L=2, as one signal in a combinational loop; its bits are not).
# A set with the parameters of the default gate build (GATE_PARAMS) reuses that
# build's netlist and binary (cached once, not synthesized twice).
gate_same = $(if $(subst $(strip $(GATE_PARAMS)),,$(strip $(CHAR_$(1)))),,1)
define gate_set_reuse
$(CHAR_DIR)/$(1).%.csv: $(RTL_OUT)/gate/axon-gate-char $(GATE_DIR)/core_gate.json
	@mkdir -p $(CHAR_DIR)
	$(RTL_OUT)/gate/axon-gate-char --lib $(GATE_LIB) --netlist $(GATE_DIR)/core_gate.json \
	  --set $(1) --streams $$(CHAR_$$(call char_kind,$$*)) --out $$@
endef
gate_set = $(if $(call gate_same,$(1)),$(call gate_set_reuse,$(1)),$(call gate_set_own,$(1)))
define gate_set_own
$(shell mkdir -p $(BUILD)/gate/$(1); echo '$(CHAR_$(1))' | cmp -s - $(BUILD)/gate/$(1)/params.txt || echo '$(CHAR_$(1))' > $(BUILD)/gate/$(1)/params.txt)
$(BUILD)/gate/$(1)/core_gate.json $(BUILD)/gate/$(1)/core_gate.v &: rtl/synth/core_gate.ys $(GATE_SV) $(GATE_LIB) $(BUILD)/gate/$(1)/params.txt
	sed -e 's|^chparam .* axon_core$$$$|chparam $(foreach kv,$(CHAR_$(1)),-set $(subst =, ,$(kv))) axon_core|' \
	    -e 's|build/gate/|$(BUILD)/gate/$(1)/|g' rtl/synth/core_gate.ys > $(BUILD)/gate/$(1)/core_gate.ys
	yosys -q -l $(BUILD)/gate/$(1)/core_gate.log -s $(BUILD)/gate/$(1)/core_gate.ys >/dev/null
$(eval $(call rtl_variant,gate_$(1),$(CHAR_$(1)),--trace -Wno-lint -Wno-style -Wno-UNOPTFLAT,plain,axon_core,$(BUILD)/gate/$(1)/core_gate.v $(GATE_DIR)/cells.v rtl/axon_sram.sv,fixed,$(GATE_OPT_CORE)))
$(call gate_char_bin,gate_$(1))
$(CHAR_DIR)/$(1).%.csv: $(RTL_OUT)/gate_$(1)/axon-gate-char $(BUILD)/gate/$(1)/core_gate.json
	@mkdir -p $(CHAR_DIR)
	$(RTL_OUT)/gate_$(1)/axon-gate-char --lib $(GATE_LIB) --netlist $(BUILD)/gate/$(1)/core_gate.json \
	  --set $(1) --streams $$(CHAR_$$(call char_kind,$$*)) --out $$@
endef
char_kind = $(if $(filter train,$(1)),TRAIN,$(if $(filter hold,$(1)),HOLD,QUICK))

# gate_char_bin VARIANT: axon-gate-char linked against that Verilated netlist
define gate_char_bin
$(RTL_OUT)/$(1)/axon-gate-char: rtl/gate/axon_gate_char.c $(RTL_OUT)/$(1)/axon_cosim_stream.o $(wildcard rtl/shim/*.h) \
    power/power_gate.h power/power_cal.h rtl/gate/axon_gate_acts.h $(RTL_OUT)/$(1)/axon_image_core.o $(RTL_OUT)/$(1)/axon_rtl.o \
    $(RTL_OUT)/$(1)/obj/Vaxon_core__ALL.a $(call rtl_vlt_objs,plain) $(LIBAXON)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c rtl/gate/axon_gate_char.c -o $(RTL_OUT)/$(1)/axon_gate_char.o
	$(CXX) $(LDFLAGS) -o $$@ $(RTL_OUT)/$(1)/axon_gate_char.o $(RTL_OUT)/$(1)/axon_cosim_stream.o \
	  $(RTL_OUT)/$(1)/axon_image_core.o $(RTL_OUT)/$(1)/axon_rtl.o $(RTL_OUT)/$(1)/obj/Vaxon_core__ALL.a \
	  $(call rtl_vlt_objs,plain) $(LIBAXON) $(LDLIBS) $(RTL_LIBS)
endef

# the default gate build (GATE_PARAMS) also characterizes: the quick set of make test
$(eval $(call gate_char_bin,gate))
$(CHAR_DIR)/gate.quick.csv: $(RTL_OUT)/gate/axon-gate-char $(GATE_DIR)/core_gate.json
	@mkdir -p $(CHAR_DIR)
	$(RTL_OUT)/gate/axon-gate-char --lib $(GATE_LIB) --netlist $(GATE_DIR)/core_gate.json \
	  --set gate --streams $(CHAR_QUICK) --out $@

$(foreach s,$(sort $(CHAR_SETS_TRAIN) $(CHAR_SETS_HOLD) s16 s8 s12 s24 s6 s32 h10 h20 h48 h128 g16 g6 g8 g10 g12 g24 r48),$(eval $(call gate_set,$(s))))

CHAR_TRAIN_CSV := $(foreach s,$(CHAR_SETS_TRAIN),$(CHAR_DIR)/$(s).train.csv)
CHAR_HOLD_CSV  := $(foreach s,$(CHAR_SETS_TRAIN),$(CHAR_DIR)/$(s).hold.csv) \
                  $(foreach s,$(CHAR_SETS_HOLD),$(CHAR_DIR)/$(s).train.csv $(CHAR_DIR)/$(s).hold.csv)
comma := ,
empty :=
space := $(empty) $(empty)

.PHONY: characterize characterize-data characterize-one characterize-set
characterize-data: $(CHAR_TRAIN_CSV) $(CHAR_HOLD_CSV)
characterize: characterize-data $(AXON)
	$(AXON) calibrate --lib "OSU 0.18 um (qflow-tech-osu018 $(notdir $(GATE_LIB)))" --train $(subst $(space),$(comma),$(strip $(CHAR_TRAIN_CSV))) \
	  --validate $(subst $(space),$(comma),$(strip $(CHAR_HOLD_CSV))) --out $(CAL_TABLE) \
	  --markdown $(CHAR_DIR)/validation.md
	@echo "characterize: wrote $(CAL_TABLE) and $(CHAR_DIR)/validation.md"

CHAR_ONE ?= R=16 C=16 L=4 LS=1 F=4 A=32 RB=64 DB=1 GATE=1
CHAR_user := $(CHAR_ONE)
$(eval $(call gate_set,user))
characterize-one: $(CHAR_DIR)/user.hold.csv $(AXON)
	$(AXON) calibrate --check $(CHAR_DIR)/user.hold.csv --tech $(CAL_TABLE)

CHAR_SET ?= h20
characterize-set: $(CHAR_DIR)/$(CHAR_SET).hold.csv $(AXON)
	$(AXON) calibrate --check $(CHAR_DIR)/$(CHAR_SET).hold.csv --tech $(CAL_TABLE)

# make test: the quick set on the default build, on the held-out set h20 (one
# more Verilator build of about 9 800 cells) and on s8, the small set without
# zero gating (3 500 cells; its quick streams are held out), all cached
CHAR_TEST_HOLD ?= h20
TEST_EXTRA += $(CHAR_DIR)/gate.quick.csv $(CHAR_DIR)/$(CHAR_TEST_HOLD).quick.csv $(CHAR_DIR)/s8.quick.csv
# and the clock-gated build g16 (docs/power.md "Clock as built"): its netlist's
# cosim helper and quick characterization (one more Verilator build, cached)
TEST_EXTRA += rtl-gate_g16 $(CHAR_DIR)/g16.quick.csv

#   make clock-gating-check   the gated cores (g16, g6 trained on; g10 held out) and the
#                             ungated 16x16 one (s16) on the held-out streams, priced by
#                             the committed table: the clock model vs gate level, gated and ungated
.PHONY: clock-gating-check
clock-gating-check: $(CHAR_DIR)/g16.hold.csv $(CHAR_DIR)/s16.hold.csv $(CHAR_DIR)/g6.hold.csv \
    $(CHAR_DIR)/g10.hold.csv $(AXON)
	$(AXON) calibrate --check $(CHAR_DIR)/s16.hold.csv,$(CHAR_DIR)/g16.hold.csv,$(CHAR_DIR)/g6.hold.csv,$(CHAR_DIR)/g10.hold.csv \
	  --tech $(CAL_TABLE)

# ---- the baselines at gate level (docs/power.md "Baselines at gate level") ----
#
#   make base-gate        the dense and zero-skip tiles of every BASE_SETS entry: yosys ->
#                         OSU018 netlist -> Verilator (--trace, -O0) -> axon-gate-base, which
#                         only measures (one CSV row per stream: the baseline model's counts
#                         next to the gate-level energy per component); `axon calibrate
#                         --base-train ... --base-validate ...` fits the baseline rows in C,
#                         writes them into $(CAL_TABLE) (their own block) and validates them
#                         on the held-out sets (exit 1 outside +-10 % total, +-15 % component)
#   make base-gate-check  the committed table's baseline rows against gate level on the
#                         held-out CSVs (no fit)
# Netlists, builds and CSVs are cached under $(BUILD)/gate/<set>, $(RTL_OUT)/gate_<set> and
# $(CHAR_DIR)/<set>.{train,hold}.csv.
BASE_GATE_TRAIN  ?= mix:1:3,sparse:1:3,dense:1:2,small:1:3,wzero:1:3,mix:4:3,wzero:4:3,small:4:3
BASE_GATE_HOLD   ?= mix:2:3,sparse:2:3,dense:2:2,small:2:3,wzero:2:3
BASE_GATE_QUICK  ?= mix:3:2,sparse:3:2,wzero:3:2
# parameter sets: name, tile parameters (ZS=1: the zero-skip tile), role
BASE_base        := C=16 L=4 A=32 RB=64 ZS=0
BASE_base_zs     := C=16 L=4 A=32 RB=64 ZS=1
BASE_b8          := C=8 L=4 A=24 RB=32 ZS=0
BASE_h12         := C=12 L=4 A=20 RB=40 ZS=0
BASE_b6          := C=6 L=2 A=16 RB=32 ZS=0
# eight words per row (W = C/L = 8, the default tile's W): the accumulators' word
# multiplexer and fan-out at the width d128 has (trained at W <= 4 alone, d128's
# accumulators came out +57 %)
BASE_b32         := C=32 L=4 A=32 RB=64 ZS=0
# the bit-serial tile (rtl/axon_mac_bitserial.sv, P bit-planes): training bs16 and bs6, held out bs8
BASE_bs16        := C=16 L=4 A=32 RB=64 P=7
BASE_bs8         := C=8 L=4 A=24 RB=32 P=5
BASE_bs6         := C=6 L=2 A=16 RB=32 P=4
BASE_SETS_TRAIN  ?= base b8 b6 b32 bs16 bs6
BASE_SETS_HOLD   ?= base_zs h12 bs8
BASE_SETS        := $(BASE_SETS_TRAIN) $(BASE_SETS_HOLD)
# the default baseline tile (power/power_base.c: the dense tile every headline number is
# compared with), held out, 8x the training tiles' columns: too large for make test or
# make base-gate (about 31 000 cells), run on its own by make base-gate-set BASE_SET=d128
BASE_d128        := C=128 L=16 A=32 RB=64 ZS=0
# the module of a set: bit-serial when its parameters have P
base_mod = $(if $(filter P=%,$(BASE_$(1))),axon_mac_bitserial,axon_mac_baseline)
base_ys  = $(if $(filter P=%,$(BASE_$(1))),rtl/synth/bs_gate.ys,rtl/synth/base_gate.ys)
base_sv  = $(if $(filter P=%,$(BASE_$(1))),$(RTL_BS_SV),$(RTL_MAC_SV))
# base_gate NAME
define base_gate
$(shell mkdir -p $(BUILD)/gate/$(1); echo '$(BASE_$(1))' | cmp -s - $(BUILD)/gate/$(1)/params.txt || echo '$(BASE_$(1))' > $(BUILD)/gate/$(1)/params.txt)
$(BUILD)/gate/$(1)/base_gate.json: $(call base_ys,$(1)) $(call base_sv,$(1)) $(GATE_LIB) $(BUILD)/gate/$(1)/params.txt
	sed -e 's|^chparam .* $(call base_mod,$(1))$$$$|chparam $(foreach kv,$(BASE_$(1)),-set $(subst =, ,$(kv))) $(call base_mod,$(1))|' \
	    -e 's|build/gate/|$(BUILD)/gate/$(1)/|g' $(call base_ys,$(1)) > $(BUILD)/gate/$(1)/base_gate.ys
	yosys -q -l $(BUILD)/gate/$(1)/base_gate.log -s $(BUILD)/gate/$(1)/base_gate.ys >/dev/null
$(RTL_OUT)/gate_$(1)/obj/V$(call base_mod,$(1))__ALL.a: $(BUILD)/gate/$(1)/base_gate.json $(GATE_DIR)/cells.v
	@rm -rf $(RTL_OUT)/gate_$(1)/obj; mkdir -p $(RTL_OUT)/gate_$(1)
	$(VERILATOR) --cc $(RTL_VFLAGS) --trace -Wno-lint -Wno-style --top-module $(call base_mod,$(1)) \
	  -Mdir $(RTL_OUT)/gate_$(1)/obj $(BUILD)/gate/$(1)/base_gate.v $(GATE_DIR)/cells.v
	$(MAKE) -s -C $(RTL_OUT)/gate_$(1)/obj -f V$(call base_mod,$(1)).mk V$(call base_mod,$(1))__ALL.a $(GATE_OPT) >/dev/null
$(RTL_OUT)/gate_$(1)/axon-gate-base: rtl/gate/axon_gate_base.cpp $(RTL_OUT)/gate_$(1)/obj/V$(call base_mod,$(1))__ALL.a \
    $(call rtl_vlt_objs,plain) power/power_gate.h power/power_base_cal.h rtl/gate/axon_gate_acts.h $(LIBAXON)
	$(CXX) $(RTL_CXXFLAGS) $(RTL_VDEF_plain) -I$(RTL_OUT)/gate_$(1)/obj \
	  $(addprefix -DAXON_MAC_,$(BASE_$(1))) -o $$@ $$< $(RTL_OUT)/gate_$(1)/obj/V$(call base_mod,$(1))__ALL.a \
	  $(call rtl_vlt_objs,plain) $(LIBAXON) $(LDLIBS) $(RTL_LIBS)
$(CHAR_DIR)/$(1).train.csv: $(RTL_OUT)/gate_$(1)/axon-gate-base
	@mkdir -p $(CHAR_DIR)
	$$< --set $(1) --lib $(GATE_LIB) --netlist $(BUILD)/gate/$(1)/base_gate.json --streams $(BASE_GATE_TRAIN) --vcd-dir $(CHAR_DIR) --out $$@
$(CHAR_DIR)/$(1).hold.csv: $(RTL_OUT)/gate_$(1)/axon-gate-base
	@mkdir -p $(CHAR_DIR)
	$$< --set $(1) --lib $(GATE_LIB) --netlist $(BUILD)/gate/$(1)/base_gate.json --streams $(BASE_GATE_HOLD) --vcd-dir $(CHAR_DIR) --out $$@
endef
$(foreach s,$(sort $(BASE_SETS) d128),$(eval $(call base_gate,$(s))))

BASE_TRAIN_CSV := $(foreach s,$(BASE_SETS_TRAIN),$(CHAR_DIR)/$(s).train.csv)
BASE_HOLD_CSV  := $(foreach s,$(BASE_SETS_TRAIN) $(BASE_SETS_HOLD),$(CHAR_DIR)/$(s).hold.csv) \
                  $(foreach s,$(BASE_SETS_HOLD),$(CHAR_DIR)/$(s).train.csv)
.PHONY: base-gate base-gate-build base-gate-check
base-gate-build: $(foreach s,$(BASE_SETS),$(RTL_OUT)/gate_$(s)/axon-gate-base)
base-gate: $(BASE_TRAIN_CSV) $(BASE_HOLD_CSV) $(AXON)
	$(AXON) calibrate --base-train $(subst $(space),$(comma),$(BASE_TRAIN_CSV)) \
	  --base-validate $(subst $(space),$(comma),$(BASE_HOLD_CSV)) --out $(CAL_TABLE) \
	  --markdown $(CHAR_DIR)/base_validation.md
base-gate-check: $(BASE_HOLD_CSV) $(AXON)
	$(AXON) calibrate --base-check $(subst $(space),$(comma),$(BASE_HOLD_CSV)) --tech $(CAL_TABLE)

#   make base-gate-set BASE_SET=d128   one baseline tile, held out: its training and held-out
#                                      streams priced by the committed table (no fit)
BASE_SET ?= d128
.PHONY: base-gate-set
base-gate-set: $(CHAR_DIR)/$(BASE_SET).train.csv $(CHAR_DIR)/$(BASE_SET).hold.csv $(AXON)
	$(AXON) calibrate --base-check $(CHAR_DIR)/$(BASE_SET).train.csv,$(CHAR_DIR)/$(BASE_SET).hold.csv \
	  --tech $(CAL_TABLE)

TEST_EXTRA += base-gate-build
