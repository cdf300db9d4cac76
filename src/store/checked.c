/* The quick_check cache: which file versions this user has already seen pass
 * PRAGMA quick_check, so that a store is checked once per version rather
 * than on every open (90 ms at 200 schools, 1.5 s at national scale).
 *
 * A version is the file's identity: device, inode, size, mtime and ctime.
 * Publish replaces a store by rename, so a new version has a new inode;
 * writing in place changes mtime and ctime (ctime cannot be set back by a
 * user), so a modified or corrupted file never matches. A copy is a new
 * inode. The record is personal ($XDG_CACHE_HOME/collab/checked/, 0700 /
 * 0600, one small file per store path, replaced when the store changes), never
 * in a shared directory: a cache another user could write would let them
 * skip the check for us, so a directory not owned by us or writable by
 * others is not used.
 *
 * Two cases are never recorded, so they are checked on every open: a store
 * with a -wal or -journal beside it (its content is not the main file's
 * alone), and a file changed less than RACY_SECONDS before the check began
 * (a write in the same timestamp tick after our stat would leave mtime and
 * ctime as we saw them; the margin covers coarse file-system clocks).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "collab/util.h"
#include "store_internal.h"

#define RACY_SECONDS 2
#define ENTRY_MAX (PATH_MAX + 256)

/* $XDG_CACHE_HOME/collab/checked (or ~/.cache/...), made 0700 when missing;
 * -1 when there is no personal cache directory we can trust. */
static int cache_dir(char *buf, size_t size, int make)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(buf, size, "%s/collab/checked", xdg);
    else if (home && home[0] == '/')
        n = snprintf(buf, size, "%s/.cache/collab/checked", home);
    else
        return -1;      /* never a shared fallback such as /tmp */
    if (n < 0 || (size_t)n >= size)
        return -1;
    struct stat sb;
    if (make && lstat(buf, &sb) != 0 && util_mkdir_p(buf, 0700) != 0)
        return -1;
    /* Ours alone, and so is its parent (collab/): nobody else may plant or
     * swap entries. */
    for (int level = 0; level < 2; level++) {
        char *slash = level ? strrchr(buf, '/') : NULL;
        if (slash)
            *slash = '\0';
        int bad = lstat(buf, &sb) != 0 || !S_ISDIR(sb.st_mode) ||
                  sb.st_uid != geteuid() || (sb.st_mode & 022);
        if (slash)
            *slash = '/';
        if (bad)
            return -1;
    }
    return 0;
}

/* The entry file of a store: FNV-1a of its absolute path, in hex. */
static int entry_path(const char *dir, const char *abs, char *buf, size_t size)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (const unsigned char *p = (const unsigned char *)abs; *p; p++)
        h = (h ^ *p) * 0x100000001b3u;
    int n = snprintf(buf, size, "%s/%016llx", dir, (unsigned long long)h);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* What an entry holds for this version of the file: the identity, the SQLite
 * that checked it and the path (so a hash collision is only a miss). */
static int entry_text(const char *abs, const struct stat *sb, char *buf, size_t size)
{
    int n = snprintf(buf, size, "collab quick_check ok, sqlite %d\n"
                     "%llu %llu %lld %lld.%09ld %lld.%09ld\n%s\n",
                     sqlite3_libversion_number(), (unsigned long long)sb->st_dev,
                     (unsigned long long)sb->st_ino, (long long)sb->st_size,
                     (long long)sb->st_mtim.tv_sec, (long)sb->st_mtim.tv_nsec,
                     (long long)sb->st_ctim.tv_sec, (long)sb->st_ctim.tv_nsec, abs);
    return n < 0 || (size_t)n >= size ? -1 : n;
}

static int has_sidecar(const char *path)
{
    static const char *const suffixes[] = { "-wal", "-journal" };
    char side[PATH_MAX];
    struct stat sb;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        int n = snprintf(side, sizeof side, "%s%s", path, suffixes[i]);
        if (n < 0 || (size_t)n >= sizeof side || lstat(side, &sb) == 0)
            return 1;
    }
    return 0;
}

int store_same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* The entry's path and expected text for path as sb describes it. */
static int entry_for(const char *path, const struct stat *sb, int make, char *file,
                     size_t file_size, char *text, size_t text_size)
{
    char dir[PATH_MAX], abs[PATH_MAX];
    if (!realpath(path, abs) || cache_dir(dir, sizeof dir, make) != 0 ||
        entry_path(dir, abs, file, file_size) != 0)
        return -1;
    return entry_text(abs, sb, text, text_size);
}

/* Owned by owner (or root) and writable by no one else. */
static int only_owner_writes(const struct stat *sb, uid_t owner)
{
    return (sb->st_uid == owner || sb->st_uid == 0) && !(sb->st_mode & 022);
}

/* Whether the entry at file holds exactly want (n bytes, n >= 0). With
 * owner other than (uid_t)-1, also only a regular file that no one but
 * owner (or root) may write counts. */
static int entry_holds(const char *file, const char *want, int n, uid_t owner)
{
    char got[ENTRY_MAX];
    struct stat f;
    int fd = n < 0 ? -1 : open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return 0;
    int ok = owner == (uid_t)-1 ||
             (fstat(fd, &f) == 0 && S_ISREG(f.st_mode) && only_owner_writes(&f, owner));
    ssize_t len = ok ? read(fd, got, sizeof got) : -1;
    close(fd);
    return len == n && memcmp(got, want, (size_t)n) == 0;
}

int store_checked_before(const char *path, const struct stat *sb)
{
    char file[PATH_MAX], want[ENTRY_MAX];
    int n = entry_for(path, sb, 0, file, sizeof file, want, sizeof want);
    return !has_sidecar(path) && entry_holds(file, want, n, (uid_t)-1);
}

void store_checked_record(const char *path, const struct stat *sb,
                          const struct timespec *started)
{
    struct stat now;
    char file[PATH_MAX], tmp[PATH_MAX + 32], text[ENTRY_MAX];
    if (sb->st_ctim.tv_sec + RACY_SECONDS > started->tv_sec ||
        sb->st_mtim.tv_sec + RACY_SECONDS > started->tv_sec)
        return;
    if (stat(path, &now) != 0 || !store_same_file(sb, &now) || has_sidecar(path))
        return;
    int n = entry_for(path, sb, 1, file, sizeof file, text, sizeof text);
    if (n < 0 || snprintf(tmp, sizeof tmp, "%s.%ld.tmp", file, (long)getpid()) < 0)
        return;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    int ok = write(fd, text, (size_t)n) == n;
    close(fd);
    /* rename: a reader sees the old entry or the new one, never half. */
    if (!ok || rename(tmp, file) != 0)
        unlink(tmp);
}

/* ---- the publisher's record ----
 *
 * Publish checks every store it writes and records the version beside it,
 * in DIR/.checked/NAME.ok (store.h, store_record_checked), readable by
 * whoever may read the store (its group and mode), so that no reader
 * pays the first check (5.5 s at national scale) and readers without a
 * personal cache directory (cron, no HOME) pay none either. A reader
 * trusts the record only where no one but the store's owner could have
 * written the store or the record: the store, the record and its
 * directory are owned by the store's owner (or root) and writable by no
 * group and no one else. The identity is the same as in the personal
 * record, so a store changed after publish never matches. */

#define PUBLISHED_DIR ".checked"

/* DIR/.checked and DIR/.checked/NAME.ok for the store at path. */
static int published_paths(const char *path, char *dir, size_t dsize, char *file,
                           size_t fsize)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    int n = slash ? snprintf(dir, dsize, "%.*s/" PUBLISHED_DIR, (int)(slash - path), path)
                  : snprintf(dir, dsize, PUBLISHED_DIR);
    if (n < 0 || (size_t)n >= dsize)
        return -1;
    n = snprintf(file, fsize, "%s/%s.ok", dir, name);
    return n < 0 || (size_t)n >= fsize ? -1 : 0;
}

int store_checked_published(const char *path, const struct stat *sb)
{
    char dir[PATH_MAX], file[PATH_MAX], abs[PATH_MAX], want[ENTRY_MAX];
    struct stat d;
    if (sb->st_mode & 022 || has_sidecar(path) || !realpath(path, abs) ||
        published_paths(path, dir, sizeof dir, file, sizeof file) != 0)
        return 0;
    if (lstat(dir, &d) != 0 || !S_ISDIR(d.st_mode) || !only_owner_writes(&d, sb->st_uid))
        return 0;
    return entry_holds(file, want, entry_text(abs, sb, want, sizeof want), sb->st_uid);
}

int store_published_record(const char *path, const struct stat *sb, struct collab_err *err)
{
    char dir[PATH_MAX], file[PATH_MAX], abs[PATH_MAX], text[ENTRY_MAX];
    struct stat d;
    if (!realpath(path, abs) || published_paths(path, dir, sizeof dir, file, sizeof file) != 0)
        return collab_err_set(err, "%s: cannot name its record: %s", path, strerror(errno));
    if (mkdir(dir, 0711) != 0 && errno != EEXIST)
        return collab_err_set(err, "%s: cannot create: %s", dir, strerror(errno));
    if (lstat(dir, &d) != 0 || !S_ISDIR(d.st_mode) || d.st_uid != geteuid() ||
        (d.st_mode & 022))
        return collab_err_set(err, "%s: not a directory of ours that only we may write",
                              dir);
    int n = entry_text(abs, sb, text, sizeof text);
    char *tmp = NULL;
    int fd = n < 0 ? -1 : util_safe_create(file, 0600, &tmp);
    if (fd < 0)
        return collab_err_set(err, "%s: cannot create: %s", file, strerror(errno));
    /* the store's readers, no one else; where its group cannot be given,
     * the publisher's alone (and its readers check it themselves) */
    if (fchown(fd, (uid_t)-1, sb->st_gid) == 0)
        fchmod(fd, sb->st_mode & 0640);
    int ok = write(fd, text, (size_t)n) == n;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        unlink(tmp);
        free(tmp);
        return collab_err_set(err, "%s: cannot write", file);
    }
    ok = util_safe_commit(tmp, file) == 0;
    free(tmp);
    return ok ? 0 : collab_err_set(err, "%s: cannot write: %s", file, strerror(errno));
}
