/* Placeholder until the module behind `collab tui` lands. */
#include "config.h"

#include "collab/cli.h"

int cli_tui(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'tui' is not available in this build yet");
    return COLLAB_EXIT_USER;
}
