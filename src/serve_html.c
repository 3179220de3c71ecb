/* HTML of the web server's pages (serve_html.h). */
#include "serve_html.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "markup.h"
#include "printed.h"
#include "text.h"

/* Small and readable on a 360-px phone: one column, large touch targets,
 * system fonts (nothing fetched from anywhere). */
const char ion_html_css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans CJK SC',"
    "'WenQuanYi Micro Hei',sans-serif;color:#1b1b1b;background:#f6f7f9}"
    "main{max-width:46rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh}"
    "h1{font-size:1.4rem;margin:.2rem 0 .6rem}h2{font-size:1.15rem;margin:1.4rem 0 .4rem}"
    ".meta{color:#555;font-size:.9rem;margin:.2rem 0}"
    ".problem{border-top:1px solid #ddd;padding-top:.4rem}"
    ".part{margin:.9rem 0;padding:.5rem .6rem;border-left:3px solid #c8d3e6;background:#fafbfd}"
    ".part label,.part legend{display:block;font-weight:600}"
    ".part fieldset{border:0;margin:0;padding:0}"
    ".row{display:flex;align-items:center;gap:.5rem;margin-top:.35rem;flex-wrap:wrap}"
    "select{font:inherit;padding:.4rem;border:1px solid #889;border-radius:4px;max-width:100%}"
    "input[type=text]{font:inherit;padding:.45rem .5rem;border:1px solid #889;border-radius:4px;width:12rem;max-width:100%}"
    "input[readonly]{background:#eef0f3}"
    ".choice{display:flex;align-items:center;gap:.4rem;margin:.3rem 0;font-weight:400}"
    ".choice input{width:1.2rem;height:1.2rem}"
    "button{font:inherit;font-weight:600;padding:.6rem 1.4rem;border:0;border-radius:4px;background:#1f5fbf;color:#fff;"
    "margin:1rem 0;cursor:pointer}"
    "button:focus,input:focus{outline:3px solid #f2b300;outline-offset:1px}"
    ".pts{color:#555;font-weight:400;font-size:.9rem}"
    ".verdict{margin:.35rem 0 0;font-weight:600}"
    ".right,.carried{color:#13692e}.partial{color:#8a5a00}.wrong,.invalid{color:#a01c1c}.blank,.missing{color:#555}"
    ".refused,.conflict{color:#8a5a00;font-weight:600}"
    ".note{background:#eef5ee;border:1px solid #b9d8bd;padding:.5rem .7rem;border-radius:4px}"
    ".warn{background:#fdf3e3;border-color:#e8c98f}"
    "table{border-collapse:collapse;width:100%;font-size:.9rem;display:block;overflow-x:auto}"
    "th,td{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;white-space:nowrap}"
    "th{background:#f0f2f5}"
    /* the gradebook, one column a part: the screen's width where there is one */
    "@media (min-width:60rem){main:has(table.book){max-width:80rem}}"
    "nav{font-size:.9rem;margin-bottom:.5rem}nav a{margin-right:.8rem}"
    "svg{max-width:100%;height:auto}"
    ".solution{background:#f4f6fb;padding:.5rem .7rem;border-radius:4px}"
    "@media (max-width:420px){main{padding:.6rem}input[type=text]{width:100%}}";

static const char *const word_keys[W_COUNT] = {
    [W_SUBMIT] = "web.submit",
    [W_RECEIVED] = "web.received",
    [W_YOUR_LATEST] = "web.your_latest",
    [W_DUE] = "web.due",
    [W_CLOSED] = "web.closed",
    [W_PROBLEM] = "web.problem",
    [W_NOT_FOUND] = "web.not_found",
    [W_FORBIDDEN] = "web.forbidden",
    [W_TOO_LARGE] = "web.too_large",
    [W_TOO_MANY] = "web.too_many",
    [W_BAD_METHOD] = "web.bad_method",
    [W_ERROR] = "web.error",
    [W_DRILL] = "web.drill",
    [W_CHECK] = "web.check",
    [W_NEXT] = "web.next",
    [W_RIGHT] = "web.right",
    [W_WRONG] = "web.wrong",
    [W_HINT] = "web.hint",
    [W_SOLUTION] = "web.solution",
    [W_TOPIC] = "web.topic",
    [W_ANY_TOPIC] = "web.any_topic",
    [W_START] = "web.start",
    [W_PROGRESS] = "web.progress",
    [W_TEMPLATE] = "web.template",
    [W_SEED] = "web.seed",
    [W_GRADEBOOK] = "web.gradebook",
    [W_DOWNLOAD] = "web.download",
    [W_HISTOGRAM] = "web.histogram",
    [W_NOT_SUBMITTED] = "web.not_submitted",
    [W_NOT_GRADED] = "web.not_graded",
    [W_HISTORY] = "web.history",
    [W_WORKSHEETS] = "web.worksheets",
    [W_STUDENT] = "web.student",
    [W_NAME] = "web.name",
    [W_TOTAL] = "web.total",
    [W_TIME] = "web.time",
    [W_NONE] = "web.none",
    [W_ANSWER] = "web.answer",
    [W_VERDICT] = "web.verdict",
    [W_SCORE] = "web.score",
    [W_FEEDBACK] = "web.feedback",
    [W_ATTEMPTS] = "web.attempts",
    [W_RIGHT_FIRST] = "web.right_first",
    [W_LEVEL] = "web.level",
    [W_AFTER_DUE] = "web.after_due",
    [W_NO_FEEDBACK] = "web.no_feedback",
    [W_KEY] = "web.key",
};

/* The words are in the message catalogue (templates/LANG.conf, text.h). */
const char *ion_word_get(ion_word w, const char *lang)
{
    return ion_text_get(lang, word_keys[w]);
}

void ion_html_text(ion_strbuf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': ion_strbuf_puts(b, "&lt;"); break;
        case '>': ion_strbuf_puts(b, "&gt;"); break;
        case '&': ion_strbuf_puts(b, "&amp;"); break;
        case '"': ion_strbuf_puts(b, "&quot;"); break;
        case '\'': ion_strbuf_puts(b, "&#39;"); break;
        default: ion_strbuf_addch(b, *s);
        }
    }
}

enum { MARKUP_DEPTH = 16 };

/* The markup's tags balanced (an end tag that closes nothing open is
 * dropped), an entity as written, a '<' or '&' that starts none as text and
 * invalid UTF-8 as U+FFFD (markup.h reads it). */
void ion_html_markup(ion_strbuf *b, const char *markup)
{
    ion_mk_tag open[MARKUP_DEPTH];
    int depth = 0;
    size_t n = markup ? strlen(markup) : 0;
    ion_mk_token tok;
    for (const char *s = markup; n > 0; s += tok.len, n -= tok.len) {
        ion_markup_next(s, n, 1, &tok);
        switch (tok.kind) {
        case ION_MK_OPEN:
            if (depth < MARKUP_DEPTH) {
                open[depth++] = tok.tag;
                ion_strbuf_printf(b, "<%s>", ion_markup_tag_name(tok.tag));
            }
            break;
        case ION_MK_CLOSE:
            if (depth && open[depth - 1] == tok.tag)
                ion_strbuf_printf(b, "</%s>", ion_markup_tag_name(open[--depth]));
            break;
        case ION_MK_BR:
            ion_strbuf_puts(b, "<br>");
            break;
        case ION_MK_BAD_UTF8:
            ion_strbuf_puts(b, "\xef\xbf\xbd");
            break;
        default:
            if (tok.entity) {
                ion_strbuf_add(b, s, tok.len);
            } else {
                char c[5] = {0};
                memcpy(c, s, tok.len);
                ion_html_text(b, c);
            }
        }
    }
    while (depth)
        ion_strbuf_printf(b, "</%s>", ion_markup_tag_name(open[--depth]));
}

void ion_html_begin(ion_strbuf *b, const char *lang, const char *title)
{
    ion_strbuf_printf(b, "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                         "<title>",
                      !strcmp(lang, "zh") ? "zh-Hans" : lang);
    ion_html_text(b, title);
    ion_strbuf_puts(b, "</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head>\n<body><main>");
}

void ion_html_end(ion_strbuf *b)
{
    ion_strbuf_puts(b, "</main></body></html>\n");
}

void ion_html_message(ion_strbuf *b, const char *lang, const char *heading, const char *text)
{
    ion_html_begin(b, lang, heading);
    ion_strbuf_puts(b, "<h1>");
    ion_html_text(b, heading);
    ion_strbuf_puts(b, "</h1><p>");
    ion_html_text(b, text);
    ion_strbuf_puts(b, "</p>");
    ion_html_end(b);
}

static void points(ion_strbuf *b, double pts, const char *lang)
{
    char n[32], text[96];
    snprintf(n, sizeof n, "%g", pts);
    ion_text_fill(text, sizeof text, lang, ion_text_plural(lang, "label.points", pts), "n", n, (const char *)NULL);
    ion_strbuf_puts(b, " <span class=\"pts\">(");
    ion_html_text(b, text);
    ion_strbuf_puts(b, ")</span>");
}

const char *ion_verdict_word(ion_verdict v, const char *lang)
{
    return ion_text_gloss(lang, "verdict", ion_verdict_name(v));
}

const char *ion_status_word(ion_status st, const char *lang)
{
    return ion_text_gloss(lang, "verdict", ion_status_name(st));
}

static void verdict(ion_strbuf *b, const ion_html_answer *a, const char *lang)
{
    if (!a || a->verdict == ION_VERDICT_MISSING)
        return;
    ion_strbuf_puts(b, "<p class=\"verdict ");
    ion_html_text(b, ion_verdict_name(a->verdict));
    ion_strbuf_puts(b, "\">");
    ion_html_text(b, ion_verdict_word(a->verdict, lang));
    ion_strbuf_printf(b, " · %g/%g", a->score, a->max);
    if (a->feedback) {
        ion_strbuf_puts(b, "</p><p class=\"meta\">");
        ion_html_text(b, a->feedback);
    }
    ion_strbuf_puts(b, "</p>");
}

/* One radio button of a choice or mcq part. */
static void radio(ion_strbuf *b, const char *part, const char *value, const char *label_markup,
                  const char *checked, int n)
{
    ion_strbuf_puts(b, "<label class=\"choice\"><input type=\"radio\" name=\"");
    ion_html_text(b, part);
    ion_strbuf_puts(b, "\" value=\"");
    ion_html_text(b, value);
    ion_strbuf_printf(b, "\" id=\"p-%s-%d\"%s> ", part, n,
                      checked && !strcasecmp(checked, value) ? " checked" : "");
    ion_html_markup(b, label_markup);
    ion_strbuf_puts(b, "</label>");
}

/* Part k of problem i: its question, then an input with its unit or radio
 * buttons, prefilled with answer a. */
static void part_html(ion_strbuf *b, ion_strbuf *text, size_t i, size_t k, const ion_html_answer *a,
                      const ion_html_sheet_page *p)
{
    const ion_instance *in = &p->sheet->inst[i];
    const ion_part *q = &in->t->parts[k];
    const char *given = a ? a->answer : NULL;
    double pts = in->keys[k].points;
    char id[32];
    ion_printed_part_id(i, q, id, sizeof id);
    ion_strbuf_puts(b, "<div class=\"part\">");
    if (q->kind == ION_ANSWER_NUMERIC) {
        ion_strbuf_printf(b, "<label for=\"p-%s\">", id);
        ion_html_text(b, id);
        ion_strbuf_puts(b, ". ");
        ion_html_markup(b, ion_printed_text(text, in, &q->text, p->lang));
        points(b, pts, p->lang);
        ion_strbuf_printf(b, "</label><div class=\"row\"><input type=\"text\" id=\"p-%s\" name=\"%s\""
                             " autocomplete=\"off\" spellcheck=\"false\" value=\"",
                          id, id);
        ion_html_text(b, given);
        ion_strbuf_printf(b, "\"%s>", p->closed ? " disabled" : "");
        const char *unit = ion_printed_unit(q);
        if (unit && strcmp(unit, "1")) {
            ion_strbuf_puts(b, "<span class=\"unit\">");
            ion_html_markup(b, unit);
            ion_strbuf_puts(b, "</span>");
        }
        ion_strbuf_puts(b, "</div>");
    } else {
        ion_strbuf_puts(b, "<fieldset><legend>");
        ion_html_text(b, id);
        ion_strbuf_puts(b, ". ");
        ion_html_markup(b, ion_printed_text(text, in, &q->text, p->lang));
        points(b, pts, p->lang);
        ion_strbuf_puts(b, "</legend>");
        if (q->kind == ION_ANSWER_CHOICE)
            for (size_t c = 0; c < q->nchoices; c++)
                radio(b, id, q->choices[c], q->choices[c], given, (int)c);
        else
            for (size_t o = 0; o < q->noptions && o < ION_MAX_OPTIONS; o++) {
                ion_strbuf lab = {0};
                ion_strbuf_puts(&lab, ion_printed_letter(o));
                ion_strbuf_puts(&lab, ". ");
                ion_strbuf_puts(&lab, ion_printed_option(text, in, k, o, p->lang));
                radio(b, id, ion_printed_letter(o), lab.s ? lab.s : "", given, (int)o);
                if (lab.oom)
                    b->oom = 1;
                ion_strbuf_release(&lab);
            }
        ion_strbuf_puts(b, "</fieldset>");
    }
    if (p->show_verdicts)
        verdict(b, a, p->lang);
    ion_strbuf_puts(b, "</div>");
}

/* Markup as SVG text: sub- and superscripts become shifted tspans. */
static void svg_markup(ion_strbuf *b, const char *markup)
{
    static const char *const from[] = {"<sub>", "<sup>", "<i>", "<b>", "</sub>", "</sup>", "</i>", "</b>", "<br>"};
    static const char *const to[] = {"<tspan baseline-shift=\"sub\" font-size=\"75%\">",
                                     "<tspan baseline-shift=\"super\" font-size=\"75%\">",
                                     "<tspan font-style=\"italic\">", "<tspan font-weight=\"bold\">",
                                     "</tspan>", "</tspan>", "</tspan>", "</tspan>", " "};
    ion_strbuf h = {0};
    ion_html_markup(&h, markup);
    for (const char *s = h.s; s && *s;) {
        size_t k = 0;
        while (k < sizeof from / sizeof *from && strncmp(s, from[k], strlen(from[k])))
            k++;
        if (k < sizeof from / sizeof *from) {
            ion_strbuf_puts(b, to[k]);
            s += strlen(from[k]);
        } else {
            ion_strbuf_addch(b, *s++);
        }
    }
    if (h.oom)
        b->oom = 1;
    ion_strbuf_release(&h);
}

/* The potential ladder: each equilibrium potential (and the membrane
 * potential) at its height on a vertical mV axis, as inline SVG. */
static void ladder(ion_strbuf *b, const ion_printed_ladder *pr)
{
    double lo = pr->has_vm ? pr->vm.mV : pr->marks[0].mV, hi = lo;
    for (int i = 0; i < pr->nmarks; i++) {
        lo = pr->marks[i].mV < lo ? pr->marks[i].mV : lo;
        hi = pr->marks[i].mV > hi ? pr->marks[i].mV : hi;
    }
    if (hi - lo < 20)
        lo -= 10, hi += 10;
    double top = 20, h = 200;
    ion_strbuf_puts(b, "<svg class=\"ladder\" viewBox=\"0 0 360 240\" width=\"360\" height=\"240\" role=\"img\">"
                       "<line x1=\"60\" y1=\"15\" x2=\"60\" y2=\"225\" stroke=\"#333\"/>");
    for (int i = -1; i < pr->nmarks; i++) {
        const ion_printed_mark *m = i < 0 ? pr->has_vm ? &pr->vm : NULL : &pr->marks[i];
        if (!m)
            continue;
        double y = top + h * (hi - m->mV) / (hi - lo);
        const char *colour = i < 0 ? "#a01c1c" : "#1f5fbf";
        ion_strbuf_printf(b, "<line x1=\"50\" y1=\"%.1f\" x2=\"%s\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>"
                             "<text x=\"%s\" y=\"%.1f\" font-size=\"13\" fill=\"%s\">",
                          y, i < 0 ? "200" : "140", y, colour, i < 0 ? "205" : "145", y + 4, colour);
        svg_markup(b, m->label);
        ion_strbuf_puts(b, " = ");
        svg_markup(b, m->value);
        ion_strbuf_puts(b, "</text>");
    }
    ion_strbuf_puts(b, "</svg>");
}

/* After the due date: each part's right answer, the worked solution and
 * the ladder of problem i. */
static void solution_html(ion_strbuf *b, ion_strbuf *text, const ion_instance *in, size_t i, const char *lang)
{
    ion_strbuf_puts(b, "<div class=\"solution\">");
    for (size_t k = 0; k < in->t->nparts; k++) {
        char id[32], answer[192];
        ion_printed_part_id(i, &in->t->parts[k], id, sizeof id);
        ion_strbuf_printf(b, "<p>%s %s: ", ion_word_get(W_KEY, lang), id);
        ion_html_markup(b, ion_printed_answer(in, k, answer, sizeof answer));
        ion_strbuf_puts(b, "</p>");
    }
    const char *solution = ion_printed_text(text, in, &in->t->solution, lang);
    if (solution) {
        ion_strbuf_printf(b, "<h3>%s</h3><p>", ion_word_get(W_SOLUTION, lang));
        ion_html_markup(b, solution);
        ion_strbuf_puts(b, "</p>");
    }
    ion_printed_ladder marks;
    ion_printed_ladder_of(in, &marks);
    if (marks.nmarks)
        ladder(b, &marks);
    ion_strbuf_puts(b, "</div>");
}

void ion_html_sheet(ion_strbuf *b, const ion_html_sheet_page *p)
{
    const ion_student_sheet *s = p->sheet;
    const ion_bank_worksheet *ws = &s->w->ws;
    ion_strbuf text = {0};
    ion_html_begin(b, p->lang, ws->title);
    ion_strbuf_puts(b, "<h1>");
    ion_html_text(b, ws->title);
    ion_strbuf_puts(b, "</h1><p class=\"meta\">");
    ion_html_text(b, ws->course);
    ion_strbuf_puts(b, " · ");
    ion_html_text(b, s->name);
    ion_strbuf_puts(b, " (");
    ion_html_text(b, s->id);
    ion_strbuf_puts(b, ")");
    if (ws->due) {
        ion_strbuf_printf(b, " · %s ", ion_word_get(W_DUE, p->lang));
        ion_html_text(b, ws->due);
    }
    ion_strbuf_puts(b, "</p>");
    if (p->drill_href) {
        ion_strbuf_puts(b, "<nav><a href=\"");
        ion_html_text(b, p->drill_href);
        ion_strbuf_printf(b, "\">%s</a></nav>", ion_word_get(W_DRILL, p->lang));
    }
    if (p->note) {
        ion_strbuf_puts(b, "<p class=\"note\" role=\"status\">");
        ion_html_text(b, p->note);
        ion_strbuf_puts(b, "</p>");
    }
    if (p->closed) {
        ion_strbuf_printf(b, "<p class=\"note warn\">%s</p>", ion_word_get(W_CLOSED, p->lang));
    } else {
        ion_strbuf_puts(b, "<form method=\"post\" action=\"");
        ion_html_text(b, p->action);
        ion_strbuf_puts(b, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
        ion_html_text(b, p->csrf);
        ion_strbuf_puts(b, "\">");
    }
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        const ion_instance *in = &s->inst[i];
        ion_strbuf_printf(b, "<section class=\"problem\"><h2>%s %d",
                          ion_word_get(W_PROBLEM, p->lang), (int)i + 1);
        ion_strbuf_puts(b, ". ");
        ion_html_markup(b, ion_i18n_get(&in->t->title, p->lang));
        ion_strbuf_puts(b, "</h2>");
        const char *statement = ion_printed_text(&text, in, &in->t->text, p->lang);
        if (statement) {
            ion_strbuf_puts(b, "<p>");
            ion_html_markup(b, statement);
            ion_strbuf_puts(b, "</p>");
        }
        for (size_t j = 0; j < in->t->nparts; j++, k++)
            part_html(b, &text, i, j, p->answers ? &p->answers[k] : NULL, p);
        if (p->solutions)
            solution_html(b, &text, in, i, p->lang);
        ion_strbuf_puts(b, "</section>");
    }
    if (text.oom) /* a text was lost: the page fails (the server answers 500) */
        b->oom = 1;
    ion_strbuf_release(&text);
    if (!p->closed)
        ion_strbuf_printf(b, "<button type=\"submit\">%s</button></form>",
                          ion_word_get(W_SUBMIT, p->lang));
    ion_html_end(b);
}
