/*
 * fuzz.h: what the libFuzzer harnesses share. Each harness defines
 * LLVMFuzzerTestOneInput; tests/fuzz/run.sh links it with libFuzzer (clang
 * -fsanitize=fuzzer) and tests/fuzz/replay.c links it with a main() that
 * feeds it the seed corpus and the regression files under make check.
 *
 * A harness aborts (FUZZ_ASSERT) when collab breaks a promise its headers
 * make, so the fuzzer reports more than memory errors.
 */
#ifndef COLLAB_FUZZ_H
#define COLLAB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond, what) do { \
    if (!(cond)) { \
        fprintf(stderr, "fuzz: broken promise: %s (%s:%d)\n", what, __FILE__, __LINE__); \
        abort(); \
    } \
} while (0)

/* Write data to a private temporary file whose path (owned by the harness,
 * reused for every input) is returned; NULL if the file cannot be written. */
const char *fuzz_temp_file(const uint8_t *data, size_t size, const char *suffix);

#endif
