#include "class_fonts.h"

#include "instance.h"
#include "render_pdf.h"
#include "typeset.h"

/* What numbers, signs and quantities are written with (numfmt.c,
 * instance.c: "−9.4 × 10<sup>−5</sup>"): digits, signs, spaces. */
static const char number_chars[] =
    "0123456789+-.,eE%()\u2212\u00d7\u00b7\u2009\u202f\u00a0";

static int add_name(const ion_bank_student *s, void *ctx)
{
    return ion_ts_collect(ctx, s->name, 0) || ion_ts_collect(ctx, s->id, 0);
}

static int add_template(ion_fontset *fs, const ion_template *tp, const char *lang)
{
    int bad = 0;
#define MARKUP(x) (bad |= ion_ts_collect(fs, ion_i18n_get(&(x), lang), 1))
    MARKUP(tp->title), MARKUP(tp->text), MARKUP(tp->hint), MARKUP(tp->solution);
    for (size_t i = 0; i < tp->nvars; i++)
        bad |= ion_ts_collect(fs, ion_unit_label(tp->vars[i].unit), 1);
    for (size_t j = 0; j < tp->nparts; j++) {
        const ion_part *pt = &tp->parts[j];
        MARKUP(pt->text);
        bad |= ion_ts_collect(fs, ion_unit_label(pt->unit), 1);
        for (size_t k = 0; k < pt->nchoices; k++)
            bad |= ion_ts_collect(fs, pt->choices[k], 0);
        for (size_t k = 0; k < pt->noptions; k++)
            MARKUP(pt->options[k].text);
    }
#undef MARKUP
    return bad;
}

ion_fontset *ion_class_fonts(ion_bank *b, const ion_worksheet *w,
                             const ion_tmpl *t, ion_error *err)
{
    ion_fontset *fs = ion_fontset_new(err);
    if (!fs)
        return NULL;
    const char *lang = ion_tmpl_lang(t);
    int bad = ion_ts_collect(fs, number_chars, 0);
    bad |= ion_pdf_collect_template(fs, t);
    bad |= ion_ts_collect(fs, w->ws.title, 0) || ion_ts_collect(fs, w->ws.course, 0) ||
           ion_ts_collect(fs, w->ws.due, 0);
    for (size_t i = 0; i < w->ws.n; i++)
        bad |= add_template(fs, w->templates[i], lang);
    /* the names come last: a student's own worksheet keeps only theirs */
    bad |= ion_fontset_mark_shared(fs);
    int listed = bad ? 0 : ion_bank_student_list(b, w->ws.course, 1, add_name, fs, err);
    if (listed < 0) { /* the database said why in err */
        ion_fontset_free(fs);
        return NULL;
    }
    return ion_fontset_seal_or_free(fs, bad || listed > 0, err);
}
