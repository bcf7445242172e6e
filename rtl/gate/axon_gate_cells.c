/*
 * axon-gate-cells — behavioural Verilog models of a Liberty library's cells,
 * written from the cells' `function`, `ff`, `latch` and `three_state`
 * attributes (power_lib_write_verilog), so Verilator can simulate a netlist
 * mapped to that library. Debian's qflow-tech-osu018 ships
 * osu018_stdcells.v, but its flip-flops and latch are user-defined
 * primitives (udp_dff, udp_tlat) that Verilator 5.006 does not support.
 * usage: axon-gate-cells LIB OUT.v
 */
#include "../../power/power_gate.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: axon-gate-cells LIB OUT.v\n");
        return 2;
    }
    char *err = NULL;
    power_lib *lib = NULL;
    if (power_lib_load(argv[1], &lib, &err)) {
        fprintf(stderr, "axon-gate-cells: %s\n", err);
        free(err);
        return 1;
    }
    FILE *f = fopen(argv[2], "w");
    if (!f) {
        fprintf(stderr, "axon-gate-cells: %s: cannot create (hint: check the directory)\n",
                argv[2]);
        power_lib_free(lib);
        return 1;
    }
    ax_result r = power_lib_write_verilog(lib, f, &err);
    if (fclose(f) && !r)
        r = AX_EIO;
    if (r) {
        fprintf(stderr, "axon-gate-cells: %s\n", err ? err : "write error");
        free(err);
        power_lib_free(lib);
        remove(argv[2]);
        return 1;
    }
    printf("axon-gate-cells: %d cells of %s -> %s\n", lib->ncells, argv[1], argv[2]);
    power_lib_free(lib);
    return 0;
}
