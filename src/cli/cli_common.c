#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collab/cli.h"
#include "collab/config.h"
#include "collab/util.h"

static char *env_or_xdg(const char *env, const char *which, const char *leaf)
{
    const char *v = getenv(env);
    if (v && *v)
        return util_xstrdup(v);
    char *dir = util_xdg_dir(which);
    if (!dir) {
        /* no per-user place, and never a shared one in its stead */
        cli_error("HOME is not set: name the place with an option or $%s", env);
        exit(COLLAB_EXIT_USER);
    }
    if (!leaf)
        return dir;
    char *p = util_path_join(dir, leaf);
    free(dir);
    return p;
}

/* Where nothing of one's own is set up yet but `collab demo` has run, the
 * demo's: after the demo a plain `collab report overview` works. */
static char *or_demo(char *path, const char *env, const char *demo_leaf)
{
    const char *v = getenv(env);
    struct stat sb;
    if ((v && *v) || stat(path, &sb) == 0)
        return path;
    char *data = util_xdg_dir("DATA");
    char *demo = data ? util_path_join(data, "demo") : NULL;
    char *alt = demo ? util_path_join(demo, demo_leaf) : NULL;
    free(data);
    free(demo);
    if (alt && stat(alt, &sb) == 0) {
        free(path);
        return alt;
    }
    free(alt);
    return path;
}

char *cli_default_db(void)
{
    return or_demo(env_or_xdg("COLLAB_DB", "DATA", "source.db"), "COLLAB_DB", "source.db");
}

char *cli_default_data(void)
{
    return or_demo(env_or_xdg("COLLAB_DATA", "DATA", "data"), "COLLAB_DATA", "data");
}

char *cli_default_config(void)
{
    return or_demo(env_or_xdg("COLLAB_CONFIG", "CONFIG", NULL), "COLLAB_CONFIG", "config");
}

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

char *cli_sample_dir(void)
{
    const char *env = getenv("COLLAB_SAMPLE_DIR");
    if (env && *env)
        return is_dir(env) ? util_xstrdup(env) : NULL;
    const char *roots[] = { COLLAB_SRCDIR, COLLAB_PKGDATADIR };
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        char *p = util_path_join(roots[i], "sample-data");
        if (is_dir(p))
            return p;
        free(p);
    }
    return NULL;
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("collab: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_fail(const struct collab_err *err)
{
    cli_error("%s", err->set ? err->msg : "failed");
    return COLLAB_EXIT_USER;
}

int cli_usage(const char *usage)
{
    fprintf(stderr, "usage: %s\n", usage);
    return COLLAB_EXIT_USAGE;
}

const char **cli_option_slot(const struct cli_option *opts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, opts[i].name) == 0)
            return opts[i].slot;
    return NULL;
}

int cli_make_parent(const char *path, struct collab_err *err)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return 0;
    char *dir = util_xstrndup(path, (size_t)(slash - path));
    int rc = util_mkdir_p(dir, 0700);
    if (rc != 0)
        collab_err_set(err, "%s: cannot create the directory", dir);
    free(dir);
    return rc;
}

void cli_remove_store(const char *path)
{
    static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        struct strbuf p = STRBUF_INIT;
        sb_addf(&p, "%s%s", path, suffixes[i]);
        unlink(sb_str(&p));
        sb_free(&p);
    }
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    }
    return 0;
}

int cli_load_config(const char *dir, struct cfg *cfg)
{
    struct collab_err err = { .set = 0 };
    char *config = dir ? util_xstrdup(dir) : cli_default_config();
    int rc = cfg_load_dir(config, cfg, &err);
    free(config);
    return rc != 0 ? cli_fail(&err) : 0;
}

int cli_valid_date(const char *s)
{
    static const char shape[] = "dddd-dd-dd";
    if (strlen(s) != sizeof shape - 1)
        return 0;
    for (size_t i = 0; shape[i]; i++)
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return 0;
    return 1;
}
