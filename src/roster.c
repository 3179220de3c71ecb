/* Roster import. All rows are read and checked before any is stored, so a
 * CSV syntax error anywhere imports nothing, and the rows that are good go
 * in as one transaction. */
#include "roster.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"

/* Where a file's columns are: plain (id,name[,email]), or an LMS export
 * recognised from its header. -1: no such column. */
typedef struct {
    const char *source;     /* for the summary */
    int id, name, first, last, email;
    int roles;              /* Moodle: rows of other roles are skipped */
    int sortable;           /* Canvas: "Last, First" names */
} layout;

typedef struct {
    int line;
    char *id, *name, *email; /* trimmed; email NULL without the column */
    char *problem;           /* why the row is refused, or NULL */
    const char *key;         /* the catalogue key of problem */
} row;

typedef struct {
    row *rows;
    size_t n, cap;
    layout at;
    size_t width;   /* fields in the header */
    size_t skipped; /* rows that are not students */
    const char *id_column; /* --id-column, or NULL */
    char id_name[64];      /* the id column's header, for the summary */
} roster;

static void roster_release(roster *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->rows[i].id);
        free(r->rows[i].name);
        free(r->rows[i].email);
        free(r->rows[i].problem);
    }
    free(r->rows);
}

/* Refuses row w, saying why: problem, a message already in words, of
 * catalogue key key. -1 when out of memory. */
static int refuse_row_as(row *w, const char *problem, const char *key)
{
    w->key = key;
    return (w->problem = strdup(problem)) ? 0 : -1;
}

/* Refuses row w with the catalogue's message key (text.h: ion_text_say,
 * sig naming its conversions); -1 when out of memory. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int refuse_row(row *w, const char *key, const char *sig, ...)
{
    va_list ap;
    va_start(ap, sig);
    int n = ion_text_vsay(NULL, 0, key, sig, ap);
    va_end(ap);
    if (n < 0 || !(w->problem = malloc((size_t)n + 1)))
        return -1;
    va_start(ap, sig);
    ion_text_vsay(w->problem, (size_t)n + 1, key, sig, ap);
    va_end(ap);
    w->key = key;
    return 0;
}

/* s[0..len) without leading and trailing spaces and tabs, malloc'd. */
static char *trimmed(const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    char *t = malloc(len + 1);
    if (t) {
        memcpy(t, s, len);
        t[len] = '\0';
    }
    return t;
}

/* s made safe to print inside a message: at most 64 bytes of it, and when
 * it is not clean UTF-8 text every byte outside printable ASCII as \xNN. */
static const char *shown(char out[300], const char *s)
{
    int clean = !ion_bank_text_problem(s, (size_t)-1);
    size_t n = 0, i = 0;
    for (; i < 64 && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 0x20 && c < 0x7F) || (clean && c >= 0x80))
            out[n++] = (char)c;
        else
            n += (size_t)snprintf(out + n, 5, "\\x%02X", c);
    }
    /* Do not cut a UTF-8 sequence in two. */
    if (clean && s[i]) {
        size_t cut = ion_utf8_cut(s, i);
        n -= i - cut;
        i = cut;
    }
    if (s[i])
        memcpy(out + n, "...", 3), n += 3;
    out[n] = '\0';
    return out;
}

/* The index of the header named name (any case), or -1. */
static int column(char *const *h, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (!strcasecmp(h[i], name))
            return (int)i;
    return -1;
}

/* The first of names the header has. */
static int first_column(char *const *h, size_t n, const char *const *names)
{
    int c = -1;
    for (; *names && c < 0; names++)
        c = column(h, n, *names);
    return c;
}

/* LMS exports, recognised from their headers: Canvas's gradebook export
 * (Student, ID, SIS User ID, SIS Login ID, Section, ...), Canvas's SIS
 * users file (user_id, login_id, ..., email) and Moodle's participants
 * download (First name, Last name, ID number, Email address, Roles...).
 * 1 when h is one of them (r->at filled). */
static int lms_layout(roster *r, char *const *h, size_t n)
{
    layout *at = &r->at;
    if (column(h, n, "Student") >= 0 && column(h, n, "SIS User ID") >= 0) {
        *at = (layout){"canvas-gradebook", column(h, n, "SIS User ID"), column(h, n, "Student"), -1, -1,
                       -1, -1, 1};
    } else if (column(h, n, "user_id") >= 0 && column(h, n, "login_id") >= 0) {
        *at = (layout){"canvas-users", column(h, n, "user_id"),
                       first_column(h, n, (const char *[]){"full_name", "short_name", NULL}),
                       column(h, n, "first_name"), column(h, n, "last_name"), column(h, n, "email"), -1, 0};
    } else if (column(h, n, "Email address") >= 0 &&
               first_column(h, n, (const char *[]){"First name", "Full name", "Last name", "Surname", NULL}) >= 0) {
        *at = (layout){"moodle",
                       first_column(h, n, (const char *[]){"ID number", "Username", NULL}),
                       column(h, n, "Full name"), column(h, n, "First name"),
                       first_column(h, n, (const char *[]){"Last name", "Surname", NULL}),
                       column(h, n, "Email address"), column(h, n, "Roles"), 0};
    } else {
        return 0;
    }
    return 1;
}

/* ionsheet's own header: id,name[,email] in any order and case (and the
 * --id-column instead of id). */
static int plain_layout(roster *r, char *const *h, size_t n, const char *file, int line, ion_error *err)
{
    char buf[300];
    r->at = (layout){"", -1, -1, -1, -1, -1, -1, 0};
    int *cols[] = {&r->at.id, &r->at.name, &r->at.email};
    static const char *const names[] = {"id", "name", "email"};
    for (size_t i = 0; i < n; i++) {
        int c = r->id_column && !strcasecmp(h[i], r->id_column) ? 0 : -1;
        for (int k = 0; c < 0 && k < 3; k++)
            if (!strcasecmp(h[i], names[k]) && !(k == 0 && r->id_column))
                c = k;
        if (c < 0) {
            ion_fail_key(err, file, line, "err.roster.column", "%s", shown(buf, h[i]));
            return ION_BANK_EINVAL;
        }
        if (*cols[c] >= 0) {
            ion_fail_key(err, file, line, "err.roster.column_twice", "%s", names[c]);
            return ION_BANK_EINVAL;
        }
        *cols[c] = (int)i;
    }
    return 0;
}

/* The layout of the header h: an LMS export or ours; --id-column wins. */
static int find_layout(roster *r, char *const *h, size_t n, const char *file, int line, ion_error *err)
{
    int ret = lms_layout(r, h, n) ? 0 : plain_layout(r, h, n, file, line, err);
    if (ret < 0)
        return ret;
    const char *why = NULL;
    if (r->id_column && (r->at.id = column(h, n, r->id_column)) < 0) {
        ion_fail_key(err, file, line, "err.roster.id_column", "%s", r->id_column);
        return ION_BANK_EINVAL;
    }
    if (r->at.id < 0 && *r->at.source)
        why = "err.roster.lms_no_id";
    else if (r->at.id < 0)
        why = "err.roster.no_id_column";
    else if (r->at.name < 0 && r->at.first < 0 && r->at.last < 0)
        why = "err.roster.no_name_column";
    if (why) {
        ion_fail_key(err, file, line, why, "-");
        return ION_BANK_EINVAL;
    }
    snprintf(r->id_name, sizeof r->id_name, "%s", h[r->at.id]);
    return 0;
}

static int read_header(roster *r, ion_csv *csv, ion_error *err)
{
    ion_csv_record rec;
    const char *file = ion_csv_name(csv);
    int ret = ion_csv_next(csv, &rec, err);
    if (ret < 0)
        return ION_BANK_EINVAL;
    if (ret == 1 && rec.problem) {
        char why[256];
        ion_text_say(why, sizeof why, rec.problem, "-");
        ion_fail_key(err, file, rec.line, "err.roster.header", "%s", why);
        return ION_BANK_EINVAL;
    }
    if (ret == 0) {
        ion_fail_key(err, file, 0, "err.roster.empty", "-");
        return ION_BANK_EINVAL;
    }
    r->width = rec.n;
    char **h = calloc(rec.n, sizeof *h);
    ret = h ? 0 : ion_fail_key(err, file, rec.line, "err.out_of_memory", "-");
    for (size_t i = 0; ret == 0 && i < rec.n; i++)
        if (!(h[i] = trimmed(rec.field[i], rec.len[i])))
            ret = ion_fail_key(err, file, rec.line, "err.out_of_memory", "-");
    if (ret == 0)
        ret = find_layout(r, h, rec.n, file, rec.line, err);
    for (size_t i = 0; h && i < rec.n; i++)
        free(h[i]);
    free(h);
    return ret;
}

/* Refuses the row when its values are not acceptable; -1 when out of
 * memory. */
static int check_row(row *w)
{
    char a[300];
    const char *why;
    if (!*w->id)
        return refuse_row(w, "err.roster.no_id", "-");
    if ((why = ion_bank_id_problem(w->id)))
        return refuse_row(w, "err.roster.id", "%s%s", shown(a, w->id), ion_text_phrase(why));
    if ((why = ion_bank_text_problem(w->name, ION_BANK_TEXT_MAX)))
        return refuse_row(w, "err.bank.student_name", "%s%s", w->id, ion_text_phrase(why));
    if (w->email && *w->email) {
        const char *at = strchr(w->email, '@');
        if ((why = ion_bank_text_problem(w->email, ION_BANK_TEXT_MAX)))
            return refuse_row(w, "err.bank.student_email", "%s%s", w->id, ion_text_phrase(why));
        if (!at || at == w->email || !at[1] || strchr(at + 1, '@') ||
            strpbrk(w->email, " \t"))
            return refuse_row(w, "err.roster.email", "%s%s", shown(a, w->email), w->id);
    }
    return 0;
}

/* Field i of rec trimmed, malloc'd ("" for a column the row lacks). */
static char *cell(const ion_csv_record *rec, int i)
{
    return i >= 0 && (size_t)i < rec->n ? trimmed(rec->field[i], rec->len[i]) : strdup("");
}

/* The row's name: its name column, or first and last name joined; from
 * Canvas's "Last, First", "First Last". NULL when out of memory. */
static char *row_name(const roster *r, const ion_csv_record *rec)
{
    char *name = cell(rec, r->at.name), *first = NULL, *last = NULL, *comma;
    if (name && !*name && (r->at.first >= 0 || r->at.last >= 0)) {
        first = cell(rec, r->at.first);
        last = cell(rec, r->at.last);
    } else if (name && r->at.sortable && (comma = strchr(name, ',')) && !strchr(comma + 1, ',')) {
        *comma = '\0';
        last = trimmed(name, strlen(name));
        first = trimmed(comma + 1, strlen(comma + 1));
    }
    if (name && first && last) {
        free(name);
        size_t n = strlen(first) + strlen(last) + 2;
        uint32_t a, b;
        /* Chinese, Japanese, Korean names: family name first, no space. */
        int cjk = ion_utf8_next(first, strlen(first), &a) && ion_utf8_next(last, strlen(last), &b) &&
                  ion_utf8_cp_width(a) == 2 && ion_utf8_cp_width(b) == 2;
        if ((name = malloc(n)))
            snprintf(name, n, "%s%s%s", cjk ? last : first, *first && *last && !cjk ? " " : "", cjk ? first : last);
    }
    free(first);
    free(last);
    return name;
}

/* Whether word is in s, in any case. */
static int has_word(const char *s, const char *word)
{
    for (size_t n = strlen(word); *s; s++)
        if (!strncasecmp(s, word, n))
            return 1;
    return 0;
}

/* Rows of an LMS export that are not students: Canvas's "Points Possible"
 * row and its test student, Moodle's teachers (a Roles cell without
 * "Student"). */
static int not_a_student(const roster *r, const ion_csv_record *rec)
{
    char *name = r->at.sortable ? cell(rec, r->at.name) : NULL, *roles = cell(rec, r->at.roles);
    int skip = (name && (!strcmp(name, "Points Possible") || !strcmp(name, "Student, Test"))) ||
               (roles && *roles && !has_word(roles, "student"));
    free(name);
    free(roles);
    return skip;
}

/* Adds the record as a row; its problem says if it is refused. */
static int add_row(roster *r, const ion_csv_record *rec, ion_error *err)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        row *rows = realloc(r->rows, cap * sizeof *rows);
        if (!rows)
            return ion_fail_key(err, "", 0, "err.out_of_memory", "-");
        r->rows = rows;
        r->cap = cap;
    }
    if (rec->n == r->width && not_a_student(r, rec)) {
        r->skipped++;
        return 0;
    }
    row *w = &r->rows[r->n++];
    memset(w, 0, sizeof *w);
    w->line = rec->line;
    if (rec->problem) {
        if (refuse_row(w, rec->problem, "-"))
            return ion_fail_key(err, "", 0, "err.out_of_memory", "-");
        return 0;
    }
    if (rec->n != r->width) {
        if (refuse_row(w, "err.roster.fields", "%zu%zu", r->width, rec->n))
            return ion_fail_key(err, "", 0, "err.out_of_memory", "-");
        return 0;
    }
    w->id = cell(rec, r->at.id);
    w->name = row_name(r, rec);
    if (r->at.email >= 0)
        w->email = cell(rec, r->at.email);
    if (!w->id || !w->name || (r->at.email >= 0 && !w->email) || check_row(w))
        return ion_fail_key(err, "", 0, "err.out_of_memory", "-");
    return 0;
}

static int by_id_then_line(const void *a, const void *b)
{
    const row *x = *(const row *const *)a, *y = *(const row *const *)b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Refuses every row whose id an earlier row already has. Rows refused for
 * another reason still claim their id: the file says it twice either way. */
static int refuse_duplicates(roster *r, ion_error *err)
{
    size_t n = 0;
    row **idx = malloc((r->n ? r->n : 1) * sizeof *idx);
    if (!idx)
        return ion_fail_key(err, "", 0, "err.out_of_memory", "-");
    for (size_t i = 0; i < r->n; i++)
        if (r->rows[i].id && *r->rows[i].id &&
            !ion_bank_id_problem(r->rows[i].id))
            idx[n++] = &r->rows[i];
    qsort(idx, n, sizeof *idx, by_id_then_line);
    int ret = 0;
    for (size_t i = 1, first = 0; i < n && !ret; i++) {
        if (strcmp(idx[i]->id, idx[first]->id))
            first = i;
        else if (!idx[i]->problem)
            ret = refuse_row(idx[i], "err.roster.id_twice", "%s%d", idx[i]->id,
                             idx[first]->line);
    }
    free(idx);
    return ret ? ion_fail_key(err, "", 0, "err.out_of_memory", "-") : 0;
}

static int read_rows(roster *r, ion_csv *csv, ion_error *err)
{
    ion_csv_record rec;
    int ret;
    while ((ret = ion_csv_next(csv, &rec, err)) == 1)
        if (add_row(r, &rec, err))
            return ION_BANK_EDB;
    if (ret < 0)
        return ION_BANK_EINVAL;
    return refuse_duplicates(r, err);
}

/* Stores the good rows; a row the bank still refuses becomes a problem. */
static int store_rows(ion_bank *b, const char *course, roster *r,
                      ion_roster_stats *st, ion_error *err)
{
    int ret;
    if ((ret = ion_bank_begin(b, err)) < 0 ||
        (ret = ion_bank_course_ensure(b, course, err)) < 0)
        goto fail;
    for (size_t i = 0; i < r->n; i++) {
        row *w = &r->rows[i];
        ion_error row_err = {0};
        int status;
        if (w->problem)
            continue;
        ion_bank_student s = {course, w->id, w->name, w->email, NULL};
        ret = ion_bank_student_upsert(b, &s, &status, &row_err);
        if (ret == ION_BANK_EINVAL && !refuse_row_as(w, row_err.msg, row_err.key))
            continue;
        if (ret == ION_BANK_EINVAL) {
            ret = ion_fail_key(err, "", 0, "err.out_of_memory", "-");
            goto fail;
        }
        if (ret < 0) {
            if (err)
                *err = row_err;
            goto fail;
        }
        st->added += status == ION_BANK_ADDED;
        st->updated += status == ION_BANK_UPDATED;
        st->unchanged += status == ION_BANK_UNCHANGED;
    }
    if ((ret = ion_bank_commit(b, err)) < 0)
        goto fail;
    return 0;
fail:
    ion_bank_rollback(b, NULL);
    memset(st, 0, sizeof *st);
    return ret;
}

int ion_roster_import(ion_bank *b, const char *course, ion_csv *csv,
                      const char *id_column, ion_roster_report_fn report,
                      void *ctx, ion_roster_stats *stats, ion_error *err)
{
    roster r = {0};
    r.id_column = id_column;
    ion_roster_stats st = {0};
    const char *why = ion_bank_text_problem(course, ION_BANK_ID_MAX);
    int ret;
    if (why) {
        ion_fail_key(err, "", 0, "err.roster.course_name", "%s", ion_text_phrase(why));
        return ION_BANK_EINVAL;
    }
    ion_csv_spoil_records(csv);
    if ((ret = read_header(&r, csv, err)) < 0 ||
        (ret = read_rows(&r, csv, err)) < 0)
        goto done;
    ret = store_rows(b, course, &r, &st, err);
    for (size_t i = 0; i < r.n; i++) {
        ion_error problem = {0};
        if (!r.rows[i].problem)
            continue;
        st.refused++;
        ion_fail_key(&problem, ion_csv_name(csv), r.rows[i].line, "err.said", "%s", r.rows[i].problem);
        problem.key = r.rows[i].key;
        if (report)
            report(&problem, ctx);
    }
done:
    st.skipped = r.skipped;
    st.source = r.at.source ? r.at.source : "";
    snprintf(st.id_column, sizeof st.id_column, "%s", r.id_name);
    roster_release(&r);
    if (stats)
        *stats = st;
    return ret < 0 ? ret : 0;
}

const char *ion_roster_email(const char *id, void *ctx)
{
    ion_roster_emails *r = ctx;
    ion_bank_student_row s;
    if (ion_bank_student_get(r->bank, r->course, id, &s, NULL) <= 0)
        return NULL;
    snprintf(r->email, sizeof r->email, "%s", s.email ? s.email : "");
    ion_bank_student_release(&s);
    return r->email;
}
