# sim/: the accumulation kernels are the simulator's hot path (sim_simd.c,
# one per instruction set, chosen at run time; sim_core_add of the exact
# path). -O3 for them. See docs/sim.md "Performance".
$(BUILD)/sim/sim_core.o $(BUILD)/sim/sim_simd.o $(BUILD)/sim/sim_arith.o: CFLAGS += -O3
