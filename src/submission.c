/* Submitted answer files: text, XML or a class CSV (see submission.h). */
#include "submission.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iconv.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "text.h"

#include "csv.h"
#include "strbuf.h"
#include "utf8.h"
#include "xmlsafe.h"

#define SUB_NS "urn:ionsheet:submission:1"
#define NO_OFFSET ((size_t)-1)

typedef struct {
    size_t part, text; /* offsets into the parser's buffer */
    int line;
} raw_answer;

struct ion_sub_parser {
    char *xsd_path;
    ion_strbuf file;       /* ion_sub_parse_file's buffer */
    ion_strbuf utf8;       /* a UTF-16 or UTF-32 file, converted */
    ion_strbuf buf;        /* the current submission's strings */
    raw_answer *raw;
    size_t nraw, cap_raw;
    ion_answer *answers;
    size_t cap_answers;
    ion_error notes[ION_SUBMISSION_MAX_NOTES];
    size_t nnotes, dropped;
    const char *name;
    char refusal[256]; /* why the last file was refused, coded (ion_text_refusal) */
};

/* Refuses the file with a coded reason (ion_fail_refusal): the refusal
 * (text.h), then its arguments, ended by NULL. Returns -1. */
#define REFUSE(p, err, line, ...) ion_fail_refusal(err, (p)->name, line, (p)->refusal, sizeof (p)->refusal, __VA_ARGS__, (const char *)NULL)

ion_sub_parser *ion_sub_parser_new(const char *xsd_path)
{
    ion_sub_parser *p = calloc(1, sizeof *p);
    if (p && xsd_path && !(p->xsd_path = strdup(xsd_path))) {
        free(p);
        return NULL;
    }
    return p;
}

void ion_sub_parser_free(ion_sub_parser *p)
{
    if (!p)
        return;
    free(p->xsd_path);
    ion_strbuf_release(&p->file);
    ion_strbuf_release(&p->utf8);
    ion_strbuf_release(&p->buf);
    free(p->raw);
    free(p->answers);
    free(p);
}

/* ---- small text helpers ------------------------------------------------- */

/* Bytes of a blank at s: CR, or a space (ASCII, no-break, thin, ideographic...). */
static size_t blank_len(const char *s, const char *end)
{
    return s < end && *s == '\r' ? 1 : ion_utf8_space(s, (size_t)(end - s));
}

static void trim(const char **s, const char **end)
{
    for (size_t n; *s < *end && (n = blank_len(*s, *end)) > 0;)
        *s += n;
    for (int again = 1; again && *end > *s;) {
        again = 0;
        for (size_t n = 1; n <= 3 && (size_t)(*end - *s) >= n; n++)
            if (blank_len(*end - n, *end) == n) {
                *end -= n;
                again = 1;
                break;
            }
    }
}

static int lower_eq(const char *s, size_t n, const char *word)
{
    size_t i = 0;
    for (; i < n && word[i]; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return 0;
    }
    return i == n && !word[i];
}

/* 1 when s[0..n) looks like a part id: digits, then one letter. */
static int part_like(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    return i > 0 && i + 1 == n && i < 7 &&
           ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'));
}

/* Header names of the student column in a class CSV (compared without
 * case, blanks, '_' and '-'). */
static int student_header(const char *s, size_t n)
{
    static const char *const names[] = {"student", "studentid", "id", "username", "sid",
                                        "studentnumber", "userid", "login"};
    char norm[32];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '_' || c == '-' || c == '.')
            continue;
        if (k + 1 >= sizeof norm)
            return 0;
        norm[k++] = c;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (lower_eq(norm, k, names[i]))
            return 1;
    return 0;
}

/* ---- the parser's buffers ------------------------------------------------ */

static void reset(ion_sub_parser *p, const char *name)
{
    ion_strbuf_reset(&p->buf);
    p->nraw = 0;
    p->nnotes = p->dropped = 0;
    p->name = name;
    p->refusal[0] = '\0';
}

/* Appends s[0..n) and a NUL (s must not point into the buffer): their
 * offset, or NO_OFFSET when out of memory. */
static size_t add_str(ion_sub_parser *p, const char *s, size_t n)
{
    size_t off = p->buf.len;
    ion_strbuf_add(&p->buf, s, n);
    ion_strbuf_add(&p->buf, "", 1);
    return p->buf.oom ? NO_OFFSET : off;
}

/* Appends the string at offset off (NO_OFFSET: none) and then sep, without
 * a NUL: for building content out of strings already in the buffer. */
static int append_copy(ion_sub_parser *p, size_t off, char sep)
{
    size_t n = off == NO_OFFSET ? 0 : strlen(p->buf.s + off);
    if (ion_strbuf_grow(&p->buf, n + 1)) /* room first: the source may move */
        return -1;
    char *at = p->buf.s + p->buf.len;
    if (n)
        memcpy(at, p->buf.s + off, n);
    at[n] = sep;
    at[n + 1] = '\0';
    p->buf.len += n + 1;
    return 0;
}

static int add_answer(ion_sub_parser *p, const char *part, size_t pn, const char *text, size_t tn,
                      int line)
{
    if (p->nraw == p->cap_raw) {
        size_t cap = p->cap_raw ? p->cap_raw * 2 : 32;
        raw_answer *r = realloc(p->raw, cap * sizeof *r);
        if (!r)
            return -1;
        p->raw = r;
        p->cap_raw = cap;
    }
    raw_answer *a = &p->raw[p->nraw];
    a->part = add_str(p, part, pn);
    a->text = add_str(p, text, tn);
    /* An answer is one line: a line break in a quoted CSV field is a blank. */
    for (char *c = a->text == NO_OFFSET ? NULL : p->buf.s + a->text; c && *c; c++)
        if ((unsigned char)*c < 0x20)
            *c = ' ';
    a->line = line;
    if (a->part == NO_OFFSET || a->text == NO_OFFSET)
        return -1;
    p->nraw++;
    return 0;
}

/* Notes a line that could not be used: the catalogue's message key
 * (text.h: ion_text_say, sig naming its conversions). */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void note(ion_sub_parser *p, int line, const char *key, const char *sig, ...)
{
    if (p->nnotes == ION_SUBMISSION_MAX_NOTES) {
        p->dropped++;
        ion_fail_key(&p->notes[p->nnotes - 1], p->name, line, "err.sub.more_lines", "%zu", p->dropped + 1);
        return;
    }
    char msg[400];
    va_list ap;
    va_start(ap, sig);
    ion_text_vsay(msg, sizeof msg, key, sig, ap);
    va_end(ap);
    ion_error *e = &p->notes[p->nnotes++];
    ion_fail_key(e, p->name, line, "err.said", "%s", msg);
    e->key = key;
}

/* Hands the submission to fn, with the offsets made pointers. */
static int deliver(ion_sub_parser *p, ion_submission *s, size_t worksheet, size_t student,
                   ion_submission_fn fn, void *ctx)
{
    if (p->nraw > p->cap_answers) {
        ion_answer *a = realloc(p->answers, p->nraw * sizeof *a);
        if (!a)
            return -1;
        p->answers = a;
        p->cap_answers = p->nraw;
    }
    for (size_t i = 0; i < p->nraw; i++) {
        p->answers[i].part = p->buf.s + p->raw[i].part;
        p->answers[i].text = p->buf.s + p->raw[i].text;
        p->answers[i].line = p->raw[i].line;
    }
    s->file = p->name;
    s->worksheet = worksheet == NO_OFFSET ? NULL : p->buf.s + worksheet;
    s->student = student == NO_OFFSET ? NULL : p->buf.s + student;
    s->n = p->nraw;
    s->answers = p->answers;
    s->nnotes = p->nnotes;
    s->notes = p->notes;
    return fn(s, ctx);
}

/* ---- checks on the whole file ------------------------------------------- */

/* ION_REFUSAL_NONE when data is UTF-8 text without control characters
 * (tab, CR and LF aside); else why not, with *line where. */
static ion_refusal not_text(const char *data, size_t len, int *line)
{
    const unsigned char *u = (const unsigned char *)data;
    *line = 1;
    static const struct {
        const char *magic;
        size_t n;
        ion_refusal what;
    } formats[] = {
        {"PK\x03\x04", 4, ION_REFUSAL_DOCX},
        {"\xd0\xcf\x11\xe0", 4, ION_REFUSAL_OFFICE},
        {"%PDF-", 5, ION_REFUSAL_PDF},
        {"{\\rtf", 5, ION_REFUSAL_RTF},
        {"\x89PNG", 4, ION_REFUSAL_IMAGE},
        {"\xff\xd8\xff", 3, ION_REFUSAL_IMAGE},
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (len >= formats[i].n && !memcmp(data, formats[i].magic, formats[i].n))
            return formats[i].what;
    if (len >= 4 && ((!u[0] && u[1]) || (u[0] && !u[1] && u[2] && !u[3])))
        return ION_REFUSAL_UTF16_NO_BOM;
    size_t bad = ion_utf8_invalid_at(data, len);
    for (size_t i = 0; i < len; i++) {
        unsigned c = u[i];
        if (i == bad)
            return ION_REFUSAL_NOT_UTF8;
        if (c == '\n')
            ++*line;
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return ION_REFUSAL_BINARY;
    }
    return ION_REFUSAL_NONE;
}

/* A file in UTF-16 or UTF-32 with a byte order mark (Notepad's
 * "Unicode"), converted to UTF-8 in p->utf8. Returns 1 when converted,
 * 0 when the file has no such mark, -1 with err filled when it does not
 * convert. */
static int from_utf16_32(ion_sub_parser *p, const char *data, size_t len, ion_error *err)
{
    const unsigned char *u = (const unsigned char *)data;
    const char *code = NULL;
    size_t bom = 0;
    if (len >= 4 && u[0] == 0xff && u[1] == 0xfe && !u[2] && !u[3])
        code = "UTF-32LE", bom = 4;
    else if (len >= 4 && !u[0] && !u[1] && u[2] == 0xfe && u[3] == 0xff)
        code = "UTF-32BE", bom = 4;
    else if (len >= 2 && u[0] == 0xff && u[1] == 0xfe)
        code = "UTF-16LE", bom = 2;
    else if (len >= 2 && u[0] == 0xfe && u[1] == 0xff)
        code = "UTF-16BE", bom = 2;
    if (!code)
        return 0;
    iconv_t cd = iconv_open("UTF-8", code);
    if (cd == (iconv_t)-1)
        return REFUSE(p, err, 0, ION_REFUSAL_CONVERT, code);
    ion_strbuf_reset(&p->utf8);
    char *in = (char *)data + bom;
    size_t left = len - bom;
    int ret = 1;
    while (left > 0 && ret > 0) {
        if (ion_strbuf_grow(&p->utf8, left * 2 + 16)) {
            ret = ion_fail_key(err, p->name, 0, "err.out_of_memory", "-");
            break;
        }
        char *out = p->utf8.s + p->utf8.len;
        size_t room = left * 2 + 16, before = room;
        if (iconv(cd, &in, &left, &out, &room) == (size_t)-1 && errno != E2BIG)
            ret = REFUSE(p, err, 0, ION_REFUSAL_BAD_ENCODING, code);
        p->utf8.len += before - room;
    }
    iconv_close(cd);
    return ret;
}

static size_t skip_bom(const char *data, size_t len)
{
    return len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3) ? 3 : 0;
}

/* The separator of a class CSV whose header line starts at data: ',',
 * ';' or a tab (spreadsheets in comma-decimal locales write the latter
 * two), the one that splits the header into several fields with a student
 * column among them; 0 when none does. */
static char csv_separator(const char *data, size_t len)
{
    static const char seps[] = {',', ';', '\t'};
    size_t end = 0;
    while (end < len && data[end] != '\n' && data[end] != '\r')
        end++;
    for (size_t k = 0; k < sizeof seps; k++) {
        int fields = 1, student = 0;
        for (size_t a = 0, b = 0; b <= end; b++) {
            if (b < end && data[b] != seps[k])
                continue;
            const char *s = data + a, *e = data + b;
            trim(&s, &e);
            if (e - s >= 2 && *s == '"' && e[-1] == '"')
                s++, e--;
            student |= student_header(s, (size_t)(e - s));
            if (b < end)
                fields++;
            a = b + 1;
        }
        if (fields >= 2 && student)
            return seps[k];
    }
    return 0;
}

ion_sub_format ion_sub_detect(const char *data, size_t len)
{
    size_t i = skip_bom(data, len);
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    if (i < len && data[i] == '<')
        return ION_SUB_XML;
    if (i < len && data[i] == '#')
        return ION_SUB_TEXT;
    return csv_separator(data + i, len - i) ? ION_SUB_CSV : ION_SUB_TEXT;
}

/* ---- text ---------------------------------------------------------------- */

/* Sets a header value (worksheet or student), refusing a second, different one. */
static int header_value(ion_sub_parser *p, const char *what, size_t *off, int *line, const char *v,
                        size_t n, int at, ion_error *err)
{
    char a[80], b[80];
    if (!n)
        return REFUSE(p, err, at, ION_REFUSAL_HEADER_EMPTY, what);
    if (*off != NO_OFFSET) {
        if (strlen(p->buf.s + *off) == n && !memcmp(p->buf.s + *off, v, n))
            return 0;
    {
        char was[16];
        snprintf(was, sizeof was, "%d", *line);
        return REFUSE(p, err, at, ION_REFUSAL_HEADER_TWICE, what, ion_utf8_clip(v, n, a, sizeof a), was,
                      ion_utf8_clip(p->buf.s + *off, strlen(p->buf.s + *off), b, sizeof b));
    }
    }
    if ((*off = add_str(p, v, n)) == NO_OFFSET)
        return ion_fail_key(err, p->name, at, "err.out_of_memory", "-");
    *line = at;
    return 0;
}

/* A part label at the start of a line and what ends it: "1a:", "1a =",
 * "1a)", "(1a)", "1a." before a blank, with full-width ')' and '='.
 * Returns the length of the separator after the label (the label is
 * [*k0, *k1)), or 0 when the line does not start so. */
static size_t part_label(const char *s, const char *end, const char **k0, const char **k1)
{
    int paren = s < end && *s == '(';
    const char *k = s + paren, *e = k;
    while (e < end && *e >= '0' && *e <= '9')
        e++;
    if (e == k || e >= end || !((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z')))
        return 0;
    e++;
    *k0 = k;
    *k1 = e;
    const char *t = e;
    if (paren) {
        if (t >= end || *t != ')')
            return 0;
        t++;
        return (size_t)(t - e); /* "(1a) 130.9": the ')' ends it */
    }
    while (t < end && (*t == ' ' || *t == '\t'))
        t++;
    if (t < end && (*t == ':' || *t == '=' || *t == ')'))
        return (size_t)(t + 1 - e);
    if (end - t >= 3 && (!memcmp(t, "\xef\xbc\x9a", 3) || !memcmp(t, "\xef\xbc\x89", 3) ||
                         !memcmp(t, "\xef\xbc\x9d", 3))) /* ： ） ＝ */
        return (size_t)(t + 3 - e);
    if (t == e && t + 1 < end && *t == '.' && (t[1] == ' ' || t[1] == '\t'))
        return 1;
    return 0;
}

static int parse_text(ion_sub_parser *p, const char *data, size_t len, ion_submission_fn fn,
                      void *ctx, ion_error *err)
{
    ion_submission s = {.format = ION_SUB_TEXT, .line = 1, .content = data, .content_len = len};
    size_t worksheet = NO_OFFSET, student = NO_OFFSET;
    char shown[80];
    const char *end = data + len, *k_start, *k_end;
    int line = 0;
    for (const char *pos = data + skip_bom(data, len); pos < end;) {
        const char *eol = memchr(pos, '\n', (size_t)(end - pos));
        if (!eol)
            eol = end;
        const char *s0 = pos, *s1 = eol;
        pos = eol + 1;
        line++;
        trim(&s0, &s1);
        if (s0 == s1 || *s0 == '#')
            continue;
        /* The separator: ':' or a full-width colon (U+FF1A), whichever
         * first; or a part label ("1a = 130.9", "1a) 130.9", "(1a) ..."). */
        const char *colon = s0;
        size_t seplen = part_label(s0, s1, &k_start, &k_end);
        if (seplen) {
            colon = k_end;
        } else {
            k_start = s0;
            for (; colon < s1; colon++) {
                if (*colon == ':') {
                    seplen = 1;
                    break;
                }
                if (s1 - colon >= 3 && !memcmp(colon, "\xef\xbc\x9a", 3)) {
                    seplen = 3;
                    break;
                }
            }
        }
        if (!seplen) {
            note(p, line, "err.sub.not_part_answer", "%s", ion_utf8_clip(s0, (size_t)(s1 - s0), shown, sizeof shown));
            continue;
        }
        const char *k0 = k_start, *k1 = colon, *v0 = colon + seplen, *v1 = s1;
        trim(&k0, &k1);
        /* " # ..." after an answer is a comment. */
        for (const char *h = v0; h < v1; h++)
            if (*h == '#' && (h == v0 || h[-1] == ' ' || h[-1] == '\t')) {
                v1 = h;
                break;
            }
        trim(&v0, &v1);
        size_t kn = (size_t)(k1 - k0), vn = (size_t)(v1 - v0);
        if (lower_eq(k0, kn, "worksheet")) {
            if (header_value(p, "worksheet", &worksheet, &s.worksheet_line, v0, vn, line, err) < 0)
                return -1;
        } else if (student_header(k0, kn)) { /* student, student id, id, ... */
            if (header_value(p, "student", &student, &s.student_line, v0, vn, line, err) < 0)
                return -1;
        } else if (lower_eq(k0, kn, "name") || lower_eq(k0, kn, "course") || lower_eq(k0, kn, "email")) {
            continue; /* informative only: the key knows them */
        } else if (part_like(k0, kn)) {
            if (vn && add_answer(p, k0, kn, v0, vn, line) < 0)
                return ion_fail_key(err, p->name, line, "err.out_of_memory", "-");
        } else {
            note(p, line, "err.sub.unknown_field", "%s", ion_utf8_clip(k0, kn, shown, sizeof shown));
        }
    }
    if (student == NO_OFFSET)
        return REFUSE(p, err, 0, ION_REFUSAL_NO_STUDENT);
    return deliver(p, &s, worksheet, student, fn, ctx);
}

/* ---- XML ----------------------------------------------------------------- */

static int is_elem(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name) && n->ns &&
           !strcmp((const char *)n->ns->href, SUB_NS);
}

static int xml_attr(ion_sub_parser *p, xmlNodePtr n, const char *name, size_t *off)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    *off = NO_OFFSET;
    if (!v)
        return 0;
    const char *s = (const char *)v, *e = s + strlen(s);
    trim(&s, &e);
    *off = e > s ? add_str(p, s, (size_t)(e - s)) : NO_OFFSET;
    xmlFree(v);
    return 0;
}

static int walk_xml(ion_sub_parser *p, xmlDocPtr doc, ion_submission *s, size_t *worksheet,
                    size_t *student, ion_error *err)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xml_attr(p, root, "worksheet", worksheet);
    xml_attr(p, root, "student", student);
    s->worksheet_line = s->student_line = (int)xmlGetLineNo(root);
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        int line = (int)xmlGetLineNo(n);
        if (!is_elem(n, "answer")) {
            note(p, line, "err.sub.unexpected_element", "%s", (const char *)n->name);
            continue;
        }
        xmlChar *part = xmlGetNoNsProp(n, (const xmlChar *)"part");
        xmlChar *text = xmlNodeGetContent(n);
        int ret = 0;
        if (!part) {
            note(p, line, "err.sub.answer_no_part", "-");
        } else {
            const char *k0 = (const char *)part, *k1 = k0 + strlen(k0);
            const char *v0 = text ? (const char *)text : "", *v1 = v0 + strlen(v0);
            trim(&k0, &k1);
            trim(&v0, &v1);
            if (v1 > v0)
                ret = add_answer(p, k0, (size_t)(k1 - k0), v0, (size_t)(v1 - v0), line);
        }
        xmlFree(part);
        xmlFree(text);
        if (ret < 0)
            return ion_fail_key(err, p->name, line, "err.out_of_memory", "-");
    }
    if (*student == NO_OFFSET)
        return REFUSE(p, err, s->student_line, ION_REFUSAL_NO_STUDENT_ATTR);
    return 0;
}

static int parse_xml(ion_sub_parser *p, const char *data, size_t len, ion_submission_fn fn,
                     void *ctx, ion_error *err)
{
    int dt = ion_xml_doctype_line(data, len);
    if (dt)
        return REFUSE(p, err, dt, ION_REFUSAL_DOCTYPE);
    xmlSchemaPtr schema = NULL;
    if (p->xsd_path && !(schema = ion_xml_schema(p->xsd_path, err)))
        return -1;
    xmlDocPtr doc = ion_xml_read(data, len, p->name, ION_XML_LOWER_CASE, err);
    if (!doc)
        return -1;
    int ret = 0;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || !is_elem(root, "submission")) {
        /* Before the schema, whose words for this are obscure. */
        ret = REFUSE(p, err, root ? (int)xmlGetLineNo(root) : 0, ION_REFUSAL_NOT_SUBMISSION, SUB_NS);
    } else if (schema) {
        ret = ion_xml_validate(doc, schema, p->name, ION_XML_LOWER_CASE, "err.sub.schema",
                               NULL, err);
    }
    ion_submission s = {.format = ION_SUB_XML, .line = 1, .content = data, .content_len = len};
    size_t worksheet = NO_OFFSET, student = NO_OFFSET;
    if (ret == 0)
        ret = walk_xml(p, doc, &s, &worksheet, &student, err);
    xmlFreeDoc(doc);
    return ret < 0 ? ret : deliver(p, &s, worksheet, student, fn, ctx);
}

/* ---- a class CSV --------------------------------------------------------- */

typedef struct {
    size_t student, worksheet; /* column indexes, NO_OFFSET when absent */
    size_t ncols;
    size_t *part; /* per column: offset of the part id in the header buffer, or NO_OFFSET */
    char *names;  /* the header's part ids */
} csv_header;

static int read_header(ion_sub_parser *p, const ion_csv_record *rec, csv_header *h, ion_error *err)
{
    h->student = h->worksheet = NO_OFFSET;
    h->ncols = rec->n;
    h->part = malloc(rec->n * sizeof *h->part);
    h->names = malloc(rec->n * 8 + 1);
    if (!h->part || !h->names)
        return ion_fail_key(err, p->name, rec->line, "err.out_of_memory", "-");
    size_t used = 0, nparts = 0;
    for (size_t i = 0; i < rec->n; i++) {
        const char *s = rec->field[i], *e = s + rec->len[i];
        trim(&s, &e);
        size_t n = (size_t)(e - s);
        h->part[i] = NO_OFFSET;
        if (h->student == NO_OFFSET && student_header(s, n)) {
            h->student = i;
        } else if (lower_eq(s, n, "worksheet")) {
            h->worksheet = i;
        } else if (part_like(s, n)) {
            memcpy(h->names + used, s, n);
            h->names[used + n] = '\0';
            h->part[i] = used;
            used += n + 1;
            nparts++;
        }
    }
    if (h->student == NO_OFFSET)
        return REFUSE(p, err, rec->line, ION_REFUSAL_NO_STUDENT_COLUMN);
    /* Our own output, e.g. a gradebook left among the submissions. */
    if (rec->n >= 5 && lower_eq(rec->field[2], rec->len[2], "total") &&
        lower_eq(rec->field[3], rec->len[3], "max") && lower_eq(rec->field[4], rec->len[4], "percent"))
        return REFUSE(p, err, rec->line, ION_REFUSAL_GRADEBOOK);
    if (!nparts)
        return REFUSE(p, err, rec->line, ION_REFUSAL_NO_COLUMNS);
    return 0;
}

/* A row's student, worksheet and answers, and the row in a canonical form
 * (student, then part<TAB>answer lines) as its content for the bank. */
static int deliver_row(ion_sub_parser *p, const csv_header *h, const ion_csv_record *rec,
                       ion_submission_fn fn, void *ctx, ion_error *err)
{
    reset(p, p->name);
    ion_submission s = {.format = ION_SUB_CSV, .line = rec->line};
    size_t student = NO_OFFSET, worksheet = NO_OFFSET;
    int any = 0;
    for (size_t i = 0; i < rec->n && i < h->ncols; i++) {
        const char *v0 = rec->field[i], *v1 = v0 + rec->len[i];
        trim(&v0, &v1);
        size_t vn = (size_t)(v1 - v0);
        if (!vn)
            continue;
        any = 1;
        if (i == h->student) {
            student = add_str(p, v0, vn);
            s.student_line = rec->line;
        } else if (i == h->worksheet) {
            worksheet = add_str(p, v0, vn);
            s.worksheet_line = rec->line;
        } else if (h->part[i] != NO_OFFSET) {
            const char *part = h->names + h->part[i];
            if (add_answer(p, part, strlen(part), v0, vn, rec->line) < 0)
                return ion_fail_key(err, p->name, rec->line, "err.out_of_memory", "-");
        }
    }
    if (!any)
        return 0; /* a row of empty cells */
    if (rec->n > h->ncols)
        note(p, rec->line, "err.sub.extra_fields", "%zu%zu", rec->n, h->ncols);
    /* The canonical content, after the strings the answers point into. */
    size_t start = p->buf.len;
    if (append_copy(p, student, '\n') < 0)
        return ion_fail_key(err, p->name, rec->line, "err.out_of_memory", "-");
    for (size_t i = 0; i < p->nraw; i++)
        if (append_copy(p, p->raw[i].part, '\t') < 0 || append_copy(p, p->raw[i].text, '\n') < 0)
            return ion_fail_key(err, p->name, rec->line, "err.out_of_memory", "-");
    s.content = p->buf.s + start; /* the buffer does not move from here on */
    s.content_len = p->buf.len - start;
    return deliver(p, &s, worksheet, student, fn, ctx);
}

static int parse_csv(ion_sub_parser *p, const char *data, size_t len, ion_submission_fn fn,
                     void *ctx, ion_error *err)
{
    /* A first pass refuses a broken file before any row is graded. */
    ion_csv_record rec;
    int rc;
    size_t start = skip_bom(data, len);
    while (start < len && (data[start] == ' ' || data[start] == '\t' || data[start] == '\r' || data[start] == '\n'))
        start++;
    char sep = csv_separator(data + start, len - start);
    ion_csv *r = ion_csv_new(data, len, p->name);
    if (!r)
        return ion_fail_key(err, p->name, 0, "err.out_of_memory", "-");
    ion_csv_set_separator(r, sep);
    while ((rc = ion_csv_next(r, &rec, err)) == 1)
        ;
    ion_csv_free(r);
    if (rc < 0)
        return -1;
    if (!(r = ion_csv_new(data, len, p->name)))
        return ion_fail_key(err, p->name, 0, "err.out_of_memory", "-");
    ion_csv_set_separator(r, sep);
    csv_header h = {0};
    int ret = ion_csv_next(r, &rec, err) == 1 ? read_header(p, &rec, &h, err) : -1;
    int header_line = rec.line, rows = 0;
    while (ret == 0 && (rc = ion_csv_next(r, &rec, err)) == 1) {
        ret = deliver_row(p, &h, &rec, fn, ctx, err);
        rows++;
    }
    if (ret == 0 && !rows)
        ret = REFUSE(p, err, header_line, ION_REFUSAL_NO_ROWS);
    free(h.part);
    free(h.names);
    ion_csv_free(r);
    return ret;
}

int ion_sub_parse(ion_sub_parser *p, const char *data, size_t len, const char *name,
                  ion_submission_fn fn, void *ctx, ion_error *err)
{
    reset(p, name ? name : "-");
    name = p->name;
    int wide = len <= ION_SUBMISSION_MAX_CSV_BYTES ? from_utf16_32(p, data, len, err) : 0;
    if (wide < 0)
        return -1;
    if (wide) {
        data = p->utf8.s;
        len = p->utf8.len;
    }
    /* Size first: a huge file is refused for that, whatever it holds. */
    ion_sub_format f = ion_sub_detect(data, len);
    size_t max = f == ION_SUB_CSV ? ION_SUBMISSION_MAX_CSV_BYTES : ION_SUBMISSION_MAX_BYTES;
    if (len > max)
    {
        char n[32];
        snprintf(n, sizeof n, "%zu", max);
        return REFUSE(p, err, 0, ION_REFUSAL_TOO_LARGE, n);
    }
    size_t i = skip_bom(data, len);
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    if (i == len)
        return REFUSE(p, err, 0, ION_REFUSAL_EMPTY);
    int line;
    ion_refusal why = not_text(data, len, &line);
    if (why != ION_REFUSAL_NONE)
        return REFUSE(p, err, line, why);
    if (f == ION_SUB_XML)
        return parse_xml(p, data, len, fn, ctx, err);
    if (f == ION_SUB_CSV)
        return parse_csv(p, data, len, fn, ctx, err);
    return parse_text(p, data, len, fn, ctx, err);
}

int ion_sub_parse_file(ion_sub_parser *p, const char *path, ion_submission_fn fn, void *ctx,
                       ion_error *err)
{
    const size_t limit = ION_SUBMISSION_MAX_CSV_BYTES;
    struct stat st;
    reset(p, path);
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return REFUSE(p, err, 0, ION_REFUSAL_NOT_REGULAR);
    ion_strbuf_reset(&p->file);
    char n[32];
    switch (ion_strbuf_read_file(&p->file, path, limit)) {
    case ION_READ_OK:
        return ion_sub_parse(p, p->file.s, p->file.len, path, fn, ctx, err);
    case ION_READ_OPEN:
        return REFUSE(p, err, 0, ION_REFUSAL_CANNOT_OPEN);
    case ION_READ_TOO_LARGE:
        snprintf(n, sizeof n, "%zu", limit);
        return REFUSE(p, err, 0, ION_REFUSAL_TOO_LARGE, n);
    default:
        return REFUSE(p, err, 0, ION_REFUSAL_CANNOT_READ);
    }
}

const char *ion_sub_parser_refusal(const ion_sub_parser *p)
{
    return p->refusal;
}
