/* The temporary file the path-based loaders read (see fuzz.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char temp_path[256];

static void remove_temp(void)
{
    if (temp_path[0])
        unlink(temp_path);
}

const char *fuzz_temp_file(const uint8_t *data, size_t size, const char *suffix)
{
    if (!temp_path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(temp_path, sizeof temp_path, "%s/collab-fuzz-%ld%s",
                 dir && *dir ? dir : "/tmp", (long)getpid(), suffix);
        atexit(remove_temp);
    }
    FILE *f = fopen(temp_path, "wb");
    if (!f)
        return NULL;
    size_t w = size ? fwrite(data, 1, size, f) : 0;
    if (fclose(f) != 0 || w != size)
        return NULL;
    return temp_path;
}
