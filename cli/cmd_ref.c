/* axon ref — placeholder until its layer lands; fails honestly. */
#include "cmd.h"

int cmd_ref(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "axon ref: not implemented yet\n");
    return CMD_FAIL;
}
