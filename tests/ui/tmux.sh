#!/bin/sh
# The real binary in a real terminal: tmux on a private socket, keys sent
# with send-keys, the screen read with capture-pane (polled, never a fixed
# sleep). Skipped only when tmux is missing.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/ui/tmux_lib.sh" ui
unset NO_COLOR
LC_ALL=C.UTF-8; export LC_ALL

# A session that outlives the test sessions keeps the server up between them.
tm new-session -d -s keep -x 80 -y 24 "sleep 600"
$COLLAB demo --data "$T/demo" >/dev/null 2>&1 </dev/null
ok $? "demo builds the sample stores"
DATA="$T/demo/data"
CONFIG="$T/demo/config"
RUN="$COLLAB --data $DATA --config $CONFIG"

start_shell() {   # start_shell COLS ROWS
    tm kill-session -t ui >/dev/null 2>&1
    tm new-session -d -s ui -x "$1" -y "$2" "PS1='READY\$ ' sh"
    check "shell at $1x$2" 'READY'
}

for size in 80x24 120x40; do
    start_shell "${size%x*}" "${size#*x}"
    keys "TERM=tmux-256color $RUN; echo EXIT=\$?" Enter
    check "$size: the Overview tab is shown" '^ 1 Overview' 2
    keys f
    check "$size: f shows the FSM6 chip" '\[FSM6\]' 1
    want=$($COLLAB report --data "$DATA" --config "$CONFIG" overview --filter fsm6=yes \
           --format csv | awk -F, '$1 == "att8" { print $3 }')
    check "$size: FSM6 A8 is $want as report gives" "^Attainment 8 .* $want "
    keys o
    check "$size: o compares with England's other pupils (chip)" '\[FSM6\] \[vs Not FSM6\]' 1
    gap=$($COLLAB report --data "$DATA" --config "$CONFIG" overview --filter fsm6=yes --gap \
          --format csv | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "national") c = i }
                                  $1 == "att8" { print $c }')
    check "$size: A8 against England's not-FSM6 pupils ($gap) as report --gap gives" \
          "^Attainment 8 .* $want.* $gap "
    keys 0 / C a s t l e g a t e Space S c h Enter s
    check "$size: quick jump lands on the school (its similar schools)" 'Castlegate School' 3
    keys Escape 3
    check "$size: Schools pane" '^Schools' 3
    if [ "$size" = 120x40 ]; then
        check "120x40: chart beside the table" 'national' 4
    fi
    keys q
    check "$size: q quits and the shell prompt is back" 'EXIT=0'
done

# Colour follows polarity, the mark the direction: St Aidan's persistent
# absence 7.7 is significantly below national (good: the default theme's
# green, 92) with a down mark; its A8 38.1 below national is red (91).
start_shell 220 50
keys "clear; TERM=tmux-256color $RUN; echo EXIT=\$?" Enter
check "220x50: tui started" '^ 1 Overview' 2
keys 3
check "220x50: Schools pane" '^Schools' 3
line=$(cap -e | grep "St Aidan")
if printf '%s' "$line" | grep -q '\[92m *7\.7▼'; then
    pass "low persistent absence (better) is green with a down mark"
else
    fail "low persistent absence (better) is green with a down mark" "$(printf '%s' "$line" | cat -v)"
fi
if printf '%s' "$line" | grep -q '\[91m *38\.1▼'; then
    pass "low A8 (worse) is red with a down mark"
else
    fail "low A8 (worse) is red with a down mark" "$(printf '%s' "$line" | cat -v)"
fi
keys q
check "220x50: quit" 'EXIT=0'

# Pupils: a user with pupil access sees pupils, another the reason.
cp -r "$CONFIG" "$T/config2"
sed 's/users: \[asha, lee\]/users: [asha, lee, hana, cal]/' "$CONFIG/groups.yaml" >"$T/config2/groups.yaml"
start_shell 80 24
keys "clear; $COLLAB --data $DATA --config $T/config2 --user hana; echo EXIT=\$?" Enter
check "tui started for hana" '^ 1 Overview' 2
keys 4
check "hana sees her school's pupils" '^P[0-9]+ ' 5
keys q
check "quit" 'EXIT=0'
keys "clear; $COLLAB --data $DATA --config $T/config2 --user cal; echo EXIT=\$?" Enter
check "tui started for cal" '^ 1 Overview' 2
keys 4
check "cal sees the reason" 'pupil_level'
keys q
check "quit" 'EXIT=0'

# A meeting at 80x24 (issue 31): the demo's administrator becomes a school
# head, sorts her pupils by P8, keeps those below -1, then opens the
# partnership's self-evaluation, which the demo fills for past terms.
first=$($COLLAB report --data "$DATA" --config "$CONFIG" --user mo --format csv --sort p8 \
        pupils 900002 | tr -d '\r' | sed -n 2p | cut -d, -f1)
behind=$($COLLAB report --data "$DATA" --config "$CONFIG" --user mo --format csv \
         --where 'p8 < -1' pupils 900002 | tr -d '\r' | tail -n +2 | wc -l | tr -d ' ')
start_shell 80 24
keys "clear; $RUN; echo EXIT=\$?" Enter
check "walk-through: the demo opens" '^ 1 Overview' 2
keys ":user mo" Enter
check "walk-through: :user mo" 'user mo *$' 1
keys 4
check "walk-through: mo's pupils" '^Pupils: Northmoor Academy' 3
keys l l l l l l ]
check "walk-through: ] on P8 sorts lowest first" 'sorted by P8, lowest first' 24
keys Home
check "walk-through: Home: the pupil furthest behind first ($first)" "^$first " 5
keys ":where p8 < -1" Enter
check "walk-through: :where p8 < -1 keeps $behind pupils" "where p8 < -1: $behind pupils" 3
keys Enter
check "walk-through: Enter opens that pupil" "^Pupil $first " 3
keys Escape 5
check "walk-through: Evaluation with the partnership's scores" \
      '^Evaluation: Moorland Learning Trust secondaries, 20[0-9]{2}-(autumn|spring|summer)' 3
check "walk-through: a sub-theme's scores" '^  Shared vision +[1-4][.][0-9]{2} +[1-4] +[1-4] '
keys q
check "walk-through: quit" 'EXIT=0'

# Resize, suspend, terminal state.
start_shell 80 24
keys "clear; $RUN; echo EXIT=\$?" Enter
check "tui started" '^ 1 Overview' 2
tm resize-window -t ui -x 40 -y 10
check "too small a terminal shows its message" 'Terminal too small'
tm resize-window -t ui -x 80 -y 24
check "and recovers at 80x24" '^ 1 Overview' 2
keys C-z
check "Ctrl-Z suspends to the shell" 'READY'
keys "fg" Enter
check "fg redraws the screen" '^ 1 Overview' 2
keys q
# The shell already printed the stopped job's status; wait for the process.
no_collab() { ! pgrep -f "collab --data $DATA" >/dev/null; }
wait_until no_collab
ok $? "q after fg quits"
keys "clear; stty -a | tr ' ;' '\n\n' | grep -x -e icanon -e echo | tr '\n' ' '; echo" Enter
check "the terminal is sane after q (icanon echo)" '^icanon echo'

# NO_COLOR: no colour escapes; LANG=C: no UTF-8 bytes.
start_shell 80 24
keys "clear; NO_COLOR=1 TERM=tmux-256color $RUN; echo EXIT=\$?" Enter
check "NO_COLOR draws" '^ 1 Overview' 2
keys 3
check "NO_COLOR schools" '^Schools' 3
if cap -e | grep -Eq '\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)(;[0-9;]*)?m'; then
    fail "NO_COLOR: no colour in the capture" "$(cap -e | head -5 | cat -v)"
else
    pass "NO_COLOR: no colour in the capture"
fi
keys q
check "quit" 'EXIT=0'
keys "clear; LC_ALL=C LANG=C $RUN; echo EXIT=\$?" Enter
check "LANG=C draws" '^ 1 Overview' 2
keys 3 v
check "LANG=C scatter" 'against'
if cap | LC_ALL=C grep -q '[^ -~]'; then fail "LANG=C: no UTF-8 bytes" "$(cap | cat -v)"; else pass "LANG=C: no UTF-8 bytes"; fi
keys q
check "quit" 'EXIT=0'

# Other terminals, and one that does not exist.
for term in screen-256color vt100; do
    keys "clear; TERM=$term $RUN; echo EXIT=\$?" Enter
    check "TERM=$term draws" '^ 1 Overview' 2
    keys q
    check "TERM=$term quits" 'EXIT=0'
done
keys "clear; TERM=no-such-terminal $RUN; echo EXIT=\$?" Enter
check "an unknown TERM is a clear error" "unknown terminal type 'no-such-terminal'"
check "and exits 1" 'EXIT=1'

# A dropped connection (SIGHUP) ends collab (how fast is bench/'s to say).
keys "clear; $RUN" Enter
check "tui started" '^ 1 Overview' 2
pgrep -f "collab --data $DATA" >/dev/null
ok $? "collab is running"
tm kill-session -t ui
if wait_until no_collab; then
    pass "collab exits on SIGHUP"
else
    fail "collab exits on SIGHUP"
    for pid in $(pgrep -f "collab --data $DATA"); do kill -KILL "$pid"; done
fi

done_testing
