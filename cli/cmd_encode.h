/*
 * Private to `axon encode` (cli/cmd_encode.c parses and encodes,
 * cli/cmd_encode_report.c prints): the parsed options and the encoded
 * result the printers read.
 */
#ifndef AX_CMD_ENCODE_H
#define AX_CMD_ENCODE_H

#include "../spike/spike.h"

#include <stddef.h>

typedef struct {
    const char *input, *counts_out, *trains_out, *steps_out;
    spike_params p;
    spike_coding coding;
    int steps, json, csv, k_set, clamp_set;
} cmd_encode_opts;

/* What encode produced; owned by cmd_encode (freed there). */
typedef struct {
    size_t tokens, d;
    int from_int;
    int32_t *counts;
    float *vth; /* NULL for integer input */
    int *T_of;
    spike_stats st;
} cmd_encode_result;

/* stdout: --json (one line), --csv (header + one row), or the human table. */
void cmd_encode_print_json(const cmd_encode_opts *o, const cmd_encode_result *e);
void cmd_encode_print_csv(const cmd_encode_opts *o, const cmd_encode_result *e);
void cmd_encode_print_table(const cmd_encode_opts *o, const cmd_encode_result *e);

#endif
