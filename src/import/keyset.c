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

/* splitmix64's finaliser: neighbouring integers land far apart. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* The high half picks a random place, the low half a step from it. */
static size_t pair_slot(const struct imp_pairset *ps, uint64_t key)
{
    size_t mask = ps->cap - 1;
    size_t i = (size_t)(mix64(key >> 32) + (key & 0xffffffffu)) & mask;
    while (ps->slots[i].key != 0 && ps->slots[i].key != key + 1)
        i = (i + 1) & mask;
    return i;
}

static void pair_grow(struct imp_pairset *ps)
{
    struct imp_pairset old = *ps;
    ps->cap = old.cap ? old.cap * 2 : 4096;
    ps->slots = util_xcalloc(ps->cap, sizeof *ps->slots);
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].key != 0)
            ps->slots[pair_slot(ps, old.slots[i].key - 1)] = old.slots[i];
    free(old.slots);
}

int imp_pairset_put(struct imp_pairset *ps, uint64_t key, long value, long *old)
{
    /* Three quarters full at most: a national results file holds 17 million
     * keys, and the step from half full doubled the peak memory of the
     * import. Probes stay within a pupil's cache lines either way. */
    if ((ps->n + 1) * 4 > ps->cap * 3)
        pair_grow(ps);
    struct imp_pair *p = &ps->slots[pair_slot(ps, key)];
    if (p->key != 0) {
        if (old)
            *old = p->value;
        return 0;
    }
    p->key = key + 1;
    p->value = value;
    ps->n++;
    return 1;
}

void imp_pairset_free(struct imp_pairset *ps)
{
    free(ps->slots);
    memset(ps, 0, sizeof *ps);
}
