/* axon plot — placeholder until its layer lands; fails honestly. */
#include "cmd.h"

int cmd_plot(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "axon plot: not implemented yet\n");
    return CMD_FAIL;
}
