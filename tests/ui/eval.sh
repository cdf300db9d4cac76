#!/bin/sh
# The Evaluation pane's form: headless with --keys (enter scores, quit
# mid-form, reopen, an invalid score refused in place, text and sharing),
# then in tmux (the same form, and SIGHUP while it is half-filled keeps what
# was saved).
. "$top_srcdir/tests/lib.sh"

LC_ALL=C.UTF-8; export LC_ALL
unset NO_COLOR TMUX
$COLLAB demo --data "$T/demo" >/dev/null 2>"$T/demo.err" </dev/null
ok $? "demo builds the sample stores"
DATA="$T/demo/data"
# The demo fills past terms with sample entries; these tests start from
# an empty evaluation store.
sqlite "$DATA/eval-harbour-partnership.db" "DELETE FROM eval_score; DELETE FROM eval_text"
# School users see harbour-partnership only when every member has consent:
# give Westfield and Riverside consent in a copy of the demo config.
CONFIG="$T/config"
mkdir -p "$CONFIG"
cp -r "$T/demo/config/." "$CONFIG/"
sed -e '/withdrawn: 2025-03-01 }/d' \
    -e 's/signatory: "R. Ellis, Headteacher",/signatory: "R. Ellis, Headteacher" }/' \
    -e 's/^  - { urn: 900007,/  - { urn: 900006, signed: 2024-09-17, signatory: "W. Field" }\n  - { urn: 900007,/' \
    "$T/demo/config/groups.yaml" >"$CONFIG/groups.yaml"
TERM_NOW=$($COLLAB eval term)
ARGS="--data $DATA --config $CONFIG --group harbour-partnership"
show() { $COLLAB eval $ARGS --user "$1" show; }

# screen USER KEYS: the 80x24 dump after KEYS, in $scr.
screen() {
    printf '%s' "$2" >"$T/keys"
    rm -f "$T/screen"
    $COLLAB $ARGS --user "$1" --headless --size 80x24 --keys "$T/keys" \
        --dump "$T/screen" 2>"$T/stderr"
    rc=$?
    scr=$(cat "$T/screen" 2>/dev/null)
}
line() { printf '%s\n' "$scr" | sed -n "${1}p"; }

screen hana '5'
is "$rc" 0 "the Evaluation pane opens"
like "$(line 3)" "^Evaluation: Harbour Learning Partnership, $TERM_NOW" "it shows the current term"
like "$scr" "No entries for $TERM_NOW yet" "with no entries yet"

# Vision: school 3, then Tab to the partnership cell: 2; down to Leadership
# commitment: partnership 4; quit mid-form.
screen hana '5<Enter>3<Tab>2j4q'
is "$rc" 0 "quitting in the middle of the form exits cleanly"
out=$(show hana)
like "$out" "Shared vision +school 3  partnership 2" "vision's two scores were saved"
like "$out" "Leadership commitment +school \.  partnership 4" "commitment's partnership score too"

screen hana '5<Enter>'
like "$(line 3)" "^Self-evaluation: Harbour High School, $TERM_NOW" "Enter opens the form again"
like "$scr" "Shared vision +3 +2 " "reopened, the form shows the saved scores"
like "$scr" "Leadership commitment +\. +4 " "for every sub-theme"

screen hana '5<Enter>jj7'
like "$(line 24)" "score must be 1-4" "7 is refused with the valid range"
like "$scr" "Agreed priorities +\. +\. " "and not shown as saved"
unlike "$(show hana)" "Agreed priorities" "nor saved in the store"
screen hana '5<Enter>jj<Tab>0'
like "$(line 24)" "score must be 1-4" "0 is refused too"

# Text: e edits strengths, Enter moves to development, Enter saves; S shares.
screen hana '5<Enter>eJoint<Space>planning<Enter>More<Space>CPD<Enter>S'
out=$(show hana)
like "$out" "strengths: Joint planning" "strengths saved"
like "$out" "development: More CPD" "development saved"
like "$out" "Shared vision .* shared" "S shared it"
like "$(show cal)" "strengths: Joint planning" "another school sees shared text"
screen hana '5<Enter>jeSecret<Enter>Hidden<Enter>'
like "$(show hana)" "strengths: Secret" "unshared text is saved"
unlike "$(show cal)" "Secret" "and hidden from another school"
screen hana '5<Enter>jeLost<Space>words<Esc>'
unlike "$(show hana)" "Lost words" "Esc while typing saves nothing"
like "$(line 24)" "not saved" "and says so"

# Who may not enter: a subject leader; the view still shows the aggregate.
screen priya '5<Enter>'
like "$(line 24)" "only school leaders enter evaluation scores" "a subject leader is told why"
like "$(line 3)" "^Evaluation: Harbour Learning Partnership" "and stays on the view"
screen cal '5'
like "$scr" "Shared vision +2\.00 +2 +2 " "another leader sees the partnership mean, min and max"

# --- tmux: the real terminal, and SIGHUP mid-form ---
. "$top_srcdir/tests/ui/tmux_lib.sh" eval
tm new-session -d -s keep -x 80 -y 24 "sleep 600"

tm new-session -d -s ui -x 80 -y 24 "PS1='READY\$ ' sh"
check "shell" 'READY'
keys "TERM=tmux-256color $COLLAB $ARGS --user cal" Enter
check "collab runs" '^ 1 Overview'
keys 5 Enter
check "the form opens in a terminal" "^Self-evaluation: Castlegate School"
keys j j j 2
check "a score is saved as it is typed" "saved: Mutual accountability, school 2"
keys Tab 3
check "and the partnership score" "saved: Mutual accountability, partnership 3"
keys j e H a l f
check "half-typed text is on screen" "Strengths .*Half"
pid=$(pgrep -f "collab $ARGS --user cal" | head -1)
tm kill-session -t ui
if [ -z "$pid" ]; then
    fail "collab exits on SIGHUP" "no collab process was found to hang up"
elif ! wait_until gone "$pid"; then
    fail "collab exits on SIGHUP"
    kill -KILL "$pid"
else
    pass "collab exits on SIGHUP"
fi
out=$(show cal)
like "$out" "Mutual accountability +school 2  partnership 3" "what was saved before SIGHUP is kept"
unlike "$out" "Half" "the half-typed text was never saved"
run sqlite "$DATA/eval-harbour-partnership.db" "PRAGMA quick_check"
is "$out" "ok" "the evaluation store is intact"
done_testing
