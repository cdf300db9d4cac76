/* Placeholder until the module behind `collab audit` lands. */
#include "config.h"

#include "collab/cli.h"

int cli_audit(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("'audit' is not available in this build yet");
    return COLLAB_EXIT_USER;
}
