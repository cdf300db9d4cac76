/* The cells hidden in any group store, of the schools in more than one
 * (publish_internal.h). A reader who may open two stores that hold the same
 * school subtracts a cell published in one from nothing: it must be hidden
 * in both. Entries are kept per school block (URN, table, year, key stage or
 * subject) as a sorted array, so a group looks up one array per shared
 * school and block, and pays nothing for the schools it holds alone. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collab/util.h"
#include "publish_internal.h"

struct shared_block {
    long urn;
    int pass;
    int year;
    char *key;
    uint64_t *e;
    size_t n;
};

struct pub_shared {
    long *urns;                 /* ascending */
    unsigned long *changed;     /* per urn: the stamp of its last new entry */
    size_t nurns;
    struct shared_block **slots;    /* open addressing, NULL = empty */
    size_t nslots, nblocks;
    unsigned long stamp;
};

static uint64_t block_hash(long urn, int pass, int year, const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    long parts[3] = { urn, pass, year };
    for (int i = 0; i < 3; i++)
        for (int b = 0; b < 8; b++) {
            h ^= (uint64_t)(((unsigned long)parts[i] >> (8 * b)) & 0xff);
            h *= 1099511628211ULL;
        }
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h;
}

static size_t urn_index(const struct pub_shared *s, long urn)
{
    size_t lo = 0, hi = s->nurns;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->urns[mid] < urn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->nurns && s->urns[lo] == urn ? lo : SIZE_MAX;
}

struct pub_shared *pub_shared_new(const long *urns, size_t n)
{
    struct pub_shared *s = util_xcalloc(1, sizeof *s);
    s->urns = util_xcalloc(n + 1, sizeof *s->urns);
    s->changed = util_xcalloc(n + 1, sizeof *s->changed);
    memcpy(s->urns, urns, n * sizeof *urns);
    s->nurns = n;
    s->nslots = 64;
    s->slots = util_xcalloc(s->nslots, sizeof *s->slots);
    return s;
}

void pub_shared_free(struct pub_shared *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nslots; i++)
        if (s->slots[i]) {
            free(s->slots[i]->key);
            free(s->slots[i]->e);
            free(s->slots[i]);
        }
    free(s->slots);
    free(s->urns);
    free(s->changed);
    free(s);
}

int pub_shared_has(const struct pub_shared *s, long urn)
{
    return s && urn_index(s, urn) != SIZE_MAX;
}

static struct shared_block **slot_of(const struct pub_shared *s, long urn, int pass,
                                     int year, const char *key)
{
    size_t mask = s->nslots - 1, i = (size_t)block_hash(urn, pass, year, key) & mask;
    for (;; i = (i + 1) & mask) {
        struct shared_block *b = s->slots[i];
        if (!b || (b->urn == urn && b->pass == pass && b->year == year &&
                   strcmp(b->key, key) == 0))
            return &s->slots[i];
    }
}

static void grow(struct pub_shared *s)
{
    struct shared_block **old = s->slots;
    size_t nold = s->nslots;
    s->nslots *= 2;
    s->slots = util_xcalloc(s->nslots, sizeof *s->slots);
    for (size_t i = 0; i < nold; i++)
        if (old[i])
            *slot_of(s, old[i]->urn, old[i]->pass, old[i]->year, old[i]->key) = old[i];
    free(old);
}

const uint64_t *pub_shared_get(const struct pub_shared *s, long urn, int pass, int year,
                               const char *key, size_t *n)
{
    struct shared_block *b = s ? *slot_of(s, urn, pass, year, key) : NULL;
    *n = b ? b->n : 0;
    return b ? b->e : NULL;
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Merge the sorted, unique add[0..nadd) into b; the number that were new. */
static size_t merge(struct shared_block *b, const uint64_t *add, size_t nadd)
{
    uint64_t *out = util_xcalloc(b->n + nadd + 1, sizeof *out);
    size_t i = 0, j = 0, k = 0, fresh = 0;
    while (i < b->n || j < nadd) {
        if (j == nadd || (i < b->n && b->e[i] < add[j])) {
            out[k++] = b->e[i++];
        } else {
            if (i < b->n && b->e[i] == add[j])
                i++;
            else
                fresh++;
            out[k++] = add[j++];
        }
    }
    free(b->e);
    b->e = out;
    b->n = k;
    return fresh;
}

size_t pub_shared_add(struct pub_shared *s, long urn, int pass, int year, const char *key,
                      uint64_t *e, size_t n)
{
    size_t u = urn_index(s, urn), m = 0;
    if (u == SIZE_MAX || n == 0)
        return 0;
    qsort(e, n, sizeof *e, by_value);
    for (size_t i = 0; i < n; i++)
        if (m == 0 || e[i] != e[m - 1])
            e[m++] = e[i];
    struct shared_block **slot = slot_of(s, urn, pass, year, key);
    if (!*slot) {
        if (2 * (s->nblocks + 1) > s->nslots) {
            grow(s);
            slot = slot_of(s, urn, pass, year, key);
        }
        *slot = util_xcalloc(1, sizeof **slot);
        **slot = (struct shared_block){ urn, pass, year, util_xstrdup(key), NULL, 0 };
        s->nblocks++;
    }
    size_t fresh = merge(*slot, e, m);
    if (fresh)
        s->changed[u] = ++s->stamp;
    return fresh;
}

unsigned long pub_shared_stamp(const struct pub_shared *s)
{
    return s ? s->stamp : 0;
}

int pub_shared_changed_since(const struct pub_shared *s, long urn, unsigned long stamp)
{
    size_t u = s ? urn_index(s, urn) : SIZE_MAX;
    return u != SIZE_MAX && s->changed[u] > stamp;
}
