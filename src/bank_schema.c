/* The bank's schema and its history: the tables of a new bank
 * (schema/bank.sql, embedded here) and the migrations that bring a bank
 * of an older version up to date, run when ion_bank_open opens one. The
 * SQL runs through bank.c's handle (bank_schema.h). */
#include "bank_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* schema/bank.sql, the current schema, one paragraph per string: a single literal would pass
 * the 4095 characters ISO C promises (and -Wpedantic warns). */
static const char *const schema_sql[] = {
    "-- ionsheet bank, schema version 7 (PRAGMA user_version = 7).\n"
    "-- src/bank_schema.c embeds this file verbatim, one statement per string, and\n"
    "-- tests/unit/test_bank.c checks that the two are identical. A new bank is\n"
    "-- made from it in one step; an older one is brought here by the migrations\n"
    "-- in src/bank_schema.c. The version and the application id are set by the code\n"
    "-- that runs it. Times are UTC text 'YYYY-MM-DDTHH:MM:SSZ'. Rows are deleted\n"
    "-- only by a re-grade (the submission's old row and grades, made anew),\n"
    "-- `roster remove` (a student without submissions) and `worksheet delete`,\n"
    "-- so foreign keys need no child indexes beyond the primary keys that start\n"
    "-- with the parent's key.\n"
    "\n",
    "-- Key/value settings. 'secret': the random 32-byte course secret that keys\n"
    "-- every student's seed; made once, when the schema is created.\n"
    "CREATE TABLE settings (\n"
    "    key   TEXT PRIMARY KEY,\n"
    "    value BLOB NOT NULL\n"
    ") STRICT;\n"
    "\n",
    "-- A problem template; version is the current one in template_versions.\n"
    "CREATE TABLE templates (\n"
    "    id         TEXT PRIMARY KEY,\n"
    "    topic      TEXT NOT NULL,\n"
    "    difficulty INTEGER NOT NULL CHECK (difficulty BETWEEN 1 AND 3),\n"
    "    title_en   TEXT NOT NULL,\n"
    "    title_zh   TEXT,\n"
    "    langs      TEXT NOT NULL,\n"
    "    version    INTEGER NOT NULL CHECK (version >= 1)\n"
    ") STRICT;\n"
    "\n",
    "CREATE INDEX templates_by_topic ON templates (topic, id);\n"
    "\n",
    "-- Every imported text of a template. A re-import with the same hash adds\n"
    "-- nothing; a changed text becomes the next version and the old ones stay,\n"
    "-- so worksheets pinned to them regenerate as they were.\n"
    "CREATE TABLE template_versions (\n"
    "    template_id TEXT NOT NULL REFERENCES templates (id),\n"
    "    version     INTEGER NOT NULL CHECK (version >= 1),\n"
    "    hash        TEXT NOT NULL,\n"
    "    source      TEXT NOT NULL,\n"
    "    source_file TEXT NOT NULL,\n"
    "    imported    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),\n"
    "    PRIMARY KEY (template_id, version)\n"
    ") STRICT;\n"
    "\n",
    "CREATE TABLE courses (\n"
    "    id      TEXT PRIMARY KEY,\n"
    "    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))\n"
    ") STRICT;\n"
    "\n",
    "-- email NULL: none known. withdrawn NULL: on the roster; otherwise the time\n"
    "-- the student was removed from it while having submissions, which are kept\n"
    "-- with their grades (a student without any is deleted instead).\n"
    "CREATE TABLE students (\n"
    "    course_id TEXT NOT NULL REFERENCES courses (id),\n"
    "    id        TEXT NOT NULL,\n"
    "    name      TEXT NOT NULL,\n"
    "    email     TEXT,\n"
    "    withdrawn TEXT,\n"
    "    PRIMARY KEY (course_id, id)\n"
    ") STRICT;\n"
    "\n",
    "-- A worksheet's name is unique in its course (week3 may be in BIO101 and in\n"
    "-- PHYS2). Its rows below carry the course too, so that their student is\n"
    "-- always one of the worksheet's course.\n"
    "CREATE TABLE worksheets (\n"
    "    course_id TEXT NOT NULL REFERENCES courses (id),\n"
    "    name      TEXT NOT NULL,\n"
    "    title     TEXT NOT NULL,\n"
    "    due       TEXT,\n"
    "    created   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),\n"
    "    feedback  TEXT NOT NULL DEFAULT 'immediate'\n"
    "              CHECK (feedback IN ('immediate', 'after-due', 'never')),\n"
    "    PRIMARY KEY (course_id, name)\n"
    ") STRICT;\n"
    "\n",
    "CREATE INDEX worksheets_by_name ON worksheets (name);\n"
    "\n",
    "-- The template version is pinned when the worksheet is created: every\n"
    "-- student gets the same text, and later imports never change a worksheet.\n"
    "-- points NULL: the template's own points.\n"
    "CREATE TABLE worksheet_problems (\n"
    "    course_id   TEXT NOT NULL,\n"
    "    worksheet   TEXT NOT NULL,\n"
    "    position    INTEGER NOT NULL CHECK (position >= 1),\n"
    "    template_id TEXT NOT NULL,\n"
    "    version     INTEGER NOT NULL,\n"
    "    points      REAL CHECK (points IS NULL OR points >= 0),\n"
    "    PRIMARY KEY (course_id, worksheet, position),\n"
    "    FOREIGN KEY (course_id, worksheet) REFERENCES worksheets (course_id, name),\n"
    "    FOREIGN KEY (template_id, version)\n"
    "        REFERENCES template_versions (template_id, version)\n"
    ") STRICT;\n"
    "\n",
    "-- One student's problem: seed is the 64-bit seed as a signed integer, from\n"
    "-- which the template's pinned version makes the instance again (its values\n"
    "-- are in the answer key). Version 7 dropped the column `data`, the instance\n"
    "-- as JSON, which nothing read.\n"
    "CREATE TABLE instances (\n"
    "    worksheet   TEXT NOT NULL,\n"
    "    course_id   TEXT NOT NULL,\n"
    "    student_id  TEXT NOT NULL,\n"
    "    position    INTEGER NOT NULL,\n"
    "    template_id TEXT NOT NULL,\n"
    "    version     INTEGER NOT NULL,\n"
    "    seed        INTEGER NOT NULL,\n"
    "    created     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),\n"
    "    PRIMARY KEY (course_id, worksheet, student_id, position),\n"
    "    FOREIGN KEY (course_id, worksheet) REFERENCES worksheets (course_id, name),\n"
    "    FOREIGN KEY (course_id, student_id) REFERENCES students (course_id, id),\n"
    "    FOREIGN KEY (course_id, worksheet, position)\n"
    "        REFERENCES worksheet_problems (course_id, worksheet, position),\n"
    "    FOREIGN KEY (template_id, version)\n"
    "        REFERENCES template_versions (template_id, version)\n"
    ") STRICT;\n"
    "\n",
    "-- A submitted answer file, or what `grade` found instead of one it could\n"
    "-- grade. The latest received counts (the row id orders two of one second).\n"
    "-- The same content graded again is made anew, the latest with new grades;\n"
    "-- new content is a new row. status 'graded': the grades below. Otherwise\n"
    "-- no grades, and reason says why: 'refused' (the student's file could not\n"
    "-- be read: 'FILE: CODE', a code in no language, ion_text_refusal) or\n"
    "-- 'conflict' (several files claim the student:\n"
    "-- 'a.txt:1, b.txt:1'); a later graded submission supersedes them. The\n"
    "-- status check is spelt with OR: against an IN list of three values SQLite\n"
    "-- builds a temporary table for every row it checks.\n"
    "CREATE TABLE submissions (\n"
    "    id          INTEGER PRIMARY KEY,\n"
    "    worksheet   TEXT NOT NULL,\n"
    "    course_id   TEXT NOT NULL,\n"
    "    student_id  TEXT NOT NULL,\n"
    "    source_file TEXT NOT NULL,\n"
    "    hash        TEXT NOT NULL,\n"
    "    received    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),\n"
    "    status      TEXT NOT NULL DEFAULT 'graded'\n"
    "                CHECK (status = 'graded' OR status = 'refused' OR status = 'conflict'),\n"
    "    reason      TEXT,\n"
    "    UNIQUE (course_id, worksheet, student_id, hash),\n"
    "    FOREIGN KEY (course_id, worksheet) REFERENCES worksheets (course_id, name),\n"
    "    FOREIGN KEY (course_id, student_id) REFERENCES students (course_id, id)\n"
    ") STRICT;\n"
    "\n",
    "-- A student's submissions as received: the latest is the one that counts.\n"
    "CREATE INDEX submissions_by_time ON submissions\n"
    "    (course_id, worksheet, student_id, received, id);\n"
    "\n",
    "-- part_id is the key's '1a', '2b', ...; answer NULL: none given.\n"
    "CREATE TABLE grades (\n"
    "    submission_id INTEGER NOT NULL REFERENCES submissions (id),\n"
    "    part_id       TEXT NOT NULL,\n"
    "    answer        TEXT,\n"
    "    score         REAL NOT NULL,\n"
    "    max_score     REAL NOT NULL CHECK (max_score >= 0),\n"
    "    verdict       TEXT NOT NULL,\n"
    "    feedback      TEXT,\n"
    "    PRIMARY KEY (submission_id, part_id)\n"
    ") STRICT;\n"
    "\n",
    "-- Self-check drill: one row per user and template, and a log of attempts.\n"
    "CREATE TABLE drill_progress (\n"
    "    user_name   TEXT NOT NULL,\n"
    "    template_id TEXT NOT NULL REFERENCES templates (id),\n"
    "    topic       TEXT NOT NULL,\n"
    "    attempts    INTEGER NOT NULL DEFAULT 0,\n"
    "    right_first INTEGER NOT NULL DEFAULT 0,\n"
    "    streak      INTEGER NOT NULL DEFAULT 0,\n"
    "    last        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),\n"
    "    PRIMARY KEY (user_name, template_id)\n"
    ") STRICT;\n"
    "\n",
    "CREATE TABLE drill_attempts (\n"
    "    id          INTEGER PRIMARY KEY,\n"
    "    user_name   TEXT NOT NULL,\n"
    "    template_id TEXT NOT NULL REFERENCES templates (id),\n"
    "    seed        INTEGER NOT NULL,\n"
    "    right_first INTEGER NOT NULL CHECK (right_first IN (0, 1)),\n"
    "    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))\n"
    ") STRICT;\n",
};

/* A new bank: the current schema, the application id and a fresh secret. */
static int create_schema(ion_bank *b, ion_error *err)
{
    char sql[64];
    for (size_t i = 0; i < sizeof schema_sql / sizeof schema_sql[0]; i++)
        if (bank_exec_sql(b, schema_sql[i], err))
            return ION_BANK_EDB;
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d",
             ION_BANK_APPLICATION_ID);
    if (bank_exec_sql(b, sql, err))
        return ION_BANK_EDB;
    return bank_put_secret(b, err);
}

/* Version 1 to 2: worksheet names unique per course instead of per bank,
 * so the worksheet tables carry the course in their keys; students may be
 * withdrawn. SQLite cannot change a primary key, so the four tables are
 * made anew and copied ("other kinds of table schema changes" in SQLite's
 * ALTER TABLE page), with foreign keys off until bank_schema_upgrade()
 * has checked them. A migration is history: its text stays as it was written, whatever
 * later versions do to these tables. */
static const char *const migration_1_to_2[] = {
    "ALTER TABLE students ADD COLUMN withdrawn TEXT",
    "CREATE TABLE new_worksheets (\n"
    "    course_id TEXT NOT NULL REFERENCES courses (id),\n"
    "    name      TEXT NOT NULL,\n"
    "    title     TEXT NOT NULL,\n"
    "    due       TEXT,\n"
    "    created   TEXT NOT NULL DEFAULT (" NOW "),\n"
    "    PRIMARY KEY (course_id, name)\n"
    ") STRICT",
    "INSERT INTO new_worksheets (course_id, name, title, due, created)"
    " SELECT course_id, name, title, due, created FROM worksheets",
    "CREATE TABLE new_worksheet_problems (\n"
    "    course_id   TEXT NOT NULL,\n"
    "    worksheet   TEXT NOT NULL,\n"
    "    position    INTEGER NOT NULL CHECK (position >= 1),\n"
    "    template_id TEXT NOT NULL,\n"
    "    version     INTEGER NOT NULL,\n"
    "    points      REAL CHECK (points IS NULL OR points >= 0),\n"
    "    PRIMARY KEY (course_id, worksheet, position),\n"
    "    FOREIGN KEY (course_id, worksheet) REFERENCES worksheets (course_id, name),\n"
    "    FOREIGN KEY (template_id, version)\n"
    "        REFERENCES template_versions (template_id, version)\n"
    ") STRICT",
    "INSERT INTO new_worksheet_problems (course_id, worksheet, position,"
    " template_id, version, points) SELECT w.course_id, p.worksheet,"
    " p.position, p.template_id, p.version, p.points"
    " FROM worksheet_problems p JOIN worksheets w ON w.name = p.worksheet",
    "CREATE TABLE new_instances (\n"
    "    worksheet   TEXT NOT NULL,\n"
    "    course_id   TEXT NOT NULL,\n"
    "    student_id  TEXT NOT NULL,\n"
    "    position    INTEGER NOT NULL,\n"
    "    template_id TEXT NOT NULL,\n"
    "    version     INTEGER NOT NULL,\n"
    "    seed        INTEGER NOT NULL,\n"
    "    data        TEXT NOT NULL,\n"
    "    created     TEXT NOT NULL DEFAULT (" NOW "),\n"
    "    PRIMARY KEY (course_id, worksheet, student_id, position),\n"
    "    FOREIGN KEY (course_id, worksheet) REFERENCES worksheets (course_id, name),\n"
    "    FOREIGN KEY (course_id, student_id) REFERENCES students (course_id, id),\n"
    "    FOREIGN KEY (course_id, worksheet, position)\n"
    "        REFERENCES worksheet_problems (course_id, worksheet, position),\n"
    "    FOREIGN KEY (template_id, version)\n"
    "        REFERENCES template_versions (template_id, version)\n"
    ") STRICT",
    "INSERT INTO new_instances (worksheet, course_id, student_id, position,"
    " template_id, version, seed, data, created) SELECT worksheet, course_id,"
    " student_id, position, template_id, version, seed, data, created"
    " FROM instances",
    "CREATE TABLE new_submissions (\n"
    "    id          INTEGER PRIMARY KEY,\n"
    "    worksheet   TEXT NOT NULL,\n"
    "    course_id   TEXT NOT NULL,\n"
    "    student_id  TEXT NOT NULL,\n"
    "    source_file TEXT NOT NULL,\n"
    "    hash        TEXT NOT NULL,\n"
    "    received    TEXT NOT NULL DEFAULT (" NOW "),\n"
    "    UNIQUE (course_id, worksheet, student_id, hash),\n"
    "    FOREIGN KEY (course_id, worksheet) REFERENCES worksheets (course_id, name),\n"
    "    FOREIGN KEY (course_id, student_id) REFERENCES students (course_id, id)\n"
    ") STRICT",
    "INSERT INTO new_submissions (id, worksheet, course_id, student_id,"
    " source_file, hash, received) SELECT id, worksheet, course_id,"
    " student_id, source_file, hash, received FROM submissions",
    "DROP TABLE submissions",
    "DROP TABLE instances",
    "DROP TABLE worksheet_problems",
    "DROP TABLE worksheets",
    "ALTER TABLE new_worksheets RENAME TO worksheets",
    "ALTER TABLE new_worksheet_problems RENAME TO worksheet_problems",
    "ALTER TABLE new_instances RENAME TO instances",
    "ALTER TABLE new_submissions RENAME TO submissions",
    "CREATE INDEX worksheets_by_name ON worksheets (name)",
};

/* Runs the n statements of a migration in turn. */
static int exec_all(ion_bank *b, const char *const *sql, size_t n, ion_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (bank_exec_sql(b, sql[i], err))
            return ION_BANK_EDB;
    return 0;
}

static int migrate_1_to_2(ion_bank *b, ion_error *err)
{
    return exec_all(b, migration_1_to_2, sizeof migration_1_to_2 / sizeof *migration_1_to_2, err);
}

/* Version 3: the worksheet's feedback policy for the web (ionsheet serve). */
static int migrate_2_to_3(ion_bank *b, ion_error *err)
{
    return bank_exec_sql(b, "ALTER TABLE worksheets ADD COLUMN feedback TEXT NOT NULL"
                            " DEFAULT 'immediate' CHECK (feedback IN ('immediate',"
                            " 'after-due', 'never'))", err) ? ION_BANK_EDB : 0;
}

/* Version 4: a student's latest submission found through an index. */
static int migrate_3_to_4(ion_bank *b, ion_error *err)
{
    return bank_exec_sql(b, "CREATE INDEX submissions_by_time ON submissions"
                            " (course_id, worksheet, student_id, received, id)", err) ? ION_BANK_EDB : 0;
}

/* Version 5: a submission's status, so that a student whose file was
 * refused, or who is in conflict, is shown so from the database too. */
static int migrate_4_to_5(ion_bank *b, ion_error *err)
{
    return bank_exec_sql(b, "ALTER TABLE submissions ADD COLUMN status TEXT NOT NULL"
                            " DEFAULT 'graded' CHECK (status IN ('graded', 'refused',"
                            " 'conflict'))", err) ||
                   bank_exec_sql(b, "ALTER TABLE submissions ADD COLUMN reason TEXT", err)
               ? ION_BANK_EDB
               : 0;
}

/* Version 6: the same submissions, their status checked with OR instead
 * of an IN list, for which SQLite built a temporary table at every row
 * inserted (a third of recording a submission). A check cannot be changed
 * in place: the table is made anew and copied, as in migration_1_to_2. */
static const char *const migration_5_to_6[] = {
    "CREATE TABLE new_submissions (\n"
    "    id          INTEGER PRIMARY KEY,\n"
    "    worksheet   TEXT NOT NULL,\n"
    "    course_id   TEXT NOT NULL,\n"
    "    student_id  TEXT NOT NULL,\n"
    "    source_file TEXT NOT NULL,\n"
    "    hash        TEXT NOT NULL,\n"
    "    received    TEXT NOT NULL DEFAULT (" NOW "),\n"
    "    status      TEXT NOT NULL DEFAULT 'graded'\n"
    "                CHECK (status = 'graded' OR status = 'refused' OR status = 'conflict'),\n"
    "    reason      TEXT,\n"
    "    UNIQUE (course_id, worksheet, student_id, hash),\n"
    "    FOREIGN KEY (course_id, worksheet) REFERENCES worksheets (course_id, name),\n"
    "    FOREIGN KEY (course_id, student_id) REFERENCES students (course_id, id)\n"
    ") STRICT",
    "INSERT INTO new_submissions (id, worksheet, course_id, student_id,"
    " source_file, hash, received, status, reason) SELECT id, worksheet,"
    " course_id, student_id, source_file, hash, received, status, reason"
    " FROM submissions",
    "DROP TABLE submissions",
    "ALTER TABLE new_submissions RENAME TO submissions",
    /* in parentheses: one element, two literals (clang's -Wstring-concatenation) */
    ("CREATE INDEX submissions_by_time ON submissions"
     " (course_id, worksheet, student_id, received, id)"),
};

static int migrate_5_to_6(ion_bank *b, ion_error *err)
{
    return exec_all(b, migration_5_to_6, sizeof migration_5_to_6 / sizeof *migration_5_to_6, err);
}

/* Version 7: the instance no longer stored as JSON (instances.data): nothing
 * read it, it was two thirds of a generated bank's size and a tenth of
 * `generate`'s time, and the seed makes the instance again. The column is
 * in no key, index or constraint, so SQLite can drop it in place; the
 * file keeps its size, its pages part empty for later rows, until a VACUUM
 * (which cannot run inside the upgrade's transaction). */
static int migrate_6_to_7(ion_bank *b, ion_error *err)
{
    return bank_exec_sql(b, "ALTER TABLE instances DROP COLUMN data", err) ? ION_BANK_EDB : 0;
}

typedef int (*migration_fn)(ion_bank *b, ion_error *err);
/* migrations[v - 1] upgrades a bank from schema version v to v + 1 (a new
 * bank is made at the current version at once, by create_schema). A new
 * version changes schema/bank.sql and adds its migration here. */
static const migration_fn migrations[ION_BANK_SCHEMA_VERSION - 1] = {
    migrate_1_to_2,
    migrate_2_to_3,
    migrate_3_to_4,
    migrate_4_to_5,
    migrate_5_to_6,
    migrate_6_to_7,
};

/* Reads user_version and refuses what is not a bank this code can use:
 * version 0 is a bank whose schema was never made (application_id set),
 * or a new, empty file. */
static int schema_version(ion_bank *b, const char *path, int *version,
                          ion_error *err)
{
    int app, objects;
    if (bank_query_int(b, "PRAGMA user_version", version, err) ||
        bank_query_int(b, "PRAGMA application_id", &app, err) ||
        bank_query_int(b, "SELECT count(*) FROM sqlite_schema", &objects, err))
        return ION_BANK_EDB;
    if (app != ION_BANK_APPLICATION_ID &&
        !(app == 0 && *version == 0 && objects == 0))
        return refuse(err, "err.bank.not_a_bank", "%s", path);
    if (*version > ION_BANK_SCHEMA_VERSION)
        return refuse(err, "err.bank.newer", "%s%d%d",
                      path, *version, ION_BANK_SCHEMA_VERSION);
    return 0;
}

/* 0 when no foreign key is broken, else the error. */
static int foreign_keys_hold(ion_bank *b, ion_error *err)
{
    int broken;
    if (bank_query_int(b, "SELECT count(*) FROM pragma_foreign_key_check", &broken,
                  err))
        return ION_BANK_EDB;
    if (broken)
        return ion_fail_key(err, "", 0, "err.bank.upgrade_breaks", "%d",
                        broken);
    return 0;
}

/* Upgrades step by step, all steps in one transaction; the version is read
 * again under the write lock in case another process upgraded first. The
 * foreign keys are off meanwhile (SQLite ignores the pragma inside a
 * transaction), which lets a migration remake a table, and checked at the
 * end; ion_bank_open turns them on after. */
int bank_schema_upgrade(ion_bank *b, const char *path, ion_error *err)
{
    int v, ret;
    char sql[64];
    if ((ret = schema_version(b, path, &v, err)) < 0)
        return ret;
    if (v == ION_BANK_SCHEMA_VERSION)
        return 0;
    if (bank_exec_sql(b, "PRAGMA foreign_keys = OFF", err) ||
        ion_bank_begin(b, err))
        return ION_BANK_EDB;
    if ((ret = schema_version(b, path, &v, err)) < 0)
        goto fail;
    if (v == 0) {
        ret = create_schema(b, err); /* at the current version at once */
        v = ION_BANK_SCHEMA_VERSION;
    }
    for (; ret >= 0 && v >= 1 && v < ION_BANK_SCHEMA_VERSION; v++)
        ret = migrations[v - 1](b, err);
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
             ION_BANK_SCHEMA_VERSION);
    if (ret < 0 || (ret = foreign_keys_hold(b, err)) < 0 ||
        (ret = bank_exec_sql(b, sql, err)) < 0 ||
        (ret = ion_bank_commit(b, err)) < 0)
        goto fail;
    return 0;
fail:
    ion_bank_rollback(b, NULL);
    return ret;
}

/* A read-only open cannot upgrade: an old schema is refused. */
int bank_schema_check(ion_bank *b, const char *path, ion_error *err)
{
    int v, ret;
    if ((ret = schema_version(b, path, &v, err)) < 0)
        return ret;
    if (v != ION_BANK_SCHEMA_VERSION)
        return refuse(err, "err.bank.old_schema", "%s%d", path, v);
    return 0;
}

char *ion_bank_schema_sql(void)
{
    size_t n = 0, k = sizeof schema_sql / sizeof schema_sql[0];
    for (size_t i = 0; i < k; i++)
        n += strlen(schema_sql[i]);
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0, at = 0; i < k; i++) {
        size_t len = strlen(schema_sql[i]);
        memcpy(s + at, schema_sql[i], len + 1);
        at += len;
    }
    return s;
}
