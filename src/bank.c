/* The SQLite bank (bank.h): the statements and their plumbing, opening
 * and transactions, the rules for ids and texts. All of ionsheet's SQL is
 * in this file's table, as prepared statements that the handle caches (see
 * stmt()), but for the schema (schema/bank.sql) and its migrations
 * (bank_schema.c). The rest of the bank, by concern, uses them through
 * bank_int.h: bank_template.c, bank_roster.c (courses and students),
 * bank_worksheet.c, bank_submission.c (instances, submissions, grades) and
 * bank_drill.c. */
#include "bank_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "strbuf.h"
#include "text.h"
#include "utf8.h"

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
    /* received: the schema's default, as bank_now_text() writes it */
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
static const char grades_put_head[] =
    "INSERT INTO grades (submission_id, part_id, answer, score, max_score,"
    " verdict, feedback) VALUES ";
static const char grades_put_tail[] =
    " ON CONFLICT (submission_id, part_id) DO UPDATE SET"
    " answer = excluded.answer, score = excluded.score,"
    " max_score = excluded.max_score, verdict = excluded.verdict,"
    " feedback = excluded.feedback";

/* ---- plumbing ---- */

/* "PATH: what failed: SQLite's reason (the system's reason)", key saying
 * what failed (err.db.*, whose format takes SQLite's reason and the
 * system's): which file, which operation, and why, down to EFBIG or
 * EROFS. SQLite's and the system's reasons are their own words. */
int bank_db_fail(ion_bank *b, ion_error *err, const char *key)
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
            bank_db_fail(b, err, "err.db.prepare");
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
sqlite3_stmt *bank_prepare(ion_bank *b, enum stmt_id id, ion_error *err,
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
        bank_db_fail(b, err, "err.db.bind");
        sqlite3_clear_bindings(st);
        return NULL;
    }
    return st;
}

uint64_t bank_column_seed(sqlite3_stmt *st, int i)
{
    int64_t v = sqlite3_column_int64(st, i);
    uint64_t seed;
    memcpy(&seed, &v, sizeof seed);
    return seed;
}

const char *bank_column_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* A malloc'd copy of a column into *out (NULL for SQL NULL); -1 on OOM. */
int bank_column_dup(sqlite3_stmt *st, int i, char **out)
{
    const char *s = bank_column_text(st, i);
    *out = NULL;
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return 0;
    *out = strdup(s ? s : "");
    return *out ? 0 : -1;
}

/* Runs a write statement to its end; then resets it. 0, or SQLite's
 * (extended) code when it failed: a caller may tell a refusal by its
 * constraint from the database's own failure. */
int bank_step_write(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : rc;
}

/* The same, any failure the database's: key (err.db.*) says what failed,
 * as bank_db_fail's. */
int bank_run(ion_bank *b, sqlite3_stmt *st, ion_error *err,
             const char *key)
{
    return bank_step_write(st) ? bank_db_fail(b, err, key) : 0;
}

/* The first row of a query: 1 with the statement on it (the caller resets
 * it), 0 when there is none, or an error. */
int bank_first_row(ion_bank *b, sqlite3_stmt *st, ion_error *err)
{
    if (!st) /* preparing it failed */
        return ION_BANK_EDB;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return 1;
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : bank_db_fail(b, err, step_what(st));
}

static int exec_id(ion_bank *b, enum stmt_id id, ion_error *err)
{
    sqlite3_stmt *st = stmt(b, id, err);
    const char *what = id == ST_BEGIN || id == ST_SAVEPOINT ? "err.db.begin"
                       : id == ST_COMMIT ? "err.db.commit"
                                         : "err.db.end";
    return st ? bank_run(b, st, err, what) : ION_BANK_EDB;
}

/* Every write function is atomic. Inside the caller's transaction it runs
 * in a savepoint, so that a failure undoes exactly its own changes; with
 * none open it runs in its own BEGIN IMMEDIATE transaction, so that a
 * concurrent writer makes it wait (busy_timeout) instead of failing half
 * way. *own says which, for bank_sp_end. */
int bank_sp_begin(ion_bank *b, int *own, ion_error *err)
{
    *own = sqlite3_get_autocommit(b->db);
    return exec_id(b, *own ? ST_BEGIN : ST_SAVEPOINT, err);
}

/* Ends what bank_sp_begin began: kept when ret >= 0, undone otherwise. Returns
 * ret, or the error of a failed commit. */
int bank_sp_end(ion_bank *b, int own, int ret, ion_error *err)
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
const char *bank_now_text(ion_bank *b)
{
    time_t t = time(NULL);
    struct tm tm;
    if (t != b->now && gmtime_r(&t, &tm)) {
        strftime(b->now_text, sizeof b->now_text, "%Y-%m-%dT%H:%M:%SZ", &tm);
        b->now = t;
    }
    return b->now_text;
}

void bank_hash_hex(const void *data, size_t len, char out[HASH_HEX_LEN])
{
    unsigned char h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof h, data, len, NULL, 0);
    sodium_bin2hex(out, HASH_HEX_LEN, h, sizeof h);
}

/* Walks the rows of a bound query (st NULL: preparing it failed),
 * calling each for every row; stops early when it returns nonzero and
 * returns that. */
int bank_walk(ion_bank *b, sqlite3_stmt *st, row_fn each, list_fn fn,
              void *ctx, ion_error *err)
{
    if (!st)
        return ION_BANK_EDB;
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if ((ret = each(st, &fn, ctx)) != 0)
            break;
    sqlite3_reset(st);
    if (ret == ROW_UNKNOWN_NAME) {
        ion_fail_key(err, b->path, 0, "err.db.unknown_name", "-");
        return ION_BANK_EDB;
    }
    if (ret == 0 && rc != SQLITE_DONE)
        return bank_db_fail(b, err, step_what(st));
    return ret;
}

/* The cached INSERT of n grades (1 <= n <= GRADES_BATCH). */
sqlite3_stmt *bank_grades_stmt(ion_bank *b, size_t n, ion_error *err)
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
        return bank_db_fail(b, err, "err.db.setup");
    return 0;
}

int bank_query_int(ion_bank *b, const char *sql, int *out, ion_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL))
        return bank_db_fail(b, err, "err.db.read");
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return bank_db_fail(b, err, "err.db.read");
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
        return bank_db_fail(b, err, "err.db.store_secret");
    return bank_run(b, st, err, "err.db.store_secret");
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
        return bank_db_fail(b, err, "err.db.open");
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
    int ret = bank_first_row(b, st, err);
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

int ion_bank_stamp(ion_bank *b, char *out, size_t n, ion_error *err)
{
    sqlite3_stmt *st = stmt(b, ST_STAMP, err);
    int ret = bank_first_row(b, st, err);
    if (ret > 0) {
        /* Long stamps are hashed: the text only has to change. */
        char hash[HASH_HEX_LEN];
        const char *s = bank_column_text(st, 0);
        bank_hash_hex(s ? s : "", s ? strlen(s) : 0, hash);
        snprintf(out, n, "%s", hash);
    }
    sqlite3_reset(st);
    return ret < 0 ? ret : 0;
}

