#!/bin/sh
# The file layer with real logins (needs root, as in CI): create unix users
# and groups for part of the sample (an LA analyst, a trust analyst, a leader
# with pupil_level at one trust school, in its pupil unix group, and one
# without at another, in its staff's unix group only), point a
# copy of groups.yaml at them, publish, and show with runuser that each login
# opens exactly the stores the rules allow, through collab and through the
# sqlite3 shell, and no other. The partnership still misses Westfield's
# consent, so its store is its owner's staff's alone (pat), not its members'
# (hana, a member school's leader in the partnership's group).
. "$top_srcdir/tests/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
    skip "not root: cannot create unix users and groups"; done_testing
fi
for tool in useradd groupadd userdel groupdel usermod gpasswd runuser "${SQLITE3_SHELL:-sqlite3}"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        skip "$tool is missing"; done_testing
    fi
done

# Users and groups under a prefix no user or group of this machine has
# (tests/lib.sh), the sample's other unix groups renamed under it too.
P=$NOGRP
UGROUPS="${P}la ${P}mlt ${P}s900002 ${P}p900002 ${P}s900005 ${P}p900005 ${P}hlp ${P}hlp-office ${P}s900001"
UUSERS="${P}asha ${P}kit ${P}mo ${P}sam ${P}eve ${P}pat ${P}hana"
LISTEN="$top_builddir/tests/tools/syslog_listen"
lpid=""
cleanup() {
    [ -z "$lpid" ] || { kill "$lpid"; wait "$lpid"; } 2>/dev/null
    for u in $UUSERS; do userdel "$u" >/dev/null 2>&1; done
    for g in $UGROUPS; do groupdel "$g" >/dev/null 2>&1; done
    rm -rf "$T"
}
trap cleanup EXIT INT TERM
for g in $UGROUPS; do groupadd "$g" || fail "setup: groupadd $g"; done
useradd -M -N -g "${P}la" "${P}asha" || fail "setup: useradd asha"
useradd -M -N -g "${P}mlt" "${P}kit" || fail "setup: useradd kit"
useradd -M -N -g "${P}s900002" -G "${P}mlt,${P}p900002" "${P}mo" || fail "setup: useradd mo"
useradd -M -N -g "${P}s900005" -G "${P}mlt" "${P}sam" || fail "setup: useradd sam"
useradd -M -N -g "${P}hlp-office" -G "${P}hlp" "${P}pat" || fail "setup: useradd pat"
useradd -M -N -g "${P}hlp" -G "${P}s900001" "${P}hana" || fail "setup: useradd hana"

"$COLLAB" demo --data "$T/d" >/dev/null 2>&1 </dev/null || fail "setup: demo"
# Everyone may pass through the test directory and read the config.
chmod 711 "$T"
mkdir -p "$T/cfg" && cp "$T/d/config"/*.yaml "$T/cfg/" && chmod 755 "$T/cfg"
no_groups "$T/d/config/groups.yaml" |
sed -e "s/^    login: \(asha\|kit\|mo\|sam\|pat\|hana\)$/    login: ${P}\1/" >"$T/cfg/groups.yaml"
chmod 644 "$T/cfg"/*.yaml
# publish makes the data directory itself: its logins must reach their
# stores without anyone's chmod
D="$T/pub"
"$COLLAB" publish --db "$T/d/source.db" --config "$T/cfg" --data "$D" >/dev/null 2>"$T/perr" ||
    fail "setup: publish" "$(cat "$T/perr")"
is "$(stat -c %a "$D")" 711 "publish made the data directory 0711: every login passes, none lists"

as() { runuser -u "${P}$1" -- "$@"; }
opens() {   # opens USER FILE: 0 when the login can read the store with sqlite3
    runuser -u "${P}$1" -- "${SQLITE3_SHELL:-sqlite3}" -readonly "$D/$2" \
        "SELECT count(*) FROM meta" >/dev/null 2>&1
}
report() {  # report USER ARGS...: collab report as the login, into $out/$err/$rc
    u=$1; shift
    out=$(runuser -u "${P}$u" -- env HOME=/ XDG_STATE_HOME=/nonexistent \
          "$COLLAB" report --data "$D" --config "$T/cfg" "$@" 2>"$T/rerr"); rc=$?
    err=$(cat "$T/rerr")
}

# Which store files each login can open with the sqlite3 shell.
STORES="group-northmoor-secondary.db group-moorland-trust.db group-harbour-partnership.db
school-900002.db school-900005.db school-900001.db group-own-harbour-high.db
group-own-northmoor-academy.db group-own-st-aidans.db"
expect() {  # expect USER FILES-IT-MAY-OPEN
    u=$1 allowed=" $2 "
    for f in $STORES; do
        case "$allowed" in
        *" $f "*) opens "$u" "$f"; ok $? "$u (real login) opens $f with sqlite3" ;;
        *) if opens "$u" "$f"; then fail "$u must not open $f"; else pass "$u cannot open $f with sqlite3"; fi ;;
        esac
    done
}
expect asha "group-northmoor-secondary.db"
expect kit "group-moorland-trust.db"
# A consent missing (Westfield): the partnership's store is its owner's
# staff's (pat), not yet its members' (hana), though both are in its group.
expect pat "group-harbour-partnership.db"
# Each school's own figures are its staff's (its unix_group), whatever
# their groups: hana, whose partnership is not open yet, reads her school's
expect hana "group-own-harbour-high.db"
expect mo "group-moorland-trust.db school-900002.db group-own-northmoor-academy.db"
# sam is St Aidan's staff without pupil_level: not in its pupil unix group,
# so the file system refuses the school's pupils, not only collab
expect sam "group-moorland-trust.db group-own-st-aidans.db"
is "$(stat -c '%a %G' "$D/school-900005.db")" "640 ${P}p900005" \
   "St Aidan's store is its pupil-level staff's group's, not its staff's"

# publish --check-perms says who can read and write each file.
run "$COLLAB" publish --check-perms --data "$D" --config "$T/cfg"
is "$rc" 0 "check-perms runs"
like "$out" "^$D/ 0711: every local user passes through; only its owner lists it\$" \
     "check-perms: the data directory"
like "$out" "^school-900002.db 0640 root:${P}p900002 read: root, ${P}mo; write: root\$" \
     "check-perms: Northmoor Academy's pupils, read by mo alone"
like "$out" "^group-moorland-trust.db 0640 root:${P}mlt read: root, ${P}kit, ${P}mo, ${P}sam; write: root\$" \
     "check-perms: the trust's store, read by its three logins"

# collab check says where this machine's groups do not enforce groups.yaml.
# As set up, mo and kit are where the rules put them; gwen, listed on the
# trust's group, has no login in its unix group.
run "$COLLAB" check "$T/cfg"
is "$rc" 0 "check: the config loads"
unlike "$err" "'${P}mo'" "check: nothing about mo (in his school's pupil group, pupil_level)"
unlike "$err" "'${P}kit'" "check: nothing about kit (the trust's analyst, in its group)"
like "$err" "warning: user 'gwen' may see group 'moorland-trust' \(group-moorland-trust.db\), but login 'gwen' is not in its unix group '${P}mlt': collab cannot open it for them" \
     "check: a listed user whose login is not in the group's unix group"
# Now sam joins St Aidan's pupil group without pupil_level, a login unknown
# to groups.yaml joins the trust's group, and mo leaves his pupil group.
useradd -M -N -g "${P}mlt" "${P}eve" || fail "setup: useradd eve"
usermod -a -G "${P}p900005" "${P}sam" || fail "setup: usermod sam"
gpasswd -d "${P}mo" "${P}p900002" >/dev/null || fail "setup: gpasswd mo"
run "$COLLAB" check "$T/cfg"
is "$rc" 0 "check: still loads (these are warnings)"
like "$err" "warning: login '${P}sam' is in unix group '${P}p900005' and can read the pupils of St Aidan's Church of England Academy \(school-900005.db\) with sqlite3, which collab refuses: user 'sam' does not hold pupil_level access" \
     "check: a member of a pupil group without pupil_level"
like "$err" "warning: login '${P}eve' is in unix group '${P}mlt' and can read group 'moorland-trust' \(group-moorland-trust.db\) with sqlite3, but is no user in groups.yaml" \
     "check: a member of a group's unix group who is no user"
like "$err" "warning: user 'mo' may see the pupils of Northmoor Academy \(school-900002.db\), but login '${P}mo' is not in its unix group '${P}p900002': collab cannot open it for them" \
     "check: a user with pupil_level outside the pupil group"
opens sam school-900005.db
ok $? "and indeed sam now opens St Aidan's pupils with sqlite3"
run "$COLLAB" publish --check-perms --data "$D" --config "$T/cfg"
like "$out" "^school-900005.db 0640 root:${P}p900005 read: root, ${P}sam; write: root; can read but the rules refuse: ${P}sam\$" \
     "check-perms: a reader the rules refuse is named"
usermod -a -G "${P}p900002" "${P}mo" || fail "setup: usermod mo"
gpasswd -d "${P}sam" "${P}p900005" >/dev/null || fail "setup: gpasswd sam"
userdel "${P}eve" || fail "setup: userdel eve"

# Through collab, as the real logins (no --user: the uid decides).
report asha --group northmoor-secondary overview
is "$rc" 0 "asha: the LA group through collab"
report asha --group moorland-trust overview
is "$rc" 1 "asha: not the trust's group"
report kit --group moorland-trust --format csv schools
is "$rc" 0 "kit: the trust's schools"
report hana overview
is "$rc" 0 "hana: her partnership not open, collab opens"
like "$out" "^Overview: Harbour High School" "hana: on her own school, from a store only its staff read"
# Pupils are shown only where the view is recorded (fail closed): mo cannot
# make audit.db in the data directory (root's, 0711), so syslog is the
# record. Where no daemon takes messages, collab refuses; then a stand-in
# daemon takes them, and the view is shown and recorded.
if "$LISTEN" --probe /dev/log; then
    pass "a syslog daemon listens here: the refusal without one is not tried"
else
    [ -S /dev/log ] && rm -f /dev/log   # a daemon's socket, left by a daemon gone
    report mo --group moorland-trust --format csv pupils 900002
    is "$rc" 1 "mo: no syslog and no audit.db he may write: his pupils are refused"
    like "$err" "pupil-level data is shown only where the view is recorded, and it cannot be" \
         "mo: and told why"
    is "$out" "" "mo: not one pupil row printed"
    "$LISTEN" /dev/log "$T/syslog" &
    lpid=$!
    wait_until "$LISTEN" --probe /dev/log || fail "setup: the stand-in syslog daemon"
fi
report mo --group moorland-trust --format csv pupils 900002
is "$rc" 0 "mo: own school's pupils"
ok "$([ "$(printf '%s\n' "$out" | wc -l)" -gt 10 ]; echo $?)" "mo: pupils listed"
if [ -n "$lpid" ]; then
    kill "$lpid"; wait "$lpid"; lpid=""
    like "$(cat "$T/syslog")" "^<85>.* collab\[[0-9]+\]: login=${P}mo user=mo action=pupils target=900002 detail=group=moorland-trust" \
         "and the view is in syslog (authpriv.notice), with the real login"
    ok "$([ ! -e /dev/log ]; echo $?)" "the stand-in daemon is gone"
fi
report mo --group moorland-trust pupils 900005
is "$rc" 1 "mo: another school's pupils refused"
report mo --group northmoor-secondary overview
is "$rc" 1 "mo: the LA group refused"
like "$err" "may not see group 'northmoor-secondary'" "mo: with the reason"
report sam --group moorland-trust pupils 900005
is "$rc" 1 "sam: own school's pupils refused without pupil_level (and the file is not sam's to read)"
like "$err" "does not hold pupil_level" "sam: with the reason"
report sam --user mo --group moorland-trust overview
is "$rc" 1 "sam: may not act as another user"
report kit --group moorland-trust --format csv pupils 900002
is "$rc" 1 "kit: no pupils for a trust analyst"

done_testing
