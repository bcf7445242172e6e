/* axon map — placeholder until its layer lands; fails honestly. */
#include "cmd.h"

int cmd_map(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "axon map: not implemented yet\n");
    return CMD_FAIL;
}
