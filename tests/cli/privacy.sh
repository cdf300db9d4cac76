#!/bin/sh
# Who may see what (DESIGN.md section 5), from the outside: for each rule a
# user who must not see a thing tries through `report`, through an export
# (report --format csv > file) and through the sqlite3 shell on the published
# files, and fails with a message and an audit row; the right user succeeds.
# The TUI side is tests/ui/privacy.sh; real unix logins are tests/cli/privacy_root.sh.
. "$top_srcdir/tests/lib.sh"

if ! command -v "${SQLITE3_SHELL:-sqlite3}" >/dev/null 2>&1; then
    skip "sqlite3 is needed"; done_testing
fi

"$COLLAB" demo --data "$T/d" >/dev/null 2>&1 </dev/null || fail "setup: demo"
DATA="$T/d/data"
CONF="$T/d/config"
SRC="$T/d/source.db"
R() { "$COLLAB" report --data "$DATA" --config "$CONF" "$@"; }
audit_rows() {   # audit_rows USER ACTION: how many audit rows
    sqlite "$DATA/audit.db" "SELECT count(*) FROM audit WHERE user = '$1' AND action = '$2'"
}
# refused NAME USER PATTERN REPORT-ARGS...: refused by report and by an export
# to a file, with the message, an audit row, and nothing written.
refused() {
    name=$1 user=$2 pat=$3
    shift 3
    before=$(audit_rows "$user" refused)
    run R --user "$user" "$@"
    is "$rc" 1 "$name: report refuses $user"
    like "$err" "$pat" "$name: and says why"
    R --user "$user" --format csv "$@" >"$T/export.csv" 2>/dev/null
    is "$(wc -c <"$T/export.csv" | tr -d ' ')" 0 "$name: an export to a file writes nothing"
    ok "$([ "$(audit_rows "$user" refused)" -ge $((before + 2)) ]; echo $?)" \
       "$name: both refusals are audit rows"
}

# ---- users ----------------------------------------------------------------
login=$(id -un)
# The shipped sample has no user for this login (the demo adds one).
run "$COLLAB" report --data "$DATA" --config "$SAMPLE/config" overview
is "$rc" 1 "an unknown login is refused"
like "$err" "your login '$login' is not a user in groups.yaml: ask your administrator" \
     "with a clear message naming the login"
is "$(sqlite "$DATA/audit.db" "SELECT count(*) FROM audit WHERE login = '$login' AND action = 'refused' AND detail LIKE '%not a user%'")" \
   1 "and an audit row"
# The login comes from the real uid, not from $USER.
run env USER=asha LOGNAME=asha "$COLLAB" report --data "$DATA" --config "$SAMPLE/config" overview
like "$err" "your login '$login'" "\$USER and \$LOGNAME do not change who you are"
# The demo's running login is an administrator, so it may act as anyone.
like "$(sed -n "/login: \"$login\"/,/access/p" "$CONF/groups.yaml")" "role: admin" \
     "collab demo makes the running login an administrator"
run R --user kit overview
is "$rc" 0 "an administrator may act as another user"
is "$(sqlite "$DATA/audit.db" "SELECT count(*) FROM audit WHERE login = '$login' AND action = 'act-as' AND target = 'kit'")" \
   1 "acting as another user is audited"
# A non-administrator may not: the running login becomes sam's login.
mkdir -p "$T/nonadmin"
cp "$CONF"/*.yaml "$T/nonadmin/"
sed -e "s/login: \"$login\"/login: \"not-$login\"/" -e "s/login: sam$/login: \"$login\"/" \
    "$CONF/groups.yaml" >"$T/nonadmin/groups.yaml"
run "$COLLAB" report --data "$DATA" --config "$T/nonadmin" --user mo overview
is "$rc" 1 "a school leader may not act as another user"
like "$err" "only an administrator may act as another user \(you are 'sam', asked for 'mo'\)" \
     "and is told why"
run "$COLLAB" report --data "$DATA" --config "$T/nonadmin" overview
is "$rc" 0 "as themself the same user opens their group"
like "$out" "Moorland Learning Trust secondaries" "(the trust group)"

# ---- rule 1: visibility --------------------------------------------------
refused "la_only group" mo "may not see group 'northmoor-secondary': not listed" \
    --group northmoor-secondary overview
run R --user asha --group northmoor-secondary overview
is "$rc" 0 "la_only: the LA analyst opens it"
run R --user lee --group moorland-trust overview
is "$rc" 1 "a global user sees only the groups of their own organisation"
run R --user kit --group moorland-trust overview
is "$rc" 0 "a global user of the owning trust sees its group without being listed"
refused "consent missing" cal "consent is missing for Westfield College \(900006\)" \
    --group harbour-partnership overview
run R --user pat --group harbour-partnership overview
is "$rc" 0 "consent missing: the owner still sees the group"
like "$err" "not yet shared with its schools: consent is missing for Westfield College \(900006\)" \
     "and is told which school has not signed"
run "$COLLAB" agreement --group harbour-partnership --config "$CONF" --data "$DATA" --db "$SRC"
is "$rc" 0 "agreement for the partnership"
like "$out" "Westfield College +900006 +9994006 +MISSING: not yet signed" \
     "the agreement shows the missing consent with the DfE number"
like "$out" "Riverside Community College +900004 +9994004 +WITHDRAWN on 2025-03-01" \
     "and the withdrawal"
like "$out" "Harbour High School +900001 +9994001 +signed 2024-09-10 by H. Kowalski, Headteacher" \
     "and a signed consent with its signatory"
like "$out" "Lead contact: Pat Okafor, Partnership Lead" "and the lead contact"
like "$out" "How to withdraw" "and how to withdraw"
run "$COLLAB" agreement --group no-such --config "$CONF"
is "$rc" 1 "agreement for an unknown group fails"
# Once Westfield signs (a copy of the config), cal opens the group.
mkdir -p "$T/signed"
cp "$CONF"/*.yaml "$T/signed/"
printf '  - { urn: 900006, signed: 2024-10-01, signatory: "W. Test" }\n' >>"$T/signed/groups.yaml"
run "$COLLAB" report --data "$DATA" --config "$T/signed" --user cal --group harbour-partnership overview
is "$rc" 0 "when every school has signed, a school user opens the group"

# ---- rule 2: consent withdrawn -------------------------------------------
refused "withdrawn" rob "withdrew its consent on 2025-03-01" --group harbour-partnership overview
P="$DATA/group-harbour-partnership.db"
is "$(sqlite "$P" "SELECT count(*) FROM school WHERE urn = 900004")" 0 \
   "withdrawn: the school is not in the group store"
is "$(sqlite "$P" "SELECT count(*) FROM agg_pupil WHERE scope = 900004") $(sqlite "$P" "SELECT count(*) FROM school_context WHERE urn = 900004")" \
   "0 0" "withdrawn: no figures of the school in the group store"
is "$(sqlite "$P" "SELECT value FROM meta WHERE key = 'withdrawn'")" 900004 \
   "withdrawn: the store records the withdrawal"
ok "$(R --user pat --group harbour-partnership --format csv schools 2>/dev/null | grep -c ',900004,' | grep -qx 0; echo $?)" \
   "withdrawn: the owner's schools view leaves it out"

# ---- rule 3: pupil-level -------------------------------------------------
refused "pupils without pupil_level" sam "does not hold pupil_level" --group moorland-trust pupils 900005
refused "pupils of another school" mo "shown only to that school's own users" --group moorland-trust pupils 900005
refused "pupils for the LA" asha "belongs to no school|shown only to that school's own users" pupils 900001
run R --user mo --group moorland-trust --format csv pupils 900002
is "$rc" 0 "pupils: a leader with pupil_level sees their own school's pupils"
is "$(printf '%s\n' "$out" | tail -n +2 | wc -l | tr -d ' ')" \
   "$(sqlite "$SRC" "SELECT count(*) FROM pupil WHERE school = 900002 AND year = 2019 AND key_stage = 4")" \
   "pupils: every KS4 pupil of 2019 of that school"
is "$(audit_rows mo pupils)" 1 "pupils: the view is an audit row"
# Sorted by P8, lowest first and then highest first (pupils without a P8
# last either way); the title counts the pupils.
p8s() { printf '%s\n' "$1" | tr -d '\r' | tail -n +2 | awk -F, '{ print $7 }' | grep -v '^$'; }
run R --user mo --group moorland-trust --format csv --sort p8 pupils 900002
is "$rc" 0 "pupils --sort p8 runs"
p8s "$out" | sort -g -c 2>/dev/null; ok $? "pupils --sort p8: in P8 order, lowest first"
ok "$([ "$(p8s "$out" | wc -l)" -gt 10 ]; echo $?)" "(with P8 scores to order)"
run R --user mo --group moorland-trust --format csv --sort -p8 pupils 900002
p8s "$out" | sort -g -r -c 2>/dev/null; ok $? "pupils --sort -p8: highest first"
# --where keeps the rows that meet it: as many as the full list has.
all=$(R --user mo --group moorland-trust --format csv pupils 900002 | tr -d '\r')
behind=$(printf '%s\n' "$all" | tail -n +2 | awk -F, '$7 != "" && $7 < -1' | wc -l | tr -d ' ')
run R --user mo --group moorland-trust --format csv --where 'p8 < -1' --sort p8 pupils 900002
is "$rc" 0 "pupils --where 'p8 < -1' runs"
is "$(p8s "$out" | wc -l | tr -d ' ')" "$behind" "--where 'p8 < -1': exactly the $behind pupils behind"
is "$(p8s "$out" | awk '$1 >= -1' | wc -l | tr -d ' ')" 0 "--where 'p8 < -1': none at -1 or above"
run R --user mo --group moorland-trust --format csv --where 'flags has fsm6' pupils 900002
is "$(printf '%s\n' "$out" | tail -n +2 | grep -vc 'FSM6')" 0 "--where 'flags has fsm6': only FSM6 pupils"
is "$(printf '%s\n' "$out" | tail -n +2 | wc -l | tr -d ' ')" \
   "$(printf '%s\n' "$all" | tail -n +2 | grep -c 'FSM6')" "and all of them"
run R --user mo --group moorland-trust --where 'zz < 1' pupils 900002
is "$rc" 1 "--where on an unknown column is refused"
is "$err" "collab: where: no column 'zz' in this view (columns: pupil, name, flags, prior, est_att8, att8, p8, grades)" \
   "naming the columns there are"
run R --user mo --group moorland-trust --where 'p8 ~ 1' pupils 900002
like "$err" "where: no operator in 'p8 ~ 1' \(use < <= > >= = != or has\)" "an unknown operator is named"
run R --user mo --group moorland-trust --where 'p8 < low' pupils 900002
like "$err" "where: column p8 holds numbers: 'low' is not one" "so is a value that is not a number"
run R --user mo --group moorland-trust --where 'p8 < -1' pupils 900002
like "$out" "Pupils: Northmoor Academy \(900002\), 2019, KS4, where p8 < -1: $behind pupils" \
     "the title says the condition and counts what it keeps"
run R --user mo --group moorland-trust pupils 900002
n=$(sqlite "$SRC" "SELECT count(*) FROM pupil WHERE school = 900002 AND year = 2019 AND key_stage = 4")
like "$out" "Pupils: Northmoor Academy \(900002\), 2019, KS4: $n pupils" "the title counts the pupils"
# One pupil: the figures of the list's row, the grades, flags and prior
# attainment; the same rules, and an audit row of its own.
row=$(printf '%s\n' "$all" | tail -n +2 | awk -F, '$7 != ""' | head -1)
id=$(printf '%s\n' "$row" | cut -d, -f1)
run R --user mo --group moorland-trust --format csv pupil 900002 "$id"
is "$rc" 0 "pupil: a leader opens one of her school's pupils ($id)"
one=$(printf '%s\n' "$out" | tr -d '\r')
is "$(printf '%s\n' "$one" | grep '^Attainment 8,' | cut -d, -f2-4)" \
   "$(printf '%s\n' "$row" | cut -d, -f6,5,7 | awk -F, '{ print $2 "," $1 "," $3 }')" \
   "pupil: Attainment 8, its estimate and progress as the list has them"
is "$(printf '%s\n' "$one" | grep -c '^English element,\|^Maths element,\|^EBacc element,\|^Open element,')" 4 \
   "pupil: the four elements"
is "$(printf '%s\n' "$one" | grep '^Flags,' | cut -d, -f2)" "$(printf '%s\n' "$row" | cut -d, -f3)" \
   "pupil: the flags"
is "$(sqlite "$SRC" "SELECT count(*) FROM result WHERE pupil = '$id'")" \
   "$(printf '%s\n' "$one" | tail -n +2 | grep -vc '^Attainment 8,\|element,\|^Grade [45]+\|^Entered for\|^Flags,\|^Prior attainment,\|^Absence,')" \
   "pupil: a row per subject entered"
is "$(audit_rows mo pupil)" 1 "pupil: the view is an audit row"
refused "one pupil without pupil_level" sam "does not hold pupil_level" --group moorland-trust pupil 900005 "$id"
refused "one pupil of another school" mo "shown only to that school's own users" --group moorland-trust pupil 900005 "$id"
other=$(sqlite "$SRC" "SELECT id FROM pupil WHERE school = 900005 LIMIT 1")
run R --user mo --group moorland-trust pupil 900002 "$other"
is "$rc" 1 "pupil: another school's pupil under one's own school is not found"
like "$err" "no pupil '$other' at Northmoor Academy \(900002\)" "pupil: and says so"
cut -d, -f1 "$SAMPLE/pupils.csv" | tail -n +2 >"$T/ids"
for g in "$DATA"/group-*.db; do
    sqlite "$g" .dump >"$T/dump"
    is "$(grep -c -F -f "$T/ids" "$T/dump")" 0 "sqlite3: no pupil id in $(basename "$g")"
    is "$(sqlite "$g" "SELECT count(*) FROM sqlite_schema WHERE name IN ('pupil','result','pupil_ks4','attendance')")" \
       0 "sqlite3: no pupil table in $(basename "$g")"
done
for s in 900001 900002 900005; do
    is "$(sqlite "$DATA/school-$s.db" "SELECT count(*) FROM pupil WHERE school <> $s")" 0 \
       "sqlite3: school-$s.db holds only its own pupils"
done

# ---- rule 4: suppression -------------------------------------------------
for g in "$DATA"/group-*.db; do
    min=$(sqlite "$g" "SELECT value FROM meta WHERE key = 'min_cohort'")
    is "$(sqlite "$g" "SELECT count(*) FROM (SELECT n FROM agg_pupil UNION ALL SELECT n FROM agg_subject) WHERE n < $min")" \
       0 "sqlite3: no cell under min_cohort ($min) in $(basename "$g")"
done

# ---- rule 5: league tables -----------------------------------------------
refused "league tables off" pat "league tables are off for group 'harbour-partnership'" \
    --group harbour-partnership --sort -att8 schools
run R --user pat --group harbour-partnership schools
unlike "$out" "Rank" "league tables off: no rank column"
run R --user kit --group moorland-trust --sort -att8 --format csv schools
is "$rc" 0 "league tables on: the trust may order its schools by A8"
like "$(printf '%s' "$out" | head -1)" "^rank," "with a rank column"

# ---- school_level: group-level figures only ------------------------------
refused "schools without school_level" gwen "does not hold school_level access" --group moorland-trust schools
refused "similar without school_level" gwen "does not hold school_level access" --group moorland-trust similar 900007
run R --user gwen --group moorland-trust --format csv subject "$(R --user gwen --group moorland-trust --format csv subjects | sed -n '2s/,.*//p')"
is "$rc" 0 "without school_level the subject view opens"
is "$(printf '%s\n' "$out" | tail -n +2 | grep -vc '^Moorland Learning Trust secondaries,\|^National')" 0 \
   "but holds the group row only (no school rows)"
run R --user gwen --group moorland-trust overview
unlike "$out" "Northmoor Academy|St Aidan|Brookside|Highcliffe" "and no finding names a school"
run R --user sam --group moorland-trust --format csv schools
is "$(printf '%s\n' "$out" | tail -n +2 | wc -l | tr -d ' ')" 4 "with school_level: the four trust schools"

# ---- changes since the last visit ----------------------------------------
run R --user mo --group moorland-trust changes
like "$out" "group_created" "changes: a first visit lists the history"
run R --user mo --group moorland-trust changes
like "$out" "no changes to the group since then" "a second visit: nothing new"
sed -i 's/users: \[kit, mo, sam, gwen\]/users: [kit, mo, sam, gwen, lee]/' "$CONF/groups.yaml"
"$COLLAB" publish --db "$SRC" --config "$CONF" --data "$DATA" >/dev/null 2>&1 || fail "setup: publish"
run R --user mo --group moorland-trust --format csv changes
like "$out" "user_added,user added: lee" "after a publish the new change shows"
unlike "$out" "group_created" "and only what is new"
run R --user mo --group moorland-trust changes
like "$out" "no changes" "seen changes are not shown again"
run R --user mo --group moorland-trust --since 2000-01-01 --format csv changes
is "$(printf '%s\n' "$out" | tail -n +2 | wc -l | tr -d ' ')" 2 "--since lists every change since the date"
ls "$XDG_STATE_HOME/collab/visits/moorland-trust/mo" >/dev/null 2>&1
ok $? "the last visit is kept under XDG_STATE_HOME"
# A link planted at the visit file's name: the visit is kept, the link's
# target untouched.
V="$XDG_STATE_HOME/collab/visits/moorland-trust/mo"
cp "$V" "$T/visit.kept"
echo precious >"$T/visit-victim"
rm -f "$V" && ln -s "$T/visit-victim" "$V"
run R --user mo --group moorland-trust changes
is "$rc" 0 "changes with a link at the visit file's name"
is "$(cat "$T/visit-victim")" precious "the link's target is untouched"
ok "$([ -f "$V" ] && [ ! -L "$V" ]; echo $?)" "and the visit file is collab's own again"
cp "$T/visit.kept" "$V"
is "$(find "$DATA" -newer "$XDG_STATE_HOME/collab/visits/moorland-trust/mo" -name '*.db' ! -name audit.db | wc -l | tr -d ' ')" \
   0 "and never in a shared store"

# Without HOME and XDG variables there is no per-user place: the visit is
# not kept, nothing is written under /tmp in its stead, and a command that
# needs a default place says so.
touch "$T/before-nohome"
nohome() { env -u HOME -u XDG_STATE_HOME -u XDG_CONFIG_HOME -u XDG_DATA_HOME \
               -u XDG_CACHE_HOME "$@"; }
out=$(nohome "$COLLAB" report --data "$DATA" --config "$CONF" --user mo --group moorland-trust \
      --format csv changes 2>&1); rc=$?
is "$rc" 0 "no HOME: changes still reports"
is "$(find /tmp/.local /tmp/.config /tmp/.cache -newer "$T/before-nohome" 2>/dev/null | wc -l | tr -d ' ')" 0 \
   "no HOME: nothing is written under /tmp in its stead"
out=$(nohome "$COLLAB" report --data "$DATA" --user mo --group moorland-trust overview 2>&1); rc=$?
is "$rc" 1 "no HOME and no --config: refused"
is "$out" 'collab: HOME is not set: name the place with an option or $COLLAB_CONFIG' \
   "and told how to name the config"

# A link planted at audit.db: never written through. Whether the view is
# then shown depends on a syslog daemon here (the record fails closed).
mkdir -p "$T/linked" && cp "$DATA"/*.db "$T/linked/" && rm -f "$T/linked/audit.db"
sqlite "$T/audit-victim.db" "CREATE TABLE precious(x); INSERT INTO precious VALUES (1)"
ln -s "$T/audit-victim.db" "$T/linked/audit.db"
"$COLLAB" report --data "$T/linked" --config "$CONF" --user mo --group moorland-trust \
    pupils 900002 >/dev/null 2>&1
is "$(sqlite "$T/audit-victim.db" "SELECT group_concat(name) FROM sqlite_schema")" precious \
   "a link at audit.db to another database: nothing is written into it"

# ---- files ----------------------------------------------------------------
is "$(stat -c %a "$DATA")" 700 "the data directory is not world-readable"
is "$(find "$DATA" -name '*.db' -perm /o=rwx | wc -l | tr -d ' ')" 0 "no store is readable by others"
mygroup=$(id -gn)
mkdir -p "$T/grp"
cp "$CONF"/*.yaml "$T/grp/"
no_groups "$CONF/groups.yaml" |
sed -e "s/unix_group: ${NOGRP}la\([,]*\)$/unix_group: $mygroup\1/" -e "s/${NOGRP}p900002/$mygroup/" \
    >"$T/grp/groups.yaml"
"$COLLAB" publish --db "$SRC" --config "$T/grp" --data "$T/gdata" >/dev/null 2>&1 || fail "setup: publish with groups"
is "$(stat -c '%a %G' "$T/gdata/group-northmoor-secondary.db")" "640 $mygroup" \
   "the la_only group's file: 0640, the LA's unix group only"
is "$(stat -c '%a %G' "$T/gdata/school-900002.db")" "640 $mygroup" \
   "a school store: 0640, the school's pupil-level staff's group"
is "$(stat -c %a "$T/gdata/school-900005.db")" 600 "a school without a unix group here: 0600"
is "$(stat -c %a "$T/gdata")" 711 "the data directory is 0711 with unix groups"
chmod o+r "$DATA/group-moorland-trust.db"
run R --user kit --group moorland-trust overview
like "$err" "warning: .*group-moorland-trust.db is readable by every local user \(mode 6[0-7]4\)" \
     "report warns about a store others can read"
chmod o-r "$DATA/group-moorland-trust.db"

# ---- audit --------------------------------------------------------------
run "$COLLAB" audit --data "$DATA" --user gwen --format csv
like "$out" "refused,moorland-trust,\"user 'gwen' does not hold school_level" "collab audit lists the refusals of a user"
run "$COLLAB" audit --data "$DATA" --user mo --format csv
like "$out" ",pupils,900002," "and the pupil-level views"

done_testing
