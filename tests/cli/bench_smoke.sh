#!/bin/sh
# The benchmark at a tiny scale (3 schools), so that bench/run.sh cannot rot:
# it builds the data set, measures every view against the naive sqlite3 SQL
# and prints its table with ratios, targets and the growth line.
. "$top_srcdir/tests/lib.sh"

DRIVER="$top_builddir/bench/bench_views"
if [ ! -x "$DRIVER" ]; then
    fail "bench/bench_views is built by make check (check_DATA)"
    done_testing
fi
SQL=${SQLITE3_SHELL:-$(command -v sqlite3)}
if [ -z "$SQL" ]; then
    skip "no sqlite3 shell"
    done_testing
fi
unset BENCH_FILTERS

run env COLLAB="$COLLAB" BENCH_VIEWS="$DRIVER" SQLITE3="$SQL" BENCH_SCALES=tiny \
    BENCH_OUT="$T/out" BENCH_RANDOM=3 BENCH_TMUX="${BENCH_TMUX:-1}" \
    sh "$top_srcdir/bench/run.sh"
is "$rc" 0 "run.sh at the tiny scale succeeds"
like "$out" '== tiny: 3 schools, [0-9]+ pupils, [0-9]+ results, 16 filter combinations' \
     "a heading per scale with its size and 13 + 3 filter combinations"
like "$out" 'import results \(rows/s\) +[0-9]+ +>= 500000 +(PASS|MISS)' "import throughput with its target"
like "$out" 'publish +[0-9.]+ s +< 15 s +(PASS|MISS)' "publish time with its target"
like "$out" 'open to first screen, headless +[0-9.]+ ms +< 100 ms +(PASS|MISS)' "open to first screen"
for v in overview subjects subject schools similar pupils; do
    like "$out" "  $v +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ ms +[0-9]+\.[0-9]{4} +< 5 ms, ratio <= 0.05 +(PASS|MISS)" \
         "$v: model median, worst, cold, report, sqlite3, ratio and verdict"
done
like "$out" '== growth' "a growth table"
like "$out" '  tiny +3 x1\.0 ' "the growth line of the scale"
if [ -n "${TMUX_BIN:-$(command -v tmux)}" ] && [ "${BENCH_TMUX:-1}" != 0 ]; then
    like "$out" 'terminal bytes per filter key \(med/max\) +[0-9]+ / [0-9]+ +< 2048' \
         "bytes per filter keystroke from tmux"
else
    skip "tmux is not installed"
fi
# The ratio is honest only if both sides computed the figures: the naive SQL
# ran one timed statement per manifest line, and the model answered every
# combination of every view.
man=$(wc -l <"$T/out/tiny/naive.man" | tr -d ' ')
runs=$(grep -c '^Run Time:' "$T/out/tiny/naive.timer")
is "$runs" "$man" "sqlite3 timed every naive statement"
is "$(grep -vc -e '^open' -e 'cold' "$T/out/tiny/views.tsv")" 96 "the model answered 6 views x 16 combinations"
is "$(awk -F'\t' '$1 == "overview" && $2 == "0" { print $5 }' "$T/out/tiny/views.tsv")" 5 \
   "the unfiltered overview has the five KS4 headline rows"
# The naive SQL gives the model's figure: A8 of the group, unfiltered.
want=$("$COLLAB" report --data "$T/out/tiny/data" --config "$T/out/tiny/config" --format csv overview \
       | awk -F, '$1 == "att8" { print $3 }')
got=$(sed -n 3p "$T/out/tiny/naive.sql" | sed 's/GROUP BY p.year;/AND p.year = (SELECT MAX(year) FROM pupil) GROUP BY p.year;/' \
      | "$SQL" "$T/out/tiny/source.db" | awk -F'|' '{ printf "%.1f", $3 }')
is "$got" "$want" "the naive SQL computes the model's group A8"
# The config-load benchmark at 40 and 80 schools, once each.
run env COLLAB="$COLLAB" BENCH_VIEWS="$DRIVER" BENCH_OUT="$T/out" CONFIG_SCHOOLS=40 \
    CONFIG_RUNS=1 sh "$top_srcdir/bench/config_load.sh"
is "$rc" 0 "config_load.sh runs"
like "$out" '^  40 schools +[0-9.]+ ms +< 20 ms +(PASS|MISS)$' "config load at the smaller size, with its target"
like "$out" '^  doubling the schools +[0-9.]+ x +<= 2.2 x +(PASS|MISS)$' "and the ratio of twice as many"
is "$(grep -c '^  - { id: s' "$T/out/config-load/80/config/groups.yaml")" 80 \
   "the larger config has twice the schools"
done_testing
