#!/bin/sh
# Hostile inputs (issue 9): files and stores built to break collab. Each must
# be refused with its exact message and exit status 1 (never a crash: < 128),
# leaving the store byte for byte as it was. The inputs already covered by
# tests/cli/import.sh and tests/cli/check.sh are not repeated here;
# tests/data/hostile/README.md lists the union and where each is tested.
. "$top_srcdir/tests/lib.sh"

H="$top_srcdir/tests/data/hostile"
G="$top_srcdir/tests/data/import/good"
GOOD="$top_srcdir/tests/data/config-good"
DB="$T/source.db"

fingerprint() { { cat "$DB"; [ -e "$DB-wal" ] && { echo WAL; cat "$DB-wal"; }; } | sha256sum; }
for k in schools pupils estimates results attendance national; do
    "$COLLAB" import --db "$DB" "$k" "$G/$k.csv" > /dev/null || fail "setup: import $k"
done
rows() { sqlite "$DB" "SELECT (SELECT count(*) FROM school) || ' ' || (SELECT count(*) FROM pupil) || ' ' || (SELECT count(*) FROM result)"; }
rows_before=$(rows)

# refuse NAME DB KIND FILE MESSAGE...: import into DB (default $DB) must
# exit 1 with exactly the MESSAGE lines on stderr and leave DB unchanged.
refuse_into() {
    name=$1 db=$2 kind=$3 file=$4
    shift 4
    want=$(printf '%s\n' "$@")
    sum=$({ cat "$db"; [ -e "$db-wal" ] && cat "$db-wal"; } | sha256sum)
    run "$COLLAB" import --db "$db" "$kind" "$file"
    is "$rc" 1 "$name: exit 1 (no crash)"
    is "$err" "$want" "$name: message"
    is "$({ cat "$db"; [ -e "$db-wal" ] && cat "$db-wal"; } | sha256sum)" "$sum" "$name: store unchanged"
}
# one-problem refusals of a fixture NAME--KIND.csv: the problem, then the summary.
refuse_csv() {
    f="$H/$1.csv"
    refuse_into "$1" "$DB" "${1#*--}" "$f" "$f$2" "collab: $f: nothing imported (1 problem)"
}

# ---- CSV files (tests/data/hostile/*.csv) ---------------------------------
refuse_csv utf16be--schools ":1:1: the file is UTF-16; save it as UTF-8"
refuse_csv overlong-utf8--schools ":2:2: byte 0xc0 is not UTF-8 (the file must be UTF-8, not e.g. Windows-1252)"
refuse_csv surrogate-utf8--schools ":2:2: byte 0xed is not UTF-8 (the file must be UTF-8, not e.g. Windows-1252)"
refuse_csv cut-utf8--schools ":2:2: byte 0xe2 is not UTF-8 (the file must be UTF-8, not e.g. Windows-1252)"
refuse_csv stray-quote--schools ":2:2: malformed quotes (a quote inside an unquoted field, or text after a closing quote)"
refuse_csv text-after-quote--schools ":2:2: malformed quotes (a quote inside an unquoted field, or text after a closing quote)"
refuse_csv bom-only--schools ": empty file; expected a header row naming the columns"
refuse_csv duplicate-column--schools ":1: column urn: appears twice (columns 1 and 2)"
refuse_csv duplicate-row--schools ":4: duplicate of line 2 (same urn 100001)"
refuse_csv urn-overflow--schools ":2: column urn: '99999999999999999999' is not a whole number"
refuse_csv urn-negative--schools ":2: column urn: -5 is out of range (100000 to 999999)"
refuse_csv bad-phase--schools ":2: column phase: 'university' is not one of primary, secondary, all-through or special"
refuse_csv huge-float--attendance ":2: column sessions_possible: '1e400' is not a whole number"
refuse_csv negative--attendance ":2: column sessions_missed: -1 is out of range (0 to 1000)"
refuse_csv unknown-pupil--attendance ":2: column pupil_id: no pupil GHOST (import pupils first)"
refuse_csv flag-2--pupils ":2: column fsm6: '2' is not 0 or 1"
refuse_csv key-stage-3--pupils ":2: column key_stage: 3 is not a key stage collab uses (2 or 4)"
refuse_csv nan--pupils ":2: column ks2_maths: 'NaN' is not a whole number"
refuse_csv grade-10--results ":2: column grade: '10' is not a grade (9 to 1 or U)"
refuse_csv grade-0--results ":2: column grade: '0' is not a grade (9 to 1 or U)"
refuse_csv grade-astar--results ":2: column grade: 'A*' is not a grade (9 to 1 or U)"
refuse_csv grade-triple--results ":2: column grade: '9-9-9' is not a double-award grade (two grades 9 to 1 or U, the higher first and at most one apart, such as 6-5)"
refuse_csv grade-gap--results ":2: column grade: '9-1' is not a double-award grade (two grades 9 to 1 or U, the higher first and at most one apart, such as 6-5)"
refuse_csv bad-filter--national ":2: column filter: 'fsm6=maybe;;=' is not a filter such as fsm6=yes;sen=none"
# Text reaches terminals (report, the TUI): ESC / BEL and the C1 CSI would
# be obeyed by the terminal, so control characters are refused at import.
refuse_csv terminal-escape--schools ":2:2: control character 0x1b in a field (escape sequences could rewrite a terminal showing it)"
refuse_csv c1-csi--pupils ":2:9: control character 0x9b in a field (escape sequences could rewrite a terminal showing it)"
# A bare CR ends a record (old Mac files); lines are counted by LF, so the
# second record is reported on line 2, where an editor showing ^M puts it.
refuse_csv bare-cr--results ":2: column grade: 'X' is not a grade (9 to 1 or U)"

# Generated at test time, not committed: a 100 MB single line. The reader
# stops at the 1 MiB field cap, so this is fast and needs no memory.
head -c 104857600 /dev/zero | tr '\0' x > "$T/line.csv"
is "$(wc -c < "$T/line.csv" | tr -d ' ')" 104857600 "the 100 MB line is 100 MB"
refuse_into 100mb-line "$DB" schools "$T/line.csv" \
    "$T/line.csv:1:1: field longer than 1 MiB" "collab: $T/line.csv: nothing imported (1 problem)"
rm -f "$T/line.csv"
# ... and a 1 MiB + 1 field inside a quoted cell on line 2.
{ printf 'urn,name,phase\n100001,"'; head -c 1048577 /dev/zero | tr '\0' y; printf '",secondary\n'; } > "$T/field.csv"
refuse_into quoted-big-field "$DB" schools "$T/field.csv" \
    "$T/field.csv:2:2: field longer than 1 MiB" "collab: $T/field.csv: nothing imported (1 problem)"
refuse_into dev-zero "$DB" schools /dev/zero \
    "/dev/zero:1:1: field longer than 1 MiB" "collab: /dev/zero: nothing imported (1 problem)"
refuse_into directory-as-csv "$DB" schools "$T" \
    "$T: cannot read: Is a directory" "collab: $T: nothing imported (1 problem)"
refuse_into missing-csv "$DB" schools "$T/nope.csv" \
    "$T/nope.csv: cannot read: No such file or directory" "collab: $T/nope.csv: nothing imported (1 problem)"

is "$(rows)" "$rows_before" "after every refused CSV the store holds what it held"

# ---- stores that are not what they claim ---------------------------------
sqlite "$T/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1)"
refuse_into other-program "$T/other.db" schools "$G/schools.csv" \
    "collab: $T/other.db: not a collab store (an SQLite database of another program)"
cp "$DB" "$T/group.db"
sqlite "$T/group.db" "UPDATE meta SET value = 'group' WHERE key = 'kind'"
refuse_into wrong-kind "$T/group.db" schools "$G/schools.csv" \
    "collab: $T/group.db: this is a group store, expected a source store"
mkdir "$T/dir.db"
run "$COLLAB" import --db "$T/dir.db" schools "$G/schools.csv"
is "$rc" 1 "directory as store: exit 1"
is "$err" "collab: $T/dir.db: not a regular file" "directory as store: message"
cp "$DB" "$T/trunc.db"
truncate -s 40000 "$T/trunc.db"
refuse_into truncated-store "$T/trunc.db" schools "$G/schools.csv" \
    "collab: $T/trunc.db: not a database (database disk image is malformed)"
# quick_check on open: one byte of a b-tree page header (the page type of
# the school table's root page) is enough.
cp "$DB" "$T/corrupt.db"
root=$(sqlite "$T/corrupt.db" "SELECT rootpage FROM sqlite_schema WHERE name = 'school'")
psize=$(sqlite "$T/corrupt.db" "PRAGMA page_size")
printf '\377' | dd of="$T/corrupt.db" bs=1 seek=$(( (root - 1) * psize )) conv=notrunc 2>/dev/null
refuse_into corrupt-page "$T/corrupt.db" schools "$G/schools.csv" \
    "collab: $T/corrupt.db: database is damaged: *** in database main ***" \
    "Page $root: btreeInitPage() returns error code 11"
# A planted trigger would run inside collab's import transaction; a view
# could call functions. trusted_schema=OFF stops unsafe functions; collab
# also refuses any trigger or view, since its schemas have none.
cp "$DB" "$T/trigger.db"
sqlite "$T/trigger.db" "CREATE TRIGGER wipe AFTER UPDATE ON school BEGIN DELETE FROM result; END"
refuse_into planted-trigger "$T/trigger.db" schools "$G/schools.csv" \
    "collab: $T/trigger.db: holds a trigger collab never makes ('wipe'); refusing to use it"
is "$(sqlite "$T/trigger.db" "SELECT count(*) FROM result")" 13 "planted trigger never fired"
cp "$DB" "$T/view.db"
sqlite "$T/view.db" "CREATE VIEW leak AS SELECT load_extension('/nonexistent.so') FROM pupil"
refuse_into planted-view "$T/view.db" schools "$G/schools.csv" \
    "collab: $T/view.db: holds a view collab never makes ('leak'); refusing to use it"

# A store collab may not write. Root ignores mode bits, so as root the file
# is made immutable instead.
cp "$DB" "$T/ro.db"
if [ "$(id -u)" -ne 0 ]; then
    chmod 0400 "$T/ro.db"
    ro_ok=1
elif command -v chattr > /dev/null && chattr +i "$T/ro.db" 2>/dev/null; then
    ro_ok=1
else
    ro_ok=0
fi
if [ "$ro_ok" = 1 ]; then
    refuse_into read-only-store "$T/ro.db" schools "$G/schools.csv" \
        "collab: $G/schools.csv:2: store error: attempt to write a readonly database"
    is "$(sqlite "$T/ro.db" "PRAGMA quick_check")" ok "read-only store still sound"
    [ "$(id -u)" -eq 0 ] && chattr -i "$T/ro.db"
else
    skip "read-only store: running as root and chattr +i is not possible here"
    skip "read-only store: (message)"
    skip "read-only store: (unchanged)"
    skip "read-only store: (sound)"
fi

# A full disk: a 200 KiB tmpfs when we may mount one, else a file size limit.
awk 'BEGIN { print "pupil_id,urn,year,key_stage,gender,fsm6,eal,sen,display_name";
             for (i = 1; i <= 3000; i++) printf "Z%05d,100001,2024,4,F,0,0,N,name of pupil number %d\n", i, i }' > "$T/many.csv"
mkdir -p "$T/full"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=200k tmpfs "$T/full" 2>/dev/null; then
    cp "$DB" "$T/full/s.db"
    refuse_into full-disk "$T/full/s.db" pupils "$T/many.csv" "collab: database or disk is full"
    is "$(sqlite "$T/full/s.db" "PRAGMA integrity_check")" ok "full disk: store sound"
    is "$(sqlite "$T/full/s.db" "SELECT count(*) FROM pupil")" 7 "full disk: no pupil added"
    umount "$T/full"
else
    cp "$DB" "$T/full/s.db"
    size=$(( $(wc -c < "$DB") / 512 + 8 ))
    sum=$(sha256sum < "$T/full/s.db")
    ( ulimit -f "$size"; trap '' XFSZ; exec "$COLLAB" import --db "$T/full/s.db" pupils "$T/many.csv" ) > /dev/null 2> "$T/full.err"
    rc=$?
    is "$rc" 1 "full disk (ulimit -f): exit 1"
    like "$(cat "$T/full.err")" "^collab: .*(disk is full|disk I/O error|File too large)" "full disk (ulimit -f): message"
    is "$(sqlite "$T/full/s.db" "PRAGMA integrity_check")" ok "full disk (ulimit -f): store sound"
    is "$(sqlite "$T/full/s.db" "SELECT count(*) FROM pupil")" 7 "full disk (ulimit -f): no pupil added"
fi

# ---- YAML config files (tests/data/hostile/*.yaml) -------------------------
# expect_check NAME MESSAGE: the good config with FILE replaced by
# NAME--FILE.yaml must fail `collab check` with MESSAGE.
variant() {
    rm -rf "$T/cfg/$1"
    mkdir -p "$T/cfg/$1"
    cp "$GOOD"/*.yaml "$T/cfg/$1/"
}
expect_check() {
    out=$(cd "$T/cfg" && "$COLLAB" check "$1" 2>"$T/.stderr"); rc=$?
    is "$rc" "${3:-1}" "$1: exit ${3:-1}"
    if [ "${3:-1}" = 0 ]; then is "$out" "$2" "$1: output"; else is "$(cat "$T/.stderr")" "collab: $2" "$1: message"; fi
}
for f in "$H"/*--*.yaml; do
    b=$(basename "$f")
    variant "${b%%--*}"
    cp "$f" "$T/cfg/${b%%--*}/${b#*--}"
done
ok_summary="ok (7 indicators, 5 filters, 2 groups, 3 users)"
expect_check truncated "truncated/indicators.yaml:11:5: missing required key 'aggregate' in indicator"
expect_check truncated-quote "truncated-quote/evaluation.yaml:5:1: found unexpected end of stream while scanning a quoted scalar"
expect_check cp1252 "cp1252/evaluation.yaml:10:31: invalid trailing UTF-8 octet (byte 0x74; the file must be UTF-8, not e.g. Windows-1252)"
expect_check nul "nul/evaluation.yaml:10:22: control characters are not allowed (byte 0x00)"
# libyaml reads UTF-16 with a BOM and skips a UTF-8 BOM: both are fine.
expect_check utf16 "utf16: $ok_summary" 0
expect_check bom "bom: $ok_summary" 0
expect_check duplicate-key "duplicate-key/evaluation.yaml:3:3: duplicate key 'min' (first at line 2)"
expect_check alias-bomb "alias-bomb/groups.yaml:1:4: anchors (&a) are not allowed in config files"
expect_check deep-map "deep-map/filters.yaml:1:262: nesting deeper than 64 levels"
expect_check two-documents "two-documents/evaluation.yaml:2:1: only one YAML document is allowed per file"
expect_check complex-key "complex-key/evaluation.yaml:2:5: mapping keys must be plain strings"
expect_check scale-overflow "scale-overflow/evaluation.yaml:3:8: 'max': expected a number, found '99999999999999999999'"
expect_check scale-huge "scale-huge/evaluation.yaml:3:8: 'max': 1000000 is out of range (0 to 100)"
expect_check negative-cohort "negative-cohort/groups.yaml:1:23: 'min_cohort': -3 is out of range (1 to 1000)"
expect_check decimals-overflow "decimals-overflow/indicators.yaml:17:15: 'decimals': 4000000000 is out of range (0 to 6)"
expect_check long-chain "long-chain/indicators.yaml:7:11: 'expr': expression too complex (more than 16 operations inside one another)"
# A tag names a type to construct in some YAML libraries; collab builds no
# objects from YAML, so the tag is inert and the file loads.
expect_check tag "tag: $ok_summary" 0

# Generated: beyond each cap of the YAML reader.
variant big
{ cat "$GOOD/evaluation.yaml"; printf '# '; head -c 4194304 /dev/zero | tr '\0' x; echo; } > "$T/cfg/big/evaluation.yaml"
expect_check big "big/evaluation.yaml: file too large (more than 4194304 bytes)"
variant scalar
{ printf 'scale:\n  min: 1\n  max: 4\n  labels: [a, b, c, "'; head -c 70000 /dev/zero | tr '\0' x; printf '"]\nareas: []\n'; } > "$T/cfg/scalar/evaluation.yaml"
expect_check scalar "scalar/evaluation.yaml:4:21: value too long (70000 bytes; at most 65536)"
variant nodes
awk 'BEGIN { printf "scale: {min: 1, max: 4, labels: [a, b, c, d]}\nareas: ["; for (i = 0; i < 200001; i++) printf "1,"; print "1]" }' > "$T/cfg/nodes/evaluation.yaml"
expect_check nodes "nodes/evaluation.yaml:2:399979: too many YAML nodes (more than 200000)"
variant deep-block
awk 'BEGIN { print "filters:"; for (i = 1; i <= 100; i++) { for (j = 0; j < 2 * i; j++) printf " "; print "-" } }' > "$T/cfg/deep-block/filters.yaml"
expect_check deep-block "deep-block/filters.yaml:65:129: nesting deeper than 64 levels"
variant parens
awk 'BEGIN { s = ""; for (i = 0; i < 30000; i++) s = s "("; t = ""; for (i = 0; i < 30000; i++) t = t ")" }
     /expr: att8$/ && !done { sub(/att8$/, "\"" s "att8" t "\""); done = 1 } { print }' "$GOOD/indicators.yaml" > "$T/cfg/parens/indicators.yaml"
expect_check parens "parens/indicators.yaml:7:76: 'expr': expression nested too deeply (more than 64 levels)"

# Every fixture file has an expectation above (a new one cannot go untested).
is "$(ls "$H" | grep -c -- '--')" 44 "every tests/data/hostile fixture is exercised"

done_testing
