/*
 * The DDL of every kind of store, version by version. A migration is the SQL
 * that takes a store from version N-1 to N; version 1 is the whole schema.
 */
#include "config.h"

#include <stddef.h>

#include "store_internal.h"

static const char source_v1[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE school(\n"
    "  urn INTEGER PRIMARY KEY,\n"
    "  dfe_number INTEGER UNIQUE,\n"
    "  name TEXT NOT NULL,\n"
    "  la_code INTEGER,\n"
    "  la_name TEXT,\n"
    "  phase TEXT NOT NULL CHECK (phase IN ('primary','secondary','all-through','special')),\n"
    "  type TEXT);\n"
    "CREATE TABLE subject(\n"
    "  code TEXT PRIMARY KEY,\n"
    "  name TEXT NOT NULL,\n"
    "  ebacc_pillar TEXT NOT NULL CHECK (ebacc_pillar IN ('english_language',\n"
    "    'english_literature','maths','science','humanities','language','none')),\n"
    "  qualification TEXT NOT NULL DEFAULT 'GCSE',\n"
    "  double_award INTEGER NOT NULL DEFAULT 0 CHECK (double_award IN (0,1))) WITHOUT ROWID;\n"
    "CREATE TABLE pupil(\n"
    "  id TEXT PRIMARY KEY,\n"
    "  school INTEGER NOT NULL REFERENCES school(urn),\n"
    "  year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),\n"
    "  key_stage INTEGER NOT NULL CHECK (key_stage IN (2,4)),\n"
    "  display_name TEXT,\n"
    "  gender TEXT NOT NULL CHECK (gender IN ('F','M')),\n"
    "  fsm6 INTEGER NOT NULL CHECK (fsm6 IN (0,1)),\n"
    "  eal INTEGER NOT NULL CHECK (eal IN (0,1)),\n"
    "  sen TEXT NOT NULL CHECK (sen IN ('N','K','E')),\n"
    "  cla INTEGER NOT NULL DEFAULT 0 CHECK (cla IN (0,1)),\n"
    "  ethnicity TEXT,\n"
    "  ks2_reading INTEGER CHECK (ks2_reading BETWEEN 80 AND 120),\n"
    "  ks2_maths INTEGER CHECK (ks2_maths BETWEEN 80 AND 120),\n"
    "  ks2_writing TEXT CHECK (ks2_writing IN ('PKF','WTS','EXS','GDS')),\n"
    "  prior_score REAL,\n"
    "  prior_band TEXT CHECK (prior_band IN ('L','M','H')),\n"
    "  prior_group INTEGER);\n"
    "CREATE INDEX pupil_school_year ON pupil(school, year, key_stage);\n"
    "CREATE INDEX pupil_year ON pupil(year, key_stage);\n"
    "CREATE TABLE result(\n"
    "  pupil TEXT NOT NULL REFERENCES pupil(id) ON DELETE CASCADE,\n"
    "  subject TEXT NOT NULL REFERENCES subject(code),\n"
    "  grade TEXT NOT NULL,\n"
    "  points REAL NOT NULL CHECK (points BETWEEN 0 AND 9),\n"
    "  PRIMARY KEY (pupil, subject)) WITHOUT ROWID;\n"
    "CREATE INDEX result_subject ON result(subject);\n"
    "CREATE TABLE pupil_ks4(\n"
    "  pupil TEXT PRIMARY KEY REFERENCES pupil(id) ON DELETE CASCADE,\n"
    "  att8 REAL NOT NULL, att8_eng REAL NOT NULL, att8_mat REAL NOT NULL,\n"
    "  att8_ebacc REAL NOT NULL, att8_open REAL NOT NULL,\n"
    "  est_att8 REAL, est_eng REAL, est_mat REAL, est_ebacc REAL, est_open REAL,\n"
    "  p8 REAL, p8_eng REAL, p8_mat REAL, p8_ebacc REAL, p8_open REAL,\n"
    "  basics4 INTEGER NOT NULL, basics5 INTEGER NOT NULL,\n"
    "  ebacc_entry INTEGER NOT NULL, ebacc_aps REAL NOT NULL,\n"
    "  ebacc4 INTEGER NOT NULL, ebacc5 INTEGER NOT NULL,\n"
    "  entries INTEGER NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE pupil_ks2(\n"
    "  pupil TEXT PRIMARY KEY REFERENCES pupil(id) ON DELETE CASCADE,\n"
    "  rwm_expected INTEGER NOT NULL, rwm_higher INTEGER NOT NULL,\n"
    "  reading_expected INTEGER NOT NULL, maths_expected INTEGER NOT NULL,\n"
    "  writing_expected INTEGER NOT NULL, avg_scaled REAL) WITHOUT ROWID;\n"
    "CREATE TABLE attendance(\n"
    "  pupil TEXT PRIMARY KEY REFERENCES pupil(id) ON DELETE CASCADE,\n"
    "  sessions_possible INTEGER NOT NULL CHECK (sessions_possible > 0),\n"
    "  sessions_missed INTEGER NOT NULL\n"
    "    CHECK (sessions_missed BETWEEN 0 AND sessions_possible)) WITHOUT ROWID;\n"
    "CREATE TABLE estimate(\n"
    "  year INTEGER NOT NULL, prior_group INTEGER NOT NULL,\n"
    "  ks2_from REAL NOT NULL, ks2_to REAL NOT NULL,\n"
    "  att8 REAL NOT NULL, eng REAL NOT NULL, mat REAL NOT NULL,\n"
    "  ebacc REAL NOT NULL, open REAL NOT NULL,\n"
    "  PRIMARY KEY (year, prior_group)) WITHOUT ROWID;\n"
    "CREATE TABLE national(\n"
    "  year INTEGER NOT NULL, indicator TEXT NOT NULL, filter TEXT NOT NULL DEFAULT '',\n"
    "  value REAL, sd REAL,\n"
    "  PRIMARY KEY (year, indicator, filter)) WITHOUT ROWID;\n"
    "CREATE TABLE dfe_school(\n"
    "  year INTEGER NOT NULL, urn INTEGER NOT NULL, measure TEXT NOT NULL,\n"
    "  value REAL, marker TEXT,\n"
    "  PRIMARY KEY (year, urn, measure)) WITHOUT ROWID;\n"
    "CREATE TABLE dfe_school_info(\n"
    "  urn INTEGER PRIMARY KEY, dfe_number INTEGER, name TEXT NOT NULL,\n"
    "  la_code INTEGER, nftype TEXT);\n"
    "CREATE TABLE import_log(\n"
    "  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, file TEXT NOT NULL,\n"
    "  rows INTEGER NOT NULL, at TEXT NOT NULL);\n";

static const char group_v1[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE school(\n"
    "  urn INTEGER PRIMARY KEY, dfe_number INTEGER, name TEXT NOT NULL,\n"
    "  la_code INTEGER, la_name TEXT, phase TEXT, type TEXT,\n"
    "  has_pupil_data INTEGER NOT NULL DEFAULT 1, ord INTEGER NOT NULL);\n"
    "CREATE TABLE school_context(\n"
    "  urn INTEGER NOT NULL, year INTEGER NOT NULL, key_stage INTEGER NOT NULL,\n"
    "  cohort INTEGER, fsm6_pct REAL, eal_pct REAL, sen_pct REAL, prior_mean REAL,\n"
    "  PRIMARY KEY (urn, year, key_stage)) WITHOUT ROWID;\n"
    "CREATE TABLE indicator(\n"
    "  id TEXT PRIMARY KEY, ord INTEGER NOT NULL, label TEXT NOT NULL,\n"
    "  short_label TEXT NOT NULL, level TEXT NOT NULL, key_stage INTEGER NOT NULL,\n"
    "  aggregate TEXT NOT NULL, decimals INTEGER NOT NULL, show_sign INTEGER NOT NULL,\n"
    "  polarity TEXT NOT NULL, significance TEXT NOT NULL, headline INTEGER NOT NULL)\n"
    "  WITHOUT ROWID;\n"
    "CREATE TABLE dimension(\n"
    "  id TEXT PRIMARY KEY, ord INTEGER NOT NULL, key TEXT NOT NULL,\n"
    "  label TEXT NOT NULL, stride INTEGER NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE dim_value(\n"
    "  dimension TEXT NOT NULL, ord INTEGER NOT NULL, code TEXT NOT NULL,\n"
    "  label TEXT NOT NULL, PRIMARY KEY (dimension, ord)) WITHOUT ROWID;\n"
    "CREATE TABLE subject(\n"
    "  code TEXT PRIMARY KEY, name TEXT NOT NULL, ebacc_pillar TEXT NOT NULL)\n"
    "  WITHOUT ROWID;\n"
    "CREATE TABLE national(\n"
    "  year INTEGER NOT NULL, indicator TEXT NOT NULL, fkey INTEGER NOT NULL,\n"
    "  value REAL, sd REAL, PRIMARY KEY (year, indicator, fkey)) WITHOUT ROWID;\n"
    "CREATE TABLE change(\n"
    "  id INTEGER PRIMARY KEY, date TEXT NOT NULL, kind TEXT NOT NULL,\n"
    "  detail TEXT NOT NULL);\n"
    "CREATE TABLE member_user(\n"
    "  id TEXT PRIMARY KEY, login TEXT, name TEXT, org TEXT) WITHOUT ROWID;\n"
    "CREATE TABLE consent(\n"
    "  urn INTEGER PRIMARY KEY, signed TEXT, signatory TEXT, withdrawn TEXT);\n"
    "CREATE TABLE dfe_school(\n"
    "  year INTEGER NOT NULL, urn INTEGER NOT NULL, measure TEXT NOT NULL,\n"
    "  value REAL, marker TEXT,\n"
    "  PRIMARY KEY (year, urn, measure)) WITHOUT ROWID;\n";
/* agg_pupil and agg_subject are created by publish with one (n, s1, s2)
 * column triple per indicator of their level (docs/FORMATS.md). */

static const char school_v1[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE school(\n"
    "  urn INTEGER PRIMARY KEY, dfe_number INTEGER, name TEXT NOT NULL,\n"
    "  la_code INTEGER, la_name TEXT, phase TEXT, type TEXT);\n"
    "CREATE TABLE subject(\n"
    "  code TEXT PRIMARY KEY, name TEXT NOT NULL, ebacc_pillar TEXT NOT NULL,\n"
    "  qualification TEXT NOT NULL, double_award INTEGER NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE pupil(\n"
    "  id TEXT PRIMARY KEY, school INTEGER NOT NULL, year INTEGER NOT NULL,\n"
    "  key_stage INTEGER NOT NULL, display_name TEXT, gender TEXT NOT NULL,\n"
    "  fsm6 INTEGER NOT NULL, eal INTEGER NOT NULL, sen TEXT NOT NULL,\n"
    "  cla INTEGER NOT NULL, ethnicity TEXT, ks2_reading INTEGER, ks2_maths INTEGER,\n"
    "  ks2_writing TEXT, prior_score REAL, prior_band TEXT, prior_group INTEGER);\n"
    "CREATE INDEX pupil_year ON pupil(year, key_stage);\n"
    "CREATE TABLE result(\n"
    "  pupil TEXT NOT NULL, subject TEXT NOT NULL, grade TEXT NOT NULL,\n"
    "  points REAL NOT NULL, PRIMARY KEY (pupil, subject)) WITHOUT ROWID;\n"
    "CREATE TABLE pupil_ks4(\n"
    "  pupil TEXT PRIMARY KEY,\n"
    "  att8 REAL NOT NULL, att8_eng REAL NOT NULL, att8_mat REAL NOT NULL,\n"
    "  att8_ebacc REAL NOT NULL, att8_open REAL NOT NULL,\n"
    "  est_att8 REAL, est_eng REAL, est_mat REAL, est_ebacc REAL, est_open REAL,\n"
    "  p8 REAL, p8_eng REAL, p8_mat REAL, p8_ebacc REAL, p8_open REAL,\n"
    "  basics4 INTEGER NOT NULL, basics5 INTEGER NOT NULL,\n"
    "  ebacc_entry INTEGER NOT NULL, ebacc_aps REAL NOT NULL,\n"
    "  ebacc4 INTEGER NOT NULL, ebacc5 INTEGER NOT NULL,\n"
    "  entries INTEGER NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE pupil_ks2(\n"
    "  pupil TEXT PRIMARY KEY, rwm_expected INTEGER NOT NULL,\n"
    "  rwm_higher INTEGER NOT NULL, reading_expected INTEGER NOT NULL,\n"
    "  maths_expected INTEGER NOT NULL, writing_expected INTEGER NOT NULL,\n"
    "  avg_scaled REAL) WITHOUT ROWID;\n"
    "CREATE TABLE attendance(\n"
    "  pupil TEXT PRIMARY KEY, sessions_possible INTEGER NOT NULL,\n"
    "  sessions_missed INTEGER NOT NULL) WITHOUT ROWID;\n";

static const char eval_v1[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE eval_score(\n"
    "  term TEXT NOT NULL, urn INTEGER NOT NULL, theme TEXT NOT NULL,\n"
    "  target TEXT NOT NULL CHECK (target IN ('school','partnership')),\n"
    "  score INTEGER, author TEXT NOT NULL, saved_at TEXT NOT NULL,\n"
    "  PRIMARY KEY (term, urn, theme, target)) WITHOUT ROWID;\n"
    "CREATE TABLE eval_text(\n"
    "  term TEXT NOT NULL, urn INTEGER NOT NULL, theme TEXT NOT NULL,\n"
    "  strengths TEXT, development TEXT, shared INTEGER NOT NULL DEFAULT 0,\n"
    "  author TEXT NOT NULL, saved_at TEXT NOT NULL,\n"
    "  PRIMARY KEY (term, urn, theme)) WITHOUT ROWID;\n";

/* v2: the DfE's figures per pupil group (dfe-ks4's _FSM6CLA1A, _EAL ...
 * columns), by the pupil column and value the group is. */
static const char source_v2[] =
    "CREATE TABLE dfe_group(\n"
    "  year INTEGER NOT NULL, urn INTEGER NOT NULL, measure TEXT NOT NULL,\n"
    "  pupil_column TEXT NOT NULL, pupil_value TEXT NOT NULL, value REAL, marker TEXT,\n"
    "  PRIMARY KEY (year, urn, measure, pupil_column, pupil_value)) WITHOUT ROWID;\n";

static const char *const source_migrations[] = { source_v1, source_v2 };
static const char *const group_migrations[] = { group_v1 };
static const char *const school_migrations[] = { school_v1 };
static const char *const eval_migrations[] = { eval_v1 };

const char *const *store_migrations(enum store_kind kind, int *count)
{
    switch (kind) {
    case STORE_SOURCE:
        *count = (int)(sizeof source_migrations / sizeof source_migrations[0]);
        return source_migrations;
    case STORE_GROUP:
        *count = (int)(sizeof group_migrations / sizeof group_migrations[0]);
        return group_migrations;
    case STORE_SCHOOL:
        *count = (int)(sizeof school_migrations / sizeof school_migrations[0]);
        return school_migrations;
    case STORE_EVAL:
        *count = (int)(sizeof eval_migrations / sizeof eval_migrations[0]);
        return eval_migrations;
    }
    *count = 0;
    return NULL;
}
