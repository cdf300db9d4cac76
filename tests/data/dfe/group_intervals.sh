#!/bin/sh
# Regenerate group_intervals_2017.csv and group_intervals_2018.csv: every
# row of the DfE's KS4 performance-table files of one local authority
# (2016/17 final, 2017/18 revised; ../shared/data/ks4-national-groups) with,
# per pupil group, its Progress 8, P8 pupils and published 95% interval:
#
#   tests/data/dfe/group_intervals.sh [SOURCE_DIR]
#
# Cells are copied as text; test_dfe.c checks collab's interval for each
# group against the DfE's.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/../../../../shared/data/ks4-national-groups}
extract() {  # input output
    [ -r "$1" ] || { echo "group_intervals.sh: cannot read $1" >&2; exit 1; }
    python3 - "$1" "$2" <<'PY'
import csv, sys
groups = ["FSM6CLA1A", "NFSM6CLA1A", "EAL", "LO", "AV", "HI", "GIRLS", "BOYS"]
cols = ["RECTYPE", "URN"] + [f"{m}_{g}" for g in groups
                            for m in ("P8PUP", "P8MEA", "P8CILOW", "P8CIUPP")]
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.DictReader(f))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([r.get(c, "") for c in cols])
PY
}
extract "$src/2016-2017_320_ks4final.csv" "$here/group_intervals_2017.csv"
extract "$src/2017-2018_320_ks4revised.csv" "$here/group_intervals_2018.csv"
