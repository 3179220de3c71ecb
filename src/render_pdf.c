/* PDF renderer, the layout: lay a student's pages out as rows of drawing
 * operations, paginate the rows, then hand each page to the backend
 * (pdf_backend.c) to draw with libharu.
 *
 * Laying out before drawing is what lets the footer say "Page x of y" for
 * each student within one document, and lets a problem move to the next
 * page as a whole when it does not fit. Coordinates while laying out are in
 * points, x from the left margin and y downwards from the top of the row. */
#include "render_pdf_int.h"
#include "text.h"

#include <math.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "printed.h"

/* ---- building rows --------------------------------------------------- */

static void *grow(ion_pdf *p, void *arr, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return arr;
    int n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *a = realloc(arr, (size_t)n * size);
    if (!a) {
        p->oom = 1;
        return NULL;
    }
    *cap = n;
    return a;
}

static op *add_op(ion_pdf *p, op_kind kind, color c, float x, float y)
{
    op *ops = grow(p, p->ops, &p->ops_cap, p->nops + 1, sizeof *ops);
    if (!ops)
        return NULL;
    p->ops = ops;
    op *o = &ops[p->nops++];
    memset(o, 0, sizeof *o);
    o->kind = (unsigned char)kind;
    o->color = (unsigned char)c;
    o->x = x;
    o->y = y;
    return o;
}

/* A line, rectangle or triangle: its first point and the kind's other
 * numbers (op's a, b, c, d, w and style). */
static void add_shape(ion_pdf *p, op_kind kind, color c, double x, double y,
                      const float abcd[4], double w, int style)
{
    op *o = add_op(p, kind, c, (float)x, (float)y);
    if (o) {
        o->a = abcd[0];
        o->b = abcd[1];
        o->c = abcd[2];
        o->d = abcd[3];
        o->w = (float)w;
        o->style = (unsigned char)style;
    }
}

static void add_line(ion_pdf *p, color c, double x1, double y1, double x2,
                     double y2, double w, int dashed)
{
    add_shape(p, OP_LINE, c, x1, y1, (const float[4]){(float)x2, (float)y2, 0, 0}, w, dashed);
}

static void add_rect(ion_pdf *p, color c, double x, double y, double w,
                     double h, double lw, int filled)
{
    add_shape(p, OP_RECT, c, x, y, (const float[4]){(float)w, (float)h, 0, 0}, lw, filled);
}

static void add_tri(ion_pdf *p, color c, double x1, double y1, double x2,
                    double y2, double x3, double y3)
{
    add_shape(p, OP_TRI, c, x1, y1, (const float[4]){(float)x2, (float)y2, (float)x3, (float)y3}, 0, 1);
}

/* Ends the row made of the ops added since the previous row ended. */
static row *end_row(ion_pdf *p, double height, int keep_next)
{
    row *rows = grow(p, p->rows, &p->rows_cap, p->nrows + 1, sizeof *rows);
    if (!rows)
        return NULL;
    p->rows = rows;
    int op0 = p->nrows ? rows[p->nrows - 1].op0 + rows[p->nrows - 1].nops : 0;
    row *r = &rows[p->nrows++];
    memset(r, 0, sizeof *r);
    r->height = (float)height;
    r->op0 = op0;
    r->nops = p->nops - op0;
    r->keep_next = (unsigned char)keep_next;
    return r;
}

static void space_row(ion_pdf *p, double height)
{
    row *r = end_row(p, height, 0);
    if (r)
        r->space = 1;
}

static void begin_block(ion_pdf *p)
{
    block *b = grow(p, p->blocks, &p->blocks_cap, p->nblocks + 1, sizeof *b);
    if (!b)
        return;
    p->blocks = b;
    b[p->nblocks].row0 = p->nrows;
    b[p->nblocks].nrows = 0;
    p->nblocks++;
}

static void end_block(ion_pdf *p)
{
    if (p->nblocks)
        p->blocks[p->nblocks - 1].nrows =
            p->nrows - p->blocks[p->nblocks - 1].row0;
}

/* Copies the bytes of glyphs [start, end) of p->txt into the arena;
 * returns their offset and sets *len to their number. */
/* ---- text ------------------------------------------------------------ */

static const char *S(const ion_pdf *p, const char *key)
{
    const char *s = ion_tmpl_str(p->t, key);
    return s ? s : "";
}

static double leading(const ion_pdf *p, double size)
{
    return size * p->spacing;
}

/* Baseline of a line of `size` text centred in a row of height `lead`:
 * Helvetica's capitals span 0.72 em above the baseline, descenders 0.21. */
static double baseline(double lead, double size)
{
    return lead / 2 + 0.255 * size;
}

static void txt_begin(ion_pdf *p) { ion_ts_text_clear(&p->txt); }

static int txt_add(ion_pdf *p, const char *s, double size, int flags)
{
    if (ion_ts_append(p->ts, &p->txt, s, size, flags, NULL) < 0)
        p->oom = 1;
    return p->oom ? -1 : 0;
}

static int txt_break(ion_pdf *p, double width, int max_lines)
{
    if (ion_ts_break(p->ts, &p->txt, width, max_lines, NULL) < 0)
        p->oom = 1;
    return p->oom ? -1 : 0;
}

/* Text ops for one line of p->txt with its baseline at (x, y). */
static void emit_line(ion_pdf *p, const ion_ts_line *l, double x, double y,
                      color c)
{
    ion_ts_run run;
    ion_ts_runs_begin(&run, l);
    int follows = 0;
    while (ion_ts_next_run(&p->txt, l, &run)) {
        int visible = 0;
        for (int i = run.start; i < run.end && !visible; i++)
            visible = p->txt.g[i].len > 0;
        if (!visible) {
            follows = 0;
            continue; /* only forced-break markers */
        }
        op *o = add_op(p, OP_TEXT, c, (float)(x + run.x), (float)y);
        if (!o)
            return;
        o->style = (unsigned char)follows;
        follows = 1;
        o->font = (unsigned char)run.font;
        o->a = (float)run.size;
        o->b = (float)run.rise;
        o->text = ion_pdf_text_bytes(p, run.start, run.end, &o->tlen);
    }
}

enum { ALIGN_LEFT, ALIGN_RIGHT, ALIGN_CENTER };

/* Breaks p->txt to `width` and draws all its lines into the current row,
 * the first line's row top at y; x is the left edge (the right edge with
 * ALIGN_RIGHT, the centre with ALIGN_CENTER). Returns the height used. */
static double emit_text(ion_pdf *p, double x, double y, double width,
                        int max_lines, int align, double size, color c)
{
    if (txt_break(p, width, max_lines) < 0)
        return 0;
    double lead = leading(p, size);
    for (int i = 0; i < p->txt.nlines; i++) {
        const ion_ts_line *l = &p->txt.lines[i];
        double lx = align == ALIGN_RIGHT    ? x - l->width
                    : align == ALIGN_CENTER ? x - l->width / 2
                                            : x;
        emit_line(p, l, lx, y + i * lead + baseline(lead, size), c);
    }
    return p->txt.nlines * lead;
}

/* One string set in the current row; returns the height used. */
static double put_text(ion_pdf *p, const char *s, int flags, double size,
                       double x, double y, double width, int max_lines,
                       int align, color c)
{
    txt_begin(p);
    if (txt_add(p, s, size, flags) < 0)
        return 0;
    return emit_text(p, x, y, width, max_lines, align, size, c);
}

static double text_width(ion_pdf *p, const char *s, double size, int flags)
{
    txt_begin(p);
    if (txt_add(p, s, size, flags) < 0)
        return 0;
    return ion_ts_width(&p->txt);
}

/* A paragraph as one row per line, so that it may break across pages;
 * every row keeps with the next one when `keep` is set. */
static void text_rows(ion_pdf *p, const char *s, int flags, double size,
                      double x, double width, color c, int keep)
{
    txt_begin(p);
    if (txt_add(p, s, size, flags) < 0 || txt_break(p, width, 0) < 0)
        return;
    double lead = leading(p, size);
    for (int i = 0; i < p->txt.nlines; i++) {
        emit_line(p, &p->txt.lines[i], x, baseline(lead, size), c);
        end_row(p, lead, keep || i + 1 < p->txt.nlines);
    }
}

static void fmt_points(const ion_pdf *p, double points, char *out, size_t cap)
{
    char n[32];
    if (points >= 0 && points < 1e6 && points == (long)points) {
        char *end = ion_pdf_fmt_milli(n, (long)points * 1000);
        end[-1] = '\0'; /* "88", as %g writes it, without the space */
    } else {
        ion_fmt_points(n, sizeof n, points); /* "2.67", never "2.66667" */
    }
    const char *names[] = {"n"}, *values[] = {n};
    ion_tmpl_expand(out, cap, S(p, ion_tmpl_plural(p->t, "label.points", points)), names, values, 1);
}

/* ---- header ---------------------------------------------------------- */

/* "label value" with the value wrapped in the column; returns the height. */
static double labelled(ion_pdf *p, const char *label, const char *value,
                       double x, double y, double width, int max_lines)
{
    double lw = text_width(p, label, p->small, 0);
    put_text(p, label, 0, p->small, x, y + (leading(p, p->body) -
                                            leading(p, p->small)) / 2,
             lw + 1, 1, ALIGN_LEFT, C_GRAY);
    double gap = 0.6 * p->body;
    double h = put_text(p, value, ION_TS_BOLD, p->body, x + lw + gap, y,
                        width - lw - gap, max_lines, ALIGN_LEFT, C_TEXT);
    /* at least a line when the value is blank (a preview has no student),
     * or the rule below would cross the label */
    return fmax(h, leading(p, p->body));
}

/* The language of the texts laid out: the template's. */
static const char *lang_of(const ion_pdf *p)
{
    return ion_tmpl_lang(p->t);
}

/* The student's web link, small, with its QR code (libqrencode, error
 * correction M) at the right: each run of dark modules in a row is one
 * filled rectangle. */
static void link_row(ion_pdf *p, const char *url)
{
    double W = p->width, side = 46; /* points: about 16 mm */
    QRcode *qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    double label_w = text_width(p, S(p, "label.link"), p->small, 0);
    double h = put_text(p, S(p, "label.link"), 0, p->small, 0, 6, label_w + 1, 1, ALIGN_LEFT, C_GRAY);
    h += put_text(p, url, 0, p->small, 0, 6 + h, W - side - 12, 3, ALIGN_LEFT, C_TEXT);
    if (qr) {
        double m = side / qr->width;
        for (int r = 0; r < qr->width; r++)
            for (int c = 0; c < qr->width;) {
                if (!(qr->data[r * qr->width + c] & 1)) {
                    c++;
                    continue;
                }
                int start = c;
                while (c < qr->width && (qr->data[r * qr->width + c] & 1))
                    c++;
                add_rect(p, C_TEXT, W - side + start * m, 4 + r * m, (c - start) * m, m, 0, 1);
            }
        QRcode_free(qr);
    }
    end_row(p, fmax(h + 6, side + 8), 1);
}

static void header(ion_pdf *p, const ion_student_sheet *s, int solutions)
{
    double W = p->width;
    char buf[256];
    const ion_bank_worksheet *ws = &s->w->ws;
    begin_block(p);

    /* course ............................................ due / copy note;
     * everything is drawn in reading order, which is the order text
     * extraction and screen readers see. */
    double right_w = W * 0.45;
    double hc = put_text(p, ws->course, 0, p->small, 0, 0, W - right_w - 8, 2,
                         ALIGN_LEFT, C_GRAY);
    double h1;
    if (solutions) {
        h1 = put_text(p, S(p, "label.confidential"), ION_TS_BOLD, p->small, W,
                      0, right_w, 2, ALIGN_RIGHT, C_VM);
    } else if (ws->due && *ws->due) {
        double lw = text_width(p, S(p, "label.due"), p->small, 0);
        double vw = text_width(p, ws->due, p->small, ION_TS_BOLD);
        if (vw > right_w - lw - 4)
            vw = right_w - lw - 4;
        put_text(p, S(p, "label.due"), 0, p->small, W - vw - 4, 0, lw + 1, 1,
                 ALIGN_RIGHT, C_GRAY);
        h1 = put_text(p, ws->due, ION_TS_BOLD, p->small, W, 0, vw + 1, 2,
                      ALIGN_RIGHT, C_TEXT);
    } else {
        h1 = 0;
    }
    end_row(p, fmax(fmax(h1, hc), leading(p, p->small)), 1);

    /* title ......................................... total / "solutions" */
    const char *side = buf;
    double side_size = solutions ? p->heading : p->body;
    int side_flags = solutions ? ION_TS_BOLD : 0;
    if (solutions) {
        side = S(p, "label.solutions");
    } else {
        char pts[64];
        fmt_points(p, ion_printed_sheet_points(s), pts, sizeof pts);
        const char *names[] = {"points"}, *values[] = {pts};
        ion_tmpl_expand(buf, sizeof buf, S(p, "label.total"), names, values, 1);
    }
    /* a long translation must leave the title room */
    double side_w = fmin(text_width(p, side, side_size, side_flags), right_w);
    double ht = put_text(p, ws->title, ION_TS_BOLD, p->title, 0, 0,
                         W - side_w - 12, 3, ALIGN_LEFT, C_TEXT);
    put_text(p, side, side_flags, side_size, W,
             (leading(p, p->title) - leading(p, side_size)) / 2, right_w, 1,
             ALIGN_RIGHT, solutions ? C_ACCENT : C_TEXT);
    add_line(p, C_TEXT, 0, ht + 3, W, ht + 3, 0.9, 0);
    end_row(p, ht + 6, 1);

    /* name .......................................... student id */
    double name_w = W * 0.62;
    double y = 3;
    double hn = labelled(p, S(p, "label.name"), s->name, 0, y,
                         name_w - 10, 3);
    double hi = labelled(p, S(p, "label.student_id"), s->id, name_w,
                         y, W - name_w, 2);
    double h = fmax(hn, hi) + 6;
    add_line(p, C_RULE, 0, h, W, h, 0.4, 0);
    end_row(p, h + 2, 1);

    if (!solutions && s->link && *s->link)
        link_row(p, s->link);

    const char *instr = S(p, "label.instructions");
    if (!solutions && *instr) {
        space_row(p, 2);
        text_rows(p, instr, ION_TS_ITALIC, p->small, 0, W, C_GRAY, 1);
    }
    end_block(p);
}

/* ---- problems -------------------------------------------------------- */

/* Small grey text ending at `right`, on the baseline of a first line of
 * `size` text in the current row ("2 points" beside a question). */
static void put_aside(ion_pdf *p, const char *s, double right, double size)
{
    double y = baseline(leading(p, size), size) -
               baseline(leading(p, p->small), p->small);
    put_text(p, s, 0, p->small, right, y, right, 1, ALIGN_RIGHT, C_GRAY);
}

/* Width of the points column beside a part ("2 points"). */
static double points_column(ion_pdf *p)
{
    if (p->points_col == 0) { /* the same for every part: measured once */
        char buf[64];
        fmt_points(p, 88, buf, sizeof buf);
        p->points_col = text_width(p, buf, p->small, 0) + 6;
    }
    return p->points_col;
}

static void problem_heading(ion_pdf *p, const ion_student_sheet *s, size_t i)
{
    char label[128], num[16], pts[64];
    const char *title = ion_i18n_get(&s->inst[i].t->title, lang_of(p));
    snprintf(num, sizeof num, "%d", (int)i + 1);
    const char *names[] = {"n"}, *values[] = {num};
    ion_tmpl_expand(label, sizeof label, S(p, "label.problem"), names, values,
                    1);
    fmt_points(p, ion_printed_problem_points(&s->inst[i]), pts, sizeof pts);

    double W = p->width, size = p->heading;
    double lw = text_width(p, label, size, ION_TS_BOLD);
    double pw = text_width(p, pts, p->small, 0);
    double lead = leading(p, size);
    int shade = p->nops;
    add_rect(p, C_SHADE, -4, 0, W + 8, lead, 0, 1);
    put_text(p, label, ION_TS_BOLD, size, 0, 0, lw + 1, 1, ALIGN_LEFT,
             C_ACCENT);
    double h = lead;
    if (*title) {
        double x = lw + 0.8 * size;
        h = put_text(p, title, ION_TS_MARKUP | ION_TS_BOLD, size, x, 0,
                     W - x - pw - 12, 0, ALIGN_LEFT, C_TEXT);
        if (shade < p->nops) /* the shading grows under a wrapped title */
            p->ops[shade].b = (float)h;
    }
    put_aside(p, pts, W - 2, size);
    end_row(p, h + 0.35 * size, 1);
}

/* A small square to tick, its top at y. */
static void tick_box(ion_pdf *p, double x, double y, double size)
{
    add_rect(p, C_TEXT, x, y, size, size, 0.6, 0);
}

/* The choice ids with a box each, flowing onto more lines when needed. */
static double choice_boxes(ion_pdf *p, const ion_part *pt, double x0,
                           double width)
{
    double lead = leading(p, p->body), box = 0.8 * p->body;
    double x = x0, y = 0;
    for (size_t i = 0; i < pt->nchoices; i++) {
        char key[96];
        snprintf(key, sizeof key, "choice.%s", pt->choices[i]);
        const char *gloss = ion_tmpl_str(p->t, key);
        txt_begin(p);
        txt_add(p, pt->choices[i], p->body, 0);
        if (gloss && *gloss) {
            txt_add(p, " (", p->body, 0);
            txt_add(p, gloss, p->body, 0);
            txt_add(p, ")", p->body, 0);
        }
        double w = box + 5 + ion_ts_width(&p->txt);
        if (x > x0 && x + w > x0 + width) {
            x = x0;
            y += lead;
        }
        tick_box(p, x, y + baseline(lead, p->body) - 0.75 * p->body, box);
        emit_text(p, x + box + 5, y, width, 2, ALIGN_LEFT, p->body, C_TEXT);
        x += w + 2.2 * p->body;
    }
    return y + lead;
}

/* Numeric part on a worksheet: "Answer ______________ mV". */
static double answer_line(ion_pdf *p, const ion_part *pt, double x0)
{
    double lead = leading(p, p->body), h = 1.8 * lead;
    double base = h - 0.45 * lead;
    double lw = text_width(p, S(p, "label.answer"), p->small, 0);
    put_text(p, S(p, "label.answer"), 0, p->small, x0,
             base - baseline(leading(p, p->small), p->small), lw + 1, 1,
             ALIGN_LEFT, C_GRAY);
    double lx = x0 + lw + 6;
    add_line(p, C_TEXT, lx, base + 1.5, lx + p->answer_len, base + 1.5, 0.6,
             0);
    const char *unit = ion_printed_unit(pt);
    if (unit && strcmp(unit, "1") != 0)
        put_text(p, unit, ION_TS_MARKUP, p->body, lx + p->answer_len + 4,
                 base - baseline(lead, p->body), p->col - lx, 1, ALIGN_LEFT,
                 C_TEXT);
    return h;
}

/* The formatted answer on a solutions page, with a choice's gloss. */
static double answer_text(ion_pdf *p, const ion_instance *in, size_t k, double x0)
{
    char answer[192];
    ion_printed_answer(in, k, answer, sizeof answer);
    double lw = text_width(p, S(p, "label.answer"), p->small, 0);
    double lead = leading(p, p->body);
    put_text(p, S(p, "label.answer"), 0, p->small, x0,
             baseline(lead, p->body) - baseline(leading(p, p->small),
                                                p->small),
             lw + 1, 1, ALIGN_LEFT, C_GRAY);
    txt_begin(p);
    txt_add(p, answer, p->body, ION_TS_MARKUP | ION_TS_BOLD);
    if (in->t->parts[k].kind == ION_ANSWER_CHOICE) {
        char key[208];
        snprintf(key, sizeof key, "choice.%s", answer);
        const char *gloss = ion_tmpl_str(p->t, key);
        if (gloss && *gloss) {
            txt_add(p, " (", p->body, 0);
            txt_add(p, gloss, p->body, 0);
            txt_add(p, ")", p->body, 0);
        }
    }
    return emit_text(p, x0 + lw + 6, 0, p->col - x0 - lw - 6, 0,
                     ALIGN_LEFT, p->body, C_ACCENT);
}

static void part_rows(ion_pdf *p, const ion_student_sheet *s, size_t i,
                      size_t k, int solutions)
{
    const ion_instance *in = &s->inst[i];
    const ion_part *pt = &in->t->parts[k];
    double W = p->col, indent = 2.6 * p->body;
    double pcol = points_column(p);
    char pts[64], id[32];
    fmt_points(p, in->keys[k].points, pts, sizeof pts);

    /* "1a  question ...................................... 2 points" */
    put_text(p, ion_printed_part_id(i, pt, id, sizeof id), ION_TS_BOLD,
             p->body, 0, 0, indent - 2, 1, ALIGN_LEFT, C_TEXT);
    double lead = leading(p, p->body);
    double h = put_text(p, ion_printed_text(&p->text, in, &pt->text, lang_of(p)),
                        ION_TS_MARKUP, p->body, indent, 0,
                        W - indent - pcol, 0, ALIGN_LEFT, C_TEXT);
    put_aside(p, pts, W - 2, p->body);
    end_row(p, fmax(h, lead), 1);

    if (pt->kind == ION_ANSWER_MCQ) {
        double box = 0.8 * p->body, lx = indent + (solutions ? 0 : box + 6);
        for (size_t o = 0; o < pt->noptions && o < ION_MAX_OPTIONS; o++) {
            if (!solutions)
                tick_box(p, indent, baseline(lead, p->body) - 0.75 * p->body,
                         box);
            put_text(p, ion_printed_letter(o), ION_TS_BOLD, p->body, lx, 0,
                     1.6 * p->body, 1, ALIGN_LEFT, C_TEXT);
            const char *text = ion_printed_option(&p->text, in, k, o, lang_of(p));
            double oh = put_text(p, text, ION_TS_MARKUP, p->body,
                                 lx + 1.6 * p->body, 0,
                                 W - lx - 1.6 * p->body - pcol, 0, ALIGN_LEFT,
                                 C_TEXT);
            end_row(p, fmax(oh, lead), 1);
        }
    }
    if (solutions) {
        end_row(p, answer_text(p, in, k, indent) + 0.3 * lead, 0);
        return;
    }
    if (pt->kind == ION_ANSWER_NUMERIC)
        end_row(p, answer_line(p, pt, indent), 1);
    else if (pt->kind == ION_ANSWER_CHOICE)
        end_row(p, choice_boxes(p, pt, indent, W - indent - pcol) + 0.3 * lead,
                1);
    /* Room for working; the part may end the page here. */
    row *r = end_row(p, pt->kind == ION_ANSWER_NUMERIC ? p->answer_space
                                                     : 0.4 * p->answer_space,
                     0);
    if (r)
        r->space = 1;
}

/* ---- the potential ladder -------------------------------------------- */

enum { MAX_MARKS = 16 };

typedef struct {
    const ion_printed_mark *m;
    int vm;
    double y, ly; /* true and label position */
} ladder_item;

static double nice_step(double span)
{
    static const double steps[] = {5, 10, 20, 25, 50, 100, 200, 500, 1000};
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (span / steps[i] <= 6)
            return steps[i];
    return 1000 * ceil(span / 6000);
}

static void fmt_tick(double v, char *out, size_t cap)
{
    snprintf(out, cap, "%s%.0f", v < -0.5 ? "\u2212" : "", fabs(v));
}

/* Labels sit at their marks; labels that would overlap are stacked in a
 * cluster centred on their marks' mean, and clusters that then touch merge,
 * so each label stays as near its mark as the others allow. */
static void place_labels(ladder_item *it, int n, double lh, double top,
                         double bottom)
{
    for (int i = 1; i < n; i++) /* insertion sort by y */
        for (int j = i; j > 0 && it[j].y < it[j - 1].y; j--) {
            ladder_item t = it[j];
            it[j] = it[j - 1];
            it[j - 1] = t;
        }
    int first[MAX_MARKS + 1], count[MAX_MARKS + 1], nc = 0;
    double start[MAX_MARKS + 1];
    for (int i = 0; i < n; i++) {
        first[nc] = i;
        count[nc] = 1;
        start[nc] = it[i].y;
        nc++;
        /* merge while the new cluster overlaps the one before it */
        while (nc > 1 && start[nc - 2] + count[nc - 2] * lh > start[nc - 1]) {
            count[nc - 2] += count[nc - 1];
            nc--;
            double mean = 0;
            for (int k = first[nc - 1]; k < first[nc - 1] + count[nc - 1];
                 k++)
                mean += it[k].y;
            mean /= count[nc - 1];
            start[nc - 1] = mean - (count[nc - 1] - 1) * lh / 2;
        }
    }
    for (int c = 0; c < nc; c++) {
        double s = start[c];
        if (s + (count[c] - 1) * lh > bottom)
            s = bottom - (count[c] - 1) * lh;
        if (s < top)
            s = top; /* more labels than room: they overlap at the bottom */
        for (int k = 0; k < count[c]; k++)
            it[first[c] + k].ly = s + k * lh;
    }
}


/* The figure: a vertical mV axis, each E_X as a tick with its label, V_m
 * as a red triangle and bar, all in the box (x0, y0, w, h) of the row. */
static void ladder(ion_pdf *p, const ion_printed_ladder *pr, double x0,
                   double y0, double w, double h)
{
    ladder_item it[MAX_MARKS + 1];
    int n = 0;
    for (int i = 0; i < pr->nmarks && n < MAX_MARKS; i++)
        it[n++] = (ladder_item){&pr->marks[i], 0, 0, 0};
    if (pr->has_vm)
        it[n++] = (ladder_item){&pr->vm, 1, 0, 0};
    if (n == 0)
        return;
    double lo = it[0].m->mV, hi = lo;
    for (int i = 1; i < n; i++) {
        lo = fmin(lo, it[i].m->mV);
        hi = fmax(hi, it[i].m->mV);
    }
    double span = fmax(hi - lo, 20);
    double mid = (lo + hi) / 2;
    lo = mid - 0.62 * span;
    hi = mid + 0.62 * span;
    double step = nice_step(hi - lo);
    lo = floor(lo / step) * step;
    hi = ceil(hi / step) * step;

    double fs = p->small, lead = leading(p, fs);
    add_rect(p, C_SHADE, x0, y0, w, h, 0, 1);
    put_text(p, S(p, "label.ladder"), ION_TS_BOLD, fs, x0 + 6, y0 + 3,
             w - 12, 1, ALIGN_LEFT, C_ACCENT);
    double ax = x0 + 0.26 * w, top = y0 + lead + 10, bot = y0 + h - 8;
#define Y(v) (bot - ((v) - lo) / (hi - lo) * (bot - top))
    add_line(p, C_TEXT, ax, top - 3, ax, bot + 3, 0.8, 0);
    for (double v = lo; v <= hi + step / 2; v += step) {
        char tick[32];
        fmt_tick(v, tick, sizeof tick);
        add_line(p, C_TEXT, ax - 3, Y(v), ax, Y(v), 0.6, 0);
        put_text(p, tick, 0, 0.9 * fs, ax - 5,
                 Y(v) - baseline(leading(p, 0.9 * fs), 0.9 * fs) + 0.3 * fs,
                 ax - x0, 1, ALIGN_RIGHT, C_GRAY);
    }
    if (lo < 0 && hi > 0)
        add_line(p, C_RULE, ax, Y(0), x0 + w - 6, Y(0), 0.4, 1);

    for (int i = 0; i < n; i++)
        it[i].y = Y(it[i].m->mV);
    place_labels(it, n, 1.05 * lead, top - 0.3 * lead, bot);
    double lx = ax + 22;
    for (int i = 0; i < n; i++) {
        const ion_printed_mark *m = it[i].m;
        color c = it[i].vm ? C_VM : C_TEXT;
        /* E_X: a black tick across the axis; V_m: a red bar and a red
         * triangle pointing at the axis, distinct in grey print too. */
        if (it[i].vm) {
            add_line(p, C_VM, ax - 4, it[i].y, ax + 6, it[i].y, 2.2, 0);
            add_tri(p, C_VM, ax + 7, it[i].y, ax + 15, it[i].y - 4, ax + 15,
                    it[i].y + 4);
        } else {
            add_line(p, C_TEXT, ax - 4, it[i].y, ax + 6, it[i].y, 1.1, 0);
        }
        double from = it[i].vm ? ax + 15 : ax + 6;
        if (fabs(it[i].ly - it[i].y) > 0.5 || !it[i].vm)
            add_line(p, C_RULE, from, it[i].y, lx - 2, it[i].ly, 0.4, 0);
        txt_begin(p);
        int bold = it[i].vm ? ION_TS_BOLD : 0;
        txt_add(p, m->label, fs, ION_TS_MARKUP | bold);
        txt_add(p, " ", fs, 0);
        txt_add(p, m->value, fs, ION_TS_MARKUP | bold);
        emit_text(p, lx, it[i].ly - baseline(lead, fs) + 0.3 * fs,
                  x0 + w - lx - 3, 1, ALIGN_LEFT, fs, c);
    }
#undef Y
}

/* ---- problems, whole ------------------------------------------------- */

/* The solution, and the answers, in a column beside the ladder figure when
 * the problem has marks; the figure hangs from the "Solution" label row, and
 * the rows beside it stay on its page. */
static void solution_rows(ion_pdf *p, const ion_student_sheet *s, size_t i)
{
    const ion_instance *in = &s->inst[i];
    ion_printed_ladder marks;
    ion_printed_ladder_of(in, &marks);
    int fig = marks.nmarks > 0 || marks.has_vm;
    int r0 = p->nrows;
    if (fig) {
        p->col = p->width - p->ladder_w - 12;
        ladder(p, &marks, p->width - p->ladder_w, 2, p->ladder_w, p->ladder_h);
    }
    put_text(p, S(p, "label.solution"), ION_TS_BOLD, p->small, 0, 0, p->col,
             1, ALIGN_LEFT, C_ACCENT);
    end_row(p, leading(p, p->small), 1);
    const char *solution = ion_printed_text(&p->text, in, &in->t->solution, lang_of(p));
    if (solution)
        text_rows(p, solution, ION_TS_MARKUP, p->body, 0, p->col, C_TEXT, 1);
    end_row(p, 0.5 * leading(p, p->body), 1);
    for (size_t k = 0; k < in->t->nparts; k++)
        part_rows(p, s, i, k, 1);
    if (fig) {
        double used = 0, need = p->ladder_h + 8;
        for (int i = r0; i < p->nrows; i++) {
            if (used < need)
                p->rows[i].keep_next = 1;
            used += p->rows[i].height;
        }
        if (used < need)
            end_row(p, need - used, 0);
    }
    p->col = p->width;
}

static void problem_block(ion_pdf *p, const ion_student_sheet *s, size_t i,
                          int solutions)
{
    const ion_instance *in = &s->inst[i];
    begin_block(p);
    space_row(p, p->gap);
    problem_heading(p, s, i);
    const char *statement = ion_printed_text(&p->text, in, &in->t->text, lang_of(p));
    if (statement && *statement) {
        text_rows(p, statement, ION_TS_MARKUP, p->body, 0, p->width, C_TEXT,
                  1);
        space_row(p, 0.25 * leading(p, p->body));
        p->rows[p->nrows - 1].keep_next = 1;
    }
    if (solutions)
        solution_rows(p, s, i);
    else
        for (size_t k = 0; k < in->t->nparts; k++)
            part_rows(p, s, i, k, 0);
    end_block(p);
}

/* ---- pages ----------------------------------------------------------- */

static double block_height(const ion_pdf *p, const block *b)
{
    double h = 0;
    for (int i = 0; i < b->nrows; i++)
        h += p->rows[b->row0 + i].height;
    return h;
}

/* Assigns every row a page and a y; returns the number of pages. A block
 * that does not fit in what is left of a page but fits on a page of its own
 * starts a new page; a group of rows tied by keep_next likewise; a group
 * taller than a page breaks wherever it must. */
static int paginate(ion_pdf *p)
{
    int page = 0;
    double y = 0, cap = p->body_h;
    for (int b = 0; b < p->nblocks; b++) {
        const block *bl = &p->blocks[b];
        double bh = block_height(p, bl);
        if (y > 0 && y + bh > cap && bh - p->rows[bl->row0].height <= cap)
            page++, y = 0;
        for (int i = bl->row0; i < bl->row0 + bl->nrows;) {
            int k = i;
            double gh = p->rows[k].height;
            while (p->rows[k].keep_next && k + 1 < bl->row0 + bl->nrows)
                gh += p->rows[++k].height;
            if (y > 0 && y + gh > cap && gh <= cap)
                page++, y = 0;
            for (; i <= k; i++) {
                row *r = &p->rows[i];
                if (y > 0 && y + r->height > cap)
                    page++, y = 0;
                r->page = page;
                r->y = (float)y;
                if (r->space && y == 0)
                    continue; /* no blank space at the top of a page */
                y += r->height;
            }
        }
    }
    return page + 1;
}

/* Running head (pages after the first) and footer, as fixed rows. */
static void page_furniture(ion_pdf *p, const ion_student_sheet *s, int page,
                           int pages)
{
    char buf[128], a[16], b[16];
    double W = p->width, fs = p->small;
    snprintf(a, sizeof a, "%d", page + 1);
    snprintf(b, sizeof b, "%d", pages);
    const char *names[] = {"page", "pages"}, *values[] = {a, b};
    ion_tmpl_expand(buf, sizeof buf, S(p, "label.page"), names, values, 2);
    double fy = p->page_h - p->bottom * 0.6 - leading(p, fs);
    put_text(p, buf, 0, fs, W / 2, fy, W, 1, ALIGN_CENTER, C_GRAY);
    if (page > 0) {
        double hy = p->top * 0.45;
        txt_begin(p);
        txt_add(p, s->w->ws.title, fs, 0);
        txt_add(p, "  \u00b7  ", fs, 0);
        txt_add(p, s->name, fs, ION_TS_BOLD);
        txt_add(p, "  \u00b7  ", fs, 0);
        txt_add(p, s->id, fs, 0);
        emit_text(p, 0, hy, 0.72 * W, 1, ALIGN_LEFT, fs, C_GRAY);
        put_text(p, s->w->ws.course, 0, fs, W, hy, 0.26 * W, 1, ALIGN_RIGHT,
                 C_GRAY);
        double ly = hy + leading(p, fs) + 1;
        add_line(p, C_RULE, 0, ly, W, ly, 0.4, 0);
    }
    row *r = end_row(p, 0, 0);
    if (r) {
        r->fixed = 1;
        r->page = page;
    }
}

static void reset_layout(ion_pdf *p)
{
    p->nops = p->nrows = p->nblocks = 0;
    ion_strbuf_reset(&p->arena);
    ion_strbuf_reset(&p->text);
}

/* Lays one student's sheet out with docs[0], paginates it and draws its
 * pages into every document of docs. */
static int add_sheet(ion_pdf *const *docs, int ndocs, const ion_student_sheet *s,
                     int solutions, ion_error *err)
{
    if (ndocs < 1 || !docs[0])
        return ion_fail_key(err, NULL, 0, "err.pdf.no_document", "-");
    ion_pdf *p = docs[0];
    for (int i = 0; i < ndocs; i++) {
        if (docs[i]->bytes || docs[i]->finished)
            return ion_fail_key(err, NULL, 0, "err.pdf.finished", "-");
        if (docs[i]->t != p->t)
            return ion_fail_key(err, NULL, 0, "err.pdf.templates", "-");
    }
    if (!s)
        return ion_fail_key(err, NULL, 0, "err.pdf.no_sheet", "-");
    if (ion_pdf_begin_sheet(docs, ndocs, s, solutions, err) ||
        !ion_pdf_typesetter(p, err))
        return -1;
    reset_layout(p);
    header(p, s, solutions);
    for (size_t i = 0; i < s->n; i++)
        problem_block(p, s, i, solutions);
    if (p->text.oom) /* a text was lost (printed.h): no sheet without it */
        p->oom = 1;
    if (ion_pdf_failed(p, err))
        return -1;
    int pages = paginate(p);
    int content = p->nrows;
    for (int pg = 0; pg < pages; pg++)
        page_furniture(p, s, pg, pages);
    if (ion_pdf_failed(p, err))
        return -1;
    /* Content rows are in page order; page pg's furniture is row
     * content + pg. */
    int r = 0;
    for (int pg = 0; pg < pages; pg++) {
        int r1 = r;
        while (r1 < content && p->rows[r1].page == pg)
            r1++;
        if (ion_pdf_draw_page(p, docs, ndocs, r, r1, content + pg, err))
            return -1;
        r = r1;
    }
    for (int i = 0; i < ndocs; i++) {
        docs[i]->pages += pages;
        if (ion_pdf_failed(docs[i], err))
            return -1;
    }
    return 0;
}

int ion_pdf_add_worksheet(ion_pdf *p, const ion_student_sheet *s, ion_error *err)
{
    return add_sheet(&p, 1, s, 0, err);
}

int ion_pdf_add_worksheet_to(ion_pdf *const *docs, int ndocs,
                             const ion_student_sheet *s, ion_error *err)
{
    return add_sheet(docs, ndocs, s, 0, err);
}

int ion_pdf_add_solutions(ion_pdf *p, const ion_student_sheet *s, ion_error *err)
{
    return add_sheet(&p, 1, s, 1, err);
}

int ion_pdf_page_count(const ion_pdf *p) { return p->pages; }
