/*
 * The DfE's school-level files (include/collab/import_dfe.h, docs/DFE.md).
 * Each kind is a table of the columns that identify a row and a table of the
 * measures it stores; one row function serves all three. A row is checked
 * whole before anything is written, markers are stored as markers (never as
 * a zero) and an empty cell removes the measure, so a re-import leaves the
 * store as the file says.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/import_dfe.h"
#include "collab/store.h"
#include "collab/util.h"
#include "import_internal.h"

#define COUNT(a) (sizeof (a) / sizeof (a)[0])
#define MAX_MEASURES 24

static const char *const markers[] = {
    "NA", "NE", "NP", "SUPP", "LOWCOV", "SP", "RE", "NEW",
};

/* One measure: the column it is read from, its name in dfe_school, the
 * range a number must lie in and whether it must be whole. */
struct dfe_measure {
    int col;
    const char *name;
    double lo, hi;
    int whole;
    /* Where the file has no `col` column, the measure is taken from this
     * column's (0: none; column 0 of every kind identifies the row), e.g.
     * the KS4 cohort from the P8 cohort in a file without TPUP. */
    int fallback;
};

/* What a row is about, worked out from its identity columns. */
struct dfe_ident {
    long urn;                   /* a URN, or a pseudo-URN (import_dfe.h) */
    char label[48];             /* how duplicates are named: "URN 100000" */
    int info;                   /* write dfe_school_info */
    long dfe_number, la_code;   /* 0: none */
    const char *name, *nftype;  /* NULL: none */
    char namebuf[48];
};

/* A measure of one pupil group: stored in dfe_group with the pupil column
 * and value the group is (a filter with that column and match is it). */
struct dfe_group_measure {
    struct dfe_measure m;
    const char *column, *value;
};

struct dfe_kind {
    struct imp_kind_def def;    /* first, so c->def leads back to the kind */
    const struct dfe_measure *measures;
    size_t nmeasures;
    const struct dfe_group_measure *groups;
    size_t ngroups;
    /* Fill id from the row; 1, or 0 after recording a problem. */
    int (*identify)(struct imp_ctx *c, struct dfe_ident *id);
};

struct dfe_state {
    sqlite3_stmt *put, *del, *info, *put_group, *del_group;
    int mapped;
    unsigned char present[IMP_MAX_COLS];
};

enum { CELL_EMPTY, CELL_NUMBER, CELL_MARKER };

struct dfe_cell {
    int what;
    double value;
    const char *marker;
};

/* A plain decimal: optional '-', digits, optional fraction, optional '%'.
 * Stricter than strtod, which would take "inf", "0x1p3" or " 5". */
static int plain_number(const char *s, double *out)
{
    const char *p = s;
    int digits = 0;
    if (*p == '-')
        p++;
    for (; isdigit((unsigned char)*p); p++)
        digits++;
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++)
            digits++;
    size_t len = (size_t)(p - s);
    if (!digits || (*p && strcmp(p, "%") != 0) || len >= 64)
        return -1;
    char buf[64];
    memcpy(buf, s, len);
    buf[len] = '\0';
    return util_parse_double(buf, out);
}

int imp_dfe_parse_cell(const char *s, double *value, const char **marker)
{
    for (size_t i = 0; i < COUNT(markers); i++) {
        if (strcmp(s, markers[i]) == 0) {
            *marker = markers[i];
            return 0;
        }
    }
    return plain_number(s, value) == 0 ? 1 : -1;
}

const char *imp_dfe_marker_list(void)
{
    return "NA, NE, NP, SUPP, LOWCOV, SP, RE, NEW";
}

static const struct dfe_kind *kind_of(const struct imp_ctx *c)
{
    return (const struct dfe_kind *)c->def;
}

static struct dfe_state *state(struct imp_ctx *c)
{
    if (!c->state)
        c->state = util_xcalloc(1, sizeof(struct dfe_state));
    return c->state;
}

static void dfe_end(struct imp_ctx *c)
{
    struct dfe_state *s = c->state;
    if (!s)
        return;
    sqlite3_finalize(s->put);
    sqlite3_finalize(s->del);
    sqlite3_finalize(s->info);
    sqlite3_finalize(s->put_group);
    sqlite3_finalize(s->del_group);
    free(s);
    c->state = NULL;
}

static int dfe_begin(struct imp_ctx *c)
{
    struct dfe_state *s = state(c);
    s->put = store_prepare(c->db,
        "INSERT INTO dfe_school(year, urn, measure, value, marker) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT(year, urn, measure) DO UPDATE SET value = excluded.value, "
        "marker = excluded.marker", c->err);
    s->del = store_prepare(c->db,
        "DELETE FROM dfe_school WHERE year = ?1 AND urn = ?2 AND measure = ?3", c->err);
    /* What a file leaves out (a URN-keyed file has no LEA, ESTAB or name)
     * keeps its earlier value; a school first seen without a name is named
     * by its URN until a file names it. */
    s->info = store_prepare(c->db,
        "INSERT INTO dfe_school_info(urn, dfe_number, name, la_code, nftype) "
        "VALUES (?1, ?2, coalesce(?3, 'URN ' || ?1), ?4, ?5) ON CONFLICT(urn) DO UPDATE SET "
        "dfe_number = coalesce(?2, dfe_number), name = coalesce(?3, name), "
        "la_code = coalesce(?4, la_code), nftype = coalesce(?5, nftype)", c->err);
    if (!s->put || !s->del || !s->info)
        return -1;
    if (!kind_of(c)->ngroups)
        return 0;
    s->put_group = store_prepare(c->db,
        "INSERT INTO dfe_group(year, urn, measure, pupil_column, pupil_value, value, marker) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(year, urn, measure, pupil_column, "
        "pupil_value) DO UPDATE SET value = excluded.value, marker = excluded.marker", c->err);
    s->del_group = store_prepare(c->db,
        "DELETE FROM dfe_group WHERE year = ?1 AND urn = ?2 AND measure = ?3 AND "
        "pupil_column = ?4 AND pupil_value = ?5", c->err);
    return s->put_group && s->del_group ? 0 : -1;
}

/* Which of the kind's columns the header named (vals cannot tell an absent
 * column from an empty cell, and only present measures may be touched). */
static void map_present(struct imp_ctx *c, struct dfe_state *s)
{
    for (size_t f = 0; f < c->nfields; f++)
        if (c->map[f] >= 0)
            s->present[c->map[f]] = 1;
    s->mapped = 1;
}

static long year_of(const struct imp_ctx *c)
{
    return c->year ? c->year : IMP_DFE_DEFAULT_YEAR;
}

/* A cell a row of this type needs: the value, or a problem. */
static int need_long(struct imp_ctx *c, int col, long lo, long hi, long *out,
                     const char *why)
{
    int got = imp_long(c, col, lo, hi, out);
    if (got == 0)
        imp_problem(c, col, "empty; %s needs a value", why);
    return got > 0;
}

static int need_text(struct imp_ctx *c, int col, const char *why)
{
    if (!c->vals[col])
        imp_problem(c, col, "empty; %s needs a value", why);
    return c->vals[col] != NULL;
}

static void pseudo(struct dfe_ident *id, long urn, const char *name, const char *label)
{
    id->urn = urn;
    id->name = name;
    id->info = 1;
    snprintf(id->label, sizeof id->label, "%s", label);
}

static int national_phase(struct imp_ctx *c, int col, struct dfe_ident *id)
{
    static const char *const phases[] = { "PRI", "SEC", "SPE" };
    static const char *const names[] = {
        "England, state-funded primary schools", "England, state-funded secondary schools",
        "England, state-funded special schools",
    };
    int p = 0;
    int got = imp_choice(c, col, phases, COUNT(phases), &p);
    if (got == 0)
        imp_problem(c, col, "empty; a national (NAT) row needs PRI, SEC or SPE");
    if (got <= 0)
        return 0;
    char label[32];
    snprintf(label, sizeof label, "national row %s", phases[p]);
    pseudo(id, IMP_DFE_ENGLAND_PRIMARY - p, names[p], label);
    return 1;
}

static int school_urn(struct imp_ctx *c, int col, struct dfe_ident *id, const char *why)
{
    if (!need_long(c, col, 100000, 999999, &id->urn, why))
        return 0;
    snprintf(id->label, sizeof id->label, "URN %ld", id->urn);
    return 1;
}

/* ---- dfe-ks4 ---- */

/* The headline measures split by pupil group (docs/DFE.md): column, measure,
 * the pupil column and value of the group (as a filter matches them), range,
 * whole. The DfE names the groups by suffix, and for some percentages by
 * infix: FSM6CLA1A disadvantaged, NFSM6CLA1A / NOTFSM6CLA1A not, EAL first
 * language other than English, LO / AV / HI prior attainment, GIRLS, BOYS. */
#define KS4_GROUP_COLS(X) \
    X(P8MEA_FSM6CLA1A, "p8", "fsm6", "1", -10, 10, 0) \
    X(P8MEA_NFSM6CLA1A, "p8", "fsm6", "0", -10, 10, 0) \
    X(P8MEA_EAL, "p8", "eal", "1", -10, 10, 0) \
    X(P8MEA_LO, "p8", "prior_band", "L", -10, 10, 0) \
    X(P8MEA_AV, "p8", "prior_band", "M", -10, 10, 0) \
    X(P8MEA_HI, "p8", "prior_band", "H", -10, 10, 0) \
    X(P8MEA_GIRLS, "p8", "gender", "F", -10, 10, 0) \
    X(P8MEA_BOYS, "p8", "gender", "M", -10, 10, 0) \
    X(P8PUP_FSM6CLA1A, "p8_pupils", "fsm6", "1", 0, 1e7, 1) \
    X(P8PUP_NFSM6CLA1A, "p8_pupils", "fsm6", "0", 0, 1e7, 1) \
    X(P8PUP_EAL, "p8_pupils", "eal", "1", 0, 1e7, 1) \
    X(P8PUP_LO, "p8_pupils", "prior_band", "L", 0, 1e7, 1) \
    X(P8PUP_AV, "p8_pupils", "prior_band", "M", 0, 1e7, 1) \
    X(P8PUP_HI, "p8_pupils", "prior_band", "H", 0, 1e7, 1) \
    X(P8PUP_GIRLS, "p8_pupils", "gender", "F", 0, 1e7, 1) \
    X(P8PUP_BOYS, "p8_pupils", "gender", "M", 0, 1e7, 1) \
    X(ATT8SCR_FSM6CLA1A, "att8", "fsm6", "1", 0, 90, 0) \
    X(ATT8SCR_NFSM6CLA1A, "att8", "fsm6", "0", 0, 90, 0) \
    X(ATT8SCR_EAL, "att8", "eal", "1", 0, 90, 0) \
    X(ATT8SCR_LO, "att8", "prior_band", "L", 0, 90, 0) \
    X(ATT8SCR_AV, "att8", "prior_band", "M", 0, 90, 0) \
    X(ATT8SCR_HI, "att8", "prior_band", "H", 0, 90, 0) \
    X(ATT8SCR_GIRLS, "att8", "gender", "F", 0, 90, 0) \
    X(ATT8SCR_BOYS, "att8", "gender", "M", 0, 90, 0) \
    X(EBACCAPS_FSM6CLA1A, "ebacc_aps", "fsm6", "1", 0, 9, 0) \
    X(EBACCAPS_NFSM6CLA1A, "ebacc_aps", "fsm6", "0", 0, 9, 0) \
    X(EBACCAPS_EAL, "ebacc_aps", "eal", "1", 0, 9, 0) \
    X(EBACCAPS_LO, "ebacc_aps", "prior_band", "L", 0, 9, 0) \
    X(EBACCAPS_AV, "ebacc_aps", "prior_band", "M", 0, 9, 0) \
    X(EBACCAPS_HI, "ebacc_aps", "prior_band", "H", 0, 9, 0) \
    X(EBACCAPS_GIRLS, "ebacc_aps", "gender", "F", 0, 9, 0) \
    X(EBACCAPS_BOYS, "ebacc_aps", "gender", "M", 0, 9, 0) \
    X(PTFSM6CLA1ABASICS_94, "basics4", "fsm6", "1", 0, 100, 0) \
    X(PTNOTFSM6CLA1ABASICS_94, "basics4", "fsm6", "0", 0, 100, 0) \
    X(PTL2BASICSEAL_94, "basics4", "eal", "1", 0, 100, 0) \
    X(PTFSM6CLA1ABASICS_95, "basics5", "fsm6", "1", 0, 100, 0) \
    X(PTNOTFSM6CLA1ABASICS_95, "basics5", "fsm6", "0", 0, 100, 0) \
    X(PTL2BASICSEAL_95, "basics5", "eal", "1", 0, 100, 0) \
    X(PTEBACC_EFSM6CLA1A_PTQ_EE, "ebacc_entry", "fsm6", "1", 0, 100, 0) \
    X(PTEBACC_ENFSM6CLA1A_PTQ_EE, "ebacc_entry", "fsm6", "0", 0, 100, 0) \
    X(PTEBACC_EEAL_PTQ_EE, "ebacc_entry", "eal", "1", 0, 100, 0) \
    X(PTEBACC_94_FSM6CLA1A, "ebacc4", "fsm6", "1", 0, 100, 0) \
    X(PTEBACC_94_NFSM6CLA1A, "ebacc4", "fsm6", "0", 0, 100, 0) \
    X(PTEBACCEAL_94, "ebacc4", "eal", "1", 0, 100, 0) \
    X(PTEBACC_95_FSM6CLA1A, "ebacc5", "fsm6", "1", 0, 100, 0) \
    X(PTEBACC_95_NFSM6CLA1A, "ebacc5", "fsm6", "0", 0, 100, 0) \
    X(PTEBACCEAL_95, "ebacc5", "eal", "1", 0, 100, 0)

/* A pupil-group column's enum, column and measure entries, for the KS4 and
 * the KS2 file alike (their column names differ, so one prefix serves). */
#define GROUP_ENUM(col, m, pc, pv, lo, hi, whole) GCOL_##col,
#define GROUP_COL(col, m, pc, pv, lo, hi, whole) { #col, IMP_OPTIONAL },
#define GROUP_MEASURE(col, m, pc, pv, lo, hi, whole) { { GCOL_##col, m, lo, hi, whole, 0 }, pc, pv },

enum {
    K4_RECTYPE, K4_URN, K4_LEA, K4_ESTAB, K4_SCHNAME, K4_NFTYPE, K4_TPUP, K4_ATT8,
    K4_P8PUP, K4_P8, K4_P8LOW, K4_P8UPP, K4_BASICS4, K4_BASICS5, K4_EBACC_APS,
    K4_EBACC_ENTRY, K4_EBACC4, K4_EBACC5, K4_BAND, KS4_GROUP_COLS(GROUP_ENUM)
};
static const struct imp_col ks4_cols[] = {
    { "RECTYPE", IMP_REQUIRED }, { "URN", IMP_COLUMN_ONLY },
    { "LEA", IMP_OPTIONAL }, { "ESTAB", IMP_OPTIONAL },
    { "SCHNAME", IMP_OPTIONAL }, { "NFTYPE", IMP_OPTIONAL },
    { "TPUP", IMP_OPTIONAL }, { "ATT8SCR", IMP_OPTIONAL }, { "P8PUP", IMP_OPTIONAL },
    { "P8MEA", IMP_OPTIONAL }, { "P8CILOW", IMP_OPTIONAL }, { "P8CIUPP", IMP_OPTIONAL },
    { "PTL2BASICS_94", IMP_OPTIONAL }, { "PTL2BASICS_95", IMP_OPTIONAL },
    { "EBACCAPS", IMP_OPTIONAL }, { "PTEBACC_E_PTQ_EE", IMP_OPTIONAL },
    { "PTEBACC_94", IMP_OPTIONAL }, { "PTEBACC_95", IMP_OPTIONAL },
    { "P8_BANDING", IMP_OPTIONAL }, KS4_GROUP_COLS(GROUP_COL)
};
static const struct dfe_measure ks4_measures[] = {
    { K4_TPUP, "ks4_pupils", 0, 1e7, 1, K4_P8PUP },
    { K4_ATT8, "att8", 0, 90, 0, 0 },
    { K4_P8PUP, "p8_pupils", 0, 1e7, 1, 0 },
    { K4_P8, "p8", -10, 10, 0, 0 },
    { K4_P8LOW, "p8_cilow", -15, 15, 0, 0 },
    { K4_P8UPP, "p8_ciupp", -15, 15, 0, 0 },
    { K4_BASICS4, "basics4", 0, 100, 0, 0 },
    { K4_BASICS5, "basics5", 0, 100, 0, 0 },
    { K4_EBACC_APS, "ebacc_aps", 0, 9, 0, 0 },
    { K4_EBACC_ENTRY, "ebacc_entry", 0, 100, 0, 0 },
    { K4_EBACC4, "ebacc4", 0, 100, 0, 0 },
    { K4_EBACC5, "ebacc5", 0, 100, 0, 0 },
    { K4_BAND, "p8_band", 1, 5, 1, 0 },
};
_Static_assert(COUNT(ks4_measures) <= MAX_MEASURES, "MAX_MEASURES too small");

static const struct dfe_group_measure ks4_group_measures[] = {
    KS4_GROUP_COLS(GROUP_MEASURE)
};
#define MAX_GROUP_MEASURES 64
_Static_assert(COUNT(ks4_group_measures) <= MAX_GROUP_MEASURES, "MAX_GROUP_MEASURES too small");
_Static_assert(COUNT(ks4_cols) <= IMP_MAX_COLS, "IMP_MAX_COLS too small");

/* A school row needs its URN; LEA, ESTAB and SCHNAME only where the file
 * has those columns (the final files are keyed by URN alone, and what they
 * leave out is kept from an earlier import: write_info). */
/* A school row of a KS4 or KS2 file: the two kinds list their identity
 * columns in the same order (RECTYPE, URN, LEA, ESTAB, SCHNAME, NFTYPE), so
 * the K4_ names serve both. */
static int ks_school(struct imp_ctx *c, struct dfe_ident *id)
{
    static const char why[] = "a school row (RECTYPE 1 or 2)";
    const unsigned char *present = state(c)->present;
    long lea = 0, estab = 0;
    int ok = school_urn(c, K4_URN, id, why);
    if (present[K4_LEA])
        ok &= need_long(c, K4_LEA, 100, 999, &lea, why);
    if (present[K4_ESTAB])
        ok &= need_long(c, K4_ESTAB, 0, 9999, &estab, why);
    if (present[K4_SCHNAME])
        ok &= need_text(c, K4_SCHNAME, why);
    if (!ok)
        return 0;
    id->info = 1;
    id->dfe_number = lea && present[K4_ESTAB] ? lea * 10000 + estab : 0;
    id->la_code = lea;
    id->name = c->vals[K4_SCHNAME];
    id->nftype = c->vals[K4_NFTYPE];
    return 1;
}

/* A local authority row (RECTYPE `rectype`), under -LEA. */
static int la_row(struct imp_ctx *c, long rectype, struct dfe_ident *id)
{
    char why[64];
    long lea = 0;
    snprintf(why, sizeof why, "a local authority row (RECTYPE %ld)", rectype);
    if (!state(c)->present[K4_LEA]) {
        imp_problem(c, K4_RECTYPE, "%s needs an LEA column, which this file does not have",
                    why);
        return 0;
    }
    if (!need_long(c, K4_LEA, 100, 999, &lea, why))
        return 0;
    snprintf(id->label, sizeof id->label, "LEA %ld", lea);
    id->urn = -lea;
    id->la_code = lea;
    id->info = 1;
    snprintf(id->namebuf, sizeof id->namebuf, "Local authority %ld", lea);
    id->name = id->namebuf;
    return 1;
}

/* The record types of a KS4 or KS2 file: they differ between the two
 * (schools are 1 and 2 in both). */
struct ks_rectypes {
    long la, england_all, england;
    const char *kind;           /* "" or "KS2 ", in the refusal */
};

static int ks_identify(struct imp_ctx *c, struct dfe_ident *id, const struct ks_rectypes *r)
{
    long rectype = 0;
    char label[16];
    if (imp_long(c, K4_RECTYPE, 0, 99, &rectype) <= 0)
        return 0;
    snprintf(label, sizeof label, "RECTYPE %ld", rectype);
    if (rectype == 1 || rectype == 2)
        return ks_school(c, id);
    if (rectype == r->la)
        return la_row(c, rectype, id);
    if (rectype == r->england_all || rectype == r->england) {
        int all = rectype == r->england_all;
        pseudo(id, all ? IMP_DFE_ENGLAND_ALL : IMP_DFE_ENGLAND,
               all ? "England, all schools" : "England, state-funded schools", label);
        return 1;
    }
    imp_problem(c, K4_RECTYPE, "%ld is not a %srecord type collab knows (1, 2 schools; %ld "
                "local authority; %ld, %ld England)", rectype, r->kind, r->la,
                r->england_all, r->england);
    return 0;
}

static int ks4_identify(struct imp_ctx *c, struct dfe_ident *id)
{
    static const struct ks_rectypes ks4 = { 4, 5, 7, "" };
    return ks_identify(c, id, &ks4);
}

/* ---- dfe-ks2 ---- */

/* The KS2 school-level file (docs/DFE.md): its record types differ from
 * KS4's (3 local authority; 4 England, all schools; 5 England,
 * state-funded). Progress scores come with their 95% interval and the
 * DfE's band (1 well above .. 5 well below average). */
#define KS2_GROUP_COLS(X) \
    X(PTRWM_EXP_FSM6CLA1A, "rwm_expected", "fsm6", "1", 0, 100, 0) \
    X(PTRWM_EXP_NOTFSM6CLA1A, "rwm_expected", "fsm6", "0", 0, 100, 0) \
    X(PTRWM_HIGH_FSM6CLA1A, "rwm_higher", "fsm6", "1", 0, 100, 0) \
    X(PTRWM_HIGH_NOTFSM6CLA1A, "rwm_higher", "fsm6", "0", 0, 100, 0) \
    X(PTRWM_EXP_B, "rwm_expected", "gender", "M", 0, 100, 0) \
    X(PTRWM_EXP_G, "rwm_expected", "gender", "F", 0, 100, 0) \
    X(PTRWM_HIGH_B, "rwm_higher", "gender", "M", 0, 100, 0) \
    X(PTRWM_HIGH_G, "rwm_higher", "gender", "F", 0, 100, 0)

enum {
    K2_RECTYPE, K2_URN, K2_LEA, K2_ESTAB, K2_SCHNAME, K2_NFTYPE, K2_TELIG, K2_RWM_EXP,
    K2_RWM_HIGH,
    K2_READ, K2_READ_LO, K2_READ_HI, K2_READ_BAND, K2_WRIT, K2_WRIT_LO, K2_WRIT_HI,
    K2_WRIT_BAND, K2_MAT, K2_MAT_LO, K2_MAT_HI, K2_MAT_BAND, K2_READ_AVG, K2_MAT_AVG,
    KS2_GROUP_COLS(GROUP_ENUM)
};
static const struct imp_col ks2_cols[] = {
    { "RECTYPE", IMP_REQUIRED }, { "URN", IMP_COLUMN_ONLY },
    { "LEA", IMP_OPTIONAL }, { "ESTAB", IMP_OPTIONAL }, { "SCHNAME", IMP_OPTIONAL },
    { "NFTYPE", IMP_OPTIONAL }, { "TELIG", IMP_OPTIONAL }, { "PTRWM_EXP", IMP_OPTIONAL }, { "PTRWM_HIGH", IMP_OPTIONAL },
    { "READPROG", IMP_OPTIONAL }, { "READPROG_LOWER", IMP_OPTIONAL },
    { "READPROG_UPPER", IMP_OPTIONAL }, { "READPROG_DESCR", IMP_OPTIONAL },
    { "WRITPROG", IMP_OPTIONAL }, { "WRITPROG_LOWER", IMP_OPTIONAL },
    { "WRITPROG_UPPER", IMP_OPTIONAL }, { "WRITPROG_DESCR", IMP_OPTIONAL },
    { "MATPROG", IMP_OPTIONAL }, { "MATPROG_LOWER", IMP_OPTIONAL },
    { "MATPROG_UPPER", IMP_OPTIONAL }, { "MATPROG_DESCR", IMP_OPTIONAL },
    { "READ_AVERAGE", IMP_OPTIONAL }, { "MAT_AVERAGE", IMP_OPTIONAL },
    KS2_GROUP_COLS(GROUP_COL)
};
static const struct dfe_measure ks2_measures[] = {
    { K2_TELIG, "ks2_pupils", 0, 1e7, 1, 0 },
    { K2_RWM_EXP, "rwm_expected", 0, 100, 0, 0 },
    { K2_RWM_HIGH, "rwm_higher", 0, 100, 0, 0 },
    { K2_READ, "read_prog", -40, 40, 0, 0 },
    { K2_READ_LO, "read_prog_lo", -60, 60, 0, 0 },
    { K2_READ_HI, "read_prog_hi", -60, 60, 0, 0 },
    { K2_READ_BAND, "read_prog_band", 1, 5, 1, 0 },
    { K2_WRIT, "writ_prog", -40, 40, 0, 0 },
    { K2_WRIT_LO, "writ_prog_lo", -60, 60, 0, 0 },
    { K2_WRIT_HI, "writ_prog_hi", -60, 60, 0, 0 },
    { K2_WRIT_BAND, "writ_prog_band", 1, 5, 1, 0 },
    { K2_MAT, "mat_prog", -40, 40, 0, 0 },
    { K2_MAT_LO, "mat_prog_lo", -60, 60, 0, 0 },
    { K2_MAT_HI, "mat_prog_hi", -60, 60, 0, 0 },
    { K2_MAT_BAND, "mat_prog_band", 1, 5, 1, 0 },
    { K2_READ_AVG, "read_average", 80, 120, 0, 0 },
    { K2_MAT_AVG, "mat_average", 80, 120, 0, 0 },
};
_Static_assert(COUNT(ks2_measures) <= MAX_MEASURES, "MAX_MEASURES too small");
static const struct dfe_group_measure ks2_group_measures[] = {
    KS2_GROUP_COLS(GROUP_MEASURE)
};
_Static_assert(COUNT(ks2_group_measures) <= MAX_GROUP_MEASURES, "MAX_GROUP_MEASURES too small");
_Static_assert(COUNT(ks2_cols) <= IMP_MAX_COLS, "IMP_MAX_COLS too small");
_Static_assert((int)K2_RECTYPE == (int)K4_RECTYPE && (int)K2_URN == (int)K4_URN && (int)K2_LEA == (int)K4_LEA &&
               (int)K2_ESTAB == (int)K4_ESTAB && (int)K2_SCHNAME == (int)K4_SCHNAME &&
               (int)K2_NFTYPE == (int)K4_NFTYPE,
               "ks_identify reads both kinds' identity columns at the same places");

static int ks2_identify(struct imp_ctx *c, struct dfe_ident *id)
{
    static const struct ks_rectypes ks2 = { 3, 4, 5, "KS2 " };
    return ks_identify(c, id, &ks2);
}

/* ---- dfe-census ---- */

enum { CE_URN, CE_ESTAB, CE_NOR, CE_GIRLS, CE_SEN_K, CE_SEN_E, CE_EAL, CE_FSM6 };
static const struct imp_col census_cols[] = {
    { "URN", IMP_REQUIRED }, { "ESTAB", IMP_COLUMN_ONLY }, { "NOR", IMP_OPTIONAL },
    { "PNORG", IMP_OPTIONAL }, { "PSENELK", IMP_OPTIONAL }, { "PSENELSE", IMP_OPTIONAL },
    { "PNUMEAL", IMP_OPTIONAL }, { "PNUMFSMEVER", IMP_OPTIONAL },
};
static const struct dfe_measure census_measures[] = {
    { CE_NOR, "pupils", 0, 1e8, 1, 0 },
    { CE_GIRLS, "girls_pct", 0, 100, 0, 0 },
    { CE_SEN_K, "sen_support_pct", 0, 100, 0, 0 },
    { CE_SEN_E, "sen_ehc_pct", 0, 100, 0, 0 },
    { CE_EAL, "eal_pct", 0, 100, 0, 0 },
    { CE_FSM6, "fsm6_pct", 0, 100, 0, 0 },
};

static int census_identify(struct imp_ctx *c, struct dfe_ident *id)
{
    if (strcmp(c->vals[CE_URN], "NAT") == 0)
        return national_phase(c, CE_ESTAB, id);
    return school_urn(c, CE_URN, id, "a school row");
}

/* ---- dfe-absence ---- */

enum { AB_LA, AB_ESTAB, AB_URN, AB_OVERALL, AB_PERSISTENT };
static const struct imp_col absence_cols[] = {
    { "LA", IMP_COLUMN_ONLY }, { "ESTAB", IMP_COLUMN_ONLY }, { "URN", IMP_COLUMN_ONLY },
    { "PERCTOT", IMP_OPTIONAL }, { "PPERSABS10", IMP_OPTIONAL },
};
static const struct dfe_measure absence_measures[] = {
    { AB_OVERALL, "absence_pct", 0, 100, 0, 0 },
    { AB_PERSISTENT, "persistent_absence_pct", 0, 100, 0, 0 },
};

static int absence_identify(struct imp_ctx *c, struct dfe_ident *id)
{
    if (c->vals[AB_LA] && strcmp(c->vals[AB_LA], "NAT") == 0)
        return national_phase(c, AB_ESTAB, id);
    return school_urn(c, AB_URN, id, "a school row");
}

/* ---- the row, shared by the kinds ---- */

static int read_cell(struct imp_ctx *c, const struct dfe_measure *m, struct dfe_cell *out)
{
    const char *s = c->vals[m->col];
    out->what = CELL_EMPTY;
    if (!s)
        return 1;
    int got = imp_dfe_parse_cell(s, &out->value, &out->marker);
    if (got < 0) {
        imp_problem(c, m->col, "'%s' is neither a number nor a DfE marker (%s)", s,
                    imp_dfe_marker_list());
        return 0;
    }
    if (got == 0) {
        out->what = CELL_MARKER;
        return 1;
    }
    if (out->value < m->lo || out->value > m->hi) {
        imp_problem(c, m->col, "%s is out of range (%g to %g)", s, m->lo, m->hi);
        return 0;
    }
    if (m->whole && out->value != floor(out->value)) {
        imp_problem(c, m->col, "'%s' is not a whole number", s);
        return 0;
    }
    out->what = CELL_NUMBER;
    return 1;
}

/* A second row for the same school (or LA, or national row) is refused. */
static int new_key(struct imp_ctx *c, const struct dfe_ident *id)
{
    char key[24];
    long first = 0;
    int n = snprintf(key, sizeof key, "%ld", id->urn);
    if (imp_keyset_put(&c->keys, key, (size_t)n, c->line, &first))
        return 1;
    imp_problem(c, -1, "duplicate of line %ld (same %s)", first, id->label);
    return 0;
}

static void bind_long_or_null(sqlite3_stmt *st, int idx, long v)
{
    if (v)
        sqlite3_bind_int64(st, idx, v);
    else
        sqlite3_bind_null(st, idx);
}

static int write_info(struct imp_ctx *c, const struct dfe_ident *id)
{
    sqlite3_stmt *st = state(c)->info;
    sqlite3_bind_int64(st, 1, id->urn);
    bind_long_or_null(st, 2, id->dfe_number);
    imp_bind_text(st, 3, id->name);
    bind_long_or_null(st, 4, id->la_code);
    imp_bind_text(st, 5, id->nftype);
    return imp_step(c, st);
}

/* A cell's value and marker at parameters at and at + 1 (an empty cell
 * goes to the delete statement, which has neither). */
static void bind_cell(sqlite3_stmt *st, int at, const struct dfe_cell *cell)
{
    if (cell->what == CELL_NUMBER) {
        sqlite3_bind_double(st, at, cell->value);
        sqlite3_bind_null(st, at + 1);
    } else if (cell->what == CELL_MARKER) {
        sqlite3_bind_null(st, at);
        sqlite3_bind_text(st, at + 1, cell->marker, -1, SQLITE_STATIC);
    }
}

static int write_cell(struct imp_ctx *c, long urn, const char *measure,
                      const struct dfe_cell *cell)
{
    struct dfe_state *s = state(c);
    sqlite3_stmt *st = cell->what == CELL_EMPTY ? s->del : s->put;
    sqlite3_bind_int64(st, 1, year_of(c));
    sqlite3_bind_int64(st, 2, urn);
    sqlite3_bind_text(st, 3, measure, -1, SQLITE_STATIC);
    bind_cell(st, 4, cell);
    return imp_step(c, st);
}

static int write_group_cell(struct imp_ctx *c, long urn, const struct dfe_group_measure *g,
                            const struct dfe_cell *cell)
{
    struct dfe_state *s = state(c);
    sqlite3_stmt *st = cell->what == CELL_EMPTY ? s->del_group : s->put_group;
    sqlite3_bind_int64(st, 1, year_of(c));
    sqlite3_bind_int64(st, 2, urn);
    sqlite3_bind_text(st, 3, g->m.name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, g->column, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, g->value, -1, SQLITE_STATIC);
    bind_cell(st, 6, cell);
    return imp_step(c, st);
}

/* The pupil-group cells the file has, read (all, so that every problem of
 * the row is reported) and then written. */
static int group_cells(struct imp_ctx *c, const struct dfe_ident *id, int write)
{
    const struct dfe_kind *k = kind_of(c);
    struct dfe_state *s = state(c);
    struct dfe_cell cells[MAX_GROUP_MEASURES];
    int ok = 1;
    for (size_t i = 0; i < k->ngroups; i++)
        if (s->present[k->groups[i].m.col])
            ok &= read_cell(c, &k->groups[i].m, &cells[i]);
    if (!write || !ok)
        return ok ? 0 : 1;
    for (size_t i = 0; i < k->ngroups; i++)
        if (s->present[k->groups[i].m.col] &&
            write_group_cell(c, id->urn, &k->groups[i], &cells[i]) != 0)
            return -1;
    return 0;
}

static int dfe_row(struct imp_ctx *c)
{
    const struct dfe_kind *k = kind_of(c);
    struct dfe_state *s = state(c);
    struct dfe_ident id;
    struct dfe_cell cells[MAX_MEASURES];
    memset(&id, 0, sizeof id);
    if (!s->mapped)
        map_present(c, s);
    int ok = k->identify(c, &id) && new_key(c, &id);
    for (size_t i = 0; i < k->nmeasures; i++)
        ok &= read_cell(c, &k->measures[i], &cells[i]);
    ok &= group_cells(c, &id, 0) == 0;
    if (!ok || c->rep->total > 0)
        return 0;
    if (id.info && write_info(c, &id) != 0)
        return -1;
    for (size_t i = 0; i < k->nmeasures; i++) {
        const struct dfe_measure *m = &k->measures[i];
        const struct dfe_cell *cell = &cells[i];
        if (!s->present[m->col]) {
            if (!m->fallback || !s->present[m->fallback])
                continue;
            for (size_t f = 0; f < k->nmeasures; f++)
                if (k->measures[f].col == m->fallback)
                    cell = &cells[f];
        }
        if (write_cell(c, id.urn, m->name, cell) != 0)
            return -1;
    }
    return group_cells(c, &id, 1);
}

/* A file that names none of the measures would import nothing but names:
 * most likely the wrong kind or a wrongly trimmed copy. */
static int dfe_finish(struct imp_ctx *c)
{
    const struct dfe_kind *k = kind_of(c);
    struct dfe_state *s = state(c);
    if (!s->mapped)
        map_present(c, s);
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < k->nmeasures; i++) {
        if (s->present[k->measures[i].col]) {
            sb_free(&sb);
            return 0;
        }
        sb_addf(&sb, "%s%s", i ? ", " : "", k->def.cols[k->measures[i].col].name);
    }
    imp_problem_at(c, 0, -1, "none of the %s measure columns is present (expected "
                   "at least one of %s)", k->def.name, sb_str(&sb));
    sb_free(&sb);
    return 0;
}

#define COLS(a) a, COUNT(a)
#define DFE_KIND(kname, cols, measures, groups, ngroups, identify) { \
    { kname, COLS(cols), 0, dfe_begin, dfe_row, dfe_finish, dfe_end, 1 }, \
    COLS(measures), groups, ngroups, identify }

static const struct dfe_kind dfe_kinds[] = {
    DFE_KIND("dfe-ks4", ks4_cols, ks4_measures, ks4_group_measures,
             COUNT(ks4_group_measures), ks4_identify),
    DFE_KIND("dfe-census", census_cols, census_measures, NULL, 0, census_identify),
    DFE_KIND("dfe-absence", absence_cols, absence_measures, NULL, 0, absence_identify),
    DFE_KIND("dfe-ks2", ks2_cols, ks2_measures, ks2_group_measures,
             COUNT(ks2_group_measures), ks2_identify),
};

const struct imp_kind_def *imp_dfe_kind_def(enum imp_kind kind)
{
    return &dfe_kinds[kind - IMP_DFE_KS4].def;
}
