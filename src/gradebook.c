/* What grading produces: the gradebook CSV, a feedback text per student,
 * the statistics and summary, and the grades in the bank. Strings are
 * built in memory; the caller writes them. */
#include "grade_record.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "strbuf.h"
#include "text.h"
#include "utf8.h"

/* s on one line: the answers of a part given on several lines (one a
 * line) are joined by " | ", another control character is a space. */
static void put_line(ion_strbuf *b, const char *s)
{
    for (const char *c; *s; s = c) {
        for (c = s; *c && (unsigned char)*c >= 0x20; c++)
            ;
        ion_strbuf_add(b, s, (size_t)(c - s));
        if (*c) {
            ion_strbuf_puts(b, *c == '\n' ? " | " : " ");
            c++;
        }
    }
}

/* Points as people write them: 2, 0.5, 2.67 (at most two decimals). */
static const char *num(double v, char *buf, size_t n)
{
    return ion_fmt_points(buf, n, v);
}

static double percent(double total, double max)
{
    return max > 0 ? 100 * total / max : 0;
}

/* ---- the gradebook CSV ---------------------------------------------------- */

char *ion_gradebook_csv(const ion_gradebook *gb, size_t *len)
{
    return ion_gradebook_csv_styled(gb, NULL, len);
}

char *ion_gradebook_csv_styled(const ion_gradebook *gb, const ion_csv_style *style, size_t *len)
{
    static const ion_csv_style plain = {ION_CSV_PLAIN, 0, NULL, NULL};
    const ion_answer_key *k = ion_gradebook_key(gb);
    size_t ncol = ion_answer_key_parts(k), n = ion_answer_key_students(k);
    const char *title = ion_answer_key_title(k);
    const char **cells = calloc(ncol + 1, sizeof *cells), **parts = calloc(ncol + 1, sizeof *parts);
    char *scores = malloc((ncol + 1) * 32);
    ion_strbuf b = {0};
    style = style ? style : &plain;
    if (!cells || !parts || !scores) {
        free(cells);
        free(parts);
        free(scores);
        return NULL;
    }
    for (size_t c = 0; c < ncol; c++)
        parts[c] = ion_answer_key_part_id(k, c);
    ion_csv_book book = {style->format, style->excel, *title ? title : ion_answer_key_worksheet(k),
                         ion_answer_key_course(k), n ? ion_answer_key_student_max(k, 0) : 0, ncol, parts};
    ion_csv_header(&b, &book);
    for (size_t i = 0; i < n; i++) {
        const ion_result *r = ion_gradebook_result(gb, i);
        const char *id = ion_answer_key_student_id(k, i);
        /* Whole-file statuses fill every cell; an unreadable answer is
         * "invalid", not an ordinary 0. */
        for (size_t c = 0; c < ncol; c++)
            cells[c] = r ? "" : ion_status_name(ion_gradebook_status(gb, i, NULL));
        for (size_t j = 0; r && j < r->nparts; j++) {
            const ion_part_result *p = &r->parts[j];
            cells[p->column] = p->verdict == ION_VERDICT_INVALID ? "invalid"
                                                                 : ion_csv_points(p->score, scores + 32 * p->column, 32);
        }
        /* Only Moodle's gradebook has the e-mail: the roster is not asked
         * once a student for the others. */
        const char *email = style->email && style->format == ION_CSV_MOODLE ? style->email(id, style->ctx) : NULL;
        ion_csv_row row = {id, ion_answer_key_student_name(k, i), email,
                           r != NULL, r ? r->total : 0, ion_answer_key_student_max(k, i), cells};
        ion_csv_row_add(&b, &book, &row);
    }
    free(cells);
    free(parts);
    free(scores);
    return ion_strbuf_detach(&b, len);
}

/* ---- feedback ------------------------------------------------------------- */

/* Appends text wrapped to about width columns, each line indented. */
static void wrapped(ion_strbuf *b, const char *text, const char *indent, size_t width)
{
    const char *s = text;
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        /* The longest run of whole words within width code points. */
        const char *end = s, *cut = NULL;
        size_t cols = 0;
        while (*end && *end != '\n' && cols < width) {
            if (*end == ' ')
                cut = end;
            uint32_t cp;
            size_t k = ion_utf8_next(end, strnlen(end, 4), &cp);
            end += k ? k : 1;
            cols++;
        }
        if (*end && *end != '\n' && *end != ' ' && cut)
            end = cut;
        ion_strbuf_puts(b, indent);
        ion_strbuf_add(b, s, (size_t)(end - s));
        ion_strbuf_puts(b, "\n");
        s = *end == '\n' ? end + 1 : end;
    }
}

/* Appends key's text in lang, filled from the name, value pairs (NULL
 * ended), then a line end. */
static void put_text(ion_strbuf *b, const char *lang, const char *key, ...)
{
    va_list ap;
    va_start(ap, key);
    char *text = ion_text_vformat(lang, key, ap);
    va_end(ap);
    if (!text) {
        b->oom = 1;
        return;
    }
    ion_strbuf_puts(b, text);
    ion_strbuf_puts(b, "\n");
    free(text);
}

/* s, then blanks up to width columns (East Asian characters take two). */
static void put_padded(ion_strbuf *b, const char *s, int width)
{
    ion_strbuf_puts(b, s);
    for (int k = ion_utf8_width(s); k < width; k++)
        ion_strbuf_puts(b, " ");
}

/* Why a file was refused, "FILE: REASON", with the reason in lang. */
static void put_refusal(ion_strbuf *b, const char *lang, const char *why)
{
    char text[1024];
    wrapped(b, ion_text_refused_file(lang, why, text, sizeof text), "  ", 72);
}

char *ion_gradebook_status_line(const ion_gradebook *gb, size_t i)
{
    const char *why, *lang = ion_gradebook_lang(gb);
    ion_status st = ion_gradebook_status(gb, i, &why);
    if (st != ION_STATUS_REFUSED && st != ION_STATUS_CONFLICT)
        return NULL;
    char said[1024];
    if (st == ION_STATUS_REFUSED) /* "FILE: why", the why in lang */
        ion_text_refused_file(lang, why, said, sizeof said);
    else
        snprintf(said, sizeof said, "%s", why);
    return ion_text_format(lang, st == ION_STATUS_REFUSED ? "gradebook.refused" : "gradebook.conflict", "id",
                           ion_answer_key_student_id(ion_gradebook_key(gb), i), "why", said, (const char *)NULL);
}

char *ion_gradebook_feedback(const ion_gradebook *gb, size_t i, size_t *len)
{
    const ion_answer_key *k = ion_gradebook_key(gb);
    const ion_result *r = ion_gradebook_result(gb, i);
    const char *lang = ion_gradebook_lang(gb), *end = (const char *)NULL;
    ion_strbuf b = {0};
    char t[32], m[32], s[32], p[32], pc[32];
    const char *title = ion_answer_key_title(k), *ws = ion_answer_key_worksheet(k);
    int titled = *title && strcmp(title, ws);
    put_text(&b, lang, titled ? "feedback.head_titled" : "feedback.head", "worksheet", ws, "title", title, "course",
             ion_answer_key_course(k), end);
    put_text(&b, lang, "feedback.student", "name", ion_answer_key_student_name(k, i), "id",
             ion_answer_key_student_id(k, i), end);
    if (!r) {
        const char *why;
        ion_strbuf_puts(&b, "\n");
        switch (ion_gradebook_status(gb, i, &why)) {
        case ION_STATUS_REFUSED:
            put_text(&b, lang, "feedback.refused", end);
            put_refusal(&b, lang, why);
            put_text(&b, lang, "feedback.refused_again", end);
            break;
        case ION_STATUS_CONFLICT:
            put_text(&b, lang, "feedback.conflict", end);
            wrapped(&b, why, "  ", 72);
            put_text(&b, lang, "feedback.conflict_after", end);
            break;
        default:
            put_text(&b, lang, "feedback.missing", end);
        }
        return ion_strbuf_detach(&b, len);
    }
    snprintf(pc, sizeof pc, "%.1f", percent(r->total, r->max));
    put_text(&b, lang, "feedback.submission", "file", r->file, end);
    put_text(&b, lang, ion_text_plural(lang, "feedback.total", r->max), "total", num(r->total, t, sizeof t), "max", num(r->max, m, sizeof m),
             "percent", pc, end);
    for (size_t j = 0; j < r->nparts; j++) {
        const ion_part_result *pr = &r->parts[j];
        ion_strbuf_puts(&b, "\n");
        put_padded(&b, pr->part_id, 4);
        ion_strbuf_puts(&b, " ");
        put_padded(&b, ion_text_gloss(lang, "verdict", ion_verdict_name(pr->verdict)), 8);
        ion_strbuf_printf(&b, " %s / %s\n", num(pr->score, s, sizeof s), num(pr->points, p, sizeof p));
        ion_strbuf answer = {0};
        put_line(&answer, pr->answer ? pr->answer : ion_text_get(lang, "feedback.no_answer"));
        ion_strbuf_puts(&b, "     ");
        put_text(&b, lang, "feedback.answer", "answer", answer.s ? answer.s : "", end);
        ion_strbuf_release(&answer);
        ion_strbuf_puts(&b, "     ");
        put_text(&b, lang, "feedback.key", "key", pr->key, end);
        if (pr->feedback)
            wrapped(&b, pr->feedback, "     ", 72);
        if (pr->note)
            wrapped(&b, pr->note, "     ", 72);
    }
    return ion_strbuf_detach(&b, len);
}

/* ---- statistics and summary ------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int ion_gradebook_stats(const ion_gradebook *gb, ion_grade_stats *st)
{
    const ion_answer_key *k = ion_gradebook_key(gb);
    size_t n = ion_answer_key_students(k), ncol = ion_answer_key_parts(k);
    memset(st, 0, sizeof *st);
    st->students = n;
    double *totals = malloc((n + 1) * sizeof *totals);
    double *got = calloc(ncol + 1, sizeof *got), *could = calloc(ncol + 1, sizeof *could);
    double sum = 0, sum_max = 0;
    for (size_t i = 0; i < n; i++) {
        const ion_result *r = ion_gradebook_result(gb, i);
        if (!r)
            continue;
        if (totals)
            totals[st->graded] = r->total;
        st->graded++;
        sum += r->total;
        sum_max += r->max;
        size_t bin = (size_t)(percent(r->total, r->max) / 10);
        st->bins[bin < ION_GRADE_BINS ? bin : ION_GRADE_BINS - 1]++;
        for (size_t j = 0; got && could && j < r->nparts; j++) {
            got[r->parts[j].column] += r->parts[j].score;
            could[r->parts[j].column] += r->parts[j].points;
        }
    }
    if (st->graded) {
        st->mean = sum / (double)st->graded;
        st->mean_max = sum_max / (double)st->graded;
        if (totals) {
            qsort(totals, st->graded, sizeof *totals, cmp_double);
            size_t h = st->graded / 2;
            st->median = st->graded % 2 ? totals[h] : (totals[h - 1] + totals[h]) / 2;
        }
    }
    /* The three parts with the lowest share of their points scored (a part
     * where everybody scored every point is not among them). */
    for (size_t c = 0; got && could && c < ncol; c++) {
        if (could[c] <= 0 || got[c] >= could[c])
            continue;
        double ratio = got[c] / could[c];
        size_t at = st->nhardest;
        while (at > 0 && ratio < st->hardest_ratio[at - 1])
            at--;
        if (at >= 3)
            continue;
        size_t last = st->nhardest < 3 ? st->nhardest : 2;
        for (size_t q = last; q > at; q--) {
            st->hardest[q] = st->hardest[q - 1];
            st->hardest_ratio[q] = st->hardest_ratio[q - 1];
        }
        st->hardest[at] = c;
        st->hardest_ratio[at] = ratio;
        if (st->nhardest < 3)
            st->nhardest++;
    }
    int ret = totals && got && could ? 0 : -1;
    free(totals);
    free(got);
    free(could);
    return ret;
}

/* Appends the message of key (err.summary.*) in lang with the arguments
 * sig names (text.h: ion_text_msg). */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void put_msg(ion_strbuf *b, const char *lang, const char *key, const char *sig, ...)
{
    const char *fmt = ion_text_msg(lang, key, sig);
    char line[512];
    va_list ap;
    va_start(ap, sig);
    if (fmt)
        vsnprintf(line, sizeof line, fmt, ap);
    else
        snprintf(line, sizeof line, "%s", key);
    va_end(ap);
    ion_strbuf_puts(b, line);
}

char *ion_gradebook_summary(const ion_gradebook *gb)
{
    const char *lang = ion_gradebook_lang(gb);
    const ion_answer_key *k = ion_gradebook_key(gb);
    ion_grade_stats st;
    if (ion_gradebook_stats(gb, &st))
        return NULL;
    ion_strbuf b = {0};
    char a[32], c[32], d[32];
    size_t refused = 0, conflicts = 0;
    for (size_t i = 0; i < st.students; i++) {
        ion_status status = ion_gradebook_status(gb, i, NULL);
        refused += status == ION_STATUS_REFUSED;
        conflicts += status == ION_STATUS_CONFLICT;
    }
    put_msg(&b, lang, ion_text_plural(lang, "err.summary.head", (double)st.students), "%s%s%zu%zu%zu",
            ion_answer_key_worksheet(k), ion_answer_key_course(k), st.students, st.graded,
            st.students - st.graded - refused - conflicts);
    if (refused)
        put_msg(&b, lang, "err.summary.refused", "%zu", refused);
    if (conflicts)
        put_msg(&b, lang, "err.summary.conflicts", "%zu", conflicts);
    ion_strbuf_puts(&b, "\n");
    if (!st.graded)
        return ion_strbuf_detach(&b, NULL);
    put_msg(&b, lang, "err.summary.mean", "%s%s%f%s", num(st.mean, a, sizeof a), num(st.mean_max, c, sizeof c),
            percent(st.mean, st.mean_max), num(st.median, d, sizeof d));
    if (st.nhardest) {
        put_msg(&b, lang, "err.summary.hardest", "-");
        for (size_t i = 0; i < st.nhardest; i++)
            put_msg(&b, lang, i ? "err.summary.hardest_next" : "err.summary.hardest_first", "%s%f",
                    ion_answer_key_part_id(k, st.hardest[i]), 100 * st.hardest_ratio[i]);
        ion_strbuf_puts(&b, "\n");
    }
    size_t most = 1;
    for (int i = 0; i < ION_GRADE_BINS; i++)
        if (st.bins[i] > most)
            most = st.bins[i];
    put_msg(&b, lang, "err.summary.totals", "-");
    for (int i = ION_GRADE_BINS - 1; i >= 0; i--) {
        char bar[41], label[16];
        size_t w = (st.bins[i] * 40 + most - 1) / most;
        memset(bar, '#', w);
        bar[w] = '\0';
        snprintf(label, sizeof label, "%d-%d%%", 10 * i, i == ION_GRADE_BINS - 1 ? 100 : 10 * i + 9);
        ion_strbuf_printf(&b, "  %7s |%-40s %zu\n", label, bar, st.bins[i]);
    }
    return ion_strbuf_detach(&b, NULL);
}

/* ---- the bank ---------------------------------------------------------------- */

int ion_gradebook_record(const ion_gradebook *gb, ion_bank *b, const ion_submission *s,
                         const ion_result *r, ion_error *err)
{
    const ion_answer_key *k = ion_gradebook_key(gb);
    int64_t id;
    int ret = ion_bank_submission_upsert(b, ion_answer_key_worksheet(k), ion_answer_key_course(k),
                                         ion_answer_key_student_id(k, r->student),
                                         r->file, s->content, s->content_len, &id, err);
    enum { TEXT = 2048 }; /* a part's feedback with its note */
    ion_bank_grade *rows = ret < 0 ? NULL : malloc((r->nparts + 1) * sizeof *rows);
    char *text = rows ? malloc((r->nparts + 1) * TEXT) : NULL;
    if (ret >= 0 && !text)
        ret = ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    for (size_t j = 0; ret >= 0 && j < r->nparts; j++)
        ion_gradebook_grade_row(&r->parts[j], text + j * TEXT, TEXT, &rows[j]);
    if (ret >= 0)
        ret = ion_bank_grades_put(b, id, rows, r->nparts, err);
    free(rows);
    free(text);
    return ret < 0 ? ret : 0;
}

void ion_gradebook_grade_row(const ion_part_result *p, char *text, size_t cap, ion_bank_grade *g)
{
    const char *feedback = p->feedback ? p->feedback : p->note;
    if (p->feedback && p->note) {
        snprintf(text, cap, "%s (%s)", p->feedback, p->note);
        feedback = text;
    }
    ion_bank_grade row = {p->part_id, p->answer, p->score, p->points, p->verdict, feedback};
    *g = row;
}

int ion_gradebook_record_statuses(const ion_gradebook *gb, ion_bank *b, ion_error *err)
{
    const ion_answer_key *k = ion_gradebook_key(gb);
    int ret = 0;
    for (size_t i = 0; ret >= 0 && i < ion_answer_key_students(k); i++) {
        const char *why;
        ion_status st = ion_gradebook_status(gb, i, &why);
        if (st != ION_STATUS_REFUSED && st != ION_STATUS_CONFLICT)
            continue;
        /* What it is about: the refused file ("FILE: why"), or the files. */
        const char *sep = st == ION_STATUS_REFUSED ? strstr(why, ": ") : NULL;
        char file[256];
        snprintf(file, sizeof file, "%.*s", sep ? (int)(sep - why) : (int)strlen(why), why);
        ret = ion_bank_submission_status(b, ion_answer_key_worksheet(k), ion_answer_key_course(k),
                                         ion_answer_key_student_id(k, i), st, file, why,
                                         NULL, err);
    }
    return ret < 0 ? ret : 0;
}
