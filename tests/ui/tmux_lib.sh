# tests/ui/tmux_lib.sh: the tmux set-up the UI tests share. Source it after
# tests/lib.sh with NAME: it skips the rest of the test when tmux is missing,
# and gives tm (tmux on a private socket, killed at exit, no user config).
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
