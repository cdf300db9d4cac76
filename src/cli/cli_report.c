/* Placeholder until the module behind `collab report` lands. */
#include "config.h"

#include "collab/cli.h"

int cli_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'report' is not available in this build yet");
    return COLLAB_EXIT_USER;
}
