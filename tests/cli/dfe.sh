#!/bin/sh
# collab import dfe-ks4 | dfe-census | dfe-absence | dfe-ks2: the DfE's own files, a
# wide file with hundreds of columns collab does not use, --year, refused
# files with FILE:LINE: column X messages, and the full shared files when
# they are there.
. "$top_srcdir/tests/lib.sh"

D="$top_srcdir/tests/data/dfe"
DB="$T/src.db"
rows() { sqlite "$DB" "$1"; }
data_rows() { echo $(($(wc -l < "$1") - 1)); }

run "$COLLAB" import --db "$DB" dfe-ks4 "$D/england_ks4provisional.csv"
is "$rc" 0 "real KS4 file imports"
is "$out" "imported 5652 dfe-ks4 from $D/england_ks4provisional.csv" "reports 5,652 rows"
is "$(rows "SELECT year, value, marker FROM dfe_school WHERE urn = 100381 AND measure = 'att8'")" \
   "2019||SUPP" "SUPP kept as a marker with no value, year 2019 by default"
is "$(rows "SELECT value FROM dfe_school WHERE urn = 100053 AND measure = 'ebacc_entry'")" \
   "51.5" "'51.5%' stored as 51.5"
is "$(rows "SELECT value FROM dfe_school WHERE urn = 0 AND measure = 'p8'")" "-0.03" \
   "England (urn 0) P8"
before=$(rows "SELECT count(*), total(value), count(marker) FROM dfe_school")
run "$COLLAB" import --db "$DB" dfe-ks4 "$D/england_ks4provisional.csv"
is "$rc" 0 "re-import"
is "$(rows "SELECT count(*), total(value), count(marker) FROM dfe_school")" "$before" \
   "re-import changes nothing"

# The full DfE download has about 400 columns; pad the trimmed copy to 420.
awk 'BEGIN { FS = OFS = "," }
     NR == 1 { for (i = 1; i <= 400; i++) $0 = $0 ",EXTRA" i; print; next }
     { for (i = 1; i <= 400; i++) $0 = $0 ",x" i; print }' "$D/ks4_trimmed.csv" > "$T/wide.csv"
is "$(head -1 "$T/wide.csv" | awk -F, '{ print NF }')" 419 "wide file has 419 columns"
run "$COLLAB" import --db "$T/wide.db" --year 2018 dfe-ks4 "$T/wide.csv"
is "$rc" 0 "wide file imports (unknown columns skipped)"
is "$(sqlite "$T/wide.db" "SELECT DISTINCT year FROM dfe_school")" 2018 "--year 2018 used"
is "$(sqlite "$T/wide.db" "SELECT value FROM dfe_school WHERE urn = 100053 AND measure = 'basics4'")" \
   "66.2" "wide file: values read by column name"

# A final file keyed by URN alone (no LEA, ESTAB, SCHNAME or TPUP): the
# figures import, the KS4 cohort is the P8 cohort, and what the file leaves
# out is kept from an earlier import (or the school is named by its URN).
keep() {   # keep COLUMN... < csv: those columns only, rows of RECTYPE 1, 2 and 7
    python3 -c '
import csv, sys
rows = csv.DictReader(sys.stdin.read().lstrip("\ufeff").splitlines())
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(sys.argv[1:])
for r in rows:
    if r["RECTYPE"] in ("1", "2", "7"):
        out.writerow([r[c] for c in sys.argv[1:]])' "$@"
}
keep RECTYPE URN ATT8SCR P8PUP P8MEA P8CILOW P8CIUPP P8_BANDING <"$D/ks4_trimmed.csv" >"$T/urn.csv"
is "$(head -1 "$T/urn.csv")" "RECTYPE,URN,ATT8SCR,P8PUP,P8MEA,P8CILOW,P8CIUPP,P8_BANDING" \
   "(a URN-keyed file without LEA, ESTAB, SCHNAME, TPUP)"
run "$COLLAB" import --db "$T/urn.db" --year 2019 dfe-ks4 "$T/urn.csv"
is "$rc" 0 "a URN-keyed KS4 file imports"
is "$out" "imported $(data_rows "$T/urn.csv") dfe-ks4 from $T/urn.csv" "every row"
u() { sqlite "$T/urn.db" "$1"; }
is "$(u "SELECT value FROM dfe_school WHERE urn = 100053 AND measure = 'att8'")" 47.2 \
   "URN-keyed: Acland Burghley's A8"
is "$(u "SELECT CAST(value AS INTEGER) FROM dfe_school WHERE urn = 100053 AND measure = 'p8_band'")" 3 \
   "URN-keyed: the published P8 band is kept"
is "$(u "SELECT CAST(value AS INTEGER) FROM dfe_school WHERE urn = 100053 AND measure = 'ks4_pupils'")" 128 \
   "URN-keyed: without TPUP the cohort is the P8 cohort (P8PUP 128)"
is "$(u "SELECT name, dfe_number IS NULL, la_code IS NULL FROM dfe_school_info WHERE urn = 100053")" \
   "URN 100053|1|1" "URN-keyed into a new store: named by the URN, no DfE number or LA"
cp "$DB" "$T/both.db"
run "$COLLAB" import --db "$T/both.db" --year 2019 dfe-ks4 "$T/urn.csv"
is "$(sqlite "$T/both.db" "SELECT name, dfe_number, la_code FROM dfe_school_info WHERE urn = 100053")" \
   "Acland Burghley School|2024285|202" "URN-keyed after the full file: name, DfE number and LA kept"
is "$(sqlite "$T/both.db" "SELECT CAST(value AS INTEGER) FROM dfe_school WHERE urn = 100053 AND measure = 'ks4_pupils'")" 128 \
   "and its cohort is the file's own (P8PUP)"
printf 'RECTYPE,URN,ATT8SCR\n4,,48.5\n' >"$T/la.csv"
run "$COLLAB" import --db "$T/la.db" dfe-ks4 "$T/la.csv"
is "$rc" 1 "a local authority row in a file without LEA is refused"
like "$err" "la.csv:2: column RECTYPE: a local authority row \(RECTYPE 4\) needs an LEA column, which this file does not have" \
     "naming the line and saying what is missing"

run "$COLLAB" import --db "$DB" dfe-census "$D/census_excerpt.csv"
is "$rc" 0 "census excerpt imports"
n=$(data_rows "$D/census_excerpt.csv")
is "$out" "imported $n dfe-census from $D/census_excerpt.csv" "census: row count of the file"
is "$(rows "SELECT count(*) FROM dfe_school WHERE measure = 'fsm6_pct'")" "$n" "census: a FSM6 cell per row"
run "$COLLAB" import --db "$DB" dfe-absence "$D/absence_excerpt.csv"
is "$rc" 0 "absence excerpt imports"
n=$(data_rows "$D/absence_excerpt.csv")
is "$out" "imported $n dfe-absence from $D/absence_excerpt.csv" "absence: row count of the file"
is "$(rows "SELECT value FROM dfe_school WHERE urn = -2 AND measure = 'persistent_absence_pct'")" \
   "8.2" "absence: national primary (urn -2)"

# KS2: the DfE's KS2 school-level file, by its column names (a hand-made file
# with the published columns and markers: tests/data/dfe/README.md). Its
# record types are KS2's own: 3 a local authority, 4 and 5 England.
run "$COLLAB" import --db "$DB" --year 2019 dfe-ks2 "$D/ks2_sample.csv"
is "$rc" 0 "KS2 file imports"
is "$out" "imported 6 dfe-ks2 from $D/ks2_sample.csv" "KS2: row count of the file"
k2() { rows "SELECT coalesce(value, marker) FROM dfe_school WHERE year = 2019 AND urn = $1 AND measure = '$2'"; }
is "$(k2 100000 rwm_expected),$(k2 100000 rwm_higher),$(k2 100000 ks2_pupils)" "72.0,15.0,60.0" \
   "KS2: a school's RWM expected and higher standard, and its pupils"
is "$(k2 100000 read_prog),$(k2 100000 read_prog_lo),$(k2 100000 read_prog_hi),$(k2 100000 read_prog_band)" \
   "1.4,-0.1,2.9,3.0" "KS2: reading progress with its interval and band"
is "$(k2 100000 mat_prog_band),$(k2 100000 read_average),$(k2 100000 mat_average)" "2.0,106.0,107.0" \
   "KS2: maths band and average scaled scores"
is "$(k2 100001 read_prog),$(k2 100001 rwm_expected),$(k2 100001 writ_prog_band)" "LOWCOV,SUPP,5.0" \
   "KS2: markers kept (LOWCOV, SUPP)"
is "$(k2 -202 rwm_expected),$(k2 0 rwm_expected),$(k2 -1 rwm_expected)" "66.0,65.0,64.0" \
   "KS2: LA 202 (RECTYPE 3), England state-funded (5, urn 0) and all schools (4, urn -1)"
is "$(rows "SELECT value FROM dfe_group WHERE year = 2019 AND urn = 0 AND measure = 'rwm_expected' AND pupil_column = 'fsm6' ORDER BY pupil_value")" \
   "$(printf '71.0\n51.0')" "KS2: England's disadvantaged and other pupils (fsm6 0, 1)"
is "$(rows "SELECT name, dfe_number FROM dfe_school_info WHERE urn = 100000")" \
   "Hand-made Primary, A|2022000" "KS2: the school's name and DfE number"
printf 'RECTYPE,URN,PTRWM_EXP\n7,,65%%\n' > "$T/ks2-rectype.csv"
run "$COLLAB" import --db "$DB" dfe-ks2 "$T/ks2-rectype.csv"
like "$err" "ks2-rectype.csv:2: column RECTYPE: 7 is not a KS2 record type collab knows \(1, 2 schools; 3 local authority; 4, 5 England\)" \
     "KS2: a KS4 record type is refused, naming KS2's"
printf 'RECTYPE,URN,READPROG_DESCR\n1,100000,6\n' > "$T/ks2-band.csv"
run "$COLLAB" import --db "$DB" dfe-ks2 "$T/ks2-band.csv"
is "$rc" 1 "KS2: a band outside 1 to 5 refused"
is "$(k2 100000 read_prog_band)" "3.0" "KS2: the refused file changed nothing"

# Refused files: nothing changes.
before=$(rows "SELECT count(*), total(value), count(marker) FROM dfe_school")
cut -d, -f1-3,5- "$D/ks4_trimmed.csv" > "$T/nourn.csv"
run "$COLLAB" import --db "$DB" dfe-ks4 "$T/nourn.csv"
is "$rc" 1 "file without URN refused"
like "$err" "nourn.csv:1: missing required column: URN" "names the URN column"
printf 'RECTYPE,LEA,ESTAB,URN,SCHNAME,P8MEA\n1,202,4285,100053,A,0.2\n1,202,4286,100054,B,lots\n' \
    > "$T/bad.csv"
run "$COLLAB" import --db "$DB" dfe-ks4 "$T/bad.csv"
is "$rc" 1 "bad cell refused"
like "$err" "bad.csv:3: column P8MEA: 'lots' is neither a number nor a DfE marker" \
     "FILE:LINE: column X: message"
like "$err" "nothing imported \\(1 problem\\)" "nothing imported"
is "$(rows "SELECT count(*), total(value), count(marker) FROM dfe_school")" "$before" \
   "store unchanged"

run "$COLLAB" import --db "$DB" --year 2019 schools "$D/ks4_trimmed.csv"
is "$rc" 1 "--year with a non-DfE kind refused"
like "$err" "only to the dfe-\\* kinds" "says why"
run "$COLLAB" import --db "$DB" --year abc dfe-ks4 "$D/ks4_trimmed.csv"
is "$rc" 2 "--year abc is a usage error"
run "$COLLAB" import --db "$DB" --year 1990 dfe-ks4 "$D/ks4_trimmed.csv"
is "$rc" 1 "--year 1990 out of range"
run "$COLLAB" import --help
like "$out" "dfe-ks4, dfe-census, dfe-absence, dfe-ks2" "usage lists the DfE kinds"

# England's figures per pupil group: the RECTYPE 7 row of the DfE's 2017/18
# KS4 file (sample-data/dfe/groups.sh extracts it), the national comparator
# of each group. The values are the published ones (2017/18 revised).
G18="$top_srcdir/sample-data/dfe/england_ks4_groups_2018.csv"
run "$COLLAB" import --db "$T/groups.db" --year 2018 dfe-ks4 "$G18"
is "$rc" 0 "pupil-group England row imports"
grp() { sqlite "$T/groups.db" "SELECT value FROM dfe_group WHERE year = 2018 AND urn = 0 AND $1"; }
is "$(grp "measure = 'p8' AND pupil_column = 'fsm6' AND pupil_value = '1'")" -0.44 \
   "P8 of disadvantaged pupils (P8MEA_FSM6CLA1A) -0.44"
is "$(grp "measure = 'p8' AND pupil_column = 'fsm6' AND pupil_value = '0'")" 0.13 \
   "of the others (P8MEA_NFSM6CLA1A) +0.13"
is "$(grp "measure = 'p8' AND pupil_column = 'eal' AND pupil_value = '1'")" 0.49 \
   "of EAL pupils (P8MEA_EAL) +0.49"
is "$(grp "measure = 'att8' AND pupil_column = 'prior_band' AND pupil_value = 'L'")" 22.6 \
   "Attainment 8 of low prior attainers (ATT8SCR_LO) 22.6"
is "$(grp "measure = 'basics4' AND pupil_column = 'fsm6' AND pupil_value = '1'")" 44.5 \
   "'44.50%' of disadvantaged pupils with grade 4+ (PTFSM6CLA1ABASICS_94) stored as 44.5"
is "$(sqlite "$T/groups.db" "SELECT value FROM dfe_school WHERE urn = 0 AND measure = 'att8'")" \
   46.5 "and the row's headline Attainment 8, 46.5"
is "$(sqlite "$T/groups.db" "SELECT count(*) FROM dfe_group")" 47 \
   "every pupil-group column of the row (47)"
# a bad group cell names its column; nothing is imported
sed 's/^7,,523626,46.5,494835,-0.02,64.20%,43.30%,4.04,38.40%,24.10%,16.70%,-0.44,/7,,523626,46.5,494835,-0.02,64.20%,43.30%,4.04,38.40%,24.10%,16.70%,minus,/' \
    "$G18" >"$T/badgroup.csv"
run "$COLLAB" import --db "$T/groups2.db" --year 2018 dfe-ks4 "$T/badgroup.csv"
is "$rc" 1 "a bad pupil-group cell is refused"
like "$err" "badgroup.csv:2: column P8MEA_FSM6CLA1A: 'minus' is neither a number" \
     "naming the file, line and column"
# A source store of schema 1 (before dfe_group) is brought up to date.
run "$COLLAB" import --db "$T/old.db" --year 2018 dfe-ks4 "$D/ks4_trimmed.csv"
sqlite "$T/old.db" "DROP TABLE dfe_group; PRAGMA user_version = 1"
run "$COLLAB" import --db "$T/old.db" --year 2018 dfe-ks4 "$G18"
is "$rc" 0 "a schema 1 store takes pupil-group rows"
is "$(sqlite "$T/old.db" "PRAGMA user_version"),$(sqlite "$T/old.db" "SELECT count(*) FROM dfe_group")" \
   "2,47" "after moving to schema 2"

# The full census and absence files, when the shared data is there.
S=/work/shared/data/dfe-2019
for k in census:england_census absence:england_abs; do
    f="$S/${k#*:}.csv"
    if [ -r "$f" ]; then
        run "$COLLAB" import --db "$T/full.db" "dfe-${k%%:*}" "$f"
        is "$out" "imported $(data_rows "$f") dfe-${k%%:*} from $f" "full $f: every row"
    else
        skip "$f not present"
    fi
done

# dfe-estimates: the ready-reckoner's estimates of the year --year names.
E="$D/p8_att8_splits_2024.csv"
EDB="$T/est.db"
run "$COLLAB" import --db "$EDB" dfe-estimates "$E"
is "$rc" 1 "dfe-estimates without --year is refused"
is "$err" "collab: dfe-estimates needs --year, the summer of the exams the estimates are for (2024 for 2023/24): the file does not say" \
   "and says why"
run "$COLLAB" import --db "$EDB" --year 2024 dfe-estimates "$E"
is "$out" "imported 34 dfe-estimates from $E" "the 34 prior attainment groups import"
# the sample's estimates.csv holds the same 2024 table (sample-data/README.md)
is "$(sqlite "$EDB" "SELECT printf('%d,%g,%g,%g,%g,%g,%g,%g', prior_group, ks2_from, ks2_to,
                     att8, eng, mat, ebacc, open) FROM estimate WHERE year = 2024
                     ORDER BY prior_group")" \
   "$(awk -F, '$1 == 2017 { print $2","$3","$4","$5","$6","$7","$8","$9 }' \
      "$top_srcdir/sample-data/estimates.csv")" \
   "every group's range and estimates as the DfE published them"
sed 's/^2,82.5 to 86,/2,82.5 - 86,/' "$E" >"$T/bad_range.csv"
run "$COLLAB" import --db "$EDB" --year 2023 dfe-estimates "$T/bad_range.csv"
is "$rc" 1 "a range that is not 'A to B' is refused"
# (the header's quoted names run over three lines, so group 2 is line 5)
like "$err" "bad_range.csv:5: column KS2 average scaled score range: expected a range of KS2 scaled scores such as '82.5 to 86', found '82.5 - 86'" \
     "naming the line, the column and what was expected"
is "$(sqlite "$EDB" "SELECT count(*) FROM estimate WHERE year = 2023")" 0 "and nothing of it is kept"
done_testing
