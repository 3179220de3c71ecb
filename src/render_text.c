/* A sheet as terminal text: markup made Unicode (sub- and superscripts),
 * labels from the output template. */
#include "render_text.h"

#include <stdio.h>
#include <string.h>

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

static void part(ion_strbuf *b, const ion_sheet_part *p, const ion_tmpl *t,
                 int solutions)
{
    ion_strbuf_printf(b, "  %s) ", p->id);
    plain(b, p->markup);
    ion_strbuf_puts(b, " (");
    points(b, t, p->points);
    ion_strbuf_puts(b, ")\n");
    if (p->kind == ION_PART_CHOICE) {
        ion_strbuf_puts(b, "     ");
        for (int i = 0; i < p->nchoices; i++)
            ion_strbuf_printf(b, "%s[ ] %s", i ? "  " : "", p->choices[i]);
        ion_strbuf_addch(b, '\n');
    }
    for (int i = 0; i < p->noptions; i++) {
        ion_strbuf_printf(b, "     %s. ", p->options[i].letter);
        plain(b, p->options[i].markup);
        ion_strbuf_addch(b, '\n');
    }
    ion_strbuf_printf(b, "     %s: ", ion_tmpl_str(t, "label.answer"));
    if (solutions) {
        plain(b, p->answer);
    } else if (p->kind == ION_PART_NUMERIC) {
        ion_strbuf_puts(b, "________");
        if (p->unit && *p->unit && strcmp(p->unit, "1")) {
            ion_strbuf_addch(b, ' ');
            plain(b, p->unit);
        }
    }
    ion_strbuf_addch(b, '\n');
}

char *ion_sheet_text(const ion_sheet *s, const ion_tmpl *t, int solutions)
{
    ion_strbuf b = {0};
    ion_strbuf_puts(&b, s->title);
    if (solutions)
        ion_strbuf_printf(&b, ": %s", ion_tmpl_str(t, "label.solutions"));
    ion_strbuf_puts(&b, "\n");
    for (int i = 0; i < s->nproblems; i++) {
        const ion_sheet_problem *pr = &s->problems[i];
        char n[16];
        snprintf(n, sizeof n, "%d", pr->number);
        ion_strbuf_addch(&b, '\n');
        label(&b, t, "label.problem", n);
        if (pr->title) {
            ion_strbuf_puts(&b, ": ");
            plain(&b, pr->title);
        }
        ion_strbuf_puts(&b, "\n");
        if (pr->markup) {
            plain(&b, pr->markup);
            ion_strbuf_addch(&b, '\n');
        }
        for (int k = 0; k < pr->nparts; k++)
            part(&b, &pr->parts[k], t, solutions);
        if (solutions && pr->solution) {
            ion_strbuf_printf(&b, "%s: ", ion_tmpl_str(t, "label.solution"));
            plain(&b, pr->solution);
            ion_strbuf_addch(&b, '\n');
        }
    }
    if (b.oom) {
        ion_strbuf_release(&b);
        return NULL;
    }
    return ion_strbuf_detach(&b, NULL);
}
