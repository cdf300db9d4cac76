#!/bin/sh
# collab check: the good config passes; each broken variant under
# tests/data/config-bad/ fails with its exact FILE:LINE:COL message.
. "$top_srcdir/tests/lib.sh"
GOOD="$top_srcdir/tests/data/config-good"
BAD="$top_srcdir/tests/data/config-bad"

run "$COLLAB" check "$GOOD"
is "$rc" 0 "good config: exit 0"
is "$out" "$GOOD: ok (7 indicators, 5 filters, 2 groups, 3 users)" "good config: summary"
is "$err" "" "good config: nothing on stderr"

run "$COLLAB" check --config "$GOOD"
is "$rc" 0 "--config DIR works"
COLLAB_CONFIG="$GOOD" run "$COLLAB" check
is "$rc" 0 "default config dir comes from \$COLLAB_CONFIG"
like "$out" "ok \(7 indicators" "default config dir summary"

run "$COLLAB" check --help
is "$rc" 0 "--help exits 0"
like "$out" "usage: collab check" "--help prints usage"
run "$COLLAB" check --bogus
is "$rc" 2 "bad option exits 2"
like "$err" "unknown option '--bogus'" "bad option named"
run "$COLLAB" check "$GOOD" "$GOOD"
is "$rc" 2 "two directories exit 2"

# variant NAME FILE: the good config with FILE replaced by NAME--FILE.
variant() {
    mkdir -p "$T/$1"
    cp "$GOOD"/*.yaml "$T/$1/"
    cp "$BAD/$1--$2" "$T/$1/$2"
}

# expect NAME MESSAGE: `collab check NAME` (run in $T) fails with MESSAGE.
expect() {
    out=$(cd "$T" && "$COLLAB" check "$1" 2>"$T/.stderr"); rc=$?
    err=$(cat "$T/.stderr")
    is "$rc" 1 "$1: exit 1"
    is "$err" "collab: $2" "$1: message"
    is "$out" "" "$1: nothing on stdout"
}

for f in "$BAD"/*--*.yaml; do
    b=$(basename "$f")
    variant "${b%%--*}" "${b#*--}"
done

# repeats are found by sorting (a national config has thousands of
# schools), and the first one in file order is named, at the later line
expect duplicate-org "duplicate-org/groups.yaml:9:11: duplicate organisation id 'moorside'"
expect duplicate-urn "duplicate-urn/groups.yaml:8:65: urn 100002 is already organisation 'moorside'"
expect school-twice "school-twice/groups.yaml:16:31: school 100001 is listed twice"
expect duplicate-consent "duplicate-consent/groups.yaml:47:12: duplicate consent for school 100001"
expect unknown-key "unknown-key/indicators.yaml:3:5: unknown key 'lable' in indicator (did you mean 'label'?)"
expect wrong-type "wrong-type/indicators.yaml:7:15: 'decimals': expected a number, found 'two'"
expect duplicate-id "duplicate-id/indicators.yaml:4:11: duplicate indicator id 'att8' (first defined at line 2)"
expect missing-label "missing-label/indicators.yaml:2:5: missing required key 'label' in indicator"
expect invalid-id "invalid-id/indicators.yaml:2:11: 'id': invalid identifier 'Att8' (use [a-z][a-z0-9_], at most 32 characters)"
expect bad-expr "bad-expr/indicators.yaml:5:18: 'expr': unknown column 'est_att9' (did you mean 'est_att8'?)"
expect unbalanced-expr "unbalanced-expr/indicators.yaml:5:33: 'expr': expected ')' to close the '(' at column 1, found end of expression"
expect injection "injection/indicators.yaml:5:16: 'expr': unexpected ')' after the end of the expression"
expect wrong-level-column "wrong-level-column/indicators.yaml:5:11: 'expr': unknown column 'points'; columns at this level: fsm6 eal cla prior_score prior_group ks2_reading ks2_maths att8 att8_eng att8_mat att8_ebacc att8_open est_att8 p8 p8_eng p8_mat p8_ebacc p8_open basics4 basics5 ebacc_entry ebacc_aps ebacc4 ebacc5 entries rwm_expected rwm_higher reading_expected maths_expected writing_expected avg_scaled sessions_possible sessions_missed"
expect percent-not-boolean "percent-not-boolean/indicators.yaml:5:11: aggregate 'percent' needs a true/false expression (a comparison, and, or, not); for a 0/1 column write 'COLUMN = 1'"
expect rate-without-per "rate-without-per/indicators.yaml:6:16: aggregate 'rate' needs 'per' (the denominator expression)"
expect pupil-sd-percent "pupil-sd-percent/indicators.yaml:7:19: significance 'pupil_sd' needs aggregate 'mean'"
expect bad-enum "bad-enum/indicators.yaml:6:16: 'aggregate': unknown value 'average' (expected one of: mean, percent, rate, sum, count)"
expect reserved-key "reserved-key/filters.yaml:3:10: 'key': 'n' is reserved by the TUI (reserved: q ? / : 0 1 2 3 4 5 y Y h j k l n N x c s [ ] m)"
expect key-collision "key-collision/filters.yaml:8:10: 'key': 'f' is already the key of filter 'fsm6'"
expect too-many-filters "too-many-filters/filters.yaml:10:5: too many filters (at most 8)"
expect bad-match "bad-match/filters.yaml:6:34: 'match': 'Y' never occurs in column fsm6 (values: 0 1)"
expect tab "tab/filters.yaml:3:1: found a tab character that violates indentation while scanning a plain scalar (YAML does not allow tabs for indentation)"
expect deep "deep/filters.yaml:1:73: nesting deeper than 64 levels"
expect unknown-school "unknown-school/groups.yaml:16:23: unknown school 100009 (no organisation of kind school has this urn)"
expect unknown-user "unknown-user/groups.yaml:24:18: unknown user 'carla'"
expect unknown-owner "unknown-owner/groups.yaml:21:12: unknown organisation 'south-trust' (did you mean 'north-trust'?)"
expect user-unknown-org "user-unknown-org/groups.yaml:42:19: unknown organisation 'riverbank'"
expect consent-unknown-urn "consent-unknown-urn/groups.yaml:47:12: unknown school 100004 (no organisation of kind school has this urn)"
expect duplicate-user "duplicate-user/groups.yaml:40:9: duplicate user id 'asha'"
expect anchor "anchor/groups.yaml:1:9: anchors (&pol) are not allowed in config files"
expect alias "alias/groups.yaml:25:13: aliases (*pol) are not allowed in config files"
expect wrong-bool "wrong-bool/groups.yaml:32:13: 'global': expected true or false, found 'yes'"
expect bad-date "bad-date/groups.yaml:47:28: 'signed': expected a date (YYYY-MM-DD), found '2024-13-12'"
expect labels-count "labels-count/evaluation.yaml:4:11: 'labels': the scale 1 to 4 needs 4 labels, found 3"
expect empty "empty/evaluation.yaml:1:1: the file is empty (expected a mapping)"
expect min-cohort-2 "min-cohort-2/groups.yaml:1:23: 'min_cohort': 2 is too small to hide anyone: at least 3 (the DfE's rule is 6)"
expect protection-width-0 "protection-width-0/groups.yaml:1:65: 'protection_width': 0 is out of range (1 to 100)"
expect protection-solver-unknown "protection-solver-unknown/groups.yaml:1:66: 'protection_solver': unknown value 'simplex' (expected one of: equations, linear_programme)"
expect pupil-unix-group-not-school "pupil-unix-group-not-school/groups.yaml:4:68: 'pupil_unix_group' is only for organisations of kind school"

# A min_cohort of 3 to 5 loads, with a warning naming the place; a group's
# own policy is checked the same way.
mkdir -p "$T/min5"
cp "$GOOD"/*.yaml "$T/min5/"
sed -e 's/^policy: { min_cohort: 6,/policy: { min_cohort: 5,/' \
    -e 's/    policy: { league_tables: false }/    policy: { league_tables: false, min_cohort: 4 }/' \
    "$GOOD/groups.yaml" >"$T/min5/groups.yaml"
run sh -c "cd '$T' && '$COLLAB' check min5"
is "$rc" 0 "min_cohort 5: check passes"
is "$err" "collab: warning: min5/groups.yaml:1:23: 'min_cohort': 5 publishes groups of as few as 5 pupils, which the DfE never does (it hides 5 or fewer: min_cohort 6)
collab: warning: min5/groups.yaml:25:49: 'min_cohort': 4 publishes groups of as few as 4 pupils, which the DfE never does (it hides 5 or fewer: min_cohort 6)" \
   "min_cohort 5 and a group's 4: a warning for each, at its line and column"

# A school whose pupil unix group is its staff's unix group loads, with a
# warning: every member of staff could read the pupils with sqlite3.
mkdir -p "$T/samegrp"
cp "$GOOD"/*.yaml "$T/samegrp/"
sed 's/pupil_unix_group: collab-harbour-pupils/pupil_unix_group: collab-harbour/' \
    "$GOOD/groups.yaml" >"$T/samegrp/groups.yaml"
run sh -c "cd '$T' && '$COLLAB' check samegrp"
is "$rc" 0 "pupil_unix_group = unix_group: check passes"
is "$err" "collab: warning: samegrp/groups.yaml:6:53: organisation 'harbour-high': pupil_unix_group is its unix_group 'collab-harbour': all of its staff can read its pupils with sqlite3, pupil_level or not" \
   "and warns at its line and column"

# A schools group whose unix group is its owner's: a missing consent could
# not close the store to the owner alone. The sample's owners have their own.
run "$COLLAB" check "$top_srcdir/sample-data/config"
unlike "$err" "is also its owner's" "the sample config: no such warning"
mkdir -p "$T/owner"
cp "$top_srcdir/sample-data/config"/*.yaml "$T/owner/"
sed 's/unix_group: collab-hlp-office,/unix_group: collab-hlp,/' \
    "$top_srcdir/sample-data/config/groups.yaml" >"$T/owner/groups.yaml"
run sh -c "cd '$T' && '$COLLAB' check owner"
is "$rc" 0 "a group sharing its owner's unix group: check passes"
like "$err" "^collab: warning: owner/groups.yaml:[0-9]+:17: group 'harbour-partnership': its unix_group 'collab-hlp' is also its owner's, so a missing or withdrawn consent cannot close its store to the owner alone \(give the owner a unix group of its own\)\$" \
     "and warns, at the group's unix_group"

# Every variant file has an expectation above (a new file cannot go untested).
n_files=$(ls "$BAD" | grep -c -- '--')
is "$n_files" 39 "every config-bad file is checked"

# A missing required file; evaluation.yaml is optional.
mkdir -p "$T/missing"
cp "$GOOD/indicators.yaml" "$GOOD/filters.yaml" "$T/missing/"
expect missing "missing/groups.yaml: missing (a config directory needs indicators.yaml, filters.yaml and groups.yaml)"
cp "$GOOD/groups.yaml" "$T/missing/"
run "$COLLAB" check "$T/missing"
is "$rc" 0 "evaluation.yaml is optional"
expect nonexistent "nonexistent: cannot open config directory: No such file or directory"

# Themes beside the config (DIR/themes) are checked too.
mkdir -p "$T/theme"
cp "$GOOD"/*.yaml "$T/theme/"
cp -R "$BAD/theme/themes" "$T/theme/themes"
expect theme "theme/themes/broken.yaml:3:28: 'bg': unknown colour 'blu' (did you mean 'blue'?)"
# ... and DIR/../themes, the layout of the source tree.
mkdir -p "$T/tree/config"
cp "$GOOD"/*.yaml "$T/tree/config/"
cp -R "$BAD/theme/themes" "$T/tree/themes"
expect tree/config "tree/config/../themes/broken.yaml:3:28: 'bg': unknown colour 'blu' (did you mean 'blue'?)"

done_testing
