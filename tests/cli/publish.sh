#!/bin/sh
# collab publish end to end on the sample set: what a group store and a school
# store hold (and do not hold), file modes and unix groups, determinism, and
# that a failed or killed publish leaves the previous stores as they were.
. "$top_srcdir/tests/lib.sh"

DB="$T/source.db"
DATA="$T/data"
CFG="$T/config"
G="$DATA/group-northmoor-secondary.db"
P="$DATA/group-harbour-partnership.db"
S="$DATA/school-900001.db"

for kind in schools pupils results attendance estimates national; do
    "$COLLAB" import --db "$DB" "$kind" "$SAMPLE/$kind.csv" >/dev/null 2>&1 ||
        fail "import $kind"
done

# The sample config, with one school's pupil-level staff, another school's
# staff (not its pupil-level staff) and the partnership's owner given a unix
# group that exists here, and every other unix group one that does not;
# one school has no pupil unix group.
mygroup=$(id -gn)
mkdir -p "$CFG" && cp "$SAMPLE"/config/*.yaml "$CFG"/
no_groups "$SAMPLE/config/groups.yaml" |
sed -e "s/${NOGRP}p900001/$mygroup/" -e "s/${NOGRP}s900002/$mygroup/" \
    -e "s/pupil_unix_group: ${NOGRP}p900003/contact: none/" \
    -e "s/unix_group: ${NOGRP}hlp-office,/unix_group: $mygroup,/" \
    -e "s/^    unix_group: ${NOGRP}hlp\$/    unix_group: ${NOGRP}no-such-group/" \
    >"$CFG/groups.yaml"

run "$COLLAB" publish --help
is "$rc" 0 "publish --help succeeds"
run "$COLLAB" publish --db "$DB" --config "$CFG" --data "$DATA" --bogus
is "$rc" 2 "an unknown option is a usage error"

run "$COLLAB" publish --db "$DB" --config "$CFG" --data "$DATA"
is "$rc" 0 "publish the sample"
like "$out" "^group-northmoor-secondary.db: 12 schools, [0-9]+ cells" "reports the LA group"
like "$out" "group-harbour-partnership.db: 4 schools" "the partnership without the school that withdrew"
like "$out" "school-900001.db: [0-9]+ pupils" "and the school stores"
like "$err" "warning: .*${NOGRP}la" "warns about unix groups missing on this machine"
like "$err" "${NOGRP}no-such-group" "including a group's own, used for its evaluation store"
like "$err" "warning: schools with a unix_group but no pupil_unix_group in groups.yaml, their pupils readable by their owner only \(0600\): 900003\$" \
     "warns about a school without a pupil unix group"
is "$(stat -c %a "$DATA")" 711 "data directory created 0711 (a unix group is in use: its members pass, none lists)"

# --- a group store holds aggregates only --------------------------------
cut -d, -f1 "$SAMPLE/pupils.csv" | tail -n +2 >"$T/ids"
sqlite "$G" .dump >"$T/dump"
ok "$([ -s "$T/dump" ] && echo 0 || echo 1)" "the group store dumps"
leaked=$(grep -c -F -f "$T/ids" "$T/dump")
is "$leaked" 0 "no pupil id anywhere in the group store"
min=$(sqlite "$G" "SELECT value FROM meta WHERE key = 'min_cohort'")
small=$(sqlite "$G" "SELECT count(*) FROM (SELECT n FROM agg_pupil UNION ALL SELECT n FROM agg_subject) WHERE n < $min")
is "$small" 0 "no published cell under min_cohort ($min)"
is "$(sqlite "$G" "SELECT n FROM agg_pupil WHERE scope = 0 AND year = 2019 AND key_stage = 4 AND fkey = 0")" \
   "$(sqlite "$DB" "SELECT count(*) FROM pupil WHERE year = 2019 AND key_stage = 4")" \
   "the group's 2019 KS4 cohort is every KS4 pupil of 2019"
is "$(sqlite "$G" "SELECT round(att8_s1 / att8_n, 6) FROM agg_pupil WHERE scope = 900001 AND year = 2019 AND key_stage = 4 AND fkey = 0")" \
   "$(sqlite "$DB" "SELECT round(avg(att8), 6) FROM pupil_ks4 k JOIN pupil p ON p.id = k.pupil WHERE p.school = 900001 AND p.year = 2019")" \
   "a school's Attainment 8 mean matches the source"
is "$(sqlite "$P" "SELECT count(*) FROM school WHERE urn = 900004")" 0 \
   "the school that withdrew consent is not in the partnership store"
is "$(sqlite "$P" "SELECT value FROM meta WHERE key = 'missing_consent'")" 900006 \
   "the partnership records the school without consent"

# --- a school store holds one school's pupils --------------------------------
is "$(sqlite "$S" "SELECT count(*) FROM pupil")" \
   "$(grep -c ',900001,' "$SAMPLE/pupils.csv")" "the school store has that school's pupils"
is "$(sqlite "$S" "SELECT count(*) FROM pupil WHERE school <> 900001")" 0 "and no one else's"
is "$(sqlite "$S" "SELECT count(*) FROM result WHERE pupil NOT IN (SELECT id FROM pupil)")" 0 \
   "results of its own pupils only"
other=$(grep ',900002,' "$SAMPLE/pupils.csv" | cut -d, -f1 | head -50)
is "$(sqlite "$S" .dump | grep -c -F "$other")" 0 "no pupil id of another school in the dump"

# --- modes ----------------------------------------------------------------
is "$(stat -c %a "$G")" 600 "a group store whose unix group is missing is 0600"
is "$(stat -c %a "$DATA/school-900002.db")" 600 \
   "a school store whose pupil unix group is missing is 0600, though its staff's group exists"
is "$(stat -c %a "$DATA/school-900003.db")" 600 "so is one without a pupil unix group"
is "$(stat -c '%a %G' "$S")" "640 $mygroup" "a school with an existing pupil unix group gets it, 0640"
is "$(stat -c '%a %G' "$P")" "640 $mygroup" \
   "a schools group missing consent goes to its owner's unix group"
is "$(stat -c %a "$DATA/eval-northmoor-secondary.db")" 600 "evaluation store created 0600"

# --- who can read and write each file ----------------------------------------
me=$(id -un)
run "$COLLAB" publish --check-perms --data "$DATA" --config "$CFG"
is "$rc" 0 "publish --check-perms runs"
like "$out" "^school-900002.db 0600 $me:[^ ]+ read: $me; write: $me\$" \
     "a store without its unix group: its owner alone reads and writes it"
like "$out" "^school-900001.db 0640 $me:$mygroup read: $me(, [^;]*)?; write: $me(\$|;)" \
     "a store with one: its owner writes, its group's members read"

# --- deterministic ------------------------------------------------------------
aggs() { sqlite "$1" "SELECT * FROM agg_pupil ORDER BY 1,2,3,4; SELECT * FROM agg_subject ORDER BY 1,2,3,4"; }
aggs "$G" >"$T/agg1"
sqlite "$DATA/eval-northmoor-secondary.db" "INSERT INTO eval_score VALUES ('2025-autumn', 900001, 'vision', 'school', 3, 'asha', 'now')"
evalsum=$(sha256sum <"$DATA/eval-northmoor-secondary.db")
run "$COLLAB" publish --db "$DB" --config "$CFG" --data "$DATA"
is "$rc" 0 "publish again"
aggs "$G" >"$T/agg2"
ok "$(cmp -s "$T/agg1" "$T/agg2" && [ -s "$T/agg1" ] && echo 0 || echo 1)" \
   "publishing twice gives identical aggregates"
is "$(sha256sum <"$DATA/eval-northmoor-secondary.db")" "$evalsum" "an evaluation store is never replaced"
unlike "$out" "eval-" "and not reported as written"

# --- a symbolic link at a store's name ----------------------------------------
# Publish renames its new store onto the name: the link is replaced, the
# file it points to untouched.
echo precious >"$T/victim"
mv "$DATA/school-900007.db" "$T/school-900007.kept"
ln -s "$T/victim" "$DATA/school-900007.db"
run "$COLLAB" publish --db "$DB" --config "$CFG" --data "$DATA"
is "$rc" 0 "publish with a link planted at a store's name"
is "$(cat "$T/victim")" precious "the file the link points to is untouched"
ok "$([ -f "$DATA/school-900007.db" ] && [ ! -L "$DATA/school-900007.db" ]; echo $?)" \
   "and the store is publish's own file again"
rm -f "$T/school-900007.kept"

# Publish checks every store it writes once, for all their readers, and
# records the version beside it (no reader then pays quick_check on opening).
stores=$(cd "$DATA" && ls group-*.db school-*.db | sort)
is "$(cd "$DATA/.checked" && ls | sed 's/\.ok$//' | sort)" "$stores" \
   "a record of the check for every group and school store"
f=$(echo "$stores" | head -1)
is "$(sed -n 3p "$DATA/.checked/$f.ok")" "$(cd "$DATA" && pwd -P)/$f" "naming the store it is for"
is "$(stat -c '%a %G' "$DATA/.checked/$f.ok")" "$(stat -c '%a %G' "$DATA/$f")" \
   "readable by the store's readers only"

# --- failure leaves every previous store untouched ------------------------------
sums() { (cd "$DATA" && sha256sum *.db); }
sums >"$T/before"
# A directory where publish wants a temporary file makes it fail part-way;
# exec keeps the pid, which names the temporary files.
run sh -c 'mkdir "$1/.school-950004.db.tmp-$$" && exec "$2" publish --db "$3" --config "$4" --data "$1"' \
    sh "$DATA" "$COLLAB" "$DB" "$CFG"
is "$rc" 1 "a publish that fails part-way exits 1"
like "$err" "school-950004" "naming the file"
sums >"$T/after"
ok "$(cmp -s "$T/before" "$T/after" && echo 0 || echo 1)" "every previous store is unchanged"
rmdir "$DATA"/.school-950004.db.tmp-* 2>/dev/null
is "$(ls -A "$DATA" | grep -c tmp)" 0 "no temporary file is left behind"

held_kill 2 "$COLLAB" publish --db "$DB" --config "$CFG" --data "$DATA"
ok $? "a publish is killed mid-way (held at its second progress report)"
sums >"$T/after"
ok "$(cmp -s "$T/before" "$T/after" && echo 0 || echo 1)" "a publish killed mid-way leaves every store unchanged"
is "$(sqlite "$G" "PRAGMA integrity_check")" ok "the group store is still readable"
run "$COLLAB" publish --db "$DB" --config "$CFG" --data "$DATA" --group northmoor-secondary
is "$rc" 0 "publish one group"
unlike "$out" "harbour-partnership" "only that group"
is "$(ls -A "$DATA" | grep -c tmp)" 0 "temporary files of a killed publish are cleared"

run "$COLLAB" publish --db "$DB" --config "$CFG" --data "$DATA" --group nope
is "$rc" 1 "an unknown group is an error"
like "$err" "nope" "naming it"
run "$COLLAB" publish --db "$T/missing.db" --config "$CFG" --data "$DATA"
is "$rc" 1 "a missing source store is an error"

done_testing
