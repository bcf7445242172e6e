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
GATE_SV     := rtl/axon_fifo.sv rtl/axon_sram.sv rtl/axon_acc.sv rtl/axon_readout.sv \
               rtl/axon_ctrl.sv rtl/axon_core.sv
# the verilated netlist is large and straight-line: -O0 compiles in less than
# half the time of -O2 and a few tokens still simulate in well under a second
GATE_OPT    := OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0
gate_chparam = $(foreach kv,$(GATE_PARAMS),-set $(subst =, ,$(kv)))

$(shell mkdir -p $(GATE_DIR); echo '$(GATE_PARAMS)' | cmp -s - $(GATE_DIR)/params.txt || echo '$(GATE_PARAMS)' > $(GATE_DIR)/params.txt)

$(GATE_LIB):
	@$(MAKE) --no-print-directory deps
	@test -f $@ || { echo "gate: $@ missing (hint: make deps extracts it from qflow-tech-osu018)" >&2; exit 1; }

$(GATE_DIR)/core_gate.json: rtl/synth/core_gate.ys $(GATE_SV) $(GATE_LIB) $(GATE_DIR)/params.txt
	sed -e 's|^chparam .* axon_core$$|chparam $(gate_chparam) axon_core|' \
	    -e 's|build/gate/|$(GATE_DIR)/|g' rtl/synth/core_gate.ys > $(GATE_DIR)/core_gate.ys
	yosys -q -l $(GATE_DIR)/core_gate.log -s $(GATE_DIR)/core_gate.ys >/dev/null
$(GATE_DIR)/core_gate.v: $(GATE_DIR)/core_gate.json

$(GATE_DIR)/axon-gate-cells: rtl/gate/axon_gate_cells.c power/power_gate.h $(LIBAXON)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBAXON) $(LDLIBS)

# rewritten only when the models change, so a rebuilt libaxon does not re-verilate
$(GATE_DIR)/cells.v: $(GATE_DIR)/axon-gate-cells $(GATE_LIB)
	$(GATE_DIR)/axon-gate-cells $(GATE_LIB) $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(eval $(call rtl_variant,gate,$(GATE_PARAMS),--trace -Wno-lint -Wno-style,plain,axon_core,$(GATE_DIR)/core_gate.v $(GATE_DIR)/cells.v rtl/axon_sram.sv,fixed,$(GATE_OPT)))

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
