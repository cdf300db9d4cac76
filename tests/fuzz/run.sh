#!/bin/sh
# tests/fuzz/run.sh: build every libFuzzer harness with clang
# (-fsanitize=fuzzer,address,undefined) straight from the project sources,
# run each for FUZZ_SECONDS (default 60) from its seed corpus, and fail if
# any input crashes, leaks, times out or breaks a harness's check. Every such
# input is copied to tests/fuzz/regress/TARGET/, where `make check` replays
# it through the ordinary build (tests/fuzz/replay.c) from then on.
#
#   FUZZ_SECONDS=60 FUZZ_TARGETS="csv yaml expr import dfe" tests/fuzz/run.sh
#
# Other knobs: FUZZ_MAX_LEN (bytes, default 8192), FUZZ_TIMEOUT (seconds per
# input, default 10), FUZZ_WORK (work directory, default a new temporary one,
# removed afterwards unless FUZZ_KEEP=1), CC (default clang), top_builddir
# (for config.h; `make fuzz` sets it).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
seconds=${FUZZ_SECONDS:-60}
max_len=${FUZZ_MAX_LEN:-8192}
timeout=${FUZZ_TIMEOUT:-10}
targets=${FUZZ_TARGETS:-csv yaml expr import dfe}
cc=${CC_FUZZ:-clang}
work=${FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/collab-fuzz.XXXXXX")}
mkdir -p "$work"
[ "${FUZZ_KEEP:-0}" = 1 ] || [ -n "${FUZZ_WORK:-}" ] || trap 'rm -rf "$work"' EXIT

# config.h: the configured one when there is a build tree, else the one
# thing the sources need from it.
if [ -n "${top_builddir:-}" ] && [ -f "$top_builddir/config.h" ]; then
    confdir=$top_builddir
else
    confdir=$work/conf
    mkdir -p "$confdir"
    printf '#define _GNU_SOURCE 1\n' > "$confdir/config.h"
fi

lib_sources() {   # the modules a harness exercises, compiled into it
    for d in common store config import; do
        ls "$top_srcdir"/src/$d/*.c
    done
}

build() {   # build TARGET -> $work/fuzz_TARGET
    # shellcheck disable=SC2046
    "$cc" -g -O1 -std=c11 -fsanitize=fuzzer,address,undefined \
        -fno-sanitize-recover=all -fno-omit-frame-pointer \
        -I"$confdir" -I"$top_srcdir/include" \
        -DCOLLAB_SRCDIR="\"$top_srcdir\"" -DCOLLAB_PKGDATADIR="\"$top_srcdir\"" \
        $(pkg-config --cflags sqlite3 yaml-0.1 2>/dev/null) \
        -o "$work/fuzz_$1" "$here/fuzz_$1.c" "$here/fuzz_util.c" $(lib_sources) \
        $(pkg-config --libs sqlite3 yaml-0.1 2>/dev/null || echo -lsqlite3 -lyaml) -lcsv -lm
}

status=0
for t in $targets; do
    echo "== fuzz_$t: building"
    if ! build "$t" > "$work/build-$t.log" 2>&1; then
        cat "$work/build-$t.log"
        echo "== fuzz_$t: BUILD FAILED"
        status=1
        continue
    fi
    mkdir -p "$work/corpus-$t" "$work/artifacts-$t"
    set -- "$here/corpus/$t"
    [ -d "$here/regress/$t" ] && set -- "$@" "$here/regress/$t"
    echo "== fuzz_$t: running ${seconds}s"
    # New inputs go to the work corpus; the seed directories are read only.
    (cd "$work" && TMPDIR="$work" ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
        UBSAN_OPTIONS=print_stacktrace=1 \
        "$work/fuzz_$t" -max_total_time="$seconds" -max_len="$max_len" \
        -timeout="$timeout" -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts-$t/" "$work/corpus-$t" "$@") \
        > "$work/run-$t.log" 2>&1
    rc=$?
    tail -n 12 "$work/run-$t.log"
    found=$(ls "$work/artifacts-$t" 2>/dev/null)
    if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
        mkdir -p "$here/regress/$t"
        for a in $found; do
            cp "$work/artifacts-$t/$a" "$here/regress/$t/$a"
            echo "== fuzz_$t: saved tests/fuzz/regress/$t/$a"
        done
        grep -E 'ERROR|SUMMARY|broken promise|refused' "$work/run-$t.log" | head -n 5
        echo "== fuzz_$t: FAILED (exit $rc)"
        status=1
    else
        echo "== fuzz_$t: ok"
    fi
done
exit $status
