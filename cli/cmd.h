/*
 * cli — the `axon` command: a table of subcommands (cli/main.c), each in its
 * own cmd_<name>.c with its own getopt_long options and --help.
 * Exit codes: 0 ok, 1 failure, 2 usage error.
 */
#ifndef AX_CMD_H
#define AX_CMD_H

#include "../ax/ax.h"

#include <stdio.h>

enum { CMD_OK = 0, CMD_FAIL = 1, CMD_USAGE = 2 };

/* Every subcommand: argv[0] is the subcommand name. */
int cmd_encode(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_ref(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_map(int argc, char **argv);
int cmd_cosim(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_arch(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_claim(int argc, char **argv);

/* Prints "axon <cmd>: <err>" to stderr and frees err; returns CMD_FAIL. */
int cmd_fail(const char *cmd, char *err);
/* Prints "axon <cmd>: <msg>\nTry 'axon <cmd> --help'." and returns CMD_USAGE. */
int cmd_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* cmd_usage with err (from a failed parse or check) as the message; frees err. */
int cmd_usage_err(const char *cmd, char *err);
/* Strict number parsing for options; on failure prints a usage error
 * naming the option. Return 0 on success, -1 on failure. */
int cmd_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out);
int cmd_parse_double(const char *cmd, const char *opt, const char *s, double lo, double hi,
                     double *out);
/* Large buffers freed by one layer are reused by the next (glibc: raises
 * the mmap and trim thresholds); called by the commands that loop over
 * layers or sweep points. */
void cmd_reuse_large_buffers(void);
/* Progress of a long task on stderr (cmd_util.c): silent for about the first
 * second; then a bar on a terminal, a line every few seconds otherwise.
 * done == total ends the task (the bar is erased). label (may be NULL)
 * names the current item. */
void cmd_progress(const char *what, size_t done, size_t total);
void cmd_progress_label(const char *what, const char *label, size_t done, size_t total);
/* Redraws the current task (its elapsed time moves) while waiting on one long step. */
void cmd_progress_tick(void);
/* Erases a bar on the terminal before something is printed to stdout. */
void cmd_progress_clear(void);
/* "axon CMD: wrote PATH" on stderr, for every file a command writes. */
void cmd_wrote(const char *cmd, const char *path);
/* One CSV cell on stdout: as is, or quoted (quotes doubled) when it holds
 * a comma, a quote or a newline (RFC 4180). */
void cmd_csv_cell(const char *s);
/* Set by --quiet (cli/main.c): no progress and no "wrote" lines. */
extern int cmd_quiet;
/* ---- options from the parameter table (cmd_param.c) ---- */
#define CMD_PARAM_BASE 0x10000 /* getopt values of table parameters start here */
#define CMD_PARAM_ASYNC 0xfff0 /* --async */
#define CMD_PARAM_ARCH 0xfff1  /* --arch FILE */
struct option;
struct run_job;
struct run_param;
/* own (zero-terminated) followed by the options of the table's parameters in
 * the sections of mask (RUN_SEC_*), --async and --arch; list = 1: every
 * parameter takes a value (axon sweep's comma lists). Free with
 * cmd_param_options_free. NULL when out of memory. */
struct option *cmd_param_options(const struct option *own, int mask, int list);
/* The same for the parameters named in keys (space-separated table keys). */
struct option *cmd_param_options_only(const struct option *own, const char *keys, int list);
void cmd_param_options_free(struct option *o);
/* The parameter of getopt value c and the value it sets (arg, or on/off/async
 * for the argument-less spellings); NULL when c is not a parameter option. */
const struct run_param *cmd_param_of(int c, const char **value, const char *arg);
/* Applies getopt value c with optarg arg to j: 0 done (or --arch, already
 * applied), 1 not a parameter option, CMD_USAGE after printing the error. */
int cmd_param_opt(const char *cmd, int c, const char *arg, struct run_job *j);
/* Applies every --arch FILE of argv to j (before the flags); 0 or a CMD_ code. */
int cmd_param_arch(const char *cmd, int argc, char **argv, struct run_job *j);
/* The --help lines of the parameters in mask, --arch and --async. */
void cmd_param_help(int mask);
/* The --help lines of the parameters named in keys (no --arch line). */
void cmd_param_help_only(const char *keys);

/* Prints root (cJSON, indented) and a newline to stdout, then deletes root. */
struct cJSON;
void cmd_print_json(struct cJSON *root);

#endif
