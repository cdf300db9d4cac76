/*
 * actions: the one table of user actions. The key map (keys.c), the `?`
 * help screen (help.c), the `:` command names (prompt.c) and docs/KEYS.md
 * (ui_write_keys_markdown) are all made from ui_actions[], so they cannot
 * drift apart.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui_internal.h"

const struct ui_action_def ui_actions[ACT_COUNT] = {
    [ACT_NONE] = { "", "", "" },
#define UI_ACTION_DEF(id, n, k, h) [ACT_##id] = { .name = n, .keys = k, .help = h },
    UI_ACTION_LIST(UI_ACTION_DEF)
#undef UI_ACTION_DEF
};

int ui_action_lookup(const struct cfg *cfg, const char *name)
{
    for (int a = 1; a < ACT_COUNT; a++)
        if (strcmp(ui_actions[a].name, name) == 0)
            return a;
    if (cfg && strncmp(name, "filter-", 7) == 0)
        for (size_t d = 0; d < cfg->nfilters && d < MODEL_MAX_DIMS; d++)
            if (strcmp(cfg->filters[d].id, name + 7) == 0)
                return ACT_FILTER + (int)d;
    return ACT_NONE;
}

void ui_action_describe(const struct cfg *cfg, int action, char *name, size_t nsize,
                        char *help, size_t hsize)
{
    if (action >= ACT_FILTER) {
        const struct cfg_filter *f = &cfg->filters[action - ACT_FILTER];
        snprintf(name, nsize, "filter-%s", f->id);
        snprintf(help, hsize, "filter %s: all, then each value, then all", f->label);
        return;
    }
    snprintf(name, nsize, "%s", ui_actions[action].name);
    snprintf(help, hsize, "%s", ui_actions[action].help);
}

static void markdown_row(FILE *fp, const char *keys, const char *name, const char *help)
{
    fputs("| ", fp);
    /* '|' inside a table cell must be escaped to stay one cell. */
    for (const char *k = keys; *k; k++)
        fputs(*k == '|' ? "\\|" : (char[2]){ *k, 0 }, fp);
    fprintf(fp, " | `%s` | %s |\n", name, help);
}

void ui_write_keys_markdown(FILE *fp, const struct cfg *cfg)
{
    fputs("# collab keys\n\n"
          "Generated from the action table (src/ui/ui_internal.h) by\n"
          "`collab tui --keys-markdown`; do not edit by hand.\n\n"
          "Every action can be rebound in `$XDG_CONFIG_HOME/collab/keys.yaml`:\n\n"
          "```yaml\n"
          "bindings:\n"
          "  quit: Q\n"
          "  move-down: \"j <Down> <C-n>\"\n"
          "```\n\n"
          "Key names: a character, or `<Enter> <Esc> <Tab> <BTab> <Up> <Down>\n"
          "<Left> <Right> <PgUp> <PgDn> <Home> <End> <Backspace> <Del> <Space>\n"
          "<lt> <F1>`..`<F12>` and `<C-x>` for Ctrl-x. Every action name is also a\n"
          "`:` command. Commands with arguments: `:group ID`, `:user ID` (an\n"
          "administrator sees the tool as that user: the demo's, as a school leader),\n"
          "`:year Y`,\n"
          "`:export FILE`, `:theme NAME`, `:filter DIM=VALUE`, `:where COL OP VALUE`\n"
          "(the Pupils pane: keep the pupils that meet it, e.g. `:where p8 < -1`,\n"
          "`:where flags has FSM6`; OP one of `< <= > >= = != has`; `:where` alone\n"
          "lists every pupil again; `report --where` is the same), `:quit`.\n\n"
          "| keys | action | what it does |\n|---|---|---|\n", fp);
    for (int a = 1; a < ACT_COUNT; a++) {
        char keys[128] = "";
        const char *s = ui_actions[a].keys;
        int key;
        while (ui_key_next(&s, &key) > 0) {
            char name[32];
            ui_key_name(key, name, sizeof name);
            if (keys[0])
                strncat(keys, " ", sizeof keys - strlen(keys) - 1);
            strncat(keys, "`", sizeof keys - strlen(keys) - 1);
            strncat(keys, name, sizeof keys - strlen(keys) - 1);
            strncat(keys, "`", sizeof keys - strlen(keys) - 1);
        }
        markdown_row(fp, keys, ui_actions[a].name, ui_actions[a].help);
    }
    if (cfg && cfg->nfilters) {
        for (size_t d = 0; d < cfg->nfilters && d < MODEL_MAX_DIMS; d++) {
            char name[64], help[256], keys[32];
            ui_action_describe(cfg, ACT_FILTER + (int)d, name, sizeof name, help, sizeof help);
            snprintf(keys, sizeof keys, "`%s`", cfg->filters[d].key);
            markdown_row(fp, keys, name, help);
        }
    } else {
        markdown_row(fp, "the filter's `key`", "filter-ID",
                     "one action per dimension of filters.yaml: all, then each value, then all");
    }
}
