/*
 * Private to `axon cosim`: the options that the front end (cli/cmd_cosim.c,
 * in the plain axon) and the RTL helper (cli/cmd_cosim_rtl.c, the main of
 * axon-cosim, built by `make rtl`) both parse, so the helper sees exactly
 * what `axon cosim` accepted.
 */
#ifndef AX_CMD_COSIM_H
#define AX_CMD_COSIM_H

#include <stdint.h>

typedef struct {
    long random, tokens, lanes, tile_r, tile_c, steps, wave_window, core;
    uint64_t seed;
    int async, verbose;
    const char *weights, *trace, *layer, *coding, *wave, *rtl, *image, *out;
} cmd_cosim_opts;

/* Parses argv (argv[0] is "cosim"; getopt may permute argv). Returns CMD_OK,
 * CMD_USAGE after printing the usage error, or -1 after printing --help. */
int cmd_cosim_parse(int argc, char **argv, cmd_cosim_opts *o);

#endif
