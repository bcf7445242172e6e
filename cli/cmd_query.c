/* axon query — placeholder until its layer lands; fails honestly. */
#include "cmd.h"

int cmd_query(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "axon query: not implemented yet\n");
    return CMD_FAIL;
}
