/* Placeholder until the module behind `collab demo` lands. */
#include "config.h"

#include "collab/cli.h"

int cli_demo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'demo' is not available in this build yet");
    return COLLAB_EXIT_USER;
}
