/* axon run — placeholder until its layer lands; fails honestly. */
#include "cmd.h"

int cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "axon run: not implemented yet\n");
    return CMD_FAIL;
}
