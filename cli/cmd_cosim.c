/* axon cosim — placeholder until its layer lands; fails honestly. */
#include "cmd.h"

int cmd_cosim(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "axon cosim: not implemented yet\n");
    return CMD_FAIL;
}
