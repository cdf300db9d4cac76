/* Placeholder until the module behind `collab gen` lands. */
#include "config.h"

#include "collab/cli.h"

int cli_gen(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'gen' is not available in this build yet");
    return COLLAB_EXIT_USER;
}
