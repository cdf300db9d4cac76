/* Placeholder until the module behind `collab publish` lands. */
#include "config.h"

#include "collab/cli.h"

int cli_publish(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'publish' is not available in this build yet");
    return COLLAB_EXIT_USER;
}
