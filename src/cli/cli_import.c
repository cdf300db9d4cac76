/* Placeholder until the module behind `collab import` lands. */
#include "config.h"

#include "collab/cli.h"

int cli_import(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'import' is not available in this build yet");
    return COLLAB_EXIT_USER;
}
