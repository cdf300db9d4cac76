#!/bin/sh
# Who may see what, in the TUI (headless: keys from a file, the final screen
# dumped): each rule refused with a message on the screen (or before the
# screen opens) and an audit row; the right user sees the thing.
. "$top_srcdir/tests/lib.sh"

LC_ALL=C.UTF-8; export LC_ALL
unset NO_COLOR
"$COLLAB" demo --data "$T/demo" >/dev/null 2>&1 </dev/null
ok $? "demo builds the sample stores"
DATA="$T/demo/data"
CONFIG="$T/demo/config"

# screen USER KEYS [ARGS...]: the dump after KEYS as USER, in $scr (rc in $rc).
screen() {
    user=$1 keys=$2
    shift 2
    printf '%s' "$keys" >"$T/keys"
    rm -f "$T/screen"
    "$COLLAB" --data "$DATA" --config "$CONFIG" --user "$user" --headless --size 100x24 \
        --keys "$T/keys" --dump "$T/screen" "$@" 2>"$T/stderr"
    rc=$?
    scr=$(cat "$T/screen" 2>/dev/null)
}
line() { printf '%s\n' "$scr" | sed -n "${1}p"; }
audited() {   # audited USER PATTERN: refusal rows of USER whose detail matches
    "${SQLITE3_SHELL:-sqlite3}" "$DATA/audit.db" \
        "SELECT count(*) FROM audit WHERE user = '$1' AND action = 'refused' AND detail LIKE '%$2%'"
}

# Users: an unknown login is refused before the screen opens.
"$COLLAB" --config "$SAMPLE/config" --data "$DATA" --headless --keys /dev/null 2>"$T/stderr"
is "$?" 1 "unknown login: the TUI does not open"
like "$(cat "$T/stderr")" "your login '$(id -un)' is not a user in groups.yaml" "and says so"

# Rule 1: an la_only group is not for a school user, even by :group.
screen mo ':group<Space>northmoor-secondary<Enter>'
like "$(line 24)" "may not see group 'northmoor-secondary'" "la_only: :group is refused on screen"
like "$(line 1)" "Moorland Learning Trust" "and the trust group stays open"
is "$(audited mo 'not listed')" 1 "and the refusal is audited"
screen asha ''
like "$(line 1)" "Northmoor schools" "la_only: the LA analyst opens it"
# A schools group awaiting consent: refused to its schools, the owner is told why.
screen cal '' --group harbour-partnership
is "$rc" 1 "consent missing: a school user cannot open the group"
like "$(cat "$T/stderr")" "consent is missing for Westfield College \(900006\)" "and is told which school"
screen pat '' --group harbour-partnership
like "$(line 24)" "not yet shared with its schools: consent is missing for W" \
     "the owner sees the group and which school has not signed"

# Rule 2: the school that withdrew.
screen rob '' --group harbour-partnership
is "$rc" 1 "withdrawn: the school's leader cannot open the group"
like "$(cat "$T/stderr")" "withdrew its consent on 2025-03-01" "and is told why"
screen pat '3' --group harbour-partnership
unlike "$scr" "Riverside Community College" "withdrawn: the school is not on the owner's Schools pane"

# Rule 3: pupils. The Pupils pane and its export go through one check.
screen sam "4x$T/sam.csv<Enter>" --group moorland-trust
like "$scr" "does not hold pupil_level" "pupils without pupil_level: the pane says why"
ok "$([ ! -s "$T/sam.csv" ]; echo $?)" "and x exports no pupil"
screen mo '4' --group moorland-trust
like "$(line 3)" "Pupils: Northmoor Academy" "a leader with pupil_level sees their own pupils"
screen mo "4x$T/mo.csv<Enter>" --group moorland-trust
like "$(line 24)" "exported [0-9]+ rows to $T/mo.csv" "and may export them"
is "$(stat -c %a "$T/mo.csv")" 600 "the export holding pupils is 0600"
is "$("${SQLITE3_SHELL:-sqlite3}" "$DATA/audit.db" "SELECT count(*) FROM audit WHERE user = 'mo' AND action = 'export'")" \
   1 "the export is audited"
screen kit '4' --group moorland-trust
like "$scr" "belongs to no school" "a trust analyst has no Pupils pane"

# Rule 5: league tables off.
screen pat '3[' --group harbour-partnership
like "$(line 24)" "league tables are off for group 'harbour-partnership'" "sorting the Schools pane is refused"
unlike "$scr" "Rank" "and there is no rank column"
screen kit '3' --group moorland-trust
like "$scr" "Rank" "with league tables on the trust's Schools pane ranks"

# school_level: group-level figures only.
screen gwen '3' --group moorland-trust
like "$scr" "does not hold school_level access" "without school_level the Schools pane says why"
unlike "$scr" "Brookside Secondary School +[0-9]" "and shows no school's figures"
is "$(audited gwen 'school_level')" 1 "and the refusal is audited"

# Group changes: shown when the group opens, once.
screen mo '' --group moorland-trust
sed -i 's/users: \[kit, mo, sam, gwen\]/users: [kit, mo, sam, gwen, lee]/' "$CONFIG/groups.yaml"
"$COLLAB" publish --db "$T/demo/source.db" --config "$CONFIG" --data "$DATA" >/dev/null 2>&1
screen mo '' --group moorland-trust
like "$(line 24)" "1 change since your last visit: user added: lee" "the change shows when the group opens"
screen mo '' --group moorland-trust
unlike "$(line 24)" "since your last visit" "and not again"

# Files: a store others can read is pointed out.
chmod o+r "$DATA/group-moorland-trust.db"
screen mo '' --group moorland-trust
like "$(line 24)" "warning: .*group-moorland-trust.db is readable by every local user" \
     "a world-readable store is flagged on screen"
chmod o-r "$DATA/group-moorland-trust.db"

done_testing
