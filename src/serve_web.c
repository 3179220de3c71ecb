/* The web server's routes: the student's worksheet page and its answers,
 * the instructor's pages, the drill (serve_drill.c), the stylesheet. Every
 * refusal is a page of its own status; an unknown or wrong token is the
 * same 404 as an unknown path. */
#include "serve_web.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bank.h"
#include "grade_record.h"
#include "serve_html.h"
#include "printed.h"
#include "submission.h"
#include "text.h"

/* ---- small things ---- */

/* ?lang=LANG, else the first language of Accept-Language we have (by its
 * primary tag: zh-CN is zh), else en; LANG a language of the catalogue
 * (ion_text_language), as its file spells it. */
const char *ion_web_page_lang(const ion_web_request *rq)
{
    const char *q = MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, "lang");
    const char *lang = q ? ion_text_language(q, strlen(q)) : NULL;
    if (lang)
        return lang;
    const char *al = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Accept-Language");
    for (const char *p = al; p && *p;) {
        p += strspn(p, " ,");
        if ((lang = ion_text_language(p, strcspn(p, "-_;, "))))
            return lang;
        p += strcspn(p, ",");
    }
    return "en";
}

void ion_web_refuse(ion_web_reply *rep, const ion_web_request *rq, unsigned status)
{
    const char *lang = ion_web_page_lang(rq);
    ion_word w = status == 403   ? W_FORBIDDEN
                 : status == 404 ? W_NOT_FOUND
                 : status == 405 ? W_BAD_METHOD
                 : status == 413 ? W_TOO_LARGE
                 : status == 429 ? W_TOO_MANY
                                 : W_ERROR;
    char heading[16];
    snprintf(heading, sizeof heading, "%u", status);
    ion_strbuf_reset(&rep->body);
    ion_html_message(&rep->body, lang, heading, ion_word_get(w, lang));
    rep->status = status;
    rep->type = NULL;
    rep->location[0] = rep->cookie[0] = rep->disposition[0] = '\0';
}

/* An application/x-www-form-urlencoded body, decoded in a copy. */

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes s in place ('+' is a space, %XX a byte); a NUL byte or a bad
 * escape makes the field unusable (-1). */
static int url_decode(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '+') {
            *w++ = ' ';
        } else if (*r == '%') {
            int hi = hexval(r[1]), lo = hi < 0 ? -1 : hexval(r[2]);
            if (lo < 0 || (hi == 0 && lo == 0))
                return -1;
            *w++ = (char)(hi * 16 + lo);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return 0;
}

int ion_web_form_parse(ion_web_form *f, const char *body, size_t len)
{
    memset(f, 0, sizeof *f);
    if (!(f->buf = malloc(len + 1)))
        return -1;
    memcpy(f->buf, body, len);
    f->buf[len] = '\0';
    for (char *p = f->buf; p && *p && f->n < 256;) {
        char *amp = strchr(p, '&');
        if (amp)
            *amp = '\0';
        char *eq = strchr(p, '=');
        if (eq) {
            *eq = '\0';
            if (!url_decode(p) && !url_decode(eq + 1) && !ion_bank_text_problem(p, 64) &&
                (!eq[1] || !ion_bank_text_problem(eq + 1, 4096))) {
                f->names[f->n] = p;
                f->values[f->n++] = eq + 1;
            }
        }
        p = amp ? amp + 1 : NULL;
    }
    return 0;
}

const char *ion_web_form_get(const ion_web_form *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->names[i], name))
            return f->values[i];
    return NULL;
}

static void now_utc(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M", &tm);
}

/* Past the due date: a date alone is due at the end of that day (UTC). */
static int past_due(const char *due)
{
    char now[32], end[32];
    if (!due || !*due)
        return 0;
    snprintf(end, sizeof end, "%s%s", due, strlen(due) == 10 ? "T23:59" : "");
    now_utc(now, sizeof now);
    return strcmp(now, end) > 0;
}

/* ---- the student's recorded answers ---- */

typedef struct {
    int64_t id;
    char received[32];
    ion_status status; /* GRADED, else `grade` refused it or found it in conflict */
    char reason[256];  /* then: why */
} latest_sub;

static int take_latest(const ion_bank_submission *s, void *ctx)
{
    latest_sub *l = ctx;
    l->id = s->id;
    snprintf(l->received, sizeof l->received, "%s", s->received);
    l->status = s->status;
    snprintf(l->reason, sizeof l->reason, "%s", s->reason ? s->reason : "");
    return 1; /* the latest comes first */
}

/* What the student's latest hand-in became when `grade` could not grade
 * it, in lang (the reason of a refusal too), into note. */
static void not_graded_note(const latest_sub *l, const char *lang, char *note, size_t n)
{
    char why[512];
    int refused = l->status == ION_STATUS_REFUSED;
    if (refused)
        ion_text_refused_file(lang, l->reason, why, sizeof why);
    else
        snprintf(why, sizeof why, "%s", l->reason);
    char *text = ion_text_format(lang, refused ? "web.latest_refused" : "web.latest_conflict", "time",
                                 l->received, "why", why, (const char *)NULL);
    snprintf(note, n, "%s", text ? text : "");
    free(text);
}

/* The recorded grades of one submission, in the sheet's part order. */
typedef struct {
    const ion_worksheet *w;
    ion_html_answer *answers;
    ion_strbuf pool; /* the strings, NUL-separated; offsets until done */
    size_t *answer_at, *feedback_at;
} recorded;

static long part_index(const ion_worksheet *w, const char *id)
{
    long k = 0;
    char pid[32];
    for (size_t i = 0; i < w->ws.n; i++)
        for (size_t j = 0; j < w->templates[i]->nparts; j++, k++)
            if (!strcasecmp(ion_printed_part_id(i, &w->templates[i]->parts[j], pid, sizeof pid), id))
                return k;
    return -1;
}

static size_t pool_add(ion_strbuf *b, const char *s)
{
    if (!s)
        return 0;
    size_t at = b->len + 1; /* 0 means none */
    ion_strbuf_add(b, s, strlen(s) + 1);
    return at;
}

static int take_grade(const ion_bank_grade *g, void *ctx)
{
    recorded *r = ctx;
    long k = part_index(r->w, g->part_id);
    if (k < 0)
        return 0;
    r->answers[k].score = g->score;
    r->answers[k].max = g->max_score;
    r->answer_at[k] = pool_add(&r->pool, g->answer);
    r->answers[k].verdict = g->verdict;
    r->feedback_at[k] = pool_add(&r->pool, g->feedback);
    return 0;
}

static size_t count_parts(const ion_worksheet *w)
{
    size_t n = 0;
    for (size_t i = 0; i < w->ws.n; i++)
        n += w->templates[i]->nparts;
    return n;
}

/* r for the parts of w, their answers NULL until take_grade fills them. */
static int recorded_new(recorded *r, const ion_worksheet *w, ion_error *err)
{
    size_t n = count_parts(w) + 1;
    memset(r, 0, sizeof *r);
    r->w = w;
    r->answers = calloc(n, sizeof *r->answers);
    r->answer_at = calloc(n, sizeof *r->answer_at);
    r->feedback_at = calloc(n, sizeof *r->feedback_at);
    if (!r->answers || !r->answer_at || !r->feedback_at)
        return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    return 0;
}

/* The grades taken, as the page's answers. */
static int recorded_done(recorded *r, ion_error *err)
{
    size_t n = count_parts(r->w) + 1;
    if (r->pool.oom)
        return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    for (size_t k = 0; k + 1 < n; k++) {
        r->answers[k].answer = r->answer_at[k] ? r->pool.s + r->answer_at[k] - 1 : NULL;
        r->answers[k].feedback = r->feedback_at[k] ? r->pool.s + r->feedback_at[k] - 1 : NULL;
    }
    return 0;
}

static void recorded_release(recorded *r)
{
    free(r->answers);
    free(r->answer_at);
    free(r->feedback_at);
    ion_strbuf_release(&r->pool);
}

/* ---- the student's page ---- */

typedef struct {
    ion_server *srv;
    const ion_classroom *c;
    size_t student;
    const char *token;
    const char *lang;
} student_ctx;

/* Grades the answers (an answer file's text) and records them, as `grade`
 * does; fills *ok when recorded. */
typedef struct {
    ion_server *srv;
    const ion_classroom *c;
    const char *lang;
    ion_error *err;
    recorded *rec; /* what was recorded, for the page */
    int recorded;
} submit_ctx;

static int grade_and_record(const ion_submission *s, void *ctx)
{
    submit_ctx *sc = ctx;
    const ion_result *r;
    ion_gradebook *gb = ion_gradebook_new(sc->c->key, sc->lang);
    if (!gb)
        return ion_fail_key(sc->err, NULL, 0, "err.out_of_memory", "-"), 1;
    /* Grading needs no lock: the classes' keys are whole, only read (grade.h). */
    int bad = ion_gradebook_grade(gb, s, &r, NULL, NULL, sc->err) < 0;
    if (!bad) {
        ion_bank *b = ion_web_writer_get(sc->srv);
        bad = ion_bank_begin(b, sc->err) || ion_gradebook_record(gb, b, s, r, sc->err) < 0 ||
              ion_bank_commit(b, sc->err);
        if (bad)
            ion_bank_rollback(b, NULL);
        ion_web_writer_put(sc->srv);
    }
    /* The page shows what was recorded: the rows just committed, as the
     * bank would give them back, without reading them again. */
    char text[2048];
    for (size_t j = 0; !bad && j < r->nparts; j++) {
        ion_bank_grade g;
        ion_gradebook_grade_row(&r->parts[j], text, sizeof text, &g);
        take_grade(&g, sc->rec);
    }
    sc->recorded = !bad;
    ion_gradebook_free(gb);
    return bad;
}

/* The form's answers as an answer file, parsed by the answer-file parser. */
static int submit(const student_ctx *st, const ion_worksheet *w, const ion_web_form *f, recorded *rec,
                  ion_error *err)
{
    size_t n = count_parts(w), k = 0;
    const char **parts = calloc(n + 1, sizeof *parts), **answers = calloc(n + 1, sizeof *answers);
    char(*ids)[32] = calloc(n + 1, sizeof *ids);
    int ret = -1;
    if (!parts || !answers || !ids) {
        ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        goto done;
    }
    for (size_t i = 0; i < w->ws.n; i++)
        for (size_t j = 0; j < w->templates[i]->nparts; j++) {
            const char *id = ion_printed_part_id(i, &w->templates[i]->parts[j], ids[k], sizeof ids[k]);
            const char *v = ion_web_form_get(f, id);
            if (v && *v) {
                parts[k] = id;
                answers[k++] = v;
            }
        }
    size_t len;
    char *text = ion_classroom_answer_file(st->c, st->student, k, parts, answers, &len);
    ion_sub_parser *p = ion_sub_parser_new(NULL);
    submit_ctx sc = {st->srv, st->c, st->lang, err, rec, 0};
    if (!text || !p)
        ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    else if (ion_sub_parse(p, text, len, "web", grade_and_record, &sc, err) == 0 && sc.recorded)
        ret = 0;
    ion_sub_parser_free(p);
    free(text);
done:
    free(parts);
    free(answers);
    free(ids);
    return ret;
}

static void student_page(const student_ctx *st, const ion_web_request *rq, ion_web_reply *rep, int post)
{
    const ion_classroom *c = st->c;
    const ion_class_student *cs = &c->students[st->student];
    char scope[200], csrf[ION_TOKEN_LEN + 1], action[64], drill[80], note[768];
    snprintf(scope, sizeof scope, "s:%s/%s/%s", c->w.ws.course, c->w.ws.name, cs->id);
    ion_web_csrf(st->srv, scope, csrf);
    ion_web_form f = {0};
    if (post && (ion_web_form_parse(&f, rq->body, rq->body_len) ||
                 !ion_web_csrf_ok(st->srv, scope, ion_web_form_get(&f, "csrf")))) {
        free(f.buf);
        ion_web_refuse(rep, rq, 403);
        return;
    }
    int closed = past_due(c->w.ws.due);
    if (post && closed) {
        free(f.buf);
        ion_web_refuse(rep, rq, 403);
        return;
    }
    ion_error err = {0};
    ion_bank *b = ion_web_bank_get(st->srv);
    ion_instance *inst = calloc(c->w.ws.n ? c->w.ws.n : 1, sizeof *inst);
    recorded r = {0};
    latest_sub latest = {0, "", ION_STATUS_GRADED, ""};
    size_t inited = 0;
    int ok = inst != NULL;
    for (; ok && inited < c->w.ws.n; inited++)
        ok = ion_instance_init(&inst[inited], c->w.templates[inited]) == 0;
    ok = ok && ion_classroom_instances(c, st->student, inst, &err) == 0;
    ion_student_sheet ss = {.w = &c->w, .id = cs->id, .name = cs->name, .inst = inst, .n = c->w.ws.n, .count = 1, .own = 1};
    ok = ok && recorded_new(&r, &c->w, &err) == 0;
    if (post)
        ok = ok && submit(st, &c->w, &f, &r, &err) == 0;
    else
        ok = ok && ion_bank_submission_list(b, c->w.ws.course, c->w.ws.name, cs->id, take_latest, &latest, &err) >= 0 &&
             (!latest.id || ion_bank_grade_list(b, latest.id, take_grade, &r, &err) >= 0);
    ok = ok && recorded_done(&r, &err) == 0;
    ion_web_bank_put(st->srv, b);
    int submitted = post || latest.id;
    if (ok) {
        snprintf(action, sizeof action, "/s/%s", st->token);
        snprintf(drill, sizeof drill, "/s/%s/drill", st->token);
        /* The worksheet's feedback policy (worksheet create --feedback). */
        const char *policy = c->w.ws.feedback ? c->w.ws.feedback : "immediate";
        int verdicts = !strcmp(policy, "immediate") || (!strcmp(policy, "after-due") && closed);
        const char *later = !strcmp(policy, "never")     ? ion_word_get(W_NO_FEEDBACK, st->lang)
                            : !verdicts && submitted ? ion_word_get(W_AFTER_DUE, st->lang)
                                                     : "";
        if (post)
            snprintf(note, sizeof note, "%s %s", ion_word_get(W_RECEIVED, st->lang), later);
        else if (latest.id && latest.status != ION_STATUS_GRADED)
            not_graded_note(&latest, st->lang, note, sizeof note);
        else if (latest.id)
            snprintf(note, sizeof note, "%s %s. %s", ion_word_get(W_YOUR_LATEST, st->lang), latest.received, later);
        else
            note[0] = '\0';
        int solutions = closed && strcmp(policy, "never");
        ion_html_sheet_page page = {st->lang, &ss,      r.answers, verdicts,  note[0] ? note : NULL,
                                    action,   csrf,     closed,    drill,     solutions};
        ion_html_sheet(&rep->body, &page);
        rep->status = 200;
    } else {
        ion_web_log(st->srv, err.msg[0] ? err.msg : "out of memory");
        ion_web_refuse(rep, rq, 500);
    }
    recorded_release(&r);
    for (size_t i = 0; i < inited; i++)
        ion_instance_release(&inst[i]);
    free(inst);
    free(f.buf);
}

/* ---- the instructor's pages ---- */

/* Worksheet name[0..len) of course (NULL: the only one of that name). */
static const ion_classroom *find_class(const snapshot *sn, const char *name, size_t len, const char *course)
{
    const ion_classroom *found = NULL;
    for (size_t i = 0; i < sn->n; i++) {
        const ion_classroom *c = &sn->classes[i];
        if (strlen(c->w.ws.name) != len || strncmp(c->w.ws.name, name, len) ||
            (course && strcmp(c->w.ws.course, course)))
            continue;
        if (found)
            return NULL; /* the name in two courses: the link says which */
        found = c;
    }
    return found;
}

/* href="/instructor/NAME{suffix}{tail}?course=COURSE" (the course
 * percent-encoded: it is free text). */
static void ws_href(ion_strbuf *b, const ion_classroom *c, const char *suffix, const char *tail)
{
    ion_strbuf_puts(b, "href=\"/instructor/");
    ion_html_text(b, c->w.ws.name);
    ion_html_text(b, suffix);
    ion_html_text(b, tail);
    ion_strbuf_puts(b, "?course=");
    for (const unsigned char *p = (const unsigned char *)c->w.ws.course; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p))
            ion_strbuf_addch(b, (char)*p);
        else
            ion_strbuf_printf(b, "%%%02X", *p);
    ion_strbuf_puts(b, "\"");
}

static void instructor_nav(ion_strbuf *b, const char *lang)
{
    ion_strbuf_printf(b, "<nav><a href=\"/instructor\">%s</a></nav>", ion_word_get(W_WORKSHEETS, lang));
}

static void instructor_home(const snapshot *sn, const char *lang, ion_web_reply *rep)
{
    ion_strbuf *b = &rep->body;
    ion_html_begin(b, lang, ion_word_get(W_WORKSHEETS, lang));
    ion_strbuf_printf(b, "<h1>%s</h1><ul>", ion_word_get(W_WORKSHEETS, lang));
    for (size_t i = 0; i < sn->n; i++) {
        const ion_classroom *c = &sn->classes[i];
        ion_strbuf_puts(b, "<li><a ");
        ws_href(b, c, "", "");
        ion_strbuf_puts(b, ">");
        ion_html_text(b, c->w.ws.course);
        ion_strbuf_puts(b, " / ");
        ion_html_text(b, c->w.ws.name);
        ion_strbuf_puts(b, "</a> · ");
        ion_html_text(b, c->w.ws.title);
        ion_strbuf_printf(b, " · %s %zu</li>", ion_word_get(W_STUDENT, lang), c->n);
    }
    ion_strbuf_puts(b, "</ul>");
    ion_html_end(b);
    rep->status = 200;
}

/* The histogram of totals as an inline SVG: ten bars, no script. */
static void histogram(ion_strbuf *b, const ion_grade_stats *st, const char *lang)
{
    size_t most = 1;
    for (int i = 0; i < ION_GRADE_BINS; i++)
        if (st->bins[i] > most)
            most = st->bins[i];
    ion_strbuf_printf(b, "<h2>%s</h2><svg viewBox=\"0 0 420 170\" width=\"420\" height=\"170\" role=\"img\""
                         " aria-label=\"%s\">",
                      ion_word_get(W_HISTOGRAM, lang), ion_word_get(W_HISTOGRAM, lang));
    for (int i = 0; i < ION_GRADE_BINS; i++) {
        double h = 120.0 * (double)st->bins[i] / (double)most;
        ion_strbuf_printf(b, "<rect x=\"%d\" y=\"%.1f\" width=\"34\" height=\"%.1f\" fill=\"#1f5fbf\"/>"
                             "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%zu</text>"
                             "<text x=\"%d\" y=\"160\" font-size=\"10\" text-anchor=\"middle\">%d</text>",
                          10 + 40 * i, 135 - h, h, 27 + 40 * i, 131 - h, st->bins[i], 27 + 40 * i, 10 * i);
    }
    ion_strbuf_puts(b, "<line x1=\"5\" y1=\"135\" x2=\"415\" y2=\"135\" stroke=\"#333\"/></svg>");
}

static void gradebook_page(const ion_classroom *c, const ion_gradebook *gb, const char *lang, ion_web_reply *rep)
{
    ion_strbuf *b = &rep->body;
    const ion_answer_key *k = c->key;
    ion_html_begin(b, lang, c->w.ws.title);
    instructor_nav(b, lang);
    ion_strbuf_puts(b, "<h1>");
    ion_html_text(b, c->w.ws.title);
    ion_strbuf_printf(b, "</h1><p class=\"meta\">%s · ", ion_word_get(W_GRADEBOOK, lang));
    ion_html_text(b, c->w.ws.name);
    ion_strbuf_puts(b, "</p><p><a ");
    ws_href(b, c, "/gradebook.csv", "");
    ion_strbuf_printf(b, " download>%s</a></p>", ion_word_get(W_DOWNLOAD, lang));
    ion_grade_stats st;
    if (ion_gradebook_stats(gb, &st)) /* out of memory: the page fails (500) */
        b->oom = 1;
    histogram(b, &st, lang);
    ion_strbuf_printf(b, "<h2>%s</h2><ul>", ion_word_get(W_NOT_SUBMITTED, lang));
    size_t missing = 0, not_graded = 0;
    for (size_t i = 0; i < ion_answer_key_students(k); i++)
        if (ion_gradebook_status(gb, i, NULL) == ION_STATUS_MISSING) {
            missing++;
            ion_strbuf_puts(b, "<li>");
            ion_html_text(b, ion_answer_key_student_id(k, i));
            ion_strbuf_puts(b, " · ");
            ion_html_text(b, ion_answer_key_student_name(k, i));
            ion_strbuf_puts(b, "</li>");
        }
    if (!missing)
        ion_strbuf_printf(b, "<li>%s</li>", ion_word_get(W_NONE, lang));
    /* Refused and in conflict, with the reasons `grade` gave. */
    for (size_t i = 0; i < ion_answer_key_students(k); i++) {
        char *line = ion_gradebook_status_line(gb, i);
        if (!line)
            continue;
        if (!not_graded++)
            ion_strbuf_printf(b, "</ul><h2>%s</h2><ul class=\"not-graded\">", ion_word_get(W_NOT_GRADED, lang));
        ion_strbuf_puts(b, "<li>");
        ion_html_text(b, line);
        ion_strbuf_puts(b, "</li>");
        free(line);
    }
    ion_strbuf_printf(b, "</ul><h2>%s</h2><table class=\"book\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%%</th>",
                      ion_word_get(W_GRADEBOOK, lang), ion_word_get(W_STUDENT, lang), ion_word_get(W_NAME, lang),
                      ion_word_get(W_TOTAL, lang));
    for (size_t j = 0; j < ion_answer_key_parts(k); j++) {
        ion_strbuf_puts(b, "<th>");
        ion_html_text(b, ion_answer_key_part_id(k, j));
        ion_strbuf_puts(b, "</th>");
    }
    ion_strbuf_puts(b, "</tr></thead><tbody>");
    for (size_t i = 0; i < ion_answer_key_students(k); i++) {
        const ion_result *r = ion_gradebook_result(gb, i);
        const char *id = ion_answer_key_student_id(k, i);
        double max = ion_answer_key_student_max(k, i), total = r ? r->total : 0;
        ion_strbuf_puts(b, "<tr><td><a ");
        ws_href(b, c, "/student/", id);
        ion_strbuf_puts(b, ">");
        ion_html_text(b, id);
        ion_strbuf_puts(b, "</a></td><td>");
        ion_html_text(b, ion_answer_key_student_name(k, i));
        ion_strbuf_printf(b, "</td><td>%g/%g</td><td>%.1f</td>", total, max, max > 0 ? 100 * total / max : 0);
        for (size_t j = 0; j < ion_answer_key_parts(k); j++) {
            const ion_part_result *p = NULL;
            for (size_t q = 0; r && q < r->nparts; q++)
                if (r->parts[q].column == j)
                    p = &r->parts[q];
            ion_status status = ion_gradebook_status(gb, i, NULL);
            if (p) {
                ion_strbuf_printf(b, "<td class=\"%s\">%g</td>", ion_verdict_name(p->verdict), p->score);
            } else {
                ion_strbuf_printf(b, "<td class=\"%s\">", ion_status_name(status));
                ion_html_text(b, ion_status_word(status, lang));
                ion_strbuf_puts(b, "</td>");
            }
        }
        ion_strbuf_puts(b, "</tr>");
    }
    ion_strbuf_puts(b, "</tbody></table>");
    ion_html_end(b);
    rep->status = 200;
}

typedef struct {
    ion_strbuf *out;
    const char *lang;
} history_ctx;

static int history_grade(const ion_bank_grade *g, void *ctx)
{
    const history_ctx *h = ctx;
    ion_strbuf *b = h->out;
    ion_strbuf_puts(b, "<tr><td>");
    ion_html_text(b, g->part_id);
    ion_strbuf_puts(b, "</td><td>");
    ion_html_text(b, g->answer ? g->answer : "");
    ion_strbuf_puts(b, "</td><td class=\"");
    ion_html_text(b, ion_verdict_name(g->verdict));
    ion_strbuf_puts(b, "\">");
    ion_html_text(b, ion_verdict_word(g->verdict, h->lang));
    ion_strbuf_printf(b, "</td><td>%g/%g</td><td>", g->score, g->max_score);
    ion_html_text(b, g->feedback ? g->feedback : "");
    ion_strbuf_puts(b, "</td></tr>");
    return 0;
}

typedef struct {
    int64_t ids[512];
    char received[512][24];
    char file[512][64];
    ion_status status[512];
    char reason[512][256]; /* refused or conflict: why (ion_bank_submission) */
    size_t n;
} sub_list;

static int history_sub(const ion_bank_submission *s, void *ctx)
{
    sub_list *l = ctx;
    l->ids[l->n] = s->id; /* the latest first */
    snprintf(l->received[l->n], sizeof l->received[0], "%s", s->received);
    snprintf(l->file[l->n], sizeof l->file[0], "%s", s->source_file);
    l->status[l->n] = s->status;
    snprintf(l->reason[l->n], sizeof l->reason[0], "%s", s->reason ? s->reason : "");
    return ++l->n == 512; /* the oldest beyond 512 are left out */
}

static void history_page(ion_server *srv, const ion_classroom *c, const char *id, const char *lang,
                         const ion_web_request *rq, ion_web_reply *rep)
{
    long i = ion_classroom_find(c, id);
    if (i < 0) {
        ion_web_refuse(rep, rq, 404);
        return;
    }
    ion_error err = {0};
    sub_list *l = calloc(1, sizeof *l);
    ion_bank *b = ion_web_bank_get(srv);
    ion_strbuf *out = &rep->body;
    int bad = !l || ion_bank_submission_list(b, c->w.ws.course, c->w.ws.name, id, history_sub, l, &err) < 0;
    if (!bad) {
        ion_html_begin(out, lang, ion_word_get(W_HISTORY, lang));
        instructor_nav(out, lang);
        ion_strbuf_printf(out, "<h1>%s</h1><p class=\"meta\">", ion_word_get(W_HISTORY, lang));
        ion_html_text(out, c->w.ws.name);
        ion_strbuf_puts(out, " · ");
        ion_html_text(out, c->students[i].id);
        ion_strbuf_puts(out, " · ");
        ion_html_text(out, c->students[i].name);
        ion_strbuf_puts(out, "</p>");
        if (!l->n)
            ion_strbuf_printf(out, "<p>%s</p>", ion_word_get(W_NONE, lang));
        for (size_t k = 0; !bad && k < l->n; k++) {
            ion_strbuf_printf(out, "<h2>%s ", ion_word_get(W_TIME, lang));
            ion_html_text(out, l->received[k]);
            ion_strbuf_puts(out, " · ");
            ion_html_text(out, l->file[k]);
            ion_strbuf_puts(out, "</h2>");
            if (l->status[k] != ION_STATUS_GRADED) { /* what `grade` found instead of a gradable file */
                char why[512];
                if (l->status[k] == ION_STATUS_REFUSED)
                    ion_text_refused_file(lang, l->reason[k], why, sizeof why);
                else
                    snprintf(why, sizeof why, "%s", l->reason[k]);
                char said[1024];
                ion_text_fill(said, sizeof said, lang, "text.colon", "label", ion_status_word(l->status[k], lang),
                              "text", why, (const char *)NULL);
                ion_strbuf_puts(out, "<p class=\"status\">");
                ion_html_text(out, said);
                ion_strbuf_puts(out, "</p>");
                continue;
            }
            ion_strbuf_printf(out, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                                   "</tr></thead><tbody>",
                              "#", ion_word_get(W_ANSWER, lang), ion_word_get(W_VERDICT, lang),
                              ion_word_get(W_SCORE, lang), ion_word_get(W_FEEDBACK, lang));
            history_ctx h = {out, lang};
            bad = ion_bank_grade_list(b, l->ids[k], history_grade, &h, &err) < 0;
            ion_strbuf_puts(out, "</tbody></table>");
        }
        ion_html_end(out);
    }
    ion_web_bank_put(srv, b);
    free(l);
    if (bad)
        ion_web_refuse(rep, rq, 500);
    else
        rep->status = 200;
}

static void instructor_route(ion_server *srv, const snapshot *sn, const ion_web_request *rq, ion_web_reply *rep,
                             const char *rest)
{
    const char *lang = ion_web_page_lang(rq);
    if (!*rest) {
        instructor_home(sn, lang, rep);
        return;
    }
    if (*rest++ != '/') {
        ion_web_refuse(rep, rq, 404);
        return;
    }
    size_t len = strcspn(rest, "/");
    const ion_classroom *c =
        find_class(sn, rest, len, MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, "course"));
    rest += len;
    if (!c || !c->key) {
        ion_web_refuse(rep, rq, 404);
        return;
    }
    if (!strncmp(rest, "/student/", 9)) {
        history_page(srv, c, rest + 9, lang, rq, rep);
        return;
    }
    int csv = !strcmp(rest, "/gradebook.csv");
    if (*rest && !csv) {
        ion_web_refuse(rep, rq, 404);
        return;
    }
    ion_error err = {0};
    ion_bank *b = ion_web_bank_get(srv);
    ion_gradebook *gb = ion_classroom_gradebook(c, b, lang, &err);
    ion_web_bank_put(srv, b);
    if (!gb) {
        ion_web_log(srv, err.msg);
        ion_web_refuse(rep, rq, 500);
        return;
    }
    if (csv) {
        size_t n;
        char *text = ion_gradebook_csv(gb, &n);
        if (text)
            ion_strbuf_add(&rep->body, text, n);
        free(text);
        rep->status = text ? 200 : 500;
        rep->type = "text/csv; charset=utf-8";
        snprintf(rep->disposition, sizeof rep->disposition, "attachment; filename=\"%s-gradebook.csv\"",
                 c->w.ws.name);
    } else {
        gradebook_page(c, gb, lang, rep);
    }
    ion_gradebook_free(gb);
}

/* ---- the routes ---- */

static void home(const ion_web_request *rq, ion_web_reply *rep)
{
    const char *lang = ion_web_page_lang(rq);
    ion_html_begin(&rep->body, lang, "ionsheet");
    ion_strbuf_printf(&rep->body, "<h1>ionsheet</h1><p><a href=\"/drill\">%s</a></p>",
                      ion_word_get(W_DRILL, lang));
    ion_html_end(&rep->body);
    rep->status = 200;
}

void ion_web_route(ion_server *s, const snapshot *sn, const ion_web_request *rq, ion_web_reply *rep)
{
    const char *url = rq->url;
    int get = !strcmp(rq->method, "GET") || !strcmp(rq->method, "HEAD"), post = !strcmp(rq->method, "POST");
    if (!get && !post) {
        ion_web_refuse(rep, rq, 405);
        return;
    }
    if (!strcmp(url, "/static/style.css") && get) {
        ion_strbuf_puts(&rep->body, ion_html_css);
        rep->type = "text/css; charset=utf-8";
        rep->cache = 1;
        rep->status = 200;
        return;
    }
    if (!strcmp(url, "/") && get) {
        home(rq, rep);
        return;
    }
    if (!strncmp(url, "/drill", 6) && (!url[6])) {
        ion_web_drill(s, NULL, "/drill", rq, rep, post);
        return;
    }
    if (!strncmp(url, "/s/", 3) || !strncmp(url, "/i/", 3)) {
        const char *tok = url + 3, *rest = tok + strcspn(tok, "/");
        if (ion_web_limited(s, rq->addr)) {
            ion_web_refuse(rep, rq, 429);
            return;
        }
        size_t cls, student;
        if (url[1] == 'i') {
            char t[ION_TOKEN_LEN + 1];
            snprintf(t, sizeof t, "%.*s", (int)(rest - tok), tok);
            if (!*rest && get && (size_t)(rest - tok) == ION_TOKEN_LEN && ion_web_instructor_token(s, t)) {
                snprintf(rep->cookie, sizeof rep->cookie, "ion_i=%s; HttpOnly; SameSite=Strict; Path=/%s",
                         ion_web_session(s), ion_web_tls(s) ? "; Secure" : "");
                snprintf(rep->location, sizeof rep->location, "/instructor");
                rep->status = 303;
                return;
            }
        } else if (ion_web_find_token(sn, tok, (size_t)(rest - tok), &cls, &student)) {
            char token[ION_TOKEN_LEN + 1];
            snprintf(token, sizeof token, "%.*s", ION_TOKEN_LEN, tok);
            student_ctx st = {s, &sn->classes[cls], student, token, ion_web_page_lang(rq)};
            if (!*rest) {
                student_page(&st, rq, rep, post);
                return;
            }
            if (!strcmp(rest, "/drill")) {
                /* The student's drill progress: under COURSE/ID. */
                char user[2 * ION_BANK_TEXT_MAX], base[64];
                snprintf(user, sizeof user, "%s/%s", st.c->w.ws.course, st.c->students[student].id);
                snprintf(base, sizeof base, "/s/%s/drill", token);
                ion_web_drill(s, user, base, rq, rep, post);
                return;
            }
            ion_web_refuse(rep, rq, 404);
            return;
        }
        ion_web_wrong_token(s, rq->addr);
        ion_web_refuse(rep, rq, 404);
        return;
    }
    if (!strncmp(url, "/instructor", 11) && get &&
        ion_web_instructor(s, MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, "ion_i"))) {
        instructor_route(s, sn, rq, rep, url + 11);
        return;
    }
    ion_web_refuse(rep, rq, 404);
}
