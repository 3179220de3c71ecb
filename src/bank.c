/* The SQLite bank. All of ionsheet's SQL is here, as prepared statements
 * that the handle caches (see stmt()), but for the schema (schema/bank.sql)
 * and its migrations: bank_schema.c, which runs them through the handle's
 * helpers below. */
#include "bank.h"
#include "bank_schema.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"
#include "text.h"
#include "utf8.h"

#define HASH_HEX_LEN (2 * crypto_generichash_BYTES + 1)

/* The statements, prepared once per handle on first use. */
enum stmt_id {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_SAVEPOINT,
    ST_RELEASE,
    ST_ROLLBACK_TO,
    ST_SECRET_GET,
    ST_SECRET_PUT,
    ST_TPL_CURRENT,
    ST_TPL_PUT,
    ST_TPL_VERSION_PUT,
    ST_TPL_SOURCE,
    ST_TPL_VERSION,
    ST_TPL_LIST,
    ST_COURSE_GET,
    ST_COURSE_PUT,
    ST_STUDENT_GET,
    ST_STUDENT_ADD,
    ST_STUDENT_UPDATE,
    ST_STUDENT_LIST,
    ST_STUDENT_FIND,
    ST_STUDENT_WITHDRAW,
    ST_STUDENT_DELETE,
    ST_STUDENT_INSTANCES_DELETE,
    ST_STUDENT_SUBMISSIONS,
    ST_COURSE_LIST,
    ST_WS_FIND,
    ST_WS_FIND_IN,
    ST_WS_GET,
    ST_WS_PUT,
    ST_WS_PROBLEMS,
    ST_WS_PROBLEM_PUT,
    ST_WS_LIST,
    ST_WS_USAGE,
    ST_WS_UPDATE,
    ST_WS_PROBLEMS_DELETE,
    ST_WS_POINTS,
    ST_WS_GRADES_DELETE,
    ST_WS_SUBMISSIONS_DELETE,
    ST_WS_INSTANCES_DELETE,
    ST_WS_DELETE,
    ST_INST_PUT,
    ST_INST_SEED,
    ST_INST_STUDENTS,
    ST_SUB_FIND,
    ST_SUB_DELETE,
    ST_SUB_PUT,
    ST_GRADES_CLEAR,
    ST_GRADE_LIST,
    ST_DRILL_PUT,
    ST_DRILL_LOG,
    ST_DRILL_LIST,
    ST_SUB_LIST,
    ST_STAMP,
    ST_WS_FEEDBACK,
    ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_SAVEPOINT] = "SAVEPOINT ion_write",
    [ST_RELEASE] = "RELEASE ion_write",
    [ST_ROLLBACK_TO] = "ROLLBACK TO ion_write",
    [ST_SECRET_GET] = "SELECT value FROM settings WHERE key = 'secret'",
    [ST_SECRET_PUT] = "INSERT INTO settings (key, value) VALUES ('secret', ?1)",
    [ST_TPL_CURRENT] =
        "SELECT t.version, v.hash FROM templates t JOIN template_versions v"
        " ON v.template_id = t.id AND v.version = t.version WHERE t.id = ?1",
    [ST_TPL_PUT] =
        "INSERT INTO templates (id, topic, difficulty, title_en, title_zh,"
        " langs, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        " ON CONFLICT (id) DO UPDATE SET topic = excluded.topic,"
        " difficulty = excluded.difficulty, title_en = excluded.title_en,"
        " title_zh = excluded.title_zh, langs = excluded.langs,"
        " version = excluded.version",
    [ST_TPL_VERSION_PUT] =
        "INSERT INTO template_versions (template_id, version, hash, source,"
        " source_file) VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_TPL_SOURCE] =
        "SELECT v.template_id, v.version, v.source, v.source_file, v.hash,"
        " v.imported FROM template_versions v JOIN templates t"
        " ON t.id = v.template_id WHERE v.template_id = ?1"
        " AND v.version = CASE WHEN ?2 = 0 THEN t.version ELSE ?2 END",
    [ST_TPL_VERSION] = "SELECT version FROM templates WHERE id = ?1",
    [ST_TPL_LIST] =
        "SELECT id, topic, difficulty, title_en, title_zh, langs, version"
        " FROM templates WHERE ?1 IS NULL OR topic = ?1 ORDER BY topic, id",
    [ST_COURSE_GET] = "SELECT 1 FROM courses WHERE id = ?1",
    [ST_COURSE_PUT] = "INSERT INTO courses (id) VALUES (?1)"
                      " ON CONFLICT (id) DO NOTHING",
    [ST_STUDENT_GET] = "SELECT course_id, id, name, email, withdrawn"
                       " FROM students WHERE course_id = ?1 AND id = ?2",
    [ST_STUDENT_ADD] = "INSERT INTO students (course_id, id, name, email)"
                       " VALUES (?1, ?2, ?3, NULLIF(?4, ''))",
    /* A withdrawn student imported again is back on the roster. */
    [ST_STUDENT_UPDATE] =
        "UPDATE students SET name = ?3, email = CASE WHEN ?4 IS NULL"
        " THEN email ELSE NULLIF(?4, '') END, withdrawn = NULL"
        " WHERE course_id = ?1 AND id = ?2",
    [ST_STUDENT_LIST] = "SELECT course_id, id, name, email, withdrawn"
                        " FROM students WHERE course_id = ?1"
                        " AND (?2 OR withdrawn IS NULL) ORDER BY id",
    /* The exact id first, then those equal but for case. */
    [ST_STUDENT_FIND] = "SELECT course_id, id, name, email, withdrawn"
                        " FROM students WHERE course_id = ?1"
                        " AND id = ?2 COLLATE NOCASE"
                        " ORDER BY id = ?2 DESC, id LIMIT 2",
    [ST_STUDENT_WITHDRAW] =
        "UPDATE students SET withdrawn = coalesce(withdrawn, " NOW ")"
        " WHERE course_id = ?1 AND id = ?2",
    [ST_STUDENT_DELETE] = "DELETE FROM students WHERE course_id = ?1"
                          " AND id = ?2",
    [ST_STUDENT_INSTANCES_DELETE] = "DELETE FROM instances"
                                    " WHERE course_id = ?1"
                                    " AND student_id = ?2",
    [ST_STUDENT_SUBMISSIONS] = "SELECT count(*) FROM submissions"
                               " WHERE course_id = ?1 AND student_id = ?2",
    [ST_COURSE_LIST] =
        "SELECT c.id, c.created,"
        " (SELECT count(*) FROM students s WHERE s.course_id = c.id"
        "  AND s.withdrawn IS NULL),"
        " (SELECT count(*) FROM students s WHERE s.course_id = c.id"
        "  AND s.withdrawn IS NOT NULL),"
        " (SELECT count(*) FROM worksheets w WHERE w.course_id = c.id)"
        " FROM courses c ORDER BY c.id",
    /* Which course a worksheet name is in: two rows when several. */
    [ST_WS_FIND] = "SELECT course_id FROM worksheets WHERE name = ?1"
                   " AND (?2 IS NULL OR course_id = ?2)"
                   " ORDER BY course_id LIMIT 3",
    /* The same in a given course: by the primary key, with no sort (every
     * submission recorded asks it). */
    [ST_WS_FIND_IN] = "SELECT course_id FROM worksheets WHERE course_id = ?2 AND name = ?1",
    [ST_WS_GET] = "SELECT name, course_id, title, due, created, feedback FROM worksheets"
                  " WHERE course_id = ?1 AND name = ?2",
    [ST_WS_PUT] = "INSERT INTO worksheets (name, course_id, title, due)"
                  " VALUES (?1, ?2, ?3, ?4)",
    [ST_WS_PROBLEMS] = "SELECT template_id, version, points"
                       " FROM worksheet_problems WHERE course_id = ?1"
                       " AND worksheet = ?2 ORDER BY position",
    [ST_WS_PROBLEM_PUT] =
        "INSERT INTO worksheet_problems (course_id, worksheet, position,"
        " template_id, version, points) VALUES (?1, ?2, ?3, ?4, ?5,"
        " CASE WHEN ?6 < 0 THEN NULL ELSE ?6 END)",
    [ST_WS_LIST] = "SELECT course_id, name FROM worksheets"
                   " WHERE ?1 IS NULL OR course_id = ?1"
                   " ORDER BY course_id, created, name",
    [ST_WS_USAGE] =
        "SELECT (SELECT count(DISTINCT student_id) FROM instances"
        "  WHERE course_id = ?1 AND worksheet = ?2),"
        " (SELECT count(*) FROM submissions"
        "  WHERE course_id = ?1 AND worksheet = ?2),"
        " (SELECT count(DISTINCT student_id) FROM submissions"
        "  WHERE course_id = ?1 AND worksheet = ?2),"
        " (SELECT count(*) FROM grades g JOIN submissions s"
        "  ON s.id = g.submission_id"
        "  WHERE s.course_id = ?1 AND s.worksheet = ?2)",
    /* NULL keeps a value; due '' clears it. */
    [ST_WS_UPDATE] =
        "UPDATE worksheets SET title = coalesce(?3, title),"
        " due = CASE WHEN ?4 IS NULL THEN due ELSE NULLIF(?4, '') END"
        " WHERE course_id = ?1 AND name = ?2",
    [ST_WS_PROBLEMS_DELETE] = "DELETE FROM worksheet_problems"
                              " WHERE course_id = ?1 AND worksheet = ?2",
    [ST_WS_POINTS] = "UPDATE worksheet_problems SET points = CASE WHEN ?4 < 0"
                     " THEN NULL ELSE ?4 END WHERE course_id = ?1"
                     " AND worksheet = ?2 AND position = ?3",
    [ST_WS_GRADES_DELETE] =
        "DELETE FROM grades WHERE submission_id IN (SELECT id"
        " FROM submissions WHERE course_id = ?1 AND worksheet = ?2)",
    [ST_WS_SUBMISSIONS_DELETE] = "DELETE FROM submissions"
                                 " WHERE course_id = ?1 AND worksheet = ?2",
    [ST_WS_INSTANCES_DELETE] = "DELETE FROM instances"
                               " WHERE course_id = ?1 AND worksheet = ?2",
    [ST_WS_DELETE] = "DELETE FROM worksheets WHERE course_id = ?1"
                     " AND name = ?2",
    [ST_INST_PUT] =
        "INSERT INTO instances (worksheet, course_id, student_id, position,"
        " template_id, version, seed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        " ON CONFLICT (course_id, worksheet, student_id, position) DO UPDATE"
        " SET template_id = excluded.template_id,"
        " version = excluded.version, seed = excluded.seed,"
        " created = excluded.created",
    [ST_INST_SEED] = "SELECT seed FROM instances"
                     " WHERE worksheet = ?1 AND course_id = ?2"
                     " AND student_id = ?3 AND position = ?4"
                     " AND template_id = ?5 AND version = ?6",
    [ST_INST_STUDENTS] =
        "SELECT s.course_id, s.id, s.name, s.email, s.withdrawn"
        " FROM students s WHERE s.course_id = ?2"
        " AND EXISTS (SELECT 1 FROM instances i WHERE i.course_id = ?2"
        " AND i.worksheet = ?1 AND i.student_id = s.id) ORDER BY s.id",
    [ST_SUB_FIND] = "SELECT id FROM submissions WHERE course_id = ?2"
                    " AND worksheet = ?1 AND student_id = ?3 AND hash = ?4",
    [ST_SUB_DELETE] = "DELETE FROM submissions WHERE id = ?1",
    /* received: the schema's default, as now_text() writes it */
    [ST_SUB_PUT] =
        "INSERT INTO submissions (worksheet, course_id, student_id,"
        " source_file, hash, status, reason, received)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [ST_GRADES_CLEAR] = "DELETE FROM grades WHERE submission_id = ?1",
    [ST_GRADE_LIST] = "SELECT part_id, answer, score, max_score, verdict,"
                      " feedback FROM grades WHERE submission_id = ?1"
                      " ORDER BY rowid",
    /* Takes the topic from the template, so an unknown template inserts
     * nothing (the WHERE is also what lets SQLite parse the upsert). */
    [ST_DRILL_PUT] =
        "INSERT INTO drill_progress (user_name, template_id, topic, attempts,"
        " right_first, streak) SELECT ?1, id, topic, 1, ?3, ?3 FROM templates"
        " WHERE id = ?2 ON CONFLICT (user_name, template_id) DO UPDATE SET"
        " topic = excluded.topic, attempts = attempts + 1,"
        " right_first = right_first + excluded.right_first,"
        " streak = CASE WHEN excluded.right_first THEN streak + 1 ELSE 0 END,"
        " last = " NOW,
    [ST_DRILL_LOG] = "INSERT INTO drill_attempts (user_name, template_id,"
                     " seed, right_first) VALUES (?1, ?2, ?3, ?4)",
    [ST_DRILL_LIST] =
        "SELECT template_id, topic, attempts, right_first, streak, last"
        " FROM drill_progress WHERE user_name = ?1"
        " AND (?2 IS NULL OR topic = ?2) ORDER BY topic, template_id",
    /* received has whole seconds: the row id orders two in one second. */
    [ST_SUB_LIST] = "SELECT id, student_id, source_file, received, status, reason"
                    " FROM submissions WHERE course_id = ?1"
                    " AND worksheet = ?2 AND student_id = ?3"
                    " ORDER BY received DESC, id DESC",
    [ST_WS_FEEDBACK] = "UPDATE worksheets SET feedback = ?3"
                       " WHERE course_id = ?1 AND name = ?2",
    [ST_STAMP] =
        "SELECT (SELECT count(*) || '/' || ifnull(max(created), '')"
        " FROM instances) || '/' || (SELECT count(*) || '/'"
        " || ifnull(group_concat(name || ':' || ifnull(due, '') || ':' || feedback || ':'"
        " || title, ','), '') FROM worksheets) || '/' || (SELECT count(*)"
        " || '/' || total(length(name)) || '/' || total(length(email))"
        " FROM students)",
};

/* A submission's grades go in one INSERT of up to GRADES_BATCH rows (a
 * statement a row cost half as much again), "(?1, ?, ...)" repeated
 * between these two, ?1 the submission; a part put twice keeps the last. */
#define GRADES_BATCH 16
static const char grades_put_head[] =
    "INSERT INTO grades (submission_id, part_id, answer, score, max_score,"
    " verdict, feedback) VALUES ";
static const char grades_put_tail[] =
    " ON CONFLICT (submission_id, part_id) DO UPDATE SET"
    " answer = excluded.answer, score = excluded.score,"
    " max_score = excluded.max_score, verdict = excluded.verdict,"
    " feedback = excluded.feedback";

struct ion_bank {
    sqlite3 *db;
    char *path; /* for messages */
    time_t now;         /* the second now_text() last wrote */
    char now_text[24];  /* ... as NOW does */
    sqlite3_stmt *st[ST_COUNT];
    sqlite3_stmt *grades_put[GRADES_BATCH]; /* [n - 1]: n rows */
};

/* ---- plumbing ---- */

/* "PATH: what failed: SQLite's reason (the system's reason)", key saying
 * what failed (err.db.*, whose format takes SQLite's reason and the
 * system's): which file, which operation, and why, down to EFBIG or
 * EROFS. SQLite's and the system's reasons are their own words. */
static int db_fail(ion_bank *b, ion_error *err, const char *key)
{
    char why[160] = "";
    int e = sqlite3_system_errno(b->db);
    struct rlimit fsize;
    /* SQLite keeps errno only by luck after a failed write: under a file
     * size limit, EFBIG is the likely reason, and worth naming. */
    if ((sqlite3_extended_errcode(b->db) & 0xff) == SQLITE_IOERR && (!e || e == EFBIG) &&
        getrlimit(RLIMIT_FSIZE, &fsize) == 0 && fsize.rlim_cur != RLIM_INFINITY)
        ion_text_say(why, sizeof why, "err.db.fsize", "%s%llu", ion_strerror(EFBIG),
                     (unsigned long long)fsize.rlim_cur);
    else if (e)
        ion_text_say(why, sizeof why, "err.db.system", "%s", ion_strerror(e));
    ion_fail_key(err, b->path, 0, key, "%s%s", sqlite3_errmsg(b->db), why);
    if (err)
        err->io = 1;
    return ION_BANK_EDB;
}

/* What failed when a statement's step did (its err.db.* key). */
static const char *step_what(sqlite3_stmt *st)
{
    return sqlite3_stmt_readonly(st) ? "err.db.read" : "err.db.write";
}


/* The statement cached in *slot (prepared from sql the first time), reset.
 * A statement still busy is a list function called again from its own
 * callback; that would corrupt the walk in progress, so it is an error. */
static sqlite3_stmt *cached(ion_bank *b, sqlite3_stmt **slot, const char *sql, ion_error *err)
{
    sqlite3_stmt *st = *slot;
    if (!st) {
        if (sqlite3_prepare_v3(b->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL)) {
            db_fail(b, err, "err.db.prepare");
            return NULL;
        }
        *slot = st;
    } else if (sqlite3_stmt_busy(st)) {
        ion_fail_key(err, "", 0, "err.bank.stmt_busy", "-");
        return NULL;
    }
    return st;
}

/* The cached statement id, as cached() gives it, unbound. */
static sqlite3_stmt *stmt(ion_bank *b, enum stmt_id id, ion_error *err)
{
    sqlite3_stmt *st = cached(b, &b->st[id], stmt_sql[id], err);
    if (st)
        sqlite3_clear_bindings(st);
    return st;
}

/* The cached statement id with its parameters bound, one argument per
 * character of types: 't' const char * (NULL binds NULL), 'i' int,
 * 'I' int64_t, 'u' uint64_t (stored as the int64 with the same bits, SQLite
 * having no unsigned type), 'd' double. NULL on error. */
static sqlite3_stmt *prepare(ion_bank *b, enum stmt_id id, ion_error *err,
                             const char *types, ...)
{
    sqlite3_stmt *st = stmt(b, id, err);
    if (!st)
        return NULL;
    if ((int)strlen(types) != sqlite3_bind_parameter_count(st)) {
        ion_fail_key(err, "", 0, "err.bank.stmt_values", "%d%d",
                 (int)id, sqlite3_bind_parameter_count(st));
        return NULL;
    }
    va_list ap;
    va_start(ap, types);
    int rc = 0;
    for (int i = 1; !rc && types[i - 1]; i++) {
        switch (types[i - 1]) {
        case 't': {
            const char *s = va_arg(ap, const char *);
            rc = s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC)
                   : sqlite3_bind_null(st, i);
            break;
        }
        case 'i':
            rc = sqlite3_bind_int(st, i, va_arg(ap, int));
            break;
        case 'I':
            rc = sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
            break;
        case 'u': {
            uint64_t u = va_arg(ap, uint64_t);
            int64_t v;
            memcpy(&v, &u, sizeof v);
            rc = sqlite3_bind_int64(st, i, v);
            break;
        }
        default: /* 'd' */
            rc = sqlite3_bind_double(st, i, va_arg(ap, double));
            break;
        }
    }
    va_end(ap);
    if (rc) {
        /* Only a value too big for SQLite, or out of memory. */
        db_fail(b, err, "err.db.bind");
        sqlite3_clear_bindings(st);
        return NULL;
    }
    return st;
}

static uint64_t column_seed(sqlite3_stmt *st, int i)
{
    int64_t v = sqlite3_column_int64(st, i);
    uint64_t seed;
    memcpy(&seed, &v, sizeof seed);
    return seed;
}

static const char *column_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* A malloc'd copy of a column into *out (NULL for SQL NULL); -1 on OOM. */
static int column_dup(sqlite3_stmt *st, int i, char **out)
{
    const char *s = column_text(st, i);
    *out = NULL;
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return 0;
    *out = strdup(s ? s : "");
    return *out ? 0 : -1;
}

/* Runs a write statement to its end; then resets it. 0, or SQLite's
 * (extended) code when it failed: a caller may tell a refusal by its
 * constraint from the database's own failure. */
static int step_write(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : rc;
}

/* The same, any failure the database's: key (err.db.*) says what failed,
 * as db_fail's. */
static int run(ion_bank *b, sqlite3_stmt *st, ion_error *err,
               const char *key)
{
    return step_write(st) ? db_fail(b, err, key) : 0;
}

/* The first row of a query: 1 with the statement on it (the caller resets
 * it), 0 when there is none, or an error. */
static int first_row(ion_bank *b, sqlite3_stmt *st, ion_error *err)
{
    if (!st) /* preparing it failed */
        return ION_BANK_EDB;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return 1;
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : db_fail(b, err, step_what(st));
}

static int exec_id(ion_bank *b, enum stmt_id id, ion_error *err)
{
    sqlite3_stmt *st = stmt(b, id, err);
    const char *what = id == ST_BEGIN || id == ST_SAVEPOINT ? "err.db.begin"
                       : id == ST_COMMIT ? "err.db.commit"
                                         : "err.db.end";
    return st ? run(b, st, err, what) : ION_BANK_EDB;
}

/* Every write function is atomic. Inside the caller's transaction it runs
 * in a savepoint, so that a failure undoes exactly its own changes; with
 * none open it runs in its own BEGIN IMMEDIATE transaction, so that a
 * concurrent writer makes it wait (busy_timeout) instead of failing half
 * way. *own says which, for sp_end. */
static int sp_begin(ion_bank *b, int *own, ion_error *err)
{
    *own = sqlite3_get_autocommit(b->db);
    return exec_id(b, *own ? ST_BEGIN : ST_SAVEPOINT, err);
}

/* Ends what sp_begin began: kept when ret >= 0, undone otherwise. Returns
 * ret, or the error of a failed commit. */
static int sp_end(ion_bank *b, int own, int ret, ion_error *err)
{
    if (ret >= 0) {
        if (!exec_id(b, own ? ST_COMMIT : ST_RELEASE, err))
            return ret;
        ret = ION_BANK_EDB;
    }
    if (own) {
        ion_bank_rollback(b, NULL);
    } else {
        /* After some errors SQLite has already rolled the transaction
         * back and the savepoint is gone; these then fail harmlessly. */
        exec_id(b, ST_ROLLBACK_TO, NULL);
        exec_id(b, ST_RELEASE, NULL);
    }
    return ret;
}

/* The time now as the schema's NOW default writes it, UTC to the second
 * ('2026-01-02T03:04:05Z'): SQLite's strftime() for every row inserted
 * cost a seventh of recording a submission. */
static const char *now_text(ion_bank *b)
{
    time_t t = time(NULL);
    struct tm tm;
    if (t != b->now && gmtime_r(&t, &tm)) {
        strftime(b->now_text, sizeof b->now_text, "%Y-%m-%dT%H:%M:%SZ", &tm);
        b->now = t;
    }
    return b->now_text;
}

static void hash_hex(const void *data, size_t len, char out[HASH_HEX_LEN])
{
    unsigned char h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof h, data, len, NULL, 0);
    sodium_bin2hex(out, HASH_HEX_LEN, h, sizeof h);
}

/* ---- text rules ---- */

const char *ion_bank_text_problem(const char *s, size_t max)
{
    if (!s || !*s)
        return "err.text.empty";
    size_t n = strlen(s);
    if (n > max)
        return "err.text.too_long";
    if (ion_utf8_invalid_at(s, n) < n)
        return "err.text.utf8";
    for (const unsigned char *u = (const unsigned char *)s; *u; u++)
        if (*u < 0x20 || *u == 0x7F)
            return "err.text.control";
    return NULL;
}

/* CON, PRN, AUX, NUL, COM1-9, LPT1-9 (any case), alone or before a dot:
 * names Windows will not make files of, where students download theirs. */
static int windows_reserved(const char *s)
{
    static const char *const names[] = {"con", "prn", "aux", "nul"};
    size_t n = strcspn(s, ".");
    char base[5] = "";
    if (n < 3 || n > 4)
        return 0;
    for (size_t i = 0; i < n; i++)
        base[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
    for (size_t i = 0; n == 3 && i < 4; i++)
        if (!strcmp(base, names[i]))
            return 1;
    return n == 4 && (!strncmp(base, "com", 3) || !strncmp(base, "lpt", 3)) && base[3] >= '1' &&
           base[3] <= '9';
}

const char *ion_bank_id_problem(const char *s)
{
    if (!s || !*s)
        return "err.text.empty";
    if (strlen(s) > ION_BANK_ID_MAX)
        return "err.id.too_long";
    if (*s == '.')
        return "err.id.dot";
    if (*s == '-')
        return "err.id.dash";
    if (windows_reserved(s))
        return "err.id.windows";
    for (const char *p = s; *p; p++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                    "0123456789._-", *p))
            return "err.id.chars";
    return NULL;
}

/* ---- open (the schema and its migrations: bank_schema.c) ---- */

/* bank_exec_sql, bank_query_int and bank_put_secret are bank_schema.h's. */
int bank_exec_sql(ion_bank *b, const char *sql, ion_error *err)
{
    if (sqlite3_exec(b->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(b, err, "err.db.setup");
    return 0;
}

int bank_query_int(ion_bank *b, const char *sql, int *out, ion_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL))
        return db_fail(b, err, "err.db.read");
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(b, err, "err.db.read");
    return 0;
}

int bank_put_secret(ion_bank *b, ion_error *err)
{
    unsigned char secret[ION_BANK_SECRET_LEN];
    sqlite3_stmt *st = stmt(b, ST_SECRET_PUT, err);
    if (!st)
        return ION_BANK_EDB;
    randombytes_buf(secret, sizeof secret);
    int rc = sqlite3_bind_blob(st, 1, secret, sizeof secret, SQLITE_TRANSIENT);
    sodium_memzero(secret, sizeof secret);
    if (rc)
        return db_fail(b, err, "err.db.store_secret");
    return run(b, st, err, "err.db.store_secret");
}

/* "file:PATH?immutable=1", the path percent-encoded where a URI needs it. */
static char *immutable_uri(const char *path)
{
    ion_strbuf u = {0};
    ion_strbuf_puts(&u, "file:");
    for (const char *p = path; *p; p++)
        if (*p == '?' || *p == '#' || *p == '%')
            ion_strbuf_printf(&u, "%%%02X", (unsigned char)*p);
        else
            ion_strbuf_addch(&u, *p);
    ion_strbuf_puts(&u, "?immutable=1");
    return ion_strbuf_detach(&u, NULL);
}

static int on_read_only_fs(const char *path)
{
    struct statvfs fs;
    return statvfs(path, &fs) == 0 && (fs.f_flag & ST_RDONLY);
}

static int open_db(ion_bank *b, int mode, int immutable, ion_error *err)
{
    int flags = mode == ION_BANK_READ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    char *uri = immutable ? immutable_uri(b->path) : NULL;
    /* NOMUTEX: a handle is used by one thread at a time (bank.h), so
     * SQLite's lock around every call of the connection is waste. */
    flags |= SQLITE_OPEN_NOMUTEX | (uri ? SQLITE_OPEN_URI : 0);
    int rc = sqlite3_open_v2(uri ? uri : b->path, &b->db, flags, NULL);
    free(uri);
    if (rc != SQLITE_OK) {
        if (!b->db)
            return ion_fail_key(err, "", 0, "err.out_of_memory", "-");
        return db_fail(b, err, "err.db.open");
    }
    sqlite3_extended_result_codes(b->db, 1);
    return 0;
}

/* A new database file is made here, 0600, rather than by SQLite (0644
 * less the umask): it holds the course secret, and SQLite gives its -wal
 * and -shm files the database's own mode. */
static int create_private(const char *path, ion_error *err)
{
    if (!strcmp(path, ":memory:")) /* SQLite's own, never a file */
        return 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST)
        return ion_fail_key(err, path, 0, "err.bank.create", "%s", ion_strerror(errno));
    if (fd >= 0)
        close(fd);
    return 0;
}

/* SQLite's count of the memory it holds takes a global lock around each
 * of its allocations, and nothing here reads it: off, before SQLite starts
 * (sqlite3_config refuses afterwards, harmlessly). */
static void sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

ion_bank *ion_bank_open(const char *path, int mode, ion_error *err)
{
    static pthread_once_t setup = PTHREAD_ONCE_INIT;
    struct stat sb;
    int fk = 0;
    pthread_once(&setup, sqlite_setup);
    if (sodium_init() < 0) {
        ion_fail_key(err, "", 0, "err.sodium", "-");
        return NULL;
    }
    if (mode != ION_BANK_CREATE && stat(path, &sb) != 0) {
        ion_fail_key(err, "", 0, "err.bank.missing", "%s", path);
        return NULL;
    }
    if (mode != ION_BANK_READ && on_read_only_fs(path)) {
        ion_fail_key(err, path, 0, "err.bank.read_only", "%s", ion_strerror(EROFS));
        return NULL;
    }
    if (mode == ION_BANK_CREATE && create_private(path, err))
        return NULL;
    ion_bank *b = calloc(1, sizeof *b);
    if (!b || !(b->path = strdup(path))) {
        free(b);
        ion_fail_key(err, "", 0, "err.out_of_memory", "-");
        return NULL;
    }
    if (open_db(b, mode, 0, err))
        goto fail;
    /* A WAL database on a read-only file system cannot have its -shm made:
     * it is read as immutable, which nothing can change meanwhile. */
    if (mode == ION_BANK_READ && bank_query_int(b, "PRAGMA user_version", &fk, NULL) &&
        sqlite3_errcode(b->db) == SQLITE_CANTOPEN && on_read_only_fs(path)) {
        sqlite3_close(b->db);
        b->db = NULL;
        if (open_db(b, mode, 1, err))
            goto fail;
    }
    /* A writer holds the lock for its whole run (generate: 10,000 students
     * with PDFs take about 10 s), and a second one waits for it rather than
     * failing: a minute covers the largest class on a slow machine. */
    sqlite3_busy_timeout(b->db, 60000);
    /* journal_mode answers with a row, which sqlite3_exec ignores; a memory
     * database stays in memory mode, which is fine. */
    if ((mode != ION_BANK_READ && bank_exec_sql(b, "PRAGMA journal_mode = WAL", err)) ||
        bank_exec_sql(b, "PRAGMA synchronous = NORMAL", err) ||
        (mode == ION_BANK_READ ? bank_schema_check(b, path, err) : bank_schema_upgrade(b, path, err)) < 0 ||
        bank_exec_sql(b, "PRAGMA foreign_keys = ON", err) ||
        bank_query_int(b, "PRAGMA foreign_keys", &fk, err))
        goto fail;
    if (!fk) {
        ion_fail_key(err, "", 0, "err.bank.foreign_keys", "-");
        goto fail;
    }
    return b;
fail:
    ion_bank_close(b);
    return NULL;
}

void ion_bank_close(ion_bank *b)
{
    if (!b)
        return;
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(b->st[i]);
    for (int i = 0; i < GRADES_BATCH; i++)
        sqlite3_finalize(b->grades_put[i]);
    sqlite3_close(b->db);
    free(b->path);
    free(b);
}

int ion_bank_begin(ion_bank *b, ion_error *err)
{
    return exec_id(b, ST_BEGIN, err);
}

int ion_bank_commit(ion_bank *b, ion_error *err)
{
    return exec_id(b, ST_COMMIT, err);
}

int ion_bank_rollback(ion_bank *b, ion_error *err)
{
    if (sqlite3_get_autocommit(b->db))
        return 0;
    return exec_id(b, ST_ROLLBACK, err);
}

int ion_bank_secret(ion_bank *b, unsigned char out[ION_BANK_SECRET_LEN],
                    ion_error *err)
{
    sqlite3_stmt *st = stmt(b, ST_SECRET_GET, err);
    int ret = first_row(b, st, err);
    if (ret < 0)
        return ret;
    if (ret == 0 || sqlite3_column_bytes(st, 0) != ION_BANK_SECRET_LEN) {
        sqlite3_reset(st);
        ion_fail_key(err, "", 0, "err.bank.secret", "-");
        return ION_BANK_EDB;
    }
    memcpy(out, sqlite3_column_blob(st, 0), ION_BANK_SECRET_LEN);
    sqlite3_reset(st);
    return 0;
}

/* ---- templates ---- */

static int template_check(const ion_bank_template *t, const char *source,
                          const char *file, ion_error *err)
{
    if (!t->id || !*t->id)
        return refuse(err, "err.bank.template_id", "-");
    if (!t->topic || !*t->topic || !t->title_en || !t->langs || !source ||
        !file)
        return refuse(err, "err.bank.template_incomplete", "%s", t->id);
    if (t->difficulty < 1 || t->difficulty > 3)
        return refuse(err, "err.bank.template_difficulty", "%s%d", t->id,
                      t->difficulty);
    return 0;
}

/* Stores a new version of a template: its description and its source. */
static int template_store(ion_bank *b, const ion_bank_template *t,
                          int version, const char *hash, const char *source,
                          const char *file, ion_error *err)
{
    sqlite3_stmt *st = prepare(b, ST_TPL_PUT, err, "ttittti", t->id,
                               t->topic, t->difficulty, t->title_en,
                               t->title_zh, t->langs, version);
    if (!st || run(b, st, err, "err.db.store_template"))
        return ION_BANK_EDB;
    st = prepare(b, ST_TPL_VERSION_PUT, err, "tittt", t->id, version, hash,
                 source, file);
    if (!st || run(b, st, err, "err.db.store_source"))
        return ION_BANK_EDB;
    return 0;
}

int ion_bank_template_upsert(ion_bank *b, const ion_bank_template *t,
                             const char *source_xml, const char *source_file,
                             int *version, int *changed, ion_error *err)
{
    char hash[HASH_HEX_LEN];
    int ret, own, current = 0, same = 0;
    sqlite3_stmt *st;
    if ((ret = template_check(t, source_xml, source_file, err)) < 0)
        return ret;
    hash_hex(source_xml, strlen(source_xml), hash);
    if ((ret = sp_begin(b, &own, err)) < 0)
        return ret;
    if (!(st = prepare(b, ST_TPL_CURRENT, err, "t", t->id))) {
        ret = ION_BANK_EDB;
        goto done;
    }
    if ((ret = first_row(b, st, err)) < 0)
        goto done;
    if (ret) {
        current = sqlite3_column_int(st, 0);
        same = !strcmp(column_text(st, 1), hash);
        sqlite3_reset(st);
    }
    ret = same ? 0
               : template_store(b, t, current + 1, hash, source_xml,
                                source_file, err);
done:
    ret = sp_end(b, own, ret, err);
    if (ret >= 0) {
        if (version)
            *version = same ? current : current + 1;
        if (changed)
            *changed = !same;
    }
    return ret < 0 ? ret : 0;
}

void ion_bank_source_release(ion_bank_source *s)
{
    if (!s)
        return;
    free(s->template_id);
    free(s->source);
    free(s->source_file);
    free(s->hash);
    free(s->imported);
    memset(s, 0, sizeof *s);
}

int ion_bank_template_source(ion_bank *b, const char *id, int version,
                             ion_bank_source *out, ion_error *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = prepare(b, ST_TPL_SOURCE, err, "ti", id, version);
    int ret = first_row(b, st, err);
    if (ret <= 0)
        return ret;
    out->version = sqlite3_column_int(st, 1);
    if (column_dup(st, 0, &out->template_id) ||
        column_dup(st, 2, &out->source) ||
        column_dup(st, 3, &out->source_file) ||
        column_dup(st, 4, &out->hash) || column_dup(st, 5, &out->imported)) {
        ion_bank_source_release(out);
        ret = ion_fail_key(err, "", 0, "err.out_of_memory", "-");
    }
    sqlite3_reset(st);
    return ret;
}

/* The current version of template id in *version: 1, or 0 if unknown. */
static int template_version(ion_bank *b, const char *id, int *version,
                            ion_error *err)
{
    sqlite3_stmt *st = prepare(b, ST_TPL_VERSION, err, "t", id);
    int ret = first_row(b, st, err);
    if (ret == 1) {
        *version = sqlite3_column_int(st, 0);
        sqlite3_reset(st);
    }
    return ret;
}

int ion_bank_template_exists(ion_bank *b, const char *id, ion_error *err)
{
    int version;
    return template_version(b, id, &version, err);
}

/* The caller's callback of a listing. Function pointers do not convert to
 * void * in ISO C, so they travel in this union. */
typedef union {
    ion_bank_template_fn template;
    ion_bank_student_fn student;
    ion_bank_course_fn course;
    ion_bank_worksheet_fn worksheet;
    ion_bank_grade_fn grade;
    ion_bank_drill_fn drill;
    ion_bank_submission_fn submission;
} list_fn;

/* Gives a row to the caller's callback; nonzero stops the walk. */
typedef int (*row_fn)(sqlite3_stmt *st, const list_fn *fn, void *ctx);

/* Walks the rows of a bound query (st NULL: preparing it failed),
 * calling each for every row; stops early when it returns nonzero and
 * returns that. */
static int walk(ion_bank *b, sqlite3_stmt *st, row_fn each, list_fn fn,
                void *ctx, ion_error *err)
{
    if (!st)
        return ION_BANK_EDB;
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if ((ret = each(st, &fn, ctx)) != 0)
            break;
    sqlite3_reset(st);
    if (ret == 0 && rc != SQLITE_DONE)
        return db_fail(b, err, step_what(st));
    return ret;
}

static int template_row(sqlite3_stmt *st, const list_fn *fn, void *ctx)
{
    ion_bank_template t = {
        column_text(st, 0), column_text(st, 1), sqlite3_column_int(st, 2),
        column_text(st, 3), column_text(st, 4), column_text(st, 5),
        sqlite3_column_int(st, 6),
    };
    return fn->template(&t, ctx);
}

int ion_bank_template_list(ion_bank *b, const char *topic,
                           ion_bank_template_fn fn, void *ctx,
                           ion_error *err)
{
    list_fn cb = {.template = fn};
    sqlite3_stmt *st = prepare(b, ST_TPL_LIST, err, "t", topic);
    return walk(b, st, template_row, cb, ctx, err);
}

/* ---- courses and students ---- */

/* 1 when the one-row query id with one text parameter finds a row. */
static int has_row(ion_bank *b, enum stmt_id id, const char *key,
                   ion_error *err)
{
    sqlite3_stmt *st = prepare(b, id, err, "t", key);
    int ret = first_row(b, st, err);
    if (ret == 1)
        sqlite3_reset(st);
    return ret;
}

int ion_bank_course_exists(ion_bank *b, const char *course, ion_error *err)
{
    return has_row(b, ST_COURSE_GET, course, err);
}

int ion_bank_course_ensure(ion_bank *b, const char *course, ion_error *err)
{
    const char *why = ion_bank_text_problem(course, ION_BANK_ID_MAX);
    if (why)
        return refuse(err, "err.roster.course_name", "%s", ion_text_phrase(why));
    sqlite3_stmt *st = prepare(b, ST_COURSE_PUT, err, "t", course);
    if (!st || run(b, st, err, "err.db.store_course"))
        return ION_BANK_EDB;
    return 0;
}

static int student_check(const ion_bank_student *s, ion_error *err)
{
    const char *why = ion_bank_id_problem(s->id);
    if (why)
        return refuse(err, "err.bank.student_id", "%s", ion_text_phrase(why));
    if ((why = ion_bank_text_problem(s->name, ION_BANK_TEXT_MAX)))
        return refuse(err, "err.bank.student_name", "%s%s", s->id, ion_text_phrase(why));
    if (s->email && *s->email &&
        (why = ion_bank_text_problem(s->email, ION_BANK_TEXT_MAX)))
        return refuse(err, "err.bank.student_email", "%s%s", s->id, ion_text_phrase(why));
    return 0;
}

static int same_text(const char *a, const char *b)
{
    return a && b ? !strcmp(a, b) : a == b;
}

/* Adds s, or updates it when it differs from the stored row, which st is
 * on (NULL when there is none); *status says which. */
static int student_store(ion_bank *b, const ion_bank_student *s,
                         sqlite3_stmt *st, int *status, ion_error *err)
{
    int ret;
    if (!st) {
        if ((ret = ion_bank_course_exists(b, s->course, err)) <= 0)
            return ret < 0 ? ret
                           : refuse(err, "err.bank.unknown_course", "%s", s->course);
        *status = ION_BANK_ADDED;
        st = prepare(b, ST_STUDENT_ADD, err, "tttt", s->course, s->id,
                     s->name, s->email);
    } else {
        const char *email = s->email && *s->email ? s->email : NULL;
        int same = !strcmp(column_text(st, 2), s->name) &&
                   (!s->email || same_text(column_text(st, 3), email)) &&
                   sqlite3_column_type(st, 4) == SQLITE_NULL;
        sqlite3_reset(st);
        if (same) {
            *status = ION_BANK_UNCHANGED;
            return 0;
        }
        *status = ION_BANK_UPDATED;
        st = prepare(b, ST_STUDENT_UPDATE, err, "tttt", s->course, s->id,
                     s->name, s->email);
    }
    if (!st || run(b, st, err, "err.db.store_student"))
        return ION_BANK_EDB;
    return 0;
}

int ion_bank_student_upsert(ion_bank *b, const ion_bank_student *s,
                            int *status, ion_error *err)
{
    int ret, own, st_status = ION_BANK_UNCHANGED;
    sqlite3_stmt *st;
    if ((ret = student_check(s, err)) < 0)
        return ret;
    if ((ret = sp_begin(b, &own, err)) < 0)
        return ret;
    if (!(st = prepare(b, ST_STUDENT_GET, err, "tt", s->course, s->id)))
        ret = ION_BANK_EDB;
    else if ((ret = first_row(b, st, err)) >= 0)
        ret = student_store(b, s, ret ? st : NULL, &st_status, err);
    ret = sp_end(b, own, ret, err);
    if (ret >= 0 && status)
        *status = st_status;
    return ret < 0 ? ret : 0;
}

void ion_bank_student_release(ion_bank_student_row *s)
{
    if (!s)
        return;
    free(s->course);
    free(s->id);
    free(s->name);
    free(s->email);
    free(s->withdrawn);
    memset(s, 0, sizeof *s);
}

/* Fills *out from the row st is on. */
static int student_row_dup(sqlite3_stmt *st, ion_bank_student_row *out,
                           ion_error *err)
{
    if (column_dup(st, 0, &out->course) || column_dup(st, 1, &out->id) ||
        column_dup(st, 2, &out->name) || column_dup(st, 3, &out->email) ||
        column_dup(st, 4, &out->withdrawn)) {
        ion_bank_student_release(out);
        return ion_fail_key(err, "", 0, "err.out_of_memory", "-");
    }
    return 1;
}

int ion_bank_student_get(ion_bank *b, const char *course, const char *id,
                         ion_bank_student_row *out, ion_error *err)
{
    memset(out, 0, sizeof *out);
    /* The exact id by the primary key first: the case-blind search reads
     * every student of the course, which for each student of a class
     * made generating and grading grow with the square of its size. */
    sqlite3_stmt *st = prepare(b, ST_STUDENT_GET, err, "tt", course, id);
    int ret = first_row(b, st, err);
    if (ret > 0) {
        ret = student_row_dup(st, out, err);
        sqlite3_reset(st);
        return ret;
    }
    if (ret < 0 || !(st = prepare(b, ST_STUDENT_FIND, err, "tt", course, id)))
        return ION_BANK_EDB;
    ret = first_row(b, st, err);
    if (ret <= 0)
        return ret;
    ret = student_row_dup(st, out, err);
    if (ret > 0 && strcmp(out->id, id) && sqlite3_step(st) == SQLITE_ROW) {
        ret = refuse(err, "err.bank.student_ambiguous", "%s%s%s%s",
                     id, course, out->id, column_text(st, 1));
        ion_bank_student_release(out);
    }
    sqlite3_reset(st);
    return ret;
}

static int student_row(sqlite3_stmt *st, const list_fn *fn, void *ctx)
{
    ion_bank_student s = {column_text(st, 0), column_text(st, 1),
                          column_text(st, 2), column_text(st, 3),
                          column_text(st, 4)};
    return fn->student(&s, ctx);
}

int ion_bank_student_list(ion_bank *b, const char *course, int withdrawn_too,
                          ion_bank_student_fn fn, void *ctx, ion_error *err)
{
    list_fn cb = {.student = fn};
    sqlite3_stmt *st = prepare(b, ST_STUDENT_LIST, err, "ti", course,
                               withdrawn_too != 0);
    return walk(b, st, student_row, cb, ctx, err);
}

int ion_bank_generated_students(ion_bank *b, const char *worksheet,
                                const char *course, ion_bank_student_fn fn,
                                void *ctx, ion_error *err)
{
    list_fn cb = {.student = fn};
    sqlite3_stmt *st = prepare(b, ST_INST_STUDENTS, err, "tt", worksheet,
                               course);
    return walk(b, st, student_row, cb, ctx, err);
}

/* The one integer a query gives. */
static int count_of(ion_bank *b, sqlite3_stmt *st, int64_t *n,
                    ion_error *err)
{
    int ret = first_row(b, st, err);
    if (ret < 0)
        return ret;
    *n = ret ? sqlite3_column_int64(st, 0) : 0;
    if (ret)
        sqlite3_reset(st);
    return 0;
}

/* Withdraws or deletes the student row; the caller holds the savepoint. */
static int student_take_off(ion_bank *b, const char *course, const char *id,
                            int *outcome, ion_error *err)
{
    int64_t submissions;
    sqlite3_stmt *st = prepare(b, ST_STUDENT_SUBMISSIONS, err, "tt", course,
                               id);
    if (!st || count_of(b, st, &submissions, err) < 0)
        return ION_BANK_EDB;
    if (submissions) {
        *outcome = ION_BANK_WITHDRAWN;
        st = prepare(b, ST_STUDENT_WITHDRAW, err, "tt", course, id);
        return st && !run(b, st, err, "err.db.withdraw")
                   ? 0
                   : ION_BANK_EDB;
    }
    *outcome = ION_BANK_DELETED;
    st = prepare(b, ST_STUDENT_INSTANCES_DELETE, err, "tt", course, id);
    if (!st || run(b, st, err, "err.db.delete_problems"))
        return ION_BANK_EDB;
    st = prepare(b, ST_STUDENT_DELETE, err, "tt", course, id);
    if (!st || run(b, st, err, "err.db.delete_student"))
        return ION_BANK_EDB;
    return 0;
}

int ion_bank_student_remove(ion_bank *b, const char *course, const char *id,
                            int *outcome, char *removed_id, ion_error *err)
{
    ion_bank_student_row s;
    int own, ret = sp_begin(b, &own, err);
    if (ret < 0)
        return ret;
    ret = ion_bank_student_get(b, course, id, &s, err);
    if (ret == 0)
        ret = refuse(err, "err.bank.no_student", "%s%s", id, course);
    if (ret > 0) {
        ret = student_take_off(b, course, s.id, outcome, err);
        if (removed_id)
            snprintf(removed_id, ION_BANK_ID_MAX + 1, "%s", s.id);
        ion_bank_student_release(&s);
    }
    ret = sp_end(b, own, ret, err);
    return ret < 0 ? ret : 0;
}

static int course_row(sqlite3_stmt *st, const list_fn *fn, void *ctx)
{
    ion_bank_course c = {column_text(st, 0), column_text(st, 1),
                         (size_t)sqlite3_column_int64(st, 2),
                         (size_t)sqlite3_column_int64(st, 3),
                         (size_t)sqlite3_column_int64(st, 4)};
    return fn->course(&c, ctx);
}

int ion_bank_course_list(ion_bank *b, ion_bank_course_fn fn, void *ctx,
                         ion_error *err)
{
    list_fn cb = {.course = fn};
    sqlite3_stmt *st = prepare(b, ST_COURSE_LIST, err, "");
    return walk(b, st, course_row, cb, ctx, err);
}

/* ---- worksheets ---- */

/* n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM", a real date and time. */
static int due_ok(const char *s)
{
    static const int days[] = {31, 29, 31, 30, 31, 30,
                               31, 31, 30, 31, 30, 31};
    size_t n = strlen(s);
    if ((n != 10 && n != 16) || s[4] != '-' || s[7] != '-')
        return 0;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 0 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return 0;
    if (n == 10)
        return 1;
    int h = digits(s + 11, 2), mi = digits(s + 14, 2);
    return s[10] == 'T' && s[13] == ':' && h >= 0 && h < 24 && mi >= 0 &&
           mi < 60;
}

/* The fields create and edit share: title, due date and points. */
static int fields_check(const char *title, const char *due, size_t n,
                        const double *points, ion_error *err)
{
    const char *why;
    if (title && (why = ion_bank_text_problem(title, ION_BANK_TEXT_MAX)))
        return refuse(err, "err.bank.title", "%s", ion_text_phrase(why));
    if (due && !due_ok(due))
        return refuse(err, "err.bank.due", "%s", due);
    for (size_t i = 0; points && i < n; i++)
        if (!isfinite(points[i]) || points[i] > ION_POINTS_MAX)
            return refuse(err, "err.bank.points", "%zu%d", i + 1, ION_POINTS_MAX);
    return 0;
}

static int worksheet_check(const char *name, const char *course,
                           const char *title, const char *due, size_t n,
                           const double *points, ion_error *err)
{
    const char *why = ion_bank_id_problem(name);
    if (why)
        return refuse(err, "err.bank.ws_name", "%s%s", name ? name : "", ion_text_phrase(why));
    if (!course)
        return refuse(err, "err.bank.ws_no_course", "%s", name);
    if (n == 0)
        return refuse(err, "err.bank.ws_no_problems", "%s", name);
    return fields_check(title, due, n, points, err);
}

/* Puts problems 1..n, pinned to their templates' current versions. */
static int problems_store(ion_bank *b, const char *course, const char *name,
                          size_t n, const char *const *ids,
                          const double *points, ion_error *err)
{
    int ret, version = 0;
    for (size_t i = 0; i < n; i++) {
        if ((ret = template_version(b, ids[i], &version, err)) <= 0)
            return ret < 0 ? ret
                           : refuse(err, "err.bank.unknown_template", "%s", ids[i]);
        sqlite3_stmt *st = prepare(b, ST_WS_PROBLEM_PUT, err, "ttitid",
                                   course, name, (int)i + 1, ids[i], version,
                                   points ? points[i] : -1.0);
        if (!st || run(b, st, err, "err.db.store_worksheet"))
            return ION_BANK_EDB;
    }
    return 0;
}

/* Inserts the worksheet and its problems; the caller holds the
 * savepoint. */
static int worksheet_store(ion_bank *b, const char *name, const char *course,
                           const char *title, const char *due, size_t n,
                           const char *const *ids, const double *points,
                           ion_error *err)
{
    int ret;
    sqlite3_stmt *st = prepare(b, ST_WS_GET, err, "tt", course, name);
    if (!st || (ret = first_row(b, st, err)) < 0)
        return ION_BANK_EDB;
    if (ret) {
        sqlite3_reset(st);
        return refuse(err, "err.bank.ws_exists", "%s%s",
                      name, course);
    }
    if ((ret = ion_bank_course_exists(b, course, err)) <= 0)
        return ret < 0 ? ret : refuse(err, "err.bank.unknown_course", "%s", course);
    st = prepare(b, ST_WS_PUT, err, "tttt", name, course,
                 title ? title : name, due);
    if (!st || run(b, st, err, "err.db.store_worksheet"))
        return ION_BANK_EDB;
    return problems_store(b, course, name, n, ids, points, err);
}

int ion_bank_worksheet_create(ion_bank *b, const char *name,
                              const char *course, const char *title,
                              const char *due, size_t n,
                              const char *const *template_ids,
                              const double *points, ion_error *err)
{
    int own, ret = worksheet_check(name, course, title, due, n, points, err);
    if (ret < 0 || (ret = sp_begin(b, &own, err)) < 0)
        return ret;
    ret = worksheet_store(b, name, course, title, due, n, template_ids,
                          points, err);
    return sp_end(b, own, ret, err);
}

void ion_bank_worksheet_release(ion_bank_worksheet *w)
{
    if (!w)
        return;
    free(w->name);
    free(w->course);
    free(w->title);
    free(w->due);
    free(w->created);
    free(w->feedback);
    for (size_t i = 0; i < w->n; i++)
        free(w->problems[i].template_id);
    free(w->problems);
    memset(w, 0, sizeof *w);
}

/* The course of worksheet name into *found (malloc'd): course itself when
 * it has such a worksheet, else (course NULL) the one course that has.
 * 1 when found, 0 when not, ION_BANK_EINVAL when several courses have it
 * and course is NULL. */
static int worksheet_course(ion_bank *b, const char *name, const char *course,
                            char **found, ion_error *err)
{
    char list[3 * (ION_BANK_ID_MAX + 2) + 8] = "";
    size_t rows = 0;
    int rc;
    *found = NULL;
    sqlite3_stmt *st = prepare(b, course ? ST_WS_FIND_IN : ST_WS_FIND, err, "tt", name, course);
    if (!st)
        return ION_BANK_EDB;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c = column_text(st, 0);
        if (rows++ == 0 && !(*found = strdup(c)))
            break;
        size_t at = strlen(list);
        snprintf(list + at, sizeof list - at, "%s%s", rows > 1 ? ", " : "",
                 rows < 3 ? c : "...");
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return ion_fail_key(err, "", 0, "err.out_of_memory", "-");
    if (rc != SQLITE_DONE)
        return db_fail(b, err, "err.db.read_bank");
    if (rows > 1) {
        free(*found);
        *found = NULL;
        return refuse(err, "err.bank.ws_courses", "%s%s",
                      name, list);
    }
    return rows == 1;
}

/* Appends the worksheet's problems to w. */
static int worksheet_problems(ion_bank *b, ion_bank_worksheet *w,
                              ion_error *err)
{
    int rc;
    size_t cap = 0;
    sqlite3_stmt *st = prepare(b, ST_WS_PROBLEMS, err, "tt", w->course,
                               w->name);
    if (!st)
        return ION_BANK_EDB;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (w->n == cap) {
            size_t ncap = cap ? 2 * cap : 8;
            ion_bank_ws_problem *p =
                realloc(w->problems, ncap * sizeof *p);
            if (!p)
                break;
            w->problems = p;
            cap = ncap;
        }
        ion_bank_ws_problem *p = &w->problems[w->n];
        if (column_dup(st, 0, &p->template_id))
            break;
        w->n++;
        p->version = sqlite3_column_int(st, 1);
        p->points = sqlite3_column_type(st, 2) == SQLITE_NULL
                        ? -1
                        : sqlite3_column_double(st, 2);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return ion_fail_key(err, "", 0, "err.out_of_memory", "-");
    if (rc != SQLITE_DONE)
        return db_fail(b, err, "err.db.read_worksheet");
    return 0;
}

int ion_bank_worksheet_get(ion_bank *b, const char *name, const char *course,
                           ion_bank_worksheet *out, ion_error *err)
{
    char *found;
    memset(out, 0, sizeof *out);
    int ret = worksheet_course(b, name, course, &found, err);
    if (ret <= 0)
        return ret;
    sqlite3_stmt *st = prepare(b, ST_WS_GET, err, "tt", found, name);
    ret = st ? first_row(b, st, err) : ION_BANK_EDB;
    free(found);
    if (ret <= 0)
        return ret;
    if (column_dup(st, 0, &out->name) || column_dup(st, 1, &out->course) ||
        column_dup(st, 2, &out->title) || column_dup(st, 3, &out->due) ||
        column_dup(st, 4, &out->created) || column_dup(st, 5, &out->feedback))
        ret = ion_fail_key(err, "", 0, "err.out_of_memory", "-");
    sqlite3_reset(st);
    if (ret > 0 && worksheet_problems(b, out, err) < 0)
        ret = ION_BANK_EDB;
    if (ret < 0)
        ion_bank_worksheet_release(out);
    return ret;
}

/* The refusal of a worksheet the bank does not have. */
static int refuse_worksheet(const char *name, const char *course, ion_error *err)
{
    return course ? refuse(err, "err.bank.no_worksheet", "%s%s", name, course)
                  : refuse(err, "err.bank.unknown_worksheet", "%s", name);
}

/* The worksheet, or the refusal "unknown worksheet". */
static int worksheet_need(ion_bank *b, const char *name, const char *course,
                          ion_bank_worksheet *w, ion_error *err)
{
    int ret = ion_bank_worksheet_get(b, name, course, w, err);
    if (ret == 0)
        return refuse_worksheet(name, course, err);
    return ret < 0 ? ret : 0;
}

static int usage_of(ion_bank *b, const ion_bank_worksheet *w,
                    ion_bank_ws_usage *out, ion_error *err)
{
    sqlite3_stmt *st = prepare(b, ST_WS_USAGE, err, "tt", w->course,
                               w->name);
    int ret = first_row(b, st, err);
    if (ret < 0)
        return ret;
    size_t *v[] = {&out->generated, &out->submissions, &out->submitters,
                   &out->grades};
    for (int i = 0; i < 4; i++)
        *v[i] = ret ? (size_t)sqlite3_column_int64(st, i) : 0;
    if (ret)
        sqlite3_reset(st);
    return 0;
}

int ion_bank_worksheet_usage(ion_bank *b, const char *name,
                             const char *course, ion_bank_ws_usage *out,
                             ion_error *err)
{
    ion_bank_worksheet w;
    memset(out, 0, sizeof *out);
    int ret = worksheet_need(b, name, course, &w, err);
    if (ret < 0)
        return ret;
    ret = usage_of(b, &w, out, err);
    ion_bank_worksheet_release(&w);
    return ret;
}

static int worksheet_row(sqlite3_stmt *st, const list_fn *fn, void *ctx)
{
    return fn->worksheet(column_text(st, 0), column_text(st, 1),
                                    ctx);
}

int ion_bank_worksheet_list(ion_bank *b, const char *course,
                            ion_bank_worksheet_fn fn, void *ctx,
                            ion_error *err)
{
    list_fn cb = {.worksheet = fn};
    sqlite3_stmt *st = prepare(b, ST_WS_LIST, err, "t", course);
    return walk(b, st, worksheet_row, cb, ctx, err);
}

/* Runs statement id with (course, name) of w to its end. */
static int run_for(ion_bank *b, enum stmt_id id, const ion_bank_worksheet *w,
                   ion_error *err, const char *key)
{
    sqlite3_stmt *st = prepare(b, id, err, "tt", w->course, w->name);
    return st && !run(b, st, err, key) ? 0 : ION_BANK_EDB;
}

/* New points for w's problems, each keeping its pinned version. */
static int points_edit(ion_bank *b, const ion_bank_worksheet *w,
                       const double *points, ion_error *err)
{
    for (size_t i = 0; i < w->n; i++) {
        sqlite3_stmt *st = prepare(b, ST_WS_POINTS, err, "ttid", w->course,
                                   w->name, (int)i + 1, points[i]);
        if (!st || run(b, st, err, "err.db.store_points"))
            return ION_BANK_EDB;
    }
    return 0;
}

/* New problems for w, or new points for its problems. */
static int problems_edit(ion_bank *b, const ion_bank_worksheet *w,
                         const ion_bank_ws_edit *e, ion_error *err)
{
    ion_bank_ws_usage used;
    char given[64], problems[64];
    int ret;
    if (!e->template_ids)
        return e->n == w->n ? points_edit(b, w, e->points, err)
                            : refuse(err, "err.bank.points_count", "%s%s",
                                     ion_text_count(ion_text_lang(), "count.points", e->n, given, sizeof given),
                                     ion_text_count(ion_text_lang(), "count.problems", w->n, problems, sizeof problems));
    if ((ret = usage_of(b, w, &used, err)) < 0)
        return ret;
    if (used.generated)
        return refuse(err, ion_text_plural(ion_text_lang(), "err.bank.ws_generated", (double)used.generated),
                      "%s%zu", w->name, used.generated);
    if ((ret = run_for(b, ST_WS_PROBLEMS_DELETE, w, err,
                       "err.db.change_problems")) < 0)
        return ret;
    return problems_store(b, w->course, w->name, e->n, e->template_ids,
                          e->points, err);
}

int ion_bank_worksheet_edit(ion_bank *b, const char *name, const char *course,
                            const ion_bank_ws_edit *e, ion_error *err)
{
    ion_bank_worksheet w;
    int own, ret;
    if (e->template_ids && e->n == 0)
        return refuse(err, "err.bank.ws_would_be_empty", "%s", name);
    if (e->feedback && !ion_feedback_policy_ok(e->feedback))
        return refuse(err, "err.bank.feedback", "%s", e->feedback);
    if ((ret = fields_check(e->title, e->due && *e->due ? e->due : NULL,
                            e->n, e->points, err)) < 0 ||
        (ret = sp_begin(b, &own, err)) < 0)
        return ret;
    if ((ret = worksheet_need(b, name, course, &w, err)) < 0)
        return sp_end(b, own, ret, err);
    if (e->title || e->due) {
        sqlite3_stmt *st = prepare(b, ST_WS_UPDATE, err, "tttt", w.course,
                                   w.name, e->title, e->due);
        if (!st || run(b, st, err, "err.db.change_worksheet"))
            ret = ION_BANK_EDB;
    }
    if (ret >= 0 && (e->template_ids || e->points))
        ret = problems_edit(b, &w, e, err);
    if (ret >= 0 && e->feedback) {
        sqlite3_stmt *st = prepare(b, ST_WS_FEEDBACK, err, "ttt", w.course, w.name, e->feedback);
        if (!st || run(b, st, err, "err.db.change_worksheet"))
            ret = ION_BANK_EDB;
    }
    ion_bank_worksheet_release(&w);
    return sp_end(b, own, ret, err);
}

int ion_bank_worksheet_delete(ion_bank *b, const char *name,
                              const char *course, int force,
                              ion_bank_ws_usage *gone, ion_error *err)
{
    static const enum stmt_id order[] = {
        ST_WS_GRADES_DELETE, ST_WS_SUBMISSIONS_DELETE,
        ST_WS_INSTANCES_DELETE, ST_WS_PROBLEMS_DELETE, ST_WS_DELETE};
    ion_bank_worksheet w;
    ion_bank_ws_usage used = {0};
    char subs[64], from[64], parts[64];
    int own, ret = sp_begin(b, &own, err);
    if (ret < 0)
        return ret;
    if ((ret = worksheet_need(b, name, course, &w, err)) < 0)
        return sp_end(b, own, ret, err);
    ret = usage_of(b, &w, &used, err);
    if (ret >= 0 && used.submissions && !force)
        ret = refuse(err, "err.bank.ws_submissions", "%s%s%s%s%s", w.name, w.course,
                     ion_text_count(ion_text_lang(), "count.submissions", used.submissions, subs, sizeof subs),
                     ion_text_count(ion_text_lang(), "count.students", used.submitters, from, sizeof from),
                     ion_text_count(ion_text_lang(), "count.graded_parts", used.grades, parts, sizeof parts));
    for (size_t i = 0; ret >= 0 && i < sizeof order / sizeof *order; i++)
        ret = run_for(b, order[i], &w, err, "err.db.delete_worksheet");
    ion_bank_worksheet_release(&w);
    ret = sp_end(b, own, ret, err);
    if (ret >= 0 && gone)
        *gone = used;
    return ret < 0 ? ret : 0;
}

/* ---- instances ---- */

int ion_bank_instance_put(ion_bank *b, const char *worksheet,
                          const char *course, const char *student,
                          int position, const char *template_id, int version,
                          uint64_t seed, ion_error *err)
{
    sqlite3_stmt *st = prepare(b, ST_INST_PUT, err, "tttitiu", worksheet,
                               course, student, position, template_id,
                               version, seed);
    if (!st)
        return ION_BANK_EDB;
    int rc = step_write(st);
    /* The foreign keys (or a NULL course) refused it; any other refusal (a
     * trigger, say) is the database's own error. */
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY || rc == SQLITE_CONSTRAINT_NOTNULL) {
        ion_fail_key(err, "", 0, "err.bank.no_problem", "%d%s%s%s%d",
                 position, student, worksheet, template_id, version);
        return ION_BANK_EINVAL;
    }
    return rc ? db_fail(b, err, "err.db.store_instance") : 0;
}

int ion_bank_instance_seed(ion_bank *b, const char *worksheet,
                           const char *course, const char *student,
                           int position, const char *template_id,
                           int version, uint64_t *seed, ion_error *err)
{
    sqlite3_stmt *st = prepare(b, ST_INST_SEED, err, "tttiti", worksheet,
                               course, student, position, template_id, version);
    int ret = first_row(b, st, err);
    if (ret > 0) {
        *seed = column_seed(st, 0);
        sqlite3_reset(st);
    }
    return ret;
}

/* ---- submissions and grades ---- */

/* The worksheet's course and the stored id of student (found as
 * ion_bank_student_get does), each malloc'd; the caller holds the
 * savepoint. */
static int submission_check(ion_bank *b, const char *worksheet,
                            const char *course, const char *student,
                            char **ws_course, char **student_id,
                            ion_error *err)
{
    /* The worksheet's course only: not its problems (every web
     * submission passes here). */
    char *found;
    ion_bank_student_row s;
    int ret = worksheet_course(b, worksheet, course, &found, err);
    if (ret == 0)
        return refuse_worksheet(worksheet, course, err);
    if (ret < 0)
        return ret;
    ret = ion_bank_student_get(b, found, student, &s, err);
    if (ret == 0)
        ret = refuse(err, "err.bank.unknown_student", "%s%s", student,
                     found);
    if (ret > 0) {
        *ws_course = found;
        *student_id = s.id;
        found = s.id = NULL;
        ion_bank_student_release(&s);
    }
    free(found);
    return ret < 0 ? ret : 0;
}

/* The id of the row of (worksheet, course, student, hash) into *old: 1,
 * 0 when there is none, or an error. */
static int submission_find(ion_bank *b, const char *worksheet,
                           const char *course, const char *student,
                           const char *hash, int64_t *old, ion_error *err)
{
    sqlite3_stmt *st = prepare(b, ST_SUB_FIND, err, "tttt", worksheet, course,
                               student, hash);
    int ret = st ? first_row(b, st, err) : ION_BANK_EDB;
    if (ret > 0) {
        *old = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    return ret;
}

/* A new row of (worksheet, course, student, hash) into *id: 0, or, with
 * nothing changed, SUB_REFUSED when its foreign keys refused it (the
 * worksheet is not the course's, or the student not on its roster),
 * SUB_THERE when that content has a row already; or an error. The old row
 * of that content (old, or 0) goes first with its grades, so that what
 * was just graded again is the latest (the row id orders two of one
 * second). */
enum { SUB_REFUSED = 1, SUB_THERE = 2 };
static int submission_write(ion_bank *b, int64_t old, const char *worksheet,
                            const char *course, const char *student,
                            const char *file, const char *hash,
                            const char *status, const char *reason,
                            int64_t *id, ion_error *err)
{
    sqlite3_stmt *st;
    if (old) {
        st = prepare(b, ST_GRADES_CLEAR, err, "I", old);
        if (!st || run(b, st, err, "err.db.clear_grades"))
            return ION_BANK_EDB;
        st = prepare(b, ST_SUB_DELETE, err, "I", old);
        if (!st || run(b, st, err, "err.db.replace_submission"))
            return ION_BANK_EDB;
    }
    st = prepare(b, ST_SUB_PUT, err, "tttttttt", worksheet, course, student,
                 file, hash, status, reason, now_text(b));
    if (!st)
        return ION_BANK_EDB;
    int rc = step_write(st);
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return SUB_REFUSED;
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return SUB_THERE;
    if (rc)
        return db_fail(b, err, "err.db.store_submission");
    /* Its id from the connection: RETURNING would first copy the row into a
     * temporary table, for every submission recorded. */
    *id = sqlite3_last_insert_rowid(b->db);
    return 0;
}

/* The same with the ids as the bank has them (submission_check's), the
 * old row found first. A refusal is then the database's failure. */
static int submission_store(ion_bank *b, const char *worksheet,
                            const char *course, const char *student,
                            const char *file, const char *hash,
                            const char *status, const char *reason,
                            int64_t *id, ion_error *err)
{
    int64_t old = 0;
    int ret = submission_find(b, worksheet, course, student, hash, &old, err);
    if (ret >= 0)
        ret = submission_write(b, old, worksheet, course, student, file, hash,
                               status, reason, id, err);
    return ret > 0 ? db_fail(b, err, "err.db.store_submission") : ret;
}

/* Records a row of status for student; content is what its hash is of. */
static int submission_put(ion_bank *b, const char *worksheet,
                          const char *course, const char *student,
                          const char *source_file, const void *content,
                          size_t len, const char *status, const char *reason,
                          int64_t *id, ion_error *err)
{
    char hash[HASH_HEX_LEN], *ws_course = NULL, *student_id = NULL;
    int64_t sub = 0, old = 0;
    int ret, own;
    if (!worksheet || !student || !source_file || (!content && len))
        return refuse(err, "err.bank.submission_incomplete", "-");
    hash_hex(content ? content : "", len, hash);
    /* In the caller's transaction with the course known (a class's run
     * records thousands), the ids as given: the row's foreign keys check
     * that the worksheet is the course's and the student on its roster,
     * and a content not seen before is one INSERT, atomic alone. The same
     * content again replaces its row, in a savepoint. Only when the keys
     * refuse (an id to find in another case, or none) does the long way
     * below look the ids up. */
    if (course && !sqlite3_get_autocommit(b->db)) {
        ret = submission_write(b, 0, worksheet, course, student, source_file,
                               hash, status, reason, &sub, err);
        if (ret == SUB_THERE && (ret = sp_begin(b, &own, err)) >= 0) {
            ret = submission_find(b, worksheet, course, student, hash, &old, err);
            if (ret >= 0)
                ret = submission_write(b, old, worksheet, course, student,
                                       source_file, hash, status, reason, &sub, err);
            if (ret > 0)
                ret = db_fail(b, err, "err.db.store_submission");
            ret = sp_end(b, own, ret, err);
        }
        if (ret != SUB_REFUSED) {
            if (ret >= 0 && id)
                *id = sub;
            return ret < 0 ? ret : 0;
        }
    }
    if ((ret = sp_begin(b, &own, err)) < 0)
        return ret;
    ret = submission_check(b, worksheet, course, student, &ws_course,
                           &student_id, err);
    if (ret >= 0)
        ret = submission_store(b, worksheet, ws_course, student_id,
                               source_file, hash, status, reason, &sub, err);
    free(ws_course);
    free(student_id);
    ret = sp_end(b, own, ret, err);
    if (ret >= 0 && id)
        *id = sub;
    return ret < 0 ? ret : 0;
}

int ion_bank_submission_upsert(ion_bank *b, const char *worksheet,
                               const char *course, const char *student,
                               const char *source_file, const void *content,
                               size_t len, int64_t *id, ion_error *err)
{
    return submission_put(b, worksheet, course, student, source_file, content,
                          len, "graded", NULL, id, err);
}

int ion_bank_submission_status(ion_bank *b, const char *worksheet,
                               const char *course, const char *student,
                               const char *status, const char *source_file,
                               const char *reason, int64_t *id, ion_error *err)
{
    if (!status || (strcmp(status, "refused") && strcmp(status, "conflict")))
        return refuse(err, "err.bank.submission_status", "-");
    if (!reason)
        return refuse(err, "err.bank.submission_incomplete", "-");
    /* Known by what it says: the same finding again is the same row. A NUL
     * keeps it apart from any file's content (text has none). */
    ion_strbuf said = {0};
    ion_strbuf_add(&said, "\0", 1);
    ion_strbuf_puts(&said, status);
    ion_strbuf_add(&said, "\0", 1);
    ion_strbuf_puts(&said, reason);
    if (said.oom) {
        ion_strbuf_release(&said);
        return ion_fail_key(err, "", 0, "err.out_of_memory", "-");
    }
    int ret = submission_put(b, worksheet, course, student, source_file,
                             said.s, said.len, status, reason, id, err);
    ion_strbuf_release(&said);
    return ret;
}

/* The cached INSERT of n grades (1 <= n <= GRADES_BATCH). */
static sqlite3_stmt *grades_stmt(ion_bank *b, size_t n, ion_error *err)
{
    ion_strbuf sql = {0};
    if (!b->grades_put[n - 1]) {
        ion_strbuf_puts(&sql, grades_put_head);
        for (size_t i = 0; i < n; i++)
            ion_strbuf_puts(&sql, i ? ", (?1, ?, ?, ?, ?, ?, ?)" : "(?1, ?, ?, ?, ?, ?, ?)");
        ion_strbuf_puts(&sql, grades_put_tail);
        if (sql.oom) {
            ion_fail_key(err, "", 0, "err.out_of_memory", "-");
            return NULL;
        }
    }
    sqlite3_stmt *st = cached(b, &b->grades_put[n - 1], sql.s, err);
    ion_strbuf_release(&sql);
    return st;
}

static int bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* Inserts n grades (at most GRADES_BATCH) in one statement; every
 * parameter is bound. */
static int grades_insert(ion_bank *b, int64_t submission, const ion_bank_grade *g,
                         size_t n, ion_error *err)
{
    sqlite3_stmt *st = grades_stmt(b, n, err);
    if (!st)
        return ION_BANK_EDB;
    int rc = sqlite3_bind_int64(st, 1, submission);
    for (size_t i = 0; !rc && i < n; i++) {
        int at = 1 + 6 * (int)i; /* the row's parameters follow */
        rc = sqlite3_bind_text(st, at + 1, g[i].part_id, -1, SQLITE_STATIC) ||
             bind_text_or_null(st, at + 2, g[i].answer) ||
             sqlite3_bind_double(st, at + 3, g[i].score) ||
             sqlite3_bind_double(st, at + 4, g[i].max_score) ||
             sqlite3_bind_text(st, at + 5, g[i].verdict, -1, SQLITE_STATIC) ||
             bind_text_or_null(st, at + 6, g[i].feedback);
    }
    if (rc) {
        db_fail(b, err, "err.db.bind");
        sqlite3_clear_bindings(st);
        return ION_BANK_EDB;
    }
    rc = step_write(st);
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return refuse(err, "err.bank.unknown_submission", "%lld", (long long)submission);
    return rc ? db_fail(b, err, "err.db.store_grade") : 0;
}

int ion_bank_grades_put(ion_bank *b, int64_t submission,
                        const ion_bank_grade *g, size_t n, ion_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!g[i].part_id || !*g[i].part_id || !g[i].verdict || !isfinite(g[i].score) ||
            !isfinite(g[i].max_score) || g[i].max_score < 0)
            return refuse(err, "err.bank.grade", "%lld", (long long)submission);
    /* One statement is atomic alone; several are made so together. */
    int own = 0, ret = 0, several = n > GRADES_BATCH;
    if (several && (ret = sp_begin(b, &own, err)) < 0)
        return ret;
    for (size_t at = 0; ret >= 0 && at < n; at += GRADES_BATCH)
        ret = grades_insert(b, submission, g + at, n - at < GRADES_BATCH ? n - at : GRADES_BATCH, err);
    return several ? sp_end(b, own, ret, err) : ret;
}

int ion_bank_grade_put(ion_bank *b, int64_t submission,
                       const ion_bank_grade *g, ion_error *err)
{
    return ion_bank_grades_put(b, submission, g, 1, err);
}

static int grade_row(sqlite3_stmt *st, const list_fn *fn, void *ctx)
{
    ion_bank_grade g = {column_text(st, 0),        column_text(st, 1),
                        sqlite3_column_double(st, 2),
                        sqlite3_column_double(st, 3), column_text(st, 4),
                        column_text(st, 5)};
    return fn->grade(&g, ctx);
}

int ion_bank_grade_list(ion_bank *b, int64_t submission, ion_bank_grade_fn fn,
                        void *ctx, ion_error *err)
{
    list_fn cb = {.grade = fn};
    sqlite3_stmt *st = prepare(b, ST_GRADE_LIST, err, "I", submission);
    return walk(b, st, grade_row, cb, ctx, err);
}

/* ---- drill ---- */

int ion_bank_drill_record(ion_bank *b, const char *user,
                          const char *template_id, uint64_t seed,
                          int right_first, ion_error *err)
{
    const char *why = ion_bank_text_problem(user, ION_BANK_TEXT_MAX);
    if (why)
        return refuse(err, "err.drill.user", "%s", ion_text_phrase(why));
    right_first = right_first != 0;
    int own, ret = sp_begin(b, &own, err);
    if (ret < 0)
        return ret;
    sqlite3_stmt *st = prepare(b, ST_DRILL_PUT, err, "tti", user, template_id,
                               right_first);
    if (!st || run(b, st, err, "err.db.store_drill"))
        ret = ION_BANK_EDB;
    else if (sqlite3_changes(b->db) == 0)
        ret = refuse(err, "err.bank.unknown_template", "%s", template_id);
    else if (!(st = prepare(b, ST_DRILL_LOG, err, "ttui", user, template_id,
                            seed, right_first)) ||
             run(b, st, err, "err.db.log_drill"))
        ret = ION_BANK_EDB;
    return sp_end(b, own, ret, err);
}

static int drill_row(sqlite3_stmt *st, const list_fn *fn, void *ctx)
{
    ion_bank_drill d = {column_text(st, 0),        column_text(st, 1),
                        sqlite3_column_int(st, 2), sqlite3_column_int(st, 3),
                        sqlite3_column_int(st, 4), column_text(st, 5)};
    return fn->drill(&d, ctx);
}

int ion_bank_drill_list(ion_bank *b, const char *user, const char *topic,
                        ion_bank_drill_fn fn, void *ctx, ion_error *err)
{
    list_fn cb = {.drill = fn};
    sqlite3_stmt *st = prepare(b, ST_DRILL_LIST, err, "tt", user, topic);
    return walk(b, st, drill_row, cb, ctx, err);
}

/* ---- listings for the web server and the gradebook ---- */

static int submission_row(sqlite3_stmt *st, const list_fn *fn, void *ctx)
{
    ion_bank_submission s = {sqlite3_column_int64(st, 0), column_text(st, 1),
                             column_text(st, 2), column_text(st, 3),
                             column_text(st, 4), column_text(st, 5)};
    return fn->submission(&s, ctx);
}

int ion_bank_submission_list(ion_bank *b, const char *course,
                             const char *worksheet, const char *student,
                             ion_bank_submission_fn fn, void *ctx,
                             ion_error *err)
{
    list_fn cb = {.submission = fn};
    sqlite3_stmt *st = prepare(b, ST_SUB_LIST, err, "ttt", course, worksheet,
                               student);
    return walk(b, st, submission_row, cb, ctx, err);
}

int ion_bank_stamp(ion_bank *b, char *out, size_t n, ion_error *err)
{
    sqlite3_stmt *st = stmt(b, ST_STAMP, err);
    int ret = first_row(b, st, err);
    if (ret > 0) {
        /* Long stamps are hashed: the text only has to change. */
        char hash[HASH_HEX_LEN];
        const char *s = column_text(st, 0);
        hash_hex(s ? s : "", s ? strlen(s) : 0, hash);
        snprintf(out, n, "%s", hash);
    }
    sqlite3_reset(st);
    return ret < 0 ? ret : 0;
}

int ion_feedback_policy_ok(const char *policy)
{
    return !strcmp(policy, "immediate") || !strcmp(policy, "after-due") || !strcmp(policy, "never");
}
