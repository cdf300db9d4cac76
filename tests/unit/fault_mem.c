/* The allocator hooks of fault_mem.h: every method forwards to SQLite's own,
 * except that xMalloc and xRealloc count and fail once when armed. */
#include "config.h"

#include <sqlite3.h>
#include <stddef.h>

#include "fault_mem.h"

static sqlite3_mem_methods real_mem;
static long fail_at, count;
static int fired;

void fault_mem_arm(long n)
{
    fail_at = n;
    count = 0;
    fired = 0;
}

int fault_mem_fired(void) { return fired; }
long fault_mem_calls(void) { return count; }

static int trip(void)
{
    if (fail_at > 0 && ++count == fail_at) {
        fired = 1;
        return 1;
    }
    return 0;
}

static void *m_malloc(int n) { return trip() ? NULL : real_mem.xMalloc(n); }
static void *m_realloc(void *p, int n) { return trip() ? NULL : real_mem.xRealloc(p, n); }
static void m_free(void *p) { real_mem.xFree(p); }
static int m_size(void *p) { return real_mem.xSize(p); }
static int m_roundup(int n) { return real_mem.xRoundup(n); }
static int m_init(void *a) { return real_mem.xInit(a); }
static void m_shutdown(void *a) { real_mem.xShutdown(a); }

void fault_mem_install(void)
{
    static sqlite3_mem_methods hooks;
    sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem);
    hooks = real_mem;
    hooks.xMalloc = m_malloc;
    hooks.xRealloc = m_realloc;
    hooks.xFree = m_free;
    hooks.xSize = m_size;
    hooks.xRoundup = m_roundup;
    hooks.xInit = m_init;
    hooks.xShutdown = m_shutdown;
    sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0);
    sqlite3_config(SQLITE_CONFIG_MALLOC, &hooks);
}
