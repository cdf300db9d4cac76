#!/bin/sh
# The TUI driven headless: keys from a file, a virtual screen, a plain-text
# dump of the final screen. Builds the demo stores once.
. "$top_srcdir/tests/lib.sh"

LC_ALL=C.UTF-8; export LC_ALL
unset NO_COLOR
$COLLAB demo --data "$T/demo" >/dev/null 2>"$T/demo.err" </dev/null
ok $? "demo builds the sample stores"
DATA="$T/demo/data"
CONFIG="$T/demo/config"

# A config where a school leader (hana, pupil_level) and a leader without
# pupil access (cal) are listed on the LA's group.
cp -r "$CONFIG" "$T/config2"
sed 's/users: \[asha, lee\]/users: [asha, lee, hana, cal]/' "$CONFIG/groups.yaml" >"$T/config2/groups.yaml"

# screen SIZE KEYS [ARGS...]: the dump after KEYS, in $scr (rc in $rc).
screen() {
    size=$1 keys=$2
    shift 2
    printf '%s' "$keys" >"$T/keys"
    rm -f "$T/screen"
    $COLLAB --data "$DATA" --config "$CONFIG" --headless --size "$size" \
        --keys "$T/keys" --dump "$T/screen" "$@" 2>"$T/stderr"
    rc=$?
    scr=$(cat "$T/screen" 2>/dev/null)
}
line() { printf '%s\n' "$scr" | sed -n "${1}p"; }

screen 80x24 ''
is "$rc" 0 "headless run exits 0"
is "$(printf '%s\n' "$scr" | wc -l | tr -d ' ')" 24 "the dump has 24 lines"
like "$(line 1)" '^ Northmoor schools  2019  KS4 .* user demo-admin$' "top line: group, year, key stage, user"
is "$(line 2)" " 1 Overview   2 Subjects   3 Schools   4 Pupils   5 Evaluation" "tab line"
like "$(line 3)" '^Overview: Northmoor schools, 2019, KS4' "the Overview pane opens first"
like "$(line 24)" '^\? help  / jump  \[ sort' "the key hint is on the last line"
like "$scr" 'Findings' "findings under the headline table at 80x24"

# The FSM6 key shows a chip and exactly the figures `report` gives.
screen 80x24 'f'
like "$(line 1)" '\[FSM6\]' "f shows the FSM6 chip"
$COLLAB report --data "$DATA" --config "$CONFIG" overview --filter fsm6=yes --format csv \
    | tail -n +2 | cut -d, -f2,3 >"$T/fsm6.csv"
[ -s "$T/fsm6.csv" ]
ok $? "report gives the FSM6 overview"
# The screen leaves out the indicator id (a column for scripts) and starts
# each row with the label, cut to fit: match on its first 20 characters.
while IFS=, read -r label value; do
    like "$(printf '%s\n' "$scr" | grep -F "$(printf '%.20s' "$label")")" " $value( |$)" \
         "FSM6 $label is $value as in report"
done <"$T/fsm6.csv"
screen 80x24 'ff'
like "$(line 1)" '\[Not FSM6\]' "f again cycles to the next value"
screen 80x24 'fff'
unlike "$(line 1)" 'FSM6' "f a third time is back to all pupils"
screen 80x24 'fe0'
unlike "$(line 1)" '\[' "0 clears every filter"

# Year back and forward.
screen 80x24 'y'
like "$(line 1)" ' 2018 ' "y goes one year back"
screen 80x24 'yY'
like "$(line 1)" ' 2019 ' "Y comes forward again"

# Subjects: Enter opens a subject across every school, Esc goes back.
screen 80x24 '2'
like "$(line 3)" '^Subjects: ' "2 shows the Subjects pane"
screen 80x24 '2j<Enter>'
like "$(line 3)" '^Subject Biology' "Enter opens the selected subject"
like "$scr" 'Westfield College' "the subject dashboard lists the schools"
screen 80x24 '2j<Enter><Esc>'
like "$(line 3)" '^Subjects: ' "Esc goes back to every subject"

# Schools: table and chart; sorting; similar schools.
screen 80x24 '3'
like "$(line 3)" '^Schools: ' "3 shows the Schools pane"
like "$(line 4)" 'School .*URN' "schools table header"
# Intake figures are counts: Westfield's 4 EAL pupils are x, and the title
# line says what x means.
like "$(printf '%s\n' "$scr" | grep 'Westfield College')" '900006 +111 +25\.2 +x ' \
    "Westfield's EAL % (4 of 111 pupils) is x"
like "$(line 3)" ' x: under 6 pupils, or hiding such a group$' "the title line says what x means"
screen 80x24 '3['
like "$(line 24)" 'sorted by A8, highest first' "[ sorts by the current column"
first=$(line 5)
like "$first" 'Westfield College' "the highest A8 comes first"
screen 120x40 '3'
like "$(line 4)" 'A8 \(. national' "at 120x40 the bar chart sits beside the table"
# At 80 columns the general keys give way, whole, to the pane's own.
screen 80x24 '3'
is "$(line 24)" '? help  filter fedgp  q quit  s similar  S group/England  v chart  * x-axis' \
    "at 80x24 the Schools hint keeps its own keys whole, after help, filters and quit"
screen 120x40 '3'
like "$(line 40)" '^\? help  / jump  \[ sort  y year  x export  filter fedgp  q quit  s similar .* \* x-axis$' \
    "at 120x40 the Schools hint has every key"
screen 80x24 '3v'
like "$scr" 'A8 against FSM6 %' "v switches to a scatter of A8 against FSM6 %"

# Quick jump lands on the school; s lists schools similar to it.
screen 80x24 '/Castlegate Sch<Enter>s'
like "$(line 3)" 'Castlegate School' "quick jump selects the school; s opens its similar schools"
screen 80x24 '/900006<Enter>s'
like "$(line 3)" 'Westfield College' "quick jump by URN"
screen 80x24 '/mathem<Enter>'
like "$(line 3)" '^Subjects: ' "quick jump to a subject shows the Subjects pane"
screen 80x24 '/zzzz<Enter>'
like "$(line 24)" "no school, subject or pupil matches 'zzzz'" "a jump with no match says so"
screen 80x24 '/Castle<Esc>'
like "$(line 3)" '^Overview' "Esc cancels the jump and returns"

# :user: the demo's administrator sees the tool as a school head, her
# pupils included; a wrong name lists the users (the rule that only an
# administrator acts as another is report's and privacy_root.sh's).
screen 80x24 ':user<Space>mo<Enter>4'
like "$(line 3)" 'Pupils: Northmoor Academy' ":user mo: the administrator sees mo's own pupils"
screen 80x24 ':user<Space>mo<Enter>'
like "$(line 24)" "acting as mo in moorland-trust" "and is told whom and where"
screen 80x24 ':user<Space>nobody<Enter>'
like "$(line 24)" "no user 'nobody' in groups.yaml \(users: " ":user with a wrong name lists the users"
screen 80x24 ':user<Enter>' --config "$T/config2" --user hana
like "$(line 24)" "you are acting as hana" ":user alone says whom one acts as"

# Pupils: own school with pupil_level only; others see the reason.
screen 80x24 '4' --config "$T/config2" --user hana
like "$(line 3)" 'Pupils: Harbour High School' "a school user with pupil access sees pupils"
like "$(line 5)" '^P[0-9]+ ' "pupil rows"
# :where keeps the pupils that meet it, and the title says so and counts;
# an unknown column is refused with the columns, the list kept.
screen 80x24 '4:where<Space>p8<Space><lt><Space>-1<Enter>' --config "$T/config2" --user hana
like "$(line 3)" 'Pupils: Harbour High School .*where p8 < -1: [0-9]+ pupils' \
     ":where filters the pupils, in the title"
behind=$("$COLLAB" report --data "$DATA" --config "$T/config2" --user hana --format csv \
         --group northmoor-secondary --where 'p8 < -1' pupils 900001 | tail -n +2 | wc -l | tr -d ' ')
like "$(line 3)" ": $behind pupils" "as many as report --where gives ($behind)"
screen 80x24 '4:where<Space>zz<Space><lt><Space>1<Enter>' --config "$T/config2" --user hana
like "$(line 24)" "where: no column 'zz' in this view" ":where on an unknown column says so"
like "$(line 3)" 'Pupils: Harbour High School' "and the pupils stay listed"
# Enter opens the pupil under the cursor; Esc comes back to the list.
screen 80x24 '4' --config "$T/config2" --user hana
first=$(line 5 | cut -d' ' -f1)
screen 80x24 '4<Enter>' --config "$T/config2" --user hana
like "$(line 3)" "^Pupil $first .*Harbour High School \(900001\), 2019, KS4" "Enter opens the pupil ($first)"
like "$scr" 'Attainment 8 ' "with the pupil's Attainment 8"
like "$scr" 'Prior attainment' "and prior attainment"
screen 120x40 '4<Enter>' --config "$T/config2" --user hana
like "$scr" 'Mathematics|Maths' "and grades by subject (120x40)"
screen 80x24 '4<Enter><Esc>' --config "$T/config2" --user hana
like "$(line 3)" 'Pupils: Harbour High School' "Esc goes back to the pupils"
screen 80x24 '4' --config "$T/config2" --user cal
like "$scr" "pupil_level" "a user without pupil access sees the model's reason"
unlike "$scr" 'P0[0-9]{6}' "and no pupil"
screen 80x24 '4'
like "$scr" "belongs to no school" "a user of no school is told why, not shown a store error"

# League tables off: the model refuses to order and the hint line says so.
screen 80x24 '3l[' --user pat --group harbour-partnership
like "$(line 24)" 'league tables are off' "sorting refused with the model's message"

# Evaluation shows what the model returns, or its message.
screen 80x24 '5'
like "$(line 3)" '^Evaluation' "5 shows the Evaluation pane"

# Command line: :year, :filter, unknown command, Tab completion.
screen 80x24 ':year<Space>2017<Enter>'
like "$(line 1)" ' 2017 ' ":year changes year"
is "$(tail -1 "$XDG_STATE_HOME/collab/history")" "year 2017" "the command is kept in the history"
# A link planted at the history's name: the command runs, the file the
# link points to is not appended to.
mv "$XDG_STATE_HOME/collab/history" "$T/history.kept"
echo precious >"$T/precious-history"
ln -s "$T/precious-history" "$XDG_STATE_HOME/collab/history"
screen 80x24 ':year<Space>2018<Enter>'
like "$(line 1)" ' 2018 ' ":year still runs with a link at the history's name"
is "$(cat "$T/precious-history")" precious "and what the link points to is untouched"
rm -f "$XDG_STATE_HOME/collab/history"
mv "$T/history.kept" "$XDG_STATE_HOME/collab/history"
screen 80x24 ':filter<Space>sen=support<Enter>'
like "$(line 1)" '\[SEN support\]' ":filter DIM=VALUE"
screen 80x24 ':frobnicate<Enter>'
like "$(line 24)" "unknown command 'frobnicate'" "unknown command message"
screen 80x24 ':pane-sch<Tab><Enter>'
like "$(line 3)" '^Schools' "Tab completes a command name"
screen 80x24 '?'
like "$scr" 'pane-overview' "? lists every action"
is "$(line 4)" ' x: fewer than 6 pupils, or hidden so a group that small cannot be worked out' \
   "? says what x means first"
# A page down in ? moves by exactly the keys shown: the first key of the
# second page is the one after the last of the first (every key listed at
# 80x60 gives the order).
last=$(line 23)
screen 80x24 '?<PgDn>'
first=$(line 5)
screen 80x60 '?'
want=$(printf '%s\n' "$scr" | grep -A1 -xF -- "$last" | sed -n 2p)
ok "$([ -n "$want" ]; echo $?)" "(the last key of the first page is listed at 80x60)"
is "$first" "$want" "? pages by the keys it shows, with the x line above them"
screen 80x24 '?G'
like "$scr" 'f +filter-fsm6' "? lists the filter keys"

# Export: CSV like report (six headline rows: A8, P8, EM 4+, EM 5+, absence,
# persistent absence), mode 0600; a bad extension is refused.
screen 80x24 "x$T/out.csv<Enter>"
like "$(line 24)" "exported 6 rows to $T/out.csv" "x exports the current table"
$COLLAB report --data "$DATA" --config "$CONFIG" overview --format csv >"$T/report.csv"
cmp -s "$T/out.csv" "$T/report.csv"
ok $? "the export is the same CSV as report"
is "$(stat -c %a "$T/out.csv")" 600 "exported file is 0600"
here=$(pwd)
cd "$T" && screen 80x24 "xrel.csv<Enter>"
cd "$here" || fail "cd back"
like "$(line 24)" "exported 6 rows to $T/rel.csv" "an export to a relative name says the full path it wrote"
screen 80x24 "x$T/out.txt<Enter>"
like "$(line 24)" 'csv, .tsv or .json' "export refuses an unknown extension"
screen 80x24 "x$T/out.json<Enter>"
like "$(head -c 1 "$T/out.json")" '^[[{]' "JSON export"
# An export replaces a file of the user's own, written beside it first; a
# symbolic link at the name, or another user's file, is left untouched.
echo precious >"$T/precious"
ln -s "$T/precious" "$T/link.csv"
screen 80x24 "x$T/link.csv<Enter>"
like "$(line 24)" "export: $T/link.csv is a symbolic link: not replaced" "export refuses a symbolic link, naming it"
is "$(cat "$T/precious")" precious "and what it points to is untouched"
ok "$([ -L "$T/link.csv" ]; echo $?)" "and the link is still there"
screen 80x24 "x$T/out.csv<Enter>"
like "$(line 24)" "exported 6 rows to $T/out.csv" "exporting onto one's own earlier export replaces it"
is "$(ls -a "$T" | grep -c '^\.out\.csv\.')" 0 "and leaves no temporary file"
if [ "$(id -u)" -eq 0 ]; then
    echo theirs >"$T/theirs.csv"
    chown 65534 "$T/theirs.csv" && chmod 666 "$T/theirs.csv"
    screen 80x24 "x$T/theirs.csv<Enter>"
    like "$(line 24)" "export: $T/theirs.csv is another user's file: not replaced" \
         "export refuses another user's file, though writable"
    is "$(cat "$T/theirs.csv")" theirs "and leaves it as it was"
else
    skip "not root: cannot make another user's file"; skip "not root"
fi

# Too small a screen shows a message, not garbage.
screen 40x10 ''
like "$scr" 'Terminal too small: 40x10' "too small a terminal says so"

# Without UTF-8 the screen is pure ASCII.
LC_ALL=C screen 80x24 '3llv'   # P8 is right of A8 and its percentile
if printf '%s' "$scr" | LC_ALL=C grep -q '[^ -~]'; then fail "ASCII under LANG=C"; else pass "ASCII under LANG=C"; fi
like "$scr" '\+0\.67\+' "significance keeps a marker in ASCII"

# keys.yaml rebinds; a bad file is an error with FILE:LINE:COL.
mkdir -p "$XDG_CONFIG_HOME/collab"
printf 'bindings:\n  pane-schools: S\n  quit: [Q, "<C-q>"]\n' >"$XDG_CONFIG_HOME/collab/keys.yaml"
screen 80x24 'S'
like "$(line 3)" '^Schools' "a rebound key works"
screen 80x24 '?'
like "$scr" 'S +pane-schools' "help shows the key in effect"
printf 'bindings:\n  pane-schol: S\n' >"$XDG_CONFIG_HOME/collab/keys.yaml"
screen 80x24 ''
is "$rc" 1 "a broken keys.yaml stops the program"
like "$(cat "$T/stderr")" "keys.yaml:2:3: unknown action 'pane-schol' \(did you mean 'pane-schools'\?\)" "FILE:LINE:COL error"
rm -f "$XDG_CONFIG_HOME/collab/keys.yaml"

# Refusals happen before the terminal: unknown user, bad option.
screen 80x24 '' --user nobody
is "$rc" 1 "an unknown user exits 1"
like "$(cat "$T/stderr")" 'nobody' "and says who"
screen 80x24 '' --color purple
is "$rc" 2 "a bad --color is a usage error"

# The key reference is made from the action table.
$COLLAB tui --keys-markdown >"$T/KEYS.md"
cmp -s "$T/KEYS.md" "$top_srcdir/docs/KEYS.md"
ok $? "docs/KEYS.md matches the action table"

done_testing
