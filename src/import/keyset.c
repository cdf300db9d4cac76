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

int imp_keyset_each(const struct imp_keyset *ks,
                    int (*fn)(const char *key, size_t len, long value, void *arg),
                    void *arg)
{
    for (size_t i = 0; i < ks->cap; i++) {
        const struct imp_key *k = &ks->slots[i];
        if (k->off == 0)
            continue;
        int rc = fn(ks->arena + k->off - 1, k->len, k->value, arg);
        if (rc != 0)
            return rc;
    }
    return 0;
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

/* A narrow slot packs a pair and its value into one word, half the memory
 * of a wide one (17 million keys of a national results file: 256 MB rather
 * than 512), while the first number, the second and the value fit; the
 * first pair that does not turns the set wide. The value (a line) is at
 * least 1, so 0 still marks an empty slot. */
#define NARROW_HI_BITS 26
#define NARROW_LO_BITS 10
#define NARROW_VALUE_BITS 28

static int fits_narrow(uint64_t key, long value)
{
    return (key >> 32) < (1u << NARROW_HI_BITS)
           && (key & 0xffffffffu) < (1u << NARROW_LO_BITS)
           && value >= 1 && value < (1L << NARROW_VALUE_BITS);
}

/* The pair of a narrow slot, as the lower bits of a word. */
static uint64_t narrow_pair(uint64_t key)
{
    return (key >> 32) << NARROW_LO_BITS | (key & 0xffffffffu);
}

/* The high half picks a random place, the low half a step from it. */
static size_t pair_home(const struct imp_pairset *ps, uint64_t key)
{
    return (size_t)(mix64(key >> 32) + (key & 0xffffffffu)) & (ps->cap - 1);
}

static size_t pair_slot(const struct imp_pairset *ps, uint64_t key)
{
    size_t mask = ps->cap - 1, i = pair_home(ps, key);
    while (ps->slots[i].key != 0 && ps->slots[i].key != key + 1)
        i = (i + 1) & mask;
    return i;
}

static size_t narrow_slot(const struct imp_pairset *ps, uint64_t key)
{
    size_t mask = ps->cap - 1, i = pair_home(ps, key);
    uint64_t pair = narrow_pair(key);
    while (ps->narrow[i] != 0 && ps->narrow[i] >> NARROW_VALUE_BITS != pair)
        i = (i + 1) & mask;
    return i;
}

static uint64_t narrow_key(uint64_t word)
{
    uint64_t pair = word >> NARROW_VALUE_BITS;
    return (pair >> NARROW_LO_BITS) << 32 | (pair & ((1u << NARROW_LO_BITS) - 1));
}

static void narrow_place(struct imp_pairset *ps, uint64_t key, long value)
{
    ps->narrow[narrow_slot(ps, key)] = narrow_pair(key) << NARROW_VALUE_BITS
                                       | (uint64_t)value;
}

static void wide_place(struct imp_pairset *ps, uint64_t key, long value)
{
    struct imp_pair *p = &ps->slots[pair_slot(ps, key)];
    p->key = key + 1;
    p->value = value;
}

/* Build the slots anew at capacity cap, from the narrow or wide slots. */
static void pair_rehash(struct imp_pairset *ps, size_t cap, int wide)
{
    struct imp_pairset old = *ps;
    ps->cap = cap;
    ps->slots = wide ? util_xcalloc(cap, sizeof *ps->slots) : NULL;
    ps->narrow = wide ? NULL : util_xcalloc(cap, sizeof *ps->narrow);
    for (size_t i = 0; i < old.cap; i++) {
        uint64_t key;
        long value;
        if (old.narrow) {
            if (old.narrow[i] == 0)
                continue;
            key = narrow_key(old.narrow[i]);
            value = (long)(old.narrow[i] & ((1ull << NARROW_VALUE_BITS) - 1));
        } else {
            if (old.slots[i].key == 0)
                continue;
            key = old.slots[i].key - 1;
            value = old.slots[i].value;
        }
        if (wide)
            wide_place(ps, key, value);
        else
            narrow_place(ps, key, value);
    }
    free(old.slots);
    free(old.narrow);
}

int imp_pairset_put(struct imp_pairset *ps, uint64_t key, long value, long *old)
{
    /* Three quarters full at most: a national results file holds 17 million
     * keys, and the step from half full doubled the peak memory of the
     * import. Probes stay within a pupil's cache lines either way. */
    int wide = ps->slots != NULL || !fits_narrow(key, value);
    if (ps->cap == 0 || (ps->n + 1) * 4 > ps->cap * 3)
        pair_rehash(ps, ps->cap ? ps->cap * 2 : 4096, wide);
    else if (wide && !ps->slots)
        pair_rehash(ps, ps->cap, 1);
    if (ps->slots) {
        struct imp_pair *p = &ps->slots[pair_slot(ps, key)];
        if (p->key != 0) {
            if (old)
                *old = p->value;
            return 0;
        }
        p->key = key + 1;
        p->value = value;
    } else {
        uint64_t *w = &ps->narrow[narrow_slot(ps, key)];
        if (*w != 0) {
            if (old)
                *old = (long)(*w & ((1ull << NARROW_VALUE_BITS) - 1));
            return 0;
        }
        *w = narrow_pair(key) << NARROW_VALUE_BITS | (uint64_t)value;
    }
    ps->n++;
    return 1;
}

void imp_pairset_free(struct imp_pairset *ps)
{
    free(ps->slots);
    free(ps->narrow);
    memset(ps, 0, sizeof *ps);
}
