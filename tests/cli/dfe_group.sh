#!/bin/sh
# A group of real schools known only by the DfE's published figures: the
# demo's camden-secondary (sample-data/dfe/, ten Camden secondaries). Each
# school's figures are the file's own, percentiles are a count over the
# file done here with awk, a pupil-group filter gives n/a (never 0), the
# overview combines the published figures, and similar schools are found
# across England in distance order, checked on a hand-worked case.
. "$top_srcdir/tests/lib.sh"

KS4="$SAMPLE/dfe/england_ks4provisional.csv"
run "$COLLAB" demo --data "$T/d" </dev/null
is "$rc" 0 "demo builds with the DfE files"

R() { "$COLLAB" report --data "$T/d/data" --config "$T/d/config" --user nadia \
      --group camden-secondary "$@" 2>"$T/rerr" | tr -d '\r'; }
# ks4 URN COLUMN: a cell of the DfE's KS4 file (names may hold quoted commas).
ks4() {
    awk -F, -v urn="$1" -v col="$2" '
        { sub(/^\357\273\277/, ""); gsub(/"[^"]*"/, "Q") }
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
        $4 == urn { print $c; exit }' "$KS4"
}
# pctl COLUMN VALUE: percentile rank of VALUE among England's state-funded
# mainstream secondaries (schools with a KS4 cohort, TPUP, whose NFTYPE is
# neither independent nor special) with a number, below + half the equal,
# over all.
pctl() {
    awk -F, -v col="$1" -v v="$2" '
        { sub(/^\357\273\277/, ""); gsub(/"[^"]*"/, "Q") }
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
        ($1 == 1 || $1 == 2) && $7 ~ /^[0-9]+$/ &&
        $6 !~ /^(IND|INDSPEC|ACCS|ACS|CYS|FDS|FS|NMSS)$/ && $c ~ /^-?[0-9.]+%?$/ {
            x = $c; sub(/%$/, "", x); n++; if (x + 0 < v + 0) b++; else if (x + 0 == v + 0) e++ }
        END { printf "%.0f", 100 * (b + e / 2) / n }' "$KS4"
}
# ov CSV INDICATOR COLUMN: a cell of the overview's CSV.
ov() {
    printf '%s\n' "$1" | awk -F, -v id="$2" -v col="$3" '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
        $1 == id { print $c; exit }'
}
num() { awk -v x="$1" 'BEGIN { sub(/%$/, "", x); printf "%.2f", x }'; }

out=$(R --format csv schools)
is "$(printf '%s\n' "$out" | tail -n +2 | wc -l | tr -d ' ')" 10 "schools: the ten Camden secondaries"
# Acland Burghley School (100053), The Camden School for Girls (100054).
for urn in 100053 100054; do
    for pair in att8:ATT8SCR p8:P8MEA p8_lo:P8CILOW p8_hi:P8CIUPP basics4:PTL2BASICS_94 \
                basics5:PTL2BASICS_95 cohort:TPUP; do
        col=${pair%%:*} dfe=${pair#*:}
        is "$(num "$(csv_cell "$out" $urn $col)")" "$(num "$(ks4 $urn $dfe)")" \
           "$urn: $col is the published $dfe ($(ks4 $urn $dfe))"
    done
    for pair in att8:ATT8SCR p8:P8MEA basics4:PTL2BASICS_94; do
        col=${pair%%:*} dfe=${pair#*:}
        is "$(csv_cell "$out" $urn ${col}_pctl)" "$(pctl $dfe "$(ks4 $urn $dfe)")" \
           "$urn: ${col} percentile is the count over the KS4 file"
    done
done
is "$(csv_cell "$out" 100053 att8)/$(csv_cell "$out" 100053 p8)/$(csv_cell "$out" 100053 p8_lo)/$(csv_cell "$out" 100053 p8_hi)" \
   "47.2/-0.08/-0.30/0.14" "Acland Burghley: A8 47.2, P8 -0.08 (-0.30 to 0.14)"
is "$(csv_cell "$out" 100053 p8_band)" "Average" "Acland Burghley: band average (P8_BANDING 3)"
is "$(csv_cell "$out" 100054 att8)/$(csv_cell "$out" 100054 p8)" "63.4/0.74" \
   "The Camden School for Girls: A8 63.4, P8 0.74"
is "$(csv_cell "$out" 100054 p8_band)" "Well above average" \
   "The Camden School for Girls: well above average (P8_BANDING 1)"
is "$(csv_cell "$out" 100054 p8_sig)" "above" "The Camden School for Girls: P8 significantly above"
is "$(csv_cell "$out" 100053 absence)/$(csv_cell "$out" 100053 fsm6_pct)/$(csv_cell "$out" 100053 eal_pct)" \
   "6.3/47.1/28.2" "Acland Burghley: absence, FSM6 % and EAL % from the census and absence files"
is "$(csv_cell "$out" 100053 sen_pct)" "19.6" "Acland Burghley: SEN % is support 17.3 + EHC 2.3"

out=$(R --format csv --filter fsm6=yes schools)
for urn in 100053 100054; do
    is "$(csv_cell "$out" $urn att8)/$(csv_cell "$out" $urn p8)/$(csv_cell "$out" $urn basics4)" "n/a/n/a/n/a" \
       "$urn with fsm6=yes: n/a, not 0"
    is "$(csv_cell "$out" $urn rank)" "" "$urn with fsm6=yes: not ranked"
done
out=$(R --filter fsm6=yes schools)
like "$out" "pupil-group filters do not apply" "filtered schools view: the note says why"
unlike "$out" " 0\.0 " "filtered schools view: no zeros"

# The overview of a group with no pupil data: the published figures combined.
out=$(R --format csv overview)
a8=$(awk -F, 'FNR == 1 { sub(/^\357\273\277/, "") } { gsub(/"[^"]*"/, "Q") }
     $1 == 1 && $2 == 202 && $6 != "IND" && $7 ~ /^[0-9]+$/ { s += $7 * $8; n += $7 }
     END { printf "%.1f", s / n }' "$KS4")
is "$(ov "$out" att8 value)" "$a8" \
   "overview: group A8 is the cohort-weighted mean of the schools' published A8 ($a8)"
is "$(ov "$out" p8 national)" "$(awk -F, '$1 == 7 { print $10 }' "$KS4")" \
   "overview: national P8 comparator"
out=$(R overview)
like "$out" "only the DfE's published school-level figures" "overview: says the group has only published data"
like "$out" "Parliament Hill School: Progress 8 \+0.77 \(DfE\) is significantly above average \(0, as the DfE bands it\): published interval \+0.58 to \+0.97" \
     "overview: a finding from a published interval"
out=$(R --filter fsm6=yes --format csv overview)
is "$(ov "$out" att8 value)" "n/a" "overview with fsm6=yes: n/a"

# Similar schools across England.
out=$(R --format csv similar 100053 --national)
is "$(printf '%s\n' "$out" | head -1)" "school,urn,la_code,distance,fsm6_pct,eal_pct,sen_pct,cohort" \
   "similar --national: columns with the distance"
is "$(printf '%s\n' "$out" | sed -n 2p | cut -d, -f2,4)" "100053,0.00" "the school itself first, at 0"
is "$(printf '%s\n' "$out" | tail -n +3 | wc -l | tr -d ' ')" 20 "then the 20 nearest"
ok "$(printf '%s\n' "$out" | tail -n +2 | awk -F, '{ gsub(/"[^"]*"/, "Q"); if ($4 + 0 < last) bad = 1; last = $4 + 0 } END { exit bad }'; echo $?)" \
   "in distance order"
run "$COLLAB" report --data "$T/d/data" --config "$T/d/config" --user nadia \
    --group camden-secondary --format csv similar 100053
is "$(printf '%s\n' "$out" | head -1 | tr -d '\r')" "school,urn,la_code,distance,fsm6_pct,eal_pct,sen_pct,cohort" \
   "a school with no pupil data is compared across England without --national"
run "$COLLAB" report --data "$T/d/data" --config "$T/d/config" --national schools
is "$rc" 2 "--national with another view is a usage error"

# A hand-worked case: four schools, SEN and cohort equal (they count for
# nothing). FSM6 10, 20, 10, 40: mean 20, sd sqrt(150); EAL 0, 0, 10, 0:
# mean 2.5, sd sqrt(18.75). From A: B 10/sqrt(150) = 0.82, C
# 10/sqrt(18.75) = 2.31, D 30/sqrt(150) = 2.45.
H="$T/hand"
mkdir -p "$H/cfg"
cp "$SAMPLE"/config/*.yaml "$H/cfg/"
printf 'RECTYPE,LEA,ESTAB,URN,SCHNAME,TPUP\n' >"$H/ks4.csv"
printf 'URN,ESTAB,PNUMFSMEVER,PNUMEAL,PSENELK,PSENELSE\n' >"$H/census.csv"
for s in "A 100001 10 0" "B 100002 20 0" "C 100003 10 10" "D 100004 40 0"; do
    set -- $s
    printf '1,999,%s,%s,School %s,100\n' "${2#1000}" "$2" "$1" >>"$H/ks4.csv"
    printf '%s,%s,%s,%s,8,2\n' "$2" "${2#1000}" "$3" "$4" >>"$H/census.csv"
done
cat >"$H/cfg/groups.yaml" <<EOF
organisations:
  - { id: la, name: An LA, kind: la }
  - { id: a, name: School A, kind: school, urn: 100001 }
groups:
  - { id: g, name: G, owner: la, visibility: la_only, schools: [100001], users: [me] }
users:
  - { id: me, login: "$(id -un)", name: Me, organisation: la, role: analyst, global: true,
      access: [school_level, collaborate] }
EOF
"$COLLAB" import --db "$H/s.db" dfe-ks4 "$H/ks4.csv" >/dev/null &&
"$COLLAB" import --db "$H/s.db" dfe-census "$H/census.csv" >/dev/null &&
"$COLLAB" publish --db "$H/s.db" --config "$H/cfg" --data "$H/data" >/dev/null 2>&1
is "$?" 0 "hand-worked case: import and publish"
hand() { "$COLLAB" report --data "$H/data" --config "$H/cfg" --format csv similar 100001 |
         tr -d '\r' | tail -n +2 | cut -d, -f2,4 | tr '\n' ' '; }
is "$(hand)" "100001,0.00 100002,0.82 100003,2.31 100004,2.45 " \
   "hand-worked: A, then B 0.82, C 2.31, D 2.45"
printf 'similarity: { eal_pct: 0 }\n' >>"$H/cfg/indicators.yaml"
is "$(hand)" "100001,0.00 100003,0.00 100002,0.82 100004,2.45 " \
   "EAL weighted 0: C is as near as A itself, then B, D"
# The P8 mark is against 0, as the DfE bands it, so mark and band agree;
# the band is the published P8_BANDING, and one the DfE withheld (SUPP, a
# UTC) stays withheld. South Bank Engineering UTC (142905) joins the group:
# P8 -1.45, interval -1.81 to -1.08, band SUPP.
cp -r "$T/d/config" "$T/cfg-utc"
sed -e 's/^  - { id: william-ellis, name: William Ellis School, kind: school, urn: 100056 }$/&\
  - { id: south-bank-utc, name: South Bank Engineering UTC, kind: school, urn: 142905 }/' \
    -e 's/^              137181, 100056\]$/              137181, 100056, 142905]/' \
    "$T/d/config/groups.yaml" >"$T/cfg-utc/groups.yaml"
"$COLLAB" publish --db "$T/d/source.db" --config "$T/cfg-utc" --data "$T/d-utc" >/dev/null 2>&1 ||
    fail "setup: publish with the UTC"
out=$("$COLLAB" report --data "$T/d-utc" --config "$T/cfg-utc" --user nadia \
      --group camden-secondary --format csv schools)
is "$(csv_cell "$out" 142905 p8)/$(csv_cell "$out" 142905 p8_band)" "-1.45/withheld (SUPP)" \
   "a band the DfE withheld is shown withheld, not worked out"
is "$(csv_cell "$out" 142905 p8_sig)" below "its P8 is still marked below 0 by its interval"
for urn in 100053 100054 100052 100049 100059 100055 100050 100051 137181 100056; do
    band=$(csv_cell "$out" $urn p8_band) sig=$(csv_cell "$out" $urn p8_sig)
    case "$band:$sig" in
        "Well above average:above"|"Above average:above"|"Average:"|"Below average:below"|"Well below average:below")
            pass "$urn: mark '$sig' agrees with the published band '$band'" ;;
        *) fail "$urn: mark '$sig' agrees with the published band '$band'" ;;
    esac
done
# Percentiles rank a school among England's state-funded mainstream
# secondaries only: with the DfE's full absence file (every school, primaries
# and special schools too) imported, a Camden secondary's absence percentile
# is still its rank among secondaries, computed here from the two files.
ABS=/work/shared/data/dfe-2019/england_abs.csv
if [ -r "$ABS" ] && command -v python3 >/dev/null 2>&1; then
    cp "$T/d/source.db" "$T/full.db"
    "$COLLAB" import --db "$T/full.db" dfe-absence "$ABS" >/dev/null ||
        fail "setup: full absence file"
    "$COLLAB" publish --db "$T/full.db" --config "$T/d/config" --data "$T/d-full" >/dev/null 2>&1 ||
        fail "setup: publish over the full absence file"
    out=$("$COLLAB" report --data "$T/d-full" --config "$T/d/config" --user nadia \
          --group camden-secondary --format csv schools)
    want=$(python3 - "$KS4" "$ABS" <<'PY'
import csv, sys
def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))
excluded = {"IND", "INDSPEC", "ACCS", "ACS", "CYS", "FDS", "FS", "NMSS"}
sec = {r["URN"] for r in rows(sys.argv[1]) if r["RECTYPE"] in ("1", "2")
       and r["TPUP"].isdigit() and r["NFTYPE"] not in excluded}
def num(x):
    try:
        return float(x)
    except ValueError:
        return None
absence = {r["URN"]: num(r["PERCTOT"]) for r in rows(sys.argv[2]) if r["URN"]}
def rank(v, pool):
    return round(100 * (sum(x < v for x in pool) + sum(x == v for x in pool) / 2) / len(pool))
pool = [v for u, v in absence.items() if u in sec and v is not None]
every = [v for v in absence.values() if v is not None]
print("%d,%d" % (rank(absence["100053"], pool), rank(absence["100053"], every)))
PY
)
    is "$(csv_cell "$out" 100053 absence_pctl)" "${want%%,*}" \
       "full absence file: Acland Burghley's absence percentile among secondaries (${want%%,*}, not ${want#*,} among all schools)"
else
    skip "the full absence file or python3 is not here"
fi
done_testing
