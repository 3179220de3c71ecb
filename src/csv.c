/* RFC 4180 CSV: a hand-written state machine, because the fields we read
 * (names in any script, LMS exports) need exact line numbers in errors. */
#include "csv.h"
#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

struct ion_csv {
    const char *buf;
    size_t len, pos;
    int line; /* the line pos is on */
    int failed;
    char sep; /* ',' unless ion_csv_set_separator said otherwise */
    int spoil_records;   /* ion_csv_spoil_records was called */
    const char *problem; /* the current record's key, with spoil_records */
    char *name;
    char *owned; /* the file's contents, when ion_csv_open read it */
    /* The current record: its fields back to back, each NUL-terminated. */
    ion_strbuf data;
    size_t *start, *flen;
    const char **field;
    size_t nfields, fields_cap;
};

ion_csv *ion_csv_new(const char *buf, size_t len, const char *name)
{
    ion_csv *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (!(r->name = strdup(name ? name : ""))) {
        free(r);
        return NULL;
    }
    r->buf = buf;
    r->len = len;
    r->line = 1;
    r->sep = ',';
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
        r->pos = 3;
    return r;
}

/* The whole file, NUL-terminated, in *out (the caller frees it). */
static int slurp(const char *path, char **out, size_t *len, ion_error *err)
{
    ion_strbuf b = {0};
    switch (ion_strbuf_read_file(&b, path, ION_CSV_MAX_FILE)) {
    case ION_READ_OK:
        *out = ion_strbuf_detach(&b, len);
        return 0;
    case ION_READ_OPEN:
        return ion_fail_key(err, path, 0, "err.csv.open", "%s", strerror(errno));
    case ION_READ_TOO_LARGE:
        ion_fail_key(err, path, 0, "err.csv.too_large", "%d", ION_CSV_MAX_FILE >> 20);
        break;
    case ION_READ_OOM:
        ion_fail_key(err, path, 0, "err.out_of_memory", "-");
        break;
    case ION_READ_IO:
        ion_fail_key(err, path, 0, "err.csv.read", "%s", strerror(errno));
        break;
    }
    ion_strbuf_release(&b);
    return -1;
}

ion_csv *ion_csv_open(const char *path, ion_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    if (slurp(path, &buf, &len, err))
        return NULL;
    ion_csv *r = ion_csv_new(buf, len, path);
    if (!r) {
        free(buf);
        ion_fail_key(err, path, 0, "err.out_of_memory", "-");
        return NULL;
    }
    r->owned = buf;
    return r;
}

void ion_csv_free(ion_csv *r)
{
    if (!r)
        return;
    free(r->name);
    free(r->owned);
    ion_strbuf_release(&r->data);
    free(r->start);
    free(r->flen);
    free(r->field);
    free(r);
}

const char *ion_csv_name(const ion_csv *r)
{
    return r->name;
}

/* key: a message without arguments (text.h). */
static int fail(ion_csv *r, ion_error *err, int line, const char *key)
{
    r->failed = 1;
    return ion_fail_key(err, r->name, line, key, "-");
}

void ion_csv_set_separator(ion_csv *r, char sep)
{
    r->sep = sep;
}

static int is_delim(const ion_csv *r, char c)
{
    return c == r->sep || c == '\r' || c == '\n';
}

void ion_csv_spoil_records(ion_csv *r)
{
    r->spoil_records = 1;
}

/* Appends byte c to the current field, which began at data offset from. */
static int put(ion_csv *r, char c, size_t from, ion_error *err)
{
    const char *why = c == '\0' ? (r->spoil_records ? "err.csv.nul_row" : "err.csv.nul_file")
                      : r->data.len - from >= ION_CSV_MAX_FIELD ? "err.csv.field_long"
                                                                 : NULL;
    if (why && !r->spoil_records)
        return fail(r, err, r->line, why);
    if (why) {
        r->problem = r->problem ? r->problem : why;
        return 0;
    }
    ion_strbuf_addch(&r->data, c);
    return r->data.oom ? fail(r, err, r->line, "err.out_of_memory") : 0;
}

/* At a line break (CRLF, LF or a lone CR): steps over it and returns 1. */
static int line_end(ion_csv *r)
{
    if (r->pos >= r->len)
        return 0;
    if (r->buf[r->pos] == '\n') {
        r->pos++;
    } else if (r->buf[r->pos] == '\r') {
        r->pos++;
        if (r->pos < r->len && r->buf[r->pos] == '\n')
            r->pos++;
    } else {
        return 0;
    }
    r->line++;
    return 1;
}

/* A quoted field, pos on its opening quote. Line breaks inside are kept
 * as they are in the file. */
static int quoted(ion_csv *r, size_t from, ion_error *err)
{
    int begun = r->line;
    r->pos++;
    for (;;) {
        if (r->pos >= r->len)
            return fail(r, err, begun, "err.csv.quote");
        char c = r->buf[r->pos];
        if (c == '"') {
            if (r->pos + 1 < r->len && r->buf[r->pos + 1] == '"') {
                if (put(r, '"', from, err))
                    return -1;
                r->pos += 2;
                continue;
            }
            r->pos++;
            break;
        }
        size_t at = r->pos;
        if (c == '\n' || c == '\r') {
            line_end(r);
            for (; at < r->pos; at++)
                if (put(r, r->buf[at], from, err))
                    return -1;
            continue;
        }
        if (put(r, c, from, err))
            return -1;
        r->pos++;
    }
    if (r->pos < r->len && !is_delim(r, r->buf[r->pos]))
        return fail(r, err, r->line, "err.csv.after_quote");
    return 0;
}

static int unquoted(ion_csv *r, size_t from, ion_error *err)
{
    while (r->pos < r->len && !is_delim(r, r->buf[r->pos]))
        if (put(r, r->buf[r->pos++], from, err))
            return -1;
    return 0;
}

/* Ends the field that began at data offset from. */
static int end_field(ion_csv *r, size_t from, ion_error *err)
{
    if (r->nfields == ION_CSV_MAX_FIELDS)
        return fail(r, err, r->line, "err.csv.fields");
    if (r->nfields == r->fields_cap) {
        size_t cap = r->fields_cap ? 2 * r->fields_cap : 16;
        size_t *s = realloc(r->start, cap * sizeof *s);
        if (s)
            r->start = s;
        size_t *l = realloc(r->flen, cap * sizeof *l);
        if (l)
            r->flen = l;
        const char **f = realloc(r->field, cap * sizeof *f);
        if (f)
            r->field = f;
        if (!s || !l || !f)
            return fail(r, err, r->line, "err.out_of_memory");
        r->fields_cap = cap;
    }
    r->start[r->nfields] = from;
    r->flen[r->nfields] = r->data.len - from;
    r->nfields++;
    ion_strbuf_addch(&r->data, '\0'); /* the field's NUL */
    return r->data.oom ? fail(r, err, r->line, "err.out_of_memory") : 0;
}

int ion_csv_next(ion_csv *r, ion_csv_record *rec, ion_error *err)
{
    if (r->failed)
        return ion_fail_key(err, r->name, r->line, "err.csv.after_error", "-");
    while (line_end(r))
        ; /* empty lines */
    if (r->pos >= r->len)
        return 0;
    rec->line = r->line;
    r->problem = NULL;
    ion_strbuf_reset(&r->data);
    r->nfields = 0;
    for (;;) {
        size_t from = r->data.len;
        int ret = r->pos < r->len && r->buf[r->pos] == '"'
                      ? quoted(r, from, err)
                      : unquoted(r, from, err);
        if (ret || end_field(r, from, err))
            return -1;
        if (r->pos < r->len && r->buf[r->pos] == r->sep) {
            r->pos++;
            continue;
        }
        line_end(r);
        break;
    }
    for (size_t i = 0; i < r->nfields; i++)
        r->field[i] = r->data.s + r->start[i];
    rec->n = r->nfields;
    rec->field = r->field;
    rec->len = r->flen;
    rec->problem = r->problem;
    return 1;
}

/* An RFC 4180 field; text a spreadsheet would run as a formula gets a
 * leading apostrophe. */
void ion_csv_field(ion_strbuf *b, const char *s, int text)
{
    s = s ? s : "";
    int quote = strpbrk(s, ",\"\r\n") != NULL || (*s == ' ') || (*s && s[strlen(s) - 1] == ' ');
    int formula = text && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t');
    if (quote)
        ion_strbuf_puts(b, "\"");
    if (formula)
        ion_strbuf_puts(b, "'");
    for (const char *q; (q = strchr(s, '"')); s = q + 1) {
        ion_strbuf_add(b, s, (size_t)(q - s));
        ion_strbuf_puts(b, "\"\"");
    }
    ion_strbuf_puts(b, s);
    if (quote)
        ion_strbuf_puts(b, "\"");
}
