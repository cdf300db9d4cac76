# tests/lib.sh: TAP helpers for shell tests. Source it, call the checks,
# end with `done_testing`. $COLLAB is the binary under test; every test works
# in its own temporary directory ($T), removed on exit.
set -u
_n=0
_failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/collab-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME="$T/home" XDG_DATA_HOME="$T/xdg-data" XDG_CONFIG_HOME="$T/xdg-config" \
       XDG_STATE_HOME="$T/xdg-state" XDG_CACHE_HOME="$T/xdg-cache"
mkdir -p "$HOME"
unset COLLAB_DB COLLAB_DATA COLLAB_CONFIG
SAMPLE="$top_srcdir/sample-data"

ok() {   # ok CONDITION-STATUS NAME
    _n=$((_n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $_n - $2"; else echo "not ok $_n - $2"; _failed=$((_failed + 1)); fi
}
pass() { ok 0 "$1"; }
fail() { ok 1 "$1"; [ $# -gt 1 ] && diag "$2"; return 0; }
diag() { printf '%s\n' "$@" | sed 's/^/#   /'; }
# is GOT WANT NAME
is() {
    if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; diag "got:  $1" "want: $2"; fi
}
# like TEXT PATTERN NAME (grep -E pattern)
like() {
    if printf '%s' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else ok 1 "$3"; diag "no match for /$2/ in:" "$1"; fi
}
unlike() {
    if printf '%s' "$1" | grep -Eq -- "$2"; then ok 1 "$3"; diag "unexpected /$2/ in:" "$1"; else ok 0 "$3"; fi
}
skip() { _n=$((_n + 1)); echo "ok $_n # SKIP $1"; }
done_testing() { echo "1..$_n"; [ "$_failed" -eq 0 ]; exit $?; }

# Every wait in a test is for a condition, polled, bounded by WAIT_SECONDS:
# generous, so that a slow or busy machine makes a test slower, never red.
WAIT_SECONDS=${WAIT_SECONDS:-60}
# wait_until CMD...: run CMD every 0.1 s until it succeeds; 1 if it never
# does within WAIT_SECONDS.
wait_until() {
    _w=0
    while [ "$_w" -lt $((WAIT_SECONDS * 10)) ]; do
        "$@" && return 0
        sleep 0.1
        _w=$((_w + 1))
    done
    return 1
}
# gone PID: 0 once the process has ended (a zombie counts as ended).
gone() {
    ! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = Z ]
}

# hold AT CMD...: start collab's CMD in the background (its output in
# $T/.out and $T/.err), held mid-work at its AT-th progress report by the
# test hook COLLAB_TEST_HOLD; $held_pid is its pid. 0 once it holds, 1 when
# it ended first.
hold() {
    _at=$1
    shift
    rm -f "$T/.held"
    COLLAB_TEST_HOLD="$T/.held" COLLAB_TEST_HOLD_AT=$_at "$@" >"$T/.out" 2>"$T/.err" &
    held_pid=$!
    _held_or_done() { [ -e "$T/.held" ] || gone "$held_pid"; }
    wait_until _held_or_done
    [ -e "$T/.held" ]
}
# held_kill AT CMD...: hold CMD, SIGKILL it there and wait; 0 when it was
# killed while held, 1 when it ended first.
held_kill() {
    hold "$@"
    _held=$?
    kill -9 "$held_pid" 2>/dev/null
    wait "$held_pid" 2>/dev/null
    return $_held
}

# csv_cell CSV KEY COLUMN: the cell of COLUMN (by header) in the first row
# of CSV with a field equal to KEY (quoted fields, which may hold commas,
# never match).
csv_cell() {
    printf '%s\n' "$1" | tr -d '\r' | awk -F, -v key="$2" -v col="$3" '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
        { line = $0; gsub(/"[^"]*"/, "Q", line); split(line, f, ",")
          for (i = 1; i <= NF; i++) if (f[i] == key) { print f[c]; exit } }'
}

# generated DIR GEN-OPTION...: a data set from `collab gen` imported into
# DIR/src.db, with the benchmark's config for it in DIR/cfg (one group of
# every school, the running login its administrator).
generated() {
    _d=$1
    shift
    "$COLLAB" gen --out "$_d/gen" --quiet "$@" || fail "setup: collab gen $*"
    for _k in schools pupils results attendance estimates national; do
        "$COLLAB" import --db "$_d/src.db" "$_k" "$_d/gen/$_k.csv" >/dev/null ||
            fail "setup: import $_k"
    done
    mkdir -p "$_d/cfg"
    cp "$top_srcdir/bench/config/indicators.yaml" "$top_srcdir/bench/config/filters.yaml" \
       "$_d/cfg/"
    sh "$top_srcdir/bench/groups.sh" "$_d/gen/schools.csv" "$(id -un)" >"$_d/cfg/groups.yaml"
}

# run CMD...: captures $out, $err and $rc without stopping the script.
run() {
    out=$("$@" 2>"$T/.stderr"); rc=$?; err=$(cat "$T/.stderr"); return 0
}
sqlite() { "${SQLITE3_SHELL:-sqlite3}" "$@"; }

# The sample's groups.yaml names unix groups (collab-la, collab-s900001 ...)
# that a machine may or may not have. A test that needs one absent renames
# them all to names this machine has no group of: $NOGRP is a prefix no
# existing group or user starts with, and no_groups FILE prints FILE with every
# collab-NAME as ${NOGRP}NAME (collab-la becomes ${NOGRP}la).
absent_prefix() {
    while :; do
        p="nx$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')-"
        { getent group; getent passwd; } | cut -d: -f1 | grep -q "^$p" || { echo "$p"; return; }
    done
}
NOGRP=$(absent_prefix)
no_groups() { sed "s/\bcollab-\([a-z0-9-]*\)/${NOGRP}\1/g" "$1"; }
