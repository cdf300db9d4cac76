#!/bin/sh
# Regenerate england_ks4_groups_2017.csv and england_ks4_groups_2018.csv of
# sample-data/dfe/ from the DfE's KS4 performance-table files of 2016/17
# (final) and 2017/18 (revised) (README.md in this directory):
#
#   sample-data/dfe/groups.sh [SOURCE_DIR]
#
# SOURCE_DIR holds 2016-2017_320_ks4final.csv and 2017-2018_320_ks4revised.csv
# (default: ../shared/data/ks4-national-groups beside the repository). Keeps
# the England state-funded row (RECTYPE 7) and the columns dfe-ks4 reads that
# the file has, in the order listed below; cells are copied as text.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/../../../shared/data/ks4-national-groups}
# The headline columns and those split by pupil group (docs/DFE.md).
cols='RECTYPE URN TPUP ATT8SCR P8PUP P8MEA PTL2BASICS_94 PTL2BASICS_95 EBACCAPS PTEBACC_E_PTQ_EE
PTEBACC_94 PTEBACC_95 P8MEA_FSM6CLA1A P8MEA_NFSM6CLA1A P8MEA_EAL P8MEA_LO P8MEA_AV P8MEA_HI
P8MEA_GIRLS P8MEA_BOYS P8PUP_FSM6CLA1A P8PUP_NFSM6CLA1A P8PUP_EAL P8PUP_LO P8PUP_AV P8PUP_HI
P8PUP_GIRLS P8PUP_BOYS ATT8SCR_FSM6CLA1A ATT8SCR_NFSM6CLA1A ATT8SCR_EAL ATT8SCR_LO ATT8SCR_AV
ATT8SCR_HI ATT8SCR_GIRLS ATT8SCR_BOYS EBACCAPS_FSM6CLA1A EBACCAPS_NFSM6CLA1A EBACCAPS_EAL
EBACCAPS_LO EBACCAPS_AV EBACCAPS_HI EBACCAPS_GIRLS EBACCAPS_BOYS PTFSM6CLA1ABASICS_94
PTNOTFSM6CLA1ABASICS_94 PTL2BASICSEAL_94 PTFSM6CLA1ABASICS_95 PTNOTFSM6CLA1ABASICS_95
PTL2BASICSEAL_95 PTEBACC_EFSM6CLA1A_PTQ_EE PTEBACC_ENFSM6CLA1A_PTQ_EE PTEBACC_EEAL_PTQ_EE
PTEBACC_94_FSM6CLA1A PTEBACC_94_NFSM6CLA1A PTEBACCEAL_94 PTEBACC_95_FSM6CLA1A
PTEBACC_95_NFSM6CLA1A PTEBACCEAL_95'
extract() {  # input output
    [ -r "$1" ] || { echo "groups.sh: cannot read $1" >&2; exit 1; }
    # The England row has no quoted cells; school rows (which may) are skipped.
    sed '1s/^\xEF\xBB\xBF//' "$1" | awk -F, -v want="$(echo $cols)" '
        NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i
                  n = split(want, w, " "); line = ""
                  for (k = 1; k <= n; k++) if (w[k] in at) { keep[++m] = at[w[k]]
                      line = line (m > 1 ? "," : "") w[k] }
                  print line; next }
        $1 == "7" { line = ""; for (k = 1; k <= m; k++) line = line (k > 1 ? "," : "") $keep[k]
                    print line }' > "$2"
}
extract "$src/2016-2017_320_ks4final.csv" "$here/england_ks4_groups_2017.csv"
extract "$src/2017-2018_320_ks4revised.csv" "$here/england_ks4_groups_2018.csv"
