/* Fuzz the YAML config loaders. The first byte picks the loader (indicators,
 * filters, groups, evaluation, theme); the rest is the file, written to a
 * temporary file because the loaders read paths (collab/config.h). */
#include "config.h"

#include <string.h>

#include "collab/config.h"
#include "fuzz.h"

typedef int (*cfg_loader)(const char *path, struct cfg *cfg, struct collab_err *err);

static int load_theme(const char *path, struct cfg *cfg, struct collab_err *err)
{
    struct cfg_theme theme;
    (void)cfg;
    memset(&theme, 0, sizeof theme);
    int rc = cfg_load_theme(path, &theme, err);
    cfg_theme_free(&theme);
    return rc;
}

static const cfg_loader loaders[] = {
    cfg_load_indicators, cfg_load_filters, cfg_load_groups,
    cfg_load_evaluation, load_theme,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    cfg_loader load = loaders[data[0] % (sizeof loaders / sizeof loaders[0])];
    const char *path = fuzz_temp_file(data + 1, size - 1, ".yaml");
    if (!path)
        return 0;
    struct cfg cfg;
    struct collab_err err;
    memset(&cfg, 0, sizeof cfg);
    cfg.policy.min_cohort = 6;
    cfg.policy.league_tables = 1;
    collab_err_clear(&err);
    int rc = load(path, &cfg, &err);
    FUZZ_ASSERT(rc == 0 || rc == -1, "loaders return 0 or -1");
    if (rc != 0) {
        FUZZ_ASSERT(err.set, "a refusal comes with a message");
        FUZZ_ASSERT(strncmp(err.msg, path, strlen(path)) == 0,
                    "the message names the file");
    }
    cfg_free(&cfg);
    return 0;
}
