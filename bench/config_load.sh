#!/bin/sh
# bench/config_load.sh: what every collab process pays before its first
# query, loading the config directory, at SCHOOLS schools and at twice as
# many (issue 32: under 20 ms at 3,500 schools, and doubling the schools at
# most 2.2 times the time, i.e. no worse than n log n).
#
# For each size it writes schools.csv with the generator (one pupil a
# school: only the schools matter), the benchmark's groups.yaml for them
# (bench/groups.sh: every school an organisation, one group holding them
# all) and times `collab check` (load and validate, nothing else) RUNS
# times, keeping the fastest: the baseline is the smaller size, measured in
# the same run.
#
# usage: bench/config_load.sh   (from make bench-config, which sets the paths)
# environment:
#   COLLAB        the collab binary (default: ./collab)
#   BENCH_VIEWS   the bench_views driver, for its timer (default: ./bench/bench_views)
#   CONFIG_SCHOOLS  the smaller size (default 3500)
#   CONFIG_RUNS     runs per size (default 5)
#   BENCH_OUT     where the configs go (default: bench/out beside this script)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
COLLAB=${COLLAB:-./collab}
BENCH_VIEWS=${BENCH_VIEWS:-./bench/bench_views}
n=${CONFIG_SCHOOLS:-3500}
runs=${CONFIG_RUNS:-5}
out=${BENCH_OUT:-$here/out}/config-load

die() { echo "bench: $*" >&2; exit 1; }
for tool in "$COLLAB" "$BENCH_VIEWS"; do
    [ -x "$tool" ] || die "$tool is not built (run: make collab bench/bench_views)"
done

# fastest SIZE: the fastest of $runs checks of the config of SIZE schools, in us
fastest() {
    dir=$out/$1
    rm -rf "$dir"
    mkdir -p "$dir/config"
    "$COLLAB" gen --out "$dir/csv" --schools "$1" --pupils 1 --years 1 --primaries 0 \
        --quiet || die "gen failed"
    cp "$here"/config/indicators.yaml "$here"/config/filters.yaml \
       "$here"/config/evaluation.yaml "$dir/config/"
    sh "$here/groups.sh" "$dir/csv/schools.csv" "$(id -un)" >"$dir/config/groups.yaml"
    best=
    i=0
    while [ $i -lt "$runs" ]; do
        set -- $("$BENCH_VIEWS" run -- "$COLLAB" check --config "$dir/config")
        [ "$3" = 0 ] || die "collab check failed on $1 schools"
        if [ -z "$best" ] || [ "$1" -lt "$best" ]; then best=$1; fi
        i=$((i + 1))
    done
    echo "$best"
}

small=$(fastest "$n")
large=$(fastest $((n * 2)))
echo "== config load (collab check, fastest of $runs)"
awk -v n="$n" -v s="$small" -v l="$large" 'BEGIN {
    ok1 = s / 1000 < 20; r = l / s; ok2 = r <= 2.2
    printf "  %-28s %8.1f ms   < 20 ms       %s\n", n " schools", s / 1000, ok1 ? "PASS" : "MISS"
    printf "  %-28s %8.1f ms\n", 2 * n " schools", l / 1000
    printf "  %-28s %8.2f x    <= 2.2 x      %s\n", "doubling the schools", r, ok2 ? "PASS" : "MISS"
}'
