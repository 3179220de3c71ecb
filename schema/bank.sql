-- ionsheet bank, schema version 7 (PRAGMA user_version = 7).
-- src/bank_schema.c embeds this file verbatim, one statement per string, and
-- tests/unit/test_bank.c checks that the two are identical. A new bank is
-- made from it in one step; an older one is brought here by the migrations
-- in src/bank_schema.c. The version and the application id are set by the code
-- that runs it. Times are UTC text 'YYYY-MM-DDTHH:MM:SSZ'. Rows are deleted
-- only by a re-grade (the submission's old row and grades, made anew),
-- `roster remove` (a student without submissions) and `worksheet delete`,
-- so foreign keys need no child indexes beyond the primary keys that start
-- with the parent's key.

-- Key/value settings. 'secret': the random 32-byte course secret that keys
-- every student's seed; made once, when the schema is created.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

-- A problem template; version is the current one in template_versions.
CREATE TABLE templates (
    id         TEXT PRIMARY KEY,
    topic      TEXT NOT NULL,
    difficulty INTEGER NOT NULL CHECK (difficulty BETWEEN 1 AND 3),
    title_en   TEXT NOT NULL,
    title_zh   TEXT,
    langs      TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1)
) STRICT;

CREATE INDEX templates_by_topic ON templates (topic, id);

-- Every imported text of a template. A re-import with the same hash adds
-- nothing; a changed text becomes the next version and the old ones stay,
-- so worksheets pinned to them regenerate as they were.
CREATE TABLE template_versions (
    template_id TEXT NOT NULL REFERENCES templates (id),
    version     INTEGER NOT NULL CHECK (version >= 1),
    hash        TEXT NOT NULL,
    source      TEXT NOT NULL,
    source_file TEXT NOT NULL,
    imported    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (template_id, version)
) STRICT;

CREATE TABLE courses (
    id      TEXT PRIMARY KEY,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

-- email NULL: none known. withdrawn NULL: on the roster; otherwise the time
-- the student was removed from it while having submissions, which are kept
-- with their grades (a student without any is deleted instead).
CREATE TABLE students (
    course_id TEXT NOT NULL REFERENCES courses (id),
    id        TEXT NOT NULL,
    name      TEXT NOT NULL,
    email     TEXT,
    withdrawn TEXT,
    PRIMARY KEY (course_id, id)
) STRICT;

-- A worksheet's name is unique in its course (week3 may be in BIO101 and in
-- PHYS2). Its rows below carry the course too, so that their student is
-- always one of the worksheet's course.
CREATE TABLE worksheets (
    course_id TEXT NOT NULL REFERENCES courses (id),
    name      TEXT NOT NULL,
    title     TEXT NOT NULL,
    due       TEXT,
    created   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    feedback  TEXT NOT NULL DEFAULT 'immediate'
              CHECK (feedback IN ('immediate', 'after-due', 'never')),
    PRIMARY KEY (course_id, name)
) STRICT;

CREATE INDEX worksheets_by_name ON worksheets (name);

-- The template version is pinned when the worksheet is created: every
-- student gets the same text, and later imports never change a worksheet.
-- points NULL: the template's own points.
CREATE TABLE worksheet_problems (
    course_id   TEXT NOT NULL,
    worksheet   TEXT NOT NULL,
    position    INTEGER NOT NULL CHECK (position >= 1),
    template_id TEXT NOT NULL,
    version     INTEGER NOT NULL,
    points      REAL CHECK (points IS NULL OR points >= 0),
    PRIMARY KEY (course_id, worksheet, position),
    FOREIGN KEY (course_id, worksheet) REFERENCES worksheets (course_id, name),
    FOREIGN KEY (template_id, version)
        REFERENCES template_versions (template_id, version)
) STRICT;

-- One student's problem: seed is the 64-bit seed as a signed integer, from
-- which the template's pinned version makes the instance again (its values
-- are in the answer key). Version 7 dropped the column `data`, the instance
-- as JSON, which nothing read.
CREATE TABLE instances (
    worksheet   TEXT NOT NULL,
    course_id   TEXT NOT NULL,
    student_id  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    template_id TEXT NOT NULL,
    version     INTEGER NOT NULL,
    seed        INTEGER NOT NULL,
    created     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (course_id, worksheet, student_id, position),
    FOREIGN KEY (course_id, worksheet) REFERENCES worksheets (course_id, name),
    FOREIGN KEY (course_id, student_id) REFERENCES students (course_id, id),
    FOREIGN KEY (course_id, worksheet, position)
        REFERENCES worksheet_problems (course_id, worksheet, position),
    FOREIGN KEY (template_id, version)
        REFERENCES template_versions (template_id, version)
) STRICT;

-- A submitted answer file, or what `grade` found instead of one it could
-- grade. The latest received counts (the row id orders two of one second).
-- The same content graded again is made anew, the latest with new grades;
-- new content is a new row. status 'graded': the grades below. Otherwise
-- no grades, and reason says why: 'refused' (the student's file could not
-- be read: 'FILE: CODE', a code in no language, ion_text_refusal) or
-- 'conflict' (several files claim the student:
-- 'a.txt:1, b.txt:1'); a later graded submission supersedes them. The
-- status check is spelt with OR: against an IN list of three values SQLite
-- builds a temporary table for every row it checks.
CREATE TABLE submissions (
    id          INTEGER PRIMARY KEY,
    worksheet   TEXT NOT NULL,
    course_id   TEXT NOT NULL,
    student_id  TEXT NOT NULL,
    source_file TEXT NOT NULL,
    hash        TEXT NOT NULL,
    received    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    status      TEXT NOT NULL DEFAULT 'graded'
                CHECK (status = 'graded' OR status = 'refused' OR status = 'conflict'),
    reason      TEXT,
    UNIQUE (course_id, worksheet, student_id, hash),
    FOREIGN KEY (course_id, worksheet) REFERENCES worksheets (course_id, name),
    FOREIGN KEY (course_id, student_id) REFERENCES students (course_id, id)
) STRICT;

-- A student's submissions as received: the latest is the one that counts.
CREATE INDEX submissions_by_time ON submissions
    (course_id, worksheet, student_id, received, id);

-- part_id is the key's '1a', '2b', ...; answer NULL: none given.
CREATE TABLE grades (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    part_id       TEXT NOT NULL,
    answer        TEXT,
    score         REAL NOT NULL,
    max_score     REAL NOT NULL CHECK (max_score >= 0),
    verdict       TEXT NOT NULL,
    feedback      TEXT,
    PRIMARY KEY (submission_id, part_id)
) STRICT;

-- Self-check drill: one row per user and template, and a log of attempts.
CREATE TABLE drill_progress (
    user_name   TEXT NOT NULL,
    template_id TEXT NOT NULL REFERENCES templates (id),
    topic       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    right_first INTEGER NOT NULL DEFAULT 0,
    streak      INTEGER NOT NULL DEFAULT 0,
    last        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (user_name, template_id)
) STRICT;

CREATE TABLE drill_attempts (
    id          INTEGER PRIMARY KEY,
    user_name   TEXT NOT NULL,
    template_id TEXT NOT NULL REFERENCES templates (id),
    seed        INTEGER NOT NULL,
    right_first INTEGER NOT NULL CHECK (right_first IN (0, 1)),
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
