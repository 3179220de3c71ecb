/* Roster import. All rows are read and checked before any is stored, so a
 * CSV syntax error anywhere imports nothing, and the rows that are good go
 * in as one transaction. */
#include "roster.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"

enum { COL_ID, COL_NAME, COL_EMAIL, NCOLS };
static const char *const col_names[NCOLS] = {"id", "name", "email"};

typedef struct {
    int line;
    char *id, *name, *email; /* trimmed; email NULL without the column */
    char *problem;           /* why the row is refused, or NULL */
} row;

typedef struct {
    row *rows;
    size_t n, cap;
    int col[NCOLS]; /* the field index of each column, or -1 */
    size_t width;   /* fields in the header */
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

/* Refuses row w, saying why (printf-style); -1 when out of memory. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int refuse_row(row *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !(w->problem = malloc((size_t)n + 1)))
        return -1;
    va_start(ap, fmt);
    vsnprintf(w->problem, (size_t)n + 1, fmt, ap);
    va_end(ap);
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

static int read_header(roster *r, ion_csv *csv, ion_error *err)
{
    ion_csv_record rec;
    char buf[300];
    const char *file = ion_csv_name(csv);
    int ret = ion_csv_next(csv, &rec, err);
    if (ret < 0)
        return ION_BANK_EINVAL;
    if (ret == 0) {
        ion_fail(err, file, 0, "empty file (expected the header "
                               "id,name[,email])");
        return ION_BANK_EINVAL;
    }
    for (int c = 0; c < NCOLS; c++)
        r->col[c] = -1;
    r->width = rec.n;
    for (size_t i = 0; i < rec.n; i++) {
        char *h = trimmed(rec.field[i], rec.len[i]);
        int c = 0;
        if (!h)
            return ion_fail(err, file, rec.line, "out of memory");
        while (c < NCOLS && strcasecmp(h, col_names[c]))
            c++;
        if (c == NCOLS)
            ion_fail(err, file, rec.line,
                     "unknown column '%s' in the header (expected "
                     "id,name[,email])",
                     shown(buf, h));
        free(h);
        if (c == NCOLS)
            return ION_BANK_EINVAL;
        if (r->col[c] >= 0) {
            ion_fail(err, file, rec.line,
                     "column '%s' appears twice in the header", col_names[c]);
            return ION_BANK_EINVAL;
        }
        r->col[c] = (int)i;
    }
    for (int c = COL_ID; c <= COL_NAME; c++)
        if (r->col[c] < 0) {
            ion_fail(err, file, rec.line,
                     "the header has no '%s' column (expected "
                     "id,name[,email])",
                     col_names[c]);
            return ION_BANK_EINVAL;
        }
    return 0;
}

/* Refuses the row when its values are not acceptable; -1 when out of
 * memory. */
static int check_row(row *w)
{
    char a[300];
    const char *why;
    if (!*w->id)
        return refuse_row(w, "empty student id");
    if ((why = ion_bank_id_problem(w->id)))
        return refuse_row(w, "student id '%s' %s", shown(a, w->id), why);
    if ((why = ion_bank_text_problem(w->name, ION_BANK_TEXT_MAX)))
        return refuse_row(w, "name of student '%s' %s", w->id, why);
    if (w->email && *w->email) {
        const char *at = strchr(w->email, '@');
        if ((why = ion_bank_text_problem(w->email, ION_BANK_TEXT_MAX)))
            return refuse_row(w, "e-mail of student '%s' %s", w->id, why);
        if (!at || at == w->email || !at[1] || strchr(at + 1, '@') ||
            strpbrk(w->email, " \t"))
            return refuse_row(w, "invalid e-mail '%s' for student '%s'",
                              shown(a, w->email), w->id);
    }
    return 0;
}

/* Adds the record as a row; its problem says if it is refused. */
static int add_row(roster *r, const ion_csv_record *rec, ion_error *err)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        row *rows = realloc(r->rows, cap * sizeof *rows);
        if (!rows)
            return ion_fail(err, "", 0, "out of memory");
        r->rows = rows;
        r->cap = cap;
    }
    row *w = &r->rows[r->n++];
    memset(w, 0, sizeof *w);
    w->line = rec->line;
    if (rec->n != r->width) {
        if (refuse_row(w, "expected %zu fields, found %zu", r->width, rec->n))
            return ion_fail(err, "", 0, "out of memory");
        return 0;
    }
    int e = r->col[COL_EMAIL];
    w->id = trimmed(rec->field[r->col[COL_ID]], rec->len[r->col[COL_ID]]);
    w->name =
        trimmed(rec->field[r->col[COL_NAME]], rec->len[r->col[COL_NAME]]);
    if (e >= 0)
        w->email = trimmed(rec->field[e], rec->len[e]);
    if (!w->id || !w->name || (e >= 0 && !w->email) || check_row(w))
        return ion_fail(err, "", 0, "out of memory");
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
        return ion_fail(err, "", 0, "out of memory");
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
            ret = refuse_row(idx[i],
                             "duplicate student id '%s' (first on line %d)",
                             idx[i]->id, idx[first]->line);
    }
    free(idx);
    return ret ? ion_fail(err, "", 0, "out of memory") : 0;
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
        if (ret == ION_BANK_EINVAL && !refuse_row(w, "%s", row_err.msg))
            continue;
        if (ret == ION_BANK_EINVAL) {
            ret = ion_fail(err, "", 0, "out of memory");
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
                      ion_roster_report_fn report, void *ctx,
                      ion_roster_stats *stats, ion_error *err)
{
    roster r = {0};
    ion_roster_stats st = {0};
    const char *why = ion_bank_text_problem(course, ION_BANK_ID_MAX);
    int ret;
    if (why) {
        ion_fail(err, "", 0, "course name %s", why);
        return ION_BANK_EINVAL;
    }
    if ((ret = read_header(&r, csv, err)) < 0 ||
        (ret = read_rows(&r, csv, err)) < 0)
        goto done;
    ret = store_rows(b, course, &r, &st, err);
    for (size_t i = 0; i < r.n; i++) {
        ion_error problem = {0};
        if (!r.rows[i].problem)
            continue;
        st.refused++;
        ion_fail(&problem, ion_csv_name(csv), r.rows[i].line, "%s",
                 r.rows[i].problem);
        if (report)
            report(&problem, ctx);
    }
done:
    roster_release(&r);
    if (stats)
        *stats = st;
    return ret < 0 ? ret : 0;
}
