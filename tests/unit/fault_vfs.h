/*
 * fault_vfs: a test-only SQLite VFS that wraps the default one (unix) and
 * fails the Nth write or sync with SQLITE_IOERR_WRITE / SQLITE_IOERR_FSYNC,
 * as a full disk or a failing device would. Registered as the default VFS
 * by fault_vfs_install(); counting starts when armed.
 */
#ifndef COLLAB_FAULT_VFS_H
#define COLLAB_FAULT_VFS_H

enum fault_op { FAULT_WRITE, FAULT_SYNC };

/* Register the wrapper as the default VFS. 0 or an SQLite error code. */
int fault_vfs_install(void);
/* Fail the nth (1-based) call of op from now on; n = 0 disarms. */
void fault_vfs_arm(enum fault_op op, long n);
/* Calls of the armed op seen since arming; non-zero once the failure fired. */
long fault_vfs_calls(void);
int fault_vfs_fired(void);

#endif
