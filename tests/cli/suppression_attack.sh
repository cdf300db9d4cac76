#!/bin/sh
# The subtraction attack on published group stores: for every margin (a total
# and its parts along one dimension, other filters fixed; the group and its
# member schools for one filter), with the sqlite3-level view an attacker has,
# try to recover a hidden count (a cell absent, or an indicator's count NULL)
# as total minus the visible parts. It must never give a number above 0:
# every margin with a hidden cell of n > 0 has at least two hidden cells.
# Pupils with no value of a dimension (no KS2 prior band) are a part of their
# margin too, the dimension's unknown choice (meta unknown_dimensions); a
# margin whose cells are all visible must add up, or the difference would be
# those pupils. Every indicator count (<id>_n) is attacked like n.
# Run on the sample and on a generated group of 20 schools.
. "$top_srcdir/tests/lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
    skip "python3 is needed"; done_testing
fi

cat >"$T/attack.py" <<'EOF'
import sqlite3, sys
from itertools import product

def attack(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    unknown = db.execute("SELECT value FROM meta WHERE key = 'unknown_dimensions'").fetchone()
    unknown = set(unknown[0].split(",")) if unknown and unknown[0] else set()
    # (id, stride, choices other than "all"): the values, and the unknown one
    dims = [(i, st, nv + (i in unknown)) for (i, st, nv) in db.execute(
        "SELECT d.id, d.stride, (SELECT count(*) FROM dim_value v WHERE v.dimension = d.id)"
        " FROM dimension d ORDER BY d.ord")]
    schools = [r[0] for r in db.execute("SELECT urn FROM school")]
    margins = pairs = 0
    small = int(db.execute("SELECT value FROM meta WHERE key = 'min_cohort'").fetchone()[0])
    leaks = {"cell": 0, "unknown-value": 0, "indicator": 0, "remainder": 0}
    worst = {k: [] for k in leaks}
    def leak(cls, what):
        leaks[cls] += 1
        if len(worst[cls]) < 3:
            worst[cls].append("%s %s" % (path.rsplit("/", 1)[-1], what))
    for table, key in (("agg_pupil", "key_stage"), ("agg_subject", "subject")):
        cols = [r[1] for r in db.execute("PRAGMA table_info(%s)" % table)]
        counts = ["n"] + [c for c in cols if c.endswith("_n") and c != "n"]
        idx = [cols.index(c) for c in counts]
        cells = {}
        for row in db.execute("SELECT * FROM %s" % table):
            cells[(row[1], row[2], row[0], row[3])] = [row[i] for i in idx]
        def choice(fkey, d):
            return (fkey // dims[d][1]) % (dims[d][2] + 1)
        seen = set()
        for (year, part, scope, fkey) in list(cells):
            # the dimension margins this cell is in (as total or as a part)
            for d, (_, stride, nv) in enumerate(dims):
                total = fkey - choice(fkey, d) * stride
                seen.add(("d", year, part, scope, total, d))
            seen.add(("g", year, part, 0, fkey, -1))
        for (kind, year, part, scope, total, d) in seen:
            if kind == "d":
                stride, nv = dims[d][1], dims[d][2]
                members = [(scope, total)] + [(scope, total + (v + 1) * stride) for v in range(nv)]
            else:
                members = [(0, total)] + [(s, total) for s in schools]
            margins += 1
            rows = [cells.get((year, part, s, f)) for (s, f) in members]
            for c in range(len(counts)):
                vals = [r[c] if r is not None else None for r in rows]
                hidden = [i for i, v in enumerate(vals) if v is None]
                if not hidden and vals[0] != sum(vals[1:]):
                    # pupils in the total and in no part: a dimension value
                    # the store does not carry
                    leak("unknown-value", "%s year %s %s scope %s fkey %s (%s): %s in no part"
                         % (table, year, part, scope, total, counts[c], vals[0] - sum(vals[1:])))
                    continue
                if len(vals) == 3 and len(hidden) == 1:
                    pairs += 1   # a total and one visible part give the other part
                if vals[0] is not None and hidden:
                    # the hidden parts together: a count of pupils too
                    rest = vals[0] - sum(v for v in vals[1:] if v is not None)
                    if 0 < rest < small:
                        leak("remainder", "%s year %s %s scope %s fkey %s (%s): hidden parts %s hold %s"
                             % (table, year, part, scope, total, counts[c],
                                [members[i] for i in hidden], rest))
                if len(hidden) != 1:
                    continue
                h = hidden[0]
                parts = sum(v for v in vals[1:] if v is not None)
                got = parts if h == 0 else vals[0] - parts
                if got <= 0:
                    continue
                # which rule the recovery breaks: an indicator's count, the
                # unknown choice's cell, or a cell with a value
                if c > 0:
                    cls = "indicator"
                elif kind == "d" and dims[d][0] in unknown and h == len(members) - 1:
                    cls = "unknown-value"
                else:
                    cls = "cell"
                leak(cls, "%s year %s %s scope %s fkey %s (%s): hidden cell %s is %s"
                     % (table, year, part, scope, total, counts[c], members[h], got))
    print("%d %d %d %d %d %d" % (margins, pairs, leaks["cell"], leaks["unknown-value"],
                                 leaks["indicator"], leaks["remainder"]))
    print("%d %s" % (len(unknown), ",".join(sorted(unknown)) or "-"))
    for k in worst:
        for w in worst[k]:
            print("%s %s" % (k, w))

for p in sys.argv[1:]:
    attack(p)
EOF

# Two stores that hold the same school, read together: a cell of the
# school published in one and hidden in the other gives it away by plain
# subtraction from nothing. Cells are compared by their choice of each
# filter (fkeys differ where one store's cube has an unknown choice).
cat >"$T/cross.py" <<'EOF'
import sqlite3, sys
from itertools import combinations

def load(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    unknown = db.execute("SELECT value FROM meta WHERE key = 'unknown_dimensions'").fetchone()
    unknown = set(unknown[0].split(",")) if unknown and unknown[0] else set()
    dims = [(st, nv + 1 + (i in unknown)) for (i, st, nv) in db.execute(
        "SELECT d.id, d.stride, (SELECT count(*) FROM dim_value v WHERE v.dimension = d.id)"
        " FROM dimension d ORDER BY d.ord")]
    schools = {r[0] for r in db.execute("SELECT urn FROM school")}
    small = int(db.execute("SELECT value FROM meta WHERE key = 'min_cohort'").fetchone()[0])
    cells = {}
    for table in ("agg_pupil", "agg_subject"):
        cols = [r[1] for r in db.execute("PRAGMA table_info(%s)" % table)]
        counts = [cols.index("n")] + [i for i, c in enumerate(cols) if c.endswith("_n")]
        for row in db.execute("SELECT * FROM %s" % table):
            choices = tuple((row[3] // st) % radix for st, radix in dims)
            cells[(table, row[0], row[1], row[2], choices)] = tuple(row[i] for i in counts)
    return path.rsplit("/", 1)[-1], schools, cells, small

def relations(stores):
    """A store G and stores whose schools are all G's (its subgroups): G's
    cell less theirs is the cell of G's other schools. Each subgroup alone
    and the largest that share no school (as a reader would take them): a
    relation with one absent member that comes out above 0 gives it away."""
    leaks, seen, example = 0, 0, []
    for g, sg, cg, small in stores:
        subs = [(h, sh, ch) for h, sh, ch, _ in stores if h != g and sh and sh <= sg]
        fams = [[x] for x in subs]
        disjoint = []
        for x in subs:
            if all(not (x[1] & y[1]) for y in disjoint):
                disjoint.append(x)
        if len(disjoint) > 1:
            fams.append(disjoint)
        keys = {(k[0], k[2], k[3], k[4]) for k in cg}
        for fam in fams:
            rest = sg - set().union(*(x[1] for x in fam))
            for (table, year, part, choices) in keys:
                rows = [cg.get((table, 0, year, part, choices))]
                rows += [x[2].get((table, 0, year, part, choices)) for x in fam]
                rows += [cg.get((table, u, year, part, choices)) for u in sorted(rest)]
                width = max([len(r) for r in rows if r is not None] or [0])
                for c in range(width):    # n, then each indicator's count
                    members = [r[c] if r is not None else None for r in rows]
                    absent = [i for i, m in enumerate(members) if m is None]
                    seen += 1
                    known = [m for m in members if m is not None]
                    if len(absent) == 1:
                        got = sum(known[1:]) if absent[0] == 0 else known[0] - sum(known[1:])
                        bad = got > 0
                    elif absent and members[0] is not None:
                        got = known[0] - sum(known[1:])    # the absent members together
                        bad = 0 < got < small
                    else:
                        continue
                    if not bad:
                        continue
                    leaks += 1
                    if len(example) < 3:
                        example.append("%s less %s: %s %s %s %s count %d: absent %s hold %d"
                                       % (g, "+".join(x[0] for x in fam), table, year, part,
                                          choices, c, absent, got))
    print("relations %d %d" % (seen, leaks))
    for e in example:
        print("# %s" % e)

stores = [load(p) for p in sys.argv[1:]]
relations(stores)
stores = [(a, sa, {k: v for k, v in ca.items() if k[1] > 0}) for a, sa, ca, _ in stores]
for (a, sa, ca), (b, sb, cb) in combinations(stores, 2):
    shared = sa & sb
    if not shared:
        continue
    ka = {k for k in ca if k[1] in shared}
    kb = {k for k in cb if k[1] in shared}
    one = sorted(ka ^ kb)
    ind = sorted(k for k in ka & kb if ca[k] != cb[k])
    print("%s %s %d %d %d %d" % (a, b, len(shared), len(ka | kb), len(one), len(ind)))
    for k in (one + ind)[:3]:
        print("# %s" % (k,))
EOF

cross_stores() {   # cross_stores NAME STORE...
    name=$1; shift
    python3 "$T/cross.py" "$@" >"$T/cross" || fail "$name: cross-store check ran"
    pairs=0
    set -- $(grep '^relations ' "$T/cross")
    is "$3" 0 "$name: no cell or indicator count given away by a store's figures less its subgroups' ($2 relations)"
    [ "$3" = 0 ] || diag "$(grep '^#' "$T/cross")"
    while read -r a b shared cells one ind; do
        case $a in "#"|relations) continue ;; esac
        pairs=$((pairs + 1))
        is "$one $ind" "0 0" \
           "$name $a and $b: each of their $shared schools' $cells cells published in both or neither, its indicators alike"
        [ "$one $ind" = "0 0" ] || diag "$(grep '^#' "$T/cross")"
    done <"$T/cross"
    ok "$([ "$pairs" -gt 0 ] && echo 0 || echo 1)" "$name: some stores share schools ($pairs pairs)"
}

check_stores() {   # check_stores NAME DIR
    for g in "$2"/group-*.db; do
        python3 "$T/attack.py" "$g" >"$T/result" || fail "$1: attack ran on $(basename "$g")"
        set -- "$1" "$2" $(head -1 "$T/result")
        b=$(basename "$g")
        is "$5" 0 "$1 $b: no whole cell recovered by subtraction ($3 margins, $4 two-part margins)"
        [ "$5" = 0 ] || diag "$(grep '^cell ' "$T/result")"
        # pupils with no value of a dimension (no KS2 prior band): in the
        # unknown choice's cell, never left alone to subtraction
        is "$6" 0 "$1 $b: no pupils with an unknown value recovered by subtraction"
        [ "$6" = 0 ] || diag "$(grep '^unknown-value ' "$T/result")"
        # an indicator whose own count is small, or the only hidden one of
        # its margin, is protected like a cell
        is "$7" 0 "$1 $b: no indicator count recovered by subtraction"
        [ "$7" = 0 ] || diag "$(grep '^indicator ' "$T/result")"
        # the hidden parts of a margin whose total is published add up to a
        # count too (and their sums to an aggregate): never a small one
        is "$8" 0 "$1 $b: no margin's hidden parts together hold 1 to min_cohort - 1 pupils"
        [ "$8" = 0 ] || diag "$(grep '^remainder ' "$T/result")"
        echo "# $1 $b: $3 margins checked ($4 two-part), unknown choice in: $(sed -n '2s/^[0-9]* //p' "$T/result"); recoveries: cell $5, unknown-value $6, indicator $7, small remainder $8"
        set -- "$1" "$2"
    done
}

"$COLLAB" demo --data "$T/demo" >/dev/null 2>&1 </dev/null || fail "setup: demo"
check_stores sample "$T/demo/data"
cross_stores sample "$T/demo/data"/group-*.db

# A generated group of 20 schools, published with the sample's filters and
# indicators for one group of all its schools.
"$COLLAB" gen --scale group --out "$T/gen" >/dev/null 2>&1 || fail "setup: gen"
for kind in schools pupils results attendance estimates national; do
    [ -f "$T/gen/$kind.csv" ] || continue
    "$COLLAB" import --db "$T/gen.db" "$kind" "$T/gen/$kind.csv" >/dev/null 2>&1 || fail "setup: import $kind"
done
mkdir -p "$T/gcfg"
cp "$SAMPLE"/config/indicators.yaml "$SAMPLE"/config/filters.yaml "$SAMPLE"/config/evaluation.yaml "$T/gcfg/"
urns=$(tail -n +2 "$T/gen/schools.csv" | cut -d, -f1 | tr '\n' ',' | sed 's/,$//')
{
    echo "policy: { min_cohort: 6, league_tables: true }"
    echo "organisations:"
    echo "  - { id: la, name: Generated LA, kind: la }"
    for u in $(echo "$urns" | tr ',' ' '); do echo "  - { id: s$u, name: School $u, kind: school, urn: $u }"; done
    echo "groups:"
    echo "  - { id: generated, name: Generated group, owner: la, visibility: la_only, schools: [$urns], users: [a] }"
    # a trust of seven of its schools: a reader of both stores compares them
    echo "  - { id: trust, name: Generated trust, owner: la, visibility: la_only, schools: [$(echo "$urns" | cut -d, -f1-7)], users: [a] }"
    echo "users:"
    echo "  - { id: a, login: a-nobody, name: A, organisation: la, role: analyst, global: true, access: [school_level] }"
} >"$T/gcfg/groups.yaml"
"$COLLAB" publish --db "$T/gen.db" --config "$T/gcfg" --data "$T/gdata" --group generated >/dev/null 2>"$T/perr" ||
    fail "setup: publish the generated group" "$(cat "$T/perr")"
check_stores "gen --scale group" "$T/gdata"
"$COLLAB" publish --db "$T/gen.db" --config "$T/gcfg" --data "$T/gall" >/dev/null 2>"$T/perr" ||
    fail "setup: publish every generated group" "$(cat "$T/perr")"
cross_stores "gen --scale group" "$T/gall"/group-*.db
# publish --group decides what to hide with every group that shares a
# school, so one group published alone is the same as in a full publish
agg() { sqlite3 "$1" "SELECT * FROM agg_pupil ORDER BY 1,2,3,4; SELECT * FROM agg_subject ORDER BY 1,2,3,4" | md5sum; }
is "$(agg "$T/gdata/group-generated.db")" "$(agg "$T/gall/group-generated.db")" \
   "publish --group generated hides what a publish of every group hides"
ok "$([ ! -e "$T/gdata/group-trust.db" ] && echo 0 || echo 1)" \
   "and writes no store of the group it only consulted"
is "$(ls -a "$T/gdata" | grep -c tmp)" 0 "nor leaves a temporary file"

done_testing
