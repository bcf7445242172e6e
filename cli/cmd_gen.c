/* axon gen — placeholder until its layer lands; fails honestly. */
#include "cmd.h"

int cmd_gen(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "axon gen: not implemented yet\n");
    return CMD_FAIL;
}
