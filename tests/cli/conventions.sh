#!/bin/sh
# The command-line conventions every subcommand shares: --help and --version,
# exit 0 / 1 (user error) / 2 (usage error), messages on stderr and data on
# stdout, and the COLLAB_* environment defaults.
. "$top_srcdir/tests/lib.sh"

run "$COLLAB" --version
is "$rc" 0 "--version exits 0"
like "$out" '^collab [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the name and version"

run "$COLLAB" --help
is "$rc" 0 "--help exits 0"
top_help=$out
for c in init import check gen publish report demo audit agreement eval tui; do
    like "$top_help" "^  $c " "--help lists $c"
    run "$COLLAB" "$c" --help
    is "$rc" 0 "$c --help exits 0"
    like "$out$err" '[Uu]sage' "$c --help prints its usage"
done

run "$COLLAB" frobnicate
is "$rc" 2 "an unknown subcommand is a usage error (2)"
like "$err" "unknown subcommand 'frobnicate'" "and says which"
is "$out" "" "nothing on stdout for an unknown subcommand"

for c in import publish report check gen; do
    run "$COLLAB" "$c" --no-such-option
    is "$rc" 2 "$c with an unknown option exits 2"
done

# A user error (a missing file) exits 1 with the message on stderr only.
run "$COLLAB" import --db "$T/s.db" schools "$T/missing.csv"
is "$rc" 1 "importing a missing file exits 1"
like "$err" "missing.csv" "the message names the file"
is "$out" "" "and stdout stays empty"

# COLLAB_DB and COLLAB_CONFIG are the defaults when no option is given.
COLLAB_DB="$T/env.db" "$COLLAB" init >/dev/null 2>&1
[ -f "$T/env.db" ]
ok $? "COLLAB_DB names the source store init creates"
run env COLLAB_CONFIG="$SAMPLE/config" "$COLLAB" check
is "$rc" 0 "COLLAB_CONFIG names the config directory check validates"
like "$out" "$SAMPLE/config: ok" "and check says so on stdout"
# Without them, the XDG directories are used.
"$COLLAB" init >/dev/null 2>&1
[ -f "$XDG_DATA_HOME/collab/source.db" ]
ok $? "without COLLAB_DB the source store is under XDG_DATA_HOME"
done_testing
