#!/bin/sh
# collab import and collab init: a small valid set with hand-worked measures,
# idempotent re-import, and broken inputs that must each be refused with an
# exact message while the store stays byte-for-byte unchanged.
. "$top_srcdir/tests/lib.sh"

G="$top_srcdir/tests/data/import/good"
DB="$T/store/sub/source.db"
B="$T/bad"
mkdir -p "$B"

q() { sqlite "$DB" "$1"; }
imp() { run "$COLLAB" import --db "$DB" "$@"; }
# A fingerprint of the store: the database file and its WAL, if any.
fingerprint() { { cat "$DB"; [ -e "$DB-wal" ] && { echo WAL; cat "$DB-wal"; }; } | sha256sum; }

# ---- init ---------------------------------------------------------------
run "$COLLAB" init --db "$T/init/a/b.db"
is "$rc" 0 "init exits 0"
is "$out" "created source store $T/init/a/b.db" "init says what it made"
is "$(stat -c %a "$T/init/a/b.db")" 600 "store is mode 0600"
is "$(stat -c %a "$T/init/a")" 700 "parent directory is mode 0700"
is "$(sqlite "$T/init/a/b.db" "SELECT value FROM meta WHERE key='kind'")" source "init makes a source store"
is "$(sqlite "$T/init/a/b.db" "SELECT name || '/' || ebacc_pillar || '/' || double_award FROM subject WHERE code='COMB_SCI'")" \
   "Combined science/science/1" "new store seeded with GCSE subjects"
is "$(sqlite "$T/init/a/b.db" "SELECT count(*) FROM subject")" 22 "22 seeded subjects"
run "$COLLAB" init --db "$T/init/a/b.db"
is "$rc" 1 "init refuses an existing file"
is "$err" "collab: $T/init/a/b.db: already exists" "init names the existing file"
COLLAB_DB="$T/env.db" run "$COLLAB" init
is "$out" "created source store $T/env.db" "init honours \$COLLAB_DB"

# ---- a valid set --------------------------------------------------------
import_good() {
    for k in schools pupils estimates results attendance national; do
        imp "$k" "$G/$k.csv"
        is "$rc" 0 "import $k exits 0 ($1)"
        like "$out" "^imported [0-9]+ $k from $G/$k.csv\$" "import $k reports a count ($1)"
    done
}
import_good first
is "$(stat -c %a "$DB")" 600 "import creates the store 0600"
is "$(stat -c %a "$T/store/sub")" 700 "and its directories 0700"
imp results "$G/results.csv"
is "$out" "imported 13 results from $G/results.csv" "exact success line"
counts() {
    q "SELECT (SELECT count(*) FROM school) || ' ' || (SELECT count(*) FROM pupil) || ' ' ||
              (SELECT count(*) FROM result) || ' ' || (SELECT count(*) FROM attendance) || ' ' ||
              (SELECT count(*) FROM estimate) || ' ' || (SELECT count(*) FROM national) || ' ' ||
              (SELECT count(*) FROM pupil_ks4) || ' ' || (SELECT count(*) FROM pupil_ks2)"
}
is "$(counts)" "2 7 13 3 34 4 4 3" "row counts"
is "$(q "SELECT name FROM school WHERE urn=100002")" "Hill Top Primary, Northmoor" "quoted comma (CRLF, BOM file)"
is "$(q "SELECT display_name FROM pupil WHERE id='P001'")" 'Ava "Ace" Smith' "doubled quotes"
is "$(q "SELECT display_name FROM pupil WHERE id='P002'")" "Ben
Jones" "embedded newline"
is "$(q "SELECT grade || ' ' || points FROM result WHERE pupil='P001' AND subject='COMB_SCI'")" "6-5 5.5" \
   "double award stored with the mean as points"
# P001: English 6 and 5 -> 12; maths 7 -> 14; EBacc 6,5 (combined) + 5 (history) = 16;
# open: literature 5, art 6, French 4 (left over) -> 15; A8 57; prior (107+107)/2 -> group 21.
is "$(q "SELECT att8, att8_eng, att8_mat, att8_ebacc, att8_open, est_att8, round(p8, 3), entries FROM pupil_ks4 WHERE pupil='P001'")" \
   "57.0|12.0|14.0|16.0|15.0|49.76|0.724|8" "P001 Attainment 8 and Progress 8"
is "$(q "SELECT basics4, basics5, ebacc_entry, ebacc4, ebacc5, ebacc_aps FROM pupil_ks4 WHERE pupil='P001'")" \
   "1|1|1|1|0|5.5" "P001 basics and EBacc (APS (6+7+6+5+5+4)/6)"
is "$(q "SELECT prior_score, prior_band, prior_group FROM pupil WHERE id='P001'")" "107.0|M|21" "P001 prior"
# P002: literature 4 alone counts once; maths 3 -> 6; art U; no prior, no estimate.
is "$(q "SELECT att8, coalesce(p8, 'null'), entries FROM pupil_ks4 WHERE pupil='P002'")" "10.0|null|3" "P002: single English, no prior"
# A pupil with one KS2 score: the prior is that subject (maths 95, group 9
# of 94.5 to 95, estimate 27.65); maths 5 doubled and language 4 alone give
# A8 14, so P8 is (14 - 27.65) / 10 = -1.365.
ONE="$T/one/source.db"
printf '%s\n' "Pupil_ID,URN,Year,Key_Stage,Gender,FSM6,EAL,SEN,KS2_Reading,KS2_Maths" \
    "M001,100001,2024,4,F,0,0,N,,95" >"$T/one-pupil.csv"
printf '%s\n' "pupil_id,subject,grade" "M001,MATHS,5" "M001,EN_LANG,4" >"$T/one-results.csv"
for k in schools:"$G/schools.csv" estimates:"$G/estimates.csv" pupils:"$T/one-pupil.csv" \
         results:"$T/one-results.csv"; do
    "$COLLAB" import --db "$ONE" "${k%%:*}" "${k#*:}" >/dev/null || fail "setup: import ${k%%:*}"
done
is "$(sqlite "$ONE" "SELECT prior_score || '|' || prior_band || '|' || prior_group || '|' || est_att8 || '|' ||
                     att8 || '|' || round(p8, 3) FROM pupil JOIN pupil_ks4 ON pupil = id")" \
   "95.0|L|9|27.65|14.0|-1.365" "maths alone is the prior: group 9 and a P8 of -1.365"
is "$(q "SELECT att8, entries, prior_group FROM pupil_ks4 JOIN pupil ON id = pupil WHERE pupil='P003'")" "0.0|0|14" \
   "P003: no results gives A8 0, 0 entries; 99.5 is group 14"
is "$(q "SELECT prior_band || prior_group FROM pupil WHERE id='P004'")" "M15" "P004: 100.5 is group 15"
is "$(q "SELECT rwm_expected, rwm_higher, avg_scaled FROM pupil_ks2 WHERE pupil='K001'")" "1|1|111.0" "K001 KS2 higher standard"
is "$(q "SELECT reading_expected, maths_expected, writing_expected, rwm_expected FROM pupil_ks2 WHERE pupil='K002'")" "0|1|1|0" \
   "K002 KS2 expected standards"
is "$(q "SELECT coalesce(avg_scaled, 'null') FROM pupil_ks2 WHERE pupil='K003'")" "null" "K003 no scores, no average"
is "$(q "SELECT filter FROM national WHERE value = -0.57")" "fsm6=yes;sen=none" "national filter"
is "$(q "SELECT kind || ' ' || rows FROM import_log ORDER BY id LIMIT 1")" "schools 2" "import_log row"

snapshot() {
    q "SELECT * FROM school; SELECT * FROM pupil; SELECT * FROM result; SELECT * FROM attendance;
       SELECT * FROM estimate; SELECT * FROM national; SELECT * FROM pupil_ks4; SELECT * FROM pupil_ks2;
       SELECT * FROM subject" | sha256sum
}
before=$(snapshot)
import_good again
is "$(counts)" "2 7 13 3 34 4 4 3" "re-import: same counts"
is "$(snapshot)" "$before" "re-import: same rows and derived values"

# Header only is a valid, empty import (decided: nothing to do is not an error).
printf 'pupil_id,subject,grade\n' > "$B/header-only.csv"
imp results "$B/header-only.csv"
is "$rc" 0 "header-only file accepted"
is "$out" "imported 0 results from $B/header-only.csv" "header-only imports 0 rows"

# ---- broken inputs --------------------------------------------------------
# refuse KIND NAME EXPECTED-STDERR: import $B/NAME.csv, expect exit 1, that
# exact stderr and an unchanged store.
refuse() {
    fp=$(fingerprint)
    imp "$1" "$B/$2.csv"
    is "$rc" 1 "$2: exit 1"
    is "$err" "$3" "$2: message"
    is "$(fingerprint)" "$fp" "$2: store unchanged"
}
one() { printf '%s\ncollab: %s: nothing imported (1 problem)' "$1" "$2"; }

printf 'pupil_id,subject,grade\nP001,MATHS,8\nP001,EN_LANG,X\n' > "$B/bad-grade.csv"
refuse results bad-grade "$(one "$B/bad-grade.csv:3: column grade: 'X' is not a grade (9 to 1 or U)" "$B/bad-grade.csv")"

printf 'pupil_id,subject,grade\nNOPE,MATHS,5\n' > "$B/unknown-pupil.csv"
refuse results unknown-pupil "$(one "$B/unknown-pupil.csv:2: column pupil_id: no pupil NOPE (import pupils first)" "$B/unknown-pupil.csv")"

printf 'pupil_id,urn,year,key_stage,gender,fsm6,eal,sen\nP100,100001,2024,4,F,0,0,N\nP101,999999,2024,4,M,0,0,N\n' > "$B/unknown-school.csv"
refuse pupils unknown-school "$(one "$B/unknown-school.csv:3: column urn: no school with URN 999999 (import schools first)" "$B/unknown-school.csv")"

printf 'pupil_id,subject,grade\nP001,MATH,5\n' > "$B/unknown-subject.csv"
refuse results unknown-subject "$(one "$B/unknown-subject.csv:2: column subject: unknown subject MATH (did you mean MATHS?)" "$B/unknown-subject.csv")"

printf 'pupil_id,subject\nP001,MATHS\n' > "$B/missing-column.csv"
refuse results missing-column "$(one "$B/missing-column.csv:1: missing required column: grade" "$B/missing-column.csv")"

printf 'pupil_id,urn,year,key_stage,gendr,fsm6,eal,sen\nP100,100001,2024,4,F,0,0,N\n' > "$B/unknown-column.csv"
refuse pupils unknown-column "$(printf '%s\n%s\ncollab: %s: nothing imported (2 problems)' \
    "$B/unknown-column.csv:1: column gendr: unknown column for pupils (did you mean gender?)" \
    "$B/unknown-column.csv:1: missing required column: gender" "$B/unknown-column.csv")"

printf 'pupil_id,sessions_possible,sessions_missed\nP001,lots,3\n' > "$B/wrong-type.csv"
refuse attendance wrong-type "$(one "$B/wrong-type.csv:2: column sessions_possible: 'lots' is not a whole number" "$B/wrong-type.csv")"

printf 'pupil_id,urn,year,key_stage,gender,fsm6,eal,sen,ks2_reading\nK009,100002,2024,2,F,0,0,N,121\n' > "$B/ks2-range.csv"
refuse pupils ks2-range "$(one "$B/ks2-range.csv:2: column ks2_reading: 121 is out of range (80 to 120)" "$B/ks2-range.csv")"

printf 'pupil_id,sessions_possible,sessions_missed\nP001,300,301\n' > "$B/missed.csv"
refuse attendance missed "$(one "$B/missed.csv:2: column sessions_missed: 301 is more than sessions_possible (300)" "$B/missed.csv")"

printf 'pupil_id,subject,grade\nP001,MATHS,6-5\n' > "$B/double-on-single.csv"
refuse results double-on-single "$(one "$B/double-on-single.csv:2: column grade: '6-5' is a double-award grade, but MATHS is a single award" "$B/double-on-single.csv")"

printf 'pupil_id,subject,grade\nP001,COMB_SCI,6\n' > "$B/single-on-double.csv"
refuse results single-on-double "$(one "$B/single-on-double.csv:2: column grade: COMB_SCI is a double award: give two grades such as 6-5 (got '6')" "$B/single-on-double.csv")"

printf 'pupil_id,subject,grade\nP001,MATHS,8\nP002,"EN_L' > "$B/truncated.csv"
refuse results truncated "$(one "$B/truncated.csv:3:2: quoted field never closed (is the file truncated?)" "$B/truncated.csv")"

printf 'urn,name,phase\n100001,Harbour High,secondary\n100003,Caf\351 School,secondary\n' > "$B/cp1252.csv"
refuse schools cp1252 "$(one "$B/cp1252.csv:3:2: byte 0xe9 is not UTF-8 (the file must be UTF-8, not e.g. Windows-1252)" "$B/cp1252.csv")"

printf 'urn,name,phase\n100001,Harbour High,secondary\n' | iconv -f UTF-8 -t UTF-16 > "$B/utf16.csv"
refuse schools utf16 "$(one "$B/utf16.csv:1:1: the file is UTF-16; save it as UTF-8" "$B/utf16.csv")"

printf 'urn,name,phase\n100001,Harbour\000High,secondary\n' > "$B/nul.csv"
refuse schools nul "$(one "$B/nul.csv:2:2: NUL byte in the file (is it UTF-16? save it as UTF-8)" "$B/nul.csv")"

: > "$B/empty.csv"
refuse schools empty "$(one "$B/empty.csv: empty file; expected a header row naming the columns" "$B/empty.csv")"

printf 'pupil_id,subject,grade\nP001,MATHS,8\nP001,ART,5\nP001,MATHS,7\n' > "$B/duplicate.csv"
refuse results duplicate "$(one "$B/duplicate.csv:4: duplicate of line 2 (same pupil_id P001, subject MATHS)" "$B/duplicate.csv")"

printf 'pupil_id,subject,grade\nP001,MATHS,8\nP001,ART\n' > "$B/short-row.csv"
refuse results short-row "$(one "$B/short-row.csv:3: 2 fields, but the header has 3" "$B/short-row.csv")"

awk 'BEGIN { for (i = 1; i <= 10000; i++) printf "%sc%d", (i > 1 ? "," : ""), i; print "" }' > "$B/wide.csv"
refuse results wide "$(one "$B/wide.csv:1:1001: more than 1000 columns" "$B/wide.csv")"

printf 'pupil_id,urn,year,key_stage,gender,fsm6,eal,sen\nP100,100001,1999,4,X,0,0,Q\n' > "$B/several.csv"
refuse pupils several "$(printf '%s\n%s\n%s\ncollab: %s: nothing imported (3 problems)' \
    "$B/several.csv:2: column year: 1999 is out of range (2000 to 2100)" \
    "$B/several.csv:2: column gender: 'X' is not one of F or M" \
    "$B/several.csv:2: column sen: 'Q' is not one of N, K or E" "$B/several.csv")"

printf 'pupil_id,subject,grade\nP001,,8\n' > "$B/empty-cell.csv"
refuse results empty-cell "$(one "$B/empty-cell.csv:2: column subject: empty; a value is required" "$B/empty-cell.csv")"

printf 'pupil_id,subject,grade\nK001,MATHS,5\n' > "$B/ks2-result.csv"
refuse results ks2-result "$(one "$B/ks2-result.csv:2: column pupil_id: pupil K001 is a key stage 2 pupil; results are for key stage 4" "$B/ks2-result.csv")"

awk 'BEGIN { print "pupil_id,subject,grade"; for (i = 1; i <= 57; i++) printf "P001,X%d,5\n", i }' > "$B/many.csv"
imp results "$B/many.csv"
is "$rc" 1 "many problems: exit 1"
is "$(printf '%s\n' "$err" | wc -l)" 22 "many problems: 20 listed, the rest counted, a summary"
is "$(printf '%s\n' "$err" | tail -n 2)" "... and 37 more problems
collab: $B/many.csv: nothing imported (57 problems)" "many problems: '... and 37 more problems'"

# A bad row late in a big file still leaves the store untouched.
awk 'BEGIN { print "pupil_id,urn,year,key_stage,gender,fsm6,eal,sen";
             for (i = 1; i <= 5000; i++) printf "Z%05d,100001,2024,4,F,0,0,N\n", i;
             print "Z99999,100001,2024,4,F,0,0,Y" }' > "$B/late.csv"
refuse pupils late "$(one "$B/late.csv:5002: column sen: 'Y' is not one of N, K or E" "$B/late.csv")"

# Stores that cannot be imported into.
printf 'this is not a database\n' > "$T/junk.db"
sum=$(sha256sum < "$T/junk.db")
run "$COLLAB" import --db "$T/junk.db" schools "$G/schools.csv"
is "$rc" 1 "not a database: exit 1"
like "$err" "^collab: $T/junk.db: (not a database|file is not a database)" "not a database: message"
is "$(sha256sum < "$T/junk.db")" "$sum" "not a database: file unchanged"

cp "$DB" "$T/newer.db"
sqlite "$T/newer.db" "PRAGMA user_version = 99"
sum=$(sha256sum < "$T/newer.db")
run "$COLLAB" import --db "$T/newer.db" schools "$G/schools.csv"
is "$rc" 1 "newer schema: exit 1"
is "$err" "collab: $T/newer.db: written by a newer collab (schema 99; this collab knows up to 2): upgrade collab" \
   "newer schema: message"
is "$(sha256sum < "$T/newer.db")" "$sum" "newer schema: file unchanged"

run "$COLLAB" import --db "$T/nothing-here.db" results "$B/unknown-pupil.csv"
is "$rc" 1 "failed import into a new store: exit 1"
ok "$([ ! -e "$T/nothing-here.db" ]; echo $?)" "a store created for a failed import is removed"

run "$COLLAB" import --db "$DB" grades "$G/results.csv"
is "$rc" 2 "unknown kind: usage error"
is "$err" "collab: unknown kind 'grades' (one of schools, subjects, pupils, results, attendance, estimates, national, dfe-ks4, dfe-census, dfe-absence, dfe-ks2)" \
   "unknown kind: message"
run "$COLLAB" import --db "$DB" results
is "$rc" 2 "missing file argument: usage error"

# The derived measures are what they were before all the refusals.
is "$(snapshot)" "$before" "after every refusal the data is as imported"

# A year whose estimates were never imported: its KS4 pupils have no P8,
# which import says at once, and the views say in words, where the x alone
# would read as suppression.
generated "$T/ne" --schools 2 --pupils 30 --primaries 0 --years 1
NE="$T/ne/noest.db"
for k in schools pupils; do
    "$COLLAB" import --db "$NE" "$k" "$T/ne/gen/$k.csv" >/dev/null 2>&1 || fail "setup: import $k"
done
run "$COLLAB" import --db "$NE" results "$T/ne/gen/results.csv"
is "$rc" 0 "results without the year's estimates import"
n4=$(sqlite "$NE" "SELECT count(*) FROM pupil WHERE key_stage = 4 AND year = 2019")
is "$err" "collab: note: no Progress 8 estimates for 2019: its $n4 KS4 pupils have no Progress 8 (import that year's: collab import --db DB estimates FILE)" \
   "and the note says which year has no Progress 8 and what to import"
is "$(sqlite "$NE" "SELECT count(p8) FROM pupil_ks4")" 0 "no pupil has a P8"
"$COLLAB" publish --db "$NE" --config "$T/ne/cfg" --data "$T/ne/p" >/dev/null 2>&1 ||
    fail "setup: publish without estimates"
is "$(sqlite "$T/ne/p/group-all.db" "SELECT value FROM meta WHERE key = 'years_without_estimates'")" \
   2019 "the group store records the year without estimates"
for view in overview schools; do
    run "$COLLAB" report --data "$T/ne/p" --config "$T/ne/cfg" "$view"
    like "$out" "No Progress 8 in 2019: no estimates for that year were imported, so no pupil has a P8 score \\(its x is not a suppression\\)\\." \
         "the $view says why P8 is missing"
done
run "$COLLAB" import --db "$NE" estimates "$T/ne/gen/estimates.csv"
is "$err" "" "with the estimates imported, no note"
ok "$([ "$(sqlite "$NE" "SELECT count(p8) FROM pupil_ks4")" -gt 0 ]; echo $?)" \
   "and the pupils have their P8"
rm -rf "$T/ne/p"
"$COLLAB" publish --db "$NE" --config "$T/ne/cfg" --data "$T/ne/p" >/dev/null 2>&1 ||
    fail "setup: publish with estimates"
run "$COLLAB" report --data "$T/ne/p" --config "$T/ne/cfg" overview
unlike "$out" "No Progress 8" "then the overview has no such note"
done_testing
