# tests/ui/tmux_lib.sh: the tmux set-up the UI tests share. Source it after
# tests/lib.sh with NAME: it skips the rest of the test when tmux is missing,
# and gives tm (tmux on a private socket, killed at exit, no user config)
# and the helpers below for a session named ui.
#   . "$top_srcdir/tests/ui/tmux_lib.sh" NAME
TM=${TMUX_BIN:-$(command -v tmux)}
if [ -z "$TM" ] || [ ! -x "$TM" ]; then
    skip "tmux is not installed"
    done_testing
fi
unset TMUX
SOCK="collab-$1-$$"
tm() { "$TM" -L "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT

cap() { tm capture-pane -p -t ui "$@" 2>/dev/null; }
# on_screen PATTERN [LINE]: the screen (or one line of it) matches PATTERN.
on_screen() {
    if [ -n "${2:-}" ]; then s=$(cap | sed -n "${2}p"); else s=$(cap); fi
    printf '%s\n' "$s" | grep -Eq -- "$1"
}
# wait_for PATTERN [LINE]: poll the screen until it matches (tests/lib.sh).
wait_for() { wait_until on_screen "$@"; }
check() {   # check NAME PATTERN [LINE]
    if wait_for "$2" "${3:-}"; then pass "$1"; else fail "$1" "$(cap)"; fi
}
keys() { tm send-keys -t ui "$@"; }
