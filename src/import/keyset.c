/* Open-addressing hash set of byte strings (import_internal.h); the
 * importers use it for keys seen in a file and for lookups loaded once. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "collab/util.h"
#include "import_internal.h"

struct imp_key {
    uint64_t hash;
    size_t off;         /* into the arena, plus one; 0 marks an empty slot */
    size_t len;
    long value;
};

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

static struct imp_key *find(const struct imp_keyset *ks, const char *key,
                            size_t len, uint64_t h)
{
    size_t mask = ks->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct imp_key *k = &ks->slots[i];
        if (k->off == 0)
            return k;
        if (k->hash == h && k->len == len && memcmp(ks->arena + k->off - 1, key, len) == 0)
            return k;
    }
}

static void grow(struct imp_keyset *ks)
{
    struct imp_key *old = ks->slots;
    size_t oldcap = ks->cap;
    ks->cap = oldcap ? oldcap * 2 : 1024;
    ks->slots = util_xcalloc(ks->cap, sizeof *ks->slots);
    for (size_t i = 0; i < oldcap; i++) {
        if (old[i].off == 0)
            continue;
        size_t mask = ks->cap - 1, j = old[i].hash & mask;
        while (ks->slots[j].off != 0)
            j = (j + 1) & mask;
        ks->slots[j] = old[i];
    }
    free(old);
}

int imp_keyset_put(struct imp_keyset *ks, const char *key, size_t len, long value,
                   long *old)
{
    if ((ks->n + 1) * 2 > ks->cap)
        grow(ks);
    uint64_t h = hash_bytes(key, len);
    struct imp_key *k = find(ks, key, len, h);
    if (k->off != 0) {
        if (old)
            *old = k->value;
        return 0;
    }
    if (ks->alen + len + 1 > ks->acap) {
        while (ks->alen + len + 1 > ks->acap)
            ks->acap = ks->acap ? ks->acap * 2 : 4096;
        ks->arena = util_xrealloc(ks->arena, ks->acap);
    }
    memcpy(ks->arena + ks->alen, key, len);
    k->hash = h;
    k->off = ks->alen + 1;
    k->len = len;
    k->value = value;
    ks->alen += len;
    ks->n++;
    return 1;
}

int imp_keyset_get(const struct imp_keyset *ks, const char *key, size_t len,
                   long *value)
{
    if (ks->cap == 0)
        return 0;
    const struct imp_key *k = find(ks, key, len, hash_bytes(key, len));
    if (k->off == 0)
        return 0;
    if (value)
        *value = k->value;
    return 1;
}

void imp_keyset_free(struct imp_keyset *ks)
{
    free(ks->slots);
    free(ks->arena);
    memset(ks, 0, sizeof *ks);
}
