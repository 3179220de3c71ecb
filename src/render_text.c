/* A student's worksheet as terminal text: markup made Unicode (sub- and superscripts),
 * labels from the output template. */
#include "render_text.h"

#include <stdio.h>
#include <string.h>

#include "printed.h"
#include "strbuf.h"
#include "text.h"

/* Appends markup as plain text (nothing for NULL). */
static void plain(ion_strbuf *b, const char *markup)
{
    if (markup && ion_markup_plain(markup, b))
        b->oom = 1;
}

/* A template string with its {n} placeholder filled. */
static void label(ion_strbuf *b, const ion_tmpl *t, const char *key,
                  const char *n)
{
    char out[256];
    const char *names[] = {"n"}, *values[] = {n};
    ion_tmpl_expand(out, sizeof out, ion_tmpl_str(t, key), names, values, 1);
    ion_strbuf_puts(b, out);
}

static void points(ion_strbuf *b, const ion_tmpl *t, double p)
{
    char n[32];
    snprintf(n, sizeof n, "%g", p);
    label(b, t, p == 1 ? "label.points_one" : "label.points_many", n);
}

static void part(ion_strbuf *b, ion_strbuf *text, const ion_student_sheet *s, size_t i, size_t k,
                 const ion_tmpl *t, int solutions)
{
    const ion_instance *in = &s->inst[i];
    const ion_part *p = &in->t->parts[k];
    const char *lang = ion_tmpl_lang(t);
    char id[32], answer[192];
    ion_strbuf_printf(b, "  %s) ", ion_printed_part_id(i, p, id, sizeof id));
    plain(b, ion_printed_text(text, in, &p->text, lang));
    ion_strbuf_puts(b, " (");
    points(b, t, in->keys[k].points);
    ion_strbuf_puts(b, ")\n");
    if (p->kind == ION_ANSWER_CHOICE) {
        ion_strbuf_puts(b, "     ");
        for (size_t c = 0; c < p->nchoices; c++)
            ion_strbuf_printf(b, "%s[ ] %s", c ? "  " : "", p->choices[c]);
        ion_strbuf_addch(b, '\n');
    }
    for (size_t o = 0; p->kind == ION_ANSWER_MCQ && o < p->noptions && o < ION_MAX_OPTIONS; o++) {
        ion_strbuf_printf(b, "     %s. ", ion_printed_letter(o));
        plain(b, ion_printed_option(text, in, k, o, lang));
        ion_strbuf_addch(b, '\n');
    }
    ion_strbuf_printf(b, "     %s: ", ion_tmpl_str(t, "label.answer"));
    const char *unit = ion_printed_unit(p);
    if (solutions) {
        plain(b, ion_printed_answer(in, k, answer, sizeof answer));
    } else if (p->kind == ION_ANSWER_NUMERIC) {
        ion_strbuf_puts(b, "________");
        if (unit && strcmp(unit, "1")) {
            ion_strbuf_addch(b, ' ');
            plain(b, unit);
        }
    }
    ion_strbuf_addch(b, '\n');
}

char *ion_sheet_text(const ion_student_sheet *s, const ion_tmpl *t, int solutions)
{
    ion_strbuf b = {0}, text = {0};
    const char *lang = ion_tmpl_lang(t);
    ion_strbuf_puts(&b, s->w->ws.title);
    if (solutions)
        ion_strbuf_printf(&b, ": %s", ion_tmpl_str(t, "label.solutions"));
    ion_strbuf_puts(&b, "\n");
    for (size_t i = 0; i < s->n; i++) {
        const ion_instance *in = &s->inst[i];
        char n[16];
        snprintf(n, sizeof n, "%d", (int)i + 1);
        ion_strbuf_addch(&b, '\n');
        label(&b, t, "label.problem", n);
        ion_strbuf_puts(&b, ": ");
        plain(&b, ion_i18n_get(&in->t->title, lang));
        ion_strbuf_puts(&b, "\n");
        const char *statement = ion_printed_text(&text, in, &in->t->text, lang);
        if (statement) {
            plain(&b, statement);
            ion_strbuf_addch(&b, '\n');
        }
        for (size_t k = 0; k < in->t->nparts; k++)
            part(&b, &text, s, i, k, t, solutions);
        const char *solution = solutions ? ion_printed_text(&text, in, &in->t->solution, lang) : NULL;
        if (solution) {
            ion_strbuf_printf(&b, "%s: ", ion_tmpl_str(t, "label.solution"));
            plain(&b, solution);
            ion_strbuf_addch(&b, '\n');
        }
    }
    ion_strbuf_release(&text);
    if (b.oom) {
        ion_strbuf_release(&b);
        return NULL;
    }
    return ion_strbuf_detach(&b, NULL);
}
