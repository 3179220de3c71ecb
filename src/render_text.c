/* A student's worksheet as terminal text: markup made Unicode (sub- and superscripts),
 * labels from the output template. */
#include "render_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "judge.h"
#include "printed.h"
#include "strbuf.h"
#include "text.h"

/* Appends markup as plain text (nothing for NULL). */
static void plain(ion_strbuf *b, const char *markup)
{
    if (markup && ion_markup_plain(markup, b))
        b->oom = 1;
}

/* A template string with its {n} placeholder filled, into out. */
static const char *label_of(char *out, size_t cap, const ion_tmpl *t, const char *key, const char *n)
{
    const char *names[] = {"n"}, *values[] = {n};
    ion_tmpl_expand(out, cap, ion_tmpl_str(t, key), names, values, 1);
    return out;
}

static void label(ion_strbuf *b, const ion_tmpl *t, const char *key, const char *n)
{
    char out[256];
    ion_strbuf_puts(b, label_of(out, sizeof out, t, key, n));
}

/* "NAME: " with the language's colon (text.colon), what it labels to
 * follow. */
static void colon(ion_strbuf *b, const ion_tmpl *t, const char *name)
{
    char out[1024];
    const char *names[] = {"label", "text"}, *values[] = {name, ""};
    ion_tmpl_expand(out, sizeof out, ion_tmpl_str(t, "text.colon"), names, values, 2);
    ion_strbuf_puts(b, out);
}

static void points(ion_strbuf *b, const ion_tmpl *t, double p)
{
    char n[32];
    snprintf(n, sizeof n, "%g", p);
    label(b, t, ion_tmpl_plural(t, "label.points", p), n);
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
    ion_strbuf_puts(b, "     ");
    colon(b, t, ion_tmpl_str(t, "label.answer"));
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
    if (solutions) {
        colon(&b, t, s->w->ws.title);
        ion_strbuf_puts(&b, ion_tmpl_str(t, "label.solutions"));
    } else {
        ion_strbuf_puts(&b, s->w->ws.title);
    }
    ion_strbuf_puts(&b, "\n");
    for (size_t i = 0; i < s->n; i++) {
        const ion_instance *in = &s->inst[i];
        char n[16];
        snprintf(n, sizeof n, "%d", (int)i + 1);
        ion_strbuf_addch(&b, '\n');
        char head[256];
        colon(&b, t, label_of(head, sizeof head, t, "label.problem", n));
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
            colon(&b, t, ion_tmpl_str(t, "label.solution"));
            plain(&b, solution);
            ion_strbuf_addch(&b, '\n');
        }
    }
    if (text.oom) /* a text was lost: no sheet rather than one without it */
        b.oom = 1;
    ion_strbuf_release(&text);
    if (b.oom) {
        ion_strbuf_release(&b);
        return NULL;
    }
    return ion_strbuf_detach(&b, NULL);
}

/* ---- one instance for its author (bank show) ------------------------------ */

/* Appends the catalogue's line key (a printf format for the arguments of
 * sig, text.h) in lang, filled. */
static void say(ion_strbuf *b, const char *lang, const char *key, const char *sig, ...)
{
    const char *fmt = ion_text_msg(lang, key, sig);
    va_list ap;
    va_start(ap, sig);
    if (fmt)
        ion_strbuf_vprintf(b, fmt, ap);
    else
        ion_strbuf_puts(b, key);
    va_end(ap);
}

/* A template text in lang as plain text with the instance's values, in
 * text (reset first); NULL when the text is empty or out of memory (then
 * b's oom is set). */
static const char *instance_plain(ion_strbuf *text, ion_strbuf *b, const ion_instance *in, const ion_i18n *t,
                                  const char *lang)
{
    const char *markup = ion_i18n_get(t, lang);
    ion_strbuf_reset(text);
    if (!*markup)
        return NULL;
    if (ion_instance_plain(in, markup, text) == 0)
        return text->s;
    b->oom = 1;
    return NULL;
}

/* That text in the line key ("%s" for the text); nothing when empty. */
static void say_text(ion_strbuf *b, ion_strbuf *text, const ion_instance *in, const char *lang, const char *key,
                     const ion_i18n *t)
{
    if (instance_plain(text, b, in, t, lang))
        say(b, lang, key, "%s", text->s);
}

static void instance_part(ion_strbuf *b, ion_strbuf *text, const ion_instance *in, size_t i, const char *lang)
{
    const ion_part *p = &in->t->parts[i];
    const ion_part_key *key = &in->keys[i];
    char v[64], tol[64];
    say(b, lang, ion_text_plural(lang, "cli.show.part", key->points), "%s%g", p->id, key->points);
    say_text(b, text, in, lang, "cli.show.part_text", &p->text);
    if (key->kind == ION_ANSWER_NUMERIC) {
        /* The variant's own tolerance: tol="auto" gives each its own. */
        say(b, lang, p->tol_auto ? "cli.show.numeric_auto" : "cli.show.numeric", "%s%s%s",
            ion_format_sig(key->value, key->sigfigs, v, sizeof v), ion_unit_label(key->unit),
            ion_format_sig(ion_judge_tolerance(key->value, key->tol_abs, key->tol_rel), key->sigfigs, tol, sizeof tol));
    } else if (key->kind == ION_ANSWER_CHOICE) {
        char list[512] = " ";
        ion_judge_list(key->ids, key->nids, " ", list + 1, sizeof list - 1);
        say(b, lang, "cli.show.choice", "%s%s", key->answer, list);
    } else {
        for (size_t k = 0; k < key->nids; k++)
            if (instance_plain(text, b, in, &ion_instance_option(in, i, k)->text, lang))
                say(b, lang, "cli.show.option", "%c%s", (int)('A' + k), text->s);
        say(b, lang, "cli.show.letter", "%c", key->answer[0]);
    }
    for (size_t k = 0; k < key->nmistakes; k++) {
        const ion_judge_mistake *m = &key->mistakes[k];
        int numeric = key->kind == ION_ANSWER_NUMERIC;
        say(b, lang, "cli.show.mistake", "%s%s%s%s%g", p->mistakes[m->source].src,
            numeric ? ion_format_sig(m->value, key->sigfigs, v, sizeof v) : m->str, numeric ? " " : "",
            numeric ? ion_unit_label(key->unit) : "", m->credit);
    }
}

char *ion_instance_text(const ion_instance *in, const char *lang)
{
    const ion_template *t = in->t;
    ion_strbuf b = {0}, text = {0};
    char q[128];
    say(&b, lang, "cli.show.head", "%s%s%d", t->id, t->topic, t->difficulty);
    say_text(&b, &text, in, lang, "cli.show.title", &t->title);
    say(&b, lang, ion_text_plural(lang, "cli.show.seed", in->draws), "%llu%d", (unsigned long long)in->seed, in->draws);
    say_text(&b, &text, in, lang, "cli.show.text", &t->text);
    say(&b, lang, "cli.show.values", "-");
    for (size_t i = 0; i < t->nvars; i++)
        if (t->vars[i].kind == ION_LET)
            say(&b, lang, "cli.show.let", "%s%s%s", t->vars[i].name, ion_instance_quantity(in, (int)i, q, sizeof q),
                t->vars[i].src);
        else
            say(&b, lang, "cli.show.param", "%s%s", t->vars[i].name, ion_instance_quantity(in, (int)i, q, sizeof q));
    for (size_t i = 0; i < t->nparts; i++)
        instance_part(&b, &text, in, i, lang);
    ion_strbuf_addch(&b, '\n');
    say_text(&b, &text, in, lang, "cli.show.hint", &t->hint);
    say_text(&b, &text, in, lang, "cli.show.solution", &t->solution);
    ion_strbuf_release(&text);
    if (b.oom) {
        ion_strbuf_release(&b);
        return NULL;
    }
    return ion_strbuf_detach(&b, NULL);
}
