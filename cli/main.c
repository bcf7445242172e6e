/*
 * axon — entry point: a table of subcommands. Each subcommand parses its own
 * options (getopt_long) and answers --help. Exit codes: 0 ok, 1 failure,
 * 2 usage. One option is common to all and handled here: --quiet (before
 * a "--" argument) silences progress and "wrote" lines on stderr.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} cmd_entry;

static const cmd_entry cmds[] = {
    {"encode", cmd_encode, "activations -> spike counts and trains, with spike statistics"},
    {"gen", cmd_gen, "write synthetic LLM-like activations and weights (safetensors)"},
    {"run", cmd_run,
     "run a layer's trace on the modelled chip and report cycles, energy, accuracy"},
    {"ref", cmd_ref, "integer reference of a layer (CPU, or CUDA with --device cuda)"},
    {"compare", cmd_compare,
     "compare two result files (exact for integers, error metrics for floats)"},
    {"map", cmd_map, "map weights onto core tiles and report sparsity, memory and placement"},
    {"cosim", cmd_cosim, "co-simulate the C core model against the Verilated RTL in lockstep"},
    {"sweep", cmd_sweep, "run a parameter sweep into the results database"},
    {"query", cmd_query, "query the results database (SQL or named queries)"},
    {"plot", cmd_plot, "plot sweep results or a spike raster with gnuplot"},
    {"db", cmd_db, "results database maintenance (merge shards, schema)"},
    {"calibrate", cmd_calibrate,
     "fit the action-energy model to gate-level characterization, validate it"},
    {"arch", cmd_arch, "list the run parameters; check or print architecture files"},
    {"claim", cmd_claim,
     "check a published claim: assumption ledger, tornado, waterfall, targets reached"},
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: axon <command> [options]   (axon <command> --help for its options)\n\n"
            "axon " AX_VERSION " - co-design of neuromorphic cores for spike-encoded LLM layers\n\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
    fprintf(f, "\nevery command: --quiet  no progress or \"wrote FILE\" lines on stderr\n"
               "(progress appears for work longer than about a second: a bar on a terminal,\n"
               "a line every few seconds otherwise; stdout carries only the report)\n");
}

/* Removes --quiet from argv (before a "--"); returns the new argc. */
static int take_quiet(int argc, char **argv)
{
    int n = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            while (i < argc)
                argv[n++] = argv[i++];
            break;
        }
        if (!strcmp(argv[i], "--quiet"))
            cmd_quiet = 1;
        else
            argv[n++] = argv[i];
    }
    argv[n] = NULL;
    return n;
}

int main(int argc, char **argv)
{
    ax_out_init(); /* SIGXFSZ an error for every write; temporaries removed on signals */
    argc = take_quiet(argc, argv);
    if (argc < 2) {
        usage(stderr);
        return CMD_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return CMD_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("axon %s\n", AX_VERSION);
        return CMD_OK;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(argv[1], cmds[i].name))
            return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "axon: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CMD_USAGE;
}
