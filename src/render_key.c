/* The XML answer key (schema/answer-key.xsd), written as a stream: one
 * student at a time, so a class of any size needs no more memory. */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Writes s with the XML specials escaped (attribute-safe), in runs. */
static void put_escaped(FILE *f, const char *s)
{
    static const char specials[] = "&<>\"\n\t\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\r\x0e\x0f"
                                   "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f";
    for (;;) {
        size_t run = strcspn(s, specials);
        fwrite(s, 1, run, f);
        s += run;
        switch (*s) {
        case '\0': return;
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\n': fputs("&#10;", f); break;
        case '\t': fputs("&#9;", f); break;
        default: break; /* other control characters are not allowed in XML */
        }
        s++;
    }
}

static void attr(FILE *f, const char *name, const char *value)
{
    fprintf(f, " %s=\"", name);
    put_escaped(f, value);
    fputc('"', f);
}

static void attr_num(FILE *f, const char *name, double v)
{
    fprintf(f, " %s=\"%.10g\"", name, v);
}

int ion_key_begin(FILE *f, const ion_worksheet *w)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<answer-key xmlns=\"urn:ionsheet:answer-key:1\"", f);
    attr(f, "worksheet", w->ws.name);
    attr(f, "course", w->ws.course);
    attr(f, "title", w->ws.title);
    if (w->ws.due)
        attr(f, "due", w->ws.due);
    attr_num(f, "max", w->max_points);
    fputs(">\n", f);
    return ferror(f) ? -1 : 0;
}

int ion_key_end(FILE *f)
{
    fputs("</answer-key>\n", f);
    return ferror(f) ? -1 : 0;
}

/* The let an answer asks for when it is just that let's name, else -1. */
int ion_part_asked_let(const ion_template *t, const ion_part *p)
{
    if (p->kind != ION_ANSWER_NUMERIC || !p->answer_src)
        return -1;
    int slot = ion_template_slot(t, p->answer_src, strlen(p->answer_src));
    return slot >= 0 && t->vars[slot].kind == ION_LET ? slot : -1;
}

/* Whether expression e reads slot, directly or through lets. */
static int depends_on(const ion_template *t, const ion_expr *e, int slot, int depth)
{
    int refs[64];
    size_t n = ion_expr_refs(e, refs, 64);
    for (size_t i = 0; i < n && i < 64; i++) {
        if (refs[i] == slot)
            return 1;
        const ion_var *v = &t->vars[refs[i]];
        if (v->kind == ION_LET && depth < 64 && depends_on(t, v->expr, slot, depth + 1))
            return 1;
    }
    return 0;
}

/* Markup with values substituted, as plain text (feedback for files). */
static void put_plain(FILE *f, const ion_instance *in, const char *markup, ion_strbuf *b)
{
    ion_strbuf_reset(b);
    if (ion_instance_plain(in, markup, b) == 0)
        put_escaped(f, b->s);
}

static void write_part(FILE *f, const ion_student_sheet *s, size_t i, size_t k, ion_strbuf *b)
{
    const ion_instance *in = &s->inst[i];
    const ion_template *t = in->t;
    const ion_part *p = &t->parts[k];
    const ion_part_inst *pi = &in->parts[k];
    static const char *const kinds[] = {"numeric", "choice", "mcq"};
    fprintf(f, "      <part id=\"%zu%s\" kind=\"%s\"", i + 1, p->id, kinds[p->kind]);
    if (p->kind == ION_ANSWER_NUMERIC) {
        attr_num(f, "value", ion_from_si(p->unit, pi->answer.num));
        attr(f, "unit", p->unit->name);
        attr_num(f, "tol-abs", p->tol_abs);
        attr_num(f, "tol-rel", p->tol_rel);
        fprintf(f, " sigfigs=\"%d\"", p->sigfigs);
    } else if (p->kind == ION_ANSWER_CHOICE) {
        attr(f, "value", pi->answer.str);
    } else {
        fprintf(f, " value=\"%c\"", pi->letter);
    }
    attr_num(f, "points", ion_worksheet_part_points(s->w, i, k));
    if (p->answer_src)
        attr(f, "expr", p->answer_src);
    fputs(">\n", f);
    for (size_t c = 0; c < p->nchoices; c++) {
        fputs("        <choice", f);
        attr(f, "id", p->choices[c]);
        fputs("/>\n", f);
    }
    for (size_t o = 0; o < p->noptions && o < ION_MAX_OPTIONS; o++) {
        fprintf(f, "        <option letter=\"%c\"", (int)('A' + o));
        attr(f, "id", p->options[pi->order[o]].id);
        fputs("/>\n", f);
    }
    for (size_t m = 0; m < p->nmistakes; m++) {
        if (!pi->mistake_ok[m])
            continue;
        fputs("        <mistake", f);
        if (p->kind == ION_ANSWER_NUMERIC)
            attr_num(f, "value", ion_from_si(p->unit, pi->mistakes[m].num));
        else
            attr(f, "value", pi->mistakes[m].str);
        attr_num(f, "credit", p->mistakes[m].credit);
        fputs(">", f);
        const ion_i18n *fb = &p->mistakes[m].feedback;
        const char *langs[] = {"en", "zh"}, *texts[] = {fb->en, fb->zh};
        for (int l = 0; l < 2; l++) {
            if (!texts[l])
                continue;
            fprintf(f, "<feedback xml:lang=\"%s\">", langs[l]);
            put_plain(f, in, texts[l], b);
            fputs("</feedback>", f);
        }
        fputs("</mistake>\n", f);
    }
    /* Carried forward: an earlier part asked for a let this answer uses. */
    for (size_t j = 0; j < k && p->answer; j++) {
        int slot = ion_part_asked_let(t, &t->parts[j]);
        if (slot >= 0 && depends_on(t, p->answer, slot, 0)) {
            fprintf(f, "        <carry from=\"%zu%s\"", i + 1, t->parts[j].id);
            attr(f, "let", t->vars[slot].name);
            fputs("/>\n", f);
        }
    }
    fputs("      </part>\n", f);
}

int ion_key_student(FILE *f, const ion_student_sheet *s)
{
    ion_strbuf b = {0};
    fputs("  <student", f);
    attr(f, "id", s->id);
    attr(f, "name", s->name);
    fputs(">\n", f);
    for (size_t i = 0; i < s->w->ws.n; i++) {
        const ion_instance *in = &s->inst[i];
        const ion_template *t = in->t;
        fprintf(f, "    <problem n=\"%zu\"", i + 1);
        attr(f, "template", t->id);
        fprintf(f, " version=\"%d\" seed=\"%llu\">\n", s->w->ws.problems[i].version,
                (unsigned long long)in->seed);
        for (size_t v = 0; v < t->nvars; v++) {
            if (t->vars[v].kind == ION_LET)
                continue;
            char shown[64];
            fputs("      <param", f);
            attr(f, "name", t->vars[v].name);
            attr(f, "value", ion_instance_value(in, (int)v, shown, sizeof shown));
            attr(f, "unit", t->vars[v].unit->name);
            fputs("/>\n", f);
        }
        for (size_t l = 0; l < t->nlets; l++) {
            const ion_var *v = &t->vars[t->let_order[l]];
            const ion_val *x = &in->vals[t->let_order[l]];
            fputs("      <let", f);
            attr(f, "name", v->name);
            if (x->type == ION_T_STR)
                attr(f, "value", x->str);
            else
                attr_num(f, "value", ion_from_si(v->unit, x->num));
            attr(f, "unit", v->unit->name);
            attr(f, "expr", v->src);
            fputs("/>\n", f);
        }
        for (size_t k = 0; k < t->nparts; k++)
            write_part(f, s, i, k, &b);
        fputs("    </problem>\n", f);
    }
    fputs("  </student>\n", f);
    ion_strbuf_release(&b);
    return ferror(f) ? -1 : 0;
}
