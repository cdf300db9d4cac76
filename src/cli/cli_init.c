/* Placeholder until the module behind `collab init` lands. */
#include "config.h"

#include "collab/cli.h"

int cli_init(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'init' is not available in this build yet");
    return COLLAB_EXIT_USER;
}
