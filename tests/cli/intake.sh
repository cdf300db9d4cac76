#!/bin/sh
# Intake figures are counts (DESIGN.md section 5): every group store of the
# sample and of a generated set of small schools is read with sqlite3, as a
# member could, and holds no cohort under min_cohort, no FSM6/EAL/SEN %
# whose count or complement is under it, and no FSM6 or EAL % that tells
# the count of a cell the aggregates hide. The Schools view shows the
# hidden ones as x and the others as the source gives them.
. "$top_srcdir/tests/lib.sh"

if ! command -v "${SQLITE3_SHELL:-sqlite3}" >/dev/null 2>&1; then
    skip "sqlite3 is needed"; done_testing
fi

# leaks STORE: one line per intake figure of STORE that gives a small or
# hidden count away; empty when the store is sound.
leaks() {
    min=$(sqlite "$1" "SELECT value FROM meta WHERE key = 'min_cohort'")
    sqlite "$1" "
        SELECT 'cohort under min_cohort', urn, year FROM school_context WHERE cohort < $min;
        SELECT 'cohort of a hidden all-pupils cell', urn, year FROM school_context c
         WHERE cohort IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agg_pupil a WHERE a.scope = c.urn
           AND a.year = c.year AND a.key_stage = c.key_stage AND a.fkey = 0);"
    for pct in fsm6_pct eal_pct sen_pct; do
        sqlite "$1" "
        SELECT '$pct without a cohort', urn, year FROM school_context
         WHERE $pct IS NOT NULL AND cohort IS NULL;
        SELECT '$pct count under min_cohort', urn, year FROM school_context
         WHERE $pct IS NOT NULL AND round($pct * cohort / 100.0) < $min;
        SELECT '$pct complement under min_cohort', urn, year FROM school_context
         WHERE $pct IS NOT NULL AND cohort - round($pct * cohort / 100.0) < $min;"
    done
    # FSM6 and EAL are yes/no dimensions: a published % must be a count the
    # aggregates publish too (the yes cell, or the no cell beside the total),
    # and agree with it.
    for d in fsm6 eal; do
        sqlite "$1" "
        WITH v AS (SELECT (SELECT stride FROM dimension WHERE id = '$d') * (ord + 1) AS fkey, code
                     FROM dim_value WHERE dimension = '$d'),
             cell AS (SELECT a.scope, a.year, a.key_stage, v.code, a.n FROM agg_pupil a
                     JOIN v ON v.fkey = a.fkey)
        SELECT '${d}_pct of a hidden cell', c.urn, c.year FROM school_context c
         WHERE c.${d}_pct IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM cell WHERE scope = c.urn AND year = c.year
                             AND key_stage = c.key_stage AND code = 'yes')
           AND NOT EXISTS (SELECT 1 FROM cell WHERE scope = c.urn AND year = c.year
                             AND key_stage = c.key_stage AND code = 'no')
        UNION ALL
        SELECT '${d}_pct disagrees with its cell', c.urn, c.year FROM school_context c
          JOIN cell ON cell.scope = c.urn AND cell.year = c.year AND cell.key_stage = c.key_stage
           AND cell.code = 'yes'
         WHERE c.${d}_pct IS NOT NULL AND round(c.${d}_pct * c.cohort / 100.0) <> cell.n;"
    done
}
# figures STORE: how many intake figures are shown, and how many hidden.
figures() {
    sqlite "$1" "SELECT coalesce(sum((cohort IS NOT NULL) + (fsm6_pct IS NOT NULL)
                                    + (eal_pct IS NOT NULL) + (sen_pct IS NOT NULL)), 0),
                        coalesce(sum((cohort IS NULL) + (fsm6_pct IS NULL) + (eal_pct IS NULL)
                                    + (sen_pct IS NULL)), 0) FROM school_context"
}

# ---- the sample --------------------------------------------------------------
"$COLLAB" demo --data "$T/d" >/dev/null 2>&1 </dev/null || fail "setup: demo"
hidden=0
for g in "$T/d/data"/group-*.db; do
    name=$(basename "$g")
    is "$(leaks "$g")" "" "sample $name: no intake figure gives a small or hidden count away"
    f=$(figures "$g")
    hidden=$((hidden + ${f#*|}))
done
ok "$([ "$hidden" -gt 0 ]; echo $?)" "sample: some intake figures are hidden ($hidden)"

# The source behind one of them: Westfield's 4 EAL pupils of 111 in 2019.
src() { sqlite "$T/d/source.db" "$1"; }
is "$(src "SELECT sum(eal) FROM pupil WHERE school = 900006 AND year = 2019 AND key_stage = 4")" 4 \
   "(Westfield has 4 EAL pupils in 2019)"
G="$T/d/data/group-northmoor-secondary.db"
is "$(sqlite "$G" "SELECT eal_pct IS NULL FROM school_context WHERE urn = 900006 AND year = 2019")" 1 \
   "Westfield's EAL % is not in the store"
R() { "$COLLAB" report --data "$T/d/data" --config "$T/d/config" "$@"; }
out=$(R --format csv schools)
is "$(csv_cell "$out" 900006 eal_pct)" x "schools: Westfield's EAL % is x"
is "$(csv_cell "$out" 900006 cohort)" \
   "$(src "SELECT count(*) FROM pupil WHERE school = 900006 AND year = 2019 AND key_stage = 4")" \
   "schools: Westfield's cohort is shown"
# Every figure shown is the source's (a KS4 school of the LA group); every figure whose count or complement
# is under 6 is x.
bad=0; shown=0
# The view is of KS4: the secondaries.
for urn in $(src "SELECT DISTINCT school FROM pupil WHERE year = 2019 AND key_stage = 4 ORDER BY 1"); do
    ks=4
    for m in "fsm6_pct:fsm6 = 1" "eal_pct:eal = 1" "sen_pct:sen <> 'N'"; do
        col=${m%%:*} cond=${m#*:}
        set -- $(src "SELECT count(*), sum($cond), printf('%.1f', 100.0 * sum($cond) / count(*))
                      FROM pupil WHERE school = $urn AND year = 2019 AND key_stage = $ks" | tr '|' ' ')
        n=$1 k=$2 pct=$3
        got=$(csv_cell "$out" "$urn" "$col")
        if [ "$k" -lt 6 ] || [ $((n - k)) -lt 6 ]; then
            [ "$got" = x ] || { bad=$((bad + 1)); diag "$urn $col: $k of $n shown as $got"; }
        elif [ "$got" != x ]; then
            shown=$((shown + 1))
            [ "$got" = "$pct" ] || { bad=$((bad + 1)); diag "$urn $col: $got, source $pct"; }
        fi
    done
done
is "$bad" 0 "schools: small intake counts are x, the figures shown are the source's"
ok "$([ "$shown" -gt 0 ]; echo $?)" "schools: intake figures are still shown ($shown)"

# Similar schools compare over the figures both schools publish: Westfield,
# whose EAL and SEN % are hidden, is still compared, within the group and
# across England, and its hidden figures stay x.
run R --format csv similar 900006
is "$rc" 0 "similar 900006 in the group works"
is "$(csv_cell "$out" 900006 eal_pct)" x "and shows its EAL % as x"
run R --format csv similar 900006 --national
is "$rc" 0 "similar 900006 across England works"
want=$(sqlite "$G" "SELECT iif(eal_pct IS NULL, 'x', printf('%.1f', eal_pct)) || ',' ||
                           iif(sen_pct IS NULL, 'x', printf('%.1f', sen_pct))
                    FROM school_context WHERE urn = 900006 AND year = 2019")
is "$(csv_cell "$out" 900006 eal_pct),$(csv_cell "$out" 900006 sen_pct)" "$want" \
   "and shows its figures as the store has them, x where hidden ($want)"
run R similar 900006 --national
like "$out" "Its figures hidden to protect a small group \(x\) count for nothing" \
     "the note says hidden figures count for nothing"

# ---- a generated set of small schools ----------------------------------------
generated "$T/small" --schools 10 --pupils 6 --primaries 3 --years 2
run "$COLLAB" publish --db "$T/small/src.db" --config "$T/small/cfg" --data "$T/p"
is "$rc" 0 "small schools: publish"
for g in "$T/p"/group-*.db; do
    is "$(leaks "$g")" "" "small schools $(basename "$g"): no intake figure gives a small or hidden count away"
    f=$(figures "$g")
    ok "$([ "${f%|*}" -gt 0 ] && [ "${f#*|}" -gt 0 ]; echo $?)" \
       "small schools $(basename "$g"): figures both shown and hidden ($f)"
    small=$(sqlite "$g" "ATTACH '$T/small/src.db' AS src;
            SELECT count(*) FROM src.pupil WHERE school IN (SELECT urn FROM main.school)
             GROUP BY school, year, key_stage HAVING count(*) < 6" | wc -l)
    # a school's own store may have none; the group's must, or this proves nothing
    case $g in */group-own-*) ;; *)
        ok "$([ "$small" -gt 0 ]; echo $?)" "small schools: $small cohorts of its schools under 6 in the source" ;;
    esac
    is "$(sqlite "$g" "ATTACH '$T/small/src.db' AS src;
            SELECT count(*) FROM (SELECT school, year, key_stage FROM src.pupil
              GROUP BY school, year, key_stage HAVING count(*) < 6) s
            JOIN school_context c ON c.urn = s.school AND c.year = s.year
             AND c.key_stage = s.key_stage WHERE c.cohort IS NULL")" "$small" \
       "small schools: each of them is hidden"
done

done_testing
