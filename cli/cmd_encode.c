/* axon encode — placeholder until its layer lands; fails honestly. */
#include "cmd.h"

int cmd_encode(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "axon encode: not implemented yet\n");
    return CMD_FAIL;
}
