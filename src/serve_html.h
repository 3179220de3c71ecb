/* The web server's pages as HTML (serve.c owns HTTP; this file owns the
 * markup). Every string from the bank or the network goes through
 * ion_html_text (escaped) or ion_html_markup (the bank's inline markup,
 * only <sub> <sup> <i> <b> <br/> and entities let through); nothing is
 * written raw. Pages are plain HTML forms that work without JavaScript,
 * with one embedded stylesheet (ion_html_css) and no other resource. */
#ifndef ION_SERVE_HTML_H
#define ION_SERVE_HTML_H

#include <stddef.h>

#include "instance.h"
#include "strbuf.h"
#include "verdict.h"
#include "worksheet.h"

/* The stylesheet served at /static/style.css. */
extern const char ion_html_css[];

/* The user-facing words of the pages: keys web.* of the message
 * catalogue (templates/LANG.conf). */
typedef enum {
    W_SUBMIT, W_RECEIVED, W_YOUR_LATEST, W_DUE, W_CLOSED, W_PROBLEM,
    W_NOT_FOUND, W_FORBIDDEN, W_TOO_LARGE, W_TOO_MANY, W_BAD_METHOD, W_ERROR,
    W_DRILL, W_CHECK, W_NEXT, W_RIGHT, W_WRONG, W_HINT, W_SOLUTION, W_TOPIC, W_ANY_TOPIC,
    W_START, W_PROGRESS, W_TEMPLATE, W_SEED, W_GRADEBOOK, W_DOWNLOAD, W_HISTOGRAM,
    W_NOT_SUBMITTED, W_HISTORY, W_WORKSHEETS, W_STUDENT, W_NAME, W_TOTAL, W_TIME,
    W_NONE, W_ANSWER, W_VERDICT, W_SCORE, W_FEEDBACK, W_ATTEMPTS, W_RIGHT_FIRST, W_LEVEL,
    W_AFTER_DUE, W_NO_FEEDBACK, W_KEY, W_NOT_GRADED,
    W_COUNT
} ion_word;
const char *ion_word_get(ion_word w, const char *lang);
/* A verdict ("right", "carried", ...) and a submission's status
 * ("refused", ...) as the page says them. */
const char *ion_verdict_word(ion_verdict v, const char *lang);
const char *ion_status_word(ion_status st, const char *lang);

void ion_html_text(ion_strbuf *b, const char *s);
void ion_html_markup(ion_strbuf *b, const char *markup);

/* <!doctype html> ... <body><main>; ion_html_end closes them. */
void ion_html_begin(ion_strbuf *b, const char *lang, const char *title);
void ion_html_end(ion_strbuf *b);

/* A short page with a heading and one sentence (errors, refusals). */
void ion_html_message(ion_strbuf *b, const char *lang, const char *heading, const char *text);

/* A part's answer as recorded, for the form and the verdicts. */
typedef struct {
    const char *answer;   /* NULL: none */
    ion_verdict verdict;  /* ION_VERDICT_MISSING: not graded (or not shown) */
    double score, max;
    const char *feedback; /* NULL: none */
} ion_html_answer;

/* The student's worksheet page, from the per-student model (worksheet.h)
 * with the texts in lang (printed.h): the problems with one labelled
 * input per numeric part (named by its part id, with its unit), radio
 * buttons for choice and mcq parts, prefilled with answers[k] (one per part
 * in sheet order, or NULL), verdicts shown when show_verdicts, a note
 * (may be NULL) above the form, and the form posting to action with the
 * hidden CSRF field unless closed. */
typedef struct {
    const char *lang;
    const ion_student_sheet *sheet;
    const ion_html_answer *answers; /* may be NULL */
    int show_verdicts;
    const char *note;     /* "received at ...", may be NULL */
    const char *action;   /* the form's path */
    const char *csrf;
    int closed;           /* past due: no form */
    const char *drill_href; /* link to the student's drill, may be NULL */
    int solutions;        /* each part's answer, the worked solutions and
                           * ladders too (after the due date) */
} ion_html_sheet_page;
void ion_html_sheet(ion_strbuf *b, const ion_html_sheet_page *p);

#endif
