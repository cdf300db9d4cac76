#!/bin/sh
# collab demo: without a terminal it builds the stores and says where they are;
# stores are private (0600); a second run rebuilds cleanly.
. "$top_srcdir/tests/lib.sh"

run "$COLLAB" demo --data "$T/d" </dev/null
is "$rc" 0 "demo without a terminal succeeds"
like "$out" "demo stores in $T/d/data; try: collab report --data $T/d/data --config $T/d/config overview" \
     "it prints where the stores are"
ok "$([ -f "$T/d/data/group-northmoor-secondary.db" ]; echo $?)" "a group store exists"
ok "$([ -f "$T/d/data/school-900001.db" ]; echo $?)" "a school store exists"
ok "$([ -f "$T/d/source.db" ]; echo $?)" "the source store exists"
modes=$(for f in "$T/d/source.db" "$T/d/data"/group-*.db "$T/d/data"/school-*.db; do stat -c %a "$f"; done | sort -u)
is "$modes" "600" "every store is mode 0600"
is "$(find "$T/d/config" -type f ! -perm 600 | wc -l | tr -d ' ')" 0 \
   "and every file of its config (the sample's organisations and users)"
# Without --data the demo goes where a plain report finds it: after it,
# `collab report overview` works with only HOME (and XDG) set.
run "$COLLAB" demo </dev/null
is "$rc" 0 "demo at its default place"
like "$out" "^demo stores in $XDG_DATA_HOME/collab/demo/data; try: collab report overview\$" \
     "and the hint needs no options"
run "$COLLAB" report overview
is "$rc" 0 "then a plain collab report overview works"
like "$out" "^Overview: Northmoor schools" "on the demo's stores"
# --user: the demo as one of the sample's users; a name that is not one is
# refused with the names there are, and a user whose only group is not
# live yet is told why, of that group.
run "$COLLAB" demo --data "$T/d" --user nobody </dev/null
is "$rc" 1 "demo --user with an unknown name is refused"
like "$err" "demo: no user 'nobody' in the sample \(users: asha, lee, pat, hana, cal, priya, rob, kit, mo, sam, gwen, nadia\)" \
     "naming the sample's users"
run "$COLLAB" demo --data "$T/d" --user mo </dev/null
is "$rc" 0 "demo --user mo"
like "$out" "try: collab report --data $T/d/data --config $T/d/config --user mo overview\$" \
     "and the hint acts as mo"
run "$COLLAB" report --data "$T/d/data" --config "$T/d/config" --user mo overview
like "$out" "^Overview: Moorland Learning Trust secondaries" "which opens mo's group"
# A school's users always see their own school: a group of its own, whatever
# their groups (hana's partnership is not live, rob's school withdrew).
run "$COLLAB" report --data "$T/d/data" --config "$T/d/config" --user hana overview
is "$rc" 0 "a leader whose partnership is not live opens collab"
like "$out" "^Overview: Harbour High School, 2019, KS4" "on her own school's figures"
is "$err" "collab: warning: your own school only: harbour-partnership: group 'harbour-partnership' is not yet shared with schools: consent is missing for Westfield College (900006)" \
   "told why her partnership is closed to her"
run "$COLLAB" report --data "$T/d/data" --config "$T/d/config" --user hana pupils 900001
is "$rc" 0 "she sees her own pupils"
like "$out" "^Pupils: Harbour High School \(900001\), 2019, KS4: [0-9]+ pupils" "all of them"
run "$COLLAB" report --data "$T/d/data" --config "$T/d/config" --user hana --group own-castlegate overview
is "$rc" 1 "not another school's own group"
like "$err" "may not see group 'own-castlegate'" "refused with the rule"
run "$COLLAB" report --data "$T/d/data" --config "$T/d/config" --user rob --format csv schools
like "$out" ",900004," "a school that withdrew from sharing keeps its own figures"
unlike "$out" ",900001," "and only its own"
run "$COLLAB" report --data "$T/d/data" --config "$T/d/config" --user hana evaluation
like "$err" "Harbour High School on its own: the self-evaluation is a partnership's" \
     "the self-evaluation of a school alone says it is a partnership's"
ok "$([ ! -e "$T/d/data/eval-own-harbour-high.db" ]; echo $?)" "and publish makes no store for it"
run "$COLLAB" report --data "$T/d/data" --config "$T/d/config" --user mo overview
is "$err" "" "a user whose group is open lands on it, with no warning"
run "$COLLAB" report --data "$T/d/data" --config "$T/d/config" --user zed overview
like "$err" "no user 'zed' in groups.yaml \(users: .*, hana, .*\)" "report names the users too"
# The partnerships (schools groups) get sample self-evaluation entries for
# the three terms before this one, from the schools still in them, so the
# Evaluation pane opens on the last with scores; the LA's groups get none.
term_before() {
    y=${1%-*}
    case ${1#*-} in spring) echo "$((y - 1))-autumn" ;; summer) echo "$y-spring" ;;
                    autumn) echo "$y-summer" ;; esac
}
now=$("$COLLAB" eval term)
last=$(term_before "$now"); mid=$(term_before "$last"); first=$(term_before "$mid")
evq() { sqlite "$T/d/data/eval-$1.db" "$2"; }
is "$(evq moorland-trust "SELECT DISTINCT term FROM eval_score ORDER BY saved_at, term" | sort | tr '\n' ' ')" \
   "$(printf '%s\n' "$first" "$mid" "$last" | sort | tr '\n' ' ')" "the trust's entries are of the three past terms"
is "$(evq moorland-trust "SELECT count(DISTINCT urn) || ' ' || count(*) FROM eval_score")" "4 288" \
   "by its four schools, on every sub-theme (4 x 12 x 3 terms, two scores each)"
is "$(evq harbour-partnership "SELECT count(*) FROM eval_score WHERE urn = 900004")" 0 \
   "none from Riverside, which has withdrawn"
is "$(evq harbour-partnership "SELECT count(DISTINCT urn) FROM eval_score")" 4 "the partnership's four others"
is "$(evq northmoor-secondary "SELECT count(*) FROM eval_score")" 0 "none for the LA's own group"
is "$(evq camden-secondary "SELECT count(*) FROM eval_score")" 0 "nor for the real Camden schools"
out=$("$COLLAB" report --data "$T/d/data" --config "$T/d/config" --user mo --format csv \
    evaluation | tr -d '\r')
like "$out" "^  Shared vision,[1-4][.][0-9]{2},[1-4],[1-4],[0-9.]+,[1-4][.][0-9]{2},-?[0-9.]+,-?[0-9.]+,4,[1-4]\$" \
     "mo's evaluation: the partnership's four scores of a sub-theme and his school's own"
printf 5 >"$T/keys"
"$COLLAB" --data "$T/d/data" --config "$T/d/config" --user mo --headless --size 80x24 \
    --keys "$T/keys" --dump "$T/screen"
is "$(sed -n 3p "$T/screen")" "Evaluation: Moorland Learning Trust secondaries, $last" \
   "the TUI's Evaluation pane opens on the last term with entries"
like "$(sed -n 6p "$T/screen")" "^  Shared vision +[1-4][.][0-9]{2} +[1-4] +[1-4] " "with its scores"
unlike "$(cat "$T/screen")" "No entries" "not an empty term"
evals=$(evq moorland-trust "SELECT * FROM eval_score ORDER BY 1, 2, 3, 4")
login=$(id -un)
like "$(cat "$T/d/config/groups.yaml")" "login: \"$login\"" "the real login is a user of the demo config"
before=$("$COLLAB" report --data "$T/d/data" --config "$T/d/config" --format csv schools)
run "$COLLAB" demo --data "$T/d" </dev/null
is "$rc" 0 "a second demo run works"
is "$(grep -c "login: \"$login\"" "$T/d/config/groups.yaml")" "1" "the demo user is added once"
after=$("$COLLAB" report --data "$T/d/data" --config "$T/d/config" --format csv schools)
is "$after" "$before" "the rebuilt stores give the same figures"
is "$(evq moorland-trust "SELECT * FROM eval_score ORDER BY 1, 2, 3, 4")" "$evals" \
   "and the evaluation entries are kept, not written again"
run "$COLLAB" demo --data "$T/d" extra
is "$rc" 2 "a stray argument is a usage error"
run env XDG_DATA_HOME="$T/xdg" "$COLLAB" demo </dev/null
is "$rc" 0 "the default directory is under XDG_DATA_HOME"
ok "$([ -f "$T/xdg/collab/demo/data/group-northmoor-secondary.db" ]; echo $?)" \
   "default: \$XDG_DATA_HOME/collab/demo/data"
done_testing
