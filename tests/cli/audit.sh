#!/bin/sh
# The derivation audit (tests/audit/audit_store.c, issue 26), checked on
# hand-made stores whose hidden counts a reader can or cannot work out:
# one store, an intake percentage, and two stores sharing a school; then with
# the true counts of a small generated set. Over the sample it takes minutes
# and only reports for now: `make audit`.
. "$top_srcdir/tests/lib.sh"

AUDIT="$top_builddir/tests/audit/audit_store"
if [ ! -x "$AUDIT" ]; then
    skip "GLPK is not installed: no derivation audit"; done_testing
fi
if ! command -v "${SQLITE3_SHELL:-sqlite3}" >/dev/null 2>&1; then
    skip "sqlite3 is needed"; done_testing
fi

# store FILE CELLS [CONTEXT]: a group store of one dimension (fsm6: yes, no),
# schools 1 and 2, 2019 KS4, with agg_pupil rows "scope,fkey,n" and
# school_context rows "urn,cohort,fsm6_pct".
store() {
    {
        echo "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
              INSERT INTO meta VALUES ('min_cohort', '6'), ('unknown_dimensions', '');
              CREATE TABLE dimension(id TEXT PRIMARY KEY, ord INTEGER, key TEXT, label TEXT, stride INTEGER);
              INSERT INTO dimension VALUES ('fsm6', 0, 'f', 'FSM6', 1);
              CREATE TABLE dim_value(dimension TEXT, ord INTEGER, code TEXT, label TEXT);
              INSERT INTO dim_value VALUES ('fsm6', 0, 'yes', 'FSM6'), ('fsm6', 1, 'no', 'Not FSM6');
              CREATE TABLE agg_pupil(scope INTEGER, year INTEGER, key_stage INTEGER, fkey INTEGER, n INTEGER);
              CREATE TABLE school_context(urn INTEGER, year INTEGER, key_stage INTEGER, cohort INTEGER,
                                          fsm6_pct REAL, eal_pct REAL, sen_pct REAL, prior_mean REAL);"
        for c in $2; do echo "INSERT INTO agg_pupil VALUES (${c%%,*}, 2019, 4, ${c#*,});"; done
        for c in ${3:-}; do
            IFS=, read -r urn cohort pct <<EOF
$c
EOF
            echo "INSERT INTO school_context VALUES ($urn, 2019, 4, $cohort, ${pct:-NULL}, NULL, NULL, NULL);"
        done
    } | sqlite "$1"
}

# Group 20 (7 FSM6, 13 not); school 1 12 with 9 not FSM6 published; school 2 8.
store "$T/one.db" "0,0,20 0,1,7 0,2,13 1,0,12 1,2,9 2,0,8"
run "$AUDIT" "$T/one.db"
is "$rc" 0 "the audit runs"
like "$out" "^one.db 2019 KS4: 9 cells, 3 hidden; pinned: 3 small \(1-5\), 0 zero, 0 larger" \
     "a margin with one hidden cell pins it, and the others follow (3, 4 and 4)"
run "$AUDIT" --verbose "$T/one.db"
like "$out" "school 1 fsm6=yes in \[3, 3\]" "--verbose names a pinned cell and its value"

# The same counts with only the totals published: no hidden count is pinned
# (school 1's FSM6 count could be 0 to 7) ...
store "$T/two.db" "0,0,20 0,1,7 0,2,13 1,0,12 2,0,8" "1,12, 2,8,"
run "$AUDIT" "$T/two.db"
like "$out" "^two.db 2019 KS4: 9 cells, 4 hidden; pinned: 0 small \(1-5\), 0 zero, 0 larger; small bounded less than 3 apart: 0" \
     "totals alone pin nothing"
# ... until an intake percentage says school 1 has 3 FSM6 pupils of 12.
store "$T/three.db" "0,0,20 0,1,7 0,2,13 1,0,12 2,0,8" "1,12,25.0 2,8,"
run "$AUDIT" "$T/three.db"
like "$out" "^three.db 2019 KS4: 9 cells, 4 hidden; pinned: 3 small \(1-5\), 0 zero, 1 larger" \
     "an intake percentage is a count: it pins the hidden cells"
# Two stores, each safe alone, together: school 2 is in both. Group a (schools
# 1 and 2) hides both schools' FSM6 split; group b, school 2 alone, publishes
# it, and school 1's 3 FSM6 pupils follow by subtraction.
store "$T/a.db" "0,0,32 0,1,13 0,2,19 1,0,12 2,0,20"
store "$T/b.db" "0,0,20 0,1,10 0,2,10 2,0,20 2,1,10 2,2,10"
run "$AUDIT" "$T/a.db" "$T/b.db"
like "$out" "^a.db: total 9 cells, 4 hidden; pinned: 0 small, 0 zero, 0 larger" "a alone pins nothing"
like "$out" "^b.db: total 6 cells, 0 hidden" "b alone hides nothing"
like "$out" "^together: total 12 cells, 2 hidden; pinned: 1 small, 0 zero, 1 larger" \
     "together they give away what neither does alone"

# With the source store and config, the audit judges only the hidden cells
# that truly hold 1 to 5 pupils, after checking that the source gives every
# published count (three small generated schools, one year).
generated "$T/g" --schools 3 --pupils 8 --primaries 0 --years 1
"$COLLAB" publish --db "$T/g/src.db" --config "$T/g/cfg" --data "$T/p" >/dev/null ||
    fail "setup: publish"
run "$AUDIT" --source "$T/g/src.db" --config "$T/g/cfg" "$T/p/group-all.db"
is "$rc" 0 "the audit with the source runs"
like "$out" "^group-all.db 2019 KS4: [0-9]+ cells, [0-9]+ hidden, [1-9][0-9]* of 1-5 pupils; of those pinned: [0-9]+, bounded less than 3 apart: [0-9]+; by single equations: [0-9]+$" \
     "it counts the hidden cells of 1-5 pupils and judges those"
# The audit as a test: a generated group (three schools of about a dozen
# pupils, one year: most cells small) published with the default protection
# width leaves no hidden small count pinned or bounded less than 3 apart;
# published with protection_width 1 (only pins repaired) it does, which the
# audit sees.
for w in 3 1; do
    generated "$T/w$w" --schools 3 --pupils 12 --primaries 0 --years 1
    [ "$w" = 3 ] || sed -i "s/^policy: { /policy: { protection_width: $w, /" "$T/w$w/cfg/groups.yaml"
    "$COLLAB" publish --db "$T/w$w/src.db" --config "$T/w$w/cfg" --data "$T/w$w/p" >/dev/null ||
        fail "setup: publish with width $w"
    is "$(sqlite "$T/w$w/p/group-all.db" "SELECT value FROM meta WHERE key = 'protection_width'")" "$w" \
       "the store says its protection width ($w)"
    run "$AUDIT" --source "$T/w$w/src.db" --config "$T/w$w/cfg" "$T/w$w/p/group-all.db"
    eval "audit$w=\$(printf '%s\n' \"\$out\" | tail -1)"
done
like "$audit3" "of those pinned: 0, bounded less than 3 apart: 0;" \
     "width 3: no hidden small count pinned or bounded less than 3 apart ($audit3)"
like "$audit1" "bounded less than 3 apart: [1-9][0-9]*; by single equations: [1-9]" \
     "width 1: the audit finds counts bounded closer, by single equations too ($audit1)"
# What only a linear programme finds: two generated schools of about 30
# pupils, published with the equations one at a time (the default), leave
# hidden small counts that the programme over all of them bounds less than
# 3 apart; published with protection_solver: linear_programme, none.
generated "$T/lp" --schools 2 --pupils 30 --primaries 0 --years 1
for s in equations linear_programme; do
    sed -i "s/^policy: { \(protection_solver: [a-z_]*, \)\{0,1\}/policy: { protection_solver: $s, /" \
        "$T/lp/cfg/groups.yaml"
    rm -rf "$T/lp/p"
    "$COLLAB" publish --db "$T/lp/src.db" --config "$T/lp/cfg" --data "$T/lp/p" >/dev/null ||
        fail "setup: publish with $s"
    is "$(sqlite "$T/lp/p/group-all.db" "SELECT value FROM meta WHERE key = 'protection_solver'")" \
       "$s" "the store says how it was protected ($s)"
    run "$AUDIT" --source "$T/lp/src.db" --config "$T/lp/cfg" "$T/lp/p/group-all.db"
    eval "lp_$s=\$(printf '%s\n' \"\$out\" | tail -1)"
    # and a subject table (entries, not pupils), one subject to keep it short
    run "$AUDIT" --subject SPANISH --source "$T/lp/src.db" --config "$T/lp/cfg" \
        "$T/lp/p/group-all.db"
    eval "subj_$s=\$(printf '%s\n' \"\$out\" | tail -1)"
done
like "$lp_equations" "of those pinned: [0-9]+, bounded less than 3 apart: [1-9][0-9]*; by single equations: 0\$" \
     "equations alone: the programme narrows small counts single equations do not ($lp_equations)"
like "$lp_linear_programme" "of those pinned: 0, bounded less than 3 apart: 0;" \
     "linear_programme: none pinned or bounded less than 3 apart ($lp_linear_programme)"
like "$subj_equations" "small; of those pinned: [0-9]+, bounded less than 3 apart: [1-9][0-9]*;" \
     "subject entries, equations alone: the programme narrows some ($subj_equations)"
like "$subj_linear_programme" "small; of those pinned: 0, bounded less than 3 apart: 0;" \
     "subject entries, linear_programme: none ($subj_linear_programme)"
# A source that is not the one published from is refused, not trusted.
"$COLLAB" gen --out "$T/gen2" --schools 3 --pupils 8 --primaries 0 --years 1 --seed 7 --quiet ||
    fail "setup: collab gen (another seed)"
for k in schools pupils; do
    "$COLLAB" import --db "$T/other.db" "$k" "$T/gen2/$k.csv" >/dev/null || fail "setup: import $k"
done
run "$AUDIT" --source "$T/other.db" --config "$T/g/cfg" "$T/p/group-all.db"
is "$rc" 2 "another source store is refused"
like "$err" "the source store and config do not give the published counts" "and says why"
done_testing
