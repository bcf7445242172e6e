# sim/: the accumulate loop of the core model is the simulator's hot path;
# -O3 lets the compiler vectorize it (sim_core_add). See docs/sim.md.
$(BUILD)/sim/sim_core.o: CFLAGS += -O3
