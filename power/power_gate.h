/*
 * power_gate — gate-level cross-check of the action-energy model
 * (docs/power.md, "Gate-level cross-check").
 *
 * Three inputs, all text or JSON written by standard tools:
 *   - a Liberty file (.lib) of the standard cells: per cell its area,
 *     leakage, pins (direction, input capacitance, logic function, flip-flop
 *     or latch state) and internal-energy tables (power_lib_*);
 *   - the mapped netlist as yosys `write_json` writes it (flattened, one
 *     module): cells with their type and the bit of every pin
 *     (power_gate_netlist_*);
 *   - a VCD of the simulated netlist, from which every net bit's rising and
 *     falling transitions are counted (power_gate_vcd_count).
 * power_gate_energy then prices the transitions:
 *   switching: per transition ½·C·V², C = the input-pin capacitances the net
 *              drives (Liberty) + an assumed wire load per fanout pin;
 *   internal:  the driving cell's internal_power table (energy per output
 *              transition, interpolated at the net's load and an assumed input
 *              slew, mean over the related pins) and the input pins' passive
 *              tables (flip-flop CLK and D pins);
 *   clock:     the clock net's switching plus the clock pins' internal energy,
 *              reported apart; in a clock-gated netlist also the clock-gate
 *              cells (instance path with `u_icg.`) and the nets they drive;
 *   leakage:   Σ cell_leakage_power × simulated time.
 * E = ½·C·V² per transition: J. M. Rabaey, A. Chandrakasan, B. Nikolić,
 * Digital Integrated Circuits, 2nd ed., §5.5 (dynamic power).
 * power_lib_write_verilog writes behavioural Verilog models of the cells from
 * their Liberty functions, for simulating the netlist with Verilator.
 */
#ifndef AX_POWER_GATE_H
#define AX_POWER_GATE_H
#include "../ax/ax.h"
#include <stdio.h>

/* ---- Liberty ---- */

typedef struct {
    int n1, n2;          /* sizes (n2 = 1 for a 1-D table) */
    double *i1, *i2, *v; /* index_1, index_2 (NULL when absent), values n1 x n2 row-major */
    int load_first;      /* variable_1 is the output load (else the slew) */
} power_lib_table;

typedef struct {
    char related[32]; /* related_pin ("" for a passive input-pin table) */
    power_lib_table rise, fall;
} power_lib_energy;

typedef struct {
    char name[32];
    int output;        /* 1 output, 0 input */
    int clock;         /* clock : true */
    double cap_pf;     /* input capacitance, pF */
    char *function;    /* output: Liberty boolean function, else NULL */
    char *three_state; /* output: high-impedance condition, else NULL */
    power_lib_energy *energy;
    int nenergy;
} power_lib_pin;

typedef struct {
    char name[48];
    double area_um2;
    double leakage_nw;
    int seq;                       /* 0 combinational, 1 flip-flop, 2 latch */
    char iq[32], iqn[32];          /* state variables */
    char *next_state, *clocked_on; /* ff: next_state, clocked_on; latch: data_in, enable */
    char *clear, *preset;          /* asynchronous, NULL if none */
    power_lib_pin *pins;
    int npins;
    int line; /* where the cell starts in the file */
} power_lib_cell;

typedef struct {
    char name[64];
    char path[256];
    double vdd_v;          /* nom_voltage */
    double cap_unit_pf;    /* capacitive_load_unit in pF */
    double energy_unit_pj; /* internal-energy unit = cap unit × V² */
    double leak_unit_nw;   /* leakage_power_unit in nW */
    power_lib_cell *cells;
    int ncells;
} power_lib;

/* Reads a Liberty file. AX_EIO when it cannot be read; AX_EFORMAT naming
 * file:line and what was expected (with a hint) for a malformed file or a
 * unit it does not know. */
ax_result power_lib_load(const char *path, power_lib **out, char **err);
/* The same from memory; `name` stands for the file in messages. */
ax_result power_lib_parse(const char *text, size_t len, const char *name, power_lib **out,
                          char **err);
void power_lib_free(power_lib *lib); /* NULL is a no-op */
const power_lib_cell *power_lib_cell_find(const power_lib *lib, const char *name);
const power_lib_pin *power_lib_pin_find(const power_lib_cell *c, const char *name);
/* Energy of one table, pJ, at output load load_pf and input slew slew_ns,
 * bilinear interpolation, clamped to the table's range (rise: 1, fall: 0). */
double power_lib_energy_at(const power_lib *lib, const power_lib_energy *e, int rise,
                           double load_pf, double slew_ns);
/* A Liberty boolean function as a parenthesized Verilog expression (caller
 * frees). AX_EFORMAT names the cell, pin and position of a bad function. */
ax_result power_lib_function_verilog(const char *fn, const char *where, char **out, char **err);
/* Behavioural Verilog of every cell (combinational: continuous assignment;
 * flip-flops and latches from the ff/latch groups), tracing off. Cells it
 * cannot model (no output function) are listed in a comment. */
ax_result power_lib_write_verilog(const power_lib *lib, FILE *f, char **err);

/* ---- netlist, toggles, energy ---- */

/* components (instance prefixes) a netlist may have: a 16-lane baseline tile
 * has 16 lanes, its readout, its top and the ports */
enum { POWER_GATE_NCOMP = 64 };

typedef struct power_gate_netlist power_gate_netlist;

/* Loads a flattened yosys JSON netlist (module `top`, or the only module
 * when top is NULL). Every instance's type must be a Liberty cell, or a
 * module named in `blackboxes` (comma-separated, e.g. "axon_sram": its
 * outputs are driven from outside the logic). A cell's component is the
 * instance prefix of its name (`$flatten\u_acc.` or `u_acc.` -> "u_acc",
 * none -> "top"). AX_EFORMAT names the file and the cell or net. */
ax_result power_gate_netlist_load(const char *json_path, const char *top, const power_lib *lib,
                                  const char *blackboxes, power_gate_netlist **out, char **err);
void power_gate_netlist_free(power_gate_netlist *nl);
size_t power_gate_netlist_cells(const power_gate_netlist *nl);

/* Counts the transitions of every net bit in a VCD: the variables of the
 * scope named `scope` (the netlist's top module, e.g. "axon_core") are
 * matched to the netlist's net names; the first value of a bit is its
 * initial state, not a transition; x/z are not counted and break the
 * chain. Counts accumulate over calls. Returns the number of matched
 * variables in *matched. AX_EFORMAT names the file and line. */
ax_result power_gate_vcd_count(power_gate_netlist *nl, const char *vcd_path, const char *scope,
                               size_t *matched, char **err);
/* Sets every counted transition back to zero (one netlist, many streams). */
void power_gate_reset(power_gate_netlist *nl);

typedef struct {
    double wire_pf_per_fanout; /* assumed wire load per driven pin, pF */
    double wire_pf_per_net;    /* assumed wire load per net with a load, pF */
    double slew_ns;            /* assumed input transition for the internal tables */
    double duration_ns;        /* simulated time, for leakage */
    const char *clock_net;     /* e.g. "clk" */
} power_gate_params;

typedef struct {
    char name[32];
    size_t cells;
    double toggles; /* transitions of the nets the component drives */
    double switch_pj, internal_pj, leakage_pj;
} power_gate_comp;

typedef struct {
    power_gate_comp comp[POWER_GATE_NCOMP]; /* by instance prefix, "ports" for primary
                                               inputs and black-box outputs */
    int ncomp;
    double clock_toggles; /* transitions of the clock net */
    double clock_pins;    /* clock pins on it */
    double clock_cap_pf;  /* its load: pins + wire */
    double clock_switch_pj, clock_internal_pj;
    double clock_gate_cells;    /* cells of clock gates (u_icg), 0 in an ungated netlist */
    double gated_clock_toggles; /* transitions of the nets they drive */
    double logic_switch_pj, logic_internal_pj; /* all components, clock excluded */
    double leakage_pj;
    double dynamic_pj; /* logic + clock, ports included */
    double vdd_v;
    int has_internal_tables; /* the Liberty had internal_power tables */
} power_gate_result;

/* Prices the counted transitions. AX_EPARAM for a negative assumption or a
 * missing clock net (naming it). */
ax_result power_gate_energy(const power_gate_netlist *nl, const power_lib *lib,
                            const power_gate_params *p, power_gate_result *r, char **err);
/* Transitions counted on the nets driven by cells of component `comp`
 * ("ports": the primary inputs, the clock included). */
double power_gate_toggles(const power_gate_netlist *nl, const char *comp);

#endif
