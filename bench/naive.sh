#!/bin/sh
# bench/naive.sh COMBOS YEAR URN SQL MANIFEST
#
# Write the naive SQL for every view and every filter combination of COMBOS
# (one line each: the choice per dimension, as bench_views reads them) into
# SQL, and one line "VIEW COMBO" per statement into MANIFEST, so that the
# sqlite3 shell's `.timer` lines can be matched back to their view.
#
# "Naive" is what an analyst with the sqlite3 shell would write over the
# SOURCE store: an aggregate over pupils (and results) with the filter in the
# WHERE clause, grouped by what the view shows. It computes the figures each
# view shows (DESIGN.md section 6):
#   overview  headline indicators per year (3-year trend), per school, per
#             subject and per value of every dimension the filter leaves
#             open (the model's findings);
#   subjects  result indicators per subject;
#   subject   result indicators of MATHS per school;
#   schools   intake per school (unfiltered, as the model shows it) and the
#             headline indicators per school;
#   similar   intake per school and the distance of every school to URN over
#             standardised intake (ignores the filter, as the model does);
#   pupils    URN's pupils with flags, estimate, A8, P8 and grades.
#
# The dimensions are those of bench/config/filters.yaml, in its order: keep
# the two in step.
set -eu
combos=$1 year=$2 urn=$3 sql=$4 manifest=$5

awk -v Y="$year" -v URN="$urn" -v SQL="$sql" -v MAN="$manifest" '
BEGIN {
    # dimension d: pupil column and the stored value of each filter value
    ncol = split("fsm6 eal sen gender prior_band", col, " ")
    vals[1] = "1 0"; vals[2] = "1 0"; vals[3] = "N K E"; vals[4] = "F M"; vals[5] = "L M H"
    q[3] = q[4] = q[5] = "\047"
    KS4 = "COUNT(*), AVG(k.att8), AVG(k.p8), 100.0 * AVG(k.basics4), " \
          "100.0 * AVG(k.basics5), 100.0 * AVG(k.ebacc_entry), AVG(k.ebacc_aps), " \
          "100.0 * SUM(a.sessions_missed) / SUM(a.sessions_possible), " \
          "100.0 * AVG(a.sessions_missed >= 0.1 * a.sessions_possible)"
    KS4FROM = "pupil p JOIN pupil_ks4 k ON k.pupil = p.id " \
              "LEFT JOIN attendance a ON a.pupil = p.id"
    RES = "COUNT(*), AVG(r.points), 100.0 * AVG(r.points >= 4), 100.0 * AVG(r.points >= 7)"
    RESFROM = "result r JOIN pupil p ON p.id = r.pupil"
    LATEST = "p.key_stage = 4 AND p.year = " Y
    INTAKE = "SELECT p.school AS s, 100.0 * AVG(p.fsm6) AS f, 100.0 * AVG(p.eal) AS e, " \
             "100.0 * AVG(p.sen <> \047N\047) AS d, COUNT(*) AS n, AVG(p.prior_score) AS pr " \
             "FROM pupil p WHERE " LATEST " GROUP BY p.school"
    print ".timer on" > SQL
    print ".output /dev/null" > SQL
}
function stmt(view, text) {
    print text ";" > SQL
    print view, combo > MAN
}
function z2(c) {   # squared standardised difference of intake measure c
    return "COALESCE((c." c " - t." c ") * (c." c " - t." c ") / " \
           "NULLIF(v.v" c ", 0), 0)"
}
{
    combo = NR - 1
    w = ""
    for (d = 1; d <= ncol; d++) {
        open[d] = ($d == 0)
        if (!open[d]) {
            split(vals[d], val, " ")
            w = w " AND p." col[d] " = " q[d] val[$d] q[d]
        }
    }
    stmt("overview", "SELECT p.year, " KS4 " FROM " KS4FROM " WHERE p.key_stage = 4 " \
         "AND p.year BETWEEN " (Y - 2) " AND " Y w " GROUP BY p.year")
    stmt("overview", "SELECT p.school, " KS4 " FROM " KS4FROM " WHERE " LATEST w \
         " GROUP BY p.school")
    stmt("overview", "SELECT r.subject, " RES " FROM " RESFROM " WHERE " LATEST w \
         " GROUP BY r.subject")
    for (d = 1; d <= ncol; d++)
        if (open[d])
            stmt("overview", "SELECT p." col[d] ", " KS4 " FROM " KS4FROM " WHERE " \
                 LATEST w " GROUP BY p." col[d])
    stmt("subjects", "SELECT r.subject, s.name, " RES " FROM " RESFROM \
         " JOIN subject s ON s.code = r.subject WHERE " LATEST w \
         " GROUP BY r.subject ORDER BY r.subject")
    stmt("subject", "SELECT p.school, sc.name, " RES " FROM " RESFROM \
         " JOIN school sc ON sc.urn = p.school WHERE r.subject = \047MATHS\047 AND " \
         LATEST w " GROUP BY p.school ORDER BY p.school")
    stmt("schools", INTAKE)
    stmt("schools", "SELECT p.school, sc.name, " KS4 " FROM " KS4FROM \
         " JOIN school sc ON sc.urn = p.school WHERE " LATEST w \
         " GROUP BY p.school ORDER BY p.school")
    stmt("similar", "WITH c AS (" INTAKE "), v AS (SELECT " \
         "AVG(f * f) - AVG(f) * AVG(f) AS vf, AVG(e * e) - AVG(e) * AVG(e) AS ve, " \
         "AVG(d * d) - AVG(d) * AVG(d) AS vd, AVG(n * n) - AVG(n) * AVG(n) AS vn, " \
         "AVG(pr * pr) - AVG(pr) * AVG(pr) AS vpr FROM c), " \
         "t AS (SELECT * FROM c WHERE s = " URN ") " \
         "SELECT c.s, sc.name, c.f, c.e, c.d, c.n, c.pr, " z2("f") " + " z2("e") " + " \
         z2("d") " + " z2("n") " + " z2("pr") " AS dist2 " \
         "FROM c JOIN t JOIN v JOIN school sc ON sc.urn = c.s ORDER BY dist2, c.s")
    stmt("pupils", "SELECT p.id, p.display_name, p.gender, p.fsm6, p.eal, p.sen, " \
         "p.prior_band, k.est_att8, k.att8, k.p8, " \
         "group_concat(r.subject || \047 \047 || r.grade, \047, \047) " \
         "FROM pupil p JOIN pupil_ks4 k ON k.pupil = p.id " \
         "LEFT JOIN result r ON r.pupil = p.id WHERE p.school = " URN " AND " LATEST w \
         " GROUP BY p.id ORDER BY p.id")
}
' "$combos"
