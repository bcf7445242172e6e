/* axon plot --raster — waits for spike/ and traces/ to land; fails honestly. */
#include "cmd.h"
#include "cmd_plot_gp.h"

int cmd_plot_raster(int argc, char **argv)
{
    (void)argc, (void)argv;
    fprintf(stderr, "axon plot: --raster is not implemented yet\n");
    return CMD_FAIL;
}
