/* Previews: a template's instance in a one-problem worksheet of its own. */
#include "preview.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fontset.h"
#include "render_pdf.h"
#include "worksheet.h"

struct ion_preview {
    char title[160];
    ion_bank_ws_problem problem;
    ion_template *templates[1];
    double scale[1];
    ion_worksheet w;
    ion_instance inst;
    ion_student_sheet sheet;
};

ion_preview *ion_preview_new(const ion_template *t, uint64_t seed, const char *lang,
                             ion_error *err)
{
    ion_preview *p = calloc(1, sizeof *p);
    if (!p || ion_instance_init(&p->inst, t)) {
        ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        ion_preview_free(p);
        return NULL;
    }
    if (ion_instance_generate(&p->inst, seed, err)) {
        ion_preview_free(p);
        return NULL;
    }
    char seed_text[24];
    snprintf(seed_text, sizeof seed_text, "%llu", (unsigned long long)seed);
    ion_text_fill(p->title, sizeof p->title, lang, "label.preview", "id", t->id, "seed", seed_text,
                  (const char *)NULL);
    p->problem = (ion_bank_ws_problem){(char *)t->id, 0, -1};
    p->templates[0] = (ion_template *)t; /* only read: the model's field
                                            is not const */
    p->scale[0] = 1;
    p->w.ws = (ion_bank_worksheet){(char *)t->id, "", p->title, NULL, "", 1,
                                   &p->problem, NULL};
    p->w.templates = p->templates;
    p->w.scale = p->scale;
    for (size_t k = 0; k < t->nparts; k++)
        p->w.max_points += t->parts[k].points;
    p->sheet = (ion_student_sheet){.w = &p->w, .id = "", .name = "", .inst = &p->inst, .n = 1, .count = 1, .own = 1};
    return p;
}

void ion_preview_free(ion_preview *p)
{
    if (!p)
        return;
    ion_instance_release(&p->inst);
    free(p);
}

const ion_student_sheet *ion_preview_sheet(const ion_preview *p)
{
    return &p->sheet;
}

/* The fonts of both pages: the worksheet page alone would leave out the
 * characters only its solution prints (they came out as '?'). */
static ion_fontset *preview_fonts(ion_preview *p, const ion_tmpl *tmpl,
                                  ion_error *err)
{
    ion_fontset *fs = ion_fontset_new(err);
    if (!fs)
        return NULL;
    int bad = 0;
    for (int solutions = 0; solutions <= 1 && !bad; solutions++)
        bad = ion_pdf_collect_sheet(fs, tmpl, &p->sheet, solutions);
    return ion_fontset_seal_or_free(fs, bad, err);
}

ion_pdf *ion_preview_pdf(ion_preview *p, const ion_tmpl *tmpl,
                         ion_error *err)
{
    ion_fontset *fs = preview_fonts(p, tmpl, err);
    ion_pdf *pdf = fs ? ion_pdf_new(tmpl, err) : NULL;
    if (!pdf || ion_pdf_use_fonts(pdf, fs, err) ||
        ion_pdf_add_worksheet(pdf, &p->sheet, err) ||
        ion_pdf_add_solutions(pdf, &p->sheet, err)) {
        ion_pdf_free(pdf);
        pdf = NULL;
    }
    ion_fontset_free(fs); /* the document holds its own reference */
    return pdf;
}
