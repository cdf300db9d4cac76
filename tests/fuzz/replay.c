/*
 * replay: the non-fuzzing driver of a harness, for make check. Feeds every
 * file of tests/fuzz/corpus/TARGET/ and tests/fuzz/regress/TARGET/ (or the
 * files and directories named on the command line) to LLVMFuzzerTestOneInput
 * and prints one TAP line per file; a crash or a broken promise (abort)
 * fails the test. FUZZ_TARGET names the harness at compile time.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collab/util.h"
#include "fuzz.h"
#include "../unit/tap.h"

#ifndef FUZZ_TARGET
#error "compile with -DFUZZ_TARGET='\"name\"'"
#endif

static void replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct strbuf sb = STRBUF_INIT;
    char chunk[65536];
    size_t n;
    if (!f) {
        ok(0, "%s: readable", path);
        return;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_addn(&sb, chunk, n);
    fclose(f);
    /* A copy of exactly the file's size, so ASan/valgrind see overreads. */
    uint8_t *data = util_xmalloc(sb.len ? sb.len : 1);
    if (sb.len)
        memcpy(data, sb.buf, sb.len);
    LLVMFuzzerTestOneInput(data, sb.len);
    free(data);
    sb_free(&sb);
    ok(1, "%s: %s survives", FUZZ_TARGET, path);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of a directory, in name order; a missing one is empty. */
static void replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0;
    if (!d)
        return;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || strcmp(de->d_name, "README") == 0)
            continue;
        names = util_xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = util_path_join(dir, de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode))
            replay_file(names[i]);
        free(names[i]);
    }
    free(names);
}

static void replay_path(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        replay_dir(path);
    else
        replay_file(path);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            replay_path(argv[i]);
        return tap_done();
    }
    static const char *const kinds[] = { "corpus", "regress" };
    for (size_t i = 0; i < 2; i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/tests/fuzz/%s/%s", COLLAB_SRCDIR, kinds[i],
                 FUZZ_TARGET);
        replay_dir(dir);
    }
    ok(tap_count > 0, "%s: the seed corpus is not empty", FUZZ_TARGET);
    return tap_done();
}
