#!/bin/sh
# collab eval and `report evaluation`: a good import, a bad score refused
# with the range and nothing saved, a leader refused for another school, the
# aggregates against hand-worked values, and two imports at the same moment.
. "$top_srcdir/tests/lib.sh"

$COLLAB demo --data "$T/demo" >/dev/null 2>"$T/demo.err" </dev/null
ok $? "demo builds the sample stores"
DATA="$T/demo/data"
FIX="$top_srcdir/tests/data/eval"
# The sample's harbour-partnership lacks Westfield's consent and Riverside
# withdrew, so its school users would not see it: give both consent, and
# list the LA analyst asha on it.
mkdir -p "$T/config"
cp -r "$T/demo/config/." "$T/config/"
sed -e '/withdrawn: 2025-03-01 }/d' \
    -e 's/signatory: "R. Ellis, Headteacher",/signatory: "R. Ellis, Headteacher" }/' \
    -e 's/^  - { urn: 900007,/  - { urn: 900006, signed: 2024-09-17, signatory: "W. Field" }\n  - { urn: 900007,/' \
    -e 's/users: \[pat, hana, cal, priya, rob\]/users: [pat, hana, cal, priya, rob, asha]/' \
    "$T/demo/config/groups.yaml" >"$T/config/groups.yaml"
run "$COLLAB" check --config "$T/config"
is "$rc" 0 "the edited config is valid"
STORE="$DATA/eval-harbour-partnership.db"
# The demo fills past terms with sample entries; these tests start from
# an empty evaluation store.
sqlite "$DATA/eval-harbour-partnership.db" "DELETE FROM eval_score; DELETE FROM eval_text"
ok "$([ -f "$STORE" ]; echo $?)" "publish made the evaluation store"

ev() { user=$1; shift; "$COLLAB" eval --data "$DATA" --config "$T/config" \
    --group harbour-partnership --user "$user" "$@"; }
report() { "$COLLAB" report --data "$DATA" --config "$T/config" --group harbour-partnership \
    --user "${1:-asha}" --term 2026-autumn --format csv evaluation | tr -d "\r"; }
rows() { sqlite "$STORE" "SELECT count(*) FROM eval_score" ; }

run ev hana import "$FIX/good.csv"
is "$rc" 0 "a leader imports her school's entries"
like "$out" "^4 entries saved" "four entries saved"
run ev cal import "$FIX/cal.csv"
is "$rc" 0 "another leader imports his"

before=$(sqlite "$STORE" "SELECT * FROM eval_score ORDER BY 1,2,3,4")
run ev hana import "$FIX/bad-score.csv"
is "$rc" 1 "a score of 7 is refused"
like "$err" "bad-score.csv:3: column school_score: score must be 1-4, not '7'" \
     "FILE:LINE: column X with the valid range"
like "$err" "nothing imported" "and says nothing was imported"
after=$(sqlite "$STORE" "SELECT * FROM eval_score ORDER BY 1,2,3,4")
is "$after" "$before" "the store is unchanged (the good line 2 was not saved either)"

run ev hana import "$FIX/other-school.csv"
is "$rc" 1 "a leader cannot import for another school"
like "$err" "other-school.csv:2: column urn: leaders enter scores for their own school only" \
     "the refusal names the line and the rule"
run ev priya import "$FIX/good.csv"
is "$rc" 1 "a subject leader cannot import"
like "$err" "only school leaders enter evaluation scores" "and is told why"
run "$COLLAB" audit --data "$DATA"
like "$out" "refused" "refusals are in the audit log"

# Hand-worked (good.csv and cal.csv):
#  vision: partnership {3,1}: mean 2.00, min 1, max 3, SD 1.00; self {4,3}:
#          3.50; gap +1.50; summer {1,2}: 1.50, change +0.50; n 2;
#          Harbour High's own 4, Castlegate's 3.
#  data:   partnership {2,2}: 2.00, SD 0.00; self {3,2}: 2.50; gap 0.50;
#          nothing in summer: no change.
#  review: partnership {1}: 1.00; no self score: no gap.
#  area "Knowing our reality": partnership {2,2,1}: 1.67, min 1, max 2,
#          SD sqrt(3 - 25/9) = 0.47; self {3,2}: 2.50; gap 2.50 - 1.67 = 0.83.
csv=$(report)
is "$(printf '%s\n' "$csv" | head -1)" \
   "item,partnership,min,max,sd,self,gap,change,n,s900001,s900003,s900004,s900006,s950001" \
   "the analyst's columns: figures and one per member school"
is "$(printf '%s\n' "$csv" | grep '^  Shared vision,')" \
   "  Shared vision,2.00,1,3,1.00,3.50,1.50,0.50,2,4,3,,," "vision as worked by hand"
is "$(printf '%s\n' "$csv" | grep '^  Shared use of data,')" \
   "  Shared use of data,2.00,2,2,0.00,2.50,0.50,,2,3,2,,," "data as worked by hand"
is "$(printf '%s\n' "$csv" | grep '^  Peer review,')" \
   "  Peer review,1.00,1,1,0.00,,,,1,,,,," "review as worked by hand"
is "$(printf '%s\n' "$csv" | grep '^Knowing our reality')" \
   "Knowing our reality and impact,1.67,1,2,0.47,2.50,0.83,,3,3.00,2.00,,," \
   "the area row pools its sub-themes"
table=$("$COLLAB" report --data "$DATA" --config "$T/config" --group harbour-partnership \
    --user asha --term 2026-autumn evaluation)
like "$table" "Priority: Peer review - partnership mean 1.00" "the lowest sub-theme is the first priority"
like "$table" "change since 2026-summer" "the note names the term compared"
is "$(report cal | head -1)" "item,partnership,min,max,sd,self,gap,change,n,s900003" \
   "a school leader sees only their own school's column"
json=$("$COLLAB" report --data "$DATA" --config "$T/config" --group harbour-partnership \
    --user asha --format json evaluation)
like "$json" '"title": *"Evaluation: Harbour Learning Partnership, 2026-autumn"' \
     "no --term: the latest term, as JSON"
run "$COLLAB" report --data "$DATA" --config "$T/config" --group harbour-partnership \
    --user asha --term 2026-winter evaluation
is "$rc" 1 "an invalid term is refused"
like "$err" "term must look like 2026-autumn" "with the form of a term"

# Shared text: Harbour High shared vision, not data; Castlegate shared none.
show=$(ev cal show --term 2026-autumn)
like "$show" "strengths: Heads meet weekly, agendas shared" "shared text is visible to another school"
unlike "$show" "Common assessment calendar" "unshared text is not"
like "$show" "text not shared with the group" "and the listing says so"
like "$(ev hana show --term 2026-autumn)" "Common assessment calendar" \
     "a school always sees its own text"

# Harbour High withdraws: its scores leave every figure, its column goes and
# its shared text is no longer shown (DESIGN.md section 5, rule 2), though
# its entries stay in the store (publish never replaces them).
#  vision: partnership {1} (Castlegate's): 1.00; self {3}: 3.00; gap 2.00;
#          summer {2}: 2.00, change -1.00; n 1.
mkdir -p "$T/wconfig"
cp "$T/config"/*.yaml "$T/wconfig/"
sed 's/^\(  - { urn: 900001, signed: [0-9-]*, signatory: "[^"]*"\) }$/\1, withdrawn: 2026-01-05 }/' \
    "$T/config/groups.yaml" >"$T/wconfig/groups.yaml"
grep -q 'urn: 900001, .*withdrawn: 2026-01-05' "$T/wconfig/groups.yaml" || fail "setup: withdraw 900001"
wcsv=$("$COLLAB" report --data "$DATA" --config "$T/wconfig" --group harbour-partnership \
    --user asha --term 2026-autumn --format csv evaluation | tr -d "\r")
is "$(printf '%s\n' "$wcsv" | head -1)" "item,partnership,min,max,sd,self,gap,change,n,s900003,s900004,s900006,s950001" \
   "withdrawn: the school's column is gone"
is "$(printf '%s\n' "$wcsv" | grep '^  Shared vision,')" \
   "  Shared vision,1.00,1,1,0.00,3.00,2.00,-1.00,1,3,,," "withdrawn: vision from Castlegate alone, as worked by hand"
wshow=$("$COLLAB" eval --data "$DATA" --config "$T/wconfig" --group harbour-partnership \
    --user cal show --term 2026-autumn)
unlike "$wshow" "Heads meet weekly" "withdrawn: its shared text is not shown"
is "$(sqlite "$STORE" "SELECT count(*) FROM eval_score WHERE urn = 900001 AND term = '2026-autumn'")" 5 \
   "and its autumn scores are still in the store (5 rows)"

# Two imports at the same moment, on different schools, both keep their rows.
themes="vision commitment priorities accountability data evidence disadvantage review relationships professional inclusion voice"
for who in 900001 900003; do
    { echo "term,urn,theme,school_score,partnership_score,strengths,development,shared"
      for term in 2027-spring 2027-summer 2027-autumn; do
          for th in $themes; do echo "$term,$who,$th,3,2,text $who $th,,yes"; done
      done; } >"$T/c$who.csv"
done
for round in 1 2 3; do
    sqlite "$STORE" "DELETE FROM eval_score WHERE term LIKE '2027-%'; DELETE FROM eval_text WHERE term LIKE '2027-%'"
    ev hana import "$T/c900001.csv" >"$T/h.out" 2>&1 &
    p1=$!
    ev cal import "$T/c900003.csv" >"$T/c.out" 2>&1 &
    p2=$!
    wait $p1; r1=$?
    wait $p2; r2=$?
    is "$r1.$r2" "0.0" "round $round: both concurrent imports succeed"
    is "$(sqlite "$STORE" "SELECT urn, count(*) FROM eval_score WHERE term LIKE '2027-%' GROUP BY urn" | tr '\n' ' ')" \
       "900001|72 900003|72 " "round $round: both schools keep all their rows"
done
is "$(sqlite "$STORE" "SELECT count(*) FROM eval_text WHERE term LIKE '2027-%'")" 72 \
   "and all their text"

run "$COLLAB" eval --term autumn term
is "$rc" 2 "a malformed --term is a usage error"
run "$COLLAB" eval term
like "$out" '^20[0-9][0-9]-(autumn|spring|summer)$' "collab eval term prints the current term"
m=$(date +%m); m=${m#0}
case $m in 9|10|11|12) s=autumn ;; 1|2|3|4) s=spring ;; *) s=summer ;; esac
is "$out" "$(date +%Y)-$s" "the current term follows today's month"
done_testing
