/* axon db — placeholder until its layer lands; fails honestly. */
#include "cmd.h"

int cmd_db(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "axon db: not implemented yet\n");
    return CMD_FAIL;
}
