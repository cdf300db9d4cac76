#!/bin/sh
# Crash safety (issue 9): SIGKILL collab at random, seeded moments during a
# large import (and a publish), many times. Each time the store must pass
# PRAGMA integrity_check and hold exactly the state before or after the
# operation, never one in between. CRASH_SEED and CRASH_RUNS vary the run.
. "$top_srcdir/tests/lib.sh"

seed=${CRASH_SEED:-9}
runs=${CRASH_RUNS:-20}
diag "seed $seed, $runs kills per operation"

"$COLLAB" gen --out "$T/gen" --scale group --quiet || fail "collab gen --scale group"
BASE="$T/base.db"
for k in schools pupils estimates attendance national; do
    "$COLLAB" import --db "$BASE" "$k" "$T/gen/$k.csv" > /dev/null || fail "setup: import $k"
done

# What the results import changes: the results, the measures derived from
# them in the same transaction and the import log.
digest() {
    sqlite "$1" "SELECT count(*), total(points) FROM result;
                 SELECT count(*), total(att8), total(p8) FROM pupil_ks4;
                 SELECT count(*) FROM import_log;
                 SELECT pupil, subject, grade, points FROM result ORDER BY pupil, subject;" | sha256sum
}
now_ms() { date +%s%N | cut -c1-13; }

before=$(digest "$BASE")
cp "$BASE" "$T/after.db"
t0=$(now_ms)
"$COLLAB" import --db "$T/after.db" results "$T/gen/results.csv" > /dev/null || fail "setup: import results"
span=$(( $(now_ms) - t0 ))
after=$(digest "$T/after.db")
ok "$([ "$before" != "$after" ]; echo $?)" "the import changes the digest (so the test can tell)"
diag "a full results import takes ${span} ms"

# delay_ms RUN: a seeded moment in [0, 1.2 * span] ms.
delay_ms() { awk -v s="$seed" -v r="$1" -v span="$span" 'BEGIN { srand(s * 1000 + r); printf "%d", rand() * span * 1.2 }'; }
sleep_ms() { sleep "$(awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }')"; }

n_before=0 n_after=0 n_between=0 n_bad=0
i=1
while [ "$i" -le "$runs" ]; do
    rm -f "$T/work.db" "$T/work.db-wal" "$T/work.db-shm"
    cp "$BASE" "$T/work.db"
    "$COLLAB" import --db "$T/work.db" results "$T/gen/results.csv" > /dev/null 2>&1 &
    pid=$!
    sleep_ms "$(delay_ms "$i")"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    check=$(sqlite "$T/work.db" "PRAGMA integrity_check")
    [ "$check" = ok ] || { n_bad=$((n_bad + 1)); diag "run $i: integrity_check: $check"; }
    d=$(digest "$T/work.db")
    if [ "$d" = "$before" ]; then n_before=$((n_before + 1));
    elif [ "$d" = "$after" ]; then n_after=$((n_after + 1));
    else n_between=$((n_between + 1)); diag "run $i: the store is neither before nor after"; fi
    i=$((i + 1))
done
diag "import: $n_before killed before commit, $n_after after"
is "$n_bad" 0 "import: integrity_check ok after every kill"
is "$n_between" 0 "import: the store is always exactly before or after, never between"
is "$((n_before + n_after))" "$runs" "import: every run accounted for"

# Kills held mid-work (held_kill, tests/lib.sh) land before the commit however
# busy the machine, where the random ones may all land after it.
for at in 1 4; do
    rm -f "$T/work.db" "$T/work.db-wal" "$T/work.db-shm"
    cp "$BASE" "$T/work.db"
    held_kill "$at" "$COLLAB" import --db "$T/work.db" results "$T/gen/results.csv"
    ok $? "import: killed mid-import at progress report $at"
    is "$(sqlite "$T/work.db" "PRAGMA integrity_check")" ok "import: integrity_check ok after it"
    is "$(digest "$T/work.db")" "$before" "import: the store is exactly as before it"
done

# The last killed store is usable: the same import then gives the after
# rows (the import log, one row per import, is left out of this comparison).
rows() { sqlite "$1" "SELECT pupil, subject, grade, points FROM result ORDER BY pupil, subject;
                      SELECT * FROM pupil_ks4 ORDER BY pupil" | sha256sum; }
run "$COLLAB" import --db "$T/work.db" results "$T/gen/results.csv"
is "$rc" 0 "import after a kill succeeds"
is "$(rows "$T/work.db")" "$(rows "$T/after.db")" "import after a kill reaches the after rows"

# ---- publish ---------------------------------------------------------------
# P0 is published from the store without results, P1 from the one with them.
# After a kill each store file must be byte for byte P0's, or a complete P1
# (the same content as an unkilled publish, published_at and the run's mark
# aside); temporary
# files must not look like stores, and the next publish must succeed.
CONF="$top_srcdir/sample-data/config"
publish() { "$COLLAB" publish --db "$1" --config "$CONF" --data "$2" > /dev/null 2>&1; }
content() { sqlite "$1" .dump | grep -v 'published_at\|publish_generation' | sha256sum; }
publish "$BASE" "$T/p0" || fail "setup: publish P0"
publish "$T/after.db" "$T/p1" || fail "setup: publish P1"
t0=$(now_ms)
publish "$T/after.db" "$T/p1b" || fail "setup: publish P1 again"
span=$(( $(now_ms) - t0 ))
diag "a full publish takes ${span} ms"
stores=$(cd "$T/p0" && ls)
is "$(cd "$T/p1" && ls)" "$stores" "P0 and P1 have the same store files"
for f in $stores; do
    content "$T/p1/$f" > "$T/p1/.$f.sum"
done
is "$(content "$T/p1b/group-northmoor-secondary.db")" "$(cat "$T/p1/.group-northmoor-secondary.db.sum")" \
   "publish is deterministic apart from published_at (so P1 can be recognised)"

n_old=0 n_new=0 n_bad=0 n_tmp=0
i=1
while [ "$i" -le "$runs" ]; do
    rm -rf "$T/pk"
    cp -p -R "$T/p0" "$T/pk"
    # collab itself in the background (not a shell function), so the kill hits it.
    "$COLLAB" publish --db "$T/after.db" --config "$CONF" --data "$T/pk" > /dev/null 2>&1 &
    pid=$!
    sleep_ms "$(delay_ms "$((i + 100))")"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    for f in $stores; do
        if cmp -s "$T/p0/$f" "$T/pk/$f"; then
            n_old=$((n_old + 1))
        elif [ "$(sqlite "$T/pk/$f" "PRAGMA integrity_check")" = ok ] &&
             [ "$(content "$T/pk/$f")" = "$(cat "$T/p1/.$f.sum")" ]; then
            n_new=$((n_new + 1))
        else
            n_bad=$((n_bad + 1)); diag "run $i: $f is neither the old nor a complete new store"
        fi
    done
    extra=$(cd "$T/pk" && ls | grep -vxF "$stores")
    [ -n "$extra" ] && { n_bad=$((n_bad + 1)); diag "run $i: unexpected files: $extra"; }
    n_tmp=$((n_tmp + $(ls -A "$T/pk" | grep -c '^\.')))
    i=$((i + 1))
done
diag "publish: $n_old store files untouched, $n_new replaced whole, $n_tmp temporary files left"
is "$n_bad" 0 "publish: after every kill each store is the old one or a complete new one"
for at in 1 4; do
    rm -rf "$T/pk"
    cp -p -R "$T/p0" "$T/pk"
    held_kill "$at" "$COLLAB" publish --db "$T/after.db" --config "$CONF" --data "$T/pk"
    ok $? "publish: killed mid-publish at progress report $at"
    n_changed=0
    for f in $stores; do cmp -s "$T/p0/$f" "$T/pk/$f" || n_changed=$((n_changed + 1)); done
    is "$n_changed" 0 "publish: every store is the old one after it"
done
# Temporary files are dot files, never group-*.db / school-*.db, so nothing
# lists them as stores; the next publish finishes and clears them.
publish "$T/after.db" "$T/pk"
is "$?" 0 "publish after a kill succeeds"
# (.checked is publish's record of the stores it checked, not a temporary)
is "$(ls -A "$T/pk" | grep -v '^\.checked$' | grep -c '^\.')" 0 "publish after a kill leaves no temporary file"
n_wrong=0
for f in $stores; do
    [ "$(content "$T/pk/$f")" = "$(cat "$T/p1/.$f.sum")" ] ||
        { n_wrong=$((n_wrong + 1)); diag "$f after the re-publish is not P1's"; }
done
is "$n_wrong" 0 "publish after a kill gives the complete new stores"

# Killed between the first and the second rename: a mixed set, its stores
# from two runs, which the data directory's mark says and a reader is told
# of; the next publish repairs it.
generations() { for f in "$1"/group-*.db "$1"/school-*.db; do
    sqlite "$f" "SELECT value FROM meta WHERE key = 'publish_generation'"; done | sort -u | wc -l; }
me=$(id -un)
mkdir -p "$T/conf" && cp "$CONF"/*.yaml "$T/conf/"
sed "/^users:\$/a\\  - { id: runner, login: \"$me\", organisation: northmoor, role: analyst, global: true, access: [school_level, collaborate] }" \
    "$CONF/groups.yaml" >"$T/conf/groups.yaml"
overview() { "$COLLAB" report --data "$T/pk" --config "$T/conf" --group northmoor-secondary \
    overview 2>&1 >/dev/null; }
rm -rf "$T/pk"
cp -p -R "$T/p0" "$T/pk"
COLLAB_TEST_HOLD_WHAT=replacing; export COLLAB_TEST_HOLD_WHAT
held_kill 2 "$COLLAB" publish --db "$T/after.db" --config "$CONF" --data "$T/pk"
ok $? "publish: killed between the first and the second rename"
unset COLLAB_TEST_HOLD_WHAT
is "$(generations "$T/pk")" 2 "the set is mixed: stores of two runs"
ok "$([ -f "$T/pk/.publish-renaming" ]; echo $?)" "and the data directory's mark says so"
like "$(overview)" "warning: the stores in $T/pk are a mixed set: a publish \([0-9T]+-[0-9]+\) stopped while replacing them" \
     "a reader is told the set is mixed"
publish "$T/after.db" "$T/pk"
is "$?" 0 "the next publish succeeds"
is "$(generations "$T/pk")" 1 "and repairs the set: every store of one run"
ok "$([ ! -e "$T/pk/.publish-renaming" ]; echo $?)" "the mark is gone"
unlike "$(overview)" "mixed set" "and the reader is told nothing"

done_testing
