/* axon sweep — placeholder until its layer lands; fails honestly. */
#include "cmd.h"

int cmd_sweep(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "axon sweep: not implemented yet\n");
    return CMD_FAIL;
}
