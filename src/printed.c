/* The model's texts as printed (printed.h): what the PDF, the web page and
 * the terminal show of a student's worksheet, from the instances. */
#include "printed.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Text markup of instance in, filled, into b. Out of memory: "" (a view
 * lays the rest of its page out as usual), and b->oom stays set through
 * later texts, so that the view checks it once, when its page is done. */
static const char *fill(ion_strbuf *b, const ion_instance *in, const char *markup)
{
    int oom = b->oom;
    ion_strbuf_reset(b);
    b->oom = oom;
    if (!*markup)
        return NULL;
    if (oom || ion_instance_subst(in, markup, 1, b))
        return "";
    return b->s;
}

const char *ion_printed_text(ion_strbuf *b, const ion_instance *in, const ion_i18n *t, const char *lang)
{
    return fill(b, in, ion_i18n_get(t, lang));
}

const char *ion_printed_option(ion_strbuf *b, const ion_instance *in, size_t k, size_t shown, const char *lang)
{
    const ion_option *o = ion_instance_option(in, k, shown);
    return fill(b, in, o ? ion_i18n_get(&o->text, lang) : "");
}

const char *ion_printed_letter(size_t shown)
{
    static const char *const letters[] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
                                          "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z"};
    return shown < sizeof letters / sizeof *letters ? letters[shown] : "?";
}

const char *ion_printed_answer(const ion_instance *in, size_t k, char *buf, size_t n)
{
    const ion_part_key *key = &in->keys[k];
    if (key->kind != ION_ANSWER_NUMERIC)
        return ion_part_key_text(key, buf, n);
    char plain[128];
    return ion_typographic(ion_part_key_text(key, plain, sizeof plain), buf, n);
}

const char *ion_printed_unit(const ion_part *p)
{
    const char *label = ion_unit_label(p->unit);
    return *label ? label : NULL;
}

char *ion_printed_part_id(size_t i, const ion_part *p, char *buf, size_t n)
{
    snprintf(buf, n, "%zu%s", i + 1, p->id);
    return buf;
}

double ion_printed_problem_points(const ion_instance *in)
{
    double total = 0;
    for (size_t k = 0; k < in->t->nparts; k++)
        total += in->keys[k].points;
    return total;
}

double ion_printed_sheet_points(const ion_student_sheet *s)
{
    double total = 0;
    for (size_t i = 0; i < s->n; i++)
        total += ion_printed_problem_points(&s->inst[i]);
    return total;
}

/* A value with its unit, typographic: "−94.07 mV". */
static void quantity(const ion_instance *in, size_t slot, char *buf, size_t n)
{
    char num[64], plain[128];
    ion_instance_value(in, (int)slot, num, sizeof num);
    ion_typographic(ion_quantity(num, in->t->vars[slot].unit, plain, sizeof plain), buf, n);
}

/* "EK" or "E_Cl" -> "E<sub>K</sub>", "E<sub>Cl</sub>". */
static void mark_label(const char *name, char *buf, size_t n)
{
    const char *rest = name + 1 + (name[1] == '_');
    if (!*rest)
        snprintf(buf, n, "%s", name);
    else
        snprintf(buf, n, "%c<sub>%s</sub>", name[0], rest);
}

void ion_printed_ladder_of(const ion_instance *in, ion_printed_ladder *out)
{
    const ion_template *t = in->t;
    out->nmarks = 0;
    out->has_vm = 0;
    for (size_t i = 0; i < t->nvars; i++) {
        const ion_var *v = &t->vars[i];
        double mV = in->vals[i].num * 1e3;
        if (v->unit->dim != ION_DIM_VOLTAGE || in->vals[i].type != ION_T_NUM || mV < -250 || mV > 250)
            continue;
        if (v->name[0] == 'E' && isupper((unsigned char)v->name[1 + (v->name[1] == '_')])) {
            if (out->nmarks == ION_PRINTED_MAX_MARKS)
                continue;
            ion_printed_mark *m = &out->marks[out->nmarks++];
            mark_label(v->name, m->label, sizeof m->label);
            m->mV = mV;
            quantity(in, i, m->value, sizeof m->value);
        } else if (v->name[0] == 'V' && !out->has_vm && strncmp(v->name, "V_LJ", 4)) {
            out->has_vm = 1;
            snprintf(out->vm.label, sizeof out->vm.label, "V<sub>m</sub>");
            out->vm.mV = mV;
            quantity(in, i, out->vm.value, sizeof out->vm.value);
        }
    }
    if (!out->nmarks)
        out->has_vm = 0;
}
