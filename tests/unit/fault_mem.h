/*
 * fault_mem: test-only SQLite allocator hooks (SQLITE_CONFIG_MALLOC) that
 * fail the Nth allocation or reallocation SQLite asks for, as a process out
 * of memory would see it. fault_mem_install() must run before
 * sqlite3_initialize(); it also turns lookaside off, whose slots would hide
 * allocations from the hooks. Counting starts when armed.
 */
#ifndef COLLAB_FAULT_MEM_H
#define COLLAB_FAULT_MEM_H

void fault_mem_install(void);
/* Fail the nth (1-based) allocation from now on; n = 0 disarms. */
void fault_mem_arm(long n);
/* Allocations seen since arming (arm with a huge n to count them). */
long fault_mem_calls(void);
/* Non-zero once the armed failure fired. */
int fault_mem_fired(void);

#endif
