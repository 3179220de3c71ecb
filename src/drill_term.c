/* The drill's terminal view: a session's texts on a FILE*, wrapped at the
 * terminal's width by display columns (East Asian characters take two),
 * ANSI colours when asked for; and the progress table with its bars. A
 * view only: the session and the table's rows come from drill_session.c,
 * which holds the bank and the picker. */
#include "drill_view.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "utf8.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"

/* Where a session or table writes (drill_view.h). */
typedef ion_drill_term writer;

static const char *color_of(ion_drill_tone tone)
{
    static const char *const colors[] = {
        [ION_DRILL_PLAIN] = NULL,      [ION_DRILL_RIGHT] = C_GREEN, [ION_DRILL_WRONG] = C_RED,
        [ION_DRILL_NOTE] = C_YELLOW,   [ION_DRILL_STRONG] = C_BOLD, [ION_DRILL_LEVEL] = C_CYAN,
        [ION_DRILL_HINT] = C_YELLOW,   [ION_DRILL_SOLUTION] = NULL,
    };
    return (unsigned)tone < sizeof colors / sizeof colors[0] ? colors[tone] : NULL;
}

static void paint(const writer *w, const char *color, const char *text)
{
    if (w->color && color)
        fprintf(w->out, "%s%s%s", color, text, C_RESET);
    else
        fputs(text, w->out);
}

/* Punctuation a line must not start with (closing), and that it must not
 * end with (opening): kept with its neighbour when a line is broken. */
static int no_line_start(uint32_t cp)
{
    static const uint32_t closing[] = {
        0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F, 0xFF09, 0x300D,
        0x300F, 0x3011, 0x3009, 0x300B, 0x201D, 0x2019, ')', ',', '.', ';', ':', '!', '?',
    };
    for (size_t i = 0; i < sizeof closing / sizeof closing[0]; i++)
        if (cp == closing[i])
            return 1;
    return 0;
}

static int no_line_end(uint32_t cp)
{
    static const uint32_t opening[] = {0xFF08, 0x300C, 0x300E, 0x3010, 0x3008, 0x300A, 0x201C, 0x2018};
    for (size_t i = 0; i < sizeof opening / sizeof opening[0]; i++)
        if (cp == opening[i])
            return 1;
    return 0;
}

/* The length of the next word of s: up to a blank, or one East Asian wide
 * character (lines may break between any two of those), with the opening
 * punctuation before it and the closing punctuation after it. */
static size_t word_len(const char *s)
{
    size_t n = 0, left = strlen(s), len;
    uint32_t cp;
    while (n < left && (len = ion_utf8_next(s + n, left - n, &cp)) && no_line_end(cp))
        n += len;
    size_t body = n;
    while (n < left && s[n] != ' ') {
        len = ion_utf8_next(s + n, left - n, &cp);
        if (!len) {
            n++;
            continue;
        }
        if (ion_utf8_cp_width(cp) == 2 && !no_line_start(cp)) {
            if (n > body)
                return n;
            n += len;
            while (n < left && (len = ion_utf8_next(s + n, left - n, &cp)) && no_line_start(cp))
                n += len;
            return n;
        }
        n += len;
    }
    return n;
}

/* Writes text in color after indent columns, wrapped at word boundaries
 * to the writer's width; the lines after the first are indented by hang
 * more columns. */
static void emit(const writer *w, int indent, int hang, const char *color, const char *text)
{
    fprintf(w->out, "%*s", indent, "");
    if (w->color && color)
        fputs(color, w->out);
    int col = indent;
    for (const char *p = text; *p;) {
        int space = 0;
        while (*p == ' ') {
            space = 1;
            p++;
        }
        if (!*p)
            break;
        size_t n = word_len(p);
        char word[512];
        snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), p);
        int wide = ion_utf8_width(word);
        if (w->width > 0 && col > indent + hang && col + space + wide > w->width) {
            fprintf(w->out, "\n%*s", indent + hang, "");
            col = indent + hang;
        } else if (space) {
            fputc(' ', w->out);
            col++;
        }
        fwrite(p, 1, n, w->out);
        col += wide;
        p += n;
    }
    if (w->color && color)
        fputs(C_RESET, w->out);
    fputc('\n', w->out);
}

/* ---- the view a session is shown on --------------------------------------- */

static void term_text(void *ctx, int indent, int hang, ion_drill_tone tone, const char *text)
{
    emit(ctx, indent, hang, color_of(tone), text);
}

static void term_problem(void *ctx, const char *heading, const char *source, const char *title)
{
    const writer *w = ctx;
    fputc('\n', w->out);
    paint(w, C_BOLD C_CYAN, heading);
    int fits = !w->width || ion_utf8_width(heading) + 1 + ion_utf8_width(source) <= w->width;
    fputc(fits ? ' ' : '\n', w->out);
    paint(w, C_DIM, source);
    fputc('\n', w->out);
    if (*title)
        emit(w, 0, 0, C_BOLD, title);
}

static void term_gap(void *ctx)
{
    const writer *w = ctx;
    fputc('\n', w->out);
}

static void term_prompt(void *ctx, const char *part, const char *takes)
{
    const writer *w = ctx;
    char text[300];
    snprintf(text, sizeof text, *takes ? "%s [%s]>" : "%s>", part, takes);
    paint(w, C_BOLD C_CYAN, text);
    fputc(' ', w->out);
    fflush(w->out);
}

/* Input that is not a terminal is echoed, so that the output reads as a
 * transcript; the end of input ends the prompt's line. */
static void term_read(void *ctx, const char *line)
{
    const writer *w = ctx;
    if (!line)
        fputc('\n', w->out);
    else if (w->echo)
        fprintf(w->out, "%s\n", line);
}

const ion_drill_view ion_drill_term_view = {term_text, term_problem, term_gap, term_prompt, term_read};

/* ---- the progress table ------------------------------------------------- */

/* s in a field of width columns, left or right aligned. */
static void field(FILE *out, const char *s, int width, int right)
{
    int pad = width - ion_utf8_width(s);
    if (right && pad > 0)
        fprintf(out, "%*s", pad, "");
    fputs(s, out);
    if (!right && pad > 0)
        fprintf(out, "%*s", pad, "");
}

#define BAR 20

static void bar(const writer *w, int attempts, int right_first)
{
    int full = attempts ? (int)((double)BAR * right_first / attempts + 0.5) : 0;
    const char *on = w->color ? "█" : "#", *off = w->color ? "░" : ".";
    double ratio = attempts ? (double)right_first / attempts : 0;
    if (w->color)
        fputs(ratio >= 0.7 ? C_GREEN : ratio >= 0.4 ? C_YELLOW : C_RED, w->out);
    for (int k = 0; k < BAR; k++) {
        if (k == full && w->color)
            fputs(C_RESET C_DIM, w->out);
        fputs(k < full ? on : off, w->out);
    }
    if (w->color)
        fputs(C_RESET, w->out);
}

/* Writes catalogue message key (name, value pairs, NULL ended) as a line. */
static void say(const writer *w, const char *lang, const char *color, const char *key, ...)
{
    va_list ap;
    va_start(ap, key);
    char *text = ion_text_vformat(lang, key, ap);
    va_end(ap);
    if (text)
        emit(w, 0, 2, color, text);
    free(text);
}

void ion_drill_term_table_head(const writer *w, const char *lang, const char *user)
{
    say(w, lang, C_BOLD, "drill.stats_title", "user", user, (const char *)NULL);
    if (w->color)
        fputs(C_BOLD, w->out);
    field(w->out, ion_text_get(lang, "drill.stats_topic"), 30, 0);
    field(w->out, ion_text_get(lang, "drill.stats_done"), 5, 1);
    fputs("  ", w->out);
    field(w->out, ion_text_get(lang, "drill.stats_right"), 30, 0);
    field(w->out, ion_text_get(lang, "drill.stats_level"), 6, 1);
    field(w->out, ion_text_get(lang, "drill.stats_streak"), 7, 1);
    if (w->color)
        fputs(C_RESET, w->out);
    fputc('\n', w->out);
}

void ion_drill_term_table_row(const writer *w, const char *lang, const ion_drill_topic *t)
{
    FILE *out = w->out;
    char num[32];
    /* the id and its name in the head's 30 columns; a long id keeps a blank */
    int id_width = ion_utf8_width(t->topic) < 9 ? 9 : ion_utf8_width(t->topic) + 1;
    field(out, t->topic, id_width, 0);
    field(out, ion_text_gloss(lang, "topic", t->topic), id_width < 30 ? 30 - id_width : 0, 0);
    fprintf(out, "%5d  ", t->attempts);
    if (t->attempts)
        fprintf(out, "%4d %3d%% ", t->right_first, (int)(100.0 * t->right_first / t->attempts + 0.5));
    else
        fprintf(out, "%4s      ", "-");
    bar(w, t->attempts, t->right_first);
    snprintf(num, sizeof num, "%d", t->level);
    field(out, num, 6, 1);
    snprintf(num, sizeof num, "%d", t->streak);
    field(out, t->attempts ? num : "-", 7, 1);
    fputc('\n', out);
}

void ion_drill_term_table_end(const writer *w, const char *lang, int done, int right, const char *next)
{
    if (done) {
        char d[16], r[16];
        snprintf(d, sizeof d, "%d", done);
        snprintf(r, sizeof r, "%d", right);
        say(w, lang, NULL, "drill.stats_total", "done", d, "right", r, (const char *)NULL);
        if (next)
            emit(w, 0, 2, C_BOLD, next);
    } else {
        say(w, lang, NULL, "drill.stats_empty", (const char *)NULL);
    }
    fflush(w->out);
}
