#!/bin/sh
# tests/audit/run.sh: `make audit`. Builds the demo's stores in a temporary
# directory and runs the derivation audit over each group store and over
# all of them together (one reader may open them all), judging the hidden
# cells that truly hold 1 to min_cohort - 1 pupils, printing a line per
# store, block (year, key stage) and total. AUDIT_WIDTH sets the width.
set -u
: "${COLLAB:?COLLAB names the collab binary}" "${AUDIT:?AUDIT names audit_store}"
dir=$(mktemp -d "${TMPDIR:-/tmp}/collab-audit.XXXXXX")
trap 'rm -rf "$dir"' EXIT
HOME="$dir" XDG_DATA_HOME="$dir" XDG_CONFIG_HOME="$dir" XDG_STATE_HOME="$dir" \
    "$COLLAB" demo --data "$dir/d" >/dev/null 2>&1 </dev/null ||
    { echo "audit: collab demo failed" >&2; exit 1; }
"$AUDIT" --width "${AUDIT_WIDTH:-3}" --source "$dir/d/source.db" --config "$dir/d/config" \
    "$dir/d/data"/group-*.db
