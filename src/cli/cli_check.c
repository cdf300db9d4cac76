/* Placeholder until the module behind `collab check` lands. */
#include "config.h"

#include "collab/cli.h"

int cli_check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'check' is not available in this build yet");
    return COLLAB_EXIT_USER;
}
