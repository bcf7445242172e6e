/* axon compare — placeholder until its layer lands; fails honestly. */
#include "cmd.h"

int cmd_compare(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "axon compare: not implemented yet\n");
    return CMD_FAIL;
}
