#!/bin/sh
# Ctrl-C (SIGINT) and SIGTERM during a results import and a publish of a
# group-scale set: exit 130 with "interrupted: nothing changed", every store
# exactly as it was (content digest, integrity_check, the published files
# byte for byte) and no temporary file left behind. Without a terminal there
# is no progress line, so the output is what it always was.
. "$top_srcdir/tests/lib.sh"

"$COLLAB" gen --out "$T/gen" --scale group --quiet || fail "collab gen --scale group"
BASE="$T/base.db"
for k in schools pupils estimates attendance national; do
    "$COLLAB" import --db "$BASE" "$k" "$T/gen/$k.csv" > /dev/null || fail "setup: import $k"
done

digest() {
    sqlite "$1" "SELECT count(*), total(points) FROM result;
                 SELECT count(*), total(att8), total(p8) FROM pupil_ks4;
                 SELECT * FROM import_log ORDER BY id;
                 SELECT pupil, subject, grade, points FROM result ORDER BY pupil, subject;" | sha256sum
}

before=$(digest "$BASE")
cp "$BASE" "$T/after.db"
run "$COLLAB" import --db "$T/after.db" results "$T/gen/results.csv"
is "$rc" 0 "setup: an uninterrupted results import succeeds"
is "$err" "" "without a terminal an import prints no progress"
ok "$([ "$before" != "$(digest "$T/after.db")" ]; echo $?)" \
   "the import changes the digest (so the test can tell)"

# interrupt SIGNAL AT CMD...: $prepare, then hold CMD at its AT-th progress
# report (tests/lib.sh), send it SIGNAL there, and leave $rc and $err.
interrupt() {
    sig=$1 at=$2
    shift 2
    $prepare
    hold "$at" "$@" || diag "SIG$sig: the run ended before it held at report $at"
    kill "-$sig" "$held_pid" 2>/dev/null
    wait "$held_pid"
    rc=$?
    err=$(cat "$T/.err")
}

# ---- import ----------------------------------------------------------------
reset_work() { rm -f "$T/w/"*; mkdir -p "$T/w"; cp "$BASE" "$T/w/work.db"; }
prepare=reset_work
for hold in INT:1 TERM:3; do
    sig=${hold%:*}
    interrupt "$sig" "${hold#*:}" "$COLLAB" import --db "$T/w/work.db" results "$T/gen/results.csv"
    is "$rc" 130 "import, SIG$sig: exit status 130"
    is "$err" "collab: interrupted: nothing changed" "import, SIG$sig: says nothing changed"
    is "$(digest "$T/w/work.db")" "$before" "import, SIG$sig: the store's content is as before"
    is "$(sqlite "$T/w/work.db" "PRAGMA integrity_check")" ok \
       "import, SIG$sig: integrity_check ok"
    is "$(ls -A "$T/w")" work.db "import, SIG$sig: no journal, WAL or other file left"
done
run "$COLLAB" import --db "$T/w/work.db" results "$T/gen/results.csv"
is "$rc" 0 "the same import afterwards succeeds"

# ---- publish ---------------------------------------------------------------
# The data directory holds what was published from the store without
# results; a publish from the store with them would replace every file.
CONF="$T/config"
mkdir -p "$CONF"
cp "$top_srcdir/bench/config/indicators.yaml" "$top_srcdir/bench/config/filters.yaml" \
   "$top_srcdir/bench/config/evaluation.yaml" "$CONF/"
sh "$top_srcdir/bench/groups.sh" "$T/gen/schools.csv" "$(id -un)" > "$CONF/groups.yaml"
"$COLLAB" publish --db "$BASE" --config "$CONF" --data "$T/p0" > /dev/null \
    || fail "setup: publish the store without results"
sums() { (cd "$1" && ls -A | sort | xargs sha256sum); }
old=$(sums "$T/p0")
run "$COLLAB" publish --db "$T/after.db" --config "$CONF" --data "$T/p1"
is "$rc" 0 "setup: an uninterrupted publish succeeds"
unlike "$err" "publishing" "without a terminal a publish prints no progress"

src=$(digest "$T/after.db")
reset_data() { rm -rf "$T/pk"; cp -p -R "$T/p0" "$T/pk"; }
prepare=reset_data
for hold in INT:1 TERM:3; do
    sig=${hold%:*}
    interrupt "$sig" "${hold#*:}" "$COLLAB" publish --db "$T/after.db" --config "$CONF" --data "$T/pk"
    is "$rc" 130 "publish, SIG$sig: exit status 130"
    is "$err" "collab: interrupted: nothing changed" "publish, SIG$sig: says nothing changed"
    is "$(sums "$T/pk")" "$old" "publish, SIG$sig: every published file is byte for byte as before"
done
is "$(digest "$T/after.db")" "$src" "the source store is untouched by the interrupted publishes"
run "$COLLAB" publish --db "$T/after.db" --config "$CONF" --data "$T/pk"
is "$rc" 0 "the same publish afterwards succeeds"

done_testing
