/* `collab init [--db FILE]`: an empty source store, mode 0600, in
 * directories created 0700. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collab/cli.h"
#include "collab/store.h"
#include "collab/util.h"


static const char usage[] = "collab init [--db FILE]";

static int create(const char *path)
{
    struct collab_err err;
    struct stat sb;
    collab_err_clear(&err);
    if (stat(path, &sb) == 0) {
        cli_error("%s: already exists", path);
        return COLLAB_EXIT_USER;
    }
    if (cli_make_parent(path, &err) != 0)
        return cli_fail(&err);
    sqlite3 *db = store_create(path, STORE_SOURCE, &err);
    if (!db)
        return cli_fail(&err);
    store_close(db);
    printf("created source store %s\n", path);
    return COLLAB_EXIT_OK;
}

/* [--db FILE] and nothing else; NULL db means the default. */
static int parse_args(int argc, char **argv, const char **db)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            *db = argv[++i];
        else if (strncmp(argv[i], "--db=", 5) == 0)
            *db = argv[i] + 5;
        else
            return -1;
    }
    return 0;
}

int cli_init(int argc, char **argv)
{
    const char *db = NULL;
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n", usage);
        return COLLAB_EXIT_OK;
    }
    if (parse_args(argc, argv, &db) != 0)
        return cli_usage(usage);
    char *def = db ? NULL : cli_default_db();
    int rc = create(db ? db : def);
    free(def);
    return rc;
}
