/* From a student's instances to the PDF render model (sheet.h): texts in
 * the chosen language with values substituted typographically, answers
 * formatted by the same routine as the key, and the potential ladder. */
#include "sheet_build.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Everything one build allocates, freed by the next build or by free. */
struct ion_sheet_buf {
    ion_sheet sheet;
    void **owned;
    size_t nowned, capowned;
};

ion_sheet_buf *ion_sheet_buf_new(void)
{
    return calloc(1, sizeof(ion_sheet_buf));
}

static void release(ion_sheet_buf *b)
{
    for (size_t i = 0; i < b->nowned; i++)
        free(b->owned[i]);
    b->nowned = 0;
}

void ion_sheet_buf_free(ion_sheet_buf *b)
{
    if (!b)
        return;
    release(b);
    free(b->owned);
    free(b);
}

static void *own(ion_sheet_buf *b, void *p)
{
    if (!p)
        abort();
    if (b->nowned == b->capowned) {
        b->capowned = b->capowned ? 2 * b->capowned : 64;
        b->owned = realloc(b->owned, b->capowned * sizeof *b->owned);
        if (!b->owned)
            abort();
    }
    b->owned[b->nowned++] = p;
    return p;
}

static void *zalloc(ion_sheet_buf *b, size_t n, size_t size)
{
    return own(b, calloc(n ? n : 1, size));
}

static const char *subst(ion_sheet_buf *b, const ion_instance *in, const ion_i18n *t, const char *lang)
{
    const char *markup = ion_i18n_get(t, lang);
    if (!*markup)
        return NULL;
    ion_strbuf s = {0};
    if (ion_instance_subst(in, markup, 1, &s))
        abort();
    return own(b, s.s);
}

static const char *copy(ion_sheet_buf *b, const char *s)
{
    return own(b, strdup(s));
}

/* "-94.07" + "mV" -> "−94.07 mV" with a true minus and a thin space. */
/* A quantity as printed: typographic (instance.h). */
static const char *typographic(ion_sheet_buf *b, const char *plain)
{
    char typo[192];
    return copy(b, ion_typographic(plain, typo, sizeof typo));
}

static const char *quantity(ion_sheet_buf *b, const char *number, const ion_unit *u)
{
    char plain[128];
    return typographic(b, ion_quantity(number, u, plain, sizeof plain));
}

/* The part key's answer as printed. */
static const char *answer_of(ion_sheet_buf *b, const ion_part_key *k)
{
    char plain[128];
    ion_part_key_text(k, plain, sizeof plain);
    return k->kind == ION_ANSWER_NUMERIC ? typographic(b, plain) : copy(b, plain);
}

/* "EK" or "E_Cl" -> "E<sub>K</sub>", "E<sub>Cl</sub>". */
static const char *mark_label(ion_sheet_buf *b, const char *name)
{
    char out[80];
    const char *rest = name + 1 + (name[1] == '_');
    if (!*rest)
        return copy(b, name);
    snprintf(out, sizeof out, "%c<sub>%s</sub>", name[0], rest);
    return copy(b, out);
}

/* Potentials for the ladder: voltage lets and params named E<ion> are
 * equilibrium potentials, the first named V<something> is V_m. Only
 * problems that have an equilibrium potential get a figure. */
static void ladder(ion_sheet_buf *b, const ion_instance *in, ion_sheet_problem *sp)
{
    const ion_template *t = in->t;
    ion_sheet_mark *marks = zalloc(b, t->nvars, sizeof *marks);
    ion_sheet_mark *vm = NULL;
    int n = 0;
    for (size_t i = 0; i < t->nvars; i++) {
        const ion_var *v = &t->vars[i];
        double mV = in->vals[i].num * 1e3;
        if (v->unit->dim != ION_DIM_VOLTAGE || in->vals[i].type != ION_T_NUM || mV < -250 || mV > 250)
            continue;
        char num[64];
        ion_instance_value(in, (int)i, num, sizeof num);
        ion_sheet_mark m = {NULL, mV, NULL};
        if (v->name[0] == 'E' && isupper((unsigned char)v->name[1 + (v->name[1] == '_')])) {
            m.label = mark_label(b, v->name);
            m.value = quantity(b, num, v->unit);
            marks[n++] = m;
        } else if (v->name[0] == 'V' && !vm && strncmp(v->name, "V_LJ", 4)) {
            vm = zalloc(b, 1, sizeof *vm);
            vm->label = copy(b, "V<sub>m</sub>");
            vm->mV = mV;
            vm->value = quantity(b, num, v->unit);
        }
    }
    if (n) {
        sp->marks = marks;
        sp->nmarks = n;
        sp->vm = vm;
    }
}

const ion_sheet *ion_sheet_build(ion_sheet_buf *b, const ion_student_sheet *s, const char *lang,
                                 int solutions)
{
    release(b);
    const ion_worksheet *w = s->w;
    ion_sheet_problem *problems = zalloc(b, w->ws.n, sizeof *problems);
    for (size_t i = 0; i < w->ws.n; i++) {
        const ion_instance *in = &s->inst[i];
        const ion_template *t = in->t;
        ion_sheet_problem *sp = &problems[i];
        ion_sheet_part *parts = zalloc(b, t->nparts, sizeof *parts);
        sp->number = (int)i + 1;
        sp->title = copy(b, ion_i18n_get(&t->title, lang));
        sp->markup = subst(b, in, &t->text, lang);
        sp->parts = parts;
        sp->nparts = (int)t->nparts;
        for (size_t k = 0; k < t->nparts; k++) {
            const ion_part *p = &t->parts[k];
            const ion_part_inst *pi = &in->parts[k];
            ion_sheet_part *q = &parts[k];
            char id[32];
            snprintf(id, sizeof id, "%zu%s", i + 1, p->id);
            q->id = copy(b, id);
            q->markup = subst(b, in, &p->text, lang);
            q->points = ion_worksheet_part_points(w, i, k);
            q->kind = p->kind == ION_ANSWER_NUMERIC ? ION_PART_NUMERIC
                      : p->kind == ION_ANSWER_CHOICE ? ION_PART_CHOICE : ION_PART_MCQ;
            q->unit = *ion_unit_label(p->unit) ? ion_unit_label(p->unit) : NULL;
            q->choices = (const char *const *)p->choices;
            q->nchoices = (int)p->nchoices;
            if (p->kind == ION_ANSWER_MCQ) {
                ion_sheet_option *opts = zalloc(b, p->noptions, sizeof *opts);
                static const char *const letters[] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
                                                      "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z"};
                for (size_t o = 0; o < p->noptions && o < ION_MAX_OPTIONS; o++) {
                    opts[o].letter = letters[o];
                    opts[o].markup = subst(b, in, &p->options[pi->order[o]].text, lang);
                }
                q->options = opts;
                q->noptions = (int)p->noptions;
            }
            if (solutions)
                q->answer = answer_of(b, &pi->key);
        }
        if (solutions) {
            sp->solution = subst(b, in, &t->solution, lang);
            ladder(b, in, sp);
        }
    }
    b->sheet.course = w->ws.course;
    b->sheet.title = w->ws.title;
    b->sheet.due = w->ws.due;
    b->sheet.student_name = s->name;
    b->sheet.student_id = s->id;
    b->sheet.problems = problems;
    b->sheet.nproblems = (int)w->ws.n;
    return &b->sheet;
}
