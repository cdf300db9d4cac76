#!/bin/sh
# collab report: every view's figures against the same figures computed by
# sqlite3 over the SOURCE store (member schools, year, filter, suppression),
# the access rules (pupils, league tables) and the JSON shape.
. "$top_srcdir/tests/lib.sh"

if ! command -v python3 >/dev/null 2>&1 || ! command -v "${SQLITE3_SHELL:-sqlite3}" >/dev/null 2>&1; then
    skip "python3 and sqlite3 are needed"; done_testing
fi

run "$COLLAB" demo --data "$T/demo"
is "$rc" 0 "demo builds the sample stores"
SRC="$T/demo/source.db"
DATA="$T/demo/data"
CONF="$T/demo/config"
# Westfield signs, so the partnership opens to its school users (hana, cal, priya).
printf '  - { urn: 900006, signed: 2024-10-01, signatory: "W. Test" }\n' >>"$CONF/groups.yaml"
R() { "$COLLAB" report --data "$DATA" --config "$CONF" "$@"; }
Y=2019
NM="900001,900002,900003,900004,900005,900006,900007,900008,950001,950002,950003,950004"

# field KEYCOL KEY COL < csv: the value of COL in the row whose KEYCOL is KEY.
field() {
    python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
for r in rows:
    if r[sys.argv[1]] == sys.argv[2]:
        print(r[sys.argv[3]]); break
else:
    print("<no row>")
' "$@"
}
# SQL's printf writes -0.00 where collab writes 0.00.
q() { sqlite "$SRC" "$1" | sed 's/^-\(0\.0*\)$/\1/'; }
# KS4 pupils of the group in the year, with a WHERE fragment for the filter.
ks4() { echo "FROM pupil p JOIN pupil_ks4 k ON k.pupil = p.id WHERE p.year = $Y AND p.key_stage = 4 AND p.school IN (${2:-$NM}) $1"; }

# ---- overview ----
check_overview() {   # check_overview NAME SQL-FILTER REPORT-ARGS...
    name=$1; flt=$2; shift 2
    out=$(R --format csv "$@" overview)
    is "$(printf '%s' "$out" | field indicator att8 value)" \
       "$(q "SELECT printf('%.1f', avg(k.att8)) $(ks4 "$flt")")" "overview $name: Attainment 8"
    is "$(printf '%s' "$out" | field indicator att8 n)" \
       "$(q "SELECT count(*) $(ks4 "$flt")")" "overview $name: Attainment 8 n"
    is "$(printf '%s' "$out" | field indicator p8 value)" \
       "$(q "SELECT printf('%.2f', avg(k.p8)) $(ks4 "$flt AND k.p8 IS NOT NULL")")" "overview $name: Progress 8"
    is "$(printf '%s' "$out" | field indicator basics5 value)" \
       "$(q "SELECT printf('%.1f', 100.0 * sum(k.basics5) / count(*)) $(ks4 "$flt")")" "overview $name: EM 5+"
    is "$(printf '%s' "$out" | field indicator att8 national)" \
       "$(q "SELECT printf('%.1f', value) FROM national WHERE year = $Y AND indicator = 'att8' AND filter = '$(echo "$*" | sed -n 's/.*--filter \([a-z0-9=]*\).*/\1/p')'")" \
       "overview $name: national comparator for the same pupils"
}
check_overview "all pupils" ""
check_overview "FSM6" "AND p.fsm6 = 1" --filter fsm6=yes
check_overview "FSM6 girls" "AND p.fsm6 = 1 AND p.gender = 'F'" --filter fsm6=yes --filter gender=female
# 2018: the DfE's England row per pupil group (sample-data/dfe, 2017/18
# revised) is the comparator, replacing national.csv's: published P8 of
# disadvantaged pupils -0.44, of the others +0.13, of EAL pupils +0.49.
# 2019 has no England row per group in the sample's DfE files; national.csv
# gives disadvantaged pupils' P8 from the DfE's characteristics release
# (LAIT DAP_KS4_Prog8 2019: -0.45), so P8 under FSM6 is compared in 2019 too.
out=$(R --format csv --year 2019 --filter fsm6=yes overview)
is "$(printf '%s' "$out" | field indicator p8 national)" -0.45 \
   "overview 2019 fsm6=yes: p8 against England's disadvantaged pupils (-0.45)"
# Under a filter the overview says what National is, and which indicators
# have no national figure for those pupils (not compared, rather than blank).
out=$(R --year 2018 --filter fsm6=yes overview)
like "$out" "National: England, same pupils \(FSM6\)\. Not compared, none published: Absence, PA\." \
     "overview 2018 FSM6: the note names the comparator and what is not compared"
unlike "$out" "none published:[^.]*P8" "Progress 8 is compared (England's FSM6 pupils: -0.44)"
out=$(R --year 2018 overview)
unlike "$out" "National: England, same pupils" "no such note without a filter"
for m in "fsm6=yes:p8:-0.44" "fsm6=no:p8:0.13" "eal=yes:p8:0.49" "fsm6=yes:att8:36.7" \
         "prior=low:att8:22.6"; do
    f=${m%%:*} rest=${m#*:}
    out=$(R --format csv --year 2018 --filter "$f" overview)
    is "$(printf '%s' "$out" | field indicator "${rest%%:*}" national)" "${rest#*:}" \
       "overview 2018 $f: ${rest%%:*} against England's $f pupils (${rest#*:})"
done
# 2019 and the other years from national.csv, real per year
# (sample-data/README.md): SEN from the DfE's LA Interactive Tool, KS2 too.
for m in "2019:4:sen=support:p8:-0.43" "2019:4:sen=ehcp:att8:13.7" "2018:4:sen=ehcp:p8:-1.09" \
         "2017:4:fsm6=yes:p8:-0.40" "2017:4::att8:46.3" "2019:2:fsm6=yes:rwm_expected:51.0" \
         "2018:2::rwm_expected:65.0"; do
    IFS=: read -r yr ks f ind want <<EOF
$m
EOF
    out=$(R --format csv --year "$yr" --key-stage "$ks" ${f:+--filter "$f"} overview)
    is "$(printf '%s' "$out" | field indicator "$ind" national)" "$want" \
       "overview $yr KS$ks ${f:-all}: $ind against England's ($want)"
done
# Intervals under a filter (issue 27). A pupil group's Progress 8 interval
# uses the year's national SD of all pupils, as the DfE's published group
# intervals do (tests/unit/test_dfe.c); Attainment 8 (pupil_sd) the pupils'
# own SD; percentages Wilson. With no national figure for EAL pupils in 2019
# the interval is still given, the significance left empty.
sd=$(q "SELECT sd FROM national WHERE year = $Y AND indicator = 'p8' AND filter = ''")
for m in "fsm6=yes:p.fsm6 = 1:similar" "eal=yes:p.eal = 1:"; do
    f=${m%%:*} rest=${m#*:}
    flt="AND ${rest%%:*}" sig=${rest#*:}
    out=$(R --format csv --filter "$f" overview)
    p8=$(ks4 "$flt AND k.p8 IS NOT NULL")
    is "$(printf '%s' "$out" | field indicator p8 lo),$(printf '%s' "$out" | field indicator p8 hi)" \
       "$(q "SELECT printf('%.3f,%.3f', avg(k.p8) - 1.96 * $sd / sqrt(count(*)), avg(k.p8) + 1.96 * $sd / sqrt(count(*))) $p8")" \
       "overview $f: P8 interval from all pupils' national SD ($sd)"
    is "$(printf '%s' "$out" | field indicator p8 sig)" "$sig" "overview $f: P8 significance '${sig}'"
    a8="avg(k.att8) %s 1.96 * sqrt((sum(k.att8 * k.att8) - sum(k.att8) * sum(k.att8) / count(*)) / (count(*) - 1) / count(*))"
    is "$(printf '%s' "$out" | field indicator att8 lo),$(printf '%s' "$out" | field indicator att8 hi)" \
       "$(q "SELECT printf('%.2f,%.2f', $(printf "$a8" -), $(printf "$a8" +)) $(ks4 "$flt")")" \
       "overview $f: A8 interval from its pupils' SD"
done
out=$(R --format csv --filter fsm6=yes overview)
is "$(printf '%s' "$out" | field indicator p8 band)" "Below average" \
   "overview FSM6: P8 band on the DfE's scale (against all pupils' 0)"
out=$(R --format csv --filter fsm6=yes schools)
p8=$(ks4 "AND p.fsm6 = 1 AND k.p8 IS NOT NULL" 900001)
is "$(printf '%s' "$out" | field urn 900001 p8_lo),$(printf '%s' "$out" | field urn 900001 p8_hi)" \
   "$(q "SELECT printf('%.2f,%.2f', avg(k.p8) - 1.96 * $sd / sqrt(count(*)), avg(k.p8) + 1.96 * $sd / sqrt(count(*))) $p8")" \
   "schools FSM6: Harbour High's P8 interval"
is "$(printf '%s' "$out" | field urn 900001 p8_sig)" above \
   "schools FSM6: Harbour High's P8 significantly above England's FSM6 pupils"
# The DfE's gap convention (--gap): disadvantaged pupils against England's
# other pupils, in every figure, mark and finding; refused without the
# disadvantaged filter, and on views without national figures.
out=$(R --format csv --filter fsm6=yes --gap overview)
is "$(printf '%s' "$out" | field indicator p8 national),$(printf '%s' "$out" | field indicator p8 sig)" \
   "0.13,below" "overview FSM6 --gap: P8 against England's not-FSM6 pupils (+0.13), below"
is "$(printf '%s' "$out" | field indicator att8 national)" 50.3 \
   "overview FSM6 --gap: A8 against England's not-FSM6 pupils (50.3)"
out=$(R --filter fsm6=yes --gap overview)
like "$out" "National: England's Not FSM6 pupils, the DfE's gap\." "the note names the comparator"
like "$out" "Brookside Secondary School: Progress 8 -0\.[0-9]+ \(n=91\), significantly below England's Not FSM6 pupils \(\+0.13\)" \
     "findings name the comparator"
out=$(R --format csv --filter fsm6=yes schools)
is "$(printf '%s' "$out" | field urn 900001 p8_sig)" above "schools FSM6: Harbour High above England's FSM6 pupils"
out=$(R --format csv --filter fsm6=yes --gap schools)
is "$(printf '%s' "$out" | field urn 900001 p8_sig)" "" \
   "schools FSM6 --gap: Harbour High's FSM6 pupils not different from England's others"
for a in "overview" "--filter fsm6=no overview"; do
    run R --gap $a
    is "$rc:$err" "1:collab: comparing with other pupils nationally is the DfE's convention for disadvantaged pupils: filter fsm6=yes first" \
       "--gap $a: refused, saying what it needs"
done
run R --filter fsm6=yes --gap pupils 900001
like "$err" "--gap applies to the views with national figures" "--gap refused on the pupils view"
# The schools view says what its marks compare with under a filter, and what
# is not compared (2019 has no England figure for EAL pupils).
out=$(R --filter eal=yes schools)
like "$out" "National: England, same pupils \(EAL\)\. Not compared, none published: A8, P8, EM 4\+, EM 5\+, Absence, PA\." \
     "schools EAL: the note names the comparator and what is not compared"
unlike "$(R schools)" "National: England" "schools, all pupils: no such note"
# All pupils' P8 is marked against 0, as the DfE bands it: mark and band
# agree for every school, every year.
for yr in 2017 2018 2019; do
    out=$(R --format csv --year $yr schools)
    bad=$(printf '%s\n' "$out" | python3 -c '
import csv, sys
side = {"Well above average": "above", "Above average": "above", "Average": "",
        "Below average": "below", "Well below average": "below"}
for r in csv.DictReader(sys.stdin):
    b = r.get("p8_band", "")
    if b in side and side[b] != r.get("p8_sig", ""):
        print(r["urn"], b, r.get("p8_sig"))')
    is "$bad" "" "schools $yr: each P8 mark agrees with its band"
done
out=$(R --format csv --year 2019 overview)
is "$(printf '%s' "$out" | field indicator p8 sig),$(printf '%s' "$out" | field indicator p8 band)" \
   "similar,Average" "overview: the group's P8 sig against 0 agrees with its band"
# Attendance (issue 6): absence rate and persistent absence (10%+ of sessions
# missed) on the overview and the schools view, filtered like the rest.
att() { echo "FROM pupil p JOIN attendance a ON a.pupil = p.id WHERE p.year = $Y AND p.key_stage = 4 AND p.school IN (${2:-$NM}) $1"; }
for f in "" fsm6=yes; do
    flt=""; args=""
    [ -n "$f" ] && { flt="AND p.fsm6 = 1"; args="--filter $f"; }
    out=$(R --format csv $args overview)
    is "$(printf '%s' "$out" | field indicator absence value)" \
       "$(q "SELECT printf('%.1f', 100.0 * sum(a.sessions_missed) / sum(a.sessions_possible)) $(att "$flt")")" \
       "overview ${f:-all}: absence rate"
    is "$(printf '%s' "$out" | field indicator persistent_absence value)" \
       "$(q "SELECT printf('%.1f', 100.0 * sum(a.sessions_missed >= 0.1 * a.sessions_possible) / count(*)) $(att "$flt")")" \
       "overview ${f:-all}: persistent absence"
    is "$(R --format csv $args schools | field urn 900001 persistent_absence)" \
       "$(q "SELECT printf('%.1f', 100.0 * sum(a.sessions_missed >= 0.1 * a.sessions_possible) / count(*)) $(att "$flt" 900001)")" \
       "schools ${f:-all}: Harbour High's persistent absence"
done
# Secondary suppression may hide a group cell of 6 or more (to protect a
# small school cell); a shown figure must still be right.
out=$(R --format csv --filter sen=support --filter gender=female overview | field indicator att8 value)
want=$(q "SELECT printf('%.1f', avg(k.att8)) $(ks4 "AND p.sen = 'K' AND p.gender = 'F'")")
ok "$([ "$out" = x ] || [ "$out" = "$want" ]; echo $?)" "overview SEN support girls: A8 is $want or suppressed (got $out)"
all=$(R --format csv overview | field indicator att8 value)
fsm=$(R --format csv --filter fsm6=yes overview | field indicator att8 value)
sg=$(R --format csv --filter fsm6=YES --filter gender=Girls overview | field indicator att8 value)
ok "$([ "$all" != "$fsm" ] && [ "$all" != "$sg" ] && [ "$fsm" != "$sg" ]; echo $?)" \
   "each filter changes the figures ($all, $fsm, $sg)"
out=$(R overview)
like "$out" "Findings:" "overview lists findings"
like "$out" "significantly (above|below) national" "findings say above or below national"

# ---- schools, with suppression ----
check_schools() {   # NAME SQL-FILTER ARGS...: every school's A8 matches or is x when n < 6
    name=$1; flt=$2; shift 2
    out=$(R --format csv "$@" schools)
    bad=0; compared=0; small=0
    for urn in 900001 900002 900003 900004 900005 900006 900007 900008; do
        got=$(printf '%s' "$out" | field urn "$urn" att8)
        n=$(q "SELECT count(*) $(ks4 "$flt" "$urn")")
        want=$(q "SELECT printf('%.1f', avg(k.att8)) $(ks4 "$flt" "$urn")")
        if [ "$n" -lt 6 ]; then
            small=$((small + 1)); [ "$got" = x ] || { bad=1; diag "$urn: n=$n shows '$got', want x"; }
        elif [ "$got" != x ]; then   # x here: secondary suppression
            compared=$((compared + 1)); [ "$got" = "$want" ] || { bad=1; diag "$urn: got $got want $want"; }
        fi
    done
    ok "$bad" "schools $name: each school's A8 matches SQL ($compared compared, $small under 6 shown x)"
    case $name in
    *SEN*) ok "$([ "$small" -gt 0 ]; echo $?)" "schools $name: small cells were checked" ;;
    *) ok "$([ "$compared" -gt 0 ]; echo $?)" "schools $name: figures were compared" ;;
    esac
}
check_schools "all pupils" ""
check_schools "FSM6" "AND p.fsm6 = 1" --filter fsm6=yes
check_schools "FSM6 girls" "AND p.fsm6 = 1 AND p.gender = 'F'" --filter fsm6=yes --filter gender=female
check_schools "SEN support girls" "AND p.sen = 'K' AND p.gender = 'F'" --filter sen=support --filter gender=female
out=$(R --format csv --filter sen=support --filter gender=female schools)
like "$out" ",x," "a small SEN-support-girls cell is suppressed"
out=$(R --filter sen=support --filter gender=female schools)
like "$out" "^x: fewer than 6 pupils, or hidden so a group that small cannot be worked out$" \
    "a table with an x says what x means under it"
unlike "$(R --format csv --filter sen=support --filter gender=female schools)" "x: fewer" \
    "CSV stays data only"
unlike "$(R overview)" "x: fewer" "a table without an x says nothing of it"
out=$(R --format csv schools)
is "$(printf '%s' "$out" | field urn 900001 fsm6_pct)" \
   "$(q "SELECT printf('%.1f', 100.0 * sum(fsm6) / count(*)) FROM pupil WHERE school = 900001 AND year = $Y AND key_stage = 4")" \
   "schools: FSM6 % of a school's cohort"
like "$(printf '%s' "$out" | head -1)" "^rank,school,urn" "league tables on: a rank column"
out=$(R --format csv --sort -att8 schools)
is "$(printf '%s' "$out" | sed -n 2p | cut -d, -f1)" "1" "sorted by A8 descending, the first row has rank 1"

# ---- subjects ----
check_subjects() {
    name=$1; flt=$2; shift 2
    out=$(R --format csv "$@" subjects)
    for s in MATHS EN_LANG HISTORY; do
        e=$(q "SELECT count(*) FROM result r JOIN pupil p ON p.id = r.pupil WHERE r.subject = '$s' AND p.year = $Y AND p.key_stage = 4 AND p.school IN ($NM) $flt")
        pts=$(q "SELECT printf('%.2f', avg(r.points)) FROM result r JOIN pupil p ON p.id = r.pupil WHERE r.subject = '$s' AND p.year = $Y AND p.key_stage = 4 AND p.school IN ($NM) $flt")
        [ "$e" -lt 6 ] && pts=x && e=x
        is "$(printf '%s' "$out" | field subject "$s" entries)" "$e" "subjects $name: $s entries"
        is "$(printf '%s' "$out" | field subject "$s" points)" "$pts" "subjects $name: $s average points"
    done
}
check_subjects "all pupils" ""
check_subjects "FSM6" "AND p.fsm6 = 1" --filter fsm6=yes
check_subjects "FSM6 girls" "AND p.fsm6 = 1 AND p.gender = 'F'" --filter fsm6=yes --filter gender=female

out=$(R --format csv --filter fsm6=yes subject MATHS)
bad=0
for urn in 900001 900003 900008; do
    e=$(q "SELECT count(*) FROM result r JOIN pupil p ON p.id = r.pupil WHERE r.subject = 'MATHS' AND p.year = $Y AND p.key_stage = 4 AND p.school = $urn AND p.fsm6 = 1")
    g=$(printf '%s' "$out" | field urn "$urn" entries)
    if [ "$e" -lt 6 ]; then [ "$g" = x ] || bad=1; elif [ "$g" != x ] && [ "$g" != "$e" ]; then bad=1; diag "$urn: $g vs $e"; fi
done
ok "$bad" "subject MATHS, FSM6: entries per school match SQL"
is "$(printf '%s' "$out" | tail -n 1 | tr -d '\r' | cut -d, -f3)" \
   "$(q "SELECT count(*) FROM result r JOIN pupil p ON p.id = r.pupil WHERE r.subject = 'MATHS' AND p.year = $Y AND p.key_stage = 4 AND p.school IN ($NM) AND p.fsm6 = 1")" \
   "subject MATHS, FSM6: the group row"

# ---- similar ----
# Values from the source; which of them are hidden (x) from the group store:
# a hidden figure counts for nothing, the rest are scaled to the whole weight.
G="$DATA/group-northmoor-secondary.db"
hidden=$(sqlite "$G" "SELECT urn, fsm6_pct IS NULL, eal_pct IS NULL, sen_pct IS NULL, cohort IS NULL, prior_mean IS NULL FROM school_context WHERE year = $Y AND key_stage = 4" | tr '\n' ' ')
want=$(q "SELECT school, 100.0*sum(fsm6)/count(*), 100.0*sum(eal)/count(*), 100.0*sum(sen <> 'N')/count(*), count(*), avg(prior_score) FROM pupil WHERE year = $Y AND key_stage = 4 AND school IN ($NM) GROUP BY school" |
    python3 -c '
import sys, math
hid = {h.split("|")[0]: [int(v) for v in h.split("|")[1:]] for h in sys.argv[1].split()}
rows = [l.strip().split("|") for l in sys.stdin if l.strip()]
urns = [r[0] for r in rows]; x = [[float(v) for v in r[1:]] for r in rows]
have = lambda i, f: not hid[urns[i]][f]
z = [[0.0] * len(urns) for f in range(5)]
for f in range(5):
    idx = [i for i in range(len(urns)) if have(i, f)]
    m = sum(x[i][f] for i in idx) / len(idx)
    sd = math.sqrt(sum((x[i][f] - m) ** 2 for i in idx) / len(idx))
    for i in idx: z[f][i] = (x[i][f] - m) / sd if sd > 0 else 0
t = urns.index("900001")
def dist(i):
    fs = [f for f in range(5) if have(i, f) and have(t, f)]
    return math.sqrt(sum((z[f][i] - z[f][t]) ** 2 for f in fs) * 5 / len(fs))
d = [(dist(i), urns[i]) for i in range(len(urns))]
print(" ".join("%s:%.2f" % (u, dist) for dist, u in sorted(d)))' "$hidden")
got=$(R --format csv similar 900001 | tr -d '\r' | awk -F, 'NR > 1 { printf "%s%s:%s", sep, $2, $3; sep = " " }')
is "$got" "$want" "similar 900001: order and distances from z-scores over the source"
like "$hidden" "1" "(some intake figure of 2019 is hidden, so the test tries that case)"
westfield=$(R --format csv similar 900006 | tr -d '\r')
is "$(printf '%s\n' "$westfield" | sed -n 2p | cut -d, -f1,2,5)" "Westfield College,900006,x" \
   "similar 900006: Westfield is compared though its EAL % is hidden (x)"

# ---- pupils ----
H="--user hana --group harbour-partnership"
run R $H --format csv pupils 900001
is "$rc" 0 "pupils: Harbour High's own leader with pupil_level may see them"
is "$(printf '%s\n' "$out" | tail -n +2 | grep -c .)" \
   "$(q "SELECT count(*) FROM pupil WHERE school = 900001 AND year = $Y AND key_stage = 4")" "pupils: one row per pupil"
p1=$(q "SELECT id FROM pupil WHERE school = 900001 AND year = $Y AND key_stage = 4 ORDER BY id LIMIT 1")
is "$(printf '%s' "$out" | field pupil "$p1" att8)" \
   "$(q "SELECT printf('%.1f', att8) FROM pupil_ks4 WHERE pupil = '$p1'")" "pupils: a pupil's A8"
run R $H --format csv --filter fsm6=yes --filter gender=female pupils 900001
is "$(printf '%s\n' "$out" | tail -n +2 | grep -c .)" \
   "$(q "SELECT count(*) FROM pupil WHERE school = 900001 AND year = $Y AND key_stage = 4 AND fsm6 = 1 AND gender = 'F'")" \
   "pupils: filters apply"
run R --user priya --group harbour-partnership pupils 900001
is "$rc" 1 "pupils refused for a user without pupil_level"
like "$err" "pupil_level" "the refusal says why"
run R --user cal --group harbour-partnership pupils 900001
is "$rc" 1 "pupils refused for a user of another school"
like "$err" "own users" "the refusal says whose pupils they are"
run "$COLLAB" audit --data "$DATA" --format csv
like "$out" "priya,refused,900001" "audit row for the refused pupil_level"
like "$out" "cal,refused,900001" "audit row for the other school's user"
like "$out" "hana,pupils,900001" "audit row for the pupil view"

# ---- league tables off (harbour-partnership) ----
P="--user pat --group harbour-partnership"
run R $P --format csv schools
is "$rc" 0 "schools view of a no-league-tables group"
unlike "$(printf '%s' "$out" | head -1)" "rank" "no rank column when league tables are off"
run R $P --sort p8 schools
is "$rc" 1 "sorting by an indicator is refused when league tables are off"
like "$err" "league tables are off" "the refusal says why"

# ---- JSON ----
for v in overview subjects schools "subject MATHS" "similar 900001"; do
    # shellcheck disable=SC2086
    R --format json $v >"$T/out.json"
    python3 -m json.tool "$T/out.json" >/dev/null
    ok $? "JSON of $v parses"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if {"title","columns","rows","findings"} <= d.keys() and all({"id","label"} <= c.keys() for c in d["columns"]) else 1)' "$T/out.json"
    ok $? "JSON of $v has title, columns (id, label), rows, findings"
done

# ---- absence: pupils are the unit ----
# The LA group's absence rate went from 5.30% (2018) to 5.43% (2019). Its
# sessions taken as independent trials make that z of about 2.6, a rise;
# with pupils as the unit (the variance publish stores as absence_v) z is
# about 0.4, and the Overview marks no change.
rate_sql() { echo "SELECT 100.0 * absence_s1 / absence_s2 AS r, absence_v AS v,
    1e4 * (absence_s1 / absence_s2) * (1 - absence_s1 / absence_s2) / absence_s2 AS w
    FROM agg_pupil WHERE scope = 0 AND fkey = 0 AND key_stage = 4 AND year = $1"; }
zs=$(sqlite "$DATA/group-northmoor-secondary.db" "SELECT printf('%.2f %.2f',
    (b.r - a.r) / sqrt(a.v + b.v), (b.r - a.r) / sqrt(a.w + b.w))
    FROM ($(rate_sql 2018)) a, ($(rate_sql 2019)) b")
set -- $zs
ok "$(awk -v z="$1" 'BEGIN { print (z > 0.3 && z < 0.6) ? 0 : 1 }')" \
   "absence 2018 to 2019, pupils as the unit: z = $1 (not significant)"
ok "$(awk -v z="$2" 'BEGIN { print (z > 1.96) ? 0 : 1 }')" \
   "sessions as independent trials would have called it significant: z = $2"
R --group northmoor-secondary --format json overview >"$T/abs.json"
is "$(python3 -c 'import json,sys; print([r["change"] for r in json.load(open(sys.argv[1]))["rows"] if r["indicator"] == "absence"][0] or "none")' "$T/abs.json")" \
   "none" "and the Overview marks no change in absence"

# ---- usage errors ----
run R --filter colour=red overview
is "$rc" 2 "unknown filter dimension is a usage error"
like "$err" "fsm6, eal, sen, gender, prior" "and lists the dimensions"
run R --filter fsm6=maybe overview
is "$rc" 2 "unknown filter value is a usage error"
like "$err" "yes \\(FSM6\\), no \\(Not FSM6\\)" "and lists the values"
run R nonsense
is "$rc" 2 "unknown view is a usage error"

done_testing
