/*
 * import_dfe: the DfE's published school-level files (performance tables
 * download service, Open Government Licence v3.0) into the source store's
 * dfe_school(year, urn, measure, value, marker) and dfe_school_info(urn,
 * dfe_number, name, la_code, nftype). docs/DFE.md lists the columns each kind
 * reads and the measure each becomes.
 *
 * The files are imported through imp_import_file_opts (import.h) with the
 * kinds IMP_DFE_KS4, IMP_DFE_CENSUS, IMP_DFE_ABSENCE and IMP_DFE_KS2. Columns
 * are found by the DfE's own names and any other column is skipped, so the full DfE file
 * and a trimmed copy both load. A cell is a number (a trailing '%' is
 * dropped: "66.2%" is 66.2), one of the DfE's markers, kept as value NULL
 * with the marker text, or empty (the measure is removed for that school and
 * year, so that a re-import replaces what an earlier one stored).
 *
 * The rows that are not schools are stored under pseudo-URNs, 0 or negative
 * (a real URN is positive), so that national and LA comparators sit beside
 * the schools they compare: each has a dfe_school_info row naming it.
 */
#ifndef COLLAB_IMPORT_DFE_H
#define COLLAB_IMPORT_DFE_H

/* The year a DfE file is stored under when the caller gives none: the files
 * shipped in /work/shared/data/dfe-2019 are 2018/19. */
#define IMP_DFE_DEFAULT_YEAR 2019

/* Pseudo-URNs. A local authority is -LA code (202 is -202; codes are 201 to
 * 999, so they never meet the England rows). */
#define IMP_DFE_ENGLAND 0              /* KS4 RECTYPE 7: state-funded schools,
                                        * the DfE's own comparator for P8 */
#define IMP_DFE_ENGLAND_ALL (-1)       /* KS4 RECTYPE 5: all schools incl.
                                        * independent */
#define IMP_DFE_ENGLAND_PRIMARY (-2)   /* census, absence: NAT row PRI */
#define IMP_DFE_ENGLAND_SECONDARY (-3) /* NAT row SEC */
#define IMP_DFE_ENGLAND_SPECIAL (-4)   /* NAT row SPE */

/* Read one DfE cell. Returns 1 and sets *value for a number (optionally
 * ending in '%'), 0 and points *marker at a static copy of the marker for
 * one of NA NE NP SUPP LOWCOV SP RE NEW, or -1 for anything else (the empty
 * string included). */
int imp_dfe_parse_cell(const char *s, double *value, const char **marker);

/* "NA, NE, NP, ..." for messages (static string). */
const char *imp_dfe_marker_list(void);

#endif
