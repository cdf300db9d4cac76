#!/bin/sh
# Terminal abuse: a storm of SIGWINCH (hundreds of resizes, some to 1 column
# or 1 row) while collab runs in tmux. collab must keep running, use no CPU
# in a spin, draw a correct screen when the size settles, and quit to a sane
# terminal. Skipped only when tmux is missing.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/ui/tmux_lib.sh" storm
unset NO_COLOR
LC_ALL=C.UTF-8; export LC_ALL

$COLLAB demo --data "$T/demo" >/dev/null 2>&1 </dev/null
ok $? "demo builds the sample stores"
tm new-session -d -s ui -x 80 -y 24 "PS1='READY\$ ' sh"

tm send-keys -t ui "$COLLAB --data $T/demo/data --config $T/demo/config; echo EXIT=\$?" Enter
check "collab opens at 80x24" '^ 1 Overview'
pid=$(pgrep -n -f -- "--data $T/demo/data --config $T/demo/config")
[ -n "$pid" ]
ok $? "collab is running (pid ${pid:-none})"

# The storm: 300 resizes as fast as tmux sends them, including 1 column,
# 1 row and 1x1, with keys typed in between.
i=0
while [ $i -lt 30 ]; do
    for size in 1x24 80x1 1x1 200x60 2x2 61x17 59x15 120x40 1x80 80x24; do
        tm resize-window -t ui -x "${size%x*}" -y "${size#*x}" 2>/dev/null
    done
    [ $((i % 10)) -eq 0 ] && tm send-keys -t ui f
    i=$((i + 1))
done
kill -0 "$pid" 2>/dev/null
ok $? "collab survived 300 resizes, down to 1 column and 1 row"

tm resize-window -t ui -x 1 -y 24
# One column holds nothing useful: the screen is blank or shows the
# too-small message cut to fit (its first letter or its ellipsis), never a
# piece of the frame.
one_column() { case "$(cap | tr -d ' \n' | sed 's/…//g')" in ""|T*) return 0 ;; esac; return 1; }
wait_until one_column
ok $? "a 1-column terminal shows no piece of the frame"
one_column || diag "$(cap)"
kill -0 "$pid" 2>/dev/null
ok $? "a 1-column terminal does not crash collab"
tm resize-window -t ui -x 30 -y 10
check "30x10 says the terminal is too small" 'Terminal too small: 30x10'

# Settled back at 80x24: a correct screen, and no CPU burnt while idle.
tm resize-window -t ui -x 80 -y 24
check "back at 80x24 the frame is whole" '^ 1 Overview'
check "the header line is drawn" 'user '
t0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
sleep 1
t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
[ $((t1 - t0)) -lt 10 ]
ok $? "idle after the storm: $((t1 - t0)) ticks of CPU in a second"

tm send-keys -t ui q
check "q quits with status 0" 'EXIT=0'
tm send-keys -t ui "stty -a | grep -c ' icanon ' ; echo STTY" Enter
check "the terminal is back in canonical mode" '^1$'
done_testing
