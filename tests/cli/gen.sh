#!/bin/sh
# collab gen: deterministic output, the committed sample set, and the shape
# of the data a user gets.
. "$top_srcdir/tests/lib.sh"

files="schools.csv pupils.csv results.csv attendance.csv estimates.csv national.csv"

same_dirs() {   # same_dirs A B: 0 when every generated file is identical
    for f in $files; do cmp -s "$1/$f" "$2/$f" || return 1; done
    return 0
}

run "$COLLAB" gen --help
is "$rc" 0 "gen --help succeeds"
like "$out" "--scale" "help lists --scale"

run "$COLLAB" gen --seed 3
is "$rc" 2 "gen without --out is a usage error"
like "$err" "--out" "and says --out is needed"

run "$COLLAB" gen --out "$T/x" --scale enormous
is "$rc" 2 "unknown scale is a usage error"
like "$err" "national" "and lists the scales"

run "$COLLAB" gen --out "$T/x" --pupils many
is "$rc" 2 "non-numeric --pupils refused"

run "$COLLAB" gen --out "$T/a" --schools 6 --pupils 80 --primaries 2 --seed 11
is "$rc" 0 "gen writes a small set"
like "$err" "wrote 8 schools" "and reports what it wrote"
for f in $files; do
    [ -s "$T/a/$f" ]; ok $? "$f written"
done
is "$(stat -c %a "$T/a/pupils.csv")" 600 "gen's files are 0600, like every store"
# Symbolic links planted at an output's name and at its old temporary name:
# the links are replaced or left, what they point to never written.
mkdir -p "$T/l" && echo precious >"$T/precious"
ln -s "$T/precious" "$T/l/schools.csv"
ln -s "$T/precious" "$T/l/pupils.csv.tmp"
"$COLLAB" gen --out "$T/l" --schools 6 --pupils 80 --primaries 2 --seed 11 --quiet
is "$?" 0 "gen writes over planted links"
is "$(cat "$T/precious")" precious "and the file they point to is untouched"
ok "$([ -f "$T/l/schools.csv" ] && [ ! -L "$T/l/schools.csv" ]; echo $?)" \
   "schools.csv is gen's own file now, not the link"
cmp -s "$T/a/schools.csv" "$T/l/schools.csv"; ok $? "with the same content as without the link"
"$COLLAB" gen --out "$T/b" --schools 6 --pupils 80 --primaries 2 --seed 11 --quiet
same_dirs "$T/a" "$T/b"; ok $? "the same seed gives identical files"
"$COLLAB" gen --out "$T/c" --schools 6 --pupils 80 --primaries 2 --seed 12 --quiet
cmp -s "$T/a/pupils.csv" "$T/c/pupils.csv"; ok $((1 - $?)) "another seed gives other pupils"
cmp -s "$T/a/results.csv" "$T/c/results.csv"; ok $((1 - $?)) "and other results"
LC_ALL=de_DE.UTF-8 LANG=de_DE.UTF-8 "$COLLAB" gen --out "$T/d" --schools 6 --pupils 80 \
    --primaries 2 --seed 11 --quiet 2>/dev/null
same_dirs "$T/a" "$T/d"; ok $? "the locale does not change the bytes"
ls "$T/a" | grep -q '\.tmp$'; ok $((1 - $?)) "no temporary files left behind"

# The committed sample set must be exactly what the generator makes.
"$COLLAB" gen --scale sample --out "$T/s" --quiet
for f in $files; do
    cmp -s "$T/s/$f" "$SAMPLE/$f"; ok $? "sample-data/$f equals a fresh gen --scale sample"
done
size=$(cat "$SAMPLE"/*.csv | wc -c)
[ "$size" -lt 5000000 ]; ok $? "the sample CSVs stay small ($size bytes)"
is "$(awk -F, 'NR > 1 { print $4 }' "$SAMPLE/schools.csv" | sort | uniq -c | awk '{ printf "%s=%s ", $2, $1 }')" \
   "primary=4 secondary=8 " "sample: 8 secondaries and 4 primaries"
is "$(awk -F, 'NR > 1 { print $5 " " $6 }' "$SAMPLE/schools.csv" | sort -u)" "999 Northmoor" \
   "sample: all in LA 999 Northmoor"
is "$(awk -F, 'NR > 1 { print $3 }' "$SAMPLE/pupils.csv" | sort -u | tr '\n' ' ')" \
   "2017 2018 2019 " "sample: years 2017 to 2019"

# Shape of a set: shares a user would check after importing it.
d="$T/a"
fsm=$(awk -F, 'NR > 1 && $4 == 4 { n++; f += $7 } END { printf "%d", 1000 * f / n }' "$d/pupils.csv")
[ "$fsm" -ge 120 ] && [ "$fsm" -le 420 ]; ok $? "FSM6 share ${fsm} per mille is plausible"
per=$(awk -F, 'FNR == 1 { file++; next }
               file == 1 && $4 == 4 { ks4[$1] = 1; n++ }
               file == 2 && ($1 in ks4) { r++ }
               END { printf "%d", 100 * r / n }' "$d/pupils.csv" "$d/results.csv")
[ "$per" -ge 900 ] && [ "$per" -le 1100 ]; ok $? "about ten results per KS4 pupil (${per}/100)"
ks2res=$(awk -F, 'FNR == 1 { file++; next }
                  file == 1 && $4 == 2 { ks2[$1] = 1 }
                  file == 2 && ($1 in ks2) { r++ }
                  END { print r + 0 }' "$d/pupils.csv" "$d/results.csv")
is "$ks2res" 0 "primary pupils have no results"
dups=$(awk -F, 'NR > 1 { print $1 }' "$d/pupils.csv" | sort | uniq -d | wc -l)
is "$dups" 0 "pupil ids are unique"
bad=$(awk -F, 'NR > 1 && $2 == "COMB_SCI" && $3 !~ /^([1-9]-[1-9]|U-U)$/' "$d/results.csv" | wc -l)
is "$bad" 0 "combined science grades are double-award pairs"
pairs=$(awk -F, 'NR > 1 && $2 == "COMB_SCI" && $3 != "U-U" { d = substr($3, 1, 1) - substr($3, 3, 1); if (d < 0 || d > 1) print }' "$d/results.csv" | wc -l)
is "$pairs" 0 "the two grades of a pair differ by at most one"
pa=$(awk -F, 'NR > 1 { n++; if ($3 * 10 >= $2) p++ } END { printf "%d", 1000 * p / n }' "$d/attendance.csv")
[ "$pa" -ge 60 ] && [ "$pa" -le 200 ]; ok $? "persistent absence ${pa} per mille"
is "$(awk -F, 'NR > 1 { print $1 }' "$d/estimates.csv" | sort | uniq -c | awk '{ print $1 }' | sort -u)" \
   "34" "34 estimate groups for each year"
like "$(grep '^2019,p8,' "$SAMPLE/national.csv")" "^2019,p8,,-0.03,1.2825$" \
   "2019 national P8 with its SD"

# The sample config and the shipped themes load (collab check reads the
# themes beside the config directory).
mkdir -p "$T/cfg"
cp "$SAMPLE"/config/*.yaml "$T/cfg/" && cp -R "$top_srcdir/themes" "$T/cfg/themes"
run "$COLLAB" check "$T/cfg"
is "$rc" 0 "sample config and themes pass collab check"
like "$out$err" "15 indicators, 5 filters, 4 groups, 12 users" "with every indicator, filter, group and user"
is "$(ls "$top_srcdir/themes" | tr '\n' ' ')" "default.yaml high-contrast.yaml light.yaml mono.yaml " \
   "four themes ship"
like "$(cat "$top_srcdir/themes/mono.yaml")" "monochrome: true" "the mono theme draws with attributes only"

if command -v "${SQLITE3_SHELL:-sqlite3}" >/dev/null 2>&1; then
    db="$T/check.db"
    sqlite "$db" ".mode csv" ".import $d/pupils.csv pupils" ".import $d/results.csv results" 2>/dev/null
    orphans=$(sqlite "$db" "SELECT count(*) FROM results WHERE pupil_id NOT IN (SELECT pupil_id FROM pupils)")
    is "$orphans" 0 "every result belongs to a generated pupil"
    nolang=$(sqlite "$db" "SELECT count(*) FROM pupils p WHERE key_stage = '4' AND NOT EXISTS
        (SELECT 1 FROM results r WHERE r.pupil_id = p.pupil_id AND r.subject = 'MATHS')")
    is "$nolang" 0 "every KS4 pupil has a maths result"
else
    skip "sqlite3 shell not available"
    skip "sqlite3 shell not available"
fi

done_testing
