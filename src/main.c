/*
 * collab: compare school performance across a Collaborate group.
 * main() only finds the subcommand and hands over to it.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "collab/cli.h"

struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct subcommand subcommands[] = {
    { "init",      cli_init,      "create an empty source store" },
    { "import",    cli_import,    "import a CSV file into the source store" },
    { "check",     cli_check,     "validate a config directory" },
    { "gen",       cli_gen,       "generate a deterministic sample data set" },
    { "publish",   cli_publish,   "derive group and school stores from the source store" },
    { "report",    cli_report,    "print any view as a table, CSV or JSON" },
    { "demo",      cli_demo,      "build the sample stores and open them" },
    { "audit",     cli_audit,     "list pupil-level views, exports and refusals" },
    { "agreement", cli_agreement, "print a group's data-sharing agreement for its schools" },
    { "eval",      cli_eval,      "enter, import and show partnership self-evaluation scores" },
    { "tui",       cli_tui,       "open the terminal interface (the default)" },
};

static void usage(FILE *fp)
{
    fputs("usage: collab [SUBCOMMAND] [OPTIONS]\n\n"
          "With no subcommand collab opens the terminal interface.\n\n"
          "Subcommands:\n", fp);
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        fprintf(fp, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
    fputs("\nRun `collab SUBCOMMAND --help` for its options.\n"
          "Environment: COLLAB_DB (source store), COLLAB_DATA (published stores),\n"
          "COLLAB_CONFIG (config directory).\n", fp);
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            usage(stdout);
            return COLLAB_EXIT_OK;
        }
        if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
            printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
            return COLLAB_EXIT_OK;
        }
        return cli_tui(argc, argv);
    }
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "collab: unknown subcommand '%s'\n", argv[1]);
    usage(stderr);
    return COLLAB_EXIT_USAGE;
}
