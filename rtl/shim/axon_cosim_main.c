/*
 * axon-cosim — the co-simulation helper that `axon cosim` execs: the same
 * cmd_cosim (cli/cmd_cosim.c compiled with AXON_COSIM_RTL) linked with the
 * Verilated core, so the plain axon binary never needs Verilator.
 */
#include "../../cli/cmd.h"

int main(int argc, char **argv)
{
    argv[0] = "cosim";
    return cmd_cosim(argc, argv);
}
