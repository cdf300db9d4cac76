#!/bin/sh
# Regenerate the trimmed DfE 2018/19 files of sample-data/dfe/ from the
# published ones (README.md in this directory says what is kept and why).
#
#   sample-data/dfe/trim.sh [SOURCE_DIR]
#
# SOURCE_DIR holds england_ks4provisional.csv, england_census.csv and
# england_abs.csv as downloaded (default: ../shared/data/dfe-2019 beside the
# repository, as in CI). Needs the sqlite3 shell. The output is
# deterministic: rows keep the published order, cells are copied as text.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/../../../shared/data/dfe-2019}
for f in england_ks4provisional.csv england_census.csv england_abs.csv; do
    [ -r "$src/$f" ] || { echo "trim.sh: cannot read $src/$f" >&2; exit 1; }
done
command -v sqlite3 >/dev/null || { echo "trim.sh: needs the sqlite3 shell" >&2; exit 1; }

# The columns collab reads (docs/DFE.md), in the published order.
ks4_cols='RECTYPE,LEA,ESTAB,URN,SCHNAME,NFTYPE,TPUP,ATT8SCR,P8PUP,P8MEA,P8CILOW,P8CIUPP,PTL2BASICS_94,PTL2BASICS_95,EBACCAPS,PTEBACC_E_PTQ_EE,PTEBACC_94,PTEBACC_95,P8_BANDING'
census_cols='URN,LA,ESTAB,NOR,PNORG,PSENELSE,PSENELK,PNUMEAL,PNUMFSMEVER'
abs_cols='LA,ESTAB,URN,PERCTOT,PPERSABS10'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# The published files start with a byte-order mark: drop it for the shell's
# .import (which would keep it in the first column's name), add it back after.
for f in england_ks4provisional.csv england_census.csv england_abs.csv; do
    sed '1s/^\xEF\xBB\xBF//' "$src/$f" > "$tmp/$f"
done

# One query per output file; rows in file order (rowid). A cell is quoted
# only when it holds a comma or a quote, as in the published files.
trim() {  # table columns where output
    sel=$(echo "$2" | tr ',' '\n' | while read -r c; do
        printf "CASE WHEN instr(%s, ',') OR instr(%s, '\"') THEN '\"' || replace(%s, '\"', '\"\"') || '\"' ELSE %s END AS %s,\n" "$c" "$c" "$c" "$c" "$c"
    done | sed '$ s/,$//')
    {
        printf '\357\273\277'
        sqlite3 "$tmp/dfe.db" <<SQL
.mode list
.separator "," "\n"
.headers on
SELECT $sel FROM $1 WHERE $3 ORDER BY rowid;
SQL
    } > "$here/$4"
}

sqlite3 "$tmp/dfe.db" <<SQL
.mode csv
.import $tmp/england_ks4provisional.csv ks4
.import $tmp/england_census.csv census
.import $tmp/england_abs.csv abs
SQL

# KS4: every row (the national distribution and comparators need them all).
trim ks4 "$ks4_cols" "1" england_ks4provisional.csv
# Census and absence: the schools of the KS4 file (RECTYPE 1 mainstream,
# 2 special) and the national (NAT) rows.
schools="(SELECT URN FROM ks4 WHERE RECTYPE IN ('1', '2'))"
trim census "$census_cols" "URN = 'NAT' OR URN IN $schools" england_census.csv
trim abs "$abs_cols" "LA = 'NAT' OR URN IN $schools" england_abs.csv
wc -l "$here"/england_*.csv
